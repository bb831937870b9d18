/*
 * status.c -- what the agent reports about a pod (agent_int.h): the
 * restart and pull back-off arithmetic (kubelet's flowcontrol.Backoff with
 * a 10 s start, doubling to 5 min, forgotten after 10 min), container
 * statuses, the pod phase (kubelet's getPhase), the pod conditions, and
 * the merge patch that writes a new status.  Pure functions of the pod
 * JSON and the agent_ctr structs, unit-tested in
 * tests/unit/agent/test_status.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_int.h"

/* ---- back-off ----------------------------------------------------------------- */

bool agent__backoff_active(const agent_backoff *b, int64_t event_at, int64_t now)
{
    if (b->delay_s <= 0)
        return false;
    /* An attempt that ran cleanly for the reset period is not backed off. */
    if (event_at - b->updated_at > 2 * AGENT_BACKOFF_MAX_S)
        return false;
    return now - event_at < b->delay_s;
}

void agent__backoff_next(agent_backoff *b, int64_t event_at, int64_t now)
{
    if (b->delay_s <= 0 || event_at - b->updated_at > 2 * AGENT_BACKOFF_MAX_S)
        b->delay_s = AGENT_BACKOFF_INITIAL_S;
    else
        b->delay_s = b->delay_s * 2 > AGENT_BACKOFF_MAX_S ? AGENT_BACKOFF_MAX_S : b->delay_s * 2;
    b->updated_at = now;
}

void agent__go_duration(int64_t s, char *buf, size_t len)
{
    if (s < 60)
        snprintf(buf, len, "%llds", (long long)s);
    else if (s < 3600)
        snprintf(buf, len, "%lldm%llds", (long long)(s / 60), (long long)(s % 60));
    else
        snprintf(buf, len, "%lldh%lldm%llds", (long long)(s / 3600), (long long)(s % 3600 / 60),
                 (long long)(s % 60));
}

/* ---- containers ---------------------------------------------------------------- */

void agent__ctr_release(agent_ctr *c)
{
    if (!c)
        return;
    free(c->name);
    json_decref(c->spec);
    free(c->id);
    json_decref(c->term);
    json_decref(c->last_term);
    free(c->image_ref);
    free(c->image_id);
    free(c->spec_image);
    free(c->reason);
    free(c->message);
    free(c->pull_error);
    for (int i = 0; i < 3; i++)
        agent__probe_spec_release(&c->probes[i]);
    memset(c, 0, sizeof *c);
}

const char *agent__exit_reason(int exit_code, bool oom_killed)
{
    if (oom_killed)
        return "OOMKilled";
    return exit_code == 0 ? "Completed" : "Error";
}

json_t *agent__terminated(int exit_code, const char *reason, const char *message,
                          int64_t started_at, int64_t finished_at, const char *container_id)
{
    char st[32], fin[32];
    json_t *t;

    time_format_rfc3339(started_at, st, sizeof st);
    time_format_rfc3339(finished_at, fin, sizeof fin);
    t = json_pack("{s:i,s:s,s:s,s:s}", "exitCode", exit_code, "reason", reason, "startedAt", st,
                  "finishedAt", fin);
    if (message && *message)
        json_object_set_new(t, "message", json_string(message));
    if (container_id && *container_id)
        json_object_set_new(t, "containerID", json_string(container_id));
    return t;
}

bool agent__init_done(const agent_ctr *c)
{
    if (c->sidecar)
        return c->state == CTR_RUNNING && c->started;
    return c->state == CTR_TERMINATED && c->term &&
           json_integer_value(json_object_get(c->term, "exitCode")) == 0;
}

json_t *agent__last_state(const agent_ctr *c)
{
    if (c->state == CTR_WAITING && c->exited && c->term)
        return c->term;
    return c->last_term;
}

static json_t *ctr_status(const agent_ctr *c)
{
    const char *spec_image = json_string_value(json_object_get(c->spec, "image"));
    json_t *state, *st;
    bool ready = false, started = false;
    char ts[32];

    switch (c->state) {
    case CTR_RUNNING:
        time_format_rfc3339(c->started_at, ts, sizeof ts);
        state = json_pack("{s:{s:s}}", "running", "startedAt", ts);
        ready = c->ready;
        started = c->started;
        break;
    case CTR_TERMINATED:
        state = json_pack("{s:O}", "terminated", c->term ? c->term : json_object());
        /* A completed init container counts as ready. */
        ready = c->init && !c->sidecar && agent__init_done(c);
        break;
    case CTR_WAITING:
    default:
        state = json_pack("{s:{s:s}}", "waiting", "reason",
                          c->reason ? c->reason : "ContainerCreating");
        if (c->message && *c->message)
            json_object_set_new(json_object_get(state, "waiting"), "message",
                                json_string(c->message));
        break;
    }
    st = json_pack("{s:s,s:o,s:o,s:b,s:i,s:s,s:s,s:b}", "name", c->name, "state", state,
                   "lastState",
                   agent__last_state(c) ? json_pack("{s:O}", "terminated", agent__last_state(c))
                                        : json_object(),
                   "ready", ready, "restartCount", c->restart_count, "image",
                   c->image_ref ? c->image_ref : (spec_image ? spec_image : ""), "imageID",
                   c->image_id ? c->image_id : "", "started", started);
    if (c->id && c->id_confirmed) {
        char *cid = xasprintf("runc://%s", c->id);
        json_object_set_new(st, "containerID", json_string(cid));
        free(cid);
    }
    return st;
}

/* ---- phase and conditions ------------------------------------------------------- */

static const char *const kubelet_conditions[] = {
    "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled", NULL};

static bool is_kubelet_condition(const char *type)
{
    for (size_t i = 0; kubelet_conditions[i]; i++)
        if (strcmp(kubelet_conditions[i], type) == 0)
            return true;
    return false;
}

static json_t *find_by(json_t *arr, const char *field, const char *value)
{
    json_t *e;
    size_t i;
    json_array_foreach(arr, i, e)
    {
        const char *v = json_string_value(json_object_get(e, field));
        if (v && value && strcmp(v, value) == 0)
            return e;
    }
    return NULL;
}

/* kubelet's getPhase over our containers. */
static const char *pod_phase(const agent_status_in *in, const char *restart_policy)
{
    int pending_init = 0, failed_init = 0;
    int running = 0, waiting = 0, stopped = 0, succeeded = 0;

    if (in->terminal) {
        /* Stopped for good: once nothing runs, Succeeded when every
         * container's last attempt exited 0, else Failed. */
        bool all_ok = true, any_running = false;
        for (size_t i = 0; i < in->n_ctrs; i++) {
            const agent_ctr *c = &in->ctrs[i];
            json_t *t = c->state == CTR_TERMINATED ? c->term : agent__last_state(c);
            if (c->state == CTR_RUNNING)
                any_running = true;
            if (!c->init && (!t || json_integer_value(json_object_get(t, "exitCode")) != 0))
                all_ok = false;
        }
        if (!any_running)
            return all_ok ? "Succeeded" : "Failed";
    }
    for (size_t i = 0; i < in->n_ctrs; i++) {
        const agent_ctr *c = &in->ctrs[i];
        if (!c->init)
            continue;
        if (c->sidecar) {
            if (!agent__init_done(c))
                pending_init++;
            continue;
        }
        if (agent__init_done(c))
            continue;
        if (c->state == CTR_TERMINATED)
            failed_init++;
        else if (c->state == CTR_WAITING && agent__last_state(c) &&
                 json_integer_value(json_object_get(agent__last_state(c), "exitCode")) != 0)
            failed_init++;
        else
            pending_init++;
    }
    if (failed_init && strcmp(restart_policy, "Never") == 0)
        return "Failed";
    if (pending_init || failed_init)
        return "Pending";
    for (size_t i = 0; i < in->n_ctrs; i++) {
        const agent_ctr *c = &in->ctrs[i];
        if (c->init)
            continue;
        switch (c->state) {
        case CTR_RUNNING:
            running++;
            break;
        case CTR_TERMINATED:
            stopped++;
            if (c->term && json_integer_value(json_object_get(c->term, "exitCode")) == 0)
                succeeded++;
            break;
        case CTR_WAITING:
            if (agent__last_state(c))
                stopped++;
            else
                waiting++;
            break;
        }
    }
    if (waiting)
        return "Pending";
    if (running)
        return "Running";
    if (stopped) {
        if (strcmp(restart_policy, "Always") == 0)
            return "Running";
        if (stopped == succeeded)
            return "Succeeded";
        if (strcmp(restart_policy, "Never") == 0)
            return "Failed";
        return "Running";
    }
    return "Pending";
}

/* A condition; lastTransitionTime kept from the old one of the same type
 * when its status is unchanged. */
static json_t *condition(json_t *old_conds, const char *type, bool status, const char *reason,
                         const char *message, const char *now)
{
    json_t *old = find_by(old_conds, "type", type);
    const char *st = status ? "True" : "False";
    const char *ost = json_string_value(json_object_get(old, "status"));
    const char *ott = json_string_value(json_object_get(old, "lastTransitionTime"));
    const char *tt = ost && ott && strcmp(ost, st) == 0 ? ott : now;
    json_t *c = json_pack("{s:s,s:n,s:s,s:s}", "type", type, "lastProbeTime",
                          "lastTransitionTime", tt, "status", st);

    if (reason)
        json_object_set_new(c, "reason", json_string(reason));
    if (message)
        json_object_set_new(c, "message", json_string(message));
    return c;
}

/* The readiness gates' verdict: NULL when all their conditions are True,
 * else kubelet's message (new string). */
static char *readiness_gates_blocking(json_t *pod)
{
    json_t *gates = json_path(pod, "spec.readinessGates"), *g;
    json_t *conds = json_path(pod, "status.conditions");
    size_t i;

    json_array_foreach(gates, i, g)
    {
        const char *t = json_string_value(json_object_get(g, "conditionType"));
        json_t *c = find_by(conds, "type", t);
        const char *st = json_string_value(json_object_get(c, "status"));
        if (!t)
            continue;
        if (!c)
            return xasprintf("corresponding condition of pod readiness gate \"%s\" does not exist.",
                             t);
        if (strcmp(st ? st : "", "True") != 0)
            return xasprintf("the status of pod readiness gate \"%s\" is not \"True\", but %s", t,
                             st ? st : "");
    }
    return NULL;
}

static void name_list_add(sbuf *sb, const char *name)
{
    if (sb->len)
        sbuf_puts(sb, " ");
    sbuf_puts(sb, name);
}

static json_t *conditions(const agent_status_in *in, const char *phase, const char *now)
{
    json_t *old = json_path(in->pod, "status.conditions"), *out = json_array(), *c;
    sbuf not_init, not_ready;
    char *msg = NULL, *gate = NULL;
    bool completed = strcmp(phase, "Succeeded") == 0;
    size_t i;

    sbuf_init(&not_init);
    sbuf_init(&not_ready);
    for (i = 0; i < in->n_ctrs; i++) {
        const agent_ctr *k = &in->ctrs[i];
        if (k->init) {
            if (!agent__init_done(k))
                name_list_add(&not_init, k->name);
            /* A sidecar's readiness counts for the pod too. */
            if (k->sidecar && !(k->state == CTR_RUNNING && k->ready))
                name_list_add(&not_ready, k->name);
        } else if (!(k->state == CTR_RUNNING && k->ready)) {
            name_list_add(&not_ready, k->name);
        }
    }
    /* Conditions kubelet does not own stay, first, as kubelet merges them. */
    json_array_foreach(old, i, c)
    {
        const char *t = json_string_value(json_object_get(c, "type"));
        if (t && !is_kubelet_condition(t))
            json_array_append(out, c);
    }
    json_array_append_new(out, condition(old, "PodReadyToStartContainers", true, NULL, NULL, now));
    if (not_init.len && !completed) {
        msg = xasprintf("containers with incomplete status: [%s]", not_init.buf);
        json_array_append_new(out, condition(old, "Initialized", false,
                                             "ContainersNotInitialized", msg, now));
        free(msg);
        msg = NULL;
    } else {
        json_array_append_new(out, condition(old, "Initialized", true, NULL, NULL, now));
    }
    if (completed) {
        json_array_append_new(out, condition(old, "Ready", false, "PodCompleted", NULL, now));
        json_array_append_new(out,
                              condition(old, "ContainersReady", false, "PodCompleted", NULL, now));
    } else {
        bool cready = not_ready.len == 0;
        msg = cready ? NULL : xasprintf("containers with unready status: [%s]", not_ready.buf);
        gate = cready ? readiness_gates_blocking(in->pod) : NULL;
        if (!cready)
            json_array_append_new(out,
                                  condition(old, "Ready", false, "ContainersNotReady", msg, now));
        else if (gate)
            json_array_append_new(
                out, condition(old, "Ready", false, "ReadinessGatesNotReady", gate, now));
        else
            json_array_append_new(out, condition(old, "Ready", true, NULL, NULL, now));
        json_array_append_new(out, condition(old, "ContainersReady", cready,
                                             cready ? NULL : "ContainersNotReady", msg, now));
    }
    /* The scheduler's (or the DaemonSet controller's) condition stays. */
    c = find_by(old, "type", "PodScheduled");
    if (c)
        json_array_append(out, c);
    else
        json_array_append_new(out, condition(old, "PodScheduled", true, NULL, NULL, now));
    free(msg);
    free(gate);
    sbuf_release(&not_init);
    sbuf_release(&not_ready);
    return out;
}

json_t *agent__pod_status(const agent_status_in *in)
{
    json_t *old = json_path(in->pod, "status");
    json_t *status = json_is_object(old) ? json_deep_copy(old) : json_object();
    json_t *inits = json_array(), *regs = json_array();
    const char *rp = json_path_str(in->pod, "spec.restartPolicy");
    const char *old_phase = json_string_value(json_object_get(old, "phase"));
    const char *phase, *st = json_string_value(json_object_get(old, "startTime"));
    char now[32];

    time_format_rfc3339(in->now, now, sizeof now);
    if (!rp)
        rp = "Always";
    /* A pod that ended stays ended. */
    if (old_phase && (!strcmp(old_phase, "Succeeded") || !strcmp(old_phase, "Failed")))
        phase = old_phase;
    else
        phase = pod_phase(in, rp);
    for (size_t i = 0; i < in->n_ctrs; i++)
        json_array_append_new(in->ctrs[i].init ? inits : regs, ctr_status(&in->ctrs[i]));
    json_object_set_new(status, "phase", json_string(phase));
    json_object_set_new(status, "conditions", conditions(in, phase, now));
    json_object_set_new(status, "hostIP", json_string(in->node_ip));
    json_object_set_new(status, "hostIPs", json_pack("[{s:s}]", "ip", in->node_ip));
    json_object_set_new(status, "podIP", json_string(in->node_ip));
    json_object_set_new(status, "podIPs", json_pack("[{s:s}]", "ip", in->node_ip));
    json_object_set_new(status, "startTime", json_string(st ? st : now));
    if (json_array_size(inits))
        json_object_set_new(status, "initContainerStatuses", inits);
    else
        json_decref(inits);
    json_object_set_new(status, "containerStatuses", regs);
    return status;
}

json_t *agent__status_patch(const char *uid, json_t *old_status, json_t *new_status)
{
    json_t *st = json_deep_copy(new_status), *v;
    const char *k;

    json_object_foreach(old_status, k, v)
    {
        if (!json_object_get(new_status, k))
            json_object_set_new(st, k, json_null());
    }
    return json_pack("{s:{s:s},s:o}", "metadata", "uid", uid, "status", st);
}
