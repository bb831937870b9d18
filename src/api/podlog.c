/*
 * podlog.c -- GET /api/v1/namespaces/NS/pods/NAME/log: the API server's
 * side of `kubectl logs`.  As kube-apiserver does, it checks the options
 * and the pod here (which container, bound to a node, started), then
 * proxies to the node's log server (logs.h) at
 *     https://<node InternalIP>:<status.daemonEndpoints.kubeletEndpoint.Port>
 *         /containerLogs/NS/NAME/CONTAINER?<options>
 * with the node token, without verifying the agent's self-signed
 * certificate (kube-apiserver's default for kubelets).  The answer streams
 * to the client as it arrives: libcurl's multi interface is driven from
 * libmicrohttpd's content callback (this connection's own thread), so each
 * read pulls what the agent has sent and `kubectl logs -f` sees lines at
 * once.  A non-200 answer from the agent becomes a metav1.Status with its
 * code and text.  The stream ends when the agent ends it, when the client
 * goes away, or at shutdown.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "types/types.h"

/* Slice the content callback waits on the agent before it looks at the
 * client and shutdown again. */
#define PODLOG_WAIT_SLICE_MS 500
/* Bytes buffered from the agent before the transfer pauses (a slow client
 * holds the agent back instead of growing our memory). */
#define PODLOG_MAX_BUFFER (256 * 1024)
/* An error body from the agent is read up to this size. */
#define PODLOG_MAX_ERROR 8192
/* Waiting for the agent's response headers. */
#define PODLOG_CONNECT_TIMEOUT_S 10L
#define PODLOG_HEADERS_TIMEOUT_MS 30000
/* The kubelet's port when a node does not say. */
#define PODLOG_DEFAULT_PORT 10250

/* One proxied log stream. */
typedef struct podlog {
    api_server *s;
    CURLM *multi;          /* owned */
    CURL *easy;            /* owned */
    struct curl_slist *hdrs; /* owned */
    char *url;             /* owned: the agent's URL (for messages) */
    sbuf buf;              /* bytes from the agent not yet passed on */
    size_t off;            /* of buf, already passed on */
    bool headers_done;     /* the agent's status line and headers arrived */
    bool paused;           /* the write callback paused the transfer */
    bool done;             /* the transfer ended */
    CURLcode result;       /* its result when done */
    int fd;                /* client socket, for disconnect checks */
    char errbuf[CURL_ERROR_SIZE];
} podlog;

/* ---- options --------------------------------------------------------------- */

/* strconv.ParseBool, as Kubernetes decodes the query; absent/empty false. */
static int bool_opt(api_req *rq, const char *key, bool *out, api_resp *resp)
{
    static const char *yes[] = {"1", "t", "T", "true", "TRUE", "True"};
    static const char *no[] = {"0", "f", "F", "false", "FALSE", "False"};
    const char *v = api_query(rq, key);

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
    api_resp_error(resp, 400, "BadRequest", "invalid value for %s: \"%s\" (expected true or false)",
                   key, v);
    return -1;
}

static int int_opt(api_req *rq, const char *key, long long *out, bool *set, api_resp *resp)
{
    const char *v = api_query(rq, key);
    char *end;

    *set = false;
    if (!v || !*v)
        return 0;
    errno = 0;
    *out = strtoll(v, &end, 10);
    if (*end || errno) {
        api_resp_error(resp, 400, "BadRequest", "invalid value for %s: \"%s\" (expected an integer)",
                       key, v);
        return -1;
    }
    *set = true;
    return 0;
}

/* A 422 for PodLogOptions, worded as Kubernetes' validation. */
static int invalid_opts(api_resp *resp, const char *name, const char *field, const char *msg)
{
    reg_status st = {0};
    st.code = 422;
    st.reason = "Invalid";
    st.message = xasprintf("PodLogOptions \"%s\" is invalid: %s", name, msg);
    st.details = json_pack("{s:s,s:s,s:[{s:s,s:s,s:s}]}", "name", name, "kind", "PodLogOptions",
                           "causes", "reason", "FieldValueInvalid", "message", msg, "field",
                           field);
    api_resp_status(resp, &st);
    reg_status_release(&st);
    return -1;
}

/* The options forwarded to the agent, validated as Kubernetes does; the
 * query string for the agent in *query (caller frees). */
static int parse_log_opts(api_req *rq, const char *name, char **query, bool *previous,
                          api_resp *resp)
{
    long long tail = 0, since = 0, limit = 0;
    bool follow, timestamps, insecure, has_tail, has_since, has_limit;
    const char *since_time = api_query(rq, "sinceTime");
    int64_t t;
    char buf[160];
    sbuf q;

    if (bool_opt(rq, "follow", &follow, resp) || bool_opt(rq, "previous", previous, resp) ||
        bool_opt(rq, "timestamps", &timestamps, resp) ||
        bool_opt(rq, "insecureSkipTLSVerifyBackend", &insecure, resp) ||
        int_opt(rq, "tailLines", &tail, &has_tail, resp) ||
        int_opt(rq, "sinceSeconds", &since, &has_since, resp) ||
        int_opt(rq, "limitBytes", &limit, &has_limit, resp))
        return -1;
    if (since_time && *since_time && time_parse_rfc3339(since_time, &t)) {
        api_resp_error(resp, 400, "BadRequest",
                       "invalid value for sinceTime: \"%s\" (expected an RFC 3339 time)",
                       since_time);
        return -1;
    }
    if (has_tail && tail < 0) {
        snprintf(buf, sizeof buf, "tailLines: Invalid value: %lld: must be greater than or equal to 0", tail);
        return invalid_opts(resp, name, "tailLines", buf);
    }
    if (has_limit && limit < 1) {
        snprintf(buf, sizeof buf, "limitBytes: Invalid value: %lld: must be greater than 0", limit);
        return invalid_opts(resp, name, "limitBytes", buf);
    }
    if (has_since && since_time && *since_time)
        return invalid_opts(resp, name, "",
                            "at most one of `sinceTime` or `sinceSeconds` may be specified");
    if (has_since && since < 1) {
        snprintf(buf, sizeof buf, "sinceSeconds: Invalid value: %lld: must be greater than 0", since);
        return invalid_opts(resp, name, "sinceSeconds", buf);
    }
    sbuf_init(&q);
    sbuf_printf(&q, "?follow=%s&previous=%s&timestamps=%s", follow ? "true" : "false",
                *previous ? "true" : "false", timestamps ? "true" : "false");
    if (has_tail)
        sbuf_printf(&q, "&tailLines=%lld", tail);
    if (has_since)
        sbuf_printf(&q, "&sinceSeconds=%lld", since);
    if (has_limit)
        sbuf_printf(&q, "&limitBytes=%lld", limit);
    if (since_time && *since_time) {
        /* Normalised to UTC seconds: nothing in it needs escaping then. */
        time_format_rfc3339(t, buf, sizeof buf);
        sbuf_printf(&q, "&sinceTime=%s", buf);
    }
    *query = sbuf_detach(&q, NULL);
    return 0;
}

/* ---- the pod ---------------------------------------------------------------- */

/* "[a b c]" of the names in a containers array (Go's %v of a []string). */
static char *names_of(json_t *containers)
{
    sbuf sb;
    size_t i;
    json_t *c;

    sbuf_init(&sb);
    sbuf_puts(&sb, "[");
    json_array_foreach(containers, i, c)
    {
        const char *n = json_string_value(json_object_get(c, "name"));
        sbuf_printf(&sb, "%s%s", i ? " " : "", n ? n : "");
    }
    sbuf_puts(&sb, "]");
    return sbuf_detach(&sb, NULL);
}

static bool has_container(json_t *containers, const char *name)
{
    size_t i;
    json_t *c;
    json_array_foreach(containers, i, c)
    {
        const char *n = json_string_value(json_object_get(c, "name"));
        if (n && strcmp(n, name) == 0)
            return true;
    }
    return false;
}

/* Which container: the one named, or the pod's only one.  Messages as
 * kube-apiserver's (pkg/registry/core/pod/strategy.go). */
static const char *pick_container(json_t *pod, const char *name, const char *want,
                                  api_resp *resp)
{
    json_t *spec = json_object_get(pod, "spec");
    json_t *cs = json_object_get(spec, "containers");
    json_t *ics = json_object_get(spec, "initContainers");
    json_t *ecs = json_object_get(spec, "ephemeralContainers");

    if (want && *want) {
        if (has_container(cs, want) || has_container(ics, want) || has_container(ecs, want))
            return want;
        api_resp_error(resp, 400, "BadRequest", "container %s is not valid for pod %s", want,
                       name);
        return NULL;
    }
    if (json_array_size(cs) == 1)
        return json_string_value(json_object_get(json_array_get(cs, 0), "name"));
    {
        char *a = names_of(cs), *b = json_array_size(ics) ? names_of(ics) : NULL;
        char *e = json_array_size(ecs) ? names_of(ecs) : NULL;
        api_resp_error(resp, 400, "BadRequest",
                       "a container name must be specified for pod %s, choose one of: %s%s%s%s%s",
                       name, a, b ? " or one of the init containers: " : "", b ? b : "",
                       e ? " or one of the ephemeral containers: " : "", e ? e : "");
        free(a);
        free(b);
        free(e);
    }
    return NULL;
}

static json_t *status_of(json_t *pod, const char *container)
{
    static const char *lists[] = {"containerStatuses", "initContainerStatuses",
                                  "ephemeralContainerStatuses"};
    json_t *status = json_object_get(pod, "status");

    for (size_t l = 0; l < 3; l++) {
        size_t i;
        json_t *cs;
        json_array_foreach(json_object_get(status, lists[l]), i, cs)
        {
            const char *n = json_string_value(json_object_get(cs, "name"));
            if (n && strcmp(n, container) == 0)
                return cs;
        }
    }
    return NULL;
}

/* Whether the container has logs to show, by its status; the kubelet's
 * checks and words (validateContainerLogStatus). */
static int check_started(json_t *pod, const char *name, const char *c, bool previous,
                         api_resp *resp)
{
    json_t *cs = status_of(pod, c);
    json_t *state = json_object_get(cs, "state");
    json_t *last_term = json_object_get(json_object_get(cs, "lastState"), "terminated");
    json_t *waiting = json_object_get(state, "waiting");
    const char *phase = json_path_str(pod, "status.phase");

    if (!cs) {
        if (!phase || strcmp(phase, "Pending") == 0)
            api_resp_error(resp, 400, "BadRequest",
                           "container \"%s\" in pod \"%s\" is waiting to start: "
                           "ContainerCreating",
                           c, name);
        else
            api_resp_error(resp, 400, "BadRequest", "container \"%s\" in pod \"%s\" is not available",
                           c, name);
        return -1;
    }
    if (previous) {
        if (!json_is_object(last_term)) {
            api_resp_error(resp, 400, "BadRequest",
                           "previous terminated container \"%s\" in pod \"%s\" not found", c,
                           name);
            return -1;
        }
        return 0;
    }
    if (json_object_get(state, "running") || json_object_get(state, "terminated") ||
        json_is_object(last_term))
        return 0;
    if (json_is_object(waiting)) {
        const char *reason = json_string_value(json_object_get(waiting, "reason"));
        if (reason && strcmp(reason, "ErrImagePull") == 0)
            api_resp_error(resp, 400, "BadRequest",
                           "container \"%s\" in pod \"%s\" is waiting to start: image can't be "
                           "pulled",
                           c, name);
        else if (reason && strcmp(reason, "ImagePullBackOff") == 0)
            api_resp_error(resp, 400, "BadRequest",
                           "container \"%s\" in pod \"%s\" is waiting to start: trying and "
                           "failing to pull image",
                           c, name);
        else
            api_resp_error(resp, 400, "BadRequest",
                           "container \"%s\" in pod \"%s\" is waiting to start: %s", c, name,
                           reason ? reason : "");
        return -1;
    }
    api_resp_error(resp, 400, "BadRequest",
                   "container \"%s\" in pod \"%s\" is waiting to start - no logs yet", c, name);
    return -1;
}

/* "https://addr:port" of the node's log server, or NULL with resp filled. */
static char *node_base_url(api_server *s, const char *node, api_resp *resp)
{
    const kind_info *nk = types_by_resource("", "v1", "nodes");
    cache_obj *o = cache_get(s->c, nk, "", node);
    json_t *n, *addrs, *a;
    const char *ip = NULL;
    json_int_t port;
    char *url = NULL;
    size_t i;

    if (!o) {
        api_resp_error(resp, 404, "NotFound", "nodes \"%s\" not found", node);
        return NULL;
    }
    n = cache_obj_json(o);
    cache_obj_unref(o);
    addrs = json_path(n, "status.addresses");
    for (int pass = 0; pass < 2 && !ip; pass++) {
        json_array_foreach(addrs, i, a)
        {
            const char *type = json_string_value(json_object_get(a, "type"));
            const char *addr = json_string_value(json_object_get(a, "address"));
            if (type && addr && *addr &&
                strcmp(type, pass == 0 ? "InternalIP" : "ExternalIP") == 0) {
                ip = addr;
                break;
            }
        }
    }
    port = json_integer_value(json_path(n, "status.daemonEndpoints.kubeletEndpoint.Port"));
    if (port <= 0 || port > 65535)
        port = PODLOG_DEFAULT_PORT;
    if (ip)
        url = xasprintf(strchr(ip, ':') ? "https://[%s]:%lld" : "https://%s:%lld", ip,
                        (long long)port);
    else
        api_resp_error(resp, 500, "InternalError",
                       "node \"%s\" has no InternalIP or ExternalIP address to fetch logs from",
                       node);
    json_decref(n);
    return url;
}

/* ---- the transfer ----------------------------------------------------------- */

static size_t on_data(char *data, size_t size, size_t nmemb, void *ctx)
{
    podlog *p = ctx;
    size_t n = size * nmemb;

    if (p->buf.len - p->off >= PODLOG_MAX_BUFFER) {
        p->paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    p->headers_done = true;
    sbuf_append(&p->buf, data, n);
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ctx)
{
    podlog *p = ctx;
    size_t n = size * nmemb;
    /* The blank line ending the headers of a final (non-1xx) answer. */
    if ((n == 2 && data[0] == '\r' && data[1] == '\n') || (n == 1 && data[0] == '\n')) {
        long code = 0;
        curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &code);
        if (code >= 200)
            p->headers_done = true;
    }
    return n;
}

/* Move the transfer along, waiting up to wait_ms for the agent. */
static void pump(podlog *p, int wait_ms)
{
    int running = 0, msgs;
    CURLMsg *m;

    if (p->done)
        return;
    curl_multi_perform(p->multi, &running);
    if (running && wait_ms > 0) {
        curl_multi_poll(p->multi, NULL, 0, wait_ms, NULL);
        curl_multi_perform(p->multi, &running);
    }
    while ((m = curl_multi_info_read(p->multi, &msgs)) != NULL) {
        if (m->msg == CURLMSG_DONE) {
            p->done = true;
            p->result = m->data.result;
        }
    }
}

static void podlog_free(void *cls)
{
    podlog *p = cls;
    if (!p)
        return;
    if (p->multi && p->easy)
        curl_multi_remove_handle(p->multi, p->easy);
    curl_easy_cleanup(p->easy);
    curl_multi_cleanup(p->multi);
    curl_slist_free_all(p->hdrs);
    sbuf_release(&p->buf);
    free(p->url);
    free(p);
}

static ssize_t podlog_read(void *cls, uint64_t pos, char *out, size_t max)
{
    podlog *p = cls;

    for (;;) {
        if (p->buf.len > p->off) {
            size_t n = p->buf.len - p->off;
            if (n > max)
                n = max;
            memcpy(out, p->buf.buf + p->off, n);
            p->off += n;
            if (p->off == p->buf.len) {
                p->buf.len = p->off = 0;
                if (p->paused) {
                    p->paused = false;
                    curl_easy_pause(p->easy, CURLPAUSE_CONT);
                }
            }
            return (ssize_t)n;
        }
        if (p->done)
            return p->result == CURLE_OK ? MHD_CONTENT_READER_END_OF_STREAM
                                         : MHD_CONTENT_READER_END_WITH_ERROR;
        if (atomic_load(&p->s->stopping) || api_client_gone(p->fd))
            return MHD_CONTENT_READER_END_WITH_ERROR;
        pump(p, PODLOG_WAIT_SLICE_MS);
    }
}

/* A Status for the agent's non-200 answer: its code, its text. */
static void agent_error(podlog *p, long code, api_resp *resp)
{
    const char *reason = code == 400   ? "BadRequest"
                         : code == 401 ? "Unauthorized"
                         : code == 403 ? "Forbidden"
                         : code == 404 ? "NotFound"
                                       : "InternalError";
    int64_t deadline = time_mono_ms() + PODLOG_HEADERS_TIMEOUT_MS;
    char *msg;
    size_t n;

    while (!p->done && p->buf.len < PODLOG_MAX_ERROR && time_mono_ms() < deadline)
        pump(p, 100);
    n = p->buf.len < PODLOG_MAX_ERROR ? p->buf.len : PODLOG_MAX_ERROR;
    while (n && (p->buf.buf[n - 1] == '\n' || p->buf.buf[n - 1] == '\r' || p->buf.buf[n - 1] == ' '))
        n--;
    msg = xstrndup(n ? p->buf.buf : "", n);
    if (code == 401 || code == 403)
        api_resp_error(resp, 500, "InternalError",
                       "the node's agent at %s refused the server's credentials (HTTP %ld: %s)",
                       p->url, code, msg);
    else if (n)
        api_resp_error(resp, code >= 400 && code < 600 ? (int)code : 500, reason, "%s", msg);
    else
        api_resp_error(resp, code >= 400 && code < 600 ? (int)code : 500, reason,
                       "the node's agent answered %s with HTTP %ld", p->url, code);
    free(msg);
}

/* Connect and wait for the agent's headers; 0 when it answered 200, else
 * -1 with resp filled. */
static int podlog_begin(podlog *p, const char *token, api_resp *resp)
{
    int64_t deadline = time_mono_ms() + PODLOG_HEADERS_TIMEOUT_MS;
    long code = 0;

    p->multi = curl_multi_init();
    p->easy = curl_easy_init();
    if (!p->multi || !p->easy) {
        api_resp_error(resp, 500, "InternalError", "cannot start a request to the node");
        return -1;
    }
    p->hdrs = curl_slist_append(NULL, "Accept: */*");
    if (token) {
        char *h = xasprintf("Authorization: Bearer %s", token);
        p->hdrs = curl_slist_append(p->hdrs, h);
        free(h);
    }
    curl_easy_setopt(p->easy, CURLOPT_URL, p->url);
    curl_easy_setopt(p->easy, CURLOPT_HTTPHEADER, p->hdrs);
    curl_easy_setopt(p->easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(p->easy, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(p->easy, CURLOPT_CONNECTTIMEOUT, PODLOG_CONNECT_TIMEOUT_S);
    curl_easy_setopt(p->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(p->easy, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(p->easy, CURLOPT_WRITEDATA, p);
    curl_easy_setopt(p->easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(p->easy, CURLOPT_HEADERDATA, p);
    curl_easy_setopt(p->easy, CURLOPT_ERRORBUFFER, p->errbuf);
    curl_easy_setopt(p->easy, CURLOPT_USERAGENT, "everynode-apiserver");
    curl_multi_add_handle(p->multi, p->easy);
    while (!p->headers_done && !p->done && time_mono_ms() < deadline &&
           !atomic_load(&p->s->stopping))
        pump(p, 200);
    if (!p->headers_done) {
        const char *why = p->errbuf[0]       ? p->errbuf
                          : p->done          ? curl_easy_strerror(p->result)
                                             : "timed out waiting for the node's answer";
        api_resp_error(resp, 500, "InternalError", "Get \"%s\": %s", p->url, why);
        return -1;
    }
    curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &code);
    if (code != 200) {
        agent_error(p, code, resp);
        return -1;
    }
    return 0;
}

/* ---- the handler ------------------------------------------------------------ */

int api_pod_log(api_server *s, api_req *rq, api_route *rt, api_resp *resp)
{
    const kind_info *pk = rt->kind;
    cache_obj *o = NULL;
    json_t *pod = NULL;
    podlog *p = NULL;
    char *query = NULL, *base = NULL;
    const char *container, *node;
    const union MHD_ConnectionInfo *ci;
    struct MHD_Response *mr;
    bool previous = false;
    int ret = -1;

    if (parse_log_opts(rq, rt->name, &query, &previous, resp))
        goto out;
    o = cache_get(s->c, pk, rt->ns, rt->name);
    if (!o) {
        api_resp_error(resp, 404, "NotFound", "pods \"%s\" not found", rt->name);
        goto out;
    }
    pod = cache_obj_json(o);
    container = pick_container(pod, rt->name, api_query(rq, "container"), resp);
    if (!container)
        goto out;
    node = json_path_str(pod, "spec.nodeName");
    if (!node || !*node) {
        api_resp_error(resp, 400, "BadRequest", "pod %s does not have a host assigned", rt->name);
        goto out;
    }
    if (check_started(pod, rt->name, container, previous, resp))
        goto out;
    base = node_base_url(s, node, resp);
    if (!base)
        goto out;
    p = xcalloc(1, sizeof *p);
    p->s = s;
    sbuf_init(&p->buf);
    p->url = xasprintf("%s/containerLogs/%s/%s/%s%s", base, rt->ns, rt->name, container, query);
    if (podlog_begin(p, s->node_token, resp))
        goto out;
    ci = MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    p->fd = ci ? ci->connect_fd : -1;
    mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, podlog_read, p,
                                           podlog_free);
    p = NULL; /* the response owns it */
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
    MHD_add_response_header(mr, "Cache-Control", "no-cache, private");
    ret = MHD_queue_response(rq->conn, 200, mr);
    MHD_destroy_response(mr);
out:
    podlog_free(p);
    json_decref(pod);
    cache_obj_unref(o);
    free(query);
    free(base);
    return ret;
}
