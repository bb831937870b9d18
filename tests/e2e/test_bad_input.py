"""Bad input: every malformed or invalid request gets the 4xx Status Kubernetes gives.

Each case goes to the raw API (urllib-level http.client, so nothing cleans the
request up first) and must come back as a metav1.Status with the expected
code, reason and a message naming the offending field; a few go through
kubectl to check what users see.  The module runs against its own server so
that, at the end, the store can be compared with a snapshot taken before the
first case: rejected writes must leave no trace, and the server must still
serve.
"""

import json
import socket
import ssl
import threading
import time

import pytest

from conftest import Kubectl, _finish_server, _make_server, header_columns, http_request, \
    node_manifest, parse_table, qs, status_of, write_file

NS = "bad"
DS_PATH = f"/apis/apps/v1/namespaces/{NS}/daemonsets"
EXISTING = "existing"
REASONS = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed",
           409: "AlreadyExists", 410: "Expired", 413: "RequestEntityTooLarge", 415: "UnsupportedMediaType",
           422: "Invalid"}


def good_ds(name):
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": NS},
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}}


def ds(name, mutate):
    """good_ds(name) changed by mutate(obj, spec, podspec, container)."""
    obj = good_ds(name)
    spec = obj["spec"]
    pod = spec["template"]["spec"]
    mutate(obj, spec, pod, pod["containers"][0])
    return obj


def _set(d, key, value):
    d[key] = value


class Case:
    """One bad request and what must come back."""

    def __init__(self, id, method, path, body=None, ctype="application/json", code=422,
                 field=None, words=(), reason=None, created=None, query="", headers=None,
                 token="admin", timeout=30.0):
        self.id = id
        self.method = method
        self.path = path + (("?" + query) if query else "")
        self.body = body
        self.ctype = ctype if body is not None else None
        self.codes = code if isinstance(code, (set, frozenset, tuple)) else {code}
        self.field = field        # must appear in message; for 422 also as a cause field
        self.words = words        # at least one must appear in the message (case-insensitive)
        self.reason = reason
        self.created = created    # a path that must still be 404 afterwards
        self.headers = headers
        self.token = token        # "admin": the kubeconfig's token; None: none; else this one
        self.timeout = timeout    # seconds to wait for the whole answer

    def __repr__(self):
        return self.id


def ds_case(id, mutate, field, words=(), code=422):
    obj = ds(id.lower().replace("_", "-")[:50], mutate)
    return Case(id, "POST", DS_PATH, obj, code=code, field=field, words=words,
                created=f"{DS_PATH}/{obj['metadata']['name']}")


def deep(n):
    return "[" * n + "]" * n


CASES = [
    # ---- undecodable bodies (400)
    Case("malformed_json", "POST", DS_PATH, '{"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {',
         code=400, words=("json", "unexpected", "invalid", "decode", "parse", "end")),
    Case("malformed_yaml", "POST", DS_PATH,
         "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: [unclosed\n spec: : :\n",
         ctype="application/yaml", code=400, words=("yaml",), created=f"{DS_PATH}/unclosed"),
    Case("json_array_not_object", "POST", DS_PATH, '[{"apiVersion": "apps/v1", "kind": "DaemonSet"}]',
         code=400, words=("array", "object", "unmarshal", "expected")),
    Case("json_scalar_body", "POST", DS_PATH, '"just a string"', code=400,
         words=("string", "object", "unmarshal", "expected")),
    Case("empty_body", "POST", DS_PATH, "", code=400,
         words=("empty", "body", "end", "eof", "json", "missing")),
    Case("binary_garbage_json", "POST", DS_PATH, b"\xff\xfe\x00\x01garbage\x80", code=400,
         words=("json", "invalid", "utf", "decode", "character")),
    Case("wrong_kind_for_endpoint", "POST", DS_PATH,
         {"apiVersion": "apps/v1", "kind": "ControllerRevision",
          "metadata": {"name": "wrong-kind"}, "revision": 1},
         code=400, words=("ControllerRevision", "kind"), created=f"{DS_PATH}/wrong-kind"),
    Case("core_kind_on_apps_endpoint", "POST", DS_PATH,
         {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "pod-on-ds"},
          "spec": {"containers": [{"name": "c", "image": "x"}]}},
         code=400, words=("v1", "Pod", "version", "kind"), created=f"{DS_PATH}/pod-on-ds"),
    Case("unknown_api_version", "POST", DS_PATH,
         dict(good_ds("v9-ds"), apiVersion="apps/v9"),
         code=400, words=("apps/v9",), created=f"{DS_PATH}/v9-ds"),
    Case("nesting_10000_deep", "POST", DS_PATH,
         '{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"deep"},"spec":{"x":'
         + deep(10000) + '}}',
         code={400, 422}, words=("depth", "nest", "deep", "unknown field", "spec.x", "too"),
         created=f"{DS_PATH}/deep"),
    Case("nesting_100000_deep", "POST", DS_PATH,
         '{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"deeper"},"spec":{"x":'
         + deep(100000) + '}}',
         code={400, 422}, words=("depth", "nest", "deep", "unknown field", "spec.x", "too"),
         created=f"{DS_PATH}/deeper"),
    Case("yaml_alias_bomb", "POST", DS_PATH,
         "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: bomb\n"
         "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
         + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
                   for i in range(8)),
         ctype="application/yaml", code={400, 413, 422},
         words=("alias", "yaml", "too", "unknown field", "large", "limit", "excessive"),
         created=f"{DS_PATH}/bomb"),
    Case("strict_unknown_field", "POST", DS_PATH,
         ds("strict-unknown", lambda o, s, p, c: _set(s, "foo", "bar")),
         query=qs(fieldValidation="Strict"), code=400, words=('unknown field "spec.foo"',),
         created=f"{DS_PATH}/strict-unknown"),
    Case("strict_duplicate_field", "POST", DS_PATH,
         '{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"dup-a","name":"dup-b"},'
         '"spec":{}}',
         query=qs(fieldValidation="Strict"), code=400, words=("duplicate",),
         created=f"{DS_PATH}/dup-b"),
    # Kubernetes fails these while decoding (400); a 422 naming the field is as good.
    Case("wrong_type_for_int", "POST", DS_PATH,
         ds("wrong-type", lambda o, s, p, c: _set(s, "revisionHistoryLimit", "ten")),
         code={400, 422}, words=("revisionHistoryLimit",), created=f"{DS_PATH}/wrong-type"),
    Case("int_overflow", "POST", DS_PATH,
         ds("overflow", lambda o, s, p, c: _set(s, "revisionHistoryLimit", 1 << 40)),
         code={400, 422}, words=("revisionHistoryLimit",), created=f"{DS_PATH}/overflow"),
    Case("bad_quantity", "POST", DS_PATH,
         ds("bad-quantity", lambda o, s, p, c: _set(c, "resources",
                                                    {"requests": {"memory": "1.5.5Gi"}})),
         code={400, 422}, words=("quantit", "1.5.5Gi"), created=f"{DS_PATH}/bad-quantity"),
    Case("protobuf_garbage", "POST", "/api/v1/namespaces", b"k8s\x00\x0a\xff\xff\xff\xff\x0f\x01",
         ctype="application/vnd.kubernetes.protobuf", code=400,
         words=("protobuf", "decode", "invalid", "unexpected", "truncated", "length")),
    Case("protobuf_without_magic", "POST", "/api/v1/namespaces", b"\x0a\x02v1\x12\x09Namespace",
         ctype="application/vnd.kubernetes.protobuf", code=400,
         words=("protobuf", "decode", "invalid", "magic", "prefix", "unexpected")),

    # ---- authentication: the kubeconfig's token is the only way in
    Case("no_token_list", "GET", DS_PATH, code={401, 403}, token=None,
         words=("Unauthorized", "forbidden", "credentials")),
    Case("no_token_create", "POST", DS_PATH, good_ds("anon"), code={401, 403}, token=None,
         words=("Unauthorized", "forbidden", "credentials"), created=f"{DS_PATH}/anon"),
    Case("wrong_token_create", "POST", DS_PATH, good_ds("wrong-token"), code=401,
         token="not-the-token", words=("Unauthorized",), created=f"{DS_PATH}/wrong-token"),
    Case("node_token_is_not_admin_delete", "DELETE", "/api/v1/namespaces/nothing-here", None,
         code={401, 403}, token="node-token", words=("Unauthorized", "forbidden")),

    # ---- content types and methods
    Case("unsupported_content_type_post", "POST", DS_PATH, "<DaemonSet/>",
         ctype="application/xml", code=415, words=("application/xml", "media type", "format")),
    Case("patch_unsupported_content_type", "PATCH", f"{DS_PATH}/{EXISTING}",
         '{"metadata":{"labels":{"a":"b"}}}', ctype="text/plain", code=415,
         words=("media type", "format", "text/plain")),
    Case("patch_plain_json_content_type", "PATCH", f"{DS_PATH}/{EXISTING}",
         '{"metadata":{"labels":{"a":"b"}}}', ctype="application/json", code=415,
         words=("media type", "format", "application/json")),
    Case("post_to_item_path", "POST", f"{DS_PATH}/{EXISTING}", good_ds(EXISTING), code=405,
         words=("method", "POST", "not allowed", "not supported")),
    Case("put_to_collection", "PUT", DS_PATH, good_ds("coll"), code=405,
         words=("method", "PUT", "not allowed", "not supported"), created=f"{DS_PATH}/coll"),

    # ---- paths and query parameters
    Case("unknown_group_version", "GET", "/apis/apps/v9/daemonsets", code=404,
         words=("not found", "could not find")),
    Case("unknown_resource", "GET", f"/apis/apps/v1/namespaces/{NS}/frobnicators", code=404,
         words=("not found", "could not find")),
    Case("put_missing_object", "PUT", f"{DS_PATH}/ghost", good_ds("ghost"), code=404,
         words=('daemonsets.apps "ghost" not found',), created=f"{DS_PATH}/ghost"),
    Case("bad_label_selector", "GET", DS_PATH, query=qs(labelSelector="a in (b"), code=400,
         words=("a in (b", "selector", "requirement", "parse")),
    Case("bad_label_selector_key", "GET", DS_PATH, query=qs(labelSelector="-bad-=x"), code=400,
         words=("-bad-", "selector", "requirement", "key", "name part")),
    Case("unsupported_field_selector", "GET", DS_PATH, query=qs(fieldSelector="spec.foo=bar"),
         code=400, words=("spec.foo",)),
    Case("malformed_field_selector", "GET", "/api/v1/pods", query=qs(fieldSelector="spec.nodeName"),
         code=400, words=("spec.nodeName", "selector")),
    Case("watch_garbage_resource_version", "GET", DS_PATH,
         query=qs(watch="true", resourceVersion="not-a-number"), code={400, 422},
         words=("resourceVersion", "resource version"), timeout=5),
    Case("list_garbage_resource_version", "GET", DS_PATH, query=qs(resourceVersion="abc"),
         code={400, 422}, words=("resourceVersion", "resource version")),
    Case("limit_not_a_number", "GET", DS_PATH, query=qs(limit="abc"), code=400,
         words=("limit", "abc")),
    Case("bad_continue_token", "GET", DS_PATH, query=qs(limit="1", **{"continue": "%%%garbage"}),
         code={400, 410}, words=("continue",)),
    Case("timeout_seconds_not_a_number", "GET", DS_PATH, query=qs(watch="true", timeoutSeconds="soon"),
         code=400, words=("timeoutSeconds", "soon"), timeout=5),

    # ---- update requests that contradict their URL
    Case("put_name_mismatch", "PUT", f"{DS_PATH}/{EXISTING}", good_ds("other-name"), code=400,
         words=("does not match the name on the URL", "other-name")),
    Case("body_namespace_mismatch", "POST", DS_PATH,
         dict(good_ds("ns-mismatch"), metadata={"name": "ns-mismatch", "namespace": "elsewhere"}),
         code=400, words=("namespace",), created=f"{DS_PATH}/ns-mismatch"),
    Case("immutable_selector_update", "PUT", f"{DS_PATH}/{EXISTING}", None, code=422,
         field="spec.selector", words=("immutable",)),  # body filled in from the live object
    Case("json_patch_invalid_json", "PATCH", f"{DS_PATH}/{EXISTING}", '[{"op": "add", "path": ',
         ctype="application/json-patch+json", code=400, words=("json", "patch", "unexpected", "end")),
    Case("json_patch_unknown_op", "PATCH", f"{DS_PATH}/{EXISTING}",
         [{"op": "frobnicate", "path": "/metadata/labels", "value": {}}],
         ctype="application/json-patch+json", code={400, 422}, words=("frobnicate", "op")),
    Case("json_patch_failed_test", "PATCH", f"{DS_PATH}/{EXISTING}",
         [{"op": "test", "path": "/metadata/name", "value": "not-it"},
          {"op": "add", "path": "/metadata/labels", "value": {"x": "y"}}],
         ctype="application/json-patch+json", code=422, words=("test",)),
    Case("json_patch_removes_selector", "PATCH", f"{DS_PATH}/{EXISTING}",
         [{"op": "remove", "path": "/spec/selector"}],
         ctype="application/json-patch+json", code=422, field="spec.selector"),
    Case("merge_patch_invalid_json", "PATCH", f"{DS_PATH}/{EXISTING}", '{"metadata": ',
         ctype="application/merge-patch+json", code=400, words=("json", "unexpected", "end", "invalid")),
    Case("merge_patch_makes_invalid", "PATCH", f"{DS_PATH}/{EXISTING}",
         {"spec": {"template": {"spec": {"restartPolicy": "Never"}}}},
         ctype="application/merge-patch+json", code=422, field="spec.template.spec.restartPolicy"),

    # ---- metadata validation
    ds_case("name_uppercase", lambda o, s, p, c: o["metadata"].update(name="Bad-Name"),
            "metadata.name", ("lowercase", "RFC 1123")),
    Case("name_too_long", "POST", DS_PATH,
         dict(good_ds("x"), metadata={"name": "a" * 254}), code=422, field="metadata.name",
         words=("253",), created=f"{DS_PATH}/{'a' * 254}"),
    Case("name_missing", "POST", DS_PATH, dict(good_ds("x"), metadata={}), code=422,
         field="metadata.name", words=("name or generateName is required", "Required")),
    ds_case("label_value_invalid",
            lambda o, s, p, c: o["metadata"].update(labels={"ok": "bad value!"}),
            "metadata.labels"),
    ds_case("annotations_too_large",
            lambda o, s, p, c: o["metadata"].update(annotations={"big": "x" * 300000}),
            "metadata.annotations", ("262144", "Too long")),
    Case("namespace_name_invalid", "POST", "/api/v1/namespaces",
         {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "Bad_NS"}},
         code=422, field="metadata.name", created="/api/v1/namespaces/Bad_NS"),
    Case("node_name_invalid", "POST", "/api/v1/nodes", node_manifest("node_1"), code=422,
         field="metadata.name", created="/api/v1/nodes/node_1"),

    # ---- DaemonSet spec validation
    # Kubernetes has no "Required" check here: a missing selector selects nothing, so
    # the template labels "do not match" it.
    ds_case("selector_missing", lambda o, s, p, c: s.pop("selector"),
            "spec.template.metadata.labels", ("does not match template",)),
    ds_case("selector_not_matching_template",
            lambda o, s, p, c: s.update(selector={"matchLabels": {"app": "other"}}),
            "spec.template.metadata.labels", ("does not match template",)),
    ds_case("selector_empty", lambda o, s, p, c: s.update(selector={}), "spec.selector",
            ("empty selector",)),
    ds_case("selector_bad_operator",
            lambda o, s, p, c: s.update(selector={"matchExpressions": [
                {"key": "app", "operator": "Sometimes", "values": ["x"]}]}),
            "spec.selector.matchExpressions[0].operator"),
    ds_case("container_image_missing", lambda o, s, p, c: c.pop("image"),
            "spec.template.spec.containers[0].image", ("Required",)),
    ds_case("containers_missing", lambda o, s, p, c: p.update(containers=[]),
            "spec.template.spec.containers", ("Required",)),
    ds_case("container_names_duplicate",
            lambda o, s, p, c: p["containers"].append({"name": "c", "image": "busybox"}),
            "spec.template.spec.containers[1].name", ("Duplicate",)),
    ds_case("container_name_invalid", lambda o, s, p, c: c.update(name="Bad_Name"),
            "spec.template.spec.containers[0].name"),
    ds_case("restart_policy_never", lambda o, s, p, c: p.update(restartPolicy="Never"),
            "spec.template.spec.restartPolicy", ("Unsupported value",)),
    ds_case("max_unavailable_and_surge_zero",
            lambda o, s, p, c: s.update(updateStrategy={
                "type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}}),
            "spec.updateStrategy.rollingUpdate.maxUnavailable", ("cannot be 0", "may not be 0")),
    ds_case("max_unavailable_and_surge_both_set",
            lambda o, s, p, c: s.update(updateStrategy={
                "type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 1}}),
            "spec.updateStrategy.rollingUpdate.maxSurge", ("may not be set when maxUnavailable",)),
    ds_case("max_unavailable_over_100_percent",
            lambda o, s, p, c: s.update(updateStrategy={
                "type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "150%"}}),
            "spec.updateStrategy.rollingUpdate.maxUnavailable", ("100%",)),
    ds_case("update_strategy_type_bad",
            lambda o, s, p, c: s.update(updateStrategy={"type": "Sideways"}),
            # Kubernetes reports the whole strategy, at spec.updateStrategy.
            "spec.updateStrategy", ("Unsupported value",)),
    ds_case("revision_history_limit_negative", lambda o, s, p, c: s.update(revisionHistoryLimit=-1),
            "spec.revisionHistoryLimit", ("greater than or equal to 0",)),
    ds_case("min_ready_seconds_negative", lambda o, s, p, c: s.update(minReadySeconds=-5),
            "spec.minReadySeconds", ("greater than or equal to 0",)),
    ds_case("port_out_of_range", lambda o, s, p, c: c.update(ports=[{"containerPort": 70000}]),
            "spec.template.spec.containers[0].ports[0].containerPort", ("65535",)),
    ds_case("port_protocol_bad",
            lambda o, s, p, c: c.update(ports=[{"containerPort": 80, "protocol": "ICMP"}]),
            "spec.template.spec.containers[0].ports[0].protocol", ("Unsupported value",)),
    ds_case("image_pull_policy_bad", lambda o, s, p, c: c.update(imagePullPolicy="Sometimes"),
            "spec.template.spec.containers[0].imagePullPolicy", ("Unsupported value",)),
    ds_case("dns_policy_bad", lambda o, s, p, c: p.update(dnsPolicy="Whatever"),
            "spec.template.spec.dnsPolicy", ("Unsupported value",)),
    ds_case("quantity_negative",
            lambda o, s, p, c: c.update(resources={"requests": {"cpu": "-1"}}),
            "spec.template.spec.containers[0].resources.requests[cpu]",
            ("greater than or equal to 0",)),
    ds_case("request_above_limit",
            lambda o, s, p, c: c.update(resources={"requests": {"memory": "256Mi"},
                                                   "limits": {"memory": "128Mi"}}),
            "spec.template.spec.containers[0].resources.requests",
            ("less than or equal to memory limit",)),
    ds_case("toleration_exists_with_value",
            lambda o, s, p, c: p.update(tolerations=[{"key": "k", "operator": "Exists",
                                                      "value": "v", "effect": "NoSchedule"}]),
            "spec.template.spec.tolerations[0].operator", ("value must be empty",)),
    ds_case("toleration_seconds_with_noschedule",
            lambda o, s, p, c: p.update(tolerations=[{"key": "k", "operator": "Equal", "value": "v",
                                                      "effect": "NoSchedule",
                                                      "tolerationSeconds": 30}]),
            "spec.template.spec.tolerations[0].effect", ("NoExecute",)),
    ds_case("toleration_operator_bad",
            lambda o, s, p, c: p.update(tolerations=[{"key": "k", "operator": "Maybe"}]),
            "spec.template.spec.tolerations[0].operator", ("Unsupported value",)),
    ds_case("node_selector_bad_key",
            lambda o, s, p, c: p.update(nodeSelector={"bad key!": "x"}),
            "spec.template.spec.nodeSelector"),
    ds_case("env_field_ref_unsupported",
            lambda o, s, p, c: c.update(env=[{"name": "X", "valueFrom": {
                "fieldRef": {"fieldPath": "spec.frobnicator"}}}]),
            "spec.template.spec.containers[0].env[0].valueFrom.fieldRef.fieldPath",
            ("Unsupported value", "spec.frobnicator")),

    # ---- other kinds
    # Kubernetes' ValidateNode reports taints under "metadata" (it builds the
    # path from the ObjectMeta root), so that is the field kubectl shows.
    Case("node_taint_effect_bad", "POST", "/api/v1/nodes",
         node_manifest("bad-taint", taints=[{"key": "k", "value": "v", "effect": "Sometimes"}]),
         code=422, field="metadata.taints[0].effect", words=("Unsupported value",),
         created="/api/v1/nodes/bad-taint"),
    Case("lease_duration_negative", "POST", f"/apis/coordination.k8s.io/v1/namespaces/{NS}/leases",
         {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "l"},
          "spec": {"holderIdentity": "me", "leaseDurationSeconds": -3}},
         code=422, field="spec.leaseDurationSeconds",
         created=f"/apis/coordination.k8s.io/v1/namespaces/{NS}/leases/l"),
    Case("pod_restart_policy_bad", "POST", f"/api/v1/namespaces/{NS}/pods",
         {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
          "spec": {"restartPolicy": "Sometimes", "containers": [{"name": "c", "image": "x"}]}},
         code=422, field="spec.restartPolicy", words=("Unsupported value",),
         created=f"/api/v1/namespaces/{NS}/pods/p"),
    Case("create_existing", "POST", DS_PATH, good_ds(EXISTING), code=409,
         words=(f'daemonsets.apps "{EXISTING}" already exists',)),

]

# Run last (just before the store comparison): a server that wrongly accepts one of
# these deletes the fixtures every other case relies on.
DELETE_CASES = [
    Case("delete_malformed_body", "DELETE", f"{DS_PATH}/{EXISTING}", '{"propagationPolicy": ',
         code=400, words=("json", "unexpected", "end", "invalid", "DeleteOptions")),
    Case("delete_bad_propagation_policy", "DELETE", f"{DS_PATH}/{EXISTING}",
         {"propagationPolicy": "Sideways"}, code=422, field="propagationPolicy"),
    Case("deletecollection_namespaces", "DELETE", "/api/v1/namespaces", None, code=405,
         words=("method", "DELETE", "not allowed", "not supported", "deletecollection")),
]

assert len({c.id for c in CASES + DELETE_CASES}) == len(CASES) + len(DELETE_CASES), "duplicate ids"
assert len(CASES) >= 30


# ---- fixtures ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad_server(tmp_path_factory):
    srv = _make_server(tmp_path_factory.mktemp("bad-input"))
    srv.start()
    yield srv
    _finish_server(srv)


COLLECTIONS = ["/api/v1/namespaces", "/api/v1/nodes", "/api/v1/pods", "/apis/apps/v1/daemonsets",
               "/apis/apps/v1/controllerrevisions", "/apis/coordination.k8s.io/v1/leases",
               "/api/v1/events"]


def snapshot(srv):
    """Every object's (namespace, name, resourceVersion) in the collections we write to."""
    snap = {}
    for path in COLLECTIONS:
        r = srv.api("GET", path)
        assert r.status == 200, (path, r)
        snap[path] = sorted((i["metadata"].get("namespace", ""), i["metadata"]["name"],
                             i["metadata"]["resourceVersion"]) for i in r.json["items"])
    return snap


def global_rv(srv):
    return srv.get_json("/api/v1/namespaces")["metadata"]["resourceVersion"]


@pytest.fixture(scope="module")
def baseline(bad_server):
    r = bad_server.api("POST", "/api/v1/namespaces",
                       {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})
    assert r.status == 201, r
    r = bad_server.api("POST", DS_PATH, good_ds(EXISTING))
    assert r.status == 201, r
    # Let anything the server does by itself after a create (controllers) settle first.
    time.sleep(2.0)
    return {"snapshot": snapshot(bad_server), "rv": global_rv(bad_server)}


# ---- the cases --------------------------------------------------------------------


def _send(srv, case):
    body = case.body
    if case.id == "immutable_selector_update":
        live = srv.get_json(f"{DS_PATH}/{EXISTING}")
        live["spec"]["selector"] = {"matchLabels": {"app": EXISTING, "extra": "x"}}
        live["spec"]["template"]["metadata"]["labels"]["extra"] = "x"
        body = live
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    token = case.token
    if token == "admin":
        token = srv.token
    elif token == "node-token":
        # Agents' join secret: it must not grant what the admin token grants.
        token = (srv.data_dir / "node-token").read_text().strip()
    try:
        return http_request(srv.port, case.method, case.path, body=body, content_type=case.ctype,
                            headers=case.headers, timeout=case.timeout, token=token, tls=srv.tls)
    except TimeoutError:
        pytest.fail(f"{case.id}: no complete answer within {case.timeout:.0f}s (a watch that "
                    "should have been refused, or a hung request)", pytrace=False)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_request(bad_server, baseline, case):
    _check(bad_server, case)


def _check(bad_server, case):
    r = _send(bad_server, case)
    assert r.status in case.codes, f"{case.id}: expected {sorted(case.codes)}, got {r!r}"
    st = status_of(r)
    assert st["reason"] == (case.reason or REASONS[r.status]), st
    msg = st["message"]
    if case.field:
        assert case.field in msg, f"{case.id}: field {case.field!r} not named in {msg!r}"
    if case.words:
        assert any(w.lower() in msg.lower() for w in case.words), \
            f"{case.id}: none of {case.words} in {msg!r}"
    if r.status == 422 and case.field:
        causes = st.get("details", {}).get("causes", [])
        assert any(c.get("field") == case.field for c in causes), \
            f"{case.id}: no cause for {case.field}: {causes}"
    if case.created:
        g = bad_server.api("GET", case.created)
        assert g.status in (404, 400), f"{case.id}: rejected object exists: {g!r}"
    assert bad_server.ready(), f"server stopped serving after {case.id}"


def _raw_exchange(srv, head, body, timeout=30.0):
    """Send head+body while reading the answer: a server may answer (and close) early."""
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)
    if srv.tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        sock = ctx.wrap_socket(sock)
    received = []

    def sender():
        try:
            sock.sendall(head)
            view = memoryview(body)
            for off in range(0, len(view), 65536):
                sock.sendall(view[off:off + 65536])
        except OSError:
            pass  # the server stopped reading: fine, its answer is what counts

    def complete(data):
        hdr, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            return False
        for line in hdr.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                return len(rest) >= int(line.split(b":")[1])
        return False  # no length: read until the server closes

    # An SSL socket must not be read and written from two threads at once
    # (OpenSSL's SSL objects are not thread-safe: under load that loses the
    # answer).  Over TLS, send first: the server reads every body to its end
    # (discarding what passes the limit) before it answers.
    t = threading.Thread(target=sender, daemon=True)
    if srv.tls:
        sender()
    else:
        t.start()
    try:
        while not complete(b"".join(received)):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received.append(chunk)
    except OSError:
        pass  # a reset after the answer arrived still leaves the answer to judge
    finally:
        sock.close()
        if t.is_alive():
            t.join(timeout=5)
    data = b"".join(received)
    assert data, "no answer at all (connection reset before the status line?)"
    hdr, _, rest = data.partition(b"\r\n\r\n")
    status = int(hdr.split(b" ")[1])
    return status, rest


def test_body_over_3_mib_is_413(bad_server, baseline):
    big = good_ds("huge")
    big["metadata"]["annotations"] = {"a": "x" * (3 * 1024 * 1024 + 100)}
    body = json.dumps(big).encode()
    head = (f"POST {DS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {bad_server.token}\r\n"
            f"Accept: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode()
    status, rest = _raw_exchange(bad_server, head, body)
    assert status == 413, rest[:500]
    st = json.loads(rest.decode())
    assert st["kind"] == "Status" and st["reason"] == "RequestEntityTooLarge", st
    assert st["code"] == 413
    assert "limit" in st["message"].lower() or "large" in st["message"].lower(), st
    assert bad_server.api("GET", f"{DS_PATH}/huge").status == 404
    assert bad_server.ready()


def test_chunked_body_over_3_mib_is_413(bad_server, baseline):
    # Without Content-Length the limit must still hold while the body streams in.
    piece = b'{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"chunky","annotations":{"a":"'
    filler = b"x" * (4 * 1024 * 1024)
    tail = b'"}}}'
    payload = piece + filler + tail
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(payload[i:i + 65536]), payload[i:i + 65536])
                      for i in range(0, len(payload), 65536)) + b"0\r\n\r\n"
    head = (f"POST {DS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {bad_server.token}\r\n"
            "Accept: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()
    status, rest = _raw_exchange(bad_server, head, chunks)
    assert status == 413, rest[:500]
    assert bad_server.api("GET", f"{DS_PATH}/chunky").status == 404


def test_limit_minus_one(bad_server, baseline):
    # Kubernetes itself ignores a negative limit (no pagination); refusing it with a 400
    # naming the parameter is fine too.  Anything else (a 5xx, a partial list) is not.
    r = bad_server.api("GET", f"{DS_PATH}?{qs(limit='-1')}")
    if r.status == 200:
        assert [i["metadata"]["name"] for i in r.json["items"]] == [EXISTING]
        assert not r.json["metadata"].get("continue")
    else:
        assert r.status == 400, r
        assert "limit" in status_of(r)["message"], r


# ---- the same mistakes as kubectl users see them -------------------------------------


@pytest.fixture(scope="module")
def bad_kubectl(bad_server, tmp_path_factory):
    return Kubectl(bad_server, home=tmp_path_factory.mktemp("bad-kubectl-home"))


def _manifest(tmp_path, name, obj):
    return write_file(tmp_path, name, obj)


def test_kubectl_selector_mismatch(bad_kubectl, baseline, tmp_path):
    obj = ds("sel-mismatch", lambda o, s, p, c: s.update(selector={"matchLabels": {"app": "y"}}))
    f = _manifest(tmp_path, "sel.json", obj)
    r = bad_kubectl("apply", "-f", f)
    assert r.rc == 1, r
    assert r.err.startswith('The DaemonSet "sel-mismatch" is invalid: '
                            'spec.template.metadata.labels: Invalid value: '), r
    assert "`selector` does not match template `labels`" in r.err, r


def test_kubectl_two_causes(bad_kubectl, baseline, tmp_path):
    def two(o, s, p, c):
        c.pop("image")
        s.update(updateStrategy={"type": "Sideways"})
    f = _manifest(tmp_path, "two.json", ds("two-causes", two))
    r = bad_kubectl("apply", "-f", f)
    assert r.rc == 1, r
    assert r.err.startswith('The DaemonSet "two-causes" is invalid: \n'), r
    assert "* spec.template.spec.containers[0].image: Required value" in r.err, r
    assert "* spec.updateStrategy: Unsupported value: " in r.err, r
    assert 'Sideways' in r.err, r


def test_kubectl_unknown_field_strict(bad_kubectl, baseline, tmp_path):
    f = _manifest(tmp_path, "unknown.json",
                  ds("unknown-field", lambda o, s, p, c: _set(s, "foo", "bar")))
    r = bad_kubectl("create", "-f", f)
    assert r.rc == 1, r
    assert "Error from server (BadRequest)" in r.err, r
    assert 'unknown field "spec.foo"' in r.err, r


def test_kubectl_immutable_selector(bad_kubectl, bad_server, baseline, tmp_path):
    live = bad_server.get_json(f"{DS_PATH}/{EXISTING}")
    live["spec"]["selector"] = {"matchLabels": {"app": EXISTING, "tier": "x"}}
    live["spec"]["template"]["metadata"]["labels"]["tier"] = "x"
    f = _manifest(tmp_path, "immutable.json", live)
    r = bad_kubectl("replace", "-f", f)
    assert r.rc == 1, r
    assert r.err.startswith(f'The DaemonSet "{EXISTING}" is invalid: spec.selector: Invalid value: '), r
    assert "field is immutable" in r.err, r


def test_kubectl_invalid_name(bad_kubectl, baseline, tmp_path):
    f = _manifest(tmp_path, "name.json", ds("x", lambda o, s, p, c: o["metadata"].update(name="Upper")))
    r = bad_kubectl("create", "-f", f)
    assert r.rc == 1, r
    assert r.err.startswith('The DaemonSet "Upper" is invalid: metadata.name: Invalid value: "Upper": '
                            'a lowercase RFC 1123 subdomain must consist of'), r


def test_kubectl_bad_taint_effect(bad_kubectl, bad_server, baseline):
    r = bad_kubectl("taint", "nodes", "no-such-node", "k=v:Sometimes")
    assert r.rc == 1, r  # refused by kubectl itself or the server; never written
    assert bad_server.api("GET", "/api/v1/nodes/no-such-node").status == 404


@pytest.mark.parametrize("case", DELETE_CASES, ids=[c.id for c in DELETE_CASES])
def test_bad_delete(bad_server, baseline, case):
    _check(bad_server, case)


# ---- afterwards ---------------------------------------------------------------------


def test_zz_store_unchanged_and_server_serving(bad_server, bad_kubectl, baseline):
    after = snapshot(bad_server)
    for path in COLLECTIONS:
        assert after[path] == baseline["snapshot"][path], f"{path} changed by rejected writes"
    assert global_rv(bad_server) == baseline["rv"], \
        "resourceVersion advanced: some rejected request wrote to the store"
    assert bad_server.ready()
    r = bad_kubectl.ok("get", "ds", "-n", NS)
    assert header_columns(r.lines()[0])[0] == "NAME"
    assert [row["NAME"] for row in parse_table(r.out)] == [EXISTING], r
    live = bad_server.get_json(f"{DS_PATH}/{EXISTING}")
    assert live["metadata"]["generation"] == 1
    assert live["spec"]["selector"] == {"matchLabels": {"app": EXISTING}}
    assert live["spec"]["template"]["spec"].get("restartPolicy") == "Always"
    assert not live["metadata"].get("labels")
