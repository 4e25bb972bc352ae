/* Provider Assistant — connection check: real IMAP and SMTP logins with libetpan.  This file is
 * the coordinator and the workers' life cycle; the session glue (connecting, TLS, what the server
 * said) is mpa-check-session.c, the dialogues mpa-check-imap.c and mpa-check-smtp.c, and the
 * network itself (TCP, SNI, certificates, TLS version) mpa-net.c.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Design.  libetpan calls block, and a cancel must be answered within half a second, so the
 * caller never waits for a worker.  Each protocol runs in its own thread (a Worker) that owns a
 * private copy of everything it needs, password included.  The coordinator (an Op, living in the
 * caller's main context) collects the workers' reports; on cancel or at the overall deadline it
 * takes a snapshot of the unfinished workers' progress, delivers the result at once and
 * "abandons" them: it shuts their socket down (a dup of it, so a descriptor that libetpan has
 * already closed can never be hit) and wakes a pending connect.  An abandoned worker finishes on
 * its own and frees its own data; workers and the op are reference-counted so nothing is used
 * after it is freed, whichever side ends first.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <libetpan/libetpan.h>

#include "mpa-check-private.h"
#include "mpa-text.h"

#define DEFAULT_IDLE_MS 10000
#define DEFAULT_TOTAL_MS 15000

struct _MpaCheckRequest {
	gchar *address;
	struct {
		gchar *host;
		guint16 port;
		MpaSecurity security;
		gchar *username;
		gboolean oauth2;
	} server[2];
	gchar *password;
	gchar *smtp_password; /* NULL: SMTP uses @password too */
	gchar *ca_file;
	guint idle_ms;
	guint total_ms;
	gboolean select;
};

static GPrivate thread_is_ours;

/* Worker threads still running, abandoned ones included (a deadline or a cancel does not wait
 * for them).  The program must not exit under one: exit() runs the TLS libraries' exit handlers
 * (GnuTLS, OpenSSL, libetpan) and frees their global state while such a thread may be closing its
 * session with that very state; the two frees race (glibc: "double free or corruption").
 * mpa_check_wait_threads() waits for this to reach 0. */
static GMutex live_lock;
static GCond live_cond;
static guint live_threads;

static void live_enter(void)
{
	g_mutex_lock(&live_lock);
	live_threads++;
	g_mutex_unlock(&live_lock);
}

static void live_leave(void)
{
	g_mutex_lock(&live_lock);
	live_threads--;
	g_cond_broadcast(&live_cond);
	g_mutex_unlock(&live_lock);
}

gboolean mpa_check_wait_threads(guint max_ms)
{
	gint64 until = g_get_monotonic_time() + (gint64)max_ms * 1000;
	gboolean idle;

	g_mutex_lock(&live_lock);
	while (live_threads > 0 && g_cond_wait_until(&live_cond, &live_lock, until))
		;
	idle = live_threads == 0;
	g_mutex_unlock(&live_lock);
	return idle;
}

gboolean mpa_check_thread_is_ours(void)
{
	return g_private_get(&thread_is_ours) != NULL;
}

const gchar *mpa_outcome_name(MpaOutcome outcome)
{
	switch (outcome) {
	case MPA_OUTCOME_OK: return "ok";
	case MPA_OUTCOME_FAILED: return "failed";
	case MPA_OUTCOME_SKIPPED: return "skipped";
	case MPA_OUTCOME_CANCELLED: return "cancelled";
	}
	return "unknown";
}

const gchar *mpa_net_error_name(MpaNetError err)
{
	switch (err) {
	case MPA_NET_NONE: return "none";
	case MPA_NET_DNS: return "dns";
	case MPA_NET_REFUSED: return "refused";
	case MPA_NET_TIMEOUT: return "timeout";
	case MPA_NET_CLOSED: return "closed";
	case MPA_NET_TLS_HANDSHAKE: return "tls-handshake";
	case MPA_NET_CERT_UNTRUSTED: return "cert-untrusted";
	case MPA_NET_CERT_EXPIRED: return "cert-expired";
	case MPA_NET_CERT_HOSTNAME: return "cert-hostname";
	case MPA_NET_PROTOCOL: return "protocol";
	case MPA_NET_STARTTLS_UNSUPPORTED: return "starttls-unsupported";
	case MPA_NET_TLS_OUTDATED: return "tls-outdated";
	case MPA_NET_UNENCRYPTED: return "unencrypted";
	case MPA_NET_PREAUTH: return "preauth";
	}
	return "unknown";
}

gchar *mpa_check_password_problem(const gchar *password)
{
	const gchar *what;

	if (password == NULL)
		return NULL;
	if (strchr(password, '\n') != NULL)
		what = _("a line feed (LF)");
	else if (strchr(password, '\r') != NULL)
		what = _("a carriage return (CR)");
	else
		return NULL;
	return g_strdup_printf(_("the password contains %s, which no mail provider allows in a password; nothing was sent"),
			       what);
}

/* "15", "2.5", "0.25": a limit in seconds as it was given, not rounded to a whole second. */
static gchar *seconds_text(guint ms)
{
	gchar *s = g_strdup_printf("%u.%03u", ms / 1000, ms % 1000);
	gsize len = strlen(s);

	while (s[len - 1] == '0')
		s[--len] = '\0';
	if (s[len - 1] == '.')
		s[--len] = '\0';
	return s;
}

/* ---- requests ---- */

MpaCheckRequest *mpa_check_request_new(const gchar *address)
{
	MpaCheckRequest *req = g_new0(MpaCheckRequest, 1);

	req->address = g_strdup(address);
	req->idle_ms = DEFAULT_IDLE_MS;
	req->total_ms = DEFAULT_TOTAL_MS;
	req->select = TRUE;
	return req;
}

void mpa_check_request_free(MpaCheckRequest *req)
{
	if (req == NULL)
		return;
	g_free(req->address);
	for (guint i = 0; i < 2; i++) {
		g_free(req->server[i].host);
		g_free(req->server[i].username);
	}
	mpa_secret_free(req->password);
	mpa_secret_free(req->smtp_password);
	g_free(req->ca_file);
	g_free(req);
}

static void set_server(MpaCheckRequest *req, MpaProtocol proto, const gchar *host, guint16 port,
		       MpaSecurity security, const gchar *username)
{
	g_free(req->server[proto].host);
	g_free(req->server[proto].username);
	req->server[proto].host = g_strdup(host);
	req->server[proto].port = port;
	req->server[proto].security = security;
	req->server[proto].username = g_strdup(username ? username : req->address);
}

void mpa_check_request_set_imap(MpaCheckRequest *req, const gchar *host, guint16 port,
				MpaSecurity security, const gchar *username)
{
	set_server(req, MPA_PROTOCOL_IMAP, host, port, security, username);
}

void mpa_check_request_set_smtp(MpaCheckRequest *req, const gchar *host, guint16 port,
				MpaSecurity security, const gchar *username)
{
	set_server(req, MPA_PROTOCOL_SMTP, host, port, security, username);
}

void mpa_check_request_set_from_provider(MpaCheckRequest *req, const MpaProvider *provider)
{
	const MpaServer *servers[2] = { provider->imap, provider->smtp };

	for (guint i = 0; i < 2; i++) {
		g_autofree gchar *user = NULL;
		g_autofree gchar *host = NULL;
		const gchar *tmpl;

		if (servers[i] == NULL) {
			set_server(req, i, NULL, 0, MPA_SECURITY_SSL, NULL);
			continue;
		}
		tmpl = servers[i]->username != NULL ? servers[i]->username : "%EMAILADDRESS%";
		user = mpa_expand_username(tmpl, req->address);
		host = mpa_expand_host(servers[i]->host, req->address);
		set_server(req, i, host, servers[i]->port, servers[i]->security, user);
		req->server[i].oauth2 = servers[i]->auth_method == MPA_AUTH_OAUTH2;
	}
}

void mpa_check_request_set_host(MpaCheckRequest *req, MpaProtocol protocol, const gchar *host,
				guint16 port)
{
	g_return_if_fail((guint)protocol < 2);
	g_free(req->server[protocol].host);
	req->server[protocol].host = g_strdup(host);
	req->server[protocol].port = port;
	if (req->server[protocol].username == NULL)
		req->server[protocol].username = g_strdup(req->address);
}

void mpa_check_request_get_server(const MpaCheckRequest *req, MpaProtocol protocol,
				  MpaCheckServer *server)
{
	g_return_if_fail((guint)protocol < 2);
	server->host = req->server[protocol].host;
	server->port = req->server[protocol].port;
	server->security = req->server[protocol].security;
	server->username = req->server[protocol].username;
	server->oauth2 = req->server[protocol].oauth2;
}

void mpa_check_request_set_oauth2(MpaCheckRequest *req, MpaProtocol protocol, gboolean oauth2)
{
	if ((guint)protocol < 2)
		req->server[protocol].oauth2 = oauth2;
}

void mpa_check_request_set_password(MpaCheckRequest *req, const gchar *password)
{
	mpa_secret_free(req->password);
	req->password = g_strdup(password);
}

void mpa_check_request_set_smtp_password(MpaCheckRequest *req, const gchar *password)
{
	mpa_secret_free(req->smtp_password);
	req->smtp_password = g_strdup(password);
}

void mpa_check_request_set_ca_file(MpaCheckRequest *req, const gchar *ca_file)
{
	g_free(req->ca_file);
	req->ca_file = g_strdup(ca_file);
}

void mpa_check_request_set_timeouts(MpaCheckRequest *req, guint idle_ms, guint total_ms)
{
	req->idle_ms = idle_ms ? idle_ms : DEFAULT_IDLE_MS;
	req->total_ms = total_ms ? total_ms : DEFAULT_TOTAL_MS;
}

void mpa_check_request_set_select(MpaCheckRequest *req, gboolean select)
{
	req->select = select;
}

/* ---- results ---- */

static void proto_result_clear(MpaProtoResult *r)
{
	g_free(r->detail);
	if (r->stages != NULL)
		g_array_unref(r->stages);
	if (r->reply_raw != NULL)
		g_bytes_unref(r->reply_raw);
	g_free(r->reply);
	g_free(r->imap_code);
	g_free(r->enhanced_code);
	g_free(r->id_answer);
	memset(r, 0, sizeof *r);
}

static void proto_result_init(MpaProtoResult *r, MpaProtocol proto)
{
	memset(r, 0, sizeof *r);
	r->protocol = proto;
	r->outcome = MPA_OUTCOME_SKIPPED;
	r->stage = MPA_STAGE_CONNECT;
	r->stages = g_array_new(FALSE, TRUE, sizeof(MpaStageResult));
}

static void proto_result_copy(MpaProtoResult *dst, const MpaProtoResult *src)
{
	*dst = *src;
	dst->detail = g_strdup(src->detail);
	dst->stages = g_array_copy(src->stages);
	dst->reply_raw = src->reply_raw ? g_bytes_ref(src->reply_raw) : NULL;
	dst->reply = g_strdup(src->reply);
	dst->imap_code = g_strdup(src->imap_code);
	dst->enhanced_code = g_strdup(src->enhanced_code);
	dst->id_answer = g_strdup(src->id_answer);
}

void mpa_check_result_free(MpaCheckResult *result)
{
	if (result == NULL)
		return;
	proto_result_clear(&result->imap);
	proto_result_clear(&result->smtp);
	g_free(result);
}

/* ---- workers ---- */

typedef struct _MpaCheckOp Op;

struct _MpaCheckOp {
	GTask *task;
	GMainContext *context;
	MpaWorker *workers[2];
	MpaCheckResult *result;
	gboolean done[2];
	GSource *deadline;
	GSource *cancel_source;
	MpaCheckProgressFunc progress;
	gpointer progress_data;
	gint64 t0;
	guint total_ms;
};

static MpaWorker *worker_ref(MpaWorker *w)
{
	g_atomic_int_inc(&w->ref);
	return w;
}

static void worker_unref(MpaWorker *w)
{
	if (!g_atomic_int_dec_and_test(&w->ref))
		return;
	g_free(w->host);
	g_free(w->username);
	mpa_secret_free(w->password);
	g_free(w->ca_file);
	g_main_context_unref(w->context);
	g_mutex_clear(&w->lock);
	if (w->kill_fd >= 0)
		close(w->kill_fd);
	close(w->wake[0]);
	close(w->wake[1]);
	proto_result_clear(&w->res);
	if (w->capture != NULL)
		g_byte_array_unref(w->capture);
	g_free(w);
}

gboolean mpa_worker_abandoned(MpaWorker *w)
{
	gboolean ret;

	g_mutex_lock(&w->lock);
	ret = w->abandoned;
	g_mutex_unlock(&w->lock);
	return ret;
}

/* Reports travel from a worker to the caller's main context. */
typedef struct {
	MpaWorker *w;
	gboolean done;
	MpaStageResult stage;
	MpaProtoResult res; /* when done */
} Report;

static void op_worker_done(Op *op, MpaWorker *w, MpaProtoResult *res);

static gboolean report_dispatch(gpointer data)
{
	Report *rep = data;
	Op *op = rep->w->op;

	if (op != NULL) {
		if (rep->done)
			op_worker_done(op, rep->w, &rep->res);
		else if (op->progress != NULL)
			op->progress(rep->w->proto, &rep->stage, op->progress_data);
	}
	return G_SOURCE_REMOVE;
}

static void report_free(gpointer data)
{
	Report *rep = data;

	if (rep->done)
		proto_result_clear(&rep->res);
	worker_unref(rep->w);
	g_free(rep);
}

static void report_post(MpaWorker *w, Report *rep)
{
	GSource *source;

	/* Nobody listens any more: a context that is no longer iterated would keep it forever. */
	if (mpa_worker_abandoned(w)) {
		if (rep->done)
			proto_result_clear(&rep->res);
		g_free(rep);
		return;
	}
	source = g_idle_source_new();

	rep->w = worker_ref(w);
	g_source_set_priority(source, G_PRIORITY_DEFAULT);
	g_source_set_callback(source, report_dispatch, rep, report_free);
	g_source_attach(source, w->context);
	g_source_unref(source);
}

void mpa_worker_stage_begin(MpaWorker *w, MpaStage stage)
{
	Report *rep = g_new0(Report, 1);

	g_mutex_lock(&w->lock);
	w->res.stage = stage;
	w->stage_start = g_get_monotonic_time();
	w->in_stage = TRUE;
	g_mutex_unlock(&w->lock);

	rep->stage.stage = stage;
	rep->stage.outcome = MPA_OUTCOME_SKIPPED;
	report_post(w, rep);
}

void mpa_worker_stage_end(MpaWorker *w, MpaOutcome outcome)
{
	Report *rep = g_new0(Report, 1);

	g_mutex_lock(&w->lock);
	rep->stage.stage = w->res.stage;
	rep->stage.outcome = outcome;
	rep->stage.elapsed_us = g_get_monotonic_time() - w->stage_start;
	g_array_append_val(w->res.stages, rep->stage);
	w->in_stage = FALSE;
	g_mutex_unlock(&w->lock);

	report_post(w, rep);
}

/* Ends the current stage as failed and records why. */
void mpa_worker_fail(MpaWorker *w, MpaNetError net, gchar *detail)
{
	g_mutex_lock(&w->lock);
	w->res.outcome = MPA_OUTCOME_FAILED;
	w->res.net_error = net;
	g_free(w->res.detail);
	w->res.detail = detail;
	g_mutex_unlock(&w->lock);
	mpa_worker_stage_end(w, MPA_OUTCOME_FAILED);
}

/* The password is wiped as soon as the login is over: the worker itself lives on after its report
 * (LOGOUT, freeing the session), so the caller may be back and scanning memory while it runs
 * (found by tests/test-secrets.sh). */
void mpa_worker_forget_password(MpaWorker *w)
{
	mpa_secret_free(w->password);
	w->password = NULL;
}

/* Hands the verdict to the coordinator (a copy: the worker keeps its own until it is freed). */
static void worker_report_done(MpaWorker *w)
{
	Report *rep;

	if (mpa_worker_abandoned(w))
		return;
	rep = g_new0(Report, 1);
	rep->done = TRUE;
	g_mutex_lock(&w->lock);
	proto_result_copy(&rep->res, &w->res);
	g_mutex_unlock(&w->lock);
	rep->res.elapsed_us = g_get_monotonic_time() - w->t0;
	report_post(w, rep);
}

void mpa_worker_succeeded(MpaWorker *w)
{
	g_mutex_lock(&w->lock);
	w->res.outcome = MPA_OUTCOME_OK;
	g_mutex_unlock(&w->lock);
}

void mpa_worker_oauth2_offered(MpaWorker *w, gboolean offered)
{
	g_mutex_lock(&w->lock);
	w->res.oauth2 = TRUE;
	g_mutex_unlock(&w->lock);
	mpa_worker_forget_password(w);
	if (!offered) {
		mpa_worker_fail(w, MPA_NET_NONE,
				g_strdup(_("the server offers no OAuth2 sign-in (XOAUTH2 or OAUTHBEARER)")));
		return;
	}
	mpa_worker_stage_end(w, MPA_OUTCOME_SKIPPED);
	mpa_worker_succeeded(w);
}

/* The end of either protocol's run: the password goes, the verdict goes to the caller. */
void mpa_worker_finish(MpaWorker *w)
{
	mpa_worker_forget_password(w);
	worker_report_done(w);
}

static gpointer worker_thread(gpointer data)
{
	MpaWorker *w = data;
	sigset_t pipe_set;
	gchar *refused;

	/* A write to a socket the server (or our own abandon) has shut down must mpa_worker_fail with EPIPE,
	 * not kill the whole program: libetpan and GnuTLS write without MSG_NOSIGNAL.  A blocked
	 * SIGPIPE raised by this thread's write stays pending on this thread only. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
	g_private_set(&thread_is_ours, GINT_TO_POINTER(1));
	w->t0 = g_get_monotonic_time();
	if ((refused = mpa_check_password_problem(w->password)) != NULL) {
		mpa_worker_stage_begin(w, MPA_STAGE_AUTH);
		mpa_worker_fail(w, MPA_NET_NONE, refused);
		mpa_worker_finish(w);
	} else if (w->proto == MPA_PROTOCOL_IMAP) {
		mpa_check_run_imap(w);
	} else {
		mpa_check_run_smtp(w);
	}
	worker_unref(w);
	/* the last thing this thread does with the TLS libraries or the worker */
	live_leave();
	return NULL;
}

static MpaWorker *worker_new(const MpaCheckRequest *req, MpaProtocol proto, GMainContext *context)
{
	MpaWorker *w = g_new0(MpaWorker, 1);

	w->ref = 1;
	w->proto = proto;
	w->host = g_strdup(req->server[proto].host);
	w->port = req->server[proto].port;
	w->security = req->server[proto].security;
	if (req->server[proto].username != NULL)
		w->username = g_strdup(req->server[proto].username);
	else
		w->username = g_strdup(req->address != NULL ? req->address : "");
	if (proto == MPA_PROTOCOL_SMTP && req->smtp_password)
		w->password = g_strdup(req->smtp_password);
	else
		w->password = g_strdup(req->password ? req->password : "");
	w->ca_file = g_strdup(req->ca_file);
	w->idle_s = MAX(1, (req->idle_ms + 999) / 1000);
	w->select = req->select;
	w->oauth2 = req->server[proto].oauth2;
	w->context = g_main_context_ref(context);
	w->kill_fd = -1;
	g_mutex_init(&w->lock);
	if (!g_unix_open_pipe(w->wake, FD_CLOEXEC, NULL))
		w->wake[0] = w->wake[1] = -1;
	proto_result_init(&w->res, proto);
	w->res.outcome = MPA_OUTCOME_FAILED;
	w->capture = g_byte_array_new();
	return w;
}

/* Tells a worker its result is no longer wanted and unblocks whatever it is waiting for. */
static void worker_abandon(MpaWorker *w)
{
	g_mutex_lock(&w->lock);
	w->abandoned = TRUE;
	if (w->kill_fd >= 0)
		shutdown(w->kill_fd, SHUT_RDWR);
	if (w->wake[1] >= 0) {
		/* the pipe only has to become readable once; a full pipe is just as good */
		ssize_t r = write(w->wake[1], "x", 1);

		(void)r;
	}
	g_mutex_unlock(&w->lock);
}

/* ---- the coordinator ---- */

static void op_finish(Op *op, MpaOutcome unfinished, MpaNetError net)
{
	for (guint i = 0; i < 2; i++) {
		MpaWorker *w = op->workers[i];
		MpaProtoResult *dst = i == MPA_PROTOCOL_IMAP ? &op->result->imap : &op->result->smtp;

		if (w == NULL)
			continue;
		if (!op->done[i]) {
			/* Snapshot the worker's progress; the stage under way ends here. */
			proto_result_clear(dst);
			g_mutex_lock(&w->lock);
			proto_result_copy(dst, &w->res);
			if (w->in_stage) {
				MpaStageResult st = { w->res.stage, unfinished,
						      g_get_monotonic_time() - w->stage_start };

				g_array_append_val(dst->stages, st);
			}
			g_mutex_unlock(&w->lock);
			dst->outcome = unfinished;
			dst->net_error = net;
			g_free(dst->detail);
			if (net == MPA_NET_TIMEOUT) {
				g_autofree gchar *limit = seconds_text(op->total_ms);

				dst->detail = g_strdup_printf(_("the check did not finish within %s seconds"),
							      limit);
			} else {
				dst->detail = g_strdup(_("the check was cancelled"));
			}
			dst->elapsed_us = g_get_monotonic_time() - op->t0;
			worker_abandon(w);
		}
		w->op = NULL;
		worker_unref(w);
		op->workers[i] = NULL;
	}
	if (op->deadline != NULL) {
		g_source_destroy(op->deadline);
		g_source_unref(op->deadline);
	}
	if (op->cancel_source != NULL) {
		g_source_destroy(op->cancel_source);
		g_source_unref(op->cancel_source);
	}
	op->result->elapsed_us = g_get_monotonic_time() - op->t0;
	g_task_return_pointer(op->task, op->result, (GDestroyNotify)mpa_check_result_free);
	g_object_unref(op->task);
	g_main_context_unref(op->context);
	g_free(op);
}

static void op_worker_done(Op *op, MpaWorker *w, MpaProtoResult *res)
{
	MpaProtoResult *dst = w->proto == MPA_PROTOCOL_IMAP ? &op->result->imap : &op->result->smtp;

	proto_result_clear(dst);
	*dst = *res;
	memset(res, 0, sizeof *res);
	op->done[w->proto] = TRUE;
	if ((op->workers[0] == NULL || op->done[0]) && (op->workers[1] == NULL || op->done[1]))
		op_finish(op, MPA_OUTCOME_OK, MPA_NET_NONE);
}

static gboolean on_deadline(gpointer data)
{
	op_finish(data, MPA_OUTCOME_FAILED, MPA_NET_TIMEOUT);
	return G_SOURCE_REMOVE;
}

static gboolean on_cancelled(GCancellable *cancellable, gpointer data)
{
	op_finish(data, MPA_OUTCOME_CANCELLED, MPA_NET_NONE);
	return G_SOURCE_REMOVE;
}

static gboolean on_nothing_to_do(gpointer data)
{
	op_finish(data, MPA_OUTCOME_SKIPPED, MPA_NET_NONE);
	return G_SOURCE_REMOVE;
}

void mpa_check_run_async(const MpaCheckRequest *req, GCancellable *cancellable,
			 MpaCheckProgressFunc progress, gpointer progress_data,
			 GAsyncReadyCallback callback, gpointer user_data)
{
	Op *op = g_new0(Op, 1);
	gboolean any = FALSE;

	op->context = g_main_context_ref_thread_default();
	op->task = g_task_new(NULL, cancellable, callback, user_data);
	g_task_set_source_tag(op->task, mpa_check_run_async);
	/* A cancelled check still returns what it got so far (outcome "cancelled"). */
	g_task_set_check_cancellable(op->task, FALSE);
	op->progress = progress;
	op->progress_data = progress_data;
	op->t0 = g_get_monotonic_time();
	op->total_ms = req->total_ms;
	op->result = g_new0(MpaCheckResult, 1);
	proto_result_init(&op->result->imap, MPA_PROTOCOL_IMAP);
	proto_result_init(&op->result->smtp, MPA_PROTOCOL_SMTP);

	for (guint i = 0; i < 2; i++) {
		MpaWorker *w;
		GThread *thread;

		if (req->server[i].host == NULL)
			continue;
		w = worker_new(req, i, op->context);
		w->op = op;
		op->workers[i] = w;
		any = TRUE;
		/* counted before it starts: a wait right after this call must see it */
		live_enter();
		thread = g_thread_new(i == MPA_PROTOCOL_IMAP ? "mpa-check-imap" : "mpa-check-smtp",
				      worker_thread, worker_ref(w));
		g_thread_unref(thread);
	}

	if (!any) {
		GSource *idle = g_idle_source_new();

		g_source_set_callback(idle, on_nothing_to_do, op, NULL);
		g_source_attach(idle, op->context);
		g_source_unref(idle);
		return;
	}

	op->deadline = g_timeout_source_new(req->total_ms);
	g_source_set_callback(op->deadline, on_deadline, op, NULL);
	g_source_attach(op->deadline, op->context);
	if (cancellable != NULL) {
		op->cancel_source = g_cancellable_source_new(cancellable);
		g_source_set_callback(op->cancel_source, G_SOURCE_FUNC(on_cancelled), op, NULL);
		g_source_attach(op->cancel_source, op->context);
	}
}

MpaCheckResult *mpa_check_finish(GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
	return g_task_propagate_pointer(G_TASK(result), error);
}

typedef struct {
	GMainLoop *loop;
	MpaCheckResult *result;
} SyncData;

static void sync_done(GObject *source, GAsyncResult *res, gpointer data)
{
	SyncData *sd = data;

	sd->result = mpa_check_finish(res, NULL);
	g_main_loop_quit(sd->loop);
}

MpaCheckResult *mpa_check_run_sync(const MpaCheckRequest *req, GCancellable *cancellable)
{
	GMainContext *context = g_main_context_new();
	SyncData sd = { 0 };

	g_main_context_push_thread_default(context);
	sd.loop = g_main_loop_new(context, FALSE);
	mpa_check_run_async(req, cancellable, NULL, NULL, sync_done, &sd);
	g_main_loop_run(sd.loop);
	g_main_loop_unref(sd.loop);
	/* Reports from workers that outlived the check are dropped with the context. */
	g_main_context_pop_thread_default(context);
	g_main_context_unref(context);
	return sd.result;
}
