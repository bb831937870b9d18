/*
 * watch.c -- list-then-watch for the API client (client.h), the job of
 * client-go's reflector: list (in pages), then hold a watch stream of
 * newline-delimited {"type","object"} events, handing each to a callback.
 *
 * Streams end routinely (the server's timeoutSeconds, a restart, a network
 * hiccup); the watch then resumes from the last resourceVersion it saw, so
 * nothing is missed or repeated.  When the server answers 410 Gone (an
 * ERROR event with code 410, or an HTTP 410), that version is no longer
 * available and the watch re-lists, telling the consumer with
 * CLIENT_EV_RELIST.  Failures back off exponentially up to WATCH_BACKOFF_MAX_MS.
 *
 * Everything runs on the caller's thread inside client_watch_run; the only
 * cross-thread state is the stop flag and the last resourceVersion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/client_int.h"

#define WATCH_BACKOFF_MIN_MS 200
#define WATCH_BACKOFF_MAX_MS 5000
/* One event line may hold one object; Kubernetes caps objects at ~1.5 MB. */
#define WATCH_MAX_LINE ((size_t)16 * 1024 * 1024)
/* Error bodies (non-200 answers to a watch) are kept for the log only. */
#define WATCH_MAX_ERRBODY ((size_t)64 * 1024)
/* Beyond the server-side timeoutSeconds, how long we wait for the stream
 * to end by itself before abandoning it. */
#define WATCH_TIMEOUT_MARGIN_S 60

struct client_watch {
    client *c;                 /* not owned */
    client_res res;            /* strings owned (copied) */
    char *ns;                  /* owned or NULL: namespace, NULL = all */
    char *label_selector;      /* owned or NULL */
    char *field_selector;      /* owned or NULL */
    char *start_rv;            /* owned or NULL: watch from here without a list */
    int timeout_seconds;       /* 0 = 300..600 jittered per request */
    long page_size;            /* list page size */
    atomic_bool stop;          /* client_watch_stop was called */
    pthread_mutex_t mu;        /* guards last_rv */
    char last_rv[64];          /* last resourceVersion seen */
    uint64_t rng;              /* xorshift state for jitter (run thread only) */

    /* Per-stream state, touched only by the run thread. */
    CURL *h;                   /* handle of the current stream */
    client_watch_fn fn;
    void *ctx;
    int fn_rc;                 /* non-zero once fn asked to stop */
    long http_code;            /* status of the current stream, 0 until known */
    bool gone;                 /* 410: re-list */
    bool failed;               /* an ERROR event or a malformed line */
    bool too_long;             /* an event line exceeded WATCH_MAX_LINE */
    sbuf line;                 /* partial event line */
    sbuf errbody;              /* body of a non-200 answer */
    size_t events;             /* events delivered by the current stream */
};

enum watch_outcome { OUT_ENDED, OUT_ERROR, OUT_GONE, OUT_STOP, OUT_FN };

static char *dup_or_null(const char *s)
{
    return s && *s ? xstrdup(s) : NULL;
}

client_watch *client_watch_new(client *c, const client_res *res, const char *ns,
                               const client_watch_opts *opts)
{
    static const client_watch_opts none = {0};
    client_watch *w = xcalloc(1, sizeof *w);

    if (!opts)
        opts = &none;
    w->c = c;
    w->res.group = xstrdup(res->group ? res->group : "");
    w->res.version = xstrdup(res->version);
    w->res.resource = xstrdup(res->resource);
    w->res.namespaced = res->namespaced;
    w->ns = dup_or_null(ns);
    w->label_selector = dup_or_null(opts->label_selector);
    w->field_selector = dup_or_null(opts->field_selector);
    w->start_rv = dup_or_null(opts->resource_version);
    w->timeout_seconds = opts->timeout_seconds > 0 ? opts->timeout_seconds : 0;
    w->page_size = opts->page_size > 0 ? opts->page_size : 500;
    atomic_init(&w->stop, false);
    pthread_mutex_init(&w->mu, NULL);
    w->rng = (uint64_t)time_mono_ns() ^ (uint64_t)(uintptr_t)w;
    if (!w->rng)
        w->rng = 88172645463325252ULL;
    sbuf_init(&w->line);
    sbuf_init(&w->errbody);
    return w;
}

void client_watch_free(client_watch *w)
{
    if (!w)
        return;
    free((char *)w->res.group);
    free((char *)w->res.version);
    free((char *)w->res.resource);
    free(w->ns);
    free(w->label_selector);
    free(w->field_selector);
    free(w->start_rv);
    pthread_mutex_destroy(&w->mu);
    sbuf_release(&w->line);
    sbuf_release(&w->errbody);
    free(w);
}

void client_watch_stop(client_watch *w)
{
    if (w)
        atomic_store(&w->stop, true);
}

void client_watch_last_rv(client_watch *w, char *buf, size_t len)
{
    pthread_mutex_lock(&w->mu);
    snprintf(buf, len, "%s", w->last_rv);
    pthread_mutex_unlock(&w->mu);
}

static void set_last_rv(client_watch *w, const char *rv)
{
    if (!rv || !*rv)
        return;
    pthread_mutex_lock(&w->mu);
    snprintf(w->last_rv, sizeof w->last_rv, "%s", rv);
    pthread_mutex_unlock(&w->mu);
}

static bool stopping(client_watch *w)
{
    return atomic_load(&w->stop) || atomic_load(&w->c->closed);
}

static uint64_t next_rand(client_watch *w)
{
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 7;
    w->rng ^= w->rng << 17;
    return w->rng;
}

/* Sleep up to ms in short slices so a stop is noticed quickly; false when
 * stopping. */
static bool sleep_unless_stopped(client_watch *w, int64_t ms)
{
    int64_t end = time_mono_ms() + ms;
    while (!stopping(w)) {
        int64_t left = end - time_mono_ms();
        if (left <= 0)
            return true;
        if (left > 50)
            left = 50;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)left * 1000000L};
        nanosleep(&ts, NULL);
    }
    return false;
}

static int deliver(client_watch *w, enum client_event_type type, json_t *obj, const char *rv)
{
    client_event ev = {.type = type, .object = obj, .resource_version = rv};
    return w->fn(w->ctx, &ev);
}

/* ---- list -------------------------------------------------------------- */

/* List every page, delivering RELIST, the items as ADDED, then SYNCED.
 * The watch resumes from the first page's resourceVersion, so changes made
 * while later pages were read are replayed rather than lost. */
static enum watch_outcome watch_list(client_watch *w)
{
    client_list_opts lo = {.label_selector = w->label_selector,
                           .field_selector = w->field_selector,
                           .limit = w->page_size};
    client_resp resp = {0};
    char *cont = NULL, list_rv[64] = "";
    enum watch_outcome out = OUT_ERROR;
    bool first = true;
    int rc;

    for (;;) {
        json_t *items, *item;
        const char *rv, *next;
        size_t i;

        if (stopping(w)) {
            out = OUT_STOP;
            goto out_free;
        }
        lo.continue_token = cont;
        rc = client_list(w->c, &w->res, w->ns, &lo, &resp);
        if (rc == EN_COMPACTED && cont) {
            /* The continue token expired: start the list over. */
            free(cont);
            cont = NULL;
            first = true;
            continue;
        }
        if (rc) {
            log_warn("client", "list %s failed: %s", w->res.resource, client_resp_message(&resp));
            out = rc == EN_CLOSED ? OUT_STOP : OUT_ERROR;
            goto out_free;
        }
        items = json_object_get(resp.body, "items");
        rv = json_path_str(resp.body, "metadata.resourceVersion");
        if (first) {
            snprintf(list_rv, sizeof list_rv, "%s", rv ? rv : "");
            int r = deliver(w, CLIENT_EV_RELIST, NULL, list_rv);
            if (r) {
                w->fn_rc = r;
                out = OUT_FN;
                goto out_free;
            }
            first = false;
        }
        json_array_foreach(items, i, item)
        {
            int r = deliver(w, CLIENT_EV_ADDED, item,
                            json_path_str(item, "metadata.resourceVersion"));
            if (r) {
                w->fn_rc = r;
                out = OUT_FN;
                goto out_free;
            }
        }
        next = json_path_str(resp.body, "metadata.continue");
        free(cont);
        cont = next && *next ? xstrdup(next) : NULL;
        client_resp_release(&resp);
        if (!cont)
            break;
    }
    set_last_rv(w, list_rv);
    rc = deliver(w, CLIENT_EV_SYNCED, NULL, list_rv);
    if (rc) {
        w->fn_rc = rc;
        out = OUT_FN;
        goto out_free;
    }
    out = OUT_ENDED;
out_free:
    client_resp_release(&resp);
    free(cont);
    return out;
}

/* ---- watch stream -------------------------------------------------------- */

/* Handle one event line; false aborts the stream. */
static bool watch_line(client_watch *w, const char *s, size_t n)
{
    json_t *ev, *obj;
    const char *type, *rv;
    enum client_event_type t;
    bool ok = false;
    int r;

    while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
        n--;
    if (!n)
        return true;
    ev = json_loadb(s, n, 0, NULL);
    type = json_string_value(json_object_get(ev, "type"));
    obj = json_object_get(ev, "object");
    if (!type || !json_is_object(obj)) {
        log_warn("client", "watch %s: malformed event, reconnecting", w->res.resource);
        w->failed = true;
        goto out_free_ev;
    }
    if (strcmp(type, "ERROR") == 0) {
        json_int_t code = json_integer_value(json_object_get(obj, "code"));
        if (code == 410) {
            w->gone = true;
        } else {
            log_warn("client", "watch %s: error event code=%lld: %s", w->res.resource,
                     (long long)code, json_string_value(json_object_get(obj, "message")) ?: "");
            w->failed = true;
        }
        goto out_free_ev;
    }
    if (strcmp(type, "ADDED") == 0)
        t = CLIENT_EV_ADDED;
    else if (strcmp(type, "MODIFIED") == 0)
        t = CLIENT_EV_MODIFIED;
    else if (strcmp(type, "DELETED") == 0)
        t = CLIENT_EV_DELETED;
    else if (strcmp(type, "BOOKMARK") == 0)
        t = CLIENT_EV_BOOKMARK;
    else {
        ok = true; /* skip event types newer than this client */
        goto out_free_ev;
    }
    rv = json_path_str(obj, "metadata.resourceVersion");
    set_last_rv(w, rv);
    w->events++;
    r = deliver(w, t, obj, rv);
    if (r) {
        w->fn_rc = r;
        goto out_free_ev;
    }
    ok = true;
out_free_ev:
    json_decref(ev);
    return ok;
}

static size_t watch_write(char *data, size_t size, size_t nmemb, void *p)
{
    client_watch *w = p;
    size_t n = size * nmemb, start = 0;

    if (!w->http_code)
        curl_easy_getinfo(w->h, CURLINFO_RESPONSE_CODE, &w->http_code);
    if (w->http_code != 200) {
        if (w->errbody.len + n <= WATCH_MAX_ERRBODY)
            sbuf_append(&w->errbody, data, n);
        return n;
    }
    if (w->line.len + n > WATCH_MAX_LINE) {
        w->too_long = true;
        return 0;
    }
    sbuf_append(&w->line, data, n);
    for (size_t i = 0; i < w->line.len; i++) {
        if (w->line.buf[i] != '\n')
            continue;
        if (!watch_line(w, w->line.buf + start, i - start))
            return 0;
        start = i + 1;
    }
    if (start) {
        memmove(w->line.buf, w->line.buf + start, w->line.len - start);
        w->line.len -= start;
        w->line.buf[w->line.len] = '\0';
    }
    return n;
}

static int watch_xferinfo(void *p, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                          curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return stopping(p) ? 1 : 0;
}

static enum watch_outcome watch_stream(client_watch *w)
{
    char *base = client_path(&w->res, w->ns, NULL, NULL), *path = NULL, *url = NULL;
    char rv[64], tos[16];
    struct curl_slist *hdrs = NULL;
    enum watch_outcome out;
    int timeout = w->timeout_seconds;
    int64_t start;
    CURLcode cc;

    if (!timeout) /* as client-go: 5 to 10 minutes, so watches don't expire together */
        timeout = 300 + (int)(next_rand(w) % 300);
    snprintf(tos, sizeof tos, "%d", timeout);
    client_watch_last_rv(w, rv, sizeof rv);
    path = client_query(base, "allowWatchBookmarks", "true", "fieldSelector", w->field_selector,
                        "labelSelector", w->label_selector, "resourceVersion", rv,
                        "timeoutSeconds", tos, "watch", "true", (const char *)NULL);
    w->h = client__acquire(w->c);
    url = client__url(w->c, path);
    hdrs = client__headers(w->c, NULL, NULL);
    w->http_code = 0;
    w->gone = w->failed = w->too_long = false;
    w->events = 0;
    w->line.len = 0;
    w->errbody.len = 0;
    curl_easy_setopt(w->h, CURLOPT_URL, url);
    curl_easy_setopt(w->h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(w->h, CURLOPT_TIMEOUT_MS, (long)(timeout + WATCH_TIMEOUT_MARGIN_S) * 1000L);
    curl_easy_setopt(w->h, CURLOPT_WRITEFUNCTION, watch_write);
    curl_easy_setopt(w->h, CURLOPT_WRITEDATA, w);
    curl_easy_setopt(w->h, CURLOPT_XFERINFOFUNCTION, watch_xferinfo);
    curl_easy_setopt(w->h, CURLOPT_XFERINFODATA, w);
    start = time_mono_ms();
    cc = curl_easy_perform(w->h);
    if (!w->http_code)
        curl_easy_getinfo(w->h, CURLINFO_RESPONSE_CODE, &w->http_code);

    if (w->fn_rc)
        out = OUT_FN;
    else if (stopping(w))
        out = OUT_STOP;
    else if (w->gone || w->http_code == 410)
        out = OUT_GONE;
    else if (w->failed || w->too_long || (cc != CURLE_OK && cc != CURLE_OPERATION_TIMEDOUT))
        out = OUT_ERROR;
    else if (w->http_code != 200) {
        log_warn("client", "watch %s: HTTP %ld: %.*s", w->res.resource, w->http_code,
                 (int)(w->errbody.len > 300 ? 300 : w->errbody.len),
                 w->errbody.buf ? w->errbody.buf : "");
        out = OUT_ERROR;
    } else if (w->events == 0 && time_mono_ms() - start < 1000) {
        /* A stream the server ends at once, again and again, must not
         * turn into a busy loop: back off as for an error. */
        out = OUT_ERROR;
    } else {
        out = OUT_ENDED;
    }
    if (out == OUT_ERROR && cc != CURLE_OK && !w->failed)
        log_debug("client", "watch %s stream error: %s", w->res.resource, curl_easy_strerror(cc));
    client__release(w->c, w->h);
    w->h = NULL;
    curl_slist_free_all(hdrs);
    free(url);
    free(path);
    free(base);
    return out;
}

int client_watch_run(client_watch *w, client_watch_fn fn, void *ctx)
{
    bool need_list = !w->start_rv;
    int64_t backoff = 0;

    w->fn = fn;
    w->ctx = ctx;
    w->fn_rc = 0;
    if (w->start_rv)
        set_last_rv(w, w->start_rv);
    for (;;) {
        enum watch_outcome out;

        if (backoff) {
            /* Jitter by up to a fifth so many watchers spread out. */
            int64_t d = backoff + (int64_t)(next_rand(w) % (uint64_t)(backoff / 5 + 1));
            if (!sleep_unless_stopped(w, d))
                break;
        }
        if (stopping(w))
            break;
        out = need_list ? watch_list(w) : watch_stream(w);
        switch (out) {
        case OUT_FN:
            return w->fn_rc;
        case OUT_STOP:
            goto out_stopped;
        case OUT_GONE:
            need_list = true;
            backoff = 0;
            break;
        case OUT_ENDED:
            if (need_list)
                need_list = false;
            backoff = 0;
            break;
        case OUT_ERROR:
            backoff = backoff ? backoff * 2 : WATCH_BACKOFF_MIN_MS;
            if (backoff > WATCH_BACKOFF_MAX_MS)
                backoff = WATCH_BACKOFF_MAX_MS;
            break;
        }
    }
out_stopped:
    return atomic_load(&w->c->closed) ? EN_CLOSED : 0;
}
