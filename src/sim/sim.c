/*
 * sim.c -- the running simulation (sim.h): node registration, heartbeats and
 * pod handling for many nodes with a few threads.
 *
 * Threads:
 *   - workers (cfg.workers): take tasks from three queues, earliest
 *     deadline first, and make the HTTP requests; each holds about one
 *     keep-alive connection via the client's handle pool.  Pods and
 *     registrations are due at once, heartbeats within half their interval,
 *     so neither pod bursts nor a slow server make nodes look dead.
 *   - the ticker: every SIM_TICK_MS queues the heartbeats that are due (each
 *     node has its own phase within the interval, so 10,000 nodes renew at
 *     an even ~1,000 leases/s instead of in bursts) and moves delayed tasks
 *     (retries, ready-after rechecks) whose time has come into the queues.
 *   - the pod watcher: one list+watch of all pods; events for pods bound to
 *     our nodes become pod tasks.  A pod's pending task is replaced by newer
 *     events rather than queued twice, so a burst of changes costs one write.
 *   - the node watcher: one list+watch of all nodes, so that a node deleted
 *     from the API stops at once, and one marked unhealthy while the sim was
 *     stalled reports ready again without waiting for its next heartbeat.
 *
 * Writes are level-based: a pod task plans from the pod as last seen and
 * PUTs its status with that resourceVersion; a 409 means a newer version
 * exists, which the watch delivers and which is planned again.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "client/client.h"
#include "core/core.h"
#include "sim/sim_int.h"

#include <pthread.h>
#include <stdatomic.h>

#define SIM_TICK_MS 100
/* Retry delays for failed requests. */
#define SIM_RETRY_MIN_MS 500
#define SIM_RETRY_MAX_MS 10000
/* At most this many error lines per window; the rest are counted. */
#define SIM_LOG_WINDOW_MS 10000
#define SIM_LOG_BURST 20
/* A progress line this often (info level). */
#define SIM_STATS_EVERY_MS 60000
/* Stack of each thread: libcurl, OpenSSL and jansson need far less. */
#define SIM_THREAD_STACK ((size_t)512 * 1024)

enum node_state { NODE_NEW, NODE_ACTIVE, NODE_GONE };

typedef struct sim_node {
    char *name;              /* owned */
    char ip[16];             /* fake InternalIP */
    char uid[40];            /* the Node's uid (Lease owner); set before ACTIVE */
    char lease_rv[24];       /* last Lease resourceVersion ("" = update unconditionally);
                              * only lease tasks of this node touch it, one at a time */
    int64_t next_lease_ms;   /* monotonic due time; ticker only once ACTIVE */
    int64_t next_status_ms;  /* likewise for the status heartbeat */
    int reg_backoff_ms;      /* registration retry delay; its worker only */
    atomic_int state;        /* enum node_state */
    atomic_bool lease_queued;  /* a lease task is queued: don't queue another */
    atomic_bool status_queued; /* a status task is queued */
} sim_node;

enum task_kind { T_REGISTER, T_LEASE, T_STATUS, T_POD, T_POD_PUT, T_POD_RECHECK, T_SKIP };

typedef struct task {
    struct task *next;       /* queue link */
    enum task_kind kind;
    long node;               /* node index (node tasks) */
    char *key;               /* owned: "namespace/name" (pod tasks) */
    char *pod;               /* owned: latest pod seen (T_POD), or the status
                              * write planned from it (T_POD_PUT), compact JSON;
                              * text costs a fifth of a parsed pod while it waits */
    int64_t due_ms;          /* when delayed: monotonic time to run */
    int64_t deadline_ms;     /* when queued: run before this (see take_task) */
} task;

typedef struct task_list {
    task *head, *tail;
    size_t len;
} task_list;

struct sim {
    sim_config cfg;          /* owned copy */
    client *cl;              /* owned */
    char boot_id[40];        /* this run's nodeInfo.bootID */
    sim_node *nodes;         /* cfg.nodes entries, owned */
    hmap by_name;            /* node name -> sim_node*, read-only after sim_start */

    pthread_mutex_t mu;      /* guards everything from here to reg_done */
    pthread_cond_t work_cv;  /* a task was queued, or stopping */
    pthread_cond_t reg_cv;   /* registration finished, or stopping */
    task_list urgent;        /* registrations, pods, rechecks: due at once */
    task_list leases;        /* lease renewals: due within half an interval */
    task_list statuses;      /* status heartbeats: likewise, with more slack */
    hmap pending_pods;       /* key -> its task in pods, not yet taken */
    task **delayed;          /* min-heap on due_ms */
    size_t n_delayed, cap_delayed;
    hmap delayed_pods;       /* key -> its recheck task in delayed */
    bool reg_done;           /* every node registered */

    pthread_t *workers;      /* n_workers threads */
    int n_workers;
    pthread_t ticker, pod_watcher, node_watcher;
    bool ticker_started, pod_watcher_started, node_watcher_started;
    client_watch *pod_watch;  /* owned: all pods */
    client_watch *node_watch; /* owned: all nodes (deletions, lost health) */
    atomic_bool stopping;
    bool stopped;            /* sim_stop has run (caller's thread only) */
    int64_t start_ms;        /* monotonic start, for registration time */

    atomic_long registered, lease_renewals, status_updates, pod_updates, pod_deletes, errors;
    atomic_llong registered_ms;

    pthread_mutex_t log_mu;  /* guards the error-log limiter below */
    int64_t log_window;      /* start of the current window */
    int log_count;           /* lines logged in it */
    long log_suppressed;     /* lines dropped in it */
};

/* ---- small helpers ---------------------------------------------------------- */

static int64_t now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static bool is_stopping(sim *s)
{
    return atomic_load(&s->stopping);
}

/* Log a failed request, at most SIM_LOG_BURST lines per window. */
static void sim_log_error(sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sim_log_error(sim *s, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    bool print;
    long dropped = 0;
    int64_t now = time_mono_ms();

    atomic_fetch_add(&s->errors, 1);
    if (is_stopping(s))
        return;
    pthread_mutex_lock(&s->log_mu);
    if (now - s->log_window >= SIM_LOG_WINDOW_MS) {
        dropped = s->log_suppressed;
        s->log_window = now;
        s->log_count = 0;
        s->log_suppressed = 0;
    }
    print = s->log_count < SIM_LOG_BURST;
    if (print)
        s->log_count++;
    else
        s->log_suppressed++;
    pthread_mutex_unlock(&s->log_mu);
    if (dropped)
        log_warn("sim", "suppressed=%ld similar errors in the last %d s", dropped,
                 SIM_LOG_WINDOW_MS / 1000);
    if (!print)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_warn("sim", "%s", msg);
}

/* ---- queues (callers hold s->mu) ---------------------------------------------- */

static void list_push(task_list *l, task *t)
{
    t->next = NULL;
    if (l->tail)
        l->tail->next = t;
    else
        l->head = t;
    l->tail = t;
    l->len++;
}

static task *list_pop(task_list *l)
{
    task *t = l->head;
    if (!t)
        return NULL;
    l->head = t->next;
    if (!l->head)
        l->tail = NULL;
    l->len--;
    return t;
}

static void task_free(task *t)
{
    if (!t)
        return;
    free(t->key);
    free(t->pod);
    free(t);
}

static task *task_new(enum task_kind kind, long node, const char *key)
{
    task *t = xcalloc(1, sizeof *t);
    t->kind = kind;
    t->node = node;
    t->key = key ? xstrdup(key) : NULL;
    return t;
}

static void heap_push(sim *s, task *t)
{
    size_t i;
    if (s->n_delayed == s->cap_delayed) {
        s->cap_delayed = s->cap_delayed ? s->cap_delayed * 2 : 64;
        s->delayed = xrealloc(s->delayed, s->cap_delayed * sizeof *s->delayed);
    }
    i = s->n_delayed++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (s->delayed[parent]->due_ms <= t->due_ms)
            break;
        s->delayed[i] = s->delayed[parent];
        i = parent;
    }
    s->delayed[i] = t;
}

static task *heap_pop(sim *s)
{
    task *top, *last;
    size_t i = 0;

    if (!s->n_delayed)
        return NULL;
    top = s->delayed[0];
    last = s->delayed[--s->n_delayed];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        int64_t md = last->due_ms;
        if (l < s->n_delayed && s->delayed[l]->due_ms < md) {
            m = l;
            md = s->delayed[l]->due_ms;
        }
        if (r < s->n_delayed && s->delayed[r]->due_ms < md)
            m = r;
        if (m == i)
            break;
        s->delayed[i] = s->delayed[m];
        i = m;
    }
    if (s->n_delayed)
        s->delayed[i] = last;
    return top;
}

/* Queue a task by kind (s->mu held), with its deadline: heartbeats may
 * wait half their interval, since a Lease lasts four of them and a status
 * heartbeat is only a backup of the Lease; everything else is due now. */
static void push_task_locked(sim *s, task *t)
{
    int64_t now = time_mono_ms();

    if (t->kind == T_LEASE) {
        t->deadline_ms = now + (int64_t)s->cfg.lease_interval * 500;
        list_push(&s->leases, t);
    } else if (t->kind == T_STATUS) {
        t->deadline_ms = now + (int64_t)s->cfg.status_interval * 500;
        list_push(&s->statuses, t);
    } else {
        t->deadline_ms = now;
        list_push(&s->urgent, t);
    }
    pthread_cond_signal(&s->work_cv);
}

/* Queue a pod task (s->mu held) of kind T_POD or T_POD_PUT, taking
 * ownership of pod (text): a pending task for the same pod takes the newer
 * text instead, so each pod is written once per burst of events. */
static void enqueue_pod_locked(sim *s, enum task_kind kind, const char *key, char *pod)
{
    task *t = hmap_get(&s->pending_pods, key);

    if (t) {
        free(t->pod);
        t->pod = pod;
        t->kind = kind;
        return;
    }
    t = task_new(kind, -1, key);
    t->pod = pod;
    hmap_put(&s->pending_pods, key, t);
    push_task_locked(s, t);
}

static void enqueue_node_locked(sim *s, enum task_kind kind, long idx)
{
    push_task_locked(s, task_new(kind, idx, NULL));
}

/* Run a task later (any thread).  Pod rechecks already waiting are not
 * doubled: the earlier one plans again when it fires. */
static void enqueue_delayed(sim *s, enum task_kind kind, long idx, const char *key,
                            int64_t delay_ms)
{
    task *t;

    pthread_mutex_lock(&s->mu);
    if (key && hmap_get(&s->delayed_pods, key)) {
        pthread_mutex_unlock(&s->mu);
        return;
    }
    t = task_new(kind, idx, key);
    t->due_ms = time_mono_ms() + delay_ms;
    if (key)
        hmap_put(&s->delayed_pods, key, t);
    heap_push(s, t);
    pthread_mutex_unlock(&s->mu);
}

/*
 * Next task for a worker, NULL when stopping: earliest deadline first
 * among the heads of the three queues (each queue is in deadline order).
 * Pods and registrations go at once while heartbeats have slack; when the
 * server cannot keep up with everything, a heartbeat overtakes newer pod
 * work once it has waited its slack, so nodes stay alive and pods still
 * progress.
 */
static task *take_task(sim *s)
{
    task *t = NULL;

    pthread_mutex_lock(&s->mu);
    while (!is_stopping(s)) {
        task_list *best = NULL, *qs[] = {&s->urgent, &s->leases, &s->statuses};
        for (size_t i = 0; i < 3; i++)
            if (qs[i]->head && (!best || qs[i]->head->deadline_ms < best->head->deadline_ms))
                best = qs[i];
        if (best) {
            t = list_pop(best);
            /* The map may already point at a newer task for a pod of the
             * same name (this one was skipped when the old pod went). */
            if (t->key && hmap_get(&s->pending_pods, t->key) == t)
                hmap_del(&s->pending_pods, t->key);
            break;
        }
        pthread_cond_wait(&s->work_cv, &s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return t;
}

/* ---- node registration and heartbeats ----------------------------------------- */

static void copy_rv(char *dst, size_t len, json_t *obj)
{
    const char *rv = json_path_str(obj, "metadata.resourceVersion");
    snprintf(dst, len, "%s", rv ? rv : "");
}

static void node_gone(sim *s, sim_node *n)
{
    if (atomic_exchange(&n->state, NODE_GONE) != NODE_GONE)
        log_info("sim", "node=%s was deleted from the API; its heartbeats stop", n->name);
}

/* Retry a registration later, backing off per node. */
static void register_retry(sim *s, long idx)
{
    sim_node *n = &s->nodes[idx];
    n->reg_backoff_ms = n->reg_backoff_ms ? n->reg_backoff_ms * 2 : SIM_RETRY_MIN_MS;
    if (n->reg_backoff_ms > SIM_RETRY_MAX_MS)
        n->reg_backoff_ms = SIM_RETRY_MAX_MS;
    enqueue_delayed(s, T_REGISTER, idx, NULL, n->reg_backoff_ms);
}

/* The Node exists already (the sim restarted): take it over as kubelet
 * does, fixing our labels and rewriting our status. */
static int node_take_over(sim *s, sim_node *n, int64_t now)
{
    client_resp resp = {0};
    json_t *labels = NULL, *status = NULL;
    int rc;

    rc = client_get(s->cl, &client_res_nodes, NULL, n->name, &resp);
    if (rc)
        goto out_release;
    snprintf(n->uid, sizeof n->uid, "%s", json_path_str(resp.body, "metadata.uid") ?: "");
    labels = sim__node_labels_patch(&s->cfg, resp.body, n->name);
    status = sim__node_status_patch(&s->cfg, resp.body, n->name, n->ip, s->boot_id, now);
    if (labels) {
        rc = client_patch(s->cl, &client_res_nodes, NULL, n->name, NULL, CLIENT_PATCH_MERGE,
                          labels, &resp);
        if (rc)
            goto out_release;
    }
    rc = client_patch(s->cl, &client_res_nodes, NULL, n->name, "status",
                      CLIENT_PATCH_STRATEGIC, status, &resp);
out_release:
    json_decref(labels);
    json_decref(status);
    if (rc && rc != EN_CLOSED)
        sim_log_error(s, "taking over node=%s failed: %s", n->name, client_resp_message(&resp));
    client_resp_release(&resp);
    return rc;
}

static void do_register(sim *s, long idx)
{
    sim_node *n = &s->nodes[idx];
    client_resp resp = {0};
    int64_t now = time_now_unix(), mono;
    json_t *obj;
    long done;
    int rc;

    obj = sim__node_object(&s->cfg, n->name, n->ip, s->boot_id, now);
    rc = client_create(s->cl, &client_res_nodes, NULL, obj, &resp);
    json_decref(obj);
    if (rc == 0) {
        snprintf(n->uid, sizeof n->uid, "%s", json_path_str(resp.body, "metadata.uid") ?: "");
    } else if (rc == EN_EXISTS) {
        rc = node_take_over(s, n, now);
    } else if (rc != EN_CLOSED) {
        sim_log_error(s, "registering node=%s failed: %s", n->name, client_resp_message(&resp));
    }
    client_resp_release(&resp);
    if (rc) {
        if (rc != EN_CLOSED)
            register_retry(s, idx);
        return;
    }

    obj = sim__lease_object(&s->cfg, n->name, n->uid, NULL, now_us());
    rc = client_create(s->cl, &client_res_leases, SIM_LEASE_NAMESPACE, obj, &resp);
    json_decref(obj);
    /* When the Lease exists or could not be made, the first renewal (an
     * unconditional update, at once) puts ours in place. */
    if (rc == 0)
        copy_rv(n->lease_rv, sizeof n->lease_rv, resp.body);
    else if (rc != EN_EXISTS && rc != EN_CLOSED)
        sim_log_error(s, "creating lease for node=%s failed: %s", n->name,
                      client_resp_message(&resp));
    client_resp_release(&resp);

    /* Each node gets its own phase in the interval, so heartbeats spread
     * evenly whatever the registration order and speed. */
    mono = time_mono_ms();
    n->next_lease_ms =
        rc == 0 ? mono + (int64_t)idx * s->cfg.lease_interval * 1000 / s->cfg.nodes : mono;
    n->next_status_ms = mono + (int64_t)idx * s->cfg.status_interval * 1000 / s->cfg.nodes;
    atomic_store(&n->state, NODE_ACTIVE);
    done = atomic_fetch_add(&s->registered, 1) + 1;
    if (done == s->cfg.nodes) {
        int64_t ms = time_mono_ms() - s->start_ms;
        atomic_store(&s->registered_ms, ms);
        log_info("sim", "registered nodes=%ld elapsed_ms=%lld rate_per_s=%.0f", done,
                 (long long)ms, ms > 0 ? (double)done * 1000.0 / (double)ms : (double)done);
        pthread_mutex_lock(&s->mu);
        s->reg_done = true;
        pthread_cond_broadcast(&s->reg_cv);
        pthread_mutex_unlock(&s->mu);
    }
}

/* Does the Node still exist?  (A missing Lease may mean it was deleted and
 * its Lease collected.)  Errors count as "yes": retry later. */
static bool node_exists(sim *s, sim_node *n)
{
    client_resp resp = {0};
    int rc = client_get(s->cl, &client_res_nodes, NULL, n->name, &resp);
    client_resp_release(&resp);
    return rc != EN_NOTFOUND;
}

static void do_lease(sim *s, long idx)
{
    sim_node *n = &s->nodes[idx];
    client_resp resp = {0};
    json_t *obj;
    int rc;

    for (int attempt = 0; attempt < 2; attempt++) {
        obj = sim__lease_object(&s->cfg, n->name, n->uid, n->lease_rv, now_us());
        rc = client_update(s->cl, &client_res_leases, SIM_LEASE_NAMESPACE, n->name, NULL, obj,
                           &resp);
        json_decref(obj);
        if (rc != EN_CONFLICT)
            break;
        /* Someone else wrote it: retry once without a precondition, as the
         * node is the Lease's only rightful holder. */
        n->lease_rv[0] = '\0';
        client_resp_release(&resp);
    }
    if (rc == EN_NOTFOUND) {
        client_resp_release(&resp);
        if (!node_exists(s, n)) {
            node_gone(s, n);
            return;
        }
        obj = sim__lease_object(&s->cfg, n->name, n->uid, NULL, now_us());
        rc = client_create(s->cl, &client_res_leases, SIM_LEASE_NAMESPACE, obj, &resp);
        json_decref(obj);
    }
    if (rc == 0) {
        copy_rv(n->lease_rv, sizeof n->lease_rv, resp.body);
        atomic_fetch_add(&s->lease_renewals, 1);
    } else if (rc != EN_CLOSED) {
        n->lease_rv[0] = '\0';
        sim_log_error(s, "renewing lease of node=%s failed: %s", n->name,
                      client_resp_message(&resp));
        enqueue_delayed(s, T_LEASE, idx, NULL, SIM_RETRY_MIN_MS * 2);
    }
    client_resp_release(&resp);
}

static void do_status(sim *s, long idx)
{
    sim_node *n = &s->nodes[idx];
    client_resp resp = {0};
    int64_t now = time_now_unix();
    json_t *patch = sim__node_heartbeat_patch(now);
    int rc;

    rc = client_patch(s->cl, &client_res_nodes, NULL, n->name, "status", CLIENT_PATCH_STRATEGIC,
                      patch, &resp);
    json_decref(patch);
    if (rc == 0 && !sim__node_is_healthy(resp.body)) {
        /* Someone (the node lifecycle controller) marked us unhealthy while
         * we were away: report ready again, with a new transition time. */
        patch = json_pack("{s:{s:o}}", "status", "conditions",
                          sim__node_conditions(json_path(resp.body, "status.conditions"), now));
        client_resp_release(&resp);
        rc = client_patch(s->cl, &client_res_nodes, NULL, n->name, "status",
                          CLIENT_PATCH_STRATEGIC, patch, &resp);
        json_decref(patch);
        if (rc == 0)
            log_info("sim", "node=%s reported Ready again", n->name);
    }
    if (rc == 0)
        atomic_fetch_add(&s->status_updates, 1);
    else if (rc == EN_NOTFOUND)
        node_gone(s, n);
    else if (rc != EN_CLOSED)
        sim_log_error(s, "node=%s status heartbeat failed: %s", n->name,
                      client_resp_message(&resp));
    client_resp_release(&resp);
}

/* ---- pods --------------------------------------------------------------------- */

/* The node this pod is bound to, if it is one of ours and alive. */
static sim_node *pod_node(sim *s, json_t *pod)
{
    const char *nn = json_path_str(pod, "spec.nodeName");
    sim_node *n;

    if (!nn || !*nn)
        return NULL;
    n = hmap_get(&s->by_name, nn);
    if (!n || atomic_load(&n->state) == NODE_GONE)
        return NULL;
    return n;
}

/* The outcome of a pod write (rc, resp) for key on node (NULL when the
 * caller does not know it): counted, or logged and retried later. */
static void pod_write_done(sim *s, const char *key, const char *node, bool del, int rc,
                           client_resp *resp)
{
    if (rc == 0) {
        atomic_fetch_add(del ? &s->pod_deletes : &s->pod_updates, 1);
        return;
    }
    /* Gone, or changed meanwhile (the watch brings the newer version). */
    if (rc == EN_NOTFOUND || rc == EN_CONFLICT || rc == EN_CLOSED)
        return;
    sim_log_error(s, "pod=%s%s%s: %s failed: %s", key, node ? " on node=" : "", node ? node : "",
                  del ? "delete" : "status update", client_resp_message(resp));
    enqueue_delayed(s, T_POD_RECHECK, -1, key, SIM_RETRY_MIN_MS * 2);
}

/* Send a status write the watch thread planned (T_POD_PUT): body is the
 * whole pod, with the resourceVersion it was planned from, so a pod changed
 * meanwhile gets a conflict and its newer version is planned anew. */
static void put_pod_status(sim *s, const char *key, const char *body)
{
    const char *slash = strchr(key, '/');
    client_resp resp = {.errors_only = true}; /* the watch brings the result */
    char *ns, *path;
    int rc;

    if (!slash)
        return;
    ns = xstrndup(key, (size_t)(slash - key));
    path = client_path(&client_res_pods, ns, slash + 1, "status");
    rc = client_request(s->cl, "PUT", path, "application/json", body, strlen(body), &resp);
    pod_write_done(s, key, NULL, false, rc, &resp);
    client_resp_release(&resp);
    free(path);
    free(ns);
}

static void handle_pod(sim *s, const char *key, json_t *pod)
{
    sim_node *n = pod_node(s, pod);
    const char *ns = json_path_str(pod, "metadata.namespace");
    const char *name = json_path_str(pod, "metadata.name");
    client_resp resp = {.errors_only = true}; /* the watch brings the result */
    sim_pod_plan plan;
    int64_t now = time_now_unix();
    int rc = 0;

    if (!n || !name)
        return;
    sim__pod_plan(&s->cfg, pod, n->ip, now, &plan);
    if (plan.action == SIM_POD_DELETE) {
        /* What kubelet does once the containers stopped: delete for good,
         * guarded by the uid so a new pod of the same name survives. */
        client_delete_opts o = {.set_grace = true,
                                .grace_seconds = 0,
                                .pre_uid = json_path_str(pod, "metadata.uid")};
        rc = client_delete(s->cl, &client_res_pods, ns, name, &o, &resp);
    } else if (plan.action == SIM_POD_UPDATE) {
        rc = client_update(s->cl, &client_res_pods, ns, name, "status", plan.pod, &resp);
    }
    if (plan.action != SIM_POD_NONE)
        pod_write_done(s, key, n->name, plan.action == SIM_POD_DELETE, rc, &resp);
    if ((rc == 0 || rc == EN_NOTFOUND || rc == EN_CONFLICT) && plan.recheck_at) {
        int64_t delay = (plan.recheck_at - now) * 1000;
        enqueue_delayed(s, T_POD_RECHECK, -1, key, delay > 0 ? delay : 0);
    }
    client_resp_release(&resp);
    sim__pod_plan_release(&plan);
}

/* A recheck (ready-after, retry): plan from the pod as it is now. */
static void recheck_pod(sim *s, const char *key)
{
    client_resp resp = {0};
    const char *slash = strchr(key, '/');
    char *ns;
    int rc;

    if (!slash)
        return;
    ns = xstrndup(key, (size_t)(slash - key));
    rc = client_get(s->cl, &client_res_pods, ns, slash + 1, &resp);
    if (rc == 0)
        handle_pod(s, key, resp.body);
    else if (rc != EN_NOTFOUND && rc != EN_CLOSED) {
        sim_log_error(s, "reading pod=%s failed: %s", key, client_resp_message(&resp));
        enqueue_delayed(s, T_POD_RECHECK, -1, key, SIM_RETRY_MIN_MS * 2);
    }
    client_resp_release(&resp);
    free(ns);
}

static char *pod_key(json_t *pod)
{
    const char *ns = json_path_str(pod, "metadata.namespace");
    const char *name = json_path_str(pod, "metadata.name");
    if (!name)
        return NULL;
    return xasprintf("%s/%s", ns ? ns : "", name);
}

/* What this pod needs now, as the task to queue: NULL when nothing (the
 * echoes of our own writes, above all, cost no queue slot), else the text
 * to queue, of the kind set in *kind.  Planning is cheap and pure, so it is
 * done once, here: a status write goes to a worker ready to send
 * (T_POD_PUT); a delete is planned again from the pod (T_POD).  Ready-after
 * rechecks are scheduled from here too. */
static char *pod_work(sim *s, sim_node *n, const char *key, json_t *pod, enum task_kind *kind)
{
    sim_pod_plan plan;
    int64_t now = time_now_unix();
    char *text = NULL;

    sim__pod_plan(&s->cfg, pod, n->ip, now, &plan);
    if (plan.action == SIM_POD_NONE) {
        if (plan.recheck_at)
            enqueue_delayed(s, T_POD_RECHECK, -1, key,
                            plan.recheck_at > now ? (plan.recheck_at - now) * 1000 : 0);
    } else {
        /* Serialised before taking the lock, which workers contend for. */
        bool put = plan.action == SIM_POD_UPDATE;
        text = json_dumps(put ? plan.pod : pod, JSON_COMPACT);
        if (!text)
            en_fatal("sim: out of memory serialising a pod");
        *kind = put ? T_POD_PUT : T_POD;
    }
    sim__pod_plan_release(&plan);
    return text;
}

static int on_pod_event(void *ctx, const client_event *ev)
{
    sim *s = ctx;
    sim_node *n;
    char *key, *text = NULL;
    enum task_kind kind = T_POD;
    task *t;

    if (ev->type != CLIENT_EV_ADDED && ev->type != CLIENT_EV_MODIFIED &&
        ev->type != CLIENT_EV_DELETED)
        return 0;
    n = pod_node(s, ev->object);
    if (!n)
        return 0;
    key = pod_key(ev->object);
    if (!key)
        return 0;
    if (ev->type != CLIENT_EV_DELETED && !(text = pod_work(s, n, key, ev->object, &kind))) {
        free(key);
        return 0;
    }
    if (ev->type == CLIENT_EV_DELETED) {
        /* Nothing left to do for it; a queued write would only 404. */
        pthread_mutex_lock(&s->mu);
        t = hmap_del(&s->pending_pods, key);
        if (t) {
            t->kind = T_SKIP;
            free(t->pod);
            t->pod = NULL;
        }
        pthread_mutex_unlock(&s->mu);
    } else {
        pthread_mutex_lock(&s->mu);
        enqueue_pod_locked(s, kind, key, text);
        pthread_mutex_unlock(&s->mu);
    }
    free(key);
    return 0;
}

/* Our node as the event shows it: the live incarnation we registered. */
static sim_node *event_node(sim *s, json_t *node)
{
    const char *name = json_path_str(node, "metadata.name");
    const char *uid = json_path_str(node, "metadata.uid");
    sim_node *n = name ? hmap_get(&s->by_name, name) : NULL;

    /* The uid is written before the node turns ACTIVE, so reading it after
     * seeing ACTIVE is safe; events of an older incarnation don't match. */
    if (!n || atomic_load(&n->state) != NODE_ACTIVE || !uid || strcmp(uid, n->uid) != 0)
        return NULL;
    return n;
}

/* Node events: a deleted node stops for good (its pods are collected by
 * the server, as for a kubelet whose Node was deleted); a node someone
 * marked unhealthy (the node lifecycle controller, after a stall) gets a
 * status heartbeat at once, which reports it ready again. */
static int on_node_event(void *ctx, const client_event *ev)
{
    sim *s = ctx;
    sim_node *n;

    if (ev->type != CLIENT_EV_ADDED && ev->type != CLIENT_EV_MODIFIED &&
        ev->type != CLIENT_EV_DELETED)
        return 0;
    n = event_node(s, ev->object);
    if (!n)
        return 0;
    if (ev->type == CLIENT_EV_DELETED) {
        node_gone(s, n);
        return 0;
    }
    if (!sim__node_is_healthy(ev->object) && !atomic_exchange(&n->status_queued, true)) {
        pthread_mutex_lock(&s->mu);
        enqueue_node_locked(s, T_STATUS, n - s->nodes);
        pthread_mutex_unlock(&s->mu);
    }
    return 0;
}

/* ---- threads ------------------------------------------------------------------- */

static void *worker_main(void *p)
{
    sim *s = p;
    task *t;

    while ((t = take_task(s)) != NULL) {
        switch (t->kind) {
        case T_REGISTER:
            do_register(s, t->node);
            break;
        case T_LEASE:
            atomic_store(&s->nodes[t->node].lease_queued, false);
            if (atomic_load(&s->nodes[t->node].state) == NODE_ACTIVE)
                do_lease(s, t->node);
            break;
        case T_STATUS:
            atomic_store(&s->nodes[t->node].status_queued, false);
            if (atomic_load(&s->nodes[t->node].state) == NODE_ACTIVE)
                do_status(s, t->node);
            break;
        case T_POD: {
            json_t *pod = json_loads(t->pod, 0, NULL);
            if (pod)
                handle_pod(s, t->key, pod);
            json_decref(pod);
            break;
        }
        case T_POD_PUT:
            put_pod_status(s, t->key, t->pod);
            break;
        case T_POD_RECHECK:
            recheck_pod(s, t->key);
            break;
        case T_SKIP:
            break;
        }
        task_free(t);
    }
    return NULL;
}

/* Queue due heartbeats and delayed tasks (one pass of the ticker). */
static void tick(sim *s)
{
    int64_t now = time_mono_ms();
    int64_t li = (int64_t)s->cfg.lease_interval * 1000, si = (int64_t)s->cfg.status_interval * 1000;
    task *t;

    pthread_mutex_lock(&s->mu);
    for (long i = 0; i < s->cfg.nodes; i++) {
        sim_node *n = &s->nodes[i];
        if (atomic_load(&n->state) != NODE_ACTIVE)
            continue;
        if (now >= n->next_lease_ms && !atomic_load(&n->lease_queued)) {
            atomic_store(&n->lease_queued, true);
            enqueue_node_locked(s, T_LEASE, i);
            /* Keep the phase; after a long stall start from now. */
            n->next_lease_ms += li;
            if (n->next_lease_ms <= now)
                n->next_lease_ms = now + li;
        }
        if (now >= n->next_status_ms && !atomic_load(&n->status_queued)) {
            atomic_store(&n->status_queued, true);
            enqueue_node_locked(s, T_STATUS, i);
            n->next_status_ms += si;
            if (n->next_status_ms <= now)
                n->next_status_ms = now + si;
        }
    }
    while (s->n_delayed && s->delayed[0]->due_ms <= now) {
        t = heap_pop(s);
        if (t->key) {
            if (hmap_get(&s->delayed_pods, t->key) == t)
                hmap_del(&s->delayed_pods, t->key);
            if (hmap_get(&s->pending_pods, t->key)) {
                task_free(t); /* a pending task will plan anyway */
                continue;
            }
            hmap_put(&s->pending_pods, t->key, t);
        }
        push_task_locked(s, t);
    }
    pthread_mutex_unlock(&s->mu);
}

static void log_stats(sim *s)
{
    sim_stats st;
    size_t ql, qn, qp;

    sim_get_stats(s, &st);
    pthread_mutex_lock(&s->mu);
    ql = s->leases.len;
    qn = s->statuses.len;
    qp = s->urgent.len;
    pthread_mutex_unlock(&s->mu);
    log_info("sim",
             "nodes=%ld registered=%ld lease_renewals=%ld status_updates=%ld pod_updates=%ld "
             "pod_deletes=%ld errors=%ld queued_leases=%zu queued_statuses=%zu "
             "queued_other=%zu",
             s->cfg.nodes, st.registered, st.lease_renewals, st.status_updates, st.pod_updates,
             st.pod_deletes, st.errors, ql, qn, qp);
}

static void *ticker_main(void *p)
{
    sim *s = p;
    int64_t next_stats = time_mono_ms() + SIM_STATS_EVERY_MS;

    while (!is_stopping(s)) {
        struct timespec ts = {.tv_sec = 0, .tv_nsec = SIM_TICK_MS * 1000000L};
        tick(s);
        if (time_mono_ms() >= next_stats) {
            log_stats(s);
            next_stats += SIM_STATS_EVERY_MS;
        }
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void *pod_watcher_main(void *p)
{
    sim *s = p;
    int rc = client_watch_run(s->pod_watch, on_pod_event, s);
    if (rc && rc != EN_CLOSED)
        log_error("sim", "pod watch ended: %s", en_strerror(rc));
    return NULL;
}

static void *node_watcher_main(void *p)
{
    sim *s = p;
    int rc = client_watch_run(s->node_watch, on_node_event, s);
    if (rc && rc != EN_CLOSED)
        log_error("sim", "node watch ended: %s", en_strerror(rc));
    return NULL;
}

/* ---- lifecycle ------------------------------------------------------------------ */

/* Check that we may talk to the server before starting thousands of
 * requests: a wrong token fails here with one clear message. */
static int preflight(sim *s, char **err)
{
    client_resp resp = {0};
    int rc = client_get(s->cl, &client_res_namespaces, NULL, SIM_LEASE_NAMESPACE, &resp);

    if (resp.code == 401 || resp.code == 403) {
        *err = xasprintf("the server refused our credentials (HTTP %ld): %s", resp.code,
                         client_resp_message(&resp));
        rc = EN_INVALID;
    } else if (rc == EN_NOTFOUND) {
        /* Kubernetes creates it; make sure it is there for our Leases. */
        json_t *ns = json_pack("{s:s,s:s,s:{s:s}}", "apiVersion", "v1", "kind", "Namespace",
                               "metadata", "name", SIM_LEASE_NAMESPACE);
        client_resp_release(&resp);
        rc = client_create(s->cl, &client_res_namespaces, NULL, ns, &resp);
        json_decref(ns);
        if (rc && rc != EN_EXISTS)
            log_warn("sim", "creating namespace %s failed: %s", SIM_LEASE_NAMESPACE,
                     client_resp_message(&resp));
        rc = 0;
    } else if (rc) {
        /* Not reachable yet: registration retries until it is. */
        log_warn("sim", "server not reachable yet: %s", client_resp_message(&resp));
        rc = 0;
    }
    client_resp_release(&resp);
    return rc;
}

int sim_start(const sim_config *cfg, sim **out, char **err)
{
    sim *s = NULL;
    client_config cc;
    pthread_attr_t attr;
    int rc;

    *out = NULL;
    *err = NULL;
    rc = sim_config_check(cfg, err);
    if (rc)
        return rc;
    s = xcalloc(1, sizeof *s);
    sim__config_copy(&s->cfg, cfg);
    if (s->cfg.workers == 0)
        s->cfg.workers = sim__default_workers(s->cfg.nodes);
    client_config_init(&cc);
    rc = client_config_load(cfg->kubeconfig, &cc, err);
    if (rc)
        goto out_free;
    cc.user_agent = xstrdup("everynode-sim/0.1");
    rc = client_new(&cc, &s->cl);
    client_config_release(&cc);
    if (rc) {
        *err = xasprintf("%s: unusable server address", cfg->kubeconfig);
        goto out_free;
    }
    uid_new(s->boot_id);
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->log_mu, NULL);
    pthread_cond_init(&s->work_cv, NULL);
    pthread_cond_init(&s->reg_cv, NULL);
    hmap_init(&s->by_name);
    hmap_init(&s->pending_pods);
    hmap_init(&s->delayed_pods);
    s->nodes = xcalloc((size_t)s->cfg.nodes, sizeof *s->nodes);
    for (long i = 0; i < s->cfg.nodes; i++) {
        char name[300];
        sim__node_name(&s->cfg, i, name, sizeof name);
        s->nodes[i].name = xstrdup(name);
        sim__node_ip(&s->cfg, i, s->nodes[i].ip, sizeof s->nodes[i].ip);
        atomic_init(&s->nodes[i].state, NODE_NEW);
        atomic_init(&s->nodes[i].lease_queued, false);
        atomic_init(&s->nodes[i].status_queued, false);
        hmap_put(&s->by_name, s->nodes[i].name, &s->nodes[i]);
    }
    atomic_init(&s->stopping, false);
    s->log_window = time_mono_ms();
    rc = preflight(s, err);
    if (rc)
        goto out_free;

    log_info("sim", "starting nodes=%ld prefix=%s workers=%d server=%s", s->cfg.nodes,
             s->cfg.name_prefix, s->cfg.workers, cfg->kubeconfig);
    s->start_ms = time_mono_ms();
    pthread_mutex_lock(&s->mu);
    for (long i = 0; i < s->cfg.nodes; i++)
        push_task_locked(s, task_new(T_REGISTER, i, NULL));
    pthread_mutex_unlock(&s->mu);

    /* Threads get modest stacks: 32 of them at 8 MiB each is address
     * space for nothing. */
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, SIM_THREAD_STACK);
    s->workers = xcalloc((size_t)s->cfg.workers, sizeof *s->workers);
    for (int i = 0; i < s->cfg.workers; i++) {
        if (pthread_create(&s->workers[i], &attr, worker_main, s) != 0)
            en_fatal("sim: cannot create a worker thread");
        s->n_workers++;
    }
    if (pthread_create(&s->ticker, &attr, ticker_main, s) != 0)
        en_fatal("sim: cannot create the ticker thread");
    s->ticker_started = true;
    s->node_watch = client_watch_new(s->cl, &client_res_nodes, NULL, NULL);
    if (pthread_create(&s->node_watcher, &attr, node_watcher_main, s) != 0)
        en_fatal("sim: cannot create the node watch thread");
    s->node_watcher_started = true;
    /* Bound pods only, as a kubelet watches spec.nodeName=<its node>: the
     * unbound ones (a third of a DaemonSet roll-out's events) are not ours
     * to parse. */
    client_watch_opts pod_opts = {.field_selector = "spec.nodeName!="};
    s->pod_watch = client_watch_new(s->cl, &client_res_pods, NULL, &pod_opts);
    if (pthread_create(&s->pod_watcher, &attr, pod_watcher_main, s) != 0)
        en_fatal("sim: cannot create the pod watch thread");
    s->pod_watcher_started = true;
    pthread_attr_destroy(&attr);
    *out = s;
    return 0;
out_free:
    sim_free(s);
    return rc;
}

bool sim_wait_registered(sim *s, int64_t timeout_ms)
{
    struct timespec ts;
    bool done;

    ts = time_deadline_in_ms(timeout_ms);
    pthread_mutex_lock(&s->mu);
    while (!s->reg_done && !is_stopping(s))
        if (pthread_cond_timedwait(&s->reg_cv, &s->mu, &ts) != 0)
            break;
    done = s->reg_done;
    pthread_mutex_unlock(&s->mu);
    return done;
}

void sim_get_stats(sim *s, sim_stats *st)
{
    st->registered = atomic_load(&s->registered);
    st->lease_renewals = atomic_load(&s->lease_renewals);
    st->status_updates = atomic_load(&s->status_updates);
    st->pod_updates = atomic_load(&s->pod_updates);
    st->pod_deletes = atomic_load(&s->pod_deletes);
    st->errors = atomic_load(&s->errors);
    st->registered_ms = atomic_load(&s->registered_ms);
}

void sim_stop(sim *s)
{
    if (!s || s->stopped)
        return;
    s->stopped = true;
    atomic_store(&s->stopping, true);
    if (s->pod_watch)
        client_watch_stop(s->pod_watch);
    if (s->node_watch)
        client_watch_stop(s->node_watch);
    /* In-flight requests are abandoned: the nodes simply stop talking. */
    if (s->cl)
        client_shutdown(s->cl);
    if (s->n_workers || s->ticker_started) {
        pthread_mutex_lock(&s->mu);
        pthread_cond_broadcast(&s->work_cv);
        pthread_cond_broadcast(&s->reg_cv);
        pthread_mutex_unlock(&s->mu);
    }
    for (int i = 0; i < s->n_workers; i++)
        pthread_join(s->workers[i], NULL);
    if (s->ticker_started)
        pthread_join(s->ticker, NULL);
    if (s->pod_watcher_started)
        pthread_join(s->pod_watcher, NULL);
    if (s->node_watcher_started)
        pthread_join(s->node_watcher, NULL);
    if (s->n_workers)
        log_stats(s);
}

static void free_list(task_list *l)
{
    task *t;
    while ((t = list_pop(l)) != NULL)
        task_free(t);
}

void sim_free(sim *s)
{
    if (!s)
        return;
    sim_stop(s);
    client_watch_free(s->pod_watch);
    client_watch_free(s->node_watch);
    free_list(&s->urgent);
    free_list(&s->leases);
    free_list(&s->statuses);
    for (size_t i = 0; i < s->n_delayed; i++)
        task_free(s->delayed[i]);
    free(s->delayed);
    if (s->nodes) {
        for (long i = 0; i < s->cfg.nodes; i++)
            free(s->nodes[i].name);
        free(s->nodes);
        hmap_release(&s->by_name);
        hmap_release(&s->pending_pods);
        hmap_release(&s->delayed_pods);
        pthread_mutex_destroy(&s->mu);
        pthread_mutex_destroy(&s->log_mu);
        pthread_cond_destroy(&s->work_cv);
        pthread_cond_destroy(&s->reg_cv);
    }
    free(s->workers);
    client_free(s->cl);
    sim_config_release(&s->cfg);
    free(s);
}
