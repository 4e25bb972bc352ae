/* Provider Assistant — _() for every file, included at the end of config.h.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * _() is plain dgettext(), not GLib's g_dgettext(): g_dgettext() translates nothing when the
 * program's own default text domain has no catalogue for the locale.  Claws Mail 4.1.1 ships no
 * zh_CN catalogue, so inside Claws every string of the plugin (and of the core it uses) stayed
 * English for zh_CN users.  gi18n-lib.h is included here once; its include guard keeps later
 * includes from defining _() again.
 */
#ifndef MPA_I18N_H
#define MPA_I18N_H

#include <libintl.h>
#include <glib/gi18n-lib.h>

#undef _
#define _(String) ((char *)dgettext(GETTEXT_PACKAGE, String))

#endif
