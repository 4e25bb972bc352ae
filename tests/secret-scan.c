/* Provider Assistant — secret-scan: runs one connection check through the core and then searches
 * this process's own writable memory for the password.  Driven by tests/test-secrets.sh.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: secret-scan ADDRESS PASSWORD-FILE CA-FILE (imap|smtp):HOST:PORT:(ssl|starttls) ...
 *
 * After mpa_check_run_sync() the result and the request are freed, then every private writable
 * mapping (heap, anonymous memory, thread stacks, .data/.bss) is read through /proc/self/mem and
 * searched for: the password, the AUTH PLAIN blob in base64 ("user\0user\0password", as the engine
 * builds it) and the password in base64 (AUTH LOGIN).  Freed memory counts: glibc does not clear
 * what it frees, so any copy left unwiped is found.
 *
 * The needles themselves must not sit in memory in clear, or the scan would find them: they are
 * kept XOR-masked and compared byte by byte.  Prints one line per needle: "NAME clean" or
 * "NAME FOUND at ADDR in MAPPING"; exits 0 when all are clean, 1 when one was found, 2 on error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mpa-check.h"
#include "mpa-text.h"

#define MASK 0xa5
#define CHUNK (1 << 20)

typedef struct {
	const gchar *name;
	guint8 *masked;
	gsize len;
	gboolean found;
} Needle;

static void needle_set(Needle *n, const gchar *name, const guint8 *clear, gsize len)
{
	n->name = name;
	n->len = len;
	n->masked = g_malloc(len);
	for (gsize i = 0; i < len; i++)
		n->masked[i] = clear[i] ^ MASK;
}

static gboolean matches(const guint8 *p, const Needle *n)
{
	for (gsize i = 0; i < n->len; i++)
		if ((guint8)(p[i] ^ MASK) != n->masked[i])
			return FALSE;
	return TRUE;
}

/* The base64 forms, built and masked at once; the clear text is wiped before it is freed. */
static void needle_b64(Needle *n, const gchar *name, const guint8 *data, gsize len)
{
	gchar *b64 = g_base64_encode(data, len);

	needle_set(n, name, (const guint8 *)b64, strlen(b64));
	mpa_secret_free(b64);
}

/* For finding where a copy comes from: the bytes around it (the secret itself as '#'). */
static void show_context(const guint8 *buf, gsize len, gsize at, gsize n)
{
	gsize from = at > 96 ? at - 96 : 0, to = MIN(len, at + n + 48);

	printf("  context: ");
	for (gsize i = from; i < to; i++) {
		if (i >= at && i < at + n)
			putchar('#');
		else if (buf[i] >= 0x20 && buf[i] < 0x7f)
			putchar(buf[i]);
		else
			printf("\\x%02x", buf[i]);
	}
	putchar('\n');
}

static int scan(Needle *needles, guint count, const guint8 *skip, gsize skip_len)
{
	g_autofree gchar *maps = NULL;
	g_auto(GStrv) lines = NULL;
	int fd = open("/proc/self/mem", O_RDONLY);
	guint8 *buf;
	int found = 0;

	if (fd < 0 || !g_file_get_contents("/proc/self/maps", &maps, NULL, NULL)) {
		g_printerr("secret-scan: cannot read /proc/self/mem or maps: %s\n", g_strerror(errno));
		return -1;
	}
	/* the scan buffer is a mapping of its own, left out of the scan */
	buf = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	lines = g_strsplit(maps, "\n", -1);
	for (guint l = 0; lines[l] != NULL; l++) {
		unsigned long start, end;
		char perms[5] = "";
		char path[512] = "";

		if (sscanf(lines[l], "%lx-%lx %4s %*s %*s %*s %511[^\n]", &start, &end, perms, path) < 3)
			continue;
		if (perms[0] != 'r' || perms[1] != 'w')
			continue;
		if ((const guint8 *)start == buf || strcmp(g_strstrip(path), "[vvar]") == 0)
			continue;
		for (unsigned long at = start; at < end; at += CHUNK - 256) {
			gsize want = MIN((unsigned long)CHUNK, end - at);
			ssize_t got = pread(fd, buf, want, (off_t)at);

			if (got <= 0)
				break;
			for (guint k = 0; k < count; k++) {
				Needle *n = &needles[k];

				for (gsize i = 0; i + n->len <= (gsize)got; i++) {
					const guint8 *addr = (const guint8 *)(at + i);

					if (addr >= skip && addr < skip + skip_len)
						continue;
					if (buf[i] == (guint8)(n->masked[0] ^ MASK) && matches(buf + i, n)) {
						if (!n->found) {
							printf("%s FOUND at %p in %s\n", n->name, (void *)addr,
							       *path ? path : "[anonymous]");
							if (g_getenv("SECRET_SCAN_CONTEXT") != NULL)
								show_context(buf, (gsize)got, i, n->len);
						}
						n->found = TRUE;
						found = 1;
					}
				}
			}
			if ((gsize)got < want)
				break;
		}
	}
	munmap(buf, CHUNK);
	close(fd);
	return found;
}

int main(int argc, char **argv)
{
	gchar *password = NULL, *blob = NULL;
	gsize plen = 0, ulen, blen;
	MpaCheckRequest *req;
	MpaCheckResult *res;
	Needle needles[3] = { { 0 } };
	int found;

	if (argc < 5) {
		g_printerr("usage: secret-scan ADDRESS PASSWORD-FILE CA-FILE PROTO:HOST:PORT:SECURITY...\n");
		return 2;
	}
	if (!g_file_get_contents(argv[2], &password, &plen, NULL)) {
		g_printerr("secret-scan: cannot read %s\n", argv[2]);
		return 2;
	}
	g_strchomp(password);
	plen = strlen(password);
	ulen = strlen(argv[1]);

	/* the needles, masked; every clear copy wiped before it is freed */
	needle_set(&needles[0], "password", (const guint8 *)password, plen);
	blen = 2 * ulen + 2 + plen;
	blob = g_malloc(blen);
	memcpy(blob, argv[1], ulen);
	blob[ulen] = '\0';
	memcpy(blob + ulen + 1, argv[1], ulen);
	blob[2 * ulen + 1] = '\0';
	memcpy(blob + 2 * ulen + 2, password, plen);
	needle_b64(&needles[1], "auth-plain-base64", (const guint8 *)blob, blen);
	memset(blob, 0, blen);
	g_free(blob);
	needle_b64(&needles[2], "password-base64", (const guint8 *)password, plen);

	req = mpa_check_request_new(argv[1]);
	mpa_check_request_set_password(req, password);
	mpa_secret_free(password);
	mpa_check_request_set_ca_file(req, argv[3]);
	mpa_check_request_set_timeouts(req, 5000, 8000);
	for (int i = 4; i < argc; i++) {
		g_auto(GStrv) f = g_strsplit(argv[i], ":", 4);
		MpaSecurity sec = g_strcmp0(f[3], "starttls") == 0 ? MPA_SECURITY_STARTTLS : MPA_SECURITY_SSL;

		if (g_strv_length(f) != 4) {
			g_printerr("secret-scan: bad server %s\n", argv[i]);
			return 2;
		}
		if (strcmp(f[0], "imap") == 0)
			mpa_check_request_set_imap(req, f[1], (guint16)atoi(f[2]), sec, argv[1]);
		else
			mpa_check_request_set_smtp(req, f[1], (guint16)atoi(f[2]), sec, argv[1]);
	}
	res = mpa_check_run_sync(req, NULL);
	printf("imap %s smtp %s\n", mpa_outcome_name(res->imap.outcome), mpa_outcome_name(res->smtp.outcome));
	mpa_check_result_free(res);
	mpa_check_request_free(req);

	found = scan(needles, G_N_ELEMENTS(needles), NULL, 0);
	if (found < 0)
		return 2;
	for (guint k = 0; k < G_N_ELEMENTS(needles); k++) {
		if (!needles[k].found)
			printf("%s clean\n", needles[k].name);
		g_free(needles[k].masked);
	}
	return found ? 1 : 0;
}
