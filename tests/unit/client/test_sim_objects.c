/*
 * test_sim_objects.c -- unit tests of the Node and Lease bodies a simulated
 * node writes (sim_int.h, objects.c): registration object (labels, taints,
 * capacity = allocatable, kubelet's conditions, addresses, nodeInfo),
 * names and fake IPs, conditions keeping transition times, health checks,
 * takeover / labels / heartbeat patches, and the Lease.
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

#define NOW 1767225600 /* 2026-01-01T00:00:00Z */

static void config(sim_config *cfg)
{
    char *err = NULL;
    sim_config_init(cfg);
    assert_int_equal(sim_config_set_labels(cfg, "zone=a,kubernetes.io/os=override", &err), 0);
    assert_int_equal(sim_config_set_taints(cfg, "dedicated=gpu:NoSchedule,spot:NoExecute", &err),
                     0);
    assert_int_equal(sim_config_set_capacity(cfg, "cpu=8", &err), 0);
}

static void expect_json(json_t *got, const char *want)
{
    json_error_t e;
    json_t *w = json_loads(want, 0, &e);
    if (!w)
        fail_msg("bad expected JSON: %s", e.text);
    if (!json_equal(got, w)) {
        char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
        char *ws = json_dumps(w, JSON_COMPACT | JSON_SORT_KEYS);
        fail_msg("got  %s\nwant %s", g, ws);
    }
    json_decref(w);
}

static void test_names_and_ips(void **state)
{
    sim_config cfg;
    char buf[64], a[16], b[16];
    (void)state;
    sim_config_init(&cfg);
    sim__node_name(&cfg, 0, buf, sizeof buf);
    assert_string_equal(buf, "sim-node-0");
    sim__node_name(&cfg, 9999, buf, sizeof buf);
    assert_string_equal(buf, "sim-node-9999");

    /* Unique for every index up to the maximum, and all inside 10/8. */
    hmap seen;
    hmap_init(&seen);
    for (long i = 0; i < SIM_MAX_NODES; i += 1) {
        sim__node_ip(&cfg, i, a, sizeof a);
        assert_true(strncmp(a, "10.", 3) == 0);
        if (hmap_put(&seen, a, (void *)1))
            fail_msg("duplicate IP %s at %ld", a, i);
    }
    hmap_release(&seen);
    sim__node_ip(&cfg, 0, a, sizeof a);
    free(cfg.name_prefix);
    cfg.name_prefix = xstrdup("other-");
    sim__node_ip(&cfg, 0, b, sizeof b);
    /* Another prefix usually lands in another block (this pair does). */
    assert_string_not_equal(a, b);
    sim_config_release(&cfg);
}

static void test_node_object(void **state)
{
    sim_config cfg;
    json_t *node;
    (void)state;
    config(&cfg);
    node = sim__node_object(&cfg, "sim-node-3", "10.1.2.3", "boot-1", NOW);
    expect_json(json_path(node, "metadata"),
                "{\"name\":\"sim-node-3\",\"labels\":{\"beta.kubernetes.io/arch\":\"amd64\","
                "\"beta.kubernetes.io/os\":\"linux\",\"kubernetes.io/arch\":\"amd64\","
                "\"kubernetes.io/hostname\":\"sim-node-3\",\"kubernetes.io/os\":\"override\","
                "\"zone\":\"a\"}}");
    expect_json(json_path(node, "spec"),
                "{\"taints\":[{\"key\":\"dedicated\",\"value\":\"gpu\",\"effect\":\"NoSchedule\"},"
                "{\"key\":\"spot\",\"effect\":\"NoExecute\"}]}");
    assert_string_equal(json_path_str(node, "kind"), "Node");
    assert_string_equal(json_path_str(node, "apiVersion"), "v1");
    expect_json(json_path(node, "status.capacity"),
                "{\"cpu\":\"8\",\"memory\":\"8Gi\",\"pods\":\"110\"}");
    assert_true(json_equal(json_path(node, "status.capacity"),
                           json_path(node, "status.allocatable")));
    expect_json(
        json_path(node, "status.conditions"),
        "[{\"type\":\"MemoryPressure\",\"status\":\"False\",\"lastHeartbeatTime\":"
        "\"2026-01-01T00:00:00Z\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\",\"reason\":"
        "\"KubeletHasSufficientMemory\",\"message\":\"kubelet has sufficient memory available\"},"
        "{\"type\":\"DiskPressure\",\"status\":\"False\",\"lastHeartbeatTime\":"
        "\"2026-01-01T00:00:00Z\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\",\"reason\":"
        "\"KubeletHasNoDiskPressure\",\"message\":\"kubelet has no disk pressure\"},"
        "{\"type\":\"PIDPressure\",\"status\":\"False\",\"lastHeartbeatTime\":"
        "\"2026-01-01T00:00:00Z\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\",\"reason\":"
        "\"KubeletHasSufficientPID\",\"message\":\"kubelet has sufficient PID available\"},"
        "{\"type\":\"Ready\",\"status\":\"True\",\"lastHeartbeatTime\":\"2026-01-01T00:00:00Z\","
        "\"lastTransitionTime\":\"2026-01-01T00:00:00Z\",\"reason\":\"KubeletReady\","
        "\"message\":\"kubelet is posting ready status\"}]");
    expect_json(json_path(node, "status.addresses"),
                "[{\"type\":\"InternalIP\",\"address\":\"10.1.2.3\"},"
                "{\"type\":\"Hostname\",\"address\":\"sim-node-3\"}]");
    assert_int_equal(json_integer_value(json_path(node, "status.daemonEndpoints.kubeletEndpoint.Port")),
                     10250);
    json_t *info = json_path(node, "status.nodeInfo");
    assert_string_equal(json_path_str(info, "kubeletVersion"), "v1.32.0-sim");
    assert_string_equal(json_path_str(info, "containerRuntimeVersion"), "sim://1.0");
    assert_string_equal(json_path_str(info, "operatingSystem"), "linux");
    assert_string_equal(json_path_str(info, "architecture"), "amd64");
    assert_string_equal(json_path_str(info, "bootID"), "boot-1");
    assert_non_null(json_path_str(info, "osImage"));
    assert_non_null(json_path_str(info, "kernelVersion"));
    assert_int_equal(strlen(json_path_str(info, "machineID")), 32);
    assert_int_equal(strlen(json_path_str(info, "systemUUID")), 36);
    /* Stable per name, different between names. */
    json_t *again = sim__node_object(&cfg, "sim-node-3", "10.1.2.3", "boot-2", NOW + 5);
    json_t *other = sim__node_object(&cfg, "sim-node-4", "10.1.2.4", "boot-1", NOW);
    assert_string_equal(json_path_str(again, "status.nodeInfo.machineID"),
                        json_path_str(info, "machineID"));
    assert_string_not_equal(json_path_str(other, "status.nodeInfo.machineID"),
                            json_path_str(info, "machineID"));
    json_decref(again);
    json_decref(other);
    json_decref(node);

    /* No taints: spec stays empty. */
    char *err = NULL;
    assert_int_equal(sim_config_set_taints(&cfg, "", &err), 0);
    node = sim__node_object(&cfg, "n", "10.0.0.1", "b", NOW);
    expect_json(json_path(node, "spec"), "{}");
    json_decref(node);
    sim_config_release(&cfg);
}

static void test_conditions_and_health(void **state)
{
    json_t *node, *conds, *c;
    (void)state;

    /* As the node lifecycle controller leaves it after a stall. */
    node = json_loads("{\"status\":{\"conditions\":["
                      "{\"type\":\"Ready\",\"status\":\"Unknown\",\"lastTransitionTime\":\"T1\"},"
                      "{\"type\":\"MemoryPressure\",\"status\":\"False\","
                      "\"lastTransitionTime\":\"T0\"},"
                      "{\"type\":\"Custom\",\"status\":\"True\"}]}}",
                      0, NULL);
    assert_false(sim__node_is_healthy(node));
    conds = sim__node_conditions(json_path(node, "status.conditions"), NOW);
    assert_int_equal(json_array_size(conds), 4);
    c = json_array_get(conds, 0); /* MemoryPressure: unchanged, keeps T0 */
    assert_string_equal(json_string_value(json_object_get(c, "lastTransitionTime")), "T0");
    assert_string_equal(json_string_value(json_object_get(c, "lastHeartbeatTime")),
                        "2026-01-01T00:00:00Z");
    c = json_array_get(conds, 3); /* Ready: Unknown -> True moves */
    assert_string_equal(json_string_value(json_object_get(c, "type")), "Ready");
    assert_string_equal(json_string_value(json_object_get(c, "status")), "True");
    assert_string_equal(json_string_value(json_object_get(c, "lastTransitionTime")),
                        "2026-01-01T00:00:00Z");
    c = json_array_get(conds, 1); /* DiskPressure: absent before */
    assert_string_equal(json_string_value(json_object_get(c, "lastTransitionTime")),
                        "2026-01-01T00:00:00Z");

    /* With those conditions the node is healthy again. */
    json_object_set(json_object_get(node, "status"), "conditions", conds);
    assert_true(sim__node_is_healthy(node));
    json_decref(conds);
    /* Any pressure, or no status at all, is not. */
    json_object_set_new(json_array_get(json_path(node, "status.conditions"), 2), "status",
                        json_string("True"));
    assert_false(sim__node_is_healthy(node));
    json_decref(node);
    assert_false(sim__node_is_healthy(NULL));
    node = json_object();
    assert_false(sim__node_is_healthy(node));
    json_decref(node);
}

static void test_patches(void **state)
{
    sim_config cfg;
    json_t *node, *p;
    (void)state;
    config(&cfg);
    node = sim__node_object(&cfg, "n1", "10.0.0.1", "b", NOW);

    /* Labels in place: no patch.  A missing or changed one: just those. */
    assert_null(sim__node_labels_patch(&cfg, node, "n1"));
    json_object_del(json_path(node, "metadata.labels"), "zone");
    json_object_set_new(json_path(node, "metadata.labels"), "kubernetes.io/hostname",
                        json_string("old"));
    json_object_set_new(json_path(node, "metadata.labels"), "foreign", json_string("kept"));
    p = sim__node_labels_patch(&cfg, node, "n1");
    expect_json(p, "{\"metadata\":{\"labels\":{\"kubernetes.io/hostname\":\"n1\",\"zone\":\"a\"}}}");
    json_decref(p);

    p = sim__node_heartbeat_patch(NOW);
    expect_json(p, "{\"status\":{\"conditions\":["
                   "{\"type\":\"MemoryPressure\",\"lastHeartbeatTime\":\"2026-01-01T00:00:00Z\"},"
                   "{\"type\":\"DiskPressure\",\"lastHeartbeatTime\":\"2026-01-01T00:00:00Z\"},"
                   "{\"type\":\"PIDPressure\",\"lastHeartbeatTime\":\"2026-01-01T00:00:00Z\"},"
                   "{\"type\":\"Ready\",\"lastHeartbeatTime\":\"2026-01-01T00:00:00Z\"}]}}");
    json_decref(p);

    /* Takeover: status only, transition times of unchanged conditions kept. */
    p = sim__node_status_patch(&cfg, node, "n1", "10.0.0.1", "b2", NOW + 100);
    assert_int_equal(json_object_size(p), 1);
    assert_string_equal(json_path_str(p, "status.nodeInfo.bootID"), "b2");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_path(p, "status.conditions"), 3),
                                          "lastTransitionTime")),
        "2026-01-01T00:00:00Z");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_path(p, "status.conditions"), 3),
                                          "lastHeartbeatTime")),
        "2026-01-01T00:01:40Z");
    assert_true(json_equal(json_path(p, "status.capacity"), json_path(node, "status.capacity")));
    json_decref(p);
    json_decref(node);
    sim_config_release(&cfg);
}

static void test_lease(void **state)
{
    sim_config cfg;
    json_t *l;
    (void)state;
    sim_config_init(&cfg);
    l = sim__lease_object(&cfg, "n1", "uid-1", "42", (int64_t)NOW * 1000000 + 123456);
    expect_json(l, "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\","
                   "\"metadata\":{\"name\":\"n1\",\"namespace\":\"kube-node-lease\","
                   "\"resourceVersion\":\"42\",\"ownerReferences\":[{\"apiVersion\":\"v1\","
                   "\"kind\":\"Node\",\"name\":\"n1\",\"uid\":\"uid-1\"}]},"
                   "\"spec\":{\"holderIdentity\":\"n1\",\"leaseDurationSeconds\":40,"
                   "\"renewTime\":\"2026-01-01T00:00:00.123456Z\"}}");
    json_decref(l);
    /* For a create, and before the node's uid is known. */
    cfg.lease_duration = 15;
    l = sim__lease_object(&cfg, "n1", NULL, "", (int64_t)NOW * 1000000);
    expect_json(l, "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\","
                   "\"metadata\":{\"name\":\"n1\",\"namespace\":\"kube-node-lease\"},"
                   "\"spec\":{\"holderIdentity\":\"n1\",\"leaseDurationSeconds\":15,"
                   "\"renewTime\":\"2026-01-01T00:00:00.000000Z\"}}");
    json_decref(l);
    sim_config_release(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_ips),
        cmocka_unit_test(test_node_object),
        cmocka_unit_test(test_conditions_and_health),
        cmocka_unit_test(test_patches),
        cmocka_unit_test(test_lease),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
