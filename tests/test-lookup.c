/* Tests for mpa-lookup without a network: the HTTP response parser, the paths that need no query
 * (provider file, --offline, not an address), and the origin wording.  With MPA_LOOKUP_NETNS set
 * (tests/test-lookup.sh runs it inside its namespace, where the name server never answers) also
 * the deadline and the cancel of a lookup in flight. */
#include "config.h"

#include <string.h>
#include "mpa-lookup.h"

#define HDR "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"

static GBytes *parse(const gchar *text, gsize max, gchar **why)
{
	return mpa_lookup_parse_http((const guint8 *)text, strlen(text), max, why);
}

static void expect_body(const gchar *response, const gchar *body)
{
	g_autofree gchar *why = NULL;
	g_autoptr(GBytes) b = parse(response, 1024, &why);
	gsize len;

	g_assert_null(why);
	g_assert_nonnull(b);
	const gchar *data = g_bytes_get_data(b, &len);
	g_assert_cmpmem(data, len, body, strlen(body));
}

static void expect_refused(const gchar *response, gsize max, const gchar *because)
{
	g_autofree gchar *why = NULL;
	g_autoptr(GBytes) b = parse(response, max, &why);

	g_assert_null(b);
	g_assert_nonnull(why);
	if (strstr(why, because) == NULL)
		g_error("'%s' does not say '%s'", why, because);
}

static void test_http_ok(void)
{
	expect_body(HDR "Content-Length: 5\r\n\r\nhello", "hello");
	/* more bytes than announced: the announced length counts */
	expect_body(HDR "Content-Length: 3\r\n\r\nhello", "hel");
	/* no length: up to the end (Connection: close) */
	expect_body(HDR "\r\nto the end", "to the end");
	/* chunked, with an extension and a trailer */
	expect_body(HDR "Transfer-Encoding: chunked\r\n\r\n4;x=y\r\nabcd\r\n3\r\nefg\r\n0\r\nX-T: 1\r\n\r\n",
		    "abcdefg");
	expect_body("HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok", "ok");
	expect_body(HDR "Content-Length: 0\r\n\r\n", "");
}

static void test_http_refused(void)
{
	expect_refused("HTTP/1.1 301 Moved\r\nLocation: https://evil.example/\r\n\r\n", 1024, "HTTP 301");
	expect_refused("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 1024, "HTTP 404");
	expect_refused("HTTP/1.1 2000 OK\r\n\r\n", 1024, "not 200");
	expect_refused("<html>not http</html>\r\n\r\n", 1024, "not an HTTP response");
	expect_refused("HTTP/1.1 200 OK\r\nContent-Length: 5", 1024, "not an HTTP response");
	expect_refused(HDR "Content-Length: 10\r\n\r\nshort", 1024, "cut off");
	expect_refused(HDR "Content-Length: 2000\r\n\r\nx", 1024, "larger than 1 KiB");
	expect_refused(HDR "Content-Length: 99999999999999999999999\r\n\r\n", 1024, "not an HTTP response");
	expect_refused(HDR "Content-Length: x\r\n\r\n", 1024, "not an HTTP response");
	expect_refused(HDR "Transfer-Encoding: gzip\r\n\r\nxx", 1024, "not an HTTP response");
	expect_refused(HDR "Transfer-Encoding: chunked\r\n\r\n800\r\n", 1024, "larger than 1 KiB");
	expect_refused(HDR "Transfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nx\r\n", 1024, "larger than 1 KiB");
	expect_refused(HDR "Transfer-Encoding: chunked\r\n\r\n5\r\nab", 1024, "cut off");
	expect_refused(HDR "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 1024, "cut off");
	/* no Content-Length, more than the cap */
	{
		g_autofree gchar *big = g_strnfill(2000, 'x');
		g_autofree gchar *resp = g_strconcat(HDR "\r\n", big, NULL);

		expect_refused(resp, 1024, "larger than 1 KiB");
	}
	/* the status text is shown only as printable ASCII */
	expect_refused("HTTP/1.1 500 \x1b[31mred\r\n\r\n", 1024, "HTTP 500 ?[31mred");
}

static MpaDb *test_db(void)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);
	const gchar *srcdir = g_getenv("top_srcdir");
	g_autofree gchar *dir = g_build_filename(srcdir ? srcdir : "..", "providers", NULL);
	MpaDb *db = mpa_db_new();

	mpa_db_load_dir(db, dir, problems);
	g_assert_cmpuint(mpa_db_size(db), >, 0);
	return db;
}

static MpaLookupResult *run(MpaDb *db, const gchar *address, gboolean offline, guint timeout_ms,
			    GCancellable *c,
			    GError **error)
{
	g_autoptr(MpaLookupRequest) req = mpa_lookup_request_new(db, address);

	mpa_lookup_request_set_offline(req, offline);
	mpa_lookup_request_set_timeout(req, timeout_ms);
	return mpa_lookup_run_sync(req, c, error);
}

static void test_no_network(void)
{
	g_autoptr(MpaDb) db = test_db();
	g_autoptr(GError) error = NULL;
	MpaLookupResult *r;

	/* a provider file: no query, whatever the network */
	r = run(db, " Zhang <ZhangSan@Sohu.COM> ", FALSE, 0, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(r->source, ==, MPA_LOOKUP_PROVIDER_FILE);
	g_assert_cmpstr(r->provider->id, ==, "sohu.com");
	g_assert_cmpstr(r->address, ==, "ZhangSan@sohu.com");
	g_assert_cmpuint(r->log->len, ==, 0);
	g_assert_null(mpa_lookup_origin(r));
	mpa_lookup_result_free(r);

	/* offline: nothing, at once */
	r = run(db, "li@company.invalid", TRUE, 0, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(r->source, ==, MPA_LOOKUP_NONE);
	g_assert_null(r->provider);
	g_assert_false(r->dns_failed);
	g_assert_cmpint(r->elapsed_us, <, 100000);
	mpa_lookup_result_free(r);

	/* $MPA_OFFLINE: the same, for every lookup (the plugin's switch) */
	g_setenv("MPA_OFFLINE", "1", TRUE);
	g_assert_true(mpa_lookup_disabled());
	r = run(db, "li@company.invalid", FALSE, 0, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(r->source, ==, MPA_LOOKUP_NONE);
	g_assert_cmpint(r->elapsed_us, <, 100000);
	mpa_lookup_result_free(r);
	g_setenv("MPA_OFFLINE", "0", TRUE);
	g_assert_false(mpa_lookup_disabled());
	g_unsetenv("MPA_OFFLINE");
	g_assert_false(mpa_lookup_disabled());

	/* not an address */
	r = run(db, "not an address", FALSE, 0, NULL, &error);
	g_assert_null(r);
	g_assert_error(error, MPA_PROVIDER_ERROR, MPA_PROVIDER_ERROR_ADDRESS);

	g_assert_cmpstr(mpa_lookup_source_name(MPA_LOOKUP_MX), ==, "mx");
	g_assert_cmpstr(mpa_lookup_source_name(MPA_LOOKUP_AUTOCONFIG), ==, "autoconfig");
	g_assert_cmpstr(mpa_lookup_source_name(MPA_LOOKUP_SRV), ==, "srv");
	g_assert_cmpstr(mpa_lookup_source_name(MPA_LOOKUP_PROVIDER_FILE), ==, "provider-file");
	g_assert_cmpstr(mpa_lookup_source_name(MPA_LOOKUP_NONE), ==, "none");
}

/* Inside test-lookup.sh's namespace, with a name server that never answers. */
static void test_deadline(void)
{
	g_autoptr(MpaDb) db = NULL;
	g_autoptr(GError) error = NULL;
	MpaLookupResult *r;
	gint64 t0;

	if (!g_getenv("MPA_LOOKUP_SILENT_DNS")) {
		g_test_skip("needs the silent name server of tests/test-lookup.sh");
		return;
	}
	db = test_db();
	t0 = g_get_monotonic_time();
	r = run(db, "u@silent.test", FALSE, 700, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(r->source, ==, MPA_LOOKUP_NONE);
	g_assert_true(r->dns_failed);
	g_assert_true(r->timed_out);
	g_assert_cmpint(g_get_monotonic_time() - t0, >=, 650000);
	g_assert_cmpint(g_get_monotonic_time() - t0, <, 1500000);
	mpa_lookup_result_free(r);
}

typedef struct {
	GMainLoop *loop;
	MpaLookupResult *res;
	GError *error;
	gint64 at;
} Done;

static void on_done(GObject *source, GAsyncResult *result, gpointer data)
{
	Done *d = data;

	(void)source;
	d->res = mpa_lookup_finish(result, &d->error);
	d->at = g_get_monotonic_time();
	g_main_loop_quit(d->loop);
}

static gboolean cancel_later(gpointer data)
{
	g_cancellable_cancel(data);
	return G_SOURCE_REMOVE;
}

static void test_cancel(void)
{
	MpaDb *db;
	g_autoptr(MpaLookupRequest) req = NULL;
	g_autoptr(GCancellable) c = g_cancellable_new();
	Done d = { 0 };
	gint64 t0;

	if (!g_getenv("MPA_LOOKUP_SILENT_DNS")) {
		g_test_skip("needs the silent name server of tests/test-lookup.sh");
		return;
	}
	db = test_db();
	req = mpa_lookup_request_new(db, "u@silent.test");
	d.loop = g_main_loop_new(NULL, FALSE);
	t0 = g_get_monotonic_time();
	mpa_lookup_run_async(req, c, on_done, &d);
	g_timeout_add(200, cancel_later, c);
	g_main_loop_run(d.loop);
	g_assert_null(d.res);
	g_assert_error(d.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	/* answered at the cancel (200 ms), not at the 5 s deadline */
	g_assert_cmpint(d.at - t0, >=, 150000);
	g_assert_cmpint(d.at - t0, <, 1500000);
	g_clear_error(&d.error);
	/* the database may go at once: nothing of the lookup uses it any more */
	mpa_db_free(db);
	/* let the abandoned queries report back and free themselves */
	for (gint i = 0; i < 50; i++)
		g_main_context_iteration(NULL, FALSE);
	g_main_loop_unref(d.loop);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/lookup/http/ok", test_http_ok);
	g_test_add_func("/lookup/http/refused", test_http_refused);
	g_test_add_func("/lookup/no-network", test_no_network);
	g_test_add_func("/lookup/deadline", test_deadline);
	g_test_add_func("/lookup/cancel", test_cancel);
	return g_test_run();
}
