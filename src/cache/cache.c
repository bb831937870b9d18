/*
 * cache.c -- the watch cache (see cache.h for the design).
 *
 * Locking: one rwlock guards the per-kind maps, the uid map, the history
 * ring and the watcher list.  The store's delivery thread takes it for writing
 * once per batch; GET/LIST/watch registration take it for reading (so a new
 * watch sees no gap between its snapshot/replay and live events).  Each
 * watcher has its own mutex/condvar for its queue.  Listeners run on the
 * delivery thread after the lock is dropped, in revision order.
 */
#include "cache/cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"

#define CACHE_MAX_LISTENERS 16

struct cache_watcher {
    cache *c;
    cache_filter f;          /* copy; ns/name point into the strings below */
    char *ns;                /* owned copy of the namespace filter */
    char *name;              /* owned copy of the name filter */
    pthread_mutex_t mu;      /* guards the queue and closed */
    pthread_cond_t cv;       /* signalled on push and close */
    cache_event *q;          /* ring of pending events */
    size_t qcap, qhead, qlen;
    size_t max_queue;        /* live events allowed to be pending */
    bool closed;             /* overflowed or cache shutting down */
    cache_watcher *next;     /* in cache->watchers (guarded by watchers_mu) */
};

/* Objects of one kind, by store key. */
struct cache_kind {
    const kind_info *k;
    hmap objs; /* key -> cache_obj* (one reference held by the map) */
};

struct cache_listener {
    cache_listener_fn fn;
    void *ctx;
};

struct cache {
    store *st;                     /* not owned */
    store_watcher *sw;               /* our subscription to the store */
    pthread_rwlock_t lock;         /* see file comment */
    pthread_mutex_t rev_mu;        /* guards rev for waiters */
    pthread_cond_t rev_cv;         /* broadcast when rev advances */
    int64_t rev;                   /* latest revision applied */
    struct cache_kind *kinds;      /* one per served kind */
    size_t nkinds;
    hmap by_uid;                   /* uid -> cache_obj* (borrowed from kinds) */
    hmap by_owner;                 /* owner uid -> struct objvec* of dependents (borrowed) */
    cache_event *ring;             /* history of recent events */
    size_t ring_cap, ring_head, ring_len;
    int64_t ring_start_rev;        /* every event with rev > this is in the ring */
    size_t ring_bytes;             /* JSON bytes the ring's events refer to */
    pthread_mutex_t watchers_mu;   /* guards the watcher list links */
    cache_watcher *watchers;
    /* Held while listeners run and while the list changes, so that a
     * removed listener is never called after cache_remove_listener. */
    pthread_mutex_t listeners_mu;
    struct cache_listener listeners[CACHE_MAX_LISTENERS];
    size_t nlisteners;
};

/* Owner index bucket: the dependents of one owner uid, by store key
 * (hmap removal is O(1): a DaemonSet may own 10,000 pods). */
struct objvec {
    hmap by_key; /* key -> cache_obj* (borrowed) */
};

/* ---- objects ----------------------------------------------------------- */

cache_obj *cache_obj_ref(cache_obj *o)
{
    if (o)
        atomic_fetch_add(&o->refs, 1);
    return o;
}

void cache_obj_unref(cache_obj *o)
{
    if (!o || atomic_fetch_sub(&o->refs, 1) != 1)
        return;
    free(o->key);
    free(o->ns);
    free(o->name);
    free(o->uid);
    free(o->text);
    json_decref(o->labels);
    json_decref(o->owner_uids);
    for (size_t i = 0; i < o->nfields; i++)
        free((char *)o->fields[i].value);
    free(o->fields);
    free(o);
}

json_t *cache_obj_json(const cache_obj *o)
{
    json_t *j = json_loadb(o->text, o->len, 0, NULL);
    if (!j)
        en_fatal("cache: stored object %s does not parse", o->key);
    return j;
}

/* Join parts with "/" after "/registry" (keys are built on every lookup:
 * plain copies, no printf). */
static char *key_join(const char *const *parts, size_t n, bool trailing_slash)
{
    static const char root[] = "/registry";
    size_t len = sizeof root - 1, at;
    char *s;

    for (size_t i = 0; i < n; i++)
        len += 1 + strlen(parts[i]);
    s = xmalloc(len + (trailing_slash ? 2 : 1));
    memcpy(s, root, sizeof root - 1);
    at = sizeof root - 1;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(parts[i]);
        s[at++] = '/';
        memcpy(s + at, parts[i], l);
        at += l;
    }
    if (trailing_slash)
        s[at++] = '/';
    s[at] = 0;
    return s;
}

char *cache_key(const kind_info *k, const char *ns, const char *name)
{
    const char *g = k->group[0] ? k->group : "core";
    if (k->namespaced) {
        const char *parts[] = {g, k->resource, ns ? ns : "", name};
        return key_join(parts, 4, false);
    }
    const char *parts[] = {g, k->resource, name};
    return key_join(parts, 3, false);
}

char *cache_key_prefix(const kind_info *k, const char *ns)
{
    const char *g = k->group[0] ? k->group : "core";
    if (k->namespaced && ns && *ns)
        return xasprintf("/registry/%s/%s/%s/", g, k->resource, ns);
    return xasprintf("/registry/%s/%s/", g, k->resource);
}

/* Kind of a store key "/registry/<group>/<resource>/..." or NULL. */
static const kind_info *cache_kind_of_key(const char *key)
{
    char group[128], resource[128];
    const char *p = key, *q;

    if (strncmp(p, "/registry/", 10) != 0)
        return NULL;
    p += 10;
    q = strchr(p, '/');
    if (!q || (size_t)(q - p) >= sizeof group)
        return NULL;
    memcpy(group, p, (size_t)(q - p));
    group[q - p] = '\0';
    p = q + 1;
    q = strchr(p, '/');
    if (!q || (size_t)(q - p) >= sizeof resource)
        return NULL;
    memcpy(resource, p, (size_t)(q - p));
    resource[q - p] = '\0';
    return types_by_resource(strcmp(group, "core") == 0 ? "" : group, "v1", resource);
}

void cache_prep_init(cache_prep *p, json_t *obj)
{
    json_object_set_new(json_obj_ensure(obj, "metadata"), "resourceVersion",
                        json_string("\001everynode-rv\001"));
    p->obj = obj;
    p->text = json_dump_compact(obj, &p->len);
}

void cache_prep_release(cache_prep *p)
{
    if (!p)
        return;
    free((char *)p->text);
    p->text = NULL;
}

/* Facts of an object every cache_obj keeps (meta is the object's metadata). */
static void cache_obj_facts(cache_obj *o, const kind_info *k, json_t *j, json_t *meta)
{
    json_t *owners;
    fsel_field fields[TYPES_MAX_FIELDS];
    size_t n;

    o->ns = xstrdup(json_string_value(json_object_get(meta, "namespace")) ?: "");
    o->name = xstrdup(json_string_value(json_object_get(meta, "name")) ?: "");
    o->uid = xstrdup(json_string_value(json_object_get(meta, "uid")) ?: "");
    o->labels = json_object_get(meta, "labels");
    o->labels = json_is_object(o->labels) ? json_deep_copy(o->labels) : NULL;
    o->deleting = json_object_get(meta, "deletionTimestamp") != NULL;
    o->finalizers = json_array_size(json_object_get(meta, "finalizers")) > 0;
    owners = json_object_get(meta, "ownerReferences");
    if (json_is_array(owners) && json_array_size(owners) > 0) {
        size_t i;
        json_t *ref;
        o->owner_uids = json_array();
        json_array_foreach(owners, i, ref)
        {
            const char *u = json_string_value(json_object_get(ref, "uid"));
            if (u)
                json_array_append_new(o->owner_uids, json_string(u));
        }
    }
    n = types_fields(k, j, fields, TYPES_MAX_FIELDS);
    o->nfields = n;
    o->fields = xcalloc(n ? n : 1, sizeof *o->fields);
    for (size_t i = 0; i < n; i++) {
        o->fields[i].name = fields[i].name;
        o->fields[i].value = xstrdup(fields[i].value ? fields[i].value : "");
    }
}

/* Build from a writer's prep: splice the revision into its text. */
static cache_obj *cache_obj_from_prep(const kind_info *k, const char *key, const cache_prep *p,
                                      int64_t rev, int64_t create_rev)
{
    static const char marker[] = "\"" CACHE_RV_MARKER "\"";
    const char *at = strstr(p->text, marker);
    char rv[24];
    cache_obj *o;
    size_t rvl, ml = sizeof marker - 1;

    if (!at)
        return NULL;
    o = xcalloc(1, sizeof *o);
    atomic_init(&o->refs, 1);
    o->kind = k;
    o->key = xstrdup(key);
    o->rev = rev;
    o->create_rev = create_rev;
    rvl = (size_t)snprintf(rv, sizeof rv, "\"%lld\"", (long long)rev);
    o->len = p->len - ml + rvl;
    o->text = xmalloc(o->len + 1);
    memcpy(o->text, p->text, (size_t)(at - p->text));
    memcpy(o->text + (at - p->text), rv, rvl);
    memcpy(o->text + (at - p->text) + rvl, at + ml, p->len - (size_t)(at - p->text) - ml + 1);
    cache_obj_facts(o, k, p->obj, json_object_get(p->obj, "metadata"));
    return o;
}

/* Build an immutable cache object from a stored value, stamping rev. */
static cache_obj *cache_obj_build(const kind_info *k, const char *key, const char *value,
                                  size_t len, int64_t rev, int64_t create_rev)
{
    json_t *j = json_loadb(value, len, 0, NULL), *meta;
    char rv[24];
    cache_obj *o;

    if (!json_is_object(j)) {
        log_error("cache", "dropping unparsable value at %s", key);
        json_decref(j);
        return NULL;
    }
    meta = json_obj_ensure(j, "metadata");
    snprintf(rv, sizeof rv, "%lld", (long long)rev);
    json_object_set_new(meta, "resourceVersion", json_string(rv));

    o = xcalloc(1, sizeof *o);
    atomic_init(&o->refs, 1);
    o->kind = k;
    o->key = xstrdup(key);
    o->rev = rev;
    o->create_rev = create_rev;
    cache_obj_facts(o, k, j, meta);
    o->text = json_dump_compact(j, &o->len);
    json_decref(j);
    return o;
}

/* Maintain the owner index for one object (add or remove). */
static void owner_index(hmap *m, cache_obj *o, bool add)
{
    size_t i;
    json_t *u;
    json_array_foreach(o->owner_uids, i, u)
    {
        const char *uid = json_string_value(u);
        struct objvec *vec = hmap_get(m, uid);
        if (add) {
            if (!vec) {
                vec = xcalloc(1, sizeof *vec);
                hmap_init(&vec->by_key);
                hmap_put(m, uid, vec);
            }
            hmap_put(&vec->by_key, o->key, o);
        } else if (vec && hmap_get(&vec->by_key, o->key) == o) {
            hmap_del(&vec->by_key, o->key);
            if (vec->by_key.len == 0) {
                hmap_del(m, uid);
                hmap_release(&vec->by_key);
                free(vec);
            }
        }
    }
}

/* ---- filters ----------------------------------------------------------- */

bool cache_filter_matches(const cache_filter *f, const cache_obj *o)
{
    if (o->kind != f->kind)
        return false;
    if (f->ns && *f->ns && strcmp(f->ns, o->ns) != 0)
        return false;
    if (f->name && *f->name && strcmp(f->name, o->name) != 0)
        return false;
    if (f->labels && !lsel_matches(f->labels, o->labels))
        return false;
    if (f->fields && !fsel_matches(f->fields, o->fields, o->nfields))
        return false;
    return true;
}

/* ---- open/close -------------------------------------------------------- */

static struct cache_kind *cache_kind_find(cache *c, const kind_info *k)
{
    for (size_t i = 0; i < c->nkinds; i++)
        if (c->kinds[i].k == k)
            return &c->kinds[i];
    return NULL;
}

/* History is bounded by count (ring_cap) and by the bytes of the object
 * versions it keeps alive, so that heavy churn (a 10,000-pod rollout)
 * shortens how far back a watch may resume instead of growing memory. */
#define CACHE_RING_MAX_BYTES ((size_t)48 << 20)

static size_t ev_bytes(const cache_event *e)
{
    return (e->obj ? e->obj->len : 0) + (e->prev ? e->prev->len : 0);
}

static void cache_ring_push(cache *c, enum cache_ev_type type, cache_obj *o, cache_obj *prev)
{
    if (!c->ring_cap) {
        c->ring_start_rev = o->rev; /* no history: only "now" can be resumed */
        return;
    }
    while (c->ring_len &&
           (c->ring_len == c->ring_cap || c->ring_bytes > CACHE_RING_MAX_BYTES)) {
        cache_event *old = &c->ring[c->ring_head];
        c->ring_start_rev = old->rev;
        c->ring_bytes -= ev_bytes(old);
        cache_obj_unref(old->obj);
        cache_obj_unref(old->prev);
        c->ring_head = (c->ring_head + 1) % c->ring_cap;
        c->ring_len--;
    }
    cache_event *e = &c->ring[(c->ring_head + c->ring_len) % c->ring_cap];
    e->type = type;
    e->obj = cache_obj_ref(o);
    e->prev = cache_obj_ref(prev);
    e->rev = o->rev;
    c->ring_bytes += ev_bytes(e);
    c->ring_len++;
}

/*
 * Decide what a watcher with filter f sees for a change: the event type, or
 * -1 for nothing.  Objects moving into the selection appear as ADDED, moving
 * out as DELETED, as in Kubernetes' cacher.
 */
static int cache_event_for(const cache_filter *f, enum cache_ev_type type, const cache_obj *obj,
                           const cache_obj *prev)
{
    bool cur = cache_filter_matches(f, obj);
    bool old = prev && cache_filter_matches(f, prev);

    switch (type) {
    case CACHE_ADDED:
        return cur ? CACHE_ADDED : -1;
    case CACHE_DELETED:
        return (cur || old) ? CACHE_DELETED : -1;
    case CACHE_MODIFIED:
        if (cur && old)
            return CACHE_MODIFIED;
        if (cur)
            return CACHE_ADDED;
        if (old)
            return CACHE_DELETED;
        return -1;
    default:
        return -1;
    }
}

/* Push to a watcher's queue; closes it on overflow (unless initial).  Takes
 * a new reference to obj.  Caller holds w->mu. */
static void cache_watcher_push_locked(cache_watcher *w, int type, cache_obj *obj, bool initial)
{
    if (w->closed)
        return;
    if (!initial && w->qlen >= w->max_queue) {
        /* Too slow: drop everything and close; the client re-lists. */
        while (w->qlen) {
            cache_obj_unref(w->q[w->qhead].obj);
            w->qhead = (w->qhead + 1) % w->qcap;
            w->qlen--;
        }
        w->closed = true;
        log_warn("cache", "closing watch on %s: client fell behind by %zu events",
                 w->f.kind->resource, w->max_queue);
        pthread_cond_broadcast(&w->cv);
        return;
    }
    if (w->qlen == w->qcap) {
        size_t ncap = w->qcap ? w->qcap * 2 : 64;
        cache_event *nq = xcalloc(ncap, sizeof *nq);
        for (size_t i = 0; i < w->qlen; i++)
            nq[i] = w->q[(w->qhead + i) % w->qcap];
        free(w->q);
        w->q = nq;
        w->qcap = ncap;
        w->qhead = 0;
    }
    cache_event *e = &w->q[(w->qhead + w->qlen) % w->qcap];
    e->type = (enum cache_ev_type)type;
    e->obj = cache_obj_ref(obj);
    e->rev = obj->rev;
    w->qlen++;
    pthread_cond_signal(&w->cv);
}

struct cache_applied {
    enum cache_ev_type type;
    cache_obj *obj;  /* reference */
    cache_obj *prev; /* reference or NULL */
    json_t *tree;    /* the writer's parsed object (borrowed) or NULL */
};

/* Store watch callback: runs on the store's delivery thread for every batch. */
static void cache_on_store_events(void *ctx, const store_event *evs, size_t n)
{
    cache *c = ctx;
    struct cache_applied *applied = xcalloc(n, sizeof *applied);
    size_t na = 0;

    pthread_rwlock_wrlock(&c->lock);
    for (size_t i = 0; i < n; i++) {
        const store_event *ev = &evs[i];
        const kind_info *k = cache_kind_of_key(ev->key);
        struct cache_kind *ck = k ? cache_kind_find(c, k) : NULL;
        cache_obj *o, *prev;
        enum cache_ev_type type;

        if (ev->rev > c->rev)
            c->rev = ev->rev;
        if (!ck)
            continue;
        const cache_prep *prep = ev->aux;
        o = prep ? cache_obj_from_prep(k, ev->key, prep, ev->rev, ev->create_rev) : NULL;
        if (!o)
            o = cache_obj_build(k, ev->key, ev->value, ev->len, ev->rev, ev->create_rev);
        if (!o)
            continue;
        if (ev->type == STORE_EV_DELETE) {
            prev = hmap_del(&ck->objs, ev->key);
            if (prev && prev->uid[0] && hmap_get(&c->by_uid, prev->uid) == prev)
                hmap_del(&c->by_uid, prev->uid);
            type = CACHE_DELETED;
        } else {
            prev = hmap_put(&ck->objs, ev->key, cache_obj_ref(o));
            if (prev && prev->uid[0] && hmap_get(&c->by_uid, prev->uid) == prev)
                hmap_del(&c->by_uid, prev->uid);
            if (o->uid[0])
                hmap_put(&c->by_uid, o->uid, o);
            owner_index(&c->by_owner, o, true);
            type = prev ? CACHE_MODIFIED : CACHE_ADDED;
        }
        if (prev)
            owner_index(&c->by_owner, prev, false);
        cache_ring_push(c, type, o, prev);
        pthread_mutex_lock(&c->watchers_mu);
        for (cache_watcher *w = c->watchers; w; w = w->next) {
            if (w->f.kind != k)
                continue;
            int t = cache_event_for(&w->f, type, o, prev);
            if (t < 0)
                continue;
            pthread_mutex_lock(&w->mu);
            cache_watcher_push_locked(w, t, o, false);
            pthread_mutex_unlock(&w->mu);
        }
        pthread_mutex_unlock(&c->watchers_mu);
        applied[na].type = type;
        applied[na].obj = o; /* our build reference moves here */
        applied[na].prev = prev; /* the map's old reference moves here */
        applied[na].tree = prep ? prep->obj : NULL;
        na++;
    }
    pthread_rwlock_unlock(&c->lock);

    pthread_mutex_lock(&c->rev_mu);
    pthread_cond_broadcast(&c->rev_cv);
    pthread_mutex_unlock(&c->rev_mu);

    pthread_mutex_lock(&c->listeners_mu);
    for (size_t i = 0; i < na; i++) {
        for (size_t l = 0; l < c->nlisteners; l++)
            c->listeners[l].fn(c->listeners[l].ctx, applied[i].type, applied[i].obj,
                               applied[i].prev, applied[i].tree);
    }
    pthread_mutex_unlock(&c->listeners_mu);
    for (size_t i = 0; i < na; i++) {
        cache_obj_unref(applied[i].obj);
        cache_obj_unref(applied[i].prev);
    }
    free(applied);
}

int cache_open(store *st, size_t history, cache **out)
{
    cache *c = xcalloc(1, sizeof *c);
    const kind_info *kinds;
    store_kv *kvs = NULL;
    size_t nk, nkv = 0;
    int64_t rev = 0;
    int rc;

    c->st = st;
    pthread_rwlock_init(&c->lock, NULL);
    pthread_mutex_init(&c->rev_mu, NULL);
    pthread_cond_init(&c->rev_cv, NULL);
    pthread_mutex_init(&c->watchers_mu, NULL);
    pthread_mutex_init(&c->listeners_mu, NULL);
    hmap_init(&c->by_uid);
    hmap_init(&c->by_owner);
    kinds = types_all(&nk);
    c->kinds = xcalloc(nk, sizeof *c->kinds);
    c->nkinds = nk;
    for (size_t i = 0; i < nk; i++) {
        c->kinds[i].k = &kinds[i];
        hmap_init(&c->kinds[i].objs);
    }
    c->ring_cap = history;
    c->ring = xcalloc(history ? history : 1, sizeof *c->ring);

    rc = store_list(st, "/registry/", &kvs, &nkv, &rev);
    if (rc)
        goto out_free_cache;
    for (size_t i = 0; i < nkv; i++) {
        const kind_info *k = cache_kind_of_key(kvs[i].key);
        struct cache_kind *ck = k ? cache_kind_find(c, k) : NULL;
        if (!ck)
            continue;
        cache_obj *o = cache_obj_build(k, kvs[i].key, kvs[i].value, kvs[i].len, kvs[i].mod_rev,
                                       kvs[i].create_rev);
        if (!o)
            continue;
        hmap_put(&ck->objs, o->key, o);
        if (o->uid[0])
            hmap_put(&c->by_uid, o->uid, o);
        owner_index(&c->by_owner, o, true);
    }
    store_kv_array_free(kvs, nkv);
    c->rev = rev;
    c->ring_start_rev = rev;
    rc = store_watch(st, rev, cache_on_store_events, c, &c->sw);
    if (rc)
        goto out_free_cache;
    log_info("cache", "loaded %zu objects at revision %lld", nkv, (long long)rev);
    *out = c;
    return 0;

out_free_cache:
    cache_close(c);
    return rc;
}

void cache_close(cache *c)
{
    if (!c)
        return;
    if (c->sw)
        store_unwatch(c->st, c->sw);
    pthread_mutex_lock(&c->watchers_mu);
    for (cache_watcher *w = c->watchers; w; w = w->next) {
        pthread_mutex_lock(&w->mu);
        w->closed = true;
        pthread_cond_broadcast(&w->cv);
        pthread_mutex_unlock(&w->mu);
    }
    pthread_mutex_unlock(&c->watchers_mu);
    for (size_t i = 0; i < c->nkinds; i++) {
        size_t pos = 0;
        void *v;
        while (hmap_next(&c->kinds[i].objs, &pos, NULL, &v))
            cache_obj_unref(v);
        hmap_release(&c->kinds[i].objs);
    }
    free(c->kinds);
    hmap_release(&c->by_uid);
    {
        size_t pos = 0;
        void *v;
        while (hmap_next(&c->by_owner, &pos, NULL, &v)) {
            hmap_release(&((struct objvec *)v)->by_key);
            free(v);
        }
        hmap_release(&c->by_owner);
    }
    for (size_t i = 0; i < c->ring_len; i++) {
        cache_obj_unref(c->ring[(c->ring_head + i) % c->ring_cap].obj);
        cache_obj_unref(c->ring[(c->ring_head + i) % c->ring_cap].prev);
    }
    free(c->ring);
    pthread_rwlock_destroy(&c->lock);
    pthread_mutex_destroy(&c->rev_mu);
    pthread_cond_destroy(&c->rev_cv);
    pthread_mutex_destroy(&c->watchers_mu);
    pthread_mutex_destroy(&c->listeners_mu);
    free(c);
}

void cache_add_listener(cache *c, cache_listener_fn fn, void *ctx)
{
    pthread_mutex_lock(&c->listeners_mu);
    if (c->nlisteners >= CACHE_MAX_LISTENERS)
        en_fatal("cache: too many listeners");
    c->listeners[c->nlisteners].fn = fn;
    c->listeners[c->nlisteners].ctx = ctx;
    c->nlisteners++;
    pthread_mutex_unlock(&c->listeners_mu);
}

void cache_remove_listener(cache *c, cache_listener_fn fn, void *ctx)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->listeners_mu);
    for (size_t l = 0; l < c->nlisteners; l++) {
        if (c->listeners[l].fn == fn && c->listeners[l].ctx == ctx) {
            memmove(&c->listeners[l], &c->listeners[l + 1],
                    (c->nlisteners - l - 1) * sizeof c->listeners[0]);
            c->nlisteners--;
            break;
        }
    }
    pthread_mutex_unlock(&c->listeners_mu);
}

int64_t cache_revision(cache *c)
{
    int64_t r;
    pthread_rwlock_rdlock(&c->lock);
    r = c->rev;
    pthread_rwlock_unlock(&c->lock);
    return r;
}

bool cache_wait_rev(cache *c, int64_t rev, int timeout_ms)
{
    struct timespec ts;
    bool ok;

    ts = time_deadline_in_ms(timeout_ms);
    pthread_mutex_lock(&c->rev_mu);
    while (!(ok = cache_revision(c) >= rev))
        if (pthread_cond_timedwait(&c->rev_cv, &c->rev_mu, &ts) != 0)
            break;
    ok = cache_revision(c) >= rev;
    pthread_mutex_unlock(&c->rev_mu);
    return ok;
}

/* ---- reads ------------------------------------------------------------- */

cache_obj *cache_get(cache *c, const kind_info *k, const char *ns, const char *name)
{
    char *key = cache_key(k, ns, name);
    struct cache_kind *ck;
    cache_obj *o = NULL;

    pthread_rwlock_rdlock(&c->lock);
    ck = cache_kind_find(c, k);
    if (ck)
        o = cache_obj_ref(hmap_get(&ck->objs, key));
    pthread_rwlock_unlock(&c->lock);
    free(key);
    return o;
}

cache_obj *cache_get_by_uid(cache *c, const char *uid)
{
    cache_obj *o;
    pthread_rwlock_rdlock(&c->lock);
    o = cache_obj_ref(hmap_get(&c->by_uid, uid));
    pthread_rwlock_unlock(&c->lock);
    return o;
}

static int cache_obj_cmp(const void *a, const void *b)
{
    const cache_obj *x = *(cache_obj *const *)a, *y = *(cache_obj *const *)b;
    return strcmp(x->key, y->key);
}

void cache_list_free(cache_obj **objs, size_t n)
{
    if (!objs)
        return;
    for (size_t i = 0; i < n; i++)
        cache_obj_unref(objs[i]);
    free(objs);
}

int cache_list(cache *c, const cache_filter *f, const char *after_key, size_t limit,
               cache_obj ***out, size_t *n, int64_t *rev, bool *more)
{
    struct cache_kind *ck;
    cache_obj **all = NULL, **res;
    size_t cnt = 0, cap = 0, pos = 0, start = 0, take;
    void *v;

    pthread_rwlock_rdlock(&c->lock);
    ck = cache_kind_find(c, f->kind);
    *rev = c->rev;
    if (ck) {
        while (hmap_next(&ck->objs, &pos, NULL, &v)) {
            cache_obj *o = v;
            if (!cache_filter_matches(f, o))
                continue;
            if (cnt == cap) {
                cap = cap ? cap * 2 : 64;
                all = xrealloc(all, cap * sizeof *all);
            }
            all[cnt++] = cache_obj_ref(o);
        }
    }
    pthread_rwlock_unlock(&c->lock);

    if (cnt > 1)
        qsort(all, cnt, sizeof *all, cache_obj_cmp);
    if (after_key)
        while (start < cnt && strcmp(all[start]->key, after_key) <= 0)
            start++;
    take = cnt - start;
    if (limit && take > limit)
        take = limit;
    res = xcalloc(take ? take : 1, sizeof *res);
    for (size_t i = 0; i < cnt; i++) {
        if (i >= start && i < start + take)
            res[i - start] = all[i];
        else
            cache_obj_unref(all[i]);
    }
    free(all);
    if (more)
        *more = start + take < cnt;
    *out = res;
    *n = take;
    return 0;
}

int cache_dependents(cache *c, const char *uid, cache_obj ***out, size_t *n)
{
    cache_obj **res = NULL;
    size_t cnt = 0;

    pthread_rwlock_rdlock(&c->lock);
    struct objvec *vec = hmap_get(&c->by_owner, uid);
    if (vec && vec->by_key.len) {
        size_t pos = 0;
        void *v;
        res = xcalloc(vec->by_key.len, sizeof *res);
        while (hmap_next(&vec->by_key, &pos, NULL, &v))
            res[cnt++] = cache_obj_ref(v);
    }
    pthread_rwlock_unlock(&c->lock);
    *out = res;
    *n = cnt;
    return 0;
}

/* ---- watch ------------------------------------------------------------- */

int cache_watch(cache *c, const cache_filter *f, int64_t from_rev, size_t max_queue,
                cache_watcher **out)
{
    cache_watcher *w = xcalloc(1, sizeof *w);
    struct cache_kind *ck;
    int rc = 0;

    w->c = c;
    w->f = *f;
    w->ns = f->ns ? xstrdup(f->ns) : NULL;
    w->name = f->name ? xstrdup(f->name) : NULL;
    w->f.ns = w->ns;
    w->f.name = w->name;
    w->max_queue = max_queue ? max_queue : 1000;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);

    pthread_rwlock_rdlock(&c->lock);
    ck = cache_kind_find(c, f->kind);
    pthread_mutex_lock(&w->mu);
    if (from_rev == 0) {
        size_t pos = 0;
        void *v;
        while (ck && hmap_next(&ck->objs, &pos, NULL, &v))
            if (cache_filter_matches(&w->f, v))
                cache_watcher_push_locked(w, CACHE_ADDED, v, true);
    } else if (from_rev < c->ring_start_rev) {
        rc = EN_COMPACTED;
    } else {
        for (size_t i = 0; i < c->ring_len; i++) {
            cache_event *e = &c->ring[(c->ring_head + i) % c->ring_cap];
            if (e->rev <= from_rev || e->obj->kind != f->kind)
                continue;
            /* History keeps each change's previous version, so a replay
             * sees the same ADDED/DELETED transitions a live watch saw. */
            int t = cache_event_for(&w->f, e->type, e->obj, e->prev);
            if (t >= 0)
                cache_watcher_push_locked(w, t, e->obj, true);
        }
    }
    /* The initial burst does not count against the live-event limit: a
     * client reading a large initial list must not be closed by the first
     * change that arrives meanwhile. */
    w->max_queue += w->qlen;
    pthread_mutex_unlock(&w->mu);
    if (rc == 0) {
        pthread_mutex_lock(&c->watchers_mu);
        w->next = c->watchers;
        c->watchers = w;
        pthread_mutex_unlock(&c->watchers_mu);
    }
    pthread_rwlock_unlock(&c->lock);
    if (rc) {
        w->c = NULL;
        cache_unwatch(c, w);
        return rc;
    }
    *out = w;
    return 0;
}

int cache_watch_next(cache_watcher *w, int timeout_ms, cache_event *ev)
{
    struct timespec ts;
    int rc = 0;

    ts = time_deadline_in_ms(timeout_ms);
    pthread_mutex_lock(&w->mu);
    while (w->qlen == 0 && !w->closed)
        if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) != 0)
            break;
    if (w->qlen > 0) {
        *ev = w->q[w->qhead];
        w->qhead = (w->qhead + 1) % w->qcap;
        w->qlen--;
    } else {
        rc = w->closed ? EN_CLOSED : EN_TIMEOUT;
    }
    pthread_mutex_unlock(&w->mu);
    return rc;
}

void cache_unwatch(cache *c, cache_watcher *w)
{
    if (!w)
        return;
    if (w->c) {
        pthread_mutex_lock(&c->watchers_mu);
        for (cache_watcher **pp = &c->watchers; *pp; pp = &(*pp)->next) {
            if (*pp == w) {
                *pp = w->next;
                break;
            }
        }
        pthread_mutex_unlock(&c->watchers_mu);
    }
    while (w->qlen) {
        cache_obj_unref(w->q[w->qhead].obj);
        w->qhead = (w->qhead + 1) % w->qcap;
        w->qlen--;
    }
    free(w->q);
    free(w->ns);
    free(w->name);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}
