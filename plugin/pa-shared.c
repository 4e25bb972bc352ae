/* Provider Assistant — the state every part of the Claws Mail glue shares (see pa-shared.h).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr(), RTLD_NODELETE */
#endif
#include "config.h"

#include <dlfcn.h>

#include "pa-shared.h"

static MpaDb *db;

void mpa_pa_set_db(MpaDb *new_db)
{
	if (db != new_db)
		g_clear_pointer(&db, mpa_db_free);
	db = new_db;
}

const MpaDb *mpa_pa_db(void)
{
	return db;
}

const MpaProvider *mpa_pa_lookup(const gchar *address)
{
	if (!db || !address || !*address)
		return NULL;
	return mpa_db_lookup_address(db, address, NULL, NULL);
}

const gchar *mpa_pa_ca_file(void)
{
	const gchar *ca = g_getenv("MPA_CA_FILE");

	return (ca && *ca) ? ca : NULL;
}

void mpa_pa_pin_module(void)
{
	static gboolean pinned; /* survives an unload: the mapping does */
	Dl_info info;

	/* The worker threads of a check outlive it: a cancelled or timed-out check returns at once,
	 * and its threads end only when the call they are blocked in returns (getaddrinfo() cannot
	 * be interrupted at all).  If Claws unmapped the module after plugin_done(), they would
	 * return into unmapped code.  So from the first check on, the module stays in memory
	 * (RTLD_NODELETE: Claws' g_module_close() no longer unmaps it) and a later load reuses it. */
	if (pinned)
		return;
	if (dladdr((void *)mpa_pa_pin_module, &info) && info.dli_fname &&
	    dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE))
		pinned = TRUE;
	else
		g_warning("%s: cannot keep the module in memory: %s", MPA_PLUGIN_NAME, dlerror());
}
