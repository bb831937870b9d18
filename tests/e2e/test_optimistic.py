"""Object semantics: optimistic concurrency, subresources, cascading deletion.

A stale resourceVersion must lose with 409 Conflict; a duplicate create with
409 AlreadyExists; /status must ignore spec and the main resource must
ignore status; `delete --cascade=orphan` must keep dependents (minus their
owner reference) while the default Background deletion removes them, pods
and ControllerRevisions alike.
"""

import json
import time

import pytest

from conftest import EXAMPLES, status_of, uniq, wait_until, write_file


def ds_body(name, image="nginx:1.27", labels=None):
    labels = labels or {"app": name}
    return {"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name},
            "spec": {"selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "c", "image": image}]}}}}


def create_ds(server, ns, name, **kw):
    """Create a DaemonSet and return it once the controller has observed it.

    The DaemonSet controller writes status (observedGeneration) right after a
    create, which moves resourceVersion; tests about resourceVersion start
    from the object as it is after that write.
    """
    r = server.api("POST", f"/apis/apps/v1/namespaces/{ns}/daemonsets", ds_body(name, **kw))
    assert r.status == 201, r
    path = f"/apis/apps/v1/namespaces/{ns}/daemonsets/{name}"
    deadline = time.time() + 10
    while time.time() < deadline:
        cur = server.get_json(path)
        if cur.get("status", {}).get("observedGeneration") == cur["metadata"]["generation"]:
            return cur
        time.sleep(0.05)
    raise AssertionError(f"controller never observed {name}")


def test_replace_with_stale_resource_version_conflicts(kubectl, ns, tmp_path):
    kubectl.ok("apply", "-f", EXAMPLES / "nginx-ds.yaml", "-n", ns)
    stale = kubectl.json("get", "ds", "nginx", "-n", ns)
    kubectl.ok("set", "image", "ds/nginx", "nginx=nginx:1.26", "-n", ns)
    stale["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.25"
    f = write_file(tmp_path, "stale.json", stale)
    r = kubectl("replace", "-f", f)
    assert r.rc == 1, r
    assert r.err.strip() == (
        f'Error from server (Conflict): error when replacing "{f}": Operation cannot be fulfilled '
        'on daemonsets.apps "nginx": the object has been modified; please apply your changes to '
        'the latest version and try again'), r
    ds = kubectl.json("get", "ds", "nginx", "-n", ns)
    assert ds["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26"
    assert ds["metadata"]["generation"] == 2


def test_raw_put_stale_rv_status_body(server, ns):
    ds = create_ds(server, ns, "cas")
    path = f"/apis/apps/v1/namespaces/{ns}/daemonsets/cas"
    fresh = json.loads(json.dumps(ds))
    fresh["metadata"]["labels"] = {"round": "1"}
    r = server.api("PUT", path, fresh)
    assert r.status == 200, r
    assert int(r.json["metadata"]["resourceVersion"]) > int(ds["metadata"]["resourceVersion"])
    ds["metadata"]["labels"] = {"round": "stale"}
    r = server.api("PUT", path, ds)
    assert r.status == 409, r
    st = status_of(r)
    assert st["reason"] == "Conflict"
    assert st["details"]["name"] == "cas" and st["details"]["group"] == "apps"
    assert st["details"]["kind"] == "daemonsets"
    assert server.get_json(path)["metadata"]["labels"] == {"round": "1"}


def test_put_without_resource_version_is_unconditional_for_ds(server, ns):
    # DaemonSets allow unconditional updates (upstream AllowUnconditionalUpdate): a PUT
    # with no resourceVersion overwrites whatever is stored.
    ds = create_ds(server, ns, "uncond")
    old_rv = int(ds["metadata"]["resourceVersion"])
    del ds["metadata"]["resourceVersion"]
    ds["metadata"]["labels"] = {"forced": "yes"}
    r = server.api("PUT", f"/apis/apps/v1/namespaces/{ns}/daemonsets/uncond", ds)
    assert r.status == 200, r
    assert r.json["metadata"]["labels"] == {"forced": "yes"}
    assert int(r.json["metadata"]["resourceVersion"]) > old_rv


def test_create_existing_name(kubectl, ns):
    f = EXAMPLES / "example-daemonset.yaml"
    kubectl.ok("create", "-f", f, "-n", ns)
    r = kubectl("create", "-f", f, "-n", ns)
    assert r.rc == 1, r
    assert r.err.strip() == (f'Error from server (AlreadyExists): error when creating "{f}": '
                             'daemonsets.apps "example-daemonset" already exists'), r


def test_create_existing_name_raw(server, ns):
    create_ds(server, ns, "dup")
    r = server.api("POST", f"/apis/apps/v1/namespaces/{ns}/daemonsets", ds_body("dup", image="x:2"))
    assert r.status == 409, r
    st = status_of(r)
    assert st["reason"] == "AlreadyExists"
    assert st["message"] == 'daemonsets.apps "dup" already exists', st
    assert st["details"] == {"name": "dup", "group": "apps", "kind": "daemonsets"}, st
    got = server.get_json(f"/apis/apps/v1/namespaces/{ns}/daemonsets/dup")
    assert got["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"


def test_status_patch_ignores_spec(kubectl, ns):
    kubectl.ok("apply", "-f", EXAMPLES / "nginx-ds.yaml", "-n", ns)
    before = kubectl.json("get", "ds", "nginx", "-n", ns)
    patch = {"status": {"numberMisscheduled": 3, "currentNumberScheduled": 0,
                        "desiredNumberScheduled": 0, "numberReady": 0},
             "spec": {"revisionHistoryLimit": 3}}
    r = kubectl("patch", "ds", "nginx", "-n", ns, "--subresource=status", "--type=merge",
                "-p", json.dumps(patch), "-o", "json")
    assert r.rc == 0, r
    out = json.loads(r.out)
    assert out["status"]["numberMisscheduled"] == 3, out["status"]
    assert out["spec"]["revisionHistoryLimit"] == 10, out["spec"]
    assert out["metadata"]["generation"] == before["metadata"]["generation"]
    after = kubectl.json("get", "ds", "nginx", "-n", ns)
    assert after["spec"]["revisionHistoryLimit"] == 10


def test_main_resource_patch_ignores_status(kubectl, ns):
    kubectl.ok("apply", "-f", EXAMPLES / "nginx-ds.yaml", "-n", ns)
    patch = {"spec": {"revisionHistoryLimit": 4}, "status": {"numberMisscheduled": 7}}
    r = kubectl("patch", "ds", "nginx", "-n", ns, "--type=merge", "-p", json.dumps(patch),
                "-o", "json")
    assert r.rc == 0, r
    out = json.loads(r.out)
    assert out["spec"]["revisionHistoryLimit"] == 4
    assert out["status"].get("numberMisscheduled", 0) != 7, out["status"]
    assert out["metadata"]["generation"] == 2


def test_raw_status_put_ignores_spec_and_metadata_generation(server, ns):
    ds = create_ds(server, ns, "st")
    path = f"/apis/apps/v1/namespaces/{ns}/daemonsets/st"
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = "evil:1"
    ds["status"] = {"currentNumberScheduled": 0, "numberMisscheduled": 2,
                    "desiredNumberScheduled": 0, "numberReady": 0, "observedGeneration": 1}
    r = server.api("PUT", path + "/status", ds)
    assert r.status == 200, r
    assert r.json["status"]["numberMisscheduled"] == 2
    assert r.json["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert r.json["metadata"]["generation"] == 1
    got = server.get_json(path)
    assert got["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    # GET on /status returns the whole object.
    st = server.get_json(path + "/status")
    assert st["kind"] == "DaemonSet" and st["metadata"]["name"] == "st"


def test_raw_status_put_stale_conflicts(server, ns):
    ds = create_ds(server, ns, "stc")
    path = f"/apis/apps/v1/namespaces/{ns}/daemonsets/stc"
    r = server.api("PATCH", path, {"metadata": {"labels": {"a": "b"}}},
                   content_type="application/merge-patch+json")
    assert r.status == 200, r
    ds["status"] = {"currentNumberScheduled": 0, "numberMisscheduled": 1,
                    "desiredNumberScheduled": 0, "numberReady": 0}
    r = server.api("PUT", path + "/status", ds)
    assert r.status == 409, r
    assert status_of(r)["reason"] == "Conflict"


def test_patch_with_precondition_rv(server, ns):
    ds = create_ds(server, ns, "pre")
    path = f"/apis/apps/v1/namespaces/{ns}/daemonsets/pre"
    r = server.api("PATCH", path, {"metadata": {"resourceVersion": "1", "labels": {"x": "y"}}},
                   content_type="application/merge-patch+json")
    assert r.status == 409, r
    assert status_of(r)["reason"] == "Conflict"
    r = server.api("PATCH", path, {"metadata": {"resourceVersion": ds["metadata"]["resourceVersion"],
                                                "labels": {"x": "y"}}},
                   content_type="application/merge-patch+json")
    assert r.status == 200, r


def test_spec_change_bumps_generation_only_on_spec(server, ns):
    ds = create_ds(server, ns, "gen")
    path = f"/apis/apps/v1/namespaces/{ns}/daemonsets/gen"
    r = server.api("PATCH", path, {"metadata": {"annotations": {"a": "1"}}},
                   content_type="application/merge-patch+json")
    assert r.json["metadata"]["generation"] == 1, r
    r = server.api("PATCH", path, {"spec": {"minReadySeconds": 5}},
                   content_type="application/merge-patch+json")
    assert r.json["metadata"]["generation"] == 2, r
    # Not a template change: the template generation annotation stays.
    assert r.json["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "1"
    r = server.api("PATCH", path, [{"op": "replace", "path": "/spec/template/spec/containers/0/image",
                                    "value": "nginx:1.28"}],
                   content_type="application/json-patch+json")
    assert r.status == 200, r
    assert r.json["metadata"]["generation"] == 3
    # The template generation counts template changes only: 1 -> 2 (not 3).
    assert r.json["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "2"
    assert ds["metadata"]["uid"] == r.json["metadata"]["uid"]


# ---- cascading deletion -------------------------------------------------------


def make_dependents(server, ns, ds):
    """A pod and a ControllerRevision controlled by ds, made through the raw API."""
    owner = {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": ds["metadata"]["name"],
             "uid": ds["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}
    labels = ds["spec"]["selector"]["matchLabels"]
    pod_name = ds["metadata"]["name"] + "-dep"
    # No nodeName: a DaemonSet controller ignores unscheduled pods, so nothing but
    # the deletion under test touches this one.
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": pod_name, "labels": labels, "ownerReferences": [owner]},
           "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}
    r = server.api("POST", f"/api/v1/namespaces/{ns}/pods", pod)
    assert r.status == 201, r
    cr_name = ds["metadata"]["name"] + "-e2e0001"
    cr = {"apiVersion": "apps/v1", "kind": "ControllerRevision",
          "metadata": {"name": cr_name, "labels": labels, "ownerReferences": [owner]},
          "data": {"spec": {"template": ds["spec"]["template"]}}, "revision": 1}
    r = server.api("POST", f"/apis/apps/v1/namespaces/{ns}/controllerrevisions", cr)
    assert r.status == 201, r
    return f"/api/v1/namespaces/{ns}/pods/{pod_name}", \
        f"/apis/apps/v1/namespaces/{ns}/controllerrevisions/{cr_name}"


def test_delete_orphan_keeps_dependents(kubectl, server, ns):
    ds = create_ds(server, ns, "orph")
    pod_path, cr_path = make_dependents(server, ns, ds)
    r = kubectl.ok("delete", "ds", "orph", "-n", ns, "--cascade=orphan", timeout=60)
    assert r.out.strip() == 'daemonset.apps "orph" deleted', r
    assert server.api("GET", f"/apis/apps/v1/namespaces/{ns}/daemonsets/orph").status == 404
    for path in (pod_path, cr_path):
        def orphaned(p=path):
            got = server.api("GET", p)
            assert got.status == 200, f"{p} was deleted by an orphaning delete: {got!r}"
            refs = got.json["metadata"].get("ownerReferences") or []
            return not any(ref["uid"] == ds["metadata"]["uid"] for ref in refs)
        wait_until(orphaned, timeout=20, what=f"owner reference removed from {path}")
    r = kubectl.ok("get", "pods", "-l", "app=orph", "-n", ns, "-o", "name")
    assert r.out.split() == ["pod/orph-dep"], r


def test_delete_background_removes_dependents(kubectl, server, ns):
    ds = create_ds(server, ns, "bg")
    pod_path, cr_path = make_dependents(server, ns, ds)
    r = kubectl.ok("delete", "ds", "bg", "-n", ns, timeout=60)
    assert r.out.strip() == 'daemonset.apps "bg" deleted', r
    for path in (pod_path, cr_path):
        wait_until(lambda p=path: server.api("GET", p).status == 404, timeout=30,
                   what=f"{path} removed by Background deletion")


def test_delete_foreground_removes_dependents_first(server, ns):
    ds = create_ds(server, ns, "fg")
    pod_path, cr_path = make_dependents(server, ns, ds)
    ds_path = f"/apis/apps/v1/namespaces/{ns}/daemonsets/fg"
    r = server.api("DELETE", ds_path, {"propagationPolicy": "Foreground"})
    assert r.status in (200, 202), r
    # The owner may linger (deletionTimestamp + foregroundDeletion finalizer) until its
    # dependents are gone, and then it goes too.
    wait_until(lambda: all(server.api("GET", p).status == 404 for p in (pod_path, cr_path, ds_path)),
               timeout=30, what="foreground deletion to finish")


def test_delete_unrelated_owner_uid_keeps_pod(server, ns):
    # A dependent whose owner reference names another uid is not this DaemonSet's.
    ds = create_ds(server, ns, "notmine")
    fake = dict(ds, metadata=dict(ds["metadata"], uid="00000000-0000-4000-8000-000000000001"))
    pod_path, cr_path = make_dependents(server, ns, fake)
    r = server.api("DELETE", f"/apis/apps/v1/namespaces/{ns}/daemonsets/notmine",
                   {"propagationPolicy": "Background"})
    assert r.status in (200, 202), r
    wait_until(lambda: server.api("GET", f"/apis/apps/v1/namespaces/{ns}/daemonsets/notmine").status
               == 404, what="ds gone")
    assert server.api("GET", pod_path).status == 200
    assert server.api("GET", cr_path).status == 200


def test_delete_with_precondition_uid(server, ns):
    ds = create_ds(server, ns, "precond")
    path = f"/apis/apps/v1/namespaces/{ns}/daemonsets/precond"
    r = server.api("DELETE", path, {"preconditions": {"uid": "00000000-0000-4000-8000-000000000002"}})
    assert r.status == 409, r
    assert status_of(r)["reason"] == "Conflict"
    assert server.api("GET", path).status == 200
    r = server.api("DELETE", path, {"preconditions": {"uid": ds["metadata"]["uid"]}})
    assert r.status == 200, r


@pytest.mark.parametrize("policy", ["Background", "Orphan"])
def test_finalizer_blocks_deletion_until_removed(server, ns, policy):
    name = uniq("fin")
    body = ds_body(name)
    body["metadata"]["finalizers"] = ["example.com/hold"]
    r = server.api("POST", f"/apis/apps/v1/namespaces/{ns}/daemonsets", body)
    assert r.status == 201, r
    path = f"/apis/apps/v1/namespaces/{ns}/daemonsets/{name}"
    r = server.api("DELETE", path, {"propagationPolicy": policy})
    assert r.status in (200, 202), r
    got = server.get_json(path)
    assert got["metadata"].get("deletionTimestamp"), got["metadata"]
    assert "example.com/hold" in got["metadata"]["finalizers"]
    r = server.api("PATCH", path, [{"op": "test", "path": "/metadata/finalizers/0",
                                    "value": "example.com/hold"},
                                   {"op": "remove", "path": "/metadata/finalizers/0"}],
                   content_type="application/json-patch+json")
    assert r.status == 200, r
    wait_until(lambda: server.api("GET", path).status == 404, timeout=20,
               what="object gone after its last finalizer was removed")
