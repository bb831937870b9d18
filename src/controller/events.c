/*
 * events.c -- the controllers' event recorder: core/v1 Events about the
 * objects they act on, as `kubectl describe` shows them.
 *
 * Like client-go's recorder with its EventCorrelator: an identical event
 * (same object, type, reason and message) within 10 minutes bumps `count`
 * and `lastTimestamp` of the existing Event instead of writing a new one,
 * and a token bucket per object (burst 25, one more every 5 minutes) drops
 * the rest of a flood.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controller/controller_int.h"

#define EV_BURST 25
#define EV_REFILL_SEC 300
#define EV_AGGREGATE_SEC 600
/* Bound on remembered objects/events before the oldest state is dropped. */
#define EV_MAX_TRACKED 20000

struct bucket {
    double tokens;
    int64_t last; /* unix s of the last refill */
};

struct seen {
    char *ns;
    char *name; /* Event name */
    int64_t count;
    int64_t first; /* unix s */
};

struct recorder {
    registry *reg;       /* borrowed */
    char *component;     /* source.component */
    pthread_mutex_t mu;  /* guards the maps */
    hmap buckets;        /* object uid -> struct bucket* */
    hmap seen;           /* uid|type|reason|message -> struct seen* */
};

recorder *recorder_new(registry *reg, const char *component)
{
    recorder *r = xcalloc(1, sizeof *r);
    r->reg = reg;
    r->component = xstrdup(component);
    pthread_mutex_init(&r->mu, NULL);
    hmap_init(&r->buckets);
    hmap_init(&r->seen);
    return r;
}

static void recorder_clear(recorder *r)
{
    size_t pos = 0;
    void *v;
    while (hmap_next(&r->buckets, &pos, NULL, &v))
        free(v);
    pos = 0;
    while (hmap_next(&r->seen, &pos, NULL, &v)) {
        struct seen *s = v;
        free(s->ns);
        free(s->name);
        free(s);
    }
    hmap_release(&r->buckets);
    hmap_release(&r->seen);
}

void recorder_free(recorder *r)
{
    if (!r)
        return;
    recorder_clear(r);
    pthread_mutex_destroy(&r->mu);
    free(r->component);
    free(r);
}

/* Take a token for this object; false when the flood limit is reached. */
static bool recorder_allow(recorder *r, const char *uid, int64_t now)
{
    struct bucket *b = hmap_get(&r->buckets, uid);
    if (!b) {
        if (r->buckets.len >= EV_MAX_TRACKED)
            recorder_clear(r);
        b = xcalloc(1, sizeof *b);
        b->tokens = EV_BURST;
        b->last = now;
        hmap_put(&r->buckets, uid, b);
    }
    b->tokens += (double)(now - b->last) / EV_REFILL_SEC;
    if (b->tokens > EV_BURST)
        b->tokens = EV_BURST;
    b->last = now;
    if (b->tokens < 1)
        return false;
    b->tokens -= 1;
    return true;
}

struct bump {
    const char *ts;
};

static bool bump_count(void *ctx, json_t *ev)
{
    struct bump *b = ctx;
    json_int_t c = json_integer_value(json_object_get(ev, "count"));
    json_object_set_new(ev, "count", json_integer(c + 1));
    json_object_set_new(ev, "lastTimestamp", json_string(b->ts));
    return true;
}

void recorder_event(recorder *r, const char *kind, const char *api_version, const char *ns,
                    const char *name, const char *uid, const char *type, const char *reason,
                    const char *fmt, ...)
{
    const kind_info *ek = types_by_resource("", "v1", "events");
    char msg[1024], ts[32], evname[300], *key;
    int64_t now = time_now_unix();
    const char *evns = ns && *ns ? ns : "default";
    struct seen *s;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    time_format_rfc3339(now, ts, sizeof ts);
    key = xasprintf("%s|%s|%s|%s", uid, type, reason, msg);

    pthread_mutex_lock(&r->mu);
    s = hmap_get(&r->seen, key);
    if (s && now - s->first < EV_AGGREGATE_SEC) {
        char *sns = xstrdup(s->ns), *sname = xstrdup(s->name);
        s->count++;
        pthread_mutex_unlock(&r->mu);
        struct bump b = {ts};
        reg_status st = {0};
        if (reg_mutate(r->reg, ek, sns, sname, NULL, bump_count, &b, &st) == 0) {
            free(sns);
            free(sname);
            free(key);
            return;
        }
        reg_status_release(&st);
        free(sns);
        free(sname);
        pthread_mutex_lock(&r->mu);
    }
    if (!recorder_allow(r, uid, now)) {
        pthread_mutex_unlock(&r->mu);
        free(key);
        return;
    }
    snprintf(evname, sizeof evname, "%.200s.%llx", name,
             (unsigned long long)time_mono_ns() ^ (unsigned long long)(uintptr_t)key);
    if (r->seen.len >= EV_MAX_TRACKED)
        recorder_clear(r);
    s = hmap_get(&r->seen, key);
    if (!s) {
        s = xcalloc(1, sizeof *s);
        hmap_put(&r->seen, key, s);
    } else {
        free(s->ns);
        free(s->name);
    }
    s->ns = xstrdup(evns);
    s->name = xstrdup(evname);
    s->count = 1;
    s->first = now;
    pthread_mutex_unlock(&r->mu);

    json_t *ev = json_pack(
        "{s:s,s:s,s:{s:s,s:s},s:{s:s,s:s,s:s,s:s,s:s},s:s,s:s,s:{s:s},s:s,s:s,s:i,s:s,s:n,"
        "s:s,s:s}",
        "apiVersion", "v1", "kind", "Event", "metadata", "name", evname, "namespace", evns,
        "involvedObject", "kind", kind, "namespace", ns ? ns : "", "name", name, "uid", uid,
        "apiVersion", api_version, "reason", reason, "message", msg, "source", "component",
        r->component, "firstTimestamp", ts, "lastTimestamp", ts, "count", 1, "type", type,
        "eventTime", "reportingComponent", r->component, "reportingInstance", "");
    if (!ns || !*ns)
        json_object_del(json_object_get(ev, "involvedObject"), "namespace");
    json_t *out = NULL;
    reg_status st = {0};
    if (reg_create(r->reg, ek, evns, ev, NULL, &out, &st))
        log_debug("events", "cannot record %s for %s: %s", reason, name, st.message);
    reg_status_release(&st);
    json_decref(out);
    json_decref(ev);
    free(key);
}
