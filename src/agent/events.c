/*
 * events.c -- the agent's Events (agent_int.h), as kubelet records them
 * for `kubectl describe pod`: Pulling, Pulled, Created, Started, Killing,
 * BackOff, Unhealthy, Failed, FailedMount.
 *
 * Recording never blocks a pod worker: events go into a bounded queue
 * (the newest are dropped when it is full) and one sender thread posts
 * them.  Like client-go's event correlator, a repeat of the same event
 * (same object, field, reason and message) within ten minutes updates the
 * existing Event's count and lastTimestamp instead of creating another,
 * so a crash-looping container or a failing probe makes one Event, not
 * hundreds.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/agent_int.h"

/* Events waiting to be sent, at most. */
#define EVENTS_QUEUE_MAX 512
/* Repeats within this window update the same Event. */
#define EVENTS_CORRELATE_S 600
/* Events remembered for correlation, at most (then forgotten at once). */
#define EVENTS_MEMORY_MAX 2048

typedef struct event_item {
    struct event_item *next; /* queue link */
    char *ns, *pod, *uid;    /* owned: the involved pod */
    char *field_path;        /* owned or NULL: "spec.containers{c}" */
    const char *type;        /* static: Normal / Warning */
    char *reason;            /* owned */
    char *message;           /* owned */
    int64_t at;              /* unix seconds */
} event_item;

/* A sent Event, for correlation. */
typedef struct event_seen {
    char *name;      /* owned: the Event's name */
    int count;       /* count sent */
    char first[32];  /* firstTimestamp */
    int64_t last_at; /* unix seconds of the last occurrence */
} event_seen;

struct agent_events {
    client *cl;             /* borrowed */
    char *node;             /* owned: source.host and reportingInstance */
    pthread_mutex_t mu;     /* guards the queue and stop */
    pthread_cond_t cv;      /* an item was queued, or stopping */
    event_item *head, *tail;
    size_t len;
    long dropped;           /* items dropped because the queue was full */
    bool stop;
    pthread_t thread;
    hmap seen;              /* correlation key -> event_seen*; sender thread only */
};

static void item_free(event_item *it)
{
    if (!it)
        return;
    free(it->ns);
    free(it->pod);
    free(it->uid);
    free(it->field_path);
    free(it->reason);
    free(it->message);
    free(it);
}

static void seen_clear(agent_events *ev)
{
    size_t pos = 0;
    const char *k;
    void *v;
    while (hmap_next(&ev->seen, &pos, &k, &v)) {
        event_seen *s = v;
        free(s->name);
        free(s);
    }
    hmap_release(&ev->seen);
    hmap_init(&ev->seen);
}

static json_t *event_object(agent_events *ev, const event_item *it, const char *name,
                            const char *ts)
{
    json_t *io = json_pack("{s:s,s:s,s:s,s:s,s:s}", "kind", "Pod", "namespace", it->ns, "name",
                           it->pod, "uid", it->uid, "apiVersion", "v1");
    if (it->field_path)
        json_object_set_new(io, "fieldPath", json_string(it->field_path));
    return json_pack("{s:s,s:s,s:{s:s,s:s},s:o,s:s,s:s,s:{s:s,s:s},s:s,s:s,s:i,s:s,s:s,s:s}",
                     "apiVersion", "v1", "kind", "Event", "metadata", "name", name, "namespace",
                     it->ns, "involvedObject", io, "reason", it->reason, "message", it->message,
                     "source", "component", "kubelet", "host", ev->node, "firstTimestamp", ts,
                     "lastTimestamp", ts, "count", 1, "type", it->type, "reportingComponent",
                     "kubelet", "reportingInstance", ev->node);
}

/* Post one event: a new Event, or one more count of a recent one. */
static void send_one(agent_events *ev, const event_item *it)
{
    char *key = xasprintf("%s|%s|%s|%s", it->uid, it->field_path ? it->field_path : "",
                          it->reason, it->message);
    event_seen *s = hmap_get(&ev->seen, key);
    client_resp resp = {0};
    char ts[32], suffix[20];
    int rc;

    time_format_rfc3339(it->at, ts, sizeof ts);
    if (s && it->at - s->last_at <= EVENTS_CORRELATE_S) {
        json_t *patch = json_pack("{s:i,s:s}", "count", s->count + 1, "lastTimestamp", ts);
        rc = client_patch(ev->cl, &client_res_events, it->ns, s->name, NULL, CLIENT_PATCH_MERGE,
                          patch, &resp);
        json_decref(patch);
        client_resp_release(&resp);
        if (rc == 0) {
            s->count++;
            s->last_at = it->at;
            free(key);
            return;
        }
        /* Gone (or refused): start a new one. */
    }
    if (!s) {
        if (ev->seen.len >= EVENTS_MEMORY_MAX)
            seen_clear(ev);
        s = xcalloc(1, sizeof *s);
        hmap_put(&ev->seen, key, s);
    }
    /* Kubernetes names Events <object>.<hex of the time>; random is as unique. */
    uid_random_suffix(suffix, 16);
    free(s->name);
    s->name = xasprintf("%s.%s", it->pod, suffix);
    s->count = 1;
    s->last_at = it->at;
    snprintf(s->first, sizeof s->first, "%s", ts);
    {
        json_t *obj = event_object(ev, it, s->name, ts);
        rc = client_create(ev->cl, &client_res_events, it->ns, obj, &resp);
        json_decref(obj);
    }
    if (rc && rc != EN_CLOSED)
        log_debug("agent", "posting event %s for pod=%s/%s failed: %s", it->reason, it->ns,
                  it->pod, client_resp_message(&resp));
    client_resp_release(&resp);
    free(key);
}

static void *sender_main(void *arg)
{
    agent_events *ev = arg;

    agent__thread_lean();
    pthread_mutex_lock(&ev->mu);
    while (!ev->stop) {
        event_item *it = ev->head;
        if (!it) {
            pthread_cond_wait(&ev->cv, &ev->mu);
            continue;
        }
        ev->head = it->next;
        if (!ev->head)
            ev->tail = NULL;
        ev->len--;
        pthread_mutex_unlock(&ev->mu);
        send_one(ev, it);
        item_free(it);
        pthread_mutex_lock(&ev->mu);
    }
    pthread_mutex_unlock(&ev->mu);
    return NULL;
}

agent_events *agent__events_start(client *cl, const char *node)
{
    agent_events *ev = xcalloc(1, sizeof *ev);
    pthread_attr_t attr;

    ev->cl = cl;
    ev->node = xstrdup(node);
    pthread_mutex_init(&ev->mu, NULL);
    pthread_cond_init(&ev->cv, NULL);
    hmap_init(&ev->seen);
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, (size_t)256 * 1024);
    if (pthread_create(&ev->thread, &attr, sender_main, ev) != 0)
        en_fatal("agent: cannot create the event thread");
    pthread_attr_destroy(&attr);
    return ev;
}

void agent__events_stop(agent_events *ev)
{
    event_item *it;

    if (!ev)
        return;
    pthread_mutex_lock(&ev->mu);
    ev->stop = true;
    pthread_cond_broadcast(&ev->cv);
    pthread_mutex_unlock(&ev->mu);
    pthread_join(ev->thread, NULL);
    while ((it = ev->head) != NULL) {
        ev->head = it->next;
        item_free(it);
    }
    if (ev->dropped)
        log_warn("agent", "dropped events=%ld (queue full)", ev->dropped);
    seen_clear(ev);
    hmap_release(&ev->seen);
    pthread_mutex_destroy(&ev->mu);
    pthread_cond_destroy(&ev->cv);
    free(ev->node);
    free(ev);
}

void agent__event(agent_events *ev, const agent_pod *p, const agent_ctr *c, bool warning,
                  const char *reason, const char *fmt, ...)
{
    event_item *it;
    va_list ap;
    sbuf sb;

    if (!ev)
        return;
    it = xcalloc(1, sizeof *it);
    it->ns = xstrdup(p->ns);
    it->pod = xstrdup(p->name);
    it->uid = xstrdup(p->uid);
    if (c)
        it->field_path = xasprintf("spec.%s{%s}", c->init ? "initContainers" : "containers",
                                   c->name);
    it->type = warning ? "Warning" : "Normal";
    it->reason = xstrdup(reason);
    sbuf_init(&sb);
    va_start(ap, fmt);
    sbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    /* Kubernetes caps event messages at 1 KiB (cut on a character). */
    if (sb.len > 1024) {
        size_t cut = 1024;
        while (cut > 0 && ((unsigned char)sb.buf[cut] & 0xC0) == 0x80)
            cut--;
        sb.buf[cut] = '\0';
    }
    it->message = sbuf_detach(&sb, NULL);
    it->at = time_now_unix();
    pthread_mutex_lock(&ev->mu);
    if (ev->len >= EVENTS_QUEUE_MAX || ev->stop) {
        ev->dropped++;
        pthread_mutex_unlock(&ev->mu);
        item_free(it);
        return;
    }
    if (ev->tail)
        ev->tail->next = it;
    else
        ev->head = it;
    ev->tail = it;
    ev->len++;
    pthread_cond_signal(&ev->cv);
    pthread_mutex_unlock(&ev->mu);
}
