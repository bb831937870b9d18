/*
 * test_quantity.c -- resource.Quantity parsing, milli rounding and
 * canonical spelling (src/types/quantity.c), checked against values the
 * Kubernetes apimachinery implementation gives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "types/types_int.h"

struct parse_case {
    const char *in;
    int64_t milli;
};

static void test_parse_valid(void **state)
{
    static const struct parse_case cases[] = {
        {"0", 0},
        {"1", 1000},
        {"100m", 100},
        {"1.5", 1500},
        {"0.5", 500},
        {".5", 500},
        {"1k", 1000000},
        {"1M", 1000000000LL},
        {"1G", 1000000000000LL},
        {"1T", 1000000000000000LL},
        {"1P", 1000000000000000000LL},
        {"1Ki", 1024000},
        {"1Mi", 1048576000LL},
        {"1Gi", 1073741824000LL},
        {"1Ti", 1099511627776000LL},
        {"1Pi", 1125899906842624000LL},
        {"1.5Gi", 1610612736000LL},
        {"1n", 1},
        {"1u", 1},
        {"999n", 1},
        {"1500u", 2},
        {"1000u", 1},
        {"-1n", -1},
        {"-1.5", -1500},
        {"+2", 2000},
        {"1e3", 1000000},
        {"1E3", 1000000},
        {"1e-3", 1},
        {"1.5e-3", 2},
        {"12e+2", 1200000},
        {"0.0001", 1},
        {"1.G", 1000000000000LL},
        {".", 0},
        {"+", 0},
        {"-", 0},
        {"00012", 12000},
        {"0m", 0},
        {"-0", 0},
        {"0.000", 0},
        {"9223372036854775", 9223372036854775000LL},
        {"1e-100", 1},
        {"0e5", 0},
        {"0.5Ki", 512000},
        {"100Mi", 104857600000LL},
        {"128974848", 128974848000LL},
        {"129e6", 129000000000LL},
        {"123456.789", 123456789},
        {"1.0000000000000000000000000001", 1001},
        {"e3", 0}, /* no digits reads as zero, as upstream */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t m = 12345;
        int rc = types_quantity_parse(cases[i].in, &m);
        if (rc != 0 || m != cases[i].milli)
            fail_msg("parse(%s): rc=%d milli=%lld want %lld", cases[i].in, rc, (long long)m,
                     (long long)cases[i].milli);
    }
    (void)state;
}

static void test_parse_invalid(void **state)
{
    static const char *const bad[] = {
        "",
        "abc",
        "1Z",
        "1Kb",
        "1KiB",
        "1K",
        "1i",
        "1e",
        "1e+",
        "1.5.5",
        " 1",
        "1 ",
        "--1",
        "1-",
        "1m5",
        "1ee3",
        "0x10",
        "1,5",
        "1/2",
        "1E",
        "1Ei",
        "1mm",
        "\xe2\x88\x9e",
        "1e3.5",
        "1Gi5",
        "x3",
        "9223372036854776",
        "10P",
        "1e99999999999999999999",
        "0e99999999999999999999",
        "1e18",
        "nan",
        "inf",
        "1..5",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t m = 77;
        int rc = types_quantity_parse(bad[i], &m);
        if (rc != EN_INVALID)
            fail_msg("parse(%s) should fail, got rc=%d milli=%lld", bad[i], rc, (long long)m);
        assert_int_equal(m, 77); /* untouched on failure */
    }
    assert_int_equal(types_quantity_parse(NULL, NULL), EN_INVALID);
    (void)state;
}

static void test_parse_long_input(void **state)
{
    char *s = malloc(3000);
    memset(s, '1', 2999);
    s[2999] = '\0';
    assert_int_equal(types_quantity_parse(s, NULL), EN_INVALID);
    /* Many fractional digits are fine while the input stays bounded. */
    memset(s, '0', 600);
    s[0] = '0';
    s[1] = '.';
    s[599] = '1';
    s[600] = '\0';
    int64_t m = 0;
    assert_int_equal(types_quantity_parse(s, &m), 0);
    assert_int_equal(m, 1);
    free(s);
    (void)state;
}

struct canon_case {
    const char *in;
    const char *out;
};

static void test_canonical(void **state)
{
    static const struct canon_case cases[] = {
        {"0", "0"},          {"0.5", "500m"},    {"1000", "1k"},       {"1500m", "1500m"},
        {"1.5Gi", "1536Mi"}, {"1024Mi", "1Gi"},  {"1Ki", "1Ki"},       {"0.5Ki", "512"},
        {"1e3", "1e3"},      {"1e4", "10e3"},    {"100Mi", "100Mi"},   {"128974848", "128974848"},
        {"129e6", "129e6"},  {"123Mi", "123Mi"}, {"-1", "-1"},         {"1n", "1m"},
        {"2000m", "2"},      {"1.5k", "1500"},   {"1M", "1M"},         {"1500k", "1500k"},
        {"12000000", "12M"}, {"1e-3", "1e-3"},   {"1023", "1023"},     {"1024", "1024"},
        {"2048Ki", "2Mi"},   {"1536", "1536"},   {"1.5Ki", "1536"},    {"-1Ki", "-1Ki"},
        {"100", "100"},      {"0.1", "100m"},    {"10", "10"},         {"1e0", "1"},
        {"5e2", "500"},      {"3Gi", "3Gi"},     {"1025Ki", "1025Ki"}, {"1.1", "1100m"},
        {"1P", "1P"},        {"9000T", "9P"},    {"250m", "250m"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        types_qty q;
        assert_int_equal(types__qty_parse(cases[i].in, &q), 0);
        char *s = types__qty_string(&q);
        if (strcmp(s, cases[i].out) != 0)
            fail_msg("canonical(%s) = %s, want %s", cases[i].in, s, cases[i].out);
        free(s);
    }
    (void)state;
}

static void test_formats(void **state)
{
    types_qty q;
    assert_int_equal(types__qty_parse("1Gi", &q), 0);
    assert_int_equal(q.format, QTY_BINARY_SI);
    assert_int_equal(types__qty_parse("1G", &q), 0);
    assert_int_equal(q.format, QTY_DECIMAL_SI);
    assert_int_equal(types__qty_parse("1e9", &q), 0);
    assert_int_equal(q.format, QTY_DECIMAL_EXP);
    assert_int_equal(types__qty_parse("7", &q), 0);
    assert_int_equal(q.format, QTY_DECIMAL_SI);
    (void)state;
}

static void test_json(void **state)
{
    int64_t m = 0;
    json_t *v;

    v = json_integer(2);
    assert_int_equal(types_quantity_json(v, &m), 0);
    assert_int_equal(m, 2000);
    json_decref(v);
    v = json_real(0.1);
    assert_int_equal(types_quantity_json(v, &m), 0);
    assert_int_equal(m, 100);
    json_decref(v);
    v = json_real(1.5);
    assert_int_equal(types_quantity_json(v, &m), 0);
    assert_int_equal(m, 1500);
    json_decref(v);
    v = json_real(1e20);
    assert_int_equal(types_quantity_json(v, &m), EN_INVALID);
    json_decref(v);
    v = json_string(" 1Gi ");
    assert_int_equal(types_quantity_json(v, &m), 0);
    assert_int_equal(m, 1073741824000LL);
    json_decref(v);
    v = json_string("1 Gi");
    assert_int_equal(types_quantity_json(v, &m), EN_INVALID);
    json_decref(v);
    v = json_true();
    assert_int_equal(types_quantity_json(v, &m), EN_INVALID);
    v = json_null();
    assert_int_equal(types_quantity_json(v, &m), EN_INVALID);
    v = json_object();
    assert_int_equal(types_quantity_json(v, &m), EN_INVALID);
    json_decref(v);
    assert_int_equal(types_quantity_json(NULL, &m), EN_INVALID);
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),      cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_parse_long_input), cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_formats),          cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
