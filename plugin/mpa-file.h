/* Provider Assistant — reading a small local file without trusting it.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the core: no GTK, no Claws Mail headers.
 *
 * Every file the plugin or the command line reads (provider files, a reply file, the guard file,
 * a password file) is small.  Read naively, a FIFO blocks for ever, /dev/zero or a sparse file of
 * gigabytes is read until memory runs out.  mpa_file_read() refuses what is not a regular file
 * (saying what it is), checks the size before reading, and reads at most one byte more than the
 * cap, so a file that grows while it is read is refused too.
 */
#ifndef MPA_FILE_H
#define MPA_FILE_H

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef enum {
	MPA_FILE_ERROR_OPEN,        /* missing, not readable (message: the system's reason) */
	MPA_FILE_ERROR_NOT_REGULAR, /* a directory, FIFO, device, socket */
	MPA_FILE_ERROR_TOO_BIG,     /* more than the cap */
	MPA_FILE_ERROR_READ         /* the read itself failed */
} MpaFileError;
#define MPA_FILE_ERROR (mpa_file_error_quark())
GQuark mpa_file_error_quark(void);

/* What a file of @mode is, translated, for messages: "a directory", "a FIFO (named pipe)"... */
const gchar *mpa_file_kind(mode_t mode);

/* Read the regular file @path (symbolic links followed) of at most @max bytes.  *@contents gets
 * the bytes plus a NUL (free with g_free), *@length their number.  Errors in MPA_FILE_ERROR:
 * OPEN and READ carry the system's reason (g_strerror), NOT_REGULAR says what the file is
 * ("not a regular file but a FIFO (named pipe)"), TOO_BIG the cap in bytes. */
gboolean mpa_file_read(const gchar *path, gsize max, gchar **contents, gsize *length,
		       GError **error);

G_END_DECLS

#endif
