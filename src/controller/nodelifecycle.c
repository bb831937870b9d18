/*
 * nodelifecycle.c -- node health and its consequences, after Kubernetes'
 * node lifecycle controller, taint manager and pod GC:
 *   - a node whose heartbeat (its Lease in kube-node-lease, or the Ready
 *     condition's lastHeartbeatTime) is older than the grace period gets
 *     its conditions set to Unknown ("Kubelet stopped posting node
 *     status.");
 *   - nodes carry the taints that describe their state: unreachable
 *     (Ready Unknown) or not-ready (Ready False), NoSchedule and NoExecute,
 *     and unschedulable:NoSchedule while cordoned; they go when the state
 *     does;
 *   - pods that do not tolerate a node's NoExecute taints are evicted
 *     (after tolerationSeconds when given); daemon pods tolerate
 *     unreachable/not-ready and stay;
 *   - pods bound to nodes that no longer exist are deleted.
 * One thread, one pass per second.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controller/controller_int.h"

#define NODELC_TICK_MS 1000

#define T_UNREACHABLE "node.kubernetes.io/unreachable"
#define T_NOT_READY "node.kubernetes.io/not-ready"
#define T_UNSCHEDULABLE "node.kubernetes.io/unschedulable"

struct nodelc_ctrl {
    registry *reg;       /* borrowed */
    cache *c;            /* borrowed */
    informer *inf;       /* borrowed */
    int grace;           /* seconds without heartbeat before Unknown */
    pthread_t thread;
    atomic_bool stop;
    hmap health;         /* node name -> struct health* (observations) */
};

/* What was last observed of a node's heartbeat.  As in Kubernetes, health
 * is judged by when *we* saw the heartbeat change, not by the timestamps a
 * node reports: a node registered with an old heartbeat still gets the
 * whole grace period. */
struct health {
    int64_t hb;       /* last heartbeat value seen (lease renew or Ready heartbeat) */
    int64_t probe;    /* unix s when hb last changed (or the node was first seen) */
};

/* ---- helpers ----------------------------------------------------------- */

struct unknown_ctx {
    bool never; /* no status was ever posted */
};

/* Mark every condition Unknown, as the node lifecycle controller does. */
static bool set_unknown(void *ctx, json_t *node)
{
    struct unknown_ctx *u = ctx;
    static const char *types[] = {"Ready", "MemoryPressure", "DiskPressure", "PIDPressure"};
    json_t *st = json_obj_ensure(node, "status");
    json_t *conds = json_object_get(st, "conditions"), *c;
    bool changed = false;
    char ts[32];
    size_t i;

    time_format_rfc3339(time_now_unix(), ts, sizeof ts);
    if (!json_is_array(conds)) {
        conds = json_array();
        json_object_set_new(st, "conditions", conds);
    }
    for (size_t t = 0; t < sizeof types / sizeof *types; t++) {
        json_t *found = NULL;
        json_array_foreach(conds, i, c)
        {
            if (!strcmp(json_string_value(json_object_get(c, "type")) ?: "", types[t]))
                found = c;
        }
        if (!found) {
            found = json_pack("{s:s,s:s}", "type", types[t], "status", "Unknown");
            json_array_append_new(conds, found);
            json_object_set_new(found, "lastHeartbeatTime", json_string(ts));
        } else if (!strcmp(json_string_value(json_object_get(found, "status")) ?: "", "Unknown")) {
            continue;
        }
        json_object_set_new(found, "status", json_string("Unknown"));
        json_object_set_new(found, "reason", json_string("NodeStatusUnknown"));
        json_object_set_new(found, "message",
                            json_string(u->never ? "Kubelet never posted node status."
                                                 : "Kubelet stopped posting node status."));
        json_object_set_new(found, "lastTransitionTime", json_string(ts));
        changed = true;
    }
    return changed;
}

/* The taints this controller manages, for a node's state. */
static void wanted_taints(json_t *node, bool *unreach, bool *notready, bool *unsched)
{
    json_t *conds = json_path(node, "status.conditions"), *c;
    size_t i;
    *unreach = *notready = false;
    *unsched = json_is_true(json_path(node, "spec.unschedulable"));
    /* No Ready condition yet (never posted): no taints until the grace
     * period turns it Unknown, as Kubernetes' NoSchedule tainting pass. */
    json_array_foreach(conds, i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "type")) ?: "", "Ready"))
            continue;
        const char *s = json_string_value(json_object_get(c, "status")) ?: "";
        if (!strcmp(s, "False"))
            *notready = true;
        else if (strcmp(s, "True"))
            *unreach = true;
    }
}

static bool is_managed(const char *key)
{
    return !strcmp(key, T_UNREACHABLE) || !strcmp(key, T_NOT_READY) ||
           !strcmp(key, T_UNSCHEDULABLE);
}

/* Reconcile managed taints in spec.taints; other taints are left alone. */
static bool sync_taints(void *ctx, json_t *node)
{
    bool unreach, notready, unsched;
    json_t *spec = json_obj_ensure(node, "spec");
    json_t *taints = json_object_get(spec, "taints"), *t, *next = json_array();
    char ts[32];
    size_t i;
    struct {
        const char *key, *effect;
        bool want;
    } m[] = {{T_UNREACHABLE, "NoSchedule", false},   {T_UNREACHABLE, "NoExecute", false},
             {T_NOT_READY, "NoSchedule", false},     {T_NOT_READY, "NoExecute", false},
             {T_UNSCHEDULABLE, "NoSchedule", false}};

    wanted_taints(node, &unreach, &notready, &unsched);
    m[0].want = m[1].want = unreach;
    m[2].want = m[3].want = notready;
    m[4].want = unsched;
    time_format_rfc3339(time_now_unix(), ts, sizeof ts);
    /* Keep user taints and wanted managed ones, in their order. */
    json_array_foreach(taints, i, t)
    {
        const char *key = json_string_value(json_object_get(t, "key")) ?: "";
        const char *eff = json_string_value(json_object_get(t, "effect")) ?: "";
        bool keep = true;
        if (is_managed(key)) {
            keep = false;
            for (size_t k = 0; k < sizeof m / sizeof *m; k++)
                if (!strcmp(m[k].key, key) && !strcmp(m[k].effect, eff) && m[k].want) {
                    keep = true;
                    m[k].want = false; /* present already */
                }
        }
        if (keep)
            json_array_append(next, t);
    }
    for (size_t k = 0; k < sizeof m / sizeof *m; k++) {
        if (!m[k].want)
            continue;
        json_t *nt = json_pack("{s:s,s:s}", "key", m[k].key, "effect", m[k].effect);
        if (!strcmp(m[k].effect, "NoExecute"))
            json_object_set_new(nt, "timeAdded", json_string(ts));
        json_array_append_new(next, nt);
    }
    if ((taints && json_equal(next, taints)) || (!taints && json_array_size(next) == 0)) {
        json_decref(next);
        return false;
    }
    if (json_array_size(next))
        json_object_set_new(spec, "taints", next);
    else {
        json_decref(next);
        json_object_del(spec, "taints");
    }
    return true;
}

/* Seconds a pod tolerates a NoExecute taint: -1 forever, -2 not at all. */
static int64_t tolerates_for(const node_taint *t, json_t *tolerations)
{
    size_t i;
    json_t *tol;
    int64_t best = -2;
    json_array_foreach(tolerations, i, tol)
    {
        json_t *one = json_array();
        json_array_append(one, tol);
        bool ok = taint_tolerated(t, one);
        json_decref(one);
        if (!ok)
            continue;
        json_t *secs = json_object_get(tol, "tolerationSeconds");
        if (!json_is_integer(secs))
            return -1;
        if (json_integer_value(secs) > best)
            best = json_integer_value(secs);
    }
    return best;
}

static void delete_pod(nodelc_ctrl *n, const char *ns, const char *name, int64_t grace)
{
    reg_delete_opts o = {.propagation = REG_PROP_BACKGROUND, .grace_seconds = grace};
    reg_status st = {0};
    json_t *out = NULL;
    bool gone;
    if (reg_delete(n->reg, types_by_resource("", "v1", "pods"), ns, name, &o, &out, &gone, &st) &&
        st.code != 404)
        log_warn("nodelifecycle", "deleting pod %s/%s: %s", ns, name, st.message);
    json_decref(out);
    reg_status_release(&st);
}

/* ---- one pass ---------------------------------------------------------- */

typedef struct victim {
    char *ns, *name;
    int64_t grace;
} victim;

/* Do the node's managed taints match its state? (fact-based, no parsing) */
static bool taints_in_sync(const node_fact *f)
{
    bool want_unreach = f->has_ready && f->ready == -1, want_notready = f->ready == 0;
    int have_unreach = 0, have_notready = 0, have_unsched = 0;
    for (size_t i = 0; i < f->ntaints; i++) {
        if (!strcmp(f->taints[i].key, T_UNREACHABLE))
            have_unreach++;
        else if (!strcmp(f->taints[i].key, T_NOT_READY))
            have_notready++;
        else if (!strcmp(f->taints[i].key, T_UNSCHEDULABLE))
            have_unsched++;
    }
    return have_unreach == (want_unreach ? 2 : 0) && have_notready == (want_notready ? 2 : 0) &&
           have_unsched == (f->unschedulable ? 1 : 0);
}

typedef struct node_work {
    char *name;
    bool unknown;   /* set conditions Unknown */
    bool never;     /* ... because no status was ever posted */
    bool taints;    /* reconcile managed taints */
} node_work;

static void nodelc_pass(nodelc_ctrl *n, bool gc_orphans)
{
    const kind_info *nk = types_by_resource("", "v1", "nodes");
    size_t nw = 0, nv = 0, cap = 64, nf;
    int64_t rev, now = time_now_unix();
    bool more;
    victim *vs = xcalloc(cap, sizeof *vs);
    node_work *work;
    hmap seen;

    /* Plan under the informer lock from facts; write after releasing it. */
    hmap_init(&seen);
    informer_rlock(n->inf);
    node_fact **facts = informer_nodes(n->inf, &nf);
    work = xcalloc(nf + 1, sizeof *work);
    for (size_t i = 0; i < nf; i++) {
        node_fact *f = facts[i];
        int64_t hb = informer_lease_renew(n->inf, f->name);
        node_work w = {0};
        hmap_put(&seen, f->name, f);
        if (f->heartbeat > hb)
            hb = f->heartbeat;
        struct health *h = hmap_get(&n->health, f->name);
        if (!h) {
            h = xcalloc(1, sizeof *h);
            h->hb = hb;
            h->probe = now;
            hmap_put(&n->health, f->name, h);
        } else if (hb != h->hb) {
            h->hb = hb;
            h->probe = now;
        }
        w.never = !f->has_ready;
        w.unknown = now - h->probe > n->grace && (f->ready != -1 || !f->has_ready);
        w.taints = !taints_in_sync(f) || w.unknown;
        if (w.unknown || w.taints) {
            w.name = xstrdup(f->name);
            work[nw++] = w;
        }
        /* NoExecute evictions. */
        size_t np;
        pod_fact **pods = informer_pods_on(n->inf, f->name, &np);
        for (size_t t = 0; t < f->ntaints; t++) {
            const node_taint *tt = &f->taints[t];
            if (strcmp(tt->effect, "NoExecute"))
                continue;
            for (size_t p = 0; p < np; p++) {
                if (pods[p]->deleting)
                    continue;
                int64_t secs = tolerates_for(tt, pods[p]->tolerations);
                if (secs == -1)
                    continue;
                if (secs >= 0 && (tt->added ? tt->added : now) + secs > now)
                    continue;
                if (nv == cap) {
                    cap *= 2;
                    vs = xrealloc(vs, cap * sizeof *vs);
                }
                vs[nv].ns = xstrdup(pods[p]->ns);
                vs[nv].name = xstrdup(pods[p]->name);
                vs[nv].grace = -1;
                nv++;
            }
        }
    }
    informer_unlock(n->inf);
    {
        /* Forget nodes that are gone. */
        size_t pos = 0, ndrop = 0;
        const char *name;
        void *v;
        char **drop = xcalloc(n->health.len + 1, sizeof *drop);
        while (hmap_next(&n->health, &pos, &name, &v))
            if (!hmap_get(&seen, name))
                drop[ndrop++] = xstrdup(name);
        for (size_t i = 0; i < ndrop; i++) {
            free(hmap_del(&n->health, drop[i]));
            free(drop[i]);
        }
        free(drop);
    }

    for (size_t i = 0; i < nw; i++) {
        reg_status st = {0};
        if (work[i].unknown) {
            struct unknown_ctx u = {work[i].never};
            reg_mutate(n->reg, nk, "", work[i].name, "status", set_unknown, &u, &st);
            reg_status_release(&st);
        }
        reg_mutate(n->reg, nk, "", work[i].name, NULL, sync_taints, NULL, &st);
        reg_status_release(&st);
        free(work[i].name);
    }
    free(work);

    /* Pods bound to nodes that do not exist (pod GC). */
    if (gc_orphans) {
        cache_filter pf = {.kind = types_by_resource("", "v1", "pods")};
        cache_obj **pods = NULL;
        size_t npods = 0;
        cache_list(n->c, &pf, NULL, 0, &pods, &npods, &rev, &more);
        for (size_t i = 0; i < npods; i++) {
            const char *node = NULL;
            for (size_t k = 0; k < pods[i]->nfields; k++)
                if (!strcmp(pods[i]->fields[k].name, "spec.nodeName"))
                    node = pods[i]->fields[k].value;
            if (!node || !*node || hmap_get(&seen, node))
                continue;
            if (nv == cap) {
                cap *= 2;
                vs = xrealloc(vs, cap * sizeof *vs);
            }
            vs[nv].ns = xstrdup(pods[i]->ns);
            vs[nv].name = xstrdup(pods[i]->name);
            vs[nv].grace = 0;
            nv++;
        }
        cache_list_free(pods, npods);
    }
    hmap_release(&seen);

    for (size_t i = 0; i < nv; i++) {
        delete_pod(n, vs[i].ns, vs[i].name, vs[i].grace);
        free(vs[i].ns);
        free(vs[i].name);
    }
    free(vs);
}

static void *nodelc_main(void *arg)
{
    nodelc_ctrl *n = arg;

    /* Named so that top -H and perf show which part is busy. */
    pthread_setname_np(pthread_self(), "node-lifecycle");
    int64_t passes = 0;
    while (!atomic_load(&n->stop)) {
        int64_t start = time_mono_ms();
        /* Orphaned pods need a full pod listing: every 5th pass is enough. */
        nodelc_pass(n, passes++ % 5 == 0);
        while (!atomic_load(&n->stop) && time_mono_ms() - start < NODELC_TICK_MS) {
            struct timespec ts = {.tv_nsec = 50 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

nodelc_ctrl *nodelc_start(registry *reg, cache *c, informer *inf, int grace_seconds)
{
    nodelc_ctrl *n = xcalloc(1, sizeof *n);
    n->reg = reg;
    n->c = c;
    n->inf = inf;
    n->grace = grace_seconds > 0 ? grace_seconds : 50;
    hmap_init(&n->health);
    atomic_init(&n->stop, false);
    if (pthread_create(&n->thread, NULL, nodelc_main, n) != 0)
        en_fatal("cannot start the node lifecycle controller");
    return n;
}

void nodelc_stop(nodelc_ctrl *n)
{
    if (!n)
        return;
    atomic_store(&n->stop, true);
    pthread_join(n->thread, NULL);
    size_t pos = 0;
    void *v;
    while (hmap_next(&n->health, &pos, NULL, &v))
        free(v);
    hmap_release(&n->health);
    free(n);
}
