/* Provider Assistant — recognising Claws Mail's own log lines about failed logins.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No GTK and no Claws headers, so it can be unit-tested.  Claws' log hook gives only the text of
 * each line (no account), so the watcher correlates a failure with the latest
 * "Account 'X': Connecting to ... server: host:port..." line of the same protocol and host, and
 * with the latest server reply ("IMAP< ..." / "ESMTP< ..." / "POP< ...") seen before it.  A POP3
 * login refused ("error occurred on authentication") is a POP3 failure; the provider's rules for
 * its receiving server apply to it (mpa_pa_log_service_side()).
 *
 * Connection failures are told apart by when they come.  Claws logs no "Can't connect" line (that
 * one is only an alert), but "IMAP error on HOST: connection refused", "... stream error", "TLS
 * handshake failed" (IMAP and SMTP alike, without a host) and, for SMTP, "Session timed out...".
 * A stream error or TLS failure one I/O timeout (Claws' io_timeout_secs; always 30 s for the
 * TLS handshake of SMTP, which Claws does itself) after the connection began is a server that
 * did not answer; a hang-up within seconds of connecting, before any
 * reply, is a closed connection; anything else (a session that broke later) is left alone.
 */
#ifndef PA_LOGLINES_H
#define PA_LOGLINES_H

#include <glib.h>
#include "mpa-provider.h"
#include "mpa-check.h"

G_BEGIN_DECLS

/* Claws' message formats, as printf formats with %s and %d only.  The plugin passes the
 * translations from the "claws-mail" domain; NULL members (or a NULL struct) mean English. */
typedef struct {
	const gchar *imap_connecting;    /* "Account '%s': Connecting to IMAP server: %s:%d..." */
	const gchar *smtp_connecting;    /* "Account '%s': Connecting to SMTP server: %s:%d..." */
	const gchar *imap_error;         /* "IMAP error on %s:" */
	const gchar *login_error;        /* "LOGIN error" */
	const gchar *smtp_auth_failed;   /* "Authentication failed:\n%s" */
	const gchar *smtp_send_failed;   /* "Error occurred while sending the message:\n%s" */
	const gchar *pop3_connecting;    /* "Account '%s': Connecting to POP3 server: %s:%d..." */
	const gchar *stream_error;       /* "stream error" (after "IMAP error on %s: ") */
	const gchar *connection_refused; /* "connection refused" (likewise) */
	const gchar *tls_failed;         /* "TLS handshake failed" (a trailing newline is ignored) */
	const gchar *session_timed_out;  /* "Session timed out. You may be able to recover by ..." */
	const gchar *pop3_auth_error;    /* "error occurred on authentication" (newline ignored) */
	const gchar *oauth2_no_token;    /* "OAuth2 access token not obtained" (newline ignored) */
	const gchar *oauth2_no_code;     /* "OAuth2 missing authorization code" (newline ignored) */
} MpaPaLogFormats;

/* Which of Claws' sessions a log line is about. */
typedef enum {
	MPA_PA_LOG_IMAP,
	MPA_PA_LOG_SMTP,
	MPA_PA_LOG_POP3,
} MpaPaLogService;

/* The side whose provider rules apply: the receiving side (MPA_PROTOCOL_IMAP) for IMAP and POP3,
 * MPA_PROTOCOL_SMTP for SMTP. */
MpaProtocol mpa_pa_log_service_side(MpaPaLogService service);

typedef struct {
	MpaPaLogService service;
	MpaStage stage;        /* MPA_STAGE_AUTH or MPA_STAGE_SEND; MPA_STAGE_CONNECT with net_error */
	MpaNetError net_error; /* MPA_NET_NONE for a refused login or send */
	gchar *account_name;   /* NULL when no matching "Connecting" line was seen */
	gchar *host;
	guint port;      /* 0 when unknown */
	gchar *reply;    /* the server's words as Claws logged them, may be NULL */
	gboolean oauth2; /* Claws logged just before that it got no OAuth2 access
					 * token (no authorisation, expired or revoked, no client ID) */
} MpaPaLogFailure;

typedef struct _MpaPaLogWatch MpaPaLogWatch;

MpaPaLogWatch *mpa_pa_log_watch_new(const MpaPaLogFormats *formats);
void mpa_pa_log_watch_free(MpaPaLogWatch *watch);
/* Feed one log text (with or without Claws' "[date time] " prefix and trailing newline).
 * Returns a failure (free with mpa_pa_log_failure_free) when the line reports one, else NULL. */
MpaPaLogFailure *mpa_pa_log_watch_feed(MpaPaLogWatch *watch, const gchar *text);
/* The same, with the time the line was logged (monotonic, microseconds), for tests. */
MpaPaLogFailure *mpa_pa_log_watch_feed_at(MpaPaLogWatch *watch, const gchar *text, gint64 now_us);
/* Claws' I/O timeout (io_timeout_secs; default 60). */
void mpa_pa_log_watch_set_io_timeout(MpaPaLogWatch *watch, guint seconds);
void mpa_pa_log_failure_free(MpaPaLogFailure *failure);
/* A successful login seen since the last call (SMTP: the server's 235 after Claws connected; IMAP:
 * the answer to Claws' "IMAP> Logging ..." that no "Error logging in" followed; POP3 logins are
 * not recognised): TRUE once per login, with its service, the newest connection's account name
 * (NULL when no "Connecting" line was seen) and host.  Free both. */
gboolean mpa_pa_log_watch_take_login(MpaPaLogWatch *watch, MpaPaLogService *service,
				     gchar **account_name, gchar **host);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MpaPaLogWatch, mpa_pa_log_watch_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MpaPaLogFailure, mpa_pa_log_failure_free)

G_END_DECLS

#endif
