/*
 * store.c -- the node's content-addressed image store (layout in image.h):
 * opening it (and sweeping temp files that dead processes left), blobs
 * written through a hashing writer and renamed into place, refs.json,
 * flattened root filesystems, and the lookups the agent makes.
 *
 * Crash safety comes from one rule: nothing appears under blobs/, rootfs/
 * or refs.json except by rename(2) of something complete built under tmp/.
 * Temp names start with the creating process's pid, so open() can tell a
 * dead process's leftovers from those of a live one sharing the store (the
 * agent and `everynode image import` may run at once).  Between processes,
 * refs.json updates are serialised with flock on root/lock; within one,
 * st->mu guards the cache, and "flights" make concurrent pulls of one
 * reference and unpacks of one image happen once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image_int.h"

/* ---- small file helpers --------------------------------------------------- */

static int read_file(const char *path, size_t max, char **out, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    char *buf;
    size_t got = 0;

    *out = NULL;
    if (fd < 0)
        return errno == ENOENT ? EN_NOTFOUND : EN_IO;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return EN_IO;
    }
    if ((uint64_t)sb.st_size > max) {
        close(fd);
        return EN_TOOLARGE;
    }
    buf = xmalloc((size_t)sb.st_size + 1);
    while (got < (size_t)sb.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    *out = buf;
    if (len)
        *len = got;
    return 0;
}

static int write_all(int fd, const void *data, size_t n)
{
    const char *p = data;

    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return EN_IO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* ---- paths ------------------------------------------------------------------ */

char *image__tmp_path(image_store *st, const char *suffix)
{
    unsigned long seq;

    pthread_mutex_lock(&st->mu);
    seq = ++st->tmp_seq;
    pthread_mutex_unlock(&st->mu);
    return xasprintf("%s/%ld.%lu.%s", st->tmp, (long)getpid(), seq, suffix);
}

char *image__blob_path(const image_store *st, const char *digest)
{
    return xasprintf("%s/blobs/sha256/%s", st->root, digest + 7);
}

bool image__blob_exists(const image_store *st, const char *digest)
{
    char *p = image__blob_path(st, digest);
    struct stat sb;
    bool ok = stat(p, &sb) == 0 && S_ISREG(sb.st_mode);

    free(p);
    return ok;
}

char *image__rootfs_path(const image_store *st, const char *id)
{
    return xasprintf("%s/rootfs/sha256/%s", st->root, id + 7);
}

/* ---- blobs ------------------------------------------------------------------- */

/* "sha256:<hex>" of a 32-byte hash into out (IMAGE_DIGEST_LEN). */
static void hex_digest(const unsigned char *h, char *out)
{
    memcpy(out, "sha256:", 7);
    for (unsigned int i = 0; i < 32; i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", h[i]);
    out[7 + 64] = '\0';
}

/* Finish w's hash into out and free the hash state. */
static void blob_digest(image__blob_writer *w, char *out)
{
    unsigned char h[32];

    gnutls_hash_deinit(w->md, h);
    w->md = NULL;
    hex_digest(h, out);
}

void image__sha256(const void *data, size_t n, char *out)
{
    unsigned char h[32];

    /* Fails only for an unknown algorithm or without memory. */
    if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, n, h) < 0)
        en_fatal("image: gnutls_hash_fast(SHA-256) failed");
    hex_digest(h, out);
}

int image__blob_begin(image_store *st, int64_t limit, image__blob_writer *w)
{
    memset(w, 0, sizeof *w);
    w->tmp_path = image__tmp_path(st, "blob");
    w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        log_error("image", "cannot create temp file: path=%s err=%s", w->tmp_path,
                  strerror(errno));
        free(w->tmp_path);
        w->tmp_path = NULL;
        return EN_IO;
    }
    if (gnutls_hash_init(&w->md, GNUTLS_DIG_SHA256) < 0)
        en_fatal("image: gnutls_hash_init(SHA-256) failed");
    w->limit = limit > 0 ? limit : IMAGE_MAX_BLOB;
    return 0;
}

int image__blob_write(image__blob_writer *w, const void *data, size_t n)
{
    if (w->size + (int64_t)n > w->limit)
        return EN_TOOLARGE;
    for (size_t i = 0; i < n && w->size + (int64_t)i < (int64_t)sizeof w->head; i++)
        w->head[w->size + (int64_t)i] = ((const unsigned char *)data)[i];
    gnutls_hash(w->md, data, n);
    w->size += (int64_t)n;
    return write_all(w->fd, data, n);
}

void image__blob_abort(image__blob_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0 && w->tmp_path)
        close(w->fd);
    if (w->tmp_path)
        unlink(w->tmp_path);
    free(w->tmp_path);
    if (w->md)
        gnutls_hash_deinit(w->md, NULL);
    memset(w, 0, sizeof *w);
    w->fd = -1;
}

int image__blob_commit(image_store *st, image__blob_writer *w, const char *want, char *got,
                       char **err)
{
    char *final = NULL;
    int rc = EN_IO;

    blob_digest(w, got);
    if (want && strcmp(want, got) != 0) {
        *err = xasprintf("digest mismatch for %s: got %s", want, got);
        rc = EN_INVALID;
        goto out_abort;
    }
    if (fsync(w->fd) != 0 || close(w->fd) != 0) {
        w->fd = -1;
        *err = xasprintf("writing blob %s: %s", got, strerror(errno));
        goto out_abort;
    }
    w->fd = -1;
    final = image__blob_path(st, got);
    if (rename(w->tmp_path, final) != 0) {
        *err = xasprintf("storing blob %s: %s", got, strerror(errno));
        goto out_abort;
    }
    free(w->tmp_path);
    w->tmp_path = NULL;
    rc = 0;
out_abort:
    free(final);
    image__blob_abort(w);
    return rc;
}

int image__blob_close(image__blob_writer *w, char *got, char **tmp_path)
{
    int rc = 0;

    blob_digest(w, got);
    if (close(w->fd) != 0)
        rc = EN_IO;
    w->fd = -1;
    *tmp_path = w->tmp_path;
    w->tmp_path = NULL;
    image__blob_abort(w);
    if (rc) {
        unlink(*tmp_path);
        free(*tmp_path);
        *tmp_path = NULL;
    }
    return rc;
}

int image__blob_put(image_store *st, const void *data, size_t n, char *got, char **err)
{
    image__blob_writer w;
    int rc;

    image__sha256(data, n, got);
    if (image__blob_exists(st, got))
        return 0;
    rc = image__blob_begin(st, (int64_t)n + 1, &w);
    if (rc) {
        *err = xasprintf("cannot create a temp file under %s", st->tmp);
        return rc;
    }
    rc = image__blob_write(&w, data, n);
    if (rc) {
        image__blob_abort(&w);
        *err = xasprintf("writing blob %s: %s", got, en_strerror(rc));
        return rc;
    }
    return image__blob_commit(st, &w, got, got, err);
}

int image__blob_read(const image_store *st, const char *digest, size_t max, char **out,
                     size_t *len)
{
    char *p = image__blob_path(st, digest);
    int rc = read_file(p, max, out, len);

    free(p);
    return rc;
}

/* ---- refs.json --------------------------------------------------------------- */

/* Make st->refs current (st->mu held).  A missing file is an empty store. */
static int refs_load_locked(image_store *st)
{
    char *path = xasprintf("%s/refs.json", st->root), *text = NULL;
    struct stat sb;
    json_t *doc, *refs;
    json_error_t je;
    int rc = 0;

    if (stat(path, &sb) != 0) {
        if (errno != ENOENT) {
            rc = EN_IO;
            goto out;
        }
        if (!st->refs || st->refs_ino != 0) {
            json_decref(st->refs);
            st->refs = json_object();
            st->refs_ino = 0;
        }
        goto out;
    }
    if (st->refs && sb.st_dev == st->refs_dev && sb.st_ino == st->refs_ino &&
        (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec == st->refs_mtime_ns)
        goto out;
    rc = read_file(path, 64 * 1024 * 1024, &text, NULL);
    if (rc)
        goto out;
    doc = json_loads(text, 0, &je);
    refs = json_object_get(doc, "refs");
    if (!json_is_object(refs)) {
        log_error("image", "refs.json is unreadable: path=%s err=%s", path, je.text);
        json_decref(doc);
        rc = EN_IO;
        goto out;
    }
    json_decref(st->refs);
    st->refs = json_incref(refs);
    json_decref(doc);
    st->refs_dev = sb.st_dev;
    st->refs_ino = sb.st_ino;
    st->refs_mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
out:
    free(text);
    free(path);
    return rc;
}

int image__record(image_store *st, const char *ref, const char *id, const char *digest)
{
    char *path = xasprintf("%s/refs.json", st->root), *tmp = NULL, *text = NULL;
    json_t *doc = NULL, *ent;
    int fd = -1, rc;

    pthread_mutex_lock(&st->mu);
    if (flock(st->lock_fd, LOCK_EX) != 0) {
        rc = EN_IO;
        goto out_unlock;
    }
    rc = refs_load_locked(st);
    if (rc)
        goto out_funlock;
    ent = json_pack("{s:s, s:I}", "id", id, "created", (json_int_t)time_now_unix());
    if (digest)
        json_object_set_new(ent, "digest", json_string(digest));
    json_object_set_new(st->refs, ref, ent);
    doc = json_pack("{s:i, s:O}", "version", 1, "refs", st->refs);
    text = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS);
    tmp = xasprintf("%s/%ld.%lu.refs", st->tmp, (long)getpid(), ++st->tmp_seq);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || write_all(fd, text, strlen(text)) != 0 || write_all(fd, "\n", 1) != 0 ||
        fsync(fd) != 0) {
        rc = EN_IO;
        goto out_funlock;
    }
    close(fd);
    fd = -1;
    if (rename(tmp, path) != 0) {
        rc = EN_IO;
        goto out_funlock;
    }
    fsync_dir(st->root);
    /* Re-stat so the cache (already updated in memory) is not re-read. */
    {
        struct stat sb;
        if (stat(path, &sb) == 0) {
            st->refs_dev = sb.st_dev;
            st->refs_ino = sb.st_ino;
            st->refs_mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
        }
    }
out_funlock:
    if (fd >= 0)
        close(fd);
    if (rc && tmp)
        unlink(tmp);
    if (rc)
        st->refs_ino = (ino_t)-1; /* force a re-read: memory may be ahead of the file */
    flock(st->lock_fd, LOCK_UN);
out_unlock:
    pthread_mutex_unlock(&st->mu);
    json_decref(doc);
    free(text);
    free(tmp);
    free(path);
    return rc;
}

/* ---- flights ------------------------------------------------------------------- */

bool image__flight_join(image_store *st, const char *key, image__flight **out, int *rc,
                        char **err)
{
    image__flight *f;

    pthread_mutex_lock(&st->mu);
    f = hmap_get(&st->flights, key);
    if (!f) {
        f = xcalloc(1, sizeof *f);
        f->key = xstrdup(key);
        f->refs = 1;
        pthread_cond_init(&f->cond, NULL);
        hmap_put(&st->flights, key, f);
        pthread_mutex_unlock(&st->mu);
        *out = f;
        return true;
    }
    f->refs++;
    while (!f->done)
        pthread_cond_wait(&f->cond, &st->mu);
    *rc = f->rc;
    if (err)
        *err = f->err ? xstrdup(f->err) : NULL;
    pthread_mutex_unlock(&st->mu);
    *out = f;
    return false;
}

void image__flight_finish(image_store *st, image__flight *f, int rc, const char *err)
{
    pthread_mutex_lock(&st->mu);
    f->done = true;
    f->rc = rc;
    f->err = err ? xstrdup(err) : NULL;
    /* Later callers start afresh (a failed pull may succeed next time). */
    if (hmap_get(&st->flights, f->key) == f)
        hmap_del(&st->flights, f->key);
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&st->mu);
}

void image__flight_leave(image_store *st, image__flight *f)
{
    bool last;

    if (!f)
        return;
    pthread_mutex_lock(&st->mu);
    last = --f->refs == 0;
    pthread_mutex_unlock(&st->mu);
    if (!last)
        return;
    pthread_cond_destroy(&f->cond);
    free(f->key);
    free(f->err);
    free(f);
}

/* ---- root filesystems -------------------------------------------------------- */

static bool is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int unpack_into_place(image_store *st, const char *final, char **layers, size_t n_layers,
                             char **err)
{
    char *tmp = image__tmp_path(st, "rootfs");
    int rc = 0, dfd;

    if (mkdir(tmp, 0755) != 0) {
        *err = xasprintf("creating %s: %s", tmp, strerror(errno));
        free(tmp);
        return EN_IO;
    }
    for (size_t i = 0; i < n_layers; i++) {
        char *blob = image__blob_path(st, layers[i]);
        char *lerr = NULL;
        rc = image__apply_layer(tmp, blob, &lerr);
        free(blob);
        if (rc) {
            *err = xasprintf("unpacking layer %s: %s", layers[i], lerr ? lerr : en_strerror(rc));
            free(lerr);
            goto out;
        }
    }
    /* The files must be on disk before refs.json can name them. */
    dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        syncfs(dfd);
        close(dfd);
    }
    if (rename(tmp, final) != 0) {
        if (errno != EEXIST && errno != ENOTEMPTY) {
            *err = xasprintf("storing %s: %s", final, strerror(errno));
            rc = EN_IO;
        }
        goto out; /* someone else (another process) finished first: theirs is as good */
    }
    fsync_dir(st->root);
out:
    image__rmtree(tmp);
    free(tmp);
    return rc;
}

int image__ensure_rootfs(image_store *st, const char *id, char **layers, size_t n_layers,
                         char **err)
{
    char *final = image__rootfs_path(st, id), *key = NULL;
    image__flight *f = NULL;
    int rc = 0;

    if (is_dir(final))
        goto out;
    key = xasprintf("rootfs:%s", id);
    if (!image__flight_join(st, key, &f, &rc, err))
        goto out;
    if (!is_dir(final))
        rc = unpack_into_place(st, final, layers, n_layers, err);
    image__flight_finish(st, f, rc, rc ? *err : NULL);
out:
    image__flight_leave(st, f);
    free(key);
    free(final);
    return rc;
}

/* ---- open / close ------------------------------------------------------------ */

/* Remove what dead processes left in tmp/ ("<pid>.<seq>.<what>"). */
static void sweep_tmp(image_store *st)
{
    DIR *d = opendir(st->tmp);
    struct dirent *de;
    pid_t self = getpid();

    if (!d)
        return;
    while ((de = readdir(d)) != NULL) {
        char *end = NULL, *p;
        long pid;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        pid = strtol(de->d_name, &end, 10);
        if (end && *end == '.' && pid > 0 &&
            (pid == (long)self || kill((pid_t)pid, 0) == 0 || errno == EPERM))
            continue;
        p = xasprintf("%s/%s", st->tmp, de->d_name);
        log_info("image", "removing stale temp: path=%s", p);
        image__rmtree(p);
        free(p);
    }
    closedir(d);
}

int image_store_open(const char *root, const char *registries_yaml, image_store **out,
                     char **err)
{
    image_store *st = NULL;
    char real[PATH_MAX], *p = NULL;
    const char *subdirs[] = {"blobs/sha256", "rootfs/sha256", "tmp"};
    int rc = EN_IO;

    *out = NULL;
    if (err)
        *err = NULL;
    if (!root || !*root) {
        if (err)
            *err = xstrdup("image store: no directory given");
        return EN_INVALID;
    }
    if (fs_mkdir_p(root, 0700) != 0 || !realpath(root, real)) {
        if (err)
            *err = xasprintf("image store %s: %s", root, strerror(errno));
        return EN_IO;
    }
    st = xcalloc(1, sizeof *st);
    st->root = xstrdup(real);
    st->tmp = xasprintf("%s/tmp", st->root);
    st->lock_fd = -1;
    pthread_mutex_init(&st->mu, NULL);
    hmap_init(&st->flights);
    hmap_init(&st->configs);
    for (size_t i = 0; i < sizeof subdirs / sizeof *subdirs; i++) {
        free(p);
        p = xasprintf("%s/%s", st->root, subdirs[i]);
        if (fs_mkdir_p(p, 0755) != 0) {
            if (err)
                *err = xasprintf("image store: creating %s: %s", p, strerror(errno));
            goto out;
        }
    }
    free(p);
    p = xasprintf("%s/lock", st->root);
    st->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (st->lock_fd < 0) {
        if (err)
            *err = xasprintf("image store: %s: %s", p, strerror(errno));
        goto out;
    }
    if (registries_yaml) {
        char *rerr = NULL;
        rc = image__registries_load(registries_yaml, &st->reg, &rerr);
        if (rc) {
            if (err)
                *err = rerr;
            else
                free(rerr);
            goto out;
        }
    }
    sweep_tmp(st);
    pthread_mutex_lock(&st->mu);
    rc = refs_load_locked(st);
    pthread_mutex_unlock(&st->mu);
    if (rc) {
        if (err)
            *err = xasprintf("image store: %s/refs.json is unreadable", st->root);
        goto out;
    }
    *out = st;
    st = NULL;
out:
    free(p);
    image_store_close(st);
    return rc;
}

void image_store_close(image_store *st)
{
    size_t pos = 0;
    const char *key;
    void *val;

    if (!st)
        return;
    while (hmap_next(&st->configs, &pos, &key, &val))
        json_decref(val);
    hmap_release(&st->configs);
    /* Flights still running belong to threads the caller must have joined. */
    hmap_release(&st->flights);
    json_decref(st->refs);
    image__registries_release(&st->reg);
    if (st->lock_fd >= 0)
        close(st->lock_fd);
    pthread_mutex_destroy(&st->mu);
    free(st->root);
    free(st->tmp);
    free(st);
}

/* ---- lookup and list ----------------------------------------------------------- */

void image_info_release(image_info *info)
{
    if (!info)
        return;
    free(info->ref);
    free(info->id);
    free(info->digest);
    free(info->rootfs);
    json_decref(info->config);
    memset(info, 0, sizeof *info);
}

/* The image config's "config" object for id, cached (st->mu held). */
static json_t *config_locked(image_store *st, const char *id)
{
    json_t *c = hmap_get(&st->configs, id), *doc, *cfg;
    char *text = NULL;

    if (c)
        return c;
    if (image__blob_read(st, id, IMAGE_MAX_META, &text, NULL) != 0)
        return NULL;
    doc = json_loads(text, 0, NULL);
    free(text);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return NULL;
    }
    cfg = json_object_get(doc, "config");
    c = json_is_object(cfg) ? json_incref(cfg) : json_object();
    json_decref(doc);
    hmap_put(&st->configs, id, c);
    return c;
}

/* The refs.json entry naming ref (borrowed, st->mu held): the exact
 * reference, or for name@digest any entry of that name with that digest. */
static json_t *find_entry_locked(image_store *st, const image__ref *r, const char *ref)
{
    json_t *ent = json_object_get(st->refs, ref), *v;
    const char *key;
    char *want;

    if (ent || !r->digest)
        return ent;
    want = xasprintf("%s/%s@%s", r->domain, r->path, r->digest);
    json_object_foreach(st->refs, key, v)
    {
        const char *d = json_string_value(json_object_get(v, "digest"));
        if (d && !strcmp(d, want)) {
            ent = v;
            break;
        }
    }
    free(want);
    return ent;
}

int image_lookup(image_store *st, const char *ref, image_info *out)
{
    image__ref r;
    char *norm = NULL;
    json_t *ent, *cfg;
    const char *id, *digest;
    int rc;

    memset(out, 0, sizeof *out);
    rc = image__ref_parse(ref, &r, NULL);
    if (rc)
        return rc;
    norm = image__ref_string(&r);
    pthread_mutex_lock(&st->mu);
    rc = refs_load_locked(st);
    if (rc)
        goto out_unlock;
    ent = find_entry_locked(st, &r, norm);
    id = json_string_value(json_object_get(ent, "id"));
    digest = json_string_value(json_object_get(ent, "digest"));
    if (!ent || !image__digest_valid(id)) {
        rc = EN_NOTFOUND;
        goto out_unlock;
    }
    cfg = config_locked(st, id);
    out->rootfs = image__rootfs_path(st, id);
    if (!cfg || !is_dir(out->rootfs)) {
        rc = EN_NOTFOUND;
        goto out_unlock;
    }
    out->ref = norm;
    norm = NULL;
    out->id = xstrdup(id);
    out->digest = digest ? xstrdup(digest) : NULL;
    out->config = json_deep_copy(cfg);
out_unlock:
    pthread_mutex_unlock(&st->mu);
    if (rc)
        image_info_release(out);
    free(norm);
    image__ref_release(&r);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int image_list(image_store *st, char ***refs_out)
{
    const char *key;
    json_t *v;
    char **v_out;
    size_t n = 0;
    int rc;

    *refs_out = NULL;
    pthread_mutex_lock(&st->mu);
    rc = refs_load_locked(st);
    if (rc) {
        pthread_mutex_unlock(&st->mu);
        return rc;
    }
    v_out = xcalloc(json_object_size(st->refs) + 1, sizeof *v_out);
    json_object_foreach(st->refs, key, v)
    {
        v_out[n++] = xstrdup(key);
    }
    pthread_mutex_unlock(&st->mu);
    qsort(v_out, n, sizeof *v_out, cmp_str);
    *refs_out = v_out;
    return 0;
}
