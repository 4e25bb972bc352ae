/* Provider Assistant — loading and validating one provider file (see mpa-provider.h and
 * doc/provider-format.md).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two passes: GMarkup builds a small element tree (resolving XML namespaces itself, since GMarkup
 * knows nothing of them), then the tree is checked and turned into an MpaProvider.  Checking a
 * tree instead of streaming lets every problem of a file be reported in one go, and lets links be
 * referenced before they are declared.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include "mpa-provider.h"
#include "mpa-provider-private.h"
#include "mpa-diagnose.h"
#include "mpa-file.h"
#include "mpa-lang.h"
#include "mpa-xml.h"

G_DEFINE_QUARK(mpa - provider - error - quark, mpa_provider_error)

/* A provider file is a few kilobytes; anything this big is the wrong file. */
#define MAX_FILE_SIZE (1024 * 1024)

/* ---- names ---- */

static const gchar *const stage_names[MPA_STAGE_COUNT] = {
	"connect", "tls", "greeting", "auth", "select", "send"
};

const gchar *mpa_security_name(MpaSecurity security)
{
	switch (security) {
	case MPA_SECURITY_SSL: return "ssl";
	case MPA_SECURITY_STARTTLS: return "starttls";
	case MPA_SECURITY_PLAIN: return "plain";
	}
	return "unknown";
}

const gchar *mpa_protocol_name(MpaProtocol protocol)
{
	switch (protocol) {
	case MPA_PROTOCOL_IMAP: return "imap";
	case MPA_PROTOCOL_SMTP: return "smtp";
	}
	return "unknown";
}

const gchar *mpa_stage_name(MpaStage stage)
{
	if ((guint)stage < MPA_STAGE_COUNT)
		return stage_names[stage];
	return "unknown";
}

static const gchar *const auth_method_names[] = { "automatic", "login", "plain", "oauth2", NULL };
static const gchar *const oauth2_provider_names[] = { "none", "google", "outlook", "exchange", "yahoo", NULL };

const gchar *mpa_auth_method_name(MpaAuthMethod method)
{
	if ((guint)method <= MPA_AUTH_OAUTH2)
		return auth_method_names[method];
	return "unknown";
}

const gchar *mpa_oauth2_provider_name(MpaOAuth2Provider provider)
{
	if ((guint)provider <= MPA_OAUTH2_YAHOO)
		return oauth2_provider_names[provider];
	return "unknown";
}

static gboolean server_oauth2_optional(const MpaServer *s)
{
	return s != NULL && s->oauth2 && s->password_auth && s->auth_method != MPA_AUTH_OAUTH2;
}

gboolean mpa_provider_oauth2_optional(const MpaProvider *provider)
{
	return provider != NULL && provider->oauth2_provider != MPA_OAUTH2_NONE &&
		(server_oauth2_optional(provider->imap) || server_oauth2_optional(provider->smtp));
}

gboolean mpa_stage_from_name(const gchar *name, MpaStage *stage)
{
	if (name == NULL)
		return FALSE;
	for (guint i = 0; i < MPA_STAGE_COUNT; i++) {
		if (strcmp(stage_names[i], name) == 0) {
			if (stage != NULL)
				*stage = (MpaStage)i;
			return TRUE;
		}
	}
	return FALSE;
}

gboolean mpa_protocol_from_name(const gchar *name, MpaProtocol *protocol)
{
	MpaProtocol p;

	if (g_strcmp0(name, "imap") == 0)
		p = MPA_PROTOCOL_IMAP;
	else if (g_strcmp0(name, "smtp") == 0)
		p = MPA_PROTOCOL_SMTP;
	else
		return FALSE;
	if (protocol != NULL)
		*protocol = p;
	return TRUE;
}

/* ---- problems ---- */

void mpa_problem_free(MpaProblem *problem)
{
	if (problem == NULL)
		return;
	g_free(problem->file);
	g_free(problem->message);
	g_free(problem);
}

gchar *mpa_problem_to_string(const MpaProblem *problem)
{
	const gchar *kind;

	g_return_val_if_fail(problem != NULL, NULL);
	/* "warning: " untranslated, as compilers write it, so editors can tell it apart */
	kind = problem->warning ? "warning: " : "";
	if (problem->line > 0)
		return g_strdup_printf("%s:%u: %s%s", problem->file, problem->line, kind, problem->message);
	return g_strdup_printf("%s: %s%s", problem->file, kind, problem->message);
}

/* GMarkup quotes the very bytes it could not decode in its error messages: a message is shown in
 * GTK labels and JSON, so it must be UTF-8 whatever the file holds. */
static gchar *problem_message(const gchar *format, va_list args) G_GNUC_PRINTF(1, 0);

static gchar *problem_message(const gchar *format, va_list args)
{
	g_autofree gchar *message = g_strdup_vprintf(format, args);

	if (g_utf8_validate(message, -1, NULL))
		return g_steal_pointer(&message);
	return g_utf8_make_valid(message, -1);
}

void mpa_problem_add(GPtrArray *problems, const gchar *file, guint line, const gchar *format, ...)
{
	MpaProblem *problem;
	va_list args;

	if (problems == NULL)
		return;
	problem = g_new0(MpaProblem, 1);
	problem->file = g_strdup(file);
	problem->line = line;
	va_start(args, format);
	problem->message = problem_message(format, args);
	va_end(args);
	g_ptr_array_add(problems, problem);
}

void mpa_problem_warn(GPtrArray *problems, const gchar *file, guint line, const gchar *format, ...)
{
	MpaProblem *problem;
	va_list args;

	if (problems == NULL)
		return;
	problem = g_new0(MpaProblem, 1);
	problem->file = g_strdup(file);
	problem->line = line;
	problem->warning = TRUE;
	va_start(args, format);
	problem->message = problem_message(format, args);
	va_end(args);
	g_ptr_array_add(problems, problem);
}

/* ---- localized texts ---- */

/* The text in the first of @tags it has, NULL when it has none of them. */
static const gchar *text_lookup(const MpaText *text, gchar **tags)
{
	for (guint i = 0; tags[i] != NULL; i++) {
		const gchar *found = g_hash_table_lookup((GHashTable *)text, tags[i]);

		if (found != NULL)
			return found;
	}
	return NULL;
}

static const gchar *text_fallback(const MpaText *text)
{
	const gchar *found;
	GHashTableIter iter;
	gpointer key, value;
	const gchar *best_key = NULL;
	const gchar *best = NULL;

	found = g_hash_table_lookup((GHashTable *)text, "en");
	if (found != NULL)
		return found;
	/* any, but always the same one */
	g_hash_table_iter_init(&iter, (GHashTable *)text);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		if (best_key == NULL || strcmp(key, best_key) < 0) {
			best_key = key;
			best = value;
		}
	}
	return best;
}

const gchar *mpa_text_get(const MpaText *text)
{
	g_auto(GStrv) tags = NULL;
	const gchar *found;

	if (text == NULL)
		return NULL;
	tags = mpa_lang_process_variants();
	found = text_lookup(text, tags);
	return found != NULL ? found : text_fallback(text);
}

const gchar *mpa_text_get_lang(const MpaText *text, const gchar *lang)
{
	g_auto(GStrv) tags = NULL;
	const gchar *found;

	if (text == NULL)
		return NULL;
	if (lang == NULL)
		return mpa_text_get(text);
	tags = mpa_lang_variants(lang);
	found = text_lookup(text, tags);
	return found != NULL ? found : text_fallback(text);
}

static MpaText *text_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

static void text_free(MpaText *text)
{
	if (text != NULL)
		g_hash_table_unref(text);
}

static gboolean is_cjk(gunichar c)
{
	return (c >= 0x2e80 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
		(c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xffef) ||
		(c >= 0x20000 && c <= 0x2ffff);
}

/* A line that starts a list item keeps its own line: "- x", "• x", "1. x", "2) x", "3、x". */
static gboolean starts_list_item(const gchar *line)
{
	const gchar *p = line;

	if (g_str_has_prefix(p, "- ") || g_str_has_prefix(p, "* ") || g_str_has_prefix(p, "• "))
		return TRUE;
	if (!g_ascii_isdigit(*p))
		return FALSE;
	while (g_ascii_isdigit(*p))
		p++;
	return g_str_has_prefix(p, ". ") || g_str_has_prefix(p, ") ") || g_str_has_prefix(p, "、");
}

/* Texts are written indented and wrapped in the XML.  Lines of a paragraph are joined (with a
 * space, or nothing between Chinese characters), list items stay on their own lines, and a blank
 * line separates paragraphs ("\n\n" in the result). */
static gchar *normalize_text(const gchar *raw)
{
	g_auto(GStrv) lines = g_strsplit(raw, "\n", -1);
	GString *out = g_string_new(NULL);
	gboolean blank_pending = FALSE;

	for (guint i = 0; lines[i] != NULL; i++) {
		gchar *line = g_strstrip(lines[i]);

		if (*line == '\0') {
			blank_pending = out->len > 0;
			continue;
		}
		if (out->len > 0) {
			if (blank_pending) {
				g_string_append(out, "\n\n");
			} else if (starts_list_item(line)) {
				g_string_append_c(out, '\n');
			} else {
				gunichar last = g_utf8_get_char(g_utf8_prev_char(out->str + out->len));
				gunichar first = g_utf8_get_char(line);

				if (!is_cjk(last) && !is_cjk(first))
					g_string_append_c(out, ' ');
			}
		}
		blank_pending = FALSE;
		g_string_append(out, line);
	}
	return g_string_free(out, FALSE);
}

/* ---- loading state (the element tree itself: mpa-xml.c) ---- */

typedef MpaXmlNode Node;

typedef struct {
	const gchar *file;
	GPtrArray *problems; /* of MpaProblem*, this file only; sorted at the end */
	guint problem_count;

	/* checking */
	MpaProviderPriv *priv;
	GPtrArray *link_refs; /* of LinkRef* */
	GHashTable *ids;      /* step and note ids */
} Load;

static void problem(Load *l, guint line, const gchar *format, ...) G_GNUC_PRINTF(3, 4);

static void problem(Load *l, guint line, const gchar *format, ...)
{
	MpaProblem *p = g_new0(MpaProblem, 1);
	va_list args;

	p->file = g_strdup(l->file);
	p->line = line;
	va_start(args, format);
	p->message = problem_message(format, args);
	va_end(args);
	g_ptr_array_add(l->problems, p);
	l->problem_count++;
}

/* Something the loader does not use and ignores, as Thunderbird does: reported, not counted. */
static void warn(Load *l, guint line, const gchar *format, ...) G_GNUC_PRINTF(3, 4);

static void warn(Load *l, guint line, const gchar *format, ...)
{
	MpaProblem *p = g_new0(MpaProblem, 1);
	va_list args;

	p->file = g_strdup(l->file);
	p->line = line;
	p->warning = TRUE;
	va_start(args, format);
	p->message = problem_message(format, args);
	va_end(args);
	g_ptr_array_add(l->problems, p);
}

/* The ISPDB part: not our namespace and not inside it.  Real autoconfig documents are ISPDB
 * documents written by others, so there the loader is tolerant of what it does not know (a
 * warning); in mpa:assistant, which this project defines, it is strict. */
static gboolean in_ispdb_part(const Node *n)
{
	for (; n != NULL; n = n->parent)
		if (n->mpa)
			return FALSE;
	return TRUE;
}

/* ---- tree helpers ---- */

static const gchar *attr(const Node *n, const gchar *name)
{
	return mpa_xml_attr(n, name);
}

/* Report every attribute of @n that is not in @allowed (NULL-terminated). */
static void check_attrs(Load *l, const Node *n, const gchar *const *allowed)
{
	for (guint i = 0; n->attr_names[i] != NULL; i++) {
		if (allowed != NULL && g_strv_contains(allowed, n->attr_names[i]))
			continue;
		if (in_ispdb_part(n))
			warn(l, n->line, _("unknown attribute '%s' on <%s> is ignored — remove it or correct its spelling (see doc/provider-format.md)"),
			     n->attr_names[i], n->qname);
		else
			problem(l, n->line, _("unknown attribute '%s' on <%s> — remove it or correct its spelling (see doc/provider-format.md)"),
				n->attr_names[i], n->qname);
	}
}

static const gchar *need_attr(Load *l, const Node *n, const gchar *name)
{
	const gchar *value = attr(n, name);

	if (value == NULL)
		problem(l, n->line, _("<%s> has no '%s' attribute — add it"), n->qname, name);
	return value;
}

static void unknown_element(Load *l, const Node *n)
{
	if (n->skip)
		return;
	if (in_ispdb_part(n))
		warn(l, n->line, _("unknown element <%s> inside <%s> is ignored — remove it or correct its spelling (see doc/provider-format.md)"),
		     n->qname, n->parent != NULL ? n->parent->qname : "");
	else
		problem(l, n->line, _("unknown element <%s> inside <%s> — remove it or correct its spelling (see doc/provider-format.md)"),
			n->qname, n->parent != NULL ? n->parent->qname : "");
}

/* A leaf: text only. */
static void check_leaf(Load *l, const Node *n)
{
	for (guint i = 0; i < n->children->len; i++)
		unknown_element(l, g_ptr_array_index(n->children, i));
}

/* A container: child elements only. */
static void check_no_text(Load *l, const Node *n)
{
	for (const gchar *p = n->text->str; *p != '\0'; p++) {
		if (!g_ascii_isspace(*p)) {
			problem(l, n->line, _("text directly inside <%s> is not allowed — put it in the right child element or remove it"),
				n->qname);
			return;
		}
	}
}

static gchar *leaf_text(const Node *n)
{
	return g_strstrip(g_strdup(n->text->str));
}

static gboolean is_ispdb(const Node *n, const gchar *name)
{
	return !n->skip && !n->mpa && strcmp(n->name, name) == 0;
}

static gboolean is_mpa(const Node *n, const gchar *name)
{
	return !n->skip && n->mpa && strcmp(n->name, name) == 0;
}

/* "mpa:title" spelled with the prefix its parent uses, for messages about a missing child. */
static gchar *child_qname(const Node *parent, const gchar *local)
{
	const gchar *colon = strchr(parent->qname, ':');

	if (colon == NULL)
		return g_strdup(local);
	return g_strdup_printf("%.*s:%s", (int)(colon - parent->qname), parent->qname, local);
}

static void duplicate_element(Load *l, const Node *n)
{
	problem(l, n->line, _("<%s> appears more than once in <%s> — keep only one"),
		n->qname, n->parent->qname);
}

static void missing_element(Load *l, const Node *parent, const gchar *local)
{
	g_autofree gchar *q = child_qname(parent, local);

	problem(l, parent->line, _("<%s> has no <%s> — add one"), parent->qname, q);
}

/* Strict unsigned decimal number: no sign, no spaces, no leading "+". */
static gboolean parse_uint(const gchar *text, guint64 max, guint64 *out)
{
	guint64 v;

	if (text == NULL || !g_ascii_isdigit(*text))
		return FALSE;
	if (!g_ascii_string_to_unsigned(text, 10, 0, max, &v, NULL))
		return FALSE;
	*out = v;
	return TRUE;
}

/* ---- localized text sets ---- */

typedef struct {
	MpaText *text;
	const Node *first; /* first element of the set */
} TextSet;

static void text_set_add(Load *l, TextSet *set, const Node *n)
{
	static const gchar *const allowed[] = { "lang", NULL };
	const gchar *lang;
	g_autofree gchar *norm = NULL;
	g_autofree gchar *value = NULL;

	check_attrs(l, n, allowed);
	check_leaf(l, n);
	if (set->text == NULL) {
		set->text = text_new();
		set->first = n;
	}
	lang = need_attr(l, n, "lang");
	if (lang == NULL)
		return;
	norm = mpa_lang_normalize(lang);
	if (norm == NULL) {
		problem(l, n->line, _("lang=\"%s\" is not a language code — write a code such as en or zh_CN"), lang);
		return;
	}
	if (g_hash_table_contains(set->text, norm)) {
		problem(l, n->line, _("<%s> for lang=\"%s\" appears twice — keep only one"), n->qname, norm);
		return;
	}
	value = normalize_text(n->text->str);
	if (*value == '\0') {
		problem(l, n->line, _("<%s lang=\"%s\"> is empty — write the text"), n->qname, lang);
		return;
	}
	g_hash_table_insert(set->text, g_steal_pointer(&norm), g_steal_pointer(&value));
}

/* Returns the text (owned by the caller) or NULL; reports a missing set or language. */
static MpaText *text_set_finish(Load *l, TextSet *set, const Node *parent, const gchar *local,
				gboolean required)
{
	if (set->text == NULL) {
		if (required) {
			g_autofree gchar *q = child_qname(parent, local);

			problem(l, parent->line,
				_("<%s> has no <%s> — add it in English (lang=\"en\") and Simplified Chinese (lang=\"zh_CN\")"),
				parent->qname, q);
		}
		return NULL;
	}
	if (!g_hash_table_contains(set->text, "en"))
		problem(l, set->first->line, _("<%s> has no English text — add a <%s lang=\"en\">"),
			set->first->qname, set->first->qname);
	if (!g_hash_table_contains(set->text, "zh_CN"))
		problem(l, set->first->line, _("<%s> has no Simplified Chinese text — add a <%s lang=\"zh_CN\">"),
			set->first->qname, set->first->qname);
	return set->text;
}

/* ---- host names and domains ---- */

gboolean mpa_hostname_check_labels(const gchar *name, const gchar **why)
{
	const gchar *p = name;
	gsize total = strlen(name);

	if (total == 0) {
		*why = _("it is empty");
		return FALSE;
	}
	if (total > 253) {
		*why = _("it is longer than 253 characters");
		return FALSE;
	}
	while (TRUE) {
		const gchar *start = p;
		gsize len;

		while (g_ascii_isalnum(*p) || *p == '-')
			p++;
		len = p - start;
		if (*p != '\0' && *p != '.') {
			*why = _("only letters, digits, hyphens and dots are allowed");
			return FALSE;
		}
		if (len == 0) {
			*why = _("it has an empty part (two dots in a row, or a dot at the start or end)");
			return FALSE;
		}
		if (len > 63) {
			*why = _("a part between dots is longer than 63 characters");
			return FALSE;
		}
		if (*start == '-' || p[-1] == '-') {
			*why = _("a part between dots starts or ends with a hyphen");
			return FALSE;
		}
		if (*p == '\0')
			break;
		p++;
	}
	return TRUE;
}

static gboolean has_upper(const gchar *s)
{
	for (; *s != '\0'; s++)
		if (g_ascii_isupper(*s))
			return TRUE;
	return FALSE;
}

static gboolean check_hostname(Load *l, const Node *n, const gchar *host)
{
	g_autofree gchar *probe = NULL;
	const gchar *why = NULL;

	if (*host == '\0') {
		problem(l, n->line, _("<%s> is empty — write the server's host name, e.g. imap.example.com"), n->qname);
		return FALSE;
	}
	if (g_hostname_is_ip_address(host))
		return TRUE;
	if (!g_str_is_ascii(host)) {
		g_autofree gchar *ace = g_hostname_to_ascii(host);

		if (ace != NULL)
			problem(l, n->line, _("host name '%s' is not ASCII — write it in its punycode form: %s"), host, ace);
		else
			problem(l, n->line, _("host name '%s' is not a valid international name — write the server's host name in ASCII"), host);
		return FALSE;
	}
	/* ISPDB lets the host depend on the address's domain */
	probe = g_strdup(host);
	{
		gchar *at;

		while ((at = strstr(probe, "%EMAILDOMAIN%")) != NULL) {
			gchar *fixed = g_strdup_printf("%.*sexample.com%s", (int)(at - probe), probe,
						       at + strlen("%EMAILDOMAIN%"));

			g_free(probe);
			probe = fixed;
		}
	}
	if (has_upper(probe)) {
		g_autofree gchar *lower = g_ascii_strdown(host, -1);

		problem(l, n->line, _("host name '%s' has upper-case letters — write it in lower case: %s"), host, lower);
		return FALSE;
	}
	if (!mpa_hostname_check_labels(probe, &why)) {
		problem(l, n->line, _("host name '%s' is malformed: %s — write a name such as imap.example.com"), host, why);
		return FALSE;
	}
	return TRUE;
}

/* Returns the A-label form of a <domain>, or NULL after reporting. */
static gchar *check_domain(Load *l, const Node *n, const gchar *domain)
{
	g_autofree gchar *ace = NULL;
	g_autofree gchar *unicode = NULL;
	const gchar *why = NULL;

	if (*domain == '\0') {
		problem(l, n->line, _("<%s> is empty — write a mail domain, e.g. example.com"), n->qname);
		return NULL;
	}
	if (has_upper(domain)) {
		g_autofree gchar *lower = g_ascii_strdown(domain, -1);

		problem(l, n->line, _("domain '%s' has upper-case letters — write it in lower case: %s"), domain, lower);
		return NULL;
	}
	ace = g_hostname_to_ascii(domain);
	if (ace == NULL || !mpa_hostname_check_labels(ace, &why) || strchr(ace, '.') == NULL ||
	    (g_hostname_is_ascii_encoded(ace) && (unicode = g_hostname_to_unicode(ace)) == NULL)) {
		if (why == NULL && ace != NULL && strchr(ace, '.') == NULL)
			why = _("it has no dot");
		else if (why == NULL)
			why = _("it is not a valid international domain name");
		problem(l, n->line, _("domain '%s' is malformed: %s — write a domain such as example.com"), domain, why);
		return NULL;
	}
	return g_ascii_strdown(ace, -1);
}

/* ---- the ISPDB part ---- */

static void check_username(Load *l, const Node *n, const gchar *value)
{
	static const gchar *const placeholders[] = { "%EMAILADDRESS%", "%EMAILLOCALPART%", "%EMAILDOMAIN%", NULL };
	const gchar *p = value;

	if (*value == '\0') {
		problem(l, n->line, _("<%s> is empty — write %%EMAILADDRESS%% or the user name template"), n->qname);
		return;
	}
	while ((p = strchr(p, '%')) != NULL) {
		gboolean known = FALSE;

		for (guint i = 0; placeholders[i] != NULL; i++) {
			if (g_str_has_prefix(p, placeholders[i])) {
				p += strlen(placeholders[i]);
				known = TRUE;
				break;
			}
		}
		if (!known) {
			problem(l, n->line, _("user name '%s' has an unknown placeholder — use %%EMAILADDRESS%%, %%EMAILLOCALPART%% or %%EMAILDOMAIN%%"),
				value);
			return;
		}
	}
}

static void server_free(MpaServer *server)
{
	if (server == NULL)
		return;
	g_free(server->host);
	g_free(server->username);
	g_free(server);
}

/* Returns a server for imap/smtp, NULL otherwise (pop3 and the Exchange kinds are checked or
 * accepted, then dropped). */
static MpaServer *check_server(Load *l, const Node *n, gboolean incoming, gboolean *is_imap)
{
	static const gchar *const allowed[] = { "type", NULL };
	static const gchar *const auths[] = {
		"password-cleartext", "password-encrypted", "plain", "secure", "OAuth2",
		"client-IP-address", "TLS-client-cert", "none", "GSAPI", "NTLM", NULL
	};
	static const gchar *const other_types[] = { "exchange", "ews", "owa", "graph", NULL };
	const gchar *type;
	MpaServer *server;
	gboolean seen_host = FALSE, seen_port = FALSE, seen_socket = FALSE, seen_user = FALSE;
	gboolean seen_auth = FALSE;
	guint before = l->problem_count;

	*is_imap = FALSE;
	check_attrs(l, n, allowed);
	type = need_attr(l, n, "type");
	if (type == NULL)
		return NULL;
	if (g_strv_contains(other_types, type))
		return NULL; /* Thunderbird's Exchange variants: no hostname/port to check */
	if (incoming ? (strcmp(type, "imap") != 0 && strcmp(type, "pop3") != 0)
		     : strcmp(type, "smtp") != 0) {
		if (incoming)
			problem(l, n->line, _("unknown server type '%s' on <%s> — use imap or pop3"), type, n->qname);
		else
			problem(l, n->line, _("unknown server type '%s' on <%s> — use smtp"), type, n->qname);
		return NULL;
	}
	*is_imap = strcmp(type, "imap") == 0;
	check_no_text(l, n);
	server = g_new0(MpaServer, 1);
	server->security = MPA_SECURITY_SSL;
	for (guint i = 0; i < n->children->len; i++) {
		const Node *c = g_ptr_array_index(n->children, i);
		g_autofree gchar *value = NULL;

		if (c->skip)
			continue;
		if (c->mpa) {
			unknown_element(l, c);
			continue;
		}
		value = leaf_text(c);
		if (strcmp(c->name, "hostname") == 0) {
			check_attrs(l, c, NULL);
			check_leaf(l, c);
			if (seen_host) {
				duplicate_element(l, c);
				continue;
			}
			seen_host = TRUE;
			if (check_hostname(l, c, value))
				server->host = g_steal_pointer(&value);
		} else if (strcmp(c->name, "port") == 0) {
			guint64 port;

			check_attrs(l, c, NULL);
			check_leaf(l, c);
			if (seen_port) {
				duplicate_element(l, c);
				continue;
			}
			seen_port = TRUE;
			if (!parse_uint(value, 65535, &port) || port == 0)
				problem(l, c->line, _("port '%s' is not a number from 1 to 65535 — write the server's port, e.g. 993 for IMAP over SSL"),
					value);
			else
				server->port = (guint16)port;
		} else if (strcmp(c->name, "socketType") == 0) {
			check_attrs(l, c, NULL);
			check_leaf(l, c);
			if (seen_socket) {
				duplicate_element(l, c);
				continue;
			}
			seen_socket = TRUE;
			if (strcmp(value, "SSL") == 0) {
				server->security = MPA_SECURITY_SSL;
			} else if (strcmp(value, "STARTTLS") == 0) {
				server->security = MPA_SECURITY_STARTTLS;
			} else if (strcmp(value, "plain") == 0) {
				server->security = MPA_SECURITY_PLAIN;
				/* valid (ISPDB has such servers), but no password goes over it */
				warn(l, c->line, _("socketType plain: the password would cross the network unencrypted, so the connection check refuses this server — use SSL or STARTTLS if the provider offers it"));
			} else {
				problem(l, c->line, _("unknown socketType '%s' — use SSL, STARTTLS or plain"), value);
			}
		} else if (strcmp(c->name, "username") == 0) {
			check_attrs(l, c, NULL);
			check_leaf(l, c);
			if (seen_user) {
				duplicate_element(l, c);
				continue;
			}
			seen_user = TRUE;
			check_username(l, c, value);
			server->username = g_steal_pointer(&value);
		} else if (strcmp(c->name, "authentication") == 0) {
			check_attrs(l, c, NULL);
			check_leaf(l, c);
			seen_auth = TRUE;
			if (!g_strv_contains(auths, value)) {
				g_autofree gchar *list = g_strjoinv(", ", (gchar **)auths);

				problem(l, c->line, _("unknown authentication '%s' — use one of %s"), value, list);
			} else if (strcmp(value, "OAuth2") == 0) {
				server->oauth2 = TRUE;
			} else if (strcmp(value, "password-cleartext") == 0 ||
				   strcmp(value, "password-encrypted") == 0 ||
				   strcmp(value, "plain") == 0 || strcmp(value, "secure") == 0) {
				server->password_auth = TRUE;
			}
		} else if (strcmp(c->name, "pop3") == 0 || strcmp(c->name, "password") == 0 ||
			   strcmp(c->name, "useGlobalPreferredServer") == 0 ||
			   strcmp(c->name, "addThisServer") == 0 || strcmp(c->name, "restriction") == 0 ||
			   strcmp(c->name, "url") == 0 || strcmp(c->name, "ewsURL") == 0 ||
			   strcmp(c->name, "owaURL") == 0) {
			/* ISPDB's own server settings, not used here */
		} else {
			unknown_element(l, c);
		}
	}
	if (!seen_host)
		missing_element(l, n, "hostname");
	if (!seen_port)
		missing_element(l, n, "port");
	if (!seen_socket)
		missing_element(l, n, "socketType");
	if (!seen_auth)
		missing_element(l, n, "authentication");
	if (server->username == NULL)
		server->username = g_strdup("%EMAILADDRESS%");
	if (l->problem_count != before) {
		server_free(server);
		return NULL;
	}
	return server;
}

/* <documentation url>, <enable visiturl>, <instruction url>: Thunderbird's texts; checked for
 * shape only, their content is not used. */
static void check_doc_like(Load *l, const Node *n, const gchar *url_attr, const gchar *child)
{
	const gchar *allowed[] = { url_attr, NULL };
	static const gchar *const child_allowed[] = { "lang", NULL };

	check_attrs(l, n, allowed);
	check_no_text(l, n);
	for (guint i = 0; i < n->children->len; i++) {
		const Node *c = g_ptr_array_index(n->children, i);

		if (is_ispdb(c, child)) {
			check_attrs(l, c, child_allowed);
			check_leaf(l, c);
		} else {
			unknown_element(l, c);
		}
	}
}

static void check_assistant(Load *l, const Node *n);

static void resolve_auth(Load *l, MpaServer *s, gint wanted, const gchar *proto);

static void check_email_provider(Load *l, const Node *n)
{
	static const gchar *const allowed[] = { "id", NULL };
	MpaProvider *p = &l->priv->pub;
	GPtrArray *domains = g_ptr_array_new();
	GArray *lines = g_array_new(FALSE, FALSE, sizeof(guint));
	const gchar *id;
	gboolean seen_display = FALSE, seen_short = FALSE, seen_assistant = FALSE, seen_domain = FALSE;

	check_attrs(l, n, allowed);
	check_no_text(l, n);
	l->priv->id_line = n->line;
	id = need_attr(l, n, "id");
	if (id != NULL && *id == '\0')
		problem(l, n->line, _("the provider id is empty — use the main domain, e.g. id=\"example.com\""));
	p->id = g_strdup(id);

	for (guint i = 0; i < n->children->len; i++) {
		const Node *c = g_ptr_array_index(n->children, i);

		if (c->skip)
			continue;
		if (is_mpa(c, "assistant")) {
			if (seen_assistant) {
				duplicate_element(l, c);
				continue;
			}
			seen_assistant = TRUE;
			check_assistant(l, c);
			continue;
		}
		if (c->mpa) {
			unknown_element(l, c);
			continue;
		}
		if (strcmp(c->name, "domain") == 0) {
			g_autofree gchar *value = leaf_text(c);
			gchar *ace;

			check_attrs(l, c, NULL);
			check_leaf(l, c);
			seen_domain = TRUE;
			ace = check_domain(l, c, value);
			if (ace == NULL)
				continue;
			for (guint j = 0; j < domains->len; j++) {
				if (strcmp(g_ptr_array_index(domains, j), ace) == 0) {
					warn(l, c->line, _("domain '%s' is listed twice (first on line %u) — remove one"),
					     value, g_array_index(lines, guint, j));
					g_clear_pointer(&ace, g_free);
					break;
				}
			}
			if (ace != NULL) {
				g_ptr_array_add(domains, ace);
				g_array_append_val(lines, c->line);
			}
		} else if (strcmp(c->name, "displayName") == 0 || strcmp(c->name, "displayShortName") == 0) {
			gboolean is_short = c->name[7] == 'S';
			gboolean *seen = is_short ? &seen_short : &seen_display;
			g_autofree gchar *value = leaf_text(c);

			check_attrs(l, c, NULL);
			check_leaf(l, c);
			if (*seen) {
				duplicate_element(l, c);
				continue;
			}
			*seen = TRUE;
			if (*value == '\0') {
				problem(l, c->line, _("<%s> is empty — write the provider's name"), c->qname);
				continue;
			}
			if (is_short)
				p->short_name = g_steal_pointer(&value);
			else
				p->display_name = g_steal_pointer(&value);
		} else if (strcmp(c->name, "incomingServer") == 0 || strcmp(c->name, "outgoingServer") == 0) {
			gboolean incoming = c->name[0] == 'i';
			gboolean is_imap;
			MpaServer *server = check_server(l, c, incoming, &is_imap);

			if (server == NULL)
				continue;
			/* the first server of a kind is the one to use */
			if (incoming && is_imap && p->imap == NULL)
				p->imap = server;
			else if (!incoming && p->smtp == NULL)
				p->smtp = server;
			else
				server_free(server);
		} else if (strcmp(c->name, "documentation") == 0) {
			check_doc_like(l, c, "url", "descr");
			need_attr(l, c, "url");
		} else if (strcmp(c->name, "enable") == 0) {
			check_doc_like(l, c, "visiturl", "instruction");
		} else if (strcmp(c->name, "instruction") == 0) {
			check_doc_like(l, c, "url", "descr");
		} else if (strcmp(c->name, "inputField") == 0 || strcmp(c->name, "webMail") == 0 ||
			   strcmp(c->name, "addressBook") == 0 || strcmp(c->name, "addressbook") == 0 ||
			   strcmp(c->name, "calendar") == 0 || strcmp(c->name, "fileShare") == 0) {
			/* defined by ISPDB, not used here: accepted whole so Thunderbird's files load */
		} else {
			unknown_element(l, c);
		}
	}
	/* An enterprise host has no domain of its own: its customers' domains are found by MX. */
	if (!seen_domain && p->mx_hosts[0] == NULL && p->mx_suffixes[0] == NULL)
		missing_element(l, n, "domain");
	if (!seen_display)
		missing_element(l, n, "displayName");
	resolve_auth(l, p->imap, l->priv->auth_imap, "imap");
	resolve_auth(l, p->smtp, l->priv->auth_smtp, "smtp");
	if (p->oauth2_provider != MPA_OAUTH2_NONE &&
	    !(p->imap && p->imap->auth_method == MPA_AUTH_OAUTH2) &&
	    !(p->smtp && p->smtp->auth_method == MPA_AUTH_OAUTH2) &&
	    !(p->imap && p->imap->oauth2) && !(p->smtp && p->smtp->oauth2))
		warn(l, l->priv->auth_line, _("oauth2-provider is named but no server offers OAuth2 — remove it"));
	g_ptr_array_add(domains, NULL);
	p->domains = (gchar **)g_ptr_array_free(domains, FALSE);
	l->priv->domain_lines = (guint *)g_array_free(lines, FALSE);
}

static void check_client_config(Load *l, const Node *n)
{
	static const gchar *const allowed[] = { "version", NULL };
	const gchar *version;
	gboolean seen_provider = FALSE;

	if (n == NULL) {
		/* GMarkup accepts a document of comments and <?...?> only */
		problem(l, 0, _("the file has no element — a provider file is an ISPDB document whose root is <clientConfig version=\"1.1\">"));
		return;
	}
	if (n->skip)
		return;
	if (n->mpa || strcmp(n->name, "clientConfig") != 0) {
		problem(l, n->line, _("the root element is <%s> — a provider file is an ISPDB document whose root is <clientConfig version=\"1.1\">"),
			n->qname);
		return;
	}
	check_attrs(l, n, allowed);
	check_no_text(l, n);
	version = need_attr(l, n, "version");
	if (version != NULL && strcmp(version, "1.1") != 0)
		problem(l, n->line, _("clientConfig version '%s' is not supported — write version=\"1.1\""), version);
	for (guint i = 0; i < n->children->len; i++) {
		const Node *c = g_ptr_array_index(n->children, i);

		if (is_ispdb(c, "emailProvider")) {
			if (seen_provider) {
				problem(l, c->line, _("a second <emailProvider> — put each provider in its own file"));
				continue;
			}
			seen_provider = TRUE;
			check_email_provider(l, c);
		} else if (is_ispdb(c, "enable")) {
			check_doc_like(l, c, "visiturl", "instruction");
		} else if (is_ispdb(c, "oAuth2") || is_ispdb(c, "webMail") ||
			   is_ispdb(c, "addressBook") || is_ispdb(c, "addressbook") ||
			   is_ispdb(c, "calendar") || is_ispdb(c, "fileShare")) {
			/* defined by ISPDB, not used here: accepted whole so Thunderbird's files load */
		} else {
			unknown_element(l, c);
		}
	}
	if (!seen_provider)
		missing_element(l, n, "emailProvider");
}

/* ---- the mpa:assistant part ---- */

typedef struct {
	const MpaLink **target;
	gchar *id;
	guint line;
} LinkRef;

static void link_ref_free(LinkRef *r)
{
	g_free(r->id);
	g_free(r);
}

static void add_link_ref(Load *l, const Node *n, const MpaLink **target)
{
	const gchar *id = attr(n, "link");
	LinkRef *r;

	if (id == NULL)
		return;
	r = g_new0(LinkRef, 1);
	r->target = target;
	r->id = g_strdup(id);
	r->line = n->line;
	g_ptr_array_add(l->link_refs, r);
}

static gboolean check_id_word(Load *l, const Node *n, const gchar *id)
{
	if (*id == '\0' || strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(id)) {
		problem(l, n->line, _("id '%s' on <%s> is not a word of a-z, 0-9 and '-' — rename it, e.g. id=\"enable-service\""),
			id, n->qname);
		return FALSE;
	}
	return TRUE;
}

static void check_date(Load *l, const Node *n, const gchar *date)
{
	guint y = 0, m = 0, d = 0;

	if (strlen(date) != 10 || date[4] != '-' || date[7] != '-' ||
	    strspn(date, "0123456789-") != 10 ||
	    sscanf(date, "%4u-%2u-%2u", &y, &m, &d) != 3 ||
	    !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y) || y < 2000)
		problem(l, n->line, _("checked=\"%s\" is not a date written YYYY-MM-DD — write the day the facts were last checked, e.g. 2026-11-28"),
			date);
}

static void step_free(MpaStep *step)
{
	if (step == NULL)
		return;
	g_free(step->id);
	text_free(step->title);
	text_free(step->text);
	g_free(step);
}

static void link_free(MpaLink *link)
{
	if (link == NULL)
		return;
	g_free(link->id);
	g_free(link->url);
	text_free(link->title);
	g_free(link);
}

static void cause_fix_free(MpaCauseFix *fix)
{
	if (fix == NULL)
		return;
	g_free(fix->cause);
	text_free(fix->title);
	text_free(fix->fix);
	g_free(fix);
}

static void rule_free(MpaRule *rule)
{
	if (rule == NULL)
		return;
	g_free(rule->code);
	if (rule->match != NULL)
		g_regex_unref(rule->match);
	g_free(rule->cause);
	g_strfreev(rule->candidates);
	g_free(rule);
}

static void check_password(Load *l, const Node *n)
{
	static const gchar *const allowed[] = { "kind", NULL };
	MpaProvider *p = &l->priv->pub;
	TextSet label = { 0 }, hint = { 0 };
	const gchar *kind;

	check_attrs(l, n, allowed);
	check_no_text(l, n);
	kind = need_attr(l, n, "kind");
	if (kind != NULL) {
		if (strcmp(kind, "login") == 0)
			p->password_kind = MPA_PASSWORD_LOGIN;
		else if (strcmp(kind, "app-password") == 0)
			p->password_kind = MPA_PASSWORD_APP;
		else if (strcmp(kind, "oauth2") == 0)
			p->password_kind = MPA_PASSWORD_OAUTH2;
		else
			problem(l, n->line, _("unknown password kind '%s' — use login, app-password or oauth2"), kind);
	}
	for (guint i = 0; i < n->children->len; i++) {
		const Node *c = g_ptr_array_index(n->children, i);

		if (is_mpa(c, "label"))
			text_set_add(l, &label, c);
		else if (is_mpa(c, "hint"))
			text_set_add(l, &hint, c);
		else
			unknown_element(l, c);
	}
	/* a special password is the whole point of the hint: it must say what it is called */
	p->password_label = text_set_finish(l, &label, n, "label", p->password_kind == MPA_PASSWORD_APP);
	p->password_hint = text_set_finish(l, &hint, n, "hint", p->password_kind == MPA_PASSWORD_APP);
}

/* <mpa:auth imap="login" smtp="plain" oauth2-provider="outlook"/>: the one sign-in method per
 * server (checked against the servers' <authentication> lists once the whole file is read). */
static gint auth_method_attr(Load *l, const Node *n, const gchar *name)
{
	const gchar *value = attr(n, name);

	if (value == NULL)
		return -1;
	for (guint i = MPA_AUTH_LOGIN; auth_method_names[i] != NULL; i++)
		if (strcmp(value, auth_method_names[i]) == 0)
			return (gint)i;
	problem(l, n->line, _("unknown %s method '%s' — use login, plain or oauth2"), name, value);
	return -1;
}

static void check_auth(Load *l, const Node *n)
{
	static const gchar *const allowed[] = { "imap", "smtp", "oauth2-provider", NULL };
	MpaProviderPriv *priv = l->priv;
	const gchar *op;

	check_attrs(l, n, allowed);
	check_no_text(l, n);
	check_leaf(l, n);
	priv->auth_line = n->line;
	priv->auth_imap = auth_method_attr(l, n, "imap");
	priv->auth_smtp = auth_method_attr(l, n, "smtp");
	op = attr(n, "oauth2-provider");
	if (op != NULL) {
		guint i;

		for (i = MPA_OAUTH2_GOOGLE; oauth2_provider_names[i] != NULL; i++)
			if (strcmp(op, oauth2_provider_names[i]) == 0)
				break;
		if (oauth2_provider_names[i] != NULL)
			priv->pub.oauth2_provider = (MpaOAuth2Provider)i;
		else
			problem(l, n->line, _("unknown oauth2-provider '%s' — use google, outlook, exchange or yahoo"), op);
	}
}

/* The method of @s: the one <mpa:auth> names (it must be among the server's <authentication>
 * values), else a password method where the server takes a password (the IMAP LOGIN command and
 * SMTP AUTH LOGIN need nothing beyond the protocol itself), else OAuth2 where that is all. */
static void resolve_auth(Load *l, MpaServer *s, gint wanted, const gchar *proto)
{
	if (s == NULL) {
		if (wanted >= 0)
			warn(l, l->priv->auth_line, _("<mpa:auth %s=...> names a method for a server this file does not have — remove it"), proto);
		return;
	}
	if (wanted == MPA_AUTH_OAUTH2 && !s->oauth2)
		problem(l, l->priv->auth_line, _("<mpa:auth %s=\"oauth2\"> but that server's <authentication> has no OAuth2 — add it or choose a password method"),
			proto);
	else if (wanted > 0 && wanted != MPA_AUTH_OAUTH2 && !s->password_auth)
		problem(l, l->priv->auth_line, _("<mpa:auth %s=\"%s\"> but that server's <authentication> has no password method — use oauth2"),
			proto, auth_method_names[wanted]);
	else if (wanted > 0)
		s->auth_method = (MpaAuthMethod)wanted;
	else if (s->password_auth)
		s->auth_method = MPA_AUTH_LOGIN;
	else if (s->oauth2)
		s->auth_method = MPA_AUTH_OAUTH2;
	else
		s->auth_method = MPA_AUTH_AUTOMATIC;
}

static void check_link(Load *l, const Node *n, GHashTable *link_ids)
{
	static const gchar *const allowed[] = { "id", "url", NULL };
	MpaProvider *p = &l->priv->pub;
	TextSet title = { 0 };
	const gchar *id, *url;
	MpaLink *link;

	check_attrs(l, n, allowed);
	check_no_text(l, n);
	id = need_attr(l, n, "id");
	url = need_attr(l, n, "url");
	if (id != NULL && check_id_word(l, n, id)) {
		if (g_hash_table_contains(link_ids, id))
			problem(l, n->line, _("link id '%s' is used twice — give each link its own id"), id);
		else
			g_hash_table_add(link_ids, g_strdup(id));
	}
	if (url != NULL && ((!g_str_has_prefix(url, "https://") && !g_str_has_prefix(url, "http://")) || strpbrk(url, " \t\r\n") != NULL || strlen(url) < 10))
		problem(l, n->line, _("url '%s' is not a web address — write a full https:// address"), url);
	for (guint i = 0; i < n->children->len; i++) {
		const Node *c = g_ptr_array_index(n->children, i);

		if (is_mpa(c, "title"))
			text_set_add(l, &title, c);
		else
			unknown_element(l, c);
	}
	link = g_new0(MpaLink, 1);
	link->id = g_strdup(id);
	link->url = g_strdup(url);
	link->title = text_set_finish(l, &title, n, "title", TRUE);
	g_ptr_array_add(p->links, link);
}

static void check_step(Load *l, const Node *n, GPtrArray *into)
{
	static const gchar *const allowed[] = { "id", "link", NULL };
	TextSet title = { 0 }, text = { 0 };
	const gchar *id;
	MpaStep *step;

	check_attrs(l, n, allowed);
	check_no_text(l, n);
	id = need_attr(l, n, "id");
	if (id != NULL && check_id_word(l, n, id)) {
		if (g_hash_table_contains(l->ids, id))
			problem(l, n->line, _("id '%s' is used twice — give each step and note its own id"), id);
		else
			g_hash_table_add(l->ids, g_strdup(id));
	}
	for (guint i = 0; i < n->children->len; i++) {
		const Node *c = g_ptr_array_index(n->children, i);

		if (is_mpa(c, "title"))
			text_set_add(l, &title, c);
		else if (is_mpa(c, "text"))
			text_set_add(l, &text, c);
		else
			unknown_element(l, c);
	}
	step = g_new0(MpaStep, 1);
	step->id = g_strdup(id);
	step->title = text_set_finish(l, &title, n, "title", TRUE);
	step->text = text_set_finish(l, &text, n, "text", TRUE);
	g_ptr_array_add(into, step);
	add_link_ref(l, n, &step->link);
}

static gboolean check_cause_id(Load *l, const Node *n, const gchar *what, const gchar *id)
{
	if (mpa_cause_is_valid(id))
		return TRUE;
	problem(l, n->line, _("unknown cause '%s' in the '%s' attribute — use one of the causes listed in doc/provider-format.md, e.g. app-password-required"),
		id, what);
	return FALSE;
}

static void check_cause(Load *l, const Node *n, GHashTable *cause_ids)
{
	static const gchar *const allowed[] = { "id", "link", NULL };
	MpaProvider *p = &l->priv->pub;
	TextSet title = { 0 }, fix_text = { 0 };
	const gchar *id;
	MpaCauseFix *fix;

	check_attrs(l, n, allowed);
	check_no_text(l, n);
	id = need_attr(l, n, "id");
	if (id != NULL && check_cause_id(l, n, "id", id)) {
		if (g_hash_table_contains(cause_ids, id))
			problem(l, n->line, _("cause '%s' has two <%s> entries — merge them into one"), id, n->qname);
		else
			g_hash_table_add(cause_ids, g_strdup(id));
	}
	for (guint i = 0; i < n->children->len; i++) {
		const Node *c = g_ptr_array_index(n->children, i);

		if (is_mpa(c, "title"))
			text_set_add(l, &title, c);
		else if (is_mpa(c, "fix"))
			text_set_add(l, &fix_text, c);
		else
			unknown_element(l, c);
	}
	fix = g_new0(MpaCauseFix, 1);
	fix->cause = g_strdup(id);
	fix->title = text_set_finish(l, &title, n, "title", TRUE);
	fix->fix = text_set_finish(l, &fix_text, n, "fix", TRUE);
	g_ptr_array_add(p->causes, fix);
	add_link_ref(l, n, &fix->link);
}

/* "535", "5.7.8" or an IMAP response code atom. */
static gboolean code_is_valid(const gchar *code)
{
	gsize len = strlen(code);

	if (len == 3 && g_ascii_isdigit(code[0]) && g_ascii_isdigit(code[1]) && g_ascii_isdigit(code[2]))
		return code[0] >= '2' && code[0] <= '5';
	if (g_ascii_isdigit(code[0])) {
		g_auto(GStrv) parts = g_strsplit(code, ".", -1);

		if (g_strv_length(parts) != 3 || strchr("245", code[0]) == NULL || code[1] != '.')
			return FALSE;
		for (guint i = 1; i < 3; i++) {
			gsize n = strlen(parts[i]);

			if (n < 1 || n > 3 || strspn(parts[i], "0123456789") != n)
				return FALSE;
		}
		return TRUE;
	}
	return len > 0 && strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") == len;
}

static void check_rule(Load *l, const Node *n)
{
	static const gchar *const allowed[] = { "protocol", "stage", "code", "match", "cause", "candidates", NULL };
	MpaProvider *p = &l->priv->pub;
	const gchar *protocol = attr(n, "protocol");
	const gchar *stage = attr(n, "stage");
	const gchar *code = attr(n, "code");
	const gchar *match = attr(n, "match");
	const gchar *candidates = attr(n, "candidates");
	const gchar *cause;
	GPtrArray *cands = g_ptr_array_new_with_free_func(g_free);
	MpaRule *rule = g_new0(MpaRule, 1);

	check_attrs(l, n, allowed);
	check_leaf(l, n);
	check_no_text(l, n);
	rule->line = n->line;
	rule->protocol = MPA_RULE_ANY_PROTOCOL;
	rule->stage = MPA_RULE_ANY_STAGE;
	if (protocol != NULL && strcmp(protocol, "any") != 0) {
		MpaProtocol proto;

		if (mpa_protocol_from_name(protocol, &proto))
			rule->protocol = proto;
		else
			problem(l, n->line, _("unknown protocol '%s' — use imap, smtp or any"), protocol);
	}
	if (stage != NULL && strcmp(stage, "any") != 0) {
		MpaStage st;

		if (mpa_stage_from_name(stage, &st))
			rule->stage = st;
		else
			problem(l, n->line, _("unknown stage '%s' — use connect, tls, greeting, auth, select, send or any"), stage);
	}
	if (code != NULL) {
		if (code_is_valid(code))
			rule->code = g_ascii_strup(code, -1);
		else
			problem(l, n->line, _("code '%s' is not an SMTP reply code (535), an enhanced status code (5.7.8) or an IMAP response code (AUTHENTICATIONFAILED) — correct it or leave it out"),
				code);
	}
	if (match != NULL) {
		g_autoptr(GError) error = NULL;

		if (*match == '\0')
			problem(l, n->line, _("match=\"\" is empty — write a regular expression or leave the attribute out"));
		else if ((rule->match = g_regex_new(match, G_REGEX_CASELESS, 0, &error)) == NULL)
			problem(l, n->line, _("match '%s' is not a valid regular expression (%s) — correct it; put a backslash before special characters such as . ( ["),
				match, error->message);
	}
	cause = need_attr(l, n, "cause");
	if (cause != NULL && check_cause_id(l, n, "cause", cause))
		rule->cause = g_strdup(cause);
	if (candidates != NULL) {
		g_auto(GStrv) words = g_strsplit_set(candidates, " \t\r\n", -1);

		for (guint i = 0; words[i] != NULL; i++) {
			gboolean dup = FALSE;

			if (*words[i] == '\0')
				continue;
			if (!check_cause_id(l, n, "candidates", words[i]))
				continue;
			for (guint j = 0; j < cands->len; j++)
				dup = dup || strcmp(g_ptr_array_index(cands, j), words[i]) == 0;
			if (dup || g_strcmp0(words[i], cause) == 0) {
				problem(l, n->line, _("cause '%s' is listed twice in the rule — list each cause once"), words[i]);
				continue;
			}
			g_ptr_array_add(cands, g_strdup(words[i]));
		}
	}
	g_ptr_array_add(cands, NULL);
	rule->candidates = (gchar **)g_ptr_array_free(cands, FALSE);
	g_ptr_array_add(p->rules, rule);
}

static void check_sending(Load *l, const Node *n)
{
	static const gchar *const allowed[] = { "bulk-recipients", NULL };
	static const gchar *const stage_allowed[] = { "from", "to", "daily", "interval", NULL };
	MpaProvider *p = &l->priv->pub;
	TextSet text = { 0 };
	const gchar *bulk;
	const Node *last_stage = NULL;
	gboolean prev_open = FALSE;
	guint prev_to = 0;

	check_attrs(l, n, allowed);
	check_no_text(l, n);
	bulk = attr(n, "bulk-recipients");
	if (bulk != NULL) {
		guint64 v;

		if (!parse_uint(bulk, 100000, &v) || v == 0)
			problem(l, n->line, _("bulk-recipients '%s' is not a number from 1 to 100000 — write how many recipients make a message bulk, e.g. 20"),
				bulk);
		else
			p->bulk_recipients = (guint)v;
	}
	for (guint i = 0; i < n->children->len; i++) {
		const Node *c = g_ptr_array_index(n->children, i);

		if (is_mpa(c, "text")) {
			text_set_add(l, &text, c);
		} else if (is_mpa(c, "stage")) {
			const gchar *from = attr(c, "from"), *to = attr(c, "to");
			const gchar *daily = attr(c, "daily"), *interval = attr(c, "interval");
			MpaSendStage *st = g_new0(MpaSendStage, 1);
			guint64 v;
			gboolean ok = TRUE;

			check_attrs(l, c, stage_allowed);
			check_leaf(l, c);
			check_no_text(l, c);
			st->to_day = G_MAXUINT;
			if (need_attr(l, c, "from") == NULL) {
				ok = FALSE;
			} else if (!parse_uint(from, 36500, &v)) {
				problem(l, c->line, _("from '%s' is not a number of days — write the account age in days, e.g. 0"), from);
				ok = FALSE;
			} else {
				st->from_day = (guint)v;
			}
			if (to != NULL) {
				if (!parse_uint(to, 36500, &v)) {
					problem(l, c->line, _("to '%s' is not a number of days — write the account age in days, e.g. 7"), to);
					ok = FALSE;
				} else {
					st->to_day = (guint)v;
				}
			}
			if (need_attr(l, c, "daily") != NULL) {
				if (!parse_uint(daily, 1000000, &v) || v == 0)
					problem(l, c->line, _("daily '%s' is not a number from 1 up — write how many messages a day are safe, e.g. 50"), daily);
				else
					st->daily = (guint)v;
			}
			if (interval != NULL) {
				if (!parse_uint(interval, 86400, &v))
					problem(l, c->line, _("interval '%s' is not a number of seconds from 0 to 86400 — write the pause between two messages, e.g. 300"),
						interval);
				else
					st->interval_s = (guint)v;
			}
			if (ok) {
				if (to != NULL && st->to_day <= st->from_day)
					problem(l, c->line, _("the stage ends (to=\"%u\") before it starts (from=\"%u\") — make 'to' greater than 'from'"),
						st->to_day, st->from_day);
				if (last_stage == NULL && st->from_day != 0)
					problem(l, c->line, _("the first sending stage starts at day %u — start it at day 0 (from=\"0\")"), st->from_day);
				else if (last_stage != NULL && prev_open)
					problem(l, last_stage->line, _("only the last sending stage may leave out 'to' — add a 'to' here or move this stage to the end"));
				else if (last_stage != NULL && st->from_day != prev_to)
					problem(l, c->line, _("this stage starts at day %u but the one before ends at day %u — make 'from' equal the previous 'to' (no gaps, no overlaps)"),
						st->from_day, prev_to);
				prev_open = to == NULL;
				prev_to = st->to_day;
			}
			last_stage = c;
			g_ptr_array_add(p->send_stages, st);
		} else {
			unknown_element(l, c);
		}
	}
	if (last_stage == NULL) {
		missing_element(l, n, "stage");
	} else if (attr(last_stage, "to") != NULL) {
		problem(l, last_stage->line, _("the last sending stage ends at day %s — leave out its 'to' so the limits still hold afterwards"),
			attr(last_stage, "to"));
	}
	p->sending_text = text_set_finish(l, &text, n, "text", FALSE);
}

/* <mpa:mx host="..."/> or <mpa:mx suffix="..."/>: an MX host that means "this provider hosts the
 * domain's mail".  Strict: lower-case ASCII names with a dot, no wildcards, no trailing dot. */
static void check_mx(Load *l, const Node *n, GPtrArray *hosts, GArray *host_lines,
		     GPtrArray *suffixes, GArray *suffix_lines)
{
	static const gchar *const allowed[] = { "host", "suffix", NULL };
	const gchar *host = attr(n, "host");
	const gchar *suffix = attr(n, "suffix");
	const gchar *value = host != NULL ? host : suffix;
	const gchar *why = NULL;
	GPtrArray *into = host != NULL ? hosts : suffixes;
	GArray *lines = host != NULL ? host_lines : suffix_lines;

	check_attrs(l, n, allowed);
	check_leaf(l, n);
	check_no_text(l, n);
	if ((host == NULL) == (suffix == NULL)) {
		problem(l, n->line, _("<%s> needs exactly one of 'host' and 'suffix' — write host=\"mx1.example.com\" for one MX host or suffix=\"example.com\" for every MX host below a domain"),
			n->qname);
		return;
	}
	if (strchr(value, '*') != NULL) {
		problem(l, n->line, _("MX pattern '%s' has a wildcard — write suffix=\"%s\" for every host below a domain"),
			value, value[0] == '*' && value[1] == '.' ? value + 2 : "mx.example.com");
		return;
	}
	if (g_str_has_suffix(value, ".")) {
		problem(l, n->line, _("MX pattern '%s' ends with a dot — write the name without the final dot"), value);
		return;
	}
	if (!g_str_is_ascii(value)) {
		g_autofree gchar *ace = g_hostname_to_ascii(value);

		problem(l, n->line, _("MX pattern '%s' is not ASCII — write it in its punycode form: %s"),
			value, ace != NULL ? ace : "xn--...");
		return;
	}
	if (has_upper(value)) {
		g_autofree gchar *lower = g_ascii_strdown(value, -1);

		problem(l, n->line, _("MX pattern '%s' has upper-case letters — write it in lower case: %s"), value, lower);
		return;
	}
	if (g_hostname_is_ip_address(value) || !mpa_hostname_check_labels(value, &why) ||
	    strchr(value, '.') == NULL) {
		if (why == NULL)
			why = strchr(value, '.') == NULL ? _("it has no dot") : _("it is an IP address");
		problem(l, n->line, _("MX pattern '%s' is malformed: %s — write a host name such as mx1.example.com"),
			value, why);
		return;
	}
	for (guint i = 0; i < into->len; i++) {
		if (strcmp(g_ptr_array_index(into, i), value) == 0) {
			problem(l, n->line, _("MX pattern '%s' is listed twice (first on line %u) — remove one"),
				value, g_array_index(lines, guint, i));
			return;
		}
	}
	g_ptr_array_add(into, g_strdup(value));
	g_array_append_val(lines, n->line);
}

static void check_assistant(Load *l, const Node *n)
{
	static const gchar *const allowed[] = { "checked", NULL };
	MpaProvider *p = &l->priv->pub;
	g_autoptr(GHashTable) link_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) cause_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	TextSet name = { 0 };
	const gchar *checked;
	gboolean seen_password = FALSE, seen_sending = FALSE, seen_auth = FALSE;
	guint oauth2_client_line = 0;
	GPtrArray *mx_hosts = g_ptr_array_new(), *mx_suffixes = g_ptr_array_new();
	GArray *mx_host_lines = g_array_new(FALSE, FALSE, sizeof(guint));
	GArray *mx_suffix_lines = g_array_new(FALSE, FALSE, sizeof(guint));

	p->has_assistant = TRUE;
	check_attrs(l, n, allowed);
	check_no_text(l, n);
	checked = need_attr(l, n, "checked");
	if (checked != NULL) {
		check_date(l, n, checked);
		p->checked = g_strdup(checked);
	}
	for (guint i = 0; i < n->children->len; i++) {
		const Node *c = g_ptr_array_index(n->children, i);

		if (is_mpa(c, "name")) {
			text_set_add(l, &name, c);
		} else if (is_mpa(c, "password")) {
			if (seen_password) {
				duplicate_element(l, c);
				continue;
			}
			seen_password = TRUE;
			check_password(l, c);
		} else if (is_mpa(c, "auth")) {
			if (seen_auth) {
				duplicate_element(l, c);
				continue;
			}
			seen_auth = TRUE;
			check_auth(l, c);
		} else if (is_mpa(c, "link")) {
			check_link(l, c, link_ids);
		} else if (is_mpa(c, "step")) {
			check_step(l, c, p->steps);
		} else if (is_mpa(c, "note")) {
			check_step(l, c, p->notes);
		} else if (is_mpa(c, "oauth2-client")) {
			/* a step of its own, outside the checklist: the page shows it when needed */
			g_autoptr(GPtrArray) one = g_ptr_array_new();

			if (p->oauth2_client != NULL) {
				duplicate_element(l, c);
				continue;
			}
			check_step(l, c, one);
			p->oauth2_client = one->pdata[0];
			oauth2_client_line = c->line;
		} else if (is_mpa(c, "cause")) {
			check_cause(l, c, cause_ids);
		} else if (is_mpa(c, "rule")) {
			check_rule(l, c);
		} else if (is_mpa(c, "sending")) {
			if (seen_sending) {
				duplicate_element(l, c);
				continue;
			}
			seen_sending = TRUE;
			check_sending(l, c);
		} else if (is_mpa(c, "mx")) {
			check_mx(l, c, mx_hosts, mx_host_lines, mx_suffixes, mx_suffix_lines);
		} else {
			unknown_element(l, c);
		}
	}
	p->name = text_set_finish(l, &name, n, "name", TRUE);
	if (p->oauth2_client != NULL && p->oauth2_provider == MPA_OAUTH2_NONE)
		warn(l, oauth2_client_line, _("<mpa:oauth2-client> but <mpa:auth> names no oauth2-provider — name the service or remove it"));
	g_ptr_array_add(mx_hosts, NULL);
	g_ptr_array_add(mx_suffixes, NULL);
	g_strfreev(p->mx_hosts);
	g_strfreev(p->mx_suffixes);
	g_free(l->priv->mx_host_lines);
	g_free(l->priv->mx_suffix_lines);
	p->mx_hosts = (gchar **)g_ptr_array_free(mx_hosts, FALSE);
	p->mx_suffixes = (gchar **)g_ptr_array_free(mx_suffixes, FALSE);
	l->priv->mx_host_lines = (guint *)g_array_free(mx_host_lines, FALSE);
	l->priv->mx_suffix_lines = (guint *)g_array_free(mx_suffix_lines, FALSE);

	/* links may be declared after the steps that use them */
	for (guint i = 0; i < l->link_refs->len; i++) {
		LinkRef *r = g_ptr_array_index(l->link_refs, i);
		const MpaLink *link = mpa_provider_link(p, r->id);

		if (link == NULL)
			problem(l, r->line, _("link=\"%s\" refers to no <mpa:link> of this file — add <mpa:link id=\"%s\" url=\"...\"> or correct the id"),
				r->id, r->id);
		*r->target = link;
	}
}

/* ---- loading ---- */

static MpaProviderPriv *provider_new(void)
{
	MpaProviderPriv *priv = g_new0(MpaProviderPriv, 1);
	MpaProvider *p = &priv->pub;

	p->links = g_ptr_array_new_with_free_func((GDestroyNotify)link_free);
	p->steps = g_ptr_array_new_with_free_func((GDestroyNotify)step_free);
	p->notes = g_ptr_array_new_with_free_func((GDestroyNotify)step_free);
	p->causes = g_ptr_array_new_with_free_func((GDestroyNotify)cause_fix_free);
	p->rules = g_ptr_array_new_with_free_func((GDestroyNotify)rule_free);
	p->send_stages = g_ptr_array_new_with_free_func(g_free);
	p->password_kind = MPA_PASSWORD_LOGIN;
	priv->auth_imap = priv->auth_smtp = -1;
	p->mx_hosts = g_new0(gchar *, 1);
	p->mx_suffixes = g_new0(gchar *, 1);
	return priv;
}

void mpa_provider_free(MpaProvider *provider)
{
	MpaProviderPriv *priv = (MpaProviderPriv *)provider;

	if (provider == NULL)
		return;
	g_free(provider->id);
	g_free(provider->file);
	g_strfreev(provider->domains);
	g_free(provider->display_name);
	g_free(provider->short_name);
	server_free(provider->imap);
	server_free(provider->smtp);
	g_free(provider->checked);
	text_free(provider->name);
	text_free(provider->password_label);
	text_free(provider->password_hint);
	g_ptr_array_unref(provider->links);
	g_ptr_array_unref(provider->steps);
	g_ptr_array_unref(provider->notes);
	step_free(provider->oauth2_client);
	g_ptr_array_unref(provider->causes);
	g_ptr_array_unref(provider->rules);
	g_ptr_array_unref(provider->send_stages);
	text_free(provider->sending_text);
	g_strfreev(provider->mx_hosts);
	g_strfreev(provider->mx_suffixes);
	g_free(priv->domain_lines);
	g_free(priv->mx_host_lines);
	g_free(priv->mx_suffix_lines);
	g_free(priv);
}

static gint problem_cmp(gconstpointer a, gconstpointer b)
{
	const MpaProblem *pa = *(const MpaProblem *const *)a;
	const MpaProblem *pb = *(const MpaProblem *const *)b;

	return (pa->line > pb->line) - (pa->line < pb->line);
}

MpaProvider *mpa_provider_load_file(const gchar *path, GPtrArray *problems)
{
	g_autofree gchar *contents = NULL;
	g_autoptr(GError) error = NULL;
	gsize length = 0;

	g_return_val_if_fail(path != NULL, NULL);
	/* Refused before reading: a FIFO or a device named *.xml would block the read or never end,
	 * and a sparse file of gigabytes would be read into memory (issue #15). */
	if (!mpa_file_read(path, MAX_FILE_SIZE, &contents, &length, &error)) {
		if (g_error_matches(error, MPA_FILE_ERROR, MPA_FILE_ERROR_TOO_BIG))
			mpa_problem_add(problems, path, 0, _("the file is larger than 1 MiB — a provider file is a few kilobytes; check that this is the right file"));
		else if (g_error_matches(error, MPA_FILE_ERROR, MPA_FILE_ERROR_NOT_REGULAR))
			mpa_problem_add(problems, path, 0, _("%s — a provider file is a plain text file"),
					error->message);
		else
			mpa_problem_add(problems, path, 0, _("cannot read the file: %s — check that it exists and is readable"),
					error->message);
		return NULL;
	}
	return mpa_provider_load_data(contents, length, path, problems);
}

MpaProvider *mpa_provider_load_data(const gchar *data, gsize len, const gchar *origin,
				    GPtrArray *problems)
{
	Load l = { 0 };
	MpaXmlNode *root;
	MpaProvider *result = NULL;

	g_return_val_if_fail(origin != NULL, NULL);
	g_return_val_if_fail(data != NULL || len == 0, NULL);
	if (len > MAX_FILE_SIZE) {
		mpa_problem_add(problems, origin, 0, _("the file is larger than 1 MiB — a provider file is a few kilobytes; check that this is the right file"));
		return NULL;
	}

	l.file = origin;
	l.problems = g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);
	l.link_refs = g_ptr_array_new_with_free_func((GDestroyNotify)link_ref_free);
	l.ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	root = mpa_xml_parse(data, len, origin, l.problems);
	for (guint i = 0; i < l.problems->len; i++)
		if (!((MpaProblem *)l.problems->pdata[i])->warning)
			l.problem_count++;
	/* no root and no problem: well-formed but without an element, which the check reports */
	if (root != NULL || l.problem_count == 0) {
		l.priv = provider_new();
		l.priv->pub.file = g_strdup(origin);
		check_client_config(&l, root);
		if (l.problem_count == 0) {
			result = &l.priv->pub;
			l.priv = NULL;
		}
	}

	if (l.priv != NULL)
		mpa_provider_free(&l.priv->pub);
	mpa_xml_free(root);
	g_ptr_array_sort(l.problems, problem_cmp); /* stable: same-line problems keep their order */
	for (guint i = 0; i < l.problems->len; i++)
		if (problems != NULL)
			g_ptr_array_add(problems, g_steal_pointer(&l.problems->pdata[i]));
	g_ptr_array_unref(l.problems);
	g_ptr_array_unref(l.link_refs);
	g_hash_table_unref(l.ids);
	return result;
}

/* ---- accessors ---- */

const gchar *mpa_provider_name(const MpaProvider *provider)
{
	const gchar *name;

	g_return_val_if_fail(provider != NULL, NULL);
	name = mpa_text_get(provider->name);
	return name != NULL ? name : provider->display_name;
}

const MpaCauseFix *mpa_provider_cause(const MpaProvider *provider, const gchar *cause)
{
	g_return_val_if_fail(provider != NULL, NULL);
	if (cause == NULL || provider->causes == NULL)
		return NULL;
	for (guint i = 0; i < provider->causes->len; i++) {
		const MpaCauseFix *fix = g_ptr_array_index(provider->causes, i);

		if (g_strcmp0(fix->cause, cause) == 0)
			return fix;
	}
	return NULL;
}

const MpaLink *mpa_provider_link(const MpaProvider *provider, const gchar *id)
{
	g_return_val_if_fail(provider != NULL, NULL);
	if (id == NULL || provider->links == NULL)
		return NULL;
	for (guint i = 0; i < provider->links->len; i++) {
		const MpaLink *link = g_ptr_array_index(provider->links, i);

		if (g_strcmp0(link->id, id) == 0)
			return link;
	}
	return NULL;
}
