/*
 * image.h -- container images on a node: pulling from OCI / Docker registries
 * over the distribution API, importing docker-archive and oci-archive
 * tarballs, and the node's content-addressed image store from which the
 * runtime (runtime.h) makes container root filesystems.
 *
 * How it fits: the agent (agent.h) asks image_lookup / image_pull for the
 * image of each container (honouring imagePullPolicy), and hands
 * image_info.rootfs to the runtime as the read-only lower layer of the
 * container's root filesystem.  `everynode image import|pull|list` (cmd/)
 * drive the same functions from the command line.
 *
 * Store layout under the root directory (one store per agent; several
 * agents on one machine use different roots):
 *   blobs/sha256/<hex>        every blob as fetched (manifests, configs,
 *                             compressed layers), verified by its digest
 *   rootfs/sha256/<hex>/      a flattened, read-only root filesystem per
 *                             image config digest (layers applied in
 *                             order, whiteouts honoured), shared by every
 *                             container of that image
 *   refs.json                 normalised reference -> image id, digest
 *
 * Registries: references are normalised as Docker does ("busybox" ->
 * "docker.io/library/busybox:latest"; "host:5000/x@sha256:..." kept).  A
 * registries.yaml in the format of k3s (mirrors: <registry>: endpoint: [...];
 * configs: <host>: tls: insecure_skip_verify, auth: username/password) maps
 * registries to mirror endpoints (plain http:// allowed, for tests on
 * loopback).  Bearer-token auth (WWW-Authenticate: Bearer realm=...) and
 * basic auth are supported; manifest lists / OCI indexes pick linux/amd64
 * (or the host's architecture).
 *
 * Threads: a store may be used from several threads; pulls of the same
 * reference at once are done once.
 *
 * Errors: 0 or a negative EN_* code (core.h); *err, when not NULL, receives a
 * new message the caller frees, worded for a pod's status (e.g. "failed to
 * pull image \"x\": manifest unknown", "... connection refused").
 * EN_NOTFOUND: no such image (locally for image_lookup, in the registry for
 * image_pull).
 */
#ifndef EVERYNODE_IMAGE_H
#define EVERYNODE_IMAGE_H

#include <jansson.h>
#include <stdbool.h>

typedef struct image_store image_store;

/* What the store knows of one image. */
typedef struct image_info {
    char *ref;    /* owned: normalised reference, "docker.io/library/busybox:1.36" */
    char *id;     /* owned: "sha256:<config digest hex>" (containerStatuses.imageID
                   * uses digest when set, else this) */
    char *digest; /* owned or NULL: "docker.io/library/busybox@sha256:<manifest hex>"
                   * for pulled images; NULL for imports without one */
    char *rootfs; /* owned: absolute path of the flattened root filesystem */
    json_t *config; /* owned: the image config's "config" object (Entrypoint, Cmd,
                     * Env, WorkingDir, User, ExposedPorts); never NULL */
} image_info;

/* Free the contents (not the struct); NULL and zeroed structs are fine. */
void image_info_release(image_info *info);

/*
 * Open (creating when needed) the store at root.  registries_yaml may be
 * NULL (no mirrors).  Returns 0 or EN_IO / EN_INVALID (bad registries.yaml,
 * *err says where).  The caller frees with image_store_close.
 */
int image_store_open(const char *root, const char *registries_yaml, image_store **out,
                     char **err);
void image_store_close(image_store *st);

/* Normalise a reference as Docker does; *out is new (caller frees).
 * EN_INVALID for references that cannot be parsed. */
int image_normalize(const char *ref, char **out, char **err);

/* The image a reference names, if present locally (no network).  Fills
 * *out (caller releases).  EN_NOTFOUND when absent. */
int image_lookup(image_store *st, const char *ref, image_info *out);

/* Pull from the registry (or its mirrors), verify every blob, unpack, and
 * record the reference; then fill *out as image_lookup.  Blocking; bounded
 * by timeouts. */
int image_pull(image_store *st, const char *ref, image_info *out, char **err);

/* Import a docker-archive (`docker save`) or oci-archive tarball: every
 * image in it is stored under the references it names (RepoTags /
 * org.opencontainers.image.ref.name, normalised).  *refs_out, when not
 * NULL, receives a NULL-terminated array of the normalised references (the
 * caller frees each string and the array). */
int image_import(image_store *st, const char *path, char ***refs_out, char **err);

/* Every reference in the store, sorted; NULL-terminated array the caller
 * frees (strings and array). */
int image_list(image_store *st, char ***refs_out);

#endif /* EVERYNODE_IMAGE_H */
