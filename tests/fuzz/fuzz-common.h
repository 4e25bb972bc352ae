/* Provider Assistant — shared set-up of the libFuzzer targets.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The targets are built by `make fuzz` only (clang, -fsanitize=fuzzer,address,undefined); they are
 * not part of make check.  MPA_FUZZ_PROVIDERS is the source tree's providers/ directory.
 */
#ifndef MPA_FUZZ_COMMON_H
#define MPA_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <glib.h>
#include "mpa-provider.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Criticals and warnings are bugs: a fuzzed input must never reach a g_return_if_fail or make
 * GLib complain.  abort() (not GLib's breakpoint trap) so that libFuzzer saves the input. */
static GLogWriterOutput fuzz_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields,
					gpointer user_data)
{
	GLogWriterOutput out = g_log_writer_standard_streams(level, fields, n_fields, user_data);

	if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
		abort();
	return out;
}

static G_GNUC_UNUSED void fuzz_init_log(void)
{
	g_log_set_writer_func(fuzz_log_writer, NULL, NULL);
}

/* The shipped providers, loaded once: look-ups and diagnoses run against real files. */
static MpaDb *fuzz_db;

static G_GNUC_UNUSED void fuzz_init_db(void)
{
	const gchar *dirs[] = { MPA_FUZZ_PROVIDERS, NULL };
	GPtrArray *problems = g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);

	fuzz_init_log();
	fuzz_db = mpa_db_load_default(dirs, problems);
	if (problems->len > 0 || mpa_db_size(fuzz_db) == 0) {
		g_printerr("fuzz: cannot load the providers of %s\n", MPA_FUZZ_PROVIDERS);
		abort();
	}
	g_ptr_array_unref(problems);
}

#endif
