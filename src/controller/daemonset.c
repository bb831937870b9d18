/*
 * daemonset.c -- the DaemonSet controller: wiring, sync, manage, status.
 *
 * Informer handlers only enqueue DaemonSet keys.  A worker's sync of a key
 * re-reads everything: the DaemonSet from the cache, nodes and its pods
 * from the informer; under the informer's read lock it plans (pods to
 * create per node, pods to delete, the status), then releases the lock and
 * carries the plan out with parallel writes (never write while holding the
 * informer lock: the write's listener needs it), so a 10,000-node DaemonSet is
 * created in one sync with many writes per fsync.  Semantics follow
 * Kubernetes' pkg/controller/daemon (see ds_update.c for updates/history).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controller/ds_int.h"

#define DS_WORKERS 2
/* Delay before a sync triggered by a pod change (see on_pod). */
#define DS_POD_COALESCE_MS 20
/* Writers used to carry out one sync's creates/deletes concurrently: enough
 * to fill the store's commit batches; at 10,000 nodes on two cores, 16
 * beat both 8 (batches too small) and 24-32 (threads fighting for CPU). */
#define DS_WRITE_PARALLELISM 16
/* Back-off for replacing failed daemon pods on a node (1 s .. 15 min). */
#define DS_FAILED_BACKOFF_MS 1000
#define DS_FAILED_BACKOFF_MAX_MS (15 * 60 * 1000)

struct failed_backoff {
    int64_t until_ms;  /* monotonic: no replacement before this */
    int64_t delay_ms;  /* current delay */
};

/* A node's daemon pods during one sync; most nodes have one. */
typedef struct plist {
    pod_fact **v;       /* inl, or heap when more than fit there */
    pod_fact *inl[2];
    size_t n, cap;
    bool seen;
} plist;

/*
 * Buffers one worker reuses from sync to sync.  A 10,000-node sync needs
 * a few megabytes of index; allocated afresh each time, it came back from
 * the allocator as new pages, and the page faults cost more than the plan.
 */
typedef struct ds_scratch {
    plist *lists;
    size_t lists_cap;
    ds_node_pods *np;
    size_t np_cap;
    hmap by_node;       /* borrowed keys; emptied, not freed, between syncs */
} ds_scratch;

struct ds_worker {
    struct ds_ctrl *d;
    ds_scratch scratch;
    pthread_t thread;
};

struct ds_ctrl {
    registry *reg;                  /* borrowed */
    cache *c;                       /* borrowed */
    informer *inf;                  /* borrowed */
    recorder *rec;                  /* owned */
    workqueue *q;                   /* owned: keys "ns/name" */
    struct ds_worker workers[DS_WORKERS];
    ctrl_pool *pool;                /* writers shared by the workers' syncs */
    atomic_bool stop;
    pthread_mutex_t bo_mu;          /* guards backoff */
    hmap backoff;                   /* "ns/name/node" -> struct failed_backoff* */
};

registry *ds_registry(ds_ctrl *d)
{
    return d->reg;
}

cache *ds_cache(ds_ctrl *d)
{
    return d->c;
}

recorder *ds_recorder(ds_ctrl *d)
{
    return d->rec;
}

/* ---- event handlers (store delivery thread: enqueue only) ------------- */

static void enqueue_all(ds_ctrl *d)
{
    size_t n;
    informer_rlock(d->inf);
    ds_fact **all = informer_daemonsets(d->inf, &n);
    for (size_t i = 0; i < n; i++) {
        char *key = xasprintf("%s/%s", all[i]->ns, all[i]->name);
        wq_add(d->q, key);
        free(key);
    }
    informer_unlock(d->inf);
}

static void on_ds(void *ctx, const char *ns, const char *name, bool deleted)
{
    ds_ctrl *d = ctx;
    char *key = xasprintf("%s/%s", ns, name);
    wq_add(d->q, key);
    free(key);
}

static void on_pod(void *ctx, const pod_fact *old, const pod_fact *cur)
{
    ds_ctrl *d = ctx;
    const pod_fact *p = cur ? cur : old;
    if (p->owner_kind && !strcmp(p->owner_kind, "DaemonSet") && p->owner_name) {
        /* Pod churn comes in bursts (thousands of pods changing at once);
         * a short delay lets one sync see a whole burst. */
        char *key = xasprintf("%s/%s", p->ns, p->owner_name);
        wq_add_after(d->q, key, DS_POD_COALESCE_MS);
        free(key);
    }
}

static bool json_same(json_t *a, json_t *b)
{
    if (!a || !b)
        return a == b;
    return json_equal(a, b);
}

static bool taints_same(const node_fact *a, const node_fact *b)
{
    if (a->ntaints != b->ntaints)
        return false;
    for (size_t i = 0; i < a->ntaints; i++)
        if (strcmp(a->taints[i].key, b->taints[i].key) ||
            strcmp(a->taints[i].value, b->taints[i].value) ||
            strcmp(a->taints[i].effect, b->taints[i].effect))
            return false;
    return true;
}

static void on_node(void *ctx, const node_fact *old, const node_fact *cur)
{
    ds_ctrl *d = ctx;
    /* Heartbeats change nothing a DaemonSet depends on: skip them. */
    if (old && cur && json_same(old->labels, cur->labels) && taints_same(old, cur) &&
        old->unschedulable == cur->unschedulable && old->ready == cur->ready &&
        old->alloc_milli_cpu == cur->alloc_milli_cpu && old->alloc_mem == cur->alloc_mem)
        return;
    enqueue_all(d);
}

/* ---- plan -------------------------------------------------------------- */

typedef struct victim {
    char *name;
    char *node;
    const char *why; /* static: for the log */
} victim;

typedef struct ds_plan {
    char **create;      /* node names */
    size_t ncreate, create_cap;
    victim *del;
    size_t ndel, del_cap;
    json_t *status;     /* computed status (counts) */
    json_t *live_hashes; /* revision hashes used by live pods */
    int64_t requeue_ms; /* > 0: look again after this long */
    int failed_create;  /* creates that failed */
} ds_plan;

static void plan_release(ds_plan *p)
{
    for (size_t i = 0; i < p->ncreate; i++)
        free(p->create[i]);
    free(p->create);
    for (size_t i = 0; i < p->ndel; i++) {
        free(p->del[i].name);
        free(p->del[i].node);
    }
    free(p->del);
    json_decref(p->status);
    json_decref(p->live_hashes);
}

/* The node a daemon pod belongs to: where it is bound, else where its
 * affinity pins it (NULL when neither). */
static const char *pod_node_of(const pod_fact *pf)
{
    return pf->node ? pf->node : pf->target_node;
}

/* Callers make sure a pod is planned for deletion, and a node for a
 * create, at most once (a linear check here made large syncs quadratic). */
static void plan_delete(ds_plan *p, const pod_fact *pf, const char *node, const char *why)
{
    if (p->ndel == p->del_cap) {
        p->del_cap = p->del_cap ? p->del_cap * 2 : 16;
        p->del = xrealloc(p->del, p->del_cap * sizeof *p->del);
    }
    p->del[p->ndel].name = xstrdup(pf->name);
    p->del[p->ndel].node = xstrdup(node ? node : "");
    p->del[p->ndel].why = why;
    p->ndel++;
}

static void plan_create(ds_plan *p, const char *node)
{
    if (p->ncreate == p->create_cap) {
        p->create_cap = p->create_cap ? p->create_cap * 2 : 16;
        p->create = xrealloc(p->create, p->create_cap * sizeof *p->create);
    }
    p->create[p->ncreate++] = xstrdup(node);
}

/* Add the rolling update's choices, skipping what manage already planned. */
static void plan_merge_rolling(ds_plan *p, const char **cr, size_t ncr, pod_fact **dl,
                               size_t ndl)
{
    hmap seen;

    hmap_init_borrowed(&seen, p->ncreate + p->ndel);
    for (size_t i = 0; i < p->ncreate; i++)
        hmap_put(&seen, p->create[i], p);
    for (size_t i = 0; i < ncr; i++)
        if (!hmap_get(&seen, cr[i]))
            plan_create(p, cr[i]);
    hmap_release(&seen);

    hmap_init_borrowed(&seen, p->ndel);
    for (size_t i = 0; i < p->ndel; i++)
        hmap_put(&seen, p->del[i].name, p);
    for (size_t i = 0; i < ndl; i++)
        if (!hmap_get(&seen, dl[i]->name))
            plan_delete(p, dl[i], pod_node_of(dl[i]), "rolling update");
    hmap_release(&seen);
}

static int pod_older(const void *a, const void *b)
{
    const pod_fact *x = *(pod_fact *const *)a, *y = *(pod_fact *const *)b;
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Failed pod on a node: may it be replaced now, or are we backing off? */
static bool failed_allowed(ds_ctrl *d, const ds_view *v, const char *node, int64_t *retry_ms)
{
    char *key = xasprintf("%s/%s/%s", v->ns, v->name, node);
    int64_t now = time_mono_ms();
    bool ok;

    pthread_mutex_lock(&d->bo_mu);
    struct failed_backoff *b = hmap_get(&d->backoff, key);
    if (!b) {
        b = xcalloc(1, sizeof *b);
        hmap_put(&d->backoff, key, b);
    }
    if (b->until_ms > now) {
        ok = false;
        *retry_ms = b->until_ms - now;
    } else {
        b->delay_ms = b->delay_ms ? b->delay_ms * 2 : DS_FAILED_BACKOFF_MS;
        if (b->delay_ms > DS_FAILED_BACKOFF_MAX_MS)
            b->delay_ms = DS_FAILED_BACKOFF_MAX_MS;
        b->until_ms = now + b->delay_ms;
        ok = true;
    }
    pthread_mutex_unlock(&d->bo_mu);
    free(key);
    return ok;
}

/* One node's entry for the rolling update: its non-deleted pods. */
static void np_add(ds_node_pods *e, const char *node, bool run, pod_fact **pods, size_t n)
{
    e->node = node;
    e->run = run;
    e->n = e->total = 0;
    for (size_t k = 0; k < n; k++) {
        if (pods[k]->deleting)
            continue;
        if (e->n < sizeof e->pods / sizeof *e->pods)
            e->pods[e->n++] = pods[k];
        e->total++;
    }
}

/*
 * Plan one sync (caller holds the informer read lock): Kubernetes' manage
 * (podsShouldBeOnNode for every node), the rolling update step, and the
 * status counters, all from the same snapshot.
 */
static void ds_plan_sync(ds_ctrl *d, ds_scratch *sc, ds_view *v, ds_plan *p)
{
    size_t nnodes, npods;
    node_fact **nodes = informer_nodes(d->inf, &nnodes);
    pod_fact **pods = informer_pods_of(d->inf, v->uid, &npods);
    hmap *by_node = &sc->by_node;
    int64_t desired = 0, current = 0, missched = 0, ready = 0, available = 0, updated = 0;
    bool waiting_ready = false;

    p->live_hashes = json_object();
    /* Pods by node (bound node, else the node they are pinned to).  Keys
     * are the facts' node names, alive under the informer lock. */
    hmap_clear(by_node);
    hmap_reserve(by_node, npods);
    if (sc->lists_cap < npods + 1) {
        sc->lists_cap = npods + 1;
        sc->lists = xrealloc(sc->lists, sc->lists_cap * sizeof *sc->lists);
    }
    plist *lists = sc->lists;
    size_t nlists = 0, nnp = 0;
    const char *last_hash = NULL;
    /* What the rolling update needs, gathered in the same pass. */
    ds_node_pods *np = NULL;
    if (v->rolling) {
        if (sc->np_cap < nnodes + npods + 1) {
            sc->np_cap = nnodes + npods + 1;
            sc->np = xrealloc(sc->np, sc->np_cap * sizeof *sc->np);
        }
        np = sc->np;
    }
    for (size_t i = 0; i < npods; i++) {
        pod_fact *pf = pods[i];
        const char *node = pod_node_of(pf);
        bool terminal = pf->succeeded || pf->failed;
        /* Pods share a handful of hashes: skip repeats of the last one. */
        if (pf->rev_hash && (!last_hash || strcmp(last_hash, pf->rev_hash))) {
            json_object_set_new(p->live_hashes, pf->rev_hash, json_true());
            last_hash = pf->rev_hash;
        }
        if (!node || (pf->deleting && terminal))
            continue;
        plist *l = hmap_get(by_node, node);
        if (!l) {
            l = &lists[nlists++];
            l->v = l->inl;
            l->n = 0;
            l->cap = sizeof l->inl / sizeof *l->inl;
            l->seen = false;
            hmap_put(by_node, node, l);
        }
        if (l->n == l->cap) {
            l->cap *= 2;
            if (l->v == l->inl) {
                l->v = xmalloc(l->cap * sizeof *l->v);
                memcpy(l->v, l->inl, sizeof l->inl);
            } else {
                l->v = xrealloc(l->v, l->cap * sizeof *l->v);
            }
        }
        l->v[l->n++] = pf;
    }

    for (size_t i = 0; i < nnodes; i++) {
        node_fact *nf = nodes[i];
        bool run, cont;
        plist *l = hmap_get(by_node, nf->name);
        pod_fact *running[64];
        size_t nrun = 0;

        ds_should_run(&v->sched, nf, &run, &cont);
        if (l)
            l->seen = true;
        if (np && (run || l))
            np_add(&np[nnp++], nf->name, run, l ? l->v : NULL, l ? l->n : 0);

        /* -- status -- */
        if (run) {
            desired++;
            if (l && l->n) {
                current++;
                if (l->n > 1)
                    qsort(l->v, l->n, sizeof *l->v, pod_older);
                pod_fact *oldest = l->v[0];
                if (oldest->ready) {
                    ready++;
                    if (ds_pod_available(v, oldest))
                        available++;
                    else
                        waiting_ready = true;
                }
                if (ds_pod_updated(v, oldest))
                    updated++;
            }
        } else if (l && l->n) {
            missched++;
        }

        /* -- manage (podsShouldBeOnNode) -- */
        if (run && !l) {
            plan_create(p, nf->name);
            continue;
        }
        if (!l)
            continue;
        if (!cont) {
            for (size_t k = 0; k < l->n; k++)
                if (!l->v[k]->deleting)
                    plan_delete(p, l->v[k], nf->name, "not eligible");
            continue;
        }
        for (size_t k = 0; k < l->n; k++) {
            pod_fact *pf = l->v[k];
            if (pf->deleting)
                continue;
            if (pf->failed) {
                int64_t retry = 0;
                if (!failed_allowed(d, v, nf->name, &retry)) {
                    if (!p->requeue_ms || retry < p->requeue_ms)
                        p->requeue_ms = retry;
                    continue;
                }
                plan_delete(p, pf, nf->name, "failed");
            } else if (pf->succeeded) {
                plan_delete(p, pf, nf->name, "succeeded");
            } else if (nrun < 64) {
                running[nrun++] = pf;
            }
        }
        if (!v->surge_allowed) {
            /* Without surge, keep only the oldest running pod. */
            for (size_t k = 1; k < nrun; k++)
                plan_delete(p, running[k], nf->name, "excess");
            continue;
        }
        if (nrun == 0) {
            if (run)
                plan_create(p, nf->name);
            continue;
        }
        if (nrun == 1)
            continue;
        /* With surge: keep the oldest new and the oldest old pod; the old
         * one goes once it is not ready or the new one is available. */
        pod_fact *new_p = NULL, *old_p = NULL;
        for (size_t k = 0; k < nrun; k++) {
            bool is_new = running[k]->rev_hash && !strcmp(running[k]->rev_hash, v->hash);
            if (is_new && !new_p)
                new_p = running[k];
            else if (!is_new && !old_p)
                old_p = running[k];
            else
                plan_delete(p, running[k], nf->name, "excess");
        }
        if (new_p && old_p && (!old_p->ready || ds_pod_available(v, new_p)))
            plan_delete(p, old_p, nf->name, "replaced");
    }

    /* Pods pinned to nodes that no longer exist go too. */
    for (size_t i = 0; i < nlists; i++) {
        if (lists[i].seen)
            continue;
        if (np)
            np_add(&np[nnp++], pod_node_of(lists[i].v[0]), false, lists[i].v, lists[i].n);
        for (size_t k = 0; k < lists[i].n; k++)
            if (!lists[i].v[k]->deleting)
                plan_delete(p, lists[i].v[k], pod_node_of(lists[i].v[k]), "node gone");
    }

    if (v->rolling) {
        const char **cr = NULL;
        pod_fact **dl = NULL;
        size_t ncr = 0, ndl = 0;
        ds_rolling_update(v, np, nnp, desired, &cr, &ncr, &dl, &ndl);
        plan_merge_rolling(p, cr, ncr, dl, ndl);
        free(cr);
        free(dl);
    }

    if (waiting_ready && v->min_ready > 0) {
        int64_t ms = v->min_ready * 1000;
        if (!p->requeue_ms || ms < p->requeue_ms)
            p->requeue_ms = ms;
    }

    p->status = json_pack("{s:I,s:I,s:I,s:I}", "currentNumberScheduled", (json_int_t)current,
                          "numberMisscheduled", (json_int_t)missched, "desiredNumberScheduled",
                          (json_int_t)desired, "numberReady", (json_int_t)ready);
    if (updated)
        json_object_set_new(p->status, "updatedNumberScheduled", json_integer(updated));
    if (available)
        json_object_set_new(p->status, "numberAvailable", json_integer(available));
    if (desired - available > 0)
        json_object_set_new(p->status, "numberUnavailable", json_integer(desired - available));

    for (size_t i = 0; i < nlists; i++)
        if (lists[i].v != lists[i].inl)
            free(lists[i].v);
}

/* ---- carrying the plan out --------------------------------------------- */

struct exec_ctx {
    ds_ctrl *d;
    ds_view *v;
    ds_plan *p;
    atomic_int failed;
};

static void exec_create(void *ctx, size_t i)
{
    struct exec_ctx *e = ctx;
    const kind_info *pk = types_by_resource("", "v1", "pods");
    json_t *pod = ds_new_pod(e->v, e->p->create[i]), *out = NULL;
    /* The pod is built for this create alone: no copy needed. */
    reg_write_opts wo = {.consume = true};
    reg_status st = {0};

    if (reg_create(e->d->reg, pk, e->v->ns, pod, &wo, &out, &st)) {
        atomic_fetch_add(&e->failed, 1);
        recorder_event(e->d->rec, "DaemonSet", "apps/v1", e->v->ns, e->v->name, e->v->uid,
                       "Warning", "FailedCreate", "Error creating: %s", st.message);
    } else {
        recorder_event(e->d->rec, "DaemonSet", "apps/v1", e->v->ns, e->v->name, e->v->uid,
                       "Normal", "SuccessfulCreate", "Created pod: %s",
                       json_path_str(out, "metadata.name"));
    }
    reg_status_release(&st);
    json_decref(out);
    json_decref(pod);
}

static void exec_delete(void *ctx, size_t i)
{
    struct exec_ctx *e = ctx;
    const kind_info *pk = types_by_resource("", "v1", "pods");
    reg_delete_opts o = {.propagation = REG_PROP_BACKGROUND, .grace_seconds = -1};
    reg_status st = {0};
    json_t *out = NULL;
    bool gone;
    victim *vi = &e->p->del[i];

    /* Events are written here, not while planning: the plan is made under
     * the informer's read lock, and a write under it would deadlock with
     * the listener that updates the informer. */
    if (!strcmp(vi->why, "failed"))
        recorder_event(e->d->rec, "DaemonSet", "apps/v1", e->v->ns, e->v->name, e->v->uid,
                       "Warning", "FailedDaemonPod",
                       "Found failed daemon pod %s/%s on node %s, will try to kill it", e->v->ns,
                       vi->name, vi->node);
    else if (!strcmp(vi->why, "succeeded"))
        recorder_event(e->d->rec, "DaemonSet", "apps/v1", e->v->ns, e->v->name, e->v->uid,
                       "Normal", "SucceededDaemonPod",
                       "Found succeeded daemon pod %s/%s on node %s, will try to delete it",
                       e->v->ns, vi->name, vi->node);

    if (reg_delete(e->d->reg, pk, e->v->ns, vi->name, &o, &out, &gone, &st) && st.code != 404) {
        atomic_fetch_add(&e->failed, 1);
        recorder_event(e->d->rec, "DaemonSet", "apps/v1", e->v->ns, e->v->name, e->v->uid,
                       "Warning", "FailedDelete", "Error deleting: %s", st.message);
    } else if (!st.code) {
        recorder_event(e->d->rec, "DaemonSet", "apps/v1", e->v->ns, e->v->name, e->v->uid,
                       "Normal", "SuccessfulDelete", "Deleted pod: %s", vi->name);
    }
    reg_status_release(&st);
    json_decref(out);
}

struct status_ctx {
    json_t *want;         /* counts computed by the plan */
    json_int_t generation;
};

static bool apply_status(void *ctx, json_t *ds)
{
    struct status_ctx *s = ctx;
    json_t *st = json_object_get(ds, "status"), *next;
    static const char *counts[] = {"currentNumberScheduled", "numberMisscheduled",
                                   "desiredNumberScheduled", "numberReady",
                                   "updatedNumberScheduled", "numberAvailable",
                                   "numberUnavailable"};

    next = json_is_object(st) ? json_deep_copy(st) : json_object();
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        json_t *v = json_object_get(s->want, counts[i]);
        if (v)
            json_object_set(next, counts[i], v);
        else
            json_object_del(next, counts[i]);
    }
    json_object_set_new(next, "observedGeneration", json_integer(s->generation));
    if (json_is_object(st) && json_equal(st, next)) {
        json_decref(next);
        return false;
    }
    json_object_set_new(ds, "status", next);
    return true;
}

/* ---- sync -------------------------------------------------------------- */

static int ds_sync(ds_ctrl *d, ds_scratch *scratch, const char *key)
{
    const kind_info *dk = types_by_resource("apps", "v1", "daemonsets");
    char ns[256], name[256];
    const char *slash = strchr(key, '/');
    cache_obj *o;
    ds_view v = {0};
    ds_plan plan = {0};
    struct exec_ctx ex;
    reg_status st = {0};
    int rc = 0;

    if (!slash || (size_t)(slash - key) >= sizeof ns || strlen(slash + 1) >= sizeof name)
        return 0;
    memcpy(ns, key, (size_t)(slash - key));
    ns[slash - key] = '\0';
    strcpy(name, slash + 1);
    o = cache_get(d->c, dk, ns, name);
    if (!o)
        return 0; /* deleted: the garbage collector removes its pods */
    v.ds = cache_obj_json(o);
    cache_obj_unref(o);
    if (json_path(v.ds, "metadata.deletionTimestamp"))
        goto out;
    v.ns = ns;
    v.name = name;
    v.uid = json_path_str(v.ds, "metadata.uid");
    v.tmpl = json_path(v.ds, "spec.template");
    v.min_ready = json_integer_value(json_path(v.ds, "spec.minReadySeconds"));
    v.tmpl_gen = json_string_value(
        json_object_get(json_path(v.ds, "metadata.annotations"), DS_ANN_TEMPLATE_GEN));
    const char *strategy = json_path_str(v.ds, "spec.updateStrategy.type");
    v.rolling = !strategy || !strcmp(strategy, "RollingUpdate");
    json_t *surge = json_path(v.ds, "spec.updateStrategy.rollingUpdate.maxSurge");
    v.surge_allowed = v.rolling && ds_scaled(surge, 100, 0) > 0;
    v.now = time_now_unix();
    if (!json_is_object(v.tmpl) || !v.uid)
        goto out;
    ds_sched_init(&v.sched, v.tmpl);

    rc = ds_history_sync(d, &v);
    if (rc)
        goto out;

    informer_rlock(d->inf);
    ds_plan_sync(d, scratch, &v, &plan);
    informer_unlock(d->inf);

    ex.d = d;
    ex.v = &v;
    ex.p = &plan;
    atomic_init(&ex.failed, 0);
    if (plan.ndel)
        ctrl_par_run(d->pool, plan.ndel, exec_delete, &ex);
    if (plan.ncreate)
        ctrl_par_run(d->pool, plan.ncreate, exec_create, &ex);
    if (plan.ndel || plan.ncreate)
        log_debug("daemonset", "%s: created %zu, deleted %zu pods", key, plan.ncreate, plan.ndel);

    ds_history_cleanup(d, &v, plan.live_hashes);

    struct status_ctx sc = {plan.status,
                            json_integer_value(json_path(v.ds, "metadata.generation"))};
    if (reg_mutate(d->reg, dk, ns, name, "status", apply_status, &sc, &st) && st.code != 404)
        rc = EN_CONFLICT;
    if (atomic_load(&ex.failed))
        rc = EN_BUSY;
    if (plan.requeue_ms > 0)
        wq_add_after(d->q, key, plan.requeue_ms);
out:
    reg_status_release(&st);
    plan_release(&plan);
    ds_sched_release(&v.sched);
    free(v.hash);
    json_decref(v.ds);
    return rc;
}

static void *ds_worker(void *arg)
{
    struct ds_worker *w = arg;
    ds_ctrl *d = w->d;

    /* Named so that top -H and perf show which part is busy. */
    pthread_setname_np(pthread_self(), "ds-worker");
    while (!atomic_load(&d->stop)) {
        char *key = wq_get(d->q, 500);
        if (!key)
            continue;
        int rc = ds_sync(d, &w->scratch, key);
        if (rc) {
            int64_t delay = wq_backoff(d->q, key);
            wq_add_after(d->q, key, delay);
        } else {
            wq_forget(d->q, key);
        }
        wq_done(d->q, key);
        free(key);
    }
    return NULL;
}

ds_ctrl *ds_start(registry *reg, cache *c, informer *inf)
{
    ds_ctrl *d = xcalloc(1, sizeof *d);
    informer_handlers h = {.ctx = d, .node_changed = on_node, .pod_changed = on_pod,
                           .ds_changed = on_ds};

    d->reg = reg;
    d->c = c;
    d->inf = inf;
    d->rec = recorder_new(reg, "daemonset-controller");
    d->q = wq_new();
    d->pool = ctrl_pool_new(DS_WRITE_PARALLELISM, "ds-write");
    atomic_init(&d->stop, false);
    pthread_mutex_init(&d->bo_mu, NULL);
    hmap_init(&d->backoff);
    informer_add_handlers(inf, &h);
    enqueue_all(d);
    for (int i = 0; i < DS_WORKERS; i++) {
        d->workers[i].d = d;
        hmap_init_borrowed(&d->workers[i].scratch.by_node, 0);
    }
    for (int i = 0; i < DS_WORKERS; i++)
        if (pthread_create(&d->workers[i].thread, NULL, ds_worker, &d->workers[i]) != 0)
            en_fatal("cannot start DaemonSet workers");
    return d;
}

void ds_stop(ds_ctrl *d)
{
    size_t pos = 0;
    void *v;

    if (!d)
        return;
    atomic_store(&d->stop, true);
    wq_shutdown(d->q);
    for (int i = 0; i < DS_WORKERS; i++)
        pthread_join(d->workers[i].thread, NULL);
    for (int i = 0; i < DS_WORKERS; i++) {
        free(d->workers[i].scratch.lists);
        free(d->workers[i].scratch.np);
        hmap_release(&d->workers[i].scratch.by_node);
    }
    wq_free(d->q);
    ctrl_pool_free(d->pool);
    recorder_free(d->rec);
    while (hmap_next(&d->backoff, &pos, NULL, &v))
        free(v);
    hmap_release(&d->backoff);
    pthread_mutex_destroy(&d->bo_mu);
    free(d);
}
