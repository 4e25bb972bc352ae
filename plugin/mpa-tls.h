/* Provider Assistant — certificate verification with OpenSSL (internal to the core).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libetpan as Debian builds it (GnuTLS) accepts any certificate, so the check verifies the chain the
 * server presented itself, before any credential is sent.
 */
#ifndef MPA_TLS_H
#define MPA_TLS_H

#include <glib.h>
#include "mpa-check.h"

G_BEGIN_DECLS

/* @chain: GBytes of DER certificates, [0] = the server's own.  @ca_file: PEM file trusted instead
 * of the system store (NULL: system store).  Returns MPA_NET_NONE when the chain is trusted and
 * valid for @host (a name or an IP address), else MPA_NET_CERT_* with a translated *detail. */
MpaNetError mpa_tls_verify_chain(GPtrArray *chain, const gchar *host, const gchar *ca_file,
				 gchar **detail);

/* Whether @ca_file can serve as --ca-file: a readable regular file with at least one PEM
 * certificate.  FALSE with a translated message otherwise (checked before connecting, so a
 * broken file is not blamed on the server's certificate). */
gboolean mpa_tls_check_ca_file(const gchar *ca_file, GError **error);

G_END_DECLS

#endif
