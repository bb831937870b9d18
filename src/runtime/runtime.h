/*
 * runtime.h -- runs a node's containers as OCI containers through runc.
 *
 * How it fits: the agent (agent.h) turns each container of each pod bound to
 * its node into an rt_spec and calls rt_start; it polls rt_inspect to learn
 * when a container exits (and why: exit code, OOM kill), stops containers with
 * rt_kill, runs exec probes with rt_exec and frees everything with
 * rt_remove.  Nothing here knows about pods or the API.
 *
 * Each container has a directory (rt_spec.dir, chosen by the caller) holding
 * the OCI bundle (config.json, and rootfs/ -- an overlay mount whose lower
 * layer is the image's flattened root filesystem and whose upper layer is
 * private to the container), and the files of its shim.  The shim is a small
 * supervisor process (`everynode shim`, one per container, started by
 * rt_start in its own session, surviving the agent) that: creates and starts
 * the container with `runc create` / `runc start` as a child subreaper, holds
 * its stdout/stderr pipes and writes them to the container's log file in the
 * CRI format, reaps the container's init process, records its exit code and
 * whether the kernel OOM-killed it, and exits.  Because the shim -- not the
 * agent -- owns the container, an agent restart leaves running containers
 * alone and re-adopts them with rt_inspect (restartCount unchanged).
 *
 * Log files (CRI format, as kubelet writes them), one line per chunk:
 *     2026-11-22T10:00:00.123456789Z stdout F the line\n
 * "F" for a full line, "P" for a partial one (a line longer than 16 KiB is
 * split, the last piece ends in F); the timestamp is RFC 3339 with
 * nanoseconds, UTC.  Before a record would take the file past
 * rt_spec.log_max_bytes it is renamed to "<log_path>.1" (replacing an older
 * one) and a new file begins.  Output left without a newline when the
 * container ends is written as an F record.
 *
 * Cgroups: runc creates the container's cgroup (v1 or v2, whichever the host
 * has) under rt_config.cgroup_parent with the memory and cpu limits given;
 * rt_remove deletes it.  Namespaces: own pid, mount, ipc and uts; the network
 * namespace is the agent's own (host network: the pod's IP is the node's
 * address) unless rt_spec.netns names another.
 *
 * Signals: the container's init is pid 1 of its pid namespace, so the
 * kernel drops signals it has no handler for (a bare `sleep` ignores
 * SIGTERM; SIGKILL always works).
 *
 * Processes: the shim detaches (double fork), so its parent is the
 * nearest child subreaper or pid 1.  A caller that makes itself a
 * subreaper (PR_SET_CHILD_SUBREAPER) inherits the shims and must reap
 * them (waitpid(-1, ..., WNOHANG)); the runtime itself only waits for the
 * processes it starts, by pid, so callers must not reap with waitpid(-1)
 * while a runtime call runs in another thread.
 *
 * Threads: all functions may be called from several threads for different
 * containers; calls for one container must not overlap.
 *
 * Errors: 0 or a negative EN_* code (core.h); *err, when not NULL, receives a
 * new message the caller frees (runc's own message when it fails, e.g.
 * "exec: \"nosuch\": executable file not found in $PATH").
 */
#ifndef EVERYNODE_RUNTIME_H
#define EVERYNODE_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where runc and the shim are, shared by all containers of one agent. */
typedef struct rt_config {
    const char *runc;          /* runc binary; NULL = "runc" found in PATH */
    const char *runc_root;     /* runc --root state dir, one per agent */
    const char *self_exe;      /* the everynode binary, for the shim; NULL = /proc/self/exe */
    const char *cgroup_parent; /* e.g. "/everynode/<node>"; NULL = "/everynode" */
} rt_config;

/* One mount into the container. */
typedef struct rt_mount {
    const char *source;      /* host path (bind) or NULL (tmpfs) */
    const char *destination; /* absolute path inside the container */
    const char *type;        /* "bind" (NULL means bind) or "tmpfs" */
    bool read_only;
} rt_mount;

/* Everything needed to start one container; all strings borrowed. */
typedef struct rt_spec {
    const char *id;           /* unique on the node (runc id): [A-Za-z0-9_.-]+, <= 64 */
    const char *dir;          /* the container's directory; created by rt_start */
    const char *image_rootfs; /* read-only lower layer (image_info.rootfs) */
    const char *const *args;  /* argv (NULL-terminated, non-empty); args[0] is looked up
                               * in the PATH of env when it has no '/' */
    const char *const *env;   /* "K=V" entries, NULL-terminated; may be NULL */
    const char *cwd;          /* working directory; NULL = "/" */
    const char *hostname;     /* NULL = none set */
    const rt_mount *mounts;   /* n_mounts entries, applied after /proc, /dev, /sys */
    size_t n_mounts;
    int64_t memory_limit;     /* bytes; 0 = unlimited */
    int64_t cpu_limit_milli;  /* CFS quota in millicores; 0 = unlimited */
    int64_t cpu_shares_milli; /* cpu request in millicores (shares); 0 = default */
    const char *netns;        /* path of a network namespace to join; NULL = the agent's */
    int uid, gid;             /* process user and group (securityContext); 0 = root */
    const char *log_path;     /* CRI log file, created (with its directory) or appended;
                               * NULL = output discarded.  Keep it outside dir: rt_remove
                               * deletes dir */
    int64_t log_max_bytes;    /* rotate above this size; 0 = 10 MiB */
} rt_spec;

enum rt_state {
    RT_STATE_UNKNOWN, /* no such container (never started, or removed) */
    RT_STATE_CREATED, /* bundle made, process not yet running */
    RT_STATE_RUNNING,
    RT_STATE_EXITED,
};

typedef struct rt_status {
    enum rt_state state;
    int pid;                /* host pid of the container's init when RUNNING */
    int exit_code;          /* when EXITED: the exit status, or 128+signal */
    bool oom_killed;        /* when EXITED: the kernel's OOM killer killed a process of
                             * the container (its memory cgroup's oom_kill counter rose) */
    int64_t started_at_ns;  /* unix time in ns; 0 when not started */
    int64_t finished_at_ns; /* unix time in ns; 0 when not EXITED */
} rt_status;

/* Make the bundle and root filesystem, start the shim, and return once the
 * container's process runs (0) or has failed to start (EN_INVALID for a bad
 * spec or config, EN_EXISTS when runc already has a container with this
 * id, EN_IO when runc refused, EN_TIMEOUT when runc did not answer within
 * ~65 s: *err has the message -- runc's own when it refused; nothing is
 * left behind then).  Whatever dir held before (e.g. an earlier container
 * of the same dir that crashed) is unmounted and removed first. */
int rt_start(const rt_config *cfg, const rt_spec *spec, char **err);

/* The state of a container by id and directory (also after an agent
 * restart): it reads the shim's records in dir and /proc, never runc.
 * Never fails for a missing container: state UNKNOWN.  EN_INVALID for a
 * malformed id or dir.  When the shim was killed before it could record
 * the exit, the container is EXITED with exit_code 255.  May block up to
 * ~3 s while a container that just exited has its output drained. */
int rt_inspect(const rt_config *cfg, const char *id, const char *dir, rt_status *out);

/* Send a signal to the container's init process (SIGTERM, then SIGKILL
 * after the grace period is the caller's policy; SIGKILL of init ends all
 * of the container's processes).  EN_NOTFOUND when not running. */
int rt_kill(const rt_config *cfg, const char *id, int sig);

/* Stop (SIGKILL) if still running, delete the runc container and its cgroup,
 * wait for its shim to finish (the log is complete then), unmount and remove
 * dir.  The log file is kept.  Idempotent: 0 when nothing is left (also
 * when there was nothing); EN_IO, logged, when something could not be
 * removed (runc state, a busy mount, a cgroup). */
int rt_remove(const rt_config *cfg, const char *id, const char *dir);

/* Run argv inside the running container (exec probes; with the
 * container's env, cwd and user), killing it after timeout_ms.  Returns 0
 * when the process ran: *exit_code receives its exit status (128+signal
 * when killed) or -1 on timeout.  EN_NOTFOUND when the container is not
 * running; EN_IO when runc could not start argv (e.g. no such executable:
 * runc's message is in *output).  *output, when not NULL, receives up to
 * 4 KiB of its combined stdout and stderr (new string, caller frees; also
 * set on EN_IO / EN_NOTFOUND when runc said something, else NULL). */
int rt_exec(const rt_config *cfg, const char *id, const char *const *argv, int timeout_ms,
            int *exit_code, char **output);

/* The ids of all containers runc knows under cfg->runc_root (to find
 * orphans after a restart): NULL-terminated array, caller frees strings and
 * array. */
int rt_list(const rt_config *cfg, char ***ids_out);

/* Remove what the runtime leaves beside containers once none remains:
 * the cgroup cfg->cgroup_parent (then its ancestors while empty) and the
 * runc root directory.  EN_BUSY when containers still exist there.  For
 * teardown (`everynode up` stopping). */
int rt_cleanup(const rt_config *cfg);

/* Entry point of the hidden `everynode shim` subcommand (run by rt_start,
 * never by users).  argv[0] is "shim". */
int rt_shim_main(int argc, char **argv);

#endif /* EVERYNODE_RUNTIME_H */
