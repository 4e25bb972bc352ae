/* Provider Assistant — text helpers (see mpa-text.h).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include "mpa-text.h"

gchar *mpa_decode_reply(const guint8 *data, gsize len)
{
	gchar *out;

	if (data == NULL || len == 0)
		return g_strdup("");
	/* A NUL cannot live inside a C string, would cut the text short, and g_utf8_make_valid would
	 * turn it into U+FFFD: write it the way mpa_sanitize_display shows every other control
	 * character, so a user still sees that the server sent one. */
	if (memchr(data, '\0', len) != NULL) {
		GString *s = g_string_sized_new(len + 16);

		for (gsize i = 0; i < len; i++) {
			if (data[i] == '\0')
				g_string_append(s, "\\x00");
			else
				g_string_append_c(s, (gchar)data[i]);
		}
		out = mpa_decode_reply((const guint8 *)s->str, s->len);
		g_string_free(s, TRUE);
		return out;
	}
	if (g_utf8_validate_len((const gchar *)data, len, NULL))
		return g_strndup((const gchar *)data, len);
	/* Chinese servers still answer in GBK; GB18030 covers it and every other byte sequence
	 * GBK produces. */
	out = g_convert((const gchar *)data, len, "UTF-8", "GB18030", NULL, NULL, NULL);
	if (out != NULL)
		return out;
	return g_utf8_make_valid((const gchar *)data, len);
}

gchar *mpa_sanitize_display(const gchar *utf8, gsize max_chars)
{
	GString *s;
	const gchar *p;
	gsize chars = 0;
	gboolean truncated = FALSE;

	if (utf8 == NULL)
		return g_strdup("");
	s = g_string_new(NULL);
	p = utf8;
	while (*p != '\0') {
		gunichar c = g_utf8_get_char_validated(p, -1);

		if (max_chars > 0 && chars >= max_chars) {
			truncated = TRUE;
			break;
		}
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append(s, "\xef\xbf\xbd"); /* U+FFFD */
			chars++;
			p++; /* skip one byte only: the next iteration resynchronises */
			continue;
		}
		if (c == '\r' || c == '\n') {
			/* fold line breaks: "a\r\nb" -> "a / b", trailing ones dropped */
			const gchar *q = p;

			while (*q == '\r' || *q == '\n')
				q++;
			if (*q != '\0' && s->len > 0) {
				g_string_append(s, " / ");
				chars += 3;
			}
			p = q;
			continue;
		}
		if (c == '\t') {
			g_string_append_c(s, ' ');
			chars++;
		} else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
			g_string_append_printf(s, "\\x%02x", (guint)c);
			chars += 4;
		} else if (c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
			   (c >= 0x2066 && c <= 0x2069)) {
			/* bidirectional overrides can disguise text: show them */
			g_string_append_printf(s, "\\u%04x", (guint)c);
			chars += 6;
		} else {
			g_string_append_unichar(s, c);
			chars++;
		}
		p = g_utf8_next_char(p);
	}
	while (s->len > 0 && s->str[s->len - 1] == ' ')
		g_string_truncate(s, s->len - 1);
	if (truncated)
		g_string_append(s, "…");
	return g_string_free(s, FALSE);
}

void mpa_secret_free(gchar *secret)
{
	if (secret == NULL)
		return;
	/* volatile pointer: the compiler may not drop the stores before free() */
	{
		volatile gchar *v = secret;

		while (*v != '\0')
			*v++ = '\0';
	}
	g_free(secret);
}

gchar *mpa_first_sentence(const gchar *text)
{
	static const gchar *const ends[] = { "。", "！", "？" };
	const gchar *end = NULL;
	gchar *out;

	if (!text)
		return g_strdup("");
	for (const gchar *p = text; *p && !end; p = g_utf8_next_char(p)) {
		if ((*p == '.' || *p == '!' || *p == '?') && (p[1] == ' ' || p[1] == '\n')) {
			end = p + 1;
			break;
		}
		for (guint i = 0; i < G_N_ELEMENTS(ends); i++)
			if (g_str_has_prefix(p, ends[i])) {
				end = p + strlen(ends[i]);
				break;
			}
	}
	out = end ? g_strndup(text, end - text) : g_strdup(text);
	return g_strstrip(out);
}

gboolean mpa_duration_ms(gint64 us, gint *ms)
{
	if (us < 0)
		us = 0;
	/* 999.6 ms would print as "1000 ms": from there on it is seconds. */
	if (us >= 999500)
		return FALSE;
	*ms = (gint)((us + 500) / 1000);
	return TRUE;
}
