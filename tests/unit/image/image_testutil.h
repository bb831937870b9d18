/*
 * image_testutil.h -- helpers for the image module's unit tests: temp
 * directories, tarballs built in memory with libarchive (layers and whole
 * docker-archive / oci-archive files), digests and small file checks.
 * Header-only; each test binary includes it once.
 */
#ifndef EVERYNODE_TEST_IMAGE_UTIL_H
#define EVERYNODE_TEST_IMAGE_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "core/core.h"
#include "image/image_int.h"

/* One tar entry: type 'd' dir, 'f' file, 'l' symlink, 'h' hard link. */
typedef struct tentry {
    char type;
    const char *name;
    const char *data; /* file content, or link target */
    int mode;         /* 0 = 0755 for dirs, 0644 for files */
    int uid, gid;
} tentry;

static inline la_ssize_t tu_write_cb(struct archive *a, void *ud, const void *buf, size_t n)
{
    (void)a;
    sbuf_append(ud, buf, n);
    return (la_ssize_t)n;
}

/* Compress what a writes with filter: 'g'zip, 'z'std, 'x'z, 'b'zip2,
 * 'Z' (compress), anything else none. */
static inline void tu_add_filter(struct archive *a, char filter)
{
    if (filter == 'g')
        archive_write_add_filter_gzip(a);
    else if (filter == 'z')
        archive_write_add_filter_zstd(a);
    else if (filter == 'x')
        archive_write_add_filter_xz(a);
    else if (filter == 'b')
        archive_write_add_filter_bzip2(a);
    else if (filter == 'Z')
        archive_write_add_filter_compress(a);
}

/* A tarball of the entries, compressed with filter ('g' gzip, 'z' zstd, 'x'
 * xz, 'b' bzip2, 'Z' compress(1), 0 none), in memory: *len bytes the caller
 * frees. */
static inline char *tu_tar(const tentry *e, size_t n, char filter, size_t *len)
{
    struct archive *a = archive_write_new();
    sbuf sb;

    sbuf_init(&sb);
    archive_write_set_format_pax_restricted(a);
    tu_add_filter(a, filter);
    archive_write_set_bytes_in_last_block(a, 1);
    if (archive_write_open(a, &sb, NULL, tu_write_cb, NULL) != ARCHIVE_OK)
        en_fatal("tu_tar: open: %s", archive_error_string(a));
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *ae = archive_entry_new();
        size_t dlen = e[i].data ? strlen(e[i].data) : 0;
        archive_entry_set_pathname(ae, e[i].name);
        archive_entry_set_uid(ae, e[i].uid);
        archive_entry_set_gid(ae, e[i].gid);
        archive_entry_set_mtime(ae, 1640995200, 0);
        switch (e[i].type) {
        case 'd':
            archive_entry_set_filetype(ae, AE_IFDIR);
            archive_entry_set_perm(ae, e[i].mode ? e[i].mode : 0755);
            break;
        case 'l':
            archive_entry_set_filetype(ae, AE_IFLNK);
            archive_entry_set_perm(ae, 0777);
            archive_entry_set_symlink(ae, e[i].data);
            dlen = 0;
            break;
        case 'h':
            archive_entry_set_filetype(ae, AE_IFREG);
            archive_entry_set_perm(ae, 0644);
            archive_entry_set_hardlink(ae, e[i].data);
            dlen = 0;
            break;
        default:
            archive_entry_set_filetype(ae, AE_IFREG);
            archive_entry_set_perm(ae, e[i].mode ? e[i].mode : 0644);
            archive_entry_set_size(ae, (la_int64_t)dlen);
        }
        if (archive_write_header(a, ae) != ARCHIVE_OK)
            en_fatal("tu_tar: header %s: %s", e[i].name, archive_error_string(a));
        if (dlen)
            archive_write_data(a, e[i].data, dlen);
        archive_entry_free(ae);
    }
    archive_write_close(a);
    archive_write_free(a);
    return sbuf_detach(&sb, len);
}

/* A regular-file-only tarball from (name, bytes, len) triples. */
typedef struct tblob {
    const char *name;
    const char *data;
    size_t len;
} tblob;

static inline void tu_write_archive(const char *path, const tblob *b, size_t n)
{
    struct archive *a = archive_write_new();

    archive_write_set_format_pax_restricted(a);
    if (archive_write_open_filename(a, path) != ARCHIVE_OK)
        en_fatal("tu_write_archive: %s", archive_error_string(a));
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, b[i].name);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, (la_int64_t)b[i].len);
        archive_write_header(a, ae);
        archive_write_data(a, b[i].data, b[i].len);
        archive_entry_free(ae);
    }
    archive_write_close(a);
    archive_write_free(a);
}

static inline void tu_write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n)
        en_fatal("tu_write_file %s: %s", path, strerror(errno));
    fclose(f);
}

/* A new temp directory (absolute, symlink-free); caller frees the string. */
static inline char *tu_tmpdir(void)
{
    char tmpl[] = "/tmp/en-image-test-XXXXXX", real[PATH_MAX];
    if (!mkdtemp(tmpl) || !realpath(tmpl, real))
        en_fatal("mkdtemp: %s", strerror(errno));
    return xstrdup(real);
}

static inline bool tu_exists(const char *dir, const char *rel)
{
    char *p = xasprintf("%s/%s", dir, rel);
    struct stat sb;
    bool ok = lstat(p, &sb) == 0;
    free(p);
    return ok;
}

/* Content of dir/rel (caller frees) or NULL. */
static inline char *tu_read(const char *dir, const char *rel)
{
    char *p = xasprintf("%s/%s", dir, rel), buf[65536];
    FILE *f = fopen(p, "rb");
    size_t n;
    free(p);
    if (!f)
        return NULL;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return xstrdup(buf);
}

static inline int tu_lstat(const char *dir, const char *rel, struct stat *sb)
{
    char *p = xasprintf("%s/%s", dir, rel);
    int rc = lstat(p, sb);
    free(p);
    return rc;
}

/* How many entries a directory has (not counting . and ..); -1 if missing. */
static inline int tu_count_entries(const char *dir)
{
    int n = 0;
    char *cmd = xasprintf("ls -A '%s' 2>/dev/null | wc -l", dir);
    FILE *f = popen(cmd, "r");
    free(cmd);
    if (!f)
        return -1;
    if (fscanf(f, "%d", &n) != 1)
        n = -1;
    pclose(f);
    return n;
}

/* A minimal image config naming diff_ids of the given uncompressed layers. */
static inline char *tu_config(const char *const *layers, const size_t *lens, size_t n, const char *cmd)
{
    sbuf sb;
    sbuf_init(&sb);
    sbuf_printf(&sb, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"%s\"],"
                     "\"Env\":[\"PATH=/bin\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[",
                cmd);
    for (size_t i = 0; i < n; i++) {
        char d[IMAGE_DIGEST_LEN];
        image__sha256(layers[i], lens[i], d);
        sbuf_printf(&sb, "%s\"%s\"", i ? "," : "", d);
    }
    sbuf_puts(&sb, "]}}");
    return sbuf_detach(&sb, NULL);
}

#endif /* EVERYNODE_TEST_IMAGE_UTIL_H */
