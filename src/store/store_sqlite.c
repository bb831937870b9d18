/*
 * store_sqlite.c -- the embedded SQLite backend of the store (store.h).
 *
 * Design, in the order a write flows through it:
 *
 *  1. Sequencing.  store_apply() checks each op against the *sequenced*
 *     state: an in-memory map key -> {mod_rev, create_rev} (no values, so it
 *     stays small) loaded at open and updated as ops are accepted.  Under
 *     one mutex it hands out consecutive revisions and appends the accepted
 *     writes to the pending queue, so a CAS sees writes that are queued but
 *     not yet durable and revision order is queue order.
 *  2. Group commit.  One commit thread owns the writer connection.  It
 *     takes the whole pending queue (one "batch"), writes it in one
 *     transaction -- current values in `kv`, one row per revision in the
 *     change log `log`, the revision in `meta` -- and COMMITs.  WAL mode with
 *     synchronous=FULL makes the batch durable when COMMIT returns.  A
 *     failed write or COMMIT aborts the process (as etcd does): revisions
 *     were already handed out and later sequenced writes depend on them.
 *  3. Delivery.  A delivery thread takes committed batches in order and
 *     gives their events to every watcher in revision order; only then are
 *     the batch's writers woken.  Meanwhile the commit thread writes the
 *     next batch, so disk and watchers work side by side.
 *  4. Checkpointing.  Copying the WAL back into the database file is not
 *     the committer's job: SQLite's automatic checkpoint would stall every
 *     writer behind megabytes of I/O.  A WAL hook on the writer wakes a
 *     checkpoint thread with its own connection once the WAL holds
 *     SQ_CKPT_FRAMES pages; its PASSIVE checkpoints run beside the commits,
 *     and the writer restarts the WAL from the top once all of it is copied.
 *
 * Reads (get, list, watch replay) use a second connection, serialised by
 * its own mutex; WAL lets it read committed data while the writer writes.
 * A watch replays log rows up to the last *delivered* revision while
 * holding the delivery mutex, then registers: no gap, no duplicate.
 * Compaction is queued to the commit thread like a write; it raises the
 * compacted revision (under the delivery mutex) before deleting log rows,
 * so a replay never finds rows missing.
 *
 * Lock order: watch_mu -> read_mu.  mu is never held while taking another.
 * An flock on the database file keeps a second process from writing behind
 * the in-memory map's back.
 */
#include "core/core.h"
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* Bounds on one op's input: far above any Kubernetes object (etcd's default
 * request limit is 1.5 MiB, ours ~3 MiB) yet well inside SQLite's limits. */
#define SQ_MAX_KEY (64u * 1024u)
#define SQ_MAX_VALUE (64u * 1024u * 1024u)

/* Lock waits.  We are normally the only process on the file, so only a
 * checkpoint, WAL recovery or an operator's sqlite3 shell can hold us up;
 * the writer logs and retries every SQ_WRITER_BUSY_MS. */
#define SQ_WRITER_BUSY_MS 1000
#define SQ_READER_BUSY_MS 10000

/* WAL pages after which the checkpoint thread is woken.  A checkpoint
 * copies the newest version of each page once, so a longer interval copies
 * pages written many times (a pod written three times in a roll-out) fewer
 * times: 8000 pages (32 MB of WAL) cost 40% less checkpoint CPU than 2000. */
#define SQ_CKPT_FRAMES 8000

/* Schema version kept in PRAGMA user_version. */
#define SQ_SCHEMA_VERSION 1

/* ---- sequenced-state map ---------------------------------------------- */

/* One live key as sequenced (possibly not yet committed). */
typedef struct sq_key {
    struct sq_key *next; /* bucket chain */
    uint64_t hash;       /* sq_hash(key), kept to make rehashing cheap */
    int64_t mod_rev;     /* revision of the last sequenced write */
    int64_t create_rev;  /* revision of the sequenced create */
    char key[];          /* NUL-terminated, allocated with the node */
} sq_key;

/* Chained hash map of sq_key; one allocation per key. */
typedef struct sq_map {
    sq_key **buckets; /* nbuckets chains (NULL until the first insert) */
    size_t nbuckets;  /* power of two or 0 */
    size_t len;       /* number of keys */
} sq_map;

/* FNV-1a: short keys with long shared prefixes hash well enough. */
static uint64_t sq_hash(const char *key)
{
    uint64_t h = 1469598103934665603ull;

    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

static void sq_map_release(sq_map *m)
{
    for (size_t i = 0; i < m->nbuckets; i++) {
        sq_key *k = m->buckets[i];
        while (k) {
            sq_key *next = k->next;
            free(k);
            k = next;
        }
    }
    free(m->buckets);
    memset(m, 0, sizeof *m);
}

/* Borrowed entry for key, or NULL. */
static sq_key *sq_map_find(const sq_map *m, const char *key)
{
    uint64_t h;

    if (m->nbuckets == 0)
        return NULL;
    h = sq_hash(key);
    for (sq_key *k = m->buckets[h & (m->nbuckets - 1)]; k; k = k->next)
        if (k->hash == h && strcmp(k->key, key) == 0)
            return k;
    return NULL;
}

/* Double the bucket array (keeps chains short: load factor <= 1). */
static void sq_map_grow(sq_map *m)
{
    size_t nb = m->nbuckets ? m->nbuckets * 2 : 64;
    sq_key **b = xcalloc(nb, sizeof *b);

    for (size_t i = 0; i < m->nbuckets; i++) {
        sq_key *k = m->buckets[i];
        while (k) {
            sq_key *next = k->next;
            size_t j = k->hash & (nb - 1);
            k->next = b[j];
            b[j] = k;
            k = next;
        }
    }
    free(m->buckets);
    m->buckets = b;
    m->nbuckets = nb;
}

/* Add key (which must be absent); returns the new entry (borrowed). */
static sq_key *sq_map_insert(sq_map *m, const char *key, int64_t mod_rev, int64_t create_rev)
{
    size_t klen = strlen(key);
    sq_key *k = xmalloc(sizeof *k + klen + 1);
    size_t j;

    if (m->len >= m->nbuckets)
        sq_map_grow(m);
    memcpy(k->key, key, klen + 1);
    k->hash = sq_hash(key);
    k->mod_rev = mod_rev;
    k->create_rev = create_rev;
    j = k->hash & (m->nbuckets - 1);
    k->next = m->buckets[j];
    m->buckets[j] = k;
    m->len++;
    return k;
}

/* Remove key; false if it was absent. */
static bool sq_map_remove(sq_map *m, const char *key)
{
    uint64_t h;
    sq_key **pp;

    if (m->nbuckets == 0)
        return false;
    h = sq_hash(key);
    for (pp = &m->buckets[h & (m->nbuckets - 1)]; *pp; pp = &(*pp)->next) {
        sq_key *k = *pp;
        if (k->hash == h && strcmp(k->key, key) == 0) {
            *pp = k->next;
            free(k);
            m->len--;
            return true;
        }
    }
    return false;
}

/* ---- backend state ----------------------------------------------------- */

/* One sequenced write on its way to disk and to the watchers. */
typedef struct sq_write {
    struct sq_write *next; /* pending queue / batch, in revision order */
    bool is_delete;        /* DELETE (else PUT) */
    char *key;             /* owned */
    char *value;           /* owned: the new value (PUT), or the deleted value,
                              filled by the commit thread (DELETE) */
    size_t len;            /* bytes in value */
    int64_t rev;           /* revision assigned at sequencing */
    int64_t create_rev;    /* the key's create revision */
    void *aux;             /* store_op.aux (borrowed; the writer waits for delivery) */
} sq_write;

/* A registered watch (the public store_watch handle of this backend). */
struct store_watcher {
    struct store_watcher *next; /* sq_store.watchers list */
    store_watch_fn fn;        /* callback (borrowed) */
    void *ctx;                /* callback argument (borrowed) */
    int64_t after;            /* only events with rev > after are delivered */
    bool dead;                /* unwatched from inside a callback; freed after delivery */
};

/* A committed batch on its way to the delivery thread (which frees it). */
typedef struct sq_batch {
    sq_write *writes; /* owned: the batch's writes, in revision order */
    size_t n;
    uint64_t id;
    struct sq_batch *next;
} sq_batch;

typedef struct sq_store {
    store base;  /* must stay first: store.c sees only this */
    char *path;  /* owned: database file path */
    int lock_fd; /* flock'ed fd on the database file, -1 if none; closed last
                    because closing any fd of the file drops SQLite's
                    fcntl locks on it */

    /* Writer: used by store__sqlite_open, then only by the commit thread. */
    sqlite3 *wdb;
    sqlite3_stmt *w_begin;   /* BEGIN IMMEDIATE */
    sqlite3_stmt *w_commit;  /* COMMIT */
    sqlite3_stmt *w_put;     /* upsert into kv */
    sqlite3_stmt *w_del;     /* delete from kv returning the value */
    sqlite3_stmt *w_log;     /* insert into log */
    sqlite3_stmt *w_meta;    /* update one meta value */
    sqlite3_stmt *w_compact; /* delete old log rows */

    /* Reader: guarded by read_mu. */
    pthread_mutex_t read_mu;
    sqlite3 *rdb;
    sqlite3_stmt *r_begin;     /* BEGIN (a read snapshot for list) */
    sqlite3_stmt *r_end;       /* COMMIT (ends the snapshot) */
    sqlite3_stmt *r_rev;       /* the committed revision from meta */
    sqlite3_stmt *r_get;       /* one key */
    sqlite3_stmt *r_list;      /* keys in [lo, hi) */
    sqlite3_stmt *r_list_from; /* keys >= lo (prefix with no upper bound) */
    sqlite3_stmt *r_replay;    /* log rows in (from, to] */

    /* Sequencing and batching: guarded by mu. */
    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* commit thread: work queued or closing */
    struct sq_waiter *waiters; /* writers waiting for their batch, each woken alone */
    sq_map keys;            /* sequenced key state */
    int64_t seq_rev;        /* last revision handed out */
    sq_write *pend_head;    /* writes waiting for the next batch */
    sq_write **pend_tail;   /* where the next pending write is linked */
    bool has_compact;       /* a compaction is queued for the next batch */
    int64_t compact_req;    /* its revision */
    int64_t compact_hi;     /* highest compaction accepted so far */
    uint64_t fill_batch;    /* id the pending batch will get */
    uint64_t done_batch;    /* id of the last batch committed and delivered */
    atomic_bool closing;    /* store_close began: no new calls (set under mu) */
    atomic_int active;      /* calls in progress (close waits for 0); see sq_leave */
    bool thread_started;    /* thread is valid and must be joined */
    pthread_t thread;       /* the commit thread */
    pthread_cond_t deliver_cv; /* delivery thread: a batch committed, or commit_done */
    struct sq_batch *dq_head;  /* committed batches waiting for delivery, oldest first */
    struct sq_batch **dq_tail;
    bool commit_done;          /* the commit thread has exited */
    bool deliver_started;      /* deliver_thread is valid and must be joined */
    pthread_t deliver_thread;  /* the delivery thread */

    /* Checkpointer: its own connection, used only by its thread; the flags
     * are guarded by ckpt_mu. */
    pthread_mutex_t ckpt_mu;
    pthread_cond_t ckpt_cv;
    sqlite3 *cdb;
    bool ckpt_wanted;       /* the WAL has grown past SQ_CKPT_FRAMES */
    bool ckpt_stop;         /* the store is closing */
    bool ckpt_started;      /* ckpt_thread is valid and must be joined */
    pthread_t ckpt_thread;

    /* Revisions readable without a lock. */
    _Atomic int64_t committed_rev; /* last durable revision */
    _Atomic int64_t compacted_rev; /* written under watch_mu */

    /* Delivery: guarded by watch_mu (held while callbacks run). */
    pthread_mutex_t watch_mu;
    store_watcher *watchers; /* registered watches */
    int64_t delivered_rev; /* last revision given to watchers */
    bool delivering;       /* the commit thread is running callbacks */
} sq_store;

static sq_store *sq_of(store *s)
{
    return (sq_store *)s;
}

/* A write failed after revisions were handed out: nothing sound is left
 * to do but stop before anything acts on state that may not be durable. */
static void sq_fatal(sqlite3 *db, const char *what) __attribute__((noreturn));
static void sq_fatal(sqlite3 *db, const char *what)
{
    en_fatal("store: %s failed: %s; aborting so no acknowledged write is lost", what,
             sqlite3_errmsg(db));
}

/* ---- open -------------------------------------------------------------- */

/* Run one SQL text with no result rows; EN_IO (logged) on failure. */
static int sq_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        log_error("store", "sqlite: %s: %s", sql, err ? err : sqlite3_errmsg(db));
        sqlite3_free(err);
        return EN_IO;
    }
    return 0;
}

static int sq_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
        log_error("store", "sqlite: prepare %s: %s", sql, sqlite3_errmsg(db));
        return EN_IO;
    }
    return 0;
}

/* Single-integer query result into *out; EN_IO on failure or no row. */
static int sq_query_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sq_prepare(db, sql, &st);

    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
    } else {
        log_error("store", "sqlite: %s: %s", sql, sqlite3_errmsg(db));
        rc = EN_IO;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Open one connection with the settings both need; busy_ms bounds each
 * wait for a lock (sq_begin logs and retries after it). */
static int sq_connect(const char *path, sqlite3 **db, int busy_ms)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

    if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
        log_error("store", "cannot open %s: %s", path, *db ? sqlite3_errmsg(*db) : "out of memory");
        return EN_IO;
    }
    sqlite3_extended_result_codes(*db, 1);
    sqlite3_busy_timeout(*db, busy_ms);
    return 0;
}

/* Take the per-file lock that makes this process the only user. */
static int sq_lock_file(sq_store *s)
{
    s->lock_fd = open(s->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (s->lock_fd < 0) {
        log_error("store", "cannot open %s: %s", s->path, strerror(errno));
        return EN_IO;
    }
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        log_error("store", "cannot lock %s: %s (is another everynode server using it?)", s->path,
                  strerror(errno));
        return EN_IO;
    }
    return 0;
}

/* Set up the writer connection: WAL, durability, schema. */
static int sq_init_writer(sq_store *s)
{
    static const char schema[] =
        "CREATE TABLE IF NOT EXISTS kv(key TEXT PRIMARY KEY, value BLOB NOT NULL,"
        " mod_rev INTEGER NOT NULL, create_rev INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS log(rev INTEGER PRIMARY KEY, key TEXT NOT NULL,"
        " type INTEGER NOT NULL, value BLOB NOT NULL, create_rev INTEGER NOT NULL);"
        "CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL);"
        "INSERT OR IGNORE INTO meta(k, v) VALUES('rev', 0), ('compacted', 0);";
    int64_t version = 0;
    sqlite3_stmt *st = NULL;
    int rc;

    rc = sq_connect(s->path, &s->wdb, SQ_WRITER_BUSY_MS);
    if (rc)
        return rc;
    rc = sq_prepare(s->wdb, "PRAGMA journal_mode=WAL", &st);
    if (rc)
        return rc;
    if (sqlite3_step(st) != SQLITE_ROW ||
        strcmp((const char *)sqlite3_column_text(st, 0), "wal") != 0) {
        log_error("store", "%s: cannot switch to WAL mode: %s", s->path, sqlite3_errmsg(s->wdb));
        rc = EN_IO;
    }
    sqlite3_finalize(st);
    if (rc)
        return rc;
    /* FULL: in WAL mode every COMMIT is fsync'ed, so a returned write is
     * durable; NORMAL would only protect against corruption. */
    rc = sq_exec(s->wdb, "PRAGMA synchronous=FULL");
    /* The writer rewrites the same hot pages (pods, leases) all the time:
     * a 16 MiB page cache keeps them from being re-read.  Checkpoints are
     * the checkpoint thread's (sq_init_checkpointer): none until it runs. */
    if (!rc)
        rc = sq_exec(s->wdb, "PRAGMA cache_size=-16384");
    if (!rc)
        rc = sq_exec(s->wdb, "PRAGMA wal_autocheckpoint=0");
    if (!rc)
        rc = sq_query_int(s->wdb, "PRAGMA user_version", &version);
    if (rc)
        return rc;
    if (version > SQ_SCHEMA_VERSION) {
        log_error("store", "%s has schema version %lld, newer than this binary's %d", s->path,
                  (long long)version, SQ_SCHEMA_VERSION);
        return EN_IO;
    }
    rc = sq_exec(s->wdb, "BEGIN IMMEDIATE");
    if (rc)
        return rc;
    rc = sq_exec(s->wdb, schema);
    if (!rc)
        rc = sq_exec(s->wdb, "PRAGMA user_version=1");
    if (!rc)
        rc = sq_exec(s->wdb, "COMMIT");
    if (rc) {
        sq_exec(s->wdb, "ROLLBACK");
        return rc;
    }
    if (sq_prepare(s->wdb, "BEGIN IMMEDIATE", &s->w_begin) ||
        sq_prepare(s->wdb, "COMMIT", &s->w_commit) ||
        sq_prepare(s->wdb,
                   "INSERT INTO kv(key, value, mod_rev, create_rev) VALUES(?1, ?2, ?3, ?4)"
                   " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
                   " mod_rev = excluded.mod_rev, create_rev = excluded.create_rev",
                   &s->w_put) ||
        sq_prepare(s->wdb, "DELETE FROM kv WHERE key = ?1 RETURNING value", &s->w_del) ||
        sq_prepare(s->wdb,
                   "INSERT INTO log(rev, key, type, value, create_rev) VALUES(?1, ?2, ?3, ?4, ?5)",
                   &s->w_log) ||
        sq_prepare(s->wdb, "UPDATE meta SET v = ?2 WHERE k = ?1", &s->w_meta) ||
        sq_prepare(s->wdb, "DELETE FROM log WHERE rev <= ?1", &s->w_compact))
        return EN_IO;
    return 0;
}

/* Load revisions and the key map from disk (before any thread runs). */
static int sq_load(sq_store *s)
{
    int64_t rev = 0, compacted = 0, max_log = 0, max_kv = 0;
    sqlite3_stmt *st = NULL;
    int rc, src;

    rc = sq_query_int(s->wdb, "SELECT v FROM meta WHERE k = 'rev'", &rev);
    if (!rc)
        rc = sq_query_int(s->wdb, "SELECT v FROM meta WHERE k = 'compacted'", &compacted);
    if (!rc)
        rc = sq_query_int(s->wdb, "SELECT coalesce(max(rev), 0) FROM log", &max_log);
    if (!rc)
        rc = sq_query_int(s->wdb, "SELECT coalesce(max(mod_rev), 0) FROM kv", &max_kv);
    if (rc)
        return rc;
    /* Every batch writes all three in one transaction; disagreement means
     * the file was edited or is damaged, and revisions must never repeat. */
    if (max_log > rev || max_kv > rev || compacted > rev) {
        log_error("store", "%s is inconsistent: meta rev %lld, log %lld, kv %lld, compacted %lld",
                  s->path, (long long)rev, (long long)max_log, (long long)max_kv,
                  (long long)compacted);
        return EN_IO;
    }
    rc = sq_prepare(s->wdb, "SELECT key, mod_rev, create_rev FROM kv", &st);
    if (rc)
        return rc;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        if (key)
            sq_map_insert(&s->keys, key, sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2));
    }
    if (src != SQLITE_DONE) {
        log_error("store", "%s: loading keys: %s", s->path, sqlite3_errmsg(s->wdb));
        rc = EN_IO;
    }
    sqlite3_finalize(st);
    if (rc)
        return rc;
    s->seq_rev = rev;
    s->delivered_rev = rev;
    s->compact_hi = compacted;
    atomic_store(&s->committed_rev, rev);
    atomic_store(&s->compacted_rev, compacted);
    return 0;
}

static int sq_init_reader(sq_store *s)
{
    int rc = sq_connect(s->path, &s->rdb, SQ_READER_BUSY_MS);

    if (!rc)
        rc = sq_exec(s->rdb, "PRAGMA query_only=1");
    if (rc)
        return rc;
    if (sq_prepare(s->rdb, "BEGIN", &s->r_begin) || sq_prepare(s->rdb, "COMMIT", &s->r_end) ||
        sq_prepare(s->rdb, "SELECT v FROM meta WHERE k = 'rev'", &s->r_rev) ||
        sq_prepare(s->rdb, "SELECT key, value, mod_rev, create_rev FROM kv WHERE key = ?1",
                   &s->r_get) ||
        sq_prepare(s->rdb,
                   "SELECT key, value, mod_rev, create_rev FROM kv"
                   " WHERE key >= ?1 AND key < ?2 ORDER BY key",
                   &s->r_list) ||
        sq_prepare(s->rdb,
                   "SELECT key, value, mod_rev, create_rev FROM kv WHERE key >= ?1 ORDER BY key",
                   &s->r_list_from) ||
        sq_prepare(s->rdb,
                   "SELECT rev, key, type, value, create_rev FROM log"
                   " WHERE rev > ?1 AND rev <= ?2 ORDER BY rev",
                   &s->r_replay))
        return EN_IO;
    return 0;
}

/* Free everything; the commit thread must not be running. */
static void sq_free(sq_store *s)
{
    sqlite3_stmt *stmts[] = {s->w_begin, s->w_commit,  s->w_put,       s->w_del,   s->w_log,
                             s->w_meta,  s->w_compact, s->r_begin,     s->r_end,   s->r_rev,
                             s->r_get,   s->r_list,    s->r_list_from, s->r_replay};
    store_watcher *w = s->watchers;

    if (s->ckpt_started) {
        pthread_mutex_lock(&s->ckpt_mu);
        s->ckpt_stop = true;
        pthread_cond_signal(&s->ckpt_cv);
        pthread_mutex_unlock(&s->ckpt_mu);
        pthread_join(s->ckpt_thread, NULL);
    }
    while (w) {
        store_watcher *next = w->next;
        free(w);
        w = next;
    }
    while (s->pend_head) {
        sq_write *next = s->pend_head->next;
        free(s->pend_head->key);
        free(s->pend_head->value);
        free(s->pend_head);
        s->pend_head = next;
    }
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++)
        sqlite3_finalize(stmts[i]);
    /* Writer last: closing the last connection checkpoints the WAL. */
    sqlite3_close(s->cdb);
    sqlite3_close(s->rdb);
    sqlite3_close(s->wdb);
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    sq_map_release(&s->keys);
    pthread_mutex_destroy(&s->read_mu);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->watch_mu);
    pthread_mutex_destroy(&s->ckpt_mu);
    pthread_cond_destroy(&s->ckpt_cv);
    pthread_cond_destroy(&s->work_cv);
    pthread_cond_destroy(&s->deliver_cv);
    free(s->path);
    free(s);
}

static const store_backend sq_backend;
static void *sq_commit_main(void *arg);
static void *sq_deliver_main(void *arg);

/* ---- checkpointing ------------------------------------------------------ */

/* Writer's WAL hook (commit thread, after each COMMIT): wake the
 * checkpointer once the WAL is long.  Replaces SQLite's autocheckpoint. */
static int sq_wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    sq_store *s = arg;

    if (frames >= SQ_CKPT_FRAMES) {
        pthread_mutex_lock(&s->ckpt_mu);
        if (!s->ckpt_wanted) {
            s->ckpt_wanted = true;
            pthread_cond_signal(&s->ckpt_cv);
        }
        pthread_mutex_unlock(&s->ckpt_mu);
    }
    return SQLITE_OK;
}

static void *sq_ckpt_main(void *arg)
{
    sq_store *s = arg;

    pthread_setname_np(pthread_self(), "store-ckpt");
    pthread_mutex_lock(&s->ckpt_mu);
    for (;;) {
        int nlog = 0, ncopied = 0, rc;

        while (!s->ckpt_wanted && !s->ckpt_stop)
            pthread_cond_wait(&s->ckpt_cv, &s->ckpt_mu);
        if (s->ckpt_stop)
            break;
        s->ckpt_wanted = false;
        pthread_mutex_unlock(&s->ckpt_mu);
        /* PASSIVE: copy what no reader still needs, never block the writer. */
        rc = sqlite3_wal_checkpoint_v2(s->cdb, NULL, SQLITE_CHECKPOINT_PASSIVE, &nlog, &ncopied);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            log_warn("store", "checkpoint of %s: %s", s->path, sqlite3_errmsg(s->cdb));
        else
            log_debug("store", "checkpoint: %d of %d WAL pages copied", ncopied, nlog);
        pthread_mutex_lock(&s->ckpt_mu);
    }
    pthread_mutex_unlock(&s->ckpt_mu);
    return NULL;
}

/* Open the checkpointer's connection and start its thread. */
static int sq_init_checkpointer(sq_store *s)
{
    int rc = sq_connect(s->path, &s->cdb, SQ_READER_BUSY_MS);

    if (!rc)
        rc = sq_exec(s->cdb, "PRAGMA synchronous=FULL");
    if (rc)
        return rc;
    if (pthread_create(&s->ckpt_thread, NULL, sq_ckpt_main, s) != 0) {
        log_error("store", "cannot start the checkpoint thread");
        return EN_IO;
    }
    s->ckpt_started = true;
    /* From now on the hook, not SQLite, decides when to checkpoint. */
    sqlite3_wal_hook(s->wdb, sq_wal_hook, s);
    return 0;
}

int store__sqlite_open(const char *path, store **out)
{
    sq_store *s;
    int rc;

    *out = NULL;
    if (!sqlite3_threadsafe()) {
        log_error("store", "the linked SQLite was built without thread support");
        return EN_IO;
    }
    s = xcalloc(1, sizeof *s);
    s->base.be = &sq_backend;
    s->path = xstrdup(path);
    s->lock_fd = -1;
    s->pend_tail = &s->pend_head;
    s->dq_tail = &s->dq_head;
    s->fill_batch = 1;
    pthread_mutex_init(&s->read_mu, NULL);
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->watch_mu, NULL);
    pthread_mutex_init(&s->ckpt_mu, NULL);
    pthread_cond_init(&s->ckpt_cv, NULL);
    pthread_cond_init(&s->work_cv, NULL);
    pthread_cond_init(&s->deliver_cv, NULL);

    rc = sq_lock_file(s);
    if (!rc)
        rc = sq_init_writer(s);
    if (!rc)
        rc = sq_load(s);
    if (!rc)
        rc = sq_init_reader(s);
    if (!rc)
        rc = sq_init_checkpointer(s);
    if (rc)
        goto out_free_store;
    if (pthread_create(&s->thread, NULL, sq_commit_main, s) != 0) {
        log_error("store", "cannot start the commit thread");
        rc = EN_IO;
        goto out_free_store;
    }
    s->thread_started = true;
    if (pthread_create(&s->deliver_thread, NULL, sq_deliver_main, s) != 0)
        en_fatal("store: cannot start the delivery thread");
    s->deliver_started = true;
    log_info("store", "opened %s at revision %lld (compacted %lld, %zu keys)", s->path,
             (long long)s->seq_rev, (long long)atomic_load(&s->compacted_rev), s->keys.len);
    *out = &s->base;
    return 0;

out_free_store:
    sq_free(s);
    return rc;
}

/* ---- call bookkeeping -------------------------------------------------- */

/* Register a call in progress; EN_CLOSED once store_close began. */
static int sq_enter(sq_store *s)
{
    int rc = 0;

    pthread_mutex_lock(&s->mu);
    if (s->closing)
        rc = EN_CLOSED;
    else
        s->active++;
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* Without mu: a writer woken by its batch must not queue on the lock that
 * every other woken writer wants too.  Both flags are seq_cst atomics, so
 * either the commit thread sees active reach 0 or we see closing and wake
 * it (under mu, where it checks). */
static void sq_leave(sq_store *s)
{
    /* The commit thread exits only once no call can queue more work. */
    if (atomic_fetch_sub(&s->active, 1) == 1 && atomic_load(&s->closing)) {
        pthread_mutex_lock(&s->mu);
        pthread_cond_signal(&s->work_cv);
        pthread_mutex_unlock(&s->mu);
    }
}

/* One writer waiting for a batch, on its own stack: the delivery thread
 * posts each waiter whose batch is done, so a finished batch wakes exactly
 * its writers and none of them has to take mu again (a shared condition
 * variable made every woken writer queue on mu, a convoy that cost more
 * context switches than the writes). */
typedef struct sq_waiter {
    uint64_t target;         /* done_batch this waiter needs */
    sem_t sem;               /* posted once, by the delivery thread */
    struct sq_waiter *next;  /* in sq_store.waiters (guarded by mu) */
} sq_waiter;

/* Called with mu held; returns with mu released once everything sequenced
 * so far is committed and delivered: a caller's answer may rest on queued
 * writes. */
static void sq_wait_sequenced_unlock(sq_store *s)
{
    uint64_t target = (s->pend_head || s->has_compact) ? s->fill_batch : s->fill_batch - 1;
    sq_waiter w;

    if (s->done_batch >= target) {
        pthread_mutex_unlock(&s->mu);
        return;
    }
    w.target = target;
    sem_init(&w.sem, 0, 0);
    w.next = s->waiters;
    /* On our stack, and safe there: the delivery thread unlinks w (under
     * mu) before it posts, and we return only after that post. */
    /* cppcheck-suppress autoVariables */
    s->waiters = &w;
    pthread_mutex_unlock(&s->mu);
    while (sem_wait(&w.sem) != 0)
        ; /* EINTR only: the post is still to come */
    sem_destroy(&w.sem);
}

/* Unlink (mu held) the waiters whose batch is done; the caller posts them
 * after dropping mu. */
static sq_waiter *sq_take_done_waiters_locked(sq_store *s)
{
    sq_waiter *done = NULL, **pp = &s->waiters;

    while (*pp) {
        sq_waiter *w = *pp;
        if (w->target <= s->done_batch) {
            *pp = w->next;
            w->next = done;
            done = w;
        } else {
            pp = &w->next;
        }
    }
    return done;
}

static void sq_post_waiters(sq_waiter *w)
{
    while (w) {
        sq_waiter *next = w->next; /* w may be gone once posted */
        sem_post(&w->sem);
        w = next;
    }
}

static void sq_close(store *base)
{
    sq_store *s = sq_of(base);

    pthread_mutex_lock(&s->mu);
    s->closing = true;
    pthread_cond_signal(&s->work_cv);
    pthread_mutex_unlock(&s->mu);
    /* The thread drains queued writes and waits for calls in progress. */
    if (s->thread_started)
        pthread_join(s->thread, NULL);
    if (s->deliver_started)
        pthread_join(s->deliver_thread, NULL);
    log_info("store", "closed %s at revision %lld", s->path,
             (long long)atomic_load(&s->committed_rev));
    sq_free(s);
}

/* ---- commit thread ----------------------------------------------------- */

static void sq_bind_value(sqlite3_stmt *st, int i, const char *value, size_t len)
{
    /* A zero-length blob, not NULL, for an empty value (value is NOT NULL). */
    if (len == 0)
        sqlite3_bind_zeroblob(st, i, 0);
    else
        sqlite3_bind_blob64(st, i, value, len, SQLITE_STATIC);
}

/* Step a statement that returns no rows, then reset it; aborts on error. */
static void sq_step_done(sq_store *s, sqlite3_stmt *st, const char *what)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        sq_fatal(s->wdb, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static void sq_set_meta(sq_store *s, const char *k, int64_t v)
{
    sqlite3_bind_text(s->w_meta, 1, k, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s->w_meta, 2, v);
    sq_step_done(s, s->w_meta, "updating meta");
}

/*
 * Start the batch's write transaction.  Nothing is written yet, so a lock
 * held by a foreign process (an operator's sqlite3 shell: our flock keeps
 * other everynode servers out, not that) is waited out rather than fatal.
 */
static void sq_begin(sq_store *s)
{
    int src;

    while ((src = sqlite3_step(s->w_begin)) != SQLITE_DONE) {
        if ((src & 0xff) != SQLITE_BUSY && (src & 0xff) != SQLITE_LOCKED)
            sq_fatal(s->wdb, "BEGIN");
        log_warn("store", "%s is locked by another process; writes wait", s->path);
        sqlite3_reset(s->w_begin);
    }
    sqlite3_reset(s->w_begin);
}

/* Write one DELETE: remove the kv row, keep its value for log and event. */
static void sq_write_delete(sq_store *s, sq_write *w)
{
    const void *v;
    int src;

    sqlite3_bind_text(s->w_del, 1, w->key, -1, SQLITE_STATIC);
    src = sqlite3_step(s->w_del);
    if (src != SQLITE_ROW)
        sq_fatal(s->wdb, src == SQLITE_DONE ? "delete (key missing on disk)" : "delete");
    w->len = (size_t)sqlite3_column_bytes(s->w_del, 0);
    v = sqlite3_column_blob(s->w_del, 0);
    w->value = xmalloc(w->len + 1);
    if (w->len)
        memcpy(w->value, v, w->len);
    w->value[w->len] = '\0';
    sq_step_done(s, s->w_del, "delete");
}

/* Write and commit one batch (and a compaction if compact >= 0). */
static void sq_commit_batch(sq_store *s, sq_write *batch, int64_t compact)
{
    int64_t last = 0;

    sq_begin(s);
    for (sq_write *w = batch; w; w = w->next) {
        if (w->is_delete) {
            sq_write_delete(s, w);
        } else {
            sqlite3_bind_text(s->w_put, 1, w->key, -1, SQLITE_STATIC);
            sq_bind_value(s->w_put, 2, w->value, w->len);
            sqlite3_bind_int64(s->w_put, 3, w->rev);
            sqlite3_bind_int64(s->w_put, 4, w->create_rev);
            sq_step_done(s, s->w_put, "put");
        }
        sqlite3_bind_int64(s->w_log, 1, w->rev);
        sqlite3_bind_text(s->w_log, 2, w->key, -1, SQLITE_STATIC);
        sqlite3_bind_int(s->w_log, 3, w->is_delete ? STORE_EV_DELETE : STORE_EV_PUT);
        sq_bind_value(s->w_log, 4, w->value, w->len);
        sqlite3_bind_int64(s->w_log, 5, w->create_rev);
        sq_step_done(s, s->w_log, "log insert");
        last = w->rev;
    }
    if (batch)
        sq_set_meta(s, "rev", last);
    if (compact >= 0) {
        /* Raise the mark before rows go, so no replay can miss them. */
        pthread_mutex_lock(&s->watch_mu);
        if (compact > atomic_load(&s->compacted_rev))
            atomic_store(&s->compacted_rev, compact);
        compact = atomic_load(&s->compacted_rev);
        pthread_mutex_unlock(&s->watch_mu);
        sqlite3_bind_int64(s->w_compact, 1, compact);
        sq_step_done(s, s->w_compact, "compaction");
        sq_set_meta(s, "compacted", compact);
    }
    sq_step_done(s, s->w_commit, "COMMIT");
    if (batch)
        atomic_store(&s->committed_rev, last);
}

/* Unlink and free watches unwatched from inside a callback. */
static void sq_sweep_dead_locked(sq_store *s)
{
    store_watcher **pp = &s->watchers;

    while (*pp) {
        store_watcher *w = *pp;
        if (w->dead) {
            *pp = w->next;
            free(w);
        } else {
            pp = &w->next;
        }
    }
}

/* Give a committed batch (n >= 1 writes) to every watcher. */
static void sq_deliver(sq_store *s, const sq_write *batch, size_t n)
{
    store_event *evs = xcalloc(n, sizeof *evs);
    size_t i = 0;

    for (const sq_write *w = batch; w; w = w->next, i++) {
        evs[i].type = w->is_delete ? STORE_EV_DELETE : STORE_EV_PUT;
        evs[i].key = w->key;
        evs[i].value = w->value ? w->value : "";
        evs[i].len = w->len;
        evs[i].rev = w->rev;
        evs[i].create_rev = w->create_rev;
        evs[i].created = !w->is_delete && w->rev == w->create_rev;
        evs[i].aux = w->aux;
    }
    pthread_mutex_lock(&s->watch_mu);
    s->delivering = true;
    for (store_watcher *w = s->watchers; w; w = w->next) {
        size_t first = 0;
        if (w->dead)
            continue;
        /* A watch registered from a revision inside this batch skips the
         * part it already has. */
        while (first < n && evs[first].rev <= w->after)
            first++;
        if (first == n)
            continue;
        w->after = evs[n - 1].rev;
        w->fn(w->ctx, evs + first, n - first);
    }
    s->delivering = false;
    sq_sweep_dead_locked(s);
    s->delivered_rev = evs[n - 1].rev;
    pthread_mutex_unlock(&s->watch_mu);
    free(evs);
}

static void sq_free_batch(sq_write *batch)
{
    while (batch) {
        sq_write *next = batch->next;
        free(batch->key);
        free(batch->value);
        free(batch);
        batch = next;
    }
}

static void *sq_commit_main(void *arg)
{
    sq_store *s = arg;

    /* Named so that top -H and perf show which part is busy. */
    pthread_setname_np(pthread_self(), "store-commit");

    pthread_mutex_lock(&s->mu);
    for (;;) {
        sq_write *batch;
        sq_batch *b;
        int64_t compact = -1;
        uint64_t id;
        size_t n = 0;

        while (!s->pend_head && !s->has_compact &&
               !(s->closing && atomic_load(&s->active) == 0))
            pthread_cond_wait(&s->work_cv, &s->mu);
        if (!s->pend_head && !s->has_compact)
            break; /* closing, drained, and no call can queue more */
        batch = s->pend_head;
        s->pend_head = NULL;
        s->pend_tail = &s->pend_head;
        if (s->has_compact)
            compact = s->compact_req;
        s->has_compact = false;
        id = s->fill_batch++;
        pthread_mutex_unlock(&s->mu);

        sq_commit_batch(s, batch, compact);
        for (const sq_write *w = batch; w; w = w->next)
            n++;

        /* Hand the batch to the delivery thread and go on committing. */
        b = xcalloc(1, sizeof *b);
        b->writes = batch;
        b->n = n;
        b->id = id;
        pthread_mutex_lock(&s->mu);
        *s->dq_tail = b;
        s->dq_tail = &b->next;
        pthread_cond_signal(&s->deliver_cv);
    }
    s->commit_done = true;
    pthread_cond_signal(&s->deliver_cv);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* The delivery thread: committed batches go to the watchers in order, and
 * only then are their writers woken.  While it delivers one batch the
 * commit thread already writes the next. */
static void *sq_deliver_main(void *arg)
{
    sq_store *s = arg;

    pthread_setname_np(pthread_self(), "store-deliver");
    pthread_mutex_lock(&s->mu);
    for (;;) {
        sq_batch *b;
        sq_waiter *woken;

        while (!s->dq_head && !s->commit_done)
            pthread_cond_wait(&s->deliver_cv, &s->mu);
        if (!s->dq_head)
            break; /* the commit thread is gone and everything is delivered */
        b = s->dq_head;
        s->dq_head = b->next;
        if (!s->dq_head)
            s->dq_tail = &s->dq_head;
        pthread_mutex_unlock(&s->mu);

        if (b->n)
            sq_deliver(s, b->writes, b->n);
        sq_free_batch(b->writes);

        pthread_mutex_lock(&s->mu);
        s->done_batch = b->id;
        woken = sq_take_done_waiters_locked(s);
        pthread_mutex_unlock(&s->mu);
        sq_post_waiters(woken);
        free(b);
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* ---- writes ------------------------------------------------------------ */

/* Check one op's own input and copy it into a new write; sets op->result
 * and returns NULL when the input is bad. */
static sq_write *sq_write_new(store_op *op)
{
    size_t klen = op->key ? strnlen(op->key, SQ_MAX_KEY + 1) : 0;
    sq_write *w;

    op->result = 0;
    op->rev = 0;
    if (klen == 0 || op->expect_rev < 0 ||
        (op->type != STORE_OP_CREATE && op->type != STORE_OP_UPDATE &&
         op->type != STORE_OP_DELETE) ||
        (op->type != STORE_OP_DELETE && !op->value && op->len)) {
        op->result = EN_INVALID;
        return NULL;
    }
    if (klen > SQ_MAX_KEY || (op->type != STORE_OP_DELETE && op->len > SQ_MAX_VALUE)) {
        op->result = EN_TOOLARGE;
        return NULL;
    }
    w = xcalloc(1, sizeof *w);
    w->is_delete = op->type == STORE_OP_DELETE;
    w->aux = op->aux;
    w->key = xstrndup(op->key, klen);
    if (!w->is_delete) {
        /* Copied before taking the lock: values may be megabytes. */
        w->value = xmalloc(op->len + 1);
        if (op->len)
            memcpy(w->value, op->value, op->len);
        w->value[op->len] = '\0';
        w->len = op->len;
    }
    return w;
}

/* Check op against the sequenced state (mu held); on success assign its
 * revision, update the map and fill w's revisions.  Returns op's result. */
static int sq_sequence_locked(sq_store *s, store_op *op, sq_write *w)
{
    sq_key *k = sq_map_find(&s->keys, w->key);

    if (op->type == STORE_OP_CREATE) {
        if (k)
            return EN_EXISTS;
        w->rev = w->create_rev = ++s->seq_rev;
        sq_map_insert(&s->keys, w->key, w->rev, w->rev);
        return 0;
    }
    if (!k)
        return EN_NOTFOUND;
    if (op->expect_rev != 0 && op->expect_rev != k->mod_rev)
        return EN_CONFLICT;
    w->rev = ++s->seq_rev;
    w->create_rev = k->create_rev;
    if (op->type == STORE_OP_DELETE)
        sq_map_remove(&s->keys, w->key);
    else
        k->mod_rev = w->rev;
    return 0;
}

static int sq_apply(store *base, store_op *ops, size_t n)
{
    sq_store *s = sq_of(base);
    sq_write **ws = xcalloc(n, sizeof *ws);
    bool queued = false;
    int rc = 0;

    for (size_t i = 0; i < n; i++)
        ws[i] = sq_write_new(&ops[i]);

    pthread_mutex_lock(&s->mu);
    if (s->closing) {
        pthread_mutex_unlock(&s->mu);
        for (size_t i = 0; i < n; i++)
            ops[i].result = EN_CLOSED;
        rc = EN_CLOSED;
        goto out_free_writes;
    }
    s->active++;
    for (size_t i = 0; i < n; i++) {
        if (!ws[i])
            continue;
        ops[i].result = sq_sequence_locked(s, &ops[i], ws[i]);
        if (ops[i].result)
            continue;
        ops[i].rev = ws[i]->rev;
        *s->pend_tail = ws[i];
        s->pend_tail = &ws[i]->next;
        ws[i] = NULL; /* the queue owns it now */
        queued = true;
    }
    if (queued)
        pthread_cond_signal(&s->work_cv);
    /* Failed ops too: EN_EXISTS may rest on a create still in flight. */
    sq_wait_sequenced_unlock(s);
    sq_leave(s);

out_free_writes:
    for (size_t i = 0; i < n; i++) {
        if (ws[i]) {
            free(ws[i]->key);
            free(ws[i]->value);
            free(ws[i]);
        }
    }
    free(ws);
    return rc;
}

static int sq_compact(store *base, int64_t rev)
{
    sq_store *s = sq_of(base);
    int rc = 0;

    pthread_mutex_lock(&s->mu);
    if (s->closing) {
        pthread_mutex_unlock(&s->mu);
        return EN_CLOSED;
    }
    s->active++;
    /* etcd's rules: a future revision is an error, an old one is done. */
    if (rev > s->seq_rev)
        rc = EN_INVALID;
    else if (rev <= s->compact_hi)
        rc = EN_COMPACTED;
    if (rc) {
        pthread_mutex_unlock(&s->mu);
    } else {
        s->compact_hi = rev;
        s->compact_req = rev;
        s->has_compact = true;
        pthread_cond_signal(&s->work_cv);
        sq_wait_sequenced_unlock(s);
    }
    sq_leave(s);
    return rc;
}

/* ---- reads ------------------------------------------------------------- */

static int64_t sq_revision(store *base)
{
    return atomic_load(&sq_of(base)->committed_rev);
}

static int64_t sq_compacted_revision(store *base)
{
    return atomic_load(&sq_of(base)->compacted_rev);
}

/* Copy the current row (key, value, mod_rev, create_rev) into kv. */
static void sq_row_to_kv(sqlite3_stmt *st, store_kv *kv)
{
    const char *key = (const char *)sqlite3_column_text(st, 0);
    size_t klen = (size_t)sqlite3_column_bytes(st, 0);
    const void *v = sqlite3_column_blob(st, 1);
    size_t len = (size_t)sqlite3_column_bytes(st, 1);

    kv->key = xstrndup(key ? key : "", klen);
    kv->value = xmalloc(len + 1);
    if (len)
        memcpy(kv->value, v, len);
    kv->value[len] = '\0';
    kv->len = len;
    kv->mod_rev = sqlite3_column_int64(st, 2);
    kv->create_rev = sqlite3_column_int64(st, 3);
}

static int sq_get(store *base, const char *key, store_kv *out)
{
    sq_store *s = sq_of(base);
    int rc = sq_enter(s), src;

    if (rc)
        return rc;
    pthread_mutex_lock(&s->read_mu);
    sqlite3_bind_text(s->r_get, 1, key, -1, SQLITE_STATIC);
    src = sqlite3_step(s->r_get);
    if (src == SQLITE_ROW) {
        sq_row_to_kv(s->r_get, out);
    } else if (src == SQLITE_DONE) {
        rc = EN_NOTFOUND;
    } else {
        log_error("store", "get %s: %s", key, sqlite3_errmsg(s->rdb));
        rc = EN_IO;
    }
    sqlite3_reset(s->r_get);
    sqlite3_clear_bindings(s->r_get);
    pthread_mutex_unlock(&s->read_mu);
    sq_leave(s);
    return rc;
}

/*
 * The smallest string above every string starting with prefix: prefix with
 * its last byte below 0xff incremented and the rest cut.  NULL (no upper
 * bound) when prefix is empty or all 0xff.  The caller frees the result.
 */
static char *sq_prefix_end(const char *prefix)
{
    size_t len = strlen(prefix);
    char *end;

    while (len > 0 && (unsigned char)prefix[len - 1] == 0xff)
        len--;
    if (len == 0)
        return NULL;
    end = xstrndup(prefix, len);
    end[len - 1] = (char)((unsigned char)end[len - 1] + 1);
    return end;
}

/* The list query proper; read_mu held, inside a read transaction. */
static int sq_list_locked(sq_store *s, const char *prefix, store_kv **out, size_t *n, int64_t *rev)
{
    char *end = sq_prefix_end(prefix);
    sqlite3_stmt *st = end ? s->r_list : s->r_list_from;
    store_kv *kvs = NULL;
    size_t cnt = 0, cap = 0;
    int rc = 0, src;

    if (sqlite3_step(s->r_rev) != SQLITE_ROW) {
        rc = EN_IO;
        goto out_reset;
    }
    *rev = sqlite3_column_int64(s->r_rev, 0);
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    if (end)
        sqlite3_bind_text(st, 2, end, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? cap * 2 : 16;
            kvs = xrealloc(kvs, cap * sizeof *kvs);
        }
        sq_row_to_kv(st, &kvs[cnt++]);
    }
    if (src != SQLITE_DONE) {
        rc = EN_IO;
        goto out_reset;
    }
    *out = kvs;
    *n = cnt;
    kvs = NULL;
    cnt = 0;
out_reset:
    if (rc)
        log_error("store", "list %s: %s", prefix, sqlite3_errmsg(s->rdb));
    sqlite3_reset(s->r_rev);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    store_kv_array_free(kvs, cnt);
    free(end);
    return rc;
}

static int sq_list(store *base, const char *prefix, store_kv **out, size_t *n, int64_t *rev)
{
    sq_store *s = sq_of(base);
    int rc = sq_enter(s);

    if (rc)
        return rc;
    pthread_mutex_lock(&s->read_mu);
    /* One read transaction: the revision and the rows are one snapshot. */
    if (sqlite3_step(s->r_begin) != SQLITE_DONE) {
        log_error("store", "list %s: BEGIN: %s", prefix, sqlite3_errmsg(s->rdb));
        rc = EN_IO;
        sqlite3_reset(s->r_begin);
        goto out_unlock;
    }
    sqlite3_reset(s->r_begin);
    rc = sq_list_locked(s, prefix, out, n, rev);
    /* Ends the snapshot; a failure here changes nothing we return. */
    sqlite3_step(s->r_end);
    sqlite3_reset(s->r_end);
out_unlock:
    pthread_mutex_unlock(&s->read_mu);
    sq_leave(s);
    return rc;
}

/* ---- watches ----------------------------------------------------------- */

/*
 * Feed log rows (from, to] to fn one event at a time (watch_mu held).  The
 * log has exactly one row per revision, so any missing row is damage, not
 * a race: compaction cannot pass `from` while watch_mu is held.
 */
static int sq_replay_locked(sq_store *s, int64_t from, int64_t to, store_watch_fn fn, void *ctx)
{
    sqlite3_stmt *st = s->r_replay;
    int64_t expect = from + 1;
    int rc = 0, src;

    pthread_mutex_lock(&s->read_mu);
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        store_event ev;
        ev.rev = sqlite3_column_int64(st, 0);
        ev.key = (const char *)sqlite3_column_text(st, 1);
        ev.type = sqlite3_column_int(st, 2) == STORE_EV_DELETE ? STORE_EV_DELETE : STORE_EV_PUT;
        ev.value = sqlite3_column_blob(st, 3);
        ev.len = (size_t)sqlite3_column_bytes(st, 3);
        ev.create_rev = sqlite3_column_int64(st, 4);
        ev.created = ev.type == STORE_EV_PUT && ev.rev == ev.create_rev;
        ev.aux = NULL;
        if (!ev.value)
            ev.value = "";
        if (!ev.key)
            ev.key = "";
        if (ev.rev != expect)
            break;
        fn(ctx, &ev, 1);
        expect++;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) {
        log_error("store", "watch replay: %s", sqlite3_errmsg(s->rdb));
        rc = EN_IO;
    } else if (expect != to + 1) {
        log_error("store", "watch replay: change log has no revision %lld (history %lld..%lld)",
                  (long long)expect, (long long)from + 1, (long long)to);
        rc = EN_INTERNAL;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    pthread_mutex_unlock(&s->read_mu);
    return rc;
}

static int sq_watch(store *base, int64_t from_rev, store_watch_fn fn, void *ctx, store_watcher **out)
{
    sq_store *s = sq_of(base);
    store_watcher *w = NULL;
    int rc = sq_enter(s);

    if (rc)
        return rc;
    w = xcalloc(1, sizeof *w);
    w->fn = fn;
    w->ctx = ctx;
    /* Held across replay and registration: no batch is delivered in
     * between, so live delivery continues exactly where replay stopped. */
    pthread_mutex_lock(&s->watch_mu);
    if (from_rev < atomic_load(&s->compacted_rev)) {
        rc = EN_COMPACTED;
        goto out_unlock;
    }
    if (from_rev < s->delivered_rev) {
        rc = sq_replay_locked(s, from_rev, s->delivered_rev, fn, ctx);
        if (rc)
            goto out_unlock;
    }
    /* from_rev may lie beyond what was delivered (e.g. a list snapshot of
     * a batch still being delivered): delivery skips up to it. */
    w->after = from_rev > s->delivered_rev ? from_rev : s->delivered_rev;
    w->next = s->watchers;
    s->watchers = w;
    *out = w;
    w = NULL;
out_unlock:
    pthread_mutex_unlock(&s->watch_mu);
    free(w);
    sq_leave(s);
    return rc;
}

static void sq_unwatch(store *base, store_watcher *w)
{
    sq_store *s = sq_of(base);
    store_watcher **pp;

    /* From a callback on the delivery thread watch_mu is already ours and
     * the watcher list is being walked: mark it, delivery frees it. */
    if (s->deliver_started && pthread_equal(pthread_self(), s->deliver_thread)) {
        w->dead = true;
        return;
    }
    pthread_mutex_lock(&s->watch_mu);
    for (pp = &s->watchers; *pp; pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            free(w);
            break;
        }
    }
    pthread_mutex_unlock(&s->watch_mu);
}

static const store_backend sq_backend = {
    .name = "sqlite",
    .close = sq_close,
    .revision = sq_revision,
    .compacted_revision = sq_compacted_revision,
    .get = sq_get,
    .list = sq_list,
    .apply = sq_apply,
    .watch = sq_watch,
    .unwatch = sq_unwatch,
    .compact = sq_compact,
};
