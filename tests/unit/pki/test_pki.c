/*
 * test_pki.c -- the cluster CA and serving certificates of pki.c, read back
 * with GnuTLS' parser: every field kubectl relies on (subject, SANs, key
 * usages, basic constraints, validity, key type, signature, the chain), the
 * files and their modes, reuse across calls, a new serving certificate when
 * a host is added, and files written by the OpenSSL version of pki.c
 * (data/: a CA and serving pair that version made) kept and built upon.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
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
#include "../tu_tmpdir.h"
#include "pki/pki.h"

#define N(a) (sizeof(a) / sizeof *(a))

typedef tu_tmpdir fixture;

static char *slurp(const char *path)
{
    char *text;

    if (fs_read_file(path, 1 << 20, &text, NULL))
        fail_msg("cannot open %s", path);
    return text;
}

static char *tls_file(fixture *f, const char *name)
{
    char *path = xasprintf("%s/tls/%s", f->dir, name);
    char *s = slurp(path);

    free(path);
    return s;
}

/* Copy data/<name> (beside this source) to dir/tls/<name>. */
static void install_data(fixture *f, const char *name)
{
    const char *slash = strrchr(__FILE__, '/');
    int dlen = slash ? (int)(slash - __FILE__) : 0;
    char *src = xasprintf("%.*s%sdata/%s", dlen, __FILE__, slash ? "/" : "", name);
    char *dst = xasprintf("%s/tls/%s", f->dir, name);
    char *s = slurp(src);
    FILE *fp = fopen(dst, "w");

    assert_non_null(fp);
    assert_true(fputs(s, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
    free(s);
    free(src);
    free(dst);
}

static gnutls_x509_crt_t crt_of(const char *pem)
{
    gnutls_datum_t d = {(unsigned char *)pem, (unsigned)strlen(pem)};
    gnutls_x509_crt_t c;

    assert_int_equal(gnutls_x509_crt_init(&c), 0);
    assert_int_equal(gnutls_x509_crt_import(c, &d, GNUTLS_X509_FMT_PEM), 0);
    return c;
}

/* Subject (or issuer) DN as gnutls_x509_crt_get_dn prints it: the RDNs in
 * the certificate's order, so "O=...,CN=..." means O comes first. */
static void expect_dn(gnutls_x509_crt_t c, bool issuer, const char *want)
{
    char buf[256];
    size_t len = sizeof buf;

    if (issuer)
        assert_int_equal(gnutls_x509_crt_get_issuer_dn(c, buf, &len), 0);
    else
        assert_int_equal(gnutls_x509_crt_get_dn(c, buf, &len), 0);
    assert_string_equal(buf, want);
}

/* Key usage bits and whether the extension is critical. */
static void expect_key_usage(gnutls_x509_crt_t c, unsigned want)
{
    unsigned usage = 0, critical = 0;

    assert_int_equal(gnutls_x509_crt_get_key_usage(c, &usage, &critical), 0);
    assert_int_equal(usage, want);
    assert_int_equal(critical, 1);
}

static void expect_ca_flag(gnutls_x509_crt_t c, unsigned want_ca)
{
    unsigned critical = 0, ca = 99;
    int pathlen;

    /* Returns the CA flag too (or a negative error). */
    assert_int_equal(gnutls_x509_crt_get_basic_constraints(c, &critical, &ca, &pathlen),
                     (int)want_ca);
    assert_int_equal(critical, 1);
    assert_int_equal(ca, want_ca);
}

/* X.509 v3, ECDSA P-256 key, ecdsa-with-SHA256, positive serial, validity
 * from about an hour ago for 3650 days. */
static void expect_common(gnutls_x509_crt_t c, bool fresh)
{
    unsigned bits = 0;
    unsigned char serial[32];
    size_t serial_len = sizeof serial;
    gnutls_ecc_curve_t curve;
    gnutls_datum_t x, y;
    time_t from = gnutls_x509_crt_get_activation_time(c);
    time_t until = gnutls_x509_crt_get_expiration_time(c);

    assert_int_equal(gnutls_x509_crt_get_version(c), 3);
    assert_int_equal(gnutls_x509_crt_get_pk_algorithm(c, &bits), GNUTLS_PK_ECDSA);
    assert_int_equal(gnutls_x509_crt_get_pk_ecc_raw(c, &curve, &x, &y), 0);
    assert_int_equal(curve, GNUTLS_ECC_CURVE_SECP256R1);
    gnutls_free(x.data);
    gnutls_free(y.data);
    assert_int_equal(gnutls_x509_crt_get_signature_algorithm(c), GNUTLS_SIGN_ECDSA_SHA256);
    assert_int_equal(gnutls_x509_crt_get_serial(c, serial, &serial_len), 0);
    assert_true(serial_len >= 8 && serial_len <= 17);
    assert_int_equal(serial[0] & 0x80, 0);
    assert_int_equal(until - from, (time_t)3650 * 86400 + 3600);
    if (fresh) {
        time_t now = time(NULL);
        assert_true(from <= now - 3600 + 5 && from >= now - 3600 - 120);
    }
}

/* A coordinate right-aligned in 32 bytes at out (GnuTLS may export 33, with a
 * leading zero). */
static void put_coord(unsigned char *out, const gnutls_datum_t *d)
{
    const unsigned char *p = d->data;
    size_t n = d->size;

    while (n > 32 && *p == 0) {
        p++;
        n--;
    }
    assert_true(n <= 32);
    memcpy(out + 32 - n, p, n);
}

/* subjectKeyIdentifier as RFC 5280 4.2.1.2 (1) has it: SHA-1 of the
 * uncompressed point 04 || X || Y, read from the certificate's key. */
static void expect_ski(gnutls_x509_crt_t c)
{
    gnutls_ecc_curve_t curve;
    gnutls_datum_t x, y;
    unsigned char point[65] = {4}, want[20], got[64];
    size_t got_len = sizeof got;
    unsigned critical = 1;

    assert_int_equal(gnutls_x509_crt_get_pk_ecc_raw(c, &curve, &x, &y), 0);
    put_coord(point + 1, &x);
    put_coord(point + 33, &y);
    gnutls_free(x.data);
    gnutls_free(y.data);
    assert_int_equal(gnutls_hash_fast(GNUTLS_DIG_SHA1, point, sizeof point, want), 0);
    assert_int_equal(gnutls_x509_crt_get_subject_key_id(c, got, &got_len, &critical), 0);
    assert_int_equal(critical, 0);
    assert_int_equal(got_len, 20);
    assert_memory_equal(got, want, 20);
}

static void expect_ca(const char *pem, bool fresh)
{
    gnutls_x509_crt_t ca = crt_of(pem);
    unsigned status = 99;

    expect_common(ca, fresh);
    expect_dn(ca, false, "O=everynode,CN=everynode-ca");
    expect_dn(ca, true, "O=everynode,CN=everynode-ca");
    expect_ca_flag(ca, 1);
    expect_key_usage(ca, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN |
                             GNUTLS_KEY_DIGITAL_SIGNATURE);
    expect_ski(ca);
    assert_int_equal(gnutls_x509_crt_verify(ca, &ca, 1, 0, &status), 0);
    assert_int_equal(status, 0);
    gnutls_x509_crt_deinit(ca);
}

typedef struct san {
    int type;          /* GNUTLS_SAN_DNSNAME or GNUTLS_SAN_IPADDRESS */
    const char *value; /* name, or address in text */
} san;

/* authorityKeyIdentifier of c is ca's subjectKeyIdentifier (or, for
 * certificates the OpenSSL version wrote, absent). */
static void expect_aki(gnutls_x509_crt_t c, gnutls_x509_crt_t ca, bool fresh)
{
    unsigned char aki[64], ski[64];
    size_t aki_len = sizeof aki, ski_len = sizeof ski;
    unsigned critical = 1;
    int rc = gnutls_x509_crt_get_authority_key_id(c, aki, &aki_len, &critical);

    if (!fresh && rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return;
    assert_int_equal(rc, 0);
    assert_int_equal(critical, 0);
    assert_int_equal(gnutls_x509_crt_get_subject_key_id(ca, ski, &ski_len, NULL), 0);
    assert_int_equal(aki_len, ski_len);
    assert_memory_equal(aki, ski, ski_len);
}

/* The serving certificate: chain to ca, fields, and exactly these SANs in
 * this order. */
static void expect_serving(const char *pem, const char *ca_pem, const san *sans, size_t n,
                           bool fresh)
{
    gnutls_x509_crt_t c = crt_of(pem), ca = crt_of(ca_pem);
    unsigned status = 99, critical = 1;
    char buf[256];
    size_t len;
    size_t i;

    expect_common(c, fresh);
    expect_dn(c, false, "O=everynode,CN=everynode-apiserver");
    expect_dn(c, true, "O=everynode,CN=everynode-ca");
    assert_int_equal(gnutls_x509_crt_verify(c, &ca, 1, 0, &status), 0);
    assert_int_equal(status, 0);
    expect_ca_flag(c, 0);
    expect_aki(c, ca, fresh);
    expect_key_usage(c, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT);
    /* extendedKeyUsage: serverAuth only, not critical. */
    len = sizeof buf;
    assert_int_equal(gnutls_x509_crt_get_key_purpose_oid(c, 0, buf, &len, &critical), 0);
    assert_string_equal(buf, GNUTLS_KP_TLS_WWW_SERVER);
    assert_int_equal(critical, 0);
    len = sizeof buf;
    assert_int_equal(gnutls_x509_crt_get_key_purpose_oid(c, 1, buf, &len, NULL),
                     GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE);
    for (i = 0;; i++) {
        unsigned char want_ip[16];
        int type;
        len = sizeof buf;
        type = gnutls_x509_crt_get_subject_alt_name(c, (unsigned)i, buf, &len, &critical);
        if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
            break;
        if (i >= n)
            fail_msg("extra SAN %u", (unsigned)i);
        assert_int_equal(type, sans[i].type);
        assert_int_equal(critical, 0);
        if (type == GNUTLS_SAN_DNSNAME) {
            assert_int_equal(len, strlen(sans[i].value));
            assert_memory_equal(buf, sans[i].value, len);
        } else if (inet_pton(AF_INET, sans[i].value, want_ip) == 1) {
            assert_int_equal(len, 4);
            assert_memory_equal(buf, want_ip, 4);
        } else {
            assert_int_equal(inet_pton(AF_INET6, sans[i].value, want_ip), 1);
            assert_int_equal(len, 16);
            assert_memory_equal(buf, want_ip, 16);
        }
    }
    assert_int_equal(i, n);
    gnutls_x509_crt_deinit(c);
    gnutls_x509_crt_deinit(ca);
}

/* key_pem is the private key of cert_pem's public key. */
static void expect_pair(const char *cert_pem, const char *key_pem)
{
    gnutls_x509_crt_t c = crt_of(cert_pem);
    gnutls_x509_privkey_t k;
    gnutls_datum_t d = {(unsigned char *)key_pem, (unsigned)strlen(key_pem)};
    unsigned char a[64], b[64];
    size_t alen = sizeof a, blen = sizeof b;

    assert_int_equal(gnutls_x509_privkey_init(&k), 0);
    assert_int_equal(gnutls_x509_privkey_import2(k, &d, GNUTLS_X509_FMT_PEM, NULL, 0), 0);
    assert_int_equal(gnutls_x509_privkey_get_pk_algorithm(k), GNUTLS_PK_ECDSA);
    assert_int_equal(gnutls_x509_crt_get_key_id(c, 0, a, &alen), 0);
    assert_int_equal(gnutls_x509_privkey_get_key_id(k, 0, b, &blen), 0);
    assert_int_equal(alen, blen);
    assert_memory_equal(a, b, alen);
    gnutls_x509_privkey_deinit(k);
    gnutls_x509_crt_deinit(c);
}

/* The bundle is what the four files hold; each file is 0600. */
static void expect_files(fixture *f, const pki_bundle *b)
{
    static const char *const names[] = {"ca.crt", "ca.key", "server.crt", "server.key"};
    char *s;
    struct stat sb;

    for (size_t i = 0; i < N(names); i++) {
        char *path = xasprintf("%s/tls/%s", f->dir, names[i]);
        assert_int_equal(stat(path, &sb), 0);
        assert_int_equal(sb.st_mode & 0777, 0600);
        free(path);
    }
    s = tls_file(f, "ca.crt");
    assert_string_equal(s, b->ca_pem);
    free(s);
    s = tls_file(f, "server.crt");
    assert_string_equal(s, b->cert_pem);
    free(s);
    s = tls_file(f, "server.key");
    assert_string_equal(s, b->key_pem);
    assert_non_null(strstr(s, "-----BEGIN PRIVATE KEY-----\n")); /* PKCS#8 */
    free(s);
    s = tls_file(f, "ca.key");
    expect_pair(b->ca_pem, s);
    free(s);
    expect_pair(b->cert_pem, b->key_pem);
}

static void test_creates(void **state)
{
    fixture *f = *state;
    const char *hosts[] = {"127.0.0.1", "", NULL, "0.0.0.0", "10.1.2.3", "node-a.example",
                           "fd00::7", "localhost"};
    const san want[] = {{GNUTLS_SAN_DNSNAME, "localhost"},   {GNUTLS_SAN_IPADDRESS, "127.0.0.1"},
                        {GNUTLS_SAN_IPADDRESS, "10.1.2.3"},  {GNUTLS_SAN_DNSNAME, "node-a.example"},
                        {GNUTLS_SAN_IPADDRESS, "fd00::7"}};
    pki_bundle b;
    char *tdir = xasprintf("%s/tls", f->dir);
    struct stat sb;

    assert_int_equal(pki_ensure(f->dir, hosts, N(hosts), &b), 0);
    assert_int_equal(stat(tdir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    expect_ca(b.ca_pem, true);
    expect_serving(b.cert_pem, b.ca_pem, want, N(want), true);
    expect_files(f, &b);
    pki_release(&b);
    pki_release(&b); /* released twice: a no-op */
    pki_release(NULL);
    free(tdir);
}

static void test_reuses_and_extends(void **state)
{
    fixture *f = *state;
    const char *hosts[] = {"127.0.0.1"};
    const char *more[] = {"127.0.0.1", "192.168.7.9"};
    const san want[] = {{GNUTLS_SAN_DNSNAME, "localhost"},
                        {GNUTLS_SAN_IPADDRESS, "127.0.0.1"},
                        {GNUTLS_SAN_IPADDRESS, "192.168.7.9"}};
    pki_bundle a, b, c;

    assert_int_equal(pki_ensure(f->dir, hosts, N(hosts), &a), 0);
    /* Same hosts (or fewer): everything kept as it was. */
    assert_int_equal(pki_ensure(f->dir, hosts, N(hosts), &b), 0);
    assert_string_equal(a.ca_pem, b.ca_pem);
    assert_string_equal(a.cert_pem, b.cert_pem);
    assert_string_equal(a.key_pem, b.key_pem);
    pki_release(&b);
    assert_int_equal(pki_ensure(f->dir, NULL, 0, &b), 0);
    assert_string_equal(a.cert_pem, b.cert_pem);
    /* A host the certificate lacks: a new serving pair from the same CA. */
    assert_int_equal(pki_ensure(f->dir, more, N(more), &c), 0);
    assert_string_equal(a.ca_pem, c.ca_pem);
    assert_string_not_equal(a.cert_pem, c.cert_pem);
    assert_string_not_equal(a.key_pem, c.key_pem);
    expect_serving(c.cert_pem, c.ca_pem, want, N(want), true);
    expect_files(f, &c);
    pki_release(&a);
    pki_release(&b);
    pki_release(&c);
}

/* Files the OpenSSL version wrote (data/) load as they are. */
static void test_openssl_files(void **state)
{
    fixture *f = *state;
    const char *hosts[] = {"127.0.0.1", "localhost"};
    const char *more[] = {"10.77.0.11"};
    const san old[] = {{GNUTLS_SAN_DNSNAME, "localhost"}, {GNUTLS_SAN_IPADDRESS, "127.0.0.1"}};
    const san want[] = {{GNUTLS_SAN_DNSNAME, "localhost"},
                        {GNUTLS_SAN_IPADDRESS, "127.0.0.1"},
                        {GNUTLS_SAN_IPADDRESS, "10.77.0.11"}};
    pki_bundle a, b;
    char *ca, *ca_key, *crt, *key, *path = xasprintf("%s/tls", f->dir);

    assert_int_equal(mkdir(path, 0700), 0);
    free(path);
    install_data(f, "ca.crt");
    install_data(f, "ca.key");
    install_data(f, "server.crt");
    install_data(f, "server.key");
    ca = tls_file(f, "ca.crt");
    ca_key = tls_file(f, "ca.key");
    crt = tls_file(f, "server.crt");
    key = tls_file(f, "server.key");
    /* The OpenSSL version's certificates have the fields this one writes. */
    expect_ca(ca, false);
    expect_serving(crt, ca, old, N(old), false);
    assert_int_equal(pki_ensure(f->dir, hosts, N(hosts), &a), 0);
    assert_string_equal(a.ca_pem, ca);
    assert_string_equal(a.cert_pem, crt);
    assert_string_equal(a.key_pem, key);
    /* A new host: its CA (and CA key, read back by GnuTLS) signs a new one. */
    assert_int_equal(pki_ensure(f->dir, more, N(more), &b), 0);
    assert_string_equal(b.ca_pem, ca);
    expect_serving(b.cert_pem, ca, want, N(want), true);
    free(ca_key);
    ca_key = tls_file(f, "ca.key");
    expect_pair(ca, ca_key); /* unchanged key file */
    pki_release(&a);
    pki_release(&b);
    free(ca);
    free(ca_key);
    free(crt);
    free(key);
}

/* A damaged CA key: a new CA, and a serving certificate from it. */
static void test_damaged_files(void **state)
{
    fixture *f = *state;
    const char *hosts[] = {"127.0.0.1"};
    const san want[] = {{GNUTLS_SAN_DNSNAME, "localhost"}, {GNUTLS_SAN_IPADDRESS, "127.0.0.1"}};
    pki_bundle a, b;
    char *path = xasprintf("%s/tls/ca.key", f->dir);
    FILE *fp;

    assert_int_equal(pki_ensure(f->dir, hosts, N(hosts), &a), 0);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n", fp);
    fclose(fp);
    assert_int_equal(pki_ensure(f->dir, hosts, N(hosts), &b), 0);
    assert_string_not_equal(a.ca_pem, b.ca_pem);
    assert_string_not_equal(a.cert_pem, b.cert_pem);
    expect_ca(b.ca_pem, true);
    expect_serving(b.cert_pem, b.ca_pem, want, N(want), true);
    expect_files(f, &b);
    pki_release(&a);
    pki_release(&b);
    free(path);
}

static void test_no_directory(void **state)
{
    fixture *f = *state;
    char *missing = xasprintf("%s/not/there", f->dir);
    pki_bundle b = {(char *)"x", (char *)"y", (char *)"z"};

    assert_int_equal(pki_ensure(missing, NULL, 0, &b), EN_IO);
    assert_null(b.ca_pem);
    assert_null(b.cert_pem);
    assert_null(b.key_pem);
    free(missing);
}

static void test_base64(void **state)
{
    char *s = pki_base64("-----BEGIN CERTIFICATE-----\n");

    (void)state;
    assert_string_equal(s, "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==");
    free(s);
    s = pki_base64("");
    assert_string_equal(s, "");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_creates, tu_tmpdir_setup, tu_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_reuses_and_extends, tu_tmpdir_setup, tu_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_openssl_files, tu_tmpdir_setup, tu_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_damaged_files, tu_tmpdir_setup, tu_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_no_directory, tu_tmpdir_setup, tu_tmpdir_teardown),
        cmocka_unit_test(test_base64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
