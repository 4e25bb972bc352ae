/* Provider Assistant — translations for an explicit language (the diagnosis answers in the language
 * asked for, not only in the process locale).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the core: no GTK, no Claws Mail headers.
 */
#ifndef MPA_MO_H
#define MPA_MO_H

#include <glib.h>

G_BEGIN_DECLS

/* @msgid translated into @lang ("zh_CN", "zh-CN.UTF-8", "zh"...: the rule of mpa-lang.h) from
 * this package's catalogue; @lang NULL uses gettext (the process locale); "en", "C" and "POSIX"
 * give @msgid itself, as does a language without a catalogue or a msgid without a translation.  Never NULL for a non-NULL msgid;
 * the string lives as long as the process. */
const gchar *mpa_mo_translate(const gchar *lang, const gchar *msgid);

G_END_DECLS

#endif
