/*
 * test_ref.c -- unit tests of image reference normalisation (ref.c):
 * Docker's short names, registries with ports, tags and digests, and the
 * references that must be refused with a message naming the problem.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"
#include "image/image_int.h"

#include <stdlib.h>
#include <string.h>

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void expect_norm(const char *in, const char *want)
{
    char *out = NULL, *err = NULL;
    int rc = image_normalize(in, &out, &err);

    if (rc != 0)
        fail_msg("image_normalize(%s) failed: %s", in, err);
    if (strcmp(out, want) != 0)
        fail_msg("image_normalize(%s) = %s, want %s", in, out, want);
    free(out);
}

static void expect_bad(const char *in, const char *msg_part)
{
    char *out = NULL, *err = NULL;
    int rc = image_normalize(in, &out, &err);

    if (rc != EN_INVALID)
        fail_msg("image_normalize(%s) = %d (%s), want EN_INVALID", in, rc, out ? out : "");
    assert_null(out);
    assert_non_null(err);
    if (!strstr(err, msg_part))
        fail_msg("image_normalize(%s): message \"%s\" lacks \"%s\"", in, err, msg_part);
    free(err);
}

static void test_docker_hub_short_names(void **state)
{
    (void)state;
    expect_norm("busybox", "docker.io/library/busybox:latest");
    expect_norm("busybox:1.36", "docker.io/library/busybox:1.36");
    expect_norm("library/busybox:1.36", "docker.io/library/busybox:1.36");
    expect_norm("docker.io/busybox", "docker.io/library/busybox:latest");
    expect_norm("index.docker.io/busybox:1", "docker.io/library/busybox:1");
    expect_norm("fluent/fluentd:v1.16", "docker.io/fluent/fluentd:v1.16");
    expect_norm("docker.io/fluent/fluentd", "docker.io/fluent/fluentd:latest");
    expect_norm("a/b/c", "docker.io/a/b/c:latest");
    expect_norm("my_repo/x__y-z.w---v", "docker.io/my_repo/x__y-z.w---v:latest");
}

static void test_other_registries(void **state)
{
    (void)state;
    expect_norm("127.0.0.1:5000/busybox", "127.0.0.1:5000/busybox:latest");
    expect_norm("localhost/x:1", "localhost/x:1");
    expect_norm("localhost:5000/a/b:v1.0-rc_1", "localhost:5000/a/b:v1.0-rc_1");
    expect_norm("registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.9");
    expect_norm("ghcr.io/org/img", "ghcr.io/org/img:latest");
    expect_norm("Example.COM/x", "Example.COM/x:latest");
    expect_norm("[::1]:5000/x:1", "[::1]:5000/x:1");
    expect_norm("everynode.local/busybox:1.35", "everynode.local/busybox:1.35");
}

static void test_digests(void **state)
{
    (void)state;
    expect_norm("busybox@sha256:" D64, "docker.io/library/busybox@sha256:" D64);
    expect_norm("busybox:1.36@sha256:" D64, "docker.io/library/busybox:1.36@sha256:" D64);
    expect_norm("127.0.0.1:5000/x@sha256:" D64, "127.0.0.1:5000/x@sha256:" D64);
}

static void test_parts(void **state)
{
    image__ref r;
    char *err = NULL;

    (void)state;
    assert_int_equal(image__ref_parse("localhost:5000/a/b:7@sha256:" D64, &r, &err), 0);
    assert_string_equal(r.domain, "localhost:5000");
    assert_string_equal(r.path, "a/b");
    assert_string_equal(r.tag, "7");
    assert_string_equal(r.digest, "sha256:" D64);
    image__ref_release(&r);
    assert_int_equal(image__ref_parse("busybox@sha256:" D64, &r, &err), 0);
    assert_null(r.tag); /* a digest alone gets no :latest */
    assert_string_equal(r.path, "library/busybox");
    image__ref_release(&r);
}

static void test_refused(void **state)
{
    (void)state;
    expect_bad("", "empty");
    expect_bad("Busybox", "lowercase");
    expect_bad("docker.io/Library/busybox", "lowercase");
    expect_bad("busybox:", "bad tag");
    expect_bad("busybox:-x", "bad tag");
    expect_bad("busybox:a/b", "bad registry host");
    expect_bad("bus box", "white space");
    expect_bad("busybox@sha256:abc", "bad digest");
    expect_bad("busybox@sha256:" D64 "0", "bad digest");
    expect_bad("busybox@sha512:" D64, "unsupported digest algorithm");
    expect_bad("busybox@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
               "bad digest");
    expect_bad("a//b", "bad repository name");
    expect_bad("-a/b", "bad repository name");
    expect_bad("a_/b", "bad repository name");
    expect_bad("host:port/x", "bad registry host");
    expect_bad("host:123456/x", "bad registry host");
    expect_bad("-host.com/x", "bad registry host");
    expect_bad(D64, "64-byte hexadecimal");
    expect_bad(":tag", "no repository");
    expect_bad("@sha256:" D64, "no repository");
}

static void test_long_names(void **state)
{
    char *name = xmalloc(300), *ref, *want;

    (void)state;
    memset(name, 'a', 299);
    name[299] = '\0';
    ref = xasprintf("example.com/%s", name);
    expect_bad(ref, "255");
    free(ref);
    /* 128-character tags are the limit. */
    name[128] = '\0';
    ref = xasprintf("x:%s", name);
    want = xasprintf("docker.io/library/x:%s", name);
    expect_norm(ref, want);
    free(ref);
    free(want);
    name[128] = 'a';
    name[129] = '\0';
    ref = xasprintf("x:%s", name);
    expect_bad(ref, "bad tag");
    free(ref);
    free(name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docker_hub_short_names),
        cmocka_unit_test(test_other_registries),
        cmocka_unit_test(test_digests),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_long_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
