/*
 * types.h -- what everynode knows about each Kubernetes kind it serves.
 *
 * For every served resource: its identity (group/version/kind/resource,
 * scope, short names), defaulting as the Kubernetes API server applies it,
 * validation with Kubernetes' field paths and messages, the server-side
 * printing columns (`kubectl get` Tables), and the fields a field selector
 * may name.  Also resource.Quantity parsing and DNS name rules, which the
 * validators and the scheduler share.
 *
 * Objects are jansson values in their JSON wire form.  Nothing here touches
 * the store, HTTP or the clock (callers pass `now`).  Thread-safe.
 *
 * Files: types.c (kind table, dispatch), quantity.c, names.c,
 * defaults.c, validate_*.c (one per kind family), table.c, fields.c.
 */
#ifndef EVERYNODE_TYPES_H
#define EVERYNODE_TYPES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "selector/selector.h"

/* Identity and static facts of one served resource. */
typedef struct kind_info {
    const char *group;          /* "" for core, "apps", "coordination.k8s.io" */
    const char *version;        /* "v1" */
    const char *kind;           /* "DaemonSet" */
    const char *list_kind;      /* "DaemonSetList" */
    const char *resource;       /* plural, "daemonsets" */
    const char *singular;       /* "daemonset" */
    bool namespaced;            /* false for nodes, namespaces */
    const char *const *short_names; /* NULL-terminated, may be NULL */
    const char *const *categories;  /* NULL-terminated, may be NULL */
    bool has_status;            /* has a /status subresource (spec/status split) */
    bool spec_generation;       /* metadata.generation bumps on spec changes */
    bool read_only;             /* served but not writable by clients (services) */
    const char *const *verbs;   /* NULL-terminated list for discovery */
} kind_info;

/* All served kinds, in discovery order; *n set to the count. */
const kind_info *types_all(size_t *n);
/* Lookup; NULL if not served.  group "" means core. */
const kind_info *types_by_resource(const char *group, const char *version, const char *resource);
const kind_info *types_by_kind(const char *group, const char *version, const char *kind);
/* "apps/v1" or "v1" for core (static storage, never freed). */
const char *types_api_version(const kind_info *k);
/* Group-qualified resource for messages: "daemonsets.apps", "pods". */
const char *types_qualified_resource(const kind_info *k);

/* ---- defaulting -------------------------------------------------------- */

/*
 * Fill in defaults in place, as the Kubernetes API server does before
 * validation (DaemonSet updateStrategy, revisionHistoryLimit, pod template
 * and pod defaults such as restartPolicy Always, dnsPolicy ClusterFirst,
 * terminationGracePeriodSeconds 30, schedulerName default-scheduler,
 * securityContext {}, container imagePullPolicy (Always for :latest or no
 * tag, else IfNotPresent), terminationMessagePath/Policy, port protocol TCP,
 * resources {}; Namespace spec.finalizers [kubernetes], status.phase Active,
 * label kubernetes.io/metadata.name; Pod status.phase Pending, ...).
 * Never fails; leaves malformed parts for validation to report.
 */
void types_default(const kind_info *k, json_t *obj);

/* ---- validation -------------------------------------------------------- */

/*
 * Validate obj (already defaulted).  old is the stored object on update
 * (NULL on create) for immutability rules (DaemonSet spec.selector, Pod
 * spec fields, ...).  status_only says the write came through /status.
 * Returns 0, or EN_INVALID with *causes set to a new JSON array of
 * {"reason":"FieldValueInvalid|FieldValueRequired|FieldValueNotSupported|
 * FieldValueDuplicate|FieldValueForbidden|FieldValueTooLong",
 *  "message":"Invalid value: \"x\": ...","field":"spec.selector"}
 * exactly as Kubernetes' field.ErrorList renders them.
 */
int types_validate(const kind_info *k, json_t *obj, json_t *old, bool status_only,
                   json_t **causes);

/* DNS-1123 subdomain (253, [a-z0-9.-]) / label (63, [a-z0-9-]).  On failure
 * *msg is a static string in Kubernetes' wording. */
bool types_is_dns1123_subdomain(const char *s, const char **msg);
bool types_is_dns1123_label(const char *s, const char **msg);

/* ---- quantities -------------------------------------------------------- */

/*
 * Parse a resource.Quantity ("100m", "1.5", "64Mi", "1e3", "2G") into
 * thousandths of a unit, rounding up as Kubernetes' MilliValue does.
 * Returns 0, or EN_INVALID for malformed input or overflow.
 * Also accepts a JSON number via types_quantity_json.
 */
int types_quantity_parse(const char *s, int64_t *milli);
int types_quantity_json(json_t *v, int64_t *milli);

/* ---- printing (server-side Tables) ------------------------------------ */

/* New JSON array of metav1.TableColumnDefinition for the kind, with the
 * columns and priorities real Kubernetes uses (priority 1 = -o wide). */
json_t *types_table_columns(const kind_info *k);
/* New JSON array of cells for one object; now = unix seconds for ages. */
json_t *types_table_cells(const kind_info *k, json_t *obj, int64_t now);

/* ---- field selectors --------------------------------------------------- */

/* Maximum fields any kind exposes to field selectors. */
#define TYPES_MAX_FIELDS 16

/* Names a field selector may use for this kind (metadata.name and
 * metadata.namespace for all; spec.nodeName, status.phase, ... for pods;
 * involvedObject.* , reason, type, source for events; spec.unschedulable for
 * nodes; status.phase for namespaces).  *n set to the count. */
const char *const *types_field_names(const kind_info *k, size_t *n);
/* Fill out[] with the object's values for those fields (borrowed from obj,
 * or static strings such as "" / "true" / "false"); returns the count. */
size_t types_fields(const kind_info *k, json_t *obj, fsel_field *out, size_t max);

#endif /* EVERYNODE_TYPES_H */
