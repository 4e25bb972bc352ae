/* Provider Assistant — locale names to language tags (see mpa-lang.h).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include "mpa-lang.h"

/* The first @len bytes of @tag normalised, as mpa_lang_normalize(). */
static gchar *normalize_len(const gchar *tag, gsize len)
{
	g_autofree gchar *copy = g_strndup(tag, len);

	return mpa_lang_normalize(copy);
}

gchar *mpa_lang_normalize(const gchar *tag)
{
	g_autoptr(GString) s = g_string_new(NULL);
	const gchar *p = tag;
	guint n = 0;

	if (tag == NULL)
		return NULL;
	while (g_ascii_isalpha(*p)) {
		g_string_append_c(s, g_ascii_tolower(*p++));
		n++;
	}
	if (n < 2 || n > 3)
		return NULL;
	if (*p == '-' || *p == '_') {
		guint m = 0;

		p++;
		g_string_append_c(s, '_');
		while (g_ascii_isalnum(*p)) {
			g_string_append_c(s, g_ascii_toupper(*p++));
			m++;
		}
		if (m < 2 || m > 8)
			return NULL;
	}
	if (*p != '\0')
		return NULL;
	return g_string_free(g_steal_pointer(&s), FALSE);
}

static void add_unique(GPtrArray *tags, gchar *tag)
{
	for (guint i = 0; i < tags->len; i++) {
		if (strcmp(g_ptr_array_index(tags, i), tag) == 0) {
			g_free(tag);
			return;
		}
	}
	g_ptr_array_add(tags, tag);
}

gboolean mpa_lang_is_c_locale(const gchar *locale)
{
	gsize base;

	if (locale == NULL || *locale == '\0')
		return TRUE;
	base = strcspn(locale, ".@");
	return (base == 1 && locale[0] == 'C') || (base == 5 && strncmp(locale, "POSIX", 5) == 0);
}

/* TRUE when the locale name @name (language and territory, "_" between them) is Chinese written
 * in Simplified characters other than zh_CN: Singapore and Malaysia, or the script named
 * (zh_Hans, zh_Hans_CN, zh_Hans_SG).  zh_TW, zh_HK, zh_MO and zh_Hant* read Traditional. */
static gboolean reads_simplified_chinese(const gchar *name, gsize len)
{
	g_autofree gchar *base = g_ascii_strdown(name, (gssize)len);

	return strcmp(base, "zh_sg") == 0 || strcmp(base, "zh_my") == 0 ||
		strcmp(base, "zh_hans") == 0 || g_str_has_prefix(base, "zh_hans_");
}

/* The variants of one locale name appended to @tags (nothing for C, POSIX or a non-locale). */
static void add_variants(GPtrArray *tags, const gchar *locale)
{
	g_autofree gchar *name = NULL;
	g_auto(GStrv) variants = NULL;
	g_autofree gchar *base = NULL;
	gboolean first = TRUE;
	gboolean simplified;

	if (mpa_lang_is_c_locale(locale))
		return;
	/* "zh-CN" is a tag written the other way: g_get_locale_variants() knows only "_" (not in
	 * the codeset: "UTF-8" stays) */
	name = g_strdup(locale);
	for (gchar *p = name; *p != '\0' && *p != '.' && *p != '@'; p++) {
		if (*p == '-')
			*p = '_';
	}
	/* what is no locale name ("zh_", "not a locale") adds nothing, not a part of it */
	base = normalize_len(name, strcspn(name, ".@"));
	simplified = reads_simplified_chinese(name, strcspn(name, ".@"));
	if (base == NULL && !simplified)
		return;
	variants = g_get_locale_variants(name);
	for (guint i = 0; variants[i] != NULL; i++) {
		gchar *tag;

		if (strpbrk(variants[i], ".@") != NULL)
			continue;
		tag = mpa_lang_normalize(variants[i]);
		if (tag == NULL)
			continue;
		if (simplified && strcmp(tag, "zh_SG") != 0 && strcmp(tag, "zh_MY") != 0) {
			/* Simplified Chinese outside zh_CN: zh_CN before the bare "zh", and in place
			 * of a script ("zh_Hans" is no territory) */
			add_unique(tags, g_strdup("zh_CN"));
			if (strcmp(tag, "zh") != 0) {
				g_free(tag);
				continue;
			}
		} else if (first && strcmp(tag, "zh") == 0) {
			/* the locale names the bare language: Chinese here is Simplified Chinese */
			add_unique(tags, tag);
			tag = g_strdup("zh_CN");
		}
		first = FALSE;
		add_unique(tags, tag);
	}
}

static gchar **finish(GPtrArray *tags)
{
	if (tags->len == 0)
		g_ptr_array_add(tags, g_strdup("en"));
	g_ptr_array_add(tags, NULL);
	return (gchar **)g_ptr_array_free(tags, FALSE);
}

gchar **mpa_lang_variants(const gchar *locale)
{
	GPtrArray *tags = g_ptr_array_new();

	add_variants(tags, locale);
	return finish(tags);
}

gchar *mpa_lang_tag(const gchar *locale)
{
	g_auto(GStrv) tags = mpa_lang_variants(locale);

	return g_strdup(tags[0]);
}

gboolean mpa_lang_is_source(const gchar *tag)
{
	return tag != NULL && strncmp(tag, "en", 2) == 0 && (tag[2] == '\0' || tag[2] == '_');
}

gchar **mpa_lang_process_variants(void)
{
	static const gchar *const vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };
	GPtrArray *tags = g_ptr_array_new();

	for (guint i = 0; i < G_N_ELEMENTS(vars); i++) {
		const gchar *value = g_getenv(vars[i]);
		g_auto(GStrv) entries = NULL;

		if (value == NULL || *value == '\0')
			continue;
		entries = g_strsplit(value, ":", -1);
		for (guint j = 0; entries[j] != NULL; j++)
			add_variants(tags, entries[j]);
		break;
	}
	return finish(tags);
}
