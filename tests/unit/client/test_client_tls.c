/*
 * test_client_tls.c -- the API client over TLS against a real HTTPS server
 * (libmicrohttpd with certificates from pki_ensure): the server is verified
 * against the CA the client was given and nothing else (another CA, no CA,
 * an address the certificate does not name all fail; insecure skips the
 * check), a client certificate and key reach the server, and the memory
 * files that hold them for libcurl are closed with the client.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "core/core.h"
#include "pki/pki.h"

typedef struct fixture {
    char dir[64];        /* temp dir: a/ and b/ hold two unrelated PKIs */
    pki_bundle a, b;     /* a: the server's; b: someone else's */
    struct MHD_Daemon *d;
    int port;
} fixture;

/* Answer every request with {"peer": CN of the client certificate or ""}. */
static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_len, void **ctx)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    char cn[128] = "", body[256];
    size_t cn_len = sizeof cn - 1;
    unsigned n = 0;
    const gnutls_datum_t *peers = ci ? gnutls_certificate_get_peers(ci->tls_session, &n) : NULL;
    struct MHD_Response *r;
    enum MHD_Result ret;

    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)upload;
    (void)upload_len;
    (void)ctx;
    if (peers && n > 0) {
        gnutls_x509_crt_t crt;
        gnutls_x509_crt_init(&crt);
        if (gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER) == 0)
            gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cn_len);
        gnutls_x509_crt_deinit(crt);
    }
    snprintf(body, sizeof body, "{\"peer\":\"%s\"}", cn);
    r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
    ret = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* An HTTPS server on addr with a's serving certificate; trust (may be NULL)
 * makes it ask for client certificates issued by that CA. */
static void start_server(fixture *f, const char *addr, const char *trust)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};

    inet_pton(AF_INET, addr, &sa.sin_addr);
    f->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS | MHD_USE_ERROR_LOG, 0,
                            NULL, NULL, handler, NULL, MHD_OPTION_SOCK_ADDR, &sa,
                            MHD_OPTION_HTTPS_MEM_CERT, f->a.cert_pem, MHD_OPTION_HTTPS_MEM_KEY,
                            f->a.key_pem, trust ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END,
                            trust, MHD_OPTION_END);
    assert_non_null(f->d);
    f->port = MHD_get_daemon_info(f->d, MHD_DAEMON_INFO_BIND_PORT)->port;
}

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof *f);
    const char *hosts[] = {"127.0.0.1"};
    char *sub;

    snprintf(f->dir, sizeof f->dir, "/tmp/en-client-tls-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    sub = xasprintf("%s/a", f->dir);
    assert_int_equal(fs_mkdir_p(sub, 0700), 0);
    assert_int_equal(pki_ensure(sub, hosts, 1, &f->a), 0);
    free(sub);
    sub = xasprintf("%s/b", f->dir);
    assert_int_equal(fs_mkdir_p(sub, 0700), 0);
    assert_int_equal(pki_ensure(sub, hosts, 1, &f->b), 0);
    free(sub);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char *cmd = xasprintf("rm -rf '%s'", f->dir);

    if (f->d)
        MHD_stop_daemon(f->d);
    pki_release(&f->a);
    pki_release(&f->b);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(f);
    return 0;
}

/* GET / with a client for url and the given credentials; the peer CN the
 * server saw into peer (when not NULL and the request went through). */
static int get(const char *url, const char *ca, const char *cert, const char *key, bool insecure,
               char *peer, size_t peer_len, char **error)
{
    client_config cfg;
    client *c = NULL;
    client_resp r = {0};
    int rc;

    client_config_init(&cfg);
    cfg.server = (char *)url;
    cfg.ca_pem = (char *)ca;
    cfg.cert_pem = (char *)cert;
    cfg.key_pem = (char *)key;
    cfg.insecure = insecure;
    cfg.connect_timeout_ms = 5000;
    cfg.timeout_ms = 10000;
    assert_int_equal(client_new(&cfg, &c), 0);
    rc = client_request(c, "GET", "/", NULL, NULL, 0, &r);
    if (rc == 0 && peer)
        snprintf(peer, peer_len, "%s", json_path_str(r.body, "peer"));
    if (error)
        *error = xstrdup(client_resp_message(&r));
    client_resp_release(&r);
    client_free(c);
    return rc;
}

static void test_verifies_server(void **state)
{
    fixture *f = *state;
    char *url, *url_name, *err = NULL;

    start_server(f, "127.0.0.1", NULL);
    url = xasprintf("https://127.0.0.1:%d", f->port);
    url_name = xasprintf("https://localhost:%d", f->port);
    /* The server's own CA: by address and by name (both in its SANs). */
    assert_int_equal(get(url, f->a.ca_pem, NULL, NULL, false, NULL, 0, NULL), 0);
    assert_int_equal(get(url_name, f->a.ca_pem, NULL, NULL, false, NULL, 0, NULL), 0);
    /* Another CA, or the system's CAs only: refused. */
    assert_int_equal(get(url, f->b.ca_pem, NULL, NULL, false, NULL, 0, &err), EN_IO);
    assert_non_null(err);
    free(err);
    assert_int_equal(get(url, NULL, NULL, NULL, false, NULL, 0, NULL), EN_IO);
    /* Unless told not to check. */
    assert_int_equal(get(url, NULL, NULL, NULL, true, NULL, 0, NULL), 0);
    assert_int_equal(get(url, f->b.ca_pem, NULL, NULL, true, NULL, 0, NULL), 0);
    free(url);
    free(url_name);
}

static void test_checks_name(void **state)
{
    fixture *f = *state;
    char *url;

    /* 127.0.0.2 is not in the certificate (localhost and 127.0.0.1 are). */
    start_server(f, "127.0.0.2", NULL);
    url = xasprintf("https://127.0.0.2:%d", f->port);
    assert_int_equal(get(url, f->a.ca_pem, NULL, NULL, false, NULL, 0, NULL), EN_IO);
    assert_int_equal(get(url, f->a.ca_pem, NULL, NULL, true, NULL, 0, NULL), 0);
    free(url);
}

static void test_client_certificate(void **state)
{
    fixture *f = *state;
    char *url, peer[128] = "?";

    /* The server asks for certificates from CA b; b's serving pair is the
     * client's identity here. */
    start_server(f, "127.0.0.1", f->b.ca_pem);
    url = xasprintf("https://127.0.0.1:%d", f->port);
    assert_int_equal(get(url, f->a.ca_pem, f->b.cert_pem, f->b.key_pem, false, peer, sizeof peer,
                         NULL),
                     0);
    assert_string_equal(peer, "everynode-apiserver");
    /* Without one the server sees none. */
    assert_int_equal(get(url, f->a.ca_pem, NULL, NULL, false, peer, sizeof peer, NULL), 0);
    assert_string_equal(peer, "");
    free(url);
}

/* Descriptors open in this process. */
static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_no_fd_left(void **state)
{
    fixture *f = *state;
    char *url;
    int before;

    start_server(f, "127.0.0.1", NULL);
    url = xasprintf("https://127.0.0.1:%d", f->port);
    assert_int_equal(get(url, f->a.ca_pem, f->b.cert_pem, f->b.key_pem, false, NULL, 0, NULL), 0);
    before = count_fds();
    for (int i = 0; i < 5; i++)
        assert_int_equal(get(url, f->a.ca_pem, f->b.cert_pem, f->b.key_pem, false, NULL, 0, NULL),
                         0);
    assert_int_equal(count_fds(), before);
    free(url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_verifies_server, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checks_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_certificate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_fd_left, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
