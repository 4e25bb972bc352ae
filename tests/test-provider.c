/* Tests for the provider loader and database: every validation error, ISPDB compatibility,
 * directories and replacement by id, the Sohu file, localized texts. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "mpa-provider.h"
#include "mpa-diagnose.h"
#include "mpa-provider-private.h"
#include "mpa-xml.h"
#include "mpa-file.h"

/* A valid skeleton.  HEAD is 5 lines, so a line added after it is line 6; ASSIST opens the
 * mpa:assistant part on lines 6-7, so a line after it is line 8. */
#define NS MPA_XML_NAMESPACE
#define HEAD \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<clientConfig version=\"1.1\" xmlns:mpa=\"" NS "\">\n" \
	"<emailProvider id=\"t.example\">\n" \
	"<domain>t.example</domain>\n" \
	"<displayName>Test</displayName>\n"
#define TAIL "</emailProvider>\n</clientConfig>\n"
#define ASSIST \
	"<mpa:assistant checked=\"2026-01-01\">\n" \
	"<mpa:name lang=\"en\">Test</mpa:name><mpa:name lang=\"zh_CN\">测试</mpa:name>\n"
#define ASSIST_END "</mpa:assistant>\n"
#define SERVER(kind, type, host, port, sock, auth) \
	"<" kind " type=\"" type "\"><hostname>" host "</hostname><port>" port "</port>" \
	"<socketType>" sock "</socketType><authentication>" auth "</authentication></" kind ">\n"
#define IMAP_OK SERVER("incomingServer", "imap", "imap.t.example", "993", "SSL", "password-cleartext")
#define TITLES(el) "<mpa:" el " lang=\"en\">x</mpa:" el "><mpa:" el " lang=\"zh_CN\">x</mpa:" el ">"

typedef struct {
	gchar *dir;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	f->dir = g_dir_make_tmp("mpa-test-provider-XXXXXX", &error);
	g_assert_no_error(error);
}

static void remove_tree(const gchar *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const gchar *name;

	if (d == NULL)
		return;
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree gchar *path = g_build_filename(dir, name, NULL);

		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			remove_tree(path);
		else
			g_unlink(path);
	}
	g_dir_close(d);
	g_rmdir(dir);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
	remove_tree(f->dir);
	g_free(f->dir);
}

static gchar *write_file(const gchar *dir, const gchar *name, const gchar *contents)
{
	gchar *path = g_build_filename(dir, name, NULL);
	g_autoptr(GError) error = NULL;

	g_mkdir_with_parents(dir, 0700);
	g_file_set_contents(path, contents, -1, &error);
	g_assert_no_error(error);
	return path;
}

static GPtrArray *problems_new(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);
}

static void dump_problems(GPtrArray *problems)
{
	for (guint i = 0; i < problems->len; i++) {
		g_autofree gchar *s = mpa_problem_to_string(g_ptr_array_index(problems, i));

		g_test_message("problem: %s", s);
	}
}

/* ---- one bad file per validation error ---- */

typedef struct {
	const gchar *name;
	const gchar *xml;
	guint line;
	const gchar *message; /* a part of the expected message */
} BadCase;

static const BadCase bad_cases[] = {
	{ "not-well-formed", HEAD "<domain>x.example</dom>\n" TAIL, 6, "not well-formed XML" },
	{ "root", "<?xml version=\"1.0\"?>\n<config/>\n", 2, "the root element is <config>" },
	/* found by fuzzing (tests/fuzz/fuzz-provider): */
	{ "not-utf8", HEAD "<!-- caf\xe9 -->\n" TAIL, 6, "not valid UTF-8 text (byte 0xe9)" },
	{ "not-utf8-declaration", "<?xml ver\x81sion=\"1.0\"?>\n<clientConfig version=\"1.1\"/>\n", 1, "(byte 0x81)" },
	{ "no-element", "<?xml version=\"1.0\"?>\n<!-- nothing else -->\n", 0, "the file has no element" },
	{ "second-root", "<clientConfig version=\"1.1\"/>\n<clientConfig/>\n", 2, "element <clientConfig> follows the end of the document element <clientConfig>" },
	{ "version", "<clientConfig version=\"2.0\">\n<emailProvider id=\"t\"><domain>t.example</domain><displayName>T</displayName></emailProvider>\n</clientConfig>\n",
	  1, "clientConfig version '2.0' is not supported" },
	{ "text-in-container", HEAD "stray words\n" TAIL, 3, "text directly inside <emailProvider>" },
	{ "missing-id", "<clientConfig version=\"1.1\">\n<emailProvider>\n<domain>t.example</domain><displayName>T</displayName>\n</emailProvider></clientConfig>\n",
	  2, "<emailProvider> has no 'id' attribute" },
	{ "missing-display-name", "<clientConfig version=\"1.1\">\n<emailProvider id=\"t\">\n<domain>t.example</domain>\n</emailProvider></clientConfig>\n",
	  2, "<emailProvider> has no <displayName>" },
	{ "missing-domain", "<clientConfig version=\"1.1\">\n<emailProvider id=\"t\">\n<displayName>T</displayName>\n</emailProvider></clientConfig>\n",
	  2, "<emailProvider> has no <domain>" },
	{ "missing-provider", "<clientConfig version=\"1.1\">\n</clientConfig>\n", 1, "<clientConfig> has no <emailProvider>" },
	{ "missing-port", HEAD "<incomingServer type=\"imap\"><hostname>imap.t.example</hostname><socketType>SSL</socketType><authentication>plain</authentication></incomingServer>\n" TAIL,
	  6, "<incomingServer> has no <port>" },
	{ "missing-hostname", HEAD "<outgoingServer type=\"smtp\"><port>465</port><socketType>SSL</socketType><authentication>plain</authentication></outgoingServer>\n" TAIL,
	  6, "<outgoingServer> has no <hostname>" },
	{ "missing-authentication", HEAD "<incomingServer type=\"imap\"><hostname>imap.t.example</hostname><port>993</port><socketType>SSL</socketType></incomingServer>\n" TAIL,
	  6, "has no <authentication>" },
	{ "port-too-big", HEAD SERVER("incomingServer", "imap", "imap.t.example", "70000", "SSL", "plain") TAIL, 6, "port '70000' is not a number from 1 to 65535" },
	{ "port-zero", HEAD SERVER("incomingServer", "imap", "imap.t.example", "0", "SSL", "plain") TAIL, 6, "port '0' is not a number" },
	{ "port-text", HEAD SERVER("incomingServer", "imap", "imap.t.example", "imaps", "SSL", "plain") TAIL, 6, "port 'imaps' is not a number" },
	{ "port-negative", HEAD SERVER("incomingServer", "imap", "imap.t.example", "-993", "SSL", "plain") TAIL, 6, "port '-993' is not a number" },
	{ "host-upper", HEAD SERVER("incomingServer", "imap", "IMAP.t.example", "993", "SSL", "plain") TAIL, 6, "host name 'IMAP.t.example' has upper-case letters — write it in lower case: imap.t.example" },
	{ "host-double-dot", HEAD SERVER("incomingServer", "imap", "imap..t.example", "993", "SSL", "plain") TAIL, 6, "host name 'imap..t.example' is malformed" },
	{ "host-underscore", HEAD SERVER("outgoingServer", "smtp", "smtp_t.example", "465", "SSL", "plain") TAIL, 6, "host name 'smtp_t.example' is malformed" },
	{ "host-hyphen", HEAD SERVER("outgoingServer", "smtp", "-smtp.t.example", "465", "SSL", "plain") TAIL, 6, "is malformed" },
	{ "host-unicode", HEAD SERVER("outgoingServer", "smtp", "smtp.例子.example", "465", "SSL", "plain") TAIL, 6, "is not ASCII — write it in its punycode form: smtp.xn--" },
	{ "socket-type", HEAD SERVER("incomingServer", "imap", "imap.t.example", "993", "TLS", "plain") TAIL, 6, "unknown socketType 'TLS' — use SSL, STARTTLS or plain" },
	{ "authentication", HEAD SERVER("incomingServer", "imap", "imap.t.example", "993", "SSL", "magic") TAIL, 6, "unknown authentication 'magic'" },
	{ "server-type", HEAD SERVER("incomingServer", "pop4", "pop.t.example", "995", "SSL", "plain") TAIL, 6, "unknown server type 'pop4'" },
	{ "username-placeholder", HEAD "<incomingServer type=\"imap\"><hostname>imap.t.example</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADRESS%</username><authentication>plain</authentication></incomingServer>\n" TAIL,
	  6, "unknown placeholder" },
	{ "duplicate-port", HEAD "<incomingServer type=\"imap\"><hostname>imap.t.example</hostname><port>993</port><port>143</port><socketType>SSL</socketType><authentication>plain</authentication></incomingServer>\n" TAIL,
	  6, "<port> appears more than once in <incomingServer>" },
	{ "domain-upper", HEAD "<domain>Other.example</domain>\n" TAIL, 6, "domain 'Other.example' has upper-case letters" },
	{ "domain-malformed", HEAD "<domain>bad_domain.example</domain>\n" TAIL, 6, "domain 'bad_domain.example' is malformed" },
	{ "domain-no-dot", HEAD "<domain>localhost</domain>\n" TAIL, 6, "domain 'localhost' is malformed: it has no dot" },
	{ "undeclared-prefix", HEAD "<y:extra/>\n" TAIL, 6, "element <y:extra> uses the prefix 'y', which is not declared" },
	/* inside mpa:assistant, which this project defines, an element without our prefix is not ignored */
	{ "ispdb-element-in-assistant", HEAD ASSIST "<tip/>\n" ASSIST_END TAIL, 8, "unknown element <tip> inside <mpa:assistant> — remove it" },
	{ "ispdb-attribute-in-assistant", HEAD ASSIST "<mpa:mx host=\"mx.t.example\" x=\"1\"/>\n" ASSIST_END TAIL, 8, "unknown attribute 'x' on <mpa:mx> — remove it" },
	{ "mpa-unknown-element", HEAD ASSIST "<mpa:tip/>\n" ASSIST_END TAIL, 8, "unknown element <mpa:tip> inside <mpa:assistant>" },
	{ "mpa-outside-provider", "<clientConfig version=\"1.1\" xmlns:mpa=\"" NS "\">\n<mpa:assistant checked=\"2026-01-01\"/>\n<emailProvider id=\"t\"><domain>t.example</domain><displayName>T</displayName></emailProvider>\n</clientConfig>\n",
	  2, "unknown element <mpa:assistant> inside <clientConfig>" },
	{ "mpa-unknown-attribute", HEAD ASSIST "<mpa:rule cause=\"unknown\" link=\"settings\"/>\n" ASSIST_END TAIL, 8, "unknown attribute 'link' on <mpa:rule>" },
	{ "assistant-twice", HEAD ASSIST ASSIST_END "<mpa:assistant checked=\"2026-01-01\">" TITLES("name") "</mpa:assistant>\n" TAIL, 9, "<mpa:assistant> appears more than once" },
	{ "checked-missing", HEAD "<mpa:assistant>\n" TITLES("name") "\n" ASSIST_END TAIL, 6, "<mpa:assistant> has no 'checked' attribute" },
	{ "checked-bad-date", HEAD "<mpa:assistant checked=\"2026-02-30\">\n" TITLES("name") "\n" ASSIST_END TAIL, 6, "checked=\"2026-02-30\" is not a date written YYYY-MM-DD" },
	{ "checked-bad-format", HEAD "<mpa:assistant checked=\"28.11.2026\">\n" TITLES("name") "\n" ASSIST_END TAIL, 6, "checked=\"28.11.2026\" is not a date" },
	{ "name-missing", HEAD "<mpa:assistant checked=\"2026-01-01\">\n" ASSIST_END TAIL, 6, "<mpa:assistant> has no <mpa:name>" },
	{ "text-no-zh", HEAD ASSIST "<mpa:link id=\"web\" url=\"https://t.example/\">\n<mpa:title lang=\"en\">Web</mpa:title>\n</mpa:link>\n" ASSIST_END TAIL,
	  9, "<mpa:title> has no Simplified Chinese text — add a <mpa:title lang=\"zh_CN\">" },
	{ "text-no-en", HEAD ASSIST "<mpa:link id=\"web\" url=\"https://t.example/\">\n<mpa:title lang=\"zh_CN\">网页</mpa:title>\n</mpa:link>\n" ASSIST_END TAIL,
	  9, "<mpa:title> has no English text" },
	{ "text-missing", HEAD ASSIST "<mpa:step id=\"one\">" TITLES("title") "</mpa:step>\n" ASSIST_END TAIL, 8, "<mpa:step> has no <mpa:text>" },
	{ "text-empty", HEAD ASSIST "<mpa:step id=\"one\">" TITLES("title") "<mpa:text lang=\"en\"> </mpa:text><mpa:text lang=\"zh_CN\">x</mpa:text></mpa:step>\n" ASSIST_END TAIL,
	  8, "<mpa:text lang=\"en\"> is empty" },
	{ "text-lang-twice", HEAD ASSIST "<mpa:step id=\"one\">" TITLES("title") TITLES("text") "<mpa:text lang=\"zh-CN\">y</mpa:text></mpa:step>\n" ASSIST_END TAIL,
	  8, "<mpa:text> for lang=\"zh_CN\" appears twice" },
	{ "text-lang-bad", HEAD ASSIST "<mpa:step id=\"one\">" TITLES("title") TITLES("text") "<mpa:text lang=\"english\">y</mpa:text></mpa:step>\n" ASSIST_END TAIL,
	  8, "lang=\"english\" is not a language code" },
	{ "text-lang-missing", HEAD ASSIST "<mpa:step id=\"one\">" TITLES("title") TITLES("text") "<mpa:text>y</mpa:text></mpa:step>\n" ASSIST_END TAIL,
	  8, "<mpa:text> has no 'lang' attribute" },
	{ "link-unknown", HEAD ASSIST "<mpa:step id=\"one\" link=\"nowhere\">" TITLES("title") TITLES("text") "</mpa:step>\n" ASSIST_END TAIL,
	  8, "link=\"nowhere\" refers to no <mpa:link> of this file" },
	{ "link-unknown-in-cause", HEAD ASSIST "<mpa:cause id=\"rate-limited\" link=\"help\">" TITLES("title") TITLES("fix") "</mpa:cause>\n" ASSIST_END TAIL,
	  8, "link=\"help\" refers to no <mpa:link>" },
	{ "link-bad-url", HEAD ASSIST "<mpa:link id=\"web\" url=\"mail.t.example\">" TITLES("title") "</mpa:link>\n" ASSIST_END TAIL, 8, "url 'mail.t.example' is not a web address" },
	{ "link-id-twice", HEAD ASSIST "<mpa:link id=\"web\" url=\"https://t.example/\">" TITLES("title") "</mpa:link>\n<mpa:link id=\"web\" url=\"https://t.example/b\">" TITLES("title") "</mpa:link>\n" ASSIST_END TAIL,
	  9, "link id 'web' is used twice" },
	{ "step-id-twice", HEAD ASSIST "<mpa:step id=\"one\">" TITLES("title") TITLES("text") "</mpa:step>\n<mpa:note id=\"one\">" TITLES("title") TITLES("text") "</mpa:note>\n" ASSIST_END TAIL,
	  9, "id 'one' is used twice" },
	{ "step-id-bad", HEAD ASSIST "<mpa:step id=\"Step One\">" TITLES("title") TITLES("text") "</mpa:step>\n" ASSIST_END TAIL, 8, "id 'Step One' on <mpa:step> is not a word" },
	{ "cause-unknown", HEAD ASSIST "<mpa:cause id=\"bad-password\">" TITLES("title") TITLES("fix") "</mpa:cause>\n" ASSIST_END TAIL, 8, "unknown cause 'bad-password' in the 'id' attribute" },
	{ "cause-twice", HEAD ASSIST "<mpa:cause id=\"timeout\">" TITLES("title") TITLES("fix") "</mpa:cause>\n<mpa:cause id=\"timeout\">" TITLES("title") TITLES("fix") "</mpa:cause>\n" ASSIST_END TAIL,
	  9, "cause 'timeout' has two <mpa:cause> entries" },
	{ "rule-cause-unknown", HEAD ASSIST "<mpa:rule stage=\"auth\" cause=\"no-such-cause\"/>\n" ASSIST_END TAIL, 8, "unknown cause 'no-such-cause' in the 'cause' attribute" },
	{ "rule-cause-missing", HEAD ASSIST "<mpa:rule stage=\"auth\"/>\n" ASSIST_END TAIL, 8, "<mpa:rule> has no 'cause' attribute" },
	{ "rule-candidate-unknown", HEAD ASSIST "<mpa:rule cause=\"timeout\" candidates=\"dns-failure slow-server\"/>\n" ASSIST_END TAIL, 8, "unknown cause 'slow-server' in the 'candidates' attribute" },
	{ "rule-candidate-twice", HEAD ASSIST "<mpa:rule cause=\"timeout\" candidates=\"dns-failure timeout\"/>\n" ASSIST_END TAIL, 8, "cause 'timeout' is listed twice in the rule" },
	{ "rule-stage", HEAD ASSIST "<mpa:rule stage=\"login\" cause=\"timeout\"/>\n" ASSIST_END TAIL, 8, "unknown stage 'login'" },
	{ "rule-protocol", HEAD ASSIST "<mpa:rule protocol=\"pop3\" cause=\"timeout\"/>\n" ASSIST_END TAIL, 8, "unknown protocol 'pop3'" },
	{ "rule-regex", HEAD ASSIST "<mpa:rule match=\"auth(entication failed\" cause=\"wrong-credentials\"/>\n" ASSIST_END TAIL, 8, "match 'auth(entication failed' is not a valid regular expression" },
	{ "rule-regex-empty", HEAD ASSIST "<mpa:rule match=\"\" cause=\"wrong-credentials\"/>\n" ASSIST_END TAIL, 8, "match=\"\" is empty" },
	{ "rule-code", HEAD ASSIST "<mpa:rule code=\"53\" cause=\"wrong-credentials\"/>\n" ASSIST_END TAIL, 8, "code '53' is not an SMTP reply code" },
	{ "rule-multiline-tag", HEAD ASSIST "<mpa:rule\n  protocol=\"smtp\"\n  stage=\"auth\"\n  cause=\"nope\"/>\n" ASSIST_END TAIL, 8, "unknown cause 'nope'" },
	{ "password-kind", HEAD ASSIST "<mpa:password kind=\"token\"/>\n" ASSIST_END TAIL, 8, "unknown password kind 'token'" },
	{ "password-app-needs-label", HEAD ASSIST "<mpa:password kind=\"app-password\">" TITLES("hint") "</mpa:password>\n" ASSIST_END TAIL, 8, "<mpa:password> has no <mpa:label>" },
	{ "sending-no-stage", HEAD ASSIST "<mpa:sending bulk-recipients=\"20\"/>\n" ASSIST_END TAIL, 8, "<mpa:sending> has no <mpa:stage>" },
	{ "sending-bulk", HEAD ASSIST "<mpa:sending bulk-recipients=\"many\"><mpa:stage from=\"0\" daily=\"10\"/></mpa:sending>\n" ASSIST_END TAIL, 8, "bulk-recipients 'many' is not a number" },
	{ "sending-first-not-zero", HEAD ASSIST "<mpa:sending>\n<mpa:stage from=\"1\" daily=\"10\"/>\n</mpa:sending>\n" ASSIST_END TAIL, 9, "the first sending stage starts at day 1" },
	{ "sending-gap", HEAD ASSIST "<mpa:sending>\n<mpa:stage from=\"0\" to=\"7\" daily=\"10\"/>\n<mpa:stage from=\"8\" daily=\"20\"/>\n</mpa:sending>\n" ASSIST_END TAIL,
	  10, "this stage starts at day 8 but the one before ends at day 7" },
	{ "sending-overlap", HEAD ASSIST "<mpa:sending>\n<mpa:stage from=\"0\" to=\"7\" daily=\"10\"/>\n<mpa:stage from=\"5\" daily=\"20\"/>\n</mpa:sending>\n" ASSIST_END TAIL,
	  10, "this stage starts at day 5 but the one before ends at day 7" },
	{ "sending-backwards", HEAD ASSIST "<mpa:sending>\n<mpa:stage from=\"0\" to=\"0\" daily=\"10\"/>\n<mpa:stage from=\"0\" daily=\"20\"/>\n</mpa:sending>\n" ASSIST_END TAIL,
	  9, "the stage ends (to=\"0\") before it starts (from=\"0\")" },
	{ "sending-open-not-last", HEAD ASSIST "<mpa:sending>\n<mpa:stage from=\"0\" daily=\"10\"/>\n<mpa:stage from=\"7\" daily=\"20\"/>\n</mpa:sending>\n" ASSIST_END TAIL,
	  9, "only the last sending stage may leave out 'to'" },
	{ "sending-last-closed", HEAD ASSIST "<mpa:sending>\n<mpa:stage from=\"0\" to=\"7\" daily=\"10\"/>\n</mpa:sending>\n" ASSIST_END TAIL,
	  9, "the last sending stage ends at day 7" },
	{ "mx-neither", HEAD ASSIST "<mpa:mx/>\n" ASSIST_END TAIL, 8, "<mpa:mx> needs exactly one of 'host' and 'suffix'" },
	{ "mx-both", HEAD ASSIST "<mpa:mx host=\"mx.t.example\" suffix=\"t.example\"/>\n" ASSIST_END TAIL, 8, "<mpa:mx> needs exactly one of 'host' and 'suffix'" },
	{ "mx-wildcard", HEAD ASSIST "<mpa:mx host=\"*.mail.protection.outlook.com\"/>\n" ASSIST_END TAIL, 8, "has a wildcard — write suffix=\"mail.protection.outlook.com\"" },
	{ "mx-trailing-dot", HEAD ASSIST "<mpa:mx host=\"mxbiz1.qq.com.\"/>\n" ASSIST_END TAIL, 8, "MX pattern 'mxbiz1.qq.com.' ends with a dot" },
	{ "mx-upper", HEAD ASSIST "<mpa:mx suffix=\"MXHichina.com\"/>\n" ASSIST_END TAIL, 8, "has upper-case letters — write it in lower case: mxhichina.com" },
	{ "mx-no-dot", HEAD ASSIST "<mpa:mx suffix=\"com\"/>\n" ASSIST_END TAIL, 8, "MX pattern 'com' is malformed: it has no dot" },
	{ "mx-ip", HEAD ASSIST "<mpa:mx host=\"192.0.2.1\"/>\n" ASSIST_END TAIL, 8, "MX pattern '192.0.2.1' is malformed: it is an IP address" },
	{ "mx-bad-label", HEAD ASSIST "<mpa:mx host=\"mx_1.t.example\"/>\n" ASSIST_END TAIL, 8, "MX pattern 'mx_1.t.example' is malformed" },
	{ "mx-not-ascii", HEAD ASSIST "<mpa:mx host=\"mx.例子.cn\"/>\n" ASSIST_END TAIL, 8, "is not ASCII — write it in its punycode form: mx.xn--fsqu00a.cn" },
	{ "mx-twice", HEAD ASSIST "<mpa:mx host=\"mx.t.example\"/>\n<mpa:mx host=\"mx.t.example\"/>\n" ASSIST_END TAIL, 9, "MX pattern 'mx.t.example' is listed twice (first on line 8)" },
	{ "mx-text", HEAD ASSIST "<mpa:mx host=\"mx.t.example\">mx.t.example</mpa:mx>\n" ASSIST_END TAIL, 8, "text directly inside <mpa:mx>" },
	{ "mx-attribute", HEAD ASSIST "<mpa:mx host=\"mx.t.example\" preference=\"5\"/>\n" ASSIST_END TAIL, 8, "unknown attribute 'preference' on <mpa:mx>" },
	{ "auth-method", HEAD IMAP_OK ASSIST "<mpa:auth imap=\"cram-md5\"/>\n" ASSIST_END TAIL, 9, "unknown imap method 'cram-md5' — use login, plain or oauth2" },
	{ "auth-oauth2-not-offered", HEAD IMAP_OK ASSIST "<mpa:auth imap=\"oauth2\"/>\n" ASSIST_END TAIL, 9, "<mpa:auth imap=\"oauth2\"> but that server's <authentication> has no OAuth2" },
	{ "auth-password-not-offered", HEAD SERVER("incomingServer", "imap", "imap.t.example", "993", "SSL", "OAuth2") ASSIST "<mpa:auth imap=\"login\"/>\n" ASSIST_END TAIL,
	  9, "<mpa:auth imap=\"login\"> but that server's <authentication> has no password method — use oauth2" },
	{ "auth-oauth2-provider", HEAD IMAP_OK ASSIST "<mpa:auth oauth2-provider=\"microsoft\"/>\n" ASSIST_END TAIL, 9, "unknown oauth2-provider 'microsoft'" },
	{ "auth-twice", HEAD IMAP_OK ASSIST "<mpa:auth imap=\"login\"/>\n<mpa:auth smtp=\"login\"/>\n" ASSIST_END TAIL, 10, "<mpa:auth> appears more than once" },
	{ "oauth2-client-twice", HEAD IMAP_OK ASSIST "<mpa:oauth2-client id=\"a\">" TITLES("title") TITLES("text") "</mpa:oauth2-client>\n<mpa:oauth2-client id=\"b\">" TITLES("title") TITLES("text") "</mpa:oauth2-client>\n" ASSIST_END TAIL,
	  10, "<mpa:oauth2-client> appears more than once" },
	{ "oauth2-client-no-text", HEAD ASSIST "<mpa:oauth2-client id=\"reg\">" TITLES("title") "</mpa:oauth2-client>\n" ASSIST_END TAIL, 8, "has no <mpa:text>" },
	{ "sending-daily-zero", HEAD ASSIST "<mpa:sending>\n<mpa:stage from=\"0\" daily=\"0\"/>\n</mpa:sending>\n" ASSIST_END TAIL, 9, "daily '0' is not a number" },
};

/* ---- what the loader ignores, as Thunderbird does: a warning, and the file loads ---- */

static const BadCase warn_cases[] = {
	{ "unknown-element", HEAD "<domian>x.example</domian>\n" TAIL, 6, "unknown element <domian> inside <emailProvider> is ignored" },
	{ "unknown-attribute", HEAD "<domain lang=\"en\">x.example</domain>\n" TAIL, 6, "unknown attribute 'lang' on <domain>" },
	{ "unknown-attribute-prefixed", HEAD "<domain mpa:x=\"1\">x.example</domain>\n" TAIL, 6, "unknown attribute 'mpa:x' on <domain>" },
	{ "unknown-server-child", HEAD "<incomingServer type=\"imap\"><hostname>imap.t.example</hostname><port>993</port><socketType>SSL</socketType><authentication>plain</authentication><tls/></incomingServer>\n" TAIL,
	  6, "unknown element <tls> inside <incomingServer> is ignored" },
	{ "domain-twice", HEAD "<domain>t.example</domain>\n" TAIL, 6, "domain 't.example' is listed twice (first on line 4)" },
	{ "domain-twice-idn", HEAD "<domain>例子.example</domain>\n<domain>xn--fsqu00a.example</domain>\n" TAIL, 7, "is listed twice (first on line 6)" },
	{ "oauth2-client-without-service", HEAD ASSIST "<mpa:oauth2-client id=\"reg\">" TITLES("title") TITLES("text") "</mpa:oauth2-client>\n" ASSIST_END TAIL,
	  8, "<mpa:oauth2-client> but <mpa:auth> names no oauth2-provider" },
	{ "unknown-namespace", HEAD "<x:extra xmlns:x=\"urn:example:other\"/>\n" TAIL, 6, "element <x:extra> is in the unknown namespace 'urn:example:other' and is ignored" },
};

/* The one sign-in method per server: from <mpa:auth>, else from the <authentication> list. */
static void test_auth_methods(void)
{
	static const gchar xml[] = HEAD
		SERVER("incomingServer", "imap", "imap.t.example", "993", "SSL", "OAuth2")
			SERVER("outgoingServer", "smtp", "smtp.t.example", "465", "SSL", "password-cleartext")
				ASSIST "<mpa:auth smtp=\"plain\" oauth2-provider=\"exchange\"/>\n" ASSIST_END TAIL;
	static const gchar plain_ispdb[] = HEAD
		"<incomingServer type=\"imap\"><hostname>imap.t.example</hostname><port>993</port><socketType>SSL</socketType>"
		"<authentication>OAuth2</authentication><authentication>password-cleartext</authentication></incomingServer>\n" SERVER("outgoingServer", "smtp", "smtp.t.example", "465", "SSL", "OAuth2") TAIL;
	g_autoptr(GPtrArray) problems = problems_new();
	MpaProvider *p = mpa_provider_load_data(xml, sizeof xml - 1, "auth.xml", problems);

	dump_problems(problems);
	g_assert_nonnull(p);
	g_assert_cmpint(p->imap->auth_method, ==, MPA_AUTH_OAUTH2); /* OAuth2 is all it lists */
	g_assert_cmpint(p->smtp->auth_method, ==, MPA_AUTH_PLAIN);  /* as <mpa:auth> says */
	g_assert_cmpint(p->oauth2_provider, ==, MPA_OAUTH2_EXCHANGE);
	g_assert_cmpstr(mpa_auth_method_name(p->smtp->auth_method), ==, "plain");
	g_assert_cmpstr(mpa_oauth2_provider_name(p->oauth2_provider), ==, "exchange");
	mpa_provider_free(p);

	p = mpa_provider_load_data(plain_ispdb, sizeof plain_ispdb - 1, "ispdb.xml", problems);
	g_assert_nonnull(p);
	g_assert_cmpint(p->imap->auth_method, ==, MPA_AUTH_LOGIN); /* a password before OAuth2 */
	g_assert_cmpint(p->smtp->auth_method, ==, MPA_AUTH_OAUTH2);
	g_assert_cmpint(p->oauth2_provider, ==, MPA_OAUTH2_NONE);
	mpa_provider_free(p);
}

/* OAuth2 beside a password (the page's choice) is decided from the data; the registration steps
 * of <mpa:oauth2-client> are kept with their link. */
static void
test_oauth2_client(void)
{
#define BOTH "<authentication>OAuth2</authentication><authentication>password-cleartext</authentication>"
#define SRV(kind, type, host) "<" kind " type=\"" type "\"><hostname>" host "</hostname><port>993</port><socketType>SSL</socketType>" BOTH "</" kind ">\n"
	static const gchar optional[] = HEAD SRV("incomingServer", "imap", "imap.t.example") SRV("outgoingServer", "smtp", "smtp.t.example")
		ASSIST "<mpa:auth imap=\"login\" smtp=\"login\" oauth2-provider=\"google\"/>\n"
		       "<mpa:link id=\"console\" url=\"https://console.t.example/\">" TITLES("title") "</mpa:link>\n"
												      "<mpa:oauth2-client id=\"reg\" link=\"console\">" TITLES("title") TITLES("text") "</mpa:oauth2-client>\n" ASSIST_END TAIL;
	static const gchar only[] = HEAD SRV("incomingServer", "imap", "imap.t.example") SRV("outgoingServer", "smtp", "smtp.t.example")
		ASSIST "<mpa:auth imap=\"oauth2\" smtp=\"oauth2\" oauth2-provider=\"outlook\"/>\n" ASSIST_END TAIL;
	static const gchar unnamed[] = HEAD SRV("incomingServer", "imap", "imap.t.example") SRV("outgoingServer", "smtp", "smtp.t.example") TAIL;
#undef SRV
#undef BOTH
	g_autoptr(GPtrArray) problems = problems_new();
	MpaProvider *p = mpa_provider_load_data(optional, sizeof optional - 1, "optional.xml", problems);

	dump_problems(problems);
	g_assert_cmpuint(problems->len, ==, 0);
	g_assert_nonnull(p);
	g_assert_true(mpa_provider_oauth2_optional(p));
	g_assert_nonnull(p->oauth2_client);
	g_assert_cmpstr(p->oauth2_client->id, ==, "reg");
	g_assert_nonnull(p->oauth2_client->link);
	g_assert_cmpstr(p->oauth2_client->link->url, ==, "https://console.t.example/");
	g_assert_nonnull(mpa_text_get(p->oauth2_client->text));
	g_assert_cmpuint(p->steps->len, ==, 0); /* not part of the checklist */
	mpa_provider_free(p);

	/* OAuth2 the only method set: no choice */
	p = mpa_provider_load_data(only, sizeof only - 1, "only.xml", problems);
	g_assert_nonnull(p);
	g_assert_false(mpa_provider_oauth2_optional(p));
	g_assert_null(p->oauth2_client);
	mpa_provider_free(p);

	/* both offered, but no Claws service named (AOL): no choice either */
	p = mpa_provider_load_data(unnamed, sizeof unnamed - 1, "unnamed.xml", problems);
	g_assert_nonnull(p);
	g_assert_true(p->imap->oauth2 && p->imap->password_auth);
	g_assert_false(mpa_provider_oauth2_optional(p));
	mpa_provider_free(p);
	g_assert_false(mpa_provider_oauth2_optional(NULL));
}

static void test_warn(Fixture *f, gconstpointer data)
{
	const BadCase *c = data;
	g_autofree gchar *path = write_file(f->dir, "warn.xml", c->xml);
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaProvider) p = mpa_provider_load_file(path, problems);
	g_autofree gchar *prefix = g_strdup_printf("%s:%u: warning: ", path, c->line);
	gboolean found = FALSE;

	dump_problems(problems);
	g_assert_nonnull(p);
	g_assert_cmpstr(p->id, ==, "t.example");
	for (guint i = 0; i < problems->len; i++) {
		const MpaProblem *pr = g_ptr_array_index(problems, i);
		g_autofree gchar *s = mpa_problem_to_string(pr);

		g_assert_true(pr->warning);
		g_assert_nonnull(strstr(pr->message, " — "));
		if (g_str_has_prefix(s, prefix) && strstr(s, c->message) != NULL)
			found = TRUE;
	}
	if (!found)
		g_test_fail_printf("expected \"%s…%s\"", prefix, c->message);
}

static void test_bad(Fixture *f, gconstpointer data)
{
	const BadCase *c = data;
	g_autofree gchar *path = write_file(f->dir, "bad.xml", c->xml);
	g_autoptr(GPtrArray) problems = problems_new();
	MpaProvider *p = mpa_provider_load_file(path, problems);
	g_autofree gchar *prefix = c->line > 0 ? g_strdup_printf("%s:%u: ", path, c->line)
					       : g_strdup_printf("%s: ", path);
	gboolean found = FALSE;

	dump_problems(problems);
	g_assert_null(p);
	g_assert_cmpuint(problems->len, >=, 1);
	for (guint i = 0; i < problems->len; i++) {
		const MpaProblem *pr = g_ptr_array_index(problems, i);
		g_autofree gchar *s = mpa_problem_to_string(pr);

		/* every message says what to do */
		g_assert_nonnull(strstr(pr->message, " — "));
		g_assert_true(g_utf8_validate(pr->message, -1, NULL));
		g_assert_cmpstr(pr->file, ==, path);
		if (g_str_has_prefix(s, prefix) && strstr(s, c->message) != NULL)
			found = TRUE;
	}
	if (!found)
		g_test_fail_printf("expected \"%s…%s\"", prefix, c->message);
}

/* From memory, as the fuzz target loads: a NUL byte is not text (found by fuzzing). */
static void test_nul_byte(void)
{
	static const gchar xml[] = HEAD "<domain>x.example\0</domain>\n" TAIL;
	g_autoptr(GPtrArray) problems = problems_new();
	MpaProvider *p = mpa_provider_load_data(xml, sizeof xml - 1, "mem.xml", problems);
	g_autofree gchar *s = NULL;

	g_assert_null(p);
	g_assert_cmpuint(problems->len, ==, 1);
	s = mpa_problem_to_string(g_ptr_array_index(problems, 0));
	g_assert_cmpstr(s, ==, "mem.xml:6: the file is not valid UTF-8 text (byte 0x00) — save it in the UTF-8 encoding");
}

static const gchar *sohu_path(void);

/* A document of @depth nested elements inside <clientConfig>: "<a><a>...</a></a>". */
static gchar *deep_document(guint depth, gsize *len)
{
	GString *s = g_string_new(HEAD);

	for (guint i = 0; i < depth; i++)
		g_string_append(s, "<a>");
	for (guint i = 0; i < depth; i++)
		g_string_append(s, "</a>");
	g_string_append(s, TAIL);
	*len = s->len;
	return g_string_free(s, FALSE);
}

static gboolean has_depth_problem(GPtrArray *problems)
{
	for (guint i = 0; i < problems->len; i++)
		if (strstr(((MpaProblem *)problems->pdata[i])->message, "nested more than 64 deep"))
			return TRUE;
	return FALSE;
}

/* Issue #15: 140,000 levels (980 KB, under the size limit) crashed in the recursive free.  The
 * parse stops at the limit: one problem naming the document, no crash (also under ASan, whose
 * stack frames are bigger). */
static void test_too_deep(void)
{
	gsize len;
	g_autofree gchar *xml = deep_document(140000, &len);
	g_autoptr(GPtrArray) problems = problems_new();
	g_autofree gchar *s = NULL;

	g_assert_cmpuint(len, <, 1024 * 1024);
	g_assert_null(mpa_provider_load_data(xml, len, "https://autoconfig.example/deep.xml", problems));
	dump_problems(problems);
	g_assert_cmpuint(problems->len, ==, 1);
	s = mpa_problem_to_string(problems->pdata[0]);
	/* HEAD is 5 lines and the nesting is on line 6: the element past the limit is there */
	g_assert_cmpstr(s, ==, "https://autoconfig.example/deep.xml:6: elements are nested more than 64 deep — a provider file is less than 10 deep; check that this is the right file");
}

/* The limit is exact: <clientConfig><emailProvider> plus 62 is 64 deep and is only an unknown
 * element of the ISPDB part (ignored, with a warning); one more is refused as too deep. */
static void test_depth_limit_exact(void)
{
	gsize len;
	g_autofree gchar *ok = deep_document(MPA_XML_MAX_DEPTH - 2, &len);
	g_autofree gchar *deep = NULL;
	g_autoptr(GPtrArray) problems = problems_new();
	MpaProvider *p = mpa_provider_load_data(ok, len, "ok.xml", problems);

	g_assert_nonnull(p);
	mpa_provider_free(p);
	g_assert_cmpuint(problems->len, >, 0);
	g_assert_true(((MpaProblem *)problems->pdata[0])->warning);
	g_assert_false(has_depth_problem(problems));
	g_ptr_array_set_size(problems, 0);
	deep = deep_document(MPA_XML_MAX_DEPTH - 1, &len);
	g_assert_null(mpa_provider_load_data(deep, len, "deep.xml", problems));
	dump_problems(problems);
	g_assert_true(has_depth_problem(problems));
}

/* The tree is freed without recursion: a chain far deeper than any stack could recurse. */
static void test_free_deep_tree(void)
{
	MpaXmlNode *root = NULL, *parent = NULL;

	for (guint i = 0; i < 1000000; i++) {
		MpaXmlNode *n = g_new0(MpaXmlNode, 1);

		n->qname = g_strdup("a");
		n->name = n->qname;
		n->attr_names = g_new0(gchar *, 1);
		n->attr_values = g_new0(gchar *, 1);
		n->text = g_string_new("x");
		n->children = g_ptr_array_new();
		n->parent = parent;
		if (parent != NULL)
			g_ptr_array_add(parent->children, n);
		else
			root = n;
		parent = n;
	}
	mpa_xml_free(root);
	mpa_xml_free(NULL);
}

/* A document in memory is checked as strictly as a file: the same problems, named by @origin. */
static void test_load_data_same_as_file(Fixture *f, gconstpointer data)
{
	static const gchar xml[] = HEAD IMAP_OK "<mpa:unknown/>\n" TAIL;
	g_autofree gchar *path = write_file(f->dir, "same.xml", xml);
	g_autoptr(GPtrArray) from_file = problems_new();
	g_autoptr(GPtrArray) from_data = problems_new();

	g_assert_null(mpa_provider_load_file(path, from_file));
	g_assert_null(mpa_provider_load_data(xml, sizeof xml - 1, "https://x.example/config", from_data));
	g_assert_cmpuint(from_file->len, >, 0);
	g_assert_cmpuint(from_file->len, ==, from_data->len);
	for (guint i = 0; i < from_file->len; i++) {
		const MpaProblem *a = from_file->pdata[i], *b = from_data->pdata[i];

		g_assert_cmpstr(a->file, ==, path);
		g_assert_cmpstr(b->file, ==, "https://x.example/config");
		g_assert_cmpuint(a->line, ==, b->line);
		g_assert_cmpstr(a->message, ==, b->message);
	}
}

/* Loaded from memory, the provider names its origin as its file. */
static void test_load_data_sohu(void)
{
	g_autofree gchar *xml = NULL;
	gsize len = 0;
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaProvider) p = NULL;

	g_assert_true(g_file_get_contents(sohu_path(), &xml, &len, NULL));
	p = mpa_provider_load_data(xml, len, "https://autoconfig.sohu.com/mail/config-v1.1.xml", problems);
	dump_problems(problems);
	g_assert_nonnull(p);
	g_assert_cmpstr(p->file, ==, "https://autoconfig.sohu.com/mail/config-v1.1.xml");
	g_assert_cmpstr(p->imap->host, ==, "imap.sohu.com");
}

/* The size is checked before reading: a sparse file of 2 GiB is refused at once. */
static void test_file_too_big(Fixture *f, gconstpointer data)
{
	g_autofree gchar *path = g_build_filename(f->dir, "huge.xml", NULL);
	g_autoptr(GPtrArray) problems = problems_new();
	FILE *fp = fopen(path, "w");

	g_assert_nonnull(fp);
	g_assert_cmpint(ftruncate(fileno(fp), (off_t)2 << 30), ==, 0);
	fclose(fp);
	g_assert_null(mpa_provider_load_file(path, problems));
	g_assert_cmpuint(problems->len, ==, 1);
	g_assert_nonnull(strstr(((MpaProblem *)problems->pdata[0])->message, "larger than 1 MiB"));
}

/* mpa_file_read: the kinds it refuses, the cap, and the boundary. */
static void test_file_read(Fixture *f, gconstpointer data)
{
	g_autofree gchar *fifo = g_build_filename(f->dir, "fifo", NULL);
	g_autofree gchar *exact = write_file(f->dir, "exact", "12345678");
	g_autoptr(GError) error = NULL;
	gchar *contents = NULL;
	gsize len = 0;

	g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
	g_assert_false(mpa_file_read(fifo, 10, &contents, &len, &error));
	g_assert_error(error, MPA_FILE_ERROR, MPA_FILE_ERROR_NOT_REGULAR);
	g_assert_cmpstr(error->message, ==, "not a regular file but a FIFO (named pipe)");
	g_clear_error(&error);
	g_assert_false(mpa_file_read(f->dir, 10, &contents, &len, &error));
	g_assert_cmpstr(error->message, ==, "not a regular file but a directory");
	g_clear_error(&error);
	g_assert_false(mpa_file_read("/dev/zero", 10, &contents, &len, &error));
	g_assert_cmpstr(error->message, ==, "not a regular file but a character device");
	g_clear_error(&error);
	g_assert_false(mpa_file_read(exact, 7, &contents, &len, &error));
	g_assert_error(error, MPA_FILE_ERROR, MPA_FILE_ERROR_TOO_BIG);
	g_clear_error(&error);
	g_assert_true(mpa_file_read(exact, 8, &contents, &len, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(len, ==, 8);
	g_assert_cmpstr(contents, ==, "12345678");
	g_free(contents);
	g_assert_false(mpa_file_read("/nonexistent/x", 8, &contents, &len, &error));
	g_assert_error(error, MPA_FILE_ERROR, MPA_FILE_ERROR_OPEN);
}

static void test_two_providers(Fixture *f, gconstpointer data)
{
	g_autofree gchar *path = write_file(f->dir, "two.xml",
					    HEAD "</emailProvider>\n<emailProvider id=\"u\">\n<domain>u.example</domain><displayName>U</displayName>\n</emailProvider>\n</clientConfig>\n");
	g_autoptr(GPtrArray) problems = problems_new();

	g_assert_null(mpa_provider_load_file(path, problems));
	g_assert_cmpuint(problems->len, ==, 1);
	g_assert_cmpuint(((MpaProblem *)problems->pdata[0])->line, ==, 7);
	g_assert_nonnull(strstr(((MpaProblem *)problems->pdata[0])->message, "a second <emailProvider>"));
}

/* All problems of a file are reported, in line order. */
static void test_all_problems(Fixture *f, gconstpointer data)
{
	g_autofree gchar *path = write_file(f->dir, "many.xml",
					    HEAD SERVER("incomingServer", "imap", "IMAP.t.example", "99999", "SSL", "plain")
						    ASSIST "<mpa:rule stage=\"login\" cause=\"nope\"/>\n" ASSIST_END TAIL);
	g_autoptr(GPtrArray) problems = problems_new();
	guint lines[] = { 6, 6, 9, 9 };

	g_assert_null(mpa_provider_load_file(path, problems));
	dump_problems(problems);
	g_assert_cmpuint(problems->len, ==, G_N_ELEMENTS(lines));
	for (guint i = 0; i < problems->len; i++)
		g_assert_cmpuint(((MpaProblem *)problems->pdata[i])->line, ==, lines[i]);
}

static void test_missing_file(Fixture *f, gconstpointer data)
{
	g_autofree gchar *path = g_build_filename(f->dir, "absent.xml", NULL);
	g_autoptr(GPtrArray) problems = problems_new();
	g_autofree gchar *s = NULL;

	g_assert_null(mpa_provider_load_file(path, problems));
	g_assert_cmpuint(problems->len, ==, 1);
	g_assert_cmpuint(((MpaProblem *)problems->pdata[0])->line, ==, 0);
	s = mpa_problem_to_string(problems->pdata[0]);
	g_assert_true(g_str_has_prefix(s, path));
	g_assert_nonnull(strstr(s, ": cannot read the file"));
}

/* ---- files that must load ---- */

/* A Thunderbird ISPDB file without our part, using the ISPDB elements this project ignores. */
static const gchar plain_ispdb[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<clientConfig version=\"1.1\">\n"
	"  <emailProvider id=\"plain.example\">\n"
	"    <domain>plain.example</domain>\n"
	"    <domain>plain-mail.example</domain>\n"
	"    <displayName>Plain Example Mail</displayName>\n"
	"    <displayShortName>Plain</displayShortName>\n"
	"    <incomingServer type=\"pop3\">\n"
	"      <hostname>pop.plain.example</hostname><port>995</port><socketType>SSL</socketType>\n"
	"      <username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication>\n"
	"      <pop3><leaveMessagesOnServer>true</leaveMessagesOnServer></pop3>\n"
	"    </incomingServer>\n"
	"    <incomingServer type=\"imap\">\n"
	"      <hostname>imap.plain.example</hostname><port>143</port><socketType>STARTTLS</socketType>\n"
	"      <username>%EMAILLOCALPART%</username>\n"
	"      <authentication>OAuth2</authentication><authentication>password-encrypted</authentication>\n"
	"    </incomingServer>\n"
	"    <incomingServer type=\"imap\">\n"
	"      <hostname>imap2.plain.example</hostname><port>993</port><socketType>SSL</socketType>\n"
	"      <authentication>password-cleartext</authentication>\n"
	"    </incomingServer>\n"
	"    <incomingServer type=\"ews\"><url>https://plain.example/ews</url><authentication>OAuth2</authentication></incomingServer>\n"
	"    <outgoingServer type=\"smtp\">\n"
	"      <hostname>mail.%EMAILDOMAIN%</hostname><port>587</port><socketType>STARTTLS</socketType>\n"
	"      <authentication>password-cleartext</authentication>\n"
	"      <addThisServer>true</addThisServer><useGlobalPreferredServer>false</useGlobalPreferredServer>\n"
	"    </outgoingServer>\n"
	"    <documentation url=\"https://plain.example/help\"><descr>Help without a language</descr>\n"
	"      <descr lang=\"de\">Hilfe</descr></documentation>\n"
	"    <enable visiturl=\"https://plain.example/settings\"><instruction>Allow IMAP first</instruction></enable>\n"
	"    <instruction url=\"https://plain.example/x\"><descr lang=\"en\">More</descr></instruction>\n"
	"    <inputField key=\"USERNAME\" label=\"User\">x</inputField>\n"
	"  </emailProvider>\n"
	"  <oAuth2><issuer>login.plain.example</issuer><scope>mail</scope>\n"
	"    <authURL>https://login.plain.example/auth</authURL><tokenURL>https://login.plain.example/token</tokenURL></oAuth2>\n"
	"  <enable visiturl=\"https://plain.example/enable\"><instruction lang=\"en\">Enable it</instruction></enable>\n"
	"  <webMail><loginPage url=\"https://plain.example/\"/>\n"
	"    <loginPageInfo url=\"https://plain.example/\"><username>%EMAILADDRESS%</username>\n"
	"      <usernameField id=\"u\"/><passwordField name=\"p\"/><loginButton id=\"b\"/></loginPageInfo></webMail>\n"
	"  <addressBook type=\"carddav\"><url>https://dav.plain.example/</url></addressBook>\n"
	"  <calendar type=\"caldav\"><url>https://dav.plain.example/</url></calendar>\n"
	"</clientConfig>\n";

static void test_plain_ispdb(Fixture *f, gconstpointer data)
{
	g_autofree gchar *path = write_file(f->dir, "plain.example.xml", plain_ispdb);
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaProvider) p = mpa_provider_load_file(path, problems);
	g_autofree gchar *user = NULL;
	g_autofree gchar *host = NULL;

	dump_problems(problems);
	g_assert_cmpuint(problems->len, ==, 0);
	g_assert_nonnull(p);
	g_assert_cmpstr(p->id, ==, "plain.example");
	g_assert_cmpstr(p->file, ==, path);
	g_assert_cmpuint(g_strv_length(p->domains), ==, 2);
	g_assert_cmpstr(p->domains[1], ==, "plain-mail.example");
	g_assert_cmpstr(p->display_name, ==, "Plain Example Mail");
	g_assert_cmpstr(p->short_name, ==, "Plain");
	g_assert_false(p->has_assistant);
	g_assert_cmpstr(mpa_provider_name(p), ==, "Plain Example Mail");
	/* the first IMAP server, not the POP3 one before it nor the second IMAP one */
	g_assert_nonnull(p->imap);
	g_assert_cmpstr(p->imap->host, ==, "imap.plain.example");
	g_assert_cmpuint(p->imap->port, ==, 143);
	g_assert_cmpint(p->imap->security, ==, MPA_SECURITY_STARTTLS);
	g_assert_true(p->imap->oauth2);
	g_assert_true(p->imap->password_auth);
	g_assert_nonnull(p->smtp);
	g_assert_cmpstr(p->smtp->username, ==, "%EMAILADDRESS%"); /* the default */
	g_assert_false(p->smtp->oauth2);
	host = mpa_expand_username(p->smtp->host, "li@plain.example");
	g_assert_cmpstr(host, ==, "mail.plain.example");
	user = mpa_expand_username(p->imap->username, "li@plain.example");
	g_assert_cmpstr(user, ==, "li");
	g_assert_cmpuint(p->rules->len, ==, 0);
	g_assert_cmpuint(p->steps->len, ==, 0);
	g_assert_cmpuint(p->send_stages->len, ==, 0);
	g_assert_null(p->sending_text);
}

/* Any prefix may name our namespace; even the default namespace may. */
static void test_other_prefix(Fixture *f, gconstpointer data)
{
	g_autofree gchar *path = write_file(f->dir, "prefix.xml",
					    "<clientConfig version=\"1.1\" xmlns:pa=\"" NS "\">\n"
					    "<emailProvider id=\"t\"><domain>t.example</domain><displayName>T</displayName>\n"
					    "<pa:assistant checked=\"2026-01-01\"><pa:name lang=\"en\">Tee</pa:name><pa:name lang=\"zh-CN\">T 邮箱</pa:name>\n"
					    "<rule xmlns=\"" NS "\" stage=\"auth\" cause=\"wrong-credentials\"/>\n"
					    "</pa:assistant></emailProvider></clientConfig>\n");
	g_autofree gchar *path2 = write_file(f->dir, "prefix2.xml",
					     "<clientConfig version=\"1.1\">\n"
					     "<emailProvider id=\"t\"><domain>t.example</domain><displayName>T</displayName>\n"
					     "<mpa:assistant xmlns:mpa=\"urn:example:not-ours\" checked=\"2026-01-01\"/>\n"
					     "</emailProvider></clientConfig>\n");
	g_autoptr(GPtrArray) problems = problems_new();
	MpaProvider *p = mpa_provider_load_file(path, problems);

	dump_problems(problems);
	g_assert_nonnull(p);
	g_assert_true(p->has_assistant);
	g_assert_cmpstr(mpa_text_get_lang(p->name, "zh_CN"), ==, "T 邮箱");
	g_assert_cmpuint(p->rules->len, ==, 1);
	g_assert_cmpint(((MpaRule *)p->rules->pdata[0])->stage, ==, MPA_STAGE_AUTH);
	g_assert_cmpint(((MpaRule *)p->rules->pdata[0])->protocol, ==, MPA_RULE_ANY_PROTOCOL);
	mpa_provider_free(p);

	/* the usual prefix bound to someone else's namespace is not ours: ignored, with a warning */
	p = mpa_provider_load_file(path2, problems);
	g_assert_nonnull(p);
	g_assert_false(p->has_assistant);
	mpa_provider_free(p);
	g_assert_cmpuint(problems->len, ==, 1);
	g_assert_true(((MpaProblem *)problems->pdata[0])->warning);
	g_assert_nonnull(strstr(((MpaProblem *)problems->pdata[0])->message, "unknown namespace 'urn:example:not-ours'"));
}

static const gchar *sohu_path(void)
{
	return g_test_get_filename(G_TEST_DIST, "..", "providers", "sohu.com.xml", NULL);
}

static void test_sohu(void)
{
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaProvider) p = mpa_provider_load_file(sohu_path(), problems);
	const MpaStep *step;
	const MpaCauseFix *fix;
	const MpaRule *rule;
	const MpaSendStage *st;
	static const gchar *const step_ids[] = { "enable-service", "independent-password", "ip-whitelist-off", "paste-password" };
	static const gchar *const fixes[] = { "app-password-required", "service-disabled", "ip-not-allowed",
					      "wrong-credentials", "rate-limited", "message-rejected-spam" };
	gboolean imap_auth_rule = FALSE;

	dump_problems(problems);
	g_assert_cmpuint(problems->len, ==, 0);
	g_assert_nonnull(p);
	g_assert_cmpstr(p->id, ==, "sohu.com");
	g_assert_cmpuint(g_strv_length(p->domains), ==, 2);
	g_assert_cmpstr(p->domains[0], ==, "sohu.com");
	g_assert_cmpstr(p->domains[1], ==, "vip.sohu.com");
	g_assert_cmpstr(p->display_name, ==, "Sohu Mail");
	g_assert_cmpstr(p->imap->host, ==, "imap.sohu.com");
	g_assert_cmpuint(p->imap->port, ==, 993);
	g_assert_cmpint(p->imap->security, ==, MPA_SECURITY_SSL);
	g_assert_cmpstr(p->imap->username, ==, "%EMAILADDRESS%");
	g_assert_true(p->imap->password_auth);
	g_assert_cmpstr(p->smtp->host, ==, "smtp.sohu.com");
	g_assert_cmpuint(p->smtp->port, ==, 465);
	g_assert_cmpint(p->smtp->security, ==, MPA_SECURITY_SSL);
	g_assert_cmpstr(p->smtp->username, ==, "%EMAILADDRESS%");

	g_assert_true(p->has_assistant);
	g_assert_cmpuint(strlen(p->checked), ==, 10);
	g_assert_cmpstr(mpa_text_get_lang(p->name, "en"), ==, "Sohu Mail");
	g_assert_cmpstr(mpa_text_get_lang(p->name, "zh_CN"), ==, "搜狐邮箱");
	g_assert_cmpint(p->password_kind, ==, MPA_PASSWORD_APP);
	g_assert_cmpstr(mpa_text_get_lang(p->password_label, "en"), ==, "independent password");
	g_assert_cmpstr(mpa_text_get_lang(p->password_label, "zh_CN"), ==, "独立密码");
	g_assert_nonnull(strstr(mpa_text_get_lang(p->password_hint, "en"), "authorization code"));
	g_assert_nonnull(strstr(mpa_text_get_lang(p->password_hint, "en"), "only once"));
	g_assert_nonnull(strstr(mpa_text_get_lang(p->password_hint, "zh_CN"), "授权码"));
	/* wrapped lines are joined: no newline inside a one-paragraph hint, no space between hanzi */
	g_assert_null(strchr(mpa_text_get_lang(p->password_hint, "en"), '\n'));
	g_assert_nonnull(strstr(mpa_text_get_lang(p->password_hint, "zh_CN"), "授权码”或应用专用密码）：先在"));

	g_assert_cmpstr(mpa_provider_link(p, "settings")->url, ==, "https://mail.sohu.com/");
	g_assert_cmpuint(p->steps->len, ==, G_N_ELEMENTS(step_ids));
	for (guint i = 0; i < G_N_ELEMENTS(step_ids); i++) {
		step = g_ptr_array_index(p->steps, i);
		g_assert_cmpstr(step->id, ==, step_ids[i]);
		g_assert_nonnull(mpa_text_get_lang(step->title, "zh_CN"));
		g_assert_cmpstr(mpa_text_get_lang(step->title, "zh_CN"), !=, mpa_text_get_lang(step->title, "en"));
	}
	step = g_ptr_array_index(p->steps, 0);
	g_assert_nonnull(step->link);
	g_assert_cmpstr(step->link->url, ==, "https://mail.sohu.com/");
	g_assert_nonnull(strstr(mpa_text_get_lang(step->text, "en"), "POP3/SMTP/IMAP"));
	g_assert_nonnull(strstr(mpa_text_get_lang(step->text, "en"), "\n\n1. Click the POP3/SMTP/IMAP tab.\n2. Tick"));
	g_assert_nonnull(strstr(mpa_text_get_lang(step->text, "zh_CN"), "选项"));
	g_assert_nonnull(strstr(mpa_text_get_lang(step->text, "zh_CN"), "设置"));
	step = g_ptr_array_index(p->steps, 1);
	g_assert_nonnull(strstr(mpa_text_get_lang(step->text, "en"), "one time only"));
	g_assert_nonnull(strstr(mpa_text_get_lang(step->text, "en"), "password manager"));
	g_assert_nonnull(strstr(mpa_text_get_lang(step->text, "en"), "several"));
	g_assert_nonnull(strstr(mpa_text_get_lang(step->text, "en"), "changing your Sohu login"));
	g_assert_nonnull(strstr(mpa_text_get_lang(step->text, "zh_CN"), "短信"));
	step = g_ptr_array_index(p->steps, 2);
	g_assert_nonnull(strstr(mpa_text_get_lang(step->text, "zh_CN"), "白名单"));
	g_assert_cmpuint(p->notes->len, >=, 4);

	for (guint i = 0; i < G_N_ELEMENTS(fixes); i++) {
		fix = mpa_provider_cause(p, fixes[i]);
		g_assert_nonnull(fix);
		g_assert_nonnull(mpa_text_get_lang(fix->fix, "en"));
		g_assert_nonnull(mpa_text_get_lang(fix->fix, "zh_CN"));
	}
	g_assert_null(mpa_provider_cause(p, "client-id-required"));
	fix = mpa_provider_cause(p, "wrong-credentials");
	g_assert_nonnull(strstr(mpa_text_get_lang(fix->fix, "en"), "Create a new one"));
	g_assert_nonnull(strstr(mpa_text_get_lang(fix->title, "zh_CN"), "独立密码"));

	/* the first rule that an SMTP 535 at AUTH meets */
	for (guint i = 0; i < p->rules->len; i++) {
		rule = g_ptr_array_index(p->rules, i);
		if (rule->code != NULL && strcmp(rule->code, "535") == 0)
			break;
		rule = NULL;
	}
	g_assert_nonnull(rule);
	g_assert_cmpint(rule->protocol, ==, MPA_PROTOCOL_SMTP);
	g_assert_cmpint(rule->stage, ==, MPA_STAGE_AUTH);
	g_assert_cmpstr(rule->cause, ==, "app-password-required");
	g_assert_cmpuint(g_strv_length(rule->candidates), ==, 3);
	g_assert_cmpstr(rule->candidates[0], ==, "service-disabled");
	g_assert_cmpstr(rule->candidates[1], ==, "ip-not-allowed");
	g_assert_cmpstr(rule->candidates[2], ==, "wrong-credentials");
	g_assert_cmpuint(rule->line, >, 0);
	for (guint i = 0; i < p->rules->len; i++) {
		rule = g_ptr_array_index(p->rules, i);
		if (rule->protocol == MPA_PROTOCOL_IMAP && rule->stage == MPA_STAGE_AUTH &&
		    rule->code == NULL && rule->match == NULL) {
			imap_auth_rule = TRUE;
			g_assert_cmpstr(rule->cause, ==, "app-password-required");
			g_assert_cmpstr(rule->candidates[2], ==, "wrong-credentials");
		}
		if (rule->match != NULL && strcmp(rule->cause, "ip-not-allowed") == 0)
			g_assert_true(g_regex_match(rule->match, "Login denied: IP WHITELIST", 0, NULL));
		if (rule->match != NULL && strcmp(rule->cause, "service-disabled") == 0)
			g_assert_true(g_regex_match(rule->match, "IMAP服务未开启", 0, NULL));
	}
	g_assert_true(imap_auth_rule);

	g_assert_cmpuint(p->send_stages->len, ==, 3);
	st = g_ptr_array_index(p->send_stages, 0);
	g_assert_cmpuint(st->from_day, ==, 0);
	g_assert_cmpuint(st->to_day, ==, 7);
	g_assert_cmpuint(st->daily, ==, 50);
	g_assert_cmpuint(st->interval_s, ==, 300);
	st = g_ptr_array_index(p->send_stages, 1);
	g_assert_cmpuint(st->from_day, ==, 7);
	g_assert_cmpuint(st->to_day, ==, 28);
	g_assert_cmpuint(st->daily, ==, 150);
	st = g_ptr_array_index(p->send_stages, 2);
	g_assert_cmpuint(st->from_day, ==, 28);
	g_assert_cmpuint(st->to_day, ==, G_MAXUINT);
	g_assert_cmpuint(st->daily, ==, 300);
	g_assert_cmpuint(p->bulk_recipients, ==, 20);
	g_assert_nonnull(strstr(mpa_text_get_lang(p->sending_text, "zh_CN"), "群发"));
}

/* Every file shipped in providers/ loads without a problem. */
static void test_shipped(void)
{
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaDb) db = mpa_db_load_default(NULL, problems);

	dump_problems(problems);
	g_assert_cmpuint(problems->len, ==, 0);
	g_assert_nonnull(mpa_db_get(db, "sohu.com"));
	g_assert_true(mpa_db_lookup_domain(db, "vip.sohu.com") == mpa_db_get(db, "sohu.com"));
}

/* The MX hosts the enterprise providers ask their customers to publish (sources in each file)
 * lead to the right shipped file; the personal services' MX hosts next to them do not. */
static void test_shipped_mx(void)
{
	static const struct {
		const gchar *mx;
		const gchar *id;
		const gchar *imap;
	} cases[] = {
		{ "mxbiz1.qq.com.", "exmail.qq.com", "imap.exmail.qq.com" },
		{ "mxbiz2.qq.com", "exmail.qq.com", "imap.exmail.qq.com" },
		{ "mx.exmail.qq.com", "exmail.qq.com", "imap.exmail.qq.com" },
		{ "mx1.qq.com", NULL, NULL }, /* personal QQ Mail */
		{ "mx3.qq.com", NULL, NULL },
		{ "qiye163mx01.mxmail.netease.com", "qiye.163.com", "imap.qiye.163.com" },
		{ "qiye163mx02.mxmail.netease.com.", "qiye.163.com", "imap.qiye.163.com" },
		{ "mx.qiye.163.com", "qiye.163.com", "imap.qiye.163.com" },
		{ "163mx01.mxmail.netease.com", NULL, NULL }, /* personal 163 Mail */
		{ "mx1.qiye.aliyun.com", "qiye.aliyun.com", "imap.qiye.aliyun.com" },
		{ "mx3.qiye.aliyun.com", "qiye.aliyun.com", "imap.qiye.aliyun.com" },
		{ "mxn.mxhichina.com", "qiye.aliyun.com", "imap.qiye.aliyun.com" },
		{ "mxw.mxhichina.com", "qiye.aliyun.com", "imap.qiye.aliyun.com" },
		{ "mxw.263.net", "263.net", "imap.263.net" },
		{ "mx.263.net", "263.net", "imap.263.net" },
		{ "regular1.263xmail.com", NULL, NULL }, /* 263's outgoing relay */
		{ "smtp.google.com", "workspace.google.com", "imap.gmail.com" },
		{ "aspmx.l.google.com", "workspace.google.com", "imap.gmail.com" },
		{ "ALT4.ASPMX.L.GOOGLE.COM.", "workspace.google.com", "imap.gmail.com" },
		{ "aspmx5.googlemail.com", "workspace.google.com", "imap.gmail.com" },
		{ "gmail-smtp-in.l.google.com", NULL, NULL }, /* personal Gmail */
		{ "contoso-com.mail.protection.outlook.com", "office365.com", "outlook.office365.com" },
		{ "contoso-com.o-v1.mx.microsoft", "office365.com", "outlook.office365.com" },
		{ "hotmail-com.olc.protection.outlook.com", NULL, NULL }, /* personal Outlook.com */
		{ "mx.zoho.com", "zoho.com", "imappro.zoho.com" },
		{ "mx3.zoho.com", "zoho.com", "imappro.zoho.com" },
		{ "mx2.zoho.eu", "zoho.eu", "imappro.zoho.eu" },
		{ "mx.zoho.in", "zoho.in", "imappro.zoho.in" },
		{ "mx.zoho.com.au", "zoho.com.au", "imappro.zoho.com.au" },
		{ "mx3.zoho.jp", "zoho.jp", "imappro.zoho.jp" },
		{ "mx.zohocloud.ca", "zohocloud.ca", "imappro.zohocloud.ca" },
		{ "mail.zoho.com", NULL, NULL },
	};
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaDb) db = mpa_db_load_default(NULL, problems);

	dump_problems(problems);
	g_assert_cmpuint(problems->len, ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		const MpaProvider *p = mpa_db_lookup_mx(db, cases[i].mx);

		g_test_message("MX %s -> %s", cases[i].mx, p != NULL ? p->id : "(none)");
		g_assert_cmpstr(p != NULL ? p->id : NULL, ==, cases[i].id);
		if (p != NULL)
			g_assert_cmpstr(p->imap->host, ==, cases[i].imap);
	}
}

/* ---- directories ---- */

#define SIMPLE(id, name, domains) \
	"<clientConfig version=\"1.1\">\n<emailProvider id=\"" id "\">\n" domains \
	"<displayName>" name "</displayName>\n" IMAP_OK "</emailProvider>\n</clientConfig>\n"

static void test_user_replaces(Fixture *f, gconstpointer data)
{
	g_autofree gchar *installed = g_build_filename(f->dir, "installed", NULL);
	g_autofree gchar *user = g_build_filename(g_get_user_config_dir(), "claws-mail-provider-assistant", "providers", NULL);
	g_autofree gchar *a = write_file(installed, "x.example.xml", SIMPLE("x.example", "Installed", "<domain>x.example</domain>\n<domain>old.example</domain>\n"));
	g_autofree gchar *b = write_file(installed, "y.example.xml", SIMPLE("y.example", "Other", "<domain>y.example</domain>\n"));
	g_autofree gchar *c = write_file(user, "mine.xml", SIMPLE("x.example", "Mine", "<domain>x.example</domain>\n<domain>new.example</domain>\n"));
	const gchar *dirs[] = { installed, user, NULL };
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaDb) db = mpa_db_load_default(dirs, problems);
	GPtrArray *all;

	dump_problems(problems);
	g_assert_cmpuint(problems->len, ==, 0);
	g_assert_cmpuint(mpa_db_size(db), ==, 2);
	g_assert_cmpstr(mpa_db_get(db, "x.example")->display_name, ==, "Mine");
	g_assert_cmpstr(mpa_db_get(db, "x.example")->file, ==, c);
	g_assert_cmpstr(mpa_db_lookup_domain(db, "new.example")->display_name, ==, "Mine");
	g_assert_null(mpa_db_lookup_domain(db, "old.example")); /* the replaced file's domain went with it */
	g_assert_cmpstr(mpa_db_lookup_domain(db, "y.example")->display_name, ==, "Other");
	all = mpa_db_providers(db);
	g_assert_cmpuint(all->len, ==, 2);
	g_assert_cmpstr(((MpaProvider *)all->pdata[0])->id, ==, "x.example");
	g_assert_cmpstr(((MpaProvider *)all->pdata[1])->id, ==, "y.example");
}

static void test_default_dirs(Fixture *f, gconstpointer data)
{
	g_autofree gchar *saved = g_strdup(g_getenv("MPA_PROVIDERS_PATH"));
	g_autofree gchar *user = g_build_filename(g_get_user_config_dir(), "claws-mail-provider-assistant", "providers", NULL);
	g_auto(GStrv) dirs = NULL;
	g_auto(GStrv) env_dirs = NULL;

	g_unsetenv("MPA_PROVIDERS_PATH");
	dirs = mpa_db_default_dirs();
	g_assert_cmpuint(g_strv_length(dirs), ==, 2);
	g_assert_cmpstr(dirs[0], ==, MPA_PROVIDERS_DIR);
	g_assert_cmpstr(dirs[1], ==, user);
	g_setenv("MPA_PROVIDERS_PATH", "/a/b::/c", TRUE);
	env_dirs = mpa_db_default_dirs();
	g_assert_cmpuint(g_strv_length(env_dirs), ==, 2);
	g_assert_cmpstr(env_dirs[0], ==, "/a/b");
	g_assert_cmpstr(env_dirs[1], ==, "/c");
	if (saved != NULL)
		g_setenv("MPA_PROVIDERS_PATH", saved, TRUE);
	else
		g_unsetenv("MPA_PROVIDERS_PATH");
}

static void test_bad_file_skipped(Fixture *f, gconstpointer data)
{
	g_autofree gchar *a = write_file(f->dir, "a.xml", SIMPLE("a.example", "A", "<domain>a.example</domain>\n"));
	g_autofree gchar *b = write_file(f->dir, "b.xml", "<clientConfig version=\"1.1\"><emailProvider");
	g_autofree gchar *c = write_file(f->dir, "c.xml", SIMPLE("c.example", "C", "<domain>C.example</domain>\n"));
	g_autofree gchar *d = write_file(f->dir, "d.xml", SIMPLE("d.example", "D", "<domain>d.example</domain>\n"));
	g_autofree gchar *ignored = write_file(f->dir, "notes.txt", "not a provider");
	g_autofree gchar *hidden = write_file(f->dir, ".#d.xml", "editor lock file");
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaDb) db = mpa_db_new();

	mpa_db_load_dir(db, f->dir, problems);
	dump_problems(problems);
	g_assert_cmpuint(mpa_db_size(db), ==, 2);
	g_assert_nonnull(mpa_db_get(db, "a.example"));
	g_assert_nonnull(mpa_db_get(db, "d.example"));
	g_assert_cmpuint(problems->len, ==, 2);
	g_assert_cmpstr(((MpaProblem *)problems->pdata[0])->file, ==, b);
	g_assert_cmpstr(((MpaProblem *)problems->pdata[1])->file, ==, c);
	g_assert_cmpuint(((MpaProblem *)problems->pdata[1])->line, ==, 3);
}

static void test_domain_claimed_twice(Fixture *f, gconstpointer data)
{
	g_autofree gchar *a = write_file(f->dir, "a.xml", SIMPLE("a.example", "A", "<domain>a.example</domain>\n<domain>shared.example</domain>\n"));
	g_autofree gchar *b = write_file(f->dir, "b.xml", SIMPLE("b.example", "B", "<domain>b.example</domain>\n<domain>shared.example</domain>\n"));
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaDb) db = mpa_db_new();
	g_autofree gchar *s = NULL;

	mpa_db_load_dir(db, f->dir, problems);
	g_assert_cmpuint(mpa_db_size(db), ==, 1);
	g_assert_cmpstr(mpa_db_lookup_domain(db, "shared.example")->id, ==, "a.example");
	g_assert_null(mpa_db_lookup_domain(db, "b.example"));
	g_assert_cmpuint(problems->len, ==, 1);
	s = mpa_problem_to_string(problems->pdata[0]);
	g_test_message("%s", s);
	g_assert_true(g_str_has_prefix(s, b));
	g_assert_nonnull(strstr(s, ":4: domain 'shared.example' is already claimed by provider 'a.example' in "));
	g_assert_nonnull(strstr(s, a));
}

static void test_same_id_one_dir(Fixture *f, gconstpointer data)
{
	g_autofree gchar *a = write_file(f->dir, "a.xml", SIMPLE("same", "A", "<domain>a.example</domain>\n"));
	g_autofree gchar *b = write_file(f->dir, "b.xml", SIMPLE("same", "B", "<domain>b.example</domain>\n"));
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaDb) db = mpa_db_new();
	g_autofree gchar *s = NULL;

	/* both load: the second under its file's name, with a warning */
	mpa_db_load_dir(db, f->dir, problems);
	dump_problems(problems);
	g_assert_cmpuint(mpa_db_size(db), ==, 2);
	g_assert_cmpstr(mpa_db_get(db, "same")->display_name, ==, "A");
	g_assert_cmpstr(mpa_db_get(db, "b")->display_name, ==, "B");
	g_assert_true(mpa_db_lookup_domain(db, "b.example") == mpa_db_get(db, "b"));
	g_assert_cmpuint(problems->len, ==, 1);
	g_assert_true(((MpaProblem *)problems->pdata[0])->warning);
	s = mpa_problem_to_string(problems->pdata[0]);
	g_assert_true(g_str_has_prefix(s, b));
	g_assert_nonnull(strstr(s, ":2: warning: provider id 'same' is already used by "));
	g_assert_nonnull(strstr(s, "this file is loaded as 'b' (its name)"));
}

/* ISPDB's Zoho files: zoho.com.au.xml (loaded first) and zoho.com.xml both say id="zoho.com"; the
 * file named after the id keeps it, the other takes its own name. */
static void test_same_id_file_named_after_it(Fixture *f, gconstpointer data)
{
	g_autofree gchar *au = write_file(f->dir, "zoho.com.au.xml", SIMPLE("zoho.com", "AU", "<domain>zoho.com.au</domain>\n"));
	g_autofree gchar *us = write_file(f->dir, "zoho.com.xml", SIMPLE("zoho.com", "US", "<domain>zoho.com</domain>\n"));
	g_autofree gchar *eu = write_file(f->dir, "zoho.eu.xml", SIMPLE("zoho.com", "EU", "<domain>zoho.eu</domain>\n"));
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaDb) db = mpa_db_new();
	GPtrArray *sorted;

	mpa_db_load_dir(db, f->dir, problems);
	dump_problems(problems);
	g_assert_cmpuint(mpa_db_size(db), ==, 3);
	g_assert_cmpstr(mpa_db_get(db, "zoho.com")->display_name, ==, "US");
	g_assert_cmpstr(mpa_db_get(db, "zoho.com.au")->display_name, ==, "AU");
	g_assert_cmpstr(mpa_db_get(db, "zoho.eu")->display_name, ==, "EU");
	g_assert_cmpstr(mpa_db_lookup_domain(db, "zoho.com.au")->id, ==, "zoho.com.au");
	g_assert_cmpuint(problems->len, ==, 2);
	g_assert_cmpstr(((MpaProblem *)problems->pdata[0])->file, ==, au);
	g_assert_true(((MpaProblem *)problems->pdata[0])->warning);
	g_assert_cmpstr(((MpaProblem *)problems->pdata[1])->file, ==, eu);
	/* still sorted by id */
	sorted = mpa_db_providers(db);
	for (guint i = 1; i < sorted->len; i++)
		g_assert_cmpint(strcmp(((MpaProvider *)sorted->pdata[i - 1])->id, ((MpaProvider *)sorted->pdata[i])->id), <, 0);
}

/* When neither file's name is free as an id, the second file is refused as before. */
static void test_same_id_no_way_out(Fixture *f, gconstpointer data)
{
	g_autofree gchar *x = write_file(f->dir, "0.xml", SIMPLE("a", "X", "<domain>x.example</domain>\n"));
	g_autofree gchar *y = write_file(f->dir, "00.xml", SIMPLE("b", "Y", "<domain>y.example</domain>\n"));
	g_autofree gchar *a = write_file(f->dir, "a.xml", SIMPLE("same", "A", "<domain>a.example</domain>\n"));
	g_autofree gchar *b = write_file(f->dir, "b.xml", SIMPLE("same", "B", "<domain>b.example</domain>\n"));
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaDb) db = mpa_db_new();

	mpa_db_load_dir(db, f->dir, problems);
	dump_problems(problems);
	g_assert_cmpuint(mpa_db_size(db), ==, 3);
	g_assert_cmpstr(mpa_db_get(db, "same")->display_name, ==, "A");
	g_assert_null(mpa_db_lookup_domain(db, "b.example"));
	g_assert_cmpuint(problems->len, ==, 1);
	g_assert_false(((MpaProblem *)problems->pdata[0])->warning);
	g_assert_cmpstr(((MpaProblem *)problems->pdata[0])->file, ==, b);
	g_assert_nonnull(strstr(((MpaProblem *)problems->pdata[0])->message, "provider id 'same' is already used by"));
}

/* Thunderbird's ISPDB (tests/data/ispdb, a snapshot with its licence): every file loads, as a
 * providers directory and one by one (an autoconfig document is such a file); what the loader
 * does not know is a warning, never a reason to refuse a file. */
static void test_ispdb_snapshot(void)
{
	const gchar *dir = g_test_get_filename(G_TEST_DIST, "data", "ispdb", NULL);
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const gchar *name;
	MpaDb *db = mpa_db_new();
	guint warnings = 0;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d)) != NULL)
		if (g_str_has_suffix(name, ".xml"))
			g_ptr_array_add(names, g_strdup(name));
	g_dir_close(d);
	g_assert_cmpuint(names->len, ==, 163); /* the snapshot's count (data/ispdb/README.md) */

	mpa_db_load_dir(db, dir, problems);
	for (guint i = 0; i < problems->len; i++) {
		g_autofree gchar *s = mpa_problem_to_string(problems->pdata[i]);

		g_test_message("%s", s);
		if (!((MpaProblem *)problems->pdata[i])->warning)
			g_test_fail_printf("an ISPDB file was refused: %s", s);
		warnings++;
	}
	g_assert_cmpuint(mpa_db_size(db), ==, names->len);
	/* the known oddities of the snapshot are warnings, not gaps */
	g_assert_cmpuint(warnings, >=, 7);
	g_assert_nonnull(mpa_db_lookup_domain(db, "cty-net.ne.jp"));
	g_assert_nonnull(mpa_db_get(db, "nili.ca"));
	g_assert_true(g_str_has_suffix(mpa_db_get(db, "zoho.com")->file, "/zoho.com.xml"));
	for (guint i = 0; i < 5; i++) {
		static const gchar *const regions[] = { "zoho.com.au", "zoho.eu", "zoho.in", "zoho.jp", "zohocloud.ca" };

		g_assert_nonnull(mpa_db_get(db, regions[i]));
		g_assert_cmpstr(mpa_db_lookup_domain(db, regions[i])->id, ==, regions[i]);
	}
	mpa_db_free(db);

	for (guint i = 0; i < names->len; i++) {
		g_autofree gchar *path = g_build_filename(dir, names->pdata[i], NULL);
		g_autofree gchar *data = NULL;
		gsize len = 0;
		MpaProvider *p;

		g_assert_true(g_file_get_contents(path, &data, &len, NULL));
		p = mpa_provider_load_data(data, len, path, NULL);
		if (p == NULL)
			g_test_fail_printf("%s is refused when loaded on its own", path);
		mpa_provider_free(p);
	}
}

#define WITH_MX(id, domain, mx) \
	"<clientConfig version=\"1.1\" xmlns:mpa=\"" NS "\">\n<emailProvider id=\"" id "\">\n" \
	"<domain>" domain "</domain>\n<displayName>" id "</displayName>\n" IMAP_OK ASSIST mx ASSIST_END \
	"</emailProvider>\n</clientConfig>\n"

/* mpa:mx: exact hosts beat suffixes, longer suffixes beat shorter ones, case and a final dot do
 * not matter, and a name that merely ends in the same letters is not inside the suffix. */
static void test_lookup_mx(Fixture *f, gconstpointer data)
{
	g_autofree gchar *a = write_file(f->dir, "a.xml", WITH_MX("a.example", "a.example", "<mpa:mx host=\"mxbiz1.qq.com\"/>\n<mpa:mx host=\"mxbiz2.qq.com\"/>\n"));
	g_autofree gchar *b = write_file(f->dir, "b.xml", WITH_MX("b.example", "b.example", "<mpa:mx suffix=\"mxhichina.com\"/>\n<mpa:mx suffix=\"l.google.com\"/>\n"));
	g_autofree gchar *c = write_file(f->dir, "c.xml", WITH_MX("c.example", "c.example", "<mpa:mx suffix=\"aspmx.l.google.com\"/>\n<mpa:mx host=\"mxw.mxhichina.com\"/>\n"));
	g_autofree gchar *d = write_file(f->dir, "d.xml", SIMPLE("d.example", "D", "<domain>d.example</domain>\n"));
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaDb) db = mpa_db_new();
	static const struct {
		const gchar *mx;
		const gchar *id;
	} cases[] = {
		{ "mxbiz1.qq.com", "a.example" },
		{ "MXBIZ2.QQ.com.", "a.example" },
		{ "mxbiz3.qq.com", NULL }, /* host="" is exact */
		{ "mx1.qq.com", NULL },
		{ "qq.com", NULL },
		{ "mxn.mxhichina.com", "b.example" },
		{ "mxhichina.com", "b.example" },      /* the suffix itself */
		{ "mxw.mxhichina.com.", "c.example" }, /* an exact host beats a suffix */
		{ "a.b.mxhichina.com", "b.example" },
		{ "notmxhichina.com", NULL },               /* not below it, only the same letters */
		{ "alt1.aspmx.l.google.com", "c.example" }, /* the longer suffix wins */
		{ "aspmx.l.google.com", "c.example" },
		{ "gmail-smtp-in.l.google.com", "b.example" },
		{ "google.com", NULL },
		{ "", NULL },
		{ ".", NULL },
		{ "a..mxhichina.com", "b.example" },
		{ "d.example", NULL }, /* a domain is not an MX pattern */
	};
	g_autofree gchar *longname = g_strnfill(300, 'a');

	mpa_db_load_dir(db, f->dir, problems);
	dump_problems(problems);
	g_assert_cmpuint(problems->len, ==, 0);
	g_assert_cmpuint(mpa_db_size(db), ==, 4);
	g_assert_cmpstr(mpa_db_get(db, "a.example")->mx_hosts[1], ==, "mxbiz2.qq.com");
	g_assert_null(mpa_db_get(db, "a.example")->mx_suffixes[0]);
	g_assert_null(mpa_db_get(db, "d.example")->mx_hosts[0]);
	g_assert_null(mpa_db_get(db, "d.example")->mx_suffixes[0]);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		const MpaProvider *p = mpa_db_lookup_mx(db, cases[i].mx);

		g_test_message("%s -> %s", cases[i].mx, p != NULL ? p->id : "(none)");
		g_assert_cmpstr(p != NULL ? p->id : NULL, ==, cases[i].id);
	}
	g_assert_null(mpa_db_lookup_mx(db, NULL));
	g_assert_null(mpa_db_lookup_mx(db, longname));
}

/* Two files claiming one MX pattern: the second is refused, like a domain claimed twice; a user's
 * file replacing the installed one by id may keep its patterns. */
static void test_mx_claimed_twice(Fixture *f, gconstpointer data)
{
	g_autofree gchar *a = write_file(f->dir, "a.xml", WITH_MX("a.example", "a.example", "<mpa:mx host=\"mx.shared.example\"/>\n"));
	g_autofree gchar *b = write_file(f->dir, "b.xml", WITH_MX("b.example", "b.example", "<mpa:mx host=\"mx.b.example\"/>\n<mpa:mx host=\"mx.shared.example\"/>\n"));
	g_autofree gchar *c = write_file(f->dir, "c.xml", WITH_MX("c.example", "c.example", "<mpa:mx suffix=\"shared.example\"/>\n"));
	g_autofree gchar *d = write_file(f->dir, "d.xml", WITH_MX("d.example", "d.example", "<mpa:mx suffix=\"shared.example\"/>\n"));
	g_autofree gchar *user = g_build_filename(f->dir, "user", NULL);
	g_autofree gchar *a2 = write_file(user, "a.xml", WITH_MX("a.example", "a.example", "<mpa:mx host=\"mx2.shared.example\"/>\n"));
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaDb) db = mpa_db_new();
	g_autofree gchar *s0 = NULL, *s1 = NULL;

	mpa_db_load_dir(db, f->dir, problems);
	dump_problems(problems);
	g_assert_cmpuint(mpa_db_size(db), ==, 2);
	g_assert_null(mpa_db_get(db, "b.example"));
	g_assert_null(mpa_db_lookup_mx(db, "mx.b.example"));
	g_assert_null(mpa_db_get(db, "d.example"));
	g_assert_cmpstr(mpa_db_lookup_mx(db, "mx.shared.example")->id, ==, "a.example");
	g_assert_cmpstr(mpa_db_lookup_mx(db, "other.shared.example")->id, ==, "c.example");
	g_assert_cmpuint(problems->len, ==, 2);
	s0 = mpa_problem_to_string(problems->pdata[0]);
	s1 = mpa_problem_to_string(problems->pdata[1]);
	g_assert_true(g_str_has_prefix(s0, b));
	g_assert_nonnull(strstr(s0, ":9: MX host 'mx.shared.example' is already claimed by provider 'a.example' in "));
	g_assert_true(g_str_has_prefix(s1, d));
	g_assert_nonnull(strstr(s1, ":8: MX suffix 'shared.example' is already claimed by provider 'c.example' in "));

	/* the user's a.example replaces the installed one: its old MX host goes with it */
	mpa_db_load_dir(db, user, problems);
	g_assert_cmpuint(problems->len, ==, 2);
	g_assert_cmpstr(mpa_db_lookup_mx(db, "mx2.shared.example")->id, ==, "a.example");
	g_assert_cmpstr(mpa_db_lookup_mx(db, "mx.shared.example")->id, ==, "c.example");
}

static void test_dirs_missing_or_unreadable(Fixture *f, gconstpointer data)
{
	g_autofree gchar *missing = g_build_filename(f->dir, "none", NULL);
	g_autofree gchar *file = write_file(f->dir, "plain-file", "x");
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaDb) db = mpa_db_new();

	mpa_db_load_dir(db, missing, problems);
	g_assert_cmpuint(problems->len, ==, 0);
	mpa_db_load_dir(db, file, problems);
	g_assert_cmpuint(problems->len, ==, 1);
	g_assert_cmpstr(((MpaProblem *)problems->pdata[0])->file, ==, file);
	g_assert_nonnull(strstr(((MpaProblem *)problems->pdata[0])->message, "cannot read the directory"));
	g_assert_cmpuint(mpa_db_size(db), ==, 0);
}

/* ---- localized texts and names ---- */

static void set_langs(const gchar *language, const gchar *lc_all)
{
	g_setenv("LANGUAGE", language, TRUE);
	g_setenv("LC_ALL", lc_all, TRUE);
}

static void test_text_get(Fixture *f, gconstpointer data)
{
	g_autofree gchar *path = write_file(f->dir, "t.xml",
					    HEAD ASSIST "<mpa:note id=\"n\"><mpa:title lang=\"en\">Hello</mpa:title><mpa:title lang=\"zh-CN\">你好</mpa:title>\n"
							"<mpa:text lang=\"en\">line one\n   line two\n\n   second paragraph</mpa:text>\n"
							"<mpa:text lang=\"zh_CN\">第一行\n   第二行\n- 列表项</mpa:text></mpa:note>\n" ASSIST_END TAIL);
	g_autoptr(GPtrArray) problems = problems_new();
	g_autoptr(MpaProvider) p = mpa_provider_load_file(path, problems);
	const MpaStep *note;
	g_autofree gchar *saved_language = g_strdup(g_getenv("LANGUAGE"));
	g_autofree gchar *saved_lc_all = g_strdup(g_getenv("LC_ALL"));

	dump_problems(problems);
	g_assert_nonnull(p);
	note = g_ptr_array_index(p->notes, 0);
	g_assert_cmpstr(mpa_text_get_lang(note->text, "en"), ==, "line one line two\n\nsecond paragraph");
	g_assert_cmpstr(mpa_text_get_lang(note->text, "zh_CN"), ==, "第一行第二行\n- 列表项");
	g_assert_cmpstr(mpa_text_get_lang(note->title, "zh-CN"), ==, "你好");
	g_assert_cmpstr(mpa_text_get_lang(note->title, "zh"), ==, "你好");
	g_assert_cmpstr(mpa_text_get_lang(note->title, "zh_CN.UTF-8"), ==, "你好");
	g_assert_cmpstr(mpa_text_get_lang(note->title, "de"), ==, "Hello");
	/* Traditional Chinese has no texts here: English, never Simplified Chinese (mpa-lang.h) */
	g_assert_cmpstr(mpa_text_get_lang(note->title, "zh_TW"), ==, "Hello");
	g_assert_cmpstr(mpa_text_get_lang(note->title, "C"), ==, "Hello");
	g_assert_cmpstr(mpa_text_get_lang(note->title, NULL), ==, mpa_text_get(note->title));

	set_langs("zh_CN.UTF-8", "C.UTF-8");
	g_assert_cmpstr(mpa_text_get(note->title), ==, "你好");
	g_assert_cmpstr(mpa_provider_name(p), ==, "测试");
	set_langs("zh", "C.UTF-8");
	g_assert_cmpstr(mpa_text_get(note->title), ==, "你好");
	set_langs("fr_FR:zh_CN", "C.UTF-8");
	g_assert_cmpstr(mpa_text_get(note->title), ==, "你好");
	set_langs("de_DE", "C.UTF-8");
	g_assert_cmpstr(mpa_text_get(note->title), ==, "Hello");
	set_langs("", "zh_CN.UTF-8");
	g_assert_cmpstr(mpa_text_get(note->title), ==, "你好");
	set_langs("", "zh_TW.UTF-8");
	g_assert_cmpstr(mpa_text_get(note->title), ==, "Hello");
	set_langs("", "C.UTF-8");
	g_assert_cmpstr(mpa_text_get(note->title), ==, "Hello");
	g_assert_cmpstr(mpa_provider_name(p), ==, "Test");

	g_setenv("LANGUAGE", saved_language != NULL ? saved_language : "", TRUE);
	g_setenv("LC_ALL", saved_lc_all != NULL ? saved_lc_all : "C.UTF-8", TRUE);
	g_assert_null(mpa_text_get(NULL));
}

static void test_names(void)
{
	MpaStage stage;
	MpaProtocol protocol;
	const gchar *const *causes = mpa_cause_ids();

	g_assert_cmpstr(mpa_security_name(MPA_SECURITY_SSL), ==, "ssl");
	g_assert_cmpstr(mpa_security_name(MPA_SECURITY_STARTTLS), ==, "starttls");
	g_assert_cmpstr(mpa_security_name(MPA_SECURITY_PLAIN), ==, "plain");
	g_assert_cmpstr(mpa_protocol_name(MPA_PROTOCOL_IMAP), ==, "imap");
	g_assert_cmpstr(mpa_protocol_name(MPA_PROTOCOL_SMTP), ==, "smtp");
	for (guint i = 0; i < MPA_STAGE_COUNT; i++) {
		g_assert_true(mpa_stage_from_name(mpa_stage_name(i), &stage));
		g_assert_cmpint(stage, ==, i);
	}
	g_assert_cmpstr(mpa_stage_name(MPA_STAGE_AUTH), ==, "auth");
	g_assert_cmpstr(mpa_stage_name(MPA_STAGE_COUNT), ==, "unknown");
	g_assert_false(mpa_stage_from_name("login", &stage));
	g_assert_false(mpa_stage_from_name(NULL, &stage));
	g_assert_true(mpa_protocol_from_name("smtp", &protocol));
	g_assert_cmpint(protocol, ==, MPA_PROTOCOL_SMTP);
	g_assert_false(mpa_protocol_from_name("pop3", &protocol));

	g_assert_cmpuint(g_strv_length((gchar **)causes), ==, 24);
	g_assert_true(mpa_cause_is_valid(MPA_CAUSE_APP_PASSWORD_REQUIRED));
	g_assert_true(mpa_cause_is_valid(MPA_CAUSE_ENCRYPTION_REQUIRED));
	g_assert_true(mpa_cause_is_valid(MPA_CAUSE_TLS_OUTDATED));
	g_assert_true(mpa_cause_is_valid(MPA_CAUSE_PREAUTH_UNENCRYPTED));
	g_assert_true(mpa_cause_is_valid("unknown"));
	g_assert_false(mpa_cause_is_valid("App-Password-Required"));
	g_assert_false(mpa_cause_is_valid(NULL));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

	for (guint i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
		g_autofree gchar *name = g_strdup_printf("/provider/invalid/%s", bad_cases[i].name);
		g_test_add(name, Fixture, &bad_cases[i], fixture_setup, test_bad, fixture_teardown);
	}
	for (guint i = 0; i < G_N_ELEMENTS(warn_cases); i++) {
		g_autofree gchar *name = g_strdup_printf("/provider/ignored/%s", warn_cases[i].name);
		g_test_add(name, Fixture, &warn_cases[i], fixture_setup, test_warn, fixture_teardown);
	}
	g_test_add_func("/provider/invalid/nul-byte", test_nul_byte);
	g_test_add_func("/provider/load/auth-methods", test_auth_methods);
	g_test_add_func("/provider/load/oauth2-client", test_oauth2_client);
	g_test_add_func("/provider/invalid/too-deep", test_too_deep);
	g_test_add_func("/provider/invalid/depth-limit-exact", test_depth_limit_exact);
	g_test_add_func("/provider/xml/free-deep-tree", test_free_deep_tree);
	g_test_add("/provider/load/data-same-as-file", Fixture, NULL, fixture_setup, test_load_data_same_as_file, fixture_teardown);
	g_test_add_func("/provider/load/data-sohu", test_load_data_sohu);
	g_test_add("/provider/invalid/too-big", Fixture, NULL, fixture_setup, test_file_too_big, fixture_teardown);
	g_test_add("/provider/file/read", Fixture, NULL, fixture_setup, test_file_read, fixture_teardown);
	g_test_add("/provider/invalid/two-providers", Fixture, NULL, fixture_setup, test_two_providers, fixture_teardown);
	g_test_add("/provider/invalid/all-problems", Fixture, NULL, fixture_setup, test_all_problems, fixture_teardown);
	g_test_add("/provider/invalid/missing-file", Fixture, NULL, fixture_setup, test_missing_file, fixture_teardown);
	g_test_add("/provider/load/plain-ispdb", Fixture, NULL, fixture_setup, test_plain_ispdb, fixture_teardown);
	g_test_add("/provider/load/any-prefix", Fixture, NULL, fixture_setup, test_other_prefix, fixture_teardown);
	g_test_add_func("/provider/load/sohu", test_sohu);
	g_test_add_func("/provider/load/shipped", test_shipped);
	g_test_add_func("/provider/load/shipped-mx", test_shipped_mx);
	g_test_add("/provider/db/user-replaces-installed", Fixture, NULL, fixture_setup, test_user_replaces, fixture_teardown);
	g_test_add("/provider/db/default-dirs", Fixture, NULL, fixture_setup, test_default_dirs, fixture_teardown);
	g_test_add("/provider/db/bad-file-skipped", Fixture, NULL, fixture_setup, test_bad_file_skipped, fixture_teardown);
	g_test_add("/provider/db/domain-claimed-twice", Fixture, NULL, fixture_setup, test_domain_claimed_twice, fixture_teardown);
	g_test_add("/provider/db/same-id-one-dir", Fixture, NULL, fixture_setup, test_same_id_one_dir, fixture_teardown);
	g_test_add("/provider/db/same-id-file-named-after-it", Fixture, NULL, fixture_setup, test_same_id_file_named_after_it, fixture_teardown);
	g_test_add("/provider/db/same-id-no-way-out", Fixture, NULL, fixture_setup, test_same_id_no_way_out, fixture_teardown);
	g_test_add_func("/provider/load/ispdb-snapshot", test_ispdb_snapshot);
	g_test_add("/provider/db/lookup-mx", Fixture, NULL, fixture_setup, test_lookup_mx, fixture_teardown);
	g_test_add("/provider/db/mx-claimed-twice", Fixture, NULL, fixture_setup, test_mx_claimed_twice, fixture_teardown);
	g_test_add("/provider/db/missing-or-unreadable-dir", Fixture, NULL, fixture_setup, test_dirs_missing_or_unreadable, fixture_teardown);
	g_test_add("/provider/text/get", Fixture, NULL, fixture_setup, test_text_get, fixture_teardown);
	g_test_add_func("/provider/names", test_names);
	return g_test_run();
}
