/* Tests for address parsing and look-up: what users type, what they paste, and IDN. */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include "mpa-provider.h"

static MpaDb *db;
static gchar *tmp_dir;
static gchar *idn_file;

/* A provider whose domains are international: one written in Unicode (U-label), one in punycode. */
static const gchar idn_xml[] =
	"<clientConfig version=\"1.1\">\n"
	"<emailProvider id=\"idn.test\">\n"
	"<domain>例子.测试</domain>\n"
	"<domain>xn--bcher-kva.example</domain>\n"
	"<displayName>IDN Test</displayName>\n"
	"</emailProvider>\n"
	"</clientConfig>\n";

typedef enum {
	OK,
	UNKNOWN,
	BAD
} Outcome;

typedef struct {
	const gchar *input;
	Outcome outcome;
	const gchar *expect;     /* OK: provider id; UNKNOWN: normalized address; BAD: part of the message */
	const gchar *normalized; /* OK: the normalized address (NULL: not checked) */
} Case;

static const Case cases[] = {
	/* plain and messy input that means a Sohu address */
	{ "zhangsan@sohu.com", OK, "sohu.com", "zhangsan@sohu.com" },
	{ "zhangsan@vip.sohu.com", OK, "sohu.com", "zhangsan@vip.sohu.com" },
	{ "ZhangSan@SOHU.COM", OK, "sohu.com", "ZhangSan@sohu.com" },
	{ "zhangsan@Vip.Sohu.Com", OK, "sohu.com", "zhangsan@vip.sohu.com" },
	{ "   zhangsan@sohu.com   ", OK, "sohu.com", "zhangsan@sohu.com" },
	{ "\tzhangsan@sohu.com\r\n", OK, "sohu.com", "zhangsan@sohu.com" },
	{ "Zhang San <zhangsan@sohu.com>", OK, "sohu.com", "zhangsan@sohu.com" },
	{ "张三 <zhangsan@sohu.com>", OK, "sohu.com", "zhangsan@sohu.com" },
	{ "\"Zhang, San\" <zhangsan@vip.sohu.com>", OK, "sohu.com", "zhangsan@vip.sohu.com" },
	{ "\"a <tricky> \\\"name\\\"\" <x@sohu.com>", OK, "sohu.com", "x@sohu.com" },
	{ "<zhangsan@sohu.com>", OK, "sohu.com", "zhangsan@sohu.com" },
	{ "Name < zhangsan@sohu.com >", OK, "sohu.com", "zhangsan@sohu.com" },
	{ "zhangsan@sohu.com.", OK, "sohu.com", "zhangsan@sohu.com" },
	{ "zhang.san+mail@sohu.com", OK, "sohu.com", "zhang.san+mail@sohu.com" },
	{ "zhangsan＠sohu。com", OK, "sohu.com", "zhangsan@sohu.com" }, /* full-width, from an IME */
	{ "张三@sohu.com", OK, "sohu.com", "张三@sohu.com" },           /* SMTPUTF8 local part */
	/* IDN: Unicode and punycode spellings meet */
	{ "user@例子.测试", OK, "idn.test", "user@xn--fsqu00a.xn--0zwm56d" },
	{ "user@xn--fsqu00a.xn--0zwm56d", OK, "idn.test", "user@xn--fsqu00a.xn--0zwm56d" },
	{ "user@XN--FSQU00A.XN--0ZWM56D", OK, "idn.test", "user@xn--fsqu00a.xn--0zwm56d" },
	{ "user@bücher.example", OK, "idn.test", "user@xn--bcher-kva.example" },
	{ "user@BÜCHER.example", OK, "idn.test", "user@xn--bcher-kva.example" },
	{ "user@xn--bcher-kva.example", OK, "idn.test", NULL },
	/* valid addresses of domains nobody claims: no lookalike or parent/child matching */
	{ "zhangsan@mail.sohu.com", UNKNOWN, "zhangsan@mail.sohu.com", NULL },
	{ "zhangsan@sohu.com.evil.example", UNKNOWN, "zhangsan@sohu.com.evil.example", NULL },
	{ "zhangsan@notsohu.com", UNKNOWN, "zhangsan@notsohu.com", NULL },
	{ "zhangsan@sohu.co", UNKNOWN, "zhangsan@sohu.co", NULL },
	{ "zhangsan@xn--sohu-9ra.com", UNKNOWN, "zhangsan@xn--sohu-9ra.com", NULL },
	/* not addresses */
	{ "", BAD, "the address is empty", NULL },
	{ "    ", BAD, "the address is empty", NULL },
	{ "zhangsan", BAD, "has no @", NULL },
	{ "zhangsan.sohu.com", BAD, "has no @", NULL },
	{ "a@b@sohu.com", BAD, "more than one @", NULL },
	{ "zhang san@sohu.com", BAD, "contains a space", NULL },
	{ "zhangsan@sohu .com", BAD, "contains a space", NULL },
	{ "@sohu.com", BAD, "nothing before the @", NULL },
	{ "zhangsan@", BAD, "nothing after the @", NULL },
	{ "@", BAD, "nothing before the @", NULL },
	{ "<>", BAD, "no address between '<' and '>'", NULL },
	{ "Zhang San <>", BAD, "no address between '<' and '>'", NULL },
	{ "Zhang San <zhangsan@sohu.com", BAD, "without a closing '>'", NULL },
	{ "zhangsan@sohu.com>", BAD, "'>' without a '<'", NULL },
	{ "Zhang <zhangsan@sohu.com> extra", BAD, "text after the '>'", NULL },
	{ "\"Zhang San <zhangsan@sohu.com>", BAD, "no closing quote", NULL },
	{ "\"Zhang San\" zhangsan@sohu.com", BAD, "angle brackets", NULL },
	{ "Zh\"ang <zhangsan@sohu.com>", BAD, "stray '\"'", NULL },
	{ "<a@sohu.com> <b@sohu.com>", BAD, "text after the '>'", NULL },
	{ ".zhangsan@sohu.com", BAD, "starts or ends with a dot", NULL },
	{ "zhangsan.@sohu.com", BAD, "starts or ends with a dot", NULL },
	{ "zhang..san@sohu.com", BAD, "two dots in a row", NULL },
	{ "zhang(san)@sohu.com", BAD, "'(' is not allowed", NULL },
	{ "zhangsan@sohu..com", BAD, "empty part", NULL },
	{ "zhangsan@.sohu.com", BAD, "empty part", NULL },
	{ "zhangsan@sohu.com..", BAD, "empty part", NULL },
	{ "zhangsan@-sohu.com", BAD, "hyphen", NULL },
	{ "zhangsan@sohu_mail.com", BAD, "only letters, digits, hyphens and dots", NULL },
	{ "zhangsan@sohu", BAD, "has no dot", NULL },
	{ "zhangsan@[192.0.2.1]", BAD, "IP address", NULL },
	{ "zhangsan@192.0.2.1", BAD, "looks like an IP address", NULL },
	{ "zhang\x01san@sohu.com", BAD, "control character", NULL },
	{ "zhangsan@sohu.com\x7f", BAD, "control character", NULL },
	{ "zhang\nsan@sohu.com", BAD, "control character", NULL },
	{ "zhangsan@sohu\xc2\x85.com", BAD, "control character", NULL }, /* U+0085 NEL */
	{ "zhangsan@soh\xffu.com", BAD, "not valid UTF-8", NULL },
	/* invisible format characters (issue #15): each was accepted and sent as the user name */
	{ "zhang\xe2\x80\x8bsan@sohu.com", BAD, "invisible formatting character (U+200B)", NULL },          /* zero-width space */
	{ "\xef\xbb\xbfzhangsan@sohu.com", BAD, "invisible formatting character (U+FEFF)", NULL },          /* BOM */
	{ "zhang\xc2\xadsan@sohu.com", BAD, "invisible formatting character (U+00AD)", NULL },              /* soft hyphen */
	{ "zhang\xe2\x81\xa6san@sohu.com", BAD, "invisible formatting character (U+2066)", NULL },          /* LRI */
	{ "moc.uhos@\xe2\x80\xaenasgnahz@sohu.com", BAD, "invisible formatting character (U+202E)", NULL }, /* RLO */
	{ "zhangsan@so\xc2\xadhu.com", BAD, "invisible formatting character (U+00AD)", NULL },              /* in the domain */
	{ "Zhang <zhang\xe2\x80\x8dsan@sohu.com>", BAD, "invisible formatting character (U+200D)", NULL },
	{ "zhangsan\xe2\x80\xa8@sohu.com", BAD, "invisible formatting character (U+2028)", NULL }, /* line separator */
	/* a name may hold them (a ZWJ in an emoji); only the address is refused */
	{ "Zhang\xe2\x80\x8d <zhangsan@sohu.com>", OK, "sohu.com", "zhangsan@sohu.com" },
	/* found by fuzzing: a hand-typed broken xn-- label next to one GLib encodes */
	{ "zhangsan@\xe4\xbe\x8b\xe5\xad\x90.xn--o.com", BAD, "broken international (xn--) part", NULL },
};

static void test_case(gconstpointer data)
{
	const Case *c = data;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *normalized = NULL;
	const MpaProvider *p = mpa_db_lookup_address(db, c->input, &normalized, &error);

	switch (c->outcome) {
	case OK:
		g_assert_no_error(error);
		g_assert_nonnull(p);
		g_assert_cmpstr(p->id, ==, c->expect);
		if (c->normalized != NULL)
			g_assert_cmpstr(normalized, ==, c->normalized);
		break;
	case UNKNOWN:
		g_assert_null(p);
		g_assert_error(error, MPA_PROVIDER_ERROR, MPA_PROVIDER_ERROR_UNKNOWN);
		g_assert_cmpstr(normalized, ==, c->expect);
		g_assert_nonnull(strstr(error->message, "no provider is known"));
		break;
	case BAD:
		g_assert_null(p);
		g_assert_error(error, MPA_PROVIDER_ERROR, MPA_PROVIDER_ERROR_ADDRESS);
		g_assert_null(normalized);
		g_test_message("%s -> %s", c->input, error->message);
		g_assert_nonnull(strstr(error->message, c->expect));
		g_assert_nonnull(strstr(error->message, " — "));
		break;
	}
}

static void test_parse(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *local = NULL;
	g_autofree gchar *domain = NULL;

	g_assert_true(mpa_address_parse(" Li Si <LiSi@例子.测试.> ", &local, &domain, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(local, ==, "LiSi");
	g_assert_cmpstr(domain, ==, "xn--fsqu00a.xn--0zwm56d");
	/* outputs are optional */
	g_assert_true(mpa_address_parse("a@b.example", NULL, NULL, NULL));
	g_clear_pointer(&local, g_free);
	g_clear_pointer(&domain, g_free);
	g_assert_false(mpa_address_parse(NULL, &local, &domain, &error));
	g_assert_null(local);
	g_assert_null(domain);
	g_assert_error(error, MPA_PROVIDER_ERROR, MPA_PROVIDER_ERROR_ADDRESS);
}

static void test_long(void)
{
	g_autoptr(GError) error = NULL;
	GString *s = g_string_new(NULL);
	g_autofree gchar *label = g_strnfill(64, 'a');
	g_autofree gchar *local65 = g_strnfill(65, 'a');
	g_autofree gchar *long_label = g_strdup_printf("x@%s.com", label);
	g_autofree gchar *long_local = g_strdup_printf("%s@sohu.com", local65);
	g_autofree gchar *huge = NULL;
	g_autofree gchar *long_domain = NULL;
	g_autofree gchar *ok63 = g_strdup_printf("%.*s@sohu.com", 63, local65);
	g_autofree gchar *label63 = g_strnfill(63, 'b');

	g_assert_false(mpa_address_parse(long_label, NULL, NULL, &error));
	g_assert_nonnull(strstr(error->message, "longer than 63"));
	g_clear_error(&error);
	g_assert_false(mpa_address_parse(long_local, NULL, NULL, &error));
	g_assert_nonnull(strstr(error->message, "longer than 64"));
	g_clear_error(&error);
	g_assert_true(mpa_address_parse(ok63, NULL, NULL, NULL));

	/* 4 labels of 63 = 255 characters of domain: over 253 */
	long_domain = g_strdup_printf("x@%s.%s.%s.%s", label63, label63, label63, label63);
	g_assert_false(mpa_address_parse(long_domain, NULL, NULL, &error));
	g_assert_nonnull(strstr(error->message, "253"));
	g_clear_error(&error);

	for (guint i = 0; i < 100000; i++)
		g_string_append(s, "ab");
	g_string_append(s, "@sohu.com");
	huge = g_string_free(s, FALSE);
	g_assert_false(mpa_address_parse(huge, NULL, NULL, &error));
	g_assert_error(error, MPA_PROVIDER_ERROR, MPA_PROVIDER_ERROR_ADDRESS);
	g_assert_nonnull(strstr(error->message, "too long"));
}

static void test_expand(void)
{
	g_autofree gchar *a = mpa_expand_username("%EMAILADDRESS%", "li@sohu.com");
	g_autofree gchar *b = mpa_expand_username("%EMAILLOCALPART%", "li@sohu.com");
	g_autofree gchar *c = mpa_expand_username("%EMAILLOCALPART%.%EMAILDOMAIN%", "li@sohu.com");
	g_autofree gchar *d = mpa_expand_username("mail.%EMAILDOMAIN%", "li@sohu.com");
	g_autofree gchar *e = mpa_expand_username("100% %EMAILX", "li@sohu.com");

	g_assert_cmpstr(a, ==, "li@sohu.com");
	g_assert_cmpstr(b, ==, "li");
	g_assert_cmpstr(c, ==, "li.sohu.com");
	g_assert_cmpstr(d, ==, "mail.sohu.com");
	g_assert_cmpstr(e, ==, "100% %EMAILX");
}

/* A host name may depend on the address (35.cn: "imap.%EMAILDOMAIN%"); a fixed one is copied. */
static void test_expand_host(void)
{
	g_autofree gchar *a = mpa_expand_host("imap.%EMAILDOMAIN%", "Zhang.San@corp.example");
	g_autofree gchar *b = mpa_expand_host("%EMAILDOMAIN%", "li@xn--fiqs8s.cn");
	g_autofree gchar *c = mpa_expand_host("imap.sohu.com", "li@sohu.com");
	g_autofree gchar *d = mpa_expand_host("smtp.%EMAILDOMAIN%", "Li@Corp.Example");

	g_assert_cmpstr(a, ==, "imap.corp.example");
	g_assert_cmpstr(b, ==, "xn--fiqs8s.cn");
	g_assert_cmpstr(c, ==, "imap.sohu.com");
	g_assert_cmpstr(d, ==, "smtp.corp.example"); /* host names are lower case */
}

static void test_lookup_domain(void)
{
	g_assert_nonnull(mpa_db_lookup_domain(db, "sohu.com"));
	g_assert_null(mpa_db_lookup_domain(db, "SOHU.COM")); /* expects the normalised form */
	g_assert_null(mpa_db_lookup_domain(db, NULL));
	g_assert_cmpstr(mpa_db_lookup_domain(db, "xn--fsqu00a.xn--0zwm56d")->id, ==, "idn.test");
}

/* The messages reach the user in Chinese when the catalogue is installed. */
static void test_translated(void)
{
	const gchar *dir = g_getenv("MPA_LOCALEDIR");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *saved = g_strdup(setlocale(LC_ALL, NULL));

	if (dir == NULL || setlocale(LC_ALL, "zh_CN.UTF-8") == NULL) {
		g_test_skip("no zh_CN.UTF-8 locale or no built catalogue (run through make check)");
		return;
	}
	bindtextdomain(GETTEXT_PACKAGE, dir);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	g_assert_false(mpa_address_parse("zhangsan", NULL, NULL, &error));
	g_assert_cmpstr(error->message, ==, "“zhangsan”里没有 @，邮箱地址格式应类似 zhangsan@sohu.com");
	setlocale(LC_ALL, saved);
}

int main(int argc, char **argv)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *sohu = NULL;
	gint status;

	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	tmp_dir = g_dir_make_tmp("mpa-test-address-XXXXXX", &error);
	g_assert_no_error(error);
	idn_file = g_build_filename(tmp_dir, "idn.test.xml", NULL);
	g_file_set_contents(idn_file, idn_xml, -1, &error);
	g_assert_no_error(error);
	db = mpa_db_new();
	sohu = g_test_build_filename(G_TEST_DIST, "..", "providers", "sohu.com.xml", NULL);
	g_assert_true(mpa_db_load_file(db, sohu, problems));
	g_assert_true(mpa_db_load_file(db, idn_file, problems));
	g_assert_cmpuint(problems->len, ==, 0);

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *path = g_strdup_printf("/address/lookup/%02u", i);

		g_test_add_data_func(path, &cases[i], test_case);
	}
	g_test_add_func("/address/parse", test_parse);
	g_test_add_func("/address/long", test_long);
	g_test_add_func("/address/expand-username", test_expand);
	g_test_add_func("/address/expand-host", test_expand_host);
	g_test_add_func("/address/lookup-domain", test_lookup_domain);
	g_test_add_func("/address/translated", test_translated);
	status = g_test_run();

	mpa_db_free(db);
	g_unlink(idn_file);
	g_rmdir(tmp_dir);
	g_free(idn_file);
	g_free(tmp_dir);
	return status;
}
