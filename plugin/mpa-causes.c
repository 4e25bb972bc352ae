/* Provider Assistant — the fixed vocabulary of failure causes (see mpa-diagnose.h).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Kept apart from the diagnosis engine because the provider loader validates cause ids too.
 */
#include "config.h"

#include "mpa-diagnose.h"

static const gchar *const cause_ids[] = {
	MPA_CAUSE_APP_PASSWORD_REQUIRED,
	MPA_CAUSE_SERVICE_DISABLED,
	MPA_CAUSE_IP_NOT_ALLOWED,
	MPA_CAUSE_CLIENT_ID_REQUIRED,
	MPA_CAUSE_RATE_LIMITED,
	MPA_CAUSE_MESSAGE_REJECTED_SPAM,
	MPA_CAUSE_SENDER_NOT_ALLOWED,
	MPA_CAUSE_OAUTH_REQUIRED,
	MPA_CAUSE_ACCOUNT_LOCKED,
	MPA_CAUSE_TEMPORARY_FAILURE,
	MPA_CAUSE_WRONG_CREDENTIALS,
	MPA_CAUSE_DNS_FAILURE,
	MPA_CAUSE_CONNECTION_REFUSED,
	MPA_CAUSE_TIMEOUT,
	MPA_CAUSE_CONNECTION_CLOSED,
	MPA_CAUSE_TLS_HANDSHAKE_FAILED,
	MPA_CAUSE_CERTIFICATE_UNTRUSTED,
	MPA_CAUSE_CERTIFICATE_EXPIRED,
	MPA_CAUSE_CERTIFICATE_HOSTNAME_MISMATCH,
	MPA_CAUSE_PROTOCOL_ERROR,
	MPA_CAUSE_ENCRYPTION_REQUIRED,
	MPA_CAUSE_TLS_OUTDATED,
	MPA_CAUSE_PREAUTH_UNENCRYPTED,
	MPA_CAUSE_UNKNOWN,
	NULL
};

const gchar *const *mpa_cause_ids(void)
{
	return cause_ids;
}

gboolean mpa_cause_is_valid(const gchar *id)
{
	if (id == NULL)
		return FALSE;
	for (guint i = 0; cause_ids[i] != NULL; i++)
		if (g_strcmp0(cause_ids[i], id) == 0)
			return TRUE;
	return FALSE;
}
