/* Provider Assistant — sending guard, Claws Mail side: asks before a message that would trip the
 * provider's risk control, counts messages that were really sent, and shows the count on the
 * account's page.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where the signals come from (Claws Mail 4.1.1):
 * - COMPOSE_CHECK_BEFORE_SEND_HOOKLIST is invoked by compose_check_entries() with the Compose* as
 *   source, for "Send" and for "Send later"; returning TRUE stops the send/queue and leaves the
 *   compose window open, so the user is back where they were.
 * - Success is only known deep inside send_message_smtp_full(), which has no hook.  It logs
 *   "Mail sent successfully." (LOG_PROTOCOL, LOG_MSG) exactly when the server accepted the data
 *   (state SMTP_MAIL_SENT_OK) and nothing on failure, for messages sent from the compose window
 *   and from the queue alike.  The line carries no account, but every new SMTP session logs
 *   "Account '%s': Connecting to SMTP server: %s:%d..." first, and a kept session is only reused
 *   for the next message of the same account (procmsg_send_queue sorts by account).  Log lines
 *   reach LOG_APPEND_TEXT_HOOKLIST on the main loop, in order.  Both texts are Claws' own
 *   translations, so they are compared through CLAWS() (pa-shared.h).
 *   The alternatives miss cases: the Sent folder copy is optional (and skipped for some encrypted
 *   mail), session_stats has no account, and the compose hook runs before sending, not after.
 */
#include "claws-features.h"
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "account.h"
#include "alertpanel.h"
#include "compose.h"
#include "hooks.h"
#include "log.h"
#include "mainwindow.h"
#include "prefs_account.h"
#include "prefs_common.h"
#include "utils.h"

#include "mpa-guard.h"
#include "pa-guard.h"
#include "pa-shared.h"

#define DATA_ACCOUNT_ID "mpa-guard-account-id"
#define DATA_ADDRESS "mpa-guard-address"

static MpaGuard *guard;
static gchar *guard_problem; /* what went wrong with the file at start, for the page */
static gulong hook_before_send = HOOK_NONE;
static gulong hook_log = HOOK_NONE;
static gulong hook_accounts = HOOK_NONE;
static gint smtp_account_id = -1; /* account of the SMTP session the log is talking about */

static void report(const gchar *context, const GError *error)
{
	log_error(LOG_PROTOCOL, "%s: %s: %s\n", MPA_PLUGIN_NAME, context, error->message);
}

static void save_now(void)
{
	g_autoptr(GError) error = NULL;

	if (guard != NULL && mpa_guard_is_dirty(guard) && !mpa_guard_save(guard, &error))
		report(_("cannot save the sending guard's counts"), error);
}

static const MpaProvider *provider_of(const PrefsAccount *ac)
{
	return ac != NULL ? mpa_pa_lookup(ac->address) : NULL;
}

static gboolean provider_has_limits(const MpaProvider *p)
{
	return p != NULL && ((p->send_stages != NULL && p->send_stages->len > 0) || p->bulk_recipients > 0);
}

/* Register accounts the guard has not seen yet, so their age counts from now. */
static void touch_accounts(void)
{
	gboolean changed = FALSE;

	for (GList *l = account_get_list(); l != NULL; l = l->next) {
		PrefsAccount *ac = l->data;

		if (provider_has_limits(provider_of(ac)))
			changed |= mpa_guard_touch(guard, ac->account_id, ac->address);
	}
	if (changed)
		save_now();
}

static gboolean accounts_changed_hook(gpointer source, gpointer data)
{
	touch_accounts();
	return FALSE;
}

/* ---- counting recipients -------------------------------------------------------------------- */

static guint count_recipients(Compose *compose)
{
	const gchar *to = prefs_common_translated_header_name("To:");
	const gchar *cc = prefs_common_translated_header_name("Cc:");
	const gchar *bcc = prefs_common_translated_header_name("Bcc:");
	guint n = 0;

	/* Every To/Cc/Bcc address is a delivery the provider counts, Bcc included. */
	for (GSList *l = compose->header_list; l != NULL; l = l->next) {
		ComposeHeaderEntry *he = l->data;
		g_autofree gchar *header = NULL, *entry = NULL;
		GSList *addrs;

		header = gtk_editable_get_chars(GTK_EDITABLE(gtk_bin_get_child(GTK_BIN(he->combo))),
						0, -1);
		entry = gtk_editable_get_chars(GTK_EDITABLE(he->entry), 0, -1);
		g_strstrip(header);
		g_strstrip(entry);
		if (*entry == '\0' ||
		    (strcmp(header, to) != 0 && strcmp(header, cc) != 0 && strcmp(header, bcc) != 0))
			continue;
		addrs = address_list_append(NULL, entry);
		n += g_slist_length(addrs);
		slist_free_strings_full(addrs);
	}
	return n;
}

/* ---- the question before sending ----------------------------------------------------------- */

static gchar *format_duration(gint64 s)
{
	if (s >= 60 && s % 60 == 0)
		/* TRANSLATORS: a duration in minutes */
		return g_strdup_printf(_("%u min"), (guint)(s / 60));
	if (s >= 60)
		/* TRANSLATORS: a duration in minutes and seconds */
		return g_strdup_printf(_("%u min %u s"), (guint)(s / 60), (guint)(s % 60));
	/* TRANSLATORS: a duration in seconds */
	return g_strdup_printf(_("%u s"), (guint)s);
}

static void add_paragraph(GString *msg, const gchar *text)
{
	g_autofree gchar *escaped = g_markup_escape_text(text, -1);

	if (msg->len > 0)
		g_string_append(msg, "\n\n");
	g_string_append(msg, escaped);
}

static gchar *explain(const MpaProvider *p, const MpaGuardDecision *d)
{
	GString *msg = g_string_new(NULL);
	g_autofree gchar *stage = d->stage != NULL ? mpa_guard_stage_describe(d->stage) : NULL;
	const gchar *name = mpa_provider_name(p);
	const gchar *provider_text = p->sending_text != NULL ? mpa_text_get(p->sending_text) : NULL;
	g_autofree gchar *intro = g_strdup_printf(
		_("%s watches how much a personal mailbox sends. When an account sends more, faster "
		  "or to more people than it tolerates, its risk control throttles or blocks sending, "
		  "often for a day, sometimes longer."),
		name);

	add_paragraph(msg, intro);
	if (d->reasons & MPA_GUARD_OVER_CAP) {
		g_autofree gchar *t = g_strdup_printf(
			_("Today this account has already sent %u messages. At its stage (%s) the "
			  "provider tolerates about %u a day, so this one would pass the cap."),
			d->sent_today, stage != NULL ? stage : "-", d->daily_limit);

		add_paragraph(msg, t);
	}
	if (d->reasons & MPA_GUARD_TOO_SOON) {
		g_autofree gchar *ago = format_duration(d->since_last_s);
		g_autofree gchar *gap = format_duration(d->interval_s);
		g_autofree gchar *wait = format_duration(d->wait_s);
		g_autofree gchar *t = g_strdup_printf(
			_("The previous message left %s ago. At this stage keep at least %s between two "
			  "messages: wait %s more."),
			ago, gap, wait);

		add_paragraph(msg, t);
	}
	if (d->reasons & MPA_GUARD_BULK) {
		g_autofree gchar *t = g_strdup_printf(
			_("This message has %u recipients. More than %u counts as bulk mail, and bulk "
			  "mail from a personal mailbox is what risk control looks for."),
			d->recipients, d->bulk_recipients);

		add_paragraph(msg, t);
	}
	if (provider_text != NULL)
		add_paragraph(msg, provider_text);
	add_paragraph(msg, _("For real bulk mail (newsletters, announcements, campaigns) use a bulk "
			     "sending service with its own sending domain and throttling, not a "
			     "personal mailbox."));
	add_paragraph(msg, _("You can switch this guard off for the account on its Provider "
			     "Assistant page in the account preferences."));
	return g_string_free(msg, FALSE);
}

static gboolean before_send_hook(gpointer source, gpointer data)
{
	Compose *compose = source;
	PrefsAccount *ac;
	const MpaProvider *p;
	MpaGuardDecision d;
	g_autofree gchar *title = NULL, *message = NULL;
	AlertValue answer;

	if (guard == NULL || compose == NULL || (ac = compose->account) == NULL)
		return FALSE;
	p = provider_of(ac);
	if (!provider_has_limits(p))
		return FALSE;
	mpa_guard_decide(guard, p, ac->account_id, ac->address, count_recipients(compose), &d);
	if (d.reasons == MPA_GUARD_OK)
		return FALSE;

	/* TRANSLATORS: %s is the provider, e.g. "Sohu Mail" */
	title = g_strdup_printf(_("This message may trip %s's risk control"), mpa_provider_name(p));
	message = explain(p, &d);
	answer = alertpanel_full(title, message, NULL, _("_Go back"), NULL,
				 compose->sending ? _("_Send anyway") : _("_Queue anyway"),
				 NULL, NULL, ALERTFOCUS_FIRST, FALSE, NULL, ALERT_WARNING);
	/* Anything but an explicit "anyway" (Esc, closing the window) keeps the message here. */
	return (answer & G_ALERT_VALUE_MASK) != G_ALERTALTERNATE;
}

/* ---- counting sent messages ----------------------------------------------------------------- */

/* "Account '%s': Connecting to SMTP server: %s:%d..." → the account of that session. */
static void note_smtp_connect(const gchar *text)
{
	const gchar *format = CLAWS("Account '%s': Connecting to SMTP server: %s:%d...");
	const gchar *first = strstr(format, "%s");
	const gchar *second = first != NULL ? strstr(first + 2, "%s") : NULL;
	g_autofree gchar *prefix = NULL, *middle = NULL, *name = NULL, *host = NULL;
	const gchar *name_start, *name_end, *colon;

	if (second == NULL)
		return;
	prefix = g_strndup(format, first - format);
	middle = g_strndup(first + 2, second - (first + 2));
	if (!g_str_has_prefix(text, prefix))
		return;
	/* It is a connect line: whatever follows belongs to this session, known account or not. */
	smtp_account_id = -1;
	name_start = text + strlen(prefix);
	name_end = g_strrstr(name_start, middle);
	if (name_end == NULL)
		return;
	name = g_strndup(name_start, name_end - name_start);
	host = g_strdup(name_end + strlen(middle));
	colon = strrchr(host, ':');
	if (colon != NULL)
		host[colon - host] = '\0';

	for (GList *l = account_get_list(); l != NULL; l = l->next) {
		PrefsAccount *ac = l->data;

		if (g_strcmp0(ac->account_name, name) == 0 &&
		    g_strcmp0(ac->smtp_server, host) == 0) {
			smtp_account_id = ac->account_id;
			return;
		}
	}
}

static gboolean log_hook(gpointer source, gpointer data)
{
	LogText *lt = source;
	g_autofree gchar *text = NULL;
	PrefsAccount *ac;

	if (guard == NULL || lt == NULL || lt->text == NULL || lt->instance != LOG_PROTOCOL)
		return FALSE;
	text = g_strchomp(g_strdup(lt->text));
	if (lt->type == LOG_MSG &&
	    strcmp(text, CLAWS("Mail sent successfully.")) == 0) {
		if (smtp_account_id >= 0 && (ac = account_find_from_id(smtp_account_id)) != NULL &&
		    ac->address != NULL) {
			mpa_guard_record_send(guard, ac->account_id, ac->address);
			save_now();
		}
	} else if (lt->type == LOG_MSG) {
		note_smtp_connect(text);
	}
	/* never swallow the line: the log window comes after us */
	return FALSE;
}

/* ---- life cycle ----------------------------------------------------------------------------- */

static void unregister_hooks(void)
{
	if (hook_before_send != HOOK_NONE)
		hooks_unregister_hook(COMPOSE_CHECK_BEFORE_SEND_HOOKLIST, hook_before_send);
	if (hook_log != HOOK_NONE)
		hooks_unregister_hook(LOG_APPEND_TEXT_HOOKLIST, hook_log);
	if (hook_accounts != HOOK_NONE)
		hooks_unregister_hook(ACCOUNT_LIST_CHANGED_HOOKLIST, hook_accounts);
	hook_before_send = hook_log = hook_accounts = HOOK_NONE;
}

gboolean mpa_pa_guard_init(GError **error)
{
	g_autoptr(GError) local = NULL;

	g_return_val_if_fail(guard == NULL, FALSE);
	guard = mpa_guard_new_in_dir(get_rc_dir());
	smtp_account_id = -1;
	if (!mpa_guard_load(guard, TRUE, &local)) {
		if (!g_error_matches(local, MPA_GUARD_ERROR, MPA_GUARD_ERROR_CORRUPT)) {
			g_propagate_prefixed_error(error, g_steal_pointer(&local), "%s: ",
						   _("sending guard"));
			mpa_pa_guard_done();
			return FALSE;
		}
		/* Counting must go on, but not silently from zero: say so where the user looks
		 * for problems, and keep the damaged file for a look. */
		guard_problem = g_strdup_printf(
			_("The guard's file was damaged and has been kept as %s.corrupt; counting "
			  "started again from zero (%s)."),
			mpa_guard_path(guard), local->message);
		log_error(LOG_PROTOCOL, "%s: %s\n", MPA_PLUGIN_NAME, guard_problem);
		g_clear_error(&local);
		if (!mpa_guard_set_aside_corrupt(guard, &local)) {
			g_propagate_prefixed_error(error, g_steal_pointer(&local), "%s: ",
						   _("sending guard"));
			mpa_pa_guard_done();
			return FALSE;
		}
	}
	hook_before_send = hooks_register_hook(COMPOSE_CHECK_BEFORE_SEND_HOOKLIST,
					       before_send_hook, NULL);
	hook_log = hooks_register_hook(LOG_APPEND_TEXT_HOOKLIST, log_hook, NULL);
	hook_accounts = hooks_register_hook(ACCOUNT_LIST_CHANGED_HOOKLIST, accounts_changed_hook,
					    NULL);
	if (hook_before_send == HOOK_NONE || hook_log == HOOK_NONE || hook_accounts == HOOK_NONE) {
		g_set_error(error, MPA_GUARD_ERROR, MPA_GUARD_ERROR_FAILED, "%s: %s",
			    _("sending guard"), _("cannot register Claws Mail hooks"));
		mpa_pa_guard_done();
		return FALSE;
	}
	touch_accounts();
	return TRUE;
}

void mpa_pa_guard_done(void)
{
	unregister_hooks();
	save_now();
	g_clear_pointer(&guard, mpa_guard_free);
	g_clear_pointer(&guard_problem, g_free);
}

/* ---- the page section ----------------------------------------------------------------------- */

static void switch_toggled(GtkToggleButton *button, gpointer data)
{
	const gchar *address = g_object_get_data(G_OBJECT(button), DATA_ADDRESS);
	gint id = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(button), DATA_ACCOUNT_ID));

	if (guard == NULL || address == NULL)
		return;
	mpa_guard_set_enabled(guard, id, address, gtk_toggle_button_get_active(button));
	save_now();
}

static gboolean account_is_saved(const PrefsAccount *ac)
{
	return g_list_find(account_get_list(), ac) != NULL;
}

static gchar *status_text(PrefsAccount *ac, const MpaProvider *p, const MpaGuardDecision *d)
{
	g_autofree gchar *stage = d->stage != NULL ? mpa_guard_stage_describe(d->stage) : NULL;
	g_autofree gchar *gap = d->interval_s > 0 ? format_duration(d->interval_s) : NULL;
	GString *s = g_string_new(NULL);

	if (!d->has_limits) {
		g_string_printf(s, _("Sent today: %u. No sending limits are known for this "
				     "provider, so nothing is held back."),
				d->sent_today);
		return g_string_free(s, FALSE);
	}
	if (d->daily_limit > 0)
		g_string_printf(s, _("Sent today: %u of about %u (%s)."), d->sent_today,
				d->daily_limit, stage != NULL ? stage : "-");
	else
		g_string_printf(s, _("Sent today: %u."), d->sent_today);
	if (gap != NULL) {
		g_string_append_c(s, ' ');
		g_string_append_printf(s, _("At least %s between two messages."), gap);
	}
	if (d->bulk_recipients > 0) {
		g_string_append_c(s, ' ');
		g_string_append_printf(s, _("More than %u recipients counts as bulk mail."),
				       d->bulk_recipients);
	}
	return g_string_free(s, FALSE);
}

GtkWidget *mpa_pa_guard_page_section(PrefsAccount *ac)
{
	GtkWidget *frame, *box, *label, *check;
	const MpaProvider *p = provider_of(ac);
	g_autofree gchar *text = NULL;
	MpaGuardDecision d;

	frame = gtk_frame_new(_("Sending guard"));
	box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
	gtk_container_set_border_width(GTK_CONTAINER(box), 8);
	gtk_container_add(GTK_CONTAINER(frame), box);

	label = gtk_label_new(NULL);
	gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
	gtk_label_set_max_width_chars(GTK_LABEL(label), 70);
	gtk_label_set_xalign(GTK_LABEL(label), 0.0);
	gtk_box_pack_start(GTK_BOX(box), label, FALSE, FALSE, 0);

	check = gtk_check_button_new_with_mnemonic(
		_("_Warn before a message would pass the provider's sending limits"));
	/* A long label must wrap, not widen the account dialog. */
	gtk_label_set_line_wrap(GTK_LABEL(gtk_bin_get_child(GTK_BIN(check))), TRUE);
	gtk_box_pack_start(GTK_BOX(box), check, FALSE, FALSE, 0);

	if (guard == NULL) {
		gtk_label_set_text(GTK_LABEL(label), _("The sending guard is not running."));
		gtk_widget_set_sensitive(check, FALSE);
	} else if (ac == NULL || ac->address == NULL || *ac->address == '\0' ||
		   !account_is_saved(ac)) {
		gtk_label_set_text(GTK_LABEL(label),
				   _("The guard starts counting once the account is saved."));
		gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(check), TRUE);
		gtk_widget_set_sensitive(check, FALSE);
	} else {
		mpa_guard_decide(guard, p, ac->account_id, ac->address, 1, &d);
		text = status_text(ac, p, &d);
		if (guard_problem != NULL) {
			g_autofree gchar *both = g_strconcat(text, "\n", guard_problem, NULL);

			gtk_label_set_text(GTK_LABEL(label), both);
		} else {
			gtk_label_set_text(GTK_LABEL(label), text);
		}
		gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(check), d.enabled);
		gtk_widget_set_sensitive(check, d.has_limits);
		g_object_set_data(G_OBJECT(check), DATA_ACCOUNT_ID,
				  GINT_TO_POINTER(ac->account_id));
		g_object_set_data_full(G_OBJECT(check), DATA_ADDRESS, g_strdup(ac->address),
				       g_free);
		g_signal_connect(check, "toggled", G_CALLBACK(switch_toggled), NULL);
	}
	gtk_widget_show_all(frame);
	return frame;
}
