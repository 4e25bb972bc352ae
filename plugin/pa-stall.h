/* Provider Assistant — does a connection check stall Claws Mail's main loop?  (MPA_STALL_LOG)
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The check must never stall Claws' main loop.  With MPA_STALL_LOG=FILE set, a 5 ms timeout ticks
 * while a check runs and, when it ends, one line is appended to FILE:
 *
 *	max_gap_us=… gap_cpu_us=… max_busy_us=… ticks=… check_us=… max_callback_us=… max_callback=…
 *
 * the longest gap between two ticks (any work on the main loop shows up as a longer gap), the main
 * thread's CPU time in that gap, the most CPU time it used between two ticks (a gap is either work
 * or time spent waiting for a CPU or the X server: the CPU time tells them apart), the ticks, the
 * check's own duration and the longest of the plugin's own callbacks ("start", "progress" or
 * "done").  Used by tests/test-gui.sh and bench/.  Without MPA_STALL_LOG nothing is measured.
 */
#ifndef PA_STALL_H
#define PA_STALL_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MpaPaStall MpaPaStall;

/* Starts ticking when MPA_STALL_LOG is set; NULL (nothing measured) otherwise. */
MpaPaStall *mpa_pa_stall_start(void);
/* The plugin's own work in one main-loop callback called @name, since @t0 (monotonic µs).
 * Does nothing for NULL. */
void mpa_pa_stall_callback(MpaPaStall *stall, const gchar *name, gint64 t0);
/* Stops ticking, counts the "done" callback (begun at @done_t0), appends the line with the
 * check's duration @check_us and frees @stall.  Does nothing for NULL. */
void mpa_pa_stall_stop(MpaPaStall *stall, gint64 check_us, gint64 done_t0);

G_END_DECLS

#endif
