/* Provider Assistant — provider database: types, loading, validation, address matching.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the core: no GTK, no Claws Mail headers.
 *
 * Ownership: an MpaDb owns every MpaProvider it holds and everything they point to; providers
 * stay valid until the database is freed.  Strings are UTF-8.
 */
#ifndef MPA_PROVIDER_H
#define MPA_PROVIDER_H

#include <glib.h>

G_BEGIN_DECLS

#define MPA_XML_NAMESPACE "urn:x-claws-mail-provider-assistant:provider:1"

/* Errors of the provider module (domain mpa_provider_error_quark()). */
typedef enum {
	MPA_PROVIDER_ERROR_FAILED,  /* catch-all */
	MPA_PROVIDER_ERROR_INVALID, /* a provider file is invalid; message is "file:line: problem" */
	MPA_PROVIDER_ERROR_IO,      /* a file or directory could not be read */
	MPA_PROVIDER_ERROR_ADDRESS, /* the text is not an e-mail address */
	MPA_PROVIDER_ERROR_UNKNOWN  /* the address is valid but no provider knows its domain */
} MpaProviderError;
#define MPA_PROVIDER_ERROR (mpa_provider_error_quark())
GQuark mpa_provider_error_quark(void);

typedef enum {
	MPA_SECURITY_SSL, /* implicit TLS ("SSL" in ISPDB) */
	MPA_SECURITY_STARTTLS,
	MPA_SECURITY_PLAIN
} MpaSecurity;

typedef enum {
	MPA_PROTOCOL_IMAP,
	MPA_PROTOCOL_SMTP
} MpaProtocol;

/* Stages of a connection, in order.  Names (mpa_stage_name) are used in JSON, tests, UI and rules. */
typedef enum {
	MPA_STAGE_CONNECT,
	MPA_STAGE_TLS,
	MPA_STAGE_GREETING,
	MPA_STAGE_AUTH,
	MPA_STAGE_SELECT,
	MPA_STAGE_SEND,
	MPA_STAGE_COUNT
} MpaStage;

typedef enum {
	MPA_PASSWORD_LOGIN, /* the web login password works */
	MPA_PASSWORD_APP,   /* an app password / authorization code / independent password */
	MPA_PASSWORD_OAUTH2 /* no password at all: OAuth2 only */
} MpaPasswordKind;

/* A localized text: lang ("en", "zh_CN", ...) -> text.  Use mpa_text_get(). */
typedef GHashTable MpaText;

/* The one way a mail program signs in to a server: the provider file's <mpa:auth>, or else
 * derived from its ISPDB <authentication> list (a password method first, then OAuth2). */
typedef enum {
	MPA_AUTH_AUTOMATIC, /* nothing usable is known: leave it to the mail program */
	MPA_AUTH_LOGIN,     /* IMAP: the LOGIN command; SMTP: AUTH LOGIN */
	MPA_AUTH_PLAIN,     /* IMAP: AUTHENTICATE PLAIN; SMTP: AUTH PLAIN */
	MPA_AUTH_OAUTH2     /* no password: an OAuth2 token (XOAUTH2 / OAUTHBEARER) */
} MpaAuthMethod;

/* The OAuth2 service the mail program asks for a token (Claws Mail's list). */
typedef enum {
	MPA_OAUTH2_NONE,
	MPA_OAUTH2_GOOGLE,
	MPA_OAUTH2_OUTLOOK,
	MPA_OAUTH2_EXCHANGE,
	MPA_OAUTH2_YAHOO
} MpaOAuth2Provider;

typedef struct {
	gchar *host; /* lower case */
	guint16 port;
	MpaSecurity security;
	gchar *username;           /* template with %EMAILADDRESS% etc. */
	gboolean oauth2;           /* OAuth2 among the authentication methods */
	gboolean password_auth;    /* a password method among the authentication methods */
	MpaAuthMethod auth_method; /* the one method to set (never a password one without password_auth) */
} MpaServer;

typedef struct {
	gchar *id;
	gchar *url;
	MpaText *title;
} MpaLink;

/* A checklist step or a note: id, title, text, optional link. */
typedef struct {
	gchar *id;
	MpaText *title;
	MpaText *text;
	const MpaLink *link; /* may be NULL; points into the provider's links */
} MpaStep;

typedef struct {
	gchar *cause; /* cause id */
	MpaText *title;
	MpaText *fix;
	const MpaLink *link; /* may be NULL */
} MpaCauseFix;

#define MPA_RULE_ANY_PROTOCOL (-1)
#define MPA_RULE_ANY_STAGE (-1)

typedef struct {
	gint protocol;      /* MpaProtocol or MPA_RULE_ANY_PROTOCOL */
	gint stage;         /* MpaStage or MPA_RULE_ANY_STAGE */
	gchar *code;        /* NULL or "535", "5.7.8", "AUTHENTICATIONFAILED" */
	GRegex *match;      /* NULL or case-insensitive regex on the decoded reply */
	gchar *cause;       /* cause id */
	gchar **candidates; /* NULL-terminated, other causes most likely first; never NULL */
	guint line;         /* line in the file, for messages */
} MpaRule;

typedef struct {
	guint from_day;   /* account age in days, inclusive */
	guint to_day;     /* exclusive; G_MAXUINT for the last stage */
	guint daily;      /* messages a day */
	guint interval_s; /* minimum seconds between two sends */
} MpaSendStage;

typedef struct {
	gchar *id;           /* "sohu.com" */
	gchar *file;         /* the file it was loaded from */
	gchar **domains;     /* lower case, A-label (punycode) form; NULL-terminated */
	gchar *display_name; /* ISPDB displayName */
	gchar *short_name;   /* may be NULL */
	MpaServer *imap;     /* may be NULL (provider without IMAP) */
	MpaServer *smtp;     /* may be NULL */

	/* From mpa:assistant; all NULL/empty for a plain ISPDB file. */
	gboolean has_assistant;
	gchar *checked; /* "YYYY-MM-DD" */
	MpaText *name;  /* localized name */
	MpaPasswordKind password_kind;
	MpaText *password_label;
	MpaText *password_hint;
	MpaOAuth2Provider oauth2_provider; /* <mpa:auth oauth2-provider=...>; NONE: not named */
	GPtrArray *links;                  /* of MpaLink* */
	GPtrArray *steps;                  /* of MpaStep* (checklist, in order) */
	GPtrArray *notes;                  /* of MpaStep* */
	MpaStep *oauth2_client;            /* <mpa:oauth2-client>: registering the client ID Claws lacks; may be NULL */
	GPtrArray *causes;                 /* of MpaCauseFix* */
	GPtrArray *rules;                  /* of MpaRule* */
	GPtrArray *send_stages;            /* of MpaSendStage*, ordered by from_day; empty: no limits */
	guint bulk_recipients;             /* 0: no threshold */
	MpaText *sending_text;             /* may be NULL */

	/* From mpa:mx: the MX hosts that say a custom domain's mail is hosted here.  Lower case
	 * A-label names without a trailing dot; NULL-terminated, never NULL (empty: none). */
	gchar **mx_hosts;    /* <mpa:mx host="mxbiz1.qq.com"/>: exactly this host */
	gchar **mx_suffixes; /* <mpa:mx suffix="mail.protection.outlook.com"/>: it and any host below it */
} MpaProvider;

typedef struct _MpaDb MpaDb;

/* One problem found while loading: "file:line: problem".  A warning is something the loader does
 * not know and ignores, as Thunderbird does (an ISPDB element or attribute it does not use, an
 * element in another namespace, a domain listed twice, two files of one directory with one id):
 * the file still loads.  Everything else is an error and the file is refused. */
typedef struct {
	gchar *file;
	guint line; /* 0 when the problem concerns the whole file */
	gchar *message;
	gboolean warning;
} MpaProblem;

/* Parse one file.  Returns NULL and appends to @problems (of MpaProblem*, may be NULL) when the file
 * is invalid.  Strict: every problem found is reported, not just the first.  Only a regular file
 * of at most 1 MiB is read (a directory, FIFO or device is refused, the size checked before
 * reading), and elements nested more than 64 deep are refused (mpa-xml.h). */
MpaProvider *mpa_provider_load_file(const gchar *path, GPtrArray *problems);
/* The same on a document already in memory (@len bytes, no NUL needed), e.g. fetched over the
 * network: same checks, same problems; @origin (a file name or URL) names the document in the
 * problems and becomes the provider's file.  At most 1 MiB. */
MpaProvider *mpa_provider_load_data(const gchar *data, gsize len, const gchar *origin,
				    GPtrArray *problems);
void mpa_provider_free(MpaProvider *provider);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MpaProvider, mpa_provider_free)

MpaDb *mpa_db_new(void);
void mpa_db_free(MpaDb *db);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MpaDb, mpa_db_free)
/* Load every *.xml file of @dir.  A provider whose id is already in the database replaces it
 * (so load the installed directory first, then the user's).  Invalid files are skipped and
 * reported in @problems; a domain claimed by two different providers is a problem too.
 * A missing directory is not an error; an unreadable one is reported. */
void mpa_db_load_dir(MpaDb *db, const gchar *dir, GPtrArray *problems);
/* Add one file (same rules as load_dir). */
gboolean mpa_db_load_file(MpaDb *db, const gchar *path, GPtrArray *problems);
/* The default search path: $MPA_PROVIDERS_PATH (colon-separated) if set, else the installed
 * directory followed by $XDG_CONFIG_HOME/claws-mail-provider-assistant/providers.
 * Returns a NULL-terminated array; free with g_strfreev. */
gchar **mpa_db_default_dirs(void);
/* Convenience: new db loaded from @dirs (NULL: mpa_db_default_dirs()). */
MpaDb *mpa_db_load_default(const gchar *const *dirs, GPtrArray *problems);

guint mpa_db_size(const MpaDb *db);
/* Providers sorted by id; the array is owned by the database. */
GPtrArray *mpa_db_providers(const MpaDb *db);
const MpaProvider *mpa_db_get(const MpaDb *db, const gchar *id);
/* Look up a domain (already normalised: lower case A-label). */
const MpaProvider *mpa_db_lookup_domain(const MpaDb *db, const gchar *domain);
/* The provider whose mpa:mx patterns match the MX host name @mx_host (as DNS gives it: any case,
 * a trailing dot is ignored), or NULL when no provider file's MX pattern matches.  An exact
 * host="..." beats any suffix="...", and a longer suffix beats a shorter one. */
const MpaProvider *mpa_db_lookup_mx(const MpaDb *db, const gchar *mx_host);
/* Look up an address as a user types it: "  Zhang <ZhangSan@Sohu.COM> ".  Sets
 * MPA_PROVIDER_ERROR_ADDRESS for a text that is not an address, MPA_PROVIDER_ERROR_UNKNOWN when
 * the domain is not known.  @normalized (may be NULL) receives "zhangsan@sohu.com"-style output
 * (local part kept as typed, domain lower case A-label). */
const MpaProvider *mpa_db_lookup_address(const MpaDb *db, const gchar *text, gchar **normalized,
					 GError **error);

/* Address parsing: strips spaces and "Name <...>", validates, lower-cases and IDN-encodes the
 * domain.  Returns FALSE with MPA_PROVIDER_ERROR_ADDRESS and a message that says what is wrong. */
gboolean mpa_address_parse(const gchar *text, gchar **local_part, gchar **domain, GError **error);

/* Expand %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN% in @tmpl for @address. */
gchar *mpa_expand_username(const gchar *tmpl, const gchar *address);
/* A server's host for @address (normalized, as mpa_db_lookup_address gives it): ISPDB lets a host
 * name depend on the address ("imap.%EMAILDOMAIN%"); the placeholders are expanded as in
 * mpa_expand_username (the loader allows only %EMAILDOMAIN% in a host name, so the result is a
 * host name for any parsed address).  Lower case; newly allocated. */
gchar *mpa_expand_host(const gchar *tmpl, const gchar *address);

/* Localized text for the current locale (mpa_lang_process_variants(): $LANGUAGE, $LC_ALL...),
 * falling back to "en", then any. */
const gchar *mpa_text_get(const MpaText *text);
/* Localized text for a given language or locale ("zh_CN", "zh", "zh_CN.UTF-8"...: the rule of
 * mpa-lang.h), with the same fallbacks. */
const gchar *mpa_text_get_lang(const MpaText *text, const gchar *lang);
/* Name to show: localized mpa:name, else displayName. */
const gchar *mpa_provider_name(const MpaProvider *provider);
const MpaCauseFix *mpa_provider_cause(const MpaProvider *provider, const gchar *cause);
const MpaLink *mpa_provider_link(const MpaProvider *provider, const gchar *id);

const gchar *mpa_security_name(MpaSecurity security);              /* "ssl", "starttls", "plain" */
const gchar *mpa_protocol_name(MpaProtocol protocol);              /* "imap", "smtp" */
const gchar *mpa_stage_name(MpaStage stage);                       /* "connect", "tls", ... */
const gchar *mpa_auth_method_name(MpaAuthMethod method);           /* "automatic", "login", "plain", "oauth2" */
const gchar *mpa_oauth2_provider_name(MpaOAuth2Provider provider); /* "none", "google", "outlook", ... */
/* OAuth2 is an option beside a password: the file names an oauth2-provider, a server offers
 * OAuth2, and the method set by default is a password one (Gmail, Yahoo; not Outlook). */
gboolean mpa_provider_oauth2_optional(const MpaProvider *provider);
gboolean mpa_stage_from_name(const gchar *name, MpaStage *stage);
gboolean mpa_protocol_from_name(const gchar *name, MpaProtocol *protocol);

void mpa_problem_free(MpaProblem *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MpaProblem, mpa_problem_free)
/* "file:line: message", for a warning "file:line: warning: message" */
gchar *mpa_problem_to_string(const MpaProblem *problem);

G_END_DECLS

#endif
