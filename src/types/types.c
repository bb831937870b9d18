/*
 * types.c -- the table of kinds everynode serves and the entry points that
 * dispatch defaulting and validation to the per-kind code.
 *
 * The table is static data in discovery order (core, apps,
 * coordination.k8s.io; resources alphabetical within a group, as the
 * Kubernetes API server lists them).  Lookups are linear: there are few
 * kinds and callers resolve them once per request.  table.c and fields.c
 * (printing and field selectors) key their own per-kind data off these
 * entries.
 */
#include <string.h>

#include "types/types_int.h"

static const char *const verbs_all[] = {
    "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch", NULL};
static const char *const verbs_namespace[] = {"create", "delete", "get",   "list",
                                              "patch",  "update", "watch", NULL};
static const char *const verbs_read_only[] = {"get", "list", "watch", NULL};

static const char *const sn_event[] = {"ev", NULL};
static const char *const sn_namespace[] = {"ns", NULL};
static const char *const sn_node[] = {"no", NULL};
static const char *const sn_pod[] = {"po", NULL};
static const char *const sn_service[] = {"svc", NULL};
static const char *const sn_service_account[] = {"sa", NULL};
static const char *const sn_rc[] = {"rc", NULL};
static const char *const sn_rs[] = {"rs", NULL};
static const char *const sn_daemonset[] = {"ds", NULL};
static const char *const cat_all[] = {"all", NULL};

/* Order matters: kind_ids[] below runs parallel to it. */
static const kind_info kinds[] = {
    {"", "v1", "Event", "EventList", "events", "event", true, sn_event, NULL, false, false, false,
     verbs_all},
    {"", "v1", "Namespace", "NamespaceList", "namespaces", "namespace", false, sn_namespace, NULL,
     true, false, false, verbs_namespace},
    {"", "v1", "Node", "NodeList", "nodes", "node", false, sn_node, NULL, true, false, false,
     verbs_all},
    /* Pods bump metadata.generation only from v1.33 (PodObservedGenerationTracking). */
    {"", "v1", "Pod", "PodList", "pods", "pod", true, sn_pod, cat_all, true, false, false,
     verbs_all},
    /* Replication controllers and replica sets are not run here; they are
     * served (always empty) because clients such as Kubernetes' e2e
     * framework list them and treat an error as fatal. */
    {"", "v1", "ReplicationController", "ReplicationControllerList", "replicationcontrollers",
     "replicationcontroller", true, sn_rc, cat_all, true, true, true, verbs_read_only},
    {"", "v1", "ServiceAccount", "ServiceAccountList", "serviceaccounts", "serviceaccount", true,
     sn_service_account, NULL, false, false, false, verbs_all},
    {"", "v1", "Service", "ServiceList", "services", "service", true, sn_service, cat_all, false,
     false, true, verbs_read_only},
    {"apps", "v1", "ControllerRevision", "ControllerRevisionList", "controllerrevisions",
     "controllerrevision", true, NULL, NULL, false, false, false, verbs_all},
    {"apps", "v1", "DaemonSet", "DaemonSetList", "daemonsets", "daemonset", true, sn_daemonset,
     cat_all, true, true, false, verbs_all},
    {"apps", "v1", "ReplicaSet", "ReplicaSetList", "replicasets", "replicaset", true, sn_rs,
     cat_all, true, true, true, verbs_read_only},
    {"coordination.k8s.io", "v1", "Lease", "LeaseList", "leases", "lease", true, NULL, NULL, false,
     false, false, verbs_all},
};

#define NKINDS (sizeof kinds / sizeof kinds[0])

static const enum types_kind kind_ids[NKINDS] = {
    TK_EVENT,         TK_NAMESPACE,
    TK_NODE,          TK_POD,
    TK_REPLICATION_CONTROLLER, TK_SERVICE_ACCOUNT,
    TK_SERVICE,       TK_CONTROLLER_REVISION,
    TK_DAEMONSET,     TK_REPLICA_SET,
    TK_LEASE,
};
static const char *const api_versions[NKINDS] = {
    "v1",      "v1",      "v1",      "v1",      "v1", "v1", "v1", "apps/v1",
    "apps/v1", "apps/v1", "coordination.k8s.io/v1",
};
static const char *const qualified[NKINDS] = {
    "events",          "namespaces",
    "nodes",           "pods",
    "replicationcontrollers", "serviceaccounts",
    "services",        "controllerrevisions.apps",
    "daemonsets.apps", "replicasets.apps",
    "leases.coordination.k8s.io",
};

const kind_info *types_all(size_t *n)
{
    if (n)
        *n = NKINDS;
    return kinds;
}

/* Index of k in the table, or -1 for a pointer that is not ours. */
static int kind_index(const kind_info *k)
{
    if (!k || k < kinds || k >= kinds + NKINDS)
        return -1;
    return (int)(k - kinds);
}

enum types_kind types__kind_id(const kind_info *k)
{
    int i = kind_index(k);
    return i < 0 ? TK_UNKNOWN : kind_ids[i];
}

static bool group_version_is(const kind_info *k, const char *group, const char *version)
{
    return strcmp(k->group, group ? group : "") == 0 &&
           (!version || strcmp(k->version, version) == 0);
}

const kind_info *types_by_resource(const char *group, const char *version, const char *resource)
{
    if (!resource)
        return NULL;
    for (size_t i = 0; i < NKINDS; i++)
        if (group_version_is(&kinds[i], group, version) && strcmp(kinds[i].resource, resource) == 0)
            return &kinds[i];
    return NULL;
}

const kind_info *types_by_kind(const char *group, const char *version, const char *kind)
{
    if (!kind)
        return NULL;
    for (size_t i = 0; i < NKINDS; i++)
        if (group_version_is(&kinds[i], group, version) && strcmp(kinds[i].kind, kind) == 0)
            return &kinds[i];
    return NULL;
}

const char *types_api_version(const kind_info *k)
{
    int i = kind_index(k);
    return i < 0 ? "" : api_versions[i];
}

const char *types_qualified_resource(const kind_info *k)
{
    int i = kind_index(k);
    return i < 0 ? "" : qualified[i];
}

void types_default(const kind_info *k, json_t *obj)
{
    if (!json_is_object(obj))
        return;
    switch (types__kind_id(k)) {
    case TK_DAEMONSET:
        types__default_daemonset(obj);
        break;
    case TK_POD:
        types__default_pod(obj);
        break;
    case TK_NAMESPACE:
        types__default_namespace(obj);
        break;
    case TK_NODE:
        types__default_node(obj);
        break;
    case TK_SERVICE:
        types__default_service(obj);
        break;
    default:
        /* Event, ControllerRevision, Lease and ServiceAccount have no
         * defaults. */
        break;
    }
}

int types_validate(const kind_info *k, json_t *obj, json_t *old, bool status_only, json_t **causes)
{
    vctx v;
    int rc = 0;

    if (causes)
        *causes = NULL;
    types__v_init(&v);
    if (!json_is_object(obj)) {
        types__v_invalid_json(&v, NULL, obj ? obj : json_null(), "must be of type object");
        goto out_release;
    }
    if (!json_is_object(old))
        old = NULL;
    switch (types__kind_id(k)) {
    case TK_DAEMONSET:
        types__validate_daemonset(&v, obj, old, status_only);
        break;
    case TK_CONTROLLER_REVISION:
        types__validate_controller_revision(&v, obj, old);
        break;
    case TK_POD:
        types__validate_pod(&v, obj, old, status_only);
        break;
    case TK_NODE:
        types__validate_node(&v, obj, old);
        break;
    case TK_NAMESPACE:
        types__validate_namespace(&v, obj, old, status_only);
        break;
    case TK_EVENT:
        types__validate_event(&v, obj, old);
        break;
    case TK_SERVICE:
        types__validate_service(&v, obj, old);
        break;
    case TK_SERVICE_ACCOUNT:
        types__validate_service_account(&v, obj, old);
        break;
    case TK_REPLICATION_CONTROLLER:
    case TK_REPLICA_SET:
        /* Served read-only: never written, so nothing beyond metadata. */
        types__validate_meta(&v, obj, true, types__name_subdomain);
        break;
    case TK_LEASE:
        types__validate_lease(&v, obj, old);
        break;
    default:
        break;
    }
out_release:
    if (types__v_count(&v) > 0) {
        rc = EN_INVALID;
        if (causes) {
            *causes = v.causes;
            v.causes = NULL;
        }
    }
    types__v_release(&v);
    return rc;
}
