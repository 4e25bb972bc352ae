/* Provider Assistant — the element tree of a provider document (see mpa-xml.h).
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include "mpa-xml.h"
#include "mpa-provider.h"
#include "mpa-provider-private.h"

void mpa_xml_free(MpaXmlNode *root)
{
	GPtrArray *stack;

	if (root == NULL)
		return;
	/* An explicit stack: a recursive free ran out of stack at 140,000 levels (issue #15), and
	 * the tree may be freed in a thread with a small stack. */
	stack = g_ptr_array_new();
	g_ptr_array_add(stack, root);
	while (stack->len > 0) {
		MpaXmlNode *node = g_ptr_array_steal_index_fast(stack, stack->len - 1);

		for (guint i = 0; i < node->children->len; i++)
			g_ptr_array_add(stack, g_ptr_array_index(node->children, i));
		g_free(node->qname);
		g_strfreev(node->attr_names);
		g_strfreev(node->attr_values);
		g_string_free(node->text, TRUE);
		g_ptr_array_unref(node->children);
		g_free(node);
	}
	g_ptr_array_unref(stack);
}

const gchar *mpa_xml_attr(const MpaXmlNode *node, const gchar *name)
{
	for (guint i = 0; node->attr_names[i] != NULL; i++)
		if (strcmp(node->attr_names[i], name) == 0)
			return node->attr_values[i];
	return NULL;
}

typedef struct {
	gchar *prefix; /* "" for the default namespace */
	gchar *uri;
	guint depth;
} NsBinding;

static void ns_binding_free(NsBinding *b)
{
	g_free(b->prefix);
	g_free(b->uri);
	g_free(b);
}

typedef struct {
	const gchar *origin;
	GPtrArray *problems;
	MpaXmlNode *root;
	MpaXmlNode *current;
	GPtrArray *ns; /* of NsBinding*, innermost last */
	guint depth;
	guint last_line;
	guint too_deep_line; /* line of the first element below MPA_XML_MAX_DEPTH, or 0 */
} Parse;

static const gchar *ns_lookup(Parse *p, const gchar *prefix)
{
	for (guint i = p->ns->len; i > 0; i--) {
		NsBinding *b = g_ptr_array_index(p->ns, i - 1);

		if (strcmp(b->prefix, prefix) == 0)
			return *b->uri != '\0' ? b->uri : NULL;
	}
	return NULL;
}

static void track_position(GMarkupParseContext *context, Parse *p)
{
	gint line, chr;

	g_markup_parse_context_get_position(context, &line, &chr);
	p->last_line = (guint)line;
}

static void on_start(GMarkupParseContext *context, const gchar *element_name,
		     const gchar **attribute_names, const gchar **attribute_values,
		     gpointer user_data, GError **error)
{
	Parse *p = user_data;
	MpaXmlNode *node;
	GPtrArray *names, *values;
	const gchar *colon;

	/* GMarkup accepts a second top-level element; XML does not, and the tree has one root. */
	if (p->current == NULL && p->root != NULL) {
		g_set_error(error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
			    _("element <%s> follows the end of the document element <%s>"),
			    element_name, p->root->qname);
		return;
	}
	/* Stop at once: the rest of the document is not parsed, nothing deeper is built. */
	if (p->depth >= MPA_XML_MAX_DEPTH) {
		p->too_deep_line = p->last_line;
		g_set_error_literal(error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "too deep");
		return;
	}
	node = g_new0(MpaXmlNode, 1);
	names = g_ptr_array_new();
	values = g_ptr_array_new();

	/* GMarkup reports the position after the start tag, which may be lines below its "<"
	 * when attributes are wrapped; the position after the previous event is where it begins. */
	node->line = p->last_line;
	p->depth++;
	for (guint i = 0; attribute_names[i] != NULL; i++) {
		const gchar *an = attribute_names[i];

		if (strcmp(an, "xmlns") == 0 || g_str_has_prefix(an, "xmlns:")) {
			NsBinding *b = g_new0(NsBinding, 1);

			b->prefix = g_strdup(an[5] == ':' ? an + 6 : "");
			b->uri = g_strdup(attribute_values[i]);
			b->depth = p->depth;
			g_ptr_array_add(p->ns, b);
		} else {
			g_ptr_array_add(names, g_strdup(an));
			g_ptr_array_add(values, g_strdup(attribute_values[i]));
		}
	}
	g_ptr_array_add(names, NULL);
	g_ptr_array_add(values, NULL);
	node->attr_names = (gchar **)g_ptr_array_free(names, FALSE);
	node->attr_values = (gchar **)g_ptr_array_free(values, FALSE);
	node->qname = g_strdup(element_name);
	node->text = g_string_new(NULL);
	node->children = g_ptr_array_new();
	node->parent = p->current;

	colon = strchr(node->qname, ':');
	if (node->parent != NULL && node->parent->skip) {
		node->skip = TRUE;
	} else {
		g_autofree gchar *prefix = colon != NULL ? g_strndup(node->qname, colon - node->qname)
							 : g_strdup("");
		const gchar *uri = ns_lookup(p, prefix);

		if (colon != NULL && uri == NULL) {
			mpa_problem_add(p->problems, p->origin, node->line,
					_("element <%s> uses the prefix '%s', which is not declared — declare it, e.g. xmlns:%s=\"%s\" on <clientConfig>"),
					node->qname, prefix, prefix, MPA_XML_NAMESPACE);
			node->skip = TRUE;
		} else if (uri != NULL && strcmp(uri, MPA_XML_NAMESPACE) == 0) {
			node->mpa = TRUE;
		} else if (uri != NULL) {
			mpa_problem_warn(p->problems, p->origin, node->line,
					 _("element <%s> is in the unknown namespace '%s' and is ignored — use the namespace %s or remove the element"),
					 node->qname, uri, MPA_XML_NAMESPACE);
			node->skip = TRUE;
		}
	}
	node->name = colon != NULL ? colon + 1 : node->qname;

	if (p->current != NULL)
		g_ptr_array_add(p->current->children, node);
	else
		p->root = node;
	p->current = node;
	track_position(context, p);
}

static void on_end(GMarkupParseContext *context, const gchar *element_name, gpointer user_data,
		   GError **error)
{
	Parse *p = user_data;

	while (p->ns->len > 0) {
		NsBinding *b = g_ptr_array_index(p->ns, p->ns->len - 1);

		if (b->depth < p->depth)
			break;
		g_ptr_array_remove_index(p->ns, p->ns->len - 1);
	}
	p->depth--;
	if (p->current != NULL)
		p->current = p->current->parent;
	track_position(context, p);
}

static void on_text(GMarkupParseContext *context, const gchar *text, gsize text_len,
		    gpointer user_data, GError **error)
{
	Parse *p = user_data;

	if (p->current != NULL)
		g_string_append_len(p->current->text, text, text_len);
	track_position(context, p);
}

static void on_passthrough(GMarkupParseContext *context, const gchar *text, gsize text_len,
			   gpointer user_data, GError **error)
{
	track_position(context, user_data);
}

static const GMarkupParser markup_parser = {
	on_start, on_end, on_text, on_passthrough, NULL
};

MpaXmlNode *mpa_xml_parse(const gchar *data, gsize len, const gchar *origin, GPtrArray *problems)
{
	g_autoptr(GError) error = NULL;
	GMarkupParseContext *context;
	const gchar *start, *bad = NULL;
	Parse p = { 0 };

	g_return_val_if_fail(data != NULL || len == 0, NULL);
	g_return_val_if_fail(origin != NULL, NULL);
	p.origin = origin;
	p.problems = problems;
	p.ns = g_ptr_array_new_with_free_func((GDestroyNotify)ns_binding_free);
	p.last_line = 1;

	start = data != NULL ? data : "";
	if (len >= 3 && memcmp(start, "\xef\xbb\xbf", 3) == 0) {
		start += 3; /* a byte-order mark, which GMarkup does not expect */
		len -= 3;
	}
	context = g_markup_parse_context_new(&markup_parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &p, NULL);
	/* A provider file is UTF-8 (doc/provider-format.md).  Checked before GMarkup sees the bytes:
	 * GMarkup's own handling of invalid UTF-8 inside <?...?> sets a GError over another one
	 * (found by fuzzing, GLib 2.74), and this way the message names the byte and its line. */
	if (!g_utf8_validate_len(start, len, &bad)) {
		guint line = 1;

		for (const gchar *c = start; c < bad; c++)
			line += *c == '\n';
		mpa_problem_add(problems, origin, line,
				_("the file is not valid UTF-8 text (byte 0x%02x) — save it in the UTF-8 encoding"),
				(guint)(guchar)*bad);
		mpa_xml_free(g_steal_pointer(&p.root));
	} else if (!g_markup_parse_context_parse(context, start, len, &error) ||
		   !g_markup_parse_context_end_parse(context, &error)) {
		gint line = 0, chr = 0;

		if (p.too_deep_line > 0) {
			mpa_problem_add(problems, origin, p.too_deep_line,
					_("elements are nested more than %u deep — a provider file is less than 10 deep; check that this is the right file"),
					(guint)MPA_XML_MAX_DEPTH);
		} else {
			g_markup_parse_context_get_position(context, &line, &chr);
			mpa_problem_add(problems, origin, (guint)line,
					_("the file is not well-formed XML: %s — correct the XML syntax"),
					error->message);
		}
		mpa_xml_free(g_steal_pointer(&p.root));
	}
	g_markup_parse_context_free(context);
	g_ptr_array_unref(p.ns);
	return p.root;
}
