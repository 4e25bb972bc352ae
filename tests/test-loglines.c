/* Tests for pa-loglines: Claws Mail's log lines about failed logins, correlated with the
 * "Connecting" line of the same account.  The texts are the ones Claws 4.1.1 writes. */
#include "config.h"

#include "pa-loglines.h"
#include "mpa-logins.h"
#include <glib/gstdio.h>

static MpaPaLogFailure *feed_all(MpaPaLogWatch *w, const gchar *const *lines)
{
	MpaPaLogFailure *found = NULL;

	for (guint i = 0; lines[i]; i++) {
		MpaPaLogFailure *f = mpa_pa_log_watch_feed(w, lines[i]);
		if (f) {
			g_assert_null(found); /* exactly one failure per script */
			found = f;
		}
	}
	return found;
}

/* The failure the watcher reported, every field the hints read: net_error MPA_NET_NONE for a
 * refused login or send, account NULL when no "Connecting" line named it, port 0 when unknown,
 * reply NULL when the server's words were not seen. */
static void assert_failure(const MpaPaLogFailure *f, MpaPaLogService service, MpaStage stage,
			   MpaNetError err, const gchar *account, const gchar *host, guint port,
			   const gchar *reply)
{
	g_assert_nonnull(f);
	g_assert_cmpint(f->service, ==, service);
	g_assert_cmpint(f->stage, ==, stage);
	g_assert_cmpint(f->net_error, ==, err);
	g_assert_cmpstr(f->account_name, ==, account);
	g_assert_cmpstr(f->host, ==, host);
	g_assert_cmpuint(f->port, ==, port);
	g_assert_cmpstr(f->reply, ==, reply);
}

static void test_imap_login(void)
{
	const gchar *lines[] = {
		"Account 'Work': Connecting to SMTP server: smtp.example.com:465...\n",
		"Account 'Sohu': Connecting to IMAP server: imap.sohu.com:993...\n",
		"[2026-11-28 10:00:01] IMAP< * OK [CAPABILITY IMAP4rev1] ready\n",
		"[2026-11-28 10:00:01] IMAP> Logging zhangsan@sohu.com to imap.sohu.com using plaintext\n",
		"[2026-11-28 10:00:02] IMAP< ERR.LOGIN.PASSERR Password error\n",
		"IMAP error on imap.sohu.com: LOGIN error\n",
		"[2026-11-28 10:00:02] IMAP< Error logging in to imap.sohu.com\n",
		NULL
	};
	g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogFailure) f = feed_all(w, lines);

	assert_failure(f, MPA_PA_LOG_IMAP, MPA_STAGE_AUTH, MPA_NET_NONE, "Sohu", "imap.sohu.com", 993,
		       "ERR.LOGIN.PASSERR Password error");
}

/* Successful logins, for "the password that worked is no longer valid". */
static void test_logins(void)
{
	const gchar *imap_fail[] = {
		"Account 'Sohu': Connecting to IMAP server: imap.sohu.com:993...\n",
		"[2026-11-28 10:00:01] IMAP< * OK [CAPABILITY IMAP4rev1] ready\n",
		"[2026-11-28 10:00:01] IMAP> Logging zhangsan@sohu.com to imap.sohu.com using plaintext\n",
		"[2026-11-28 10:00:02] IMAP< ERR.LOGIN.PASSERR Password error\n",
		"IMAP error on imap.sohu.com: LOGIN error\n",
		"[2026-11-28 10:00:02] IMAP< Error logging in to imap.sohu.com\n",
		NULL
	};
	const gchar *imap_ok[] = {
		"Account 'Sohu': Connecting to IMAP server: imap.sohu.com:993...\n",
		"[2026-11-28 10:00:01] IMAP< * OK [CAPABILITY IMAP4rev1] ready\n",
		"[2026-11-28 10:00:01] IMAP> Logging zhangsan@sohu.com to imap.sohu.com using plaintext\n",
		"[2026-11-28 10:00:02] IMAP< Logged in\n",
		"[2026-11-28 10:00:02] IMAP< Select INBOX: 3 messages\n",
		NULL
	};
	const gchar *smtp_ok[] = {
		"Account 'Work': Connecting to SMTP server: smtp.example.com:465...\n",
		"[2026-11-28 10:00:01] ESMTP< 220 smtp.example.com ESMTP ready\n",
		"[2026-11-28 10:00:02] ESMTP< 235 2.7.0 Authentication successful\n",
		NULL
	};
	const gchar *smtp_fail[] = {
		"Account 'Work': Connecting to SMTP server: smtp.example.com:465...\n",
		"[2026-11-28 10:00:02] ESMTP< 535 5.7.8 Error: authentication failed\n",
		"[2026-11-28 10:00:02] ESMTP< 2350 not a reply code\n",
		NULL
	};
	MpaPaLogService service;
	gchar *name = NULL, *host = NULL;

	{
		g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);
		g_autoptr(MpaPaLogFailure) f = feed_all(w, imap_fail);

		g_assert_nonnull(f);
		g_assert_false(mpa_pa_log_watch_take_login(w, &service, &name, &host));
	}
	{
		g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);
		g_autoptr(MpaPaLogFailure) f = feed_all(w, imap_ok);

		g_assert_null(f);
		g_assert_true(mpa_pa_log_watch_take_login(w, &service, &name, &host));
		g_assert_cmpint(service, ==, MPA_PA_LOG_IMAP);
		g_assert_cmpstr(name, ==, "Sohu");
		g_assert_cmpstr(host, ==, "imap.sohu.com");
		g_clear_pointer(&name, g_free);
		g_clear_pointer(&host, g_free);
		/* once per login */
		g_assert_false(mpa_pa_log_watch_take_login(w, &service, &name, &host));
	}
	{
		g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);
		g_autoptr(MpaPaLogFailure) f = feed_all(w, smtp_ok);

		g_assert_true(mpa_pa_log_watch_take_login(w, &service, &name, &host));
		g_assert_cmpint(service, ==, MPA_PA_LOG_SMTP);
		g_assert_cmpstr(name, ==, "Work");
		g_clear_pointer(&name, g_free);
		g_clear_pointer(&host, g_free);
	}
	{
		g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);
		g_autoptr(MpaPaLogFailure) f = feed_all(w, smtp_fail);

		g_assert_false(mpa_pa_log_watch_take_login(w, &service, &name, &host));
	}
}

/* The record of logins keeps no secret, survives a damaged file, forgets on request. */
static void test_logins_record(void)
{
	g_autofree gchar *dir = g_dir_make_tmp("mpa-logins-XXXXXX", NULL);
	g_autofree gchar *path = g_build_filename(dir, "sub", MPA_LOGINS_FILE_NAME, NULL);
	g_autofree gchar *data = NULL;
	GStatBuf st;

	g_assert_false(mpa_logins_worked_before(path, "3", MPA_PROTOCOL_SMTP));
	g_assert_true(mpa_logins_record(path, "3", MPA_PROTOCOL_SMTP, 1764800000, NULL));
	g_assert_true(mpa_logins_worked_before(path, "3", MPA_PROTOCOL_SMTP));
	g_assert_false(mpa_logins_worked_before(path, "3", MPA_PROTOCOL_IMAP));
	g_assert_false(mpa_logins_worked_before(path, "4", MPA_PROTOCOL_SMTP));
	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	g_assert_true(g_file_get_contents(path, &data, NULL, NULL));
	g_assert_cmpstr(data, ==, "[3]\nsmtp=1764800000\n");
	g_assert_true(mpa_logins_forget(path, "3", NULL));
	g_assert_false(mpa_logins_worked_before(path, "3", MPA_PROTOCOL_SMTP));
	/* a damaged file reads as empty and is replaced by the next record */
	g_assert_true(g_file_set_contents(path, "\x01garbage[[[", -1, NULL));
	g_assert_false(mpa_logins_worked_before(path, "3", MPA_PROTOCOL_SMTP));
	g_assert_true(mpa_logins_record(path, "3", MPA_PROTOCOL_IMAP, 1764800001, NULL));
	g_assert_true(mpa_logins_worked_before(path, "3", MPA_PROTOCOL_IMAP));
	/* accounts removed from the mail program are forgotten, the others kept */
	g_assert_true(mpa_logins_record(path, "4", MPA_PROTOCOL_SMTP, 1764800002, NULL));
	g_assert_true(mpa_logins_record(path, "12", MPA_PROTOCOL_IMAP, 1764800003, NULL));
	{
		const gchar *const now[] = { "3", "12", "99", NULL };
		const gchar *const none[] = { NULL };

		g_assert_true(mpa_logins_keep_only(path, now, NULL));
		g_assert_true(mpa_logins_worked_before(path, "3", MPA_PROTOCOL_IMAP));
		g_assert_true(mpa_logins_worked_before(path, "12", MPA_PROTOCOL_IMAP));
		g_assert_false(mpa_logins_worked_before(path, "4", MPA_PROTOCOL_SMTP));
		g_assert_false(mpa_logins_worked_before(path, "99", MPA_PROTOCOL_IMAP));
		g_clear_pointer(&data, g_free);
		g_assert_true(g_file_get_contents(path, &data, NULL, NULL));
		g_assert_null(strstr(data, "[4]"));
		g_assert_true(mpa_logins_keep_only(path, none, NULL));
		g_assert_false(mpa_logins_worked_before(path, "3", MPA_PROTOCOL_IMAP));
		g_assert_false(mpa_logins_worked_before(path, "12", MPA_PROTOCOL_IMAP));
	}
	g_unlink(path);
	{
		g_autofree gchar *sub = g_path_get_dirname(path);

		g_rmdir(sub);
	}
	g_rmdir(dir);
}

static void test_imap_two_accounts(void)
{
	/* Two accounts connect at startup; the failure names the second one's host. */
	const gchar *lines[] = {
		"Account 'A': Connecting to IMAP server: imap.a.example:993...\n",
		"Account 'B': Connecting to IMAP server: IMAP.B.example:143...\n",
		"Account 'A2': Connecting to IMAP server: imap.a.example:993...\n",
		"[2026-11-28 10:00:02] IMAP< Authentication failed.\n",
		"IMAP error on imap.b.example: LOGIN error\n",
		NULL
	};
	g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogFailure) f = feed_all(w, lines);

	assert_failure(f, MPA_PA_LOG_IMAP, MPA_STAGE_AUTH, MPA_NET_NONE, "B", "imap.b.example", 143,
		       "Authentication failed.");
}

static void test_imap_unknown_host(void)
{
	const gchar *lines[] = { "IMAP error on imap.x.example: LOGIN error\n", NULL };
	g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogFailure) f = feed_all(w, lines);

	assert_failure(f, MPA_PA_LOG_IMAP, MPA_STAGE_AUTH, MPA_NET_NONE, NULL, "imap.x.example", 0, NULL);
}

static void test_other_imap_errors_ignored(void)
{
	const gchar *lines[] = {
		"Account 'A': Connecting to IMAP server: imap.a.example:993...\n",
		"IMAP error on imap.a.example: SELECT error\n",
		"IMAP error on imap.a.example: LIST error\n",
		NULL
	};
	g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogFailure) f = feed_all(w, lines);

	g_assert_null(f);
}

static void test_smtp_auth(void)
{
	const gchar *lines[] = {
		"Account 'Sohu': Connecting to SMTP server: smtp.sohu.com:465...\n",
		"[2026-11-28 10:00:01] ESMTP< 220 smtp.sohu.com ESMTP ready\n",
		"[2026-11-28 10:00:01] ESMTP> AUTH LOGIN\n",
		"[2026-11-28 10:00:01] ESMTP> [PASSWORD]\n",
		"[2026-11-28 10:00:02] ESMTP< 535 Error: authentication failed\n",
		"error occurred on authentication\n",
		"Authentication failed:\n535 Error: authentication failed\n",
		NULL
	};
	g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogFailure) f = feed_all(w, lines);

	assert_failure(f, MPA_PA_LOG_SMTP, MPA_STAGE_AUTH, MPA_NET_NONE, "Sohu", "smtp.sohu.com", 465,
		       "535 Error: authentication failed");
}

static void test_smtp_send(void)
{
	const gchar *lines[] = {
		"Account 'Sohu': Connecting to SMTP server: smtp.sohu.com:465...\n",
		"Error occurred while sending the message:\n554 DT:SPM message rejected as spam\n",
		NULL
	};
	g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogFailure) f = feed_all(w, lines);

	assert_failure(f, MPA_PA_LOG_SMTP, MPA_STAGE_SEND, MPA_NET_NONE, "Sohu", "smtp.sohu.com", 465,
		       "554 DT:SPM message rejected as spam");
}

static void test_translated_formats(void)
{
	/* zh_TW texts of Claws 4.1.1 have this shape; the watcher follows whatever it is given. */
	const MpaPaLogFormats fmt = {
		.imap_connecting = "帳號 '%s'：正在連線到 IMAP 伺服器：%s:%d...",
		.imap_error = "IMAP 錯誤於 %s：",
		.login_error = "LOGIN 錯誤",
	};
	const gchar *lines[] = {
		"帳號 '搜狐'：正在連線到 IMAP 伺服器：imap.sohu.com:993...\n",
		"IMAP 錯誤於 imap.sohu.com： LOGIN 錯誤\n",
		NULL
	};
	g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(&fmt);
	g_autoptr(MpaPaLogFailure) f = feed_all(w, lines);

	assert_failure(f, MPA_PA_LOG_IMAP, MPA_STAGE_AUTH, MPA_NET_NONE, "搜狐", "imap.sohu.com", 993, NULL);
}

static void test_special_characters(void)
{
	/* Regex metacharacters in account names and formats are literal. */
	const gchar *lines[] = {
		"Account 'a.*(b)': Connecting to IMAP server: imap.a.example:993...\n",
		"IMAP error on imap.a.example: LOGIN error\n",
		NULL
	};
	g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogFailure) f = feed_all(w, lines);

	assert_failure(f, MPA_PA_LOG_IMAP, MPA_STAGE_AUTH, MPA_NET_NONE, "a.*(b)", "imap.a.example", 993, NULL);
}

/* ---- connection failures: told apart by when they come ---- */

#define S(x) ((gint64)((x)*G_USEC_PER_SEC))

typedef struct {
	gdouble at; /* seconds */
	const gchar *text;
} Timed;

/* Feeds @lines at their times; returns the last failure (the others must be NULL). */
static MpaPaLogFailure *feed_timed(MpaPaLogWatch *w, const Timed *lines)
{
	MpaPaLogFailure *found = NULL;

	for (guint i = 0; lines[i].text; i++) {
		MpaPaLogFailure *f = mpa_pa_log_watch_feed_at(w, lines[i].text, S(1000 + lines[i].at));
		if (f) {
			g_assert_null(found);
			found = f;
		}
	}
	return found;
}

static void assert_net(const MpaPaLogFailure *f, MpaPaLogService service, MpaNetError err,
		       const gchar *account,
		       const gchar *host, guint port)
{
	assert_failure(f, service, MPA_STAGE_CONNECT, err, account, host, port, NULL);
}

static void test_imap_refused(void)
{
	const Timed quick[] = {
		{ 0, "Account 'Sohu': Connecting to IMAP server: imap.sohu.com:993...\n" },
		{ 0.2, "IMAP error on imap.sohu.com: connection refused\n" },
		{ 0, NULL }
	};
	/* packets dropped: connect() gives up after the whole I/O timeout */
	const Timed dropped[] = {
		{ 0, "Account 'Sohu': Connecting to IMAP server: imap.sohu.com:993...\n" },
		{ 60.1, "IMAP error on imap.sohu.com: connection refused\n" },
		{ 0, NULL }
	};
	g_autoptr(MpaPaLogWatch) w1 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogWatch) w2 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogFailure) f1 = feed_timed(w1, quick);
	g_autoptr(MpaPaLogFailure) f2 = feed_timed(w2, dropped);

	assert_net(f1, MPA_PA_LOG_IMAP, MPA_NET_REFUSED, "Sohu", "imap.sohu.com", 993);
	assert_net(f2, MPA_PA_LOG_IMAP, MPA_NET_TIMEOUT, "Sohu", "imap.sohu.com", 993);
}

static void test_imap_refused_unknown_connection(void)
{
	g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);

	/* no "Connecting" line for that host: no account to blame */
	g_assert_null(mpa_pa_log_watch_feed_at(w, "IMAP error on imap.x.example: connection refused\n", S(5)));
}

static void test_tls_failure(void)
{
	/* a silent server on an SSL port: the handshake waits for the whole I/O timeout */
	const Timed silent[] = {
		{ 0, "[12:00:00] Account 'Sohu': Connecting to IMAP server: imap.sohu.com:993...\n" },
		{ 60.05, "[12:01:00] TLS handshake failed\n" },
		{ 0, NULL }
	};
	/* plain text (or a hang-up) where TLS was expected */
	const Timed garbage[] = {
		{ 0, "Account 'Sohu': Connecting to IMAP server: imap.sohu.com:993...\n" },
		{ 0.4, "TLS handshake failed\n" },
		{ 0, NULL }
	};
	/* the line has no host: it belongs to the newest connection (here SMTP) */
	const Timed newest[] = {
		{ 0, "Account 'Sohu': Connecting to IMAP server: imap.sohu.com:993...\n" },
		{ 3, "Account 'Sohu': Connecting to SMTP server: smtp.sohu.com:465...\n" },
		{ 3.2, "TLS handshake failed\n" },
		{ 0, NULL }
	};
	/* Claws gives its own (SMTP) TLS handshake 30 s, whatever the I/O timeout */
	const Timed smtp_silent[] = {
		{ 0, "Account 'Sohu': Connecting to SMTP server: smtp.sohu.com:465...\n" },
		{ 30.1, "TLS handshake failed\n" },
		{ 0, NULL }
	};
	/* ... and when that is a POP3 connection, it is none of ours */
	const Timed pop3[] = {
		{ 0, "Account 'Sohu': Connecting to SMTP server: smtp.sohu.com:465...\n" },
		{ 1, "Account 'Pop': Connecting to POP3 server: pop3.sohu.com:995...\n" },
		{ 1.1, "TLS handshake failed\n" },
		{ 0, NULL }
	};
	g_autoptr(MpaPaLogWatch) w1 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogWatch) w2 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogWatch) w3 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogWatch) w4 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogWatch) w5 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogFailure) f1 = feed_timed(w1, silent);
	g_autoptr(MpaPaLogFailure) f2 = feed_timed(w2, garbage);
	g_autoptr(MpaPaLogFailure) f3 = feed_timed(w3, newest);
	g_autoptr(MpaPaLogFailure) f4 = feed_timed(w4, pop3);
	g_autoptr(MpaPaLogFailure) f5 = feed_timed(w5, smtp_silent);

	assert_net(f1, MPA_PA_LOG_IMAP, MPA_NET_TIMEOUT, "Sohu", "imap.sohu.com", 993);
	assert_net(f2, MPA_PA_LOG_IMAP, MPA_NET_TLS_HANDSHAKE, "Sohu", "imap.sohu.com", 993);
	assert_net(f3, MPA_PA_LOG_SMTP, MPA_NET_TLS_HANDSHAKE, "Sohu", "smtp.sohu.com", 465);
	g_assert_null(f4);
	assert_net(f5, MPA_PA_LOG_SMTP, MPA_NET_TIMEOUT, "Sohu", "smtp.sohu.com", 465);
}

static void test_imap_stream_error(void)
{
	const gchar *connecting = "Account 'Sohu': Connecting to IMAP server: imap.sohu.com:993...\n";
	const gchar *stream = "IMAP error on imap.sohu.com: stream error\n";
	/* silent after TLS: no greeting within the timeout */
	const Timed silent[] = { { 0, connecting }, { 61, stream }, { 0, NULL } };
	/* hung up at once, before any reply */
	const Timed hangup[] = { { 0, connecting }, { 0.5, stream }, { 0, NULL } };
	/* a session that had started talking and then broke: not a connection failure */
	const Timed talked[] = {
		{ 0, connecting }, { 0.3, "IMAP< * OK ready\n" }, { 0.6, stream }, { 0, NULL }
	};
	/* a session that broke long after it began */
	const Timed later[] = { { 0, connecting }, { 600, stream }, { 0, NULL } };
	g_autoptr(MpaPaLogWatch) w1 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogWatch) w2 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogWatch) w3 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogWatch) w4 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogFailure) f1 = feed_timed(w1, silent);
	g_autoptr(MpaPaLogFailure) f2 = feed_timed(w2, hangup);
	g_autoptr(MpaPaLogFailure) f3 = feed_timed(w3, talked);
	g_autoptr(MpaPaLogFailure) f4 = feed_timed(w4, later);

	assert_net(f1, MPA_PA_LOG_IMAP, MPA_NET_TIMEOUT, "Sohu", "imap.sohu.com", 993);
	assert_net(f2, MPA_PA_LOG_IMAP, MPA_NET_CLOSED, "Sohu", "imap.sohu.com", 993);
	g_assert_null(f3);
	g_assert_null(f4);
}

static void test_io_timeout_setting(void)
{
	const gchar *connecting = "Account 'Sohu': Connecting to IMAP server: imap.sohu.com:993...\n";
	const gchar *stream = "IMAP error on imap.sohu.com: stream error\n";
	const Timed ten[] = { { 0, connecting }, { 10.2, stream }, { 0, NULL } };
	const Timed sixty[] = { { 0, connecting }, { 60.2, stream }, { 0, NULL } };
	g_autoptr(MpaPaLogWatch) w1 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogWatch) w2 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogFailure) f1 = NULL;
	g_autoptr(MpaPaLogFailure) f2 = NULL;

	mpa_pa_log_watch_set_io_timeout(w1, 10);
	mpa_pa_log_watch_set_io_timeout(w2, 10);
	f1 = feed_timed(w1, ten);
	f2 = feed_timed(w2, sixty);
	assert_net(f1, MPA_PA_LOG_IMAP, MPA_NET_TIMEOUT, "Sohu", "imap.sohu.com", 993);
	g_assert_null(f2); /* 60 s is not this user's timeout: a later break */
}

static void test_smtp_tls_timeout_fixed(void)
{
	/* Claws 4.1.1 with io_timeout_secs=4: its SMTP TLS handshake still took 30.8 s */
	const Timed lines[] = {
		{ 0, "Account 'Sohu': Connecting to SMTP server: smtp.sohu.com:465...\n" },
		{ 30.8, "TLS handshake failed\n" },
		{ 30.8, "Error occurred while sending the message.\n" },
		{ 0, NULL }
	};
	g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogFailure) f = NULL;

	mpa_pa_log_watch_set_io_timeout(w, 4);
	f = feed_timed(w, lines);
	assert_net(f, MPA_PA_LOG_SMTP, MPA_NET_TIMEOUT, "Sohu", "smtp.sohu.com", 465);
}

static void test_smtp_session_timeout(void)
{
	const gchar *timed_out = "Session timed out. You may be able to recover by increasing the "
				 "timeout value in Preferences/Other/Miscellaneous.\n";
	const Timed smtp[] = {
		{ 0, "Account 'Sohu': Connecting to SMTP server: smtp.sohu.com:465...\n" },
		{ 60, timed_out },
		{ 0, NULL }
	};
	/* POP3 sessions log the same words */
	const Timed pop3[] = {
		{ 0, "Account 'Sohu': Connecting to SMTP server: smtp.sohu.com:465...\n" },
		{ 2, "Account 'Pop': Connecting to POP3 server: pop3.sohu.com:995...\n" },
		{ 62, timed_out },
		{ 0, NULL }
	};
	g_autoptr(MpaPaLogWatch) w1 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogWatch) w2 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogFailure) f1 = feed_timed(w1, smtp);
	g_autoptr(MpaPaLogFailure) f2 = feed_timed(w2, pop3);

	assert_net(f1, MPA_PA_LOG_SMTP, MPA_NET_TIMEOUT, "Sohu", "smtp.sohu.com", 465);
	g_assert_null(f2);
}

static void test_translated_connection_formats(void)
{
	const MpaPaLogFormats fmt = {
		.imap_connecting = "帐号“%s”：正在连接到 IMAP 服务器：%s:%d...",
		.imap_error = "%s 上的 IMAP 错误：",
		.connection_refused = "连接被拒绝",
		.tls_failed = "TLS 握手失败\n", /* Claws' msgid has the newline */
	};
	const Timed refused[] = {
		{ 0, "帐号“搜狐”：正在连接到 IMAP 服务器：imap.sohu.com:993...\n" },
		{ 0.1, "imap.sohu.com 上的 IMAP 错误： 连接被拒绝\n" },
		{ 0, NULL }
	};
	const Timed tls[] = {
		{ 0, "帐号“搜狐”：正在连接到 IMAP 服务器：imap.sohu.com:993...\n" },
		{ 60, "TLS 握手失败\n" },
		{ 0, NULL }
	};
	g_autoptr(MpaPaLogWatch) w1 = mpa_pa_log_watch_new(&fmt);
	g_autoptr(MpaPaLogWatch) w2 = mpa_pa_log_watch_new(&fmt);
	g_autoptr(MpaPaLogFailure) f1 = feed_timed(w1, refused);
	g_autoptr(MpaPaLogFailure) f2 = feed_timed(w2, tls);

	assert_net(f1, MPA_PA_LOG_IMAP, MPA_NET_REFUSED, "搜狐", "imap.sohu.com", 993);
	assert_net(f2, MPA_PA_LOG_IMAP, MPA_NET_TIMEOUT, "搜狐", "imap.sohu.com", 993);
}

/* An OAuth2 account without a token: Claws logs "OAuth2 access token not obtained" and then logs
 * in anyway; the refusal that follows is flagged oauth2, once.  A refusal long after, or with no
 * such line, is not. */
static void test_oauth2_no_token(void)
{
	const Timed imap[] = {
		{ 0, "Account 'Outlook': Connecting to IMAP server: outlook.office365.com:993...\n" },
		{ 0.1, "[2026-12-04 10:00:00] OAuth2 access token not obtained\n" },
		{ 0.5, "IMAP< AUTHENTICATE failed.\n" },
		{ 0.6, "IMAP error on outlook.office365.com: LOGIN error\n" },
		{ 0, NULL }
	};
	const Timed smtp[] = {
		{ 0, "OAuth2 missing authorization code\n" },
		{ 0.2, "Account 'Outlook': Connecting to SMTP server: smtp-mail.outlook.com:587...\n" },
		{ 1, "ESMTP< 535 5.7.3 Authentication unsuccessful\n" },
		{ 1.1, "Authentication failed:\n535 5.7.3 Authentication unsuccessful\n" },
		{ 0, NULL }
	};
	const Timed later[] = {
		{ 0, "Account 'Outlook': Connecting to IMAP server: outlook.office365.com:993...\n" },
		{ 0.1, "OAuth2 access token not obtained\n" },
		{ 0.6, "IMAP error on outlook.office365.com: LOGIN error\n" },
		{ 0.7, "Account 'Outlook': Connecting to IMAP server: outlook.office365.com:993...\n" },
		{ 1.0, "IMAP error on outlook.office365.com: LOGIN error\n" },
		{ 0, NULL }
	};
	g_autoptr(MpaPaLogWatch) w1 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogWatch) w2 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogWatch) w3 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogFailure) f1 = feed_timed(w1, imap);
	g_autoptr(MpaPaLogFailure) f2 = feed_timed(w2, smtp);
	MpaPaLogFailure *f3 = NULL;

	g_assert_nonnull(f1);
	g_assert_true(f1->oauth2);
	g_assert_cmpint(f1->service, ==, MPA_PA_LOG_IMAP);
	g_assert_cmpstr(f1->account_name, ==, "Outlook");
	g_assert_cmpstr(f1->reply, ==, "AUTHENTICATE failed.");
	g_assert_nonnull(f2);
	g_assert_true(f2->oauth2);
	g_assert_cmpint(f2->service, ==, MPA_PA_LOG_SMTP);
	/* the first refusal used the line up; the second one is an ordinary refusal */
	for (guint i = 0; later[i].text; i++) {
		MpaPaLogFailure *f = mpa_pa_log_watch_feed_at(w3, later[i].text, S(1000 + later[i].at));

		if (f && !f3) {
			g_assert_true(f->oauth2);
			f3 = f;
		} else if (f) {
			g_assert_false(f->oauth2);
			mpa_pa_log_failure_free(f);
		}
	}
	g_assert_nonnull(f3);
	mpa_pa_log_failure_free(f3);
	/* without the line, or a whole I/O timeout and more before the refusal: not OAuth2 */
	{
		g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);
		g_autoptr(MpaPaLogFailure) f = NULL;

		mpa_pa_log_watch_set_io_timeout(w, 4);
		g_assert_null(mpa_pa_log_watch_feed_at(w, "OAuth2 access token not obtained\n", S(1000)));
		g_assert_null(mpa_pa_log_watch_feed_at(w, "Account 'O': Connecting to IMAP server: h.example:993...\n", S(1100)));
		f = mpa_pa_log_watch_feed_at(w, "IMAP error on h.example: LOGIN error\n", S(1101));
		g_assert_nonnull(f);
		g_assert_false(f->oauth2);
	}
}

static void test_pop3_login(void)
{
	/* Two POP3 accounts and an SMTP session; Claws 4.1.1's lines for a refused PASS. */
	const gchar *lines[] = {
		"Account 'Other': Connecting to POP3 server: pop.example.com:995...\n",
		"POP< +OK ready\n",
		"Account 'Sohu POP': Connecting to POP3 server: POP3.sohu.com:995...\n",
		"Account 'Sohu POP': Connecting to SMTP server: smtp.sohu.com:465...\n",
		"[2026-11-28 10:00:01] POP< +OK POP3 ready\n",
		"[2026-11-28 10:00:01] POP> USER zhangsan@sohu.com\n",
		"[2026-11-28 10:00:01] POP< +OK\n",
		"[2026-11-28 10:00:01] POP> PASS ********\n",
		"[2026-11-28 10:00:02] POP< -ERR Authentication failed\n",
		"[2026-11-28 10:00:02] error occurred on authentication\n",
		NULL
	};
	/* the same words without a POP3 session seen: nothing to say */
	const gchar *orphan[] = { "error occurred on authentication\n", NULL };
	const MpaPaLogFormats fmt = {
		.pop3_connecting = "帐号“%s”：正在连接到 POP3 服务器：%s:%d...",
		.pop3_auth_error = "认证时出错\n",
	};
	const gchar *translated[] = {
		"帐号“搜狐”：正在连接到 POP3 服务器：pop3.sohu.com:995...\n",
		"POP< -ERR 用户名或密码错误\n",
		"认证时出错\n",
		NULL
	};
	g_autoptr(MpaPaLogWatch) w = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogWatch) w2 = mpa_pa_log_watch_new(NULL);
	g_autoptr(MpaPaLogWatch) w3 = mpa_pa_log_watch_new(&fmt);
	g_autoptr(MpaPaLogFailure) f = feed_all(w, lines);
	g_autoptr(MpaPaLogFailure) f2 = feed_all(w2, orphan);
	g_autoptr(MpaPaLogFailure) f3 = feed_all(w3, translated);

	assert_failure(f, MPA_PA_LOG_POP3, MPA_STAGE_AUTH, MPA_NET_NONE, "Sohu POP", "pop3.sohu.com", 995,
		       "-ERR Authentication failed");
	/* the receiving side's rules */
	g_assert_cmpint(mpa_pa_log_service_side(f->service), ==, MPA_PROTOCOL_IMAP);
	g_assert_cmpint(mpa_pa_log_service_side(MPA_PA_LOG_IMAP), ==, MPA_PROTOCOL_IMAP);
	g_assert_cmpint(mpa_pa_log_service_side(MPA_PA_LOG_SMTP), ==, MPA_PROTOCOL_SMTP);
	g_assert_null(f2);
	assert_failure(f3, MPA_PA_LOG_POP3, MPA_STAGE_AUTH, MPA_NET_NONE, "搜狐", "pop3.sohu.com", 995,
		       "-ERR 用户名或密码错误");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/loglines/imap/login", test_imap_login);
	g_test_add_func("/loglines/imap/two-accounts", test_imap_two_accounts);
	g_test_add_func("/loglines/imap/unknown-host", test_imap_unknown_host);
	g_test_add_func("/loglines/imap/other-errors", test_other_imap_errors_ignored);
	g_test_add_func("/loglines/smtp/auth", test_smtp_auth);
	g_test_add_func("/loglines/smtp/send", test_smtp_send);
	g_test_add_func("/loglines/pop3/login", test_pop3_login);
	g_test_add_func("/loglines/oauth2/no-token", test_oauth2_no_token);
	g_test_add_func("/loglines/translated", test_translated_formats);
	g_test_add_func("/loglines/special-characters", test_special_characters);
	g_test_add_func("/loglines/connect/imap-refused", test_imap_refused);
	g_test_add_func("/loglines/connect/imap-refused-unknown", test_imap_refused_unknown_connection);
	g_test_add_func("/loglines/connect/tls", test_tls_failure);
	g_test_add_func("/loglines/connect/imap-stream-error", test_imap_stream_error);
	g_test_add_func("/loglines/connect/io-timeout", test_io_timeout_setting);
	g_test_add_func("/loglines/connect/smtp-tls-30s", test_smtp_tls_timeout_fixed);
	g_test_add_func("/loglines/connect/smtp-timeout", test_smtp_session_timeout);
	g_test_add_func("/loglines/connect/translated", test_translated_connection_formats);
	g_test_add_func("/loglines/logins", test_logins);
	g_test_add_func("/loglines/logins-record", test_logins_record);
	return g_test_run();
}
