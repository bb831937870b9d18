"""Version, health and discovery as stock kubectl sees them.

`/usr/bin/kubectl` is the gcloud dispatcher: it picks the kubectl it execs
from the server's /version, so a wrong version answer changes every other
test.  Discovery must carry the short names the seed commands use (ds, po,
no, ns, ev), and OpenAPI v3 must be rich enough for `kubectl explain`.
"""

import re

from conftest import parse_table


def test_kubectl_version_reports_server_v1_32(kubectl):
    r = kubectl.ok("version")
    assert re.search(r"^Server Version: v1\.32\.\d+(\S*)$", r.out, re.M), r
    assert re.search(r"^Client Version: v1\.32\.", r.out, re.M), r
    # No skew warning: the dispatcher must have chosen the 1.32 client.
    assert "WARNING" not in r.err, r


def test_raw_version_document(server):
    v = server.get_json("/version")
    assert v["major"] == "1"
    assert re.match(r"^32\+?$", v["minor"]), v
    assert re.match(r"^v1\.32\.\d+", v["gitVersion"]), v
    for key in ("gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler", "platform"):
        assert key in v, f"/version lacks {key}: {v}"


def test_version_json_output(kubectl):
    import json
    v = json.loads(kubectl.ok("version", "-o", "json").out)
    assert v["serverVersion"]["major"] == "1"
    assert v["serverVersion"]["gitVersion"].startswith("v1.32.")


def test_readyz_via_kubectl(kubectl):
    r = kubectl.ok("get", "--raw", "/readyz")
    assert r.out.strip() == "ok", r


def test_healthz_and_livez_via_kubectl(kubectl):
    for path in ("/healthz", "/livez"):
        r = kubectl.ok("get", "--raw", path)
        assert r.out.strip() == "ok", r


def test_health_endpoints_raw(server):
    for path in ("/readyz", "/healthz", "/livez"):
        r = server.api("GET", path, accept="*/*")
        assert r.status == 200, (path, r)
        assert r.text.strip() == "ok", (path, r)


API_RESOURCES = {
    # name: (shortnames, apiversion, namespaced, kind)
    "daemonsets": ("ds", "apps/v1", "true", "DaemonSet"),
    "controllerrevisions": ("", "apps/v1", "true", "ControllerRevision"),
    "pods": ("po", "v1", "true", "Pod"),
    "nodes": ("no", "v1", "false", "Node"),
    "namespaces": ("ns", "v1", "false", "Namespace"),
    "events": ("ev", "v1", "true", "Event"),
    "leases": ("", "coordination.k8s.io/v1", "true", "Lease"),
}


def test_api_resources_lists_served_kinds(kubectl):
    r = kubectl.ok("api-resources")
    assert r.lines()[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"], r
    rows = parse_table(r.out)
    by_key = {(row["NAME"], row["APIVERSION"]): row for row in rows}
    for name, (short, apiver, namespaced, kind) in API_RESOURCES.items():
        row = by_key.get((name, apiver))
        assert row is not None, f"{name} ({apiver}) missing from api-resources:\n{r.out}"
        assert row["SHORTNAMES"] == short, row
        assert row["NAMESPACED"] == namespaced, row
        assert row["KIND"] == kind, row
    # Each resource appears once: duplicate discovery entries confuse kubectl's RESTMapper.
    names = [(row["NAME"], row["APIVERSION"]) for row in rows]
    assert len(names) == len(set(names)), r.out


def test_api_resources_exact_daemonset_line(kubectl):
    r = kubectl.ok("api-resources", "--api-group=apps")
    lines = [re.sub(r"\s+", " ", ln.strip()) for ln in r.lines()]
    assert "daemonsets ds apps/v1 true DaemonSet" in lines, r
    assert "controllerrevisions apps/v1 true ControllerRevision" in lines, r


def test_api_resources_namespaced_filter(kubectl):
    r = kubectl.ok("api-resources", "--namespaced=false", "-o", "name")
    names = set(r.lines())
    assert {"nodes", "namespaces"} <= names, r
    assert "pods" not in names and "daemonsets.apps" not in names, r


def test_api_versions(kubectl):
    r = kubectl.ok("api-versions")
    versions = set(r.lines())
    assert {"v1", "apps/v1", "coordination.k8s.io/v1"} <= versions, r


def test_short_names_resolve(kubectl, ns):
    # Every seed short name must resolve through discovery; an empty namespace answers
    # with kubectl's own "No resources found" message on stderr and rc 0.
    for short in ("ds", "po", "ev"):
        r = kubectl("get", short, "-n", ns)
        assert r.rc == 0, r
        assert r.err.strip() == f"No resources found in {ns} namespace.", r
    for short in ("no", "ns"):
        r = kubectl.ok("get", short)
        assert r.out.startswith("NAME") or r.err.strip() == "No resources found", r


def test_unknown_resource_type(kubectl):
    r = kubectl("get", "frobnicators")
    assert r.rc == 1, r
    assert 'the server doesn\'t have a resource type "frobnicators"' in r.err, r


def test_explain_daemonset_spec(kubectl):
    r = kubectl.ok("explain", "daemonset.spec")
    assert re.search(r"^KIND:\s+DaemonSet$", r.out, re.M), r
    assert re.search(r"^VERSION:\s+v1$", r.out, re.M), r
    assert re.search(r"^FIELD:\s+spec <DaemonSetSpec>$", r.out, re.M), r
    for field, typ in (("selector", "LabelSelector"), ("template", "PodTemplateSpec"),
                       ("updateStrategy", "DaemonSetUpdateStrategy"),
                       ("revisionHistoryLimit", "integer"), ("minReadySeconds", "integer")):
        assert re.search(rf"^\s+{field}\s+<{typ}>", r.out, re.M), (field, r)


def test_explain_nested_field(kubectl):
    r = kubectl.ok("explain", "ds.spec.updateStrategy.rollingUpdate")
    assert re.search(r"^\s+maxUnavailable\s+<IntOrString>", r.out, re.M), r
    assert re.search(r"^\s+maxSurge\s+<IntOrString>", r.out, re.M), r


def test_openapi_v3_root_lists_group_versions(server):
    doc = server.get_json("/openapi/v3")
    paths = doc.get("paths", {})
    for gv in ("api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1"):
        assert gv in paths, f"{gv} missing from /openapi/v3: {sorted(paths)}"
        url = paths[gv]["serverRelativeURL"]
        sub = server.get_json(url)
        assert sub.get("openapi", "").startswith("3."), (gv, str(sub)[:300])


def test_legacy_discovery_documents(server):
    api = server.get_json("/api")
    assert api["kind"] == "APIVersions" and "v1" in api["versions"], api
    apis = server.get_json("/apis")
    groups = {g["name"] for g in apis.get("groups", [])}
    assert {"apps", "coordination.k8s.io"} <= groups, apis
    apps = server.get_json("/apis/apps/v1")
    assert apps["groupVersion"] == "apps/v1", apps
    ds = [res for res in apps["resources"] if res["name"] == "daemonsets"]
    assert ds and ds[0]["shortNames"] == ["ds"] and ds[0]["namespaced"] is True, apps
    assert any(res["name"] == "daemonsets/status" for res in apps["resources"]), apps
    core = server.get_json("/api/v1")
    names = {res["name"] for res in core["resources"]}
    assert {"pods", "pods/status", "pods/log", "pods/eviction", "nodes", "nodes/status",
            "namespaces", "events"} <= names, sorted(names)


def test_kubeconfig_credentials_reach_the_server(kubectl, server):
    # clientcmd only loads a user's credentials for TLS servers: a token in a kubeconfig
    # whose server is http:// is never sent, and the server must then not demand one.
    r = kubectl("get", "namespaces", "default", "-o", "name")
    hint = ""
    if r.rc != 0 and server.token and not server.tls:
        hint = ("\nkubeconfig.yaml has a token but an http:// server: kubectl never sends "
                "credentials over plain HTTP, so the server must either serve TLS or not "
                "require the token on this listener")
    assert r.rc == 0 and r.out.strip() == "namespace/default", f"{r!r}{hint}"
