/* Provider Assistant — reading a server's reply (see mpa-reply.h).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include "mpa-reply.h"

/* Steps over line breaks to the next line of a reply: FALSE when none is left, else @end is set to
 * the end of the line at @line.  for (line = text; next_line(&line, &end); line = end) */
static gboolean next_line(const gchar **line, const gchar **end)
{
	if (*line == NULL)
		return FALSE;
	*line += strspn(*line, "\r\n");
	*end = *line + strcspn(*line, "\r\n");
	return **line != '\0';
}

/* ---- IMAP ------------------------------------------------------------------------------- */

typedef enum {
	ST_NONE,
	ST_OK,
	ST_NO,
	ST_BAD,
	ST_BYE,
	ST_PREAUTH
} Status;

static Status status_of(const gchar *w, gsize len)
{
	static const struct {
		const gchar *word;
		Status st;
	} words[] = {
		{ "OK", ST_OK },
		{ "NO", ST_NO },
		{ "BAD", ST_BAD },
		{ "BYE", ST_BYE },
		{ "PREAUTH", ST_PREAUTH },
	};

	for (guint i = 0; i < G_N_ELEMENTS(words); i++)
		if (strlen(words[i].word) == len && g_ascii_strncasecmp(w, words[i].word, len) == 0)
			return words[i].st;
	return ST_NONE;
}

typedef struct {
	Status status;
	const gchar *status_word;
	gsize status_len;
	gboolean tagged; /* a tag other than "*" came before the status word */
	gchar *code;     /* upper case, or NULL */
} ImapLine;

/* One line: [tag|*] STATUS [CODE ...] text, or a bare "[CODE] text".  FALSE when the line is
 * neither (a continuation of text, a data line). */
static gboolean imap_line(const gchar *line, const gchar *end, ImapLine *out)
{
	const gchar *p = line, *w;
	gsize wlen;

	memset(out, 0, sizeof(*out));
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (gint token = 0; token < 2 && p < end && *p != '['; token++) {
		w = p;
		while (p < end && *p != ' ' && *p != '[')
			p++;
		wlen = p - w;
		while (p < end && *p == ' ')
			p++;
		out->status = status_of(w, wlen);
		if (out->status != ST_NONE) {
			out->status_word = w;
			out->status_len = wlen;
			break;
		}
		if (token == 1)
			return FALSE; /* two tokens and no status word: not a status line */
		out->tagged = !(wlen == 1 && *w == '*');
	}
	if (out->status == ST_NONE && (p >= end || *p != '['))
		return FALSE;
	if (p < end && *p == '[') {
		const gchar *a = ++p;

		while (p < end && (g_ascii_isalnum(*p) || *p == '-' || *p == '.' || *p == '_'))
			p++;
		if (p > a && p < end && (*p == ']' || *p == ' '))
			out->code = g_ascii_strup(a, p - a);
	}
	return TRUE;
}

/* Ranks of a code, best first. */
enum {
	R_BYE,
	R_TAGGED,
	R_UNTAGGED,
	R_ALERT,
	R_DATA,
	R_COUNT
};

gchar *mpa_reply_imap_code(const gchar *text)
{
	const gchar *line, *end;
	gchar *best[R_COUNT] = { NULL };
	gboolean verdict = FALSE;
	gchar *result = NULL;

	for (line = text; next_line(&line, &end); line = end) {
		ImapLine l;
		gint rank;

		if (!imap_line(line, end, &l))
			continue;
		if (l.status == ST_NO || l.status == ST_BAD || l.status == ST_BYE)
			verdict = TRUE;
		if (l.code == NULL)
			continue;
		if (strcmp(l.code, "ALERT") == 0)
			rank = (l.status == ST_OK || l.status == ST_PREAUTH) && !l.tagged ? R_DATA : R_ALERT;
		else if (l.status == ST_BYE)
			rank = R_BYE;
		else if (l.status == ST_OK || l.status == ST_PREAUTH)
			rank = R_DATA;
		else if (l.tagged)
			rank = R_TAGGED;
		else
			rank = R_UNTAGGED;
		/* the last tagged line is the final one; otherwise the first of its rank */
		if (best[rank] == NULL || rank == R_TAGGED) {
			g_free(best[rank]);
			best[rank] = l.code;
		} else {
			g_free(l.code);
		}
	}
	for (gint r = 0; r < R_COUNT; r++) {
		if (result == NULL && best[r] != NULL && (r != R_DATA || !verdict))
			result = g_steal_pointer(&best[r]);
		g_free(best[r]);
	}
	return result;
}

gchar *mpa_reply_imap_status(const gchar *text)
{
	const gchar *line, *end;
	gchar *last = NULL;

	for (line = text; next_line(&line, &end); line = end) {
		ImapLine l;

		if (!imap_line(line, end, &l))
			continue;
		g_free(l.code);
		if (l.status != ST_NONE) {
			g_free(last);
			last = g_ascii_strup(l.status_word, l.status_len);
		}
	}
	return last;
}

/* ---- SMTP ------------------------------------------------------------------------------- */

/* An enhanced status code at @p: [245].[0-9]{1,3}.[0-9]{1,3}, then the end, a space, "," or ";".
 * Sets @len to its length. */
static gboolean enhanced_at(const gchar *p, const gchar *end, gsize *len)
{
	const gchar *q = p;
	gint n;

	if (q >= end || (*q != '2' && *q != '4' && *q != '5'))
		return FALSE;
	q++;
	for (gint part = 0; part < 2; part++) {
		if (q >= end || *q != '.')
			return FALSE;
		q++;
		for (n = 0; n < 3 && q < end && g_ascii_isdigit(*q); n++)
			q++;
		if (n == 0 || (q < end && g_ascii_isdigit(*q)))
			return FALSE;
	}
	if (q < end && !g_ascii_isspace(*q) && *q != ',' && *q != ';')
		return FALSE;
	*len = q - p;
	return TRUE;
}

gboolean mpa_reply_is_enhanced(const gchar *text)
{
	gsize len;

	return text != NULL && enhanced_at(text, text + strlen(text), &len) && text[len] == '\0';
}

/* A line that starts with a reply code: its code, and its enhanced code (or NULL) in @enhanced. */
static guint smtp_line(const gchar *line, const gchar *end, gchar **enhanced)
{
	const gchar *p = line;
	guint code;
	gsize len;

	*enhanced = NULL;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 3 || !(p[0] >= '2' && p[0] <= '5') || !g_ascii_isdigit(p[1]) ||
	    !g_ascii_isdigit(p[2]) || !(p + 3 == end || p[3] == ' ' || p[3] == '-'))
		return 0;
	code = (guint)((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
	p += 3;
	if (p < end) {
		p++;
		if (p < end && *p == '#') /* some servers write "535 #5.7.0" */
			p++;
		if (enhanced_at(p, end, &len))
			*enhanced = g_strndup(p, len);
	}
	return code;
}

gboolean mpa_reply_smtp(const gchar *text, guint *code, gchar **enhanced)
{
	const gchar *line, *end;
	guint last = 0;
	gchar *last_enh = NULL;
	g_autoptr(GPtrArray) enh_of = g_ptr_array_new_with_free_func(g_free); /* per line */
	g_autoptr(GArray) code_of = g_array_new(FALSE, FALSE, sizeof(guint));

	if (code != NULL)
		*code = 0;
	if (enhanced != NULL)
		*enhanced = NULL;
	for (line = text; next_line(&line, &end); line = end) {
		gchar *e;
		guint c = smtp_line(line, end, &e);

		if (c == 0)
			continue;
		g_array_append_val(code_of, c);
		g_ptr_array_add(enh_of, e);
		last = c;
		last_enh = e;
	}
	if (last == 0)
		return FALSE;
	if (code != NULL)
		*code = last;
	if (enhanced != NULL) {
		if (last_enh != NULL) {
			*enhanced = g_strdup(last_enh);
		} else {
			for (guint i = 0; i < code_of->len; i++) {
				if (g_array_index(code_of, guint, i) == last && enh_of->pdata[i] != NULL) {
					*enhanced = g_strdup(enh_of->pdata[i]);
					break;
				}
			}
		}
	}
	return TRUE;
}

/* ---- Codes quoted by other programs ----------------------------------------------------- */

static GRegex *compile_once(gsize *once, GRegex **re, const gchar *pattern)
{
	if (g_once_init_enter(once)) {
		g_autoptr(GError) error = NULL;

		*re = g_regex_new(pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &error);
		/* the patterns are ours: a broken one is a programming error */
		g_assert_no_error(error);
		g_once_init_leave(once, 1);
	}
	return *re;
}

gboolean mpa_reply_smtp_find(const gchar *text, guint *code, gchar **enhanced)
{
	static gsize code_once, enh_once;
	static GRegex *code_re, *enh_re;
	g_autoptr(GMatchInfo) m = NULL;
	gint start, end;

	if (code != NULL)
		*code = 0;
	if (enhanced != NULL)
		*enhanced = NULL;
	if (text == NULL)
		return FALSE;
	compile_once(&code_once, &code_re,
		     "(?:^|[\\s(\\[<'\"\\x{2018}\\x{201c}])([45][0-9][0-9])"
		     "(?=[ -][#A-Za-z0-9]|, ?b?['\"\\x{2018}]|\\)|['\"\\x{2019}\\x{201d}]|$)");
	compile_once(&enh_once, &enh_re,
		     "(?:^|[\\s(\\[<'\"#])([45]\\.[0-9]{1,3}\\.[0-9]{1,3})(?=[\\s,;)'\"]|$)");
	if (g_regex_match(code_re, text, G_REGEX_MATCH_NOTEMPTY, &m) &&
	    g_match_info_fetch_pos(m, 1, &start, &end)) {
		const gchar *p = text + end, *stop = text + strlen(text);
		gsize len;

		if (code != NULL)
			*code = (guint)((text[start] - '0') * 100 + (text[start + 1] - '0') * 10 +
					(text[start + 2] - '0'));
		/* the enhanced code right after it: "535 5.7.8", "(535, b'5.7.8", "(535): 5.7.139" */
		for (gint skip = 0; skip < 6 && p < stop && strchr(" -,'\"b():#", *p) != NULL; skip++)
			p++;
		if (enhanced != NULL && enhanced_at(p, stop, &len))
			*enhanced = g_strndup(p, len);
		return TRUE;
	}
	g_clear_pointer(&m, g_match_info_free);
	if (g_regex_match(enh_re, text, 0, &m) && g_match_info_fetch_pos(m, 1, &start, &end)) {
		if (enhanced != NULL)
			*enhanced = g_strndup(text + start, end - start);
		return TRUE;
	}
	return FALSE;
}

gchar *mpa_reply_imap_code_find(const gchar *text)
{
	static gsize once;
	static GRegex *re;
	g_autoptr(GMatchInfo) m = NULL;
	gchar *alert = NULL;

	if (text == NULL)
		return NULL;
	compile_once(&once, &re,
		     "\\[(AUTHENTICATIONFAILED|AUTHORIZATIONFAILED|EXPIRED|PRIVACYREQUIRED|CONTACTADMIN|"
		     "NOPERM|INUSE|EXPUNGEISSUED|CORRUPTION|SERVERBUG|CLIENTBUG|CANNOT|LIMIT|OVERQUOTA|"
		     "ALREADYEXISTS|NONEXISTENT|UNAVAILABLE|ALERT)\\]");
	for (g_regex_match(re, text, 0, &m); g_match_info_matches(m); g_match_info_next(m, NULL)) {
		g_autofree gchar *word = g_match_info_fetch(m, 1);

		if (g_ascii_strcasecmp(word, "ALERT") != 0) {
			g_free(alert);
			return g_ascii_strup(word, -1);
		}
		if (alert == NULL)
			alert = g_ascii_strup(word, -1);
	}
	return alert;
}
