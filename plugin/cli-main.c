/* Provider Assistant — the provider-assistant command-line tool: entry point and dispatcher.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dispatcher only finds the subcommand and hands it the rest: every subcommand parses its
 * own options (the common ones through cli-common.c), so options may come before or after the
 * subcommand name.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mpa-text.h"

typedef struct {
	const gchar *name;
	int (*run)(int argc, char **argv);
	const gchar *summary; /* N_(): translated when shown */
} CliCommand;

/* One row per subcommand; the order is the order of --help. */
static const CliCommand commands[] = {
	{ "show", mpa_cli_cmd_show, N_("Show the settings, password hint and setup checklist for an address") },
	{ "validate", mpa_cli_cmd_validate, N_("Check provider files for mistakes") },
	{ "check", mpa_cli_cmd_check, N_("Log in to the IMAP and SMTP servers and explain any failure") },
	{ "quota", mpa_cli_cmd_quota, N_("Show today's sent-message count and the provider's sending limits for an address") },
	{ "explain", mpa_cli_cmd_explain, N_("Explain a server's error reply: the cause and what to do") },
};

/* Global options that take a value in the next argument: needed to find the subcommand name. */
static const gchar *const options_with_value[] = {
	"--providers-dir",
	/* check */
	"--password-file", "--imap", "--smtp", "--ca-file", "--timeout", "--only",
	/* quota */
	"--config-dir",
	NULL
};

static const CliCommand *find_command(const gchar *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
		if (g_strcmp0(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

/* "  NAME   description", descriptions wrapped and aligned after the widest name. */
static void print_rows(const gchar *const (*rows)[2], gsize n)
{
	guint width = 0;

	for (gsize i = 0; i < n; i++)
		width = MAX(width, mpa_cli_text_width(rows[i][0]));
	for (gsize i = 0; i < n; i++) {
		g_autofree gchar *prefix = g_strdup_printf("  %-*s  ", (int)width, rows[i][0]);

		mpa_cli_print_wrapped(prefix, rows[i][1], width + 4);
	}
}

static void print_usage(void)
{
	const gchar *command_rows[G_N_ELEMENTS(commands)][2];
	const gchar *const option_rows[][2] = {
		{ "--providers-dir DIR", _("Read provider files from DIR instead of the installed and user directories (repeatable)") },
		{ "--json", _("Print machine-readable JSON (show, validate, quota)") },
		{ "-h, --help", _("Show help (for a command: COMMAND --help)") },
		{ "--version", _("Show the version") },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
		command_rows[i][0] = commands[i].name;
		command_rows[i][1] = _(commands[i].summary);
	}
	g_print("%s\n\n", _("Usage: provider-assistant [OPTION…] COMMAND [ARGUMENT…]"));
	mpa_cli_print_wrapped(NULL, _("Set up a mail account: the provider's servers, which password to use, and what to do first."), 0);
	g_print("\n%s\n", _("Commands:"));
	print_rows((const gchar *const(*)[2])command_rows, G_N_ELEMENTS(commands));
	g_print("\n%s\n", _("Options (before or after the command):"));
	print_rows(option_rows, G_N_ELEMENTS(option_rows));
	g_print("\n");
	mpa_cli_print_wrapped(NULL, _("Exit status: 0 success, 1 the operation failed, 2 bad input or usage, 3 no provider file knows the address's domain."), 0);
	mpa_cli_print_wrapped(NULL, _("Run 'provider-assistant help COMMAND' for the options of a command."), 0);
}

static void print_version(void)
{
	g_print("provider-assistant (Provider Assistant) %s\n", MPA_VERSION);
}

/* Edit distance, to suggest the command the user probably meant. */
static guint edit_distance(const gchar *a, const gchar *b)
{
	gsize la = strlen(a), lb = strlen(b);
	g_autofree guint *row = g_new(guint, lb + 1);

	for (gsize j = 0; j <= lb; j++)
		row[j] = j;
	for (gsize i = 1; i <= la; i++) {
		guint diag = row[0];

		row[0] = i;
		for (gsize j = 1; j <= lb; j++) {
			guint up = row[j];
			guint best = diag + (a[i - 1] == b[j - 1] ? 0 : 1);

			best = MIN(best, up + 1);
			best = MIN(best, row[j - 1] + 1);
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static int unknown_command(const gchar *name)
{
	g_autofree gchar *shown = mpa_cli_display_arg(name);
	const CliCommand *guess = NULL;
	guint best = 3; /* suggest only close matches */

	for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
		guint d = edit_distance(name, commands[i].name);

		if (d < best || g_str_has_prefix(commands[i].name, name)) {
			best = MIN(d, best);
			guess = &commands[i];
		}
	}
	mpa_cli_error(_("'%s' is not a command."), shown);
	if (guess != NULL)
		g_printerr(_("Did you mean 'provider-assistant %s'?\n"), guess->name);
	g_printerr("%s\n", _("Run 'provider-assistant --help' for the list of commands."));
	return MPA_EXIT_USAGE;
}

/* GOption's --help then shows "Usage: provider-assistant show ...". */
static void set_prgname(const CliCommand *command)
{
	g_autofree gchar *name = g_strconcat("provider-assistant ", command->name, NULL);

	g_set_prgname(name);
}

/* "help [COMMAND]" */
static int run_help(int argc, char **argv)
{
	const CliCommand *command;
	char *help_argv[3];

	if (argc < 2) {
		print_usage();
		return MPA_EXIT_OK;
	}
	command = find_command(argv[1]);
	if (command == NULL)
		return unknown_command(argv[1]);
	help_argv[0] = (char *)command->name;
	help_argv[1] = (char *)"--help";
	help_argv[2] = NULL;
	set_prgname(command);
	return command->run(2, help_argv);
}

/* Output that could not be written (a full disk, /dev/full) is a failure whatever the command:
 * exit 1 with a message, not 0.  g_print() flushes by itself and leaves only the error flag set,
 * so the flag is checked as well as a last flush, and closing stdout reports the rest. */
static int finish_output(int status)
{
	int saved = 0; /* errno of the failed write is gone when g_print() failed */
	gboolean failed = ferror(stdout) != 0;

	if (fflush(stdout) != 0) {
		saved = errno;
		failed = TRUE;
	}
	if (fclose(stdout) != 0 && !failed) {
		saved = errno;
		failed = TRUE;
	}
	if (!failed)
		return status;
	mpa_cli_error(_("cannot write the output: %s"),
		      saved != 0 ? g_strerror(saved) : _("write error"));
	return MPA_EXIT_FAILED;
}

static int run_main(int argc, char **argv);

int main(int argc, char **argv)
{
	return finish_output(run_main(argc, argv));
}

static int run_main(int argc, char **argv)
{
	const gchar *localedir = g_getenv("MPA_LOCALEDIR");
	g_autoptr(GPtrArray) sub_argv = g_ptr_array_new();
	gint command_index = -1;
	gboolean want_help = FALSE;
	const CliCommand *command;
	int status;

	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	g_set_prgname("provider-assistant");

	/* Find the subcommand: the first argument that is neither an option nor an option's value.
	 * --version anywhere wins; --help before the command means the general help. */
	for (gint i = 1; i < argc; i++) {
		const gchar *arg = argv[i];

		if (strcmp(arg, "--") == 0)
			break;
		if (strcmp(arg, "--version") == 0) {
			print_version();
			return MPA_EXIT_OK;
		}
		if (command_index >= 0)
			continue;
		if (arg[0] != '-' || arg[1] == '\0') {
			command_index = i;
			continue;
		}
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 || strcmp(arg, "-?") == 0)
			want_help = TRUE;
		if (g_strv_contains(options_with_value, arg))
			i++;
	}

	if (command_index < 0) {
		if (want_help) {
			print_usage();
			return MPA_EXIT_OK;
		}
		mpa_cli_error("%s", _("no command given."));
		g_printerr("%s\n", _("Run 'provider-assistant --help' for the list of commands."));
		return MPA_EXIT_USAGE;
	}

	if (strcmp(argv[command_index], "help") == 0) {
		for (gint i = command_index; i < argc; i++)
			g_ptr_array_add(sub_argv, argv[i]);
		g_ptr_array_add(sub_argv, NULL);
		return run_help(sub_argv->len - 1, (char **)sub_argv->pdata);
	}

	command = find_command(argv[command_index]);
	if (command == NULL)
		return unknown_command(argv[command_index]);

	/* The subcommand sees: its name, the options given before it, then everything after it. */
	g_ptr_array_add(sub_argv, argv[command_index]);
	for (gint i = 1; i < argc; i++) {
		if (i != command_index)
			g_ptr_array_add(sub_argv, argv[i]);
	}
	g_ptr_array_add(sub_argv, NULL);

	set_prgname(command);
	status = command->run(sub_argv->len - 1, (char **)sub_argv->pdata);
	return status;
}
