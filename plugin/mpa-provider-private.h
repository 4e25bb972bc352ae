/* Provider Assistant — internals shared by the provider loader, the database and address parsing.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not installed, not a contract: only plugin/mpa-provider.c, mpa-xml.c, mpa-db.c, mpa-address.c,
 * mpa-lookup.c (host name checks) and the fuzz targets (tests/fuzz/) use it.
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
	guint *mx_host_lines;   /* parallel to pub.mx_hosts */
	guint *mx_suffix_lines; /* parallel to pub.mx_suffixes */
	gint auth_imap;         /* <mpa:auth imap=...> as MpaAuthMethod; -1: not given */
	gint auth_smtp;         /* <mpa:auth smtp=...>; -1: not given */
	guint auth_line;        /* line of <mpa:auth> */
} MpaProviderPriv;

/* Check an ASCII host/domain name: labels of [a-z0-9-] (1-63 bytes, no leading or trailing
 * hyphen), at most 253 bytes, no empty label.  Upper case is accepted here (callers decide).
 * On failure returns FALSE and sets @why to a short translated reason (static string). */
gboolean mpa_hostname_check_labels(const gchar *name, const gchar **why);

/* Longer than any address (254) plus a generous display name: longer input is refused at once. */
#define MPA_ADDRESS_BUF 1024

/* mpa_address_parse without allocations for the common case: the parts are written into @buf
 * (MPA_ADDRESS_BUF bytes); *@local_part and *@domain point into it, or *@domain into *@idn, a
 * string allocated for an international domain (free it; NULL otherwise). */
gboolean mpa_address_split(const gchar *text, gchar *buf, const gchar **local_part,
			   const gchar **domain, gchar **idn, GError **error);

void mpa_problem_add(GPtrArray *problems, const gchar *file, guint line, const gchar *format, ...)
	G_GNUC_PRINTF(4, 5);
/* The same as a warning: reported, the file still loads. */
void mpa_problem_warn(GPtrArray *problems, const gchar *file, guint line, const gchar *format, ...)
	G_GNUC_PRINTF(4, 5);

G_END_DECLS

#endif
