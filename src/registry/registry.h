/*
 * registry.h -- Kubernetes object semantics on top of the store and cache.
 *
 * Every write to the API, from HTTP clients and from in-process controllers
 * alike, goes through here: create (generateName, uid, creationTimestamp,
 * generation, defaulting, validation, namespace checks), update and patch
 * (optimistic concurrency on resourceVersion, spec/status split for
 * subresources, generation bumps on spec changes, DaemonSet template
 * generation annotation), delete (preconditions, finalizers,
 * deletionTimestamp, propagation policies, graceful pod deletion) and
 * deletecollection.  Reads come from the cache.
 *
 * Errors are returned as a reg_status: the HTTP code, the metav1.Status
 * reason and message, and details (with validation causes) that the API
 * layer serialises unchanged, so controllers and HTTP clients see the same
 * errors Kubernetes would give.
 */
#ifndef EVERYNODE_REGISTRY_H
#define EVERYNODE_REGISTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cache/cache.h"
#include "store/store.h"
#include "types/types.h"

typedef struct registry {
    store *st; /* not owned */
    cache *c;  /* not owned */
} registry;

/* A failed request in metav1.Status terms.  code 0 means success. */
typedef struct reg_status {
    int code;           /* HTTP status: 400, 404, 409, 410, 413, 415, 422, 500, ... */
    const char *reason; /* static: "NotFound", "AlreadyExists", "Conflict", "Invalid", ... */
    char *message;      /* owned */
    json_t *details;    /* owned or NULL: {"name","group","kind","causes":[...]} */
} reg_status;

void reg_status_release(reg_status *s);
/* Fill s (which must be empty) with a formatted error; returns -code. */
int reg_fail(reg_status *s, int code, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The standard NotFound for an object: `daemonsets.apps "x" not found`. */
int reg_not_found(reg_status *s, const kind_info *k, const char *name);
/* metav1.Status JSON for s (new reference). */
json_t *reg_status_json(const reg_status *s);

/* How a write is checked for unknown fields (?fieldValidation=). */
enum reg_field_validation { REG_FV_IGNORE, REG_FV_WARN, REG_FV_STRICT };

typedef struct reg_write_opts {
    enum reg_field_validation fv;
    bool dry_run;           /* ?dryRun=All: validate, don't persist */
    json_t *warnings;       /* if non-NULL, array receiving warning strings */
    bool system;            /* the server itself writes (e.g. the "kubernetes"
                             * Service): allowed on kinds read-only to clients */
    bool consume;           /* create, update: the body is the caller's to give
                             * away; it is used (and changed) in place instead
                             * of copied */
} reg_write_opts;

enum reg_patch_type { REG_PATCH_JSON, REG_PATCH_MERGE, REG_PATCH_STRATEGIC, REG_PATCH_APPLY };

enum reg_propagation { REG_PROP_DEFAULT, REG_PROP_BACKGROUND, REG_PROP_FOREGROUND, REG_PROP_ORPHAN };

typedef struct reg_delete_opts {
    enum reg_propagation propagation;
    int64_t grace_seconds;  /* -1 = the object's default */
    const char *pre_uid;    /* preconditions, NULL = none */
    const char *pre_rv;
    bool dry_run;
} reg_delete_opts;

/* Results: *out receives the stored object as JSON (new reference). */

int reg_create(registry *r, const kind_info *k, const char *ns, json_t *obj,
               const reg_write_opts *o, json_t **out, reg_status *st);
/* PUT.  subresource: NULL, "status", "finalize" (namespaces) or "binding"
 * (pods: only spec.nodeName changes). */
int reg_update(registry *r, const kind_info *k, const char *ns, const char *name, json_t *obj,
               const char *subresource, const reg_write_opts *o, json_t **out, reg_status *st);
int reg_patch(registry *r, const kind_info *k, const char *ns, const char *name,
              enum reg_patch_type type, json_t *patch, const char *subresource,
              const reg_write_opts *o, json_t **out, reg_status *st);
/*
 * DELETE.  *out is the object as it now is: the final state when it was
 * removed (*gone = true), or with deletionTimestamp set when finalizers or
 * graceful deletion keep it for now (*gone = false).
 */
int reg_delete(registry *r, const kind_info *k, const char *ns, const char *name,
               const reg_delete_opts *o, json_t **out, bool *gone, reg_status *st);
/* DELETE on a collection: delete each object matching the filter. */
int reg_delete_collection(registry *r, const cache_filter *f, const reg_delete_opts *o,
                          reg_status *st);

/* Bind an unbound pod to node (the scheduler's write: pods/binding).  A pod
 * already bound fails with 409 Conflict, as the API's binding does. */
int reg_bind(registry *r, const char *ns, const char *name, const char *node, reg_status *st);
/* Read-modify-write helper for controllers: fetch the object, call fn to
 * change it in place (return false to skip the write), then update with the
 * read resourceVersion, retrying on conflict up to 5 times. */
typedef bool (*reg_mutate_fn)(void *ctx, json_t *obj);
int reg_mutate(registry *r, const kind_info *k, const char *ns, const char *name,
               const char *subresource, reg_mutate_fn fn, void *ctx, reg_status *st);

#endif /* EVERYNODE_REGISTRY_H */
