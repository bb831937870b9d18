/*
 * store.h -- the durable key/value store under everynode's API server.
 *
 * The store knows nothing of Kubernetes: keys are strings such as
 * "/registry/apps/daemonsets/default/nginx", values are opaque bytes (the
 * object's JSON without metadata.resourceVersion; the layer above stamps it).
 * One global, monotonic 64-bit revision orders every write; a key's
 * mod_revision is the object's resourceVersion.  The semantics are etcd's so
 * that an etcd backend can replace the embedded SQLite one (store_sqlite.c)
 * with nothing above this header changing: store.c picks the backend from
 * the URI given to store_open().
 *
 * Durability: a write call returns only after its batch is durable (fsync'ed
 * SQLite WAL commit).  Concurrent writers are group-committed: one commit
 * thread takes every operation queued while the previous fsync ran and
 * commits them together.  kill -9 at any point loses no acknowledged write.
 *
 * Watch: store_watch() registers a callback that receives every committed
 * event with revision > from_rev, in revision order, called from the
 * store's delivery thread after the batch is durable and BEFORE the writers of that
 * batch are released.  That ordering lets the in-memory cache above be
 * up to date with every acknowledged write.  Callbacks must be quick and
 * must not call back into the store.
 *
 * Thread-safety: every function may be called from any thread.
 */
#ifndef EVERYNODE_STORE_H
#define EVERYNODE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct store store;
typedef struct store_watcher store_watcher;

/* One key's current state. */
typedef struct store_kv {
    char *key;           /* owned */
    char *value;         /* owned, NUL-terminated for convenience */
    size_t len;          /* value length excluding the NUL */
    int64_t mod_rev;     /* revision of the last write to this key */
    int64_t create_rev;  /* revision of the write that created it */
} store_kv;

/* Free the contents of one kv / an array of n kvs (NULL-safe). */
void store_kv_release(store_kv *kv);
void store_kv_array_free(store_kv *kvs, size_t n);

enum store_op_type {
    STORE_OP_CREATE, /* fails with EN_EXISTS if the key exists */
    STORE_OP_UPDATE, /* fails with EN_NOTFOUND if absent, EN_CONFLICT if
                        expect_rev != 0 and != the key's mod_rev */
    STORE_OP_DELETE  /* same failures as UPDATE */
};

/* One write.  The caller owns key and value (they are copied). */
typedef struct store_op {
    enum store_op_type type;
    const char *key;
    const char *value;  /* ignored for DELETE */
    size_t len;
    int64_t expect_rev; /* 0 = unconditional */
    void *aux;          /* opaque, borrowed: handed to live watchers with this op's
                           event (lets the layer above pass work it already did);
                           must stay valid until store_apply returns */
    /* results, filled by store_apply(): */
    int result;          /* 0 or EN_EXISTS / EN_NOTFOUND / EN_CONFLICT / EN_IO */
    int64_t rev;         /* revision assigned to this op when result == 0 */
} store_op;

enum store_event_type { STORE_EV_PUT = 0, STORE_EV_DELETE = 1 };

/* One committed change, as passed to watch callbacks.  Every pointer is
 * borrowed and valid only during the callback. */
typedef struct store_event {
    enum store_event_type type;
    const char *key;
    const char *value;      /* new value (PUT) or the value just deleted */
    size_t len;
    int64_t rev;            /* revision of this change */
    int64_t create_rev;     /* create revision of the key */
    bool created;           /* PUT that created the key (vs. updated) */
    void *aux;              /* the op's aux for live events, NULL for history */
} store_event;

/* Called with n >= 1 events in revision order.  See the header comment. */
typedef void (*store_watch_fn)(void *ctx, const store_event *evs, size_t n);

/*
 * Open a store.  uri is "sqlite:<path/to/file.db>" or a plain directory path
 * (then <dir>/state.db is used).  Creates the file if needed.  Returns 0 and
 * *out, or EN_IO / EN_INVALID (unknown scheme) / EN_UNSUPPORTED.
 */
int store_open(const char *uri, store **out);
/* Stop the store's threads after draining queued writes, close, free. NULL ok. */
void store_close(store *s);

/* Current (latest committed) revision; 0 for an empty store. */
int64_t store_revision(store *s);
/* Oldest revision a watch may start after (compaction point). */
int64_t store_compacted_revision(store *s);

/* Read one key (committed state).  0 and *out (caller releases), EN_NOTFOUND. */
int store_get(store *s, const char *key, store_kv *out);
/*
 * Read every key starting with prefix, sorted by key.  *out is a new array of
 * *n kvs (caller frees with store_kv_array_free); *rev is the revision the
 * snapshot reflects.
 */
int store_list(store *s, const char *prefix, store_kv **out, size_t *n, int64_t *rev);

/*
 * Apply n independent writes as one durable batch (not a transaction: each
 * op succeeds or fails on its own).  Sets ops[i].result and ops[i].rev.
 * Returns 0 when the batch was committed (individual ops may still have
 * failed), EN_IO if the commit itself failed (then every op has EN_IO), or
 * EN_CLOSED after store_close began.  Successful ops get consecutive
 * revisions in array order.
 */
int store_apply(store *s, store_op *ops, size_t n);
/* Single-op conveniences over store_apply; return the op's result. */
int store_create(store *s, const char *key, const char *value, size_t len, int64_t *rev);
int store_update(store *s, const char *key, const char *value, size_t len, int64_t expect_rev,
                 int64_t *rev);
int store_delete(store *s, const char *key, int64_t expect_rev, int64_t *rev);

/*
 * Watch every change with revision > from_rev.  History between from_rev and
 * now is replayed first (synchronously, from within this call, on the
 * calling thread, before it returns); live events follow from the commit
 * thread.  EN_COMPACTED if from_rev < store_compacted_revision().
 * *out is released with store_unwatch (which waits for a running callback).
 */
int store_watch(store *s, int64_t from_rev, store_watch_fn fn, void *ctx, store_watcher **out);
void store_unwatch(store *s, store_watcher *w);

/* Drop the history of changes at or below rev (never the current values). */
int store_compact(store *s, int64_t rev);

#endif /* EVERYNODE_STORE_H */
