"""Durability and process lifecycle: kill -9 loses no acknowledged write.

A burst of concurrent creates runs against a private server; the server is
killed with SIGKILL in the middle of it, restarted on the same data dir, and
every create that had been answered 201 must be there with the uid it was
acknowledged with.  Also: the files `server` promises (kubeconfig.yaml usable
by kubectl as is, node-token), clean SIGTERM shutdown, and restart keeping
data and the resourceVersion sequence.
"""

import os
import re
import stat
import subprocess
import threading
import time

from conftest import EVERYNODE_BIN, Kubectl, free_port, http_request, uniq, wait_until

LEASES = "/apis/coordination.k8s.io/v1/namespaces/default/leases"


def _lease(name):
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": name}, "spec": {"holderIdentity": name, "leaseDurationSeconds": 40}}


def _namespace(name):
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


class Burst:
    """Threads creating objects as fast as they can; records every acknowledged create."""

    def __init__(self, srv, threads=8, max_seconds=20.0):
        self.port = srv.port
        self.token = srv.token
        self.tls = srv.tls
        self.acked = {}          # path of the object -> (uid, resourceVersion)
        self.errors = []         # unexpected HTTP answers (not connection failures)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.deadline = time.monotonic() + max_seconds
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                        for i in range(threads)]

    def _run(self, idx):
        n = 0
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            n += 1
            if idx % 2 == 0:
                name = f"burst-{idx}-{n}"
                coll, body, path = LEASES, _lease(name), f"{LEASES}/{name}"
            else:
                name = f"burst-ns-{idx}-{n}"
                coll, body, path = "/api/v1/namespaces", _namespace(name), f"/api/v1/namespaces/{name}"
            try:
                r = http_request(self.port, "POST", coll, body, timeout=10, token=self.token,
                                 tls=self.tls)
            except OSError:
                # The server died mid-request: this create was never acknowledged.
                if self.stop.is_set():
                    return
                time.sleep(0.01)
                continue
            if r.status == 201:
                with self.lock:
                    self.acked[path] = (r.json["metadata"]["uid"],
                                        r.json["metadata"]["resourceVersion"])
            else:
                with self.lock:
                    self.errors.append((path, r.status, r.text[:300]))

    def start(self):
        for t in self.threads:
            t.start()

    def join(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=15)

    def count(self):
        with self.lock:
            return len(self.acked)


def test_kill_9_during_concurrent_creates_loses_no_acknowledged_write(new_server):
    srv = new_server().start()
    burst = Burst(srv)
    burst.start()
    try:
        # Let a real number of writes be acknowledged, then crash the server mid-burst.
        wait_until(lambda: burst.count() >= 300, timeout=30, interval=0.02,
                   what="300 acknowledged creates")
        srv.kill()
    finally:
        burst.join()
    assert not burst.errors, burst.errors[:5]
    acked = dict(burst.acked)
    assert len(acked) >= 300

    srv.start()  # same data dir, new port
    missing, wrong_uid = [], []
    for path, (uid, rv) in acked.items():
        r = srv.api("GET", path)
        if r.status != 200:
            missing.append((path, r.status))
        elif r.json["metadata"]["uid"] != uid or r.json["metadata"]["resourceVersion"] != rv:
            wrong_uid.append((path, uid, rv, r.json["metadata"]))
    assert not missing, f"{len(missing)} of {len(acked)} acknowledged creates lost, e.g. {missing[:5]}"
    assert not wrong_uid, wrong_uid[:3]

    # The revision sequence continues after the last acknowledged write.
    top = max(int(rv) for _, rv in acked.values())
    r = srv.api("POST", LEASES, _lease(uniq("after")))
    assert r.status == 201, r
    assert int(r.json["metadata"]["resourceVersion"]) > top
    # Still a consistent store: lists and gets agree.
    listed = {i["metadata"]["name"] for i in srv.get_json(LEASES)["items"]}
    assert {p.rsplit("/", 1)[1] for p in acked if p.startswith(LEASES)} <= listed


def test_kill_9_twice_in_a_row(new_server):
    # Recovery itself must be crash-safe: crash again right after restarting.
    srv = new_server().start()
    acked = []
    for i in range(20):
        r = srv.api("POST", LEASES, _lease(f"k{i}"))
        assert r.status == 201, r
        acked.append(f"k{i}")
    srv.kill()
    srv.start()
    srv.kill()
    srv.start()
    for name in acked:
        assert srv.api("GET", f"{LEASES}/{name}").status == 200, name


def test_sigterm_is_clean_and_data_survives_restart(new_server, tmp_path):
    srv = new_server().start()
    names = [uniq("keep") for _ in range(5)]
    for name in names:
        assert srv.api("POST", "/api/v1/namespaces", _namespace(name)).status == 201
    uid = srv.get_json(f"/api/v1/namespaces/{names[0]}")["metadata"]["uid"]
    rc = srv.stop()
    assert rc == 0, f"exit code {rc} after SIGTERM; stderr:\n{srv.log_tail(lines=40)}"
    assert not srv.term_timed_out
    srv.start()
    for name in names:
        got = srv.api("GET", f"/api/v1/namespaces/{name}")
        assert got.status == 200, (name, got)
    assert srv.get_json(f"/api/v1/namespaces/{names[0]}")["metadata"]["uid"] == uid
    # Default namespaces are not duplicated or reset by a restart.
    items = srv.get_json("/api/v1/namespaces")["items"]
    default = [i for i in items if i["metadata"]["name"] == "default"]
    assert len(default) == 1
    # kubectl follows the rewritten kubeconfig (new port) without any help.
    k = Kubectl(srv, home=tmp_path / "home")
    r = k.ok("get", "ns", names[0])
    assert names[0] in r.out


def test_sigterm_with_open_watch_exits_promptly(new_server):
    srv = new_server().start()
    conn = srv.connect(timeout=20)
    conn.request("GET", "/api/v1/pods?watch=true",
                 headers={"Accept": "application/json", **srv.auth_headers()})
    resp = conn.getresponse()
    assert resp.status == 200
    start = time.monotonic()
    rc = srv.stop(timeout=10)
    conn.close()
    assert not srv.term_timed_out, "an open watch kept the server from shutting down"
    assert rc == 0, rc
    assert time.monotonic() - start < 10


def test_data_dir_files(new_server, tmp_path):
    srv = new_server().start()
    kc = srv.kubeconfig
    assert kc.is_file(), f"{kc} missing"
    text = kc.read_text()
    assert re.search(rf"^\s+server: https?://127\.0\.0\.1:{srv.port}\s*$", text, re.M), text
    for key in ("apiVersion: v1", "kind: Config", "clusters:", "contexts:", "current-context:"):
        assert key in text, (key, text)
    token = srv.data_dir / "node-token"
    assert token.is_file(), f"{token} missing"
    secret = token.read_text().strip()
    assert len(secret) >= 16 and re.fullmatch(r"[\x21-\x7e]+", secret), "node-token looks empty or odd"
    # A secret must not be world-readable.
    mode = stat.S_IMODE(os.stat(token).st_mode)
    assert mode & 0o077 == 0, oct(mode)
    k = Kubectl(srv, home=tmp_path / "home")
    assert k.ok("get", "--raw", "/readyz").out.strip() == "ok"
    # A restart keeps the node token: agents that joined must still be able to.
    srv.stop()
    srv.start()
    assert (srv.data_dir / "node-token").read_text().strip() == secret


def test_second_server_on_same_data_dir_is_refused(new_server):
    # Two servers writing one store would corrupt it; the second must refuse to start.
    srv = new_server().start()
    p = subprocess.Popen([srv.binary, "server", "--data-dir", str(srv.data_dir), "--bind-address",
                          "127.0.0.1", "--port", str(free_port())],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        rc = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(timeout=5)
        rc = None
    assert rc not in (None, 0), "a second server started on a data dir already in use"
    assert srv.ready(), "the first server was disturbed"


def _run(*args):
    """Run everynode; a run still going after 10 s is killed and reported as rc None."""
    p = subprocess.Popen([EVERYNODE_BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    try:
        out, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate(timeout=5)
        return subprocess.CompletedProcess(p.args, None, out, err)
    return subprocess.CompletedProcess(p.args, p.returncode, out, err)


def test_help_and_bad_flags(tmp_path):
    p = _run("--help")
    assert p.returncode == 0, p
    assert "server" in p.stdout + p.stderr
    p = _run("server", "--help")
    assert p.returncode == 0, p
    for flag in ("--data-dir", "--bind-address", "--port"):
        assert flag in p.stdout + p.stderr, (flag, p)
    for args in (["server", "--no-such-flag"],
                 ["server", "--port", "notaport", "--data-dir", str(tmp_path / "a")],
                 ["server", "--port", "70000", "--data-dir", str(tmp_path / "b")],
                 ["server", "--bind-address", "not-an-address", "--port", str(free_port()),
                  "--data-dir", str(tmp_path / "c")],
                 ["frobnicate"]):
        p = _run(*args)
        assert p.returncode not in (None, 0), f"everynode {' '.join(args)}: rc {p.returncode}\n{p.stderr}"
        assert p.stderr.strip(), f"everynode {' '.join(args)} failed without saying why"
