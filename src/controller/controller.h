/*
 * controller.h -- the in-process controllers of `everynode server`.
 *
 * Issue-2 scope: the garbage collector (ownerReferences cascade for
 * Background/Foreground/Orphan deletion) and the namespace controller
 * (removing what a deleted namespace contains, then the namespace).  The
 * DaemonSet controller and node lifecycle join them here.  Controllers learn
 * about changes from cache listeners (which only enqueue work), act through
 * the registry like any client, and re-check everything on a periodic sweep.
 */
#ifndef EVERYNODE_CONTROLLER_H
#define EVERYNODE_CONTROLLER_H

#include "cache/cache.h"
#include "registry/registry.h"

typedef struct controllers controllers;

/* Start every controller's thread; reg and c must outlive them. */
int ctrl_start(registry *reg, cache *c, controllers **out);
/* Stop and join all controller threads, free. NULL ok. */
void ctrl_stop(controllers *cs);

#endif /* EVERYNODE_CONTROLLER_H */
