/*
 * pki.c -- create or load the cluster CA and a serving certificate signed
 * by it (see pki.h), with GnuTLS' x509 API: the library libmicrohttpd and
 * libcurl already bring into the process for TLS.  Files are written with
 * mode 0600 through a temporary name and rename, so a crash never leaves
 * half a key behind.
 *
 * What the certificates carry is what stock kubectl (Go's crypto/x509)
 * wants to see, and what the OpenSSL version of this file wrote, so files
 * from either load the same way:
 *   CA:      O=everynode, CN=everynode-ca; basicConstraints critical CA:TRUE;
 *            keyUsage critical keyCertSign, cRLSign, digitalSignature;
 *            subjectKeyIdentifier (SHA-1 of the public key's bit string,
 *            RFC 5280 4.2.1.2 method 1, as OpenSSL and Go compute it).
 *   serving: O=everynode, CN=<cn>; basicConstraints critical CA:FALSE;
 *            keyUsage critical digitalSignature, keyEncipherment;
 *            extendedKeyUsage serverAuth; subjectAltName DNS:localhost,
 *            IP:127.0.0.1 and every host asked for; authorityKeyIdentifier
 *            (the CA's subjectKeyIdentifier: RFC 5280 wants it, and strict
 *            verifiers such as OpenSSL's -x509_strict refuse a chain
 *            without it; the OpenSSL version did not write one).
 * Both: X.509 v3, ECDSA P-256 keys (PKCS#8 PEM), ecdsa-with-SHA256, a random
 * positive 128-bit serial, valid from an hour ago (clock skew) for
 * PKI_DAYS.
 */
#include "pki/pki.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"

#define PKI_DAYS 3650

/* A PEM file's text, or NULL when it is missing, unreadable or far larger
 * than any certificate or key (then it is made anew). */
static char *read_pem(const char *path)
{
    char *text;

    return fs_read_file(path, 1 << 20, &text, NULL) ? NULL : text;
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

/* GnuTLS' deinit functions want a live object; ours accept NULL. */
static void crt_free(gnutls_x509_crt_t c)
{
    if (c)
        gnutls_x509_crt_deinit(c);
}

static void key_free(gnutls_x509_privkey_t k)
{
    if (k)
        gnutls_x509_privkey_deinit(k);
}

/* A GnuTLS-allocated export as our own string (NULL when rc says it failed). */
static char *string_of_datum(int rc, gnutls_datum_t *d)
{
    char *out = rc < 0 ? NULL : xstrndup((const char *)d->data, d->size);

    gnutls_free(d->data);
    return out;
}

/* PKCS#8 "PRIVATE KEY" PEM, unencrypted (as OpenSSL's PEM_write_PrivateKey
 * wrote it), or NULL.  Caller frees. */
static char *pem_of_key(gnutls_x509_privkey_t k)
{
    gnutls_datum_t d = {NULL, 0};
    int rc = gnutls_x509_privkey_export2_pkcs8(k, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &d);

    return string_of_datum(rc, &d);
}

static char *pem_of_cert(gnutls_x509_crt_t c)
{
    gnutls_datum_t d = {NULL, 0};
    int rc = gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_PEM, &d);

    return string_of_datum(rc, &d);
}

/* The key in pem (PKCS#8 or SEC1 "EC PRIVATE KEY"), or NULL when it is not
 * one.  Caller frees with key_free. */
static gnutls_x509_privkey_t key_of_pem(const char *pem)
{
    gnutls_datum_t d = {(unsigned char *)pem, (unsigned)strlen(pem)};
    gnutls_x509_privkey_t k;

    if (gnutls_x509_privkey_init(&k) < 0)
        en_fatal("pki: gnutls_x509_privkey_init failed");
    if (gnutls_x509_privkey_import2(k, &d, GNUTLS_X509_FMT_PEM, NULL, 0) < 0) {
        gnutls_x509_privkey_deinit(k);
        return NULL;
    }
    return k;
}

static gnutls_x509_crt_t cert_of_pem(const char *pem)
{
    gnutls_datum_t d = {(unsigned char *)pem, (unsigned)strlen(pem)};
    gnutls_x509_crt_t c;

    if (gnutls_x509_crt_init(&c) < 0)
        en_fatal("pki: gnutls_x509_crt_init failed");
    if (gnutls_x509_crt_import(c, &d, GNUTLS_X509_FMT_PEM) < 0) {
        gnutls_x509_crt_deinit(c);
        return NULL;
    }
    return c;
}

/* A new ECDSA P-256 key, or NULL. */
static gnutls_x509_privkey_t new_key(void)
{
    gnutls_x509_privkey_t k;

    if (gnutls_x509_privkey_init(&k) < 0)
        en_fatal("pki: gnutls_x509_privkey_init failed");
    if (gnutls_x509_privkey_generate(k, GNUTLS_PK_ECDSA,
                                     GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0) {
        gnutls_x509_privkey_deinit(k);
        return NULL;
    }
    return k;
}

/* The address in h as 4 or 16 bytes into buf, returning the length; 0 when
 * h is a name. */
static size_t ip_of(const char *h, unsigned char buf[16])
{
    if (inet_pton(AF_INET, h, buf) == 1)
        return 4;
    if (inet_pton(AF_INET6, h, buf) == 1)
        return 16;
    return 0;
}

/* subjectAltName: DNS:localhost, IP:127.0.0.1, then each host (addresses as
 * IP entries, anything else as DNS); empty and wildcard hosts are left out. */
static int add_sans(gnutls_x509_crt_t c, const char *const *hosts, size_t n)
{
    static const unsigned char loopback[4] = {127, 0, 0, 1};
    unsigned char ip[16];
    int rc;

    rc = gnutls_x509_crt_set_subject_alt_name(c, GNUTLS_SAN_DNSNAME, "localhost", 9,
                                              GNUTLS_FSAN_APPEND);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_subject_alt_name(c, GNUTLS_SAN_IPADDRESS, loopback, 4,
                                                  GNUTLS_FSAN_APPEND);
    for (size_t i = 0; i < n && rc >= 0; i++) {
        const char *h = hosts[i];
        size_t len;
        if (!h || !*h || !strcmp(h, "127.0.0.1") || !strcmp(h, "localhost") ||
            !strcmp(h, "0.0.0.0"))
            continue;
        len = ip_of(h, ip);
        if (len)
            rc = gnutls_x509_crt_set_subject_alt_name(c, GNUTLS_SAN_IPADDRESS, ip, (unsigned)len,
                                                      GNUTLS_FSAN_APPEND);
        else
            rc = gnutls_x509_crt_set_subject_alt_name(c, GNUTLS_SAN_DNSNAME, h,
                                                      (unsigned)strlen(h), GNUTLS_FSAN_APPEND);
    }
    return rc;
}

/* A coordinate of a P-256 point (as GnuTLS exports it: big-endian, perhaps
 * with a leading zero byte, perhaps shorter) as exactly 32 bytes into out. */
static bool coord32(const gnutls_datum_t *d, unsigned char out[32])
{
    const unsigned char *p = d->data;
    size_t n = d->size;

    while (n > 0 && *p == 0) {
        p++;
        n--;
    }
    if (n > 32)
        return false;
    memset(out, 0, 32 - n);
    memcpy(out + 32 - n, p, n);
    return true;
}

/* subjectKeyIdentifier: SHA-1 of the subjectPublicKey bit string, which for
 * P-256 is the uncompressed point 04 || X || Y.  (GnuTLS' own key id hashes
 * the whole SubjectPublicKeyInfo; OpenSSL's "hash" and Go use this.) */
static int set_key_id(gnutls_x509_crt_t c, gnutls_x509_privkey_t key)
{
    gnutls_datum_t x = {NULL, 0}, y = {NULL, 0};
    gnutls_ecc_curve_t curve;
    unsigned char point[65], id[20];
    int rc = gnutls_x509_privkey_export_ecc_raw(key, &curve, &x, &y, NULL);

    if (rc >= 0 && (curve != GNUTLS_ECC_CURVE_SECP256R1 || !coord32(&x, point + 1) ||
                    !coord32(&y, point + 33)))
        rc = GNUTLS_E_INVALID_REQUEST;
    point[0] = 0x04;
    if (rc >= 0)
        rc = gnutls_hash_fast(GNUTLS_DIG_SHA1, point, sizeof point, id);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_subject_key_id(c, id, sizeof id);
    gnutls_free(x.data);
    gnutls_free(y.data);
    return rc;
}

/* authorityKeyIdentifier of c: ca's subjectKeyIdentifier (nothing when ca
 * has none). */
static int set_authority_key_id(gnutls_x509_crt_t c, gnutls_x509_crt_t ca)
{
    unsigned char id[64];
    size_t len = sizeof id;
    unsigned critical;
    int rc = gnutls_x509_crt_get_subject_key_id(ca, id, &len, &critical);

    if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return 0;
    return rc < 0 ? rc : gnutls_x509_crt_set_authority_key_id(c, id, len);
}

/*
 * Issue a certificate for key with common name cn: the CA (self-signed)
 * when ca is NULL, else a serving certificate for hosts signed by ca/ca_key.
 * NULL when GnuTLS refuses something.  Caller frees with crt_free.
 */
static gnutls_x509_crt_t issue(gnutls_x509_privkey_t key, const char *cn, gnutls_x509_crt_t ca,
                               gnutls_x509_privkey_t ca_key, const char *const *hosts, size_t n)
{
    gnutls_x509_crt_t c;
    unsigned char serial[16];
    time_t now = time(NULL);
    int rc;

    if (gnutls_x509_crt_init(&c) < 0)
        en_fatal("pki: gnutls_x509_crt_init failed");
    if (gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial) < 0)
        en_fatal("no randomness for a certificate serial");
    serial[0] &= 0x7f; /* positive */
    rc = gnutls_x509_crt_set_version(c, 3);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_serial(c, serial, sizeof serial);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_activation_time(c, now - 3600);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_expiration_time(c, now + (time_t)PKI_DAYS * 24 * 3600);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_key(c, key);
    /* Subject "O=everynode, CN=<cn>", in that order. */
    if (rc >= 0)
        rc = gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "everynode",
                                           9);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
                                           (unsigned)strlen(cn));
    if (!ca) {
        /* GnuTLS marks basic constraints and key usage critical. */
        if (rc >= 0)
            rc = gnutls_x509_crt_set_basic_constraints(c, 1, -1);
        if (rc >= 0)
            rc = gnutls_x509_crt_set_key_usage(c, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN |
                                                      GNUTLS_KEY_DIGITAL_SIGNATURE);
        if (rc >= 0)
            rc = set_key_id(c, key);
    } else {
        if (rc >= 0)
            rc = gnutls_x509_crt_set_basic_constraints(c, 0, -1);
        if (rc >= 0)
            rc = gnutls_x509_crt_set_key_usage(c, GNUTLS_KEY_DIGITAL_SIGNATURE |
                                                      GNUTLS_KEY_KEY_ENCIPHERMENT);
        if (rc >= 0)
            rc = gnutls_x509_crt_set_key_purpose_oid(c, GNUTLS_KP_TLS_WWW_SERVER, 0);
        if (rc >= 0)
            rc = add_sans(c, hosts, n);
        if (rc >= 0)
            rc = set_authority_key_id(c, ca);
    }
    /* Signing also sets the issuer: ca's subject, or c's own. */
    if (rc >= 0)
        rc = gnutls_x509_crt_sign2(c, ca ? ca : c, ca_key, GNUTLS_DIG_SHA256, 0);
    if (rc < 0) {
        log_error("pki", "cannot issue certificate: cn=%s err=\"%s\"", cn, gnutls_strerror(rc));
        gnutls_x509_crt_deinit(c);
        return NULL;
    }
    return c;
}

/* Does cert cover every host (IP SANs for addresses, names otherwise)? */
static bool covers(gnutls_x509_crt_t cert, const char *const *hosts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *h = hosts[i];
        unsigned char ip[16];
        size_t len;
        if (!h || !*h || !strcmp(h, "0.0.0.0"))
            continue;
        len = ip_of(h, ip);
        if (len ? !gnutls_x509_crt_check_ip(cert, ip, (unsigned)len, 0)
                : !gnutls_x509_crt_check_hostname2(cert, h, 0))
            return false;
    }
    return true;
}

int pki_ensure(const char *dir, const char *const *hosts, size_t n, pki_bundle *out)
{
    char *tdir = xasprintf("%s/tls", dir);
    char *ca_crt = xasprintf("%s/ca.crt", tdir), *ca_key = xasprintf("%s/ca.key", tdir);
    char *srv_crt = xasprintf("%s/server.crt", tdir), *srv_key = xasprintf("%s/server.key", tdir);
    char *ca_pem = NULL, *cak_pem = NULL, *crt_pem = NULL, *key_pem = NULL;
    gnutls_x509_privkey_t cakey = NULL, key = NULL;
    gnutls_x509_crt_t ca = NULL, crt = NULL;
    int rc = EN_IO;

    memset(out, 0, sizeof *out);
    if (mkdir(tdir, 0700) && errno != EEXIST)
        goto out;
    ca_pem = read_pem(ca_crt);
    cak_pem = read_pem(ca_key);
    if (ca_pem && cak_pem) {
        ca = cert_of_pem(ca_pem);
        cakey = key_of_pem(cak_pem);
    }
    if (!ca || !cakey) {
        crt_free(ca);
        key_free(cakey);
        free(ca_pem);
        free(cak_pem);
        ca_pem = cak_pem = NULL;
        cakey = new_key();
        ca = cakey ? issue(cakey, "everynode-ca", NULL, cakey, NULL, 0) : NULL;
        if (!ca)
            goto out;
        ca_pem = pem_of_cert(ca);
        cak_pem = pem_of_key(cakey);
        if (!ca_pem || !cak_pem || write_file(ca_key, cak_pem) || write_file(ca_crt, ca_pem))
            goto out;
        unlink(srv_crt); /* a new CA invalidates the old serving certificate */
    }
    crt_pem = read_pem(srv_crt);
    key_pem = read_pem(srv_key);
    if (crt_pem && key_pem) {
        crt = cert_of_pem(crt_pem);
        key = key_of_pem(key_pem);
    }
    if (!crt || !key || !covers(crt, hosts, n)) {
        crt_free(crt);
        key_free(key);
        free(crt_pem);
        free(key_pem);
        crt_pem = key_pem = NULL;
        key = new_key();
        crt = key ? issue(key, "everynode-apiserver", ca, cakey, hosts, n) : NULL;
        if (!crt)
            goto out;
        crt_pem = pem_of_cert(crt);
        key_pem = pem_of_key(key);
        if (!crt_pem || !key_pem || write_file(srv_key, key_pem) || write_file(srv_crt, crt_pem))
            goto out;
    }
    out->ca_pem = ca_pem;
    out->cert_pem = crt_pem;
    out->key_pem = key_pem;
    ca_pem = crt_pem = key_pem = NULL;
    rc = 0;
out:
    crt_free(ca);
    crt_free(crt);
    key_free(cakey);
    key_free(key);
    free(ca_pem);
    free(cak_pem);
    free(crt_pem);
    free(key_pem);
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
    return en_base64_encode(s, strlen(s));
}
