/* Provider Assistant — sending guard (see mpa-guard.h).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>
#include "mpa-guard.h"
#include "mpa-file.h"

G_DEFINE_QUARK(mpa - guard - error - quark, mpa_guard_error)

#define FORMAT_VERSION 1
#define MAIN_GROUP "guard"
#define ACCOUNT_GROUP_PREFIX "account "
/* Anything above this is not a count a person produced by hand: the file is damaged. */
#define MAX_SANE_COUNT 1000000
/* A guard file holds a few lines per account; anything this big is not one. */
#define MAX_GUARD_FILE_BYTES (1024 * 1024)

typedef struct {
	gint id;
	gchar *address;
	gchar *first_seen;
	gchar *day;
	guint sent_day;
	gint64 last_sent;
	gboolean enabled;
} Account;

struct _MpaGuard {
	gchar *path;
	GPtrArray *accounts; /* of Account* */
	MpaGuardClock clock;
	gpointer clock_data;
	GTimeZone *tz;
	gboolean corrupt;
	gboolean dirty;
};

static void account_free(gpointer p)
{
	Account *a = p;

	g_free(a->address);
	g_free(a->first_seen);
	g_free(a->day);
	g_free(a);
}

static gint64 real_clock(gpointer data)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

MpaGuard *mpa_guard_new(const gchar *path)
{
	MpaGuard *g;

	g_return_val_if_fail(path != NULL, NULL);
	g = g_new0(MpaGuard, 1);
	g->path = g_strdup(path);
	g->accounts = g_ptr_array_new_with_free_func(account_free);
	g->clock = real_clock;
	return g;
}

MpaGuard *mpa_guard_new_in_dir(const gchar *config_dir)
{
	g_autofree gchar *path = NULL;

	g_return_val_if_fail(config_dir != NULL, NULL);
	path = g_build_filename(config_dir, MPA_GUARD_FILE_NAME, NULL);
	return mpa_guard_new(path);
}

void mpa_guard_free(MpaGuard *guard)
{
	if (guard == NULL)
		return;
	g_free(guard->path);
	g_ptr_array_unref(guard->accounts);
	if (guard->tz != NULL)
		g_time_zone_unref(guard->tz);
	g_free(guard);
}

const gchar *mpa_guard_path(const MpaGuard *guard)
{
	return guard->path;
}

void mpa_guard_set_clock(MpaGuard *guard, MpaGuardClock clock, gpointer data)
{
	guard->clock = clock != NULL ? clock : real_clock;
	guard->clock_data = data;
}

void mpa_guard_set_timezone(MpaGuard *guard, GTimeZone *tz)
{
	if (guard->tz != NULL)
		g_time_zone_unref(guard->tz);
	guard->tz = tz != NULL ? g_time_zone_ref(tz) : NULL;
}

static gint64 guard_now(const MpaGuard *guard)
{
	return guard->clock(guard->clock_data);
}

gboolean mpa_guard_is_corrupt(const MpaGuard *guard)
{
	return guard->corrupt;
}

gboolean mpa_guard_is_dirty(const MpaGuard *guard)
{
	return guard->dirty;
}

/* ---- dates ---------------------------------------------------------------------------------- */

/* The local (guard time zone) date of @t as a GDate. */
static void date_of(const MpaGuard *guard, gint64 t, GDate *date)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(t);
	g_autoptr(GDateTime) local = NULL;
	gint y, m, d;

	g_date_clear(date, 1);
	if (utc == NULL) {
		/* outside GDateTime's range: only a broken clock gets here; day 1 is harmless */
		g_date_set_dmy(date, 1, 1, 1970);
		return;
	}
	if (guard->tz != NULL)
		local = g_date_time_to_timezone(utc, guard->tz);
	else
		local = g_date_time_to_local(utc);
	g_date_time_get_ymd(local, &y, &m, &d);
	g_date_set_dmy(date, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

static gchar *date_string(const GDate *date)
{
	return g_strdup_printf("%04u-%02u-%02u", g_date_get_year(date), g_date_get_month(date),
			       g_date_get_day(date));
}

static gchar *today_string(const MpaGuard *guard)
{
	GDate today;

	date_of(guard, guard_now(guard), &today);
	return date_string(&today);
}

static gboolean parse_date(const gchar *text, GDate *date)
{
	guint y, m, d;
	gchar end;

	g_date_clear(date, 1);
	if (text == NULL || strlen(text) != 10 ||
	    sscanf(text, "%4u-%2u-%2u%c", &y, &m, &d, &end) != 3)
		return FALSE;
	if (!g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return FALSE;
	g_date_set_dmy(date, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
	return TRUE;
}

/* ---- accounts ------------------------------------------------------------------------------- */

/* Domain in lower case, local part as given (what Claws shows), spaces trimmed. */
static gchar *normalize_address(const gchar *address)
{
	g_autofree gchar *trimmed = g_strstrip(g_strdup(address));
	const gchar *at = strrchr(trimmed, '@');
	g_autofree gchar *domain = NULL;

	if (at == NULL)
		return g_steal_pointer(&trimmed);
	domain = g_utf8_strdown(at + 1, -1);
	return g_strdup_printf("%.*s@%s", (int)(at - trimmed), trimmed, domain);
}

static gboolean address_equal(const gchar *a, const gchar *b)
{
	g_autofree gchar *fa = g_utf8_casefold(a, -1);
	g_autofree gchar *fb = g_utf8_casefold(b, -1);

	return strcmp(fa, fb) == 0;
}

static Account *find_account(const MpaGuard *guard, gint id, const gchar *address)
{
	g_autofree gchar *norm = normalize_address(address);

	for (guint i = 0; i < guard->accounts->len; i++) {
		Account *a = g_ptr_array_index(guard->accounts, i);

		if (a->id == id && address_equal(a->address, norm))
			return a;
	}
	return NULL;
}

static Account *ensure_account(MpaGuard *guard, gint id, const gchar *address, gboolean *created)
{
	Account *a = find_account(guard, id, address);

	if (created != NULL)
		*created = a == NULL;
	if (a != NULL)
		return a;
	a = g_new0(Account, 1);
	a->id = id;
	a->address = normalize_address(address);
	a->first_seen = today_string(guard);
	a->enabled = TRUE;
	g_ptr_array_add(guard->accounts, a);
	guard->dirty = TRUE;
	return a;
}

static guint count_today(const MpaGuard *guard, const Account *a)
{
	g_autofree gchar *today = NULL;

	if (a == NULL || a->day == NULL)
		return 0;
	today = today_string(guard);
	/* a different date either way (next day, or the clock or time zone moved back) starts
	 * over: the provider counts by its own calendar day, never across one */
	return strcmp(a->day, today) == 0 ? a->sent_day : 0;
}

static guint age_of(const MpaGuard *guard, const Account *a)
{
	GDate first, today;
	gint days;

	if (a == NULL || !parse_date(a->first_seen, &first))
		return 0;
	date_of(guard, guard_now(guard), &today);
	days = g_date_days_between(&first, &today);
	return days > 0 ? (guint)days : 0;
}

gboolean mpa_guard_touch(MpaGuard *guard, gint account_id, const gchar *address)
{
	gboolean created;

	g_return_val_if_fail(address != NULL, FALSE);
	ensure_account(guard, account_id, address, &created);
	return created;
}

void mpa_guard_record_send(MpaGuard *guard, gint account_id, const gchar *address)
{
	Account *a;
	g_autofree gchar *today = NULL;

	g_return_if_fail(address != NULL);
	a = ensure_account(guard, account_id, address, NULL);
	today = today_string(guard);
	if (a->day == NULL || strcmp(a->day, today) != 0) {
		g_free(a->day);
		a->day = g_steal_pointer(&today);
		a->sent_day = 0;
	}
	if (a->sent_day < MAX_SANE_COUNT)
		a->sent_day++;
	a->last_sent = guard_now(guard);
	guard->dirty = TRUE;
}

guint mpa_guard_sent_today(const MpaGuard *guard, gint account_id, const gchar *address)
{
	g_return_val_if_fail(address != NULL, 0);
	return count_today(guard, find_account(guard, account_id, address));
}

gboolean mpa_guard_get_enabled(const MpaGuard *guard, gint account_id, const gchar *address)
{
	const Account *a;

	g_return_val_if_fail(address != NULL, TRUE);
	a = find_account(guard, account_id, address);
	return a == NULL || a->enabled;
}

void mpa_guard_set_enabled(MpaGuard *guard, gint account_id, const gchar *address,
			   gboolean enabled)
{
	Account *a;

	g_return_if_fail(address != NULL);
	a = ensure_account(guard, account_id, address, NULL);
	if (a->enabled != !!enabled) {
		a->enabled = !!enabled;
		guard->dirty = TRUE;
	}
}

static void fill_state(const Account *a, MpaGuardState *state)
{
	state->account_id = a->id;
	state->address = g_strdup(a->address);
	state->first_seen = g_strdup(a->first_seen);
	state->day = g_strdup(a->day);
	state->sent_day = a->sent_day;
	state->last_sent = a->last_sent;
	state->enabled = a->enabled;
}

void mpa_guard_state_clear(MpaGuardState *state)
{
	g_clear_pointer(&state->address, g_free);
	g_clear_pointer(&state->first_seen, g_free);
	g_clear_pointer(&state->day, g_free);
}

gboolean mpa_guard_get_state(const MpaGuard *guard, gint account_id, const gchar *address,
			     MpaGuardState *state)
{
	const Account *a;

	g_return_val_if_fail(address != NULL && state != NULL, FALSE);
	memset(state, 0, sizeof *state);
	a = find_account(guard, account_id, address);
	if (a == NULL)
		return FALSE;
	fill_state(a, state);
	return TRUE;
}

gboolean mpa_guard_find_address(const MpaGuard *guard, const gchar *address,
				MpaGuardState *state)
{
	g_autofree gchar *norm = NULL;
	const Account *best = NULL;

	g_return_val_if_fail(address != NULL && state != NULL, FALSE);
	memset(state, 0, sizeof *state);
	norm = normalize_address(address);
	for (guint i = 0; i < guard->accounts->len; i++) {
		const Account *a = g_ptr_array_index(guard->accounts, i);

		if (!address_equal(a->address, norm))
			continue;
		if (best == NULL || a->last_sent > best->last_sent)
			best = a;
	}
	if (best == NULL)
		return FALSE;
	fill_state(best, state);
	return TRUE;
}

/* ---- stages and decision -------------------------------------------------------------------- */

/* The provider's stage for an account @age_days old, NULL when the provider has no stages. */
static const MpaSendStage *stage_for_age(const MpaProvider *provider, guint age_days)
{
	if (provider == NULL || provider->send_stages == NULL)
		return NULL;
	for (guint i = 0; i < provider->send_stages->len; i++) {
		const MpaSendStage *s = g_ptr_array_index(provider->send_stages, i);

		if (age_days >= s->from_day && age_days < s->to_day)
			return s;
	}
	/* A gap or a file whose first stage starts late: the strictest stage (the first) is the
	 * safe reading for an account younger than it; past the end, the last applies. */
	if (provider->send_stages->len > 0) {
		const MpaSendStage *first = g_ptr_array_index(provider->send_stages, 0);
		guint i = age_days < first->from_day ? 0 : provider->send_stages->len - 1;

		return g_ptr_array_index(provider->send_stages, i);
	}
	return NULL;
}

static gboolean whole_weeks(const MpaSendStage *s)
{
	return s->from_day % 7 == 0 && s->to_day % 7 == 0;
}

gchar *mpa_guard_stage_id(const MpaSendStage *stage)
{
	g_return_val_if_fail(stage != NULL, NULL);
	if (stage->to_day == G_MAXUINT)
		return g_strdup("stable");
	if (whole_weeks(stage) && stage->to_day - stage->from_day == 7)
		return g_strdup_printf("week-%u", stage->from_day / 7 + 1);
	if (whole_weeks(stage))
		return g_strdup_printf("weeks-%u-%u", stage->from_day / 7 + 1, stage->to_day / 7);
	return g_strdup_printf("days-%u-%u", stage->from_day + 1, stage->to_day);
}

gchar *mpa_guard_stage_describe(const MpaSendStage *stage)
{
	g_return_val_if_fail(stage != NULL, NULL);
	if (stage->to_day == G_MAXUINT) {
		if (stage->from_day % 7 == 0)
			/* TRANSLATORS: sending stage of an account; %u is a week number */
			return g_strdup_printf(_("settled (from week %u on)"), stage->from_day / 7 + 1);
		/* TRANSLATORS: sending stage of an account; %u is a day number */
		return g_strdup_printf(_("settled (from day %u on)"), stage->from_day + 1);
	}
	if (whole_weeks(stage) && stage->to_day - stage->from_day == 7) {
		if (stage->from_day == 0)
			return g_strdup(_("first week (new account)"));
		/* TRANSLATORS: sending stage of an account */
		return g_strdup_printf(_("week %u"), stage->from_day / 7 + 1);
	}
	if (whole_weeks(stage))
		/* TRANSLATORS: sending stage of an account: "weeks 2–4" */
		return g_strdup_printf(_("weeks %u–%u"), stage->from_day / 7 + 1, stage->to_day / 7);
	/* TRANSLATORS: sending stage of an account: "days 3–9" */
	return g_strdup_printf(_("days %u–%u"), stage->from_day + 1, stage->to_day);
}

void mpa_guard_decide(const MpaGuard *guard, const MpaProvider *provider, gint account_id,
		      const gchar *address, guint recipients, MpaGuardDecision *decision)
{
	const Account *a;
	gint64 now;

	g_return_if_fail(guard != NULL && address != NULL && decision != NULL);
	memset(decision, 0, sizeof *decision);
	a = find_account(guard, account_id, address);
	now = guard_now(guard);

	decision->reasons = MPA_GUARD_OK;
	decision->enabled = a == NULL || a->enabled;
	decision->recipients = recipients;
	decision->age_days = age_of(guard, a);
	decision->sent_today = count_today(guard, a);
	decision->since_last_s = -1;
	if (a != NULL && a->last_sent > 0 && now >= a->last_sent)
		decision->since_last_s = now - a->last_sent;

	if (provider != NULL) {
		decision->stage = stage_for_age(provider, decision->age_days);
		decision->bulk_recipients = provider->bulk_recipients;
	}
	if (decision->stage != NULL) {
		decision->daily_limit = decision->stage->daily;
		decision->interval_s = decision->stage->interval_s;
	}
	decision->has_limits = decision->stage != NULL || decision->bulk_recipients > 0;

	if (!decision->enabled)
		return;
	if (decision->daily_limit > 0 && decision->sent_today + 1 > decision->daily_limit)
		decision->reasons |= MPA_GUARD_OVER_CAP;
	if (decision->interval_s > 0 && decision->since_last_s >= 0 &&
	    decision->since_last_s < decision->interval_s) {
		decision->reasons |= MPA_GUARD_TOO_SOON;
		decision->wait_s = decision->interval_s - decision->since_last_s;
	}
	if (decision->bulk_recipients > 0 && recipients > decision->bulk_recipients)
		decision->reasons |= MPA_GUARD_BULK;
}

/* ---- file ----------------------------------------------------------------------------------- */

/* Group names may not hold '[', ']' or control characters; the group name is only a label (the
 * keys inside carry the data), but it must be unique and readable. */
static gchar *group_name(const Account *a)
{
	GString *s = g_string_new(ACCOUNT_GROUP_PREFIX);

	g_string_append_printf(s, "%d ", a->id);
	for (const gchar *p = a->address; *p != '\0'; p++) {
		guchar c = (guchar)*p;

		if (c < 0x20 || c == 0x7f || c == '[' || c == ']' || c == '%')
			g_string_append_printf(s, "%%%02X", c);
		else
			g_string_append_c(s, (gchar)c);
	}
	return g_string_free(s, FALSE);
}

/* GKeyFile's parse errors quote the offending line: from a corrupt file that puts escape
 * sequences and bells on the terminal, and through a symbolic link another file's first line.
 * The problem is summarised instead: which line, and what kind of trouble. */
static gchar *key_file_problem(const gchar *data, gsize len, const GError *error)
{
	guint line = 0;

	if (g_error_matches(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_UNKNOWN_ENCODING) ||
	    !g_utf8_validate_len(data, len, NULL))
		return g_strdup("not UTF-8 text, so not a guard file");
	for (const gchar *p = data, *end = data + len; p < end;) {
		const gchar *nl = memchr(p, '\n', end - p);
		const gchar *e = nl != NULL ? nl : end;
		const gchar *q = p;

		line++;
		while (q < e && g_ascii_isspace(*q))
			q++;
		if (q < e && *q != '#' && *q != '[' && memchr(q, '=', e - q) == NULL)
			return g_strdup_printf("line %u is neither a [group] nor key=value: not a guard file", line);
		p = e + 1;
	}
	return g_strdup("not a key file, so not a guard file");
}

/* A group or key name as read from the file, safe to show: control characters escaped. */
static gchar *shown_name(const gchar *name)
{
	return name != NULL ? g_strescape(name, "") : NULL;
}

static gboolean corrupt(GError **error, const gchar *path, const gchar *group,
			const gchar *key, const gchar *problem)
{
	g_autofree gchar *g = shown_name(group), *k = shown_name(key);

	group = g;
	key = k;
	if (key != NULL)
		g_set_error(error, MPA_GUARD_ERROR, MPA_GUARD_ERROR_CORRUPT, "%s: [%s] %s: %s",
			    path, group, key, problem);
	else
		g_set_error(error, MPA_GUARD_ERROR, MPA_GUARD_ERROR_CORRUPT, "%s: %s", path, problem);
	return FALSE;
}

static gboolean read_account(GKeyFile *kf, const gchar *path, const gchar *group, Account **out,
			     GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autofree gchar *address = NULL, *first_seen = NULL, *day = NULL, *num = NULL;
	gint64 id, sent = 0, last = 0;
	gboolean enabled = TRUE;
	GDate date;
	Account *a;

	num = g_key_file_get_value(kf, group, "account_id", NULL);
	if (num == NULL || !g_ascii_string_to_signed(num, 10, 0, G_MAXINT, &id, NULL))
		return corrupt(error, path, group, "account_id", "missing or not a number");
	address = g_key_file_get_string(kf, group, "address", NULL);
	if (address == NULL || strchr(address, '@') == NULL)
		return corrupt(error, path, group, "address", "missing or not an address");
	first_seen = g_key_file_get_string(kf, group, "first_seen", NULL);
	if (!parse_date(first_seen, &date))
		return corrupt(error, path, group, "first_seen", "missing or not a YYYY-MM-DD date");
	if (g_key_file_has_key(kf, group, "day", NULL)) {
		day = g_key_file_get_string(kf, group, "day", NULL);
		if (!parse_date(day, &date))
			return corrupt(error, path, group, "day", "not a YYYY-MM-DD date");
		g_clear_pointer(&num, g_free);
		num = g_key_file_get_value(kf, group, "sent", NULL);
		if (num == NULL ||
		    !g_ascii_string_to_signed(num, 10, 0, MAX_SANE_COUNT, &sent, NULL))
			return corrupt(error, path, group, "sent", "missing or not a count");
	}
	if (g_key_file_has_key(kf, group, "last_sent", NULL)) {
		g_clear_pointer(&num, g_free);
		num = g_key_file_get_value(kf, group, "last_sent", NULL);
		if (num == NULL || !g_ascii_string_to_signed(num, 10, 0, G_MAXINT64, &last, NULL))
			return corrupt(error, path, group, "last_sent", "not a time in seconds");
	}
	if (g_key_file_has_key(kf, group, "enabled", NULL)) {
		enabled = g_key_file_get_boolean(kf, group, "enabled", &local);
		if (local != NULL)
			return corrupt(error, path, group, "enabled", "not true or false");
	}
	a = g_new0(Account, 1);
	a->id = (gint)id;
	a->address = normalize_address(address);
	a->first_seen = g_steal_pointer(&first_seen);
	a->day = g_steal_pointer(&day);
	a->sent_day = (guint)sent;
	a->last_sent = last;
	a->enabled = enabled;
	*out = a;
	return TRUE;
}

/* Remove temporary files left by a write that never reached its rename (crash, kill -9): GLib's
 * g_file_set_contents_full() names them "FILE.XXXXXX" (six random letters or digits). */
static gboolean all_alnum(const gchar *s)
{
	for (; *s != '\0'; s++) {
		if (!g_ascii_isalnum(*s))
			return FALSE;
	}
	return TRUE;
}

static void remove_stray_temporaries(const gchar *path)
{
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autofree gchar *base = g_path_get_basename(path);
	g_autofree gchar *prefix = g_strconcat(base, ".", NULL);
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const gchar *name;

	if (d == NULL)
		return;
	while ((name = g_dir_read_name(d)) != NULL) {
		if (g_str_has_prefix(name, prefix) && strlen(name) == strlen(prefix) + 6 &&
		    all_alnum(name + strlen(prefix))) {
			g_autofree gchar *full = g_build_filename(dir, name, NULL);

			g_unlink(full);
		}
	}
}

gboolean mpa_guard_load(MpaGuard *guard, gboolean writable, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) local = NULL;
	g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func(account_free);
	g_auto(GStrv) groups = NULL;
	g_autofree gchar *data = NULL;
	gsize len;
	gint version;

	g_return_val_if_fail(guard != NULL, FALSE);
	if (writable)
		remove_stray_temporaries(guard->path);
	g_ptr_array_set_size(guard->accounts, 0);
	guard->corrupt = FALSE;
	guard->dirty = FALSE;

	/* A symbolic link to /dev/zero or a FIFO would be read until memory runs out, or for ever:
	 * refused unread, as is a file far bigger than any guard file (issue #15). */
	if (!g_file_test(guard->path, G_FILE_TEST_EXISTS))
		return TRUE; /* no file yet (or a dangling link, as before): nothing counted */
	if (!mpa_file_read(guard->path, MAX_GUARD_FILE_BYTES, &data, &len, &local)) {
		g_set_error(error, MPA_GUARD_ERROR, MPA_GUARD_ERROR_IO, "%s: %s", guard->path,
			    local->message);
		return FALSE;
	}
	/* From here on every failure means the file is there but unusable: keep it, refuse to
	 * overwrite it, and let the caller decide (report, set aside). */
	guard->corrupt = TRUE;
	if (!g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, &local)) {
		g_autofree gchar *why = key_file_problem(data, len, local);

		return corrupt(error, guard->path, NULL, NULL, why);
	}
	if (!g_key_file_has_group(kf, MAIN_GROUP))
		return corrupt(error, guard->path, NULL, NULL, "no [" MAIN_GROUP "] group");
	version = g_key_file_get_integer(kf, MAIN_GROUP, "version", &local);
	if (local != NULL || version < 1)
		return corrupt(error, guard->path, MAIN_GROUP, "version", "missing or not a number");
	if (version > FORMAT_VERSION)
		return corrupt(error, guard->path, MAIN_GROUP, "version",
			       "written by a newer Provider Assistant");

	groups = g_key_file_get_groups(kf, NULL);
	for (gsize i = 0; groups[i] != NULL; i++) {
		Account *a = NULL;

		if (!g_str_has_prefix(groups[i], ACCOUNT_GROUP_PREFIX))
			continue;
		if (!read_account(kf, guard->path, groups[i], &a, error))
			return FALSE;
		g_ptr_array_add(accounts, a);
	}
	while (accounts->len > 0)
		g_ptr_array_add(guard->accounts, g_ptr_array_steal_index(accounts, 0));
	guard->corrupt = FALSE;
	return TRUE;
}

static gchar *serialize(const MpaGuard *guard, gsize *len)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();

	g_key_file_set_integer(kf, MAIN_GROUP, "version", FORMAT_VERSION);
	g_key_file_set_comment(kf, MAIN_GROUP, NULL,
			       " Provider Assistant sending guard: messages sent per account and day.\n"
			       " Written by the Claws Mail plugin; read by `provider-assistant quota`.",
			       NULL);
	for (guint i = 0; i < guard->accounts->len; i++) {
		const Account *a = g_ptr_array_index(guard->accounts, i);
		g_autofree gchar *group = group_name(a);

		g_key_file_set_integer(kf, group, "account_id", a->id);
		g_key_file_set_string(kf, group, "address", a->address);
		g_key_file_set_string(kf, group, "first_seen", a->first_seen);
		if (a->day != NULL) {
			g_key_file_set_string(kf, group, "day", a->day);
			g_key_file_set_uint64(kf, group, "sent", a->sent_day);
		}
		if (a->last_sent > 0)
			g_key_file_set_int64(kf, group, "last_sent", a->last_sent);
		g_key_file_set_boolean(kf, group, "enabled", a->enabled);
	}
	return g_key_file_to_data(kf, len, NULL);
}

static gboolean io_error(GError **error, const gchar *what, const gchar *path, int err)
{
	g_set_error(error, MPA_GUARD_ERROR, MPA_GUARD_ERROR_IO, "%s: %s: %s", path, what,
		    g_strerror(err));
	return FALSE;
}

/* GLib writes a temporary file in the same directory (so the rename is atomic) and flushes it
 * before the rename; the directory is flushed here after it: data and directory entry are both on
 * disk before we report success, so after a power cut the file is the old or the new one, never
 * empty. */
static gboolean write_atomically(const gchar *path, const gchar *data, gsize len, GError **error)
{
	g_autofree gchar *dir = g_path_get_dirname(path);
	g_autoptr(GError) local = NULL;
	int dfd;

	if (g_mkdir_with_parents(dir, 0700) < 0)
		return io_error(error, "cannot create the directory", dir, errno);
	if (!g_file_set_contents_full(path, data, (gssize)len,
				      G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
				      0600, &local)) {
		g_set_error_literal(error, MPA_GUARD_ERROR, MPA_GUARD_ERROR_IO, local->message);
		return FALSE;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		/* Some file systems refuse fsync on directories (EINVAL); the rename is then as
		 * durable as they make it, nothing more can be done. */
		if (fsync(dfd) < 0 && errno != EINVAL) {
			int err = errno;

			close(dfd);
			return io_error(error, "cannot flush the directory", dir, err);
		}
		close(dfd);
	}
	return TRUE;
}

gboolean mpa_guard_save(MpaGuard *guard, GError **error)
{
	g_autofree gchar *data = NULL;
	gsize len = 0;

	g_return_val_if_fail(guard != NULL, FALSE);
	if (guard->corrupt) {
		g_set_error(error, MPA_GUARD_ERROR, MPA_GUARD_ERROR_CORRUPT,
			    "%s: not overwriting a file that could not be read; set it aside first",
			    guard->path);
		return FALSE;
	}
	data = serialize(guard, &len);
	if (!write_atomically(guard->path, data, len, error))
		return FALSE;
	guard->dirty = FALSE;
	return TRUE;
}

gboolean mpa_guard_set_aside_corrupt(MpaGuard *guard, GError **error)
{
	g_autofree gchar *aside = NULL;

	g_return_val_if_fail(guard != NULL, FALSE);
	if (!guard->corrupt)
		return TRUE;
	aside = g_strconcat(guard->path, ".corrupt", NULL);
	if (g_rename(guard->path, aside) < 0 && errno != ENOENT)
		return io_error(error, "cannot rename the damaged file", guard->path, errno);
	guard->corrupt = FALSE;
	guard->dirty = TRUE;
	return TRUE;
}
