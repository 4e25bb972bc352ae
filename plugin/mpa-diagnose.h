/* Provider Assistant — diagnosis: a failed stage and the server's words become causes and fixes.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the core: no GTK, no Claws Mail headers.
 * Order of rules: the provider's rules (file order), then the generic rules (IMAP response code,
 * SMTP enhanced code, SMTP code, network/TLS outcome, wording).  The first match wins.
 */
#ifndef MPA_DIAGNOSE_H
#define MPA_DIAGNOSE_H

#include <glib.h>
#include "mpa-provider.h"
#include "mpa-check.h"
#include "mpa-reply.h"

G_BEGIN_DECLS

/* Cause ids (the fixed vocabulary). */
#define MPA_CAUSE_APP_PASSWORD_REQUIRED "app-password-required"
#define MPA_CAUSE_SERVICE_DISABLED "service-disabled"
#define MPA_CAUSE_IP_NOT_ALLOWED "ip-not-allowed"
#define MPA_CAUSE_CLIENT_ID_REQUIRED "client-id-required"
#define MPA_CAUSE_RATE_LIMITED "rate-limited"
#define MPA_CAUSE_MESSAGE_REJECTED_SPAM "message-rejected-spam"
#define MPA_CAUSE_SENDER_NOT_ALLOWED "sender-not-allowed"
#define MPA_CAUSE_OAUTH_REQUIRED "oauth-required"
#define MPA_CAUSE_ACCOUNT_LOCKED "account-locked"
#define MPA_CAUSE_TEMPORARY_FAILURE "temporary-failure"
#define MPA_CAUSE_WRONG_CREDENTIALS "wrong-credentials"
#define MPA_CAUSE_DNS_FAILURE "dns-failure"
#define MPA_CAUSE_CONNECTION_REFUSED "connection-refused"
#define MPA_CAUSE_TIMEOUT "timeout"
#define MPA_CAUSE_CONNECTION_CLOSED "connection-closed"
#define MPA_CAUSE_TLS_HANDSHAKE_FAILED "tls-handshake-failed"
#define MPA_CAUSE_CERTIFICATE_UNTRUSTED "certificate-untrusted"
#define MPA_CAUSE_CERTIFICATE_EXPIRED "certificate-expired"
#define MPA_CAUSE_CERTIFICATE_HOSTNAME_MISMATCH "certificate-hostname-mismatch"
#define MPA_CAUSE_PROTOCOL_ERROR "protocol-error"
#define MPA_CAUSE_ENCRYPTION_REQUIRED "encryption-required"
#define MPA_CAUSE_TLS_OUTDATED "tls-outdated"
#define MPA_CAUSE_PREAUTH_UNENCRYPTED "preauth-unencrypted"
#define MPA_CAUSE_UNKNOWN "unknown"

/* NULL-terminated list of every cause id. */
const gchar *const *mpa_cause_ids(void);
gboolean mpa_cause_is_valid(const gchar *id);

/* What is known about one failure. */
typedef struct {
	MpaProtocol protocol;
	MpaStage stage;
	MpaNetError net_error;
	const gchar *reply;         /* decoded text (UTF-8), may be NULL */
	const gchar *imap_code;     /* may be NULL */
	guint smtp_code;            /* 0 if none */
	const gchar *enhanced_code; /* may be NULL */
	/* What else is known of the attempt; all optional (zero: unknown). */
	guint port; /* the port used (else read from the text when it names one) */
	gboolean has_security;
	MpaSecurity security;   /* the security setting used, when has_security */
	gboolean worked_before; /* this account logged in with this password before */
} MpaFailure;

/* One explained cause. */
typedef struct {
	gchar *cause; /* id */
	gchar *title; /* localized short title */
	gchar *fix;   /* localized steps */
	gchar *link;  /* URL, may be NULL */
} MpaExplanation;

typedef struct {
	GPtrArray *causes;           /* of MpaExplanation*, most likely first; at least one */
	gchar *reply;                /* the server's words, sanitised for display, may be NULL */
	gboolean from_provider_rule; /* matched a provider rule (else a generic rule) */
} MpaDiagnosis;

/* @provider may be NULL (unknown domain: generic rules only).  @lang NULL = current locale. */
MpaDiagnosis *mpa_diagnose(const MpaProvider *provider, const MpaFailure *failure, const gchar *lang);
/* Convenience for a failed protocol result; NULL when it did not fail. */
MpaDiagnosis *mpa_diagnose_result(const MpaProvider *provider, const MpaProtoResult *result,
				  const gchar *lang);
/* The same for an account that logged in with this password before (MpaFailure.worked_before:
 * a refused login then leads with "the password that worked is no longer valid"). */
MpaDiagnosis *mpa_diagnose_result_worked(const MpaProvider *provider, const MpaProtoResult *result,
					 gboolean worked_before, const gchar *lang);
void mpa_diagnosis_free(MpaDiagnosis *diagnosis);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MpaDiagnosis, mpa_diagnosis_free)

/* The codes of a reply text are read with mpa-reply.h (the parser the connection check uses). */

G_END_DECLS

#endif
