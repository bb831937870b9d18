"""Container images: `everynode image pull | import | list` against a real registry.

Debian's docker-registry runs on 127.0.0.1 (tests/e2e/registry.py) holding the
images scripts/build-images.py makes from busybox-static; the tests pull them
through a docker.io mirror, by tag and by digest, from a manifest list (Docker
and OCI flavours), through a front that demands Bearer tokens from its own
realm and redirects blob downloads, and check that a corrupted blob, an
unknown image and bad input are refused with clear messages.  Archives are
imported too (docker-archive and oci-archive).  Each test uses its own store
(a temp --data-dir); the registry is shared by the module.
"""

import hashlib
import http.client
import io
import json
import os
import pathlib
import subprocess
import sys
import tarfile
import time

import pytest

from conftest import EVERYNODE_BIN, REPO, SANITIZER_MARKERS
from registry import (Registry, RegistryProxy, TokenAuthProxy, read_docker_archive,
                      registries_yaml, sha256)

CMD_TIMEOUT = 60
BUILD_SCRIPT = REPO / "scripts" / "build-images.py"


def load_build_script():
    """scripts/build-images.py as a module (for WHITEOUT_EXPECT and its helpers)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("build_images", BUILD_SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def host_arch():
    return load_build_script().oci_arch()


def other_arch():
    return "riscv64" if host_arch() == "s390x" else "s390x"


def everynode_image(data_dir, *args, registries=None, timeout=CMD_TIMEOUT):
    cmd = [EVERYNODE_BIN, "image", *map(str, args), "--data-dir", str(data_dir)]
    if registries:
        cmd += ["--registries", str(registries)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    for marker in SANITIZER_MARKERS:
        assert marker not in r.stderr, f"sanitizer report from {cmd}:\n{r.stderr}"
    return r


def ok(r):
    assert r.returncode == 0, f"exit {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"
    return r


def listing(data_dir):
    """{reference: (short id, digest)} from `everynode image list`."""
    r = ok(everynode_image(data_dir, "list"))
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["REFERENCE", "IMAGE", "ID", "DIGEST"]
    out = {}
    for line in lines[1:]:
        ref, short, digest = line.split()
        out[ref] = (short, digest)
    return out


def store_refs(data_dir):
    p = pathlib.Path(data_dir) / "images" / "refs.json"
    return json.loads(p.read_text())["refs"] if p.exists() else {}


def rootfs_of(data_dir, image_id):
    return pathlib.Path(data_dir) / "images" / "rootfs" / "sha256" / image_id.split(":", 1)[1]


def tmp_entries(data_dir):
    return sorted(os.listdir(pathlib.Path(data_dir) / "images" / "tmp"))


def file_sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    """The repo's test images, built fresh: {"busybox": path, ...}."""
    out = tmp_path_factory.mktemp("images")
    subprocess.run([sys.executable, str(BUILD_SCRIPT), str(out)], check=True, timeout=120,
                   capture_output=True)
    return {n: out / f"{n}.tar" for n in ("busybox", "busybox-oci", "httpd", "whiteout")}


@pytest.fixture(scope="module")
def registry(images):
    with Registry() as reg:
        reg.busybox = reg.push_archive(images["busybox"], "library/busybox", "1.35")
        reg.whiteout = reg.push_archive(images["whiteout"], "library/whiteout", "1")
        yield reg


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "agent"


@pytest.fixture
def mirror_yaml(tmp_path, registry):
    """registries.yaml sending docker.io to the test registry."""
    p = tmp_path / "registries.yaml"
    p.write_text(registries_yaml(mirrors={"docker.io": [registry.url]}))
    return p


def busybox_config_id(images):
    _, config, _ = read_docker_archive(images["busybox"])[0]
    return sha256(config)


# ---- pulling ----------------------------------------------------------------------


def test_pull_through_docker_io_mirror(images, registry, data_dir, mirror_yaml):
    want_id = busybox_config_id(images)
    r = ok(everynode_image(data_dir, "pull", "busybox:1.35", registries=mirror_yaml))
    assert r.stdout.split() == ["docker.io/library/busybox:1.35", want_id]
    assert registry.busybox.config == want_id

    rootfs = rootfs_of(data_dir, want_id)
    assert file_sha(rootfs / "bin" / "busybox") == file_sha("/bin/busybox")
    assert os.readlink(rootfs / "bin" / "sh") == "busybox"
    assert "nobody:x:65534" in (rootfs / "etc" / "passwd").read_text()
    assert (rootfs / "tmp").stat().st_mode & 0o7777 == 0o1777
    if os.geteuid() == 0:
        run = subprocess.run(["chroot", str(rootfs), "/bin/sh", "-c", "echo ran in $(pwd)"],
                             capture_output=True, text=True, timeout=30)
        assert run.stdout.strip() == "ran in /", run.stderr

    # Recorded with the manifest digest, listed, and nothing left in tmp/.
    ent = store_refs(data_dir)["docker.io/library/busybox:1.35"]
    assert ent["id"] == want_id
    assert ent["digest"] == f"docker.io/library/busybox@{registry.busybox.digest}"
    assert listing(data_dir) == {
        "docker.io/library/busybox:1.35": (want_id[7:19], registry.busybox.digest)}
    assert tmp_entries(data_dir) == []
    # Every blob is kept under its own digest.
    blobs = pathlib.Path(data_dir) / "images" / "blobs" / "sha256"
    for d in [registry.busybox.digest, registry.busybox.config, *registry.busybox.layers]:
        assert file_sha(blobs / d[7:]) == d[7:]


def test_pull_by_digest(images, registry, data_dir, mirror_yaml):
    want_id = busybox_config_id(images)
    d = registry.busybox.digest
    r = ok(everynode_image(data_dir, "pull", f"busybox@{d}", registries=mirror_yaml))
    assert r.stdout.split() == [f"docker.io/library/busybox@{d}", want_id]
    # tag@digest: the digest decides.
    r = ok(everynode_image(data_dir, "pull", f"docker.io/library/busybox:whatever@{d}",
                           registries=mirror_yaml))
    assert r.stdout.split()[1] == want_id
    # A digest the registry does not have.
    bad = "sha256:" + "0" * 64
    r = everynode_image(data_dir, "pull", f"busybox@{bad}", registries=mirror_yaml)
    assert r.returncode == 1
    assert f"docker.io/library/busybox@{bad}: not found" in r.stderr


def test_direct_loopback_registry(images, registry, data_dir):
    """host:port references go straight to that registry (plain HTTP on loopback)."""
    r = ok(everynode_image(data_dir, "pull", f"{registry.host}/library/whiteout:1"))
    ref, image_id = r.stdout.split()
    assert ref == f"{registry.host}/library/whiteout:1"
    expect = load_build_script().WHITEOUT_EXPECT
    root = rootfs_of(data_dir, image_id)
    for p in expect["present"]:
        assert os.path.lexists(root / p), p
    for p in expect["absent"]:
        assert not os.path.lexists(root / p), p


@pytest.mark.parametrize("fmt", ["docker", "oci"])
def test_manifest_list_picks_host_platform(images, registry, data_dir, mirror_yaml, fmt):
    _, wcfg, wlayers = read_docker_archive(images["whiteout"])[0]
    _, bcfg, blayers = read_docker_archive(images["busybox"])[0]
    decoy = registry.push_image("library/multi", f"decoy-{fmt}", wcfg, wlayers, fmt=fmt)
    mine = registry.push_image("library/multi", f"mine-{fmt}", bcfg, blayers, fmt=fmt)
    # The decoy comes first, claiming another architecture.
    index = registry.push_index("library/multi", fmt, [(decoy, other_arch()),
                                                       (mine, host_arch())], fmt=fmt)
    r = ok(everynode_image(data_dir, "pull", f"multi:{fmt}", registries=mirror_yaml))
    assert r.stdout.split() == [f"docker.io/library/multi:{fmt}", mine.config]
    # The recorded digest is the list's, as `docker images --digests` shows it.
    assert store_refs(data_dir)[f"docker.io/library/multi:{fmt}"]["digest"].endswith(index)
    assert not (rootfs_of(data_dir, decoy.config)).exists()

    # A list without this host's platform is refused, naming it.
    registry.push_index("library/multi", f"none-{fmt}", [(decoy, other_arch())], fmt=fmt)
    r = everynode_image(data_dir, "pull", f"multi:none-{fmt}", registries=mirror_yaml)
    assert r.returncode == 1
    assert f"no matching manifest for linux/{host_arch()}" in r.stderr


def test_bearer_token_auth_and_redirects(images, registry, data_dir, tmp_path):
    want_id = busybox_config_id(images)
    with TokenAuthProxy(registry, username="puller", password="pa ss:word",
                        redirect_blobs=True) as proxy:
        ref = f"{proxy.host}/library/busybox:1.35"
        # No credentials: the realm refuses a token, and the message says so.
        r = everynode_image(data_dir, "pull", ref)
        assert r.returncode == 1
        assert f'failed to pull and unpack image "{ref}": failed to authorize' in r.stderr
        assert proxy.token_requests == 0

        # Credentials from registries.yaml (configs keyed by host:port).
        reg_yaml = tmp_path / "auth.yaml"
        reg_yaml.write_text(registries_yaml(configs={proxy.host: {
            "username": "puller", "password": "pa ss:word"}}))
        r = ok(everynode_image(data_dir, "pull", ref, registries=reg_yaml))
        assert r.stdout.split() == [ref, want_id]
        assert proxy.token_requests >= 1
        # The first request was challenged; later ones carried the token, and
        # blobs were fetched from where the 307 pointed.
        assert proxy.requests[0][2] is False
        blob_reqs = [p for m, p, authed in proxy.requests if "/blobs/" in p]
        assert blob_reqs and all(authed for m, p, authed in proxy.requests if "/blobs/" in p)
        assert file_sha(rootfs_of(data_dir, want_id) / "bin" / "busybox") == \
            file_sha("/bin/busybox")

    # Anonymous tokens (as Docker Hub hands out for public images) need no config.
    with TokenAuthProxy(registry) as anon:
        d2 = tmp_path / "anon"
        r = ok(everynode_image(d2, "pull", f"{anon.host}/library/whiteout:1"))
        assert r.stdout.split()[1] == registry.whiteout.config
        assert anon.token_requests >= 1


def unique_image():
    """A one-layer image no other test shares blobs with."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        data = os.urandom(64 * 1024)
        ti = tarfile.TarInfo("random.bin")
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    layer = buf.getvalue()
    config = json.dumps({"architecture": host_arch(), "os": "linux", "config": {"Cmd": ["sh"]},
                         "rootfs": {"type": "layers", "diff_ids": [sha256(layer)]}}).encode()
    return config, layer


def test_corrupted_blob_refused(registry, data_dir, mirror_yaml):
    config, layer = unique_image()
    pushed = registry.push_image("library/corrupt", "1", config, [layer])
    blob = registry.blob_file(pushed.layers[0])
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, different content
    blob.write_bytes(bytes(data))

    r = everynode_image(data_dir, "pull", "corrupt:1", registries=mirror_yaml)
    assert r.returncode == 1
    assert 'failed to pull and unpack image "docker.io/library/corrupt:1"' in r.stderr
    assert f"digest mismatch for {pushed.layers[0]}" in r.stderr
    # Nothing of it became visible: no reference, no blob under that digest,
    # no root filesystem, no temp files.
    assert store_refs(data_dir) == {}
    assert listing(data_dir) == {}
    assert not (pathlib.Path(data_dir) / "images" / "blobs" / "sha256" /
                pushed.layers[0][7:]).exists()
    assert not rootfs_of(data_dir, pushed.config).exists()
    assert tmp_entries(data_dir) == []


def test_unknown_image(registry, data_dir, mirror_yaml):
    ref = f"{registry.host}/nosuch/image:1"
    start = time.monotonic()
    r = everynode_image(data_dir, "pull", ref)
    assert r.returncode == 1
    assert r.stderr.strip().endswith(
        f'failed to pull and unpack image "{ref}": failed to resolve reference "{ref}": '
        f'{ref}: not found')
    # Through the docker.io mirror: the mirror's "not found" is what is reported,
    # not the (unreachable, offline) Docker Hub.
    r = everynode_image(data_dir, "pull", "nosuch:1", registries=mirror_yaml)
    assert r.returncode == 1
    assert "docker.io/library/nosuch:1: not found" in r.stderr
    # A registry that is not there at all.
    r = everynode_image(data_dir, "pull", "127.0.0.1:1/x:1")
    assert r.returncode == 1
    assert "Failed to connect to 127.0.0.1 port 1" in r.stderr
    assert time.monotonic() - start < 30
    assert listing(data_dir) == {}


def test_concurrent_cli_pulls_share_the_store(images, registry, data_dir, mirror_yaml):
    cmd = [EVERYNODE_BIN, "image", "pull", "busybox:1.35", "--data-dir", str(data_dir),
           "--registries", str(mirror_yaml)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    outs = [p.communicate(timeout=CMD_TIMEOUT) for p in procs]
    want_id = busybox_config_id(images)
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert out.split()[1] == want_id
    assert os.listdir(pathlib.Path(data_dir) / "images" / "rootfs" / "sha256") == [want_id[7:]]
    assert tmp_entries(data_dir) == []


def test_killed_pull_leaves_nothing_half_done(images, registry, data_dir):
    """kill -9 in the middle of a layer download: no reference, no blob, no root
    filesystem appear, and the next use of the store sweeps the temp file."""
    config, layer = unique_image()
    pushed = registry.push_image("library/stall", "1", config, [layer])
    with RegistryProxy(registry, token=False, stall_blobs=True) as proxy:
        proc = subprocess.Popen([EVERYNODE_BIN, "image", "pull", f"{proxy.host}/library/stall:1",
                                 "--data-dir", str(data_dir)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            tmp = pathlib.Path(data_dir) / "images" / "tmp"
            while not (tmp.exists() and any(n.endswith(".blob") for n in os.listdir(tmp))):
                assert proc.poll() is None, "pull ended before its download stalled"
                assert time.monotonic() < deadline, "the layer download never started"
                time.sleep(0.05)
            time.sleep(0.2)  # some bytes of it are on disk by now
        finally:
            proc.kill()
            proc.wait(timeout=10)
    assert any(n.startswith(f"{proc.pid}.") for n in tmp_entries(data_dir))
    assert store_refs(data_dir) == {}
    assert not (pathlib.Path(data_dir) / "images" / "blobs" / "sha256" /
                pushed.layers[0][7:]).exists()
    assert not rootfs_of(data_dir, pushed.config).exists()
    # Opening the store again (any command) removes the dead process's temp file;
    # the pull then completes.
    assert listing(data_dir) == {}
    assert tmp_entries(data_dir) == []
    r = ok(everynode_image(data_dir, "pull", f"{registry.host}/library/stall:1"))
    assert r.stdout.split()[1] == pushed.config


# ---- importing --------------------------------------------------------------------


def test_import_and_list(images, data_dir):
    r = ok(everynode_image(data_dir, "import", images["busybox"], images["httpd"],
                           images["whiteout"], images["busybox-oci"]))
    imported = {line.split()[1]: line.split()[2] for line in r.stdout.splitlines()}
    assert set(imported) == {"everynode.local/busybox:1.35", "everynode.local/httpd:1.35",
                             "everynode.local/whiteout:1", "everynode.local/busybox:1.35-oci"}
    # The docker-archive and the OCI layout of busybox are the same image.
    assert imported["everynode.local/busybox:1.35"] == busybox_config_id(images)
    assert imported["everynode.local/busybox:1.35-oci"] == busybox_config_id(images)

    lst = listing(data_dir)
    assert sorted(lst) == sorted(imported)
    assert lst["everynode.local/busybox:1.35"][1] == "<none>"  # docker-archives carry no digest
    assert lst["everynode.local/busybox:1.35-oci"][1].startswith("sha256:")

    httpd = rootfs_of(data_dir, imported["everynode.local/httpd:1.35"])
    assert "everynode httpd" in (httpd / "www" / "index.html").read_text()
    assert os.readlink(httpd / "bin" / "httpd") == "busybox"
    cfg_id = imported["everynode.local/httpd:1.35"]
    config = json.loads((pathlib.Path(data_dir) / "images" / "blobs" / "sha256" /
                         cfg_id[7:]).read_text())
    assert config["config"]["Cmd"] == ["httpd", "-f", "-v", "-p", "80", "-h", "/www"]
    assert "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" in \
        config["config"]["Env"]

    if os.geteuid() == 0:
        # The image's own command serves its page (on a loopback port, not 80).
        from conftest import free_port
        port = free_port()
        args = ["chroot", str(httpd)] + config["config"]["Cmd"]
        args[args.index("80")] = f"127.0.0.1:{port}"
        srv = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    c.request("GET", "/")
                    resp = c.getresponse()
                    body = resp.read().decode()
                    c.close()
                    break
                except OSError:
                    assert srv.poll() is None, srv.stderr.read()
                    assert time.monotonic() < deadline, "httpd did not answer"
                    time.sleep(0.05)
            assert resp.status == 200 and "Hello from everynode httpd" in body
        finally:
            srv.kill()
            srv.wait(timeout=10)
            srv.stderr.close()

    wo = rootfs_of(data_dir, imported["everynode.local/whiteout:1"])
    expect = load_build_script().WHITEOUT_EXPECT
    for p in expect["present"]:
        assert os.path.lexists(wo / p), p
    for p in expect["absent"]:
        assert not os.path.lexists(wo / p), p
    assert sorted(os.listdir(wo / "opaque")) == ["new.txt"]
    assert os.stat(wo / "hl" / "orig.txt").st_ino == os.stat(wo / "hl" / "link.txt").st_ino
    owned = os.stat(wo / "data" / "owned.sh")
    assert owned.st_mode & 0o7777 == 0o750
    if os.geteuid() == 0:
        assert (owned.st_uid, owned.st_gid) == (1000, 1000)

    # Importing again changes nothing.
    ok(everynode_image(data_dir, "import", images["busybox"]))
    assert listing(data_dir) == lst
    assert tmp_entries(data_dir) == []


def test_images_are_reproducible(images, tmp_path):
    subprocess.run([sys.executable, str(BUILD_SCRIPT), str(tmp_path)], check=True, timeout=120,
                   capture_output=True)
    for name, path in images.items():
        assert file_sha(path) == file_sha(tmp_path / f"{name}.tar"), name


# ---- bad input ----------------------------------------------------------------------


def test_bad_input(data_dir, tmp_path):
    r = everynode_image(data_dir, "frobnicate")
    assert r.returncode == 2 and "unknown command 'frobnicate'" in r.stderr
    r = everynode_image(data_dir, "pull")
    assert r.returncode == 2 and "wrong number of arguments" in r.stderr
    r = everynode_image(data_dir, "list", "--bogus")
    assert r.returncode == 2 and "unknown option '--bogus'" in r.stderr
    r = everynode_image(data_dir, "pull", "Bad/Name")
    assert r.returncode == 1 and "repository name must be lowercase" in r.stderr
    r = everynode_image(data_dir, "import", tmp_path / "missing.tar")
    assert r.returncode == 1 and "missing.tar" in r.stderr
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tarball " * 100)
    r = everynode_image(data_dir, "import", junk)
    assert r.returncode == 1 and "junk.tar" in r.stderr
    bad_yaml = tmp_path / "registries.yaml"
    bad_yaml.write_text("mirrors:\n  docker.io:\n    endpoint: \"http://x\"\n")
    r = everynode_image(data_dir, "list", registries=bad_yaml)
    assert r.returncode == 1
    assert f"{bad_yaml}: mirrors.docker.io.endpoint must be a list" in r.stderr
    # DIR/registries.yaml is read when --registries is not given.
    (pathlib.Path(data_dir)).mkdir(parents=True, exist_ok=True)
    (pathlib.Path(data_dir) / "registries.yaml").write_text("mirrors: [1]\n")
    r = everynode_image(data_dir, "list")
    assert r.returncode == 1 and "registries.yaml: mirrors must be a mapping" in r.stderr
