/* Provider Assistant — a digest of secrets that leaves no copy of them behind.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the core: no GTK, no Claws Mail headers.
 *
 * GChecksum keeps the last partial block of its input in its context and frees the context
 * without wiping it: a SHA-256 of a password made with GChecksum leaves the password in freed
 * memory (found in Claws' core dump by tests/test-gui-stress.sh).  OpenSSL's EVP contexts are
 * cleansed when freed, so secrets are digested here.
 */
#ifndef MPA_DIGEST_H
#define MPA_DIGEST_H

#include <glib.h>

G_BEGIN_DECLS

/* The SHA-256 of @n strings (NULL counts as ""), each with its terminating NUL so that ("ab", "")
 * and ("a", "b") differ, as lower-case hex.  Never NULL. */
gchar *mpa_digest_secrets(const gchar *const *parts, gsize n);

G_END_DECLS

#endif
