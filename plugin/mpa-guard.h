/* Provider Assistant — sending guard: per-account send counters and the "would this message
 * trip the provider's risk control?" decision.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the core: no GTK, no Claws Mail headers.
 *
 * State lives in one key file of its own (MPA_GUARD_FILE_NAME in Claws' config directory), one
 * group per account, keyed by the Claws account id and the address.  Per account it keeps the
 * date the guard first saw the account (the provider's stages count from there), the local date
 * and number of messages sent successfully that day, the time of the last successful send, and
 * a "guard on/off" switch.
 *
 * Writes are atomic (g_file_set_contents_full): a temporary file "<file>.XXXXXX" in the same
 * directory is written, fsync'ed, renamed over the file, and the directory is fsync'ed.  A crash leaves either the old
 * or the new file plus maybe a stray temporary file, which a writable load removes.
 *
 * A main file that cannot be parsed (or holds impossible values) is never silently replaced:
 * loading fails with MPA_GUARD_ERROR_CORRUPT ("file: [group] key: problem"), the guard stays
 * empty and refuses to save until mpa_guard_set_aside_corrupt() has renamed the bad file to
 * "<file>.corrupt" (kept for inspection; an older one is overwritten).
 *
 * Time: the guard asks its clock (wall-clock seconds since the epoch, injectable for tests) and
 * turns it into dates in its time zone (the local one unless set), so "today" rolls over at local
 * midnight.  Counting is per message, whatever its recipient count; recipients only matter for
 * the bulk threshold.
 */
#ifndef MPA_GUARD_H
#define MPA_GUARD_H

#include <glib.h>
#include "mpa-provider.h"

G_BEGIN_DECLS

#define MPA_GUARD_FILE_NAME "provider_assistant_guard.rc"

typedef enum {
	MPA_GUARD_ERROR_FAILED, /* catch-all */
	MPA_GUARD_ERROR_IO,     /* the file or its directory could not be read or written */
	MPA_GUARD_ERROR_CORRUPT /* the file exists but is not a valid guard file */
} MpaGuardError;
#define MPA_GUARD_ERROR (mpa_guard_error_quark())
GQuark mpa_guard_error_quark(void);

/* Seconds since the epoch (UTC), like time(NULL). */
typedef gint64 (*MpaGuardClock)(gpointer data);

typedef struct _MpaGuard MpaGuard;

/* A guard on @path (the full file name).  Nothing is read until mpa_guard_load(). */
MpaGuard *mpa_guard_new(const gchar *path);
/* MPA_GUARD_FILE_NAME inside @config_dir. */
MpaGuard *mpa_guard_new_in_dir(const gchar *config_dir);
void mpa_guard_free(MpaGuard *guard);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MpaGuard, mpa_guard_free)

const gchar *mpa_guard_path(const MpaGuard *guard);
/* Replace the clock (NULL: the real one) — for tests. */
void mpa_guard_set_clock(MpaGuard *guard, MpaGuardClock clock, gpointer data);
/* Dates are computed in @tz (NULL: local time).  The guard takes a reference. */
void mpa_guard_set_timezone(MpaGuard *guard, GTimeZone *tz);

/* Read the file.  A missing file is an empty guard (TRUE).  With @writable, stray temporary
 * files of interrupted writes are removed (only the process that writes may do that; a reader
 * such as the CLI passes FALSE so it never races the writer).  On MPA_GUARD_ERROR_CORRUPT the
 * guard is left empty and read-only (see above). */
gboolean mpa_guard_load(MpaGuard *guard, gboolean writable, GError **error);
/* Write the file atomically (see above).  Fails on a guard whose file was found corrupt. */
gboolean mpa_guard_save(MpaGuard *guard, GError **error);
/* After a corrupt load: rename the bad file to "<file>.corrupt" and allow saving again. */
gboolean mpa_guard_set_aside_corrupt(MpaGuard *guard, GError **error);
gboolean mpa_guard_is_corrupt(const MpaGuard *guard);
/* TRUE when something changed since the last load/save. */
gboolean mpa_guard_is_dirty(const MpaGuard *guard);

/* One account's stored state, as read by mpa_guard_get_state(). */
typedef struct {
	gint account_id;
	gchar *address;    /* as stored: domain lower case */
	gchar *first_seen; /* "YYYY-MM-DD" local date the guard first saw the account */
	gchar *day;        /* "YYYY-MM-DD" of the counter, NULL before the first send */
	guint sent_day;    /* messages sent on @day */
	gint64 last_sent;  /* epoch seconds of the last successful send, 0: never */
	gboolean enabled;  /* the guard's switch for this account */
} MpaGuardState;

void mpa_guard_state_clear(MpaGuardState *state);

/* Register an account (first seen today) unless it is already known.  Returns TRUE when it was
 * new.  Addresses compare case-insensitively in the domain part. */
gboolean mpa_guard_touch(MpaGuard *guard, gint account_id, const gchar *address);
/* Count one successfully sent message (registers the account if needed).  Does not save. */
void mpa_guard_record_send(MpaGuard *guard, gint account_id, const gchar *address);
/* Messages sent today (local date of the guard's clock). */
guint mpa_guard_sent_today(const MpaGuard *guard, gint account_id, const gchar *address);
gboolean mpa_guard_get_enabled(const MpaGuard *guard, gint account_id, const gchar *address);
/* Switch the guard on or off for one account (registers the account if needed). */
void mpa_guard_set_enabled(MpaGuard *guard, gint account_id, const gchar *address,
			   gboolean enabled);
/* Copy the stored state of one account; FALSE when it is not known. */
gboolean mpa_guard_get_state(const MpaGuard *guard, gint account_id, const gchar *address,
			     MpaGuardState *state);
/* Look up by address alone (for the CLI, which does not know Claws' account ids).  With several
 * accounts on one address the one that sent last wins.  FALSE when none is stored. */
gboolean mpa_guard_find_address(const MpaGuard *guard, const gchar *address,
				MpaGuardState *state);

/* A stable id for a stage: "week-1", "weeks-2-4", "days-3-9", "stable" (the open-ended last). */
gchar *mpa_guard_stage_id(const MpaSendStage *stage);
/* The same for people, translated: "week 1 (new account)", "weeks 2–4", ... */
gchar *mpa_guard_stage_describe(const MpaSendStage *stage);

/* Why a message should make the user stop and think (flags, several may be set). */
typedef enum {
	MPA_GUARD_OK = 0,
	MPA_GUARD_OVER_CAP = 1 << 0, /* sending it would pass today's cap */
	MPA_GUARD_TOO_SOON = 1 << 1, /* sooner after the last send than the minimum interval */
	MPA_GUARD_BULK = 1 << 2      /* more recipients than the bulk threshold */
} MpaGuardReason;

typedef struct {
	guint reasons;       /* MpaGuardReason flags; MPA_GUARD_OK: go ahead */
	gboolean enabled;    /* FALSE: the user switched the guard off (reasons is then 0) */
	gboolean has_limits; /* the provider states limits (unknown provider: FALSE) */
	guint age_days;
	const MpaSendStage *stage; /* NULL without limits; points into the provider */
	guint sent_today;
	guint daily_limit;   /* 0: none */
	guint interval_s;    /* 0: none */
	gint64 since_last_s; /* seconds since the last send, -1: none today or never */
	gint64 wait_s;       /* seconds still to wait for the interval, 0 if none */
	guint recipients;
	guint bulk_recipients; /* 0: no threshold */
} MpaGuardDecision;

/* Decide for a message of @recipients recipients about to leave the account now.  @provider may
 * be NULL (unknown provider: no limits, always OK).  Pure: changes nothing. */
void mpa_guard_decide(const MpaGuard *guard, const MpaProvider *provider, gint account_id,
		      const gchar *address, guint recipients, MpaGuardDecision *decision);

G_END_DECLS

#endif
