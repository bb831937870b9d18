/*
 * schemas_apps.c -- OpenAPI schema tables for the apps/v1 kinds everynode
 * serves: DaemonSet (spec, status, conditions, update strategy, list) and
 * ControllerRevision (the stored history of DaemonSet templates).
 *
 * Field names and types follow Kubernetes v1.32; descriptions are ours.
 * See openapi_int.h for the table format.
 */
#include "openapi/openapi_int.h"

#include <stddef.h>

#define APPS "io.k8s.api.apps.v1."

static const struct oa_field f_daemon_set[] = {
    {"apiVersion", "string", "Versioned schema of this object: apps/v1."},
    {"kind", "string", "Kind of this object: DaemonSet."},
    {"metadata", "ObjectMeta", "Standard object metadata."},
    {"spec", "DaemonSetSpec", "Desired behaviour: which pods to run and how to update them."},
    {"status", "DaemonSetStatus",
     "Most recently observed state, written by the controller. Read-only."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_daemon_set_spec[] = {
    {"minReadySeconds", "int32",
     "Seconds a new pod must stay ready, with no container crashing, before it counts as "
     "available. Defaults to 0 (available as soon as ready)."},
    {"revisionHistoryLimit", "int32",
     "How many old ControllerRevisions to keep for rollback. Defaults to 10."},
    {"selector", "LabelSelector",
     "Label query over the pods this DaemonSet manages. Must match the template's labels and "
     "cannot change after creation."},
    {"template", "PodTemplateSpec",
     "Pod to run on every eligible node. Its restartPolicy must be Always (the default)."},
    {"updateStrategy", "DaemonSetUpdateStrategy",
     "How existing pods are replaced when the template changes."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_daemon_set_status[] = {
    {"collisionCount", "int32",
     "Counts hash collisions of revision names; used to make the next name unique."},
    {"conditions", "[]DaemonSetCondition", "Latest observations of the DaemonSet's state."},
    {"currentNumberScheduled", "int32",
     "Nodes running at least one daemon pod that are supposed to run it."},
    {"desiredNumberScheduled", "int32",
     "Nodes that should run the daemon pod, including those that do."},
    {"numberAvailable", "int32",
     "Nodes whose daemon pod is ready and has been for at least minReadySeconds."},
    {"numberMisscheduled", "int32", "Nodes running the daemon pod that are not supposed to."},
    {"numberReady", "int32", "Nodes whose daemon pod is running and Ready."},
    {"numberUnavailable", "int32", "Nodes that should run the daemon pod but have none available."},
    {"observedGeneration", "int64", "Most recent metadata.generation the controller acted on."},
    {"updatedNumberScheduled", "int32", "Nodes running a pod from the current template."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_daemon_set_condition[] = {
    {"lastTransitionTime", "Time", "When the condition last changed status."},
    {"message", "string", "Human-readable details of the transition."},
    {"reason", "string", "Short machine-readable reason for the transition."},
    {"status", "string", "True, False or Unknown."},
    {"type", "string", "Type of condition."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_daemon_set_update_strategy[] = {
    {"rollingUpdate", "RollingUpdateDaemonSet",
     "Rolling update parameters; only used when type is RollingUpdate."},
    {"type", "string|OnDelete|RollingUpdate",
     "RollingUpdate replaces pods automatically (the default); OnDelete waits until each old "
     "pod is deleted by hand."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_rolling_update_daemon_set[] = {
    {"maxSurge", "IntOrString",
     "How many nodes (number or percentage of desired nodes) may run an extra, new pod "
     "alongside the old one during the update. Defaults to 0; must be 0 when maxUnavailable is "
     "not 0."},
    {"maxUnavailable", "IntOrString",
     "How many nodes (number or percentage of desired nodes) may be without an available "
     "daemon pod during the update. Defaults to 1; cannot be 0 when maxSurge is 0."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_daemon_set_list[] = {
    {"apiVersion", "string", "Versioned schema of this object: apps/v1."},
    {"items", "[]DaemonSet", "The DaemonSets."},
    {"kind", "string", "Kind of this object: DaemonSetList."},
    {"metadata", "ListMeta", "Standard list metadata."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_controller_revision[] = {
    {"apiVersion", "string", "Versioned schema of this object: apps/v1."},
    {"data", "RawExtension",
     "The recorded state: for a DaemonSet, a patch holding its pod template."},
    {"kind", "string", "Kind of this object: ControllerRevision."},
    {"metadata", "ObjectMeta", "Standard object metadata."},
    {"revision", "int64", "Revision number of this state; increases with every new revision."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_controller_revision_list[] = {
    {"apiVersion", "string", "Versioned schema of this object: apps/v1."},
    {"items", "[]ControllerRevision", "The ControllerRevisions."},
    {"kind", "string", "Kind of this object: ControllerRevisionList."},
    {"metadata", "ListMeta", "Standard list metadata."},
    {NULL, NULL, NULL},
};

const struct oa_type openapi__types_apps[] = {
    {APPS "DaemonSet", "Runs a copy of a pod on every eligible node.", "apps/v1/DaemonSet", NULL,
     OA_OBJECT, f_daemon_set, NULL},
    {APPS "DaemonSetSpec", "Desired state of a DaemonSet.", NULL, "selector template", OA_OBJECT,
     f_daemon_set_spec, NULL},
    {APPS "DaemonSetStatus", "Observed state of a DaemonSet.", NULL,
     "currentNumberScheduled desiredNumberScheduled numberMisscheduled numberReady", OA_OBJECT,
     f_daemon_set_status, NULL},
    {APPS "DaemonSetCondition", "One observation of a DaemonSet's state.", NULL, "status type",
     OA_OBJECT, f_daemon_set_condition, NULL},
    {APPS "DaemonSetUpdateStrategy", "How a DaemonSet replaces pods after a template change.", NULL,
     NULL, OA_OBJECT, f_daemon_set_update_strategy, NULL},
    {APPS "RollingUpdateDaemonSet", "Limits that pace a DaemonSet rolling update.", NULL, NULL,
     OA_OBJECT, f_rolling_update_daemon_set, NULL},
    {APPS "DaemonSetList", "A list of DaemonSets.", "apps/v1/DaemonSetList", "items", OA_OBJECT,
     f_daemon_set_list, NULL},
    {APPS "ControllerRevision",
     "An immutable snapshot of a controller's state, kept so it can be rolled back to.",
     "apps/v1/ControllerRevision", "revision", OA_OBJECT, f_controller_revision, NULL},
    {APPS "ControllerRevisionList", "A list of ControllerRevisions.",
     "apps/v1/ControllerRevisionList", "items", OA_OBJECT, f_controller_revision_list, NULL},
    {NULL, NULL, NULL, NULL, OA_OBJECT, NULL, NULL},
};
