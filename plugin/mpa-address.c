/* Provider Assistant — e-mail addresses as users type them: parsing, checking, IDN.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Deliberately narrower than RFC 5322: what a person types into an account dialog, possibly pasted
 * from a mail header ("Zhang San <zhangsan@sohu.com>").  Quoted local parts, comments and address
 * literals are refused with a message rather than half-supported.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include "mpa-provider.h"
#include "mpa-provider-private.h"

static gboolean address_error(GError **error, const gchar *format, ...) G_GNUC_PRINTF(2, 3);

static gboolean address_error(GError **error, const gchar *format, ...)
{
	va_list args;
	gchar *message;

	va_start(args, format);
	message = g_strdup_vprintf(format, args);
	va_end(args);
	g_set_error_literal(error, MPA_PROVIDER_ERROR, MPA_PROVIDER_ERROR_ADDRESS, message);
	g_free(message);
	return FALSE;
}

/* Chinese input methods produce full-width "＠" and "。"; they are what the user meant. */
static gchar *fold_full_width(const gchar *text)
{
	GString *s = g_string_sized_new(strlen(text));

	for (const gchar *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		switch (c) {
		case 0xff20: g_string_append_c(s, '@'); break;
		case 0x3002:
		case 0xff0e:
		case 0xff61: g_string_append_c(s, '.'); break;
		case 0x3000: g_string_append_c(s, ' '); break;
		case 0xff1c: g_string_append_c(s, '<'); break;
		case 0xff1e: g_string_append_c(s, '>'); break;
		default: g_string_append_unichar(s, c);
		}
	}
	return g_string_free(s, FALSE);
}

/* Format characters (Unicode category Cf: zero-width space U+200B, byte-order mark U+FEFF, soft
 * hyphen U+00AD, the bidirectional controls U+202A-U+202E and U+2066-U+2069...) and the line
 * and paragraph separators are invisible: an address holding one looks right and is not (the
 * server gets it as the user name; a bidi override even turns the text around where it is
 * shown).  Refused like the control characters; the message names the code point only. */
static gboolean check_invisible(const gchar *addr, GError **error)
{
	if (g_str_is_ascii(addr))
		return TRUE;
	for (const gchar *p = addr; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		GUnicodeType type = g_unichar_type(c);

		if (type == G_UNICODE_FORMAT || type == G_UNICODE_LINE_SEPARATOR ||
		    type == G_UNICODE_PARAGRAPH_SEPARATOR)
			return address_error(error, _("the address contains an invisible formatting character (U+%04X) — type it again instead of pasting"),
					     (guint)c);
	}
	return TRUE;
}

static gboolean is_atext(guchar c)
{
	return g_ascii_isalnum(c) || c >= 0x80 || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static gboolean check_local(const gchar *local, GError **error)
{
	if (*local == '\0')
		return address_error(error, _("there is nothing before the @ — type the whole address, e.g. zhangsan@sohu.com"));
	if (strlen(local) > 64)
		return address_error(error, _("the part before the @ is longer than 64 characters — check the address"));
	if (local[0] == '.' || local[strlen(local) - 1] == '.')
		return address_error(error, _("the part before the @ starts or ends with a dot — remove the dot"));
	if (strstr(local, "..") != NULL)
		return address_error(error, _("the part before the @ has two dots in a row — remove one"));
	for (const guchar *p = (const guchar *)local; *p != '\0'; p++) {
		if (*p != '.' && !is_atext(*p))
			return address_error(error, _("the character '%c' is not allowed before the @ — check the address"), *p);
	}
	return TRUE;
}

/* Checks and normalises the domain in place (lower case); a non-ASCII domain is converted into
 * a new string returned in @idn.  *@result points at the A-label form. */
static gboolean check_domain(gchar *dom, gchar **idn, const gchar **result, GError **error)
{
	g_autofree gchar *unicode = NULL;
	const gchar *ace;
	const gchar *why = NULL;
	gsize len = strlen(dom);
	gboolean ascii = TRUE;
	const gchar *last;

	if (len == 0)
		return address_error(error, _("there is nothing after the @ — add the domain, e.g. sohu.com"));
	if (dom[0] == '[')
		return address_error(error, _("addresses with an IP address after the @ are not supported — use the mail domain, e.g. sohu.com"));
	/* "sohu.com." is the fully qualified spelling of the same domain */
	if (len > 1 && dom[len - 1] == '.' && dom[len - 2] != '.')
		dom[--len] = '\0';
	/* most domains are plain ASCII: spare them GLib's IDN machinery (look-ups run per keystroke) */
	for (gchar *p = dom; *p != '\0'; p++) {
		if ((guchar)*p >= 0x80)
			ascii = FALSE;
		else
			*p = g_ascii_tolower(*p);
	}
	if (ascii) {
		ace = dom;
	} else {
		*idn = g_hostname_to_ascii(dom);
		if (*idn == NULL)
			return address_error(error, _("the domain '%s' is not a valid domain name — check the part after the @"), dom);
		for (gchar *p = *idn; *p != '\0'; p++)
			*p = g_ascii_tolower(*p);
		ace = *idn;
	}
	if (!mpa_hostname_check_labels(ace, &why))
		return address_error(error, _("the domain '%s' is not valid: %s — check the part after the @"), dom, why);
	/* punycode typed by hand may not decode, even next to a label GLib encoded: "例子.xn--o"
	 * keeps its "xn--o" (found by fuzzing) */
	if (strstr(ace, "xn--") != NULL && (unicode = g_hostname_to_unicode(ace)) == NULL)
		return address_error(error, _("the domain '%s' has a broken international (xn--) part — check the part after the @"), dom);
	last = strrchr(ace, '.');
	if (last == NULL)
		return address_error(error, _("the domain '%s' has no dot — a mail domain looks like sohu.com"), dom);
	if (strspn(last + 1, "0123456789") == strlen(last + 1))
		return address_error(error, _("'%s' looks like an IP address — use the mail domain after the @, e.g. sohu.com"), dom);
	*result = ace;
	return TRUE;
}

/* Finds the address inside "Name <addr>", "\"Quoted, Name\" <addr>" or "<addr>"; returns a
 * pointer into @s (modified in place) or NULL after setting @error. */
static gchar *unwrap(gchar *s, GError **error)
{
	gchar *lt, *gt;

	if (*s == '"') {
		gchar *p = s + 1;

		while (*p != '\0' && *p != '"') {
			if (*p == '\\' && p[1] != '\0')
				p++;
			p++;
		}
		if (*p != '"') {
			address_error(error, _("the quoted name has no closing quote — add the \" or remove the name"));
			return NULL;
		}
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '<') {
			address_error(error, _("after a quoted name the address must follow in angle brackets — write it like \"Zhang San\" <zhangsan@sohu.com>"));
			return NULL;
		}
		lt = p;
	} else {
		lt = strchr(s, '<');
		if (lt == NULL) {
			if (strchr(s, '>') != NULL) {
				address_error(error, _("there is a '>' without a '<' — remove it or write Name <address>"));
				return NULL;
			}
			return s;
		}
		for (gchar *p = s; p < lt; p++) {
			if (*p == '"' || *p == '>') {
				address_error(error, _("the name before '<' has a stray '%c' — quote the whole name or remove it"), *p);
				return NULL;
			}
		}
	}
	gt = strchr(lt + 1, '>');
	if (gt == NULL) {
		address_error(error, _("there is a '<' without a closing '>' — write Name <address>"));
		return NULL;
	}
	for (gchar *p = gt + 1; *p != '\0'; p++) {
		if (*p != ' ' && *p != '\t') {
			address_error(error, _("there is text after the '>' — remove it"));
			return NULL;
		}
	}
	*gt = '\0';
	if (strchr(lt + 1, '<') != NULL) {
		address_error(error, _("there is more than one '<' — write Name <address>"));
		return NULL;
	}
	return g_strstrip(lt + 1);
}

gboolean mpa_address_split(const gchar *text, gchar *buf, const gchar **local_part,
			   const gchar **domain, gchar **idn, GError **error)
{
	gchar *work, *addr, *at, *end;
	gsize len;

	*idn = NULL;
	if (text == NULL)
		return address_error(error, _("no address was given — type an address such as zhangsan@sohu.com"));
	len = strlen(text);
	if (len >= MPA_ADDRESS_BUF)
		return address_error(error, _("the text is far too long for an e-mail address — type only the address"));
	if (!g_utf8_validate(text, len, NULL))
		return address_error(error, _("the text is not valid UTF-8 — type the address again"));
	/* folding full-width forms never makes the text longer, so it fits the buffer */
	if (g_str_is_ascii(text)) {
		memcpy(buf, text, len + 1);
	} else {
		g_autofree gchar *folded = fold_full_width(text);

		g_strlcpy(buf, folded, MPA_ADDRESS_BUF);
	}
	/* a pasted address often brings a line break along: only surrounding white space is forgiven */
	work = buf;
	while (g_ascii_isspace(*work))
		work++;
	end = work + strlen(work);
	while (end > work && g_ascii_isspace(end[-1]))
		*--end = '\0';
	for (const guchar *p = (const guchar *)work; *p != '\0'; p++) {
		/* C0 controls, DEL, and C1 controls (U+0080-U+009F are 0xC2 0x80-0x9F in UTF-8) */
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0))
			return address_error(error, _("the address contains an invisible control character — type it again instead of pasting"));
	}
	if (*work == '\0')
		return address_error(error, _("the address is empty — type an address such as zhangsan@sohu.com"));

	addr = unwrap(work, error);
	if (addr == NULL)
		return FALSE;
	if (*addr == '\0')
		return address_error(error, _("there is no address between '<' and '>' — type it there"));
	if (!check_invisible(addr, error))
		return FALSE;
	if (strpbrk(addr, " \t") != NULL)
		return address_error(error, _("the address contains a space — remove it"));
	at = strchr(addr, '@');
	if (at == NULL)
		return address_error(error, _("'%s' has no @ — an address looks like zhangsan@sohu.com"), addr);
	if (strchr(at + 1, '@') != NULL)
		return address_error(error, _("the address has more than one @ — keep only the one before the domain"));
	*at = '\0';
	if (!check_local(addr, error))
		return FALSE;
	if (!check_domain(at + 1, idn, domain, error)) {
		g_clear_pointer(idn, g_free);
		return FALSE;
	}
	if (strlen(addr) + 1 + strlen(*domain) > 254) {
		g_clear_pointer(idn, g_free);
		return address_error(error, _("the address is longer than 254 characters — check it"));
	}
	*local_part = addr;
	return TRUE;
}

gboolean mpa_address_parse(const gchar *text, gchar **local_part, gchar **domain, GError **error)
{
	gchar buf[MPA_ADDRESS_BUF];
	g_autofree gchar *idn = NULL;
	const gchar *local, *dom;

	if (local_part != NULL)
		*local_part = NULL;
	if (domain != NULL)
		*domain = NULL;
	if (!mpa_address_split(text, buf, &local, &dom, &idn, error))
		return FALSE;
	if (local_part != NULL)
		*local_part = g_strdup(local);
	if (domain != NULL)
		*domain = g_strdup(dom);
	return TRUE;
}

gchar *mpa_expand_username(const gchar *tmpl, const gchar *address)
{
	g_autofree gchar *local = NULL;
	const gchar *domain;
	const gchar *at;
	GString *out;

	g_return_val_if_fail(tmpl != NULL, NULL);
	g_return_val_if_fail(address != NULL, NULL);
	at = strrchr(address, '@');
	local = at != NULL ? g_strndup(address, at - address) : g_strdup(address);
	domain = at != NULL ? at + 1 : "";
	out = g_string_new(NULL);
	for (const gchar *p = tmpl; *p != '\0';) {
		if (g_str_has_prefix(p, "%EMAILADDRESS%")) {
			g_string_append(out, address);
			p += strlen("%EMAILADDRESS%");
		} else if (g_str_has_prefix(p, "%EMAILLOCALPART%")) {
			g_string_append(out, local);
			p += strlen("%EMAILLOCALPART%");
		} else if (g_str_has_prefix(p, "%EMAILDOMAIN%")) {
			g_string_append(out, domain);
			p += strlen("%EMAILDOMAIN%");
		} else {
			g_string_append_c(out, *p++);
		}
	}
	return g_string_free(out, FALSE);
}

gchar *mpa_expand_host(const gchar *tmpl, const gchar *address)
{
	g_autofree gchar *expanded = NULL;

	g_return_val_if_fail(tmpl != NULL, NULL);
	g_return_val_if_fail(address != NULL, NULL);
	if (strchr(tmpl, '%') == NULL)
		return g_strdup(tmpl); /* the usual case: a fixed host */
	/* 35.cn's "imap.%EMAILDOMAIN%"; the domain of a parsed address is lower case already */
	expanded = mpa_expand_username(tmpl, address);
	return g_ascii_strdown(expanded, -1);
}
