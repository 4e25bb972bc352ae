/* Provider Assistant — keeps the plugin's own libetpan traffic out of Claws Mail's network log
 * (see pa-logfilter.c).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on Claws' main thread.  Non-static symbols carry the mpa_pa_ prefix because Claws opens
 * plugins into the global symbol namespace.
 */
#ifndef PA_LOGFILTER_H
#define PA_LOGFILTER_H

#include <glib.h>

G_BEGIN_DECLS

/* Keeps the plugin's own libetpan traffic out of Claws' network log. */
void mpa_pa_logfilter_install(void);
void mpa_pa_logfilter_remove(void);

G_END_DECLS

#endif
