/*
 * strategy.c -- per-kind rules applied by the registry around writes, the
 * counterpart of Kubernetes' registry strategies: what create resets, what
 * update keeps from the stored object, when generation moves, and how an
 * object is deleted (at once, or marked with deletionTimestamp while
 * finalizers, a namespace's content or a pod's grace period are pending).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "registry/registry_int.h"

#define DS_TEMPLATE_GEN_ANNOTATION "deprecated.daemonset.template.generation"
/* A node whose lease is older than this has no live agent to finish a
 * graceful pod deletion (the node lifecycle grace period). */
#define REG_NODE_LEASE_GRACE_SEC 50

static bool is_kind(const kind_info *k, const char *kind)
{
    return strcmp(k->kind, kind) == 0;
}

static void set_now(json_t *meta, const char *field, int64_t offset)
{
    char ts[32];
    time_format_rfc3339(time_now_unix() + offset, ts, sizeof ts);
    json_object_set_new(meta, field, json_string(ts));
}

/* Template metadata serialises a zero creationTimestamp as null in
 * Kubernetes; kubectl and ControllerRevision bytes expect to see it. */
static void ds_template_timestamp(json_t *obj)
{
    json_t *tmpl = json_path(obj, "spec.template");
    if (!json_is_object(tmpl))
        return;
    json_t *tm = json_obj_ensure(tmpl, "metadata");
    if (!json_object_get(tm, "creationTimestamp"))
        json_object_set_new(tm, "creationTimestamp", json_null());
}

/* Pod QoS class from requests/limits, as Kubernetes computes it. */
static const char *pod_qos(json_t *pod)
{
    json_t *cs = json_path(pod, "spec.containers"), *c;
    size_t i;
    bool any = false, guaranteed = true;

    json_array_foreach(cs, i, c)
    {
        json_t *req = json_path(c, "resources.requests");
        json_t *lim = json_path(c, "resources.limits");
        if ((json_is_object(req) && json_object_size(req)) ||
            (json_is_object(lim) && json_object_size(lim)))
            any = true;
        const char *res[] = {"cpu", "memory"};
        for (int r = 0; r < 2; r++) {
            json_t *l = json_object_get(lim, res[r]);
            json_t *q = json_object_get(req, res[r]);
            if (!l)
                guaranteed = false;
            else if (q && !json_equal(q, l))
                guaranteed = false;
        }
    }
    if (!any)
        return "BestEffort";
    return guaranteed ? "Guaranteed" : "Burstable";
}

/* Binding marks the pod PodScheduled=True, replacing an Unschedulable
 * condition the scheduler may have set. */
static void pod_set_scheduled(json_t *pod)
{
    json_t *st = json_obj_ensure(pod, "status");
    json_t *conds = json_object_get(st, "conditions"), *c;
    char ts[32];
    size_t i;

    if (!json_is_array(conds)) {
        conds = json_array();
        json_object_set_new(st, "conditions", conds);
    }
    json_array_foreach(conds, i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "type")) ?: "", "PodScheduled")) {
            json_array_remove(conds, i);
            break;
        }
    }
    time_format_rfc3339(time_now_unix(), ts, sizeof ts);
    json_array_append_new(conds, json_pack("{s:s,s:s,s:n,s:s}", "type", "PodScheduled", "status",
                                           "True", "lastProbeTime", "lastTransitionTime", ts));
}

void reg_prepare_create(const kind_info *k, json_t *obj)
{
    json_t *meta = json_obj_ensure(obj, "metadata");
    char uid[40];

    json_object_del(meta, "resourceVersion");
    json_object_del(meta, "selfLink");
    json_object_del(meta, "deletionTimestamp");
    json_object_del(meta, "deletionGracePeriodSeconds");
    json_object_del(meta, "managedFields");
    uid_new(uid);
    json_object_set_new(meta, "uid", json_string(uid));
    set_now(meta, "creationTimestamp", 0);
    if (k->spec_generation)
        json_object_set_new(meta, "generation", json_integer(1));
    else
        json_object_del(meta, "generation");

    if (is_kind(k, "DaemonSet")) {
        json_object_set_new(obj, "status",
                            json_pack("{s:i,s:i,s:i,s:i}", "currentNumberScheduled", 0,
                                      "numberMisscheduled", 0, "desiredNumberScheduled", 0,
                                      "numberReady", 0));
        json_object_set_new(json_obj_ensure(meta, "annotations"), DS_TEMPLATE_GEN_ANNOTATION,
                            json_string("1"));
        ds_template_timestamp(obj);
    } else if (is_kind(k, "Pod")) {
        json_object_set_new(obj, "status",
                            json_pack("{s:s,s:s}", "phase", "Pending", "qosClass", pod_qos(obj)));
    } else if (is_kind(k, "Namespace")) {
        json_object_set_new(obj, "status", json_pack("{s:s}", "phase", "Active"));
    }
}

static void copy_field(json_t *dst, json_t *src, const char *field)
{
    json_t *v = json_object_get(src, field);
    if (v)
        json_object_set(dst, field, v);
    else
        json_object_del(dst, field);
}

/* obj's member key, replaced by a shallow copy of itself (an empty object
 * when absent or not an object) and returned (borrowed): obj being a
 * shallow copy, the caller may then change the member's own members
 * without touching the object obj was copied from. */
static json_t *own_member(json_t *obj, const char *key)
{
    json_t *m = json_object_get(obj, key);

    m = json_is_object(m) ? json_copy(m) : json_object();
    json_object_set_new(obj, key, m);
    return m;
}

json_t *reg_prepare_update(const kind_info *k, json_t *desired, json_t *old,
                           const char *subresource, bool own_desired)
{
    json_t *next, *meta, *ometa = json_object_get(old, "metadata");
    static const char *immutable[] = {"uid", "creationTimestamp", "deletionTimestamp",
                                      "deletionGracePeriodSeconds", "generation", "name",
                                      "namespace"};

    if (subresource && strcmp(subresource, "status") == 0) {
        /* Status writes change status only, whatever else the body holds:
         * everything else is old's, shared rather than copied. */
        next = json_copy(old);
        json_t *s = json_object_get(desired, "status");
        if (json_is_object(s))
            json_object_set(next, "status", s);
        else
            json_object_del(next, "status");
        return next;
    }
    if (subresource && strcmp(subresource, "binding") == 0) {
        /* Binding sets the node of an unbound pod and nothing else: next,
         * its spec, status and conditions are its own, their members old's
         * (pod_set_scheduled changes only the conditions array). */
        json_t *node = json_path(desired, "spec.nodeName"), *st, *conds;
        next = json_copy(old);
        if (json_is_string(node))
            json_object_set(own_member(next, "spec"), "nodeName", node);
        st = own_member(next, "status");
        conds = json_object_get(st, "conditions");
        if (json_is_array(conds))
            json_object_set_new(st, "conditions", json_copy(conds));
        pod_set_scheduled(next);
        return next;
    }
    if (subresource && strcmp(subresource, "finalize") == 0) {
        next = json_copy(old);
        json_t *f = json_path(desired, "spec.finalizers");
        json_t *spec = own_member(next, "spec");
        if (f)
            json_object_set(spec, "finalizers", f);
        else
            json_object_del(spec, "finalizers");
        return next;
    }

    next = own_desired ? json_incref(desired) : json_deep_copy(desired);
    meta = json_obj_ensure(next, "metadata");
    for (size_t i = 0; i < sizeof immutable / sizeof *immutable; i++)
        copy_field(meta, ometa, immutable[i]);
    json_object_del(meta, "selfLink");
    json_object_del(meta, "managedFields");
    if (k->has_status)
        copy_field(next, old, "status");
    if (is_kind(k, "Namespace")) {
        /* spec.finalizers change only through /finalize. */
        json_t *spec = json_obj_ensure(next, "spec");
        json_t *of = json_path(old, "spec.finalizers");
        if (of)
            json_object_set(spec, "finalizers", of);
    }
    if (is_kind(k, "DaemonSet"))
        ds_template_timestamp(next);
    types_default(k, next);

    if (k->spec_generation) {
        json_int_t gen = json_integer_value(json_object_get(ometa, "generation"));
        if (gen < 1)
            gen = 1;
        if (!json_equal(json_object_get(next, "spec") ?: json_null(),
                        json_object_get(old, "spec") ?: json_null()))
            gen++;
        json_object_set_new(meta, "generation", json_integer(gen));
    }
    if (is_kind(k, "DaemonSet")) {
        const char *tg = json_string_value(
            json_object_get(json_object_get(ometa, "annotations"), DS_TEMPLATE_GEN_ANNOTATION));
        long long t = tg ? strtoll(tg, NULL, 10) : 0;
        char buf[24];
        if (t < 1)
            t = 1;
        if (!json_equal(json_path(next, "spec.template") ?: json_null(),
                        json_path(old, "spec.template") ?: json_null()))
            t++;
        snprintf(buf, sizeof buf, "%lld", t);
        json_object_set_new(json_obj_ensure(meta, "annotations"), DS_TEMPLATE_GEN_ANNOTATION,
                            json_string(buf));
    }
    return next;
}

static bool has_finalizers(json_t *obj)
{
    json_t *f = json_path(obj, "metadata.finalizers");
    return json_is_array(f) && json_array_size(f) > 0;
}

bool reg_finalized(json_t *obj)
{
    json_t *meta = json_object_get(obj, "metadata");
    if (!json_object_get(meta, "deletionTimestamp") || has_finalizers(obj))
        return false;
    if (json_integer_value(json_object_get(meta, "deletionGracePeriodSeconds")) > 0)
        return false;
    /* A namespace waits for its own spec.finalizers (content removal). */
    json_t *sf = json_path(obj, "spec.finalizers");
    if (json_is_array(sf) && json_array_size(sf) > 0 &&
        strcmp(json_string_value(json_object_get(obj, "kind")) ?: "", "Namespace") == 0)
        return false;
    return true;
}

static void add_finalizer(json_t *obj, const char *f)
{
    json_t *meta = json_obj_ensure(obj, "metadata");
    json_t *arr = json_object_get(meta, "finalizers"), *v;
    size_t i;

    if (!json_is_array(arr)) {
        arr = json_array();
        json_object_set_new(meta, "finalizers", arr);
    }
    json_array_foreach(arr, i, v)
    {
        if (strcmp(json_string_value(v) ?: "", f) == 0)
            return;
    }
    json_array_append_new(arr, json_string(f));
}

/* Is there a live agent on this node to finish a graceful deletion? */
static bool node_has_live_agent(registry *r, const char *node)
{
    const kind_info *nk = types_by_resource("", "v1", "nodes");
    const kind_info *lk = types_by_resource("coordination.k8s.io", "v1", "leases");
    cache_obj *n = cache_get(r->c, nk, "", node), *l;
    bool ready = false, live = false;
    json_t *j, *conds, *c;
    size_t i;

    if (!n)
        return false;
    j = cache_obj_json(n);
    conds = json_path(j, "status.conditions");
    json_array_foreach(conds, i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "type")) ?: "", "Ready") == 0)
            ready = strcmp(json_string_value(json_object_get(c, "status")) ?: "", "True") == 0;
    }
    json_decref(j);
    cache_obj_unref(n);
    if (!ready || !lk)
        return false;
    l = cache_get(r->c, lk, "kube-node-lease", node);
    if (!l)
        return false;
    j = cache_obj_json(l);
    const char *renew = json_path_str(j, "spec.renewTime");
    int64_t t;
    if (renew && time_parse_rfc3339(renew, &t) == 0)
        live = time_now_unix() - t <= REG_NODE_LEASE_GRACE_SEC;
    json_decref(j);
    cache_obj_unref(l);
    return live;
}

enum reg_delete_plan reg_plan_delete(registry *r, const kind_info *k, json_t *obj,
                                     const reg_delete_opts *o)
{
    json_t *meta = json_obj_ensure(obj, "metadata");
    bool deleting = json_object_get(meta, "deletionTimestamp") != NULL;
    bool changed = false;

    if (o->propagation == REG_PROP_ORPHAN && !deleting) {
        add_finalizer(obj, "orphan");
        changed = true;
    } else if (o->propagation == REG_PROP_FOREGROUND && !deleting) {
        add_finalizer(obj, "foregroundDeletion");
        changed = true;
    }

    if (deleting) {
        /* A forced pod deletion (grace 0) finishes what a graceful one began. */
        if (is_kind(k, "Pod") && o->grace_seconds == 0 && !has_finalizers(obj))
            return REG_DELETE_NOW;
        return REG_DELETE_UNCHANGED;
    }

    if (is_kind(k, "Namespace")) {
        json_t *sf = json_path(obj, "spec.finalizers");
        if (!has_finalizers(obj) && !(json_is_array(sf) && json_array_size(sf)))
            return REG_DELETE_NOW;
        set_now(meta, "deletionTimestamp", 0);
        json_object_set_new(meta, "deletionGracePeriodSeconds", json_integer(0));
        json_object_set_new(json_obj_ensure(obj, "status"), "phase", json_string("Terminating"));
        return REG_DELETE_MARK;
    }

    if (is_kind(k, "Pod")) {
        json_int_t grace = o->grace_seconds;
        const char *node = json_path_str(obj, "spec.nodeName");
        const char *phase = json_path_str(obj, "status.phase");
        if (grace < 0) {
            json_t *g = json_path(obj, "spec.terminationGracePeriodSeconds");
            grace = json_is_integer(g) ? json_integer_value(g) : 30;
        }
        if (!node || !*node || (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))) ||
            !node_has_live_agent(r, node))
            grace = 0;
        if (grace > 0) {
            set_now(meta, "deletionTimestamp", grace);
            json_object_set_new(meta, "deletionGracePeriodSeconds", json_integer(grace));
            return REG_DELETE_MARK;
        }
    }

    if (changed || has_finalizers(obj)) {
        set_now(meta, "deletionTimestamp", 0);
        json_object_set_new(meta, "deletionGracePeriodSeconds", json_integer(0));
        return REG_DELETE_MARK;
    }
    return REG_DELETE_NOW;
}
