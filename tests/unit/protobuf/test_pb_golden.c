/*
 * test_pb_golden.c -- the protobuf decoder against real clients: bodies
 * kubectl 1.32 (client-go) sent as application/vnd.kubernetes.protobuf
 * must decode to exactly the JSON kubectl 1.31 sent for the same object
 * (tests/unit/protobuf/data, captured as its README says), and survive
 * random damage.
 *
 * The data files are found relative to this source file's path as the
 * Makefile compiles it (tests/unit/protobuf/...), so the test runs from
 * the repository root, as `make unit` runs it.
 */
#include "pb_enc.h"

#include "core/core.h"

/* Read a data file next to this source; the caller frees *out. */
static size_t read_data(const char *name, unsigned char **out)
{
    char path[512];
    const char *slash = strrchr(__FILE__, '/');
    int dir = slash ? (int)(slash - __FILE__) : 0;
    FILE *f;
    long n;

    snprintf(path, sizeof path, "%.*s%sdata/%s", dir, __FILE__, slash ? "/" : "", name);
    f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (run from the repository root)", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    *out = malloc((size_t)n);
    assert_non_null(*out);
    assert_int_equal(fread(*out, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return (size_t)n;
}

static void expect_golden(const char *pb_name, const char *json_name)
{
    unsigned char *pb, *js;
    size_t pb_len = read_data(pb_name, &pb), js_len = read_data(json_name, &js);
    json_t *got = NULL, *want;
    json_error_t jerr;
    char *err = NULL;
    int rc;

    want = json_loadb((const char *)js, js_len, 0, &jerr);
    if (!want)
        fail_msg("%s: %s", json_name, jerr.text);
    rc = pb_decode_object(pb, pb_len, &got, &err);
    if (rc != 0)
        fail_msg("%s: decode failed (%d): %s", pb_name, rc, err);
    /* kubectl picks node debug pod names at random */
    json_object_del(json_object_get(got, "metadata"), "name");
    json_object_del(json_object_get(want, "metadata"), "name");
    if (!json_equal(got, want)) {
        char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
        char *w = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
        fail_msg("%s decodes to\n%s\nbut %s is\n%s", pb_name, g, json_name, w);
    }
    json_decref(got);
    json_decref(want);
    free(pb);
    free(js);
}

static void test_kubectl_debug_copy(void **state)
{
    (void)state;
    expect_golden("kubectl-1.32-debug-copy.pb", "kubectl-1.31-debug-copy.json");
}

static void test_kubectl_debug_node(void **state)
{
    (void)state;
    expect_golden("kubectl-1.32-debug-node.pb", "kubectl-1.31-debug-node.json");
}

static void test_golden_mutations(void **state)
{
    (void)state;
    unsigned char *pb;
    size_t n = read_data("kubectl-1.32-debug-copy.pb", &pb);

    pbt_mutate(pb, n, 5000, 0x853c49e6748fea9bULL);
    free(pb);
    n = read_data("kubectl-1.32-debug-node.pb", &pb);
    pbt_mutate(pb, n, 3000, 0xda3e39cb94b95bdbULL);
    free(pb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kubectl_debug_copy),
        cmocka_unit_test(test_kubectl_debug_node),
        cmocka_unit_test(test_golden_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
