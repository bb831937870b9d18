/*
 * pb_schema.c -- protobuf message descriptors for the kinds everynode
 * accepts as application/vnd.kubernetes.protobuf request bodies.
 *
 * Field numbers are those of Kubernetes' generated.proto files
 * (k8s.io/apimachinery/pkg/apis/meta/v1 and k8s.io/api/core/v1); JSON names
 * and omitempty flags follow the Go types' json tags.  kubectl 1.32 sends
 * Namespace (create namespace), ServiceAccount (create serviceaccount) and
 * DeleteOptions (drain's fallback) this
 * way.  To accept another kind, describe its messages here and add it to
 * pb__kinds; protobuf.c needs no change.  Table format: protobuf_int.h.
 */
#include "protobuf/protobuf_int.h"

#include <stddef.h>

#define OMIT PB_OMITEMPTY
#define REP PB_REPEATED

/* ---- meta/v1 ----------------------------------------------------------- */

static const struct pb_field f_owner_reference[] = {
    {5, "apiVersion", PB_STRING, 0, NULL}, {1, "kind", PB_STRING, 0, NULL},
    {3, "name", PB_STRING, 0, NULL},       {4, "uid", PB_STRING, 0, NULL},
    {6, "controller", PB_BOOL, 0, NULL},   {7, "blockOwnerDeletion", PB_BOOL, 0, NULL},
    {0, NULL, PB_STRING, 0, NULL},
};
static const struct pb_msg m_owner_reference = {"OwnerReference", f_owner_reference};

static const struct pb_field f_managed_fields_entry[] = {
    {1, "manager", PB_STRING, OMIT, NULL},     {2, "operation", PB_STRING, OMIT, NULL},
    {3, "apiVersion", PB_STRING, OMIT, NULL},  {4, "time", PB_TIME, OMIT, NULL},
    {6, "fieldsType", PB_STRING, OMIT, NULL},  {7, "fieldsV1", PB_RAW_JSON, 0, NULL},
    {8, "subresource", PB_STRING, OMIT, NULL}, {0, NULL, PB_STRING, 0, NULL},
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
    {9, "deletionTimestamp", PB_TIME, OMIT, NULL},
    {10, "deletionGracePeriodSeconds", PB_INT64, 0, NULL},
    {11, "labels", PB_MAP_SS, 0, NULL},
    {12, "annotations", PB_MAP_SS, 0, NULL},
    {13, "ownerReferences", PB_MESSAGE, REP, &m_owner_reference},
    {14, "finalizers", PB_STRING, REP, NULL},
    {17, "managedFields", PB_MESSAGE, REP, &m_managed_fields_entry},
    {0, NULL, PB_STRING, 0, NULL},
};
static const struct pb_msg m_object_meta = {"ObjectMeta", f_object_meta};

static const struct pb_field f_preconditions[] = {
    {1, "uid", PB_STRING, 0, NULL},
    {2, "resourceVersion", PB_STRING, 0, NULL},
    {0, NULL, PB_STRING, 0, NULL},
};
static const struct pb_msg m_preconditions = {"Preconditions", f_preconditions};

static const struct pb_field f_delete_options[] = {
    {1, "gracePeriodSeconds", PB_INT64, 0, NULL},
    {2, "preconditions", PB_MESSAGE, 0, &m_preconditions},
    {3, "orphanDependents", PB_BOOL, 0, NULL},
    {4, "propagationPolicy", PB_STRING, 0, NULL},
    {5, "dryRun", PB_STRING, REP, NULL},
    {6, "ignoreStoreReadErrorWithClusterBreakingPotential", PB_BOOL, 0, NULL},
    {0, NULL, PB_STRING, 0, NULL},
};
static const struct pb_msg m_delete_options = {"DeleteOptions", f_delete_options};

/* ---- core/v1 Namespace ------------------------------------------------- */

static const struct pb_field f_namespace_spec[] = {
    {1, "finalizers", PB_STRING, REP, NULL},
    {0, NULL, PB_STRING, 0, NULL},
};
static const struct pb_msg m_namespace_spec = {"NamespaceSpec", f_namespace_spec};

static const struct pb_field f_namespace_condition[] = {
    {1, "type", PB_STRING, 0, NULL},
    {2, "status", PB_STRING, 0, NULL},
    {4, "lastTransitionTime", PB_TIME, OMIT, NULL},
    {5, "reason", PB_STRING, OMIT, NULL},
    {6, "message", PB_STRING, OMIT, NULL},
    {0, NULL, PB_STRING, 0, NULL},
};
static const struct pb_msg m_namespace_condition = {"NamespaceCondition", f_namespace_condition};

static const struct pb_field f_namespace_status[] = {
    {1, "phase", PB_STRING, OMIT, NULL},
    {2, "conditions", PB_MESSAGE, REP, &m_namespace_condition},
    {0, NULL, PB_STRING, 0, NULL},
};
static const struct pb_msg m_namespace_status = {"NamespaceStatus", f_namespace_status};

static const struct pb_field f_namespace[] = {
    {1, "metadata", PB_MESSAGE, 0, &m_object_meta},
    {2, "spec", PB_MESSAGE, 0, &m_namespace_spec},
    {3, "status", PB_MESSAGE, 0, &m_namespace_status},
    {0, NULL, PB_STRING, 0, NULL},
};
static const struct pb_msg m_namespace = {"Namespace", f_namespace};

/* ---- core/v1 ServiceAccount -------------------------------------------- */

static const struct pb_field f_object_reference[] = {
    {1, "kind", PB_STRING, OMIT, NULL},       {2, "namespace", PB_STRING, OMIT, NULL},
    {3, "name", PB_STRING, OMIT, NULL},       {4, "uid", PB_STRING, OMIT, NULL},
    {5, "apiVersion", PB_STRING, OMIT, NULL}, {6, "resourceVersion", PB_STRING, OMIT, NULL},
    {7, "fieldPath", PB_STRING, OMIT, NULL},  {0, NULL, PB_STRING, 0, NULL},
};
static const struct pb_msg m_object_reference = {"ObjectReference", f_object_reference};

static const struct pb_field f_local_object_reference[] = {
    {1, "name", PB_STRING, OMIT, NULL},
    {0, NULL, PB_STRING, 0, NULL},
};
static const struct pb_msg m_local_object_reference = {"LocalObjectReference",
                                                       f_local_object_reference};

static const struct pb_field f_service_account[] = {
    {1, "metadata", PB_MESSAGE, 0, &m_object_meta},
    {2, "secrets", PB_MESSAGE, REP, &m_object_reference},
    {3, "imagePullSecrets", PB_MESSAGE, REP, &m_local_object_reference},
    {4, "automountServiceAccountToken", PB_BOOL, 0, NULL},
    {0, NULL, PB_STRING, 0, NULL},
};
static const struct pb_msg m_service_account = {"ServiceAccount", f_service_account};

/* DeleteOptions is registered in every group, so any apiVersion goes. */
const struct pb_kind_desc pb__kinds[] = {
    {"v1", "Namespace", &m_namespace},
    {"v1", "ServiceAccount", &m_service_account},
    {NULL, "DeleteOptions", &m_delete_options},
    {NULL, NULL, NULL},
};
