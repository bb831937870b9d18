"""registry.py -- a real OCI registry on loopback for end-to-end tests.

Starts Debian's docker-registry (the CNCF distribution project, `docker-registry
serve CONFIG.yml`) with filesystem storage in a temp dir, listening on
127.0.0.1:<free port>, and pushes images to it through the distribution API
(POST uploads, PUT ?digest=, PUT manifests), as `docker push` would.  Images come
from docker-archive tarballs (`make images` writes them to build/images).

    from registry import Registry
    with Registry() as reg:                      # started; stopped and removed at exit
        pushed = reg.push_archive("build/images/busybox.tar", "library/busybox", "1.35")
        reg.host                                 # "127.0.0.1:41234"
        pushed.digest                            # manifest digest "sha256:..."

Also here:
  Registry.push_index(...)   a manifest list / OCI index over pushed manifests
  Registry.blob_file(digest) the blob's file in the registry's storage (to corrupt it)
  RegistryProxy              a front for a Registry that demands Bearer tokens from its
  (alias TokenAuthProxy)     own realm (optionally only for a user name and password),
                             as Docker Hub does, and can answer blob GETs with redirects
                             or stall them half-way
  registries_yaml(...)       a k3s-style registries.yaml text

Standard library only.  Every wait is bounded; every process started is stopped.
"""

import base64
import gzip
import hashlib
import http.client
import http.server
import json
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import tarfile
import tempfile
import threading
import time
import urllib.parse

REGISTRY_BIN = os.environ.get("DOCKER_REGISTRY", "/usr/bin/docker-registry")

MT_DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MT_DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MT_DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
MT_DOCKER_LAYER_GZ = "application/vnd.docker.image.rootfs.diff.tar.gzip"
MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MT_OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_OCI_LAYER_GZ = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Pushed:
    """What push_archive pushed: repository, tag, manifest digest/size/media type,
    config digest (the image id) and layer digests as stored in the registry."""

    def __init__(self, repo, tag, digest, size, media_type, config, layers, arch):
        self.repo, self.tag, self.digest, self.size = repo, tag, digest, size
        self.media_type, self.config, self.layers, self.arch = media_type, config, layers, arch

    def __repr__(self):
        return f"<Pushed {self.repo}:{self.tag} {self.digest}>"


def read_docker_archive(path):
    """[(repo_tags, config_bytes, [layer_bytes...])] from a docker-archive tarball."""
    out = []
    with tarfile.open(path) as tar:
        def member(name):
            m = tar.getmember(name)
            while m.issym() or m.islnk():
                target = m.linkname if m.islnk() else os.path.normpath(
                    os.path.join(os.path.dirname(m.name), m.linkname))
                m = tar.getmember(target)
            return tar.extractfile(m).read()

        for ent in json.loads(member("manifest.json")):
            out.append((ent.get("RepoTags") or [], member(ent["Config"]),
                        [member(l) for l in ent["Layers"]]))
    return out


class Registry:
    """docker-registry on 127.0.0.1 with storage in a temp dir."""

    def __init__(self, start_timeout=15.0):
        self.port = _free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.url = f"http://{self.host}"
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="en-registry-"))
        self.storage = self.dir / "storage"
        self.log_path = self.dir / "registry.log"
        self.proc = None
        self.start_timeout = start_timeout

    # ---- lifecycle ------------------------------------------------------

    def start(self):
        self.storage.mkdir()
        # The http secret only matters across replicas; a fixed one keeps the
        # registry from warning about it.
        (self.dir / "config.yml").write_text(
            "version: 0.1\n"
            "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
            f"storage:\n  filesystem:\n    rootdirectory: {self.storage}\n"
            "  delete:\n    enabled: true\n"
            f"http:\n  addr: {self.host}\n  secret: everynode-tests\n")
        log = open(self.log_path, "wb")
        try:
            self.proc = subprocess.Popen([REGISTRY_BIN, "serve", str(self.dir / "config.yml")],
                                         stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        finally:
            log.close()
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"docker-registry exited {self.proc.returncode}: "
                                   f"{self.log_text()}")
            try:
                st, _, _ = self.request("GET", "/v2/")
                if st == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"docker-registry did not answer within "
                                   f"{self.start_timeout:.0f}s: {self.log_text()}")
            time.sleep(0.05)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    # ---- raw API --------------------------------------------------------

    def request(self, method, path, body=None, headers=None, timeout=30.0):
        """(status, headers dict lower-case, body bytes); path may be absolute URL."""
        if path.startswith("http"):
            u = urllib.parse.urlsplit(path)
            path = u.path + (("?" + u.query) if u.query else "")
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            c.close()

    def push_blob(self, repo, data):
        """Upload a blob (monolithic POST + PUT ?digest=); returns its digest."""
        digest = sha256(data)
        st, _, _ = self.request("HEAD", f"/v2/{repo}/blobs/{digest}")
        if st == 200:
            return digest
        st, h, body = self.request("POST", f"/v2/{repo}/blobs/uploads/")
        if st != 202:
            raise RuntimeError(f"upload start for {repo}: {st} {body[:300]!r}")
        loc = h["location"]
        sep = "&" if "?" in loc else "?"
        st, _, body = self.request("PUT", f"{loc}{sep}digest={urllib.parse.quote(digest)}",
                                   body=data, headers={"Content-Type": "application/octet-stream",
                                                       "Content-Length": str(len(data))})
        if st != 201:
            raise RuntimeError(f"upload of {digest} to {repo}: {st} {body[:300]!r}")
        return digest

    def push_manifest(self, repo, ref, body, media_type):
        """PUT a manifest or index under a tag (or its digest); returns its digest."""
        st, h, resp = self.request("PUT", f"/v2/{repo}/manifests/{ref}", body=body,
                                   headers={"Content-Type": media_type})
        if st != 201:
            raise RuntimeError(f"manifest {repo}:{ref}: {st} {resp[:500]!r}")
        digest = sha256(body)
        if h.get("docker-content-digest", digest) != digest:
            raise RuntimeError(f"registry computed {h['docker-content-digest']}, not {digest}")
        return digest

    # ---- images ------------------------------------------------------------

    def push_image(self, repo, tag, config, layers, fmt="docker", compress=True):
        """Push one image (config bytes, uncompressed layer tarballs); returns Pushed.
        fmt "docker" (schema 2) or "oci"; compress gzips the layers (mtime 0, so
        the digests are reproducible)."""
        descs = []
        for layer in layers:
            blob = gzip.compress(layer, mtime=0) if compress else layer
            if fmt == "oci":
                mt = MT_OCI_LAYER_GZ if compress else MT_OCI_LAYER
            else:
                mt = MT_DOCKER_LAYER_GZ if compress else "application/vnd.docker.image.rootfs.diff.tar"
            descs.append({"mediaType": mt, "digest": self.push_blob(repo, blob), "size": len(blob)})
        cfg_digest = self.push_blob(repo, config)
        mt = MT_OCI_MANIFEST if fmt == "oci" else MT_DOCKER_MANIFEST
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": mt,
            "config": {"mediaType": MT_OCI_CONFIG if fmt == "oci" else MT_DOCKER_CONFIG,
                       "digest": cfg_digest, "size": len(config)},
            "layers": descs,
        }, indent=3).encode()
        digest = self.push_manifest(repo, tag, manifest, mt)
        arch = json.loads(config).get("architecture", "amd64")
        return Pushed(repo, tag, digest, len(manifest), mt, cfg_digest,
                      [d["digest"] for d in descs], arch)

    def push_archive(self, path, repo, tag, index=0, fmt="docker", compress=True):
        """Push image number `index` of a docker-archive as repo:tag."""
        _, config, layers = read_docker_archive(path)[index]
        return self.push_image(repo, tag, config, layers, fmt=fmt, compress=compress)

    def push_index(self, repo, tag, entries, fmt="docker"):
        """A manifest list (fmt "docker") or OCI index over [(Pushed, arch)]; the
        entries keep their order.  Returns the index digest."""
        mt = MT_OCI_INDEX if fmt == "oci" else MT_DOCKER_LIST
        doc = {"schemaVersion": 2, "mediaType": mt, "manifests": [
            {"mediaType": p.media_type, "digest": p.digest, "size": p.size,
             "platform": {"architecture": arch, "os": "linux"}} for p, arch in entries]}
        return self.push_manifest(repo, tag, json.dumps(doc, indent=2).encode(), mt)

    def blob_file(self, digest):
        """The file holding a blob in the registry's filesystem storage."""
        hexd = digest.split(":", 1)[1]
        return (self.storage / "docker" / "registry" / "v2" / "blobs" / "sha256" / hexd[:2] /
                hexd / "data")


class RegistryProxy:
    """An HTTP front for a Registry, to make it behave like harder registries.

    token (default True): requests under /v2/ without `Authorization: Bearer
    <token>` get 401 with `WWW-Authenticate: Bearer realm="<proxy>/token",
    service="everynode-test",scope="repository:<name>:pull"`, as Docker Hub does.
    GET /token hands out the token -- to anyone, or, when username is set, only
    with matching basic credentials.
    redirect_blobs: blob GETs are answered with a 307 to the registry itself
    (the client must follow it).
    stall_blobs: blobs larger than 4 KiB (layers, not configs) are sent half-way,
    then the connection hangs until stop() -- for killing a client mid-download.

    `requests` records (method, path, authorised?) of every /v2/ request;
    `token_requests` counts tokens handed out."""

    def __init__(self, upstream, username=None, password=None, token=True,
                 redirect_blobs=False, stall_blobs=False):
        self.upstream = upstream
        self.username, self.password = username, password
        self.require_token = token
        self.redirect_blobs = redirect_blobs
        self.stall_blobs = stall_blobs
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.url = f"http://{self.host}"
        self.requests = []
        self.token_requests = 0
        self._release = threading.Event()
        self._server = None
        self._thread = None

    def _handler(self):
        proxy = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _send(self, status, headers, body=b""):
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _token(self):
                if proxy.username is not None:
                    want = "Basic " + base64.b64encode(
                        f"{proxy.username}:{proxy.password}".encode()).decode()
                    if self.headers.get("Authorization") != want:
                        return self._send(401, {"Content-Type": "application/json"},
                                          b'{"details":"bad credentials"}')
                proxy.token_requests += 1
                body = json.dumps({"token": proxy.token, "expires_in": 300}).encode()
                self._send(200, {"Content-Type": "application/json"}, body)

            def _stall(self, body):
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:len(body) // 2])
                self.wfile.flush()
                proxy._release.wait(timeout=120)
                self.close_connection = True

            def do_GET(self):
                path = self.path
                if path.startswith("/token"):
                    return self._token()
                ok = (not proxy.require_token or
                      self.headers.get("Authorization") == f"Bearer {proxy.token}")
                proxy.requests.append((self.command, path, ok))
                if not ok:
                    parts = path.split("/")
                    name = "/".join(parts[2:-2]) if len(parts) > 4 else ""
                    chal = (f'Bearer realm="{proxy.url}/token",service="everynode-test",'
                            f'scope="repository:{name}:pull"')
                    return self._send(401, {"WWW-Authenticate": chal,
                                            "Content-Type": "application/json"},
                                      b'{"errors":[{"code":"UNAUTHORIZED","message":'
                                      b'"authentication required"}]}')
                if proxy.redirect_blobs and "/blobs/" in path:
                    return self._send(307, {"Location": proxy.upstream.url + path})
                st, h, body = proxy.upstream.request(self.command, path, headers={
                    k: v for k, v in self.headers.items() if k.lower() == "accept"})
                if proxy.stall_blobs and "/blobs/" in path and st == 200 and len(body) > 4096:
                    return self._stall(body)
                keep = {k: v for k, v in h.items()
                        if k in ("content-type", "docker-content-digest", "location")}
                self._send(st, keep, body)

            do_HEAD = do_GET

        return H

    def start(self):
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._release.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# The name the tests read best with when tokens are the point.
TokenAuthProxy = RegistryProxy


def registries_yaml(mirrors=None, configs=None):
    """k3s registries.yaml text.  mirrors: {"docker.io": ["http://127.0.0.1:5000"]};
    configs: {"host:port": {"username": u, "password": p, "insecure": True,
    "ca_file": path}}."""
    lines = []
    if mirrors:
        lines.append("mirrors:")
        for reg, eps in mirrors.items():
            lines.append(f'  "{reg}":')
            lines.append("    endpoint:")
            lines.extend(f'      - "{e}"' for e in eps)
    if configs:
        lines.append("configs:")
        for host, c in configs.items():
            lines.append(f'  "{host}":')
            if c.get("username") is not None:
                lines.append("    auth:")
                lines.append(f'      username: "{c["username"]}"')
                lines.append(f'      password: "{c.get("password", "")}"')
            if c.get("insecure") or c.get("ca_file"):
                lines.append("    tls:")
                if c.get("insecure"):
                    lines.append("      insecure_skip_verify: true")
                if c.get("ca_file"):
                    lines.append(f'      ca_file: "{c["ca_file"]}"')
    return "\n".join(lines) + "\n"
