"""Issue 3: the DaemonSet controller on simulated nodes, driven by the real kubectl.

Each test gets its own `everynode server` (node grace period shortened so
lifecycle tests finish quickly) and one or more `everynode sim` processes
that register nodes, heartbeat them and move bound pods to Running/Ready.
Assertions are on what kubectl prints and on objects read through the API.
"""

import http.client
import json
import os
import subprocess
import threading
import time

import pytest

from conftest import (EVERYNODE_BIN, EXAMPLES, Kubectl, _finish_server, _make_server,
                      parse_table, wait_until, write_file)

GRACE = 6  # --node-monitor-grace-period for these servers, seconds


class Cluster:
    """A private server plus simulated nodes."""

    def __init__(self, tmp):
        self.tmp = tmp
        (tmp / "server").mkdir(exist_ok=True)
        self.server = _make_server(tmp / "server")
        self.server.start(extra_args=("--node-monitor-grace-period", str(GRACE)))
        (tmp / "home").mkdir(exist_ok=True)
        self.kubectl = Kubectl(self.server, home=tmp / "home")
        self.sims = []

    def sim(self, nodes, prefix="sim-node-", *args):
        log = open(self.tmp / f"sim-{prefix}{len(self.sims)}.log", "w")
        p = subprocess.Popen([EVERYNODE_BIN, "sim", "--kubeconfig", str(self.server.kubeconfig),
                              "--nodes", str(nodes), "--name-prefix", prefix, *args],
                             stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        self.sims.append((p, log))
        names = [f"{prefix}{i}" for i in range(nodes)]
        wait_until(lambda: all(self.node_ready(n) for n in names), timeout=20,
                   what=f"{nodes} sim nodes Ready")
        return p

    def node_ready(self, name):
        r = self.server.api("GET", f"/api/v1/nodes/{name}")
        if r.status != 200:
            return False
        for c in r.json.get("status", {}).get("conditions", []):
            if c["type"] == "Ready":
                return c["status"] == "True"
        return False

    def nodes(self):
        return sorted(n["metadata"]["name"]
                      for n in self.server.get_json("/api/v1/nodes")["items"])

    def ds(self, name, ns="default"):
        return self.server.get_json(f"/apis/apps/v1/namespaces/{ns}/daemonsets/{name}")

    def pods(self, selector, ns="default"):
        q = "labelSelector=" + selector.replace("=", "%3D")
        return self.server.get_json(f"/api/v1/namespaces/{ns}/pods?{q}")["items"]

    def ds_row(self, name, ns="default"):
        out = self.kubectl.ok("get", "ds", name, "-n", ns).out
        return parse_table(out)[0]

    def wait_ds(self, name, desired, ready=None, updated=None, ns="default", timeout=30):
        want = {"DESIRED": str(desired), "CURRENT": str(desired),
                "READY": str(desired if ready is None else ready),
                "UP-TO-DATE": str(desired if updated is None else updated),
                "AVAILABLE": str(desired if ready is None else ready)}

        def ok():
            row = self.ds_row(name, ns)
            return all(row[k] == v for k, v in want.items()) and row

        return wait_until(ok, timeout=timeout, what=f"ds {name} at {want}")

    def close(self):
        for p, log in self.sims:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            log.close()
        _finish_server(self.server)


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path)
    yield c
    c.close()


def ds_manifest(name, image="nginx:1.27", labels=None, node_selector=None, tolerations=None,
                affinity=None, resources=None, strategy=None, min_ready=None):
    labels = labels or {"app": name}
    spec = {"containers": [{"name": "main", "image": image}]}
    if node_selector:
        spec["nodeSelector"] = node_selector
    if tolerations:
        spec["tolerations"] = tolerations
    if affinity:
        spec["affinity"] = affinity
    if resources:
        spec["containers"][0]["resources"] = resources
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": name},
          "spec": {"selector": {"matchLabels": labels},
                   "template": {"metadata": {"labels": labels}, "spec": spec}}}
    if strategy:
        ds["spec"]["updateStrategy"] = strategy
    if min_ready is not None:
        ds["spec"]["minReadySeconds"] = min_ready
    return ds


def apply(cluster, tmp_path, obj, fname=None):
    f = write_file(tmp_path, fname or (obj["metadata"]["name"] + ".json"), obj)
    return cluster.kubectl.ok("apply", "-f", f)


def pod_nodes(cluster, selector):
    return sorted(p["spec"].get("nodeName", "") for p in cluster.pods(selector)
                  if not p["metadata"].get("deletionTimestamp"))


# ---- placement ------------------------------------------------------------------


def test_one_pod_per_node_and_nodes_joining_and_leaving(cluster, tmp_path):
    cluster.sim(3)
    r = cluster.kubectl.ok("apply", "-f", EXAMPLES / "nginx-ds.yaml")
    assert r.out.strip() == "daemonset.apps/nginx created"
    cluster.wait_ds("nginx", 3)
    out = cluster.kubectl.ok("get", "pods", "-o", "wide", "-l", "app=nginx").out
    rows = parse_table(out)
    assert sorted(r["NODE"] for r in rows) == ["sim-node-0", "sim-node-1", "sim-node-2"]
    assert all(r["READY"] == "1/1" and r["STATUS"] == "Running" for r in rows), out
    # Pods carry the controller's labels, owner and node pinning.
    pod = cluster.pods("app=nginx")[0]
    assert pod["metadata"]["labels"]["pod-template-generation"] == "1"
    assert pod["metadata"]["labels"]["controller-revision-hash"]
    ref = pod["metadata"]["ownerReferences"][0]
    assert (ref["kind"], ref["name"], ref["controller"]) == ("DaemonSet", "nginx", True)
    terms = pod["spec"]["affinity"]["nodeAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert terms == [{"matchFields": [{"key": "metadata.name", "operator": "In",
                                       "values": [pod["spec"]["nodeName"]]}]}]
    keys = {(t.get("key"), t.get("effect")) for t in pod["spec"]["tolerations"]}
    assert ("node.kubernetes.io/unreachable", "NoExecute") in keys
    assert ("node.kubernetes.io/unschedulable", "NoSchedule") in keys

    # A node that joins gets its pod.
    cluster.sim(1, "late-")
    cluster.wait_ds("nginx", 4)
    assert "late-0" in pod_nodes(cluster, "app=nginx")

    # A deleted node loses its pod.
    cluster.kubectl.ok("delete", "node", "sim-node-1")
    cluster.wait_ds("nginx", 3)
    wait_until(lambda: "sim-node-1" not in pod_nodes(cluster, "app=nginx"), timeout=15,
               what="pod of the deleted node gone")

    # describe shows the controller's events.
    desc = cluster.kubectl.ok("describe", "daemonset", "nginx").out
    assert "SuccessfulCreate" in desc and "daemonset-controller" in desc, desc
    assert "Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed" in desc, desc

    # Deleting the DaemonSet removes its pods.
    cluster.kubectl.ok("delete", "daemonset", "nginx")
    wait_until(lambda: not cluster.pods("app=nginx"), timeout=20, what="pods deleted")


def test_node_selector_follows_labels(cluster, tmp_path):
    cluster.sim(3)
    apply(cluster, tmp_path, ds_manifest("ssd", node_selector={"disk": "ssd"}))
    cluster.wait_ds("ssd", 0)
    row = cluster.ds_row("ssd")
    assert row["NODE SELECTOR"] == "disk=ssd"
    cluster.kubectl.ok("label", "nodes", "sim-node-1", "disk=ssd")
    cluster.wait_ds("ssd", 1)
    assert pod_nodes(cluster, "app=ssd") == ["sim-node-1"]
    cluster.kubectl.ok("label", "nodes", "sim-node-2", "disk=ssd")
    cluster.wait_ds("ssd", 2)
    cluster.kubectl.ok("label", "nodes", "sim-node-1", "disk-")
    cluster.wait_ds("ssd", 1)
    wait_until(lambda: pod_nodes(cluster, "app=ssd") == ["sim-node-2"], timeout=15,
               what="pod removed from the unlabelled node")


def test_seed_example_label_targets_nodes(cluster, tmp_path):
    # The seed's example-daemonset targets nodes labelled app=example.
    cluster.sim(2)
    cluster.kubectl.ok("label", "nodes", "sim-node-0", "app=example")
    ds = ds_manifest("example-daemonset", labels={"app": "example"},
                     node_selector={"app": "example"})
    apply(cluster, tmp_path, ds)
    cluster.wait_ds("example-daemonset", 1)
    assert pod_nodes(cluster, "app=example") == ["sim-node-0"]


def test_required_node_affinity(cluster, tmp_path):
    cluster.sim(3)
    cluster.kubectl.ok("label", "nodes", "sim-node-0", "zone=a")
    cluster.kubectl.ok("label", "nodes", "sim-node-2", "zone=b")
    aff = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [
            {"key": "zone", "operator": "In", "values": ["a", "b"]}]}]}}}
    apply(cluster, tmp_path, ds_manifest("aff", affinity=aff))
    cluster.wait_ds("aff", 2)
    assert pod_nodes(cluster, "app=aff") == ["sim-node-0", "sim-node-2"]
    cluster.kubectl.ok("label", "nodes", "sim-node-2", "zone=c", "--overwrite")
    cluster.wait_ds("aff", 1)
    wait_until(lambda: pod_nodes(cluster, "app=aff") == ["sim-node-0"], timeout=15,
               what="pod removed where affinity no longer matches")


def test_taints_noschedule_and_noexecute(cluster, tmp_path):
    cluster.sim(3)
    apply(cluster, tmp_path, ds_manifest("tt"))
    cluster.wait_ds("tt", 3)
    # NoSchedule: the running pod stays, but a new DaemonSet does not land there.
    cluster.kubectl.ok("taint", "nodes", "sim-node-0", "dedicated=gpu:NoSchedule")
    apply(cluster, tmp_path, ds_manifest("fresh"))
    cluster.wait_ds("fresh", 2)
    assert "sim-node-0" not in pod_nodes(cluster, "app=fresh")
    assert "sim-node-0" in pod_nodes(cluster, "app=tt")
    # ... unless it tolerates the taint.
    tol = [{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}]
    apply(cluster, tmp_path, ds_manifest("tolerant", tolerations=tol))
    cluster.wait_ds("tolerant", 3)
    # NoExecute removes running pods that do not tolerate it.
    cluster.kubectl.ok("taint", "nodes", "sim-node-1", "evict=now:NoExecute")
    cluster.wait_ds("fresh", 1)
    wait_until(lambda: "sim-node-1" not in pod_nodes(cluster, "app=fresh"), timeout=15,
               what="pod removed by NoExecute")
    # Removing the taint brings it back.
    cluster.kubectl.ok("taint", "nodes", "sim-node-1", "evict=now:NoExecute-")
    cluster.wait_ds("fresh", 2)


def test_control_plane_taint_and_seed_toleration(cluster, tmp_path):
    cluster.sim(2)
    cluster.sim(1, "cp-", "--taints", "node-role.kubernetes.io/control-plane=:NoSchedule",
                "--labels", "node-role.kubernetes.io/control-plane=")
    apply(cluster, tmp_path, ds_manifest("plain"))
    cluster.wait_ds("plain", 2)
    assert "cp-0" not in pod_nodes(cluster, "app=plain")
    tol = [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists",
            "effect": "NoSchedule"}]
    apply(cluster, tmp_path, ds_manifest("logger", tolerations=tol))
    cluster.wait_ds("logger", 3)
    assert "cp-0" in pod_nodes(cluster, "app=logger")
    nodes = parse_table(cluster.kubectl.ok("get", "nodes").out)
    assert {r["NAME"]: r["ROLES"] for r in nodes}["cp-0"] == "control-plane"


def test_insufficient_resources_pending_with_reason(cluster, tmp_path):
    cluster.sim(2, "small-", "--capacity", "cpu=1,memory=128Mi,pods=110")
    res = {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}}
    apply(cluster, tmp_path, ds_manifest("big", resources=res))
    wait_until(lambda: len(cluster.pods("app=big")) == 2, timeout=15, what="pods created")
    row = cluster.wait_ds("big", 2, ready=0, timeout=15)
    assert row["READY"] == "0"
    pods = parse_table(cluster.kubectl.ok("get", "pods", "-l", "app=big").out)
    assert all(p["STATUS"] == "Pending" for p in pods), pods
    name = pods[0]["NAME"]

    def described():
        d = cluster.kubectl.ok("describe", "pod", name).out
        return "FailedScheduling" in d and d

    d = wait_until(described, timeout=15, what="FailedScheduling event")
    assert ("0/2 nodes are available: 1 Insufficient memory, 1 node(s) didn't match Pod's "
            "node affinity/selector.") in " ".join(d.split()), d
    # Room appears (smaller request): the pods are bound and run.
    small = {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "64Mi"}}
    apply(cluster, tmp_path, ds_manifest("big", resources=small))
    cluster.wait_ds("big", 2, timeout=30)


# ---- updates ----------------------------------------------------------------------


class PodWatch:
    """Follows pods of a selector through the raw watch API and records, after
    every event, how many eligible nodes have no available pod."""

    def __init__(self, cluster, selector, nodes):
        self.cluster = cluster
        self.nodes = set(nodes)
        self.pods = {}
        self.max_unavailable = 0
        self.max_per_node = 0
        self.stop = False
        lst = cluster.server.get_json("/api/v1/namespaces/default/pods?labelSelector="
                                      + selector.replace("=", "%3D"))
        for p in lst["items"]:
            self.pods[p["metadata"]["name"]] = p
        self.rv = lst["metadata"]["resourceVersion"]
        self.selector = selector
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        try:
            self._follow()
        except (OSError, ValueError, http.client.HTTPException):
            pass  # the stream ended (timeout or server gone): stop recording

    def _follow(self):
        conn = self.cluster.server.connect(timeout=120)
        path = ("/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=110&resourceVersion="
                + self.rv + "&labelSelector=" + self.selector.replace("=", "%3D"))
        conn.request("GET", path, headers=self.cluster.server.auth_headers())
        resp = conn.getresponse()
        buf = b""
        while not self.stop:
            chunk = resp.read1(65536) if hasattr(resp, "read1") else resp.read(1)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if line.strip():
                    ev = json.loads(line)
                    p = ev["object"]
                    if ev["type"] == "DELETED":
                        self.pods.pop(p["metadata"]["name"], None)
                    else:
                        self.pods[p["metadata"]["name"]] = p
                    self.measure()
        conn.close()

    def measure(self):
        available = set()
        per_node = {}
        for p in self.pods.values():
            node = p["spec"].get("nodeName")
            per_node[node] = per_node.get(node, 0) + 1
            ready = any(c["type"] == "Ready" and c["status"] == "True"
                        for c in p.get("status", {}).get("conditions", []))
            if ready and not p["metadata"].get("deletionTimestamp"):
                available.add(node)
        self.max_unavailable = max(self.max_unavailable, len(self.nodes - available))
        self.max_per_node = max([self.max_per_node] + list(per_node.values()))

    def close(self):
        self.stop = True
        self.thread.join(timeout=5)


def images(cluster, selector):
    return sorted(p["spec"]["containers"][0]["image"] for p in cluster.pods(selector))


def test_rolling_update_respects_max_unavailable(cluster, tmp_path):
    cluster.sim(5, "sim-node-", "--ready-after", "1")
    strat = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}
    apply(cluster, tmp_path, ds_manifest("roll", image="app:v1", strategy=strat))
    cluster.wait_ds("roll", 5)
    w = PodWatch(cluster, "app=roll", cluster.nodes())
    cluster.kubectl.ok("set", "image", "ds/roll", "main=app:v2")
    r = cluster.kubectl("rollout", "status", "ds/roll", "--timeout=60s", timeout=90)
    assert r.rc == 0, r
    assert 'daemon set "roll" successfully rolled out' in r.out
    w.close()
    assert images(cluster, "app=roll") == ["app:v2"] * 5
    assert w.max_unavailable <= 1, w.max_unavailable
    assert w.max_per_node == 1
    assert cluster.ds("roll")["metadata"]["generation"] == 2


def test_max_surge_keeps_old_and_new_side_by_side(cluster, tmp_path):
    cluster.sim(3, "sim-node-", "--ready-after", "1")
    strat = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}
    apply(cluster, tmp_path, ds_manifest("surge", image="app:v1", strategy=strat))
    cluster.wait_ds("surge", 3)
    w = PodWatch(cluster, "app=surge", cluster.nodes())
    cluster.kubectl.ok("set", "image", "ds/surge", "main=app:v2")
    r = cluster.kubectl("rollout", "status", "ds/surge", "--timeout=60s", timeout=90)
    assert r.rc == 0, r
    w.close()
    assert images(cluster, "app=surge") == ["app:v2"] * 3
    assert w.max_per_node == 2, "surge never ran old and new pods together"
    assert w.max_unavailable == 0, w.max_unavailable


def test_on_delete_replaces_only_deleted_pods(cluster, tmp_path):
    cluster.sim(3)
    apply(cluster, tmp_path, ds_manifest("od", image="app:v1", strategy={"type": "OnDelete"}))
    cluster.wait_ds("od", 3)
    cluster.kubectl.ok("set", "image", "ds/od", "main=app:v2")
    time.sleep(2)
    assert images(cluster, "app=od") == ["app:v1"] * 3
    victim = [p["metadata"]["name"] for p in cluster.pods("app=od")][0]
    cluster.kubectl.ok("delete", "pod", victim)
    wait_until(lambda: images(cluster, "app=od") == ["app:v1", "app:v1", "app:v2"],
               timeout=20, what="the deleted pod replaced with the new template")
    cluster.wait_ds("od", 3, updated=1)


def test_rollout_history_undo_restart(cluster, tmp_path):
    cluster.sim(2)
    apply(cluster, tmp_path, ds_manifest("hist", image="app:v1"))
    cluster.wait_ds("hist", 2)
    cluster.kubectl.ok("set", "image", "ds/hist", "main=app:v2")
    assert cluster.kubectl("rollout", "status", "ds/hist", "--timeout=60s", timeout=90).rc == 0
    h = cluster.kubectl.ok("rollout", "history", "ds/hist").out
    assert h.split() == ["daemonset.apps/hist", "REVISION", "CHANGE-CAUSE", "1", "<none>", "2",
                         "<none>"], h
    r = cluster.kubectl.ok("rollout", "undo", "ds/hist")
    assert r.out.strip() == "daemonset.apps/hist rolled back"
    assert cluster.kubectl("rollout", "status", "ds/hist", "--timeout=60s", timeout=90).rc == 0
    assert images(cluster, "app=hist") == ["app:v1"] * 2
    h = cluster.kubectl.ok("rollout", "history", "ds/hist").out
    assert h.split()[3::2] == ["2", "3"], h  # revision 1 came back as 3
    r = cluster.kubectl("rollout", "undo", "ds/hist", "--to-revision=99")
    assert r.rc == 1 and "unable to find specified revision 99 in history" in r.err, r
    before = {p["metadata"]["name"] for p in cluster.pods("app=hist")}
    r = cluster.kubectl.ok("rollout", "restart", "ds/hist")
    assert r.out.strip() == "daemonset.apps/hist restarted"
    assert cluster.kubectl("rollout", "status", "ds/hist", "--timeout=60s", timeout=90).rc == 0
    wait_until(lambda: not before & {p["metadata"]["name"] for p in cluster.pods("app=hist")},
               timeout=30, what="every pod replaced by the restart")
    revs = cluster.server.get_json(
        "/apis/apps/v1/namespaces/default/controllerrevisions?labelSelector=app%3Dhist")["items"]
    assert sorted(r["revision"] for r in revs) == [2, 3, 4]


def test_rollback_without_unnecessary_restarts(cluster, tmp_path):
    # Kubernetes' conformance "should rollback without unnecessary restarts":
    # a broken image reaches some nodes; undo restores the template and the
    # pods that were never updated keep running untouched.
    cluster.sim(3)
    strat = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}
    apply(cluster, tmp_path, ds_manifest("rb", image="app:v1", strategy=strat))
    cluster.wait_ds("rb", 3)
    original = {p["metadata"]["name"] for p in cluster.pods("app=rb")}
    cluster.kubectl.ok("set", "image", "ds/rb", "main=app:non-existent")
    wait_until(lambda: any(p["spec"]["containers"][0]["image"] == "app:non-existent"
                           for p in cluster.pods("app=rb")), timeout=20,
               what="a pod with the broken image")
    time.sleep(2)
    assert sum(p["spec"]["containers"][0]["image"] == "app:non-existent"
               for p in cluster.pods("app=rb")) == 1  # the rollout is stuck at one node
    cluster.kubectl.ok("rollout", "undo", "ds/rb")
    cluster.wait_ds("rb", 3, timeout=30)
    now = {p["metadata"]["name"] for p in cluster.pods("app=rb")}
    assert len(original & now) == 2, (original, now)  # only the broken pod was replaced
    assert images(cluster, "app=rb") == ["app:v1"] * 3


def test_failed_pod_is_replaced(cluster, tmp_path):
    cluster.sim(2)
    apply(cluster, tmp_path, ds_manifest("retry"))
    cluster.wait_ds("retry", 2)
    pod = cluster.pods("app=retry")[0]
    name = pod["metadata"]["name"]
    pod["status"]["phase"] = "Failed"
    r = cluster.server.api("PUT", f"/api/v1/namespaces/default/pods/{name}/status", pod)
    assert r.status == 200, r
    wait_until(lambda: name not in {p["metadata"]["name"] for p in cluster.pods("app=retry")},
               timeout=20, what="the failed pod deleted")
    cluster.wait_ds("retry", 2, timeout=20)
    d = cluster.kubectl.ok("describe", "ds", "retry").out
    assert "FailedDaemonPod" in d


# ---- node lifecycle ----------------------------------------------------------------


def test_killed_sim_nodes_go_unknown_and_keep_daemon_pods(cluster, tmp_path):
    cluster.sim(2)
    doomed = cluster.sim(1, "doomed-")
    apply(cluster, tmp_path, ds_manifest("stay"))
    cluster.wait_ds("stay", 3)
    doomed.kill()
    doomed.wait()

    def unknown():
        n = cluster.server.get_json("/api/v1/nodes/doomed-0")
        ready = [c for c in n["status"]["conditions"] if c["type"] == "Ready"][0]
        taints = {(t["key"], t["effect"]) for t in n["spec"].get("taints", [])}
        return (ready["status"] == "Unknown" and
                ("node.kubernetes.io/unreachable", "NoExecute") in taints and
                ("node.kubernetes.io/unreachable", "NoSchedule") in taints)

    wait_until(unknown, timeout=GRACE + 15, what="node Unknown with unreachable taints")
    row = parse_table(cluster.kubectl.ok("get", "nodes").out)
    assert {r["NAME"]: r["STATUS"] for r in row}["doomed-0"] == "NotReady"
    time.sleep(2)
    assert "doomed-0" in pod_nodes(cluster, "app=stay")  # daemon pods tolerate it
    # A restarted sim takes the node over again: Ready, taints gone.
    cluster.sim(1, "doomed-")
    wait_until(lambda: not cluster.server.get_json("/api/v1/nodes/doomed-0")["spec"].get(
        "taints"), timeout=20, what="unreachable taints removed")


# ---- the remaining conformance behaviours ----------------------------------------


def test_list_and_delete_collection(cluster, tmp_path):
    # Conformance "should list and delete a collection of DaemonSets".
    cluster.sim(2)
    for name in ("coll-a", "coll-b"):
        ds = ds_manifest(name, labels={"app": name, "set": "coll"})
        ds["metadata"]["labels"] = {"set": "coll"}
        apply(cluster, tmp_path, ds)
    cluster.wait_ds("coll-a", 2)
    lst = cluster.server.get_json(
        "/apis/apps/v1/daemonsets?labelSelector=set%3Dcoll")  # across namespaces
    assert sorted(d["metadata"]["name"] for d in lst["items"]) == ["coll-a", "coll-b"]
    r = cluster.server.api("DELETE", "/apis/apps/v1/namespaces/default/daemonsets"
                           "?labelSelector=set%3Dcoll")
    assert r.status == 200, r
    lst = cluster.server.get_json("/apis/apps/v1/namespaces/default/daemonsets"
                                  "?labelSelector=set%3Dcoll")
    assert lst["items"] == []
    wait_until(lambda: not cluster.pods("set=coll"), timeout=20, what="their pods gone")


def test_status_subresource_read_replace_patch(cluster, tmp_path):
    # Conformance "should verify changes to a daemon set status".
    cluster.sim(1)
    apply(cluster, tmp_path, ds_manifest("stat"))
    cluster.wait_ds("stat", 1)
    path = "/apis/apps/v1/namespaces/default/daemonsets/stat/status"
    cur = cluster.server.get_json(path)
    assert cur["kind"] == "DaemonSet" and cur["status"]["numberReady"] == 1
    cond = {"type": "StatusUpdate", "status": "True", "reason": "E2E",
            "message": "Set from e2e test"}
    cur["status"]["conditions"] = [cond]
    r = cluster.server.api("PUT", path, cur)
    assert r.status == 200, r
    got = cluster.server.get_json(path)["status"]["conditions"]
    assert [c["type"] for c in got] == ["StatusUpdate"]
    patch = {"status": {"conditions": [{"type": "StatusPatched", "status": "True"}]}}
    r = cluster.server.api("PATCH", path, patch, content_type="application/merge-patch+json")
    assert r.status == 200, r
    # The controller's own status writes keep what a client put in conditions.
    time.sleep(1)
    cluster.kubectl.ok("label", "nodes", "sim-node-0", "touch=1")
    time.sleep(1)
    got = cluster.server.get_json(path)["status"]
    assert [c["type"] for c in got["conditions"]] == ["StatusPatched"]
    assert got["numberReady"] == 1
