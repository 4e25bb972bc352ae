/* Provider Assistant — recognising Claws Mail's own log lines about failed logins.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include "pa-loglines.h"

/* How many "Connecting" lines are remembered: enough for every account connecting at startup. */
#define MAX_CONNECTIONS 32
/* A failure this close to one I/O timeout after its "Connecting" line is that timeout. */
#define TIMEOUT_SLACK_US (2 * G_USEC_PER_SEC)
/* Claws' own TLS handshake (SMTP, POP3; common/ssl.c) is given up after 30 s, shorter or longer
 * I/O timeout alike; IMAP's (libetpan) after the I/O timeout. */
#define CLAWS_TLS_LIMIT_US (30 * G_USEC_PER_SEC)
/* A hang-up this soon after connecting, with no reply in between, is a refusal to talk. */
#define EARLY_CLOSE_US (5 * G_USEC_PER_SEC)

typedef struct {
	MpaPaLogService service;
	gchar *account_name;
	gchar *host;
	guint port;
	gint64 at; /* when the line was logged */
} Connection;

struct _MpaPaLogWatch {
	GRegex *prefix; /* Claws' "[2026-01-02 03:04:05] " time stamp */
	GRegex *imap_connecting;
	GRegex *smtp_connecting;
	GRegex *imap_login_error;
	GRegex *smtp_auth_failed;
	GRegex *smtp_send_failed;
	GRegex *pop3_connecting;
	GRegex *imap_stream_error;
	GRegex *imap_refused;
	gchar *tls_failed;
	gchar *session_timed_out;
	gchar *pop3_auth_error;
	gchar *oauth2_no_token;
	gchar *oauth2_no_code;
	gint64 oauth2_problem_at; /* Claws' last "no OAuth2 token" line; 0: none pending */
	GQueue connections;       /* of Connection*, newest first */
	gchar *last_imap_reply;
	gchar *last_smtp_reply;
	gchar *last_pop3_reply;
	gint64 last_imap_reply_at;
	gint64 io_timeout_us;
	gint imap_login;     /* 0 none; 1 "IMAP> Logging" seen; 2 and then its answer */
	gboolean login_seen; /* a successful login waits for mpa_pa_log_watch_take_login() */
	MpaPaLogService login_service;
	gchar *login_account, *login_host;
};

MpaProtocol mpa_pa_log_service_side(MpaPaLogService service)
{
	return service == MPA_PA_LOG_SMTP ? MPA_PROTOCOL_SMTP : MPA_PROTOCOL_IMAP;
}

static void connection_free(gpointer data)
{
	Connection *c = data;

	g_free(c->account_name);
	g_free(c->host);
	g_free(c);
}

/* A printf format with %s / %d becomes an anchored regex with one group per conversion. */
static GRegex *regex_from_format(const gchar *format)
{
	g_autoptr(GString) re = g_string_new("^");
	const gchar *p = format;

	while (*p) {
		const gchar *pct = strchr(p, '%');
		if (!pct) {
			g_autofree gchar *lit = g_regex_escape_string(p, -1);
			g_string_append(re, lit);
			break;
		}
		if (pct > p) {
			g_autofree gchar *lit = g_regex_escape_string(p, pct - p);
			g_string_append(re, lit);
		}
		switch (pct[1]) {
		case 's':
			g_string_append(re, "(.*?)");
			break;
		case 'd':
			g_string_append(re, "([0-9]+)");
			break;
		case '%':
			g_string_append(re, "%");
			break;
		default:
			/* Unknown conversion (a translation we do not understand): match anything. */
			g_string_append(re, ".*?");
			if (pct[1] == '\0')
				p = pct + 1;
			break;
		}
		if (pct[1] == '\0')
			break;
		p = pct + 2;
	}
	g_string_append(re, "$");
	return g_regex_new(re->str, G_REGEX_DOTALL, 0, NULL);
}

/* Claws builds its IMAP errors as g_strconcat("IMAP error on %s:", " ", @what): one regex. */
static GRegex *imap_error_regex(const MpaPaLogFormats *formats, const gchar *what)
{
	g_autofree gchar *format = g_strconcat(formats->imap_error ? formats->imap_error
								   : "IMAP error on %s:",
					       " ", what, NULL);

	return regex_from_format(format);
}

MpaPaLogWatch *mpa_pa_log_watch_new(const MpaPaLogFormats *formats)
{
	MpaPaLogWatch *w = g_new0(MpaPaLogWatch, 1);
	const MpaPaLogFormats none = { 0 };

	if (!formats)
		formats = &none;
#define FMT(member, english) (formats->member ? formats->member : (english))
	w->prefix = g_regex_new("^\\[[0-9][0-9 :.-]*\\] ", 0, 0, NULL);
	w->imap_connecting = regex_from_format(
		FMT(imap_connecting, "Account '%s': Connecting to IMAP server: %s:%d..."));
	w->smtp_connecting = regex_from_format(
		FMT(smtp_connecting, "Account '%s': Connecting to SMTP server: %s:%d..."));
	w->imap_login_error = imap_error_regex(formats, FMT(login_error, "LOGIN error"));
	w->smtp_auth_failed = regex_from_format(
		FMT(smtp_auth_failed, "Authentication failed:\n%s"));
	w->smtp_send_failed = regex_from_format(
		FMT(smtp_send_failed, "Error occurred while sending the message:\n%s"));
	w->pop3_connecting = regex_from_format(
		FMT(pop3_connecting, "Account '%s': Connecting to POP3 server: %s:%d..."));
	w->imap_stream_error = imap_error_regex(formats, FMT(stream_error, "stream error"));
	w->imap_refused = imap_error_regex(formats, FMT(connection_refused, "connection refused"));
	w->tls_failed = g_strdup(FMT(tls_failed, "TLS handshake failed"));
	g_strchomp(w->tls_failed); /* compared with a line whose newline is gone */
	w->session_timed_out = g_strdup(FMT(session_timed_out,
					    "Session timed out. You may be able to recover by increasing the timeout value in "
					    "Preferences/Other/Miscellaneous."));
	w->pop3_auth_error = g_strdup(FMT(pop3_auth_error, "error occurred on authentication"));
	g_strchomp(w->pop3_auth_error);
	/* Claws' oauth2.c, before it logs in with an OAuth2 account (LOG_PROTOCOL lines) */
	w->oauth2_no_token = g_strdup(FMT(oauth2_no_token, "OAuth2 access token not obtained"));
	g_strchomp(w->oauth2_no_token);
	w->oauth2_no_code = g_strdup(FMT(oauth2_no_code, "OAuth2 missing authorization code"));
	g_strchomp(w->oauth2_no_code);
#undef FMT
	g_queue_init(&w->connections);
	w->io_timeout_us = 60 * G_USEC_PER_SEC;
	return w;
}

void mpa_pa_log_watch_free(MpaPaLogWatch *w)
{
	if (!w)
		return;
	g_regex_unref(w->prefix);
	g_clear_pointer(&w->imap_connecting, g_regex_unref);
	g_clear_pointer(&w->smtp_connecting, g_regex_unref);
	g_clear_pointer(&w->imap_login_error, g_regex_unref);
	g_clear_pointer(&w->smtp_auth_failed, g_regex_unref);
	g_clear_pointer(&w->smtp_send_failed, g_regex_unref);
	g_clear_pointer(&w->pop3_connecting, g_regex_unref);
	g_clear_pointer(&w->imap_stream_error, g_regex_unref);
	g_clear_pointer(&w->imap_refused, g_regex_unref);
	g_free(w->tls_failed);
	g_free(w->session_timed_out);
	g_free(w->pop3_auth_error);
	g_free(w->oauth2_no_token);
	g_free(w->oauth2_no_code);
	g_queue_clear_full(&w->connections, connection_free);
	g_free(w->last_imap_reply);
	g_free(w->last_smtp_reply);
	g_free(w->last_pop3_reply);
	g_free(w->login_account);
	g_free(w->login_host);
	g_free(w);
}

void mpa_pa_log_failure_free(MpaPaLogFailure *f)
{
	if (!f)
		return;
	g_free(f->account_name);
	g_free(f->host);
	g_free(f->reply);
	g_free(f);
}

static gboolean match(GRegex *re, const gchar *text, gchar **g1, gchar **g2, gchar **g3)
{
	g_autoptr(GMatchInfo) mi = NULL;

	if (!re || !g_regex_match(re, text, 0, &mi))
		return FALSE;
	if (g1)
		*g1 = g_match_info_fetch(mi, 1);
	if (g2)
		*g2 = g_match_info_fetch(mi, 2);
	if (g3)
		*g3 = g_match_info_fetch(mi, 3);
	return TRUE;
}

void mpa_pa_log_watch_set_io_timeout(MpaPaLogWatch *w, guint seconds)
{
	g_return_if_fail(w != NULL);
	w->io_timeout_us = (gint64)MAX(seconds, 1) * G_USEC_PER_SEC;
}

static void remember_connection(MpaPaLogWatch *w, MpaPaLogService service, gchar *account,
				gchar *host,
				gchar *port, gint64 now)
{
	Connection *c = g_new0(Connection, 1);

	c->service = service;
	c->at = now;
	c->account_name = account;
	c->host = g_ascii_strdown(host, -1);
	c->port = (guint)g_ascii_strtoull(port, NULL, 10);
	g_free(host);
	g_free(port);
	g_queue_push_head(&w->connections, c);
	while (g_queue_get_length(&w->connections) > MAX_CONNECTIONS)
		connection_free(g_queue_pop_tail(&w->connections));
	/* A new session: replies seen before belong to an older one. */
	if (service == MPA_PA_LOG_SMTP)
		g_clear_pointer(&w->last_smtp_reply, g_free);
	if (service == MPA_PA_LOG_POP3)
		g_clear_pointer(&w->last_pop3_reply, g_free);
}

static const Connection *find_connection(MpaPaLogWatch *w, MpaPaLogService service,
					 const gchar *host);

static void note_login(MpaPaLogWatch *w, MpaPaLogService service)
{
	const Connection *c = find_connection(w, service, NULL);

	w->login_seen = TRUE;
	w->login_service = service;
	g_free(w->login_account);
	g_free(w->login_host);
	w->login_account = c ? g_strdup(c->account_name) : NULL;
	w->login_host = c ? g_strdup(c->host) : NULL;
}

gboolean mpa_pa_log_watch_take_login(MpaPaLogWatch *w, MpaPaLogService *service,
				     gchar **account_name, gchar **host)
{
	g_return_val_if_fail(w != NULL, FALSE);
	if (!w->login_seen)
		return FALSE;
	w->login_seen = FALSE;
	if (service)
		*service = w->login_service;
	if (account_name)
		*account_name = g_steal_pointer(&w->login_account);
	if (host)
		*host = g_steal_pointer(&w->login_host);
	g_clear_pointer(&w->login_account, g_free);
	g_clear_pointer(&w->login_host, g_free);
	return TRUE;
}

/* Newest connection of @service, to @host when given. */
static const Connection *find_connection(MpaPaLogWatch *w, MpaPaLogService service,
					 const gchar *host)
{
	for (GList *l = w->connections.head; l; l = l->next) {
		const Connection *c = l->data;
		if (c->service != service)
			continue;
		if (host && g_ascii_strcasecmp(c->host, host) != 0)
			continue;
		return c;
	}
	return NULL;
}

static MpaPaLogFailure *make_failure(MpaPaLogWatch *w, MpaPaLogService service, MpaStage stage,
				     const gchar *host,
				     const gchar *reply)
{
	MpaPaLogFailure *f = g_new0(MpaPaLogFailure, 1);
	const Connection *c = find_connection(w, service, host);

	f->service = service;
	f->stage = stage;
	if (c) {
		f->account_name = g_strdup(c->account_name);
		f->host = g_strdup(c->host);
		f->port = c->port;
	} else {
		f->host = host ? g_ascii_strdown(host, -1) : NULL;
	}
	f->reply = (reply && *reply) ? g_strdup(reply) : NULL;
	return f;
}

/* A failure of connection @c: the service, account and host are the connection's. */
static MpaPaLogFailure *connection_failure(const Connection *c, MpaStage stage, MpaNetError err)
{
	MpaPaLogFailure *f = g_new0(MpaPaLogFailure, 1);

	f->service = c->service;
	f->stage = stage;
	f->net_error = err;
	f->account_name = g_strdup(c->account_name);
	f->host = g_strdup(c->host);
	f->port = c->port;
	return f;
}

/* A connection that failed. */
static MpaPaLogFailure *net_failure(const Connection *c, MpaNetError err)
{
	return connection_failure(c, MPA_STAGE_CONNECT, err);
}

/* A stream error or failed handshake of connection @c, logged at @now: one I/O timeout after the
 * connection began, the server did not answer; within seconds and before any reply, it hung up
 * (a failed TLS handshake when @tls); otherwise a session that broke later, not ours to explain. */
static MpaPaLogFailure *timed_failure(MpaPaLogWatch *w, const Connection *c, gboolean tls,
				      gint64 now)
{
	gint64 elapsed = now - c->at;
	gint64 limit = w->io_timeout_us;

	if (c->service == MPA_PA_LOG_POP3)
		return NULL;
	if (tls && c->service == MPA_PA_LOG_SMTP)
		limit = CLAWS_TLS_LIMIT_US; /* measured: 30.8 s with an I/O timeout of 4 s */
	if (elapsed >= limit - TIMEOUT_SLACK_US && elapsed <= limit + 3 * TIMEOUT_SLACK_US)
		return net_failure(c, MPA_NET_TIMEOUT);
	if (tls && elapsed < limit - TIMEOUT_SLACK_US)
		return net_failure(c, MPA_NET_TLS_HANDSHAKE);
	if (elapsed < EARLY_CLOSE_US && (c->service != MPA_PA_LOG_IMAP || w->last_imap_reply_at < c->at))
		return net_failure(c, MPA_NET_CLOSED);
	return NULL;
}

/* A "no OAuth2 token" line came shortly before this refused login (one I/O timeout at most, as
 * the login follows it at once); it is used up by the one refusal it explains. */
static gboolean oauth2_pending(MpaPaLogWatch *w, gint64 now)
{
	gboolean pending = w->oauth2_problem_at != 0 &&
		now - w->oauth2_problem_at <= w->io_timeout_us + TIMEOUT_SLACK_US;

	w->oauth2_problem_at = 0;
	return pending;
}

MpaPaLogFailure *mpa_pa_log_watch_feed(MpaPaLogWatch *w, const gchar *text)
{
	return mpa_pa_log_watch_feed_at(w, text, g_get_monotonic_time());
}

MpaPaLogFailure *mpa_pa_log_watch_feed_at(MpaPaLogWatch *w, const gchar *text, gint64 now)
{
	g_autofree gchar *line = NULL;
	gchar *a = NULL, *b = NULL, *c = NULL;
	gsize len;

	g_return_val_if_fail(w != NULL, NULL);
	if (!text)
		return NULL;

	line = g_regex_replace_literal(w->prefix, text, -1, 0, "", G_REGEX_MATCH_ANCHORED, NULL);
	if (!line)
		return NULL;
	len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';

	/* The answer to a LOGIN that Claws did not follow with its error lines ("IMAP error on HOST:
	 * LOGIN error", "IMAP< Error logging in to HOST"): a login. */
	if (w->imap_login == 2) {
		w->imap_login = 0;
		if (!g_str_has_prefix(line, "IMAP< Error logging in to ") &&
		    !g_str_has_prefix(line, "IMAP error on ") &&
		    !match(w->imap_login_error, line, NULL, NULL, NULL))
			note_login(w, MPA_PA_LOG_IMAP);
	}
	if (g_str_has_prefix(line, "IMAP> Logging ")) {
		w->imap_login = 1;
		return NULL;
	}
	if (g_str_has_prefix(line, "IMAP< Error logging in to "))
		w->imap_login = 0;
	else if (w->imap_login == 1 && g_str_has_prefix(line, "IMAP< "))
		w->imap_login = 2;
	if (g_str_has_prefix(line, "ESMTP< ") || g_str_has_prefix(line, "SMTP< ")) {
		const gchar *r = strchr(line, ' ') + 1;

		/* 235: authentication succeeded (RFC 4954) */
		if (g_str_has_prefix(r, "235") && (r[3] == ' ' || r[3] == '\0'))
			note_login(w, MPA_PA_LOG_SMTP);
	}
	if (g_str_has_prefix(line, "IMAP< ")) {
		/* Claws' own follow-up line after a failed login is not the server's. */
		if (!g_str_has_prefix(line, "IMAP< Error logging in to ")) {
			g_free(w->last_imap_reply);
			w->last_imap_reply = g_strdup(line + 6);
		}
		w->last_imap_reply_at = now;
		return NULL;
	}
	if (g_str_has_prefix(line, "POP< ")) {
		g_free(w->last_pop3_reply);
		w->last_pop3_reply = g_strdup(line + 5);
		return NULL;
	}
	if (g_str_has_prefix(line, "ESMTP< ") || g_str_has_prefix(line, "SMTP< ")) {
		g_free(w->last_smtp_reply);
		w->last_smtp_reply = g_strdup(strchr(line, ' ') + 1);
		return NULL;
	}
	if (match(w->imap_connecting, line, &a, &b, &c)) {
		remember_connection(w, MPA_PA_LOG_IMAP, a, b, c, now);
		return NULL;
	}
	if (match(w->smtp_connecting, line, &a, &b, &c)) {
		remember_connection(w, MPA_PA_LOG_SMTP, a, b, c, now);
		return NULL;
	}
	if (match(w->pop3_connecting, line, &a, &b, &c)) {
		remember_connection(w, MPA_PA_LOG_POP3, a, b, c, now);
		return NULL;
	}
	if (match(w->imap_refused, line, &a, NULL, NULL)) {
		/* libetpan says "refused" for every failed connect(): an unknown host name, a refusal,
		 * and after a whole I/O timeout a host that never answered (packets dropped). */
		const Connection *conn = find_connection(w, MPA_PA_LOG_IMAP, a);

		g_free(a);
		if (!conn)
			return NULL;
		if (now - conn->at >= w->io_timeout_us - TIMEOUT_SLACK_US)
			return net_failure(conn, MPA_NET_TIMEOUT);
		return net_failure(conn, MPA_NET_REFUSED);
	}
	if (match(w->imap_stream_error, line, &a, NULL, NULL)) {
		const Connection *conn = find_connection(w, MPA_PA_LOG_IMAP, a);

		g_free(a);
		return conn ? timed_failure(w, conn, FALSE, now) : NULL;
	}
	if (strcmp(line, w->tls_failed) == 0) {
		/* No host in this line: it is the newest connection's, of whichever protocol. */
		const Connection *conn = g_queue_peek_head(&w->connections);

		return conn ? timed_failure(w, conn, TRUE, now) : NULL;
	}
	if (strcmp(line, w->session_timed_out) == 0) {
		/* POP3 and SMTP sessions log the same words: only the newer of the two is meant. */
		const Connection *conn = NULL;

		for (GList *l = w->connections.head; l && !conn; l = l->next) {
			const Connection *x = l->data;

			if (x->service != MPA_PA_LOG_IMAP)
				conn = x;
		}
		return (conn && conn->service == MPA_PA_LOG_SMTP) ? net_failure(conn, MPA_NET_TIMEOUT) : NULL;
	}
	if (strcmp(line, w->pop3_auth_error) == 0) {
		/* The newest POP3 session's: Claws logs it right after that server's "-ERR". */
		const Connection *conn = find_connection(w, MPA_PA_LOG_POP3, NULL);
		MpaPaLogFailure *f;

		if (!conn)
			return NULL;
		f = connection_failure(conn, MPA_STAGE_AUTH, MPA_NET_NONE);
		f->reply = g_steal_pointer(&w->last_pop3_reply);
		return f;
	}
	if (strcmp(line, w->oauth2_no_token) == 0 || strcmp(line, w->oauth2_no_code) == 0) {
		/* Claws then logs in anyway, without a token: the refusal that follows is this */
		w->oauth2_problem_at = now;
		return NULL;
	}
	if (match(w->imap_login_error, line, &a, NULL, NULL)) {
		MpaPaLogFailure *f = make_failure(w, MPA_PA_LOG_IMAP, MPA_STAGE_AUTH, a,
						  w->last_imap_reply);
		g_free(a);
		g_clear_pointer(&w->last_imap_reply, g_free);
		f->oauth2 = oauth2_pending(w, now);
		return f;
	}
	if (match(w->smtp_auth_failed, line, &a, NULL, NULL)) {
		MpaPaLogFailure *f = make_failure(w, MPA_PA_LOG_SMTP, MPA_STAGE_AUTH, NULL,
						  *a ? a : w->last_smtp_reply);
		g_free(a);
		f->oauth2 = oauth2_pending(w, now);
		return f;
	}
	if (match(w->smtp_send_failed, line, &a, NULL, NULL)) {
		MpaPaLogFailure *f = make_failure(w, MPA_PA_LOG_SMTP, MPA_STAGE_SEND, NULL,
						  *a ? a : w->last_smtp_reply);
		g_free(a);
		return f;
	}
	return NULL;
}
