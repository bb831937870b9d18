/*
 * runtime_int.h -- private declarations shared by the files of the runtime
 * module (runtime.h is its public interface).
 *
 *   spec.c     validation of an rt_spec and the OCI config.json it becomes
 *              (pure functions, unit-tested on their JSON);
 *   runtime.c  rt_start / rt_inspect / rt_kill / rt_remove / rt_exec /
 *              rt_list: bundles, the overlay root filesystem, runc calls;
 *   shim.c     `everynode shim`, the per-container supervisor;
 *   crilog.c   the CRI log writer the shim uses (line splitting, rotation);
 *   cgroup.c   finding a container's cgroup files (OOM counter) and
 *              removing cgroup directories;
 *   util.c     files, processes (spawn, bounded wait, /proc checks).
 *
 * Files in a container's directory (rt_spec.dir), all written by their
 * owner atomically (temporary file + rename) so readers never see half:
 *   config.json  the OCI runtime spec (rt_start)
 *   rootfs/      overlay mount point; upper/ and work/ its private layers
 *   hosts, hostname, resolv.conf  bind-mounted into /etc (rt_start)
 *   shim.pid     "PID STARTTIME" of the shim (shim, first thing it does)
 *   init.pid     the container's init pid (runc create --pid-file)
 *   state.json   {"pid", "pid_start", "started_at_ns"} once running (shim)
 *   exit.json    {"exit_code", "oom_killed", "started_at_ns",
 *                 "finished_at_ns"} once init has been reaped (shim)
 *   shim.log     the shim's own stderr; runc.log runc's --log (JSON lines)
 */
#ifndef EVERYNODE_RUNTIME_INT_H
#define EVERYNODE_RUNTIME_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "runtime/runtime.h"

/* Names of the files in a container's directory (see above). */
#define RT_F_CONFIG "config.json"
#define RT_F_ROOTFS "rootfs"
#define RT_F_UPPER "upper"
#define RT_F_WORK "work"
#define RT_F_HOSTS "hosts"
#define RT_F_HOSTNAME "hostname"
#define RT_F_RESOLV "resolv.conf"
#define RT_F_SHIM_PID "shim.pid"
#define RT_F_INIT_PID "init.pid"
#define RT_F_STATE "state.json"
#define RT_F_EXIT "exit.json"
#define RT_F_SHIM_LOG "shim.log"
#define RT_F_RUNC_LOG "runc.log"

/* Defaults for NULL fields of rt_config / rt_spec. */
#define RT_DEFAULT_CGROUP_PARENT "/everynode"
#define RT_DEFAULT_LOG_MAX (10 * 1024 * 1024)
#define RT_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* CRI log lines longer than this are split into P pieces. */
#define RT_LOG_LINE_MAX (16 * 1024)

/* The fd on which the shim reports "ok\n" or "err MESSAGE\n" to rt_start. */
#define RT_SHIM_READY_FD 3

/* ---- spec.c: validation and OCI config (pure) ------------------------- */

/* Facts about the host that change the config (found by rt_start). */
typedef struct rt__host {
    bool memory_swap; /* the memory cgroup accounts swap: limit swap to the limit too */
} rt__host;

/* Check every field of spec; EN_INVALID with *err naming the field. */
int rt__validate_spec(const rt_spec *spec, char **err);
/* Check a runc container id ([A-Za-z0-9_.-]+, at most 64). */
bool rt__id_is_valid(const char *id);
/* Check a container directory: absolute, not "/", no ".." component, no
 * ',' or ':' (they would break the overlay mount options). */
bool rt__dir_is_valid(const char *dir);

/* The OCI runtime config for spec (validated first).  *out receives a new
 * reference the caller decrefs.  EN_INVALID with *err on a bad spec. */
int rt__oci_config(const rt_config *cfg, const rt_spec *spec, const rt__host *host, json_t **out,
                   char **err);

/* Contents of the container's /etc/hosts (new string). */
char *rt__hosts_file(const char *hostname);

/* cfg->cgroup_parent or the default, without a trailing '/'; new string. */
char *rt__cgroup_parent(const rt_config *cfg);

/* ---- crilog.c: the CRI log writer --------------------------------------- */

/* One stream's pending bytes of an unfinished line (< RT_LOG_LINE_MAX). */
typedef struct rt__linebuf {
    const char *stream; /* "stdout" or "stderr" (static) */
    char *buf;          /* owned; RT_LOG_LINE_MAX bytes once used */
    size_t len;         /* pending bytes */
} rt__linebuf;

/* An open CRI log file. */
typedef struct rt__crilog {
    char *path;        /* owned */
    int fd;            /* -1 when closed (or output discarded: path NULL) */
    int64_t size;      /* current file size */
    int64_t max_bytes; /* rotate before a record would pass this */
} rt__crilog;

/* Open (create with its directory, or append to) path; path NULL makes a
 * log that discards everything.  EN_IO with *err on failure. */
int rt__crilog_open(rt__crilog *log, const char *path, int64_t max_bytes, char **err);
void rt__crilog_close(rt__crilog *log);
/* Write one record "TIMESTAMP STREAM TAG CONTENT\n" (tag 'F' or 'P'),
 * rotating first when needed.  Errors are reported once on stderr and the
 * record dropped: a full disk must not stop the container. */
void rt__crilog_record(rt__crilog *log, const char *stream, char tag, const char *data, size_t n);
/* Feed bytes read from a stream: full lines become F records, a line
 * reaching RT_LOG_LINE_MAX bytes becomes a P record. */
void rt__crilog_feed(rt__crilog *log, rt__linebuf *lb, const char *data, size_t n);
/* End of the stream: pending bytes become an F record.  Frees lb->buf. */
void rt__crilog_flush(rt__crilog *log, rt__linebuf *lb);
/* "2026-11-22T10:00:00.123456789Z" for unix time ns into buf (>= 31). */
void rt__format_ts(int64_t unix_ns, char *buf, size_t len);

/* ---- cgroup.c ---------------------------------------------------------- */

/* Path of the file counting OOM kills of pid's memory cgroup (v1
 * memory.oom_control or v2 memory.events); new string, or NULL. */
char *rt__oom_file_for_pid(int pid);
/* The "oom_kill N" value in the contents of such a file; -1 if absent. */
int64_t rt__parse_oom_kill(const char *text);
/* rmdir the cgroup directory `path` (absolute, e.g. "/everynode/x") in every
 * mounted hierarchy, v1 and v2.  ENOENT is fine; returns EN_BUSY if one
 * remains. */
int rt__cgroup_rmdir(const char *path);
/* True if the directory `path` exists in any mounted cgroup hierarchy. */
bool rt__cgroup_exists(const char *path);
/* True if the host's memory cgroup accounts swap. */
bool rt__cgroup_has_swap(void);

/* ---- util.c ------------------------------------------------------------ */

/* Write data to path atomically (path.tmp then rename). */
int rt__write_file(const char *path, const void *data, size_t len);
/* Read at most max bytes of path into a new NUL-terminated string.
 * EN_NOTFOUND when it does not exist, EN_IO otherwise. */
int rt__read_file(const char *path, size_t max, char **out, size_t *len);
/* rm -rf path without crossing into other file systems; ENOENT is fine. */
int rt__rm_tree(const char *path);
/* xasprintf("%s/%s", dir, name). */
char *rt__path(const char *dir, const char *name);

/* Start time (clock ticks since boot, /proc/PID/stat field 22) and state
 * letter of pid.  EN_NOTFOUND when there is no such process. */
int rt__proc_stat(int pid, int64_t *start, char *state);
/* pid exists, is not a zombie, and started at `start` (0 = any). */
bool rt__pid_alive(int pid, int64_t start);
/* Read "PID [STARTTIME]" from a pid file. */
int rt__read_pid_file(const char *path, int *pid, int64_t *start);

/* Start argv[0] (searched in PATH) with stdin/stdout/stderr on the given
 * fds (-1 = /dev/null) and, when extra_fd >= 0, extra_fd as fd 3; every
 * other fd closed; in a new session when new_session.  EN_IO (with *err) if
 * it cannot be started. */
int rt__spawn(const char *const *argv, int in_fd, int out_fd, int err_fd, int extra_fd,
              bool new_session, pid_t *pid, char **err);
/* Wait for a child at most timeout_ms (< 0 = forever); on timeout kill it
 * (SIGKILL), reap it and return EN_TIMEOUT.  *status is waitpid's. */
int rt__wait(pid_t pid, int timeout_ms, int *status);
/* Run argv to completion, its stdout and stderr together into *out (new
 * string, first out_max bytes; out may be NULL to discard).  After
 * timeout_ms it is killed (SIGKILL) -- when kill_pidfile is given, the pid
 * in that file first, with 2 s more for argv to exit by itself (runc exec
 * waits for the process it started).  *exit_code: exit status or
 * 128+signal.  EN_TIMEOUT (*out still set), or EN_IO when it cannot be
 * started. */
int rt__run(const char *const *argv, int timeout_ms, const char *kill_pidfile, size_t out_max,
            char **out, int *exit_code, char **err);
/* Exit status of a waitpid status: the code, or 128+signal. */
int rt__exit_code(int status);

/* Unix time in nanoseconds. */
int64_t rt__now_ns(void);

#endif /* EVERYNODE_RUNTIME_INT_H */
