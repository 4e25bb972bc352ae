/* Provider Assistant — libetpan logger filter.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Claws turns libetpan's global stream logging on (mailstream_debug, mailstream_logger), so the
 * plugin's own IMAP/SMTP traffic, the LOGIN password and the AUTH PLAIN blob included, would land in
 * Claws' network log.  libetpan calls mailstream_logger_id in preference to mailstream_logger; the
 * filter installed there drops whatever a check thread sends or receives and hands everything else
 * to whichever mailstream_logger Claws has set at that moment (Claws swaps it around FETCH/APPEND).
 * mailstream_debug and mailstream_network_delay stay Claws' own.
 */
#include "config.h"

#include <libetpan/libetpan.h>

#include "mpa-check.h"
#include "pa-logfilter.h"

typedef void (*LoggerIdFunc)(mailstream_low *s, int is_stream_data, int direction,
			     const char *str, size_t size);

static LoggerIdFunc previous;
static gboolean installed;

static void filter_logger(mailstream_low *s, int is_stream_data, int direction, const char *str,
			  size_t size)
{
	void (*logger)(int, const char *, size_t);

	if (mpa_check_thread_is_ours())
		return;
	if (previous) {
		previous(s, is_stream_data, direction, str, size);
		return;
	}
	logger = mailstream_logger;
	if (logger)
		logger(direction, str, size);
}

void mpa_pa_logfilter_install(void)
{
	if (installed)
		return;
	previous = mailstream_logger_id;
	mailstream_logger_id = filter_logger;
	installed = TRUE;
}

void mpa_pa_logfilter_remove(void)
{
	if (!installed)
		return;
	/* Only put the old one back if nobody replaced ours in the meantime. */
	if (mailstream_logger_id == filter_logger)
		mailstream_logger_id = previous;
	previous = NULL;
	installed = FALSE;
}
