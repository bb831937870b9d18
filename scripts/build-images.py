#!/usr/bin/env python3
"""build-images.py -- the small container images everynode's demos and tests use,
built from Debian's busybox-static without any network, byte-for-byte
reproducible (fixed mtimes, owners and entry order).

Usage: scripts/build-images.py OUTDIR [--busybox /bin/busybox]

Writes docker-archive tarballs (the `docker save` format, which
`everynode image import` and tests/e2e/registry.py read):

  OUTDIR/busybox.tar   everynode.local/busybox:1.35  -- /bin/busybox, a symlink per
                       applet, /etc/passwd and /etc/group (root, nobody), /tmp,
                       /var/log; Cmd ["sh"]
  OUTDIR/httpd.tar     everynode.local/httpd:1.35    -- busybox plus /www/index.html;
                       Cmd ["httpd","-f","-v","-p","80","-h","/www"]
  OUTDIR/whiteout.tar  everynode.local/whiteout:1    -- two layers: the second deletes
                       a file and a directory with whiteouts and makes a directory
                       opaque (what the unpacking tests check is listed in
                       WHITEOUT_EXPECT below)

and OUTDIR/busybox-oci.tar, the busybox image as an oci-archive (OCI image
layout in a tar, ref.name annotation), for tests of that import path.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import platform
import subprocess
import sys
import tarfile

MTIME = 1640995200  # 2022-01-01T00:00:00Z: every file, every time
CREATED = "2022-01-01T00:00:00Z"
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

PASSWD = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
GROUP = "root:x:0:\nnobody:x:65534:\n"
INDEX_HTML = ("<!DOCTYPE html>\n<html><head><title>everynode</title></head>\n"
              "<body><h1>Hello from everynode httpd</h1></body></html>\n")

# What the whiteout image's root filesystem must look like after unpacking.
WHITEOUT_EXPECT = {
    "present": ["data/keep.txt", "data/added.txt", "data/owned.sh", "opaque/new.txt", "hl/orig.txt",
                "hl/link.txt", "link-to-keep"],
    "absent": ["data/gone.txt", "gonedir", "opaque/old.txt", "opaque/olddir"],
}


def oci_arch():
    m = platform.machine()
    return {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386"}.get(m, m)


class Layer:
    """A layer tarball built in memory with deterministic metadata."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.tar = tarfile.open(fileobj=self.buf, mode="w", format=tarfile.GNU_FORMAT)

    def _info(self, name, kind, mode, uid=0, gid=0):
        ti = tarfile.TarInfo(name)
        ti.type = kind
        ti.mode = mode
        ti.uid, ti.gid = uid, gid
        ti.uname = ti.gname = ""
        ti.mtime = MTIME
        return ti

    def dir(self, name, mode=0o755, uid=0, gid=0):
        self.tar.addfile(self._info(name, tarfile.DIRTYPE, mode, uid, gid))

    def file(self, name, data, mode=0o644, uid=0, gid=0):
        if isinstance(data, str):
            data = data.encode()
        ti = self._info(name, tarfile.REGTYPE, mode, uid, gid)
        ti.size = len(data)
        self.tar.addfile(ti, io.BytesIO(data))

    def symlink(self, name, target):
        ti = self._info(name, tarfile.SYMTYPE, 0o777)
        ti.linkname = target
        self.tar.addfile(ti)

    def hardlink(self, name, target):
        ti = self._info(name, tarfile.LNKTYPE, 0o644)
        ti.linkname = target
        self.tar.addfile(ti)

    def bytes(self):
        self.tar.close()
        return self.buf.getvalue()


def busybox_layer(busybox):
    with open(busybox, "rb") as f:
        binary = f.read()
    applets = subprocess.run([busybox, "--list"], check=True, capture_output=True,
                             text=True, timeout=30).stdout.split()
    lay = Layer()
    for d in ["bin", "dev", "etc", "proc", "root", "sbin", "sys", "usr", "usr/bin", "usr/sbin",
              "var", "var/log"]:
        lay.dir(d, 0o700 if d == "root" else 0o755)
    lay.dir("tmp", 0o1777)
    lay.file("bin/busybox", binary, 0o755)
    for a in sorted(set(applets)):
        if a != "busybox" and "/" not in a:
            lay.symlink("bin/" + a, "busybox")
    lay.file("etc/group", GROUP)
    lay.file("etc/passwd", PASSWD)
    return lay.bytes()


def httpd_layer():
    lay = Layer()
    lay.dir("www")
    lay.file("www/index.html", INDEX_HTML)
    return lay.bytes()


def whiteout_layers():
    low = Layer()
    for d in ["data", "gonedir", "gonedir/sub", "hl", "opaque", "opaque/olddir"]:
        low.dir(d)
    low.file("data/keep.txt", "keep\n")
    low.file("data/gone.txt", "gone\n")
    low.file("data/owned.sh", "#!/bin/sh\necho owned\n", mode=0o750, uid=1000, gid=1000)
    low.file("gonedir/a.txt", "a\n")
    low.file("gonedir/sub/b.txt", "b\n")
    low.file("hl/orig.txt", "linked\n")
    low.hardlink("hl/link.txt", "hl/orig.txt")
    low.symlink("link-to-keep", "data/keep.txt")
    low.file("opaque/old.txt", "old\n")
    low.file("opaque/olddir/x.txt", "x\n")
    up = Layer()
    up.dir("data")
    up.file("data/.wh.gone.txt", "")
    up.file("data/added.txt", "added\n")
    up.file(".wh.gonedir", "")
    up.dir("opaque")
    up.file("opaque/.wh..wh..opq", "")
    up.file("opaque/new.txt", "new\n")
    return [low.bytes(), up.bytes()]


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def image_config(layers, cmd, comment):
    cfg = {
        "architecture": oci_arch(),
        "os": "linux",
        "created": CREATED,
        "config": {"Env": [PATH_ENV], "Cmd": cmd, "WorkingDir": "/"},
        "rootfs": {"type": "layers", "diff_ids": [sha256(l) for l in layers]},
        "history": [{"created": CREATED, "created_by": f"everynode build-images: {comment} "
                     f"layer {i + 1}"} for i in range(len(layers))],
    }
    return json.dumps(cfg, sort_keys=True, separators=(",", ":")).encode()


def add_bytes(tar, name, data):
    ti = tarfile.TarInfo(name)
    ti.size, ti.mtime, ti.mode = len(data), MTIME, 0o644
    ti.uname = ti.gname = ""
    tar.addfile(ti, io.BytesIO(data))


def add_dir(tar, name):
    ti = tarfile.TarInfo(name)
    ti.type, ti.mtime, ti.mode = tarfile.DIRTYPE, MTIME, 0o755
    ti.uname = ti.gname = ""
    tar.addfile(ti)


def write_docker_archive(path, ref, layers, config):
    """The classic `docker save` layout: <hex>.json, <hex>/layer.tar, manifest.json."""
    cfg_name = sha256(config)[7:] + ".json"
    names = []
    tmp = path + ".tmp"
    with tarfile.open(tmp, "w", format=tarfile.GNU_FORMAT) as tar:
        add_bytes(tar, cfg_name, config)
        for layer in layers:
            hexd = sha256(layer)[7:]
            add_dir(tar, hexd)
            add_bytes(tar, f"{hexd}/VERSION", b"1.0")
            add_bytes(tar, f"{hexd}/layer.tar", layer)
            names.append(f"{hexd}/layer.tar")
        manifest = [{"Config": cfg_name, "RepoTags": [ref], "Layers": names}]
        add_bytes(tar, "manifest.json", json.dumps(manifest, separators=(",", ":")).encode())
        repo, tag = ref.rsplit(":", 1)
        add_bytes(tar, "repositories",
                  json.dumps({repo: {tag: sha256(layers[-1])[7:]}}).encode())
    os.replace(tmp, path)


def write_oci_archive(path, ref, layers, config):
    """An OCI image layout: gzip layers, an image manifest, index.json naming it."""
    blobs = {}
    gz_layers = []
    for layer in layers:
        gz = gzip.compress(layer, mtime=0)
        blobs[sha256(gz)] = gz
        gz_layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                          "digest": sha256(gz), "size": len(gz)})
    blobs[sha256(config)] = config
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": sha256(config), "size": len(config)},
        "layers": gz_layers,
    }, separators=(",", ":")).encode()
    blobs[sha256(manifest)] = manifest
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "digest": sha256(manifest), "size": len(manifest),
                            "annotations": {"org.opencontainers.image.ref.name": ref}}]}
    tmp = path + ".tmp"
    with tarfile.open(tmp, "w", format=tarfile.GNU_FORMAT) as tar:
        add_bytes(tar, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add_bytes(tar, "index.json", json.dumps(index, separators=(",", ":")).encode())
        add_dir(tar, "blobs")
        add_dir(tar, "blobs/sha256")
        for d in sorted(blobs):
            add_bytes(tar, "blobs/sha256/" + d[7:], blobs[d])
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--busybox", default="/bin/busybox")
    args = ap.parse_args()
    if not os.access(args.busybox, os.X_OK):
        sys.exit(f"build-images: {args.busybox} not found (install Debian's busybox-static)")
    os.makedirs(args.outdir, exist_ok=True)

    base = busybox_layer(args.busybox)
    bb_cfg = image_config([base], ["sh"], "busybox")
    write_docker_archive(os.path.join(args.outdir, "busybox.tar"),
                         "everynode.local/busybox:1.35", [base], bb_cfg)
    write_oci_archive(os.path.join(args.outdir, "busybox-oci.tar"),
                      "everynode.local/busybox:1.35-oci", [base], bb_cfg)

    web = httpd_layer()
    write_docker_archive(os.path.join(args.outdir, "httpd.tar"), "everynode.local/httpd:1.35",
                         [base, web],
                         image_config([base, web], ["httpd", "-f", "-v", "-p", "80", "-h", "/www"],
                                      "httpd"))

    wo = whiteout_layers()
    write_docker_archive(os.path.join(args.outdir, "whiteout.tar"), "everynode.local/whiteout:1",
                         wo, image_config(wo, ["sh"], "whiteout"))
    for n in ["busybox.tar", "busybox-oci.tar", "httpd.tar", "whiteout.tar"]:
        print(os.path.join(args.outdir, n))


if __name__ == "__main__":
    main()
