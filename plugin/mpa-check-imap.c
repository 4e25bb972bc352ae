/* Provider Assistant — connection check: the IMAP dialogue (greeting, STARTTLS, ID with LOGIN
 * in one write, EXAMINE, LOGOUT without waiting).
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

/* Exported by libetpan 1.9 but missing from its headers: the pieces of an IMAP command, to send ID and LOGIN in one write. */
int mailimap_token_send(mailstream *fd, const char *token);
int mailimap_space_send(mailstream *fd);
int mailimap_crlf_send(mailstream *fd);
int mailimap_quoted_send(mailstream *fd, const char *quoted);
int mailimap_id_send(mailstream *fd, struct mailimap_id_params_list *client_identification);
int mailimap_logout_send(mailstream *fd);

/* ---- IMAP ---- */

/* libetpan's per-session logger: every byte received goes to the capture. */
static void imap_logger(mailimap *session, int log_type, const char *str, size_t size,
			void *context)
{
	mpa_worker_capture_bytes(context, log_type, str, size);
}

static void imap_fail_io(MpaWorker *w, int r)
{
	gchar *detail = NULL;
	MpaNetError err;

	if (r == MAILIMAP_ERROR_PARSE && !w->overflow && w->capture->len > 0) {
		mpa_worker_take_reply(w, NULL);
		mpa_worker_fail(w, MPA_NET_PROTOCOL, g_strdup(_("the server's answer could not be understood")));
		return;
	}
	err = mpa_worker_classify_io(w, &detail);
	mpa_worker_take_reply(w, NULL);
	mpa_worker_fail(w, err, detail);
}

static gboolean imap_is_io_error(int r)
{
	return r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE;
}

/* A command the server answered with NO or BAD: its own words are the reason.  Anything else was
 * the connection failing under it. */
static void imap_fail_command(MpaWorker *w, int r)
{
	if (imap_is_io_error(r))
		imap_fail_io(w, r);
	else
		mpa_worker_fail(w, MPA_NET_NONE, NULL);
}

/* The end of a stage whose one command returned @r: its reply kept, the stage done.  FALSE (the
 * failure recorded) when the command failed or the reply was too long. */
static gboolean imap_stage_done(MpaWorker *w, int r)
{
	mpa_worker_take_reply(w, NULL);
	if (r != MAILIMAP_NO_ERROR) {
		imap_fail_command(w, r);
		return FALSE;
	}
	if (mpa_worker_reply_too_long(w))
		return FALSE;
	mpa_worker_stage_end(w, MPA_OUTCOME_OK);
	return TRUE;
}

/* Asks for CAPABILITY unless the session already knows it (most servers list it in the greeting
 * or the LOGIN answer).  A refusal is only fatal when @must_answer: a server that refuses
 * CAPABILITY may still accept LOGIN, but without it STARTTLS cannot be found. */
static gboolean imap_ensure_capability(MpaWorker *w, mailimap *imap, gboolean must_answer)
{
	struct mailimap_capability_data *caps = NULL;
	int r;

	if (imap->imap_connection_info != NULL && imap->imap_connection_info->imap_capability != NULL)
		return TRUE;
	mpa_worker_capture_reset(w);
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
static void imap_forget_capability(mailimap *imap)
{
	if (imap->imap_connection_info != NULL && imap->imap_connection_info->imap_capability != NULL) {
		mailimap_capability_data_free(imap->imap_connection_info->imap_capability);
		imap->imap_connection_info->imap_capability = NULL;
	}
}

static gboolean imap_starttls(MpaWorker *w, mailimap *imap)
{
	int r;

	mpa_worker_stage_begin(w, MPA_STAGE_TLS);
	if (!imap_ensure_capability(w, imap, TRUE))
		return FALSE;
	if (!mpa_worker_starttls_offered(w, mailimap_has_extension(imap, "STARTTLS")))
		return FALSE;
	mpa_worker_capture_reset(w);
	r = mailimap_socket_starttls_with_callback(imap, mpa_net_sni_callback, w->host);
	if (r != MAILIMAP_NO_ERROR) {
		if (r == MAILIMAP_ERROR_STREAM) {
			mpa_worker_fail_starttls_io(w);
		} else if (r == MAILIMAP_ERROR_PARSE) {
			imap_fail_io(w, r);
		} else {
			mpa_worker_take_reply(w, NULL);
			mpa_worker_fail(w, MPA_NET_NONE, g_strdup(_("the server refused STARTTLS")));
		}
		return FALSE;
	}
	imap_forget_capability(imap);
	return mpa_worker_starttls_verified(w, imap->imap_stream);
}

/* Records the server's answer to ID ("name version"), shown like its replies. */
static void imap_record_id(MpaWorker *w, const char *srv_name, const char *srv_version)
{
	g_autofree gchar *joined = NULL;
	g_autofree gchar *decoded = NULL;

	if (srv_name == NULL && srv_version == NULL)
		return;
	joined = g_strjoin(" ", srv_name ? srv_name : "", srv_version ? srv_version : "", NULL);
	decoded = mpa_decode_reply((const guint8 *)joined, strlen(joined));
	/* the server's own words: escape sequences, bells and invalid UTF-8 must not reach a
	 * terminal or a GTK label as they are */
	g_mutex_lock(&w->lock);
	g_free(w->res.id_answer);
	w->res.id_answer = mpa_sanitize_display(g_strstrip(decoded), DISPLAY_CHARS);
	g_mutex_unlock(&w->lock);
}

/* IMAP ID (RFC 2971), only when offered: some servers drop the connection on commands they do
 * not know.  Records the server's answer; FALSE when the connection failed. */
static gboolean imap_send_id(MpaWorker *w, mailimap *imap)
{
	char *srv_name = NULL, *srv_version = NULL;
	int r;

	if (!mailimap_has_id(imap))
		return TRUE;
	mpa_worker_capture_reset(w);
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
static gboolean needs_literal(const gchar *s)
{
	for (; *s != '\0'; s++) {
		if ((guchar)*s >= 0x80)
			return TRUE;
	}
	return FALSE;
}

/* Appends @s to the command being written as a string the server reads byte for byte: quoted
 * when it is 7-bit, else a literal: non-synchronizing with LITERAL+ (no wait), else the
 * synchronizing kind, which waits for the server's "+" (the command so far is flushed; nothing
 * may be pipelined before it). */
static int imap_string_send(mailimap *imap, const gchar *s, gboolean literal_plus)
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
			return MAILIMAP_ERROR_LOGIN; /* refused: its words are in the capture */
	}
	if (mailstream_write(st, s, n) < 0)
		return MAILIMAP_ERROR_STREAM;
	return MAILIMAP_NO_ERROR;
}

/* Reads the tagged answer for @tag (untagged data before it is kept by libetpan).  Returns the
 * condition (MAILIMAP_RESP_COND_STATE_*) or -1 with *r set when reading or parsing failed. */
static int imap_read_answer(mailimap *imap, int tag, int *r)
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
static void imap_take_id_answer(MpaWorker *w, mailimap *imap)
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

/* libetpan 1.9.4's mailimap_id_params_list_free() frees each parameter but not its name and
 * value (the leak its own mailimap_id_basic() has, tests/lsan.supp): the list built here is
 * taken apart here, every string included, whatever libetpan's version does. */
static void id_params_list_free(struct mailimap_id_params_list *list)
{
	for (clistiter *it = clist_begin(list->idpa_list); it != NULL; it = clist_next(it)) {
		struct mailimap_id_param *param = clist_content(it);

		free(param->idpa_name);
		free(param->idpa_value);
		free(param);
	}
	clist_free(list->idpa_list);
	free(list);
}

/* ID and LOGIN in one write, then both answers: one round trip instead of two.  ID is valid in
 * any state (RFC 2971), and sent first so that servers which want it before a mailbox is opened
 * (NetEase) or before the login (Dovecot with imap_id_retain, as the tests' needid user) see it.
 * Returns a libetpan code as mailimap_login() would, or LOGIN_FAILED_IN_ID after a separate ID
 * failed (and said why). */
#define LOGIN_FAILED_IN_ID (-1000)

static int imap_login(MpaWorker *w, mailimap *imap)
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
		mpa_worker_capture_reset(w);
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
		id_params_list_free(list);
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
	mpa_wipe_stream_buffer(st);
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
static void imap_logout_nowait(mailimap *imap)
{
	if (imap->imap_stream == NULL)
		return;
	if (mailimap_send_current_tag(imap) == MAILIMAP_NO_ERROR &&
	    mailimap_logout_send(imap->imap_stream) == MAILIMAP_NO_ERROR &&
	    mailimap_crlf_send(imap->imap_stream) == MAILIMAP_NO_ERROR)
		mailstream_flush(imap->imap_stream);
}

void mpa_check_run_imap(MpaWorker *w)
{
	mailimap *imap = mailimap_new(0, NULL);
	mailstream *stream;
	int r;

	mailimap_set_timeout(imap, w->idle_s);
	mailimap_set_logger(imap, imap_logger, w);

	stream = mpa_worker_open_stream(w);
	if (stream == NULL)
		goto out;

	mpa_worker_stage_begin(w, MPA_STAGE_GREETING);
	mpa_worker_capture_reset(w);
	r = mailimap_connect(imap, stream);
	mpa_worker_take_reply(w, NULL);
	if (r == MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION) {
		mpa_worker_fail(w, MPA_NET_NONE, g_strdup(_("the server refused the session in its greeting")));
		goto out;
	} else if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED && r != MAILIMAP_NO_ERROR_AUTHENTICATED) {
		imap_fail_io(w, r);
		goto out;
	}
	if (mpa_worker_reply_too_long(w))
		goto out;
	mpa_worker_stage_end(w, MPA_OUTCOME_OK);
	if (r == MAILIMAP_NO_ERROR_AUTHENTICATED && w->security == MPA_SECURITY_STARTTLS) {
		/* PREAUTH: logged in before any encryption.  STARTTLS is not allowed in that state
		 * (RFC 3501 6.2.1), so the session would stay readable by anyone on the way. */
		mpa_worker_stage_begin(w, MPA_STAGE_TLS);
		mpa_worker_fail(w, MPA_NET_PREAUTH,
				g_strdup(_("the server (or someone in between) greeted with PREAUTH: the session skipped both encryption and login, so it cannot be secured")));
		goto out;
	}

	if (w->security == MPA_SECURITY_STARTTLS && !imap_starttls(w, imap))
		goto out;

	mpa_worker_stage_begin(w, MPA_STAGE_AUTH);
	if (!imap_ensure_capability(w, imap, FALSE))
		goto out;
	if (mpa_worker_abandoned(w))
		goto out;
	if (w->oauth2) {
		/* OAuth2: the login is Claws Mail's, with its token; here only what the server offers */
		mpa_worker_oauth2_offered(w, mailimap_has_authentication(imap, "XOAUTH2") || mailimap_has_authentication(imap, "OAUTHBEARER"));
		goto out;
	}
	mpa_worker_capture_reset(w);
	if (mailimap_has_extension(imap, "LOGINDISABLED")) {
		if (!imap_send_id(w, imap))
			goto out;
		mpa_worker_capture_reset(w);
		r = mailimap_authenticate(imap, "PLAIN", w->host, NULL, NULL, w->username, w->username,
					  w->password, NULL);
	} else {
		r = imap_login(w, imap);
		if (r == LOGIN_FAILED_IN_ID)
			goto out;
	}
	mpa_wipe_stream_buffer(imap->imap_stream);
	mpa_worker_forget_password(w);
	if (!imap_stage_done(w, r))
		goto out;

	if (w->select) {
		mpa_worker_stage_begin(w, MPA_STAGE_SELECT);
		mpa_worker_capture_reset(w);
		r = mailimap_examine(imap, "INBOX");
		if (!imap_stage_done(w, r))
			goto out;
	}
	mpa_worker_succeeded(w);

out:
	/* Log out politely while the server is still talking to us, but without waiting for its
	 * goodbye; then report.  mailimap_free() would wait for a LOGOUT answer itself. */
	if (imap->imap_stream != NULL && w->res.net_error == MPA_NET_NONE && !mpa_worker_abandoned(w))
		imap_logout_nowait(imap);
	if (imap->imap_stream != NULL) {
		mailstream_close(imap->imap_stream);
		imap->imap_stream = NULL;
	}
	mpa_worker_finish(w);
	mailimap_free(imap);
}
