/* Provider Assistant — "provider-assistant quota ADDRESS": how much the sending guard has counted
 * for an account today, against the provider's limits for the account's stage.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the plugin's guard file read-only (never cleans or rewrites it: Claws may be running).
 * An address the guard has not seen yet is shown as the plugin would treat it: a new account,
 * first seen today.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mpa-guard.h"
#include "mpa-text.h"

typedef struct {
	const MpaProvider *provider;
	const gchar *address;
	MpaGuardState state;
	gboolean known; /* the guard file has this address */
	MpaGuardDecision decision;
} Quota;

static void print_json(const Quota *q)
{
	MpaJson *j = mpa_json_new();
	const MpaGuardDecision *d = &q->decision;
	g_autofree gchar *stage = d->stage != NULL ? mpa_guard_stage_id(d->stage) : NULL;
	g_autofree gchar *stage_text = d->stage != NULL ? mpa_guard_stage_describe(d->stage) : NULL;
	g_autofree gchar *text = NULL;

	mpa_json_begin_object(j, NULL);
	mpa_json_string(j, "address", q->address);
	mpa_json_string(j, "provider", q->provider->id);
	mpa_json_int(j, "sent_today", d->sent_today);
	mpa_json_int(j, "daily_limit", d->daily_limit);
	mpa_json_int(j, "min_interval_s", d->interval_s);
	mpa_json_int(j, "bulk_recipients", d->bulk_recipients);
	mpa_json_string(j, "stage", stage);
	mpa_json_string(j, "stage_text", stage_text);
	mpa_json_int(j, "age_days", d->age_days);
	mpa_json_string(j, "first_seen", q->known ? q->state.first_seen : NULL);
	if (q->known && q->state.last_sent > 0)
		mpa_json_int(j, "last_sent", q->state.last_sent);
	else
		mpa_json_null(j, "last_sent");
	mpa_json_bool(j, "guard_enabled", d->enabled);
	mpa_json_bool(j, "known", q->known);
	mpa_json_bool(j, "has_limits", d->has_limits);
	mpa_json_end_object(j);
	text = mpa_json_finish(j);
	fputs(text, stdout);
}

static gchar *duration(guint s)
{
	if (s >= 60 && s % 60 == 0)
		return g_strdup_printf(_("%u min"), s / 60);
	if (s >= 60)
		return g_strdup_printf(_("%u min %u s"), s / 60, s % 60);
	return g_strdup_printf(_("%u s"), s);
}

static void print_row(const gchar *label, guint width, const gchar *value)
{
	g_autoptr(GString) prefix = g_string_new("  ");

	g_string_append(prefix, label);
	for (guint w = mpa_cli_text_width(label); w < width + 2; w++)
		g_string_append_c(prefix, ' ');
	mpa_cli_print_wrapped(prefix->str, value, width + 4);
}

static void print_text(const Quota *q)
{
	const MpaGuardDecision *d = &q->decision;
	const gchar *lang = mpa_cli_lang();
	const gchar *name = q->provider->name != NULL ? mpa_text_get_lang(q->provider->name, lang)
						      : NULL;
	const gchar *labels[5] = { _("Stage"), _("Sent today"), _("Spacing"), _("Bulk mail"),
				   _("Guard") };
	const gchar *note = mpa_text_get_lang(q->provider->sending_text, lang); /* NULL: none */
	g_autofree gchar *heading = NULL, *stage = NULL, *sent = NULL, *gap = NULL, *bulk = NULL;
	guint width = 0;

	heading = g_strdup_printf(_("Sending guard for %s (%s)"), q->address,
				  name != NULL ? name : q->provider->display_name);
	mpa_cli_print_wrapped(NULL, heading, 0);
	for (gsize i = 0; i < G_N_ELEMENTS(labels); i++)
		width = MAX(width, mpa_cli_text_width(labels[i]));

	if (!d->has_limits) {
		sent = g_strdup_printf("%u", d->sent_today);
		print_row(labels[1], width, sent);
		mpa_cli_print_wrapped("  ", _("The provider file states no sending limits."), 2);
		return;
	}
	if (d->stage != NULL) {
		g_autofree gchar *human = mpa_guard_stage_describe(d->stage);

		if (q->known)
			/* TRANSLATORS: "first week (new account), first seen on 2026-12-01" */
			stage = g_strdup_printf(_("%s, first seen on %s"), human, q->state.first_seen);
		else
			stage = g_strdup_printf(_("%s; not seen by the plugin yet"), human);
		print_row(labels[0], width, stage);
	}
	if (d->daily_limit > 0)
		sent = g_strdup_printf(_("%u of about %u a day"), d->sent_today, d->daily_limit);
	else
		sent = g_strdup_printf("%u", d->sent_today);
	print_row(labels[1], width, sent);
	if (d->interval_s > 0) {
		g_autofree gchar *t = duration(d->interval_s);

		gap = g_strdup_printf(_("at least %s between two messages"), t);
		print_row(labels[2], width, gap);
	}
	if (d->bulk_recipients > 0) {
		bulk = g_strdup_printf(_("more than %u recipients in one message"), d->bulk_recipients);
		print_row(labels[3], width, bulk);
	}
	print_row(labels[4], width, d->enabled ? _("on") : _("off (switched off for this account)"));
	if (note != NULL) {
		g_print("\n");
		mpa_cli_print_wrapped(NULL, note, 0);
	}
}

int mpa_cli_cmd_quota(int argc, char **argv)
{
	g_auto(MpaCliCommon) common = { 0 };
	g_autofree gchar *config_dir = NULL;
	const GOptionEntry entries[] = {
		{ "config-dir", 0, 0, G_OPTION_ARG_FILENAME, &config_dir,
		  N_("Claws Mail's configuration directory (as given to --alternate-config-dir; default ~/.claws-mail)"),
		  N_("DIR") },
		{ NULL }
	};
	g_autoptr(GOptionContext) context = g_option_context_new(_("ADDRESS"));
	g_autoptr(MpaGuard) guard = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *address = NULL;
	g_autoptr(MpaDb) db = NULL;
	Quota q = { 0 };
	int status = MPA_EXIT_OK;

	g_option_context_set_summary(context,
				     _("Show how many messages the sending guard counted today for an address, and the provider's limits for its stage."));
	g_option_context_set_description(context,
					 _("Exit status: 0 shown, 1 the guard file cannot be read or is damaged, 2 not an e-mail address or bad usage, 3 no provider file knows the domain."));
	mpa_cli_add_common_options(context, &common);
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	if (!mpa_cli_parse(context, &argc, &argv))
		return MPA_EXIT_USAGE;
	if (!mpa_cli_one_address("quota", argc)) {
		return MPA_EXIT_USAGE;
	}

	db = mpa_cli_load_db(&common);
	q.provider = mpa_cli_lookup(db, argv[1], &address, &status);
	if (q.provider == NULL)
		goto out;
	q.address = address;

	if (config_dir == NULL)
		config_dir = g_build_filename(g_get_home_dir(), ".claws-mail", NULL);
	guard = mpa_guard_new_in_dir(config_dir);
	/* read-only: a live Claws may be writing; never clean up its temporary files */
	if (!mpa_guard_load(guard, FALSE, &error)) {
		mpa_cli_error("%s", error->message);
		if (g_error_matches(error, MPA_GUARD_ERROR, MPA_GUARD_ERROR_CORRUPT))
			g_printerr("%s\n", _("The plugin keeps this file as .corrupt and starts afresh the next time Claws Mail starts."));
		status = MPA_EXIT_FAILED;
		goto out;
	}
	q.known = mpa_guard_find_address(guard, address, &q.state);
	mpa_guard_decide(guard, q.provider, q.known ? q.state.account_id : -1, address, 1,
			 &q.decision);
	if (common.json)
		print_json(&q);
	else
		print_text(&q);
	/* a failed write to stdout: checked for every command in main() */
out:
	mpa_guard_state_clear(&q.state);
	return status;
}
