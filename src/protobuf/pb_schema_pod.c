/*
 * pb_schema_pod.c -- protobuf message descriptors for core/v1 Pod: PodSpec
 * (scheduling: affinity, tolerations, topology spread; DNS, security
 * context, resource claims, ...; containers and volumes come from
 * pb_schema_container.c and pb_schema_volume.c), PodTemplateSpec (used by
 * DaemonSet, pb_schema_apps.c) and PodStatus (conditions, container
 * states, IPs).  The DaemonSet e2e suite does PUT pods/NAME/status with a
 * whole pod, so every field matters.
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

/* ---- core/v1 PodSpec --------------------------------------------------- */

static const struct pb_field f_sysctl[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "value", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_sysctl = {"Sysctl", f_sysctl};

static const struct pb_field f_pod_security_context[] = {
    {1, "seLinuxOptions", PB_MESSAGE, OMIT | PTR, &pb__m_se_linux_options},
    {8, "windowsOptions", PB_MESSAGE, OMIT | PTR, &pb__m_windows_security_context_options},
    {2, "runAsUser", PB_INT64, OMIT | PTR, NULL},
    {6, "runAsGroup", PB_INT64, OMIT | PTR, NULL},
    {3, "runAsNonRoot", PB_BOOL, OMIT | PTR, NULL},
    {4, "supplementalGroups", PB_INT64, REP | OMIT, NULL},
    {12, "supplementalGroupsPolicy", PB_STRING, OMIT | PTR, NULL},
    {5, "fsGroup", PB_INT64, OMIT | PTR, NULL},
    {7, "sysctls", PB_MESSAGE, REP | OMIT, &m_sysctl},
    {9, "fsGroupChangePolicy", PB_STRING, OMIT | PTR, NULL},
    {10, "seccompProfile", PB_MESSAGE, OMIT | PTR, &pb__m_seccomp_profile},
    {11, "appArmorProfile", PB_MESSAGE, OMIT | PTR, &pb__m_app_armor_profile},
    {13, "seLinuxChangePolicy", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_security_context = {"PodSecurityContext", f_pod_security_context};

static const struct pb_field f_node_selector_requirement[] = {
    {1, "key", PB_STRING, 0, NULL},
    {2, "operator", PB_STRING, 0, NULL},
    {3, "values", PB_STRING, REP | OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_selector_requirement = {"NodeSelectorRequirement",
                                                          f_node_selector_requirement};

static const struct pb_field f_node_selector_term[] = {
    {1, "matchExpressions", PB_MESSAGE, REP | OMIT, &m_node_selector_requirement},
    {2, "matchFields", PB_MESSAGE, REP | OMIT, &m_node_selector_requirement},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_selector_term = {"NodeSelectorTerm", f_node_selector_term};

static const struct pb_field f_node_selector[] = {
    {1, "nodeSelectorTerms", PB_MESSAGE, REP, &m_node_selector_term},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_selector = {"NodeSelector", f_node_selector};

static const struct pb_field f_preferred_scheduling_term[] = {
    {1, "weight", PB_INT32, 0, NULL},
    {2, "preference", PB_MESSAGE, 0, &m_node_selector_term},
    PB_FIELDS_END,
};
static const struct pb_msg m_preferred_scheduling_term = {"PreferredSchedulingTerm",
                                                          f_preferred_scheduling_term};

static const struct pb_field f_node_affinity[] = {
    {1, "requiredDuringSchedulingIgnoredDuringExecution", PB_MESSAGE, OMIT | PTR, &m_node_selector},
    {2, "preferredDuringSchedulingIgnoredDuringExecution", PB_MESSAGE, REP | OMIT,
     &m_preferred_scheduling_term},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_affinity = {"NodeAffinity", f_node_affinity};

static const struct pb_field f_pod_affinity_term[] = {
    {1, "labelSelector", PB_MESSAGE, OMIT | PTR, &pb__m_label_selector},
    {2, "namespaces", PB_STRING, REP | OMIT, NULL},
    {3, "topologyKey", PB_STRING, 0, NULL},
    {4, "namespaceSelector", PB_MESSAGE, OMIT | PTR, &pb__m_label_selector},
    {5, "matchLabelKeys", PB_STRING, REP | OMIT, NULL},
    {6, "mismatchLabelKeys", PB_STRING, REP | OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_affinity_term = {"PodAffinityTerm", f_pod_affinity_term};

static const struct pb_field f_weighted_pod_affinity_term[] = {
    {1, "weight", PB_INT32, 0, NULL},
    {2, "podAffinityTerm", PB_MESSAGE, 0, &m_pod_affinity_term},
    PB_FIELDS_END,
};
static const struct pb_msg m_weighted_pod_affinity_term = {"WeightedPodAffinityTerm",
                                                           f_weighted_pod_affinity_term};

static const struct pb_field f_pod_affinity[] = {
    {1, "requiredDuringSchedulingIgnoredDuringExecution", PB_MESSAGE, REP | OMIT,
     &m_pod_affinity_term},
    {2, "preferredDuringSchedulingIgnoredDuringExecution", PB_MESSAGE, REP | OMIT,
     &m_weighted_pod_affinity_term},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_affinity = {"PodAffinity", f_pod_affinity};

static const struct pb_field f_pod_anti_affinity[] = {
    {1, "requiredDuringSchedulingIgnoredDuringExecution", PB_MESSAGE, REP | OMIT,
     &m_pod_affinity_term},
    {2, "preferredDuringSchedulingIgnoredDuringExecution", PB_MESSAGE, REP | OMIT,
     &m_weighted_pod_affinity_term},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_anti_affinity = {"PodAntiAffinity", f_pod_anti_affinity};

static const struct pb_field f_affinity[] = {
    {1, "nodeAffinity", PB_MESSAGE, OMIT | PTR, &m_node_affinity},
    {2, "podAffinity", PB_MESSAGE, OMIT | PTR, &m_pod_affinity},
    {3, "podAntiAffinity", PB_MESSAGE, OMIT | PTR, &m_pod_anti_affinity},
    PB_FIELDS_END,
};
static const struct pb_msg m_affinity = {"Affinity", f_affinity};

static const struct pb_field f_toleration[] = {
    {1, "key", PB_STRING, OMIT, NULL},
    {2, "operator", PB_STRING, OMIT, NULL},
    {3, "value", PB_STRING, OMIT, NULL},
    {4, "effect", PB_STRING, OMIT, NULL},
    {5, "tolerationSeconds", PB_INT64, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_toleration = {"Toleration", f_toleration};

static const struct pb_field f_host_alias[] = {
    {1, "ip", PB_STRING, 0, NULL},
    {2, "hostnames", PB_STRING, REP | OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_host_alias = {"HostAlias", f_host_alias};

static const struct pb_field f_pod_dns_config_option[] = {
    {1, "name", PB_STRING, OMIT, NULL},
    {2, "value", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_dns_config_option = {"PodDNSConfigOption",
                                                      f_pod_dns_config_option};

static const struct pb_field f_pod_dns_config[] = {
    {1, "nameservers", PB_STRING, REP | OMIT, NULL},
    {2, "searches", PB_STRING, REP | OMIT, NULL},
    {3, "options", PB_MESSAGE, REP | OMIT, &m_pod_dns_config_option},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_dns_config = {"PodDNSConfig", f_pod_dns_config};

static const struct pb_field f_pod_readiness_gate[] = {
    {1, "conditionType", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_readiness_gate = {"PodReadinessGate", f_pod_readiness_gate};

static const struct pb_field f_topology_spread_constraint[] = {
    {1, "maxSkew", PB_INT32, 0, NULL},
    {2, "topologyKey", PB_STRING, 0, NULL},
    {3, "whenUnsatisfiable", PB_STRING, 0, NULL},
    {4, "labelSelector", PB_MESSAGE, OMIT | PTR, &pb__m_label_selector},
    {5, "minDomains", PB_INT32, OMIT | PTR, NULL},
    {6, "nodeAffinityPolicy", PB_STRING, OMIT | PTR, NULL},
    {7, "nodeTaintsPolicy", PB_STRING, OMIT | PTR, NULL},
    {8, "matchLabelKeys", PB_STRING, REP | OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_topology_spread_constraint = {"TopologySpreadConstraint",
                                                           f_topology_spread_constraint};

static const struct pb_field f_pod_os[] = {
    {1, "name", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_os = {"PodOS", f_pod_os};

static const struct pb_field f_pod_scheduling_gate[] = {
    {1, "name", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_scheduling_gate = {"PodSchedulingGate", f_pod_scheduling_gate};

static const struct pb_field f_pod_resource_claim[] = {
    {1, "name", PB_STRING, 0, NULL},
    {3, "resourceClaimName", PB_STRING, OMIT | PTR, NULL},
    {4, "resourceClaimTemplateName", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_resource_claim = {"PodResourceClaim", f_pod_resource_claim};

static const struct pb_field f_pod_scheduling_group[] = {
    {1, "podGroupName", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_scheduling_group = {"PodSchedulingGroup", f_pod_scheduling_group};

static const struct pb_field f_pod_spec[] = {
    {1, "volumes", PB_MESSAGE, REP | OMIT, &pb__m_volume},
    {20, "initContainers", PB_MESSAGE, REP | OMIT, &pb__m_container},
    {2, "containers", PB_MESSAGE, REP, &pb__m_container},
    {34, "ephemeralContainers", PB_MESSAGE, REP | OMIT, &pb__m_ephemeral_container},
    {3, "restartPolicy", PB_STRING, OMIT, NULL},
    {4, "terminationGracePeriodSeconds", PB_INT64, OMIT | PTR, NULL},
    {5, "activeDeadlineSeconds", PB_INT64, OMIT | PTR, NULL},
    {6, "dnsPolicy", PB_STRING, OMIT, NULL},
    {7, "nodeSelector", PB_MAP_SS, OMIT, NULL},
    {8, "serviceAccountName", PB_STRING, OMIT, NULL},
    {9, "serviceAccount", PB_STRING, OMIT, NULL},
    {21, "automountServiceAccountToken", PB_BOOL, OMIT | PTR, NULL},
    {10, "nodeName", PB_STRING, OMIT, NULL},
    {11, "hostNetwork", PB_BOOL, OMIT, NULL},
    {12, "hostPID", PB_BOOL, OMIT, NULL},
    {13, "hostIPC", PB_BOOL, OMIT, NULL},
    {27, "shareProcessNamespace", PB_BOOL, OMIT | PTR, NULL},
    {14, "securityContext", PB_MESSAGE, OMIT | PTR, &m_pod_security_context},
    {15, "imagePullSecrets", PB_MESSAGE, REP | OMIT, &pb__m_local_object_reference},
    {16, "hostname", PB_STRING, OMIT, NULL},
    {17, "subdomain", PB_STRING, OMIT, NULL},
    {18, "affinity", PB_MESSAGE, OMIT | PTR, &m_affinity},
    {19, "schedulerName", PB_STRING, OMIT, NULL},
    {22, "tolerations", PB_MESSAGE, REP | OMIT, &m_toleration},
    {23, "hostAliases", PB_MESSAGE, REP | OMIT, &m_host_alias},
    {24, "priorityClassName", PB_STRING, OMIT, NULL},
    {25, "priority", PB_INT32, OMIT | PTR, NULL},
    {26, "dnsConfig", PB_MESSAGE, OMIT | PTR, &m_pod_dns_config},
    {28, "readinessGates", PB_MESSAGE, REP | OMIT, &m_pod_readiness_gate},
    {29, "runtimeClassName", PB_STRING, OMIT | PTR, NULL},
    {30, "enableServiceLinks", PB_BOOL, OMIT | PTR, NULL},
    {31, "preemptionPolicy", PB_STRING, OMIT | PTR, NULL},
    {32, "overhead", PB_MAP, OMIT, &pb__m_quantity_entry},
    {33, "topologySpreadConstraints", PB_MESSAGE, REP | OMIT, &m_topology_spread_constraint},
    {35, "setHostnameAsFQDN", PB_BOOL, OMIT | PTR, NULL},
    {36, "os", PB_MESSAGE, OMIT | PTR, &m_pod_os},
    {37, "hostUsers", PB_BOOL, OMIT | PTR, NULL},
    {38, "schedulingGates", PB_MESSAGE, REP | OMIT, &m_pod_scheduling_gate},
    {39, "resourceClaims", PB_MESSAGE, REP | OMIT, &m_pod_resource_claim},
    {40, "resources", PB_MESSAGE, OMIT | PTR, &pb__m_resource_requirements},
    {41, "hostnameOverride", PB_STRING, OMIT | PTR, NULL},
    {43, "schedulingGroup", PB_MESSAGE, OMIT | PTR, &m_pod_scheduling_group},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_spec = {"PodSpec", f_pod_spec};

static const struct pb_field f_pod_template_spec[] = {
    {1, "metadata", PB_MESSAGE, OMIT, &pb__m_object_meta},
    {2, "spec", PB_MESSAGE, OMIT, &m_pod_spec},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_pod_template_spec = {"PodTemplateSpec", f_pod_template_spec};

/* ---- core/v1 PodStatus, Pod -------------------------------------------- */

static const struct pb_field f_pod_condition[] = {
    {1, "type", PB_STRING, 0, NULL},
    {7, "observedGeneration", PB_INT64, OMIT, NULL},
    {2, "status", PB_STRING, 0, NULL},
    {3, "lastProbeTime", PB_TIME, OMIT, NULL},
    {4, "lastTransitionTime", PB_TIME, OMIT, NULL},
    {5, "reason", PB_STRING, OMIT, NULL},
    {6, "message", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_condition = {"PodCondition", f_pod_condition};

static const struct pb_field f_host_ip[] = {
    {1, "ip", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_host_ip = {"HostIP", f_host_ip};

static const struct pb_field f_pod_ip[] = {
    {1, "ip", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_ip = {"PodIP", f_pod_ip};

static const struct pb_field f_container_state_waiting[] = {
    {1, "reason", PB_STRING, OMIT, NULL},
    {2, "message", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_container_state_waiting = {"ContainerStateWaiting",
                                                        f_container_state_waiting};

static const struct pb_field f_container_state_running[] = {
    {1, "startedAt", PB_TIME, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_container_state_running = {"ContainerStateRunning",
                                                        f_container_state_running};

static const struct pb_field f_container_state_terminated[] = {
    {1, "exitCode", PB_INT32, 0, NULL},        {2, "signal", PB_INT32, OMIT, NULL},
    {3, "reason", PB_STRING, OMIT, NULL},      {4, "message", PB_STRING, OMIT, NULL},
    {5, "startedAt", PB_TIME, OMIT, NULL},     {6, "finishedAt", PB_TIME, OMIT, NULL},
    {7, "containerID", PB_STRING, OMIT, NULL}, PB_FIELDS_END,
};
static const struct pb_msg m_container_state_terminated = {"ContainerStateTerminated",
                                                           f_container_state_terminated};

static const struct pb_field f_container_state[] = {
    {1, "waiting", PB_MESSAGE, OMIT | PTR, &m_container_state_waiting},
    {2, "running", PB_MESSAGE, OMIT | PTR, &m_container_state_running},
    {3, "terminated", PB_MESSAGE, OMIT | PTR, &m_container_state_terminated},
    PB_FIELDS_END,
};
static const struct pb_msg m_container_state = {"ContainerState", f_container_state};

static const struct pb_field f_image_volume_status[] = {
    {1, "imageRef", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_image_volume_status = {"ImageVolumeStatus", f_image_volume_status};

static const struct pb_field f_volume_status[] = {
    {1, "image", PB_MESSAGE, OMIT | PTR, &m_image_volume_status},
    PB_FIELDS_END,
};
static const struct pb_msg m_volume_status = {"VolumeStatus", f_volume_status};

static const struct pb_field f_volume_mount_status[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "mountPath", PB_STRING, 0, NULL},
    {3, "readOnly", PB_BOOL, OMIT, NULL},
    {4, "recursiveReadOnly", PB_STRING, OMIT | PTR, NULL},
    {5, "volumeStatus", PB_MESSAGE, OMIT | PTR, &m_volume_status},
    PB_FIELDS_END,
};
static const struct pb_msg m_volume_mount_status = {"VolumeMountStatus", f_volume_mount_status};

static const struct pb_field f_linux_container_user[] = {
    {1, "uid", PB_INT64, 0, NULL},
    {2, "gid", PB_INT64, 0, NULL},
    {3, "supplementalGroups", PB_INT64, REP | OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_linux_container_user = {"LinuxContainerUser", f_linux_container_user};

static const struct pb_field f_container_user[] = {
    {1, "linux", PB_MESSAGE, OMIT | PTR, &m_linux_container_user},
    PB_FIELDS_END,
};
static const struct pb_msg m_container_user = {"ContainerUser", f_container_user};

static const struct pb_field f_resource_health[] = {
    {1, "resourceID", PB_STRING, 0, NULL},
    {2, "health", PB_STRING, OMIT, NULL},
    {6, "message", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_resource_health = {"ResourceHealth", f_resource_health};

static const struct pb_field f_resource_status[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "resources", PB_MESSAGE, REP | OMIT, &m_resource_health},
    PB_FIELDS_END,
};
static const struct pb_msg m_resource_status = {"ResourceStatus", f_resource_status};

static const struct pb_field f_container_status[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "state", PB_MESSAGE, OMIT, &m_container_state},
    {3, "lastState", PB_MESSAGE, OMIT, &m_container_state},
    {4, "ready", PB_BOOL, 0, NULL},
    {5, "restartCount", PB_INT32, 0, NULL},
    {6, "image", PB_STRING, 0, NULL},
    {7, "imageID", PB_STRING, 0, NULL},
    {8, "containerID", PB_STRING, OMIT, NULL},
    {9, "started", PB_BOOL, OMIT | PTR, NULL},
    {10, "allocatedResources", PB_MAP, OMIT, &pb__m_quantity_entry},
    {11, "resources", PB_MESSAGE, OMIT | PTR, &pb__m_resource_requirements},
    {12, "volumeMounts", PB_MESSAGE, REP | OMIT, &m_volume_mount_status},
    {13, "user", PB_MESSAGE, OMIT | PTR, &m_container_user},
    {14, "allocatedResourcesStatus", PB_MESSAGE, REP | OMIT, &m_resource_status},
    {15, "stopSignal", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_container_status = {"ContainerStatus", f_container_status};

static const struct pb_field f_pod_resource_claim_status[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "resourceClaimName", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_resource_claim_status = {"PodResourceClaimStatus",
                                                          f_pod_resource_claim_status};

static const struct pb_field f_container_extended_resource_request[] = {
    {1, "containerName", PB_STRING, 0, NULL},
    {2, "resourceName", PB_STRING, 0, NULL},
    {3, "requestName", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_container_extended_resource_request = {
    "ContainerExtendedResourceRequest", f_container_extended_resource_request};

static const struct pb_field f_pod_extended_resource_claim_status[] = {
    {1, "requestMappings", PB_MESSAGE, REP, &m_container_extended_resource_request},
    {2, "resourceClaimName", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_extended_resource_claim_status = {
    "PodExtendedResourceClaimStatus", f_pod_extended_resource_claim_status};

static const struct pb_field f_node_allocatable_resource_claim_status[] = {
    {1, "resourceClaimName", PB_STRING, 0, NULL},
    {2, "containers", PB_STRING, REP | OMIT, NULL},
    {3, "resources", PB_MAP, 0, &pb__m_quantity_entry},
    PB_FIELDS_END,
};
static const struct pb_msg m_node_allocatable_resource_claim_status = {
    "NodeAllocatableResourceClaimStatus", f_node_allocatable_resource_claim_status};

static const struct pb_field f_pod_status[] = {
    {17, "observedGeneration", PB_INT64, OMIT, NULL},
    {1, "phase", PB_STRING, OMIT, NULL},
    {2, "conditions", PB_MESSAGE, REP | OMIT, &m_pod_condition},
    {3, "message", PB_STRING, OMIT, NULL},
    {4, "reason", PB_STRING, OMIT, NULL},
    {11, "nominatedNodeName", PB_STRING, OMIT, NULL},
    {5, "hostIP", PB_STRING, OMIT, NULL},
    {16, "hostIPs", PB_MESSAGE, REP | OMIT, &m_host_ip},
    {6, "podIP", PB_STRING, OMIT, NULL},
    {12, "podIPs", PB_MESSAGE, REP | OMIT, &m_pod_ip},
    {7, "startTime", PB_TIME, OMIT | PTR, NULL},
    {10, "initContainerStatuses", PB_MESSAGE, REP | OMIT, &m_container_status},
    {8, "containerStatuses", PB_MESSAGE, REP | OMIT, &m_container_status},
    {9, "qosClass", PB_STRING, OMIT, NULL},
    {13, "ephemeralContainerStatuses", PB_MESSAGE, REP | OMIT, &m_container_status},
    {14, "resize", PB_STRING, OMIT, NULL},
    {15, "resourceClaimStatuses", PB_MESSAGE, REP | OMIT, &m_pod_resource_claim_status},
    {18, "extendedResourceClaimStatus", PB_MESSAGE, OMIT | PTR,
     &m_pod_extended_resource_claim_status},
    {19, "allocatedResources", PB_MAP, OMIT, &pb__m_quantity_entry},
    {20, "resources", PB_MESSAGE, OMIT | PTR, &pb__m_resource_requirements},
    {21, "nodeAllocatableResourceClaimStatuses", PB_MESSAGE, REP | OMIT,
     &m_node_allocatable_resource_claim_status},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_status = {"PodStatus", f_pod_status};

static const struct pb_field f_pod[] = {
    {1, "metadata", PB_MESSAGE, OMIT, &pb__m_object_meta},
    {2, "spec", PB_MESSAGE, OMIT, &m_pod_spec},
    {3, "status", PB_MESSAGE, OMIT, &m_pod_status},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_pod = {"Pod", f_pod};
