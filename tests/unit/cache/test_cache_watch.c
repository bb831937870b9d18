/*
 * test_cache_watch.c -- unit tests of the watch cache's watches (cache.h)
 * over a real SQLite store: watch from 0 (synthetic ADDED for the current
 * state, then live events), watch from a revision (replay of the history
 * ring), EN_COMPACTED once history no longer reaches back, namespace, name,
 * label and field filters including objects moving into and out of a
 * selection, kinds kept apart, the bounded queue that closes a slow
 * watcher, and timeouts.
 *
 * Writes go straight to the store, so each test knows every event the
 * cache sees.  Read-side behaviour lives in test_cache.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache/cache.h"
#include "core/core.h"

/* ---- fixture ------------------------------------------------------------- */

/* A store in a scratch directory and a cache over it. */
typedef struct fx {
    char *dir; /* owned scratch directory name */
    store *st; /* owned */
    cache *c;  /* owned */
} fx;

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int fx_open(void **state, size_t history)
{
    fx *f = xcalloc(1, sizeof *f);

    f->dir = xstrdup("/tmp/en_cachew_test_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    if (store_open(f->dir, &f->st) != 0)
        return -1;
    if (cache_open(f->st, history, &f->c) != 0)
        return -1;
    *state = f;
    return 0;
}

static int fx_setup(void **state)
{
    return fx_open(state, 1000);
}

/* A cache remembering only 3 events. */
static int fx_setup_small(void **state)
{
    return fx_open(state, 3);
}

static int fx_teardown(void **state)
{
    fx *f = *state;

    cache_close(f->c);
    store_close(f->st);
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(f->dir);
    free(f);
    return 0;
}

/* ---- object helpers ------------------------------------------------------ */

static const kind_info *kind(const char *group, const char *resource)
{
    const kind_info *k = types_by_resource(group, "v1", resource);
    assert_non_null(k);
    return k;
}

#define PODS kind("", "pods")
#define DSETS kind("apps", "daemonsets")

static int64_t put(fx *f, const kind_info *k, const char *ns, const char *name, const char *json)
{
    char *key = cache_key(k, ns, name);
    int64_t rev = 0;
    int rc = store_create(f->st, key, json, strlen(json), &rev);

    if (rc == EN_EXISTS)
        rc = store_update(f->st, key, json, strlen(json), 0, &rev);
    assert_int_equal(rc, 0);
    free(key);
    return rev;
}

static int64_t del(fx *f, const kind_info *k, const char *ns, const char *name)
{
    char *key = cache_key(k, ns, name);
    int64_t rev = 0;

    assert_int_equal(store_delete(f->st, key, 0, &rev), 0);
    free(key);
    return rev;
}

/* Write a pod with the given labels (JSON object text or NULL) and phase. */
static int64_t put_pod(fx *f, const char *ns, const char *name, const char *labels,
                       const char *phase)
{
    char *j = xasprintf("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\","
                        "\"namespace\":\"%s\",\"uid\":\"u-%s-%s\"%s%s},\"spec\":{},"
                        "\"status\":{\"phase\":\"%s\"}}",
                        name, ns, ns, name, labels ? ",\"labels\":" : "", labels ? labels : "",
                        phase ? phase : "Pending");
    int64_t rev = put(f, PODS, ns, name, j);
    free(j);
    return rev;
}

/* ---- event helpers ------------------------------------------------------- */

static const char *type_name(enum cache_ev_type t)
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

/* Next event must be `type` for object ns/name (and at rev when rev > 0). */
static void expect_ev(cache_watcher *w, enum cache_ev_type type, const char *ns,
                      const char *name, int64_t rev)
{
    cache_event ev;
    int rc = cache_watch_next(w, 2000, &ev);

    if (rc != 0)
        fail_msg("expected %s %s/%s, got rc %d (%s)", type_name(type), ns, name, rc,
                 en_strerror(rc));
    assert_non_null(ev.obj);
    if (ev.type != type || strcmp(ev.obj->ns, ns) != 0 || strcmp(ev.obj->name, name) != 0)
        fail_msg("expected %s %s/%s, got %s %s/%s", type_name(type), ns, name,
                 type_name(ev.type), ev.obj->ns, ev.obj->name);
    if (rev > 0) {
        assert_int_equal(ev.rev, rev);
        assert_int_equal(ev.obj->rev, rev);
    }
    /* The object carries its own resourceVersion. */
    json_t *j = cache_obj_json(ev.obj);
    char rvs[24];
    snprintf(rvs, sizeof rvs, "%lld", (long long)ev.obj->rev);
    assert_string_equal(json_path_str(j, "metadata.resourceVersion"), rvs);
    json_decref(j);
    cache_obj_unref(ev.obj);
}

/* Nothing pending (waits briefly). */
static void expect_quiet(cache_watcher *w)
{
    cache_event ev;
    int rc = cache_watch_next(w, 50, &ev);

    if (rc == 0) {
        fail_msg("expected no event, got %s %s/%s", type_name(ev.type),
                 ev.obj ? ev.obj->ns : "", ev.obj ? ev.obj->name : "");
    }
    assert_int_equal(rc, EN_TIMEOUT);
}

/* ---- watch from 0 -------------------------------------------------------- */

static void test_watch_from_zero(void **state)
{
    fx *f = *state;
    cache_watcher *w = NULL;
    cache_filter flt = {.kind = PODS};
    int64_t ra, rb, r;

    ra = put_pod(f, "default", "a", NULL, NULL);
    rb = put_pod(f, "default", "b", NULL, NULL);
    put(f, DSETS, "default", "a", "{\"metadata\":{\"name\":\"a\",\"namespace\":\"default\"}}");
    del(f, PODS, "default", "b");
    put_pod(f, "kube-system", "c", NULL, NULL);

    assert_int_equal(cache_watch(f->c, &flt, 0, 100, &w), 0);
    assert_non_null(w);
    /* Synthetic ADDED for what exists now (no history, no deleted b, no
     * other kinds), at each object's current revision. */
    cache_event evs[2];
    assert_int_equal(cache_watch_next(w, 1000, &evs[0]), 0);
    assert_int_equal(cache_watch_next(w, 1000, &evs[1]), 0);
    assert_int_equal(evs[0].type, CACHE_ADDED);
    assert_int_equal(evs[1].type, CACHE_ADDED);
    bool saw_a = false, saw_c = false;
    for (int i = 0; i < 2; i++) {
        if (strcmp(evs[i].obj->name, "a") == 0) {
            saw_a = true;
            assert_int_equal(evs[i].rev, ra);
        } else if (strcmp(evs[i].obj->name, "c") == 0) {
            saw_c = true;
        }
        cache_obj_unref(evs[i].obj);
    }
    assert_true(saw_a && saw_c);
    (void)rb;
    expect_quiet(w);

    /* Then live events, in order, with their revisions. */
    r = put_pod(f, "default", "a", "{\"x\":\"1\"}", NULL);
    expect_ev(w, CACHE_MODIFIED, "default", "a", r);
    r = put_pod(f, "default", "d", NULL, NULL);
    expect_ev(w, CACHE_ADDED, "default", "d", r);
    r = del(f, PODS, "default", "a");
    expect_ev(w, CACHE_DELETED, "default", "a", r);
    /* Other kinds never reach a pod watch. */
    put(f, DSETS, "default", "z", "{\"metadata\":{\"name\":\"z\",\"namespace\":\"default\"}}");
    expect_quiet(w);
    cache_unwatch(f->c, w);
}

static void test_watch_timeout(void **state)
{
    fx *f = *state;
    cache_watcher *w = NULL;
    cache_filter flt = {.kind = PODS};
    cache_event ev;
    int64_t t0;

    assert_int_equal(cache_watch(f->c, &flt, 0, 10, &w), 0);
    t0 = time_mono_ms();
    assert_int_equal(cache_watch_next(w, 120, &ev), EN_TIMEOUT);
    assert_true(time_mono_ms() - t0 >= 110);
    /* timeout 0 polls. */
    assert_int_equal(cache_watch_next(w, 0, &ev), EN_TIMEOUT);
    cache_unwatch(f->c, w);
    cache_unwatch(f->c, NULL);
}

struct late_writer {
    fx *f;
};

static void *late_write(void *arg)
{
    struct late_writer *lw = arg;
    struct timespec ts = {0, 100 * 1000000L};

    const char *j = "{\"metadata\":{\"name\":\"late\",\"namespace\":\"default\"}}";
    char *key = cache_key(types_by_resource("", "v1", "pods"), "default", "late");
    int64_t rev;

    nanosleep(&ts, NULL);
    /* No cmocka assertions off the main thread: the watcher checks. */
    (void)store_create(lw->f->st, key, j, strlen(j), &rev);
    free(key);
    return NULL;
}

/* A blocked watch_next wakes as soon as an event arrives. */
static void test_watch_wakes(void **state)
{
    fx *f = *state;
    cache_watcher *w = NULL;
    cache_filter flt = {.kind = PODS};
    struct late_writer lw = {f};
    pthread_t th;
    int64_t t0;

    assert_int_equal(cache_watch(f->c, &flt, cache_revision(f->c), 10, &w), 0);
    assert_int_equal(pthread_create(&th, NULL, late_write, &lw), 0);
    t0 = time_mono_ms();
    expect_ev(w, CACHE_ADDED, "default", "late", 0);
    assert_true(time_mono_ms() - t0 < 1900);
    pthread_join(th, NULL);
    cache_unwatch(f->c, w);
}

/* ---- watch from a revision ----------------------------------------------- */

static void test_watch_replays_history(void **state)
{
    fx *f = *state;
    cache_watcher *w = NULL;
    cache_filter flt = {.kind = PODS, .ns = "default"};
    int64_t r0, r1, r2, r3, r4, r5;

    r0 = put_pod(f, "default", "old", NULL, NULL);
    r1 = put_pod(f, "default", "a", NULL, NULL);
    r2 = put_pod(f, "default", "a", "{\"v\":\"2\"}", NULL);
    r3 = put_pod(f, "other", "x", NULL, NULL);
    r4 = put(f, DSETS, "default", "a", "{\"metadata\":{\"name\":\"a\",\"namespace\":\"default\"}}");
    r5 = del(f, PODS, "default", "a");
    (void)r3;
    (void)r4;

    /* From r0: every later pod event in default, as it happened. */
    assert_int_equal(cache_watch(f->c, &flt, r0, 100, &w), 0);
    expect_ev(w, CACHE_ADDED, "default", "a", r1);
    expect_ev(w, CACHE_MODIFIED, "default", "a", r2);
    expect_ev(w, CACHE_DELETED, "default", "a", r5);
    expect_quiet(w);
    /* Live events continue after the replay without a gap. */
    int64_t r6 = put_pod(f, "default", "b", NULL, NULL);
    expect_ev(w, CACHE_ADDED, "default", "b", r6);
    cache_unwatch(f->c, w);

    /* From r2: only what came strictly after r2. */
    assert_int_equal(cache_watch(f->c, &flt, r2, 100, &w), 0);
    expect_ev(w, CACHE_DELETED, "default", "a", r5);
    expect_ev(w, CACHE_ADDED, "default", "b", r6);
    expect_quiet(w);
    cache_unwatch(f->c, w);

    /* From the current revision: nothing replayed. */
    assert_int_equal(cache_watch(f->c, &flt, cache_revision(f->c), 100, &w), 0);
    expect_quiet(w);
    int64_t r7 = put_pod(f, "default", "b", "{\"v\":\"3\"}", NULL);
    expect_ev(w, CACHE_MODIFIED, "default", "b", r7);
    cache_unwatch(f->c, w);

    /* From 1, the revision of the store's first write (r0): strictly
     * after it, so "old" itself is not replayed. */
    assert_int_equal(r0, 1);
    assert_int_equal(cache_watch(f->c, &flt, 1, 100, &w), 0);
    expect_ev(w, CACHE_ADDED, "default", "a", r1);
    cache_unwatch(f->c, w);
}

static void test_watch_compacted(void **state)
{
    fx *f = *state; /* history of 3 events */
    cache_watcher *w = NULL;
    cache_filter flt = {.kind = PODS};
    int64_t r[6];

    for (int i = 0; i < 6; i++) {
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        r[i] = put_pod(f, "default", name, NULL, NULL);
    }
    /* The ring holds r[3..5]: a watch from r[2] can be served exactly... */
    assert_int_equal(cache_watch(f->c, &flt, r[2], 100, &w), 0);
    expect_ev(w, CACHE_ADDED, "default", "p3", r[3]);
    expect_ev(w, CACHE_ADDED, "default", "p4", r[4]);
    expect_ev(w, CACHE_ADDED, "default", "p5", r[5]);
    expect_quiet(w);
    cache_unwatch(f->c, w);
    /* ...anything older has lost events: 410 Gone upstream. */
    w = NULL;
    assert_int_equal(cache_watch(f->c, &flt, r[1], 100, &w), EN_COMPACTED);
    assert_null(w);
    assert_int_equal(cache_watch(f->c, &flt, r[0], 100, &w), EN_COMPACTED);
    assert_null(w);
    /* Watch from 0 never needs history. */
    assert_int_equal(cache_watch(f->c, &flt, 0, 100, &w), 0);
    cache_unwatch(f->c, w);

    /* Events of unserved keys do not push served ones out of history... but
     * served events of other kinds do share the ring. */
    int64_t rd = put(f, DSETS, "default", "d", "{\"metadata\":{\"name\":\"d\"}}");
    (void)rd;
    assert_int_equal(cache_watch(f->c, &flt, r[2], 100, &w), EN_COMPACTED);
    assert_int_equal(cache_watch(f->c, &flt, r[3], 100, &w), 0);
    expect_ev(w, CACHE_ADDED, "default", "p4", r[4]);
    expect_ev(w, CACHE_ADDED, "default", "p5", r[5]);
    expect_quiet(w);
    cache_unwatch(f->c, w);
}

/* After a restart the cache has no history before its load revision. */
static void test_watch_compacted_after_reopen(void **state)
{
    fx *f = *state;
    cache_watcher *w = NULL;
    cache_filter flt = {.kind = PODS};
    int64_t r1, r2, r3;

    r1 = put_pod(f, "default", "a", NULL, NULL);
    r2 = put_pod(f, "default", "b", NULL, NULL);
    cache_close(f->c);
    f->c = NULL;
    assert_int_equal(cache_open(f->st, 100, &f->c), 0);
    assert_int_equal(cache_watch(f->c, &flt, r1, 100, &w), EN_COMPACTED);
    assert_int_equal(cache_watch(f->c, &flt, r2, 100, &w), 0);
    expect_quiet(w);
    r3 = put_pod(f, "default", "c", NULL, NULL);
    expect_ev(w, CACHE_ADDED, "default", "c", r3);
    cache_unwatch(f->c, w);
}

/*
 * BUG: with history 0 the cache keeps no events at all, yet a watch from an
 * older revision than the current one is accepted and silently misses
 * everything in between (cache.c cache_ring_push returns early when
 * ring_cap == 0 and ring_start_rev never moves).  Kubernetes answers such a
 * watch with 410 Gone ("too old resource version"); expect EN_COMPACTED.
 */
static void test_watch_no_history_is_compacted(void **state)
{
    fx *f = *state;
    cache_watcher *w = NULL;
    cache_filter flt = {.kind = PODS};
    int64_t r1;

    cache_close(f->c);
    f->c = NULL;
    assert_int_equal(cache_open(f->st, 0, &f->c), 0);
    r1 = put_pod(f, "default", "a", NULL, NULL);
    put_pod(f, "default", "b", NULL, NULL);
    /* From the current revision is fine. */
    assert_int_equal(cache_watch(f->c, &flt, cache_revision(f->c), 100, &w), 0);
    cache_unwatch(f->c, w);
    w = NULL;
    int rc = cache_watch(f->c, &flt, r1, 100, &w);
    if (rc == 0)
        cache_unwatch(f->c, w);
    assert_int_equal(rc, EN_COMPACTED);
}

/* ---- filters and selector transitions ------------------------------------ */

static void test_watch_namespace_and_name(void **state)
{
    fx *f = *state;
    cache_watcher *wns = NULL, *wname = NULL;
    cache_filter fns = {.kind = PODS, .ns = "a"};
    char ns_buf[8] = "b", name_buf[8] = "x";
    cache_filter fname = {.kind = PODS, .ns = ns_buf, .name = name_buf};
    int64_t r;

    put_pod(f, "a", "x", NULL, NULL);
    put_pod(f, "b", "x", NULL, NULL);
    put_pod(f, "b", "y", NULL, NULL);
    assert_int_equal(cache_watch(f->c, &fns, 0, 100, &wns), 0);
    assert_int_equal(cache_watch(f->c, &fname, 0, 100, &wname), 0);
    /* The filter's strings are copied: changing ours changes nothing. */
    strcpy(ns_buf, "a");
    strcpy(name_buf, "y");
    expect_ev(wns, CACHE_ADDED, "a", "x", 0);
    expect_quiet(wns);
    expect_ev(wname, CACHE_ADDED, "b", "x", 0);
    expect_quiet(wname);

    r = put_pod(f, "b", "x", "{\"k\":\"v\"}", NULL);
    expect_ev(wname, CACHE_MODIFIED, "b", "x", r);
    expect_quiet(wns);
    put_pod(f, "b", "y", "{\"k\":\"v\"}", NULL);
    put_pod(f, "ab", "x", NULL, NULL);
    expect_quiet(wname);
    expect_quiet(wns);
    r = put_pod(f, "a", "z", NULL, NULL);
    expect_ev(wns, CACHE_ADDED, "a", "z", r);
    cache_unwatch(f->c, wns);
    cache_unwatch(f->c, wname);
}

static void test_watch_label_transitions(void **state)
{
    fx *f = *state;
    cache_watcher *w = NULL;
    lsel *ls = NULL;
    char *err = NULL;
    int64_t r;

    assert_int_equal(lsel_parse("app=web", &ls, &err), 0);
    cache_filter flt = {.kind = PODS, .labels = ls};
    put_pod(f, "default", "pre-in", "{\"app\":\"web\"}", NULL);
    put_pod(f, "default", "pre-out", "{\"app\":\"db\"}", NULL);
    assert_int_equal(cache_watch(f->c, &flt, 0, 100, &w), 0);
    expect_ev(w, CACHE_ADDED, "default", "pre-in", 0);
    expect_quiet(w);

    /* Created matching: ADDED.  Created not matching: nothing. */
    r = put_pod(f, "default", "p", "{\"app\":\"web\"}", NULL);
    expect_ev(w, CACHE_ADDED, "default", "p", r);
    put_pod(f, "default", "q", "{\"app\":\"db\"}", NULL);
    expect_quiet(w);
    /* Still matching after a change: MODIFIED. */
    r = put_pod(f, "default", "p", "{\"app\":\"web\",\"v\":\"2\"}", NULL);
    expect_ev(w, CACHE_MODIFIED, "default", "p", r);
    /* Leaving the selection: DELETED (carrying the new state). */
    r = put_pod(f, "default", "p", "{\"app\":\"db\"}", NULL);
    expect_ev(w, CACHE_DELETED, "default", "p", r);
    /* Changing while outside: nothing. */
    put_pod(f, "default", "p", "{\"app\":\"db\",\"v\":\"3\"}", NULL);
    expect_quiet(w);
    /* Entering the selection: ADDED. */
    r = put_pod(f, "default", "q", "{\"app\":\"web\"}", NULL);
    expect_ev(w, CACHE_ADDED, "default", "q", r);
    /* Losing all labels leaves the selection. */
    r = put_pod(f, "default", "q", NULL, NULL);
    expect_ev(w, CACHE_DELETED, "default", "q", r);
    /* Deleting an object outside the selection: nothing; inside: DELETED. */
    del(f, PODS, "default", "p");
    expect_quiet(w);
    r = del(f, PODS, "default", "pre-in");
    expect_ev(w, CACHE_DELETED, "default", "pre-in", r);
    expect_quiet(w);
    cache_unwatch(f->c, w);
    lsel_free(ls);
}

static void test_watch_field_transitions(void **state)
{
    fx *f = *state;
    cache_watcher *w = NULL;
    fsel *fs = NULL;
    char *err = NULL;
    int64_t r;

    assert_int_equal(fsel_parse("status.phase=Running", &fs, &err), 0);
    cache_filter flt = {.kind = PODS, .fields = fs};
    assert_int_equal(cache_watch(f->c, &flt, cache_revision(f->c), 100, &w), 0);
    put_pod(f, "default", "p", NULL, "Pending");
    expect_quiet(w);
    r = put_pod(f, "default", "p", NULL, "Running");
    expect_ev(w, CACHE_ADDED, "default", "p", r);
    r = put_pod(f, "default", "p", NULL, "Succeeded");
    expect_ev(w, CACHE_DELETED, "default", "p", r);
    del(f, PODS, "default", "p");
    expect_quiet(w);
    cache_unwatch(f->c, w);
    fsel_free(fs);
}

/* Replay from history delivers events that match the selector with their
 * original types and skips the rest. */
static void test_watch_replay_with_selector(void **state)
{
    fx *f = *state;
    cache_watcher *w = NULL;
    lsel *ls = NULL;
    char *err = NULL;
    int64_t r0, r1, r3;

    assert_int_equal(lsel_parse("app=web", &ls, &err), 0);
    cache_filter flt = {.kind = PODS, .labels = ls};
    r0 = put_pod(f, "default", "p", "{\"app\":\"web\"}", NULL);
    r1 = put_pod(f, "default", "p", "{\"app\":\"web\",\"v\":\"1\"}", NULL);
    put_pod(f, "default", "q", "{\"app\":\"db\"}", NULL);
    r3 = del(f, PODS, "default", "p");
    put_pod(f, "default", "nolabels", NULL, NULL);

    assert_int_equal(cache_watch(f->c, &flt, r0, 100, &w), 0);
    expect_ev(w, CACHE_MODIFIED, "default", "p", r1);
    expect_ev(w, CACHE_DELETED, "default", "p", r3);
    expect_quiet(w);
    cache_unwatch(f->c, w);
    lsel_free(ls);
}

/*
 * BUG: replay from history does not apply the selector-transition rules
 * that live delivery applies (cache.c cache_watch: the ring keeps no
 * previous versions, so replayed events are judged by the object they carry
 * with prev = NULL).  An object that entered the selection by a MODIFIED
 * event is replayed as MODIFIED instead of ADDED, and one that left it by a
 * MODIFIED event is not replayed at all instead of as DELETED.  Kubernetes'
 * watch cache keeps the previous object with every event
 * (watchCacheEvent.PrevObject) and replays transitions as ADDED/DELETED, so
 * a client resuming a selector watch from a resourceVersion sees the same
 * stream a live watcher saw.
 */
static void test_watch_replay_transitions(void **state)
{
    fx *f = *state;
    cache_watcher *live = NULL, *w = NULL;
    lsel *ls = NULL;
    char *err = NULL;
    int64_t from, r_in, r_out;

    assert_int_equal(lsel_parse("app=web", &ls, &err), 0);
    cache_filter flt = {.kind = PODS, .labels = ls};
    put_pod(f, "default", "p", "{\"app\":\"db\"}", NULL);
    put_pod(f, "default", "q", "{\"app\":\"web\"}", NULL);
    from = cache_revision(f->c);
    assert_int_equal(cache_watch(f->c, &flt, from, 100, &live), 0);
    r_in = put_pod(f, "default", "p", "{\"app\":\"web\"}", NULL);  /* enters */
    r_out = put_pod(f, "default", "q", "{\"app\":\"db\"}", NULL);  /* leaves */

    /* What a live watcher saw... */
    expect_ev(live, CACHE_ADDED, "default", "p", r_in);
    expect_ev(live, CACHE_DELETED, "default", "q", r_out);
    cache_unwatch(f->c, live);
    /* ...a watcher resuming from the same revision must see too.  Collect
     * first, assert after releasing, so a failure leaks nothing. */
    assert_int_equal(cache_watch(f->c, &flt, from, 100, &w), 0);
    enum cache_ev_type types[4];
    char names[4][8];
    int64_t revs[4];
    size_t n = 0;
    cache_event ev;
    while (n < 4 && cache_watch_next(w, 100, &ev) == 0) {
        types[n] = ev.type;
        snprintf(names[n], sizeof names[n], "%s", ev.obj->name);
        revs[n] = ev.rev;
        cache_obj_unref(ev.obj);
        n++;
    }
    cache_unwatch(f->c, w);
    lsel_free(ls);
    ls = NULL;
    if (n != 2 || types[0] != CACHE_ADDED || strcmp(names[0], "p") != 0 || revs[0] != r_in ||
        types[1] != CACHE_DELETED || strcmp(names[1], "q") != 0 || revs[1] != r_out)
        fail_msg("replay gave %zu events: %s %s, %s %s; want ADDED p, DELETED q", n,
                 n > 0 ? type_name(types[0]) : "-", n > 0 ? names[0] : "-",
                 n > 1 ? type_name(types[1]) : "-", n > 1 ? names[1] : "-");
    lsel_free(ls);
}

/* ---- bounded queues ------------------------------------------------------ */

static void test_slow_watcher_closed(void **state)
{
    fx *f = *state;
    cache_watcher *slow = NULL, *fast = NULL, *other = NULL;
    cache_filter flt = {.kind = PODS};
    cache_filter dflt = {.kind = DSETS};
    cache_event ev;
    char name[16];

    assert_int_equal(cache_watch(f->c, &flt, cache_revision(f->c), 3, &slow), 0);
    assert_int_equal(cache_watch(f->c, &flt, cache_revision(f->c), 3, &fast), 0);
    assert_int_equal(cache_watch(f->c, &dflt, cache_revision(f->c), 1, &other), 0);

    /* Three pending events fit the bound. */
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "p%d", i);
        put_pod(f, "default", name, NULL, NULL);
        expect_ev(fast, CACHE_ADDED, "default", name, 0);
    }
    /* The fourth overflows the slow one: it is closed and its queue
     * dropped, so the client re-lists instead of reading stale events. */
    put_pod(f, "default", "p3", NULL, NULL);
    expect_ev(fast, CACHE_ADDED, "default", "p3", 0);
    assert_int_equal(cache_watch_next(slow, 0, &ev), EN_CLOSED);
    assert_int_equal(cache_watch_next(slow, 1000, &ev), EN_CLOSED);
    /* Later events do not reopen it. */
    put_pod(f, "default", "p4", NULL, NULL);
    assert_int_equal(cache_watch_next(slow, 0, &ev), EN_CLOSED);
    /* A watcher that keeps up, and one of another kind, are unaffected. */
    expect_ev(fast, CACHE_ADDED, "default", "p4", 0);
    expect_quiet(other);
    cache_unwatch(f->c, slow);
    cache_unwatch(f->c, fast);
    cache_unwatch(f->c, other);
}

/* Filtered-out events do not count against the bound. */
static void test_filtered_events_do_not_fill_queue(void **state)
{
    fx *f = *state;
    cache_watcher *w = NULL;
    cache_filter flt = {.kind = PODS, .ns = "watched"};
    char name[16];

    assert_int_equal(cache_watch(f->c, &flt, cache_revision(f->c), 2, &w), 0);
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "p%d", i);
        put_pod(f, "elsewhere", name, NULL, NULL);
    }
    put_pod(f, "watched", "one", NULL, NULL);
    expect_ev(w, CACHE_ADDED, "watched", "one", 0);
    cache_unwatch(f->c, w);
}

/* The initial ADDED burst of a watch from 0 may exceed the bound (the
 * objects exist anyway); only live events are limited. */
static void test_initial_events_exceed_bound(void **state)
{
    fx *f = *state;
    cache_watcher *w = NULL;
    cache_filter flt = {.kind = PODS};
    char name[16];
    int n = 0;
    cache_event ev;

    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "p%d", i);
        put_pod(f, "default", name, NULL, NULL);
    }
    assert_int_equal(cache_watch(f->c, &flt, 0, 2, &w), 0);
    while (cache_watch_next(w, 100, &ev) == 0) {
        assert_int_equal(ev.type, CACHE_ADDED);
        cache_obj_unref(ev.obj);
        n++;
    }
    assert_int_equal(n, 10);
    /* Once drained, live events flow normally. */
    put_pod(f, "default", "live", NULL, NULL);
    expect_ev(w, CACHE_ADDED, "default", "live", 0);
    cache_unwatch(f->c, w);

    /* The same for a replay longer than the bound. */
    assert_int_equal(cache_watch(f->c, &flt, 1, 2, &w), 0);
    n = 0;
    while (cache_watch_next(w, 100, &ev) == 0) {
        cache_obj_unref(ev.obj);
        n++;
    }
    assert_int_equal(n, 10); /* p1..p9 and live */
    cache_unwatch(f->c, w);
}

/*
 * BUG: a live event that arrives while the client is still reading the
 * initial ADDED burst closes the watcher when the burst alone is at or over
 * max_queue (cache.c cache_watcher_push_locked compares qlen, which counts
 * the unread initial events, with max_queue).  The API passes 10000, so a
 * `kubectl get pods -w` on a collection of 10000+ objects is cut off by the
 * first change made before it drained its initial list.  Kubernetes'
 * cacheWatcher delivers the initial events separately from its bounded
 * input channel, so only live events count against the bound.
 */
static void test_live_event_during_initial_burst(void **state)
{
    fx *f = *state;
    cache_watcher *w = NULL;
    cache_filter flt = {.kind = PODS};
    char name[16];
    int n = 0, rc;
    cache_event ev;

    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "p%d", i);
        put_pod(f, "default", name, NULL, NULL);
    }
    assert_int_equal(cache_watch(f->c, &flt, 0, 3, &w), 0);
    /* One live event before the client read anything. */
    put_pod(f, "default", "live", NULL, NULL);
    while ((rc = cache_watch_next(w, 100, &ev)) == 0) {
        cache_obj_unref(ev.obj);
        n++;
    }
    cache_unwatch(f->c, w);
    assert_int_equal(rc, EN_TIMEOUT);
    assert_int_equal(n, 6);
}

/* Many watchers each get every event once. */
static void test_fan_out(void **state)
{
    fx *f = *state;
    enum { NW = 50 };
    cache_watcher *ws[NW];
    cache_filter flt = {.kind = PODS};
    int64_t r;

    for (int i = 0; i < NW; i++)
        assert_int_equal(cache_watch(f->c, &flt, cache_revision(f->c), 10, &ws[i]), 0);
    r = put_pod(f, "default", "p", NULL, NULL);
    for (int i = 0; i < NW; i++) {
        cache_event ev;
        expect_ev(ws[i], CACHE_ADDED, "default", "p", r);
        assert_int_equal(cache_watch_next(ws[i], 0, &ev), EN_TIMEOUT);
    }
    /* Unwatching in any order leaves the others intact. */
    for (int i = 0; i < NW; i += 2)
        cache_unwatch(f->c, ws[i]);
    r = del(f, PODS, "default", "p");
    for (int i = 1; i < NW; i += 2) {
        expect_ev(ws[i], CACHE_DELETED, "default", "p", r);
        cache_unwatch(f->c, ws[i]);
    }
}

/* Unwatching with events still queued frees them (ASan checks the
 * references). */
static void test_unwatch_with_pending(void **state)
{
    fx *f = *state;
    cache_watcher *w = NULL;
    cache_filter flt = {.kind = PODS};

    put_pod(f, "default", "a", NULL, NULL);
    put_pod(f, "default", "b", NULL, NULL);
    assert_int_equal(cache_watch(f->c, &flt, 0, 100, &w), 0);
    put_pod(f, "default", "c", NULL, NULL);
    cache_unwatch(f->c, w);
    /* The cache's own objects are untouched. */
    cache_obj *o = cache_get(f->c, PODS, "default", "a");
    assert_non_null(o);
    assert_string_equal(o->name, "a");
    cache_obj_unref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_watch_from_zero, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_watch_timeout, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_watch_wakes, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_watch_replays_history, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_watch_compacted, fx_setup_small, fx_teardown),
        cmocka_unit_test_setup_teardown(test_watch_compacted_after_reopen, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_watch_no_history_is_compacted, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_watch_namespace_and_name, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_watch_label_transitions, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_watch_field_transitions, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_watch_replay_with_selector, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_watch_replay_transitions, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_slow_watcher_closed, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_filtered_events_do_not_fill_queue, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_initial_events_exceed_bound, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_live_event_during_initial_burst, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_fan_out, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_unwatch_with_pending, fx_setup, fx_teardown),
    };

    log_set_level(LOG_ERROR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
