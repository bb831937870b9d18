"""OpenAPI v2 (protobuf) and the kubectl versions that read it.

kubectl 1.27 and 1.28 download GET /openapi/v2 (gnostic's openapi_v2.Document
as protobuf) before `apply`: to see whether the kind's patch operation takes
the fieldValidation parameter (then the server validates, Strict), to
validate client-side otherwise (a `kind: List` always is), and for the patch
strategies and merge keys of apply's three-way patch.  kubectl 1.29+ fall
back to the same document for patch metadata because everynode's v3 patch
operations declare no strategic-merge body.  `explain` reads it too.

Covered: the raw endpoint (content type, any Accept, a decodable Document),
apply created/unchanged/configured with default validation, list-element
removal through merge keys, server-side Strict validation, client-side
validation of List items, and explain (v3 and plaintext-openapiv2 output).
Absent binaries are skipped.
"""

import re
import os

import pytest

from conftest import EXAMPLES, SDK_BIN, Kubectl, uniq

PROTO_CTYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
PROTO_ACCEPT = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"

# The versions whose apply depends on /openapi/v2 (1.32: through the
# patch-metadata fallback).
APPLY_VERSIONS = ["kubectl.1.27", "kubectl.1.28", "kubectl.1.32"]


def _binary(name):
    path = SDK_BIN / name
    if not os.access(path, os.X_OK):
        pytest.skip(f"{path} not installed")
    return path


@pytest.fixture(params=["kubectl.1.27", "kubectl.1.28"])
def old_kubectl(request, server, tmp_path):
    return Kubectl(server, binary=_binary(request.param), home=tmp_path / "home")


@pytest.fixture(params=APPLY_VERSIONS)
def apply_kubectl(request, server, tmp_path):
    return Kubectl(server, binary=_binary(request.param), home=tmp_path / "home")


@pytest.fixture
def vns(server):
    """A namespace of this test's own, created with the raw API."""
    name = uniq("v2")
    r = server.api("POST", "/api/v1/namespaces",
                   {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    assert r.status == 201, r
    yield name
    server.api("DELETE", f"/api/v1/namespaces/{name}")


# ---- a minimal protobuf reader ------------------------------------------------


def _varint(buf, pos):
    shift = value = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise ValueError("bad varint")
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7


def pb_fields(buf):
    """[(field number, value)] of one message: ints for varints, bytes otherwise."""
    out, pos = [], 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, pos = _varint(buf, pos)
        elif wire == 2:
            n, pos = _varint(buf, pos)
            if pos + n > len(buf):
                raise ValueError("length past the end")
            val, pos = buf[pos:pos + n], pos + n
        elif wire == 1:
            val, pos = buf[pos:pos + 8], pos + 8
        else:
            raise ValueError(f"wire type {wire}")
        out.append((num, val))
    return out


def pb_get(buf, num):
    return [v for n, v in pb_fields(buf) if n == num]


def pb_named(buf, num, name):
    """Value (field 2) of the Named* entry in repeated field num whose name is name."""
    for entry in pb_get(buf, num):
        if pb_get(entry, 1) == [name.encode()]:
            return pb_get(entry, 2)[0]
    return None


# ---- the endpoint ------------------------------------------------------------------


def test_openapi_v2_endpoint(server):
    r = server.api("GET", "/openapi/v2", accept=PROTO_ACCEPT)
    assert r.status == 200, r
    assert r.headers.get("content-type") == PROTO_CTYPE
    body = r.body
    assert pb_get(body, 1) == [b"2.0"]                     # swagger
    info = pb_get(body, 2)[0]
    assert pb_get(info, 1) == [b"Kubernetes"]
    paths = pb_get(body, 8)[0]
    item = pb_named(paths, 2, "/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}")
    assert item is not None
    patch = pb_get(item, 8)[0]                             # PathItem.patch
    ext = {pb_get(e, 1)[0].decode(): pb_get(pb_get(e, 2)[0], 2)[0].decode()
           for e in pb_get(patch, 13)}
    assert ext["x-kubernetes-action"].strip() == "patch"
    assert "kind: DaemonSet" in ext["x-kubernetes-group-version-kind"]
    names = set()
    for p in pb_get(patch, 8):                             # ParametersItem
        for param in pb_get(p, 1):
            for nb in pb_get(param, 2):
                for q in pb_get(nb, 3):
                    names.add(pb_get(q, 4)[0].decode())
    assert "fieldValidation" in names
    defs = pb_get(body, 9)[0]
    ds = pb_named(defs, 1, "io.k8s.api.apps.v1.DaemonSet")
    assert ds is not None and pb_get(ds, 25)

    # Any Accept gets the same bytes; so does the pre-1.10 location.
    for accept in ("application/json", "*/*", None):
        r2 = server.api("GET", "/openapi/v2", accept=accept)
        assert r2.status == 200 and r2.body == body, accept
    r3 = server.api("GET", "/swagger-2.0.0.pb-v1", accept=None)
    assert r3.status == 200 and r3.body == body
    assert r3.headers.get("content-type") == PROTO_CTYPE
    # Only GET.
    assert server.api("POST", "/openapi/v2", body=b"x", content_type="text/plain").status != 200


# ---- apply ---------------------------------------------------------------------------


def _ds(name, image, env, ports):
    env_yaml = "".join(f"        - name: {k}\n          value: \"{v}\"\n" for k, v in env)
    ports_yaml = "".join(f"        - containerPort: {p}\n" for p in ports)
    return f"""apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {name}
spec:
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: web
        image: {image}
        env:
{env_yaml}        ports:
{ports_yaml}"""


def test_apply_created_unchanged_configured(apply_kubectl, vns, server, tmp_path):
    k = apply_kubectl
    path = EXAMPLES / "nginx-ds.yaml"
    r = k("apply", "-f", path, "-n", vns)
    assert r.rc == 0, r
    assert r.out.strip() == "daemonset.apps/nginx created", r
    r = k("apply", "-f", path, "-n", vns)
    assert r.rc == 0, r
    assert r.out.strip() == "daemonset.apps/nginx unchanged", r
    changed = tmp_path / "nginx-ds.yaml"
    image = re.search(r"^\s*image:\s*(\S+)\s*$", path.read_text(), re.M).group(1)
    changed.write_text(path.read_text().replace(image, "nginx:1.27"))
    r = k("apply", "-f", changed, "-n", vns, "-v=6")
    assert r.rc == 0, r
    assert "daemonset.apps/nginx configured" in r.out, r
    assert "error calculating patch" not in r.err, r
    assert "/openapi/v2" in r.err, r  # the document was read, and served
    got = server.get_json(f"/apis/apps/v1/namespaces/{vns}/daemonsets/nginx")
    c = got["spec"]["template"]["spec"]["containers"]
    assert [x["name"] for x in c] == ["nginx"]
    assert c[0]["image"] == "nginx:1.27"
    assert c[0]["ports"][0]["containerPort"] == 80
    r = k("apply", "-f", changed, "-n", vns)
    assert r.out.strip() == "daemonset.apps/nginx unchanged", r


def test_apply_removes_list_elements_by_merge_key(apply_kubectl, vns, server, tmp_path):
    """Dropping an env var and a port from the file removes exactly those:
    the three-way patch is computed with the merge keys from /openapi/v2."""
    k = apply_kubectl
    f = tmp_path / "ds.yaml"
    f.write_text(_ds("merge", "nginx:1", [("A", "1"), ("B", "2")], [80, 443]))
    assert k("apply", "-f", f, "-n", vns).out.strip() == "daemonset.apps/merge created"
    f.write_text(_ds("merge", "nginx:1", [("A", "1")], [80]))
    r = k("apply", "-f", f, "-n", vns, "-v=8")
    assert r.rc == 0, r
    assert "daemonset.apps/merge configured" in r.out, r
    assert "$setElementOrder/env" in r.err, r       # a merge patch, keyed by name
    got = server.get_json(f"/apis/apps/v1/namespaces/{vns}/daemonsets/merge")
    c = got["spec"]["template"]["spec"]["containers"][0]
    assert c["env"] == [{"name": "A", "value": "1"}], c
    assert [p["containerPort"] for p in c["ports"]] == [80], c
    assert k("apply", "-f", f, "-n", vns).out.strip() == "daemonset.apps/merge unchanged"


# ---- validation ------------------------------------------------------------------------


BAD_CONTAINER = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {name}
spec:
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: c
        image: nginx
        bogus: 1
"""


def test_server_side_strict_validation(old_kubectl, vns, server, tmp_path):
    """The patch operation lists fieldValidation, so kubectl leaves validation
    to the server and asks for Strict."""
    f = tmp_path / "bad.yaml"
    f.write_text(BAD_CONTAINER.format(name="strict"))
    r = old_kubectl("apply", "-f", f, "-n", vns, "-v=6")
    assert r.rc != 0, r
    assert "fieldValidation=Strict" in r.err, r
    assert 'unknown field "spec.template.spec.containers[0].bogus"' in r.err, r
    assert server.api("GET", f"/apis/apps/v1/namespaces/{vns}/daemonsets/strict").status == 404


def test_client_side_validation_of_list_items(old_kubectl, vns, server, tmp_path):
    """kind: List never has server-side validation; kubectl checks each item
    against the /openapi/v2 definitions."""
    item = BAD_CONTAINER.format(name="inlist")
    body = "apiVersion: v1\nkind: List\nitems:\n" + "".join(
        ("- " if i == 0 else "  ") + line + "\n" for i, line in enumerate(item.splitlines()))
    f = tmp_path / "list.yaml"
    f.write_text(body)
    r = old_kubectl("apply", "-f", f, "-n", vns)
    assert r.rc != 0, r
    assert "ValidationError" in r.err and '"bogus"' in r.err, r
    assert "io.k8s.api.core.v1.Container" in r.err, r
    f.write_text(body.replace("    bogus: 1\n", ""))
    r = old_kubectl("apply", "-f", f, "-n", vns)
    assert r.rc == 0, r
    assert r.out.strip() == "daemonset.apps/inlist created", r
    r = old_kubectl("apply", "-f", f, "-n", vns)
    assert r.out.strip() == "daemonset.apps/inlist unchanged", r


# ---- explain -----------------------------------------------------------------------------


def test_explain(old_kubectl):
    r = old_kubectl("explain", "ds.spec")
    assert r.rc == 0, r
    assert "KIND:" in r.out and "DaemonSet" in r.out, r
    assert "template" in r.out and "selector" in r.out, r
    r = old_kubectl("explain", "ds.spec.template.spec.containers", "--output=plaintext-openapiv2")
    assert r.rc == 0, r
    assert "RESOURCE: containers <[]Object>" in r.out, r
    assert "image\t<string>" in r.out, r
    assert "ports\t<[]Object>" in r.out, r
    r = old_kubectl("explain", "pods.spec.nosuchfield", "--output=plaintext-openapiv2")
    assert r.rc != 0, r
