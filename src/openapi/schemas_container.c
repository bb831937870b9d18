/*
 * schemas_container.c -- OpenAPI schema tables for core/v1 Container and
 * everything it references: ports, environment (EnvVar, EnvVarSource and
 * its selectors, envFrom), resources, volume mounts and devices, probes and
 * lifecycle handlers (exec, httpGet, tcpSocket, grpc, sleep) and the
 * container SecurityContext.  EphemeralContainer reuses the Container field
 * list and adds targetContainerName.
 *
 * Field names and types follow Kubernetes v1.32; descriptions are ours.
 * See openapi_int.h for the table format.
 */
#include "openapi/openapi_int.h"

#include <stddef.h>

#define CORE "io.k8s.api.core.v1."

static const struct oa_field f_container[] = {
    {"args", "[]string",
     "Arguments to the entrypoint; the image's CMD is used if not given. $(VAR) references to "
     "the container's environment are expanded."},
    {"command", "[]string",
     "Entrypoint array, run without a shell; the image's ENTRYPOINT is used if not given. "
     "$(VAR) references are expanded."},
    {"env", "[]EnvVar", "Environment variables to set in the container."},
    {"envFrom", "[]EnvFromSource",
     "Sources whose keys all become environment variables; env entries win on conflicts."},
    {"image", "string", "Container image name."},
    {"imagePullPolicy", "string|Always|IfNotPresent|Never",
     "When to pull the image: Always, Never or IfNotPresent. Defaults to Always for the "
     ":latest tag and IfNotPresent otherwise."},
    {"lifecycle", "Lifecycle", "Actions run by the system right after start and before stop."},
    {"livenessProbe", "Probe", "Periodic check; the container is restarted when it fails."},
    {"name", "string", "Name of the container, a DNS label unique within the pod."},
    {"ports", "[]ContainerPort",
     "Ports the container exposes. Informational; any port the process listens on is "
     "reachable."},
    {"readinessProbe", "Probe",
     "Periodic check; while it fails the container is not ready and gets no service traffic."},
    {"resizePolicy", "[]ContainerResizePolicy", "How each resource may be resized in place."},
    {"resources", "ResourceRequirements", "Compute resources requested and limited."},
    {"restartPolicy", "string|Always",
     "Only for init containers: Always makes it a sidecar that keeps running beside the app "
     "containers."},
    {"securityContext", "SecurityContext",
     "Security settings for this container; they override the pod's."},
    {"startupProbe", "Probe",
     "Check that must succeed before the other probes start; failing it restarts the "
     "container."},
    {"stdin", "bool", "Allocate a stdin buffer for the container. Defaults to false."},
    {"stdinOnce", "bool",
     "Close stdin after the first attached client disconnects. Defaults to false."},
    {"terminationMessagePath", "string",
     "File whose contents become the termination message. Defaults to /dev/termination-log."},
    {"terminationMessagePolicy", "string|FallbackToLogsOnError|File",
     "Where the termination message comes from: File (default) or FallbackToLogsOnError."},
    {"tty", "bool", "Allocate a TTY; needs stdin. Defaults to false."},
    {"volumeDevices", "[]VolumeDevice", "Raw block devices to expose in the container."},
    {"volumeMounts", "[]VolumeMount", "Pod volumes to mount into the container's filesystem."},
    {"workingDir", "string", "Working directory; defaults to the image's."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_ephemeral_container_extra[] = {
    {"targetContainerName", "string",
     "Container whose namespaces (IPC, PID...) the debugging container joins."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_env_var[] = {
    {"name", "string", "Variable name."},
    {"value", "string",
     "Literal value; $(VAR) references to earlier variables are expanded, $$(VAR) escapes. "
     "Defaults to empty."},
    {"valueFrom", "EnvVarSource", "Where to read the value from; not allowed with value."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_env_var_source[] = {
    {"configMapKeyRef", "ConfigMapKeySelector", "A key of a ConfigMap."},
    {"fieldRef", "ObjectFieldSelector",
     "A pod field: metadata.name, metadata.namespace, metadata.uid, metadata.labels['<k>'], "
     "metadata.annotations['<k>'], spec.nodeName, spec.serviceAccountName, status.hostIP, "
     "status.hostIPs, status.podIP or status.podIPs."},
    {"resourceFieldRef", "ResourceFieldSelector",
     "A resource limit or request of a container, e.g. limits.cpu or requests.memory."},
    {"secretKeyRef", "SecretKeySelector", "A key of a Secret."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_config_map_key_selector[] = {
    {"key", "string", "Key to read."},
    {"name", "string", "Name of the ConfigMap in the pod's namespace."},
    {"optional", "bool", "Whether the ConfigMap or key may be missing."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_object_field_selector[] = {
    {"apiVersion", "string", "Version the field path is written against; defaults to v1."},
    {"fieldPath", "string", "Path of the field to read."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_resource_field_selector[] = {
    {"containerName", "string", "Container to read from; required for volumes."},
    {"divisor", "Quantity", "Unit the value is divided by. Defaults to 1."},
    {"resource", "string", "Resource to read, e.g. limits.cpu."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_secret_key_selector[] = {
    {"key", "string", "Key to read."},
    {"name", "string", "Name of the Secret in the pod's namespace."},
    {"optional", "bool", "Whether the Secret or key may be missing."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_env_from_source[] = {
    {"configMapRef", "ConfigMapEnvSource", "ConfigMap whose keys become variables."},
    {"prefix", "string", "Prefix added to every variable name from this source."},
    {"secretRef", "SecretEnvSource", "Secret whose keys become variables."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_config_map_env_source[] = {
    {"name", "string", "Name of the ConfigMap in the pod's namespace."},
    {"optional", "bool", "Whether the ConfigMap may be missing."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_secret_env_source[] = {
    {"name", "string", "Name of the Secret in the pod's namespace."},
    {"optional", "bool", "Whether the Secret may be missing."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_lifecycle[] = {
    {"postStart", "LifecycleHandler",
     "Run right after the container is created; if it fails the container is restarted "
     "according to the restart policy."},
    {"preStop", "LifecycleHandler",
     "Run before the container is stopped by an API request or management event; the grace "
     "period keeps counting meanwhile."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_lifecycle_handler[] = {
    {"exec", "ExecAction", "Run a command in the container."},
    {"httpGet", "HTTPGetAction", "Send an HTTP GET request."},
    {"sleep", "SleepAction", "Wait for a number of seconds."},
    {"tcpSocket", "TCPSocketAction", "Deprecated; accepted but not carried out."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_exec_action[] = {
    {"command", "[]string",
     "Command line run in the container's root directory, without a shell. Exit status 0 "
     "means success."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_http_get_action[] = {
    {"host", "string", "Host to connect to; defaults to the pod IP."},
    {"httpHeaders", "[]HTTPHeader", "Extra request headers."},
    {"path", "string", "Path of the request."},
    {"port", "IntOrString", "Port number (1-65535) or name of a container port."},
    {"scheme", "string|HTTP|HTTPS", "HTTP (default) or HTTPS."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_http_header[] = {
    {"name", "string", "Header name."},
    {"value", "string", "Header value."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_sleep_action[] = {
    {"seconds", "int64", "Seconds to sleep."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_tcp_socket_action[] = {
    {"host", "string", "Host to connect to; defaults to the pod IP."},
    {"port", "IntOrString", "Port number (1-65535) or name of a container port."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_probe[] = {
    {"exec", "ExecAction", "Run a command in the container."},
    {"failureThreshold", "int32",
     "Consecutive failures after which the probe counts as failed. Defaults to 3."},
    {"grpc", "GRPCAction", "Call the gRPC health checking service."},
    {"httpGet", "HTTPGetAction", "Send an HTTP GET request; 2xx and 3xx are success."},
    {"initialDelaySeconds", "int32", "Seconds after container start before the first probe."},
    {"periodSeconds", "int32", "Seconds between probes. Defaults to 10."},
    {"successThreshold", "int32",
     "Consecutive successes after a failure for the probe to count as passing. Defaults to 1; "
     "must be 1 for liveness and startup."},
    {"tcpSocket", "TCPSocketAction", "Open a TCP connection."},
    {"terminationGracePeriodSeconds", "int64",
     "Grace period used when a failed probe kills the container; overrides the pod's."},
    {"timeoutSeconds", "int32", "Seconds before a probe attempt times out. Defaults to 1."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_grpc_action[] = {
    {"port", "int32", "Port of the gRPC service, 1-65535."},
    {"service", "string",
     "Service name sent in the health check request; empty checks the server as a whole."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_container_port[] = {
    {"containerPort", "int32", "Port number on the pod's IP, 1-65535."},
    {"hostIP", "string", "Host IP to bind an external port to."},
    {"hostPort", "int32",
     "Port number on the host, 1-65535. Most pods need none; with hostNetwork it must equal "
     "containerPort."},
    {"name", "string", "IANA_SVC_NAME unique within the pod; services may refer to it."},
    {"protocol", "string|SCTP|TCP|UDP", "TCP (default), UDP or SCTP."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_container_resize_policy[] = {
    {"resourceName", "string", "Resource the policy applies to: cpu or memory."},
    {"restartPolicy", "string",
     "What resizing the resource does: NotRequired (default) or RestartContainer."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_resource_requirements[] = {
    {"claims", "[]ResourceClaim", "Which of the pod's resource claims the container uses."},
    {"limits", "{}Quantity", "Most of each resource the container may use."},
    {"requests", "{}Quantity",
     "Least of each resource the container needs; used for scheduling. Defaults to limits "
     "when those are given."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_resource_claim[] = {
    {"name", "string", "Name of an entry in the pod's spec.resourceClaims."},
    {"request", "string", "Request within the claim to use; empty means all of it."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_security_context[] = {
    {"allowPrivilegeEscalation", "bool",
     "Whether a process may gain more privileges than its parent (no_new_privs unset). "
     "Always true when privileged or with CAP_SYS_ADMIN."},
    {"appArmorProfile", "AppArmorProfile", "AppArmor profile; overrides the pod's."},
    {"capabilities", "Capabilities", "Capabilities to add or drop."},
    {"privileged", "bool", "Run as privileged, equivalent to root on the host. Defaults to false."},
    {"procMount", "string|Default|Unmasked",
     "How /proc is mounted: Default masks paths, Unmasked does not."},
    {"readOnlyRootFilesystem", "bool", "Mount the container's root filesystem read-only."},
    {"runAsGroup", "int64", "Primary GID of the process; overrides the pod's."},
    {"runAsNonRoot", "bool", "Refuse to start the container if it would run as UID 0."},
    {"runAsUser", "int64", "UID of the process; overrides the pod's and the image's."},
    {"seLinuxOptions", "SELinuxOptions", "SELinux context; overrides the pod's."},
    {"seccompProfile", "SeccompProfile", "Seccomp profile; overrides the pod's."},
    {"windowsOptions", "WindowsSecurityContextOptions", "Settings for Windows containers."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_app_armor_profile[] = {
    {"localhostProfile", "string",
     "Name of a profile loaded on the node; only with type Localhost."},
    {"type", "string|Localhost|RuntimeDefault|Unconfined",
     "Localhost, RuntimeDefault or Unconfined."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_capabilities[] = {
    {"add", "[]string", "Capabilities to add, e.g. NET_ADMIN."},
    {"drop", "[]string", "Capabilities to remove, e.g. ALL."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_se_linux_options[] = {
    {"level", "string", "SELinux level label."},
    {"role", "string", "SELinux role label."},
    {"type", "string", "SELinux type label."},
    {"user", "string", "SELinux user label."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_seccomp_profile[] = {
    {"localhostProfile", "string",
     "Profile file, relative to the kubelet's seccomp directory; only with type Localhost."},
    {"type", "string|Localhost|RuntimeDefault|Unconfined",
     "Localhost, RuntimeDefault or Unconfined."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_windows_security_context_options[] = {
    {"gmsaCredentialSpec", "string", "Inline GMSA credential spec."},
    {"gmsaCredentialSpecName", "string", "Name of the GMSA credential spec to use."},
    {"hostProcess", "bool", "Run as a Windows host process container."},
    {"runAsUserName", "string", "Windows user name to run as."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_volume_device[] = {
    {"devicePath", "string", "Path inside the container the device appears at."},
    {"name", "string", "Name of a persistentVolumeClaim volume of the pod."},
    {NULL, NULL, NULL},
};

static const struct oa_field f_volume_mount[] = {
    {"mountPath", "string", "Path inside the container; must not contain ':'."},
    {"mountPropagation", "string|Bidirectional|HostToContainer|None",
     "How mounts propagate between host and container. Defaults to None."},
    {"name", "string", "Name of the pod volume to mount."},
    {"readOnly", "bool", "Mount read-only. Defaults to false."},
    {"recursiveReadOnly", "string|Disabled|Enabled|IfPossible",
     "Whether read-only also applies to submounts: Disabled, IfPossible or Enabled."},
    {"subPath", "string", "Path within the volume to mount instead of its root."},
    {"subPathExpr", "string",
     "Like subPath, but $(VAR) references to the container's environment are expanded."},
    {NULL, NULL, NULL},
};

const struct oa_type openapi__types_container[] = {
    {CORE "Container", "A single application container of a pod.", NULL, "name", OA_OBJECT,
     f_container, NULL},
    {CORE "EphemeralContainer",
     "A temporary container added to a running pod, e.g. for debugging. It is never "
     "restarted and gets no resources, ports or probes.",
     NULL, "name", OA_OBJECT, f_container, f_ephemeral_container_extra},
    {CORE "EnvVar", "An environment variable of a container.", NULL, "name", OA_OBJECT, f_env_var,
     NULL},
    {CORE "EnvVarSource", "Where an environment variable's value comes from.", NULL, NULL,
     OA_OBJECT, f_env_var_source, NULL},
    {CORE "ConfigMapKeySelector", "Selects one key of a ConfigMap.", NULL, "key", OA_OBJECT,
     f_config_map_key_selector, NULL},
    {CORE "ObjectFieldSelector", "Selects a field of the pod.", NULL, "fieldPath", OA_OBJECT,
     f_object_field_selector, NULL},
    {CORE "ResourceFieldSelector", "Selects a container resource and its unit.", NULL, "resource",
     OA_OBJECT, f_resource_field_selector, NULL},
    {CORE "SecretKeySelector", "Selects one key of a Secret.", NULL, "key", OA_OBJECT,
     f_secret_key_selector, NULL},
    {CORE "EnvFromSource", "A source of many environment variables.", NULL, NULL, OA_OBJECT,
     f_env_from_source, NULL},
    {CORE "ConfigMapEnvSource", "A ConfigMap whose data becomes environment variables.", NULL, NULL,
     OA_OBJECT, f_config_map_env_source, NULL},
    {CORE "SecretEnvSource", "A Secret whose data becomes environment variables.", NULL, NULL,
     OA_OBJECT, f_secret_env_source, NULL},
    {CORE "Lifecycle", "Hooks run at container start and stop.", NULL, NULL, OA_OBJECT, f_lifecycle,
     NULL},
    {CORE "LifecycleHandler", "One hook action; exactly one field is set.", NULL, NULL, OA_OBJECT,
     f_lifecycle_handler, NULL},
    {CORE "ExecAction", "Runs a command in the container.", NULL, NULL, OA_OBJECT, f_exec_action,
     NULL},
    {CORE "HTTPGetAction", "Sends an HTTP GET request.", NULL, "port", OA_OBJECT, f_http_get_action,
     NULL},
    {CORE "HTTPHeader", "An HTTP header.", NULL, "name value", OA_OBJECT, f_http_header, NULL},
    {CORE "SleepAction", "Waits for some time.", NULL, "seconds", OA_OBJECT, f_sleep_action, NULL},
    {CORE "TCPSocketAction", "Opens a TCP connection.", NULL, "port", OA_OBJECT,
     f_tcp_socket_action, NULL},
    {CORE "Probe", "A periodic health check of a container; exactly one action is set.", NULL, NULL,
     OA_OBJECT, f_probe, NULL},
    {CORE "GRPCAction", "Calls the standard gRPC health service.", NULL, "port", OA_OBJECT,
     f_grpc_action, NULL},
    {CORE "ContainerPort", "A network port of a container.", NULL, "containerPort", OA_OBJECT,
     f_container_port, NULL},
    {CORE "ContainerResizePolicy", "How one resource of a container may be resized.", NULL,
     "resourceName restartPolicy", OA_OBJECT, f_container_resize_policy, NULL},
    {CORE "ResourceRequirements", "Compute resources a container requests and is limited to.", NULL,
     NULL, OA_OBJECT, f_resource_requirements, NULL},
    {CORE "ResourceClaim", "Use of one pod resource claim by a container.", NULL, "name", OA_OBJECT,
     f_resource_claim, NULL},
    {CORE "SecurityContext", "Security settings of a container.", NULL, NULL, OA_OBJECT,
     f_security_context, NULL},
    {CORE "AppArmorProfile", "An AppArmor profile choice.", NULL, "type", OA_OBJECT,
     f_app_armor_profile, NULL},
    {CORE "Capabilities", "Linux capabilities to add and drop.", NULL, NULL, OA_OBJECT,
     f_capabilities, NULL},
    {CORE "SELinuxOptions", "SELinux labels for a container.", NULL, NULL, OA_OBJECT,
     f_se_linux_options, NULL},
    {CORE "SeccompProfile", "A seccomp profile choice.", NULL, "type", OA_OBJECT, f_seccomp_profile,
     NULL},
    {CORE "WindowsSecurityContextOptions", "Windows-specific security settings.", NULL, NULL,
     OA_OBJECT, f_windows_security_context_options, NULL},
    {CORE "VolumeDevice", "A raw block device mapped into a container.", NULL, "devicePath name",
     OA_OBJECT, f_volume_device, NULL},
    {CORE "VolumeMount", "Mounts a pod volume into a container.", NULL, "mountPath name", OA_OBJECT,
     f_volume_mount, NULL},
    {NULL, NULL, NULL, NULL, OA_OBJECT, NULL, NULL},
};
