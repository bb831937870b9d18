/*
 * store_testutil.h -- helpers shared by the store unit tests: scratch
 * directories and a thread-safe recorder of watch events.
 *
 * Header-only (static inline) so that every tests/unit/store/test_*.c stays
 * one self-contained binary as the Makefile expects.
 */
#ifndef EVERYNODE_STORE_TESTUTIL_H
#define EVERYNODE_STORE_TESTUTIL_H

#include "core/core.h"
#include "store/store.h"

#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A new empty directory under /tmp; the caller frees the name after
 * tu_rmdir(). */
static inline char *tu_mkdtemp(void)
{
    char *dir = xstrdup("/tmp/en_store_test_XXXXXX");

    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
    return dir;
}

static inline int tu_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* rm -rf dir, then free the name. */
static inline void tu_rmdir(char *dir)
{
    if (!dir)
        return;
    nftw(dir, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

/* One recorded event (copies of everything). */
typedef struct tu_event {
    enum store_event_type type;
    char *key;
    char *value;
    size_t len;
    int64_t rev;
    int64_t create_rev;
    bool created;
} tu_event;

/* Records every event a watch receives; safe to read from another thread
 * under mu. */
typedef struct tu_rec {
    pthread_mutex_t mu;
    tu_event *evs; /* owned */
    size_t n, cap;
    size_t calls; /* callback invocations */
    int64_t last; /* highest revision seen */
    int errors;   /* events out of order or duplicated */
    store *s;     /* set to unwatch from inside the callback */
    store_watcher *self;
    size_t unwatch_after; /* unwatch itself after this many events (0 = never) */
} tu_rec;

static inline void tu_rec_init(tu_rec *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
}

static inline void tu_rec_release(tu_rec *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->evs[i].key);
        free(r->evs[i].value);
    }
    free(r->evs);
    pthread_mutex_destroy(&r->mu);
}

/* store_watch_fn recording into a tu_rec. */
static inline void tu_rec_cb(void *ctx, const store_event *evs, size_t n)
{
    tu_rec *r = ctx;
    bool stop = false;

    pthread_mutex_lock(&r->mu);
    r->calls++;
    if (n == 0)
        r->errors++;
    for (size_t i = 0; i < n; i++) {
        tu_event *e;
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 64;
            r->evs = xrealloc(r->evs, r->cap * sizeof *r->evs);
        }
        if (evs[i].rev <= r->last)
            r->errors++;
        r->last = evs[i].rev;
        e = &r->evs[r->n++];
        e->type = evs[i].type;
        e->key = xstrdup(evs[i].key);
        e->value = xmalloc(evs[i].len + 1);
        memcpy(e->value, evs[i].value, evs[i].len);
        e->value[evs[i].len] = '\0';
        e->len = evs[i].len;
        e->rev = evs[i].rev;
        e->create_rev = evs[i].create_rev;
        e->created = evs[i].created;
    }
    if (r->unwatch_after && r->n >= r->unwatch_after && r->self)
        stop = true;
    pthread_mutex_unlock(&r->mu);
    if (stop) {
        store_unwatch(r->s, r->self);
        r->self = NULL;
    }
}

#endif /* EVERYNODE_STORE_TESTUTIL_H */
