/* Provider Assistant — text helpers shared by the core: decoding server replies, making them safe to
 * show, and wiping secrets.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the core: no GTK, no Claws Mail headers.
 */
#ifndef MPA_TEXT_H
#define MPA_TEXT_H

#include <glib.h>

G_BEGIN_DECLS

/* Decode bytes from a server: valid UTF-8 as is, else GB18030 (a superset of GBK), else UTF-8 with
 * invalid bytes replaced by U+FFFD.  A NUL byte becomes the four characters "\x00".  Never returns
 * NULL. */
gchar *mpa_decode_reply(const guint8 *data, gsize len);
/* Make decoded text safe for one-line display: control characters (C0, DEL, C1, incl. ESC, BEL,
 * NUL shown as U+FFFD-free escapes like "\x1b"), CR/LF become " / " between lines; trailing
 * white space trimmed; result truncated to @max_chars characters (0: no limit) with "…". */
gchar *mpa_sanitize_display(const gchar *utf8, gsize max_chars);

/* Overwrite and free a secret string. */
void mpa_secret_free(gchar *secret);

/* The first sentence of @text (up to and including the first ". ", "! ", "? ", "。", "！" or
 * "？"), whitespace trimmed; the whole text when it has only one. */
gchar *mpa_first_sentence(const gchar *text);

/* A duration for people: under a second it is shown in milliseconds ("0.0 s" read as broken).
 * Returns TRUE and sets *@ms (rounded) when @us is under a second once rounded. */
gboolean mpa_duration_ms(gint64 us, gint *ms);

G_END_DECLS

#endif
