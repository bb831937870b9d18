/*
 * pb_schema_node.c -- protobuf message descriptors for core/v1 Node: spec
 * (podCIDRs, providerID, unschedulable, taints) and status (capacity,
 * allocatable, conditions, addresses, daemon endpoints, node info,
 * images, volumes, runtime handlers).  The DaemonSet e2e suite updates
 * nodes with PUT nodes/NAME to change their labels.
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

/* ---- core/v1 Node ------------------------------------------------------ */

static const struct pb_field f_taint[] = {
    {1, "key", PB_STRING, 0, NULL},
    {2, "value", PB_STRING, OMIT, NULL},
    {3, "effect", PB_STRING, 0, NULL},
    {4, "timeAdded", PB_TIME, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_taint = {"Taint", f_taint};

static const struct pb_field f_config_map_node_config_source[] = {
    {1, "namespace", PB_STRING, 0, NULL},        {2, "name", PB_STRING, 0, NULL},
    {3, "uid", PB_STRING, OMIT, NULL},           {4, "resourceVersion", PB_STRING, OMIT, NULL},
    {5, "kubeletConfigKey", PB_STRING, 0, NULL}, PB_FIELDS_END,
};
static const struct pb_msg m_config_map_node_config_source = {"ConfigMapNodeConfigSource",
                                                              f_config_map_node_config_source};

static const struct pb_field f_node_config_source[] = {
    {2, "configMap", PB_MESSAGE, OMIT | PTR, &m_config_map_node_config_source},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_config_source = {"NodeConfigSource", f_node_config_source};

static const struct pb_field f_node_spec[] = {
    {1, "podCIDR", PB_STRING, OMIT, NULL},
    {7, "podCIDRs", PB_STRING, REP | OMIT, NULL},
    {3, "providerID", PB_STRING, OMIT, NULL},
    {4, "unschedulable", PB_BOOL, OMIT, NULL},
    {5, "taints", PB_MESSAGE, REP | OMIT, &m_taint},
    {6, "configSource", PB_MESSAGE, OMIT | PTR, &m_node_config_source},
    {2, "externalID", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_spec = {"NodeSpec", f_node_spec};

static const struct pb_field f_node_condition[] = {
    {1, "type", PB_STRING, 0, NULL},
    {2, "status", PB_STRING, 0, NULL},
    {3, "lastHeartbeatTime", PB_TIME, OMIT, NULL},
    {4, "lastTransitionTime", PB_TIME, OMIT, NULL},
    {5, "reason", PB_STRING, OMIT, NULL},
    {6, "message", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_condition = {"NodeCondition", f_node_condition};

static const struct pb_field f_node_address[] = {
    {1, "type", PB_STRING, 0, NULL},
    {2, "address", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_address = {"NodeAddress", f_node_address};

static const struct pb_field f_daemon_endpoint[] = {
    {1, "Port", PB_INT32, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_daemon_endpoint = {"DaemonEndpoint", f_daemon_endpoint};

static const struct pb_field f_node_daemon_endpoints[] = {
    {1, "kubeletEndpoint", PB_MESSAGE, OMIT, &m_daemon_endpoint},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_daemon_endpoints = {"NodeDaemonEndpoints",
                                                      f_node_daemon_endpoints};

static const struct pb_field f_node_swap_status[] = {
    {1, "capacity", PB_INT64, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_swap_status = {"NodeSwapStatus", f_node_swap_status};

static const struct pb_field f_node_system_info[] = {
    {1, "machineID", PB_STRING, 0, NULL},
    {2, "systemUUID", PB_STRING, 0, NULL},
    {3, "bootID", PB_STRING, 0, NULL},
    {4, "kernelVersion", PB_STRING, 0, NULL},
    {5, "osImage", PB_STRING, 0, NULL},
    {6, "containerRuntimeVersion", PB_STRING, 0, NULL},
    {7, "kubeletVersion", PB_STRING, 0, NULL},
    {8, "kubeProxyVersion", PB_STRING, 0, NULL},
    {9, "operatingSystem", PB_STRING, 0, NULL},
    {10, "architecture", PB_STRING, 0, NULL},
    {11, "swap", PB_MESSAGE, OMIT | PTR, &m_node_swap_status},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_system_info = {"NodeSystemInfo", f_node_system_info};

static const struct pb_field f_container_image[] = {
    {1, "names", PB_STRING, REP, NULL},
    {2, "sizeBytes", PB_INT64, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_container_image = {"ContainerImage", f_container_image};

static const struct pb_field f_attached_volume[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "devicePath", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_attached_volume = {"AttachedVolume", f_attached_volume};

static const struct pb_field f_node_config_status[] = {
    {1, "assigned", PB_MESSAGE, OMIT | PTR, &m_node_config_source},
    {2, "active", PB_MESSAGE, OMIT | PTR, &m_node_config_source},
    {3, "lastKnownGood", PB_MESSAGE, OMIT | PTR, &m_node_config_source},
    {4, "error", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_config_status = {"NodeConfigStatus", f_node_config_status};

static const struct pb_field f_node_runtime_handler_features[] = {
    {1, "recursiveReadOnlyMounts", PB_BOOL, OMIT | PTR, NULL},
    {2, "userNamespaces", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_runtime_handler_features = {"NodeRuntimeHandlerFeatures",
                                                              f_node_runtime_handler_features};

static const struct pb_field f_node_runtime_handler[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "features", PB_MESSAGE, OMIT | PTR, &m_node_runtime_handler_features},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_runtime_handler = {"NodeRuntimeHandler", f_node_runtime_handler};

static const struct pb_field f_node_features[] = {
    {1, "supplementalGroupsPolicy", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_features = {"NodeFeatures", f_node_features};

static const struct pb_field f_node_status[] = {
    {1, "capacity", PB_MAP, OMIT, &pb__m_quantity_entry},
    {2, "allocatable", PB_MAP, OMIT, &pb__m_quantity_entry},
    {3, "phase", PB_STRING, OMIT, NULL},
    {4, "conditions", PB_MESSAGE, REP | OMIT, &m_node_condition},
    {5, "addresses", PB_MESSAGE, REP | OMIT, &m_node_address},
    {6, "daemonEndpoints", PB_MESSAGE, OMIT, &m_node_daemon_endpoints},
    {7, "nodeInfo", PB_MESSAGE, OMIT, &m_node_system_info},
    {8, "images", PB_MESSAGE, REP | OMIT, &m_container_image},
    {9, "volumesInUse", PB_STRING, REP | OMIT, NULL},
    {10, "volumesAttached", PB_MESSAGE, REP | OMIT, &m_attached_volume},
    {11, "config", PB_MESSAGE, OMIT | PTR, &m_node_config_status},
    {12, "runtimeHandlers", PB_MESSAGE, REP | OMIT, &m_node_runtime_handler},
    {13, "features", PB_MESSAGE, OMIT | PTR, &m_node_features},
    {14, "declaredFeatures", PB_STRING, REP | OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_status = {"NodeStatus", f_node_status};

static const struct pb_field f_node[] = {
    {1, "metadata", PB_MESSAGE, OMIT, &pb__m_object_meta},
    {2, "spec", PB_MESSAGE, OMIT, &m_node_spec},
    {3, "status", PB_MESSAGE, OMIT, &m_node_status},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_node = {"Node", f_node};
