/*
 * sim_int.h -- declarations shared by the files of the sim module (see
 * sim.h for the module itself).  The builders here are pure: they take the
 * configuration, names and the current time and return new JSON values, so
 * the unit tests check them without a server.
 */
#ifndef EVERYNODE_SIM_INT_H
#define EVERYNODE_SIM_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

/* Upper bound of --nodes: names, IPs and memory are sized for it. */
#define SIM_MAX_NODES 100000
/* What the sim reports as its kubelet and runtime. */
#define SIM_KUBELET_VERSION "v1.32.0-sim"
#define SIM_RUNTIME_VERSION "sim://1.0"
#define SIM_LEASE_NAMESPACE "kube-node-lease"

/* ---- flags.c ---------------------------------------------------------------- */

/* Deep copy of src into dst (dst's previous contents are not freed). */
void sim__config_copy(sim_config *dst, const sim_config *src);
/* Workers when the config says 0: 4 to 32 depending on the node count. */
int sim__default_workers(long nodes);

/* ---- objects.c: nodes and leases ------------------------------------------- */

/* "<prefix><idx>" into buf. */
void sim__node_name(const sim_config *cfg, long idx, char *buf, size_t len);
/* A fake InternalIP for node idx, unique per (prefix, idx) for up to
 * SIM_MAX_NODES nodes: 10.x.y.z, never contacted.  buf >= 16. */
void sim__node_ip(const sim_config *cfg, long idx, char *buf, size_t len);

/*
 * The Node a kubelet would register: labels (hostname, os, arch, beta
 * os/arch, then cfg->labels), spec.taints, and status (capacity =
 * allocatable, the four kubelet conditions with heartbeat and transition
 * time now, addresses, daemonEndpoints, nodeInfo).  boot_id identifies this
 * run of the sim.  New reference.
 */
json_t *sim__node_object(const sim_config *cfg, const char *name, const char *ip,
                         const char *boot_id, int64_t now);
/*
 * The kubelet's conditions (MemoryPressure, DiskPressure, PIDPressure False,
 * Ready True) with lastHeartbeatTime now; lastTransitionTime is kept from
 * `current` (a node's status.conditions, may be NULL) where the status did
 * not change, else now.  New reference.
 */
json_t *sim__node_conditions(json_t *current, int64_t now);
/* True when node's Ready is True and every pressure condition False, i.e.
 * a heartbeat alone keeps it as the sim wants it. */
bool sim__node_is_healthy(json_t *node);
/* Strategic merge patch for nodes/NAME/status when taking over an existing
 * Node (sim restart): our capacity, conditions (transition times kept when
 * unchanged), addresses, daemonEndpoints and nodeInfo.  New reference. */
json_t *sim__node_status_patch(const sim_config *cfg, json_t *node, const char *name,
                               const char *ip, const char *boot_id, int64_t now);
/* Merge patch setting the labels we own that node lacks or has different;
 * NULL when they are all in place.  New reference. */
json_t *sim__node_labels_patch(const sim_config *cfg, json_t *node, const char *name);
/* Strategic merge patch refreshing lastHeartbeatTime of the four
 * conditions (merged by type, nothing else touched).  New reference. */
json_t *sim__node_heartbeat_patch(int64_t now);
/*
 * The node's Lease as kubelet keeps it: holderIdentity = name, duration,
 * renewTime now (microseconds), owned by the Node (node_uid, may be NULL
 * when unknown), with resourceVersion rv for an update (NULL/"" for a
 * create).  now_us is unix microseconds.  New reference.
 */
json_t *sim__lease_object(const sim_config *cfg, const char *name, const char *node_uid,
                          const char *rv, int64_t now_us);

/* ---- pod.c: pods ------------------------------------------------------------- */

/* Does the image match one of cfg->fail_images? */
bool sim__image_fails(const sim_config *cfg, const char *image);

enum sim_pod_action {
    SIM_POD_NONE,   /* nothing to write now */
    SIM_POD_DELETE, /* marked for deletion: delete for good (grace 0) */
    SIM_POD_UPDATE, /* PUT plan.pod to pods/NAME/status */
};

typedef struct sim_pod_plan {
    enum sim_pod_action action;
    json_t *pod;        /* owned, UPDATE only: the pod with its new status */
    int64_t recheck_at; /* unix seconds to plan again (ready-after), 0 = never */
} sim_pod_plan;

/*
 * What kubelet would do next with this pod, bound to a node whose address
 * is node_ip, at unix time now: nothing (already as it should be, or
 * Succeeded/Failed, which no one overwrites), delete it (deletionTimestamp
 * set), or write a status: Running with every container running (Ready
 * once ready_after seconds passed since startTime), or Pending with
 * ErrImagePull for containers whose image matches cfg->fail_images.
 * Timestamps already in the status are kept, so planning the written pod
 * again gives SIM_POD_NONE.  pod is not modified.
 */
void sim__pod_plan(const sim_config *cfg, json_t *pod, const char *node_ip, int64_t now,
                   sim_pod_plan *plan);
void sim__pod_plan_release(sim_pod_plan *plan);

#endif /* EVERYNODE_SIM_INT_H */
