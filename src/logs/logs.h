/*
 * logs.h -- container logs on a node: reading the CRI-format log files the
 * runtime's shim writes (runtime.h) the way `kubectl logs` expects them, and
 * serving them over HTTPS on the agent's port as the kubelet does.
 *
 * How it fits: the runtime writes each container's stdout/stderr to
 *     <logs_dir>/<namespace>_<pod>_<pod-uid>/<container>/<restartCount>.log
 * (rotated by size to "<that>.1").  The agent starts a logs_server on its
 * --port; the API server (api/podlog.c) proxies
 * GET /api/v1/namespaces/NS/pods/NAME/log to
 *     https://<node InternalIP>:<kubeletEndpoint.Port>/containerLogs/NS/NAME/CONTAINER
 * with the node token, and streams the answer to kubectl.
 *
 * Reader (reader.c): a pull-style stream over one container's log (the
 * rotated ".1" part first, then the current file) that turns CRI lines
 *     2026-11-22T10:00:00.123456789Z stdout F the line
 * into what the user printed: partial ("P") chunks of a stream are joined
 * with the rest of their line, timestamps are optionally kept as a prefix
 * (RFC 3339 with nine fraction digits, as kubelet prints them), and
 * tailLines / since / limitBytes / follow behave as kubelet's options.
 * Unparseable lines are skipped.  Following survives rotation (the writer
 * renames the file to ".1" and begins a new one).
 *
 * Server (server.c): libmicrohttpd over TLS (certificate from pki.h, kept
 * under tls_dir), a thread per connection, bearer-token auth, one path:
 *     GET /containerLogs/<ns>/<pod>/<container>
 *         ?follow=&previous=&timestamps=&tailLines=&sinceSeconds=&sinceTime=&limitBytes=
 * The pod's directory is the newest "<ns>_<pod>_*" one; the log is the
 * highest <n>.log of the container (previous: the highest below it).
 * Answers: 200 text/plain (chunked while following), 400 for bad
 * parameters or a missing previous log (kubelet's wording), 401 without the
 * token, 404 for an unknown pod or container.
 *
 * Errors: 0 or a negative EN_* code (core.h); *err, when a function takes
 * one, receives a new message the caller frees.
 */
#ifndef EVERYNODE_LOGS_H
#define EVERYNODE_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- reader ----------------------------------------------------------- */

/* kubelet's PodLogOptions, as the reader applies them. */
typedef struct logs_opts {
    bool timestamps;     /* prefix each line with its RFC 3339 (nanosecond) time */
    int64_t tail_lines;  /* only the last n lines; < 0 = all */
    int64_t since_ns;    /* only lines stamped at or after this unix time (ns); 0 = all */
    int64_t limit_bytes; /* stop after this many bytes of output; 0 = no limit */
    bool follow;         /* keep streaming new lines (see logs_reader_read) */
    /*
     * Following: asked each time the log has been idle for
     * LOGS_IDLE_CHECK_MS whether its writer is gone for good; true ends the
     * stream once everything written is out.  NULL = never (the caller ends
     * the stream).
     */
    bool (*finished)(void *ctx);
    void *finished_ctx;
} logs_opts;

/* How long a followed log must be idle before finished() is asked. */
#define LOGS_IDLE_CHECK_MS 1000

typedef struct logs_reader logs_reader;

/*
 * Open the log at path (and path".1" when present).  opts is copied.
 * Returns 0, EN_NOTFOUND when path does not exist, EN_IO.  The caller frees
 * *out with logs_reader_free.
 */
int logs_reader_open(const char *path, const logs_opts *opts, logs_reader **out);

/*
 * Copy up to max bytes of output into buf; *n receives how many.
 * Returns 0 with *n > 0 when there was output; 0 with *n == 0 when
 * following and nothing new arrived within wait_ms; EN_CLOSED at the end
 * of the stream (everything read without follow, limitBytes reached, or
 * finished() said so).  A read error ends a file as its end would.  Never
 * blocks longer than about wait_ms.
 */
int logs_reader_read(logs_reader *r, char *buf, size_t max, int wait_ms, size_t *n);

void logs_reader_free(logs_reader *r);

/* Parse a CRI timestamp (RFC 3339 with an optional fraction of up to nine
 * digits, "Z" or a +hh:mm offset) into unix ns.  EN_INVALID when bad. */
int logs_parse_time_ns(const char *s, size_t len, int64_t *ns);
/* Format unix ns as "2006-01-02T15:04:05.000000000Z" into buf (>= 31). */
void logs_format_time_ns(int64_t ns, char *buf, size_t len);

/* ---- finding a container's log ----------------------------------------- */

/*
 * The log file of a container under logs_dir: the newest directory named
 * "<ns>_<pod>_<uid>", the container's highest "<n>.log" (previous: the
 * highest below that).  *path is new (caller frees).  EN_NOTFOUND with *err
 * in kubelet's words: `pod "p" does not exist`, `container "c" not found in
 * pod "p"`, or (previous) `previous terminated container "c" in pod "p" not
 * found` -- *prev_missing tells the last case apart (a 400, not a 404).
 */
int logs_find(const char *logs_dir, const char *ns, const char *pod, const char *container,
              bool previous, char **path, bool *prev_missing, char **err);

/* ---- server ------------------------------------------------------------ */

typedef struct logs_server_config {
    const char *address;  /* IPv4 address to listen on ("0.0.0.0" = all) */
    int port;             /* 0 = pick a free one (see logs_server_port) */
    const char *token;    /* bearer token every request must carry (the node token) */
    const char *logs_dir; /* the agent's D/logs */
    const char *tls_dir;  /* the serving certificate lives in tls_dir/tls/ (pki.h),
                           * created on first start; it covers address */
    /*
     * A followed log ends, as kubelet's does, once it is idle and its
     * container has stopped: when a newer restart's log exists, when the
     * pod's log directory is gone, or when this says the container stopped.
     * Optional: called with the pod's namespace, name, uid, the container
     * name and restart number.  NULL = the container has stopped when no
     * process holds its log open for writing any more (the runtime's shim
     * does while the container runs).
     */
    bool (*container_running)(void *ctx, const char *ns, const char *pod, const char *uid,
                              const char *container, int restart);
    void *ctx;
} logs_server_config;

typedef struct logs_server logs_server;

/* Start serving; cfg's strings are copied.  Returns 0, EN_INVALID (bad
 * address), EN_IO (certificate or listen failure; *err says which). */
int logs_server_start(const logs_server_config *cfg, logs_server **out, char **err);
/* The port bound. */
int logs_server_port(const logs_server *s);
/* End streams, stop, free.  NULL is a no-op. */
void logs_server_stop(logs_server *s);

#endif /* EVERYNODE_LOGS_H */
