/*
 * test_yaml_emit.c -- unit tests of yaml_from_json (yaml.h): the block
 * layout kubectl users expect, quoting of strings that would otherwise read
 * back as something else, block literals for multi-line text, numbers, and
 * a round trip yaml_from_json -> yaml_to_json over hand-picked tricky
 * strings and thousands of seeded random JSON documents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"
#include "yaml/yaml.h"

#include <stdlib.h>
#include <string.h>

static json_t *load(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);

    if (!j)
        fail_msg("bad test JSON %s: %s", text, je.text);
    return j;
}

/* JSON text -> YAML must equal want exactly. */
static void expect_yaml(const char *json_text, const char *want)
{
    json_t *j = load(json_text);
    char *y = yaml_from_json(j);

    if (strcmp(y, want) != 0)
        fail_msg("yaml_from_json(%s)\n--- got:\n%s--- want:\n%s---", json_text, y, want);
    free(y);
    json_decref(j);
}

/* v -> YAML -> JSON must give v back; returns nothing, fails loudly. */
static void round_trip(json_t *v)
{
    char *y = yaml_from_json(v);
    json_t *back = NULL;
    char *err = NULL;

    if (yaml_to_json(y, strlen(y), &back, &err) != 0) {
        char *orig = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        fail_msg("re-reading failed: %s\nJSON: %s\nYAML:\n%s", err, orig, y);
    }
    if (!json_equal(v, back)) {
        char *orig = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_PRESERVE_ORDER);
        char *got = json_dumps(back, JSON_ENCODE_ANY | JSON_COMPACT | JSON_PRESERVE_ORDER);
        fail_msg("round trip changed the value\n  in:  %s\n  out: %s\nYAML:\n%s", orig, got, y);
    }
    json_decref(back);
    free(y);
}

static void test_layout(void **state)
{
    (void)state;
    expect_yaml("{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"metadata\":{\"name\":\"web\","
                "\"labels\":{\"app\":\"web\"}},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":"
                "\"web\"}},\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":"
                "\"nginx:1.25\",\"args\":[\"--port=80\"],\"ports\":[{\"containerPort\":80}]}],"
                "\"tolerations\":[]}}},\"status\":{}}",
                "apiVersion: apps/v1\n"
                "kind: DaemonSet\n"
                "metadata:\n"
                "  name: web\n"
                "  labels:\n"
                "    app: web\n"
                "spec:\n"
                "  selector:\n"
                "    matchLabels:\n"
                "      app: web\n"
                "  template:\n"
                "    spec:\n"
                "      containers:\n"
                "      - name: web\n"
                "        image: nginx:1.25\n"
                "        args:\n"
                "        - --port=80\n"
                "        ports:\n"
                "        - containerPort: 80\n"
                "      tolerations: []\n"
                "status: {}\n");
    expect_yaml("[[1,2],[],{\"a\":[]}]", "- - 1\n  - 2\n- []\n- a: []\n");
    expect_yaml("{}", "{}\n");
    expect_yaml("[]", "[]\n");
    expect_yaml("null", "null\n");
    expect_yaml("true", "true\n");
    expect_yaml("false", "false\n");
    expect_yaml("\"plain\"", "plain\n");
    expect_yaml("-42", "-42\n");

    char *y = yaml_from_json(NULL);
    assert_string_equal(y, "null\n");
    free(y);
}

static void test_scalars(void **state)
{
    (void)state;
    expect_yaml("{\"a\":1,\"b\":-7,\"c\":1.5,\"d\":1.0,\"e\":1e300,\"f\":-0.000001,\"g\":0.1}",
                "a: 1\nb: -7\nc: 1.5\nd: 1.0\ne: 1e+300\nf: -1e-06\ng: 0.1\n");
    expect_yaml("{\"a\":null,\"b\":true,\"c\":false}", "a: null\nb: true\nc: false\n");
    /* Strings that would resolve to something else are quoted. */
    expect_yaml("[\"true\",\"yes\",\"Off\",\"y\",\"n\",\"null\",\"~\",\"\",\"123\",\"-1\","
                "\"0x1F\",\"0o7\",\"1_000\",\"1.5\",\".5\",\"1e3\",\".inf\",\"-.Inf\",\".nan\","
                "\"<<\",\"1:20\",\"2001-12-14\"]",
                "- 'true'\n- 'yes'\n- 'Off'\n- 'y'\n- 'n'\n- 'null'\n- '~'\n- ''\n- '123'\n"
                "- '-1'\n- '0x1F'\n- '0o7'\n- '1_000'\n- '1.5'\n- '.5'\n- '1e3'\n- '.inf'\n"
                "- '-.Inf'\n- '.nan'\n- '<<'\n- '1:20'\n- '2001-12-14'\n");
    /* Indicators and spacing force quotes; harmless text stays plain. */
    expect_yaml("[\"a: b\",\"a #b\",\"#c\",\"- x\",\"-x\",\"? x\",\": x\",\"x:\",\"[x]\","
                "\"{x}\",\"*x\",\"&x\",\"!x\",\"|x\",\">x\",\"%x\",\"@x\",\"`x\",\"'q\","
                "\"\\\"q\",\" lead\",\"trail \",\"---\",\"...\",\"a#b\",\"a:b\",\"caf\\u00e9\","
                "\"it's\",\"nginx:1.25\",\"https://x.io/a?b=c\",\"no\\u0020way\"]",
                "- 'a: b'\n- 'a #b'\n- '#c'\n- '- x'\n- -x\n- '? x'\n- ': x'\n- 'x:'\n"
                "- '[x]'\n- '{x}'\n- '*x'\n- '&x'\n- '!x'\n- '|x'\n- '>x'\n- '%x'\n- '@x'\n"
                "- '`x'\n- '''q'\n- '\"q'\n- ' lead'\n- 'trail '\n- '---'\n- '...'\n- a#b\n"
                "- a:b\n- café\n- it's\n- nginx:1.25\n- https://x.io/a?b=c\n- no way\n");
    /* Keys follow the same rules. */
    expect_yaml("{\"true\":1,\"y\":2,\"\":3,\"1\":4,\"a b\":5,\"<<\":6}",
                "'true': 1\n'y': 2\n'': 3\n'1': 4\na b: 5\n'<<': 6\n");
    /* Characters plain or single quotes cannot carry get double quotes. */
    expect_yaml("[\"tab\\there\",\"\\u0001\",\"a\\r\\nb\",\"\\u2028\",\"\\u0000\"]",
                "- \"tab\\there\"\n- \"\\x01\"\n- \"a\\r\\nb\"\n- \"\\L\"\n- \"\\0\"\n");
    expect_yaml("[\"a\\u0085b\",\"x\\u2029\\ny\",\"\\ufeffbom\"]",
                "- \"a\\Nb\"\n- \"x\\P\\ny\"\n- \"\\uFEFFbom\"\n");
}

static void test_block_literals(void **state)
{
    (void)state;
    expect_yaml("{\"s\":\"line1\\nline2\\n\"}", "s: |\n  line1\n  line2\n");
    expect_yaml("{\"s\":\"line1\\nline2\"}", "s: |-\n  line1\n  line2\n");
    /* Kept trailing breaks leave the document open-ended, so it is closed. */
    expect_yaml("{\"s\":\"x\\n\\n\"}", "s: |+\n  x\n\n...\n");
    expect_yaml("[\"a\\nb\"]", "- |-\n  a\n  b\n");
    expect_yaml("{\"k\":{\"s\":\"a\\n  b\\n\"}}", "k:\n  s: |\n    a\n      b\n");
    /* A leading space needs an explicit indentation indicator. */
    expect_yaml("{\"s\":\" a\\nb\"}", "s: |2-\n   a\n  b\n");
    /* Trailing spaces before a break cannot be kept by a literal. */
    expect_yaml("{\"s\":\"a \\nb\"}", "s: \"a \\nb\"\n");
}

/* Strings chosen to stress quoting; each goes through as key and value. */
static const char *const tricky[] = {
    "",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    " \n",
    "\n ",
    "a\n",
    "\na",
    "a\n\n",
    "\n\nx\n\n",
    "a\nb",
    "a \nb",
    "a\n b",
    " a\nb",
    "a\r\nb",
    "\r",
    "true",
    "True",
    "yes",
    "no",
    "on",
    "OFF",
    "y",
    "N",
    "null",
    "~",
    "Null",
    "123",
    "-123",
    "+1",
    "0x10",
    "0o7",
    "017",
    "08",
    "1_0",
    "1.5",
    "-.5",
    "1e3",
    ".inf",
    "-.inf",
    ".NaN",
    "<<",
    "1:20",
    "2001-12-14",
    "-",
    "--",
    "---",
    "...",
    "- ",
    "-a",
    "?",
    "? a",
    ":",
    ": a",
    "a:",
    "a: b",
    "a:b",
    "#",
    "a #b",
    "a#b",
    "[",
    "]",
    "{",
    "}",
    ",",
    "a,b",
    "&a",
    "*a",
    "!",
    "!!str",
    "|",
    ">",
    "%",
    "@",
    "`",
    "'",
    "\"",
    "\\",
    "''",
    "\"\"",
    "a'b",
    "a\"b",
    "a\\b",
    "caf\xc3\xa9",
    "\xe2\x80\xa8",
    "\xc2\x85",
    "\xef\xbb\xbf",
    "\xf0\x9f\x98\x80",
    "\x01",
    "\x7f",
    "\x1b[0m",
    "x\xc2\xa0y",
    "naïve text with spaces",
    "trailing ",
    " leading",
    "mid  spaces",
    "ends with colon:",
    "a: b: c",
    "{a: 1}",
    "[1, 2]",
    "- item",
    "http://example.com:8080/path?q=1#frag",
    "--port=80",
    "$(VAR)",
    "${VAR}",
    "C:\\dir",
    "0",
    "-0",
    "0.0",
    "00",
    "1e",
    "e1",
    ".",
    "._",
    "+",
    "+.5",
};

static void test_round_trip_tricky(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++) {
        json_t *v = json_string(tricky[i]);
        json_t *obj = json_object();
        json_t *arr = json_array();

        assert_non_null(v);
        round_trip(v);
        json_object_set(obj, tricky[i], v);
        json_object_set_new(obj, "nested", json_pack("{s:[O]}", tricky[i], v));
        round_trip(obj);
        json_array_append(arr, v);
        json_array_append_new(arr, json_pack("{s:O}", "k", v));
        round_trip(arr);
        json_decref(v);
        json_decref(obj);
        json_decref(arr);
    }
    /* Strings with NUL bytes. */
    json_t *nul = json_stringn("a\0b", 3);
    round_trip(nul);
    json_decref(nul);
    /* A long key cannot be a simple key; it still reads back. */
    char longkey[400];
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    json_t *obj = json_pack("{s:i}", longkey, 1);
    round_trip(obj);
    json_decref(obj);
}

static void test_round_trip_numbers(void **state)
{
    static const double reals[] = {1.5,        -1.5,
                                   0.1,        1e-7,
                                   -2.5e-300,  1.7976931348623157e308,
                                   4.9e-324,   3.141592653589793,
                                   123456.789, 1e21 + 0.5e6};
    static const json_int_t ints[] = {
        0, 1, -1, 42, 9223372036854775807LL, -9223372036854775807LL - 1};

    (void)state;
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++) {
        json_t *v = json_real(reals[i]);
        if (reals[i] == (double)(long long)reals[i]) {
            json_decref(v);
            continue;
        }
        round_trip(v);
        json_decref(v);
    }
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        json_t *v = json_integer(ints[i]);
        round_trip(v);
        json_decref(v);
    }
    /* An integral real reads back as an integer, as it would through
     * sigs.k8s.io/yaml and Go's encoding/json. */
    json_t *v = json_real(2.0);
    char *y = yaml_from_json(v);
    json_t *back = NULL;
    assert_string_equal(y, "2.0\n");
    assert_int_equal(yaml_to_json(y, strlen(y), &back, NULL), 0);
    assert_true(json_is_integer(back));
    assert_int_equal(json_integer_value(back), 2);
    json_decref(back);
    free(y);
    json_decref(v);
}

/* ---- random documents ---------------------------------------------------- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33) % n;
}

static char *random_string(void)
{
    static const char *const pieces[] = {
        "a",
        "Z",
        "9",
        "0",
        " ",
        "  ",
        "\n",
        "\t",
        "\r",
        ":",
        ": ",
        "#",
        " #",
        "-",
        "- ",
        "?",
        "'",
        "\"",
        "\\",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&",
        "*",
        "!",
        "|",
        ">",
        "%",
        "@",
        "`",
        "~",
        ".",
        "_",
        "+",
        "e",
        "x",
        "caf\xc3\xa9",
        "\xe2\x80\xa8",
        "\xc2\x85",
        "\xef\xbb\xbf",
        "\xf0\x9f\x98\x80",
        "\x01",
        "\x7f",
        "<<",
        "yes",
        "no",
        "null",
        "true",
        "0x1",
        "1e3",
        "1.5",
        "---",
        "...",
        "0o7",
        "2001-01-01",
    };
    sbuf sb;
    uint32_t n = rnd(7);

    sbuf_init(&sb);
    sbuf_append(&sb, "", 0);
    for (uint32_t i = 0; i < n; i++)
        sbuf_puts(&sb, pieces[rnd(sizeof pieces / sizeof pieces[0])]);
    return sbuf_detach(&sb, NULL);
}

static json_t *random_value(int depth)
{
    uint32_t kind = rnd(depth > 4 ? 6 : 8);
    json_t *v;
    char *s;

    switch (kind) {
    case 0:
        return json_null();
    case 1:
        return json_boolean(rnd(2));
    case 2:
        return json_integer((json_int_t)rnd(2000000) - 1000000);
    case 3:
        /* Non-integral reals only: integral ones become integers. */
        return json_real(((double)rnd(2000000) - 1000000) / 1024.0 + 1.0 / 3.0);
    case 4:
    case 5:
        s = random_string();
        v = json_string(s);
        free(s);
        return v;
    case 6: {
        uint32_t n = rnd(5);
        v = json_array();
        for (uint32_t i = 0; i < n; i++)
            json_array_append_new(v, random_value(depth + 1));
        return v;
    }
    default: {
        uint32_t n = rnd(5);
        v = json_object();
        for (uint32_t i = 0; i < n; i++) {
            s = random_string();
            json_object_set_new(v, s, random_value(depth + 1));
            free(s);
        }
        return v;
    }
    }
}

static void test_round_trip_random(void **state)
{
    (void)state;
    rng_state = 20240601;
    for (int i = 0; i < 5000; i++) {
        json_t *v = random_value(0);
        round_trip(v);
        json_decref(v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_block_literals),
        cmocka_unit_test(test_round_trip_tricky),
        cmocka_unit_test(test_round_trip_numbers),
        cmocka_unit_test(test_round_trip_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
