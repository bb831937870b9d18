/*
 * test_field.c -- unit tests of field selectors (selector.h): parsing as
 * fields.ParseSelector does (operators, escapes, empty terms, sorting),
 * its error messages, supported-field checks, matching against extracted
 * fields, and the exact-match lookup used for indexes.
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

static fsel *parse_ok(const char *s)
{
    fsel *sel = NULL;
    char *err = NULL;

    if (fsel_parse(s, &sel, &err) != 0)
        fail_msg("fsel_parse(\"%s\") failed: %s", s, err ? err : "(null)");
    assert_null(err);
    assert_non_null(sel);
    return sel;
}

static void expect_err(const char *s, const char *want)
{
    fsel *sel = (fsel *)0x1;
    char *err = NULL;

    if (fsel_parse(s, &sel, &err) != EN_INVALID)
        fail_msg("fsel_parse(\"%s\") did not fail", s);
    assert_null(sel);
    assert_non_null(err);
    if (strcmp(err, want) != 0)
        fail_msg("fsel_parse(\"%s\") error\n  got:  %s\n  want: %s", s, err, want);
    free(err);
}

/* Match s against up to two name/value pairs (NULL name = unused). */
static bool matches(const char *s, const char *n1, const char *v1, const char *n2, const char *v2)
{
    fsel_field f[2] = {{n1, v1}, {n2, v2}};
    size_t n = n2 ? 2 : n1 ? 1 : 0;
    fsel *sel = parse_ok(s);
    bool m = fsel_matches(sel, f, n);

    fsel_free(sel);
    return m;
}

static void test_parse_and_match(void **state)
{
    (void)state;
    assert_true(matches("", NULL, NULL, NULL, NULL));
    assert_true(matches("a=b", "a", "b", NULL, NULL));
    assert_false(matches("a=b", "a", "c", NULL, NULL));
    assert_true(matches("a==b", "a", "b", NULL, NULL));
    assert_false(matches("a==b", "a", "=b", NULL, NULL));
    assert_true(matches("a!=b", "a", "c", NULL, NULL));
    assert_false(matches("a!=b", "a", "b", NULL, NULL));
    /* A field the object lacks compares as "". */
    assert_false(matches("a=b", NULL, NULL, NULL, NULL));
    assert_true(matches("a!=b", NULL, NULL, NULL, NULL));
    assert_true(matches("a=", NULL, NULL, NULL, NULL));
    assert_true(matches("a=", "a", "", NULL, NULL));
    assert_true(matches("a=", "a", NULL, NULL, NULL));
    assert_false(matches("a=", "a", "x", NULL, NULL));
    assert_true(matches("a!=", "a", "x", NULL, NULL));
    assert_false(matches("a!=", NULL, NULL, NULL, NULL));
    /* Terms are ANDed. */
    assert_true(matches("a=1,b!=2", "a", "1", "b", "3"));
    assert_false(matches("a=1,b!=2", "a", "1", "b", "2"));
    assert_false(matches("a=1,a=2", "a", "1", NULL, NULL));
    /* Empty terms are skipped. */
    assert_true(matches(",,a=1,,", "a", "1", NULL, NULL));
    assert_true(matches(",", NULL, NULL, NULL, NULL));
    /* Spaces are data, not separators. */
    assert_true(matches("a= b", "a", " b", NULL, NULL));
    assert_true(matches(" a=b", " a", "b", NULL, NULL));
    assert_false(matches(" a=b", "a", "b", NULL, NULL));
    /* Escapes. */
    assert_true(matches("a=b\\,c", "a", "b,c", NULL, NULL));
    assert_true(matches("a=b\\=c", "a", "b=c", NULL, NULL));
    assert_true(matches("a=b\\\\", "a", "b\\", NULL, NULL));
    assert_true(matches("a=\\,\\=\\\\,x=y", "a", ",=\\", "x", "y"));
    /* The first operator splits; the field keeps any '!' before it. */
    assert_true(matches("a!b=c", "a!b", "c", NULL, NULL));
    assert_true(matches("a=!b", "a", "!b", NULL, NULL));
    assert_true(matches("spec.nodeName=node-1", "spec.nodeName", "node-1", NULL, NULL));
    assert_true(matches("metadata.name=\xc3\xa9", "metadata.name", "\xc3\xa9", NULL, NULL));

    fsel *sel = parse_ok("");
    assert_true(fsel_is_empty(sel));
    fsel_free(sel);
    sel = parse_ok("a=b");
    assert_false(fsel_is_empty(sel));
    fsel_free(sel);
    /* A term with neither field nor value selects everything. */
    sel = parse_ok("=");
    assert_true(fsel_is_empty(sel));
    fsel_free(sel);
    sel = parse_ok("!=,==");
    assert_true(fsel_is_empty(sel));
    fsel_free(sel);
    sel = parse_ok("=x");
    assert_false(fsel_is_empty(sel));
    fsel_free(sel);
    assert_true(fsel_is_empty(NULL));
    assert_true(fsel_matches(NULL, NULL, 0));
    fsel_free(NULL);
    assert_int_equal(fsel_parse(NULL, &sel, NULL), 0);
    assert_true(fsel_is_empty(sel));
    fsel_free(sel);
}

static void test_errors(void **state)
{
    (void)state;
    expect_err("a", "invalid selector: 'a'; can't understand 'a'");
    expect_err("a=1,b", "invalid selector: 'a=1,b'; can't understand 'b'");
    /* Terms are sorted before parsing, so the smallest bad one is named. */
    expect_err("z,y", "invalid selector: 'z,y'; can't understand 'y'");
    expect_err("a=b=c", "invalid field selector: unescaped character in value: 61");
    expect_err("a==b=c", "invalid field selector: unescaped character in value: 61");
    expect_err("a!==b", "invalid field selector: unescaped character in value: 61");
    expect_err("a=b\\x", "invalid field selector: invalid escape sequence: \\x");
    expect_err("a=b\\", "invalid field selector: invalid escape sequence: \\");
    expect_err("a=\\\xc3\xa9", "invalid field selector: invalid escape sequence: \\\xc3\xa9");
    expect_err("a=\\\xc3", "invalid field selector: invalid escape sequence: \\\xc3");
    /* An escaped comma at the end of the string leaves a dangling escape. */
    expect_err("a=b\\\\\\", "invalid field selector: invalid escape sequence: \\");

    fsel *sel = NULL;
    assert_int_equal(fsel_parse("nope", &sel, NULL), EN_INVALID);
    assert_null(sel);
}

static void test_check_fields(void **state)
{
    static const char *const supported[] = {"metadata.name", "metadata.namespace", "spec.nodeName"};
    fsel *sel;
    char *err = NULL;

    (void)state;
    sel = parse_ok("spec.nodeName=n1,metadata.name!=x");
    assert_int_equal(fsel_check_fields(sel, supported, 3, &err), 0);
    assert_null(err);
    fsel_free(sel);

    sel = parse_ok("spec.nodeName=n1,status.phase=Running");
    assert_int_equal(fsel_check_fields(sel, supported, 3, &err), EN_INVALID);
    assert_string_equal(err, "field label not supported: status.phase");
    free(err);
    assert_int_equal(fsel_check_fields(sel, supported, 3, NULL), EN_INVALID);
    fsel_free(sel);

    sel = parse_ok("=x");
    assert_int_equal(fsel_check_fields(sel, supported, 3, &err), EN_INVALID);
    assert_string_equal(err, "field label not supported: ");
    free(err);
    fsel_free(sel);

    sel = parse_ok("");
    assert_int_equal(fsel_check_fields(sel, supported, 0, &err), 0);
    assert_int_equal(fsel_check_fields(NULL, supported, 0, &err), 0);
    fsel_free(sel);

    /* Prefixes and case must match exactly. */
    sel = parse_ok("spec.nodename=n1");
    assert_int_equal(fsel_check_fields(sel, supported, 3, &err), EN_INVALID);
    free(err);
    fsel_free(sel);
    sel = parse_ok("spec=n1");
    assert_int_equal(fsel_check_fields(sel, supported, 3, &err), EN_INVALID);
    free(err);
    fsel_free(sel);
}

static void test_required_value(void **state)
{
    fsel *sel;

    (void)state;
    sel = parse_ok("spec.nodeName=n1");
    assert_string_equal(fsel_required_value(sel, "spec.nodeName"), "n1");
    assert_null(fsel_required_value(sel, "metadata.name"));
    fsel_free(sel);

    sel = parse_ok("metadata.name=x,spec.nodeName==n2");
    assert_string_equal(fsel_required_value(sel, "spec.nodeName"), "n2");
    assert_string_equal(fsel_required_value(sel, "metadata.name"), "x");
    fsel_free(sel);

    sel = parse_ok("spec.nodeName!=n1");
    assert_null(fsel_required_value(sel, "spec.nodeName"));
    fsel_free(sel);

    sel = parse_ok("spec.nodeName=");
    assert_string_equal(fsel_required_value(sel, "spec.nodeName"), "");
    fsel_free(sel);

    sel = parse_ok("spec.nodeName=a\\,b");
    assert_string_equal(fsel_required_value(sel, "spec.nodeName"), "a,b");
    fsel_free(sel);

    assert_null(fsel_required_value(NULL, "spec.nodeName"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_match),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_check_fields),
        cmocka_unit_test(test_required_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
