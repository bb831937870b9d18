"""agent_util.py -- real `everynode agent` processes for end-to-end tests.

    from agent_util import Agent, ensure_images, node_token
    agent = Agent(server, "e2e-node-a", data_dir, port=free_port(),
                  extra_args=("--node-labels", "x=y"))
    agent.import_images()          # build/images/*.tar into DATA/images (`make images`
                                   # runs first when the tars are missing)
    agent.start()                  # returns once the process runs; wait for the Node yourself
    agent.kill(); agent.start()    # kill -9 and restart on the same data dir
    agent.cleanup()                # stop, then remove every container, mount, cgroup and
                                   # the data dir the agent left (containers outlive agents)

The agent joins with the server's node token when the server accepts it, else with
the admin token (servers that only know their admin token); it verifies the server
with the server's CA (DIR/tls/ca.crt).  Everything runs on 127.0.0.1 with the agent's
own --data-dir, --port and --node-name, so several agents share one machine.

Container logs are at DATA/logs/<ns>_<pod>_<uid>/<container>/<restartCount>.log
(Agent.log_file).  Standard library and pytest only; every wait is bounded.
"""

import http.client
import os
import pathlib
import shutil
import signal
import subprocess
import time

import pytest

from conftest import EVERYNODE_BIN, REPO, SANITIZER_MARKERS, http_request

IMAGES_DIR = REPO / "build" / "images"
IMAGES = ("busybox.tar", "httpd.tar")
STOP_TIMEOUT = 15.0
CGROUP_ROOT = pathlib.Path("/sys/fs/cgroup")


def ensure_images():
    """The demo image tarballs (`make images` when one is missing); their paths."""
    paths = [IMAGES_DIR / n for n in IMAGES]
    if not all(p.exists() for p in paths):
        r = subprocess.run(["make", "-C", str(REPO), "images"], capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, f"make images failed:\n{r.stdout}\n{r.stderr}"
    for p in paths:
        assert p.exists(), f"{p} missing after `make images`"
    return paths


def node_token(server):
    """The token an agent joins with: the node token when the server takes it."""
    tok_file = server.data_dir / "node-token"
    if tok_file.exists():
        tok = tok_file.read_text().strip()
        try:
            r = http_request(server.port, "GET", "/api/v1/namespaces/kube-node-lease",
                             token=tok, tls=server.tls, timeout=5)
            if r.status == 200:
                return tok
        except (OSError, http.client.HTTPException):
            pass
    return server.token


def have_runtime():
    """Why real containers cannot run here, or None when they can."""
    if os.geteuid() != 0:
        return "real containers need root"
    if not shutil.which("runc"):
        return "runc is not installed"
    return None


class Agent:
    """One `everynode agent` process; stderr goes to DATA.stderr.log beside DATA."""

    def __init__(self, server, name, data_dir, port, extra_args=()):
        self.server = server
        self.name = name
        self.data_dir = pathlib.Path(data_dir)
        self.port = port
        self.extra_args = [str(a) for a in extra_args]
        self.log_path = self.data_dir.parent / (self.data_dir.name + ".stderr.log")
        self.proc = None
        self._log = None

    # -- process

    def argv(self):
        return [EVERYNODE_BIN, "agent",
                "--server", f"https://127.0.0.1:{self.server.port}",
                "--token", node_token(self.server),
                "--ca-file", str(self.server.data_dir / "tls" / "ca.crt"),
                "--node-name", self.name, "--node-ip", "127.0.0.1",
                "--data-dir", str(self.data_dir), "--port", str(self.port),
                *self.extra_args]

    def import_images(self):
        paths = ensure_images()
        r = subprocess.run([EVERYNODE_BIN, "image", "import", *map(str, paths),
                            "--data-dir", str(self.data_dir)],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, f"image import failed:\n{r.stdout}\n{r.stderr}"
        return r.stdout

    def start(self):
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")
        self._log.write(b"==== start\n")
        self._log.flush()
        self.proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=self._log)
        time.sleep(0.2)
        if self.proc.poll() is not None:
            pytest.fail(f"agent {self.name} exited with {self.proc.returncode}:\n"
                        f"{self.log()[-3000:]}")
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM; returns the exit code (fails the test when it had to be killed)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)
                self._close()
                pytest.fail(f"agent {self.name} ignored SIGTERM for {STOP_TIMEOUT:.0f}s:\n"
                            f"{self.log()[-3000:]}")
        self._close()
        return self.proc.returncode

    def kill(self):
        """kill -9, as a crash would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=STOP_TIMEOUT)
        self._close()

    def _close(self):
        if self._log is not None:
            self._log.close()
            self._log = None

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def sanitizer_report(self):
        text = self.log()
        for marker in SANITIZER_MARKERS:
            i = text.find(marker)
            if i >= 0:
                return text[max(0, i - 200):i + 4000]
        return None

    # -- what the agent made

    def runc(self, *args, timeout=30):
        return subprocess.run(["runc", "--root", str(self.data_dir / "runc"), *args],
                              capture_output=True, text=True, timeout=timeout)

    def runc_ids(self):
        r = self.runc("list", "-q")
        return [ln.strip() for ln in r.stdout.splitlines() if ln.strip()]

    def log_file(self, ns, pod, uid, container, restart=0):
        return self.data_dir / "logs" / f"{ns}_{pod}_{uid}" / container / f"{restart}.log"

    def mounts(self):
        """Mount points under the data dir (from /proc/self/mountinfo)."""
        prefix = str(self.data_dir) + "/"
        out = []
        with open("/proc/self/mountinfo") as f:
            for line in f:
                mp = line.split()[4].replace("\\040", " ")
                if mp.startswith(prefix):
                    out.append(mp)
        return out

    def cgroup_dirs(self):
        """The node's cgroup directories (every controller, v1 and v2)."""
        found = []
        if CGROUP_ROOT.is_dir():
            for ctrl in CGROUP_ROOT.iterdir():
                d = ctrl / "everynode" / self.name
                if d.is_dir():
                    found.append(d)
            d = CGROUP_ROOT / "everynode" / self.name
            if d.is_dir():
                found.append(d)
        return found

    def shim_pids(self):
        """Processes whose command line names this agent's data dir (its shims)."""
        pids = []
        key = str(self.data_dir).encode()
        for p in pathlib.Path("/proc").iterdir():
            if not p.name.isdigit() or int(p.name) == os.getpid():
                continue
            try:
                cmd = (p / "cmdline").read_bytes()
            except OSError:
                continue
            if key in cmd and (self.proc is None or int(p.name) != self.proc.pid):
                pids.append(int(p.name))
        return pids

    def cleanup(self, remove_data=True):
        """Stop the agent, then take away whatever containers it left running."""
        if self.running():
            self.stop()
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
        for mp in sorted(self.mounts(), key=len, reverse=True):
            subprocess.run(["umount", "-l", mp], capture_output=True, timeout=30)
        for d in self.cgroup_dirs():
            for child in [c for c in d.iterdir() if c.is_dir()]:
                try:
                    child.rmdir()
                except OSError:
                    pass
            try:
                d.rmdir()
            except OSError:
                pass
        if remove_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)
