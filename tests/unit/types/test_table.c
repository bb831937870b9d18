/*
 * test_table.c -- unit tests for server-side printing (src/types/table.c).
 *
 * Each case feeds a realistic object in its v1 JSON form and compares the
 * whole row of cells with what a Kubernetes 1.32 API server returns for it
 * (upstream pkg/printers/internalversion), with `now` pinned so ages are
 * exact.  The tricky pod status logic gets one case per branch.  The file
 * includes table.c to reach its static helpers (label selector formatting,
 * ages) and builds kind_info values by hand so it does not depend on
 * types.c.
 *
 * JSON literals are written with single quotes for readability; jl()
 * turns them into double quotes before parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../src/types/table.c"

/* 2023-11-14T22:13:20Z: every age below is relative to this. */
#define NOW 1700000000

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
static const kind_info k_cm = {.group = "",
                               .version = "v1",
                               .kind = "ConfigMap",
                               .resource = "configmaps",
                               .namespaced = true};
/* Same kind name as a served kind but another group: must not match it. */
static const kind_info k_fake_pod = {
    .group = "example.com", .version = "v1", .kind = "Pod", .resource = "pods", .namespaced = true};

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
        fail_msg("bad test JSON at %d: %s\n%s", err.position, err.text, s);
    free(s);
    return v;
}

/* Compare the row for obj with the expected cells; print both on failure. */
static void check_row_at(const kind_info *k, const char *obj_text, int64_t now,
                         const char *want_text, int line)
{
    json_t *obj = jl(obj_text);
    json_t *want = jl(want_text);
    json_t *got = types_table_cells(k, obj, now);

    if (!json_equal(got, want)) {
        char *g = json_dumps(got, JSON_COMPACT);
        char *w = json_dumps(want, JSON_COMPACT);
        print_error("line %d\n  got:  %s\n  want: %s\n", line, g, w);
        free(g);
        free(w);
        json_decref(obj);
        json_decref(want);
        json_decref(got);
        fail();
    }
    json_decref(obj);
    json_decref(want);
    json_decref(got);
}
#define check_row(k, obj, want) check_row_at((k), (obj), NOW, (want), __LINE__)

/* One cell of the row (index i) must equal the expected JSON value. */
static void check_cell_at(const kind_info *k, const char *obj_text, size_t i, const char *want_text,
                          int line)
{
    json_t *obj = jl(obj_text);
    json_t *want = jl(want_text);
    json_t *got = types_table_cells(k, obj, NOW);
    json_t *cell = json_array_get(got, i);

    if (!cell || !json_equal(cell, want)) {
        char *g = cell ? json_dumps(cell, JSON_ENCODE_ANY) : xstrdup("(missing)");
        char *w = json_dumps(want, JSON_ENCODE_ANY);
        print_error("line %d cell %zu\n  got:  %s\n  want: %s\n", line, i, g, w);
        free(g);
        free(w);
        json_decref(obj);
        json_decref(want);
        json_decref(got);
        fail();
    }
    json_decref(obj);
    json_decref(want);
    json_decref(got);
}
#define check_cell(k, obj, i, want) check_cell_at((k), (obj), (i), (want), __LINE__)

/* Column names joined by "|" with "*" marking priority-1 columns. */
static char *column_summary(const kind_info *k)
{
    json_t *cols = types_table_columns(k);
    size_t i;
    json_t *c;
    sbuf sb;

    sbuf_init(&sb);
    json_array_foreach(cols, i, c)
    {
        sbuf_printf(&sb, "%s%s%s", i ? "|" : "",
                    json_integer_value(json_object_get(c, "priority")) ? "*" : "",
                    json_string_value(json_object_get(c, "name")));
    }
    json_decref(cols);
    return sbuf_detach(&sb, NULL);
}

static void check_columns(const kind_info *k, const char *want)
{
    char *got = column_summary(k);
    assert_string_equal(got, want);
    free(got);
}

/* ---- columns ------------------------------------------------------------- */

static void test_columns_per_kind(void **state)
{
    (void)state;
    check_columns(&k_ds, "Name|Desired|Current|Ready|Up-to-date|Available|Node Selector|Age|"
                         "*Containers|*Images|*Selector");
    check_columns(&k_pod,
                  "Name|Ready|Status|Restarts|Age|*IP|*Node|*Nominated Node|*Readiness Gates");
    check_columns(&k_node, "Name|Status|Roles|Age|Version|*Internal-IP|*External-IP|*OS-Image|"
                           "*Kernel-Version|*Container-Runtime");
    check_columns(&k_ns, "Name|Status|Age");
    check_columns(&k_cr, "Name|Controller|Revision|Age");
    check_columns(&k_ev, "Last Seen|Type|Reason|Object|*Subobject|*Source|Message|*First Seen|"
                         "*Count|*Name");
    check_columns(&k_lease, "Name|Holder|Age");
    check_columns(&k_svc, "Name|Type|Cluster-IP|External-IP|Port(s)|Age|*Selector");
    check_columns(&k_cm, "Name|Created At");
    check_columns(&k_fake_pod, "Name|Created At");
    check_columns(NULL, "Name|Created At");
}

static void test_column_definition_shape(void **state)
{
    const kind_info *kinds[] = {&k_ds, &k_pod,   &k_node, &k_ns, &k_cr,
                                &k_ev, &k_lease, &k_svc,  &k_cm};
    (void)state;

    for (size_t n = 0; n < NELEM(kinds); n++) {
        json_t *cols = types_table_columns(kinds[n]);
        size_t i, names = 0;
        json_t *c;

        assert_true(json_array_size(cols) > 0);
        json_array_foreach(cols, i, c)
        {
            /* Exactly these keys, in this order, as clients receive them. */
            char *s = json_dumps(c, JSON_COMPACT | JSON_PRESERVE_ORDER);
            const char *type = json_string_value(json_object_get(c, "type"));
            const char *format = json_string_value(json_object_get(c, "format"));
            assert_int_equal(json_object_size(c), 5);
            assert_true(strncmp(s, "{\"name\":", 8) == 0);
            assert_non_null(strstr(s, "\",\"type\":\""));
            assert_non_null(strstr(s, "\",\"format\":\""));
            assert_non_null(strstr(s, "\",\"description\":\""));
            assert_non_null(strstr(s, ",\"priority\":"));
            assert_true(strstr(s, "\"type\"") < strstr(s, "\"format\""));
            assert_true(strstr(s, "\"format\"") < strstr(s, "\"description\""));
            assert_true(strstr(s, "\"description\"") < strstr(s, "\"priority\""));
            free(s);
            assert_true(strcmp(type, "string") == 0 || strcmp(type, "integer") == 0 ||
                        strcmp(type, "date") == 0);
            assert_true(strlen(json_string_value(json_object_get(c, "description"))) > 10);
            if (strcmp(format, "name") == 0)
                names++;
            else
                assert_string_equal(format, "");
        }
        /* One name column per table, the one kubectl treats as the name. */
        assert_int_equal(names, 1);
        json_decref(cols);
    }
}

static void test_column_types(void **state)
{
    json_t *cols;
    (void)state;

    cols = types_table_columns(&k_ds);
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 0), "format")),
                        "name");
    for (size_t i = 1; i <= 5; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(cols, i), "type")),
                            "integer");
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 6), "type")),
                        "string");
    json_decref(cols);

    /* Upstream declares these string although the cells are integers. */
    cols = types_table_columns(&k_cr);
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 2), "type")),
                        "string");
    json_decref(cols);
    cols = types_table_columns(&k_pod);
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 3), "type")),
                        "string");
    json_decref(cols);
    cols = types_table_columns(&k_ev);
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 9), "format")),
                        "name");
    json_decref(cols);
    cols = types_table_columns(&k_cm);
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 1), "type")),
                        "date");
    json_decref(cols);
}

/* Every kind yields one cell per column even for empty or odd input. */
static void test_cells_match_columns_on_empty_input(void **state)
{
    const kind_info *kinds[] = {&k_ds, &k_pod,   &k_node, &k_ns, &k_cr,
                                &k_ev, &k_lease, &k_svc,  &k_cm, NULL};
    const char *inputs[] = {
        "{}", "[]", "null", "{'metadata':null,'spec':7,'status':'x'}",
        "{'metadata':{'name':5},'spec':{'containers':{}},'status':{'conditions':3}}"};
    (void)state;

    for (size_t n = 0; n < NELEM(kinds); n++) {
        json_t *cols = types_table_columns(kinds[n]);
        for (size_t i = 0; i < NELEM(inputs); i++) {
            json_t *obj = jl(inputs[i]);
            json_t *cells = types_table_cells(kinds[n], obj, NOW);
            assert_int_equal(json_array_size(cells), json_array_size(cols));
            json_decref(cells);
            json_decref(obj);
        }
        json_decref(cols);
    }
}

/* ---- ages ----------------------------------------------------------------- */

static void test_ages(void **state)
{
    char buf[32];
    (void)state;

    age_string(NOW - 5, NOW, buf, sizeof buf);
    assert_string_equal(buf, "5s");
    age_string(NOW - 300, NOW, buf, sizeof buf);
    assert_string_equal(buf, "5m");
    age_string(NOW - 9000, NOW, buf, sizeof buf);
    assert_string_equal(buf, "150m");
    age_string(NOW - 16200, NOW, buf, sizeof buf);
    assert_string_equal(buf, "4h30m");
    age_string(NOW - 3 * 86400, NOW, buf, sizeof buf);
    assert_string_equal(buf, "3d");
    age_string(NOW + 1, NOW, buf, sizeof buf);
    assert_string_equal(buf, "0s");
    age_string(NOW + 2, NOW, buf, sizeof buf);
    assert_string_equal(buf, "<invalid>");
    age_string(TS_ZERO, NOW, buf, sizeof buf);
    assert_string_equal(buf, "<unknown>");

    check_cell(&k_ns, "{'metadata':{'name':'a'}}", 2, "'<unknown>'");
    check_cell(&k_ns, "{'metadata':{'name':'a','creationTimestamp':null}}", 2, "'<unknown>'");
    check_cell(&k_ns, "{'metadata':{'name':'a','creationTimestamp':'yesterday'}}", 2,
               "'<unknown>'");
    check_cell(&k_ns, "{'metadata':{'name':'a','creationTimestamp':'2023-11-14T23:13:20+01:00'}}",
               2, "'0s'");
    check_cell(&k_ns, "{'metadata':{'name':'a','creationTimestamp':'2023-11-14T22:13:18.5Z'}}", 2,
               "'2s'");
}

/* ---- labels and selectors --------------------------------------------------- */

static void check_selector(const char *sel_text, const char *want)
{
    json_t *sel = jl(sel_text);
    char *got = format_label_selector(sel);
    assert_string_equal(got, want);
    free(got);
    json_decref(sel);
}

static void test_label_selector_format(void **state)
{
    (void)state;
    check_selector("{'matchLabels':{'app':'nginx'}}", "app=nginx");
    check_selector("{'matchLabels':{'tier':'web','app':'nginx'}}", "app=nginx,tier=web");
    check_selector("{'matchLabels':{'app':'nginx'},'matchExpressions':["
                   "{'key':'tier','operator':'In','values':['web','api']},"
                   "{'key':'legacy','operator':'DoesNotExist'},"
                   "{'key':'env','operator':'NotIn','values':['prod']},"
                   "{'key':'zone','operator':'Exists','values':[]}]}",
                   "app=nginx,env notin (prod),!legacy,tier in (api,web),zone");
    check_selector("{'matchExpressions':[{'key':'a','operator':'In','values':['x']}]}", "a in (x)");
    check_selector("{'matchLabels':{'app.kubernetes.io/name':''}}", "app.kubernetes.io/name=");
    /* Same key twice keeps input order (labels first). */
    check_selector("{'matchLabels':{'k':'v'},'matchExpressions':[{'key':'k','operator':'Exists'}]}",
                   "k=v,k");
    /* Nothing / everything both print as <none>. */
    check_selector("null", "<none>");
    check_selector("{}", "<none>");
    check_selector("{'matchLabels':{},'matchExpressions':[]}", "<none>");
    /* What LabelSelectorAsSelector refuses prints as <error>. */
    check_selector("{'matchExpressions':[{'key':'a','operator':'Gt','values':['1']}]}", "<error>");
    check_selector("{'matchExpressions':[{'key':'a','operator':'In','values':[]}]}", "<error>");
    check_selector("{'matchExpressions':[{'key':'a','operator':'In'}]}", "<error>");
    check_selector("{'matchExpressions':[{'key':'a','operator':'Exists','values':['x']}]}",
                   "<error>");
    check_selector("{'matchExpressions':[{'operator':'Exists'}]}", "<error>");
    check_selector("{'matchExpressions':[{'key':'a','operator':'In','values':[1]}]}", "<error>");
    check_selector("{'matchExpressions':[{'key':'a','operator':'In','values':'x'}]}", "<error>");
    check_selector("{'matchLabels':{'bad key':'v'}}", "<error>");
    check_selector("{'matchLabels':{'app':'has space'}}", "<error>");
    check_selector("{'matchLabels':{'app':7}}", "<error>");
}

static void test_label_keys_and_values(void **state)
{
    char long_name[70];
    (void)state;

    assert_true(is_label_key("app"));
    assert_true(is_label_key("app.kubernetes.io/name"));
    assert_true(is_label_key("node-role.kubernetes.io/control-plane"));
    assert_true(is_label_key("A_b.c-D"));
    assert_false(is_label_key(""));
    assert_false(is_label_key("-app"));
    assert_false(is_label_key("app-"));
    assert_false(is_label_key("Example.com/app"));
    assert_false(is_label_key("/app"));
    assert_false(is_label_key("example.com/"));
    assert_false(is_label_key("a/b/c"));
    assert_false(is_label_key("ex..ample.com/app"));
    assert_false(is_label_key("-example.com/app"));
    memset(long_name, 'a', 63);
    long_name[63] = '\0';
    assert_true(is_label_key(long_name));
    long_name[63] = 'a';
    long_name[64] = '\0';
    assert_false(is_label_key(long_name));

    assert_true(is_label_value(""));
    assert_true(is_label_value("v1.2_3-x"));
    assert_false(is_label_value("_x"));
    assert_false(is_label_value("a b"));
}

/* ---- DaemonSet -------------------------------------------------------------- */

static void test_daemonset_rows(void **state)
{
    (void)state;
    /* `kubectl apply -f nginx-ds.yaml` on a 2-node cluster, 5 minutes in. */
    check_row(&k_ds,
              "{'kind':'DaemonSet','metadata':{'name':'nginx','namespace':'default',"
              "'creationTimestamp':'2023-11-14T22:08:20Z','labels':{'app':'nginx'}},"
              "'spec':{'selector':{'matchLabels':{'app':'nginx'}},'template':{"
              "'metadata':{'labels':{'app':'nginx'}},'spec':{'containers':["
              "{'name':'nginx','image':'nginx:1.25','ports':[{'containerPort':80}]}]}}},"
              "'status':{'currentNumberScheduled':2,'desiredNumberScheduled':2,"
              "'numberAvailable':2,'numberMisscheduled':0,'numberReady':2,"
              "'observedGeneration':1,'updatedNumberScheduled':2}}",
              "['nginx',2,2,2,2,2,'<none>','5m','nginx','nginx:1.25','app=nginx']");

    /* Mid rollout, node selector, two containers, set-based selector. */
    check_row(
        &k_ds,
        "{'metadata':{'name':'agent','creationTimestamp':'2023-11-13T22:13:20Z'},"
        "'spec':{'selector':{'matchLabels':{'app':'agent'},'matchExpressions':["
        "{'key':'tier','operator':'NotIn','values':['test','dev']}]},"
        "'template':{'spec':{'nodeSelector':{'kubernetes.io/os':'linux','disk':'ssd'},"
        "'containers':[{'name':'agent','image':'agent:2'},{'name':'sidecar','image':'busybox'}]}}},"
        "'status':{'currentNumberScheduled':3,'desiredNumberScheduled':4,"
        "'numberAvailable':1,'numberReady':2,'updatedNumberScheduled':1}}",
        "['agent',4,3,2,1,1,'disk=ssd,kubernetes.io/os=linux','24h','agent,sidecar',"
        "'agent:2,busybox','app=agent,tier notin (dev,test)']");

    /* Freshly created: no status yet, no containers. */
    check_row(&k_ds,
              "{'metadata':{'name':'fresh','creationTimestamp':'2023-11-14T22:13:20Z'},'spec':{}}",
              "['fresh',0,0,0,0,0,'<none>','0s','','','<none>']");
}

/* ---- Pod --------------------------------------------------------------------- */

/* Pod JSON with the given status body and an nginx container. */
#define POD(status)                                                                                \
    "{'metadata':{'name':'web','namespace':'default','creationTimestamp':'2023-11-14T22:08:20Z'}," \
    "'spec':{'nodeName':'node-1','containers':[{'name':'nginx','image':'nginx'}]},'status'"        \
    ":" status "}"

static void test_pod_running(void **state)
{
    (void)state;
    check_row(&k_pod,
              POD("{'phase':'Running','podIP':'10.244.1.5','podIPs':[{'ip':'10.244.1.5'}],"
                  "'conditions':[{'type':'Ready','status':'True'}],"
                  "'containerStatuses':[{'name':'nginx','ready':true,'restartCount':0,"
                  "'started':true,'state':{'running':{'startedAt':'2023-11-14T22:08:30Z'}}}]}"),
              "['web','1/1','Running','0','5m','10.244.1.5','node-1','<none>','<none>']");
}

static void test_pod_waiting_reasons(void **state)
{
    (void)state;
    check_row(&k_pod,
              "{'metadata':{'name':'p','creationTimestamp':'2023-11-14T22:13:00Z'},"
              "'spec':{'containers':[{'name':'c'}]},'status':{'phase':'Pending'}}",
              "['p','0/1','Pending','0','20s','<none>','<none>','<none>','<none>']");
    check_cell(&k_pod,
               POD("{'phase':'Pending','containerStatuses':[{'name':'nginx','ready':false,"
                   "'restartCount':0,'state':{'waiting':{'reason':'ContainerCreating'}}}]}"),
               2, "'ContainerCreating'");
    check_cell(&k_pod,
               POD("{'phase':'Pending','containerStatuses':[{'name':'nginx','ready':false,"
                   "'restartCount':0,'state':{'waiting':{'reason':'ErrImagePull',"
                   "'message':'pull access denied'}}}]}"),
               2, "'ErrImagePull'");
    check_cell(&k_pod,
               POD("{'phase':'Pending','containerStatuses':[{'name':'nginx',"
                   "'state':{'waiting':{'reason':'ImagePullBackOff'}}}]}"),
               2, "'ImagePullBackOff'");
    /* A waiting state without a reason leaves the phase. */
    check_cell(
        &k_pod,
        POD("{'phase':'Pending','containerStatuses':[{'name':'nginx','state':{'waiting':{}}}]}"), 2,
        "'Pending'");
}

static void test_pod_crashloop_restarts(void **state)
{
    (void)state;
    /* Restarted 3 times, last crash finished 12 seconds ago. */
    check_row(&k_pod,
              POD("{'phase':'Running','podIP':'10.244.1.6',"
                  "'containerStatuses':[{'name':'nginx','ready':false,'restartCount':3,"
                  "'lastState':{'terminated':{'exitCode':1,'reason':'Error',"
                  "'finishedAt':'2023-11-14T22:13:08Z'}},"
                  "'state':{'waiting':{'reason':'CrashLoopBackOff'}}}]}"),
              "['web','0/1','CrashLoopBackOff','3 (12s "
              "ago)','5m','10.244.1.6','node-1','<none>','<none>']");
    /* Restarts without a recorded termination time print the bare count. */
    check_cell(&k_pod,
               POD("{'phase':'Running','containerStatuses':[{'name':'nginx','ready':true,"
                   "'restartCount':2,'state':{'running':{}}}]}"),
               3, "'2'");
    /* finishedAt null is the zero time. */
    check_cell(
        &k_pod,
        POD("{'phase':'Running','containerStatuses':[{'name':'nginx','ready':true,'restartCount':2,"
            "'lastState':{'terminated':{'exitCode':1,'finishedAt':null}},'state':{'running':{}}}]"
            "}"),
        3, "'2'");
    /* The latest termination over all containers is shown. */
    check_cell(&k_pod,
               "{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'},{'name':'b'}]},"
               "'status':{'phase':'Running','containerStatuses':["
               "{'name':'a','ready':true,'restartCount':1,'state':{'running':{}},"
               "'lastState':{'terminated':{'finishedAt':'2023-11-14T21:13:20Z'}}},"
               "{'name':'b','ready':true,'restartCount':4,'state':{'running':{}},"
               "'lastState':{'terminated':{'finishedAt':'2023-11-14T22:03:20Z'}}}]}}",
               3, "'5 (10m ago)'");
}

static void test_pod_terminated(void **state)
{
    (void)state;
    check_cell(&k_pod,
               POD("{'phase':'Succeeded','containerStatuses':[{'name':'nginx','ready':false,"
                   "'state':{'terminated':{'exitCode':0,'reason':'Completed'}}}]}"),
               2, "'Completed'");
    check_cell(&k_pod,
               POD("{'phase':'Failed','containerStatuses':[{'name':'nginx',"
                   "'state':{'terminated':{'exitCode':137,'reason':'OOMKilled'}}}]}"),
               2, "'OOMKilled'");
    check_cell(&k_pod,
               POD("{'phase':'Failed','containerStatuses':[{'name':'nginx',"
                   "'state':{'terminated':{'exitCode':137}}}]}"),
               2, "'ExitCode:137'");
    check_cell(&k_pod,
               POD("{'phase':'Failed','containerStatuses':[{'name':'nginx',"
                   "'state':{'terminated':{'exitCode':0,'signal':9,'reason':''}}}]}"),
               2, "'Signal:9'");
    /* The pod-level reason replaces the phase. */
    check_cell(&k_pod, POD("{'phase':'Failed','reason':'Evicted','message':'low on memory'}"), 2,
               "'Evicted'");
}

static void test_pod_completed_with_running_sibling(void **state)
{
    /* Container statuses are read last to first, so the first container's
     * state wins; "Completed" while another runs becomes Running/NotReady. */
    const char *base =
        "{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'},{'name':'b'}]},"
        "'status':{'phase':'Running','conditions':[%s],'containerStatuses':["
        "{'name':'a','ready':false,'state':{'terminated':{'exitCode':0,'reason':'Completed'}}},"
        "{'name':'b','ready':true,'state':{'running':{}}}]}}";
    char buf[1024];
    (void)state;

    snprintf(buf, sizeof buf, base, "");
    check_cell(&k_pod, buf, 2, "'NotReady'");
    check_cell(&k_pod, buf, 1, "'1/2'");
    snprintf(buf, sizeof buf, base, "{'type':'Ready','status':'True'}");
    check_cell(&k_pod, buf, 2, "'Running'");
    snprintf(buf, sizeof buf, base, "{'type':'Ready','status':'False'}");
    check_cell(&k_pod, buf, 2, "'NotReady'");

    /* The first container's waiting reason wins over a running one. */
    check_cell(&k_pod,
               "{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'},{'name':'b'}]},"
               "'status':{'phase':'Running','containerStatuses':["
               "{'name':'a','ready':true,'state':{'running':{}}},"
               "{'name':'b','ready':false,'state':{'waiting':{'reason':'CrashLoopBackOff'}}}]}}",
               2, "'CrashLoopBackOff'");
}

static void test_pod_terminating(void **state)
{
    (void)state;
    check_cell(&k_pod,
               "{'metadata':{'name':'p','deletionTimestamp':'2023-11-14T22:13:10Z'},"
               "'spec':{'containers':[{'name':'c'}]},'status':{'phase':'Running',"
               "'containerStatuses':[{'name':'c','ready':true,'state':{'running':{}}}]}}",
               2, "'Terminating'");
    /* Already finished pods keep their terminal status. */
    check_cell(&k_pod,
               "{'metadata':{'name':'p','deletionTimestamp':'2023-11-14T22:13:10Z'},"
               "'spec':{'containers':[{'name':'c'}]},'status':{'phase':'Succeeded',"
               "'containerStatuses':[{'name':'c','state':{'terminated':{'exitCode':0,'reason':'"
               "Completed'}}}]}}",
               2, "'Completed'");
    check_cell(
        &k_pod,
        "{'metadata':{'name':'p','deletionTimestamp':'2023-11-14T22:13:10Z'},"
        "'spec':{'containers':[{'name':'c'}]},'status':{'phase':'Failed','reason':'Evicted'}}",
        2, "'Evicted'");
    /* A pod on an unreachable node shows Unknown while being deleted. */
    check_cell(
        &k_pod,
        "{'metadata':{'name':'p','deletionTimestamp':'2023-11-14T22:13:10Z'},"
        "'spec':{'containers':[{'name':'c'}]},'status':{'phase':'Running','reason':'NodeLost'}}",
        2, "'Unknown'");
    /* deletionTimestamp null is "not being deleted". */
    check_cell(
        &k_pod,
        "{'metadata':{'name':'p','deletionTimestamp':null},'spec':{'containers':[{'name':'c'}]},"
        "'status':{'phase':'Running'}}",
        2, "'Running'");
}

static void test_pod_init_containers(void **state)
{
    const char *two_inits =
        "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'i1'},{'name':'i2'}],"
        "'containers':[{'name':'c'}]},'status':{'phase':'Pending','initContainerStatuses':[%s],"
        "'containerStatuses':[{'name':'c','ready':false,'restartCount':0,"
        "'state':{'waiting':{'reason':'PodInitializing'}}}]}}";
    char buf[2048];
    (void)state;

    /* Nothing started yet. */
    snprintf(buf, sizeof buf, two_inits,
             "{'name':'i1','state':{'waiting':{'reason':'PodInitializing'}}},"
             "{'name':'i2','state':{'waiting':{'reason':'PodInitializing'}}}");
    check_cell(&k_pod, buf, 2, "'Init:0/2'");
    check_cell(&k_pod, buf, 1, "'0/1'");
    /* First done, second running. */
    snprintf(buf, sizeof buf, two_inits,
             "{'name':'i1','state':{'terminated':{'exitCode':0,'reason':'Completed'}}},"
             "{'name':'i2','state':{'running':{}}}");
    check_cell(&k_pod, buf, 2, "'Init:1/2'");
    /* First crashing. */
    snprintf(buf, sizeof buf, two_inits,
             "{'name':'i1','restartCount':4,'state':{'waiting':{'reason':'CrashLoopBackOff'}},"
             "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2023-11-14T22:12:20Z'}}},"
             "{'name':'i2','state':{'waiting':{'reason':'PodInitializing'}}}");
    check_cell(&k_pod, buf, 2, "'Init:CrashLoopBackOff'");
    /* Restarts of init containers count while initialising. */
    check_cell(&k_pod, buf, 3, "'4 (60s ago)'");
    /* Failed with a reason, without one, and by signal. */
    snprintf(buf, sizeof buf, two_inits,
             "{'name':'i1','state':{'terminated':{'exitCode':1,'reason':'Error'}}}");
    check_cell(&k_pod, buf, 2, "'Init:Error'");
    snprintf(buf, sizeof buf, two_inits, "{'name':'i1','state':{'terminated':{'exitCode':2}}}");
    check_cell(&k_pod, buf, 2, "'Init:ExitCode:2'");
    snprintf(buf, sizeof buf, two_inits,
             "{'name':'i1','state':{'terminated':{'exitCode':0,'signal':15}}},"
             "{'name':'i2','state':{'running':{}}}");
    check_cell(&k_pod, buf, 2, "'Init:1/2'");
    snprintf(buf, sizeof buf, two_inits,
             "{'name':'i1','state':{'terminated':{'exitCode':143,'signal':15}}}");
    check_cell(&k_pod, buf, 2, "'Init:Signal:15'");
    /* All done: the main container's waiting reason shows. */
    snprintf(buf, sizeof buf, two_inits,
             "{'name':'i1','state':{'terminated':{'exitCode':0}}},"
             "{'name':'i2','state':{'terminated':{'exitCode':0}}}");
    check_cell(&k_pod, buf, 2, "'PodInitializing'");
}

static void test_pod_init_failed_but_initialized(void **state)
{
    (void)state;
    /* With the Initialized condition True the container statuses are read
     * even though an init container failed: restarts are the containers'
     * again, but a running container does not replace the init reason. */
    check_row(
        &k_pod,
        "{'metadata':{'name':'p','creationTimestamp':'2023-11-14T22:08:20Z'},"
        "'spec':{'initContainers':[{'name':'i'}],'containers':[{'name':'c'}]},"
        "'status':{'phase':'Running','conditions':[{'type':'Initialized','status':'True'}],"
        "'initContainerStatuses':[{'name':'i','restartCount':7,"
        "'state':{'terminated':{'exitCode':1,'reason':'Error'}}}],"
        "'containerStatuses':[{'name':'c','ready':true,'restartCount':1,'state':{'running':{}}}]}}",
        "['p','1/1','Init:Error','1','5m','<none>','<none>','<none>','<none>']");
}

static void test_pod_sidecars(void **state)
{
    (void)state;
    /* A restartable init container counts as a container and keeps its
     * restarts after initialisation. */
    check_row(
        &k_pod,
        "{'metadata':{'name':'p','creationTimestamp':'2023-11-14T22:08:20Z'},"
        "'spec':{'initContainers':[{'name':'setup'},{'name':'proxy','restartPolicy':'Always'}],"
        "'containers':[{'name':'app'}]},'status':{'phase':'Running','podIP':'10.0.0.9',"
        "'conditions':[{'type':'Initialized','status':'True'},{'type':'Ready','status':'True'}],"
        "'initContainerStatuses':["
        "{'name':'setup','restartCount':5,'state':{'terminated':{'exitCode':0,'reason':'Completed'}"
        "}},"
        "{'name':'proxy','restartCount':2,'started':true,'ready':true,'state':{'running':{}},"
        "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2023-11-14T22:10:20Z'}}}],"
        "'containerStatuses':[{'name':'app','ready':true,'restartCount':1,'state':{'running':{}}}]}"
        "}",
        "['p','2/2','Running','3 (3m ago)','5m','10.0.0.9','<none>','<none>','<none>']");
    /* A sidecar that has not started holds up initialisation. */
    check_cell(
        &k_pod,
        "{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'proxy','restartPolicy':'"
        "Always'}],"
        "'containers':[{'name':'app'}]},'status':{'phase':'Pending','initContainerStatuses':["
        "{'name':'proxy','started':false,'state':{'running':{}}}]}}",
        2, "'Init:0/1'");
}

static void test_pod_scheduling_gated(void **state)
{
    (void)state;
    check_cell(&k_pod,
               "{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c'}],'schedulingGates':[{'"
               "name':'g'}]},"
               "'status':{'phase':'Pending','conditions':[{'type':'PodScheduled','status':'False',"
               "'reason':'SchedulingGated'}]}}",
               2, "'SchedulingGated'");
    check_cell(&k_pod,
               "{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c'}]},"
               "'status':{'phase':'Pending','conditions':[{'type':'PodScheduled','status':'False',"
               "'reason':'Unschedulable'}]}}",
               2, "'Pending'");
}

static void test_pod_wide_columns(void **state)
{
    (void)state;
    /* podIPs alone; nominated node; readiness gates. */
    check_row(
        &k_pod,
        "{'metadata':{'name':'p','creationTimestamp':'2023-11-14T22:08:20Z'},"
        "'spec':{'containers':[{'name':'c'}],'readinessGates':[{'conditionType':'example.com/lb'},"
        "{'conditionType':'example.com/dns'}]},"
        "'status':{'phase':'Pending','nominatedNodeName':'node-2','podIPs':[{'ip':'fd00::5'},{'ip':"
        "'10.1.1.1'}],"
        "'conditions':[{'type':'example.com/lb','status':'True'},{'type':'example.com/"
        "dns','status':'False'}]}}",
        "['p','0/1','Pending','0','5m','fd00::5','<none>','node-2','1/2']");
    /* podIP is authoritative over podIPs; duplicate condition types use
     * the first one. */
    check_row(&k_pod,
              "{'metadata':{'name':'p','creationTimestamp':'2023-11-14T22:08:20Z'},"
              "'spec':{'nodeName':'n1','containers':[{'name':'c'}],'readinessGates':[{'"
              "conditionType':'x'}]},"
              "'status':{'phase':'Running','podIP':'10.0.0.1','podIPs':[{'ip':'10.0.0.2'}],"
              "'conditions':[{'type':'x','status':'False'},{'type':'x','status':'True'}]}}",
              "['p','0/1','Running','0','5m','10.0.0.1','n1','<none>','0/1']");
}

/* ---- Node -------------------------------------------------------------------- */

#define NODE(extra_meta, spec, conditions)                                                         \
    "{'metadata':{'name':'node-1','creationTimestamp':'2023-11-11T22:13:20Z'" extra_meta "},"      \
    "'spec':{" spec "},'status':{'conditions':[" conditions "],"                                   \
    "'addresses':[{'type':'Hostname','address':'node-1'},{'type':'InternalIP','address':'10.0.0."  \
    "11'}],"                                                                                       \
    "'nodeInfo':{'kubeletVersion':'v1.32.0','osImage':'Debian GNU/Linux 12 (bookworm)',"           \
    "'kernelVersion':'6.1.0-18-amd64','containerRuntimeVersion':'everynode://0.1.0'}}}"

static void test_node_rows(void **state)
{
    (void)state;
    check_row(&k_node,
              NODE(",'labels':{'kubernetes.io/hostname':'node-1'}", "",
                   "{'type':'MemoryPressure','status':'False'},{'type':'Ready','status':'True'}"),
              "['node-1','Ready','<none>','3d','v1.32.0','10.0.0.11','<none>',"
              "'Debian GNU/Linux 12 (bookworm)','6.1.0-18-amd64','everynode://0.1.0']");
    check_cell(&k_node, NODE("", "'unschedulable':true", "{'type':'Ready','status':'True'}"), 1,
               "'Ready,SchedulingDisabled'");
    check_cell(&k_node, NODE("", "'unschedulable':false", "{'type':'Ready','status':'False'}"), 1,
               "'NotReady'");
    check_cell(&k_node, NODE("", "", "{'type':'Ready','status':'Unknown'}"), 1, "'NotReady'");
    check_cell(&k_node, NODE("", "", ""), 1, "'Unknown'");
    check_cell(&k_node, NODE("", "'unschedulable':true", ""), 1, "'Unknown,SchedulingDisabled'");
    /* The last Ready condition wins, as with upstream's map. */
    check_cell(&k_node,
               NODE("", "", "{'type':'Ready','status':'False'},{'type':'Ready','status':'True'}"),
               1, "'Ready'");
}

static void test_node_roles(void **state)
{
    (void)state;
    check_cell(&k_node,
               NODE(",'labels':{'node-role.kubernetes.io/worker':'','node-role.kubernetes.io/"
                    "control-plane':'',"
                    "'kubernetes.io/role':'master','node-role.kubernetes.io/master':'x'}",
                    "", ""),
               2, "'control-plane,master,worker'");
    check_cell(&k_node,
               NODE(",'labels':{'node-role.kubernetes.io/':'','kubernetes.io/role':''}", "", ""), 2,
               "'<none>'");
    check_cell(&k_node, NODE(",'labels':{'kubernetes.io/role':'edge'}", "", ""), 2, "'edge'");
}

static void test_node_wide_defaults(void **state)
{
    (void)state;
    check_row(&k_node,
              "{'metadata':{'name':'bare','creationTimestamp':'2023-11-14T22:13:20Z'},"
              "'status':{'addresses':[{'type':'ExternalIP','address':'203.0.113.7'},"
              "{'type':'ExternalIP','address':'203.0.113.8'}]}}",
              "['bare','Unknown','<none>','0s','','<none>','203.0.113.7','<unknown>','<unknown>','<"
              "unknown>']");
}

/* ---- Namespace, Lease ------------------------------------------------------------ */

static void test_namespace_and_lease(void **state)
{
    (void)state;
    check_row(
        &k_ns,
        "{'metadata':{'name':'default','creationTimestamp':'2023-11-13T22:13:20Z',"
        "'labels':{'kubernetes.io/metadata.name':'default'}},'spec':{'finalizers':['kubernetes']},"
        "'status':{'phase':'Active'}}",
        "['default','Active','24h']");
    check_row(&k_ns,
              "{'metadata':{'name':'gone','creationTimestamp':'2023-11-14T22:12:20Z'},"
              "'status':{'phase':'Terminating'}}",
              "['gone','Terminating','60s']");
    check_row(&k_lease,
              "{'metadata':{'name':'node-1','namespace':'kube-node-lease','creationTimestamp':'"
              "2023-11-14T18:13:20Z'},"
              "'spec':{'holderIdentity':'node-1','leaseDurationSeconds':40,'renewTime':'2023-11-"
              "14T22:13:10.000000Z'}}",
              "['node-1','node-1','4h']");
    check_row(&k_lease,
              "{'metadata':{'name':'free','creationTimestamp':'2023-11-14T22:13:20Z'},'spec':{}}",
              "['free','','0s']");
}

/* ---- ControllerRevision ---------------------------------------------------------- */

#define REV(owners)                                                                                \
    "{'metadata':{'name':'nginx-6d4cf56db6','namespace':'default','creationTimestamp':'2023-11-"   \
    "14T22:08:20Z',"                                                                               \
    "'ownerReferences':[" owners "]},'revision':1,'data':{'spec':{}}}"

static void test_controllerrevision_rows(void **state)
{
    (void)state;
    check_row(&k_cr,
              REV("{'apiVersion':'apps/v1','kind':'DaemonSet','name':'nginx','uid':'u1',"
                  "'controller':true,'blockOwnerDeletion':true}"),
              "['nginx-6d4cf56db6','daemonset.apps/nginx',1,'5m']");
    check_cell(&k_cr, REV(""), 1, "'<none>'");
    check_cell(&k_cr, REV("{'apiVersion':'apps/v1','kind':'DaemonSet','name':'nginx'}"), 1,
               "'<none>'");
    /* The controller, not the first owner. */
    check_cell(&k_cr,
               REV("{'apiVersion':'v1','kind':'ConfigMap','name':'cfg'},"
                   "{'apiVersion':'apps/v1','kind':'StatefulSet','name':'db','controller':true}"),
               1, "'statefulset.apps/db'");
    check_cell(
        &k_cr,
        REV("{'apiVersion':'v1','kind':'ReplicationController','name':'rc','controller':true}"), 1,
        "'replicationcontroller/rc'");
    check_cell(
        &k_cr,
        REV("{'apiVersion':'Example.COM/v1','kind':'MyKind','name':'Thing','controller':true}"), 1,
        "'mykind.example.com/Thing'");
    check_cell(&k_cr, REV("{'apiVersion':'a/b/c','kind':'Odd','name':'x','controller':true}"), 1,
               "'odd/x'");
    check_cell(&k_cr, REV("{'name':'bare','controller':true}"), 1, "'bare'");
    check_cell(&k_cr, "{'metadata':{'name':'r'},'revision':12}", 2, "12");
}

/* ---- Event ------------------------------------------------------------------------ */

static void test_event_rows(void **state)
{
    (void)state;
    /* A kubelet event seen three times. */
    check_row(&k_ev,
              "{'metadata':{'name':'web.17a2b','namespace':'default','creationTimestamp':'2023-11-"
              "14T22:03:20Z'},"
              "'involvedObject':{'kind':'Pod','namespace':'default','name':'web','uid':'u',"
              "'apiVersion':'v1','fieldPath':'spec.containers{nginx}'},"
              "'reason':'BackOff','message':'Back-off restarting failed container\\n',"
              "'source':{'component':'kubelet','host':'node-1'},"
              "'firstTimestamp':'2023-11-14T22:03:20Z','lastTimestamp':'2023-11-14T22:11:20Z',"
              "'count':3,'type':'Warning','eventTime':null,'reportingComponent':'kubelet',"
              "'reportingInstance':'node-1'}",
              "['2m','Warning','BackOff','pod/web','spec.containers{nginx}','kubelet, node-1',"
              "'Back-off restarting failed container','10m',3,'web.17a2b']");
    /* Controller event about a DaemonSet, no host. */
    check_row(&k_ev,
              "{'metadata':{'name':'nginx.1','namespace':'default'},"
              "'involvedObject':{'kind':'DaemonSet','namespace':'default','name':'nginx','"
              "apiVersion':'apps/v1'},"
              "'reason':'SuccessfulCreate','message':'Created pod: nginx-x7k2p',"
              "'source':{'component':'daemonset-controller'},"
              "'firstTimestamp':'2023-11-14T22:13:15Z','lastTimestamp':'2023-11-14T22:13:15Z',"
              "'count':1,'type':'Normal'}",
              "['5s','Normal','SuccessfulCreate','daemonset/nginx','','daemonset-controller',"
              "'Created pod: nginx-x7k2p','5s',1,'nginx.1']");
}

static void test_event_new_api_and_series(void **state)
{
    (void)state;
    /* events.k8s.io-style: only eventTime and reporting fields, count 0. */
    check_row(&k_ev,
              "{'metadata':{'name':'e1'},'involvedObject':{'kind':'Node','name':'node-1'},"
              "'reason':'RegisteredNode','message':'  Node node-1 event  "
              "','eventTime':'2023-11-14T22:12:20.123456Z',"
              "'reportingComponent':'node-controller','reportingInstance':'','type':'Normal',"
              "'firstTimestamp':null,'lastTimestamp':null}",
              "['60s','Normal','RegisteredNode','node/node-1','','node-controller',"
              "'Node node-1 event','60s',1,'e1']");
    /* A series reports its last observation and count. */
    check_row(
        &k_ev,
        "{'metadata':{'name':'e2'},'involvedObject':{'kind':'Pod','name':'p'},"
        "'reason':'Unhealthy','message':'probe failed','eventTime':'2023-11-14T21:13:20.000000Z',"
        "'series':{'count':42,'lastObservedTime':'2023-11-14T22:13:00.000000Z'},"
        "'reportingComponent':'kubelet','reportingInstance':'node-2','type':'Warning'}",
        "['20s','Warning','Unhealthy','pod/p','','kubelet, node-2','probe failed','60m',42,'e2']");
    /* Source host without component; no involved name; nothing timed. */
    check_row(
        &k_ev,
        "{'metadata':{'name':'e3'},'involvedObject':{'kind':'Namespace'},'source':{'host':'h'},"
        "'count':5}",
        "['<unknown>','','','namespace','',', h','','<unknown>',5,'e3']");
    /* lastTimestamp without firstTimestamp. */
    check_cell(&k_ev, "{'metadata':{'name':'e4'},'lastTimestamp':'2023-11-14T22:13:10Z','count':2}",
               7, "'<unknown>'");
    check_cell(&k_ev, "{'metadata':{'name':'e4'},'lastTimestamp':'2023-11-14T22:13:10Z','count':2}",
               0, "'10s'");
}

/* ---- Service ----------------------------------------------------------------------- */

#define SVC(spec, status)                                                                          \
    "{'metadata':{'name':'kubernetes','namespace':'default','creationTimestamp':'2023-11-13T22:"   \
    "13:20Z'},"                                                                                    \
    "'spec':{" spec "},'status':{" status "}}"

static void test_service_rows(void **state)
{
    (void)state;
    check_row(&k_svc,
              SVC("'type':'ClusterIP','clusterIP':'10.96.0.1','clusterIPs':['10.96.0.1'],"
                  "'ports':[{'name':'https','port':443,'protocol':'TCP','targetPort':6443}]",
                  "'loadBalancer':{}"),
              "['kubernetes','ClusterIP','10.96.0.1','<none>','443/TCP','24h','<none>']");
    check_row(
        &k_svc,
        SVC("'type':'NodePort','clusterIP':'10.96.10.10','externalIPs':['198.51.100.1','198.51.100."
            "2'],"
            "'selector':{'app':'web','tier':'front'},"
            "'ports':[{'port':80,'nodePort':30080,'protocol':'TCP'},{'port':53,'protocol':'UDP'}]",
            ""),
        "['kubernetes','NodePort','10.96.10.10','198.51.100.1,198.51.100.2','80:30080/TCP,53/"
        "UDP','24h',"
        "'app=web,tier=front']");
    check_cell(&k_svc, SVC("'type':'LoadBalancer','clusterIP':'10.96.0.7'", ""), 3, "'<pending>'");
    check_cell(&k_svc,
               SVC("'type':'LoadBalancer','externalIPs':['192.0.2.9']",
                   "'loadBalancer':{'ingress':[{'ip':'203.0.113.9'},{'hostname':'lb.example.com'},"
                   "{'ip':'203.0.113.2'},{'ip':'203.0.113.9'},{}]}"),
               3, "'203.0.113.2,203.0.113.9,lb.example.com,192.0.2.9'");
    check_cell(&k_svc, SVC("'type':'LoadBalancer','externalIPs':['192.0.2.9']", ""), 3,
               "'192.0.2.9'");
    check_cell(&k_svc, SVC("'type':'ExternalName','externalName':'db.example.com'", ""), 3,
               "'db.example.com'");
    check_cell(&k_svc, SVC("'clusterIP':'None'", ""), 3, "'<unknown>'");
    check_cell(&k_svc, SVC("'clusterIP':'None'", ""), 2, "'None'");
    check_cell(&k_svc, SVC("'clusterIPs':['fd00::10']", ""), 2, "'fd00::10'");
    check_cell(&k_svc, SVC("", ""), 2, "'<none>'");
    check_cell(&k_svc, SVC("", ""), 4, "'<none>'");
}

/* ---- kinds without a printer ------------------------------------------------------ */

static void test_default_table(void **state)
{
    (void)state;
    check_row(
        &k_cm,
        "{'metadata':{'name':'cfg','creationTimestamp':'2023-11-14T23:08:20+01:00'},'data':{}}",
        "['cfg','2023-11-14T22:08:20Z']");
    check_row(&k_cm, "{'metadata':{'name':'cfg'}}", "['cfg','0001-01-01T00:00:00Z']");
    check_row(NULL, "{'metadata':{'name':'x','creationTimestamp':'2023-11-14T22:08:20Z'}}",
              "['x','2023-11-14T22:08:20Z']");
    /* A Pod of another group is not printed as a core Pod. */
    check_row(&k_fake_pod, "{'metadata':{'name':'p','creationTimestamp':'2023-11-14T22:08:20Z'}}",
              "['p','2023-11-14T22:08:20Z']");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_per_kind),
        cmocka_unit_test(test_column_definition_shape),
        cmocka_unit_test(test_column_types),
        cmocka_unit_test(test_cells_match_columns_on_empty_input),
        cmocka_unit_test(test_ages),
        cmocka_unit_test(test_label_selector_format),
        cmocka_unit_test(test_label_keys_and_values),
        cmocka_unit_test(test_daemonset_rows),
        cmocka_unit_test(test_pod_running),
        cmocka_unit_test(test_pod_waiting_reasons),
        cmocka_unit_test(test_pod_crashloop_restarts),
        cmocka_unit_test(test_pod_terminated),
        cmocka_unit_test(test_pod_completed_with_running_sibling),
        cmocka_unit_test(test_pod_terminating),
        cmocka_unit_test(test_pod_init_containers),
        cmocka_unit_test(test_pod_init_failed_but_initialized),
        cmocka_unit_test(test_pod_sidecars),
        cmocka_unit_test(test_pod_scheduling_gated),
        cmocka_unit_test(test_pod_wide_columns),
        cmocka_unit_test(test_node_rows),
        cmocka_unit_test(test_node_roles),
        cmocka_unit_test(test_node_wide_defaults),
        cmocka_unit_test(test_namespace_and_lease),
        cmocka_unit_test(test_controllerrevision_rows),
        cmocka_unit_test(test_event_rows),
        cmocka_unit_test(test_event_new_api_and_series),
        cmocka_unit_test(test_service_rows),
        cmocka_unit_test(test_default_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
