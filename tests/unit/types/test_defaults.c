/*
 * test_defaults.c -- types_default() against what the Kubernetes v1.32 API
 * server stores for the same input (minimal DaemonSet, Pod, Namespace,
 * Node, Service), plus idempotence and robustness on malformed shapes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "types/types_int.h"

static json_t *load(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    if (!j)
        fail_msg("bad test JSON: %s: %s", err.text, text);
    return j;
}

static const kind_info *kind(const char *group, const char *resource)
{
    const kind_info *k = types_by_resource(group, "v1", resource);
    assert_non_null(k);
    return k;
}

/* Default `in` and compare with `want` (both JSON texts). */
static void expect_defaults(const kind_info *k, const char *in, const char *want)
{
    json_t *obj = load(in), *exp = load(want);
    types_default(k, obj);
    if (!json_equal(obj, exp)) {
        char *got = json_dump_compact(obj, NULL);
        char *w = json_dump_compact(exp, NULL);
        fail_msg("defaults mismatch\n got: %s\nwant: %s", got, w);
    }
    /* Defaulting is idempotent. */
    json_t *again = json_deep_copy(obj);
    types_default(k, again);
    assert_true(json_equal(obj, again));
    json_decref(again);
    json_decref(obj);
    json_decref(exp);
}

static const char *path_str(json_t *obj, const char *path)
{
    return json_string_value(json_path(obj, path));
}

/* The conformance suite's DaemonSet: the defaults it expects, and the
 * template the ControllerRevision data is built from. */
static void test_daemonset_minimal(void **state)
{
    expect_defaults(
        kind("apps", "daemonsets"),
        "{\"kind\":\"DaemonSet\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"daemon-set\"},"
        "\"spec\":{\"selector\":{\"matchLabels\":{\"daemonset-name\":\"daemon-set\"}},"
        "\"template\":{\"metadata\":{\"labels\":{\"daemonset-name\":\"daemon-set\"}},"
        "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"k8s.gcr.io/e2e-test-images/"
        "httpd:2.4.38-2\",\"ports\":[{\"containerPort\":9376}],\"resources\":{},"
        "\"securityContext\":{}}],\"securityContext\":{}}},\"updateStrategy\":{}}}",
        "{\"kind\":\"DaemonSet\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"daemon-set\"},"
        "\"spec\":{\"selector\":{\"matchLabels\":{\"daemonset-name\":\"daemon-set\"}},"
        "\"template\":{\"metadata\":{\"labels\":{\"daemonset-name\":\"daemon-set\"}},"
        "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"k8s.gcr.io/e2e-test-images/"
        "httpd:2.4.38-2\",\"ports\":[{\"containerPort\":9376,\"protocol\":\"TCP\"}],"
        "\"resources\":{},\"securityContext\":{},\"imagePullPolicy\":\"IfNotPresent\","
        "\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":"
        "\"File\"}],\"securityContext\":{},\"dnsPolicy\":\"ClusterFirst\",\"restartPolicy\":"
        "\"Always\",\"terminationGracePeriodSeconds\":30,\"schedulerName\":"
        "\"default-scheduler\"}},\"updateStrategy\":{\"type\":\"RollingUpdate\","
        "\"rollingUpdate\":{\"maxUnavailable\":1,\"maxSurge\":0}},\"revisionHistoryLimit\":10}}");
    (void)state;
}

static void test_daemonset_strategy(void **state)
{
    const kind_info *k = kind("apps", "daemonsets");
    json_t *o;

    /* OnDelete gets no rollingUpdate. */
    o = load("{\"spec\":{\"updateStrategy\":{\"type\":\"OnDelete\"}}}");
    types_default(k, o);
    assert_null(json_path(o, "spec.updateStrategy.rollingUpdate"));
    assert_string_equal(path_str(o, "spec.updateStrategy.type"), "OnDelete");
    json_decref(o);
    /* Each rolling update field is defaulted on its own. */
    o = load("{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"maxSurge\":\"20%\"}},"
             "\"revisionHistoryLimit\":3}}");
    types_default(k, o);
    assert_string_equal(path_str(o, "spec.updateStrategy.type"), "RollingUpdate");
    assert_string_equal(path_str(o, "spec.updateStrategy.rollingUpdate.maxSurge"), "20%");
    assert_int_equal(
        json_integer_value(json_path(o, "spec.updateStrategy.rollingUpdate.maxUnavailable")), 1);
    assert_int_equal(json_integer_value(json_path(o, "spec.revisionHistoryLimit")), 3);
    json_decref(o);
    /* Explicit nulls are Go's nil pointers: defaulted. */
    o = load("{\"spec\":{\"updateStrategy\":{\"type\":null,\"rollingUpdate\":null},"
             "\"revisionHistoryLimit\":null}}");
    types_default(k, o);
    assert_int_equal(json_integer_value(json_path(o, "spec.updateStrategy.rollingUpdate.maxSurge")),
                     0);
    assert_int_equal(json_integer_value(json_path(o, "spec.revisionHistoryLimit")), 10);
    json_decref(o);
    /* A template without metadata does not get creationTimestamp. */
    o = load("{\"spec\":{\"template\":{\"spec\":{}}}}");
    types_default(k, o);
    assert_null(json_path(o, "spec.template.metadata"));
    assert_string_equal(path_str(o, "spec.template.spec.restartPolicy"), "Always");
    json_decref(o);
    /* A missing template still gets pod spec defaults, like Go's zero value. */
    o = load("{\"spec\":{}}");
    types_default(k, o);
    assert_string_equal(path_str(o, "spec.template.spec.dnsPolicy"), "ClusterFirst");
    json_decref(o);
    (void)state;
}

static void test_pod_minimal(void **state)
{
    expect_defaults(
        kind("", "pods"),
        "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\","
        "\"image\":\"nginx\"}]}}",
        "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":"
        "\"nginx\",\"imagePullPolicy\":\"Always\",\"terminationMessagePath\":"
        "\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\",\"resources\":{}}],"
        "\"enableServiceLinks\":true,\"dnsPolicy\":\"ClusterFirst\",\"restartPolicy\":"
        "\"Always\",\"securityContext\":{},\"terminationGracePeriodSeconds\":30,"
        "\"schedulerName\":\"default-scheduler\"},\"status\":{\"phase\":\"Pending\"}}");
    (void)state;
}

static void test_pod_resources_and_ports(void **state)
{
    const kind_info *k = kind("", "pods");
    json_t *o = load("{\"spec\":{\"hostNetwork\":true,\"containers\":[{\"name\":\"c\","
                     "\"image\":\"x:1\",\"ports\":[{\"containerPort\":80},{\"containerPort\":53,"
                     "\"hostPort\":5353,\"protocol\":\"UDP\"}],\"resources\":{\"limits\":{"
                     "\"cpu\":0.5,\"memory\":\"1.5Gi\"},\"requests\":{\"cpu\":\"100m\"}}}],"
                     "\"initContainers\":[{\"name\":\"i\",\"image\":\"x\",\"resources\":{"
                     "\"limits\":{\"memory\":\"1024Mi\"}}}],\"overhead\":{\"cpu\":\"1000m\"}},"
                     "\"status\":{\"phase\":\"Running\"}}");
    types_default(k, o);
    /* limits copied into missing requests, all canonical */
    json_t *c = json_array_get(json_path(o, "spec.containers"), 0);
    assert_string_equal(path_str(c, "resources.limits.cpu"), "500m");
    assert_string_equal(path_str(c, "resources.limits.memory"), "1536Mi");
    assert_string_equal(path_str(c, "resources.requests.cpu"), "100m");
    assert_string_equal(path_str(c, "resources.requests.memory"), "1536Mi");
    json_t *p0 = json_array_get(json_object_get(c, "ports"), 0);
    json_t *p1 = json_array_get(json_object_get(c, "ports"), 1);
    assert_int_equal(json_integer_value(json_object_get(p0, "hostPort")), 80);
    assert_string_equal(json_string_value(json_object_get(p0, "protocol")), "TCP");
    assert_int_equal(json_integer_value(json_object_get(p1, "hostPort")), 5353);
    assert_string_equal(json_string_value(json_object_get(p1, "protocol")), "UDP");
    assert_string_equal(path_str(c, "imagePullPolicy"), "IfNotPresent");
    json_t *ic = json_array_get(json_path(o, "spec.initContainers"), 0);
    assert_string_equal(path_str(ic, "resources.requests.memory"), "1Gi");
    assert_string_equal(path_str(o, "spec.overhead.cpu"), "1");
    /* an existing phase is kept */
    assert_string_equal(path_str(o, "status.phase"), "Running");
    json_decref(o);
    (void)state;
}

static void test_template_has_no_pod_only_defaults(void **state)
{
    const kind_info *k = kind("apps", "daemonsets");
    json_t *o = load("{\"spec\":{\"template\":{\"spec\":{\"hostNetwork\":true,\"containers\":[{"
                     "\"name\":\"c\",\"image\":\"x\",\"ports\":[{\"containerPort\":80}],"
                     "\"resources\":{\"limits\":{\"cpu\":\"1\"}}}]}}}}");
    types_default(k, o);
    json_t *c = json_array_get(json_path(o, "spec.template.spec.containers"), 0);
    assert_null(json_path(c, "resources.requests"));
    assert_null(json_object_get(json_array_get(json_object_get(c, "ports"), 0), "hostPort"));
    assert_null(json_path(o, "spec.template.spec.enableServiceLinks"));
    assert_null(json_object_get(o, "status"));
    json_decref(o);
    (void)state;
}

struct pull_case {
    const char *image;
    const char *policy;
};

static void test_image_pull_policy(void **state)
{
    static const struct pull_case cases[] = {
        {"nginx", "Always"},
        {"nginx:latest", "Always"},
        {"nginx:1.25", "IfNotPresent"},
        {"library/nginx", "Always"},
        {"docker.io/library/nginx:latest", "Always"},
        {"registry.example.com:5000/team/app", "Always"},
        {"registry.example.com:5000/team/app:v2", "IfNotPresent"},
        {"localhost/app", "Always"},
        {"nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         "IfNotPresent"},
        {"nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         "Always"},
        {"foo:non-existent", "IfNotPresent"},
        {"Nginx", "IfNotPresent"}, /* invalid reference: parse error ignored */
        {"", "IfNotPresent"},
        {" nginx", "IfNotPresent"},
        {"a//b", "IfNotPresent"},
        {"my_app__x", "Always"},
        {"my-app---x:tag_1.2-b", "IfNotPresent"},
        {"nginx:", "IfNotPresent"},
    };
    const kind_info *k = kind("", "pods");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *o = json_pack("{s:{s:[{s:s,s:s}]}}", "spec", "containers", "name", "c", "image",
                              cases[i].image);
        types_default(k, o);
        const char *got =
            path_str(json_array_get(json_path(o, "spec.containers"), 0), "imagePullPolicy");
        if (strcmp(got, cases[i].policy) != 0)
            fail_msg("image %s: policy %s, want %s", cases[i].image, got, cases[i].policy);
        json_decref(o);
    }
    /* An explicit policy is kept. */
    json_t *o = load("{\"spec\":{\"containers\":[{\"image\":\"nginx\",\"imagePullPolicy\":"
                     "\"Never\"}]}}");
    types_default(k, o);
    assert_string_equal(
        path_str(json_array_get(json_path(o, "spec.containers"), 0), "imagePullPolicy"), "Never");
    json_decref(o);
    (void)state;
}

static void test_probes_env_lifecycle(void **state)
{
    const kind_info *k = kind("", "pods");
    json_t *o = load(
        "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x:1\","
        "\"livenessProbe\":{\"httpGet\":{\"port\":80}},"
        "\"readinessProbe\":{\"tcpSocket\":{\"port\":80},\"periodSeconds\":5,\"timeoutSeconds\":0},"
        "\"startupProbe\":{\"grpc\":{\"port\":9000}},"
        "\"lifecycle\":{\"preStop\":{\"httpGet\":{\"port\":80,\"scheme\":\"HTTPS\"}}},"
        "\"env\":[{\"name\":\"A\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.nodeName\"}}},"
        "{\"name\":\"B\",\"value\":\"b\"}]}]}}");
    types_default(k, o);
    json_t *c = json_array_get(json_path(o, "spec.containers"), 0);
    json_t *lp = json_object_get(c, "livenessProbe");
    assert_int_equal(json_integer_value(json_object_get(lp, "timeoutSeconds")), 1);
    assert_int_equal(json_integer_value(json_object_get(lp, "periodSeconds")), 10);
    assert_int_equal(json_integer_value(json_object_get(lp, "successThreshold")), 1);
    assert_int_equal(json_integer_value(json_object_get(lp, "failureThreshold")), 3);
    assert_string_equal(path_str(lp, "httpGet.path"), "/");
    assert_string_equal(path_str(lp, "httpGet.scheme"), "HTTP");
    json_t *rp = json_object_get(c, "readinessProbe");
    assert_int_equal(json_integer_value(json_object_get(rp, "periodSeconds")), 5);
    assert_int_equal(json_integer_value(json_object_get(rp, "timeoutSeconds")), 1);
    assert_string_equal(path_str(c, "startupProbe.grpc.service"), "");
    assert_string_equal(path_str(c, "lifecycle.preStop.httpGet.scheme"), "HTTPS");
    assert_string_equal(path_str(c, "lifecycle.preStop.httpGet.path"), "/");
    json_t *e0 = json_array_get(json_object_get(c, "env"), 0);
    assert_string_equal(path_str(e0, "valueFrom.fieldRef.apiVersion"), "v1");
    json_decref(o);
    (void)state;
}

static void test_volumes(void **state)
{
    const kind_info *k = kind("", "pods");
    json_t *o = load(
        "{\"spec\":{\"containers\":[],\"volumes\":["
        "{\"name\":\"a\"},"
        "{\"name\":\"b\",\"hostPath\":{\"path\":\"/x\"}},"
        "{\"name\":\"c\",\"secret\":{\"secretName\":\"s\"}},"
        "{\"name\":\"d\",\"configMap\":{\"name\":\"m\",\"defaultMode\":256}},"
        "{\"name\":\"e\",\"downwardAPI\":{\"items\":[{\"path\":\"p\",\"fieldRef\":{\"fieldPath\":"
        "\"metadata.name\"}}]}},"
        "{\"name\":\"f\",\"projected\":{\"sources\":[{\"serviceAccountToken\":{\"path\":\"t\"}},"
        "{\"downwardAPI\":{\"items\":[{\"path\":\"q\",\"fieldRef\":{\"fieldPath\":"
        "\"metadata.uid\"}}]}}]}},"
        "{\"name\":\"g\",\"emptyDir\":{\"sizeLimit\":\"1Gi\"}},"
        "{\"name\":\"h\",\"hostPath\":{\"path\":\"/y\",\"type\":\"Directory\"}}]}}");
    types_default(k, o);
    json_t *v = json_path(o, "spec.volumes");
    assert_true(json_is_object(json_object_get(json_array_get(v, 0), "emptyDir")));
    assert_string_equal(path_str(json_array_get(v, 1), "hostPath.type"), "");
    assert_int_equal(json_integer_value(json_path(json_array_get(v, 2), "secret.defaultMode")),
                     420);
    assert_int_equal(json_integer_value(json_path(json_array_get(v, 3), "configMap.defaultMode")),
                     256);
    json_t *e = json_array_get(v, 4);
    assert_int_equal(json_integer_value(json_path(e, "downwardAPI.defaultMode")), 420);
    assert_string_equal(
        path_str(json_array_get(json_path(e, "downwardAPI.items"), 0), "fieldRef.apiVersion"),
        "v1");
    json_t *f = json_array_get(v, 5);
    assert_int_equal(json_integer_value(json_path(f, "projected.defaultMode")), 420);
    json_t *srcs = json_path(f, "projected.sources");
    assert_int_equal(json_integer_value(json_path(json_array_get(srcs, 0),
                                                  "serviceAccountToken.expirationSeconds")),
                     3600);
    assert_string_equal(
        path_str(json_array_get(json_path(json_array_get(srcs, 1), "downwardAPI.items"), 0),
                 "fieldRef.apiVersion"),
        "v1");
    assert_string_equal(path_str(json_array_get(v, 6), "emptyDir.sizeLimit"), "1Gi");
    assert_null(json_object_get(json_array_get(v, 6), "hostPath"));
    assert_string_equal(path_str(json_array_get(v, 7), "hostPath.type"), "Directory");
    json_decref(o);
    (void)state;
}

static void test_namespace(void **state)
{
    const kind_info *k = kind("", "namespaces");
    expect_defaults(
        k, "{\"metadata\":{\"name\":\"team-a\"}}",
        "{\"metadata\":{\"name\":\"team-a\",\"labels\":{\"kubernetes.io/metadata.name\":"
        "\"team-a\"}},\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":"
        "\"Active\"}}");
    /* The label follows the name even when a client set it otherwise. */
    expect_defaults(
        k,
        "{\"metadata\":{\"name\":\"b\",\"labels\":{\"x\":\"y\",\"kubernetes.io/metadata.name\":"
        "\"z\"}},\"spec\":{\"finalizers\":[]},\"status\":{\"phase\":\"Terminating\"}}",
        "{\"metadata\":{\"name\":\"b\",\"labels\":{\"x\":\"y\",\"kubernetes.io/metadata.name\":"
        "\"b\"}},\"spec\":{\"finalizers\":[]},\"status\":{\"phase\":\"Terminating\"}}");
    /* A stored namespace whose finalizer was removed does not get it back. */
    expect_defaults(k, "{\"metadata\":{\"name\":\"c\",\"resourceVersion\":\"42\"},\"spec\":{}}",
                    "{\"metadata\":{\"name\":\"c\",\"resourceVersion\":\"42\",\"labels\":{"
                    "\"kubernetes.io/metadata.name\":\"c\"}},\"spec\":{},\"status\":{\"phase\":"
                    "\"Active\"}}");
    /* generateName only: no name yet, so no label. */
    expect_defaults(k, "{\"metadata\":{\"generateName\":\"e2e-\"}}",
                    "{\"metadata\":{\"generateName\":\"e2e-\"},\"spec\":{\"finalizers\":["
                    "\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}");
    (void)state;
}

static void test_node_and_others(void **state)
{
    expect_defaults(kind("", "nodes"),
                    "{\"metadata\":{\"name\":\"n1\"},\"status\":{\"capacity\":{\"cpu\":\"4\","
                    "\"memory\":\"8192Mi\",\"pods\":110}}}",
                    "{\"metadata\":{\"name\":\"n1\"},\"status\":{\"capacity\":{\"cpu\":\"4\","
                    "\"memory\":\"8Gi\",\"pods\":\"110\"},\"allocatable\":{\"cpu\":\"4\","
                    "\"memory\":\"8Gi\",\"pods\":\"110\"}}}");
    expect_defaults(
        kind("", "nodes"),
        "{\"status\":{\"capacity\":{\"cpu\":\"4\"},\"allocatable\":{\"cpu\":\"3500m\"}}}",
        "{\"status\":{\"capacity\":{\"cpu\":\"4\"},\"allocatable\":{\"cpu\":\"3500m\"}}}");
    expect_defaults(kind("coordination.k8s.io", "leases"),
                    "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"holderIdentity\":\"n1\"}}",
                    "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"holderIdentity\":\"n1\"}}");
    expect_defaults(kind("", "events"), "{\"metadata\":{\"name\":\"e\"},\"reason\":\"X\"}",
                    "{\"metadata\":{\"name\":\"e\"},\"reason\":\"X\"}");
    expect_defaults(kind("apps", "controllerrevisions"), "{\"data\":{\"spec\":{}},\"revision\":1}",
                    "{\"data\":{\"spec\":{}},\"revision\":1}");
    expect_defaults(kind("", "services"),
                    "{\"spec\":{\"ports\":[{\"port\":443},{\"port\":53,\"protocol\":\"UDP\","
                    "\"targetPort\":5353}]}}",
                    "{\"spec\":{\"ports\":[{\"port\":443,\"protocol\":\"TCP\",\"targetPort\":443},"
                    "{\"port\":53,\"protocol\":\"UDP\",\"targetPort\":5353}],\"sessionAffinity\":"
                    "\"None\",\"type\":\"ClusterIP\",\"internalTrafficPolicy\":\"Cluster\"}}");
    (void)state;
}

/* Wrong JSON types are left for validation: no crash, no rewrite. */
static void test_malformed_shapes(void **state)
{
    static const char *const inputs[] = {
        "{\"spec\":\"x\"}",
        "{\"spec\":{\"updateStrategy\":5,\"template\":[]}}",
        "{\"spec\":{\"updateStrategy\":{\"type\":7,\"rollingUpdate\":\"x\"}}}",
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":\"x\",\"volumes\":[1,null,\"a\",{}]}}}}",
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[1,{\"ports\":\"x\",\"env\":[3],"
        "\"resources\":[],\"livenessProbe\":\"p\",\"image\":5}]}}}}",
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"resources\":{\"limits\":[1]}}],"
        "\"securityContext\":\"x\"}}}}",
        "{\"metadata\":[],\"spec\":{\"containers\":[{\"resources\":{\"limits\":{\"cpu\":[]}}}]},"
        "\"status\":5}",
        "{\"metadata\":{\"name\":5,\"labels\":[1]},\"status\":{\"capacity\":\"x\"}}",
        "[]",
        "5",
        "null",
    };
    size_t nk;
    const kind_info *all = types_all(&nk);
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        for (size_t k = 0; k < nk; k++) {
            json_t *o = json_loads(inputs[i], JSON_DECODE_ANY, NULL);
            assert_non_null(o);
            types_default(&all[k], o);
            json_decref(o);
        }
    }
    /* A mistyped container keeps its wrong member. */
    json_t *o = load("{\"spec\":{\"containers\":[{\"resources\":[]}]}}");
    types_default(kind("", "pods"), o);
    assert_true(
        json_is_array(json_path(json_array_get(json_path(o, "spec.containers"), 0), "resources")));
    json_decref(o);
    types_default(NULL, NULL);
    types_default(kind("", "pods"), NULL);
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daemonset_minimal),
        cmocka_unit_test(test_daemonset_strategy),
        cmocka_unit_test(test_pod_minimal),
        cmocka_unit_test(test_pod_resources_and_ports),
        cmocka_unit_test(test_template_has_no_pod_only_defaults),
        cmocka_unit_test(test_image_pull_policy),
        cmocka_unit_test(test_probes_env_lifecycle),
        cmocka_unit_test(test_volumes),
        cmocka_unit_test(test_namespace),
        cmocka_unit_test(test_node_and_others),
        cmocka_unit_test(test_malformed_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
