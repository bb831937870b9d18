/*
 * test_validate.c -- types_validate() and the kind table: every rule is
 * checked with the exact field path and message the Kubernetes v1.32 API
 * server gives, valid objects are accepted, and malformed JSON shapes
 * (wrong types anywhere) give causes instead of crashes (run under
 * ASan+UBSan).  Pod and pod spec rules are in test_validate_pod.c.
 */
#include "validate_testutil.h"

/* ---- kind table -------------------------------------------------------- */

static void test_kind_table(void **state)
{
    size_t n = 0;
    const kind_info *all = types_all(&n);
    static const char *const order[] = {
        "events",   "namespaces",          "nodes",      "pods",        "replicationcontrollers",
        "serviceaccounts", "services", "controllerrevisions", "daemonsets", "replicasets", "leases"};
    assert_int_equal(n, 11);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(all[i].resource, order[i]);

    const kind_info *ds = types_by_resource("apps", "v1", "daemonsets");
    assert_ptr_equal(ds, types_by_kind("apps", "v1", "DaemonSet"));
    assert_string_equal(ds->list_kind, "DaemonSetList");
    assert_string_equal(ds->singular, "daemonset");
    assert_string_equal(ds->short_names[0], "ds");
    assert_null(ds->short_names[1]);
    assert_string_equal(ds->categories[0], "all");
    assert_true(ds->has_status && ds->spec_generation && ds->namespaced && !ds->read_only);
    assert_string_equal(types_api_version(ds), "apps/v1");
    assert_string_equal(types_qualified_resource(ds), "daemonsets.apps");

    const kind_info *sa = types_by_resource("", "v1", "serviceaccounts");
    assert_string_equal(sa->kind, "ServiceAccount");
    assert_true(sa->namespaced && !sa->read_only && !sa->has_status);
    assert_string_equal(sa->short_names[0], "sa");
    const kind_info *rs = types_by_resource("apps", "v1", "replicasets");
    assert_true(rs->read_only);
    assert_string_equal(types_qualified_resource(rs), "replicasets.apps");

    const kind_info *pod = types_by_resource("", "v1", "pods");
    assert_string_equal(pod->kind, "Pod");
    assert_true(pod->has_status && !pod->spec_generation);
    assert_string_equal(types_api_version(pod), "v1");
    assert_string_equal(types_qualified_resource(pod), "pods");
    assert_string_equal(pod->short_names[0], "po");

    const kind_info *ns = types_by_resource("", "v1", "namespaces");
    assert_false(ns->namespaced);
    for (size_t i = 0; ns->verbs[i]; i++)
        assert_string_not_equal(ns->verbs[i], "deletecollection");
    const kind_info *node = types_by_kind("", "v1", "Node");
    assert_false(node->namespaced);
    assert_string_equal(node->short_names[0], "no");
    const kind_info *svc = types_by_resource("", "v1", "services");
    assert_true(svc->read_only);
    assert_string_equal(svc->verbs[0], "get");
    assert_string_equal(svc->verbs[1], "list");
    assert_string_equal(svc->verbs[2], "watch");
    assert_null(svc->verbs[3]);
    const kind_info *lease = types_by_resource("coordination.k8s.io", "v1", "leases");
    assert_string_equal(types_api_version(lease), "coordination.k8s.io/v1");
    assert_string_equal(types_qualified_resource(lease), "leases.coordination.k8s.io");
    assert_null(lease->short_names);
    assert_string_equal(types_by_resource("", "v1", "events")->short_names[0], "ev");
    assert_string_equal(types_qualified_resource(types_by_kind("apps", "v1", "ControllerRevision")),
                        "controllerrevisions.apps");

    assert_null(types_by_resource("apps", "v2", "daemonsets"));
    assert_null(types_by_resource("", "v1", "daemonsets"));
    assert_null(types_by_resource("", "v1", "deployments"));
    assert_null(types_by_kind("apps", "v1", "Deployment"));
    assert_null(types_by_resource("", "v1", NULL));
    assert_string_equal(types_api_version(NULL), "");
    assert_string_equal(types_qualified_resource(NULL), "");
    (void)state;
}

static void test_dns_helpers(void **state)
{
    const char *msg = NULL;
    char long_name[300];

    assert_true(types_is_dns1123_subdomain("a.b-c.d", NULL));
    assert_true(types_is_dns1123_label("abc-1", &msg));
    assert_false(types_is_dns1123_subdomain("A", &msg));
    assert_string_equal(msg, SUBDOMAIN_MSG);
    assert_false(types_is_dns1123_subdomain("a..b", &msg));
    assert_false(types_is_dns1123_subdomain("-a", &msg));
    assert_false(types_is_dns1123_subdomain("", &msg));
    assert_false(types_is_dns1123_label("a.b", &msg));
    assert_string_equal(msg, "must not contain dots");
    assert_false(types_is_dns1123_label("a_b", &msg));
    assert_string_equal(msg, LABEL_MSG);
    memset(long_name, 'a', 64);
    long_name[64] = '\0';
    assert_false(types_is_dns1123_label(long_name, &msg));
    assert_string_equal(msg, "must be no more than 63 characters");
    assert_true(types_is_dns1123_subdomain(long_name, NULL));
    memset(long_name, 'a', 254);
    long_name[254] = '\0';
    assert_false(types_is_dns1123_subdomain(long_name, &msg));
    assert_string_equal(msg, "must be no more than 253 characters");
    assert_false(types_is_dns1123_label(NULL, &msg));
    (void)state;
}

/* ---- metadata ---------------------------------------------------------- */

static void test_metadata(void **state)
{
    json_t *c;
    char *big, *obj;

    c = run("pods",
            "{\"metadata\":{},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}", NULL,
            false, true);
    expect(c, "metadata.name", "Required value: name or generateName is required");
    expect(c, "metadata.namespace", "Required value");
    json_decref(c);

    c = run(
        "daemonsets",
        "{\"metadata\":{\"name\":\"Bad_Name\",\"namespace\":\"Bad_NS\",\"generateName\":\"Web-\","
        "\"generation\":-1,\"labels\":{\"a/b/c\":\"v\",\"-x\":\"v\",\"Example.com/k\":\"v\","
        "\"ok\":\"x "
        "y\",\"ok2\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"},"
        "\"annotations\":{\"Foo\":\"x\",\"bad key\":\"y\"}}}",
        NULL, false, true);
    expect(c, "metadata.name", "Invalid value: \"Bad_Name\": " SUBDOMAIN_MSG);
    expect(c, "metadata.generateName", "Invalid value: \"Web-\": " SUBDOMAIN_MSG);
    expect(c, "metadata.namespace", "Invalid value: \"Bad_NS\": " LABEL_MSG);
    expect(c, "metadata.generation", "Invalid value: -1: must be greater than or equal to 0");
    expect(c, "metadata.labels",
           "Invalid value: \"a/b/c\": a qualified name " QNAME_BODY
           " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    expect(c, "metadata.labels", "Invalid value: \"-x\": name part " QNAME_BODY);
    expect(c, "metadata.labels", "Invalid value: \"Example.com/k\": prefix part " SUBDOMAIN_MSG);
    expect(c, "metadata.labels", "Invalid value: \"x y\": " LABEL_VALUE_MSG);
    expect(
        c, "metadata.labels",
        "Invalid value: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": must "
        "be no more than 63 characters");
    expect(c, "metadata.annotations", "Invalid value: \"bad key\": name part " QNAME_BODY);
    assert_null(find(c, "metadata.annotations", "Invalid value: \"Foo\": name part " QNAME_BODY));
    json_decref(c);

    /* a valid generateName prefix and a label with an empty name part */
    c = run("namespaces",
            "{\"metadata\":{\"name\":\"ns1\",\"generateName\":\"web-\","
            "\"labels\":{\"example.com/\":\"v\"}}}",
            NULL, false, true);
    expect_none_at(c, "metadata.generateName");
    expect(c, "metadata.labels", "Invalid value: \"example.com/\": name part must be non-empty");
    expect(c, "metadata.labels", "Invalid value: \"example.com/\": name part " QNAME_BODY);
    json_decref(c);

    /* total annotation size */
    big = malloc(300 * 1024);
    memset(big, 'x', 300 * 1024 - 1);
    big[300 * 1024 - 1] = '\0';
    obj = xasprintf("{\"metadata\":{\"name\":\"n\",\"annotations\":{\"a\":\"%s\"}}}", big);
    c = run("nodes", obj, NULL, false, true);
    expect(c, "metadata.annotations", "Too long: must have at most 262144 bytes");
    json_decref(c);
    free(obj);
    free(big);

    /* owner references and finalizers */
    c = run("nodes",
            "{\"metadata\":{\"name\":\"n\",\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":"
            "\"Pod\",\"name\":\"a\",\"uid\":\"1\",\"controller\":true},{\"apiVersion\":\"\","
            "\"kind\":\"Pod\",\"name\":\"b\",\"controller\":true}],\"finalizers\":[\"orphan\","
            "\"foregroundDeletion\",\"foo\",\"example.com/ok\"]}}",
            NULL, false, true);
    expect(c, "metadata.ownerReferences.apiVersion",
           "Invalid value: \"\": version must not be empty");
    expect(c, "metadata.ownerReferences.uid", "Invalid value: \"\": must not be empty");
    expect_prefix(c, "metadata.ownerReferences", "Invalid value: [{\"apiVersion\":\"v1\"");
    assert_non_null(strstr(
        json_string_value(json_object_get(find(c, "metadata.ownerReferences", NULL), "message")),
        "Only one reference can have Controller set to true. Found \"true\" in "
        "references for Pod/a and Pod/b"));
    expect(c, "metadata.finalizers",
           "Invalid value: []string{\"orphan\", \"foregroundDeletion\", \"foo\", "
           "\"example.com/ok\"}: finalizer orphan and foregroundDeletion cannot be both set");
    expect(c, "metadata.finalizers[2]",
           "Invalid value: \"foo\": name is neither a standard finalizer name nor is it fully "
           "qualified");
    expect_none_at(c, "metadata.finalizers[3]");
    json_decref(c);
    (void)state;
}

static void test_metadata_update(void **state)
{
    json_t *c;
    const char *old =
        "{\"metadata\":{\"name\":\"n1\",\"uid\":\"u1\",\"generation\":3,"
        "\"deletionTimestamp\":\"2024-01-02T03:04:05Z\",\"finalizers\":[\"a.io/x\"]}}";

    c = run("nodes",
            "{\"metadata\":{\"name\":\"n2\",\"uid\":\"u2\",\"generation\":2,\"namespace\":\"x\","
            "\"finalizers\":[\"a.io/x\",\"b.io/y\"]}}",
            old, false, true);
    expect(c, "metadata.name", "Invalid value: \"n2\": field is immutable");
    expect(c, "metadata.uid", "Invalid value: \"u2\": field is immutable");
    expect(c, "metadata.generation", "Invalid value: 2: must not be decremented");
    expect(c, "metadata.namespace", "Forbidden: not allowed on this type");
    expect(c, "metadata.namespace", "Invalid value: \"x\": field is immutable");
    expect(c, "metadata.finalizers",
           "Forbidden: no new finalizers can be added if the object is being deleted, found new "
           "finalizers []string{\"b.io/y\"}");
    json_decref(c);
    /* A carried-over uid, a kept deletionTimestamp: fine. */
    c = run("nodes",
            "{\"metadata\":{\"name\":\"n1\",\"generation\":3,\"deletionTimestamp\":"
            "\"2024-01-02T03:04:05Z\"}}",
            old, false, true);
    expect_valid(c);
    /* Setting a deletionTimestamp by update is not allowed. */
    c = run("nodes",
            "{\"metadata\":{\"name\":\"n1\",\"deletionTimestamp\":\"2024-01-02T03:04:05Z\"}}",
            "{\"metadata\":{\"name\":\"n1\"}}", false, true);
    expect(c, "metadata.deletionTimestamp",
           "Invalid value: 2024-01-02 03:04:05 +0000 UTC: field is immutable");
    json_decref(c);
    (void)state;
}

/* ---- DaemonSet --------------------------------------------------------- */

static void test_daemonset_valid(void **state)
{
    expect_valid(run("daemonsets", DS_OK, NULL, false, true));
    /* an update that changes only the template is fine */
    char *upd = ds_with("{\"containers\":[{\"name\":\"app\",\"image\":\"agnhost:2.33\"}]}", NULL);
    char *old = ds_with("{\"containers\":[{\"name\":\"app\",\"image\":\"httpd\"}]}", NULL);
    expect_valid(run("daemonsets", upd, old, false, true));
    free(upd);
    free(old);
    (void)state;
}

static void test_daemonset_selector(void **state)
{
    json_t *c;

    c = run("daemonsets",
            "{\"metadata\":{\"name\":\"x\",\"namespace\":\"ns\"},\"spec\":{\"selector\":{"
            "\"matchLabels\":{\"app\":\"a\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":"
            "\"b\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}",
            NULL, false, true);
    expect(c, "spec.template.metadata.labels",
           "Invalid value: map[string]string{\"app\":\"b\"}: `selector` does not match template "
           "`labels`");
    assert_int_equal(json_array_size(c), 1);
    json_decref(c);

    c = run("daemonsets",
            "{\"metadata\":{\"name\":\"x\",\"namespace\":\"ns\"},\"spec\":{\"selector\":{},"
            "\"template\":{\"metadata\":{\"labels\":{\"app\":\"b\"}},\"spec\":{\"containers\":[{"
            "\"name\":\"c\",\"image\":\"i\"}]}}}}",
            NULL, false, true);
    expect(c, "spec.selector",
           "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
           "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
           "daemonset");
    expect_none_at(c, "spec.template.metadata.labels");
    json_decref(c);

    /* no selector at all selects nothing, so the labels cannot match */
    c = run("daemonsets",
            "{\"metadata\":{\"name\":\"x\",\"namespace\":\"ns\"},\"spec\":{\"template\":{"
            "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}",
            NULL, false, true);
    expect(c, "spec.template.metadata.labels",
           "Invalid value: map[string]string(nil): `selector` does not match template `labels`");
    json_decref(c);

    c = run(
        "daemonsets",
        "{\"metadata\":{\"name\":\"x\",\"namespace\":\"ns\"},\"spec\":{\"selector\":{"
        "\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\"},{\"key\":\"b\","
        "\"operator\":\"Exists\",\"values\":[\"x\"]},{\"key\":\"c\",\"operator\":\"Like\","
        "\"values\":[\"x\"]},{\"key\":\"bad key\",\"operator\":\"NotIn\",\"values\":[\"a b\"]}]},"
        "\"template\":{\"metadata\":{\"labels\":{\"app\":\"b\",\"x\":\"-\"}},\"spec\":{"
        "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}",
        NULL, false, true);
    expect(c, "spec.selector.matchExpressions[0].values",
           "Required value: must be specified when `operator` is 'In' or 'NotIn'");
    expect(c, "spec.selector.matchExpressions[1].values",
           "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    expect(c, "spec.selector.matchExpressions[2].operator",
           "Invalid value: \"Like\": not a valid selector operator");
    expect(c, "spec.selector.matchExpressions[3].key",
           "Invalid value: \"bad key\": name part " QNAME_BODY);
    expect(c, "spec.selector.matchExpressions[3].values[0]",
           "Invalid value: \"a b\": " LABEL_VALUE_MSG);
    /* an uncompilable selector skips the match check */
    expect_none_at(c, "spec.template.metadata.labels");
    /* template labels are reported without "metadata", as upstream does */
    expect(c, "spec.template.labels", "Invalid value: \"-\": " LABEL_VALUE_MSG);
    json_decref(c);

    /* matchExpressions that do match */
    c = run(
        "daemonsets",
        "{\"metadata\":{\"name\":\"x\",\"namespace\":\"ns\"},\"spec\":{\"selector\":{"
        "\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]},"
        "{\"key\":\"tier\",\"operator\":\"DoesNotExist\"},{\"key\":\"env\",\"operator\":"
        "\"NotIn\",\"values\":[\"prod\"]}]},\"template\":{\"metadata\":{\"labels\":{\"app\":"
        "\"b\",\"env\":\"dev\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}",
        NULL, false, true);
    expect_valid(c);
    (void)state;
}

static void test_daemonset_template_rules(void **state)
{
    json_t *c;
    char *ds = ds_with("{\"restartPolicy\":\"Never\",\"activeDeadlineSeconds\":10,\"containers\":[{"
                       "\"name\":\"c\",\"image\":\"i\"}]}",
                       "\"minReadySeconds\":-1,\"revisionHistoryLimit\":-1");
    c = run("daemonsets", ds, NULL, false, true);
    expect(c, "spec.template.spec.restartPolicy",
           "Unsupported value: \"Never\": supported values: \"Always\"");
    expect(c, "spec.template.spec.activeDeadlineSeconds",
           "Forbidden: activeDeadlineSeconds in DaemonSet is not Supported");
    expect(c, "spec.minReadySeconds", "Invalid value: -1: must be greater than or equal to 0");
    expect(c, "spec.revisionHistoryLimit", "Invalid value: -1: must be greater than or equal to 0");
    json_decref(c);
    free(ds);

    /* templates skip pod-only checks: ephemeral containers are refused */
    ds = ds_with("{\"containers\":[{\"name\":\"c\",\"image\":\" i \"}],\"ephemeralContainers\":[{"
                 "\"name\":\"e\",\"image\":\"x\"}]}",
                 NULL);
    c = run("daemonsets", ds, NULL, false, true);
    expect(c, "spec.template.spec.ephemeralContainers",
           "Forbidden: ephemeral containers not allowed in pod template");
    expect_none_at(c, "spec.template.spec.containers[0].image");
    json_decref(c);
    free(ds);
    (void)state;
}

static void test_daemonset_update_strategy(void **state)
{
    json_t *c;
    char *ds;

    ds = ds_with("{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}",
                 "\"updateStrategy\":{\"type\":\"Foo\"}");
    c = run("daemonsets", ds, NULL, false, true);
    expect(
        c, "spec.updateStrategy",
        "Unsupported value: apps.DaemonSetUpdateStrategy{Type:\"Foo\", "
        "RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: \"RollingUpdate\", "
        "\"OnDelete\"");
    json_decref(c);
    free(ds);

    ds = ds_with("{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}",
                 "\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{"
                 "\"maxUnavailable\":0,\"maxSurge\":0}}");
    c = run("daemonsets", ds, NULL, false, true);
    expect(c, "spec.updateStrategy.rollingUpdate.maxUnavailable",
           "Required value: cannot be 0 when maxSurge is 0");
    json_decref(c);
    free(ds);

    ds = ds_with(
        "{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}",
        "\"updateStrategy\":{\"rollingUpdate\":{\"maxUnavailable\":\"10%\",\"maxSurge\":1}}");
    c = run("daemonsets", ds, NULL, false, true);
    expect(c, "spec.updateStrategy.rollingUpdate.maxSurge",
           "Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:\"\"}: may not be set when "
           "maxUnavailable is non-zero");
    json_decref(c);
    free(ds);

    ds = ds_with("{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}",
                 "\"updateStrategy\":{\"rollingUpdate\":{\"maxUnavailable\":\"150%\","
                 "\"maxSurge\":\"x\"}}");
    c = run("daemonsets", ds, NULL, false, true);
    expect(
        c, "spec.updateStrategy.rollingUpdate.maxUnavailable",
        "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater "
        "than 100%");
    expect(c, "spec.updateStrategy.rollingUpdate.maxSurge",
           "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"x\"}: a valid percent "
           "string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex "
           "used for validation is '[0-9]+%')");
    json_decref(c);
    free(ds);

    ds =
        ds_with("{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}",
                "\"updateStrategy\":{\"rollingUpdate\":{\"maxUnavailable\":-2,\"maxSurge\":true}}");
    c = run("daemonsets", ds, NULL, false, true);
    expect(c, "spec.updateStrategy.rollingUpdate.maxUnavailable",
           "Invalid value: -2: must be greater than or equal to 0");
    expect(c, "spec.updateStrategy.rollingUpdate.maxSurge",
           "Invalid value: true: must be an integer or percentage (e.g '5%%')");
    json_decref(c);
    free(ds);

    /* RollingUpdate without its parameters (no defaulting) */
    ds = ds_with("{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}],\"restartPolicy\":\"Always\","
                 "\"dnsPolicy\":\"ClusterFirst\",\"terminationGracePeriodSeconds\":30}",
                 "\"updateStrategy\":{\"type\":\"RollingUpdate\"}");
    c = run("daemonsets", ds, NULL, false, false);
    expect(c, "spec.updateStrategy.rollingUpdate", "Required value");
    expect(c, "spec.template.spec.containers[0].terminationMessagePolicy", "Required value");
    expect(c, "spec.template.spec.containers[0].imagePullPolicy", "Required value");
    json_decref(c);
    free(ds);

    /* percentages and OnDelete are fine */
    ds = ds_with("{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}",
                 "\"updateStrategy\":{\"rollingUpdate\":{\"maxUnavailable\":0,\"maxSurge\":"
                 "\"20%\"}},\"minReadySeconds\":10");
    expect_valid(run("daemonsets", ds, NULL, false, true));
    free(ds);
    ds = ds_with("{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}",
                 "\"updateStrategy\":{\"type\":\"OnDelete\"}");
    expect_valid(run("daemonsets", ds, NULL, false, true));
    free(ds);
    (void)state;
}

static void test_daemonset_update_and_status(void **state)
{
    json_t *c;
    const char *old = "{\"metadata\":{\"name\":\"ds\",\"namespace\":\"ns\",\"generation\":1},"
                      "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"a\"}},\"template\":{"
                      "\"metadata\":{\"labels\":{\"app\":\"a\",\"v\":\"1\"}},\"spec\":{"
                      "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}},\"status\":{"
                      "\"collisionCount\":2,\"numberReady\":1}}";

    c = run(
        "daemonsets",
        "{\"metadata\":{\"name\":\"ds\",\"namespace\":\"ns\",\"generation\":1},\"spec\":{"
        "\"selector\":{\"matchLabels\":{\"app\":\"a\",\"v\":\"1\"}},\"template\":{\"metadata\":{"
        "\"labels\":{\"app\":\"a\",\"v\":\"1\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
        "\"image\":\"i\"}]}}}}",
        old, false, true);
    expect(
        c, "spec.selector",
        "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"a\", "
        "\"v\":\"1\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
    json_decref(c);

    /* an empty matchExpressions list is the same selector */
    c = run("daemonsets",
            "{\"metadata\":{\"name\":\"ds\",\"namespace\":\"ns\",\"generation\":1},\"spec\":{"
            "\"selector\":{\"matchLabels\":{\"app\":\"a\"},\"matchExpressions\":[]},\"template\":{"
            "\"metadata\":{\"labels\":{\"app\":\"a\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
            "\"image\":\"i2\"}]}}}}",
            old, false, true);
    expect_valid(c);

    /* status writes check the status, not the spec */
    c = run("daemonsets",
            "{\"metadata\":{\"name\":\"ds\",\"namespace\":\"ns\",\"generation\":1},\"spec\":{"
            "\"selector\":null},\"status\":{\"collisionCount\":1,\"numberReady\":-1,"
            "\"desiredNumberScheduled\":\"3\",\"conditions\":[{\"type\":\"StatusUpdate\","
            "\"status\":\"True\"},5]}}",
            old, true, false);
    expect(c, "status.numberReady", "Invalid value: -1: must be greater than or equal to 0");
    expect(c, "status.collisionCount", "Invalid value: 1: cannot be decremented");
    expect(c, "status.desiredNumberScheduled", "Invalid value: \"3\": must be of type integer");
    expect(c, "status.conditions[1]", "Invalid value: 5: must be of type object");
    expect_none_at(c, "spec.selector");
    json_decref(c);
    c = run("daemonsets",
            "{\"metadata\":{\"name\":\"ds\",\"namespace\":\"ns\",\"generation\":1},\"status\":{"
            "\"collisionCount\":2,\"currentNumberScheduled\":3,\"numberMisscheduled\":0,"
            "\"desiredNumberScheduled\":3,\"numberReady\":3,\"observedGeneration\":1,"
            "\"conditions\":[{\"type\":\"StatusUpdate\",\"status\":\"True\",\"reason\":\"E2E\"}]}}",
            old, true, false);
    expect_valid(c);
    (void)state;
}

/* ---- ControllerRevision and Lease -------------------------------------- */

static void test_controller_revision(void **state)
{
    json_t *c;

    c = run("controllerrevisions",
            "{\"metadata\":{\"name\":\"ds-abc\",\"namespace\":\"ns\"},\"revision\":-1}", NULL,
            false, true);
    expect(c, "data", "Required value: data is mandatory");
    expect(c, "revision", "Invalid value: -1: must be greater than or equal to 0");
    json_decref(c);
    c = run("controllerrevisions",
            "{\"metadata\":{\"name\":\"ds-abc\",\"namespace\":\"ns\"},\"revision\":2,\"data\":{"
            "\"spec\":{\"template\":{\"$patch\":\"replace\"}}}}",
            NULL, false, true);
    expect_valid(c);
    c = run("controllerrevisions",
            "{\"metadata\":{\"name\":\"ds-abc\",\"namespace\":\"ns\"},\"revision\":3,\"data\":{"
            "\"spec\":1}}",
            "{\"metadata\":{\"name\":\"ds-abc\",\"namespace\":\"ns\"},\"revision\":2,\"data\":{"
            "\"spec\":2}}",
            false, true);
    expect(c, "data", "Invalid value: {\"spec\":1}: field is immutable");
    expect_none_at(c, "revision");
    json_decref(c);
    (void)state;
}

static void test_lease(void **state)
{
    json_t *c;

    c = run("leases",
            "{\"metadata\":{\"name\":\"n1\",\"namespace\":\"kube-node-lease\"},\"spec\":{"
            "\"leaseDurationSeconds\":0,\"leaseTransitions\":-1,\"preferredHolder\":\"x\","
            "\"holderIdentity\":5}}",
            NULL, false, true);
    expect(c, "spec.leaseDurationSeconds", "Invalid value: 0: must be greater than 0");
    expect(c, "spec.leaseTransitions", "Invalid value: -1: must be greater than or equal to 0");
    expect(c, "spec.preferredHolder", "Forbidden: may only be specified if `strategy` is defined");
    expect(c, "spec.holderIdentity", "Invalid value: 5: must be of type string");
    json_decref(c);
    c = run("leases",
            "{\"metadata\":{\"name\":\"n1\",\"namespace\":\"kube-node-lease\"},\"spec\":{"
            "\"strategy\":\"Newest\"}}",
            NULL, false, true);
    /* upstream names the field twice */
    expect(c, "spec.strategy.strategy",
           "Unsupported value: \"Newest\": supported values: \"OldestEmulationVersion\"");
    json_decref(c);
    c = run("leases",
            "{\"metadata\":{\"name\":\"n1\",\"namespace\":\"kube-node-lease\"},\"spec\":{"
            "\"holderIdentity\":\"n1\",\"leaseDurationSeconds\":40,\"renewTime\":"
            "\"2024-01-01T00:00:00.000000Z\"}}",
            NULL, false, true);
    expect_valid(c);
    (void)state;
}

/* ---- nodes, namespaces, events ----------------------------------------- */

static void test_node(void **state)
{
    json_t *c =
        run("nodes",
            "{\"metadata\":{\"name\":\"n1\",\"namespace\":\"x\"},\"spec\":{\"podCIDRs\":["
            "\"10.0.0.0/24\",\"10.1.0.0/24\",\"10.0.0.0/24\",\"nope\"],\"taints\":[{\"key\":"
            "\"a\",\"effect\":\"NoSchedule\"},{\"key\":\"a\",\"value\":\"b\",\"effect\":"
            "\"NoSchedule\"},{\"key\":\"c\",\"effect\":\"Bad\"},{\"key\":\"bad key\","
            "\"value\":\"x y\"}]},\"status\":{\"capacity\":{\"cpu\":\"2\",\"pods\":\"110.5\","
            "\"memory\":\"-1\"},\"allocatable\":{\"cpu\":\"1\"}}}",
            NULL, false, true);
    expect(c, "metadata.namespace", "Forbidden: not allowed on this type");
    expect(c, "metadata.taints[1]",
           "Duplicate value: core.Taint{Key:\"a\", Value:\"b\", Effect:\"NoSchedule\", "
           "TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair");
    expect(c, "metadata.taints[2].effect",
           "Unsupported value: \"Bad\": supported values: \"NoSchedule\", \"PreferNoSchedule\", "
           "\"NoExecute\"");
    expect(c, "metadata.taints[3].key", "Invalid value: \"bad key\": name part " QNAME_BODY);
    expect(c, "metadata.taints[3].value", "Invalid value: \"x y\": " LABEL_VALUE_MSG);
    expect(c, "metadata.taints[3].effect", "Required value");
    expect(c, "status.capacity.pods", "Invalid value: 110500m: must be an integer");
    expect(c, "status.capacity.memory",
           "Invalid value: \"-1\": must be greater than or equal to 0");
    expect(
        c, "spec.podCIDRs[3]",
        "Invalid value: \"nope\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
    expect_prefix(c, "spec.podCIDRs", "Invalid value: []string{\"10.0.0.0/24\"");
    expect(c, "spec.podCIDRs[2]", "Duplicate value: \"10.0.0.0/24\"");
    json_decref(c);

    const char *old = "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"podCIDR\":\"10.0.0.0/24\","
                      "\"providerID\":\"p1\"}}";
    c = run("nodes",
            "{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"podCIDR\":\"10.9.0.0/24\",\"providerID\":"
            "\"p2\"},\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"1.1.1.1\"},"
            "{\"type\":\"InternalIP\",\"address\":\"1.1.1.1\"}]}}",
            old, false, true);
    expect(c, "spec.podCIDRs",
           "Forbidden: node updates may not change podCIDR except from \"\" to valid");
    expect(c, "spec.providerID",
           "Forbidden: node updates may not change providerID except from \"\" to valid");
    expect(c, "status.addresses[1]",
           "Duplicate value: core.NodeAddress{Type:\"InternalIP\", Address:\"1.1.1.1\"}");
    json_decref(c);
    /* the e2e suite's relabel update and a status write are fine */
    c = run(
        "nodes",
        "{\"metadata\":{\"name\":\"n1\",\"labels\":{\"daemonset-color\":\"blue\"}},\"spec\":{"
        "\"podCIDR\":\"10.0.0.0/24\",\"providerID\":\"p1\",\"unschedulable\":false},\"status\":{"
        "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}",
        old, true, true);
    expect_valid(c);
    (void)state;
}

static void test_namespace(void **state)
{
    json_t *c = run("namespaces",
                    "{\"metadata\":{\"name\":\"my.ns\"},\"spec\":{\"finalizers\":["
                    "\"foo\",\"example.com/x\",\"bad key\"]}}",
                    NULL, false, true);
    expect(c, "metadata.name", "Invalid value: \"my.ns\": must not contain dots");
    expect(c, "spec.finalizers",
           "Invalid value: \"foo\": name is neither a standard finalizer name nor is it fully "
           "qualified");
    expect(c, "spec.finalizers", "Invalid value: \"bad key\": name part " QNAME_BODY);
    json_decref(c);
    expect_valid(run("namespaces",
                     "{\"metadata\":{\"name\":\"daemonsets-1234\",\"labels\":{"
                     "\"e2e-framework\":\"daemonsets\"}}}",
                     NULL, false, true));

    const char *old = "{\"metadata\":{\"name\":\"a\"},\"status\":{\"phase\":\"Active\"}}";
    c = run("namespaces", "{\"metadata\":{\"name\":\"a\"},\"status\":{\"phase\":\"Terminating\"}}",
            old, true, false);
    expect(c, "status.Phase",
           "Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty");
    json_decref(c);
    c = run("namespaces",
            "{\"metadata\":{\"name\":\"a\",\"deletionTimestamp\":\"2024-01-01T00:00:00Z\"},"
            "\"status\":{\"phase\":\"Active\"}}",
            "{\"metadata\":{\"name\":\"a\",\"deletionTimestamp\":\"2024-01-01T00:00:00Z\"}}", true,
            false);
    expect(c, "status.Phase",
           "Invalid value: \"Active\": may only be 'Terminating' if `deletionTimestamp` is not "
           "empty");
    json_decref(c);
    (void)state;
}

static void test_event(void **state)
{
    json_t *c;

    c = run("events",
            "{\"metadata\":{\"name\":\"e\",\"namespace\":\"ns\"},\"involvedObject\":{"
            "\"kind\":\"Pod\",\"namespace\":\"other\"}}",
            NULL, false, true);
    expect(c, "involvedObject.namespace",
           "Invalid value: \"other\": does not match event.namespace");
    json_decref(c);
    c = run("events",
            "{\"metadata\":{\"name\":\"e\",\"namespace\":\"ns\"},\"involvedObject\":{"
            "\"kind\":\"Node\",\"name\":\"n1\"}}",
            NULL, false, true);
    expect(c, "involvedObject.namespace", "Invalid value: \"\": does not match event.namespace");
    json_decref(c);
    expect_valid(run("events",
                     "{\"metadata\":{\"name\":\"n1.17\",\"namespace\":\"default\"},"
                     "\"involvedObject\":{\"kind\":\"Node\",\"name\":\"n1\"},\"reason\":"
                     "\"Starting\",\"type\":\"Normal\",\"count\":1}",
                     NULL, false, true));
    /* names only need to be safe path segments */
    c = run("events",
            "{\"metadata\":{\"name\":\"a/b\",\"namespace\":\"ns\"},\"involvedObject\":{"
            "\"namespace\":\"ns\"}}",
            NULL, false, true);
    expect(c, "metadata.name", "Invalid value: \"a/b\": may not contain '/'");
    json_decref(c);
    c = run("events",
            "{\"metadata\":{\"name\":\"..\",\"namespace\":\"ns\"},\"involvedObject\":{"
            "\"namespace\":\"ns\"}}",
            NULL, false, true);
    expect(c, "metadata.name", "Invalid value: \"..\": may not be '..'");
    json_decref(c);
    /* new-style events (eventTime set) need reporting fields */
    c = run("events",
            "{\"metadata\":{\"name\":\"e\",\"namespace\":\"ns\"},\"eventTime\":"
            "\"2024-01-01T00:00:00.000000Z\",\"involvedObject\":{\"namespace\":\"ns\"}}",
            NULL, false, true);
    expect(c, "reportingController", "Required value");
    expect(c, "reportingInstance", "Required value");
    expect(c, "action", "Required value");
    expect(c, "reason", "Required value");
    json_decref(c);
    (void)state;
}

/* ---- malformed shapes -------------------------------------------------- */

static void test_wrong_types_give_causes(void **state)
{
    json_t *c;

    c = run("daemonsets",
            "{\"metadata\":{\"name\":\"x\",\"namespace\":\"n\",\"labels\":[1]},\"spec\":{"
            "\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"metadata\":{\"labels\":{"
            "\"a\":\"b\"}},\"spec\":{\"containers\":\"x\"}}}}",
            NULL, false, true);
    expect(c, "metadata.labels", "Invalid value: [1]: must be of type object");
    expect(c, "spec.template.spec.containers", "Invalid value: \"x\": must be of type array");
    assert_null(find(c, "spec.template.spec.containers", "Required value"));
    json_decref(c);

    c = run_pod("{\"containers\":[5,{\"name\":7,\"image\":\"i\",\"ports\":{},\"env\":[\"x\"],"
                "\"resources\":{\"limits\":{\"cpu\":[]}}}],\"nodeSelector\":{\"a\":1},"
                "\"terminationGracePeriodSeconds\":\"30\"}");
    expect(c, "spec.containers[0]", "Invalid value: 5: must be of type object");
    expect(c, "spec.containers[1].name", "Invalid value: 7: must be of type string");
    expect(c, "spec.containers[1].ports", "Invalid value: {}: must be of type array");
    expect(c, "spec.containers[1].env[0]", "Invalid value: \"x\": must be of type object");
    expect(c, "spec.containers[1].resources.limits[cpu]",
           "Invalid value: []: " TYPES_QTY_SYNTAX_MSG);
    expect(c, "spec.nodeSelector[a]", "Invalid value: 1: must be of type string");
    expect(c, "spec.terminationGracePeriodSeconds",
           "Invalid value: \"30\": must be of type integer");
    json_decref(c);

    c = run("leases", "{\"metadata\":\"x\",\"spec\":[]}", NULL, false, true);
    expect(c, "metadata", "Invalid value: \"x\": must be of type object");
    expect(c, "metadata.name", "Required value: name or generateName is required");
    expect(c, "spec", "Invalid value: []: must be of type object");
    json_decref(c);

    /* int32 overflow is a type error too */
    c = run("leases",
            "{\"metadata\":{\"name\":\"l\",\"namespace\":\"n\"},\"spec\":{"
            "\"leaseDurationSeconds\":3000000000}}",
            NULL, false, true);
    expect(c, "spec.leaseDurationSeconds", "Invalid value: 3000000000: must be of type int32");
    json_decref(c);

    /* a top-level non-object, and unknown kinds */
    json_t *causes = NULL;
    json_t *arr = json_array();
    assert_int_equal(types_validate(res("pods"), arr, NULL, false, &causes), EN_INVALID);
    expect(causes, "", "Invalid value: []: must be of type object");
    json_decref(causes);
    assert_int_equal(types_validate(res("pods"), NULL, NULL, false, NULL), EN_INVALID);
    json_t *obj = json_object();
    assert_int_equal(types_validate(NULL, obj, NULL, false, &causes), 0);
    assert_null(causes);
    json_decref(obj);
    json_decref(arr);
    (void)state;
}

/* Every position of a rich object replaced by every JSON type: defaulting
 * and validation (create, update, status) must neither crash nor leak. */
static const char *const replacements[] = {
    "\"x\"",
    "\"\"",
    "7",
    "-1",
    "1.5",
    "true",
    "null",
    "[]",
    "{}",
    "[1,\"a\",null]",
    "{\"a\":1,\"b\":[{}]}",
    "3000000000",
};

static size_t mutate_at(const kind_info *k, json_t *root, json_t *node, json_t *orig, size_t *runs);

static void check_variant(const kind_info *k, json_t *variant, json_t *orig, size_t *runs)
{
    json_t *causes = NULL;
    json_t *a = json_deep_copy(variant), *b = json_deep_copy(variant), *c = json_deep_copy(variant);
    types_default(k, a);
    types_validate(k, a, NULL, false, &causes);
    json_decref(causes);
    types_default(k, b);
    types_validate(k, b, orig, false, &causes);
    json_decref(causes);
    types_validate(k, c, orig, true, &causes);
    json_decref(causes);
    /* the mutated object as the *old* side of an update */
    json_t *o = json_deep_copy(orig);
    types_validate(k, o, variant, false, &causes);
    json_decref(causes);
    types_validate(k, o, variant, true, NULL);
    json_decref(o);
    json_decref(a);
    json_decref(b);
    json_decref(c);
    (*runs)++;
}

static size_t mutate_at(const kind_info *k, json_t *root, json_t *node, json_t *orig, size_t *runs)
{
    const char *key;
    json_t *val;
    size_t i, n = 0;

    if (json_is_object(node)) {
        json_object_foreach(node, key, val)
        {
            for (size_t r = 0; r < sizeof replacements / sizeof replacements[0]; r++) {
                json_t *saved = json_incref(val);
                json_object_set_new(node, key, json_loads(replacements[r], JSON_DECODE_ANY, NULL));
                check_variant(k, root, orig, runs);
                json_object_set_new(node, key, saved);
                n++;
            }
            n += mutate_at(k, root, val, orig, runs);
        }
    } else if (json_is_array(node)) {
        json_array_foreach(node, i, val)
        {
            for (size_t r = 0; r < sizeof replacements / sizeof replacements[0]; r++) {
                json_t *saved = json_incref(val);
                json_array_set_new(node, i, json_loads(replacements[r], JSON_DECODE_ANY, NULL));
                check_variant(k, root, orig, runs);
                json_array_set_new(node, i, saved);
                n++;
            }
            n += mutate_at(k, root, val, orig, runs);
        }
    }
    return n;
}

static void fuzz_kind(const char *resource, const char *text)
{
    const kind_info *k = res(resource);
    json_t *orig = load(text), *work = load(text);
    size_t runs = 0;

    types_default(k, orig);
    types_default(k, work);
    /* the object itself validates cleanly */
    json_t *causes = NULL;
    if (types_validate(k, orig, NULL, false, &causes) != 0) {
        dump(causes);
        fail_msg("fuzz seed for %s is not valid", resource);
    }
    size_t n = mutate_at(k, work, work, orig, &runs);
    assert_true(n > 50);
    assert_int_equal(n, runs);
    /* the walk restored everything */
    assert_true(json_equal(work, orig));
    json_decref(orig);
    json_decref(work);
}

static void test_fuzz_shapes(void **state)
{
    fuzz_kind(
        "daemonsets",
        "{\"metadata\":{\"name\":\"ds\",\"namespace\":\"ns\",\"labels\":{\"a\":\"b\"},"
        "\"annotations\":{\"x\":\"y\"},\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":"
        "\"X\",\"name\":\"n\",\"uid\":\"u\",\"controller\":true}],\"finalizers\":[\"a.io/b\"]},"
        "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"a\"},\"matchExpressions\":[{"
        "\"key\":\"t\",\"operator\":\"In\",\"values\":[\"x\"]}]},\"template\":{\"metadata\":{"
        "\"labels\":{\"app\":\"a\",\"t\":\"x\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
        "\"image\":\"i\",\"ports\":[{\"containerPort\":80}],\"env\":[{\"name\":\"E\","
        "\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.nodeName\"}}}],\"volumeMounts\":[{"
        "\"name\":\"v\",\"mountPath\":\"/v\"}],\"resources\":{\"limits\":{\"cpu\":\"1\"}},"
        "\"readinessProbe\":{\"httpGet\":{\"port\":80}}}],\"volumes\":[{\"name\":\"v\","
        "\"hostPath\":{\"path\":\"/x\"}}],\"tolerations\":[{\"operator\":\"Exists\"}],"
        "\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{"
        "\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"k\",\"operator\":\"In\","
        "\"values\":[\"v\"]}]}]}}},\"nodeSelector\":{\"n\":\"s\"}}},\"updateStrategy\":{"
        "\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"10%\"}}},"
        "\"status\":{\"numberReady\":1,\"conditions\":[{\"type\":\"T\"}]}}");
    fuzz_kind(
        "pods",
        "{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"annotations\":{"
        "\"controller.kubernetes.io/pod-deletion-cost\":\"5\"}},\"spec\":{\"nodeName\":\"n\","
        "\"activeDeadlineSeconds\":5,\"containers\":[{\"name\":\"c\",\"image\":\"i\","
        "\"lifecycle\":{\"preStop\":{\"exec\":{\"command\":[\"x\"]}}},\"securityContext\":{"
        "\"runAsUser\":1,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}}}],\"initContainers\":"
        "[{\"name\":\"i\",\"image\":\"i\"}],\"volumes\":[{\"name\":\"s\",\"secret\":{"
        "\"secretName\":\"s\",\"items\":[{\"key\":\"k\",\"path\":\"p\"}]}},{\"name\":\"p\","
        "\"projected\":{\"sources\":[{\"configMap\":{\"name\":\"c\"}}]}}],\"tolerations\":[{"
        "\"key\":\"k\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":"
        "5}],\"dnsConfig\":{\"nameservers\":[\"1.1.1.1\"],\"searches\":[\"a.b\"]},"
        "\"topologySpreadConstraints\":[{\"maxSkew\":1,\"topologyKey\":\"z\","
        "\"whenUnsatisfiable\":\"DoNotSchedule\"}],\"securityContext\":{\"sysctls\":[{\"name\":"
        "\"kernel.x\",\"value\":\"1\"}]}},\"status\":{\"phase\":\"Running\",\"hostIP\":"
        "\"1.2.3.4\",\"hostIPs\":[{\"ip\":\"1.2.3.4\"}],\"podIPs\":[{\"ip\":\"10.0.0.1\"}],"
        "\"containerStatuses\":[{\"name\":\"c\",\"state\":{\"terminated\":{\"exitCode\":0}}}],"
        "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}");
    fuzz_kind("nodes",
              "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"podCIDRs\":[\"10.0.0.0/24\"],"
              "\"taints\":[{\"key\":\"k\",\"effect\":\"NoSchedule\"}],\"providerID\":\"p\"},"
              "\"status\":{\"capacity\":{\"cpu\":\"2\"},\"addresses\":[{\"type\":\"a\","
              "\"address\":\"b\"}]}}");
    fuzz_kind("namespaces", "{\"metadata\":{\"name\":\"ns\"},\"spec\":{\"finalizers\":["
                            "\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}");
    fuzz_kind("events", "{\"metadata\":{\"name\":\"e\",\"namespace\":\"ns\"},\"involvedObject\":{"
                        "\"namespace\":\"ns\",\"kind\":\"Pod\"},\"reason\":\"R\",\"count\":1,"
                        "\"eventTime\":null}");
    fuzz_kind("leases", "{\"metadata\":{\"name\":\"l\",\"namespace\":\"ns\"},\"spec\":{"
                        "\"holderIdentity\":\"h\",\"leaseDurationSeconds\":40,\"strategy\":"
                        "\"OldestEmulationVersion\",\"preferredHolder\":\"h\"}}");
    fuzz_kind("controllerrevisions", "{\"metadata\":{\"name\":\"c\",\"namespace\":\"ns\"},"
                                     "\"revision\":1,\"data\":{\"spec\":{\"a\":[1,2]}}}");
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_table),
        cmocka_unit_test(test_dns_helpers),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_metadata_update),
        cmocka_unit_test(test_daemonset_valid),
        cmocka_unit_test(test_daemonset_selector),
        cmocka_unit_test(test_daemonset_template_rules),
        cmocka_unit_test(test_daemonset_update_strategy),
        cmocka_unit_test(test_daemonset_update_and_status),
        cmocka_unit_test(test_controller_revision),
        cmocka_unit_test(test_lease),
        cmocka_unit_test(test_node),
        cmocka_unit_test(test_namespace),
        cmocka_unit_test(test_event),
        cmocka_unit_test(test_wrong_types_give_causes),
        cmocka_unit_test(test_fuzz_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
