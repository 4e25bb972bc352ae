/* Provider Assistant — connection check: real IMAP and SMTP logins with libetpan.
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
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <libetpan/libetpan.h>

#include "mpa-check.h"
#include "mpa-text.h"
#include "mpa-net.h"
#include "mpa-tls.h"

/* Exported by libetpan 1.9 but missing from its headers: the raw SMTP command primitives, used to
 * speak AUTH PLAIN / LOGIN without Cyrus SASL. */
int mailsmtp_send_command_private(mailsmtp *session, char *command);
int mailsmtp_read_response(mailsmtp *session);
/* The same for IMAP: the pieces of a command, to send ID and LOGIN in one write. */
int mailimap_token_send(mailstream *fd, const char *token);
int mailimap_space_send(mailstream *fd);
int mailimap_crlf_send(mailstream *fd);
int mailimap_quoted_send(mailstream *fd, const char *quoted);
int mailimap_id_send(mailstream *fd, struct mailimap_id_params_list *client_identification);
int mailimap_logout_send(mailstream *fd);

#define DEFAULT_IDLE_MS 10000
#define DEFAULT_TOTAL_MS 15000
/* A reply longer than this is not a mail server talking: it is reported as a protocol error and
 * the connection is cut instead of buffering without end. */
#define MAX_REPLY_BYTES (64 * 1024)
#define DISPLAY_CHARS 400

struct _MpaCheckRequest {
	gchar *address;
	struct {
		gchar *host;
		guint16 port;
		MpaSecurity security;
		gchar *username;
	} server[2];
	gchar *password;
	gchar *smtp_password;           /* NULL: SMTP uses @password too */
	gchar *ca_file;
	guint idle_ms;
	guint total_ms;
	gboolean select;
};

static GPrivate thread_is_ours;

gboolean
mpa_check_thread_is_ours(void)
{
	return g_private_get(&thread_is_ours) != NULL;
}

const gchar *
mpa_outcome_name(MpaOutcome outcome)
{
	switch (outcome) {
	case MPA_OUTCOME_OK: return "ok";
	case MPA_OUTCOME_FAILED: return "failed";
	case MPA_OUTCOME_SKIPPED: return "skipped";
	case MPA_OUTCOME_CANCELLED: return "cancelled";
	}
	return "unknown";
}

const gchar *
mpa_net_error_name(MpaNetError err)
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
	}
	return "unknown";
}

gchar *
mpa_check_password_problem(const gchar *password)
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
static gchar *
seconds_text(guint ms)
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

MpaCheckRequest *
mpa_check_request_new(const gchar *address)
{
	MpaCheckRequest *req = g_new0(MpaCheckRequest, 1);

	req->address = g_strdup(address);
	req->idle_ms = DEFAULT_IDLE_MS;
	req->total_ms = DEFAULT_TOTAL_MS;
	req->select = TRUE;
	return req;
}

void
mpa_check_request_free(MpaCheckRequest *req)
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

static void
set_server(MpaCheckRequest *req, MpaProtocol proto, const gchar *host, guint16 port,
	   MpaSecurity security, const gchar *username)
{
	g_free(req->server[proto].host);
	g_free(req->server[proto].username);
	req->server[proto].host = g_strdup(host);
	req->server[proto].port = port;
	req->server[proto].security = security;
	req->server[proto].username = g_strdup(username ? username : req->address);
}

void
mpa_check_request_set_imap(MpaCheckRequest *req, const gchar *host, guint16 port,
			   MpaSecurity security, const gchar *username)
{
	set_server(req, MPA_PROTOCOL_IMAP, host, port, security, username);
}

void
mpa_check_request_set_smtp(MpaCheckRequest *req, const gchar *host, guint16 port,
			   MpaSecurity security, const gchar *username)
{
	set_server(req, MPA_PROTOCOL_SMTP, host, port, security, username);
}

void
mpa_check_request_set_from_provider(MpaCheckRequest *req, const MpaProvider *provider)
{
	const MpaServer *servers[2] = { provider->imap, provider->smtp };

	for (guint i = 0; i < 2; i++) {
		g_autofree gchar *user = NULL;
		g_autofree gchar *host = NULL;

		if (servers[i] == NULL) {
			set_server(req, i, NULL, 0, MPA_SECURITY_SSL, NULL);
			continue;
		}
		user = mpa_expand_username(servers[i]->username ? servers[i]->username
					   : "%EMAILADDRESS%", req->address);
		host = mpa_expand_host(servers[i]->host, req->address);
		set_server(req, i, host, servers[i]->port, servers[i]->security, user);
	}
}

void
mpa_check_request_set_password(MpaCheckRequest *req, const gchar *password)
{
	mpa_secret_free(req->password);
	req->password = g_strdup(password);
}

void
mpa_check_request_set_smtp_password(MpaCheckRequest *req, const gchar *password)
{
	mpa_secret_free(req->smtp_password);
	req->smtp_password = g_strdup(password);
}

void
mpa_check_request_set_ca_file(MpaCheckRequest *req, const gchar *ca_file)
{
	g_free(req->ca_file);
	req->ca_file = g_strdup(ca_file);
}

void
mpa_check_request_set_timeouts(MpaCheckRequest *req, guint idle_ms, guint total_ms)
{
	req->idle_ms = idle_ms ? idle_ms : DEFAULT_IDLE_MS;
	req->total_ms = total_ms ? total_ms : DEFAULT_TOTAL_MS;
}

void
mpa_check_request_set_select(MpaCheckRequest *req, gboolean select)
{
	req->select = select;
}

/* ---- results ---- */

static void
proto_result_clear(MpaProtoResult *r)
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

static void
proto_result_init(MpaProtoResult *r, MpaProtocol proto)
{
	memset(r, 0, sizeof *r);
	r->protocol = proto;
	r->outcome = MPA_OUTCOME_SKIPPED;
	r->stage = MPA_STAGE_CONNECT;
	r->stages = g_array_new(FALSE, TRUE, sizeof(MpaStageResult));
}

static void
proto_result_copy(MpaProtoResult *dst, const MpaProtoResult *src)
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

void
mpa_check_result_free(MpaCheckResult *result)
{
	if (result == NULL)
		return;
	proto_result_clear(&result->imap);
	proto_result_clear(&result->smtp);
	g_free(result);
}

/* ---- workers ---- */

typedef struct _Op Op;

typedef struct {
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
	GMainContext *context;
	gint64 t0;

	GMutex lock;            /* guards the fields down to `in_stage` */
	gboolean abandoned;
	int kill_fd;            /* a dup of the session's socket, for shutdown() */
	int wake[2];            /* written to on abandon: ends a pending connect at once */
	MpaProtoResult res;
	gint64 stage_start;
	gboolean in_stage;

	/* worker thread only */
	GByteArray *capture;    /* bytes received since the last command was sent */
	gboolean overflow;
	gint64 io_start;

	/* caller's main context only */
	Op *op;
} Worker;

struct _Op {
	GTask *task;
	GMainContext *context;
	Worker *workers[2];
	MpaCheckResult *result;
	gboolean done[2];
	GSource *deadline;
	GSource *cancel_source;
	MpaCheckProgressFunc progress;
	gpointer progress_data;
	gint64 t0;
	guint total_ms;
};

static Worker *
worker_ref(Worker *w)
{
	g_atomic_int_inc(&w->ref);
	return w;
}

static void
worker_unref(Worker *w)
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

static gboolean
worker_abandoned(Worker *w)
{
	gboolean ret;

	g_mutex_lock(&w->lock);
	ret = w->abandoned;
	g_mutex_unlock(&w->lock);
	return ret;
}

/* Reports travel from a worker to the caller's main context. */
typedef struct {
	Worker *w;
	gboolean done;
	MpaStageResult stage;
	MpaProtoResult res;     /* when done */
} Report;

static void op_worker_done(Op *op, Worker *w, MpaProtoResult *res);

static gboolean
report_dispatch(gpointer data)
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

static void
report_free(gpointer data)
{
	Report *rep = data;

	if (rep->done)
		proto_result_clear(&rep->res);
	worker_unref(rep->w);
	g_free(rep);
}

static void
report_post(Worker *w, Report *rep)
{
	GSource *source;

	/* Nobody listens any more: a context that is no longer iterated would keep it forever. */
	if (worker_abandoned(w)) {
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

static void
stage_begin(Worker *w, MpaStage stage)
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

static void
stage_end(Worker *w, MpaOutcome outcome)
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
static void
fail(Worker *w, MpaNetError net, gchar *detail)
{
	g_mutex_lock(&w->lock);
	w->res.outcome = MPA_OUTCOME_FAILED;
	w->res.net_error = net;
	g_free(w->res.detail);
	w->res.detail = detail;
	g_mutex_unlock(&w->lock);
	stage_end(w, MPA_OUTCOME_FAILED);
}

/* ---- what the server said ---- */

static void
capture_reset(Worker *w)
{
	g_byte_array_set_size(w->capture, 0);
	/* w->overflow stays: the connection was cut, whatever libetpan still had buffered */
	w->io_start = g_get_monotonic_time();
}

/* libetpan's per-session logger: sees every byte received (after TLS decryption).  Sent data is
 * ignored on purpose, so the password never reaches our buffers through here. */
static void
capture_bytes(Worker *w, int log_type, const char *str, size_t size)
{
	if (log_type != MAILSTREAM_LOG_TYPE_DATA_RECEIVED || str == NULL || w->overflow)
		return;
	if (w->capture->len + size > MAX_REPLY_BYTES) {
		w->overflow = TRUE;
		/* Cut the connection: libetpan would otherwise keep reading a never-ending line. */
		g_mutex_lock(&w->lock);
		if (w->kill_fd >= 0)
			shutdown(w->kill_fd, SHUT_RDWR);
		g_mutex_unlock(&w->lock);
		return;
	}
	g_byte_array_append(w->capture, (const guint8 *) str, size);
}

static void
imap_logger(mailimap *session, int log_type, const char *str, size_t size, void *context)
{
	capture_bytes(context, log_type, str, size);
}

static void
smtp_logger(mailsmtp *session, int log_type, const char *str, size_t size, void *context)
{
	capture_bytes(context, log_type, str, size);
}

/* "[CODE ...]" right after the status word of an IMAP response line. */
static gchar *
imap_code_of(const gchar *line)
{
	const gchar *p = line, *end;

	/* skip tag (or "*") and status word */
	for (guint words = 0; words < 2; words++) {
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	if (*p != '[')
		return NULL;
	p++;
	end = p;
	while (*end && *end != ']' && *end != ' ')
		end++;
	if (end == p)
		return NULL;
	return g_ascii_strup(p, end - p);
}

/* Enhanced status code "x.y.z" (RFC 3463: class 2, 4 or 5, then 1-3 digits twice) after the reply
 * code of the last line of an SMTP reply. */
static gchar *
enhanced_code_of(const gchar *line)
{
	const gchar *p = line + 4, *start = line + 4;

	if (strlen(line) < 4 || !g_ascii_isdigit(line[0]) || !g_ascii_isdigit(line[1]) ||
	    !g_ascii_isdigit(line[2]) || (line[3] != ' ' && line[3] != '-'))
		return NULL;
	if (*p != '2' && *p != '4' && *p != '5')
		return NULL;
	p++;
	for (guint part = 0; part < 2; part++) {
		guint digits = 0;

		if (*p++ != '.')
			return NULL;
		while (g_ascii_isdigit(*p) && digits < 4) {
			p++;
			digits++;
		}
		if (digits == 0 || digits > 3)
			return NULL;
	}
	/* it must end there: "5.7.8x" is not a code */
	if (g_ascii_isalnum(*p) || *p == '_')
		return NULL;
	return g_strndup(start, p - start);
}

/* The last complete line of the capture (without CR LF). */
static gchar *
last_line(const gchar *text)
{
	g_autofree gchar *copy = g_strdup(text);
	g_auto(GStrv) lines = NULL;
	guint n;

	g_strchomp(copy);
	lines = g_strsplit(copy, "\n", -1);
	n = g_strv_length(lines);
	if (n == 0)
		return g_strdup("");
	return g_strdup(g_strchomp(lines[n - 1]));
}

/* IMAP: the lines that carry the server's verdict in its own words, exact bytes: the final line
 * (tagged, or the greeting) and any untagged NO / BAD / BYE before it.  Data lines (FLAGS,
 * EXISTS...) are left out. */
static GBytes *
imap_verdict_lines(const guint8 *data, gsize len)
{
	GByteArray *out = g_byte_array_new();
	gsize start = 0, last_start = 0;

	/* the start of the last non-empty line */
	for (gsize i = 0; i < len; i++) {
		if (data[i] == '\n' && i + 1 < len)
			last_start = i + 1;
	}
	while (start < len) {
		gsize end = start;

		while (end < len && data[end] != '\n')
			end++;
		if (end < len)
			end++;
		if (start == last_start ||
		    (end - start > 4 && (g_ascii_strncasecmp((const gchar *) data + start, "* NO", 4) == 0 ||
					 g_ascii_strncasecmp((const gchar *) data + start, "* BAD", 5) == 0 ||
					 g_ascii_strncasecmp((const gchar *) data + start, "* BYE", 5) == 0)))
			g_byte_array_append(out, data + start, end - start);
		start = end;
	}
	return g_byte_array_free_to_bytes(out);
}

/* Records what the server last said: exact bytes, display text and codes. */
static void
take_reply(Worker *w, mailsmtp *smtp)
{
	g_autoptr(GBytes) raw = NULL;
	g_autofree gchar *decoded = NULL;
	g_autofree gchar *display_src = NULL;
	g_autofree gchar *line = NULL;
	gconstpointer data;
	gsize len;

	if (w->capture->len == 0)
		return;
	if (w->proto == MPA_PROTOCOL_IMAP)
		raw = imap_verdict_lines(w->capture->data, w->capture->len);
	else
		raw = g_bytes_new(w->capture->data, w->capture->len);
	data = g_bytes_get_data(raw, &len);
	decoded = mpa_decode_reply(data, len);
	line = last_line(decoded);

	g_mutex_lock(&w->lock);
	if (w->res.reply_raw != NULL)
		g_bytes_unref(w->res.reply_raw);
	w->res.reply_raw = g_bytes_ref(raw);
	g_clear_pointer(&w->res.imap_code, g_free);
	g_clear_pointer(&w->res.enhanced_code, g_free);
	w->res.smtp_code = 0;
	if (w->proto == MPA_PROTOCOL_IMAP) {
		/* The tag is ours, not the server's words: show "NO [CODE] text". */
		g_auto(GStrv) lines = g_strsplit(decoded, "\n", -1);
		GString *s = g_string_new(NULL);

		for (guint i = 0; lines[i] != NULL; i++) {
			gchar *l = g_strchomp(lines[i]);
			const gchar *sp = strchr(l, ' ');

			if (*l == '\0')
				continue;
			if (s->len > 0)
				g_string_append_c(s, '\n');
			if (*l != '*' && *l != '+' && sp != NULL)
				g_string_append(s, sp + 1);
			else
				g_string_append(s, l);
		}
		display_src = g_string_free(s, FALSE);
		w->res.imap_code = imap_code_of(line);
	} else {
		display_src = g_strdup(decoded);
		if (smtp != NULL && smtp->response_code > 0)
			w->res.smtp_code = smtp->response_code;
		else if (g_ascii_isdigit(line[0]) && g_ascii_isdigit(line[1]) && g_ascii_isdigit(line[2]))
			w->res.smtp_code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
		w->res.enhanced_code = enhanced_code_of(line);
	}
	g_free(w->res.reply);
	w->res.reply = mpa_sanitize_display(display_src, DISPLAY_CHARS);
	g_mutex_unlock(&w->lock);
}

/* A reply went over MAX_REPLY_BYTES and the connection was cut, but libetpan may still have
 * parsed it whole from what the kernel had already buffered (a 1 MB greeting ending in CR LF, a
 * huge CAPABILITY inside a LOGIN answer): the command "worked", yet this is a protocol error and
 * the stage ends here.  TRUE after fail(). */
static gboolean
reply_too_long(Worker *w)
{
	if (!w->overflow)
		return FALSE;
	fail(w, MPA_NET_PROTOCOL, g_strdup_printf(_("the server sent a reply longer than %u bytes"),
						  (guint) MAX_REPLY_BYTES));
	return TRUE;
}

/* A read or write failed: was it a silent server, a closed connection or an absurd reply? */
static MpaNetError
classify_io(Worker *w, gchar **detail)
{
	gboolean eof = FALSE;
	int fd;

	if (w->overflow) {
		*detail = g_strdup_printf(_("the server sent a reply longer than %u bytes"),
					  (guint) MAX_REPLY_BYTES);
		return MPA_NET_PROTOCOL;
	}
	g_mutex_lock(&w->lock);
	fd = w->kill_fd;
	if (fd >= 0) {
		char c;
		ssize_t r = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

		eof = (r == 0) || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
	}
	g_mutex_unlock(&w->lock);
	if (!eof && g_get_monotonic_time() - w->io_start >= (gint64) w->idle_s * G_USEC_PER_SEC - 300000) {
		*detail = g_strdup_printf(_("the server did not answer for %u seconds"), w->idle_s);
		return MPA_NET_TIMEOUT;
	}
	*detail = g_strdup(_("the server closed the connection"));
	return MPA_NET_CLOSED;
}

/* ---- connecting ---- */

/* Returns a non-blocking socket, or -1 after fail(). */
static int
tcp_connect(Worker *w)
{
	MpaNetError err;
	gchar *detail = NULL;
	int fd = mpa_net_connect(w->host, w->port,
				 g_get_monotonic_time() + (gint64) w->idle_s * G_USEC_PER_SEC,
				 w->idle_s, w->wake[0], &err, &detail);

	if (fd < 0)
		fail(w, err, detail);
	return fd;
}

/* Makes the socket reachable for the coordinator's shutdown(). */
static gboolean
publish_fd(Worker *w, int fd)
{
	gboolean ok;

	g_mutex_lock(&w->lock);
	ok = !w->abandoned;
	if (ok)
		w->kill_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	g_mutex_unlock(&w->lock);
	return ok;
}

/* Verifies the certificate chain of @stream before any credential goes out. */
static gboolean
verify_stream(Worker *w, mailstream *stream)
{
	gchar *detail = NULL;
	MpaNetError err = mpa_net_verify_stream(stream, w->host, w->ca_file, &detail);

	if (err != MPA_NET_NONE) {
		fail(w, err, detail);
		return FALSE;
	}
	return TRUE;
}

/* A TCP connection, then either a TLS handshake (implicit TLS) or a plain stream. */
static mailstream *
open_stream(Worker *w)
{
	mailstream *stream;
	int fd;

	if (w->security == MPA_SECURITY_PLAIN) {
		/* The password would cross the network readable by anyone on the way: the check does
		 * not even connect. */
		stage_begin(w, MPA_STAGE_TLS);
		fail(w, MPA_NET_STARTTLS_UNSUPPORTED,
		     g_strdup(_("the settings say the connection is not encrypted (neither SSL/TLS nor STARTTLS); the password is not sent unencrypted")));
		return NULL;
	}
	stage_begin(w, MPA_STAGE_CONNECT);
	fd = tcp_connect(w);
	if (fd < 0)
		return NULL;
	if (!publish_fd(w, fd)) {
		close(fd);
		fail(w, MPA_NET_NONE, NULL);
		return NULL;
	}
	stage_end(w, MPA_OUTCOME_OK);

	if (w->security != MPA_SECURITY_SSL) {
		stream = mailstream_socket_open_timeout(fd, w->idle_s);
		if (stream == NULL)
			close(fd);
		return stream;
	}

	stage_begin(w, MPA_STAGE_TLS);
	w->io_start = g_get_monotonic_time();
	stream = mailstream_ssl_open_with_callback_timeout(fd, w->idle_s, mpa_net_sni_callback, w->host);
	if (stream == NULL) {
		gchar *detail = NULL;
		MpaNetError err = classify_io(w, &detail);

		close(fd);
		if (err == MPA_NET_TIMEOUT) {
			fail(w, err, detail);
		} else {
			g_free(detail);
			fail(w, MPA_NET_TLS_HANDSHAKE,
			     g_strdup(_("the TLS handshake failed (the server does not speak TLS on this port, or broke off)")));
		}
		return NULL;
	}
	if (!verify_stream(w, stream)) {
		mailstream_close(stream);
		return NULL;
	}
	stage_end(w, MPA_OUTCOME_OK);
	return stream;
}

/* Scrub the stream's write buffer after a credential went through it. */
static void
wipe_stream_buffer(mailstream *stream)
{
	if (stream != NULL && stream->write_buffer != NULL)
		memset(stream->write_buffer, 0, stream->buffer_max_size);
}

/* The password is wiped as soon as the login is over: the worker itself lives on after its report
 * (LOGOUT, freeing the session), so the caller may be back and scanning memory while it runs
 * (found by tests/test-secrets.sh). */
static void
worker_forget_password(Worker *w)
{
	mpa_secret_free(w->password);
	w->password = NULL;
}

/* Hands the verdict to the coordinator (a copy: the worker keeps its own until it is freed). */
static void
worker_report_done(Worker *w)
{
	Report *rep;

	if (worker_abandoned(w))
		return;
	rep = g_new0(Report, 1);
	rep->done = TRUE;
	g_mutex_lock(&w->lock);
	proto_result_copy(&rep->res, &w->res);
	g_mutex_unlock(&w->lock);
	rep->res.elapsed_us = g_get_monotonic_time() - w->t0;
	report_post(w, rep);
}

/* A failure right after STARTTLS was accepted is a failed handshake, unless the server went
 * silent. */
static void
fail_starttls_io(Worker *w)
{
	gchar *detail = NULL;
	MpaNetError err = classify_io(w, &detail);

	take_reply(w, NULL);
	if (err == MPA_NET_CLOSED && w->capture->len > 0) {
		g_free(detail);
		err = MPA_NET_TLS_HANDSHAKE;
		detail = g_strdup(_("the TLS handshake after STARTTLS failed"));
	}
	fail(w, err, detail);
}

/* STARTTLS was asked for: without the server's offer the check stops here, before any
 * credential, rather than log in over plain text. */
static gboolean
starttls_offered(Worker *w, gboolean offered)
{
	if (!offered)
		fail(w, MPA_NET_STARTTLS_UNSUPPORTED,
		     g_strdup(_("the server does not offer STARTTLS; the password is not sent unencrypted")));
	return offered;
}

/* After the upgrade: the certificate is checked like an implicit-TLS one, before anything else
 * is sent over the new channel. */
static gboolean
starttls_verified(Worker *w, mailstream *stream)
{
	if (!verify_stream(w, stream))
		return FALSE;
	stage_end(w, MPA_OUTCOME_OK);
	return TRUE;
}

static void
worker_succeeded(Worker *w)
{
	g_mutex_lock(&w->lock);
	w->res.outcome = MPA_OUTCOME_OK;
	g_mutex_unlock(&w->lock);
}

/* The end of either protocol's run: the password goes, the verdict goes to the caller. */
static void
worker_finish(Worker *w)
{
	worker_forget_password(w);
	worker_report_done(w);
}

/* ---- IMAP ---- */

static void
imap_fail_io(Worker *w, int r)
{
	gchar *detail = NULL;
	MpaNetError err;

	if (r == MAILIMAP_ERROR_PARSE && !w->overflow && w->capture->len > 0) {
		take_reply(w, NULL);
		fail(w, MPA_NET_PROTOCOL, g_strdup(_("the server's answer could not be understood")));
		return;
	}
	err = classify_io(w, &detail);
	take_reply(w, NULL);
	fail(w, err, detail);
}

static gboolean
imap_is_io_error(int r)
{
	return r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE;
}

/* A command the server answered with NO or BAD: its own words are the reason.  Anything else was
 * the connection failing under it. */
static void
imap_fail_command(Worker *w, int r)
{
	if (imap_is_io_error(r))
		imap_fail_io(w, r);
	else
		fail(w, MPA_NET_NONE, NULL);
}

/* Asks for CAPABILITY unless the session already knows it (most servers list it in the greeting
 * or the LOGIN answer).  A refusal is only fatal when @must_answer: a server that refuses
 * CAPABILITY may still accept LOGIN, but without it STARTTLS cannot be found. */
static gboolean
imap_ensure_capability(Worker *w, mailimap *imap, gboolean must_answer)
{
	struct mailimap_capability_data *caps = NULL;
	int r;

	if (imap->imap_connection_info != NULL && imap->imap_connection_info->imap_capability != NULL)
		return TRUE;
	capture_reset(w);
	r = mailimap_capability(imap, &caps);
	if (caps != NULL)
		mailimap_capability_data_free(caps);
	if (r == MAILIMAP_NO_ERROR || (!must_answer && !imap_is_io_error(r)))
		return TRUE;
	imap_fail_io(w, r);
	return FALSE;
}

/* RFC 3501 6.2.1: what the server said before TLS may have been altered by anyone on the way and
 * must be forgotten.  libetpan keeps it, so LOGINDISABLED or a missing ID seen in clear text
 * would otherwise decide how we log in after TLS. */
static void
imap_forget_capability(mailimap *imap)
{
	if (imap->imap_connection_info != NULL && imap->imap_connection_info->imap_capability != NULL) {
		mailimap_capability_data_free(imap->imap_connection_info->imap_capability);
		imap->imap_connection_info->imap_capability = NULL;
	}
}

static gboolean
imap_starttls(Worker *w, mailimap *imap)
{
	int r;

	stage_begin(w, MPA_STAGE_TLS);
	if (!imap_ensure_capability(w, imap, TRUE))
		return FALSE;
	if (!starttls_offered(w, mailimap_has_extension(imap, "STARTTLS")))
		return FALSE;
	capture_reset(w);
	r = mailimap_socket_starttls_with_callback(imap, mpa_net_sni_callback, w->host);
	if (r != MAILIMAP_NO_ERROR) {
		if (r == MAILIMAP_ERROR_STREAM) {
			fail_starttls_io(w);
		} else if (r == MAILIMAP_ERROR_PARSE) {
			imap_fail_io(w, r);
		} else {
			take_reply(w, NULL);
			fail(w, MPA_NET_NONE, g_strdup(_("the server refused STARTTLS")));
		}
		return FALSE;
	}
	imap_forget_capability(imap);
	return starttls_verified(w, imap->imap_stream);
}

/* Records the server's answer to ID ("name version"), shown like its replies. */
static void
imap_record_id(Worker *w, const char *srv_name, const char *srv_version)
{
	g_autofree gchar *joined = NULL;
	g_autofree gchar *decoded = NULL;

	if (srv_name == NULL && srv_version == NULL)
		return;
	joined = g_strjoin(" ", srv_name ? srv_name : "", srv_version ? srv_version : "", NULL);
	decoded = mpa_decode_reply((const guint8 *) joined, strlen(joined));
	/* the server's own words: escape sequences, bells and invalid UTF-8 must not reach a
	 * terminal or a GTK label as they are */
	g_mutex_lock(&w->lock);
	g_free(w->res.id_answer);
	w->res.id_answer = mpa_sanitize_display(g_strstrip(decoded), DISPLAY_CHARS);
	g_mutex_unlock(&w->lock);
}

/* IMAP ID (RFC 2971), only when offered: some servers drop the connection on commands they do
 * not know.  Records the server's answer; FALSE when the connection failed. */
static gboolean
imap_send_id(Worker *w, mailimap *imap)
{
	char *srv_name = NULL, *srv_version = NULL;
	int r;

	if (!mailimap_has_id(imap))
		return TRUE;
	capture_reset(w);
	r = mailimap_id_basic(imap, "Provider Assistant", MPA_VERSION, &srv_name, &srv_version);
	if (r == MAILIMAP_NO_ERROR)
		imap_record_id(w, srv_name, srv_version);
	free(srv_name);
	free(srv_version);
	/* an answer that does not parse is the server's problem with ID, not with the login */
	if (imap_is_io_error(r) && r != MAILIMAP_ERROR_PARSE) {
		imap_fail_io(w, r);
		return FALSE;
	}
	return TRUE;
}

/* A quoted string must be 7-bit (RFC 3501 4.3; CR and LF never reach here): anything else goes
 * as a literal. */
static gboolean
needs_literal(const gchar *s)
{
	for (; *s != '\0'; s++) {
		if ((guchar) *s >= 0x80)
			return TRUE;
	}
	return FALSE;
}

/* Appends @s to the command being written as a string the server reads byte for byte: quoted
 * when it is 7-bit, else a literal: non-synchronizing with LITERAL+ (no wait), else the
 * synchronizing kind, which waits for the server's "+" (the command so far is flushed; nothing
 * may be pipelined before it). */
static int
imap_string_send(mailimap *imap, const gchar *s, gboolean literal_plus)
{
	mailstream *st = imap->imap_stream;
	gsize n = strlen(s);
	gchar head[32];
	char *line;

	if (!needs_literal(s))
		return mailimap_quoted_send(st, s);
	g_snprintf(head, sizeof head, literal_plus ? "{%" G_GSIZE_FORMAT "+}\r\n" : "{%" G_GSIZE_FORMAT "}\r\n", n);
	if (mailstream_write(st, head, strlen(head)) < 0)
		return MAILIMAP_ERROR_STREAM;
	if (!literal_plus) {
		if (mailstream_flush(st) < 0)
			return MAILIMAP_ERROR_STREAM;
		line = mailimap_read_line(imap);
		if (line == NULL)
			return MAILIMAP_ERROR_STREAM;
		if (line[0] != '+')
			return MAILIMAP_ERROR_LOGIN;      /* refused: its words are in the capture */
	}
	if (mailstream_write(st, s, n) < 0)
		return MAILIMAP_ERROR_STREAM;
	return MAILIMAP_NO_ERROR;
}

/* Reads the tagged answer for @tag (untagged data before it is kept by libetpan).  Returns the
 * condition (MAILIMAP_RESP_COND_STATE_*) or -1 with *r set when reading or parsing failed. */
static int
imap_read_answer(mailimap *imap, int tag, int *r)
{
	struct mailimap_response *response = NULL;
	int saved = imap->imap_tag, cond;

	imap->imap_tag = tag;
	if (mailimap_read_line(imap) == NULL) {
		*r = MAILIMAP_ERROR_STREAM;
	} else {
		*r = mailimap_parse_response(imap, &response);
	}
	imap->imap_tag = saved;
	if (*r != MAILIMAP_NO_ERROR)
		return -1;
	cond = response->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type;
	mailimap_response_free(response);
	return cond;
}

/* The server's ID answer, from what libetpan kept of the last response. */
static void
imap_take_id_answer(Worker *w, mailimap *imap)
{
	const char *name = NULL, *version = NULL;

	if (imap->imap_response_info == NULL || imap->imap_response_info->rsp_extension_list == NULL)
		return;
	for (clistiter *cur = clist_begin(imap->imap_response_info->rsp_extension_list); cur != NULL;
	     cur = clist_next(cur)) {
		struct mailimap_extension_data *ext = clist_content(cur);
		struct mailimap_id_params_list *list;

		if (ext->ext_extension == NULL || ext->ext_extension->ext_id != MAILIMAP_EXTENSION_ID ||
		    ext->ext_data == NULL)
			continue;
		list = ext->ext_data;
		for (clistiter *p = clist_begin(list->idpa_list); p != NULL; p = clist_next(p)) {
			struct mailimap_id_param *param = clist_content(p);

			if (param->idpa_name == NULL || param->idpa_value == NULL)
				continue;
			if (g_ascii_strcasecmp(param->idpa_name, "name") == 0)
				name = param->idpa_value;
			else if (g_ascii_strcasecmp(param->idpa_name, "version") == 0)
				version = param->idpa_value;
		}
	}
	imap_record_id(w, name, version);
}

/* ID and LOGIN in one write, then both answers: one round trip instead of two.  ID is valid in
 * any state (RFC 2971), and sent first so that servers which want it before a mailbox is opened
 * (NetEase) or before the login (Dovecot with imap_id_retain, as the tests' needid user) see it.
 * Returns a libetpan code as mailimap_login() would, or LOGIN_FAILED_IN_ID after a separate ID
 * failed (and said why). */
#define LOGIN_FAILED_IN_ID (-1000)

static int
imap_login(Worker *w, mailimap *imap)
{
	mailstream *st = imap->imap_stream;
	gboolean literal_plus = mailimap_has_extension(imap, "LITERAL+");
	gboolean eight_bit = needs_literal(w->username) || needs_literal(w->password);
	/* a synchronizing literal waits for "+": an ID answer must not come in between */
	gboolean with_id = mailimap_has_id(imap) && (literal_plus || !eight_bit);
	int id_tag = 0, login_tag, r, cond;

	if (mailimap_has_id(imap) && !with_id) {
		if (!imap_send_id(w, imap))
			return LOGIN_FAILED_IN_ID;
		capture_reset(w);
	}
	if (with_id) {
		struct mailimap_id_params_list *list = mailimap_id_params_list_new_empty();

		mailimap_id_params_list_add_name_value(list, strdup("name"), strdup("Provider Assistant"));
		mailimap_id_params_list_add_name_value(list, strdup("version"), strdup(MPA_VERSION));
		r = mailimap_send_current_tag(imap);
		id_tag = imap->imap_tag;
		if (r == MAILIMAP_NO_ERROR)
			r = mailimap_id_send(st, list);
		if (r == MAILIMAP_NO_ERROR)
			r = mailimap_crlf_send(st);
		mailimap_id_params_list_free(list);
		if (r != MAILIMAP_NO_ERROR)
			return r;
	}
	r = mailimap_send_current_tag(imap);
	login_tag = imap->imap_tag;
	if (r == MAILIMAP_NO_ERROR)
		r = mailimap_token_send(st, "LOGIN");
	if (r == MAILIMAP_NO_ERROR)
		r = mailimap_space_send(st);
	if (r == MAILIMAP_NO_ERROR)
		r = imap_string_send(imap, w->username, literal_plus);
	if (r == MAILIMAP_NO_ERROR)
		r = mailimap_space_send(st);
	if (r == MAILIMAP_NO_ERROR)
		r = imap_string_send(imap, w->password, literal_plus);
	if (r == MAILIMAP_NO_ERROR)
		r = mailimap_crlf_send(st);
	if (r == MAILIMAP_NO_ERROR && mailstream_flush(st) < 0)
		r = MAILIMAP_ERROR_STREAM;
	wipe_stream_buffer(st);
	if (r != MAILIMAP_NO_ERROR)
		return r;

	if (with_id) {
		/* a refused or unparsable ID is the server's problem with ID, not with the login */
		cond = imap_read_answer(imap, id_tag, &r);
		if (cond >= 0 || r == MAILIMAP_ERROR_PROTOCOL)
			imap_take_id_answer(w, imap);
		if (r == MAILIMAP_ERROR_STREAM)
			return r;
	}
	cond = imap_read_answer(imap, login_tag, &r);
	if (cond < 0)
		return r;
	if (cond != MAILIMAP_RESP_COND_STATE_OK)
		return MAILIMAP_ERROR_LOGIN;
	imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	return MAILIMAP_NO_ERROR;
}

/* Ends the session without waiting: LOGOUT (or QUIT) is written, the connection closed.  The
 * verdict is known, and the server's goodbye would cost a round trip. */
static void
imap_logout_nowait(mailimap *imap)
{
	if (imap->imap_stream == NULL)
		return;
	if (mailimap_send_current_tag(imap) == MAILIMAP_NO_ERROR &&
	    mailimap_logout_send(imap->imap_stream) == MAILIMAP_NO_ERROR &&
	    mailimap_crlf_send(imap->imap_stream) == MAILIMAP_NO_ERROR)
		mailstream_flush(imap->imap_stream);
}

static void
run_imap(Worker *w)
{
	mailimap *imap = mailimap_new(0, NULL);
	mailstream *stream;
	int r;

	mailimap_set_timeout(imap, w->idle_s);
	mailimap_set_logger(imap, imap_logger, w);

	stream = open_stream(w);
	if (stream == NULL)
		goto out;

	stage_begin(w, MPA_STAGE_GREETING);
	capture_reset(w);
	r = mailimap_connect(imap, stream);
	take_reply(w, NULL);
	if (r == MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION) {
		fail(w, MPA_NET_NONE, g_strdup(_("the server refused the session in its greeting")));
		goto out;
	} else if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED && r != MAILIMAP_NO_ERROR_AUTHENTICATED) {
		imap_fail_io(w, r);
		goto out;
	}
	if (reply_too_long(w))
		goto out;
	stage_end(w, MPA_OUTCOME_OK);
	if (r == MAILIMAP_NO_ERROR_AUTHENTICATED && w->security == MPA_SECURITY_STARTTLS) {
		/* PREAUTH: logged in before any encryption.  STARTTLS is not allowed in that state
		 * (RFC 3501 6.2.1), so the session would stay readable by anyone on the way. */
		stage_begin(w, MPA_STAGE_TLS);
		fail(w, MPA_NET_STARTTLS_UNSUPPORTED,
		     g_strdup(_("the server (or someone in between) greeted with PREAUTH: the session skipped both encryption and login, so it cannot be secured")));
		goto out;
	}

	if (w->security == MPA_SECURITY_STARTTLS && !imap_starttls(w, imap))
		goto out;

	stage_begin(w, MPA_STAGE_AUTH);
	if (!imap_ensure_capability(w, imap, FALSE))
		goto out;
	if (worker_abandoned(w))
		goto out;
	capture_reset(w);
	if (mailimap_has_extension(imap, "LOGINDISABLED")) {
		if (!imap_send_id(w, imap))
			goto out;
		capture_reset(w);
		r = mailimap_authenticate(imap, "PLAIN", w->host, NULL, NULL, w->username, w->username,
					  w->password, NULL);
	} else {
		r = imap_login(w, imap);
		if (r == LOGIN_FAILED_IN_ID)
			goto out;
	}
	wipe_stream_buffer(imap->imap_stream);
	worker_forget_password(w);
	take_reply(w, NULL);
	if (r != MAILIMAP_NO_ERROR) {
		imap_fail_command(w, r);
		goto out;
	}
	if (reply_too_long(w))
		goto out;
	stage_end(w, MPA_OUTCOME_OK);

	if (w->select) {
		stage_begin(w, MPA_STAGE_SELECT);
		capture_reset(w);
		r = mailimap_examine(imap, "INBOX");
		take_reply(w, NULL);
		if (r != MAILIMAP_NO_ERROR) {
			imap_fail_command(w, r);
			goto out;
		}
		if (reply_too_long(w))
			goto out;
		stage_end(w, MPA_OUTCOME_OK);
	}
	worker_succeeded(w);

out:
	/* Log out politely while the server is still talking to us, but without waiting for its
	 * goodbye; then report.  mailimap_free() would wait for a LOGOUT answer itself. */
	if (imap->imap_stream != NULL && w->res.net_error == MPA_NET_NONE && !worker_abandoned(w))
		imap_logout_nowait(imap);
	if (imap->imap_stream != NULL) {
		mailstream_close(imap->imap_stream);
		imap->imap_stream = NULL;
	}
	worker_finish(w);
	mailimap_free(imap);
}

/* ---- SMTP ---- */

static void
smtp_fail_io(Worker *w)
{
	gchar *detail = NULL;
	MpaNetError err = classify_io(w, &detail);

	take_reply(w, NULL);
	fail(w, err, detail);
}

/* Sends one AUTH line (with a secret in it) and reads the answer; returns the reply code, 0 on an
 * I/O failure. */
static int
smtp_send_secret(Worker *w, mailsmtp *smtp, gchar *line)
{
	int r;

	capture_reset(w);
	r = mailsmtp_send_command_private(smtp, line);
	mpa_secret_free(line);
	wipe_stream_buffer(smtp->stream);
	if (r < 0)
		return 0;
	return mailsmtp_read_response(smtp);
}

static gchar *
b64_secret(const guint8 *data, gsize len)
{
	return g_base64_encode(data, len);
}

/* "PREFIX BASE64\r\n" in one exact allocation.  Not g_strdup_printf: glibc's vasprintf grows
 * its buffer and frees the old one unwiped, which left the AUTH PLAIN line in freed memory
 * (found by tests/test-secrets.sh). */
static gchar *
secret_line(const gchar *prefix, const gchar *b64)
{
	gsize p = strlen(prefix), b = strlen(b64);
	gchar *line = g_malloc(p + b + 3);

	memcpy(line, prefix, p);
	memcpy(line + p, b64, b);
	memcpy(line + p + b, "\r\n", 3);
	return line;
}

/* AUTH PLAIN (preferred) or AUTH LOGIN, spoken directly: Cyrus SASL's plugins are not always
 * installed, and this keeps the password in buffers we wipe. */
static int
smtp_auth(Worker *w, mailsmtp *smtp)
{
	gsize ulen = strlen(w->username), plen = strlen(w->password);
	int code;

	if (smtp->auth & MAILSMTP_AUTH_PLAIN) {
		gsize n = 2 + 2 * ulen + plen;
		guint8 *blob = g_malloc(n);
		gchar *b64;

		/* authzid \0 authcid \0 password, with authzid = authcid as libetpan does */
		memcpy(blob, w->username, ulen);
		blob[ulen] = 0;
		memcpy(blob + ulen + 1, w->username, ulen);
		blob[2 * ulen + 1] = 0;
		memcpy(blob + 2 * ulen + 2, w->password, plen);
		b64 = b64_secret(blob, n);
		memset(blob, 0, n);
		g_free(blob);
		code = smtp_send_secret(w, smtp, secret_line("AUTH PLAIN ", b64));
		mpa_secret_free(b64);
		return code;
	}

	/* LOGIN: three exchanges */
	{
		gchar *b64;

		capture_reset(w);
		if (mailsmtp_send_command_private(smtp, (char *) "AUTH LOGIN\r\n") < 0)
			return 0;
		code = mailsmtp_read_response(smtp);
		if (code != 334)
			return code;
		b64 = b64_secret((const guint8 *) w->username, ulen);
		code = smtp_send_secret(w, smtp, secret_line("", b64));
		g_free(b64);
		if (code != 334)
			return code;
		b64 = b64_secret((const guint8 *) w->password, plen);
		code = smtp_send_secret(w, smtp, secret_line("", b64));
		mpa_secret_free(b64);
		return code;
	}
}

static gboolean
smtp_ehlo(Worker *w, mailsmtp *smtp)
{
	int r;

	capture_reset(w);
	r = mailesmtp_ehlo(smtp);
	take_reply(w, smtp);
	if (r == MAILSMTP_NO_ERROR)
		return !reply_too_long(w);
	if (r == MAILSMTP_ERROR_STREAM)
		smtp_fail_io(w);
	else
		fail(w, MPA_NET_NONE, g_strdup(_("the server refused EHLO")));
	return FALSE;
}

static gboolean
smtp_starttls(Worker *w, mailsmtp *smtp)
{
	int r;

	stage_begin(w, MPA_STAGE_TLS);
	if (!starttls_offered(w, (smtp->esmtp & MAILSMTP_ESMTP_STARTTLS) != 0))
		return FALSE;
	capture_reset(w);
	r = mailsmtp_socket_starttls_with_callback(smtp, mpa_net_sni_callback, w->host);
	if (r != MAILSMTP_NO_ERROR) {
		if (r == MAILSMTP_ERROR_STREAM) {
			smtp_fail_io(w);
		} else if (r == MAILSMTP_ERROR_SSL) {
			take_reply(w, smtp);
			fail(w, MPA_NET_TLS_HANDSHAKE, g_strdup(_("the TLS handshake after STARTTLS failed")));
		} else {
			take_reply(w, smtp);
			fail(w, MPA_NET_NONE, g_strdup(_("the server refused STARTTLS")));
		}
		return FALSE;
	}
	return starttls_verified(w, smtp->stream);
}

static void
run_smtp(Worker *w)
{
	mailsmtp *smtp = mailsmtp_new(0, NULL);
	mailstream *stream;
	int r, code;

	mailsmtp_set_timeout(smtp, w->idle_s);
	mailsmtp_set_logger(smtp, smtp_logger, w);

	stream = open_stream(w);
	if (stream == NULL)
		goto out;

	stage_begin(w, MPA_STAGE_GREETING);
	capture_reset(w);
	r = mailsmtp_connect(smtp, stream);
	take_reply(w, smtp);
	if (r != MAILSMTP_NO_ERROR) {
		/* on a failure mailsmtp_connect has closed the stream itself */
		if (r == MAILSMTP_ERROR_STREAM)
			smtp_fail_io(w);
		else
			fail(w, MPA_NET_NONE, g_strdup(_("the server refused the session in its greeting")));
		goto out;
	}
	if (reply_too_long(w) || !smtp_ehlo(w, smtp))
		goto out;
	stage_end(w, MPA_OUTCOME_OK);

	if (w->security == MPA_SECURITY_STARTTLS && !smtp_starttls(w, smtp))
		goto out;

	stage_begin(w, MPA_STAGE_AUTH);
	if (w->security == MPA_SECURITY_STARTTLS && !smtp_ehlo(w, smtp))
		goto out;
	if (!(smtp->auth & (MAILSMTP_AUTH_PLAIN | MAILSMTP_AUTH_LOGIN))) {
		fail(w, MPA_NET_NONE, g_strdup(_("the server offers no password login (AUTH PLAIN or LOGIN)")));
		goto out;
	}
	if (worker_abandoned(w))
		goto out;
	code = smtp_auth(w, smtp);
	worker_forget_password(w);
	take_reply(w, smtp);
	if (code == 0) {
		smtp_fail_io(w);
		goto out;
	}
	if (reply_too_long(w))
		goto out;
	if (code != 235) {
		fail(w, MPA_NET_NONE, NULL);
		goto out;
	}
	stage_end(w, MPA_OUTCOME_OK);
	worker_succeeded(w);

out:
	/* QUIT without waiting for "221" (mailsmtp_free() would wait for it itself) */
	if (smtp->stream != NULL && w->res.net_error == MPA_NET_NONE && !worker_abandoned(w))
		mailsmtp_send_command_private(smtp, (char *) "QUIT\r\n");
	if (smtp->stream != NULL) {
		mailstream_close(smtp->stream);
		smtp->stream = NULL;
	}
	worker_finish(w);
	mailsmtp_free(smtp);
}

static gpointer
worker_thread(gpointer data)
{
	Worker *w = data;
	sigset_t pipe_set;
	gchar *refused;

	/* A write to a socket the server (or our own abandon) has shut down must fail with EPIPE,
	 * not kill the whole program: libetpan and GnuTLS write without MSG_NOSIGNAL.  A blocked
	 * SIGPIPE raised by this thread's write stays pending on this thread only. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
	g_private_set(&thread_is_ours, GINT_TO_POINTER(1));
	w->t0 = g_get_monotonic_time();
	if ((refused = mpa_check_password_problem(w->password)) != NULL) {
		stage_begin(w, MPA_STAGE_AUTH);
		fail(w, MPA_NET_NONE, refused);
		worker_finish(w);
	} else if (w->proto == MPA_PROTOCOL_IMAP) {
		run_imap(w);
	} else {
		run_smtp(w);
	}
	worker_unref(w);
	return NULL;
}

static Worker *
worker_new(const MpaCheckRequest *req, MpaProtocol proto, GMainContext *context)
{
	Worker *w = g_new0(Worker, 1);

	w->ref = 1;
	w->proto = proto;
	w->host = g_strdup(req->server[proto].host);
	w->port = req->server[proto].port;
	w->security = req->server[proto].security;
	w->username = g_strdup(req->server[proto].username ? req->server[proto].username
			       : req->address ? req->address : "");
	if (proto == MPA_PROTOCOL_SMTP && req->smtp_password)
		w->password = g_strdup(req->smtp_password);
	else
		w->password = g_strdup(req->password ? req->password : "");
	w->ca_file = g_strdup(req->ca_file);
	w->idle_s = MAX(1, (req->idle_ms + 999) / 1000);
	w->select = req->select;
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
static void
worker_abandon(Worker *w)
{
	g_mutex_lock(&w->lock);
	w->abandoned = TRUE;
	if (w->kill_fd >= 0)
		shutdown(w->kill_fd, SHUT_RDWR);
	if (w->wake[1] >= 0) {
		/* the pipe only has to become readable once; a full pipe is just as good */
		ssize_t r = write(w->wake[1], "x", 1);

		(void) r;
	}
	g_mutex_unlock(&w->lock);
}

/* ---- the coordinator ---- */

static void
op_finish(Op *op, MpaOutcome unfinished, MpaNetError net)
{
	for (guint i = 0; i < 2; i++) {
		Worker *w = op->workers[i];
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
	g_task_return_pointer(op->task, op->result, (GDestroyNotify) mpa_check_result_free);
	g_object_unref(op->task);
	g_main_context_unref(op->context);
	g_free(op);
}

static void
op_worker_done(Op *op, Worker *w, MpaProtoResult *res)
{
	MpaProtoResult *dst = w->proto == MPA_PROTOCOL_IMAP ? &op->result->imap : &op->result->smtp;

	proto_result_clear(dst);
	*dst = *res;
	memset(res, 0, sizeof *res);
	op->done[w->proto] = TRUE;
	if ((op->workers[0] == NULL || op->done[0]) && (op->workers[1] == NULL || op->done[1]))
		op_finish(op, MPA_OUTCOME_OK, MPA_NET_NONE);
}

static gboolean
on_deadline(gpointer data)
{
	op_finish(data, MPA_OUTCOME_FAILED, MPA_NET_TIMEOUT);
	return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled(GCancellable *cancellable, gpointer data)
{
	op_finish(data, MPA_OUTCOME_CANCELLED, MPA_NET_NONE);
	return G_SOURCE_REMOVE;
}

static gboolean
on_nothing_to_do(gpointer data)
{
	op_finish(data, MPA_OUTCOME_SKIPPED, MPA_NET_NONE);
	return G_SOURCE_REMOVE;
}

void
mpa_check_run_async(const MpaCheckRequest *req, GCancellable *cancellable,
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
		Worker *w;
		GThread *thread;

		if (req->server[i].host == NULL)
			continue;
		w = worker_new(req, i, op->context);
		w->op = op;
		op->workers[i] = w;
		any = TRUE;
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

MpaCheckResult *
mpa_check_finish(GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
	return g_task_propagate_pointer(G_TASK(result), error);
}

typedef struct {
	GMainLoop *loop;
	MpaCheckResult *result;
} SyncData;

static void
sync_done(GObject *source, GAsyncResult *res, gpointer data)
{
	SyncData *sd = data;

	sd->result = mpa_check_finish(res, NULL);
	g_main_loop_quit(sd->loop);
}

MpaCheckResult *
mpa_check_run_sync(const MpaCheckRequest *req, GCancellable *cancellable)
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
