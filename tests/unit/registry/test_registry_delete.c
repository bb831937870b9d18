/*
 * test_registry_delete.c -- unit tests of deletion in the registry
 * (registry.h) over a real store and cache: immediate deletion,
 * preconditions, propagation policies (Orphan and Foreground add their
 * finalizers and set deletionTimestamp), user finalizers that keep an
 * object until an update removes the last one, namespaces (protected
 * ones, Terminating, /finalize), graceful pod deletion (only with a live
 * agent on the pod's node), dry run, deletecollection with selectors, and
 * the pod binding subresource.
 *
 * Create/update/patch are in test_registry.c.  Expectations follow the
 * Kubernetes v1.32 API server; tests marked BUG document where everynode
 * differs today.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "registry/registry.h"

/* ---- fixture ------------------------------------------------------------- */

/* A store, a cache and a registry over them, with namespaces "default",
 * "ns1" and "kube-node-lease" created. */
typedef struct fx {
    char *dir;    /* owned scratch directory name */
    store *st;    /* owned */
    cache *c;     /* owned */
    registry reg; /* borrows st and c */
} fx;

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static const kind_info *kind(const char *group, const char *resource)
{
    const kind_info *k = types_by_resource(group, "v1", resource);
    assert_non_null(k);
    return k;
}

#define PODS kind("", "pods")
#define NODES kind("", "nodes")
#define NSS kind("", "namespaces")
#define DSETS kind("apps", "daemonsets")
#define LEASES kind("coordination.k8s.io", "leases")

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);

    if (!j)
        fail_msg("bad test JSON (%s): %s", e.text, text);
    return j;
}

static json_t *must_create(fx *f, const kind_info *k, const char *ns, const char *text)
{
    json_t *body = J(text), *out = NULL;
    reg_status st = {0};

    if (reg_create(&f->reg, k, ns, body, NULL, &out, &st) != 0)
        fail_msg("create failed: %d %s", st.code, st.message ? st.message : "");
    json_decref(body);
    return out;
}

static int fx_setup(void **state)
{
    fx *f = xcalloc(1, sizeof *f);

    f->dir = xstrdup("/tmp/en_regdel_test_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    if (store_open(f->dir, &f->st) != 0 || cache_open(f->st, 1000, &f->c) != 0)
        return -1;
    f->reg.st = f->st;
    f->reg.c = f->c;
    *state = f;
    json_decref(must_create(f, NSS, "", "{\"metadata\":{\"name\":\"default\"}}"));
    json_decref(must_create(f, NSS, "", "{\"metadata\":{\"name\":\"ns1\"}}"));
    json_decref(must_create(f, NSS, "", "{\"metadata\":{\"name\":\"kube-node-lease\"}}"));
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

/* ---- helpers ------------------------------------------------------------- */

static const char *DS1 =
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"metadata\":{\"name\":\"ds1\"},"
    "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"x\"}},\"template\":{\"metadata\":"
    "{\"labels\":{\"app\":\"x\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":"
    "\"nginx:1.25\"}]}}}}";

static json_t *cached(fx *f, const kind_info *k, const char *ns, const char *name)
{
    cache_obj *o = cache_get(f->c, k, ns, name);
    json_t *j = o ? cache_obj_json(o) : NULL;

    cache_obj_unref(o);
    return j;
}

static bool exists(fx *f, const kind_info *k, const char *ns, const char *name)
{
    cache_obj *o = cache_get(f->c, k, ns, name);
    bool yes = o != NULL;

    cache_obj_unref(o);
    /* The store agrees with the cache. */
    char *key = cache_key(k, ns, name);
    store_kv kv;
    int rc = store_get(f->st, key, &kv);
    assert_int_equal(rc == 0, yes);
    if (rc == 0)
        store_kv_release(&kv);
    free(key);
    return yes;
}

static const char *S(json_t *obj, const char *path)
{
    return json_path_str(obj, path);
}

static int64_t rv_of(json_t *obj)
{
    return strtoll(S(obj, "metadata.resourceVersion") ?: "0", NULL, 10);
}

static json_t *finalizers(json_t *obj)
{
    return json_path(obj, "metadata.finalizers");
}

static bool has_finalizer(json_t *obj, const char *name)
{
    json_t *v;
    size_t i;

    json_array_foreach(finalizers(obj), i, v)
    {
        if (strcmp(json_string_value(v) ?: "", name) == 0)
            return true;
    }
    return false;
}

/* reg_delete with the given policy and grace; returns rc, fills out and gone. */
static int del(fx *f, const kind_info *k, const char *ns, const char *name,
               enum reg_propagation prop, int64_t grace, json_t **out, bool *gone,
               reg_status *st)
{
    reg_delete_opts o = {.propagation = prop, .grace_seconds = grace};
    return reg_delete(&f->reg, k, ns, name, &o, out, gone, st);
}

/* Pod JSON text on node (NULL = unscheduled) with labels, caller frees. */
static char *pod_text(const char *name, const char *node, const char *labels)
{
    char *np = node ? xasprintf("\"nodeName\":\"%s\",", node) : xstrdup("");
    char *s = xasprintf("{\"metadata\":{\"name\":\"%s\"%s%s},\"spec\":{%s\"containers\":"
                        "[{\"name\":\"c\",\"image\":\"busybox:1\"}]}}",
                        name, labels ? ",\"labels\":" : "", labels ? labels : "", np);
    free(np);
    return s;
}

static json_t *create_pod(fx *f, const char *ns, const char *name, const char *node,
                          const char *labels)
{
    char *t = pod_text(name, node, labels);
    json_t *out = must_create(f, PODS, ns, t);
    free(t);
    return out;
}

/* A Ready node and, when renew_age >= 0, its lease renewed that many
 * seconds ago. */
static void make_node(fx *f, const char *name, bool ready, int64_t renew_age)
{
    char *t = xasprintf("{\"metadata\":{\"name\":\"%s\"},\"status\":{\"conditions\":"
                        "[{\"type\":\"Ready\",\"status\":\"%s\"}]}}",
                        name, ready ? "True" : "False");
    json_decref(must_create(f, NODES, "", t));
    free(t);
    if (renew_age >= 0) {
        char ts[40];
        time_format_rfc3339_micro((time_now_unix() - renew_age) * 1000000, ts, sizeof ts);
        t = xasprintf("{\"metadata\":{\"name\":\"%s\"},\"spec\":{\"holderIdentity\":\"%s\","
                      "\"leaseDurationSeconds\":40,\"renewTime\":\"%s\"}}",
                      name, name, ts);
        json_decref(must_create(f, LEASES, "kube-node-lease", t));
        free(t);
    }
}

/* ---- plain deletion ------------------------------------------------------ */

static void test_delete_now(void **state)
{
    fx *f = *state;
    json_t *v1 = must_create(f, DSETS, "default", DS1), *out = NULL;
    bool gone = false;
    reg_status st = {0};

    /* Background (kubectl's default) with no finalizers: removed at once,
     * answered with the last state. */
    assert_int_equal(del(f, DSETS, "default", "ds1", REG_PROP_BACKGROUND, -1, &out, &gone, &st),
                     0);
    assert_true(gone);
    assert_string_equal(S(out, "metadata.name"), "ds1");
    assert_string_equal(S(out, "metadata.uid"), S(v1, "metadata.uid"));
    assert_false(exists(f, DSETS, "default", "ds1"));
    json_decref(out);

    /* Again: 404 with upstream's wording. */
    out = NULL;
    assert_int_equal(del(f, DSETS, "default", "ds1", REG_PROP_DEFAULT, -1, &out, &gone, &st),
                     -404);
    assert_null(out);
    assert_string_equal(st.reason, "NotFound");
    assert_string_equal(st.message, "daemonsets.apps \"ds1\" not found");
    reg_status_release(&st);

    /* The name can be reused, with a new uid. */
    json_t *v2 = must_create(f, DSETS, "default", DS1);
    assert_string_not_equal(S(v2, "metadata.uid"), S(v1, "metadata.uid"));
    json_decref(v2);
    json_decref(v1);
}

static void test_delete_preconditions(void **state)
{
    fx *f = *state;
    json_t *v1 = must_create(f, DSETS, "default", DS1), *out = NULL;
    bool gone = false;
    reg_status st = {0};
    reg_delete_opts o = {.grace_seconds = -1, .pre_uid = "not-the-uid"};

    assert_int_equal(reg_delete(&f->reg, DSETS, "default", "ds1", &o, &out, &gone, &st), -409);
    assert_string_equal(st.reason, "Conflict");
    char *want = xasprintf("Precondition failed: UID in precondition: not-the-uid, UID in object "
                           "meta: %s",
                           S(v1, "metadata.uid"));
    assert_string_equal(st.message, want);
    free(want);
    reg_status_release(&st);

    o.pre_uid = NULL;
    o.pre_rv = "1";
    assert_int_equal(reg_delete(&f->reg, DSETS, "default", "ds1", &o, &out, &gone, &st), -409);
    want = xasprintf("Precondition failed: ResourceVersion in precondition: 1, ResourceVersion "
                     "in object meta: %lld",
                     (long long)rv_of(v1));
    assert_string_equal(st.message, want);
    free(want);
    reg_status_release(&st);
    assert_true(exists(f, DSETS, "default", "ds1"));

    /* Matching preconditions delete. */
    o.pre_uid = S(v1, "metadata.uid");
    o.pre_rv = S(v1, "metadata.resourceVersion");
    assert_int_equal(reg_delete(&f->reg, DSETS, "default", "ds1", &o, &out, &gone, &st), 0);
    assert_true(gone);
    json_decref(out);
    json_decref(v1);
}

static void test_delete_orphan_and_foreground(void **state)
{
    fx *f = *state;
    json_t *v1 = must_create(f, DSETS, "default", DS1), *out = NULL, *again = NULL;
    bool gone = true;
    reg_status st = {0};
    int64_t t, now = time_now_unix();

    /* Orphan: the garbage collector's finalizer is added and the object
     * stays, marked for deletion, until the GC removes the finalizer. */
    assert_int_equal(del(f, DSETS, "default", "ds1", REG_PROP_ORPHAN, -1, &out, &gone, &st), 0);
    assert_false(gone);
    assert_true(has_finalizer(out, "orphan"));
    assert_int_equal(json_array_size(finalizers(out)), 1);
    assert_int_equal(time_parse_rfc3339(S(out, "metadata.deletionTimestamp"), &t), 0);
    assert_true(t >= now - 5 && t <= now + 5);
    assert_int_equal(json_integer_value(json_path(out, "metadata.deletionGracePeriodSeconds")), 0);
    assert_true(rv_of(out) > rv_of(v1));
    assert_true(exists(f, DSETS, "default", "ds1"));
    json_t *cj = cached(f, DSETS, "default", "ds1");
    assert_true(json_equal(cj, out));
    json_decref(cj);

    /* Deleting again changes nothing (no new revision, no new finalizer). */
    int64_t rev = store_revision(f->st);
    assert_int_equal(del(f, DSETS, "default", "ds1", REG_PROP_FOREGROUND, -1, &again, &gone, &st),
                     0);
    assert_false(gone);
    assert_int_equal(store_revision(f->st), rev);
    assert_false(has_finalizer(again, "foregroundDeletion"));
    assert_string_equal(S(again, "metadata.deletionTimestamp"), S(out, "metadata.deletionTimestamp"));
    json_decref(again);
    json_decref(out);
    json_decref(v1);

    /* Foreground: its own finalizer. */
    json_t *p = create_pod(f, "default", "fg", NULL, NULL);
    out = NULL;
    assert_int_equal(del(f, PODS, "default", "fg", REG_PROP_FOREGROUND, -1, &out, &gone, &st), 0);
    assert_false(gone);
    assert_true(has_finalizer(out, "foregroundDeletion"));
    assert_non_null(json_path(out, "metadata.deletionTimestamp"));
    assert_true(exists(f, PODS, "default", "fg"));
    json_decref(out);
    json_decref(p);
}

static void test_finalizers_keep_object(void **state)
{
    fx *f = *state;
    json_t *v1, *out = NULL, *next = NULL, *body;
    bool gone = true;
    reg_status st = {0};

    v1 = must_create(f, kind("apps", "daemonsets"), "default",
                     "{\"metadata\":{\"name\":\"ds1\",\"finalizers\":[\"example.com/a\","
                     "\"example.com/b\"]},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":"
                     "\"x\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"x\"}},\"spec\":"
                     "{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}");
    assert_int_equal(json_array_size(finalizers(v1)), 2);

    assert_int_equal(del(f, DSETS, "default", "ds1", REG_PROP_BACKGROUND, -1, &out, &gone, &st),
                     0);
    assert_false(gone);
    assert_non_null(json_path(out, "metadata.deletionTimestamp"));
    assert_int_equal(json_array_size(finalizers(out)), 2);
    assert_true(exists(f, DSETS, "default", "ds1"));

    /* No new finalizers while being deleted. */
    body = json_deep_copy(out);
    json_array_append_new(finalizers(body), json_string("example.com/new"));
    assert_int_equal(reg_update(&f->reg, DSETS, "default", "ds1", body, NULL, NULL, &next, &st),
                     -422);
    assert_non_null(strstr(st.message, "no new finalizers can be added if the object is being "
                                       "deleted"));
    reg_status_release(&st);
    json_decref(body);

    /* deletionTimestamp cannot be cleared by an update. */
    body = json_deep_copy(out);
    json_object_del(json_object_get(body, "metadata"), "deletionTimestamp");
    assert_int_equal(reg_update(&f->reg, DSETS, "default", "ds1", body, NULL, NULL, &next, &st),
                     0);
    assert_string_equal(S(next, "metadata.deletionTimestamp"), S(out, "metadata.deletionTimestamp"));
    json_decref(body);
    json_decref(out);
    out = next;
    next = NULL;

    /* Removing one finalizer: still there. */
    body = json_deep_copy(out);
    json_array_remove(finalizers(body), 0);
    assert_int_equal(reg_update(&f->reg, DSETS, "default", "ds1", body, NULL, NULL, &next, &st),
                     0);
    assert_int_equal(json_array_size(finalizers(next)), 1);
    assert_true(exists(f, DSETS, "default", "ds1"));
    json_decref(body);
    json_decref(out);
    out = next;
    next = NULL;

    /* Removing the last one (here by a JSON patch): the object is gone. */
    json_t *p = J("[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");
    assert_int_equal(reg_patch(&f->reg, DSETS, "default", "ds1", REG_PATCH_JSON, p, NULL, NULL,
                               &next, &st),
                     0);
    assert_false(exists(f, DSETS, "default", "ds1"));
    json_decref(p);
    json_decref(next);
    json_decref(out);
    json_decref(v1);

    /* Finalizers on an object not being deleted are just data. */
    v1 = create_pod(f, "default", "keep", NULL, NULL);
    body = json_deep_copy(v1);
    json_object_set_new(json_object_get(body, "metadata"), "finalizers", J("[\"x/y\"]"));
    assert_int_equal(reg_update(&f->reg, PODS, "default", "keep", body, NULL, NULL, &next, &st), 0);
    json_decref(next);
    json_object_set_new(json_object_get(body, "metadata"), "finalizers", J("[]"));
    json_object_del(json_object_get(body, "metadata"), "resourceVersion");
    assert_int_equal(reg_update(&f->reg, PODS, "default", "keep", body, NULL, NULL, &next, &st), 0);
    assert_true(exists(f, PODS, "default", "keep"));
    json_decref(next);
    json_decref(body);
    json_decref(v1);
}

/* The GC's path: remove the orphan finalizer with reg_mutate. */
static bool drop_finalizers(void *ctx, json_t *obj)
{
    (void)ctx;
    json_object_del(json_object_get(obj, "metadata"), "finalizers");
    return true;
}

static void test_orphan_then_finalize(void **state)
{
    fx *f = *state;
    json_t *v1 = must_create(f, DSETS, "default", DS1), *out = NULL;
    bool gone;
    reg_status st = {0};

    assert_int_equal(del(f, DSETS, "default", "ds1", REG_PROP_ORPHAN, -1, &out, &gone, &st), 0);
    json_decref(out);
    assert_int_equal(
        reg_mutate(&f->reg, DSETS, "default", "ds1", NULL, drop_finalizers, NULL, &st), 0);
    assert_false(exists(f, DSETS, "default", "ds1"));
    json_decref(v1);
}

/* ---- namespaces ---------------------------------------------------------- */

static void test_namespace_deletion(void **state)
{
    fx *f = *state;
    json_t *out = NULL, *next = NULL, *body;
    bool gone = true;
    reg_status st = {0};

    /* The system namespaces cannot be deleted. */
    static const char *prot[] = {"default", "kube-system", "kube-public"};
    for (size_t i = 0; i < 3; i++) {
        out = NULL;
        assert_int_equal(del(f, NSS, "", prot[i], REG_PROP_BACKGROUND, -1, &out, &gone, &st),
                         -403);
        assert_string_equal(st.reason, "Forbidden");
        char *want = xasprintf("namespaces \"%s\" is forbidden: this namespace may not be deleted",
                               prot[i]);
        assert_string_equal(st.message, want);
        free(want);
        assert_null(out);
        reg_status_release(&st);
    }
    assert_true(exists(f, NSS, "", "default"));

    /* A namespace waits for its content to go (spec.finalizers
     * ["kubernetes"]): Terminating, with a deletionTimestamp. */
    json_t *p = create_pod(f, "ns1", "inside", NULL, NULL);
    json_decref(p);
    assert_int_equal(del(f, NSS, "", "ns1", REG_PROP_BACKGROUND, -1, &out, &gone, &st), 0);
    assert_false(gone);
    assert_string_equal(S(out, "status.phase"), "Terminating");
    assert_non_null(json_path(out, "metadata.deletionTimestamp"));
    assert_true(exists(f, NSS, "", "ns1"));
    /* The content is not touched here (the namespace controller does that). */
    assert_true(exists(f, PODS, "ns1", "inside"));
    /* Nothing new may be created in it. */
    char *t = pod_text("late", NULL, NULL);
    body = J(t);
    free(t);
    assert_int_equal(reg_create(&f->reg, PODS, "ns1", body, NULL, &next, &st), -403);
    reg_status_release(&st);
    json_decref(body);

    /* A plain update cannot drop spec.finalizers; /finalize can, and the
     * namespace then goes. */
    body = json_deep_copy(out);
    json_object_set_new(json_object_get(body, "spec"), "finalizers", J("[]"));
    assert_int_equal(reg_update(&f->reg, NSS, "", "ns1", body, NULL, NULL, &next, &st), 0);
    assert_int_equal(json_array_size(json_path(next, "spec.finalizers")), 1);
    assert_true(exists(f, NSS, "", "ns1"));
    json_decref(next);
    next = NULL;
    assert_int_equal(reg_update(&f->reg, NSS, "", "ns1", body, "finalize", NULL, &next, &st), 0);
    assert_false(exists(f, NSS, "", "ns1"));
    json_decref(next);
    json_decref(body);
    json_decref(out);

    /* A namespace without finalizers goes at once. */
    json_decref(must_create(f, NSS, "", "{\"metadata\":{\"name\":\"quick\"},\"spec\":"
                                        "{\"finalizers\":[]}}"));
    out = NULL;
    assert_int_equal(del(f, NSS, "", "quick", REG_PROP_BACKGROUND, -1, &out, &gone, &st), 0);
    assert_true(gone);
    assert_false(exists(f, NSS, "", "quick"));
    json_decref(out);
}

/* ---- graceful pod deletion ----------------------------------------------- */

static void test_pod_graceful_deletion(void **state)
{
    fx *f = *state;
    json_t *p, *out = NULL;
    bool gone = false;
    reg_status st = {0};
    int64_t t, now;

    make_node(f, "live", true, 0);      /* Ready, lease just renewed */
    make_node(f, "stale", true, 600);   /* Ready, lease 10 minutes old */
    make_node(f, "notready", false, 0); /* lease fresh but NotReady */
    make_node(f, "nolease", true, -1);  /* no lease at all */

    /* Unscheduled pods go at once. */
    p = create_pod(f, "default", "unsched", NULL, NULL);
    assert_int_equal(del(f, PODS, "default", "unsched", REG_PROP_BACKGROUND, -1, &out, &gone, &st),
                     0);
    assert_true(gone);
    assert_false(exists(f, PODS, "default", "unsched"));
    json_decref(out);
    json_decref(p);

    /* On a node with a live agent: marked with the pod's grace period
     * (default 30 s) and left for the agent to stop. */
    p = create_pod(f, "default", "running", "live", NULL);
    now = time_now_unix();
    assert_int_equal(del(f, PODS, "default", "running", REG_PROP_BACKGROUND, -1, &out, &gone, &st),
                     0);
    assert_false(gone);
    assert_true(exists(f, PODS, "default", "running"));
    assert_int_equal(json_integer_value(json_path(out, "metadata.deletionGracePeriodSeconds")), 30);
    assert_int_equal(time_parse_rfc3339(S(out, "metadata.deletionTimestamp"), &t), 0);
    assert_true(t >= now + 25 && t <= now + 35);
    json_decref(out);
    /* A second graceful delete changes nothing; a forced one (grace 0)
     * finishes the deletion. */
    int64_t rev = store_revision(f->st);
    assert_int_equal(del(f, PODS, "default", "running", REG_PROP_BACKGROUND, -1, &out, &gone, &st),
                     0);
    assert_false(gone);
    assert_int_equal(store_revision(f->st), rev);
    json_decref(out);
    assert_int_equal(del(f, PODS, "default", "running", REG_PROP_BACKGROUND, 0, &out, &gone, &st),
                     0);
    assert_true(gone);
    assert_false(exists(f, PODS, "default", "running"));
    json_decref(out);
    json_decref(p);

    /* An explicit grace period wins over the pod's. */
    p = create_pod(f, "default", "short", "live", NULL);
    assert_int_equal(del(f, PODS, "default", "short", REG_PROP_BACKGROUND, 5, &out, &gone, &st), 0);
    assert_false(gone);
    assert_int_equal(json_integer_value(json_path(out, "metadata.deletionGracePeriodSeconds")), 5);
    json_decref(out);
    json_decref(p);

    /* spec.terminationGracePeriodSeconds is the default. */
    p = must_create(f, PODS, "default",
                    "{\"metadata\":{\"name\":\"tgp\"},\"spec\":{\"nodeName\":\"live\","
                    "\"terminationGracePeriodSeconds\":12,\"containers\":[{\"name\":\"c\","
                    "\"image\":\"busybox:1\"}]}}");
    assert_int_equal(del(f, PODS, "default", "tgp", REG_PROP_BACKGROUND, -1, &out, &gone, &st), 0);
    assert_int_equal(json_integer_value(json_path(out, "metadata.deletionGracePeriodSeconds")), 12);
    json_decref(out);
    json_decref(p);

    /* Nobody to wait for: stale lease, NotReady node, no lease, unknown
     * node -- deleted at once. */
    static const char *nodes[] = {"stale", "notready", "nolease", "ghost"};
    for (size_t i = 0; i < 4; i++) {
        char name[32];
        snprintf(name, sizeof name, "on-%s", nodes[i]);
        p = create_pod(f, "default", name, nodes[i], NULL);
        out = NULL;
        assert_int_equal(del(f, PODS, "default", name, REG_PROP_BACKGROUND, -1, &out, &gone, &st),
                         0);
        if (!gone)
            fail_msg("pod on node %s was not deleted at once", nodes[i]);
        assert_false(exists(f, PODS, "default", name));
        json_decref(out);
        json_decref(p);
    }

    /* A finished pod has nothing to stop. */
    p = create_pod(f, "default", "done", "live", NULL);
    json_t *sbody = json_deep_copy(p);
    json_object_set_new(json_object_get(sbody, "status"), "phase", json_string("Succeeded"));
    json_t *next = NULL;
    assert_int_equal(
        reg_update(&f->reg, PODS, "default", "done", sbody, "status", NULL, &next, &st), 0);
    assert_string_equal(S(next, "status.phase"), "Succeeded");
    json_decref(next);
    json_decref(sbody);
    assert_int_equal(del(f, PODS, "default", "done", REG_PROP_BACKGROUND, -1, &out, &gone, &st), 0);
    assert_true(gone);
    json_decref(out);
    json_decref(p);

    /* A pod with a finalizer whose grace period is over (force delete)
     * still waits for the finalizer. */
    p = must_create(f, PODS, "default",
                    "{\"metadata\":{\"name\":\"fin\",\"finalizers\":[\"x/y\"]},\"spec\":"
                    "{\"nodeName\":\"live\",\"containers\":[{\"name\":\"c\",\"image\":"
                    "\"busybox:1\"}]}}");
    assert_int_equal(del(f, PODS, "default", "fin", REG_PROP_BACKGROUND, 0, &out, &gone, &st), 0);
    assert_false(gone);
    assert_true(exists(f, PODS, "default", "fin"));
    json_decref(out);
    json_decref(p);
}

/* ---- dry run ------------------------------------------------------------- */

static void test_delete_dry_run(void **state)
{
    fx *f = *state;
    json_t *v1 = must_create(f, DSETS, "default", DS1), *out = NULL;
    bool gone = false;
    reg_status st = {0};
    reg_delete_opts o = {.grace_seconds = -1, .dry_run = true};
    int64_t rev = store_revision(f->st);

    assert_int_equal(reg_delete(&f->reg, DSETS, "default", "ds1", &o, &out, &gone, &st), 0);
    assert_true(gone);
    assert_string_equal(S(out, "metadata.name"), "ds1");
    json_decref(out);
    assert_true(exists(f, DSETS, "default", "ds1"));
    assert_int_equal(store_revision(f->st), rev);

    o.propagation = REG_PROP_ORPHAN;
    assert_int_equal(reg_delete(&f->reg, DSETS, "default", "ds1", &o, &out, &gone, &st), 0);
    assert_false(gone);
    json_decref(out);
    json_t *cj = cached(f, DSETS, "default", "ds1");
    assert_null(finalizers(cj));
    assert_null(json_path(cj, "metadata.deletionTimestamp"));
    json_decref(cj);
    assert_int_equal(store_revision(f->st), rev);
    json_decref(v1);
}

/* ---- deletecollection ---------------------------------------------------- */

static void test_delete_collection(void **state)
{
    fx *f = *state;
    lsel *ls = NULL;
    fsel *fs = NULL;
    char *err = NULL;
    reg_status st = {0};
    reg_delete_opts o = {.grace_seconds = -1};

    json_decref(create_pod(f, "default", "a1", NULL, "{\"app\":\"a\"}"));
    json_decref(create_pod(f, "default", "a2", NULL, "{\"app\":\"a\"}"));
    json_decref(create_pod(f, "default", "b1", NULL, "{\"app\":\"b\"}"));
    json_decref(create_pod(f, "ns1", "a3", NULL, "{\"app\":\"a\"}"));
    json_decref(create_pod(f, "default", "fin", NULL, "{\"app\":\"a\"}"));
    /* One that a finalizer keeps. */
    json_t *body = J("[{\"op\":\"add\",\"path\":\"/metadata/finalizers\",\"value\":[\"x/y\"]}]"),
           *out = NULL;
    assert_int_equal(reg_patch(&f->reg, PODS, "default", "fin", REG_PATCH_JSON, body, NULL, NULL,
                               &out, &st),
                     0);
    json_decref(out);
    json_decref(body);

    /* Label selector within one namespace. */
    assert_int_equal(lsel_parse("app=a", &ls, &err), 0);
    cache_filter flt = {.kind = PODS, .ns = "default", .labels = ls};
    assert_int_equal(reg_delete_collection(&f->reg, &flt, &o, &st), 0);
    assert_false(exists(f, PODS, "default", "a1"));
    assert_false(exists(f, PODS, "default", "a2"));
    assert_true(exists(f, PODS, "default", "b1"));
    assert_true(exists(f, PODS, "ns1", "a3"));
    /* The finalizer keeps "fin", marked. */
    json_t *cj = cached(f, PODS, "default", "fin");
    assert_non_null(cj);
    assert_non_null(json_path(cj, "metadata.deletionTimestamp"));
    json_decref(cj);
    /* Running it again is fine (nothing left but the marked one). */
    assert_int_equal(reg_delete_collection(&f->reg, &flt, &o, &st), 0);

    /* Field selector across namespaces. */
    assert_int_equal(fsel_parse("metadata.name=a3", &fs, &err), 0);
    cache_filter flt2 = {.kind = PODS, .fields = fs};
    assert_int_equal(reg_delete_collection(&f->reg, &flt2, &o, &st), 0);
    assert_false(exists(f, PODS, "ns1", "a3"));
    assert_true(exists(f, PODS, "default", "b1"));

    /* Dry run deletes nothing. */
    reg_delete_opts dry = {.grace_seconds = -1, .dry_run = true};
    cache_filter all = {.kind = PODS};
    int64_t rev = store_revision(f->st);
    assert_int_equal(reg_delete_collection(&f->reg, &all, &dry, &st), 0);
    assert_int_equal(store_revision(f->st), rev);
    assert_true(exists(f, PODS, "default", "b1"));

    /* Everything of a kind. */
    assert_int_equal(reg_delete_collection(&f->reg, &all, &o, &st), 0);
    assert_false(exists(f, PODS, "default", "b1"));
    /* Other kinds untouched. */
    assert_true(exists(f, NSS, "", "default"));

    /* Read-only kinds refuse. */
    cache_filter svc = {.kind = kind("", "services")};
    assert_int_equal(reg_delete_collection(&f->reg, &svc, &o, &st), -405);
    reg_status_release(&st);
    lsel_free(ls);
    fsel_free(fs);
}

/* ---- binding ------------------------------------------------------------- */

static void test_binding_sets_node_only(void **state)
{
    fx *f = *state;
    json_t *p = create_pod(f, "default", "b", NULL, "{\"app\":\"a\"}"), *body, *out = NULL;
    reg_status st = {0};
    int rc;

    make_node(f, "n1", true, 0);
    /* The body may say anything else; only spec.nodeName is taken. */
    body = json_deep_copy(p);
    json_object_set_new(json_object_get(body, "spec"), "nodeName", json_string("n1"));
    json_object_set_new(json_path(body, "metadata.labels"), "app", json_string("changed"));
    json_object_set_new(json_array_get(json_path(body, "spec.containers"), 0), "image",
                        json_string("evil:1"));
    json_object_set_new(json_object_get(body, "status"), "phase", json_string("Running"));
    rc = reg_update(&f->reg, PODS, "default", "b", body, "binding", NULL, &out, &st);
    if (rc != 0)
        fail_msg("binding failed: %d %s", st.code, st.message ? st.message : "");
    assert_string_equal(S(out, "spec.nodeName"), "n1");
    assert_string_equal(S(out, "metadata.labels.app"), "a");
    assert_string_equal(S(json_array_get(json_path(out, "spec.containers"), 0), "image"),
                        "busybox:1");
    assert_string_equal(S(out, "status.phase"), "Pending");
    assert_true(rv_of(out) > rv_of(p));
    /* ...and the pod is marked scheduled, as the binding REST does. */
    json_t *cond, *sched = NULL;
    size_t ci;
    json_array_foreach(json_path(out, "status.conditions"), ci, cond)
    {
        if (strcmp(S(cond, "type") ?: "", "PodScheduled") == 0)
            sched = cond;
    }
    assert_non_null(sched);
    assert_string_equal(S(sched, "status"), "True");
    json_t *cj = cached(f, PODS, "default", "b");
    assert_string_equal(S(cj, "spec.nodeName"), "n1");
    json_decref(cj);
    json_decref(out);
    json_decref(body);

    /* A plain update may not move a pod to another node. */
    body = cached(f, PODS, "default", "b");
    json_object_set_new(json_object_get(body, "spec"), "nodeName", json_string("n2"));
    out = NULL;
    assert_int_equal(reg_update(&f->reg, PODS, "default", "b", body, NULL, NULL, &out, &st), -422);
    reg_status_release(&st);
    json_decref(body);
    json_decref(p);
}

/* Binding a pod that already has a node does not move it: Kubernetes'
 * BindingREST refuses with 409 Conflict (`pod b is already assigned to node
 * "n1"`), and so does the registry, whatever the caller checked. */
static void test_rebinding_conflicts(void **state)
{
    fx *f = *state;
    json_t *p = create_pod(f, "default", "b", "n1", NULL), *body, *out = NULL;
    reg_status st = {0};
    int rc;

    body = json_deep_copy(p);
    json_object_set_new(json_object_get(body, "spec"), "nodeName", json_string("n2"));
    rc = reg_update(&f->reg, PODS, "default", "b", body, "binding", NULL, &out, &st);
    json_t *cj = cached(f, PODS, "default", "b");
    const char *node = S(cj, "spec.nodeName");
    bool moved = node && strcmp(node, "n1") != 0;
    json_decref(cj);
    json_decref(out);
    json_decref(body);
    json_decref(p);
    assert_false(moved);
    assert_int_equal(rc, -409);
    assert_string_equal(st.reason, "Conflict");
    reg_status_release(&st);
}

/* The path the API's pods/binding handler takes: reg_mutate with the
 * "binding" subresource setting spec.nodeName. */
static bool bind_to_n1(void *ctx, json_t *pod)
{
    (void)ctx;
    json_object_set_new(json_obj_ensure(pod, "spec"), "nodeName", json_string("n1"));
    return true;
}

static void test_binding_via_mutate(void **state)
{
    fx *f = *state;
    json_t *p = create_pod(f, "default", "m", NULL, NULL);
    reg_status st = {0};
    int rc;

    rc = reg_mutate(&f->reg, PODS, "default", "m", "binding", bind_to_n1, NULL, &st);
    if (rc != 0)
        fail_msg("binding via reg_mutate failed: %d %s", st.code, st.message ? st.message : "");
    json_t *cj = cached(f, PODS, "default", "m");
    assert_string_equal(S(cj, "spec.nodeName"), "n1");
    json_decref(cj);
    json_decref(p);
}

/* reg_bind, the scheduler's binding: only spec.nodeName and the
 * PodScheduled condition change; a bound pod conflicts, a missing one is
 * not found. */
static void test_reg_bind(void **state)
{
    fx *f = *state;
    json_t *p = create_pod(f, "default", "r", NULL, "{\"app\":\"a\"}"), *cj, *cond, *sched = NULL;
    reg_status st = {0};
    size_t ci;
    int rc;

    rc = reg_bind(&f->reg, "default", "r", "n1", &st);
    if (rc != 0)
        fail_msg("reg_bind failed: %d %s", st.code, st.message ? st.message : "");
    cj = cached(f, PODS, "default", "r");
    assert_string_equal(S(cj, "spec.nodeName"), "n1");
    assert_string_equal(S(cj, "metadata.labels.app"), "a");
    assert_string_equal(S(cj, "status.phase"), "Pending");
    assert_true(json_equal(json_path(cj, "spec.containers"), json_path(p, "spec.containers")));
    assert_true(rv_of(cj) > rv_of(p));
    json_array_foreach(json_path(cj, "status.conditions"), ci, cond)
    {
        if (strcmp(S(cond, "type") ?: "", "PodScheduled") == 0)
            sched = cond;
    }
    assert_non_null(sched);
    assert_string_equal(S(sched, "status"), "True");
    json_decref(cj);

    assert_int_equal(reg_bind(&f->reg, "default", "r", "n2", &st), -409);
    assert_string_equal(st.reason, "Conflict");
    assert_non_null(strstr(st.message, "already assigned to node \"n1\""));
    reg_status_release(&st);
    cj = cached(f, PODS, "default", "r");
    assert_string_equal(S(cj, "spec.nodeName"), "n1");
    json_decref(cj);

    assert_int_equal(reg_bind(&f->reg, "default", "nope", "n1", &st), -404);
    reg_status_release(&st);
    json_decref(p);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_delete_now),
        T(test_delete_preconditions),
        T(test_delete_orphan_and_foreground),
        T(test_finalizers_keep_object),
        T(test_orphan_then_finalize),
        T(test_namespace_deletion),
        T(test_pod_graceful_deletion),
        T(test_delete_dry_run),
        T(test_delete_collection),
        T(test_binding_sets_node_only),
        T(test_binding_via_mutate),
        T(test_rebinding_conflicts),
        T(test_reg_bind),
    };
#undef T

    log_set_level(LOG_ERROR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
