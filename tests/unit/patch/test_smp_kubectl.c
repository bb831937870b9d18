/*
 * test_smp_kubectl.c -- the patch bodies stock kubectl sends, applied to
 * full DaemonSet and Node objects as kube-apiserver stores them (every
 * defaulted field present).
 *
 *   - kubectl apply changing an image: only that image changes, every
 *     defaulted field of the container stays, key order is kept;
 *   - kubectl rollout undo: the ControllerRevision's `$patch: replace`
 *     template replaces the live template whole;
 *   - kubectl apply removing ports, adding a sidecar first, removing it,
 *     adding env; kubectl rollout restart; kubectl taint / cordon /
 *     uncordon; kubectl label (merge patch); a kubelet-style node status
 *     patch; finalizer and ownerReference edits by controllers.
 *
 * Expected results are built by editing a copy of the live object, so each
 * case states exactly what may change and checks nothing else does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"
#include "patch/patch.h"
#include "patch/patch_int.h"

#include <stdlib.h>
#include <string.h>

/* `kubectl apply -f ds.yaml` then stored: all defaults filled in. */
static const char *live_ds =
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"metadata\":{\"annotations\":{"
    "\"deprecated.daemonset.template.generation\":\"1\","
    "\"kubectl.kubernetes.io/last-applied-configuration\":\"{\\\"apiVersion\\\":\\\"apps/"
    "v1\\\",\\\"kind\\\":"
    "\\\"DaemonSet\\\",\\\"metadata\\\":{\\\"annotations\\\":{},\\\"name\\\":\\\"web\\\","
    "\\\"namespace\\\":"
    "\\\"default\\\"},\\\"spec\\\":{\\\"selector\\\":{\\\"matchLabels\\\":{\\\"app\\\":\\\"web\\\"}"
    "},\\\"template\\\":"
    "{\\\"metadata\\\":{\\\"labels\\\":{\\\"app\\\":\\\"web\\\"}},\\\"spec\\\":{\\\"containers\\\":"
    "[{\\\"image\\\":"
    "\\\"nginx:1.25\\\",\\\"name\\\":\\\"nginx\\\",\\\"ports\\\":[{\\\"containerPort\\\":80}]}]}}}}"
    "\\n\"},"
    "\"creationTimestamp\":\"2025-01-01T00:00:00Z\",\"generation\":1,\"name\":\"web\","
    "\"namespace\":\"default\","
    "\"resourceVersion\":\"1234\",\"uid\":\"8a2b7c1e-1111-2222-3333-444455556666\"},"
    "\"spec\":{\"revisionHistoryLimit\":10,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
    "\"template\":{\"metadata\":{\"creationTimestamp\":null,\"labels\":{\"app\":\"web\"}},"
    "\"spec\":{\"containers\":[{\"image\":\"nginx:1.25\",\"imagePullPolicy\":\"IfNotPresent\","
    "\"name\":\"nginx\","
    "\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"}],\"resources\":{},"
    "\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\"}],"
    "\"dnsPolicy\":\"ClusterFirst\",\"restartPolicy\":\"Always\",\"schedulerName\":\"default-"
    "scheduler\","
    "\"securityContext\":{},\"terminationGracePeriodSeconds\":30,"
    "\"tolerations\":[{\"key\":\"node-role.kubernetes.io/control-plane\",\"operator\":\"Exists\","
    "\"effect\":\"NoSchedule\"}]}},"
    "\"updateStrategy\":{\"rollingUpdate\":{\"maxSurge\":0,\"maxUnavailable\":1},\"type\":"
    "\"RollingUpdate\"}},"
    "\"status\":{\"currentNumberScheduled\":2,\"desiredNumberScheduled\":2,\"numberAvailable\":2,"
    "\"numberMisscheduled\":0,\"numberReady\":2,\"observedGeneration\":1,"
    "\"updatedNumberScheduled\":2}}";

static const char *live_node =
    "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"annotations\":{"
    "\"node.alpha.kubernetes.io/ttl\":\"0\"},\"creationTimestamp\":\"2025-01-01T00:00:00Z\","
    "\"labels\":{\"beta.kubernetes.io/arch\":\"amd64\",\"beta.kubernetes.io/"
    "os\":\"linux\",\"app\":\"edge\","
    "\"kubernetes.io/arch\":\"amd64\",\"kubernetes.io/hostname\":\"n1\",\"kubernetes.io/"
    "os\":\"linux\"},"
    "\"name\":\"n1\",\"resourceVersion\":\"77\",\"uid\":\"0f0f0f0f-aaaa-bbbb-cccc-dddddddddddd\"},"
    "\"spec\":{\"podCIDR\":\"10.244.1.0/24\",\"podCIDRs\":[\"10.244.1.0/24\"],"
    "\"taints\":[{\"effect\":\"NoSchedule\",\"key\":\"dedicated\",\"value\":\"edge\"}]},"
    "\"status\":{\"addresses\":[{\"address\":\"10.0.0.11\",\"type\":\"InternalIP\"},"
    "{\"address\":\"n1\",\"type\":\"Hostname\"}],"
    "\"allocatable\":{\"cpu\":\"2\",\"memory\":\"3913604Ki\",\"pods\":\"110\"},"
    "\"capacity\":{\"cpu\":\"2\",\"memory\":\"4016004Ki\",\"pods\":\"110\"},"
    "\"conditions\":["
    "{\"lastHeartbeatTime\":\"2025-01-01T00:10:00Z\",\"lastTransitionTime\":\"2025-01-01T00:00:"
    "00Z\","
    "\"message\":\"kubelet has sufficient memory "
    "available\",\"reason\":\"KubeletHasSufficientMemory\","
    "\"status\":\"False\",\"type\":\"MemoryPressure\"},"
    "{\"lastHeartbeatTime\":\"2025-01-01T00:10:00Z\",\"lastTransitionTime\":\"2025-01-01T00:00:"
    "00Z\","
    "\"message\":\"kubelet has no disk pressure\",\"reason\":\"KubeletHasNoDiskPressure\","
    "\"status\":\"False\",\"type\":\"DiskPressure\"},"
    "{\"lastHeartbeatTime\":\"2025-01-01T00:10:00Z\",\"lastTransitionTime\":\"2025-01-01T00:00:"
    "00Z\","
    "\"message\":\"kubelet has sufficient PID available\",\"reason\":\"KubeletHasSufficientPID\","
    "\"status\":\"False\",\"type\":\"PIDPressure\"},"
    "{\"lastHeartbeatTime\":\"2025-01-01T00:10:00Z\",\"lastTransitionTime\":\"2025-01-01T00:00:"
    "05Z\","
    "\"message\":\"kubelet is posting ready status\",\"reason\":\"KubeletReady\","
    "\"status\":\"True\",\"type\":\"Ready\"}],"
    "\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":10250}},"
    "\"nodeInfo\":{\"architecture\":\"amd64\",\"kubeletVersion\":\"v1.32.0\",\"operatingSystem\":"
    "\"linux\"}}}";

static json_t *J(const char *s)
{
    json_error_t e;
    json_t *v = json_loads(s, JSON_DECODE_ANY, &e);

    if (!v)
        fail_msg("bad JSON in test (%s): %.80s", e.text, s);
    return v;
}

/* Apply an SMP body as `kind` and return the result; fails the test on
 * error or if doc/patch were modified. */
static json_t *apply(json_t *doc, const char *kind, const char *body)
{
    json_t *patch = J(body), *out = NULL;
    char *bd = json_dump_compact(doc, NULL), *bp = json_dump_compact(patch, NULL), *a, *err = NULL;
    int rc = patch_strategic(doc, patch, kind, &out, &err);

    if (rc != 0)
        fail_msg("patch %s failed: %s", body, err ? err : "");
    a = json_dump_compact(doc, NULL);
    assert_string_equal(a, bd);
    free(a);
    a = json_dump_compact(patch, NULL);
    assert_string_equal(a, bp);
    free(a);
    free(bd);
    free(bp);
    json_decref(patch);
    return out;
}

static void expect_equal(json_t *got, json_t *want)
{
    if (!patch__value_equal(got, want)) {
        char *g = json_dump_compact(got, NULL), *w = json_dump_compact(want, NULL);
        fail_msg("got\n  %s\nwant\n  %s", g, w);
    }
}

static json_t *container(json_t *obj, const char *list_path, size_t i)
{
    return json_array_get(json_path(obj, list_path), i);
}

#define TPL_CONTAINERS "spec.template.spec.containers"

/* kubectl apply after editing the image (byte-exact body kubectl sends). */
static void test_apply_image(void **state)
{
    static const char *last_applied =
        "{\"apiVersion\":\"apps/"
        "v1\",\"kind\":\"DaemonSet\",\"metadata\":{\"annotations\":{},\"name\":\"web\","
        "\"namespace\":\"default\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
        "\"template\":"
        "{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"image\":\"nginx:"
        "1.27\","
        "\"name\":\"nginx\",\"ports\":[{\"containerPort\":80}]}]}}}}\n";
    json_t *doc = J(live_ds), *want, *out, *body_obj;
    char *body, *before_order, *after_order;

    (void)state;
    body_obj = json_pack("{s:{s:{s:s}},s:{s:{s:{s:[{s:s}],s:[{s:s,s:s}]}}}}", "metadata",
                         "annotations", "kubectl.kubernetes.io/last-applied-configuration",
                         last_applied, "spec", "template", "spec", "$setElementOrder/containers",
                         "name", "nginx", "containers", "image", "nginx:1.27", "name", "nginx");
    body = json_dumps(body_obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    /* the exact bytes kubectl 1.32 produces */
    assert_non_null(strstr(body,
                           "\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":"
                           "[{\"name\":\"nginx\"}],\"containers\":[{\"image\":\"nginx:1.27\","
                           "\"name\":\"nginx\"}]}}}}"));
    out = apply(doc, "DaemonSet", body);

    want = json_deep_copy(doc);
    json_object_set_new(json_path(want, "metadata.annotations"),
                        "kubectl.kubernetes.io/last-applied-configuration",
                        json_string(last_applied));
    json_object_set_new(container(want, TPL_CONTAINERS, 0), "image", json_string("nginx:1.27"));
    expect_equal(out, want);
    /* the container's fields stay where they were */
    before_order = json_dump_ordered(container(want, TPL_CONTAINERS, 0), NULL);
    after_order = json_dump_ordered(container(out, TPL_CONTAINERS, 0), NULL);
    assert_string_equal(after_order, before_order);
    free(before_order);
    free(after_order);

    free(body);
    json_decref(body_obj);
    json_decref(want);
    json_decref(out);
    json_decref(doc);
}

/* kubectl rollout undo applies the ControllerRevision's data. */
static void test_rollout_undo(void **state)
{
    static const char *revision_data =
        "{\"spec\":{\"template\":{\"$patch\":\"replace\",\"metadata\":{\"creationTimestamp\":null,"
        "\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"image\":\"nginx:1.24\","
        "\"imagePullPolicy\":\"IfNotPresent\",\"name\":\"nginx\",\"ports\":[{\"containerPort\":80,"
        "\"protocol\":\"TCP\"}],\"resources\":{},\"terminationMessagePath\":\"/dev/"
        "termination-log\","
        "\"terminationMessagePolicy\":\"File\"}],\"dnsPolicy\":\"ClusterFirst\",\"restartPolicy\":"
        "\"Always\","
        "\"schedulerName\":\"default-scheduler\",\"securityContext\":{},"
        "\"terminationGracePeriodSeconds\":30}}}}";
    json_t *doc = J(live_ds), *rev = J(revision_data), *cur, *out, *want, *tpl;

    (void)state;
    /* Make the live template differ in ways a merge would keep: an extra
     * container, an annotation, a node selector. */
    cur = apply(doc, "DaemonSet",
                "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/"
                "restartedAt\":"
                "\"2025-02-02T00:00:00Z\"}},\"spec\":{\"nodeSelector\":{\"disk\":\"ssd\"},"
                "\"$setElementOrder/containers\":[{\"name\":\"nginx\"},{\"name\":\"log\"}],"
                "\"containers\":[{\"name\":\"log\",\"image\":\"busybox\"}]}}}}");
    assert_int_equal(json_array_size(json_path(cur, TPL_CONTAINERS)), 2);

    out = apply(cur, "DaemonSet", revision_data);
    want = json_deep_copy(cur);
    tpl = json_deep_copy(json_path(rev, "spec.template"));
    json_object_del(tpl, "$patch");
    /* a null in the patch means "absent", as decoding into Go structs does */
    json_object_del(json_object_get(tpl, "metadata"), "creationTimestamp");
    json_object_set_new(json_object_get(want, "spec"), "template", tpl);
    expect_equal(out, want);
    assert_null(json_path(out, "spec.template.spec.nodeSelector"));
    assert_null(json_path(out, "spec.template.metadata.annotations"));
    assert_int_equal(json_array_size(json_path(out, TPL_CONTAINERS)), 1);
    /* everything outside the template is untouched */
    assert_true(
        patch__value_equal(json_object_get(out, "metadata"), json_object_get(cur, "metadata")));
    assert_true(patch__value_equal(json_object_get(out, "status"), json_object_get(cur, "status")));
    assert_true(patch__value_equal(json_path(out, "spec.updateStrategy"),
                                   json_path(cur, "spec.updateStrategy")));

    json_decref(want);
    json_decref(out);
    json_decref(cur);
    json_decref(rev);
    json_decref(doc);
}

/* kubectl apply after deleting `ports:` from the manifest. */
static void test_apply_remove_ports(void **state)
{
    json_t *doc = J(live_ds), *out, *want;

    (void)state;
    out = apply(
        doc, "DaemonSet",
        "{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/"
        "last-applied-configuration\":\"x\"}},"
        "\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"nginx\"}],"
        "\"containers\":[{\"name\":\"nginx\",\"ports\":null}]}}}}");
    want = json_deep_copy(doc);
    json_object_set_new(json_path(want, "metadata.annotations"),
                        "kubectl.kubernetes.io/last-applied-configuration", json_string("x"));
    json_object_del(container(want, TPL_CONTAINERS, 0), "ports");
    expect_equal(out, want);
    json_decref(want);
    json_decref(out);
    json_decref(doc);
}

/* kubectl apply adding a sidecar before nginx, then removing it again,
 * then adding env to nginx and changing its ports. */
static void test_apply_sidecar(void **state)
{
    json_t *doc = J(live_ds), *with, *without, *env, *want;

    (void)state;
    with = apply(
        doc, "DaemonSet",
        "{\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/"
        "containers\":[{\"name\":\"sidecar\"},"
        "{\"name\":\"nginx\"}],\"containers\":[{\"image\":\"busybox:1.36\",\"name\":\"sidecar\","
        "\"args\":[\"sleep\",\"infinity\"]}]}}}}");
    assert_int_equal(json_array_size(json_path(with, TPL_CONTAINERS)), 2);
    assert_string_equal(
        json_string_value(json_object_get(container(with, TPL_CONTAINERS, 0), "name")), "sidecar");
    assert_true(
        patch__value_equal(container(with, TPL_CONTAINERS, 1), container(doc, TPL_CONTAINERS, 0)));

    without = apply(
        with, "DaemonSet",
        "{\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"nginx\"}],"
        "\"containers\":[{\"$patch\":\"delete\",\"name\":\"sidecar\"}]}}}}");
    expect_equal(without, doc);

    env = apply(
        doc, "DaemonSet",
        "{\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"nginx\"}],"
        "\"containers\":[{\"$setElementOrder/env\":[{\"name\":\"MODE\"}],"
        "\"$setElementOrder/ports\":[{\"containerPort\":80},{\"containerPort\":443}],"
        "\"env\":[{\"name\":\"MODE\",\"value\":\"prod\"}],\"name\":\"nginx\","
        "\"ports\":[{\"containerPort\":443}]}]}}}}");
    want = json_deep_copy(doc);
    json_object_set_new(container(want, TPL_CONTAINERS, 0), "env",
                        J("[{\"name\":\"MODE\",\"value\":\"prod\"}]"));
    json_object_set_new(container(want, TPL_CONTAINERS, 0), "ports",
                        J("[{\"containerPort\":80,\"protocol\":\"TCP\"},{\"containerPort\":443}]"));
    expect_equal(env, want);

    json_decref(want);
    json_decref(env);
    json_decref(without);
    json_decref(with);
    json_decref(doc);
}

/* kubectl rollout restart. */
static void test_rollout_restart(void **state)
{
    json_t *doc = J(live_ds), *out, *want, *ann;

    (void)state;
    out = apply(doc, "DaemonSet",
                "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/"
                "restartedAt\":"
                "\"2025-03-04T05:06:07Z\"}}}}}");
    want = json_deep_copy(doc);
    ann = json_obj_ensure(json_path(want, "spec.template.metadata"), "annotations");
    json_object_set_new(ann, "kubectl.kubernetes.io/restartedAt",
                        json_string("2025-03-04T05:06:07Z"));
    expect_equal(out, want);
    json_decref(want);
    json_decref(out);
    json_decref(doc);
}

/* kubectl taint / cordon / uncordon on a node. */
static void test_node_taints_and_cordon(void **state)
{
    json_t *doc = J(live_node), *out, *want, *spec;

    (void)state;
    /* kubectl taint nodes n1 key1=value1:NoExecute: the whole new list */
    out = apply(doc, "Node",
                "{\"spec\":{\"taints\":[{\"effect\":\"NoSchedule\",\"key\":\"dedicated\",\"value\":"
                "\"edge\"},"
                "{\"effect\":\"NoExecute\",\"key\":\"key1\",\"value\":\"value1\"}]}}");
    want = json_deep_copy(doc);
    json_object_set_new(json_object_get(want, "spec"), "taints",
                        J("[{\"effect\":\"NoSchedule\",\"key\":\"dedicated\",\"value\":\"edge\"},"
                          "{\"effect\":\"NoExecute\",\"key\":\"key1\",\"value\":\"value1\"}]"));
    expect_equal(out, want);
    json_decref(out);
    json_decref(want);

    /* kubectl taint nodes n1 dedicated- : replaced, not merged */
    out =
        apply(doc, "Node", "{\"spec\":{\"taints\":[{\"effect\":\"NoExecute\",\"key\":\"key1\"}]}}");
    assert_int_equal(json_array_size(json_path(out, "spec.taints")), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_path(out, "spec.taints"), 0), "key")),
        "key1");
    json_decref(out);

    /* removing the last taint */
    out = apply(doc, "Node", "{\"spec\":{\"taints\":null}}");
    want = json_deep_copy(doc);
    json_object_del(json_object_get(want, "spec"), "taints");
    expect_equal(out, want);
    json_decref(want);

    /* kubectl cordon, then uncordon */
    {
        json_t *cordoned = apply(out, "Node", "{\"spec\":{\"unschedulable\":true}}");
        json_t *uncordoned;
        spec = json_object_get(cordoned, "spec");
        assert_true(json_is_true(json_object_get(spec, "unschedulable")));
        assert_true(
            patch__value_equal(json_object_get(spec, "podCIDRs"), json_path(doc, "spec.podCIDRs")));
        uncordoned = apply(cordoned, "Node", "{\"spec\":{\"unschedulable\":null}}");
        expect_equal(uncordoned, out);
        json_decref(uncordoned);
        json_decref(cordoned);
    }
    json_decref(out);
    json_decref(doc);
}

/* kubectl label sends a JSON merge patch; the same body as an SMP agrees. */
static void test_label_patches(void **state)
{
    json_t *doc = J(live_node),
           *patch = J("{\"metadata\":{\"labels\":{\"app\":null,\"zone\":\"a\"}}}");
    json_t *merged = NULL, *smp = NULL, *want;

    (void)state;
    assert_int_equal(patch_merge(doc, patch, &merged, NULL), 0);
    assert_int_equal(patch_strategic(doc, patch, "Node", &smp, NULL), 0);
    want = json_deep_copy(doc);
    json_object_del(json_path(want, "metadata.labels"), "app");
    json_object_set_new(json_path(want, "metadata.labels"), "zone", json_string("a"));
    expect_equal(merged, want);
    expect_equal(smp, want);
    json_decref(want);
    json_decref(smp);
    json_decref(merged);
    json_decref(patch);
    json_decref(doc);
}

/* A node agent heart-beating one condition and adding a pod CIDR. */
static void test_node_status(void **state)
{
    json_t *doc = J(live_node), *out, *want, *ready;

    (void)state;
    out = apply(
        doc, "Node",
        "{\"spec\":{\"podCIDRs\":[\"fd00:10:244:1::/64\"]},"
        "\"status\":{\"$setElementOrder/"
        "conditions\":[{\"type\":\"MemoryPressure\"},{\"type\":\"DiskPressure\"},"
        "{\"type\":\"PIDPressure\"},{\"type\":\"Ready\"}],\"conditions\":[{\"lastHeartbeatTime\":"
        "\"2025-01-01T00:20:00Z\",\"type\":\"Ready\"}]}}");
    want = json_deep_copy(doc);
    /* without a $setElementOrder list, new items of a merging list go
     * first (upstream's normalizeElementOrder) */
    json_array_insert_new(json_path(want, "spec.podCIDRs"), 0, json_string("fd00:10:244:1::/64"));
    ready = json_array_get(json_path(want, "status.conditions"), 3);
    json_object_set_new(ready, "lastHeartbeatTime", json_string("2025-01-01T00:20:00Z"));
    expect_equal(out, want);
    json_decref(out);
    json_decref(want);

    /* an address list update merges by type */
    out =
        apply(doc, "Node",
              "{\"status\":{\"addresses\":[{\"address\":\"10.0.0.12\",\"type\":\"InternalIP\"}]}}");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_path(out, "status.addresses"), 0), "address")),
                        "10.0.0.12");
    assert_int_equal(json_array_size(json_path(out, "status.addresses")), 2);
    json_decref(out);
    json_decref(doc);
}

/* Finalizers and owner references as controllers edit them. */
static void test_metadata_lists(void **state)
{
    json_t *doc = J(live_ds), *a, *b, *c, *refs;

    (void)state;
    a = apply(
        doc, "DaemonSet",
        "{\"metadata\":{\"finalizers\":[\"example.com/a\",\"example.com/b\"],\"ownerReferences\":"
        "[{\"apiVersion\":\"v1\",\"kind\":\"Thing\",\"name\":\"t\",\"uid\":\"u1\"}]}}");
    assert_int_equal(json_array_size(json_path(a, "metadata.finalizers")), 2);
    b = apply(a, "DaemonSet",
              "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"example.com/a\"],"
              "\"ownerReferences\":[{\"uid\":\"u1\",\"controller\":true},{\"uid\":\"u2\",\"kind\":"
              "\"Other\","
              "\"name\":\"o\",\"apiVersion\":\"v1\"}]}}");
    assert_int_equal(json_array_size(json_path(b, "metadata.finalizers")), 1);
    assert_string_equal(json_string_value(json_array_get(json_path(b, "metadata.finalizers"), 0)),
                        "example.com/b");
    assert_int_equal(json_array_size(json_path(b, "metadata.ownerReferences")), 2);
    c = apply(b, "DaemonSet",
              "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"u2\",\"$patch\":\"delete\"}],"
              "\"$deleteFromPrimitiveList/finalizers\":[\"example.com/b\"]}}");
    refs = J("[{\"apiVersion\":\"v1\",\"kind\":\"Thing\",\"name\":\"t\",\"uid\":\"u1\","
             "\"controller\":true}]");
    expect_equal(json_path(c, "metadata.ownerReferences"), refs);
    json_decref(refs);
    assert_int_equal(json_array_size(json_path(c, "metadata.finalizers")), 0);
    json_decref(c);
    json_decref(b);
    json_decref(a);
    json_decref(doc);
}

/* The strategic-merge bodies the DaemonSet conformance tests send (typed
 * client, JSON content type): none carries $setElementOrder. */
static void test_e2e_suite_bodies(void **state)
{
    json_t *doc = J(live_ds), *out, *want, *c;
    json_t *ns = J("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"e2e\","
                   "\"labels\":{\"kubernetes.io/metadata.name\":\"e2e\"}},\"spec\":{\"finalizers\":"
                   "[\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}");

    (void)state;
    out = apply(
        ns, "Namespace",
        "{\"metadata\":{\"annotations\":{\"scheduler.alpha.kubernetes.io/node-selector\":\"\"}}}");
    want = json_deep_copy(ns);
    json_object_set_new(json_object_get(want, "metadata"), "annotations",
                        J("{\"scheduler.alpha.kubernetes.io/node-selector\":\"\"}"));
    expect_equal(out, want);
    json_decref(want);
    json_decref(out);

    out = apply(
        doc, "DaemonSet",
        "{\"spec\":{\"template\":{\"spec\":{\"nodeSelector\":{\"daemonset-color\":\"green\"}}},"
        "\"updateStrategy\":{\"type\":\"RollingUpdate\"}}}");
    want = json_deep_copy(doc);
    json_object_set_new(json_path(want, "spec.template.spec"), "nodeSelector",
                        J("{\"daemonset-color\":\"green\"}"));
    expect_equal(out, want);
    json_decref(want);
    json_decref(out);

    /* image update: the list merges by name, defaults survive */
    out = apply(doc, "DaemonSet",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\","
                "\"image\":\"registry.k8s.io/e2e-test-images/agnhost:2.33\"}]}}}}");
    want = json_deep_copy(doc);
    json_object_set_new(container(want, TPL_CONTAINERS, 0), "image",
                        json_string("registry.k8s.io/e2e-test-images/agnhost:2.33"));
    expect_equal(out, want);
    json_decref(want);

    /* the surge test's env patch on top: the container keeps its image */
    {
        json_t *env =
            apply(out, "DaemonSet",
                  "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\","
                  "\"env\":[{\"name\":\"VERSION\",\"value\":\"2\"}]}]}}}}");
        json_t *again =
            apply(env, "DaemonSet",
                  "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\","
                  "\"env\":[{\"name\":\"VERSION\",\"value\":\"3\"}]}]}}}}");
        c = container(again, TPL_CONTAINERS, 0);
        assert_string_equal(json_string_value(json_object_get(c, "image")),
                            "registry.k8s.io/e2e-test-images/agnhost:2.33");
        assert_string_equal(json_string_value(json_object_get(c, "imagePullPolicy")),
                            "IfNotPresent");
        assert_int_equal(json_array_size(json_object_get(c, "env")), 1);
        assert_string_equal(json_string_value(json_object_get(
                                json_array_get(json_object_get(c, "env"), 0), "value")),
                            "3");
        json_decref(again);
        json_decref(env);
    }
    json_decref(out);
    json_decref(ns);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_apply_image),        cmocka_unit_test(test_rollout_undo),
        cmocka_unit_test(test_apply_remove_ports), cmocka_unit_test(test_apply_sidecar),
        cmocka_unit_test(test_rollout_restart),    cmocka_unit_test(test_node_taints_and_cordon),
        cmocka_unit_test(test_label_patches),      cmocka_unit_test(test_node_status),
        cmocka_unit_test(test_metadata_lists),     cmocka_unit_test(test_e2e_suite_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
