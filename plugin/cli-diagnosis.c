/* Provider Assistant — printing a diagnosis, shared by "explain" and "check".
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cli.h"
#include "mpa-text.h"

static const MpaExplanation *cause_at(const MpaDiagnosis *d, guint i)
{
	return g_ptr_array_index(d->causes, i);
}

/* The output is in English: no catalogue translates it (C, en_*, or a language without one). */
static gboolean untranslated(void)
{
	static const gchar cause[] = "Cause:";

	return strcmp(_(cause), cause) == 0;
}

/* "LABEL " before a text: no space after a full-width colon ("原因：" runs straight on). */
static gchar *label_prefix(const gchar *pad, const gchar *label)
{
	return g_strdup_printf("%s%s%s", pad, label, g_str_has_suffix(label, "：") ? "" : " ");
}

void mpa_cli_print_diagnosis(const MpaDiagnosis *d, guint indent)
{
	g_autofree gchar *pad = g_strnfill(indent, ' ');
	g_autofree gchar *pad2 = g_strnfill(indent + 2, ' ');
	g_autofree gchar *label = NULL;
	const MpaExplanation *e;

	g_return_if_fail(d != NULL && d->causes->len > 0);
	e = cause_at(d, 0);
	label = label_prefix(pad, _("Cause:"));
	mpa_cli_print_wrapped(label, e->title, indent + 2);
	g_print("%s%s\n", pad, _("What to do:"));
	mpa_cli_print_wrapped(pad2, e->fix, indent + 2);
	if (e->link != NULL) {
		g_autofree gchar *l = label_prefix(pad, _("More help:"));

		mpa_cli_print_wrapped(l, e->link, indent + 2);
	}
	if (d->causes->len > 1) {
		g_print("%s%s\n", pad, _("If that is not it, check also:"));
		for (guint i = 1; i < d->causes->len; i++) {
			g_autofree gchar *bullet = g_strdup_printf("%s- ", pad2);
			/* English names the cause's id too (what --json and rules use); a translated
			 * output shows only the title, an English id reads as noise there */
			g_autofree gchar *line = untranslated()
				? g_strdup_printf("%s (%s)", cause_at(d, i)->title, cause_at(d, i)->cause)
				: g_strdup(cause_at(d, i)->title);

			mpa_cli_print_wrapped(bullet, line, indent + 4);
			/* the steps too: where the reply cannot tell causes apart (Sohu), each one is
			 * a thing to check, and the user should not need a second command for it */
			if (cause_at(d, i)->fix != NULL) {
				g_autofree gchar *pad4 = g_strnfill(indent + 4, ' ');

				mpa_cli_print_wrapped(pad4, cause_at(d, i)->fix, indent + 4);
			}
		}
	}
	if (d->reply != NULL) {
		g_autofree gchar *l = label_prefix(pad, _("Server said:"));

		/* already sanitised by the core: one line, control characters visible */
		mpa_cli_print_wrapped(l, d->reply, indent + 2);
	}
}

void mpa_cli_json_diagnosis(MpaJson *j, const MpaDiagnosis *d)
{
	const MpaExplanation *e;

	g_return_if_fail(d != NULL && d->causes->len > 0);
	e = cause_at(d, 0);
	mpa_json_string(j, "cause", e->cause);
	mpa_json_begin_array(j, "candidates");
	for (guint i = 1; i < d->causes->len; i++)
		mpa_json_string(j, NULL, cause_at(d, i)->cause);
	mpa_json_end_array(j);
	mpa_json_string(j, "title", e->title);
	mpa_json_string(j, "fix", e->fix);
	mpa_json_string(j, "link", e->link);
	mpa_json_string(j, "reply", d->reply);
	mpa_json_bool(j, "from_provider_rule", d->from_provider_rule);
}
