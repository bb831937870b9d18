"""`everynode up --nodes 3`: issue 4's acceptance on a real local cluster.

One `everynode up` runs for the whole module, in its own data directory,
with its own instance name (so its bridge en-<name> and namespaces
everynode-<name>-<i> are the test's own) on its own subnet 10.213.X.0/24
(X picked free).  With the stock kubectl and the repo's examples/:

  - the nginx-style DaemonSet answers HTTP on port 80 at each node's own
    address, from the host through the bridge;
  - node-logger prints its node's name (downward API): the logs of the pod
    `kubectl get pods --field-selector spec.nodeName=<node>` finds show that
    node's name and no other;
  - the fluentd-style collector in kube-system mounts /var/log read-only
    (hostPath) and reads a file written there.  All "nodes" of `up` share
    this machine's filesystem, so what makes this meaningful is that each
    node's collector follows the file named after its own node (downward
    API) in a directory only this test writes: each pod must show its
    node's line and none of the others', must see /var/log read-only, and
    must pick up a line appended while it runs;
  - a template change rolls the nginx pods node by node (never more than
    one node without a ready pod), with new containers;
  - `up` restarts an agent killed with -9, whose containers keep running
    (same container, same restart count);
  - SIGTERM to `up` stops it with status 0 and leaves nothing behind: no
    namespace, bridge or veth of the instance, no mount under its data
    directory, no cgroup of its nodes, no process (server, agents, shims)
    running from it.

Needs root, runc, ip and the overlay filesystem (skipped otherwise).
"""

import json
import os
import pathlib
import random
import re
import shutil
import signal
import string
import subprocess
import time
import urllib.request

import pytest

from conftest import (EVERYNODE_BIN, EXAMPLES, REPO, SANITIZER_MARKERS, BgProc, Kubectl,
                      free_port, wait_until, write_file)


def _why_not():
    if os.geteuid() != 0:
        return "needs root"
    for cmd in ("runc", "ip"):
        if not shutil.which(cmd):
            return f"needs {cmd}"
    with open("/proc/filesystems") as f:
        if "overlay" not in f.read():
            return "needs the overlay filesystem"
    return None


pytestmark = pytest.mark.skipif(_why_not() is not None, reason=_why_not() or "")

NODES = 3
UP_READY_TIMEOUT = 300.0  # first start imports images and starts 3 agents (slower under SAN)
UP_STOP_TIMEOUT = 120.0
IMAGES_DIR = REPO / "build" / "images"


def free_subnet():
    """10.213.X.0/24 with no route or address of this machine in it."""
    used = subprocess.run(["ip", "-4", "route", "show", "table", "all"], capture_output=True,
                          text=True, timeout=10).stdout
    used += subprocess.run(["ip", "-4", "addr"], capture_output=True, text=True,
                           timeout=10).stdout
    for x in random.sample(range(100, 250), 150):
        if f"10.213.{x}." not in used:
            return f"10.213.{x}"
    pytest.skip("no free 10.213.X.0/24 subnet")


class Up:
    """The `everynode up` process and what it made."""

    def __init__(self, base):
        self.name = "t" + "".join(random.choice(string.ascii_lowercase + string.digits)
                                  for _ in range(6))
        self.data_dir = base / "up"
        self.net = free_subnet()
        self.port = free_port()
        self.bg = None
        self.exit_code = None

    def addr(self, i):
        return f"{self.net}.{10 + i}"

    @property
    def kubeconfig(self):
        return self.data_dir / "kubeconfig.yaml"

    def start(self):
        if not (IMAGES_DIR / "httpd.tar").exists():
            r = subprocess.run(["make", "-C", str(REPO), "images"], capture_output=True,
                               text=True, timeout=300)
            assert r.returncode == 0, f"make images:\n{r.stdout}\n{r.stderr}"
        argv = [EVERYNODE_BIN, "up", "--nodes", str(NODES), "--data-dir", str(self.data_dir),
                "--subnet", f"{self.net}.0/24", "--name", self.name, "--port", str(self.port),
                "--images", str(IMAGES_DIR)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
        self.bg = BgProc(argv, env, str(self.data_dir.parent))
        self.bg.wait_for(lambda out, err: any(ln.startswith("export KUBECONFIG=") for ln in out),
                         timeout=UP_READY_TIMEOUT, what="the export KUBECONFIG line")
        line = next(ln for ln in self.bg.out if ln.startswith("export KUBECONFIG="))
        assert line == f"export KUBECONFIG={self.kubeconfig}", self.bg.out

    def stop(self):
        """SIGTERM and wait; returns the exit status."""
        if self.bg is None:
            return None
        p = self.bg.proc
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=UP_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=30)
                self.exit_code = "killed"
                return self.exit_code
        self.bg.stop()
        self.exit_code = p.returncode
        return self.exit_code

    # -- what is left

    def netns_left(self):
        out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True,
                             timeout=10).stdout
        return [ln.split()[0] for ln in out.splitlines()
                if ln.startswith(f"everynode-{self.name}-")]

    def links_left(self):
        return [n for n in os.listdir("/sys/class/net")
                if n.startswith((f"en-{self.name}", f"ep-{self.name}"))]

    def mounts_left(self):
        with open("/proc/self/mounts") as f:
            return [ln.split()[1] for ln in f if ln.split()[1].startswith(str(self.data_dir))]

    def cgroups_left(self):
        left = []
        for ctrl in pathlib.Path("/sys/fs/cgroup").iterdir():
            for i in range(1, NODES + 1):
                d = ctrl / "everynode" / f"node-{i}"
                if d.exists():
                    left.append(str(d))
        return left

    def processes_left(self):
        """Processes whose command line names the data directory (server, agents, shims)."""
        me, left = str(self.data_dir), []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                cmd = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if me.encode() in cmd:
                left.append(f"{pid}: {cmd.decode(errors='replace')[:200]}")
        return left

    def logs(self):
        """up's stderr and every log file it keeps, for failure reports."""
        text = "\n".join(self.bg.err) if self.bg else ""
        for p in sorted(self.data_dir.glob("*.log")):
            text += f"\n==== {p.name}\n" + p.read_text(errors="replace")[-4000:]
        return text

    def sanitizer_report(self):
        text = "\n".join(self.bg.err) if self.bg else ""
        for p in self.data_dir.glob("*.log"):
            text += p.read_text(errors="replace")
        for m in SANITIZER_MARKERS:
            i = text.find(m)
            if i >= 0:
                return text[max(0, i - 200):i + 4000]
        return None

    def force_cleanup(self):
        """After a failure: leave the machine as it was (best effort)."""
        if self.bg and self.bg.proc.poll() is None:
            self.bg.proc.kill()
        for line in self.processes_left():
            try:
                os.kill(int(line.split(":")[0]), signal.SIGKILL)
            except OSError:
                pass
        for ns in self.netns_left():
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=10)
        for link in self.links_left():
            subprocess.run(["ip", "link", "del", link], capture_output=True, timeout=10)
        for mp in reversed(self.mounts_left()):
            subprocess.run(["umount", "-l", mp], capture_output=True, timeout=10)


@pytest.fixture(scope="module")
def up(tmp_path_factory):
    base = tmp_path_factory.mktemp("up")
    u = Up(base)
    try:
        u.start()
    except BaseException:
        print(u.logs())
        u.force_cleanup()
        raise
    yield u
    if u.bg.proc.poll() is None:  # an earlier test failed before the teardown test
        u.stop()
        u.force_cleanup()


@pytest.fixture(scope="module")
def kubectl(up, tmp_path_factory):
    return Kubectl(up, home=tmp_path_factory.mktemp("kubectl-home"))


def pods(kubectl, selector, ns="default"):
    r = kubectl.json("get", "pods", "-n", ns, "-l", selector)
    return [p for p in r["items"] if not p["metadata"].get("deletionTimestamp")]


def ready(p):
    return any(c["type"] == "Ready" and c["status"] == "True"
               for c in p.get("status", {}).get("conditions", []))


def wait_ds_ready(kubectl, selector, ns="default", timeout=120):
    def all_ready():
        ps = pods(kubectl, selector, ns)
        nodes = sorted(p["spec"].get("nodeName", "") for p in ps if ready(p))
        return nodes == [f"node-{i}" for i in range(1, NODES + 1)] and ps
    return wait_until(all_ready, timeout=timeout, interval=0.5,
                      what=f"one ready pod of {selector} on each node")


def pod_on(kubectl, selector, node, ns="default"):
    """The pod the README's two-step per-node view finds."""
    r = kubectl.ok("get", "pods", "-n", ns, "-l", selector, "--field-selector",
                   f"spec.nodeName={node}", "-o", "name")
    names = r.out.split()
    assert len(names) == 1, r
    return names[0]


def http_get(addr, timeout=5):
    with urllib.request.urlopen(f"http://{addr}/", timeout=timeout) as r:
        return r.status, r.read().decode()


def run_up(*args, user=None, timeout=60):
    argv = [EVERYNODE_BIN, "up", *map(str, args)]
    if user:
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *argv]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def test_up_says_what_is_missing(tmp_path):
    r = run_up("--data-dir", tmp_path / "d", user=65534)
    assert r.returncode == 1, r
    assert r.stderr.startswith("everynode up: cannot start a local cluster; missing:\n"), r
    assert "  - root:" in r.stderr and "sudo" in r.stderr, r
    r = run_up("--data-dir", tmp_path / "d", "--images", tmp_path)
    assert r.returncode == 1, r
    assert "no demo images (*.tar) found" in r.stderr and "make images" in r.stderr, r
    r = run_up("--data-dir", tmp_path / "d", "--subnet", "10.213.0.7/24")
    assert r.returncode == 1, r
    assert "host bits are set (did you mean 10.213.0.0/24?)" in r.stderr, r
    r = run_up("--nodes", "0")
    assert r.returncode == 2 and "invalid --nodes 0 (expected 1 to 99)" in r.stderr, r
    r = run_up("--name", "Bad_Name")
    assert r.returncode == 2 and "invalid --name Bad_Name" in r.stderr, r


def test_nodes_are_ready_with_their_own_addresses(up, kubectl):
    nodes = kubectl.json("get", "nodes")["items"]
    got = {n["metadata"]["name"]: [a["address"] for a in n["status"]["addresses"]
                                   if a["type"] == "InternalIP"] for n in nodes}
    assert got == {f"node-{i}": [up.addr(i)] for i in range(1, NODES + 1)}, got
    for n in nodes:
        conds = {c["type"]: c["status"] for c in n["status"]["conditions"]}
        assert conds["Ready"] == "True", n["status"]["conditions"]
    assert sorted(up.netns_left()) == [f"everynode-{up.name}-{i}" for i in range(1, NODES + 1)]


def test_a_second_up_on_the_same_data_dir_is_refused(up):
    r = run_up("--data-dir", up.data_dir, "--images", IMAGES_DIR, "--name", up.name)
    assert r.returncode == 1, r
    assert "another `everynode up` is running with this data directory" in r.stderr, r
    # ... and it touched nothing of the running one.
    assert sorted(up.netns_left()) == [f"everynode-{up.name}-{i}" for i in range(1, NODES + 1)]


def test_nginx_answers_http_on_port_80_of_each_node(up, kubectl):
    r = kubectl.ok("apply", "-f", EXAMPLES / "nginx-ds.yaml")
    assert r.out.strip() == "daemonset.apps/nginx created", r
    wait_ds_ready(kubectl, "app=nginx")
    for i in range(1, NODES + 1):
        def answers():
            try:
                return http_get(up.addr(i))
            except OSError:
                return None
        status, body = wait_until(answers, timeout=30, what=f"HTTP on {up.addr(i)}:80")
        assert status == 200 and "Hello from everynode httpd" in body, body
    # Each node's pod has its node's address (host network).
    for p in pods(kubectl, "app=nginx"):
        i = int(p["spec"]["nodeName"].split("-")[1])
        assert p["status"]["podIP"] == up.addr(i) and p["status"]["hostIP"] == up.addr(i), p


def test_node_logger_shows_each_nodes_own_name(up, kubectl):
    kubectl.ok("apply", "-f", EXAMPLES / "node-logger.yaml")
    wait_ds_ready(kubectl, "app=node-logger")
    for i in range(1, NODES + 1):
        pod = pod_on(kubectl, "app=node-logger", f"node-{i}")
        out = wait_until(lambda: kubectl("logs", pod).out, timeout=30,
                         what=f"output of {pod}")
        lines = set(out.splitlines())
        assert lines == {f"node: node-{i}"}, out
    # kubectl's fan-out over the label shows every node once or more.
    r = kubectl.ok("logs", "-l", "app=node-logger")
    assert {f"node: node-{i}" for i in range(1, NODES + 1)} <= set(r.lines()), r
    kubectl.ok("delete", "-f", EXAMPLES / "node-logger.yaml", "--wait=false")


def test_fluentd_collector_reads_its_nodes_var_log(up, kubectl, tmp_path):
    logdir = pathlib.Path(f"/var/log/everynode-{up.name}")
    text = (EXAMPLES / "fluentd-logger.yaml").read_text()
    assert "/var/log/everynode/" in text
    manifest = write_file(tmp_path, "fluentd.yaml",
                          text.replace("/var/log/everynode/", f"{logdir}/"))
    logdir.mkdir(exist_ok=True)
    try:
        for i in range(1, NODES + 1):
            (logdir / f"node-{i}.log").write_text(f"written for node-{i} by {up.name}\n")
        kubectl.ok("apply", "-f", manifest)
        wait_ds_ready(kubectl, "name=fluentd", ns="kube-system")
        for i in range(1, NODES + 1):
            pod = pod_on(kubectl, "name=fluentd", f"node-{i}", ns="kube-system")
            want = f"written for node-{i} by {up.name}"
            out = wait_until(lambda: (lambda o: want in o and o)(
                kubectl("logs", "-n", "kube-system", pod).out), timeout=30,
                what=f"{pod} reading its file")
            assert "/var/log is read-only" in out.splitlines(), out
            others = [j for j in range(1, NODES + 1) if j != i]
            assert not any(f"written for node-{j} " in out for j in others), out
        # A line written while it runs arrives too (it follows the file).
        with open(logdir / "node-2.log", "a") as f:
            f.write(f"appended on node-2 by {up.name}\n")
        pod = pod_on(kubectl, "name=fluentd", "node-2", ns="kube-system")
        wait_until(lambda: f"appended on node-2 by {up.name}" in
                   kubectl("logs", "-n", "kube-system", pod).out, timeout=30,
                   what="the appended line")
        # Nothing was written into /var/log through the read-only mount.
        assert not (pathlib.Path("/var/log") / ".everynode-probe").exists()
    finally:
        kubectl("delete", "-f", manifest, "--wait=false")
        shutil.rmtree(logdir, ignore_errors=True)


def test_rolling_update_replaces_containers_node_by_node(up, kubectl):
    before = {p["spec"]["nodeName"]: (p["metadata"]["name"],
                                      p["status"]["containerStatuses"][0]["containerID"])
              for p in pods(kubectl, "app=nginx")}
    assert len(before) == NODES, before
    # A template change (a short grace period, as busybox httpd ignores SIGTERM as pid 1).
    kubectl.ok("patch", "ds", "nginx", "--type", "merge", "-p",
               json.dumps({"spec": {"template": {"spec": {"terminationGracePeriodSeconds": 2}}}}))
    worst = NODES
    replaced_order = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        ps = pods(kubectl, "app=nginx")
        # (A new pod has no nodeName until the scheduling step binds it.)
        ready_nodes = {p["spec"].get("nodeName") for p in ps if ready(p)}
        worst = min(worst, len(ready_nodes))
        for p in ps:
            node = p["spec"].get("nodeName")
            if node in before and p["metadata"]["name"] != before[node][0] and ready(p) \
                    and node not in replaced_order:
                replaced_order.append(node)
        if len(replaced_order) == NODES and len(ready_nodes) == NODES:
            break
        time.sleep(0.3)
    assert len(replaced_order) == NODES, (replaced_order, kubectl("get", "pods", "-o", "wide"))
    # maxUnavailable 1: never more than one node without a ready pod.
    assert worst >= NODES - 1, worst
    r = kubectl.ok("rollout", "status", "ds/nginx", "--timeout=60s")
    assert 'daemon set "nginx" successfully rolled out' in r.out, r
    after = {p["spec"]["nodeName"]: (p["metadata"]["name"],
                                      p["status"]["containerStatuses"][0]["containerID"])
             for p in pods(kubectl, "app=nginx")}
    for node in before:
        assert after[node][0] != before[node][0] and after[node][1] != before[node][1], \
            (before, after)
    for i in range(1, NODES + 1):
        status, body = wait_until(lambda: _try_http(up.addr(i)), timeout=30,
                                  what=f"HTTP on {up.addr(i)} after the rollout")
        assert status == 200, body


def _try_http(addr):
    try:
        return http_get(addr)
    except OSError:
        return None


def agent_pids(up, node):
    """Pids of the agent process of one node of this `up`."""
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            argv = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"agent" in argv and str(up.data_dir / node).encode() in argv:
            pids.append(int(pid))
    return pids


def test_up_restarts_a_killed_agent_and_containers_keep_running(up, kubectl):
    before = {p["spec"]["nodeName"]: p for p in pods(kubectl, "app=nginx")}
    old = agent_pids(up, "node-1")
    assert len(old) == 1, old
    os.kill(old[0], signal.SIGKILL)
    new = wait_until(lambda: [p for p in agent_pids(up, "node-1") if p not in old], timeout=30,
                     what="up to start node-1's agent again")
    assert len(new) == 1, new
    assert any("node-1 was killed by signal 9" in ln for ln in up.bg.err), up.bg.err[-10:]
    # The container went on running: same container, same restart count.
    time.sleep(3)
    wait_ds_ready(kubectl, "app=nginx")
    after = {p["spec"]["nodeName"]: p for p in pods(kubectl, "app=nginx")}
    cs_before = before["node-1"]["status"]["containerStatuses"][0]
    cs_after = after["node-1"]["status"]["containerStatuses"][0]
    assert after["node-1"]["metadata"]["uid"] == before["node-1"]["metadata"]["uid"]
    assert cs_after["containerID"] == cs_before["containerID"], (cs_before, cs_after)
    assert cs_after["restartCount"] == cs_before["restartCount"], (cs_before, cs_after)
    status, body = http_get(up.addr(1))
    assert status == 200, body


def test_sigterm_tears_everything_down(up, kubectl):
    assert up.processes_left(), "nothing of up seems to run before the stop"
    assert up.mounts_left(), "no container mounts before the stop?"
    rc = up.stop()
    assert rc == 0, f"up exited with {rc}:\n{up.logs()[-6000:]}"
    problems = {
        "network namespaces": up.netns_left(),
        "links": up.links_left(),
        "mounts": up.mounts_left(),
        "cgroups": up.cgroups_left(),
        "processes": up.processes_left(),
    }
    left = {k: v for k, v in problems.items() if v}
    if left:
        up.force_cleanup()
    assert not left, f"left behind: {left}\n{up.logs()[-4000:]}"
    report = up.sanitizer_report()
    assert not report, f"sanitizer report:\n{report}"
    assert any("stopped; nothing left running" in ln for ln in up.bg.err), up.bg.err[-20:]
