/* Provider Assistant — "provider-assistant show ADDRESS": what to enter and what to do first.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * UI strings come from gettext, provider texts from the provider file in mpa_cli_lang(), so a
 * Chinese locale gets Chinese throughout.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mpa-text.h"

static const gchar *text_in(const MpaText *text, const gchar *lang)
{
	return text != NULL ? mpa_text_get_lang(text, lang) : NULL;
}

static const gchar *provider_name(const MpaProvider *provider, const gchar *lang)
{
	const gchar *name = text_in(provider->name, lang);

	return name != NULL ? name : provider->display_name;
}

static const gchar *password_kind_id(MpaPasswordKind kind)
{
	switch (kind) {
	case MPA_PASSWORD_APP: return "app-password";
	case MPA_PASSWORD_OAUTH2: return "oauth2";
	case MPA_PASSWORD_LOGIN: break;
	}
	return "login";
}

static const gchar *security_label(MpaSecurity security)
{
	switch (security) {
	case MPA_SECURITY_SSL: return _("SSL/TLS");
	case MPA_SECURITY_STARTTLS: return _("STARTTLS");
	case MPA_SECURITY_PLAIN: break;
	}
	return _("none (unencrypted)");
}

/* ---- JSON ---- */

static void json_link(MpaJson *j, const gchar *key, const MpaLink *link, const gchar *lang)
{
	if (link == NULL) {
		mpa_json_null(j, key);
		return;
	}
	mpa_json_begin_object(j, key);
	mpa_json_string(j, "id", link->id);
	mpa_json_string(j, "url", link->url);
	mpa_json_string(j, "title", text_in(link->title, lang));
	mpa_json_end_object(j);
}

static void json_server(MpaJson *j, const gchar *key, const MpaServer *server, const gchar *address)
{
	g_autofree gchar *username = NULL;
	g_autofree gchar *host = NULL;

	if (server == NULL) {
		mpa_json_null(j, key);
		return;
	}
	username = mpa_expand_username(server->username, address);
	host = mpa_expand_host(server->host, address);
	mpa_json_begin_object(j, key);
	mpa_json_string(j, "host", host);
	mpa_json_int(j, "port", server->port);
	mpa_json_string(j, "security", mpa_security_name(server->security));
	mpa_json_string(j, "username", username);
	mpa_json_string(j, "auth", mpa_auth_method_name(server->auth_method));
	mpa_json_end_object(j);
}

static void json_steps(MpaJson *j, const gchar *key, const GPtrArray *steps, const gchar *lang)
{
	mpa_json_begin_array(j, key);
	for (guint i = 0; steps != NULL && i < steps->len; i++) {
		const MpaStep *step = steps->pdata[i];

		mpa_json_begin_object(j, NULL);
		mpa_json_string(j, "id", step->id);
		mpa_json_string(j, "title", text_in(step->title, lang));
		mpa_json_string(j, "text", text_in(step->text, lang));
		json_link(j, "link", step->link, lang);
		mpa_json_end_object(j);
	}
	mpa_json_end_array(j);
}

static void print_json(const MpaLookupResult *res, const gchar *lang)
{
	const MpaProvider *provider = res->provider;
	const gchar *address = res->address;
	MpaJson *j = mpa_json_new();
	const MpaServer *main_server = provider->imap != NULL ? provider->imap : provider->smtp;
	g_autofree gchar *username = NULL;
	g_autofree gchar *text = NULL;

	if (main_server != NULL)
		username = mpa_expand_username(main_server->username, address);

	mpa_json_begin_object(j, NULL);
	mpa_json_string(j, "provider", provider->id);
	mpa_json_string(j, "name", provider_name(provider, lang));
	mpa_json_string(j, "display_name", provider->display_name);
	mpa_json_string(j, "address", address);
	mpa_json_string(j, "lang", lang);
	mpa_json_begin_array(j, "domains");
	for (gchar **d = provider->domains; d != NULL && *d != NULL; d++)
		mpa_json_string(j, NULL, *d);
	mpa_json_end_array(j);
	mpa_json_string(j, "username", username);
	json_server(j, "imap", provider->imap, address);
	json_server(j, "smtp", provider->smtp, address);
	mpa_json_begin_object(j, "password");
	mpa_json_string(j, "kind", password_kind_id(provider->password_kind));
	mpa_json_string(j, "label", text_in(provider->password_label, lang));
	mpa_json_string(j, "hint", text_in(provider->password_hint, lang));
	/* The OAuth2 service Claws Mail asks for a token: its OAuth2 page's choice, or null. */
	if (provider->oauth2_provider != MPA_OAUTH2_NONE)
		mpa_json_string(j, "oauth2_provider", mpa_oauth2_provider_name(provider->oauth2_provider));
	else
		mpa_json_null(j, "oauth2_provider");
	mpa_json_end_object(j);
	json_steps(j, "steps", provider->steps, lang);
	json_steps(j, "notes", provider->notes, lang);
	mpa_json_begin_array(j, "links");
	for (guint i = 0; provider->links != NULL && i < provider->links->len; i++)
		json_link(j, NULL, provider->links->pdata[i], lang);
	mpa_json_end_array(j);
	mpa_json_string(j, "checked", provider->checked);
	mpa_json_string(j, "file", provider->file);
	mpa_json_string(j, "source", mpa_lookup_source_name(res->source));
	mpa_json_begin_array(j, "found_via");
	for (guint i = 0; i < res->found_via->len; i++)
		mpa_json_string(j, NULL, res->found_via->pdata[i]);
	mpa_json_end_array(j);
	mpa_json_bool(j, "needs_confirmation", res->needs_confirmation);
	/* how long the lookup took to its verdict (0 for a provider file: no network) */
	mpa_json_int(j, "lookup_ms", res->elapsed_us / 1000);
	mpa_json_end_object(j);

	/* JSON is UTF-8 whatever the locale's character set. */
	text = mpa_json_finish(j);
	fputs(text, stdout);
}

/* ---- text ---- */

/* "  Label     value" with the labels of one block padded to the same display width. */
static void print_fields(const gchar *const *labels, const gchar *const *values, gsize n)
{
	guint width = 0;

	for (gsize i = 0; i < n; i++)
		width = MAX(width, mpa_cli_text_width(labels[i]));
	for (gsize i = 0; i < n; i++) {
		g_autoptr(GString) prefix = g_string_new("  ");

		g_string_append(prefix, labels[i]);
		for (guint w = mpa_cli_text_width(labels[i]); w < width + 2; w++)
			g_string_append_c(prefix, ' ');
		mpa_cli_print_wrapped(prefix->str, values[i], width + 4);
	}
}

static void print_server(const gchar *heading, const MpaServer *server, const gchar *address)
{
	g_autofree gchar *username = NULL;
	g_autofree gchar *port = NULL;
	g_autofree gchar *host = NULL;
	const gchar *labels[4];
	const gchar *values[4];

	g_print("%s\n", heading);
	if (server == NULL) {
		mpa_cli_print_wrapped("  ", _("This provider file lists no such server."), 2);
		return;
	}
	username = mpa_expand_username(server->username, address);
	host = mpa_expand_host(server->host, address);
	port = g_strdup_printf("%u", (guint)server->port);
	labels[0] = _("Server");
	values[0] = host;
	labels[1] = _("Port");
	values[1] = port;
	labels[2] = _("Security");
	values[2] = security_label(server->security);
	labels[3] = _("User name");
	values[3] = username;
	print_fields(labels, values, G_N_ELEMENTS(labels));
}

static void print_password(const MpaProvider *provider, const gchar *lang)
{
	const gchar *label = text_in(provider->password_label, lang);
	const gchar *hint = text_in(provider->password_hint, lang);
	g_autofree gchar *line = NULL;

	g_print("%s\n", _("Password"));
	switch (provider->password_kind) {
	case MPA_PASSWORD_APP:
		/* TRANSLATORS: %s is what the provider calls it, e.g. "independent password" */
		line = g_strdup_printf(_("Use the %s, not the password you log in to the web mail with."),
				       label != NULL ? label : _("app password"));
		break;
	case MPA_PASSWORD_OAUTH2:
		line = g_strdup(_("This provider only accepts OAuth2 sign-in: there is no password to enter."));
		break;
	case MPA_PASSWORD_LOGIN:
		line = label != NULL
			/* TRANSLATORS: %s is what the provider calls the password */
			? g_strdup_printf(_("Use your %s."), label)
			: g_strdup(_("Use the password you log in to the web mail with."));
		break;
	}
	mpa_cli_print_wrapped("  ", line, 2);
	if (hint != NULL) {
		g_print("\n");
		mpa_cli_print_wrapped("  ", hint, 2);
	}
}

static void print_link_line(const MpaLink *link, const gchar *lang, guint indent)
{
	const gchar *title = text_in(link->title, lang);
	g_autofree gchar *pad = g_strnfill(indent, ' ');
	/* TRANSLATORS: a link: its title, then its address; Chinese uses a full-width colon */
	g_autofree gchar *line = title != NULL
		? g_strdup_printf(C_("link line", "→ %s: %s"), title, link->url)
		: g_strdup_printf("→ %s", link->url);

	mpa_cli_print_wrapped(pad, line, indent + 2);
}

static void print_steps(const gchar *heading, const GPtrArray *steps, gboolean numbered,
			const gchar *lang)
{
	if (steps == NULL || steps->len == 0)
		return;
	g_print("\n%s\n", heading);
	for (guint i = 0; i < steps->len; i++) {
		const MpaStep *step = steps->pdata[i];
		const gchar *title = text_in(step->title, lang);
		const gchar *text = text_in(step->text, lang);
		g_autofree gchar *prefix = numbered ? g_strdup_printf("  %u. ", i + 1) : g_strdup("  • ");
		guint indent = mpa_cli_text_width(prefix);

		if (i > 0)
			g_print("\n");
		mpa_cli_print_wrapped(prefix, title != NULL ? title : step->id, indent);
		if (text != NULL) {
			g_autofree gchar *pad = g_strnfill(indent, ' ');

			mpa_cli_print_wrapped(pad, text, indent);
		}
		if (step->link != NULL)
			print_link_line(step->link, lang, indent);
	}
}

static void print_text(const MpaLookupResult *res, const gchar *lang)
{
	const MpaProvider *provider = res->provider;
	const gchar *address = res->address;
	const gchar *name = provider_name(provider, lang);
	/* TRANSLATORS: the heading of "show": provider name (domain); Chinese uses full-width brackets */
	g_autofree gchar *heading = g_strdup_printf(C_("show heading", "%s (%s)"), name, provider->id);
	g_autofree gchar *for_line = g_strdup_printf(_("Settings for %s"), address);
	g_autofree gchar *origin = mpa_lookup_origin(res);

	mpa_cli_print_wrapped(NULL, heading, 0);
	mpa_cli_print_wrapped(NULL, for_line, 0);
	if (origin != NULL)
		mpa_cli_print_wrapped(NULL, origin, 0);
	g_print("\n");
	print_server(_("Incoming mail (IMAP)"), provider->imap, address);
	g_print("\n");
	print_server(_("Outgoing mail (SMTP)"), provider->smtp, address);
	g_print("\n");
	print_password(provider, lang);
	print_steps(_("Before you connect"), provider->steps, TRUE, lang);
	print_steps(_("Good to know"), provider->notes, FALSE, lang);
	if (provider->links != NULL && provider->links->len > 0) {
		g_print("\n%s\n", _("Links"));
		for (guint i = 0; i < provider->links->len; i++)
			print_link_line(provider->links->pdata[i], lang, 2);
	}
	if (provider->checked != NULL) {
		g_autofree gchar *checked = g_strdup_printf(_("These facts were last checked on %s."),
							    provider->checked);

		g_print("\n");
		mpa_cli_print_wrapped(NULL, checked, 0);
	}
}

int mpa_cli_cmd_show(int argc, char **argv)
{
	g_auto(MpaCliCommon) common = { 0 };
	g_auto(MpaCliLookup) lookup = { 0 };
	g_autoptr(GOptionContext) context = g_option_context_new(_("ADDRESS"));
	g_autoptr(MpaDb) db = NULL;
	MpaLookupResult *res;
	int status = MPA_EXIT_OK;

	g_option_context_set_summary(context,
				     _("Show the servers, the password to use and the setup checklist for an e-mail address."));
	g_option_context_set_description(context,
					 _("When no provider file knows the domain, its MX records, its own autoconfig document "
					   "(HTTPS) and its SRV records are looked up, unless --offline is given.\n"
					   "Exit status: 0 shown, 2 not an e-mail address or bad usage, 3 nothing found for the domain."));
	mpa_cli_add_common_options(context, &common);
	mpa_cli_add_lookup_options(context, &lookup);
	if (!mpa_cli_parse(context, &argc, &argv) || !mpa_cli_one_address("show", argc) ||
	    !mpa_cli_lookup_check_timeout("show", &lookup))
		return MPA_EXIT_USAGE;

	db = mpa_cli_load_db(&common);
	res = mpa_cli_lookup_settings(db, argv[1], &lookup, &status);
	if (res != NULL) {
		if (common.json)
			print_json(res, mpa_cli_lang());
		else
			print_text(res, mpa_cli_lang());
		/* a failed write to stdout: checked for every command in main() */
	}
	mpa_lookup_result_free(res);
	/* an abandoned HTTPS fetch may still be in TLS: the program must not exit under it */
	mpa_lookup_wait_threads(10000);
	return status;
}
