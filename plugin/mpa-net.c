/* Provider Assistant — TCP with a deadline, TLS through libetpan, certificates through OpenSSL.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <gnutls/gnutls.h>

#include "mpa-net.h"
#include "mpa-tls.h"

void mpa_net_sni_callback(struct mailstream_ssl_context *ssl_context, void *data)
{
	const gchar *host = data;

	/* RFC 6066: no SNI for an IP address. */
	if (!g_hostname_is_ip_address(host))
		mailstream_ssl_set_server_name(ssl_context, (char *)host);
}

/* Why a name look-up failed, in words that tell "this name does not exist" (a typing mistake)
 * from "nobody could be asked" (offline, or a broken name server). */
static gchar *lookup_failure(const gchar *host, int r)
{
	switch (r) {
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
		return g_strdup_printf(_("host name %s not found: the name service says it does not exist"),
				       host);
	case EAI_AGAIN:
	case EAI_FAIL:
		return g_strdup_printf(_("host name %s could not be looked up: no name server answered (%s)"),
				       host, gai_strerror(r));
	case EAI_SYSTEM:
		return g_strdup_printf("%s: %s", host, g_strerror(errno));
	default:
		return g_strdup_printf(_("host name %s not found (%s)"), host, gai_strerror(r));
	}
}

/* Our own TCP connect (instead of libetpan's) to tell DNS failures from refusals and to let an
 * abandon end the wait at once. */
int mpa_net_connect(const gchar *host, guint16 port, gint64 deadline_us, guint within_s,
		    int wake_fd,
		    MpaNetError *err_out, gchar **detail)
{
	struct addrinfo hints = { 0 }, *res = NULL, *ai;
	char port_str[8];
	int r, fd = -1, last_errno = 0;
	gboolean timed_out = FALSE;

	*detail = NULL;
	*err_out = MPA_NET_NONE;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	g_snprintf(port_str, sizeof port_str, "%u", port);
	r = getaddrinfo(host, port_str, &hints, &res);
	if (r != 0) {
		*err_out = MPA_NET_DNS;
		*detail = lookup_failure(host, r);
		return -1;
	}

	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0) {
			last_errno = errno;
			continue;
		}
		r = connect(fd, ai->ai_addr, ai->ai_addrlen);
		if (r < 0 && errno == EINPROGRESS) {
			struct pollfd pfd[2] = { { fd, POLLOUT, 0 }, { wake_fd, POLLIN, 0 } };
			gint64 left = (deadline_us - g_get_monotonic_time()) / 1000;
			int err = 0;
			socklen_t len = sizeof err;

			r = left > 0 ? poll(pfd, wake_fd >= 0 ? 2 : 1, (int)left) : 0;
			if (r == 0) {
				timed_out = TRUE;
				last_errno = ETIMEDOUT;
			} else if (r > 0 && wake_fd >= 0 && (pfd[1].revents & POLLIN)) {
				last_errno = ECANCELED;
			} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
				break;
			} else {
				last_errno = err ? err : errno;
			}
		} else if (r == 0) {
			break;
		} else {
			last_errno = errno;
		}
		close(fd);
		fd = -1;
		if (timed_out || last_errno == ECANCELED)
			break;
	}
	freeaddrinfo(res);
	if (fd >= 0) {
		int one = 1;

		/* Every command is one write followed by a wait for the answer, but TLS handshakes
		 * write twice in a row (ChangeCipherSpec, then Finished): with Nagle's algorithm the
		 * second waits for the server's (possibly delayed) ACK of the first. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		return fd;
	}

	if (timed_out) {
		*err_out = MPA_NET_TIMEOUT;
		*detail = g_strdup_printf(_("no connection to %s port %u within %u seconds"),
					  host, port, within_s);
	} else if (last_errno == ECONNREFUSED || last_errno == EHOSTUNREACH || last_errno == ENETUNREACH) {
		*err_out = MPA_NET_REFUSED;
		*detail = g_strdup_printf(_("connection to %s port %u failed: %s"),
					  host, port, g_strerror(last_errno));
	} else {
		*err_out = MPA_NET_CLOSED;
		*detail = g_strdup_printf(_("connection to %s port %u failed: %s"),
					  host, port, g_strerror(last_errno));
	}
	return -1;
}

/* The start of libetpan's private per-connection TLS data when it is built with GnuTLS (as Debian
 * builds it, libetpan 1.9): the socket, then the session.  libetpan has no accessor for the
 * session, and offers every version GnuTLS's "NORMAL" priority allows (TLS 1.0 included),
 * setting it after our callback ran, so the version can only be read after the handshake. */
typedef struct {
	int fd;
	gnutls_session_t session;
} EtpanGnutlsData;

/* Exported by libetpan, declared in its headers only when its own build's USE_SSL is defined. */
extern mailstream_low_driver *mailstream_ssl_driver;

/* The negotiated TLS version of @stream, or GNUTLS_VERSION_UNKNOWN when the stream is not
 * libetpan's GnuTLS stream as we know it (then nothing is claimed either way). */
static gnutls_protocol_t stream_tls_version(mailstream *stream)
{
	EtpanGnutlsData *d;
	int fd;

	if (stream == NULL || stream->low == NULL || stream->low->driver != mailstream_ssl_driver ||
	    stream->low->data == NULL)
		return GNUTLS_VERSION_UNKNOWN;
	d = stream->low->data;
	fd = mailstream_low_get_fd(stream->low);
	/* both the socket and GnuTLS's own record of it must agree before the session is used */
	if (fd < 0 || d->fd != fd || d->session == NULL ||
	    gnutls_transport_get_int(d->session) != fd)
		return GNUTLS_VERSION_UNKNOWN;
	return gnutls_protocol_get_version(d->session);
}

/* MPA_NET_NONE unless @stream negotiated a TLS version older than 1.2: then MPA_NET_TLS_OUTDATED
 * with a translated *detail naming the version. */
static MpaNetError check_tls_version(mailstream *stream, gchar **detail)
{
	gnutls_protocol_t v = stream_tls_version(stream);
	const gchar *name;

	*detail = NULL;
	switch (v) {
	case GNUTLS_SSL3: name = "SSL 3.0"; break;
	case GNUTLS_TLS1_0: name = "TLS 1.0"; break;
	case GNUTLS_TLS1_1: name = "TLS 1.1"; break;
	default: return MPA_NET_NONE;
	}
	*detail = g_strdup_printf(_("the server offers only outdated %s (at least TLS 1.2 is required, as browsers and Thunderbird require): the provider must upgrade, or this is not the provider's server; nothing was sent"),
				  name);
	return MPA_NET_TLS_OUTDATED;
}

MpaNetError mpa_net_verify_stream(mailstream *stream, const gchar *host, const gchar *ca_file,
				  gchar **detail)
{
	carray *chain;
	g_autoptr(GPtrArray) ders = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	MpaNetError version = check_tls_version(stream, detail);

	if (version != MPA_NET_NONE)
		return version;
	chain = mailstream_get_certificate_chain(stream);

	if (chain != NULL) {
		for (guint i = 0; i < carray_count(chain); i++) {
			MMAPString *s = carray_get(chain, i);

			g_ptr_array_add(ders, g_bytes_new(s->str, s->len));
		}
		mailstream_certificate_chain_free(chain);
	}
	return mpa_tls_verify_chain(ders, host, ca_file, detail);
}
