/* Provider Assistant — which accounts have logged in before (see mpa-logins.h).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include "mpa-logins.h"

static GKeyFile *load(const gchar *path)
{
	GKeyFile *kf = g_key_file_new();

	/* missing or damaged: an empty record (see the header) */
	if (path != NULL && !g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL)) {
		g_key_file_free(kf);
		kf = g_key_file_new();
	}
	return kf;
}

static gboolean save(GKeyFile *kf, const gchar *path, GError **error)
{
	g_autofree gchar *data = g_key_file_to_data(kf, NULL, NULL);
	g_autofree gchar *dir = g_path_get_dirname(path);

	if (g_mkdir_with_parents(dir, 0700) != 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", dir,
			    g_strerror(errno));
		return FALSE;
	}
	return g_file_set_contents_full(path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean mpa_logins_record(const gchar *path, const gchar *account, MpaProtocol protocol,
			   gint64 when,
			   GError **error)
{
	g_autoptr(GKeyFile) kf = NULL;

	g_return_val_if_fail(path != NULL && account != NULL && *account != '\0', FALSE);
	kf = load(path);
	g_key_file_set_int64(kf, account, protocol == MPA_PROTOCOL_IMAP ? "imap" : "smtp", when);
	return save(kf, path, error);
}

gboolean mpa_logins_worked_before(const gchar *path, const gchar *account, MpaProtocol protocol)
{
	g_autoptr(GKeyFile) kf = NULL;

	if (path == NULL || account == NULL)
		return FALSE;
	kf = load(path);
	return g_key_file_get_int64(kf, account, protocol == MPA_PROTOCOL_IMAP ? "imap" : "smtp", NULL) > 0;
}

gboolean mpa_logins_forget(const gchar *path, const gchar *account, GError **error)
{
	g_autoptr(GKeyFile) kf = NULL;

	g_return_val_if_fail(path != NULL && account != NULL, FALSE);
	kf = load(path);
	if (!g_key_file_has_group(kf, account))
		return TRUE;
	g_key_file_remove_group(kf, account, NULL);
	return save(kf, path, error);
}

gboolean mpa_logins_keep_only(const gchar *path, const gchar *const *accounts, GError **error)
{
	g_autoptr(GKeyFile) kf = NULL;
	g_auto(GStrv) groups = NULL;
	gboolean changed = FALSE;

	g_return_val_if_fail(path != NULL && accounts != NULL, FALSE);
	kf = load(path);
	groups = g_key_file_get_groups(kf, NULL);
	for (guint i = 0; groups[i] != NULL; i++) {
		if (g_strv_contains(accounts, groups[i]))
			continue;
		g_key_file_remove_group(kf, groups[i], NULL);
		changed = TRUE;
	}
	return changed ? save(kf, path, error) : TRUE;
}
