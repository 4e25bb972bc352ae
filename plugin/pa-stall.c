/* Provider Assistant — does a connection check stall Claws Mail's main loop?  (see pa-stall.h)
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "pa-stall.h"

struct _MpaPaStall {
	gchar *file;  /* MPA_STALL_LOG */
	guint source; /* the 5 ms tick */
	gint64 last_tick, max_gap;
	gint64 last_cpu, max_gap_cpu; /* the main thread's CPU time in the longest gap */
	gint64 max_busy;              /* the most CPU time the main thread used between two ticks */
	gint64 max_cb;                /* the longest of the plugin's own main-loop callbacks */
	const gchar *max_cb_name;     /* "start", "progress" or "done" */
	guint ticks;
};

static gint64 thread_cpu_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean tick(gpointer data)
{
	MpaPaStall *st = data;
	gint64 now = g_get_monotonic_time();
	gint64 cpu = thread_cpu_us();

	if (now - st->last_tick > st->max_gap) {
		st->max_gap = now - st->last_tick;
		st->max_gap_cpu = cpu - st->last_cpu;
	}
	st->max_busy = MAX(st->max_busy, cpu - st->last_cpu);
	st->last_tick = now;
	st->last_cpu = cpu;
	st->ticks++;
	return G_SOURCE_CONTINUE;
}

MpaPaStall *mpa_pa_stall_start(void)
{
	const gchar *file = g_getenv("MPA_STALL_LOG");
	MpaPaStall *st;

	if (!file || !*file)
		return NULL;
	st = g_new0(MpaPaStall, 1);
	st->file = g_strdup(file);
	st->last_tick = g_get_monotonic_time();
	st->last_cpu = thread_cpu_us();
	st->source = g_timeout_add(5, tick, st);
	return st;
}

void mpa_pa_stall_callback(MpaPaStall *st, const gchar *name, gint64 t0)
{
	gint64 dt = g_get_monotonic_time() - t0;

	if (!st || dt <= st->max_cb)
		return;
	st->max_cb = dt;
	st->max_cb_name = name;
}

void mpa_pa_stall_stop(MpaPaStall *st, gint64 check_us, gint64 done_t0)
{
	FILE *f;

	if (!st)
		return;
	mpa_pa_stall_callback(st, "done", done_t0);
	tick(st);
	g_source_remove(st->source);
	f = fopen(st->file, "a");
	if (f) {
		fprintf(f,
			"max_gap_us=%lld gap_cpu_us=%lld max_busy_us=%lld ticks=%u check_us=%lld "
			"max_callback_us=%lld max_callback=%s\n",
			(long long)st->max_gap, (long long)st->max_gap_cpu, (long long)st->max_busy,
			st->ticks, (long long)check_us, (long long)st->max_cb,
			st->max_cb_name ? st->max_cb_name : "-");
		fclose(f);
	}
	g_free(st->file);
	g_free(st);
}
