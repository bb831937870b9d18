/*
 * validate_coord.c -- validation of coordination.k8s.io/v1 Lease as
 * pkg/apis/coordination/validation does it: metadata, positive lease
 * duration, non-negative transition count, and the coordinated-election
 * strategy fields.  Agents renew their node's Lease through this path.
 */
#include <stdlib.h>
#include <string.h>

#include "types/types_int.h"

static const char *const lease_strategies[] = {"OldestEmulationVersion", NULL};

void types__validate_lease(vctx *v, json_t *obj, json_t *old)
{
    json_t *spec;
    int64_t x;
    const char *strategy, *holder, *s;
    size_t mark;

    types__validate_meta(v, obj, true, types__name_subdomain);
    if (old)
        types__validate_meta_update(v, obj, old);
    spec = types__v_obj(v, obj, "spec");
    mark = types__v_push(v, "spec");
    if (types__v_int32(v, spec, "leaseDurationSeconds", &x) && x <= 0)
        types__v_invalid_int(v, "leaseDurationSeconds", x, "must be greater than 0");
    if (types__v_int32(v, spec, "leaseTransitions", &x) && x < 0)
        types__v_invalid_int(v, "leaseTransitions", x, "must be greater than or equal to 0");
    types__v_str(v, spec, "holderIdentity");
    types__v_str(v, spec, "acquireTime");
    types__v_str(v, spec, "renewTime");
    strategy = types__v_str(v, spec, "strategy");
    holder = types__v_str(v, spec, "preferredHolder");
    if (strategy) {
        /* A Kubernetes-defined name, or a qualified "domain/name".  Upstream
         * names the field twice ("spec.strategy.strategy"); so do we. */
        size_t smark = types__v_push(v, "strategy");
        if (!strchr(strategy, '/')) {
            bool known = false;
            for (size_t i = 0; lease_strategies[i]; i++)
                known |= strcmp(strategy, lease_strategies[i]) == 0;
            if (!known)
                types__v_notsupported_str(v, "strategy", strategy, lease_strategies);
        } else {
            types_msgs m;
            types__msgs_init(&m);
            types__qualified_name(strategy, &m);
            types__v_invalid_msgs(v, "strategy", strategy, &m);
        }
        types__v_pop(v, smark);
    }
    s = strategy;
    if (holder && *holder && (!s || !*s))
        types__v_forbidden(v, "preferredHolder", "may only be specified if `strategy` is defined");
    types__v_pop(v, mark);
}
