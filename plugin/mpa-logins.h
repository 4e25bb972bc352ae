/* Provider Assistant — which accounts have logged in before (for "the password that worked has
 * stopped working").
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the core: no GTK, no Claws Mail headers.  A small key file next to the sending guard's:
 * per account and protocol, the time of the last successful login — no password, no hash of one,
 * no server reply.  Written atomically (g_file_set_contents), mode 0600.  A missing or damaged file
 * reads as "no account has logged in yet": this record only chooses a headline, it never blocks.
 */
#ifndef MPA_LOGINS_H
#define MPA_LOGINS_H

#include <glib.h>
#include "mpa-provider.h"

G_BEGIN_DECLS

#define MPA_LOGINS_FILE_NAME "provider_assistant_logins"

/* Record a successful login of @account (any stable id: Claws' account id) for @protocol at
 * @when (seconds since the epoch).  FALSE (with @error) when the file cannot be written. */
gboolean mpa_logins_record(const gchar *path, const gchar *account, MpaProtocol protocol, gint64 when,
			   GError **error);
/* TRUE when @account logged in with @protocol before (any recorded success). */
gboolean mpa_logins_worked_before(const gchar *path, const gchar *account, MpaProtocol protocol);
/* Forget an account (removed, or its password changed in the mail program). */
gboolean mpa_logins_forget(const gchar *path, const gchar *account, GError **error);
/* Forget every account that is not in @accounts (NULL-terminated; the mail program's accounts
 * now: the others were removed).  The file is left alone when nothing is to be forgotten. */
gboolean mpa_logins_keep_only(const gchar *path, const gchar *const *accounts, GError **error);

G_END_DECLS

#endif
