/* Provider Assistant — hints when Claws Mail's own logins fail later on.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Claws tells about a failed login only in an alert ("login refused") and in its log, where the
 * server's words are.  The log hook sees every line on the main loop; pa-loglines correlates them,
 * and this file maps the host to the account and its provider, diagnoses the server's words and
 * shows one non-modal window per account and cause per session.  Claws' alert runs a nested main
 * loop, so the hint waits until every alert has closed instead of stacking on top of it.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "common/hooks.h"
#include "common/log.h"
#include "common/utils.h"
#include "alertpanel.h"
#include "prefs_account.h"
#include "prefs_common.h"
#include "account.h"
#include "mainwindow.h" /* ACCOUNT_LIST_CHANGED_HOOKLIST */

#include "mpa-diagnose.h"
#include "mpa-logins.h"
#include "pa-loglines.h"
#include "pa-hints.h"
#include "pa-shared.h"

typedef struct {
	gint account_id;
	gchar *account_name;
	MpaPaLogService service;
	MpaNetError net_error; /* MPA_NET_NONE: the server refused a login or a message */
	gchar *host;
	MpaDiagnosis *diagnosis;
} Hint;

static gulong log_hook_id = HOOK_NONE;
static gulong alert_hook_id = HOOK_NONE;
static gulong accounts_hook_id = HOOK_NONE;
static MpaPaLogWatch *watch;
static GHashTable *shown; /* "account-id:cause" seen this session */
static GQueue pending;    /* of Hint*, waiting for the alerts to close */
static gint alerts_open;
static guint show_source;
static GSList *windows;      /* open hint windows */
static GHashTable *problems; /* account id -> MpaPaLastProblem*: the last one of each account */
static guint open_source;    /* opens an account's preferences from a hint window */
/* opens an account's page: the function mpa_pa_hints_init() was given */
static MpaPaOpenAccountFunc open_account_func;

static void hint_free(Hint *h)
{
	g_free(h->account_name);
	g_free(h->host);
	if (h->diagnosis)
		mpa_diagnosis_free(h->diagnosis);
	g_free(h);
}

static PrefsAccount *find_account(const MpaPaLogFailure *f)
{
	PrefsAccount *by_host = NULL;

	for (GList *l = account_get_list(); l; l = l->next) {
		PrefsAccount *ac = l->data;
		const gchar *server = f->service == MPA_PA_LOG_SMTP ? ac->smtp_server : ac->recv_server;
		gboolean host_ok = server && f->host && g_ascii_strcasecmp(server, f->host) == 0;

		if (f->account_name && g_strcmp0(ac->account_name, f->account_name) == 0 &&
		    (host_ok || !f->host))
			return ac;
		if (host_ok && !by_host)
			by_host = ac;
	}
	return by_host;
}

static void problem_free(gpointer data)
{
	MpaPaLastProblem *lp = data;

	g_free(lp->server);
	g_free(lp->headline);
	g_free(lp->fix);
	g_free(lp->reply);
	g_free(lp);
}

const MpaPaLastProblem *mpa_pa_hints_last_problem(gint account_id)
{
	return problems ? g_hash_table_lookup(problems, GINT_TO_POINTER(account_id)) : NULL;
}

/* Claws' log cannot tell "connection refused" from a server name that does not exist or no
 * network at all (libetpan says "connection refused" for all three): the headline says no more
 * than is known, and the steps go from the most common cause to the least. */
static gboolean unreachable(const Hint *h)
{
	return h->net_error == MPA_NET_REFUSED;
}

static const gchar *protocol_name(const Hint *h)
{
	switch (h->service) {
	case MPA_PA_LOG_IMAP: return "IMAP";
	case MPA_PA_LOG_POP3: return "POP3";
	case MPA_PA_LOG_SMTP: break;
	}
	return "SMTP";
}

/* The headline of a hint, plain text. */
static gchar *hint_headline(const Hint *h, const MpaExplanation *e)
{
	const gchar *host = h->host ? h->host : "";

	if (unreachable(h))
		/* TRANSLATORS: %s is a server name, then IMAP or SMTP. */
		return g_strdup_printf(_("Could not reach %s (%s)"), host, protocol_name(h));
	if (h->net_error != MPA_NET_NONE && h->service == MPA_PA_LOG_SMTP)
		return g_strdup_printf(_("Could not connect to %s (SMTP): %s"), host, e->title);
	if (h->net_error != MPA_NET_NONE)
		return g_strdup_printf(_("Could not connect to %s (IMAP): %s"), host, e->title);
	if (h->service == MPA_PA_LOG_POP3)
		return g_strdup_printf(_("Login to %s failed (POP3): %s"), host, e->title);
	if (h->service == MPA_PA_LOG_IMAP)
		return g_strdup_printf(_("Login to %s failed (IMAP): %s"), host, e->title);
	return g_strdup_printf(_("Sending through %s failed (SMTP): %s"), host, e->title);
}

static gchar *hint_fix(const Hint *h, const MpaExplanation *e)
{
	if (unreachable(h))
		return g_strdup_printf(_("1. Check that this computer is online: open a web page.\n"
					 "2. Check the server name %s on the account's Basic page for "
					 "typing mistakes.\n"
					 "3. Check the port and the security setting (SSL/TLS or "
					 "STARTTLS); Apply provider settings on the account's page sets "
					 "the provider's.\n"
					 "4. A firewall, antivirus program or the network (hotel, company) "
					 "may block mail traffic: try another network.\n"
					 "5. If all of this is right, the server may be down: try again "
					 "later."),
				       h->host ? h->host : "");
	return g_strdup(e->fix);
}

static void remember_problem(const Hint *h, const MpaExplanation *e, const MpaDiagnosis *d)
{
	MpaPaLastProblem *lp = g_new0(MpaPaLastProblem, 1);

	lp->when = g_get_real_time();
	lp->server = g_strdup_printf("%s (%s)", h->host ? h->host : "?", protocol_name(h));
	lp->headline = hint_headline(h, e);
	lp->fix = hint_fix(h, e);
	lp->reply = g_strdup(d->reply);
	g_hash_table_replace(problems, GINT_TO_POINTER(h->account_id), lp);
}

static gboolean open_account_idle(gpointer data)
{
	open_source = 0;
	if (open_account_func != NULL)
		open_account_func(GPOINTER_TO_INT(data));
	return G_SOURCE_REMOVE;
}

/* "Open account settings": the hint window closes (the page shows the same problem) and the
 * account's preferences open on the plugin's page, from the main loop. */
static void open_clicked(GtkButton *b, gpointer data)
{
	GtkWidget *win = gtk_widget_get_toplevel(GTK_WIDGET(b));
	gint id = GPOINTER_TO_INT(data);

	gtk_widget_destroy(win);
	if (!open_source)
		open_source = g_idle_add(open_account_idle, GINT_TO_POINTER(id));
}

static void window_destroyed(GtkWidget *w, gpointer data)
{
	windows = g_slist_remove(windows, w);
}

static GtkWidget *label(GtkWidget *box, const gchar *text, gboolean markup)
{
	GtkWidget *l = gtk_label_new(NULL);

	if (markup)
		gtk_label_set_markup(GTK_LABEL(l), text);
	else
		gtk_label_set_text(GTK_LABEL(l), text);
	gtk_label_set_line_wrap(GTK_LABEL(l), TRUE);
	/* A toplevel takes the height its content needs at its *minimum* width: without a minimum
	 * the labels would be measured wrapped to a few words per line (a window 1000 px tall). */
	gtk_label_set_width_chars(GTK_LABEL(l), 56);
	gtk_label_set_max_width_chars(GTK_LABEL(l), 64);
	gtk_label_set_xalign(GTK_LABEL(l), 0.0);
	/* Every text can be copied with the mouse (the headline too, e.g. to search for it); no
	 * label takes the focus (a focused selectable label shows all its text selected). */
	gtk_label_set_selectable(GTK_LABEL(l), TRUE);
	gtk_widget_set_can_focus(l, FALSE); /* mouse selection still works */
	gtk_box_pack_start(GTK_BOX(box), l, FALSE, FALSE, 0);
	return l;
}

static void close_clicked(GtkButton *b, gpointer data)
{
	gtk_widget_destroy(GTK_WIDGET(data));
}

static gboolean key_pressed(GtkWidget *win, GdkEventKey *event, gpointer data)
{
	if (event->keyval != GDK_KEY_Escape)
		return FALSE;
	gtk_widget_destroy(win);
	return TRUE;
}

static void show_hint(Hint *h)
{
	const MpaExplanation *e = h->diagnosis->causes->pdata[0];
	GtkWidget *win, *vbox, *bbox, *close, *open;
	g_autofree gchar *title = NULL;
	g_autofree gchar *head = NULL;
	g_autofree gchar *headline = hint_headline(h, e);
	g_autofree gchar *fix = hint_fix(h, e);

	win = gtk_window_new(GTK_WINDOW_TOPLEVEL);
	/* TRANSLATORS: window title; %s is the account name. */
	title = g_strdup_printf(_("Provider Assistant: %s"), h->account_name);
	gtk_window_set_title(GTK_WINDOW(win), title);
	gtk_window_set_role(GTK_WINDOW(win), "provider_assistant_hint");
	gtk_window_set_type_hint(GTK_WINDOW(win), GDK_WINDOW_TYPE_HINT_DIALOG);
	gtk_container_set_border_width(GTK_CONTAINER(win), 12);
	vbox = gtk_box_new(GTK_ORIENTATION_VERTICAL, 8);
	gtk_container_add(GTK_CONTAINER(win), vbox);

	head = g_markup_printf_escaped("<big><b>%s</b></big>", headline);
	label(vbox, head, TRUE);
	if (fix)
		label(vbox, fix, FALSE);
	if (e->link && !unreachable(h)) {
		GtkWidget *lb = gtk_link_button_new(e->link);
		GtkWidget *hb = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
		gtk_box_pack_start(GTK_BOX(hb), lb, FALSE, FALSE, 0);
		gtk_box_pack_start(GTK_BOX(vbox), hb, FALSE, FALSE, 0);
	}
	if (h->diagnosis->reply) {
		g_autofree gchar *t = g_strdup_printf(_("Server said: %s"), h->diagnosis->reply);
		label(vbox, t, FALSE);
	}
	if (h->net_error == MPA_NET_TIMEOUT)
		label(vbox, _("Claws Mail waited for the server for its whole network timeout before "
			      "giving up, without saying why. A longer timeout (Preferences › Other › "
			      "Miscellaneous) does not help a server that cannot be reached: the steps "
			      "above do."),
		      FALSE);
	else if (h->net_error == MPA_NET_NONE)
		label(vbox, _("Fix the password (Open account settings, below) before Claws Mail "
			      "tries again: it retries a failed login several times and asks for the "
			      "password again, and a series of failed logins (about six) can make the "
			      "provider's risk control lock the account for a while."),
		      FALSE);
	if (h->service == MPA_PA_LOG_IMAP && h->net_error != MPA_NET_NONE)
		label(vbox, _("If this account was just created, its folder list may be empty because "
			      "the first connection failed, and Claws Mail will not fetch it by itself. "
			      "Once the server can be reached, press Open account settings, then Test "
			      "connection: when the test passes, the page offers to fetch the folder "
			      "list."),
		      FALSE);
	else if (h->service == MPA_PA_LOG_IMAP)
		label(vbox, _("If this account was just created, its folder list may be empty "
			      "because the first login failed, and Claws Mail will not fetch it by "
			      "itself. Press Open account settings, fix the password, then press Test "
			      "connection: when the test passes, the page offers to fetch the folder "
			      "list."),
		      FALSE);

	bbox = gtk_button_box_new(GTK_ORIENTATION_HORIZONTAL);
	gtk_button_box_set_layout(GTK_BUTTON_BOX(bbox), GTK_BUTTONBOX_END);
	/* A way forward: the account's preferences, on the plugin's page (it shows this problem
	 * again, and Test connection is there). */
	open = gtk_button_new_with_mnemonic(_("_Open account settings"));
	g_signal_connect(open, "clicked", G_CALLBACK(open_clicked), GINT_TO_POINTER(h->account_id));
	gtk_container_add(GTK_CONTAINER(bbox), open);
	close = gtk_button_new_with_label(_("Close"));
	g_signal_connect(close, "clicked", G_CALLBACK(close_clicked), win);
	gtk_container_add(GTK_CONTAINER(bbox), close);
	gtk_box_pack_start(GTK_BOX(vbox), bbox, FALSE, FALSE, 0);

	g_signal_connect(win, "destroy", G_CALLBACK(window_destroyed), NULL);
	windows = g_slist_prepend(windows, win);
	g_signal_connect(win, "key-press-event", G_CALLBACK(key_pressed), NULL);
	gtk_widget_show_all(win);
	gtk_widget_grab_focus(close);
	log_message(LOG_PROTOCOL, "%s: %s: %s\n", MPA_PLUGIN_NAME, h->account_name, e->cause);
	debug_print("%s: hint: %s: %s\n", MPA_PLUGIN_NAME, h->account_name, headline);
}

static gboolean show_pending(gpointer data)
{
	Hint *h;

	show_source = 0;
	if (alerts_open > 0)
		return G_SOURCE_REMOVE;
	while ((h = g_queue_pop_head(&pending))) {
		show_hint(h);
		hint_free(h);
	}
	return G_SOURCE_REMOVE;
}

/* Claws logs "LOGIN error" a moment before it opens its own "login refused" alert (the log hook
 * runs from a zero timeout, the alert after the IMAP thread returns), so a hint shown at once
 * would end up under that alert.  Waiting a little lets the alert open first; the hint then
 * waits for it to close (alert_hook). */
#define SHOW_DELAY_MS 1500

static void schedule_show(void)
{
	if (!show_source && alerts_open == 0 && !g_queue_is_empty(&pending))
		show_source = g_timeout_add(SHOW_DELAY_MS, show_pending, NULL);
}

/* Claws' own successful logins, kept per account (no secret) so that a later refusal of the same
 * password can say "the password that worked is no longer valid" (mpa-logins.h). */
static gchar *logins_path(void)
{
	return g_build_filename(get_rc_dir(), MPA_LOGINS_FILE_NAME, NULL);
}

void mpa_pa_hints_record_login(gint account_id, MpaProtocol protocol)
{
	g_autofree gchar *path = logins_path();
	g_autofree gchar *key = g_strdup_printf("%d", account_id);
	g_autoptr(GError) error = NULL;

	if (!mpa_logins_record(path, key, protocol, g_get_real_time() / G_USEC_PER_SEC, &error))
		debug_print("Provider Assistant: cannot record a login: %s\n", error->message);
}

gboolean mpa_pa_hints_worked_before(gint account_id, MpaProtocol protocol)
{
	g_autofree gchar *path = NULL;
	g_autofree gchar *key = NULL;

	if (account_id < 0)
		return FALSE;
	path = logins_path();
	key = g_strdup_printf("%d", account_id);
	return mpa_logins_worked_before(path, key, protocol);
}

void mpa_pa_hints_forget_logins(gint account_id)
{
	g_autofree gchar *path = logins_path();
	g_autofree gchar *key = g_strdup_printf("%d", account_id);
	g_autoptr(GError) error = NULL;

	if (account_id >= 0 && !mpa_logins_forget(path, key, &error))
		debug_print("Provider Assistant: cannot update the login record: %s\n", error->message);
}

/* Claws' account list changed (an account added, edited or deleted): the record keeps only the
 * accounts that still exist. */
static gboolean account_list_hook(gpointer source, gpointer data)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
	g_autofree gchar *path = NULL;
	g_autoptr(GError) error = NULL;

	for (GList *cur = account_get_list(); cur; cur = cur->next)
		g_ptr_array_add(ids, g_strdup_printf("%d", ((PrefsAccount *)cur->data)->account_id));
	/* an empty list is a Claws still starting or quitting, not every account deleted */
	if (ids->len == 0)
		return FALSE;
	g_ptr_array_add(ids, NULL);
	path = logins_path();
	if (!mpa_logins_keep_only(path, (const gchar *const *)ids->pdata, &error))
		debug_print("Provider Assistant: cannot update the login record: %s\n", error->message);
	return FALSE;
}

static void handle_failure(const MpaPaLogFailure *f)
{
	PrefsAccount *ac = find_account(f);
	const MpaProvider *p;
	MpaFailure fail = { 0 };
	g_autofree gchar *imap_code = NULL;
	g_autofree gchar *enhanced = NULL;
	MpaDiagnosis *d;
	const MpaExplanation *e;
	gchar *key;
	Hint *h;

	if (!ac)
		return;
	/* Unknown provider: stay out of the way. */
	p = mpa_pa_lookup(ac->address);
	if (!p)
		return;

	/* POP3: the provider's rules for its receiving side */
	fail.protocol = mpa_pa_log_service_side(f->service);
	fail.stage = f->stage;
	fail.net_error = f->net_error;
	fail.reply = f->reply;
	if (f->reply) {
		if (fail.protocol == MPA_PROTOCOL_IMAP)
			imap_code = mpa_reply_imap_code(f->reply);
		else
			mpa_reply_smtp(f->reply, &fail.smtp_code, &enhanced);
	}
	fail.imap_code = imap_code;
	fail.enhanced_code = enhanced;
	fail.port = f->port;
	/* POP3 logins are recorded for the receiving side too */
	fail.worked_before = mpa_pa_hints_worked_before(ac->account_id, fail.protocol);
	d = mpa_diagnose(p, &fail, NULL);
	if (!d || !d->causes || d->causes->len == 0) {
		if (d)
			mpa_diagnosis_free(d);
		return;
	}
	if (f->oauth2) {
		/* Claws logged that it had no OAuth2 token: whatever the server then said, that is
		 * the cause, and the fix is on Claws' OAuth2 page, not a password. */
		MpaExplanation *ox = g_new0(MpaExplanation, 1);
		const MpaLink *reg = mpa_provider_link(p, "app-registration");

		if (!reg)
			reg = mpa_provider_link(p, "settings");
		ox->cause = g_strdup("oauth-required");
		ox->title = g_strdup(_("Claws Mail has no valid OAuth2 sign-in for this account"));
		ox->fix = g_strdup(_("Claws Mail could not get an access token: the sign-in was never "
				     "authorised, has expired or was revoked, or no Client ID is filled in. "
				     "Open the account's preferences, page \"OAuth2\": check the service "
				     "and the Client ID (Claws Mail as Debian builds it has none of its "
				     "own; register an application with the provider, redirect address "
				     "http://127.0.0.1:8888), click \"Open default browser with request\", "
				     "sign in, then click \"Authorize\"."));
		ox->link = reg ? g_strdup(reg->url) : NULL;
		g_ptr_array_insert(d->causes, 0, ox);
	}
	e = d->causes->pdata[0];
	h = g_new0(Hint, 1);
	h->account_id = ac->account_id;
	h->account_name = g_strdup(ac->account_name ? ac->account_name : ac->address);
	h->service = f->service;
	h->net_error = f->net_error;
	h->host = g_strdup(f->host);
	h->diagnosis = d;
	/* Found again on the account's page, also when its window is not shown again. */
	remember_problem(h, e, d);
	key = g_strdup_printf("%d:%s", ac->account_id, e->cause);
	if (g_hash_table_contains(shown, key)) {
		g_free(key);
		hint_free(h);
		return;
	}
	g_hash_table_add(shown, key);
	g_queue_push_tail(&pending, h);
	schedule_show();
}

static gboolean log_hook(gpointer source, gpointer data)
{
	LogText *lt = source;
	MpaPaLogFailure *f;

	if (!lt || lt->instance != LOG_PROTOCOL || !lt->text)
		return FALSE;
	/* Read each time: the user may change it in the preferences. */
	mpa_pa_log_watch_set_io_timeout(watch, (guint)MAX(prefs_common_get_prefs()->io_timeout_secs, 1));
	f = mpa_pa_log_watch_feed(watch, lt->text);
	if (f) {
		handle_failure(f);
		mpa_pa_log_failure_free(f);
	}
	{
		MpaPaLogService service;
		g_autofree gchar *name = NULL, *host = NULL;

		if (mpa_pa_log_watch_take_login(watch, &service, &name, &host)) {
			MpaPaLogFailure probe = { .service = service, .account_name = name, .host = host };
			PrefsAccount *ac = find_account(&probe);

			if (ac)
				mpa_pa_hints_record_login(ac->account_id, mpa_pa_log_service_side(service));
		}
	}
	return FALSE; /* the log window and others still get the line */
}

static gboolean alert_hook(gpointer source, gpointer data)
{
	gboolean *opened = source;

	if (!opened)
		return FALSE;
	if (*opened) {
		alerts_open++;
	} else if (alerts_open > 0) {
		alerts_open--;
		schedule_show();
	}
	return FALSE;
}

void mpa_pa_hints_forget_account(gint account_id)
{
	GHashTableIter it;
	gpointer key;
	g_autofree gchar *prefix = g_strdup_printf("%d:", account_id);

	if (!shown)
		return;
	g_hash_table_iter_init(&it, shown);
	while (g_hash_table_iter_next(&it, &key, NULL))
		if (g_str_has_prefix(key, prefix))
			g_hash_table_iter_remove(&it);
}

void mpa_pa_hints_init(MpaPaOpenAccountFunc open_account)
{
	/* Claws' texts as its users see them: the "claws-mail" domain's translations. */
	const MpaPaLogFormats formats = {
		.imap_connecting = CLAWS("Account '%s': Connecting to IMAP server: %s:%d..."),
		.smtp_connecting = CLAWS("Account '%s': Connecting to SMTP server: %s:%d..."),
		.imap_error = CLAWS("IMAP error on %s:"),
		.login_error = CLAWS("LOGIN error"),
		.smtp_auth_failed = CLAWS("Authentication failed:\n%s"),
		.smtp_send_failed = CLAWS("Error occurred while sending the message:\n%s"),
		.pop3_connecting = CLAWS("Account '%s': Connecting to POP3 server: %s:%d..."),
		.stream_error = CLAWS("stream error"),
		.connection_refused = CLAWS("connection refused"),
		.tls_failed = CLAWS("TLS handshake failed\n"), /* Claws' msgid ends in \n */
		.session_timed_out = CLAWS("Session timed out. You may be able to recover by increasing "
					   "the timeout value in Preferences/Other/Miscellaneous."),
		.pop3_auth_error = CLAWS("error occurred on authentication\n"),
		.oauth2_no_token = CLAWS("OAuth2 access token not obtained\n"),
		.oauth2_no_code = CLAWS("OAuth2 missing authorization code\n"),
	};

	g_return_if_fail(open_account != NULL);
	open_account_func = open_account;
	watch = mpa_pa_log_watch_new(&formats);
	shown = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	problems = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, problem_free);
	g_queue_init(&pending);
	alerts_open = 0;
	log_hook_id = hooks_register_hook(LOG_APPEND_TEXT_HOOKLIST, log_hook, NULL);
	alert_hook_id = hooks_register_hook(ALERTPANEL_OPENED_HOOKLIST, alert_hook, NULL);
	accounts_hook_id = hooks_register_hook(ACCOUNT_LIST_CHANGED_HOOKLIST, account_list_hook, NULL);
	if (log_hook_id == HOOK_NONE || alert_hook_id == HOOK_NONE || accounts_hook_id == HOOK_NONE)
		g_warning("%s: could not register the log, alert or account-list hook", MPA_PLUGIN_NAME);
}

void mpa_pa_hints_done(void)
{
	if (log_hook_id != HOOK_NONE)
		hooks_unregister_hook(LOG_APPEND_TEXT_HOOKLIST, log_hook_id);
	if (alert_hook_id != HOOK_NONE)
		hooks_unregister_hook(ALERTPANEL_OPENED_HOOKLIST, alert_hook_id);
	if (accounts_hook_id != HOOK_NONE)
		hooks_unregister_hook(ACCOUNT_LIST_CHANGED_HOOKLIST, accounts_hook_id);
	log_hook_id = alert_hook_id = accounts_hook_id = HOOK_NONE;
	open_account_func = NULL;
	if (show_source)
		g_source_remove(show_source);
	show_source = 0;
	g_queue_clear_full(&pending, (GDestroyNotify)hint_free);
	while (windows)
		gtk_widget_destroy(windows->data); /* "destroy" removes it from the list */
	g_clear_pointer(&shown, g_hash_table_destroy);
	g_clear_pointer(&problems, g_hash_table_destroy);
	g_clear_handle_id(&open_source, g_source_remove);
	g_clear_pointer(&watch, mpa_pa_log_watch_free);
}
