/* Provider Assistant — the provider-assistant command-line tool: shared declarations.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each subcommand lives in its own file (cli-show.c, cli-validate.c, cli-check.c, cli-explain.c,
 * ...) and is listed in the command table of cli-main.c.  A subcommand gets argv with argv[0] =
 * its name and returns an MpaExit code.  Messages to the user go through _() (gettext domain
 * GETTEXT_PACKAGE); errors go to stderr as "provider-assistant: context: reason".
 */
#ifndef MPA_CLI_H
#define MPA_CLI_H

#include <glib.h>
#include <glib/gi18n-lib.h>
#include "mpa-provider.h"
#include "mpa-diagnose.h"
#include "mpa-text.h"
#include "cli-json.h"
#include "mpa-lookup.h"

G_BEGIN_DECLS

typedef enum {
	MPA_EXIT_OK = 0,              /* success */
	MPA_EXIT_FAILED = 1,          /* the operation failed (invalid files, failed check) */
	MPA_EXIT_USAGE = 2,           /* bad input or usage */
	MPA_EXIT_UNKNOWN_PROVIDER = 3 /* the address is fine, no provider knows its domain */
} MpaExit;

/* Options every subcommand accepts. */
typedef struct {
	gchar **providers_dirs; /* --providers-dir (repeatable); NULL: default dirs */
	gboolean json;          /* --json */
} MpaCliCommon;

/* Adds --providers-dir and --json to @context's main group. */
void mpa_cli_add_common_options(GOptionContext *context, MpaCliCommon *common);
/* Parse @argv with @context; on error prints "provider-assistant SUBCOMMAND: message" and a hint
 * to use --help, and returns FALSE (exit MPA_EXIT_USAGE). */
gboolean mpa_cli_parse(GOptionContext *context, int *argc, char ***argv);
/* Print "provider-assistant SUBCOMMAND: message" and the hint to use --help on stderr; returns
 * MPA_EXIT_USAGE. */
int mpa_cli_usage_error(const gchar *command, const gchar *message);
/* For subcommands that take exactly one ADDRESS: TRUE when @argc (after parsing) says so, else
 * prints the usage error and returns FALSE. */
gboolean mpa_cli_one_address(const gchar *command, int argc);
void mpa_cli_common_clear(MpaCliCommon *common);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(MpaCliCommon, mpa_cli_common_clear)

/* Load the database from --providers-dir or the default dirs.  Problems in files are printed as
 * warnings ("file:line: problem") on stderr and do not stop the others from loading. */
MpaDb *mpa_cli_load_db(const MpaCliCommon *common);
/* Look @address up.  On failure prints what is wrong (and, for an unknown domain, how to add a
 * provider file), sets *exit_code to MPA_EXIT_USAGE or MPA_EXIT_UNKNOWN_PROVIDER, returns NULL. */
const MpaProvider *mpa_cli_lookup(const MpaDb *db, const gchar *address, gchar **normalized,
				  int *exit_code);
/* Print an error "provider-assistant: ..." to stderr (printf-style). */
void mpa_cli_error(const gchar *format, ...) G_GNUC_PRINTF(1, 2);
/* The language for provider texts and the diagnosis: "en" in the C locale, else the first entry
 * of $LANGUAGE, else the LC_MESSAGES locale, as a tag (mpa_lang_tag(): "zh_CN.UTF-8" -> "zh_CN"). */
const gchar *mpa_cli_lang(void);

/* @arg (bytes from the command line) made safe to echo in a message: valid UTF-8, control
 * characters escaped, shortened to 80 characters.  Free with g_free(). */
gchar *mpa_cli_display_arg(const gchar *arg);
/* Print @text wrapped to the terminal's width when stdout is a terminal, else to $COLUMNS, else
 * to 78 columns.  @prefix (may be NULL) starts the first line, e.g.
 * "  1. "; every other line is indented by @indent columns.  Each line of @text stays a line, a
 * blank line separates paragraphs, wide (CJK) characters count two columns and may break
 * anywhere; control characters are dropped. */
void mpa_cli_print_wrapped(const gchar *prefix, const gchar *text, guint indent);
/* Display width of UTF-8 @text in terminal columns. */
guint mpa_cli_text_width(const gchar *text);

/* The settings lookup of "show" and "check" (cli-lookup.c). */
typedef struct {
	gboolean offline;  /* --offline */
	gdouble timeout_s; /* --timeout, 0: the default */
	gchar *ca_file;    /* --ca-file */
} MpaCliLookup;
/* Adds --offline, --timeout and --ca-file. */
void mpa_cli_add_lookup_options(GOptionContext *context, MpaCliLookup *lookup);
void mpa_cli_lookup_clear(MpaCliLookup *lookup);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(MpaCliLookup, mpa_cli_lookup_clear)
/* FALSE (after the usage message) when --timeout is out of range. */
gboolean mpa_cli_lookup_check_timeout(const gchar *command, const MpaCliLookup *lookup);
/* A provider file, else (unless --offline) the network lookup.  NULL after printing why, with
 * *exit_code MPA_EXIT_USAGE or MPA_EXIT_UNKNOWN_PROVIDER (also when no name server answered). */
MpaLookupResult *mpa_cli_lookup_settings(const MpaDb *db, const gchar *address,
					 const MpaCliLookup *lookup, int *exit_code);

int mpa_cli_cmd_show(int argc, char **argv);
int mpa_cli_cmd_validate(int argc, char **argv);
int mpa_cli_cmd_check(int argc, char **argv);
int mpa_cli_cmd_quota(int argc, char **argv);
int mpa_cli_cmd_explain(int argc, char **argv);

/* A diagnosis for people (cli-diagnosis.c): the cause's title, the steps, the link, the other
 * candidates with their titles, and "Server said: ..."; every line indented by @indent. */
void mpa_cli_print_diagnosis(const MpaDiagnosis *diagnosis, guint indent);
/* The same into the JSON object being written: "cause", "candidates" (the OTHER causes, most
 * likely first), "title", "fix", "link", "reply" (sanitised, may be null), "from_provider_rule". */
void mpa_cli_json_diagnosis(MpaJson *json, const MpaDiagnosis *diagnosis);

G_END_DECLS

#endif
