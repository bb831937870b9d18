/*
 * test_store_internal.c -- tests of the store's static helpers, its closing
 * behaviour, and a group-commit throughput printout.
 *
 * Includes store.c and store_sqlite.c to reach their statics (the sequenced
 * key map, prefix bounds, URI schemes, the batch counter).  The throughput
 * figure is printed, never asserted: the machine is shared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/store.c"
#include "store/store_sqlite.c"

#include "store_testutil.h"

/* ---- key map ------------------------------------------------------------- */

static void test_map(void **state)
{
    sq_map m = {0};
    char key[32];
    sq_key *k;

    (void)state;
    assert_null(sq_map_find(&m, "/a"));
    assert_false(sq_map_remove(&m, "/a"));
    /* Enough keys to force several rehashes. */
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "/registry/pods/ns/p%d", i);
        k = sq_map_insert(&m, key, i + 1, i + 1);
        assert_string_equal(k->key, key);
    }
    assert_int_equal(m.len, 5000);
    assert_true(m.nbuckets >= m.len);
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "/registry/pods/ns/p%d", i);
        k = sq_map_find(&m, key);
        assert_non_null(k);
        assert_int_equal(k->mod_rev, i + 1);
    }
    assert_null(sq_map_find(&m, "/registry/pods/ns/p5000"));
    assert_null(sq_map_find(&m, "/registry/pods/ns/p"));
    assert_null(sq_map_find(&m, ""));
    /* Remove every other key. */
    for (int i = 0; i < 5000; i += 2) {
        snprintf(key, sizeof key, "/registry/pods/ns/p%d", i);
        assert_true(sq_map_remove(&m, key));
        assert_false(sq_map_remove(&m, key));
    }
    assert_int_equal(m.len, 2500);
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "/registry/pods/ns/p%d", i);
        assert_true((sq_map_find(&m, key) != NULL) == (i % 2 == 1));
    }
    /* Updating through the returned pointer sticks. */
    k = sq_map_find(&m, "/registry/pods/ns/p1");
    k->mod_rev = 99;
    assert_int_equal(sq_map_find(&m, "/registry/pods/ns/p1")->mod_rev, 99);
    /* Re-insert after removal. */
    sq_key *k0 = sq_map_insert(&m, "/registry/pods/ns/p0", 7, 7);
    assert_ptr_equal(sq_map_find(&m, "/registry/pods/ns/p0"), k0);
    sq_map_release(&m);
    assert_int_equal(m.len, 0);
    assert_null(m.buckets);
    sq_map_release(&m); /* twice is fine */
}

/* ---- prefix bounds and URI schemes --------------------------------------- */

static void test_prefix_end(void **state)
{
    char *e;

    (void)state;
    assert_null(sq_prefix_end(""));
    assert_null(sq_prefix_end("\xff"));
    assert_null(sq_prefix_end("\xff\xff\xff"));
    e = sq_prefix_end("/a/");
    assert_string_equal(e, "/a0");
    free(e);
    e = sq_prefix_end("/a\xff");
    assert_string_equal(e, "/b");
    free(e);
    e = sq_prefix_end("a\xff\xff");
    assert_string_equal(e, "b");
    free(e);
    e = sq_prefix_end("\x7f");
    assert_string_equal(e, "\x80");
    free(e);
    e = sq_prefix_end("x\xfe");
    assert_string_equal(e, "x\xff");
    free(e);
}

static void test_scheme_len(void **state)
{
    (void)state;
    assert_int_equal(store_scheme_len("sqlite:/x"), 6);
    assert_int_equal(store_scheme_len("etcd://h:1"), 4);
    assert_int_equal(store_scheme_len("a+b-c.d:"), 7);
    assert_int_equal(store_scheme_len("/abs/path"), 0);
    assert_int_equal(store_scheme_len("./rel:x"), 0);
    assert_int_equal(store_scheme_len("rel/dir:x"), 0);
    assert_int_equal(store_scheme_len("data"), 0);
    assert_int_equal(store_scheme_len("1abc:x"), 0);
    assert_int_equal(store_scheme_len(":x"), 0);
    assert_int_equal(store_scheme_len(""), 0);
}

/* ---- closing ------------------------------------------------------------- */

static void test_calls_after_close_began(void **state)
{
    char *dir = tu_mkdtemp();
    store *s;
    sq_store *q;
    store_op op = {.type = STORE_OP_CREATE, .key = "/k", .value = "v", .len = 1};
    store_kv kv, *kvs;
    size_t n;
    int64_t rev;
    store_watcher *w;
    tu_rec r;

    (void)state;
    tu_rec_init(&r);
    assert_int_equal(store_open(dir, &s), 0);
    q = sq_of(s);
    assert_int_equal(store_create(s, "/a", "a", 1, NULL), 0);
    /* Pretend store_close has begun (the commit thread keeps running
     * while calls are active, so flipping the flag is safe here). */
    pthread_mutex_lock(&q->mu);
    q->closing = true;
    pthread_mutex_unlock(&q->mu);
    assert_int_equal(store_apply(s, &op, 1), EN_CLOSED);
    assert_int_equal(op.result, EN_CLOSED);
    assert_int_equal(store_create(s, "/k", "v", 1, NULL), EN_CLOSED);
    assert_int_equal(store_get(s, "/a", &kv), EN_CLOSED);
    assert_int_equal(store_list(s, "/", &kvs, &n, &rev), EN_CLOSED);
    assert_int_equal(store_watch(s, 0, tu_rec_cb, &r, &w), EN_CLOSED);
    assert_int_equal(store_compact(s, 1), EN_CLOSED);
    assert_int_equal(store_revision(s), 1);
    pthread_mutex_lock(&q->mu);
    q->closing = false;
    pthread_mutex_unlock(&q->mu);
    assert_int_equal(store_get(s, "/a", &kv), 0);
    store_kv_release(&kv);
    store_close(s);
    tu_rec_release(&r);
    tu_rmdir(dir);
}

/* store_close waits for writers in flight and commits what they queued. */
typedef struct cl_arg {
    store *s;
    int id;
    atomic_int *acked;
    atomic_int *closed;
    atomic_int *bad;
} cl_arg;

static void *cl_writer(void *arg)
{
    cl_arg *a = arg;

    for (int i = 0;; i++) {
        char key[48];
        int rc;
        snprintf(key, sizeof key, "/cl/%d/%d", a->id, i);
        rc = store_create(a->s, key, "v", 1, NULL);
        if (rc == EN_CLOSED) {
            atomic_fetch_add(a->closed, 1);
            return NULL;
        }
        if (rc != 0) {
            atomic_fetch_add(a->bad, 1);
            return NULL;
        }
        atomic_fetch_add(a->acked, 1);
    }
}

static void test_close_drains_writers(void **state)
{
    char *dir = tu_mkdtemp();
    atomic_int acked = 0, closed = 0, bad = 0;
    cl_arg args[4];
    pthread_t th[4];
    sq_store *q;
    store *s;
    int64_t final;

    (void)state;
    assert_int_equal(store_open(dir, &s), 0);
    q = sq_of(s);
    for (int t = 0; t < 4; t++) {
        args[t] = (cl_arg){.s = s, .id = t, .acked = &acked, .closed = &closed, .bad = &bad};
        assert_int_equal(pthread_create(&th[t], NULL, cl_writer, &args[t]), 0);
    }
    while (atomic_load(&acked) < 200)
        sched_yield();
    /* The first half of store_close: refuse new calls.  The writers see
     * EN_CLOSED on their next call; in-flight ones complete. */
    pthread_mutex_lock(&q->mu);
    q->closing = true;
    pthread_mutex_unlock(&q->mu);
    for (int t = 0; t < 4; t++)
        pthread_join(th[t], NULL);
    assert_int_equal(atomic_load(&closed), 4);
    assert_int_equal(atomic_load(&bad), 0);
    final = store_revision(s);
    /* Every acknowledged create got a revision and nothing else did. */
    assert_int_equal(final, atomic_load(&acked));
    store_close(s);
    assert_int_equal(store_open(dir, &s), 0);
    assert_int_equal(store_revision(s), final);
    store_close(s);
    tu_rmdir(dir);
}

/* ---- durability settings ------------------------------------------------ */

static void test_durability_settings(void **state)
{
    char *dir = tu_mkdtemp();
    store *s;
    sq_store *q;
    int64_t v = -1;
    sqlite3_stmt *st;

    (void)state;
    assert_int_equal(store_open(dir, &s), 0);
    q = sq_of(s);
    /* The commit thread is idle (nothing queued), so borrowing its
     * connection for a moment is safe here. */
    assert_int_equal(sq_query_int(q->wdb, "PRAGMA synchronous", &v), 0);
    assert_int_equal(v, 2); /* FULL */
    assert_int_equal(sqlite3_prepare_v2(q->wdb, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    assert_int_equal(sq_query_int(q->wdb, "PRAGMA user_version", &v), 0);
    assert_int_equal(v, SQ_SCHEMA_VERSION);
    store_close(s);
    tu_rmdir(dir);
}

/* A database whose meta revision is behind its rows must not open: it
 * would hand out revisions twice. */
static void test_inconsistent_db_refused(void **state)
{
    char *dir = tu_mkdtemp();
    char *path = xasprintf("%s/state.db", dir);
    sqlite3 *db;
    store *s;

    (void)state;
    assert_int_equal(store_open(dir, &s), 0);
    assert_int_equal(store_create(s, "/a", "a", 1, NULL), 0);
    assert_int_equal(store_create(s, "/b", "b", 1, NULL), 0);
    store_close(s);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE meta SET v = 1 WHERE k = 'rev'", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    s = (store *)0x1;
    assert_int_equal(store_open(dir, &s), EN_IO);
    assert_null(s);
    /* A newer schema is refused too. */
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "UPDATE meta SET v = 2 WHERE k = 'rev';"
                                  "PRAGMA user_version = 99",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_open(dir, &s), EN_IO);
    /* Not a database at all. */
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_close(db);
    {
        char *junk = xasprintf("%s/junk", dir);
        char *uri = xasprintf("sqlite:%s", junk);
        FILE *f = fopen(junk, "w");
        assert_non_null(f);
        fputs("this is not an sqlite database, just some text that is long enough", f);
        fclose(f);
        assert_int_equal(store_open(uri, &s), EN_IO);
        free(uri);
        free(junk);
    }
    free(path);
    tu_rmdir(dir);
}

/* A foreign process holding the write lock delays writes; it does not
 * kill the store. */
typedef struct fl_arg {
    store *s;
    atomic_int done;
    int rc;
} fl_arg;

static void *fl_writer(void *arg)
{
    fl_arg *a = arg;

    a->rc = store_create(a->s, "/after-lock", "v", 1, NULL);
    atomic_store(&a->done, 1);
    return NULL;
}

static void test_foreign_lock_is_waited_out(void **state)
{
    char *dir = tu_mkdtemp();
    char *path = xasprintf("%s/state.db", dir);
    struct timespec ts = {1, 500 * 1000 * 1000};
    fl_arg a = {0};
    sqlite3 *db;
    pthread_t th;
    store_kv kv;

    (void)state;
    assert_int_equal(store_open(dir, &a.s), 0);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(pthread_create(&th, NULL, fl_writer, &a), 0);
    nanosleep(&ts, NULL);
    assert_int_equal(atomic_load(&a.done), 0);
    assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    pthread_join(th, NULL);
    assert_int_equal(a.rc, 0);
    assert_int_equal(store_get(a.s, "/after-lock", &kv), 0);
    store_kv_release(&kv);
    store_close(a.s);
    free(path);
    tu_rmdir(dir);
}

/* ---- throughput ---------------------------------------------------------- */

#define TP_THREADS 32
#define TP_PER_THREAD 400

typedef struct tp_arg {
    store *s;
    int id;
    int n;
    atomic_int *errors;
} tp_arg;

static void *tp_writer(void *arg)
{
    tp_arg *a = arg;
    char val[256];

    memset(val, 'x', sizeof val);
    for (int i = 0; i < a->n; i++) {
        char key[64];
        snprintf(key, sizeof key, "/registry/pods/ns%d/pod-%d", a->id, i);
        if (store_create(a->s, key, val, sizeof val, NULL) != 0)
            atomic_fetch_add(a->errors, 1);
    }
    return NULL;
}

/* Durable creates per second from `threads` concurrent writers. */
static void tp_run(int threads, int per_thread)
{
    char *dir = tu_mkdtemp();
    tp_arg *args = xcalloc((size_t)threads, sizeof *args);
    pthread_t *th = xcalloc((size_t)threads, sizeof *th);
    atomic_int errors = 0;
    int64_t t0, t1;
    uint64_t b0, b1;
    double secs, total = (double)threads * per_thread;
    store *s;

    assert_int_equal(store_open(dir, &s), 0);
    b0 = sq_of(s)->done_batch;
    t0 = time_mono_ns();
    for (int t = 0; t < threads; t++) {
        args[t] = (tp_arg){.s = s, .id = t, .n = per_thread, .errors = &errors};
        assert_int_equal(pthread_create(&th[t], NULL, tp_writer, &args[t]), 0);
    }
    for (int t = 0; t < threads; t++)
        pthread_join(th[t], NULL);
    t1 = time_mono_ns();
    pthread_mutex_lock(&sq_of(s)->mu);
    b1 = sq_of(s)->done_batch;
    pthread_mutex_unlock(&sq_of(s)->mu);
    assert_int_equal(atomic_load(&errors), 0);
    assert_int_equal(store_revision(s), (int64_t)total);
    secs = (double)(t1 - t0) / 1e9;
    print_message("store throughput: %d threads x %d creates: %.0f durable creates/s "
                  "(%.2f s, %llu commits, %.1f writes/commit)\n",
                  threads, per_thread, total / secs, secs, (unsigned long long)(b1 - b0),
                  total / (double)(b1 - b0 ? b1 - b0 : 1));
    store_close(s);
    free(args);
    free(th);
    tu_rmdir(dir);
}

static void test_throughput(void **state)
{
    (void)state;
    tp_run(1, 300);
    tp_run(TP_THREADS, TP_PER_THREAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map),
        cmocka_unit_test(test_prefix_end),
        cmocka_unit_test(test_scheme_len),
        cmocka_unit_test(test_durability_settings),
        cmocka_unit_test(test_inconsistent_db_refused),
        cmocka_unit_test(test_foreign_lock_is_waited_out),
        cmocka_unit_test(test_calls_after_close_began),
        cmocka_unit_test(test_close_drains_writers),
        cmocka_unit_test(test_throughput),
    };

    log_set_level(LOG_WARN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
