/* Provider Assistant — the settings lookup for "show" and "check": a provider file, else the
 * domain's MX records, its own autoconfig document and its SRV records (mpa-lookup.h).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cli.h"
#include "mpa-text.h"

void mpa_cli_add_lookup_options(GOptionContext *context, MpaCliLookup *lookup)
{
	const GOptionEntry entries[] = {
		{ "offline", 0, 0, G_OPTION_ARG_NONE, &lookup->offline,
		  N_("Use the provider files only: look nothing up on the network"), NULL },
		{ "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &lookup->timeout_s,
		  N_("Give up after this many seconds (default 5 for the lookup)"), N_("SECONDS") },
		{ "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &lookup->ca_file,
		  N_("Trust the certificate authorities in this PEM file instead of the system's (also $MPA_CA_FILE)"),
		  N_("FILE") },
		{ NULL }
	};

	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
}

void mpa_cli_lookup_clear(MpaCliLookup *lookup)
{
	g_clear_pointer(&lookup->ca_file, g_free);
}

/* --ca-file, else $MPA_CA_FILE, else NULL (the system's). */
static const gchar *lookup_ca_file(const MpaCliLookup *lookup)
{
	const gchar *env = g_getenv("MPA_CA_FILE");

	if (lookup->ca_file != NULL)
		return lookup->ca_file;
	return env != NULL && *env != '\0' ? env : NULL;
}

gboolean mpa_cli_lookup_check_timeout(const gchar *command, const MpaCliLookup *lookup)
{
	if (lookup->timeout_s != lookup->timeout_s || lookup->timeout_s < 0 || lookup->timeout_s > 3600) {
		mpa_cli_usage_error(command, _("--timeout must be between 0 and 3600 seconds"));
		return FALSE;
	}
	return TRUE;
}

MpaLookupResult *mpa_cli_lookup_settings(const MpaDb *db, const gchar *address,
					 const MpaCliLookup *lookup, int *exit_code)
{
	g_autoptr(MpaLookupRequest) req = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *normalized = NULL;
	MpaLookupResult *res;
	gboolean known;

	/* Not an address, not UTF-8: the usual messages, exit 2. */
	if (!g_utf8_validate(address, -1, NULL) || !mpa_address_parse(address, NULL, NULL, NULL)) {
		mpa_cli_lookup(db, address, NULL, exit_code);
		return NULL;
	}
	known = mpa_db_lookup_address(db, address, NULL, NULL) != NULL;
	if (!known && (lookup->offline || mpa_lookup_disabled())) {
		mpa_cli_lookup(db, address, NULL, exit_code);
		return NULL;
	}

	req = mpa_lookup_request_new(db, address);
	mpa_lookup_request_set_ca_file(req, lookup_ca_file(lookup));
	if (lookup->timeout_s > 0)
		mpa_lookup_request_set_timeout(req, (guint)MAX(1.0, lookup->timeout_s * 1000 + 0.5));
	res = mpa_lookup_run_sync(req, NULL, &error);
	if (res == NULL) {
		mpa_cli_error("%s", error->message);
		*exit_code = MPA_EXIT_USAGE;
		return NULL;
	}
	if (res->source != MPA_LOOKUP_NONE) {
		*exit_code = MPA_EXIT_OK;
		return res;
	}

	/* Nothing found: the usual "no provider file knows" message, then what the lookup saw. */
	mpa_cli_lookup(db, address, NULL, exit_code);
	if (res->dns_failed && res->timed_out)
		mpa_cli_error(_("looking up %s found nothing: no name server answered within %u seconds."),
			      res->domain, (guint)((res->elapsed_us + 500000) / G_USEC_PER_SEC));
	else if (res->dns_failed)
		mpa_cli_error(_("looking up %s found nothing: no name server answered."), res->domain);
	else
		mpa_cli_error(_("looking up %s found nothing: no known provider's mail servers in its MX records, no autoconfig document, no SRV records."),
			      res->domain);
	for (guint i = 0; i < res->log->len; i++) {
		g_autofree gchar *line = mpa_sanitize_display(res->log->pdata[i], 300);

		g_printerr("  %s\n", line);
	}
	mpa_lookup_result_free(res);
	*exit_code = MPA_EXIT_UNKNOWN_PROVIDER;
	return NULL;
}
