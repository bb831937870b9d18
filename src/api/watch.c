/*
 * watch.c -- watch streams: newline-delimited {"type","object"} events in a
 * chunked response, fed by a cache watcher.  The content callback blocks (we
 * run a thread per connection) waiting for events in short slices so it can
 * notice shutdown, timeoutSeconds and clients that went away.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "api/api_int.h"

/* Events a watcher may have pending before it is closed as too slow. */
#define WATCH_MAX_QUEUE 10000
/* Bookmarks, when allowed, at this interval (Kubernetes sends ~1/min). */
#define WATCH_BOOKMARK_MS 60000

typedef struct watch_stream {
    api_server *s;
    cache_watcher *w;        /* NULL when the stream only carries an error */
    const kind_info *kind;
    lsel *ls;                /* owned selectors the watcher filters with */
    fsel *fs;
    bool table;              /* events carry one-row Tables */
    bool bookmarks;          /* allowWatchBookmarks=true */
    int fd;                  /* client socket, for disconnect checks */
    int64_t deadline_ms;     /* monotonic end (timeoutSeconds), 0 = none */
    int64_t last_send_ms;
    bool first_table;        /* next Table event carries column definitions */
    sbuf out;                /* pending bytes */
    size_t off;              /* bytes of out already sent */
    bool done;               /* end the stream after out is drained */
} watch_stream;

static const char *ev_name(enum cache_ev_type t)
{
    switch (t) {
    case CACHE_ADDED:
        return "ADDED";
    case CACHE_MODIFIED:
        return "MODIFIED";
    case CACHE_DELETED:
        return "DELETED";
    case CACHE_BOOKMARK:
        return "BOOKMARK";
    default:
        return "ERROR";
    }
}

static void watch_format(watch_stream *ws, const cache_event *ev)
{
    sbuf_printf(&ws->out, "{\"type\":\"%s\",\"object\":", ev_name(ev->type));
    if (ws->table) {
        cache_obj *o = ev->obj;
        json_t *t = api_table(ws->kind, &o, 1, ev->rev, NULL, true);
        if (!ws->first_table)
            json_object_set_new(t, "columnDefinitions", json_array());
        ws->first_table = false;
        char *txt = json_dump_ordered(t, NULL);
        sbuf_puts(&ws->out, txt);
        free(txt);
        json_decref(t);
    } else {
        sbuf_append(&ws->out, ev->obj->text, ev->obj->len);
    }
    sbuf_puts(&ws->out, "}\n");
}

static void watch_bookmark(watch_stream *ws)
{
    sbuf_printf(&ws->out,
                "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"%s\",\"apiVersion\":\"%s\","
                "\"metadata\":{\"resourceVersion\":\"%lld\",\"creationTimestamp\":null}}}\n",
                ws->kind->kind, types_api_version(ws->kind), (long long)cache_revision(ws->s->c));
}

bool api_client_gone(int fd)
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

static ssize_t watch_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    watch_stream *ws = cls;

    for (;;) {
        if (ws->off < ws->out.len) {
            size_t n = ws->out.len - ws->off;
            if (n > max)
                n = max;
            memcpy(buf, ws->out.buf + ws->off, n);
            ws->off += n;
            if (ws->off == ws->out.len) {
                ws->out.len = 0;
                ws->off = 0;
            }
            return (ssize_t)n;
        }
        if (ws->done || !ws->w || atomic_load(&ws->s->stopping))
            return MHD_CONTENT_READER_END_OF_STREAM;
        cache_event ev;
        int rc = cache_watch_next(ws->w, 500, &ev);
        int64_t now = time_mono_ms();
        if (rc == 0) {
            watch_format(ws, &ev);
            cache_obj_unref(ev.obj);
            /* Batch whatever else is already queued into this chunk. */
            while (ws->out.len < 64 * 1024 && cache_watch_next(ws->w, 0, &ev) == 0) {
                watch_format(ws, &ev);
                cache_obj_unref(ev.obj);
            }
            ws->last_send_ms = now;
            continue;
        }
        if (rc == EN_CLOSED)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (ws->deadline_ms && now >= ws->deadline_ms)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (api_client_gone(ws->fd))
            return MHD_CONTENT_READER_END_WITH_ERROR;
        if (ws->bookmarks && now - ws->last_send_ms >= WATCH_BOOKMARK_MS) {
            watch_bookmark(ws);
            ws->last_send_ms = now;
        }
    }
}

static void watch_free(void *cls)
{
    watch_stream *ws = cls;
    if (ws->w)
        cache_unwatch(ws->s->c, ws->w);
    lsel_free(ws->ls);
    fsel_free(ws->fs);
    sbuf_release(&ws->out);
    free(ws);
}

enum MHD_Result api_watch_start(api_server *s, api_req *rq, api_route *rt, const cache_filter *f,
                                lsel *ls, fsel *fs, bool table)
{
    watch_stream *ws = xcalloc(1, sizeof *ws);
    const char *rvs = api_query(rq, "resourceVersion"), *ts = api_query(rq, "timeoutSeconds");
    const char *bm = api_query(rq, "allowWatchBookmarks");
    const union MHD_ConnectionInfo *ci;
    struct MHD_Response *mr;
    enum MHD_Result ret;
    int64_t from = 0;
    int rc;

    ws->s = s;
    ws->kind = rt->kind;
    ws->ls = ls;
    ws->fs = fs;
    ws->table = table;
    ws->first_table = true;
    ws->bookmarks = bm && strcmp(bm, "true") == 0;
    ws->last_send_ms = time_mono_ms();
    sbuf_init(&ws->out);
    ci = MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    ws->fd = ci ? ci->connect_fd : -1;
    if (ts && *ts) {
        long long t = strtoll(ts, NULL, 10);
        if (t > 0)
            ws->deadline_ms = ws->last_send_ms + t * 1000;
    }
    if (rvs && *rvs) {
        char *end;
        from = strtoll(rvs, &end, 10);
        if (*end || from < 0) {
            api_resp r = {0};
            api_resp_error(&r, 400, "BadRequest", "invalid resource version: %s", rvs);
            mr = MHD_create_response_from_buffer(r.len, r.body, MHD_RESPMEM_MUST_FREE);
            MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
            ret = MHD_queue_response(rq->conn, 400, mr);
            MHD_destroy_response(mr);
            watch_free(ws);
            return ret;
        }
    }
    rc = cache_watch(s->c, f, from, WATCH_MAX_QUEUE, &ws->w);
    if (rc == EN_COMPACTED) {
        /* As Kubernetes: a 200 stream holding one ERROR event, 410 Expired. */
        sbuf_printf(&ws->out,
                    "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                    "\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource "
                    "version: %lld (%lld)\",\"reason\":\"Expired\",\"code\":410}}\n",
                    (long long)from, (long long)cache_revision(s->c));
        ws->w = NULL;
        ws->done = true;
    }
    mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, watch_read, ws,
                                           watch_free);
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(mr, "Cache-Control", "no-cache, private");
    ret = MHD_queue_response(rq->conn, 200, mr);
    MHD_destroy_response(mr);
    return ret;
}
