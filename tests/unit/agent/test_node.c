/*
 * test_node.c -- the agent's configuration and Node (agent.h, config.c,
 * machine.c): --node-labels / --register-with-taints parsing and their
 * refusals, whole-configuration checks, the Node object for a made-up
 * machine (labels, taints, capacity and allocatable as kubelet computes
 * them, addresses, daemonEndpoints, nodeInfo), the conditions under
 * pressure and with a broken runtime, transition times kept, the status
 * comparison that ignores heartbeats, the label patch, the Lease, and
 * reading the real machine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/agent_int.h"

static void test_config_lists(void **state)
{
    agent_config cfg;
    char *err = NULL;
    (void)state;
    agent_config_init(&cfg);
    assert_int_equal(cfg.port, 10250);
    assert_string_equal(cfg.data_dir, "/var/lib/everynode/agent");
    assert_int_equal(agent_config_set_labels(&cfg, "zone=z1, disk=ssd,zone=z2", &err), 0);
    assert_int_equal(json_object_size(cfg.labels), 2);
    assert_string_equal(json_string_value(json_object_get(cfg.labels, "zone")), "z2");
    assert_int_equal(agent_config_set_labels(&cfg, "bad key=v", &err), EN_INVALID);
    assert_non_null(strstr(err, "invalid label key \"bad key\""));
    free(err);
    /* A refused list leaves the previous one. */
    assert_int_equal(json_object_size(cfg.labels), 2);
    assert_int_equal(agent_config_set_taints(&cfg, "dedicated=gpu:NoSchedule,spot:NoExecute",
                                             &err),
                     0);
    assert_int_equal(json_array_size(cfg.taints), 2);
    assert_string_equal(json_path_str(json_array_get(cfg.taints, 0), "value"), "gpu");
    assert_null(json_object_get(json_array_get(cfg.taints, 1), "value"));
    assert_string_equal(json_path_str(json_array_get(cfg.taints, 1), "effect"), "NoExecute");
    assert_int_equal(agent_config_set_taints(&cfg, "k=v:Sometimes", &err), EN_INVALID);
    assert_non_null(strstr(err, "invalid taint effect: Sometimes"));
    free(err);
    agent_config_release(&cfg);
}

static void check_refused(agent_config *cfg, const char *want)
{
    char *err = NULL;
    assert_int_equal(agent_config_check(cfg, &err), EN_INVALID);
    if (!strstr(err, want))
        fail_msg("expected \"%s\" in \"%s\"", want, err);
    free(err);
}

static void test_config_check(void **state)
{
    agent_config cfg;
    char *err = NULL;
    (void)state;
    agent_config_init(&cfg);
    check_refused(&cfg, "--server (with --token) or --kubeconfig is required");
    cfg.server = xstrdup("ftp://x");
    check_refused(&cfg, "expected an http:// or https:// URL");
    free(cfg.server);
    cfg.server = xstrdup("https://127.0.0.1:6443");
    assert_int_equal(agent_config_check(&cfg, &err), 0);
    cfg.node_name = xstrdup("Bad_Name");
    check_refused(&cfg, "--node-name \"Bad_Name\"");
    free(cfg.node_name);
    cfg.node_name = NULL;
    cfg.node_ip = xstrdup("10.0.0.300");
    check_refused(&cfg, "--node-ip \"10.0.0.300\": not an IP address");
    free(cfg.node_ip);
    cfg.node_ip = xstrdup("fd00::1");
    assert_int_equal(agent_config_check(&cfg, &err), 0);
    free(cfg.data_dir);
    cfg.data_dir = xstrdup("relative/dir");
    check_refused(&cfg, "must be an absolute path");
    agent_config_release(&cfg);
}

static void fake_machine(agent_machine *m)
{
    memset(m, 0, sizeof *m);
    m->node_name = xstrdup("node-a");
    m->node_ip = xstrdup("10.9.0.2");
    m->hostname = xstrdup("host-a");
    m->cpus = 6;
    m->memory_bytes = 8LL * 1024 * 1024 * 1024;
    m->fs_bytes = 100LL * 1024 * 1024 * 1024;
    m->kernel = xstrdup("6.1.0-test");
    m->os_image = xstrdup("Debian GNU/Linux 12 (bookworm)");
    m->arch = xstrdup("arm64");
    m->machine_id = xstrdup("0123456789abcdef0123456789abcdef");
    m->system_uuid = xstrdup("01234567-89ab-cdef-0123-456789abcdef");
    m->boot_id = xstrdup("boot-1");
    m->runtime_version = xstrdup("runc://1.1.5");
}

static const agent_pressure calm = {.mem_available = 4LL << 30,
                                    .fs_available = 50LL << 30,
                                    .fs_size = 100LL << 30,
                                    .pids = 300,
                                    .pid_max = 32768};

static json_t *find_cond(json_t *node_status, const char *type)
{
    json_t *c;
    size_t i;
    json_array_foreach(json_object_get(node_status, "conditions"), i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "type")), type))
            return c;
    }
    fail_msg("no condition %s", type);
    return NULL;
}

static void test_node_object(void **state)
{
    agent_config cfg;
    agent_machine m;
    json_t *n, *st;
    char *err = NULL;
    (void)state;
    agent_config_init(&cfg);
    cfg.port = 20250;
    assert_int_equal(agent_config_set_labels(&cfg, "zone=z1", &err), 0);
    assert_int_equal(agent_config_set_taints(&cfg, "dedicated=gpu:NoSchedule", &err), 0);
    fake_machine(&m);
    n = agent__node_object(&cfg, &m, &calm, 1700000000);
    assert_string_equal(json_path_str(n, "metadata.name"), "node-a");
    assert_string_equal(
        json_string_value(json_object_get(json_path(n, "metadata.labels"),
                                          "kubernetes.io/hostname")),
        "node-a");
    assert_string_equal(
        json_string_value(json_object_get(json_path(n, "metadata.labels"), "kubernetes.io/arch")),
        "arm64");
    assert_string_equal(json_string_value(json_object_get(json_path(n, "metadata.labels"), "zone")),
                        "z1");
    assert_string_equal(json_path_str(json_array_get(json_path(n, "spec.taints"), 0), "key"),
                        "dedicated");
    st = json_object_get(n, "status");
    assert_string_equal(json_path_str(st, "capacity.cpu"), "6");
    assert_string_equal(json_path_str(st, "capacity.memory"), "8388608Ki");
    assert_string_equal(json_path_str(st, "capacity.pods"), "110");
    /* Allocatable leaves kubelet's eviction thresholds out. */
    assert_string_equal(json_path_str(st, "allocatable.memory"), "8286208Ki");
    assert_string_equal(json_path_str(st, "allocatable.cpu"), "6");
    assert_string_equal(json_path_str(json_array_get(json_object_get(st, "addresses"), 0),
                                      "address"),
                        "10.9.0.2");
    assert_string_equal(json_path_str(json_array_get(json_object_get(st, "addresses"), 1),
                                      "type"),
                        "Hostname");
    assert_int_equal(json_integer_value(json_path(st, "daemonEndpoints.kubeletEndpoint.Port")),
                     20250);
    assert_string_equal(json_path_str(st, "nodeInfo.kubeletVersion"), "v1.32.0-everynode");
    assert_string_equal(json_path_str(st, "nodeInfo.containerRuntimeVersion"), "runc://1.1.5");
    assert_string_equal(json_path_str(st, "nodeInfo.osImage"), "Debian GNU/Linux 12 (bookworm)");
    assert_string_equal(json_path_str(st, "nodeInfo.operatingSystem"), "linux");
    assert_string_equal(json_path_str(find_cond(st, "Ready"), "status"), "True");
    assert_string_equal(json_path_str(find_cond(st, "Ready"), "reason"), "KubeletReady");
    assert_string_equal(json_path_str(find_cond(st, "MemoryPressure"), "status"), "False");
    assert_string_equal(json_path_str(find_cond(st, "DiskPressure"), "status"), "False");
    assert_string_equal(json_path_str(find_cond(st, "PIDPressure"), "status"), "False");
    json_decref(n);
    agent__machine_release(&m);
    agent_config_release(&cfg);
}

static void test_conditions(void **state)
{
    agent_config cfg;
    agent_machine m;
    agent_pressure p = calm;
    json_t *a, *b;
    (void)state;
    agent_config_init(&cfg);
    fake_machine(&m);
    a = agent__node_status(&cfg, &m, &p, NULL, 1700000000);
    /* Later, unchanged: transition times stay, heartbeats move, and the
     * two compare equal once heartbeats are ignored. */
    b = agent__node_status(&cfg, &m, &p, json_object_get(a, "conditions"), 1700000060);
    assert_string_equal(json_path_str(find_cond(b, "Ready"), "lastTransitionTime"),
                        "2023-11-14T22:13:20Z");
    assert_string_equal(json_path_str(find_cond(b, "Ready"), "lastHeartbeatTime"),
                        "2023-11-14T22:14:20Z");
    assert_true(agent__node_status_same(a, b));
    json_decref(b);
    /* Pressure turns conditions True with kubelet's reasons. */
    p.mem_available = 50LL << 20;
    p.fs_available = 5LL << 30;
    p.pids = 32000;
    b = agent__node_status(&cfg, &m, &p, json_object_get(a, "conditions"), 1700000060);
    assert_string_equal(json_path_str(find_cond(b, "MemoryPressure"), "status"), "True");
    assert_string_equal(json_path_str(find_cond(b, "MemoryPressure"), "reason"),
                        "KubeletHasInsufficientMemory");
    assert_string_equal(json_path_str(find_cond(b, "MemoryPressure"), "lastTransitionTime"),
                        "2023-11-14T22:14:20Z");
    assert_string_equal(json_path_str(find_cond(b, "DiskPressure"), "status"), "True");
    assert_string_equal(json_path_str(find_cond(b, "PIDPressure"), "status"), "True");
    assert_false(agent__node_status_same(a, b));
    json_decref(b);
    /* A runtime that cannot run: NotReady with the reason why. */
    m.runtime_error = xstrdup("runc --version failed: not found");
    b = agent__node_status(&cfg, &m, &calm, NULL, 1700000060);
    assert_string_equal(json_path_str(find_cond(b, "Ready"), "status"), "False");
    assert_string_equal(json_path_str(find_cond(b, "Ready"), "message"),
                        "container runtime is down: runc --version failed: not found");
    json_decref(b);
    json_decref(a);
    agent__machine_release(&m);
    agent_config_release(&cfg);
}

static void test_labels_patch_and_lease(void **state)
{
    agent_config cfg;
    agent_machine m;
    json_t *node, *patch, *lease;
    char *err = NULL;
    (void)state;
    agent_config_init(&cfg);
    fake_machine(&m);
    node = agent__node_object(&cfg, &m, &calm, 1700000000);
    assert_null(agent__node_labels_patch(&cfg, &m, node));
    assert_int_equal(agent_config_set_labels(&cfg, "zone=z9", &err), 0);
    patch = agent__node_labels_patch(&cfg, &m, node);
    assert_non_null(patch);
    assert_int_equal(json_object_size(json_path(patch, "metadata.labels")), 1);
    assert_string_equal(json_path_str(patch, "metadata.labels.zone"), "z9");
    json_decref(patch);
    lease = agent__lease_object(&cfg, "node-a", "uid-9", "42", 1700000000123456LL);
    assert_string_equal(json_path_str(lease, "metadata.namespace"), "kube-node-lease");
    assert_string_equal(json_path_str(lease, "metadata.resourceVersion"), "42");
    assert_string_equal(json_path_str(lease, "spec.holderIdentity"), "node-a");
    assert_int_equal(json_integer_value(json_path(lease, "spec.leaseDurationSeconds")), 40);
    assert_string_equal(json_path_str(lease, "spec.renewTime"), "2023-11-14T22:13:20.123456Z");
    assert_string_equal(
        json_path_str(json_array_get(json_path(lease, "metadata.ownerReferences"), 0), "uid"),
        "uid-9");
    json_decref(lease);
    json_decref(node);
    agent__machine_release(&m);
    agent_config_release(&cfg);
}

static void test_real_machine(void **state)
{
    agent_config cfg;
    agent_machine m;
    agent_pressure p;
    char *err = NULL;
    (void)state;
    agent_config_init(&cfg);
    free(cfg.data_dir);
    cfg.data_dir = xstrdup("/tmp");
    cfg.node_ip = xstrdup("127.0.0.1");
    assert_int_equal(agent__machine_read(&cfg, &m, &err), 0);
    assert_true(m.cpus >= 1);
    assert_true(m.memory_bytes > 64LL * 1024 * 1024);
    assert_true(m.fs_bytes > 0);
    assert_string_equal(m.node_ip, "127.0.0.1");
    assert_true(strlen(m.node_name) > 0);
    assert_true(strlen(m.boot_id) == 36);
    assert_true(strlen(m.kernel) > 0);
    assert_true(!strcmp(m.arch, "amd64") || !strcmp(m.arch, "arm64") || strlen(m.arch) > 0);
    /* runc is installed on these machines. */
    assert_null(m.runtime_error);
    assert_true(!strncmp(m.runtime_version, "runc://1.", 9));
    agent__pressure_read("/tmp", &p);
    assert_true(p.mem_available > 0);
    assert_true(p.fs_size > 0 && p.fs_available <= p.fs_size);
    assert_true(p.pids > 0 && p.pid_max > 0);
    agent__machine_release(&m);
    agent_config_release(&cfg);
}

static void test_runtime_version_missing(void **state)
{
    char *err = NULL, *v;
    (void)state;
    v = agent__runtime_version("/nonexistent/runc", &err);
    assert_null(v);
    assert_string_equal(err, "/nonexistent/runc --version failed: not found");
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_lists),
        cmocka_unit_test(test_config_check),
        cmocka_unit_test(test_node_object),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_labels_patch_and_lease),
        cmocka_unit_test(test_real_machine),
        cmocka_unit_test(test_runtime_version_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
