"""Simulated nodes: a real `everynode server`, a real `everynode sim`, the real kubectl.

The sim registers Node objects like kubelets, renews their Leases, and moves
the pods bound to them through Pending -> Running -> Ready (or ErrImagePull),
deleting pods marked for deletion.  Everything here runs against private
servers so the simulated nodes never show up in other tests' clusters: one
module-wide server and sim for the read-mostly checks, and fresh ones for
tests that kill, restart or reconfigure the sim.  No DaemonSet controller is
involved: pods are bound by hand (spec.nodeName).
"""

import json
import os
import re
import signal
import subprocess
import tempfile
import time
import pathlib

import pytest

from conftest import (EVERYNODE_BIN, SANITIZER_MARKERS, Kubectl, Server, header_columns,
                      parse_table, uniq, wait_until, write_file)

NODES = 4
PREFIX = "e2e-sim-"
RENEW_RE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"
SIM_STOP_TIMEOUT = 10


class Sim:
    """One `everynode sim` process; stderr goes to a log file next to the server's."""

    def __init__(self, server, *args):
        self.server = server
        self.args = [str(a) for a in args]
        fd, path = tempfile.mkstemp(prefix="sim-", suffix=".stderr.log",
                                    dir=str(server.data_dir.parent))
        os.close(fd)
        self.log_path = pathlib.Path(path)
        self.proc = None
        self._log = None

    def start(self):
        self._log = open(self.log_path, "ab")
        argv = [EVERYNODE_BIN, "sim", "--kubeconfig", str(self.server.kubeconfig), *self.args]
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=self._log)
        return self

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def wait_registered(self, nodes, timeout=30.0):
        """Until the sim logs that all nodes are registered; returns elapsed_ms it reports."""
        pat = re.compile(rf'registered nodes={nodes} elapsed_ms=(\d+)')

        def done():
            if self.proc.poll() is not None:
                pytest.fail(f"sim exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
            m = pat.search(self.log())
            return int(m.group(1)) if m else None
        return wait_until(done, timeout=timeout, interval=0.1, what=f"{nodes} nodes registered")

    def stop(self):
        """SIGTERM; returns the exit code (killed after a timeout)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=SIM_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=SIM_STOP_TIMEOUT)
                pytest.fail(f"sim ignored SIGTERM for {SIM_STOP_TIMEOUT}s:\n{self.log()[-3000:]}")
        self._close()
        return self.proc.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=SIM_STOP_TIMEOUT)
        self._close()

    def _close(self):
        if self._log is not None:
            self._log.close()
            self._log = None

    def check_clean(self):
        text = self.log()
        for marker in SANITIZER_MARKERS:
            assert marker not in text, f"sanitizer report in sim stderr:\n{text[-5000:]}"


def start_server(tmp_path_factory):
    srv = Server(pathlib.Path(tempfile.mkdtemp(prefix="everynode-sim-",
                                               dir=str(tmp_path_factory.mktemp("sim")))) / "data")
    srv.start()
    return srv


def finish_server(srv):
    rc = srv.stop()
    report = srv.sanitizer_report()
    assert not report, f"sanitizer report in server stderr:\n{report}"
    assert srv.killed or rc == 0, f"server exited with {rc}:\n{srv.log_tail(lines=60)}"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A private server with NODES simulated nodes carrying labels, taints and capacity."""
    srv = start_server(tmp_path_factory)
    sim = Sim(srv, "--nodes", NODES, "--name-prefix", PREFIX, "--labels", "zone=z1,tier=edge",
              "--taints", "dedicated=sim:NoSchedule,spot:PreferNoSchedule",
              "--capacity", "cpu=2,example.com/gpu=1").start()
    try:
        sim.wait_registered(NODES)
        yield srv, sim
    finally:
        rc = sim.stop()
        sim.check_clean()
        finish_server(srv)
        assert rc == 0, f"sim exited with {rc} after SIGTERM:\n{sim.log()[-3000:]}"


@pytest.fixture(scope="module")
def kc(cluster, tmp_path_factory):
    return Kubectl(cluster[0], home=tmp_path_factory.mktemp("kubectl-home-sim"))


@pytest.fixture
def fresh(tmp_path_factory):
    """Private servers and sims for one test, stopped afterwards."""
    made = []

    def make():
        srv = start_server(tmp_path_factory)
        made.append(srv)
        return srv, Kubectl(srv, home=tmp_path_factory.mktemp("kubectl-home"))

    sims = []
    yield make, sims
    for s in sims:
        s.kill()
        s.check_clean()
    for srv in made:
        finish_server(srv)


def lease(kubectl, name):
    r = kubectl("get", "lease", name, "-n", "kube-node-lease", "-o", "json")
    return json.loads(r.out) if r.rc == 0 else None


def renew_time(kubectl, name):
    lz = lease(kubectl, name)
    return lz["spec"]["renewTime"] if lz else None


def pod_manifest(name, node, image="nginx:1.25"):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"nodeName": node, "containers": [{"name": "main", "image": image}]}}


def get_pod_row(kubectl, name, ns="default"):
    r = kubectl("get", "pod", name, "-n", ns)
    if r.rc != 0:
        return None
    rows = parse_table(r.out)
    return rows[0] if rows else None


# ---- registration -------------------------------------------------------------


def test_nodes_ready_with_labels_and_taints(cluster, kc):
    r = kc.ok("get", "nodes", "-o", "wide", "-l", "zone=z1")
    assert header_columns(r.lines()[0])[:5] == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"], r
    rows = parse_table(r.out)
    assert sorted(row["NAME"] for row in rows) == [f"{PREFIX}{i}" for i in range(NODES)], r
    for row in rows:
        assert row["STATUS"] == "Ready", row
        assert row["VERSION"] == "v1.32.0-sim", row
        assert re.fullmatch(r"10\.\d+\.\d+\.\d+", row["INTERNAL-IP"]), row
        assert row["CONTAINER-RUNTIME"] == "sim://1.0", row
    assert len({row["INTERNAL-IP"] for row in rows}) == NODES, r

    r = kc.ok("get", "nodes", "--show-labels", "-l", "tier=edge")
    for row in parse_table(r.out):
        labels = dict(kv.split("=", 1) for kv in row["LABELS"].split(","))
        assert labels["kubernetes.io/hostname"] == row["NAME"], row
        assert labels["kubernetes.io/os"] == "linux", row
        assert labels["kubernetes.io/arch"] == "amd64", row
        assert labels["zone"] == "z1" and labels["tier"] == "edge", row

    node = kc.json("get", "node", f"{PREFIX}1")
    assert node["spec"]["taints"] == [
        {"key": "dedicated", "value": "sim", "effect": "NoSchedule"},
        {"key": "spot", "effect": "PreferNoSchedule"}], node["spec"]
    st = node["status"]
    assert st["capacity"] == {"cpu": "2", "memory": "8Gi", "pods": "110",
                              "example.com/gpu": "1"}, st
    assert st["allocatable"] == st["capacity"], st
    conds = {c["type"]: c for c in st["conditions"]}
    assert conds["Ready"]["status"] == "True", conds
    assert conds["Ready"]["reason"] == "KubeletReady", conds
    assert conds["Ready"]["message"] == "kubelet is posting ready status", conds
    for t, reason in (("MemoryPressure", "KubeletHasSufficientMemory"),
                      ("DiskPressure", "KubeletHasNoDiskPressure"),
                      ("PIDPressure", "KubeletHasSufficientPID")):
        assert conds[t]["status"] == "False" and conds[t]["reason"] == reason, conds
    addrs = {a["type"]: a["address"] for a in st["addresses"]}
    assert addrs["Hostname"] == f"{PREFIX}1", addrs
    info = st["nodeInfo"]
    assert info["kubeletVersion"] == "v1.32.0-sim", info
    assert info["containerRuntimeVersion"] == "sim://1.0", info
    assert info["operatingSystem"] == "linux" and info["architecture"] == "amd64", info

    # describe renders it like a kubelet's node.
    r = kc.ok("describe", "node", f"{PREFIX}0")
    assert "Taints:             dedicated=sim:NoSchedule" in r.out, r
    assert "kubelet is posting ready status" in r.out, r


def test_leases_exist_and_renew(cluster, kc):
    names = [f"{PREFIX}{i}" for i in range(NODES)]
    first = {}
    for n in names:
        lz = lease(kc, n)
        assert lz is not None, f"no lease for {n}"
        spec = lz["spec"]
        assert spec["holderIdentity"] == n, lz
        assert spec["leaseDurationSeconds"] == 40, lz
        assert re.fullmatch(RENEW_RE, spec["renewTime"]), lz
        node = kc.json("get", "node", n)
        owners = lz["metadata"].get("ownerReferences", [])
        assert owners and owners[0]["kind"] == "Node" and owners[0]["name"] == n, lz
        assert owners[0]["uid"] == node["metadata"]["uid"], lz
        first[n] = spec["renewTime"]
    # Renewed every 10 s: within 15 s every lease moved on.
    wait_until(lambda: all(renew_time(kc, n) > first[n] for n in names), timeout=15,
               interval=1, what="every lease renewed")


# ---- pods ------------------------------------------------------------------------


def test_pod_becomes_running_and_ready(cluster, kc, tmp_path):
    name = uniq("run")
    node = f"{PREFIX}2"
    kc.ok("apply", "-f", write_file(tmp_path, "p.json", pod_manifest(name, node)))
    row = wait_until(lambda: (lambda r: r if r and r["READY"] == "1/1" and
                              r["STATUS"] == "Running" else None)(get_pod_row(kc, name)),
                     timeout=10, what="pod 1/1 Running")
    assert row["RESTARTS"] == "0", row

    pod = kc.json("get", "pod", name)
    node_ip = next(a["address"] for a in kc.json("get", "node", node)["status"]["addresses"]
                   if a["type"] == "InternalIP")
    st = pod["status"]
    assert st["phase"] == "Running", st
    assert st["hostIP"] == node_ip and st["podIP"] == node_ip, st
    assert st["podIPs"] == [{"ip": node_ip}] and st["hostIPs"] == [{"ip": node_ip}], st
    assert st["startTime"], st
    assert [c["type"] for c in st["conditions"]] == [
        "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"], st
    assert all(c["status"] == "True" for c in st["conditions"]), st
    (cs,) = st["containerStatuses"]
    assert cs["name"] == "main" and cs["image"] == "nginx:1.25", cs
    assert cs["imageID"] == "sim://nginx:1.25", cs
    assert cs["containerID"] == f"sim://{pod['metadata']['uid']}-main", cs
    assert cs["ready"] is True and cs["started"] is True and cs["restartCount"] == 0, cs
    assert cs["state"]["running"]["startedAt"], cs

    r = kc.ok("get", "pod", name, "-o", "wide")
    row = parse_table(r.out)[0]
    assert row["IP"] == node_ip and row["NODE"] == node, row

    # Nothing more is written once it is as it should be.
    rv = pod["metadata"]["resourceVersion"]
    time.sleep(1.5)
    assert kc.json("get", "pod", name)["metadata"]["resourceVersion"] == rv
    kc.ok("delete", "pod", name, timeout=30)


def test_image_pull_failure(cluster, kc, tmp_path):
    name = uniq("pull")
    kc.ok("apply", "-f", write_file(tmp_path, "p.json",
                                    pod_manifest(name, f"{PREFIX}3", image="x:non-existent")))
    row = wait_until(lambda: (lambda r: r if r and r["STATUS"] == "ErrImagePull" else None)(
        get_pod_row(kc, name)), timeout=10, what="ErrImagePull")
    assert row["READY"] == "0/1", row
    pod = kc.json("get", "pod", name)
    st = pod["status"]
    assert st["phase"] == "Pending", st
    waiting = st["containerStatuses"][0]["state"]["waiting"]
    assert waiting["reason"] == "ErrImagePull", waiting
    assert '"x:non-existent"' in waiting["message"] and "not found" in waiting["message"], waiting
    ready = next(c for c in st["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "False" and ready["reason"] == "ContainersNotReady", ready
    assert ready["message"] == "containers with unready status: [main]", ready
    # It never becomes ready.
    time.sleep(1)
    assert get_pod_row(kc, name)["STATUS"] == "ErrImagePull"
    kc.ok("delete", "pod", name, timeout=30)


def test_failed_pod_is_not_overwritten(cluster, kc, tmp_path):
    name = uniq("failed")
    kc.ok("apply", "-f", write_file(tmp_path, "p.json", pod_manifest(name, f"{PREFIX}0")))
    wait_until(lambda: (get_pod_row(kc, name) or {}).get("STATUS") == "Running", timeout=10,
               what="Running")
    srv = cluster[0]
    pod = srv.get_json(f"/api/v1/namespaces/default/pods/{name}")
    pod["status"]["phase"] = "Failed"
    pod["status"]["reason"] = "Evicted"
    r = srv.api("PUT", f"/api/v1/namespaces/default/pods/{name}/status", pod)
    assert r.status == 200, r
    time.sleep(1.5)
    assert kc.json("get", "pod", name)["status"]["phase"] == "Failed"
    kc.ok("delete", "pod", name, timeout=30)


def test_pod_deletion_completes(cluster, kc, tmp_path):
    name = uniq("del")
    kc.ok("apply", "-f", write_file(tmp_path, "p.json", pod_manifest(name, f"{PREFIX}1")))
    wait_until(lambda: (get_pod_row(kc, name) or {}).get("READY") == "1/1", timeout=10,
               what="pod ready")
    t0 = time.monotonic()
    # A graceful delete: the server marks it, the node finishes it.
    r = kc("delete", "pod", name, timeout=30)
    elapsed = time.monotonic() - t0
    assert r.rc == 0 and r.out.strip() == f'pod "{name}" deleted', r
    assert elapsed < 5, f"deletion took {elapsed:.1f}s"
    r = kc("get", "pod", name)
    assert r.rc != 0 and "NotFound" in r.err, r
    assert "failed" not in cluster[1].log(), cluster[1].log()


# ---- one-off sims ------------------------------------------------------------------


def test_ready_after(fresh, tmp_path):
    make, sims = fresh
    srv, kubectl = make()
    sim = Sim(srv, "--nodes", 1, "--name-prefix", "ra-", "--ready-after", 3).start()
    sims.append(sim)
    sim.wait_registered(1)
    kubectl.ok("apply", "-f", write_file(tmp_path, "p.json", pod_manifest("slow", "ra-0")))
    row = wait_until(lambda: (lambda r: r if r and r["STATUS"] == "Running" else None)(
        get_pod_row(kubectl, "slow")), timeout=10, what="Running")
    t_running = time.monotonic()
    assert row["READY"] == "0/1", row
    wait_until(lambda: (get_pod_row(kubectl, "slow") or {}).get("READY") == "1/1", timeout=10,
               what="Ready after 3 s")
    waited = time.monotonic() - t_running
    assert 1.0 <= waited <= 6.0, f"ready {waited:.1f}s after Running"
    assert sim.stop() == 0


def test_sigkill_stops_leases_sigterm_and_takeover(fresh):
    make, sims = fresh
    srv, kubectl = make()
    sim = Sim(srv, "--nodes", 2, "--name-prefix", "k-", "--lease-interval", 1).start()
    sims.append(sim)
    sim.wait_registered(2)
    t1 = renew_time(kubectl, "k-0")
    wait_until(lambda: renew_time(kubectl, "k-0") > t1, timeout=5, what="lease renewed")
    uid = kubectl.json("get", "node", "k-0")["metadata"]["uid"]
    boot = kubectl.json("get", "node", "k-0")["status"]["nodeInfo"]["bootID"]

    # SIGKILL: heartbeats simply stop.
    sim.kill()
    frozen = {n: renew_time(kubectl, n) for n in ("k-0", "k-1")}
    time.sleep(3)
    assert {n: renew_time(kubectl, n) for n in ("k-0", "k-1")} == frozen

    # A new sim takes the nodes over: same objects, new boot, leases move again.
    sim2 = Sim(srv, "--nodes", 2, "--name-prefix", "k-", "--lease-interval", 1).start()
    sims.append(sim2)
    sim2.wait_registered(2)
    node = kubectl.json("get", "node", "k-0")
    assert node["metadata"]["uid"] == uid
    assert node["status"]["nodeInfo"]["bootID"] != boot
    wait_until(lambda: renew_time(kubectl, "k-1") > frozen["k-1"], timeout=5,
               what="lease renewed after takeover")
    assert "failed" not in sim2.log(), sim2.log()

    # SIGTERM: a clean exit; the nodes stay registered.
    assert sim2.stop() == 0
    assert "stopping; nodes stay registered" in sim2.log()
    r = kubectl.ok("get", "nodes", "-o", "name")
    assert r.out.split() == ["node/k-0", "node/k-1"], r


def test_deleted_node_stays_deleted(fresh):
    make, sims = fresh
    srv, kubectl = make()
    sim = Sim(srv, "--nodes", 2, "--name-prefix", "d-", "--lease-interval", 1,
              "--status-interval", 1).start()
    sims.append(sim)
    sim.wait_registered(2)
    kubectl.ok("delete", "node", "d-0", timeout=30)
    wait_until(lambda: "node=d-0 was deleted" in sim.log(), timeout=10,
               what="the sim noticing the deletion")
    t1 = renew_time(kubectl, "d-1")
    time.sleep(2.5)
    r = kubectl("get", "node", "d-0")
    assert r.rc != 0 and "NotFound" in r.err, r
    assert renew_time(kubectl, "d-1") > t1  # the other node lives on
    assert sim.stop() == 0


def test_bad_command_lines(fresh, tmp_path):
    def run(*args, env=None):
        return subprocess.run([EVERYNODE_BIN, "sim", *map(str, args)], capture_output=True,
                              text=True, timeout=30, env=env)

    kc_path = tmp_path / "none.yaml"
    cases = [
        (("--kubeconfig", kc_path, "--nodes", "0"), 2, "invalid value '0' for --nodes"),
        (("--kubeconfig", kc_path, "--nodes", "x"), 2, "invalid value 'x' for --nodes"),
        (("--kubeconfig", kc_path, "--nodes", "2", "--taints", "k=v:Bad"), 2,
         "invalid taint effect: Bad"),
        (("--kubeconfig", kc_path, "--nodes", "2", "--labels", "-x=1"), 2, "invalid label key"),
        (("--kubeconfig", kc_path, "--nodes", "2", "--capacity", "cpu=lots"), 2,
         "invalid capacity cpu=lots"),
        (("--kubeconfig", kc_path, "--nodes", "2", "--name-prefix", "Bad_"), 2,
         "gives invalid node names"),
        (("--nodes", "2", "extra"), 2, "unexpected argument 'extra'"),
        (("--kubeconfig", kc_path, "--nodes", "2"), 1, "cannot open"),
    ]
    for args, rc, msg in cases:
        p = run(*args)
        assert p.returncode == rc and msg in p.stderr, (args, p.returncode, p.stderr)
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    p = run("--nodes", "1", env=env)
    assert p.returncode == 2 and "--kubeconfig is required" in p.stderr, p.stderr
    p = run("--help")
    assert p.returncode == 0 and "--ready-after" in p.stdout, p

    # Wrong credentials: one clear error, not thousands of failed requests.
    make, _ = fresh
    srv, _ = make()
    bad = srv.kubeconfig.read_text().replace(srv.token, "wrong-token")
    path = write_file(tmp_path, "bad.yaml", bad)
    p = run("--kubeconfig", path, "--nodes", "3")
    assert p.returncode == 1 and "refused our credentials (HTTP 401)" in p.stderr, p.stderr


@pytest.mark.slow
def test_registers_a_thousand_nodes(fresh):
    make, sims = fresh
    srv, kubectl = make()
    sim = Sim(srv, "--nodes", 1000, "--name-prefix", "big-").start()
    sims.append(sim)
    ms = sim.wait_registered(1000, timeout=60)
    print(f"registered 1000 nodes in {ms} ms")
    r = kubectl.ok("get", "nodes", "--no-headers", timeout=60)
    lines = r.lines()
    assert len(lines) == 1000, len(lines)
    assert all(" Ready " in ln for ln in lines)
    r = kubectl.ok("get", "leases", "-n", "kube-node-lease", "--no-headers", timeout=60)
    assert len(r.lines()) == 1000
    assert sim.stop() == 0
