/* Provider Assistant — hints after Claws Mail's own logins fail (see pa-hints.c).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on Claws' main thread.  Non-static symbols carry the mpa_pa_ prefix because Claws opens
 * plugins into the global symbol namespace.
 */
#ifndef PA_HINTS_H
#define PA_HINTS_H

#include <glib.h>
#include "mpa-provider.h"

G_BEGIN_DECLS

/* Opens an account's preferences on the plugin's page (the hint window's "Open account
 * settings"); pa-plugin.c passes mpa_pa_page_open_account, so that the hints need not know the
 * page (the page already uses the hints: calling back would make the glue a cycle). */
typedef void (*MpaPaOpenAccountFunc)(gint account_id);

/* Hints after Claws' own logins fail.  open_account must not be NULL. */
void mpa_pa_hints_init(MpaPaOpenAccountFunc open_account);
void mpa_pa_hints_done(void);
/* Forget the "already shown" state of an account (after a successful test). */
void mpa_pa_hints_forget_account(gint account_id);
/* Keep a successful login of the account (Claws' own, or a passed test) in the small record of
 * mpa-logins.h: a later refusal then leads with "the password that worked is no longer valid". */
void mpa_pa_hints_record_login(gint account_id, MpaProtocol protocol);
/* The record says the account logged in with @protocol before (FALSE for an unsaved account). */
gboolean mpa_pa_hints_worked_before(gint account_id, MpaProtocol protocol);
/* Forget the account's logins: a newly saved password has not logged in yet (its refusal is a
 * first-login problem).  Removed accounts are forgotten on Claws' account-list hook. */
void mpa_pa_hints_forget_logins(gint account_id);
/* The last problem Claws Mail met with an account in this session (a failed login, send or
 * connection that the hints explained), whether or not its window was shown. */
typedef struct {
	gint64 when;     /* g_get_real_time() */
	gchar *server;   /* "imap.sohu.com (IMAP)" */
	gchar *headline; /* plain text */
	gchar *fix;      /* steps, may be NULL */
	gchar *reply;    /* the server's words, may be NULL */
} MpaPaLastProblem;
const MpaPaLastProblem *mpa_pa_hints_last_problem(gint account_id);

G_END_DECLS

#endif
