"""Pods in tables and watches: `get pods -o wide -l`, `--field-selector`, `get pods -w`.

No agent runs pods yet, so these are bare Pods bound to Node objects (spec.nodeName
set) and stay Pending.  Deletion is forced (grace period 0): nothing would
ever confirm a graceful one on a node without an agent.
"""

import json
import re
import time

import pytest

from conftest import AGE_RE, header_columns, parse_table, qs, uniq, write_file

POD_COLUMNS = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
POD_WIDE = POD_COLUMNS + ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]


def pod_manifest(name, app, node=None, image="nginx:1.27"):
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "labels": {"app": app}},
           "spec": {"containers": [{"name": "main", "image": image}]}}
    if node:
        pod["spec"]["nodeName"] = node
    return pod


@pytest.fixture
def apply_pod(kubectl, ns, tmp_path):
    def apply(name, app, node=None):
        f = write_file(tmp_path, f"{name}.json", pod_manifest(name, app, node))
        r = kubectl("apply", "-f", f, "-n", ns)
        assert r.rc == 0, r
        assert r.out.strip() == f"pod/{name} created", r
        return f
    return apply


def force_delete(kubectl, ns, name):
    r = kubectl("delete", "pod", name, "-n", ns, "--grace-period=0", "--force", timeout=60)
    assert r.rc == 0, r
    assert r.out.strip() == f'pod "{name}" force deleted', r
    return r


def test_pod_defaults(kubectl, ns, make_node, apply_pod):
    node = make_node()
    apply_pod("p1", "web", node)
    p = kubectl.json("get", "pod", "p1", "-n", ns)
    assert p["spec"]["nodeName"] == node
    assert p["spec"]["restartPolicy"] == "Always"
    assert p["spec"]["dnsPolicy"] == "ClusterFirst"
    assert p["spec"]["terminationGracePeriodSeconds"] == 30
    assert p["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert p["status"]["phase"] == "Pending", p["status"]


def test_get_pods_wide_with_label_selector(kubectl, ns, make_node, apply_pod):
    node = make_node()
    app = uniq("x")
    apply_pod("wide-1", app, node)
    apply_pod("other", "unrelated", node)
    r = kubectl.ok("get", "pods", "-o", "wide", "-l", f"app={app}", "-n", ns)
    assert header_columns(r.lines()[0]) == POD_WIDE, r
    rows = parse_table(r.out)
    assert [row["NAME"] for row in rows] == ["wide-1"], r
    row = rows[0]
    assert row["READY"] == "0/1", row
    assert row["STATUS"] == "Pending", row
    assert row["RESTARTS"] == "0", row
    assert re.fullmatch(AGE_RE, row["AGE"]), row
    assert row["IP"] == "<none>", row
    assert row["NODE"] == node, row
    assert row["NOMINATED NODE"] == "<none>", row
    assert row["READINESS GATES"] == "<none>", row


def test_get_pods_plain_table(kubectl, ns, make_node, apply_pod):
    apply_pod("plain", "plain", make_node())
    r = kubectl.ok("get", "pods", "-n", ns)
    assert r.lines()[0] == "NAME    READY   STATUS    RESTARTS   AGE", r
    assert re.fullmatch(r"plain   0/1     Pending   0          (" + AGE_RE + ")", r.lines()[1]), r


def test_get_pods_no_match(kubectl, ns):
    r = kubectl("get", "pods", "-l", "app=none-such", "-n", ns)
    assert r.rc == 0 and r.out == "", r
    assert r.err.strip() == f"No resources found in {ns} namespace.", r


def test_field_selector_node_name(kubectl, ns, make_node, apply_pod):
    n1, n2 = make_node(), make_node()
    app = uniq("fs")
    apply_pod("on-one", app, n1)
    apply_pod("on-two", app, n2)
    r = kubectl.ok("get", "pods", "-n", ns, "--field-selector", f"spec.nodeName={n1}", "-o", "name")
    assert r.out.split() == ["pod/on-one"], r
    r = kubectl.ok("get", "pods", "-n", ns, "-l", f"app={app}",
                   "--field-selector", f"spec.nodeName={n2}")
    assert [row["NAME"] for row in parse_table(r.out)] == ["on-two"], r
    r = kubectl.ok("get", "pods", "-A", "--field-selector", f"spec.nodeName={n1}")
    rows = parse_table(r.out)
    assert [(row["NAMESPACE"], row["NAME"]) for row in rows] == [(ns, "on-one")], r
    r = kubectl.ok("get", "pods", "-n", ns, "--field-selector",
                   f"spec.nodeName!={n1},status.phase!=Succeeded,status.phase!=Failed", "-o", "name")
    assert r.out.split() == ["pod/on-two"], r
    r = kubectl.ok("get", "pods", "-n", ns, "--field-selector", "status.phase=Pending", "-o", "name")
    assert sorted(r.out.split()) == ["pod/on-one", "pod/on-two"], r
    r = kubectl.ok("get", "pods", "-n", ns, "--field-selector", "metadata.name=on-two", "-o", "name")
    assert r.out.split() == ["pod/on-two"], r


def test_field_selector_unsupported_field(kubectl, ns):
    r = kubectl("get", "pods", "-n", ns, "--field-selector", "spec.frob=1")
    assert r.rc == 1, r
    assert 'field label not supported: spec.frob' in r.err, r


def test_logs_field_selector_refused_by_kubectl_itself(kubectl, ns):
    # The seed's `kubectl logs -l app=X --field-selector spec.nodeName=N` cannot work with
    # any server: kubectl 1.32 has no such flag for logs.  README documents the workaround.
    r = kubectl("logs", "-l", "app=node-logger", "--field-selector", "spec.nodeName=minikube",
                "-n", ns)
    assert r.rc != 0
    assert "unknown flag: --field-selector" in r.err, r


def test_watch_sees_create_and_delete_events(kubectl, ns, make_node, tmp_path):
    node = make_node()
    f = write_file(tmp_path, "w0.json", pod_manifest("w0", "watched", node))
    kubectl.ok("apply", "-f", f, "-n", ns)
    w = kubectl.popen("get", "pods", "-n", ns, "-w", "--output-watch-events")
    try:
        # Once the listed pod is printed, the watch starts from the list's resourceVersion,
        # so everything written from now on must arrive as an event.
        w.wait_for(lambda out, err: any(re.match(r"^ADDED\s+w0\s", ln) for ln in out),
                   what="ADDED w0 from the initial list")
        f = write_file(tmp_path, "w1.json", pod_manifest("w1", "watched", node))
        kubectl.ok("apply", "-f", f, "-n", ns)
        w.wait_for(lambda out, err: any(re.match(r"^ADDED\s+w1\s+0/1\s+Pending\s", ln)
                                        for ln in out), what="ADDED w1")
        assert re.split(r"\s{2,}", w.out[0].strip()) == ["EVENT"] + POD_COLUMNS, w.out
        force_delete(kubectl, ns, "w1")
        w.wait_for(lambda out, err: any(re.match(r"^DELETED\s+w1\s", ln) for ln in out),
                   what="DELETED w1")
        assert w.proc.poll() is None, "kubectl get -w exited: the server closed the watch"
    finally:
        w.stop()


def test_plain_watch_prints_rows(kubectl, ns, make_node, tmp_path):
    node = make_node()
    f = write_file(tmp_path, "first.json", pod_manifest("first", "w", node))
    kubectl.ok("apply", "-f", f, "-n", ns)
    w = kubectl.popen("get", "pods", "-n", ns, "-w")
    try:
        w.wait_for(lambda out, err: any(ln.startswith("first ") for ln in out), what="first row")
        assert w.out[0] == "NAME    READY   STATUS    RESTARTS   AGE", w.out
        f = write_file(tmp_path, "second.json", pod_manifest("second", "w", node))
        kubectl.ok("apply", "-f", f, "-n", ns)
        w.wait_for(lambda out, err: any(ln.startswith("second ") for ln in out), what="second row")
        force_delete(kubectl, ns, "second")
        # A DELETED event prints the row once more.
        w.wait_for(lambda out, err: sum(ln.startswith("second ") for ln in out) >= 2,
                   what="second row again after deletion")
        # The header is printed once: every event came back as a Table row.
        assert sum(ln.startswith("NAME ") for ln in w.out) == 1, w.out
        assert not any("Falling back" in ln or "Unable to decode" in ln for ln in w.err), w.err
        # Rows from the initial list are not repeated by the watch (it starts at the list RV).
        assert sum(ln.startswith("first ") for ln in w.out) == 1, w.out
    finally:
        w.stop()


def _read_events(server, path, want, timeout=10.0):
    """Open a raw watch on path; return its decoded events once want(events) or timeout."""
    conn = server.connect(timeout)
    events = []
    try:
        conn.request("GET", path, headers={"Accept": "application/json", **server.auth_headers()})
        resp = conn.getresponse()
        assert resp.status == 200, (resp.status, resp.read()[:500])
        deadline = time.monotonic() + timeout
        buf = b""
        while time.monotonic() < deadline and not want(events):
            try:
                chunk = resp.read1(65536)
            except (TimeoutError, OSError):
                break  # the caller's assertions say whether that was expected
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if line.strip():
                    events.append(json.loads(line))
    finally:
        conn.close()
    return events


def test_raw_watch_from_resource_version(server, ns, make_node):
    node = make_node()
    base = f"/api/v1/namespaces/{ns}/pods"
    lst = server.get_json(base)
    rv = lst["metadata"]["resourceVersion"]
    assert re.fullmatch(r"\d+", rv) and rv != "0", lst["metadata"]
    # Writes made after the list, before the watch opens: the watch must replay them.
    for name in ("r1", "r2"):
        r = server.api("POST", base, pod_manifest(name, "raw", node))
        assert r.status == 201, r
    r = server.api("DELETE", f"{base}/r1", {"gracePeriodSeconds": 0})
    assert r.status == 200, r
    events = _read_events(server, f"{base}?{qs(watch='true', resourceVersion=rv, timeoutSeconds=5)}",
                          lambda ev: len(ev) >= 3)
    got = [(e["type"], e["object"]["metadata"]["name"]) for e in events]
    assert got[:3] == [("ADDED", "r1"), ("ADDED", "r2"), ("DELETED", "r1")], got
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events[:3]]
    assert rvs == sorted(rvs) and rvs[0] > int(rv), rvs
    assert events[0]["object"]["kind"] == "Pod" and events[0]["object"]["apiVersion"] == "v1"


def test_raw_watch_label_selector_filters(server, ns, make_node):
    node = make_node()
    base = f"/api/v1/namespaces/{ns}/pods"
    rv = server.get_json(base)["metadata"]["resourceVersion"]
    assert server.api("POST", base, pod_manifest("keep", "yes", node)).status == 201
    assert server.api("POST", base, pod_manifest("skip", "no", node)).status == 201
    events = _read_events(server, f"{base}?{qs(watch='1', resourceVersion=rv, labelSelector='app=yes', timeoutSeconds=3)}",
                          lambda ev: False, timeout=6)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "keep")], events


def test_raw_watch_without_resource_version_sends_current_state(server, ns, make_node):
    node = make_node()
    base = f"/api/v1/namespaces/{ns}/pods"
    assert server.api("POST", base, pod_manifest("exists", "s", node)).status == 201
    events = _read_events(server, f"{base}?{qs(watch='true', timeoutSeconds=3)}",
                          lambda ev: len(ev) >= 1)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events][:1] == [("ADDED", "exists")]


def test_watch_timeout_seconds_closes_stream(server, ns):
    start = time.monotonic()
    events = _read_events(server, f"/api/v1/namespaces/{ns}/pods?{qs(watch='true', resourceVersion='0', timeoutSeconds=1)}",
                          lambda ev: False, timeout=15)
    assert events == []
    assert time.monotonic() - start < 10, "timeoutSeconds=1 was not honoured"
