/*
 * image_int.h -- declarations shared by the files of the image module
 * (image.h is its public interface).
 *
 *   ref.c         reference parsing and Docker's normalisation
 *   registries.c  registries.yaml (k3s format): mirrors and per-host configs
 *   store.c       the store: open/close, refs.json, blobs, temp dirs,
 *                 in-flight deduplication, lookup and list
 *   unpack.c      applying layer tarballs into a root filesystem (whiteouts,
 *                 confinement of every path to the root)
 *   pull.c        the OCI distribution API client (libcurl)
 *   import.c      docker-archive and oci-archive tarballs
 *   manifest.c    manifests, indexes and image configs shared by pull and
 *                 import (platform choice, descriptor validation)
 */
#ifndef EVERYNODE_IMAGE_INT_H
#define EVERYNODE_IMAGE_INT_H

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/core.h"
#include "image/image.h"

/* "sha256:" + 64 hex digits + NUL. */
#define IMAGE_DIGEST_LEN 72
/* Largest manifest, index, config or archive metadata file we accept. */
#define IMAGE_MAX_META (4 * 1024 * 1024)
/* Largest layer we accept when its size is not known in advance. */
#define IMAGE_MAX_BLOB ((int64_t)16 * 1024 * 1024 * 1024)

/* ---- references (ref.c) -------------------------------------------------- */

/* A parsed, normalised reference; every string owned. */
typedef struct image__ref {
    char *domain; /* "docker.io", "127.0.0.1:5000", "localhost" */
    char *path;   /* repository path in that registry: "library/busybox" */
    char *tag;    /* "1.35", or NULL when only a digest was given */
    char *digest; /* "sha256:<hex>" or NULL */
} image__ref;

/* Parse and normalise; EN_INVALID with *err (new) naming what is wrong. */
int image__ref_parse(const char *s, image__ref *out, char **err);
void image__ref_release(image__ref *r);
/* "domain/path[:tag][@digest]"; caller frees. */
char *image__ref_string(const image__ref *r);
/* "domain/path"; caller frees. */
char *image__ref_name(const image__ref *r);
/* True for "sha256:" followed by exactly 64 lowercase hex digits. */
bool image__digest_valid(const char *d);

/* ---- registries.yaml (registries.c) ------------------------------------- */

/* Per-host settings from `configs:`. */
typedef struct image__regconf {
    char *host;      /* key: "host[:port]" */
    char *username;  /* NULL when no credentials */
    char *password;  /* NULL when no credentials */
    bool insecure;   /* tls.insecure_skip_verify */
    char *ca_file;   /* tls.ca_file or NULL */
    char *cert_file; /* tls.cert_file or NULL (client certificate) */
    char *key_file;  /* tls.key_file or NULL */
} image__regconf;

/* Mirror endpoints of one registry (`mirrors:`). */
typedef struct image__mirror {
    char *registry;   /* key: "docker.io", or "*" for every registry */
    char **endpoints; /* n_endpoints base URLs, "scheme://host[:port][/prefix]" */
    size_t n_endpoints;
} image__mirror;

typedef struct image__registries {
    image__mirror *mirrors; /* n_mirrors entries */
    size_t n_mirrors;
    image__regconf *configs; /* n_configs entries */
    size_t n_configs;
} image__registries;

/* Parse registries.yaml text; `what` names it in messages (a path).
 * EN_INVALID with *err on bad input.  *out is released by the caller. */
int image__registries_parse(const char *text, size_t len, const char *what,
                            image__registries *out, char **err);
/* Read and parse a file; EN_IO when it cannot be read. */
int image__registries_load(const char *path, image__registries *out, char **err);
void image__registries_release(image__registries *r);
/* Endpoints to try for a registry domain, in order: its mirrors (or those
 * of "*"), then the registry itself.  NULL-terminated array of new strings
 * the caller frees (image__strv_free). */
char **image__registries_endpoints(const image__registries *r, const char *domain);
/* Settings for an endpoint host ("host:port" or "host"), or NULL. Borrowed. */
const image__regconf *image__registries_config(const image__registries *r, const char *hostport);

/* ---- the store (store.c) -------------------------------------------------- */

/* One operation in progress (a pull of a reference, an unpack of an image),
 * waited for by the callers that arrive while it runs. */
typedef struct image__flight {
    char *key;           /* hmap key: "pull:<ref>", "blob:<digest>" or "rootfs:<id>" */
    bool done;           /* the leader finished */
    int rc;              /* its result */
    char *err;           /* its message or NULL */
    int refs;            /* leader + waiters still holding this */
    pthread_cond_t cond; /* signalled when done */
} image__flight;

struct image_store {
    char *root;                  /* absolute, symlink-free path of the store */
    char *tmp;                   /* root/tmp: temp files and dirs named "<pid>.<...>" */
    int lock_fd;                 /* root/lock: flock() serialises refs.json updates
                                  * between processes */
    image__registries reg;       /* parsed registries.yaml (empty when none) */
    pthread_mutex_t mu;          /* guards everything below */
    json_t *refs;                /* cached refs.json "refs" object */
    dev_t refs_dev;              /* identity of the refs.json file cached, so a */
    ino_t refs_ino;              /* change by another process is noticed */
    int64_t refs_mtime_ns;
    hmap flights;                /* key -> image__flight*, operations in progress */
    hmap configs;                /* image id -> json_t* "config" object (owned) */
    unsigned long tmp_seq;       /* makes temp names unique within the process */
};

/* Free a NULL-terminated string array (NULL is fine). */
void image__strv_free(char **v);

/* A new unique path under st->tmp ("<tmp>/<pid>.<seq>.<suffix>"); nothing is
 * created.  Caller frees. */
char *image__tmp_path(image_store *st, const char *suffix);
/* root/blobs/sha256/<hex> for "sha256:<hex>"; caller frees. */
char *image__blob_path(const image_store *st, const char *digest);
bool image__blob_exists(const image_store *st, const char *digest);
/* root/rootfs/sha256/<hex> for an image id; caller frees. */
char *image__rootfs_path(const image_store *st, const char *id);

/* Streaming a blob into the store while hashing it. */
typedef struct image__blob_writer {
    int fd;             /* temp file */
    char *tmp_path;     /* owned */
    gnutls_hash_hd_t md; /* SHA-256 so far (owned; NULL once finished) */
    int64_t size;       /* bytes written so far */
    int64_t limit;      /* refuse more than this */
    unsigned char head[8]; /* first bytes (compression sniffing) */
} image__blob_writer;

int image__blob_begin(image_store *st, int64_t limit, image__blob_writer *w);
/* EN_TOOLARGE past the limit, EN_IO on write errors. */
int image__blob_write(image__blob_writer *w, const void *data, size_t n);
/* Finish: compute the digest into got (IMAGE_DIGEST_LEN); when want is not
 * NULL it must match (EN_INVALID otherwise, *err says both).  On success the
 * blob is renamed into blobs/ (an existing copy is kept).  The writer is
 * released in every case. */
int image__blob_commit(image_store *st, image__blob_writer *w, const char *want, char *got,
                       char **err);
void image__blob_abort(image__blob_writer *w);
/* Finish without storing: the digest into got, the temp file's path (new,
 * the file now the caller's) into *tmp_path.  The writer is released. */
int image__blob_close(image__blob_writer *w, char *got, char **tmp_path);
/* Store a blob given in memory (manifests): digest computed into got. */
int image__blob_put(image_store *st, const void *data, size_t n, char *got, char **err);
/* Read a blob of at most max bytes; caller frees *out. EN_NOTFOUND/EN_TOOLARGE. */
int image__blob_read(const image_store *st, const char *digest, size_t max, char **out,
                     size_t *len);
/* sha256 of a memory buffer as "sha256:<hex>" into out (IMAGE_DIGEST_LEN). */
void image__sha256(const void *data, size_t n, char *out);

/* Record ref -> (id, digest) in refs.json (digest may be NULL). */
int image__record(image_store *st, const char *ref, const char *id, const char *digest);

/* In-flight deduplication.  image__flight_join returns true when the caller
 * leads (it does the work, then calls image__flight_finish); otherwise it
 * waited for the leader and copied its result into *rc / *err (new).  Both
 * paths end with image__flight_leave. */
bool image__flight_join(image_store *st, const char *key, image__flight **out, int *rc,
                        char **err);
void image__flight_finish(image_store *st, image__flight *f, int rc, const char *err);
void image__flight_leave(image_store *st, image__flight *f);

/* Make sure rootfs/sha256/<hex of id> exists: unpack the layer blobs (in
 * order, "sha256:..." digests) into a temp dir and rename it into place,
 * once even when called concurrently.  *err new on failure. */
int image__ensure_rootfs(image_store *st, const char *id, char **layers, size_t n_layers,
                         char **err);

/* ---- unpacking (unpack.c) ------------------------------------------------- */

/* Apply one layer tarball (see image__read_tar_support) at path onto
 * the directory root (absolute, symlink-free), honouring whiteouts and
 * keeping every path inside root.  EN_INVALID with *err naming the entry on
 * a bad layer; EN_IO on file system errors. */
int image__apply_layer(const char *root, const char *layer_path, char **err);

struct archive;
/* Let reader a read tar archives compressed with gzip, zstd, xz or bzip2
 * (or not at all): the compressions image layers and saved images use.
 * Naming them, rather than libarchive's "all", links only these filters
 * into the binary (libarchive is linked statically; see the Makefile). */
void image__read_tar_support(struct archive *a);
/* Remove path and everything under it, never following symlinks; 0 when it
 * did not exist. */
int image__rmtree(const char *path);

/* ---- manifests and configs (manifest.c) ----------------------------------- */

enum image__mt {
    IMAGE_MT_UNKNOWN = 0,
    IMAGE_MT_MANIFEST, /* Docker schema 2 or OCI image manifest */
    IMAGE_MT_INDEX,    /* Docker manifest list or OCI image index */
};

/* Classify by Content-Type (may be NULL) and the document itself. */
enum image__mt image__manifest_kind(const char *content_type, json_t *doc);
/* The host's platform as OCI names it ("amd64", "arm64"...; variant or NULL). */
void image__host_platform(const char **arch, const char **variant);
/* In an index, the descriptor for linux/<host arch>; EN_NOTFOUND with *err
 * ("no matching manifest for linux/amd64 in the manifest list entries"). */
int image__index_pick(json_t *index, json_t **desc, char **err);
/* From an image manifest: config digest (borrowed) and layer digests (new
 * NULL-terminated array).  Validates every digest.  EN_INVALID with *err. */
int image__manifest_parts(json_t *manifest, const char **config, char ***layers,
                          size_t *n_layers, char **err);
/* A descriptor's digest when valid (borrowed), else NULL. */
const char *image__desc_digest(json_t *desc);
/* A descriptor's size, or -1 when absent or invalid. */
int64_t image__desc_size(json_t *desc);
/* Check an image config blob: a JSON object; EN_INVALID with *err. */
int image__config_check(const char *data, size_t len, char **err);

#endif /* EVERYNODE_IMAGE_INT_H */
