/* Provider Assistant — the "Provider Assistant" page of the account dialog: "Test connection"
 * with live stages and a diagnosis, "Apply provider settings", the last problem Claws Mail met
 * with the account, and the provider's checklist.
 *
 * Layout: the actions and the test's result come first, so that progress and verdict are in
 * view without scrolling at Claws' default dialog size (Sohu's checklist alone is two screens);
 * the checklist follows in an expander, open for a new account until a test has passed.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The check runs in the core's worker threads (mpa_check_run_async); this file only reacts to
 * progress and completion callbacks on the main loop.  A run outlives the dialog when the user
 * closes it mid-check: the run is then detached (page = NULL) and cancelled, and its callbacks
 * touch no widget.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "prefs_account.h"
#include "account.h"
#include "folder.h"
#include "folderview.h"
#include "gtk/prefswindow.h"
#include "common/log.h"

#include "mpa-diagnose.h"
#include "mpa-text.h"
#include "mpa-check.h"
#include "pa-page.h"
#include "pa-account.h"
#include "pa-hints.h"
#include "pa-shared.h"
#include "pa-guard.h"
#include "pa-stall.h"

typedef struct _Run Run;

/* One line of the live stage display.  Built with the page and only shown, hidden and relabelled
 * while a check runs: creating and destroying widgets on every progress step (CSS styling, a
 * relayout of the whole dialog each time) made Claws' window stall for tens of milliseconds. */
typedef struct {
	GtkWidget *status; /* a stack: "spin" (spinner) or "mark" (✓ ✗ ⊘ –) */
	GtkWidget *spinner;
	GtkWidget *mark;
	GtkWidget *name;
	GtkWidget *time;
} Row;

typedef struct {
	PrefsPage page; /* first member: Claws casts between the two */
	MpaPaAccountDialog *dlg;
	GtkWindow *toplevel;
	GtkWidget *title;
	GtkWidget *expander;  /* holds the checklist */
	GtkWidget *checklist; /* rebuilt when the provider changes */
	GtkWidget *stale;     /* "the fields changed since this test" */
	GtkWidget *problem;   /* the last problem Claws Mail met with this account */
	GtkWidget *signin;    /* the choice: a password or OAuth2 (where both work) */
	GtkWidget *rb_password;
	GtkWidget *rb_oauth2;
	GtkWidget *password_text; /* what each way asks of the user */
	GtkWidget *oauth2_text;
	GtkWidget *notice;        /* no client ID for the OAuth2 service: how to register one */
	gboolean signin_updating; /* the radios are set from the dialog, not by the user */
	gchar *signin_logged;     /* the last "sign-in:" debug line */
	GtkWidget *apply_btn;
	GtkWidget *test_btn;
	GtkWidget *cancel_btn;
	GtkWidget *status;
	GtkWidget *stages[2]; /* one grid per protocol */
	GtkWidget *heads[2];
	Row rows[2][MPA_STAGE_COUNT];
	GtkWidget *results;
	Run *run;
	GtkWidget *rebuild_check; /* "rebuild the folder tree after OK", when offered */
	gboolean tested_ok;
	gboolean asked;
	gchar *result_fp;       /* the dialog's fields at the last test (a digest) */
	gboolean result_stale;  /* they changed since */
	gchar *last_failure;    /* headline of the last test when it failed, else NULL */
	guint geometry_tick[2]; /* MPA_GEOMETRY_LOG: tick callbacks (progress, verdict) */
	guint geometry_frames[2];
	GtkWidget *stagebox;  /* the stage grids, hidden until the first test */
	guint show_source;    /* show this page once the dialog is built */
	gint rebuild_account; /* set by OK/Apply when the rebuild is wanted, else -1 */
} Page;

struct _Run {
	gint ref;
	Page *page; /* NULL once the dialog is gone */
	GCancellable *cancellable;
	const MpaProvider *provider;
	MpaPaStall *stall; /* MPA_STALL_LOG: measured while the check runs */
};

static Page page;
static gboolean open_on_page; /* the next dialog opens on this page (from a hint) */
static gchar *page_path[3];
static guint rebuild_source;
static guint running; /* checks whose worker may still run our code */

/* TRANSLATORS: stages of a connection check, shown one per line with a tick or cross. */
static const gchar *const stage_labels[MPA_STAGE_COUNT] = {
	N_("Connect to the server"),
	N_("Secure the connection (TLS)"),
	N_("Server greeting"),
	N_("Log in"),
	N_("Open the inbox"),
	N_("Send"),
};

gboolean mpa_pa_page_busy(void)
{
	return running > 0;
}

static Run *run_ref(Run *run)
{
	run->ref++;
	return run;
}

static void run_unref(Run *run)
{
	if (--run->ref > 0)
		return;
	g_clear_object(&run->cancellable);
	g_free(run);
}

/* ---- geometry (MPA_GEOMETRY_LOG=FILE, for the GUI tests) ----
 * Where the test's progress and verdict lie in the page's scrolled window, once laid out: one
 * line per event with each widget's top and bottom relative to the visible area, and whether all
 * of them are inside it.  Logged from a tick callback two frames after the change, so GTK has
 * allocated the new widgets. */

static gboolean geometry_of(GtkWidget *w, GtkWidget *scroll, gint view_h, GString *line,
			    const gchar *name)
{
	gint x = 0, y = 0, h;
	gboolean in;

	if (!w || !gtk_widget_is_drawable(w)) {
		g_string_append_printf(line, " %s=none", name);
		return FALSE;
	}
	h = gtk_widget_get_allocated_height(w);
	if (!gtk_widget_translate_coordinates(w, scroll, 0, 0, &x, &y))
		y = -1000000;
	in = y >= 0 && y + h <= view_h;
	g_string_append_printf(line, " %s=%d..%d", name, y, y + h);
	return in;
}

static GtkWidget *nth_child(GtkWidget *box, guint n)
{
	GList *children = gtk_container_get_children(GTK_CONTAINER(box));
	GtkWidget *w = g_list_nth_data(children, n);

	g_list_free(children);
	return w;
}

static void geometry_log(Page *pg, guint event)
{
	const gchar *file = g_getenv("MPA_GEOMETRY_LOG");
	GtkWidget *scroll = pg->page.widget;
	g_autoptr(GString) line = g_string_new(NULL);
	gint win_w = 0, win_h = 0, view_h;
	gboolean in = TRUE;
	GtkAdjustment *adj;
	FILE *f;

	if (!file || !*file || !scroll)
		return;
	view_h = gtk_widget_get_allocated_height(scroll);
	if (pg->toplevel)
		gtk_window_get_size(pg->toplevel, &win_w, &win_h);
	adj = gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(scroll));
	g_string_append_printf(line, "event=%s dialog=%dx%d view=%dx%d scroll=%.0f",
			       event == 0 ? "progress" : "verdict", win_w, win_h,
			       gtk_widget_get_allocated_width(scroll), view_h, gtk_adjustment_get_value(adj));
	in &= geometry_of(pg->status, scroll, view_h, line, "status");
	if (event == 0) {
		in &= geometry_of(pg->heads[MPA_PROTOCOL_IMAP], scroll, view_h, line, "imap");
		in &= geometry_of(pg->heads[MPA_PROTOCOL_SMTP], scroll, view_h, line, "smtp");
	} else {
		/* The verdict: its headline and the first step of the fix. */
		in &= geometry_of(nth_child(pg->results, 0), scroll, view_h, line, "headline");
		in &= geometry_of(nth_child(pg->results, 1), scroll, view_h, line, "first_step");
	}
	g_string_append_printf(line, " in_view=%d\n", in);
	f = fopen(file, "a");
	if (!f)
		return;
	fputs(line->str, f);
	fclose(f);
}

static gboolean geometry_tick(GtkWidget *w, GdkFrameClock *clock, gpointer data, guint event)
{
	Page *pg = data;

	if (++pg->geometry_frames[event] < 3)
		return G_SOURCE_CONTINUE;
	geometry_log(pg, event);
	pg->geometry_tick[event] = 0;
	return G_SOURCE_REMOVE;
}

static gboolean progress_tick(GtkWidget *w, GdkFrameClock *clock, gpointer data)
{
	return geometry_tick(w, clock, data, 0);
}

static gboolean verdict_tick(GtkWidget *w, GdkFrameClock *clock, gpointer data)
{
	return geometry_tick(w, clock, data, 1);
}

static void geometry_stop(Page *pg)
{
	for (guint i = 0; i < 2; i++) {
		if (pg->geometry_tick[i] && pg->page.widget)
			gtk_widget_remove_tick_callback(pg->page.widget, pg->geometry_tick[i]);
		pg->geometry_tick[i] = 0;
	}
}

/* @event: 0 progress (a test started), 1 verdict (it ended). */
static void geometry_later(Page *pg, guint event)
{
	const gchar *file = g_getenv("MPA_GEOMETRY_LOG");

	if (!file || !*file || !pg->page.widget)
		return;
	if (pg->geometry_tick[event])
		gtk_widget_remove_tick_callback(pg->page.widget, pg->geometry_tick[event]);
	pg->geometry_frames[event] = 0;
	pg->geometry_tick[event] = gtk_widget_add_tick_callback(pg->page.widget,
								event == 0 ? progress_tick : verdict_tick,
								pg, NULL);
}

/* ---- small widget helpers ---- */

/* "312 ms" under a second ("0.0 s" read as broken), else "1.4 s". */
static gchar *duration(gint64 us, gboolean precise)
{
	gint ms;

	if (mpa_duration_ms(us, &ms))
		/* TRANSLATORS: a duration under one second, in milliseconds. */
		return g_strdup_printf(_("%d ms"), ms);
	return precise ? g_strdup_printf(_("%.2f s"), us / 1e6) : g_strdup_printf(_("%.1f s"), us / 1e6);
}

static GtkWidget *add_label(GtkWidget *box, const gchar *markup, gboolean is_markup)
{
	GtkWidget *l = gtk_label_new(NULL);

	if (is_markup)
		gtk_label_set_markup(GTK_LABEL(l), markup);
	else
		gtk_label_set_text(GTK_LABEL(l), markup);
	gtk_label_set_line_wrap(GTK_LABEL(l), TRUE);
	gtk_label_set_max_width_chars(GTK_LABEL(l), 70);
	gtk_label_set_xalign(GTK_LABEL(l), 0.0);
	gtk_label_set_selectable(GTK_LABEL(l), TRUE);
	/* Selectable for the mouse (copy a server's words), but no keyboard focus: the first label
	 * would take it when the page opens and show all its text selected. */
	gtk_widget_set_can_focus(l, FALSE);
	gtk_box_pack_start(GTK_BOX(box), l, FALSE, FALSE, 0);
	gtk_widget_show(l);
	return l;
}

static void add_link(GtkWidget *box, const gchar *url, const gchar *title)
{
	GtkWidget *b, *h;

	if (!url)
		return;
	b = gtk_link_button_new_with_label(url, title ? title : url);
	h = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
	gtk_box_pack_start(GTK_BOX(h), b, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), h, FALSE, FALSE, 0);
	gtk_widget_show_all(h);
}

/* A text of paragraphs (blank lines between them); a paragraph whose every line is numbered
 * ("1. ...") is a list of its own, indented under the text before it: a step's own "1./2." must
 * not read as a second numbering of the checklist. */
static void add_text(GtkWidget *box, const gchar *text)
{
	g_auto(GStrv) paras = g_strsplit(text ? text : "", "\n\n", -1);

	for (guint i = 0; paras[i]; i++) {
		g_auto(GStrv) lines = NULL;
		gboolean list = TRUE;
		gchar *para = g_strstrip(paras[i]);

		if (!*para)
			continue;
		lines = g_strsplit(para, "\n", -1);
		for (guint j = 0; lines[j] && list; j++)
			list = g_ascii_isdigit(lines[j][0]) &&
				g_regex_match_simple("^[0-9]+[.)] ", lines[j], 0, 0);
		if (list && g_strv_length(lines) > 0) {
			GtkWidget *sub = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);

			gtk_widget_set_margin_start(sub, 24);
			for (guint j = 0; lines[j]; j++)
				add_label(sub, lines[j], FALSE);
			gtk_box_pack_start(GTK_BOX(box), sub, FALSE, FALSE, 0);
			gtk_widget_show(sub);
		} else {
			add_label(box, para, FALSE);
		}
	}
}

static void clear_box(GtkWidget *box)
{
	GList *children = gtk_container_get_children(GTK_CONTAINER(box));

	for (GList *l = children; l; l = l->next)
		gtk_widget_destroy(l->data);
	g_list_free(children);
}

/* "<b>title</b>" with the title escaped. */
static gchar *bold(const gchar *text)
{
	return g_markup_printf_escaped("<b>%s</b>", text ? text : "");
}

/* ---- the sign-in choice ---- */

/* Claws Mail's name of an OAuth2 service (its OAuth2 page's list; not translated there). */
static const gchar *service_label(MpaOAuth2Provider s)
{
	switch (s) {
	case MPA_OAUTH2_GOOGLE:
		return "Google/Gmail";
	case MPA_OAUTH2_OUTLOOK:
		return "MS Outlook";
	case MPA_OAUTH2_EXCHANGE:
		return "MS Exchange";
	case MPA_OAUTH2_YAHOO:
		return "Yahoo";
	case MPA_OAUTH2_NONE:
		break;
	}
	return "";
}

/* The notice that Claws Mail lacks a client ID for the service: the provider's registration
 * steps (its <mpa:oauth2-client>), else a general sentence, and the redirect URI Claws uses. */
static void fill_notice(Page *pg, const MpaProvider *p, MpaOAuth2Provider service,
			const gchar *redirect)
{
	const MpaStep *s = p ? p->oauth2_client : NULL;
	g_autofree gchar *head = NULL, *m = NULL;

	clear_box(pg->notice);
	head = g_strdup_printf(_("Claws Mail has no OAuth2 client ID for \"%s\": register one before "
				 "you sign in"),
			       service_label(service));
	m = bold(head);
	add_label(pg->notice, m, TRUE);
	if (s) {
		g_autofree gchar *t = bold(mpa_text_get(s->title));

		add_label(pg->notice, t, TRUE);
		add_text(pg->notice, mpa_text_get(s->text));
		if (s->link)
			add_link(pg->notice, s->link->url, mpa_text_get(s->link->title));
	} else {
		add_label(pg->notice,
			  _("Register an application with the provider for an OAuth2 client ID, then "
			    "paste it into \"Client ID\" on the account's \"OAuth2\" page."),
			  FALSE);
	}
	if (redirect) {
		g_autofree gchar *t = g_strdup_printf(_("Redirect URI that this Claws Mail signs in "
							"with: %s"),
						      redirect);
		add_label(pg->notice, t, FALSE);
	}
}

/* A radio button's text, wrapped like the page's labels (one long line would widen the page). */
static void radio_label(GtkWidget *rb, const gchar *text)
{
	GtkWidget *child;

	gtk_button_set_label(GTK_BUTTON(rb), text);
	child = gtk_bin_get_child(GTK_BIN(rb));
	if (GTK_IS_LABEL(child)) {
		gtk_label_set_line_wrap(GTK_LABEL(child), TRUE);
		gtk_label_set_max_width_chars(GTK_LABEL(child), 66);
		gtk_label_set_xalign(GTK_LABEL(child), 0.0);
	}
}

/* The choice and the notice as the dialog stands now (the provider, the methods on the Receive
 * and Send pages, the OAuth2 service and its Client ID). */
static void update_signin(Page *pg)
{
	const MpaProvider *p;
	gboolean optional, oauth2, missing;
	g_autofree gchar *redirect = NULL, *line = NULL;

	if (!pg->signin || !pg->dlg)
		return;
	p = mpa_pa_account_dialog_provider(pg->dlg);
	optional = mpa_provider_oauth2_optional(p);
	oauth2 = mpa_pa_account_dialog_uses_oauth2(pg->dlg);
	missing = mpa_pa_account_dialog_client_id_missing(pg->dlg, &redirect);

	if (optional) {
		g_autofree gchar *label = p->password_label && mpa_text_get(p->password_label)
			? g_strdup(mpa_text_get(p->password_label))
			: g_strdup(_("password"));
		g_autofree gchar *pw = g_strdup_printf(_("Sign in with a pass_word (%s)"), label);
		g_autofree gchar *oa = g_strdup_printf(_("Sign in through the browser with OAuth_2 "
							 "(Claws Mail's \"%s\" service)"),
						       service_label(p->oauth2_provider));
		g_autofree gchar *pw_text = g_strdup_printf(
			_("Works without registering anything, so it is the default: create the %s "
			  "as the steps below say and type it in the Password field on the Basic page."),
			label);
		g_autofree gchar *oa_text = g_strdup_printf(
			_("No password is kept. Claws Mail needs an OAuth2 client ID registered with "
			  "the provider (once, a few minutes); then you sign in through the browser on "
			  "the account's \"OAuth2\" page and click \"Authorize\". Picking this sets "
			  "OAUTH2 on the Receive and Send pages and \"%s\" on the OAuth2 page."),
			service_label(p->oauth2_provider));

		pg->signin_updating = TRUE;
		radio_label(pg->rb_password, pw);
		radio_label(pg->rb_oauth2, oa);
		gtk_label_set_text(GTK_LABEL(pg->password_text), pw_text);
		gtk_label_set_text(GTK_LABEL(pg->oauth2_text), oa_text);
		gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(oauth2 ? pg->rb_oauth2 : pg->rb_password),
					     TRUE);
		pg->signin_updating = FALSE;
		/* (show, not show_all: the box has no-show-all, so that the page's show_all leaves it
		 * hidden; its children are shown already) */
		gtk_widget_show(pg->signin);
	} else {
		gtk_widget_hide(pg->signin);
	}
	if (missing) {
		/* the service picked on Claws' OAuth2 page, else the provider's */
		MpaOAuth2Provider service = mpa_pa_account_dialog_oauth2_service(pg->dlg);

		if (service == MPA_OAUTH2_NONE && p)
			service = p->oauth2_provider;
		fill_notice(pg, p, service, redirect);
		gtk_widget_show(pg->notice);
	} else {
		gtk_widget_hide(pg->notice);
	}
	/* In Claws' --debug output, for the GUI tests: one line each time something changes. */
	line = g_strdup_printf("choice %s, %s, client ID notice %s", optional ? "offered" : "none",
			       oauth2 ? "oauth2" : "password", missing ? "shown" : "hidden");
	if (g_strcmp0(line, pg->signin_logged) != 0) {
		debug_print("%s: sign-in: %s\n", MPA_PLUGIN_NAME, line);
		g_free(pg->signin_logged);
		pg->signin_logged = g_steal_pointer(&line);
	}
}

static void signin_changed(gpointer data)
{
	update_signin(data);
}

static void signin_toggled(GtkToggleButton *b, gpointer data)
{
	Page *pg = data;

	if (pg->signin_updating || !pg->dlg || !gtk_toggle_button_get_active(b))
		return;
	mpa_pa_account_dialog_set_oauth2(pg->dlg, GTK_WIDGET(b) == pg->rb_oauth2);
	update_signin(pg);
}

static GtkWidget *explanation(GtkWidget *box)
{
	GtkWidget *l = add_label(box, "", FALSE);

	gtk_widget_set_margin_start(l, 24);
	return l;
}

static void create_signin(Page *pg, GtkWidget *vbox)
{
	g_autofree gchar *head = bold(_("How to sign in"));

	pg->signin = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
	add_label(pg->signin, head, TRUE);
	pg->rb_password = gtk_radio_button_new_with_mnemonic(NULL, "pass_word");
	gtk_widget_set_name(pg->rb_password, "mpa-signin-password");
	gtk_widget_show(pg->rb_password);
	gtk_box_pack_start(GTK_BOX(pg->signin), pg->rb_password, FALSE, FALSE, 0);
	pg->password_text = explanation(pg->signin);
	pg->rb_oauth2 = gtk_radio_button_new_with_mnemonic_from_widget(
		GTK_RADIO_BUTTON(pg->rb_password), "OAuth_2");
	gtk_widget_set_name(pg->rb_oauth2, "mpa-signin-oauth2");
	gtk_widget_show(pg->rb_oauth2);
	gtk_box_pack_start(GTK_BOX(pg->signin), pg->rb_oauth2, FALSE, FALSE, 0);
	pg->oauth2_text = explanation(pg->signin);
	g_signal_connect(pg->rb_password, "toggled", G_CALLBACK(signin_toggled), pg);
	g_signal_connect(pg->rb_oauth2, "toggled", G_CALLBACK(signin_toggled), pg);
	gtk_widget_set_no_show_all(pg->signin, TRUE);
	gtk_box_pack_start(GTK_BOX(vbox), pg->signin, FALSE, FALSE, 6);

	pg->notice = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
	gtk_widget_set_name(pg->notice, "mpa-oauth2-client-notice");
	gtk_widget_set_no_show_all(pg->notice, TRUE);
	gtk_box_pack_start(GTK_BOX(vbox), pg->notice, FALSE, FALSE, 6);
}

/* ---- checklist ---- */

static void show_provider(const MpaProvider *p, gpointer data)
{
	Page *pg = data;

	if (!pg->checklist)
		return;
	clear_box(pg->checklist);
	pg->tested_ok = FALSE;
	update_signin(pg);
	gtk_widget_set_sensitive(pg->apply_btn, p != NULL);
	if (!p) {
		g_autofree gchar *t = bold(_("No known provider"));
		gtk_label_set_markup(GTK_LABEL(pg->title), t);
		add_label(pg->checklist,
			  _("The mail address on the Basic page does not belong to a provider "
			    "this assistant knows. Test connection still checks the servers and "
			    "password typed in the dialog."),
			  FALSE);
		return;
	}
	{
		g_autofree gchar *t = bold(mpa_provider_name(p));
		gtk_label_set_markup(GTK_LABEL(pg->title), t);
	}
	/* The password note in full (the Basic page shows its first sentence). */
	if (p->has_assistant && mpa_text_get(p->password_hint)) {
		if (p->password_label && mpa_text_get(p->password_label)) {
			g_autofree gchar *head = g_strdup_printf(_("Password: use the %s"),
								 mpa_text_get(p->password_label));
			g_autofree gchar *m = bold(head);
			add_label(pg->checklist, m, TRUE);
		}
		add_text(pg->checklist, mpa_text_get(p->password_hint));
	}
	for (guint i = 0; p->steps && i < p->steps->len; i++) {
		const MpaStep *s = p->steps->pdata[i];
		g_autofree gchar *m = g_markup_printf_escaped("%u. <b>%s</b>", i + 1,
							      mpa_text_get(s->title));

		add_label(pg->checklist, m, TRUE);
		if (s->text)
			add_text(pg->checklist, mpa_text_get(s->text));
		if (s->link)
			add_link(pg->checklist, s->link->url, mpa_text_get(s->link->title));
	}
	for (guint i = 0; p->notes && i < p->notes->len; i++) {
		const MpaStep *s = p->notes->pdata[i];
		g_autofree gchar *m = bold(mpa_text_get(s->title));

		add_label(pg->checklist, m, TRUE);
		if (s->text)
			add_text(pg->checklist, mpa_text_get(s->text));
		if (s->link)
			add_link(pg->checklist, s->link->url, mpa_text_get(s->link->title));
	}
}

/* ---- the check ---- */

/* Stop stays in place, only greyed out while idle: showing and hiding it made the whole page
 * move at the start and end of every test. */
static void set_running(Page *pg, gboolean on)
{
	gtk_widget_set_sensitive(pg->test_btn, !on);
	gtk_widget_set_sensitive(pg->cancel_btn, on);
}

static void row_set_visible(Row *row, gboolean on)
{
	gtk_widget_set_visible(row->status, on);
	gtk_widget_set_visible(row->name, on);
	gtk_widget_set_visible(row->time, on);
}

static gboolean row_spinning(const Row *row)
{
	return gtk_widget_get_visible(row->status) &&
		gtk_stack_get_visible_child(GTK_STACK(row->status)) == row->spinner;
}

static void row_mark(Row *row, const gchar *mark)
{
	gtk_spinner_stop(GTK_SPINNER(row->spinner));
	gtk_label_set_text(GTK_LABEL(row->mark), mark);
	gtk_stack_set_visible_child(GTK_STACK(row->status), row->mark);
}

static void stage_row(Run *run, MpaProtocol proto, const MpaStageResult *st)
{
	Row *row = &run->page->rows[proto][st->stage];
	const gchar *mark = "–";

	if (st->outcome == MPA_OUTCOME_SKIPPED && st->elapsed_us == 0) {
		/* started */
		gtk_label_set_text(GTK_LABEL(row->time), "");
		gtk_spinner_start(GTK_SPINNER(row->spinner));
		gtk_stack_set_visible_child(GTK_STACK(row->status), row->spinner);
		row_set_visible(row, TRUE);
		return;
	}
	switch (st->outcome) {
	case MPA_OUTCOME_OK:
		mark = "✓";
		break;
	case MPA_OUTCOME_FAILED:
		mark = "✗";
		break;
	case MPA_OUTCOME_CANCELLED:
		mark = "⊘";
		break;
	case MPA_OUTCOME_SKIPPED:
		break;
	}
	row_mark(row, mark);
	if (st->outcome != MPA_OUTCOME_SKIPPED) {
		g_autofree gchar *t = duration(st->elapsed_us, TRUE);
		gtk_label_set_text(GTK_LABEL(row->time), t);
	}
	row_set_visible(row, TRUE);
}

/* The stage grid of one protocol: a heading and one hidden row per stage. */
static GtkWidget *stage_grid(Page *pg, MpaProtocol proto)
{
	GtkWidget *grid = gtk_grid_new();
	g_autofree gchar *m = bold(proto == MPA_PROTOCOL_IMAP ? "IMAP" : "SMTP");

	gtk_grid_set_column_spacing(GTK_GRID(grid), 8);
	gtk_widget_set_valign(grid, GTK_ALIGN_START);
	pg->heads[proto] = gtk_label_new(NULL);
	gtk_label_set_markup(GTK_LABEL(pg->heads[proto]), m);
	gtk_label_set_xalign(GTK_LABEL(pg->heads[proto]), 0.0);
	gtk_widget_set_no_show_all(pg->heads[proto], TRUE);
	gtk_grid_attach(GTK_GRID(grid), pg->heads[proto], 0, 0, 3, 1);
	for (guint s = 0; s < MPA_STAGE_COUNT; s++) {
		Row *row = &pg->rows[proto][s];

		row->status = gtk_stack_new();
		row->spinner = gtk_spinner_new();
		row->mark = gtk_label_new("");
		gtk_stack_add_named(GTK_STACK(row->status), row->spinner, "spin");
		gtk_stack_add_named(GTK_STACK(row->status), row->mark, "mark");
		gtk_widget_show(row->spinner);
		gtk_widget_show(row->mark);
		row->name = gtk_label_new(_(stage_labels[s]));
		gtk_label_set_xalign(GTK_LABEL(row->name), 0.0);
		row->time = gtk_label_new("");
		/* Room for "99.99 s" from the start: a new time never changes the layout. */
		gtk_label_set_width_chars(GTK_LABEL(row->time), 7);
		gtk_label_set_xalign(GTK_LABEL(row->time), 1.0);
		gtk_grid_attach(GTK_GRID(grid), row->status, 0, s + 1, 1, 1);
		gtk_grid_attach(GTK_GRID(grid), row->name, 1, s + 1, 1, 1);
		gtk_grid_attach(GTK_GRID(grid), row->time, 2, s + 1, 1, 1);
		gtk_widget_set_no_show_all(row->status, TRUE);
		gtk_widget_set_no_show_all(row->name, TRUE);
		gtk_widget_set_no_show_all(row->time, TRUE);
	}
	pg->stages[proto] = grid;
	return grid;
}

static void on_progress(MpaProtocol proto, const MpaStageResult *st, gpointer data)
{
	Run *run = data;
	gint64 t0 = g_get_monotonic_time();

	if (!run->page || st->stage >= MPA_STAGE_COUNT || proto > MPA_PROTOCOL_SMTP)
		return;
	stage_row(run, proto, st);
	mpa_pa_stall_callback(run->stall, "progress", t0);
}

/* @worked: the account logged in before with the password the dialog holds (the record says so
 * and the password was not retyped since it was saved). */
static MpaDiagnosis *diagnose(const MpaProvider *p, const MpaProtoResult *r, gboolean worked)
{
	MpaDiagnosis *d = mpa_diagnose_result_worked(p, r, worked, NULL);

	if (d && (!d->causes || d->causes->len == 0)) {
		mpa_diagnosis_free(d);
		d = NULL;
	}
	return d;
}

static const MpaExplanation *first_cause(const MpaDiagnosis *d)
{
	return d ? d->causes->pdata[0] : NULL;
}

/* IMAP and SMTP failed for the same reason (no network, a wrong password for both): one
 * explanation, not the same one twice. */
static gboolean same_cause(const MpaDiagnosis *a, const MpaDiagnosis *b)
{
	return a && b && g_strcmp0(first_cause(a)->cause, first_cause(b)->cause) == 0 &&
		g_strcmp0(first_cause(a)->title, first_cause(b)->title) == 0 &&
		g_strcmp0(first_cause(a)->fix, first_cause(b)->fix) == 0;
}

/* Shows the explanation of one failure (@protos: "IMAP", "SMTP" or both) on the page; @r[0..n)
 * are the failed protocols it covers.  Returns the plain headline. */
static gchar *show_diagnosis(Page *pg, const gchar *protos, const MpaDiagnosis *d,
			     const MpaProtoResult **r,
			     guint n)
{
	const MpaExplanation *e = first_cause(d);
	const gchar *title = e ? e->title : _("unknown error");
	g_autofree gchar *head = g_markup_printf_escaped(_("<b>%s failed:</b> %s"), protos, title);

	add_label(pg->results, head, TRUE);
	if (e) {
		if (e->fix)
			add_text(pg->results, e->fix);
		if (e->link)
			add_link(pg->results, e->link, e->link);
		for (guint i = 1; i < d->causes->len; i++) {
			const MpaExplanation *o = d->causes->pdata[i];
			g_autofree gchar *t = g_strdup_printf(_("Also possible: %s"), o->title);
			add_label(pg->results, t, FALSE);
		}
	}
	/* The server's words are shown as plain text, never as markup. */
	for (guint i = 0; i < n; i++) {
		const gchar *proto = r[i]->protocol == MPA_PROTOCOL_IMAP ? "IMAP" : "SMTP";
		const gchar *reply = (n == 1 && d && d->reply) ? d->reply : r[i]->reply;
		g_autofree gchar *t = NULL;

		if (reply) {
			if (n == 1)
				t = g_strdup_printf(_("Server said: %s"), reply);
			else
				/* TRANSLATORS: %s is IMAP or SMTP, then the server's words. */
				t = g_strdup_printf(_("%s server said: %s"), proto, reply);
			add_label(pg->results, t, FALSE);
			g_clear_pointer(&t, g_free);
		}
		if (r[i]->detail) {
			if (n == 1)
				t = g_strdup_printf(_("Details: %s"), r[i]->detail);
			else
				t = g_strdup_printf(_("Details (%s): %s"), proto, r[i]->detail);
			add_label(pg->results, t, FALSE);
		}
	}
	return g_strdup_printf(_("%s failed: %s"), protos, title);
}

/* The account whose first login failed has no folders: Claws never retries by itself (only
 * "Rebuild folder tree" recovers).  The scan runs once the dialog is closed and Claws has saved
 * the account with the password that just passed the test; while the dialog is open Claws still
 * holds the old one, and a scan with it would be one more failed login. */
static gboolean folder_tree_empty(const PrefsAccount *ac)
{
	return ac && ac->protocol == A_IMAP4 && ac->folder && ac->folder->node &&
		(!ac->folder->inbox || g_node_n_children(ac->folder->node) == 0);
}

static gboolean rebuild_idle(gpointer data)
{
	PrefsAccount *ac = account_find_from_id(GPOINTER_TO_INT(data));

	rebuild_source = 0;
	if (!folder_tree_empty(ac))
		return G_SOURCE_REMOVE;
	log_message(LOG_PROTOCOL, "%s: %s: %s\n", MPA_PLUGIN_NAME, ac->account_name,
		    _("fetching the folder list that the failed first login left empty"));
	/* A scan, not a rebuild: there are no local caches to drop, so Claws need not ask. */
	folderview_rescan_tree(ac->folder, FALSE);
	if (ac->folder->inbox)
		log_message(LOG_PROTOCOL, "%s: %s: %s\n", MPA_PLUGIN_NAME, ac->account_name,
			    _("folder list restored"));
	else
		log_message(LOG_PROTOCOL, "%s: %s: %s\n", MPA_PLUGIN_NAME, ac->account_name,
			    _("the folder list is still empty; use Rebuild folder tree on the "
			      "account's mailbox"));
	return G_SOURCE_REMOVE;
}

static void offer_rebuild(Page *pg)
{
	PrefsAccount *ac = account_find_from_id(mpa_pa_account_dialog_account_id(pg->dlg));

	if (!folder_tree_empty(ac) || pg->rebuild_check)
		return;
	add_label(pg->results, _("The folder list of this account is empty because an earlier "
				 "login failed, and Claws Mail does not try again by itself."),
		  FALSE);
	pg->rebuild_check = gtk_check_button_new_with_mnemonic(
		_("_Fetch the folder list from the server when this dialog is closed with OK"));
	gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(pg->rebuild_check), TRUE);
	g_object_add_weak_pointer(G_OBJECT(pg->rebuild_check), (gpointer *)&pg->rebuild_check);
	gtk_box_pack_start(GTK_BOX(pg->results), pg->rebuild_check, FALSE, FALSE, 0);
	gtk_widget_show(pg->rebuild_check);
}

/* A field that goes into the test changed: the result on the page no longer matches the dialog
 * (or matches again, when the change was undone). */
static void fields_changed(gpointer data)
{
	Page *pg = data;
	g_autofree gchar *fp = NULL;
	gboolean stale;

	if (!pg->result_fp || pg->run || !pg->dlg || !pg->stale)
		return;
	fp = mpa_pa_account_dialog_fingerprint(pg->dlg);
	stale = g_strcmp0(fp, pg->result_fp) != 0;
	if (stale == pg->result_stale)
		return;
	pg->result_stale = stale;
	gtk_widget_set_visible(pg->stale, stale);
	/* Greyed out, still readable: what the last test said about the old settings. */
	gtk_widget_set_sensitive(pg->results, !stale);
	for (guint i = 0; i < 2; i++)
		gtk_widget_set_sensitive(pg->stages[i], !stale);
	/* In Claws' --debug output: the GUI test follows it there. */
	debug_print("%s: test result %s\n", MPA_PLUGIN_NAME, stale ? "out of date" : "current");
}

static void on_done(GObject *source, GAsyncResult *res, gpointer data)
{
	Run *run = data;
	Page *pg = run->page;
	g_autoptr(GError) error = NULL;
	gint64 t0 = g_get_monotonic_time();
	g_autoptr(MpaCheckResult) r = mpa_check_finish(res, &error);
	gint64 check_us = r ? r->elapsed_us : -1;

	running--;
	if (!pg) {
		/* The dialog was closed meanwhile: nothing to show. */
		mpa_pa_stall_stop(g_steal_pointer(&run->stall), check_us, t0);
		run_unref(run);
		return;
	}
	pg->run = NULL;
	set_running(pg, FALSE);
	/* A stage still spinning never ended (the check was stopped): mark it as cancelled. */
	for (guint p = 0; p < 2; p++)
		for (guint s = 0; s < MPA_STAGE_COUNT; s++)
			if (row_spinning(&pg->rows[p][s]))
				row_mark(&pg->rows[p][s], "⊘");
	g_clear_pointer(&pg->last_failure, g_free);
	if (!r) {
		gtk_label_set_text(GTK_LABEL(pg->status), error ? error->message : "");
	} else {
		const MpaProtoResult *pr[2] = { &r->imap, &r->smtp };
		MpaDiagnosis *d[2] = { NULL, NULL };
		gboolean any_failed = FALSE, any_ok = FALSE, cancelled = FALSE;
		g_autofree gchar *total = duration(r->elapsed_us, FALSE);
		g_autoptr(GPtrArray) heads = g_ptr_array_new_with_free_func(g_free);
		/* the login record is about the saved password, not one typed since */
		gint account_id = pg->dlg ? mpa_pa_account_dialog_account_id(pg->dlg) : -1;
		gboolean same_password = pg->dlg && !mpa_pa_account_dialog_password_changed(pg->dlg);

		for (guint i = 0; i < 2; i++) {
			if (pr[i]->outcome == MPA_OUTCOME_FAILED) {
				gboolean worked = same_password &&
					mpa_pa_hints_worked_before(account_id, pr[i]->protocol);

				any_failed = TRUE;
				d[i] = diagnose(run->provider, pr[i], worked);
			} else if (pr[i]->outcome == MPA_OUTCOME_OK) {
				any_ok = TRUE;
			} else if (pr[i]->outcome == MPA_OUTCOME_CANCELLED) {
				cancelled = TRUE;
			}
		}
		if (pr[0]->outcome == MPA_OUTCOME_FAILED && pr[1]->outcome == MPA_OUTCOME_FAILED &&
		    same_cause(d[0], d[1])) {
			/* TRANSLATORS: both protocols failed for one reason: "IMAP and SMTP failed: ..." */
			g_ptr_array_add(heads, show_diagnosis(pg, _("IMAP and SMTP"), d[0], pr, 2));
		} else {
			if (pr[0]->outcome == MPA_OUTCOME_FAILED)
				g_ptr_array_add(heads, show_diagnosis(pg, "IMAP", d[0], &pr[0], 1));
			if (pr[1]->outcome == MPA_OUTCOME_FAILED)
				g_ptr_array_add(heads, show_diagnosis(pg, "SMTP", d[1], &pr[1], 1));
		}
		if (cancelled) {
			gtk_label_set_text(GTK_LABEL(pg->status), _("Test cancelled."));
		} else if (any_failed) {
			g_autofree gchar *t = g_strdup_printf(_("Test failed after %s."), total);
			gtk_label_set_text(GTK_LABEL(pg->status), t);
			g_ptr_array_add(heads, NULL);
			pg->last_failure = g_strjoinv("\n", (gchar **)heads->pdata);
			debug_print("%s: test verdict: %s\n", MPA_PLUGIN_NAME, pg->last_failure);
			/* OK offers the test again, naming this failure. */
			pg->asked = FALSE;
		} else if (any_ok) {
			/* OAuth2 (Outlook): no login was tried; Claws' "Authorize" is the sign-in */
			g_autofree gchar *t = pr[0]->oauth2 || pr[1]->oauth2
				? g_strdup_printf(_("Test passed in %s: the servers answer and offer OAuth2 "
						    "sign-in. No password is used: sign in with the "
						    "\"Authorize\" button on the OAuth2 page."),
						  total)
				: g_strdup_printf(_("Test passed in %s: the settings "
						    "and the password work."),
						  total);
			gtk_label_set_text(GTK_LABEL(pg->status), t);
			pg->tested_ok = TRUE;
			mpa_pa_hints_forget_account(mpa_pa_account_dialog_account_id(pg->dlg));
			/* a passed test counts as a login that worked (no secret is kept); an OAuth2
			 * test sends no login, so it proves nothing about one, and a password typed
			 * but not saved yet is not the one Claws will use */
			for (guint i = 0; i < 2; i++)
				if (pr[i]->outcome == MPA_OUTCOME_OK && !pr[i]->oauth2 && same_password &&
				    mpa_pa_account_dialog_account_id(pg->dlg) >= 0)
					mpa_pa_hints_record_login(mpa_pa_account_dialog_account_id(pg->dlg),
								  i == 0 ? MPA_PROTOCOL_IMAP : MPA_PROTOCOL_SMTP);
			offer_rebuild(pg);
			/* Done with the checklist: the result stays in view, the list out of the way. */
			gtk_expander_set_expanded(GTK_EXPANDER(pg->expander), FALSE);
		}
		/* One line in Claws' network log: what was tested and how it went (never a
		 * password: the check's own traffic is filtered out of this log). */
		log_message(LOG_PROTOCOL, "%s: %s: IMAP %s, SMTP %s%s%s%s%s%s%s%s\n", MPA_PLUGIN_NAME,
			    _("connection test"), mpa_outcome_name(r->imap.outcome),
			    mpa_outcome_name(r->smtp.outcome), any_failed ? "; causes:" : "",
			    d[0] ? " IMAP " : "", d[0] ? first_cause(d[0])->cause : "",
			    (pr[0]->outcome == MPA_OUTCOME_FAILED && !d[0]) ? " IMAP unknown" : "",
			    d[1] ? " SMTP " : "", d[1] ? first_cause(d[1])->cause : "",
			    (pr[1]->outcome == MPA_OUTCOME_FAILED && !d[1]) ? " SMTP unknown" : "");
		for (guint i = 0; i < 2; i++)
			if (d[i])
				mpa_diagnosis_free(d[i]);
	}
	geometry_later(pg, 1);
	/* A field changed while the check ran: the result is out of date at once. */
	fields_changed(pg);
	mpa_pa_stall_stop(g_steal_pointer(&run->stall), check_us, t0);
	run_unref(run);
}

static void start_test(Page *pg)
{
	g_autoptr(GError) error = NULL;
	MpaCheckRequest *req;
	Run *run;
	gint64 t0 = g_get_monotonic_time();

	if (pg->run || !pg->dlg)
		return;
	clear_box(pg->results);
	/* Rows of an earlier test stay, emptied: hiding and showing them again would change the
	 * layout of the whole dialog on every test. */
	for (guint i = 0; i < 2; i++)
		for (guint st = 0; st < MPA_STAGE_COUNT; st++) {
			row_mark(&pg->rows[i][st], "");
			gtk_label_set_text(GTK_LABEL(pg->rows[i][st].time), "");
		}
	/* Read on the main thread, now; the password goes straight into the request. */
	req = mpa_pa_account_dialog_make_request(pg->dlg, &error);
	if (!req) {
		gtk_label_set_text(GTK_LABEL(pg->status), error->message);
		return;
	}
	g_free(pg->result_fp);
	pg->result_fp = mpa_pa_account_dialog_fingerprint(pg->dlg);
	pg->result_stale = FALSE;
	gtk_widget_hide(pg->stale);
	gtk_widget_set_sensitive(pg->results, TRUE);
	for (guint i = 0; i < 2; i++)
		gtk_widget_set_sensitive(pg->stages[i], TRUE);
	for (guint i = 0; i < 2; i++)
		gtk_widget_show(pg->heads[i]);
	gtk_widget_set_no_show_all(pg->stagebox, FALSE);
	gtk_widget_show_all(pg->stagebox);
	run = g_new0(Run, 1);
	run->ref = 1;
	run->page = pg;
	run->cancellable = g_cancellable_new();
	run->provider = mpa_pa_account_dialog_provider(pg->dlg);
	pg->run = run;
	pg->tested_ok = FALSE;
	set_running(pg, TRUE);
	gtk_label_set_text(GTK_LABEL(pg->status), _("Testing…"));
	running++;
	run->stall = mpa_pa_stall_start();
	mpa_pa_pin_module();
	mpa_check_run_async(req, run->cancellable, on_progress, run, on_done, run_ref(run));
	mpa_check_request_free(req);
	mpa_pa_stall_callback(run->stall, "start", t0);
	run_unref(run);
	geometry_later(pg, 0);
}

static void test_clicked(GtkButton *b, gpointer data)
{
	start_test(data);
}

static void cancel_clicked(GtkButton *b, gpointer data)
{
	Page *pg = data;

	if (pg->run)
		g_cancellable_cancel(pg->run->cancellable);
}

static void apply_clicked(GtkButton *b, gpointer data)
{
	Page *pg = data;

	if (!pg->dlg)
		return;
	/* In Claws' --debug output, for the GUI tests (what Apply did is in the fields). */
	debug_print("%s: apply provider settings\n", MPA_PLUGIN_NAME);
	switch (mpa_pa_account_dialog_apply(pg->dlg)) {
	case MPA_PA_APPLY_ALL:
		gtk_label_set_text(GTK_LABEL(pg->status),
				   _("Provider settings applied. Press OK to keep them or Cancel to undo."));
		break;
	case MPA_PA_APPLY_SMTP_ONLY:
		gtk_label_set_text(GTK_LABEL(pg->status),
				   _("Only the sending (SMTP) settings were applied: this account does not "
				     "use IMAP, and an existing account's protocol cannot be changed. To use "
				     "the provider's IMAP server, create a new account."));
		break;
	case MPA_PA_APPLY_NOTHING:
		break;
	}
}

/* ---- PrefsPage callbacks ---- */

/* The last problem Claws Mail met with this account (pa-hints), so that a closed hint window
 * can be found again. */
static void show_last_problem(Page *pg)
{
	const MpaPaLastProblem *lp;
	g_autoptr(GDateTime) when = NULL;
	g_autofree gchar *head = NULL, *at = NULL, *line = NULL, *title = NULL;

	if (!pg->problem || !pg->dlg)
		return;
	clear_box(pg->problem);
	lp = mpa_pa_hints_last_problem(mpa_pa_account_dialog_account_id(pg->dlg));
	if (!lp) {
		gtk_widget_hide(pg->problem);
		return;
	}
	head = bold(_("Last problem Claws Mail met with this account"));
	add_label(pg->problem, head, TRUE);
	when = g_date_time_new_from_unix_local(lp->when / G_USEC_PER_SEC);
	at = g_date_time_format(when, "%Y-%m-%d %H:%M:%S");
	/* TRANSLATORS: when (date and time), then the server, e.g. "imap.sohu.com (IMAP)". */
	line = g_strdup_printf(_("%s, %s:"), at, lp->server);
	add_label(pg->problem, line, FALSE);
	title = bold(lp->headline);
	add_label(pg->problem, title, TRUE);
	debug_print("%s: page: last problem: %s\n", MPA_PLUGIN_NAME, lp->headline);
	if (lp->fix)
		add_text(pg->problem, lp->fix);
	if (lp->reply) {
		g_autofree gchar *t = g_strdup_printf(_("Server said: %s"), lp->reply);
		add_label(pg->problem, t, FALSE);
	}
	gtk_widget_show(pg->problem);
}

static gboolean show_page_idle(gpointer data);

static void create_widget(PrefsPage *pp, GtkWindow *window, gpointer data)
{
	Page *pg = (Page *)pp;
	GtkWidget *scroll, *vbox, *buttons, *stages;
	g_autofree gchar *expander_title = NULL;

	pg->toplevel = window;
	pg->rebuild_account = -1;
	pg->tested_ok = FALSE;
	pg->asked = FALSE;
	pg->result_stale = FALSE;
	g_clear_pointer(&pg->result_fp, g_free);
	g_clear_pointer(&pg->last_failure, g_free);
	vbox = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
	gtk_container_set_border_width(GTK_CONTAINER(vbox), 8);

	pg->title = add_label(vbox, "", FALSE);
	/* Not selectable: it would take the focus and show selected when the page opens. */
	gtk_label_set_selectable(GTK_LABEL(pg->title), FALSE);

	/* The actions first, then the result: a test's progress and verdict are in view at once,
	 * whatever the length of the checklist. */
	buttons = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	pg->test_btn = gtk_button_new_with_mnemonic(_("_Test connection"));
	pg->cancel_btn = gtk_button_new_with_mnemonic(_("_Stop the test"));
	pg->apply_btn = gtk_button_new_with_mnemonic(_("Apply _provider settings"));
	gtk_widget_set_tooltip_text(pg->apply_btn,
				    _("Set servers, user ID, SSL/TLS and SMTP authentication from "
				      "the provider's data, also where they were changed"));
	gtk_box_pack_start(GTK_BOX(buttons), pg->test_btn, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(buttons), pg->cancel_btn, FALSE, FALSE, 0);
	gtk_box_pack_end(GTK_BOX(buttons), pg->apply_btn, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(vbox), buttons, FALSE, FALSE, 0);
	g_signal_connect(pg->test_btn, "clicked", G_CALLBACK(test_clicked), pg);
	g_signal_connect(pg->cancel_btn, "clicked", G_CALLBACK(cancel_clicked), pg);
	g_signal_connect(pg->apply_btn, "clicked", G_CALLBACK(apply_clicked), pg);

	pg->stale = add_label(vbox, _("The password, server, port or security setting has changed "
				      "since this test: its result below may no longer apply. Test "
				      "again."),
			      FALSE);
	{
		g_autofree gchar *m = g_markup_printf_escaped("<b>%s</b>",
							      gtk_label_get_text(GTK_LABEL(pg->stale)));
		gtk_label_set_markup(GTK_LABEL(pg->stale), m);
	}
	gtk_widget_set_no_show_all(pg->stale, TRUE);
	gtk_widget_hide(pg->stale);
	pg->status = add_label(vbox, "", FALSE);
	pg->results = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
	gtk_box_pack_start(GTK_BOX(vbox), pg->results, FALSE, FALSE, 0);
	/* IMAP and SMTP side by side when the dialog is wide enough, one above the other when not. */
	stages = gtk_flow_box_new();
	gtk_flow_box_set_selection_mode(GTK_FLOW_BOX(stages), GTK_SELECTION_NONE);
	gtk_flow_box_set_max_children_per_line(GTK_FLOW_BOX(stages), 2);
	gtk_flow_box_set_column_spacing(GTK_FLOW_BOX(stages), 24);
	gtk_flow_box_set_homogeneous(GTK_FLOW_BOX(stages), FALSE);
	for (guint i = 0; i < 2; i++)
		gtk_container_add(GTK_CONTAINER(stages), stage_grid(pg, i));
	gtk_box_pack_start(GTK_BOX(vbox), stages, FALSE, FALSE, 0);
	/* Nothing to show before the first test (an empty flow box still takes room). */
	gtk_widget_set_no_show_all(stages, TRUE);
	pg->stagebox = stages;

	pg->problem = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
	gtk_widget_set_no_show_all(pg->problem, TRUE);
	gtk_box_pack_start(GTK_BOX(vbox), pg->problem, FALSE, FALSE, 6);
	create_signin(pg, vbox);

	/* The provider's checklist, in an expander: open for a new account until a test passes. */
	expander_title = bold(_("Before the first login"));
	pg->expander = gtk_expander_new(expander_title);
	gtk_expander_set_use_markup(GTK_EXPANDER(pg->expander), TRUE);
	pg->checklist = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
	gtk_widget_set_margin_top(pg->checklist, 4);
	gtk_container_add(GTK_CONTAINER(pg->expander), pg->checklist);
	gtk_box_pack_start(GTK_BOX(vbox), pg->expander, FALSE, FALSE, 6);
	/* The sending guard of this account: today's count, the limits, the switch. */
	gtk_box_pack_start(GTK_BOX(vbox), mpa_pa_guard_page_section(data), FALSE, FALSE, 6);

	scroll = gtk_scrolled_window_new(NULL, NULL);
	gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll), GTK_POLICY_NEVER,
				       GTK_POLICY_AUTOMATIC);
	gtk_container_add(GTK_CONTAINER(scroll), vbox);
	gtk_widget_show_all(scroll);
	gtk_widget_set_sensitive(pg->cancel_btn, FALSE);
	pg->page.widget = scroll;

	show_provider(NULL, pg);
	pg->dlg = mpa_pa_account_dialog_attach(window, data, show_provider, pg);
	mpa_pa_account_dialog_set_fields_changed(pg->dlg, fields_changed, pg);
	mpa_pa_account_dialog_set_signin_changed(pg->dlg, signin_changed, pg);
	update_signin(pg);
	gtk_expander_set_expanded(GTK_EXPANDER(pg->expander), mpa_pa_account_dialog_is_new(pg->dlg));
	show_last_problem(pg);
	/* Opened from a hint window: show this page once Claws has selected its first one. */
	if (open_on_page) {
		open_on_page = FALSE;
		pg->show_source = g_idle_add(show_page_idle, pg);
	}
}

static void destroy_widget(PrefsPage *pp)
{
	Page *pg = (Page *)pp;

	if (pg->run) {
		/* Closing the dialog cancels the check; its callbacks then see page == NULL. */
		pg->run->page = NULL;
		g_cancellable_cancel(pg->run->cancellable);
		pg->run = NULL;
	}
	g_clear_handle_id(&pg->show_source, g_source_remove);
	geometry_stop(pg);
	g_clear_pointer(&pg->dlg, mpa_pa_account_dialog_detach);
	/* OK (or Apply, then Cancel) saved the account: scan its folders once the dialog is gone. */
	if (pg->rebuild_account >= 0 && !rebuild_source)
		rebuild_source = g_idle_add(rebuild_idle, GINT_TO_POINTER(pg->rebuild_account));
	pg->rebuild_account = -1;
	if (pg->rebuild_check)
		g_object_remove_weak_pointer(G_OBJECT(pg->rebuild_check), (gpointer *)&pg->rebuild_check);
	pg->rebuild_check = NULL;
	pg->checklist = pg->title = pg->apply_btn = pg->test_btn = pg->cancel_btn = NULL;
	pg->status = pg->results = pg->stages[0] = pg->stages[1] = NULL;
	pg->expander = pg->stale = pg->problem = pg->stagebox = NULL;
	pg->signin = pg->rb_password = pg->rb_oauth2 = pg->password_text = pg->oauth2_text = NULL;
	pg->notice = NULL;
	g_clear_pointer(&pg->signin_logged, g_free);
	pg->heads[0] = pg->heads[1] = NULL;
	memset(pg->rows, 0, sizeof pg->rows);
	pg->toplevel = NULL;
	g_clear_pointer(&pg->result_fp, g_free);
	g_clear_pointer(&pg->last_failure, g_free);
}

static void save_page(PrefsPage *pp)
{
	Page *pg = (Page *)pp;

	/* A different password saved: the logins recorded were made with the old one, so a refusal
	 * of this one is a first-login problem, not "the password that worked stopped". */
	if (pg->dlg && mpa_pa_account_dialog_password_changed(pg->dlg)) {
		mpa_pa_hints_forget_logins(mpa_pa_account_dialog_account_id(pg->dlg));
		mpa_pa_account_dialog_password_saved(pg->dlg);
	}
	/* The fields it fills belong to Claws' pages; its own choice is the folder list scan. */
	if (pg->dlg && pg->rebuild_check &&
	    gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(pg->rebuild_check)))
		pg->rebuild_account = mpa_pa_account_dialog_account_id(pg->dlg);
}

static gboolean select_row(GtkTreeModel *model, GtkTreePath *path, GtkTreeIter *iter, gpointer data)
{
	GtkTreeView *view = data;
	g_autofree gchar *title = NULL;

	gtk_tree_model_get(model, iter, PREFS_PAGE_TITLE, &title, -1);
	if (g_strcmp0(title, page_path[1]) != 0)
		return FALSE;
	gtk_tree_view_expand_to_path(view, path);
	gtk_tree_view_set_cursor(view, path, NULL, FALSE);
	return TRUE;
}

/* Show this page in the dialog (through the tree, so Claws' own selection logic runs). */
static void show_page(Page *pg)
{
	GPtrArray *all = g_ptr_array_new();
	GList *stack = g_list_prepend(NULL, pg->toplevel);

	/* Breadth-first search for the dialog's tree view. */
	while (stack) {
		GtkWidget *w = stack->data;
		stack = g_list_delete_link(stack, stack);
		if (GTK_IS_TREE_VIEW(w)) {
			gtk_tree_model_foreach(gtk_tree_view_get_model(GTK_TREE_VIEW(w)), select_row, w);
			break;
		}
		if (GTK_IS_CONTAINER(w)) {
			GList *children = gtk_container_get_children(GTK_CONTAINER(w));
			stack = g_list_concat(stack, children);
		}
	}
	g_list_free(stack);
	g_ptr_array_free(all, TRUE);
}

static gboolean show_page_idle(gpointer data)
{
	Page *pg = data;

	pg->show_source = 0;
	if (!pg->toplevel)
		return G_SOURCE_REMOVE;
	show_page(pg);
	debug_print("%s: page shown for account %d\n", MPA_PLUGIN_NAME,
		    pg->dlg ? mpa_pa_account_dialog_account_id(pg->dlg) : -1);
	return G_SOURCE_REMOVE;
}

void mpa_pa_page_open_account(gint account_id)
{
	PrefsAccount *ac = account_find_from_id(account_id);

	if (!ac)
		return;
	if (page.toplevel) {
		/* A dialog is open already (Claws has one at a time): show the page in it when it
		 * is this account's. */
		if (page.dlg && mpa_pa_account_dialog_account_id(page.dlg) == account_id) {
			gtk_window_present(page.toplevel);
			show_page(&page);
		}
		return;
	}
	open_on_page = TRUE;
	/* Claws' own "Preferences for current account": runs until the dialog closes, and the
	 * plugin may be unloaded meanwhile: this code must stay mapped to return to. */
	mpa_pa_pin_module();
	account_open(ac, FALSE);
	open_on_page = FALSE;
}

/* OK on a new account of a known provider that has not passed a test, or on any account whose
 * last test here failed: offer the test, once per failed test.  Never forced: "Save anyway"
 * and a second OK both go through. */
static gboolean can_close(PrefsPage *pp)
{
	Page *pg = (Page *)pp;
	GtkWidget *d;
	const gchar *question;
	gint response;
	gboolean tested = pg->tested_ok && !pg->result_stale;
	g_autofree gchar *text = NULL;

	if (!pg->dlg || !mpa_pa_account_dialog_provider(pg->dlg) || tested || pg->asked || pg->run)
		return TRUE;
	if (!pg->last_failure && !mpa_pa_account_dialog_is_new(pg->dlg))
		return TRUE;
	pg->asked = TRUE;
	if (!pg->last_failure)
		text = g_strdup(_("This account has not been tested yet. A wrong password makes Claws "
				  "Mail retry the login several times, which can make the provider "
				  "block the account for a while. A test logs in once and explains any "
				  "problem."));
	else if (pg->result_stale)
		text = g_strdup_printf(_("The last test failed:\n%s\n\nThe settings have changed since "
					 "then. Test again before saving: a wrong password makes Claws "
					 "Mail retry the login several times, which can make the "
					 "provider block the account for a while."),
				       pg->last_failure);
	else
		text = g_strdup_printf(_("The last test failed:\n%s\n\nSaved like this, Claws Mail will "
					 "meet the same problem, and a wrong password makes it retry "
					 "the login several times, which can make the provider block "
					 "the account for a while. The page explains what to do."),
				       pg->last_failure);
	/* In Claws' --debug output: the GUI test reads the offer there. */
	debug_print("%s: offer on OK: %s\n", MPA_PLUGIN_NAME, text);
	if (pg->last_failure)
		question = _("The last test failed. Test again before saving?");
	else
		question = _("Test the connection before saving?");
	d = gtk_message_dialog_new(pg->toplevel, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
				   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s", question);
	gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(d), "%s", text);
	if (pg->last_failure)
		gtk_dialog_add_buttons(GTK_DIALOG(d), _("Save anyway"), GTK_RESPONSE_REJECT,
				       _("Test again"), GTK_RESPONSE_ACCEPT, NULL);
	else
		gtk_dialog_add_buttons(GTK_DIALOG(d), _("Save without testing"), GTK_RESPONSE_REJECT,
				       _("Test connection"), GTK_RESPONSE_ACCEPT, NULL);
	gtk_dialog_set_default_response(GTK_DIALOG(d), GTK_RESPONSE_ACCEPT);
	gtk_window_set_title(GTK_WINDOW(d), _("Provider Assistant"));
	response = gtk_dialog_run(GTK_DIALOG(d));
	gtk_widget_destroy(d);
	if (response != GTK_RESPONSE_ACCEPT || !pg->dlg)
		return TRUE;
	show_page(pg);
	start_test(pg);
	return FALSE;
}

void mpa_pa_page_init(void)
{
	/* Claws' own node, in Claws' translation: the page nests under it in every locale. */
	page_path[0] = (gchar *)CLAWS("Account");
	page_path[1] = _("Provider Assistant");
	page_path[2] = NULL;
	page.page.path = page_path;
	/* Below the built-in pages (weight 1000) of the same node. */
	page.page.weight = 100.0;
	page.page.create_widget = create_widget;
	page.page.destroy_widget = destroy_widget;
	page.page.save_page = save_page;
	page.page.can_close = can_close;
	prefs_account_register_page((PrefsPage *)&page);
}

void mpa_pa_page_done(void)
{
	g_clear_handle_id(&rebuild_source, g_source_remove);
	prefs_account_unregister_page((PrefsPage *)&page);
}
