/* Provider Assistant — "provider-assistant explain": a server's reply becomes what to do.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * explain --address ADDRESS --protocol imap|smtp --stage STAGE (--reply TEXT | --reply-file FILE)
 *         [--code N] [--json]
 *
 * The reply is taken as bytes (a GBK reply pasted from a log works like its UTF-8 twin) and
 * decoded with mpa_decode_reply().  A valid address whose domain no provider file knows is still
 * explained with the generic rules (exit 0, with a note on stderr): the server's words say more
 * than the domain.  Exit: 0 explained (also when the cause is "unknown"), 2 bad input.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mpa-text.h"
#include "mpa-file.h"

/* The largest reply file read: a server's answer is a few lines, not a mailbox. */
#define MAX_REPLY_BYTES (64 * 1024)

static int usage_error(const gchar *message)
{
	return mpa_cli_usage_error("explain", message);
}

static gboolean all_digits(const gchar *s)
{
	if (*s == '\0')
		return FALSE;
	for (; *s != '\0'; s++)
		if (!g_ascii_isdigit(*s))
			return FALSE;
	return TRUE;
}

/* --code: an SMTP reply code (535) or enhanced code (5.7.8) for SMTP, a response code for IMAP. */
static gboolean parse_code(const gchar *code, MpaProtocol protocol, MpaFailure *f, gchar **owned)
{
	if (protocol == MPA_PROTOCOL_SMTP) {
		if (all_digits(code) && strlen(code) == 3 && code[0] >= '2' && code[0] <= '5') {
			f->smtp_code = (guint)g_ascii_strtoull(code, NULL, 10);
			return TRUE;
		}
		if (mpa_reply_is_enhanced(code)) {
			f->enhanced_code = *owned = g_strdup(code);
			return TRUE;
		}
		return FALSE;
	}
	for (const gchar *p = code; *p != '\0'; p++)
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.' && *p != '_')
			return FALSE;
	if (*code == '\0')
		return FALSE;
	f->imap_code = *owned = g_ascii_strup(code, -1);
	return TRUE;
}

static gboolean security_from_name(const gchar *name, MpaSecurity *security)
{
	for (MpaSecurity s = MPA_SECURITY_SSL; s <= MPA_SECURITY_PLAIN; s++) {
		if (g_ascii_strcasecmp(name, mpa_security_name(s)) == 0) {
			*security = s;
			return TRUE;
		}
	}
	return FALSE;
}

/* A reply file larger than this is not a server's reply (a mailbox, a disk image): refused.  Up
 * to it, the first MAX_REPLY_BYTES are explained, as the engine cuts a reply there too. */
#define MAX_REPLY_FILE_BYTES (1024 * 1024)

static gboolean read_reply_file(const gchar *path, gchar **contents, gsize *len)
{
	g_autoptr(GError) error = NULL;

	if (strcmp(path, "-") == 0) {
		/* standard input: a pipe or a terminal as well as a file; read up to the cap only
		 * (a reply piped from /dev/zero ends there) */
		GByteArray *bytes = g_byte_array_new();
		guint8 buf[4096];
		size_t n;

		while ((n = fread(buf, 1, sizeof buf, stdin)) > 0 && bytes->len <= MAX_REPLY_BYTES)
			g_byte_array_append(bytes, buf, (guint)n);
		if (ferror(stdin)) {
			g_byte_array_unref(bytes);
			mpa_cli_error(_("cannot read the reply from standard input: %s"), g_strerror(errno));
			return FALSE;
		}
		*len = bytes->len;
		*contents = (gchar *)g_byte_array_free(bytes, FALSE);
	} else if (!mpa_file_read(path, MAX_REPLY_FILE_BYTES, contents, len, &error)) {
		/* a FIFO would block, /dev/zero never end: refused before reading, and said what it is */
		g_autofree gchar *shown = mpa_cli_display_arg(path);

		mpa_cli_error(_("cannot read the reply file %s: %s"), shown, error->message);
		return FALSE;
	}
	if (*len > MAX_REPLY_BYTES)
		*len = MAX_REPLY_BYTES;
	return TRUE;
}

int mpa_cli_cmd_explain(int argc, char **argv)
{
	g_auto(MpaCliCommon) common = { 0 };
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autofree gchar *address = NULL, *protocol_name = NULL, *stage_name = NULL;
	/* FILENAME arguments keep the bytes as given: a reply may be GBK, not the locale's charset */
	g_autofree gchar *reply_arg = NULL, *reply_file = NULL;
	g_autofree gchar *code = NULL, *code_owned = NULL;
	g_autofree gchar *raw = NULL, *reply = NULL, *normalized = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *security_name = NULL;
	gint port = 0;
	gboolean worked = FALSE;
	const GOptionEntry entries[] = {
		{ "address", 'a', 0, G_OPTION_ARG_STRING, &address, N_("The e-mail address of the account"), N_("ADDRESS") },
		{ "protocol", 'p', 0, G_OPTION_ARG_STRING, &protocol_name, N_("imap or smtp"), N_("PROTOCOL") },
		{ "stage", 's', 0, G_OPTION_ARG_STRING, &stage_name,
		  N_("The stage that failed: connect, tls, greeting, auth, select or send"), N_("STAGE") },
		{ "reply", 'r', 0, G_OPTION_ARG_FILENAME, &reply_arg, N_("The server's reply, as it was received"), N_("TEXT") },
		{ "reply-file", 'f', 0, G_OPTION_ARG_FILENAME, &reply_file,
		  N_("Read the server's reply from FILE (- for standard input)"), N_("FILE") },
		{ "code", 'c', 0, G_OPTION_ARG_STRING, &code,
		  N_("SMTP reply or enhanced code (535, 5.7.8) or IMAP response code (AUTHENTICATIONFAILED); read from the reply when left out"),
		  N_("CODE") },
		{ "port", 0, 0, G_OPTION_ARG_INT, &port,
		  N_("The port the mail program used (named in the fix when it does not fit); read from the reply when left out"), N_("PORT") },
		{ "security", 0, 0, G_OPTION_ARG_STRING, &security_name,
		  N_("The security setting the mail program used: ssl, starttls or plain"), N_("SECURITY") },
		{ "worked-before", 0, 0, G_OPTION_ARG_NONE, &worked,
		  N_("This account logged in with this password before (the password stopped working)"), NULL },
		{ NULL }
	};
	MpaFailure failure = { 0 };
	MpaProtocol protocol;
	MpaStage stage;
	g_autoptr(MpaDb) db = NULL;
	const MpaProvider *provider;
	g_autoptr(MpaDiagnosis) diagnosis = NULL;
	gsize len = 0;
	int status = MPA_EXIT_OK;

	g_option_context_set_translation_domain(context, GETTEXT_PACKAGE);
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	g_option_context_set_summary(context,
				     _("Explain a failed login or send: the likely cause, what to do, and the other possible causes."));
	g_option_context_set_description(context,
					 _("An address whose domain no provider file knows is explained with the generic rules.\n"
					   "Exit status: 0 explained (also when the cause is unknown), 2 bad input or usage."));
	mpa_cli_add_common_options(context, &common);
	if (!mpa_cli_parse(context, &argc, &argv))
		return MPA_EXIT_USAGE;

	if (argc > 1)
		status = usage_error(_("unexpected argument (the reply goes after --reply)"));
	else if (address == NULL)
		status = usage_error(_("missing --address"));
	else if (protocol_name == NULL || !mpa_protocol_from_name(protocol_name, &protocol))
		status = usage_error(_("--protocol must be imap or smtp"));
	else if (stage_name == NULL || !mpa_stage_from_name(stage_name, &stage))
		status = usage_error(_("--stage must be connect, tls, greeting, auth, select or send"));
	else if ((reply_arg == NULL) == (reply_file == NULL))
		status = usage_error(_("give the reply with either --reply or --reply-file"));
	else if (code != NULL && !parse_code(code, protocol, &failure, &code_owned))
		status = usage_error(protocol == MPA_PROTOCOL_SMTP ? _("--code must be an SMTP reply code (535) or enhanced status code (5.7.8)") : _("--code must be an IMAP response code such as AUTHENTICATIONFAILED"));
	else if (port < 0 || port > 65535)
		status = usage_error(_("--port must be a number from 1 to 65535"));
	else if (security_name != NULL && !security_from_name(security_name, &failure.security))
		status = usage_error(_("--security must be ssl, starttls or plain"));
	if (status != MPA_EXIT_OK)
		return status;
	failure.port = (guint)port;
	failure.has_security = security_name != NULL;
	failure.worked_before = worked;

	if (reply_file != NULL) {
		if (!read_reply_file(reply_file, &raw, &len))
			return MPA_EXIT_USAGE;
	} else {
		raw = g_steal_pointer(&reply_arg);
		len = strlen(raw);
	}
	reply = mpa_decode_reply((const guint8 *)raw, len);

	db = mpa_cli_load_db(&common);
	provider = mpa_db_lookup_address(db, address, &normalized, &error);
	if (provider == NULL && g_error_matches(error, MPA_PROVIDER_ERROR, MPA_PROVIDER_ERROR_UNKNOWN)) {
		/* the reply still says a lot: generic rules */
		g_printerr("provider-assistant: %s\n",
			   _("no provider file knows this domain; the explanation uses the generic rules"));
	} else if (provider == NULL) {
		g_autofree gchar *shown = mpa_cli_display_arg(address);

		mpa_cli_error("%s: %s", shown, error->message);
		return MPA_EXIT_USAGE;
	}

	failure.protocol = protocol;
	failure.stage = stage;
	failure.net_error = MPA_NET_NONE;
	failure.reply = reply;
	diagnosis = mpa_diagnose(provider, &failure, mpa_cli_lang());
	if (common.json) {
		MpaJson *j = mpa_json_new();
		g_autofree gchar *out = NULL;

		mpa_json_begin_object(j, NULL);
		mpa_json_string(j, "address", normalized);
		mpa_json_string(j, "provider", provider != NULL ? provider->id : NULL);
		mpa_json_string(j, "protocol", mpa_protocol_name(protocol));
		mpa_json_string(j, "stage", mpa_stage_name(stage));
		mpa_cli_json_diagnosis(j, diagnosis);
		mpa_json_end_object(j);
		out = mpa_json_finish(j);
		fputs(out, stdout);
	} else {
		mpa_cli_print_diagnosis(diagnosis, 0);
	}
	/* a failed write to stdout: checked for every command in main() */
	return status;
}
