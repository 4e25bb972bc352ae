/* Provider Assistant — the provider database: directories, replacement by id, domain index.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include "mpa-provider.h"
#include "mpa-provider-private.h"

struct _MpaDb {
	GHashTable *by_id;        /* id -> MpaProvider* (owned) */
	GHashTable *by_domain;    /* A-label domain (borrowed from the provider) -> MpaProvider* */
	GHashTable *by_mx_host;   /* mpa:mx host (borrowed) -> MpaProvider* */
	GHashTable *by_mx_suffix; /* mpa:mx suffix (borrowed) -> MpaProvider* */
	GPtrArray *sorted;        /* MpaProvider*, by id */
};

MpaDb *mpa_db_new(void)
{
	MpaDb *db = g_new0(MpaDb, 1);

	db->by_id = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					  (GDestroyNotify)mpa_provider_free);
	db->by_domain = g_hash_table_new(g_str_hash, g_str_equal);
	db->by_mx_host = g_hash_table_new(g_str_hash, g_str_equal);
	db->by_mx_suffix = g_hash_table_new(g_str_hash, g_str_equal);
	db->sorted = g_ptr_array_new();
	return db;
}

void mpa_db_free(MpaDb *db)
{
	if (db == NULL)
		return;
	g_ptr_array_unref(db->sorted);
	g_hash_table_unref(db->by_domain);
	g_hash_table_unref(db->by_mx_host);
	g_hash_table_unref(db->by_mx_suffix);
	g_hash_table_unref(db->by_id); /* frees the providers, after nothing points to them */
	g_free(db);
}

static gint provider_cmp(gconstpointer a, gconstpointer b)
{
	const MpaProvider *pa = *(const MpaProvider *const *)a;
	const MpaProvider *pb = *(const MpaProvider *const *)b;

	return strcmp(pa->id, pb->id);
}

static gboolean same_dir(const gchar *a, const gchar *b)
{
	g_autofree gchar *da = g_path_get_dirname(a);
	g_autofree gchar *db = g_path_get_dirname(b);
	g_autofree gchar *ca = g_canonicalize_filename(da, NULL);
	g_autofree gchar *cb = g_canonicalize_filename(db, NULL);

	return strcmp(ca, cb) == 0;
}

/* "zoho.eu" for ".../zoho.eu.xml" */
static gchar *file_id(const gchar *file)
{
	g_autofree gchar *base = g_path_get_basename(file);

	if (g_str_has_suffix(base, ".xml"))
		base[strlen(base) - 4] = '\0';
	return g_steal_pointer(&base);
}

gboolean mpa_db_load_file(MpaDb *db, const gchar *path, GPtrArray *problems)
{
	MpaProvider *p;
	MpaProviderPriv *priv;
	MpaProvider *old;
	gboolean conflict = FALSE;

	g_return_val_if_fail(db != NULL, FALSE);
	g_return_val_if_fail(path != NULL, FALSE);
	p = mpa_provider_load_file(path, problems);
	if (p == NULL)
		return FALSE;
	priv = (MpaProviderPriv *)p;
	old = g_hash_table_lookup(db->by_id, p->id);

	/* Replacing by id is for a user's directory over the installed one; two files of one
	 * directory with the same id would silently hide one of them.  ISPDB has such files (its five
	 * Zoho regions share the id "zoho.com"): each keeps loading under its file's name, and the
	 * file whose name is the id keeps the id. */
	if (old != NULL && strcmp(old->file, p->file) != 0 && same_dir(old->file, p->file)) {
		g_autofree gchar *new_name = file_id(p->file);
		g_autofree gchar *old_name = file_id(old->file);

		if (strcmp(new_name, p->id) != 0 && g_hash_table_lookup(db->by_id, new_name) == NULL) {
			mpa_problem_warn(problems, path, priv->id_line,
					 _("provider id '%s' is already used by %s — this file is loaded as '%s' (its name); give each provider its own id"),
					 p->id, old->file, new_name);
			g_free(p->id);
			p->id = g_steal_pointer(&new_name);
			old = NULL;
		} else if (strcmp(old_name, old->id) != 0 && g_hash_table_lookup(db->by_id, old_name) == NULL) {
			MpaProviderPriv *old_priv = (MpaProviderPriv *)old;

			mpa_problem_warn(problems, old->file, old_priv->id_line,
					 _("provider id '%s' is also used by %s, whose name it is — this file is loaded as '%s' (its name); give each provider its own id"),
					 old->id, p->file, old_name);
			g_hash_table_steal(db->by_id, old->id);
			g_free(old->id);
			old->id = g_steal_pointer(&old_name);
			g_hash_table_insert(db->by_id, old->id, old);
			old = NULL;
		} else {
			mpa_problem_add(problems, path, priv->id_line,
					_("provider id '%s' is already used by %s — give each provider its own id"),
					p->id, old->file);
			mpa_provider_free(p);
			return FALSE;
		}
	}
	for (guint i = 0; p->domains[i] != NULL; i++) {
		MpaProvider *owner = g_hash_table_lookup(db->by_domain, p->domains[i]);

		if (owner != NULL && owner != old) {
			mpa_problem_add(problems, path, priv->domain_lines[i],
					_("domain '%s' is already claimed by provider '%s' in %s — remove it from one of the two files"),
					p->domains[i], owner->id, owner->file);
			conflict = TRUE;
		}
	}
	/* An MX host says "this domain's mail is at that provider": one answer per pattern. */
	for (guint i = 0; p->mx_hosts[i] != NULL; i++) {
		MpaProvider *owner = g_hash_table_lookup(db->by_mx_host, p->mx_hosts[i]);

		if (owner != NULL && owner != old) {
			mpa_problem_add(problems, path, priv->mx_host_lines[i],
					_("MX host '%s' is already claimed by provider '%s' in %s — remove it from one of the two files"),
					p->mx_hosts[i], owner->id, owner->file);
			conflict = TRUE;
		}
	}
	for (guint i = 0; p->mx_suffixes[i] != NULL; i++) {
		MpaProvider *owner = g_hash_table_lookup(db->by_mx_suffix, p->mx_suffixes[i]);

		if (owner != NULL && owner != old) {
			mpa_problem_add(problems, path, priv->mx_suffix_lines[i],
					_("MX suffix '%s' is already claimed by provider '%s' in %s — remove it from one of the two files"),
					p->mx_suffixes[i], owner->id, owner->file);
			conflict = TRUE;
		}
	}
	if (conflict) {
		mpa_provider_free(p);
		return FALSE;
	}
	if (old != NULL) {
		for (guint i = 0; old->domains[i] != NULL; i++)
			g_hash_table_remove(db->by_domain, old->domains[i]);
		for (guint i = 0; old->mx_hosts[i] != NULL; i++)
			g_hash_table_remove(db->by_mx_host, old->mx_hosts[i]);
		for (guint i = 0; old->mx_suffixes[i] != NULL; i++)
			g_hash_table_remove(db->by_mx_suffix, old->mx_suffixes[i]);
		g_ptr_array_remove(db->sorted, old);
		g_hash_table_remove(db->by_id, old->id);
	}
	g_hash_table_insert(db->by_id, p->id, p);
	for (guint i = 0; p->domains[i] != NULL; i++)
		g_hash_table_insert(db->by_domain, p->domains[i], p);
	for (guint i = 0; p->mx_hosts[i] != NULL; i++)
		g_hash_table_insert(db->by_mx_host, p->mx_hosts[i], p);
	for (guint i = 0; p->mx_suffixes[i] != NULL; i++)
		g_hash_table_insert(db->by_mx_suffix, p->mx_suffixes[i], p);
	g_ptr_array_add(db->sorted, p);
	g_ptr_array_sort(db->sorted, provider_cmp);
	return TRUE;
}

static gint name_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const gchar *const *)a, *(const gchar *const *)b);
}

void mpa_db_load_dir(MpaDb *db, const gchar *dir, GPtrArray *problems)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) names = NULL;
	GDir *d;
	const gchar *name;

	g_return_if_fail(db != NULL);
	g_return_if_fail(dir != NULL);
	d = g_dir_open(dir, 0, &error);
	if (d == NULL) {
		if (!g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			mpa_problem_add(problems, dir, 0,
					_("cannot read the directory: %s — check that it is a readable directory"),
					error->message);
		return;
	}
	names = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(d)) != NULL) {
		/* hidden files are editors' lock and backup files */
		if (name[0] != '.' && g_str_has_suffix(name, ".xml"))
			g_ptr_array_add(names, g_strdup(name));
	}
	g_dir_close(d);
	/* a fixed order, so which of two conflicting files wins does not depend on the file system */
	g_ptr_array_sort(names, name_cmp);
	for (guint i = 0; i < names->len; i++) {
		g_autofree gchar *path = g_build_filename(dir, g_ptr_array_index(names, i), NULL);

		mpa_db_load_file(db, path, problems);
	}
}

gchar **mpa_db_default_dirs(void)
{
	const gchar *env = g_getenv("MPA_PROVIDERS_PATH");
	GPtrArray *dirs = g_ptr_array_new();

	if (env != NULL && *env != '\0') {
		g_auto(GStrv) parts = g_strsplit(env, G_SEARCHPATH_SEPARATOR_S, -1);

		for (guint i = 0; parts[i] != NULL; i++)
			if (*parts[i] != '\0')
				g_ptr_array_add(dirs, g_strdup(parts[i]));
	} else {
		g_ptr_array_add(dirs, g_strdup(MPA_PROVIDERS_DIR));
		g_ptr_array_add(dirs, g_build_filename(g_get_user_config_dir(), "claws-mail-provider-assistant", "providers", NULL));
	}
	g_ptr_array_add(dirs, NULL);
	return (gchar **)g_ptr_array_free(dirs, FALSE);
}

MpaDb *mpa_db_load_default(const gchar *const *dirs, GPtrArray *problems)
{
	MpaDb *db = mpa_db_new();
	g_auto(GStrv) defaults = NULL;

	if (dirs == NULL) {
		defaults = mpa_db_default_dirs();
		dirs = (const gchar *const *)defaults;
	}
	for (guint i = 0; dirs[i] != NULL; i++)
		mpa_db_load_dir(db, dirs[i], problems);
	return db;
}

guint mpa_db_size(const MpaDb *db)
{
	g_return_val_if_fail(db != NULL, 0);
	return db->sorted->len;
}

GPtrArray *mpa_db_providers(const MpaDb *db)
{
	g_return_val_if_fail(db != NULL, NULL);
	return db->sorted;
}

const MpaProvider *mpa_db_get(const MpaDb *db, const gchar *id)
{
	g_return_val_if_fail(db != NULL, NULL);
	if (id == NULL)
		return NULL;
	return g_hash_table_lookup(db->by_id, id);
}

const MpaProvider *mpa_db_lookup_domain(const MpaDb *db, const gchar *domain)
{
	g_return_val_if_fail(db != NULL, NULL);
	if (domain == NULL)
		return NULL;
	return g_hash_table_lookup(db->by_domain, domain);
}

const MpaProvider *mpa_db_lookup_mx(const MpaDb *db, const gchar *mx_host)
{
	gchar name[256];
	gsize len;
	const MpaProvider *p;

	g_return_val_if_fail(db != NULL, NULL);
	if (mx_host == NULL)
		return NULL;
	len = strlen(mx_host);
	if (len > 0 && mx_host[len - 1] == '.')
		len--; /* DNS answers name the root: "mxbiz1.qq.com." */
	if (len == 0 || len >= sizeof name)
		return NULL; /* longer than any host name (253): no pattern can match */
	for (gsize i = 0; i < len; i++)
		name[i] = g_ascii_tolower(mx_host[i]);
	name[len] = '\0';
	p = g_hash_table_lookup(db->by_mx_host, name);
	if (p != NULL)
		return p;
	/* the name itself, then each parent domain: the longest suffix wins */
	for (const gchar *s = name; s != NULL; s = strchr(s, '.')) {
		if (*s == '.')
			s++;
		p = g_hash_table_lookup(db->by_mx_suffix, s);
		if (p != NULL)
			return p;
	}
	return NULL;
}

const MpaProvider *mpa_db_lookup_address(const MpaDb *db, const gchar *text, gchar **normalized,
					 GError **error)
{
	gchar buf[MPA_ADDRESS_BUF];
	g_autofree gchar *idn = NULL;
	const gchar *local, *domain;
	const MpaProvider *p;

	g_return_val_if_fail(db != NULL, NULL);
	if (normalized != NULL)
		*normalized = NULL;
	/* runs on every keystroke of an address field: no allocation unless asked for */
	if (!mpa_address_split(text, buf, &local, &domain, &idn, error))
		return NULL;
	p = g_hash_table_lookup(db->by_domain, domain);
	if (normalized != NULL)
		*normalized = g_strconcat(local, "@", domain, NULL);
	if (p == NULL && error != NULL) {
		g_autofree gchar *shown = g_hostname_to_unicode(domain);

		g_set_error(error, MPA_PROVIDER_ERROR, MPA_PROVIDER_ERROR_UNKNOWN,
			    _("no provider is known for the domain %s — enter the server settings by hand"),
			    shown != NULL ? shown : domain);
	}
	return p;
}
