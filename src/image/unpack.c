/*
 * unpack.c -- applying layer tarballs onto a root filesystem, as a
 * container engine does when it flattens an image.
 *
 * Each entry's path is confined to the root before anything is written:
 * ".." components are refused, a leading "/" is ignored, and every
 * directory on the way is resolved inside the root, following symlinks as
 * if the root were "/" (an absolute or climbing symlink left by an earlier
 * entry or layer lands back inside, never outside, like a chroot would).
 * The resolved, symlink-free path is what libarchive writes, with its
 * secure-extraction flags as a second line of defence.  Hard link targets
 * get the same treatment.
 *
 * Whiteouts (OCI image spec, "Representing Changes"): an entry
 * "dir/.wh.name" removes dir/name coming from lower layers, and
 * "dir/.wh..wh..opq" hides everything lower layers put in dir.  Both apply
 * to lower layers only, so this layer's own entries survive whatever their
 * order in the tar: whiteouts apply at once but spare paths this layer
 * wrote, and opaque directories are cleared at the end of the layer of
 * everything this layer did not write.  Other ".wh..wh." entries (aufs
 * bookkeeping) are skipped.
 *
 * Extended attributes: only security.capability and user.* are kept;
 * trusted.* (overlayfs' own opaque and redirect markers among them) would
 * change what the runtime's overlay mount shows.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "image/image_int.h"

#define MAX_NAME 3072      /* longest entry path accepted */
#define MAX_SYMLINKS 40    /* symlinks followed resolving one path (as Linux) */

/* A growable array of owned strings. */
typedef struct strvec {
    char **v;
    size_t n, cap;
} strvec;

static void sv_push(strvec *s, char *owned)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = owned;
}

static char *sv_pop(strvec *s)
{
    return s->n ? s->v[--s->n] : NULL;
}

static void sv_release(strvec *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* ---- removing trees --------------------------------------------------------- */

int image__rmtree(const char *path)
{
    struct stat sb;
    strvec names = {0};
    DIR *d;
    struct dirent *de;
    int rc = 0;

    if (lstat(path, &sb) != 0)
        return errno == ENOENT ? 0 : EN_IO;
    if (!S_ISDIR(sb.st_mode))
        return unlink(path) == 0 || errno == ENOENT ? 0 : EN_IO;
    /* Collect the names first so no descriptor stays open while recursing. */
    d = opendir(path);
    if (!d)
        return EN_IO;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            sv_push(&names, xstrdup(de->d_name));
    }
    closedir(d);
    for (size_t i = 0; i < names.n; i++) {
        char *child = xasprintf("%s/%s", path, names.v[i]);
        if (image__rmtree(child) != 0)
            rc = EN_IO;
        free(child);
    }
    sv_release(&names);
    if (rc == 0 && rmdir(path) != 0 && errno != ENOENT)
        rc = EN_IO;
    return rc;
}

/* ---- path confinement --------------------------------------------------------- */

/* Split an archive path into components, dropping "", "." and a leading
 * "/"; ".." is refused (EN_INVALID). */
static int split_name(const char *name, strvec *out)
{
    const char *p = name;

    if (strlen(name) > MAX_NAME)
        return EN_TOOLARGE;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            sv_release(out);
            return EN_INVALID;
        }
        if (n && !(n == 1 && p[0] == '.'))
            sv_push(out, xstrndup(p, n));
        p += n;
        if (*p == '/')
            p++;
    }
    return 0;
}

static char *join(char **comps, size_t n, const char *last)
{
    sbuf sb;

    sbuf_init(&sb);
    for (size_t i = 0; i < n; i++) {
        if (sb.len)
            sbuf_puts(&sb, "/");
        sbuf_puts(&sb, comps[i]);
    }
    if (last) {
        if (sb.len)
            sbuf_puts(&sb, "/");
        sbuf_puts(&sb, last);
    }
    return sbuf_detach(&sb, NULL);
}

/* Push the components of a symlink target onto the to-do stack (top = next). */
static void push_target(strvec *todo, const char *target)
{
    strvec parts = {0};
    const char *p = target;

    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n && !(n == 1 && p[0] == '.'))
            sv_push(&parts, xstrndup(p, n));
        p += n;
        if (*p == '/')
            p++;
    }
    while (parts.n)
        sv_push(todo, sv_pop(&parts));
    sv_release(&parts);
}

/*
 * Resolve comps (from split_name) inside the directory rootfd as if it were
 * "/": symlinks of every component but the last are followed, clamped to the
 * root.  *out is the resulting relative path ("" for the root itself).
 * EN_INVALID when symlinks loop.
 */
static int resolve(int rootfd, const strvec *comps, char **out)
{
    strvec todo = {0}, cur = {0};
    int follows = 0, rc = 0;

    *out = NULL;
    for (size_t i = comps->n; i > 0; i--)
        sv_push(&todo, xstrdup(comps->v[i - 1]));
    while (todo.n) {
        char *c = sv_pop(&todo), *path, target[4096];
        struct stat sb;
        ssize_t tn;

        if (!strcmp(c, "..")) { /* only from symlink targets */
            free(c);
            free(sv_pop(&cur));
            continue;
        }
        if (todo.n == 0) { /* the last component is never followed */
            sv_push(&cur, c);
            break;
        }
        path = join(cur.v, cur.n, c);
        if (fstatat(rootfd, path, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(sb.st_mode)) {
            free(path);
            sv_push(&cur, c);
            continue;
        }
        tn = readlinkat(rootfd, path, target, sizeof target - 1);
        free(path);
        free(c);
        if (tn < 0 || ++follows > MAX_SYMLINKS) {
            rc = EN_INVALID;
            goto out;
        }
        target[tn] = '\0';
        if (target[0] == '/') {
            while (cur.n)
                free(sv_pop(&cur));
        }
        push_target(&todo, target);
    }
    *out = join(cur.v, cur.n, NULL);
out:
    sv_release(&todo);
    sv_release(&cur);
    return rc;
}

/* ---- one layer ---------------------------------------------------------------- */

typedef struct layer {
    const char *root; /* absolute, symlink-free */
    int rootfd;       /* the root, for *at() calls */
    hmap written;     /* relative paths this layer wrote (value unused) */
    hmap ancestors;   /* directories above those paths */
    strvec opaque;    /* directories this layer marked opaque */
} layer;

static void mark_written(layer *l, const char *rel)
{
    char *p = xstrdup(rel);

    hmap_put(&l->written, rel, (void *)1);
    for (char *s = strrchr(p, '/'); s; s = strrchr(p, '/')) {
        *s = '\0';
        if (hmap_get(&l->ancestors, p))
            break;
        hmap_put(&l->ancestors, p, (void *)1);
    }
    free(p);
}

static int remove_rel(layer *l, const char *rel)
{
    char *abs = xasprintf("%s/%s", l->root, rel);
    int rc = image__rmtree(abs);

    free(abs);
    return rc;
}

/* Remove from dir (relative) everything this layer did not write. */
static int clear_lower(layer *l, const char *dir)
{
    char *abs = *dir ? xasprintf("%s/%s", l->root, dir) : xstrdup(l->root);
    strvec names = {0};
    DIR *d = opendir(abs);
    struct dirent *de;
    int rc = 0;

    free(abs);
    if (!d)
        return errno == ENOENT || errno == ENOTDIR ? 0 : EN_IO;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            sv_push(&names, xstrdup(de->d_name));
    }
    closedir(d);
    for (size_t i = 0; i < names.n && rc == 0; i++) {
        char *child = *dir ? xasprintf("%s/%s", dir, names.v[i]) : xstrdup(names.v[i]);
        struct stat sb;
        if (hmap_get(&l->written, child) || hmap_get(&l->ancestors, child)) {
            if (fstatat(l->rootfd, child, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode))
                rc = clear_lower(l, child);
        } else {
            rc = remove_rel(l, child);
        }
        free(child);
    }
    sv_release(&names);
    return rc;
}

/* A whiteout entry: comps ends in ".wh.<name>" or ".wh..wh..opq". */
static int whiteout(layer *l, strvec *comps, char **err)
{
    char *base = sv_pop(comps), *parent = NULL, *target = NULL;
    const char *name = base + 4;
    int rc = 0;

    if (resolve(l->rootfd, comps, &parent) != 0) {
        *err = xasprintf("whiteout \"%s\": too many levels of symbolic links", base);
        rc = EN_INVALID;
        goto out;
    }
    if (!strcmp(base, ".wh..wh..opq")) {
        sv_push(&l->opaque, parent);
        parent = NULL;
        goto out;
    }
    if (!strncmp(base, ".wh..wh.", 8))
        goto out; /* aufs metadata */
    if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
        *err = xasprintf("bad whiteout entry \"%s\"", base);
        rc = EN_INVALID;
        goto out;
    }
    target = *parent ? xasprintf("%s/%s", parent, name) : xstrdup(name);
    if (hmap_get(&l->written, target))
        goto out; /* this layer's own file: whiteouts only hide lower layers */
    if (hmap_get(&l->ancestors, target))
        rc = clear_lower(l, target);
    else
        rc = remove_rel(l, target);
    if (rc)
        *err = xasprintf("whiteout of \"%s\" failed", target);
out:
    free(base);
    free(parent);
    free(target);
    return rc;
}

/* Keep only the extended attributes the runtime should see. */
static void filter_xattrs(struct archive_entry *e)
{
    strvec names = {0};
    struct {
        const void *v;
        size_t n;
    } vals[64];
    size_t nvals = 0;
    const char *name;
    const void *val;
    size_t vn;

    if (archive_entry_xattr_count(e) == 0)
        return;
    archive_entry_xattr_reset(e);
    while (archive_entry_xattr_next(e, &name, &val, &vn) == ARCHIVE_OK && nvals < 64) {
        if (strcmp(name, "security.capability") && strncmp(name, "user.", 5))
            continue;
        sv_push(&names, xstrdup(name));
        vals[nvals].v = xmalloc(vn ? vn : 1);
        memcpy((void *)vals[nvals].v, val, vn);
        vals[nvals++].n = vn;
    }
    archive_entry_xattr_clear(e);
    for (size_t i = 0; i < nvals; i++) {
        archive_entry_xattr_add_entry(e, names.v[i], vals[i].v, vals[i].n);
        free((void *)vals[i].v);
    }
    sv_release(&names);
}

static int copy_data(struct archive *in, struct archive *out)
{
    const void *buf;
    size_t n;
    la_int64_t off;

    for (;;) {
        int r = archive_read_data_block(in, &buf, &n, &off);
        if (r == ARCHIVE_EOF)
            return ARCHIVE_OK;
        if (r < ARCHIVE_WARN)
            return r;
        if (archive_write_data_block(out, buf, n, off) < ARCHIVE_WARN)
            return ARCHIVE_FATAL;
    }
}

/* Make room for an entry at rel: nothing of another kind may be in the way. */
static void clear_way(layer *l, const char *rel, bool entry_is_dir)
{
    struct stat sb;

    if (fstatat(l->rootfd, rel, &sb, AT_SYMLINK_NOFOLLOW) != 0)
        return;
    if (entry_is_dir) {
        if (!S_ISDIR(sb.st_mode))
            unlinkat(l->rootfd, rel, 0);
    } else if (S_ISDIR(sb.st_mode)) {
        remove_rel(l, rel);
    } else {
        unlinkat(l->rootfd, rel, 0);
    }
}

static int one_entry(layer *l, struct archive *in, struct archive *out, struct archive_entry *e,
                     char **err)
{
    const char *name = archive_entry_pathname(e), *hl = archive_entry_hardlink(e);
    strvec comps = {0}, hcomps = {0};
    char *rel = NULL, *hrel = NULL, *abs = NULL;
    int rc, r;

    if (!name) {
        *err = xstrdup("entry with an unreadable name");
        return EN_INVALID;
    }
    rc = split_name(name, &comps);
    if (rc) {
        *err = xasprintf("entry \"%.200s\": %s", name,
                         rc == EN_INVALID ? "path escapes the root (\"..\")" : "path too long");
        rc = EN_INVALID;
        goto out;
    }
    if (comps.n == 0)
        goto out; /* the root directory itself */
    if (!strncmp(comps.v[comps.n - 1], ".wh.", 4)) {
        rc = whiteout(l, &comps, err);
        goto out;
    }
    if (resolve(l->rootfd, &comps, &rel) != 0) {
        *err = xasprintf("entry \"%.200s\": too many levels of symbolic links", name);
        rc = EN_INVALID;
        goto out;
    }
    if (!*rel)
        goto out; /* resolved to the root (e.g. "link/.." forms) */
    if (hl) {
        rc = split_name(hl, &hcomps);
        if (rc == 0 && hcomps.n == 0)
            rc = EN_INVALID;
        if (rc == 0 && resolve(l->rootfd, &hcomps, &hrel) != 0)
            rc = EN_INVALID;
        if (rc) {
            *err = xasprintf("entry \"%.200s\": hard link target \"%.200s\" escapes the root",
                             name, hl);
            rc = EN_INVALID;
            goto out;
        }
        abs = xasprintf("%s/%s", l->root, hrel);
        archive_entry_copy_hardlink(e, abs);
        free(abs);
        abs = NULL;
    }
    clear_way(l, rel, archive_entry_filetype(e) == AE_IFDIR && !hl);
    abs = xasprintf("%s/%s", l->root, rel);
    archive_entry_copy_pathname(e, abs);
    filter_xattrs(e);
    r = archive_write_header(out, e);
    if (r < ARCHIVE_WARN) {
        *err = xasprintf("entry \"%.200s\": %s", name, archive_error_string(out));
        rc = EN_INVALID;
        goto out;
    }
    if (archive_entry_size(e) > 0 && copy_data(in, out) != ARCHIVE_OK) {
        *err = xasprintf("entry \"%.200s\": %s", name,
                         archive_error_string(in) ? archive_error_string(in)
                                                  : archive_error_string(out));
        rc = EN_INVALID;
        goto out;
    }
    if (archive_write_finish_entry(out) < ARCHIVE_WARN) {
        *err = xasprintf("entry \"%.200s\": %s", name, archive_error_string(out));
        rc = EN_IO;
        goto out;
    }
    mark_written(l, rel);
out:
    sv_release(&comps);
    sv_release(&hcomps);
    free(rel);
    free(hrel);
    free(abs);
    return rc;
}

void image__read_tar_support(struct archive *a)
{
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_zstd(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_format_tar(a);
}

int image__apply_layer(const char *root, const char *layer_path, char **err)
{
    struct archive *in = archive_read_new(), *out = archive_write_disk_new();
    struct archive_entry *e;
    layer l = {.root = root, .rootfd = -1};
    int rc = 0;

    *err = NULL;
    if (!in || !out)
        en_fatal("image: libarchive allocation failed");
    hmap_init(&l.written);
    hmap_init(&l.ancestors);
    image__read_tar_support(in);
    archive_read_support_format_empty(in);
    archive_write_disk_set_options(out, ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER |
                                            ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
                                            ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                            ARCHIVE_EXTRACT_SECURE_NODOTDOT);
    l.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (l.rootfd < 0) {
        *err = xasprintf("%s: %s", root, strerror(errno));
        rc = EN_IO;
        goto out;
    }
    if (archive_read_open_filename(in, layer_path, 64 * 1024) != ARCHIVE_OK) {
        *err = xasprintf("cannot read layer: %s", archive_error_string(in));
        rc = EN_INVALID;
        goto out;
    }
    for (;;) {
        int r = archive_read_next_header(in, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            *err = xasprintf("bad layer tarball: %s", archive_error_string(in));
            rc = EN_INVALID;
            goto out;
        }
        rc = one_entry(&l, in, out, e, err);
        if (rc)
            goto out;
    }
    for (size_t i = 0; i < l.opaque.n && rc == 0; i++) {
        rc = clear_lower(&l, l.opaque.v[i]);
        if (rc)
            *err = xasprintf("clearing opaque directory \"%s\" failed", l.opaque.v[i]);
    }
out:
    /* Closing applies the directory modes and times libarchive deferred. */
    if (archive_write_close(out) < ARCHIVE_WARN && rc == 0) {
        *err = xasprintf("finishing layer: %s", archive_error_string(out));
        rc = EN_IO;
    }
    archive_write_free(out);
    archive_read_free(in);
    if (l.rootfd >= 0)
        close(l.rootfd);
    hmap_release(&l.written);
    hmap_release(&l.ancestors);
    sv_release(&l.opaque);
    return rc;
}
