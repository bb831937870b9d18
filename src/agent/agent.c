/*
 * agent.c -- the running agent (agent.h): its threads, the Node's
 * registration and heartbeats, the pod watch and the work queue.
 *
 * Threads:
 *   - heartbeat: registers the Node (or takes over the existing one after
 *     a restart), renews the Lease every lease_interval, and every 10 s
 *     computes the node status, posting it when it differs from the
 *     server's (heartbeat times aside) or status_interval has passed.
 *   - watcher: list-then-watch of the pods with spec.nodeName = this node;
 *     each event stores the pod and makes it due at once.  After a
 *     (re)list, pods not seen again are gone.
 *   - workers (cfg.workers): take the due pod with the earliest time that
 *     no other worker holds and run agent__pod_sync on it (pods.c), which
 *     says when it wants to run again (probes, exit polling, back-offs).
 *     At most one worker holds a pod, so a pod's containers are only ever
 *     touched by one thread at a time.
 *
 * The pods map and the scheduling fields of each pod are guarded by
 * agent.mu; the containers of a pod belong to the worker holding it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "agent/agent_int.h"
#include "types/types.h"

/* Node status is computed this often (kubelet's nodeStatusUpdateFrequency). */
#define AGENT_STATUS_CHECK_MS 10000
#define AGENT_RETRY_MIN_MS 500
#define AGENT_RETRY_MAX_MS 10000
/* Workers wake at least this often (stop checks). */
#define AGENT_IDLE_WAIT_MS 1000
/* Thread stacks: libcurl, OpenSSL and jansson need far less than 8 MiB. */
#define AGENT_THREAD_STACK ((size_t)512 * 1024)

/* jemalloc's control interface.  Weak: builds without jemalloc (the
 * sanitizers bring their own allocator, unit tests link none) see NULL. */
extern int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen)
    __attribute__((weak));

/*
 * jemalloc, tuned for the server's many busy request threads, gives every
 * thread a cache of freed blocks and spreads threads over four arenas per
 * CPU.  The agent's dozen threads are mostly asleep and allocate little:
 * there those caches and half-used arenas are just resident memory.  With
 * every agent thread on arena 0 without a cache, the agent's anonymous
 * memory with 10 pods went from 5.0 to 3.7 MiB (bench/run.py agent).
 */
void agent__thread_lean(void)
{
    unsigned arena = 0;
    bool off = false;

    if (!mallctl)
        return;
    /* Best effort: a jemalloc without these controls just keeps its defaults. */
    (void)mallctl("thread.arena", NULL, NULL, &arena, sizeof arena);
    (void)mallctl("thread.tcache.enabled", NULL, NULL, &off, sizeof off);
}

static int64_t now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static bool is_stopping(agent *a)
{
    return atomic_load(&a->stopping);
}

const char *agent_node_name(const agent *a)
{
    return a->mach.node_name;
}

const char *agent_node_ip(const agent *a)
{
    return a->mach.node_ip;
}

/* Sleep on the heartbeat condition until deadline_ms (monotonic) or stop. */
static void hb_wait(agent *a, int64_t deadline_ms)
{
    int64_t left = deadline_ms - time_mono_ms();
    struct timespec ts;

    if (left <= 0)
        return;
    if (left > AGENT_IDLE_WAIT_MS)
        left = AGENT_IDLE_WAIT_MS;
    ts = time_deadline_in_ms(left);
    pthread_mutex_lock(&a->hb_mu);
    if (!is_stopping(a))
        pthread_cond_timedwait(&a->hb_cv, &a->hb_mu, &ts);
    pthread_mutex_unlock(&a->hb_mu);
}

/* ---- the Node and its Lease --------------------------------------------------------- */

/* The Node exists (an earlier run): fix our labels, rewrite our status. */
static int node_take_over(agent *a)
{
    client_resp resp = {0};
    json_t *labels = NULL, *patch = NULL;
    agent_pressure pr;
    int rc;

    rc = client_get(a->cl, &client_res_nodes, NULL, a->mach.node_name, &resp);
    if (rc)
        goto out_release;
    snprintf(a->node_uid, sizeof a->node_uid, "%s",
             json_path_str(resp.body, "metadata.uid") ?: "");
    labels = agent__node_labels_patch(&a->cfg, &a->mach, resp.body);
    agent__pressure_read(a->cfg.data_dir, &pr);
    patch = json_pack("{s:o}", "status",
                      agent__node_status(&a->cfg, &a->mach, &pr,
                                         json_path(resp.body, "status.conditions"),
                                         time_now_unix()));
    if (labels) {
        rc = client_patch(a->cl, &client_res_nodes, NULL, a->mach.node_name, NULL,
                          CLIENT_PATCH_MERGE, labels, &resp);
        if (rc)
            goto out_release;
    }
    rc = client_patch(a->cl, &client_res_nodes, NULL, a->mach.node_name, "status",
                      CLIENT_PATCH_STRATEGIC, patch, &resp);
out_release:
    json_decref(labels);
    json_decref(patch);
    if (rc && rc != EN_CLOSED)
        log_warn("agent", "taking over node=%s failed: %s", a->mach.node_name,
                 client_resp_message(&resp));
    client_resp_release(&resp);
    return rc;
}

static int node_register(agent *a)
{
    client_resp resp = {0};
    agent_pressure pr;
    json_t *obj;
    int rc;

    agent__pressure_read(a->cfg.data_dir, &pr);
    obj = agent__node_object(&a->cfg, &a->mach, &pr, time_now_unix());
    rc = client_create(a->cl, &client_res_nodes, NULL, obj, &resp);
    json_decref(obj);
    if (rc == 0) {
        snprintf(a->node_uid, sizeof a->node_uid, "%s",
                 json_path_str(resp.body, "metadata.uid") ?: "");
        log_info("agent", "registered node=%s ip=%s cpus=%ld memory=%lldMi", a->mach.node_name,
                 a->mach.node_ip, a->mach.cpus, (long long)(a->mach.memory_bytes >> 20));
    } else if (rc == EN_EXISTS) {
        rc = node_take_over(a);
        if (rc == 0)
            log_info("agent", "took over existing node=%s ip=%s", a->mach.node_name,
                     a->mach.node_ip);
    } else if (rc != EN_CLOSED) {
        log_warn("agent", "registering node=%s failed: %s", a->mach.node_name,
                 client_resp_message(&resp));
    }
    client_resp_release(&resp);
    return rc;
}

/* Renew (or create) the Lease; rv holds its last resourceVersion. */
static int lease_renew(agent *a, char *rv, size_t rv_len)
{
    client_resp resp = {0};
    json_t *obj;
    int rc = 0;

    for (int attempt = 0; attempt < 2; attempt++) {
        obj = agent__lease_object(&a->cfg, a->mach.node_name, a->node_uid, rv, now_us());
        rc = client_update(a->cl, &client_res_leases, AGENT_LEASE_NAMESPACE, a->mach.node_name,
                           NULL, obj, &resp);
        json_decref(obj);
        if (rc != EN_CONFLICT)
            break;
        /* Someone else wrote it: we are its rightful holder. */
        rv[0] = '\0';
        client_resp_release(&resp);
    }
    if (rc == EN_NOTFOUND) {
        client_resp_release(&resp);
        obj = agent__lease_object(&a->cfg, a->mach.node_name, a->node_uid, NULL, now_us());
        rc = client_create(a->cl, &client_res_leases, AGENT_LEASE_NAMESPACE, obj, &resp);
        json_decref(obj);
    }
    if (rc == 0) {
        snprintf(rv, rv_len, "%s", json_path_str(resp.body, "metadata.resourceVersion") ?: "");
    } else {
        rv[0] = '\0';
        if (rc != EN_CLOSED)
            log_warn("agent", "renewing the lease of node=%s failed: %s", a->mach.node_name,
                     client_resp_message(&resp));
    }
    client_resp_release(&resp);
    return rc;
}

/* Compute the node status and post it when it changed or is due.  Returns
 * EN_NOTFOUND when the Node is gone (register again). */
static int node_status(agent *a, bool force)
{
    client_resp resp = {0};
    agent_pressure pr;
    json_t *st = NULL, *patch;
    int rc;

    rc = client_get(a->cl, &client_res_nodes, NULL, a->mach.node_name, &resp);
    if (rc)
        goto out;
    agent__pressure_read(a->cfg.data_dir, &pr);
    st = agent__node_status(&a->cfg, &a->mach, &pr, json_path(resp.body, "status.conditions"),
                            time_now_unix());
    if (!force) {
        /* Compare what we own only. */
        json_t *have = json_deep_copy(json_object_get(resp.body, "status"));
        json_t *want = json_deep_copy(have), *v;
        const char *k;
        bool same;
        json_object_foreach(st, k, v)
        {
            json_object_set(want, k, v);
        }
        same = agent__node_status_same(have, want);
        json_decref(have);
        json_decref(want);
        if (same)
            goto out;
    }
    patch = json_pack("{s:O}", "status", st);
    client_resp_release(&resp);
    rc = client_patch(a->cl, &client_res_nodes, NULL, a->mach.node_name, "status",
                      CLIENT_PATCH_STRATEGIC, patch, &resp);
    json_decref(patch);
out:
    if (rc && rc != EN_NOTFOUND && rc != EN_CLOSED)
        log_warn("agent", "node=%s status update failed: %s", a->mach.node_name,
                 client_resp_message(&resp));
    json_decref(st);
    client_resp_release(&resp);
    return rc;
}

static void *heartbeat_main(void *arg)
{
    agent *a = arg;
    bool registered = false;
    int backoff = AGENT_RETRY_MIN_MS;
    int64_t next_reg = 0, next_lease = 0, next_check = 0, last_post = 0;
    int64_t check_ms = (int64_t)a->cfg.status_interval * 1000;
    char lease_rv[64] = "";

    agent__thread_lean();
    if (check_ms > AGENT_STATUS_CHECK_MS)
        check_ms = AGENT_STATUS_CHECK_MS;
    while (!is_stopping(a)) {
        int64_t now = time_mono_ms(), wake;
        if (!registered && now >= next_reg) {
            if (node_register(a) == 0) {
                registered = true;
                backoff = AGENT_RETRY_MIN_MS;
                next_lease = now;
                lease_rv[0] = '\0';
                last_post = now;
                next_check = now + check_ms;
            } else {
                next_reg = now + backoff;
                backoff = backoff * 2 > AGENT_RETRY_MAX_MS ? AGENT_RETRY_MAX_MS : backoff * 2;
            }
        }
        if (registered && now >= next_lease) {
            next_lease = now + (lease_renew(a, lease_rv, sizeof lease_rv) == 0
                                    ? (int64_t)a->cfg.lease_interval * 1000
                                    : 2 * AGENT_RETRY_MIN_MS);
        }
        if (registered && now >= next_check) {
            bool force = now - last_post >= (int64_t)a->cfg.status_interval * 1000;
            int rc = node_status(a, force);
            next_check = now + check_ms;
            if (rc == 0 && force)
                last_post = now;
            if (rc == EN_NOTFOUND) {
                log_warn("agent", "node=%s was deleted from the API; registering it again",
                         a->mach.node_name);
                registered = false;
                next_reg = now;
            }
        }
        wake = registered ? (next_lease < next_check ? next_lease : next_check) : next_reg;
        hb_wait(a, wake);
    }
    return NULL;
}

/* ---- the pod watch -------------------------------------------------------------------- */

/* Make p due now (a->mu held). */
static void make_due_locked(agent *a, agent_pod *p)
{
    p->due_ms = time_mono_ms();
    pthread_cond_signal(&a->work_cv);
}

/* "12" older than "13"; unknown forms are not older. */
static bool rv_older(const char *x, const char *y)
{
    char *ex, *ey;
    long long a, b;

    if (!x || !y)
        return false;
    a = strtoll(x, &ex, 10);
    b = strtoll(y, &ey, 10);
    return *ex == '\0' && *ey == '\0' && a < b;
}

static int on_pod_event(void *ctx, const client_event *ev)
{
    agent *a = ctx;
    const char *uid, *ns, *name;
    agent_pod *p;
    size_t pos = 0;
    const char *k;
    void *v;

    pthread_mutex_lock(&a->mu);
    switch (ev->type) {
    case CLIENT_EV_RELIST:
        while (hmap_next(&a->pods, &pos, &k, &v))
            ((agent_pod *)v)->seen = false;
        break;
    case CLIENT_EV_SYNCED:
        /* Pods not listed again are gone; pods of a previous run are
         * now known to be ours or not. */
        while (hmap_next(&a->pods, &pos, &k, &v)) {
            p = v;
            if (!p->seen)
                p->in_api = false;
            make_due_locked(a, p);
        }
        if (!a->synced)
            log_info("agent", "pod list synced: pods=%zu", a->pods.len);
        a->synced = true;
        pthread_cond_broadcast(&a->work_cv);
        break;
    case CLIENT_EV_ADDED:
    case CLIENT_EV_MODIFIED:
    case CLIENT_EV_DELETED:
        uid = json_path_str(ev->object, "metadata.uid");
        ns = json_path_str(ev->object, "metadata.namespace");
        name = json_path_str(ev->object, "metadata.name");
        if (!uid || !ns || !name)
            break;
        p = hmap_get(&a->pods, uid);
        if (!p) {
            /* Nothing to clean up for a pod we never ran. */
            if (ev->type == CLIENT_EV_DELETED)
                break;
            p = agent__pod_new(a, uid, ns, name);
            hmap_put(&a->pods, p->uid, p);
        }
        {
            const char *erv = json_path_str(ev->object, "metadata.resourceVersion");
            const char *orv = p->obj ? json_path_str(p->obj, "metadata.resourceVersion") : NULL;
            /* The answer to our own status write already brought this
             * version: nothing new to act on. */
            bool known = ev->type != CLIENT_EV_DELETED && p->in_api && erv && orv &&
                         strcmp(erv, orv) == 0;
            if (!p->obj || !rv_older(erv, orv)) {
                json_decref(p->obj);
                p->obj = json_incref(ev->object);
            }
            p->seen = ev->type != CLIENT_EV_DELETED;
            p->in_api = ev->type != CLIENT_EV_DELETED;
            if (!known)
                make_due_locked(a, p);
        }
        break;
    case CLIENT_EV_BOOKMARK:
        break;
    }
    pthread_mutex_unlock(&a->mu);
    return 0;
}

static void *watcher_main(void *arg)
{
    agent *a = arg;
    int rc;

    agent__thread_lean();
    rc = client_watch_run(a->pod_watch, on_pod_event, a);
    if (rc && rc != EN_CLOSED)
        log_error("agent", "pod watch ended: %s", en_strerror(rc));
    return NULL;
}

/* ---- workers ---------------------------------------------------------------------------- */

/* The due pod with the earliest time no worker holds (a->mu held), or
 * NULL with *wait_ms how long to wait. */
static agent_pod *take_due_locked(agent *a, int64_t *wait_ms)
{
    int64_t now = time_mono_ms(), best_due = INT64_MAX;
    agent_pod *best = NULL;
    size_t pos = 0;
    const char *k;
    void *v;

    while (hmap_next(&a->pods, &pos, &k, &v)) {
        agent_pod *p = v;
        if (p->busy || p->due_ms >= best_due)
            continue;
        best = p;
        best_due = p->due_ms;
    }
    if (best && best_due <= now)
        return best;
    *wait_ms = best ? best_due - now : AGENT_IDLE_WAIT_MS;
    if (*wait_ms > AGENT_IDLE_WAIT_MS)
        *wait_ms = AGENT_IDLE_WAIT_MS;
    return NULL;
}

static void cond_wait_ms(pthread_cond_t *cv, pthread_mutex_t *mu, int64_t ms)
{
    struct timespec ts;
    ts = time_deadline_in_ms(ms);
    pthread_cond_timedwait(cv, mu, &ts);
}

static void *worker_main(void *arg)
{
    agent *a = arg;

    agent__thread_lean();
    pthread_mutex_lock(&a->mu);
    while (!is_stopping(a)) {
        int64_t wait_ms = AGENT_IDLE_WAIT_MS, next;
        agent_pod *p = take_due_locked(a, &wait_ms);
        if (!p) {
            cond_wait_ms(&a->work_cv, &a->mu, wait_ms);
            continue;
        }
        p->busy = true;
        p->due_ms = INT64_MAX;
        pthread_mutex_unlock(&a->mu);
        next = agent__pod_sync(a, p);
        pthread_mutex_lock(&a->mu);
        p->busy = false;
        if (p->finished) {
            hmap_del(&a->pods, p->uid);
            agent__pod_free(p);
            continue;
        }
        if (next < p->due_ms)
            p->due_ms = next;
        /* Another worker may be waiting for this pod's turn. */
        pthread_cond_signal(&a->work_cv);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

static char *read_text_file(const char *path, char **err)
{
    char *text;
    int rc = fs_read_file(path, 1024 * 1024, &text, NULL);

    if (rc == EN_TOOLARGE)
        *err = xasprintf("%s: larger than 1 MiB", path);
    else if (rc)
        *err = xasprintf("%s: %s", path, strerror(errno));
    return text;
}

/* The client configuration: kubeconfig first, flags over it. */
static int client_setup(agent *a, char **err)
{
    client_config cc;
    int rc = 0;

    client_config_init(&cc);
    if (a->cfg.kubeconfig) {
        rc = client_config_load(a->cfg.kubeconfig, &cc, err);
        if (rc)
            goto out;
    }
    if (a->cfg.server) {
        free(cc.server);
        cc.server = xstrdup(a->cfg.server);
        /* No trailing slash in client paths. */
        size_t n = strlen(cc.server);
        while (n > 0 && cc.server[n - 1] == '/')
            cc.server[--n] = '\0';
    }
    if (a->cfg.token) {
        free(cc.token);
        cc.token = xstrdup(a->cfg.token);
    }
    if (a->cfg.ca_file) {
        free(cc.ca_pem);
        cc.ca_pem = read_text_file(a->cfg.ca_file, err);
        if (!cc.ca_pem) {
            rc = EN_IO;
            goto out;
        }
        cc.insecure = false;
    }
    if (!cc.ca_pem && !cc.insecure && cc.server && strncmp(cc.server, "https://", 8) == 0) {
        log_warn("agent", "no --ca-file: the server's certificate is NOT verified");
        cc.insecure = true;
    }
    if (!cc.token && !cc.cert_pem)
        log_warn("agent", "no --token: requests to the server carry no credentials");
    cc.user_agent = xasprintf("everynode-agent/%s (%s)", AGENT_KUBELET_VERSION,
                              a->mach.node_name);
    rc = client_new(&cc, &a->cl);
    if (rc)
        *err = xstrdup("no usable server address");
out:
    client_config_release(&cc);
    return rc;
}

/* Check that we may talk to the server, and that our Lease namespace
 * exists; a server that is down is retried later by the threads. */
static int preflight(agent *a, char **err)
{
    client_resp resp = {0};
    int rc = client_get(a->cl, &client_res_namespaces, NULL, AGENT_LEASE_NAMESPACE, &resp);

    if (resp.code == 401 || resp.code == 403) {
        *err = xasprintf("the server refused our credentials (HTTP %ld): %s", resp.code,
                         client_resp_message(&resp));
        rc = EN_INVALID;
    } else if (rc == EN_NOTFOUND) {
        json_t *ns = json_pack("{s:s,s:s,s:{s:s}}", "apiVersion", "v1", "kind", "Namespace",
                               "metadata", "name", AGENT_LEASE_NAMESPACE);
        client_resp_release(&resp);
        rc = client_create(a->cl, &client_res_namespaces, NULL, ns, &resp);
        json_decref(ns);
        if (rc && rc != EN_EXISTS)
            log_warn("agent", "creating namespace %s failed: %s", AGENT_LEASE_NAMESPACE,
                     client_resp_message(&resp));
        rc = 0;
    } else if (rc) {
        log_warn("agent", "server not reachable yet: %s", client_resp_message(&resp));
        rc = 0;
    }
    client_resp_release(&resp);
    return rc;
}

int agent_start(const agent_config *cfg, agent **out, char **err)
{
    agent *a;
    pthread_attr_t attr;
    client_watch_opts wo = {0};
    char *images = NULL, *sel = NULL;
    int rc;

    *out = NULL;
    *err = NULL;
    rc = agent_config_check(cfg, err);
    if (rc)
        return rc;
    /* The caller's thread too: it builds the agent and the image store. */
    agent__thread_lean();
    a = xcalloc(1, sizeof *a);
    agent__config_copy(&a->cfg, cfg);
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->work_cv, NULL);
    pthread_mutex_init(&a->hb_mu, NULL);
    pthread_cond_init(&a->hb_cv, NULL);
    hmap_init(&a->pods);
    atomic_init(&a->stopping, false);
    a->containers_dir = xasprintf("%s/containers", cfg->data_dir);
    a->pods_dir = xasprintf("%s/pods", cfg->data_dir);
    a->logs_dir = xasprintf("%s/logs", cfg->data_dir);
    a->runc_root = xasprintf("%s/runc", cfg->data_dir);
    images = xasprintf("%s/images", cfg->data_dir);
    if (fs_mkdir_p(cfg->data_dir, 0700) || fs_mkdir_p(a->containers_dir, 0700) ||
        fs_mkdir_p(a->pods_dir, 0700) || fs_mkdir_p(a->logs_dir, 0755) ||
        fs_mkdir_p(a->runc_root, 0700) || fs_mkdir_p(images, 0700)) {
        *err = xasprintf("cannot create the data directory %s: %s", cfg->data_dir,
                         strerror(errno));
        rc = EN_IO;
        goto out_free;
    }
    rc = agent__machine_read(&a->cfg, &a->mach, err);
    if (rc)
        goto out_free;
    {
        const char *msg;
        if (!types_is_dns1123_subdomain(a->mach.node_name, &msg)) {
            *err = xasprintf("the host name \"%s\" is not a valid node name (%s); give one "
                             "with --node-name",
                             a->mach.node_name, msg);
            rc = EN_INVALID;
            goto out_free;
        }
    }
    if (a->mach.runtime_error)
        log_error("agent", "the container runtime is unusable: %s", a->mach.runtime_error);
    a->cgroup_parent = a->cfg.cgroup_parent ? xstrdup(a->cfg.cgroup_parent)
                                            : xasprintf("/everynode/%s", a->mach.node_name);
    a->rt.runc = a->cfg.runc;
    a->rt.runc_root = a->runc_root;
    a->rt.self_exe = NULL;
    a->rt.cgroup_parent = a->cgroup_parent;
    rc = image_store_open(images, a->cfg.registries, &a->images, err);
    if (rc) {
        if (!*err)
            *err = xasprintf("cannot open the image store %s: %s", images, en_strerror(rc));
        goto out_free;
    }
    rc = client_setup(a, err);
    if (rc)
        goto out_free;
    a->events = agent__events_start(a->cl, a->mach.node_name);
    rc = preflight(a, err);
    if (rc)
        goto out_free;
    agent__adopt(a);
    /* Container logs (logs.h, wired in by the logsup branch): kubelet's
     * /containerLogs on --port, with the node token, for the API server's
     * pods/log proxy.  Without it the node still runs pods. */
    {
        logs_server_config lc = {.address = a->mach.node_ip, .port = a->cfg.port,
                                 .token = a->cfg.token, .logs_dir = a->logs_dir,
                                 .tls_dir = a->cfg.data_dir};
        char *lerr = NULL;
        if (logs_server_start(&lc, &a->logs, &lerr)) {
            log_error("agent", "container logs will not be served: %s", lerr);
            free(lerr);
        }
    }

    log_info("agent", "starting node=%s ip=%s data_dir=%s port=%d runtime=%s", a->mach.node_name,
             a->mach.node_ip, a->cfg.data_dir, a->cfg.port, a->mach.runtime_version);
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, AGENT_THREAD_STACK);
    a->workers = xcalloc((size_t)a->cfg.workers, sizeof *a->workers);
    for (int i = 0; i < a->cfg.workers; i++) {
        if (pthread_create(&a->workers[i], &attr, worker_main, a) != 0)
            en_fatal("agent: cannot create a worker thread");
        a->n_workers++;
    }
    if (pthread_create(&a->heartbeat, &attr, heartbeat_main, a) != 0)
        en_fatal("agent: cannot create the heartbeat thread");
    a->heartbeat_started = true;
    sel = xasprintf("spec.nodeName=%s", a->mach.node_name);
    wo.field_selector = sel;
    a->pod_watch = client_watch_new(a->cl, &client_res_pods, NULL, &wo);
    if (pthread_create(&a->watcher, &attr, watcher_main, a) != 0)
        en_fatal("agent: cannot create the pod watch thread");
    a->watcher_started = true;
    pthread_attr_destroy(&attr);
    free(sel);
    free(images);
    *out = a;
    return 0;
out_free:
    free(images);
    agent_free(a);
    return rc;
}

void agent_stop(agent *a)
{
    if (!a || a->stopped)
        return;
    a->stopped = true;
    atomic_store(&a->stopping, true);
    logs_server_stop(a->logs); /* ends log streams (logsup branch) */
    a->logs = NULL;
    if (a->pod_watch)
        client_watch_stop(a->pod_watch);
    if (a->cl)
        client_shutdown(a->cl);
    pthread_mutex_lock(&a->mu);
    pthread_cond_broadcast(&a->work_cv);
    pthread_mutex_unlock(&a->mu);
    pthread_mutex_lock(&a->hb_mu);
    pthread_cond_broadcast(&a->hb_cv);
    pthread_mutex_unlock(&a->hb_mu);
    for (int i = 0; i < a->n_workers; i++)
        pthread_join(a->workers[i], NULL);
    if (a->heartbeat_started)
        pthread_join(a->heartbeat, NULL);
    if (a->watcher_started)
        pthread_join(a->watcher, NULL);
    /* After the workers: nothing records events any more. */
    agent__events_stop(a->events);
    a->events = NULL;
}

void agent_free(agent *a)
{
    size_t pos = 0;
    const char *k;
    void *v;

    if (!a)
        return;
    agent_stop(a);
    client_watch_free(a->pod_watch);
    while (hmap_next(&a->pods, &pos, &k, &v))
        agent__pod_free(v);
    hmap_release(&a->pods);
    free(a->workers);
    client_free(a->cl);
    image_store_close(a->images);
    agent__machine_release(&a->mach);
    free(a->runc_root);
    free(a->cgroup_parent);
    free(a->containers_dir);
    free(a->pods_dir);
    free(a->logs_dir);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->work_cv);
    pthread_mutex_destroy(&a->hb_mu);
    pthread_cond_destroy(&a->hb_cv);
    agent_config_release(&a->cfg);
    free(a);
}
