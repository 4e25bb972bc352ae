/* Provider Assistant — reading a small local file without trusting it (see mpa-file.h).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "mpa-file.h"

G_DEFINE_QUARK(mpa - file - error - quark, mpa_file_error)

const gchar *mpa_file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return _("a regular file");
	if (S_ISDIR(mode))
		return _("a directory");
	if (S_ISFIFO(mode))
		return _("a FIFO (named pipe)");
	if (S_ISCHR(mode))
		return _("a character device");
	if (S_ISBLK(mode))
		return _("a block device");
	if (S_ISSOCK(mode))
		return _("a socket");
	return _("a special file");
}

static void set_not_regular(GError **error, mode_t mode)
{
	g_set_error(error, MPA_FILE_ERROR, MPA_FILE_ERROR_NOT_REGULAR,
		    _("not a regular file but %s"), mpa_file_kind(mode));
}

static void set_too_big(GError **error, gsize max)
{
	g_set_error(error, MPA_FILE_ERROR, MPA_FILE_ERROR_TOO_BIG,
		    _("larger than %lu bytes"), (gulong)max);
}

/* Read at most @max + 1 bytes: one more than allowed tells a file that is too long.  @hint (the
 * size fstat reported, at most @max) sizes the first buffer. */
static gboolean read_capped(int fd, gsize max, gsize hint, gchar **contents, gsize *length,
			    GError **error)
{
	gsize len = 0;
	gsize room = MIN(MAX(hint + 1, (gsize)4096), max + 1); /* bytes the buffer takes, w/o NUL */
	g_autofree gchar *buf = g_malloc(room + 1);

	for (;;) {
		ssize_t n;

		if (len == room) {
			if (room == max + 1)
				break;
			room = room > (max + 1) / 2 ? max + 1 : room * 2;
			buf = g_realloc(buf, room + 1);
		}
		n = read(fd, buf + len, room - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			g_set_error_literal(error, MPA_FILE_ERROR, MPA_FILE_ERROR_READ, g_strerror(saved));
			return FALSE;
		}
		if (n == 0)
			break;
		len += (gsize)n;
	}
	if (len > max) {
		set_too_big(error, max);
		return FALSE;
	}
	buf[len] = '\0';
	*contents = g_steal_pointer(&buf);
	if (length != NULL)
		*length = len;
	return TRUE;
}

gboolean mpa_file_read(const gchar *path, gsize max, gchar **contents, gsize *length,
		       GError **error)
{
	GStatBuf st;
	struct stat fst;
	gboolean ok;
	int fd;

	g_return_val_if_fail(path != NULL, FALSE);
	g_return_val_if_fail(contents != NULL, FALSE);
	/* Look before opening: opening some devices has effects, and a FIFO blocks in open(). */
	if (g_stat(path, &st) != 0) {
		int saved = errno;

		g_set_error_literal(error, MPA_FILE_ERROR, MPA_FILE_ERROR_OPEN, g_strerror(saved));
		return FALSE;
	}
	if (!S_ISREG(st.st_mode)) {
		set_not_regular(error, st.st_mode);
		return FALSE;
	}
	if ((guint64)st.st_size > (guint64)max) {
		set_too_big(error, max);
		return FALSE;
	}
	/* O_NONBLOCK: should the name be swapped for a FIFO between the stat and the open, the open
	 * returns at once and the fstat below refuses it. */
	fd = g_open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, 0);
	if (fd < 0) {
		int saved = errno;

		g_set_error_literal(error, MPA_FILE_ERROR, MPA_FILE_ERROR_OPEN, g_strerror(saved));
		return FALSE;
	}
	if (fstat(fd, &fst) != 0) {
		int saved = errno;

		g_set_error_literal(error, MPA_FILE_ERROR, MPA_FILE_ERROR_READ, g_strerror(saved));
		close(fd);
		return FALSE;
	}
	if (!S_ISREG(fst.st_mode)) {
		set_not_regular(error, fst.st_mode);
		close(fd);
		return FALSE;
	}
	ok = read_capped(fd, max, (gsize)MIN((guint64)fst.st_size, (guint64)max), contents, length,
			 error);
	close(fd);
	return ok;
}
