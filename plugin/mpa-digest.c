/* Provider Assistant — a digest of secrets that leaves no copy of them behind.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "mpa-digest.h"

gchar *
mpa_digest_secrets(const gchar *const *parts, gsize n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	gboolean ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	GString *hex;

	for (gsize i = 0; ok && i < n; i++) {
		const gchar *p = parts[i] ? parts[i] : "";
		ok = EVP_DigestUpdate(ctx, p, strlen(p) + 1) == 1;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, &len) == 1;
	/* Frees and cleanses the context (the last block of input is in it). */
	EVP_MD_CTX_free(ctx);
	if (!ok)
		g_error("SHA-256 is not available from OpenSSL");
	hex = g_string_sized_new(2 * len);
	for (unsigned int i = 0; i < len; i++)
		g_string_append_printf(hex, "%02x", md[i]);
	OPENSSL_cleanse(md, sizeof md);
	return g_string_free(hex, FALSE);
}
