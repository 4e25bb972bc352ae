/* Provider Assistant — libFuzzer target: addresses as users type or paste them
 * (mpa_address_parse, mpa_db_lookup_address, mpa_expand_username).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include "fuzz-common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init_db();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree gchar *text = g_strndup((const gchar *)data, size); /* stops at a NUL, as C text does */
	g_autofree gchar *local = NULL, *domain = NULL, *normalized = NULL, *again = NULL;
	g_autoptr(GError) error = NULL, error2 = NULL;
	const MpaProvider *p;
	gboolean ok;

	ok = mpa_address_parse(text, &local, &domain, &error);
	if (ok != (error == NULL))
		abort();
	p = mpa_db_lookup_address(fuzz_db, text, &normalized, &error2);
	if (!ok) {
		/* both entry points agree on what is an address */
		if (p != NULL || error2 == NULL || !g_error_matches(error2, MPA_PROVIDER_ERROR, MPA_PROVIDER_ERROR_ADDRESS))
			abort();
		return 0;
	}
	if (!g_utf8_validate(local, -1, NULL) || !g_str_is_ascii(domain) || normalized == NULL)
		abort();
	if ((p == NULL) != (error2 != NULL))
		abort();
	/* the normalised form is itself an address, and the same one */
	{
		g_autofree gchar *l2 = NULL, *d2 = NULL;

		if (!mpa_address_parse(normalized, &l2, &d2, NULL) || strcmp(l2, local) != 0 || strcmp(d2, domain) != 0)
			abort();
	}
	again = mpa_expand_username("%EMAILLOCALPART%/%EMAILDOMAIN%/%EMAILADDRESS%%", normalized);
	if (again == NULL)
		abort();
	return 0;
}
