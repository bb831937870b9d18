/*
 * test_openapi_docs.c -- unit tests of the OpenAPI v3 documents
 * (openapi.h): the /openapi/v3 index, the per group-version documents'
 * paths and operations as kubectl apply and explain read them, the
 * component schemas (shapes, formats, references, GVK arrays,
 * descriptions), and coverage of every field of the served Kubernetes
 * v1.32 types.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"
#include "openapi/openapi.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define REF_PREFIX "#/components/schemas/"

static const char *const gv_paths[] = {"api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1"};
#define N_GV (sizeof gv_paths / sizeof gv_paths[0])

/* The resources every document must serve: path prefix, plural, kind. */
static const struct {
    const char *gv_path, *group, *kind, *plural;
    bool namespaced, status;
} served[] = {
    {"api/v1", "", "Namespace", "namespaces", false, true},
    {"api/v1", "", "Node", "nodes", false, true},
    {"api/v1", "", "Pod", "pods", true, true},
    {"api/v1", "", "Event", "events", true, false},
    {"api/v1", "", "Service", "services", true, true},
    {"apis/apps/v1", "apps", "DaemonSet", "daemonsets", true, true},
    {"apis/apps/v1", "apps", "ControllerRevision", "controllerrevisions", true, false},
    {"apis/coordination.k8s.io/v1", "coordination.k8s.io", "Lease", "leases", true, false},
};
#define N_SERVED (sizeof served / sizeof served[0])

static json_t *doc_of(const char *gv)
{
    json_t *d = openapi_group_doc(gv);
    if (!d)
        fail_msg("no document for %s", gv);
    return d;
}

static json_t *schema_of(json_t *doc, const char *name)
{
    json_t *s =
        json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"), name);
    if (!json_is_object(s))
        fail_msg("no schema %s", name);
    return s;
}

static json_t *prop_of(json_t *schema, const char *field)
{
    json_t *p = json_object_get(json_object_get(schema, "properties"), field);
    if (!json_is_object(p))
        fail_msg("no property %s", field);
    return p;
}

/* Name of the schema a property refers to through allOf, or NULL. */
static const char *allof_ref(json_t *prop)
{
    json_t *all = json_object_get(prop, "allOf");
    const char *ref;
    if (json_array_size(all) != 1)
        return NULL;
    ref = json_string_value(json_object_get(json_array_get(all, 0), "$ref"));
    if (!ref || strncmp(ref, REF_PREFIX, strlen(REF_PREFIX)) != 0)
        return NULL;
    return ref + strlen(REF_PREFIX);
}

/* json_equal against a new value, which is released. */
static bool equal_new(json_t *have, json_t *want)
{
    bool eq = json_equal(have, want);
    json_decref(want);
    return eq;
}

static bool has_param(json_t *op, const char *name)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(op, "parameters"), i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "name")), name) == 0)
            return true;
    }
    return false;
}

static bool gvk_obj_is(json_t *g, const char *group, const char *version, const char *kind)
{
    return json_is_object(g) && json_object_size(g) == 3 &&
           strcmp(json_string_value(json_object_get(g, "group")), group) == 0 &&
           strcmp(json_string_value(json_object_get(g, "version")), version) == 0 &&
           strcmp(json_string_value(json_object_get(g, "kind")), kind) == 0;
}

/* ---- index -------------------------------------------------------------- */

static void test_index_shape(void **state)
{
    (void)state;
    json_t *idx = openapi_index();
    json_t *paths = json_object_get(idx, "paths");

    assert_non_null(idx);
    assert_int_equal(json_object_size(idx), 1);
    assert_int_equal(json_object_size(paths), N_GV);
    for (size_t i = 0; i < N_GV; i++) {
        json_t *e = json_object_get(paths, gv_paths[i]);
        const char *url = json_string_value(json_object_get(e, "serverRelativeURL"));
        char *prefix = xasprintf("/openapi/v3/%s?hash=", gv_paths[i]);
        assert_non_null(url);
        assert_int_equal(strncmp(url, prefix, strlen(prefix)), 0);
        const char *h = url + strlen(prefix);
        assert_true(strlen(h) >= 16);
        assert_int_equal(strspn(h, "0123456789ABCDEF"), strlen(h));
        free(prefix);
    }
    /* Cached: the same object every time. */
    assert_ptr_equal(openapi_index(), idx);
}

static void test_index_hash_tracks_text(void **state)
{
    (void)state;
    /* Different documents, different hashes. */
    json_t *paths = json_object_get(openapi_index(), "paths");
    const char *a =
        json_string_value(json_object_get(json_object_get(paths, "api/v1"), "serverRelativeURL"));
    const char *b = json_string_value(
        json_object_get(json_object_get(paths, "apis/apps/v1"), "serverRelativeURL"));
    assert_string_not_equal(strchr(a, '=') + 1, strchr(b, '=') + 1);
}

static void test_doc_lookup(void **state)
{
    (void)state;
    size_t len = 0;

    for (size_t i = 0; i < N_GV; i++) {
        json_t *d = openapi_group_doc(gv_paths[i]);
        const char *t = openapi_group_doc_text(gv_paths[i], &len);
        assert_non_null(d);
        assert_non_null(t);
        assert_int_equal(strlen(t), len);
        /* The text is the document. */
        json_error_t jerr;
        json_t *back = json_loadb(t, len, 0, &jerr);
        assert_non_null(back);
        assert_true(json_equal(back, d));
        json_decref(back);
        assert_ptr_equal(openapi_group_doc(gv_paths[i]), d);
        assert_ptr_equal(openapi_group_doc_text(gv_paths[i], NULL), t);
        assert_string_equal(json_string_value(json_object_get(d, "openapi")), "3.0.0");
        assert_non_null(json_object_get(json_object_get(d, "info"), "title"));
    }
    /* A leading slash is tolerated. */
    assert_ptr_equal(openapi_group_doc("/apis/apps/v1"), openapi_group_doc("apis/apps/v1"));
    assert_null(openapi_group_doc("apis/apps/v2"));
    assert_null(openapi_group_doc("apis/batch/v1"));
    assert_null(openapi_group_doc("api"));
    assert_null(openapi_group_doc(""));
    assert_null(openapi_group_doc(NULL));
    len = 77;
    assert_null(openapi_group_doc_text("apis/apps", &len));
    assert_int_equal(len, 77);
    assert_null(openapi_group_doc_text(NULL, NULL));
}

/* ---- paths and operations ----------------------------------------------- */

static void check_op(json_t *op, const char *group, const char *kind, const char *const *want)
{
    if (!json_is_object(op))
        fail_msg("missing operation for %s", kind);
    assert_true(
        gvk_obj_is(json_object_get(op, "x-kubernetes-group-version-kind"), group, "v1", kind));
    assert_non_null(json_string_value(json_object_get(op, "operationId")));
    assert_non_null(json_string_value(json_object_get(op, "x-kubernetes-action")));
    assert_non_null(json_object_get(json_object_get(op, "responses"), "200"));
    for (size_t i = 0; want && want[i]; i++)
        if (!has_param(op, want[i]))
            fail_msg("%s operation lacks parameter %s", kind, want[i]);
}

static void test_resource_paths(void **state)
{
    (void)state;
    static const char *const write_params[] = {"fieldValidation", "fieldManager", "dryRun", NULL};
    static const char *const list_params[] = {"labelSelector", "fieldSelector", "limit",
                                              "continue",      "watch",         NULL};
    static const char *const del_params[] = {"propagationPolicy", "gracePeriodSeconds", NULL};

    for (size_t i = 0; i < N_SERVED; i++) {
        json_t *paths = json_object_get(doc_of(served[i].gv_path), "paths");
        const char *g = served[i].group, *k = served[i].kind;
        char *coll =
            served[i].namespaced
                ? xasprintf("/%s/namespaces/{namespace}/%s", served[i].gv_path, served[i].plural)
                : xasprintf("/%s/%s", served[i].gv_path, served[i].plural);
        char *item = xasprintf("%s/{name}", coll);
        char *status = xasprintf("%s/{name}/status", coll);
        json_t *ci = json_object_get(paths, coll);
        json_t *ii = json_object_get(paths, item);

        if (!ci || !ii)
            fail_msg("paths for %s missing", k);
        check_op(json_object_get(ci, "get"), g, k, list_params);
        check_op(json_object_get(ci, "post"), g, k, write_params);
        check_op(json_object_get(ii, "get"), g, k, NULL);
        check_op(json_object_get(ii, "put"), g, k, write_params);
        check_op(json_object_get(ii, "patch"), g, k, write_params);
        check_op(json_object_get(ii, "delete"), g, k, del_params);
        if (served[i].status)
            check_op(json_object_get(json_object_get(paths, status), "patch"), g, k, write_params);
        else
            assert_null(json_object_get(paths, status));
        if (served[i].namespaced) {
            char *all = xasprintf("/%s/%s", served[i].gv_path, served[i].plural);
            check_op(json_object_get(json_object_get(paths, all), "get"), g, k, list_params);
            free(all);
        }
        /* Path-level parameters declare the path variables. */
        json_t *pp = json_object_get(ii, "parameters");
        bool has_name = false, has_ns = false;
        size_t j;
        json_t *p;
        json_array_foreach(pp, j, p)
        {
            const char *n = json_string_value(json_object_get(p, "name"));
            assert_string_equal(json_string_value(json_object_get(p, "in")), "path");
            assert_true(json_is_true(json_object_get(p, "required")));
            has_name |= strcmp(n, "name") == 0;
            has_ns |= strcmp(n, "namespace") == 0;
        }
        assert_true(has_name);
        assert_int_equal(has_ns, served[i].namespaced);
        free(coll);
        free(item);
        free(status);
    }
}

/*
 * kubectl's query-param verifier decides on the first patch operation with
 * the object's GVK it meets, in map order: every such operation must carry
 * fieldValidation.  And none may declare strategic merge patch bodies.
 */
static void test_every_patch_has_field_validation(void **state)
{
    (void)state;
    size_t npatch = 0;

    for (size_t i = 0; i < N_GV; i++) {
        const char *path;
        json_t *item;
        json_object_foreach(json_object_get(doc_of(gv_paths[i]), "paths"), path, item)
        {
            json_t *op = json_object_get(item, "patch");
            if (!op)
                continue;
            npatch++;
            if (!has_param(op, "fieldValidation"))
                fail_msg("patch %s lacks fieldValidation", path);
            assert_true(json_is_object(json_object_get(op, "x-kubernetes-group-version-kind")));
            json_t *ct = json_object_get(json_object_get(op, "requestBody"), "content");
            assert_null(json_object_get(ct, "application/strategic-merge-patch+json"));
        }
    }
    assert_int_equal(npatch, 9 + 5); /* every item path, plus each /status */
}

/* Operations only name GVKs of their own group-version. */
static void test_op_gvk_in_own_group(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_GV; i++) {
        const char *want_group =
            strcmp(gv_paths[i], "api/v1") == 0 ? "" : strchr(gv_paths[i], '/') + 1;
        size_t glen = strcmp(gv_paths[i], "api/v1") == 0 ? 0 : strcspn(want_group, "/");
        const char *path, *method;
        json_t *item, *op;
        json_object_foreach(json_object_get(doc_of(gv_paths[i]), "paths"), path, item)
        {
            assert_int_equal(strncmp(path + 1, gv_paths[i], strlen(gv_paths[i])), 0);
            json_object_foreach(item, method, op)
            {
                if (strcmp(method, "parameters") == 0)
                    continue;
                const char *g = json_string_value(json_object_get(
                    json_object_get(op, "x-kubernetes-group-version-kind"), "group"));
                assert_non_null(g);
                assert_int_equal(strlen(g), glen);
                assert_int_equal(strncmp(g, want_group, glen), 0);
            }
        }
    }
}

/* ---- schemas ------------------------------------------------------------ */

/* Visit every "$ref" string in v; fail if one does not resolve in schemas. */
static size_t check_refs(json_t *v, json_t *schemas)
{
    size_t n = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            if (strcmp(k, "$ref") == 0) {
                const char *r = json_string_value(x);
                assert_non_null(r);
                assert_int_equal(strncmp(r, REF_PREFIX, strlen(REF_PREFIX)), 0);
                if (!json_object_get(schemas, r + strlen(REF_PREFIX)))
                    fail_msg("dangling $ref %s", r);
                n++;
            } else {
                n += check_refs(x, schemas);
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) n += check_refs(x, schemas);
    }
    return n;
}

static void test_refs_resolve(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_GV; i++) {
        json_t *d = doc_of(gv_paths[i]);
        json_t *schemas = json_object_get(json_object_get(d, "components"), "schemas");
        assert_true(json_object_size(schemas) > 10);
        assert_true(check_refs(d, schemas) > 30);
    }
}

/* Every schema and every property is described; properties have a type. */
static void test_descriptions_and_types(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_GV; i++) {
        json_t *schemas =
            json_object_get(json_object_get(doc_of(gv_paths[i]), "components"), "schemas");
        const char *name, *fname;
        json_t *s, *p;
        json_object_foreach(schemas, name, s)
        {
            const char *d = json_string_value(json_object_get(s, "description"));
            if (!d || !*d)
                fail_msg("schema %s has no description", name);
            json_object_foreach(json_object_get(s, "properties"), fname, p)
            {
                d = json_string_value(json_object_get(p, "description"));
                if (!d || !*d)
                    fail_msg("%s.%s has no description", name, fname);
                if (!json_object_get(p, "type") && !allof_ref(p))
                    fail_msg("%s.%s has neither type nor reference", name, fname);
                if (json_object_get(p, "type") && json_object_get(p, "allOf"))
                    fail_msg("%s.%s has both type and allOf", name, fname);
                const char *t = json_string_value(json_object_get(p, "type"));
                if (t && strcmp(t, "array") == 0)
                    assert_non_null(json_object_get(p, "items"));
            }
        }
    }
}

static void test_gvk_arrays(void **state)
{
    (void)state;
    static const struct {
        const char *gv, *schema, *group, *kind;
    } kinds[] = {
        {"apis/apps/v1", "io.k8s.api.apps.v1.DaemonSet", "apps", "DaemonSet"},
        {"apis/apps/v1", "io.k8s.api.apps.v1.DaemonSetList", "apps", "DaemonSetList"},
        {"apis/apps/v1", "io.k8s.api.apps.v1.ControllerRevision", "apps", "ControllerRevision"},
        {"apis/apps/v1", "io.k8s.api.apps.v1.ControllerRevisionList", "apps",
         "ControllerRevisionList"},
        {"api/v1", "io.k8s.api.core.v1.Pod", "", "Pod"},
        {"api/v1", "io.k8s.api.core.v1.PodList", "", "PodList"},
        {"api/v1", "io.k8s.api.core.v1.Node", "", "Node"},
        {"api/v1", "io.k8s.api.core.v1.Namespace", "", "Namespace"},
        {"api/v1", "io.k8s.api.core.v1.Event", "", "Event"},
        {"api/v1", "io.k8s.api.core.v1.Service", "", "Service"},
        {"apis/coordination.k8s.io/v1", "io.k8s.api.coordination.v1.Lease", "coordination.k8s.io",
         "Lease"},
        {"apis/coordination.k8s.io/v1", "io.k8s.api.coordination.v1.LeaseList",
         "coordination.k8s.io", "LeaseList"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        json_t *s = schema_of(doc_of(kinds[i].gv), kinds[i].schema);
        json_t *g = json_object_get(s, "x-kubernetes-group-version-kind");
        assert_true(json_is_array(g));
        assert_int_equal(json_array_size(g), 1);
        assert_true(gvk_obj_is(json_array_get(g, 0), kinds[i].group, "v1", kinds[i].kind));
    }
    /* Nested types carry no GVK. */
    json_t *apps = doc_of("apis/apps/v1");
    assert_null(json_object_get(schema_of(apps, "io.k8s.api.apps.v1.DaemonSetSpec"),
                                "x-kubernetes-group-version-kind"));
    assert_null(json_object_get(schema_of(apps, "io.k8s.api.core.v1.PodSpec"),
                                "x-kubernetes-group-version-kind"));
    /* DeleteOptions is a kind in every group. */
    json_t *g =
        json_object_get(schema_of(apps, "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"),
                        "x-kubernetes-group-version-kind");
    bool found = false;
    size_t i;
    json_t *x;
    json_array_foreach(g, i, x) found |= gvk_obj_is(x, "apps", "v1", "DeleteOptions");
    assert_true(found);
}

/* Documents hold the schemas their kinds reach, and not other groups' kinds. */
static void test_schema_closure(void **state)
{
    (void)state;
    json_t *apps = doc_of("apis/apps/v1");
    json_t *coord = doc_of("apis/coordination.k8s.io/v1");
    json_t *core = doc_of("api/v1");

    schema_of(apps, "io.k8s.api.core.v1.Container");
    schema_of(apps, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    schema_of(apps, "io.k8s.apimachinery.pkg.runtime.RawExtension");
    schema_of(core, "io.k8s.api.core.v1.Taint");
    schema_of(coord, "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime");
    json_t *as = json_object_get(json_object_get(apps, "components"), "schemas");
    json_t *ls = json_object_get(json_object_get(coord, "components"), "schemas");
    assert_null(json_object_get(as, "io.k8s.api.core.v1.Node"));
    assert_null(json_object_get(as, "io.k8s.api.coordination.v1.Lease"));
    assert_null(json_object_get(ls, "io.k8s.api.core.v1.PodSpec"));
    assert_null(json_object_get(json_object_get(json_object_get(core, "components"), "schemas"),
                                "io.k8s.api.apps.v1.DaemonSet"));
}

static void test_field_shapes(void **state)
{
    (void)state;
    json_t *apps = doc_of("apis/apps/v1");
    json_t *core = doc_of("api/v1");
    json_t *s, *p;

    s = schema_of(apps, "io.k8s.api.apps.v1.DaemonSetSpec");
    p = prop_of(s, "minReadySeconds");
    assert_string_equal(json_string_value(json_object_get(p, "type")), "integer");
    assert_string_equal(json_string_value(json_object_get(p, "format")), "int32");
    assert_string_equal(allof_ref(prop_of(s, "template")), "io.k8s.api.core.v1.PodTemplateSpec");
    assert_string_equal(allof_ref(prop_of(s, "selector")),
                        "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector");
    assert_true(
        equal_new(json_object_get(s, "required"), json_pack("[ss]", "selector", "template")));

    s = schema_of(apps, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    p = prop_of(s, "generation");
    assert_string_equal(json_string_value(json_object_get(p, "format")), "int64");
    p = prop_of(s, "labels");
    assert_string_equal(json_string_value(json_object_get(p, "type")), "object");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(p, "additionalProperties"), "type")),
        "string");
    assert_string_equal(allof_ref(prop_of(s, "creationTimestamp")),
                        "io.k8s.apimachinery.pkg.apis.meta.v1.Time");
    p = prop_of(s, "ownerReferences");
    assert_string_equal(json_string_value(json_object_get(p, "type")), "array");
    assert_string_equal(allof_ref(json_object_get(p, "items")),
                        "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference");
    assert_null(json_object_get(s, "required"));

    s = schema_of(apps, "io.k8s.api.core.v1.PodSpec");
    p = prop_of(s, "containers");
    assert_string_equal(allof_ref(json_object_get(p, "items")), "io.k8s.api.core.v1.Container");
    p = prop_of(s, "restartPolicy");
    assert_true(
        equal_new(json_object_get(p, "enum"), json_pack("[sss]", "Always", "Never", "OnFailure")));
    p = prop_of(s, "overhead");
    assert_string_equal(allof_ref(json_object_get(p, "additionalProperties")),
                        "io.k8s.apimachinery.pkg.api.resource.Quantity");

    s = schema_of(apps, "io.k8s.api.core.v1.Container");
    assert_true(equal_new(json_object_get(s, "required"), json_pack("[s]", "name")));
    s = schema_of(apps, "io.k8s.api.core.v1.HTTPGetAction");
    assert_string_equal(allof_ref(prop_of(s, "port")),
                        "io.k8s.apimachinery.pkg.util.intstr.IntOrString");

    s = schema_of(apps, "io.k8s.apimachinery.pkg.util.intstr.IntOrString");
    assert_true(json_is_true(json_object_get(s, "x-kubernetes-int-or-string")));
    assert_string_equal(json_string_value(json_object_get(s, "format")), "int-or-string");
    s = schema_of(apps, "io.k8s.apimachinery.pkg.api.resource.Quantity");
    assert_null(json_object_get(s, "properties"));
    assert_non_null(json_object_get(s, "description"));
    s = schema_of(apps, "io.k8s.apimachinery.pkg.apis.meta.v1.Time");
    assert_string_equal(json_string_value(json_object_get(s, "type")), "string");
    assert_string_equal(json_string_value(json_object_get(s, "format")), "date-time");
    s = schema_of(apps, "io.k8s.apimachinery.pkg.runtime.RawExtension");
    assert_true(json_is_true(json_object_get(s, "x-kubernetes-preserve-unknown-fields")));

    /* A legacy volume source is an open object, still named. */
    s = schema_of(apps, "io.k8s.api.core.v1.Volume");
    assert_string_equal(allof_ref(prop_of(s, "rbd")), "io.k8s.api.core.v1.RBDVolumeSource");
    s = schema_of(apps, "io.k8s.api.core.v1.RBDVolumeSource");
    assert_true(json_is_true(json_object_get(s, "x-kubernetes-preserve-unknown-fields")));

    /* Capitalised field upstream keeps: DaemonEndpoint.Port. */
    s = schema_of(core, "io.k8s.api.core.v1.DaemonEndpoint");
    prop_of(s, "Port");
    assert_null(json_object_get(json_object_get(s, "properties"), "port"));
}

/* ---- coverage of Kubernetes v1.32 fields -------------------------------- */

/*
 * Every field of the fully described types, with its JSON shape:
 * s string, i32/i64 integer, b boolean, r reference (allOf), a array,
 * m map.  Taken from the v1.32 API field lists.  {short name, required,
 * fields}.
 */
static const struct {
    const char *type, *required, *fields;
} coverage[] = {
    {"DaemonSet", "", "apiVersion:s kind:s metadata:r spec:r status:r"},
    {"ObjectMeta", "",
     "annotations:m creationTimestamp:r deletionGracePeriodSeconds:i64 deletionTimestamp:r "
     "finalizers:a generateName:s generation:i64 labels:m managedFields:a name:s namespace:s "
     "ownerReferences:a resourceVersion:s selfLink:s uid:s"},
    {"ManagedFieldsEntry", "",
     "apiVersion:s fieldsType:s fieldsV1:r manager:s operation:s subresource:s time:r"},
    {"OwnerReference", "apiVersion kind name uid",
     "apiVersion:s blockOwnerDeletion:b controller:b kind:s name:s uid:s"},
    {"DaemonSetSpec", "selector template",
     "minReadySeconds:i32 revisionHistoryLimit:i32 selector:r template:r updateStrategy:r"},
    {"LabelSelector", "", "matchExpressions:a matchLabels:m"},
    {"LabelSelectorRequirement", "key operator", "key:s operator:s values:a"},
    {"PodTemplateSpec", "", "metadata:r spec:r"},
    {"PodSpec", "containers",
     "activeDeadlineSeconds:i64 affinity:r automountServiceAccountToken:b containers:a dnsConfig:r "
     "dnsPolicy:s enableServiceLinks:b ephemeralContainers:a hostAliases:a hostIPC:b hostNetwork:b "
     "hostPID:b hostUsers:b hostname:s imagePullSecrets:a initContainers:a nodeName:s "
     "nodeSelector:m os:r overhead:m preemptionPolicy:s priority:i32 priorityClassName:s "
     "readinessGates:a resourceClaims:a resources:r restartPolicy:s runtimeClassName:s "
     "schedulerName:s schedulingGates:a securityContext:r serviceAccount:s serviceAccountName:s "
     "setHostnameAsFQDN:b shareProcessNamespace:b subdomain:s terminationGracePeriodSeconds:i64 "
     "tolerations:a topologySpreadConstraints:a volumes:a"},
    {"Affinity", "", "nodeAffinity:r podAffinity:r podAntiAffinity:r"},
    {"NodeAffinity", "",
     "preferredDuringSchedulingIgnoredDuringExecution:a "
     "requiredDuringSchedulingIgnoredDuringExecution:r"},
    {"PreferredSchedulingTerm", "preference weight", "preference:r weight:i32"},
    {"NodeSelectorTerm", "", "matchExpressions:a matchFields:a"},
    {"NodeSelectorRequirement", "key operator", "key:s operator:s values:a"},
    {"NodeSelector", "nodeSelectorTerms", "nodeSelectorTerms:a"},
    {"PodAffinity", "",
     "preferredDuringSchedulingIgnoredDuringExecution:a "
     "requiredDuringSchedulingIgnoredDuringExecution:a"},
    {"WeightedPodAffinityTerm", "podAffinityTerm weight", "podAffinityTerm:r weight:i32"},
    {"PodAffinityTerm", "topologyKey",
     "labelSelector:r matchLabelKeys:a mismatchLabelKeys:a namespaceSelector:r namespaces:a "
     "topologyKey:s"},
    {"PodAntiAffinity", "",
     "preferredDuringSchedulingIgnoredDuringExecution:a "
     "requiredDuringSchedulingIgnoredDuringExecution:a"},
    {"Container", "name",
     "args:a command:a env:a envFrom:a image:s imagePullPolicy:s lifecycle:r livenessProbe:r "
     "name:s ports:a readinessProbe:r resizePolicy:a resources:r restartPolicy:s securityContext:r "
     "startupProbe:r stdin:b stdinOnce:b terminationMessagePath:s terminationMessagePolicy:s tty:b "
     "volumeDevices:a volumeMounts:a workingDir:s"},
    {"EnvVar", "name", "name:s value:s valueFrom:r"},
    {"EnvVarSource", "", "configMapKeyRef:r fieldRef:r resourceFieldRef:r secretKeyRef:r"},
    {"ConfigMapKeySelector", "key", "key:s name:s optional:b"},
    {"ObjectFieldSelector", "fieldPath", "apiVersion:s fieldPath:s"},
    {"ResourceFieldSelector", "resource", "containerName:s divisor:r resource:s"},
    {"SecretKeySelector", "key", "key:s name:s optional:b"},
    {"EnvFromSource", "", "configMapRef:r prefix:s secretRef:r"},
    {"ConfigMapEnvSource", "", "name:s optional:b"},
    {"SecretEnvSource", "", "name:s optional:b"},
    {"Lifecycle", "", "postStart:r preStop:r"},
    {"LifecycleHandler", "", "exec:r httpGet:r sleep:r tcpSocket:r"},
    {"ExecAction", "", "command:a"},
    {"HTTPGetAction", "port", "host:s httpHeaders:a path:s port:r scheme:s"},
    {"HTTPHeader", "name value", "name:s value:s"},
    {"SleepAction", "seconds", "seconds:i64"},
    {"TCPSocketAction", "port", "host:s port:r"},
    {"Probe", "",
     "exec:r failureThreshold:i32 grpc:r httpGet:r initialDelaySeconds:i32 periodSeconds:i32 "
     "successThreshold:i32 tcpSocket:r terminationGracePeriodSeconds:i64 timeoutSeconds:i32"},
    {"GRPCAction", "port", "port:i32 service:s"},
    {"ContainerPort", "containerPort", "containerPort:i32 hostIP:s hostPort:i32 name:s protocol:s"},
    {"ContainerResizePolicy", "resourceName restartPolicy", "resourceName:s restartPolicy:s"},
    {"ResourceRequirements", "", "claims:a limits:m requests:m"},
    {"ResourceClaim", "name", "name:s request:s"},
    {"SecurityContext", "",
     "allowPrivilegeEscalation:b appArmorProfile:r capabilities:r privileged:b procMount:s "
     "readOnlyRootFilesystem:b runAsGroup:i64 runAsNonRoot:b runAsUser:i64 seLinuxOptions:r "
     "seccompProfile:r windowsOptions:r"},
    {"AppArmorProfile", "type", "localhostProfile:s type:s"},
    {"Capabilities", "", "add:a drop:a"},
    {"SELinuxOptions", "", "level:s role:s type:s user:s"},
    {"SeccompProfile", "type", "localhostProfile:s type:s"},
    {"WindowsSecurityContextOptions", "",
     "gmsaCredentialSpec:s gmsaCredentialSpecName:s hostProcess:b runAsUserName:s"},
    {"VolumeDevice", "devicePath name", "devicePath:s name:s"},
    {"VolumeMount", "mountPath name",
     "mountPath:s mountPropagation:s name:s readOnly:b recursiveReadOnly:s subPath:s "
     "subPathExpr:s"},
    {"PodDNSConfig", "", "nameservers:a options:a searches:a"},
    {"PodDNSConfigOption", "", "name:s value:s"},
    {"EphemeralContainer", "name",
     "args:a command:a env:a envFrom:a image:s imagePullPolicy:s lifecycle:r livenessProbe:r "
     "name:s ports:a readinessProbe:r resizePolicy:a resources:r restartPolicy:s securityContext:r "
     "startupProbe:r stdin:b stdinOnce:b targetContainerName:s terminationMessagePath:s "
     "terminationMessagePolicy:s tty:b volumeDevices:a volumeMounts:a workingDir:s"},
    {"HostAlias", "ip", "hostnames:a ip:s"},
    {"LocalObjectReference", "", "name:s"},
    {"PodOS", "name", "name:s"},
    {"PodReadinessGate", "conditionType", "conditionType:s"},
    {"PodResourceClaim", "name", "name:s resourceClaimName:s resourceClaimTemplateName:s"},
    {"PodSchedulingGate", "name", "name:s"},
    {"PodSecurityContext", "",
     "appArmorProfile:r fsGroup:i64 fsGroupChangePolicy:s runAsGroup:i64 runAsNonRoot:b "
     "runAsUser:i64 seLinuxChangePolicy:s seLinuxOptions:r seccompProfile:r supplementalGroups:a "
     "supplementalGroupsPolicy:s sysctls:a windowsOptions:r"},
    {"Sysctl", "name value", "name:s value:s"},
    {"Toleration", "", "effect:s key:s operator:s tolerationSeconds:i64 value:s"},
    {"TopologySpreadConstraint", "maxSkew topologyKey whenUnsatisfiable",
     "labelSelector:r matchLabelKeys:a maxSkew:i32 minDomains:i32 nodeAffinityPolicy:s "
     "nodeTaintsPolicy:s topologyKey:s whenUnsatisfiable:s"},
    {"Volume", "name",
     "awsElasticBlockStore:r azureDisk:r azureFile:r cephfs:r cinder:r configMap:r csi:r "
     "downwardAPI:r emptyDir:r ephemeral:r fc:r flexVolume:r flocker:r gcePersistentDisk:r "
     "gitRepo:r glusterfs:r hostPath:r image:r iscsi:r name:s nfs:r persistentVolumeClaim:r "
     "photonPersistentDisk:r portworxVolume:r projected:r quobyte:r rbd:r scaleIO:r secret:r "
     "storageos:r vsphereVolume:r"},
    {"ConfigMapVolumeSource", "", "defaultMode:i32 items:a name:s optional:b"},
    {"KeyToPath", "key path", "key:s mode:i32 path:s"},
    {"CSIVolumeSource", "driver",
     "driver:s fsType:s nodePublishSecretRef:r readOnly:b volumeAttributes:m"},
    {"DownwardAPIVolumeSource", "", "defaultMode:i32 items:a"},
    {"DownwardAPIVolumeFile", "path", "fieldRef:r mode:i32 path:s resourceFieldRef:r"},
    {"EmptyDirVolumeSource", "", "medium:s sizeLimit:r"},
    {"EphemeralVolumeSource", "", "volumeClaimTemplate:r"},
    {"PersistentVolumeClaimTemplate", "spec", "metadata:r spec:r"},
    {"PersistentVolumeClaimSpec", "",
     "accessModes:a dataSource:r dataSourceRef:r resources:r selector:r storageClassName:s "
     "volumeAttributesClassName:s volumeMode:s volumeName:s"},
    {"TypedLocalObjectReference", "kind name", "apiGroup:s kind:s name:s"},
    {"TypedObjectReference", "kind name", "apiGroup:s kind:s name:s namespace:s"},
    {"VolumeResourceRequirements", "", "limits:m requests:m"},
    {"HostPathVolumeSource", "path", "path:s type:s"},
    {"ImageVolumeSource", "", "pullPolicy:s reference:s"},
    {"NFSVolumeSource", "path server", "path:s readOnly:b server:s"},
    {"PersistentVolumeClaimVolumeSource", "claimName", "claimName:s readOnly:b"},
    {"ProjectedVolumeSource", "", "defaultMode:i32 sources:a"},
    {"VolumeProjection", "",
     "clusterTrustBundle:r configMap:r downwardAPI:r secret:r serviceAccountToken:r"},
    {"ClusterTrustBundleProjection", "path",
     "labelSelector:r name:s optional:b path:s signerName:s"},
    {"ConfigMapProjection", "", "items:a name:s optional:b"},
    {"DownwardAPIProjection", "", "items:a"},
    {"SecretProjection", "", "items:a name:s optional:b"},
    {"ServiceAccountTokenProjection", "path", "audience:s expirationSeconds:i64 path:s"},
    {"SecretVolumeSource", "", "defaultMode:i32 items:a optional:b secretName:s"},
    {"DaemonSetUpdateStrategy", "", "rollingUpdate:r type:s"},
    {"RollingUpdateDaemonSet", "", "maxSurge:r maxUnavailable:r"},
    {"DaemonSetStatus",
     "currentNumberScheduled desiredNumberScheduled numberMisscheduled numberReady",
     "collisionCount:i32 conditions:a currentNumberScheduled:i32 desiredNumberScheduled:i32 "
     "numberAvailable:i32 numberMisscheduled:i32 numberReady:i32 numberUnavailable:i32 "
     "observedGeneration:i64 updatedNumberScheduled:i32"},
    {"DaemonSetCondition", "status type",
     "lastTransitionTime:r message:s reason:s status:s type:s"},
    {"DaemonSetList", "items", "apiVersion:s items:a kind:s metadata:r"},
    {"ListMeta", "", "continue:s remainingItemCount:i64 resourceVersion:s selfLink:s"},
    {"ControllerRevision", "revision", "apiVersion:s data:r kind:s metadata:r revision:i64"},
    {"ControllerRevisionList", "items", "apiVersion:s items:a kind:s metadata:r"},
    {"Pod", "", "apiVersion:s kind:s metadata:r spec:r status:r"},
    {"PodStatus", "",
     "conditions:a containerStatuses:a ephemeralContainerStatuses:a hostIP:s hostIPs:a "
     "initContainerStatuses:a message:s nominatedNodeName:s phase:s podIP:s podIPs:a qosClass:s "
     "reason:s resize:s resourceClaimStatuses:a startTime:r"},
    {"PodCondition", "status type",
     "lastProbeTime:r lastTransitionTime:r message:s reason:s status:s type:s"},
    {"ContainerStatus", "image imageID name ready restartCount",
     "allocatedResources:m allocatedResourcesStatus:a containerID:s image:s imageID:s lastState:r "
     "name:s ready:b resources:r restartCount:i32 started:b state:r user:r volumeMounts:a"},
    {"ResourceStatus", "name", "name:s resources:a"},
    {"ResourceHealth", "resourceID", "health:s resourceID:s"},
    {"ContainerState", "", "running:r terminated:r waiting:r"},
    {"ContainerStateRunning", "", "startedAt:r"},
    {"ContainerStateTerminated", "exitCode",
     "containerID:s exitCode:i32 finishedAt:r message:s reason:s signal:i32 startedAt:r"},
    {"ContainerStateWaiting", "", "message:s reason:s"},
    {"ContainerUser", "", "linux:r"},
    {"LinuxContainerUser", "gid uid", "gid:i64 supplementalGroups:a uid:i64"},
    {"VolumeMountStatus", "mountPath name", "mountPath:s name:s readOnly:b recursiveReadOnly:s"},
    {"HostIP", "ip", "ip:s"},
    {"PodIP", "ip", "ip:s"},
    {"PodResourceClaimStatus", "name", "name:s resourceClaimName:s"},
    {"PodList", "items", "apiVersion:s items:a kind:s metadata:r"},
    {"Node", "", "apiVersion:s kind:s metadata:r spec:r status:r"},
    {"NodeSpec", "",
     "configSource:r externalID:s podCIDR:s podCIDRs:a providerID:s taints:a unschedulable:b"},
    {"NodeConfigSource", "", "configMap:r"},
    {"ConfigMapNodeConfigSource", "kubeletConfigKey name namespace",
     "kubeletConfigKey:s name:s namespace:s resourceVersion:s uid:s"},
    {"Taint", "effect key", "effect:s key:s timeAdded:r value:s"},
    {"NodeStatus", "",
     "addresses:a allocatable:m capacity:m conditions:a config:r daemonEndpoints:r features:r "
     "images:a nodeInfo:r phase:s runtimeHandlers:a volumesAttached:a volumesInUse:a"},
    {"NodeAddress", "address type", "address:s type:s"},
    {"NodeCondition", "status type",
     "lastHeartbeatTime:r lastTransitionTime:r message:s reason:s status:s type:s"},
    {"NodeConfigStatus", "", "active:r assigned:r error:s lastKnownGood:r"},
    {"NodeDaemonEndpoints", "", "kubeletEndpoint:r"},
    {"DaemonEndpoint", "Port", "Port:i32"},
    {"NodeFeatures", "", "supplementalGroupsPolicy:b"},
    {"ContainerImage", "", "names:a sizeBytes:i64"},
    {"NodeSystemInfo",
     "architecture bootID containerRuntimeVersion kernelVersion kubeProxyVersion kubeletVersion "
     "machineID operatingSystem osImage systemUUID",
     "architecture:s bootID:s containerRuntimeVersion:s kernelVersion:s kubeProxyVersion:s "
     "kubeletVersion:s machineID:s operatingSystem:s osImage:s systemUUID:s"},
    {"NodeRuntimeHandler", "", "features:r name:s"},
    {"NodeRuntimeHandlerFeatures", "", "recursiveReadOnlyMounts:b userNamespaces:b"},
    {"AttachedVolume", "devicePath name", "devicePath:s name:s"},
    {"NodeList", "items", "apiVersion:s items:a kind:s metadata:r"},
    {"Namespace", "", "apiVersion:s kind:s metadata:r spec:r status:r"},
    {"NamespaceSpec", "", "finalizers:a"},
    {"NamespaceStatus", "", "conditions:a phase:s"},
    {"NamespaceCondition", "status type",
     "lastTransitionTime:r message:s reason:s status:s type:s"},
    {"NamespaceList", "items", "apiVersion:s items:a kind:s metadata:r"},
    {"Event", "involvedObject metadata",
     "action:s apiVersion:s count:i32 eventTime:r firstTimestamp:r involvedObject:r kind:s "
     "lastTimestamp:r message:s metadata:r reason:s related:r reportingComponent:s "
     "reportingInstance:s series:r source:r type:s"},
    {"ObjectReference", "",
     "apiVersion:s fieldPath:s kind:s name:s namespace:s resourceVersion:s uid:s"},
    {"EventSeries", "", "count:i32 lastObservedTime:r"},
    {"EventSource", "", "component:s host:s"},
    {"EventList", "items", "apiVersion:s items:a kind:s metadata:r"},
    {"Service", "", "apiVersion:s kind:s metadata:r spec:r status:r"},
    {"ServiceSpec", "",
     "allocateLoadBalancerNodePorts:b clusterIP:s clusterIPs:a externalIPs:a externalName:s "
     "externalTrafficPolicy:s healthCheckNodePort:i32 internalTrafficPolicy:s ipFamilies:a "
     "ipFamilyPolicy:s loadBalancerClass:s loadBalancerIP:s loadBalancerSourceRanges:a ports:a "
     "publishNotReadyAddresses:b selector:m sessionAffinity:s sessionAffinityConfig:r "
     "trafficDistribution:s type:s"},
    {"ServicePort", "port", "appProtocol:s name:s nodePort:i32 port:i32 protocol:s targetPort:r"},
    {"SessionAffinityConfig", "", "clientIP:r"},
    {"ClientIPConfig", "", "timeoutSeconds:i32"},
    {"ServiceStatus", "", "conditions:a loadBalancer:r"},
    {"Condition", "lastTransitionTime message reason status type",
     "lastTransitionTime:r message:s observedGeneration:i64 reason:s status:s type:s"},
    {"LoadBalancerStatus", "", "ingress:a"},
    {"LoadBalancerIngress", "", "hostname:s ip:s ipMode:s ports:a"},
    {"PortStatus", "port protocol", "error:s port:i32 protocol:s"},
    {"ServiceList", "items", "apiVersion:s items:a kind:s metadata:r"},
    {"Lease", "", "apiVersion:s kind:s metadata:r spec:r"},
    {"LeaseSpec", "",
     "acquireTime:r holderIdentity:s leaseDurationSeconds:i32 leaseTransitions:i32 "
     "preferredHolder:s renewTime:r strategy:s"},
    {"LeaseList", "items", "apiVersion:s items:a kind:s metadata:r"},
    {"DeleteOptions", "",
     "apiVersion:s dryRun:a gracePeriodSeconds:i64 "
     "ignoreStoreReadErrorWithClusterBreakingPotential:b kind:s orphanDependents:b preconditions:r "
     "propagationPolicy:s"},
    {"Preconditions", "", "resourceVersion:s uid:s"},
};

/* Find a schema by short name in any document. */
static json_t *schema_by_short(const char *short_name, json_t **doc_out)
{
    for (size_t i = 0; i < N_GV; i++) {
        json_t *schemas =
            json_object_get(json_object_get(doc_of(gv_paths[i]), "components"), "schemas");
        const char *name;
        json_t *s;
        json_object_foreach(schemas, name, s)
        {
            const char *dot = strrchr(name, '.');
            if (dot && strcmp(dot + 1, short_name) == 0) {
                if (doc_out)
                    *doc_out = doc_of(gv_paths[i]);
                return s;
            }
        }
    }
    return NULL;
}

static const char *shape_of(json_t *p)
{
    const char *t = json_string_value(json_object_get(p, "type"));
    const char *f = json_string_value(json_object_get(p, "format"));
    if (!t)
        return allof_ref(p) ? "r" : "?";
    if (strcmp(t, "array") == 0)
        return "a";
    if (strcmp(t, "boolean") == 0)
        return "b";
    if (strcmp(t, "integer") == 0)
        return f && strcmp(f, "int64") == 0 ? "i64" : "i32";
    if (strcmp(t, "object") == 0)
        return json_object_get(p, "additionalProperties") ? "m" : "o";
    return "s";
}

static void test_field_coverage(void **state)
{
    (void)state;
    size_t nfields = 0;

    for (size_t i = 0; i < sizeof coverage / sizeof coverage[0]; i++) {
        json_t *s = schema_by_short(coverage[i].type, NULL);
        json_t *props;
        size_t want = 0;
        if (!s)
            fail_msg("no schema for %s", coverage[i].type);
        props = json_object_get(s, "properties");
        for (const char *p = coverage[i].fields; *p;) {
            size_t n = strcspn(p, " ");
            char buf[128];
            snprintf(buf, sizeof buf, "%.*s", (int)n, p);
            char *colon = strchr(buf, ':');
            *colon = '\0';
            json_t *prop = json_object_get(props, buf);
            if (!prop)
                fail_msg("%s lacks field %s", coverage[i].type, buf);
            if (strcmp(shape_of(prop), colon + 1) != 0)
                fail_msg("%s.%s is %s, want %s", coverage[i].type, buf, shape_of(prop), colon + 1);
            want++;
            nfields++;
            p += n;
            while (*p == ' ')
                p++;
        }
        /* No invented fields either. */
        if (json_object_size(props) != want)
            fail_msg("%s has %zu fields, want %zu", coverage[i].type, json_object_size(props),
                     want);
        /* Same required list. */
        json_t *req = json_object_get(s, "required");
        size_t nreq = 0;
        for (const char *p = coverage[i].required; *p;) {
            size_t n = strcspn(p, " "), j;
            json_t *x;
            bool found = false;
            json_array_foreach(req, j, x) found |=
                strlen(json_string_value(x)) == n && strncmp(json_string_value(x), p, n) == 0;
            if (!found)
                fail_msg("%s: %.*s should be required", coverage[i].type, (int)n, p);
            nreq++;
            p += n;
            while (*p == ' ')
                p++;
        }
        if (json_array_size(req) != nreq)
            fail_msg("%s: %zu required fields, want %zu", coverage[i].type, json_array_size(req),
                     nreq);
    }
    assert_true(nfields > 600);
}

/* ---- concurrency -------------------------------------------------------- */

static void *race_index(void *arg)
{
    (void)arg;
    return openapi_index();
}

static void test_concurrent_first_use(void **state)
{
    (void)state;
    pthread_t th[8];
    void *res[8];
    for (int i = 0; i < 8; i++)
        assert_int_equal(pthread_create(&th[i], NULL, race_index, NULL), 0);
    for (int i = 0; i < 8; i++)
        assert_int_equal(pthread_join(th[i], &res[i]), 0);
    for (int i = 1; i < 8; i++)
        assert_ptr_equal(res[i], res[0]);
    assert_non_null(res[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* first, so that it races the lazy build */
        cmocka_unit_test(test_concurrent_first_use),
        cmocka_unit_test(test_index_shape),
        cmocka_unit_test(test_index_hash_tracks_text),
        cmocka_unit_test(test_doc_lookup),
        cmocka_unit_test(test_resource_paths),
        cmocka_unit_test(test_every_patch_has_field_validation),
        cmocka_unit_test(test_op_gvk_in_own_group),
        cmocka_unit_test(test_refs_resolve),
        cmocka_unit_test(test_descriptions_and_types),
        cmocka_unit_test(test_gvk_arrays),
        cmocka_unit_test(test_schema_closure),
        cmocka_unit_test(test_field_shapes),
        cmocka_unit_test(test_field_coverage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
