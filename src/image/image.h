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
 *   tmp/                      downloads and unpacks in progress
 *   lock                      flock'ed while refs.json is rewritten
 *
 * Registries: references are normalised as Docker does ("busybox" ->
 * "docker.io/library/busybox:latest"; "host:5000/x@sha256:..." kept).  A
 * registries.yaml in the format of k3s (mirrors: <registry>: endpoint: [...];
 * configs: <host>: tls: insecure_skip_verify / ca_file / cert_file /
 * key_file, auth: username/password or auth) maps registries to mirror
 * endpoints (plain http:// allowed, for tests on loopback); a mirror "*"
 * applies to every registry without its own.  Endpoints are tried in order,
 * then the registry itself (https://, except registries on loopback --
 * localhost, 127.x, [::1] -- which are plain http://, as Docker treats
 * 127.0.0.0/8 as insecure; docker.io is https://registry-1.docker.io).
 * Bearer-token auth (WWW-Authenticate: Bearer realm=...) and basic auth are
 * supported; manifest lists / OCI indexes pick linux/<host architecture>
 * (amd64 on x86_64).  Every blob is verified by its sha256 digest (the only
 * algorithm accepted) before it is stored.
 *
 * Threads: a store may be used from several threads; pulls of the same
 * reference at once are done once (as are downloads of one blob and unpacks
 * of one image).  Several processes may share a store (the agent and
 * `everynode image import`): everything appears by rename(2), refs.json
 * updates take an flock, and temp files of dead processes are removed at
 * open (processes sharing a store must share a pid namespace).
 *
 * Errors: 0 or a negative EN_* code (core.h); *err, when not NULL, receives a
 * new message the caller frees, worded for a pod's status (e.g. "failed to
 * pull and unpack image \"docker.io/library/x:1\": ... not found", "...:
 * Failed to connect to 127.0.0.1 port 5000 after 0 ms: Couldn't connect to
 * server").
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
 * Open (creating when needed) the store at root.  registries_yaml is the
 * path of a registries.yaml file, read once here, or NULL (no mirrors, no
 * credentials).  Returns 0 or EN_IO (root not usable, file unreadable) /
 * EN_INVALID (bad registries.yaml; *err names the file and the key).  The
 * caller frees with image_store_close, after every call using the store has
 * returned.
 */
int image_store_open(const char *root, const char *registries_yaml, image_store **out,
                     char **err);
void image_store_close(image_store *st);

/* Normalise a reference as Docker does; *out is new (caller frees).
 * EN_INVALID for references that cannot be parsed. */
int image_normalize(const char *ref, char **out, char **err);

/* The image a reference names, if present locally (no network).  Fills
 * *out (caller releases).  A "name@sha256:..." reference also finds an
 * image recorded under another reference with that manifest digest.
 * EN_NOTFOUND when absent (or its root filesystem is gone), EN_INVALID when
 * ref does not parse.  Cheap enough to call on every sync: refs.json is
 * re-read only when it changed. */
int image_lookup(image_store *st, const char *ref, image_info *out);

/* Pull from the registry (or its mirrors), verify every blob, unpack, and
 * record the reference; then fill *out as image_lookup.  Always asks the
 * registry (imagePullPolicy is the caller's business); blobs and root
 * filesystems already present are not fetched or unpacked again.
 * Blocking; bounded by timeouts (10 s to connect, 60 s per manifest, a
 * minimum speed of 1 KiB/s over 30 s for blobs).  Errors: EN_INVALID (bad
 * reference, digest or size mismatch, authorization refused), EN_NOTFOUND
 * (no such manifest or blob), EN_IO / EN_TIMEOUT (could not reach any
 * endpoint), EN_UNSUPPORTED (schema 1 manifests, no image for this
 * platform).  *err example: "failed to pull and unpack image
 * \"docker.io/library/x:1\": failed to resolve reference
 * \"docker.io/library/x:1\": docker.io/library/x:1: not found". */
int image_pull(image_store *st, const char *ref, image_info *out, char **err);

/* Import a docker-archive (`docker save`) or oci-archive tarball (plain or
 * compressed): every image in it is stored under the references it names
 * (RepoTags / io.containerd.image.name / org.opencontainers.image.ref.name
 * when it is a full reference, normalised; images without a name are
 * skipped).  *refs_out, when not NULL, receives a NULL-terminated array of
 * the normalised references (the caller frees each string and the array).
 * EN_INVALID when the file is not such an archive, a blob does not match
 * its digest, or it names no image; EN_NOTFOUND when path does not exist. */
int image_import(image_store *st, const char *path, char ***refs_out, char **err);

/* Every reference in the store, sorted; NULL-terminated array the caller
 * frees (strings and array). */
int image_list(image_store *st, char ***refs_out);

#endif /* EVERYNODE_IMAGE_H */
