/*
 * test_store_concurrency.c -- the store under concurrent writers, and under
 * kill -9.
 *
 *  - Writers on private and contended keys while watches start at random
 *    moments (from 0, from "now", from a little back): every watch must see
 *    each revision exactly once, in order, with no gap between replay and
 *    live delivery; a watch from 0 must rebuild exactly what store_list
 *    returns; every acknowledged write must already have been delivered.
 *  - Crash safety: a forked child writes from several threads and reports
 *    each acknowledged key on a pipe; the parent SIGKILLs it mid-burst,
 *    reopens the store and checks that every acknowledged key is there and
 *    the change log is gap-free.  Several rounds, each recovering the WAL
 *    the previous kill left behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store_testutil.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <time.h>

/* ---- concurrent writers + watches ---------------------------------------- */

#define CW_THREADS 4
#define CW_OPS 300
#define CW_KEYS 8
#define CW_SHARED 60
#define CW_WATCHES 24
#define CW_SPACING 50 /* revisions between watch starts */

/* Shared by the writer threads of one test run. */
typedef struct cw_ctx {
    store *s;
    tu_rec *mirror;         /* watch from 0, registered before writers start */
    atomic_int errors;      /* unexpected results (asserted by the main thread) */
    atomic_int undelivered; /* acks whose event the mirror had not yet seen */
    atomic_int shared_wins; /* successful creates of contended keys */
    atomic_int done;        /* writers finished */
} cw_ctx;

typedef struct cw_arg {
    cw_ctx *c;
    int id;
} cw_arg;

static void cw_check_delivered(cw_ctx *c, int64_t rev)
{
    int64_t seen;

    pthread_mutex_lock(&c->mirror->mu);
    seen = c->mirror->last;
    pthread_mutex_unlock(&c->mirror->mu);
    if (seen < rev)
        atomic_fetch_add(&c->undelivered, 1);
}

static void *cw_writer(void *arg)
{
    cw_arg *a = arg;
    cw_ctx *c = a->c;
    int64_t mod[CW_KEYS] = {0}; /* 0 = key absent */
    unsigned seed = (unsigned)a->id * 7919u + 1;

    for (int i = 0; i < CW_OPS; i++) {
        char key[64], val[64];
        int k = (int)(rand_r(&seed) % CW_KEYS);
        bool deleting = mod[k] != 0 && rand_r(&seed) % 4 == 0;
        int64_t rev = 0;
        store_kv kv;
        int rc, g;

        snprintf(key, sizeof key, "/w/%d/%d", a->id, k);
        snprintf(val, sizeof val, "t%d-op%d", a->id, i);

        if (mod[k] == 0) {
            rc = store_create(c->s, key, val, strlen(val), &rev);
        } else if (deleting) {
            rc = store_delete(c->s, key, mod[k], &rev);
        } else {
            /* Alternate CAS and unconditional updates. */
            int64_t expect = (i % 2) ? mod[k] : 0;
            rc = store_update(c->s, key, val, strlen(val), expect, &rev);
        }
        if (rc != 0 || rev <= 0) {
            atomic_fetch_add(&c->errors, 1);
            continue;
        }
        cw_check_delivered(c, rev);
        /* The revision we replaced is stale now: CAS with it conflicts. */
        if (mod[k] != 0 && !deleting &&
            store_update(c->s, key, "stale", 5, mod[k], NULL) != EN_CONFLICT)
            atomic_fetch_add(&c->errors, 1);
        mod[k] = deleting ? 0 : rev;
        /* Reads see our own acknowledged write. */
        g = store_get(c->s, key, &kv);
        if (g == 0) {
            if (deleting || kv.mod_rev != rev || strcmp(kv.value, val) != 0)
                atomic_fetch_add(&c->errors, 1);
            store_kv_release(&kv);
        } else if (g != EN_NOTFOUND || !deleting) {
            atomic_fetch_add(&c->errors, 1);
        }
        /* Contended creates: exactly one thread wins each key. */
        if (i < CW_SHARED) {
            snprintf(key, sizeof key, "/shared/%d", i);
            rc = store_create(c->s, key, val, strlen(val), &rev);
            if (rc == 0)
                atomic_fetch_add(&c->shared_wins, 1);
            else if (rc != EN_EXISTS)
                atomic_fetch_add(&c->errors, 1);
        }
    }
    atomic_fetch_add(&c->done, 1);
    return NULL;
}

/* Apply a watch's events to a tiny key->value model and compare it with
 * store_list. */
static void check_mirror_matches_list(store *s, const tu_rec *r)
{
    typedef struct {
        const char *key;
        const char *value;
        int64_t rev;
        bool alive;
    } ent;
    ent *m = xcalloc(r->n + 1, sizeof *m);
    size_t nm = 0, alive = 0, n = 0;
    store_kv *kvs = NULL;
    int64_t rev = 0;

    for (size_t i = 0; i < r->n; i++) {
        size_t j;
        for (j = 0; j < nm; j++)
            if (strcmp(m[j].key, r->evs[i].key) == 0)
                break;
        if (j == nm)
            m[nm++].key = r->evs[i].key;
        if (r->evs[i].type == STORE_EV_PUT) {
            /* created <=> the key was absent before this event */
            assert_int_equal(r->evs[i].created, !m[j].alive);
            m[j].alive = true;
        } else {
            assert_true(m[j].alive);
            m[j].alive = false;
        }
        m[j].value = r->evs[i].value;
        m[j].rev = r->evs[i].rev;
    }
    assert_int_equal(store_list(s, "", &kvs, &n, &rev), 0);
    assert_int_equal(rev, r->last);
    for (size_t j = 0; j < nm; j++)
        alive += m[j].alive;
    assert_int_equal(n, alive);
    for (size_t i = 0; i < n; i++) {
        size_t j;
        for (j = 0; j < nm; j++)
            if (strcmp(m[j].key, kvs[i].key) == 0)
                break;
        assert_true(j < nm);
        assert_true(m[j].alive);
        assert_string_equal(m[j].value, kvs[i].value);
        assert_int_equal(m[j].rev, kvs[i].mod_rev);
    }
    store_kv_array_free(kvs, n);
    free(m);
}

static void test_concurrent_writers_and_watches(void **state)
{
    char *dir = tu_mkdtemp();
    cw_ctx c;
    cw_arg args[CW_THREADS];
    pthread_t th[CW_THREADS];
    tu_rec mirror, recs[CW_WATCHES];
    store_watcher *mw, *ws[CW_WATCHES];
    int64_t from[CW_WATCHES] = {0}, final;
    int nw = 0;

    (void)state;
    memset(&c, 0, sizeof c);
    assert_int_equal(store_open(dir, &c.s), 0);
    tu_rec_init(&mirror);
    c.mirror = &mirror;
    assert_int_equal(store_watch(c.s, 0, tu_rec_cb, &mirror, &mw), 0);
    for (int t = 0; t < CW_THREADS; t++) {
        args[t] = (cw_arg){.c = &c, .id = t};
        assert_int_equal(pthread_create(&th[t], NULL, cw_writer, &args[t]), 0);
    }
    /* Start watches spread over the writers' run (one per CW_SPACING
     * revisions), so replays of growing history overlap live commits. */
    while (nw < CW_WATCHES) {
        int64_t now = store_revision(c.s);
        struct timespec ts = {0, 200 * 1000};
        if (now < (int64_t)nw * CW_SPACING && atomic_load(&c.done) < CW_THREADS) {
            nanosleep(&ts, NULL);
            continue;
        }
        switch (nw % 3) {
        case 0:
            from[nw] = 0;
            break;
        case 1:
            from[nw] = now;
            break;
        default:
            from[nw] = now > 5 ? now - 5 : 0;
            break;
        }
        tu_rec_init(&recs[nw]);
        assert_int_equal(store_watch(c.s, from[nw], tu_rec_cb, &recs[nw], &ws[nw]), 0);
        nw++;
    }
    for (int t = 0; t < CW_THREADS; t++)
        pthread_join(th[t], NULL);

    assert_int_equal(atomic_load(&c.errors), 0);
    assert_int_equal(atomic_load(&c.undelivered), 0);
    assert_int_equal(atomic_load(&c.shared_wins), CW_SHARED);
    final = store_revision(c.s);
    assert_true(final >= CW_THREADS * CW_OPS);
    /* Every watch: exactly from+1 .. final, in order, once each. */
    for (int i = 0; i < nw; i++) {
        pthread_mutex_lock(&recs[i].mu);
        assert_int_equal(recs[i].errors, 0);
        assert_int_equal(recs[i].n, (size_t)(final - from[i]));
        for (size_t j = 0; j < recs[i].n; j++)
            assert_int_equal(recs[i].evs[j].rev, from[i] + 1 + (int64_t)j);
        pthread_mutex_unlock(&recs[i].mu);
        store_unwatch(c.s, ws[i]);
        tu_rec_release(&recs[i]);
    }
    assert_int_equal(mirror.errors, 0);
    assert_int_equal(mirror.n, (size_t) final);
    check_mirror_matches_list(c.s, &mirror);
    store_unwatch(c.s, mw);
    tu_rec_release(&mirror);
    store_close(c.s);
    tu_rmdir(dir);
}

/* Writers racing store_unwatch: after unwatch returns the callback must
 * never run again (it would touch a freed recorder). */
typedef struct uw_ctx {
    store *s;
    atomic_int stop;
} uw_ctx;

static void *uw_writer(void *arg)
{
    uw_ctx *u = arg;
    unsigned long i = 0;

    while (!atomic_load(&u->stop)) {
        char key[48];
        snprintf(key, sizeof key, "/uw/%p/%lu", (void *)&i, i++);
        if (store_create(u->s, key, "v", 1, NULL) != 0)
            break;
    }
    return NULL;
}

static void test_unwatch_races_delivery(void **state)
{
    char *dir = tu_mkdtemp();
    uw_ctx u;
    pthread_t th[3];

    (void)state;
    memset(&u, 0, sizeof u);
    assert_int_equal(store_open(dir, &u.s), 0);
    for (int t = 0; t < 3; t++)
        assert_int_equal(pthread_create(&th[t], NULL, uw_writer, &u), 0);
    for (int round = 0; round < 200; round++) {
        tu_rec *r = xcalloc(1, sizeof *r);
        store_watcher *w;
        tu_rec_init(r);
        assert_int_equal(store_watch(u.s, store_revision(u.s), tu_rec_cb, r, &w), 0);
        sched_yield();
        store_unwatch(u.s, w);
        assert_int_equal(r->errors, 0);
        /* Poison and free: a late callback would be caught by ASan. */
        tu_rec_release(r);
        memset(r, 0xab, sizeof *r);
        free(r);
    }
    atomic_store(&u.stop, 1);
    for (int t = 0; t < 3; t++)
        pthread_join(th[t], NULL);
    store_close(u.s);
    tu_rmdir(dir);
}

/* ---- crash safety -------------------------------------------------------- */

#define CR_THREADS 8

typedef struct cr_arg {
    store *s;
    int wfd;
    int round;
    int id;
} cr_arg;

/* Child thread: create keys forever, reporting each acknowledged one. */
static void *cr_child_writer(void *arg)
{
    cr_arg *a = arg;

    for (int i = 0;; i++) {
        char key[80], line[96];
        int64_t rev;
        int len;

        snprintf(key, sizeof key, "/crash/r%d/t%d/%06d", a->round, a->id, i);
        if (store_create(a->s, key, key, strlen(key), &rev) != 0)
            _exit(4);
        /* One write(2) of < PIPE_BUF bytes: lines never interleave. */
        len = snprintf(line, sizeof line, "%s %lld\n", key, (long long)rev);
        if (write(a->wfd, line, (size_t)len) != len)
            _exit(3);
    }
    return NULL;
}

static void cr_child(const char *dir, int wfd, int round)
{
    store *s;
    cr_arg args[CR_THREADS];
    pthread_t th[CR_THREADS];

    if (store_open(dir, &s) != 0)
        _exit(2);
    for (int t = 0; t < CR_THREADS; t++) {
        args[t] = (cr_arg){.s = s, .wfd = wfd, .round = round, .id = t};
        if (pthread_create(&th[t], NULL, cr_child_writer, &args[t]) != 0)
            _exit(5);
    }
    for (int t = 0; t < CR_THREADS; t++)
        pthread_join(th[t], NULL);
    _exit(0);
}

/* Acknowledged keys read from the child. */
typedef struct cr_acks {
    char **keys;
    int64_t *revs;
    size_t n, cap;
} cr_acks;

static void cr_acks_add(cr_acks *a, const char *line)
{
    char key[96];
    long long rev;

    assert_int_equal(sscanf(line, "%95s %lld", key, &rev), 2);
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 1024;
        a->keys = xrealloc(a->keys, a->cap * sizeof *a->keys);
        a->revs = xrealloc(a->revs, a->cap * sizeof *a->revs);
    }
    a->keys[a->n] = xstrdup(key);
    a->revs[a->n++] = rev;
}

/* Read whole lines from fd into acks until EOF or until `until` acks (0 =
 * EOF only).  Returns false on EOF. */
static bool cr_read(int fd, sbuf *pend, cr_acks *acks, size_t until)
{
    char buf[4096];

    for (;;) {
        ssize_t got;
        char *nl;
        if (until && acks->n >= until)
            return true;
        got = read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        sbuf_append(pend, buf, (size_t)got);
        while (pend->len && (nl = memchr(pend->buf, '\n', pend->len))) {
            size_t l = (size_t)(nl - pend->buf) + 1;
            *nl = '\0';
            cr_acks_add(acks, pend->buf);
            memmove(pend->buf, pend->buf + l, pend->len - l + 1);
            pend->len -= l;
        }
    }
}

static void cr_verify(const char *dir, const cr_acks *acks, int round)
{
    store *s;
    store_kv kv;
    tu_rec r;
    store_watcher *w;
    char prefix[32];
    store_kv *kvs;
    size_t n;
    int64_t rev;

    assert_int_equal(store_open(dir, &s), 0);
    for (size_t i = 0; i < acks->n; i++) {
        int rc = store_get(s, acks->keys[i], &kv);
        if (rc != 0)
            fail_msg("round %d: acknowledged key %s (rev %lld) lost", round, acks->keys[i],
                     (long long)acks->revs[i]);
        assert_int_equal(kv.mod_rev, acks->revs[i]);
        assert_string_equal(kv.value, acks->keys[i]);
        store_kv_release(&kv);
    }
    snprintf(prefix, sizeof prefix, "/crash/r%d/", round);
    assert_int_equal(store_list(s, prefix, &kvs, &n, &rev), 0);
    assert_true(n >= acks->n);
    assert_int_equal(rev, store_revision(s));
    store_kv_array_free(kvs, n);
    /* The change log is complete and agrees with the values. */
    tu_rec_init(&r);
    assert_int_equal(store_watch(s, 0, tu_rec_cb, &r, &w), 0);
    assert_int_equal(r.errors, 0);
    assert_int_equal(r.n, (size_t)store_revision(s));
    store_unwatch(s, w);
    tu_rec_release(&r);
    /* The store keeps working after recovery. */
    assert_int_equal(store_create(s, prefix, "after", 5, &rev), 0);
    assert_int_equal(rev, (int64_t)r.n + 1);
    store_close(s);
}

static void test_crash_loses_no_acknowledged_write(void **state)
{
    char *dir = tu_mkdtemp();
    /* Kill after different amounts of work: early, mid, later. */
    static const size_t kill_after[] = {50, 700, 2500};

    (void)state;
    for (int round = 0; round < 3; round++) {
        cr_acks acks = {0};
        sbuf pend;
        int p[2], status = 0;
        pid_t pid;

        sbuf_init(&pend);
        assert_int_equal(pipe(p), 0);
        fflush(NULL);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            cr_child(dir, p[1], round);
        }
        close(p[1]);
        if (!cr_read(p[0], &pend, &acks, kill_after[round]))
            fail_msg("round %d: child stopped after %zu acks", round, acks.n);
        kill(pid, SIGKILL);
        /* Acks already in the pipe count too: they were acknowledged. */
        cr_read(p[0], &pend, &acks, 0);
        close(p[0]);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        print_message("crash round %d: killed after %zu acknowledged creates\n", round, acks.n);
        cr_verify(dir, &acks, round);
        for (size_t i = 0; i < acks.n; i++)
            free(acks.keys[i]);
        free(acks.keys);
        free(acks.revs);
        sbuf_release(&pend);
    }
    tu_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_writers_and_watches),
        cmocka_unit_test(test_unwatch_races_delivery),
        cmocka_unit_test(test_crash_loses_no_acknowledged_write),
    };

    log_set_level(LOG_WARN);
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
