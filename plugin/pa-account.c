/* Provider Assistant — account dialog integration: pre-filling from the provider database and the
 * password hint beside the Password field.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Claws keeps the dialog's widgets in static structs of prefs_account.c and sets no widget names,
 * so they are found by walking the toplevel and comparing label texts with Claws' own translations
 * (CLAWS(), pa-shared.h).  The fields are set through the widgets, never through the
 * PrefsAccount struct: a new account's pages reset the struct from defaults, and Cancel must undo
 * everything.  Each field remembers the value it had when the dialog opened and the value the
 * plugin last put there; a field holding anything else was changed by the user and is left alone.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "prefs_account.h"
#include "account.h"
#include "common/ssl.h"
#include "common/utils.h"
#include "gtk/combobox.h"
#include "gtk/menu.h"
#include "imap.h"

#include "mpa-lookup.h"
#include "mpa-text.h"
#include "mpa-check.h"
#include "pa-account.h"
#include "mpa-digest.h"
#include "pa-shared.h"

/* A plugin loaded after prefs_account_init() gets create_widget before the built-in pages
 * exist; then the widgets are looked up again from the main loop, a few times. */
#define FIND_RETRIES 50

typedef enum {
	F_PROTOCOL,
	F_RECV_SERVER,
	F_SMTP_SERVER,
	F_USERID,
	F_SMTP_USERID, /* Send page, "Authentication": own SMTP login */
	F_IMAP_TLS,
	F_SMTP_TLS,
	F_SMTP_AUTH,
	F_IMAP_PORT_SET,
	F_IMAP_PORT,
	F_SMTP_PORT_SET,
	F_SMTP_PORT,
	F_IMAP_AUTH,        /* Receive page, "IMAP": "Authentication method" */
	F_SMTP_AUTH_METHOD, /* Send page, "Authentication": "Authentication method" */
	F_OAUTH2_PROVIDER,  /* OAuth2 page: "Select OAuth2 Email Service Provider" */
	F_COUNT
} Field;

struct _MpaPaAccountDialog {
	GtkWindow *toplevel;
	PrefsAccount *ac_prefs;
	gboolean is_new;
	gboolean ready;
	guint find_source;
	guint retries;

	GtkWidget *address;
	GtkWidget *password;
	GtkWidget *field[F_COUNT];             /* the widget of each field (radio: any of its group) */
	GtkWidget *imap_tls[SSL_STARTTLS + 1]; /* radio buttons by SSLType */
	GtkWidget *smtp_tls[SSL_STARTTLS + 1];
	gchar *initial[F_COUNT];
	gchar *last_set[F_COUNT];

	GtkWidget *smtp_pass;
	gboolean smtp_pass_ours; /* it holds the Basic page's password, put there by us */
	/* SHA-256 of the passwords as saved (when the dialog opened or was last saved), in memory
	 * only: tells a newly typed password from the one the login record is about */
	gchar *saved_password_digest;
	gchar *methods_logged; /* the last "methods:" debug line */
	gboolean syncing;
	GtkWidget *hint; /* the box under the Password field */
	GtkWidget *hint_label;

	const MpaProvider *provider;
	MpaPaProviderChangedFunc changed;
	gpointer changed_data;
	GCallback fields_changed; /* void (*)(gpointer data): a tested field changed */
	gpointer fields_changed_data;
	GCallback signin_changed; /* void (*)(gpointer data): the sign-in method changed */
	gpointer signin_changed_data;
	GtkWidget *client_id; /* OAuth2 page: "Client ID" */

	/* The settings lookup for a domain no provider file names (new accounts only). */
	guint lookup_timer;             /* the debounce after typing */
	struct _Lookup *lookup;         /* in flight */
	gchar *status;                  /* "Looking up ..." while it runs */
	const MpaLookupResult *found;   /* the last result with settings (kept_results owns it) */
	gboolean found_applied;         /* filled in (SRV outside the domain: after the click) */
	GtkWidget *confirm;             /* "Use these servers" */
	const MpaProvider *hint_logged; /* the provider of the last "password hint:" debug line */
};

/* After typing stops for this long, an unknown domain is looked up. */
#define LOOKUP_DEBOUNCE_MS 600

/* ---- walking the widget tree ---- */

static void collect_cb(GtkWidget *w, gpointer data)
{
	GPtrArray *all = data;

	g_ptr_array_add(all, w);
	if (GTK_IS_CONTAINER(w))
		gtk_container_forall(GTK_CONTAINER(w), collect_cb, all);
}

/* Every widget under @root, depth first (forall also enters hidden notebook pages). */
static GPtrArray *collect(GtkWidget *root)
{
	GPtrArray *all = g_ptr_array_new();

	if (root)
		collect_cb(root, all);
	return all;
}

static GtkWidget *find_frame(GtkWidget *root, const gchar *title,
			     gboolean (*accept)(GtkWidget *frame))
{
	g_autoptr(GPtrArray) all = collect(root);

	for (guint i = 0; i < all->len; i++) {
		GtkWidget *w = all->pdata[i];
		const gchar *label;

		if (!GTK_IS_FRAME(w))
			continue;
		label = gtk_frame_get_label(GTK_FRAME(w));
		if (g_strcmp0(label, title) == 0 && (!accept || accept(w)))
			return w;
	}
	return NULL;
}

/* The widget right of the label @text in a GtkGrid under @root. */
static GtkWidget *grid_field(GtkWidget *root, const gchar *text)
{
	g_autoptr(GPtrArray) all = collect(root);

	for (guint i = 0; i < all->len; i++) {
		GtkWidget *w = all->pdata[i];
		GtkWidget *parent;
		gint left = 0, top = 0;

		if (!GTK_IS_LABEL(w) || g_strcmp0(gtk_label_get_text(GTK_LABEL(w)), text) != 0)
			continue;
		parent = gtk_widget_get_parent(w);
		if (!GTK_IS_GRID(parent))
			continue;
		gtk_container_child_get(GTK_CONTAINER(parent), w, "left-attach", &left,
					"top-attach", &top, NULL);
		return gtk_grid_get_child_at(GTK_GRID(parent), left + 1, top);
	}
	return NULL;
}

/* The widget of type @type packed right after the label @text in a GtkBox under @root: the Send
 * page puts "User ID" and "Password" with their entries in one horizontal box, not in a grid, and
 * so do the "Authentication method" lists of the Receive and Send pages and the OAuth2 page's
 * service list. */
static GtkWidget *box_next(GtkWidget *root, const gchar *text, GType type)
{
	g_autoptr(GPtrArray) all = collect(root);

	for (guint i = 0; i < all->len; i++) {
		GtkWidget *w = all->pdata[i];
		GtkWidget *parent, *next = NULL;
		GList *children, *l;

		if (!GTK_IS_LABEL(w) || g_strcmp0(gtk_label_get_text(GTK_LABEL(w)), text) != 0)
			continue;
		parent = gtk_widget_get_parent(w);
		if (!GTK_IS_BOX(parent))
			continue;
		children = gtk_container_get_children(GTK_CONTAINER(parent));
		l = g_list_find(children, w);
		if (l && l->next && G_TYPE_CHECK_INSTANCE_TYPE(l->next->data, type))
			next = l->next->data;
		g_list_free(children);
		if (next)
			return next;
	}
	return NULL;
}
#define box_field(root, text) box_next((root), (text), GTK_TYPE_ENTRY)
#define box_combo(root, text) box_next((root), (text), GTK_TYPE_COMBO_BOX)

/* The Receive page's "IMAP" frame (the TLS page has one of that name too, with radio buttons). */
static gboolean has_auth_method(GtkWidget *frame)
{
	return box_combo(frame, CLAWS("Authentication method")) != NULL;
}

static gboolean has_smtp_auth_check(GtkWidget *frame)
{
	g_autoptr(GPtrArray) all = collect(frame);

	for (guint i = 0; i < all->len; i++)
		if (GTK_IS_CHECK_BUTTON(all->pdata[i]) &&
		    g_strcmp0(gtk_button_get_label(all->pdata[i]),
			      CLAWS("SMTP Authentication (SMTP AUTH)")) == 0)
			return TRUE;
	return FALSE;
}

static GtkWidget *find_button(GtkWidget *root, GType type, const gchar *label)
{
	g_autoptr(GPtrArray) all = collect(root);

	for (guint i = 0; i < all->len; i++) {
		GtkWidget *w = all->pdata[i];

		if (G_TYPE_CHECK_INSTANCE_TYPE(w, type) &&
		    g_strcmp0(gtk_button_get_label(GTK_BUTTON(w)), label) == 0)
			return w;
	}
	return NULL;
}

static GtkWidget *find_first(GtkWidget *root, GType type)
{
	g_autoptr(GPtrArray) all = collect(root);

	for (guint i = 0; i < all->len; i++)
		if (G_TYPE_CHECK_INSTANCE_TYPE(all->pdata[i], type))
			return all->pdata[i];
	return NULL;
}

static gboolean has_value_radios(GtkWidget *frame)
{
	g_autoptr(GPtrArray) all = collect(frame);

	for (guint i = 0; i < all->len; i++)
		if (GTK_IS_RADIO_BUTTON(all->pdata[i]) &&
		    g_object_get_data(all->pdata[i], MENU_VAL_ID))
			return TRUE;
	return FALSE;
}

static void find_radios(GtkWidget *frame, GtkWidget **radios)
{
	g_autoptr(GPtrArray) all = collect(frame);

	for (guint i = 0; i < all->len; i++) {
		GtkWidget *w = all->pdata[i];
		gint v;

		if (!GTK_IS_RADIO_BUTTON(w) || !g_object_get_data(G_OBJECT(w), MENU_VAL_ID))
			continue;
		v = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(w), MENU_VAL_ID));
		if (v >= SSL_NONE && v <= SSL_STARTTLS)
			radios[v] = w;
	}
}

/* The spin button next to the check button "IMAP port" / "SMTP port" of the Advanced page. */
static GtkWidget *port_spin(GtkWidget *check)
{
	GtkWidget *box = check ? gtk_widget_get_parent(check) : NULL;
	g_autoptr(GPtrArray) all = collect(box);

	for (guint i = 0; i < all->len; i++)
		if (GTK_IS_SPIN_BUTTON(all->pdata[i]))
			return all->pdata[i];
	return NULL;
}

static void track(GtkWidget **slot)
{
	if (*slot)
		g_object_add_weak_pointer(G_OBJECT(*slot), (gpointer *)slot);
}

static void untrack(GtkWidget **slot)
{
	if (*slot)
		g_object_remove_weak_pointer(G_OBJECT(*slot), (gpointer *)slot);
	*slot = NULL;
}

/* ---- field values as strings ---- */

static gchar *field_get(MpaPaAccountDialog *dlg, Field f)
{
	GtkWidget *w = dlg->field[f];
	GtkWidget **radios;

	if (!w)
		return NULL;
	switch (f) {
	case F_PROTOCOL:
	case F_IMAP_AUTH:
	case F_SMTP_AUTH_METHOD:
	case F_OAUTH2_PROVIDER:
		return g_strdup_printf("%d", combobox_get_active_data(GTK_COMBO_BOX(w)));
	case F_RECV_SERVER:
	case F_SMTP_SERVER:
	case F_USERID:
	case F_SMTP_USERID:
		return g_strdup(gtk_entry_get_text(GTK_ENTRY(w)));
	case F_IMAP_TLS:
	case F_SMTP_TLS:
		radios = f == F_IMAP_TLS ? dlg->imap_tls : dlg->smtp_tls;
		for (gint v = SSL_NONE; v <= SSL_STARTTLS; v++)
			if (radios[v] && gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(radios[v])))
				return g_strdup_printf("%d", v);
		return g_strdup("");
	case F_SMTP_AUTH:
	case F_IMAP_PORT_SET:
	case F_SMTP_PORT_SET:
		return g_strdup(gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(w)) ? "1" : "0");
	case F_IMAP_PORT:
	case F_SMTP_PORT:
		return g_strdup_printf("%d", gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(w)));
	case F_COUNT:
		break;
	}
	return NULL;
}

static void field_put(MpaPaAccountDialog *dlg, Field f, const gchar *value)
{
	GtkWidget *w = dlg->field[f];
	GtkWidget **radios;
	gint v;

	if (!w)
		return;
	switch (f) {
	case F_PROTOCOL:
	case F_IMAP_AUTH:
	case F_SMTP_AUTH_METHOD:
	case F_OAUTH2_PROVIDER:
		combobox_select_by_data(GTK_COMBO_BOX(w), atoi(value));
		break;
	case F_RECV_SERVER:
	case F_SMTP_SERVER:
	case F_USERID:
	case F_SMTP_USERID:
		gtk_entry_set_text(GTK_ENTRY(w), value);
		break;
	case F_IMAP_TLS:
	case F_SMTP_TLS:
		radios = f == F_IMAP_TLS ? dlg->imap_tls : dlg->smtp_tls;
		v = atoi(value);
		if (v >= SSL_NONE && v <= SSL_STARTTLS && radios[v])
			gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(radios[v]), TRUE);
		break;
	case F_SMTP_AUTH:
	case F_IMAP_PORT_SET:
	case F_SMTP_PORT_SET:
		gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(w), g_strcmp0(value, "1") == 0);
		break;
	case F_IMAP_PORT:
	case F_SMTP_PORT:
		gtk_spin_button_set_value(GTK_SPIN_BUTTON(w), atoi(value));
		break;
	case F_COUNT:
		break;
	}
}

/* The user changed a field when it holds neither its initial value nor the plugin's. */
static gboolean field_is_ours(MpaPaAccountDialog *dlg, Field f)
{
	g_autofree gchar *now = field_get(dlg, f);
	const gchar *expected = dlg->last_set[f] ? dlg->last_set[f] : dlg->initial[f];

	return now && g_strcmp0(now, expected) == 0;
}

static void field_set(MpaPaAccountDialog *dlg, Field f, const gchar *value, gboolean force)
{
	if (!dlg->field[f] || (!force && !field_is_ours(dlg, f)))
		return;
	field_put(dlg, f, value);
	g_free(dlg->last_set[f]);
	dlg->last_set[f] = field_get(dlg, f);
}

/* ---- filling from a provider ---- */

static gint ssl_type(MpaSecurity s)
{
	switch (s) {
	case MPA_SECURITY_SSL:
		return SSL_TUNNEL;
	case MPA_SECURITY_STARTTLS:
		return SSL_STARTTLS;
	case MPA_SECURITY_PLAIN:
		break;
	}
	return SSL_NONE;
}

/* Claws' values of the "Authentication method" lists (imap.h, smtp.h).  One method, never
 * "Automatic": that tries every method the server offers (AUTHENTICATE PLAIN, AUTHENTICATE
 * LOGIN, then LOGIN against Dovecot), so one wrong password costs three failed logins. */
static gint imap_auth_value(MpaAuthMethod m)
{
	switch (m) {
	case MPA_AUTH_LOGIN:
		return IMAP_AUTH_PLAINTEXT; /* the LOGIN command: needs no SASL plugin */
	case MPA_AUTH_PLAIN:
		return IMAP_AUTH_PLAIN;
	case MPA_AUTH_OAUTH2:
		return IMAP_AUTH_OAUTH2;
	case MPA_AUTH_AUTOMATIC:
		break;
	}
	return 0;
}

static gint smtp_auth_value(MpaAuthMethod m)
{
	switch (m) {
	case MPA_AUTH_LOGIN:
		return SMTPAUTH_LOGIN;
	case MPA_AUTH_PLAIN:
		return SMTPAUTH_PLAIN;
	case MPA_AUTH_OAUTH2:
		return SMTPAUTH_OAUTH2;
	case MPA_AUTH_AUTOMATIC:
		break;
	}
	return 0;
}

/* Claws' Oauth2Service (oauth2.h declares it only under USE_OAUTH2, which Claws' own config.h
 * defines and claws-features.h does not; Debian's build has OAuth2).  Values of 4.1.1. */
enum { CLAWS_OAUTH2_NONE,
       CLAWS_OAUTH2_GOOGLE,
       CLAWS_OAUTH2_OUTLOOK,
       CLAWS_OAUTH2_EXCHANGE,
       CLAWS_OAUTH2_YAHOO };

static gint oauth2_value(MpaOAuth2Provider p)
{
	switch (p) {
	case MPA_OAUTH2_GOOGLE:
		return CLAWS_OAUTH2_GOOGLE;
	case MPA_OAUTH2_OUTLOOK:
		return CLAWS_OAUTH2_OUTLOOK;
	case MPA_OAUTH2_EXCHANGE:
		return CLAWS_OAUTH2_EXCHANGE;
	case MPA_OAUTH2_YAHOO:
		return CLAWS_OAUTH2_YAHOO;
	case MPA_OAUTH2_NONE:
		break;
	}
	return CLAWS_OAUTH2_NONE;
}

/* Where the Send page has a user ID of its own, Claws takes the SMTP password from the Send page
 * too and, finding none there, asks for it on the first send of every session.  When that user
 * ID is the plugin's (the provider's SMTP user name differs), the password is the one typed on
 * the Basic page (the provider's app password): the Send page gets a copy, until the user types
 * one there. */
static void sync_smtp_password(MpaPaAccountDialog *dlg)
{
	g_autofree gchar *smtp_uid = NULL;
	const gchar *value = "";

	if (!dlg->password || !dlg->smtp_pass || !dlg->field[F_SMTP_USERID])
		return;
	if (!dlg->smtp_pass_ours && *gtk_entry_get_text(GTK_ENTRY(dlg->smtp_pass)) != '\0')
		return;
	smtp_uid = field_get(dlg, F_SMTP_USERID);
	if (*smtp_uid != '\0' && dlg->last_set[F_SMTP_USERID] && field_is_ours(dlg, F_SMTP_USERID))
		value = gtk_entry_get_text(GTK_ENTRY(dlg->password));
	if (strcmp(value, gtk_entry_get_text(GTK_ENTRY(dlg->smtp_pass))) != 0) {
		dlg->syncing = TRUE;
		gtk_entry_set_text(GTK_ENTRY(dlg->smtp_pass), value);
		dlg->syncing = FALSE;
	}
	dlg->smtp_pass_ours = *value != '\0';
}

static void password_changed(GtkEditable *editable, gpointer data)
{
	sync_smtp_password(data);
}

static void smtp_password_changed(GtkEditable *editable, gpointer data)
{
	MpaPaAccountDialog *dlg = data;

	if (!dlg->syncing)
		dlg->smtp_pass_ours = FALSE; /* typed by the user: theirs from now on */
}

/* OAuth2 in field @f that the user chose where the provider offers it beside a password (on the
 * plugin's page, on Claws' Receive or Send page, or saved so before the dialog opened): it stays,
 * also through Apply provider settings.  Only the plugin's own OAuth2 (another provider's, set
 * while the address was typed) gives way. */
static gboolean keeps_oauth2(MpaPaAccountDialog *dlg, const MpaProvider *p, Field f,
			     const MpaServer *s, gint oauth2)
{
	g_autofree gchar *now = field_get(dlg, f);

	if (!s || !s->oauth2 || p->oauth2_provider == MPA_OAUTH2_NONE || !now || atoi(now) != oauth2)
		return FALSE;
	return !(dlg->last_set[f] && g_strcmp0(now, dlg->last_set[f]) == 0);
}

/* @receive: also the receiving side (protocol, server, user ID, TLS, port). */
static void fill(MpaPaAccountDialog *dlg, const MpaProvider *p, const gchar *address,
		 gboolean force,
		 gboolean receive)
{
	gchar num[16];
	gboolean port_ours, signs_in;
	gboolean kept[F_COUNT] = { FALSE };
	gboolean imap_oauth2 = FALSE, smtp_oauth2 = FALSE;

	if (p->imap && receive) {
		g_autofree gchar *uid = mpa_expand_username(p->imap->username, address);
		gint tls = ssl_type(p->imap->security);
		guint16 def = tls == SSL_TUNNEL ? 993 : 143;

		g_snprintf(num, sizeof num, "%d", A_IMAP4);
		field_set(dlg, F_PROTOCOL, num, force);
		g_autofree gchar *recv_host = mpa_expand_host(p->imap->host, address);

		field_set(dlg, F_RECV_SERVER, recv_host, force);
		field_set(dlg, F_USERID, uid, force);
		g_snprintf(num, sizeof num, "%d", tls);
		/* Claws' toggled handler moves the Advanced page's port spin to 993 itself. */
		field_set(dlg, F_IMAP_TLS, num, force);
		imap_oauth2 = p->imap->auth_method == MPA_AUTH_OAUTH2;
		kept[F_IMAP_AUTH] = keeps_oauth2(dlg, p, F_IMAP_AUTH, p->imap, IMAP_AUTH_OAUTH2);
		if (kept[F_IMAP_AUTH]) {
			imap_oauth2 = TRUE;
		} else {
			g_snprintf(num, sizeof num, "%d", imap_auth_value(p->imap->auth_method));
			field_set(dlg, F_IMAP_AUTH, num, force);
		}
		/* The spin follows the check: Claws' TLS handler has just moved it, so it is ours
		 * whenever the check is. */
		port_ours = force || field_is_ours(dlg, F_IMAP_PORT_SET);
		field_set(dlg, F_IMAP_PORT_SET, p->imap->port != def ? "1" : "0", force);
		if (p->imap->port != def && port_ours) {
			g_snprintf(num, sizeof num, "%u", p->imap->port);
			field_set(dlg, F_IMAP_PORT, num, TRUE);
		}
	}
	if (p->smtp) {
		gint tls = ssl_type(p->smtp->security);
		guint16 def = tls == SSL_TUNNEL ? 465 : 25;

		g_autofree gchar *smtp_host = mpa_expand_host(p->smtp->host, address);

		field_set(dlg, F_SMTP_SERVER, smtp_host, force);
		g_snprintf(num, sizeof num, "%d", tls);
		field_set(dlg, F_SMTP_TLS, num, force);
		signs_in = p->smtp->password_auth || p->smtp->auth_method == MPA_AUTH_OAUTH2;
		field_set(dlg, F_SMTP_AUTH, signs_in ? "1" : "0", force);
		smtp_oauth2 = p->smtp->auth_method == MPA_AUTH_OAUTH2;
		kept[F_SMTP_AUTH_METHOD] = keeps_oauth2(dlg, p, F_SMTP_AUTH_METHOD, p->smtp,
							SMTPAUTH_OAUTH2);
		if (kept[F_SMTP_AUTH_METHOD]) {
			smtp_oauth2 = TRUE;
		} else {
			g_snprintf(num, sizeof num, "%d", smtp_auth_value(p->smtp->auth_method));
			field_set(dlg, F_SMTP_AUTH_METHOD, num, force);
		}
		/* Claws logs in to SMTP with the Basic page's user ID unless the Send page names its
		 * own: name it only where the provider's SMTP user name differs (iCloud: the name
		 * part for IMAP, the whole address for SMTP), else leave it empty. */
		{
			g_autofree gchar *smtp_uid = mpa_expand_username(p->smtp->username, address);
			g_autofree gchar *uid = field_get(dlg, F_USERID);

			field_set(dlg, F_SMTP_USERID,
				  signs_in && g_strcmp0(smtp_uid, uid) != 0 ? smtp_uid : "",
				  force);
		}
		port_ours = force || field_is_ours(dlg, F_SMTP_PORT_SET);
		field_set(dlg, F_SMTP_PORT_SET, p->smtp->port != def ? "1" : "0", force);
		if (p->smtp->port != def && port_ours) {
			g_snprintf(num, sizeof num, "%u", p->smtp->port);
			field_set(dlg, F_SMTP_PORT, num, TRUE);
		}
	}
	/* OAuth2 where it is the method (the provider's, or the user's kept above): the service
	 * Claws asks for the token (its OAuth2 page).  Left alone otherwise. */
	if (p->oauth2_provider != MPA_OAUTH2_NONE && ((receive && imap_oauth2) || smtp_oauth2)) {
		g_snprintf(num, sizeof num, "%d", oauth2_value(p->oauth2_provider));
		field_set(dlg, F_OAUTH2_PROVIDER, num, force);
	}
	/* Claws' handlers react to our changes (the port spins follow the TLS radios); what they
	 * did counts as ours, so a later provider can still change it.  A kept OAuth2 stays the
	 * user's. */
	for (Field f = 0; f < F_COUNT; f++) {
		if (dlg->last_set[f] && dlg->field[f] && !kept[f]) {
			g_free(dlg->last_set[f]);
			dlg->last_set[f] = field_get(dlg, f);
		}
	}
	sync_smtp_password(dlg);
}

/* ---- the password hint ---- */

static const MpaLink *settings_link(const MpaProvider *p)
{
	const MpaLink *link = mpa_provider_link(p, "settings");

	if (!link && p->links && p->links->len > 0)
		link = p->links->pdata[0];
	return link;
}

static void update_hint(MpaPaAccountDialog *dlg)
{
	const MpaProvider *p = dlg->provider;
	const gchar *hint_text;
	const MpaLink *link;
	g_autoptr(GString) markup = NULL;
	gboolean suggest;

	if (!dlg->hint)
		return;
	/* A lookup's SRV servers outside the domain, not applied yet: a suggestion with a button. */
	suggest = !dlg->status && dlg->found && dlg->found->needs_confirmation && !dlg->found_applied;
	if (dlg->confirm)
		gtk_widget_set_visible(dlg->confirm, suggest);
	if (dlg->status || suggest) {
		g_autofree gchar *text = suggest ? mpa_lookup_origin(dlg->found) : g_strdup(dlg->status);
		g_autofree gchar *escaped = NULL;

		if (suggest) {
			/* name the servers the button would fill in */
			const MpaProvider *sp = dlg->found->provider;
			g_autofree gchar *imap = sp->imap ? g_strdup_printf("%s:%u", sp->imap->host, sp->imap->port)
							  : g_strdup("-");
			g_autofree gchar *smtp = sp->smtp ? g_strdup_printf("%s:%u", sp->smtp->host, sp->smtp->port)
							  : g_strdup("-");
			gchar *with = g_strdup_printf(_("%s\nIMAP server: %s, SMTP server: %s"), text, imap, smtp);

			g_free(text);
			text = with;
		}
		escaped = g_markup_escape_text(text ? text : "", -1);

		debug_print("%s: lookup hint: %s\n", MPA_PLUGIN_NAME, suggest ? "suggestion" : "looking up");
		gtk_label_set_markup(GTK_LABEL(dlg->hint_label), escaped);
		gtk_widget_show_all(dlg->hint);
		return;
	}
	hint_text = (p && p->has_assistant) ? mpa_text_get(p->password_hint) : NULL;
	/* In Claws' --debug output: the GUI test follows the hint through it (one line each time
	 * the provider changes). */
	if (p != dlg->hint_logged)
		debug_print("%s: password hint: %s\n", MPA_PLUGIN_NAME, hint_text ? p->id : "none");
	dlg->hint_logged = p;
	markup = g_string_new(NULL);
	if (hint_text) {
		/* One sentence only: the whole note did not fit under the field at Claws' default
		 * dialog size; the page has the full text.  Headline and sentence in one paragraph:
		 * one line less under the field. */
		g_autofree gchar *first = mpa_first_sentence(hint_text);
		g_autofree gchar *m = NULL;

		if (p->password_label && mpa_text_get(p->password_label)) {
			g_autofree gchar *head = g_strdup_printf(_("Password: use the %s"),
								 mpa_text_get(p->password_label));
			/* TRANSLATORS: the password note: its headline in bold, then one sentence. */
			m = g_markup_printf_escaped(_("<b>%s.</b> %s"), head, first);
		} else {
			m = g_markup_escape_text(first, -1);
		}
		g_string_append(markup, m);
		link = settings_link(p);
		if (link && link->url) {
			const gchar *title = mpa_text_get(link->title);
			g_autofree gchar *a = g_markup_printf_escaped("\n<a href=\"%s\">%s</a>", link->url,
								      title ? title : link->url);
			g_string_append(markup, a);
		}
	}
	/* Settings that a lookup found: where they came from (plain text, never markup). */
	if (p && dlg->found && dlg->found_applied && p == dlg->found->provider) {
		g_autofree gchar *origin = mpa_lookup_origin(dlg->found);
		g_autofree gchar *escaped = g_markup_escape_text(origin ? origin : "", -1);

		debug_print("%s: settings from %s\n", MPA_PLUGIN_NAME,
			    mpa_lookup_source_name(dlg->found->source));
		if (markup->len > 0)
			g_string_append(markup, "\n");
		g_string_append_printf(markup, "<i>%s</i>", escaped);
	}
	if (markup->len == 0) {
		gtk_widget_hide(dlg->hint);
		return;
	}
	gtk_label_set_markup(GTK_LABEL(dlg->hint_label), markup->str);
	/* (the confirm button has no-show-all: show_all leaves it as update_hint set it) */
	gtk_widget_show_all(dlg->hint);
}

static void confirm_clicked(GtkButton *button, gpointer data);

static void create_hint(MpaPaAccountDialog *dlg)
{
	GtkWidget *grid = dlg->password ? gtk_widget_get_parent(dlg->password) : NULL;
	GtkWidget *icon;
	gint top = 0;

	if (!GTK_IS_GRID(grid))
		return;
	gtk_container_child_get(GTK_CONTAINER(grid), dlg->password, "top-attach", &top, NULL);
	gtk_grid_insert_row(GTK_GRID(grid), top + 1);

	dlg->hint = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	icon = gtk_image_new_from_icon_name("dialog-information", GTK_ICON_SIZE_BUTTON);
	gtk_widget_set_valign(icon, GTK_ALIGN_START);
	gtk_box_pack_start(GTK_BOX(dlg->hint), icon, FALSE, FALSE, 0);
	dlg->hint_label = gtk_label_new(NULL);
	gtk_label_set_line_wrap(GTK_LABEL(dlg->hint_label), TRUE);
	gtk_label_set_max_width_chars(GTK_LABEL(dlg->hint_label), 80);
	gtk_label_set_xalign(GTK_LABEL(dlg->hint_label), 0.0);
	gtk_label_set_selectable(GTK_LABEL(dlg->hint_label), FALSE);
	/* The text, and under it the button that confirms a lookup's suggestion (hidden otherwise):
	 * under, not beside, so the dialog does not grow wider. */
	{
		GtkWidget *col = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);

		gtk_box_pack_start(GTK_BOX(col), dlg->hint_label, FALSE, FALSE, 0);
		dlg->confirm = gtk_button_new_with_mnemonic(_("_Use these servers"));
		gtk_widget_set_halign(dlg->confirm, GTK_ALIGN_START);
		gtk_widget_set_no_show_all(dlg->confirm, TRUE);
		gtk_widget_set_name(dlg->confirm, "mpa-lookup-confirm");
		g_signal_connect(dlg->confirm, "clicked", G_CALLBACK(confirm_clicked), dlg);
		gtk_box_pack_start(GTK_BOX(col), dlg->confirm, FALSE, FALSE, 0);
		gtk_box_pack_start(GTK_BOX(dlg->hint), col, TRUE, TRUE, 0);
	}
	gtk_widget_set_name(dlg->hint, "mpa-password-hint");
	/* The whole width of the grid, under the field's label too: at Claws' default dialog size
	 * the note's headline, sentence and link then fit in view below the field. */
	gtk_widget_set_margin_start(dlg->hint, 12);
	gtk_grid_attach(GTK_GRID(grid), dlg->hint, 0, top + 1, 3, 1);
	gtk_widget_set_no_show_all(dlg->hint, FALSE);
	track(&dlg->hint);
	track(&dlg->hint_label);
	track(&dlg->confirm);
}

/* ---- looking up a domain no provider file names ---- */

/* Results whose providers may still be used (by the page, by a check that is running): freed with
 * the database when the plugin is unloaded. */
static GPtrArray *kept_results;

void mpa_pa_account_lookups_free(void)
{
	g_clear_pointer(&kept_results, g_ptr_array_unref);
}

typedef struct _Lookup {
	MpaPaAccountDialog *dlg; /* NULL once no longer wanted */
	GCancellable *cancellable;
	gchar *domain;
} Lookup;

static void lookup_free(Lookup *lk)
{
	g_object_unref(lk->cancellable);
	g_free(lk->domain);
	g_free(lk);
}

/* The domain of an address as typed, or NULL. */
static gchar *domain_of(const gchar *text)
{
	g_autofree gchar *local = NULL;
	gchar *domain = NULL;

	if (!mpa_address_parse(text, &local, &domain, NULL))
		return NULL;
	return domain;
}

/* Stops the debounce and any lookup in flight (typing on, the dialog closing). */
static void lookup_stop(MpaPaAccountDialog *dlg)
{
	if (dlg->lookup_timer) {
		g_source_remove(dlg->lookup_timer);
		dlg->lookup_timer = 0;
	}
	if (dlg->lookup) {
		dlg->lookup->dlg = NULL;
		g_cancellable_cancel(dlg->lookup->cancellable);
		dlg->lookup = NULL;
	}
	g_clear_pointer(&dlg->status, g_free);
}

static void set_provider(MpaPaAccountDialog *dlg, const MpaProvider *p);

/* Fills the dialog from the lookup's result for the address typed now. */
static void lookup_apply(MpaPaAccountDialog *dlg)
{
	g_autofree gchar *normalized = NULL;
	g_autofree gchar *local = NULL, *domain = NULL;

	if (!dlg->found || !dlg->address ||
	    !mpa_address_parse(gtk_entry_get_text(GTK_ENTRY(dlg->address)), &local, &domain, NULL))
		return;
	normalized = g_strdup_printf("%s@%s", local, domain);
	dlg->found_applied = TRUE;
	fill(dlg, dlg->found->provider, normalized, FALSE, TRUE);
	set_provider(dlg, dlg->found->provider);
}

static void lookup_done(GObject *source, GAsyncResult *result, gpointer data)
{
	Lookup *lk = data;
	MpaPaAccountDialog *dlg = lk->dlg;
	g_autoptr(GError) error = NULL;
	MpaLookupResult *r = mpa_lookup_finish(result, &error);
	const gchar *outcome;

	(void)source;
	if (r)
		outcome = mpa_lookup_source_name(r->source);
	else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		outcome = "cancelled";
	else
		outcome = error->message;
	/* In Claws' --debug output, for the GUI test: "lookup example.cn: mx exmail.qq.com" */
	debug_print("%s: lookup %s: %s%s%s\n", MPA_PLUGIN_NAME, lk->domain, outcome,
		    r && r->provider ? " " : "", r && r->provider ? r->provider->id : "");
	if (!dlg) {
		mpa_lookup_result_free(r);
		lookup_free(lk);
		return;
	}
	dlg->lookup = NULL;
	g_clear_pointer(&dlg->status, g_free);
	if (r && r->provider) {
		if (!kept_results)
			kept_results = g_ptr_array_new_with_free_func((GDestroyNotify)mpa_lookup_result_free);
		g_ptr_array_add(kept_results, r);
		dlg->found = r;
		dlg->found_applied = FALSE;
		/* SRV servers outside the domain wait for the user's click. */
		if (!r->needs_confirmation)
			lookup_apply(dlg);
		else
			update_hint(dlg);
	} else {
		/* Nothing found: stay out of the way. */
		mpa_lookup_result_free(r);
		update_hint(dlg);
	}
	lookup_free(lk);
}

static gboolean lookup_start(gpointer data)
{
	MpaPaAccountDialog *dlg = data;
	const gchar *text;
	MpaLookupRequest *req;
	Lookup *lk;

	dlg->lookup_timer = 0;
	if (!dlg->address || !mpa_pa_db())
		return G_SOURCE_REMOVE;
	text = gtk_entry_get_text(GTK_ENTRY(dlg->address));
	lk = g_new0(Lookup, 1);
	lk->domain = domain_of(text);
	if (!lk->domain) {
		g_free(lk);
		return G_SOURCE_REMOVE;
	}
	lk->dlg = dlg;
	lk->cancellable = g_cancellable_new();
	dlg->lookup = lk;
	dlg->status = g_strdup_printf(_("Looking up the mail settings for %s…"), lk->domain);
	debug_print("%s: lookup %s: started\n", MPA_PLUGIN_NAME, lk->domain);
	update_hint(dlg);

	/* The callback runs plugin code: keep it mapped even if the plugin is unloaded meanwhile. */
	mpa_pa_pin_module();
	req = mpa_lookup_request_new(mpa_pa_db(), text);
	mpa_lookup_request_set_ca_file(req, mpa_pa_ca_file());
	mpa_lookup_run_async(req, lk->cancellable, lookup_done, lk);
	mpa_lookup_request_free(req);
	return G_SOURCE_REMOVE;
}

static void confirm_clicked(GtkButton *button, gpointer data)
{
	(void)button;
	lookup_apply(data);
}

/* ---- fields that a connection test depends on ---- */

static void field_changed(gpointer instance, gpointer data)
{
	MpaPaAccountDialog *dlg = data;

	if (dlg->fields_changed)
		((void (*)(gpointer))dlg->fields_changed)(dlg->fields_changed_data);
}

/* Every field that goes into a check request: a change makes an earlier result out of date. */
static void watch_fields(MpaPaAccountDialog *dlg)
{
	GtkWidget *entries[] = { dlg->address, dlg->password, dlg->smtp_pass, dlg->field[F_RECV_SERVER],
				 dlg->field[F_SMTP_SERVER], dlg->field[F_USERID], dlg->field[F_SMTP_USERID] };

	for (guint i = 0; i < G_N_ELEMENTS(entries); i++)
		if (entries[i])
			g_signal_connect(entries[i], "changed", G_CALLBACK(field_changed), dlg);
	for (gint v = SSL_NONE; v <= SSL_STARTTLS; v++) {
		if (dlg->imap_tls[v])
			g_signal_connect(dlg->imap_tls[v], "toggled", G_CALLBACK(field_changed), dlg);
		if (dlg->smtp_tls[v])
			g_signal_connect(dlg->smtp_tls[v], "toggled", G_CALLBACK(field_changed), dlg);
	}
	if (dlg->field[F_PROTOCOL])
		g_signal_connect(dlg->field[F_PROTOCOL], "changed", G_CALLBACK(field_changed), dlg);
	for (Field f = F_SMTP_AUTH; f <= F_SMTP_PORT; f++) {
		if (!dlg->field[f])
			continue;
		if (GTK_IS_SPIN_BUTTON(dlg->field[f]))
			g_signal_connect(dlg->field[f], "value-changed", G_CALLBACK(field_changed), dlg);
		else
			g_signal_connect(dlg->field[f], "toggled", G_CALLBACK(field_changed), dlg);
	}
}

/* The sign-in method (Receive and Send pages), the OAuth2 service or its client ID changed: the
 * page's choice follows, and a test's OAuth2 flags depend on the methods. */
static void signin_changed(gpointer instance, gpointer data)
{
	MpaPaAccountDialog *dlg = data;

	if (dlg->ready) {
		g_autofree gchar *imap = field_get(dlg, F_IMAP_AUTH);
		g_autofree gchar *smtp = field_get(dlg, F_SMTP_AUTH_METHOD);
		g_autofree gchar *line = g_strdup_printf("imap %s, smtp %s", imap ? imap : "-", smtp ? smtp : "-");

		/* In Claws' --debug output, for the GUI tests: one line each time a method changes. */
		if (g_strcmp0(line, dlg->methods_logged) != 0) {
			debug_print("%s: methods: %s\n", MPA_PLUGIN_NAME, line);
			g_free(dlg->methods_logged);
			dlg->methods_logged = g_steal_pointer(&line);
		}
	}
	if (dlg->signin_changed)
		((void (*)(gpointer))dlg->signin_changed)(dlg->signin_changed_data);
	field_changed(instance, data);
}

static void watch_signin(MpaPaAccountDialog *dlg)
{
	GtkWidget *w[] = { dlg->field[F_IMAP_AUTH], dlg->field[F_SMTP_AUTH_METHOD],
			   dlg->field[F_OAUTH2_PROVIDER], dlg->client_id, dlg->field[F_SMTP_AUTH],
			   dlg->field[F_PROTOCOL] };

	for (guint i = 0; i < G_N_ELEMENTS(w); i++) {
		if (!w[i])
			continue;
		g_signal_connect(w[i], GTK_IS_TOGGLE_BUTTON(w[i]) ? "toggled" : "changed",
				 G_CALLBACK(signin_changed), dlg);
	}
}

static void unwatch(GtkWidget *w, MpaPaAccountDialog *dlg)
{
	if (w)
		g_signal_handlers_disconnect_by_data(w, dlg);
}

/* ---- reacting to the address ---- */

/* @refresh: the hint box shows something else than the provider's hint (a lookup's status or
 * suggestion) and must be redrawn even when the provider stays. */
static void set_provider_refresh(MpaPaAccountDialog *dlg, const MpaProvider *p, gboolean refresh)
{
	gboolean changed = p != dlg->provider;

	dlg->provider = p;
	if (changed || refresh)
		update_hint(dlg);
	if (changed && dlg->changed)
		dlg->changed(p, dlg->changed_data);
}

static void set_provider(MpaPaAccountDialog *dlg, const MpaProvider *p)
{
	set_provider_refresh(dlg, p, TRUE);
}

static void address_changed(GtkEditable *editable, gpointer data)
{
	MpaPaAccountDialog *dlg = data;
	const gchar *text = gtk_entry_get_text(GTK_ENTRY(editable));
	g_autofree gchar *normalized = NULL;
	g_autofree gchar *domain = NULL;
	const MpaProvider *p = NULL;

	/* What the hint box shows besides the provider's hint: redraw when it goes. */
	gboolean refresh = dlg->status != NULL ||
		(dlg->found && dlg->found->needs_confirmation && !dlg->found_applied);

	/* Typing on cancels a lookup in flight (and its debounce). */
	lookup_stop(dlg);
	if (mpa_pa_db())
		p = mpa_db_lookup_address(mpa_pa_db(), text, &normalized, NULL);
	if (!p) {
		domain = domain_of(text);
		/* Still the domain of the last lookup: its result holds (a user ID follows the
		 * address as for a provider file). */
		if (dlg->found && g_strcmp0(domain, dlg->found->domain) == 0) {
			/* (the database's look-up normalised the address along with its "unknown") */
			if (dlg->found_applied)
				p = dlg->found->provider;
		} else {
			dlg->found = NULL;
			dlg->found_applied = FALSE;
			/* Only a new account is looked up, after the typing stops. */
			if (domain && dlg->is_new && mpa_pa_db() && !mpa_lookup_disabled())
				dlg->lookup_timer = g_timeout_add(LOOKUP_DEBOUNCE_MS, lookup_start, dlg);
		}
	} else {
		dlg->found = NULL;
		dlg->found_applied = FALSE;
	}
	/* Only a new account is filled as the user types; an existing one changes only when the
	 * user asks for it on the plugin's page. */
	if (p && normalized && dlg->is_new)
		fill(dlg, p, normalized, FALSE, TRUE);
	set_provider_refresh(dlg, p, refresh);
}

/* The passwords the user typed (the Send page's only when it is not our copy of the Basic
 * page's), as a SHA-256: never the password itself, and no copy left in freed memory. */
static gchar *password_digest(MpaPaAccountDialog *dlg)
{
	const gchar *parts[2] = {
		dlg->password ? gtk_entry_get_text(GTK_ENTRY(dlg->password)) : "",
		dlg->smtp_pass && !dlg->smtp_pass_ours ? gtk_entry_get_text(GTK_ENTRY(dlg->smtp_pass)) : "",
	};

	return mpa_digest_secrets(parts, G_N_ELEMENTS(parts));
}

static gboolean find_widgets(MpaPaAccountDialog *dlg)
{
	GtkWidget *root = GTK_WIDGET(dlg->toplevel);
	GtkWidget *server_frame, *imap_frame, *smtp_frame, *check;

	dlg->address = grid_field(root, CLAWS("Mail address"));
	server_frame = find_frame(root, CLAWS("Server information"), NULL);
	if (!GTK_IS_ENTRY(dlg->address) || !server_frame)
		return FALSE;

	/* Scoped to the frame: the Send page has its own "User ID" and "Password". */
	dlg->field[F_PROTOCOL] = find_first(server_frame, GTK_TYPE_COMBO_BOX);
	dlg->field[F_RECV_SERVER] = grid_field(server_frame, CLAWS("Server for receiving"));
	dlg->field[F_SMTP_SERVER] = grid_field(server_frame, CLAWS("SMTP server (send)"));
	dlg->field[F_USERID] = grid_field(server_frame, CLAWS("User ID"));
	dlg->password = grid_field(server_frame, CLAWS("Password"));

	/* The Send page's own SMTP login ("Authentication" frame); Claws uses it instead of the
	 * Basic page's when its user ID is set. */
	{
		GtkWidget *auth_frame = find_frame(root, CLAWS("Authentication"), has_smtp_auth_check);

		if (auth_frame) {
			dlg->field[F_SMTP_USERID] = box_field(auth_frame, CLAWS("User ID"));
			dlg->smtp_pass = box_field(auth_frame, CLAWS("Password"));
			dlg->field[F_SMTP_AUTH_METHOD] = box_combo(auth_frame, CLAWS("Authentication method"));
		}
	}
	{
		GtkWidget *recv_imap = find_frame(root, CLAWS("IMAP"), has_auth_method);

		if (recv_imap)
			dlg->field[F_IMAP_AUTH] = box_combo(recv_imap, CLAWS("Authentication method"));
	}
	dlg->field[F_OAUTH2_PROVIDER] = box_combo(root, CLAWS("Select OAuth2 Email Service Provider"));
	/* (the only "Client ID" of the dialog: the OAuth2 page's grid) */
	dlg->client_id = grid_field(root, CLAWS("Client ID"));
	if (dlg->client_id && !GTK_IS_ENTRY(dlg->client_id))
		dlg->client_id = NULL;
	imap_frame = find_frame(root, CLAWS("IMAP"), has_value_radios);
	smtp_frame = find_frame(root, CLAWS("Send (SMTP)"), has_value_radios);
	if (imap_frame)
		find_radios(imap_frame, dlg->imap_tls);
	if (smtp_frame)
		find_radios(smtp_frame, dlg->smtp_tls);
	dlg->field[F_IMAP_TLS] = dlg->imap_tls[SSL_TUNNEL];
	dlg->field[F_SMTP_TLS] = dlg->smtp_tls[SSL_TUNNEL];
	dlg->field[F_SMTP_AUTH] = find_button(root, GTK_TYPE_CHECK_BUTTON,
					      CLAWS("SMTP Authentication (SMTP AUTH)"));
	check = find_button(root, GTK_TYPE_CHECK_BUTTON, CLAWS("IMAP port"));
	dlg->field[F_IMAP_PORT_SET] = check;
	dlg->field[F_IMAP_PORT] = port_spin(check);
	check = find_button(root, GTK_TYPE_CHECK_BUTTON, CLAWS("SMTP port"));
	dlg->field[F_SMTP_PORT_SET] = check;
	dlg->field[F_SMTP_PORT] = port_spin(check);

	/* Entries must be entries; anything else means the layout is not the one we know. */
	for (Field f = F_RECV_SERVER; f <= F_SMTP_USERID; f++)
		if (dlg->field[f] && !GTK_IS_ENTRY(dlg->field[f]))
			dlg->field[f] = NULL;
	if (dlg->password && !GTK_IS_ENTRY(dlg->password))
		dlg->password = NULL;

	track(&dlg->address);
	track(&dlg->password);
	track(&dlg->smtp_pass);
	track(&dlg->client_id);
	for (Field f = 0; f < F_COUNT; f++)
		track(&dlg->field[f]);
	for (gint v = SSL_NONE; v <= SSL_STARTTLS; v++) {
		track(&dlg->imap_tls[v]);
		track(&dlg->smtp_tls[v]);
	}
	for (Field f = 0; f < F_COUNT; f++)
		dlg->initial[f] = field_get(dlg, f);

	for (Field f = 0; f < F_COUNT; f++)
		if (!dlg->field[f])
			g_warning("%s: account dialog field %d not found", MPA_PLUGIN_NAME, f);

	create_hint(dlg);
	g_signal_connect(dlg->address, "changed", G_CALLBACK(address_changed), dlg);
	if (dlg->password)
		g_signal_connect(dlg->password, "changed", G_CALLBACK(password_changed), dlg);
	if (dlg->smtp_pass)
		g_signal_connect(dlg->smtp_pass, "changed", G_CALLBACK(smtp_password_changed), dlg);
	watch_fields(dlg);
	watch_signin(dlg);
	dlg->ready = TRUE;
	/* The address may already be there (editing, or a pasted address before we were ready). */
	address_changed(GTK_EDITABLE(dlg->address), dlg);
	dlg->saved_password_digest = password_digest(dlg);
	return TRUE;
}

static gboolean find_later(gpointer data)
{
	MpaPaAccountDialog *dlg = data;

	if (find_widgets(dlg) || ++dlg->retries >= FIND_RETRIES) {
		dlg->find_source = 0;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

MpaPaAccountDialog *mpa_pa_account_dialog_attach(GtkWindow *toplevel, gpointer ac_prefs,
						 MpaPaProviderChangedFunc changed,
						 gpointer user_data)
{
	MpaPaAccountDialog *dlg = g_new0(MpaPaAccountDialog, 1);

	dlg->toplevel = toplevel;
	g_object_add_weak_pointer(G_OBJECT(toplevel), (gpointer *)&dlg->toplevel);
	dlg->ac_prefs = ac_prefs;
	/* A new account's PrefsAccount exists already but is not in the account list yet. */
	dlg->is_new = g_list_find(account_get_list(), ac_prefs) == NULL;
	dlg->changed = changed;
	dlg->changed_data = user_data;
	if (!find_widgets(dlg))
		dlg->find_source = g_timeout_add(20, find_later, dlg);
	return dlg;
}

void mpa_pa_account_dialog_detach(MpaPaAccountDialog *dlg)
{
	if (!dlg)
		return;
	if (dlg->find_source)
		g_source_remove(dlg->find_source);
	lookup_stop(dlg);
	if (dlg->address)
		g_signal_handlers_disconnect_by_data(dlg->address, dlg);
	if (dlg->password)
		g_signal_handlers_disconnect_by_data(dlg->password, dlg);
	if (dlg->smtp_pass)
		g_signal_handlers_disconnect_by_data(dlg->smtp_pass, dlg);
	unwatch(dlg->client_id, dlg);
	untrack(&dlg->client_id);
	for (Field f = 0; f < F_COUNT; f++)
		unwatch(dlg->field[f], dlg);
	for (gint v = SSL_NONE; v <= SSL_STARTTLS; v++) {
		unwatch(dlg->imap_tls[v], dlg);
		unwatch(dlg->smtp_tls[v], dlg);
	}
	if (dlg->hint)
		gtk_widget_destroy(dlg->hint);
	untrack(&dlg->hint);
	untrack(&dlg->hint_label);
	untrack(&dlg->confirm);
	untrack(&dlg->address);
	untrack(&dlg->password);
	untrack(&dlg->smtp_pass);
	for (Field f = 0; f < F_COUNT; f++) {
		untrack(&dlg->field[f]);
		g_free(dlg->initial[f]);
		g_free(dlg->last_set[f]);
	}
	for (gint v = SSL_NONE; v <= SSL_STARTTLS; v++) {
		untrack(&dlg->imap_tls[v]);
		untrack(&dlg->smtp_tls[v]);
	}
	if (dlg->toplevel)
		g_object_remove_weak_pointer(G_OBJECT(dlg->toplevel), (gpointer *)&dlg->toplevel);
	g_free(dlg->saved_password_digest);
	g_free(dlg->methods_logged);
	g_free(dlg);
}

gboolean mpa_pa_account_dialog_password_changed(MpaPaAccountDialog *dlg)
{
	g_autofree gchar *now = NULL;

	if (!dlg || !dlg->ready || !dlg->saved_password_digest)
		return FALSE;
	now = password_digest(dlg);
	return strcmp(now, dlg->saved_password_digest) != 0;
}

void mpa_pa_account_dialog_password_saved(MpaPaAccountDialog *dlg)
{
	if (!dlg || !dlg->ready)
		return;
	g_free(dlg->saved_password_digest);
	dlg->saved_password_digest = password_digest(dlg);
}

gboolean mpa_pa_account_dialog_is_new(const MpaPaAccountDialog *dlg)
{
	return dlg->is_new;
}

const MpaProvider *mpa_pa_account_dialog_provider(const MpaPaAccountDialog *dlg)
{
	return dlg->provider;
}

void mpa_pa_account_dialog_set_fields_changed(MpaPaAccountDialog *dlg, void (*func)(gpointer data),
					      gpointer data)
{
	dlg->fields_changed = (GCallback)func;
	dlg->fields_changed_data = data;
}

/* A digest of everything a check request is made of (the password included, as a SHA-256 of it
 * with the rest: never the password itself). */
gchar *mpa_pa_account_dialog_fingerprint(MpaPaAccountDialog *dlg)
{
	GtkWidget *entries[] = { dlg->address, dlg->password, dlg->smtp_pass };
	const gchar *parts[G_N_ELEMENTS(entries) + F_COUNT];
	gchar *values[F_COUNT];
	gchar *digest;

	if (!dlg->ready)
		return g_strdup("");
	/* The entries' texts are borrowed, never copied; the fields' values are ours. */
	for (guint i = 0; i < G_N_ELEMENTS(entries); i++)
		parts[i] = entries[i] ? gtk_entry_get_text(GTK_ENTRY(entries[i])) : "";
	for (Field f = 0; f < F_COUNT; f++)
		parts[G_N_ELEMENTS(entries) + f] = values[f] = field_get(dlg, f);
	digest = mpa_digest_secrets(parts, G_N_ELEMENTS(parts));
	for (Field f = 0; f < F_COUNT; f++)
		g_free(values[f]);
	return digest;
}

gint mpa_pa_account_dialog_account_id(const MpaPaAccountDialog *dlg)
{
	return dlg->ac_prefs ? dlg->ac_prefs->account_id : -1;
}

MpaPaApplyResult mpa_pa_account_dialog_apply(MpaPaAccountDialog *dlg)
{
	g_autofree gchar *normalized = NULL;
	const MpaProvider *p;
	gboolean receive;

	if (!dlg->ready || !dlg->address)
		return MPA_PA_APPLY_NOTHING;
	p = mpa_db_lookup_address(mpa_pa_db(), gtk_entry_get_text(GTK_ENTRY(dlg->address)),
				  &normalized, NULL);
	/* Settings a lookup found for this domain (and, when only suggested, confirmed). */
	if (!p && dlg->found && dlg->found_applied && normalized &&
	    g_strcmp0(strchr(normalized, '@') + 1, dlg->found->domain) == 0)
		p = dlg->found->provider;
	if (!p)
		return MPA_PA_APPLY_NOTHING;
	/* Claws cannot change the protocol of an existing account: it hides the protocol list but
	 * still saves whatever it holds, so selecting IMAP in a POP3 account would turn it into an
	 * IMAP account without an IMAP folder tree.  An existing account that is not IMAP keeps its
	 * receiving side (provider files describe IMAP only) and gets the SMTP settings. */
	receive = dlg->is_new ||
		(dlg->field[F_PROTOCOL] &&
		 combobox_get_active_data(GTK_COMBO_BOX(dlg->field[F_PROTOCOL])) == A_IMAP4);
	fill(dlg, p, normalized, TRUE, receive);
	if (!receive && p->imap)
		return MPA_PA_APPLY_SMTP_ONLY;
	return MPA_PA_APPLY_ALL;
}

/* ---- reading the dialog for a check ---- */

static const gchar *entry_text(GtkWidget *w)
{
	const gchar *t = w ? gtk_entry_get_text(GTK_ENTRY(w)) : NULL;

	return (t && *t) ? t : NULL;
}

static MpaSecurity security_of(GtkWidget **radios)
{
	if (radios[SSL_TUNNEL] && gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(radios[SSL_TUNNEL])))
		return MPA_SECURITY_SSL;
	if (radios[SSL_STARTTLS] &&
	    gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(radios[SSL_STARTTLS])))
		return MPA_SECURITY_STARTTLS;
	return MPA_SECURITY_PLAIN;
}

static guint16 port_of(MpaPaAccountDialog *dlg, Field set, Field spin, MpaSecurity sec,
		       guint16 ssl_port,
		       guint16 plain_port)
{
	if (dlg->field[set] && dlg->field[spin] &&
	    gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(dlg->field[set])))
		return (guint16)gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(dlg->field[spin]));
	/* What Claws does without an explicit port (imap.c, send_message.c). */
	return sec == MPA_SECURITY_SSL ? ssl_port : plain_port;
}

MpaCheckRequest *mpa_pa_account_dialog_make_request(MpaPaAccountDialog *dlg, GError **error)
{
	const gchar *address, *recv, *smtp, *uid, *smtp_uid, *smtp_pass;
	MpaCheckRequest *req;
	gboolean imap, smtp_auth, imap_oauth2, smtp_oauth2;

	if (!dlg->ready || !dlg->address) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
				    _("The account dialog's fields were not found"));
		return NULL;
	}
	address = entry_text(dlg->address);
	recv = entry_text(dlg->field[F_RECV_SERVER]);
	smtp = entry_text(dlg->field[F_SMTP_SERVER]);
	uid = entry_text(dlg->field[F_USERID]);
	imap = dlg->field[F_PROTOCOL] &&
		combobox_get_active_data(GTK_COMBO_BOX(dlg->field[F_PROTOCOL])) == A_IMAP4;
	if (!address) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
				    _("Type the mail address on the Basic page first"));
		return NULL;
	}
	if ((!imap || !recv) && !smtp) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
				    _("Type the IMAP or SMTP server on the Basic page first"));
		return NULL;
	}
	/* Like Claws when sending: with SMTP AUTH on and a user ID on the Send page, SMTP logs in
	 * with that user ID and the Send page's password (the Basic page's when that is empty). */
	smtp_auth = dlg->field[F_SMTP_AUTH] &&
		gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(dlg->field[F_SMTP_AUTH]));
	smtp_uid = smtp_auth ? entry_text(dlg->field[F_SMTP_USERID]) : NULL;
	smtp_pass = smtp_uid ? entry_text(dlg->smtp_pass) : NULL;
	/* OAuth2 (Outlook): the check sends no login there, so it needs no password */
	imap_oauth2 = dlg->field[F_IMAP_AUTH] &&
		combobox_get_active_data(GTK_COMBO_BOX(dlg->field[F_IMAP_AUTH])) == IMAP_AUTH_OAUTH2;
	smtp_oauth2 = smtp_auth && dlg->field[F_SMTP_AUTH_METHOD] &&
		combobox_get_active_data(GTK_COMBO_BOX(dlg->field[F_SMTP_AUTH_METHOD])) == SMTPAUTH_OAUTH2;
	if (!entry_text(dlg->password) && !(smtp_pass && smtp && !(imap && recv)) &&
	    !((imap_oauth2 || !(imap && recv)) && (smtp_oauth2 || !smtp))) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
				    _("Type the password on the Basic page first"));
		return NULL;
	}

	req = mpa_check_request_new(address);
	if (imap && recv) {
		MpaSecurity sec = security_of(dlg->imap_tls);
		mpa_check_request_set_imap(req, recv,
					   port_of(dlg, F_IMAP_PORT_SET, F_IMAP_PORT, sec, 993, 143),
					   sec, uid ? uid : address);
	}
	if (smtp) {
		MpaSecurity sec = security_of(dlg->smtp_tls);
		const gchar *login = smtp_uid ? smtp_uid : (uid ? uid : address);

		mpa_check_request_set_smtp(req, smtp,
					   port_of(dlg, F_SMTP_PORT_SET, F_SMTP_PORT, sec, 465, 25),
					   sec, login);
	}
	mpa_check_request_set_oauth2(req, MPA_PROTOCOL_IMAP, imap_oauth2);
	mpa_check_request_set_oauth2(req, MPA_PROTOCOL_SMTP, smtp_oauth2);
	/* Straight from the entry's buffer into the request's own wiped memory: no copy here. */
	if (dlg->password)
		mpa_check_request_set_password(req, gtk_entry_get_text(GTK_ENTRY(dlg->password)));
	if (smtp_pass)
		mpa_check_request_set_smtp_password(req, smtp_pass);
	if (mpa_pa_ca_file())
		mpa_check_request_set_ca_file(req, mpa_pa_ca_file());
	return req;
}

/* ---- the sign-in choice: a password or OAuth2 ---- */

void mpa_pa_account_dialog_set_signin_changed(MpaPaAccountDialog *dlg, void (*func)(gpointer data),
					      gpointer data)
{
	dlg->signin_changed = (GCallback)func;
	dlg->signin_changed_data = data;
}

static gboolean receives_imap(MpaPaAccountDialog *dlg)
{
	return dlg->field[F_PROTOCOL] &&
		combobox_get_active_data(GTK_COMBO_BOX(dlg->field[F_PROTOCOL])) == A_IMAP4;
}

gboolean mpa_pa_account_dialog_uses_oauth2(MpaPaAccountDialog *dlg)
{
	if (!dlg->ready)
		return FALSE;
	if (receives_imap(dlg) && dlg->field[F_IMAP_AUTH] &&
	    combobox_get_active_data(GTK_COMBO_BOX(dlg->field[F_IMAP_AUTH])) == IMAP_AUTH_OAUTH2)
		return TRUE;
	return dlg->field[F_SMTP_AUTH] && dlg->field[F_SMTP_AUTH_METHOD] &&
		gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(dlg->field[F_SMTP_AUTH])) &&
		combobox_get_active_data(GTK_COMBO_BOX(dlg->field[F_SMTP_AUTH_METHOD])) == SMTPAUTH_OAUTH2;
}

/* The user's pick on the plugin's page.  Put into the widgets without recording it as the
 * plugin's (last_set): it is the user's choice, which typing the address again or Apply provider
 * settings keeps (see keeps_oauth2). */
void mpa_pa_account_dialog_set_oauth2(MpaPaAccountDialog *dlg, gboolean oauth2)
{
	const MpaProvider *p = dlg->provider;
	gchar num[16];

	if (!dlg->ready || !p)
		return;
	if (p->imap && receives_imap(dlg)) {
		g_snprintf(num, sizeof num, "%d",
			   oauth2 ? IMAP_AUTH_OAUTH2 : imap_auth_value(p->imap->auth_method));
		field_put(dlg, F_IMAP_AUTH, num);
	}
	if (p->smtp) {
		if (oauth2)
			field_put(dlg, F_SMTP_AUTH, "1");
		g_snprintf(num, sizeof num, "%d",
			   oauth2 ? SMTPAUTH_OAUTH2 : smtp_auth_value(p->smtp->auth_method));
		field_put(dlg, F_SMTP_AUTH_METHOD, num);
	}
	/* The service for the token; back to what the account had when the password returns. */
	if (oauth2) {
		g_snprintf(num, sizeof num, "%d", oauth2_value(p->oauth2_provider));
		field_put(dlg, F_OAUTH2_PROVIDER, num);
	} else if (dlg->initial[F_OAUTH2_PROVIDER]) {
		field_put(dlg, F_OAUTH2_PROVIDER, dlg->initial[F_OAUTH2_PROVIDER]);
	}
}

MpaOAuth2Provider mpa_pa_account_dialog_oauth2_service(MpaPaAccountDialog *dlg)
{
	gint v;

	if (!dlg->ready || !dlg->field[F_OAUTH2_PROVIDER])
		return MPA_OAUTH2_NONE;
	v = combobox_get_active_data(GTK_COMBO_BOX(dlg->field[F_OAUTH2_PROVIDER]));
	for (MpaOAuth2Provider p = MPA_OAUTH2_GOOGLE; p <= MPA_OAUTH2_YAHOO; p++)
		if (oauth2_value(p) == v)
			return p;
	return MPA_OAUTH2_NONE;
}

/* Whether this Claws Mail has a client ID of its own for @service, and the redirect URI it
 * signs in with.
 *
 * What Claws Mail 4.1.1 does (src/oauth2.c): the built-in client IDs are a static table
 * (OAUTH2info[service][OA2_CLIENT_ID], base64 and passcrypt encoded); upstream's source leaves
 * all four empty (Google, MS Outlook, MS Exchange, Yahoo), and a distribution could patch its
 * own in.  The table cannot be read from a plugin, but oauth2_authorisation_url(service, &url,
 * NULL) — exported by the claws-mail binary, used by the OAuth2 page's "Open default browser
 * with request" — builds the sign-in address from it: ".../auth?client_id=<built-in ID>
 * &redirect_uri=http%3A%2F%2F127.0.0.1%3A8888&...".  An empty client_id there is Claws' own way
 * of having none; the user's "Client ID" (accountrc oauth2_client_id) replaces it when set.
 * Asked at run time rather than assumed, through dlsym: a Claws built without OAuth2 has no such
 * symbol (then: no built-in ID). */
static gboolean claws_probe_client_id(gint service, gchar **redirect_uri)
{
	GModule *self = g_module_open(NULL, 0);
	gint (*auth_url)(gint service, gchar * *url, const gchar *custom_client_id) = NULL;
	gchar *url = NULL;
	gboolean has = FALSE;

	*redirect_uri = NULL;
	if (self && g_module_symbol(self, "oauth2_authorisation_url", (gpointer *)&auth_url) &&
	    auth_url && auth_url(service, &url, NULL) == 0 && url) {
		const gchar *q = strchr(url, '?');
		g_auto(GStrv) params = g_strsplit(q ? q + 1 : "", "&", -1);

		for (guint i = 0; params[i]; i++) {
			if (g_str_has_prefix(params[i], "client_id="))
				has = params[i][strlen("client_id=")] != '\0';
			else if (!*redirect_uri && g_str_has_prefix(params[i], "redirect_uri="))
				*redirect_uri = g_uri_unescape_string(params[i] + strlen("redirect_uri="),
								      NULL);
		}
	}
	g_free(url);
	if (self)
		g_module_close(self);
	/* In Claws' --debug output (once per service and session): what this Claws Mail has. */
	debug_print("%s: OAuth2 service %d: built-in client ID: %s, redirect URI %s\n",
		    MPA_PLUGIN_NAME, service, has ? "yes" : "none", *redirect_uri ? *redirect_uri : "?");
	return has;
}

/* Asked once per service: Claws' table does not change while it runs. */
static gboolean claws_has_client_id(gint service, gchar **redirect_uri)
{
	static gint known[CLAWS_OAUTH2_YAHOO + 1]; /* 0: not asked, 1: none, 2: built in */
	static gchar *redirect[CLAWS_OAUTH2_YAHOO + 1];

	if (service <= CLAWS_OAUTH2_NONE || service > CLAWS_OAUTH2_YAHOO) {
		*redirect_uri = NULL;
		return FALSE;
	}
	if (!known[service])
		known[service] = claws_probe_client_id(service, &redirect[service]) ? 2 : 1;
	*redirect_uri = g_strdup(redirect[service]);
	return known[service] == 2;
}

gboolean mpa_pa_account_dialog_client_id_missing(MpaPaAccountDialog *dlg, gchar **redirect_uri)
{
	MpaOAuth2Provider service = mpa_pa_account_dialog_oauth2_service(dlg);
	gboolean builtin;
	g_autofree gchar *redirect = NULL;

	if (redirect_uri)
		*redirect_uri = NULL;
	if (service == MPA_OAUTH2_NONE && dlg->provider)
		service = dlg->provider->oauth2_provider;
	if (!mpa_pa_account_dialog_uses_oauth2(dlg) || service == MPA_OAUTH2_NONE)
		return FALSE;
	builtin = claws_has_client_id(oauth2_value(service), &redirect);
	if (builtin || (dlg->client_id && *gtk_entry_get_text(GTK_ENTRY(dlg->client_id)) != '\0'))
		return FALSE;
	if (redirect_uri)
		*redirect_uri = g_steal_pointer(&redirect);
	return TRUE;
}
