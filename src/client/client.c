/*
 * client.c -- the request side of the API client (client.h): the client
 * object, its pool of libcurl handles, URL and query building, and the
 * synchronous get/list/create/update/patch/delete helpers on top of one
 * raw request function.  Watches live in watch.c, kubeconfig parsing in
 * kubeconfig.c.
 *
 * Each request borrows an easy handle from the pool and returns it, so a
 * handle's keep-alive connection serves the next request of whichever
 * thread comes next; TLS sessions and DNS answers are shared across handles
 * through a CURLSH, so new connections resume TLS instead of a full
 * handshake.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "client/client_int.h"

const client_res client_res_nodes = {"", "v1", "nodes", false};
const client_res client_res_pods = {"", "v1", "pods", true};
const client_res client_res_events = {"", "v1", "events", true};
const client_res client_res_namespaces = {"", "v1", "namespaces", false};
const client_res client_res_leases = {"coordination.k8s.io", "v1", "leases", true};
const client_res client_res_daemonsets = {"apps", "v1", "daemonsets", true};

/* curl_global_init is not thread-safe and must run once per process: this
 * once-flag is the only file-static state. */
static pthread_once_t client_global_once = PTHREAD_ONCE_INIT;

static void client_global_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        en_fatal("client: curl_global_init failed");
}

/* ---- configuration ------------------------------------------------------ */

void client_config_init(client_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
}

void client_config_release(client_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->server);
    free(cfg->token);
    free(cfg->ca_pem);
    free(cfg->cert_pem);
    free(cfg->key_pem);
    free(cfg->user_agent);
    client_config_init(cfg);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* ---- client lifecycle ----------------------------------------------------- */

/* Put pem (may be NULL: nothing to do) into a new memory file (see
 * client_pem_file).  0, or EN_IO. */
static int pem_file_open(client_pem_file *f, const char *name, const char *pem)
{
    size_t n, off = 0;

    f->fd = -1;
    f->path = NULL;
    if (!pem)
        return 0;
    f->fd = memfd_create(name, MFD_CLOEXEC);
    if (f->fd < 0)
        return EN_IO;
    n = strlen(pem);
    while (off < n) {
        ssize_t w = write(f->fd, pem + off, n - off);
        if (w < 0)
            return EN_IO; /* f->fd is closed by pem_file_close */
        off += (size_t)w;
    }
    f->path = xasprintf("/proc/self/fd/%d", f->fd);
    return 0;
}

static void pem_file_close(client_pem_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    free(f->path);
    f->fd = -1;
    f->path = NULL;
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *userp)
{
    client *c = userp;
    (void)h;
    (void)access;
    pthread_mutex_lock(&c->share_mu[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *userp)
{
    client *c = userp;
    (void)h;
    pthread_mutex_unlock(&c->share_mu[data]);
}

int client_new(const client_config *cfg, client **out)
{
    client *c;
    size_t n;

    *out = NULL;
    if (!cfg || !cfg->server || !*cfg->server)
        return EN_INVALID;
    pthread_once(&client_global_once, client_global_init);
    c = xcalloc(1, sizeof *c);
    c->ca.fd = c->cert.fd = c->key.fd = -1;
    c->cfg.server = xstrdup(cfg->server);
    /* Paths always start with '/', so drop a trailing one from the URL. */
    n = strlen(c->cfg.server);
    while (n > 0 && c->cfg.server[n - 1] == '/')
        c->cfg.server[--n] = '\0';
    c->cfg.token = dup_or_null(cfg->token);
    c->cfg.ca_pem = dup_or_null(cfg->ca_pem);
    c->cfg.cert_pem = dup_or_null(cfg->cert_pem);
    c->cfg.key_pem = dup_or_null(cfg->key_pem);
    c->cfg.insecure = cfg->insecure;
    c->cfg.user_agent = dup_or_null(cfg->user_agent);
    c->cfg.connect_timeout_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 10000;
    c->cfg.timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 30000;
    c->auth_header = c->cfg.token && *c->cfg.token
                         ? xasprintf("Authorization: Bearer %s", c->cfg.token)
                         : NULL;
    c->user_agent = xstrdup(c->cfg.user_agent ? c->cfg.user_agent : "everynode/0.1");
    for (size_t i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&c->share_mu[i], NULL);
    pthread_mutex_init(&c->pool_mu, NULL);
    atomic_init(&c->closed, false);
    c->share = curl_share_init();
    if (!c->share)
        en_fatal("client: curl_share_init failed");
    curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    if (pem_file_open(&c->ca, "everynode-ca", c->cfg.ca_pem) ||
        pem_file_open(&c->cert, "everynode-cert", c->cfg.cert_pem) ||
        pem_file_open(&c->key, "everynode-key", c->cfg.key_pem)) {
        log_error("client", "cannot hold TLS credentials in a memory file: err=\"%s\"",
                  strerror(errno));
        client_free(c);
        return EN_IO;
    }
    *out = c;
    return 0;
}

int client_open_kubeconfig(const char *path, client **out, char **err)
{
    client_config cfg;
    char *msg = NULL;
    int rc;

    *out = NULL;
    client_config_init(&cfg);
    rc = client_config_load(path, &cfg, &msg);
    if (rc)
        goto out_release_cfg;
    rc = client_new(&cfg, out);
    if (rc == EN_INVALID)
        msg = xasprintf("%s: no server URL", path);
    else if (rc)
        msg = xasprintf("%s: %s", path, en_strerror(rc));
out_release_cfg:
    client_config_release(&cfg);
    /* err may be NULL when the caller wants no message. */
    if (err)
        *err = msg;
    else
        free(msg);
    return rc;
}

void client_shutdown(client *c)
{
    if (c)
        atomic_store(&c->closed, true);
}

void client_free(client *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_idle; i++)
        curl_easy_cleanup(c->idle[i]);
    curl_share_cleanup(c->share);
    for (size_t i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&c->share_mu[i]);
    pthread_mutex_destroy(&c->pool_mu);
    client_config_release(&c->cfg);
    pem_file_close(&c->ca);
    pem_file_close(&c->cert);
    pem_file_close(&c->key);
    free(c->auth_header);
    free(c->user_agent);
    free(c);
}

/* ---- handles --------------------------------------------------------------- */

/* Abort transfers once the client is shut down (libcurl calls this at least
 * about once a second, also while waiting). */
static int client_xferinfo(void *p, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                           curl_off_t ulnow)
{
    client *c = p;
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return atomic_load(&c->closed) ? 1 : 0;
}

CURL *client__acquire(client *c)
{
    CURL *h = NULL;

    pthread_mutex_lock(&c->pool_mu);
    if (c->n_idle)
        h = c->idle[--c->n_idle];
    pthread_mutex_unlock(&c->pool_mu);
    if (h) {
        /* Keeps the live connection and session caches, drops options. */
        curl_easy_reset(h);
    } else {
        h = curl_easy_init();
        if (!h)
            en_fatal("client: curl_easy_init failed");
    }
    curl_easy_setopt(h, CURLOPT_SHARE, c->share);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)c->cfg.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)c->cfg.timeout_ms);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, client_xferinfo);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
    if (c->ca.path) {
        /* Only this CA: not also the system's directory of them (libcurl's
         * default CAPATH, which GnuTLS would load at every connection). */
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca.path);
        curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
    }
    if (c->cert.path && c->key.path) {
        curl_easy_setopt(h, CURLOPT_SSLCERT, c->cert.path);
        curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(h, CURLOPT_SSLKEY, c->key.path);
        curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
    }
    if (c->cfg.insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    return h;
}

void client__release(client *c, CURL *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&c->pool_mu);
    if (c->n_idle < CLIENT_POOL_MAX) {
        c->idle[c->n_idle++] = h;
        h = NULL;
    }
    pthread_mutex_unlock(&c->pool_mu);
    if (h)
        curl_easy_cleanup(h);
}

struct curl_slist *client__headers(client *c, const char *accept, const char *content_type)
{
    struct curl_slist *l = NULL;
    char buf[256];

    if (c->auth_header)
        l = curl_slist_append(l, c->auth_header);
    snprintf(buf, sizeof buf, "Accept: %s", accept ? accept : "application/json");
    l = curl_slist_append(l, buf);
    if (content_type) {
        snprintf(buf, sizeof buf, "Content-Type: %s", content_type);
        l = curl_slist_append(l, buf);
    }
    /* No "Expect: 100-continue" round trip before bodies. */
    l = curl_slist_append(l, "Expect:");
    if (!l)
        en_fatal("client: out of memory building headers");
    return l;
}

char *client__url(client *c, const char *path)
{
    return xasprintf("%s%s", c->cfg.server, path);
}

int client__curl_error(client *c, CURLcode cc)
{
    if (atomic_load(&c->closed))
        return EN_CLOSED;
    if (cc == CURLE_OPERATION_TIMEDOUT)
        return EN_TIMEOUT;
    return EN_IO;
}

/* ---- paths and queries ---------------------------------------------------- */

void client__escape(sbuf *sb, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char ch = *p;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '.' || ch == '_' || ch == '~') {
            sbuf_append(sb, (const char *)p, 1);
        } else {
            char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            sbuf_append(sb, e, 3);
        }
    }
}

char *client_path(const client_res *res, const char *ns, const char *name, const char *sub)
{
    sbuf sb;

    sbuf_init(&sb);
    if (!res->group || !*res->group)
        sbuf_printf(&sb, "/api/%s", res->version);
    else
        sbuf_printf(&sb, "/apis/%s/%s", res->group, res->version);
    if (res->namespaced && ns && *ns) {
        sbuf_puts(&sb, "/namespaces/");
        client__escape(&sb, ns);
    }
    sbuf_puts(&sb, "/");
    sbuf_puts(&sb, res->resource);
    if (name && *name) {
        sbuf_puts(&sb, "/");
        client__escape(&sb, name);
        if (sub && *sub) {
            sbuf_puts(&sb, "/");
            client__escape(&sb, sub);
        }
    }
    return sbuf_detach(&sb, NULL);
}

char *client_query(const char *path, ...)
{
    sbuf sb;
    va_list ap;
    const char *k, *v;
    char sep = strchr(path, '?') ? '&' : '?';

    sbuf_init(&sb);
    sbuf_puts(&sb, path);
    va_start(ap, path);
    while ((k = va_arg(ap, const char *)) != NULL) {
        v = va_arg(ap, const char *);
        if (!v || !*v)
            continue;
        sbuf_append(&sb, &sep, 1);
        sep = '&';
        client__escape(&sb, k);
        sbuf_puts(&sb, "=");
        client__escape(&sb, v);
    }
    va_end(ap);
    return sbuf_detach(&sb, NULL);
}

/* ---- responses ------------------------------------------------------------ */

void client_resp_release(client_resp *r)
{
    if (!r)
        return;
    json_decref(r->body);
    r->body = NULL;
    r->code = 0;
    r->error = NULL;
}

const char *client_resp_message(const client_resp *r)
{
    const char *m;

    if (!r->code)
        return r->error ? r->error : "no response";
    m = json_string_value(json_object_get(r->body, "message"));
    if (m && *m)
        return m;
    if (r->code >= 200 && r->code < 300)
        return "OK";
    return "unexpected HTTP status (no Status message)";
}

int client_code_error(long code, const char *reason)
{
    if (code >= 200 && code < 300)
        return 0;
    switch (code) {
    case 404:
        return EN_NOTFOUND;
    case 409:
        return reason && strcmp(reason, "AlreadyExists") == 0 ? EN_EXISTS : EN_CONFLICT;
    case 410:
        return EN_COMPACTED;
    case 400:
    case 422:
        return EN_INVALID;
    case 413:
        return EN_TOOLARGE;
    case 429:
    case 503:
        return EN_BUSY;
    case 504:
        return EN_TIMEOUT;
    case 405:
    case 415:
        return EN_UNSUPPORTED;
    default:
        return EN_INTERNAL;
    }
}

/* Collects a response body, refusing more than CLIENT_MAX_BODY. */
struct body_sink {
    sbuf sb;
    bool too_large;
};

static size_t sink_write(char *data, size_t size, size_t nmemb, void *p)
{
    struct body_sink *s = p;
    size_t n = size * nmemb;
    if (s->sb.len + n > CLIENT_MAX_BODY) {
        s->too_large = true;
        return 0; /* aborts the transfer */
    }
    sbuf_append(&s->sb, data, n);
    return n;
}

/* ---- requests ------------------------------------------------------------- */

int client_request(client *c, const char *method, const char *path, const char *content_type,
                   const char *body, size_t body_len, client_resp *resp)
{
    struct body_sink sink = {.too_large = false};
    struct curl_slist *hdrs = NULL;
    char *url = NULL;
    CURL *h = NULL;
    CURLcode cc;
    long code = 0;
    int rc;

    client_resp_release(resp);
    sbuf_init(&sink.sb);
    if (atomic_load(&c->closed)) {
        resp->error = "client is shut down";
        rc = EN_CLOSED;
        goto out;
    }
    h = client__acquire(c);
    url = client__url(c, path);
    hdrs = client__headers(c, NULL, body ? content_type : NULL);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    cc = curl_easy_perform(h);
    if (cc != CURLE_OK) {
        if (sink.too_large) {
            resp->error = "response body too large";
            rc = EN_TOOLARGE;
        } else {
            resp->error = curl_easy_strerror(cc);
            rc = client__curl_error(c, cc);
        }
        goto out;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    resp->code = code;
    if (sink.sb.len && (!resp->errors_only || code < 200 || code >= 300))
        resp->body = json_loadb(sink.sb.buf, sink.sb.len, 0, NULL);
    rc = client_code_error(code, json_string_value(json_object_get(resp->body, "reason")));
out:
    client__release(c, h);
    curl_slist_free_all(hdrs);
    sbuf_release(&sink.sb);
    free(url);
    return rc;
}

/* Serialise obj and send it. */
static int request_json(client *c, const char *method, const char *path, const char *ctype,
                        json_t *obj, client_resp *resp)
{
    size_t len = 0;
    char *text = obj ? json_dump_ordered(obj, &len) : NULL;
    int rc = client_request(c, method, path, ctype, text, len, resp);
    free(text);
    return rc;
}

int client_get(client *c, const client_res *res, const char *ns, const char *name,
               client_resp *resp)
{
    char *path = client_path(res, ns, name, NULL);
    int rc = client_request(c, "GET", path, NULL, NULL, 0, resp);
    free(path);
    return rc;
}

int client_list(client *c, const client_res *res, const char *ns, const client_list_opts *opts,
                client_resp *resp)
{
    static const client_list_opts none = {0};
    char *base = client_path(res, ns, NULL, NULL), *path, limit[24] = "";
    int rc;

    if (!opts)
        opts = &none;
    if (opts->limit > 0)
        snprintf(limit, sizeof limit, "%ld", opts->limit);
    path = client_query(base, "labelSelector", opts->label_selector, "fieldSelector",
                        opts->field_selector, "resourceVersion", opts->resource_version,
                        "limit", limit, "continue", opts->continue_token, (const char *)NULL);
    rc = client_request(c, "GET", path, NULL, NULL, 0, resp);
    free(path);
    free(base);
    return rc;
}

int client_create(client *c, const client_res *res, const char *ns, json_t *obj,
                  client_resp *resp)
{
    char *path = client_path(res, ns, NULL, NULL);
    int rc = request_json(c, "POST", path, "application/json", obj, resp);
    free(path);
    return rc;
}

int client_update(client *c, const client_res *res, const char *ns, const char *name,
                  const char *sub, json_t *obj, client_resp *resp)
{
    char *path = client_path(res, ns, name, sub);
    int rc = request_json(c, "PUT", path, "application/json", obj, resp);
    free(path);
    return rc;
}

int client_patch(client *c, const client_res *res, const char *ns, const char *name,
                 const char *sub, enum client_patch_type type, json_t *patch, client_resp *resp)
{
    static const char *const ctypes[] = {
        [CLIENT_PATCH_MERGE] = "application/merge-patch+json",
        [CLIENT_PATCH_STRATEGIC] = "application/strategic-merge-patch+json",
        [CLIENT_PATCH_JSON] = "application/json-patch+json",
    };
    char *path;
    int rc;

    if ((unsigned)type > CLIENT_PATCH_JSON)
        return EN_INVALID;
    path = client_path(res, ns, name, sub);
    rc = request_json(c, "PATCH", path, ctypes[type], patch, resp);
    free(path);
    return rc;
}

int client_delete(client *c, const client_res *res, const char *ns, const char *name,
                  const client_delete_opts *opts, client_resp *resp)
{
    char *path = client_path(res, ns, name, NULL);
    json_t *body = NULL;
    int rc;

    if (opts && (opts->set_grace || opts->propagation || opts->pre_uid || opts->pre_rv)) {
        body = json_pack("{s:s,s:s}", "apiVersion", "v1", "kind", "DeleteOptions");
        if (opts->set_grace)
            json_object_set_new(body, "gracePeriodSeconds", json_integer(opts->grace_seconds));
        if (opts->propagation)
            json_object_set_new(body, "propagationPolicy", json_string(opts->propagation));
        if (opts->pre_uid || opts->pre_rv) {
            json_t *pre = json_object();
            if (opts->pre_uid)
                json_object_set_new(pre, "uid", json_string(opts->pre_uid));
            if (opts->pre_rv)
                json_object_set_new(pre, "resourceVersion", json_string(opts->pre_rv));
            json_object_set_new(body, "preconditions", pre);
        }
    }
    rc = request_json(c, "DELETE", path, "application/json", body, resp);
    json_decref(body);
    free(path);
    return rc;
}
