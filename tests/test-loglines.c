/* Tests for pa-loglines: Claws Mail's log lines about failed logins, correlated with the
 * "Connecting" line of the same account.  The texts are the ones Claws 4.1.1 writes. */
#include "config.h"

#include "pa-loglines.h"

static MpaLogFailure *
feed_all(MpaLogWatch *w, const gchar *const *lines)
{
	MpaLogFailure *found = NULL;

	for (guint i = 0; lines[i]; i++) {
		MpaLogFailure *f = mpa_log_watch_feed(w, lines[i]);
		if (f) {
			g_assert_null(found);   /* exactly one failure per script */
			found = f;
		}
	}
	return found;
}

static void
test_imap_login(void)
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
	g_autoptr(MpaLogWatch) w = mpa_log_watch_new(NULL);
	g_autoptr(MpaLogFailure) f = feed_all(w, lines);

	g_assert_nonnull(f);
	g_assert_cmpint(f->protocol, ==, MPA_PROTOCOL_IMAP);
	g_assert_cmpint(f->stage, ==, MPA_STAGE_AUTH);
	g_assert_cmpstr(f->account_name, ==, "Sohu");
	g_assert_cmpstr(f->host, ==, "imap.sohu.com");
	g_assert_cmpuint(f->port, ==, 993);
	g_assert_cmpstr(f->reply, ==, "ERR.LOGIN.PASSERR Password error");
}

static void
test_imap_two_accounts(void)
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
	g_autoptr(MpaLogWatch) w = mpa_log_watch_new(NULL);
	g_autoptr(MpaLogFailure) f = feed_all(w, lines);

	g_assert_nonnull(f);
	g_assert_cmpstr(f->account_name, ==, "B");
	g_assert_cmpstr(f->host, ==, "imap.b.example");
	g_assert_cmpuint(f->port, ==, 143);
	g_assert_cmpstr(f->reply, ==, "Authentication failed.");
}

static void
test_imap_unknown_host(void)
{
	const gchar *lines[] = { "IMAP error on imap.x.example: LOGIN error\n", NULL };
	g_autoptr(MpaLogWatch) w = mpa_log_watch_new(NULL);
	g_autoptr(MpaLogFailure) f = feed_all(w, lines);

	g_assert_nonnull(f);
	g_assert_null(f->account_name);
	g_assert_cmpstr(f->host, ==, "imap.x.example");
	g_assert_null(f->reply);
}

static void
test_other_imap_errors_ignored(void)
{
	const gchar *lines[] = {
		"Account 'A': Connecting to IMAP server: imap.a.example:993...\n",
		"IMAP error on imap.a.example: SELECT error\n",
		"IMAP error on imap.a.example: connection refused\n",
		NULL
	};
	g_autoptr(MpaLogWatch) w = mpa_log_watch_new(NULL);
	g_autoptr(MpaLogFailure) f = feed_all(w, lines);

	g_assert_null(f);
}

static void
test_smtp_auth(void)
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
	g_autoptr(MpaLogWatch) w = mpa_log_watch_new(NULL);
	g_autoptr(MpaLogFailure) f = feed_all(w, lines);

	g_assert_nonnull(f);
	g_assert_cmpint(f->protocol, ==, MPA_PROTOCOL_SMTP);
	g_assert_cmpint(f->stage, ==, MPA_STAGE_AUTH);
	g_assert_cmpstr(f->account_name, ==, "Sohu");
	g_assert_cmpstr(f->host, ==, "smtp.sohu.com");
	g_assert_cmpuint(f->port, ==, 465);
	g_assert_cmpstr(f->reply, ==, "535 Error: authentication failed");
}

static void
test_smtp_send(void)
{
	const gchar *lines[] = {
		"Account 'Sohu': Connecting to SMTP server: smtp.sohu.com:465...\n",
		"Error occurred while sending the message:\n554 DT:SPM message rejected as spam\n",
		NULL
	};
	g_autoptr(MpaLogWatch) w = mpa_log_watch_new(NULL);
	g_autoptr(MpaLogFailure) f = feed_all(w, lines);

	g_assert_nonnull(f);
	g_assert_cmpint(f->stage, ==, MPA_STAGE_SEND);
	g_assert_cmpstr(f->reply, ==, "554 DT:SPM message rejected as spam");
}

static void
test_translated_formats(void)
{
	/* zh_TW texts of Claws 4.1.1 have this shape; the watcher follows whatever it is given. */
	const MpaLogFormats fmt = {
		.imap_connecting = "帳號 '%s'：正在連線到 IMAP 伺服器：%s:%d...",
		.imap_error = "IMAP 錯誤於 %s：",
		.login_error = "LOGIN 錯誤",
	};
	const gchar *lines[] = {
		"帳號 '搜狐'：正在連線到 IMAP 伺服器：imap.sohu.com:993...\n",
		"IMAP 錯誤於 imap.sohu.com： LOGIN 錯誤\n",
		NULL
	};
	g_autoptr(MpaLogWatch) w = mpa_log_watch_new(&fmt);
	g_autoptr(MpaLogFailure) f = feed_all(w, lines);

	g_assert_nonnull(f);
	g_assert_cmpstr(f->account_name, ==, "搜狐");
	g_assert_cmpstr(f->host, ==, "imap.sohu.com");
}

static void
test_special_characters(void)
{
	/* Regex metacharacters in account names and formats are literal. */
	const gchar *lines[] = {
		"Account 'a.*(b)': Connecting to IMAP server: imap.a.example:993...\n",
		"IMAP error on imap.a.example: LOGIN error\n",
		NULL
	};
	g_autoptr(MpaLogWatch) w = mpa_log_watch_new(NULL);
	g_autoptr(MpaLogFailure) f = feed_all(w, lines);

	g_assert_nonnull(f);
	g_assert_cmpstr(f->account_name, ==, "a.*(b)");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/loglines/imap/login", test_imap_login);
	g_test_add_func("/loglines/imap/two-accounts", test_imap_two_accounts);
	g_test_add_func("/loglines/imap/unknown-host", test_imap_unknown_host);
	g_test_add_func("/loglines/imap/other-errors", test_other_imap_errors_ignored);
	g_test_add_func("/loglines/smtp/auth", test_smtp_auth);
	g_test_add_func("/loglines/smtp/send", test_smtp_send);
	g_test_add_func("/loglines/translated", test_translated_formats);
	g_test_add_func("/loglines/special-characters", test_special_characters);
	return g_test_run();
}
