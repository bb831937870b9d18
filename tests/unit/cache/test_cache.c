/*
 * test_cache.c -- unit tests of the watch cache's read side (cache.h) over
 * a real SQLite store in a scratch directory: store keys, the parsed facts
 * kept per object, read-your-writes, loading after a reopen, GET by name and
 * by uid, LIST with namespace/label/field filters and pagination,
 * dependents by owner uid, waiting for a revision, and listeners.
 *
 * Objects are written straight through the store (the layer below the
 * cache) so each test controls exactly which events the cache sees.  Watch
 * behaviour lives in test_cache_watch.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache/cache.h"
#include "core/core.h"

/* ---- fixture ------------------------------------------------------------- */

/* A store in a scratch directory and a cache over it. */
typedef struct fx {
    char *dir; /* owned scratch directory name */
    store *st; /* owned */
    cache *c;  /* owned */
} fx;

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int fx_setup(void **state)
{
    fx *f = xcalloc(1, sizeof *f);

    f->dir = xstrdup("/tmp/en_cache_test_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    if (store_open(f->dir, &f->st) != 0)
        return -1;
    if (cache_open(f->st, 100, &f->c) != 0)
        return -1;
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    fx *f = *state;

    cache_close(f->c);
    store_close(f->st);
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(f->dir);
    free(f);
    return 0;
}

/* Close cache and store, reopen both on the same directory. */
static void fx_reopen(fx *f, size_t history)
{
    cache_close(f->c);
    store_close(f->st);
    f->c = NULL;
    f->st = NULL;
    assert_int_equal(store_open(f->dir, &f->st), 0);
    assert_int_equal(cache_open(f->st, history, &f->c), 0);
}

/* ---- object helpers ------------------------------------------------------ */

static const kind_info *kind(const char *group, const char *resource)
{
    const kind_info *k = types_by_resource(group, "v1", resource);
    assert_non_null(k);
    return k;
}

#define PODS kind("", "pods")
#define NODES kind("", "nodes")
#define DSETS kind("apps", "daemonsets")

/* Create or overwrite (unconditionally) the object at its key; returns the
 * revision of the write. */
static int64_t put(fx *f, const kind_info *k, const char *ns, const char *name, const char *json)
{
    char *key = cache_key(k, ns, name);
    int64_t rev = 0;
    int rc = store_create(f->st, key, json, strlen(json), &rev);

    if (rc == EN_EXISTS)
        rc = store_update(f->st, key, json, strlen(json), 0, &rev);
    assert_int_equal(rc, 0);
    free(key);
    return rev;
}

static int64_t del(fx *f, const kind_info *k, const char *ns, const char *name)
{
    char *key = cache_key(k, ns, name);
    int64_t rev = 0;

    assert_int_equal(store_delete(f->st, key, 0, &rev), 0);
    free(key);
    return rev;
}

/* A pod's stored JSON; labels is a JSON object text or NULL, node/phase may
 * be NULL.  The uid is "uid-<ns>-<name>" unless given.  Caller frees. */
static char *pod_json(const char *ns, const char *name, const char *uid, const char *labels,
                      const char *node, const char *phase)
{
    char *u = uid ? xstrdup(uid) : xasprintf("uid-%s-%s", ns, name);
    char *node_part = node ? xasprintf("\"nodeName\":\"%s\",", node) : xstrdup("");
    char *s = xasprintf("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\","
                        "\"namespace\":\"%s\",\"uid\":\"%s\"%s%s},\"spec\":{%s\"containers\":"
                        "[{\"name\":\"c\",\"image\":\"busybox\"}]},\"status\":{\"phase\":\"%s\"}}",
                        name, ns, u, labels ? ",\"labels\":" : "", labels ? labels : "",
                        node_part, phase ? phase : "Pending");
    free(u);
    free(node_part);
    return s;
}

static int64_t put_pod(fx *f, const char *ns, const char *name, const char *labels,
                       const char *node, const char *phase)
{
    char *j = pod_json(ns, name, NULL, labels, node, phase);
    int64_t rev = put(f, PODS, ns, name, j);
    free(j);
    return rev;
}

/* Names of a list result joined with ',' (caller frees). */
static char *names_of(cache_obj **objs, size_t n)
{
    sbuf sb;

    sbuf_init(&sb);
    for (size_t i = 0; i < n; i++)
        sbuf_printf(&sb, "%s%s/%s", i ? "," : "", objs[i]->ns, objs[i]->name);
    return sbuf_detach(&sb, NULL);
}

/* List with the given filter pieces and compare the "ns/name,..." result. */
static void expect_list(fx *f, const kind_info *k, const char *ns, const char *lsel_s,
                        const char *fsel_s, const char *want)
{
    lsel *ls = NULL;
    fsel *fs = NULL;
    char *err = NULL, *got;
    cache_obj **objs = NULL;
    size_t n = 0;
    int64_t rev = -1;
    bool more = true;

    if (lsel_s)
        assert_int_equal(lsel_parse(lsel_s, &ls, &err), 0);
    if (fsel_s)
        assert_int_equal(fsel_parse(fsel_s, &fs, &err), 0);
    cache_filter flt = {.kind = k, .ns = ns, .labels = ls, .fields = fs};
    assert_int_equal(cache_list(f->c, &flt, NULL, 0, &objs, &n, &rev, &more), 0);
    got = names_of(objs, n);
    if (strcmp(got, want) != 0)
        fail_msg("list ns=%s l=%s f=%s: got [%s] want [%s]", ns ? ns : "(all)",
                 lsel_s ? lsel_s : "", fsel_s ? fsel_s : "", got, want);
    assert_false(more);
    assert_int_equal(rev, cache_revision(f->c));
    free(got);
    cache_list_free(objs, n);
    lsel_free(ls);
    fsel_free(fs);
}

/* ---- keys ---------------------------------------------------------------- */

static void test_keys(void **state)
{
    (void)state;
    char *s;

    s = cache_key(PODS, "default", "web-1");
    assert_string_equal(s, "/registry/core/pods/default/web-1");
    free(s);
    s = cache_key(DSETS, "kube-system", "agent");
    assert_string_equal(s, "/registry/apps/daemonsets/kube-system/agent");
    free(s);
    /* Cluster-scoped kinds have no namespace segment, whatever ns says. */
    s = cache_key(NODES, "", "n1");
    assert_string_equal(s, "/registry/core/nodes/n1");
    free(s);
    s = cache_key(NODES, "ignored", "n1");
    assert_string_equal(s, "/registry/core/nodes/n1");
    free(s);
    s = cache_key(kind("coordination.k8s.io", "leases"), "kube-node-lease", "n1");
    assert_string_equal(s, "/registry/coordination.k8s.io/leases/kube-node-lease/n1");
    free(s);

    s = cache_key_prefix(PODS, "default");
    assert_string_equal(s, "/registry/core/pods/default/");
    free(s);
    s = cache_key_prefix(PODS, NULL);
    assert_string_equal(s, "/registry/core/pods/");
    free(s);
    s = cache_key_prefix(PODS, "");
    assert_string_equal(s, "/registry/core/pods/");
    free(s);
    s = cache_key_prefix(NODES, "default");
    assert_string_equal(s, "/registry/core/nodes/");
    free(s);
    /* The namespace prefix ends in '/' so "default" does not cover
     * "default2". */
    s = cache_key_prefix(DSETS, "default");
    assert_string_equal(s, "/registry/apps/daemonsets/default/");
    free(s);
}

/* ---- objects ------------------------------------------------------------- */

static void test_empty(void **state)
{
    fx *f = *state;
    cache_obj **objs = NULL;
    size_t n = 99;
    int64_t rev = -1;
    bool more = true;
    cache_filter flt = {.kind = PODS};

    assert_int_equal(cache_revision(f->c), 0);
    assert_null(cache_get(f->c, PODS, "default", "nope"));
    assert_null(cache_get_by_uid(f->c, "nope"));
    assert_int_equal(cache_list(f->c, &flt, NULL, 0, &objs, &n, &rev, &more), 0);
    assert_int_equal(n, 0);
    assert_int_equal(rev, 0);
    assert_false(more);
    cache_list_free(objs, n);
    cache_list_free(NULL, 0);
    cache_obj_unref(NULL);
    assert_null(cache_obj_ref(NULL));
}

static void test_get_parsed_facts(void **state)
{
    fx *f = *state;
    const char *j = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p1\","
                    "\"namespace\":\"ns1\",\"uid\":\"u-1\",\"labels\":{\"app\":\"web\"},"
                    "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\","
                    "\"name\":\"ds\",\"uid\":\"owner-1\"},{\"kind\":\"X\",\"uid\":\"owner-2\"}]},"
                    "\"spec\":{\"nodeName\":\"n1\",\"containers\":[]},"
                    "\"status\":{\"phase\":\"Running\"}}";
    int64_t rev = put(f, PODS, "ns1", "p1", j);
    cache_obj *o = cache_get(f->c, PODS, "ns1", "p1");
    json_t *obj;
    char rvs[24];

    /* Read-your-writes: visible as soon as the store write returned. */
    assert_non_null(o);
    assert_int_equal(cache_revision(f->c), rev);
    assert_ptr_equal(o->kind, PODS);
    assert_string_equal(o->key, "/registry/core/pods/ns1/p1");
    assert_string_equal(o->ns, "ns1");
    assert_string_equal(o->name, "p1");
    assert_string_equal(o->uid, "u-1");
    assert_int_equal(o->rev, rev);
    assert_int_equal(o->create_rev, rev);
    assert_false(o->deleting);
    assert_non_null(o->labels);
    assert_string_equal(json_string_value(json_object_get(o->labels, "app")), "web");
    assert_non_null(o->owner_uids);
    assert_int_equal(json_array_size(o->owner_uids), 2);
    assert_string_equal(json_string_value(json_array_get(o->owner_uids, 0)), "owner-1");
    assert_string_equal(json_string_value(json_array_get(o->owner_uids, 1)), "owner-2");

    /* Field-selector values extracted for the kind. */
    bool saw_node = false, saw_phase = false;
    for (size_t i = 0; i < o->nfields; i++) {
        if (strcmp(o->fields[i].name, "spec.nodeName") == 0) {
            assert_string_equal(o->fields[i].value, "n1");
            saw_node = true;
        }
        if (strcmp(o->fields[i].name, "status.phase") == 0) {
            assert_string_equal(o->fields[i].value, "Running");
            saw_phase = true;
        }
    }
    assert_true(saw_node && saw_phase);

    /* The text is the stored JSON with resourceVersion stamped in. */
    obj = cache_obj_json(o);
    snprintf(rvs, sizeof rvs, "%lld", (long long)rev);
    assert_string_equal(json_path_str(obj, "metadata.resourceVersion"), rvs);
    assert_string_equal(json_path_str(obj, "spec.nodeName"), "n1");
    assert_int_equal(strlen(o->text), o->len);
    assert_non_null(strstr(o->text, "\"resourceVersion\":\""));
    json_decref(obj);

    /* The object stays valid after it is replaced in the cache: readers
     * hold their own reference. */
    int64_t rev2 = put_pod(f, "ns1", "p1", NULL, NULL, NULL);
    assert_int_equal(o->rev, rev);
    assert_string_equal(o->name, "p1");
    cache_obj *o2 = cache_get(f->c, PODS, "ns1", "p1");
    assert_non_null(o2);
    assert_ptr_not_equal(o, o2);
    assert_int_equal(o2->rev, rev2);
    assert_int_equal(o2->create_rev, rev);
    assert_null(o2->labels);
    assert_null(o2->owner_uids);
    cache_obj_unref(o2);

    /* A second reference keeps the object alive past one unref. */
    assert_ptr_equal(cache_obj_ref(o), o);
    cache_obj_unref(o);
    assert_string_equal(o->uid, "u-1");
    cache_obj_unref(o);

    /* Other names, namespaces and kinds do not alias. */
    assert_null(cache_get(f->c, PODS, "ns2", "p1"));
    assert_null(cache_get(f->c, PODS, "ns1", "p"));
    assert_null(cache_get(f->c, DSETS, "ns1", "p1"));
}

static void test_deleting_and_labels_forms(void **state)
{
    fx *f = *state;
    cache_obj *o;

    put(f, PODS, "a", "dying",
        "{\"metadata\":{\"name\":\"dying\",\"namespace\":\"a\",\"uid\":\"u-d\","
        "\"deletionTimestamp\":\"2024-01-01T00:00:00Z\",\"labels\":[1,2]}}");
    o = cache_get(f->c, PODS, "a", "dying");
    assert_non_null(o);
    assert_true(o->deleting);
    /* A labels value that is not an object is no labels at all. */
    assert_null(o->labels);
    cache_obj_unref(o);

    /* No metadata at all: name/ns/uid read as "". */
    put(f, PODS, "a", "bare", "{\"kind\":\"Pod\"}");
    o = cache_get(f->c, PODS, "a", "bare");
    assert_non_null(o);
    assert_string_equal(o->name, "");
    assert_string_equal(o->ns, "");
    assert_string_equal(o->uid, "");
    assert_false(o->deleting);
    cache_obj_unref(o);
}

static void test_ignores_foreign_and_bad_values(void **state)
{
    fx *f = *state;
    int64_t rev;
    cache_obj *o;

    /* Keys outside /registry/ or of kinds not served move the revision but
     * add nothing. */
    assert_int_equal(store_create(f->st, "/other/x", "{}", 2, &rev), 0);
    assert_int_equal(cache_revision(f->c), rev);
    assert_int_equal(store_create(f->st, "/registry/core/secrets/default/s", "{}", 2, &rev), 0);
    assert_int_equal(cache_revision(f->c), rev);
    assert_int_equal(store_create(f->st, "/registry/nonsense", "{}", 2, &rev), 0);
    assert_int_equal(cache_revision(f->c), rev);

    /* A value that does not parse as a JSON object is dropped. */
    rev = put(f, PODS, "default", "garbage", "not json");
    assert_int_equal(cache_revision(f->c), rev);
    assert_null(cache_get(f->c, PODS, "default", "garbage"));
    rev = put(f, PODS, "default", "arr", "[1,2]");
    assert_null(cache_get(f->c, PODS, "default", "arr"));

    /* ...and the same on load. */
    put_pod(f, "default", "good", NULL, NULL, NULL);
    fx_reopen(f, 10);
    assert_null(cache_get(f->c, PODS, "default", "garbage"));
    assert_null(cache_get(f->c, PODS, "default", "arr"));
    o = cache_get(f->c, PODS, "default", "good");
    assert_non_null(o);
    cache_obj_unref(o);
    assert_int_equal(cache_revision(f->c), store_revision(f->st));
}

static void test_delete_and_by_uid(void **state)
{
    fx *f = *state;
    cache_obj *o;
    char *j;

    put_pod(f, "default", "p", NULL, NULL, NULL);
    o = cache_get_by_uid(f->c, "uid-default-p");
    assert_non_null(o);
    assert_string_equal(o->name, "p");
    cache_obj_unref(o);

    /* Updates keep the uid index pointing at the newest version. */
    int64_t rev = put_pod(f, "default", "p", "{\"v\":\"2\"}", NULL, NULL);
    o = cache_get_by_uid(f->c, "uid-default-p");
    assert_non_null(o);
    assert_int_equal(o->rev, rev);
    cache_obj_unref(o);

    del(f, PODS, "default", "p");
    assert_null(cache_get(f->c, PODS, "default", "p"));
    assert_null(cache_get_by_uid(f->c, "uid-default-p"));

    /* Recreated under the same name with a new uid. */
    j = pod_json("default", "p", "uid-second", NULL, NULL, NULL);
    put(f, PODS, "default", "p", j);
    free(j);
    assert_null(cache_get_by_uid(f->c, "uid-default-p"));
    o = cache_get_by_uid(f->c, "uid-second");
    assert_non_null(o);
    cache_obj_unref(o);

    /* An update that changes the uid (a store-level overwrite) moves the
     * index entry. */
    j = pod_json("default", "p", "uid-third", NULL, NULL, NULL);
    put(f, PODS, "default", "p", j);
    free(j);
    assert_null(cache_get_by_uid(f->c, "uid-second"));
    o = cache_get_by_uid(f->c, "uid-third");
    assert_non_null(o);
    cache_obj_unref(o);
}

static void test_load_after_reopen(void **state)
{
    fx *f = *state;
    int64_t r1, r2, r3, r4, r5;
    cache_obj *o;

    r1 = put_pod(f, "default", "a", "{\"app\":\"x\"}", "n1", "Running");
    r2 = put_pod(f, "default", "b", NULL, NULL, NULL);
    r3 = put_pod(f, "kube-system", "c", NULL, NULL, NULL);
    r4 = put_pod(f, "default", "a", "{\"app\":\"y\"}", "n1", "Running");
    r5 = del(f, PODS, "default", "b");
    put(f, NODES, "", "n1", "{\"metadata\":{\"name\":\"n1\",\"uid\":\"node-uid\"}}");
    assert_true(r1 < r2 && r2 < r3 && r3 < r4 && r4 < r5);

    fx_reopen(f, 10);
    assert_int_equal(cache_revision(f->c), store_revision(f->st));
    assert_int_equal(cache_revision(f->c), r5 + 1);

    o = cache_get(f->c, PODS, "default", "a");
    assert_non_null(o);
    assert_int_equal(o->rev, r4);
    assert_int_equal(o->create_rev, r1);
    assert_string_equal(json_string_value(json_object_get(o->labels, "app")), "y");
    cache_obj_unref(o);
    assert_null(cache_get(f->c, PODS, "default", "b"));
    o = cache_get(f->c, PODS, "kube-system", "c");
    assert_non_null(o);
    assert_int_equal(o->rev, r3);
    cache_obj_unref(o);
    o = cache_get(f->c, NODES, "", "n1");
    assert_non_null(o);
    assert_string_equal(o->ns, "");
    cache_obj_unref(o);

    /* The uid index is rebuilt too. */
    o = cache_get_by_uid(f->c, "node-uid");
    assert_non_null(o);
    assert_string_equal(o->name, "n1");
    cache_obj_unref(o);

    expect_list(f, PODS, NULL, NULL, NULL, "default/a,kube-system/c");

    /* Live writes after the load still arrive. */
    put_pod(f, "default", "d", NULL, NULL, NULL);
    expect_list(f, PODS, "default", NULL, NULL, "default/a,default/d");
}

/* ---- list ---------------------------------------------------------------- */

static void seed_pods(fx *f)
{
    put_pod(f, "default", "web-1", "{\"app\":\"web\",\"tier\":\"front\"}", "n1", "Running");
    put_pod(f, "default", "web-2", "{\"app\":\"web\",\"tier\":\"front\"}", "n2", "Pending");
    put_pod(f, "default", "db-1", "{\"app\":\"db\",\"tier\":\"back\"}", "n1", "Running");
    put_pod(f, "default2", "web-1", "{\"app\":\"web\"}", "n2", "Failed");
    put_pod(f, "kube-system", "proxy", "{\"k8s-app\":\"proxy\"}", "n1", "Running");
    put_pod(f, "other", "nolabels", NULL, NULL, "Pending");
    /* Same names in another kind must not show up in pod lists. */
    put(f, DSETS, "default", "web-1",
        "{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"default\",\"labels\":{\"app\":\"web\"}}}");
}

static void test_list_filters(void **state)
{
    fx *f = *state;

    seed_pods(f);
    /* Everything, sorted by key (namespace, then name). */
    expect_list(f, PODS, NULL, NULL, NULL,
                "default/db-1,default/web-1,default/web-2,default2/web-1,kube-system/proxy,"
                "other/nolabels");
    expect_list(f, PODS, "", NULL, NULL,
                "default/db-1,default/web-1,default/web-2,default2/web-1,kube-system/proxy,"
                "other/nolabels");
    /* One namespace: "default" must not match "default2". */
    expect_list(f, PODS, "default", NULL, NULL, "default/db-1,default/web-1,default/web-2");
    expect_list(f, PODS, "nope", NULL, NULL, "");
    expect_list(f, DSETS, NULL, NULL, NULL, "default/web-1");

    /* Label selectors, equality and set based. */
    expect_list(f, PODS, NULL, "app=web", NULL, "default/web-1,default/web-2,default2/web-1");
    expect_list(f, PODS, NULL, "app==web,tier=front", NULL, "default/web-1,default/web-2");
    expect_list(f, PODS, "default", "app!=web", NULL, "default/db-1");
    /* != also matches objects without the label. */
    expect_list(f, PODS, NULL, "app!=web", NULL, "default/db-1,kube-system/proxy,other/nolabels");
    expect_list(f, PODS, NULL, "app in (db,web),tier notin (front)", NULL,
                "default/db-1,default2/web-1");
    expect_list(f, PODS, NULL, "tier", NULL, "default/db-1,default/web-1,default/web-2");
    expect_list(f, PODS, NULL, "!app", NULL, "kube-system/proxy,other/nolabels");
    expect_list(f, PODS, NULL, "app=nothing", NULL, "");
    expect_list(f, PODS, NULL, "", NULL,
                "default/db-1,default/web-1,default/web-2,default2/web-1,kube-system/proxy,"
                "other/nolabels");

    /* Field selectors. */
    expect_list(f, PODS, NULL, NULL, "spec.nodeName=n1",
                "default/db-1,default/web-1,kube-system/proxy");
    expect_list(f, PODS, NULL, NULL, "spec.nodeName=", "other/nolabels");
    expect_list(f, PODS, NULL, NULL, "status.phase!=Running",
                "default/web-2,default2/web-1,other/nolabels");
    expect_list(f, PODS, NULL, NULL, "metadata.name=web-1", "default/web-1,default2/web-1");
    expect_list(f, PODS, NULL, NULL, "metadata.namespace=kube-system", "kube-system/proxy");
    expect_list(f, PODS, NULL, NULL, "metadata.name=web-1,metadata.namespace=default2",
                "default2/web-1");

    /* Both together, and within a namespace. */
    expect_list(f, PODS, "default", "app=web", "spec.nodeName=n2", "default/web-2");
    expect_list(f, PODS, NULL, "app=web", "status.phase=Running", "default/web-1");
}

static void test_filter_matches(void **state)
{
    fx *f = *state;
    lsel *ls = NULL;
    fsel *fs = NULL;
    char *err = NULL;
    cache_obj *o;

    put_pod(f, "ns", "p", "{\"a\":\"1\"}", "n9", "Running");
    o = cache_get(f->c, PODS, "ns", "p");
    assert_non_null(o);

    cache_filter flt = {.kind = PODS};
    assert_true(cache_filter_matches(&flt, o));
    flt.kind = DSETS;
    assert_false(cache_filter_matches(&flt, o));
    flt.kind = PODS;
    flt.ns = "ns";
    assert_true(cache_filter_matches(&flt, o));
    flt.ns = "other";
    assert_false(cache_filter_matches(&flt, o));
    flt.ns = "";
    flt.name = "p";
    assert_true(cache_filter_matches(&flt, o));
    flt.name = "q";
    assert_false(cache_filter_matches(&flt, o));
    flt.name = "";
    assert_true(cache_filter_matches(&flt, o));

    assert_int_equal(lsel_parse("a=1", &ls, &err), 0);
    flt.labels = ls;
    assert_true(cache_filter_matches(&flt, o));
    lsel_free(ls);
    assert_int_equal(lsel_parse("a=2", &ls, &err), 0);
    flt.labels = ls;
    assert_false(cache_filter_matches(&flt, o));
    flt.labels = NULL;
    lsel_free(ls);

    assert_int_equal(fsel_parse("spec.nodeName=n9", &fs, &err), 0);
    flt.fields = fs;
    assert_true(cache_filter_matches(&flt, o));
    fsel_free(fs);
    assert_int_equal(fsel_parse("spec.nodeName!=n9", &fs, &err), 0);
    flt.fields = fs;
    assert_false(cache_filter_matches(&flt, o));
    fsel_free(fs);
    cache_obj_unref(o);
}

static void test_list_pagination(void **state)
{
    fx *f = *state;
    cache_filter flt = {.kind = PODS, .ns = "p"};
    cache_obj **objs;
    size_t n, total = 0;
    int64_t rev;
    bool more;
    char *after = NULL, *got;
    char name[16];

    for (int i = 0; i < 25; i++) {
        snprintf(name, sizeof name, "pod-%02d", i);
        put_pod(f, "p", name, i % 2 ? "{\"odd\":\"y\"}" : NULL, NULL, NULL);
    }
    put_pod(f, "q", "pod-99", NULL, NULL, NULL);

    /* Pages of 10: 10, 10, 5, each continuing strictly after the last key. */
    for (int page = 0; page < 3; page++) {
        assert_int_equal(cache_list(f->c, &flt, after, 10, &objs, &n, &rev, &more), 0);
        assert_int_equal(n, page < 2 ? 10 : 5);
        assert_int_equal(more, page < 2);
        assert_int_equal(rev, cache_revision(f->c));
        for (size_t i = 0; i < n; i++) {
            snprintf(name, sizeof name, "pod-%02zu", total + i);
            assert_string_equal(objs[i]->name, name);
        }
        total += n;
        free(after);
        after = xstrdup(objs[n - 1]->key);
        cache_list_free(objs, n);
    }
    assert_int_equal(total, 25);

    /* After the last key: nothing and no more. */
    assert_int_equal(cache_list(f->c, &flt, after, 10, &objs, &n, &rev, &more), 0);
    assert_int_equal(n, 0);
    assert_false(more);
    cache_list_free(objs, n);
    free(after);

    /* A limit exactly the size of the rest says no more. */
    assert_int_equal(cache_list(f->c, &flt, "/registry/core/pods/p/pod-19", 5, &objs, &n, &rev,
                                &more),
                     0);
    assert_int_equal(n, 5);
    assert_false(more);
    assert_string_equal(objs[0]->name, "pod-20");
    cache_list_free(objs, n);

    /* after_key need not exist: continue from where it would sort. */
    assert_int_equal(cache_list(f->c, &flt, "/registry/core/pods/p/pod-055", 2, &objs, &n, &rev,
                                &more),
                     0);
    assert_int_equal(n, 2);
    assert_true(more);
    got = names_of(objs, n);
    assert_string_equal(got, "p/pod-06,p/pod-07");
    free(got);
    cache_list_free(objs, n);

    /* Pagination applies after filtering. */
    lsel *ls = NULL;
    char *err = NULL;
    assert_int_equal(lsel_parse("odd=y", &ls, &err), 0);
    flt.labels = ls;
    assert_int_equal(cache_list(f->c, &flt, NULL, 3, &objs, &n, &rev, &more), 0);
    got = names_of(objs, n);
    assert_string_equal(got, "p/pod-01,p/pod-03,p/pod-05");
    assert_true(more);
    free(got);
    cache_list_free(objs, n);
    assert_int_equal(cache_list(f->c, &flt, NULL, 0, &objs, &n, &rev, &more), 0);
    assert_int_equal(n, 12);
    assert_false(more);
    cache_list_free(objs, n);
    lsel_free(ls);

    /* more may be NULL. */
    flt.labels = NULL;
    assert_int_equal(cache_list(f->c, &flt, NULL, 1, &objs, &n, &rev, NULL), 0);
    assert_int_equal(n, 1);
    cache_list_free(objs, n);
}

static void test_list_snapshot_is_stable(void **state)
{
    fx *f = *state;
    cache_filter flt = {.kind = PODS};
    cache_obj **objs;
    size_t n;
    int64_t rev;
    bool more;

    put_pod(f, "a", "x", NULL, NULL, NULL);
    put_pod(f, "a", "y", NULL, NULL, NULL);
    assert_int_equal(cache_list(f->c, &flt, NULL, 0, &objs, &n, &rev, &more), 0);
    assert_int_equal(n, 2);
    /* Later writes do not touch the snapshot's objects. */
    del(f, PODS, "a", "x");
    put_pod(f, "a", "y", "{\"new\":\"1\"}", NULL, NULL);
    assert_string_equal(objs[0]->name, "x");
    assert_null(objs[1]->labels);
    assert_true(objs[1]->rev <= rev);
    cache_list_free(objs, n);
}

static void test_dependents(void **state)
{
    fx *f = *state;
    cache_obj **objs;
    size_t n;

    put(f, PODS, "default", "a",
        "{\"metadata\":{\"name\":\"a\",\"namespace\":\"default\",\"uid\":\"pa\","
        "\"ownerReferences\":[{\"uid\":\"ds-1\"}]}}");
    put(f, PODS, "default", "b",
        "{\"metadata\":{\"name\":\"b\",\"namespace\":\"default\",\"uid\":\"pb\","
        "\"ownerReferences\":[{\"uid\":\"other\"},{\"uid\":\"ds-1\"}]}}");
    put(f, kind("apps", "controllerrevisions"), "default", "rev-1",
        "{\"metadata\":{\"name\":\"rev-1\",\"namespace\":\"default\",\"uid\":\"cr\","
        "\"ownerReferences\":[{\"uid\":\"ds-1\"}]}}");
    put(f, PODS, "default", "c",
        "{\"metadata\":{\"name\":\"c\",\"namespace\":\"default\",\"uid\":\"pc\","
        "\"ownerReferences\":[{\"uid\":\"ds-2\"}]}}");
    put(f, PODS, "default", "d",
        "{\"metadata\":{\"name\":\"d\",\"namespace\":\"default\",\"uid\":\"pd\","
        "\"ownerReferences\":[{\"name\":\"no-uid\"}]}}");

    assert_int_equal(cache_dependents(f->c, "ds-1", &objs, &n), 0);
    assert_int_equal(n, 3);
    int pods = 0, revs = 0;
    for (size_t i = 0; i < n; i++) {
        if (objs[i]->kind == PODS)
            pods++;
        else
            revs++;
    }
    assert_int_equal(pods, 2);
    assert_int_equal(revs, 1);
    cache_list_free(objs, n);

    assert_int_equal(cache_dependents(f->c, "ds-2", &objs, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(objs[0]->name, "c");
    cache_list_free(objs, n);

    assert_int_equal(cache_dependents(f->c, "nobody", &objs, &n), 0);
    assert_int_equal(n, 0);
    cache_list_free(objs, n);

    /* Once the owner reference is gone, so is the dependency. */
    put(f, PODS, "default", "c", "{\"metadata\":{\"name\":\"c\",\"namespace\":\"default\"}}");
    assert_int_equal(cache_dependents(f->c, "ds-2", &objs, &n), 0);
    assert_int_equal(n, 0);
    cache_list_free(objs, n);
}

/* ---- waiting for a revision ---------------------------------------------- */

struct late_writer {
    fx *f;
    int delay_ms;
};

static void *late_write(void *arg)
{
    struct late_writer *lw = arg;
    struct timespec ts = {0, (long)lw->delay_ms * 1000000L};
    char *j = pod_json("default", "late", NULL, NULL, NULL, NULL);
    char *key = cache_key(types_by_resource("", "v1", "pods"), "default", "late");
    int64_t rev;

    nanosleep(&ts, NULL);
    /* No cmocka assertions off the main thread: the result is checked by
     * the waiter. */
    (void)store_create(lw->f->st, key, j, strlen(j), &rev);
    free(key);
    free(j);
    return NULL;
}

static void test_wait_rev(void **state)
{
    fx *f = *state;
    int64_t rev = put_pod(f, "default", "a", NULL, NULL, NULL);
    int64_t t0;
    pthread_t th;
    struct late_writer lw = {f, 100};

    assert_true(cache_wait_rev(f->c, rev, 0));
    assert_true(cache_wait_rev(f->c, rev - 1, 0));
    assert_true(cache_wait_rev(f->c, 0, 10));

    /* A revision nobody writes times out, after about the timeout. */
    t0 = time_mono_ms();
    assert_false(cache_wait_rev(f->c, rev + 1, 150));
    assert_true(time_mono_ms() - t0 >= 140);

    /* A write from another thread wakes the waiter early. */
    assert_int_equal(pthread_create(&th, NULL, late_write, &lw), 0);
    t0 = time_mono_ms();
    assert_true(cache_wait_rev(f->c, rev + 1, 5000));
    assert_true(time_mono_ms() - t0 < 4000);
    pthread_join(th, NULL);
    cache_obj *o = cache_get(f->c, PODS, "default", "late");
    assert_non_null(o);
    cache_obj_unref(o);
}

/* ---- listeners ----------------------------------------------------------- */

#define MAX_SEEN 64

/* Records listener calls. */
typedef struct seen {
    pthread_mutex_t mu;
    size_t n;
    enum cache_ev_type type[MAX_SEEN];
    char name[MAX_SEEN][32];
    int64_t rev[MAX_SEEN];
    int64_t prev_rev[MAX_SEEN]; /* 0 when prev was NULL */
    char label[MAX_SEEN][16];   /* labels.v of obj, "" if none */
    char prev_label[MAX_SEEN][16];
    int tag; /* which listener this is */
    int *order; /* shared call-order log */
    size_t *norder;
} seen;

static void label_of(cache_obj *o, char *buf)
{
    const char *v = o && o->labels ? json_string_value(json_object_get(o->labels, "v")) : NULL;
    snprintf(buf, 16, "%s", v ? v : "");
}

static void listen_cb(void *ctx, enum cache_ev_type type, cache_obj *obj, cache_obj *prev,
                      json_t *tree)
{
    seen *s = ctx;

    pthread_mutex_lock(&s->mu);
    if (s->n < MAX_SEEN) {
        s->type[s->n] = type;
        snprintf(s->name[s->n], 32, "%s", obj->name);
        s->rev[s->n] = obj->rev;
        s->prev_rev[s->n] = prev ? prev->rev : 0;
        label_of(obj, s->label[s->n]);
        label_of(prev, s->prev_label[s->n]);
        s->n++;
    }
    if (s->order && *s->norder < MAX_SEEN)
        s->order[(*s->norder)++] = s->tag;
    pthread_mutex_unlock(&s->mu);
}

static void test_listeners(void **state)
{
    fx *f = *state;
    seen a, b;
    int order[MAX_SEEN];
    size_t norder = 0;
    int64_t r1, r2, r3;

    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    pthread_mutex_init(&a.mu, NULL);
    pthread_mutex_init(&b.mu, NULL);
    a.tag = 1;
    b.tag = 2;
    a.order = b.order = order;
    a.norder = b.norder = &norder;
    cache_add_listener(f->c, listen_cb, &a);
    cache_add_listener(f->c, listen_cb, &b);

    r1 = put_pod(f, "default", "l", "{\"v\":\"1\"}", NULL, NULL);
    /* Listeners have run by the time the write is acknowledged. */
    assert_int_equal(a.n, 1);
    r2 = put_pod(f, "default", "l", "{\"v\":\"2\"}", NULL, NULL);
    r3 = del(f, PODS, "default", "l");
    /* Writes to keys the cache does not serve call nobody. */
    int64_t ignored;
    assert_int_equal(store_create(f->st, "/other", "{}", 2, &ignored), 0);

    assert_int_equal(a.n, 3);
    assert_int_equal(b.n, 3);
    /* ADDED: no prev. */
    assert_int_equal(a.type[0], CACHE_ADDED);
    assert_string_equal(a.name[0], "l");
    assert_int_equal(a.rev[0], r1);
    assert_int_equal(a.prev_rev[0], 0);
    assert_string_equal(a.label[0], "1");
    /* MODIFIED: new object and the version it replaced. */
    assert_int_equal(a.type[1], CACHE_MODIFIED);
    assert_int_equal(a.rev[1], r2);
    assert_int_equal(a.prev_rev[1], r1);
    assert_string_equal(a.label[1], "2");
    assert_string_equal(a.prev_label[1], "1");
    /* DELETED: the last state (at the delete's revision) and the previous
     * cached version. */
    assert_int_equal(a.type[2], CACHE_DELETED);
    assert_int_equal(a.rev[2], r3);
    assert_string_equal(a.label[2], "2");
    assert_int_equal(a.prev_rev[2], r2);
    /* Both listeners see every event, in registration order. */
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(b.type[i], a.type[i]);
        assert_int_equal(b.rev[i], a.rev[i]);
    }
    assert_int_equal(norder, 6);
    for (size_t i = 0; i < norder; i += 2) {
        assert_int_equal(order[i], 1);
        assert_int_equal(order[i + 1], 2);
    }
    pthread_mutex_destroy(&a.mu);
    pthread_mutex_destroy(&b.mu);
}

/* A batch of several writes reaches listeners one event at a time, in
 * revision order. */
static void test_listeners_batch_order(void **state)
{
    fx *f = *state;
    seen a;
    store_op ops[4];
    char *keys[4], *vals[4];

    memset(&a, 0, sizeof a);
    pthread_mutex_init(&a.mu, NULL);
    cache_add_listener(f->c, listen_cb, &a);
    for (int i = 0; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof name, "b%d", i);
        keys[i] = cache_key(PODS, "default", name);
        vals[i] = pod_json("default", name, NULL, NULL, NULL, NULL);
        ops[i] = (store_op){.type = STORE_OP_CREATE, .key = keys[i], .value = vals[i],
                            .len = strlen(vals[i])};
    }
    assert_int_equal(store_apply(f->st, ops, 4), 0);
    assert_int_equal(a.n, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(ops[i].result, 0);
        assert_int_equal(a.rev[i], ops[i].rev);
        assert_int_equal(a.type[i], CACHE_ADDED);
        free(keys[i]);
        free(vals[i]);
    }
    assert_int_equal(cache_revision(f->c), ops[3].rev);
    pthread_mutex_destroy(&a.mu);
}

/* cache_remove_listener: a removed listener gets nothing more, the others
 * keep theirs; removing twice is harmless. */
static void test_remove_listener(void **state)
{
    fx *f = *state;
    seen a, b;

    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    pthread_mutex_init(&a.mu, NULL);
    pthread_mutex_init(&b.mu, NULL);
    cache_add_listener(f->c, listen_cb, &a);
    cache_add_listener(f->c, listen_cb, &b);
    put_pod(f, "default", "r1", NULL, NULL, NULL);
    cache_remove_listener(f->c, listen_cb, &a);
    put_pod(f, "default", "r2", NULL, NULL, NULL);
    assert_int_equal(a.n, 1);
    assert_int_equal(b.n, 2);
    cache_remove_listener(f->c, listen_cb, &a);
    cache_remove_listener(f->c, listen_cb, &b);
    put_pod(f, "default", "r3", NULL, NULL, NULL);
    assert_int_equal(a.n, 1);
    assert_int_equal(b.n, 2);
    cache_remove_listener(NULL, listen_cb, &a);
    pthread_mutex_destroy(&a.mu);
    pthread_mutex_destroy(&b.mu);
}

/* A listener that takes its time, to catch cache_remove_listener returning
 * while a call is still running. */
struct slow {
    atomic_int running; /* inside the callback */
    atomic_int calls;   /* callbacks finished */
};

static void slow_cb(void *ctx, enum cache_ev_type type, cache_obj *obj, cache_obj *prev,
                    json_t *tree)
{
    struct slow *s = ctx;
    (void)type;
    (void)obj;
    (void)prev;
    (void)tree;
    atomic_store(&s->running, 1);
    usleep(150 * 1000);
    atomic_fetch_add(&s->calls, 1);
    atomic_store(&s->running, 0);
}

static void *write_one(void *arg)
{
    put_pod(arg, "default", "slow", NULL, NULL, NULL);
    return NULL;
}

static void test_remove_listener_waits_for_a_running_call(void **state)
{
    fx *f = *state;
    struct slow s;
    pthread_t t;

    atomic_init(&s.running, 0);
    atomic_init(&s.calls, 0);
    cache_add_listener(f->c, slow_cb, &s);
    assert_int_equal(pthread_create(&t, NULL, write_one, f), 0);
    for (int i = 0; i < 500 && !atomic_load(&s.running); i++)
        usleep(10 * 1000);
    assert_int_equal(atomic_load(&s.running), 1);
    cache_remove_listener(f->c, slow_cb, &s);
    /* the call in progress finished before remove returned */
    assert_int_equal(atomic_load(&s.running), 0);
    assert_int_equal(atomic_load(&s.calls), 1);
    pthread_join(t, NULL);
    put_pod(f, "default", "after", NULL, NULL, NULL);
    assert_int_equal(atomic_load(&s.calls), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test_setup_teardown(test_empty, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_get_parsed_facts, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_deleting_and_labels_forms, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ignores_foreign_and_bad_values, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_delete_and_by_uid, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_load_after_reopen, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_list_filters, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_filter_matches, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_list_pagination, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_list_snapshot_is_stable, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_dependents, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_wait_rev, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_listeners, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_listeners_batch_order, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_remove_listener, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_remove_listener_waits_for_a_running_call, fx_setup,
                                        fx_teardown),
    };

    log_set_level(LOG_ERROR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
