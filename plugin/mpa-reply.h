/* Provider Assistant — reading a server's reply: the one parser of IMAP response codes and SMTP
 * reply / enhanced status codes, used by the connection check and by the diagnosis alike.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the core: no GTK, no Claws Mail headers.  Input is decoded text (see mpa_decode_reply);
 * a reply may have several lines separated by CR LF, LF or CR.
 */
#ifndef MPA_REPLY_H
#define MPA_REPLY_H

#include <glib.h>

G_BEGIN_DECLS

/* IMAP: the response code ("[CODE ...]", RFC 3501/5530) that carries the verdict of a reply, upper
 * case, or NULL.  A line is "tag STATUS [CODE] text", "* STATUS [CODE] text", "STATUS [CODE] text"
 * or a bare "[CODE] text".  Of several lines, in this order:
 *   1. the code of an untagged BYE (the server is closing: what follows is its consequence, so
 *      "* BYE [UNAVAILABLE] busy" + "A1 NO [ALERT] go away" is UNAVAILABLE);
 *   2. the code of the tagged (final) NO / BAD line;
 *   3. the code of an untagged NO / BAD line, or of a bare "[CODE]" line;
 *   4. [ALERT] (advice to show, not a reason) when nothing else has a code.
 * Codes of OK / PREAUTH lines (CAPABILITY, PERMANENTFLAGS...) are data, not verdicts: they count
 * only when the reply has no NO / BAD / BYE line at all. */
gchar *mpa_reply_imap_code(const gchar *text);

/* IMAP: the status word of the reply's last status line, upper case ("NO", "BAD", "BYE", "OK"...),
 * or NULL when no line has one. */
gchar *mpa_reply_imap_status(const gchar *text);

/* SMTP: the reply code (200-599) and the enhanced status code (RFC 3463 "class.subject.detail",
 * class 2, 4 or 5, one to three digits each; "#5.7.0" is read as 5.7.0) of a reply, single- or
 * multi-line ("535-5.7.8 ...\r\n535 5.7.8 ...").  The code is the one of the last line that starts
 * with a code; the enhanced code is that line's, else the first one of the lines with the same
 * code.  FALSE (code 0, enhanced NULL) when no line starts with a reply code.  @code and @enhanced
 * may be NULL. */
gboolean mpa_reply_smtp(const gchar *text, guint *code, gchar **enhanced);

/* Codes quoted inside another program's message, for a text whose lines do not start with one:
 * "Error: Invalid login: 535 Error: ...", "(535, b'5.7.8 Username ...')", "got code \"535\"",
 * "permanent error (535): 5.7.139 ...", ".NET: The server response was: 5.7.0 Must issue a STARTTLS".
 * Only failure classes (4xx, 5xx and 4.x.x, 5.x.x) are looked for, after a space, bracket or quote
 * and before a space, dash, bracket, quote or the end, so ports ("host:465") and version
 * numbers are not taken for codes.  The first reply code wins, with the enhanced code right after
 * it; without a reply code, the first enhanced code.  FALSE when neither is found. */
gboolean mpa_reply_smtp_find(const gchar *text, guint *code, gchar **enhanced);

/* A bracketed IMAP response code of RFC 5530 (and RFC 3501's ALERT) anywhere in a text, as another
 * program quotes it ("imaplib.error: b'[AUTHENTICATIONFAILED] Invalid credentials'"); only the
 * registered codes count.  Upper case, or NULL; ALERT only when no other is found. */
gchar *mpa_reply_imap_code_find(const gchar *text);

/* TRUE when @text is exactly an enhanced status code ("5.7.8"). */
gboolean mpa_reply_is_enhanced(const gchar *text);

G_END_DECLS

#endif
