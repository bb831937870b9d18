/*
 * agent_int.h -- declarations shared by the files of the agent module (see
 * agent.h for the module and its files).
 *
 * The split follows what can be tested without a machine: spec.c, status.c
 * and the builders of machine.c and probe.c are pure functions of JSON
 * values and plain structs (unit-tested); volumes.c, state.c, pods.c and
 * agent.c touch files, runc, images and the API.
 *
 * Vocabulary: a "pod" is an agent_pod (one per pod uid the agent knows); a
 * "container" is an agent_ctr, one per container name of the pod's spec
 * (init containers first), which over time runs as a series of runtime
 * containers, one per attempt, named <uid prefix>-<name>-<restartCount>.
 */
#ifndef EVERYNODE_AGENT_INT_H
#define EVERYNODE_AGENT_INT_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "agent/agent.h"
#include "client/client.h"
#include "core/core.h"
#include "image/image.h"
#include "logs/logs.h"
#include "runtime/runtime.h"

/* What the agent reports itself as. */
#define AGENT_KUBELET_VERSION "v1.32.0-everynode"
#define AGENT_LEASE_NAMESPACE "kube-node-lease"
#define AGENT_MAX_PODS 110
/* Crash and image-pull back-off (kubelet's): 10 s doubling to 5 min; the
 * crash back-off starts over after 10 min of clean running. */
#define AGENT_BACKOFF_INITIAL_S 10
#define AGENT_BACKOFF_MAX_S 300
/* kubelet's hard eviction thresholds, subtracted from capacity for
 * allocatable and used for the pressure conditions. */
#define AGENT_EVICT_MEMORY_BYTES (100LL * 1024 * 1024)
#define AGENT_EVICT_NODEFS_PERCENT 10

/* ---- config.c ------------------------------------------------------------ */

/* Deep copy of src into dst (dst's previous contents are not freed). */
void agent__config_copy(agent_config *dst, const agent_config *src);

/* ---- machine.c: the node ----------------------------------------------- */

/* What the agent learns about its machine once at start (and, for the
 * changing parts, at every status computation). */
typedef struct agent_machine {
    char *node_name;      /* owned */
    char *node_ip;        /* owned */
    char *hostname;       /* owned: the host's name (Hostname address) */
    long cpus;            /* usable CPUs (sched_getaffinity) */
    int64_t memory_bytes; /* MemTotal */
    int64_t fs_bytes;     /* size of the data directory's filesystem */
    char *kernel;         /* owned: uname release */
    char *os_image;       /* owned: PRETTY_NAME from /etc/os-release */
    char *arch;           /* owned: Go's name: amd64, arm64, ... */
    char *machine_id;     /* owned */
    char *system_uuid;    /* owned */
    char *boot_id;        /* owned */
    char *runtime_version; /* owned: "runc://1.1.5" */
    char *runtime_error;  /* owned or NULL: why the runtime is unusable */
} agent_machine;

/* Measurements behind the pressure conditions, taken at each report. */
typedef struct agent_pressure {
    int64_t mem_available; /* bytes (MemAvailable) */
    int64_t fs_available;  /* bytes free for us on the data directory's fs */
    int64_t fs_size;       /* that filesystem's size */
    long pids;             /* processes (threads) running */
    long pid_max;          /* kernel.pid_max */
} agent_pressure;

/* Read the machine (node name and IP from cfg when given).  Returns 0 or
 * EN_IO / EN_INVALID with *err. */
int agent__machine_read(const agent_config *cfg, agent_machine *m, char **err);
void agent__machine_release(agent_machine *m);
/* Current pressure measurements (best effort: unknown values are 0). */
void agent__pressure_read(const char *data_dir, agent_pressure *p);
/* The runc version line turned into "runc://<version>", or NULL with *err. */
char *agent__runtime_version(const char *runc, char **err);

/* The Node as registered: labels (kubelet's then cfg->labels), taints,
 * status (capacity, allocatable, conditions, addresses, daemonEndpoints,
 * nodeInfo).  New reference. */
json_t *agent__node_object(const agent_config *cfg, const agent_machine *m,
                           const agent_pressure *p, int64_t now);
/* The status part alone (for nodes/NAME/status), with transition times
 * kept from current_conds where a condition's status did not change.
 * New reference. */
json_t *agent__node_status(const agent_config *cfg, const agent_machine *m,
                           const agent_pressure *p, json_t *current_conds, int64_t now);
/* Merge patch for the labels we own that node lacks or has different;
 * NULL when none.  New reference. */
json_t *agent__node_labels_patch(const agent_config *cfg, const agent_machine *m, json_t *node);
/* The node Lease; rv NULL/"" for a create.  New reference. */
json_t *agent__lease_object(const agent_config *cfg, const char *name, const char *node_uid,
                            const char *rv, int64_t now_us);
/* Equal ignoring heartbeat times: does a node status need writing? */
bool agent__node_status_same(json_t *a, json_t *b);

/* ---- spec.c: command and environment (pure) ------------------------------ */

/* A list of environment entries, in order, names unique. */
typedef struct agent_env {
    char **names;  /* owned */
    char **values; /* owned */
    size_t n, cap;
} agent_env;

void agent__env_init(agent_env *e);
void agent__env_release(agent_env *e);
/* Set (replacing an existing entry in place, else appending). */
void agent__env_set(agent_env *e, const char *name, const char *value);
/* Value or NULL. */
const char *agent__env_get(const agent_env *e, const char *name);
/* "K=V" array, NULL-terminated; the caller frees strings and array. */
char **agent__env_strv(const agent_env *e);

/*
 * Kubernetes' $(VAR) expansion: $(NAME) becomes NAME's value in env (or
 * stays as written when NAME is not defined), $$ becomes $, and any other
 * $ is kept.  Returns a new string.
 */
char *agent__expand(const char *in, const agent_env *env);

/* Values the Downward API may read that are not in the pod object. */
typedef struct agent_downward {
    const char *node_name;
    const char *host_ip;
    const char *pod_ip;
    int64_t node_cpu_milli;      /* allocatable, for unset limits.cpu */
    int64_t node_memory_bytes;   /* allocatable, for unset limits.memory */
    int64_t node_storage_bytes;  /* allocatable, for unset limits.ephemeral-storage */
} agent_downward;

/*
 * Reads a ConfigMap or Secret (kind "ConfigMap" / "Secret"): with key, its
 * value (*value new string); with key NULL, its whole data as a JSON
 * object text (new string; Secret values decoded).  Returns 0, or
 * EN_NOTFOUND (object or key missing) or another EN_* code, with *err
 * (new string) when it has something to say.
 */
typedef int (*agent_ref_lookup_fn)(void *ctx, const char *kind, const char *ns,
                                   const char *name, const char *key, char **value,
                                   char **err);
/*
 * The environment kubelet gives container c of pod: envFrom first, then
 * each env entry in order, values expanded against the entries before it,
 * valueFrom fieldRef / resourceFieldRef resolved, configMapKeyRef and
 * secretKeyRef through lookup (may be NULL: then they are not found).
 * Fills *out (initialised by the caller).  Returns 0, or EN_INVALID with
 * *err (new string, as kubelet's CreateContainerConfigError message).
 */
int agent__container_env(json_t *pod, json_t *c, const agent_downward *dw,
                         agent_ref_lookup_fn lookup, void *lookup_ctx, agent_env *out,
                         char **err);
/* One fieldRef path of pod as a string (new) or NULL with *err. */
char *agent__field_ref(json_t *pod, const char *path, const agent_downward *dw, char **err);
/* One resourceFieldRef (resource "limits.cpu", divisor quantity or NULL)
 * of container c as a string (new) or NULL with *err. */
char *agent__resource_ref(json_t *c, const char *resource, json_t *divisor,
                          const agent_downward *dw, char **err);

/*
 * The process argv: command/args of container c over the image config's
 * Entrypoint/Cmd as Kubernetes combines them, each word expanded against
 * env.  NULL-terminated new array (caller frees strings and array), or
 * NULL when empty (no command anywhere).
 */
char **agent__container_argv(json_t *c, json_t *image_config, const agent_env *env);
/* The final environment: image Env, then HOSTNAME, then the pod's env
 * (later entries replace earlier ones of the same name).  Fills *out. */
void agent__merge_env(json_t *image_config, const char *hostname, const agent_env *pod_env,
                      agent_env *out);

/* Free a NULL-terminated string array; NULL is fine. */
void agent__strv_free(char **v);

/* ---- volumes.c: volumes, mounts, users ------------------------------------- */

/* The mounts of one container, with the strings they point to. */
typedef struct agent_mounts {
    rt_mount *m;    /* owned array; source/destination point into strs */
    size_t n;
    char **strs;    /* owned strings */
    size_t n_strs;
} agent_mounts;

void agent__mounts_release(agent_mounts *mm);
/*
 * Prepare the pod's volumes under pod_dir (emptyDir dirs, tmpfs for
 * medium Memory; hostPath checks and creation by type).  Idempotent.
 * Returns 0 or EN_INVALID / EN_IO with *err (kubelet's MountVolume
 * wording).
 */
int agent__volumes_setup(json_t *pod, const char *pod_dir, char **err);
/* Undo agent__volumes_setup (unmount tmpfs emptyDirs) and remove pod_dir. */
void agent__volumes_teardown(const char *pod_dir);
/* rm -rf that never crosses into another filesystem. */
void agent__rm_rf(const char *path);
/*
 * The mounts of container c: each volumeMount resolved to a host path
 * (subPath / subPathExpr, expanded against env, created when missing),
 * readOnly honoured.  Returns 0 or EN_INVALID with *err.
 */
int agent__container_mounts(json_t *pod, json_t *c, const char *pod_dir, const agent_env *env,
                            agent_mounts *out, char **err);
/* Append a bind mount (strings copied). */
void agent__mounts_add(agent_mounts *mm, const char *source, const char *destination,
                       bool read_only);
/* uid/gid for container c: securityContext (container, then pod), else
 * the image's User (numeric, or looked up in rootfs/etc/passwd|group).
 * Returns 0 or EN_INVALID with *err. */
int agent__container_user(json_t *pod, json_t *c, json_t *image_config, const char *rootfs,
                          int *uid, int *gid, char **err);

/* ---- probe.c ----------------------------------------------------------------- */

enum agent_probe_kind { PROBE_NONE, PROBE_EXEC, PROBE_HTTP, PROBE_TCP };

/* A probe as the spec gives it, defaults applied. */
typedef struct agent_probe_spec {
    enum agent_probe_kind kind;
    char **exec;          /* owned argv (PROBE_EXEC) */
    char *host;           /* owned or NULL: httpGet/tcpSocket host ("" = pod IP) */
    int port;             /* resolved port (named ports looked up) */
    char *path;           /* owned: httpGet path ("/") */
    bool https;           /* httpGet scheme HTTPS */
    json_t *headers;      /* owned: httpGet httpHeaders array or NULL */
    int initial_delay;    /* seconds */
    int period;
    int timeout;
    int success_threshold;
    int failure_threshold;
} agent_probe_spec;

/*
 * Parse probe (a container's livenessProbe/readinessProbe/startupProbe,
 * may be NULL: kind PROBE_NONE) of container c (for named ports).  Returns
 * 0, or EN_INVALID / EN_UNSUPPORTED (grpc) with *err.
 */
int agent__probe_parse(json_t *probe, json_t *c, agent_probe_spec *out, char **err);
void agent__probe_spec_release(agent_probe_spec *p);

/* Running state of one probe of one container. */
typedef struct agent_probe_state {
    int64_t next_ms;   /* monotonic time of the next run */
    int successes;     /* consecutive */
    int failures;      /* consecutive */
    bool result;       /* the probe's current verdict */
    bool known;        /* result has been decided at least once */
} agent_probe_state;

/*
 * Feed one probe outcome into st per the thresholds; returns true when
 * the verdict changed.  Pure (unit-tested).
 */
bool agent__probe_record(const agent_probe_spec *spec, agent_probe_state *st, bool ok);

/* Run a probe once against a running container (id) whose pod IP is
 * pod_ip.  Returns true for success; *out (when not NULL) receives a new
 * message for failures. */
bool agent__probe_run(const rt_config *rt, const agent_probe_spec *spec, const char *id,
                      const char *pod_ip, char **out);

/* ---- status.c: back-off and pod status (pure) ---------------------------- */

/* Restart (or pull) back-off of one container. */
typedef struct agent_backoff {
    int delay_s;        /* current delay, 0 = none yet */
    int64_t updated_at; /* unix seconds of the last step */
} agent_backoff;

/* Is an attempt that ended at event_at still backing off at now? */
bool agent__backoff_active(const agent_backoff *b, int64_t event_at, int64_t now);
/* Step the back-off for a new attempt at now after an attempt that ended
 * at event_at (10 s doubling to 5 min; back to 10 s when event_at is over
 * 10 min after the last step, i.e. the attempt ran cleanly that long). */
void agent__backoff_next(agent_backoff *b, int64_t event_at, int64_t now);
/* Go's time.Duration text for whole seconds: "10s", "1m20s", "5m0s". */
void agent__go_duration(int64_t seconds, char *buf, size_t len);

enum agent_ctr_state {
    CTR_WAITING,    /* no process: see reason (ContainerCreating, ErrImagePull, ...) */
    CTR_RUNNING,
    CTR_TERMINATED, /* its last attempt ended and no new one runs (yet) */
};

/* One container of a pod: its spec and what its attempts did. */
typedef struct agent_ctr {
    char *name;              /* owned */
    bool init;               /* an init container */
    bool sidecar;            /* an init container with restartPolicy Always */
    json_t *spec;            /* owned: the container's spec (latest pod) */

    /* persisted in state.json */
    int restart_count;       /* attempts so far minus one (0 before the 2nd) */
    char *id;                /* owned or NULL: the latest attempt's runtime id */
    bool id_confirmed;       /* that attempt was started (rt_start returned 0) */
    bool exited;             /* that attempt ended (term describes it) */
    int64_t started_at;      /* unix seconds the latest attempt started */
    json_t *term;            /* owned or NULL: terminated state of the latest attempt */
    json_t *last_term;       /* owned or NULL: terminated state of the one before */
    char *image_ref;         /* owned or NULL: image of the latest attempt (status.image) */
    char *image_id;          /* owned or NULL: its imageID */
    char *spec_image;        /* owned or NULL: spec image the latest attempt ran */
    agent_backoff backoff;   /* crash back-off */
    bool ready;              /* readiness verdict (kept across agent restarts) */
    bool started;            /* startup verdict (likewise) */

    /* in memory only */
    enum agent_ctr_state state; /* for the status */
    char *reason;            /* owned or NULL: waiting reason */
    char *message;           /* owned or NULL: waiting message */
    agent_backoff pull_backoff;  /* image pull back-off */
    int64_t pull_failed_at;  /* unix seconds of the last failed pull, 0 = none */
    int64_t pull_failed_ms;  /* the same on the monotonic clock */
    char *pull_error;        /* owned or NULL: its message */
    agent_probe_spec probes[3];  /* liveness, readiness, startup */
    agent_probe_state pstate[3];
    bool probes_parsed;      /* probes[] hold the spec's */
    int64_t probe_base_ms;   /* monotonic start of the attempt the probes watch */
    int64_t kill_at_ms;      /* monotonic time SIGKILL is due (0 = not being killed) */
    bool killed_by_probe;    /* the kill came from a liveness/startup failure */
} agent_ctr;

enum { PROBE_LIVENESS = 0, PROBE_READINESS = 1, PROBE_STARTUP = 2 };

void agent__ctr_release(agent_ctr *c);
/* A terminated state object {exitCode, reason, message?, startedAt,
 * finishedAt, containerID} (new reference). */
json_t *agent__terminated(int exit_code, const char *reason, const char *message,
                          int64_t started_at, int64_t finished_at, const char *container_id);
/* kubelet's reason for an exit: OOMKilled, Completed or Error. */
const char *agent__exit_reason(int exit_code, bool oom_killed);
/* Has init container c done its part (completed; started for a sidecar)? */
bool agent__init_done(const agent_ctr *c);
/* The terminated state lastState shows (borrowed) or NULL: the attempt
 * before the latest, or the latest itself while waiting to restart. */
json_t *agent__last_state(const agent_ctr *c);

/* Everything the pod status depends on beyond the containers. */
typedef struct agent_status_in {
    json_t *pod;            /* borrowed: the pod (spec, metadata, old status) */
    const agent_ctr *ctrs;  /* n_ctrs containers, init containers first */
    size_t n_ctrs;
    const char *node_ip;
    int64_t now;            /* unix seconds */
    bool terminal;          /* the pod is being stopped for good: once nothing runs,
                             * its phase is Succeeded or Failed whatever the policy */
} agent_status_in;

/*
 * The status kubelet would write: phase (kubelet's getPhase), conditions
 * (PodReadyToStartContainers, Initialized, Ready, ContainersReady,
 * PodScheduled, others kept), hostIP(s), podIP(s), startTime (kept),
 * initContainerStatuses and containerStatuses.  Transition times are kept
 * from the old status where a condition did not change.  New reference.
 */
json_t *agent__pod_status(const agent_status_in *in);
/* The merge patch turning old status into new: new with a null for every
 * top-level key that disappeared, and metadata.uid as a precondition.
 * New reference. */
json_t *agent__status_patch(const char *uid, json_t *old_status, json_t *new_status);

/* ---- state.c: persistence --------------------------------------------------- */

/* Write the persisted fields of the containers to path (atomically).
 * Returns 0 or EN_IO. */
int agent__state_save(const char *path, const char *uid, const char *ns, const char *name,
                      const agent_ctr *ctrs, size_t n);
/* Read path back: *ctrs receives a new array of n containers holding the
 * persisted fields (name, init flag and the rest; no spec).  Returns 0,
 * EN_NOTFOUND (no file) or EN_INVALID (unreadable: the caller starts
 * afresh). */
int agent__state_load(const char *path, char **uid, char **ns, char **name, agent_ctr **ctrs,
                      size_t *n);

/* ---- events.c ------------------------------------------------------------------ */

typedef struct agent_events agent_events;
struct agent_pod;

/* Start the sender thread posting Events through cl (borrowed; must
 * outlive agent__events_stop) as kubelet on node. */
agent_events *agent__events_start(client *cl, const char *node);
/* Stop the sender (pending events are dropped) and free.  NULL is fine. */
void agent__events_stop(agent_events *ev);
/* Record an event about pod p (and container c, NULL for the pod): queued
 * without blocking, dropped when the queue is full.  ev NULL is fine. */
void agent__event(agent_events *ev, const struct agent_pod *p, const agent_ctr *c, bool warning,
                  const char *reason, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* ---- pods.c / agent.c: the running agent ---------------------------------- */

/* Make the calling thread allocate from jemalloc's first arena without a
 * thread cache (the agent's threads are few and mostly idle; see agent.c).
 * A no-op without jemalloc.  Every agent thread calls it first. */
void agent__thread_lean(void);

/* One pod the agent knows (by uid). */
typedef struct agent_pod {
    char *uid;              /* owned */
    char *ns;               /* owned */
    char *name;             /* owned */
    char *dir;              /* owned: DATA/pods/<uid> */
    char *log_dir;          /* owned: DATA/logs/<ns>_<name>_<uid> */

    /* guarded by agent.mu */
    json_t *obj;            /* owned or NULL: the pod as last seen from the API */
    bool in_api;            /* still bound here in the API (seen since the last list) */
    bool seen;              /* seen during the current (re)list */
    int64_t due_ms;         /* monotonic time to sync next; INT64_MAX = not queued */
    bool busy;              /* a worker is syncing it */

    /* touched only by the worker syncing it (busy) */
    agent_ctr *ctrs;        /* owned: n_ctrs containers, init containers first */
    size_t n_ctrs;
    int grace_s;            /* terminationGracePeriodSeconds of the latest spec */
    bool terminating;       /* being stopped (deleted, or no longer ours) */
    int64_t kill_at_ms;     /* monotonic time SIGKILL is due while terminating */
    bool finished;          /* all done: the worker drops it */
    json_t *written;        /* owned or NULL: the status we last wrote */
    char *written_rv;       /* owned or NULL: the pod's resourceVersion after that write */
} agent_pod;

/* The agent (agent.c); pods.c reaches its parts. */
struct agent {
    agent_config cfg;       /* owned copy */
    agent_machine mach;     /* what the node is */
    client *cl;             /* owned */
    image_store *images;    /* owned */
    rt_config rt;           /* strings below */
    char *runc_root;        /* owned: DATA/runc */
    char *cgroup_parent;    /* owned */
    char *containers_dir;   /* owned: DATA/containers */
    char *pods_dir;         /* owned: DATA/pods */
    char *logs_dir;         /* owned: DATA/logs */
    char node_uid[40];      /* the Node's uid (Lease owner); heartbeat thread only */
    agent_events *events;   /* owned: the Event sender */

    pthread_mutex_t mu;     /* guards pods and the agent_pod fields marked so */
    pthread_cond_t work_cv; /* a pod became due, or stopping */
    hmap pods;              /* uid -> agent_pod* */
    bool synced;            /* the pod list has been seen once */

    pthread_t *workers;     /* n_workers threads */
    int n_workers;
    pthread_t heartbeat, watcher;
    bool heartbeat_started, watcher_started;
    pthread_mutex_t hb_mu;  /* guards hb_cv waits (stop wake-up) */
    pthread_cond_t hb_cv;
    client_watch *pod_watch; /* owned */
    logs_server *logs;      /* owned or NULL: container logs on cfg.port (logs.h) */
    atomic_bool stopping;
    bool stopped;           /* agent_stop has run */
};

/* Sync pod p once (p->busy held by the caller's thread).  Returns the
 * monotonic time it wants to be synced again (INT64_MAX = only on
 * events).  Sets p->finished when the pod is gone and cleaned up. */
int64_t agent__pod_sync(agent *a, agent_pod *p);
/* Free a pod and its containers (no runtime action). */
void agent__pod_free(agent_pod *p);
/* A new pod entry for uid/ns/name (paths from a). */
agent_pod *agent__pod_new(agent *a, const char *uid, const char *ns, const char *name);
/* Re-adopt what a previous run left: pods from DATA/pods/<uid>/state.json
 * (added to a->pods, waiting for the API to confirm them) and orphan
 * runtime containers (removed).  Before any thread starts. */
void agent__adopt(agent *a);
/* The runtime container id for attempt restart of container name of pod
 * uid ([A-Za-z0-9_.-], at most 64 characters).  buf >= 65. */
void agent__container_id(const char *uid, const char *name, int restart, char *buf,
                         size_t len);

#endif /* EVERYNODE_AGENT_INT_H */
