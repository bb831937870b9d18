/*
 * test_yaml_parse.c -- unit tests of yaml_to_json (yaml.h): YAML 1.1 scalar
 * resolution as sigs.k8s.io/yaml (goyaml.v2) does it, structures, block
 * scalars, key conversion, tags, merge keys, documents, and refusals
 * (syntax errors with goyaml's wording, anchors/aliases, depth, .inf/.nan),
 * plus a seeded fuzz over malformed input that must never crash.
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

/* Parse yaml and compare its compact, order-preserving JSON with want. */
static void expect_json(const char *yaml, const char *want)
{
    json_t *out = NULL;
    char *err = NULL;
    int rc = yaml_to_json(yaml, strlen(yaml), &out, &err);

    if (rc != 0)
        fail_msg("yaml_to_json(\"%s\") failed: %s", yaml, err ? err : "(null)");
    assert_null(err);
    assert_non_null(out);
    char *got = json_dumps(out, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    if (strcmp(got, want) != 0)
        fail_msg("yaml_to_json(\"%s\")\n  got:  %s\n  want: %s", yaml, got, want);
    free(got);
    json_decref(out);
}

/* `v: <scalar>` resolves to the JSON value want. */
static void expect_scalar(const char *scalar, const char *want)
{
    char *yaml = xasprintf("v: %s", scalar);
    char *obj = xasprintf("{\"v\":%s}", want);

    expect_json(yaml, obj);
    free(yaml);
    free(obj);
}

static void expect_err_n(const char *yaml, size_t len, const char *want)
{
    json_t *out = (json_t *)0x1;
    char *err = NULL;
    int rc = yaml_to_json(yaml, len, &out, &err);

    if (rc != EN_INVALID)
        fail_msg("yaml_to_json(\"%s\") = %d, want EN_INVALID", yaml, rc);
    assert_null(out);
    assert_non_null(err);
    if (strcmp(err, want) != 0)
        fail_msg("yaml_to_json(\"%s\") error\n  got:  %s\n  want: %s", yaml, err, want);
    free(err);
}

static void expect_err(const char *yaml, const char *want)
{
    expect_err_n(yaml, strlen(yaml), want);
}

static void test_booleans_and_null(void **state)
{
    (void)state;
    static const char *const trues[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                        "True", "TRUE", "on",  "On",  "ON"};
    static const char *const falses[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                         "False", "FALSE", "off", "Off", "OFF"};
    for (size_t i = 0; i < sizeof trues / sizeof trues[0]; i++)
        expect_scalar(trues[i], "true");
    for (size_t i = 0; i < sizeof falses / sizeof falses[0]; i++)
        expect_scalar(falses[i], "false");
    expect_scalar("~", "null");
    expect_scalar("null", "null");
    expect_scalar("Null", "null");
    expect_scalar("NULL", "null");
    expect_scalar("", "null");
    /* Near misses stay strings. */
    expect_scalar("tRUE", "\"tRUE\"");
    expect_scalar("yES", "\"yES\"");
    expect_scalar("nULL", "\"nULL\"");
    expect_scalar("o", "\"o\"");
    expect_scalar("t", "\"t\"");
    expect_scalar("nil", "\"nil\"");
    expect_scalar("None", "\"None\"");
    /* Quoting always makes a string. */
    expect_scalar("\"true\"", "\"true\"");
    expect_scalar("'yes'", "\"yes\"");
    expect_scalar("''", "\"\"");
    expect_scalar("\"~\"", "\"~\"");
    expect_scalar("\"null\"", "\"null\"");
}

static void test_numbers(void **state)
{
    (void)state;
    expect_scalar("0", "0");
    expect_scalar("-0", "0");
    expect_scalar("12", "12");
    expect_scalar("+12", "12");
    expect_scalar("-12", "-12");
    expect_scalar("1_000_000", "1000000");
    expect_scalar("0x1F", "31");
    expect_scalar("0X1f", "31");
    expect_scalar("-0x10", "-16");
    expect_scalar("0o17", "15");
    expect_scalar("0O17", "15");
    expect_scalar("017", "15");
    expect_scalar("0b101", "5");
    expect_scalar("-0b11", "-3");
    expect_scalar("9223372036854775807", "9223372036854775807");
    expect_scalar("-9223372036854775808", "-9223372036854775808");
    /* Leading-zero non-octal digits fall through to a float. */
    expect_scalar("08", "8");
    expect_scalar("09.5", "9.5");
    expect_scalar("1.5", "1.5");
    expect_scalar("-1.5", "-1.5");
    expect_scalar(".5", "0.5");
    expect_scalar("+.5", "0.5");
    expect_scalar("-.5e3", "-500");
    expect_scalar("1e3", "1000");
    expect_scalar("1E-2", "0.01");
    expect_scalar("1_0.5", "10.5");
    /* Integral floats become JSON integers as Go's encoding/json prints them. */
    expect_scalar("1.0", "1");
    expect_scalar("1.", "1");
    expect_scalar("2.50", "2.5");
    expect_scalar("1e300", "1.0000000000000001e300");
    /* Beyond int64: kept as a (rounded) JSON number. */
    expect_scalar("9223372036854775808", "9.2233720368547758e18");
    expect_scalar("18446744073709551615", "1.8446744073709552e19");
    expect_scalar("99999999999999999999", "1e20");
    expect_scalar("0x1FFFFFFFFFFFFFFFF", "3.6893488147419103e19");
    /* Overflowing floats stay text, as goyaml leaves them. */
    expect_scalar("1e999", "\"1e999\"");
    expect_scalar(".5e999", "\".5e999\"");
    /* Not numbers. */
    expect_scalar("1.2.3", "\"1.2.3\"");
    expect_scalar("0x", "\"0x\"");
    expect_scalar("0xG", "\"0xG\"");
    expect_scalar("0b2", "\"0b2\"");
    expect_scalar("0o8", "\"0o8\"");
    expect_scalar("1e", "\"1e\"");
    expect_json("[-, +]", "[\"-\",\"+\"]");
    expect_scalar(".", "\".\"");
    expect_scalar("._5", "\"._5\"");
    expect_scalar("_1", "\"_1\"");
    expect_scalar("1:20", "\"1:20\"");
    expect_scalar("12abc", "\"12abc\"");
    expect_scalar("2001-12-14", "\"2001-12-14\"");
    expect_scalar("2001-12-14t21:59:43.10-05:00", "\"2001-12-14t21:59:43.10-05:00\"");
    expect_scalar("1.0.0", "\"1.0.0\"");
    expect_scalar("v1", "\"v1\"");
    expect_scalar("\"12\"", "\"12\"");
    expect_scalar("'0x1F'", "\"0x1F\"");
}

static void test_strings(void **state)
{
    (void)state;
    expect_scalar("hello world", "\"hello world\"");
    expect_scalar("nginx:1.25", "\"nginx:1.25\"");
    expect_scalar("a#b", "\"a#b\"");
    expect_scalar("a # comment", "\"a\"");
    expect_scalar("<<", "\"<<\"");
    expect_scalar("\"a\\tb\\n\\u00e9\\x41\"", "\"a\\tb\\néA\"");
    expect_scalar("'it''s'", "\"it's\"");
    expect_scalar("\"\\0\"", "\"\\u0000\"");
    expect_scalar("caf\xc3\xa9", "\"café\"");
    expect_json("v: \"a\\\"b\"", "{\"v\":\"a\\\"b\"}");
    /* Plain multi-line scalars fold. */
    expect_json("v: a\n  b\n\n  c", "{\"v\":\"a b\\nc\"}");
}

static void test_block_scalars(void **state)
{
    (void)state;
    expect_json("v: |\n  a\n  b\n", "{\"v\":\"a\\nb\\n\"}");
    expect_json("v: |-\n  a\n  b\n", "{\"v\":\"a\\nb\"}");
    expect_json("v: |+\n  a\n\n", "{\"v\":\"a\\n\\n\"}");
    expect_json("v: >\n  a\n  b\n\n  c\n", "{\"v\":\"a b\\nc\\n\"}");
    expect_json("v: >-\n  a\n  b\n", "{\"v\":\"a b\"}");
    expect_json("v: |2\n   a\n  b\n", "{\"v\":\" a\\nb\\n\"}");
    /* Block scalars are strings whatever they contain. */
    expect_json("v: |\n  true\n", "{\"v\":\"true\\n\"}");
    expect_json("v: |-\n  123", "{\"v\":\"123\"}");
    expect_json("v: |\n", "{\"v\":\"\"}");
}

static void test_structures(void **state)
{
    (void)state;
    expect_json("a: 1\nb:\n  c: [1, two, {d: e}]\n  f:\n  - x\n  - k: z\n",
                "{\"a\":1,\"b\":{\"c\":[1,\"two\",{\"d\":\"e\"}],\"f\":[\"x\",{\"k\":\"z\"}]}}");
    /* The famous one: an unquoted y key is the boolean true. */
    expect_json("y: 1\nn: 2", "{\"true\":1,\"false\":2}");
    expect_json("- a\n- - b\n  - c\n- {}\n- []\n", "[\"a\",[\"b\",\"c\"],{},[]]");
    expect_json("{a: 1, b: [2, 3]}", "{\"a\":1,\"b\":[2,3]}");
    expect_json("[a, b, ]", "[\"a\",\"b\"]");
    expect_json("a:\nb: ~\n", "{\"a\":null,\"b\":null}");
    expect_json("- \n- a", "[null,\"a\"]");
    expect_json("z: 1\na: 2\nm: 3", "{\"z\":1,\"a\":2,\"m\":3}");
    /* Later duplicate keys win, as goyaml.v2 does. */
    expect_json("a: 1\na: 2", "{\"a\":2}");
    expect_json("{a: 1, a: 2}", "{\"a\":2}");
    /* Comments, document markers and byte-order marks. */
    expect_json("# top\na: 1 # trailing\n# end\n", "{\"a\":1}");
    expect_json("---\na: 1\n...\n", "{\"a\":1}");
    expect_json("\xef\xbb\xbf"
                "a: 1",
                "{\"a\":1}");
    expect_json("%YAML 1.1\n---\na: 1", "{\"a\":1}");
    expect_json("? a\n: 1\n? b\n", "{\"a\":1,\"b\":null}");
    expect_json("\"quoted key\": 1\n'x y': 2", "{\"quoted key\":1,\"x y\":2}");
    /* A kubeconfig-like document. */
    expect_json("apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: "
                "https://127.0.0.1:6443\n    insecure-skip-tls-verify: true\n  name: local\n"
                "current-context: local\n",
                "{\"apiVersion\":\"v1\",\"kind\":\"Config\",\"clusters\":[{\"cluster\":"
                "{\"server\":\"https://127.0.0.1:6443\",\"insecure-skip-tls-verify\":true},"
                "\"name\":\"local\"}],\"current-context\":\"local\"}");
}

static void test_documents(void **state)
{
    json_t *out = NULL;
    char *err = NULL;

    (void)state;
    expect_json("", "null");
    expect_json("   \n\n", "null");
    expect_json("# only a comment\n", "null");
    expect_json("---", "null");
    expect_json("---\n...", "null");
    expect_json("a", "\"a\"");
    expect_json("42", "42");
    expect_json("true", "true");
    /* Only the first document counts. */
    expect_json("a: 1\n---\nb: 2\n", "{\"a\":1}");
    expect_json("---\na: 1\n---\n: : :\n", "{\"a\":1}");
    /* len bounds the input; buf need not be NUL-terminated there. */
    assert_int_equal(yaml_to_json("a: 1xyz", 4, &out, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(out, "a")), 1);
    json_decref(out);
    assert_int_equal(yaml_to_json(NULL, 0, &out, &err), 0);
    assert_true(json_is_null(out));
    json_decref(out);
    /* err may be NULL. */
    assert_int_equal(yaml_to_json("a: &x 1", 7, &out, NULL), EN_INVALID);
    assert_null(out);
}

static void test_keys(void **state)
{
    (void)state;
    expect_json("1: a", "{\"1\":\"a\"}");
    expect_json("0x10: a", "{\"16\":\"a\"}");
    expect_json("-7: a", "{\"-7\":\"a\"}");
    /* "on" is true too; the later key replaces the value in place. */
    expect_json("true: a\nno: b\non: c", "{\"true\":\"c\",\"false\":\"b\"}");
    expect_json("1.5: a", "{\"1.5\":\"a\"}");
    expect_json("1.0: a", "{\"1\":\"a\"}");
    expect_json("0.1: a", "{\"0.1\":\"a\"}");
    expect_json("1e6: a", "{\"1e+06\":\"a\"}");
    expect_json("123456.7: a", "{\"123456.7\":\"a\"}");
    expect_json("1234567.0: a", "{\"1.234567e+06\":\"a\"}");
    expect_json("0.0001: a", "{\"0.0001\":\"a\"}");
    expect_json("0.00001: a", "{\"1e-05\":\"a\"}");
    expect_json("3.14159265358979: a", "{\"3.1415927\":\"a\"}");
    expect_json("-2.5: a", "{\"-2.5\":\"a\"}");
    expect_json("0.0: a", "{\"0\":\"a\"}");
    expect_json(".inf: a\n-.inf: b\n.nan: c", "{\".inf\":\"a\",\"-.inf\":\"b\",\".nan\":\"c\"}");
    expect_json("1e300: a", "{\".inf\":\"a\"}");
    expect_json("'1': a\n\"true\": b", "{\"1\":\"a\",\"true\":\"b\"}");
    expect_json("\"\": a", "{\"\":\"a\"}");
    expect_err("~: a", "yaml: line 1: unsupported map key: !!null `~`");
    expect_err("?\n: a", "yaml: line 1: unsupported map key: !!null ``");
    expect_err("18446744073709551615: a",
               "yaml: line 1: unsupported map key: !!int `18446744073709551615`");
    expect_err("[a]: b", "yaml: line 1: invalid map key: only scalars can be keys");
    expect_err("? {a: b}\n: c", "yaml: line 1: invalid map key: only scalars can be keys");
}

static void test_tags(void **state)
{
    (void)state;
    expect_scalar("!!str 12", "\"12\"");
    expect_scalar("!!str true", "\"true\"");
    expect_scalar("!!int \"12\"", "12");
    expect_scalar("!!int 0x10", "16");
    expect_scalar("!!float 1", "1");
    expect_scalar("!!float 1.5", "1.5");
    expect_scalar("!!bool 'yes'", "true");
    expect_scalar("!!null ''", "null");
    expect_scalar("!!null ~", "null");
    expect_scalar("!!binary aGVsbG8=", "\"hello\"");
    expect_scalar("!!binary |\n  aGVs\n  bG8=", "\"hello\"");
    expect_scalar("!!timestamp 2001-12-14", "\"2001-12-14\"");
    expect_scalar("! 12", "\"12\"");
    expect_scalar("!custom 12", "\"12\"");
    expect_scalar("!<tag:example.com,2000:x> true", "\"true\"");
    expect_json("v: !!map {a: 1}", "{\"v\":{\"a\":1}}");
    expect_json("v: !!seq [1]", "{\"v\":[1]}");
    expect_err("v: !!int abc", "yaml: line 1: cannot decode !!str `abc` as a !!int");
    expect_err("v: !!int 1.5", "yaml: line 1: cannot decode !!float `1.5` as a !!int");
    expect_err("v: !!bool maybe", "yaml: line 1: cannot decode !!str `maybe` as a !!bool");
    expect_err("v: !!bool 1", "yaml: line 1: cannot decode !!int `1` as a !!bool");
    expect_err("v: !!null x", "yaml: line 1: cannot decode !!str `x` as a !!null");
    expect_err("v: !!float abc", "yaml: line 1: cannot decode !!str `abc` as a !!float");
    expect_err("v: !!float .nan", "yaml: line 1: .nan cannot be represented in JSON");
    expect_err("v: !!binary '!!'", "yaml: line 1: !!binary value contains invalid base64 data");
    expect_err("v: !!binary aGVsbG8", "yaml: line 1: !!binary value contains invalid base64 "
                                      "data");
    expect_err("v: !!binary aG=Vs", "yaml: line 1: !!binary value contains invalid base64 data");
    expect_err("v: !!binary /w==", "yaml: line 1: string is not valid UTF-8");
}

static void test_merge(void **state)
{
    (void)state;
    expect_json("<<: {a: 1, b: 2}\nb: 3", "{\"a\":1,\"b\":3}");
    /* goyaml.v2 lets a merge overwrite keys set before it. */
    expect_json("b: 3\n<<: {a: 1, b: 2}", "{\"b\":2,\"a\":1}");
    /* In a list, earlier maps win. */
    expect_json("<<: [{a: 1, b: 2}, {a: 5, c: 6}]", "{\"a\":1,\"c\":6,\"b\":2}");
    expect_json("<<: []\nx: 1", "{\"x\":1}");
    expect_json("!!merge <<: {a: 1}", "{\"a\":1}");
    /* Quoted "<<" is an ordinary key. */
    expect_json("'<<': {a: 1}", "{\"<<\":{\"a\":1}}");
    expect_err("<<: 1", "yaml: line 1: map merge requires map or sequence of maps as the value");
    expect_err("<<: [1]", "yaml: line 1: map merge requires map or sequence of maps as the "
                          "value");
    expect_err("a: b\n<<: [{a: 1}, [2]]", "yaml: line 2: map merge requires map or sequence of "
                                          "maps as the value");
}

static void test_refusals(void **state)
{
    (void)state;
    expect_err("a: &x 1", "yaml: line 1: anchors and aliases are not supported");
    expect_err("a: 1\nb: *x", "yaml: line 2: anchors and aliases are not supported");
    expect_err("&a x: 1", "yaml: line 1: anchors and aliases are not supported");
    expect_err("*a : 1", "yaml: line 1: anchors and aliases are not supported");
    expect_err("- &a [1]\n- *a", "yaml: line 1: anchors and aliases are not supported");
    expect_err("a: &x {b: 1}", "yaml: line 1: anchors and aliases are not supported");
    /* The classic billion-laughs shape is refused at its first anchor. */
    expect_err("a: &a [\"lol\",\"lol\"]\nb: &b [*a,*a]\nc: [*b,*b]",
               "yaml: line 1: anchors and aliases are not supported");
    expect_err("v: .inf", "yaml: line 1: .inf cannot be represented in JSON");
    expect_err("v: -.Inf", "yaml: line 1: -.Inf cannot be represented in JSON");
    expect_err("v: +.INF", "yaml: line 1: +.INF cannot be represented in JSON");
    expect_err("- 1\n- .NaN", "yaml: line 2: .NaN cannot be represented in JSON");
}

static char *nested(size_t depth, const char *open, const char *close)
{
    sbuf sb;

    sbuf_init(&sb);
    for (size_t i = 0; i < depth; i++)
        sbuf_puts(&sb, open);
    sbuf_puts(&sb, "1");
    for (size_t i = 0; i < depth; i++)
        sbuf_puts(&sb, close);
    return sbuf_detach(&sb, NULL);
}

static void test_depth(void **state)
{
    json_t *out = NULL;
    char *err = NULL;
    char *doc;

    (void)state;
    doc = nested(YAML_MAX_DEPTH, "[", "]");
    assert_int_equal(yaml_to_json(doc, strlen(doc), &out, &err), 0);
    json_t *p = out;
    for (int i = 0; i < YAML_MAX_DEPTH; i++)
        p = json_array_get(p, 0);
    assert_int_equal(json_integer_value(p), 1);
    json_decref(out);
    free(doc);

    doc = nested(YAML_MAX_DEPTH + 1, "[", "]");
    expect_err(doc, "yaml: line 1: exceeded max depth of 100");
    free(doc);
    doc = nested(YAML_MAX_DEPTH + 1, "{a: ", "}");
    expect_err(doc, "yaml: line 1: exceeded max depth of 100");
    free(doc);

    /* Block style counts the same way. */
    sbuf sb;
    sbuf_init(&sb);
    for (int i = 0; i <= YAML_MAX_DEPTH; i++) {
        for (int j = 0; j < i; j++)
            sbuf_puts(&sb, " ");
        sbuf_puts(&sb, "k:\n");
    }
    expect_err(sb.buf, "yaml: line 101: exceeded max depth of 100");
    sbuf_release(&sb);

    /* Very deep input fails quickly without exhausting the stack. */
    doc = nested(200000, "[", "]");
    expect_err(doc, "yaml: line 1: exceeded max depth of 100");
    free(doc);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    /* goyaml's line arithmetic: scanner errors on the first line have no
     * line, parser errors print the 0-based line. */
    expect_err("a: b: c", "yaml: mapping values are not allowed in this context");
    expect_err("a: b\n  c: d", "yaml: line 2: mapping values are not allowed in this context");
    expect_err("a:\n  b: 1\n c: 2", "yaml: line 2: did not find expected key");
    expect_err("a: [1, 2", "yaml: line 1: did not find expected ',' or ']'");
    expect_err("a: {b: 1", "yaml: line 1: did not find expected ',' or '}'");
    expect_err("- 1\n- [2\n", "yaml: line 2: did not find expected ',' or ']'");
    expect_err("a: \"unterminated", "yaml: found unexpected end of stream");
    expect_err("a: 'x", "yaml: found unexpected end of stream");
    expect_err("- a\nb: c", "yaml: line 1: did not find expected '-' indicator");
    expect_err("a: 1\nb", "yaml: line 3: could not find expected ':'");
    expect_err("@a", "yaml: found character that cannot start any token");
    expect_err("`a", "yaml: found character that cannot start any token");
    expect_err("a:\n\t- b", "yaml: line 2: found character that cannot start any token");
    expect_err("%YAML 2.0\n---\na", "yaml: found incompatible YAML document");
    expect_err("a\x01", "yaml: control characters are not allowed");
    expect_err("\xc3", "yaml: incomplete UTF-8 octet sequence");
    expect_err("\xff", "yaml: invalid leading UTF-8 octet");
    expect_err_n("a: b\0c", 6, "yaml: control characters are not allowed");
    expect_err("v: \"\\q\"", "yaml: found unknown escape character");
}

/* Random input from YAML's special characters and a few words; every call
 * must either succeed with a value or fail with a "yaml: " message. */
static void test_fuzz(void **state)
{
    static const char *const pieces[] = {
        "-",  ":",  " ",        "  ",   "\n",    "\t",      "[",  "]",   "{",        "}", ",",
        "#",  "&a", "*a",       "!",    "!!int", "|",       ">",  "'",   "\"",       "%", "@",
        "`",  "?",  "---",      "...",  "a",     "key",     "1",  "0x",  ".inf",     "~", "yes",
        "<<", "\\", "\xc3\xa9", "\xff", "\r",    "\"\\u00", "|-", ">+2", "!!binary",
    };
    uint64_t seed = 0x9e3779b97f4a7c15ull;

    (void)state;
    for (int iter = 0; iter < 20000; iter++) {
        sbuf sb;
        int n;

        sbuf_init(&sb);
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        n = (int)(seed >> 58);
        for (int i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            sbuf_puts(&sb, pieces[(seed >> 33) % (sizeof pieces / sizeof pieces[0])]);
        }
        json_t *out = NULL;
        char *err = NULL;
        int rc = yaml_to_json(sb.buf ? sb.buf : "", sb.len, &out, &err);
        if (rc == 0) {
            assert_non_null(out);
            assert_null(err);
        } else {
            assert_int_equal(rc, EN_INVALID);
            assert_null(out);
            assert_non_null(err);
            assert_memory_equal(err, "yaml: ", 6);
        }
        json_decref(out);
        free(err);
        sbuf_release(&sb);
    }
}

/* Byte flips of a realistic manifest: still never a crash. */
static void test_fuzz_mutations(void **state)
{
    static const char doc[] =
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: web\n  labels: {app: web}\n"
        "spec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    spec:\n"
        "      containers:\n      - name: web\n        image: \"nginx:1.25\"\n"
        "        args: ['--port=80', |\n          multi\n          line]\n";
    static const char flips[] = " -:[]{}#&*!|>'\"\n\t\x01\xff\xc3~0";
    uint64_t seed = 42;

    (void)state;
    for (int iter = 0; iter < 20000; iter++) {
        char buf[sizeof doc];
        memcpy(buf, doc, sizeof doc);
        for (int k = 0; k < 3; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            size_t pos = (seed >> 33) % (sizeof doc - 1);
            buf[pos] = flips[(seed >> 20) % (sizeof flips - 1)];
        }
        json_t *out = NULL;
        char *err = NULL;
        size_t len = (size_t)((seed >> 40) % sizeof doc);
        int rc = yaml_to_json(buf, len, &out, &err);
        assert_true(rc == 0 || rc == EN_INVALID);
        assert_true((rc == 0) == (out != NULL));
        assert_true((rc == 0) == (err == NULL));
        json_decref(out);
        free(err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_booleans_and_null),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_block_scalars),
        cmocka_unit_test(test_structures),
        cmocka_unit_test(test_documents),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_fuzz),
        cmocka_unit_test(test_fuzz_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
