"""End-to-end test harness: real everynode processes, real kubectl.

Every test in tests/e2e talks to an `everynode server` started here on
127.0.0.1 with a free port and a temporary data dir, either through the stock
kubectl (the gcloud dispatcher at /usr/bin/kubectl, or a versioned binary
called directly) or through the raw HTTP API with the standard library.

Fixtures:
  server      one server for the whole session; tests sharing it must use
              unique names and namespaces (see `uniq`, `ns`)
  kubectl     a Kubectl bound to `server` (HOME is a temp dir per instance)
  ns          a fresh namespace on `server`, deleted afterwards
  new_server  a factory for private servers a test may kill or restart
  examples    path of the repo's examples/ directory

Every wait is bounded; every subprocess call has a timeout.  When a test
fails, the stderr the servers it used wrote during the test is attached to
the report as its own section.

Environment: EVERYNODE_BIN (default <repo>/bin/everynode), KUBECTL (default
/usr/bin/kubectl), EVERYNODE_READY_TIMEOUT (seconds, default 15).
Runs on the standard library and pytest only.
"""

import http.client
import itertools
import json
import os
import pathlib
import random
import re
import signal
import socket
import ssl
import string
import subprocess
import tempfile
import threading
import time
import urllib.parse

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
EVERYNODE_BIN = os.environ.get("EVERYNODE_BIN") or str(REPO / "bin" / "everynode")
KUBECTL = os.environ.get("KUBECTL", "/usr/bin/kubectl")
SDK_BIN = pathlib.Path("/usr/lib/google-cloud-sdk/bin")
READY_TIMEOUT = float(os.environ.get("EVERYNODE_READY_TIMEOUT", "15"))
STOP_TIMEOUT = 10.0

# Lines a sanitizer build prints when it found something: a server that
# printed one of them failed, whatever the tests saw.
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                     "runtime error:", "WARNING: ThreadSanitizer")

AGE_RE = r"(\d+(ms|s|m|h|d|y))+|<unknown>|<invalid>"
UID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
TIMESTAMP_RE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"

_counter = itertools.count(1)


def uniq(prefix):
    """A DNS-1123 label unique within this run: prefix-<n><4 random chars>."""
    tail = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(4))
    return f"{prefix}-{next(_counter)}{tail}"


def free_port():
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(pred, timeout=10.0, interval=0.1, what="condition"):
    """Poll pred() until it returns a truthy value; fail after timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = pred()
        if last:
            return last
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})")
        time.sleep(interval)


# ---- raw HTTP ---------------------------------------------------------------


class Resp:
    """One HTTP answer: status, headers (lower-case keys), body bytes, parsed JSON or None."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError):
            self.json = None

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        return f"<Resp {self.status} {self.text[:600]!r}>"


def connect(port, tls=False, timeout=15.0):
    """An HTTP(S) connection to 127.0.0.1:port.  Certificates are not checked: the
    tests are about the API, and the server's CA is its own business."""
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=ctx)
    return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)


def http_request(port, method, path, body=None, content_type=None, accept="application/json",
                 headers=None, timeout=15.0, token=None, tls=False):
    """Send one request to 127.0.0.1:port; body may be bytes, str or a JSON-able value.

    token, when given, goes in an Authorization: Bearer header (the admin token
    from the server's kubeconfig; see Server.token); tls selects https."""
    hdrs = {"Accept": accept} if accept else {}
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
        content_type = content_type or "application/json"
    if isinstance(body, str):
        body = body.encode("utf-8")
    if content_type:
        hdrs["Content-Type"] = content_type
    hdrs.update(headers or {})
    conn = connect(port, tls, timeout)
    try:
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        data = r.read()
        return Resp(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
    finally:
        conn.close()


# ---- the server process -----------------------------------------------------


class Server:
    """One `everynode server` process on 127.0.0.1 with its own data dir."""

    def __init__(self, data_dir, binary=EVERYNODE_BIN):
        self.data_dir = pathlib.Path(data_dir)
        self.binary = binary
        self.port = None
        self.proc = None
        self.log_path = self.data_dir.parent / (self.data_dir.name + ".stderr.log")
        self._log = None
        self.token = None            # bearer token from kubeconfig.yaml, read once ready
        self.tls = False             # kubeconfig's server URL is https://
        self.exit_code = None
        self.killed = False          # stopped by kill -9 (on purpose or not)
        self.term_timed_out = False  # ignored SIGTERM and had to be killed

    # -- lifecycle

    def start(self, port=None, extra_args=()):
        """Start and wait (bounded) for GET /readyz == 200 "ok"."""
        if not os.access(self.binary, os.X_OK):
            pytest.fail(f"everynode binary not found at {self.binary} (run `make`, or set EVERYNODE_BIN)")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        attempts = 1 if port else 3  # a picked port may be taken in between
        for attempt in range(attempts):
            self.port = port or free_port()
            self._log = open(self.log_path, "ab")
            self._log.write(f"==== start on port {self.port}\n".encode())
            self._log.flush()
            args = [self.binary, "server", "--data-dir", str(self.data_dir),
                    "--bind-address", "127.0.0.1", "--port", str(self.port), *extra_args]
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._log,
                                         stderr=self._log, cwd=str(self.data_dir.parent))
            self.exit_code = None
            self.killed = False
            self.term_timed_out = False
            if self._wait_ready() or attempt == attempts - 1:
                break
        if self.proc.poll() is not None:
            pytest.fail(f"everynode server exited with {self.proc.returncode} before it was ready;"
                        f" stderr:\n{self.log_tail()}")
        if not self.ready():
            self.kill()
            pytest.fail(f"everynode server not ready within {READY_TIMEOUT:.0f}s;"
                        f" stderr:\n{self.log_tail()}")
        self.token = self._read_token()
        return self

    def _read_token(self):
        """The user token kubectl will present, from DIR/kubeconfig.yaml (None if absent)."""
        try:
            text = self.kubeconfig.read_text()
        except OSError:
            return None
        m = re.search(r"^\s+token:\s*\"?([^\s\"]+)\"?\s*$", text, re.M)
        return m.group(1) if m else None

    def _wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if self.ready():
                return True
            time.sleep(0.05)
        return False

    def ready(self):
        self.tls = self._kubeconfig_server().startswith("https://")
        try:
            r = http_request(self.port, "GET", "/readyz", accept="*/*", timeout=2, tls=self.tls)
        except (OSError, http.client.HTTPException):
            return False
        return r.status == 200 and r.text.strip() == "ok"

    def _kubeconfig_server(self):
        try:
            m = re.search(r"^\s+server:\s*\"?([^\s\"]+)", self.kubeconfig.read_text(), re.M)
        except OSError:
            return ""
        return m.group(1) if m else ""

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, then SIGKILL after timeout.  Returns the exit code (None if never started)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.term_timed_out = True
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        self.exit_code = self.proc.returncode
        self._close_log()
        return self.exit_code

    def kill(self):
        """kill -9, as a crash would."""
        if self.proc is not None and self.proc.poll() is None:
            self.killed = True
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=STOP_TIMEOUT)
        if self.proc is not None:
            self.exit_code = self.proc.returncode
        self._close_log()

    def _close_log(self):
        if self._log is not None:
            self._log.close()
            self._log = None

    # -- files and logs

    @property
    def kubeconfig(self):
        return self.data_dir / "kubeconfig.yaml"

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def log_size(self):
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_text(self, start=0):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(start)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, start=0, lines=200):
        text = self.log_text(start).splitlines()
        cut = text[-lines:]
        head = f"[... {len(text) - lines} earlier lines ...]\n" if len(text) > lines else ""
        return head + "\n".join(cut)

    def sanitizer_report(self):
        text = self.log_text()
        for marker in SANITIZER_MARKERS:
            i = text.find(marker)
            if i >= 0:
                return text[max(0, i - 200):i + 4000]
        return None

    # -- raw API

    def api(self, method, path, body=None, **kw):
        """A request as kubectl's user makes it (with the kubeconfig's token)."""
        kw.setdefault("token", self.token)
        kw.setdefault("tls", self.tls)
        return http_request(self.port, method, path, body=body, **kw)

    def connect(self, timeout=15.0):
        """A raw connection (for streaming reads); add auth_headers() to requests."""
        return connect(self.port, self.tls, timeout)

    def auth_headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get_json(self, path):
        r = self.api("GET", path)
        assert r.status == 200, f"GET {path}: {r!r}"
        return r.json


# Every Server created in this run, so failure reports can show their logs.
_SERVERS = []


def _make_server(base_dir):
    srv = Server(pathlib.Path(tempfile.mkdtemp(prefix="everynode-", dir=str(base_dir))) / "data")
    _SERVERS.append(srv)
    return srv


def _finish_server(srv, expect_clean_exit=True):
    """Stop srv and fail if it did not exit cleanly or a sanitizer complained."""
    rc = srv.stop()
    problems = []
    report = srv.sanitizer_report()
    if report:
        problems.append(f"sanitizer report in server stderr:\n{report}")
    if expect_clean_exit and srv.term_timed_out:
        problems.append(f"server ignored SIGTERM for {STOP_TIMEOUT:.0f}s and had to be killed;"
                        f" stderr tail:\n{srv.log_tail(lines=60)}")
    elif expect_clean_exit and not srv.killed and rc not in (0, None):
        problems.append(f"server exited with {rc} after SIGTERM (expected 0); stderr tail:\n"
                        f"{srv.log_tail(lines=60)}")
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


# ---- kubectl ------------------------------------------------------------------


class Result:
    """What one kubectl run returned."""

    def __init__(self, args, rc, out, err):
        self.args = args
        self.rc = rc
        self.out = out
        self.err = err

    def lines(self):
        return self.out.splitlines()

    def __repr__(self):
        return (f"<kubectl {' '.join(self.args)} rc={self.rc}\n--- stdout:\n{self.out[-3000:]}"
                f"\n--- stderr:\n{self.err[-3000:]}>")


class Kubectl:
    """Runs a kubectl binary against one server with a private HOME.

    HOME is a fresh temp dir, so ~/.kube/cache (discovery, and the dispatcher's
    cached /version) never leaks between runs or between binaries.
    """

    def __init__(self, server, binary=KUBECTL, home=None):
        self.server = server
        self.binary = str(binary)
        self.home = pathlib.Path(home or tempfile.mkdtemp(prefix="kubectl-home-"))
        self.home.mkdir(parents=True, exist_ok=True)

    def env(self):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("KUBE", "ASAN_", "UBSAN_", "LSAN_"))}
        env["HOME"] = str(self.home)
        env["KUBECONFIG"] = str(self.server.kubeconfig)
        env["LANG"] = "C.UTF-8"
        env.pop("CLOUDSDK_CONFIG", None)
        return env

    def __call__(self, *args, input=None, timeout=60.0):
        argv = [self.binary, *[str(a) for a in args]]
        try:
            p = subprocess.run(argv, input=input, capture_output=True, text=True,
                               timeout=timeout, env=self.env(), cwd=str(self.home))
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
            pytest.fail(f"kubectl {' '.join(argv[1:])} did not finish in {timeout:.0f}s\n"
                        f"stdout:\n{out}\nstderr:\n{err}")
        return Result(argv[1:], p.returncode, p.stdout, p.stderr)

    def ok(self, *args, **kw):
        """Run and assert rc 0; returns the Result."""
        r = self(*args, **kw)
        assert r.rc == 0, r
        return r

    def json(self, *args, **kw):
        """Run with -o json and return the parsed output."""
        r = self.ok(*args, "-o", "json", **kw)
        return json.loads(r.out)

    def popen(self, *args):
        """Start kubectl in the background (e.g. `get pods -w`); see BgProc."""
        return BgProc([self.binary, *[str(a) for a in args]], self.env(), str(self.home))


class BgProc:
    """A background process whose stdout/stderr lines are collected by threads."""

    def __init__(self, argv, env, cwd):
        self.argv = argv
        self.out = []
        self.err = []
        self._cond = threading.Condition()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, cwd=cwd, text=True,
                                     bufsize=1)
        self._threads = [threading.Thread(target=self._pump, args=(self.proc.stdout, self.out),
                                          daemon=True),
                         threading.Thread(target=self._pump, args=(self.proc.stderr, self.err),
                                          daemon=True)]
        for t in self._threads:
            t.start()

    def _pump(self, stream, sink):
        for line in stream:
            with self._cond:
                sink.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def wait_for(self, pred, timeout=15.0, what="output"):
        """Wait until pred(out_lines, err_lines) is truthy; fail after timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                got = pred(list(self.out), list(self.err))
                if got:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what} from "
                                f"{' '.join(self.argv[1:])}\nrc={self.proc.poll()}\nstdout:\n"
                                + "\n".join(self.out) + "\nstderr:\n" + "\n".join(self.err))
                self._cond.wait(min(left, 0.2))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        for t in self._threads:
            t.join(timeout=5)
        return self.proc.returncode


def kubectl_versions():
    """The versioned kubectl binaries these machines may carry, 1.27 ... 1.33."""
    return [SDK_BIN / f"kubectl.1.{minor}" for minor in range(27, 34)]


# ---- output parsing -----------------------------------------------------------


def header_columns(header):
    """Column names of a kubectl table header ("NODE SELECTOR" stays one name)."""
    return re.split(r"\s{2,}", header.strip())


def parse_table(text):
    """Parse kubectl's aligned table output into a list of {COLUMN: cell} dicts.

    Columns are located by where each header name starts (kubectl aligns every
    cell of a column at the same offset), so blank cells and cells holding
    spaces parse correctly.
    """
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return []
    header = lines[0]
    cols = [(m.start(), m.group(0)) for m in re.finditer(r"\S+(?: \S+)*", header)]
    rows = []
    for ln in lines[1:]:
        row = {}
        for i, (start, name) in enumerate(cols):
            end = cols[i + 1][0] if i + 1 < len(cols) else None
            row[name] = ln[start:end].strip() if end is not None else ln[start:].strip()
        rows.append(row)
    return rows


def status_of(resp):
    """Assert resp is a metav1.Status failure body; return it."""
    body = resp.json
    assert isinstance(body, dict), f"not a JSON object: {resp!r}"
    assert body.get("kind") == "Status", f"kind is not Status: {resp!r}"
    assert body.get("apiVersion") == "v1", f"Status apiVersion: {resp!r}"
    assert body.get("status") == "Failure", f"status is not Failure: {resp!r}"
    assert body.get("code") == resp.status, f"code {body.get('code')} != HTTP {resp.status}"
    assert body.get("reason"), f"no reason: {resp!r}"
    assert body.get("message"), f"no message: {resp!r}"
    return body


# ---- fixtures -----------------------------------------------------------------


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    srv = _make_server(tmp_path_factory.mktemp("server"))
    # The issue-2 suites drive the API with hand-made Node objects that no
    # agent heartbeats; a long grace period keeps node lifecycle from
    # tainting them mid-run.  Lifecycle itself is tested with `everynode sim`.
    srv.start(extra_args=("--node-monitor-grace-period", "3600"))
    yield srv
    _finish_server(srv)


@pytest.fixture(scope="session")
def kubectl(server, tmp_path_factory):
    return Kubectl(server, home=tmp_path_factory.mktemp("kubectl-home"))


@pytest.fixture
def new_server(tmp_path_factory):
    """Factory for private servers (start them yourself); all stopped at teardown."""
    made = []

    def make():
        srv = _make_server(tmp_path_factory.mktemp("private"))
        made.append(srv)
        return srv

    yield make
    errors = []
    for srv in made:
        try:
            _finish_server(srv, expect_clean_exit=not srv.killed)  # a killed one has no exit to judge
        except pytest.fail.Exception as e:  # report every server, not only the first
            errors.append(str(e))
    if errors:
        pytest.fail("\n\n".join(errors), pytrace=False)


def create_namespace(server, name):
    r = server.api("POST", "/api/v1/namespaces",
                   {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    assert r.status == 201, f"creating namespace {name}: {r!r}"
    return name


def delete_namespace(server, name):
    try:
        server.api("DELETE", f"/api/v1/namespaces/{name}")
    except OSError:
        pass


@pytest.fixture
def ns(server):
    """A fresh namespace on the session server, deleted (best effort) afterwards."""
    name = create_namespace(server, uniq("e2e"))
    yield name
    delete_namespace(server, name)


@pytest.fixture
def examples():
    return EXAMPLES


def node_manifest(name, labels=None, taints=None, ready=True):
    """A Node object like examples/node.yaml, as a dict (kubectl accepts JSON files)."""
    lab = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
    lab.update(labels or {})
    node = {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": lab},
        "spec": {},
        "status": {
            "addresses": [{"type": "InternalIP", "address": "127.0.0.1"},
                          {"type": "Hostname", "address": name}],
            "capacity": {"cpu": "2", "memory": "4Gi", "pods": "110"},
            "allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"},
            "conditions": [{"type": "Ready", "status": "True" if ready else "False",
                            "reason": "KubeletReady", "message": "e2e test node",
                            "lastHeartbeatTime": "2025-01-01T00:00:00Z",
                            "lastTransitionTime": "2025-01-01T00:00:00Z"}],
            "nodeInfo": {"architecture": "amd64", "bootID": "", "machineID": "",
                         "systemUUID": "", "kernelVersion": "6.1.0",
                         "osImage": "Debian GNU/Linux 12 (bookworm)",
                         "containerRuntimeVersion": "runc://1.1.5",
                         "kubeletVersion": "v1.32.0", "kubeProxyVersion": "",
                         "operatingSystem": "linux"},
        },
    }
    if taints:
        node["spec"]["taints"] = taints
    return node


@pytest.fixture
def make_node(server):
    """Create Nodes through the raw API; they are deleted at teardown."""
    made = []

    def make(name=None, **kw):
        name = name or uniq("node")
        r = server.api("POST", "/api/v1/nodes", node_manifest(name, **kw))
        assert r.status == 201, f"creating node {name}: {r!r}"
        made.append(name)
        return name

    yield make
    for name in made:
        try:
            server.api("DELETE", f"/api/v1/nodes/{name}")
        except OSError:
            pass


def write_file(dir_path, name, content):
    """Write content (str, or a dict dumped as JSON) to dir_path/name; return the path."""
    p = pathlib.Path(dir_path) / name
    p.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
    return p


def qs(**params):
    return urllib.parse.urlencode(params)


# ---- reporting ------------------------------------------------------------------


def pytest_runtest_setup(item):
    item._everynode_log_offsets = {id(s): s.log_size() for s in _SERVERS}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if not rep.failed:
        return
    offsets = getattr(item, "_everynode_log_offsets", {})
    for i, srv in enumerate(list(_SERVERS)):
        start = offsets.get(id(srv), 0)
        if srv.log_size() <= start:
            continue
        rep.sections.append((f"everynode server #{i} stderr (port {srv.port}, {rep.when})",
                             srv.log_tail(start=start, lines=150)))


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than a few seconds")
