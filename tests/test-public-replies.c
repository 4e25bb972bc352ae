/* Provider Assistant — the public corpus: real replies from public threads through the engine.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/public-replies.tsv holds verbatim replies quoted in public issue threads and help pages,
 * each with the causes its source's resolution accepts and where they must appear (first, or
 * anywhere in the list).  Each row is one test case; the score (rows right / rows) is printed at the
 * end and is the figure the README reports.  Plain TAP (not GTest): every row runs even after a miss.  The reply goes through mpa_diagnose() exactly as
 * `provider-assistant explain` passes it: protocol, stage, the text, nothing parsed beforehand.
 *
 * Built twice.  MPA_HELDOUT: tests/public-replies-heldout.tsv, replies collected after the rules
 * were written and never used to tune them; a miss there is a TODO (reported, not failed) and the
 * test fails only when the score falls below MPA_HELDOUT_MIN rows right (the README's threshold).
 */
#include <glib.h>
#include <string.h>
#include "mpa-provider.h"
#include "mpa-diagnose.h"

typedef struct {
	guint line;
	gchar *address;
	MpaProtocol protocol;
	MpaStage stage;
	gchar *reply;
	gchar **accepted;
	gboolean first; /* else: anywhere in the list */
	gchar *source;
} Row;

#ifdef MPA_HELDOUT
#define CORPUS_FILE "public-replies-heldout.tsv"
#else
#define CORPUS_FILE "public-replies.tsv"
#endif

static MpaDb *db;
static GPtrArray *rows;
static guint right;

static void row_free(gpointer data)
{
	Row *r = data;

	g_free(r->address);
	g_free(r->reply);
	g_strfreev(r->accepted);
	g_free(r->source);
	g_free(r);
}

/* \n \r \t \\ in the reply column. */
static gchar *unescape(const gchar *s)
{
	GString *out = g_string_new(NULL);

	for (; *s != '\0'; s++) {
		if (*s != '\\' || s[1] == '\0') {
			g_string_append_c(out, *s);
			continue;
		}
		s++;
		switch (*s) {
		case 'n': g_string_append_c(out, '\n'); break;
		case 'r': g_string_append_c(out, '\r'); break;
		case 't': g_string_append_c(out, '\t'); break;
		case '\\': g_string_append_c(out, '\\'); break;
		default: g_error("unknown escape \\%c", *s);
		}
	}
	return g_string_free(out, FALSE);
}

static const MpaProvider *row_provider(const Row *r)
{
	if (g_str_has_prefix(r->address, "mx:"))
		return mpa_db_lookup_mx(db, r->address + 3);
	return mpa_db_lookup_address(db, r->address, NULL, NULL);
}

static gboolean row_right(const Row *r, const MpaDiagnosis *d)
{
	guint n = r->first ? 1 : d->causes->len;

	for (guint i = 0; i < n && i < d->causes->len; i++) {
		const MpaExplanation *e = g_ptr_array_index(d->causes, i);

		if (g_strv_contains((const gchar *const *)r->accepted, e->cause))
			return TRUE;
	}
	return FALSE;
}

/* One row: TRUE when the engine's answer is one its source accepts. */
static gboolean run_row(const Row *r, GString *got)
{
	const MpaProvider *provider = row_provider(r);
	MpaFailure failure = { 0 };
	MpaDiagnosis *d;
	gboolean ok;

	/* an address of a known domain must find its provider file: the row is about that provider */
	if (provider == NULL && !g_str_has_suffix(r->address, "@example.com")) {
		g_string_append(got, "(no provider file for this address)");
		return FALSE;
	}
	failure.protocol = r->protocol;
	failure.stage = r->stage;
	failure.net_error = MPA_NET_NONE;
	failure.reply = r->reply;
	d = mpa_diagnose(provider, &failure, "en");
	if (d == NULL || d->causes->len == 0) {
		g_string_append(got, "(no answer)");
		return FALSE;
	}
	for (guint i = 0; i < d->causes->len; i++)
		g_string_append_printf(got, "%s%s", i ? " " : "",
				       ((MpaExplanation *)g_ptr_array_index(d->causes, i))->cause);
	ok = row_right(r, d);
	mpa_diagnosis_free(d);
	return ok;
}

static void read_rows(void)
{
	const gchar *dir = g_getenv("G_TEST_SRCDIR");
	g_autofree gchar *path = g_build_filename(dir != NULL ? dir : ".", CORPUS_FILE, NULL);
	g_autofree gchar *contents = NULL;
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) lines = NULL;

	if (path == NULL || !g_file_get_contents(path, &contents, NULL, &error))
		g_error("%s", error->message);
	rows = g_ptr_array_new_with_free_func(row_free);
	lines = g_strsplit(contents, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) f = NULL;
		Row *r;

		if (lines[i][0] == '#' || lines[i][0] == '\0')
			continue;
		f = g_strsplit(lines[i], "\t", -1);
		if (g_strv_length(f) != 8)
			g_error("%s:%u: expected 8 tab-separated columns", path, i + 1);
		r = g_new0(Row, 1);
		r->line = i + 1;
		r->address = g_strdup(f[0]);
		if (!mpa_protocol_from_name(f[1], &r->protocol) || !mpa_stage_from_name(f[2], &r->stage))
			g_error("%s:%u: bad protocol or stage", path, i + 1);
		r->reply = unescape(f[3]);
		r->accepted = g_strsplit(f[4], " ", -1);
		for (guint k = 0; r->accepted[k] != NULL; k++)
			if (!mpa_cause_is_valid(r->accepted[k]))
				g_error("%s:%u: unknown cause %s", path, i + 1, r->accepted[k]);
		if (strcmp(f[5], "first") != 0 && strcmp(f[5], "listed") != 0)
			g_error("%s:%u: where must be first or listed", path, i + 1);
		r->first = strcmp(f[5], "first") == 0;
		if (!g_str_has_prefix(f[6], "https://") && !g_str_has_prefix(f[6], "http://"))
			g_error("%s:%u: the source must be a URL", path, i + 1);
		r->source = g_strdup(f[6]);
		if (*f[7] == '\0')
			g_error("%s:%u: the resolution is missing", path, i + 1);
		g_ptr_array_add(rows, r);
	}
}

/* TAP by hand: every row runs even after a miss, and the score is the last line. */
int main(int argc, char **argv)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);

	db = mpa_db_load_default(NULL, problems);
	if (problems->len > 0) {
		g_autofree gchar *s = mpa_problem_to_string(g_ptr_array_index(problems, 0));

		g_print("Bail out! provider files: %s\n", s);
		return 1;
	}
	read_rows();
#ifdef MPA_HELDOUT
	g_print("1..%u\n", rows->len + 1);
#else
	g_print("1..%u\n", rows->len);
#endif
	for (guint i = 0; i < rows->len; i++) {
		const Row *r = g_ptr_array_index(rows, i);
		g_autoptr(GString) got = g_string_new(NULL);
		g_autofree gchar *want = g_strjoinv(" ", r->accepted);

		if (run_row(r, got)) {
			right++;
			g_print("ok %u - line %u %s\n", i + 1, r->line, r->source);
		} else {
#ifdef MPA_HELDOUT
			g_print("not ok %u - line %u %s # TODO held-out miss (scored, not fixed by row)\n"
				"# want %s %s, got %s\n",
				i + 1, r->line, r->source,
				r->first ? "first" : "listed", want, got->str);
#else
			g_print("not ok %u - line %u %s\n# want %s %s, got %s\n", i + 1, r->line, r->source,
				r->first ? "first" : "listed", want, got->str);
#endif
		}
	}
	/* the README's figure */
#ifdef MPA_HELDOUT
	g_print("%s %u - held-out score %u/%u, threshold %u\n", right >= MPA_HELDOUT_MIN ? "ok" : "not ok",
		rows->len + 1, right, rows->len, (guint)MPA_HELDOUT_MIN);
	g_print("# held-out (independent) score: %u/%u\n", right, rows->len);
#else
	g_print("# public corpus score: %u/%u\n", right, rows->len);
#endif
	g_ptr_array_unref(rows);
	mpa_db_free(db);
	return 0;
}
