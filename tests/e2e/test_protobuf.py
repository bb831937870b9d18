"""Protobuf request bodies (application/vnd.kubernetes.protobuf) for the kinds
Kubernetes' DaemonSet e2e suite writes: DaemonSet, Pod (create and PUT
pods/NAME/status), Node (PUT) -- each sent both ways, as protobuf and as
the JSON a Go client would send for the same object, to a private server
over HTTPS; the objects read back must be the same.  Then the same with real
clients: kubectl 1.31 sends JSON and kubectl 1.32 protobuf for `kubectl
debug`, and the pods they create must come out identical.

The protobuf bodies are built by a small encoder below, driven by a table
of the generated.proto field numbers the test objects use (k8s.io/api
core/v1 and apps/v1, apimachinery meta/v1); no protobuf library.  An object
is written once as a Python dict and sent both as json.dumps(dict) and as
encode(dict).  Like client-go, the encoder sends apiVersion and kind in the
runtime.Unknown envelope, not in the object.
"""

import calendar
import json
import pathlib
import re
import time

import pytest

from conftest import (SDK_BIN, Kubectl, _finish_server, _make_server, node_manifest, uniq,
                      wait_until)

PB = "application/vnd.kubernetes.protobuf"
PB_ACCEPT = "application/vnd.kubernetes.protobuf, */*"  # what client-go's typed clients send

# ---- a tiny protobuf encoder ----------------------------------------------------


def _varint(n):
    n &= (1 << 64) - 1  # negative int32/int64 travel as 10-byte two's complement
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(num, wire):
    return _varint(num << 3 | wire)


def _len(num, payload):
    return _key(num, 2) + _varint(len(payload)) + payload


def _str(num, s):
    return _len(num, s.encode("utf-8"))


def _int(num, v):
    return _key(num, 0) + _varint(int(v))


def _time(num, rfc3339):
    sec = calendar.timegm(time.strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ"))
    return _len(num, _int(1, sec))


def _intorstr(num, v):
    if isinstance(v, int):
        return _len(num, _int(1, 0) + _int(2, v))
    return _len(num, _int(1, 1) + _str(3, v))


# Field tables: message -> {json name: (field number, type)}.  Types: "s"
# string, "i" int32/int64, "b" bool, "t" metav1.Time, "q" Quantity, "ios"
# IntOrString, "mss" map<string,string>, "mq" map<string,Quantity>, "raw"
# RawExtension, or a message name.  A list value is a repeated field.
# "@inline" lists (field number, message) pairs whose fields the JSON form
# carries in the enclosing object (Go's embedded structs).
SCHEMA = {
    "ObjectMeta": {"name": (1, "s"), "generateName": (2, "s"), "namespace": (3, "s"),
                   "uid": (5, "s"), "resourceVersion": (6, "s"), "generation": (7, "i"),
                   "creationTimestamp": (8, "t"), "deletionTimestamp": (9, "t"),
                   "labels": (11, "mss"), "annotations": (12, "mss"),
                   "ownerReferences": (13, "OwnerReference"), "finalizers": (14, "s")},
    "OwnerReference": {"kind": (1, "s"), "name": (3, "s"), "uid": (4, "s"),
                       "apiVersion": (5, "s"), "controller": (6, "b"),
                       "blockOwnerDeletion": (7, "b")},
    "DeleteOptions": {"gracePeriodSeconds": (1, "i"), "orphanDependents": (3, "b"),
                      "propagationPolicy": (4, "s"), "dryRun": (5, "s")},
    "LabelSelector": {"matchLabels": (1, "mss"), "matchExpressions": (2, "LabelSelectorRequirement")},
    "LabelSelectorRequirement": {"key": (1, "s"), "operator": (2, "s"), "values": (3, "s")},
    # apps/v1
    "DaemonSet": {"metadata": (1, "ObjectMeta"), "spec": (2, "DaemonSetSpec"),
                  "status": (3, "DaemonSetStatus")},
    "DaemonSetSpec": {"selector": (1, "LabelSelector"), "template": (2, "PodTemplateSpec"),
                      "updateStrategy": (3, "DaemonSetUpdateStrategy"),
                      "minReadySeconds": (4, "i"), "revisionHistoryLimit": (6, "i")},
    "DaemonSetUpdateStrategy": {"type": (1, "s"), "rollingUpdate": (2, "RollingUpdateDaemonSet")},
    "RollingUpdateDaemonSet": {"maxUnavailable": (1, "ios"), "maxSurge": (2, "ios")},
    "DaemonSetStatus": {"currentNumberScheduled": (1, "i"), "numberMisscheduled": (2, "i"),
                        "desiredNumberScheduled": (3, "i"), "numberReady": (4, "i"),
                        "observedGeneration": (5, "i"), "updatedNumberScheduled": (6, "i"),
                        "numberAvailable": (7, "i"), "numberUnavailable": (8, "i"),
                        "collisionCount": (9, "i"), "conditions": (10, "DaemonSetCondition")},
    "DaemonSetCondition": {"type": (1, "s"), "status": (2, "s"), "lastTransitionTime": (3, "t"),
                           "reason": (4, "s"), "message": (5, "s")},
    # core/v1 Pod
    "Pod": {"metadata": (1, "ObjectMeta"), "spec": (2, "PodSpec"), "status": (3, "PodStatus")},
    "PodTemplateSpec": {"metadata": (1, "ObjectMeta"), "spec": (2, "PodSpec")},
    "PodSpec": {"volumes": (1, "Volume"), "containers": (2, "Container"),
                "restartPolicy": (3, "s"), "terminationGracePeriodSeconds": (4, "i"),
                "activeDeadlineSeconds": (5, "i"), "dnsPolicy": (6, "s"),
                "nodeSelector": (7, "mss"), "serviceAccountName": (8, "s"),
                "serviceAccount": (9, "s"), "nodeName": (10, "s"), "hostNetwork": (11, "b"),
                "hostPID": (12, "b"), "hostIPC": (13, "b"),
                "securityContext": (14, "PodSecurityContext"), "affinity": (18, "Affinity"),
                "schedulerName": (19, "s"), "initContainers": (20, "Container"),
                "automountServiceAccountToken": (21, "b"), "tolerations": (22, "Toleration"),
                "priorityClassName": (24, "s"), "priority": (25, "i"),
                "enableServiceLinks": (30, "b"), "preemptionPolicy": (31, "s")},
    "PodSecurityContext": {"runAsUser": (2, "i"), "runAsNonRoot": (3, "b"),
                           "supplementalGroups": (4, "i"), "fsGroup": (5, "i")},
    "Affinity": {"nodeAffinity": (1, "NodeAffinity"), "podAntiAffinity": (3, "PodAntiAffinity")},
    "NodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": (1, "NodeSelector"),
                     "preferredDuringSchedulingIgnoredDuringExecution":
                         (2, "PreferredSchedulingTerm")},
    "NodeSelector": {"nodeSelectorTerms": (1, "NodeSelectorTerm")},
    "NodeSelectorTerm": {"matchExpressions": (1, "NodeSelectorRequirement"),
                         "matchFields": (2, "NodeSelectorRequirement")},
    "NodeSelectorRequirement": {"key": (1, "s"), "operator": (2, "s"), "values": (3, "s")},
    "PreferredSchedulingTerm": {"weight": (1, "i"), "preference": (2, "NodeSelectorTerm")},
    "PodAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": (1, "PodAffinityTerm"),
                        "preferredDuringSchedulingIgnoredDuringExecution":
                            (2, "WeightedPodAffinityTerm")},
    "PodAffinityTerm": {"labelSelector": (1, "LabelSelector"), "namespaces": (2, "s"),
                        "topologyKey": (3, "s")},
    "WeightedPodAffinityTerm": {"weight": (1, "i"), "podAffinityTerm": (2, "PodAffinityTerm")},
    "Toleration": {"key": (1, "s"), "operator": (2, "s"), "value": (3, "s"), "effect": (4, "s"),
                   "tolerationSeconds": (5, "i")},
    "Volume": {"name": (1, "s"), "@inline": [(2, "VolumeSource")]},
    "VolumeSource": {"hostPath": (1, "HostPathVolumeSource"), "emptyDir": (2, "EmptyDirVolumeSource"),
                     "secret": (6, "SecretVolumeSource"), "downwardAPI": (16, "DownwardAPIVolumeSource"),
                     "configMap": (19, "ConfigMapVolumeSource")},
    "HostPathVolumeSource": {"path": (1, "s"), "type": (2, "s")},
    "EmptyDirVolumeSource": {"medium": (1, "s"), "sizeLimit": (2, "q")},
    "SecretVolumeSource": {"secretName": (1, "s"), "items": (2, "KeyToPath"),
                           "defaultMode": (3, "i"), "optional": (4, "b")},
    "ConfigMapVolumeSource": {"@inline": [(1, "LocalObjectReference")], "items": (2, "KeyToPath"),
                              "defaultMode": (3, "i"), "optional": (4, "b")},
    "LocalObjectReference": {"name": (1, "s")},
    "KeyToPath": {"key": (1, "s"), "path": (2, "s"), "mode": (3, "i")},
    "DownwardAPIVolumeSource": {"items": (1, "DownwardAPIVolumeFile"), "defaultMode": (2, "i")},
    "DownwardAPIVolumeFile": {"path": (1, "s"), "fieldRef": (2, "ObjectFieldSelector"),
                              "resourceFieldRef": (3, "ResourceFieldSelector"), "mode": (4, "i")},
    "ObjectFieldSelector": {"apiVersion": (1, "s"), "fieldPath": (2, "s")},
    "ResourceFieldSelector": {"containerName": (1, "s"), "resource": (2, "s"), "divisor": (3, "q")},
    "Container": {"name": (1, "s"), "image": (2, "s"), "command": (3, "s"), "args": (4, "s"),
                  "workingDir": (5, "s"), "ports": (6, "ContainerPort"), "env": (7, "EnvVar"),
                  "resources": (8, "ResourceRequirements"), "volumeMounts": (9, "VolumeMount"),
                  "livenessProbe": (10, "Probe"), "readinessProbe": (11, "Probe"),
                  "lifecycle": (12, "Lifecycle"), "terminationMessagePath": (13, "s"),
                  "imagePullPolicy": (14, "s"), "securityContext": (15, "SecurityContext"),
                  "stdin": (16, "b"), "stdinOnce": (17, "b"), "tty": (18, "b"),
                  "envFrom": (19, "EnvFromSource"), "terminationMessagePolicy": (20, "s"),
                  "startupProbe": (22, "Probe")},
    "ContainerPort": {"name": (1, "s"), "hostPort": (2, "i"), "containerPort": (3, "i"),
                      "protocol": (4, "s"), "hostIP": (5, "s")},
    "EnvVar": {"name": (1, "s"), "value": (2, "s"), "valueFrom": (3, "EnvVarSource")},
    "EnvVarSource": {"fieldRef": (1, "ObjectFieldSelector"),
                     "resourceFieldRef": (2, "ResourceFieldSelector"),
                     "configMapKeyRef": (3, "ConfigMapKeySelector"),
                     "secretKeyRef": (4, "SecretKeySelector")},
    "ConfigMapKeySelector": {"@inline": [(1, "LocalObjectReference")], "key": (2, "s"),
                             "optional": (3, "b")},
    "SecretKeySelector": {"@inline": [(1, "LocalObjectReference")], "key": (2, "s"),
                          "optional": (3, "b")},
    "EnvFromSource": {"prefix": (1, "s"), "configMapRef": (2, "ConfigMapEnvSource"),
                      "secretRef": (3, "SecretEnvSource")},
    "ConfigMapEnvSource": {"@inline": [(1, "LocalObjectReference")], "optional": (2, "b")},
    "SecretEnvSource": {"@inline": [(1, "LocalObjectReference")], "optional": (2, "b")},
    "ResourceRequirements": {"limits": (1, "mq"), "requests": (2, "mq")},
    "VolumeMount": {"name": (1, "s"), "readOnly": (2, "b"), "mountPath": (3, "s"),
                    "subPath": (4, "s"), "mountPropagation": (5, "s")},
    "Probe": {"@inline": [(1, "ProbeHandler")], "initialDelaySeconds": (2, "i"),
              "timeoutSeconds": (3, "i"), "periodSeconds": (4, "i"),
              "successThreshold": (5, "i"), "failureThreshold": (6, "i")},
    "ProbeHandler": {"exec": (1, "ExecAction"), "httpGet": (2, "HTTPGetAction"),
                     "tcpSocket": (3, "TCPSocketAction"), "grpc": (4, "GRPCAction")},
    "ExecAction": {"command": (1, "s")},
    "HTTPGetAction": {"path": (1, "s"), "port": (2, "ios"), "host": (3, "s"), "scheme": (4, "s"),
                      "httpHeaders": (5, "HTTPHeader")},
    "HTTPHeader": {"name": (1, "s"), "value": (2, "s")},
    "TCPSocketAction": {"port": (1, "ios"), "host": (2, "s")},
    "GRPCAction": {"port": (1, "i"), "service": (2, "s")},
    "Lifecycle": {"postStart": (1, "LifecycleHandler"), "preStop": (2, "LifecycleHandler")},
    "LifecycleHandler": {"exec": (1, "ExecAction"), "httpGet": (2, "HTTPGetAction"),
                         "tcpSocket": (3, "TCPSocketAction"), "sleep": (4, "SleepAction")},
    "SleepAction": {"seconds": (1, "i")},
    "SecurityContext": {"capabilities": (1, "Capabilities"), "privileged": (2, "b"),
                        "runAsUser": (4, "i"), "runAsNonRoot": (5, "b"),
                        "readOnlyRootFilesystem": (6, "b"), "allowPrivilegeEscalation": (7, "b")},
    "Capabilities": {"add": (1, "s"), "drop": (2, "s")},
    "PodStatus": {"phase": (1, "s"), "conditions": (2, "PodCondition"), "message": (3, "s"),
                  "reason": (4, "s"), "hostIP": (5, "s"), "podIP": (6, "s"),
                  "startTime": (7, "t"), "containerStatuses": (8, "ContainerStatus"),
                  "qosClass": (9, "s"), "initContainerStatuses": (10, "ContainerStatus"),
                  "nominatedNodeName": (11, "s"), "podIPs": (12, "PodIP"),
                  "hostIPs": (16, "HostIP")},
    "PodCondition": {"type": (1, "s"), "status": (2, "s"), "lastProbeTime": (3, "t"),
                     "lastTransitionTime": (4, "t"), "reason": (5, "s"), "message": (6, "s")},
    "PodIP": {"ip": (1, "s")},
    "HostIP": {"ip": (1, "s")},
    "ContainerStatus": {"name": (1, "s"), "state": (2, "ContainerState"),
                        "lastState": (3, "ContainerState"), "ready": (4, "b"),
                        "restartCount": (5, "i"), "image": (6, "s"), "imageID": (7, "s"),
                        "containerID": (8, "s"), "started": (9, "b")},
    "ContainerState": {"waiting": (1, "ContainerStateWaiting"),
                       "running": (2, "ContainerStateRunning"),
                       "terminated": (3, "ContainerStateTerminated")},
    "ContainerStateWaiting": {"reason": (1, "s"), "message": (2, "s")},
    "ContainerStateRunning": {"startedAt": (1, "t")},
    "ContainerStateTerminated": {"exitCode": (1, "i"), "signal": (2, "i"), "reason": (3, "s"),
                                 "message": (4, "s"), "startedAt": (5, "t"),
                                 "finishedAt": (6, "t"), "containerID": (7, "s")},
    "Binding": {"metadata": (1, "ObjectMeta"), "target": (2, "ObjectReference")},
    "ObjectReference": {"kind": (1, "s"), "namespace": (2, "s"), "name": (3, "s"),
                        "uid": (4, "s"), "apiVersion": (5, "s")},
    "Eviction": {"metadata": (1, "ObjectMeta"), "deleteOptions": (2, "DeleteOptions")},
    # core/v1 Node
    "Node": {"metadata": (1, "ObjectMeta"), "spec": (2, "NodeSpec"), "status": (3, "NodeStatus")},
    "NodeSpec": {"podCIDR": (1, "s"), "providerID": (3, "s"), "unschedulable": (4, "b"),
                 "taints": (5, "Taint"), "podCIDRs": (7, "s")},
    "Taint": {"key": (1, "s"), "value": (2, "s"), "effect": (3, "s"), "timeAdded": (4, "t")},
    "NodeStatus": {"capacity": (1, "mq"), "allocatable": (2, "mq"), "phase": (3, "s"),
                   "conditions": (4, "NodeCondition"), "addresses": (5, "NodeAddress"),
                   "daemonEndpoints": (6, "NodeDaemonEndpoints"), "nodeInfo": (7, "NodeSystemInfo"),
                   "images": (8, "ContainerImage")},
    "NodeCondition": {"type": (1, "s"), "status": (2, "s"), "lastHeartbeatTime": (3, "t"),
                      "lastTransitionTime": (4, "t"), "reason": (5, "s"), "message": (6, "s")},
    "NodeAddress": {"type": (1, "s"), "address": (2, "s")},
    "NodeDaemonEndpoints": {"kubeletEndpoint": (1, "DaemonEndpoint")},
    "DaemonEndpoint": {"Port": (1, "i")},
    "NodeSystemInfo": {"machineID": (1, "s"), "systemUUID": (2, "s"), "bootID": (3, "s"),
                       "kernelVersion": (4, "s"), "osImage": (5, "s"),
                       "containerRuntimeVersion": (6, "s"), "kubeletVersion": (7, "s"),
                       "kubeProxyVersion": (8, "s"), "operatingSystem": (9, "s"),
                       "architecture": (10, "s")},
    "ContainerImage": {"names": (1, "s"), "sizeBytes": (2, "i")},
}


def _value(num, typ, v, path):
    if typ == "s":
        return _str(num, v)
    if typ == "i":
        return _int(num, v)
    if typ == "b":
        return _int(num, 1 if v else 0)
    if typ == "t":
        return _time(num, v)
    if typ == "q":
        return _len(num, _str(1, v))
    if typ == "ios":
        return _intorstr(num, v)
    if typ == "mss":
        return b"".join(_len(num, _str(1, k) + _str(2, x)) for k, x in v.items())
    if typ == "mq":
        return b"".join(_len(num, _str(1, k) + _len(2, _str(1, x))) for k, x in v.items())
    return _len(num, encode_message(typ, v, path))


def encode_message(name, obj, path=""):
    """The generated.proto encoding of obj (a JSON-form dict) as message name.
    None values are left out (null and absent mean the same to Go); a key the
    table lacks raises, so a test cannot silently drop a field."""
    fields = SCHEMA[name]
    inline = {}
    out = b""
    for key, v in obj.items():
        where = f"{path}.{key}"
        if key in fields:
            if v is None:
                continue
            num, typ = fields[key]
            for item in (v if isinstance(v, list) else [v]):
                out += _value(num, typ, item, where)
            continue
        for num, sub in fields.get("@inline", []):
            if key in SCHEMA[sub]:
                inline.setdefault((num, sub), {})[key] = v
                break
        else:
            raise KeyError(f"{where}: no field {key!r} in the test's {name} table")
    for (num, sub), part in inline.items():
        out += _len(num, encode_message(sub, part, path))
    return out


def envelope(obj, kind=None):
    """'k8s\\0' + runtime.Unknown{TypeMeta{apiVersion, kind}, raw, "", ""}."""
    kind = kind or obj["kind"]
    raw = encode_message(kind, {k: v for k, v in obj.items() if k not in ("apiVersion", "kind")},
                         kind)
    type_meta = _str(1, obj["apiVersion"]) + _str(2, kind)
    return b"k8s\x00" + _len(1, type_meta) + _len(2, raw) + _str(3, "") + _str(4, "")


# ---- fixtures and helpers -------------------------------------------------------


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    """A private server: these tests add nodes every DaemonSet would see."""
    s = _make_server(tmp_path_factory.mktemp("protobuf"))
    s.start(extra_args=("--node-monitor-grace-period", "3600"))
    yield s
    _finish_server(s)


@pytest.fixture(scope="module")
def nodes(srv):
    """Two nodes with a label only the DaemonSets here select."""
    token = uniq("pb")
    names = [uniq("pbnode"), uniq("pbnode")]
    for n in names:
        r = srv.api("POST", "/api/v1/nodes", node_manifest(n, labels={"pbtest": token}))
        assert r.status == 201, r
    return token, names


@pytest.fixture
def space(srv):
    name = uniq("pb")
    r = srv.api("POST", "/api/v1/namespaces",
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    assert r.status == 201, r
    yield name
    srv.api("DELETE", f"/api/v1/namespaces/{name}")


@pytest.fixture
def space2(srv):
    name = uniq("pb")
    r = srv.api("POST", "/api/v1/namespaces",
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    assert r.status == 201, r
    yield name
    srv.api("DELETE", f"/api/v1/namespaces/{name}")


def send_pb(srv, method, path, obj, kind=None):
    """Send obj as a protobuf body, as client-go does; the answer must be JSON."""
    r = srv.api(method, path, envelope(obj, kind), content_type=PB, accept=PB_ACCEPT)
    assert r.headers.get("content-type", "").startswith("application/json"), r.headers
    return r


VOLATILE = ("name", "namespace", "uid", "resourceVersion", "creationTimestamp", "managedFields",
            "selfLink")


def comparable(obj):
    """obj without what differs between two objects created alike."""
    obj = json.loads(json.dumps(obj))
    for k in VOLATILE:
        obj.get("metadata", {}).pop(k, None)
    for ref in obj.get("metadata", {}).get("ownerReferences", []):
        ref.pop("uid", None)
    return obj


def differences(a, b, path=""):
    """Paths where two JSON values differ, with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: {json.dumps(a.get(k, '<absent>'))} | "
                           f"{json.dumps(b.get(k, '<absent>'))}")
            else:
                out += differences(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {json.dumps(a)} | {json.dumps(b)}"]


def assert_same(a, b, what):
    """a (sent as protobuf) and b (sent as JSON) must be equal."""
    if a != b:
        pytest.fail(f"{what} differ (protobuf | json):\n  " + "\n  ".join(differences(a, b)))


# ---- DaemonSet ------------------------------------------------------------------


def daemonset(name, token, image="busybox:1.36"):
    """A DaemonSet in the JSON form a Go client sends: the zero values of
    fields without omitempty included (creationTimestamp null, status
    counters), those of omitempty fields left out, pointers that are set kept
    even when false or 0 (privileged, maxSurge)."""
    return {
        "kind": "DaemonSet", "apiVersion": "apps/v1",
        "metadata": {"name": name, "creationTimestamp": None,
                     "labels": {"app": "pbtest"}, "annotations": {"note": "h\u00e9llo \"q\""}},
        "spec": {
            "selector": {"matchLabels": {"app": name},
                         "matchExpressions": [{"key": "tier", "operator": "NotIn",
                                               "values": ["db"]}]},
            "template": {
                "metadata": {"creationTimestamp": None, "labels": {"app": name, "tier": "web"}},
                "spec": {
                    "volumes": [{"name": "log", "hostPath": {"path": "/var/log", "type": "Directory"}},
                                {"name": "cache", "emptyDir": {"sizeLimit": "64Mi"}},
                                {"name": "cfg", "configMap": {"name": "c", "defaultMode": 420,
                                                              "optional": True}}],
                    "containers": [{
                        "name": "app", "image": image,
                        "command": ["sh", "-c", "sleep 3600"],
                        "ports": [{"name": "http", "containerPort": 8080, "hostPort": 8080}],
                        "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                                {"name": "EMPTY"},
                                {"name": "MEM", "valueFrom": {"resourceFieldRef": {
                                    "resource": "limits.memory", "divisor": "1Mi"}}}],
                        "resources": {"limits": {"cpu": "200m", "memory": "100Mi"},
                                      "requests": {"cpu": "100m", "memory": "64Mi"}},
                        "volumeMounts": [{"name": "log", "mountPath": "/var/log", "readOnly": True}],
                        "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"},
                                           "periodSeconds": 5},
                        "livenessProbe": {"tcpSocket": {"port": 8080}, "failureThreshold": 5},
                        "lifecycle": {"preStop": {"sleep": {"seconds": 2}}},
                        "securityContext": {"privileged": False,
                                            "capabilities": {"add": ["NET_ADMIN"]}},
                    }],
                    "nodeSelector": {"pbtest": token},
                    "tolerations": [{"key": "node-role.kubernetes.io/control-plane",
                                     "operator": "Exists", "effect": "NoSchedule"},
                                    {"operator": "Exists", "effect": "NoExecute",
                                     "tolerationSeconds": 30}],
                    "terminationGracePeriodSeconds": 10,
                },
            },
            "updateStrategy": {"type": "RollingUpdate",
                               "rollingUpdate": {"maxUnavailable": "10%", "maxSurge": 0}},
            "revisionHistoryLimit": 5,
        },
        "status": {"currentNumberScheduled": 0, "numberMisscheduled": 0,
                   "desiredNumberScheduled": 0, "numberReady": 0},
    }


def ds_pods(srv, ns, ds_name):
    """{node: pod} of the DaemonSet's pods."""
    items = srv.get_json(f"/api/v1/namespaces/{ns}/pods?labelSelector=app%3D{ds_name}")["items"]
    return {p["spec"].get("nodeName"): p for p in items
            if not p["metadata"].get("deletionTimestamp")}


def revisions(srv, ns, ds_name):
    """The DaemonSet's ControllerRevisions by revision number."""
    items = srv.get_json(f"/apis/apps/v1/namespaces/{ns}/controllerrevisions")["items"]
    return {cr["revision"]: cr for cr in items
            if any(o.get("name") == ds_name for o in cr["metadata"].get("ownerReferences", []))}


def compare_daemonsets(srv, nss, name, node_names, revision):
    """The DaemonSet `name` in the two namespaces nss (created as protobuf and
    as JSON), its ControllerRevisions and its pods must be the same apart from
    namespaces, uids and the like."""
    a, b = (srv.get_json(f"/apis/apps/v1/namespaces/{ns}/daemonsets/{name}") for ns in nss)
    assert_same(comparable(a)["spec"], comparable(b)["spec"], "specs")
    assert_same(comparable(a)["metadata"], comparable(b)["metadata"], "metadata")

    ra, rb = (wait_until(lambda: revisions(srv, ns, name).get(revision),
                         what=f"{ns}/{name} revision {revision}") for ns in nss)
    assert_same(comparable(ra), comparable(rb), "ControllerRevisions")
    assert ra["metadata"]["name"] == rb["metadata"]["name"], (ra, rb)

    def settled(ns, want_hash):
        pods = ds_pods(srv, ns, name)
        # A set, not sorted(): a pod created but not yet bound has node None
        # for a moment in the middle of the roll-out, and that is "not yet".
        ok = set(pods) == set(node_names) and all(
            p["metadata"]["labels"].get("controller-revision-hash") == want_hash
            for p in pods.values())
        return pods if ok else None

    want = ra["metadata"]["labels"]["controller-revision-hash"]
    pa, pb = (wait_until(lambda: settled(ns, want), timeout=20,
                         what=f"{ns}/{name} pods of revision {revision} on both nodes")
              for ns in nss)
    for node in node_names:
        x, y = comparable(pa[node]), comparable(pb[node])
        for o in (x, y):
            o["metadata"].pop("ownerReferences")
            o["metadata"].pop("generateName")
            o.pop("status", None)
        assert_same(x, y, f"pods on {node}")


def put_retrying(srv, get_path, put_path, change, via_pb, tries=5):
    """Read, change, PUT with the read resourceVersion, as client-go's
    RetryOnConflict does: the DaemonSet controller writes the object's status
    meanwhile, and a PUT that lost that race is refused with 409 and read
    again (a bounded number of times)."""
    for _ in range(tries):
        cur = srv.get_json(get_path)
        change(cur)
        r = send_pb(srv, "PUT", put_path, cur) if via_pb else srv.api("PUT", put_path, cur)
        if r.status != 409:
            return r
    return r


def test_daemonset_create_update_and_status(srv, nodes, space, space2):
    token, node_names = nodes
    nss = (space, space2)  # the protobuf one, the JSON one
    name = uniq("ds")
    base = [f"/apis/apps/v1/namespaces/{ns}/daemonsets" for ns in nss]

    # create: 201 with the object, as JSON
    r = send_pb(srv, "POST", base[0], daemonset(name, token))
    assert r.status == 201, r
    assert r.json["kind"] == "DaemonSet" and r.json["metadata"]["name"] == name, r
    r = srv.api("POST", base[1], daemonset(name, token))
    assert r.status == 201, r
    compare_daemonsets(srv, nss, name, node_names, 1)

    # update the template with the whole object read back (a PUT as the e2e
    # suite does it), so every defaulted field travels as protobuf too
    def new_template(cur):
        cur["spec"]["template"]["spec"]["containers"][0]["image"] = "busybox:1.37"
        cur["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"] = 1

    for path, via_pb in ((base[0], True), (base[1], False)):
        r = put_retrying(srv, f"{path}/{name}", f"{path}/{name}", new_template, via_pb)
        assert r.status == 200, r
        assert r.json["metadata"]["generation"] == 2, r
        assert r.json["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"] == 1, r
    compare_daemonsets(srv, nss, name, node_names, 2)

    # a stale resourceVersion is a conflict, whatever the encoding
    stale = daemonset(name, token)
    stale["metadata"]["resourceVersion"] = "1"
    r = send_pb(srv, "PUT", f"{base[0]}/{name}", stale)
    assert r.status == 409 and r.json["reason"] == "Conflict", r

    # status subresource: a client-set condition, the rest of the body ignored
    cond = {"type": "StatusUpdate", "status": "True", "reason": "E2E",
            "message": "Set from an e2e test", "lastTransitionTime": "2025-01-01T00:00:00Z"}
    def new_status(cur):
        cur["status"]["conditions"] = [cond]
        cur["spec"]["minReadySeconds"] = 99  # not applied through /status

    for path, via_pb in ((base[0], True), (base[1], False)):
        r = put_retrying(srv, f"{path}/{name}", f"{path}/{name}/status", new_status, via_pb)
        assert r.status == 200, r
    for path in base:
        got = srv.get_json(f"{path}/{name}")
        assert got["status"].get("conditions") == [cond], got["status"]
        assert got["spec"].get("minReadySeconds", 0) == 0, got["spec"]

    # DeleteCollection with a protobuf DeleteOptions of group apps/v1, as the
    # e2e suite's typed client sends it: the DaemonSet and its pods go
    opts = {"apiVersion": "apps/v1", "kind": "DeleteOptions", "propagationPolicy": "Background"}
    r = send_pb(srv, "DELETE", f"{base[0]}?labelSelector=app%3Dpbtest", opts)
    assert r.status == 200, r
    assert srv.api("GET", f"{base[0]}/{name}").status == 404
    wait_until(lambda: not ds_pods(srv, nss[0], name), timeout=20, what="the pods to go")
    assert srv.api("GET", f"{base[1]}/{name}").status == 200  # the other namespace's stays


# ---- Pod ------------------------------------------------------------------------


def pod(name, ns, node):
    return {
        "kind": "Pod", "apiVersion": "v1",
        "metadata": {"name": name, "namespace": ns, "creationTimestamp": None,
                     "labels": {"app": "pbtest"}},
        "spec": {
            "nodeName": node,
            "initContainers": [{"name": "init", "image": "busybox", "command": ["true"],
                                "resources": {}}],
            "containers": [{"name": "app", "image": "busybox:1.36", "resources": {},
                            "args": ["sleep", "3600"],
                            "env": [{"name": "A", "value": "1"}],
                            "startupProbe": {"exec": {"command": ["true"]}}},
                           {"name": "side", "image": "busybox", "resources": {},
                            "stdin": True, "tty": True}],
            "restartPolicy": "Always",
            "securityContext": {"runAsUser": 1000, "supplementalGroups": [1, 2]},
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In",
                                                        "values": [node]}]}]}}},
        },
        "status": {},
    }


def pod_status(node_ip):
    """A Failed pod's status, as the DaemonSet e2e suite writes one (and more)."""
    return {
        "phase": "Failed",
        "conditions": [
            {"type": "Ready", "status": "False", "lastProbeTime": None,
             "lastTransitionTime": "2025-01-01T00:00:05Z", "reason": "PodFailed"},
            {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
             "lastTransitionTime": "2025-01-01T00:00:00Z"}],
        "message": "set by a test", "reason": "Evicted",
        "hostIP": node_ip, "hostIPs": [{"ip": node_ip}],
        "podIP": "10.244.0.9", "podIPs": [{"ip": "10.244.0.9"}],
        "startTime": "2025-01-01T00:00:01Z",
        "initContainerStatuses": [{
            "name": "init", "ready": False, "restartCount": 0, "image": "busybox",
            "imageID": "docker.io/library/busybox@sha256:00", "started": False,
            "state": {"terminated": {"exitCode": 0, "reason": "Completed",
                                     "startedAt": "2025-01-01T00:00:01Z",
                                     "finishedAt": "2025-01-01T00:00:02Z",
                                     "containerID": "everynode://init"}},
            "lastState": {}}],
        "containerStatuses": [
            {"name": "app", "ready": False, "restartCount": 3, "image": "busybox:1.36",
             "imageID": "", "containerID": "everynode://app", "started": False,
             "state": {"terminated": {"exitCode": 137, "signal": 9, "reason": "OOMKilled",
                                      "startedAt": None, "finishedAt": "2025-01-01T00:00:04Z"}},
             "lastState": {"running": {"startedAt": "2025-01-01T00:00:03Z"}}},
            {"name": "side", "ready": False, "restartCount": 0, "image": "busybox",
             "imageID": "", "state": {"waiting": {"reason": "ErrImagePull",
                                                  "message": "not found"}},
             "lastState": {}}],
        "qosClass": "BestEffort",
    }


def test_pod_create_and_status_update(srv, nodes, space):
    _, node_names = nodes
    base = f"/api/v1/namespaces/{space}/pods"
    pb_name, js_name = uniq("podpb"), uniq("podjs")

    r = send_pb(srv, "POST", base, pod(pb_name, space, node_names[0]))
    assert r.status == 201, r
    r = srv.api("POST", base, pod(js_name, space, node_names[0]))
    assert r.status == 201, r
    a, b = srv.get_json(f"{base}/{pb_name}"), srv.get_json(f"{base}/{js_name}")
    # (the status is the server's so far, with its own timestamps)
    assert_same(comparable(a)["spec"], comparable(b)["spec"], "created pods' specs")
    assert_same(comparable(a)["metadata"], comparable(b)["metadata"], "created pods' metadata")
    # defaults applied to what came as protobuf, as to JSON
    assert a["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent", a["spec"]
    assert a["spec"]["containers"][1]["tty"] is True, a["spec"]

    # PUT pods/NAME/status with the whole pod and an empty resourceVersion,
    # as the e2e suite's "retry creating failed daemon pods" does
    for name, via_pb in ((pb_name, True), (js_name, False)):
        cur = srv.get_json(f"{base}/{name}")
        cur["metadata"]["resourceVersion"] = ""
        cur["status"] = pod_status("127.0.0.1")
        r = send_pb(srv, "PUT", f"{base}/{name}/status", cur) if via_pb else \
            srv.api("PUT", f"{base}/{name}/status", cur)
        assert r.status == 200, r
        assert r.json["status"]["phase"] == "Failed", r
    a, b = srv.get_json(f"{base}/{pb_name}"), srv.get_json(f"{base}/{js_name}")
    assert_same(comparable(a), comparable(b), "pods after the status update")
    st = a["status"]
    assert st["containerStatuses"][0]["state"]["terminated"] == {
        "exitCode": 137, "signal": 9, "reason": "OOMKilled", "startedAt": None,
        "finishedAt": "2025-01-01T00:00:04Z"}, st
    assert st["containerStatuses"][1]["state"] == {
        "waiting": {"reason": "ErrImagePull", "message": "not found"}}, st
    assert st["conditions"][0]["lastProbeTime"] is None, st
    assert st["hostIPs"] == [{"ip": "127.0.0.1"}] and st["podIPs"] == [{"ip": "10.244.0.9"}], st


def test_binding_and_eviction(srv, nodes, space):
    """pods/NAME/binding and pods/NAME/eviction with protobuf bodies."""
    _, node_names = nodes
    base = f"/api/v1/namespaces/{space}/pods"
    p = pod("bind-me", space, "")
    del p["spec"]["nodeName"]
    del p["spec"]["affinity"]
    p["spec"]["schedulerName"] = "elsewhere"  # not ours: stays unbound until bound here
    r = srv.api("POST", base, p)
    assert r.status == 201, r
    binding = {"apiVersion": "v1", "kind": "Binding",
               "metadata": {"name": "bind-me", "namespace": space},
               "target": {"kind": "Node", "name": node_names[1]}}
    r = send_pb(srv, "POST", f"{base}/bind-me/binding", binding)
    assert r.status == 201, r
    assert srv.get_json(f"{base}/bind-me")["spec"]["nodeName"] == node_names[1]
    # a bound pod is not moved: 409 in Kubernetes' words
    r = send_pb(srv, "POST", f"{base}/bind-me/binding",
                dict(binding, target={"kind": "Node", "name": node_names[0]}))
    assert r.status == 409 and r.json["reason"] == "Conflict", r
    assert r.json["message"] == (f'Operation cannot be fulfilled on pods/binding "bind-me": '
                                 f'pod bind-me is already assigned to node "{node_names[1]}"'), r
    assert srv.get_json(f"{base}/bind-me")["spec"]["nodeName"] == node_names[1]
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction",
                "metadata": {"name": "bind-me", "namespace": space},
                "deleteOptions": {"gracePeriodSeconds": 0}}
    r = send_pb(srv, "POST", f"{base}/bind-me/eviction", eviction)
    assert r.status == 201, r
    wait_until(lambda: srv.api("GET", f"{base}/bind-me").status == 404, what="the evicted pod to go")


# ---- Node -----------------------------------------------------------------------


def go_node(name, labels):
    """node_manifest in the form a Go client writes it (zero values included)."""
    n = node_manifest(name, labels=labels)
    n["metadata"]["creationTimestamp"] = None
    n["status"]["daemonEndpoints"] = {"kubeletEndpoint": {"Port": 10250}}
    return n


def test_node_update(srv, nodes):
    names = [uniq("nodepb"), uniq("nodejs")]
    for n in names:
        r = srv.api("POST", "/api/v1/nodes", go_node(n, {"pbnode": "x"}))
        assert r.status == 201, r
    try:
        # PUT nodes/NAME with the whole object and its resourceVersion, as the
        # e2e suite does to set daemonset-color labels
        for name, via_pb in ((names[0], True), (names[1], False)):
            cur = srv.get_json(f"/api/v1/nodes/{name}")
            cur["metadata"]["labels"]["daemonset-color"] = "blue"
            cur["spec"]["taints"] = [{"key": "dedicated", "value": "infra", "effect": "NoSchedule",
                                      "timeAdded": "2025-01-01T00:00:00Z"}]
            cur["spec"]["podCIDR"] = "10.244.7.0/24"
            cur["spec"]["podCIDRs"] = ["10.244.7.0/24"]
            cur["spec"]["providerID"] = "everynode://" + name
            r = send_pb(srv, "PUT", f"/api/v1/nodes/{name}", cur) if via_pb else \
                srv.api("PUT", f"/api/v1/nodes/{name}", cur)
            assert r.status == 200, r
            assert r.json["metadata"]["labels"]["daemonset-color"] == "blue", r
        a, b = srv.get_json(f"/api/v1/nodes/{names[0]}"), srv.get_json(f"/api/v1/nodes/{names[1]}")
        for o in (a, b):
            o["metadata"]["labels"].pop("kubernetes.io/hostname")
            o["spec"].pop("providerID")
            o["status"]["addresses"] = [x for x in o["status"]["addresses"] if x["type"] != "Hostname"]
        assert_same(comparable(a), comparable(b), "nodes after PUT")
        assert a["spec"]["taints"][0]["timeAdded"] == "2025-01-01T00:00:00Z", a["spec"]

        # the status subresource, with quantities and a new condition
        for name, via_pb in ((names[0], True), (names[1], False)):
            cur = srv.get_json(f"/api/v1/nodes/{name}")
            cur["status"]["capacity"]["example.com/dongle"] = "4"
            cur["status"]["allocatable"]["memory"] = "3500Mi"
            cur["status"]["conditions"].append(
                {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure",
                 "lastHeartbeatTime": "2025-01-01T00:01:00Z",
                 "lastTransitionTime": "2025-01-01T00:00:00Z"})
            cur["status"]["images"] = [{"names": ["busybox:1.36"], "sizeBytes": 4261574}]
            r = send_pb(srv, "PUT", f"/api/v1/nodes/{name}/status", cur) if via_pb else \
                srv.api("PUT", f"/api/v1/nodes/{name}/status", cur)
            assert r.status == 200, r
        a, b = srv.get_json(f"/api/v1/nodes/{names[0]}"), srv.get_json(f"/api/v1/nodes/{names[1]}")
        assert_same(a["status"]["capacity"], b["status"]["capacity"], "capacity")
        assert a["status"]["capacity"]["example.com/dongle"] == "4", a["status"]
        assert_same(a["status"]["allocatable"], b["status"]["allocatable"], "allocatable")
        assert_same(a["status"]["conditions"], b["status"]["conditions"], "conditions")
        assert_same(a["status"]["images"], b["status"]["images"], "images")

        # a stale resourceVersion is a 409 Conflict
        stale = srv.get_json(f"/api/v1/nodes/{names[0]}")
        stale["metadata"]["resourceVersion"] = "1"
        r = send_pb(srv, "PUT", f"/api/v1/nodes/{names[0]}", stale)
        assert r.status == 409 and r.json["reason"] == "Conflict", r
    finally:
        for n in names:
            srv.api("DELETE", f"/api/v1/nodes/{n}")


# ---- bad protobuf bodies on the new kinds ------------------------------------------


def test_bad_bodies_are_400_with_the_field(srv, space):
    body = daemonset("bad", "t")
    raw = envelope(body)
    # cut the object short: the envelope's raw bytes end inside the object
    r = srv.api("POST", f"/apis/apps/v1/namespaces/{space}/daemonsets", raw[:len(raw) // 2],
                content_type=PB)
    assert r.status == 400 and r.json["reason"] == "BadRequest", r
    assert "protobuf" in r.json["message"], r
    # containerPort sent as a string
    bad = b"k8s\x00" + _len(1, _str(1, "v1") + _str(2, "Pod")) + _len(
        2, _len(2, _len(2, _str(1, "c") + _len(6, _str(3, "80")))))
    r = srv.api("POST", f"/api/v1/namespaces/{space}/pods", bad, content_type=PB)
    assert r.status == 400, r
    assert "ContainerPort.containerPort" in r.json["message"], r
    # a kind without a decoder is 415
    r = srv.api("POST", f"/api/v1/namespaces/{space}/configmaps",
                b"k8s\x00" + _len(1, _str(1, "v1") + _str(2, "ConfigMap")), content_type=PB)
    assert r.status in (404, 415), r


# ---- real clients: kubectl 1.31 (JSON) against kubectl 1.32 (protobuf) ----------------

K131, K132 = SDK_BIN / "kubectl.1.31", SDK_BIN / "kubectl.1.32"

SOURCE_POD = pathlib.Path(__file__).resolve().parents[1] / "unit" / "protobuf" / "data" / \
    "debug-copy-source.yaml"


def post_content_type(log):
    """The Content-Type of the first POST in a kubectl -v=8 log."""
    m = re.search(r"POST https://\S+\n(?:.*\n){0,8}?.*Content-Type: (\S+)", log)
    assert m, log[-3000:]
    return m.group(1)


@pytest.mark.skipif(not (K131.exists() and K132.exists()),
                    reason="needs the versioned kubectl.1.31 and kubectl.1.32 binaries")
def test_kubectl_132_protobuf_pods_match_kubectl_131_json(srv, nodes, space, tmp_path):
    _, node_names = nodes
    k131 = Kubectl(srv, binary=K131, home=tmp_path / "h131")
    k132 = Kubectl(srv, binary=K132, home=tmp_path / "h132")
    src = SOURCE_POD.read_text().replace("nodeName: n1", f"nodeName: {node_names[0]}")
    k131.ok("create", "-n", space, "-f", "-", input=src)

    # `kubectl debug POD --copy-to`: a whole defaulted PodSpec sent back
    copy_args = ("debug", "-n", space, "rich", "--image=busybox", "--container=dbg",
                 "--keep-labels", "--keep-liveness", "--keep-readiness", "--keep-startup",
                 "--keep-annotations", "--share-processes=true", "-v=8")
    r1 = k131.ok(*copy_args, "--copy-to=copy-json")
    r2 = k132.ok(*copy_args, "--copy-to=copy-pb")
    assert post_content_type(r1.err) == "application/json", r1
    assert post_content_type(r2.err) == PB, r2
    # (status is the server's, with its own timestamps; the clients sent none)
    a = comparable(srv.get_json(f"/api/v1/namespaces/{space}/pods/copy-pb"))
    b = comparable(srv.get_json(f"/api/v1/namespaces/{space}/pods/copy-json"))
    a.pop("status")
    b.pop("status")
    assert_same(a, b, "pods kubectl debug --copy-to created")
    assert len(a["spec"]["containers"]) == 3, a["spec"]

    # `kubectl debug node/NAME`: host namespaces, hostPath, privileged
    for k in (k131, k132):
        k.ok("debug", "-n", space, f"node/{node_names[1]}", "--image=busybox:1.36",
             "--profile=sysadmin")
    items = srv.get_json(f"/api/v1/namespaces/{space}/pods")["items"]
    dbg = [p for p in items if p["metadata"]["name"].startswith(f"node-debugger-{node_names[1]}")]
    assert len(dbg) == 2, [p["metadata"]["name"] for p in items]
    x, y = comparable(dbg[0]), comparable(dbg[1])
    x.pop("status")
    y.pop("status")
    assert_same(x, y, "node debug pods")
    assert dbg[0]["spec"]["hostPID"] is True and \
        dbg[0]["spec"]["containers"][0]["securityContext"] == {"privileged": True}, dbg[0]
