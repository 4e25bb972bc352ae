/* Provider Assistant — "provider-assistant check ADDRESS": a real IMAP and SMTP login.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The password never comes from the command line (other users can read argv): it is read from a
 * file, from standard input or from the terminal without echo, and wiped after use.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <glib-unix.h>

#include "cli.h"
#include "mpa-check.h"
#include "mpa-diagnose.h"
#include "mpa-text.h"
#include "mpa-file.h"
#include "mpa-tls.h"

#define MAX_PASSWORD_BYTES 4096

/* ---- the password ---- */

/* From here on the process holds a password (and, later, libetpan's and OpenSSL's buffers that
 * carried it): no core file may be written, and a non-dumpable process cannot be ptrace-attached
 * or have its /proc/PID/mem read by other processes of the same user.  Kept until exit: the
 * check is the last thing the command does.  Failures are ignored (best effort: nothing more can
 * be done, and the check itself still works). */
static void protect_secrets(void)
{
	const struct rlimit no_core = { 0, 0 };

	(void)setrlimit(RLIMIT_CORE, &no_core);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Drops one trailing line end ("\n" or "\r\n"): files and pipes usually end with one, passwords
 * do not. */
static void strip_one_newline(gchar *s)
{
	gsize len = strlen(s);

	if (len > 0 && s[len - 1] == '\n') {
		s[--len] = '\0';
		if (len > 0 && s[len - 1] == '\r')
			s[--len] = '\0';
	}
}

/* Reads all of @fd into wiped-on-free memory: a password of at most MAX_PASSWORD_BYTES, plus one
 * line end ("\n" or "\r\n") that is not part of it (the caller strips it).  The buffer has room
 * for both and one byte more, which tells a longer text; nothing beyond it is read (a pipe from
 * /dev/zero ends there).  *len_out: the bytes read (a NUL among them would otherwise silently
 * cut the password short). */
static gchar *read_secret_fd(int fd, gsize *len_out, GError **error)
{
	const gsize room = MAX_PASSWORD_BYTES + 3;
	gchar *buf = g_malloc0(room + 1);
	gsize len = 0;

	while (len < room) {
		ssize_t r = read(fd, buf + len, room - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "%s", g_strerror(errno));
			mpa_secret_free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		len += r;
	}
	{
		gsize end = len; /* without one line end */

		if (end > 0 && buf[end - 1] == '\n') {
			end--;
			if (end > 0 && buf[end - 1] == '\r')
				end--;
		}
		if (len == room || end > MAX_PASSWORD_BYTES) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
				    _("longer than %u bytes (one line end at the end not counted): this is not a password"),
				    MAX_PASSWORD_BYTES);
			mpa_secret_free(buf);
			return NULL;
		}
	}
	*len_out = len;
	return buf;
}

/* Opens the password file for read_secret_fd, refusing what is not a regular file before reading
 * (a FIFO would block, a device never end) and a file too long to hold a password.  A file other
 * users can read gets a warning, as ssh gives for keys; it is still used.  Returns -1 after
 * printing the error. */
static int open_password_file(const gchar *path)
{
	g_autofree gchar *shown = mpa_cli_display_arg(path);
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		mpa_cli_error(_("cannot read the password file %s: %s"), shown, g_strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		mpa_cli_error(_("cannot read the password file %s: %s"), shown, g_strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		mpa_cli_error(_("cannot read the password file %s: not a regular file but %s"), shown,
			      mpa_file_kind(st.st_mode));
		close(fd);
		return -1;
	}
	if (st.st_size > MAX_PASSWORD_BYTES + 2) {
		mpa_cli_error(_("cannot read the password file %s: longer than %u bytes (one line end at the end not counted): this is not a password"),
			      shown, MAX_PASSWORD_BYTES);
		close(fd);
		return -1;
	}
	if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		mpa_cli_error(_("warning: the password file %s can be read by other users (mode %04o) — make it private with: chmod 600 FILE"),
			      shown, (guint)(st.st_mode & 07777));
	return fd;
}

/* Asks on the terminal itself (not stdin/stdout, which may be redirected), echo off. */
static gchar *prompt_password(const gchar *address, gsize *len_out, GError **error)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	struct termios old, quiet;
	g_autofree gchar *prompt = NULL;
	gchar *buf;
	gsize len = 0;

	if (fd < 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    _("no terminal to ask for the password; use --password-file or --password-stdin"));
		return NULL;
	}
	prompt = g_strdup_printf(_("Password for %s: "), address);
	if (write(fd, prompt, strlen(prompt)) < 0 || tcgetattr(fd, &old) != 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    _("no terminal to ask for the password; use --password-file or --password-stdin"));
		close(fd);
		return NULL;
	}
	quiet = old;
	quiet.c_lflag &= ~(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	tcsetattr(fd, TCSAFLUSH, &quiet);

	buf = g_malloc0(MAX_PASSWORD_BYTES + 1);
	while (len < MAX_PASSWORD_BYTES) {
		char c;
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		buf[len++] = c;
	}
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* only cosmetics: the cursor stays on the prompt line */
	}
	close(fd);
	*len_out = len;
	return buf;
}

/* A password the protocols cannot carry is refused before anything is sent: a line break would
 * end the IMAP command (the server sees two commands) and a NUL ends the string.  @len: the
 * bytes read, NULs included.  Returns a translated reason, or NULL. */
static gchar *password_refused(const gchar *password, gsize len)
{
	if (memchr(password, '\0', len) == NULL)
		return mpa_check_password_problem(password);
	return g_strdup_printf(_("the password contains %s, which no mail provider allows in a password; nothing was sent"),
			       _("a NUL byte"));
}

/* ---- servers ---- */

/* "host:port", "[v6]:port" */
static gboolean parse_host_port(const gchar *text, gchar **host, guint16 *port)
{
	const gchar *colon;
	guint64 p;
	gchar *end = NULL;

	if (text == NULL || *text == '\0')
		return FALSE;
	if (text[0] == '[') {
		const gchar *close = strchr(text, ']');

		if (close == NULL || close[1] != ':')
			return FALSE;
		*host = g_strndup(text + 1, close - text - 1);
		colon = close + 1;
	} else {
		colon = strrchr(text, ':');
		if (colon == NULL || colon == text)
			return FALSE;
		*host = g_strndup(text, colon - text);
	}
	p = g_ascii_strtoull(colon + 1, &end, 10);
	if (end == colon + 1 || *end != '\0' || p == 0 || p > 65535) {
		g_clear_pointer(host, g_free);
		return FALSE;
	}
	*port = (guint16)p;
	return TRUE;
}

/* ---- output ---- */

static const gchar *protocol_label(MpaProtocol protocol)
{
	return protocol == MPA_PROTOCOL_IMAP ? "IMAP" : "SMTP";
}

/* A stage and a security mode as the user reads them.  The English texts are the ids themselves
 * (as before, and as in --json); a translation gives the localized title instead of the id. */
static const gchar *stage_label(MpaStage stage)
{
	switch (stage) {
	/* TRANSLATORS: stages of a connection check in the CLI's table and its "failed at" line */
	case MPA_STAGE_CONNECT: return C_("check stage", "connect");
	case MPA_STAGE_TLS: return C_("check stage", "tls");
	case MPA_STAGE_GREETING: return C_("check stage", "greeting");
	case MPA_STAGE_AUTH: return C_("check stage", "auth");
	case MPA_STAGE_SELECT: return C_("check stage", "select");
	case MPA_STAGE_SEND: return C_("check stage", "send");
	default: break;
	}
	return mpa_stage_name(stage);
}

static const gchar *security_label(MpaSecurity security)
{
	switch (security) {
	/* TRANSLATORS: security of a connection, in "IMAP  HOST port 993 (ssl), user U" */
	case MPA_SECURITY_SSL: return C_("check security", "ssl");
	case MPA_SECURITY_STARTTLS: return C_("check security", "starttls");
	case MPA_SECURITY_PLAIN: return C_("check security", "plain");
	}
	return mpa_security_name(security);
}

/* The stage column: padded by display columns (Chinese characters take two), at least 9 wide. */
static guint stage_column_width(void)
{
	guint width = 9;

	for (guint s = 0; s < MPA_STAGE_COUNT; s++)
		width = MAX(width, mpa_cli_text_width(stage_label(s)) + 1);
	return width;
}

static gint64 ms(gint64 us)
{
	return (us + 500) / 1000;
}

static void print_proto_text(const MpaProvider *provider, const MpaProtoResult *r)
{
	const gchar *label = protocol_label(r->protocol);

	if (r->outcome == MPA_OUTCOME_SKIPPED && r->stages->len == 0) {
		g_print(_("%s  – not checked\n"), label);
		return;
	}
	for (guint i = 0; i < r->stages->len; i++) {
		const MpaStageResult *st = &g_array_index(r->stages, MpaStageResult, i);
		const gchar *mark = st->outcome == MPA_OUTCOME_OK                                    ? "✓"
			: st->outcome == MPA_OUTCOME_CANCELLED || st->outcome == MPA_OUTCOME_SKIPPED ? "–"
												     : "✗";

		const gchar *stage = stage_label(st->stage);
		g_autofree gchar *fill = g_strnfill(stage_column_width() - MIN(stage_column_width(), mpa_cli_text_width(stage)), ' ');

		g_print("%s  %s %s%s %5" G_GINT64_FORMAT " ms\n", label, mark, stage, fill,
			ms(st->elapsed_us));
	}
}

static void print_reason(const MpaProvider *provider, const MpaProtoResult *r)
{
	const gchar *label = protocol_label(r->protocol);

	if (r->oauth2 && r->outcome == MPA_OUTCOME_OK) {
		g_autofree gchar *line = g_strdup_printf(
			/* TRANSLATORS: %s is IMAP or SMTP; "Authorize" is Claws Mail's button */
			_("%s: the server offers OAuth2 sign-in. This check sends no login: Claws Mail signs in itself, with the \"Authorize\" button on the account's OAuth2 page."),
			label);

		g_print("\n");
		mpa_cli_print_wrapped(NULL, line, 2);
		return;
	}
	if (r->outcome == MPA_OUTCOME_OK || r->outcome == MPA_OUTCOME_SKIPPED)
		return;
	g_print("\n");
	if (r->outcome == MPA_OUTCOME_CANCELLED)
		g_print(_("%s: cancelled during %s.\n"), label, stage_label(r->stage));
	else
		g_print(_("%s: failed at %s.\n"), label, stage_label(r->stage));
	if (r->detail != NULL)
		g_print(_("  Problem: %s\n"), r->detail);
	/* the same diagnosis as "explain" prints (it ends with the server's words) */
	{
		g_autoptr(MpaDiagnosis) d = mpa_diagnose_result(provider, r, mpa_cli_lang());

		if (d != NULL)
			mpa_cli_print_diagnosis(d, 2);
		else if (r->reply != NULL)
			g_print(_("  Server said: %s\n"), r->reply);
	}
}

static void print_text(const MpaProvider *provider, const MpaCheckResult *result)
{
	print_proto_text(provider, &result->imap);
	print_proto_text(provider, &result->smtp);
	if (result->imap.id_answer != NULL)
		g_print(_("IMAP server identifies as: %s\n"), result->imap.id_answer);
	print_reason(provider, &result->imap);
	print_reason(provider, &result->smtp);
	g_print("\n");
	{
		g_autofree gchar *total = g_strdup_printf("%" G_GINT64_FORMAT, ms(result->elapsed_us));

		g_print(_("Total: %s ms\n"), total);
	}
}

static void json_proto(MpaJson *j, const gchar *key, const MpaProvider *provider,
		       const MpaProtoResult *r,
		       const gchar *host, guint16 port, MpaSecurity security)
{
	g_autoptr(MpaDiagnosis) diagnosis = NULL;

	mpa_json_begin_object(j, key);
	mpa_json_string(j, "status", mpa_outcome_name(r->outcome));
	mpa_json_string(j, "host", host);
	if (host != NULL) {
		mpa_json_int(j, "port", port);
		mpa_json_string(j, "security", mpa_security_name(security));
	}
	mpa_json_string(j, "stage", r->stages->len > 0 ? mpa_stage_name(r->stage) : NULL);
	/* a failure carries its diagnosis: "cause", "candidates", "title", "fix", "link" and the
	 * server's words as "reply", exactly as "explain --json" prints them */
	diagnosis = mpa_diagnose_result(provider, r, mpa_cli_lang());
	if (diagnosis != NULL)
		mpa_cli_json_diagnosis(j, diagnosis);
	else
		mpa_json_string(j, "reply", r->reply);
	mpa_json_int(j, "elapsed_ms", ms(r->elapsed_us));
	mpa_json_string(j, "net_error", r->net_error != MPA_NET_NONE ? mpa_net_error_name(r->net_error) : NULL);
	mpa_json_string(j, "detail", r->detail);
	/* OAuth2 sign-in: no login was sent; "ok" means the server offers XOAUTH2 or OAUTHBEARER */
	mpa_json_bool(j, "oauth2", r->oauth2);
	if (r->protocol == MPA_PROTOCOL_IMAP) {
		mpa_json_string(j, "imap_code", r->imap_code);
		mpa_json_string(j, "id", r->id_answer);
	} else {
		if (r->smtp_code != 0)
			mpa_json_int(j, "smtp_code", r->smtp_code);
		else
			mpa_json_null(j, "smtp_code");
		mpa_json_string(j, "enhanced_code", r->enhanced_code);
	}
	mpa_json_begin_array(j, "stages");
	for (guint i = 0; i < r->stages->len; i++) {
		const MpaStageResult *st = &g_array_index(r->stages, MpaStageResult, i);

		mpa_json_begin_object(j, NULL);
		mpa_json_string(j, "stage", mpa_stage_name(st->stage));
		mpa_json_string(j, "status", mpa_outcome_name(st->outcome));
		mpa_json_int(j, "elapsed_ms", ms(st->elapsed_us));
		mpa_json_end_object(j);
	}
	mpa_json_end_array(j);
	mpa_json_end_object(j);
}

/* ---- libetpan's own messages ---- */

/* libetpan prints "GnuTLS error: ..." to stderr itself when a handshake fails; the check reports
 * the same failure in its own words (and --json must stay the only output).  While the check
 * runs, stderr goes through a pipe and such lines are dropped; everything else passes. */
typedef struct {
	int saved; /* the real stderr, or -1 */
	int read_fd;
	guint source;
	GString *pending;
} StderrFilter;

static void stderr_filter_pass(StderrFilter *f, gboolean all)
{
	gchar *nl;

	while ((nl = memchr(f->pending->str, '\n', f->pending->len)) != NULL || (all && f->pending->len > 0)) {
		gsize n = nl != NULL ? (gsize)(nl - f->pending->str) + 1 : f->pending->len;

		if (!g_str_has_prefix(f->pending->str, "GnuTLS error:")) {
			gsize done = 0;

			while (done < n) {
				ssize_t w = write(f->saved, f->pending->str + done, n - done);

				if (w < 0 && errno == EINTR)
					continue;
				if (w <= 0)
					break;
				done += w;
			}
		}
		g_string_erase(f->pending, 0, n);
	}
}

static gboolean stderr_filter_read(gint fd, GIOCondition condition, gpointer data)
{
	StderrFilter *f = data;
	char buf[4096];
	ssize_t r = read(fd, buf, sizeof buf);

	if (r > 0) {
		g_string_append_len(f->pending, buf, r);
		stderr_filter_pass(f, FALSE);
		return G_SOURCE_CONTINUE;
	}
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return G_SOURCE_CONTINUE;
	f->source = 0;
	return G_SOURCE_REMOVE;
}

static void stderr_filter_start(StderrFilter *f)
{
	int p[2];

	f->saved = -1;
	f->read_fd = -1;
	f->source = 0;
	f->pending = g_string_new(NULL);
	fflush(stderr);
	if (!g_unix_open_pipe(p, FD_CLOEXEC, NULL))
		return;
	f->saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (f->saved < 0 || dup2(p[1], STDERR_FILENO) < 0) {
		if (f->saved >= 0)
			close(f->saved);
		f->saved = -1;
		close(p[0]);
		close(p[1]);
		return;
	}
	close(p[1]);
	f->read_fd = p[0];
	g_unix_set_fd_nonblocking(f->read_fd, TRUE, NULL);
	f->source = g_unix_fd_add(f->read_fd, G_IO_IN | G_IO_HUP | G_IO_ERR, stderr_filter_read, f);
}

static void stderr_filter_stop(StderrFilter *f)
{
	if (f->saved >= 0) {
		fflush(stderr);
		/* the pipe's write end closes with this: what is left is read to its end */
		dup2(f->saved, STDERR_FILENO);
		if (f->source != 0)
			g_source_remove(f->source);
		g_unix_set_fd_nonblocking(f->read_fd, FALSE, NULL);
		for (;;) {
			char buf[4096];
			ssize_t r = read(f->read_fd, buf, sizeof buf);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			g_string_append_len(f->pending, buf, r);
		}
		stderr_filter_pass(f, TRUE);
		close(f->read_fd);
		close(f->saved);
	}
	g_string_free(f->pending, TRUE);
}

/* ---- running ---- */

typedef struct {
	GMainLoop *loop;
	MpaCheckResult *result;
	GCancellable *cancellable;
} Run;

static void check_done(GObject *source, GAsyncResult *res, gpointer data)
{
	Run *run = data;

	run->result = mpa_check_finish(res, NULL);
	g_main_loop_quit(run->loop);
}

static gboolean on_interrupt(gpointer data)
{
	Run *run = data;

	g_cancellable_cancel(run->cancellable);
	return G_SOURCE_CONTINUE;
}

/* A protocol passed: it worked, or it was not checked. */
static gboolean proto_passed(const MpaProtoResult *r)
{
	return r->outcome == MPA_OUTCOME_OK || r->outcome == MPA_OUTCOME_SKIPPED;
}

/* TRUE when no protocol to check needs a password (each is skipped or signs in with OAuth2). */
static gboolean needs_no_password(const MpaCheckRequest *req)
{
	for (guint i = 0; i < 2; i++) {
		MpaCheckServer s;

		mpa_check_request_get_server(req, i, &s);
		if (s.host != NULL && !s.oauth2)
			return FALSE;
	}
	return TRUE;
}

static void usage_error(const gchar *message)
{
	mpa_cli_usage_error("check", message);
}

int mpa_cli_cmd_check(int argc, char **argv)
{
	g_auto(MpaCliCommon) common = { 0 };
	g_autoptr(GOptionContext) context = g_option_context_new(_("ADDRESS"));
	g_autofree gchar *password_file = NULL;
	gboolean password_stdin = FALSE;
	g_autofree gchar *imap_arg = NULL;
	g_autofree gchar *smtp_arg = NULL;
	g_autofree gchar *ca_file = NULL;
	g_autofree gchar *only = NULL;
	gdouble timeout_s = -G_MAXDOUBLE; /* not given */
	gboolean no_select = FALSE;
	gboolean offline = FALSE;
	MpaLookupResult *found = NULL;
	const GOptionEntry entries[] = {
		{ "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
		  N_("Read the password from FILE (one trailing newline is ignored)"), N_("FILE") },
		{ "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
		  N_("Read the password from standard input"), NULL },
		{ "imap", 0, 0, G_OPTION_ARG_STRING, &imap_arg,
		  N_("Check this IMAP server instead of the provider's"), N_("HOST:PORT") },
		{ "smtp", 0, 0, G_OPTION_ARG_STRING, &smtp_arg,
		  N_("Check this SMTP server instead of the provider's"), N_("HOST:PORT") },
		{ "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
		  N_("Trust the certificate authorities in this PEM file instead of the system's"), N_("FILE") },
		{ "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout_s,
		  N_("Give up after this many seconds (default 15)"), N_("SECONDS") },
		{ "offline", 0, 0, G_OPTION_ARG_NONE, &offline,
		  N_("Use the provider files only: do not look the domain's settings up on the network"), NULL },
		{ "no-select", 0, 0, G_OPTION_ARG_NONE, &no_select,
		  N_("Do not open the inbox after the IMAP login"), NULL },
		/* For benchmarks and tests: one protocol alone. */
		{ "only", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &only, NULL, NULL },
		{ NULL }
	};
	g_autoptr(MpaDb) db = NULL;
	const MpaProvider *provider = NULL;
	g_autofree gchar *address = NULL;
	g_autoptr(GError) error = NULL;
	const gchar *overrides[2];
	gchar *override_host[2] = { NULL, NULL };
	guint16 override_port[2] = { 0, 0 };
	MpaCheckServer servers[2];
	gchar *password = NULL;
	gsize password_len = 0;
	g_autoptr(MpaCheckRequest) req = NULL;
	Run run = { 0 };
	StderrFilter filter;
	guint sigint_id, sigterm_id;
	int status;

	g_option_context_set_summary(context,
				     _("Log in to the IMAP and SMTP servers for ADDRESS, as a mail program would, and say\n"
				       "what failed and why.  No message is sent.  The password is never taken from the command line."));
	g_option_context_set_description(context,
					 _("Exit status: 0 both logins worked, 1 a check failed, 2 bad input or usage,\n"
					   "3 nothing found for the domain (give --imap and --smtp to check anyway).\n"
					   "Without --imap and --smtp, a domain no provider file knows is looked up first, as \"show\" does."));
	mpa_cli_add_common_options(context, &common);
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	if (!mpa_cli_parse(context, &argc, &argv))
		return MPA_EXIT_USAGE;
	status = MPA_EXIT_USAGE;
	if (!mpa_cli_one_address("check", argc))
		goto out;
	if (password_file != NULL && password_stdin) {
		usage_error(_("give either --password-file or --password-stdin, not both"));
		goto out;
	}
	/* NaN fails every comparison, so the test is written the way round that refuses it; 0 and
	 * what rounds to 0 ms would leave no time at all (they used to mean "the default"). */
	if (timeout_s != -G_MAXDOUBLE && !(timeout_s > 0 && timeout_s <= 3600 && timeout_s * 1000 + 0.5 >= 1)) {
		usage_error(_("--timeout must be more than 0 and at most 3600 seconds"));
		goto out;
	}
	if (ca_file != NULL && !mpa_tls_check_ca_file(ca_file, &error)) {
		/* before connecting: a broken CA file would make every server's certificate look
		 * untrusted */
		usage_error(error->message);
		goto out;
	}
	if (only != NULL && strcmp(only, "imap") != 0 && strcmp(only, "smtp") != 0) {
		usage_error(_("--only takes imap or smtp"));
		goto out;
	}

	overrides[0] = imap_arg;
	overrides[1] = smtp_arg;
	for (guint i = 0; i < 2; i++) {
		if (overrides[i] != NULL && !parse_host_port(overrides[i], &override_host[i], &override_port[i])) {
			g_autofree gchar *shown = mpa_cli_display_arg(overrides[i]);
			g_autofree gchar *msg = g_strdup_printf(_("%s is not HOST:PORT"), shown);

			usage_error(msg);
			goto out;
		}
	}

	db = mpa_cli_load_db(&common);
	provider = mpa_db_lookup_address(db, argv[1], &address, &error);
	if (provider == NULL && !g_error_matches(error, MPA_PROVIDER_ERROR, MPA_PROVIDER_ERROR_UNKNOWN)) {
		g_clear_pointer(&address, g_free);
		provider = mpa_cli_lookup(db, argv[1], &address, &status);
		g_assert(provider == NULL);
		goto out;
	}
	if (provider == NULL && imap_arg == NULL && smtp_arg == NULL) {
		/* No provider file: the same lookup as "show" (MX, autoconfig, SRV). */
		MpaCliLookup lookup = { offline, timeout_s > 0 ? timeout_s : 0, ca_file };

		found = mpa_cli_lookup_settings(db, argv[1], &lookup, &status);
		if (found == NULL)
			goto out;
		if (found->needs_confirmation) {
			g_autofree gchar *origin = mpa_lookup_origin(found);

			mpa_cli_error("%s", origin);
			mpa_cli_error(_("the password is not sent to servers that DNS alone suggested: give --imap and --smtp to check them."));
			status = MPA_EXIT_UNKNOWN_PROVIDER;
			goto out;
		}
		provider = found->provider;
		if (!common.json) {
			g_autofree gchar *origin = mpa_lookup_origin(found);

			if (origin != NULL)
				mpa_cli_print_wrapped(NULL, origin, 0);
		}
	}
	/* Without a provider (unknown, servers given) a server given gets implicit TLS and the
	 * address as user name (already normalised by the look-up, which set it along with the
	 * error); with one, an override keeps the provider's security mode and user name. */
	req = mpa_check_request_new(address);
	if (provider != NULL)
		mpa_check_request_set_from_provider(req, provider);
	for (guint i = 0; i < 2; i++) {
		if (override_host[i] != NULL)
			mpa_check_request_set_host(req, i, override_host[i], override_port[i]);
	}
	if (only != NULL) {
		if (strcmp(only, "imap") == 0)
			mpa_check_request_set_smtp(req, NULL, 0, MPA_SECURITY_SSL, NULL);
		else
			mpa_check_request_set_imap(req, NULL, 0, MPA_SECURITY_SSL, NULL);
	}
	for (guint i = 0; i < 2; i++)
		mpa_check_request_get_server(req, i, &servers[i]);
	if (servers[0].host == NULL && servers[1].host == NULL) {
		usage_error(_("there is no server to check"));
		goto out;
	}

	protect_secrets();
	/* the look-up may have left its "unknown provider" error here (--imap/--smtp given) */
	g_clear_error(&error);
	if (needs_no_password(req)) {
		/* OAuth2 only (Outlook): nothing to log in with here, so no password is asked for */
		password = g_strdup("");
	} else if (password_file != NULL) {
		int fd = open_password_file(password_file);

		if (fd < 0)
			goto out;
		password = read_secret_fd(fd, &password_len, &error);
		close(fd);
	} else if (password_stdin) {
		password = read_secret_fd(STDIN_FILENO, &password_len, &error);
	} else {
		password = prompt_password(address, &password_len, &error);
	}
	if (password == NULL) {
		mpa_cli_error(_("cannot read the password: %s"), error->message);
		goto out;
	}
	{
		g_autofree gchar *refused = NULL;

		if (memchr(password, '\0', password_len) == NULL)
			strip_one_newline(password);
		else
			refused = password_refused(password, password_len);
		if (refused == NULL)
			refused = mpa_check_password_problem(password);
		if (refused != NULL) {
			mpa_cli_error("%s", refused);
			goto out;
		}
	}
	if (*password == '\0' && !needs_no_password(req)) {
		mpa_cli_error("%s", _("the password is empty"));
		goto out;
	}

	mpa_check_request_set_password(req, password);
	mpa_secret_free(password);
	password = NULL;
	if (ca_file != NULL)
		mpa_check_request_set_ca_file(req, ca_file);
	if (timeout_s > 0) {
		guint total = (guint)(timeout_s * 1000 + 0.5);

		mpa_check_request_set_timeouts(req, MIN(total, 10000), total);
	}
	mpa_check_request_set_select(req, !no_select);

	if (!common.json) {
		for (guint i = 0; i < 2; i++) {
			if (servers[i].host != NULL)
				g_print(_("%s  %s port %u (%s), user %s\n"), protocol_label(i), servers[i].host,
					servers[i].port, security_label(servers[i].security), servers[i].username);
		}
		g_print("\n");
		fflush(stdout);
	}

	stderr_filter_start(&filter);
	run.loop = g_main_loop_new(NULL, FALSE);
	run.cancellable = g_cancellable_new();
	sigint_id = g_unix_signal_add(SIGINT, on_interrupt, &run);
	sigterm_id = g_unix_signal_add(SIGTERM, on_interrupt, &run);
	mpa_check_run_async(req, run.cancellable, NULL, NULL, check_done, &run);
	g_main_loop_run(run.loop);
	g_source_remove(sigint_id);
	g_source_remove(sigterm_id);
	g_main_loop_unref(run.loop);
	g_object_unref(run.cancellable);
	stderr_filter_stop(&filter);

	if (common.json) {
		MpaJson *j = mpa_json_new();
		g_autofree gchar *text = NULL;

		mpa_json_begin_object(j, NULL);
		json_proto(j, "imap", provider, &run.result->imap, servers[0].host, servers[0].port, servers[0].security);
		json_proto(j, "smtp", provider, &run.result->smtp, servers[1].host, servers[1].port, servers[1].security);
		mpa_json_int(j, "elapsed_ms", ms(run.result->elapsed_us));
		mpa_json_end_object(j);
		text = mpa_json_finish(j);
		fputs(text, stdout);
	} else {
		print_text(provider, run.result);
	}
	status = proto_passed(&run.result->imap) && proto_passed(&run.result->smtp) ? MPA_EXIT_OK : MPA_EXIT_FAILED;
	mpa_check_result_free(run.result);
	/* a failed write to stdout: checked for every command in main() */

out:
	mpa_lookup_result_free(found);
	/* an abandoned HTTPS fetch of the lookup, or a check worker the deadline abandoned, may
	 * still be in TLS: do not exit under it (exit handlers of the TLS libraries would free
	 * what it is closing) */
	mpa_lookup_wait_threads(10000);
	mpa_check_wait_threads(10000);
	if (password != NULL)
		mpa_secret_free(password);
	g_free(override_host[0]);
	g_free(override_host[1]);
	return status;
}
