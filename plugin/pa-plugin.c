/* Provider Assistant — Claws Mail plugin entry points.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plugin type "Common", not "GTK3": Claws loads "Common" plugins before prefs_account_init() and
 * before the startup logins (account_set_missing_folder, the first folder scans).  So the hints see
 * a login that fails right at startup, and the account page is registered before the built-in
 * pages, which makes its create_widget run after theirs (pages are built in reverse order).  GTK is
 * initialised before "Common" plugins are loaded, so the GTK parts work unchanged.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "common/version.h"
#include "common/plugin.h"
#include "common/utils.h"
#include "common/log.h"

#include "mpa-check.h"
#include "mpa-lookup.h"
#include "pa-shared.h"
#include "pa-account.h"
#include "pa-hints.h"
#include "pa-logfilter.h"
#include "pa-page.h"
#include "pa-guard.h"

/* Problems found while loading, logged from the main loop's first idle moment: at startup a
 * "Common" plugin is loaded before Claws opens claws.log and builds its log window, and a
 * warning logged then would reach neither. */
static GPtrArray *pending_log;
static guint pending_log_source;

static gboolean flush_pending_log(gpointer unused)
{
	(void)unused;
	pending_log_source = 0;
	for (guint i = 0; pending_log && i < pending_log->len; i++)
		log_warning(LOG_PROTOCOL, "%s: %s\n", MPA_PLUGIN_NAME, (const gchar *)pending_log->pdata[i]);
	g_clear_pointer(&pending_log, g_ptr_array_unref);
	return G_SOURCE_REMOVE;
}

static void log_later(gchar *text)
{
	/* Still shown at once on the terminal with --debug. */
	debug_print("%s: %s\n", MPA_PLUGIN_NAME, text);
	if (!pending_log)
		pending_log = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(pending_log, text);
	if (!pending_log_source)
		pending_log_source = g_idle_add(flush_pending_log, NULL);
}

static void load_providers(void)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);

	mpa_pa_set_db(mpa_db_load_default(NULL, problems));
	/* A bad provider file must not stop the plugin: say which file and line, carry on. */
	for (guint i = 0; i < problems->len; i++)
		/* (ignored parts, warnings, are validate's business) */
		if (!((const MpaProblem *)problems->pdata[i])->warning)
			log_later(mpa_problem_to_string(problems->pdata[i]));
	debug_print("%s: %u providers loaded\n", MPA_PLUGIN_NAME, mpa_db_size(mpa_pa_db()));
}

gint plugin_init(gchar **error)
{
	const gchar *localedir = g_getenv("MPA_LOCALEDIR");

	if (!check_plugin_version(MAKE_NUMERIC_VERSION(MPA_CLAWS_MIN_MAJOR, MPA_CLAWS_MIN_MINOR,
						       MPA_CLAWS_MIN_MICRO, 0),
				  VERSION_NUMERIC,
				  MPA_PLUGIN_NAME, error))
		return -1;

	/* Loaded again after a plugin_done() that returned FALSE (a check was running): Claws calls
	 * plugin_init() once more, but nothing was torn down; initialising again would register the
	 * page and the hooks a second time and leak the provider database. */
	if (mpa_pa_db()) {
		debug_print("%s: shown again; still initialised\n", MPA_PLUGIN_NAME);
		return 0;
	}
	bindtextdomain(GETTEXT_PACKAGE, (localedir && *localedir) ? localedir : LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");

	load_providers();
	{
		g_autoptr(GError) err = NULL;

		/* Without its counts file the guard cannot count, but everything else still helps:
		 * say why in the log and carry on. */
		if (!mpa_pa_guard_init(&err))
			log_later(g_strdup(err->message));
	}
	mpa_pa_logfilter_install();
	mpa_pa_page_init();
	mpa_pa_hints_init(mpa_pa_page_open_account);
	debug_print("%s: loaded\n", MPA_PLUGIN_NAME);
	return 0;
}

gboolean plugin_done(void)
{
	/* A check of an open account dialog is running: the modal dialog keeps using the page, so
	 * nothing is torn down (this happens when Claws quits with the dialog open).  Claws then marks
	 * the plugin "unloaded_hidden" and keeps the module; a later load calls plugin_init() again,
	 * which finds everything still in place.  Worker threads of checks that already returned are
	 * no reason to refuse: mpa_pa_pin_module() keeps their code mapped. */
	if (mpa_pa_page_busy()) {
		debug_print("%s: a connection check is running; unload deferred\n", MPA_PLUGIN_NAME);
		return FALSE;
	}

	mpa_pa_hints_done();
	mpa_pa_page_done();
	mpa_pa_logfilter_remove();
	mpa_pa_guard_done();
	g_clear_handle_id(&pending_log_source, g_source_remove);
	g_clear_pointer(&pending_log, g_ptr_array_unref);
	mpa_pa_account_lookups_free();
	/* Claws may be exiting: not under a lookup's HTTPS fetch that is still in TLS */
	mpa_lookup_wait_threads(2000);
	/* nor under a check worker that a cancel abandoned: its code is in this plugin */
	mpa_check_wait_threads(2000);
	mpa_pa_set_db(NULL);
	debug_print("%s: unloaded\n", MPA_PLUGIN_NAME);
	return TRUE;
}

const gchar *plugin_name(void)
{
	return _("Provider Assistant");
}

const gchar *plugin_desc(void)
{
	return _("Helps to set up accounts of known mail providers such as Sohu Mail.\n\n"
		 "When you type a known provider's address in the account dialog, it fills in "
		 "the IMAP and SMTP servers, user ID, SSL/TLS and SMTP authentication, and tells "
		 "you beside the Password field which password the provider expects (for Sohu "
		 "Mail: the independent password, after switching IMAP/SMTP on).\n\n"
		 "The page \"Provider Assistant\" of the account preferences shows the provider's "
		 "checklist and tests a real login with the settings typed in the dialog, "
		 "explaining any failure with the provider's documented fix.\n\n"
		 "When a later login of Claws Mail fails, a hint window explains the cause before "
		 "repeated retries trigger the provider's risk control.");
}

const gchar *plugin_version(void)
{
	return MPA_VERSION;
}

const gchar *plugin_type(void)
{
	return "Common";
}

const gchar *plugin_licence(void)
{
	return "GPL3+";
}

struct PluginFeature *plugin_provides(void)
{
	static struct PluginFeature features[] = {
		{ PLUGIN_UTILITY, N_("Provider Assistant") },
		{ PLUGIN_NOTHING, NULL }
	};

	return features;
}
