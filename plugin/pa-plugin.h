/* Provider Assistant — shared declarations of the Claws Mail glue (provider_assistant.so).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here runs on Claws' main thread.  Non-static symbols carry the mpa_ prefix because
 * Claws opens plugins into the global symbol namespace.
 */
#ifndef PA_PLUGIN_H
#define PA_PLUGIN_H

#include <gtk/gtk.h>
#include "mpa-provider.h"
#include "mpa-check.h"

G_BEGIN_DECLS

/* pa-logfilter.c: keeps the plugin's own libetpan traffic out of Claws' network log. */
void mpa_logfilter_install(void);
void mpa_logfilter_remove(void);

/* pa-account.c: the widgets of one open account dialog, found by walking its toplevel. */
typedef struct _MpaAccountDialog MpaAccountDialog;
typedef void (*MpaProviderChangedFunc)(const MpaProvider *provider, gpointer user_data);

/* @ac_prefs is Claws' PrefsAccount of the dialog.  @changed is called whenever the address typed
 * maps to a different provider (or to none). */
MpaAccountDialog *mpa_account_dialog_attach(GtkWindow *toplevel, gpointer ac_prefs,
					    MpaProviderChangedFunc changed, gpointer user_data);
void mpa_account_dialog_detach(MpaAccountDialog *dlg);
gboolean mpa_account_dialog_is_new(const MpaAccountDialog *dlg);
const MpaProvider *mpa_account_dialog_provider(const MpaAccountDialog *dlg);
typedef enum {
	MPA_APPLY_NOTHING,      /* no known provider for the address (or the dialog not ready) */
	MPA_APPLY_ALL,
	MPA_APPLY_SMTP_ONLY,    /* an existing account that is not IMAP: its receiving side kept */
} MpaApplyResult;
/* Fill every field from the provider, also fields the user changed ("Apply provider settings"). */
MpaApplyResult mpa_account_dialog_apply(MpaAccountDialog *dlg);
/* A check request from what the dialog holds now (the password is copied out of the entry).
 * Returns NULL with @error set when something needed is missing. */
MpaCheckRequest *mpa_account_dialog_make_request(MpaAccountDialog *dlg, GError **error);
/* Frees the settings the dialogs' lookups found (at unload, with the database). */
void mpa_account_lookups_free(void);
/* Claws' account id of the dialog (for per-account plugin data). */
gint mpa_account_dialog_account_id(const MpaAccountDialog *dlg);
/* @func is called whenever a field that goes into a check request changes (typed, or set by
 * Apply provider settings). */
void mpa_account_dialog_set_fields_changed(MpaAccountDialog *dlg, void (*func)(gpointer data),
					   gpointer data);
/* A digest of the fields a check request is made of (the password only as part of a SHA-256):
 * equal digests, equal requests. */
gchar *mpa_account_dialog_fingerprint(MpaAccountDialog *dlg);

/* The sign-in choice where OAuth2 is an option beside a password (mpa_provider_oauth2_optional).
 * @func is called whenever the methods of the Receive or Send page, the OAuth2 service or its
 * "Client ID" change (by the user, by Claws, or by the plugin). */
void mpa_account_dialog_set_signin_changed(MpaAccountDialog *dlg, void (*func)(gpointer data),
					   gpointer data);
/* OAuth2 is the method of the Receive page (an IMAP account) or of the Send page. */
gboolean mpa_account_dialog_uses_oauth2(MpaAccountDialog *dlg);
/* The user picked OAuth2 (TRUE: OAuth2 on both pages and the provider's service on the OAuth2
 * page) or the password (the provider's password methods) on the plugin's page. */
void mpa_account_dialog_set_oauth2(MpaAccountDialog *dlg, gboolean oauth2);
/* The service selected on Claws' OAuth2 page. */
MpaOAuth2Provider mpa_account_dialog_oauth2_service(MpaAccountDialog *dlg);
/* OAuth2 is in use but Claws Mail has no client ID of its own for the service and the OAuth2
 * page's "Client ID" is empty: the user must register one.  @redirect_uri (may be NULL): the
 * redirect URI this Claws Mail signs in with, when known. */
gboolean mpa_account_dialog_client_id_missing(MpaAccountDialog *dlg, gchar **redirect_uri);

/* pa-page.c: the "Provider Assistant" page of the account dialog. */
void mpa_page_init(void);
void mpa_page_done(void);
/* TRUE while a connection check started from the page is still running. */
gboolean mpa_page_busy(void);
/* Open the preferences of account @account_id on the plugin's page (from a hint window). */
void mpa_page_open_account(gint account_id);

/* pa-hints.c: hints after Claws' own logins fail. */
void mpa_hints_init(void);
void mpa_hints_done(void);
/* Forget the "already shown" state of an account (after a successful test). */
void mpa_hints_forget_account(gint account_id);
/* Keep a successful login of the account (Claws' own, or a passed test) in the small record of
 * mpa-logins.h: a later refusal then leads with "the password that worked is no longer valid". */
void mpa_hints_record_login(gint account_id, MpaProtocol protocol);
/* The last problem Claws Mail met with an account in this session (a failed login, send or
 * connection that the hints explained), whether or not its window was shown. */
typedef struct {
	gint64 when;                    /* g_get_real_time() */
	gchar *server;                  /* "imap.sohu.com (IMAP)" */
	gchar *headline;                /* plain text */
	gchar *fix;                     /* steps, may be NULL */
	gchar *reply;                   /* the server's words, may be NULL */
} MpaLastProblem;
const MpaLastProblem *mpa_hints_last_problem(gint account_id);

G_END_DECLS

#endif
