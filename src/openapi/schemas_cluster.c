/*
 * schemas_cluster.c -- OpenAPI schema tables for the cluster-level core/v1
 * kinds everynode serves besides Pod: Node (spec, taints, status with
 * conditions, addresses, system info, daemon endpoints and images),
 * Namespace, Event (with ObjectReference, EventSource, EventSeries) and
 * Service, plus coordination.k8s.io/v1 Lease used for node heartbeats.
 *
 * Field names and types follow Kubernetes v1.32; descriptions are ours.
 * See openapi_int.h for the table format.
 */
#include "openapi/openapi_int.h"

#include <stddef.h>

#define CORE "io.k8s.api.core.v1."
#define COORD "io.k8s.api.coordination.v1."

/* ---- Node -------------------------------------------------------------- */

static const struct oa_field f_node[] = {
    {"apiVersion", "string", "Versioned schema of this object: v1."},
    {"kind", "string", "Kind of this object: Node."},
    {"metadata", "ObjectMeta", "Standard object metadata."},
    {"spec", "NodeSpec", "How the node is configured for scheduling."},
    {"status", "NodeStatus", "Most recently observed state of the node. Read-only."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_spec[] = {
    {"configSource", "NodeConfigSource", "Deprecated dynamic kubelet configuration; ignored."},
    {"externalID", "string", "Deprecated; not used."},
    {"podCIDR", "string", "IP range assigned to the node for pod addresses."},
    {"podCIDRs", "[]string",
     "IP ranges assigned to the node, at most one per address family; the first equals "
     "podCIDR."},
    {"providerID", "string", "Node ID given by the cloud provider: <provider>://<id>."},
    {"taints", "[]Taint", "Taints that repel pods not tolerating them."},
    {"unschedulable", "bool",
     "If true, no new pods are scheduled onto the node (cordoned). Defaults to false."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_config_source[] = {
    {"configMap", "ConfigMapNodeConfigSource", "ConfigMap holding the configuration."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_config_map_node_config_source[] = {
    {"kubeletConfigKey", "string", "Key of the ConfigMap holding the kubelet configuration."},
    {"name", "string", "Name of the ConfigMap."},
    {"namespace", "string", "Namespace of the ConfigMap."},
    {"resourceVersion", "string", "Version of the ConfigMap seen; status only."},
    {"uid", "string", "UID of the ConfigMap seen; status only."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_taint[] = {
    {"effect", "string|NoExecute|NoSchedule|PreferNoSchedule",
     "What happens to pods that do not tolerate the taint: NoSchedule, PreferNoSchedule or "
     "NoExecute (evicts running pods)."},
    {"key", "string", "Taint key."},
    {"timeAdded", "Time", "When a NoExecute taint was added."},
    {"value", "string", "Taint value."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_status[] = {
    {"addresses", "[]NodeAddress", "Addresses at which the node can be reached."},
    {"allocatable", "{}Quantity",
     "Resources available to pods: capacity minus what is reserved for the system."},
    {"capacity", "{}Quantity", "Total resources of the node."},
    {"conditions", "[]NodeCondition", "Current observations, e.g. Ready and pressure types."},
    {"config", "NodeConfigStatus", "Status of the deprecated dynamic kubelet configuration."},
    {"daemonEndpoints", "NodeDaemonEndpoints", "Ports of the daemons running on the node."},
    {"features", "NodeFeatures", "Optional features the node implements."},
    {"images", "[]ContainerImage", "Container images present on the node."},
    {"nodeInfo", "NodeSystemInfo", "Identity and software versions of the node."},
    {"phase", "string|Pending|Running|Terminated", "Deprecated lifecycle phase; not set."},
    {"runtimeHandlers", "[]NodeRuntimeHandler", "Runtime handlers the node offers."},
    {"volumesAttached", "[]AttachedVolume", "Volumes attached to the node."},
    {"volumesInUse", "[]string", "Attachable volumes in use (mounted) on the node."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_address[] = {
    {"address", "string", "The address."},
    {"type", "string", "Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_condition[] = {
    {"lastHeartbeatTime", "Time", "When the condition was last reported."},
    {"lastTransitionTime", "Time", "When the condition last changed status."},
    {"message", "string", "Human-readable details of the last transition."},
    {"reason", "string", "CamelCase reason for the last transition."},
    {"status", "string", "True, False or Unknown."},
    {"type", "string",
     "Type of condition, e.g. Ready, MemoryPressure, DiskPressure, PIDPressure, "
     "NetworkUnavailable."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_config_status[] = {
    {"active", "NodeConfigSource", "Configuration the node runs with."},
    {"assigned", "NodeConfigSource", "Configuration the node was told to use."},
    {"error", "string", "Problem applying the configuration, if any."},
    {"lastKnownGood", "NodeConfigSource", "Configuration to fall back to."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_daemon_endpoints[] = {
    {"kubeletEndpoint", "DaemonEndpoint", "Port the node agent (kubelet) listens on."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_daemon_endpoint[] = {
    {"Port", "int32", "Port number."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_features[] = {
    {"supplementalGroupsPolicy", "bool",
     "Whether the node honours a pod's supplementalGroupsPolicy."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_container_image[] = {
    {"names", "[]string", "Names (tags and digests) of the image."},
    {"sizeBytes", "int64", "Size of the image in bytes."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_system_info[] = {
    {"architecture", "string", "CPU architecture, e.g. amd64."},
    {"bootID", "string", "ID of the current boot."},
    {"containerRuntimeVersion", "string", "Container runtime and version, <name>://<version>."},
    {"kernelVersion", "string", "Kernel release (uname -r)."},
    {"kubeProxyVersion", "string", "Deprecated version of kube-proxy; unreliable."},
    {"kubeletVersion", "string", "Version of the node agent."},
    {"machineID", "string", "Machine ID of the host (/etc/machine-id)."},
    {"operatingSystem", "string", "Operating system, e.g. linux."},
    {"osImage", "string", "Operating system image (/etc/os-release PRETTY_NAME)."},
    {"systemUUID", "string", "Hardware UUID of the machine."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_runtime_handler[] = {
    {"features", "NodeRuntimeHandlerFeatures", "Features the handler supports."},
    {"name", "string", "Handler name; empty for the default one."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_runtime_handler_features[] = {
    {"recursiveReadOnlyMounts", "bool", "Whether recursive read-only mounts work."},
    {"userNamespaces", "bool", "Whether pods may have their own user namespace."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_attached_volume[] = {
    {"devicePath", "string", "Device path where the volume should be available."},
    {"name", "string", "Name of the attached volume."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_node_list[] = {
    {"apiVersion", "string", "Versioned schema of this object: v1."},
    {"items", "[]Node", "The nodes."},
    {"kind", "string", "Kind of this object: NodeList."},
    {"metadata", "ListMeta", "Standard list metadata."},
    {NULL, NULL, NULL},
};

/* ---- Namespace --------------------------------------------------------- */

static const struct oa_field f_namespace[] = {
    {"apiVersion", "string", "Versioned schema of this object: v1."},
    {"kind", "string", "Kind of this object: Namespace."},
    {"metadata", "ObjectMeta", "Standard object metadata."},
    {"spec", "NamespaceSpec", "Behaviour of the namespace."},
    {"status", "NamespaceStatus", "Observed state of the namespace. Read-only."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_namespace_spec[] = {
    {"finalizers", "[]string", "Cleanup steps that must finish before the namespace is removed."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_namespace_status[] = {
    {"conditions", "[]NamespaceCondition", "Latest observations of the namespace's state."},
    {"phase", "string|Active|Terminating", "Active, or Terminating while being deleted."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_namespace_condition[] = {
    {"lastTransitionTime", "Time", "When the condition last changed status."},
    {"message", "string", "Human-readable details."},
    {"reason", "string", "CamelCase reason."},
    {"status", "string", "True, False or Unknown."},
    {"type", "string", "Type of condition, e.g. NamespaceContentRemaining."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_namespace_list[] = {
    {"apiVersion", "string", "Versioned schema of this object: v1."},
    {"items", "[]Namespace", "The namespaces."},
    {"kind", "string", "Kind of this object: NamespaceList."},
    {"metadata", "ListMeta", "Standard list metadata."},
    {NULL, NULL, NULL},
};

/* ---- Event ------------------------------------------------------------- */

static const struct oa_field f_event[] = {
    {"action", "string", "What was done (or failed to be done) to the involved object."},
    {"apiVersion", "string", "Versioned schema of this object: v1."},
    {"count", "int32", "How many times the event occurred."},
    {"eventTime", "MicroTime", "When the event was first seen, with microseconds."},
    {"firstTimestamp", "Time", "When the event was first recorded."},
    {"involvedObject", "ObjectReference", "The object the event is about."},
    {"kind", "string", "Kind of this object: Event."},
    {"lastTimestamp", "Time", "When the event most recently occurred."},
    {"message", "string", "Human-readable description."},
    {"metadata", "ObjectMeta", "Standard object metadata."},
    {"reason", "string", "Short CamelCase reason, e.g. SuccessfulCreate."},
    {"related", "ObjectReference", "A second object involved, if any."},
    {"reportingComponent", "string", "Component that reported the event, e.g. a controller."},
    {"reportingInstance", "string", "Instance of the reporting component, e.g. a host name."},
    {"series", "EventSeries", "Data about a series of repeated events, if any."},
    {"source", "EventSource", "Component and host that reported the event."},
    {"type", "string|Normal|Warning", "Normal or Warning."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_object_reference[] = {
    {"apiVersion", "string", "API version of the referent."},
    {"fieldPath", "string",
     "Part of the object meant, e.g. spec.containers{nginx} for one container."},
    {"kind", "string", "Kind of the referent."},
    {"name", "string", "Name of the referent."},
    {"namespace", "string", "Namespace of the referent."},
    {"resourceVersion", "string", "Version of the referent the reference was made to."},
    {"uid", "string", "UID of the referent."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_event_series[] = {
    {"count", "int32", "Occurrences in the series so far."},
    {"lastObservedTime", "MicroTime", "When the latest occurrence was seen."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_event_source[] = {
    {"component", "string", "Component that produced the event."},
    {"host", "string", "Node on which the event was produced."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_event_list[] = {
    {"apiVersion", "string", "Versioned schema of this object: v1."},
    {"items", "[]Event", "The events."},
    {"kind", "string", "Kind of this object: EventList."},
    {"metadata", "ListMeta", "Standard list metadata."},
    {NULL, NULL, NULL},
};

/* ---- Service ----------------------------------------------------------- */

static const struct oa_field f_service[] = {
    {"apiVersion", "string", "Versioned schema of this object: v1."},
    {"kind", "string", "Kind of this object: Service."},
    {"metadata", "ObjectMeta", "Standard object metadata."},
    {"spec", "ServiceSpec", "Desired behaviour of the service."},
    {"status", "ServiceStatus", "Most recently observed state of the service. Read-only."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_service_spec[] = {
    {"allocateLoadBalancerNodePorts", "bool",
     "Whether node ports are allocated for a LoadBalancer service. Defaults to true."},
    {"clusterIP", "string",
     "Virtual IP of the service; allocated when empty, None for a headless service."},
    {"clusterIPs", "[]string", "Virtual IPs, one per address family; the first is clusterIP."},
    {"externalIPs", "[]string", "Extra IPs on which nodes accept traffic for the service."},
    {"externalName", "string", "DNS name returned as a CNAME for an ExternalName service."},
    {"externalTrafficPolicy", "string|Cluster|Local",
     "Whether external traffic may go to endpoints on other nodes (Cluster) or only local "
     "ones (Local)."},
    {"healthCheckNodePort", "int32",
     "Node port for load balancer health checks with the Local traffic policy."},
    {"internalTrafficPolicy", "string|Cluster|Local",
     "Whether in-cluster traffic may go to any endpoint (Cluster) or only to ones on the "
     "same node (Local)."},
    {"ipFamilies", "[]string", "Address families of the service: IPv4, IPv6."},
    {"ipFamilyPolicy", "string|PreferDualStack|RequireDualStack|SingleStack",
     "SingleStack, PreferDualStack or RequireDualStack."},
    {"loadBalancerClass", "string", "Load balancer implementation to use."},
    {"loadBalancerIP", "string", "Deprecated requested load balancer IP."},
    {"loadBalancerSourceRanges", "[]string", "Client CIDRs allowed through the load balancer."},
    {"ports", "[]ServicePort", "Ports the service exposes."},
    {"publishNotReadyAddresses", "bool",
     "Include endpoints of pods that are not ready. Defaults to false."},
    {"selector", "{}string", "Labels of the pods traffic is routed to."},
    {"sessionAffinity", "string|ClientIP|None",
     "ClientIP keeps a client on one endpoint; None (default) does not."},
    {"sessionAffinityConfig", "SessionAffinityConfig", "Settings of the session affinity."},
    {"trafficDistribution", "string", "Preference for how traffic is spread, e.g. PreferClose."},
    {"type", "string|ClusterIP|ExternalName|LoadBalancer|NodePort",
     "ClusterIP (default), NodePort, LoadBalancer or ExternalName."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_service_port[] = {
    {"appProtocol", "string", "Application protocol of the port, e.g. http."},
    {"name", "string", "Name of the port; required when there are several."},
    {"nodePort", "int32", "Port on every node for NodePort and LoadBalancer services."},
    {"port", "int32", "Port the service exposes."},
    {"protocol", "string|SCTP|TCP|UDP", "TCP (default), UDP or SCTP."},
    {"targetPort", "IntOrString", "Port number or name on the pods; defaults to port."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_session_affinity_config[] = {
    {"clientIP", "ClientIPConfig", "Settings of ClientIP affinity."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_client_ip_config[] = {
    {"timeoutSeconds", "int32", "How long the affinity lasts. Defaults to 10800 (3 hours)."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_service_status[] = {
    {"conditions", "[]Condition", "Current observations of the service's state."},
    {"loadBalancer", "LoadBalancerStatus", "State of the load balancer, if any."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_load_balancer_status[] = {
    {"ingress", "[]LoadBalancerIngress", "Entry points of the load balancer."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_load_balancer_ingress[] = {
    {"hostname", "string", "DNS name of the entry point."},
    {"ip", "string", "IP address of the entry point."},
    {"ipMode", "string", "How traffic reaches the IP: VIP or Proxy."},
    {"ports", "[]PortStatus", "Status of each service port."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_port_status[] = {
    {"error", "string", "Problem with the port, if any."},
    {"port", "int32", "Port number."},
    {"protocol", "string|SCTP|TCP|UDP", "TCP, UDP or SCTP."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_service_list[] = {
    {"apiVersion", "string", "Versioned schema of this object: v1."},
    {"items", "[]Service", "The services."},
    {"kind", "string", "Kind of this object: ServiceList."},
    {"metadata", "ListMeta", "Standard list metadata."},
    {NULL, NULL, NULL},
};

/* ---- ServiceAccount ---------------------------------------------------- */

static const struct oa_field f_service_account[] = {
    {"apiVersion", "string", "Versioned schema of this object: v1."},
    {"automountServiceAccountToken", "bool",
     "Whether pods using this account get an API token mounted by default."},
    {"imagePullSecrets", "[]LocalObjectReference",
     "Secrets pods using this account pull their images with."},
    {"kind", "string", "Kind of this object: ServiceAccount."},
    {"metadata", "ObjectMeta", "Standard object metadata."},
    {"secrets", "[]ObjectReference", "Secrets this account may use."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_service_account_list[] = {
    {"apiVersion", "string", "Versioned schema of this object: v1."},
    {"items", "[]ServiceAccount", "The service accounts."},
    {"kind", "string", "Kind of this object: ServiceAccountList."},
    {"metadata", "ListMeta", "Standard list metadata."},
    {NULL, NULL, NULL},
};

/* ---- Lease ------------------------------------------------------------- */

static const struct oa_field f_lease[] = {
    {"apiVersion", "string", "Versioned schema of this object: coordination.k8s.io/v1."},
    {"kind", "string", "Kind of this object: Lease."},
    {"metadata", "ObjectMeta", "Standard object metadata."},
    {"spec", "LeaseSpec", "Holder and timing of the lease."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_lease_spec[] = {
    {"acquireTime", "MicroTime", "When the current holder acquired the lease."},
    {"holderIdentity", "string", "Identity of the current holder."},
    {"leaseDurationSeconds", "int32",
     "How long other candidates wait after the last renewal before taking the lease over."},
    {"leaseTransitions", "int32", "How many times the lease has changed holder."},
    {"preferredHolder", "string", "Holder the lease should pass to next, if any."},
    {"renewTime", "MicroTime", "When the holder last renewed the lease."},
    {"strategy", "string", "How the holder is chosen in coordinated elections."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_lease_list[] = {
    {"apiVersion", "string", "Versioned schema of this object: coordination.k8s.io/v1."},
    {"items", "[]Lease", "The leases."},
    {"kind", "string", "Kind of this object: LeaseList."},
    {"metadata", "ListMeta", "Standard list metadata."},
    {NULL, NULL, NULL},
};

const struct oa_type openapi__types_cluster[] = {
    {CORE "Node", "A worker machine that runs pods.", "/v1/Node", NULL, OA_OBJECT, f_node, NULL},
    {CORE "NodeSpec", "Configuration of a node.", NULL, NULL, OA_OBJECT, f_node_spec, NULL},
    {CORE "NodeConfigSource", "Deprecated source of dynamic kubelet configuration.", NULL, NULL,
     OA_OBJECT, f_node_config_source, NULL},
    {CORE "ConfigMapNodeConfigSource", "A ConfigMap holding kubelet configuration.", NULL,
     "kubeletConfigKey name namespace", OA_OBJECT, f_config_map_node_config_source, NULL},
    {CORE "Taint", "Marks a node so that pods not tolerating the taint stay away (or are evicted).",
     NULL, "effect key", OA_OBJECT, f_taint, NULL},
    {CORE "NodeStatus", "Observed state of a node.", NULL, NULL, OA_OBJECT, f_node_status, NULL},
    {CORE "NodeAddress", "One address of a node.", NULL, "address type", OA_OBJECT, f_node_address,
     NULL},
    {CORE "NodeCondition", "One observation of a node's state.", NULL, "status type", OA_OBJECT,
     f_node_condition, NULL},
    {CORE "NodeConfigStatus", "Status of dynamic kubelet configuration.", NULL, NULL, OA_OBJECT,
     f_node_config_status, NULL},
    {CORE "NodeDaemonEndpoints", "Ports of daemons on a node.", NULL, NULL, OA_OBJECT,
     f_node_daemon_endpoints, NULL},
    {CORE "DaemonEndpoint", "A daemon's port.", NULL, "Port", OA_OBJECT, f_daemon_endpoint, NULL},
    {CORE "NodeFeatures", "Optional features a node implements.", NULL, NULL, OA_OBJECT,
     f_node_features, NULL},
    {CORE "ContainerImage", "An image present on a node.", NULL, NULL, OA_OBJECT, f_container_image,
     NULL},
    {CORE "NodeSystemInfo", "Identity and software versions of a node.", NULL,
     "architecture bootID containerRuntimeVersion kernelVersion kubeProxyVersion "
     "kubeletVersion machineID operatingSystem osImage systemUUID",
     OA_OBJECT, f_node_system_info, NULL},
    {CORE "NodeRuntimeHandler", "A runtime handler offered by a node.", NULL, NULL, OA_OBJECT,
     f_node_runtime_handler, NULL},
    {CORE "NodeRuntimeHandlerFeatures", "Features of a runtime handler.", NULL, NULL, OA_OBJECT,
     f_node_runtime_handler_features, NULL},
    {CORE "AttachedVolume", "A volume attached to a node.", NULL, "devicePath name", OA_OBJECT,
     f_attached_volume, NULL},
    {CORE "NodeList", "A list of nodes.", "/v1/NodeList", "items", OA_OBJECT, f_node_list, NULL},
    {CORE "Namespace", "A scope for names; most objects live in one.", "/v1/Namespace", NULL,
     OA_OBJECT, f_namespace, NULL},
    {CORE "NamespaceSpec", "Behaviour of a namespace.", NULL, NULL, OA_OBJECT, f_namespace_spec,
     NULL},
    {CORE "NamespaceStatus", "Observed state of a namespace.", NULL, NULL, OA_OBJECT,
     f_namespace_status, NULL},
    {CORE "NamespaceCondition", "One observation of a namespace's state.", NULL, "status type",
     OA_OBJECT, f_namespace_condition, NULL},
    {CORE "NamespaceList", "A list of namespaces.", "/v1/NamespaceList", "items", OA_OBJECT,
     f_namespace_list, NULL},
    {CORE "Event", "A report of something that happened to an object.", "/v1/Event",
     "involvedObject metadata", OA_OBJECT, f_event, NULL},
    {CORE "ObjectReference", "Refers to any object, possibly to a part of it.", NULL, NULL,
     OA_OBJECT, f_object_reference, NULL},
    {CORE "EventSeries", "A series of repeated events.", NULL, NULL, OA_OBJECT, f_event_series,
     NULL},
    {CORE "EventSource", "Where an event came from.", NULL, NULL, OA_OBJECT, f_event_source, NULL},
    {CORE "EventList", "A list of events.", "/v1/EventList", "items", OA_OBJECT, f_event_list,
     NULL},
    {CORE "Service", "A stable name and address in front of a set of pods.", "/v1/Service", NULL,
     OA_OBJECT, f_service, NULL},
    {CORE "ServiceSpec", "Desired state of a service.", NULL, NULL, OA_OBJECT, f_service_spec,
     NULL},
    {CORE "ServicePort", "One port of a service.", NULL, "port", OA_OBJECT, f_service_port, NULL},
    {CORE "SessionAffinityConfig", "Session affinity settings.", NULL, NULL, OA_OBJECT,
     f_session_affinity_config, NULL},
    {CORE "ClientIPConfig", "ClientIP session affinity settings.", NULL, NULL, OA_OBJECT,
     f_client_ip_config, NULL},
    {CORE "ServiceStatus", "Observed state of a service.", NULL, NULL, OA_OBJECT, f_service_status,
     NULL},
    {CORE "LoadBalancerStatus", "State of a load balancer.", NULL, NULL, OA_OBJECT,
     f_load_balancer_status, NULL},
    {CORE "LoadBalancerIngress", "One entry point of a load balancer.", NULL, NULL, OA_OBJECT,
     f_load_balancer_ingress, NULL},
    {CORE "PortStatus", "Status of one service port.", NULL, "port protocol", OA_OBJECT,
     f_port_status, NULL},
    {CORE "ServiceList", "A list of services.", "/v1/ServiceList", "items", OA_OBJECT,
     f_service_list, NULL},
    {CORE "ServiceAccount", "An identity for processes that run in pods.", "/v1/ServiceAccount",
     NULL, OA_OBJECT, f_service_account, NULL},
    {CORE "ServiceAccountList", "A list of service accounts.", "/v1/ServiceAccountList", "items",
     OA_OBJECT, f_service_account_list, NULL},
    {COORD "Lease", "A lease held by one party at a time, e.g. a node's heartbeat.",
     "coordination.k8s.io/v1/Lease", NULL, OA_OBJECT, f_lease, NULL},
    {COORD "LeaseSpec", "Holder and timing of a lease.", NULL, NULL, OA_OBJECT, f_lease_spec, NULL},
    {COORD "LeaseList", "A list of leases.", "coordination.k8s.io/v1/LeaseList", "items", OA_OBJECT,
     f_lease_list, NULL},
    {NULL, NULL, NULL, NULL, OA_OBJECT, NULL, NULL},
};
