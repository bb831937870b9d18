/*
 * ds_int.h -- the DaemonSet controller's internal pieces, split as
 * Kubernetes splits pkg/controller/daemon: daemonset.c (wiring, sync,
 * manage, status), ds_update.c (rolling update and ControllerRevision
 * history), ds_util.c (pure helpers: eligibility, pod template, hashing).
 */
#ifndef EVERYNODE_DS_INT_H
#define EVERYNODE_DS_INT_H

#include "controller/controller_int.h"

#define DS_LABEL_HASH "controller-revision-hash"
#define DS_LABEL_GEN "pod-template-generation"
#define DS_ANN_TEMPLATE_GEN "deprecated.daemonset.template.generation"

/* Where the DaemonSet's pods may go, compiled once per sync. */
typedef struct ds_sched {
    const char *node_name;  /* spec.template.spec.nodeName or NULL (borrowed) */
    json_t *node_selector;  /* template nodeSelector object or NULL (borrowed) */
    json_t *affinity;       /* required node affinity NodeSelector or NULL (borrowed) */
    json_t *tolerations;    /* template tolerations + daemon defaults (owned) */
} ds_sched;

/* One sync's view of a DaemonSet (everything borrowed from ds unless noted). */
typedef struct ds_view {
    json_t *ds;             /* the DaemonSet (owned by the sync) */
    const char *ns, *name, *uid;
    json_t *tmpl;           /* spec.template */
    int64_t min_ready;      /* spec.minReadySeconds */
    const char *tmpl_gen;   /* annotation deprecated.daemonset.template.generation */
    bool rolling;           /* updateStrategy RollingUpdate */
    bool surge_allowed;     /* rollingUpdate.maxSurge non-zero */
    ds_sched sched;
    char *hash;             /* current revision hash (owned) */
    int64_t now;            /* unix seconds at the start of the sync */
} ds_view;

/* ---- ds_util.c --------------------------------------------------------- */

/* Compile the scheduling facts of a template (adds the daemon tolerations). */
void ds_sched_init(ds_sched *s, json_t *tmpl);
void ds_sched_release(ds_sched *s);
/* NodeShouldRunDaemonPod: may a new pod go there, may an existing stay. */
void ds_should_run(const ds_sched *s, const node_fact *n, bool *should_run, bool *should_continue);
/* The pod to create on node (new reference). */
json_t *ds_new_pod(const ds_view *v, const char *node);
/* Template hash as Kubernetes names revisions: FNV-32a of the template and
 * the collision count, spelled in the safe alphabet.  Caller frees. */
char *ds_template_hash(json_t *tmpl, int64_t collision_count);
/* ControllerRevision data for the DaemonSet,
 * {"spec":{"template":{...,"$patch":"replace"}}}, the patch kubectl applies on
 * rollout undo (new reference).  Stored objects are serialised compact and
 * key-sorted, as Go's encoder writes this map. */
json_t *ds_revision_data(json_t *ds);
/* Pod is of the current revision (hash label, or template generation). */
bool ds_pod_updated(const ds_view *v, const pod_fact *p);
/* Ready for at least minReadySeconds. */
bool ds_pod_available(const ds_view *v, const pod_fact *p);
/* Scale an IntOrString against total, rounding up (percentages). */
int64_t ds_scaled(json_t *v, int64_t total, int64_t dflt);

/* ---- ds_update.c ------------------------------------------------------- */

/* Find or create the current ControllerRevision; sets v->hash.  Returns 0
 * or a negative error (the sync is retried). */
int ds_history_sync(ds_ctrl *d, ds_view *v);
/* Delete old revisions beyond revisionHistoryLimit not used by live pods
 * (live_hashes: object whose keys are the revision hashes pods carry). */
void ds_history_cleanup(ds_ctrl *d, ds_view *v, json_t *live_hashes);
/* A node's daemon pods as the rolling update sees them; the sync builds one
 * per node that should run the pod and per other node holding such pods. */
typedef struct ds_node_pods {
    const char *node;  /* borrowed from the facts (valid under the informer lock) */
    bool run;          /* the DaemonSet should run a pod there */
    pod_fact *pods[4]; /* up to 4 of its non-deleted pods */
    size_t n;
    size_t total;      /* all non-deleted pods on the node */
} ds_node_pods;

/* Rolling update step over the nodes (desired: how many should run a pod):
 * nodes to create pods on and pods to delete.  Arrays are new (caller frees
 * the arrays, not the strings or facts, which are borrowed). */
void ds_rolling_update(ds_view *v, const ds_node_pods *np, size_t nn, int64_t desired,
                       const char ***create, size_t *ncreate, pod_fact ***del, size_t *ndel);

/* ---- daemonset.c ------------------------------------------------------- */

registry *ds_registry(ds_ctrl *d);
cache *ds_cache(ds_ctrl *d);
recorder *ds_recorder(ds_ctrl *d);

#endif /* EVERYNODE_DS_INT_H */
