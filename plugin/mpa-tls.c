/* Provider Assistant — certificate verification with OpenSSL.
 * Copyright (C) 2026 The Provider Assistant developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "mpa-tls.h"

static gchar *name_of(X509_NAME *name)
{
	char buf[256];

	if (name == NULL)
		return g_strdup("?");
	X509_NAME_oneline(name, buf, sizeof buf);
	return g_strdup(buf);
}

/* Turn OpenSSL's verdict into our error kinds, each with its own wording, so the user (and the
 * diagnosis) can tell a self-signed certificate from an expired one or one for another host. */
static MpaNetError explain(int err, X509 *cert, const gchar *host, gchar **detail)
{
	g_autofree gchar *subject = name_of(cert ? X509_get_subject_name(cert) : NULL);
	g_autofree gchar *issuer = name_of(cert ? X509_get_issuer_name(cert) : NULL);

	switch (err) {
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		*detail = g_strdup_printf(_("the certificate is self-signed and not trusted (%s)"),
					  subject);
		return MPA_NET_CERT_UNTRUSTED;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_UNTRUSTED:
		*detail = g_strdup_printf(_("the certificate was issued by an unknown authority (%s)"),
					  issuer);
		return MPA_NET_CERT_UNTRUSTED;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		*detail = g_strdup_printf(_("the certificate has expired (%s)"), subject);
		return MPA_NET_CERT_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		*detail = g_strdup_printf(_("the certificate is not valid yet (%s)"), subject);
		return MPA_NET_CERT_EXPIRED;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		*detail = g_strdup_printf(_("the certificate is not valid for %s (%s)"), host, subject);
		return MPA_NET_CERT_HOSTNAME;
	default:
		*detail = g_strdup_printf(_("the certificate was rejected: %s"),
					  X509_verify_cert_error_string(err));
		return MPA_NET_CERT_UNTRUSTED;
	}
}

/* The trusted certificates, loaded once and shared.  Parsing the system bundle (about 140
 * certificates) costs some 30 ms of CPU here; without the cache both workers of every check paid
 * it, at the same time.  A store is only read during verification, which OpenSSL allows from
 * several threads; it is reloaded when its file changes (a CA update while Claws Mail runs). */
static GMutex trust_lock;
static X509_STORE *trust_store;
static gchar *trust_ca_file; /* NULL: the system store */
static struct stat trust_stat;

static void trust_file_stat(const gchar *ca_file, struct stat *st)
{
	const char *path = ca_file;

	if (path == NULL) {
		path = g_getenv(X509_get_default_cert_file_env());
		if (path == NULL)
			path = X509_get_default_cert_file();
	}
	if (stat(path, st) != 0)
		memset(st, 0, sizeof *st);
}

static gboolean same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
		a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* A reference to the store for @ca_file (NULL: the system's), or NULL with *detail set. */
static X509_STORE *trust_store_get(const gchar *ca_file, gchar **detail)
{
	X509_STORE *store = NULL;
	struct stat st;

	trust_file_stat(ca_file, &st);
	g_mutex_lock(&trust_lock);
	if (trust_store != NULL && g_strcmp0(trust_ca_file, ca_file) == 0 && same_file(&st, &trust_stat)) {
		X509_STORE_up_ref(trust_store);
		g_mutex_unlock(&trust_lock);
		return trust_store;
	}

	store = X509_STORE_new();
	if (ca_file != NULL && X509_STORE_load_locations(store, ca_file, NULL) != 1) {
		*detail = g_strdup_printf(_("the CA file %s could not be loaded"), ca_file);
		X509_STORE_free(store);
		store = NULL;
	} else if (ca_file == NULL && X509_STORE_set_default_paths(store) != 1) {
		*detail = g_strdup(_("the system's trusted certificates could not be loaded"));
		X509_STORE_free(store);
		store = NULL;
	} else {
		if (trust_store != NULL)
			X509_STORE_free(trust_store);
		g_free(trust_ca_file);
		trust_store = store;
		trust_ca_file = g_strdup(ca_file);
		trust_stat = st;
		X509_STORE_up_ref(store);
	}
	g_mutex_unlock(&trust_lock);
	return store;
}

MpaNetError mpa_tls_verify_chain(GPtrArray *chain, const gchar *host, const gchar *ca_file,
				 gchar **detail)
{
	X509 *leaf = NULL;
	STACK_OF(X509) *untrusted = NULL;
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509_VERIFY_PARAM *param;
	MpaNetError ret = MPA_NET_CERT_UNTRUSTED;
	int ok;

	*detail = NULL;
	if (chain == NULL || chain->len == 0) {
		*detail = g_strdup(_("the server presented no certificate"));
		return MPA_NET_CERT_UNTRUSTED;
	}

	untrusted = sk_X509_new_null();
	for (guint i = 0; i < chain->len; i++) {
		gsize len;
		const unsigned char *p = g_bytes_get_data(chain->pdata[i], &len);
		X509 *cert = d2i_X509(NULL, &p, (long)len);

		if (cert == NULL) {
			*detail = g_strdup(_("the server's certificate could not be read"));
			goto out;
		}
		if (i == 0)
			leaf = cert;
		else
			sk_X509_push(untrusted, cert);
	}

	store = trust_store_get(ca_file, detail);
	if (store == NULL)
		goto out;

	ctx = X509_STORE_CTX_new();
	X509_STORE_CTX_init(ctx, store, leaf, untrusted);
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
	if (g_hostname_is_ip_address(host)) {
		X509_VERIFY_PARAM_set1_ip_asc(param, host);
	} else {
		X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		X509_VERIFY_PARAM_set1_host(param, host, 0);
	}

	ok = X509_verify_cert(ctx);
	if (ok == 1) {
		ret = MPA_NET_NONE;
	} else {
		X509 *bad = X509_STORE_CTX_get_current_cert(ctx);

		ret = explain(X509_STORE_CTX_get_error(ctx), bad ? bad : leaf, host, detail);
	}

out:
	if (ctx != NULL)
		X509_STORE_CTX_free(ctx);
	if (store != NULL)
		X509_STORE_free(store);
	sk_X509_pop_free(untrusted, X509_free);
	if (leaf != NULL)
		X509_free(leaf);
	return ret;
}

gboolean mpa_tls_check_ca_file(const gchar *ca_file, GError **error)
{
	struct stat st;
	BIO *bio;
	STACK_OF(X509_INFO) * infos;
	guint certs = 0;

	if (stat(ca_file, &st) != 0) {
		int e = errno;

		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e),
			    _("the CA file %s cannot be used: %s"), ca_file, g_strerror(e));
		return FALSE;
	}
	if (S_ISDIR(st.st_mode)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
			    _("the CA file %s is a directory, not a PEM file"), ca_file);
		return FALSE;
	}
	if (access(ca_file, R_OK) != 0) {
		int e = errno;

		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e),
			    _("the CA file %s cannot be read: %s"), ca_file, g_strerror(e));
		return FALSE;
	}
	bio = BIO_new_file(ca_file, "r");
	if (bio == NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    _("the CA file %s cannot be read"), ca_file);
		return FALSE;
	}
	infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (infos != NULL) {
		for (int i = 0; i < sk_X509_INFO_num(infos); i++) {
			if (sk_X509_INFO_value(infos, i)->x509 != NULL)
				certs++;
		}
		sk_X509_INFO_pop_free(infos, X509_INFO_free);
	}
	if (certs == 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    _("the CA file %s holds no PEM certificate"), ca_file);
		return FALSE;
	}
	return TRUE;
}
