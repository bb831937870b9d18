"""The core seed commands with every kubectl these machines carry, 1.27 ... 1.33.

/usr/bin/kubectl dispatches by the server's version, so users calling a
versioned binary directly (or with an older or newer kubectl of their own)
must get the same results: apply, get (table and wide), describe, label,
delete and the NotFound message.  Absent binaries are skipped.  Each binary
gets its own HOME (discovery cache) and namespace.
"""

import json
import os
import re

import pytest

from conftest import EXAMPLES, Kubectl, header_columns, kubectl_versions, parse_table, uniq

DS_COLUMNS = ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR",
              "AGE"]
def example_image(name):
    """The (only) image an example manifest names."""
    m = re.search(r"^\s*image:\s*(\S+)\s*$", (EXAMPLES / name).read_text(), re.M)
    return m.group(1)


WIDE = DS_COLUMNS + ["CONTAINERS", "IMAGES", "SELECTOR"]


@pytest.fixture(params=kubectl_versions(), ids=lambda p: p.name)
def vk(request, server, tmp_path):
    binary = request.param
    if not os.access(binary, os.X_OK):
        pytest.skip(f"{binary} not installed")
    return Kubectl(server, binary=binary, home=tmp_path / "home")


def test_core_commands(vk, make_node, server):
    minor = int(vk.binary.rsplit(".", 1)[1])
    ns = uniq(f"v1-{minor}")

    r = vk("create", "namespace", ns)
    assert r.rc == 0, r
    assert r.out.strip() == f"namespace/{ns} created", r
    try:
        _core(vk, ns, make_node, minor)
    finally:
        server.api("DELETE", f"/api/v1/namespaces/{ns}")


def _core(vk, ns, make_node, minor):
    # -o json: 1.27 still prints the old version.Info{...} text by default.
    r = vk("version", "-o", "json")
    assert r.rc == 0, r
    assert re.match(r"v1\.32\.\d+", json.loads(r.out)["serverVersion"]["gitVersion"]), r

    path = EXAMPLES / "nginx-ds.yaml"
    r = vk("apply", "-f", path, "-n", ns)
    assert r.rc == 0, r
    assert r.out.strip() == "daemonset.apps/nginx created", r
    r = vk("apply", "-f", path, "-n", ns)
    assert r.out.strip() == "daemonset.apps/nginx unchanged", r

    r = vk.ok("get", "ds", "-n", ns)
    assert r.lines()[0] == "NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE", r
    assert parse_table(r.out)[0]["NAME"] == "nginx"

    r = vk.ok("get", "ds", "-o", "wide", "-n", ns)
    assert header_columns(r.lines()[0]) == WIDE, r
    row = parse_table(r.out)[0]
    assert (row["CONTAINERS"], row["IMAGES"], row["SELECTOR"]) == (
        "nginx", example_image("nginx-ds.yaml"), "app=nginx"), row

    r = vk.ok("get", "ds", "-A")
    assert any(row["NAMESPACE"] == ns and row["NAME"] == "nginx" for row in parse_table(r.out)), r

    r = vk.ok("describe", "daemonset", "nginx", "-n", ns)
    assert re.search(r"^Name:\s+nginx$", r.out, re.M), r
    assert re.search(r"^Selector:\s+app=nginx$", r.out, re.M), r
    assert re.search(r"^Node-Selector:\s+<none>$", r.out, re.M), r
    assert re.search(r"^\s+Image:\s+" + re.escape(example_image("nginx-ds.yaml")) + "$", r.out,
                     re.M), r

    node = make_node()
    r = vk.ok("label", "nodes", node, "app=example")
    assert r.out.strip() == f"node/{node} labeled", r
    r = vk.ok("get", "nodes", node, "--show-labels")
    assert "app=example" in parse_table(r.out)[0]["LABELS"].split(","), r
    r = vk.ok("label", "nodes", node, "app-")
    assert r.out.strip() == f"node/{node} unlabeled", r

    changed = path.read_text().replace(example_image("nginx-ds.yaml"), "nginx:1.27")
    r = vk("apply", "-f", "-", "-n", ns, input=changed)
    assert r.rc == 0, r
    assert r.out.strip() == "daemonset.apps/nginx configured", r

    r = vk("delete", "daemonset", "nginx", "-n", ns, timeout=60)
    assert r.rc == 0, r
    assert r.out.strip() == 'daemonset.apps "nginx" deleted', r

    r = vk("get", "ds", "nope", "-n", ns)
    assert r.rc == 1, r
    assert r.err.strip() == 'Error from server (NotFound): daemonsets.apps "nope" not found', r
