/*
 * cache.h -- the in-memory watch cache in front of the store.
 *
 * Holds the current state of every object (loaded from the store at start,
 * then fed by the store's watch) and a bounded ring of recent changes, and
 * serves GET, LIST and WATCH without touching SQLite, as the Kubernetes API
 * server's cacher does.  Because the store calls its watchers before it
 * releases the writers of a batch, the cache already reflects every write
 * that has been acknowledged: read-your-writes holds.
 *
 * Objects are kept as compact JSON text with metadata.resourceVersion
 * stamped in (the store's values carry no resourceVersion), plus the few
 * parsed facts selectors need.  A cache_obj is immutable and reference
 * counted: readers take a reference and may use it without locks.
 *
 * Watchers have a bounded queue; one that falls behind by more than its
 * limit is closed (the client re-lists), so a slow client cannot make the
 * server grow without bound.
 */
#ifndef EVERYNODE_CACHE_H
#define EVERYNODE_CACHE_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "selector/selector.h"
#include "store/store.h"
#include "types/types.h"

typedef struct cache cache;
typedef struct cache_watcher cache_watcher;

/* One version of one object.  Immutable after creation; free by dropping the
 * last reference with cache_obj_unref. */
typedef struct cache_obj {
    atomic_int refs;
    const kind_info *kind; /* never NULL */
    char *key;             /* store key */
    char *ns;              /* namespace ("" for cluster-scoped) */
    char *name;
    char *uid;
    int64_t rev;           /* resourceVersion (mod revision) */
    int64_t create_rev;
    char *text;            /* compact JSON with resourceVersion */
    size_t len;
    json_t *labels;        /* metadata.labels (own reference) or NULL */
    json_t *owner_uids;    /* array of ownerReferences[].uid, or NULL */
    bool deleting;         /* metadata.deletionTimestamp is set */
    bool finalizers;       /* metadata.finalizers is non-empty */
    size_t nfields;        /* field-selector values */
    fsel_field *fields;    /* names static, values owned by this object */
} cache_obj;

cache_obj *cache_obj_ref(cache_obj *o);
void cache_obj_unref(cache_obj *o);
/* Parse the object's JSON; new reference, never NULL for a valid object. */
json_t *cache_obj_json(const cache_obj *o);

/*
 * Work a writer has already done, passed through the store as store_op.aux
 * so that the store's delivery thread (which runs every cache update and
 * listener, serially) does not parse and re-serialise the object again.
 * text is the object's compact JSON with metadata.resourceVersion set to
 * CACHE_RV_MARKER, which the cache replaces with the revision.  Everything
 * is borrowed for the duration of store_apply().
 */
#define CACHE_RV_MARKER "\\u0001everynode-rv\\u0001"
typedef struct cache_prep {
    json_t *obj;      /* the object as written (its resourceVersion is the marker) */
    const char *text; /* json_dump_compact(obj) */
    size_t len;
} cache_prep;

/* Fill a prep for obj (sets obj's metadata.resourceVersion to the marker);
 * release with cache_prep_release. */
void cache_prep_init(cache_prep *p, json_t *obj);
void cache_prep_release(cache_prep *p);

/* Store key for an object: "/registry/<group|core>/<resource>/<ns>/<name>"
 * (no <ns>/ for cluster-scoped).  Caller frees. */
char *cache_key(const kind_info *k, const char *ns, const char *name);
/* Prefix of all keys of a kind, optionally within one namespace. Caller frees. */
char *cache_key_prefix(const kind_info *k, const char *ns);

/*
 * Create the cache over an open store: loads every object, then watches the
 * store from the loaded revision.  history = number of recent events kept
 * for watches that resume from an older resourceVersion.
 */
int cache_open(store *st, size_t history, cache **out);
void cache_close(cache *c);

/* Latest revision the cache reflects. */
int64_t cache_revision(cache *c);

/* Current object or NULL (new reference). */
cache_obj *cache_get(cache *c, const kind_info *k, const char *ns, const char *name);
/* Wait up to timeout_ms until the cache has seen revision rev (true if so). */
bool cache_wait_rev(cache *c, int64_t rev, int timeout_ms);

/* Selection used by LIST and WATCH.  Borrowed pointers, all may be NULL. */
typedef struct cache_filter {
    const kind_info *kind; /* required */
    const char *ns;        /* NULL or "" = all namespaces */
    const char *name;      /* exact name only (single-object watch) */
    const lsel *labels;
    const fsel *fields;
} cache_filter;

bool cache_filter_matches(const cache_filter *f, const cache_obj *o);

/*
 * Snapshot of matching objects sorted by key, starting strictly after
 * `after_key` (NULL = from the start), at most `limit` (0 = all).  *out is a
 * new array of new references (free with cache_list_free); *rev the
 * revision of the snapshot; *more is set when items remain after the last.
 */
int cache_list(cache *c, const cache_filter *f, const char *after_key, size_t limit,
               cache_obj ***out, size_t *n, int64_t *rev, bool *more);
void cache_list_free(cache_obj **objs, size_t n);
/* All current objects of a kind (any namespace) whose ownerReferences name
 * uid; new references, free with cache_list_free. */
int cache_dependents(cache *c, const char *uid, cache_obj ***out, size_t *n);
/* Current object with this uid, or NULL (new reference). */
cache_obj *cache_get_by_uid(cache *c, const char *uid);

/* ---- watch ------------------------------------------------------------- */

enum cache_ev_type { CACHE_ADDED, CACHE_MODIFIED, CACHE_DELETED, CACHE_BOOKMARK, CACHE_ERROR };

typedef struct cache_event {
    enum cache_ev_type type;
    cache_obj *obj; /* reference owned by the event; NULL for ERROR/BOOKMARK */
    cache_obj *prev; /* history only: the version before this change (owned) or NULL */
    int64_t rev;    /* for BOOKMARK: the revision reached */
} cache_event;

/*
 * Start a watch.  from_rev 0 means "now, starting with synthetic ADDED
 * events for every matching object" (Kubernetes' semantics for an empty or
 * "0" resourceVersion); otherwise events with revision > from_rev are
 * replayed from history, EN_COMPACTED (→ 410 Gone) if history no longer
 * reaches back that far.  The filter is copied (selectors must outlive the
 * watcher).  max_queue bounds pending events.
 */
int cache_watch(cache *c, const cache_filter *f, int64_t from_rev, size_t max_queue,
                cache_watcher **out);
/*
 * Wait up to timeout_ms for the next event.  Returns 0 with *ev filled (the
 * caller releases ev->obj), EN_TIMEOUT when nothing arrived, EN_CLOSED when
 * the watcher was closed (overflow or cache shutdown).
 */
int cache_watch_next(cache_watcher *w, int timeout_ms, cache_event *ev);
void cache_unwatch(cache *c, cache_watcher *w);

/*
 * In-process subscription for controllers: fn is called for every change
 * (after the cache applied it) on the store's delivery thread, with the new
 * object (or the last state for DELETED) and the previous one (NULL on
 * ADDED).  tree, when not NULL, is the writer's parsed copy of obj
 * (borrowed, read-only: saves listeners a parse).  Must be quick (enqueue
 * work), must not write to the store.
 */
typedef void (*cache_listener_fn)(void *ctx, enum cache_ev_type type, cache_obj *obj,
                                  cache_obj *prev, json_t *tree);
void cache_add_listener(cache *c, cache_listener_fn fn, void *ctx);
/* Unsubscribe fn/ctx (added before): when this returns, no call of it is
 * running and none will start, so ctx may be freed.  Call it before
 * freeing what ctx points to; never from a listener. */
void cache_remove_listener(cache *c, cache_listener_fn fn, void *ctx);

#endif /* EVERYNODE_CACHE_H */
