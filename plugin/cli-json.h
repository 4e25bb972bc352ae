/* Provider Assistant — the command-line tool's JSON writer (--json of every subcommand).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only GLib: the tests and the fuzz targets link it without the rest of the CLI.
 */
#ifndef MPA_CLI_JSON_H
#define MPA_CLI_JSON_H

#include <glib.h>

G_BEGIN_DECLS

/* Minimal JSON writer: members are written in order, two spaces of indentation per level; keys
 * and strings that are not valid UTF-8 are made valid. */
typedef struct _MpaJson MpaJson;
MpaJson *mpa_json_new(void);
void mpa_json_begin_object(MpaJson *j, const gchar *key); /* key NULL inside arrays / at top */
void mpa_json_end_object(MpaJson *j);
void mpa_json_begin_array(MpaJson *j, const gchar *key);
void mpa_json_end_array(MpaJson *j);
void mpa_json_string(MpaJson *j, const gchar *key, const gchar *value); /* NULL value -> null */
void mpa_json_int(MpaJson *j, const gchar *key, gint64 value);
void mpa_json_bool(MpaJson *j, const gchar *key, gboolean value);
void mpa_json_null(MpaJson *j, const gchar *key);
/* Returns the text (newline-terminated) and frees the writer. */
gchar *mpa_json_finish(MpaJson *j);

G_END_DECLS

#endif
