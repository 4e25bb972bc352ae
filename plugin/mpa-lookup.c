/* Provider Assistant — finding the mail settings of a domain no provider file names.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Design.  The coordinator (an Op) lives in the caller's main context.  DNS goes through GIO's
 * GResolver (the system resolver, /etc/resolv.conf); its lookups run in GIO's threads and return
 * at once when the Op's own cancellable is cancelled, so neither a silent name server nor a cancel
 * can hold the verdict past the deadline.  Each HTTPS fetch runs in a thread of its own (a Fetch)
 * with the check's connect, TLS and certificate verification (mpa-net.c); an abandoned Fetch has
 * its socket shut down and frees itself.  After every answer the Op decides whether the verdict
 * can be given already: an MX match wins at once; a later kind of answer waits only for the
 * earlier kinds.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "mpa-lookup.h"
#include "mpa-net.h"
#include "mpa-provider-private.h"

/* Room for the response headers on top of the document. */
#define MAX_HEADERS (16 * 1024)

typedef enum {
	Q_MX,
	Q_AC1, /* https://autoconfig.DOMAIN/mail/config-v1.1.xml?emailaddress= */
	Q_AC2, /* https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml */
	Q_IMAPS,
	Q_IMAP,
	Q_SUBMISSIONS,
	Q_SUBMISSION,
	Q_COUNT
} QueryId;

typedef enum {
	QS_PENDING,
	QS_EMPTY,      /* answered: nothing usable */
	QS_DNS_FAILED, /* no name server answered */
	QS_FOUND
} QueryState;

static const gchar *const srv_service[Q_COUNT] = {
	[Q_IMAPS] = "imaps",
	[Q_IMAP] = "imap",
	[Q_SUBMISSIONS] = "submissions",
	[Q_SUBMISSION] = "submission",
};

struct _MpaLookupRequest {
	const MpaDb *db;
	gchar *address;
	guint timeout_ms;
	gchar *ca_file;
	gboolean offline;
};

MpaLookupRequest *mpa_lookup_request_new(const MpaDb *db, const gchar *address)
{
	MpaLookupRequest *req = g_new0(MpaLookupRequest, 1);

	req->db = db;
	req->address = g_strdup(address);
	return req;
}

void mpa_lookup_request_free(MpaLookupRequest *req)
{
	if (req == NULL)
		return;
	g_free(req->address);
	g_free(req->ca_file);
	g_free(req);
}

void mpa_lookup_request_set_timeout(MpaLookupRequest *req, guint timeout_ms)
{
	req->timeout_ms = timeout_ms;
}

void mpa_lookup_request_set_ca_file(MpaLookupRequest *req, const gchar *ca_file)
{
	g_free(req->ca_file);
	req->ca_file = g_strdup(ca_file);
}

void mpa_lookup_request_set_offline(MpaLookupRequest *req, gboolean offline)
{
	req->offline = offline;
}

const gchar *mpa_lookup_source_name(MpaLookupSource source)
{
	switch (source) {
	case MPA_LOOKUP_PROVIDER_FILE: return "provider-file";
	case MPA_LOOKUP_MX: return "mx";
	case MPA_LOOKUP_AUTOCONFIG: return "autoconfig";
	case MPA_LOOKUP_SRV: return "srv";
	case MPA_LOOKUP_NONE: break;
	}
	return "none";
}

void mpa_lookup_result_free(MpaLookupResult *result)
{
	if (result == NULL)
		return;
	g_free(result->address);
	g_free(result->domain);
	if (result->found_via != NULL)
		g_ptr_array_unref(result->found_via);
	if (result->log != NULL)
		g_ptr_array_unref(result->log);
	if (result->owned != NULL)
		mpa_provider_free(result->owned);
	g_free(result);
}

gchar *mpa_lookup_origin(const MpaLookupResult *res)
{
	g_autofree gchar *via = NULL;
	const gchar *name;

	if (res->provider == NULL || res->source == MPA_LOOKUP_PROVIDER_FILE)
		return NULL;
	{
		g_autoptr(GString) joined = g_string_new(NULL);

		for (guint i = 0; i < res->found_via->len; i++)
			g_string_append_printf(joined, "%s%s", i ? ", " : "",
					       (const gchar *)res->found_via->pdata[i]);
		via = g_strdup(joined->str);
	}
	name = mpa_provider_name(res->provider);
	switch (res->source) {
	case MPA_LOOKUP_MX:
		/* TRANSLATORS: Mail for example.cn is hosted by Tencent Exmail, found from the domain's MX record (mxbiz1.qq.com). */
		return g_strdup_printf(_("Mail for %s is hosted by %s, found from the domain's MX record (%s)."),
				       res->domain, name, via);
	case MPA_LOOKUP_AUTOCONFIG:
		return g_strdup_printf(_("These settings come from the domain's own configuration document (%s)."),
				       via);
	case MPA_LOOKUP_SRV:
		return res->needs_confirmation
			? g_strdup_printf(_("These settings come from the domain's SRV records (%s), and they name servers outside %s. DNS answers are not authenticated: use them only if you know these servers are your provider's."),
					  via, res->domain)
			: g_strdup_printf(_("These settings come from the domain's SRV records (%s)."), via);
	default:
		return NULL;
	}
}

/* ---- HTTP ---- */

static gboolean header_is(const gchar *line, gsize len, const gchar *name, const gchar **value)
{
	gsize n = strlen(name);

	if (len <= n || g_ascii_strncasecmp(line, name, n) != 0 || line[n] != ':')
		return FALSE;
	*value = line + n + 1;
	while (*value < line + len && (**value == ' ' || **value == '\t'))
		(*value)++;
	return TRUE;
}

static gchar *too_large(gsize max)
{
	return g_strdup_printf(_("the document is larger than %u KiB"), (guint)(max / 1024));
}

GBytes *mpa_lookup_parse_http(const guint8 *data, gsize len, gsize max, gchar **why)
{
	const gchar *p = (const gchar *)data, *end = p + len, *eol, *body;
	const gchar *hdr_end = NULL;
	gboolean chunked = FALSE;
	gint64 content_length = -1;
	g_autoptr(GByteArray) out = NULL;

	*why = NULL;
	for (const gchar *q = p; q + 3 < end; q++) {
		if (memcmp(q, "\r\n\r\n", 4) == 0) {
			hdr_end = q + 2;
			break;
		}
	}
	if (hdr_end == NULL) {
		*why = g_strdup(_("the server's answer is not an HTTP response"));
		return NULL;
	}
	body = hdr_end + 2;

	/* Status line: HTTP/1.x 200 ... */
	eol = memchr(p, '\r', hdr_end - p);
	if (eol - p < 12 || strncmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ') {
		*why = g_strdup(_("the server's answer is not an HTTP response"));
		return NULL;
	}
	if (strncmp(p + 9, "200", 3) != 0 || (eol - p > 12 && p[12] != ' ')) {
		g_autofree gchar *status = g_strndup(p + 9, MIN(eol - (p + 9), 40));

		/* only printable ASCII of the status goes into the message */
		for (gchar *c = status; *c; c++)
			if (!g_ascii_isprint(*c))
				*c = '?';
		*why = g_strdup_printf(_("the server answered HTTP %s, not 200"), status);
		return NULL;
	}

	for (const gchar *line = eol + 2; line < hdr_end;) {
		const gchar *next = memchr(line, '\r', hdr_end - line);
		const gchar *value;
		gsize n;

		if (next == NULL)
			next = hdr_end;
		n = next - line;
		if (header_is(line, n, "Content-Length", &value)) {
			gchar *stop = NULL;
			g_autofree gchar *v = g_strndup(value, next - value);
			guint64 cl = g_ascii_strtoull(v, &stop, 10);

			if (stop == v || cl > G_MAXINT64) {
				*why = g_strdup(_("the server's answer is not an HTTP response"));
				return NULL;
			}
			content_length = (gint64)cl;
		} else if (header_is(line, n, "Transfer-Encoding", &value)) {
			chunked = g_ascii_strncasecmp(value, "chunked", 7) == 0;
			if (!chunked) {
				*why = g_strdup(_("the server's answer is not an HTTP response"));
				return NULL;
			}
		}
		line = next + 2;
	}

	out = g_byte_array_new();
	if (chunked) {
		const gchar *q = body;

		for (;;) {
			const gchar *crlf = NULL;
			gchar *stop = NULL;
			guint64 size;

			for (const gchar *r = q; r + 1 < end; r++)
				if (r[0] == '\r' && r[1] == '\n') {
					crlf = r;
					break;
				}
			if (crlf == NULL || crlf == q)
				goto truncated;
			size = g_ascii_strtoull(q, &stop, 16);
			if (stop == q)
				goto truncated;
			if (size == 0)
				break;
			if (size > max || out->len + size > max) {
				*why = too_large(max);
				return NULL;
			}
			q = crlf + 2;
			if ((guint64)(end - q) < size + 2)
				goto truncated;
			g_byte_array_append(out, (const guint8 *)q, (guint)size);
			q += size + 2;
		}
	} else if (content_length >= 0) {
		if ((guint64)content_length > max) {
			*why = too_large(max);
			return NULL;
		}
		if ((guint64)(end - body) < (guint64)content_length)
			goto truncated;
		g_byte_array_append(out, (const guint8 *)body, (guint)content_length);
	} else {
		if ((gsize)(end - body) > max) {
			*why = too_large(max);
			return NULL;
		}
		g_byte_array_append(out, (const guint8 *)body, (guint)(end - body));
	}
	return g_byte_array_free_to_bytes(g_steal_pointer(&out));

truncated:
	*why = g_strdup(_("the server's answer was cut off"));
	return NULL;
}

/* ---- one HTTPS fetch, in its own thread ---- */

typedef struct _Op Op;

typedef struct {
	gint ref;
	QueryId id;
	gchar *host;
	gchar *path;
	gchar *ca_file;
	gint64 deadline;
	GMainContext *context;

	GMutex lock; /* guards abandoned and kill_fd */
	gboolean abandoned;
	int kill_fd;
	int wake[2];

	/* written by the thread before it reports, read by the Op after */
	GBytes *body;
	gchar *why;

	Op *op; /* caller's context only; NULL once abandoned */
} Fetch;

static Fetch *fetch_ref(Fetch *f)
{
	g_atomic_int_inc(&f->ref);
	return f;
}

static void fetch_unref(Fetch *f)
{
	if (!g_atomic_int_dec_and_test(&f->ref))
		return;
	g_free(f->host);
	g_free(f->path);
	g_free(f->ca_file);
	g_main_context_unref(f->context);
	g_mutex_clear(&f->lock);
	if (f->kill_fd >= 0)
		close(f->kill_fd);
	if (f->wake[0] >= 0)
		close(f->wake[0]);
	if (f->wake[1] >= 0)
		close(f->wake[1]);
	if (f->body != NULL)
		g_bytes_unref(f->body);
	g_free(f->why);
	g_free(f);
}

static void fetch_abandon(Fetch *f)
{
	g_mutex_lock(&f->lock);
	f->abandoned = TRUE;
	if (f->kill_fd >= 0)
		shutdown(f->kill_fd, SHUT_RDWR);
	if (f->wake[1] >= 0) {
		ssize_t r = write(f->wake[1], "x", 1);

		(void)r;
	}
	g_mutex_unlock(&f->lock);
}

/* Fetch threads inside TLS (libetpan, GnuTLS, OpenSSL): a program must not exit under them, as
 * the libraries' exit handlers free what such a thread is still using. */
static GMutex tls_lock;
static GCond tls_cond;
static guint tls_busy;

static void tls_enter(void)
{
	g_mutex_lock(&tls_lock);
	tls_busy++;
	g_mutex_unlock(&tls_lock);
}

static void tls_leave(void)
{
	g_mutex_lock(&tls_lock);
	tls_busy--;
	g_cond_broadcast(&tls_cond);
	g_mutex_unlock(&tls_lock);
}

gboolean mpa_lookup_wait_threads(guint max_ms)
{
	gint64 until = g_get_monotonic_time() + (gint64)max_ms * 1000;
	gboolean idle;

	g_mutex_lock(&tls_lock);
	while (tls_busy > 0 && g_cond_wait_until(&tls_cond, &tls_lock, until))
		;
	idle = tls_busy == 0;
	g_mutex_unlock(&tls_lock);
	return idle;
}

static guint seconds_left(gint64 deadline)
{
	gint64 left = deadline - g_get_monotonic_time();

	return left <= 0 ? 1 : (guint)((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

static void fetch_tls(Fetch *f, int fd);

static void fetch_run(Fetch *f)
{
	MpaNetError err;
	gchar *detail = NULL;
	gboolean ok;
	int fd;

	fd = mpa_net_connect(f->host, 443, f->deadline, seconds_left(f->deadline), f->wake[0],
			     &err, &detail);
	if (fd < 0) {
		f->why = detail;
		return;
	}
	g_mutex_lock(&f->lock);
	ok = !f->abandoned;
	if (ok)
		f->kill_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	g_mutex_unlock(&f->lock);
	if (!ok) {
		close(fd);
		return;
	}

	tls_enter();
	fetch_tls(f, fd);
	tls_leave();
}

/* TLS, the certificate, the request and the answer over the connected socket @fd. */
static void fetch_tls(Fetch *f, int fd)
{
	MpaNetError err;
	gchar *detail = NULL;
	mailstream *stream;
	g_autofree gchar *request = NULL;
	g_autoptr(GByteArray) buf = g_byte_array_new();
	gsize cap = MPA_LOOKUP_MAX_DOCUMENT + MAX_HEADERS;

	stream = mailstream_ssl_open_with_callback_timeout(fd, seconds_left(f->deadline),
							   mpa_net_sni_callback, f->host);
	if (stream == NULL) {
		close(fd);
		f->why = g_strdup(_("the TLS handshake failed"));
		return;
	}
	err = mpa_net_verify_stream(stream, f->host, f->ca_file, &detail);
	if (err != MPA_NET_NONE) {
		mailstream_close(stream);
		f->why = detail;
		return;
	}

	request = g_strdup_printf("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: provider-assistant/%s\r\n"
				  "Accept: application/xml, text/xml\r\nConnection: close\r\n\r\n",
				  f->path, f->host, PACKAGE_VERSION);
	if (mailstream_write(stream, request, strlen(request)) < 0 || mailstream_flush(stream) != 0) {
		mailstream_close(stream);
		f->why = g_strdup(_("the server closed the connection"));
		return;
	}
	for (;;) {
		guint8 chunk[8192];
		ssize_t r = mailstream_read(stream, chunk, sizeof chunk);

		if (r <= 0)
			break;
		g_byte_array_append(buf, chunk, (guint)r);
		if (buf->len > cap) {
			f->why = too_large(MPA_LOOKUP_MAX_DOCUMENT);
			break;
		}
		if (g_get_monotonic_time() >= f->deadline)
			break;
	}
	mailstream_close(stream);
	if (f->why == NULL)
		f->body = mpa_lookup_parse_http(buf->data, buf->len, MPA_LOOKUP_MAX_DOCUMENT, &f->why);
}

static void op_fetch_done(Op *op, Fetch *f);

static gboolean fetch_report(gpointer data)
{
	Fetch *f = data;

	if (f->op != NULL)
		op_fetch_done(f->op, f);
	return G_SOURCE_REMOVE;
}

static gpointer fetch_thread(gpointer data)
{
	Fetch *f = data;
	sigset_t pipe_set;
	GSource *source;

	/* as in the check: a write to a shut-down socket must not kill the program */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);

	fetch_run(f);

	source = g_idle_source_new();
	g_source_set_callback(source, fetch_report, fetch_ref(f), (GDestroyNotify)fetch_unref);
	g_source_attach(source, f->context);
	g_source_unref(source);
	fetch_unref(f);
	return NULL;
}

/* ---- the coordinator ---- */

struct _Op {
	gint ref;
	GTask *task;
	GMainContext *context;
	GCancellable *internal; /* cancels the resolver queries */
	GSource *deadline;
	GSource *cancel_source;
	gboolean finished;
	guint dns_pending;

	const MpaDb *db;
	gchar *address;
	gchar *domain;
	gchar *ca_file;
	guint timeout_ms;
	gint64 t0;

	QueryState state[Q_COUNT];
	const MpaProvider *mx_provider;
	gchar *mx_host;
	gchar *url[Q_COUNT];
	MpaProvider *ac_provider[Q_COUNT];
	GVariant *srv_best[Q_COUNT]; /* (qqqs) */
	Fetch *fetch[Q_COUNT];
	GPtrArray *log;
};

static Op *op_ref(Op *op)
{
	op->ref++;
	return op;
}

static void op_unref(Op *op)
{
	if (--op->ref > 0)
		return;
	g_clear_object(&op->internal);
	g_main_context_unref(op->context);
	g_free(op->address);
	g_free(op->domain);
	g_free(op->ca_file);
	g_free(op->mx_host);
	for (guint i = 0; i < Q_COUNT; i++) {
		g_free(op->url[i]);
		if (op->ac_provider[i] != NULL)
			mpa_provider_free(op->ac_provider[i]);
		if (op->srv_best[i] != NULL)
			g_variant_unref(op->srv_best[i]);
	}
	if (op->log != NULL)
		g_ptr_array_unref(op->log);
	g_free(op);
}

static gboolean op_cancelled(GCancellable *cancellable, gpointer data);

/* The caller's cancel counts at once, not only when the cancel source is dispatched: after a
 * cancel the database (the plugin's) may be gone. */
static gboolean op_cancelled_now(Op *op)
{
	GCancellable *c = op->task != NULL ? g_task_get_cancellable(op->task) : NULL;

	if (op->finished || c == NULL || !g_cancellable_is_cancelled(c))
		return FALSE;
	op_cancelled(c, op);
	return TRUE;
}

static void op_log(Op *op, gchar *line)
{
	g_ptr_array_add(op->log, line);
}

static void destroy_source(GSource **source)
{
	if (*source != NULL) {
		g_source_destroy(*source);
		g_source_unref(*source);
		*source = NULL;
	}
}

static MpaLookupResult *result_new(const gchar *address, const gchar *domain)
{
	MpaLookupResult *res = g_new0(MpaLookupResult, 1);

	res->address = g_strdup(address);
	res->domain = g_strdup(domain);
	res->found_via = g_ptr_array_new_with_free_func(g_free);
	res->log = g_ptr_array_new_with_free_func(g_free);
	return res;
}

/* "mail.example.cn" is inside "example.cn"; "example.cn.evil.com" and "badexample.cn" are not. */
static gboolean host_inside(const gchar *host, const gchar *domain)
{
	gsize hl = strlen(host), dl = strlen(domain);

	if (hl == dl)
		return g_ascii_strcasecmp(host, domain) == 0;
	return hl > dl && host[hl - dl - 1] == '.' && g_ascii_strcasecmp(host + hl - dl, domain) == 0;
}

static MpaProvider *load_document(const gchar *origin, const gchar *data, gsize len,
				  GPtrArray *problems)
{
	return mpa_provider_load_data(data, len, origin, problems);
}

/* An SRV answer turned into a provider, through the same loader as every provider file. */
static MpaProvider *provider_from_srv(Op *op, GVariant *imap, gboolean imap_tls, GVariant *smtp,
				      gboolean smtp_tls)
{
	g_autoptr(GString) xml = g_string_new(NULL);
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);
	g_autofree gchar *origin = g_strdup_printf("SRV %s", op->domain);
	MpaProvider *p;

	g_string_append_printf(xml,
			       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n"
			       "<emailProvider id=\"%s\">\n<domain>%s</domain>\n<displayName>%s</displayName>\n",
			       op->domain, op->domain, op->domain);
	for (guint i = 0; i < 2; i++) {
		GVariant *v = i == 0 ? imap : smtp;
		gboolean tls = i == 0 ? imap_tls : smtp_tls;
		guint16 prio, weight, port;
		const gchar *target;
		const gchar *element = i == 0 ? "incomingServer" : "outgoingServer";

		if (v == NULL)
			continue;
		g_variant_get(v, "(qqq&s)", &prio, &weight, &port, &target);
		g_string_append_printf(xml,
				       "<%s type=\"%s\"><hostname>%s</hostname><port>%u</port>"
				       "<socketType>%s</socketType><username>%%EMAILADDRESS%%</username>"
				       "<authentication>password-cleartext</authentication></%s>\n",
				       element, i == 0 ? "imap" : "smtp", target, port, tls ? "SSL" : "STARTTLS",
				       element);
	}
	g_string_append(xml, "</emailProvider>\n</clientConfig>\n");
	p = load_document(origin, xml->str, xml->len, problems);
	if (p == NULL && problems->len > 0)
		op_log(op, mpa_problem_to_string(problems->pdata[0]));
	return p;
}

/* @a when its SRV record was found, else @b when its was, else Q_COUNT. */
static QueryId first_found(const Op *op, QueryId a, QueryId b)
{
	if (op->state[a] == QS_FOUND)
		return a;
	return op->state[b] == QS_FOUND ? b : Q_COUNT;
}

static void op_finish(Op *op, MpaLookupSource source, QueryId which, gboolean final)
{
	MpaLookupResult *res = result_new(op->address, op->domain);

	op->finished = TRUE;
	res->source = source;
	switch (source) {
	case MPA_LOOKUP_MX:
		res->provider = op->mx_provider;
		g_ptr_array_add(res->found_via, g_strdup(op->mx_host));
		break;
	case MPA_LOOKUP_AUTOCONFIG:
		res->owned = g_steal_pointer(&op->ac_provider[which]);
		res->provider = res->owned;
		g_ptr_array_add(res->found_via, g_strdup(op->url[which]));
		break;
	case MPA_LOOKUP_SRV: {
		QueryId in = first_found(op, Q_IMAPS, Q_IMAP);
		QueryId out = first_found(op, Q_SUBMISSIONS, Q_SUBMISSION);
		GVariant *iv = in < Q_COUNT ? op->srv_best[in] : NULL;
		GVariant *ov = out < Q_COUNT ? op->srv_best[out] : NULL;

		res->owned = provider_from_srv(op, iv, in == Q_IMAPS, ov, out == Q_SUBMISSIONS);
		if (res->owned == NULL) {
			res->source = MPA_LOOKUP_NONE;
			break;
		}
		res->provider = res->owned;
		for (guint i = 0; i < 2; i++) {
			GVariant *v = i == 0 ? iv : ov;
			QueryId q = i == 0 ? in : out;
			const gchar *target;

			if (v == NULL)
				continue;
			g_variant_get(v, "(qqq&s)", NULL, NULL, NULL, &target);
			g_ptr_array_add(res->found_via,
					g_strdup_printf("_%s._tcp.%s", srv_service[q], op->domain));
			if (!host_inside(target, op->domain))
				res->needs_confirmation = TRUE;
		}
		break;
	}
	case MPA_LOOKUP_NONE:
	case MPA_LOOKUP_PROVIDER_FILE:
		break;
	}
	res->timed_out = final;
	if (res->source == MPA_LOOKUP_NONE)
		res->dns_failed = op->state[Q_MX] == QS_DNS_FAILED || op->state[Q_MX] == QS_PENDING;

	/* Everything still under way is abandoned. */
	for (guint i = 0; i < Q_COUNT; i++) {
		if (op->fetch[i] != NULL) {
			if (op->state[i] == QS_PENDING) {
				fetch_abandon(op->fetch[i]);
				op_log(op, g_strdup_printf(_("%s: no answer in time"), op->url[i]));
			}
			op->fetch[i]->op = NULL;
			fetch_unref(op->fetch[i]);
			op->fetch[i] = NULL;
		}
	}
	if (op->state[Q_MX] == QS_PENDING)
		op_log(op, g_strdup_printf(_("MX %s: no answer in time"), op->domain));
	g_cancellable_cancel(op->internal);
	destroy_source(&op->deadline);
	destroy_source(&op->cancel_source);

	for (guint i = 0; i < op->log->len; i++)
		g_ptr_array_add(res->log, g_strdup(op->log->pdata[i]));
	res->elapsed_us = g_get_monotonic_time() - op->t0;
	g_task_return_pointer(op->task, res, (GDestroyNotify)mpa_lookup_result_free);
	g_clear_object(&op->task);
	op_unref(op);
}

/* Called after every answer (and at the deadline with @final): gives the verdict as soon as no
 * answer still under way could change it. */
static void op_decide(Op *op, gboolean final)
{
	QueryId imap_q = Q_COUNT, smtp_q = Q_COUNT;
	gboolean waiting = FALSE;

	if (op->finished)
		return;
	if (op->state[Q_MX] == QS_FOUND) {
		op_finish(op, MPA_LOOKUP_MX, Q_MX, final);
		return;
	}
	if (op->state[Q_MX] == QS_PENDING && !final)
		return;
	for (QueryId q = Q_AC1; q <= Q_AC2; q++) {
		if (op->state[q] == QS_FOUND) {
			op_finish(op, MPA_LOOKUP_AUTOCONFIG, q, final);
			return;
		}
		if (op->state[q] == QS_PENDING && !final)
			return;
	}
	/* SRV: the implicit-TLS name first (RFC 8314), the STARTTLS one only when it has none. */
	if (op->state[Q_IMAPS] == QS_FOUND)
		imap_q = Q_IMAPS;
	else if (op->state[Q_IMAP] == QS_FOUND && (final || op->state[Q_IMAPS] != QS_PENDING))
		imap_q = Q_IMAP;
	else if (op->state[Q_IMAPS] == QS_PENDING || op->state[Q_IMAP] == QS_PENDING)
		waiting = TRUE;
	if (op->state[Q_SUBMISSIONS] == QS_FOUND)
		smtp_q = Q_SUBMISSIONS;
	else if (op->state[Q_SUBMISSION] == QS_FOUND && (final || op->state[Q_SUBMISSIONS] != QS_PENDING))
		smtp_q = Q_SUBMISSION;
	else if (op->state[Q_SUBMISSIONS] == QS_PENDING || op->state[Q_SUBMISSION] == QS_PENDING)
		waiting = TRUE;
	if (waiting && !final)
		return;
	if (imap_q != Q_COUNT || smtp_q != Q_COUNT)
		op_finish(op, MPA_LOOKUP_SRV, Q_COUNT, final);
	else
		op_finish(op, MPA_LOOKUP_NONE, Q_COUNT, final);
}

static QueryState dns_error_state(Op *op, const gchar *what, GError *error)
{
	if (g_error_matches(error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND)) {
		op_log(op, g_strdup_printf(_("%s: no such record"), what));
		return QS_EMPTY;
	}
	op_log(op, g_strdup_printf(_("%s: no name server answered (%s)"), what, error->message));
	return QS_DNS_FAILED;
}

/* An answer that comes after the operation finished or was cancelled is dropped, with the
 * reference its query held: TRUE then. */
static gboolean answer_dropped(Op *op, GList *records)
{
	if (!op->finished && !op_cancelled_now(op))
		return FALSE;
	g_list_free_full(records, (GDestroyNotify)g_variant_unref);
	op_unref(op);
	return TRUE;
}

/* The records of an answer sorted by @compare (stable: equal ones keep the server's order), in
 * an array that owns them; the list itself is freed. */
static GPtrArray *records_sorted(GList *records, GCompareFunc compare)
{
	GPtrArray *sorted = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);

	for (GList *l = records; l != NULL; l = l->next)
		g_ptr_array_add(sorted, l->data);
	g_list_free(records);
	g_ptr_array_sort(sorted, compare);
	return sorted;
}

static gint mx_compare(gconstpointer a, gconstpointer b)
{
	guint16 pa, pb;

	g_variant_get(*(GVariant **)a, "(q&s)", &pa, NULL);
	g_variant_get(*(GVariant **)b, "(q&s)", &pb, NULL);
	return (gint)pa - (gint)pb;
}

static void mx_done(GObject *source, GAsyncResult *result, gpointer data)
{
	Op *op = data;
	g_autoptr(GError) error = NULL;
	GList *records = g_resolver_lookup_records_finish(G_RESOLVER(source), result, &error);

	op->dns_pending--;
	if (answer_dropped(op, records))
		return;
	if (records == NULL) {
		g_autofree gchar *what = g_strdup_printf("MX %s", op->domain);

		op->state[Q_MX] = dns_error_state(op, what, error);
	} else {
		/* best (lowest) preference first */
		g_autoptr(GPtrArray) sorted = records_sorted(records, mx_compare);

		op->state[Q_MX] = QS_EMPTY;
		for (guint i = 0; i < sorted->len; i++) {
			guint16 pref;
			const gchar *host;
			const MpaProvider *p;

			g_variant_get(sorted->pdata[i], "(q&s)", &pref, &host);
			p = mpa_db_lookup_mx(op->db, host);
			op_log(op, p != NULL ? g_strdup_printf(_("MX %s (preference %u): %s"), host, pref, p->id) : g_strdup_printf(_("MX %s (preference %u): no provider file knows it"), host, pref));
			if (p != NULL) {
				op->mx_provider = p;
				op->mx_host = g_strdup(host);
				op->state[Q_MX] = QS_FOUND;
				break;
			}
		}
	}
	op_decide(op, FALSE);
	op_unref(op);
}

static gint srv_compare(gconstpointer a, gconstpointer b)
{
	guint16 pa, wa, pb, wb;

	g_variant_get(*(GVariant **)a, "(qqq&s)", &pa, &wa, NULL, NULL);
	g_variant_get(*(GVariant **)b, "(qqq&s)", &pb, &wb, NULL, NULL);
	if (pa != pb)
		return (gint)pa - (gint)pb;
	return (gint)wb - (gint)wa;
}

typedef struct {
	Op *op;
	QueryId id;
} SrvCall;

static void srv_done(GObject *source, GAsyncResult *result, gpointer data)
{
	SrvCall *call = data;
	Op *op = call->op;
	QueryId q = call->id;
	g_autoptr(GError) error = NULL;
	GList *records = g_resolver_lookup_records_finish(G_RESOLVER(source), result, &error);
	g_autofree gchar *name = g_strdup_printf("_%s._tcp.%s", srv_service[q], op->domain);

	g_free(call);
	op->dns_pending--;
	if (answer_dropped(op, records))
		return;
	if (records == NULL) {
		g_autofree gchar *what = g_strdup_printf("SRV %s", name);

		op->state[q] = dns_error_state(op, what, error);
	} else {
		g_autoptr(GPtrArray) sorted = records_sorted(records, srv_compare);

		op->state[q] = QS_EMPTY;
		for (guint i = 0; i < sorted->len; i++) {
			guint16 port;
			const gchar *target, *why = NULL;

			g_variant_get(sorted->pdata[i], "(qqq&s)", NULL, NULL, &port, &target);
			/* RFC 2782: target "." means the service is decidedly not offered */
			if (target[0] == '\0' || strcmp(target, ".") == 0) {
				op_log(op, g_strdup_printf(_("SRV %s: the service is not offered"), name));
				break;
			}
			if (port == 0 || !mpa_hostname_check_labels(target, &why)) {
				op_log(op, g_strdup_printf(_("SRV %s: unusable record"), name));
				continue;
			}
			op_log(op, g_strdup_printf("SRV %s: %s:%u", name, target, port));
			op->srv_best[q] = g_variant_ref(sorted->pdata[i]);
			op->state[q] = QS_FOUND;
			break;
		}
	}
	op_decide(op, FALSE);
	op_unref(op);
}

/* Only https links survive from a document served by someone else. */
static void keep_https_links(MpaProvider *p)
{
	GPtrArray *lists[] = { p->steps, p->notes };

	if (p->links == NULL)
		return;
	for (guint i = p->links->len; i-- > 0;) {
		MpaLink *link = p->links->pdata[i];

		if (link->url != NULL && g_str_has_prefix(link->url, "https://"))
			continue;
		for (guint l = 0; l < G_N_ELEMENTS(lists); l++)
			for (guint s = 0; lists[l] != NULL && s < lists[l]->len; s++) {
				MpaStep *step = lists[l]->pdata[s];

				if (step->link == link)
					step->link = NULL;
			}
		for (guint c = 0; p->causes != NULL && c < p->causes->len; c++) {
			MpaCauseFix *fix = p->causes->pdata[c];

			if (fix->link == link)
				fix->link = NULL;
		}
		g_ptr_array_remove_index(p->links, i);
	}
}

static void op_fetch_done(Op *op, Fetch *f)
{
	QueryId q = f->id;

	if (op_cancelled_now(op))
		return;

	if (f->body == NULL) {
		op_log(op, g_strdup_printf("%s: %s", op->url[q], f->why ? f->why : "?"));
		op->state[q] = QS_EMPTY;
	} else {
		g_autoptr(GPtrArray) problems =
			g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);
		gsize len;
		const gchar *data = g_bytes_get_data(f->body, &len);
		MpaProvider *p = load_document(op->url[q], data, len, problems);

		if (p != NULL && p->imap == NULL && p->smtp == NULL) {
			mpa_provider_free(p);
			p = NULL;
		}
		if (p == NULL) {
			op_log(op, problems->len > 0 ? mpa_problem_to_string(problems->pdata[0]) : g_strdup_printf(_("%s: not a usable autoconfig document"), op->url[q]));
			op->state[q] = QS_EMPTY;
		} else {
			keep_https_links(p);
			op_log(op, g_strdup_printf(_("%s: autoconfig document of %s"), op->url[q], p->id));
			op->ac_provider[q] = p;
			op->state[q] = QS_FOUND;
		}
	}
	op->fetch[q] = NULL;
	f->op = NULL;
	fetch_unref(f);
	op_decide(op, FALSE);
}

static void start_fetch(Op *op, QueryId q, const gchar *host, const gchar *path)
{
	Fetch *f = g_new0(Fetch, 1);
	GThread *thread;

	f->ref = 2; /* the Op's and the thread's */
	f->id = q;
	f->host = g_strdup(host);
	f->path = g_strdup(path);
	f->ca_file = g_strdup(op->ca_file);
	f->deadline = op->t0 + (gint64)op->timeout_ms * 1000;
	f->context = g_main_context_ref(op->context);
	f->kill_fd = -1;
	f->op = op;
	g_mutex_init(&f->lock);
	if (!g_unix_open_pipe(f->wake, FD_CLOEXEC, NULL))
		f->wake[0] = f->wake[1] = -1;
	op->url[q] = g_strdup_printf("https://%s%s", host, path);
	op->fetch[q] = f;
	thread = g_thread_new("mpa-lookup-https", fetch_thread, f);
	g_thread_unref(thread);
}

static gboolean op_deadline(gpointer data)
{
	Op *op = data;

	op_decide(op, TRUE);
	return G_SOURCE_REMOVE;
}

static gboolean op_cancelled(GCancellable *cancellable, gpointer data)
{
	Op *op = data;

	(void)cancellable;
	if (op->finished)
		return G_SOURCE_REMOVE;
	op->finished = TRUE;
	for (guint i = 0; i < Q_COUNT; i++) {
		if (op->fetch[i] != NULL) {
			fetch_abandon(op->fetch[i]);
			op->fetch[i]->op = NULL;
			fetch_unref(op->fetch[i]);
			op->fetch[i] = NULL;
		}
	}
	g_cancellable_cancel(op->internal);
	destroy_source(&op->deadline);
	destroy_source(&op->cancel_source);
	g_task_return_new_error(op->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
				"%s", _("the lookup was cancelled"));
	g_clear_object(&op->task);
	op_unref(op);
	return G_SOURCE_REMOVE;
}

gboolean mpa_lookup_disabled(void)
{
	const gchar *v = g_getenv("MPA_OFFLINE");

	return v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}

void mpa_lookup_run_async(const MpaLookupRequest *req, GCancellable *cancellable,
			  GAsyncReadyCallback callback, gpointer user_data)
{
	GTask *task = g_task_new(NULL, cancellable, callback, user_data);
	g_autofree gchar *local = NULL, *domain = NULL;
	GError *error = NULL;
	const MpaProvider *known;
	MpaLookupResult *res;
	g_autoptr(GResolver) resolver = NULL;
	g_autofree gchar *escaped = NULL, *path = NULL, *ac_host = NULL;
	Op *op;

	g_task_set_source_tag(task, mpa_lookup_run_async);
	if (!mpa_address_parse(req->address, &local, &domain, &error)) {
		g_task_return_error(task, error);
		g_object_unref(task);
		return;
	}

	op = g_new0(Op, 1);
	op->ref = 1;
	op->address = g_strdup_printf("%s@%s", local, domain);
	op->domain = g_strdup(domain);
	op->t0 = g_get_monotonic_time();

	/* A provider file always wins, and then nothing goes over the network. */
	known = req->db != NULL ? mpa_db_lookup_domain(req->db, domain) : NULL;
	if (known != NULL || req->offline || mpa_lookup_disabled()) {
		res = result_new(op->address, op->domain);
		res->source = known != NULL ? MPA_LOOKUP_PROVIDER_FILE : MPA_LOOKUP_NONE;
		res->provider = known;
		if (known != NULL)
			g_ptr_array_add(res->found_via, g_strdup(known->file));
		g_task_return_pointer(task, res, (GDestroyNotify)mpa_lookup_result_free);
		g_object_unref(task);
		op->context = g_main_context_ref_thread_default();
		op->log = g_ptr_array_new_with_free_func(g_free);
		op_unref(op);
		return;
	}

	op->task = task;
	op->context = g_main_context_ref_thread_default();
	op->internal = g_cancellable_new();
	op->db = req->db;
	op->ca_file = g_strdup(req->ca_file);
	op->timeout_ms = req->timeout_ms ? req->timeout_ms : MPA_LOOKUP_DEFAULT_TIMEOUT_MS;
	op->log = g_ptr_array_new_with_free_func(g_free);

	op->deadline = g_timeout_source_new(op->timeout_ms);
	g_source_set_callback(op->deadline, op_deadline, op, NULL);
	g_source_attach(op->deadline, op->context);
	if (cancellable != NULL) {
		op->cancel_source = g_cancellable_source_new(cancellable);
		g_source_set_callback(op->cancel_source, G_SOURCE_FUNC(op_cancelled), op, NULL);
		g_source_attach(op->cancel_source, op->context);
	}

	/* All at once: MX, both autoconfig URLs, the four SRV names. */
	resolver = g_resolver_get_default();
	op->dns_pending++;
	g_resolver_lookup_records_async(resolver, domain, G_RESOLVER_RECORD_MX, op->internal,
					mx_done, op_ref(op));

	escaped = g_uri_escape_string(op->address, NULL, FALSE);
	path = g_strdup_printf("/mail/config-v1.1.xml?emailaddress=%s", escaped);
	ac_host = g_strdup_printf("autoconfig.%s", domain);
	start_fetch(op, Q_AC1, ac_host, path);
	start_fetch(op, Q_AC2, domain, "/.well-known/autoconfig/mail/config-v1.1.xml");

	for (QueryId q = Q_IMAPS; q <= Q_SUBMISSION; q++) {
		SrvCall *call = g_new0(SrvCall, 1);
		g_autofree gchar *name = g_strdup_printf("_%s._tcp.%s", srv_service[q], domain);

		call->op = op_ref(op);
		call->id = q;
		op->dns_pending++;
		g_resolver_lookup_records_async(resolver, name, G_RESOLVER_RECORD_SRV, op->internal,
						srv_done, call);
	}
	/* The Op's own reference (op->ref = 1) is dropped with the verdict. */
}

MpaLookupResult *mpa_lookup_finish(GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
	return g_task_propagate_pointer(G_TASK(result), error);
}

typedef struct {
	GMainContext *context;
	GAsyncResult *result;
} SyncData;

static void sync_done(GObject *source, GAsyncResult *result, gpointer data)
{
	SyncData *sd = data;

	(void)source;
	sd->result = g_object_ref(result);
	g_main_context_wakeup(sd->context);
}

MpaLookupResult *mpa_lookup_run_sync(const MpaLookupRequest *req, GCancellable *cancellable,
				     GError **error)
{
	SyncData sd = { g_main_context_new(), NULL };
	MpaLookupResult *res;
	gint64 drain_until;

	g_main_context_push_thread_default(sd.context);
	mpa_lookup_run_async(req, cancellable, sync_done, &sd);
	while (sd.result == NULL)
		g_main_context_iteration(sd.context, TRUE);
	res = mpa_lookup_finish(sd.result, error);
	g_object_unref(sd.result);
	/* The resolver's cancelled queries report back at once; let them free what they hold. */
	drain_until = g_get_monotonic_time() + 200 * 1000;
	while (g_main_context_pending(sd.context) && g_get_monotonic_time() < drain_until)
		g_main_context_iteration(sd.context, FALSE);
	g_main_context_pop_thread_default(sd.context);
	g_main_context_unref(sd.context);
	return res;
}
