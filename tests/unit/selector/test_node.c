/*
 * test_node.c -- unit tests of nsel_matches (selector.h): node affinity
 * NodeSelector semantics as component-helpers' nodeaffinity implements
 * them -- ORed terms, ANDed requirements, every operator, matchFields on
 * metadata.name, empty terms, lazy error reporting and the error texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"
#include "selector/selector.h"

#include <stdlib.h>
#include <string.h>

#define LABELS "{\"zone\":\"a\",\"disk\":\"ssd\",\"cpus\":\"8\",\"name\":\"x\"}"

/* Evaluate selector JSON against labels JSON; returns rc, sets *match and
 * *err (caller frees). */
static int eval(const char *sel_json, const char *labels_json, const char *node, bool *match,
                char **err)
{
    json_t *sel = sel_json ? json_loads(sel_json, JSON_DECODE_ANY, NULL) : NULL;
    json_t *labels = labels_json ? json_loads(labels_json, 0, NULL) : NULL;

    if (sel_json && !sel)
        fail_msg("bad test JSON: %s", sel_json);
    *match = true; /* must be overwritten */
    *err = (char *)0x1;
    int rc = nsel_matches(sel, labels, node, match, err);
    json_decref(sel);
    json_decref(labels);
    return rc;
}

static bool m(const char *sel_json, const char *labels_json, const char *node)
{
    bool match;
    char *err;
    int rc = eval(sel_json, labels_json, node, &match, &err);

    if (rc != 0)
        fail_msg("nsel_matches(%s) failed: %s", sel_json, err ? err : "(null)");
    assert_null(err);
    return match;
}

static void expect_err(const char *sel_json, const char *want)
{
    bool match;
    char *err;
    int rc = eval(sel_json, LABELS, "node-1", &match, &err);

    if (rc != EN_INVALID)
        fail_msg("nsel_matches(%s) = %d, want EN_INVALID", sel_json, rc);
    assert_false(match);
    assert_non_null(err);
    if (strcmp(err, want) != 0)
        fail_msg("nsel_matches(%s)\n  got:  %s\n  want: %s", sel_json, err, want);
    free(err);
}

/* One term with one matchExpressions entry. */
#define EXPR(key, op, vals)                                                                        \
    "{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"" key "\",\"operator\":\"" op       \
    "\"" vals "}]}]}"

static void test_operators(void **state)
{
    (void)state;
    assert_true(m(EXPR("zone", "In", ",\"values\":[\"b\",\"a\"]"), LABELS, "n"));
    assert_false(m(EXPR("zone", "In", ",\"values\":[\"b\"]"), LABELS, "n"));
    assert_false(m(EXPR("rack", "In", ",\"values\":[\"b\"]"), LABELS, "n"));
    assert_true(m(EXPR("zone", "NotIn", ",\"values\":[\"b\"]"), LABELS, "n"));
    assert_false(m(EXPR("zone", "NotIn", ",\"values\":[\"a\"]"), LABELS, "n"));
    assert_true(m(EXPR("rack", "NotIn", ",\"values\":[\"a\"]"), LABELS, "n"));
    assert_true(m(EXPR("disk", "Exists", ""), LABELS, "n"));
    assert_false(m(EXPR("gpu", "Exists", ""), LABELS, "n"));
    assert_true(m(EXPR("gpu", "DoesNotExist", ""), LABELS, "n"));
    assert_false(m(EXPR("disk", "DoesNotExist", ",\"values\":null"), LABELS, "n"));
    assert_true(m(EXPR("cpus", "Gt", ",\"values\":[\"4\"]"), LABELS, "n"));
    assert_false(m(EXPR("cpus", "Gt", ",\"values\":[\"8\"]"), LABELS, "n"));
    assert_true(m(EXPR("cpus", "Lt", ",\"values\":[\"16\"]"), LABELS, "n"));
    assert_false(m(EXPR("cpus", "Lt", ",\"values\":[\"8\"]"), LABELS, "n"));
    assert_false(m(EXPR("gpus", "Lt", ",\"values\":[\"8\"]"), LABELS, "n"));
    /* A label that is not an integer never matches Gt/Lt. */
    assert_false(m(EXPR("zone", "Gt", ",\"values\":[\"0\"]"), LABELS, "n"));
    assert_false(m(EXPR("zone", "Lt", ",\"values\":[\"0\"]"), LABELS, "n"));
    /* Labels may be absent altogether. */
    assert_false(m(EXPR("zone", "In", ",\"values\":[\"a\"]"), NULL, "n"));
    assert_true(m(EXPR("zone", "NotIn", ",\"values\":[\"a\"]"), NULL, "n"));
    assert_true(m(EXPR("zone", "DoesNotExist", ""), NULL, "n"));
}

static void test_terms(void **state)
{
    (void)state;
    /* No selector at all: no constraint. */
    assert_true(m(NULL, LABELS, "n"));
    assert_true(m("null", LABELS, "n"));
    /* No terms, or only empty terms: nothing matches. */
    assert_false(m("{}", LABELS, "n"));
    assert_false(m("{\"nodeSelectorTerms\":null}", LABELS, "n"));
    assert_false(m("{\"nodeSelectorTerms\":[]}", LABELS, "n"));
    assert_false(m("{\"nodeSelectorTerms\":[{}]}", LABELS, "n"));
    assert_false(
        m("{\"nodeSelectorTerms\":[{\"matchExpressions\":[],\"matchFields\":[]}]}", LABELS, "n"));
    assert_false(m("{\"nodeSelectorTerms\":[{\"matchExpressions\":null}]}", LABELS, "n"));
    /* Terms are ORed... */
    assert_true(
        m("{\"nodeSelectorTerms\":["
          "{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"b\"]}]},"
          "{\"matchExpressions\":[{\"key\":\"disk\",\"operator\":\"In\",\"values\":[\"ssd\"]}]}"
          "]}",
          LABELS, "n"));
    assert_true(m("{\"nodeSelectorTerms\":[{},"
                  "{\"matchExpressions\":[{\"key\":\"disk\",\"operator\":\"Exists\"}]}]}",
                  LABELS, "n"));
    /* ...requirements inside one term ANDed. */
    assert_false(m("{\"nodeSelectorTerms\":[{\"matchExpressions\":["
                   "{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"b\"]},"
                   "{\"key\":\"disk\",\"operator\":\"In\",\"values\":[\"ssd\"]}]}]}",
                   LABELS, "n"));
    assert_true(m("{\"nodeSelectorTerms\":[{\"matchExpressions\":["
                  "{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"a\"]},"
                  "{\"key\":\"disk\",\"operator\":\"In\",\"values\":[\"ssd\"]}]}]}",
                  LABELS, "n"));
}

static void test_match_fields(void **state)
{
    const char *in = "{\"nodeSelectorTerms\":[{\"matchFields\":[{\"key\":\"metadata.name\","
                     "\"operator\":\"In\",\"values\":[\"node-1\"]}]}]}";
    const char *notin = "{\"nodeSelectorTerms\":[{\"matchFields\":[{\"key\":\"metadata.name\","
                        "\"operator\":\"NotIn\",\"values\":[\"node-1\"]}]}]}";
    const char *both = "{\"nodeSelectorTerms\":[{\"matchFields\":[{\"key\":\"metadata.name\","
                       "\"operator\":\"In\",\"values\":[\"node-1\"]}],"
                       "\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\","
                       "\"values\":[\"b\"]}]}]}";
    const char *other = "{\"nodeSelectorTerms\":[{\"matchFields\":[{\"key\":\"spec.x\","
                        "\"operator\":\"In\",\"values\":[\"node-1\"]}]}]}";

    (void)state;
    assert_true(m(in, LABELS, "node-1"));
    assert_false(m(in, LABELS, "node-2"));
    assert_false(m(notin, LABELS, "node-1"));
    assert_true(m(notin, LABELS, "node-2"));
    /* Fields AND labels. */
    assert_false(m(both, LABELS, "node-1"));
    /* Without a node name upstream has no fields and skips matchFields. */
    assert_true(m(in, LABELS, NULL));
    assert_true(m(in, LABELS, ""));
    /* Other fields have no value on a node. */
    assert_false(m(other, LABELS, "node-1"));
}

static void test_lazy_errors(void **state)
{
    bool match;
    char *err;

    (void)state;
    /* A broken term does not stop a later term from matching. */
    assert_int_equal(eval("{\"nodeSelectorTerms\":["
                          "{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"Foo\"}]},"
                          "{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"Exists\"}]}]}",
                          LABELS, "n", &match, &err),
                     0);
    assert_true(match);
    assert_null(err);
    /* When nothing matches, the broken term is reported. */
    expect_err("{\"nodeSelectorTerms\":["
               "{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"Foo\"}]},"
               "{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"DoesNotExist\"}]}]}",
               "nodeSelectorTerms[0].matchExpressions[0].operator: Unsupported value: \"Foo\": "
               "supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", \"Gt\", "
               "\"Lt\"");
    /* err may be NULL. */
    json_t *sel = json_loads(EXPR("zone", "Foo", ""), 0, NULL);
    assert_int_equal(nsel_matches(sel, NULL, "n", &match, NULL), EN_INVALID);
    assert_false(match);
    json_decref(sel);
}

static void test_error_messages(void **state)
{
    (void)state;
    expect_err(EXPR("zone", "In", ""),
               "nodeSelectorTerms[0].matchExpressions[0].values: Invalid value: []string(nil): "
               "for 'in', 'notin' operators, values set can't be empty");
    expect_err(EXPR("zone", "NotIn", ",\"values\":[]"),
               "nodeSelectorTerms[0].matchExpressions[0].values: Invalid value: []string{}: for "
               "'in', 'notin' operators, values set can't be empty");
    expect_err(EXPR("zone", "Exists", ",\"values\":[\"a\",\"b\"]"),
               "nodeSelectorTerms[0].matchExpressions[0].values: Invalid value: "
               "[]string{\"a\", \"b\"}: values set must be empty for exists and does not exist");
    expect_err(EXPR("cpus", "Gt", ",\"values\":[\"x\"]"),
               "nodeSelectorTerms[0].matchExpressions[0].values[0]: Invalid value: \"x\": for "
               "'Gt', 'Lt' operators, the value must be an integer");
    expect_err(EXPR("cpus", "Lt", ",\"values\":[\"1\",\"2\"]"),
               "nodeSelectorTerms[0].matchExpressions[0].values: Invalid value: "
               "[]string{\"1\", \"2\"}: for 'Gt', 'Lt' operators, exactly one value is required");
    expect_err(EXPR("zone", "In", ",\"values\":[\"-a\"]"),
               "nodeSelectorTerms[0].matchExpressions[0].values[0][zone]: Invalid value: \"-a\": "
               "a valid label must be an empty string or consist of alphanumeric characters, '-', "
               "'_' or '.', and must start and end with an alphanumeric character (e.g. "
               "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
               "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    expect_err(EXPR("-zone", "Exists", ""),
               "nodeSelectorTerms[0].matchExpressions[0].key: Invalid value: \"-zone\": name "
               "part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
               "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
               "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    expect_err("{\"nodeSelectorTerms\":[{\"matchFields\":[{\"key\":\"metadata.name\","
               "\"operator\":\"In\",\"values\":[\"a\",\"b\"]}]}]}",
               "nodeSelectorTerms[0].matchFields[0].values: Invalid value: []string{\"a\", "
               "\"b\"}: must have one element");
    expect_err("{\"nodeSelectorTerms\":[{\"matchFields\":[{\"key\":\"metadata.name\","
               "\"operator\":\"NotIn\"}]}]}",
               "nodeSelectorTerms[0].matchFields[0].values: Invalid value: []string(nil): must "
               "have one element");
    expect_err("{\"nodeSelectorTerms\":[{\"matchFields\":[{\"key\":\"metadata.name\","
               "\"operator\":\"Exists\"}]}]}",
               "nodeSelectorTerms[0].matchFields[0].operator: Unsupported value: \"Exists\": "
               "supported values: \"In\", \"NotIn\"");
    /* Errors from several terms and requirements aggregate. */
    expect_err("{\"nodeSelectorTerms\":["
               "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Foo\"},"
               "{\"key\":\"b\",\"operator\":\"In\"}]},"
               "{\"matchExpressions\":[{\"key\":\"c\",\"operator\":\"Bar\"}]}]}",
               "[nodeSelectorTerms[0].matchExpressions[0].operator: Unsupported value: \"Foo\": "
               "supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", \"Gt\", "
               "\"Lt\", nodeSelectorTerms[0].matchExpressions[1].values: Invalid value: "
               "[]string(nil): for 'in', 'notin' operators, values set can't be empty, "
               "nodeSelectorTerms[1].matchExpressions[0].operator: Unsupported value: \"Bar\": "
               "supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", \"Gt\", "
               "\"Lt\"]");
    /* Each term reports its own errors, under its own index. */
    expect_err("{\"nodeSelectorTerms\":["
               "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Foo\"}]},"
               "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Foo\"}]}]}",
               "[nodeSelectorTerms[0].matchExpressions[0].operator: Unsupported value: \"Foo\": "
               "supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", \"Gt\", "
               "\"Lt\", nodeSelectorTerms[1].matchExpressions[0].operator: Unsupported value: "
               "\"Foo\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", "
               "\"Gt\", \"Lt\"]");
}

static void test_shape_errors(void **state)
{
    (void)state;
    expect_err("[]", "nodeSelector: Invalid value: []: must be an object");
    expect_err("{\"nodeSelectorTerms\":{}}", "nodeSelectorTerms: Invalid value: {}: must be a "
                                             "list");
    expect_err("{\"nodeSelectorTerms\":[1]}", "nodeSelectorTerms[0]: Invalid value: 1: must be "
                                              "an object");
    expect_err("{\"nodeSelectorTerms\":[{\"matchExpressions\":\"x\"}]}",
               "nodeSelectorTerms[0].matchExpressions: Invalid value: \"x\": must be a list");
    expect_err("{\"nodeSelectorTerms\":[{\"matchFields\":[[]]}]}",
               "nodeSelectorTerms[0].matchFields[0]: Invalid value: []: must be an object");
    expect_err(EXPR("zone", "In", ",\"values\":[1]"),
               "nodeSelectorTerms[0].matchExpressions[0]: Invalid value: 1: values must be "
               "strings");
    expect_err(EXPR("zone", "In", ",\"values\":{}"),
               "nodeSelectorTerms[0].matchExpressions[0]: Invalid value: {}: values must be a "
               "list of strings");
    expect_err("{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":1}]}]}",
               "nodeSelectorTerms[0].matchExpressions[0]: Invalid value: 1: key must be a "
               "string");
    expect_err("{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"a\","
               "\"operator\":true}]}]}",
               "nodeSelectorTerms[0].matchExpressions[0]: Invalid value: true: operator must be "
               "a string");
    /* Shape errors are reported even when another term would match. */
    expect_err("{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"zone\","
               "\"operator\":\"Exists\"}]},2]}",
               "nodeSelectorTerms[1]: Invalid value: 2: must be an object");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operators),      cmocka_unit_test(test_terms),
        cmocka_unit_test(test_match_fields),   cmocka_unit_test(test_lazy_errors),
        cmocka_unit_test(test_error_messages), cmocka_unit_test(test_shape_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
