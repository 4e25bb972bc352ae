/* Provider Assistant — the "Provider Assistant" page of the account dialog (see pa-page.c).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on Claws' main thread.  Non-static symbols carry the mpa_pa_ prefix because Claws opens
 * plugins into the global symbol namespace.
 */
#ifndef PA_PAGE_H
#define PA_PAGE_H

#include <glib.h>

G_BEGIN_DECLS

/* The "Provider Assistant" page of the account dialog. */
void mpa_pa_page_init(void);
void mpa_pa_page_done(void);
/* TRUE while a connection check started from the page is still running. */
gboolean mpa_pa_page_busy(void);
/* Open the preferences of account @account_id on the plugin's page (from a hint window). */
void mpa_pa_page_open_account(gint account_id);

G_END_DECLS

#endif
