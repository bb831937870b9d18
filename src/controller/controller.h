/*
 * controller.h -- the in-process controllers of `everynode server`.
 *
 * The DaemonSet controller (daemonset.c, ds_update.c, ds_util.c), the
 * scheduling step that binds pods to nodes (scheduler.c), node lifecycle
 * (nodelifecycle.c), and the garbage and namespace collector (gc.c), over
 * a shared informer (informer.c).  Controllers learn
 * about changes from cache listeners (which only enqueue work), act through
 * the registry like any client, and re-check everything on a periodic sweep.
 */
#ifndef EVERYNODE_CONTROLLER_H
#define EVERYNODE_CONTROLLER_H

#include "cache/cache.h"
#include "registry/registry.h"

typedef struct controllers controllers;

typedef struct ctrl_config {
    int node_grace_seconds; /* heartbeat age before a node is Unknown (0 = 50) */
} ctrl_config;

/* Start every controller's thread; reg and c must outlive them.  cfg may
 * be NULL for defaults. */
int ctrl_start(registry *reg, cache *c, const ctrl_config *cfg, controllers **out);
/* Stop and join all controller threads, free. NULL ok. */
void ctrl_stop(controllers *cs);

#endif /* EVERYNODE_CONTROLLER_H */
