"""agent_bench.py -- the `agent` suite of bench/run.py (issue 4): real nodes.

Everything here runs real processes on 127.0.0.1, as root, with runc: an
`everynode server` (run.py's Server), real `everynode agent`s (each with its
own --node-name, --data-dir and --port) and, for the pull figure, Debian's
docker-registry (tests/e2e/registry.py).  Three measurements:

  running   apply -> Running per node with a cached image: N agents whose
            image stores already hold the busybox image (`everynode image
            import`), a DaemonSet of it created over the API, and for every
            pod the time from the POST to the first watch event showing its
            container running.  Watch time, not containerStatuses[].state.
            running.startedAt: startedAt is RFC 3339 with whole seconds (as
            Kubernetes writes it), far too coarse for a 500 ms target, while a
            watch event is what any client (kubectl get -w, a controller)
            sees.  So each figure spans the whole path: the DaemonSet
            controller creating and binding the pod, the agent's watch, its
            worker, the shim, `runc create` + `runc start`, the status patch
            and the watch back to us.  The creation time of each pod (its
            ADDED event) splits that into the controller's part and the
            node's part.  Rounds of create / delete (waiting for every
            container to be gone in between) give p50 / p99.
  rss       one agent with 10 pods running (sleep containers): VmRSS, VmHWM,
            RssAnon, RssFile from /proc/PID/status of the agent process after
            the pods have run through a few sync rounds; the same with no
            pods for comparison; the shims' RSS too (one per container: they
            are separate processes, not counted in the agent's figure).
  pull      a generated 3-layer image (~100 MiB unpacked: incompressible
            random bytes, compressible text, many small files) pushed to a
            loopback docker-registry; `everynode image pull` into an empty
            store, timed as a whole process; MiB/s of compressed bytes
            fetched and of bytes unpacked.  Best and median of a few runs.

Each function returns a dict of figures (bench/results/agent.json); the
machine's load average is recorded before and after each part, since the
machine is shared.  Every process started is stopped, every container,
mount, cgroup and temp dir removed, also when a measurement fails.
"""

import hashlib
import http.client
import io
import json
import math
import os
import random
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tarfile
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from registry import Registry  # noqa: E402  (standard library only)

IMAGES_DIR = os.path.join(ROOT, "build", "images")
BUSYBOX = "everynode.local/busybox:1.35"
CGROUP_ROOT = "/sys/fs/cgroup"
# A container that exits at once on SIGTERM (sh traps it; `wait` is
# interrupted by the signal), so deletions do not wait for a grace period.
SLEEPER = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]


def loadavg():
    return [round(x, 2) for x in os.getloadavg()]


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list: with 120
    samples p99 is the second largest."""
    v = sorted(values)
    k = max(0, min(len(v) - 1, math.ceil(p / 100.0 * len(v)) - 1))
    return v[k]


def ms(seconds):
    return round(seconds * 1000.0, 1)


def wait_for(pred, timeout, what, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    raise RuntimeError("timed out after %.0fs waiting for %s" % (timeout, what))


def ensure_images():
    path = os.path.join(IMAGES_DIR, "busybox.tar")
    if not os.path.exists(path):
        subprocess.run(["make", "-C", ROOT, "images"], check=True, capture_output=True,
                       timeout=300)
    return path


def proc_status(pid):
    """The memory lines of /proc/PID/status, in KiB, plus Threads."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, val = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem", "VmSize", "Threads"):
                out[key] = int(val.split()[0])
    return out


class Api:
    """Small JSON client for the server's API (admin token, TLS unverified)."""

    def __init__(self, srv):
        self.srv = srv
        self.ctx = ssl._create_unverified_context()

    def conn(self, timeout=60):
        return http.client.HTTPSConnection("127.0.0.1", self.srv.port, context=self.ctx,
                                           timeout=timeout)

    def headers(self, ctype=None):
        h = {"Authorization": "Bearer " + self.srv.token, "Accept": "application/json"}
        if ctype:
            h["Content-Type"] = ctype
        return h

    def call(self, method, path, body=None):
        c = self.conn()
        try:
            data = json.dumps(body).encode() if body is not None else None
            c.request(method, path, body=data,
                      headers=self.headers("application/json" if data else None))
            r = c.getresponse()
            out = r.read()
            return r.status, (json.loads(out) if out else None)
        finally:
            c.close()

    def ok(self, method, path, body=None, want=(200, 201, 202)):
        st, obj = self.call(method, path, body)
        if st not in want:
            raise RuntimeError("%s %s: HTTP %d %s" % (method, path, st, json.dumps(obj)[:500]))
        return obj


class PodWatch:
    """A watch on the pods of one namespace in a thread: records, per pod
    uid, the monotonic time of its first event (created) and of the first
    event showing every container running."""

    def __init__(self, api, ns):
        self.api = api
        self.ns = ns
        self.lock = threading.Lock()
        self.created = {}   # uid -> monotonic time of the first event
        self.running = {}   # uid -> monotonic time all containers were first running
        self.node = {}      # uid -> spec.nodeName
        self.deleted = set()
        self.error = None
        self.stopping = False
        self.conn = None
        self.thread = None

    def start(self):
        st, lst = self.api.call("GET", "/api/v1/namespaces/%s/pods" % self.ns)
        if st != 200:
            raise RuntimeError("list pods: HTTP %d" % st)
        self.conn = self.api.conn(timeout=None)
        self.conn.request("GET", "/api/v1/namespaces/%s/pods?watch=1&resourceVersion=%s" %
                          (self.ns, lst["metadata"]["resourceVersion"]),
                          headers=self.api.headers())
        self.resp = self.conn.getresponse()
        if self.resp.status != 200:
            raise RuntimeError("watch pods: HTTP %d" % self.resp.status)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self):
        try:
            while True:
                line = self.resp.readline()
                if not line:
                    return
                now = time.monotonic()
                line = line.strip()
                if not line:
                    continue
                ev = json.loads(line)
                obj = ev.get("object", {})
                uid = obj.get("metadata", {}).get("uid")
                if not uid or ev.get("type") == "BOOKMARK":
                    continue
                with self.lock:
                    self.created.setdefault(uid, now)
                    if obj.get("spec", {}).get("nodeName"):
                        self.node[uid] = obj["spec"]["nodeName"]
                    if ev["type"] == "DELETED":
                        self.deleted.add(uid)
                    cs = obj.get("status", {}).get("containerStatuses") or []
                    if (uid not in self.running and cs and
                            all("running" in c.get("state", {}) for c in cs)):
                        self.running[uid] = now
        except Exception as e:  # noqa: BLE001  (reported unless we closed it)
            if not self.stopping:
                self.error = e

    def snapshot(self):
        with self.lock:
            return dict(self.created), dict(self.running), dict(self.node), set(self.deleted)

    def stop(self):
        self.stopping = True
        if self.conn is not None:
            try:
                self.conn.sock.shutdown(2)
            except OSError:
                pass
            self.conn.close()
        if self.thread is not None:
            self.thread.join(timeout=10)


class AgentProc:
    """One real `everynode agent` joined to srv on 127.0.0.1."""

    def __init__(self, bin_path, srv, name, base, port):
        self.bin = bin_path
        self.srv = srv
        self.name = name
        self.data_dir = os.path.join(base, name)
        self.port = port
        self.log_path = self.data_dir + ".log"
        self.proc = None
        self.log = None

    def import_images(self, paths):
        subprocess.run([self.bin, "image", "import", *paths, "--data-dir", self.data_dir],
                       check=True, capture_output=True, timeout=120)

    def start(self):
        os.makedirs(self.data_dir, exist_ok=True)
        token = node_token(self.srv)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.bin, "agent", "--server", "https://127.0.0.1:%d" % self.srv.port,
             "--token", token, "--ca-file", os.path.join(self.srv.dir, "tls", "ca.crt"),
             "--node-name", self.name, "--node-ip", "127.0.0.1",
             "--data-dir", self.data_dir, "--port", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=20)
        if self.log is not None:
            self.log.close()
            self.log = None

    def runc(self, *args):
        return subprocess.run(["runc", "--root", os.path.join(self.data_dir, "runc"), *args],
                              capture_output=True, text=True, timeout=30)

    def runc_ids(self):
        r = self.runc("list", "-q")
        return [x.strip() for x in r.stdout.splitlines() if x.strip()]

    def shim_pids(self):
        """Processes other than the agent whose command line names its data dir."""
        key = (self.data_dir + "/").encode()
        pids = []
        for p in os.listdir("/proc"):
            if not p.isdigit() or (self.proc is not None and int(p) == self.proc.pid):
                continue
            try:
                with open("/proc/%s/cmdline" % p, "rb") as f:
                    if key in f.read():
                        pids.append(int(p))
            except OSError:
                pass
        return pids

    def cleanup(self):
        """Stop the agent; remove what it left: containers, shims, mounts,
        cgroups, the data dir."""
        self.stop()
        if os.path.isdir(os.path.join(self.data_dir, "runc")):
            for cid in self.runc_ids():
                self.runc("delete", "--force", cid)
        deadline = time.monotonic() + 10
        while self.shim_pids() and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in self.shim_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        prefix = self.data_dir + "/"
        mounts = []
        with open("/proc/self/mountinfo") as f:
            for line in f:
                mp = line.split()[4].replace("\\040", " ")
                if mp.startswith(prefix):
                    mounts.append(mp)
        for mp in sorted(mounts, key=len, reverse=True):
            subprocess.run(["umount", "-l", mp], capture_output=True, timeout=30)
        dirs = [os.path.join(CGROUP_ROOT, "everynode", self.name)]
        if os.path.isdir(CGROUP_ROOT):
            dirs += [os.path.join(CGROUP_ROOT, c, "everynode", self.name)
                     for c in os.listdir(CGROUP_ROOT)]
        for d in dirs:
            if os.path.isdir(d):
                for child in os.listdir(d):
                    try:
                        os.rmdir(os.path.join(d, child))
                    except OSError:
                        pass
                try:
                    os.rmdir(d)
                except OSError:
                    pass
        shutil.rmtree(self.data_dir, ignore_errors=True)
        try:
            os.unlink(self.log_path)
        except OSError:
            pass


def node_token(srv):
    """The token agents join with: the server's node token when it accepts
    it, else its admin token (a server that knows only that one)."""
    try:
        with open(os.path.join(srv.dir, "node-token")) as f:
            tok = f.read().strip()
        c = http.client.HTTPSConnection("127.0.0.1", srv.port, timeout=10,
                                        context=ssl._create_unverified_context())
        try:
            c.request("GET", "/api/v1/namespaces/kube-node-lease",
                      headers={"Authorization": "Bearer " + tok})
            if c.getresponse().status == 200:
                return tok
        finally:
            c.close()
    except (OSError, http.client.HTTPException):
        pass
    return srv.token


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Nodes:
    """A server and n agents with the busybox image imported."""

    def __init__(self, server_cls, bin_path, n, prefix):
        self.srv = None
        self.agents = []
        self.base = tempfile.mkdtemp(prefix="everynode-bench-agents-")
        try:
            self.srv = server_cls()
            self.api = Api(self.srv)
            image = ensure_images()
            for i in range(n):
                a = AgentProc(bin_path, self.srv, "%s-%d" % (prefix, i), self.base, free_port())
                a.import_images([image])
                self.agents.append(a)
                a.start()
            wait_for(self.all_ready, 60, "%d nodes Ready" % n, 0.2)
        except BaseException:
            self.close()
            raise

    def all_ready(self):
        ready = 0
        for node in self.api.ok("GET", "/api/v1/nodes")["items"]:
            if node["metadata"]["name"] not in [a.name for a in self.agents]:
                continue
            for c in node.get("status", {}).get("conditions", []):
                if c["type"] == "Ready" and c["status"] == "True":
                    ready += 1
        return ready == len(self.agents)

    def no_containers(self):
        return all(not a.runc_ids() for a in self.agents)

    def close(self):
        errors = []
        for a in self.agents:
            if a.proc is not None and a.proc.poll() not in (None, 0):
                try:
                    with open(a.log_path, errors="replace") as f:
                        tail = f.read()[-2000:]
                except OSError:
                    tail = ""
                errors.append("agent %s exited %s:\n%s" % (a.name, a.proc.returncode, tail))
            a.cleanup()
        if self.srv is not None:
            self.srv.stop()
        shutil.rmtree(self.base, ignore_errors=True)
        if errors:
            raise RuntimeError("; ".join(errors))


def daemonset(name, ns):
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"terminationGracePeriodSeconds": 5,
                                           "containers": [{"name": "sleep", "image": BUSYBOX,
                                                           "imagePullPolicy": "IfNotPresent",
                                                           "command": SLEEPER}]}}}}


def bench_running(server_cls, bin_path, n_nodes=3, rounds=20):
    """apply -> Running per node, over `rounds` create/delete rounds."""
    res = {"nodes": n_nodes, "rounds": rounds, "loadavg_before": loadavg()}
    nodes = Nodes(server_cls, bin_path, n_nodes, "bench-node")
    watch = None
    try:
        api = nodes.api
        ns = "bench-running"
        api.ok("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                              "metadata": {"name": ns}})
        watch = PodWatch(api, ns).start()
        to_running, to_created, created_to_running = [], [], []
        per_round_max = []
        path = "/apis/apps/v1/namespaces/%s/daemonsets" % ns
        for r in range(rounds + 1):  # round 0 warms up (first use of the image's rootfs)
            name = "run%d" % r
            t0 = time.monotonic()
            api.ok("POST", path, daemonset(name, ns))

            def all_running():
                created, running, node, _ = watch.snapshot()
                mine = [u for u, t in created.items() if t >= t0]
                return mine if (len(mine) == n_nodes and
                                all(u in running for u in mine)) else None
            try:
                uids = wait_for(all_running, 60, "round %d: %d pods running" % (r, n_nodes))
            except RuntimeError:
                if watch.error:
                    raise RuntimeError("pod watch failed: %r" % watch.error)
                raise
            created, running, node, _ = watch.snapshot()
            if len(set(node[u] for u in uids)) != n_nodes:
                raise RuntimeError("round %d: pods not on %d distinct nodes" % (r, n_nodes))
            if r > 0:
                for u in uids:
                    to_running.append(running[u] - t0)
                    to_created.append(created[u] - t0)
                    created_to_running.append(running[u] - created[u])
                per_round_max.append(max(running[u] - t0 for u in uids))
            api.ok("DELETE", path + "/" + name)
            wait_for(lambda: set(uids) <= watch.snapshot()[3], 60,
                     "round %d: pods deleted" % r, 0.1)
            wait_for(nodes.no_containers, 30, "round %d: containers removed" % r, 0.2)
        res.update({
            "samples": len(to_running),
            "apply_to_running_p50_ms": ms(percentile(to_running, 50)),
            "apply_to_running_p99_ms": ms(percentile(to_running, 99)),
            "apply_to_running_max_ms": ms(max(to_running)),
            "apply_to_pod_created_p50_ms": ms(percentile(to_created, 50)),
            "apply_to_pod_created_p99_ms": ms(percentile(to_created, 99)),
            "pod_created_to_running_p50_ms": ms(percentile(created_to_running, 50)),
            "pod_created_to_running_p99_ms": ms(percentile(created_to_running, 99)),
            "all_nodes_running_p50_ms": ms(percentile(per_round_max, 50)),
            # Every sample, for the report's plot.
            "apply_to_running_samples_ms": sorted(ms(x) for x in to_running),
            "apply_to_pod_created_samples_ms": sorted(ms(x) for x in to_created),
        })
    finally:
        if watch is not None:
            watch.stop()
        res["loadavg_after"] = loadavg()
        nodes.close()
    return res


def rss_by_mapping(pid, top=25):
    """Rss (KiB) of the process summed per mapped file (anonymous memory as
    "[anon]"), largest first: where the agent's RSS goes."""
    sums = {}
    name = None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            parts = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                name = parts[5] if len(parts) > 5 else "[anon]"
            elif parts and parts[0] == "Rss:":
                sums[name] = sums.get(name, 0) + int(parts[1])
    return dict(sorted(sums.items(), key=lambda kv: -kv[1])[:top])


def bench_rss(server_cls, bin_path, n_pods=10, settle_s=25):
    """One agent with 0, then n_pods pods running."""
    res = {"pods": n_pods, "loadavg_before": loadavg()}
    nodes = Nodes(server_cls, bin_path, 1, "bench-rss")
    try:
        api = nodes.api
        agent = nodes.agents[0]
        time.sleep(settle_s / 2)  # registration done, a lease renewal or so
        idle = proc_status(agent.proc.pid)
        res["idle_rss_kib"] = idle["VmRSS"]
        res["idle_rss_anon_kib"] = idle["RssAnon"]
        ns = "bench-rss"
        api.ok("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                              "metadata": {"name": ns}})
        for i in range(n_pods):
            api.ok("POST", "/api/v1/namespaces/%s/pods" % ns, {
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "p%d" % i, "labels": {"app": "rss"}},
                "spec": {"nodeName": agent.name, "terminationGracePeriodSeconds": 5,
                         "containers": [{"name": "sleep", "image": BUSYBOX,
                                         "imagePullPolicy": "IfNotPresent",
                                         "command": SLEEPER,
                                         "readinessProbe": {"exec": {"command": ["true"]},
                                                            "periodSeconds": 5}}]}})

        def ready():
            items = api.ok("GET", "/api/v1/namespaces/%s/pods" % ns)["items"]
            return len(items) == n_pods and all(
                any(c["type"] == "Ready" and c["status"] == "True"
                    for c in p.get("status", {}).get("conditions", [])) for p in items)
        wait_for(ready, 120, "%d pods Ready" % n_pods, 0.5)
        if len(agent.runc_ids()) != n_pods:
            raise RuntimeError("runc lists %d containers, not %d" %
                               (len(agent.runc_ids()), n_pods))
        # Let the pods run through sync, probe, lease and status rounds.
        time.sleep(settle_s)
        st = proc_status(agent.proc.pid)
        res.update({
            "agent_rss_mib": round(st["VmRSS"] / 1024.0, 2),
            "agent_hwm_mib": round(st["VmHWM"] / 1024.0, 2),
            "agent_rss_anon_mib": round(st["RssAnon"] / 1024.0, 2),
            "agent_rss_file_mib": round(st["RssFile"] / 1024.0, 2),
            "agent_threads": st["Threads"],
            "agent_idle_rss_mib": round(res.pop("idle_rss_kib") / 1024.0, 2),
            "agent_idle_rss_anon_mib": round(res.pop("idle_rss_anon_kib") / 1024.0, 2),
        })
        try:
            with open("/proc/%d/smaps_rollup" % agent.proc.pid) as f:
                roll = {}
                for line in f:
                    parts = line.split()
                    if len(parts) == 3 and parts[2] == "kB":
                        roll[parts[0].rstrip(":")] = int(parts[1])
            res["agent_pss_mib"] = round(roll.get("Pss", 0) / 1024.0, 2)
            res["agent_rss_by_mapping_kib"] = rss_by_mapping(agent.proc.pid)
        except OSError:
            pass
        shims = []
        for pid in agent.shim_pids():
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    if f.read().split(b"\0")[1:2] == [b"shim"]:
                        shims.append(proc_status(pid)["VmRSS"])
            except (OSError, KeyError):
                pass  # gone meanwhile
        if shims:
            res["shims"] = len(shims)
            res["shim_rss_avg_mib"] = round(sum(shims) / len(shims) / 1024.0, 2)
        # Remove the pods through the API, as a user would.
        for i in range(n_pods):
            api.ok("DELETE", "/api/v1/namespaces/%s/pods/p%d" % (ns, i))
        wait_for(lambda: not api.ok("GET", "/api/v1/namespaces/%s/pods" % ns)["items"], 60,
                 "pods deleted", 0.2)
        wait_for(nodes.no_containers, 30, "containers removed", 0.2)
    finally:
        res["loadavg_after"] = loadavg()
        nodes.close()
    return res


# ---- the generated image for the pull figure ------------------------------------

def _tar_layer(files):
    """Uncompressed tar of [(name, bytes)] with fixed metadata."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        dirs = set()
        for name, data in files:
            d = os.path.dirname(name)
            parts = d.split("/") if d else []
            for i in range(1, len(parts) + 1):
                sub = "/".join(parts[:i])
                if sub not in dirs:
                    dirs.add(sub)
                    ti = tarfile.TarInfo(sub)
                    ti.type = tarfile.DIRTYPE
                    ti.mode = 0o755
                    ti.mtime = 1640995200
                    tar.addfile(ti)
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mode = 0o644
            ti.mtime = 1640995200
            tar.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def generated_image(total_mib=100, seed=4):
    """(config bytes, [layer tarballs]): ~total_mib MiB of file data in 3
    layers -- 40% one file of random bytes (gzip cannot shrink it), 40%
    text-like files (compress about 3x), 20% small files (4-32 KiB, random
    and text mixed) to weigh in per-file costs."""
    rnd = random.Random(seed)
    mib = 1024 * 1024
    big = rnd.randbytes(int(total_mib * 0.4 * mib))
    words = [("".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9))))
             .encode() for _ in range(5000)]
    text_files, left, i = [], int(total_mib * 0.4 * mib), 0
    while left > 0:
        n = min(left, 8 * mib)
        out, size = [], 0
        while size < n:
            line = b" ".join(rnd.choice(words) for _ in range(12)) + b"\n"
            out.append(line)
            size += len(line)
        text_files.append(("usr/share/text/%02d.txt" % i, b"".join(out)[:n]))
        left -= n
        i += 1
    small, left, i = [], int(total_mib * 0.2 * mib), 0
    while left > 0:
        n = min(left, rnd.randint(4, 32) * 1024)
        if i % 2:
            data = rnd.randbytes(n)
        else:
            data = (b" ".join(rnd.choice(words) for _ in range(n // 5)) + b"\n")[:n]
        small.append(("usr/lib/small/%03d/%05d.dat" % (i // 100, i), data))
        left -= n
        i += 1
    layers = [_tar_layer([("opt/blob/random.bin", big)]), _tar_layer(text_files),
              _tar_layer(small)]
    diff_ids = ["sha256:" + hashlib.sha256(layer).hexdigest() for layer in layers]
    config = json.dumps({
        "architecture": {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine,
                                                                    os.uname().machine),
        "os": "linux", "created": "2022-01-01T00:00:00Z",
        "config": {"Cmd": ["sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    return config, layers, len(small)


def bench_pull(bin_path, runs=3, total_mib=100):
    res = {"loadavg_before": loadavg()}
    config, layers, n_small = generated_image(total_mib)
    base = tempfile.mkdtemp(prefix="everynode-bench-pull-")
    reg = Registry().start()
    try:
        # registry.py gzips each layer (level 9, mtime 0); what a pull fetches
        # is what the registry stores.
        pushed = reg.push_image("bench/big", "1", config, layers)
        unpacked = sum(len(layer) for layer in layers)
        fetched = sum(os.path.getsize(reg.blob_file(d)) for d in pushed.layers) + len(config)
        res.update({"layers": len(layers), "small_files": n_small,
                    "compressed_mib": round(fetched / 1048576.0, 1),
                    "unpacked_tar_mib": round(unpacked / 1048576.0, 1)})
        times = []
        for i in range(runs):
            data = os.path.join(base, "store%d" % i)
            os.makedirs(data)
            subprocess.run(["sync"], timeout=120)
            t0 = time.monotonic()
            # 127.0.0.0/8 registries speak plain HTTP: no registries.yaml needed.
            r = subprocess.run([bin_path, "image", "pull", "%s/bench/big:1" % reg.host,
                                "--data-dir", data], capture_output=True, text=True,
                               timeout=600)
            took = time.monotonic() - t0
            if r.returncode != 0:
                raise RuntimeError("image pull failed: %s%s" % (r.stdout, r.stderr))
            lst = subprocess.run([bin_path, "image", "list", "--data-dir", data],
                                 capture_output=True, text=True, timeout=60)
            if "bench/big" not in lst.stdout:
                raise RuntimeError("pulled image not listed: %s%s" % (lst.stdout, lst.stderr))
            times.append(took)
            shutil.rmtree(data, ignore_errors=True)
        best, med = min(times), sorted(times)[len(times) // 2]
        res.update({
            "runs": runs,
            "pull_s_best": round(best, 2), "pull_s_median": round(med, 2),
            "fetched_mib_per_s": round(fetched / 1048576.0 / best, 1),
            "unpacked_mib_per_s": round(unpacked / 1048576.0 / best, 1),
            "fetched_mib_per_s_median": round(fetched / 1048576.0 / med, 1),
            "unpacked_mib_per_s_median": round(unpacked / 1048576.0 / med, 1),
        })
    finally:
        reg.stop()
        shutil.rmtree(base, ignore_errors=True)
        res["loadavg_after"] = loadavg()
    return res


def _when():
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


def run(server_cls, bin_path, parts=("running", "rss", "pull")):
    """The whole suite (or the parts named); server_cls starts a real server
    (run.py's Server).  Each part's dict carries its own "when"."""
    if os.geteuid() != 0 or not shutil.which("runc"):
        raise RuntimeError("the agent suite needs root and runc")
    out = {"cpus": os.cpu_count()}
    # 40 rounds on 3 nodes: 120 samples, so that p99 is not simply the maximum.
    rounds = int(os.environ.get("BENCH_AGENT_ROUNDS", "40"))
    if "running" in parts:
        print("bench: agent: apply -> Running on 3 nodes, %d rounds ..." % rounds, flush=True)
        out["running"] = bench_running(server_cls, bin_path, 3, rounds)
        out["running"]["when"] = _when()
        print(json.dumps(out["running"]), flush=True)
    if "rss" in parts:
        print("bench: agent: RSS with 10 pods ...", flush=True)
        out["rss"] = bench_rss(server_cls, bin_path, 10)
        out["rss"]["when"] = _when()
        print(json.dumps(out["rss"]), flush=True)
    if "pull" in parts:
        print("bench: agent: image pull + unpack ...", flush=True)
        out["pull"] = bench_pull(bin_path)
        out["pull"]["when"] = _when()
        print(json.dumps(out["pull"]), flush=True)
    return out
