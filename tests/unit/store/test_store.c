/*
 * test_store.c -- unit tests of the store's semantics through its public
 * API (store.h) on the SQLite backend: opening by URI, CRUD and every
 * error code, revisions, prefix lists, batches, watches (replay, live,
 * filtering, unwatch), compaction, and persistence across close/open.
 *
 * Concurrency, crash-safety and throughput live in test_store_concurrency.c;
 * internal helpers (the key map, prefix bounds) in test_store_internal.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store_testutil.h"

#include <sys/stat.h>

/* A store in a fresh scratch directory. */
typedef struct fx {
    char *dir;
    store *s;
} fx;

static int fx_setup(void **state)
{
    fx *f = xcalloc(1, sizeof *f);

    f->dir = tu_mkdtemp();
    if (store_open(f->dir, &f->s) != 0)
        return -1;
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    fx *f = *state;

    store_close(f->s);
    tu_rmdir(f->dir);
    free(f);
    return 0;
}

/* Close and reopen the fixture's store. */
static void fx_reopen(fx *f)
{
    store_close(f->s);
    f->s = NULL;
    assert_int_equal(store_open(f->dir, &f->s), 0);
}

static void check_kv(store *s, const char *key, const char *value, int64_t mod_rev,
                     int64_t create_rev)
{
    store_kv kv;

    assert_int_equal(store_get(s, key, &kv), 0);
    assert_string_equal(kv.key, key);
    assert_int_equal(kv.len, strlen(value));
    assert_memory_equal(kv.value, value, kv.len);
    assert_int_equal(kv.value[kv.len], '\0');
    assert_int_equal(kv.mod_rev, mod_rev);
    assert_int_equal(kv.create_rev, create_rev);
    store_kv_release(&kv);
}

static int create_str(store *s, const char *key, const char *value, int64_t *rev)
{
    return store_create(s, key, value, strlen(value), rev);
}

/* ---- open ---------------------------------------------------------------- */

static void test_open_uris(void **state)
{
    char *dir = tu_mkdtemp();
    char *nested = xasprintf("%s/a/b/c/", dir);
    char *file = xasprintf("sqlite:%s/x.db", dir);
    char *missing = xasprintf("sqlite:%s/no/such/dir/x.db", dir);
    char *dbpath = xasprintf("%s/a/b/c/state.db", dir);
    store *s = (store *)0x1, *s2 = (store *)0x1;
    struct stat st;

    (void)state;
    /* A directory URI creates the directory (and parents) and state.db. */
    assert_int_equal(store_open(nested, &s), 0);
    assert_non_null(s);
    assert_int_equal(stat(dbpath, &st), 0);
    assert_int_equal(store_revision(s), 0);
    assert_int_equal(store_compacted_revision(s), 0);
    /* A second opener of the same file is refused while the first lives. */
    assert_int_equal(store_open(nested, &s2), EN_IO);
    assert_null(s2);
    store_close(s);
    /* ...and allowed once it is closed. */
    assert_int_equal(store_open(nested, &s), 0);
    store_close(s);

    assert_int_equal(store_open(file, &s), 0);
    assert_int_equal(create_str(s, "/k", "v", NULL), 0);
    store_close(s);
    assert_int_equal(store_open(file, &s), 0);
    check_kv(s, "/k", "v", 1, 1);
    store_close(s);

    assert_int_equal(store_open(missing, &s), EN_IO);
    assert_null(s);
    assert_int_equal(store_open("etcd://127.0.0.1:2379", &s), EN_UNSUPPORTED);
    assert_null(s);
    assert_int_equal(store_open("etcds://host:2379", &s), EN_UNSUPPORTED);
    assert_int_equal(store_open("mysql://host/db", &s), EN_INVALID);
    assert_int_equal(store_open("file:x.db", &s), EN_INVALID);
    assert_int_equal(store_open("sqlite:", &s), EN_INVALID);
    assert_int_equal(store_open("", &s), EN_INVALID);
    assert_int_equal(store_open(NULL, &s), EN_INVALID);
    assert_int_equal(store_open(dir, NULL), EN_INVALID);
    /* A path that merely contains ':' is not a scheme. */
    {
        char *colon = xasprintf("%s/x:y", dir);
        assert_int_equal(store_open(colon, &s), 0);
        store_close(s);
        free(colon);
    }
    /* A regular file where a directory is expected. */
    {
        char *f2 = xasprintf("%s/plain", dir);
        FILE *fp = fopen(f2, "w");
        assert_non_null(fp);
        fclose(fp);
        assert_int_equal(store_open(f2, &s), EN_IO);
        free(f2);
    }
    store_close(NULL);

    free(nested);
    free(file);
    free(missing);
    free(dbpath);
    tu_rmdir(dir);
}

/* ---- CRUD ---------------------------------------------------------------- */

static void test_crud_and_errors(void **state)
{
    fx *f = *state;
    store *s = f->s;
    int64_t rev = -1;
    store_kv kv;

    assert_int_equal(store_get(s, "/a", &kv), EN_NOTFOUND);
    assert_null(kv.key);
    assert_null(kv.value);

    assert_int_equal(create_str(s, "/a", "one", &rev), 0);
    assert_int_equal(rev, 1);
    check_kv(s, "/a", "one", 1, 1);
    assert_int_equal(store_revision(s), 1);

    /* Create of an existing key. */
    rev = -1;
    assert_int_equal(create_str(s, "/a", "again", &rev), EN_EXISTS);
    assert_int_equal(rev, -1); /* untouched on failure */
    check_kv(s, "/a", "one", 1, 1);

    /* Unconditional update. */
    assert_int_equal(store_update(s, "/a", "two", 3, 0, &rev), 0);
    assert_int_equal(rev, 2);
    check_kv(s, "/a", "two", 2, 1);

    /* CAS: stale revision conflicts, current one wins. */
    assert_int_equal(store_update(s, "/a", "three", 5, 1, &rev), EN_CONFLICT);
    assert_int_equal(store_update(s, "/a", "three", 5, 99, &rev), EN_CONFLICT);
    check_kv(s, "/a", "two", 2, 1);
    assert_int_equal(store_update(s, "/a", "three", 5, 2, &rev), 0);
    assert_int_equal(rev, 3);

    /* Update/delete of a missing key. */
    assert_int_equal(store_update(s, "/nope", "x", 1, 0, &rev), EN_NOTFOUND);
    assert_int_equal(store_update(s, "/nope", "x", 1, 7, &rev), EN_NOTFOUND);
    assert_int_equal(store_delete(s, "/nope", 0, &rev), EN_NOTFOUND);

    /* Delete: stale revision conflicts, then succeeds. */
    assert_int_equal(store_delete(s, "/a", 2, &rev), EN_CONFLICT);
    check_kv(s, "/a", "three", 3, 1);
    assert_int_equal(store_delete(s, "/a", 3, &rev), 0);
    assert_int_equal(rev, 4);
    assert_int_equal(store_get(s, "/a", &kv), EN_NOTFOUND);
    assert_int_equal(store_delete(s, "/a", 0, &rev), EN_NOTFOUND);
    assert_int_equal(store_update(s, "/a", "x", 1, 0, &rev), EN_NOTFOUND);

    /* Re-created key starts a new life. */
    assert_int_equal(create_str(s, "/a", "reborn", &rev), 0);
    assert_int_equal(rev, 5);
    check_kv(s, "/a", "reborn", 5, 5);

    /* Unconditional delete; failed ops above consumed no revisions. */
    assert_int_equal(store_delete(s, "/a", 0, &rev), 0);
    assert_int_equal(rev, 6);
    assert_int_equal(store_revision(s), 6);

    /* NULL rev pointers are fine. */
    assert_int_equal(create_str(s, "/b", "b", NULL), 0);
    assert_int_equal(store_update(s, "/b", "b2", 2, 0, NULL), 0);
    assert_int_equal(store_delete(s, "/b", 0, NULL), 0);
    assert_int_equal(store_revision(s), 9);
}

static void test_values_binary_empty_large(void **state)
{
    fx *f = *state;
    store *s = f->s;
    static const char bin[] = {'a', '\0', 'b', '\xff', '\0'};
    size_t big_len = 3u * 1024 * 1024 + 17;
    char *big = xmalloc(big_len);
    store_kv kv;
    int64_t rev;

    for (size_t i = 0; i < big_len; i++)
        big[i] = (char)(i * 7 + 3);
    /* Empty value (and NULL with len 0). */
    assert_int_equal(store_create(s, "/empty", "", 0, &rev), 0);
    assert_int_equal(store_create(s, "/null", NULL, 0, &rev), 0);
    assert_int_equal(store_get(s, "/null", &kv), 0);
    assert_int_equal(kv.len, 0);
    assert_non_null(kv.value);
    assert_int_equal(kv.value[0], '\0');
    store_kv_release(&kv);
    /* Embedded NULs and high bytes survive. */
    assert_int_equal(store_create(s, "/bin", bin, sizeof bin, &rev), 0);
    assert_int_equal(store_get(s, "/bin", &kv), 0);
    assert_int_equal(kv.len, sizeof bin);
    assert_memory_equal(kv.value, bin, sizeof bin);
    store_kv_release(&kv);
    /* A 3 MiB object. */
    assert_int_equal(store_create(s, "/big", big, big_len, &rev), 0);
    assert_int_equal(store_get(s, "/big", &kv), 0);
    assert_int_equal(kv.len, big_len);
    assert_memory_equal(kv.value, big, big_len);
    store_kv_release(&kv);
    /* Deleting the big one hands its value to the change log intact. */
    {
        tu_rec r;
        store_watcher *w;
        tu_rec_init(&r);
        assert_int_equal(store_delete(s, "/big", 0, &rev), 0);
        assert_int_equal(store_watch(s, rev - 1, tu_rec_cb, &r, &w), 0);
        assert_int_equal(r.n, 1);
        assert_int_equal(r.evs[0].type, STORE_EV_DELETE);
        assert_int_equal(r.evs[0].len, big_len);
        assert_memory_equal(r.evs[0].value, big, big_len);
        store_unwatch(s, w);
        tu_rec_release(&r);
    }
    /* Keys with unusual bytes. */
    assert_int_equal(create_str(s, "/k\xc3\xa9y with space/\x01", "u", &rev), 0);
    check_kv(s, "/k\xc3\xa9y with space/\x01", "u", rev, rev);
    free(big);
}

static void test_bad_input(void **state)
{
    fx *f = *state;
    store *s = f->s;
    size_t huge_len = 70u * 1024;
    char *huge = xmalloc(huge_len + 1);
    store_op ops[6];
    store_kv kv, *kvs = (store_kv *)0x1;
    size_t n = 7;
    int64_t rev = 7;
    store_watcher *w = (store_watcher *)0x1;
    tu_rec r;

    memset(huge, 'k', huge_len);
    huge[0] = '/';
    huge[huge_len] = '\0';
    memset(ops, 0, sizeof ops);
    ops[0] = (store_op){.type = STORE_OP_CREATE, .key = NULL, .value = "v", .len = 1};
    ops[1] = (store_op){.type = STORE_OP_CREATE, .key = "", .value = "v", .len = 1};
    ops[2] = (store_op){.type = STORE_OP_CREATE, .key = "/x", .value = NULL, .len = 4};
    ops[3] = (store_op){.type = (enum store_op_type)42, .key = "/x", .value = "v", .len = 1};
    ops[4] =
        (store_op){.type = STORE_OP_UPDATE, .key = "/x", .value = "v", .len = 1, .expect_rev = -3};
    ops[5] = (store_op){.type = STORE_OP_CREATE, .key = huge, .value = "v", .len = 1};
    assert_int_equal(store_apply(s, ops, 6), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(ops[i].result, EN_INVALID);
    assert_int_equal(ops[5].result, EN_TOOLARGE);
    assert_int_equal(store_revision(s), 0);

    assert_int_equal(store_apply(s, ops, 0), 0);
    assert_int_equal(store_apply(s, NULL, 0), 0);
    assert_int_equal(store_apply(s, NULL, 1), EN_INVALID);
    assert_int_equal(store_apply(NULL, ops, 1), EN_INVALID);
    assert_int_equal(store_create(NULL, "/x", "v", 1, NULL), EN_INVALID);
    assert_int_equal(store_create(s, NULL, "v", 1, NULL), EN_INVALID);
    assert_int_equal(store_get(s, NULL, &kv), EN_INVALID);
    assert_int_equal(store_get(NULL, "/x", &kv), EN_INVALID);
    assert_int_equal(store_get(s, "/x", NULL), EN_INVALID);
    assert_int_equal(store_list(s, NULL, &kvs, &n, &rev), EN_INVALID);
    assert_null(kvs);
    assert_int_equal(n, 0);
    assert_int_equal(store_list(s, "/", NULL, &n, &rev), EN_INVALID);
    assert_int_equal(store_list(NULL, "/", &kvs, &n, &rev), EN_INVALID);
    assert_int_equal(store_watch(s, 0, NULL, NULL, &w), EN_INVALID);
    assert_null(w);
    tu_rec_init(&r);
    assert_int_equal(store_watch(s, -1, tu_rec_cb, &r, &w), EN_INVALID);
    assert_int_equal(store_watch(s, 0, tu_rec_cb, &r, NULL), EN_INVALID);
    assert_int_equal(store_watch(NULL, 0, tu_rec_cb, &r, &w), EN_INVALID);
    tu_rec_release(&r);
    store_unwatch(s, NULL);
    store_unwatch(NULL, NULL);
    assert_int_equal(store_compact(s, -1), EN_INVALID);
    assert_int_equal(store_compact(NULL, 0), EN_INVALID);
    assert_int_equal(store_revision(NULL), 0);
    assert_int_equal(store_compacted_revision(NULL), 0);
    store_kv_release(NULL);
    store_kv_array_free(NULL, 3);
    free(huge);
}

/* ---- list ---------------------------------------------------------------- */

static void test_list_prefix(void **state)
{
    fx *f = *state;
    store *s = f->s;
    /* Created out of order on purpose; "/a" and "/ab" are not under "/a/". */
    static const char *keys[] = {"/a/z",
                                 "/a/b",
                                 "/ab",
                                 "/a",
                                 "/a/b/c",
                                 "/b/x",
                                 "/a/\xff",
                                 "/a0",
                                 "\xff\xff"
                                 "x",
                                 "\xff\xff"};
    size_t nkeys = sizeof keys / sizeof keys[0];
    store_kv *kvs = NULL;
    size_t n = 0;
    int64_t rev = 0;

    for (size_t i = 0; i < nkeys; i++)
        assert_int_equal(create_str(s, keys[i], keys[i], NULL), 0);

    assert_int_equal(store_list(s, "/a/", &kvs, &n, &rev), 0);
    assert_int_equal(rev, (int64_t)nkeys);
    assert_int_equal(n, 4);
    assert_string_equal(kvs[0].key, "/a/b");
    assert_string_equal(kvs[1].key, "/a/b/c");
    assert_string_equal(kvs[2].key, "/a/z");
    assert_string_equal(kvs[3].key, "/a/\xff");
    assert_string_equal(kvs[0].value, "/a/b");
    assert_int_equal(kvs[0].mod_rev, 2);
    assert_int_equal(kvs[0].create_rev, 2);
    store_kv_array_free(kvs, n);

    /* Empty prefix: everything, in byte order. */
    assert_int_equal(store_list(s, "", &kvs, &n, &rev), 0);
    assert_int_equal(n, nkeys);
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(kvs[i - 1].key, kvs[i].key) < 0);
    store_kv_array_free(kvs, n);

    /* A prefix ending in 0xff has no incremented upper bound. */
    assert_int_equal(store_list(s, "\xff\xff", &kvs, &n, &rev), 0);
    assert_int_equal(n, 2);
    assert_string_equal(kvs[0].key, "\xff\xff");
    assert_string_equal(kvs[1].key, "\xff\xff"
                                    "x");
    store_kv_array_free(kvs, n);

    /* An exact key is its own prefix. */
    assert_int_equal(store_list(s, "/a/b/c", &kvs, &n, &rev), 0);
    assert_int_equal(n, 1);
    store_kv_array_free(kvs, n);

    /* No match: empty result, still the current revision. */
    kvs = (store_kv *)0x1;
    assert_int_equal(store_list(s, "/zzz", &kvs, &n, &rev), 0);
    assert_int_equal(n, 0);
    assert_int_equal(rev, (int64_t)nkeys);
    store_kv_array_free(kvs, n);

    /* Deletes disappear from lists; the revision moves on. */
    assert_int_equal(store_delete(s, "/a/b", 0, NULL), 0);
    assert_int_equal(store_list(s, "/a/", &kvs, &n, &rev), 0);
    assert_int_equal(n, 3);
    assert_string_equal(kvs[0].key, "/a/b/c");
    assert_int_equal(rev, (int64_t)nkeys + 1);
    assert_int_equal(rev, store_revision(s));
    store_kv_array_free(kvs, n);
}

/* ---- batches ------------------------------------------------------------- */

static void test_batch_mixed(void **state)
{
    fx *f = *state;
    store *s = f->s;
    store_op ops[7];
    int64_t rev;

    assert_int_equal(create_str(s, "/x", "x1", &rev), 0); /* rev 1 */
    memset(ops, 0, sizeof ops);
    ops[0] = (store_op){.type = STORE_OP_CREATE, .key = "/x", .value = "dup", .len = 3};
    ops[1] = (store_op){.type = STORE_OP_CREATE, .key = "/y", .value = "y1", .len = 2};
    ops[2] = (store_op){.type = STORE_OP_UPDATE, .key = "/missing", .value = "m", .len = 1};
    /* Sees the create two ops earlier in the same batch. */
    ops[3] =
        (store_op){.type = STORE_OP_UPDATE, .key = "/y", .value = "y2", .len = 2, .expect_rev = 2};
    ops[4] =
        (store_op){.type = STORE_OP_UPDATE, .key = "/x", .value = "x2", .len = 2, .expect_rev = 5};
    ops[5] = (store_op){.type = STORE_OP_DELETE, .key = "/x", .expect_rev = 1};
    ops[6] = (store_op){.type = STORE_OP_CREATE, .key = "/y", .value = "again", .len = 5};
    assert_int_equal(store_apply(s, ops, 7), 0);
    assert_int_equal(ops[0].result, EN_EXISTS);
    assert_int_equal(ops[1].result, 0);
    assert_int_equal(ops[1].rev, 2);
    assert_int_equal(ops[2].result, EN_NOTFOUND);
    assert_int_equal(ops[3].result, 0);
    assert_int_equal(ops[3].rev, 3);
    assert_int_equal(ops[4].result, EN_CONFLICT);
    assert_int_equal(ops[5].result, 0);
    assert_int_equal(ops[5].rev, 4);
    assert_int_equal(ops[6].result, EN_EXISTS);
    assert_int_equal(ops[0].rev, 0);
    assert_int_equal(store_revision(s), 4);
    check_kv(s, "/y", "y2", 3, 2);
    {
        store_kv kv;
        assert_int_equal(store_get(s, "/x", &kv), EN_NOTFOUND);
    }
    /* A batch where everything fails still returns 0. */
    ops[0] = (store_op){.type = STORE_OP_DELETE, .key = "/x"};
    assert_int_equal(store_apply(s, ops, 1), 0);
    assert_int_equal(ops[0].result, EN_NOTFOUND);
    assert_int_equal(store_revision(s), 4);
}

/* ---- watch --------------------------------------------------------------- */

static void test_watch_replay_and_live(void **state)
{
    fx *f = *state;
    store *s = f->s;
    tu_rec all, mid, fut;
    store_watcher *wa, *wm, *wf;
    int64_t rev;

    tu_rec_init(&all);
    tu_rec_init(&mid);
    tu_rec_init(&fut);
    assert_int_equal(create_str(s, "/a", "a1", NULL), 0);         /* 1 */
    assert_int_equal(store_update(s, "/a", "a2", 2, 1, NULL), 0); /* 2 */
    assert_int_equal(create_str(s, "/b", "b1", NULL), 0);         /* 3 */
    assert_int_equal(store_delete(s, "/a", 0, NULL), 0);          /* 4 */

    /* From 0: the whole history, replayed before store_watch returns. */
    assert_int_equal(store_watch(s, 0, tu_rec_cb, &all, &wa), 0);
    assert_int_equal(all.n, 4);
    assert_int_equal(all.evs[0].type, STORE_EV_PUT);
    assert_true(all.evs[0].created);
    assert_string_equal(all.evs[0].key, "/a");
    assert_string_equal(all.evs[0].value, "a1");
    assert_int_equal(all.evs[0].rev, 1);
    assert_int_equal(all.evs[0].create_rev, 1);
    assert_false(all.evs[1].created);
    assert_string_equal(all.evs[1].value, "a2");
    assert_int_equal(all.evs[1].create_rev, 1);
    assert_true(all.evs[2].created);
    assert_int_equal(all.evs[3].type, STORE_EV_DELETE);
    assert_false(all.evs[3].created);
    assert_string_equal(all.evs[3].key, "/a");
    assert_string_equal(all.evs[3].value, "a2"); /* the value deleted */
    assert_int_equal(all.evs[3].rev, 4);
    assert_int_equal(all.evs[3].create_rev, 1);

    /* From the middle. */
    assert_int_equal(store_watch(s, 2, tu_rec_cb, &mid, &wm), 0);
    assert_int_equal(mid.n, 2);
    assert_int_equal(mid.evs[0].rev, 3);

    /* From a future revision: nothing until the store passes it. */
    assert_int_equal(store_watch(s, 6, tu_rec_cb, &fut, &wf), 0);
    assert_int_equal(fut.n, 0);

    /* Live: delivered before the writer returns. */
    assert_int_equal(create_str(s, "/c", "c1", &rev), 0); /* 5 */
    assert_int_equal(all.n, 5);
    assert_int_equal(all.evs[4].rev, 5);
    assert_string_equal(all.evs[4].value, "c1");
    assert_true(all.evs[4].created);
    assert_int_equal(mid.n, 3);
    assert_int_equal(fut.n, 0);
    {
        store_op ops[3] = {
            {.type = STORE_OP_UPDATE, .key = "/c", .value = "c2", .len = 2}, /* 6 */
            {.type = STORE_OP_CREATE, .key = "/c", .value = "no", .len = 2}, /* fails */
            {.type = STORE_OP_DELETE, .key = "/b"},                          /* 7 */
        };
        assert_int_equal(store_apply(s, ops, 3), 0);
    }
    assert_int_equal(all.n, 7);
    assert_int_equal(all.evs[6].type, STORE_EV_DELETE);
    assert_string_equal(all.evs[6].value, "b1");
    assert_int_equal(fut.n, 1);
    assert_int_equal(fut.evs[0].rev, 7);

    /* After unwatch nothing more arrives. */
    store_unwatch(s, wm);
    assert_int_equal(create_str(s, "/d", "d", NULL), 0); /* 8 */
    assert_int_equal(mid.n, 5);
    assert_int_equal(all.n, 8);
    assert_int_equal(all.errors + mid.errors + fut.errors, 0);

    /* Watching from the current revision replays nothing. */
    {
        tu_rec now;
        store_watcher *wn;
        tu_rec_init(&now);
        assert_int_equal(store_watch(s, store_revision(s), tu_rec_cb, &now, &wn), 0);
        assert_int_equal(now.n, 0);
        assert_int_equal(now.calls, 0);
        store_unwatch(s, wn);
        tu_rec_release(&now);
    }
    store_unwatch(s, wa);
    store_unwatch(s, wf);
    tu_rec_release(&all);
    tu_rec_release(&mid);
    tu_rec_release(&fut);
}

static void test_watch_unwatch_in_callback(void **state)
{
    fx *f = *state;
    store *s = f->s;
    tu_rec self, other;
    store_watcher *wo;

    tu_rec_init(&self);
    tu_rec_init(&other);
    self.s = s;
    self.unwatch_after = 2;
    assert_int_equal(store_watch(s, 0, tu_rec_cb, &self, &self.self), 0);
    assert_int_equal(store_watch(s, 0, tu_rec_cb, &other, &wo), 0);
    assert_int_equal(create_str(s, "/1", "1", NULL), 0);
    assert_int_equal(create_str(s, "/2", "2", NULL), 0);
    assert_null(self.self); /* it unwatched itself */
    assert_int_equal(create_str(s, "/3", "3", NULL), 0);
    assert_int_equal(self.n, 2);
    assert_int_equal(other.n, 3);
    store_unwatch(s, wo);
    tu_rec_release(&self);
    tu_rec_release(&other);
}

/* ---- compaction ---------------------------------------------------------- */

static void test_compaction(void **state)
{
    fx *f = *state;
    store *s = f->s;
    tu_rec r;
    store_watcher *w = (store_watcher *)0x1;

    tu_rec_init(&r);
    for (int i = 0; i < 10; i++) {
        char key[32];
        snprintf(key, sizeof key, "/k%d", i);
        assert_int_equal(create_str(s, key, "v", NULL), 0);
    }
    assert_int_equal(store_update(s, "/k0", "v2", 2, 0, NULL), 0); /* 11 */
    assert_int_equal(store_compact(s, 12), EN_INVALID);            /* future */
    assert_int_equal(store_compact(s, 0), EN_COMPACTED);           /* nothing older */
    assert_int_equal(store_compact(s, 6), 0);
    assert_int_equal(store_compacted_revision(s), 6);
    assert_int_equal(store_compact(s, 6), EN_COMPACTED);
    assert_int_equal(store_compact(s, 3), EN_COMPACTED);

    assert_int_equal(store_watch(s, 5, tu_rec_cb, &r, &w), EN_COMPACTED);
    assert_null(w);
    assert_int_equal(store_watch(s, 0, tu_rec_cb, &r, &w), EN_COMPACTED);
    assert_int_equal(r.calls, 0);
    /* Exactly at the compaction point is still fine. */
    assert_int_equal(store_watch(s, 6, tu_rec_cb, &r, &w), 0);
    assert_int_equal(r.n, 5);
    assert_int_equal(r.evs[0].rev, 7);
    store_unwatch(s, w);

    /* Current values are untouched. */
    check_kv(s, "/k0", "v2", 11, 1);
    check_kv(s, "/k1", "v", 2, 2);

    /* Compacting to the head leaves an empty history. */
    assert_int_equal(store_compact(s, 11), 0);
    tu_rec_release(&r);
    tu_rec_init(&r);
    assert_int_equal(store_watch(s, 11, tu_rec_cb, &r, &w), 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(create_str(s, "/new", "n", NULL), 0);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.evs[0].rev, 12);
    store_unwatch(s, w);
    tu_rec_release(&r);
}

/* ---- persistence --------------------------------------------------------- */

static void test_reopen_persistence(void **state)
{
    fx *f = *state;
    tu_rec r;
    store_watcher *w;
    store_kv *kvs;
    size_t n;
    int64_t rev;

    assert_int_equal(create_str(f->s, "/p/a", "a", NULL), 0);          /* 1 */
    assert_int_equal(create_str(f->s, "/p/b", "b", NULL), 0);          /* 2 */
    assert_int_equal(store_update(f->s, "/p/a", "a2", 2, 1, NULL), 0); /* 3 */
    assert_int_equal(create_str(f->s, "/p/c", "c", NULL), 0);          /* 4 */
    assert_int_equal(store_delete(f->s, "/p/b", 2, NULL), 0);          /* 5 */
    assert_int_equal(create_str(f->s, "/p/d", "d", NULL), 0);          /* 6 */
    assert_int_equal(store_compact(f->s, 3), 0);

    fx_reopen(f);
    assert_int_equal(store_revision(f->s), 6);
    assert_int_equal(store_compacted_revision(f->s), 3);
    check_kv(f->s, "/p/a", "a2", 3, 1);
    check_kv(f->s, "/p/c", "c", 4, 4);
    assert_int_equal(store_list(f->s, "/p/", &kvs, &n, &rev), 0);
    assert_int_equal(n, 3);
    assert_int_equal(rev, 6);
    store_kv_array_free(kvs, n);

    /* The key map was rebuilt: CAS and existence checks still work. */
    assert_int_equal(create_str(f->s, "/p/a", "x", NULL), EN_EXISTS);
    assert_int_equal(store_update(f->s, "/p/a", "x", 1, 1, NULL), EN_CONFLICT);
    assert_int_equal(store_update(f->s, "/p/b", "x", 1, 0, NULL), EN_NOTFOUND);
    assert_int_equal(create_str(f->s, "/p/b", "b2", &rev), 0);
    assert_int_equal(rev, 7); /* revisions continue, never repeat */
    assert_int_equal(store_update(f->s, "/p/a", "a3", 2, 3, &rev), 0);
    assert_int_equal(rev, 8);

    /* History survives too, from the compaction point. */
    tu_rec_init(&r);
    assert_int_equal(store_watch(f->s, 2, tu_rec_cb, &r, &w), EN_COMPACTED);
    assert_int_equal(store_watch(f->s, 3, tu_rec_cb, &r, &w), 0);
    assert_int_equal(r.n, 5);
    assert_int_equal(r.evs[0].rev, 4);
    assert_int_equal(r.evs[1].type, STORE_EV_DELETE);
    assert_string_equal(r.evs[1].value, "b");
    assert_int_equal(r.evs[1].create_rev, 2);
    assert_true(r.evs[3].created);
    assert_int_equal(r.evs[3].create_rev, 7);
    store_unwatch(f->s, w);
    tu_rec_release(&r);

    /* An empty store reopens as empty. */
    {
        char *dir = tu_mkdtemp();
        store *e;
        assert_int_equal(store_open(dir, &e), 0);
        store_close(e);
        assert_int_equal(store_open(dir, &e), 0);
        assert_int_equal(store_revision(e), 0);
        assert_int_equal(create_str(e, "/first", "1", &rev), 0);
        assert_int_equal(rev, 1);
        store_close(e);
        tu_rmdir(dir);
    }
}

/* Watches still registered at close are freed by it (LSan checks). */
static void test_close_with_watch(void **state)
{
    fx *f = *state;
    tu_rec r;
    store_watcher *w;

    tu_rec_init(&r);
    assert_int_equal(store_watch(f->s, 0, tu_rec_cb, &r, &w), 0);
    assert_int_equal(create_str(f->s, "/x", "x", NULL), 0);
    fx_reopen(f);
    assert_int_equal(r.n, 1);
    tu_rec_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_uris),
        cmocka_unit_test_setup_teardown(test_crud_and_errors, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_values_binary_empty_large, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_list_prefix, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_batch_mixed, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_watch_replay_and_live, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_watch_unwatch_in_callback, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_compaction, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_reopen_persistence, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_close_with_watch, fx_setup, fx_teardown),
    };

    log_set_level(LOG_WARN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
