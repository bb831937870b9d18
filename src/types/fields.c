/*
 * fields.c -- the fields a field selector may name, per kind, and their
 * values for one object (see types.h).
 *
 * Kubernetes decides this in two places, and both matter to clients: the
 * scheme's field-label conversion functions say which names are accepted at
 * all (anything else is "field label not supported"), and each registry's
 * ToSelectableFields says what value each name has.  A name that is accepted
 * but has no selectable value compares against "" -- fsel_matches does the
 * same for fields we do not list, and we list those names anyway so the
 * caller's fsel_check_fields accepts them.
 *
 * Values are taken from the JSON wire form (v1), so where the internal type
 * differs (spec.hostNetwork lives in the pod security context internally,
 * podIP is podIPs[0]) we read the v1 field that converts into it.
 *
 * The API layer calls types_field_names to validate a selector and
 * types_fields to extract one object's values before fsel_matches.
 */
#include "types/types.h"

#include <string.h>

#include "core/core.h"

/* What a field's value is computed from. */
enum field_src {
    FS_PATH,        /* string at a dotted JSON path, "" when absent */
    FS_BOOL,        /* boolean at a dotted JSON path, "false" when absent */
    FS_POD_IP,      /* status.podIP, else status.podIPs[0].ip */
    FS_EVENT_SRC,   /* source.component, else reportingComponent */
    FS_ALWAYS_EMPTY /* accepted by the API but never has a value upstream */
};

/* One selectable field: its selector name and how to read it. */
typedef struct field_def {
    const char *name;   /* name as used in fieldSelector */
    enum field_src src; /* how the value is computed */
    const char *path;   /* dotted JSON path for FS_PATH / FS_BOOL */
} field_def;

/* Per-kind tables; the name arrays below mirror them in the same order so
 * types_field_names can hand out a plain string array. */

/* Namespaced kinds without their own registry rules (DaemonSet,
 * ControllerRevision, Lease, and anything unknown) use the default
 * metadata conversion, which accepts both metadata fields. */
static const field_def default_defs[] = {
    {"metadata.name", FS_PATH, "metadata.name"},
    {"metadata.namespace", FS_PATH, "metadata.namespace"},
};
static const char *const default_names[] = {"metadata.name", "metadata.namespace"};

static const field_def pod_defs[] = {
    {"metadata.name", FS_PATH, "metadata.name"},
    {"metadata.namespace", FS_PATH, "metadata.namespace"},
    {"spec.nodeName", FS_PATH, "spec.nodeName"},
    {"spec.restartPolicy", FS_PATH, "spec.restartPolicy"},
    {"spec.schedulerName", FS_PATH, "spec.schedulerName"},
    {"spec.serviceAccountName", FS_PATH, "spec.serviceAccountName"},
    {"spec.hostNetwork", FS_BOOL, "spec.hostNetwork"},
    {"status.phase", FS_PATH, "status.phase"},
    {"status.podIP", FS_POD_IP, NULL},
    /* Accepted by the pod conversion function but absent from the pod's
     * selectable fields, so upstream it only ever equals "". */
    {"status.podIPs", FS_ALWAYS_EMPTY, NULL},
    {"status.nominatedNodeName", FS_PATH, "status.nominatedNodeName"},
    /* Old v1 clients send spec.host; upstream rewrites it to spec.nodeName,
     * which we reproduce by giving it the same value. */
    {"spec.host", FS_PATH, "spec.nodeName"},
};
static const char *const pod_names[] = {
    "metadata.name",
    "metadata.namespace",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.podIPs",
    "status.nominatedNodeName",
    "spec.host",
};

static const field_def event_defs[] = {
    {"metadata.name", FS_PATH, "metadata.name"},
    {"metadata.namespace", FS_PATH, "metadata.namespace"},
    {"involvedObject.kind", FS_PATH, "involvedObject.kind"},
    {"involvedObject.namespace", FS_PATH, "involvedObject.namespace"},
    {"involvedObject.name", FS_PATH, "involvedObject.name"},
    {"involvedObject.uid", FS_PATH, "involvedObject.uid"},
    {"involvedObject.apiVersion", FS_PATH, "involvedObject.apiVersion"},
    {"involvedObject.resourceVersion", FS_PATH, "involvedObject.resourceVersion"},
    {"involvedObject.fieldPath", FS_PATH, "involvedObject.fieldPath"},
    {"reason", FS_PATH, "reason"},
    /* The internal ReportingController is reportingComponent on the wire. */
    {"reportingComponent", FS_PATH, "reportingComponent"},
    {"source", FS_EVENT_SRC, NULL},
    {"type", FS_PATH, "type"},
};
static const char *const event_names[] = {
    "metadata.name",
    "metadata.namespace",
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
};

/* Nodes and namespaces are cluster-scoped and have explicit conversion
 * functions that do not accept metadata.namespace. */
static const field_def node_defs[] = {
    {"metadata.name", FS_PATH, "metadata.name"},
    {"spec.unschedulable", FS_BOOL, "spec.unschedulable"},
};
static const char *const node_names[] = {"metadata.name", "spec.unschedulable"};

static const field_def namespace_defs[] = {
    {"metadata.name", FS_PATH, "metadata.name"},
    {"status.phase", FS_PATH, "status.phase"},
};
static const char *const namespace_names[] = {"metadata.name", "status.phase"};

/* Services gained spec.clusterIP and spec.type selectors in Kubernetes 1.30. */
static const field_def service_defs[] = {
    {"metadata.name", FS_PATH, "metadata.name"},
    {"metadata.namespace", FS_PATH, "metadata.namespace"},
    {"spec.clusterIP", FS_PATH, "spec.clusterIP"},
    {"spec.type", FS_PATH, "spec.type"},
};
static const char *const service_names[] = {"metadata.name", "metadata.namespace", "spec.clusterIP",
                                            "spec.type"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* One kind's field table: definitions and the parallel name array. */
typedef struct kind_fields {
    const field_def *defs;    /* definitions, in name order */
    const char *const *names; /* the same names as a plain array */
    size_t n;                 /* entries in both */
} kind_fields;

static bool is_core_kind(const kind_info *k, const char *kind)
{
    return k && k->group && k->group[0] == '\0' && k->kind && strcmp(k->kind, kind) == 0;
}

static kind_fields fields_for(const kind_info *k)
{
    kind_fields kf = {default_defs, default_names, NELEM(default_defs)};

    if (is_core_kind(k, "Pod")) {
        kf = (kind_fields){pod_defs, pod_names, NELEM(pod_defs)};
    } else if (is_core_kind(k, "Event")) {
        kf = (kind_fields){event_defs, event_names, NELEM(event_defs)};
    } else if (is_core_kind(k, "Node")) {
        kf = (kind_fields){node_defs, node_names, NELEM(node_defs)};
    } else if (is_core_kind(k, "Namespace")) {
        kf = (kind_fields){namespace_defs, namespace_names, NELEM(namespace_defs)};
    } else if (is_core_kind(k, "Service")) {
        kf = (kind_fields){service_defs, service_names, NELEM(service_defs)};
    }
    return kf;
}

/* Compile-time guarantee that every table fits the header's bound. */
_Static_assert(NELEM(pod_defs) <= TYPES_MAX_FIELDS, "pod fields exceed TYPES_MAX_FIELDS");
_Static_assert(NELEM(event_defs) <= TYPES_MAX_FIELDS, "event fields exceed TYPES_MAX_FIELDS");
_Static_assert(NELEM(pod_defs) == NELEM(pod_names), "pod tables disagree");
_Static_assert(NELEM(event_defs) == NELEM(event_names), "event tables disagree");
_Static_assert(NELEM(node_defs) == NELEM(node_names), "node tables disagree");
_Static_assert(NELEM(namespace_defs) == NELEM(namespace_names), "namespace tables disagree");
_Static_assert(NELEM(service_defs) == NELEM(service_names), "service tables disagree");
_Static_assert(NELEM(default_defs) == NELEM(default_names), "default tables disagree");

const char *const *types_field_names(const kind_info *k, size_t *n)
{
    kind_fields kf = fields_for(k);
    if (n)
        *n = kf.n;
    return kf.names;
}

/* String at path, or "" when absent or not a string (borrowed). */
static const char *str_or_empty(json_t *obj, const char *path)
{
    const char *s = json_path_str(obj, path);
    return s ? s : "";
}

static const char *pod_ip(json_t *obj)
{
    /* v1 -> internal conversion: podIP wins when set, else podIPs[0]. */
    const char *ip = json_path_str(obj, "status.podIP");
    if (ip && *ip)
        return ip;
    json_t *ips = json_path(obj, "status.podIPs");
    const char *first = json_string_value(json_object_get(json_array_get(ips, 0), "ip"));
    return first ? first : "";
}

static const char *event_source(json_t *obj)
{
    const char *s = json_path_str(obj, "source.component");
    if (s && *s)
        return s;
    return str_or_empty(obj, "reportingComponent");
}

static const char *field_value(const field_def *d, json_t *obj)
{
    switch (d->src) {
    case FS_PATH:
        return str_or_empty(obj, d->path);
    case FS_BOOL:
        return json_is_true(json_path(obj, d->path)) ? "true" : "false";
    case FS_POD_IP:
        return pod_ip(obj);
    case FS_EVENT_SRC:
        return event_source(obj);
    case FS_ALWAYS_EMPTY:
        return "";
    }
    return "";
}

size_t types_fields(const kind_info *k, json_t *obj, fsel_field *out, size_t max)
{
    kind_fields kf = fields_for(k);
    size_t count = kf.n < max ? kf.n : max;

    for (size_t i = 0; i < count; i++) {
        out[i].name = kf.defs[i].name;
        out[i].value = field_value(&kf.defs[i], obj);
    }
    return count;
}
