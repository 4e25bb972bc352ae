/* Provider Assistant — libFuzzer target: the provider file loader (GMarkup, namespaces, every
 * check of doc/provider-format.md), then the loaded provider's rules in a diagnosis.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "mpa-provider-private.h"
#include "mpa-diagnose.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init_log();
	return 0;
}

/* A provider that loaded is used as the real code uses it: accessors, look-up texts, rules. */
static void exercise(const MpaProvider *p)
{
	static const gchar *const replies[] = {
		"NO [AUTHENTICATIONFAILED] Authentication failed.",
		"535 5.7.8 Error: authentication failed: ERR.LOGIN.PASSERR",
		"* BYE Too many connections",
		NULL
	};

	(void)mpa_provider_name(p);
	(void)mpa_text_get_lang(p->password_hint, "zh_CN");
	(void)mpa_text_get_lang(p->name, "en");
	for (guint i = 0; p->causes != NULL && i < p->causes->len; i++) {
		const MpaCauseFix *fix = g_ptr_array_index(p->causes, i);

		if (mpa_provider_cause(p, fix->cause) == NULL)
			abort();
	}
	if (p->imap != NULL)
		g_free(mpa_expand_username(p->imap->username, "zhangsan@sohu.com"));
	if (p->smtp != NULL)
		g_free(mpa_expand_username(p->smtp->username, "zhangsan@sohu.com"));
	for (guint i = 0; replies[i] != NULL; i++) {
		MpaFailure f = {
			.protocol = i == 1 ? MPA_PROTOCOL_SMTP : MPA_PROTOCOL_IMAP,
			.stage = MPA_STAGE_AUTH,
			.reply = replies[i],
		};

		mpa_diagnosis_free(mpa_diagnose(p, &f, i == 2 ? "zh_CN" : "en"));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GPtrArray *problems = g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);
	MpaProvider *p = mpa_provider_load_data((const gchar *)data, size, "fuzz.xml", problems);

	for (guint i = 0; i < problems->len; i++) {
		gchar *s = mpa_problem_to_string(g_ptr_array_index(problems, i));

		/* every message names a file and says something */
		if (s == NULL || !g_str_has_prefix(s, "fuzz.xml") || !g_utf8_validate(s, -1, NULL))
			abort();
		g_free(s);
	}
	/* either a provider or at least one reason why not */
	if ((p == NULL) == (problems->len == 0))
		abort();
	if (p != NULL) {
		exercise(p);
		mpa_provider_free(p);
	}
	g_ptr_array_unref(problems);
	return 0;
}
