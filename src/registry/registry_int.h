/*
 * registry_int.h -- private declarations shared by the registry's files:
 * the per-kind strategies (strategy.c) used by registry.c.
 */
#ifndef EVERYNODE_REGISTRY_INT_H
#define EVERYNODE_REGISTRY_INT_H

#include "registry/registry.h"

/* Reset what a client may not set on create (uid, timestamps, status of
 * kinds whose status belongs to controllers, generation) in place. */
void reg_prepare_create(const kind_info *k, json_t *obj);
/*
 * Build the next version from the client's desired object and the stored
 * one: immutable metadata kept, spec/status split by subresource,
 * generation and DaemonSet template generation bumped on changes.  Returns
 * a new reference.  Copies are shallow where they can be: the result may
 * share members with old (status, binding, finalize) and, when own_desired,
 * is desired itself, changed in place (the caller's private object, shared
 * with nothing else; doing it again with another old gives the same
 * result).  So old and desired are the caller's scratch: nothing else may
 * hold them, and old must not be used as "the stored object" once the
 * result has been changed further.
 */
json_t *reg_prepare_update(const kind_info *k, json_t *desired, json_t *old,
                           const char *subresource, bool own_desired);
/* True when an object being deleted has no finalizers left (and no grace
 * period to wait for): the write that made it so removes it instead. */
bool reg_finalized(json_t *obj);

enum reg_delete_plan {
    REG_DELETE_NOW,       /* remove from the store */
    REG_DELETE_MARK,      /* obj was changed in place: write it (deletionTimestamp, finalizers) */
    REG_DELETE_UNCHANGED  /* already being deleted; nothing to write */
};
/* Decide how to delete obj and, for REG_DELETE_MARK, modify it in place. */
enum reg_delete_plan reg_plan_delete(registry *r, const kind_info *k, json_t *obj,
                                     const reg_delete_opts *o);

#endif /* EVERYNODE_REGISTRY_INT_H */
