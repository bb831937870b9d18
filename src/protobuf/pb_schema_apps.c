/*
 * pb_schema_apps.c -- protobuf message descriptors for apps/v1 DaemonSet
 * (spec with selector, template, update strategy; status with conditions)
 * and ControllerRevision (data is a RawExtension holding JSON).
 *
 * Field numbers are those of Kubernetes' generated.proto files (k8s.io/api and
 * k8s.io/apimachinery v0.36); JSON names, omitempty and pointer-ness follow the
 * Go types' json tags (flags: protobuf_int.h).
 */

#include "protobuf/protobuf_int.h"

#include <stddef.h>

#define OMIT PB_OMITEMPTY
#define REP PB_REPEATED
#define PTR PB_PTR
#define INLINE PB_INLINE

/* ---- apps/v1 DaemonSet, ControllerRevision ----------------------------- */

static const struct pb_field f_rolling_update_daemon_set[] = {
    {1, "maxUnavailable", PB_INTORSTR, OMIT | PTR, NULL},
    {2, "maxSurge", PB_INTORSTR, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_rolling_update_daemon_set = {"RollingUpdateDaemonSet",
                                                          f_rolling_update_daemon_set};

static const struct pb_field f_daemon_set_update_strategy[] = {
    {1, "type", PB_STRING, OMIT, NULL},
    {2, "rollingUpdate", PB_MESSAGE, OMIT | PTR, &m_rolling_update_daemon_set},
    PB_FIELDS_END,
};
static const struct pb_msg m_daemon_set_update_strategy = {"DaemonSetUpdateStrategy",
                                                           f_daemon_set_update_strategy};

static const struct pb_field f_daemon_set_spec[] = {
    {1, "selector", PB_MESSAGE, PTR, &pb__m_label_selector},
    {2, "template", PB_MESSAGE, 0, &pb__m_pod_template_spec},
    {3, "updateStrategy", PB_MESSAGE, OMIT, &m_daemon_set_update_strategy},
    {4, "minReadySeconds", PB_INT32, OMIT, NULL},
    {6, "revisionHistoryLimit", PB_INT32, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_daemon_set_spec = {"DaemonSetSpec", f_daemon_set_spec};

static const struct pb_field f_daemon_set_condition[] = {
    {1, "type", PB_STRING, 0, NULL},
    {2, "status", PB_STRING, 0, NULL},
    {3, "lastTransitionTime", PB_TIME, OMIT, NULL},
    {4, "reason", PB_STRING, OMIT, NULL},
    {5, "message", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_daemon_set_condition = {"DaemonSetCondition", f_daemon_set_condition};

static const struct pb_field f_daemon_set_status[] = {
    {1, "currentNumberScheduled", PB_INT32, 0, NULL},
    {2, "numberMisscheduled", PB_INT32, 0, NULL},
    {3, "desiredNumberScheduled", PB_INT32, 0, NULL},
    {4, "numberReady", PB_INT32, 0, NULL},
    {5, "observedGeneration", PB_INT64, OMIT, NULL},
    {6, "updatedNumberScheduled", PB_INT32, OMIT, NULL},
    {7, "numberAvailable", PB_INT32, OMIT, NULL},
    {8, "numberUnavailable", PB_INT32, OMIT, NULL},
    {9, "collisionCount", PB_INT32, OMIT | PTR, NULL},
    {10, "conditions", PB_MESSAGE, REP | OMIT, &m_daemon_set_condition},
    PB_FIELDS_END,
};
static const struct pb_msg m_daemon_set_status = {"DaemonSetStatus", f_daemon_set_status};

static const struct pb_field f_daemon_set[] = {
    {1, "metadata", PB_MESSAGE, OMIT, &pb__m_object_meta},
    {2, "spec", PB_MESSAGE, OMIT, &m_daemon_set_spec},
    {3, "status", PB_MESSAGE, OMIT, &m_daemon_set_status},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_daemon_set = {"DaemonSet", f_daemon_set};

static const struct pb_field f_controller_revision[] = {
    {1, "metadata", PB_MESSAGE, OMIT, &pb__m_object_meta},
    {2, "data", PB_RAW_JSON, OMIT, NULL},
    {3, "revision", PB_INT64, 0, NULL},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_controller_revision = {"ControllerRevision", f_controller_revision};
