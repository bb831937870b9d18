/*
 * test_unknown_fields.c -- unit tests of strict field validation
 * (openapi_unknown_fields): which keys count as unknown for each served
 * kind, the path format (".spec.foo", ".spec.template.spec.containers[0].x",
 * ".items[1].spec.x"), maps and open objects that accept any key, bad
 * input, and the bound on reported fields.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"
#include "openapi/openapi.h"

#include <stdlib.h>
#include <string.h>

static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *v = json_loads(text, 0, &err);
    if (!v)
        fail_msg("bad test JSON (%s): %s", err.text, text);
    return v;
}

/*
 * Check group/version/kind against `body` and expect exactly the paths in
 * `want` (a NULL-terminated list), in order.
 */
static void expect_unknown(const char *group, const char *version, const char *kind,
                           const char *body, const char *const *want)
{
    json_t *obj = parse(body);
    json_t *got = openapi_unknown_fields(group, version, kind, obj);
    size_t n = 0;

    if (!got)
        fail_msg("kind %s/%s %s not known", group, version, kind);
    assert_true(json_is_array(got));
    while (want[n])
        n++;
    if (json_array_size(got) != n) {
        char *s = json_dumps(got, JSON_COMPACT);
        fail_msg("%s: got %s, want %zu paths", body, s, n);
    }
    for (size_t i = 0; i < n; i++)
        assert_string_equal(json_string_value(json_array_get(got, i)), want[i]);
    json_decref(got);
    json_decref(obj);
}

#define NONE ((const char *const[]){NULL})
#define PATHS(...) ((const char *const[]){__VA_ARGS__, NULL})

static const char *const good_ds =
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"metadata\":{\"name\":\"nginx\","
    "\"namespace\":\"default\",\"labels\":{\"app\":\"nginx\",\"any/key\":\"x\"},"
    "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"{}\"},"
    "\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"X\",\"name\":\"x\",\"uid\":\"u\","
    "\"controller\":true}],\"managedFields\":[{\"manager\":\"kubectl\",\"fieldsType\":"
    "\"FieldsV1\",\"fieldsV1\":{\"f:spec\":{\"f:x\":{}}}}],\"creationTimestamp\":null},"
    "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"nginx\"},\"matchExpressions\":[{\"key\":"
    "\"a\",\"operator\":\"In\",\"values\":[\"b\"]}]},\"updateStrategy\":{\"type\":"
    "\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"10%\",\"maxSurge\":0}},"
    "\"minReadySeconds\":5,\"revisionHistoryLimit\":3,"
    "\"template\":{\"metadata\":{\"labels\":{\"app\":\"nginx\"}},\"spec\":{"
    "\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}],"
    "\"nodeSelector\":{\"kubernetes.io/os\":\"linux\"},"
    "\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{"
    "\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"k\",\"operator\":\"Exists\"}]}]}}},"
    "\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.27\",\"ports\":[{\"containerPort\":"
    "80,\"protocol\":\"TCP\"}],\"env\":[{\"name\":\"A\",\"valueFrom\":{\"fieldRef\":{"
    "\"fieldPath\":\"spec.nodeName\"}}}],\"resources\":{\"limits\":{\"cpu\":\"100m\","
    "\"example.com/gpu\":1},\"requests\":{\"memory\":\"64Mi\"}},\"volumeMounts\":[{\"name\":"
    "\"logs\",\"mountPath\":\"/var/log\"}],\"livenessProbe\":{\"httpGet\":{\"path\":\"/\","
    "\"port\":80,\"httpHeaders\":[{\"name\":\"h\",\"value\":\"v\"}]}},\"securityContext\":{"
    "\"privileged\":true,\"capabilities\":{\"add\":[\"NET_ADMIN\"]}}}],"
    "\"volumes\":[{\"name\":\"logs\",\"hostPath\":{\"path\":\"/var/log\",\"type\":"
    "\"Directory\"}},{\"name\":\"cfg\",\"configMap\":{\"name\":\"c\",\"items\":[{\"key\":\"k\","
    "\"path\":\"p\"}]}},{\"name\":\"old\",\"rbd\":{\"anything\":{\"goes\":1}}}]}}},"
    "\"status\":{\"currentNumberScheduled\":1,\"numberReady\":1,\"desiredNumberScheduled\":1,"
    "\"numberMisscheduled\":0,\"conditions\":[]}}";

static void test_valid_daemonset(void **state)
{
    (void)state;
    expect_unknown("apps", "v1", "DaemonSet", good_ds, NONE);
}

static void test_top_level(void **state)
{
    (void)state;
    expect_unknown("apps", "v1", "DaemonSet", "{\"apiVersion\":\"apps/v1\",\"kind\":\"x\"}", NONE);
    expect_unknown("apps", "v1", "DaemonSet", "{\"foo\":1}", PATHS(".foo"));
    expect_unknown("apps", "v1", "DaemonSet", "{\"Spec\":{}}", PATHS(".Spec"));
    expect_unknown("apps", "v1", "DaemonSet", "{\"spec\":{\"foo\":1,\"bar\":{\"x\":1}}}",
                   PATHS(".spec.foo", ".spec.bar"));
    expect_unknown("apps", "v1", "DaemonSet", "{\"metadata\":{\"nme\":\"x\"}}",
                   PATHS(".metadata.nme"));
    expect_unknown("apps", "v1", "DaemonSet", "{\"status\":{\"numberReddy\":1}}",
                   PATHS(".status.numberReddy"));
    expect_unknown("apps", "v1", "DaemonSet", "{}", NONE);
}

static void test_nested_arrays(void **state)
{
    (void)state;
    expect_unknown("apps", "v1", "DaemonSet",
                   "{\"spec\":{\"template\":{\"spec\":{\"containers\":["
                   "{\"name\":\"a\",\"imagee\":\"x\"}]}}}}",
                   PATHS(".spec.template.spec.containers[0].imagee"));
    expect_unknown("apps", "v1", "DaemonSet",
                   "{\"spec\":{\"template\":{\"spec\":{\"containers\":["
                   "{\"name\":\"a\"},{\"name\":\"b\",\"ports\":[{\"containerPort\":1},"
                   "{\"port\":2}]}]}}}}",
                   PATHS(".spec.template.spec.containers[1].ports[1].port"));
    expect_unknown("apps", "v1", "DaemonSet",
                   "{\"spec\":{\"template\":{\"spec\":{\"initContainers\":[{\"name\":\"i\","
                   "\"env\":[{\"name\":\"E\",\"valueFrom\":{\"secretKeyRef\":{\"key\":\"k\","
                   "\"nam\":\"s\"}}}]}],\"volumes\":[{\"name\":\"v\",\"hostPath\":{\"path\":\"/\","
                   "\"typ\":\"x\"}}]}}}}",
                   PATHS(".spec.template.spec.initContainers[0].env[0].valueFrom.secretKeyRef.nam",
                         ".spec.template.spec.volumes[0].hostPath.typ"));
    expect_unknown("apps", "v1", "DaemonSet",
                   "{\"metadata\":{\"ownerReferences\":[{\"uid\":\"u\",\"owner\":true}]}}",
                   PATHS(".metadata.ownerReferences[0].owner"));
    /* Template metadata is ObjectMeta too. */
    expect_unknown("apps", "v1", "DaemonSet",
                   "{\"spec\":{\"template\":{\"metadata\":{\"lables\":{}}}}}",
                   PATHS(".spec.template.metadata.lables"));
}

static void test_maps_and_open_objects(void **state)
{
    (void)state;
    /* Maps accept any key, including ones that look like fields. */
    expect_unknown("", "v1", "Pod",
                   "{\"metadata\":{\"labels\":{\"spec\":\"x\",\"foo\":\"y\"},"
                   "\"annotations\":{\"a\":\"b\"}},\"spec\":{\"nodeSelector\":{\"x\":\"y\"},"
                   "\"overhead\":{\"cpu\":\"1\"},\"containers\":[{\"name\":\"c\",\"resources\":{"
                   "\"limits\":{\"whatever\":\"1\"}}}]}}",
                   NONE);
    /* Open objects end the walk. */
    expect_unknown("apps", "v1", "ControllerRevision",
                   "{\"revision\":1,\"data\":{\"spec\":{\"anything\":{\"at\":\"all\"}}}}", NONE);
    expect_unknown("apps", "v1", "DaemonSet",
                   "{\"metadata\":{\"managedFields\":[{\"fieldsV1\":{\"f:x\":{}},"
                   "\"bogus\":1}]}}",
                   PATHS(".metadata.managedFields[0].bogus"));
    expect_unknown("", "v1", "Pod",
                   "{\"spec\":{\"volumes\":[{\"name\":\"v\",\"gcePersistentDisk\":{\"pdName\":"
                   "\"d\",\"unknownToUs\":1}},{\"name\":\"w\",\"nfs\":{\"server\":\"s\",\"path\":"
                   "\"/\",\"bad\":1}}]}}",
                   PATHS(".spec.volumes[1].nfs.bad"));
    /* Scalars with structure (IntOrString, Quantity, Time) are not walked. */
    expect_unknown("apps", "v1", "DaemonSet",
                   "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"maxSurge\":{\"x\":1}}}},"
                   "\"metadata\":{\"creationTimestamp\":{\"y\":2}}}",
                   NONE);
}

static void test_type_mismatch_is_not_unknown(void **state)
{
    (void)state;
    /* Wrong JSON types are someone else's error; only unknown keys count. */
    expect_unknown("apps", "v1", "DaemonSet",
                   "{\"spec\":\"text\",\"metadata\":[1,2],\"status\":null}", NONE);
    expect_unknown("apps", "v1", "DaemonSet",
                   "{\"spec\":{\"template\":{\"spec\":{\"containers\":{\"name\":\"x\"}}}}}", NONE);
    expect_unknown("apps", "v1", "DaemonSet",
                   "{\"spec\":{\"template\":{\"spec\":{\"containers\":[1,\"x\",null,"
                   "{\"nam\":1}]}}}}",
                   PATHS(".spec.template.spec.containers[3].nam"));
    expect_unknown("", "v1", "Pod", "{\"metadata\":{\"labels\":[\"a\"]}}", NONE);
}

static void test_other_kinds(void **state)
{
    (void)state;
    expect_unknown("", "v1", "Namespace",
                   "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"x\"},"
                   "\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Active\","
                   "\"conditions\":[{\"type\":\"T\",\"status\":\"True\",\"extra\":1}]}}",
                   PATHS(".status.conditions[0].extra"));
    expect_unknown("", "v1", "Node",
                   "{\"spec\":{\"taints\":[{\"key\":\"k\",\"effect\":\"NoSchedule\"},"
                   "{\"key\":\"k\",\"efect\":\"x\"}],\"unschedulable\":true},"
                   "\"status\":{\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":10250,"
                   "\"port\":1}},\"nodeInfo\":{\"kubeletVersion\":\"v1\"},\"capacity\":{"
                   "\"cpu\":\"2\"},\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"1\"}]}}",
                   PATHS(".spec.taints[1].efect", ".status.daemonEndpoints.kubeletEndpoint.port"));
    expect_unknown("", "v1", "Event",
                   "{\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\"},\"reason\":\"r\","
                   "\"source\":{\"component\":\"c\",\"node\":\"n\"},\"series\":{\"count\":2}}",
                   PATHS(".source.node"));
    expect_unknown("", "v1", "Service",
                   "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":\"http\"}],"
                   "\"selector\":{\"a\":\"b\"},\"typ\":\"x\"}}",
                   PATHS(".spec.typ"));
    expect_unknown("coordination.k8s.io", "v1", "Lease",
                   "{\"spec\":{\"holderIdentity\":\"n1\",\"renewTime\":"
                   "\"2024-01-01T00:00:00.000000Z\",\"leaseDurationSeconds\":40,\"x\":1}}",
                   PATHS(".spec.x"));
    expect_unknown("", "v1", "DeleteOptions",
                   "{\"propagationPolicy\":\"Background\",\"preconditions\":{\"uid\":\"u\","
                   "\"gen\":1}}",
                   PATHS(".preconditions.gen"));
    expect_unknown("apps", "v1", "DeleteOptions", "{\"gracePeriodSeconds\":0}", NONE);
}

static void test_lists(void **state)
{
    (void)state;
    expect_unknown("apps", "v1", "DaemonSetList",
                   "{\"metadata\":{\"resourceVersion\":\"1\",\"x\":1},\"items\":[{},"
                   "{\"spec\":{\"y\":1}}]}",
                   PATHS(".metadata.x", ".items[1].spec.y"));
    expect_unknown("", "v1", "PodList", "{\"items\":[]}", NONE);
}

static void test_unknown_kinds(void **state)
{
    (void)state;
    json_t *obj = parse("{\"spec\":{}}");

    assert_null(openapi_unknown_fields("apps", "v1", "Deployment", obj));
    assert_null(openapi_unknown_fields("", "v1", "DaemonSet", obj));
    assert_null(openapi_unknown_fields("apps", "v1beta1", "DaemonSet", obj));
    assert_null(openapi_unknown_fields("apps", "v1", "daemonset", obj));
    assert_null(openapi_unknown_fields("app", "v1", "DaemonSet", obj));
    assert_null(openapi_unknown_fields("apps", "v", "DaemonSet", obj));
    /* Nested types are not kinds. */
    assert_null(openapi_unknown_fields("", "v1", "PodSpec", obj));
    assert_null(openapi_unknown_fields("", "v1", "Container", obj));
    assert_null(openapi_unknown_fields(NULL, "v1", "Pod", obj));
    assert_null(openapi_unknown_fields("", NULL, "Pod", obj));
    assert_null(openapi_unknown_fields("", "v1", NULL, obj));
    assert_null(openapi_unknown_fields("", "v1", "", obj));
    json_decref(obj);
}

static void test_non_object_input(void **state)
{
    (void)state;
    const char *inputs[] = {"[]", "[{\"foo\":1}]", "null", "1", "\"s\""};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        json_t *v = json_loads(inputs[i], JSON_DECODE_ANY, NULL);
        json_t *got = openapi_unknown_fields("", "v1", "Pod", v);
        assert_non_null(got);
        assert_int_equal(json_array_size(got), 0);
        json_decref(got);
        json_decref(v);
    }
    json_t *got = openapi_unknown_fields("", "v1", "Pod", NULL);
    assert_non_null(got);
    assert_int_equal(json_array_size(got), 0);
    json_decref(got);
}

static void test_bounded_report(void **state)
{
    (void)state;
    json_t *obj = json_object();
    json_t *spec = json_obj_ensure(obj, "spec");
    char key[32];

    for (int i = 0; i < 500; i++) {
        snprintf(key, sizeof key, "bogus%d", i);
        json_object_set_new(spec, key, json_integer(i));
    }
    json_t *got = openapi_unknown_fields("", "v1", "Pod", obj);
    assert_int_equal(json_array_size(got), 100);
    assert_string_equal(json_string_value(json_array_get(got, 0)), ".spec.bogus0");
    json_decref(got);
    json_decref(obj);
}

static void test_deep_unknown_nesting(void **state)
{
    (void)state;
    /* Deep nesting below an unknown key is not walked at all. */
    json_t *inner = json_object();
    for (int i = 0; i < 10000; i++) {
        json_t *outer = json_object();
        json_object_set_new(outer, "x", inner);
        inner = outer;
    }
    json_t *obj = json_object();
    json_object_set_new(obj, "spec", inner);
    json_t *got = openapi_unknown_fields("apps", "v1", "DaemonSet", obj);
    assert_int_equal(json_array_size(got), 1);
    assert_string_equal(json_string_value(json_array_get(got, 0)), ".spec.x");
    json_decref(got);
    json_decref(obj);
}

static void test_long_keys(void **state)
{
    (void)state;
    /* Paths are built dynamically; very long keys come back whole. */
    size_t n = 5000;
    char *key = xmalloc(n + 1);
    memset(key, 'k', n);
    key[n] = '\0';
    json_t *obj = json_pack("{s:{s:i}}", "metadata", key, 1);
    json_t *got = openapi_unknown_fields("", "v1", "Namespace", obj);
    assert_int_equal(json_array_size(got), 1);
    const char *p = json_string_value(json_array_get(got, 0));
    assert_int_equal(strlen(p), n + strlen(".metadata."));
    assert_int_equal(strncmp(p, ".metadata.kkk", 13), 0);
    json_decref(got);
    json_decref(obj);
    free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_daemonset),
        cmocka_unit_test(test_top_level),
        cmocka_unit_test(test_nested_arrays),
        cmocka_unit_test(test_maps_and_open_objects),
        cmocka_unit_test(test_type_mismatch_is_not_unknown),
        cmocka_unit_test(test_other_kinds),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_unknown_kinds),
        cmocka_unit_test(test_non_object_input),
        cmocka_unit_test(test_bounded_report),
        cmocka_unit_test(test_deep_unknown_nesting),
        cmocka_unit_test(test_long_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
