/*
 * schemas_meta.c -- OpenAPI schema tables for apimachinery types shared by
 * every kind: ObjectMeta and its parts, ListMeta, LabelSelector, the scalar
 * wrappers (Time, MicroTime, Quantity, IntOrString), free-form payloads
 * (FieldsV1, RawExtension), DeleteOptions and Status.
 *
 * Field names and types follow Kubernetes v1.32; descriptions are ours.
 * See openapi_int.h for the table format.
 */
#include "openapi/openapi_int.h"

#include <stddef.h>

#define META "io.k8s.apimachinery.pkg.apis.meta.v1."

static const struct oa_field f_object_meta[] = {
    {"annotations", "{}string",
     "Free-form key/value data attached by tools and users. Not used for selection."},
    {"creationTimestamp", "Time",
     "When the server created the object (RFC 3339, UTC). Set by the system; read-only."},
    {"deletionGracePeriodSeconds", "int64",
     "Seconds the object is given to shut down gracefully once deletion was requested. Only set "
     "together with deletionTimestamp; read-only."},
    {"deletionTimestamp", "Time",
     "When the object is to be removed. Set by the server when a graceful delete is requested; "
     "the object stays until its finalizers are empty. Read-only."},
    {"finalizers", "[]string",
     "Identifiers of components that must finish cleanup before the object is removed from "
     "storage. Once deletion is requested, entries can only be removed."},
    {"generateName", "string",
     "Prefix from which the server builds a unique name when name is not given; a random "
     "suffix is appended."},
    {"generation", "int64",
     "Sequence number of the desired state (spec). Bumped by the system on spec changes; "
     "read-only."},
    {"labels", "{}string",
     "Key/value pairs used to organise objects and to select them with label selectors."},
    {"managedFields", "[]ManagedFieldsEntry",
     "Which field managers (workflows) own which fields, for server-side apply. Normally left "
     "alone by users."},
    {"name", "string",
     "Name, unique within the namespace (or cluster for cluster-scoped kinds). Required on "
     "create unless generateName is used; cannot be changed."},
    {"namespace", "string",
     "Namespace the object lives in. Empty for cluster-scoped kinds; cannot be changed."},
    {"ownerReferences", "[]OwnerReference",
     "Objects this one depends on. When every owner is gone the object is garbage collected; "
     "at most one owner may be the managing controller."},
    {"resourceVersion", "string",
     "Opaque version of the object, changed on every write. Used for optimistic concurrency "
     "and as a watch starting point; clients must not interpret it."},
    {"selfLink", "string", "Deprecated URL of the object; no longer filled in."},
    {"uid", "string",
     "Unique identifier assigned by the server at creation; never reused and never changed."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_owner_reference[] = {
    {"apiVersion", "string", "API version of the owner."},
    {"blockOwnerDeletion", "bool",
     "If true and the owner is being deleted in the foreground, the owner is not removed "
     "until this reference is gone. Defaults to false."},
    {"controller", "bool", "If true, the owner is the managing controller of this object."},
    {"kind", "string", "Kind of the owner."},
    {"name", "string", "Name of the owner."},
    {"uid", "string", "UID of the owner."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_managed_fields_entry[] = {
    {"apiVersion", "string", "Group/version of the object the field set was recorded against."},
    {"fieldsType", "string", "Format of fieldsV1; the only value is \"FieldsV1\"."},
    {"fieldsV1", "FieldsV1", "The set of fields owned by this manager."},
    {"manager", "string", "Name of the workflow (field manager) owning these fields."},
    {"operation", "string|Apply|Update",
     "Kind of write that recorded this entry: Apply or Update."},
    {"subresource", "string",
     "Subresource (e.g. status) the write went through; empty for the main resource."},
    {"time", "Time", "When the fields were last changed by this manager."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_list_meta[] = {
    {"continue", "string",
     "Opaque token to fetch the next page when the list was cut by a limit; empty on the last "
     "page."},
    {"remainingItemCount", "int64",
     "Estimated number of items after this page; only set for chunked lists without "
     "selectors."},
    {"resourceVersion", "string",
     "Version of the collection when it was read; use it to start a watch."},
    {"selfLink", "string", "Deprecated URL of the list; no longer filled in."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_label_selector[] = {
    {"matchExpressions", "[]LabelSelectorRequirement",
     "Set-based requirements, all of which must hold."},
    {"matchLabels", "{}string",
     "Exact key/value pairs, all of which must be present. Each pair is the same as an In "
     "requirement with one value."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_label_selector_requirement[] = {
    {"key", "string", "Label key the requirement tests."},
    {"operator", "string|DoesNotExist|Exists|In|NotIn",
     "How the key relates to values: In, NotIn, Exists or DoesNotExist."},
    {"values", "[]string",
     "Values to compare with. Must be non-empty for In and NotIn, and empty for Exists and "
     "DoesNotExist."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_delete_options[] = {
    {"apiVersion", "string", "Versioned schema of this object."},
    {"dryRun", "[]string",
     "If set to All, the request is fully processed but nothing is persisted."},
    {"gracePeriodSeconds", "int64",
     "Seconds before the object is removed; 0 deletes at once. Unset uses the kind's default."},
    {"ignoreStoreReadErrorWithClusterBreakingPotential", "bool",
     "Force-delete an object that cannot be read from storage (corrupt). Dangerous; off by "
     "default."},
    {"kind", "string", "Kind of this object: DeleteOptions."},
    {"orphanDependents", "bool",
     "Deprecated; use propagationPolicy. True orphans dependents, false deletes them."},
    {"preconditions", "Preconditions",
     "Conditions that must hold for the delete to proceed; otherwise 409 Conflict."},
    {"propagationPolicy", "string|Background|Foreground|Orphan",
     "What happens to dependents: Orphan keeps them, Background deletes them after the owner, "
     "Foreground deletes them before the owner."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_preconditions[] = {
    {"resourceVersion", "string", "The object's resourceVersion must equal this."},
    {"uid", "string", "The object's uid must equal this."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_status[] = {
    {"apiVersion", "string", "Versioned schema of this object."},
    {"code", "int32", "Suggested HTTP status code; 0 if not set."},
    {"details", "StatusDetails", "Additional data tied to the reason."},
    {"kind", "string", "Kind of this object: Status."},
    {"message", "string", "Human-readable explanation of the outcome."},
    {"metadata", "ListMeta", "Standard list metadata."},
    {"reason", "string",
     "Machine-readable reason for a Failure (e.g. NotFound, AlreadyExists, Invalid)."},
    {"status", "string|Failure|Success", "Outcome of the operation: Success or Failure."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_status_details[] = {
    {"causes", "[]StatusCause", "Individual problems that led to the failure, e.g. per field."},
    {"group", "string", "API group of the resource concerned."},
    {"kind", "string", "Kind (or resource) of the object concerned."},
    {"name", "string", "Name of the object concerned."},
    {"retryAfterSeconds", "int32", "Seconds to wait before retrying, when the server asks for it."},
    {"uid", "string", "UID of the object concerned."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_status_cause[] = {
    {"field", "string",
     "Path of the offending field, e.g. spec.template.spec.containers[0].image."},
    {"message", "string", "Human-readable description of this cause."},
    {"reason", "string", "Machine-readable kind of problem, e.g. FieldValueRequired."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_condition[] = {
    {"lastTransitionTime", "Time", "When the status last changed."},
    {"message", "string", "Human-readable details of the last transition."},
    {"observedGeneration", "int64",
     "metadata.generation the condition was computed from; lower than the current generation "
     "means it may be stale."},
    {"reason", "string", "CamelCase machine-readable reason for the last transition."},
    {"status", "string|False|True|Unknown", "True, False or Unknown."},
    {"type", "string", "Type of condition, CamelCase."},
    {NULL, NULL, NULL},
};

const struct oa_type openapi__types_meta[] = {
    {META "ObjectMeta",
     "Metadata every stored object carries: identity, labels, annotations, ownership and "
     "bookkeeping set by the server.",
     NULL, NULL, OA_OBJECT, f_object_meta, NULL},
    {META "OwnerReference",
     "Points at an object that owns this one, in the same namespace. Owners drive garbage "
     "collection.",
     NULL, "apiVersion kind name uid", OA_OBJECT, f_owner_reference, NULL},
    {META "ManagedFieldsEntry",
     "Records which fields one field manager set, in which API version, and how.", NULL, NULL,
     OA_OBJECT, f_managed_fields_entry, NULL},
    {META "ListMeta", "Metadata of a list response: its version and paging token.", NULL, NULL,
     OA_OBJECT, f_list_meta, NULL},
    {META "LabelSelector",
     "Selects objects by label. matchLabels and matchExpressions are ANDed; an empty selector "
     "matches everything, a missing one nothing.",
     NULL, NULL, OA_OBJECT, f_label_selector, NULL},
    {META "LabelSelectorRequirement", "One set-based label requirement: key, operator, values.",
     NULL, "key operator", OA_OBJECT, f_label_selector_requirement, NULL},
    {META "DeleteOptions", "Options that control how an object is deleted.",
     "/v1/DeleteOptions apps/v1/DeleteOptions coordination.k8s.io/v1/DeleteOptions", NULL,
     OA_OBJECT, f_delete_options, NULL},
    {META "Preconditions", "Conditions checked before a write or delete is carried out.", NULL,
     NULL, OA_OBJECT, f_preconditions, NULL},
    {META "Status", "Result of an operation that returns no object, notably errors.", "/v1/Status",
     NULL, OA_OBJECT, f_status, NULL},
    {META "StatusDetails", "Extra data about a Status: which object and why.", NULL, NULL,
     OA_OBJECT, f_status_details, NULL},
    {META "StatusCause", "One reason behind a failed operation.", NULL, NULL, OA_OBJECT,
     f_status_cause, NULL},
    {META "Condition", "Generic observation of one aspect of an object's state.", NULL,
     "lastTransitionTime message reason status type", OA_OBJECT, f_condition, NULL},
    {META "Time",
     "A point in time, written as an RFC 3339 string in UTC with second precision, e.g. "
     "2024-01-02T15:04:05Z.",
     NULL, NULL, OA_TIME, NULL, NULL},
    {META "MicroTime",
     "A point in time with microsecond precision, written as RFC 3339, e.g. "
     "2024-01-02T15:04:05.000000Z.",
     NULL, NULL, OA_MICROTIME, NULL, NULL},
    {META "FieldsV1",
     "Set of field paths in a trie-shaped JSON object, as used by server-side apply.", NULL, NULL,
     OA_OPEN, NULL, NULL},
    {"io.k8s.apimachinery.pkg.runtime.RawExtension",
     "An embedded object of any kind, kept as raw JSON.", NULL, NULL, OA_OPEN, NULL, NULL},
    {"io.k8s.apimachinery.pkg.api.resource.Quantity",
     "A fixed-point amount such as 100m, 1.5, 64Mi or 2G: a number followed by an optional "
     "binary (Ki, Mi, Gi...), decimal (k, M, G...) or exponent suffix.",
     NULL, NULL, OA_QUANTITY, NULL, NULL},
    {"io.k8s.apimachinery.pkg.util.intstr.IntOrString",
     "A value that is either an integer or a string, e.g. a port number or a port name, or a "
     "count or a percentage.",
     NULL, NULL, OA_INTORSTRING, NULL, NULL},
    {NULL, NULL, NULL, NULL, OA_OBJECT, NULL, NULL},
};
