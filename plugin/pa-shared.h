/* Provider Assistant — the state every part of the Claws Mail glue shares.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The glue is layered one way: the entry points (pa-plugin.c) start the subsystems (account
 * dialog, page, hints, guard, log filter), and the subsystems take what they share from here,
 * never from the entry points.  This file includes no GTK and no Claws header.  Everything here
 * runs on Claws' main thread.  Non-static symbols carry the mpa_pa_ prefix because Claws opens
 * plugins into the global symbol namespace.
 */
#ifndef PA_SHARED_H
#define PA_SHARED_H

#include <glib.h>
#include <libintl.h>
#include "mpa-provider.h"

G_BEGIN_DECLS

#define MPA_PLUGIN_NAME "Provider Assistant"

/* A string of Claws Mail itself, in Claws' own translation (a macro that xgettext does not know,
 * so these strings stay out of our catalogue): the labels the glue looks for in Claws' dialogs and
 * the log lines it recognises. */
#define CLAWS(s) dgettext("claws-mail", s)

/* The provider database, owned from here on (the previous one is freed); NULL frees it. */
void mpa_pa_set_db(MpaDb *db);
/* The provider database (never NULL while the plugin is loaded). */
const MpaDb *mpa_pa_db(void);
/* The provider for an address as typed; NULL for an unknown domain or a non-address. */
const MpaProvider *mpa_pa_lookup(const gchar *address);
/* Keeps the module mapped for the rest of the process (call before starting a check thread). */
void mpa_pa_pin_module(void);
/* The CA file to trust instead of the system store ($MPA_CA_FILE, for tests), or NULL. */
const gchar *mpa_pa_ca_file(void);

G_END_DECLS

#endif
