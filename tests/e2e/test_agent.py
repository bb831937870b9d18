"""Real nodes: a real `everynode server`, two real `everynode agent`s, real runc
containers, a real docker-registry, the real kubectl.

Both agents run on this machine on 127.0.0.1 (hostNetwork semantics: pod IP = node
IP), each with its own --node-name, --data-dir and --port, and the repo's demo
images imported into its store (`make images` builds them when missing).  What is
checked is what a user sees with kubectl and what really runs: runc's own view of
the containers (`runc --root DATA/runc`), the container log files, files the
containers write on the host, /proc/self/mountinfo and the cgroup tree.

Needs root and runc (skipped otherwise).  Each test works in its own namespace,
deleted afterwards; the module's teardown stops the agents and removes whatever
containers, mounts and cgroups they left.
"""

import json
import os
import pathlib
import re
import subprocess
import time

import pytest

from agent_util import IMAGES_DIR, Agent, ensure_images, have_runtime, node_token
from conftest import (EVERYNODE_BIN, Kubectl, Server, free_port, parse_table, uniq,
                      wait_until)
from registry import Registry, registries_yaml

NODES = ("e2e-agent-a", "e2e-agent-b")
LABEL_KEY, LABEL_VALUE = "e2e-agent", "yes"
BUSYBOX = "everynode.local/busybox:1.35"
HTTPD = "everynode.local/httpd:1.35"


class Cluster:
    def __init__(self, server, kubectl, agents, registry, base):
        self.server = server
        self.k = kubectl
        self.agents = agents
        self.registry = registry
        self.base = base

    def agent(self, node):
        return next(a for a in self.agents if a.name == node)


def node_ready(k, name):
    r = k("get", "node", name, "-o", "json")
    if r.rc != 0:
        return False
    conds = json.loads(r.out).get("status", {}).get("conditions", [])
    return any(c["type"] == "Ready" and c["status"] == "True" for c in conds)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    why = have_runtime()
    if why:
        pytest.skip(why)
    ensure_images()
    base = tmp_path_factory.mktemp("agent")
    srv = Server(base / "server")
    srv.start()
    reg = Registry().start()
    agents = []
    try:
        reg.push_archive(str(IMAGES_DIR / "busybox.tar"), "library/busybox", "1.35")
        regfile = base / "registries.yaml"
        regfile.write_text(registries_yaml(mirrors={"docker.io": [reg.url]}))
        for name in NODES:
            a = Agent(srv, name, base / name, free_port(),
                      ("--node-labels", f"{LABEL_KEY}={LABEL_VALUE},e2e-node={name}",
                       "--registries", regfile))
            agents.append(a)
            a.import_images()
            a.start()
        k = Kubectl(srv, home=base / "kubectl-home")
        for name in NODES:
            wait_until(lambda: node_ready(k, name), timeout=30, what=f"node {name} Ready")
        yield Cluster(srv, k, agents, reg, base)
    finally:
        problems = []
        for a in agents:
            rc = a.stop() if a.running() else None
            if rc not in (None, 0):
                problems.append(f"agent {a.name} exited {rc} on SIGTERM:\n{a.log()[-3000:]}")
            report = a.sanitizer_report()
            if report:
                problems.append(f"sanitizer report in agent {a.name}:\n{report}")
            a.cleanup()
        reg.stop()
        srv.stop()
        report = srv.sanitizer_report()
        if report:
            problems.append(f"sanitizer report in server stderr:\n{report}")
        if problems:
            pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture
def ns(cluster):
    """A namespace for one test; deleted afterwards, waiting (bounded) for its pods to go."""
    name = uniq("agent")
    cluster.k.ok("create", "namespace", name)
    yield name
    cluster.k("delete", "namespace", name, "--wait=false")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        r = cluster.k("get", "pods", "-n", name, "-o", "name")
        if r.rc != 0 or not r.out.strip():
            break
        time.sleep(0.5)


# ---- helpers ---------------------------------------------------------------------


def apply(k, obj):
    return k.ok("apply", "-f", "-", input=json.dumps(obj))


def get_pod(k, ns, name):
    r = k("get", "pod", name, "-n", ns, "-o", "json")
    return json.loads(r.out) if r.rc == 0 else None


def pods(k, ns, selector=None):
    args = ["get", "pods", "-n", ns]
    if selector:
        args += ["-l", selector]
    return k.json(*args)["items"]


def cstatus(pod, name=None, init=False):
    key = "initContainerStatuses" if init else "containerStatuses"
    for cs in (pod or {}).get("status", {}).get(key, []):
        if name is None or cs["name"] == name:
            return cs
    return None


def wait_pod(k, ns, name, pred, timeout=30, what="pod state"):
    last = {}

    def check():
        p = get_pod(k, ns, name)
        last["pod"] = p
        return p if p and pred(p) else None
    try:
        return wait_until(check, timeout=timeout, interval=0.3, what=f"{what} of {ns}/{name}")
    except pytest.fail.Exception:
        status = json.dumps((last.get("pod") or {}).get("status"), indent=1)
        pytest.fail(f"timed out waiting for {what} of {ns}/{name}; status:\n{status}",
                    pytrace=False)


def running_ready(p):
    cs = p.get("status", {}).get("containerStatuses") or []
    return (p.get("status", {}).get("phase") == "Running" and cs
            and all(c.get("ready") for c in cs))


def condition(p, ctype):
    for c in p.get("status", {}).get("conditions", []):
        if c["type"] == ctype:
            return c
    return None


def events_of(k, ns, pod):
    """The Events about a pod, as (reason, message, count) tuples."""
    items = k.json("get", "events", "-n", ns,
                   "--field-selector", f"involvedObject.name={pod}")["items"]
    return [(e["reason"], e["message"], e.get("count", 1)) for e in items]


def container_id(cs):
    cid = cs.get("containerID", "")
    assert cid.startswith("runc://"), f"containerID {cid!r}"
    return cid[len("runc://"):]


def runc_state(agent, cid):
    r = agent.runc("state", cid)
    return json.loads(r.stdout) if r.returncode == 0 else None


def pod_spec(name, containers, node=None, **extra):
    spec = {"containers": containers, "terminationGracePeriodSeconds": 3}
    if node:
        spec["nodeName"] = node
    spec.update(extra)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def in_ns(obj, ns):
    obj["metadata"]["namespace"] = ns
    return obj


def read_log(agent, pod, container, restart=0):
    m = pod["metadata"]
    try:
        return agent.log_file(m["namespace"], m["name"], m["uid"], container,
                              restart).read_text()
    except OSError:
        return ""


def log_lines(text):
    """The payloads of CRI log lines."""
    out = []
    for ln in text.splitlines():
        parts = ln.split(" ", 3)
        if len(parts) == 4:
            out.append(parts[3])
    return out


# ---- the nodes -------------------------------------------------------------------------


def meminfo_kib():
    with open("/proc/meminfo") as f:
        for ln in f:
            if ln.startswith("MemTotal:"):
                return int(ln.split()[1])
    return 0


def test_nodes_register_ready_with_real_capacity(cluster):
    k = cluster.k
    for a in cluster.agents:
        node = k.json("get", "node", a.name)
        st = node["status"]
        assert st["capacity"]["cpu"] == str(len(os.sched_getaffinity(0)))
        assert st["capacity"]["memory"] == f"{meminfo_kib()}Ki"
        assert st["capacity"]["pods"] == "110"
        # Allocatable leaves kubelet's 100Mi memory eviction threshold out.
        assert st["allocatable"]["memory"] == f"{meminfo_kib() - 100 * 1024}Ki"
        assert {"type": "InternalIP", "address": "127.0.0.1"} in st["addresses"]
        assert {"type": "Hostname", "address": a.name} in st["addresses"]
        assert st["daemonEndpoints"]["kubeletEndpoint"]["Port"] == a.port
        info = st["nodeInfo"]
        assert info["kubeletVersion"] == "v1.32.0-everynode"
        assert re.fullmatch(r"runc://1\.\S+", info["containerRuntimeVersion"]), info
        assert info["kernelVersion"] == os.uname().release
        assert info["operatingSystem"] == "linux"
        assert info["bootID"] == pathlib.Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        conds = {c["type"]: c for c in st["conditions"]}
        assert conds["Ready"]["status"] == "True" and conds["Ready"]["reason"] == "KubeletReady"
        for t in ("MemoryPressure", "DiskPressure", "PIDPressure"):
            assert t in conds
        labels = node["metadata"]["labels"]
        assert labels[LABEL_KEY] == LABEL_VALUE
        assert labels["kubernetes.io/hostname"] == a.name
        assert labels["kubernetes.io/os"] == "linux"
        lease = k.json("get", "lease", a.name, "-n", "kube-node-lease")
        assert lease["spec"]["holderIdentity"] == a.name
        assert lease["metadata"]["ownerReferences"][0]["uid"] == node["metadata"]["uid"]
    rows = parse_table(k.ok("get", "nodes", "-o", "wide").out)
    by_name = {r["NAME"]: r for r in rows}
    for name in NODES:
        assert by_name[name]["STATUS"] == "Ready"
        assert by_name[name]["INTERNAL-IP"] == "127.0.0.1"
        assert by_name[name]["CONTAINER-RUNTIME"].startswith("runc://")


# ---- pods ------------------------------------------------------------------------------


def test_daemonset_runs_on_each_node_with_downward_api(cluster, ns):
    k = cluster.k
    script = ("echo node=$(NODE_NAME) pod=$(POD_NAME) ns=$(POD_NS) ip=$(POD_IP) "
              "host=$(HOST_IP) uid=$(POD_UID) app=$(APP) mem=$(MEM_MI) cpu=$(CPU_M) "
              "greeting=$(GREETING); echo 'literal=$$(NODE_NAME)'; echo hostname=$(hostname); "
              "trap 'exit 0' TERM; while true; do sleep 1; done")
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet",
          "metadata": {"name": "logger", "namespace": ns},
          "spec": {"selector": {"matchLabels": {"app": "logger"}},
                   "template": {"metadata": {"labels": {"app": "logger"}},
                                "spec": {"nodeSelector": {LABEL_KEY: LABEL_VALUE},
                                         "terminationGracePeriodSeconds": 5,
                                         "containers": [{
                                             "name": "log", "image": BUSYBOX,
                                             "command": ["sh", "-c", script],
                                             "resources": {"limits": {"memory": "48Mi",
                                                                      "cpu": "250m"}},
                                             "env": [
                                                 {"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                                                 {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                                                 {"name": "POD_NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                                                 {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                                                 {"name": "HOST_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}},
                                                 {"name": "POD_UID", "valueFrom": {"fieldRef": {"fieldPath": "metadata.uid"}}},
                                                 {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
                                                 {"name": "MEM_MI", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}},
                                                 {"name": "CPU_M", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}}},
                                                 {"name": "GREETING", "value": "hi-$(NODE_NAME)"},
                                             ]}]}}}}
    apply(k, ds)

    def ds_ready():
        st = k.json("get", "ds", "logger", "-n", ns).get("status", {})
        return st if st.get("numberReady") == len(NODES) else None
    wait_until(ds_ready, timeout=60, interval=0.5, what="DaemonSet logger READY 2")
    rows = parse_table(k.ok("get", "ds", "logger", "-n", ns).out)
    assert rows[0]["DESIRED"] == "2" and rows[0]["READY"] == "2", rows

    items = pods(k, ns, "app=logger")
    assert sorted(p["spec"]["nodeName"] for p in items) == sorted(NODES)
    for p in items:
        node, m = p["spec"]["nodeName"], p["metadata"]
        agent = cluster.agent(node)
        cs = cstatus(p, "log")
        assert cs["ready"] and cs["started"] and cs["restartCount"] == 0
        assert cs["image"] == BUSYBOX
        assert cs["imageID"].startswith("sha256:")
        assert p["status"]["podIP"] == "127.0.0.1" and p["status"]["hostIP"] == "127.0.0.1"
        assert condition(p, "Ready")["status"] == "True"
        assert condition(p, "ContainersReady")["status"] == "True"
        assert condition(p, "Initialized")["status"] == "True"
        assert condition(p, "PodScheduled")["status"] == "True"
        # runc runs it, in its own cgroup under the node's, with the memory limit.
        cid = container_id(cs)
        state = runc_state(agent, cid)
        assert state and state["status"] == "running", state
        assert cid in agent.runc_ids()
        assert cid not in cluster.agent(next(n for n in NODES if n != node)).runc_ids()
        limit = pathlib.Path(f"/sys/fs/cgroup/memory/everynode/{node}/{cid}/memory.limit_in_bytes")
        if limit.exists():
            assert int(limit.read_text()) == 48 * 1024 * 1024
        want = (f"node={node} pod={m['name']} ns={ns} ip=127.0.0.1 host=127.0.0.1 "
                f"uid={m['uid']} app=logger mem=48 cpu=250 greeting=hi-{node}")
        lines = wait_until(lambda: log_lines(read_log(agent, p, "log")) or None, timeout=10,
                           what="the container's log file")
        assert lines[0] == want, lines
        assert "literal=$(NODE_NAME)" in lines
        assert f"hostname={m['name']}" in lines
        raw = read_log(agent, p, "log").splitlines()[0]
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout F node=", raw), raw
    k.ok("delete", "ds", "logger", "-n", ns)


def test_crash_loop_back_off(cluster, ns):
    k = cluster.k
    node = NODES[0]
    apply(k, in_ns(pod_spec("crasher", [{"name": "c", "image": BUSYBOX,
                                          "command": ["sh", "-c", "echo attempt; exit 1"]}],
                            node=node), ns))

    def looping(p):
        cs = cstatus(p)
        return (cs and cs["restartCount"] >= 2 and
                cs["state"].get("waiting", {}).get("reason") == "CrashLoopBackOff")
    p = wait_pod(k, ns, "crasher", looping, timeout=45, what="CrashLoopBackOff, 2 restarts")
    cs = cstatus(p)
    assert p["status"]["phase"] == "Running"
    assert re.fullmatch(r"back-off (10|20|40)s restarting failed container=c "
                        rf"pod=crasher_{ns}\({p['metadata']['uid']}\)",
                        cs["state"]["waiting"]["message"]), cs
    last = cs["lastState"]["terminated"]
    assert last["exitCode"] == 1 and last["reason"] == "Error"
    assert last["containerID"] == cs["containerID"]
    assert cs["containerID"].endswith(f"-c-{cs['restartCount']}")
    rows = parse_table(k.ok("get", "pod", "crasher", "-n", ns).out)
    assert rows[0]["STATUS"] == "CrashLoopBackOff"
    assert rows[0]["READY"] == "0/1"
    # Each attempt writes its own log file; the current and the previous are kept.
    agent = cluster.agent(node)
    n = cs["restartCount"]
    for r in (n - 1, n):
        assert log_lines(read_log(agent, p, "c", r)) == ["attempt"], r
    assert not agent.log_file(ns, "crasher", p["metadata"]["uid"], "c", n - 3).exists()
    # The back-off grows: the next restart comes, later than the last.
    before = cs["restartCount"]
    p = wait_pod(k, ns, "crasher", lambda q: cstatus(q)["restartCount"] > before, timeout=50,
                 what="one more restart")
    assert cstatus(p)["restartCount"] == before + 1
    # kubelet's events, repeats counted on one Event rather than piled up.
    ev = events_of(k, ns, "crasher")
    reasons = {r for r, _, _ in ev}
    assert {"Pulled", "Created", "Started", "BackOff"} <= reasons, ev
    started = [c for r, m, c in ev if r == "Started" and m == "Started container c"]
    assert len(started) == 1 and started[0] >= 3, ev
    assert any(r == "BackOff" and m.startswith("Back-off restarting failed container c in pod "
                                               f"crasher_{ns}") for r, m, _ in ev), ev


def test_oom_killed(cluster, ns):
    k = cluster.k
    apply(k, in_ns(pod_spec("hog", [{"name": "hog", "image": BUSYBOX,
                                      "command": ["dd", "if=/dev/zero", "of=/dev/null",
                                                  "bs=100M", "count=1"],
                                      "resources": {"limits": {"memory": "32Mi"}}}],
                            node=NODES[1]), ns))

    def oom(p):
        cs = cstatus(p)
        if not cs:
            return False
        t = cs.get("lastState", {}).get("terminated") or cs["state"].get("terminated")
        return t and t.get("reason") == "OOMKilled"
    p = wait_pod(k, ns, "hog", oom, timeout=30, what="OOMKilled")
    cs = cstatus(p)
    t = cs.get("lastState", {}).get("terminated") or cs["state"].get("terminated")
    assert t["exitCode"] == 137, t


def test_readiness_probe_failing_keeps_pod_unready(cluster, ns):
    k = cluster.k
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet",
          "metadata": {"name": "unready", "namespace": ns},
          "spec": {"selector": {"matchLabels": {"app": "unready"}},
                   "template": {"metadata": {"labels": {"app": "unready"}},
                                "spec": {"nodeSelector": {LABEL_KEY: LABEL_VALUE},
                                         "terminationGracePeriodSeconds": 2,
                                         "containers": [{
                                             "name": "c", "image": BUSYBOX,
                                             "command": ["sleep", "3600"],
                                             "readinessProbe": {"exec": {"command": ["false"]},
                                                                "periodSeconds": 1,
                                                                "failureThreshold": 1}}]}}}}
    apply(k, ds)

    def all_running():
        items = pods(k, ns, "app=unready")
        ok = len(items) == len(NODES) and all(
            p["status"].get("phase") == "Running" and cstatus(p) and
            cstatus(p)["state"].get("running") for p in items)
        return items if ok else None
    items = wait_until(all_running, timeout=40, interval=0.5, what="both pods Running")
    time.sleep(3)  # several failed probes
    for p in pods(k, ns, "app=unready"):
        cs = cstatus(p)
        assert cs["started"] is True and cs["ready"] is False, cs
        assert cs["restartCount"] == 0
        assert condition(p, "Ready")["status"] == "False"
        assert condition(p, "ContainersReady")["message"] == "containers with unready status: [c]"
    rows = parse_table(k.ok("get", "pods", "-n", ns, "-l", "app=unready").out)
    assert [r["READY"] for r in rows] == ["0/1", "0/1"], rows
    assert all(r["STATUS"] == "Running" for r in rows), rows
    st = k.json("get", "ds", "unready", "-n", ns)["status"]
    assert st["currentNumberScheduled"] == 2 and st["numberReady"] == 0, st
    rows = parse_table(k.ok("get", "ds", "unready", "-n", ns).out)
    assert rows[0]["CURRENT"] == "2" and rows[0]["READY"] == "0", rows
    k.ok("delete", "ds", "unready", "-n", ns)


def test_http_tcp_probes_and_liveness_restart(cluster, ns):
    k = cluster.k
    port = free_port()
    web = {"name": "web", "image": HTTPD,
           "command": ["httpd", "-f", "-p", str(port), "-h", "/www"],
           "ports": [{"name": "http", "containerPort": port}],
           "readinessProbe": {"httpGet": {"port": "http", "path": "/"}, "periodSeconds": 1},
           "livenessProbe": {"tcpSocket": {"port": port}, "periodSeconds": 1}}
    flaky = {"name": "flaky", "image": BUSYBOX,
             "command": ["sh", "-c", "touch /tmp/alive; trap 'exit 0' TERM; "
                         "while true; do sleep 1; done"],
             "livenessProbe": {"exec": {"command": ["test", "-f", "/tmp/alive"]},
                               "periodSeconds": 1, "failureThreshold": 2}}
    slow = {"name": "slow", "image": BUSYBOX,
            "command": ["sh", "-c", "trap 'exit 0' TERM; sleep 2; touch /tmp/started; "
                        "while true; do sleep 1; done"],
            "startupProbe": {"exec": {"command": ["test", "-f", "/tmp/started"]},
                             "periodSeconds": 1, "failureThreshold": 30},
            "readinessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 1}}
    apply(k, in_ns(pod_spec("probed", [web, flaky, slow], node=NODES[0]), ns))
    p = wait_pod(k, ns, "probed", running_ready, timeout=30, what="all containers ready")
    assert cstatus(p, "web")["restartCount"] == 0
    assert cstatus(p, "slow")["restartCount"] == 0 and cstatus(p, "slow")["started"] is True
    # The startup probe failed while the file was missing, and held readiness back.
    assert any(r == "Unhealthy" and m.startswith("Startup probe failed: ")
               for r, m, _ in events_of(k, ns, "probed"))
    # Break the liveness probe: the container is stopped and started again.
    agent = cluster.agent(NODES[0])
    cid = container_id(cstatus(p, "flaky"))
    r = agent.runc("exec", cid, "rm", "/tmp/alive")
    assert r.returncode == 0, r.stderr
    p = wait_pod(k, ns, "probed", lambda q: cstatus(q, "flaky")["restartCount"] == 1 and
                 cstatus(q, "flaky")["state"].get("running"), timeout=30,
                 what="flaky restarted by its liveness probe")
    assert cstatus(p, "flaky")["lastState"]["terminated"]["exitCode"] == 0  # trapped TERM
    assert cstatus(p, "web")["restartCount"] == 0
    assert cid not in agent.runc_ids()
    ev = events_of(k, ns, "probed")
    assert ("Killing", "Container flaky failed liveness probe, will be restarted", 1) in ev, ev
    assert any(r == "Unhealthy" and m.startswith("Liveness probe failed: ") for r, m, _ in ev), ev


def test_graceful_delete_sends_sigterm(cluster, ns, tmp_path):
    k = cluster.k
    host = tmp_path / "host"
    host.mkdir()
    node = NODES[1]
    agent = cluster.agent(node)
    polite = {"name": "polite", "image": BUSYBOX,
              "command": ["sh", "-c", "trap 'echo got-TERM > /host/term; exit 0' TERM; "
                          "echo up > /host/up; while true; do sleep 1; done"],
              "volumeMounts": [{"name": "host", "mountPath": "/host"}]}
    spec = pod_spec("polite", [polite], node=node,
                    volumes=[{"name": "host", "hostPath": {"path": str(host),
                                                           "type": "Directory"}}])
    spec["spec"]["terminationGracePeriodSeconds"] = 20
    apply(k, in_ns(spec, ns))
    p = wait_pod(k, ns, "polite", running_ready, timeout=30, what="Running")
    cid = container_id(cstatus(p))
    wait_until(lambda: (host / "up").exists(), timeout=10, what="the container's file")
    t0 = time.monotonic()
    k.ok("delete", "pod", "polite", "-n", ns, timeout=60)
    took = time.monotonic() - t0
    assert (host / "term").read_text().strip() == "got-TERM"
    assert took < 15, f"deletion took {took:.1f}s though the container exits on SIGTERM"
    assert k("get", "pod", "polite", "-n", ns).rc != 0
    assert cid not in agent.runc_ids()
    assert not (agent.data_dir / "containers" / cid).exists()
    assert not (agent.data_dir / "pods" / p["metadata"]["uid"]).exists()
    assert not [m for m in agent.mounts() if cid in m]

    # A container that ignores SIGTERM is killed when the grace period ends.
    stubborn = pod_spec("stubborn", [{"name": "s", "image": BUSYBOX, "command": ["sleep", "600"]}],
                        node=node)
    stubborn["spec"]["terminationGracePeriodSeconds"] = 2
    apply(k, in_ns(stubborn, ns))
    p = wait_pod(k, ns, "stubborn", running_ready, timeout=30, what="Running")
    cid = container_id(cstatus(p))
    t0 = time.monotonic()
    k.ok("delete", "pod", "stubborn", "-n", ns, timeout=60)
    took = time.monotonic() - t0
    assert 1.5 <= took < 15, f"deletion took {took:.1f}s with a 2 s grace period"
    assert cid not in agent.runc_ids()


def test_agent_restart_keeps_containers(cluster, ns):
    k = cluster.k
    node = NODES[0]
    agent = cluster.agent(node)
    apply(k, in_ns(pod_spec("steady", [{"name": "s", "image": BUSYBOX,
                                         "command": ["sh", "-c", "trap 'exit 0' TERM; "
                                                     "while true; do sleep 1; done"]}],
                            node=node), ns))
    p = wait_pod(k, ns, "steady", running_ready, timeout=30, what="Running")
    cs = cstatus(p)
    cid = container_id(cs)
    pid = runc_state(agent, cid)["pid"]
    rv = p["metadata"]["resourceVersion"]

    agent.kill()
    assert runc_state(agent, cid)["status"] == "running"
    agent.start()
    wait_until(lambda: "pod list synced" in agent.log().split("==== start")[-1], timeout=20,
               what="the restarted agent to list its pods")
    time.sleep(3)  # a few sync rounds
    p = get_pod(k, ns, "steady")
    cs2 = cstatus(p)
    assert cs2["containerID"] == cs["containerID"]
    assert cs2["restartCount"] == 0
    assert cs2["state"] == cs["state"]
    assert cs2["ready"] is True
    assert runc_state(agent, cid)["pid"] == pid
    # Nothing to report: the status was not even rewritten.
    assert p["metadata"]["resourceVersion"] == rv
    wait_until(lambda: node_ready(k, node), timeout=20, what="node Ready again")

    # kill -9 of the container's process: the agent restarts it and counts it.
    os.kill(pid, 9)
    p = wait_pod(k, ns, "steady", lambda q: cstatus(q)["restartCount"] == 1 and
                 cstatus(q)["state"].get("running"), timeout=30, what="restart after kill -9")
    cs3 = cstatus(p)
    assert cs3["lastState"]["terminated"]["exitCode"] == 137
    assert cs3["lastState"]["terminated"]["reason"] == "Error"
    assert cs3["containerID"] != cs["containerID"]
    assert container_id(cs3) in agent.runc_ids()


def test_server_restart_keeps_containers(cluster, ns):
    k = cluster.k
    node = NODES[1]
    agent = cluster.agent(node)
    apply(k, in_ns(pod_spec("survivor", [{"name": "s", "image": BUSYBOX,
                                           "command": ["sh", "-c", "trap 'exit 0' TERM; "
                                                       "while true; do sleep 1; done"]}],
                            node=node), ns))
    p = wait_pod(k, ns, "survivor", running_ready, timeout=30, what="Running")
    cs = cstatus(p)
    pid = runc_state(agent, container_id(cs))["pid"]
    port = cluster.server.port
    cluster.server.stop()
    time.sleep(2)
    cluster.server.start(port=port)
    for name in NODES:
        wait_until(lambda: node_ready(k, name), timeout=30, what=f"node {name} Ready again")
    # The agents watch again (a new list) and leave the container alone.
    time.sleep(3)
    p = get_pod(k, ns, "survivor")
    cs2 = cstatus(p)
    assert cs2["containerID"] == cs["containerID"] and cs2["restartCount"] == 0, cs2
    assert cs2["ready"] is True
    assert runc_state(agent, container_id(cs))["pid"] == pid
    # And it still acts on changes: deleting the pod stops the container.
    k.ok("delete", "pod", "survivor", "-n", ns, timeout=60)
    assert container_id(cs) not in agent.runc_ids()


def test_image_pull_failure(cluster, ns):
    k = cluster.k
    image = f"127.0.0.1:{free_port()}/nothing/here:1"
    apply(k, in_ns(pod_spec("nopull", [{"name": "c", "image": image}], node=NODES[1]), ns))
    seen = set()

    def both(p):
        cs = cstatus(p)
        reason = (cs or {}).get("state", {}).get("waiting", {}).get("reason")
        if reason:
            seen.add(reason)
        return {"ErrImagePull", "ImagePullBackOff"} <= seen
    p = wait_pod(k, ns, "nopull", both, timeout=30, what="ErrImagePull then ImagePullBackOff")
    cs = cstatus(p)
    assert image in cs["state"]["waiting"]["message"]
    assert cs["restartCount"] == 0 and "containerID" not in cs
    assert p["status"]["phase"] == "Pending"
    rows = parse_table(k.ok("get", "pod", "nopull", "-n", ns).out)
    assert rows[0]["STATUS"] in ("ErrImagePull", "ImagePullBackOff")


def test_image_pulled_through_registry_mirror(cluster, ns):
    k = cluster.k
    apply(k, in_ns(pod_spec("pulled", [{"name": "c", "image": "busybox:1.35",
                                         "imagePullPolicy": "Always",
                                         "command": ["sh", "-c", "echo pulled; sleep 600"]}],
                            node=NODES[0]), ns))
    p = wait_pod(k, ns, "pulled", running_ready, timeout=60, what="Running from the registry")
    cs = cstatus(p)
    assert cs["image"] == "docker.io/library/busybox:1.35"
    assert re.fullmatch(r"docker\.io/library/busybox@sha256:[0-9a-f]{64}", cs["imageID"]), cs


def test_volumes_user_and_workdir(cluster, ns, tmp_path):
    k = cluster.k
    ro, rw = tmp_path / "ro", tmp_path / "rw"
    ro.mkdir()
    rw.mkdir()
    (ro / "hello.txt").write_text("from-host\n")
    node = NODES[1]
    agent = cluster.agent(node)
    init = {"name": "init", "image": BUSYBOX,
            "command": ["sh", "-c", "echo from-init > /shared/init.txt"],
            "volumeMounts": [{"name": "shared", "mountPath": "/shared"}]}
    main = {"name": "main", "image": BUSYBOX, "workingDir": "/work",
            "command": ["sh", "-c",
                        "cat /shared/init.txt; cat /ro/hello.txt; "
                        "(touch /ro/x 2>/dev/null && echo ro-writable) || echo ro-refused; "
                        "echo written > /rw/out.txt; echo pwd=$(pwd); echo $0 $1; "
                        "echo all-good > /dev/termination-log"],
            "args": ["$(A)", "$(B)"],
            "env": [{"name": "A", "value": "first"}, {"name": "B", "value": "$(A)-second"}],
            "volumeMounts": [{"name": "shared", "mountPath": "/shared"},
                             {"name": "ro", "mountPath": "/ro", "readOnly": True},
                             {"name": "rw", "mountPath": "/rw"},
                             {"name": "shared", "mountPath": "/work", "subPath": "w"}]}
    user = {"name": "user", "image": BUSYBOX, "command": ["sh", "-c", "echo uid=$(id -u) gid=$(id -g)"],
            "securityContext": {"runAsUser": 65534, "runAsGroup": 65534}}
    spec = pod_spec("vols", [main, user], node=node, restartPolicy="Never",
                    initContainers=[init],
                    volumes=[{"name": "shared", "emptyDir": {}},
                             {"name": "ro", "hostPath": {"path": str(ro)}},
                             {"name": "rw", "hostPath": {"path": str(rw)}}])
    apply(k, in_ns(spec, ns))
    p = wait_pod(k, ns, "vols", lambda q: q["status"].get("phase") in ("Succeeded", "Failed"),
                 timeout=40, what="the pod to finish")
    assert p["status"]["phase"] == "Succeeded", json.dumps(p["status"], indent=1)
    ics = cstatus(p, "init", init=True)
    assert ics["state"]["terminated"]["reason"] == "Completed" and ics["ready"] is True
    for name in ("main", "user"):
        t = cstatus(p, name)["state"]["terminated"]
        assert t["exitCode"] == 0 and t["reason"] == "Completed", t
    assert cstatus(p, "main")["state"]["terminated"]["message"] == "all-good\n"
    assert condition(p, "Ready")["reason"] == "PodCompleted"
    assert log_lines(read_log(agent, p, "main")) == [
        "from-init", "from-host", "ro-refused", "pwd=/work", "first first-second"]
    assert log_lines(read_log(agent, p, "user")) == ["uid=65534 gid=65534"]
    assert (rw / "out.txt").read_text() == "written\n"
    assert not (ro / "x").exists()
    emptydir = agent.data_dir / "pods" / p["metadata"]["uid"] / "volumes" / \
        "kubernetes.io~empty-dir" / "shared"
    assert (emptydir / "init.txt").read_text() == "from-init\n"
    assert (emptydir / "w").is_dir()
    rows = parse_table(k.ok("get", "pod", "vols", "-n", ns).out)
    assert rows[0]["STATUS"] == "Completed" and rows[0]["READY"] == "0/2", rows


def test_deleting_daemonset_leaves_nothing(cluster, ns):
    k = cluster.k
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet",
          "metadata": {"name": "brief", "namespace": ns},
          "spec": {"selector": {"matchLabels": {"app": "brief"}},
                   "template": {"metadata": {"labels": {"app": "brief"}},
                                "spec": {"nodeSelector": {LABEL_KEY: LABEL_VALUE},
                                         "terminationGracePeriodSeconds": 3,
                                         "volumes": [{"name": "scratch", "emptyDir": {}}],
                                         "containers": [{
                                             "name": "c", "image": BUSYBOX,
                                             "command": ["sh", "-c", "trap 'exit 0' TERM; "
                                                         "while true; do sleep 1; done"],
                                             "volumeMounts": [{"name": "scratch",
                                                               "mountPath": "/scratch"}]}]}}}}
    apply(k, ds)

    def ready():
        st = k.json("get", "ds", "brief", "-n", ns).get("status", {})
        return st.get("numberReady") == len(NODES)
    wait_until(ready, timeout=60, interval=0.5, what="DaemonSet brief ready")
    made = [(cluster.agent(p["spec"]["nodeName"]), p["metadata"]["uid"],
             container_id(cstatus(p))) for p in pods(k, ns, "app=brief")]
    assert len(made) == len(NODES)
    k.ok("delete", "ds", "brief", "-n", ns, timeout=60)

    def gone():
        return not pods(k, ns, "app=brief")
    wait_until(gone, timeout=30, interval=0.5, what="the DaemonSet's pods gone")

    def clean():
        for agent, uid, cid in made:
            if (cid in agent.runc_ids() or (agent.data_dir / "containers" / cid).exists() or
                    (agent.data_dir / "pods" / uid).exists() or
                    any(uid in d.name for d in (agent.data_dir / "logs").iterdir()) or
                    [m for m in agent.mounts() if cid in m] or
                    any((d / cid).exists() for d in agent.cgroup_dirs())):
                return False
        return True
    wait_until(clean, timeout=20, what="no container, dir, mount or cgroup left")


def test_labelling_a_node_adds_and_removes_its_pod(cluster, ns):
    """A DaemonSet whose nodeSelector no node matches runs nothing; `kubectl label
    node` makes that node's agent run it; removing the label stops and removes it."""
    k = cluster.k
    key = uniq("e2e-picky")  # a label key no node has
    node, other = NODES
    agent, other_agent = cluster.agent(node), cluster.agent(other)
    ds = {"apiVersion": "apps/v1", "kind": "DaemonSet",
          "metadata": {"name": "picky", "namespace": ns},
          "spec": {"selector": {"matchLabels": {"app": "picky"}},
                   "template": {"metadata": {"labels": {"app": "picky"}},
                                "spec": {"nodeSelector": {key: "yes"},
                                         "terminationGracePeriodSeconds": 3,
                                         "containers": [{
                                             "name": "picky", "image": BUSYBOX,
                                             "command": ["sh", "-c",
                                                         "echo selected-on-$(NODE_NAME); "
                                                         "trap 'exit 0' TERM; "
                                                         "while true; do sleep 1; done"],
                                             "env": [{"name": "NODE_NAME", "valueFrom": {
                                                 "fieldRef": {"fieldPath": "spec.nodeName"}}}]}]}}}}

    def picky_ids(a):
        return [c for c in a.runc_ids() if "-picky-" in c]

    def ds_status():
        d = k.json("get", "ds", "picky", "-n", ns)
        st = d.get("status", {})
        return st if st.get("observedGeneration") == d["metadata"]["generation"] else None

    apply(k, ds)
    try:
        # The controller has seen it and wants it nowhere ...
        st = wait_until(ds_status, timeout=20, what="DaemonSet picky observed")
        assert st["desiredNumberScheduled"] == 0 and st["currentNumberScheduled"] == 0, st
        # ... and for a while nothing runs: no pod, no container on either node.
        time.sleep(2)
        assert pods(k, ns, "app=picky") == []
        assert picky_ids(agent) == [] and picky_ids(other_agent) == []

        k.ok("label", "node", node, f"{key}=yes")

        def one_running():
            items = pods(k, ns, "app=picky")
            return items[0] if len(items) == 1 and running_ready(items[0]) else None
        p = wait_until(one_running, timeout=30, interval=0.3, what="picky Running on " + node)
        assert p["spec"]["nodeName"] == node
        cid = container_id(cstatus(p, "picky"))
        state = runc_state(agent, cid)
        assert state and state["status"] == "running", state
        assert picky_ids(agent) == [cid]
        assert picky_ids(other_agent) == []
        lines = wait_until(lambda: log_lines(read_log(agent, p, "picky")) or None, timeout=10,
                           what="the container's log file")
        assert lines[0] == f"selected-on-{node}", lines
        rows = parse_table(k.ok("get", "ds", "picky", "-n", ns).out)
        assert rows[0]["DESIRED"] == "1" and rows[0]["NODE SELECTOR"] == f"{key}=yes", rows

        k.ok("label", "node", node, f"{key}-")
        wait_until(lambda: not pods(k, ns, "app=picky"), timeout=30, interval=0.3,
                   what="picky's pod removed after the label went")
        uid = p["metadata"]["uid"]

        def gone():
            return (cid not in agent.runc_ids() and
                    not (agent.data_dir / "containers" / cid).exists() and
                    not (agent.data_dir / "pods" / uid).exists() and
                    not [m for m in agent.mounts() if cid in m])
        wait_until(gone, timeout=20, what="picky's container, dirs and mounts removed")
        assert picky_ids(agent) == [] and picky_ids(other_agent) == []
        st = wait_until(lambda: (s := ds_status()) and s.get("desiredNumberScheduled") == 0
                        and s, timeout=20, what="DaemonSet picky back to DESIRED 0")
        assert st["currentNumberScheduled"] == 0 and st.get("numberReady", 0) == 0, st
    finally:
        k("label", "node", node, f"{key}-")
        k("delete", "ds", "picky", "-n", ns, "--wait=false")


# ---- the command line ------------------------------------------------------------------


def test_bad_flags_and_credentials(cluster, tmp_path):
    def run(*args):
        return subprocess.run([EVERYNODE_BIN, "agent", *map(str, args)], capture_output=True,
                              text=True, timeout=30)
    r = run("--server", "https://127.0.0.1:1", "--node-ip", "300.1.1.1")
    assert r.returncode == 2 and "--node-ip \"300.1.1.1\": not an IP address" in r.stderr, r
    r = run("--node-name", "x")
    assert r.returncode == 2 and "--server (with --token) or --kubeconfig is required" in r.stderr
    r = run("--server", "https://x", "--register-with-taints", "a=b:Sometimes")
    assert r.returncode == 2 and "invalid taint effect: Sometimes" in r.stderr, r
    r = run("--server", "https://x", "--port", "0")
    assert r.returncode == 2 and "invalid value '0' for --port" in r.stderr, r
    r = run("--server", f"https://127.0.0.1:{cluster.server.port}", "--token", "wrong",
            "--ca-file", cluster.server.data_dir / "tls" / "ca.crt", "--node-name", "intruder",
            "--node-ip", "127.0.0.1", "--data-dir", tmp_path / "intruder")
    assert r.returncode == 1 and "the server refused our credentials (HTTP 401)" in r.stderr, r
    assert cluster.k("get", "node", "intruder").rc != 0
    r = run("--help")
    assert r.returncode == 0 and "--register-with-taints" in r.stdout


def test_lease_renewed(cluster):
    k = cluster.k
    first = k.json("get", "lease", NODES[1], "-n", "kube-node-lease")["spec"]["renewTime"]
    wait_until(lambda: k.json("get", "lease", NODES[1], "-n", "kube-node-lease")["spec"]
               ["renewTime"] != first, timeout=25, interval=1, what="a Lease renewal")
