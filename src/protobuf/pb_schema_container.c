/*
 * pb_schema_container.c -- protobuf message descriptors for core/v1
 * Container and EphemeralContainer with everything they hold: ports, env
 * and envFrom, resources, volume mounts, probes, lifecycle hooks and the
 * security context, for PodSpec (pb_schema_pod.c).
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

/* ---- core/v1 containers ------------------------------------------------ */

static const struct pb_field f_container_port[] = {
    {1, "name", PB_STRING, OMIT, NULL},      {2, "hostPort", PB_INT32, OMIT, NULL},
    {3, "containerPort", PB_INT32, 0, NULL}, {4, "protocol", PB_STRING, OMIT, NULL},
    {5, "hostIP", PB_STRING, OMIT, NULL},    PB_FIELDS_END,
};
static const struct pb_msg m_container_port = {"ContainerPort", f_container_port};

static const struct pb_field f_config_map_env_source[] = {
    {1, "localObjectReference", PB_MESSAGE, INLINE, &pb__m_local_object_reference},
    {2, "optional", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_config_map_env_source = {"ConfigMapEnvSource",
                                                      f_config_map_env_source};

static const struct pb_field f_secret_env_source[] = {
    {1, "localObjectReference", PB_MESSAGE, INLINE, &pb__m_local_object_reference},
    {2, "optional", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_secret_env_source = {"SecretEnvSource", f_secret_env_source};

static const struct pb_field f_env_from_source[] = {
    {1, "prefix", PB_STRING, OMIT, NULL},
    {2, "configMapRef", PB_MESSAGE, OMIT | PTR, &m_config_map_env_source},
    {3, "secretRef", PB_MESSAGE, OMIT | PTR, &m_secret_env_source},
    PB_FIELDS_END,
};
static const struct pb_msg m_env_from_source = {"EnvFromSource", f_env_from_source};

static const struct pb_field f_config_map_key_selector[] = {
    {1, "localObjectReference", PB_MESSAGE, INLINE, &pb__m_local_object_reference},
    {2, "key", PB_STRING, 0, NULL},
    {3, "optional", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_config_map_key_selector = {"ConfigMapKeySelector",
                                                        f_config_map_key_selector};

static const struct pb_field f_secret_key_selector[] = {
    {1, "localObjectReference", PB_MESSAGE, INLINE, &pb__m_local_object_reference},
    {2, "key", PB_STRING, 0, NULL},
    {3, "optional", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_secret_key_selector = {"SecretKeySelector", f_secret_key_selector};

static const struct pb_field f_file_key_selector[] = {
    {1, "volumeName", PB_STRING, 0, NULL},
    {2, "path", PB_STRING, 0, NULL},
    {3, "key", PB_STRING, 0, NULL},
    {4, "optional", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_file_key_selector = {"FileKeySelector", f_file_key_selector};

static const struct pb_field f_env_var_source[] = {
    {1, "fieldRef", PB_MESSAGE, OMIT | PTR, &pb__m_object_field_selector},
    {2, "resourceFieldRef", PB_MESSAGE, OMIT | PTR, &pb__m_resource_field_selector},
    {3, "configMapKeyRef", PB_MESSAGE, OMIT | PTR, &m_config_map_key_selector},
    {4, "secretKeyRef", PB_MESSAGE, OMIT | PTR, &m_secret_key_selector},
    {5, "fileKeyRef", PB_MESSAGE, OMIT | PTR, &m_file_key_selector},
    PB_FIELDS_END,
};
static const struct pb_msg m_env_var_source = {"EnvVarSource", f_env_var_source};

static const struct pb_field f_env_var[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "value", PB_STRING, OMIT, NULL},
    {3, "valueFrom", PB_MESSAGE, OMIT | PTR, &m_env_var_source},
    PB_FIELDS_END,
};
static const struct pb_msg m_env_var = {"EnvVar", f_env_var};

static const struct pb_field f_resource_claim[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "request", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_resource_claim = {"ResourceClaim", f_resource_claim};

static const struct pb_field f_resource_requirements[] = {
    {1, "limits", PB_MAP, OMIT, &pb__m_quantity_entry},
    {2, "requests", PB_MAP, OMIT, &pb__m_quantity_entry},
    {3, "claims", PB_MESSAGE, REP | OMIT, &m_resource_claim},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_resource_requirements = {"ResourceRequirements", f_resource_requirements};

static const struct pb_field f_container_resize_policy[] = {
    {1, "resourceName", PB_STRING, 0, NULL},
    {2, "restartPolicy", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_container_resize_policy = {"ContainerResizePolicy",
                                                        f_container_resize_policy};

static const struct pb_field f_container_restart_rule_on_exit_codes[] = {
    {1, "operator", PB_STRING, OMIT, NULL},
    {2, "values", PB_INT32, REP | OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_container_restart_rule_on_exit_codes = {
    "ContainerRestartRuleOnExitCodes", f_container_restart_rule_on_exit_codes};

static const struct pb_field f_container_restart_rule[] = {
    {1, "action", PB_STRING, OMIT, NULL},
    {2, "exitCodes", PB_MESSAGE, OMIT | PTR, &m_container_restart_rule_on_exit_codes},
    PB_FIELDS_END,
};
static const struct pb_msg m_container_restart_rule = {"ContainerRestartRule",
                                                       f_container_restart_rule};

static const struct pb_field f_volume_mount[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "readOnly", PB_BOOL, OMIT, NULL},
    {7, "recursiveReadOnly", PB_STRING, OMIT | PTR, NULL},
    {3, "mountPath", PB_STRING, 0, NULL},
    {4, "subPath", PB_STRING, OMIT, NULL},
    {5, "mountPropagation", PB_STRING, OMIT | PTR, NULL},
    {6, "subPathExpr", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_volume_mount = {"VolumeMount", f_volume_mount};

static const struct pb_field f_volume_device[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "devicePath", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_volume_device = {"VolumeDevice", f_volume_device};

static const struct pb_field f_exec_action[] = {
    {1, "command", PB_STRING, REP | OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_exec_action = {"ExecAction", f_exec_action};

static const struct pb_field f_http_header[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "value", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_http_header = {"HTTPHeader", f_http_header};

static const struct pb_field f_http_get_action[] = {
    {1, "path", PB_STRING, OMIT, NULL},
    {2, "port", PB_INTORSTR, 0, NULL},
    {3, "host", PB_STRING, OMIT, NULL},
    {4, "scheme", PB_STRING, OMIT, NULL},
    {5, "httpHeaders", PB_MESSAGE, REP | OMIT, &m_http_header},
    PB_FIELDS_END,
};
static const struct pb_msg m_http_get_action = {"HTTPGetAction", f_http_get_action};

static const struct pb_field f_tcp_socket_action[] = {
    {1, "port", PB_INTORSTR, 0, NULL},
    {2, "host", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_tcp_socket_action = {"TCPSocketAction", f_tcp_socket_action};

static const struct pb_field f_grpc_action[] = {
    {1, "port", PB_INT32, 0, NULL},
    {2, "service", PB_STRING, PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_grpc_action = {"GRPCAction", f_grpc_action};

static const struct pb_field f_probe_handler[] = {
    {1, "exec", PB_MESSAGE, OMIT | PTR, &m_exec_action},
    {2, "httpGet", PB_MESSAGE, OMIT | PTR, &m_http_get_action},
    {3, "tcpSocket", PB_MESSAGE, OMIT | PTR, &m_tcp_socket_action},
    {4, "grpc", PB_MESSAGE, OMIT | PTR, &m_grpc_action},
    PB_FIELDS_END,
};
static const struct pb_msg m_probe_handler = {"ProbeHandler", f_probe_handler};

static const struct pb_field f_probe[] = {
    {1, "handler", PB_MESSAGE, INLINE, &m_probe_handler},
    {2, "initialDelaySeconds", PB_INT32, OMIT, NULL},
    {3, "timeoutSeconds", PB_INT32, OMIT, NULL},
    {4, "periodSeconds", PB_INT32, OMIT, NULL},
    {5, "successThreshold", PB_INT32, OMIT, NULL},
    {6, "failureThreshold", PB_INT32, OMIT, NULL},
    {7, "terminationGracePeriodSeconds", PB_INT64, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_probe = {"Probe", f_probe};

static const struct pb_field f_sleep_action[] = {
    {1, "seconds", PB_INT64, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_sleep_action = {"SleepAction", f_sleep_action};

static const struct pb_field f_lifecycle_handler[] = {
    {1, "exec", PB_MESSAGE, OMIT | PTR, &m_exec_action},
    {2, "httpGet", PB_MESSAGE, OMIT | PTR, &m_http_get_action},
    {3, "tcpSocket", PB_MESSAGE, OMIT | PTR, &m_tcp_socket_action},
    {4, "sleep", PB_MESSAGE, OMIT | PTR, &m_sleep_action},
    PB_FIELDS_END,
};
static const struct pb_msg m_lifecycle_handler = {"LifecycleHandler", f_lifecycle_handler};

static const struct pb_field f_lifecycle[] = {
    {1, "postStart", PB_MESSAGE, OMIT | PTR, &m_lifecycle_handler},
    {2, "preStop", PB_MESSAGE, OMIT | PTR, &m_lifecycle_handler},
    {3, "stopSignal", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_lifecycle = {"Lifecycle", f_lifecycle};

static const struct pb_field f_capabilities[] = {
    {1, "add", PB_STRING, REP | OMIT, NULL},
    {2, "drop", PB_STRING, REP | OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_capabilities = {"Capabilities", f_capabilities};

static const struct pb_field f_se_linux_options[] = {
    {1, "user", PB_STRING, OMIT, NULL},
    {2, "role", PB_STRING, OMIT, NULL},
    {3, "type", PB_STRING, OMIT, NULL},
    {4, "level", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_se_linux_options = {"SELinuxOptions", f_se_linux_options};

static const struct pb_field f_windows_security_context_options[] = {
    {1, "gmsaCredentialSpecName", PB_STRING, OMIT | PTR, NULL},
    {2, "gmsaCredentialSpec", PB_STRING, OMIT | PTR, NULL},
    {3, "runAsUserName", PB_STRING, OMIT | PTR, NULL},
    {4, "hostProcess", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_windows_security_context_options = {"WindowsSecurityContextOptions",
                                                              f_windows_security_context_options};

static const struct pb_field f_seccomp_profile[] = {
    {1, "type", PB_STRING, 0, NULL},
    {2, "localhostProfile", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_seccomp_profile = {"SeccompProfile", f_seccomp_profile};

static const struct pb_field f_app_armor_profile[] = {
    {1, "type", PB_STRING, 0, NULL},
    {2, "localhostProfile", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_app_armor_profile = {"AppArmorProfile", f_app_armor_profile};

static const struct pb_field f_security_context[] = {
    {1, "capabilities", PB_MESSAGE, OMIT | PTR, &m_capabilities},
    {2, "privileged", PB_BOOL, OMIT | PTR, NULL},
    {3, "seLinuxOptions", PB_MESSAGE, OMIT | PTR, &pb__m_se_linux_options},
    {10, "windowsOptions", PB_MESSAGE, OMIT | PTR, &pb__m_windows_security_context_options},
    {4, "runAsUser", PB_INT64, OMIT | PTR, NULL},
    {8, "runAsGroup", PB_INT64, OMIT | PTR, NULL},
    {5, "runAsNonRoot", PB_BOOL, OMIT | PTR, NULL},
    {6, "readOnlyRootFilesystem", PB_BOOL, OMIT | PTR, NULL},
    {7, "allowPrivilegeEscalation", PB_BOOL, OMIT | PTR, NULL},
    {9, "procMount", PB_STRING, OMIT | PTR, NULL},
    {11, "seccompProfile", PB_MESSAGE, OMIT | PTR, &pb__m_seccomp_profile},
    {12, "appArmorProfile", PB_MESSAGE, OMIT | PTR, &pb__m_app_armor_profile},
    PB_FIELDS_END,
};
static const struct pb_msg m_security_context = {"SecurityContext", f_security_context};

static const struct pb_field f_container[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "image", PB_STRING, OMIT, NULL},
    {3, "command", PB_STRING, REP | OMIT, NULL},
    {4, "args", PB_STRING, REP | OMIT, NULL},
    {5, "workingDir", PB_STRING, OMIT, NULL},
    {6, "ports", PB_MESSAGE, REP | OMIT, &m_container_port},
    {19, "envFrom", PB_MESSAGE, REP | OMIT, &m_env_from_source},
    {7, "env", PB_MESSAGE, REP | OMIT, &m_env_var},
    {8, "resources", PB_MESSAGE, OMIT, &pb__m_resource_requirements},
    {23, "resizePolicy", PB_MESSAGE, REP | OMIT, &m_container_resize_policy},
    {24, "restartPolicy", PB_STRING, OMIT | PTR, NULL},
    {25, "restartPolicyRules", PB_MESSAGE, REP | OMIT, &m_container_restart_rule},
    {9, "volumeMounts", PB_MESSAGE, REP | OMIT, &m_volume_mount},
    {21, "volumeDevices", PB_MESSAGE, REP | OMIT, &m_volume_device},
    {10, "livenessProbe", PB_MESSAGE, OMIT | PTR, &m_probe},
    {11, "readinessProbe", PB_MESSAGE, OMIT | PTR, &m_probe},
    {22, "startupProbe", PB_MESSAGE, OMIT | PTR, &m_probe},
    {12, "lifecycle", PB_MESSAGE, OMIT | PTR, &m_lifecycle},
    {13, "terminationMessagePath", PB_STRING, OMIT, NULL},
    {20, "terminationMessagePolicy", PB_STRING, OMIT, NULL},
    {14, "imagePullPolicy", PB_STRING, OMIT, NULL},
    {15, "securityContext", PB_MESSAGE, OMIT | PTR, &m_security_context},
    {16, "stdin", PB_BOOL, OMIT, NULL},
    {17, "stdinOnce", PB_BOOL, OMIT, NULL},
    {18, "tty", PB_BOOL, OMIT, NULL},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_container = {"Container", f_container};

static const struct pb_field f_ephemeral_container_common[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "image", PB_STRING, OMIT, NULL},
    {3, "command", PB_STRING, REP | OMIT, NULL},
    {4, "args", PB_STRING, REP | OMIT, NULL},
    {5, "workingDir", PB_STRING, OMIT, NULL},
    {6, "ports", PB_MESSAGE, REP | OMIT, &m_container_port},
    {19, "envFrom", PB_MESSAGE, REP | OMIT, &m_env_from_source},
    {7, "env", PB_MESSAGE, REP | OMIT, &m_env_var},
    {8, "resources", PB_MESSAGE, OMIT, &pb__m_resource_requirements},
    {23, "resizePolicy", PB_MESSAGE, REP | OMIT, &m_container_resize_policy},
    {24, "restartPolicy", PB_STRING, OMIT | PTR, NULL},
    {25, "restartPolicyRules", PB_MESSAGE, REP | OMIT, &m_container_restart_rule},
    {9, "volumeMounts", PB_MESSAGE, REP | OMIT, &m_volume_mount},
    {21, "volumeDevices", PB_MESSAGE, REP | OMIT, &m_volume_device},
    {10, "livenessProbe", PB_MESSAGE, OMIT | PTR, &m_probe},
    {11, "readinessProbe", PB_MESSAGE, OMIT | PTR, &m_probe},
    {22, "startupProbe", PB_MESSAGE, OMIT | PTR, &m_probe},
    {12, "lifecycle", PB_MESSAGE, OMIT | PTR, &m_lifecycle},
    {13, "terminationMessagePath", PB_STRING, OMIT, NULL},
    {20, "terminationMessagePolicy", PB_STRING, OMIT, NULL},
    {14, "imagePullPolicy", PB_STRING, OMIT, NULL},
    {15, "securityContext", PB_MESSAGE, OMIT | PTR, &m_security_context},
    {16, "stdin", PB_BOOL, OMIT, NULL},
    {17, "stdinOnce", PB_BOOL, OMIT, NULL},
    {18, "tty", PB_BOOL, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_ephemeral_container_common = {"EphemeralContainerCommon",
                                                           f_ephemeral_container_common};

static const struct pb_field f_ephemeral_container[] = {
    {1, "ephemeralContainerCommon", PB_MESSAGE, INLINE, &m_ephemeral_container_common},
    {2, "targetContainerName", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_ephemeral_container = {"EphemeralContainer", f_ephemeral_container};
