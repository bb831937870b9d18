/*
 * import.c -- importing image tarballs for nodes without a registry:
 *
 *   docker-archive (`docker save`): manifest.json lists, per image, its
 *     config file, its layer files in order and its RepoTags;
 *   oci-archive (an OCI image layout in a tar): index.json lists manifests
 *     (or nested indexes) by digest, named by the annotation
 *     org.opencontainers.image.ref.name (containerd's io.containerd.image.name
 *     is preferred when present), every blob under blobs/sha256/<hex>.
 *
 * The tarball (possibly compressed) is read once: every regular file is
 * streamed into a temp file while hashed, symlinks and hard links are
 * remembered as aliases (`docker save` links repeated layers), and nothing
 * is trusted by name alone -- OCI blobs must match their file names, a
 * docker-archive config its "<hex>.json" name, and an uncompressed layer
 * its config's diff_id.  Then the files the images use are renamed into
 * blobs/, the root filesystems made (store.c), the references recorded,
 * and the temp dir removed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "image/image_int.h"

#define MAX_ENTRIES 100000
#define MAX_ALIAS_DEPTH 40

/* A regular file of the archive, now a temp file. */
typedef struct arc_file {
    char *tmp;                      /* owned temp path (NULL once moved into blobs/) */
    char digest[IMAGE_DIGEST_LEN];  /* sha256 of the content */
    int64_t size;                   /* bytes */
    unsigned char head[8];          /* first bytes: compression sniffing */
} arc_file;

typedef struct importer {
    image_store *st;
    const char *path; /* the archive, for messages */
    hmap files;       /* normalised name -> arc_file* (owned) */
    hmap aliases;     /* normalised name -> char* target name (owned) */
    char **refs;      /* references recorded so far (NULL-terminated, owned) */
    size_t n_refs;
} importer;

/* "./a//b/" -> "a/b"; ".." pops (refused above the top); NULL when it
 * climbs out or is empty. */
static char *norm_name(const char *base_dir, const char *name)
{
    char *joined = (name[0] != '/' && base_dir && *base_dir)
                       ? xasprintf("%s/%s", base_dir, name)
                       : xstrdup(name);
    char **parts = xcalloc(strlen(joined) / 2 + 2, sizeof *parts);
    size_t n = 0;
    sbuf out;
    char *save = NULL;

    for (char *t = strtok_r(joined, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (!strcmp(t, "."))
            continue;
        if (!strcmp(t, "..")) {
            if (n == 0) {
                free(parts);
                free(joined);
                return NULL;
            }
            n--;
            continue;
        }
        parts[n++] = t;
    }
    sbuf_init(&out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            sbuf_puts(&out, "/");
        sbuf_puts(&out, parts[i]);
    }
    free(parts);
    free(joined);
    if (out.len == 0) {
        sbuf_release(&out);
        return NULL;
    }
    return sbuf_detach(&out, NULL);
}

/* The file a name refers to, following aliases. */
static arc_file *find_file(importer *im, const char *name)
{
    char *cur = norm_name(NULL, name);

    for (int i = 0; cur && i < MAX_ALIAS_DEPTH; i++) {
        arc_file *f = hmap_get(&im->files, cur);
        const char *target;
        if (f) {
            free(cur);
            return f;
        }
        target = hmap_get(&im->aliases, cur);
        free(cur);
        cur = target ? xstrdup(target) : NULL;
    }
    free(cur);
    return NULL;
}

static int read_entries(importer *im, struct archive *a, char **err)
{
    struct archive_entry *e;
    size_t count = 0;
    char buf[65536];

    for (;;) {
        int r = archive_read_next_header(a, &e);
        const char *name, *link;
        char *norm = NULL;

        if (r == ARCHIVE_EOF)
            return 0;
        if (r < ARCHIVE_WARN) {
            *err = xasprintf("%s: not a readable tar archive: %s", im->path,
                             archive_error_string(a));
            return EN_INVALID;
        }
        if (++count > MAX_ENTRIES) {
            *err = xasprintf("%s: more than %d entries", im->path, MAX_ENTRIES);
            return EN_TOOLARGE;
        }
        name = archive_entry_pathname(e);
        if (!name || !(norm = norm_name(NULL, name)))
            continue; /* the top directory, or a name we could never look up */
        link = archive_entry_hardlink(e);
        if (link || archive_entry_filetype(e) == AE_IFLNK) {
            char *dir = xstrdup(norm), *slash = strrchr(dir, '/'), *target;
            if (slash)
                *slash = '\0';
            else
                dir[0] = '\0';
            /* Hard links name a path from the top, symlinks one from their dir. */
            if (link)
                target = norm_name(NULL, link);
            else
                target = archive_entry_symlink(e) ? norm_name(dir, archive_entry_symlink(e)) : NULL;
            free(dir);
            if (target)
                free(hmap_put(&im->aliases, norm, target));
            free(norm);
            continue;
        }
        if (archive_entry_filetype(e) != AE_IFREG) {
            free(norm);
            continue;
        }
        {
            image__blob_writer w;
            arc_file *f;
            char got[IMAGE_DIGEST_LEN], *tmp = NULL;
            la_ssize_t n;
            int rc = image__blob_begin(im->st, IMAGE_MAX_BLOB, &w);

            if (rc) {
                *err = xasprintf("cannot create a temp file under %s", im->st->tmp);
                free(norm);
                return rc;
            }
            while ((n = archive_read_data(a, buf, sizeof buf)) > 0) {
                rc = image__blob_write(&w, buf, (size_t)n);
                if (rc)
                    break;
            }
            if (n < 0 || rc) {
                *err = xasprintf("%s: reading \"%s\": %s", im->path, norm,
                                 n < 0 ? archive_error_string(a) : en_strerror(rc));
                image__blob_abort(&w);
                free(norm);
                return n < 0 ? EN_INVALID : rc;
            }
            f = xcalloc(1, sizeof *f);
            f->size = w.size;
            memcpy(f->head, w.head, sizeof f->head);
            rc = image__blob_close(&w, got, &tmp);
            if (rc) {
                free(f);
                free(norm);
                *err = xasprintf("%s: writing a temp file failed", im->path);
                return rc;
            }
            f->tmp = tmp;
            memcpy(f->digest, got, sizeof got);
            /* OCI layouts name blobs by digest: the name must not lie. */
            if (!strncmp(norm, "blobs/sha256/", 13) && strcmp(norm + 13, got + 7) != 0) {
                *err = xasprintf("%s: %s does not match its digest (content is %s)", im->path,
                                 norm, got);
                unlink(f->tmp);
                free(f->tmp);
                free(f);
                free(norm);
                return EN_INVALID;
            }
            f = hmap_put(&im->files, norm, f);
            if (f) { /* a later entry of the same name wins, as tar does */
                unlink(f->tmp);
                free(f->tmp);
                free(f);
            }
            free(norm);
        }
    }
}

/* Move a file into blobs/ (once). */
static int store_file(importer *im, arc_file *f, char **err)
{
    char *final;

    if (!f->tmp)
        return 0;
    final = image__blob_path(im->st, f->digest);
    if (!image__blob_exists(im->st, f->digest) && rename(f->tmp, final) != 0) {
        *err = xasprintf("storing blob %s: %s", f->digest, strerror(errno));
        free(final);
        return EN_IO;
    }
    unlink(f->tmp);
    free(f->tmp);
    f->tmp = NULL;
    free(final);
    return 0;
}

/* Read a (small) archive file's content; caller frees. */
static int file_text(importer *im, arc_file *f, char **out, size_t *len, char **err)
{
    FILE *fp;
    char *buf;
    size_t got;

    *out = NULL;
    if (f->size > IMAGE_MAX_META) {
        *err = xasprintf("%s: a metadata file is larger than 4 MiB", im->path);
        return EN_TOOLARGE;
    }
    if (!f->tmp)
        return image__blob_read(im->st, f->digest, IMAGE_MAX_META, out, len);
    fp = fopen(f->tmp, "rb");
    if (!fp) {
        *err = xasprintf("%s: reopening a temp file: %s", im->path, strerror(errno));
        return EN_IO;
    }
    buf = xmalloc((size_t)f->size + 1);
    got = fread(buf, 1, (size_t)f->size, fp);
    fclose(fp);
    buf[got] = '\0';
    *out = buf;
    *len = got;
    return 0;
}

static int file_json(importer *im, arc_file *f, json_t **out, char **err)
{
    char *text = NULL;
    size_t len = 0;
    json_error_t je;
    int rc = file_text(im, f, &text, &len, err);

    *out = NULL;
    if (rc)
        return rc;
    *out = json_loadb(text, len, 0, &je);
    free(text);
    if (!*out) {
        *err = xasprintf("%s: bad JSON: %s", im->path, je.text);
        return EN_INVALID;
    }
    return 0;
}

static bool is_compressed(const unsigned char *h, int64_t size)
{
    if (size < 4)
        return false;
    return (h[0] == 0x1f && h[1] == 0x8b) ||                             /* gzip */
           (h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd) || /* zstd */
           (h[0] == 'B' && h[1] == 'Z' && h[2] == 'h') ||                   /* bzip2 */
           (h[0] == 0xfd && h[1] == '7' && h[2] == 'z' && h[3] == 'X');     /* xz */
}

static void add_ref(importer *im, const char *ref)
{
    for (size_t i = 0; i < im->n_refs; i++) {
        if (!strcmp(im->refs[i], ref))
            return;
    }
    im->refs = xrealloc(im->refs, (im->n_refs + 2) * sizeof *im->refs);
    im->refs[im->n_refs++] = xstrdup(ref);
    im->refs[im->n_refs] = NULL;
}

/* Store config + layers, unpack, and record names (digest may be NULL). */
static int finish_image(importer *im, arc_file *cfg, arc_file **layers, size_t n_layers,
                        char **names, size_t n_names, const char *top_digest, char **err)
{
    char **digests = xcalloc(n_layers + 1, sizeof *digests);
    char *text = NULL;
    size_t len = 0;
    int rc;

    rc = file_text(im, cfg, &text, &len, err);
    if (rc)
        goto out;
    rc = image__config_check(text, len, err);
    if (rc)
        goto out;
    rc = store_file(im, cfg, err);
    for (size_t i = 0; rc == 0 && i < n_layers; i++) {
        digests[i] = xstrdup(layers[i]->digest);
        rc = store_file(im, layers[i], err);
    }
    if (rc)
        goto out;
    rc = image__ensure_rootfs(im->st, cfg->digest, digests, n_layers, err);
    for (size_t i = 0; rc == 0 && i < n_names; i++) {
        image__ref r;
        char *norm, *repo_digest = NULL, *perr = NULL;
        if (image__ref_parse(names[i], &r, &perr) != 0) {
            *err = xasprintf("%s: bad image name: %s", im->path, perr);
            free(perr);
            rc = EN_INVALID;
            break;
        }
        norm = image__ref_string(&r);
        if (top_digest)
            repo_digest = xasprintf("%s/%s@%s", r.domain, r.path, top_digest);
        rc = image__record(im->st, norm, cfg->digest, repo_digest);
        if (rc)
            *err = xasprintf("recording %s in the image store: %s", norm, en_strerror(rc));
        else
            add_ref(im, norm);
        free(norm);
        free(repo_digest);
        image__ref_release(&r);
    }
out:
    free(text);
    image__strv_free(digests);
    return rc;
}

/* ---- docker-archive ------------------------------------------------------------ */

static int import_docker(importer *im, arc_file *mf, char **err)
{
    json_t *doc = NULL, *item;
    size_t i;
    int rc = file_json(im, mf, &doc, err);

    if (rc)
        return rc;
    if (!json_is_array(doc) || json_array_size(doc) == 0) {
        *err = xasprintf("%s: manifest.json is not a non-empty list", im->path);
        rc = EN_INVALID;
        goto out;
    }
    json_array_foreach(doc, i, item)
    {
        const char *cfg_name = json_string_value(json_object_get(item, "Config"));
        json_t *tags = json_object_get(item, "RepoTags"), *ls = json_object_get(item, "Layers");
        json_t *cfg_doc = NULL, *diff_ids, *v;
        arc_file *cfg, **layers = NULL;
        char **names = NULL, *text = NULL, *base, *dot;
        size_t j, n_names = 0, len;

        if (!cfg_name || !json_is_array(ls)) {
            *err = xasprintf("%s: manifest.json entry %zu lacks Config or Layers", im->path, i);
            rc = EN_INVALID;
            goto out;
        }
        cfg = find_file(im, cfg_name);
        if (!cfg) {
            *err = xasprintf("%s: manifest.json names %s, which is not in the archive", im->path,
                             cfg_name);
            rc = EN_INVALID;
            goto out;
        }
        /* "<hex>.json" (classic) or "blobs/sha256/<hex>": the name is the digest. */
        base = strrchr(cfg_name, '/');
        base = base ? base + 1 : (char *)cfg_name;
        dot = strchr(base, '.');
        len = dot ? (size_t)(dot - base) : strlen(base);
        if (len == 64 && strncmp(base, cfg->digest + 7, 64) != 0) {
            *err = xasprintf("%s: config %s does not match its digest (content is %s)",
                             im->path, cfg_name, cfg->digest);
            rc = EN_INVALID;
            goto out;
        }
        rc = file_text(im, cfg, &text, &len, err);
        if (rc)
            goto out;
        cfg_doc = json_loadb(text, len, 0, NULL);
        free(text);
        diff_ids = json_object_get(json_object_get(cfg_doc, "rootfs"), "diff_ids");
        layers = xcalloc(json_array_size(ls) + 1, sizeof *layers);
        json_array_foreach(ls, j, v)
        {
            const char *ln = json_string_value(v);
            const char *want = json_string_value(json_array_get(diff_ids, j));
            layers[j] = ln ? find_file(im, ln) : NULL;
            if (!layers[j]) {
                *err = xasprintf("%s: layer %s is not in the archive", im->path,
                                 ln ? ln : "(not a string)");
                rc = EN_INVALID;
                break;
            }
            if (want && !is_compressed(layers[j]->head, layers[j]->size) &&
                strcmp(want, layers[j]->digest) != 0) {
                *err = xasprintf("%s: layer %s does not match the config's diff_id %s (content "
                                 "is %s)",
                                 im->path, ln, want, layers[j]->digest);
                rc = EN_INVALID;
                break;
            }
        }
        json_decref(cfg_doc);
        if (rc == 0) {
            names = xcalloc(json_array_size(tags) + 1, sizeof *names);
            json_array_foreach(tags, j, v)
            {
                if (json_is_string(v))
                    names[n_names++] = (char *)json_string_value(v);
            }
            if (n_names == 0)
                log_warn("image", "image without RepoTags skipped: archive=%s config=%s",
                         im->path, cfg_name);
            else
                rc = finish_image(im, cfg, layers, json_array_size(ls), names, n_names, NULL,
                                  err);
        }
        free(names);
        free(layers);
        if (rc)
            goto out;
    }
out:
    json_decref(doc);
    return rc;
}

/* ---- oci-archive ------------------------------------------------------------------ */

static arc_file *oci_blob(importer *im, const char *digest)
{
    char *name = xasprintf("blobs/sha256/%s", digest + 7);
    arc_file *f = find_file(im, name);

    free(name);
    return f;
}

/* The name an index entry gives its image, or NULL (borrowed). */
static const char *oci_name(json_t *desc)
{
    json_t *ann = json_object_get(desc, "annotations");
    const char *n = json_string_value(json_object_get(ann, "io.containerd.image.name"));

    if (n)
        return n;
    n = json_string_value(json_object_get(ann, "org.opencontainers.image.ref.name"));
    /* A bare tag ("1.35") names no repository: not usable as a reference. */
    if (n && !strpbrk(n, "/:@"))
        return NULL;
    return n;
}

static int import_oci_one(importer *im, json_t *desc, char **err)
{
    const char *name = oci_name(desc), *top = image__desc_digest(desc), *config;
    json_t *doc = NULL, *pick;
    arc_file *f, *cfg, **layers = NULL;
    char **digests = NULL, *names[1];
    size_t n_layers = 0;
    enum image__mt kind;
    int rc;

    if (!top) {
        *err = xasprintf("%s: index.json entry with a missing or unsupported digest", im->path);
        return EN_INVALID;
    }
    if (!name) {
        log_warn("image", "unnamed image skipped: archive=%s digest=%s", im->path, top);
        return 0;
    }
    f = oci_blob(im, top);
    if (!f) {
        *err = xasprintf("%s: blob %s is not in the archive", im->path, top);
        return EN_INVALID;
    }
    rc = file_json(im, f, &doc, err);
    if (rc)
        return rc;
    kind = image__manifest_kind(json_string_value(json_object_get(desc, "mediaType")), doc);
    if (kind == IMAGE_MT_INDEX) {
        char *want;
        rc = image__index_pick(doc, &pick, err);
        if (rc)
            goto out;
        want = xstrdup(image__desc_digest(pick));
        json_decref(doc);
        doc = NULL;
        f = oci_blob(im, want);
        if (!f) {
            *err = xasprintf("%s: blob %s is not in the archive", im->path, want);
            free(want);
            rc = EN_INVALID;
            goto out;
        }
        free(want);
        rc = file_json(im, f, &doc, err);
        if (rc)
            goto out;
        kind = image__manifest_kind(NULL, doc);
    }
    if (kind != IMAGE_MT_MANIFEST) {
        *err = xasprintf("%s: %s is not an image manifest", im->path, top);
        rc = EN_UNSUPPORTED;
        goto out;
    }
    rc = image__manifest_parts(doc, &config, &digests, &n_layers, err);
    if (rc)
        goto out;
    cfg = oci_blob(im, config);
    if (!cfg) {
        *err = xasprintf("%s: config blob %s is not in the archive", im->path, config);
        rc = EN_INVALID;
        goto out;
    }
    layers = xcalloc(n_layers + 1, sizeof *layers);
    for (size_t i = 0; i < n_layers; i++) {
        layers[i] = oci_blob(im, digests[i]);
        if (!layers[i]) {
            *err = xasprintf("%s: layer blob %s is not in the archive", im->path, digests[i]);
            rc = EN_INVALID;
            goto out;
        }
    }
    /* Keep the manifests too, as a pull does. */
    rc = store_file(im, f, err);
    if (rc == 0 && (f = oci_blob(im, top)) != NULL)
        rc = store_file(im, f, err);
    if (rc)
        goto out;
    names[0] = (char *)name;
    rc = finish_image(im, cfg, layers, n_layers, names, 1, top, err);
out:
    json_decref(doc);
    image__strv_free(digests);
    free(layers);
    return rc;
}

static int import_oci(importer *im, arc_file *idx, char **err)
{
    json_t *doc = NULL, *list, *desc;
    size_t i;
    int rc = file_json(im, idx, &doc, err);

    if (rc)
        return rc;
    list = json_object_get(doc, "manifests");
    if (!json_is_array(list)) {
        *err = xasprintf("%s: index.json has no \"manifests\" list", im->path);
        rc = EN_INVALID;
        goto out;
    }
    json_array_foreach(list, i, desc)
    {
        rc = import_oci_one(im, desc, err);
        if (rc)
            break;
    }
out:
    json_decref(doc);
    return rc;
}

/* ---- entry point ------------------------------------------------------------------- */

int image_import(image_store *st, const char *path, char ***refs_out, char **err)
{
    importer im = {.st = st, .path = path};
    struct archive *a = archive_read_new();
    arc_file *mf, *idx;
    char *msg = NULL;
    const char *key;
    void *val;
    size_t pos = 0;
    int rc;

    if (refs_out)
        *refs_out = NULL;
    if (err)
        *err = NULL;
    if (!a)
        en_fatal("image: archive_read_new failed");
    hmap_init(&im.files);
    hmap_init(&im.aliases);
    image__read_tar_support(a);
    if (archive_read_open_filename(a, path, 64 * 1024) != ARCHIVE_OK) {
        msg = xasprintf("%s: %s", path, archive_error_string(a));
        rc = archive_errno(a) == ENOENT ? EN_NOTFOUND : EN_INVALID;
        goto out;
    }
    rc = read_entries(&im, a, &msg);
    if (rc)
        goto out;
    mf = find_file(&im, "manifest.json");
    idx = find_file(&im, "index.json");
    if (mf)
        rc = import_docker(&im, mf, &msg);
    else if (idx)
        rc = import_oci(&im, idx, &msg);
    else {
        msg = xasprintf("%s: neither a docker-archive (manifest.json) nor an oci-archive "
                        "(index.json)",
                        path);
        rc = EN_INVALID;
    }
    if (rc == 0 && im.n_refs == 0) {
        msg = xasprintf("%s: the archive names no image (no RepoTags or reference annotations)",
                        path);
        rc = EN_INVALID;
    }
out:
    archive_read_free(a);
    while (hmap_next(&im.files, &pos, &key, &val)) {
        arc_file *f = val;
        if (f->tmp)
            unlink(f->tmp);
        free(f->tmp);
        free(f);
    }
    pos = 0;
    while (hmap_next(&im.aliases, &pos, &key, &val))
        free(val);
    hmap_release(&im.files);
    hmap_release(&im.aliases);
    if (rc == 0 && refs_out) {
        *refs_out = im.refs;
        im.refs = NULL;
    }
    image__strv_free(im.refs);
    if (err)
        *err = msg;
    else
        free(msg);
    return rc;
}
