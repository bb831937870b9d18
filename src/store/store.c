/*
 * store.c -- the store's public entry points: backend choice and dispatch.
 *
 * store_open() reads the URI and opens the matching backend; every other
 * public function checks the arguments all backends share and forwards to
 * the backend's vtable (store_int.h).  The single-op helpers
 * (store_create/update/delete) and the store_kv release helpers live here
 * too because they are the same for every backend.  Nothing in this file
 * knows about SQLite: a new backend adds an open function to store_int.h
 * and a branch in store_open().
 */
#include "store/store.h"

#include "core/core.h"
#include "store/store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The file a plain directory URI stores its data in. */
#define STORE_DIR_DB_NAME "state.db"

void store_kv_release(store_kv *kv)
{
    if (!kv)
        return;
    free(kv->key);
    free(kv->value);
    memset(kv, 0, sizeof *kv);
}

void store_kv_array_free(store_kv *kvs, size_t n)
{
    if (!kvs)
        return;
    for (size_t i = 0; i < n; i++)
        store_kv_release(&kvs[i]);
    free(kvs);
}

/*
 * Length of the URI scheme ("sqlite" in "sqlite:x.db"), or 0 when uri does
 * not start with one (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
 * followed by ':').  A path such as "./a:b" or "/x:y" has no scheme.
 */
static size_t store_scheme_len(const char *uri)
{
    size_t i;

    if (!((uri[0] >= 'a' && uri[0] <= 'z') || (uri[0] >= 'A' && uri[0] <= 'Z')))
        return 0;
    for (i = 1; uri[i] && uri[i] != ':'; i++) {
        char c = uri[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '-' || c == '.';
        if (!ok)
            return 0;
    }
    return uri[i] == ':' ? i : 0;
}

/* mkdir -p: create dir and its missing parents (mode 0700: the store holds
 * Secrets).  0, or EN_IO when a component cannot be created or is not a
 * directory. */
static int store_mkdir_p(const char *dir)
{
    struct stat st;

    if (fs_mkdir_p(dir, 0700) != 0) {
        log_error("store", "cannot create directory %s: %s", dir, strerror(errno));
        return EN_IO;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        log_error("store", "%s is not a directory", dir);
        return EN_IO;
    }
    return 0;
}

/* Open the SQLite backend in directory dir (created if missing). */
static int store_open_dir(const char *dir, store **out)
{
    char *d = xstrdup(dir);
    size_t len = strlen(d);
    char *path = NULL;
    int rc;

    /* "data/" and "data" name the same directory; keep "/" itself. */
    while (len > 1 && d[len - 1] == '/')
        d[--len] = '\0';
    rc = store_mkdir_p(d);
    if (rc)
        goto out_free_dir;
    path = xasprintf("%s/%s", strcmp(d, "/") == 0 ? "" : d, STORE_DIR_DB_NAME);
    rc = store__sqlite_open(path, out);
    free(path);
out_free_dir:
    free(d);
    return rc;
}

int store_open(const char *uri, store **out)
{
    size_t slen;

    if (!out)
        return EN_INVALID;
    *out = NULL;
    if (!uri || !uri[0])
        return EN_INVALID;
    slen = store_scheme_len(uri);
    if (slen == 0)
        return store_open_dir(uri, out);
    if (slen == 6 && strncmp(uri, "sqlite", 6) == 0) {
        if (!uri[7]) {
            log_error("store", "store URI \"%s\" names no database file", uri);
            return EN_INVALID;
        }
        return store__sqlite_open(uri + 7, out);
    }
    if ((slen == 4 && strncmp(uri, "etcd", 4) == 0) ||
        (slen == 5 && strncmp(uri, "etcds", 5) == 0)) {
        log_error("store", "the etcd backend is not implemented yet (%s)", uri);
        return EN_UNSUPPORTED;
    }
    log_error("store", "unknown store URI scheme in \"%s\" (use sqlite:<file> or a directory)",
              uri);
    return EN_INVALID;
}

void store_close(store *s)
{
    if (!s)
        return;
    s->be->close(s);
}

int64_t store_revision(store *s)
{
    return s ? s->be->revision(s) : 0;
}

int64_t store_compacted_revision(store *s)
{
    return s ? s->be->compacted_revision(s) : 0;
}

int store_get(store *s, const char *key, store_kv *out)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!s || !key || !out)
        return EN_INVALID;
    return s->be->get(s, key, out);
}

int store_list(store *s, const char *prefix, store_kv **out, size_t *n, int64_t *rev)
{
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (rev)
        *rev = 0;
    if (!s || !prefix || !out || !n || !rev)
        return EN_INVALID;
    return s->be->list(s, prefix, out, n, rev);
}

int store_apply(store *s, store_op *ops, size_t n)
{
    if (n == 0)
        return s ? 0 : EN_INVALID;
    if (!s || !ops)
        return EN_INVALID;
    return s->be->apply(s, ops, n);
}

/* Run one op through store_apply and return its own result. */
static int store_apply_one(store *s, store_op *op, int64_t *rev)
{
    int rc = store_apply(s, op, 1);

    if (rc)
        return rc;
    if (op->result == 0 && rev)
        *rev = op->rev;
    return op->result;
}

int store_create(store *s, const char *key, const char *value, size_t len, int64_t *rev)
{
    store_op op = {.type = STORE_OP_CREATE, .key = key, .value = value, .len = len};

    return store_apply_one(s, &op, rev);
}

int store_update(store *s, const char *key, const char *value, size_t len, int64_t expect_rev,
                 int64_t *rev)
{
    store_op op = {
        .type = STORE_OP_UPDATE, .key = key, .value = value, .len = len, .expect_rev = expect_rev};

    return store_apply_one(s, &op, rev);
}

int store_delete(store *s, const char *key, int64_t expect_rev, int64_t *rev)
{
    store_op op = {.type = STORE_OP_DELETE, .key = key, .expect_rev = expect_rev};

    return store_apply_one(s, &op, rev);
}

int store_watch(store *s, int64_t from_rev, store_watch_fn fn, void *ctx, store_watcher **out)
{
    if (out)
        *out = NULL;
    if (!s || !fn || !out || from_rev < 0)
        return EN_INVALID;
    return s->be->watch(s, from_rev, fn, ctx, out);
}

void store_unwatch(store *s, store_watcher *w)
{
    if (!s || !w)
        return;
    s->be->unwatch(s, w);
}

int store_compact(store *s, int64_t rev)
{
    if (!s || rev < 0)
        return EN_INVALID;
    return s->be->compact(s, rev);
}
