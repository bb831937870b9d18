/*
 * test_status.c -- what the agent reports (agent_int.h, status.c): the
 * restart back-off (immediate first restart, then 10 s doubling to 5 min,
 * forgotten after 10 min of clean running), Go duration text, container
 * statuses (waiting / running / terminated, lastState while backing off,
 * containerID, image), kubelet's pod phase for each restartPolicy and for
 * init containers, the conditions (unready lists, transition times kept,
 * readiness gates, foreign conditions kept, PodCompleted), terminal
 * phases when a pod is stopped for good, and the status merge patch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/agent_int.h"

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, 0, &e);
    if (!v)
        fail_msg("bad test JSON: %s: %s", e.text, text);
    return v;
}

/* ---- back-off --------------------------------------------------------------- */

static void test_backoff(void **state)
{
    agent_backoff b = {0};
    int64_t t = 1000000;
    (void)state;
    /* Never backed off: an exit restarts at once. */
    assert_false(agent__backoff_active(&b, t, t));
    agent__backoff_next(&b, t, t);
    assert_int_equal(b.delay_s, 10);
    /* The next exit, 2 s later, waits 10 s from its finish. */
    assert_true(agent__backoff_active(&b, t + 2, t + 2));
    assert_true(agent__backoff_active(&b, t + 2, t + 11));
    assert_false(agent__backoff_active(&b, t + 2, t + 12));
    agent__backoff_next(&b, t + 2, t + 12);
    assert_int_equal(b.delay_s, 20);
    for (int i = 0; i < 10; i++)
        agent__backoff_next(&b, t + 20, t + 20);
    assert_int_equal(b.delay_s, 300);
    /* An attempt that ran more than 10 min after the last step is not
     * backed off, and the next step starts over. */
    assert_false(agent__backoff_active(&b, t + 20 + 601, t + 20 + 601));
    agent__backoff_next(&b, t + 20 + 601, t + 20 + 601);
    assert_int_equal(b.delay_s, 10);
}

static void test_go_duration(void **state)
{
    char buf[32];
    (void)state;
    agent__go_duration(10, buf, sizeof buf);
    assert_string_equal(buf, "10s");
    agent__go_duration(80, buf, sizeof buf);
    assert_string_equal(buf, "1m20s");
    agent__go_duration(300, buf, sizeof buf);
    assert_string_equal(buf, "5m0s");
    agent__go_duration(3725, buf, sizeof buf);
    assert_string_equal(buf, "1h2m5s");
    agent__go_duration(0, buf, sizeof buf);
    assert_string_equal(buf, "0s");
}

/* ---- statuses ----------------------------------------------------------------- */

static void ctr_init(agent_ctr *c, const char *name, bool init)
{
    memset(c, 0, sizeof *c);
    c->name = xstrdup(name);
    c->init = init;
    c->spec = json_pack("{s:s,s:s}", "name", name, "image", "busybox:1");
}

static void ctr_running(agent_ctr *c, const char *id, bool ready)
{
    c->id = xstrdup(id);
    c->id_confirmed = true;
    c->state = CTR_RUNNING;
    c->started_at = 1700000000;
    c->ready = ready;
    c->started = true;
    c->image_ref = xstrdup("docker.io/library/busybox:1");
    c->image_id = xstrdup("sha256:abc");
}

static void ctr_exited(agent_ctr *c, const char *id, int code, bool restarting)
{
    char cid[64];
    snprintf(cid, sizeof cid, "runc://%s", id);
    c->id = xstrdup(id);
    c->id_confirmed = true;
    c->exited = true;
    c->term = agent__terminated(code, agent__exit_reason(code, false), NULL, 1700000000,
                                1700000005, cid);
    c->state = restarting ? CTR_WAITING : CTR_TERMINATED;
    if (restarting) {
        c->reason = xstrdup("CrashLoopBackOff");
        c->message = xstrdup("back-off 10s restarting failed container=c pod=p_ns(u)");
    }
}

static json_t *status_of(json_t *pod, agent_ctr *ctrs, size_t n, bool terminal)
{
    agent_status_in in = {.pod = pod,
                          .ctrs = ctrs,
                          .n_ctrs = n,
                          .node_ip = "10.0.0.5",
                          .now = 1700000100,
                          .terminal = terminal};
    return agent__pod_status(&in);
}

static json_t *cond(json_t *st, const char *type)
{
    json_t *c;
    size_t i;
    json_array_foreach(json_object_get(st, "conditions"), i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "type")), type))
            return c;
    }
    fail_msg("no condition %s", type);
    return NULL;
}

static const char *cond_status(json_t *st, const char *type)
{
    return json_string_value(json_object_get(cond(st, type), "status"));
}

static void release_all(agent_ctr *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        agent__ctr_release(&c[i]);
}

static void test_running_ready(void **state)
{
    json_t *pod = parse("{\"metadata\":{\"uid\":\"u\"},\"spec\":{\"restartPolicy\":\"Always\"}}");
    agent_ctr c[2];
    json_t *st, *cs;
    (void)state;
    ctr_init(&c[0], "a", false);
    ctr_init(&c[1], "b", false);
    ctr_running(&c[0], "u-a-0", true);
    ctr_running(&c[1], "u-b-0", false);
    st = status_of(pod, c, 2, false);
    assert_string_equal(json_string_value(json_object_get(st, "phase")), "Running");
    assert_string_equal(json_path_str(st, "hostIP"), "10.0.0.5");
    assert_string_equal(json_path_str(st, "podIP"), "10.0.0.5");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(st, "podIPs"), 0), "ip")),
                        "10.0.0.5");
    assert_string_equal(json_path_str(st, "startTime"), "2023-11-14T22:15:00Z");
    assert_string_equal(cond_status(st, "Ready"), "False");
    assert_string_equal(json_string_value(json_object_get(cond(st, "Ready"), "message")),
                        "containers with unready status: [b]");
    assert_string_equal(cond_status(st, "ContainersReady"), "False");
    assert_string_equal(cond_status(st, "Initialized"), "True");
    assert_string_equal(cond_status(st, "PodScheduled"), "True");
    cs = json_array_get(json_object_get(st, "containerStatuses"), 0);
    assert_string_equal(json_path_str(cs, "containerID"), "runc://u-a-0");
    assert_string_equal(json_path_str(cs, "image"), "docker.io/library/busybox:1");
    assert_string_equal(json_path_str(cs, "imageID"), "sha256:abc");
    assert_string_equal(json_path_str(cs, "state.running.startedAt"), "2023-11-14T22:13:20Z");
    assert_true(json_is_true(json_object_get(cs, "ready")));
    assert_true(json_is_true(json_object_get(cs, "started")));
    assert_int_equal(json_object_size(json_object_get(cs, "lastState")), 0);
    assert_null(json_object_get(st, "initContainerStatuses"));

    /* All ready: Ready True; transition times move only on change. */
    c[1].ready = true;
    json_object_set_new(pod, "status", st);
    json_object_set_new(cond(st, "PodScheduled"), "lastTransitionTime",
                        json_string("2020-01-01T00:00:00Z"));
    st = status_of(pod, c, 2, false);
    assert_string_equal(cond_status(st, "Ready"), "True");
    assert_string_equal(json_path_str(cond(st, "PodScheduled"), "lastTransitionTime"),
                        "2020-01-01T00:00:00Z");
    assert_string_equal(json_path_str(cond(st, "Ready"), "lastTransitionTime"),
                        "2023-11-14T22:15:00Z");
    json_decref(st);
    release_all(c, 2);
    json_decref(pod);
}

static void test_crash_loop(void **state)
{
    json_t *pod = parse("{\"spec\":{\"restartPolicy\":\"Always\"}}");
    agent_ctr c;
    json_t *st, *cs;
    (void)state;
    ctr_init(&c, "c", false);
    ctr_exited(&c, "u-c-2", 1, true);
    c.restart_count = 2;
    st = status_of(pod, &c, 1, false);
    /* Restarting containers keep the pod Running. */
    assert_string_equal(json_path_str(st, "phase"), "Running");
    cs = json_array_get(json_object_get(st, "containerStatuses"), 0);
    assert_string_equal(json_path_str(cs, "state.waiting.reason"), "CrashLoopBackOff");
    assert_non_null(strstr(json_path_str(cs, "state.waiting.message"), "back-off 10s"));
    /* While waiting, lastState is the attempt that just ended. */
    assert_string_equal(json_path_str(cs, "lastState.terminated.reason"), "Error");
    assert_int_equal(json_integer_value(json_path(cs, "lastState.terminated.exitCode")), 1);
    assert_int_equal(json_integer_value(json_object_get(cs, "restartCount")), 2);
    assert_string_equal(json_path_str(cs, "containerID"), "runc://u-c-2");
    assert_false(json_is_true(json_object_get(cs, "ready")));
    json_decref(st);
    agent__ctr_release(&c);
    json_decref(pod);
}

static const char *phase_for(const char *policy, int code, bool restarting)
{
    static char buf[16];
    char spec[64];
    json_t *pod, *st;
    agent_ctr c;
    snprintf(spec, sizeof spec, "{\"spec\":{\"restartPolicy\":\"%s\"}}", policy);
    pod = parse(spec);
    ctr_init(&c, "c", false);
    ctr_exited(&c, "x-c-0", code, restarting);
    st = status_of(pod, &c, 1, false);
    snprintf(buf, sizeof buf, "%s", json_path_str(st, "phase"));
    json_decref(st);
    agent__ctr_release(&c);
    json_decref(pod);
    return buf;
}

static void test_phases(void **state)
{
    json_t *pod, *st;
    agent_ctr c;
    (void)state;
    assert_string_equal(phase_for("Never", 0, false), "Succeeded");
    assert_string_equal(phase_for("Never", 2, false), "Failed");
    assert_string_equal(phase_for("OnFailure", 0, false), "Succeeded");
    assert_string_equal(phase_for("OnFailure", 2, true), "Running");
    assert_string_equal(phase_for("Always", 0, true), "Running");

    /* Nothing started yet: Pending, ContainerCreating. */
    pod = parse("{\"spec\":{}}");
    ctr_init(&c, "c", false);
    c.state = CTR_WAITING;
    st = status_of(pod, &c, 1, false);
    assert_string_equal(json_path_str(st, "phase"), "Pending");
    assert_string_equal(
        json_path_str(json_array_get(json_object_get(st, "containerStatuses"), 0),
                      "state.waiting.reason"),
        "ContainerCreating");
    json_decref(st);

    /* A Succeeded pod: Ready False with reason PodCompleted. */
    agent__ctr_release(&c);
    ctr_init(&c, "c", false);
    ctr_exited(&c, "x-c-0", 0, false);
    json_decref(pod);
    pod = parse("{\"spec\":{\"restartPolicy\":\"Never\"}}");
    st = status_of(pod, &c, 1, false);
    assert_string_equal(json_path_str(cond(st, "Ready"), "reason"), "PodCompleted");
    /* Once ended, the phase stays, whatever comes next. */
    json_object_set_new(pod, "status", st);
    agent__ctr_release(&c);
    ctr_init(&c, "c", false);
    ctr_running(&c, "x-c-1", true);
    st = status_of(pod, &c, 1, false);
    assert_string_equal(json_path_str(st, "phase"), "Succeeded");
    json_decref(st);
    agent__ctr_release(&c);
    json_decref(pod);
}

static void test_terminal(void **state)
{
    json_t *pod = parse("{\"spec\":{\"restartPolicy\":\"Always\"}}"), *st;
    agent_ctr c;
    (void)state;
    /* A pod deleted while restartPolicy Always: SIGTERM exit 143 ends it
     * Failed; a clean exit 0 ends it Succeeded; while running it stays. */
    ctr_init(&c, "c", false);
    ctr_exited(&c, "x-c-0", 143, false);
    st = status_of(pod, &c, 1, true);
    assert_string_equal(json_path_str(st, "phase"), "Failed");
    json_decref(st);
    agent__ctr_release(&c);
    ctr_init(&c, "c", false);
    ctr_exited(&c, "x-c-0", 0, false);
    st = status_of(pod, &c, 1, true);
    assert_string_equal(json_path_str(st, "phase"), "Succeeded");
    json_decref(st);
    agent__ctr_release(&c);
    ctr_init(&c, "c", false);
    ctr_running(&c, "x-c-0", true);
    st = status_of(pod, &c, 1, true);
    assert_string_equal(json_path_str(st, "phase"), "Running");
    json_decref(st);
    agent__ctr_release(&c);
    json_decref(pod);
}

static void test_init_containers(void **state)
{
    json_t *pod = parse("{\"spec\":{\"restartPolicy\":\"Always\"}}"), *st, *ics;
    agent_ctr c[3];
    (void)state;
    ctr_init(&c[0], "i1", true);
    ctr_init(&c[1], "i2", true);
    ctr_init(&c[2], "main", false);
    ctr_exited(&c[0], "x-i1-0", 0, false);
    ctr_running(&c[1], "x-i2-0", false);
    c[2].state = CTR_WAITING;
    c[2].reason = xstrdup("PodInitializing");
    st = status_of(pod, c, 3, false);
    assert_string_equal(json_path_str(st, "phase"), "Pending");
    assert_string_equal(cond_status(st, "Initialized"), "False");
    assert_string_equal(json_path_str(cond(st, "Initialized"), "message"),
                        "containers with incomplete status: [i2]");
    ics = json_object_get(st, "initContainerStatuses");
    assert_int_equal(json_array_size(ics), 2);
    /* A completed init container is ready. */
    assert_true(json_is_true(json_object_get(json_array_get(ics, 0), "ready")));
    assert_string_equal(json_path_str(json_array_get(ics, 0), "state.terminated.reason"),
                        "Completed");
    assert_int_equal(json_array_size(json_object_get(st, "containerStatuses")), 1);
    json_decref(st);

    /* A failing init container fails a Never pod. */
    agent__ctr_release(&c[1]);
    ctr_init(&c[1], "i2", true);
    ctr_exited(&c[1], "x-i2-0", 1, false);
    json_decref(pod);
    pod = parse("{\"spec\":{\"restartPolicy\":\"Never\"}}");
    st = status_of(pod, c, 3, false);
    assert_string_equal(json_path_str(st, "phase"), "Failed");
    json_decref(st);
    release_all(c, 3);
    json_decref(pod);
}

static void test_conditions_kept(void **state)
{
    json_t *pod = parse(
        "{\"spec\":{\"readinessGates\":[{\"conditionType\":\"example.com/gate\"}]},"
        "\"status\":{\"qosClass\":\"BestEffort\",\"startTime\":\"2021-01-01T00:00:00Z\","
        "\"conditions\":[{\"type\":\"example.com/gate\",\"status\":\"False\"},"
        "{\"type\":\"PodScheduled\",\"status\":\"True\",\"lastTransitionTime\":"
        "\"2021-01-01T00:00:00Z\"}]}}");
    agent_ctr c;
    json_t *st;
    (void)state;
    ctr_init(&c, "c", false);
    ctr_running(&c, "x-c-0", true);
    st = status_of(pod, &c, 1, false);
    /* Fields and conditions others own are kept. */
    assert_string_equal(json_path_str(st, "qosClass"), "BestEffort");
    assert_string_equal(json_path_str(st, "startTime"), "2021-01-01T00:00:00Z");
    assert_string_equal(cond_status(st, "example.com/gate"), "False");
    assert_string_equal(json_path_str(cond(st, "PodScheduled"), "lastTransitionTime"),
                        "2021-01-01T00:00:00Z");
    /* The gate holds Ready back though the containers are ready. */
    assert_string_equal(cond_status(st, "ContainersReady"), "True");
    assert_string_equal(cond_status(st, "Ready"), "False");
    assert_string_equal(json_path_str(cond(st, "Ready"), "reason"), "ReadinessGatesNotReady");
    json_decref(st);
    agent__ctr_release(&c);
    json_decref(pod);
}

static void test_status_patch(void **state)
{
    json_t *old = parse("{\"phase\":\"Running\",\"message\":\"m\",\"reason\":\"r\"}");
    json_t *st = parse("{\"phase\":\"Failed\",\"reason\":\"r\"}");
    json_t *p = agent__status_patch("uid-1", old, st);
    (void)state;
    assert_string_equal(json_path_str(p, "metadata.uid"), "uid-1");
    assert_string_equal(json_path_str(p, "status.phase"), "Failed");
    assert_true(json_is_null(json_path(p, "status.message")));
    assert_string_equal(json_path_str(p, "status.reason"), "r");
    json_decref(p);
    json_decref(old);
    json_decref(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff),         cmocka_unit_test(test_go_duration),
        cmocka_unit_test(test_running_ready),   cmocka_unit_test(test_crash_loop),
        cmocka_unit_test(test_phases),          cmocka_unit_test(test_terminal),
        cmocka_unit_test(test_init_containers), cmocka_unit_test(test_conditions_kept),
        cmocka_unit_test(test_status_patch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
