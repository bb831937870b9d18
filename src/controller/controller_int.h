/*
 * controller_int.h -- private interfaces shared by the controllers:
 * the informer (compact facts about nodes, pods and DaemonSets, indexed),
 * the work queue, the event recorder, and the controllers' entry points.
 *
 * Why no "expectations" (Kubernetes' guard against acting on a stale
 * informer): the informer is fed by cache listeners, which run on the
 * store's delivery thread before the writer of a change is released.  So
 * when reg_create() of a pod returns, the informer already holds that pod,
 * and a later sync of the same DaemonSet (syncs of one key never overlap)
 * cannot miss it.  Duplicate pods are prevented by construction.
 */
#ifndef EVERYNODE_CONTROLLER_INT_H
#define EVERYNODE_CONTROLLER_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "controller/controller.h"
#include "core/core.h"

/* ---- informer facts ---------------------------------------------------- */

typedef struct node_taint {
    char *key;
    char *value;
    char *effect;      /* NoSchedule, PreferNoSchedule, NoExecute */
    int64_t added;     /* timeAdded (unix s), 0 if absent */
} node_taint;

/* What controllers need to know about a node, parsed once per change. */
typedef struct node_fact {
    char *name;
    char *uid;
    json_t *labels;        /* own reference, may be NULL */
    node_taint *taints;
    size_t ntaints;
    bool unschedulable;
    int ready;             /* 1 True, 0 False, -1 Unknown/absent */
    bool has_ready;        /* a Ready condition exists */
    int64_t heartbeat;     /* Ready lastHeartbeatTime (unix s), 0 if none */
    int64_t alloc_milli_cpu;
    int64_t alloc_mem;     /* bytes */
    int64_t alloc_pods;
    char *address;         /* first InternalIP, or NULL */
    int64_t rev;
} node_fact;

/* What controllers need to know about a pod.  One allocation holds the
 * struct and its strings (the informer owns it; treat it as read-only). */
typedef struct pod_fact {
    char *ns;
    char *name;
    char *uid;
    char *owner_uid;       /* controller ownerReference uid, or NULL */
    char *owner_kind;      /* its kind */
    char *owner_name;      /* its name */
    char *node;            /* spec.nodeName, or NULL when unbound */
    char *target_node;     /* node from required affinity matchFields, or NULL */
    char *rev_hash;        /* label controller-revision-hash, or NULL */
    char *tmpl_gen;        /* label pod-template-generation, or NULL */
    char *phase;           /* status.phase */
    bool failed;           /* phase Failed */
    bool succeeded;        /* phase Succeeded */
    char *scheduler;       /* spec.schedulerName */
    bool deleting;
    bool ready;            /* condition Ready == True */
    int64_t ready_since;   /* its lastTransitionTime (unix s) */
    int64_t created;       /* creationTimestamp (unix s) */
    bool unschedulable;    /* condition PodScheduled False/Unschedulable set */
    int64_t req_milli_cpu;
    int64_t req_mem;
    json_t *tolerations;   /* own reference or NULL */
    int64_t rev;
    size_t owner_slot;     /* informer-private: position in its owner index bucket */
    size_t node_slot;      /* informer-private: position in its node (or unbound) bucket */
} pod_fact;

/* A DaemonSet as its controller sees it. */
typedef struct ds_fact {
    char *ns;
    char *name;
    char *uid;
    int64_t rev;
} ds_fact;

typedef struct informer informer;

/* Callbacks when facts change (run on the store's delivery thread: enqueue only). */
typedef struct informer_handlers {
    void *ctx;
    void (*node_changed)(void *ctx, const node_fact *old, const node_fact *cur);
    void (*pod_changed)(void *ctx, const pod_fact *old, const pod_fact *cur);
    void (*ds_changed)(void *ctx, const char *ns, const char *name, bool deleted);
} informer_handlers;

/* Build from the cache's current content and subscribe to its changes. */
informer *informer_start(cache *c);
/* Stop taking cache events (and calling handlers): when this returns no
 * handler is running or will be called.  Idempotent; informer_free does it
 * too. */
void informer_detach(informer *inf);
void informer_free(informer *inf);
/* Add handlers before traffic starts; up to 8. */
void informer_add_handlers(informer *inf, const informer_handlers *h);

/* Readers take the informer's read lock around any use of facts. */
void informer_rlock(informer *inf);
void informer_unlock(informer *inf);
/* All nodes (borrowed array valid under the lock). */
node_fact **informer_nodes(informer *inf, size_t *n);
node_fact *informer_node(informer *inf, const char *name);
/* A pod by namespace and name, or NULL (borrowed, under the lock). */
pod_fact *informer_pod(informer *inf, const char *ns, const char *name);
/* Pods whose controller is uid (borrowed array valid under the lock). */
pod_fact **informer_pods_of(informer *inf, const char *owner_uid, size_t *n);
/* Pods bound to a node (borrowed array valid under the lock). */
pod_fact **informer_pods_on(informer *inf, const char *node, size_t *n);
/* Unbound pods waiting for the scheduler (borrowed, under the lock). */
pod_fact **informer_unbound(informer *inf, size_t *n);
/* All DaemonSets (borrowed, under the lock). */
ds_fact **informer_daemonsets(informer *inf, size_t *n);
/* renewTime (unix s) of the node's Lease in kube-node-lease, 0 if none. */
int64_t informer_lease_renew(informer *inf, const char *node);
/* Does the pod tolerate the taint?  tolerations: JSON array or NULL. */
bool taint_tolerated(const node_taint *t, json_t *tolerations);

/* ---- parallel writes -------------------------------------------------- */

/* A pool of threads for parallel writes, kept by one controller. */
typedef struct ctrl_pool ctrl_pool;
typedef void (*ctrl_par_fn)(void *ctx, size_t i);
/* Up to `threads` writers at once (the calling thread is one of them);
 * name: the pool threads' name for top -H.  Free with ctrl_pool_free
 * (NULL ok) once no ctrl_par_run is in progress. */
ctrl_pool *ctrl_pool_new(size_t threads, const char *name);
void ctrl_pool_free(ctrl_pool *p);
/* Run fn(ctx, 0..n-1) on the pool's threads and the caller's, and wait:
 * independent writes issued together are group-committed by the store. */
void ctrl_par_run(ctrl_pool *p, size_t n, ctrl_par_fn fn, void *ctx);

/* ---- work queue -------------------------------------------------------- */

/* Level-triggered queue of string keys: a key queued while queued is
 * merged; a key queued while being processed is processed again after. */
typedef struct workqueue workqueue;

workqueue *wq_new(void);
void wq_free(workqueue *q);
void wq_add(workqueue *q, const char *key);
/* Add after delay_ms (back-off, timers). */
void wq_add_after(workqueue *q, const char *key, int64_t delay_ms);
/* Number of keys queued now (not counting delayed ones). */
size_t wq_len(workqueue *q);
/* Take a key (blocks up to timeout_ms; NULL on timeout or shutdown).  The
 * caller must call wq_done(key) when finished, then free the key. */
char *wq_get(workqueue *q, int timeout_ms);
void wq_done(workqueue *q, const char *key);
void wq_shutdown(workqueue *q);
/* Exponential back-off per key: returns the next delay and counts it. */
int64_t wq_backoff(workqueue *q, const char *key);
void wq_forget(workqueue *q, const char *key);

/* ---- events ------------------------------------------------------------ */

typedef struct recorder recorder;

recorder *recorder_new(registry *reg, const char *component);
void recorder_free(recorder *r);
/*
 * Record an Event about an object (kind/apiVersion/ns/name/uid).  Repeats of
 * the same (object, reason, message) raise count on one Event; a per-object
 * token bucket (burst 25, then one per 5 minutes) keeps a 10,000-pod
 * DaemonSet from writing 10,000 events, as Kubernetes' spam filter does.
 */
void recorder_event(recorder *r, const char *kind, const char *api_version, const char *ns,
                    const char *name, const char *uid, const char *type, const char *reason,
                    const char *fmt, ...) __attribute__((format(printf, 9, 10)));

/* ---- controllers ------------------------------------------------------- */

typedef struct gc_ctrl gc_ctrl;
gc_ctrl *gc_start(registry *reg, cache *c);
void gc_stop(gc_ctrl *g);

typedef struct ds_ctrl ds_ctrl;
ds_ctrl *ds_start(registry *reg, cache *c, informer *inf);
void ds_stop(ds_ctrl *d);

typedef struct sched_ctrl sched_ctrl;
sched_ctrl *sched_start(registry *reg, cache *c, informer *inf);
void sched_stop(sched_ctrl *s);

/* serviceaccount.c: a "default" ServiceAccount in every live namespace. */
typedef struct sa_ctrl sa_ctrl;
sa_ctrl *sa_start(registry *reg, cache *c);
void sa_stop(sa_ctrl *s);

typedef struct nodelc_ctrl nodelc_ctrl;
nodelc_ctrl *nodelc_start(registry *reg, cache *c, informer *inf, int grace_seconds);
void nodelc_stop(nodelc_ctrl *n);

#endif /* EVERYNODE_CONTROLLER_INT_H */
