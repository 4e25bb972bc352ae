/* Provider Assistant — connection check: real IMAP and SMTP logins, in parallel, off the caller's
 * thread, with verified TLS, deadlines and cancellation.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the core: no GTK, no Claws Mail headers.
 *
 * Threads: mpa_check_run_async() starts one worker thread per protocol.  Progress and completion
 * callbacks are invoked in the thread-default main context of the caller of
 * mpa_check_run_async(), never in a worker.  libetpan globals (mailstream_logger,
 * mailstream_network_delay, mailstream_debug) are never changed; the plugin filters its own traffic
 * out of Claws' logger with mpa_check_thread_is_ours().
 */
#ifndef MPA_CHECK_H
#define MPA_CHECK_H

#include <gio/gio.h>
#include "mpa-provider.h"

G_BEGIN_DECLS

/* Outcome of a protocol check or of one stage. */
typedef enum {
	MPA_OUTCOME_OK,
	MPA_OUTCOME_FAILED,
	MPA_OUTCOME_SKIPPED, /* not attempted (no server, or an earlier stage failed) */
	MPA_OUTCOME_CANCELLED
} MpaOutcome;

/* What went wrong below the protocol (network / TLS).  MPA_NET_NONE when the server answered. */
typedef enum {
	MPA_NET_NONE,
	MPA_NET_DNS,                  /* host name not found */
	MPA_NET_REFUSED,              /* connection refused / unreachable */
	MPA_NET_TIMEOUT,              /* silent server: idle deadline or overall deadline */
	MPA_NET_CLOSED,               /* the server closed the connection */
	MPA_NET_TLS_HANDSHAKE,        /* TLS handshake failed (garbage, drop, protocol mismatch) */
	MPA_NET_CERT_UNTRUSTED,       /* self-signed or unknown CA */
	MPA_NET_CERT_EXPIRED,         /* expired or not yet valid */
	MPA_NET_CERT_HOSTNAME,        /* certificate not valid for the host */
	MPA_NET_PROTOCOL,             /* the server's answer made no sense (or was too long) */
	MPA_NET_STARTTLS_UNSUPPORTED, /* STARTTLS required but not offered: never falls back */
	MPA_NET_TLS_OUTDATED,         /* the server negotiated TLS older than 1.2 (refused by us) */
	MPA_NET_UNENCRYPTED,          /* the settings say "no encryption": not even connected */
	MPA_NET_PREAUTH               /* PREAUTH on a connection due for STARTTLS */
} MpaNetError;

typedef struct {
	MpaStage stage;
	MpaOutcome outcome;
	gint64 elapsed_us;
} MpaStageResult;

typedef struct {
	MpaProtocol protocol;
	MpaOutcome outcome;
	MpaStage stage; /* last stage reached (the failed one on failure) */
	MpaNetError net_error;
	gchar *detail;        /* human-readable technical detail ("certificate has expired"), may be NULL */
	GArray *stages;       /* of MpaStageResult, in order */
	GBytes *reply_raw;    /* the server's exact last reply (failing one on failure), may be NULL */
	gchar *reply;         /* reply_raw decoded (UTF-8, else GB18030), control characters visible */
	gchar *imap_code;     /* IMAP response code ("AUTHENTICATIONFAILED"), may be NULL */
	guint smtp_code;      /* SMTP reply code, 0 if none */
	gchar *enhanced_code; /* SMTP enhanced status code "5.7.8", may be NULL */
	gchar *id_answer;     /* server's IMAP ID answer "name version", may be NULL */
	gboolean oauth2;      /* OAuth2 sign-in: no login was tried; outcome OK means the
			       * server offers XOAUTH2 or OAUTHBEARER (the mail program's
			       * own "Authorize" signs in) */
	gint64 elapsed_us;
} MpaProtoResult;

typedef struct {
	MpaProtoResult imap;
	MpaProtoResult smtp;
	gint64 elapsed_us;
} MpaCheckResult;

typedef struct _MpaCheckRequest MpaCheckRequest;

/* A request; the password is copied into core-owned memory and wiped when the request is freed. */
MpaCheckRequest *mpa_check_request_new(const gchar *address);
void mpa_check_request_free(MpaCheckRequest *req);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MpaCheckRequest, mpa_check_request_free)
/* A NULL host skips that protocol. */
void mpa_check_request_set_imap(MpaCheckRequest *req, const gchar *host, guint16 port,
				MpaSecurity security, const gchar *username);
void mpa_check_request_set_smtp(MpaCheckRequest *req, const gchar *host, guint16 port,
				MpaSecurity security, const gchar *username);
/* From a provider's servers with the address expanded into user names. */
void mpa_check_request_set_from_provider(MpaCheckRequest *req, const MpaProvider *provider);
/* Another host and port for @protocol (a user's override), keeping its security mode, user name
 * and sign-in method; a protocol without a server so far gets implicit TLS and the address as
 * user name. */
void mpa_check_request_set_host(MpaCheckRequest *req, MpaProtocol protocol, const gchar *host,
				guint16 port);
/* Where the check of @protocol goes, as set so far (host NULL: that protocol is skipped).  The
 * strings belong to @req and stay valid until it changes. */
typedef struct {
	const gchar *host;
	guint16 port;
	MpaSecurity security;
	const gchar *username;
	gboolean oauth2;
} MpaCheckServer;
void mpa_check_request_get_server(const MpaCheckRequest *req, MpaProtocol protocol,
				  MpaCheckServer *server);
void mpa_check_request_set_password(MpaCheckRequest *req, const gchar *password);
/* Sign-in by OAuth2 for @protocol: the check goes up to what the server offers (TLS, greeting,
 * XOAUTH2 or OAUTHBEARER) and sends no login (no password needed).  Set by set_from_provider
 * where the provider's method is OAuth2. */
void mpa_check_request_set_oauth2(MpaCheckRequest *req, MpaProtocol protocol, gboolean oauth2);
/* A different password for SMTP only (a mail client's separate SMTP login); NULL = the same. */
void mpa_check_request_set_smtp_password(MpaCheckRequest *req, const gchar *password);
/* A PEM CA file to trust instead of the system store; NULL = system store. */
void mpa_check_request_set_ca_file(MpaCheckRequest *req, const gchar *ca_file);
/* idle: a silent server is given up on after this (default 10 s);
 * total: the whole check ends within this (default 15 s). */
void mpa_check_request_set_timeouts(MpaCheckRequest *req, guint idle_ms, guint total_ms);
/* Also EXAMINE INBOX after login (default TRUE). */
void mpa_check_request_set_select(MpaCheckRequest *req, gboolean select);

/* Called in the caller's main context each time a stage starts (outcome = SKIPPED, elapsed 0)
 * or ends. */
typedef void (*MpaCheckProgressFunc)(MpaProtocol protocol, const MpaStageResult *stage,
				     gpointer user_data);

/* Runs both protocols at once.  @req is copied.  @callback gets a GTask; call mpa_check_finish. */
void mpa_check_run_async(const MpaCheckRequest *req, GCancellable *cancellable,
			 MpaCheckProgressFunc progress, gpointer progress_data,
			 GAsyncReadyCallback callback, gpointer user_data);
MpaCheckResult *mpa_check_finish(GAsyncResult *result, GError **error);
/* Blocking convenience for the tests (runs its own main context).  The CLI does not use it: it
 * runs mpa_check_run_async() in its own main loop, which also serves its SIGINT/SIGTERM sources. */
MpaCheckResult *mpa_check_run_sync(const MpaCheckRequest *req, GCancellable *cancellable);
void mpa_check_result_free(MpaCheckResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MpaCheckResult, mpa_check_result_free)

/* TRUE in a thread that is running a check: the plugin's libetpan logger filter drops such
 * traffic so no credential reaches Claws' network log. */
gboolean mpa_check_thread_is_ours(void);

/* Waits (at most @max_ms) until every worker thread has ended, also those a deadline or a cancel
 * abandoned (they are already told to stop: their sockets are shut down).  Call it before the
 * program exits or the plugin is unloaded: the TLS libraries' exit handlers would free what such
 * a thread is still closing.  TRUE when none is left. */
gboolean mpa_check_wait_threads(guint max_ms);

/* A password the protocols cannot carry (CR or LF: a line break ends an IMAP or SMTP command):
 * a translated reason naming the character, or NULL when it can be sent.  The check refuses such
 * a password itself too, before connecting. */
gchar *mpa_check_password_problem(const gchar *password);

const gchar *mpa_outcome_name(MpaOutcome outcome); /* "ok", "failed", "skipped", "cancelled" */
const gchar *mpa_net_error_name(MpaNetError err);

G_END_DECLS

#endif
