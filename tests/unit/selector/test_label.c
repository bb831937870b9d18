/*
 * test_label.c -- unit tests of label selectors (selector.h): the string
 * grammar of labels.Parse with its exact error messages, label key/value
 * validation, matching, the canonical string form, and the
 * metav1.LabelSelector object form with ValidateLabelSelector's messages.
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

/* Upstream's validation texts, spelled out independently of label.c. */
#define QNAME_RE "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'"
#define NAME_PART_MSG                                                                              \
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "  \
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "     \
    "for validation is " QNAME_RE ")"
#define VALUE_MSG                                                                                  \
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "    \
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "             \
    "'my_value',  or '12345', regex used for validation is "                                       \
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

/* Parse s, expect success and the canonical string `canon`. */
static void expect_canon(const char *s, const char *canon)
{
    lsel *sel = NULL;
    char *err = NULL;
    int rc = lsel_parse(s, &sel, &err);

    if (rc != 0)
        fail_msg("lsel_parse(\"%s\") failed: %s", s, err ? err : "(null)");
    assert_null(err);
    char *str = lsel_to_string(sel);
    if (strcmp(str, canon) != 0)
        fail_msg("lsel_parse(\"%s\") printed \"%s\", want \"%s\"", s, str, canon);
    /* The canonical form parses back to itself. */
    lsel *again = NULL;
    assert_int_equal(lsel_parse(str, &again, NULL), 0);
    char *str2 = lsel_to_string(again);
    assert_string_equal(str2, canon);
    free(str2);
    lsel_free(again);
    free(str);
    lsel_free(sel);
}

static void expect_err(const char *s, const char *want)
{
    lsel *sel = (lsel *)0x1;
    char *err = NULL;
    int rc = lsel_parse(s, &sel, &err);

    if (rc != EN_INVALID)
        fail_msg("lsel_parse(\"%s\") = %d, want EN_INVALID", s, rc);
    assert_null(sel);
    assert_non_null(err);
    if (strcmp(err, want) != 0)
        fail_msg("lsel_parse(\"%s\") error\n  got:  %s\n  want: %s", s, err, want);
    free(err);
}

/* Match the selector string against labels given as JSON text. */
static bool matches(const char *s, const char *labels_json)
{
    lsel *sel = NULL;
    json_t *labels = labels_json ? json_loads(labels_json, 0, NULL) : NULL;

    if (lsel_parse(s, &sel, NULL) != 0)
        fail_msg("lsel_parse(\"%s\") failed", s);
    bool m = lsel_matches(sel, labels);
    json_decref(labels);
    lsel_free(sel);
    return m;
}

static void test_parse_valid(void **state)
{
    (void)state;
    expect_canon("", "");
    expect_canon("x=a", "x=a");
    expect_canon("x=a,y=b,z=c", "x=a,y=b,z=c");
    expect_canon("z=c,x=a,y=b", "x=a,y=b,z=c");
    expect_canon("x==a", "x==a");
    expect_canon("x!=a,y=b", "x!=a,y=b");
    expect_canon("x=,z= ", "x=,z=");
    expect_canon("x= ,z= ", "x=,z=");
    expect_canon("  x  =  a  ", "x=a");
    expect_canon("\tx\r\n=\na", "x=a");
    expect_canon("x", "x");
    expect_canon("!x", "!x");
    expect_canon(" ! x ", "!x");
    expect_canon("x>1", "x>1");
    expect_canon("x<10", "x<10");
    expect_canon("x > 1", "x>1");
    expect_canon("x in (a)", "x in (a)");
    expect_canon("x in ( b , a )", "x in (a,b)");
    expect_canon("x in (b,a,b)", "x in (a,b)");
    expect_canon("x notin (a,c,b)", "x notin (a,b,c)");
    expect_canon("x in ()", "x in ()");
    expect_canon("x in (,a)", "x in (,a)");
    expect_canon("x in (a,)", "x in (,a)");
    expect_canon("x in (a,,b)", "x in (,a,b)");
    expect_canon("x in (,)", "x in ()");
    expect_canon("x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()");
    expect_canon("x in (in)", "x in (in)");
    expect_canon("in in (notin)", "in in (notin)");
    expect_canon("notin=in", "notin=in");
    expect_canon("x=in", "x=in");
    expect_canon("z,y,x", "x,y,z");
    expect_canon("example.com/app=web", "example.com/app=web");
    expect_canon("a.b-c.d/E.f_g-h=V.1_2-3", "a.b-c.d/E.f_g-h=V.1_2-3");
    expect_canon("x=a,x!=b", "x=a,x!=b");
    expect_canon("b!=1,a=2,!c", "a=2,b!=1,!c");
    /* 63-character names and values are the limit. */
    expect_canon("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa="
                 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa="
                 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

    lsel *sel = NULL;
    assert_int_equal(lsel_parse("", &sel, NULL), 0);
    assert_true(lsel_is_empty(sel));
    lsel_free(sel);
    assert_int_equal(lsel_parse("   ", &sel, NULL), 0);
    assert_true(lsel_is_empty(sel));
    lsel_free(sel);
    assert_int_equal(lsel_parse("a", &sel, NULL), 0);
    assert_false(lsel_is_empty(sel));
    lsel_free(sel);
    assert_true(lsel_is_empty(NULL));
    lsel_free(NULL);
}

static void test_parse_syntax_errors(void **state)
{
    (void)state;
    expect_err(",", "found ',', expected: !, identifier, or 'end of string'");
    expect_err(")", "found ')', expected: !, identifier, or 'end of string'");
    expect_err("=a", "found '=', expected: !, identifier, or 'end of string'");
    expect_err("x,", "found '', expected: identifier after ','");
    expect_err("x,,y", "found ',', expected: identifier after ','");
    expect_err("x=a,!=b", "found '!=', expected: identifier after ','");
    expect_err("x==a==b", "found '==', expected: ',' or 'end of string'");
    expect_err("!x=a", "found '=', expected: ',' or 'end of string'");
    expect_err("x=a)", "found ')', expected: ',' or 'end of string'");
    expect_err("x=a b", "found 'b', expected: ',' or 'end of string'");
    expect_err("!", "unable to parse requirement: found '', expected: identifier");
    expect_err("!!x", "unable to parse requirement: found '!', expected: identifier");
    expect_err("x y", "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, "
                      "gt, lt");
    expect_err("x!", "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, "
                     "gt, lt");
    expect_err("x>=1", "unable to parse requirement: found '=', expected: identifier");
    expect_err("x=(", "unable to parse requirement: found '(', expected: identifier");
    expect_err("x in a", "unable to parse requirement: found 'a' expected: '('");
    expect_err("x in", "unable to parse requirement: found '' expected: '('");
    expect_err("x in (a", "unable to parse requirement: found '', expected: ',' or ')'");
    expect_err("x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'");
    expect_err("x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or "
                           "identifier");
    expect_err("x in (", "unable to parse requirement: found '', expected: ',', ')' or "
                         "identifier");
    expect_err("x in (a,=)", "unable to parse requirement: found '=', expected: ',', or "
                             "identifier");
    expect_err("x in (a,", "unable to parse requirement: found '', expected: ',', or "
                           "identifier");
}

static void test_parse_validation_errors(void **state)
{
    (void)state;
    expect_err("-x=a", "unable to parse requirement: <nil>: Invalid value: \"-x\": " NAME_PART_MSG);
    expect_err("x-", "unable to parse requirement: <nil>: Invalid value: \"x-\": " NAME_PART_MSG);
    expect_err("a/", "unable to parse requirement: <nil>: Invalid value: \"a/\": name part must "
                     "be non-empty; " NAME_PART_MSG);
    expect_err("/a", "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must "
                     "be non-empty");
    expect_err("Ex.com/a",
               "unable to parse requirement: <nil>: Invalid value: \"Ex.com/a\": prefix part a "
               "lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
               "'-' or '.', and must start and end with an alphanumeric character (e.g. "
               "'example.com', regex used for validation is "
               "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    expect_err("a/b/c",
               "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name "
               "must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
               "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
               "regex used for validation is " QNAME_RE ")"
               " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    expect_err("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
               "unable to parse requirement: <nil>: Invalid value: "
               "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": name part "
               "must be no more than 63 characters");
    expect_err("x\"y=1",
               "unable to parse requirement: <nil>: Invalid value: \"x\\\"y\": " NAME_PART_MSG);
    expect_err("x=a||y",
               "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": " VALUE_MSG);
    expect_err("x=-a",
               "unable to parse requirement: values[0][x]: Invalid value: \"-a\": " VALUE_MSG);
    expect_err("x in (b,-a)", "unable to parse requirement: values[0][x]: Invalid value: "
                              "\"-a\": " VALUE_MSG);
    expect_err("x=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
               "unable to parse requirement: values[0][x]: Invalid value: "
               "\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\": must be no "
               "more than 63 characters");
    expect_err("x>a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', "
                      "'Lt' operators, the value must be an integer");
    expect_err("x<", "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', "
                     "'Lt' operators, the value must be an integer");
    expect_err("x>99999999999999999999", "unable to parse requirement: values[0]: Invalid value: "
                                         "\"99999999999999999999\": for 'Gt', 'Lt' operators, "
                                         "the value must be an integer");
    expect_err("x>+1",
               "unable to parse requirement: values[0][x]: Invalid value: \"+1\": " VALUE_MSG);
    /* A negative number is an integer but not a label value. */
    expect_err("x>-1",
               "unable to parse requirement: values[0][x]: Invalid value: \"-1\": " VALUE_MSG);
    /* Two problems aggregate in brackets. */
    expect_err("x>a-", "unable to parse requirement: [values[0]: Invalid value: \"a-\": for 'Gt', "
                       "'Lt' operators, the value must be an integer, values[0][x]: Invalid value: "
                       "\"a-\": " VALUE_MSG "]");
    /* Non-ASCII and control characters are quoted as Go does. */
    expect_err("x=\xc3\xa9", "unable to parse requirement: values[0][x]: Invalid value: "
                             "\"\xc3\xa9\": " VALUE_MSG);
    expect_err("x=a\x01", "unable to parse requirement: values[0][x]: Invalid value: "
                          "\"a\\x01\": " VALUE_MSG);
    expect_err("\xff",
               "unable to parse requirement: <nil>: Invalid value: \"\\xff\": " NAME_PART_MSG);
}

static void test_parse_null_err(void **state)
{
    lsel *sel = NULL;

    (void)state;
    /* err may be NULL when the caller does not want the message. */
    assert_int_equal(lsel_parse("x in (", &sel, NULL), EN_INVALID);
    assert_null(sel);
    assert_int_equal(lsel_parse(NULL, &sel, NULL), 0);
    assert_true(lsel_is_empty(sel));
    lsel_free(sel);
}

static void test_matches(void **state)
{
    (void)state;
    assert_true(matches("", "{}"));
    assert_true(matches("", NULL));
    assert_true(matches("x=a", "{\"x\":\"a\"}"));
    assert_true(matches("x==a", "{\"x\":\"a\",\"y\":\"b\"}"));
    assert_false(matches("x=a", "{\"x\":\"b\"}"));
    assert_false(matches("x=a", "{}"));
    assert_false(matches("x=a", NULL));
    assert_true(matches("x=", "{\"x\":\"\"}"));
    assert_false(matches("x=", "{}"));
    assert_true(matches("x!=a", "{}"));
    assert_true(matches("x!=a", NULL));
    assert_true(matches("x!=a", "{\"x\":\"b\"}"));
    assert_false(matches("x!=a", "{\"x\":\"a\"}"));
    assert_true(matches("x in (a,b)", "{\"x\":\"b\"}"));
    assert_false(matches("x in (a,b)", "{\"x\":\"c\"}"));
    assert_false(matches("x in (a,b)", "{}"));
    assert_true(matches("x in ()", "{\"x\":\"\"}"));
    assert_true(matches("x notin (a,b)", "{}"));
    assert_true(matches("x notin (a,b)", "{\"x\":\"c\"}"));
    assert_false(matches("x notin (a,b)", "{\"x\":\"a\"}"));
    assert_true(matches("x", "{\"x\":\"\"}"));
    assert_false(matches("x", "{\"y\":\"\"}"));
    assert_true(matches("!x", "{\"y\":\"\"}"));
    assert_false(matches("!x", "{\"x\":\"1\"}"));
    assert_true(matches("x>1", "{\"x\":\"2\"}"));
    assert_false(matches("x>1", "{\"x\":\"1\"}"));
    assert_false(matches("x>1", "{\"x\":\"two\"}"));
    assert_false(matches("x>1", "{}"));
    assert_true(matches("x<10", "{\"x\":\"-5\"}"));
    assert_true(matches("x<10", "{\"x\":\"+9\"}"));
    assert_false(matches("x<10", "{\"x\":\"10\"}"));
    assert_false(matches("x<10", "{\"x\":\"0x1\"}"));
    assert_true(matches("a=1,b!=2,c,!d", "{\"a\":\"1\",\"b\":\"3\",\"c\":\"\"}"));
    assert_false(matches("a=1,b!=2,c,!d", "{\"a\":\"1\",\"b\":\"3\",\"c\":\"\",\"d\":\"x\"}"));
    assert_false(matches("a=1,a=2", "{\"a\":\"1\"}"));
    /* Non-string label values count as absent. */
    assert_false(matches("x", "{\"x\":1}"));
    assert_true(matches("x!=1", "{\"x\":1}"));
    /* A non-object label map has no labels. */
    assert_true(matches("!x", "[1]"));
    assert_true(lsel_matches(NULL, NULL));
}

/* ---- object form -------------------------------------------------------- */

static char *from_json(const char *text, const char *path, int *rc)
{
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    lsel *sel = NULL;
    char *err = NULL, *out;

    if (!j)
        fail_msg("bad test JSON: %s", text);
    *rc = path ? lsel_from_json_at(j, path, &sel, &err) : lsel_from_json(j, &sel, &err);
    json_decref(j);
    if (*rc) {
        assert_null(sel);
        assert_non_null(err);
        return err;
    }
    assert_null(err);
    out = lsel_to_string(sel);
    lsel_free(sel);
    return out;
}

static void expect_json_canon(const char *text, const char *canon)
{
    int rc;
    char *s = from_json(text, NULL, &rc);

    if (rc)
        fail_msg("lsel_from_json(%s) failed: %s", text, s);
    if (strcmp(s, canon) != 0)
        fail_msg("lsel_from_json(%s) printed \"%s\", want \"%s\"", text, s, canon);
    free(s);
}

static void expect_json_err(const char *text, const char *path, const char *want)
{
    int rc;
    char *s = from_json(text, path, &rc);

    if (rc != EN_INVALID)
        fail_msg("lsel_from_json(%s) = %d (\"%s\"), want EN_INVALID", text, rc, s);
    if (strcmp(s, want) != 0)
        fail_msg("lsel_from_json(%s) error\n  got:  %s\n  want: %s", text, s, want);
    free(s);
}

static void test_from_json(void **state)
{
    lsel *sel = NULL;

    (void)state;
    expect_json_canon("{}", "");
    expect_json_canon("null", "");
    expect_json_canon("{\"matchLabels\":{}}", "");
    expect_json_canon("{\"matchLabels\":null,\"matchExpressions\":null}", "");
    expect_json_canon("{\"matchLabels\":{\"app\":\"web\"}}", "app=web");
    expect_json_canon("{\"matchLabels\":{\"b\":\"2\",\"a\":\"1\"}}", "a=1,b=2");
    expect_json_canon("{\"matchLabels\":{\"a\":\"\"}}", "a=");
    expect_json_canon("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\","
                      "\"values\":[\"3\",\"2\"]}]}",
                      "a in (2,3)");
    expect_json_canon("{\"matchLabels\":{\"a\":\"1\"},\"matchExpressions\":[{\"key\":\"a\","
                      "\"operator\":\"NotIn\",\"values\":[\"2\"]}]}",
                      "a=1,a notin (2)");
    expect_json_canon("{\"matchExpressions\":[{\"key\":\"z\",\"operator\":\"Exists\"},"
                      "{\"key\":\"y\",\"operator\":\"DoesNotExist\",\"values\":[]},"
                      "{\"key\":\"x\",\"operator\":\"In\",\"values\":[\"\"]}]}",
                      "x in (),!y,z");
    /* Unknown fields are ignored as the decoder would. */
    expect_json_canon("{\"matchLabels\":{\"a\":\"b\"},\"extra\":1}", "a=b");

    assert_int_equal(lsel_from_json(NULL, &sel, NULL), 0);
    assert_true(lsel_is_empty(sel));
    assert_true(lsel_matches(sel, NULL));
    lsel_free(sel);
}

static void test_from_json_matching(void **state)
{
    json_t *j = json_loads("{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":["
                           "{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"fe\",\"be\"]},"
                           "{\"key\":\"legacy\",\"operator\":\"DoesNotExist\"}]}",
                           0, NULL);
    json_t *yes = json_loads("{\"app\":\"web\",\"tier\":\"be\"}", 0, NULL);
    json_t *no1 = json_loads("{\"app\":\"web\",\"tier\":\"db\"}", 0, NULL);
    json_t *no2 = json_loads("{\"app\":\"web\",\"tier\":\"fe\",\"legacy\":\"1\"}", 0, NULL);
    json_t *no3 = json_loads("{\"tier\":\"fe\"}", 0, NULL);
    lsel *sel = NULL;

    (void)state;
    assert_int_equal(lsel_from_json(j, &sel, NULL), 0);
    assert_false(lsel_is_empty(sel));
    assert_true(lsel_matches(sel, yes));
    assert_false(lsel_matches(sel, no1));
    assert_false(lsel_matches(sel, no2));
    assert_false(lsel_matches(sel, no3));
    assert_false(lsel_matches(sel, NULL));
    lsel_free(sel);
    json_decref(j);
    json_decref(yes);
    json_decref(no1);
    json_decref(no2);
    json_decref(no3);
}

static void test_from_json_errors(void **state)
{
    (void)state;
    expect_json_err("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\"}]}", NULL,
                    "matchExpressions[0].values: Required value: must be specified when "
                    "`operator` is 'In' or 'NotIn'");
    expect_json_err("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"NotIn\","
                    "\"values\":[]}]}",
                    "spec.selector",
                    "spec.selector.matchExpressions[0].values: Required value: must be "
                    "specified when `operator` is 'In' or 'NotIn'");
    expect_json_err("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\","
                    "\"values\":[\"x\"]}]}",
                    NULL,
                    "matchExpressions[0].values: Forbidden: may not be specified when "
                    "`operator` is 'Exists' or 'DoesNotExist'");
    expect_json_err("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Gt\","
                    "\"values\":[\"1\"]}]}",
                    NULL,
                    "matchExpressions[0].operator: Invalid value: \"Gt\": not a valid selector "
                    "operator");
    expect_json_err("{\"matchExpressions\":[{\"key\":\"a\"}]}", NULL,
                    "matchExpressions[0].operator: Invalid value: \"\": not a valid selector "
                    "operator");
    expect_json_err("{\"matchExpressions\":[{\"key\":\"-a\",\"operator\":\"Exists\"}]}", NULL,
                    "matchExpressions[0].key: Invalid value: \"-a\": " NAME_PART_MSG);
    expect_json_err("{\"matchExpressions\":[{\"operator\":\"Exists\"}]}", NULL,
                    "[matchExpressions[0].key: Invalid value: \"\": name part must be "
                    "non-empty, matchExpressions[0].key: Invalid value: \"\": " NAME_PART_MSG "]");
    expect_json_err("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\","
                    "\"values\":[\"ok\",\"-bad\"]}]}",
                    NULL, "matchExpressions[0].values[1]: Invalid value: \"-bad\": " VALUE_MSG);
    expect_json_err("{\"matchLabels\":{\"-k\":\"v\"}}", "spec.selector",
                    "spec.selector.matchLabels: Invalid value: \"-k\": " NAME_PART_MSG);
    expect_json_err("{\"matchLabels\":{\"k\":\"v-\"}}", NULL,
                    "matchLabels: Invalid value: \"v-\": " VALUE_MSG);
    /* Several problems are all reported. */
    expect_json_err("{\"matchLabels\":{\"k\":\"v-\"},\"matchExpressions\":[{\"key\":\"a\","
                    "\"operator\":\"Foo\"}]}",
                    NULL,
                    "[matchLabels: Invalid value: \"v-\": " VALUE_MSG
                    ", matchExpressions[0].operator: Invalid value: \"Foo\": not a valid "
                    "selector operator]");
    /* JSON of the wrong shape. */
    expect_json_err("\"app=web\"", NULL,
                    "selector: Invalid value: \"app=web\": must be an "
                    "object");
    expect_json_err("[]", "spec.selector", "spec.selector: Invalid value: []: must be an object");
    expect_json_err("{\"matchLabels\":[]}", NULL,
                    "matchLabels: Invalid value: []: must be an "
                    "object of strings");
    expect_json_err("{\"matchLabels\":{\"a\":1}}", NULL,
                    "matchLabels[a]: Invalid value: 1: "
                    "label values must be strings");
    expect_json_err("{\"matchExpressions\":{}}", NULL,
                    "matchExpressions: Invalid value: {}: "
                    "must be a list");
    expect_json_err("{\"matchExpressions\":[1]}", NULL,
                    "matchExpressions[0]: Invalid value: 1: "
                    "must be an object");
    expect_json_err("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\","
                    "\"values\":\"x\"}]}",
                    NULL,
                    "matchExpressions[0].values: Invalid value: \"x\": must be a list of "
                    "strings");
    expect_json_err("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\","
                    "\"values\":[1]}]}",
                    NULL, "matchExpressions[0].values[0]: Invalid value: 1: must be a string");
    expect_json_err("{\"matchExpressions\":[{\"key\":7,\"operator\":\"Exists\"}]}", NULL,
                    "[matchExpressions[0].key: Invalid value: 7: must be a string, "
                    "matchExpressions[0].key: Invalid value: \"\": name part must be non-empty, "
                    "matchExpressions[0].key: Invalid value: \"\": " NAME_PART_MSG "]");
}

static void test_large_inputs(void **state)
{
    sbuf sb;
    lsel *sel = NULL;
    char *err = NULL;

    (void)state;
    /* Many values (given in reverse, with duplicates) sort and de-duplicate. */
    sbuf_init(&sb);
    sbuf_puts(&sb, "x in (");
    for (int i = 20000; i > 0; i--)
        sbuf_printf(&sb, "v%05d,v%05d,", i % 10000, i % 10000);
    sbuf_puts(&sb, "z)");
    assert_int_equal(lsel_parse(sb.buf, &sel, &err), 0);
    char *str = lsel_to_string(sel);
    assert_memory_equal(str, "x in (v00000,v00001,v00002,", 27);
    assert_int_equal(strlen(str), strlen("x in (") + 10000 * 7 + 2);
    json_t *labels = json_pack("{s:s}", "x", "v09999");
    assert_true(lsel_matches(sel, labels));
    json_decref(labels);
    free(str);
    lsel_free(sel);
    sbuf_release(&sb);

    /* Thousands of bad expressions report a bounded list. */
    json_t *exprs = json_array();
    for (int i = 0; i < 5000; i++)
        json_array_append_new(exprs, json_pack("{s:s,s:s}", "key", "k", "operator", "Bad"));
    json_t *j = json_pack("{s:o}", "matchExpressions", exprs);
    assert_int_equal(lsel_from_json(j, &sel, &err), EN_INVALID);
    size_t commas = 0;
    for (const char *p = err; (p = strstr(p, ", matchExpressions[")); p++)
        commas++;
    assert_int_equal(commas, 99);
    assert_non_null(strstr(err, "matchExpressions[99].operator"));
    assert_null(strstr(err, "matchExpressions[100]"));
    free(err);
    json_decref(j);
}

static void test_to_string_null(void **state)
{
    (void)state;
    char *s = lsel_to_string(NULL);
    assert_string_equal(s, "");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_syntax_errors),
        cmocka_unit_test(test_parse_validation_errors),
        cmocka_unit_test(test_parse_null_err),
        cmocka_unit_test(test_matches),
        cmocka_unit_test(test_from_json),
        cmocka_unit_test(test_from_json_matching),
        cmocka_unit_test(test_from_json_errors),
        cmocka_unit_test(test_large_inputs),
        cmocka_unit_test(test_to_string_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
