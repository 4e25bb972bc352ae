/* Provider Assistant — the "Provider Assistant" page of the account dialog: the provider's
 * checklist, "Apply provider settings", and "Test connection" with live stages and a diagnosis.
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
#include <time.h>

#include "prefs_account.h"
#include "account.h"
#include "folder.h"
#include "folderview.h"
#include "gtk/prefswindow.h"
#include "common/log.h"

#include "mpa-diagnose.h"
#include "pa-plugin.h"
#include "pa-guard.h"

/* Strings of Claws itself, in its own translation (not extracted into our catalogue). */
#define CLAWS(s) g_dgettext("claws-mail", s)

typedef struct _Run Run;

/* One line of the live stage display.  Built with the page and only shown, hidden and relabelled
 * while a check runs: creating and destroying widgets on every progress step (CSS styling, a
 * relayout of the whole dialog each time) made Claws' window stall for tens of milliseconds. */
typedef struct {
	GtkWidget *status;              /* a stack: "spin" (spinner) or "mark" (✓ ✗ ⊘ –) */
	GtkWidget *spinner;
	GtkWidget *mark;
	GtkWidget *name;
	GtkWidget *time;
} Row;

typedef struct {
	PrefsPage page;                 /* first member: Claws casts between the two */
	MpaAccountDialog *dlg;
	GtkWindow *toplevel;
	GtkWidget *title;
	GtkWidget *checklist;           /* rebuilt when the provider changes */
	GtkWidget *apply_btn;
	GtkWidget *test_btn;
	GtkWidget *cancel_btn;
	GtkWidget *status;
	GtkWidget *stages[2];           /* one grid per protocol */
	GtkWidget *heads[2];
	Row rows[2][MPA_STAGE_COUNT];
	GtkWidget *results;
	Run *run;
	GtkWidget *rebuild_check;       /* "rebuild the folder tree after OK", when offered */
	gboolean tested_ok;
	gboolean asked;
	gint rebuild_account;           /* set by OK/Apply when the rebuild is wanted, else -1 */
} Page;

struct _Run {
	gint ref;
	Page *page;                     /* NULL once the dialog is gone */
	GCancellable *cancellable;
	const MpaProvider *provider;
	guint heartbeat;                /* MPA_STALL_LOG: a 5 ms tick while the check runs */
	gint64 last_tick, max_gap;
	gint64 last_cpu, max_gap_cpu;   /* the main thread's CPU time in the longest gap */
	gint64 max_busy;                /* the most CPU time the main thread used between two ticks */
	guint ticks;
};

static Page page;
static gchar *page_path[3];
static guint rebuild_source;
static guint running;               /* checks whose worker may still run our code */

/* TRANSLATORS: stages of a connection check, shown one per line with a tick or cross. */
static const gchar *const stage_labels[MPA_STAGE_COUNT] = {
	N_("Connect to the server"),
	N_("Secure the connection (TLS)"),
	N_("Server greeting"),
	N_("Log in"),
	N_("Open the inbox"),
	N_("Send"),
};

gboolean
mpa_page_busy(void)
{
	return running > 0;
}

static Run *
run_ref(Run *run)
{
	run->ref++;
	return run;
}

static void
run_unref(Run *run)
{
	if (--run->ref > 0)
		return;
	g_clear_object(&run->cancellable);
	g_free(run);
}

/* ---- stall measurement (MPA_STALL_LOG=FILE) ----
 * The check must never stall Claws' main loop.  With MPA_STALL_LOG set, a 5 ms timeout ticks while
 * a check runs and the longest gap between two ticks is appended to FILE when the check ends:
 * any work the check does on the main loop (progress, results) shows up as a longer gap.  A gap is
 * either work on the main thread or time it waited for a CPU (or the X server): the thread's CPU
 * time tells them apart, so the most CPU time spent between two ticks is logged as well. */

static gint64
thread_cpu_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
heartbeat_tick(gpointer data)
{
	Run *run = data;
	gint64 now = g_get_monotonic_time();
	gint64 cpu = thread_cpu_us();

	if (now - run->last_tick > run->max_gap) {
		run->max_gap = now - run->last_tick;
		run->max_gap_cpu = cpu - run->last_cpu;
	}
	run->max_busy = MAX(run->max_busy, cpu - run->last_cpu);
	run->last_tick = now;
	run->last_cpu = cpu;
	run->ticks++;
	return G_SOURCE_CONTINUE;
}

static void
heartbeat_start(Run *run)
{
	const gchar *file = g_getenv("MPA_STALL_LOG");

	if (!file || !*file)
		return;
	run->last_tick = g_get_monotonic_time();
	run->last_cpu = thread_cpu_us();
	run->heartbeat = g_timeout_add(5, heartbeat_tick, run);
}

static void
heartbeat_stop(Run *run, const MpaCheckResult *r)
{
	const gchar *file = g_getenv("MPA_STALL_LOG");
	FILE *f;

	if (!run->heartbeat)
		return;
	heartbeat_tick(run);
	g_source_remove(run->heartbeat);
	run->heartbeat = 0;
	f = file ? fopen(file, "a") : NULL;
	if (!f)
		return;
	fprintf(f, "max_gap_us=%" G_GINT64_FORMAT " gap_cpu_us=%" G_GINT64_FORMAT " max_busy_us=%"
		G_GINT64_FORMAT " ticks=%u check_us=%" G_GINT64_FORMAT "\n", run->max_gap, run->max_gap_cpu,
		run->max_busy, run->ticks, r ? r->elapsed_us : (gint64) -1);
	fclose(f);
}

/* ---- small widget helpers ---- */

static GtkWidget *
add_label(GtkWidget *box, const gchar *markup, gboolean is_markup)
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

static void
add_link(GtkWidget *box, const gchar *url, const gchar *title)
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

static void
clear_box(GtkWidget *box)
{
	GList *children = gtk_container_get_children(GTK_CONTAINER(box));

	for (GList *l = children; l; l = l->next)
		gtk_widget_destroy(l->data);
	g_list_free(children);
}

/* "<b>title</b>" with the title escaped. */
static gchar *
bold(const gchar *text)
{
	return g_markup_printf_escaped("<b>%s</b>", text ? text : "");
}

/* ---- checklist ---- */

static void
show_provider(const MpaProvider *p, gpointer data)
{
	Page *pg = data;

	if (!pg->checklist)
		return;
	clear_box(pg->checklist);
	pg->tested_ok = FALSE;
	gtk_widget_set_sensitive(pg->apply_btn, p != NULL);
	if (!p) {
		g_autofree gchar *t = bold(_("No known provider"));
		gtk_label_set_markup(GTK_LABEL(pg->title), t);
		add_label(pg->checklist,
			  _("The mail address on the Basic page does not belong to a provider "
			    "this assistant knows. Test connection still checks the servers and "
			    "password typed in the dialog."), FALSE);
		return;
	}
	{
		g_autofree gchar *t = bold(mpa_provider_name(p));
		gtk_label_set_markup(GTK_LABEL(pg->title), t);
	}
	if (p->steps && p->steps->len > 0) {
		g_autofree gchar *h = bold(_("Before the first login"));
		add_label(pg->checklist, h, TRUE);
	}
	for (guint i = 0; p->steps && i < p->steps->len; i++) {
		const MpaStep *s = p->steps->pdata[i];
		g_autofree gchar *m = g_markup_printf_escaped("%u. <b>%s</b>", i + 1,
							      mpa_text_get(s->title));

		add_label(pg->checklist, m, TRUE);
		if (s->text)
			add_label(pg->checklist, mpa_text_get(s->text), FALSE);
		if (s->link)
			add_link(pg->checklist, s->link->url, mpa_text_get(s->link->title));
	}
	for (guint i = 0; p->notes && i < p->notes->len; i++) {
		const MpaStep *s = p->notes->pdata[i];
		g_autofree gchar *m = bold(mpa_text_get(s->title));

		add_label(pg->checklist, m, TRUE);
		if (s->text)
			add_label(pg->checklist, mpa_text_get(s->text), FALSE);
		if (s->link)
			add_link(pg->checklist, s->link->url, mpa_text_get(s->link->title));
	}
}

/* ---- the check ---- */

/* Stop stays in place, only greyed out while idle: showing and hiding it made the whole page
 * move at the start and end of every test. */
static void
set_running(Page *pg, gboolean on)
{
	gtk_widget_set_sensitive(pg->test_btn, !on);
	gtk_widget_set_sensitive(pg->cancel_btn, on);
}

static void
row_set_visible(Row *row, gboolean on)
{
	gtk_widget_set_visible(row->status, on);
	gtk_widget_set_visible(row->name, on);
	gtk_widget_set_visible(row->time, on);
}

static gboolean
row_spinning(const Row *row)
{
	return gtk_widget_get_visible(row->status) &&
	       gtk_stack_get_visible_child(GTK_STACK(row->status)) == row->spinner;
}

static void
row_mark(Row *row, const gchar *mark)
{
	gtk_spinner_stop(GTK_SPINNER(row->spinner));
	gtk_label_set_text(GTK_LABEL(row->mark), mark);
	gtk_stack_set_visible_child(GTK_STACK(row->status), row->mark);
}

static void
stage_row(Run *run, MpaProtocol proto, const MpaStageResult *st)
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
		g_autofree gchar *t = g_strdup_printf(_("%.2f s"), st->elapsed_us / 1e6);
		gtk_label_set_text(GTK_LABEL(row->time), t);
	}
	row_set_visible(row, TRUE);
}

/* The stage grid of one protocol: a heading and one hidden row per stage. */
static GtkWidget *
stage_grid(Page *pg, MpaProtocol proto)
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

static void
on_progress(MpaProtocol proto, const MpaStageResult *st, gpointer data)
{
	Run *run = data;

	if (!run->page || st->stage >= MPA_STAGE_COUNT || proto > MPA_PROTOCOL_SMTP)
		return;
	stage_row(run, proto, st);
}

/* Shows the explanation on the page; returns " (cause-id)" for the log line. */
static gchar *
show_diagnosis(Page *pg, const MpaProvider *p, const MpaProtoResult *r)
{
	gchar *cause_id;
	g_autoptr(GString) s = g_string_new(NULL);
	MpaDiagnosis *d = mpa_diagnose_result(p, r, NULL);
	const gchar *proto = r->protocol == MPA_PROTOCOL_IMAP ? "IMAP" : "SMTP";
	g_autofree gchar *head = NULL;

	head = g_markup_printf_escaped(_("<b>%s failed:</b> %s"), proto,
				       (d && d->causes->len) ?
				       ((MpaExplanation *) d->causes->pdata[0])->title :
				       _("unknown error"));
	add_label(pg->results, head, TRUE);
	if (d && d->causes->len) {
		const MpaExplanation *e = d->causes->pdata[0];

		if (e->fix)
			add_label(pg->results, e->fix, FALSE);
		if (e->link)
			add_link(pg->results, e->link, e->link);
		for (guint i = 1; i < d->causes->len; i++) {
			const MpaExplanation *o = d->causes->pdata[i];
			g_autofree gchar *t = g_strdup_printf(_("Also possible: %s"), o->title);
			add_label(pg->results, t, FALSE);
		}
	}
	/* The server's words are shown as plain text, never as markup. */
	if (d && d->reply) {
		g_autofree gchar *t = g_strdup_printf(_("Server said: %s"), d->reply);
		add_label(pg->results, t, FALSE);
	} else if (r->reply) {
		g_autofree gchar *t = g_strdup_printf(_("Server said: %s"), r->reply);
		add_label(pg->results, t, FALSE);
	}
	if (r->detail) {
		g_autofree gchar *t = g_strdup_printf(_("Details: %s"), r->detail);
		add_label(pg->results, t, FALSE);
	}
	cause_id = g_strdup_printf(" %s %s", proto, (d && d->causes->len) ?
				   ((MpaExplanation *) d->causes->pdata[0])->cause : "unknown");
	if (d)
		mpa_diagnosis_free(d);
	return cause_id;
}

/* The account whose first login failed has no folders: Claws never retries by itself (only
 * "Rebuild folder tree" recovers).  The scan runs once the dialog is closed and Claws has saved
 * the account with the password that just passed the test; while the dialog is open Claws still
 * holds the old one, and a scan with it would be one more failed login. */
static gboolean
folder_tree_empty(const PrefsAccount *ac)
{
	return ac && ac->protocol == A_IMAP4 && ac->folder && ac->folder->node &&
	       (!ac->folder->inbox || g_node_n_children(ac->folder->node) == 0);
}

static gboolean
rebuild_idle(gpointer data)
{
	PrefsAccount *ac = account_find_from_id(GPOINTER_TO_INT(data));

	rebuild_source = 0;
	if (!folder_tree_empty(ac))
		return G_SOURCE_REMOVE;
	log_message(LOG_PROTOCOL, "%s: %s: %s\n", MPA_PLUGIN_NAME, ac->account_name,
		    _("fetching the folder list that the failed first login left empty"));
	/* A scan, not a rebuild: there are no local caches to drop, so Claws need not ask. */
	folderview_rescan_tree(ac->folder, FALSE);
	log_message(LOG_PROTOCOL, "%s: %s: %s\n", MPA_PLUGIN_NAME, ac->account_name,
		    ac->folder->inbox ? _("folder list restored") :
		    _("the folder list is still empty; use Rebuild folder tree on the account's mailbox"));
	return G_SOURCE_REMOVE;
}

static void
offer_rebuild(Page *pg)
{
	PrefsAccount *ac = account_find_from_id(mpa_account_dialog_account_id(pg->dlg));

	if (!folder_tree_empty(ac) || pg->rebuild_check)
		return;
	add_label(pg->results, _("The folder list of this account is empty because an earlier "
				 "login failed, and Claws Mail does not try again by itself."), FALSE);
	pg->rebuild_check = gtk_check_button_new_with_mnemonic(
		_("_Fetch the folder list from the server when this dialog is closed with OK"));
	gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(pg->rebuild_check), TRUE);
	g_object_add_weak_pointer(G_OBJECT(pg->rebuild_check), (gpointer *) &pg->rebuild_check);
	gtk_box_pack_start(GTK_BOX(pg->results), pg->rebuild_check, FALSE, FALSE, 0);
	gtk_widget_show(pg->rebuild_check);
}

static void
on_done(GObject *source, GAsyncResult *res, gpointer data)
{
	Run *run = data;
	Page *pg = run->page;
	g_autoptr(GError) error = NULL;
	MpaCheckResult *r = mpa_check_finish(res, &error);

	heartbeat_stop(run, r);
	running--;
	if (!pg) {
		/* The dialog was closed meanwhile: nothing to show. */
		if (r)
			mpa_check_result_free(r);
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
	if (!r) {
		gtk_label_set_text(GTK_LABEL(pg->status), error ? error->message : "");
	} else {
		const MpaProtoResult *pr[2] = { &r->imap, &r->smtp };
		gboolean any_failed = FALSE, any_ok = FALSE, cancelled = FALSE;

		gchar *causes[2] = { g_strdup(""), g_strdup("") };

		for (guint i = 0; i < 2; i++) {
			if (pr[i]->outcome == MPA_OUTCOME_FAILED) {
				any_failed = TRUE;
				g_free(causes[i]);
				causes[i] = show_diagnosis(pg, run->provider, pr[i]);
			} else if (pr[i]->outcome == MPA_OUTCOME_OK) {
				any_ok = TRUE;
			} else if (pr[i]->outcome == MPA_OUTCOME_CANCELLED) {
				cancelled = TRUE;
			}
		}
		if (cancelled) {
			gtk_label_set_text(GTK_LABEL(pg->status), _("Test cancelled."));
		} else if (any_failed) {
			g_autofree gchar *t = g_strdup_printf(_("Test failed after %.1f s."),
							      r->elapsed_us / 1e6);
			gtk_label_set_text(GTK_LABEL(pg->status), t);
		} else if (any_ok) {
			g_autofree gchar *t = g_strdup_printf(_("Test passed in %.1f s: the settings "
								"and the password work."),
							      r->elapsed_us / 1e6);
			gtk_label_set_text(GTK_LABEL(pg->status), t);
			pg->tested_ok = TRUE;
			mpa_hints_forget_account(mpa_account_dialog_account_id(pg->dlg));
			offer_rebuild(pg);
		}
		/* One line in Claws' network log: what was tested and how it went (never a
		 * password: the check's own traffic is filtered out of this log). */
		log_message(LOG_PROTOCOL, "%s: %s: IMAP %s, SMTP %s%s%s%s\n", MPA_PLUGIN_NAME,
			    _("connection test"), mpa_outcome_name(r->imap.outcome),
			    mpa_outcome_name(r->smtp.outcome),
			    (*causes[0] || *causes[1]) ? "; causes:" : "", causes[0], causes[1]);
		g_free(causes[0]);
		g_free(causes[1]);
		mpa_check_result_free(r);
	}
	run_unref(run);
}

static void
start_test(Page *pg)
{
	g_autoptr(GError) error = NULL;
	MpaCheckRequest *req;
	Run *run;

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
	req = mpa_account_dialog_make_request(pg->dlg, &error);
	if (!req) {
		gtk_label_set_text(GTK_LABEL(pg->status), error->message);
		return;
	}
	for (guint i = 0; i < 2; i++)
		gtk_widget_show(pg->heads[i]);
	run = g_new0(Run, 1);
	run->ref = 1;
	run->page = pg;
	run->cancellable = g_cancellable_new();
	run->provider = mpa_account_dialog_provider(pg->dlg);
	pg->run = run;
	pg->tested_ok = FALSE;
	set_running(pg, TRUE);
	gtk_label_set_text(GTK_LABEL(pg->status), _("Testing…"));
	running++;
	heartbeat_start(run);
	mpa_pa_pin_module();
	mpa_check_run_async(req, run->cancellable, on_progress, run, on_done, run_ref(run));
	mpa_check_request_free(req);
	run_unref(run);
}

static void
test_clicked(GtkButton *b, gpointer data)
{
	start_test(data);
}

static void
cancel_clicked(GtkButton *b, gpointer data)
{
	Page *pg = data;

	if (pg->run)
		g_cancellable_cancel(pg->run->cancellable);
}

static void
apply_clicked(GtkButton *b, gpointer data)
{
	Page *pg = data;

	if (!pg->dlg)
		return;
	switch (mpa_account_dialog_apply(pg->dlg)) {
	case MPA_APPLY_ALL:
		gtk_label_set_text(GTK_LABEL(pg->status),
				   _("Provider settings applied. Press OK to keep them or Cancel to undo."));
		break;
	case MPA_APPLY_SMTP_ONLY:
		gtk_label_set_text(GTK_LABEL(pg->status),
				   _("Only the sending (SMTP) settings were applied: this account does not "
				     "use IMAP, and an existing account's protocol cannot be changed. To use "
				     "the provider's IMAP server, create a new account."));
		break;
	case MPA_APPLY_NOTHING:
		break;
	}
}

/* ---- PrefsPage callbacks ---- */

static void
create_widget(PrefsPage *pp, GtkWindow *window, gpointer data)
{
	Page *pg = (Page *) pp;
	GtkWidget *scroll, *vbox, *buttons, *stages;

	pg->toplevel = window;
	pg->rebuild_account = -1;
	pg->tested_ok = FALSE;
	pg->asked = FALSE;
	vbox = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
	gtk_container_set_border_width(GTK_CONTAINER(vbox), 8);

	pg->title = add_label(vbox, "", FALSE);
	/* Not selectable: it would take the focus and show selected when the page opens. */
	gtk_label_set_selectable(GTK_LABEL(pg->title), FALSE);
	pg->checklist = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
	gtk_box_pack_start(GTK_BOX(vbox), pg->checklist, FALSE, FALSE, 0);

	/* "Apply provider settings" belongs to the checklist above it; on a row of its own it
	 * never makes the page wider than Claws' dialog. */
	pg->apply_btn = gtk_button_new_with_mnemonic(_("Apply _provider settings"));
	gtk_widget_set_tooltip_text(pg->apply_btn,
				    _("Set servers, user ID, SSL/TLS and SMTP authentication from "
				      "the provider's data, also where they were changed"));
	buttons = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	gtk_box_pack_start(GTK_BOX(buttons), pg->apply_btn, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(vbox), buttons, FALSE, FALSE, 0);

	buttons = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	pg->test_btn = gtk_button_new_with_mnemonic(_("_Test connection"));
	pg->cancel_btn = gtk_button_new_with_mnemonic(_("_Stop the test"));
	gtk_box_pack_start(GTK_BOX(buttons), pg->test_btn, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(buttons), pg->cancel_btn, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(vbox), buttons, FALSE, FALSE, 6);
	g_signal_connect(pg->test_btn, "clicked", G_CALLBACK(test_clicked), pg);
	g_signal_connect(pg->cancel_btn, "clicked", G_CALLBACK(cancel_clicked), pg);
	g_signal_connect(pg->apply_btn, "clicked", G_CALLBACK(apply_clicked), pg);

	pg->status = add_label(vbox, "", FALSE);
	/* IMAP and SMTP side by side when the dialog is wide enough, one above the other when not. */
	stages = gtk_flow_box_new();
	gtk_flow_box_set_selection_mode(GTK_FLOW_BOX(stages), GTK_SELECTION_NONE);
	gtk_flow_box_set_max_children_per_line(GTK_FLOW_BOX(stages), 2);
	gtk_flow_box_set_column_spacing(GTK_FLOW_BOX(stages), 24);
	gtk_flow_box_set_homogeneous(GTK_FLOW_BOX(stages), FALSE);
	for (guint i = 0; i < 2; i++)
		gtk_container_add(GTK_CONTAINER(stages), stage_grid(pg, i));
	gtk_box_pack_start(GTK_BOX(vbox), stages, FALSE, FALSE, 0);
	pg->results = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
	gtk_box_pack_start(GTK_BOX(vbox), pg->results, FALSE, FALSE, 0);
	/* The sending guard of this account: today's count, the limits, the switch. */
	gtk_box_pack_start(GTK_BOX(vbox), mpa_guard_ui_page_section(data), FALSE, FALSE, 6);

	scroll = gtk_scrolled_window_new(NULL, NULL);
	gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll), GTK_POLICY_NEVER,
				       GTK_POLICY_AUTOMATIC);
	gtk_container_add(GTK_CONTAINER(scroll), vbox);
	gtk_widget_show_all(scroll);
	gtk_widget_set_sensitive(pg->cancel_btn, FALSE);
	pg->page.widget = scroll;

	show_provider(NULL, pg);
	pg->dlg = mpa_account_dialog_attach(window, data, show_provider, pg);
}

static void
destroy_widget(PrefsPage *pp)
{
	Page *pg = (Page *) pp;

	if (pg->run) {
		/* Closing the dialog cancels the check; its callbacks then see page == NULL. */
		pg->run->page = NULL;
		g_cancellable_cancel(pg->run->cancellable);
		pg->run = NULL;
	}
	g_clear_pointer(&pg->dlg, mpa_account_dialog_detach);
	/* OK (or Apply, then Cancel) saved the account: scan its folders once the dialog is gone. */
	if (pg->rebuild_account >= 0 && !rebuild_source)
		rebuild_source = g_idle_add(rebuild_idle, GINT_TO_POINTER(pg->rebuild_account));
	pg->rebuild_account = -1;
	if (pg->rebuild_check)
		g_object_remove_weak_pointer(G_OBJECT(pg->rebuild_check), (gpointer *) &pg->rebuild_check);
	pg->rebuild_check = NULL;
	pg->checklist = pg->title = pg->apply_btn = pg->test_btn = pg->cancel_btn = NULL;
	pg->status = pg->results = pg->stages[0] = pg->stages[1] = NULL;
	pg->heads[0] = pg->heads[1] = NULL;
	memset(pg->rows, 0, sizeof pg->rows);
	pg->toplevel = NULL;
}

static void
save_page(PrefsPage *pp)
{
	Page *pg = (Page *) pp;

	/* The fields it fills belong to Claws' pages; its own choice is the folder list scan. */
	if (pg->dlg && pg->rebuild_check &&
	    gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(pg->rebuild_check)))
		pg->rebuild_account = mpa_account_dialog_account_id(pg->dlg);
}

static gboolean
select_row(GtkTreeModel *model, GtkTreePath *path, GtkTreeIter *iter, gpointer data)
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
static void
show_page(Page *pg)
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

/* OK on a new account of a known provider that has not passed a test: offer the test, once.
 * Never forced: "Save without testing" and a second OK both go through. */
static gboolean
can_close(PrefsPage *pp)
{
	Page *pg = (Page *) pp;
	GtkWidget *d;
	gint response;

	if (!pg->dlg || !mpa_account_dialog_is_new(pg->dlg) || !mpa_account_dialog_provider(pg->dlg) ||
	    pg->tested_ok || pg->asked || pg->run)
		return TRUE;
	pg->asked = TRUE;
	d = gtk_message_dialog_new(pg->toplevel, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
				   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s",
				   _("Test the connection before saving?"));
	gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(d), "%s",
		_("This account has not been tested yet. A wrong password makes Claws Mail retry the "
		  "login several times, which can make the provider block the account for a while. "
		  "A test logs in once and explains any problem."));
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

void
mpa_page_init(void)
{
	/* Claws' own node, in Claws' translation: the page nests under it in every locale. */
	page_path[0] = (gchar *) CLAWS("Account");
	page_path[1] = _("Provider Assistant");
	page_path[2] = NULL;
	page.page.path = page_path;
	/* Below the built-in pages (weight 1000) of the same node. */
	page.page.weight = 100.0;
	page.page.create_widget = create_widget;
	page.page.destroy_widget = destroy_widget;
	page.page.save_page = save_page;
	page.page.can_close = can_close;
	prefs_account_register_page((PrefsPage *) &page);
}

void
mpa_page_done(void)
{
	g_clear_handle_id(&rebuild_source, g_source_remove);
	prefs_account_unregister_page((PrefsPage *) &page);
}
