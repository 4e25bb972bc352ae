/* Provider Assistant — sending guard, Claws Mail side (see pa-guard.c, doc/guard.md).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Include after Claws' own headers (claws-features.h first).
 */
#ifndef PA_GUARD_H
#define PA_GUARD_H

#include <glib.h>
#include <gtk/gtk.h>
#include "prefs_account.h"
#include "mpa-provider.h"

G_BEGIN_DECLS

/* Load the guard file from Claws' config directory and register the hooks.  Providers are looked
 * up in the shared database (pa-shared.h): call from plugin_init after it is loaded:
 *
 *	if (!mpa_pa_guard_init(&err)) { *error = g_strdup(err->message); ...; return -1; }
 *
 * A damaged guard file does not fail: it is reported in Claws' log, kept as "<file>.corrupt" and
 * counting starts afresh.  Fails only when the file cannot be read at all. */
gboolean mpa_pa_guard_init(GError **error);
/* Save pending counts and unregister the hooks; call from plugin_done before freeing the db.
 * Safe to call when init failed or never ran. */
void mpa_pa_guard_done(void);
/* A frame for the account's Provider Assistant page: today's count, the limit, the stage and the
 * per-account switch (applied and saved at once when toggled, like a log setting, since it is
 * the guard's state rather than an account preference).  @ac may be a new, unsaved account. */
GtkWidget *mpa_pa_guard_page_section(PrefsAccount *ac);

G_END_DECLS

#endif
