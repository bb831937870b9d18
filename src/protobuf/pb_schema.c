/*
 * pb_schema.c -- protobuf message descriptors for meta/v1 and the small
 * kinds (Namespace, ServiceAccount, Event, Binding, Lease, Eviction,
 * DeleteOptions), and pb__kinds: every kind everynode accepts as an
 * application/vnd.kubernetes.protobuf request body.
 *
 * Field numbers are those of Kubernetes' generated.proto files (k8s.io/api and
 * k8s.io/apimachinery v0.36); JSON names, omitempty and pointer-ness follow the
 * Go types' json tags (flags: protobuf_int.h).
 * The large kinds have their own files: pb_schema_volume.c (volume
 * sources), pb_schema_container.c (Container), pb_schema_pod.c (PodSpec,
 * PodStatus, Pod), pb_schema_node.c (Node) and pb_schema_apps.c
 * (DaemonSet, ControllerRevision).  To accept another kind, describe its
 * messages and add it to pb__kinds; protobuf.c needs no change.
 */

#include "protobuf/protobuf_int.h"

#include <stddef.h>

#define OMIT PB_OMITEMPTY
#define REP PB_REPEATED
#define PTR PB_PTR
#define INLINE PB_INLINE

/* ---- meta/v1 ----------------------------------------------------------- */

static const struct pb_field f_owner_reference[] = {
    {5, "apiVersion", PB_STRING, 0, NULL},
    {1, "kind", PB_STRING, 0, NULL},
    {3, "name", PB_STRING, 0, NULL},
    {4, "uid", PB_STRING, 0, NULL},
    {6, "controller", PB_BOOL, OMIT | PTR, NULL},
    {7, "blockOwnerDeletion", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_owner_reference = {"OwnerReference", f_owner_reference};

static const struct pb_field f_managed_fields_entry[] = {
    {1, "manager", PB_STRING, OMIT, NULL},     {2, "operation", PB_STRING, OMIT, NULL},
    {3, "apiVersion", PB_STRING, OMIT, NULL},  {4, "time", PB_TIME, OMIT | PTR, NULL},
    {6, "fieldsType", PB_STRING, OMIT, NULL},  {7, "fieldsV1", PB_RAW_JSON, OMIT | PTR, NULL},
    {8, "subresource", PB_STRING, OMIT, NULL}, PB_FIELDS_END,
};
static const struct pb_msg m_managed_fields_entry = {"ManagedFieldsEntry", f_managed_fields_entry};

static const struct pb_field f_object_meta[] = {
    {1, "name", PB_STRING, OMIT, NULL},
    {2, "generateName", PB_STRING, OMIT, NULL},
    {3, "namespace", PB_STRING, OMIT, NULL},
    {4, "selfLink", PB_STRING, OMIT, NULL},
    {5, "uid", PB_STRING, OMIT, NULL},
    {6, "resourceVersion", PB_STRING, OMIT, NULL},
    {7, "generation", PB_INT64, OMIT, NULL},
    {8, "creationTimestamp", PB_TIME, OMIT, NULL},
    {9, "deletionTimestamp", PB_TIME, OMIT | PTR, NULL},
    {10, "deletionGracePeriodSeconds", PB_INT64, OMIT | PTR, NULL},
    {11, "labels", PB_MAP_SS, OMIT, NULL},
    {12, "annotations", PB_MAP_SS, OMIT, NULL},
    {13, "ownerReferences", PB_MESSAGE, REP | OMIT, &m_owner_reference},
    {14, "finalizers", PB_STRING, REP | OMIT, NULL},
    {17, "managedFields", PB_MESSAGE, REP | OMIT, &m_managed_fields_entry},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_object_meta = {"ObjectMeta", f_object_meta};

static const struct pb_field f_label_selector_requirement[] = {
    {1, "key", PB_STRING, 0, NULL},
    {2, "operator", PB_STRING, 0, NULL},
    {3, "values", PB_STRING, REP | OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_label_selector_requirement = {"LabelSelectorRequirement",
                                                           f_label_selector_requirement};

static const struct pb_field f_label_selector[] = {
    {1, "matchLabels", PB_MAP_SS, OMIT, NULL},
    {2, "matchExpressions", PB_MESSAGE, REP | OMIT, &m_label_selector_requirement},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_label_selector = {"LabelSelector", f_label_selector};

static const struct pb_field f_preconditions[] = {
    {1, "uid", PB_STRING, OMIT | PTR, NULL},
    {2, "resourceVersion", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_preconditions = {"Preconditions", f_preconditions};

static const struct pb_field f_delete_options[] = {
    {1, "gracePeriodSeconds", PB_INT64, OMIT | PTR, NULL},
    {2, "preconditions", PB_MESSAGE, OMIT | PTR, &m_preconditions},
    {3, "orphanDependents", PB_BOOL, OMIT | PTR, NULL},
    {4, "propagationPolicy", PB_STRING, OMIT | PTR, NULL},
    {5, "dryRun", PB_STRING, REP | OMIT, NULL},
    {6, "ignoreStoreReadErrorWithClusterBreakingPotential", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_delete_options = {"DeleteOptions", f_delete_options};

/* ---- shared core/v1 pieces --------------------------------------------- */

/* map<string, resource.Quantity> entry (ResourceList: limits, requests,
 * capacity, allocatable, overhead). */
static const struct pb_field f_quantity_entry[] = {
    {1, "key", PB_STRING, 0, NULL},
    {2, "value", PB_QUANTITY, 0, NULL},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_quantity_entry = {"ResourceList entry", f_quantity_entry};

static const struct pb_field f_local_object_reference[] = {
    {1, "name", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_local_object_reference = {"LocalObjectReference",
                                                    f_local_object_reference};

static const struct pb_field f_object_reference[] = {
    {1, "kind", PB_STRING, OMIT, NULL},       {2, "namespace", PB_STRING, OMIT, NULL},
    {3, "name", PB_STRING, OMIT, NULL},       {4, "uid", PB_STRING, OMIT, NULL},
    {5, "apiVersion", PB_STRING, OMIT, NULL}, {6, "resourceVersion", PB_STRING, OMIT, NULL},
    {7, "fieldPath", PB_STRING, OMIT, NULL},  PB_FIELDS_END,
};
static const struct pb_msg m_object_reference = {"ObjectReference", f_object_reference};

/* ---- core/v1 Namespace ------------------------------------------------- */

static const struct pb_field f_namespace_spec[] = {
    {1, "finalizers", PB_STRING, REP | OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_namespace_spec = {"NamespaceSpec", f_namespace_spec};

static const struct pb_field f_namespace_condition[] = {
    {1, "type", PB_STRING, 0, NULL},
    {2, "status", PB_STRING, 0, NULL},
    {4, "lastTransitionTime", PB_TIME, OMIT, NULL},
    {5, "reason", PB_STRING, OMIT, NULL},
    {6, "message", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_namespace_condition = {"NamespaceCondition", f_namespace_condition};

static const struct pb_field f_namespace_status[] = {
    {1, "phase", PB_STRING, OMIT, NULL},
    {2, "conditions", PB_MESSAGE, REP | OMIT, &m_namespace_condition},
    PB_FIELDS_END,
};
static const struct pb_msg m_namespace_status = {"NamespaceStatus", f_namespace_status};

static const struct pb_field f_namespace[] = {
    {1, "metadata", PB_MESSAGE, OMIT, &pb__m_object_meta},
    {2, "spec", PB_MESSAGE, OMIT, &m_namespace_spec},
    {3, "status", PB_MESSAGE, OMIT, &m_namespace_status},
    PB_FIELDS_END,
};
static const struct pb_msg m_namespace = {"Namespace", f_namespace};

/* ---- core/v1 ServiceAccount, Binding ----------------------------------- */

static const struct pb_field f_service_account[] = {
    {1, "metadata", PB_MESSAGE, OMIT, &pb__m_object_meta},
    {2, "secrets", PB_MESSAGE, REP | OMIT, &m_object_reference},
    {3, "imagePullSecrets", PB_MESSAGE, REP | OMIT, &pb__m_local_object_reference},
    {4, "automountServiceAccountToken", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_service_account = {"ServiceAccount", f_service_account};

static const struct pb_field f_binding[] = {
    {1, "metadata", PB_MESSAGE, OMIT, &pb__m_object_meta},
    {2, "target", PB_MESSAGE, 0, &m_object_reference},
    PB_FIELDS_END,
};
static const struct pb_msg m_binding = {"Binding", f_binding};

/* ---- core/v1 Event ----------------------------------------------------- */

static const struct pb_field f_event_source[] = {
    {1, "component", PB_STRING, OMIT, NULL},
    {2, "host", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_event_source = {"EventSource", f_event_source};

static const struct pb_field f_event_series[] = {
    {1, "count", PB_INT32, OMIT, NULL},
    {2, "lastObservedTime", PB_MICROTIME, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_event_series = {"EventSeries", f_event_series};

static const struct pb_field f_event[] = {
    {1, "metadata", PB_MESSAGE, 0, &pb__m_object_meta},
    {2, "involvedObject", PB_MESSAGE, 0, &m_object_reference},
    {3, "reason", PB_STRING, OMIT, NULL},
    {4, "message", PB_STRING, OMIT, NULL},
    {5, "source", PB_MESSAGE, OMIT, &m_event_source},
    {6, "firstTimestamp", PB_TIME, OMIT, NULL},
    {7, "lastTimestamp", PB_TIME, OMIT, NULL},
    {8, "count", PB_INT32, OMIT, NULL},
    {9, "type", PB_STRING, OMIT, NULL},
    {10, "eventTime", PB_MICROTIME, OMIT, NULL},
    {11, "series", PB_MESSAGE, OMIT | PTR, &m_event_series},
    {12, "action", PB_STRING, OMIT, NULL},
    {13, "related", PB_MESSAGE, OMIT | PTR, &m_object_reference},
    {14, "reportingComponent", PB_STRING, 0, NULL},
    {15, "reportingInstance", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_event = {"Event", f_event};

/* ---- coordination.k8s.io/v1 Lease -------------------------------------- */

static const struct pb_field f_lease_spec[] = {
    {1, "holderIdentity", PB_STRING, OMIT | PTR, NULL},
    {2, "leaseDurationSeconds", PB_INT32, OMIT | PTR, NULL},
    {3, "acquireTime", PB_MICROTIME, OMIT | PTR, NULL},
    {4, "renewTime", PB_MICROTIME, OMIT | PTR, NULL},
    {5, "leaseTransitions", PB_INT32, OMIT | PTR, NULL},
    {6, "strategy", PB_STRING, OMIT | PTR, NULL},
    {7, "preferredHolder", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_lease_spec = {"LeaseSpec", f_lease_spec};

static const struct pb_field f_lease[] = {
    {1, "metadata", PB_MESSAGE, OMIT, &pb__m_object_meta},
    {2, "spec", PB_MESSAGE, OMIT, &m_lease_spec},
    PB_FIELDS_END,
};
static const struct pb_msg m_lease = {"Lease", f_lease};

/* ---- policy/v1 Eviction ------------------------------------------------ */

static const struct pb_field f_eviction[] = {
    {1, "metadata", PB_MESSAGE, OMIT, &pb__m_object_meta},
    {2, "deleteOptions", PB_MESSAGE, OMIT | PTR, &m_delete_options},
    PB_FIELDS_END,
};
static const struct pb_msg m_eviction = {"Eviction", f_eviction};

/* ---- kinds ------------------------------------------------------------- */

/* DeleteOptions is registered in every group, so any apiVersion goes. */
const struct pb_kind_desc pb__kinds[] = {
    {"v1", "Namespace", &m_namespace},
    {"v1", "ServiceAccount", &m_service_account},
    {"v1", "Pod", &pb__m_pod},
    {"v1", "Node", &pb__m_node},
    {"v1", "Event", &m_event},
    {"v1", "Binding", &m_binding},
    {"apps/v1", "DaemonSet", &pb__m_daemon_set},
    {"apps/v1", "ControllerRevision", &pb__m_controller_revision},
    {"coordination.k8s.io/v1", "Lease", &m_lease},
    {"policy/v1", "Eviction", &m_eviction},
    {NULL, "DeleteOptions", &m_delete_options},
    {NULL, NULL, NULL},
};
