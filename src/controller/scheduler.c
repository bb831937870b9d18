/*
 * scheduler.c -- the built-in scheduling step: binds unbound pods
 * (schedulerName default-scheduler) to a node that fits them.
 *
 * Filters, as the Kubernetes scheduler's: node name / node affinity /
 * nodeSelector, unschedulable nodes, untolerated NoSchedule/NoExecute
 * taints, and resource requests (cpu, memory, pod count) against the
 * node's allocatable minus what pods already bound there request.  A pod
 * that fits nowhere gets PodScheduled=False/Unschedulable and a
 * FailedScheduling event worded as Kubernetes words it
 * ("0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't match
 * Pod's node affinity/selector. ..."), and is retried whenever a pod or a
 * node changes.  Decisions for a whole batch are made under one informer
 * read lock (counting the batch's own placements), then the bindings are
 * written in parallel.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controller/controller_int.h"
#include "selector/selector.h"

#define SCHEDULER_BATCH 20000
#define SCHED_PARALLELISM 16
/* Unschedulable pods are looked at again at least this often. */
#define SCHED_RETRY_MS 5000

struct sched_ctrl {
    registry *reg;          /* borrowed */
    cache *c;               /* borrowed */
    informer *inf;          /* borrowed */
    recorder *rec;          /* owned */
    workqueue *q;           /* owned: pod keys "ns/name" */
    pthread_t thread;
    ctrl_pool *pool;        /* owned: binding writers */
    atomic_bool stop;
    atomic_bool retry_all;  /* room may have appeared: retry unschedulable pods */
};

/* One decision. */
typedef struct placement {
    char *ns, *name, *uid;
    char *node;        /* bind here, or NULL */
    char *message;     /* why not, when node is NULL */
} placement;

/* ---- handlers ---------------------------------------------------------- */

static bool wants_us(const pod_fact *p)
{
    return p && !p->node && !p->deleting && !strcmp(p->scheduler, "default-scheduler") &&
           !p->succeeded && !p->failed;
}

static void on_pod(void *ctx, const pod_fact *old, const pod_fact *cur)
{
    sched_ctrl *s = ctx;
    /* Pods already marked unschedulable wait for a retry (a pod or node
     * change, or the periodic one), so marking them does not loop. */
    if (wants_us(cur) && !cur->unschedulable) {
        char *key = xasprintf("%s/%s", cur->ns, cur->name);
        wq_add(s->q, key);
        free(key);
    }
    /* A pod leaving a node frees room. */
    if (old && old->node && (!cur || !cur->node || strcmp(cur->phase, old->phase)))
        atomic_store(&s->retry_all, true);
}

static void on_node(void *ctx, const node_fact *old, const node_fact *cur)
{
    sched_ctrl *s = ctx;
    if (!old || !cur || old->unschedulable != cur->unschedulable ||
        old->ntaints != cur->ntaints || old->alloc_mem != cur->alloc_mem ||
        old->alloc_milli_cpu != cur->alloc_milli_cpu)
        atomic_store(&s->retry_all, true);
}

/* ---- filtering --------------------------------------------------------- */

/* Resources already requested on a node (plus this batch's placements). */
typedef struct usage {
    int64_t cpu, mem, pods;
} usage;

static usage *usage_of(sched_ctrl *s, hmap *assumed, const char *node)
{
    usage *u = hmap_get(assumed, node);
    size_t n;
    if (u)
        return u;
    u = xcalloc(1, sizeof *u);
    pod_fact **pods = informer_pods_on(s->inf, node, &n);
    for (size_t i = 0; i < n; i++) {
        if (pods[i]->succeeded || pods[i]->failed)
            continue;
        u->cpu += pods[i]->req_milli_cpu;
        u->mem += pods[i]->req_mem;
        u->pods++;
    }
    hmap_put(assumed, node, u);
    return u;
}

enum fit_reason {
    FIT_OK = 0,
    FIT_AFFINITY,
    FIT_UNSCHEDULABLE,
    FIT_TAINT,
    FIT_CPU,
    FIT_MEM,
    FIT_PODS,
    FIT_NREASONS
};

static enum fit_reason node_fits(sched_ctrl *s, hmap *assumed, const pod_fact *p, json_t *pod,
                                 const node_fact *n, char *taint_desc, size_t tdlen)
{
    if (p->target_node && strcmp(p->target_node, n->name))
        return FIT_AFFINITY;
    if (!p->target_node) {
        json_t *ns = json_path(pod, "spec.nodeSelector");
        const char *k;
        json_t *v;
        json_object_foreach(ns, k, v)
        {
            const char *have = json_string_value(json_object_get(n->labels, k));
            if (!have || strcmp(have, json_string_value(v) ?: ""))
                return FIT_AFFINITY;
        }
        json_t *aff = json_path(pod, "spec.affinity.nodeAffinity."
                                     "requiredDuringSchedulingIgnoredDuringExecution");
        if (json_is_object(aff)) {
            bool match = false;
            char *err = NULL;
            int rc = nsel_matches(aff, n->labels, n->name, &match, &err);
            free(err);
            if (rc || !match)
                return FIT_AFFINITY;
        }
    }
    if (n->unschedulable) {
        node_taint t = {.key = "node.kubernetes.io/unschedulable", .value = "",
                        .effect = "NoSchedule"};
        if (!taint_tolerated(&t, p->tolerations))
            return FIT_UNSCHEDULABLE;
    }
    for (size_t i = 0; i < n->ntaints; i++) {
        const node_taint *t = &n->taints[i];
        if (strcmp(t->effect, "NoSchedule") && strcmp(t->effect, "NoExecute"))
            continue;
        if (!taint_tolerated(t, p->tolerations)) {
            if (*t->value)
                snprintf(taint_desc, tdlen, "{%s: %s}", t->key, t->value);
            else
                snprintf(taint_desc, tdlen, "{%s: }", t->key);
            return FIT_TAINT;
        }
    }
    usage *u = usage_of(s, assumed, n->name);
    if (u->pods + 1 > n->alloc_pods)
        return FIT_PODS;
    if (p->req_milli_cpu && u->cpu + p->req_milli_cpu > n->alloc_milli_cpu)
        return FIT_CPU;
    if (p->req_mem && u->mem + p->req_mem > n->alloc_mem)
        return FIT_MEM;
    return FIT_OK;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "0/3 nodes are available: ..." as the Kubernetes scheduler words it. */
static char *fit_message(size_t nnodes, const size_t counts[FIT_NREASONS], json_t *taints)
{
    char *parts[FIT_NREASONS + 64];
    size_t np = 0, resource = 0, other = 0;
    sbuf sb;
    const char *k;
    json_t *v;

    if (counts[FIT_AFFINITY])
        parts[np++] = xasprintf("%zu node(s) didn't match Pod's node affinity/selector",
                                counts[FIT_AFFINITY]);
    if (counts[FIT_UNSCHEDULABLE])
        parts[np++] = xasprintf("%zu node(s) were unschedulable", counts[FIT_UNSCHEDULABLE]);
    json_object_foreach(taints, k, v)
    {
        if (np < FIT_NREASONS + 60)
            parts[np++] = xasprintf("%lld node(s) had untolerated taint %s",
                                    (long long)json_integer_value(v), k);
    }
    if (counts[FIT_CPU])
        parts[np++] = xasprintf("%zu Insufficient cpu", counts[FIT_CPU]);
    if (counts[FIT_MEM])
        parts[np++] = xasprintf("%zu Insufficient memory", counts[FIT_MEM]);
    if (counts[FIT_PODS])
        parts[np++] = xasprintf("%zu Too many pods", counts[FIT_PODS]);
    qsort(parts, np, sizeof *parts, str_cmp);
    sbuf_init(&sb);
    sbuf_printf(&sb, "0/%zu nodes are available: ", nnodes);
    for (size_t i = 0; i < np; i++) {
        sbuf_printf(&sb, "%s%s", i ? ", " : "", parts[i]);
        free(parts[i]);
    }
    resource = counts[FIT_CPU] + counts[FIT_MEM] + counts[FIT_PODS];
    other = nnodes - resource;
    sbuf_printf(&sb, ". preemption: 0/%zu nodes are available: ", nnodes);
    if (resource && other)
        sbuf_printf(&sb,
                    "%zu No preemption victims found for incoming pod, %zu Preemption is not "
                    "helpful for scheduling.",
                    resource, other);
    else if (resource)
        sbuf_printf(&sb, "%zu No preemption victims found for incoming pod.", resource);
    else
        sbuf_printf(&sb, "%zu Preemption is not helpful for scheduling.", other);
    return sbuf_detach(&sb, NULL);
}

static void place(sched_ctrl *s, hmap *assumed, const char *key, placement *pl)
{
    char ns[256], name[256];
    const char *slash = strchr(key, '/');
    size_t nnodes, counts[FIT_NREASONS] = {0};
    node_fact **nodes;
    pod_fact *p;
    json_t *pod = NULL, *taints;
    cache_obj *o;

    memset(pl, 0, sizeof *pl);
    if (!slash || (size_t)(slash - key) >= sizeof ns || strlen(slash + 1) >= sizeof name)
        return;
    memcpy(ns, key, (size_t)(slash - key));
    ns[slash - key] = '\0';
    strcpy(name, slash + 1);
    p = informer_pod(s->inf, ns, name);
    if (!wants_us(p))
        return;
    if (!p->target_node) {
        o = cache_get(s->c, types_by_resource("", "v1", "pods"), ns, name);
        if (!o)
            return;
        pod = cache_obj_json(o);
        cache_obj_unref(o);
    }
    pl->ns = xstrdup(ns);
    pl->name = xstrdup(name);
    pl->uid = xstrdup(p->uid);
    taints = json_object();
    nodes = informer_nodes(s->inf, &nnodes);
    /* A pinned daemon pod has one candidate; look it up directly. */
    if (p->target_node) {
        node_fact *n = informer_node(s->inf, p->target_node);
        char td[512] = "";
        enum fit_reason r = n ? node_fits(s, assumed, p, pod, n, td, sizeof td) : FIT_AFFINITY;
        if (r == FIT_OK) {
            pl->node = xstrdup(n->name);
        } else {
            counts[r]++;
            if (r == FIT_TAINT)
                json_object_set_new(taints, td, json_integer(1));
            counts[FIT_AFFINITY] += nnodes - (n ? 1 : 0);
        }
    } else {
        /* Otherwise the least-requested fitting node. */
        node_fact *best = NULL;
        int64_t best_free = -1;
        for (size_t i = 0; i < nnodes; i++) {
            char td[512] = "";
            enum fit_reason r = node_fits(s, assumed, p, pod, nodes[i], td, sizeof td);
            if (r != FIT_OK) {
                counts[r]++;
                if (r == FIT_TAINT) {
                    json_t *c = json_object_get(taints, td);
                    json_object_set_new(taints, td, json_integer(json_integer_value(c) + 1));
                }
                continue;
            }
            usage *u = usage_of(s, assumed, nodes[i]->name);
            int64_t free_mem = nodes[i]->alloc_mem - u->mem;
            if (free_mem > best_free) {
                best_free = free_mem;
                best = nodes[i];
            }
        }
        if (best)
            pl->node = xstrdup(best->name);
    }
    if (pl->node) {
        usage *u = usage_of(s, assumed, pl->node);
        u->cpu += p->req_milli_cpu;
        u->mem += p->req_mem;
        u->pods++;
    } else {
        pl->message = fit_message(nnodes, counts, taints);
    }
    json_decref(taints);
    json_decref(pod);
}

/* ---- writes ------------------------------------------------------------ */

struct unsched_ctx {
    const char *message;
};

/* Set condition PodScheduled False/Unschedulable (only when it changes). */
static bool mark_unschedulable(void *ctx, json_t *pod)
{
    struct unsched_ctx *u = ctx;
    json_t *st = json_obj_ensure(pod, "status");
    json_t *conds = json_object_get(st, "conditions"), *c;
    size_t i;
    char ts[32];

    if (json_path_str(pod, "spec.nodeName"))
        return false;
    if (!json_is_array(conds)) {
        conds = json_array();
        json_object_set_new(st, "conditions", conds);
    }
    json_array_foreach(conds, i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "type")) ?: "", "PodScheduled"))
            continue;
        if (!strcmp(json_string_value(json_object_get(c, "status")) ?: "", "False") &&
            !strcmp(json_string_value(json_object_get(c, "message")) ?: "", u->message))
            return false;
        json_array_remove(conds, i);
        break;
    }
    time_format_rfc3339(time_now_unix(), ts, sizeof ts);
    json_array_append_new(conds, json_pack("{s:s,s:s,s:n,s:s,s:s,s:s}", "type", "PodScheduled",
                                           "status", "False", "lastProbeTime", "lastTransitionTime",
                                           ts, "reason", "Unschedulable", "message", u->message));
    return true;
}

struct exec_ctx {
    sched_ctrl *s;
    placement *pl;
};

static void exec_one(void *ctx, size_t i)
{
    struct exec_ctx *e = ctx;
    placement *pl = &e->pl[i];
    const kind_info *pk = types_by_resource("", "v1", "pods");
    reg_status st = {0};

    if (!pl->name)
        return;
    if (pl->node) {
        /* Gone or bound meanwhile: nothing to do. */
        if (reg_bind(e->s->reg, pl->ns, pl->name, pl->node, &st) && st.code != 404 &&
            st.code != 409)
            log_warn("scheduler", "binding %s/%s to %s: %s", pl->ns, pl->name, pl->node,
                     st.message);
        reg_status_release(&st);
        return;
    }
    struct unsched_ctx u = {pl->message};
    if (reg_mutate(e->s->reg, pk, pl->ns, pl->name, "status", mark_unschedulable, &u, &st) == 0)
        recorder_event(e->s->rec, "Pod", "v1", pl->ns, pl->name, pl->uid, "Warning",
                       "FailedScheduling", "%s", pl->message);
    reg_status_release(&st);
}

/* ---- loop -------------------------------------------------------------- */

static void requeue_unschedulable(sched_ctrl *s)
{
    size_t n;
    informer_rlock(s->inf);
    pod_fact **pods = informer_unbound(s->inf, &n);
    for (size_t i = 0; i < n; i++) {
        if (!wants_us(pods[i]))
            continue;
        char *key = xasprintf("%s/%s", pods[i]->ns, pods[i]->name);
        wq_add(s->q, key);
        free(key);
    }
    informer_unlock(s->inf);
}

static void *sched_main(void *arg)
{
    sched_ctrl *s = arg;

    /* Named so that top -H and perf show which part is busy. */
    pthread_setname_np(pthread_self(), "scheduler");
    char **keys = xcalloc(SCHEDULER_BATCH, sizeof *keys);
    placement *pl = xcalloc(SCHEDULER_BATCH, sizeof *pl);
    int64_t next_retry = time_mono_ms() + SCHED_RETRY_MS;

    while (!atomic_load(&s->stop)) {
        size_t n = 0;
        if (atomic_exchange(&s->retry_all, false) || time_mono_ms() >= next_retry) {
            requeue_unschedulable(s);
            next_retry = time_mono_ms() + SCHED_RETRY_MS;
        }
        char *k = wq_get(s->q, 200);
        if (!k)
            continue;
        keys[n++] = k;
        while (n < SCHEDULER_BATCH && (k = wq_get(s->q, 0)))
            keys[n++] = k;

        hmap assumed;
        hmap_init(&assumed);
        informer_rlock(s->inf);
        for (size_t i = 0; i < n; i++)
            place(s, &assumed, keys[i], &pl[i]);
        informer_unlock(s->inf);
        size_t pos = 0;
        void *v;
        while (hmap_next(&assumed, &pos, NULL, &v))
            free(v);
        hmap_release(&assumed);

        struct exec_ctx e = {s, pl};
        ctrl_par_run(s->pool, n, exec_one, &e);
        for (size_t i = 0; i < n; i++) {
            wq_done(s->q, keys[i]);
            free(keys[i]);
            free(pl[i].ns);
            free(pl[i].name);
            free(pl[i].uid);
            free(pl[i].node);
            free(pl[i].message);
        }
    }
    free(keys);
    free(pl);
    return NULL;
}

sched_ctrl *sched_start(registry *reg, cache *c, informer *inf)
{
    sched_ctrl *s = xcalloc(1, sizeof *s);
    informer_handlers h = {.ctx = s, .pod_changed = on_pod, .node_changed = on_node};

    s->reg = reg;
    s->c = c;
    s->inf = inf;
    s->rec = recorder_new(reg, "default-scheduler");
    s->q = wq_new();
    s->pool = ctrl_pool_new(SCHED_PARALLELISM, "sched-bind");
    atomic_init(&s->stop, false);
    atomic_init(&s->retry_all, true);
    informer_add_handlers(inf, &h);
    if (pthread_create(&s->thread, NULL, sched_main, s) != 0)
        en_fatal("cannot start the scheduler");
    return s;
}

void sched_stop(sched_ctrl *s)
{
    if (!s)
        return;
    atomic_store(&s->stop, true);
    wq_shutdown(s->q);
    pthread_join(s->thread, NULL);
    wq_free(s->q);
    ctrl_pool_free(s->pool);
    recorder_free(s->rec);
    free(s);
}
