/* Provider Assistant — every provider file's diagnosis rules, through the real engine.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/provider-cases.tsv lists server replies (verbatim where public) with the cause a user must
 * be told.  Each row becomes one test case: the address (or "mx:HOST", a company domain whose MX
 * record names HOST) is looked up in $MPA_PROVIDERS_PATH, the
 * reply goes through mpa_diagnose(), and the first cause must be the expected one, with the
 * provider's own fix text in English and in Chinese when the provider file has one.  A check also
 * makes sure every provider file is covered by at least one row.
 */
#include <glib.h>
#include <string.h>
#include "mpa-provider.h"
#include "mpa-diagnose.h"

typedef struct {
	gchar *address;
	MpaProtocol protocol;
	MpaStage stage;
	gchar *reply;
	gchar *cause;
} Case;

static MpaDb *db;
static GPtrArray *cases;

static void case_free(gpointer data)
{
	Case *c = data;

	g_free(c->address);
	g_free(c->reply);
	g_free(c->cause);
	g_free(c);
}

/* "mx:HOST" stands for a company address whose domain's MX record names HOST. */
static const MpaProvider *case_provider(const Case *c, GError **error)
{
	if (g_str_has_prefix(c->address, "mx:"))
		return mpa_db_lookup_mx(db, c->address + 3);
	return mpa_db_lookup_address(db, c->address, NULL, error);
}

static void test_case(gconstpointer data)
{
	const Case *c = data;
	g_autoptr(GError) error = NULL;
	const MpaProvider *provider;
	const MpaCauseFix *fix;
	MpaFailure failure = { 0 };
	MpaDiagnosis *en, *zh;
	const MpaExplanation *first;

	provider = case_provider(c, &error);
	g_assert_no_error(error);
	g_assert_nonnull(provider);

	failure.protocol = c->protocol;
	failure.stage = c->stage;
	failure.net_error = MPA_NET_NONE;
	failure.reply = c->reply;

	en = mpa_diagnose(provider, &failure, "en");
	g_assert_nonnull(en);
	g_assert_cmpuint(en->causes->len, >=, 1);
	first = g_ptr_array_index(en->causes, 0);
	if (g_strcmp0(first->cause, c->cause) != 0)
		g_test_message("%s: reply \"%s\" gave %s", provider->id, c->reply, first->cause);
	g_assert_cmpstr(first->cause, ==, c->cause);
	g_assert_nonnull(first->fix);

	/* The provider's own words, not the generic ones, in both languages - where they are
	 * written for this stage (a sending-limit text does not title a login block). */
	fix = mpa_provider_cause_at(provider, c->cause, c->stage);
	zh = mpa_diagnose(provider, &failure, "zh_CN");
	g_assert_cmpstr(((MpaExplanation *)g_ptr_array_index(zh->causes, 0))->cause, ==, c->cause);
	if (fix != NULL) {
		g_assert_cmpstr(first->title, ==, mpa_text_get_lang(fix->title, "en"));
		g_assert_cmpstr(((MpaExplanation *)g_ptr_array_index(zh->causes, 0))->title, ==,
				mpa_text_get_lang(fix->title, "zh_CN"));
	}
	mpa_diagnosis_free(zh);
	mpa_diagnosis_free(en);
}

static void test_every_provider_covered(void)
{
	GPtrArray *providers = mpa_db_providers(db);
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < cases->len; i++) {
		const Case *c = g_ptr_array_index(cases, i);
		const MpaProvider *p = case_provider(c, NULL);

		if (p != NULL)
			g_hash_table_add(seen, p->id);
	}
	for (guint i = 0; i < providers->len; i++) {
		const MpaProvider *p = g_ptr_array_index(providers, i);

		/* Providers written by other parts of the project bring their own cases. */
		if (g_strcmp0(p->id, "sohu.com") == 0)
			continue;
		if (!g_hash_table_contains(seen, p->id))
			g_test_message("no case in provider-cases.tsv for %s", p->id);
		g_assert_true(g_hash_table_contains(seen, p->id));
	}
}

static void read_cases(void)
{
	g_autofree gchar *path = g_test_build_filename(G_TEST_DIST, "provider-cases.tsv", NULL);
	g_autofree gchar *contents = NULL;
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents(path, &contents, NULL, &error))
		g_error("%s", error->message);
	cases = g_ptr_array_new_with_free_func(case_free);
	lines = g_strsplit(contents, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) f = NULL;
		Case *c;

		if (lines[i][0] == '#' || lines[i][0] == '\0')
			continue;
		f = g_strsplit(lines[i], "\t", -1);
		if (g_strv_length(f) != 5)
			g_error("%s:%u: expected 5 tab-separated columns", path, i + 1);
		c = g_new0(Case, 1);
		c->address = g_strdup(f[0]);
		if (!mpa_protocol_from_name(f[1], &c->protocol) || !mpa_stage_from_name(f[2], &c->stage))
			g_error("%s:%u: bad protocol or stage", path, i + 1);
		c->reply = g_strdup(f[3]);
		c->cause = g_strdup(f[4]);
		if (!mpa_cause_is_valid(c->cause))
			g_error("%s:%u: unknown cause %s", path, i + 1, c->cause);
		g_ptr_array_add(cases, c);
	}
}

int main(int argc, char **argv)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);
	int ret;

	g_test_init(&argc, &argv, NULL);
	db = mpa_db_load_default(NULL, problems);
	for (guint i = 0; i < problems->len; i++) {
		g_autofree gchar *s = mpa_problem_to_string(g_ptr_array_index(problems, i));

		g_printerr("%s\n", s);
	}
	g_assert_cmpuint(problems->len, ==, 0);
	read_cases();
	for (guint i = 0; i < cases->len; i++) {
		const Case *c = g_ptr_array_index(cases, i);
		g_autofree gchar *name = g_strdup_printf("/provider-cases/%u-%s", i + 1, c->address);

		g_strdelimit(name + strlen("/provider-cases/"), "/", '_');
		g_test_add_data_func(name, c, test_case);
	}
	g_test_add_func("/provider-cases/every-provider-covered", test_every_provider_covered);
	ret = g_test_run();
	g_ptr_array_unref(cases);
	mpa_db_free(db);
	return ret;
}
