/*
 * test_merge_patch.c -- unit tests of patch_merge (RFC 7386 JSON Merge
 * Patch): the RFC's appendix A table, nested deletes, replacing non-object
 * documents, the bodies `kubectl label/annotate/patch --type merge` send,
 * key order, bad input, and that doc and patch are never modified.
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

static json_t *J(const char *s)
{
    json_error_t e;
    json_t *v = json_loads(s, JSON_DECODE_ANY, &e);

    if (!v)
        fail_msg("bad JSON in test (%s): %s", e.text, s);
    return v;
}

/* Merge patch into doc; expect `want` (compared structurally) and inputs
 * unchanged.  Returns the result for further checks (caller decrefs). */
static json_t *merge_ok(const char *doc_s, const char *patch_s, const char *want_s)
{
    json_t *doc = J(doc_s), *patch = J(patch_s), *want = J(want_s), *out = NULL;
    char *bd = json_dump_compact(doc, NULL), *bp = json_dump_compact(patch, NULL), *a, *got;
    char *err = NULL;
    int rc = patch_merge(doc, patch, &out, &err);

    if (rc != 0)
        fail_msg("merge %s into %s failed: %s", patch_s, doc_s, err ? err : "");
    assert_null(err);
    got = json_dump_compact(out, NULL);
    if (!patch__value_equal(out, want))
        fail_msg("merge %s into %s: got %s want %s", patch_s, doc_s, got, want_s);
    a = json_dump_compact(doc, NULL);
    assert_string_equal(a, bd);
    free(a);
    a = json_dump_compact(patch, NULL);
    assert_string_equal(a, bp);
    free(a);
    free(got);
    free(bd);
    free(bp);
    json_decref(doc);
    json_decref(patch);
    json_decref(want);
    return out;
}

static void check_merge(const char *doc_s, const char *patch_s, const char *want_s)
{
    json_decref(merge_ok(doc_s, patch_s, want_s));
}

/* RFC 7386 appendix A, row by row. */
static void test_rfc_table(void **state)
{
    (void)state;
    check_merge("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
    check_merge("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}");
    check_merge("{\"a\":\"b\"}", "{\"a\":null}", "{}");
    check_merge("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}");
    check_merge("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
    check_merge("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}");
    check_merge("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}",
                "{\"a\":{\"b\":\"d\"}}");
    check_merge("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}");
    check_merge("[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]");
    check_merge("{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]");
    check_merge("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}");
    check_merge("[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}");
    check_merge("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}");
}

static void test_semantics(void **state)
{
    (void)state;
    /* Scalars replace whatever was there, including objects. */
    check_merge("{\"a\":{\"b\":1}}", "{\"a\":5}", "{\"a\":5}");
    check_merge("{\"a\":{\"b\":1}}", "{\"a\":\"x\"}", "{\"a\":\"x\"}");
    check_merge("{\"a\":true}", "{\"a\":false}", "{\"a\":false}");
    /* An object replacing a scalar loses its nulls. */
    check_merge("{\"a\":1}", "{\"a\":{\"b\":null,\"c\":2}}", "{\"a\":{\"c\":2}}");
    /* Arrays are replaced verbatim, nulls inside included. */
    check_merge("{\"a\":[1,2,3]}", "{\"a\":[null,{\"x\":null}]}", "{\"a\":[null,{\"x\":null}]}");
    check_merge("{\"a\":[1,2,3]}", "{\"a\":[]}", "{\"a\":[]}");
    /* Deleting what is not there is fine. */
    check_merge("{\"a\":1}", "{\"zz\":null,\"y\":{\"q\":null}}", "{\"a\":1,\"y\":{}}");
    /* Deep recursion. */
    check_merge("{\"a\":{\"b\":{\"c\":{\"d\":1,\"e\":2}}}}",
                "{\"a\":{\"b\":{\"c\":{\"d\":null,\"f\":3}}}}",
                "{\"a\":{\"b\":{\"c\":{\"e\":2,\"f\":3}}}}");
    /* The empty patch changes nothing; a scalar patch replaces the doc. */
    check_merge("{\"a\":1}", "{}", "{\"a\":1}");
    check_merge("{\"a\":1}", "7", "7");
    check_merge("{\"a\":1}", "\"s\"", "\"s\"");
    /* Keys are data: dots and slashes mean nothing. */
    check_merge("{\"a.b\":1,\"a\":{\"b\":2}}", "{\"a.b\":null}", "{\"a\":{\"b\":2}}");
}

/* Existing keys keep their place; new keys are appended in patch order. */
static void test_key_order(void **state)
{
    json_t *out;
    char *s;

    (void)state;
    out = merge_ok("{\"z\":1,\"a\":2,\"m\":3}", "{\"a\":20,\"new2\":1,\"new1\":2,\"m\":null}",
                   "{\"z\":1,\"a\":20,\"new2\":1,\"new1\":2}");
    s = json_dump_ordered(out, NULL);
    assert_string_equal(s, "{\"z\":1,\"a\":20,\"new2\":1,\"new1\":2}");
    free(s);
    json_decref(out);
}

static void test_kubectl_bodies(void **state)
{
    static const char *node =
        "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\","
        "\"labels\":{\"app\":\"web\",\"kubernetes.io/hostname\":\"n1\",\"kubernetes.io/"
        "os\":\"linux\"},"
        "\"annotations\":{\"a\":\"1\"}},\"spec\":{\"podCIDR\":\"10.0.0.0/"
        "24\",\"taints\":[{\"key\":\"k\","
        "\"effect\":\"NoSchedule\"}]},\"status\":{\"capacity\":{\"cpu\":\"2\"}}}";
    json_t *out;

    (void)state;
    /* kubectl label node n1 app- */
    out = merge_ok(node, "{\"metadata\":{\"labels\":{\"app\":null}}}",
                   "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\","
                   "\"labels\":{\"kubernetes.io/hostname\":\"n1\",\"kubernetes.io/os\":\"linux\"},"
                   "\"annotations\":{\"a\":\"1\"}},\"spec\":{\"podCIDR\":\"10.0.0.0/"
                   "24\",\"taints\":[{\"key\":\"k\","
                   "\"effect\":\"NoSchedule\"}]},\"status\":{\"capacity\":{\"cpu\":\"2\"}}}");
    json_decref(out);
    /* kubectl label --overwrite node n1 app=db tier=x */
    out = merge_ok(node, "{\"metadata\":{\"labels\":{\"app\":\"db\",\"tier\":\"x\"}}}",
                   "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\","
                   "\"labels\":{\"app\":\"db\",\"tier\":\"x\",\"kubernetes.io/"
                   "hostname\":\"n1\",\"kubernetes.io/os\":\"linux\"},"
                   "\"annotations\":{\"a\":\"1\"}},\"spec\":{\"podCIDR\":\"10.0.0.0/"
                   "24\",\"taints\":[{\"key\":\"k\","
                   "\"effect\":\"NoSchedule\"}]},\"status\":{\"capacity\":{\"cpu\":\"2\"}}}");
    json_decref(out);
    /* kubectl annotate node n1 a- b=2 */
    out = merge_ok(node, "{\"metadata\":{\"annotations\":{\"a\":null,\"b\":\"2\"}}}",
                   "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\","
                   "\"labels\":{\"app\":\"web\",\"kubernetes.io/hostname\":\"n1\",\"kubernetes.io/"
                   "os\":\"linux\"},"
                   "\"annotations\":{\"b\":\"2\"}},\"spec\":{\"podCIDR\":\"10.0.0.0/"
                   "24\",\"taints\":[{\"key\":\"k\","
                   "\"effect\":\"NoSchedule\"}]},\"status\":{\"capacity\":{\"cpu\":\"2\"}}}");
    json_decref(out);
    /* A merge patch replaces lists: taints go away entirely. */
    out = merge_ok(node, "{\"spec\":{\"taints\":null,\"unschedulable\":true}}",
                   "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\","
                   "\"labels\":{\"app\":\"web\",\"kubernetes.io/hostname\":\"n1\",\"kubernetes.io/"
                   "os\":\"linux\"},"
                   "\"annotations\":{\"a\":\"1\"}},\"spec\":{\"podCIDR\":\"10.0.0.0/"
                   "24\",\"unschedulable\":true},"
                   "\"status\":{\"capacity\":{\"cpu\":\"2\"}}}");
    json_decref(out);
}

static void test_bad_input(void **state)
{
    json_t *doc = J("{\"a\":1}"), *nul = J("null"), *out = (json_t *)1;
    char *err = NULL;

    (void)state;
    assert_int_equal(patch_merge(doc, nul, &out, &err), EN_INVALID);
    assert_null(out);
    assert_string_equal(err, "Invalid JSON Patch");
    free(err);
    err = NULL;
    assert_int_equal(patch_merge(doc, NULL, &out, &err), EN_INVALID);
    assert_string_equal(err, "Invalid JSON Patch");
    free(err);
    err = NULL;
    assert_int_equal(patch_merge(NULL, doc, &out, &err), EN_INVALID);
    assert_string_equal(err, "Invalid JSON Document");
    free(err);
    assert_int_equal(patch_merge(doc, doc, NULL, NULL), EN_INVALID);
    assert_int_equal(patch_merge(doc, nul, &out, NULL), EN_INVALID);
    json_decref(doc);
    json_decref(nul);
}

/* Merging a doc with itself (same object as both arguments) is safe. */
static void test_aliasing(void **state)
{
    json_t *doc = J("{\"a\":{\"b\":1},\"c\":[1]}"), *out = NULL;

    (void)state;
    assert_int_equal(patch_merge(doc, doc, &out, NULL), 0);
    assert_true(patch__value_equal(out, doc));
    assert_ptr_not_equal(out, doc);
    assert_ptr_not_equal(json_object_get(out, "a"), json_object_get(doc, "a"));
    assert_ptr_not_equal(json_object_get(out, "c"), json_object_get(doc, "c"));
    json_decref(out);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc_table), cmocka_unit_test(test_semantics),
        cmocka_unit_test(test_key_order), cmocka_unit_test(test_kubectl_bodies),
        cmocka_unit_test(test_bad_input), cmocka_unit_test(test_aliasing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
