/* Provider Assistant — translations for an explicit language, read from the catalogue (see mpa-mo.h).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * gettext itself cannot be asked for a given language without changing process-wide state
 * (setlocale, LANGUAGE), which is neither thread-safe nor reliable when LANGUAGE is set; so the
 * .mo file of the language (under the directory bound with bindtextdomain(), or the default one)
 * is mapped and searched directly.  Catalogues are opened once and kept for the life of the
 * process: the strings are handed out.
 */
#include "config.h"

#include <string.h>
#include <libintl.h>
#include "mpa-lang.h"
#include "mpa-mo.h"

typedef struct {
	GMappedFile *map;
	const guint8 *data;
	gsize len;
	gboolean swap;
	guint32 n, orig, trans;
} MoFile;

static GHashTable *mo_cache; /* language -> MoFile* (NULL value: no catalogue) */
G_LOCK_DEFINE_STATIC(mo_cache);

static gboolean mo_u32(const MoFile *mo, gsize off, guint32 *out)
{
	guint32 v;

	if (off + 4 > mo->len)
		return FALSE;
	memcpy(&v, mo->data + off, 4);
	*out = mo->swap ? GUINT32_SWAP_LE_BE(v) : v;
	return TRUE;
}

static MoFile *mo_open(const gchar *lang)
{
	const gchar *dir = bindtextdomain(GETTEXT_PACKAGE, NULL);
	g_autofree gchar *path = NULL;
	GMappedFile *map;
	MoFile *mo;
	guint32 magic;

	if (dir == NULL)
		return NULL;
	path = g_build_filename(dir, lang, "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
	map = g_mapped_file_new(path, FALSE, NULL);
	if (map == NULL)
		return NULL;
	mo = g_new0(MoFile, 1);
	mo->map = map;
	mo->data = (const guint8 *)g_mapped_file_get_contents(map);
	mo->len = g_mapped_file_get_length(map);
	if (mo->len < 20)
		goto bad;
	memcpy(&magic, mo->data, 4);
	if (magic == 0x950412de)
		mo->swap = FALSE;
	else if (GUINT32_SWAP_LE_BE(magic) == 0x950412de)
		mo->swap = TRUE;
	else
		goto bad;
	if (!mo_u32(mo, 8, &mo->n) || !mo_u32(mo, 12, &mo->orig) || !mo_u32(mo, 16, &mo->trans))
		goto bad;
	if ((guint64)mo->orig + (guint64)mo->n * 8 > mo->len ||
	    (guint64)mo->trans + (guint64)mo->n * 8 > mo->len)
		goto bad;
	return mo;
bad:
	g_mapped_file_unref(map);
	g_free(mo);
	return NULL;
}

/* A NUL-terminated string of the catalogue, or NULL if the table entry is damaged. */
static const gchar *mo_string(const MoFile *mo, guint32 table, guint32 i)
{
	guint32 len, off;

	if (!mo_u32(mo, (gsize)table + (gsize)i * 8, &len) ||
	    !mo_u32(mo, (gsize)table + (gsize)i * 8 + 4, &off))
		return NULL;
	if ((guint64)off + len >= mo->len || mo->data[off + len] != '\0')
		return NULL;
	return (const gchar *)mo->data + off;
}

static const gchar *mo_lookup(const MoFile *mo, const gchar *msgid)
{
	guint32 lo = 0, hi = mo->n;

	/* msgfmt writes the original strings sorted, so a binary search finds them */
	while (lo < hi) {
		guint32 mid = lo + (hi - lo) / 2;
		const gchar *s = mo_string(mo, mo->orig, mid);
		gint c;

		if (s == NULL)
			return NULL;
		c = strcmp(msgid, s);
		if (c == 0) {
			const gchar *t = mo_string(mo, mo->trans, mid);

			return (t != NULL && *t != '\0') ? t : NULL;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The catalogue of the first of @tags that has one, NULL when none has. */
static const MoFile *mo_for_tags(gchar **tags)
{
	const MoFile *found = NULL;

	G_LOCK(mo_cache);
	if (mo_cache == NULL)
		mo_cache = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; tags[i] != NULL && found == NULL; i++) {
		gpointer value;

		if (!g_hash_table_lookup_extended(mo_cache, tags[i], NULL, &value)) {
			value = mo_open(tags[i]);
			/* kept for the life of the process: the strings are handed out */
			g_hash_table_insert(mo_cache, g_strdup(tags[i]), value);
		}
		found = value;
	}
	G_UNLOCK(mo_cache);
	return found;
}

const gchar *mpa_mo_translate(const gchar *lang, const gchar *msgid)
{
	g_auto(GStrv) tags = NULL;
	const MoFile *mo;
	const gchar *t;

	if (lang == NULL)
		return _(msgid);
	tags = mpa_lang_variants(lang);
	if (mpa_lang_is_source(tags[0]))
		return msgid;
	mo = mo_for_tags(tags);
	if (mo == NULL)
		return msgid;
	t = mo_lookup(mo, msgid);
	return t != NULL ? t : msgid;
}
