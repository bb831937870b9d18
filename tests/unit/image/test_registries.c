/*
 * test_registries.c -- unit tests of registries.yaml parsing (registries.c):
 * mirrors and the order endpoints are tried in, per-host auth and TLS
 * settings (including base64 "auth"), the "*" mirror, and messages for
 * malformed files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "image_testutil.h"

static image__registries parse_ok(const char *text)
{
    image__registries r;
    char *err = NULL;

    if (image__registries_parse(text, strlen(text), "registries.yaml", &r, &err) != 0)
        fail_msg("parse failed: %s\n%s", err, text);
    return r;
}

static void expect_bad(const char *text, const char *msg_part)
{
    image__registries r;
    char *err = NULL;
    int rc = image__registries_parse(text, strlen(text), "/etc/reg.yaml", &r, &err);

    if (rc != EN_INVALID)
        fail_msg("parse of bad input returned %d\n%s", rc, text);
    assert_non_null(err);
    if (!strstr(err, msg_part) || !strstr(err, "/etc/reg.yaml"))
        fail_msg("message \"%s\" lacks \"%s\" or the file name", err, msg_part);
    free(err);
    assert_int_equal(r.n_mirrors, 0);
    assert_null(r.mirrors);
}

static void expect_endpoints(const image__registries *r, const char *domain,
                             const char *const *want)
{
    char **got = image__registries_endpoints(r, domain);
    size_t i = 0;

    for (; want[i]; i++) {
        if (!got[i] || strcmp(got[i], want[i]) != 0)
            fail_msg("%s: endpoint %zu is %s, want %s", domain, i, got[i] ? got[i] : "(none)",
                     want[i]);
    }
    if (got[i])
        fail_msg("%s: extra endpoint %s", domain, got[i]);
    image__strv_free(got);
}

static void test_mirrors_k3s_format(void **state)
{
    image__registries r = parse_ok("mirrors:\n"
                                   "  docker.io:\n"
                                   "    endpoint:\n"
                                   "      - \"http://127.0.0.1:5000\"\n"
                                   "      - \"https://mirror.example.com/v2/\"\n"
                                   "      - registry2.example.com:5443\n"
                                   "  \"quay.io\":\n"
                                   "    endpoint: [\"http://10.0.0.1\"]\n");
    (void)state;
    assert_int_equal(r.n_mirrors, 2);
    expect_endpoints(&r, "docker.io",
                     (const char *const[]){"http://127.0.0.1:5000", "https://mirror.example.com",
                                           "https://registry2.example.com:5443",
                                           "https://registry-1.docker.io", NULL});
    expect_endpoints(&r, "quay.io",
                     (const char *const[]){"http://10.0.0.1", "https://quay.io", NULL});
    /* No mirror: the registry itself; loopback registries speak plain HTTP. */
    expect_endpoints(&r, "ghcr.io", (const char *const[]){"https://ghcr.io", NULL});
    expect_endpoints(&r, "127.0.0.1:5000", (const char *const[]){"http://127.0.0.1:5000", NULL});
    expect_endpoints(&r, "localhost:5000", (const char *const[]){"http://localhost:5000", NULL});
    image__registries_release(&r);
}

static void test_wildcard_mirror(void **state)
{
    image__registries r = parse_ok("mirrors:\n"
                                   "  \"*\":\n"
                                   "    endpoint: [\"http://127.0.0.1:5000\"]\n"
                                   "  docker.io:\n"
                                   "    endpoint: [\"http://127.0.0.1:6000\"]\n");
    (void)state;
    expect_endpoints(&r, "docker.io",
                     (const char *const[]){"http://127.0.0.1:6000", "https://registry-1.docker.io",
                                           NULL});
    expect_endpoints(&r, "ghcr.io",
                     (const char *const[]){"http://127.0.0.1:5000", "https://ghcr.io", NULL});
    /* A mirror that is the registry itself is not tried twice. */
    expect_endpoints(&r, "127.0.0.1:5000", (const char *const[]){"http://127.0.0.1:5000", NULL});
    image__registries_release(&r);
}

static void test_configs(void **state)
{
    image__registries r = parse_ok("configs:\n"
                                   "  \"127.0.0.1:5000\":\n"
                                   "    auth:\n"
                                   "      username: alice\n"
                                   "      password: \"s3cret: yes\"\n"
                                   "  mirror.example.com:\n"
                                   "    auth:\n"
                                   "      auth: Ym9iOmh1bnRlcjI=\n"
                                   "    tls:\n"
                                   "      insecure_skip_verify: true\n"
                                   "      ca_file: /etc/ca.pem\n"
                                   "      cert_file: /etc/c.pem\n"
                                   "      key_file: /etc/k.pem\n");
    const image__regconf *c;

    (void)state;
    assert_int_equal(r.n_configs, 2);
    c = image__registries_config(&r, "127.0.0.1:5000");
    assert_non_null(c);
    assert_string_equal(c->username, "alice");
    assert_string_equal(c->password, "s3cret: yes");
    assert_false(c->insecure);
    assert_null(c->ca_file);
    assert_null(image__registries_config(&r, "127.0.0.1:5001"));
    /* A key without a port covers every port of the host. */
    c = image__registries_config(&r, "mirror.example.com:8443");
    assert_non_null(c);
    assert_string_equal(c->username, "bob");
    assert_string_equal(c->password, "hunter2");
    assert_true(c->insecure);
    assert_string_equal(c->ca_file, "/etc/ca.pem");
    assert_string_equal(c->cert_file, "/etc/c.pem");
    assert_string_equal(c->key_file, "/etc/k.pem");
    assert_ptr_equal(image__registries_config(&r, "mirror.example.com"), c);
    assert_null(image__registries_config(&r, "other.example.com"));
    image__registries_release(&r);
}

static void test_empty_and_unknown_keys(void **state)
{
    image__registries r;

    (void)state;
    r = parse_ok("");
    assert_int_equal(r.n_mirrors + r.n_configs, 0);
    expect_endpoints(&r, "docker.io", (const char *const[]){"https://registry-1.docker.io", NULL});
    image__registries_release(&r);
    r = parse_ok("# nothing\nmirrors:\nconfigs:\n");
    assert_int_equal(r.n_mirrors + r.n_configs, 0);
    image__registries_release(&r);
    /* rewrite (k3s) is accepted and ignored; unknown top-level keys too. */
    r = parse_ok("mirrors:\n  docker.io:\n    endpoint: [\"http://a\"]\n    rewrite:\n"
                 "      \"^(.*)$\": \"x/$1\"\nextra: 1\n");
    expect_endpoints(&r, "docker.io",
                     (const char *const[]){"http://a", "https://registry-1.docker.io", NULL});
    image__registries_release(&r);
}

static void test_bad_files(void **state)
{
    (void)state;
    expect_bad("mirrors: [1, 2]\n", "mirrors must be a mapping");
    expect_bad("- a\n- b\n", "must be a mapping");
    expect_bad("mirrors:\n  docker.io: \"http://x\"\n", "mirrors.docker.io must be a mapping");
    expect_bad("mirrors:\n  docker.io:\n    endpoint: http://x\n",
               "mirrors.docker.io.endpoint must be a list");
    expect_bad("mirrors:\n  docker.io:\n    endpoint: [1]\n",
               "mirrors.docker.io.endpoint[0] must be a string");
    expect_bad("mirrors:\n  docker.io:\n    endpoint: [\"ftp://x\"]\n", "scheme must be http");
    expect_bad("mirrors:\n  docker.io:\n    endpoint: [\"http://\"]\n", "no host");
    expect_bad("configs:\n  h:\n    auth: \"x\"\n", "configs.h.auth must be a mapping");
    expect_bad("configs:\n  h:\n    auth:\n      username: [1]\n",
               "configs.h.auth.username must be a string");
    expect_bad("configs:\n  h:\n    auth:\n      auth: \"not base64!\"\n", "base64");
    expect_bad("configs:\n  h:\n    tls:\n      insecure_skip_verify: \"maybe\"\n",
               "insecure_skip_verify must be true or false");
    expect_bad("mirrors: {a: [}\n", "yaml");
}

static void test_load_file(void **state)
{
    char *dir = tu_tmpdir(), *path = xasprintf("%s/registries.yaml", dir), *err = NULL;
    image__registries r;
    const char *text = "mirrors:\n  docker.io:\n    endpoint: [\"http://127.0.0.1:5000\"]\n";

    (void)state;
    assert_int_equal(image__registries_load(path, &r, &err), EN_IO);
    assert_non_null(strstr(err, path));
    free(err);
    tu_write_file(path, text, strlen(text));
    assert_int_equal(image__registries_load(path, &r, &err), 0);
    expect_endpoints(&r, "docker.io",
                     (const char *const[]){"http://127.0.0.1:5000", "https://registry-1.docker.io",
                                           NULL});
    image__registries_release(&r);
    image__rmtree(dir);
    free(path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mirrors_k3s_format),
        cmocka_unit_test(test_wildcard_mirror),
        cmocka_unit_test(test_configs),
        cmocka_unit_test(test_empty_and_unknown_keys),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_load_file),
    };
    log_set_level(LOG_ERROR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
