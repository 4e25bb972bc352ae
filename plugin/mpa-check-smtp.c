/* Provider Assistant — connection check: the SMTP dialogue (greeting, EHLO, STARTTLS, AUTH
 * PLAIN or LOGIN spoken directly, QUIT without waiting).
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

/* Exported by libetpan 1.9 but missing from its headers: the raw SMTP command primitives, used to
 * speak AUTH PLAIN / LOGIN without Cyrus SASL. */
int mailsmtp_send_command_private(mailsmtp *session, char *command);
int mailsmtp_read_response(mailsmtp *session);

/* ---- SMTP ---- */

/* libetpan's per-session logger: every byte received goes to the capture. */
static void smtp_logger(mailsmtp *session, int log_type, const char *str, size_t size,
			void *context)
{
	mpa_worker_capture_bytes(context, log_type, str, size);
}

static void smtp_fail_io(MpaWorker *w)
{
	gchar *detail = NULL;
	MpaNetError err = mpa_worker_classify_io(w, &detail);

	mpa_worker_take_reply(w, NULL);
	mpa_worker_fail(w, err, detail);
}

/* Sends one AUTH line (with a secret in it) and reads the answer; returns the reply code, 0 on an
 * I/O failure. */
static int smtp_send_secret(MpaWorker *w, mailsmtp *smtp, gchar *line)
{
	int r;

	mpa_worker_capture_reset(w);
	r = mailsmtp_send_command_private(smtp, line);
	mpa_secret_free(line);
	mpa_wipe_stream_buffer(smtp->stream);
	if (r < 0)
		return 0;
	return mailsmtp_read_response(smtp);
}

/* "PREFIX BASE64\r\n" in one exact allocation.  Not g_strdup_printf: glibc's vasprintf grows
 * its buffer and frees the old one unwiped, which left the AUTH PLAIN line in freed memory
 * (found by tests/test-secrets.sh). */
static gchar *secret_line(const gchar *prefix, const gchar *b64)
{
	gsize p = strlen(prefix), b = strlen(b64);
	gchar *line = g_malloc(p + b + 3);

	memcpy(line, prefix, p);
	memcpy(line + p, b64, b);
	memcpy(line + p + b, "\r\n", 3);
	return line;
}

/* AUTH PLAIN (preferred) or AUTH LOGIN, spoken directly: Cyrus SASL's plugins are not always
 * installed, and this keeps the password in buffers we wipe.  g_base64_encode() writes its result
 * into one allocation of the final size (no copy left behind); what carries the password is wiped
 * with mpa_secret_free(). */
static int smtp_auth(MpaWorker *w, mailsmtp *smtp)
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
		b64 = g_base64_encode(blob, n);
		memset(blob, 0, n);
		g_free(blob);
		code = smtp_send_secret(w, smtp, secret_line("AUTH PLAIN ", b64));
		mpa_secret_free(b64);
		return code;
	}

	/* LOGIN: three exchanges */
	{
		gchar *b64;

		mpa_worker_capture_reset(w);
		if (mailsmtp_send_command_private(smtp, (char *)"AUTH LOGIN\r\n") < 0)
			return 0;
		code = mailsmtp_read_response(smtp);
		if (code != 334)
			return code;
		b64 = g_base64_encode((const guint8 *)w->username, ulen);
		code = smtp_send_secret(w, smtp, secret_line("", b64));
		g_free(b64);
		if (code != 334)
			return code;
		b64 = g_base64_encode((const guint8 *)w->password, plen);
		code = smtp_send_secret(w, smtp, secret_line("", b64));
		mpa_secret_free(b64);
		return code;
	}
}

/* Whether an EHLO answer (libetpan's text: one line per keyword, codes stripped) has an AUTH
 * line naming XOAUTH2 or OAUTHBEARER. */
static gboolean smtp_offers_oauth2(const char *response)
{
	g_auto(GStrv) lines = NULL;

	if (response == NULL)
		return FALSE;
	lines = g_strsplit_set(response, "\r\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) words = NULL;
		const gchar *l = lines[i];

		if (g_ascii_strncasecmp(l, "250", 3) == 0)
			l += 4 <= strlen(l) ? 4 : 3;
		if (g_ascii_strncasecmp(l, "AUTH", 4) != 0 || (l[4] != ' ' && l[4] != '='))
			continue;
		words = g_strsplit_set(l + 5, " ", -1);
		for (guint j = 0; words[j] != NULL; j++)
			if (g_ascii_strcasecmp(words[j], "XOAUTH2") == 0 ||
			    g_ascii_strcasecmp(words[j], "OAUTHBEARER") == 0)
				return TRUE;
	}
	return FALSE;
}

static gboolean smtp_ehlo(MpaWorker *w, mailsmtp *smtp)
{
	int r;

	mpa_worker_capture_reset(w);
	r = mailesmtp_ehlo(smtp);
	mpa_worker_take_reply(w, smtp);
	if (r == MAILSMTP_NO_ERROR)
		return !mpa_worker_reply_too_long(w);
	if (r == MAILSMTP_ERROR_STREAM)
		smtp_fail_io(w);
	else
		mpa_worker_fail(w, MPA_NET_NONE, g_strdup(_("the server refused EHLO")));
	return FALSE;
}

static gboolean smtp_starttls(MpaWorker *w, mailsmtp *smtp)
{
	int r;

	mpa_worker_stage_begin(w, MPA_STAGE_TLS);
	if (!mpa_worker_starttls_offered(w, (smtp->esmtp & MAILSMTP_ESMTP_STARTTLS) != 0))
		return FALSE;
	mpa_worker_capture_reset(w);
	r = mailsmtp_socket_starttls_with_callback(smtp, mpa_net_sni_callback, w->host);
	if (r != MAILSMTP_NO_ERROR) {
		if (r == MAILSMTP_ERROR_STREAM) {
			smtp_fail_io(w);
		} else if (r == MAILSMTP_ERROR_SSL) {
			mpa_worker_take_reply(w, smtp);
			mpa_worker_fail(w, MPA_NET_TLS_HANDSHAKE, g_strdup(_("the TLS handshake after STARTTLS failed")));
		} else {
			mpa_worker_take_reply(w, smtp);
			mpa_worker_fail(w, MPA_NET_NONE, g_strdup(_("the server refused STARTTLS")));
		}
		return FALSE;
	}
	return mpa_worker_starttls_verified(w, smtp->stream);
}

void mpa_check_run_smtp(MpaWorker *w)
{
	mailsmtp *smtp = mailsmtp_new(0, NULL);
	mailstream *stream;
	int r, code;

	mailsmtp_set_timeout(smtp, w->idle_s);
	mailsmtp_set_logger(smtp, smtp_logger, w);

	stream = mpa_worker_open_stream(w);
	if (stream == NULL)
		goto out;

	mpa_worker_stage_begin(w, MPA_STAGE_GREETING);
	mpa_worker_capture_reset(w);
	r = mailsmtp_connect(smtp, stream);
	mpa_worker_take_reply(w, smtp);
	if (r != MAILSMTP_NO_ERROR) {
		/* on a failure mailsmtp_connect has closed the stream itself */
		if (r == MAILSMTP_ERROR_STREAM)
			smtp_fail_io(w);
		else
			mpa_worker_fail(w, MPA_NET_NONE, g_strdup(_("the server refused the session in its greeting")));
		goto out;
	}
	if (mpa_worker_reply_too_long(w) || !smtp_ehlo(w, smtp))
		goto out;
	mpa_worker_stage_end(w, MPA_OUTCOME_OK);

	if (w->security == MPA_SECURITY_STARTTLS && !smtp_starttls(w, smtp))
		goto out;

	mpa_worker_stage_begin(w, MPA_STAGE_AUTH);
	if (w->security == MPA_SECURITY_STARTTLS && !smtp_ehlo(w, smtp))
		goto out;
	if (w->oauth2) {
		/* OAuth2: libetpan keeps no flag for it; the EHLO answer's AUTH line names it */
		mpa_worker_oauth2_offered(w, smtp_offers_oauth2(smtp->response));
		goto out;
	}
	if (!(smtp->auth & (MAILSMTP_AUTH_PLAIN | MAILSMTP_AUTH_LOGIN))) {
		mpa_worker_fail(w, MPA_NET_NONE, g_strdup(_("the server offers no password login (AUTH PLAIN or LOGIN)")));
		goto out;
	}
	if (mpa_worker_abandoned(w))
		goto out;
	code = smtp_auth(w, smtp);
	mpa_worker_forget_password(w);
	mpa_worker_take_reply(w, smtp);
	if (code == 0) {
		smtp_fail_io(w);
		goto out;
	}
	if (mpa_worker_reply_too_long(w))
		goto out;
	if (code != 235) {
		mpa_worker_fail(w, MPA_NET_NONE, NULL);
		goto out;
	}
	mpa_worker_stage_end(w, MPA_OUTCOME_OK);
	mpa_worker_succeeded(w);

out:
	/* QUIT without waiting for "221" (mailsmtp_free() would wait for it itself) */
	if (smtp->stream != NULL && w->res.net_error == MPA_NET_NONE && !mpa_worker_abandoned(w))
		mailsmtp_send_command_private(smtp, (char *)"QUIT\r\n");
	if (smtp->stream != NULL) {
		mailstream_close(smtp->stream);
		smtp->stream = NULL;
	}
	mpa_worker_finish(w);
	mailsmtp_free(smtp);
}
