/*
 * sim.h -- simulated nodes: many Kubernetes nodes in one process, like
 * kwok, for tests and benchmarks of everynode (`everynode sim`).
 *
 * Each simulated node behaves towards the API server as a kubelet would,
 * through the public HTTP API only (client.h): it registers its Node
 * (capacity, conditions, addresses, nodeInfo, labels, taints), renews a
 * Lease in kube-node-lease every 10 s and refreshes its status conditions'
 * heartbeats (every 60 s by default), and moves the pods bound to it
 * through Pending -> Running -> Ready (or keeps those whose image matches a
 * failure pattern Pending with ErrImagePull), deleting for good the pods
 * marked for deletion.  Killing the process stops the heartbeats, so its
 * nodes go unreachable; deleting a Node from the API stops that node.
 *
 * Scale: one process handles 10,000 nodes with a small worker pool (one
 * keep-alive connection per worker), one ticker spreading heartbeats evenly
 * over the interval, one watch on all pods and one on all nodes.
 *
 * Files: flags.c (configuration and its parsers), objects.c (Node, Lease
 * and heartbeat bodies), pod.c (pod status as kubelet would write it),
 * sim.c (workers, queue, ticker, watches).  Internals in sim_int.h.
 */
#ifndef EVERYNODE_SIM_H
#define EVERYNODE_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A key and a value: a label, or a capacity entry (resource, quantity). */
typedef struct sim_kv {
    char *key;   /* owned */
    char *value; /* owned, "" when empty */
} sim_kv;

/* A node taint from --taints. */
typedef struct sim_taint {
    char *key;    /* owned */
    char *value;  /* owned, "" when absent */
    char *effect; /* owned: NoSchedule, PreferNoSchedule or NoExecute */
} sim_taint;

typedef struct sim_config {
    char *kubeconfig;        /* owned: path of the kubeconfig to talk with */
    long nodes;              /* how many nodes (>= 1) */
    char *name_prefix;       /* owned: node names are <prefix><index>, index from 0 */
    sim_kv *labels;          /* owned array: extra node labels */
    size_t n_labels;
    sim_taint *taints;       /* owned array: spec.taints of every node */
    size_t n_taints;
    sim_kv *capacity;        /* owned array: status.capacity (= allocatable) */
    size_t n_capacity;
    int ready_after;         /* seconds between Running and Ready */
    char **fail_images;      /* owned array of fnmatch(3) patterns on container images */
    size_t n_fail_images;
    int workers;             /* request workers (connections); 0 = by node count */
    int lease_interval;      /* seconds between Lease renewals (kubelet: 10) */
    int lease_duration;      /* Lease spec.leaseDurationSeconds (kubelet: 40) */
    int status_interval;     /* seconds between node status heartbeats (kubelet
                              * reports unchanged status every 5 min) */
} sim_config;

/* Defaults: prefix "sim-node-", capacity cpu=4,memory=8Gi,pods=110,
 * ready-after 0, fail images "*:non-existent", workers by node count (4 to
 * 32), lease every 10 s lasting 40 s, status heartbeat every 300 s; nodes 0
 * and no kubeconfig. */
void sim_config_init(sim_config *cfg);
void sim_config_release(sim_config *cfg);

/*
 * Parsers for the command-line lists.  Each returns 0, or EN_INVALID with
 * *err (new string naming the bad item, in Kubernetes' wording where it has
 * one; the caller frees it).  Results replace what the config held.
 *   labels:   "k=v,k2=v2" (label keys and values as Kubernetes validates)
 *   taints:   "k=v:Effect,k2:Effect" (as kubectl taint)
 *   capacity: "cpu=4,memory=8Gi" merged over the current capacity (a
 *             resource name and a valid quantity each)
 *   fail:     "pattern,pattern" (fnmatch(3) on the image; "" = none)
 */
int sim_config_set_labels(sim_config *cfg, const char *s, char **err);
int sim_config_set_taints(sim_config *cfg, const char *s, char **err);
int sim_config_set_capacity(sim_config *cfg, const char *s, char **err);
int sim_config_set_fail_images(sim_config *cfg, const char *s, char **err);
/* Whole-config checks (node count, prefix makes valid node names, ...). */
int sim_config_check(const sim_config *cfg, char **err);

typedef struct sim sim;

/* Counters for logs and tests; a snapshot. */
typedef struct sim_stats {
    long registered;     /* nodes registered (Node + Lease in place) */
    long lease_renewals; /* successful Lease updates after registration */
    long status_updates; /* node status heartbeats written */
    long pod_updates;    /* pod status writes */
    long pod_deletes;    /* pods deleted for good */
    long errors;         /* failed requests of any kind (retried) */
    int64_t registered_ms; /* time to register all nodes, 0 until done */
} sim_stats;

/*
 * Connect with cfg->kubeconfig and start registering cfg->nodes nodes,
 * heartbeating and handling pods, all in background threads; returns at
 * once.  cfg is copied.  Returns 0, or EN_INVALID / EN_IO with *err (new
 * string) when the configuration or kubeconfig is unusable.
 */
int sim_start(const sim_config *cfg, sim **out, char **err);
/* Wait up to timeout_ms for every node to be registered; true when done. */
bool sim_wait_registered(sim *s, int64_t timeout_ms);
void sim_get_stats(sim *s, sim_stats *st);
/* Stop all threads (in-flight requests are abandoned); nodes stay
 * registered.  Idempotent. */
void sim_stop(sim *s);
/* Stop if needed and free.  NULL is a no-op. */
void sim_free(sim *s);

#endif /* EVERYNODE_SIM_H */
