/*
 * controller.c -- starts and stops the in-process controllers of `everynode
 * server` (see controller.h): one informer shared by the DaemonSet
 * controller, the scheduler and node lifecycle, plus the garbage collector.
 */
#include <stdlib.h>

#include "controller/controller_int.h"

struct controllers {
    informer *inf;       /* shared facts about nodes, pods, DaemonSets */
    gc_ctrl *gc;
    ds_ctrl *ds;
    sched_ctrl *sched;
    nodelc_ctrl *nodelc;
    sa_ctrl *sa;
};

int ctrl_start(registry *reg, cache *c, const ctrl_config *cfg, controllers **out)
{
    controllers *cs = xcalloc(1, sizeof *cs);

    cs->inf = informer_start(c);
    cs->gc = gc_start(reg, c);
    cs->ds = ds_start(reg, c, cs->inf);
    cs->sched = sched_start(reg, c, cs->inf);
    cs->nodelc = nodelc_start(reg, c, cs->inf, cfg ? cfg->node_grace_seconds : 0);
    cs->sa = sa_start(reg, c);
    *out = cs;
    return 0;
}

void ctrl_stop(controllers *cs)
{
    if (!cs)
        return;
    /* First stop the events: the store delivers them on its own thread,
     * also for writes made before the API and the controllers stopped, and
     * the informer would hand them to controllers being freed. */
    informer_detach(cs->inf);
    sa_stop(cs->sa);
    nodelc_stop(cs->nodelc);
    sched_stop(cs->sched);
    ds_stop(cs->ds);
    gc_stop(cs->gc);
    informer_free(cs->inf);
    free(cs);
}
