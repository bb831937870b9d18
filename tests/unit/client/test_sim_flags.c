/*
 * test_sim_flags.c -- unit tests of the sim's configuration (sim.h,
 * flags.c): defaults, the --labels / --taints / --capacity / --fail-images
 * parsers with good and bad items and Kubernetes' wording, merging and
 * replacing, whole-config checks, deep copies, and the default worker count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"
#include "sim/sim_int.h"

#include <stdlib.h>
#include <string.h>

static void test_defaults(void **state)
{
    sim_config cfg;
    (void)state;
    sim_config_init(&cfg);
    assert_string_equal(cfg.name_prefix, "sim-node-");
    assert_int_equal(cfg.n_capacity, 3);
    assert_string_equal(cfg.capacity[0].key, "cpu");
    assert_string_equal(cfg.capacity[0].value, "4");
    assert_string_equal(cfg.capacity[1].key, "memory");
    assert_string_equal(cfg.capacity[1].value, "8Gi");
    assert_string_equal(cfg.capacity[2].key, "pods");
    assert_string_equal(cfg.capacity[2].value, "110");
    assert_int_equal(cfg.n_fail_images, 1);
    assert_string_equal(cfg.fail_images[0], "*:non-existent");
    assert_int_equal(cfg.ready_after, 0);
    assert_int_equal(cfg.lease_interval, 10);
    assert_int_equal(cfg.lease_duration, 40);
    assert_int_equal(cfg.status_interval, 300);
    assert_int_equal(cfg.n_labels, 0);
    assert_int_equal(cfg.n_taints, 0);
    sim_config_release(&cfg);
    sim_config_release(&cfg); /* idempotent */
    sim_config_release(NULL);
}

static void test_labels(void **state)
{
    sim_config cfg;
    char *err = NULL;
    (void)state;
    sim_config_init(&cfg);

    assert_int_equal(sim_config_set_labels(&cfg, "zone=a, tier=web ,empty=,example.com/role=x",
                                           &err),
                     0);
    assert_null(err);
    assert_int_equal(cfg.n_labels, 4);
    assert_string_equal(cfg.labels[0].key, "zone");
    assert_string_equal(cfg.labels[0].value, "a");
    assert_string_equal(cfg.labels[1].key, "tier");
    assert_string_equal(cfg.labels[1].value, "web");
    assert_string_equal(cfg.labels[2].key, "empty");
    assert_string_equal(cfg.labels[2].value, "");
    assert_string_equal(cfg.labels[3].key, "example.com/role");

    /* The last value of a repeated key wins; a new call replaces. */
    assert_int_equal(sim_config_set_labels(&cfg, "a=1,a=2", &err), 0);
    assert_int_equal(cfg.n_labels, 1);
    assert_string_equal(cfg.labels[0].value, "2");
    assert_int_equal(sim_config_set_labels(&cfg, "", &err), 0);
    assert_int_equal(cfg.n_labels, 0);
    assert_int_equal(sim_config_set_labels(&cfg, " , ,", &err), 0);
    assert_int_equal(cfg.n_labels, 0);

    static const struct {
        const char *in, *msg;
    } bad[] = {
        {"novalue", "invalid label \"novalue\": expected key=value"},
        {"=v", "invalid label key \"\": name part must be non-empty"},
        {"-a=v", "invalid label key \"-a\": name part must consist of alphanumeric"},
        {"a b=v", "name part must consist of alphanumeric"},
        {"Example.com/x=v", "prefix part a lowercase RFC 1123 subdomain"},
        {"/x=v", "prefix part a lowercase RFC 1123 subdomain"},
        {"a/b/c=v", "a qualified name must consist of"},
        {"k=-v", "invalid label value \"-v\" for key \"k\": a valid label must be an empty "
                 "string or consist of alphanumeric"},
        {"k=a=b", "invalid label value \"a=b\""},
        {"k=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "must be no more than 63 characters"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=v",
         "name part must be no more than 63 characters"},
    };
    assert_int_equal(sim_config_set_labels(&cfg, "keep=me", &err), 0);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err = NULL;
        assert_int_equal(sim_config_set_labels(&cfg, bad[i].in, &err), EN_INVALID);
        assert_non_null(err);
        if (!strstr(err, bad[i].msg))
            fail_msg("labels \"%s\": error \"%s\" lacks \"%s\"", bad[i].in, err, bad[i].msg);
        free(err);
        /* A failed parse leaves the previous labels alone. */
        assert_int_equal(cfg.n_labels, 1);
        assert_string_equal(cfg.labels[0].key, "keep");
    }
    sim_config_release(&cfg);
}

static void test_taints(void **state)
{
    sim_config cfg;
    char *err = NULL;
    (void)state;
    sim_config_init(&cfg);

    assert_int_equal(sim_config_set_taints(&cfg,
                                           "dedicated=gpu:NoSchedule,spot:PreferNoSchedule,"
                                           "example.com/x=:NoExecute,dedicated=gpu:NoExecute",
                                           &err),
                     0);
    assert_null(err);
    assert_int_equal(cfg.n_taints, 4);
    assert_string_equal(cfg.taints[0].key, "dedicated");
    assert_string_equal(cfg.taints[0].value, "gpu");
    assert_string_equal(cfg.taints[0].effect, "NoSchedule");
    assert_string_equal(cfg.taints[1].key, "spot");
    assert_string_equal(cfg.taints[1].value, "");
    assert_string_equal(cfg.taints[1].effect, "PreferNoSchedule");
    assert_string_equal(cfg.taints[2].key, "example.com/x");
    assert_string_equal(cfg.taints[2].value, "");
    assert_string_equal(cfg.taints[2].effect, "NoExecute");
    assert_string_equal(cfg.taints[3].effect, "NoExecute");

    static const struct {
        const char *in, *msg;
    } bad[] = {
        {"k=v", "invalid taint spec: k=v, expected key=value:Effect or key:Effect"},
        {"k=v:NoSchedule:x", "invalid taint spec"},
        {"k=v:Sometimes", "invalid taint effect: Sometimes, unsupported taint effect"},
        {"k=v:", "invalid taint effect: , unsupported taint effect"},
        {"k=a=b:NoSchedule", "invalid taint spec: k=a=b:NoSchedule"},
        {"k=-v:NoSchedule", "invalid taint spec: k=-v:NoSchedule, a valid label must be"},
        {":NoSchedule", "invalid taint spec: :NoSchedule, name part must be non-empty"},
        {"bad key:NoSchedule", "name part must consist of alphanumeric"},
        {"a:NoSchedule,a=b:NoSchedule", "duplicate key \"a\" and effect \"NoSchedule\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err = NULL;
        assert_int_equal(sim_config_set_taints(&cfg, bad[i].in, &err), EN_INVALID);
        assert_non_null(err);
        if (!strstr(err, bad[i].msg))
            fail_msg("taints \"%s\": error \"%s\" lacks \"%s\"", bad[i].in, err, bad[i].msg);
        free(err);
        assert_int_equal(cfg.n_taints, 4);
    }
    assert_int_equal(sim_config_set_taints(&cfg, "", &err), 0);
    assert_int_equal(cfg.n_taints, 0);
    sim_config_release(&cfg);
}

static const char *cap_of(const sim_config *cfg, const char *key)
{
    for (size_t i = 0; i < cfg->n_capacity; i++)
        if (!strcmp(cfg->capacity[i].key, key))
            return cfg->capacity[i].value;
    return NULL;
}

static void test_capacity(void **state)
{
    sim_config cfg;
    char *err = NULL;
    (void)state;
    sim_config_init(&cfg);

    /* Merged over the defaults: given ones replace, new ones append. */
    assert_int_equal(sim_config_set_capacity(&cfg, "cpu=500m,nvidia.com/gpu=2,ephemeral-storage=1e11",
                                             &err),
                     0);
    assert_null(err);
    assert_int_equal(cfg.n_capacity, 5);
    assert_string_equal(cap_of(&cfg, "cpu"), "500m");
    assert_string_equal(cap_of(&cfg, "memory"), "8Gi");
    assert_string_equal(cap_of(&cfg, "pods"), "110");
    assert_string_equal(cap_of(&cfg, "nvidia.com/gpu"), "2");
    assert_string_equal(cap_of(&cfg, "ephemeral-storage"), "1e11");
    assert_string_equal(cfg.capacity[0].key, "cpu"); /* order kept */
    assert_int_equal(sim_config_set_capacity(&cfg, "memory=16Gi,memory=32Gi", &err), 0);
    assert_string_equal(cap_of(&cfg, "memory"), "32Gi");
    assert_int_equal(cfg.n_capacity, 5);

    static const struct {
        const char *in, *msg;
    } bad[] = {
        {"cpu", "invalid capacity \"cpu\": expected resource=quantity"},
        {"cpu=", "invalid capacity cpu=: quantities must match"},
        {"cpu=four", "invalid capacity cpu=four"},
        {"cpu=-1", "not be negative"},
        {"memory=8GB", "invalid capacity memory=8GB"},
        {"bad name=1", "invalid capacity resource name \"bad name\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err = NULL;
        assert_int_equal(sim_config_set_capacity(&cfg, bad[i].in, &err), EN_INVALID);
        if (!strstr(err, bad[i].msg))
            fail_msg("capacity \"%s\": error \"%s\" lacks \"%s\"", bad[i].in, err, bad[i].msg);
        free(err);
        assert_int_equal(cfg.n_capacity, 5);
        assert_string_equal(cap_of(&cfg, "memory"), "32Gi");
    }
    sim_config_release(&cfg);
}

static void test_fail_images(void **state)
{
    sim_config cfg;
    char *err = NULL;
    (void)state;
    sim_config_init(&cfg);
    assert_true(sim__image_fails(&cfg, "x:non-existent"));
    assert_true(sim__image_fails(&cfg, "registry.example.com:5000/team/x:non-existent"));
    assert_false(sim__image_fails(&cfg, "nginx:1.25"));
    assert_false(sim__image_fails(&cfg, "non-existent"));
    assert_false(sim__image_fails(&cfg, NULL));

    assert_int_equal(sim_config_set_fail_images(&cfg, "bad/*, *:broken", &err), 0);
    assert_int_equal(cfg.n_fail_images, 2);
    assert_true(sim__image_fails(&cfg, "bad/app:1"));
    assert_true(sim__image_fails(&cfg, "good/app:broken"));
    assert_false(sim__image_fails(&cfg, "x:non-existent"));
    assert_int_equal(sim_config_set_fail_images(&cfg, "", &err), 0);
    assert_int_equal(cfg.n_fail_images, 0);
    assert_false(sim__image_fails(&cfg, "x:non-existent"));
    sim_config_release(&cfg);
}

static void check_config(sim_config *cfg, const char *msg)
{
    char *err = NULL;
    if (!msg) {
        assert_int_equal(sim_config_check(cfg, &err), 0);
        assert_null(err);
        return;
    }
    assert_int_equal(sim_config_check(cfg, &err), EN_INVALID);
    if (!err || !strstr(err, msg))
        fail_msg("check: error \"%s\" lacks \"%s\"", err ? err : "(null)", msg);
    free(err);
}

static void test_check(void **state)
{
    sim_config cfg;
    (void)state;
    sim_config_init(&cfg);
    check_config(&cfg, "--kubeconfig is required");
    cfg.kubeconfig = xstrdup("/k");
    check_config(&cfg, "--nodes must be between 1 and 100000");
    cfg.nodes = 100001;
    check_config(&cfg, "--nodes must be between 1 and 100000");
    cfg.nodes = 100000;
    check_config(&cfg, NULL);
    free(cfg.name_prefix);
    cfg.name_prefix = xstrdup("Sim_");
    check_config(&cfg, "--name-prefix \"Sim_\" gives invalid node names such as \"Sim_99999\"");
    free(cfg.name_prefix);
    cfg.name_prefix = xstrdup("");
    check_config(&cfg, NULL); /* "0".."99999" are valid names */
    free(cfg.name_prefix);
    cfg.name_prefix = xstrdup("rack1.node-");
    check_config(&cfg, NULL);
    cfg.ready_after = -1;
    check_config(&cfg, "--ready-after must not be negative");
    cfg.ready_after = 0;
    cfg.workers = 257;
    check_config(&cfg, "--workers");
    cfg.workers = 0;
    cfg.status_interval = 0;
    check_config(&cfg, "at least 1 second");
    sim_config_release(&cfg);

    assert_int_equal(sim__default_workers(1), 4);
    assert_int_equal(sim__default_workers(300), 6);
    assert_int_equal(sim__default_workers(1000), 20);
    assert_int_equal(sim__default_workers(10000), 32);
}

static void test_copy(void **state)
{
    sim_config a, b;
    char *err = NULL;
    (void)state;
    sim_config_init(&a);
    a.kubeconfig = xstrdup("/k");
    a.nodes = 7;
    assert_int_equal(sim_config_set_labels(&a, "x=1", &err), 0);
    assert_int_equal(sim_config_set_taints(&a, "t=v:NoSchedule", &err), 0);
    sim__config_copy(&b, &a);
    sim_config_release(&a); /* the copy owns its own strings */
    assert_string_equal(b.kubeconfig, "/k");
    assert_int_equal(b.nodes, 7);
    assert_string_equal(b.labels[0].value, "1");
    assert_string_equal(b.taints[0].effect, "NoSchedule");
    assert_string_equal(b.capacity[1].value, "8Gi");
    assert_string_equal(b.fail_images[0], "*:non-existent");
    sim_config_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),    cmocka_unit_test(test_labels),
        cmocka_unit_test(test_taints),      cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_fail_images), cmocka_unit_test(test_check),
        cmocka_unit_test(test_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
