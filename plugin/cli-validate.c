/* Provider Assistant — "provider-assistant validate [FILE|DIR...]": check provider files.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All files are loaded into one database, so a domain claimed by two of them is found too.
 * Output: one line per file and a summary on stdout; every problem as "file:line: problem" on
 * stderr (the format compilers use, so editors can jump to it), a warning (a part the loader
 * ignores; the file is valid) as "file:line: warning: problem".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mpa-text.h"

typedef struct {
	gchar *path;
	gboolean valid;
	gchar *provider_id; /* NULL when not loaded */
	guint domains;
	guint steps;
	guint rules;
} FileResult;

static void file_result_free(FileResult *result)
{
	g_free(result->path);
	g_free(result->provider_id);
	g_free(result);
}

/* A path (or a "file:line: problem" naming one) safe to print: whole, but without control
 * characters; mpa_cli_display_arg() would shorten it. */
static gchar *display_path(const gchar *path)
{
	g_autofree gchar *valid = g_utf8_make_valid(path, -1);

	return mpa_sanitize_display(valid, 0);
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* Append the *.xml files of @dir, sorted, to @paths.  Returns FALSE if @dir cannot be read. */
static gboolean list_dir(const gchar *dir, GPtrArray *paths, GError **error)
{
	g_autoptr(GDir) handle = g_dir_open(dir, 0, error);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	if (handle == NULL)
		return FALSE;
	while ((name = g_dir_read_name(handle)) != NULL) {
		if (g_str_has_suffix(name, ".xml"))
			g_ptr_array_add(names, g_build_filename(dir, name, NULL));
	}
	g_ptr_array_sort(names, compare_strings);
	for (guint i = 0; i < names->len; i++)
		g_ptr_array_add(paths, g_strdup(names->pdata[i]));
	return TRUE;
}

static const MpaProvider *provider_from_file(const MpaDb *db, const gchar *path)
{
	GPtrArray *providers = mpa_db_providers(db);

	for (guint i = 0; i < providers->len; i++) {
		const MpaProvider *provider = providers->pdata[i];

		if (g_strcmp0(provider->file, path) == 0)
			return provider;
	}
	return NULL;
}

/* Problems that make a file invalid; warnings (what the loader ignores) do not. */
static guint count_errors(GPtrArray *problems)
{
	guint n = 0;

	for (guint i = 0; i < problems->len; i++)
		n += ((const MpaProblem *)problems->pdata[i])->warning ? 0 : 1;
	return n;
}

static void print_json(GPtrArray *results, GPtrArray *problems, gboolean valid)
{
	MpaJson *j = mpa_json_new();
	g_autofree gchar *text = NULL;

	mpa_json_begin_object(j, NULL);
	mpa_json_bool(j, "valid", valid);
	mpa_json_begin_array(j, "files");
	for (guint i = 0; i < results->len; i++) {
		const FileResult *result = results->pdata[i];

		mpa_json_begin_object(j, NULL);
		mpa_json_string(j, "file", result->path);
		mpa_json_bool(j, "valid", result->valid);
		mpa_json_string(j, "provider", result->provider_id);
		mpa_json_end_object(j);
	}
	mpa_json_end_array(j);
	mpa_json_begin_array(j, "problems");
	for (guint i = 0; i < problems->len; i++) {
		const MpaProblem *problem = problems->pdata[i];

		mpa_json_begin_object(j, NULL);
		mpa_json_string(j, "file", problem->file);
		mpa_json_int(j, "line", problem->line);
		mpa_json_string(j, "message", problem->message);
		mpa_json_bool(j, "warning", problem->warning);
		mpa_json_end_object(j);
	}
	mpa_json_end_array(j);
	mpa_json_end_object(j);
	text = mpa_json_finish(j);
	fputs(text, stdout);
}

static void print_text(GPtrArray *results, guint invalid)
{
	for (guint i = 0; i < results->len; i++) {
		const FileResult *result = results->pdata[i];
		g_autofree gchar *path = display_path(result->path);

		if (result->valid) {
			g_autofree gchar *domains = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u domain", "%u domains", result->domains), result->domains);
			g_autofree gchar *steps = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u step", "%u steps", result->steps), result->steps);
			g_autofree gchar *rules = g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u rule", "%u rules", result->rules), result->rules);

			/* TRANSLATORS: "FILE: ok (PROVIDER-ID: 2 domains, 4 steps, 12 rules)" */
			g_print(_("%s: ok (%s: %s, %s, %s)\n"), path, result->provider_id, domains, steps, rules);
		} else {
			g_print(_("%s: INVALID\n"), path);
		}
	}
	if (invalid == 0)
		g_print(g_dngettext(GETTEXT_PACKAGE, "%u provider file valid.\n",
				    "%u provider files valid.\n", results->len),
			results->len);
	else
		g_print(g_dngettext(GETTEXT_PACKAGE, "%u of %u provider file invalid.\n",
				    "%u of %u provider files invalid.\n", results->len),
			invalid, results->len);
}

int mpa_cli_cmd_validate(int argc, char **argv)
{
	g_auto(MpaCliCommon) common = { 0 };
	g_autoptr(GOptionContext) context = g_option_context_new(_("[FILE|DIR…]"));
	g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);
	g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func((GDestroyNotify)file_result_free);
	g_auto(GStrv) default_dirs = NULL;
	g_autoptr(MpaDb) db = NULL;
	gboolean bad_input = FALSE;
	guint invalid = 0;

	g_option_context_set_summary(context,
				     _("Check provider files strictly: the format, the texts in English and Chinese, links, rules, "
				       "and that no domain is claimed by two providers.  Without FILE, check the installed and "
				       "the user's provider files (or those of --providers-dir)."));
	g_option_context_set_description(context,
					 _("Problems are printed on standard error as \"file:line: problem\"; what the loader ignores "
					   "(an ISPDB element it does not use, for example) as \"file:line: warning: problem\".\n"
					   "Exit status: 0 all files valid (warnings allowed), 1 a file has problems (or there is none), 2 a FILE cannot be read or bad usage."));
	mpa_cli_add_common_options(context, &common);
	if (!mpa_cli_parse(context, &argc, &argv))
		return MPA_EXIT_USAGE;

	if (argc > 1) {
		for (gint i = 1; i < argc; i++) {
			g_autoptr(GError) error = NULL;

			if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
				if (list_dir(argv[i], paths, &error))
					continue;
			} else if (g_file_test(argv[i], G_FILE_TEST_IS_REGULAR)) {
				g_ptr_array_add(paths, g_strdup(argv[i]));
				continue;
			}
			{
				g_autofree gchar *shown = display_path(argv[i]);

				mpa_cli_error("%s: %s", shown,
					      error != NULL ? error->message : g_strerror(ENOENT));
			}
			bad_input = TRUE;
		}
	} else {
		const gchar *const *dirs = (const gchar *const *)common.providers_dirs;

		if (dirs == NULL) {
			default_dirs = mpa_db_default_dirs();
			dirs = (const gchar *const *)default_dirs;
		}
		for (; *dirs != NULL; dirs++) {
			g_autoptr(GError) error = NULL;

			/* A missing directory (no user files yet) is normal. */
			if (!g_file_test(*dirs, G_FILE_TEST_EXISTS))
				continue;
			if (!list_dir(*dirs, paths, &error)) {
				g_autofree gchar *shown = display_path(*dirs);

				mpa_cli_error("%s: %s", shown, error->message);
				bad_input = TRUE;
			}
		}
	}

	db = mpa_db_new();
	for (guint i = 0; i < paths->len; i++) {
		const gchar *path = paths->pdata[i];
		FileResult *result = g_new0(FileResult, 1);
		guint before = count_errors(problems);
		const MpaProvider *provider;

		result->path = g_strdup(path);
		result->valid = mpa_db_load_file(db, path, problems) && count_errors(problems) == before;
		provider = provider_from_file(db, path);
		if (provider != NULL) {
			result->provider_id = g_strdup(provider->id);
			result->domains = provider->domains != NULL ? g_strv_length(provider->domains) : 0;
			result->steps = provider->steps != NULL ? provider->steps->len : 0;
			result->rules = provider->rules != NULL ? provider->rules->len : 0;
		}
		g_ptr_array_add(results, result);
	}
	/* A problem found later (a domain claimed again by another file) may name an earlier file. */
	for (guint i = 0; i < problems->len; i++) {
		const MpaProblem *problem = problems->pdata[i];

		if (problem->warning)
			continue; /* ignored by the loader: the file is still valid */
		for (guint k = 0; k < results->len; k++) {
			FileResult *result = results->pdata[k];

			if (g_strcmp0(result->path, problem->file) == 0)
				result->valid = FALSE;
		}
	}
	for (guint k = 0; k < results->len; k++)
		invalid += ((FileResult *)results->pdata[k])->valid ? 0 : 1;

	for (guint i = 0; i < problems->len; i++) {
		g_autofree gchar *text = mpa_problem_to_string(problems->pdata[i]);
		g_autofree gchar *shown = display_path(text);

		g_printerr("%s\n", shown);
	}

	if (common.json)
		print_json(results, problems, invalid == 0 && count_errors(problems) == 0 && results->len > 0 && !bad_input);
	else if (results->len > 0)
		print_text(results, invalid);
	if (results->len == 0 && !bad_input)
		mpa_cli_error("%s", _("no provider files found."));

	if (bad_input)
		return MPA_EXIT_USAGE;
	if (invalid > 0 || count_errors(problems) > 0 || results->len == 0)
		return MPA_EXIT_FAILED;
	return MPA_EXIT_OK;
}
