/* Provider Assistant — connection check: a worker's session glue.  Connecting (TCP through
 * mpa-net.c, implicit TLS or a plain stream for STARTTLS), the certificate and TLS version before
 * any credential, and what the server said: the bytes received since the last command, kept
 * exact and bounded, and read with the one reply parser (mpa-reply.c).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <libetpan/libetpan.h>

#include "mpa-check-private.h"
#include "mpa-text.h"
#include "mpa-net.h"
#include "mpa-reply.h"

/* ---- what the server said ---- */

void mpa_worker_capture_reset(MpaWorker *w)
{
	g_byte_array_set_size(w->capture, 0);
	/* w->overflow stays: the connection was cut, whatever libetpan still had buffered */
	w->io_start = g_get_monotonic_time();
}

/* libetpan's per-session logger: sees every byte received (after TLS decryption).  Sent data is
 * ignored on purpose, so the password never reaches our buffers through here. */
void mpa_worker_capture_bytes(MpaWorker *w, int log_type, const char *str, size_t size)
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
	g_byte_array_append(w->capture, (const guint8 *)str, size);
}

/* IMAP: the lines that carry the server's verdict in its own words, exact bytes: the final line
 * (tagged, or the greeting) and any untagged NO / BAD / BYE before it.  Data lines (FLAGS,
 * EXISTS...) are left out. */
static GBytes *imap_verdict_lines(const guint8 *data, gsize len)
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
		    (end - start > 4 && (g_ascii_strncasecmp((const gchar *)data + start, "* NO", 4) == 0 || g_ascii_strncasecmp((const gchar *)data + start, "* BAD", 5) == 0 || g_ascii_strncasecmp((const gchar *)data + start, "* BYE", 5) == 0)))
			g_byte_array_append(out, data + start, end - start);
		start = end;
	}
	return g_byte_array_free_to_bytes(out);
}

/* Records what the server last said: exact bytes, display text and codes. */
void mpa_worker_take_reply(MpaWorker *w, mailsmtp *smtp)
{
	g_autoptr(GBytes) raw = NULL;
	g_autofree gchar *decoded = NULL;
	g_autofree gchar *display_src = NULL;
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
		/* the one parser the diagnosis uses too (mpa-reply.c) */
		w->res.imap_code = mpa_reply_imap_code(decoded);
	} else {
		guint code = 0;

		display_src = g_strdup(decoded);
		mpa_reply_smtp(decoded, &code, &w->res.enhanced_code);
		/* libetpan's own reading of the code, when it got that far, else the parser's */
		w->res.smtp_code = smtp != NULL && smtp->response_code > 0 ? (guint)smtp->response_code : code;
	}
	g_free(w->res.reply);
	w->res.reply = mpa_sanitize_display(display_src, DISPLAY_CHARS);
	g_mutex_unlock(&w->lock);
}

/* A reply went over MAX_REPLY_BYTES and the connection was cut, but libetpan may still have
 * parsed it whole from what the kernel had already buffered (a 1 MB greeting ending in CR LF, a
 * huge CAPABILITY inside a LOGIN answer): the command "worked", yet this is a protocol error and
 * the stage ends here.  TRUE after mpa_worker_fail(). */
gboolean mpa_worker_reply_too_long(MpaWorker *w)
{
	if (!w->overflow)
		return FALSE;
	mpa_worker_fail(w, MPA_NET_PROTOCOL, g_strdup_printf(_("the server sent a reply longer than %u bytes"), (guint)MAX_REPLY_BYTES));
	return TRUE;
}

/* A read or write failed: was it a silent server, a closed connection or an absurd reply? */
MpaNetError mpa_worker_classify_io(MpaWorker *w, gchar **detail)
{
	gboolean eof = FALSE;
	int fd;

	if (w->overflow) {
		*detail = g_strdup_printf(_("the server sent a reply longer than %u bytes"),
					  (guint)MAX_REPLY_BYTES);
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
	if (!eof && g_get_monotonic_time() - w->io_start >= (gint64)w->idle_s * G_USEC_PER_SEC - 300000) {
		*detail = g_strdup_printf(_("the server did not answer for %u seconds"), w->idle_s);
		return MPA_NET_TIMEOUT;
	}
	*detail = g_strdup(_("the server closed the connection"));
	return MPA_NET_CLOSED;
}

/* ---- connecting ---- */

/* Returns a non-blocking socket, or -1 after mpa_worker_fail(). */
static int tcp_connect(MpaWorker *w)
{
	MpaNetError err;
	gchar *detail = NULL;
	int fd = mpa_net_connect(w->host, w->port,
				 g_get_monotonic_time() + (gint64)w->idle_s * G_USEC_PER_SEC,
				 w->idle_s, w->wake[0], &err, &detail);

	if (fd < 0)
		mpa_worker_fail(w, err, detail);
	return fd;
}

/* Makes the socket reachable for the coordinator's shutdown(). */
static gboolean publish_fd(MpaWorker *w, int fd)
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
static gboolean verify_stream(MpaWorker *w, mailstream *stream)
{
	gchar *detail = NULL;
	MpaNetError err = mpa_net_verify_stream(stream, w->host, w->ca_file, &detail);

	if (err != MPA_NET_NONE) {
		mpa_worker_fail(w, err, detail);
		return FALSE;
	}
	return TRUE;
}

/* A TCP connection, then either a TLS handshake (implicit TLS) or a plain stream. */
mailstream *mpa_worker_open_stream(MpaWorker *w)
{
	mailstream *stream;
	int fd;

	if (w->security == MPA_SECURITY_PLAIN) {
		/* The password would cross the network readable by anyone on the way: the check does
		 * not even connect. */
		mpa_worker_stage_begin(w, MPA_STAGE_TLS);
		mpa_worker_fail(w, MPA_NET_UNENCRYPTED,
				g_strdup(_("the settings say the connection is not encrypted (neither SSL/TLS nor STARTTLS); the password is not sent unencrypted")));
		return NULL;
	}
	mpa_worker_stage_begin(w, MPA_STAGE_CONNECT);
	fd = tcp_connect(w);
	if (fd < 0)
		return NULL;
	if (!publish_fd(w, fd)) {
		close(fd);
		mpa_worker_fail(w, MPA_NET_NONE, NULL);
		return NULL;
	}
	mpa_worker_stage_end(w, MPA_OUTCOME_OK);

	if (w->security != MPA_SECURITY_SSL) {
		stream = mailstream_socket_open_timeout(fd, w->idle_s);
		if (stream == NULL)
			close(fd);
		return stream;
	}

	mpa_worker_stage_begin(w, MPA_STAGE_TLS);
	w->io_start = g_get_monotonic_time();
	stream = mailstream_ssl_open_with_callback_timeout(fd, w->idle_s, mpa_net_sni_callback, w->host);
	if (stream == NULL) {
		gchar *detail = NULL;
		MpaNetError err = mpa_worker_classify_io(w, &detail);

		close(fd);
		if (err == MPA_NET_TIMEOUT) {
			mpa_worker_fail(w, err, detail);
		} else {
			g_free(detail);
			mpa_worker_fail(w, MPA_NET_TLS_HANDSHAKE,
					g_strdup(_("the TLS handshake failed (the server does not speak TLS on this port, or broke off)")));
		}
		return NULL;
	}
	if (!verify_stream(w, stream)) {
		mailstream_close(stream);
		return NULL;
	}
	mpa_worker_stage_end(w, MPA_OUTCOME_OK);
	return stream;
}

/* Scrub the stream's write buffer after a credential went through it. */
void mpa_wipe_stream_buffer(mailstream *stream)
{
	if (stream != NULL && stream->write_buffer != NULL)
		memset(stream->write_buffer, 0, stream->buffer_max_size);
}

/* A failure right after STARTTLS was accepted is a failed handshake, unless the server went
 * silent. */
void mpa_worker_fail_starttls_io(MpaWorker *w)
{
	gchar *detail = NULL;
	MpaNetError err = mpa_worker_classify_io(w, &detail);

	mpa_worker_take_reply(w, NULL);
	if (err == MPA_NET_CLOSED && w->capture->len > 0) {
		g_free(detail);
		err = MPA_NET_TLS_HANDSHAKE;
		detail = g_strdup(_("the TLS handshake after STARTTLS failed"));
	}
	mpa_worker_fail(w, err, detail);
}

/* STARTTLS was asked for: without the server's offer the check stops here, before any
 * credential, rather than log in over plain text. */
gboolean mpa_worker_starttls_offered(MpaWorker *w, gboolean offered)
{
	if (!offered)
		mpa_worker_fail(w, MPA_NET_STARTTLS_UNSUPPORTED,
				g_strdup(_("the server does not offer STARTTLS; the password is not sent unencrypted")));
	return offered;
}

/* After the upgrade: the certificate is checked like an implicit-TLS one, before anything else
 * is sent over the new channel. */
gboolean mpa_worker_starttls_verified(MpaWorker *w, mailstream *stream)
{
	if (!verify_stream(w, stream))
		return FALSE;
	mpa_worker_stage_end(w, MPA_OUTCOME_OK);
	return TRUE;
}
