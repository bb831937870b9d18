/*
 * schemas_pod.c -- OpenAPI schema tables for core/v1 Pod: the Pod kind and
 * its list, PodTemplateSpec, PodSpec with scheduling (affinity,
 * tolerations, topology spread), DNS and pod-level security, and PodStatus
 * with conditions and container states.
 *
 * Containers live in schemas_container.c and volumes in schemas_volume.c.
 * Field names and types follow Kubernetes v1.32; descriptions are ours.
 * See openapi_int.h for the table format.
 */
#include "openapi/openapi_int.h"

#include <stddef.h>

#define CORE "io.k8s.api.core.v1."

static const struct oa_field f_pod[] = {
    {"apiVersion", "string", "Versioned schema of this object: v1."},
    {"kind", "string", "Kind of this object: Pod."},
    {"metadata", "ObjectMeta", "Standard object metadata."},
    {"spec", "PodSpec", "Desired behaviour of the pod."},
    {"status", "PodStatus", "Most recently observed state of the pod. Read-only."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_list[] = {
    {"apiVersion", "string", "Versioned schema of this object: v1."},
    {"items", "[]Pod", "The pods."},
    {"kind", "string", "Kind of this object: PodList."},
    {"metadata", "ListMeta", "Standard list metadata."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_template_spec[] = {
    {"metadata", "ObjectMeta", "Metadata given to every pod created from the template."},
    {"spec", "PodSpec", "Specification of the pods created from the template."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_spec[] = {
    {"activeDeadlineSeconds", "int64",
     "Seconds the pod may run, counted from its start, before the system marks it failed and "
     "kills its containers. Positive."},
    {"affinity", "Affinity", "Scheduling constraints relative to nodes and other pods."},
    {"automountServiceAccountToken", "bool",
     "Whether the service account token is mounted into the pod automatically."},
    {"containers", "[]Container",
     "The containers of the pod; at least one. Cannot be added or removed later."},
    {"dnsConfig", "PodDNSConfig",
     "Extra DNS settings, merged into the configuration chosen by dnsPolicy."},
    {"dnsPolicy", "string|ClusterFirst|ClusterFirstWithHostNet|Default|None",
     "How the pod's DNS is configured. Defaults to ClusterFirst; None relies on dnsConfig "
     "alone."},
    {"enableServiceLinks", "bool",
     "Whether environment variables describing services are injected. Defaults to true."},
    {"ephemeralContainers", "[]EphemeralContainer",
     "Temporary containers added to a running pod for debugging, via the ephemeralcontainers "
     "subresource."},
    {"hostAliases", "[]HostAlias", "Extra entries for the pod's /etc/hosts."},
    {"hostIPC", "bool", "Use the host's IPC namespace. Defaults to false."},
    {"hostNetwork", "bool",
     "Use the host's network namespace; ports are then host ports. Defaults to false."},
    {"hostPID", "bool", "Use the host's process ID namespace. Defaults to false."},
    {"hostUsers", "bool",
     "Whether to share the host's user namespace. False gives the pod its own user namespace. "
     "Defaults to true."},
    {"hostname", "string", "Hostname of the pod; defaults to a value chosen by the system."},
    {"imagePullSecrets", "[]LocalObjectReference",
     "Secrets in the same namespace used to pull the images."},
    {"initContainers", "[]Container",
     "Containers run one after another to completion before the app containers start. Init "
     "containers with restartPolicy Always are sidecars that keep running."},
    {"nodeName", "string",
     "Node the pod is bound to. Set by the scheduler, or directly to bypass it."},
    {"nodeSelector", "{}string", "Labels a node must have for the pod to be placed on it."},
    {"os", "PodOS", "Operating system the pod's containers need."},
    {"overhead", "{}Quantity",
     "Resources used by the pod sandbox on top of the containers' requests; set from the "
     "RuntimeClass."},
    {"preemptionPolicy", "string|Never|PreemptLowerPriority",
     "Whether the pod may preempt lower-priority pods. Defaults to PreemptLowerPriority."},
    {"priority", "int32", "Scheduling priority, filled in from priorityClassName."},
    {"priorityClassName", "string", "Name of the PriorityClass giving the pod's priority."},
    {"readinessGates", "[]PodReadinessGate",
     "Extra pod conditions that must be True for the pod to be ready."},
    {"resourceClaims", "[]PodResourceClaim",
     "Dynamic resources (ResourceClaims) the pod needs, referenced by name from containers."},
    {"resources", "ResourceRequirements",
     "Resources for the pod as a whole, shared by its containers (alpha). Only cpu and "
     "memory."},
    {"restartPolicy", "string|Always|Never|OnFailure",
     "When containers are restarted after they exit: Always (default), OnFailure or Never."},
    {"runtimeClassName", "string", "RuntimeClass used to run the pod."},
    {"schedulerName", "string", "Scheduler that places the pod; defaults to the default one."},
    {"schedulingGates", "[]PodSchedulingGate",
     "While any gate is listed the pod is not scheduled. Gates can only be removed."},
    {"securityContext", "PodSecurityContext",
     "Security settings for the whole pod; container settings override them."},
    {"serviceAccount", "string", "Deprecated alias for serviceAccountName."},
    {"serviceAccountName", "string", "ServiceAccount the pod runs as."},
    {"setHostnameAsFQDN", "bool",
     "Set the kernel hostname to the pod's fully qualified domain name. Defaults to false."},
    {"shareProcessNamespace", "bool",
     "Put all containers in one process namespace so they can see each other's processes."},
    {"subdomain", "string",
     "With hostname, gives the pod the name <hostname>.<subdomain>.<namespace>.svc."},
    {"terminationGracePeriodSeconds", "int64",
     "Seconds between the termination signal and the kill on delete. Defaults to 30; 0 kills "
     "at once."},
    {"tolerations", "[]Toleration", "Taints the pod tolerates."},
    {"topologySpreadConstraints", "[]TopologySpreadConstraint",
     "How matching pods should be spread over topology domains."},
    {"volumes", "[]Volume", "Volumes the pod's containers may mount."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_affinity[] = {
    {"nodeAffinity", "NodeAffinity", "Rules on which nodes the pod may or should run."},
    {"podAffinity", "PodAffinity", "Rules to place the pod near certain other pods."},
    {"podAntiAffinity", "PodAntiAffinity", "Rules to keep the pod away from certain other pods."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_affinity[] = {
    {"preferredDuringSchedulingIgnoredDuringExecution", "[]PreferredSchedulingTerm",
     "Soft rules: the scheduler favours nodes matching heavier terms but may pick others."},
    {"requiredDuringSchedulingIgnoredDuringExecution", "NodeSelector",
     "Hard rule: the pod is only scheduled onto matching nodes. Not re-checked later."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_preferred_scheduling_term[] = {
    {"preference", "NodeSelectorTerm", "Nodes this preference applies to."},
    {"weight", "int32", "Weight of the preference, 1 to 100."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_selector[] = {
    {"nodeSelectorTerms", "[]NodeSelectorTerm",
     "Terms ORed together: a node matching any one term is selected."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_selector_term[] = {
    {"matchExpressions", "[]NodeSelectorRequirement", "Requirements on node labels, ANDed."},
    {"matchFields", "[]NodeSelectorRequirement", "Requirements on node fields, ANDed."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_selector_requirement[] = {
    {"key", "string", "Label key (or field name) the requirement tests."},
    {"operator", "string|DoesNotExist|Exists|Gt|In|Lt|NotIn",
     "How the key relates to values: In, NotIn, Exists, DoesNotExist, Gt or Lt."},
    {"values", "[]string",
     "Values to compare with. Non-empty for In and NotIn, empty for Exists and DoesNotExist, "
     "a single integer for Gt and Lt."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_affinity[] = {
    {"preferredDuringSchedulingIgnoredDuringExecution", "[]WeightedPodAffinityTerm",
     "Soft rules: nodes near matching pods score higher."},
    {"requiredDuringSchedulingIgnoredDuringExecution", "[]PodAffinityTerm",
     "Hard rules: the pod only goes where every term is satisfied. Not re-checked later."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_anti_affinity[] = {
    {"preferredDuringSchedulingIgnoredDuringExecution", "[]WeightedPodAffinityTerm",
     "Soft rules: nodes near matching pods score lower."},
    {"requiredDuringSchedulingIgnoredDuringExecution", "[]PodAffinityTerm",
     "Hard rules: the pod never goes into a domain holding matching pods. Not re-checked "
     "later."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_weighted_pod_affinity_term[] = {
    {"podAffinityTerm", "PodAffinityTerm", "The term the weight applies to."},
    {"weight", "int32", "Weight of the term, 1 to 100."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_affinity_term[] = {
    {"labelSelector", "LabelSelector", "Which pods the term is about."},
    {"matchLabelKeys", "[]string",
     "Label keys whose values are taken from the incoming pod and ANDed into labelSelector."},
    {"mismatchLabelKeys", "[]string",
     "Label keys whose values from the incoming pod are excluded via labelSelector."},
    {"namespaceSelector", "LabelSelector",
     "Namespaces (by label) in which to look for the pods; empty selects all."},
    {"namespaces", "[]string",
     "Namespaces in which to look for the pods; empty with no selector means the pod's own."},
    {"topologyKey", "string",
     "Node label whose value defines a domain (e.g. a node or a zone) for co-location."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_dns_config[] = {
    {"nameservers", "[]string", "DNS server IP addresses, added to those from dnsPolicy."},
    {"options", "[]PodDNSConfigOption", "Resolver options; later entries override earlier."},
    {"searches", "[]string", "DNS search domains, added to those from dnsPolicy."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_dns_config_option[] = {
    {"name", "string", "Option name, e.g. ndots."},
    {"value", "string", "Option value, if any."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_host_alias[] = {
    {"hostnames", "[]string", "Host names for the address."},
    {"ip", "string", "IP address of the entry."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_local_object_reference[] = {
    {"name", "string", "Name of the object in the same namespace."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_os[] = {
    {"name", "string", "Operating system name: linux or windows."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_readiness_gate[] = {
    {"conditionType", "string", "Pod condition type that must be True."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_resource_claim[] = {
    {"name", "string", "Name by which containers refer to this claim."},
    {"resourceClaimName", "string", "Existing ResourceClaim in the pod's namespace."},
    {"resourceClaimTemplateName", "string",
     "ResourceClaimTemplate from which a claim is created for this pod."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_scheduling_gate[] = {
    {"name", "string", "Name of the gate; unique within the pod."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_security_context[] = {
    {"appArmorProfile", "AppArmorProfile", "AppArmor profile for the containers."},
    {"fsGroup", "int64",
     "Supplementary group added to all containers; volumes that support it are made owned by "
     "this group."},
    {"fsGroupChangePolicy", "string|Always|OnRootMismatch",
     "When volume ownership is changed to fsGroup: Always or OnRootMismatch."},
    {"runAsGroup", "int64", "Primary GID for the container processes."},
    {"runAsNonRoot", "bool", "Refuse to start containers that would run as UID 0."},
    {"runAsUser", "int64", "UID for the container processes; defaults to the image's user."},
    {"seLinuxChangePolicy", "string",
     "How SELinux labels are applied to volumes: Recursive or MountOption."},
    {"seLinuxOptions", "SELinuxOptions", "SELinux context for all containers."},
    {"seccompProfile", "SeccompProfile", "Seccomp profile for all containers."},
    {"supplementalGroups", "[]int64", "Extra GIDs for the first process of every container."},
    {"supplementalGroupsPolicy", "string|Merge|Strict",
     "Whether the groups from the image are merged with supplementalGroups (Merge) or "
     "ignored (Strict)."},
    {"sysctls", "[]Sysctl", "Namespaced kernel parameters set for the pod."},
    {"windowsOptions", "WindowsSecurityContextOptions", "Settings for Windows containers."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_sysctl[] = {
    {"name", "string", "Kernel parameter to set."},
    {"value", "string", "Value to set it to."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_toleration[] = {
    {"effect", "string|NoExecute|NoSchedule|PreferNoSchedule",
     "Taint effect to match; empty matches every effect."},
    {"key", "string", "Taint key to match; empty with operator Exists matches every taint."},
    {"operator", "string|Equal|Exists",
     "Equal (default) compares value; Exists matches any value."},
    {"tolerationSeconds", "int64",
     "For NoExecute taints: how long the pod stays bound after the taint appears. Unset means "
     "forever."},
    {"value", "string", "Taint value to match; empty with Exists."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_topology_spread_constraint[] = {
    {"labelSelector", "LabelSelector", "Pods counted when computing the spread."},
    {"matchLabelKeys", "[]string",
     "Label keys whose values from the incoming pod are added to labelSelector."},
    {"maxSkew", "int32",
     "Largest allowed difference between the number of matching pods in any two domains."},
    {"minDomains", "int32", "Minimum number of eligible domains to spread over."},
    {"nodeAffinityPolicy", "string|Honor|Ignore",
     "Whether node affinity and selector limit the domains counted. Defaults to Honor."},
    {"nodeTaintsPolicy", "string|Honor|Ignore",
     "Whether node taints limit the domains counted. Defaults to Ignore."},
    {"topologyKey", "string", "Node label whose values define the domains."},
    {"whenUnsatisfiable", "string|DoNotSchedule|ScheduleAnyway",
     "What to do when the constraint cannot be met: DoNotSchedule or ScheduleAnyway."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_status[] = {
    {"conditions", "[]PodCondition", "Current service state of the pod."},
    {"containerStatuses", "[]ContainerStatus", "Status of each app container."},
    {"ephemeralContainerStatuses", "[]ContainerStatus", "Status of each ephemeral container."},
    {"hostIP", "string", "Primary IP address of the node the pod runs on."},
    {"hostIPs", "[]HostIP", "IP addresses of the node; the first equals hostIP."},
    {"initContainerStatuses", "[]ContainerStatus", "Status of each init container."},
    {"message", "string", "Human-readable detail of why the pod is in this state."},
    {"nominatedNodeName", "string",
     "Node the pod is expected to land on after preempting others there."},
    {"phase", "string|Failed|Pending|Running|Succeeded|Unknown",
     "High-level lifecycle summary: Pending, Running, Succeeded, Failed or Unknown."},
    {"podIP", "string", "Primary IP address of the pod; empty until allocated."},
    {"podIPs", "[]PodIP", "IP addresses of the pod; the first equals podIP."},
    {"qosClass", "string|BestEffort|Burstable|Guaranteed",
     "Quality of service class derived from the resource requests and limits."},
    {"reason", "string", "Short CamelCase reason for the current state, e.g. Evicted."},
    {"resize", "string", "State of a requested in-place resize of container resources."},
    {"resourceClaimStatuses", "[]PodResourceClaimStatus",
     "Names of the ResourceClaims generated for the pod."},
    {"startTime", "Time", "When the kubelet accepted the pod, before images were pulled."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_condition[] = {
    {"lastProbeTime", "Time", "When the condition was last checked."},
    {"lastTransitionTime", "Time", "When the condition last changed status."},
    {"message", "string", "Human-readable details of the last transition."},
    {"reason", "string", "CamelCase reason for the last transition."},
    {"status", "string", "True, False or Unknown."},
    {"type", "string",
     "Type of condition, e.g. PodScheduled, Initialized, ContainersReady, Ready."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_container_status[] = {
    {"allocatedResources", "{}Quantity", "Resources the node has allocated to the container."},
    {"allocatedResourcesStatus", "[]ResourceStatus",
     "Health of the devices allocated to the container."},
    {"containerID", "string", "Runtime ID of the container, as <type>://<id>."},
    {"image", "string", "Image the container runs."},
    {"imageID", "string", "Runtime ID of the image, usually its digest."},
    {"lastState", "ContainerState", "State of the previous run, if the container restarted."},
    {"name", "string", "Container name from the pod spec."},
    {"ready", "bool", "Whether the container passes its readiness probe."},
    {"resources", "ResourceRequirements", "Requests and limits currently applied."},
    {"restartCount", "int32", "Number of times the container has been restarted."},
    {"started", "bool", "Whether the container has started and passed its startup probe."},
    {"state", "ContainerState", "Current state of the container."},
    {"user", "ContainerUser", "Identity the first process runs as."},
    {"volumeMounts", "[]VolumeMountStatus", "Status of the container's volume mounts."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_resource_status[] = {
    {"name", "string", "Resource name, as in the container's resource list."},
    {"resources", "[]ResourceHealth", "Health of each device backing the resource."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_resource_health[] = {
    {"health", "string", "Healthy, Unhealthy or Unknown."},
    {"resourceID", "string", "Identifier of the device."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_container_state[] = {
    {"running", "ContainerStateRunning", "Set while the container runs."},
    {"terminated", "ContainerStateTerminated", "Set once the container has exited."},
    {"waiting", "ContainerStateWaiting", "Set while the container has not started yet."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_container_state_running[] = {
    {"startedAt", "Time", "When the container last started."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_container_state_terminated[] = {
    {"containerID", "string", "Runtime ID of the container, as <type>://<id>."},
    {"exitCode", "int32", "Exit status of the last run."},
    {"finishedAt", "Time", "When the container last exited."},
    {"message", "string", "Details of the termination."},
    {"reason", "string", "Short reason, e.g. Completed, Error, OOMKilled."},
    {"signal", "int32", "Signal that ended the container, if any."},
    {"startedAt", "Time", "When the last run started."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_container_state_waiting[] = {
    {"message", "string", "Details of why the container is not running."},
    {"reason", "string", "Short reason, e.g. ContainerCreating, ImagePullBackOff."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_container_user[] = {
    {"linux", "LinuxContainerUser", "Identity on Linux."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_linux_container_user[] = {
    {"gid", "int64", "Primary GID of the first process."},
    {"supplementalGroups", "[]int64", "Supplementary GIDs of the first process."},
    {"uid", "int64", "UID of the first process."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_volume_mount_status[] = {
    {"mountPath", "string", "Path of the mount inside the container."},
    {"name", "string", "Volume name, as in the VolumeMount."},
    {"readOnly", "bool", "Whether the mount is read-only."},
    {"recursiveReadOnly", "string", "Whether read-only applies recursively: Disabled or Enabled."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_host_ip[] = {
    {"ip", "string", "An IP address of the node."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_ip[] = {
    {"ip", "string", "An IP address of the pod."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_pod_resource_claim_status[] = {
    {"name", "string", "Name of the claim entry in spec.resourceClaims."},
    {"resourceClaimName", "string", "Name of the ResourceClaim generated for it."},
    {NULL, NULL, NULL},
};

const struct oa_type openapi__types_pod[] = {
    {CORE "Pod", "A group of containers scheduled together onto one node.", "/v1/Pod", NULL,
     OA_OBJECT, f_pod, NULL},
    {CORE "PodList", "A list of pods.", "/v1/PodList", "items", OA_OBJECT, f_pod_list, NULL},
    {CORE "PodTemplateSpec", "Template from which controllers create pods.", NULL, NULL, OA_OBJECT,
     f_pod_template_spec, NULL},
    {CORE "PodSpec", "Desired state of a pod.", NULL, "containers", OA_OBJECT, f_pod_spec, NULL},
    {CORE "Affinity", "Scheduling constraints of a pod.", NULL, NULL, OA_OBJECT, f_affinity, NULL},
    {CORE "NodeAffinity", "Node affinity rules of a pod.", NULL, NULL, OA_OBJECT, f_node_affinity,
     NULL},
    {CORE "PreferredSchedulingTerm", "A weighted node preference.", NULL, "preference weight",
     OA_OBJECT, f_preferred_scheduling_term, NULL},
    {CORE "NodeSelector", "Selects nodes by terms that are ORed together.", NULL,
     "nodeSelectorTerms", OA_OBJECT, f_node_selector, NULL},
    {CORE "NodeSelectorTerm",
     "Requirements on node labels and fields, ANDed; an empty term matches nothing.", NULL, NULL,
     OA_OBJECT, f_node_selector_term, NULL},
    {CORE "NodeSelectorRequirement", "One requirement on a node label or field.", NULL,
     "key operator", OA_OBJECT, f_node_selector_requirement, NULL},
    {CORE "PodAffinity", "Rules that attract a pod to other pods.", NULL, NULL, OA_OBJECT,
     f_pod_affinity, NULL},
    {CORE "PodAntiAffinity", "Rules that repel a pod from other pods.", NULL, NULL, OA_OBJECT,
     f_pod_anti_affinity, NULL},
    {CORE "WeightedPodAffinityTerm", "A pod affinity term with a weight.", NULL,
     "podAffinityTerm weight", OA_OBJECT, f_weighted_pod_affinity_term, NULL},
    {CORE "PodAffinityTerm",
     "Pods matching a selector in some namespaces, and the topology that counts as near.", NULL,
     "topologyKey", OA_OBJECT, f_pod_affinity_term, NULL},
    {CORE "PodDNSConfig", "DNS settings of a pod beyond those from dnsPolicy.", NULL, NULL,
     OA_OBJECT, f_pod_dns_config, NULL},
    {CORE "PodDNSConfigOption", "One resolver option.", NULL, NULL, OA_OBJECT,
     f_pod_dns_config_option, NULL},
    {CORE "HostAlias", "An /etc/hosts entry for a pod.", NULL, "ip", OA_OBJECT, f_host_alias, NULL},
    {CORE "LocalObjectReference", "Refers to an object by name in the same namespace.", NULL, NULL,
     OA_OBJECT, f_local_object_reference, NULL},
    {CORE "PodOS", "Operating system of a pod.", NULL, "name", OA_OBJECT, f_pod_os, NULL},
    {CORE "PodReadinessGate", "A condition the pod's readiness depends on.", NULL, "conditionType",
     OA_OBJECT, f_pod_readiness_gate, NULL},
    {CORE "PodResourceClaim", "A dynamic resource claim used by a pod.", NULL, "name", OA_OBJECT,
     f_pod_resource_claim, NULL},
    {CORE "PodSchedulingGate", "Holds a pod back from scheduling while present.", NULL, "name",
     OA_OBJECT, f_pod_scheduling_gate, NULL},
    {CORE "PodSecurityContext", "Security settings that apply to a whole pod.", NULL, NULL,
     OA_OBJECT, f_pod_security_context, NULL},
    {CORE "Sysctl", "A kernel parameter setting.", NULL, "name value", OA_OBJECT, f_sysctl, NULL},
    {CORE "Toleration", "Lets a pod be placed on (or stay on) nodes with a matching taint.", NULL,
     NULL, OA_OBJECT, f_toleration, NULL},
    {CORE "TopologySpreadConstraint", "How to spread matching pods over a topology.", NULL,
     "maxSkew topologyKey whenUnsatisfiable", OA_OBJECT, f_topology_spread_constraint, NULL},
    {CORE "PodStatus", "Observed state of a pod.", NULL, NULL, OA_OBJECT, f_pod_status, NULL},
    {CORE "PodCondition", "One observation of a pod's state.", NULL, "status type", OA_OBJECT,
     f_pod_condition, NULL},
    {CORE "ContainerStatus", "Observed state of one container.", NULL,
     "image imageID name ready restartCount", OA_OBJECT, f_container_status, NULL},
    {CORE "ResourceStatus", "Health of the devices behind one container resource.", NULL, "name",
     OA_OBJECT, f_resource_status, NULL},
    {CORE "ResourceHealth", "Health of one device.", NULL, "resourceID", OA_OBJECT,
     f_resource_health, NULL},
    {CORE "ContainerState",
     "State of a container: exactly one of waiting, running or terminated. Defaults to "
     "waiting.",
     NULL, NULL, OA_OBJECT, f_container_state, NULL},
    {CORE "ContainerStateRunning", "A running container.", NULL, NULL, OA_OBJECT,
     f_container_state_running, NULL},
    {CORE "ContainerStateTerminated", "A container that has exited.", NULL, "exitCode", OA_OBJECT,
     f_container_state_terminated, NULL},
    {CORE "ContainerStateWaiting", "A container that is not running yet.", NULL, NULL, OA_OBJECT,
     f_container_state_waiting, NULL},
    {CORE "ContainerUser", "Identity of a container's first process.", NULL, NULL, OA_OBJECT,
     f_container_user, NULL},
    {CORE "LinuxContainerUser", "Linux identity of a container's first process.", NULL, "gid uid",
     OA_OBJECT, f_linux_container_user, NULL},
    {CORE "VolumeMountStatus", "Observed state of one volume mount.", NULL, "mountPath name",
     OA_OBJECT, f_volume_mount_status, NULL},
    {CORE "HostIP", "One IP address of a node.", NULL, "ip", OA_OBJECT, f_host_ip, NULL},
    {CORE "PodIP", "One IP address of a pod.", NULL, "ip", OA_OBJECT, f_pod_ip, NULL},
    {CORE "PodResourceClaimStatus", "Which ResourceClaim was generated for a pod claim.", NULL,
     "name", OA_OBJECT, f_pod_resource_claim_status, NULL},
    {NULL, NULL, NULL, NULL, OA_OBJECT, NULL, NULL},
};
