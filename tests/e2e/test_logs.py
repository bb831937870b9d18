"""`kubectl logs` end to end: a real server, a real `everynode agent` on
127.0.0.1 running pods as runc containers, and the stock kubectl.

The agent writes each container's output to CRI log files and serves them
on its own HTTPS port with the node token (src/logs); the server proxies
GET pods/NAME/log there (src/api/podlog.c).  These tests run pods that
print numbered lines and check what `kubectl logs` shows with --tail,
--timestamps, --since-time, --limit-bytes, -f, --previous (after a real
restart), -c and -l, and the errors Kubernetes gives for a missing pod, an
ambiguous or unknown container, a pod not bound, a container not started
and bad options.

Needs root and runc (skipped otherwise); everything listens on 127.0.0.1.
Every container is removed at the end (pods deleted, then the agent's
runc state checked empty).
"""

import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import time

import pytest

from conftest import (EVERYNODE_BIN, REPO, SANITIZER_MARKERS, Kubectl, _finish_server,
                      _make_server, create_namespace, free_port, node_manifest, status_of, uniq,
                      wait_until)

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("runc"),
                                reason="real containers need root and runc")

IMAGES_DIR = REPO / "build" / "images"
BUSYBOX = "everynode.local/busybox:1.35"
TS_RE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z"
AGENT_STOP_TIMEOUT = 20.0


def ensure_images():
    """build/images/busybox.tar (built from Debian's busybox-static, no network)."""
    tar = IMAGES_DIR / "busybox.tar"
    if not tar.exists():
        r = subprocess.run(["/usr/bin/python3", str(REPO / "scripts" / "build-images.py"),
                            str(IMAGES_DIR)], capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"building the test images failed:\n{r.stdout}\n{r.stderr}"
    return tar


class Agent:
    """One `everynode agent` on 127.0.0.1 joined with the server's node token."""

    def __init__(self, server, name, data_dir):
        self.server = server
        self.name = name
        self.data_dir = pathlib.Path(data_dir)
        self.port = free_port()
        self.log_path = self.data_dir.parent / f"{name}.stderr.log"
        self.proc = None

    def start(self):
        self.data_dir.mkdir(parents=True, exist_ok=True)
        r = subprocess.run([EVERYNODE_BIN, "image", "import", str(ensure_images()),
                            "--data-dir", str(self.data_dir)],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, f"image import failed:\n{r.stdout}\n{r.stderr}"
        token = (self.server.data_dir / "node-token").read_text().strip()
        argv = [EVERYNODE_BIN, "agent", "--server", f"https://127.0.0.1:{self.server.port}",
                "--token", token, "--ca-file", str(self.server.data_dir / "tls" / "ca.crt"),
                "--node-name", self.name, "--node-ip", "127.0.0.1",
                "--data-dir", str(self.data_dir), "--port", str(self.port)]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        wait_until(self.ready, timeout=60, interval=0.3, what=f"node {self.name} Ready")

    def ready(self):
        if self.proc.poll() is not None:
            pytest.fail(f"agent exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
        r = self.server.api("GET", f"/api/v1/nodes/{self.name}")
        if r.status != 200:
            return False
        conds = {c["type"]: c["status"] for c in r.json["status"].get("conditions", [])}
        return conds.get("Ready") == "True"

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=AGENT_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=AGENT_STOP_TIMEOUT)
                pytest.fail(f"agent ignored SIGTERM:\n{self.log()[-3000:]}")

    def runc_containers(self):
        r = subprocess.run(["runc", "--root", str(self.data_dir / "runc"), "list", "-q"],
                           capture_output=True, text=True, timeout=30)
        return r.stdout.split() if r.returncode == 0 else []

    def force_cleanup(self):
        """Last resort when pods did not go: kill and delete what runc still has."""
        root = str(self.data_dir / "runc")
        for cid in self.runc_containers():
            subprocess.run(["runc", "--root", root, "delete", "--force", cid],
                           capture_output=True, timeout=30)
        with open("/proc/self/mounts") as f:
            mounts = [ln.split()[1] for ln in f if str(self.data_dir) in ln.split()[1]]
        for mp in reversed(mounts):
            subprocess.run(["umount", "-l", mp], capture_output=True, timeout=30)


class Cluster:
    def __init__(self, server, agent, kubectl, ns):
        self.server = server
        self.agent = agent
        self.kubectl = kubectl
        self.ns = ns

    def pod(self, name, command, containers=None, labels=None, node=None, extra_spec=None):
        """Create a pod bound to the agent's node (or `node`); returns its name."""
        spec = {"nodeName": node or self.agent.name, "terminationGracePeriodSeconds": 2,
                "containers": containers or [{"name": "c", "image": BUSYBOX,
                                              "command": ["sh", "-c", command]}]}
        spec.update(extra_spec or {})
        if node is False:
            del spec["nodeName"]
        body = {"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": name, "labels": labels or {}}, "spec": spec}
        r = self.server.api("POST", f"/api/v1/namespaces/{self.ns}/pods", body)
        assert r.status == 201, r
        return name

    def get_pod(self, name):
        r = self.server.api("GET", f"/api/v1/namespaces/{self.ns}/pods/{name}")
        assert r.status == 200, r
        return r.json

    def wait_running(self, name, timeout=60):
        def running():
            st = self.get_pod(name).get("status", {})
            cs = st.get("containerStatuses") or []
            return st.get("phase") == "Running" and cs and all("running" in c["state"] for c in cs)
        wait_until(running, timeout=timeout, interval=0.3, what=f"pod {name} running")

    def logs(self, *args):
        return self.kubectl("logs", "-n", self.ns, *args)

    def raw_log(self, pod, query=""):
        return self.server.api("GET", f"/api/v1/namespaces/{self.ns}/pods/{pod}/log{query}",
                               accept="*/*")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    base = tmp_path_factory.mktemp("logs")
    srv = _make_server(base)
    srv.start()
    agent = Agent(srv, uniq("logs-node"), base / "agent")
    kubectl = Kubectl(srv, home=base / "kubectl-home")
    try:
        agent.start()
        ns = create_namespace(srv, uniq("logs"))
        yield Cluster(srv, agent, kubectl, ns)
        # Every pod goes through the agent, which stops and removes its containers.
        srv.api("DELETE", f"/api/v1/namespaces/{ns}/pods")
        wait_until(lambda: not srv.get_json(f"/api/v1/namespaces/{ns}/pods")["items"],
                   timeout=60, interval=0.5, what="every test pod deleted by the agent")
        wait_until(lambda: not agent.runc_containers(), timeout=30, interval=0.5,
                   what="no container left in runc")
    finally:
        left = agent.runc_containers()
        agent.stop()
        if left:
            agent.force_cleanup()
        report = next((m for m in SANITIZER_MARKERS if m in agent.log()), None)
        _finish_server(srv)
        assert not left, f"containers left behind: {left}"
        assert not report, f"sanitizer report in the agent's stderr:\n{agent.log()[-6000:]}"


# Prints "line 1" .. "line 5" at once, then one more every 0.5 s.  Backticks,
# not $(...), so nothing looks like a Kubernetes $(VAR) reference.
PRINTER = ("i=1; while [ $i -le 5 ]; do echo \"line $i\"; i=`expr $i + 1`; done; "
           "while true; do echo \"line $i\"; i=`expr $i + 1`; sleep 0.5; done")


def numbers(text):
    return [int(m) for m in re.findall(r"^(?:\S+ )?line (\d+)$", text, re.M)]


@pytest.fixture(scope="module")
def printer(cluster):
    name = cluster.pod("printer", PRINTER)
    cluster.wait_running(name)
    wait_until(lambda: len(numbers(cluster.logs(name).out)) >= 8, timeout=30,
               what="the printer's first lines")
    return name


def test_logs_show_what_the_container_printed(cluster, printer):
    r = cluster.logs(printer)
    assert r.rc == 0, r
    got = numbers(r.out)
    assert got[:5] == [1, 2, 3, 4, 5], r
    assert got == list(range(1, len(got) + 1)), r  # every line, in order, once
    assert all(re.fullmatch(r"line \d+", ln) for ln in r.lines()), r
    # -c names the only container; the pod/ prefix form works too.
    r2 = cluster.logs(f"pod/{printer}", "-c", "c")
    assert r2.rc == 0 and numbers(r2.out)[:5] == [1, 2, 3, 4, 5], r2


def test_tail(cluster, printer):
    r = cluster.logs(printer, "--tail=2")
    assert r.rc == 0, r
    got = numbers(r.out)
    assert len(r.lines()) == 2 and len(got) == 2 and got[1] == got[0] + 1 and got[0] >= 7, r
    r = cluster.logs(printer, "--tail=0")
    assert r.rc == 0 and r.out == "", r


def test_timestamps_and_since_time(cluster, printer):
    r = cluster.logs(printer, "--timestamps")
    assert r.rc == 0, r
    lines = r.lines()
    assert lines and all(re.fullmatch(TS_RE + r" line \d+", ln) for ln in lines), r
    stamps = [ln.split(" ", 1)[0] for ln in lines]
    assert stamps == sorted(stamps), r
    # --since-time has Kubernetes' second precision: every line stamped in or
    # after that second, and none before.
    cut = stamps[7][:19] + "Z"
    r2 = cluster.logs(printer, f"--since-time={cut}", "--timestamps")
    assert r2.rc == 0, r2
    first = r2.lines()[0].split(" ", 1)[0]
    assert first[:19] >= cut[:19], r2
    older = [s for s in stamps if s[:19] < cut[:19]]
    assert older and all(ln not in r2.out for ln in lines[:len(older)]), (r2, older)
    assert numbers(r2.out)[0] == len(older) + 1, (r2, older)


def test_limit_bytes(cluster, printer):
    r = cluster.logs(printer, "--limit-bytes=10")
    assert r.rc == 0 and r.out == "line 1\nlin", r


def test_follow_streams_new_lines(cluster, printer):
    bg = cluster.kubectl.popen("logs", "-n", cluster.ns, "-f", "--tail=1", printer)
    try:
        first = bg.wait_for(lambda out, err: numbers("\n".join(out)), timeout=20,
                            what="the first followed line")[0]
        # New lines keep arriving on the open stream, in order.
        got = bg.wait_for(lambda out, err: len(numbers("\n".join(out))) >= 4
                          and numbers("\n".join(out)), timeout=20, what="three more lines")
        assert got[:4] == [first, first + 1, first + 2, first + 3], bg.out
        assert bg.proc.poll() is None, "kubectl logs -f ended by itself"
    finally:
        bg.stop()


def test_follow_ends_when_the_container_ends(cluster):
    name = cluster.pod("finisher", "echo first; sleep 4; echo last",
                       extra_spec={"restartPolicy": "Never"})
    cluster.wait_running(name)
    bg = cluster.kubectl.popen("logs", "-n", cluster.ns, "-f", name)
    try:
        bg.wait_for(lambda out, err: "first" in out, timeout=20, what="the first line")
        assert bg.proc.poll() is None, "kubectl logs -f ended while the container ran"
        # As with kubelet: once the container is gone, -f ends by itself.
        bg.wait_for(lambda out, err: bg.proc.poll() is not None, timeout=30,
                    what="kubectl logs -f to end with the container")
        assert bg.proc.returncode == 0 and bg.out == ["first", "last"], (bg.out, bg.err)
    finally:
        bg.stop()
    # The node reports the exit in its own status write, which may land a
    # moment after the log stream ended (kubelet's does too).
    wait_until(lambda: cluster.get_pod(name)["status"]["phase"] == "Succeeded", timeout=15,
               interval=0.2, what=f"pod {name} Succeeded")


def test_previous_after_a_restart(cluster):
    # Each run counts itself in an emptyDir (it survives container restarts).
    name = cluster.pod("crasher", None,
                       containers=[{"name": "c", "image": BUSYBOX,
                                    "command": ["sh", "-c",
                                                "n=`cat /data/n 2>/dev/null || echo 0`; "
                                                "n=`expr $n + 1`; echo $n > /data/n; "
                                                "echo \"attempt $n\"; sleep 4; exit 1"],
                                    "volumeMounts": [{"name": "d", "mountPath": "/data"}]}],
                       extra_spec={"volumes": [{"name": "d", "emptyDir": {}}]})
    cluster.wait_running(name)
    # No previous run yet: Kubernetes' words.
    r = cluster.logs(name, "--previous")
    assert r.rc != 0, r
    assert ('previous terminated container "c" in pod "crasher" not found' in r.err), r
    assert cluster.logs(name).out == "attempt 1\n"

    def restarted():
        cs = (cluster.get_pod(name).get("status", {}).get("containerStatuses") or [{}])[0]
        return cs.get("restartCount", 0) >= 1 and "running" in cs.get("state", {})
    wait_until(restarted, timeout=60, interval=0.5, what="the first restart")
    wait_until(lambda: cluster.logs(name).out == "attempt 2\n", timeout=10,
               what="the second run's output")
    r = cluster.logs(name, "--previous")
    assert r.rc == 0 and r.out == "attempt 1\n", r
    r = cluster.logs(name, "-p", "--timestamps")
    assert r.rc == 0 and re.fullmatch(TS_RE + r" attempt 1\n", r.out), r


def test_label_selector_fans_out(cluster):
    app = uniq("fan")
    for i in (1, 2):
        cluster.pod(f"{app}-{i}", f"echo hello from {app}-{i}; "
                                  "trap 'exit 0' TERM; while true; do sleep 1; done",
                    labels={"app": app})
    for i in (1, 2):
        cluster.wait_running(f"{app}-{i}")
    wait_until(lambda: cluster.logs(f"{app}-2").out.strip(), timeout=10, what="output")
    r = cluster.logs("-l", f"app={app}", "--prefix")
    assert r.rc == 0, r
    assert sorted(r.lines()) == [f"[pod/{app}-1/c] hello from {app}-1",
                                 f"[pod/{app}-2/c] hello from {app}-2"], r
    # The per-node view the README gives (kubectl 1.32 has no `logs --field-selector`).
    r = cluster.kubectl("get", "pods", "-n", cluster.ns, "-l", f"app={app}",
                        "--field-selector", f"spec.nodeName={cluster.agent.name}", "-o", "name")
    assert r.rc == 0 and sorted(r.lines()) == [f"pod/{app}-1", f"pod/{app}-2"], r
    r = cluster.kubectl("get", "pods", "-n", cluster.ns, "-l", f"app={app}",
                        "--field-selector", "spec.nodeName=some-other-node", "-o", "name")
    assert r.rc == 0 and r.out == "", r


def test_container_choice(cluster):
    sleeper = "trap 'exit 0' TERM; while true; do sleep 1; done"
    name = cluster.pod("two", None, containers=[
        {"name": "a", "image": BUSYBOX, "command": ["sh", "-c", f"echo I am a; {sleeper}"]},
        {"name": "b", "image": BUSYBOX, "command": ["sh", "-c", f"echo I am b; {sleeper}"]}])
    cluster.wait_running(name)
    wait_until(lambda: cluster.logs(name, "-c", "b").out == "I am b\n", timeout=10,
               what="b's output")
    assert cluster.logs(name, "-c", "a").out == "I am a\n"
    # The API itself insists on a name (kubectl picks the first and says so).
    r = cluster.raw_log(name)
    assert r.status == 400, r
    assert status_of(r)["message"] == \
        "a container name must be specified for pod two, choose one of: [a b]"
    r = cluster.logs(name)
    assert r.rc == 0 and r.out == "I am a\n", r
    assert 'Defaulted container "a" out of: a, b' in r.err, r
    r = cluster.logs(name, "-c", "nope")
    assert r.rc != 0 and "container nope is not valid for pod two" in r.err, r
    r = cluster.raw_log(name, "?container=nope")
    assert r.status == 400 and status_of(r)["reason"] == "BadRequest", r


def test_errors_as_kubernetes_gives_them(cluster):
    r = cluster.raw_log("nope")
    assert r.status == 404, r
    body = status_of(r)
    assert body["reason"] == "NotFound" and body["message"] == 'pods "nope" not found', r
    r = cluster.logs("nope")
    assert r.rc != 0 and 'pods "nope" not found' in r.err, r

    # Bound to a Node no agent runs: the container never starts.  (The Node
    # must exist: pods bound to missing nodes are garbage-collected.)
    ghost = uniq("ghost-node")
    r = cluster.server.api("POST", "/api/v1/nodes", node_manifest(ghost))
    assert r.status == 201, r
    cluster.pod("stranded", "echo never", node=ghost)
    r = cluster.logs("stranded")
    assert r.rc != 0, r
    assert ('Error from server (BadRequest): container "c" in pod "stranded" is waiting to '
            'start: ContainerCreating') in r.err, r

    # Not bound at all: no node matches its selector.
    cluster.pod("homeless", "echo never", node=False,
                extra_spec={"nodeSelector": {"everynode-test/none": "x"}})
    r = cluster.raw_log("homeless")
    assert r.status == 400, r
    assert status_of(r)["message"] == "pod homeless does not have a host assigned", r

    # Options are validated as PodLogOptions.
    r = cluster.raw_log("stranded", "?tailLines=-1")
    assert r.status == 422, r
    assert status_of(r)["message"] == ('PodLogOptions "stranded" is invalid: tailLines: Invalid '
                                       'value: -1: must be greater than or equal to 0'), r
    r = cluster.raw_log("stranded", "?sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z")
    assert r.status == 422 and "at most one of `sinceTime` or `sinceSeconds`" in r.text, r
    r = cluster.raw_log("stranded", "?limitBytes=abc")
    assert r.status == 400 and "limitBytes" in status_of(r)["message"], r
    cluster.server.api("DELETE", f"/api/v1/namespaces/{cluster.ns}/pods/stranded",
                       {"gracePeriodSeconds": 0})
    cluster.server.api("DELETE", f"/api/v1/nodes/{ghost}")


def test_agent_log_port_needs_the_node_token(cluster, printer):
    """The agent's own port: HTTPS, 401 without the node token, kubelet's path."""
    import ssl
    import http.client
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    path = f"/containerLogs/{cluster.ns}/{printer}/c?tailLines=1"
    for token, want in ((None, 401), ("wrong", 401), (cluster.server.token, 401),
                        ((cluster.server.data_dir / "node-token").read_text().strip(), 200)):
        conn = http.client.HTTPSConnection("127.0.0.1", cluster.agent.port, timeout=10,
                                           context=ctx)
        try:
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
            resp = conn.getresponse()
            body = resp.read().decode()
        finally:
            conn.close()
        assert resp.status == want, (token, resp.status, body)
        if want == 200:
            assert re.fullmatch(r"line \d+\n", body), body
