/*
 * server.c -- libmicrohttpd glue for the API server: accumulates request
 * bodies (bounded by API_MAX_BODY), checks the bearer token (auth.c), dispatches to
 * discovery/health handlers or the resource handlers, and sends responses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"

const char *api_query(api_req *rq, const char *key)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *api_header(api_req *rq, const char *key)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, key);
}

void api_resp_json(api_resp *r, int code, json_t *j)
{
    r->code = code;
    r->body = json_dump_ordered(j, &r->len);
    r->ctype = "application/json";
    json_decref(j);
}

void api_resp_text(api_resp *r, int code, const char *ctype, const char *text)
{
    r->code = code;
    r->body = xstrdup(text);
    r->len = strlen(text);
    r->ctype = ctype;
}

void api_resp_status(api_resp *r, const reg_status *st)
{
    api_resp_json(r, st->code ? st->code : 500, reg_status_json(st));
}

void api_resp_error(api_resp *r, int code, const char *reason, const char *fmt, ...)
{
    reg_status st = {0};
    va_list ap;
    sbuf sb;

    sbuf_init(&sb);
    va_start(ap, fmt);
    sbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    st.code = code;
    st.reason = reason;
    st.message = sbuf_detach(&sb, NULL);
    api_resp_status(r, &st);
    reg_status_release(&st);
}

static bool api_is_public(const char *url)
{
    return strcmp(url, "/healthz") == 0 || strcmp(url, "/livez") == 0 ||
           strcmp(url, "/readyz") == 0 || strcmp(url, "/version") == 0;
}

static enum MHD_Result api_send(api_req *rq, api_resp *r)
{
    struct MHD_Response *mr;
    enum MHD_Result ret;
    size_t i;
    json_t *w;

    mr = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
    r->body = NULL;
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
    MHD_add_response_header(mr, "Cache-Control", "no-cache, private");
    json_array_foreach(rq->warnings, i, w)
    {
        char *h = xasprintf("299 - \"%s\"", json_string_value(w));
        MHD_add_response_header(mr, "Warning", h);
        free(h);
    }
    ret = MHD_queue_response(rq->conn, (unsigned int)r->code, mr);
    MHD_destroy_response(mr);
    return ret;
}

static void api_log_request(api_req *rq, int code, int64_t start_ns)
{
    int64_t us = (time_mono_ns() - start_ns) / 1000;
    /* Watches and successful reads are routine; log writes and errors. */
    if (code >= 400 || strcmp(rq->method, "GET") != 0)
        log_debug("api", "verb=%s url=%s code=%d latency_us=%lld", rq->method, rq->url, code,
                  (long long)us);
}

/*
 * Request threads run as SCHED_BATCH (no privilege needed): the scheduler
 * then does not let a request thread that wakes up preempt the store's
 * threads or a controller.  A delivered batch wakes all its writers at
 * once; preempting the store for each of them stalled the next batch
 * behind dozens of responses.  Per-thread state, so thread-local.
 */
static void api_thread_batch_once(void)
{
    static _Thread_local bool done;
    struct sched_param sp = {.sched_priority = 0};

    if (done)
        return;
    done = true;
    if (sched_setscheduler(0, SCHED_BATCH, &sp) != 0)
        log_debug("api", "SCHED_BATCH for a request thread: %s", strerror(errno));
}

static enum MHD_Result api_access(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    api_server *s = cls;
    api_req *rq = *con_cls;
    api_resp resp = {0};
    api_route rt;
    enum api_who who;
    enum MHD_Result ret;
    int64_t start = time_mono_ns();
    int rc;

    if (!rq) {
        api_thread_batch_once();
        rq = xcalloc(1, sizeof *rq);
        rq->conn = conn;
        rq->method = method;
        rq->url = url;
        sbuf_init(&rq->body);
        rq->warnings = json_array();
        *con_cls = rq;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (rq->body.len + *upload_data_size > API_MAX_BODY)
            rq->too_large = true;
        else
            sbuf_append(&rq->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }

    who = api_identify(s, rq);
    if (!api_is_public(url) && who == API_WHO_NONE) {
        api_resp_error(&resp, 401, "Unauthorized", "Unauthorized");
        goto send;
    }
    if (rq->too_large) {
        api_resp_error(&resp, 413, "RequestEntityTooLarge",
                       "Request entity too large: limit is %d", API_MAX_BODY);
        goto send;
    }
    if (api_handle_meta(s, rq, &resp))
        goto send;
    rc = api_route_parse(url, &rt);
    if (rc) {
        api_resp_error(&resp, 404, "NotFound", "the server could not find the requested resource");
        goto send;
    }
    if (who == API_WHO_NODE && !api_node_may(rq, &rt, &resp))
        goto send;
    rc = api_handle_resource(s, rq, &rt, &resp);
    if (rc >= 0) {
        api_log_request(rq, 200, start);
        return (enum MHD_Result)rc;
    }
send:
    ret = api_send(rq, &resp);
    api_log_request(rq, resp.code, start);
    free(resp.body);
    return ret;
}

static void api_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                          enum MHD_RequestTerminationCode toe)
{
    api_req *rq = *con_cls;
    if (!rq)
        return;
    sbuf_release(&rq->body);
    json_decref(rq->warnings);
    free(rq);
    *con_cls = NULL;
}

static void api_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    log_debug("http", "%s", buf);
}

int api_start(const api_config *cfg, registry *reg, cache *c, api_server **out)
{
    api_server *s = xcalloc(1, sizeof *s);
    struct sockaddr_in addr;
    const union MHD_DaemonInfo *info;
    unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                         MHD_USE_POLL | MHD_USE_ERROR_LOG;

    s->reg = reg;
    s->c = c;
    s->token = cfg->token ? xstrdup(cfg->token) : NULL;
    s->node_token = cfg->node_token ? xstrdup(cfg->node_token) : NULL;
    atomic_init(&s->stopping, false);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)cfg->port);
    if (inet_pton(AF_INET, cfg->bind_address ? cfg->bind_address : "127.0.0.1",
                  &addr.sin_addr) != 1) {
        log_error("api", "bad bind address %s", cfg->bind_address);
        free(s->token);
        free(s->node_token);
        free(s);
        return EN_INVALID;
    }
    if (cfg->tls_cert_pem && cfg->tls_key_pem)
        flags |= MHD_USE_TLS;
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, api_access, s, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_NOTIFY_COMPLETED, api_completed, s, MHD_OPTION_CONNECTION_LIMIT, 8192u,
        MHD_OPTION_CONNECTION_TIMEOUT, 0u, MHD_OPTION_EXTERNAL_LOGGER, api_mhd_log, s,
        /* No LISTENING_ADDRESS_REUSE: that would set SO_REUSEPORT and let a
         * second server bind the same port and share its clients.  MHD's
         * default SO_REUSEADDR already allows a quick restart. */
        MHD_OPTION_THREAD_STACK_SIZE, (size_t)256 * 1024,
        cfg->tls_cert_pem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cfg->tls_cert_pem,
        MHD_OPTION_HTTPS_MEM_KEY, cfg->tls_key_pem, MHD_OPTION_END);
    if (!s->daemon) {
        log_error("api", "cannot listen on %s:%d", cfg->bind_address, cfg->port);
        free(s->token);
        free(s->node_token);
        free(s);
        return EN_IO;
    }
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    /* libcurl for the pods/log proxy (podlog.c); reference-counted by curl,
     * released in api_stop. */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    *out = s;
    return 0;
}

int api_port(const api_server *s)
{
    return s->port;
}

void api_stop(api_server *s)
{
    if (!s)
        return;
    atomic_store(&s->stopping, true);
    MHD_stop_daemon(s->daemon);
    curl_global_cleanup();
    free(s->token);
    free(s->node_token);
    free(s);
}
