/*
 * server.c -- the agent's log server (see logs.h): kubelet's
 * GET /containerLogs/<ns>/<pod>/<container> over HTTPS with the node token,
 * answered from the CRI log files through the reader.  libmicrohttpd runs a
 * thread per connection; the content callback blocks in the reader for
 * short slices so it notices clients that went away and shutdown.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "logs/logs_int.h"
#include "pki/pki.h"

/* Slice the content callback waits for log lines before it looks at the
 * client and the server's state again. */
#define LOGS_WAIT_SLICE_MS 500
/* Connections served at once (each holds a thread while streaming). */
#define LOGS_MAX_CONNS 256u

struct logs_server {
    struct MHD_Daemon *daemon; /* libmicrohttpd daemon */
    char *token;               /* owned: required bearer token */
    char *logs_dir;            /* owned */
    int port;                  /* bound port */
    atomic_bool stopping;      /* set by logs_server_stop: streams end */
    pki_bundle pki;            /* serving certificate and key (MHD copies neither) */
    bool (*container_running)(void *ctx, const char *ns, const char *pod, const char *uid,
                              const char *container, int restart);
    void *ctx;                 /* for container_running */
};

/* One streamed answer. */
typedef struct logs_stream {
    logs_server *s;
    logs_reader *r;       /* owned */
    logs_loc loc;         /* owned: where the log lives (for finished()) */
    char *ns, *pod, *container; /* owned: request names */
    int fd;               /* client socket, for disconnect checks */
} logs_stream;

/* ---- responses ----------------------------------------------------------- */

static enum MHD_Result send_text(struct MHD_Connection *conn, unsigned int code,
                                 const char *text)
{
    struct MHD_Response *mr;
    enum MHD_Result ret;
    char *body = xasprintf("%s\n", text);

    mr = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    ret = MHD_queue_response(conn, code, mr);
    MHD_destroy_response(mr);
    return ret;
}

static bool client_gone(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};
    char c;
    if (fd < 0)
        return false;
    if (poll(&p, 1, 0) <= 0)
        return false;
    if (p.revents & (POLLRDHUP | POLLHUP | POLLERR))
        return true;
    if (p.revents & POLLIN)
        return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
    return false;
}

/* ---- streaming ------------------------------------------------------------ */

/*
 * Does a process hold path open for writing?  The runtime's shim keeps a
 * container's log open while the container runs and closes it when it
 * ends.  A read lease (fcntl(2) F_SETLEASE) can only be taken on a file
 * nobody has open for writing, so taking one and dropping it at once
 * answers without scanning /proc.  true when it cannot tell (no such file
 * during a rotation, a filesystem without leases).
 */
static bool has_writer(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    bool writer = true;

    if (fd < 0)
        return true;
    if (fcntl(fd, F_SETLEASE, F_RDLCK) == 0) {
        writer = false;
        fcntl(fd, F_SETLEASE, F_UNLCK);
    }
    close(fd);
    return writer;
}

/* Is the followed container's writer gone for good?  As kubelet ends
 * `logs -f` when the container stops. */
static bool stream_finished(void *ctx)
{
    logs_stream *ls = ctx;
    struct stat st;

    if (stat(ls->loc.pod_dir, &st))
        return true; /* the pod is gone */
    if (logs__highest_restart(ls->loc.container_dir, -1) > ls->loc.restart)
        return true; /* a newer restart writes elsewhere */
    if (ls->s->container_running)
        return !ls->s->container_running(ls->s->ctx, ls->ns, ls->pod, ls->loc.uid,
                                         ls->container, ls->loc.restart);
    return !has_writer(ls->loc.path);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    logs_stream *ls = cls;

    for (;;) {
        size_t n = 0;
        int rc;
        if (atomic_load(&ls->s->stopping))
            return MHD_CONTENT_READER_END_WITH_ERROR;
        rc = logs_reader_read(ls->r, buf, max, LOGS_WAIT_SLICE_MS, &n);
        if (rc == EN_CLOSED)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (rc)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        if (n)
            return (ssize_t)n;
        if (client_gone(ls->fd))
            return MHD_CONTENT_READER_END_WITH_ERROR;
    }
}

static void stream_free(void *cls)
{
    logs_stream *ls = cls;
    logs_reader_free(ls->r);
    logs__loc_release(&ls->loc);
    free(ls->ns);
    free(ls->pod);
    free(ls->container);
    free(ls);
}

/* ---- parameters ----------------------------------------------------------- */

static const char *arg(struct MHD_Connection *conn, const char *key)
{
    return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
}

/* Go's strconv.ParseBool, as the kubelet's query decoding uses; absent or
 * empty is false. */
static int bool_arg(struct MHD_Connection *conn, const char *key, bool *out, char **err)
{
    static const char *yes[] = {"1", "t", "T", "true", "TRUE", "True"};
    static const char *no[] = {"0", "f", "F", "false", "FALSE", "False"};
    const char *v = arg(conn, key);

    *out = false;
    if (!v || !*v)
        return 0;
    for (size_t i = 0; i < 6; i++) {
        if (strcmp(v, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(v, no[i]) == 0)
            return 0;
    }
    *err = xasprintf("invalid value for %s: %s (expected true or false)", key, v);
    return EN_INVALID;
}

/* An integer parameter; *set tells whether it was given. */
static int int_arg(struct MHD_Connection *conn, const char *key, int64_t *out, bool *set,
                   char **err)
{
    const char *v = arg(conn, key);
    char *end;
    long long x;

    *set = false;
    if (!v || !*v)
        return 0;
    errno = 0;
    x = strtoll(v, &end, 10);
    if (*end || errno) {
        *err = xasprintf("invalid value for %s: %s (expected an integer)", key, v);
        return EN_INVALID;
    }
    *out = x;
    *set = true;
    return 0;
}

/* kubelet's PodLogOptions from the query, validated as Kubernetes does. */
static int parse_opts(struct MHD_Connection *conn, logs_opts *o, bool *previous, char **err)
{
    int64_t tail = 0, since_s = 0, limit = 0;
    bool has_tail, has_since, has_limit;
    const char *since_time = arg(conn, "sinceTime");

    memset(o, 0, sizeof *o);
    o->tail_lines = -1;
    if (bool_arg(conn, "follow", &o->follow, err) || bool_arg(conn, "previous", previous, err) ||
        bool_arg(conn, "timestamps", &o->timestamps, err) ||
        int_arg(conn, "tailLines", &tail, &has_tail, err) ||
        int_arg(conn, "sinceSeconds", &since_s, &has_since, err) ||
        int_arg(conn, "limitBytes", &limit, &has_limit, err))
        return EN_INVALID;
    if (has_tail && tail < 0) {
        *err = xasprintf("tailLines: Invalid value: %lld: must be greater than or equal to 0",
                         (long long)tail);
        return EN_INVALID;
    }
    if (has_limit && limit < 1) {
        *err = xasprintf("limitBytes: Invalid value: %lld: must be greater than 0",
                         (long long)limit);
        return EN_INVALID;
    }
    if (has_since && since_time && *since_time) {
        *err = xstrdup("at most one of `sinceTime` or `sinceSeconds` may be specified");
        return EN_INVALID;
    }
    if (has_since && since_s < 1) {
        *err = xasprintf("sinceSeconds: Invalid value: %lld: must be greater than 0",
                         (long long)since_s);
        return EN_INVALID;
    }
    if (has_tail)
        o->tail_lines = tail;
    if (has_limit)
        o->limit_bytes = limit;
    if (has_since) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        o->since_ns = ((int64_t)now.tv_sec - since_s) * 1000000000LL + now.tv_nsec;
    } else if (since_time && *since_time) {
        if (logs_parse_time_ns(since_time, strlen(since_time), &o->since_ns)) {
            *err = xasprintf("invalid value for sinceTime: %s (expected RFC 3339)", since_time);
            return EN_INVALID;
        }
    }
    return 0;
}

/* Names in the path become file names: only what Kubernetes names hold. */
static bool name_ok(const char *s, size_t len)
{
    if (len == 0 || len > 253 || s[0] == '.')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.'))
            return false;
    }
    return true;
}

/* "/containerLogs/<ns>/<pod>/<container>" -> three new strings. */
static bool parse_path(const char *url, char **ns, char **pod, char **container)
{
    static const char prefix[] = "/containerLogs/";
    const char *p, *parts[3];
    size_t lens[3];

    if (strncmp(url, prefix, sizeof prefix - 1) != 0)
        return false;
    p = url + sizeof prefix - 1;
    for (int i = 0; i < 3; i++) {
        const char *e = strchr(p, '/');
        if ((e == NULL) != (i == 2))
            return false;
        parts[i] = p;
        lens[i] = e ? (size_t)(e - p) : strlen(p);
        if (!name_ok(parts[i], lens[i]))
            return false;
        p = e ? e + 1 : p + lens[i];
    }
    *ns = xstrndup(parts[0], lens[0]);
    *pod = xstrndup(parts[1], lens[1]);
    *container = xstrndup(parts[2], lens[2]);
    return true;
}

/* ---- requests ------------------------------------------------------------- */

static bool authorized(logs_server *s, struct MHD_Connection *conn)
{
    const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return false;
    h += 7;
    while (*h == ' ')
        h++;
    return strcmp(h, s->token) == 0;
}

static enum MHD_Result logs_access(void *cls, struct MHD_Connection *conn, const char *url,
                                   const char *method, const char *version,
                                   const char *upload_data, size_t *upload_data_size,
                                   void **con_cls)
{
    logs_server *s = cls;
    logs_stream *ls = NULL;
    logs_opts o;
    bool previous = false, prev_missing = false;
    char *ns = NULL, *pod = NULL, *container = NULL, *err = NULL;
    const union MHD_ConnectionInfo *ci;
    struct MHD_Response *mr;
    enum MHD_Result ret;
    int rc;

    if (*con_cls == NULL) {
        *con_cls = s; /* first call: headers only */
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0; /* GET only: ignore any body */
        return MHD_YES;
    }
    if (!authorized(s, conn))
        return send_text(conn, 401, "Unauthorized");
    if (!parse_path(url, &ns, &pod, &container))
        return send_text(conn, 404, "404 page not found");
    if (strcmp(method, "GET") != 0) {
        ret = send_text(conn, 405, "method not allowed");
        goto out;
    }
    if (parse_opts(conn, &o, &previous, &err)) {
        ret = send_text(conn, 400, err);
        goto out;
    }
    ls = xcalloc(1, sizeof *ls);
    ls->s = s;
    rc = logs__find(s->logs_dir, ns, pod, container, previous, &ls->loc, &prev_missing, &err);
    if (rc) {
        ret = send_text(conn, prev_missing ? 400 : 404, err);
        goto out;
    }
    if (o.follow) {
        o.finished = stream_finished;
        o.finished_ctx = ls;
    }
    rc = logs_reader_open(ls->loc.path, &o, &ls->r);
    if (rc) {
        char *msg = xasprintf("container \"%s\" in pod \"%s\": cannot read its log: %s",
                              container, pod, en_strerror(rc));
        ret = send_text(conn, rc == EN_NOTFOUND ? 404 : 500, msg);
        free(msg);
        goto out;
    }
    ls->ns = ns;
    ls->pod = pod;
    ls->container = container;
    ns = pod = container = NULL;
    ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    ls->fd = ci ? ci->connect_fd : -1;
    mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, stream_read, ls,
                                           stream_free);
    ls = NULL; /* the response owns it now */
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
    MHD_add_response_header(mr, "Cache-Control", "no-cache, private");
    ret = MHD_queue_response(conn, 200, mr);
    MHD_destroy_response(mr);
out:
    if (ls)
        stream_free(ls);
    free(ns);
    free(pod);
    free(container);
    free(err);
    return ret;
}

static void logs_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    log_debug("logs", "%s", buf);
}

int logs_server_start(const logs_server_config *cfg, logs_server **out, char **err)
{
    logs_server *s = xcalloc(1, sizeof *s);
    const char *addr_s = cfg->address ? cfg->address : "0.0.0.0";
    const char *hosts[2] = {addr_s, "127.0.0.1"};
    struct sockaddr_in addr;
    const union MHD_DaemonInfo *info;
    unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                         MHD_USE_POLL | MHD_USE_ERROR_LOG | MHD_USE_TLS;
    int rc = EN_INVALID;

    *out = NULL;
    atomic_init(&s->stopping, false);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)cfg->port);
    if (cfg->port < 0 || cfg->port > 65535 || inet_pton(AF_INET, addr_s, &addr.sin_addr) != 1) {
        *err = xasprintf("invalid log server address %s:%d", addr_s, cfg->port);
        goto out_free;
    }
    if (!cfg->token || !*cfg->token || !cfg->logs_dir || !cfg->tls_dir) {
        *err = xstrdup("the log server needs a token, a logs directory and a TLS directory");
        goto out_free;
    }
    rc = EN_IO;
    /* A certificate for the address the API server connects to (it does
     * not verify it, as kube-apiserver does not verify kubelets by
     * default), and 127.0.0.1 for local use. */
    if (pki_ensure(cfg->tls_dir, hosts, strcmp(addr_s, "0.0.0.0") == 0 ? 1 : 2, &s->pki)) {
        *err = xasprintf("cannot create the log server's certificate in %s/tls", cfg->tls_dir);
        goto out_free;
    }
    s->token = xstrdup(cfg->token);
    s->logs_dir = xstrdup(cfg->logs_dir);
    s->container_running = cfg->container_running;
    s->ctx = cfg->ctx;
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, logs_access, s, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_CONNECTION_LIMIT, LOGS_MAX_CONNS, MHD_OPTION_CONNECTION_TIMEOUT, 0u,
        MHD_OPTION_EXTERNAL_LOGGER, logs_mhd_log, s,
        MHD_OPTION_THREAD_STACK_SIZE, (size_t)256 * 1024, MHD_OPTION_HTTPS_MEM_CERT,
        s->pki.cert_pem, MHD_OPTION_HTTPS_MEM_KEY, s->pki.key_pem, MHD_OPTION_END);
    if (!s->daemon) {
        *err = xasprintf("cannot listen on %s:%d for container logs", addr_s, cfg->port);
        goto out_free;
    }
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    *out = s;
    s = NULL;
    rc = 0;
out_free:
    logs_server_stop(s);
    return rc;
}

int logs_server_port(const logs_server *s)
{
    return s->port;
}

void logs_server_stop(logs_server *s)
{
    if (!s)
        return;
    atomic_store(&s->stopping, true);
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    pki_release(&s->pki);
    free(s->token);
    free(s->logs_dir);
    free(s);
}
