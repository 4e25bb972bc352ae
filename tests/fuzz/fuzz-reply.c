/* Provider Assistant — libFuzzer target: what a server says, from raw bytes to the diagnosis
 * shown to the user (mpa_decode_reply, mpa_sanitize_display, mpa_reply_smtp,
 * mpa_reply_imap_code, mpa_diagnose, the JSON writer).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: 4 header bytes (protocol and stage, network error, SMTP code, flags), then the reply
 * bytes; after the first NUL of the reply, optional bytes used as a given IMAP or enhanced code.
 */
#include "config.h"

#include <string.h>
#include "fuzz-common.h"
#include "mpa-diagnose.h"
#include "mpa-text.h"
#include "cli-json.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_init_db();
	return 0;
}

/* What the user sees must be one line of printable text. */
static void check_display(const gchar *s)
{
	if (!g_utf8_validate(s, -1, NULL))
		abort();
	for (const gchar *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	MpaFailure f = { 0 };
	const guint8 *raw, *nul;
	gsize raw_len;
	guint8 flags;
	g_autofree gchar *decoded = NULL, *shown = NULL, *shown_short = NULL, *imap_code = NULL;
	g_autofree gchar *enhanced = NULL, *given = NULL, *json = NULL;
	guint smtp_code = 0;
	MpaDiagnosis *d;
	MpaJson *j;

	if (size < 4)
		return 0;
	f.protocol = (data[0] & 1) ? MPA_PROTOCOL_SMTP : MPA_PROTOCOL_IMAP;
	f.stage = (MpaStage)((data[0] >> 1) % MPA_STAGE_COUNT);
	f.net_error = (MpaNetError)(data[1] % (MPA_NET_STARTTLS_UNSUPPORTED + 1));
	f.smtp_code = (data[2] & 0x80) ? 0 : 200u + (data[2] % 4) * 100u + data[2] % 60u;
	flags = data[3];
	raw = data + 4;
	raw_len = size - 4;

	decoded = mpa_decode_reply(raw, raw_len);
	if (!g_utf8_validate(decoded, -1, NULL))
		abort();
	shown = mpa_sanitize_display(decoded, 0);
	check_display(shown);
	shown_short = mpa_sanitize_display(decoded, 1 + flags % 80);
	check_display(shown_short);
	/* an escape (up to 6 characters) is never cut in half, then the ellipsis */
	if (g_utf8_strlen(shown_short, -1) > 1 + flags % 80 + 6 + 1)
		abort();

	if (mpa_reply_smtp(decoded, &smtp_code, &enhanced) && (smtp_code < 200 || smtp_code > 599))
		abort();
	imap_code = mpa_reply_imap_code(decoded);

	nul = raw_len > 0 ? memchr(raw, '\0', raw_len) : NULL;
	if (nul != NULL)
		given = mpa_decode_reply(nul + 1, raw_len - (gsize)(nul + 1 - raw));
	f.reply = (flags & 1) ? NULL : decoded;
	f.imap_code = (flags & 2) ? given : imap_code;
	f.enhanced_code = (flags & 4) ? given : enhanced;

	d = mpa_diagnose((flags & 8) ? NULL : mpa_db_get(fuzz_db, "sohu.com"), &f,
			 (flags & 16) ? "zh_CN" : "en");
	if (d == NULL || d->causes->len == 0)
		abort();
	if (d->reply != NULL)
		check_display(d->reply);

	j = mpa_json_new();
	mpa_json_begin_object(j, NULL);
	mpa_json_string(j, "reply", decoded);
	mpa_json_string(j, "shown", d->reply);
	mpa_json_begin_array(j, "causes");
	for (guint i = 0; i < d->causes->len; i++) {
		const MpaExplanation *e = g_ptr_array_index(d->causes, i);

		if (!mpa_cause_is_valid(e->cause) || e->title == NULL || e->fix == NULL)
			abort();
		mpa_json_begin_object(j, NULL);
		mpa_json_string(j, "cause", e->cause);
		mpa_json_end_object(j);
	}
	mpa_json_end_array(j);
	mpa_json_end_object(j);
	json = mpa_json_finish(j);
	/* JSON text carries no raw control character */
	for (const gchar *p = json; *p != '\0'; p++)
		if ((guchar)*p < 0x20 && *p != '\n')
			abort();
	mpa_diagnosis_free(d);
	return 0;
}
