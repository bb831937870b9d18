/*
 * up.h -- the machinery of `everynode up` (cmd/up.c): a bridge and one
 * network namespace per node, and the processes (server, agents) started
 * in them and supervised.
 *
 * How it fits: cmd/up.c plans the network of one instance (up_net_plan),
 * creates it with the `ip` command of iproute2 (up_net_create), starts
 * `everynode server` on the host and one `everynode agent` per node inside
 * its namespace (up_spawn joins the namespace with setns(2) in the child
 * before exec), and on Ctrl-C / SIGTERM stops them (up_stop) and deletes
 * the network (up_net_destroy).
 *
 * Names are unique per instance, so several `up`s (and tests) can run side
 * by side: with instance id ID (from --name, or derived from the data
 * directory) and node i = 1..N,
 *     bridge         en-ID              (first address of the subnet)
 *     namespace      everynode-ID-i
 *     veth           en-ID-i (host side, on the bridge) <-> eth0 in the
 *                    namespace, address .(10+i) of the subnet, with lo up
 *                    and a default route via the bridge
 * Interface names stay within the kernel's 15 characters: ID is 1..8 of
 * [a-z0-9] and N <= 99.
 *
 * Errors: 0 or a negative EN_* code (core.h); *err receives a new message
 * the caller frees, naming the command that failed and what it printed.
 */
#ifndef EVERYNODE_UP_H
#define EVERYNODE_UP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define UP_MAX_NODES 99
#define UP_ID_MAX 8

/* One node's share of the network. */
typedef struct up_node_net {
    char netns[40];     /* "everynode-ID-i" */
    char veth_host[16]; /* "en-ID-i", on the bridge */
    char veth_peer[16]; /* "ep-ID-i": the peer's name until it is eth0 in netns */
    char address[16];   /* dotted IPv4 address of eth0 */
} up_node_net;

/* One instance's network, as planned (and then created). */
typedef struct up_net {
    char id[UP_ID_MAX + 1]; /* instance id */
    char bridge[16];        /* "en-ID" */
    char gateway[16];       /* the bridge's address: first host of the subnet */
    int prefix;             /* subnet prefix length */
    size_t n_nodes;
    up_node_net *nodes;     /* owned: n_nodes entries, node i at [i-1] */
} up_net;

/* An instance id from a path (the data directory): 6 hex digits of a hash
 * of it, into buf (>= UP_ID_MAX + 1). */
void up_id_from_path(const char *path, char *buf);
/* Is s usable as an instance id (1..UP_ID_MAX of [a-z0-9])? */
bool up_id_is_valid(const char *s);

/*
 * Plan names and addresses for n_nodes nodes in subnet ("10.77.0.0/24":
 * a network address with a prefix of 8..28 that holds .1 and .(10+n)).
 * Returns 0, or EN_INVALID with *err naming what is wrong.  Release *out
 * with up_net_release.
 */
int up_net_plan(const char *id, const char *subnet, size_t n_nodes, up_net *out, char **err);
void up_net_release(up_net *net);

/*
 * Create the bridge, namespaces and veths (removing leftovers of the same
 * names first, e.g. from an `up` that was killed).  On failure, whatever
 * was made is removed again.
 */
int up_net_create(const up_net *net, char **err);
/* Delete the namespaces, veths and bridge; missing ones are fine. */
void up_net_destroy(const up_net *net);
/* Do any of the instance's namespaces or links exist (for tests)? */
bool up_net_exists(const up_net *net);

/*
 * Run argv (argv[0] looked up in PATH) to completion, at most timeout_ms,
 * with stdout discarded.  0 when it exited 0; EN_IO with *err = "<argv>:
 * <its stderr>" (or how it ended) otherwise; EN_TIMEOUT when it was killed
 * for taking too long.
 */
int up_run(const char *const *argv, int timeout_ms, char **err);

/*
 * Start argv as a child: in network namespace netns (a name under
 * /run/netns, or NULL for the host's), stdin from /dev/null, stdout and
 * stderr appended to log_path (NULL = inherited), in its own process group
 * (so a Ctrl-C at the terminal reaches only `up`, which stops the children
 * in order), with SIGTERM as its parent-death signal (so nothing outlives a
 * killed `up`), and with every signal unblocked.  *pid receives its pid.
 */
int up_spawn(const char *const *argv, const char *netns, const char *log_path, pid_t *pid,
             char **err);

/*
 * Stop a child: SIGTERM, then SIGKILL after grace_ms, and reap it.
 * Returns its wait status, or -1 when it was not our child any more.
 */
int up_stop(pid_t pid, int grace_ms);

/* A supervised long-running child: the server or one node's agent. */
typedef struct up_child {
    char *name;            /* owned: "server", "node-1" (for messages) */
    char **argv;           /* owned: NULL-terminated, strings owned */
    char *netns;           /* owned or NULL: network namespace to run in */
    char *log_path;        /* owned: stdout and stderr are appended here */
    pid_t pid;             /* running process, 0 when none */
    int restarts;          /* restarts after unexpected exits */
    int64_t started_ms;    /* monotonic time of the last start */
    int64_t restart_at_ms; /* monotonic time a restart is due, 0 = none pending */
} up_child;

/* Fill c (which must be zeroed); argv and the strings are copied. */
void up_child_init(up_child *c, const char *name, const char *const *argv, const char *netns,
                   const char *log_path);
/* Free the contents; the process must have been stopped. NULL ok. */
void up_child_release(up_child *c);
/* Start it now (up_spawn). */
int up_child_start(up_child *c, char **err);
/*
 * Reap it if it exited (never blocks); an exit is logged and a restart
 * scheduled with back-off (1 s doubling to 30 s; back to 1 s after a run
 * of a minute).  Returns true when it had exited.
 */
bool up_child_reap(up_child *c);
/* Start it again if a restart is due; false when that start failed (it
 * is retried at the next back-off step). */
bool up_child_tick(up_child *c);
/* up_stop it if running. */
void up_child_stop(up_child *c, int grace_ms);

/*
 * Remove every container node node_name ran, once its agent has stopped:
 * with the agent's layout (agent.h) under node_dir -- runc state in
 * node_dir/runc, container directories in node_dir/containers, cgroups
 * under /everynode/<node_name> -- each container is removed with the
 * runtime (kill, runc delete, unmount, cgroup), then the node's cgroup
 * parent and runc root; any mount still below node_dir is detached.
 * EN_IO with *err listing what could not be removed.
 */
int up_cleanup_node(const char *node_dir, const char *node_name, char **err);

/* Is a command on PATH (or an executable path)? */
bool up_have_command(const char *name);

#endif /* EVERYNODE_UP_H */
