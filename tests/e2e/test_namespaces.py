"""Namespaces: create (kubectl 1.32 sends a protobuf body), list, delete with contents.

The four namespaces every cluster has must exist from the start; deleting a
namespace must take what it contains with it; writing into a namespace that
does not exist must fail the way a real API server fails it.
"""

import re

from conftest import AGE_RE, EXAMPLES, parse_table, uniq, wait_until, write_file


def test_create_namespace_protobuf(kubectl, server):
    name = uniq("pb")
    r = kubectl("create", "namespace", name)
    assert r.rc == 0, r
    assert r.out.strip() == f"namespace/{name} created", r
    ns = kubectl.json("get", "namespace", name)
    assert ns["kind"] == "Namespace" and ns["apiVersion"] == "v1"
    assert ns["metadata"]["name"] == name
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": name}, ns["metadata"]
    assert ns["spec"] == {"finalizers": ["kubernetes"]}, ns["spec"]
    assert ns["status"] == {"phase": "Active"}, ns["status"]
    server.api("DELETE", f"/api/v1/namespaces/{name}")


def test_create_namespace_twice(kubectl, server):
    name = uniq("twice")
    kubectl.ok("create", "namespace", name)
    r = kubectl("create", "namespace", name)
    assert r.rc == 1, r
    assert r.err.strip() == f'Error from server (AlreadyExists): namespaces "{name}" already exists', r
    server.api("DELETE", f"/api/v1/namespaces/{name}")


def test_default_namespaces_listed_active(kubectl):
    r = kubectl.ok("get", "ns")
    assert re.split(r"\s{2,}", r.lines()[0].strip()) == ["NAME", "STATUS", "AGE"], r
    rows = {row["NAME"]: row for row in parse_table(r.out)}
    for name in ("default", "kube-system", "kube-public", "kube-node-lease"):
        assert name in rows, f"{name} missing:\n{r.out}"
        assert rows[name]["STATUS"] == "Active", rows[name]
        assert re.fullmatch(AGE_RE, rows[name]["AGE"]), rows[name]


def test_get_single_namespace_row(kubectl):
    r = kubectl.ok("get", "namespace", "kube-system")
    lines = r.lines()
    assert len(lines) == 2, r
    assert re.fullmatch(r"kube-system\s+Active\s+(" + AGE_RE + ")", lines[1]), r


def test_namespaces_show_labels(kubectl):
    r = kubectl.ok("get", "ns", "default", "--show-labels")
    row = parse_table(r.out)[0]
    assert row["LABELS"] == "kubernetes.io/metadata.name=default", r


def test_get_missing_namespace(kubectl):
    r = kubectl("get", "namespace", "nope-never-made")
    assert r.rc == 1
    assert r.err.strip() == 'Error from server (NotFound): namespaces "nope-never-made" not found', r


def test_apply_into_missing_namespace(kubectl, tmp_path, server):
    text = (EXAMPLES / "nginx-ds.yaml").read_text().replace(
        "metadata:\n  name: nginx\n", "metadata:\n  name: nginx\n  namespace: nonexist\n")
    f = write_file(tmp_path, "ds-nonexist.yaml", text)
    r = kubectl("apply", "-f", f)
    assert r.rc == 1, r
    assert r.err.strip() == (f'Error from server (NotFound): error when creating "{f}": '
                             'namespaces "nonexist" not found'), r
    # Nothing half-written: no DaemonSet, and the namespace was not created implicitly.
    assert server.api("GET", "/apis/apps/v1/namespaces/nonexist/daemonsets/nginx").status == 404
    assert server.api("GET", "/api/v1/namespaces/nonexist").status == 404


def test_create_into_missing_namespace_flag(kubectl):
    r = kubectl("create", "-f", EXAMPLES / "example-daemonset.yaml", "-n", "nonexist")
    assert r.rc == 1, r
    assert 'namespaces "nonexist" not found' in r.err, r
    assert "Error from server (NotFound)" in r.err, r


def test_delete_namespace_removes_its_daemonsets(kubectl, server):
    name = uniq("doomed")
    kubectl.ok("create", "namespace", name)
    kubectl.ok("apply", "-f", EXAMPLES / "nginx-ds.yaml", "-n", name)
    kubectl.ok("apply", "-f", EXAMPLES / "node-logger.yaml", "-n", name)
    assert len(server.get_json(f"/apis/apps/v1/namespaces/{name}/daemonsets")["items"]) == 2
    r = kubectl("delete", "namespace", name, "--timeout=45s", timeout=60)
    assert r.rc == 0, r
    assert r.out.strip() == f'namespace "{name}" deleted', r

    def gone():
        ds = server.api("GET", f"/apis/apps/v1/daemonsets?fieldSelector=metadata.namespace%3D{name}")
        return ds.status == 200 and ds.json["items"] == [] and \
            server.api("GET", f"/api/v1/namespaces/{name}").status == 404

    wait_until(gone, timeout=30, what=f"namespace {name} and its DaemonSets to disappear")
    r = kubectl("get", "ds", "-n", name)
    assert r.rc == 0 and r.err.strip() == f"No resources found in {name} namespace.", r
    r = kubectl("get", "ns", name)
    assert r.rc == 1 and f'namespaces "{name}" not found' in r.err, r


def test_terminating_namespace_refuses_new_objects(server):
    # While a namespace is being deleted no new object may be created in it (upstream:
    # 403 Forbidden, "... because it is being terminated").  If deletion finished
    # already, the answer is 404: either way nothing gets written.
    name = uniq("term")
    r = server.api("POST", "/api/v1/namespaces",
                   {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    assert r.status == 201, r
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
             "metadata": {"name": "l1"}, "spec": {"holderIdentity": "x"}}
    r = server.api("POST", f"/apis/coordination.k8s.io/v1/namespaces/{name}/leases", lease)
    assert r.status == 201, r
    r = server.api("DELETE", f"/api/v1/namespaces/{name}")
    assert r.status in (200, 202), r
    lease["metadata"]["name"] = "l2"
    r = server.api("POST", f"/apis/coordination.k8s.io/v1/namespaces/{name}/leases", lease)
    assert r.status in (403, 404), r
    assert r.json["kind"] == "Status"
    wait_until(lambda: server.api("GET", f"/api/v1/namespaces/{name}").status == 404,
               timeout=30, what="namespace gone")
    assert server.api("GET", f"/apis/coordination.k8s.io/v1/namespaces/{name}/leases/l1").status == 404


def test_cannot_delete_system_namespaces(server):
    for name in ("default", "kube-system", "kube-public"):
        r = server.api("DELETE", f"/api/v1/namespaces/{name}")
        assert r.status == 403, (name, r)
        assert r.json["reason"] == "Forbidden", r
        assert name in r.json["message"], r
        assert server.api("GET", f"/api/v1/namespaces/{name}").json["status"]["phase"] == "Active"


def test_namespace_json_create_via_api(server, kubectl):
    name = uniq("json")
    r = server.api("POST", "/api/v1/namespaces",
                   {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    assert r.status == 201, r
    assert r.json["status"]["phase"] == "Active"
    assert r.json["spec"]["finalizers"] == ["kubernetes"]
    r = kubectl.ok("get", "ns", name)
    assert parse_table(r.out)[0]["STATUS"] == "Active"
    server.api("DELETE", f"/api/v1/namespaces/{name}")
