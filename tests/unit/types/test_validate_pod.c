/*
 * test_validate_pod.c -- validation of pods and pod specs (shared with
 * DaemonSet templates): containers, ports, environment, volumes,
 * resources, probes, scheduling constraints, pod-only annotations, the
 * rules for pod updates and for status writes -- each with the exact field
 * path and message the Kubernetes v1.32 API server gives.
 */
#include "validate_testutil.h"

/* ---- pod spec ---------------------------------------------------------- */

static void test_pod_valid(void **state)
{
    json_t *c = run_pod(
        "{\"nodeName\":\"node-1\",\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.25\","
        "\"ports\":[{\"name\":\"http\",\"containerPort\":80}],\"env\":[{\"name\":\"A\",\"value\":"
        "\"1\"},{\"name\":\"NODE\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.nodeName\"}}},"
        "{\"name\":\"LBL\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.labels['app']\"}}}"
        ","
        "{\"name\":\"CPU\",\"valueFrom\":{\"resourceFieldRef\":{\"resource\":\"limits.cpu\"}}}],"
        "\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":\"/data\",\"subPath\":\"x\"}],"
        "\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\",\"example.com/gpu\":1},"
        "\"requests\":{\"cpu\":\"500m\"}},\"livenessProbe\":{\"httpGet\":{\"port\":\"http\"}},"
        "\"readinessProbe\":{\"exec\":{\"command\":[\"true\"]}},\"securityContext\":{"
        "\"runAsUser\":1000}}],\"initContainers\":[{\"name\":\"init\",\"image\":\"busybox\"},"
        "{\"name\":\"sidecar\",\"image\":\"x\",\"restartPolicy\":\"Always\",\"startupProbe\":{"
        "\"tcpSocket\":{\"port\":8080}}}],\"volumes\":[{\"name\":\"data\",\"emptyDir\":{}},"
        "{\"name\":\"cfg\",\"configMap\":{\"name\":\"c\",\"items\":[{\"key\":\"k\",\"path\":"
        "\"p\"}]}}],\"tolerations\":[{\"operator\":\"Exists\"},{\"key\":\"k\",\"operator\":"
        "\"Equal\",\"value\":\"v\",\"effect\":\"NoExecute\",\"tolerationSeconds\":30}],"
        "\"nodeSelector\":{\"kubernetes.io/os\":\"linux\"},\"affinity\":{\"nodeAffinity\":{"
        "\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[{"
        "\"matchExpressions\":[{\"key\":\"daemonset-color\",\"operator\":\"In\",\"values\":"
        "[\"blue\"]}],\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"In\",\"values\":"
        "[\"node-1\"]}]}]}}},\"dnsPolicy\":\"ClusterFirstWithHostNet\",\"hostNetwork\":true,"
        "\"priorityClassName\":\"system-node-critical\"}");
    expect_valid(c);
    (void)state;
}

static void test_pod_containers(void **state)
{
    json_t *c;

    c = run_pod("{\"containers\":[]}");
    expect(c, "spec.containers", "Required value");
    json_decref(c);

    c = run_pod(
        "{\"containers\":[{\"image\":\"i\"},{\"name\":\"Bad\",\"image\":\"\"},"
        "{\"name\":\"c\",\"image\":\"i\",\"restartPolicy\":\"Always\"},{\"name\":\"c\","
        "\"image\":\"i\",\"imagePullPolicy\":\"Sometimes\",\"terminationMessagePolicy\":"
        "\"Maybe\"}],\"initContainers\":[{\"name\":\"c\",\"image\":\"i\",\"livenessProbe\":{"
        "\"exec\":{\"command\":[\"x\"]}}},{\"name\":\"j\",\"image\":\"i\",\"restartPolicy\":"
        "\"OnFailure\"}]}");
    expect(c, "spec.containers[0].name", "Required value");
    expect(c, "spec.containers[1].name", "Invalid value: \"Bad\": " LABEL_MSG);
    expect(c, "spec.containers[1].image", "Required value");
    expect(c, "spec.containers[2].restartPolicy",
           "Forbidden: may not be set for non-init containers");
    expect(c, "spec.containers[3].name", "Duplicate value: \"c\"");
    expect(c, "spec.containers[3].imagePullPolicy",
           "Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", "
           "\"Never\"");
    expect(c, "spec.containers[3].terminationMessagePolicy",
           "Unsupported value: \"Maybe\": supported values: \"File\", \"FallbackToLogsOnError\"");
    expect(c, "spec.initContainers[0].name", "Duplicate value: \"c\"");
    expect(c, "spec.initContainers[0].livenessProbe",
           "Forbidden: may not be set for init containers without restartPolicy=Always");
    expect(c, "spec.initContainers[1].restartPolicy",
           "Unsupported value: \"OnFailure\": supported values: \"Always\"");
    json_decref(c);

    /* pods (not templates) refuse images with surrounding whitespace */
    c = run_pod("{\"containers\":[{\"name\":\"c\",\"image\":\"nginx \"}]}");
    expect(c, "spec.containers[0].image",
           "Invalid value: \"nginx \": must not have leading or trailing whitespace");
    json_decref(c);

    c = run_pod("{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}],\"ephemeralContainers\":[{"
                "\"name\":\"e\",\"image\":\"x\"}]}");
    expect(c, "spec.ephemeralContainers", "Forbidden: cannot be set on create");
    json_decref(c);
    (void)state;
}

static void test_pod_ports_env(void **state)
{
    json_t *c;

    c = run_pod(
        "{\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"ports\":[{\"containerPort\":0},"
        "{\"containerPort\":70000,\"hostPort\":-1,\"protocol\":\"ICMP\"},{\"name\":\"http_x\","
        "\"containerPort\":80},{\"name\":\"web\",\"containerPort\":81,\"hostPort\":8080},"
        "{\"name\":\"web\",\"containerPort\":82}]},{\"name\":\"b\",\"image\":\"i\",\"ports\":"
        "[{\"containerPort\":90,\"hostPort\":8080}]}]}");
    expect(c, "spec.containers[0].ports[0].containerPort", "Required value");
    expect(c, "spec.containers[0].ports[1].containerPort",
           "Invalid value: 70000: must be between 1 and 65535, inclusive");
    expect(c, "spec.containers[0].ports[1].hostPort",
           "Invalid value: -1: must be between 1 and 65535, inclusive");
    expect(c, "spec.containers[0].ports[1].protocol",
           "Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"");
    expect(c, "spec.containers[0].ports[2].name",
           "Invalid value: \"http_x\": must contain only alpha-numeric characters (a-z, 0-9), and "
           "hyphens (-)");
    expect(c, "spec.containers[0].ports[4].name", "Duplicate value: \"web\"");
    expect(c, "spec.containers[1].ports[0].hostPort", "Duplicate value: \"TCP//8080\"");
    json_decref(c);

    c = run_pod(
        "{\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"env\":[{\"value\":\"x\"},"
        "{\"name\":\"A=B\"},{\"name\":\"X\",\"value\":\"v\",\"valueFrom\":{\"fieldRef\":{"
        "\"fieldPath\":\"metadata.name\"}}},{\"name\":\"Y\",\"valueFrom\":{}},{\"name\":\"Z\","
        "\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.foo\"}}},{\"name\":\"W\","
        "\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.labels\"}}},{\"name\":\"V\","
        "\"valueFrom\":{\"secretKeyRef\":{\"name\":\"s\"},\"configMapKeyRef\":{\"name\":\"c\","
        "\"key\":\"k\"}}},{\"name\":\"U\",\"valueFrom\":{\"resourceFieldRef\":{\"resource\":"
        "\"limits.gpu\"}}}],\"envFrom\":[{\"prefix\":\"P=\",\"configMapRef\":{\"name\":\"c\"}},"
        "{}]}]}");
    expect(c, "spec.containers[0].env[0].name", "Required value");
    expect(c, "spec.containers[0].env[1].name",
           "Invalid value: \"A=B\": a valid environment variable name must consist only of "
           "printable ASCII characters other than '='");
    expect(c, "spec.containers[0].env[2].valueFrom",
           "Invalid value: \"\": may not be specified when `value` is not empty");
    expect(c, "spec.containers[0].env[3].valueFrom",
           "Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, "
           "`configMapKeyRef` or `secretKeyRef`");
    expect(c, "spec.containers[0].env[4].valueFrom.fieldRef.fieldPath",
           "Invalid value: \"spec.foo\": error converting fieldPath: field label not supported: "
           "spec.foo");
    expect(c, "spec.containers[0].env[5].valueFrom.fieldRef.fieldPath",
           "Unsupported value: \"metadata.labels\": supported values: \"metadata.name\", "
           "\"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", "
           "\"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", "
           "\"status.podIPs\"");
    expect(c, "spec.containers[0].env[6].valueFrom.secretKeyRef.key", "Required value");
    expect(c, "spec.containers[0].env[6].valueFrom",
           "Invalid value: \"\": may not have more than one field specified at a time");
    expect(c, "spec.containers[0].env[7].valueFrom.resourceFieldRef.resource",
           "Unsupported value: \"limits.gpu\": supported values: \"limits.cpu\", "
           "\"limits.ephemeral-storage\", \"limits.memory\", \"requests.cpu\", "
           "\"requests.ephemeral-storage\", \"requests.memory\"");
    expect(c, "spec.containers[0].envFrom[0].prefix",
           "Invalid value: \"P=\": a valid environment variable name must consist only of "
           "printable ASCII characters other than '='");
    expect(c, "spec.containers[0].envFrom",
           "Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`");
    json_decref(c);
    (void)state;
}

static void test_pod_volumes(void **state)
{
    json_t *c;
    char *p;

    /* without defaulting a volume may have no source at all */
    p = pod_with("{\"terminationGracePeriodSeconds\":30,\"restartPolicy\":\"Always\",\"dnsPolicy\":"
                 "\"ClusterFirst\",\"containers\":[{\"name\":\"a\",\"image\":\"i\","
                 "\"imagePullPolicy\":\"Always\",\"terminationMessagePolicy\":\"File\"}],"
                 "\"volumes\":[{\"name\":\"v\"}]}");
    c = run("pods", p, NULL, false, false);
    expect(c, "spec.volumes[0]", "Required value: must specify a volume type");
    json_decref(c);
    free(p);

    c = run_pod(
        "{\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"volumeMounts\":[{\"name\":\"nope\","
        "\"mountPath\":\"/x\"},{\"name\":\"ok\",\"mountPath\":\"/x\",\"subPath\":\"../up\"},"
        "{\"name\":\"ok\"},{\"name\":\"bad\",\"mountPath\":\"/y\"}]}],\"volumes\":["
        "{\"name\":\"ok\",\"emptyDir\":{\"sizeLimit\":\"-1Gi\"}},"
        "{\"name\":\"ok\",\"hostPath\":{\"path\":\"\"}},"
        "{\"name\":\"bad\",\"secret\":{\"defaultMode\":512,\"items\":[{\"key\":\"k\",\"path\":"
        "\"/abs\"},{\"path\":\"..x\"}]},\"downwardAPI\":{}},"
        "{\"name\":\"Up\",\"hostPath\":{\"path\":\"/a/../b\",\"type\":\"Pipe\"}},"
        "{\"name\":\"cm\",\"configMap\":{}},"
        "{\"name\":\"pvc\",\"persistentVolumeClaim\":{}},"
        "{\"name\":\"dapi\",\"downwardAPI\":{\"items\":[{\"path\":\"n\",\"fieldRef\":{"
        "\"fieldPath\":\"spec.nodeName\"}},{\"fieldRef\":{\"fieldPath\":\"metadata.name\"}}]}},"
        "{\"name\":\"proj\",\"projected\":{\"sources\":[{\"serviceAccountToken\":{\"path\":\"t\","
        "\"expirationSeconds\":60}},{\"secret\":{},\"configMap\":{\"name\":\"c\"}}]}}]}");
    expect(c, "spec.volumes[0].emptyDir.sizeLimit",
           "Forbidden: SizeLimit field must be a valid resource quantity");
    expect(c, "spec.volumes[1].hostPath.path", "Required value");
    expect(c, "spec.volumes[1].name", "Duplicate value: \"ok\"");
    expect(c, "spec.volumes[2].secret.secretName", "Required value");
    expect(c, "spec.volumes[2].secret.defaultMode",
           "Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive");
    expect(c, "spec.volumes[2].secret.items[0].path",
           "Invalid value: \"/abs\": must be a relative path");
    expect(c, "spec.volumes[2].secret.items[1].key", "Required value");
    expect(c, "spec.volumes[2].secret.items[1].path",
           "Invalid value: \"..x\": must not start with '..'");
    expect(c, "spec.volumes[2].downwarAPI", "Forbidden: may not specify more than 1 volume type");
    expect(c, "spec.volumes[3].name", "Invalid value: \"Up\": " LABEL_MSG);
    expect(c, "spec.volumes[3].hostPath.path", "Invalid value: \"/a/../b\": must not contain '..'");
    expect(c, "spec.volumes[3].hostPath.type",
           "Unsupported value: \"Pipe\": supported values: \"\", \"BlockDevice\", \"CharDevice\", "
           "\"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\"");
    expect(c, "spec.volumes[4].configMap.name", "Required value");
    expect(c, "spec.volumes[5].persistentVolumeClaim.claimName", "Required value");
    expect(c, "spec.volumes[6].downwardAPI.fieldRef.fieldPath",
           "Unsupported value: \"spec.nodeName\": supported values: \"metadata.annotations\", "
           "\"metadata.labels\", \"metadata.name\", \"metadata.namespace\", \"metadata.uid\"");
    expect(c, "spec.volumes[6].downwardAPI.path", "Required value");
    expect(c, "spec.volumes[7].projected.sources[0].serviceAccountToken.expirationSeconds",
           "Invalid value: 60: may not specify a duration less than 10 minutes");
    expect(c, "spec.volumes[7].projected.sources[1].secret.name", "Required value");
    expect(c, "spec.volumes[7].projected.sources[1]",
           "Forbidden: may not specify more than 1 volume type per source");
    /* mounts: unknown volume, unique paths, subPath at the list path */
    expect(c, "spec.containers[0].volumeMounts[0].name", "Not found: \"nope\"");
    expect(c, "spec.containers[0].volumeMounts[1].mountPath",
           "Invalid value: \"/x\": must be unique");
    expect(c, "spec.containers[0].volumeMounts.subPath",
           "Invalid value: \"../up\": must not contain '..'");
    expect(c, "spec.containers[0].volumeMounts[2].mountPath", "Required value");
    /* a volume with errors is not mountable */
    expect(c, "spec.containers[0].volumeMounts[3].name", "Not found: \"bad\"");
    /* a projected token needs a service account */
    expect(c, "spec.volumes[7].projected.sources[0].serviceAccountToken",
           "Forbidden: must not be specified when serviceAccountName is not set");
    json_decref(c);
    (void)state;
}

static void test_pod_resources(void **state)
{
    json_t *c = run_pod(
        "{\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"resources\":{\"limits\":{\"cpu\":\"1\","
        "\"memory\":\"-1\",\"foo\":\"1\",\"example.com/gpu\":\"2\",\"example.com/fpga\":\"1.5\"},"
        "\"requests\":{\"cpu\":\"2\",\"memory\":\"abc\",\"example.com/gpu\":\"1\",\"example.com/"
        "tpu\":"
        "1}}},{\"name\":\"b\",\"image\":\"i\",\"resources\":{\"limits\":{\"hugepages-2Mi\":"
        "\"2Mi\"}}}]}");
    expect(c, "spec.containers[0].resources.limits[memory]",
           "Invalid value: \"-1\": must be greater than or equal to 0");
    expect(c, "spec.containers[0].resources.limits[foo]",
           "Invalid value: \"foo\": must be a standard resource type or fully qualified");
    expect(c, "spec.containers[0].resources.limits[foo]",
           "Invalid value: \"foo\": must be a standard resource for containers");
    expect(c, "spec.containers[0].resources.limits[example.com/fpga]",
           "Invalid value: 1500m: must be an integer");
    expect(c, "spec.containers[0].resources.requests[memory]",
           "Invalid value: \"abc\": " TYPES_QTY_SYNTAX_MSG);
    expect(c, "spec.containers[0].resources.requests",
           "Invalid value: \"2\": must be less than or equal to cpu limit of 1");
    expect(c, "spec.containers[0].resources.requests",
           "Invalid value: \"1\": must be equal to example.com/gpu limit of 2");
    expect(c, "spec.containers[0].resources.limits",
           "Required value: Limit must be set for non overcommitable resources");
    expect(c, "spec.containers[1].resources", "Forbidden: HugePages require cpu or memory");
    json_decref(c);
    (void)state;
}

static void test_pod_spec_fields(void **state)
{
    json_t *c = run_pod(
        "{\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"securityContext\":{\"runAsUser\":-1,"
        "\"procMount\":\"Weird\"}}],\"restartPolicy\":\"Sometimes\",\"dnsPolicy\":\"Magic\","
        "\"nodeSelector\":{\"disk\":\"fast ssd\"},\"activeDeadlineSeconds\":0,\"hostname\":"
        "\"Host\",\"serviceAccountName\":\"SA\",\"nodeName\":\"node_1\",\"securityContext\":{"
        "\"fsGroup\":4294967296,\"sysctls\":[{\"name\":\"net.ipv4..x\"},{\"name\":\"kernel.shm\"},"
        "{\"name\":\"kernel.shm\"}]},\"readinessGates\":[{\"conditionType\":\"bad type\"}],"
        "\"schedulingGates\":[{\"name\":\"g\"},{\"name\":\"g\"}],\"preemptionPolicy\":\"Maybe\","
        "\"os\":{\"name\":\"plan9\"},\"hostAliases\":[{\"ip\":\"1.2.3\",\"hostnames\":[\"A\"]}]}");
    expect(
        c, "spec.restartPolicy",
        "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"");
    expect(c, "spec.dnsPolicy",
           "Unsupported value: \"Magic\": supported values: \"ClusterFirstWithHostNet\", "
           "\"ClusterFirst\", \"Default\", \"None\"");
    expect(c, "spec.nodeSelector", "Invalid value: \"fast ssd\": " LABEL_VALUE_MSG);
    expect(c, "spec.activeDeadlineSeconds",
           "Invalid value: 0: must be between 1 and 2147483647, inclusive");
    expect(c, "spec.hostname", "Invalid value: \"Host\": " LABEL_MSG);
    expect(c, "spec.serviceAccountName", "Invalid value: \"SA\": " SUBDOMAIN_MSG);
    expect(c, "spec.nodeName", "Invalid value: \"node_1\": " SUBDOMAIN_MSG);
    expect(c, "spec.securityContext.fsGroup",
           "Invalid value: 4294967296: must be between 0 and 4294967295, inclusive");
    expect(c, "spec.securityContext.sysctls[0].name",
           "Invalid value: \"net.ipv4..x\": must have at most 253 characters and match regex "
           "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$");
    expect(c, "spec.securityContext.sysctls[2].name", "Duplicate value: \"kernel.shm\"");
    expect(c, "spec.containers[0].securityContext.runAsUser",
           "Invalid value: -1: must be between 0 and 4294967295, inclusive");
    expect(c, "spec.containers[0].securityContext.procMount",
           "Unsupported value: \"Weird\": supported values: \"Default\", \"Unmasked\"");
    expect(c, "spec.readinessGates[0].conditionType",
           "Invalid value: \"bad type\": name part " QNAME_BODY);
    expect(c, "spec.schedulingGates[1]", "Duplicate value: \"g\"");
    expect(c, "spec.preemptionPolicy",
           "Unsupported value: \"Maybe\": supported values: \"PreemptLowerPriority\", \"Never\"");
    expect(c, "spec.os.name",
           "Unsupported value: \"plan9\": supported values: \"linux\", \"windows\"");
    expect(
        c, "spec.hostAliases[0].ip",
        "Invalid value: \"1.2.3\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
    expect(c, "spec.hostAliases[0].hostnames[0]", "Invalid value: \"A\": " SUBDOMAIN_MSG);
    json_decref(c);

    c = run_pod("{\"containers\":[{\"name\":\"a\",\"image\":\"i\"}],\"dnsPolicy\":\"None\"}");
    expect(c, "spec.dnsConfig",
           "Required value: must provide `dnsConfig` when `dnsPolicy` is None");
    json_decref(c);
    c = run_pod("{\"containers\":[{\"name\":\"a\",\"image\":\"i\"}],\"dnsPolicy\":\"None\","
                "\"dnsConfig\":{\"nameservers\":[\"10.0.0.10\",\"x\"],\"searches\":[\"svc.local.\","
                "\"Bad_\"],\"options\":[{\"value\":\"1\"}]}}");
    expect(c, "spec.dnsConfig.nameservers[1]",
           "Invalid value: \"x\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
    expect(c, "spec.dnsConfig.searches[1]", "Invalid value: \"Bad_\": " SUBDOMAIN_MSG);
    expect_none_at(c, "spec.dnsConfig.searches[0]");
    expect(c, "spec.dnsConfig.options[0]", "Required value: must not be empty");
    json_decref(c);

    /* hostNetwork pods need hostPort == containerPort */
    c = run_pod("{\"hostNetwork\":true,\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"ports\":"
                "[{\"containerPort\":80,\"hostPort\":8080}]}]}");
    expect(c, "spec.containers[0].ports[0].hostPort",
           "Invalid value: 8080: must match `containerPort` when `hostNetwork` is true");
    json_decref(c);

    /* required fields when nothing was defaulted */
    c = run("pods",
            "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":{\"containers\":"
            "[{\"name\":\"a\",\"image\":\"i\",\"imagePullPolicy\":\"Always\","
            "\"terminationMessagePolicy\":\"File\"}]}}",
            NULL, false, false);
    expect(c, "spec.terminationGracePeriodSeconds", "Required value");
    expect(c, "spec.restartPolicy", "Required value");
    expect(c, "spec.dnsPolicy", "Required value");
    json_decref(c);
    (void)state;
}

static void test_pod_probes(void **state)
{
    json_t *c =
        run_pod("{\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"livenessProbe\":{"
                "\"successThreshold\":2,"
                "\"initialDelaySeconds\":-1},\"readinessProbe\":{\"httpGet\":{\"port\":0,"
                "\"scheme\":\"FTP\","
                "\"httpHeaders\":[{\"name\":\"Bad Header\"}]},\"terminationGracePeriodSeconds\":5},"
                "\"startupProbe\":{\"exec\":{\"command\":[]},\"tcpSocket\":{\"port\":\"--x\"}},"
                "\"lifecycle\":{\"preStop\":{\"sleep\":{\"seconds\":60}},\"postStart\":{}}}]}");
    expect(c, "spec.containers[0].livenessProbe", "Required value: must specify a handler type");
    expect(c, "spec.containers[0].livenessProbe.successThreshold", "Invalid value: 2: must be 1");
    expect(c, "spec.containers[0].livenessProbe.initialDelaySeconds",
           "Invalid value: -1: must be greater than or equal to 0");
    expect(c, "spec.containers[0].readinessProbe.httpGet.port",
           "Invalid value: 0: must be between 1 and 65535, inclusive");
    expect(c, "spec.containers[0].readinessProbe.httpGet.scheme",
           "Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\"");
    expect(c, "spec.containers[0].readinessProbe.httpGet.httpHeaders",
           "Invalid value: \"Bad Header\": a valid HTTP header must consist of alphanumeric "
           "characters or '-' (e.g. 'X-Header-Name', regex used for validation is "
           "'[-A-Za-z0-9]+')");
    expect(c, "spec.containers[0].readinessProbe.terminationGracePeriodSeconds",
           "Invalid value: 5: must not be set for readinessProbes");
    expect(c, "spec.containers[0].startupProbe.exec.command", "Required value");
    expect(c, "spec.containers[0].startupProbe.tcpSocket",
           "Forbidden: may not specify more than 1 handler type");
    expect(c, "spec.containers[0].lifecycle.preStop.sleep",
           "Invalid value: 60: must be greater than 0 and less than terminationGracePeriodSeconds "
           "(30). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.");
    expect(c, "spec.containers[0].lifecycle.postStart",
           "Required value: must specify a handler type");
    json_decref(c);
    (void)state;
}

static void test_tolerations_affinity(void **state)
{
    json_t *c = run_pod(
        "{\"containers\":[{\"name\":\"a\",\"image\":\"i\"}],\"tolerations\":[{\"operator\":"
        "\"Equal\",\"value\":\"x\"},{\"key\":\"k\",\"operator\":\"Exists\",\"value\":\"v\"},"
        "{\"key\":\"k\",\"tolerationSeconds\":5,\"effect\":\"NoSchedule\"},{\"key\":\"k\","
        "\"operator\":\"Near\"},{\"key\":\"k\",\"effect\":\"Evict\"},{\"key\":\"k\",\"value\":"
        "\"a b\"},{\"key\":\"bad key\",\"operator\":\"Exists\"}],\"affinity\":{\"nodeAffinity\":{"
        "\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[{"
        "\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Gt\",\"values\":[\"1\",\"2\"]},"
        "{\"key\":\"b\",\"operator\":\"Foo\"},{\"key\":\"c\",\"operator\":\"In\",\"values\":"
        "[\"a b\"]}],\"matchFields\":[{\"key\":\"spec.x\",\"operator\":\"In\",\"values\":[\"a\"]},"
        "{\"key\":\"metadata.name\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]}]}]},"
        "\"preferredDuringSchedulingIgnoredDuringExecution\":[{\"weight\":0,\"preference\":{}}]},"
        "\"podAntiAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":[{"
        "\"labelSelector\":{\"matchLabels\":{\"app\":\"x\"}},\"topologyKey\":\"\"}],"
        "\"preferredDuringSchedulingIgnoredDuringExecution\":[{\"weight\":101,"
        "\"podAffinityTerm\":{\"topologyKey\":\"zone\",\"namespaces\":[\"Bad\"]}}]}},"
        "\"topologySpreadConstraints\":[{\"maxSkew\":0,\"topologyKey\":\"zone\","
        "\"whenUnsatisfiable\":\"Never\"},{\"maxSkew\":1,\"topologyKey\":\"zone\","
        "\"whenUnsatisfiable\":\"Never\"}]}");
    expect(c, "spec.tolerations[0].operator",
           "Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means "
           "\"match all values and all keys\"");
    expect(c, "spec.tolerations[1].operator",
           "Invalid value: \"v\": value must be empty when `operator` is 'Exists'");
    expect(c, "spec.tolerations[2].effect",
           "Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is "
           "set");
    expect(c, "spec.tolerations[3].operator",
           "Unsupported value: \"Near\": supported values: \"Equal\", \"Exists\"");
    expect(c, "spec.tolerations[4].effect",
           "Unsupported value: \"Evict\": supported values: \"NoSchedule\", \"PreferNoSchedule\", "
           "\"NoExecute\"");
    expect(c, "spec.tolerations[5].operator", "Invalid value: \"a b\": " LABEL_VALUE_MSG);
    expect(c, "spec.tolerations[6].key", "Invalid value: \"bad key\": name part " QNAME_BODY);
    const char *na = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
                     "nodeSelectorTerms[0]";
    char path[256];
    snprintf(path, sizeof path, "%s.matchExpressions[0].values", na);
    expect(c, path,
           "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'");
    snprintf(path, sizeof path, "%s.matchExpressions[1].operator", na);
    expect(c, path, "Invalid value: \"Foo\": not a valid selector operator");
    snprintf(path, sizeof path, "%s.matchExpressions[2].values[0]", na);
    expect(c, path, "Invalid value: \"a b\": " LABEL_VALUE_MSG);
    snprintf(path, sizeof path, "%s.matchFields[0].key", na);
    expect(c, path, "Invalid value: \"spec.x\": not a valid field selector key");
    snprintf(path, sizeof path, "%s.matchFields[1].values", na);
    expect(c, path,
           "Required value: must be only one value when `operator` is 'In' or 'NotIn' for node "
           "field selector");
    expect(c,
           "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
           "Invalid value: 0: must be in the range 1-100");
    expect(c,
           "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]."
           "topologyKey",
           "Required value: can not be empty");
    expect(c,
           "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]."
           "weight",
           "Invalid value: 101: must be in the range 1-100");
    expect(c,
           "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]."
           "podAffinityTerm.namespace",
           "Invalid value: \"Bad\": " LABEL_MSG);
    expect(c, "spec.topologySpreadConstraints[0].maxSkew",
           "Invalid value: 0: must be greater than zero");
    expect(c, "spec.topologySpreadConstraints[0].whenUnsatisfiable",
           "Unsupported value: \"Never\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\"");
    expect(c, "spec.topologySpreadConstraints[1].{topologyKey, whenUnsatisfiable}",
           "Duplicate value: \"{zone, Never}\"");
    json_decref(c);

    c = run_pod(
        "{\"containers\":[{\"name\":\"a\",\"image\":\"i\"}],\"affinity\":{\"nodeAffinity\":{"
        "\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[]}}}}");
    expect(c,
           "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
           "nodeSelectorTerms",
           "Required value: must have at least one node selector term");
    json_decref(c);
    (void)state;
}

static void test_pod_annotations(void **state)
{
    json_t *c = run("pods",
                    "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"annotations\":{"
                    "\"controller.kubernetes.io/pod-deletion-cost\":\"lots\","
                    "\"kubernetes.io/config.mirror\":\"x\","
                    "\"container.apparmor.security.beta.kubernetes.io/ghost\":\"weird\"}},"
                    "\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"i\"}]}}",
                    NULL, false, true);
    expect(c, "metadata.annotations[controller.kubernetes.io/pod-deletion-cost]",
           "Invalid value: \"lots\": must be a 32bit integer");
    expect(c, "metadata.annotations[kubernetes.io/config.mirror]",
           "Invalid value: \"x\": must set spec.nodeName if mirror pod annotation is set");
    expect(c, "metadata.annotations[container.apparmor.security.beta.kubernetes.io/ghost]",
           "Invalid value: \"ghost\": container not found");
    expect(c, "metadata.annotations[container.apparmor.security.beta.kubernetes.io/ghost]",
           "Invalid value: \"weird\": invalid AppArmor profile name: \"weird\"");
    json_decref(c);
    (void)state;
}

/* ---- pod updates and status -------------------------------------------- */

#define POD_OLD                                                                                    \
    "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":{\"nodeName\":\"n1\","           \
    "\"activeDeadlineSeconds\":100,\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\","       \
    "\"effect\":\"NoExecute\",\"tolerationSeconds\":30}],\"containers\":[{\"name\":\"c\","         \
    "\"image\":\"i1\"}]},\"status\":{\"phase\":\"Running\",\"qosClass\":\"BestEffort\"}}"

static void test_pod_update(void **state)
{
    json_t *c;

    /* image, activeDeadlineSeconds down, tolerations added or re-timed: fine */
    c = run("pods",
            "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":{\"nodeName\":\"n1\","
            "\"activeDeadlineSeconds\":50,\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\","
            "\"effect\":\"NoExecute\",\"tolerationSeconds\":60},{\"key\":\"z\",\"operator\":"
            "\"Exists\"}],\"containers\":[{\"name\":\"c\",\"image\":\"i2\"}]}}",
            POD_OLD, false, true);
    expect_valid(c);

    c = run("pods",
            "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":{\"nodeName\":\"n2\","
            "\"tolerations\":[],\"containers\":[{\"name\":\"c\",\"image\":\"i1\"}]}}",
            POD_OLD, false, true);
    expect(c, "spec.activeDeadlineSeconds",
           "Invalid value: null: must not update from a positive integer to nil value");
    expect(c, "spec.tolerations",
           "Forbidden: existing toleration can not be modified except its tolerationSeconds");
    expect_prefix(
        c, "spec",
        "Forbidden: pod updates may not change fields other than "
        "`spec.containers[*].image`,`spec.initContainers[*].image`,"
        "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
        "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it "
        "was previously negative)\n");
    json_decref(c);

    c = run("pods",
            "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":{\"nodeName\":\"n1\","
            "\"activeDeadlineSeconds\":200,\"containers\":[{\"name\":\"c\",\"image\":\"i1\"},"
            "{\"name\":\"d\",\"image\":\"i1\"}]}}",
            POD_OLD, false, true);
    expect(c, "spec.containers", "Forbidden: pod updates may not add or remove containers");
    assert_null(find(c, "spec.activeDeadlineSeconds", NULL));
    json_decref(c);

    c = run("pods",
            "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":{\"nodeName\":\"n1\","
            "\"activeDeadlineSeconds\":200,\"containers\":[{\"name\":\"c\",\"image\":\"i1\"}]}}",
            POD_OLD, false, true);
    expect(c, "spec.activeDeadlineSeconds",
           "Invalid value: 200: must be less than or equal to previous value");
    json_decref(c);

    c = run("pods",
            "{\"metadata\":{\"name\":\"q\",\"namespace\":\"ns\"},\"spec\":{\"nodeName\":\"n1\","
            "\"activeDeadlineSeconds\":100,\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\","
            "\"effect\":\"NoExecute\",\"tolerationSeconds\":30}],\"containers\":[{\"name\":\"c\","
            "\"image\":\"i1\"}]}}",
            POD_OLD, false, true);
    expect(c, "metadata.name", "Invalid value: \"q\": field is immutable");
    json_decref(c);
    (void)state;
}

static void test_pod_status_update(void **state)
{
    json_t *c;
    const char *old = "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":{\"nodeName\":"
                      "\"n1\",\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\","
                      "\"image\":\"i\"}]},\"status\":{\"qosClass\":\"BestEffort\","
                      "\"containerStatuses\":[{\"name\":\"c\",\"state\":{\"terminated\":{"
                      "\"exitCode\":0}}}]}}";

    c = run("pods",
            "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":{\"nodeName\":\"n1\","
            "\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]},"
            "\"status\":{\"phase\":\"Failed\",\"qosClass\":\"Burstable\",\"hostIP\":\"10.0.0.1\","
            "\"hostIPs\":[{\"ip\":\"10.0.0.2\"}],\"podIPs\":[{\"ip\":\"10.1.0.1\"},{\"ip\":"
            "\"10.1.0.2\"},{\"ip\":\"bogus\"}],\"containerStatuses\":[{\"name\":\"c\",\"state\":{"
            "\"running\":{}}}],\"conditions\":[{\"type\":\"Ready\"},{\"type\":\"bad type\"}]}}",
            old, true, false);
    expect(c, "status.qosClass", "Invalid value: \"Burstable\": field is immutable");
    expect(c, "status.containerStatuses[0].state",
           "Forbidden: may not be transitioned to non-terminated state");
    expect(c, "status.hostIPs[0].ip", "Invalid value: \"10.0.0.2\": must be equal to `hostIP`");
    expect(
        c, "status.podIPs[2]",
        "Invalid value: \"bogus\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
    expect_prefix(c, "status.podIPs", "Invalid value: [{\"ip\":\"10.1.0.1\"}");
    expect(c, "metadata.conditions[1].Type", "Invalid value: \"bad type\": name part " QNAME_BODY);
    expect_none_at(c, "metadata.conditions[0].Type");
    json_decref(c);

    /* the kubelet's usual update (and the e2e suite's Failed phase) pass */
    c = run("pods",
            "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":{\"nodeName\":\"n1\","
            "\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]},"
            "\"status\":{\"phase\":\"Failed\",\"hostIP\":\"10.0.0.1\",\"hostIPs\":[{\"ip\":"
            "\"10.0.0.1\"}],\"podIP\":\"10.1.0.1\",\"podIPs\":[{\"ip\":\"10.1.0.1\"},{\"ip\":"
            "\"fd00::1\"}],\"containerStatuses\":[{\"name\":\"c\",\"state\":{\"terminated\":{"
            "\"exitCode\":1}}}],\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}]}}",
            old, true, false);
    expect_valid(c);
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pod_valid),         cmocka_unit_test(test_pod_containers),
        cmocka_unit_test(test_pod_ports_env),     cmocka_unit_test(test_pod_volumes),
        cmocka_unit_test(test_pod_resources),     cmocka_unit_test(test_pod_spec_fields),
        cmocka_unit_test(test_pod_probes),        cmocka_unit_test(test_tolerations_affinity),
        cmocka_unit_test(test_pod_annotations),   cmocka_unit_test(test_pod_update),
        cmocka_unit_test(test_pod_status_update),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
