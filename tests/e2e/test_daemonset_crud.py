"""DaemonSet create/read/update/delete with the seed tutorials' own commands.

Every DaemonSet manifest from the seeds is in examples/; each is applied as a
user would, re-applied unchanged and changed, printed as table, wide table,
YAML, JSON and describe output, and deleted by name and by file.  Outputs are
compared with what kubectl prints against a real cluster.
"""

import json
import re

import pytest

from conftest import AGE_RE, EXAMPLES, TIMESTAMP_RE, UID_RE, header_columns, parse_table, \
    wait_until, write_file

DS_HEADER = "NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE"
DS_COLUMNS = ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR",
              "AGE"]
WIDE_COLUMNS = DS_COLUMNS + ["CONTAINERS", "IMAGES", "SELECTOR"]

# file, DaemonSet name, namespace fixed by the manifest (None: use the test's), selector,
# container name, image
MANIFESTS = [
    ("nginx-ds.yaml", "nginx", None, "app=nginx", "nginx", "everynode.local/httpd:1.35"),
    ("fluentd-logger.yaml", "fluentd-logger", "kube-system", "name=fluentd", "fluentd",
     "everynode.local/busybox:1.35"),
    ("node-logger.yaml", "node-logger", None, "app=node-logger", "logger",
     "everynode.local/busybox:1.35"),
    ("example-daemonset.yaml", "example-daemonset", None, "app=example", "example-container",
     "everynode.local/busybox:1.35"),
]


def _ns_args(fixed_ns, ns):
    return ["-n", fixed_ns or ns]


@pytest.fixture
def applied(kubectl, ns, request):
    """Apply one example manifest; delete it afterwards."""
    made = []

    def apply(fname, name, fixed_ns=None):
        path = EXAMPLES / fname
        r = kubectl("apply", "-f", path, *([] if fixed_ns else ["-n", ns]))
        assert r.rc == 0, r
        assert r.out.strip() == f"daemonset.apps/{name} created", r
        made.append((name, fixed_ns or ns))
        return path

    yield apply
    for name, namespace in made:
        kubectl("delete", "ds", name, "-n", namespace, "--ignore-not-found", "--wait=false")


@pytest.mark.parametrize("fname,name,fixed_ns,selector,container,image", MANIFESTS,
                         ids=[m[0] for m in MANIFESTS])
def test_apply_each_seed_manifest(kubectl, ns, applied, fname, name, fixed_ns, selector,
                                  container, image):
    path = applied(fname, name, fixed_ns)
    nsargs = _ns_args(fixed_ns, ns)

    # Unchanged re-apply sends no PATCH at all and says so.
    r = kubectl.ok("apply", "-f", path, *([] if fixed_ns else ["-n", ns]))
    assert r.out.strip() == f"daemonset.apps/{name} unchanged", r

    ds = kubectl.json("get", "ds", name, *nsargs)
    assert ds["kind"] == "DaemonSet" and ds["apiVersion"] == "apps/v1", ds
    assert ds["metadata"]["name"] == name
    assert ds["metadata"]["namespace"] == (fixed_ns or ns)
    assert ds["metadata"]["generation"] == 1, ds["metadata"]
    c = ds["spec"]["template"]["spec"]["containers"][0]
    assert c["name"] == container and c["image"] == image, c
    last = json.loads(ds["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"])
    assert last["metadata"]["name"] == name

    # The row a user sees with `kubectl get daemonset NAME`.
    r = kubectl.ok("get", "daemonset", name, *nsargs)
    assert header_columns(r.lines()[0]) == DS_COLUMNS, r
    row = parse_table(r.out)[0]
    assert row["NAME"] == name
    assert row["NODE SELECTOR"] == "<none>", row
    assert re.fullmatch(AGE_RE, row["AGE"]), row
    for col in ("DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE"):
        assert re.fullmatch(r"\d+", row[col]), row

    r = kubectl.ok("describe", "daemonset", name, *nsargs)
    assert re.search(rf"^Name:\s+{re.escape(name)}$", r.out, re.M), r
    assert re.search(rf"^Selector:\s+{re.escape(selector)}$", r.out, re.M), r
    assert re.search(rf"^\s+Image:\s+{re.escape(image)}$", r.out, re.M), r


def test_get_daemonsets_table_exact_header(kubectl, ns, applied):
    applied("nginx-ds.yaml", "nginx")
    r = kubectl.ok("get", "daemonsets", "-n", ns)
    lines = r.lines()
    assert lines[0] == DS_HEADER, r
    assert len(lines) == 2, r
    cells = lines[1].split()
    assert cells[0] == "nginx", r
    assert all(re.fullmatch(r"\d+", c) for c in cells[1:6]), r
    assert cells[6] == "<none>", r
    assert re.fullmatch(AGE_RE, cells[7]), r
    # Columns line up under their headers, as kubectl's tabwriter does for a real cluster.
    assert lines[1].index("<none>") == lines[0].index("NODE SELECTOR"), r


def test_get_ds_all_namespaces(kubectl, ns, applied):
    applied("nginx-ds.yaml", "nginx")
    r = kubectl.ok("get", "ds", "-A")
    assert header_columns(r.lines()[0]) == ["NAMESPACE"] + DS_COLUMNS, r
    rows = [row for row in parse_table(r.out) if row["NAMESPACE"] == ns]
    assert len(rows) == 1 and rows[0]["NAME"] == "nginx", r
    assert rows[0]["NODE SELECTOR"] == "<none>"


def test_get_ds_wide(kubectl, ns, applied):
    applied("nginx-ds.yaml", "nginx")
    r = kubectl.ok("get", "ds", "-o", "wide", "-n", ns)
    assert header_columns(r.lines()[0]) == WIDE_COLUMNS, r
    row = parse_table(r.out)[0]
    assert row["NAME"] == "nginx"
    assert row["CONTAINERS"] == "nginx", row
    assert row["IMAGES"] == "everynode.local/httpd:1.35", row
    assert row["SELECTOR"] == "app=nginx", row


def test_get_ds_show_labels_and_label_selector(kubectl, ns, applied):
    applied("node-logger.yaml", "node-logger")
    applied("nginx-ds.yaml", "nginx")
    r = kubectl.ok("get", "ds", "--show-labels", "-n", ns)
    rows = {row["NAME"]: row for row in parse_table(r.out)}
    assert rows["node-logger"]["LABELS"] == "app=node-logger", r
    assert rows["nginx"]["LABELS"] == "<none>", r
    r = kubectl.ok("get", "ds", "-l", "app=node-logger", "-n", ns, "-o", "name")
    assert r.out.split() == ["daemonset.apps/node-logger"], r


def test_get_ds_name_output(kubectl, ns, applied):
    applied("nginx-ds.yaml", "nginx")
    applied("example-daemonset.yaml", "example-daemonset")
    r = kubectl.ok("get", "ds", "-n", ns, "-o", "name")
    assert sorted(r.out.split()) == ["daemonset.apps/example-daemonset", "daemonset.apps/nginx"], r


def test_get_ds_yaml_has_defaults_and_metadata(kubectl, ns, applied):
    applied("nginx-ds.yaml", "nginx")
    r = kubectl.ok("get", "ds", "nginx", "-n", ns, "-o", "yaml")
    y = r.out
    expect = [
        r"^apiVersion: apps/v1$",
        r"^kind: DaemonSet$",
        rf"^  uid: {UID_RE}$",
        r"^  resourceVersion: \"\d+\"$",
        rf"^  creationTimestamp: \"{TIMESTAMP_RE}\"$",
        r"^  generation: 1$",
        rf"^  namespace: {ns}$",
        r"^  revisionHistoryLimit: 10$",
        r"^    type: RollingUpdate$",
        r"^      maxUnavailable: 1$",
        r"^      maxSurge: 0$",
        r"^      restartPolicy: Always$",
        r"^      dnsPolicy: ClusterFirst$",
        r"^      terminationGracePeriodSeconds: 30$",
        r"^      schedulerName: default-scheduler$",
        r"^        imagePullPolicy: IfNotPresent$",  # a fixed tag
        r"^          protocol: TCP$",
        r"^        terminationMessagePath: /dev/termination-log$",
        r"^        terminationMessagePolicy: File$",
    ]
    for pat in expect:
        assert re.search(pat, y, re.M), f"{pat!r} not in:\n{y}"


def test_get_ds_json_defaults(kubectl, ns, applied):
    applied("nginx-ds.yaml", "nginx")
    ds = kubectl.json("get", "ds", "nginx", "-n", ns)
    spec = ds["spec"]
    assert spec["updateStrategy"] == {"type": "RollingUpdate",
                                      "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}, spec
    assert spec["revisionHistoryLimit"] == 10
    assert spec["selector"] == {"matchLabels": {"app": "nginx"}}
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Always"
    assert pod["dnsPolicy"] == "ClusterFirst"
    assert pod["terminationGracePeriodSeconds"] == 30
    assert pod["schedulerName"] == "default-scheduler"
    assert pod["securityContext"] == {}
    c = pod["containers"][0]
    assert c["imagePullPolicy"] == "IfNotPresent"  # a fixed tag
    assert c["ports"] == [{"containerPort": 80, "protocol": "TCP"}], c
    assert c["resources"] == {}
    md = ds["metadata"]
    assert re.fullmatch(UID_RE, md["uid"]), md
    assert re.fullmatch(r"\d+", md["resourceVersion"]), md
    assert re.fullmatch(TIMESTAMP_RE, md["creationTimestamp"]), md
    assert md["generation"] == 1
    assert md["annotations"].get("deprecated.daemonset.template.generation") == "1", md
    assert "status" in ds


def test_image_pull_policy_default_depends_on_tag(kubectl, ns, tmp_path):
    # :latest or no tag -> Always; a fixed tag -> IfNotPresent (upstream defaulting).
    base = (EXAMPLES / "nginx-ds.yaml").read_text()
    f = write_file(tmp_path, "pinned.yaml", base.replace("name: nginx\nspec", "name: pinned\nspec")
                   .replace("everynode.local/httpd:1.35", "nginx:1.27"))
    kubectl.ok("apply", "-f", f, "-n", ns)
    c = kubectl.json("get", "ds", "pinned", "-n", ns)["spec"]["template"]["spec"]["containers"][0]
    assert c["imagePullPolicy"] == "IfNotPresent", c


def test_node_logger_downward_api_and_resources(kubectl, ns, applied):
    applied("node-logger.yaml", "node-logger")
    ds = kubectl.json("get", "ds", "node-logger", "-n", ns)
    pod = ds["spec"]["template"]["spec"]
    c = pod["containers"][0]
    assert c["env"] == [{"name": "NODE_NAME", "valueFrom": {
        "fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}], c["env"]
    assert c["resources"] == {"requests": {"cpu": "50m", "memory": "64Mi"},
                              "limits": {"cpu": "100m", "memory": "128Mi"}}, c["resources"]
    assert "$(NODE_NAME)" in " ".join(c["command"])
    assert pod["tolerations"] == [{"key": "node-role.kubernetes.io/control-plane",
                                   "operator": "Exists", "effect": "NoSchedule"}]
    r = kubectl.ok("describe", "daemonset", "node-logger", "-n", ns)
    assert re.search(r"^\s+NODE_NAME:\s+\(v1:spec\.nodeName\)$", r.out, re.M), r
    assert re.search(r"^\s+Limits:\n\s+cpu:\s+100m\n\s+memory:\s+128Mi$", r.out, re.M), r
    assert re.search(r"^\s+Requests:\n\s+cpu:\s+50m\n\s+memory:\s+64Mi$", r.out, re.M), r


def test_describe_daemonset(kubectl, ns, applied):
    applied("nginx-ds.yaml", "nginx")
    r = kubectl.ok("describe", "daemonset", "nginx", "-n", ns)
    out = r.out
    for pat in (r"^Name:\s+nginx$",
                r"^Selector:\s+app=nginx$",
                r"^Node-Selector:\s+<none>$",
                r"^Labels:\s+<none>$",
                r"^Annotations:\s+deprecated\.daemonset\.template\.generation: 1$",
                r"^Desired Number of Nodes Scheduled: \d+$",
                r"^Current Number of Nodes Scheduled: \d+$",
                r"^Number of Nodes Scheduled with Up-to-date Pods: \d+$",
                r"^Number of Nodes Scheduled with Available Pods: \d+$",
                r"^Number of Nodes Misscheduled: \d+$",
                r"^Pods Status:\s+\d+ Running / \d+ Waiting / \d+ Succeeded / \d+ Failed$",
                r"^Pod Template:$",
                r"^  Labels:\s+app=nginx$",
                r"^  Containers:$",
                r"^   nginx:$",
                r"^    Image:\s+everynode\.local/httpd:1\.35$",
                r"^    Port:\s+80/TCP$",
                r"^    Host Port:\s+0/TCP$",
                r"^Events:"):
        assert re.search(pat, out, re.M), f"{pat!r} not in:\n{out}"


def test_reapply_changed_image_configures_and_bumps_generation(kubectl, ns, applied, tmp_path):
    path = applied("nginx-ds.yaml", "nginx")
    before = kubectl.json("get", "ds", "nginx", "-n", ns)
    changed = write_file(tmp_path, "nginx-ds.yaml",
                         path.read_text().replace("image: everynode.local/httpd:1.35",
                                                  "image: nginx:1.27"))
    r = kubectl.ok("apply", "-f", changed, "-n", ns)
    assert r.out.strip() == "daemonset.apps/nginx configured", r
    after = kubectl.json("get", "ds", "nginx", "-n", ns)
    assert after["metadata"]["generation"] == 2, after["metadata"]
    assert after["metadata"]["uid"] == before["metadata"]["uid"]
    assert int(after["metadata"]["resourceVersion"]) > int(before["metadata"]["resourceVersion"])
    assert after["metadata"]["creationTimestamp"] == before["metadata"]["creationTimestamp"]
    assert after["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "2"
    c = after["spec"]["template"]["spec"]["containers"][0]
    assert c["image"] == "nginx:1.27"
    # kept: defaults are applied once, on create (IfNotPresent for the fixed tag
    # of the first image)
    assert c["imagePullPolicy"] == "IfNotPresent"
    assert c["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    # Same file again: nothing to patch.
    r = kubectl.ok("apply", "-f", changed, "-n", ns)
    assert r.out.strip() == "daemonset.apps/nginx unchanged", r
    assert kubectl.json("get", "ds", "nginx", "-n", ns)["metadata"]["generation"] == 2


def test_label_change_outside_spec_keeps_generation(kubectl, ns, applied):
    applied("nginx-ds.yaml", "nginx")
    r = kubectl.ok("label", "ds", "nginx", "tier=web", "-n", ns)
    assert r.out.strip() == "daemonset.apps/nginx labeled", r
    r = kubectl.ok("annotate", "ds", "nginx", "note=hello", "-n", ns)
    assert r.out.strip() == "daemonset.apps/nginx annotated", r
    ds = kubectl.json("get", "ds", "nginx", "-n", ns)
    assert ds["metadata"]["labels"] == {"tier": "web"}
    assert ds["metadata"]["annotations"]["note"] == "hello"
    assert ds["metadata"]["generation"] == 1, ds["metadata"]


def test_apply_adds_sidecar_first_and_removes_ports(kubectl, ns, applied, tmp_path):
    # Strategic merge: containers merge by name and $setElementOrder decides the order.
    path = applied("nginx-ds.yaml", "nginx")
    text = path.read_text()
    new = text.replace(
        "      containers:\n      - name: nginx\n        image: everynode.local/httpd:1.35\n"
        "        ports:\n        - containerPort: 80\n",
        "      containers:\n      - name: sidecar\n        image: busybox:1.36\n"
        "        command: [\"sleep\", \"3600\"]\n"
        "      - name: nginx\n        image: everynode.local/httpd:1.35\n")
    assert new != text
    f = write_file(tmp_path, "nginx-ds.yaml", new)
    r = kubectl.ok("apply", "-f", f, "-n", ns)
    assert r.out.strip() == "daemonset.apps/nginx configured", r
    ds = kubectl.json("get", "ds", "nginx", "-n", ns)
    cs = ds["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in cs] == ["sidecar", "nginx"], cs
    assert "ports" not in cs[1], cs[1]
    assert ds["metadata"]["generation"] == 2


def test_set_image_and_rollout_history_visible_generation(kubectl, ns, applied):
    applied("nginx-ds.yaml", "nginx")
    r = kubectl.ok("set", "image", "ds/nginx", "nginx=nginx:1.26", "-n", ns)
    assert r.out.strip() == "daemonset.apps/nginx image updated", r
    ds = kubectl.json("get", "ds", "nginx", "-n", ns)
    assert ds["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26"
    assert ds["metadata"]["generation"] == 2


def test_delete_daemonset_by_name(kubectl, ns, applied):
    applied("nginx-ds.yaml", "nginx")
    r = kubectl.ok("delete", "daemonset", "nginx", "-n", ns, timeout=60)
    assert r.out.strip() == 'daemonset.apps "nginx" deleted', r
    r = kubectl("get", "ds", "nginx", "-n", ns)
    assert r.rc == 1
    assert r.err.strip() == 'Error from server (NotFound): daemonsets.apps "nginx" not found', r


def test_delete_by_file(kubectl, ns, applied):
    path = applied("example-daemonset.yaml", "example-daemonset")
    r = kubectl.ok("delete", "-f", path, "-n", ns, timeout=60)
    assert r.out.strip() == 'daemonset.apps "example-daemonset" deleted', r
    r = kubectl("get", "ds", "-n", ns)
    assert r.rc == 0 and r.err.strip() == f"No resources found in {ns} namespace.", r


def test_delete_fluentd_in_kube_system_by_file(kubectl, applied):
    path = applied("fluentd-logger.yaml", "fluentd-logger", "kube-system")
    r = kubectl.ok("get", "ds", "-n", "kube-system", "fluentd-logger")
    assert parse_table(r.out)[0]["NAME"] == "fluentd-logger"
    r = kubectl.ok("delete", "-f", path, timeout=60)
    assert r.out.strip() == 'daemonset.apps "fluentd-logger" deleted', r
    r = kubectl("get", "ds", "fluentd-logger", "-n", "kube-system")
    assert r.rc == 1 and "NotFound" in r.err, r


def test_get_missing_daemonset(kubectl, ns):
    r = kubectl("get", "ds", "nope", "-n", ns)
    assert r.rc == 1, r
    assert r.out == ""
    assert r.err.strip() == 'Error from server (NotFound): daemonsets.apps "nope" not found', r


def test_get_missing_daemonset_default_namespace(kubectl):
    r = kubectl("get", "ds", "nope")
    assert r.rc == 1, r
    assert r.err.strip() == 'Error from server (NotFound): daemonsets.apps "nope" not found', r


def test_describe_and_delete_missing(kubectl, ns):
    r = kubectl("describe", "daemonset", "nope", "-n", ns)
    assert r.rc == 1
    assert 'daemonsets.apps "nope" not found' in r.err, r
    r = kubectl("delete", "daemonset", "nope", "-n", ns)
    assert r.rc == 1
    assert r.err.strip() == 'Error from server (NotFound): daemonsets.apps "nope" not found', r


def test_empty_namespace_message(kubectl, ns):
    r = kubectl("get", "daemonsets", "-n", ns)
    assert r.rc == 0 and r.out == "", r
    assert r.err.strip() == f"No resources found in {ns} namespace.", r


def test_create_with_kubectl_create_and_replace(kubectl, ns, tmp_path):
    path = EXAMPLES / "example-daemonset.yaml"
    r = kubectl.ok("create", "-f", path, "-n", ns)
    assert r.out.strip() == "daemonset.apps/example-daemonset created", r
    ds = kubectl.json("get", "ds", "example-daemonset", "-n", ns)
    # replace with the live object (carries its resourceVersion) and a changed image.
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "example-image:v2"
    f = write_file(tmp_path, "replace.json", ds)
    r = kubectl.ok("replace", "-f", f)
    assert r.out.strip() == "daemonset.apps/example-daemonset replaced", r
    after = kubectl.json("get", "ds", "example-daemonset", "-n", ns)
    assert after["metadata"]["generation"] == 2
    assert after["spec"]["template"]["spec"]["containers"][0]["image"] == "example-image:v2"


def test_watch_daemonsets_sees_delete(kubectl, ns, applied):
    applied("nginx-ds.yaml", "nginx")
    w = kubectl.popen("get", "ds", "-n", ns, "-w", "--output-watch-events")
    try:
        w.wait_for(lambda out, err: any(re.match(r"^ADDED\s+nginx\s", ln) for ln in out),
                   what="ADDED nginx")
        kubectl.ok("delete", "ds", "nginx", "-n", ns, timeout=60)
        w.wait_for(lambda out, err: any(re.match(r"^DELETED\s+nginx\s", ln) for ln in out),
                   what="DELETED nginx")
    finally:
        w.stop()


def test_list_resource_version_advances(server, ns, kubectl, applied):
    path = f"/apis/apps/v1/namespaces/{ns}/daemonsets"
    rv1 = int(server.get_json(path)["metadata"]["resourceVersion"])
    applied("nginx-ds.yaml", "nginx")
    lst = server.get_json(path)
    assert lst["kind"] == "DaemonSetList" and lst["apiVersion"] == "apps/v1", lst
    rv2 = int(lst["metadata"]["resourceVersion"])
    assert rv2 > rv1
    assert [i["metadata"]["name"] for i in lst["items"]] == ["nginx"]
    assert int(lst["items"][0]["metadata"]["resourceVersion"]) <= rv2
    wait_until(lambda: server.api("GET", path + "/nginx").status == 200, what="nginx visible")
