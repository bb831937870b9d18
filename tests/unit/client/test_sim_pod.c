/*
 * test_sim_pod.c -- unit tests of the pod status a simulated node writes
 * (sim_int.h, pod.c): Running and Ready at once, kubelet's conditions and
 * container statuses, idempotence (planning the written pod again changes
 * nothing), --ready-after, ErrImagePull, init containers and sidecars,
 * conditions owned by others, readiness gates, deletion, and pods that
 * ended.
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
#define NOW_S "2026-01-01T00:00:00Z"
#define IP "10.100.0.7"

static json_t *pod(const char *extra_spec, const char *status)
{
    char *text = xasprintf("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
                           "\"namespace\":\"d\",\"uid\":\"U\",\"resourceVersion\":\"5\"},"
                           "\"spec\":{\"nodeName\":\"n\",\"containers\":[{\"name\":\"web\","
                           "\"image\":\"nginx:1.25\"},{\"name\":\"side\",\"image\":\"busybox\"}]%s},"
                           "\"status\":%s}",
                           extra_spec ? extra_spec : "", status ? status : "{\"phase\":\"Pending\","
                                                                          "\"qosClass\":\"BestEffort\"}");
    json_error_t e;
    json_t *p = json_loads(text, 0, &e);
    if (!p)
        fail_msg("bad pod JSON: %s\n%s", e.text, text);
    free(text);
    return p;
}

static json_t *cond(json_t *p, const char *type)
{
    json_t *c;
    size_t i;
    json_array_foreach(json_path(p, "status.conditions"), i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "type")), type))
            return c;
    }
    fail_msg("no condition %s", type);
    return NULL;
}

static const char *cond_field(json_t *p, const char *type, const char *field)
{
    return json_string_value(json_object_get(cond(p, type), field));
}

static json_t *cstatus(json_t *p, const char *key, size_t i)
{
    json_t *cs = json_array_get(json_path(p, key), i);
    assert_non_null(cs);
    return cs;
}

/* Planning the planned pod again must change nothing. */
static void expect_stable(const sim_config *cfg, json_t *p, int64_t now)
{
    sim_pod_plan again;
    sim__pod_plan(cfg, p, IP, now, &again);
    if (again.action != SIM_POD_NONE) {
        char *a = json_dumps(json_object_get(p, "status"), JSON_COMPACT);
        char *b = json_dumps(json_object_get(again.pod, "status"), JSON_COMPACT);
        fail_msg("not idempotent:\n%s\n%s", a, b);
    }
    sim__pod_plan_release(&again);
}

static void test_running_ready(void **state)
{
    sim_config cfg;
    sim_pod_plan plan;
    json_t *p = pod(NULL, NULL), *st, *cs;
    static const char *order[] = {"PodReadyToStartContainers", "Initialized", "Ready",
                                  "ContainersReady", "PodScheduled"};
    (void)state;
    sim_config_init(&cfg);

    sim__pod_plan(&cfg, p, IP, NOW, &plan);
    assert_int_equal(plan.action, SIM_POD_UPDATE);
    assert_int_equal(plan.recheck_at, 0);
    st = json_object_get(plan.pod, "status");
    assert_string_equal(json_path_str(st, "phase"), "Running");
    assert_string_equal(json_path_str(st, "qosClass"), "BestEffort"); /* kept */
    assert_string_equal(json_path_str(st, "hostIP"), IP);
    assert_string_equal(json_path_str(st, "podIP"), IP);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(st,
                                                                                           "podIPs"),
                                                                          0),
                                                          "ip")),
                        IP);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(st,
                                                                                           "hostIPs"),
                                                                          0),
                                                          "ip")),
                        IP);
    assert_string_equal(json_path_str(st, "startTime"), NOW_S);
    assert_int_equal(json_array_size(json_object_get(st, "conditions")), 5);
    for (size_t i = 0; i < 5; i++) {
        json_t *c = json_array_get(json_object_get(st, "conditions"), i);
        assert_string_equal(json_string_value(json_object_get(c, "type")), order[i]);
        assert_string_equal(json_string_value(json_object_get(c, "status")), "True");
        assert_string_equal(json_string_value(json_object_get(c, "lastTransitionTime")), NOW_S);
        assert_true(json_is_null(json_object_get(c, "lastProbeTime")));
        assert_null(json_object_get(c, "reason"));
    }
    assert_null(json_object_get(st, "initContainerStatuses"));
    assert_int_equal(json_array_size(json_object_get(st, "containerStatuses")), 2);
    cs = cstatus(plan.pod, "status.containerStatuses", 0);
    assert_string_equal(json_path_str(cs, "name"), "web");
    assert_string_equal(json_path_str(cs, "image"), "nginx:1.25");
    assert_string_equal(json_path_str(cs, "imageID"), "sim://nginx:1.25");
    assert_string_equal(json_path_str(cs, "containerID"), "sim://U-web");
    assert_true(json_is_true(json_object_get(cs, "ready")));
    assert_true(json_is_true(json_object_get(cs, "started")));
    assert_int_equal(json_integer_value(json_object_get(cs, "restartCount")), 0);
    assert_true(json_is_integer(json_object_get(cs, "restartCount")));
    assert_int_equal(json_object_size(json_object_get(cs, "lastState")), 0);
    assert_string_equal(json_path_str(cs, "state.running.startedAt"), NOW_S);
    assert_string_equal(json_path_str(cstatus(plan.pod, "status.containerStatuses", 1),
                                      "containerID"),
                        "sim://U-side");
    /* Everything else of the pod is untouched. */
    assert_true(json_equal(json_object_get(plan.pod, "spec"), json_object_get(p, "spec")));
    assert_true(json_equal(json_object_get(plan.pod, "metadata"), json_object_get(p, "metadata")));
    /* The input is not modified. */
    assert_string_equal(json_path_str(p, "status.phase"), "Pending");

    /* Later, the written pod needs nothing. */
    expect_stable(&cfg, plan.pod, NOW + 3600);
    sim__pod_plan_release(&plan);
    sim__pod_plan_release(&plan); /* idempotent */
    json_decref(p);
    sim_config_release(&cfg);
}

static void test_ready_after(void **state)
{
    sim_config cfg;
    sim_pod_plan a, b, c;
    json_t *p = pod(NULL, NULL);
    (void)state;
    sim_config_init(&cfg);
    cfg.ready_after = 30;

    sim__pod_plan(&cfg, p, IP, NOW, &a);
    assert_int_equal(a.action, SIM_POD_UPDATE);
    assert_int_equal(a.recheck_at, NOW + 30);
    assert_string_equal(json_path_str(a.pod, "status.phase"), "Running");
    assert_string_equal(cond_field(a.pod, "Ready", "status"), "False");
    assert_string_equal(cond_field(a.pod, "Ready", "reason"), "ContainersNotReady");
    assert_string_equal(cond_field(a.pod, "Ready", "message"),
                        "containers with unready status: [web side]");
    assert_string_equal(cond_field(a.pod, "ContainersReady", "status"), "False");
    assert_string_equal(cond_field(a.pod, "ContainersReady", "message"),
                        "containers with unready status: [web side]");
    assert_string_equal(cond_field(a.pod, "Initialized", "status"), "True");
    assert_true(json_is_false(json_object_get(cstatus(a.pod, "status.containerStatuses", 0),
                                              "ready")));
    assert_true(json_is_true(json_object_get(cstatus(a.pod, "status.containerStatuses", 0),
                                             "started")));

    /* Before the time: nothing to write, look again at the same moment. */
    sim__pod_plan(&cfg, a.pod, IP, NOW + 10, &b);
    assert_int_equal(b.action, SIM_POD_NONE);
    assert_int_equal(b.recheck_at, NOW + 30);
    assert_null(b.pod);

    /* At the time: Ready, with new transition times only where they move. */
    sim__pod_plan(&cfg, a.pod, IP, NOW + 30, &c);
    assert_int_equal(c.action, SIM_POD_UPDATE);
    assert_int_equal(c.recheck_at, 0);
    assert_string_equal(cond_field(c.pod, "Ready", "status"), "True");
    assert_string_equal(cond_field(c.pod, "Ready", "lastTransitionTime"), "2026-01-01T00:00:30Z");
    assert_null(cond_field(c.pod, "Ready", "reason"));
    assert_null(cond_field(c.pod, "Ready", "message"));
    assert_string_equal(cond_field(c.pod, "ContainersReady", "lastTransitionTime"),
                        "2026-01-01T00:00:30Z");
    assert_string_equal(cond_field(c.pod, "Initialized", "lastTransitionTime"), NOW_S);
    assert_string_equal(json_path_str(c.pod, "status.startTime"), NOW_S);
    assert_string_equal(json_path_str(cstatus(c.pod, "status.containerStatuses", 0),
                                      "state.running.startedAt"),
                        NOW_S);
    assert_true(json_is_true(json_object_get(cstatus(c.pod, "status.containerStatuses", 1),
                                             "ready")));
    expect_stable(&cfg, c.pod, NOW + 31);
    sim__pod_plan_release(&a);
    sim__pod_plan_release(&b);
    sim__pod_plan_release(&c);
    json_decref(p);
    sim_config_release(&cfg);
}

static void test_image_pull_failure(void **state)
{
    sim_config cfg;
    sim_pod_plan a;
    json_t *p, *cs;
    (void)state;
    sim_config_init(&cfg);
    p = pod(NULL, NULL);
    json_object_set_new(json_array_get(json_path(p, "spec.containers"), 1), "image",
                        json_string("x:non-existent"));

    sim__pod_plan(&cfg, p, IP, NOW, &a);
    assert_int_equal(a.action, SIM_POD_UPDATE);
    assert_int_equal(a.recheck_at, 0);
    assert_string_equal(json_path_str(a.pod, "status.phase"), "Pending");
    cs = cstatus(a.pod, "status.containerStatuses", 1);
    assert_string_equal(json_path_str(cs, "state.waiting.reason"), "ErrImagePull");
    assert_string_equal(json_path_str(cs, "state.waiting.message"),
                        "rpc error: code = NotFound desc = failed to pull and unpack image "
                        "\"x:non-existent\": failed to resolve reference \"x:non-existent\": "
                        "x:non-existent: not found");
    assert_true(json_is_false(json_object_get(cs, "ready")));
    assert_true(json_is_false(json_object_get(cs, "started")));
    assert_string_equal(json_path_str(cs, "imageID"), "");
    assert_null(json_object_get(cs, "containerID"));
    /* The other container runs. */
    cs = cstatus(a.pod, "status.containerStatuses", 0);
    assert_non_null(json_path(cs, "state.running"));
    assert_true(json_is_true(json_object_get(cs, "ready")));
    assert_string_equal(cond_field(a.pod, "Ready", "message"),
                        "containers with unready status: [side]");
    assert_string_equal(cond_field(a.pod, "ContainersReady", "reason"), "ContainersNotReady");
    assert_string_equal(cond_field(a.pod, "PodScheduled", "status"), "True");
    assert_string_equal(json_path_str(a.pod, "status.podIP"), IP);
    expect_stable(&cfg, a.pod, NOW + 100);

    /* With the failure patterns cleared, the same pod starts. */
    char *err = NULL;
    assert_int_equal(sim_config_set_fail_images(&cfg, "", &err), 0);
    sim_pod_plan b;
    sim__pod_plan(&cfg, a.pod, IP, NOW + 100, &b);
    assert_int_equal(b.action, SIM_POD_UPDATE);
    assert_string_equal(json_path_str(b.pod, "status.phase"), "Running");
    assert_string_equal(json_path_str(cstatus(b.pod, "status.containerStatuses", 1),
                                      "state.running.startedAt"),
                        "2026-01-01T00:01:40Z");
    /* The first container kept running since the start. */
    assert_string_equal(json_path_str(cstatus(b.pod, "status.containerStatuses", 0),
                                      "state.running.startedAt"),
                        NOW_S);
    sim__pod_plan_release(&a);
    sim__pod_plan_release(&b);
    json_decref(p);
    sim_config_release(&cfg);
}

static void test_init_containers(void **state)
{
    sim_config cfg;
    sim_pod_plan a;
    json_t *p, *ics;
    (void)state;
    sim_config_init(&cfg);
    p = pod(",\"initContainers\":[{\"name\":\"setup\",\"image\":\"busybox\"},"
            "{\"name\":\"proxy\",\"image\":\"envoy\",\"restartPolicy\":\"Always\"}]",
            NULL);
    sim__pod_plan(&cfg, p, IP, NOW, &a);
    assert_string_equal(json_path_str(a.pod, "status.phase"), "Running");
    ics = json_path(a.pod, "status.initContainerStatuses");
    assert_int_equal(json_array_size(ics), 2);
    json_t *setup = json_array_get(ics, 0);
    assert_string_equal(json_path_str(setup, "state.terminated.reason"), "Completed");
    assert_int_equal(json_integer_value(json_path(setup, "state.terminated.exitCode")), 0);
    assert_string_equal(json_path_str(setup, "state.terminated.containerID"), "sim://U-setup");
    assert_string_equal(json_path_str(setup, "state.terminated.finishedAt"), NOW_S);
    assert_true(json_is_true(json_object_get(setup, "ready")));
    assert_true(json_is_false(json_object_get(setup, "started")));
    json_t *proxy = json_array_get(ics, 1); /* a sidecar keeps running */
    assert_non_null(json_path(proxy, "state.running"));
    assert_true(json_is_true(json_object_get(proxy, "started")));
    assert_string_equal(cond_field(a.pod, "Initialized", "status"), "True");
    expect_stable(&cfg, a.pod, NOW + 50);
    sim__pod_plan_release(&a);
    json_decref(p);

    /* An init container that cannot pull blocks everything after it. */
    p = pod(",\"initContainers\":[{\"name\":\"a\",\"image\":\"busybox\"},"
            "{\"name\":\"b\",\"image\":\"y:non-existent\"},{\"name\":\"c\",\"image\":\"busybox\"}]",
            NULL);
    sim__pod_plan(&cfg, p, IP, NOW, &a);
    assert_string_equal(json_path_str(a.pod, "status.phase"), "Pending");
    ics = json_path(a.pod, "status.initContainerStatuses");
    assert_string_equal(json_path_str(json_array_get(ics, 0), "state.terminated.reason"),
                        "Completed");
    assert_string_equal(json_path_str(json_array_get(ics, 1), "state.waiting.reason"),
                        "ErrImagePull");
    assert_string_equal(json_path_str(json_array_get(ics, 2), "state.waiting.reason"),
                        "PodInitializing");
    assert_string_equal(json_path_str(cstatus(a.pod, "status.containerStatuses", 0),
                                      "state.waiting.reason"),
                        "PodInitializing");
    assert_string_equal(cond_field(a.pod, "Initialized", "status"), "False");
    assert_string_equal(cond_field(a.pod, "Initialized", "reason"), "ContainersNotInitialized");
    assert_string_equal(cond_field(a.pod, "Initialized", "message"),
                        "containers with incomplete status: [b c]");
    assert_string_equal(cond_field(a.pod, "Ready", "message"),
                        "containers with unready status: [web side]");
    assert_int_equal(a.recheck_at, 0);
    expect_stable(&cfg, a.pod, NOW + 50);
    sim__pod_plan_release(&a);
    json_decref(p);
    sim_config_release(&cfg);
}

static void test_foreign_conditions_and_gates(void **state)
{
    sim_config cfg;
    sim_pod_plan a, b;
    json_t *p;
    (void)state;
    sim_config_init(&cfg);
    p = pod(",\"readinessGates\":[{\"conditionType\":\"example.com/lb\"}]",
            "{\"phase\":\"Pending\",\"conditions\":[{\"type\":\"PodScheduled\",\"status\":\"True\","
            "\"lastProbeTime\":null,\"lastTransitionTime\":\"2025-12-31T23:59:00Z\"},"
            "{\"type\":\"DisruptionTarget\",\"status\":\"False\"}]}");
    sim__pod_plan(&cfg, p, IP, NOW, &a);
    json_t *conds = json_path(a.pod, "status.conditions");
    assert_int_equal(json_array_size(conds), 6);
    /* Others' conditions first, as kubelet merges them. */
    assert_string_equal(json_string_value(json_object_get(json_array_get(conds, 0), "type")),
                        "DisruptionTarget");
    assert_string_equal(cond_field(a.pod, "PodScheduled", "lastTransitionTime"),
                        "2025-12-31T23:59:00Z");
    assert_string_equal(cond_field(a.pod, "ContainersReady", "status"), "True");
    assert_string_equal(cond_field(a.pod, "Ready", "status"), "False");
    assert_string_equal(cond_field(a.pod, "Ready", "reason"), "ReadinessGatesNotReady");
    assert_string_equal(cond_field(a.pod, "Ready", "message"),
                        "corresponding condition of pod readiness gate \"example.com/lb\" does "
                        "not exist.");
    expect_stable(&cfg, a.pod, NOW + 5);

    /* The gate's owner sets it False, then True. */
    json_array_append_new(json_path(a.pod, "status.conditions"),
                          json_pack("{s:s,s:s}", "type", "example.com/lb", "status", "False"));
    sim__pod_plan(&cfg, a.pod, IP, NOW + 5, &b);
    assert_string_equal(cond_field(b.pod, "Ready", "message"),
                        "the status of pod readiness gate \"example.com/lb\" is not \"True\", but "
                        "False");
    sim__pod_plan_release(&b);
    json_object_set_new(cond(a.pod, "example.com/lb"), "status", json_string("True"));
    sim__pod_plan(&cfg, a.pod, IP, NOW + 6, &b);
    assert_int_equal(b.action, SIM_POD_UPDATE);
    assert_string_equal(cond_field(b.pod, "Ready", "status"), "True");
    assert_string_equal(cond_field(b.pod, "example.com/lb", "status"), "True");
    sim__pod_plan_release(&a);
    sim__pod_plan_release(&b);
    json_decref(p);
    sim_config_release(&cfg);
}

static void test_delete_and_ended(void **state)
{
    sim_config cfg;
    sim_pod_plan a;
    json_t *p;
    (void)state;
    sim_config_init(&cfg);

    p = pod(NULL, NULL);
    json_object_set_new(json_object_get(p, "metadata"), "deletionTimestamp",
                        json_string(NOW_S));
    sim__pod_plan(&cfg, p, IP, NOW, &a);
    assert_int_equal(a.action, SIM_POD_DELETE);
    assert_null(a.pod);
    json_decref(p);

    /* Even a deleted, failed pod goes. */
    p = pod(NULL, "{\"phase\":\"Failed\"}");
    json_object_set_new(json_object_get(p, "metadata"), "deletionTimestamp",
                        json_string(NOW_S));
    sim__pod_plan(&cfg, p, IP, NOW, &a);
    assert_int_equal(a.action, SIM_POD_DELETE);
    json_decref(p);

    static const char *ended[] = {"{\"phase\":\"Failed\",\"reason\":\"Evicted\"}",
                                  "{\"phase\":\"Succeeded\"}"};
    for (size_t i = 0; i < 2; i++) {
        p = pod(NULL, ended[i]);
        sim__pod_plan(&cfg, p, IP, NOW, &a);
        assert_int_equal(a.action, SIM_POD_NONE);
        assert_int_equal(a.recheck_at, 0);
        json_decref(p);
    }

    /* Odd pods do not crash it: no containers, no status, junk entries. */
    p = json_loads("{\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":[{},{\"name\":1},"
                   "\"junk\"]}}",
                   0, NULL);
    sim__pod_plan(&cfg, p, IP, NOW, &a);
    assert_int_equal(a.action, SIM_POD_UPDATE);
    assert_int_equal(json_array_size(json_path(a.pod, "status.containerStatuses")), 0);
    assert_string_equal(json_path_str(a.pod, "status.phase"), "Running");
    sim__pod_plan_release(&a);
    json_decref(p);
    p = json_object();
    sim__pod_plan(&cfg, p, IP, NOW, &a);
    assert_int_equal(a.action, SIM_POD_UPDATE);
    sim__pod_plan_release(&a);
    json_decref(p);
    sim_config_release(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_running_ready),
        cmocka_unit_test(test_ready_after),
        cmocka_unit_test(test_image_pull_failure),
        cmocka_unit_test(test_init_containers),
        cmocka_unit_test(test_foreign_conditions_and_gates),
        cmocka_unit_test(test_delete_and_ended),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
