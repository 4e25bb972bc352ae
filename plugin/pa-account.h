/* Provider Assistant — account dialog integration: the widgets of one open account dialog (see pa-
 * account.c).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on Claws' main thread.  Non-static symbols carry the mpa_pa_ prefix because Claws opens
 * plugins into the global symbol namespace.
 */
#ifndef PA_ACCOUNT_H
#define PA_ACCOUNT_H

#include <gtk/gtk.h>
#include "mpa-provider.h"
#include "mpa-check.h"

G_BEGIN_DECLS

/* The widgets of one open account dialog, found by walking its toplevel. */
typedef struct _MpaPaAccountDialog MpaPaAccountDialog;
typedef void (*MpaPaProviderChangedFunc)(const MpaProvider *provider, gpointer user_data);

/* @ac_prefs is Claws' PrefsAccount of the dialog.  @changed is called whenever the address typed
 * maps to a different provider (or to none). */
MpaPaAccountDialog *mpa_pa_account_dialog_attach(GtkWindow *toplevel, gpointer ac_prefs,
						 MpaPaProviderChangedFunc changed, gpointer user_data);
void mpa_pa_account_dialog_detach(MpaPaAccountDialog *dlg);
gboolean mpa_pa_account_dialog_is_new(const MpaPaAccountDialog *dlg);
const MpaProvider *mpa_pa_account_dialog_provider(const MpaPaAccountDialog *dlg);
typedef enum {
	MPA_PA_APPLY_NOTHING, /* no known provider for the address (or the dialog not ready) */
	MPA_PA_APPLY_ALL,
	MPA_PA_APPLY_SMTP_ONLY, /* an existing account that is not IMAP: its receiving side kept */
} MpaPaApplyResult;
/* Fill every field from the provider, also fields the user changed ("Apply provider settings"). */
MpaPaApplyResult mpa_pa_account_dialog_apply(MpaPaAccountDialog *dlg);
/* A check request from what the dialog holds now (the password is copied out of the entry).
 * Returns NULL with @error set when something needed is missing. */
MpaCheckRequest *mpa_pa_account_dialog_make_request(MpaPaAccountDialog *dlg, GError **error);
/* Frees the settings the dialogs' lookups found (at unload, with the database). */
void mpa_pa_account_lookups_free(void);
/* Claws' account id of the dialog (for per-account plugin data). */
gint mpa_pa_account_dialog_account_id(const MpaPaAccountDialog *dlg);
/* @func is called whenever a field that goes into a check request changes (typed, or set by
 * Apply provider settings). */
void mpa_pa_account_dialog_set_fields_changed(MpaPaAccountDialog *dlg, void (*func)(gpointer data),
					      gpointer data);
/* A digest of the fields a check request is made of (the password only as part of a SHA-256):
 * equal digests, equal requests. */
gchar *mpa_pa_account_dialog_fingerprint(MpaPaAccountDialog *dlg);
/* The password typed differs from the one saved when the dialog opened (or at the last
 * mpa_pa_account_dialog_password_saved()): compared as SHA-256 digests kept in memory. */
gboolean mpa_pa_account_dialog_password_changed(MpaPaAccountDialog *dlg);
void mpa_pa_account_dialog_password_saved(MpaPaAccountDialog *dlg);

/* The sign-in choice where OAuth2 is an option beside a password (mpa_provider_oauth2_optional).
 * @func is called whenever the methods of the Receive or Send page, the OAuth2 service or its
 * "Client ID" change (by the user, by Claws, or by the plugin). */
void mpa_pa_account_dialog_set_signin_changed(MpaPaAccountDialog *dlg, void (*func)(gpointer data),
					      gpointer data);
/* OAuth2 is the method of the Receive page (an IMAP account) or of the Send page. */
gboolean mpa_pa_account_dialog_uses_oauth2(MpaPaAccountDialog *dlg);
/* The user picked OAuth2 (TRUE: OAuth2 on both pages and the provider's service on the OAuth2
 * page) or the password (the provider's password methods) on the plugin's page. */
void mpa_pa_account_dialog_set_oauth2(MpaPaAccountDialog *dlg, gboolean oauth2);
/* The service selected on Claws' OAuth2 page. */
MpaOAuth2Provider mpa_pa_account_dialog_oauth2_service(MpaPaAccountDialog *dlg);
/* OAuth2 is in use but Claws Mail has no client ID of its own for the service and the OAuth2
 * page's "Client ID" is empty: the user must register one.  @redirect_uri (may be NULL): the
 * redirect URI this Claws Mail signs in with, when known. */
gboolean mpa_pa_account_dialog_client_id_missing(MpaPaAccountDialog *dlg, gchar **redirect_uri);

G_END_DECLS

#endif
