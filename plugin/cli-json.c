/* Provider Assistant — the command-line tool's JSON writer (see cli-json.h).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cli-json.h"

struct _MpaJson {
	GString *out;
	GArray *first; /* gboolean per open container: no member written yet */
	guint depth;
};

MpaJson *mpa_json_new(void)
{
	MpaJson *j = g_new0(MpaJson, 1);

	j->out = g_string_new(NULL);
	j->first = g_array_new(FALSE, FALSE, sizeof(gboolean));
	return j;
}

static void json_escape(GString *out, const gchar *str)
{
	const guchar *p;

	g_string_append_c(out, '"');
	for (p = (const guchar *)str; *p != '\0'; p++) {
		switch (*p) {
		case '"': g_string_append(out, "\\\""); break;
		case '\\': g_string_append(out, "\\\\"); break;
		case '\n': g_string_append(out, "\\n"); break;
		case '\r': g_string_append(out, "\\r"); break;
		case '\t': g_string_append(out, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				g_string_append_printf(out, "\\u%04x", *p);
			else
				g_string_append_c(out, (gchar)*p);
		}
	}
	g_string_append_c(out, '"');
}

static void json_member(MpaJson *j, const gchar *key)
{
	if (j->first->len > 0) {
		gboolean *first = &g_array_index(j->first, gboolean, j->first->len - 1);

		if (!*first)
			g_string_append_c(j->out, ',');
		*first = FALSE;
		g_string_append_c(j->out, '\n');
		for (guint i = 0; i < j->first->len; i++)
			g_string_append(j->out, "  ");
	}
	if (key != NULL) {
		gchar *valid = g_utf8_make_valid(key, -1);

		json_escape(j->out, valid);
		g_free(valid);
		g_string_append(j->out, ": ");
	}
}

static void json_open(MpaJson *j, const gchar *key, gchar c)
{
	gboolean first = TRUE;

	json_member(j, key);
	g_string_append_c(j->out, c);
	g_array_append_val(j->first, first);
}

static void json_close(MpaJson *j, gchar c)
{
	gboolean empty;

	g_return_if_fail(j->first->len > 0);
	empty = g_array_index(j->first, gboolean, j->first->len - 1);
	g_array_set_size(j->first, j->first->len - 1);
	if (!empty) {
		g_string_append_c(j->out, '\n');
		for (guint i = 0; i < j->first->len; i++)
			g_string_append(j->out, "  ");
	}
	g_string_append_c(j->out, c);
}

void mpa_json_begin_object(MpaJson *j, const gchar *key) { json_open(j, key, '{'); }
void mpa_json_end_object(MpaJson *j) { json_close(j, '}'); }
void mpa_json_begin_array(MpaJson *j, const gchar *key) { json_open(j, key, '['); }
void mpa_json_end_array(MpaJson *j) { json_close(j, ']'); }

void mpa_json_string(MpaJson *j, const gchar *key, const gchar *value)
{
	gchar *valid;

	if (value == NULL) {
		mpa_json_null(j, key);
		return;
	}
	json_member(j, key);
	valid = g_utf8_make_valid(value, -1);
	json_escape(j->out, valid);
	g_free(valid);
}

void mpa_json_int(MpaJson *j, const gchar *key, gint64 value)
{
	json_member(j, key);
	g_string_append_printf(j->out, "%" G_GINT64_FORMAT, value);
}

void mpa_json_bool(MpaJson *j, const gchar *key, gboolean value)
{
	json_member(j, key);
	g_string_append(j->out, value ? "true" : "false");
}

void mpa_json_null(MpaJson *j, const gchar *key)
{
	json_member(j, key);
	g_string_append(j->out, "null");
}

gchar *mpa_json_finish(MpaJson *j)
{
	gchar *text;

	g_warn_if_fail(j->first->len == 0);
	g_string_append_c(j->out, '\n');
	text = g_string_free(j->out, FALSE);
	g_array_unref(j->first);
	g_free(j);
	return text;
}
