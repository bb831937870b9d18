"""Issue 5: what Kubernetes' own DaemonSet e2e suite (test/e2e/apps/daemon_set.go and its
framework) asks of a server, request by request, as recorded in
shared/k8s-daemonset-conformance.md -- sent here through the HTTP API with the same
bodies, against a real server and `everynode sim` nodes.
"""

import json
import time
import urllib.parse

from conftest import wait_until
from test_controller import Cluster  # noqa: F401  (fixture helper class)
import pytest

DS_NAME = "daemon-set"
LABEL = "daemonset-name=daemon-set"
IMAGE = "k8s.gcr.io/e2e-test-images/httpd:2.4.38-2"

# The body a Go client sends for the suite's default DaemonSet (its JSON form).
GO_DS_BODY = {
    "kind": "DaemonSet", "apiVersion": "apps/v1",
    "metadata": {"name": DS_NAME, "creationTimestamp": None,
                 "labels": {"daemonset-name": DS_NAME}},
    "spec": {"selector": {"matchLabels": {"daemonset-name": DS_NAME}},
             "template": {"metadata": {"creationTimestamp": None,
                                       "labels": {"daemonset-name": DS_NAME}},
                          "spec": {"containers": [{"name": "app", "image": IMAGE,
                                                   "ports": [{"containerPort": 9376}],
                                                   "resources": {}, "securityContext": {}}],
                                   "securityContext": {}}},
             "updateStrategy": {}},
    "status": {"currentNumberScheduled": 0, "numberMisscheduled": 0,
               "desiredNumberScheduled": 0, "numberReady": 0},
}

# What Kubernetes' clients compute for that template (daemon.Match compares bytes).
GO_REVISION_DATA = (
    '{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":'
    '{"daemonset-name":"daemon-set"}},"spec":{"containers":[{"image":"' + IMAGE + '",'
    '"imagePullPolicy":"IfNotPresent","name":"app","ports":[{"containerPort":9376,'
    '"protocol":"TCP"}],"resources":{},"securityContext":{},"terminationMessagePath":'
    '"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst",'
    '"restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},'
    '"terminationGracePeriodSeconds":30}}}}')


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path)
    yield c
    c.close()


def q(s):
    return urllib.parse.quote(s, safe="")


def new_namespace(srv, base="daemonsets"):
    """As the e2e framework makes its per-test namespace."""
    body = {"kind": "Namespace", "apiVersion": "v1",
            "metadata": {"generateName": base + "-",
                         "labels": {"e2e-framework": "daemonsets", "e2e-run": "x"}}}
    r = srv.api("POST", "/api/v1/namespaces", body)
    assert r.status == 201, r
    ns = r.json["metadata"]["name"]
    r = srv.api("PATCH", f"/api/v1/namespaces/{ns}",
                {"metadata": {"annotations": {"scheduler.alpha.kubernetes.io/node-selector": ""}}},
                content_type="application/strategic-merge-patch+json")
    assert r.status == 200, r
    return ns


def ds_pods(srv, ns):
    return srv.get_json(f"/api/v1/namespaces/{ns}/pods?labelSelector={q(LABEL)}")["items"]


def live(pods):
    return [p for p in pods if not p["metadata"].get("deletionTimestamp")]


def ready(p):
    return any(c["type"] == "Ready" and c["status"] == "True"
               for c in p.get("status", {}).get("conditions", []))


def wait_one_ready_per_node(srv, ns, nodes, timeout=30):
    def ok():
        ps = live(ds_pods(srv, ns))
        on = sorted(p["spec"].get("nodeName", "") for p in ps if ready(p))
        return ps if on == sorted(nodes) and len(ps) == len(nodes) else None
    return wait_until(ok, timeout=timeout, what=f"one ready pod on each of {nodes}")


def watch_until(srv, path, pred, timeout=10):
    """Read a watch stream (path carries watch=true) until pred(event) holds;
    return the events seen.  Bounded by timeoutSeconds on the server."""
    conn = srv.connect(timeout=timeout + 5)
    seen = []
    try:
        conn.request("GET", path + f"&timeoutSeconds={timeout}", headers=srv.auth_headers())
        r = conn.getresponse()
        assert r.status == 200, r.status
        while True:
            line = r.readline()
            if not line:
                return seen, False
            ev = json.loads(line)
            seen.append(ev)
            if pred(ev):
                return seen, True
    finally:
        conn.close()


def test_framework_setup_requests(cluster):
    srv = cluster.server
    cluster.sim(2)
    # The suite aborts without the kubernetes Service (it reads the IP family).
    svc = srv.get_json("/api/v1/namespaces/default/services/kubernetes")
    assert svc["spec"]["clusterIP"] and svc["spec"]["ports"][0]["port"] == srv.port
    # kube-system readiness check: three LISTs, any error is fatal; empty is fine.
    for path in ("/api/v1/namespaces/kube-system/replicationcontrollers",
                 "/apis/apps/v1/namespaces/kube-system/replicasets",
                 "/api/v1/namespaces/kube-system/pods",
                 "/apis/apps/v1/namespaces/kube-system/daemonsets"):
        lst = srv.get_json(path)
        assert lst["items"] == [] and lst["metadata"]["resourceVersion"] not in ("", "0"), path
    # Replica sets and replication controllers are not writable here.
    r = srv.api("POST", "/apis/apps/v1/namespaces/default/replicasets",
                {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "x"}})
    assert r.status == 405, r
    # PodSecurityPolicy detection: 404 means "disabled".
    assert srv.api("GET", "/apis/policy/v1beta1/podsecuritypolicies").status == 404
    nodes = srv.get_json("/api/v1/nodes?fieldSelector=spec.unschedulable%3Dfalse"
                         "&resourceVersion=0")["items"]
    assert len(nodes) == 2
    # Per test: a namespace, then its default service account with a token secret.
    ns = new_namespace(srv)
    path = (f"/api/v1/namespaces/{ns}/serviceaccounts?fieldSelector="
            f"{q('metadata.name=default')}&limit=500&resourceVersion=0")

    def has_secret():
        items = srv.get_json(path)["items"]
        return items and len(items[0].get("secrets", [])) >= 1 and items
    items = wait_until(has_secret, timeout=10, what="default service account with a secret")
    assert items[0]["metadata"]["name"] == "default"
    rv = srv.get_json(path)["metadata"]["resourceVersion"]
    events, _ = watch_until(srv, path.replace("&resourceVersion=0", "") +
                            f"&watch=true&allowWatchBookmarks=true&resourceVersion={rv}",
                            lambda ev: True, timeout=1)
    assert all(ev["type"] == "BOOKMARK" for ev in events), events
    # A deleted default account comes back, as Kubernetes' controller does.
    assert srv.api("DELETE", f"/api/v1/namespaces/{ns}/serviceaccounts/default").status == 200
    wait_until(has_secret, timeout=10, what="default service account re-created")
    r = srv.api("DELETE", f"/api/v1/namespaces/{ns}", {"kind": "DeleteOptions", "apiVersion": "v1"})
    assert r.status in (200, 202), r


def test_go_client_daemonset_defaults_and_revision_bytes(cluster):
    srv = cluster.server
    cluster.sim(2)
    ns = new_namespace(srv)
    r = srv.api("POST", f"/apis/apps/v1/namespaces/{ns}/daemonsets", GO_DS_BODY)
    assert r.status == 201, r
    ds = r.json
    assert ds["spec"]["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate":
                                            {"maxUnavailable": 1, "maxSurge": 0}}
    assert ds["spec"]["revisionHistoryLimit"] == 10
    assert ds["status"] == {"currentNumberScheduled": 0, "numberMisscheduled": 0,
                            "desiredNumberScheduled": 0, "numberReady": 0} or \
        "observedGeneration" not in ds["status"]
    tspec = ds["spec"]["template"]["spec"]
    assert (tspec["restartPolicy"], tspec["terminationGracePeriodSeconds"], tspec["dnsPolicy"],
            tspec["schedulerName"]) == ("Always", 30, "ClusterFirst", "default-scheduler")
    c = tspec["containers"][0]
    assert (c["imagePullPolicy"], c["terminationMessagePath"], c["terminationMessagePolicy"],
            c["ports"][0]["protocol"]) == ("IfNotPresent", "/dev/termination-log", "File", "TCP")
    wait_one_ready_per_node(srv, ns, ["sim-node-0", "sim-node-1"])
    # The ControllerRevision's data, byte for byte as the server sends it.
    r = srv.api("GET", f"/apis/apps/v1/namespaces/{ns}/controllerrevisions?labelSelector={q(LABEL)}")
    assert r.status == 200
    raw = r.body.decode()
    assert GO_REVISION_DATA in raw, raw[:2000]
    revs = r.json["items"]
    assert len(revs) == 1 and revs[0]["revision"] == 1
    h = revs[0]["metadata"]["labels"]["controller-revision-hash"]
    assert revs[0]["metadata"]["name"] == f"{DS_NAME}-{h}"
    assert revs[0]["metadata"]["labels"]["daemonset-name"] == DS_NAME
    assert all(p["metadata"]["labels"]["controller-revision-hash"] == h for p in ds_pods(srv, ns))
    st = srv.get_json(f"/apis/apps/v1/namespaces/{ns}/daemonsets/{DS_NAME}")["status"]
    assert st["desiredNumberScheduled"] == 2 and (st["currentNumberScheduled"] == 2 or
                                                  st["numberReady"] == 2)


def test_failed_pod_status_put_without_rv_is_replaced_then_gone(cluster):
    srv = cluster.server
    cluster.sim(2)
    ns = new_namespace(srv)
    assert srv.api("POST", f"/apis/apps/v1/namespaces/{ns}/daemonsets", GO_DS_BODY).status == 201
    pods = wait_one_ready_per_node(srv, ns, ["sim-node-0", "sim-node-1"])
    pod = pods[0]
    name, node = pod["metadata"]["name"], pod["spec"]["nodeName"]
    pod["metadata"]["resourceVersion"] = ""
    pod["metadata"]["managedFields"] = [{"manager": "e2e.test", "operation": "Update",
                                         "apiVersion": "v1", "fieldsType": "FieldsV1",
                                         "fieldsV1": {"f:status": {}}}]
    pod["status"]["phase"] = "Failed"
    r = srv.api("PUT", f"/api/v1/namespaces/{ns}/pods/{name}/status", pod)
    assert r.status == 200, r
    wait_until(lambda: srv.api("GET", f"/api/v1/namespaces/{ns}/pods/{name}").status == 404,
               timeout=30, what="the failed pod gone (404)")
    wait_until(lambda: any(p["spec"].get("nodeName") == node and p["metadata"]["name"] != name
                           and ready(p) for p in live(ds_pods(srv, ns))),
               timeout=30, what="a replacement on the failed pod's node")


def test_delete_with_apps_delete_options_cascades(cluster):
    srv = cluster.server
    cluster.sim(2)
    ns = new_namespace(srv)
    assert srv.api("POST", f"/apis/apps/v1/namespaces/{ns}/daemonsets", GO_DS_BODY).status == 201
    wait_one_ready_per_node(srv, ns, ["sim-node-0", "sim-node-1"])
    r = srv.api("DELETE", f"/apis/apps/v1/namespaces/{ns}/daemonsets/{DS_NAME}",
                {"kind": "DeleteOptions", "apiVersion": "apps/v1", "orphanDependents": False})
    assert r.status == 200, r
    wait_until(lambda: not ds_pods(srv, ns), timeout=30, what="the DaemonSet's pods gone")


def test_delete_collection_takes_effect_before_it_returns(cluster):
    srv = cluster.server
    cluster.sim(1)
    ns = new_namespace(srv)
    assert srv.api("POST", f"/apis/apps/v1/namespaces/{ns}/daemonsets", GO_DS_BODY).status == 201
    lst = srv.get_json(f"/apis/apps/v1/daemonsets?labelSelector={q(LABEL)}")
    assert len(lst["items"]) == 1
    r = srv.api("DELETE", f"/apis/apps/v1/namespaces/{ns}/daemonsets?labelSelector={q(LABEL)}",
                {"kind": "DeleteOptions", "apiVersion": "apps/v1", "gracePeriodSeconds": 1})
    assert r.status == 200, r
    assert srv.get_json(f"/apis/apps/v1/daemonsets?labelSelector={q(LABEL)}")["items"] == []
    wait_until(lambda: not ds_pods(srv, ns), timeout=30, what="pods gone")


def test_status_changes_seen_by_a_watch_from_an_old_cluster_rv(cluster):
    srv = cluster.server
    cluster.sim(1)
    ns = new_namespace(srv)
    rv0 = srv.get_json(f"/apis/apps/v1/daemonsets?labelSelector={q(LABEL)}")["metadata"][
        "resourceVersion"]
    assert srv.api("POST", f"/apis/apps/v1/namespaces/{ns}/daemonsets", GO_DS_BODY).status == 201
    wait_one_ready_per_node(srv, ns, ["sim-node-0"])
    path = f"/apis/apps/v1/namespaces/{ns}/daemonsets/{DS_NAME}/status"
    cur = srv.get_json(path)
    assert cur["kind"] == "DaemonSet" and cur["spec"]["selector"]
    cur["status"].setdefault("conditions", []).append(
        {"type": "StatusUpdate", "status": "True", "reason": "E2E", "message": "Set from e2e test"})
    r = srv.api("PUT", path, cur)
    assert r.status == 200, r
    wpath = (f"/apis/apps/v1/namespaces/{ns}/daemonsets?labelSelector={q(LABEL)}"
             f"&resourceVersion={rv0}&allowWatchBookmarks=true&watch=true")

    def has_cond(t):
        return lambda ev: ev["type"] in ("ADDED", "MODIFIED") and any(
            c["type"] == t for c in ev["object"].get("status", {}).get("conditions", []))
    seen, found = watch_until(srv, wpath, has_cond("StatusUpdate"))
    assert found, [e["type"] for e in seen]
    assert seen[0]["type"] == "ADDED", [e["type"] for e in seen]
    patch = {"metadata": {"creationTimestamp": None},
             "spec": {"selector": None, "template": {"metadata": {"creationTimestamp": None},
                                                     "spec": {"containers": None}},
                      "updateStrategy": {}},
             "status": {"currentNumberScheduled": 0, "numberMisscheduled": 0,
                        "desiredNumberScheduled": 0, "numberReady": 0,
                        "conditions": [{"type": "StatusPatched", "status": "True",
                                        "lastTransitionTime": None}]}}
    r = srv.api("PATCH", path, patch, content_type="application/merge-patch+json")
    assert r.status == 200, r
    # Only status applied: the spec is the stored one.
    assert r.json["spec"]["selector"] == {"matchLabels": {"daemonset-name": DS_NAME}}
    assert r.json["spec"]["template"]["spec"]["containers"][0]["image"] == IMAGE
    seen, found = watch_until(srv, wpath, has_cond("StatusPatched"))
    assert found, [e["type"] for e in seen]
    # The controller's own status writes keep the client's conditions.
    wait_until(lambda: srv.get_json(path)["status"].get("numberReady") == 1, timeout=20,
               what="controller rewrote the counters")
    assert [c["type"] for c in srv.get_json(path)["status"]["conditions"]] == ["StatusPatched"]


def test_surge_rollout_advances_when_min_ready_elapses(cluster):
    # maxUnavailable 0 + maxSurge: the old pod may only go once the new one has been
    # ready for minReadySeconds -- nothing else happens then, so only a timer in the
    # controller moves the rollout on.
    srv = cluster.server
    cluster.sim(2)
    ns = new_namespace(srv)
    body = json.loads(json.dumps(GO_DS_BODY))
    body["spec"]["minReadySeconds"] = 3
    body["spec"]["updateStrategy"] = {"type": "RollingUpdate", "rollingUpdate":
                                      {"maxUnavailable": 0, "maxSurge": "20%"}}
    body["spec"]["template"]["spec"]["containers"][0]["env"] = [{"name": "VERSION", "value": "1"}]
    assert srv.api("POST", f"/apis/apps/v1/namespaces/{ns}/daemonsets", body).status == 201
    wait_one_ready_per_node(srv, ns, ["sim-node-0", "sim-node-1"])
    time.sleep(3.5)
    t0 = time.time()
    r = srv.api("PATCH", f"/apis/apps/v1/namespaces/{ns}/daemonsets/{DS_NAME}",
                {"spec": {"template": {"spec": {"containers": [
                    {"name": "app", "env": [{"name": "VERSION", "value": "2"}]}]}}}},
                content_type="application/strategic-merge-patch+json")
    assert r.status == 200, r
    # The strategic merge keeps the container's image (merge by name).
    assert r.json["spec"]["template"]["spec"]["containers"][0]["image"] == IMAGE

    def done():
        ps = live(ds_pods(srv, ns))
        vers = [p["spec"]["containers"][0]["env"][0]["value"] for p in ps]
        return len(ps) == 2 and vers == ["2", "2"] and all(ready(p) for p in ps)
    wait_until(done, timeout=40, what="rollout finished")
    # Two nodes, one at a time, each waiting minReadySeconds: well under 40 s, and not
    # less than one minReadySeconds period.
    assert time.time() - t0 >= 3
