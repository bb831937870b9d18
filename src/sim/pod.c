/*
 * pod.c -- the status a kubelet would give a pod on a simulated node
 * (sim_int.h): containers start at once (init containers complete at
 * once), images matching --fail-images never pull (ErrImagePull, pod stays
 * Pending), and readiness follows --ready-after.  The result follows
 * kubelet's generateAPIPodStatus: conditions PodReadyToStartContainers,
 * Initialized, Ready, ContainersReady, PodScheduled after any conditions
 * others own; container statuses with kubelet's fields; host and pod IPs
 * set to the node's address.
 *
 * The plan is level-based and idempotent: times already in the status
 * (startTime, startedAt, lastTransitionTime) are kept, so a pod already as
 * it should be plans to SIM_POD_NONE and the sim writes nothing.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "sim/sim_int.h"

/* Conditions kubelet owns; any other type in a status is kept as is. */
static const char *const kubelet_conditions[] = {
    "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled", NULL};

bool sim__image_fails(const sim_config *cfg, const char *image)
{
    if (!image)
        return false;
    for (size_t i = 0; i < cfg->n_fail_images; i++)
        if (fnmatch(cfg->fail_images[i], image, 0) == 0)
            return true;
    return false;
}

void sim__pod_plan_release(sim_pod_plan *plan)
{
    if (!plan)
        return;
    json_decref(plan->pod);
    memset(plan, 0, sizeof *plan);
}

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

/* What planning the status needs to know, gathered once. */
struct pod_ctx {
    const sim_config *cfg;
    json_t *old;          /* borrowed: the current status (may be NULL) */
    const char *uid;      /* the pod's uid, for container IDs */
    char now[32];         /* now as RFC 3339 */
    bool ready_time;      /* ready-after has passed since startTime */
    bool init_blocked;    /* an init container cannot complete */
    sbuf not_init;        /* "a b": init containers not completed */
    sbuf not_ready;       /* "a b": regular containers not ready */
};

static void name_list_add(sbuf *sb, const char *name)
{
    if (sb->len)
        sbuf_puts(sb, " ");
    sbuf_puts(sb, name);
}

/* Kubelet's (and the runtime's) words for an image that cannot be pulled. */
static char *pull_error_message(const char *image)
{
    return xasprintf("rpc error: code = NotFound desc = failed to pull and unpack image \"%s\": "
                     "failed to resolve reference \"%s\": %s: not found",
                     image, image, image);
}

static json_t *waiting_status(const char *name, const char *image, json_t *waiting)
{
    return json_pack("{s:s,s:s,s:{},s:s,s:b,s:i,s:b,s:{s:o}}", "image", image, "imageID", "",
                     "lastState", "name", name, "ready", 0, "restartCount", 0, "started", 0,
                     "state", "waiting", waiting);
}

static json_t *image_pull_waiting(const char *name, const char *image)
{
    char *msg = pull_error_message(image);
    json_t *w = json_pack("{s:s,s:s}", "message", msg, "reason", "ErrImagePull");
    free(msg);
    return waiting_status(name, image, w);
}

/* A created container's status around its state. */
static json_t *created_status(struct pod_ctx *pc, const char *name, const char *image,
                              bool ready, bool started, json_t *state)
{
    char *cid = xasprintf("sim://%s-%s", pc->uid ? pc->uid : "", name);
    char *iid = xasprintf("sim://%s", image);
    json_t *cs = json_pack("{s:s,s:s,s:s,s:{},s:s,s:b,s:i,s:b,s:o}", "containerID", cid, "image",
                           image, "imageID", iid, "lastState", "name", name, "ready", ready,
                           "restartCount", 0, "started", started, "state", state);
    free(cid);
    free(iid);
    return cs;
}

/* The time a container of this name has been running since, or now. */
static const char *running_since(struct pod_ctx *pc, const char *key, const char *name)
{
    json_t *old = find_by(json_object_get(pc->old, key), "name", name);
    const char *t = json_string_value(json_path(old, "state.running.startedAt"));
    return t ? t : pc->now;
}

static json_t *running_status(struct pod_ctx *pc, const char *key, const char *name,
                              const char *image, bool ready)
{
    json_t *state = json_pack("{s:{s:s}}", "running", "startedAt", running_since(pc, key, name));
    return created_status(pc, name, image, ready, true, state);
}

/* Init containers: run to completion in order; one that cannot pull blocks
 * the rest and the pod.  Restartable ones (sidecars) keep running. */
static json_t *init_statuses(struct pod_ctx *pc, json_t *spec)
{
    json_t *inits = json_object_get(spec, "initContainers"), *c, *out = json_array();
    size_t i;

    json_array_foreach(inits, i, c)
    {
        const char *name = json_string_value(json_object_get(c, "name"));
        const char *image = json_string_value(json_object_get(c, "image"));
        const char *rp = json_string_value(json_object_get(c, "restartPolicy"));
        if (!name || !image)
            continue;
        if (pc->init_blocked) {
            json_array_append_new(out, waiting_status(name, image,
                                                      json_pack("{s:s}", "reason",
                                                                "PodInitializing")));
            name_list_add(&pc->not_init, name);
        } else if (sim__image_fails(pc->cfg, image)) {
            json_array_append_new(out, image_pull_waiting(name, image));
            name_list_add(&pc->not_init, name);
            pc->init_blocked = true;
        } else if (rp && strcmp(rp, "Always") == 0) {
            json_array_append_new(
                out, running_status(pc, "initContainerStatuses", name, image, pc->ready_time));
        } else {
            json_t *old = find_by(json_object_get(pc->old, "initContainerStatuses"), "name", name);
            json_t *term = json_path(old, "state.terminated");
            const char *st = json_string_value(json_object_get(term, "startedAt"));
            const char *fin = json_string_value(json_object_get(term, "finishedAt"));
            json_t *state = json_pack("{s:{s:s,s:i,s:s,s:s,s:s}}", "terminated", "containerID",
                                      "", "exitCode", 0, "finishedAt", fin ? fin : pc->now,
                                      "reason", "Completed", "startedAt", st ? st : pc->now);
            json_t *cs = created_status(pc, name, image, true, false, state);
            /* The terminated state repeats the container's ID. */
            json_object_set(json_path(cs, "state.terminated"), "containerID",
                            json_object_get(cs, "containerID"));
            json_array_append_new(out, cs);
        }
    }
    return out;
}

/* Regular containers; sets *waiting when one has not started. */
static json_t *container_statuses(struct pod_ctx *pc, json_t *spec, bool *waiting)
{
    json_t *cs = json_object_get(spec, "containers"), *c, *out = json_array();
    size_t i;

    *waiting = false;
    json_array_foreach(cs, i, c)
    {
        const char *name = json_string_value(json_object_get(c, "name"));
        const char *image = json_string_value(json_object_get(c, "image"));
        if (!name || !image)
            continue;
        if (pc->init_blocked) {
            json_array_append_new(out, waiting_status(name, image,
                                                      json_pack("{s:s}", "reason",
                                                                "PodInitializing")));
            name_list_add(&pc->not_ready, name);
            *waiting = true;
        } else if (sim__image_fails(pc->cfg, image)) {
            json_array_append_new(out, image_pull_waiting(name, image));
            name_list_add(&pc->not_ready, name);
            *waiting = true;
        } else {
            json_array_append_new(
                out, running_status(pc, "containerStatuses", name, image, pc->ready_time));
            if (!pc->ready_time)
                name_list_add(&pc->not_ready, name);
        }
    }
    return out;
}

/* A condition; lastTransitionTime kept from the old one of the same type
 * when its status is unchanged.  reason/message NULL = omitted. */
static json_t *pod_condition(struct pod_ctx *pc, const char *type, bool status,
                             const char *reason, const char *message)
{
    json_t *old = find_by(json_object_get(pc->old, "conditions"), "type", type);
    const char *st = status ? "True" : "False";
    const char *ost = json_string_value(json_object_get(old, "status"));
    const char *ott = json_string_value(json_object_get(old, "lastTransitionTime"));
    const char *tt = ost && ott && strcmp(ost, st) == 0 ? ott : pc->now;
    json_t *c = json_pack("{s:s,s:n,s:s,s:s}", "type", type, "lastProbeTime", "lastTransitionTime",
                          tt, "status", st);

    if (reason)
        json_object_set_new(c, "reason", json_string(reason));
    if (message)
        json_object_set_new(c, "message", json_string(message));
    return c;
}

/* Readiness gates: every gate's condition must be True (set by others). */
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

static json_t *conditions(struct pod_ctx *pc, json_t *pod)
{
    json_t *out = json_array(), *c;
    char *msg = NULL, *gate = NULL;
    size_t i;
    bool cready = pc->not_ready.len == 0;

    /* Conditions kubelet does not own stay, first, as kubelet merges them. */
    json_array_foreach(json_object_get(pc->old, "conditions"), i, c)
    {
        const char *t = json_string_value(json_object_get(c, "type"));
        if (t && !is_kubelet_condition(t))
            json_array_append(out, c);
    }
    json_array_append_new(out, pod_condition(pc, "PodReadyToStartContainers", true, NULL, NULL));
    if (pc->init_blocked) {
        msg = xasprintf("containers with incomplete status: [%s]", pc->not_init.buf);
        json_array_append_new(out, pod_condition(pc, "Initialized", false,
                                                 "ContainersNotInitialized", msg));
        free(msg);
    } else {
        json_array_append_new(out, pod_condition(pc, "Initialized", true, NULL, NULL));
    }
    msg = cready ? NULL : xasprintf("containers with unready status: [%s]", pc->not_ready.buf);
    gate = cready ? readiness_gates_blocking(pod) : NULL;
    if (!cready)
        json_array_append_new(out,
                              pod_condition(pc, "Ready", false, "ContainersNotReady", msg));
    else if (gate)
        json_array_append_new(out,
                              pod_condition(pc, "Ready", false, "ReadinessGatesNotReady", gate));
    else
        json_array_append_new(out, pod_condition(pc, "Ready", true, NULL, NULL));
    json_array_append_new(out, pod_condition(pc, "ContainersReady", cready,
                                             cready ? NULL : "ContainersNotReady", msg));
    json_array_append_new(out, pod_condition(pc, "PodScheduled", true, NULL, NULL));
    free(msg);
    free(gate);
    return out;
}

void sim__pod_plan(const sim_config *cfg, json_t *pod, const char *node_ip, int64_t now,
                   sim_pod_plan *plan)
{
    struct pod_ctx pc = {.cfg = cfg};
    json_t *spec = json_object_get(pod, "spec"), *status, *inits, *regs;
    const char *phase = json_path_str(pod, "status.phase"), *st;
    int64_t start = now;
    bool waiting;

    memset(plan, 0, sizeof *plan);
    if (json_path(pod, "metadata.deletionTimestamp")) {
        plan->action = SIM_POD_DELETE;
        return;
    }
    /* A pod that ended stays ended: whoever marked it knows better. */
    if (phase && (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0))
        return;

    pc.old = json_object_get(pod, "status");
    pc.uid = json_path_str(pod, "metadata.uid");
    time_format_rfc3339(now, pc.now, sizeof pc.now);
    sbuf_init(&pc.not_init);
    sbuf_init(&pc.not_ready);
    st = json_string_value(json_object_get(pc.old, "startTime"));
    if (st && time_parse_rfc3339(st, &start) != 0)
        start = now;
    pc.ready_time = cfg->ready_after <= 0 || now >= start + cfg->ready_after;

    inits = init_statuses(&pc, spec);
    regs = container_statuses(&pc, spec, &waiting);
    status = json_is_object(pc.old) ? json_deep_copy(pc.old) : json_object();
    json_object_set_new(status, "phase", json_string(waiting ? "Pending" : "Running"));
    json_object_set_new(status, "conditions", conditions(&pc, pod));
    json_object_set_new(status, "hostIP", json_string(node_ip));
    json_object_set_new(status, "hostIPs", json_pack("[{s:s}]", "ip", node_ip));
    json_object_set_new(status, "podIP", json_string(node_ip));
    json_object_set_new(status, "podIPs", json_pack("[{s:s}]", "ip", node_ip));
    json_object_set_new(status, "startTime", json_string(st ? st : pc.now));
    if (json_array_size(inits))
        json_object_set_new(status, "initContainerStatuses", inits);
    else
        json_decref(inits);
    json_object_set_new(status, "containerStatuses", regs);

    /* Running but not yet ready: look again when ready-after has passed. */
    if (!pc.ready_time && !waiting && !pc.init_blocked)
        plan->recheck_at = start + cfg->ready_after;
    if (json_equal(status, pc.old)) {
        json_decref(status);
    } else {
        plan->action = SIM_POD_UPDATE;
        plan->pod = json_deep_copy(pod);
        json_object_set_new(plan->pod, "status", status);
    }
    sbuf_release(&pc.not_init);
    sbuf_release(&pc.not_ready);
}
