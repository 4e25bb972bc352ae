/* Tests for mpa-text (reply decoding, display sanitising, secret wiping, first sentences, durations), the CLI's JSON writer and mpa-lang (locale names to language tags). */
#include "config.h"

#include <string.h>
#include "mpa-digest.h"
#include "mpa-text.h"
#include "cli-json.h"
#include "mpa-lang.h"

/* One rule from a locale name to the language tags tried (mpa-lang.h). */
static void test_lang_variants(void)
{
	static const struct {
		const gchar *locale, *tags;
	} cases[] = {
		{ "zh_CN.UTF-8", "zh_CN zh" },
		{ "zh_CN.GB18030", "zh_CN zh" },
		{ "zh_CN@variant", "zh_CN zh" },
		{ "zh_CN.UTF-8@variant", "zh_CN zh" },
		{ "zh-CN", "zh_CN zh" },
		{ "zh_cn", "zh_CN zh" },
		/* no Traditional Chinese texts or catalogue: zh_TW never reaches zh_CN, so it gets
		 * English, as gettext gives the Claws Mail interface around it */
		{ "zh_TW", "zh_TW zh" },
		{ "zh_TW.Big5", "zh_TW zh" },
		{ "zh_HK", "zh_HK zh" },
		{ "zh_HK.UTF-8", "zh_HK zh" },
		{ "zh_MO", "zh_MO zh" },
		{ "zh_Hant_TW", "en" },
		/* Simplified Chinese outside zh_CN reads the zh_CN texts */
		{ "zh_SG.UTF-8", "zh_SG zh_CN zh" },
		{ "zh_SG", "zh_SG zh_CN zh" },
		{ "zh-SG", "zh_SG zh_CN zh" },
		{ "zh_MY.UTF-8", "zh_MY zh_CN zh" },
		/* a script: g_get_locale_variants() passes "zh_Hans_CN" through whole */
		{ "zh_Hans_CN", "zh_CN zh" },
		{ "zh_Hans_CN.UTF-8", "zh_CN zh" },
		{ "zh-Hans-SG", "zh_CN zh" },
		{ "zh_Hans", "zh_CN zh" },
		/* the bare language: this project's Chinese is Simplified Chinese */
		{ "zh", "zh zh_CN" },
		{ "zh.UTF-8", "zh zh_CN" },
		{ "en_US", "en_US en" },
		{ "en_US.UTF-8", "en_US en" },
		{ "de", "de" },
		{ "C", "en" },
		{ "C.UTF-8", "en" },
		{ "POSIX", "en" },
		{ "", "en" },
		{ NULL, "en" },
		{ "not a locale", "en" },
		{ "x", "en" },
		{ "zh_", "en" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_auto(GStrv) tags = mpa_lang_variants(cases[i].locale);
		g_autofree gchar *joined = g_strjoinv(" ", tags);
		g_autofree gchar *tag = mpa_lang_tag(cases[i].locale);

		g_test_message("%s", cases[i].locale != NULL ? cases[i].locale : "(null)");
		g_assert_cmpstr(joined, ==, cases[i].tags);
		g_assert_true(g_str_has_prefix(cases[i].tags, tag));
	}
	g_assert_true(mpa_lang_is_source("en"));
	g_assert_true(mpa_lang_is_source("en_GB"));
	g_assert_false(mpa_lang_is_source("zh_CN"));
	g_assert_false(mpa_lang_is_source("eo"));
	g_assert_true(mpa_lang_is_c_locale("C.UTF-8"));
	g_assert_true(mpa_lang_is_c_locale(NULL));
	g_assert_false(mpa_lang_is_c_locale("Ca_ES"));
	g_assert_false(mpa_lang_is_c_locale("en_US.UTF-8"));
}

static void test_lang_normalize(void)
{
	static const struct {
		const gchar *in, *out;
	} cases[] = {
		{ "zh-CN", "zh_CN" },
		{ "ZH_cn", "zh_CN" },
		{ "EN", "en" },
		{ "yue", "yue" },
		{ "sr_Latn", "sr_LATN" },
		{ "e", NULL },
		{ "engl", NULL },
		{ "zh_C", NULL },
		{ "zh_CN.UTF-8", NULL },
		{ "", NULL },
		{ NULL, NULL },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *out = mpa_lang_normalize(cases[i].in);

		g_assert_cmpstr(out, ==, cases[i].out);
	}
}

/* The process's languages: $LANGUAGE's entries in order, else $LC_ALL... (where
 * g_get_language_names() looks); the C locale is English. */
static void test_lang_process(void)
{
	static const struct {
		const gchar *language, *lc_all, *tags;
	} cases[] = {
		{ "fr_FR:zh_CN", "C.UTF-8", "fr_FR fr zh_CN zh" },
		{ "zh", "C.UTF-8", "zh zh_CN" },
		{ "", "zh_CN.UTF-8", "zh_CN zh" },
		{ "", "zh_TW.UTF-8", "zh_TW zh" },
		{ "", "zh_SG.UTF-8", "zh_SG zh_CN zh" },
		{ "zh_SG:en", "C.UTF-8", "zh_SG zh_CN zh en" },
		{ "", "C.UTF-8", "en" },
	};
	g_autofree gchar *saved_language = g_strdup(g_getenv("LANGUAGE"));
	g_autofree gchar *saved_lc_all = g_strdup(g_getenv("LC_ALL"));

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_auto(GStrv) tags = NULL;
		g_autofree gchar *joined = NULL;

		g_setenv("LANGUAGE", cases[i].language, TRUE);
		g_setenv("LC_ALL", cases[i].lc_all, TRUE);
		tags = mpa_lang_process_variants();
		joined = g_strjoinv(" ", tags);
		g_assert_cmpstr(joined, ==, cases[i].tags);
	}
	g_setenv("LANGUAGE", saved_language != NULL ? saved_language : "", TRUE);
	g_setenv("LC_ALL", saved_lc_all != NULL ? saved_lc_all : "C.UTF-8", TRUE);
}

static void test_first_sentence(void)
{
	static const struct {
		const gchar *in, *out;
	} cases[] = {
		{ "Do not type it here: Sohu refuses it. Use an independent password.",
		  "Do not type it here: Sohu refuses it." },
		{ "Version 1.2 works. Then more.", "Version 1.2 works." },
		{ "这里不要填登录密码，搜狐不接受。请填独立密码。", "这里不要填登录密码，搜狐不接受。" },
		{ "  Only one sentence  ", "Only one sentence" },
		{ "Ends here.", "Ends here." },
		{ "", "" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *out = mpa_first_sentence(cases[i].in);
		g_assert_cmpstr(out, ==, cases[i].out);
	}
}

static void test_duration(void)
{
	static const struct {
		gint64 us;
		const gchar *out;
	} cases[] = {
		{ 0, "0 ms" },
		{ 40, "0 ms" },
		{ 600, "1 ms" },
		{ 312400, "312 ms" },
		{ 999400, "999 ms" },
		{ 999600, "1.0 s" },
		{ 1449000, "1.4 s" },
		{ 12000000, "12.0 s" },
		{ -5, "0 ms" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		gint ms = -1;
		g_autofree gchar *out = mpa_duration_ms(cases[i].us, &ms) ? g_strdup_printf("%d ms", ms) : g_strdup_printf("%.1f s", cases[i].us / 1e6);
		g_assert_cmpstr(out, ==, cases[i].out);
	}
}

static void test_decode_utf8(void)
{
	const gchar *s = "535 认证失败";
	g_autofree gchar *out = mpa_decode_reply((const guint8 *)s, strlen(s));

	g_assert_cmpstr(out, ==, s);
}

static void test_decode_gbk(void)
{
	/* "535 认证失败" in GBK */
	static const guint8 gbk[] = { '5', '3', '5', ' ', 0xc8, 0xcf, 0xd6, 0xa4, 0xca, 0xa7, 0xb0, 0xdc };
	g_autofree gchar *out = mpa_decode_reply(gbk, sizeof gbk);

	g_assert_cmpstr(out, ==, "535 认证失败");
}

static void test_decode_invalid(void)
{
	/* a NUL byte and a lone continuation byte: neither UTF-8 nor GB18030 */
	static const guint8 bad[] = { 'N', 'O', 0x00, 0x80, 'x' };
	g_autofree gchar *out = mpa_decode_reply(bad, sizeof bad);

	g_assert_true(g_utf8_validate(out, -1, NULL));
	g_assert_nonnull(strstr(out, "NO"));
}

/* Found by tests/test-hostile.sh: NUL bytes became U+FFFD and GBK text next to one was lost. */
static void test_decode_nul(void)
{
	static const guint8 nul[] = { 'N', 'O', ' ', 'a', 0x00, 'b', 0x00 };
	static const guint8 gbk_nul[] = { '5', '3', '5', 0x00, ' ', 0xc8, 0xcf, 0xd6, 0xa4 };
	g_autofree gchar *a = mpa_decode_reply(nul, sizeof nul);
	g_autofree gchar *b = mpa_decode_reply(gbk_nul, sizeof gbk_nul);
	g_autofree gchar *shown = mpa_sanitize_display(a, 0);

	g_assert_cmpstr(a, ==, "NO a\\x00b\\x00");
	g_assert_cmpstr(b, ==, "535\\x00 认证");
	g_assert_cmpstr(shown, ==, "NO a\\x00b\\x00");
}

static void test_sanitize(void)
{
	g_autofree gchar *a = mpa_sanitize_display("line one\r\nline\ttwo\r\n", 0);
	g_autofree gchar *b = mpa_sanitize_display("bell\a esc\x1b[31mred", 0);
	g_autofree gchar *c = mpa_sanitize_display("abcdefgh", 3);
	g_autofree gchar *d = mpa_sanitize_display("bad \xff byte", 0);
	g_autofree gchar *e = mpa_sanitize_display("x\xe2\x80\xaey", 0); /* RIGHT-TO-LEFT OVERRIDE */

	g_assert_cmpstr(a, ==, "line one / line two");
	g_assert_cmpstr(b, ==, "bell\\x07 esc\\x1b[31mred");
	g_assert_cmpstr(c, ==, "abc…");
	g_assert_cmpstr(d, ==, "bad \xef\xbf\xbd byte");
	g_assert_cmpstr(e, ==, "x\\u202ey");
}

static void test_json(void)
{
	MpaJson *j = mpa_json_new();
	g_autofree gchar *out = NULL;

	mpa_json_begin_object(j, NULL);
	mpa_json_string(j, "s", "a\"b\\c\n\x01 认");
	mpa_json_int(j, "n", -42);
	mpa_json_bool(j, "t", TRUE);
	mpa_json_string(j, "z", NULL);
	mpa_json_begin_array(j, "a");
	mpa_json_int(j, NULL, 1);
	mpa_json_begin_object(j, NULL);
	mpa_json_end_object(j);
	mpa_json_end_array(j);
	mpa_json_begin_array(j, "empty");
	mpa_json_end_array(j);
	mpa_json_end_object(j);
	out = mpa_json_finish(j);
	g_assert_cmpstr(out, ==,
			"{\n"
			"  \"s\": \"a\\\"b\\\\c\\n\\u0001 认\",\n"
			"  \"n\": -42,\n"
			"  \"t\": true,\n"
			"  \"z\": null,\n"
			"  \"a\": [\n"
			"    1,\n"
			"    {}\n"
			"  ],\n"
			"  \"empty\": []\n"
			"}\n");
}

static void test_json_invalid_utf8(void)
{
	MpaJson *j = mpa_json_new();
	g_autofree gchar *out = NULL;

	mpa_json_begin_object(j, NULL);
	mpa_json_string(j, "r", "x\xffy");
	mpa_json_end_object(j);
	out = mpa_json_finish(j);
	g_assert_true(g_utf8_validate(out, -1, NULL));
}

/* Secrets are digested with their NULs, so that the parts' boundaries count. */
static void
test_digest_secrets(void)
{
	const gchar *empty[] = { "" };
	const gchar *ab_[] = { "ab", "" };
	const gchar *a_b[] = { "a", "b" };
	const gchar *null[] = { NULL };
	g_autofree gchar *d0 = mpa_digest_secrets(empty, 1);
	g_autofree gchar *d1 = mpa_digest_secrets(ab_, 2);
	g_autofree gchar *d2 = mpa_digest_secrets(a_b, 2);
	g_autofree gchar *d3 = mpa_digest_secrets(null, 1);

	/* sha256sum of one NUL byte */
	g_assert_cmpstr(d0, ==, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
	g_assert_cmpstr(d3, ==, d0);
	g_assert_cmpuint(strlen(d1), ==, 64);
	g_assert_cmpstr(d1, !=, d2);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
	g_test_add_func("/text/first-sentence", test_first_sentence);
	g_test_add_func("/text/duration", test_duration);
	g_test_add_func("/text/decode/utf8", test_decode_utf8);
	g_test_add_func("/text/decode/gbk", test_decode_gbk);
	g_test_add_func("/text/decode/invalid", test_decode_invalid);
	g_test_add_func("/text/decode/nul", test_decode_nul);
	g_test_add_func("/text/sanitize", test_sanitize);
	g_test_add_func("/text/json", test_json);
	g_test_add_func("/lang/variants", test_lang_variants);
	g_test_add_func("/lang/normalize", test_lang_normalize);
	g_test_add_func("/lang/process", test_lang_process);
	g_test_add_func("/text/json/invalid-utf8", test_json_invalid_utf8);
	g_test_add_func("/digest/secrets", test_digest_secrets);
	return g_test_run();
}
