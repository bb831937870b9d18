/*
 * test_kubeconfig.c -- unit tests of the client's pure parts (client.h):
 * kubeconfig parsing (contexts, clusters, users, -data and file fields,
 * relative paths, token files, refusals with their messages), base64 as
 * kubeconfigs carry it, path and query building with percent-encoding, and
 * the mapping of HTTP answers to EN_* codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* The file under test, for its static base64 decoder. */
#include "../../../src/client/kubeconfig.c"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "-----BEGIN CERTIFICATE-----\nFAKE\n-----END CERTIFICATE-----\n" */
#define CA_PEM "-----BEGIN CERTIFICATE-----\nFAKE\n-----END CERTIFICATE-----\n"
#define CA_B64 "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkZBS0UKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo="

/* What everynode server writes. */
static const char server_kubeconfig[] =
    "apiVersion: v1\n"
    "kind: Config\n"
    "clusters:\n"
    "- cluster:\n"
    "    certificate-authority-data: " CA_B64 "\n"
    "    server: https://127.0.0.1:6443\n"
    "  name: everynode\n"
    "contexts:\n"
    "- context:\n"
    "    cluster: everynode\n"
    "    user: everynode-admin\n"
    "  name: everynode\n"
    "current-context: everynode\n"
    "preferences: {}\n"
    "users:\n"
    "- name: everynode-admin\n"
    "  user:\n"
    "    token: abc123\n";

static int parse(const char *text, const char *dir, client_config *cfg, char **err)
{
    client_config_init(cfg);
    return client_config_parse(text, strlen(text), dir, cfg, err);
}

static void expect_error(const char *text, int want_rc, const char *want_substr)
{
    client_config cfg;
    char *err = NULL;
    int rc = parse(text, NULL, &cfg, &err);

    if (rc != want_rc)
        fail_msg("rc %d, want %d (err %s) for:\n%s", rc, want_rc, err ? err : "(null)", text);
    assert_non_null(err);
    if (!strstr(err, want_substr))
        fail_msg("error \"%s\" lacks \"%s\"", err, want_substr);
    /* A failed parse leaves nothing allocated behind. */
    assert_null(cfg.server);
    assert_null(cfg.token);
    assert_null(cfg.ca_pem);
    free(err);
    client_config_release(&cfg);
}

static void test_server_kubeconfig(void **state)
{
    client_config cfg;
    char *err = NULL;

    (void)state;
    assert_int_equal(parse(server_kubeconfig, NULL, &cfg, &err), 0);
    assert_null(err);
    assert_string_equal(cfg.server, "https://127.0.0.1:6443");
    assert_string_equal(cfg.token, "abc123");
    assert_string_equal(cfg.ca_pem, CA_PEM);
    assert_false(cfg.insecure);
    assert_null(cfg.cert_pem);
    assert_null(cfg.key_pem);
    client_config_release(&cfg);
    assert_null(cfg.server);
    client_config_release(NULL);
}

static void test_context_selection(void **state)
{
    client_config cfg;
    char *err = NULL;
    const char *two =
        "clusters:\n"
        "- name: a\n  cluster: {server: 'https://a:1'}\n"
        "- name: b\n  cluster: {server: 'http://b:2', insecure-skip-tls-verify: true}\n"
        "users:\n"
        "- name: ua\n  user: {token: ta}\n"
        "- name: ub\n  user: {token: tb}\n"
        "contexts:\n"
        "- name: ca\n  context: {cluster: a, user: ua}\n"
        "- name: cb\n  context: {cluster: b, user: ub}\n"
        "current-context: cb\n";
    const char *single =
        "clusters:\n- name: a\n  cluster: {server: 'https://a:1'}\n"
        "contexts:\n- name: only\n  context: {cluster: a}\n";

    (void)state;
    assert_int_equal(parse(two, NULL, &cfg, &err), 0);
    assert_string_equal(cfg.server, "http://b:2");
    assert_string_equal(cfg.token, "tb");
    assert_true(cfg.insecure);
    client_config_release(&cfg);

    /* No current-context but exactly one context: use it; no user is fine. */
    assert_int_equal(parse(single, NULL, &cfg, &err), 0);
    assert_string_equal(cfg.server, "https://a:1");
    assert_null(cfg.token);
    client_config_release(&cfg);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("a: [1, 2\n", EN_INVALID, "kubeconfig: yaml:");
    expect_error("- 1\n- 2\n", EN_INVALID, "not a mapping");
    expect_error("current-context: nope\ncontexts: []\n", EN_INVALID,
                 "context \"nope\" not found");
    expect_error("clusters: []\n", EN_INVALID, "no current-context");
    expect_error("contexts:\n- name: c\n  context: {cluster: x}\n", EN_INVALID,
                 "cluster \"x\" not found");
    expect_error("clusters:\n- name: x\n  cluster: {}\n"
                 "contexts:\n- name: c\n  context: {cluster: x}\n",
                 EN_INVALID, "cluster \"x\" has no server");
    expect_error("clusters:\n- name: x\n  cluster: {server: 'ftp://h'}\n"
                 "contexts:\n- name: c\n  context: {cluster: x}\n",
                 EN_INVALID, "is not an http(s) URL");
    expect_error("clusters:\n- name: x\n  cluster: {server: 'https://h'}\n"
                 "contexts:\n- name: c\n  context: {cluster: x, user: u}\n",
                 EN_INVALID, "user \"u\" not found");
    expect_error("clusters:\n- name: x\n  cluster: {server: 'https://h', "
                 "certificate-authority-data: '!!notbase64'}\n"
                 "contexts:\n- name: c\n  context: {cluster: x}\n",
                 EN_INVALID, "certificate-authority-data: illegal base64 data");
    expect_error("clusters:\n- name: x\n  cluster: {server: 'https://h'}\n"
                 "users:\n- name: u\n  user: {exec: {command: aws}}\n"
                 "contexts:\n- name: c\n  context: {cluster: x, user: u}\n",
                 EN_UNSUPPORTED, "exec and auth-provider plugins are not supported");
    expect_error("clusters:\n- name: x\n  cluster: {server: 'https://h'}\n"
                 "users:\n- name: u\n  user: {client-certificate-data: " CA_B64 "}\n"
                 "contexts:\n- name: c\n  context: {cluster: x, user: u}\n",
                 EN_INVALID, "must come together");
    expect_error("clusters:\n- name: x\n  cluster: {server: 'https://h', "
                 "certificate-authority: /nonexistent/ca.crt}\n"
                 "contexts:\n- name: c\n  context: {cluster: x}\n",
                 EN_IO, "cannot open /nonexistent/ca.crt");
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* File fields resolve against the kubeconfig's directory. */
static void test_files(void **state)
{
    char dir[] = "/tmp/test_kubeconfig_XXXXXX";
    char path[256], *err = NULL;
    client_config cfg;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/ca.crt", dir);
    write_text(path, CA_PEM);
    snprintf(path, sizeof path, "%s/token", dir);
    write_text(path, "  filetoken\n\n");
    snprintf(path, sizeof path, "%s/c.crt", dir);
    write_text(path, "CERT");
    snprintf(path, sizeof path, "%s/c.key", dir);
    write_text(path, "KEY");
    snprintf(path, sizeof path, "%s/config", dir);
    write_text(path, "clusters:\n- name: x\n  cluster:\n    server: https://h:1/\n"
                     "    certificate-authority: ca.crt\n"
                     "users:\n- name: u\n  user:\n    tokenFile: token\n"
                     "    client-certificate: c.crt\n    client-key: c.key\n"
                     "contexts:\n- name: c\n  context: {cluster: x, user: u}\n"
                     "current-context: c\n");
    client_config_init(&cfg);
    assert_int_equal(client_config_load(path, &cfg, &err), 0);
    assert_null(err);
    assert_string_equal(cfg.server, "https://h:1/");
    assert_string_equal(cfg.ca_pem, CA_PEM);
    assert_string_equal(cfg.token, "  filetoken"); /* only trailing space goes */
    assert_string_equal(cfg.cert_pem, "CERT");
    assert_string_equal(cfg.key_pem, "KEY");
    client_config_release(&cfg);

    /* A missing file names itself, prefixed by the kubeconfig's path. */
    snprintf(path, sizeof path, "%s/missing", dir);
    assert_int_equal(client_config_load(path, &cfg, &err), EN_IO);
    assert_non_null(strstr(err, "cannot open"));
    free(err);
    err = NULL;

    /* A client built from it has the trailing slash trimmed. */
    client *c = NULL;
    snprintf(path, sizeof path, "%s/config", dir);
    assert_int_equal(client_open_kubeconfig(path, &c, &err), 0);
    assert_non_null(c);
    assert_string_equal(c->cfg.server, "https://h:1");
    assert_non_null(c->auth_header);
    assert_string_equal(c->auth_header, "Authorization: Bearer   filetoken");
    client_free(c);
    client_free(NULL);

    const char *names[] = {"ca.crt", "token", "c.crt", "c.key", "config"};
    for (size_t i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void expect_b64(const char *in, const char *want)
{
    char *out = NULL;
    size_t len = 0;
    if (b64_decode(in, &out, &len) != 0)
        fail_msg("b64_decode(\"%s\") failed", in);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(out, want, len);
    free(out);
}

static void expect_b64_bad(const char *in)
{
    char *out = (char *)"sentinel";
    if (b64_decode(in, &out, NULL) != EN_INVALID)
        fail_msg("b64_decode(\"%s\") accepted bad input", in);
    assert_null(out);
}

static void test_base64(void **state)
{
    (void)state;
    expect_b64("", "");
    expect_b64("Zg==", "f");
    expect_b64("Zm8=", "fo");
    expect_b64("Zm9v", "foo");
    expect_b64("Zm9vYg", "foob");       /* padding optional */
    expect_b64("Zm9v\nYmFy\r\n", "foobar"); /* wrapped lines */
    expect_b64("-_-_", "\xfb\xff\xbf");  /* URL-safe alphabet */
    expect_b64("+/+/", "\xfb\xff\xbf");
    expect_b64(CA_B64, CA_PEM);
    expect_b64_bad("Zm9v!");
    expect_b64_bad("Z");                /* 6 bits cannot make a byte */
    expect_b64_bad("Zg==Zg==");         /* data after padding */
    expect_b64_bad("Zg===");
}

static void test_paths(void **state)
{
    char *p;
    (void)state;
    p = client_path(&client_res_pods, "default", "web-1", "status");
    assert_string_equal(p, "/api/v1/namespaces/default/pods/web-1/status");
    free(p);
    p = client_path(&client_res_pods, NULL, NULL, NULL);
    assert_string_equal(p, "/api/v1/pods");
    free(p);
    p = client_path(&client_res_pods, "", NULL, "status"); /* sub needs a name */
    assert_string_equal(p, "/api/v1/pods");
    free(p);
    p = client_path(&client_res_nodes, "ignored", "n1", NULL);
    assert_string_equal(p, "/api/v1/nodes/n1");
    free(p);
    p = client_path(&client_res_leases, "kube-node-lease", "n1", NULL);
    assert_string_equal(p, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1");
    free(p);
    p = client_path(&client_res_daemonsets, "a b", "x/y", NULL);
    assert_string_equal(p, "/apis/apps/v1/namespaces/a%20b/daemonsets/x%2Fy");
    free(p);

    p = client_query("/api/v1/pods", "labelSelector", "app in (a,b),!x", "fieldSelector", (const char *)NULL,
                     "limit", "", "watch", "true", (const char *)NULL);
    assert_string_equal(p, "/api/v1/pods?labelSelector=app%20in%20%28a%2Cb%29%2C%21x&watch=true");
    free(p);
    p = client_query("/x?a=1", "b", "~._-", (const char *)NULL);
    assert_string_equal(p, "/x?a=1&b=~._-");
    free(p);
    p = client_query("/x", "k", (const char *)NULL, (const char *)NULL);
    assert_string_equal(p, "/x");
    free(p);
    p = client_query("/x", "k", "\xc3\xa9=", (const char *)NULL);
    assert_string_equal(p, "/x?k=%C3%A9%3D");
    free(p);
}

static void test_code_mapping(void **state)
{
    client_resp r = {0};
    (void)state;
    assert_int_equal(client_code_error(200, NULL), 0);
    assert_int_equal(client_code_error(201, NULL), 0);
    assert_int_equal(client_code_error(404, "NotFound"), EN_NOTFOUND);
    assert_int_equal(client_code_error(409, "AlreadyExists"), EN_EXISTS);
    assert_int_equal(client_code_error(409, "Conflict"), EN_CONFLICT);
    assert_int_equal(client_code_error(409, NULL), EN_CONFLICT);
    assert_int_equal(client_code_error(410, "Expired"), EN_COMPACTED);
    assert_int_equal(client_code_error(400, NULL), EN_INVALID);
    assert_int_equal(client_code_error(422, "Invalid"), EN_INVALID);
    assert_int_equal(client_code_error(413, NULL), EN_TOOLARGE);
    assert_int_equal(client_code_error(429, NULL), EN_BUSY);
    assert_int_equal(client_code_error(503, NULL), EN_BUSY);
    assert_int_equal(client_code_error(504, NULL), EN_TIMEOUT);
    assert_int_equal(client_code_error(415, NULL), EN_UNSUPPORTED);
    assert_int_equal(client_code_error(401, NULL), EN_INTERNAL);
    assert_int_equal(client_code_error(500, NULL), EN_INTERNAL);

    assert_string_equal(client_resp_message(&r), "no response");
    r.error = "Couldn't connect to server";
    assert_string_equal(client_resp_message(&r), "Couldn't connect to server");
    r.code = 404;
    r.error = NULL;
    r.body = json_pack("{s:s,s:s}", "kind", "Status", "message", "pods \"x\" not found");
    assert_string_equal(client_resp_message(&r), "pods \"x\" not found");
    client_resp_release(&r);
    assert_int_equal(r.code, 0);
    assert_null(r.body);
    r.code = 502;
    assert_string_equal(client_resp_message(&r), "unexpected HTTP status (no Status message)");
}

static void test_new_refuses(void **state)
{
    client_config cfg;
    client *c = (client *)1;
    (void)state;
    client_config_init(&cfg);
    assert_int_equal(client_new(&cfg, &c), EN_INVALID);
    assert_null(c);
    cfg.server = (char *)"";
    assert_int_equal(client_new(&cfg, &c), EN_INVALID);
    assert_int_equal(client_new(NULL, &c), EN_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_kubeconfig),
        cmocka_unit_test(test_context_selection),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_code_mapping),
        cmocka_unit_test(test_new_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
