"""Nodes as a user handles them before any agent exists: apply, label, taint, cordon.

Node objects are written with `kubectl apply -f node.yaml` (examples/node.yaml
or a copy with a unique name), then driven with the seed commands
(`kubectl label nodes N app=example`, taint, cordon/uncordon).  Nodes are
cluster-scoped and the session server is shared, so every node here is
deleted by the test that made it.
"""

import json
import re

import pytest

from conftest import AGE_RE, EXAMPLES, header_columns, node_manifest, parse_table, uniq, \
    write_file

NODE_COLUMNS = ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
NODE_WIDE = NODE_COLUMNS + ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION",
                            "CONTAINER-RUNTIME"]


@pytest.fixture
def node(kubectl, tmp_path):
    """A node created with `kubectl apply -f` from a copy of examples/node.yaml."""
    name = uniq("node")
    text = (EXAMPLES / "node.yaml").read_text().replace("node-1", name)
    f = write_file(tmp_path, "node.yaml", text)
    r = kubectl("apply", "-f", f)
    assert r.rc == 0, r
    assert r.out.strip() == f"node/{name} created", r
    yield name
    kubectl("delete", "node", name, "--ignore-not-found", "--wait=false")


def _row(kubectl, name, *extra):
    r = kubectl.ok("get", "nodes", name, *extra)
    rows = parse_table(r.out)
    assert len(rows) == 1, r
    return r, rows[0]


def test_apply_example_node_yaml_verbatim(kubectl):
    r = kubectl("apply", "-f", EXAMPLES / "node.yaml")
    try:
        assert r.rc == 0, r
        assert r.out.strip() == "node/node-1 created", r
        r = kubectl.ok("apply", "-f", EXAMPLES / "node.yaml")
        assert r.out.strip() == "node/node-1 unchanged", r
        n = kubectl.json("get", "node", "node-1")
        assert n["spec"]["podCIDR"] == "10.244.1.0/24"
        assert n["status"]["nodeInfo"]["kubeletVersion"] == "v1.32.0"
    finally:
        kubectl("delete", "node", "node-1", "--ignore-not-found")


def test_get_nodes_columns(kubectl, node):
    r, row = _row(kubectl, node)
    assert header_columns(r.lines()[0]) == NODE_COLUMNS, r
    assert row["STATUS"] == "Ready", row
    assert row["ROLES"] == "<none>", row
    assert re.fullmatch(AGE_RE, row["AGE"]), row
    assert row["VERSION"] == "v1.32.0", row


def test_get_nodes_wide(kubectl, node):
    r, row = _row(kubectl, node, "-o", "wide")
    assert header_columns(r.lines()[0]) == NODE_WIDE, r
    assert row["INTERNAL-IP"] == "127.0.0.1", row
    assert row["EXTERNAL-IP"] == "<none>", row
    assert row["OS-IMAGE"] == "Debian GNU/Linux 12 (bookworm)", row
    assert row["KERNEL-VERSION"] == "6.1.0", row
    assert row["CONTAINER-RUNTIME"] == "runc://1.1.5", row


def test_get_nodes_show_labels(kubectl, node):
    r, row = _row(kubectl, node, "--show-labels")
    assert header_columns(r.lines()[0]) == NODE_COLUMNS + ["LABELS"], r
    labels = set(row["LABELS"].split(","))
    assert {f"kubernetes.io/hostname={node}", "kubernetes.io/os=linux",
            "kubernetes.io/arch=amd64"} <= labels, row


def test_node_roles_from_labels(kubectl, server):
    name = uniq("cp")
    m = node_manifest(name, labels={"node-role.kubernetes.io/control-plane": ""})
    assert server.api("POST", "/api/v1/nodes", m).status == 201
    try:
        _, row = _row(kubectl, name)
        assert row["ROLES"] == "control-plane", row
    finally:
        server.api("DELETE", f"/api/v1/nodes/{name}")


def test_not_ready_node_status(kubectl, server):
    name = uniq("sick")
    assert server.api("POST", "/api/v1/nodes", node_manifest(name, ready=False)).status == 201
    try:
        _, row = _row(kubectl, name)
        assert row["STATUS"] == "NotReady", row
    finally:
        server.api("DELETE", f"/api/v1/nodes/{name}")


def test_label_and_unlabel(kubectl, node):
    r = kubectl.ok("label", "nodes", node, "app=example")
    assert r.out.strip() == f"node/{node} labeled", r
    _, row = _row(kubectl, node, "--show-labels")
    assert "app=example" in row["LABELS"].split(","), row
    r = kubectl.ok("get", "nodes", "-l", "app=example", "-o", "name")
    assert f"node/{node}" in r.out.split(), r

    r = kubectl("label", "nodes", node, "app=other")
    assert r.rc == 1, r
    assert "'app' already has a value (example), and --overwrite is false" in r.err, r
    r = kubectl.ok("label", "nodes", node, "app=other", "--overwrite")
    assert r.out.strip() == f"node/{node} labeled", r
    assert kubectl.json("get", "node", node)["metadata"]["labels"]["app"] == "other"

    r = kubectl.ok("label", "nodes", node, "app-")
    assert r.out.strip() == f"node/{node} unlabeled", r
    _, row = _row(kubectl, node, "--show-labels")
    assert not any(lab.startswith("app=") for lab in row["LABELS"].split(",")), row
    assert "app" not in kubectl.json("get", "node", node)["metadata"]["labels"]


def test_label_selector_set_based_on_nodes(kubectl, node, server):
    kubectl.ok("label", "nodes", node, "disk=ssd", "zone=a")
    r = kubectl.ok("get", "nodes", "-l", "disk in (ssd,nvme),zone!=b", "-o", "name")
    assert f"node/{node}" in r.out.split(), r
    r = kubectl.ok("get", "nodes", "-l", "disk notin (ssd)", "-o", "name")
    assert f"node/{node}" not in r.out.split(), r
    r = kubectl.ok("get", "nodes", "-l", "!disk", "-o", "name")
    assert f"node/{node}" not in r.out.split(), r
    r = kubectl.ok("get", "nodes", "-l", "disk", "-o", "name")
    assert f"node/{node}" in r.out.split(), r


def test_taint_and_untaint(kubectl, node):
    r = kubectl.ok("taint", "nodes", node, "key=value:NoSchedule")
    assert r.out.strip() == f"node/{node} tainted", r
    n = kubectl.json("get", "node", node)
    assert n["spec"]["taints"] == [{"key": "key", "value": "value", "effect": "NoSchedule"}], n["spec"]

    r = kubectl("taint", "nodes", node, "key=value:NoSchedule")
    assert r.rc == 1, r
    assert f"node {node} already has key taint(s) with same effect(s) and --overwrite is false" \
        in r.err, r

    # A second taint keeps the first: kubectl sends the whole list.
    kubectl.ok("taint", "nodes", node, "dedicated=logs:NoExecute")
    taints = kubectl.json("get", "node", node)["spec"]["taints"]
    assert {(t["key"], t["effect"]) for t in taints} == {("key", "NoSchedule"),
                                                         ("dedicated", "NoExecute")}, taints
    r = kubectl.ok("describe", "node", node)
    assert re.search(r"^Taints:\s+(key=value:NoSchedule|dedicated=logs:NoExecute)$", r.out, re.M), r

    r = kubectl.ok("taint", "nodes", node, "key=value:NoSchedule-")
    assert r.out.strip() == f"node/{node} untainted", r
    taints = kubectl.json("get", "node", node)["spec"]["taints"]
    assert taints == [{"key": "dedicated", "value": "logs", "effect": "NoExecute"}], taints
    r = kubectl.ok("taint", "nodes", node, "dedicated-")
    assert r.out.strip() == f"node/{node} untainted", r
    assert not kubectl.json("get", "node", node)["spec"].get("taints")


def test_untaint_missing_taint(kubectl, node):
    r = kubectl("taint", "nodes", node, "nothere:NoSchedule-")
    assert r.rc == 1, r
    assert "taint \"nothere:NoSchedule\" not found" in r.err, r


def test_cordon_and_uncordon(kubectl, node):
    r = kubectl.ok("cordon", node)
    assert r.out.strip() == f"node/{node} cordoned", r
    _, row = _row(kubectl, node)
    assert row["STATUS"] == "Ready,SchedulingDisabled", row
    n = kubectl.json("get", "node", node)
    assert n["spec"]["unschedulable"] is True
    r = kubectl.ok("cordon", node)
    assert r.out.strip() == f"node/{node} already cordoned", r
    r = kubectl.ok("get", "nodes", "--field-selector", "spec.unschedulable=true", "-o", "name")
    assert f"node/{node}" in r.out.split(), r

    r = kubectl.ok("uncordon", node)
    assert r.out.strip() == f"node/{node} uncordoned", r
    _, row = _row(kubectl, node)
    assert row["STATUS"] == "Ready", row
    assert not kubectl.json("get", "node", node)["spec"].get("unschedulable")
    r = kubectl.ok("uncordon", node)
    assert r.out.strip() == f"node/{node} already uncordoned", r


def test_describe_node(kubectl, node):
    kubectl.ok("label", "nodes", node, "app=example")
    r = kubectl.ok("describe", "node", node)
    out = r.out
    for pat in (rf"^Name:\s+{node}$",
                r"^Roles:\s+<none>$",
                r"^Labels:\s+.*app=example",
                r"^CreationTimestamp:\s+\S",
                r"^Taints:\s+<none>$",
                r"^Unschedulable:\s+false$",
                r"^Conditions:$",
                r"^\s+Ready\s+True\s",
                r"^Addresses:$",
                r"^\s+InternalIP:\s+127\.0\.0\.1$",
                r"^Capacity:$",
                r"^\s+Kubelet Version:\s+v1\.32\.0$",
                r"^PodCIDR:|^Non-terminated Pods:"):
        assert re.search(pat, out, re.M), f"{pat!r} not in:\n{out}"


def test_apply_changes_spec_not_status(kubectl, node, tmp_path):
    # An update through the main resource keeps the stored status (upstream nodeStrategy).
    n = kubectl.json("get", "node", node)
    n["status"]["nodeInfo"]["kubeletVersion"] = "v9.9.9"
    n["spec"]["podCIDR"] = "10.244.1.0/24"
    n["spec"]["podCIDRs"] = ["10.244.1.0/24"]
    f = write_file(tmp_path, "n.json", n)
    kubectl.ok("replace", "-f", f)
    n2 = kubectl.json("get", "node", node)
    assert n2["status"]["nodeInfo"]["kubeletVersion"] == "v1.32.0", n2["status"]
    assert n2["metadata"]["uid"] == n["metadata"]["uid"]


def test_node_status_patch(kubectl, node):
    patch = json.dumps({"status": {"nodeInfo": {"kubeletVersion": "v1.32.9"}},
                        "spec": {"unschedulable": True}})
    r = kubectl("patch", "node", node, "--subresource=status", "--type=merge", "-p", patch)
    assert r.rc == 0, r
    n = kubectl.json("get", "node", node)
    assert n["status"]["nodeInfo"]["kubeletVersion"] == "v1.32.9", n["status"]
    assert not n["spec"].get("unschedulable"), n["spec"]


def test_delete_node(kubectl, server):
    name = uniq("gone")
    assert server.api("POST", "/api/v1/nodes", node_manifest(name)).status == 201
    r = kubectl.ok("delete", "node", name, timeout=60)
    assert r.out.strip() == f'node "{name}" deleted', r
    r = kubectl("get", "node", name)
    assert r.rc == 1
    assert r.err.strip() == f'Error from server (NotFound): nodes "{name}" not found', r
