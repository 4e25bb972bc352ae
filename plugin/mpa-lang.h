/* Provider Assistant — which language a locale name means: the one rule for provider texts,
 * the diagnosis catalogue and the command-line tool.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the core: no GTK, no Claws Mail headers.
 *
 * A locale name ("zh_CN.UTF-8", "zh_CN.GB18030", "zh_CN@variant") becomes language tags of the
 * form "ll" or "ll_CC", tried best first: the variants g_get_locale_variants() gives (as gettext
 * tries them) without the codeset and the modifier.  So zh_CN.UTF-8 tries zh_CN, then zh;
 * en_US tries en_US, then en.  Two additions: a bare "zh" also tries "zh_CN" (this project's
 * Chinese is Simplified Chinese), and "C", "POSIX", "C.UTF-8", an empty or NULL name and anything
 * that is no locale name mean English, "en".
 *
 * Chinese read in Simplified characters outside zh_CN also tries zh_CN, before "zh":
 * zh_SG.UTF-8 tries zh_SG, zh_CN, zh; zh_MY likewise; a script name (zh_Hans, zh_Hans_CN,
 * zh_Hans_SG, which g_get_locale_variants() passes through whole) tries zh_CN, then zh.
 *
 * zh_TW, zh_HK and zh_MO (and zh_Hant*) read Traditional Chinese: they try their own tag, then zh,
 * which no provider file and no catalogue has, so they get English, as gettext gives the Claws
 * Mail interface around them (it has no fallback from zh_TW to zh_CN either).  Simplified Chinese
 * is not offered as Traditional Chinese.
 */
#ifndef MPA_LANG_H
#define MPA_LANG_H

#include <glib.h>

G_BEGIN_DECLS

/* "zh-CN", "zh_cn" -> "zh_CN", "EN" -> "en"; NULL when @tag is not a language tag ("ll" or "lll",
 * optionally "_" or "-" and 2 to 8 letters or digits).  Free with g_free(). */
gchar *mpa_lang_normalize(const gchar *tag);

/* The language tags to try for @locale, best first (see above); never empty.  Also takes a tag
 * ("zh-CN").  Free with g_strfreev(). */
gchar **mpa_lang_variants(const gchar *locale);

/* The first of them: the language of @locale ("zh_CN.GB18030" -> "zh_CN", "C" -> "en"). */
gchar *mpa_lang_tag(const gchar *locale);

/* TRUE for the C locale: NULL, "", "C", "POSIX", "C.UTF-8"... (gettext leaves messages untranslated
 * in it). */
gboolean mpa_lang_is_c_locale(const gchar *locale);

/* TRUE when @tag is English, the language the program's strings are written in ("en", "en_US"). */
gboolean mpa_lang_is_source(const gchar *tag);

/* The tags to try for the process's messages: each entry of $LANGUAGE, else $LC_ALL, else
 * $LC_MESSAGES, else $LANG (where g_get_language_names() looks), each expanded as above. */
gchar **mpa_lang_process_variants(void);

G_END_DECLS

#endif
