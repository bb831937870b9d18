/*
 * ds_util.c -- pure helpers of the DaemonSet controller: which nodes a
 * daemon pod may run on (Kubernetes' NodeShouldRunDaemonPod), the pod to
 * create for a node, revision hashing and data, availability.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controller/ds_int.h"
#include "selector/selector.h"

/* Tolerations every daemon pod gets (AddOrUpdateDaemonPodTolerations). */
static const struct {
    const char *key;
    const char *effect;
    bool host_network_only;
} ds_default_tolerations[] = {
    {"node.kubernetes.io/not-ready", "NoExecute", false},
    {"node.kubernetes.io/unreachable", "NoExecute", false},
    {"node.kubernetes.io/disk-pressure", "NoSchedule", false},
    {"node.kubernetes.io/memory-pressure", "NoSchedule", false},
    {"node.kubernetes.io/pid-pressure", "NoSchedule", false},
    {"node.kubernetes.io/unschedulable", "NoSchedule", false},
    {"node.kubernetes.io/network-unavailable", "NoSchedule", true},
};

/* Template tolerations plus the defaults not already present. */
static json_t *ds_tolerations(json_t *tmpl)
{
    json_t *tol = json_path(tmpl, "spec.tolerations"), *out;
    bool host_net = json_is_true(json_path(tmpl, "spec.hostNetwork"));

    out = json_is_array(tol) ? json_deep_copy(tol) : json_array();
    for (size_t i = 0; i < sizeof ds_default_tolerations / sizeof *ds_default_tolerations; i++) {
        size_t k;
        json_t *t;
        bool have = false;
        if (ds_default_tolerations[i].host_network_only && !host_net)
            continue;
        json_array_foreach(out, k, t)
        {
            if (!strcmp(json_string_value(json_object_get(t, "key")) ?: "",
                        ds_default_tolerations[i].key) &&
                !strcmp(json_string_value(json_object_get(t, "effect")) ?: "",
                        ds_default_tolerations[i].effect) &&
                !strcmp(json_string_value(json_object_get(t, "operator")) ?: "Equal", "Exists"))
                have = true;
        }
        if (!have)
            json_array_append_new(out, json_pack("{s:s,s:s,s:s}", "key",
                                                 ds_default_tolerations[i].key, "operator",
                                                 "Exists", "effect",
                                                 ds_default_tolerations[i].effect));
    }
    return out;
}

void ds_sched_init(ds_sched *s, json_t *tmpl)
{
    const char *nn = json_path_str(tmpl, "spec.nodeName");
    json_t *ns = json_path(tmpl, "spec.nodeSelector");
    json_t *aff = json_path(tmpl, "spec.affinity.nodeAffinity."
                                  "requiredDuringSchedulingIgnoredDuringExecution");
    s->node_name = nn && *nn ? nn : NULL;
    s->node_selector = json_is_object(ns) && json_object_size(ns) ? ns : NULL;
    s->affinity = json_is_object(aff) ? aff : NULL;
    s->tolerations = ds_tolerations(tmpl);
}

void ds_sched_release(ds_sched *s)
{
    json_decref(s->tolerations);
    s->tolerations = NULL;
}

void ds_should_run(const ds_sched *s, const node_fact *n, bool *should_run, bool *should_continue)
{
    const char *k;
    json_t *v;
    bool untolerated = false, untolerated_noexec = false;

    *should_run = *should_continue = false;
    if (s->node_name && strcmp(s->node_name, n->name) != 0)
        return;
    if (s->node_selector) {
        json_object_foreach(s->node_selector, k, v)
        {
            const char *have = json_string_value(json_object_get(n->labels, k));
            if (!have || strcmp(have, json_string_value(v) ?: "") != 0)
                return;
        }
    }
    if (s->affinity) {
        bool match = false;
        char *err = NULL;
        if (nsel_matches(s->affinity, n->labels, n->name, &match, &err) != 0 || !match) {
            free(err);
            return;
        }
        free(err);
    }
    for (size_t i = 0; i < n->ntaints; i++) {
        const node_taint *t = &n->taints[i];
        if (strcmp(t->effect, "NoSchedule") && strcmp(t->effect, "NoExecute"))
            continue;
        if (taint_tolerated(t, s->tolerations))
            continue;
        untolerated = true;
        if (!strcmp(t->effect, "NoExecute"))
            untolerated_noexec = true;
    }
    if (untolerated) {
        *should_continue = !untolerated_noexec;
        return;
    }
    *should_run = *should_continue = true;
}

json_t *ds_new_pod(const ds_view *v, const char *node)
{
    json_t *pod = json_object(), *meta, *spec, *labels, *tmeta = json_object_get(v->tmpl, "metadata");
    char *gen = xasprintf("%s-", v->name);

    meta = json_object();
    json_object_set_new(meta, "generateName", json_string(gen));
    free(gen);
    json_object_set_new(meta, "namespace", json_string(v->ns));
    labels = json_is_object(json_object_get(tmeta, "labels"))
                 ? json_deep_copy(json_object_get(tmeta, "labels"))
                 : json_object();
    json_object_set_new(labels, DS_LABEL_HASH, json_string(v->hash));
    if (v->tmpl_gen)
        json_object_set_new(labels, DS_LABEL_GEN, json_string(v->tmpl_gen));
    json_object_set_new(meta, "labels", labels);
    if (json_is_object(json_object_get(tmeta, "annotations")))
        json_object_set(meta, "annotations", json_object_get(tmeta, "annotations"));
    json_object_set_new(meta, "ownerReferences",
                        json_pack("[{s:s,s:s,s:s,s:s,s:b,s:b}]", "apiVersion", "apps/v1", "kind",
                                  "DaemonSet", "name", v->name, "uid", v->uid, "controller", 1,
                                  "blockOwnerDeletion", 1));
    json_object_set_new(pod, "apiVersion", json_string("v1"));
    json_object_set_new(pod, "kind", json_string("Pod"));
    json_object_set_new(pod, "metadata", meta);

    spec = json_deep_copy(json_object_get(v->tmpl, "spec"));
    if (!json_is_object(spec)) {
        json_decref(spec);
        spec = json_object();
    }
    json_object_set(spec, "tolerations", v->sched.tolerations);
    /* Pin to the node the way Kubernetes does: required node affinity on
     * metadata.name replaces the required terms (the node matched them). */
    json_t *aff = json_obj_ensure(spec, "affinity");
    json_t *na = json_obj_ensure(aff, "nodeAffinity");
    json_object_set_new(na, "requiredDuringSchedulingIgnoredDuringExecution",
                        json_pack("{s:[{s:[{s:s,s:s,s:[s]}]}]}", "nodeSelectorTerms",
                                  "matchFields", "key", "metadata.name", "operator", "In",
                                  "values", node));
    json_object_set_new(pod, "spec", spec);
    return pod;
}

char *ds_template_hash(json_t *tmpl, int64_t collision_count)
{
    static const char alphabet[] = "bcdf2456789ghjklmnpqrstvwxz";
    char *text = json_dump_compact(tmpl, NULL), digits[32];
    uint32_t h = 2166136261u;
    sbuf sb;

    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    if (collision_count > 0) {
        char cc[24];
        snprintf(cc, sizeof cc, "%lld", (long long)collision_count);
        for (const char *p = cc; *p; p++) {
            h ^= (unsigned char)*p;
            h *= 16777619u;
        }
    }
    free(text);
    /* Like rand.SafeEncodeString: every decimal digit mapped into an
     * alphabet without vowels, so names never spell words. */
    snprintf(digits, sizeof digits, "%u", h);
    sbuf_init(&sb);
    for (const char *p = digits; *p; p++)
        sbuf_printf(&sb, "%c", alphabet[(unsigned char)*p % (sizeof alphabet - 1)]);
    return sbuf_detach(&sb, NULL);
}

json_t *ds_revision_data(json_t *ds)
{
    json_t *tmpl = json_deep_copy(json_path(ds, "spec.template"));

    if (!json_is_object(tmpl)) {
        json_decref(tmpl);
        tmpl = json_object();
    }
    json_object_set_new(tmpl, "$patch", json_string("replace"));
    return json_pack("{s:{s:o}}", "spec", "template", tmpl);
}

bool ds_pod_updated(const ds_view *v, const pod_fact *p)
{
    if (p->rev_hash && v->hash && !strcmp(p->rev_hash, v->hash))
        return true;
    return v->tmpl_gen && p->tmpl_gen && !strcmp(p->tmpl_gen, v->tmpl_gen);
}

bool ds_pod_available(const ds_view *v, const pod_fact *p)
{
    if (!p->ready)
        return false;
    return v->min_ready <= 0 || (p->ready_since && p->ready_since + v->min_ready <= v->now);
}

int64_t ds_scaled(json_t *v, int64_t total, int64_t dflt)
{
    if (json_is_integer(v))
        return json_integer_value(v);
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        long long pct = strtoll(s, &end, 10);
        if (*end == '%')
            return (pct * total + 99) / 100;
    }
    return dflt;
}
