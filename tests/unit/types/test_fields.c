/*
 * test_fields.c -- unit tests for field-selector fields (src/types/fields.c).
 *
 * Checks, per kind, the exact set of names Kubernetes 1.32 accepts in a
 * fieldSelector and the value each takes for realistic objects, including
 * absent fields ("") and booleans ("true"/"false").  Includes fields.c and
 * builds kind_info values by hand so it does not depend on types.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../src/types/fields.c"

static const kind_info k_ds = {.group = "apps",
                               .version = "v1",
                               .kind = "DaemonSet",
                               .resource = "daemonsets",
                               .namespaced = true};
static const kind_info k_pod = {
    .group = "", .version = "v1", .kind = "Pod", .resource = "pods", .namespaced = true};
static const kind_info k_node = {.group = "", .version = "v1", .kind = "Node", .resource = "nodes"};
static const kind_info k_ns = {
    .group = "", .version = "v1", .kind = "Namespace", .resource = "namespaces"};
static const kind_info k_cr = {.group = "apps",
                               .version = "v1",
                               .kind = "ControllerRevision",
                               .resource = "controllerrevisions",
                               .namespaced = true};
static const kind_info k_ev = {
    .group = "", .version = "v1", .kind = "Event", .resource = "events", .namespaced = true};
static const kind_info k_lease = {.group = "coordination.k8s.io",
                                  .version = "v1",
                                  .kind = "Lease",
                                  .resource = "leases",
                                  .namespaced = true};
static const kind_info k_svc = {
    .group = "", .version = "v1", .kind = "Service", .resource = "services", .namespaced = true};
/* events.k8s.io Events are not core Events: only the metadata fields. */
static const kind_info k_ev2 = {.group = "events.k8s.io",
                                .version = "v1",
                                .kind = "Event",
                                .resource = "events",
                                .namespaced = true};

/* Parse a JSON literal written with ' for ". */
static json_t *jl(const char *text)
{
    char *s = xstrdup(text);
    json_error_t err;
    json_t *v;

    for (char *p = s; *p; p++) {
        if (*p == '\'')
            *p = '"';
    }
    v = json_loads(s, JSON_DECODE_ANY, &err);
    if (!v)
        fail_msg("bad test JSON at %d: %s", err.position, err.text);
    free(s);
    return v;
}

/* The names for k joined by ",". */
static char *names_of(const kind_info *k)
{
    size_t n = 99;
    const char *const *names = types_field_names(k, &n);
    sbuf sb;

    sbuf_init(&sb);
    assert_true(n <= TYPES_MAX_FIELDS);
    for (size_t i = 0; i < n; i++)
        sbuf_printf(&sb, "%s%s", i ? "," : "", names[i]);
    return sbuf_detach(&sb, NULL);
}

static void check_names(const kind_info *k, const char *want)
{
    char *got = names_of(k);
    assert_string_equal(got, want);
    free(got);
}

/* "name=value" pairs of obj joined by ";", in table order. */
static char *values_of(const kind_info *k, const char *obj_text)
{
    json_t *obj = jl(obj_text);
    fsel_field f[TYPES_MAX_FIELDS];
    size_t names_n = 0;
    const char *const *names = types_field_names(k, &names_n);
    size_t n = types_fields(k, obj, f, TYPES_MAX_FIELDS);
    sbuf sb;

    sbuf_init(&sb);
    /* Values come back for exactly the names, in the same order. */
    assert_int_equal(n, names_n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(f[i].name, names[i]);
        assert_non_null(f[i].value);
        sbuf_printf(&sb, "%s%s=%s", i ? ";" : "", f[i].name, f[i].value);
    }
    json_decref(obj);
    return sbuf_detach(&sb, NULL);
}

static void check_values_at(const kind_info *k, const char *obj, const char *want, int line)
{
    char *got = values_of(k, obj);
    if (strcmp(got, want) != 0) {
        print_error("line %d\n  got:  %s\n  want: %s\n", line, got, want);
        free(got);
        fail();
    }
    free(got);
}
#define check_values(k, obj, want) check_values_at((k), (obj), (want), __LINE__)

static void test_names_per_kind(void **state)
{
    (void)state;
    check_names(&k_pod, "metadata.name,metadata.namespace,spec.nodeName,spec.restartPolicy,"
                        "spec.schedulerName,spec.serviceAccountName,spec.hostNetwork,status.phase,"
                        "status.podIP,status.podIPs,status.nominatedNodeName,spec.host");
    check_names(&k_ev,
                "metadata.name,metadata.namespace,involvedObject.kind,involvedObject.namespace,"
                "involvedObject.name,involvedObject.uid,involvedObject.apiVersion,"
                "involvedObject.resourceVersion,involvedObject.fieldPath,reason,"
                "reportingComponent,source,type");
    check_names(&k_node, "metadata.name,spec.unschedulable");
    check_names(&k_ns, "metadata.name,status.phase");
    check_names(&k_svc, "metadata.name,metadata.namespace,spec.clusterIP,spec.type");
    check_names(&k_ds, "metadata.name,metadata.namespace");
    check_names(&k_cr, "metadata.name,metadata.namespace");
    check_names(&k_lease, "metadata.name,metadata.namespace");
    check_names(&k_ev2, "metadata.name,metadata.namespace");
    check_names(NULL, "metadata.name,metadata.namespace");
}

static void test_names_count_optional(void **state)
{
    (void)state;
    /* n may be NULL; the array is still returned. */
    assert_string_equal(types_field_names(&k_node, NULL)[1], "spec.unschedulable");
    /* No kind exposes a field twice or more than the bound. */
    const kind_info *kinds[] = {&k_pod, &k_ev, &k_node, &k_ns, &k_svc, &k_ds, NULL};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t n = 0;
        const char *const *names = types_field_names(kinds[i], &n);
        assert_true(n >= 1 && n <= TYPES_MAX_FIELDS);
        assert_string_equal(names[0], "metadata.name");
        for (size_t a = 0; a < n; a++)
            for (size_t b = a + 1; b < n; b++)
                assert_string_not_equal(names[a], names[b]);
    }
}

static void test_pod_values(void **state)
{
    (void)state;
    /* A scheduled DaemonSet pod as the controller creates it. */
    check_values(
        &k_pod,
        "{'metadata':{'name':'nginx-x7k2p','namespace':'default'},"
        "'spec':{'nodeName':'node-1','restartPolicy':'Always','schedulerName':'default-scheduler',"
        "'serviceAccountName':'default','hostNetwork':true,'containers':[{'name':'nginx'}]},"
        "'status':{'phase':'Running','podIP':'10.244.1.5','podIPs':[{'ip':'10.244.1.5'}]}}",
        "metadata.name=nginx-x7k2p;metadata.namespace=default;spec.nodeName=node-1;"
        "spec.restartPolicy=Always;spec.schedulerName=default-scheduler;"
        "spec.serviceAccountName=default;spec.hostNetwork=true;status.phase=Running;"
        "status.podIP=10.244.1.5;status.podIPs=;status.nominatedNodeName=;spec.host=node-1");
    /* Unscheduled: everything absent is "", hostNetwork defaults false. */
    check_values(
        &k_pod,
        "{'metadata':{'name':'p','namespace':'ns'},'spec':{},'status':{'phase':'Pending',"
        "'nominatedNodeName':'node-2'}}",
        "metadata.name=p;metadata.namespace=ns;spec.nodeName=;spec.restartPolicy=;"
        "spec.schedulerName=;spec.serviceAccountName=;spec.hostNetwork=false;"
        "status.phase=Pending;status.podIP=;status.podIPs=;status.nominatedNodeName=node-2;"
        "spec.host=");
}

static void test_pod_ip_sources(void **state)
{
    json_t *obj;
    fsel_field f[TYPES_MAX_FIELDS];
    (void)state;

    /* podIPs alone gives the primary IP. */
    obj = jl("{'status':{'podIPs':[{'ip':'fd00::1'},{'ip':'10.0.0.1'}]}}");
    types_fields(&k_pod, obj, f, TYPES_MAX_FIELDS);
    assert_string_equal(f[8].name, "status.podIP");
    assert_string_equal(f[8].value, "fd00::1");
    json_decref(obj);
    /* podIP is authoritative when both are set. */
    obj = jl("{'status':{'podIP':'10.0.0.2','podIPs':[{'ip':'10.0.0.3'}]}}");
    types_fields(&k_pod, obj, f, TYPES_MAX_FIELDS);
    assert_string_equal(f[8].value, "10.0.0.2");
    json_decref(obj);
    /* Malformed lists give "". */
    obj = jl("{'status':{'podIP':'','podIPs':[{'address':'x'}]}}");
    types_fields(&k_pod, obj, f, TYPES_MAX_FIELDS);
    assert_string_equal(f[8].value, "");
    json_decref(obj);
    /* hostNetwork must be a real boolean true. */
    obj = jl("{'spec':{'hostNetwork':'true'}}");
    types_fields(&k_pod, obj, f, TYPES_MAX_FIELDS);
    assert_string_equal(f[6].value, "false");
    json_decref(obj);
}

static void test_event_values(void **state)
{
    (void)state;
    check_values(&k_ev,
                 "{'metadata':{'name':'web.17a2b','namespace':'default'},"
                 "'involvedObject':{'kind':'Pod','namespace':'default','name':'web','uid':'9f1c',"
                 "'apiVersion':'v1','resourceVersion':'118','fieldPath':'spec.containers{nginx}'},"
                 "'reason':'Pulled','source':{'component':'kubelet','host':'node-1'},"
                 "'reportingComponent':'kubelet','type':'Normal'}",
                 "metadata.name=web.17a2b;metadata.namespace=default;involvedObject.kind=Pod;"
                 "involvedObject.namespace=default;involvedObject.name=web;involvedObject.uid=9f1c;"
                 "involvedObject.apiVersion=v1;involvedObject.resourceVersion=118;"
                 "involvedObject.fieldPath=spec.containers{nginx};reason=Pulled;"
                 "reportingComponent=kubelet;source=kubelet;type=Normal");
    /* A node event: no involved namespace; source falls back to the
     * reporting controller. */
    check_values(
        &k_ev,
        "{'metadata':{'name':'node-1.1','namespace':'default'},"
        "'involvedObject':{'kind':'Node','name':'node-1','uid':'node-1'},"
        "'reason':'NodeReady','source':{},'reportingComponent':'node-controller','type':'Normal'}",
        "metadata.name=node-1.1;metadata.namespace=default;involvedObject.kind=Node;"
        "involvedObject.namespace=;involvedObject.name=node-1;involvedObject.uid=node-1;"
        "involvedObject.apiVersion=;involvedObject.resourceVersion=;involvedObject.fieldPath=;"
        "reason=NodeReady;reportingComponent=node-controller;source=node-controller;type=Normal");
}

static void test_cluster_scoped_values(void **state)
{
    (void)state;
    check_values(&k_node, "{'metadata':{'name':'node-1'},'spec':{'unschedulable':true}}",
                 "metadata.name=node-1;spec.unschedulable=true");
    check_values(&k_node, "{'metadata':{'name':'node-2'},'spec':{}}",
                 "metadata.name=node-2;spec.unschedulable=false");
    check_values(&k_node, "{'metadata':{'name':'node-3'},'spec':{'unschedulable':false}}",
                 "metadata.name=node-3;spec.unschedulable=false");
    check_values(&k_ns, "{'metadata':{'name':'kube-system'},'status':{'phase':'Active'}}",
                 "metadata.name=kube-system;status.phase=Active");
    check_values(&k_ns, "{'metadata':{'name':'new'}}", "metadata.name=new;status.phase=");
}

static void test_other_kinds_values(void **state)
{
    (void)state;
    check_values(&k_ds, "{'metadata':{'name':'nginx','namespace':'default'},'spec':{}}",
                 "metadata.name=nginx;metadata.namespace=default");
    check_values(&k_cr, "{'metadata':{'name':'nginx-6d4cf56db6','namespace':'default'}}",
                 "metadata.name=nginx-6d4cf56db6;metadata.namespace=default");
    check_values(&k_lease, "{'metadata':{'name':'node-1','namespace':'kube-node-lease'}}",
                 "metadata.name=node-1;metadata.namespace=kube-node-lease");
    check_values(&k_svc,
                 "{'metadata':{'name':'kubernetes','namespace':'default'},"
                 "'spec':{'type':'ClusterIP','clusterIP':'10.96.0.1'}}",
                 "metadata.name=kubernetes;metadata.namespace=default;spec.clusterIP=10.96.0.1;"
                 "spec.type=ClusterIP");
    /* Unknown kind, absent namespace. */
    check_values(NULL, "{'metadata':{'name':'x'}}", "metadata.name=x;metadata.namespace=");
}

static void test_bad_input(void **state)
{
    (void)state;
    /* Wrong JSON types and non-objects never crash and give "". */
    check_values(
        &k_pod, "{'metadata':{'name':7,'namespace':null},'spec':[],'status':'Running'}",
        "metadata.name=;metadata.namespace=;spec.nodeName=;spec.restartPolicy=;"
        "spec.schedulerName=;spec.serviceAccountName=;spec.hostNetwork=false;status.phase=;"
        "status.podIP=;status.podIPs=;status.nominatedNodeName=;spec.host=");
    check_values(
        &k_ev, "[]",
        "metadata.name=;metadata.namespace=;involvedObject.kind=;involvedObject.namespace=;"
        "involvedObject.name=;involvedObject.uid=;involvedObject.apiVersion=;"
        "involvedObject.resourceVersion=;involvedObject.fieldPath=;reason=;"
        "reportingComponent=;source=;type=");
    check_values(&k_node, "null", "metadata.name=;spec.unschedulable=false");
}

static void test_max_truncates(void **state)
{
    json_t *obj = jl("{'metadata':{'name':'p','namespace':'n'},'spec':{'nodeName':'node-1'}}");
    fsel_field f[3];
    (void)state;

    memset(f, 0, sizeof f);
    assert_int_equal(types_fields(&k_pod, obj, f, 2), 2);
    assert_string_equal(f[0].value, "p");
    assert_string_equal(f[1].value, "n");
    assert_null(f[2].name);
    assert_int_equal(types_fields(&k_pod, obj, f, 0), 0);
    json_decref(obj);
}

/* Values are borrowed from the object: same pointers, no copies. */
static void test_values_are_borrowed(void **state)
{
    json_t *obj = jl("{'metadata':{'name':'p','namespace':'n'},'spec':{'nodeName':'node-1'}}");
    fsel_field f[TYPES_MAX_FIELDS];
    (void)state;

    types_fields(&k_pod, obj, f, TYPES_MAX_FIELDS);
    assert_ptr_equal(f[0].value, json_string_value(json_path(obj, "metadata.name")));
    assert_ptr_equal(f[2].value, json_string_value(json_path(obj, "spec.nodeName")));
    assert_ptr_equal(f[11].value, f[2].value);
    json_decref(obj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_per_kind),     cmocka_unit_test(test_names_count_optional),
        cmocka_unit_test(test_pod_values),         cmocka_unit_test(test_pod_ip_sources),
        cmocka_unit_test(test_event_values),       cmocka_unit_test(test_cluster_scoped_values),
        cmocka_unit_test(test_other_kinds_values), cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_max_truncates),      cmocka_unit_test(test_values_are_borrowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
