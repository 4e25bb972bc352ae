/* Provider Assistant — one way to reach a server: TCP with a deadline, TLS, verified certificate
 * (internal to the core; used by the connection check and the settings lookup).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libetpan makes the TLS connection (as in Claws Mail); the certificate chain it received is then
 * verified with OpenSSL (mpa-tls.c) before anything is sent over it.
 */
#ifndef MPA_NET_H
#define MPA_NET_H

#include <glib.h>
#include <libetpan/libetpan.h>
#include "mpa-check.h"

G_BEGIN_DECLS

/* Looks @host up and connects to @port, trying each address until @deadline_us (monotonic
 * time).  @wake_fd (or -1): once readable, a pending connect ends at once.  @within_s only words
 * the time-out message.  Returns a non-blocking socket with TCP_NODELAY, or -1 with *err
 * (MPA_NET_DNS, _TIMEOUT, _REFUSED, _CLOSED) and a translated *detail. */
int mpa_net_connect(const gchar *host, guint16 port, gint64 deadline_us, guint within_s,
		    int wake_fd, MpaNetError *err, gchar **detail);

/* For mailstream_ssl_open_with_callback_timeout() and the STARTTLS calls: @data is the host name
 * (a gchar*); sends it as SNI unless it is an IP address (RFC 6066). */
void mpa_net_sni_callback(struct mailstream_ssl_context *ssl_context, void *data);

/* First the TLS version: older than 1.2 is MPA_NET_TLS_OUTDATED with a *detail naming it; then
 * verifies the certificate chain @stream received for @host against @ca_file (NULL: the system
 * store).  MPA_NET_NONE when trusted, else MPA_NET_CERT_* with a translated *detail. */
MpaNetError mpa_net_verify_stream(mailstream *stream, const gchar *host, const gchar *ca_file,
				  gchar **detail);

G_END_DECLS

#endif
