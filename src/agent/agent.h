/*
 * agent.h -- the node agent (`everynode agent`): one real Kubernetes node
 * that runs the pods bound to it as OCI containers, as kubelet does.
 *
 * Towards the API server (client.h) it behaves like kubelet v1.32: it
 * registers its Node (capacity and allocatable read from the machine,
 * addresses, nodeInfo, the four kubelet conditions, labels and taints from
 * the configuration), renews its Lease in kube-node-lease every 10 s, posts
 * node status when it changes or every 60 s, and list-watches only the pods
 * whose spec.nodeName is this node.  Each pod is reconciled idempotently by
 * a small pool of workers: images pulled per imagePullPolicy (image.h),
 * volumes prepared (emptyDir, hostPath), containers started through runc
 * (runtime.h) with the command, environment (Downward API, $(VAR)
 * expansion), mounts, user and limits Kubernetes would give them, probed
 * (exec, httpGet, tcpSocket), restarted with kubelet's back-off, and
 * reported in pods/status (phase, conditions, containerStatuses).  Pods
 * marked for deletion are stopped gracefully (SIGTERM, grace period,
 * SIGKILL) and then deleted for good.
 *
 * Containers belong to their shims, not to the agent: stopping or killing
 * the agent leaves them running, and the next agent on the same data
 * directory re-adopts them (same container, same restartCount).
 *
 * Data directory layout (agent_config.data_dir):
 *   images/                  the image store (image.h)
 *   containers/<id>/         one runtime directory per container (runtime.h)
 *   pods/<uid>/state.json    what the agent must remember of a pod's
 *                            containers across its own restarts
 *   pods/<uid>/volumes/...   emptyDir volumes
 *   logs/<ns>_<pod>_<uid>/<container>/<restartCount>.log
 *                            CRI log files (served by the log server)
 *   runc/                    runc's state (--root)
 *
 * Files: config.c (configuration), machine.c (what the node is: capacity,
 * nodeInfo, conditions; Node and Lease bodies), spec.c (container command,
 * environment, Downward API), volumes.c (volumes, mounts, users), probe.c
 * (probes), status.c (pod status and back-off arithmetic), state.c
 * (persistence), events.c (kubelet's Events), pods.c (the per-pod
 * reconcile), agent.c (threads, node registration and heartbeats, the pod
 * watch).  Internals in agent_int.h.
 */
#ifndef EVERYNODE_AGENT_H
#define EVERYNODE_AGENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct agent_config {
    char *server;        /* owned or NULL: API server URL ("https://127.0.0.1:6443") */
    char *token;         /* owned or NULL: bearer token (the server's node-token) */
    char *ca_file;       /* owned or NULL: PEM CA to verify the server with; without
                          * one (and without a kubeconfig CA) nothing is verified */
    char *kubeconfig;    /* owned or NULL: kubeconfig to read server, CA and
                          * credentials from; --server/--token/--ca-file override */
    char *node_name;     /* owned or NULL: NULL = the host name, lower-cased */
    char *node_ip;       /* owned or NULL: InternalIP and pod IP; NULL = the
                          * address of the default route's interface */
    json_t *labels;      /* owned: object of extra node labels (--node-labels) */
    json_t *taints;      /* owned: array of taints to register with */
    char *data_dir;      /* owned: see the layout above */
    int port;            /* advertised kubeletEndpoint port (the log server's) */
    char *registries;    /* owned or NULL: registries.yaml path (image.h) */
    char *runc;          /* owned or NULL: runc binary; NULL = "runc" in PATH */
    char *cgroup_parent; /* owned or NULL: NULL = "/everynode/<node name>" */
    int workers;         /* pod workers (0 = 4) */
    int lease_interval;  /* seconds between Lease renewals (kubelet: 10) */
    int lease_duration;  /* Lease spec.leaseDurationSeconds (kubelet: 40) */
    int status_interval; /* seconds between unchanged node status reports (60) */
} agent_config;

/* Defaults: data dir /var/lib/everynode/agent, port 10250, 4 workers,
 * lease every 10 s lasting 40 s, status every 60 s, empty labels/taints. */
void agent_config_init(agent_config *cfg);
/* Free the owned contents; NULL is fine. */
void agent_config_release(agent_config *cfg);

/*
 * Parsers for the command-line lists; each replaces what cfg held and
 * returns 0, or EN_INVALID with *err (new string naming the bad item, the
 * caller frees it).
 *   labels: "k=v,k2=v2"            (keys and values as Kubernetes validates)
 *   taints: "k=v:Effect,k2:Effect" (as kubectl taint)
 */
int agent_config_set_labels(agent_config *cfg, const char *s, char **err);
int agent_config_set_taints(agent_config *cfg, const char *s, char **err);
/* Whole-configuration checks (a server to talk to, a valid node name and
 * IP, ...).  0 or EN_INVALID with *err. */
int agent_config_check(const agent_config *cfg, char **err);

typedef struct agent agent;

/*
 * Open the data directory and image store, re-adopt the containers of a
 * previous run, and start registering, heartbeating and handling pods in
 * background threads; returns at once.  cfg is copied.  Returns 0, or
 * EN_INVALID / EN_IO with *err (new string) when the configuration,
 * credentials or data directory are unusable.
 */
int agent_start(const agent_config *cfg, agent **out, char **err);
/* The node's name and InternalIP as registered (borrowed, valid until
 * agent_free). */
const char *agent_node_name(const agent *a);
const char *agent_node_ip(const agent *a);
/* Stop every thread (in-flight requests are abandoned).  Containers keep
 * running; the Node stays registered.  Idempotent. */
void agent_stop(agent *a);
/* Stop if needed and free.  NULL is a no-op. */
void agent_free(agent *a);

#endif /* EVERYNODE_AGENT_H */
