/* Provider Assistant — connection check, internal: one protocol's worker, shared by the
 * coordinator (mpa-check.c), the session glue (mpa-check-session.c: connecting, TLS, what the
 * server said) and the two dialogues (mpa-check-imap.c, mpa-check-smtp.c).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not installed, not used outside the check.  A worker runs in its own thread; the fields under
 * `lock` are also read by the coordinator.
 */
#ifndef MPA_CHECK_PRIVATE_H
#define MPA_CHECK_PRIVATE_H

#include <glib.h>
#include <libetpan/libetpan.h>
#include "mpa-check.h"

G_BEGIN_DECLS

/* A reply longer than this is not a mail server talking: it is reported as a protocol error and
 * the connection is cut instead of buffering without end. */
#define MAX_REPLY_BYTES (64 * 1024)
#define DISPLAY_CHARS 400

typedef struct _MpaWorker MpaWorker;

struct _MpaWorker {
	gint ref;
	MpaProtocol proto;
	gchar *host;
	guint16 port;
	MpaSecurity security;
	gchar *username;
	gchar *password;
	gchar *ca_file;
	guint idle_s;
	gboolean select;
	gboolean oauth2; /* no login: only whether the server offers OAuth2 */
	GMainContext *context;
	gint64 t0;

	GMutex lock; /* guards the fields down to `in_stage` */
	gboolean abandoned;
	int kill_fd; /* a dup of the session's socket, for shutdown() */
	int wake[2]; /* written to on abandon: ends a pending connect at once */
	MpaProtoResult res;
	gint64 stage_start;
	gboolean in_stage;

	/* worker thread only */
	GByteArray *capture; /* bytes received since the last command was sent */
	gboolean overflow;
	gint64 io_start;

	/* caller's main context only */
	struct _MpaCheckOp *op;
};

/* mpa-check.c: a stage starts or ends (reported to the caller's main context); fail() ends the
 * current stage as failed and records why (@detail is taken). */
void mpa_worker_stage_begin(MpaWorker *w, MpaStage stage);
void mpa_worker_stage_end(MpaWorker *w, MpaOutcome outcome);
void mpa_worker_fail(MpaWorker *w, MpaNetError net, gchar *detail);
/* TRUE once the caller no longer waits for this worker (cancel, deadline). */
gboolean mpa_worker_abandoned(MpaWorker *w);
void mpa_worker_succeeded(MpaWorker *w);
/* OAuth2 sign-in: the auth stage ends without a login, offered or not (then a failure). */
void mpa_worker_oauth2_offered(MpaWorker *w, gboolean offered);
/* Wipes the password as soon as the login is over. */
void mpa_worker_forget_password(MpaWorker *w);
/* The end of either protocol's run: the password goes, the verdict goes to the caller. */
void mpa_worker_finish(MpaWorker *w);

/* mpa-check-session.c: what the server said since the last command. */
void mpa_worker_capture_reset(MpaWorker *w);
void mpa_worker_capture_bytes(MpaWorker *w, int log_type, const char *str, size_t size);
/* Records the server's last reply (exact bytes, display text, codes); @smtp may be NULL. */
void mpa_worker_take_reply(MpaWorker *w, mailsmtp *smtp);
/* TRUE after fail() when a reply went over MAX_REPLY_BYTES. */
gboolean mpa_worker_reply_too_long(MpaWorker *w);
/* A read or write failed: a silent server, a closed connection or an absurd reply? */
MpaNetError mpa_worker_classify_io(MpaWorker *w, gchar **detail);
/* TCP, then a verified TLS handshake (implicit TLS) or a plain stream (STARTTLS to come); NULL
 * after fail().  A "plain" server is refused without connecting. */
mailstream *mpa_worker_open_stream(MpaWorker *w);
void mpa_wipe_stream_buffer(mailstream *stream);
void mpa_worker_fail_starttls_io(MpaWorker *w);
gboolean mpa_worker_starttls_offered(MpaWorker *w, gboolean offered);
gboolean mpa_worker_starttls_verified(MpaWorker *w, mailstream *stream);

/* mpa-check-imap.c, mpa-check-smtp.c: one protocol's whole dialogue, ending in
 * mpa_worker_finish(). */
void mpa_check_run_imap(MpaWorker *w);
void mpa_check_run_smtp(MpaWorker *w);

G_END_DECLS

#endif
