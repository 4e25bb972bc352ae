/* Provider Assistant — the element tree of a provider document.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the core: no GTK, no Claws Mail headers.  Not installed; used by the provider loader
 * (mpa-provider.c), which checks the tree and turns it into an MpaProvider.
 *
 * GMarkup parses the bytes; this module resolves XML namespaces (GMarkup knows nothing of them),
 * keeps elements, attributes and text in a small tree, and guards the parts the loader must not
 * have to think about: the text must be UTF-8 (a byte-order mark is skipped), only one document
 * element, and nesting at most MPA_XML_MAX_DEPTH deep — a real provider file is under 10 deep,
 * and a file nested a hundred thousand deep must neither take the stack (the tree is freed
 * without recursion) nor pass as a provider.
 */
#ifndef MPA_XML_H
#define MPA_XML_H

#include <glib.h>

G_BEGIN_DECLS

#define MPA_XML_MAX_DEPTH 64

typedef struct _MpaXmlNode MpaXmlNode;
struct _MpaXmlNode {
	MpaXmlNode *parent;
	gchar *qname;      /* as written, "mpa:rule"; used in messages */
	const gchar *name; /* local name, points into qname */
	gboolean mpa;      /* in MPA_XML_NAMESPACE (else no namespace: ISPDB) */
	gboolean skip;     /* unknown namespace: reported once, not checked further */
	guint line;
	gchar **attr_names; /* without the xmlns declarations; NULL-terminated */
	gchar **attr_values;
	GString *text;       /* all text directly inside, CDATA included */
	GPtrArray *children; /* of MpaXmlNode*, owned by the node (no free function) */
};

/* Parse @len bytes of @data (no NUL needed).  Problems are appended to @problems (may be NULL)
 * as MpaProblem with @origin as their file: invalid UTF-8, XML that is not well-formed, nesting
 * deeper than MPA_XML_MAX_DEPTH (then NULL is returned), and namespace problems of single
 * elements (those elements are marked skip; the tree is still returned).  A well-formed document
 * with no element at all (only a comment) is NULL without a problem.  Free with mpa_xml_free(). */
MpaXmlNode *mpa_xml_parse(const gchar *data, gsize len, const gchar *origin, GPtrArray *problems);

/* Free a tree (any depth: no recursion).  NULL is allowed. */
void mpa_xml_free(MpaXmlNode *root);

/* The value of attribute @name of @node, or NULL. */
const gchar *mpa_xml_attr(const MpaXmlNode *node, const gchar *name);

G_END_DECLS

#endif
