/* Provider Assistant — finding the mail settings of a domain no provider file names.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the core: no GTK, no Claws Mail headers.
 *
 * Order: a provider file that names the domain wins, and then nothing goes over the network.
 * Otherwise three kinds of query start at once, all through the system's resolver configuration:
 *   1. MX records of the domain, matched (best preference first) against the <mpa:mx> patterns of
 *      the provider files: the verdict comes as soon as the MX answer matches, whatever the other
 *      queries are doing;
 *   2. the domain's own autoconfig document, over HTTPS with a verified certificate, from
 *      https://autoconfig.DOMAIN/mail/config-v1.1.xml?emailaddress=ADDRESS and
 *      https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml;
 *   3. RFC 6186 / RFC 8314 SRV records (_imaps, _imap, _submissions, _submission).
 * A later kind is used only when every earlier one has answered without a result, or when the
 * overall deadline (default 5 s) comes first.
 *
 * Threads: the DNS queries run in GIO's resolver threads, each HTTPS fetch in a thread of its
 * own; the callback comes in the thread-default main context of the caller of
 * mpa_lookup_run_async(), never in a worker, and never later than the deadline.  On cancel or at
 * the deadline unfinished work is abandoned (sockets shut down) and frees itself.
 */
#ifndef MPA_LOOKUP_H
#define MPA_LOOKUP_H

#include <gio/gio.h>
#include "mpa-provider.h"

G_BEGIN_DECLS

#define MPA_LOOKUP_DEFAULT_TIMEOUT_MS 5000
/* An autoconfig document larger than this is refused. */
#define MPA_LOOKUP_MAX_DOCUMENT (64 * 1024)

typedef enum {
	MPA_LOOKUP_NONE,          /* nothing found */
	MPA_LOOKUP_PROVIDER_FILE, /* a provider file names the domain (no network) */
	MPA_LOOKUP_MX,            /* an MX host matched a provider file's <mpa:mx> */
	MPA_LOOKUP_AUTOCONFIG,    /* the domain's own autoconfig document */
	MPA_LOOKUP_SRV            /* RFC 6186 / 8314 SRV records */
} MpaLookupSource;

typedef struct {
	MpaLookupSource source;
	/* The settings: a provider of the database (provider file, MX) or one owned by the result
	 * (autoconfig, SRV).  NULL when nothing was found. */
	const MpaProvider *provider;
	gchar *address; /* normalised address */
	gchar *domain;
	/* The evidence: the MX host, the URL, or the SRV names ("_imaps._tcp.example.cn"). */
	GPtrArray *found_via; /* of gchar* */
	/* SRV only: a host is outside the address's domain, so the settings are a suggestion that
	 * the user must confirm. */
	gboolean needs_confirmation;
	/* Nothing found because the name servers did not answer (in time). */
	gboolean dns_failed;
	/* The deadline came before every query had answered. */
	gboolean timed_out;
	/* What each query found or why it failed, one line each, for --verbose output and logs. */
	GPtrArray *log; /* of gchar* */
	gint64 elapsed_us;

	/*< private >*/
	MpaProvider *owned;
} MpaLookupResult;

typedef struct _MpaLookupRequest MpaLookupRequest;

/* @db must outlive the lookup (the result may point into it).  @address as typed. */
MpaLookupRequest *mpa_lookup_request_new(const MpaDb *db, const gchar *address);
void mpa_lookup_request_free(MpaLookupRequest *req);
/* The overall deadline (0: MPA_LOOKUP_DEFAULT_TIMEOUT_MS). */
void mpa_lookup_request_set_timeout(MpaLookupRequest *req, guint timeout_ms);
/* A PEM CA file trusted for the HTTPS fetch instead of the system store (NULL: the system's). */
void mpa_lookup_request_set_ca_file(MpaLookupRequest *req, const gchar *ca_file);
/* TRUE: provider files only, no network at all. */
void mpa_lookup_request_set_offline(MpaLookupRequest *req, gboolean offline);
/* $MPA_OFFLINE set (and not "0"): every lookup is offline, in the CLI and in the plugin. */
gboolean mpa_lookup_disabled(void);

/* Fails only with MPA_PROVIDER_ERROR_ADDRESS (not an address) or G_IO_ERROR_CANCELLED; "nothing
 * found" is a result with source MPA_LOOKUP_NONE. */
void mpa_lookup_run_async(const MpaLookupRequest *req, GCancellable *cancellable,
			  GAsyncReadyCallback callback, gpointer user_data);
MpaLookupResult *mpa_lookup_finish(GAsyncResult *result, GError **error);
/* Blocking convenience for the CLI and tests (runs its own main context). */
MpaLookupResult *mpa_lookup_run_sync(const MpaLookupRequest *req, GCancellable *cancellable,
				     GError **error);
void mpa_lookup_result_free(MpaLookupResult *result);
/* Waits (at most @max_ms) until no abandoned HTTPS fetch is inside TLS any more; call it before
 * the program exits (exit handlers of the TLS libraries would pull their state from under such a
 * thread).  TRUE when none is. */
gboolean mpa_lookup_wait_threads(guint max_ms);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MpaLookupResult, mpa_lookup_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MpaLookupRequest, mpa_lookup_request_free)

/* Where the settings came from, in words for people: "Mail for example.cn is hosted by Tencent
 * Exmail, found from the domain's MX record (mxbiz1.qq.com)."; for SRV outside the domain also
 * that the servers need the user's confirmation.  NULL for a provider file or nothing found. */
gchar *mpa_lookup_origin(const MpaLookupResult *res);

/* "provider-file", "mx", "autoconfig", "srv", "none" */
const gchar *mpa_lookup_source_name(MpaLookupSource source);

/* Parses an HTTP/1.x response (@len bytes): status 200 only, Content-Length or chunked or
 * until the end, body at most @max bytes.  Returns the body, or NULL with a translated *why.
 * (Exposed for the tests.) */
GBytes *mpa_lookup_parse_http(const guint8 *data, gsize len, gsize max, gchar **why);

G_END_DECLS

#endif
