/*
 * pki.c -- create or load the cluster CA and the API serving certificate
 * (see pki.h).  Files are written with mode 0600 through a temporary name
 * and rename, so a crash never leaves half a key behind.
 */
#include "pki/pki.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"

#define PKI_DAYS 3650

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    sbuf sb;
    char buf[4096];
    size_t n;

    if (!f)
        return NULL;
    sbuf_init(&sb);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sbuf_append(&sb, buf, n);
    fclose(f);
    return sbuf_detach(&sb, NULL);
}

static int write_file(const char *path, const char *data)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int rc = 0;

    if (!f) {
        free(tmp);
        return EN_IO;
    }
    fchmod(fileno(f), 0600);
    if (fputs(data, f) < 0)
        rc = EN_IO;
    if (fclose(f) != 0 || rc || rename(tmp, path) != 0)
        rc = EN_IO;
    free(tmp);
    return rc;
}

static char *pem_of_key(EVP_PKEY *k)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data, *out;
    long n;
    PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
    n = BIO_get_mem_data(b, &data);
    out = xstrndup(data, (size_t)n);
    BIO_free(b);
    return out;
}

static char *pem_of_cert(X509 *c)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data, *out;
    long n;
    PEM_write_bio_X509(b, c);
    n = BIO_get_mem_data(b, &data);
    out = xstrndup(data, (size_t)n);
    BIO_free(b);
    return out;
}

static EVP_PKEY *key_of_pem(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    return k;
}

static X509 *cert_of_pem(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    X509 *c = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    return c;
}

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ex;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ex) {
        X509_add_ext(cert, ex, -1);
        X509_EXTENSION_free(ex);
    }
}

/* Issue a certificate for key, signed by ca_key (self-signed when ca is NULL). */
static X509 *issue(EVP_PKEY *key, const char *cn, X509 *ca, EVP_PKEY *ca_key, const char *sans)
{
    X509 *c = X509_new();
    unsigned char serial[16];
    BIGNUM *bn;
    X509_NAME *name;

    X509_set_version(c, 2);
    if (RAND_bytes(serial, sizeof serial) != 1)
        en_fatal("no randomness for a certificate serial");
    serial[0] &= 0x7f; /* positive */
    bn = BN_bin2bn(serial, sizeof serial, NULL);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(c), -3600);
    X509_gmtime_adj(X509_getm_notAfter(c), (long)PKI_DAYS * 24 * 3600);
    X509_set_pubkey(c, key);
    name = X509_get_subject_name(c);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"everynode", -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(c, ca ? X509_get_subject_name(ca) : name);
    if (!ca) {
        add_ext(c, c, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(c, c, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
        add_ext(c, c, NID_subject_key_identifier, "hash");
    } else {
        add_ext(c, ca, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(c, ca, NID_key_usage, "critical,digitalSignature,keyEncipherment");
        add_ext(c, ca, NID_ext_key_usage, "serverAuth");
        add_ext(c, ca, NID_subject_alt_name, sans);
    }
    if (!X509_sign(c, ca_key, EVP_sha256())) {
        X509_free(c);
        return NULL;
    }
    return c;
}

static char *sans_of(const char *const *hosts, size_t n)
{
    sbuf sb;
    unsigned char buf[16];
    sbuf_init(&sb);
    sbuf_puts(&sb, "DNS:localhost,IP:127.0.0.1");
    for (size_t i = 0; i < n; i++) {
        if (!hosts[i] || !*hosts[i] || !strcmp(hosts[i], "127.0.0.1") ||
            !strcmp(hosts[i], "localhost") || !strcmp(hosts[i], "0.0.0.0"))
            continue;
        bool ip = inet_pton(AF_INET, hosts[i], buf) == 1 || inet_pton(AF_INET6, hosts[i], buf) == 1;
        sbuf_printf(&sb, ",%s:%s", ip ? "IP" : "DNS", hosts[i]);
    }
    return sbuf_detach(&sb, NULL);
}

/* Does cert cover every host? */
static bool covers(X509 *cert, const char *const *hosts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *h = hosts[i];
        unsigned char buf[16];
        if (!h || !*h || !strcmp(h, "0.0.0.0"))
            continue;
        if (inet_pton(AF_INET, h, buf) == 1 || inet_pton(AF_INET6, h, buf) == 1) {
            if (X509_check_ip_asc(cert, h, 0) != 1)
                return false;
        } else if (X509_check_host(cert, h, 0, 0, NULL) != 1) {
            return false;
        }
    }
    return true;
}

int pki_ensure(const char *dir, const char *const *hosts, size_t n, pki_bundle *out)
{
    char *tdir = xasprintf("%s/tls", dir);
    char *ca_crt = xasprintf("%s/ca.crt", tdir), *ca_key = xasprintf("%s/ca.key", tdir);
    char *srv_crt = xasprintf("%s/server.crt", tdir), *srv_key = xasprintf("%s/server.key", tdir);
    char *ca_pem = NULL, *cak_pem = NULL, *crt_pem = NULL, *key_pem = NULL, *sans = NULL;
    EVP_PKEY *cakey = NULL, *key = NULL;
    X509 *ca = NULL, *crt = NULL;
    int rc = EN_IO;

    memset(out, 0, sizeof *out);
    if (mkdir(tdir, 0700) && errno != EEXIST)
        goto out;
    ca_pem = read_file(ca_crt);
    cak_pem = read_file(ca_key);
    if (ca_pem && cak_pem) {
        ca = cert_of_pem(ca_pem);
        cakey = key_of_pem(cak_pem);
    }
    if (!ca || !cakey) {
        X509_free(ca);
        EVP_PKEY_free(cakey);
        free(ca_pem);
        free(cak_pem);
        cakey = EVP_EC_gen("P-256");
        ca = cakey ? issue(cakey, "everynode-ca", NULL, cakey, NULL) : NULL;
        if (!ca)
            goto out;
        ca_pem = pem_of_cert(ca);
        cak_pem = pem_of_key(cakey);
        if (write_file(ca_key, cak_pem) || write_file(ca_crt, ca_pem))
            goto out;
        unlink(srv_crt); /* a new CA invalidates the old serving certificate */
    }
    crt_pem = read_file(srv_crt);
    key_pem = read_file(srv_key);
    if (crt_pem && key_pem) {
        crt = cert_of_pem(crt_pem);
        key = key_of_pem(key_pem);
    }
    if (!crt || !key || !covers(crt, hosts, n)) {
        X509_free(crt);
        EVP_PKEY_free(key);
        free(crt_pem);
        free(key_pem);
        crt_pem = key_pem = NULL;
        sans = sans_of(hosts, n);
        key = EVP_EC_gen("P-256");
        crt = key ? issue(key, "everynode-apiserver", ca, cakey, sans) : NULL;
        if (!crt)
            goto out;
        crt_pem = pem_of_cert(crt);
        key_pem = pem_of_key(key);
        if (write_file(srv_key, key_pem) || write_file(srv_crt, crt_pem))
            goto out;
    }
    out->ca_pem = ca_pem;
    out->cert_pem = crt_pem;
    out->key_pem = key_pem;
    ca_pem = crt_pem = key_pem = NULL;
    rc = 0;
out:
    X509_free(ca);
    X509_free(crt);
    EVP_PKEY_free(cakey);
    EVP_PKEY_free(key);
    free(ca_pem);
    free(cak_pem);
    free(crt_pem);
    free(key_pem);
    free(sans);
    free(tdir);
    free(ca_crt);
    free(ca_key);
    free(srv_crt);
    free(srv_key);
    return rc;
}

void pki_release(pki_bundle *b)
{
    if (!b)
        return;
    free(b->ca_pem);
    free(b->cert_pem);
    free(b->key_pem);
    memset(b, 0, sizeof *b);
}

char *pki_base64(const char *s)
{
    size_t n = strlen(s);
    char *out = xmalloc(4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
    return out;
}
