/*
 * store_int.h -- private interface between store.c and the store backends.
 *
 * store.c owns the public API in store.h: it parses the URI given to
 * store_open(), picks a backend, and forwards every other call through the
 * backend's vtable.  A backend allocates its own context struct whose first
 * member is `struct store`, so a `store *` handed to callers can be cast back
 * to the backend's type inside the backend and nowhere else.  Nothing above
 * store.h sees this file.
 *
 * Backends: store_sqlite.c (embedded SQLite, the default).  An etcd backend
 * would add one open function here and one branch in store_open().
 */
#ifndef EVERYNODE_STORE_INT_H
#define EVERYNODE_STORE_INT_H

#include "store/store.h"

/*
 * The operations a backend implements.  store.c has already rejected a NULL
 * store and other argument errors common to every backend (NULL out
 * pointers, negative revisions) before calling these, so backends may
 * assume s and the out pointers are valid.  Semantics are exactly those
 * documented for the public function of the same name in store.h.
 */
typedef struct store_backend {
    const char *name; /* for log lines: "sqlite", "etcd" */
    void (*close)(store *s);
    int64_t (*revision)(store *s);
    int64_t (*compacted_revision)(store *s);
    int (*get)(store *s, const char *key, store_kv *out);
    int (*list)(store *s, const char *prefix, store_kv **out, size_t *n, int64_t *rev);
    int (*apply)(store *s, store_op *ops, size_t n);
    int (*watch)(store *s, int64_t from_rev, store_watch_fn fn, void *ctx, store_watcher **out);
    void (*unwatch)(store *s, store_watcher *w);
    int (*compact)(store *s, int64_t rev);
} store_backend;

/* The part of every backend context that store.c sees. */
struct store {
    const store_backend *be; /* borrowed: points at the backend's static vtable */
};

/*
 * Open the SQLite backend on the database file at path (created if missing;
 * the parent directory must exist).  0 and *out, or EN_IO.  The caller
 * closes *out with store_close().
 */
int store__sqlite_open(const char *path, store **out);

#endif /* EVERYNODE_STORE_INT_H */
