/* Provider Assistant — the provider-assistant command-line tool: what every subcommand shares.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "mpa-lang.h"
#include "mpa-text.h"

#define DEFAULT_WIDTH 78
#define MIN_WIDTH 30

void mpa_cli_add_common_options(GOptionContext *context, MpaCliCommon *common)
{
	/* GLib copies the entries, so pointing them into @common from the stack is fine. */
	const GOptionEntry entries[] = {
		{ "providers-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &common->providers_dirs,
		  N_("Read provider files from DIR instead of the installed and user directories (repeatable)"),
		  N_("DIR") },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &common->json,
		  N_("Print machine-readable JSON"), NULL },
		{ NULL }
	};

	g_option_context_set_translation_domain(context, GETTEXT_PACKAGE);
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
}

gboolean mpa_cli_parse(GOptionContext *context, int *argc, char ***argv)
{
	g_autoptr(GError) error = NULL;
	const gchar *command = *argc > 0 ? (*argv)[0] : "";

	if (g_option_context_parse(context, argc, argv, &error)) {
		/* GOption keeps "--" when an argument after it starts with '-' ("show -- -x@y"):
		 * what is left are arguments, so the separator has done its job. */
		for (int i = 1; i < *argc; i++) {
			if (strcmp((*argv)[i], "--") == 0) {
				memmove(&(*argv)[i], &(*argv)[i + 1], (*argc - i) * sizeof(char *));
				(*argc)--;
				break;
			}
		}
		return TRUE;
	}
	mpa_cli_usage_error(command, error->message);
	return FALSE;
}

int mpa_cli_usage_error(const gchar *command, const gchar *message)
{
	g_printerr("provider-assistant %s: %s\n", command, message);
	g_printerr(_("Run 'provider-assistant %s --help' for usage.\n"), command);
	return MPA_EXIT_USAGE;
}

gboolean mpa_cli_one_address(const gchar *command, int argc)
{
	if (argc == 2)
		return TRUE;
	mpa_cli_usage_error(command, argc < 2 ? _("missing ADDRESS") : _("give only one ADDRESS"));
	return FALSE;
}

void mpa_cli_common_clear(MpaCliCommon *common)
{
	g_clear_pointer(&common->providers_dirs, g_strfreev);
	common->json = FALSE;
}

MpaDb *mpa_cli_load_db(const MpaCliCommon *common)
{
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);
	MpaDb *db;

	if (common->providers_dirs != NULL) {
		/* An explicit directory that is not there is most likely a typo: say so, the
		 * database itself treats a missing directory as empty (one that exists but cannot
		 * be read, or is a file, the database reports itself). */
		for (gchar **dir = common->providers_dirs; *dir != NULL; dir++) {
			if (!g_file_test(*dir, G_FILE_TEST_EXISTS)) {
				g_autofree gchar *shown = mpa_cli_display_arg(*dir);

				mpa_cli_error(_("warning: %s: no such directory"), shown);
			}
		}
	}
	db = mpa_db_load_default((const gchar *const *)common->providers_dirs, problems);
	for (guint i = 0; i < problems->len; i++) {
		const MpaProblem *problem = problems->pdata[i];
		g_autofree gchar *text = NULL;

		/* what a file holds that the loader ignores is for "validate"; here it would be noise
		 * on every command (a directory of ISPDB files has dozens) */
		if (problem->warning)
			continue;
		text = mpa_problem_to_string(problem);
		mpa_cli_error(_("warning: %s"), text);
	}
	return db;
}

/* The user's provider directory, with the home directory shown as "~". */
static gchar *user_providers_dir(void)
{
	g_autofree gchar *dir = g_build_filename(g_get_user_config_dir(),
						 "claws-mail-provider-assistant", "providers", NULL);
	const gchar *home = g_get_home_dir();
	gsize len = home != NULL ? strlen(home) : 0;

	if (len > 1 && strncmp(dir, home, len) == 0 && dir[len] == G_DIR_SEPARATOR)
		return g_strconcat("~", dir + len, NULL);
	return g_steal_pointer(&dir);
}

const MpaProvider *mpa_cli_lookup(const MpaDb *db, const gchar *address, gchar **normalized,
				  int *exit_code)
{
	g_autoptr(GError) error = NULL;
	const MpaProvider *provider;
	g_autofree gchar *shown = mpa_cli_display_arg(address);

	if (!g_utf8_validate(address, -1, NULL)) {
		mpa_cli_error(_("'%s' is not an e-mail address: it is not valid UTF-8 text."), shown);
		*exit_code = MPA_EXIT_USAGE;
		return NULL;
	}
	provider = mpa_db_lookup_address(db, address, normalized, &error);
	if (provider != NULL) {
		*exit_code = MPA_EXIT_OK;
		return provider;
	}
	if (g_error_matches(error, MPA_PROVIDER_ERROR, MPA_PROVIDER_ERROR_UNKNOWN)) {
		g_autofree gchar *local = NULL;
		g_autofree gchar *domain = NULL;
		g_autofree gchar *shown_domain = NULL;
		g_autofree gchar *dir = user_providers_dir();

		if (!mpa_address_parse(address, &local, &domain, NULL))
			domain = g_strdup(address);
		shown_domain = mpa_cli_display_arg(domain);
		mpa_cli_error(_("no provider file knows the domain %s."), shown_domain);
		g_printerr(_("To add the provider, write a provider file named %s.xml and put it in %s\n"
			     "(see \"Adding a provider\" in the README and doc/provider-format.md),\n"
			     "then check it with: provider-assistant validate FILE\n"),
			   shown_domain, dir);
		*exit_code = MPA_EXIT_UNKNOWN_PROVIDER;
	} else {
		g_autofree gchar *message = mpa_cli_display_arg(error != NULL ? error->message : "");

		/* The message already names the address and says what is wrong with it. */
		mpa_cli_error("%s", message);
		*exit_code = MPA_EXIT_USAGE;
	}
	if (normalized != NULL)
		g_clear_pointer(normalized, g_free);
	return NULL;
}

void mpa_cli_error(const gchar *format, ...)
{
	va_list args;
	g_autofree gchar *text = NULL;

	va_start(args, format);
	text = g_strdup_vprintf(format, args);
	va_end(args);
	g_printerr("provider-assistant: %s\n", text);
}

const gchar *mpa_cli_lang(void)
{
	static gchar *lang = NULL;
	const gchar *locale;
	const gchar *language;

	if (lang != NULL)
		return lang;
	/* Follow what gettext does for the UI strings: the C locale means untranslated (English),
	 * otherwise $LANGUAGE comes first, then the LC_MESSAGES locale.  The name becomes a
	 * language tag by the core's rule (mpa-lang.h). */
	locale = setlocale(LC_MESSAGES, NULL);
	language = g_getenv("LANGUAGE");
	if (mpa_lang_is_c_locale(locale)) {
		lang = g_strdup("en");
	} else if (language != NULL && *language != '\0' && *language != ':') {
		g_autofree gchar *first = g_strndup(language, strcspn(language, ":"));

		lang = mpa_lang_tag(first);
	} else {
		lang = mpa_lang_tag(locale);
	}
	return lang;
}

gchar *mpa_cli_display_arg(const gchar *arg)
{
	g_autofree gchar *valid = g_utf8_make_valid(arg != NULL ? arg : "", -1);

	return mpa_sanitize_display(valid, 80);
}

/* Columns to wrap output to: the terminal's width when stdout is a terminal, else $COLUMNS,
 * else 78. */
static guint cli_width(void)
{
	struct winsize size;
	const gchar *columns;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
		return MAX((guint)size.ws_col, MIN_WIDTH);
	columns = g_getenv("COLUMNS");
	if (columns != NULL) {
		guint64 value;

		if (g_ascii_string_to_unsigned(columns, 10, MIN_WIDTH, 1000, &value, NULL))
			return (guint)value;
	}
	return DEFAULT_WIDTH;
}

guint mpa_cli_text_width(const gchar *text)
{
	guint width = 0;

	for (const gchar *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (g_unichar_iszerowidth(c))
			continue;
		width += g_unichar_iswide(c) ? 2 : 1;
	}
	return width;
}

/* Characters that must not start a line (CJK and ASCII closing punctuation). */
static gboolean no_break_before(gunichar c)
{
	return c != 0 && g_utf8_strchr("，。、；：！？）》」』】〉”’…,.;:!?)]}%", -1, c) != NULL;
}

/* Characters that must not end a line. */
static gboolean no_break_after(gunichar c)
{
	return c != 0 && g_utf8_strchr("（《「『【〈“‘([{", -1, c) != NULL;
}

/* Wrap one line of text (no newline in it) into @out. */
static void wrap_line(GString *out, const gchar *line, guint first_indent, guint indent,
		      guint width)
{
	guint column = first_indent;
	gboolean line_empty = TRUE;
	const gchar *p = line;

	while (*p != '\0') {
		gboolean space_before = FALSE;
		const gchar *start;
		guint token_width = 0;
		gunichar c;

		while (*p == ' ') {
			space_before = TRUE;
			p++;
		}
		if (*p == '\0')
			break;

		/* A token: one wide character, or a run of narrow non-space ones; closing
		 * punctuation sticks to what precedes it, opening punctuation to what follows. */
		start = p;
		c = g_utf8_get_char(p);
		if (g_unichar_iswide(c)) {
			token_width = 2;
			p = g_utf8_next_char(p);
			while (no_break_after(c) && *p != '\0' && *p != ' ') {
				c = g_utf8_get_char(p);
				token_width += g_unichar_iswide(c) ? 2 : 1;
				p = g_utf8_next_char(p);
			}
		} else {
			while (*p != '\0' && *p != ' ' && !g_unichar_iswide(g_utf8_get_char(p))) {
				token_width += g_unichar_iszerowidth(g_utf8_get_char(p)) ? 0 : 1;
				p = g_utf8_next_char(p);
			}
		}
		while (*p != '\0' && no_break_before(g_utf8_get_char(p))) {
			c = g_utf8_get_char(p);
			token_width += g_unichar_iswide(c) ? 2 : 1;
			p = g_utf8_next_char(p);
		}

		if (!line_empty && column + (space_before ? 1 : 0) + token_width > width) {
			g_string_append_c(out, '\n');
			for (guint i = 0; i < indent; i++)
				g_string_append_c(out, ' ');
			column = indent;
			line_empty = TRUE;
		}
		if (!line_empty && space_before) {
			g_string_append_c(out, ' ');
			column++;
		}
		g_string_append_len(out, start, p - start);
		column += token_width;
		line_empty = FALSE;
	}
	g_string_append_c(out, '\n');
}

void mpa_cli_print_wrapped(const gchar *prefix, const gchar *text, guint indent)
{
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GString) clean = g_string_new(NULL);
	g_autofree gchar *valid = g_utf8_make_valid(text != NULL ? text : "", -1);
	g_auto(GStrv) lines = NULL;
	guint width = cli_width();
	gboolean first = TRUE;
	gboolean blank_pending = FALSE;

	/* Provider files come from users too: keep escape sequences and the like off the terminal. */
	for (const gchar *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '\t')
			g_string_append_c(clean, ' ');
		else if (c == '\n' || !g_unichar_iscntrl(c))
			g_string_append_unichar(clean, c);
	}

	lines = g_strsplit(clean->str, "\n", -1);
	for (gchar **l = lines; *l != NULL; l++) {
		gchar *line = g_strstrip(*l);
		guint first_indent;

		if (*line == '\0') {
			blank_pending = !first;
			continue;
		}
		if (blank_pending)
			g_string_append_c(out, '\n');
		blank_pending = FALSE;
		if (first && prefix != NULL) {
			g_string_append(out, prefix);
			first_indent = mpa_cli_text_width(prefix);
		} else {
			for (guint i = 0; i < indent; i++)
				g_string_append_c(out, ' ');
			first_indent = indent;
		}
		first = FALSE;
		wrap_line(out, line, first_indent, indent, width);
	}
	if (first && prefix != NULL)
		g_string_append_printf(out, "%s\n", prefix);
	g_print("%s", out->str);
}
