/* Provider Assistant — tests of the connection check engine that need no real mail server:
 * cancel and deadline timing, refused / closed / silent / garbage / overlong servers, threads.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "servers" here are raw loopback sockets in a thread: what matters is what they fail to do.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mpa-check.h"
#include "mpa-tls.h"

typedef enum {
	SRV_SILENT,
	SRV_CLOSE,
	SRV_GARBAGE,
	SRV_LONG_LINE
} SrvMode;

typedef struct {
	int listen_fd;
	guint16 port;
	SrvMode mode;
	GThread *thread;
} Srv;

static gpointer srv_thread(gpointer data)
{
	Srv *srv = data;
	int fd = accept(srv->listen_fd, NULL, NULL);
	char buf[256];

	if (fd < 0)
		return NULL;
	switch (srv->mode) {
	case SRV_CLOSE:
		close(fd);
		return NULL;
	case SRV_GARBAGE: {
		const char *junk = "HTTP/1.0 400 this is not TLS at all\r\n\r\n";

		if (write(fd, junk, strlen(junk)) < 0)
			break;
		break;
	}
	case SRV_LONG_LINE: {
		gsize n = 1024 * 1024;
		gchar *line = g_malloc(n + 8);

		memcpy(line, "* OK ", 5);
		memset(line + 5, 'A', n);
		memcpy(line + 5 + n, "\r\n", 2);
		/* the client may cut us off half-way: that is the point */
		if (write(fd, line, n + 7) < 0) {
			g_free(line);
			break;
		}
		g_free(line);
		break;
	}
	case SRV_SILENT:
		break;
	}
	/* Stay connected and silent until the client goes away. */
	while (read(fd, buf, sizeof buf) > 0)
		;
	close(fd);
	return NULL;
}

static Srv *srv_start(SrvMode mode)
{
	Srv *srv = g_new0(Srv, 1);
	struct sockaddr_in sa = { 0 };
	socklen_t len = sizeof sa;

	srv->mode = mode;
	srv->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g_assert_cmpint(bind(srv->listen_fd, (struct sockaddr *)&sa, sizeof sa), ==, 0);
	g_assert_cmpint(listen(srv->listen_fd, 4), ==, 0);
	g_assert_cmpint(getsockname(srv->listen_fd, (struct sockaddr *)&sa, &len), ==, 0);
	srv->port = ntohs(sa.sin_port);
	srv->thread = g_thread_new("fake-server", srv_thread, srv);
	return srv;
}

static void srv_stop(Srv *srv)
{
	shutdown(srv->listen_fd, SHUT_RDWR);
	g_thread_join(srv->thread);
	close(srv->listen_fd);
	g_free(srv);
}

/* A port nobody listens on: bound, then closed again. */
static guint16 dead_port(void)
{
	struct sockaddr_in sa = { 0 };
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	guint16 port;

	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof sa), ==, 0);
	g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sa, &len), ==, 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static MpaCheckRequest *imap_only(guint16 port, MpaSecurity security)
{
	MpaCheckRequest *req = mpa_check_request_new("user@example.com");

	mpa_check_request_set_imap(req, "127.0.0.1", port, security, NULL);
	mpa_check_request_set_password(req, "Unit-Test-Secret-7781");
	return req;
}

/* ---- async harness ---- */

typedef struct {
	GMainLoop *loop;
	MpaCheckResult *result;
	gint64 done_at;
	GThread *main_thread;
	guint progress_calls;
	gboolean progress_in_other_thread;
	gboolean first_stage_connect;
} Async;

static void async_progress(MpaProtocol protocol, const MpaStageResult *stage, gpointer data)
{
	Async *a = data;

	if (a->progress_calls++ == 0)
		a->first_stage_connect = stage->stage == MPA_STAGE_CONNECT && stage->outcome == MPA_OUTCOME_SKIPPED;
	if (g_thread_self() != a->main_thread)
		a->progress_in_other_thread = TRUE;
	g_assert_false(mpa_check_thread_is_ours());
}

static void async_done(GObject *source, GAsyncResult *res, gpointer data)
{
	Async *a = data;
	GError *error = NULL;

	g_assert_true(g_thread_self() == a->main_thread);
	a->result = mpa_check_finish(res, &error);
	g_assert_no_error(error);
	a->done_at = g_get_monotonic_time();
	g_main_loop_quit(a->loop);
}

static gboolean cancel_now(gpointer data)
{
	g_cancellable_cancel(data);
	return G_SOURCE_REMOVE;
}

static void test_cancel_silent(void)
{
	Srv *srv = srv_start(SRV_SILENT);
	MpaCheckRequest *req = imap_only(srv->port, MPA_SECURITY_SSL);
	GCancellable *cancellable = g_cancellable_new();
	Async a = { 0 };
	gint64 cancel_at, before_wait;

	a.loop = g_main_loop_new(NULL, FALSE);
	a.main_thread = g_thread_self();
	mpa_check_run_async(req, cancellable, async_progress, &a, async_done, &a);
	mpa_check_request_free(req); /* the check has its own copy */
	g_timeout_add(300, cancel_now, cancellable);
	g_main_loop_run(a.loop);
	cancel_at = a.done_at;

	g_assert_nonnull(a.result);
	g_assert_cmpint(a.result->imap.outcome, ==, MPA_OUTCOME_CANCELLED);
	g_assert_cmpint(a.result->imap.stage, ==, MPA_STAGE_TLS);
	g_assert_cmpint(a.result->smtp.outcome, ==, MPA_OUTCOME_SKIPPED);
	/* started at ~0, cancelled at 300 ms: delivered well within 0.5 s of the cancel */
	g_assert_cmpint(a.result->elapsed_us, <, 800 * 1000);
	g_assert_cmpint(a.result->elapsed_us, >=, 290 * 1000);
	g_assert_cmpuint(a.progress_calls, >=, 2);
	g_assert_true(a.first_stage_connect);
	g_assert_false(a.progress_in_other_thread);
	(void)cancel_at;
	/* the abandoned worker was told to stop (its socket shut down): it ends, and the wait that
	 * the CLI does before exit sees it end, well before the limit */
	before_wait = g_get_monotonic_time();
	g_assert_true(mpa_check_wait_threads(5000));
	g_assert_cmpint(g_get_monotonic_time() - before_wait, <, 2 * G_USEC_PER_SEC);

	mpa_check_result_free(a.result);
	g_main_loop_unref(a.loop);
	g_object_unref(cancellable);
	srv_stop(srv); /* returns only once the abandoned worker has let go of the socket */
}

static void test_cancel_latency(void)
{
	Srv *srv = srv_start(SRV_SILENT);
	MpaCheckRequest *req = imap_only(srv->port, MPA_SECURITY_STARTTLS);
	GCancellable *cancellable = g_cancellable_new();
	Async a = { 0 };
	gint64 before;

	a.loop = g_main_loop_new(NULL, FALSE);
	a.main_thread = g_thread_self();
	mpa_check_run_async(req, cancellable, NULL, NULL, async_done, &a);
	mpa_check_request_free(req);
	/* let the worker block in the greeting read, then cancel from inside the loop */
	g_usleep(200 * 1000);
	g_idle_add(cancel_now, cancellable);
	before = g_get_monotonic_time();
	g_main_loop_run(a.loop);
	g_assert_cmpint(a.done_at - before, <, 500 * 1000);
	g_assert_cmpint(a.result->imap.outcome, ==, MPA_OUTCOME_CANCELLED);
	g_assert_cmpint(a.result->imap.stage, ==, MPA_STAGE_GREETING);

	mpa_check_result_free(a.result);
	g_main_loop_unref(a.loop);
	g_object_unref(cancellable);
	srv_stop(srv);
}

static void test_total_deadline(void)
{
	Srv *srv = srv_start(SRV_SILENT);
	g_autoptr(MpaCheckRequest) req = imap_only(srv->port, MPA_SECURITY_SSL);
	g_autoptr(MpaCheckResult) r = NULL;

	mpa_check_request_set_timeouts(req, 10000, 1000);
	r = mpa_check_run_sync(req, NULL);
	g_assert_cmpint(r->imap.outcome, ==, MPA_OUTCOME_FAILED);
	g_assert_cmpint(r->imap.net_error, ==, MPA_NET_TIMEOUT);
	g_assert_cmpint(r->imap.stage, ==, MPA_STAGE_TLS);
	g_assert_cmpint(r->elapsed_us, >=, 1000 * 1000);
	g_assert_cmpint(r->elapsed_us, <, 1300 * 1000);
	g_assert_nonnull(r->imap.detail);
	srv_stop(srv);
}

static void test_idle_timeout(void)
{
	Srv *srv = srv_start(SRV_SILENT);
	g_autoptr(MpaCheckRequest) req = imap_only(srv->port, MPA_SECURITY_STARTTLS);
	g_autoptr(MpaCheckResult) r = NULL;

	mpa_check_request_set_timeouts(req, 1000, 5000);
	r = mpa_check_run_sync(req, NULL);
	g_assert_cmpint(r->imap.outcome, ==, MPA_OUTCOME_FAILED);
	g_assert_cmpint(r->imap.net_error, ==, MPA_NET_TIMEOUT);
	g_assert_cmpint(r->imap.stage, ==, MPA_STAGE_GREETING);
	g_assert_cmpint(r->elapsed_us, <, 1600 * 1000);
	srv_stop(srv);
}

static void test_refused(void)
{
	g_autoptr(MpaCheckRequest) req = imap_only(dead_port(), MPA_SECURITY_SSL);
	g_autoptr(MpaCheckResult) r = NULL;

	mpa_check_request_set_smtp(req, "127.0.0.1", dead_port(), MPA_SECURITY_STARTTLS, NULL);
	r = mpa_check_run_sync(req, NULL);
	g_assert_cmpint(r->imap.outcome, ==, MPA_OUTCOME_FAILED);
	g_assert_cmpint(r->imap.net_error, ==, MPA_NET_REFUSED);
	g_assert_cmpint(r->imap.stage, ==, MPA_STAGE_CONNECT);
	g_assert_cmpint(r->smtp.net_error, ==, MPA_NET_REFUSED);
	g_assert_cmpuint(r->imap.stages->len, ==, 1);
}

static void test_closed_plain(void)
{
	Srv *srv = srv_start(SRV_CLOSE);
	g_autoptr(MpaCheckRequest) req = imap_only(srv->port, MPA_SECURITY_STARTTLS);
	g_autoptr(MpaCheckResult) r = mpa_check_run_sync(req, NULL);

	g_assert_cmpint(r->imap.outcome, ==, MPA_OUTCOME_FAILED);
	g_assert_cmpint(r->imap.net_error, ==, MPA_NET_CLOSED);
	g_assert_cmpint(r->imap.stage, ==, MPA_STAGE_GREETING);
	srv_stop(srv);
}

/* An unencrypted server is never even connected to: the password would cross the network in
 * clear text.  The check stops at "tls", with no "connect" stage before it; and a password with a
 * line break is refused by the engine too (the plugin has no CLI in front of it). */
static void test_plain_refused(void)
{
	Srv *srv = srv_start(SRV_SILENT);
	MpaCheckRequest *req = imap_only(srv->port, MPA_SECURITY_PLAIN);
	MpaCheckResult *r = mpa_check_run_sync(req, NULL);
	gchar *why = mpa_check_password_problem("pass\nword");

	g_assert_cmpint(r->imap.outcome, ==, MPA_OUTCOME_FAILED);
	g_assert_cmpint(r->imap.stage, ==, MPA_STAGE_TLS);
	g_assert_cmpuint(r->imap.stages->len, ==, 1);
	g_assert_cmpint(r->imap.net_error, ==, MPA_NET_UNENCRYPTED);
	g_assert_nonnull(strstr(r->imap.detail, "not encrypted"));
	mpa_check_result_free(r);
	mpa_check_request_free(req);

	g_assert_nonnull(strstr(why, "(LF)"));
	g_free(why);
	why = mpa_check_password_problem("pass\rword");
	g_assert_nonnull(strstr(why, "(CR)"));
	g_free(why);
	g_assert_null(mpa_check_password_problem("Pässwörd-测试"));
	req = imap_only(srv->port, MPA_SECURITY_SSL);
	mpa_check_request_set_password(req, "two\nlines");
	r = mpa_check_run_sync(req, NULL);
	g_assert_cmpint(r->imap.outcome, ==, MPA_OUTCOME_FAILED);
	g_assert_cmpint(r->imap.stage, ==, MPA_STAGE_AUTH);
	g_assert_cmpuint(r->imap.stages->len, ==, 1);
	mpa_check_result_free(r);
	mpa_check_request_free(req);
	srv_stop(srv);
}

static void test_drop_in_handshake(void)
{
	Srv *srv = srv_start(SRV_CLOSE);
	g_autoptr(MpaCheckRequest) req = imap_only(srv->port, MPA_SECURITY_SSL);
	g_autoptr(MpaCheckResult) r = mpa_check_run_sync(req, NULL);

	g_assert_cmpint(r->imap.net_error, ==, MPA_NET_TLS_HANDSHAKE);
	g_assert_cmpint(r->imap.stage, ==, MPA_STAGE_TLS);
	srv_stop(srv);
}

static void test_garbage_not_tls(void)
{
	Srv *srv = srv_start(SRV_GARBAGE);
	g_autoptr(MpaCheckRequest) req = imap_only(srv->port, MPA_SECURITY_SSL);
	g_autoptr(MpaCheckResult) r = NULL;

	mpa_check_request_set_timeouts(req, 2000, 3000);
	r = mpa_check_run_sync(req, NULL);
	g_assert_cmpint(r->imap.net_error, ==, MPA_NET_TLS_HANDSHAKE);
	g_assert_cmpint(r->imap.stage, ==, MPA_STAGE_TLS);
	g_assert_cmpint(r->elapsed_us, <, 1500 * 1000);
	srv_stop(srv);
}

static void test_long_line(void)
{
	Srv *srv = srv_start(SRV_LONG_LINE);
	g_autoptr(MpaCheckRequest) req = imap_only(srv->port, MPA_SECURITY_STARTTLS);
	g_autoptr(MpaCheckResult) r = NULL;

	mpa_check_request_set_timeouts(req, 2000, 3000);
	r = mpa_check_run_sync(req, NULL);
	g_assert_cmpint(r->imap.outcome, ==, MPA_OUTCOME_FAILED);
	g_assert_cmpint(r->imap.net_error, ==, MPA_NET_PROTOCOL);
	g_assert_cmpint(r->imap.stage, ==, MPA_STAGE_GREETING);
	g_assert_cmpint(r->elapsed_us, <, 1500 * 1000);
	srv_stop(srv);
}

static void test_nothing_to_check(void)
{
	g_autoptr(MpaCheckRequest) req = mpa_check_request_new("user@example.com");
	g_autoptr(MpaCheckResult) r = mpa_check_run_sync(req, NULL);

	g_assert_cmpint(r->imap.outcome, ==, MPA_OUTCOME_SKIPPED);
	g_assert_cmpint(r->smtp.outcome, ==, MPA_OUTCOME_SKIPPED);
	g_assert_false(mpa_check_thread_is_ours());
}

static void test_names(void)
{
	g_assert_cmpstr(mpa_outcome_name(MPA_OUTCOME_CANCELLED), ==, "cancelled");
	g_assert_cmpstr(mpa_net_error_name(MPA_NET_CERT_HOSTNAME), ==, "cert-hostname");
	g_assert_cmpstr(mpa_net_error_name(MPA_NET_STARTTLS_UNSUPPORTED), ==, "starttls-unsupported");
	g_assert_cmpstr(mpa_net_error_name(MPA_NET_TLS_OUTDATED), ==, "tls-outdated");
	g_assert_cmpstr(mpa_net_error_name(MPA_NET_UNENCRYPTED), ==, "unencrypted");
	g_assert_cmpstr(mpa_net_error_name(MPA_NET_PREAUTH), ==, "preauth");
}

/* The first certificate of a PEM file, as DER. */
static GBytes *pem_to_der(const gchar *path)
{
	g_autofree gchar *text = NULL;
	const gchar *begin, *end;
	g_autofree gchar *b64 = NULL;
	guchar *der;
	gsize len;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	begin = strstr(text, "-----BEGIN CERTIFICATE-----");
	g_assert_nonnull(begin);
	begin = strchr(begin, '\n') + 1;
	end = strstr(begin, "-----END CERTIFICATE-----");
	g_assert_nonnull(end);
	b64 = g_strndup(begin, end - begin);
	der = g_base64_decode(b64, &len);
	return g_bytes_new_take(der, len);
}

/* The trusted certificates are loaded once and shared, but a CA file that changes is read
 * again: a cached store must never keep trusting what the file no longer says. */
static void test_trust_cache_follows_file(void)
{
	g_autofree gchar *dir = g_dir_make_tmp("mpa-trust-XXXXXX", NULL);
	g_autofree gchar *script = g_build_filename(g_getenv("top_srcdir") ? g_getenv("top_srcdir") : "..",
						    "tests", "servers", "make-certs.sh", NULL);
	g_autofree gchar *certs = g_build_filename(dir, "certs", NULL);
	g_autofree gchar *server = g_build_filename(certs, "server.pem", NULL);
	g_autofree gchar *ca = g_build_filename(certs, "ca.pem", NULL);
	g_autofree gchar *other = g_build_filename(certs, "other-ca.pem", NULL);
	g_autofree gchar *trust = g_build_filename(dir, "trust.pem", NULL);
	g_autofree gchar *ca_text = NULL, *other_text = NULL;
	g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	const gchar *argv[] = { "sh", script, certs, NULL };
	gint status = -1;
	gchar *detail = NULL;

	g_assert_nonnull(dir);
	if (!g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
			  NULL, NULL, NULL, NULL, &status, NULL) ||
	    !g_spawn_check_wait_status(status, NULL)) {
		g_test_skip("make-certs.sh (openssl) could not make the test certificates");
		return;
	}
	g_ptr_array_add(chain, pem_to_der(server));
	g_assert_true(g_file_get_contents(ca, &ca_text, NULL, NULL));
	g_assert_true(g_file_get_contents(other, &other_text, NULL, NULL));

	g_assert_true(g_file_set_contents(trust, ca_text, -1, NULL));
	g_assert_cmpint(mpa_tls_verify_chain(chain, "localhost", trust, &detail), ==, MPA_NET_NONE);
	g_assert_null(detail);
	/* the second time from the cache, same verdict */
	g_assert_cmpint(mpa_tls_verify_chain(chain, "localhost", trust, &detail), ==, MPA_NET_NONE);
	g_assert_cmpint(mpa_tls_verify_chain(chain, "wrong.example", trust, &detail), ==, MPA_NET_CERT_HOSTNAME);
	g_clear_pointer(&detail, g_free);

	/* the file now trusts another CA only (a new file, as an update would write it) */
	g_assert_true(g_file_set_contents(trust, other_text, -1, NULL));
	g_assert_cmpint(mpa_tls_verify_chain(chain, "localhost", trust, &detail), ==, MPA_NET_CERT_UNTRUSTED);
	g_assert_nonnull(strstr(detail, "unknown authority"));
	g_clear_pointer(&detail, g_free);

	/* and back */
	g_assert_true(g_file_set_contents(trust, ca_text, -1, NULL));
	g_assert_cmpint(mpa_tls_verify_chain(chain, "localhost", trust, &detail), ==, MPA_NET_NONE);

	/* a CA file that is gone is an error, not the old cached store */
	g_assert_cmpint(g_unlink(trust), ==, 0);
	g_assert_cmpint(mpa_tls_verify_chain(chain, "localhost", trust, &detail), ==, MPA_NET_CERT_UNTRUSTED);
	g_assert_nonnull(strstr(detail, "could not be loaded"));
	g_clear_pointer(&detail, g_free);

	{
		const gchar *rm[] = { "rm", "-rf", dir, NULL };

		g_spawn_sync(NULL, (gchar **)rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
	}
}

int main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/check/names", test_names);
	g_test_add_func("/check/nothing-to-check", test_nothing_to_check);
	g_test_add_func("/check/cancel-silent-tls", test_cancel_silent);
	g_test_add_func("/check/cancel-latency", test_cancel_latency);
	g_test_add_func("/check/total-deadline", test_total_deadline);
	g_test_add_func("/check/idle-timeout", test_idle_timeout);
	g_test_add_func("/check/refused", test_refused);
	g_test_add_func("/check/closed-plain", test_closed_plain);
	g_test_add_func("/check/plain-refused", test_plain_refused);
	g_test_add_func("/check/drop-in-handshake", test_drop_in_handshake);
	g_test_add_func("/check/garbage-not-tls", test_garbage_not_tls);
	g_test_add_func("/check/long-line", test_long_line);
	g_test_add_func("/tls/trust-cache-follows-file", test_trust_cache_follows_file);
	rc = g_test_run();
	/* like the CLI: not exit() under a worker a deadline or a cancel abandoned */
	if (!mpa_check_wait_threads(10000))
		g_printerr("a check worker was still running at exit\n");
	return rc;
}
