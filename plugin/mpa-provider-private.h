/* Provider Assistant — internals shared by the provider loader, the database and address parsing.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not installed, not a contract: only plugin/mpa-provider.c, mpa-db.c and mpa-address.c use it.
 */
#ifndef MPA_PROVIDER_PRIVATE_H
#define MPA_PROVIDER_PRIVATE_H

#include "mpa-provider.h"

G_BEGIN_DECLS

/* Every MpaProvider the loader returns is really one of these, so the database can name the line
 * of a domain claimed twice without widening the public struct. */
typedef struct {
	MpaProvider pub;
	guint *domain_lines;    /* parallel to pub.domains */
	guint id_line;          /* line of <emailProvider> */
} MpaProviderPriv;

/* Check an ASCII host/domain name: labels of [a-z0-9-] (1-63 bytes, no leading or trailing
 * hyphen), at most 253 bytes, no empty label.  Upper case is accepted here (callers decide).
 * On failure returns FALSE and sets @why to a short translated reason (static string). */
gboolean mpa_hostname_check_labels(const gchar *name, const gchar **why);

void mpa_problem_add(GPtrArray *problems, const gchar *file, guint line, const gchar *format, ...)
	G_GNUC_PRINTF(4, 5);

G_END_DECLS

#endif
