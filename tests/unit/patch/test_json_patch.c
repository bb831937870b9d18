/*
 * test_json_patch.c -- unit tests of patch_json (RFC 6902 JSON Patch).
 *
 * The examples of RFC 6902 appendix A, JSON Pointer escaping and array
 * indexing, every kind of failure with the evanphx/json-patch wording
 * kube-apiserver returns, the operation and copy-size limits, the bodies
 * `kubectl patch --type json` typically sends, and a garbage-patch sweep
 * that must never crash.  Every case also checks that doc and patch are
 * left untouched.
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

/* Parse a JSON literal of the test; aborts the test on a typo. */
static json_t *J(const char *s)
{
    json_error_t e;
    json_t *v = json_loads(s, JSON_DECODE_ANY, &e);

    if (!v)
        fail_msg("bad JSON in test (%s): %s", e.text, s);
    return v;
}

/* Apply patch to doc and expect success with result `want`. */
static void check_ok(const char *doc_s, const char *patch_s, const char *want_s)
{
    json_t *doc = J(doc_s), *patch = J(patch_s), *want = J(want_s), *out = NULL;
    char *before_doc = json_dump_compact(doc, NULL), *before_patch = json_dump_compact(patch, NULL);
    char *err = NULL, *got_s, *after;
    int rc = patch_json(doc, patch, &out, &err);

    if (rc != 0)
        fail_msg("patch %s on %s failed: %d %s", patch_s, doc_s, rc, err ? err : "(no message)");
    assert_null(err);
    assert_non_null(out);
    got_s = json_dump_compact(out, NULL);
    if (!patch__value_equal(out, want))
        fail_msg("patch %s on %s: got %s want %s", patch_s, doc_s, got_s, want_s);
    after = json_dump_compact(doc, NULL);
    assert_string_equal(after, before_doc);
    free(after);
    after = json_dump_compact(patch, NULL);
    assert_string_equal(after, before_patch);
    free(after);
    free(got_s);
    free(before_doc);
    free(before_patch);
    json_decref(out);
    json_decref(doc);
    json_decref(patch);
    json_decref(want);
}

/* Apply patch to doc and expect rc with a message equal to want_err (or
 * containing it when `contains`). */
static void check_fail_rc(const char *doc_s, const char *patch_s, int want_rc, const char *want_err,
                          bool contains)
{
    json_t *doc = J(doc_s), *patch = J(patch_s), *out = (json_t *)1;
    char *before_doc = json_dump_compact(doc, NULL), *after;
    char *err = NULL;
    int rc = patch_json(doc, patch, &out, &err);

    if (rc != want_rc)
        fail_msg("patch %s on %s: rc %d want %d (%s)", patch_s, doc_s, rc, want_rc, err ? err : "");
    assert_null(out);
    assert_non_null(err);
    if (contains ? !strstr(err, want_err) : strcmp(err, want_err) != 0)
        fail_msg("patch %s: message\n  %s\nwant\n  %s", patch_s, err, want_err);
    after = json_dump_compact(doc, NULL);
    assert_string_equal(after, before_doc);
    free(after);
    free(before_doc);
    free(err);
    json_decref(doc);
    json_decref(patch);
}

static void check_fail(const char *doc_s, const char *patch_s, const char *want_err)
{
    check_fail_rc(doc_s, patch_s, EN_INVALID, want_err, false);
}

/* ---- RFC 6902 appendix A ---------------------------------------------- */

static void test_rfc_examples(void **state)
{
    (void)state;
    /* A.1 add an object member */
    check_ok("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]",
             "{\"baz\":\"qux\",\"foo\":\"bar\"}");
    /* A.2 add an array element */
    check_ok("{\"foo\":[\"bar\",\"baz\"]}",
             "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]",
             "{\"foo\":[\"bar\",\"qux\",\"baz\"]}");
    /* A.3 remove an object member */
    check_ok("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]",
             "{\"foo\":\"bar\"}");
    /* A.4 remove an array element */
    check_ok("{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]",
             "{\"foo\":[\"bar\",\"baz\"]}");
    /* A.5 replace a value */
    check_ok("{\"baz\":\"qux\",\"foo\":\"bar\"}",
             "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]",
             "{\"baz\":\"boo\",\"foo\":\"bar\"}");
    /* A.6 move a value */
    check_ok("{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
             "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
             "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}");
    /* A.7 move an array element */
    check_ok("{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}",
             "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
             "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}");
    /* A.8 test a value: success */
    check_ok("{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
             "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},{\"op\":\"test\",\"path\":\"/"
             "foo/1\",\"value\":2}]",
             "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}");
    /* A.9 test a value: error */
    check_fail("{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]",
               "testing value /baz failed: test failed");
    /* A.10 add a nested member object */
    check_ok("{\"foo\":\"bar\"}",
             "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]",
             "{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}");
    /* A.11 ignore unrecognised members */
    check_ok("{\"foo\":\"bar\"}",
             "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"xyz\":123}]",
             "{\"foo\":\"bar\",\"baz\":\"qux\"}");
    /* A.12 add to a nonexistent target */
    check_fail("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]",
               "add operation does not apply: doc is missing path: \"/baz/bat\": missing value");
    /* A.14 ~ escape ordering */
    check_ok("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]",
             "{\"/\":9,\"~1\":10}");
    /* A.15 comparing strings and numbers */
    check_fail("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]",
               "testing value /~01 failed: test failed");
    /* A.16 add an array value */
    check_ok("{\"foo\":[\"bar\"]}",
             "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]",
             "{\"foo\":[\"bar\",[\"abc\",\"def\"]]}");
}

/* ---- pointers, arrays, whole-document operations ---------------------- */

static void test_pointer_escapes(void **state)
{
    (void)state;
    check_ok("{\"a/b\":1}", "[{\"op\":\"replace\",\"path\":\"/a~1b\",\"value\":2}]", "{\"a/b\":2}");
    check_ok("{\"m~n\":1}", "[{\"op\":\"remove\",\"path\":\"/m~0n\"}]", "{}");
    check_ok("{}", "[{\"op\":\"add\",\"path\":\"/kubernetes.io~1hostname\",\"value\":\"n1\"}]",
             "{\"kubernetes.io/hostname\":\"n1\"}");
    /* The empty key is a real key. */
    check_ok("{\"\":1}", "[{\"op\":\"replace\",\"path\":\"/\",\"value\":5}]", "{\"\":5}");
    check_ok("{\"a\":{\"\":{\"b\":1}}}", "[{\"op\":\"test\",\"path\":\"/a//b\",\"value\":1}]",
             "{\"a\":{\"\":{\"b\":1}}}");
    /* A '~' followed by anything but 0 or 1 is not a pointer. */
    check_fail("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/~2\",\"value\":1}]",
               "add operation does not apply: doc is missing path: \"/~2\": missing value");
    check_fail("{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/a~\"}]",
               "remove operation does not apply: doc is missing path: \"/a~\": missing value");
    /* A pointer must start with '/'. */
    check_fail("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"a\",\"value\":1}]",
               "add operation does not apply: doc is missing path: \"a\": missing value");
}

static void test_arrays(void **state)
{
    (void)state;
    check_ok("[1,2]", "[{\"op\":\"add\",\"path\":\"/0\",\"value\":0}]", "[0,1,2]");
    check_ok("[1,2]", "[{\"op\":\"add\",\"path\":\"/2\",\"value\":3}]", "[1,2,3]");
    check_ok("[1,2]", "[{\"op\":\"add\",\"path\":\"/-\",\"value\":3}]", "[1,2,3]");
    check_ok("{\"a\":[]}", "[{\"op\":\"add\",\"path\":\"/a/-\",\"value\":{\"x\":1}}]",
             "{\"a\":[{\"x\":1}]}");
    check_ok("[1,2,3]", "[{\"op\":\"remove\",\"path\":\"/2\"}]", "[1,2]");
    check_ok("[1,2,3]", "[{\"op\":\"replace\",\"path\":\"/0\",\"value\":9}]", "[9,2,3]");
    check_ok("{\"a\":[[1,2],[3]]}", "[{\"op\":\"add\",\"path\":\"/a/1/0\",\"value\":0}]",
             "{\"a\":[[1,2],[0,3]]}");
    check_fail(
        "[1,2]", "[{\"op\":\"add\",\"path\":\"/3\",\"value\":3}]",
        "error in add for path: '/3': Unable to access invalid index: 3: invalid index referenced");
    check_fail("[1,2]", "[{\"op\":\"add\",\"path\":\"/01\",\"value\":3}]",
               "error in add for path: '/01': value was not a proper array index: '01'");
    check_fail("[1,2]", "[{\"op\":\"add\",\"path\":\"/-1\",\"value\":3}]",
               "error in add for path: '/-1': value was not a proper array index: '-1'");
    check_fail("[1,2]", "[{\"op\":\"add\",\"path\":\"/x\",\"value\":3}]",
               "error in add for path: '/x': value was not a proper array index: 'x'");
    check_fail("[1,2]", "[{\"op\":\"remove\",\"path\":\"/2\"}]",
               "error in remove for path: '/2': Unable to access invalid index: 2: invalid index "
               "referenced");
    check_fail("[1,2]", "[{\"op\":\"remove\",\"path\":\"/-\"}]",
               "error in remove for path: '/-': value was not a proper array index: '-'");
    check_fail("[1,2]", "[{\"op\":\"replace\",\"path\":\"/2\",\"value\":0}]",
               "replace operation does not apply: doc is missing key: /2: missing value");
    check_fail("[1,2]", "[{\"op\":\"test\",\"path\":\"/5\",\"value\":0}]",
               "testing value /5 failed: test failed");
    /* Huge indices are rejected rather than overflowing. */
    check_fail(
        "[1]", "[{\"op\":\"add\",\"path\":\"/99999999999999999999\",\"value\":0}]",
        "error in add for path: '/99999999999999999999': value was not a proper array index: "
        "'99999999999999999999'");
    /* Walking through an array needs proper indices too. */
    check_fail("{\"a\":[{\"b\":1}]}", "[{\"op\":\"add\",\"path\":\"/a/x/b\",\"value\":0}]",
               "add operation does not apply: doc is missing path: \"/a/x/b\": missing value");
    /* Scalars have no children. */
    check_fail("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/a/b\",\"value\":0}]",
               "add operation does not apply: doc is missing path: \"/a/b\": missing value");
}

static void test_whole_document(void **state)
{
    (void)state;
    check_ok("{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"b\":2}}]", "{\"b\":2}");
    check_ok("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"\",\"value\":[1]}]", "[1]");
    check_ok("{\"a\":1}", "[{\"op\":\"test\",\"path\":\"\",\"value\":{\"a\":1.0}}]", "{\"a\":1}");
    check_ok("{\"a\":{\"b\":1}}", "[{\"op\":\"copy\",\"from\":\"\",\"path\":\"/c\"}]",
             "{\"a\":{\"b\":1},\"c\":{\"a\":{\"b\":1}}}");
    check_fail("{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"\"}]",
               "remove operation does not apply: doc is missing path: \"\": missing value");
    check_fail("{\"a\":1}", "[{\"op\":\"move\",\"from\":\"\",\"path\":\"/b\"}]",
               "move operation does not apply: doc is missing from path: : missing value");
    check_ok("{\"a\":1}", "[{\"op\":\"move\",\"from\":\"\",\"path\":\"\"}]", "{\"a\":1}");
    check_fail("{\"a\":1}", "[{\"op\":\"test\",\"path\":\"\",\"value\":{}}]",
               "testing value  failed: test failed");
}

static void test_operations(void **state)
{
    (void)state;
    /* add replaces an existing member */
    check_ok("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/a\",\"value\":2}]", "{\"a\":2}");
    /* null is a value like any other */
    check_ok("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/b\",\"value\":null}]",
             "{\"a\":1,\"b\":null}");
    check_ok("{\"a\":null}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":null}]", "{\"a\":null}");
    check_fail("{}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":null}]",
               "testing value /a failed: test failed");
    /* move within an object, to the same place, into an array */
    check_ok("{\"a\":1}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a\"}]", "{\"a\":1}");
    check_ok("{\"a\":1,\"l\":[0]}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/l/-\"}]",
             "{\"l\":[0,1]}");
    check_ok("{\"l\":[1,2,3]}", "[{\"op\":\"move\",\"from\":\"/l/0\",\"path\":\"/l/-\"}]",
             "{\"l\":[2,3,1]}");
    /* moving a value into its own child cannot work */
    check_fail(
        "{\"a\":{\"b\":1}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b/c\"}]",
        "move operation does not apply: doc is missing destination path: /a/b/c: missing value");
    check_fail("{\"a\":1}", "[{\"op\":\"move\",\"from\":\"/x\",\"path\":\"/b\"}]",
               "error in move for path: '/x': Unable to remove nonexistent key: x: missing value");
    check_fail("{\"a\":1}", "[{\"op\":\"move\",\"from\":\"/x/y\",\"path\":\"/b\"}]",
               "move operation does not apply: doc is missing from path: /x/y: missing value");
    /* copy is deep: changing the copy leaves the source alone */
    check_ok("{\"a\":{\"b\":[1]}}",
             "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/c\"},{\"op\":\"add\",\"path\":\"/c/b/"
             "-\",\"value\":2}]",
             "{\"a\":{\"b\":[1]},\"c\":{\"b\":[1,2]}}");
    check_ok("{\"l\":[1,2]}", "[{\"op\":\"copy\",\"from\":\"/l/1\",\"path\":\"/l/0\"}]",
             "{\"l\":[2,1,2]}");
    check_fail("{\"a\":1}", "[{\"op\":\"copy\",\"from\":\"/x\",\"path\":\"/b\"}]",
               "copy operation does not apply: doc is missing from path: /x: missing value");
    check_fail(
        "{\"a\":1}", "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/x/y\"}]",
        "copy operation does not apply: doc is missing destination path: /x/y: missing value");
    /* replace needs the target to exist (RFC 6902 4.3) */
    check_fail("{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/b\",\"value\":1}]",
               "replace operation does not apply: doc is missing key: /b: missing value");
    check_fail("{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/b/c\",\"value\":1}]",
               "replace operation does not apply: doc is missing path: /b/c: missing value");
    check_fail(
        "{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/b\"}]",
        "error in remove for path: '/b': Unable to remove nonexistent key: b: missing value");
    check_fail("{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/b/c\"}]",
               "remove operation does not apply: doc is missing path: \"/b/c\": missing value");
    check_fail("{\"a\":1}", "[{\"op\":\"test\",\"path\":\"/b/c\",\"value\":1}]",
               "test operation does not apply: is missing path: /b/c: missing value");
    /* numbers compare by value, objects ignore key order */
    check_ok("{\"a\":1,\"o\":{\"x\":1,\"y\":[true,null]}}",
             "[{\"op\":\"test\",\"path\":\"/a\",\"value\":1.0},"
             "{\"op\":\"test\",\"path\":\"/o\",\"value\":{\"y\":[true,null],\"x\":1}}]",
             "{\"a\":1,\"o\":{\"x\":1,\"y\":[true,null]}}");
    check_fail("{\"o\":{\"x\":1}}",
               "[{\"op\":\"test\",\"path\":\"/o\",\"value\":{\"x\":1,\"y\":2}}]",
               "testing value /o failed: test failed");
    check_fail("{\"l\":[1,2]}", "[{\"op\":\"test\",\"path\":\"/l\",\"value\":[2,1]}]",
               "testing value /l failed: test failed");
    check_fail("{\"b\":true}", "[{\"op\":\"test\",\"path\":\"/b\",\"value\":false}]",
               "testing value /b failed: test failed");
    /* operations run in order and see each other's effects */
    check_ok(
        "{}",
        "[{\"op\":\"add\",\"path\":\"/a\",\"value\":{}},{\"op\":\"add\",\"path\":\"/a/"
        "b\",\"value\":1},"
        "{\"op\":\"test\",\"path\":\"/a/b\",\"value\":1},{\"op\":\"remove\",\"path\":\"/a/b\"}]",
        "{\"a\":{}}");
    /* an empty patch is fine */
    check_ok("{\"a\":1}", "[]", "{\"a\":1}");
}

/* A failing operation late in a patch leaves nothing of the earlier ones. */
static void test_atomic_failure(void **state)
{
    (void)state;
    check_fail("{\"a\":1}",
               "[{\"op\":\"add\",\"path\":\"/b\",\"value\":2},{\"op\":\"test\",\"path\":\"/"
               "a\",\"value\":2}]",
               "testing value /a failed: test failed");
}

static void test_malformed_patches(void **state)
{
    (void)state;
    check_fail("{}", "{\"op\":\"add\"}",
               "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
    check_fail("{}", "\"x\"",
               "json: cannot unmarshal string into Go value of type jsonpatch.Patch");
    check_fail("{}", "null", "json: cannot unmarshal null into Go value of type jsonpatch.Patch");
    check_fail("{}", "[1]",
               "json: cannot unmarshal number into Go value of type jsonpatch.Operation");
    check_fail("{}", "[{\"op\":\"add\",\"path\":\"/a\",\"value\":1},[]]",
               "json: cannot unmarshal array into Go value of type jsonpatch.Operation");
    check_fail("{}", "[{\"path\":\"/a\",\"value\":1}]", "Unexpected kind: unknown");
    check_fail("{}", "[{\"op\":7,\"path\":\"/a\",\"value\":1}]", "Unexpected kind: unknown");
    check_fail("{}", "[{\"op\":\"frobnicate\",\"path\":\"/a\"}]", "Unexpected kind: frobnicate");
    check_fail("{}", "[{\"op\":\"add\",\"value\":1}]",
               "add operation failed to decode path: operation missing path field: missing value");
    check_fail("{}", "[{\"op\":\"add\",\"path\":null,\"value\":1}]",
               "add operation failed to decode path: operation missing path field: missing value");
    check_fail("{}", "[{\"op\":\"remove\",\"path\":5}]",
               "remove operation failed to decode path: json: cannot unmarshal number into Go "
               "value of type string");
    check_fail("{}", "[{\"op\":\"add\",\"path\":\"/a\"}]",
               "add operation, missing value field: missing value");
    check_fail("{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/a\"}]",
               "replace operation, missing value field: missing value");
    check_fail("{\"a\":1}", "[{\"op\":\"test\",\"path\":\"/a\"}]",
               "testing value /a failed: test failed");
    check_fail(
        "{\"a\":1}", "[{\"op\":\"move\",\"path\":\"/b\"}]",
        "move operation failed to decode from: operation, missing from field: missing value");
    check_fail("{\"a\":1}", "[{\"op\":\"copy\",\"from\":[],\"path\":\"/b\"}]",
               "copy operation failed to decode from: json: cannot unmarshal array into Go value "
               "of type string");
}

static void test_bad_arguments(void **state)
{
    json_t *patch = J("[]"), *out = NULL;
    char *err = NULL;

    (void)state;
    assert_int_equal(patch_json(NULL, patch, &out, &err), EN_INVALID);
    assert_null(out);
    assert_string_equal(err, "Invalid JSON Document");
    free(err);
    assert_int_equal(patch_json(patch, patch, NULL, NULL), EN_INVALID);
    /* err may be NULL: the caller does not want the message. */
    assert_int_equal(patch_json(patch, NULL, &out, NULL), EN_INVALID);
    assert_null(out);
    json_decref(patch);
}

/* ---- limits ------------------------------------------------------------ */

static void test_operation_limit(void **state)
{
    json_t *doc = J("{}"), *patch = json_array(), *out = NULL;
    char *err = NULL;

    (void)state;
    for (int i = 0; i < 10000; i++)
        json_array_append_new(patch, J("{\"op\":\"test\",\"path\":\"\",\"value\":{}}"));
    assert_int_equal(patch_json(doc, patch, &out, &err), 0);
    json_decref(out);
    json_array_append_new(patch, J("{\"op\":\"test\",\"path\":\"\",\"value\":{}}"));
    assert_int_equal(patch_json(doc, patch, &out, &err), EN_TOOLARGE);
    assert_null(out);
    assert_string_equal(err, "The allowed maximum operations in a JSON patch is 10000, got 10001");
    free(err);
    json_decref(doc);
    json_decref(patch);
}

/* Repeated doubling by "copy" stops at 3 MiB of copied bytes. */
static void test_copy_limit(void **state)
{
    json_t *doc =
        J("{\"a\":[\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]}");
    json_t *patch = json_array(), *out = NULL;
    char *err = NULL;

    (void)state;
    for (int i = 0; i < 40; i++) {
        json_array_append_new(patch, J("{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/b\"}"));
        json_array_append_new(patch, J("{\"op\":\"copy\",\"from\":\"/b\",\"path\":\"/a/-\"}"));
    }
    assert_int_equal(patch_json(doc, patch, &out, &err), EN_INVALID);
    assert_null(out);
    assert_non_null(
        strstr(err, "Unable to complete the copy, the accumulated size increase of copy is"));
    assert_non_null(strstr(err, "exceeding the limit 3145728"));
    free(err);
    json_decref(doc);
    json_decref(patch);
}

/* ---- what kubectl patch --type json sends ------------------------------ */

static const char *ds_doc =
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\","
    "\"metadata\":{\"name\":\"agent\",\"namespace\":\"kube-system\",\"labels\":{\"app\":\"agent\"}}"
    ","
    "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"agent\"}},"
    "\"template\":{\"metadata\":{\"labels\":{\"app\":\"agent\"}},"
    "\"spec\":{\"containers\":[{\"name\":\"agent\",\"image\":\"agent:1\",\"ports\":[{"
    "\"containerPort\":80}],"
    "\"args\":[\"--v=2\"]}],\"tolerations\":[{\"operator\":\"Exists\"}]}}}}";

static void test_kubectl_bodies(void **state)
{
    json_t *doc = J(ds_doc), *patch, *out = NULL;
    char *err = NULL;

    (void)state;
    patch = J("[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/"
              "image\",\"value\":\"agent:2\"},"
              "{\"op\":\"add\",\"path\":\"/metadata/labels/tier\",\"value\":\"node\"},"
              "{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/0/args/"
              "-\",\"value\":\"--debug\"},"
              "{\"op\":\"remove\",\"path\":\"/spec/template/spec/tolerations\"},"
              "{\"op\":\"add\",\"path\":\"/metadata/"
              "annotations\",\"value\":{\"example.com~1x\":\"y\"}}]");
    assert_int_equal(patch_json(doc, patch, &out, &err), 0);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_path(out, "spec.template.spec.containers"), 0), "image")),
        "agent:2");
    assert_string_equal(json_path_str(out, "metadata.labels.tier"), "node");
    assert_int_equal(
        json_array_size(json_object_get(
            json_array_get(json_path(out, "spec.template.spec.containers"), 0), "args")),
        2);
    assert_null(json_path(out, "spec.template.spec.tolerations"));
    /* "~1" inside a value is data, not a pointer escape. */
    assert_non_null(json_object_get(json_path(out, "metadata.annotations"), "example.com~1x"));
    /* The original is untouched. */
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_path(doc, "spec.template.spec.containers"), 0), "image")),
        "agent:1");
    json_decref(out);
    json_decref(patch);

    patch = J(
        "[{\"op\":\"add\",\"path\":\"/spec/template/spec/nodeSelector/disk\",\"value\":\"ssd\"}]");
    assert_int_equal(patch_json(doc, patch, &out, &err), EN_INVALID);
    assert_string_equal(err, "add operation does not apply: doc is missing path: "
                             "\"/spec/template/spec/nodeSelector/disk\": missing value");
    free(err);
    json_decref(patch);
    json_decref(doc);
}

/* ---- robustness -------------------------------------------------------- */

/* Tiny deterministic PRNG so failures reproduce. */
static uint32_t rnd(uint32_t *st)
{
    *st ^= *st << 13;
    *st ^= *st >> 17;
    *st ^= *st << 5;
    return *st;
}

static json_t *random_value(uint32_t *st, int depth)
{
    static const char *words[] = {"a", "b", "-", "0", "1", "~", "/", ""};
    switch (rnd(st) % (depth > 3 ? 4 : 6)) {
    case 0:
        return json_integer(rnd(st) % 3);
    case 1:
        return json_string(words[rnd(st) % 8]);
    case 2:
        return json_null();
    case 3:
        return json_true();
    case 4: {
        json_t *a = json_array();
        for (uint32_t i = rnd(st) % 3; i > 0; i--)
            json_array_append_new(a, random_value(st, depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (uint32_t i = rnd(st) % 3; i > 0; i--)
            json_object_set_new(o, words[rnd(st) % 8], random_value(st, depth + 1));
        return o;
    }
    }
}

static json_t *random_path(uint32_t *st)
{
    static const char *paths[] = {"",       "/",   "/a",  "/a/0", "/a/-", "/b/a",  "/0",   "/-",
                                  "/a/1/b", "/~1", "/~0", "/a~",  "a",    "/a/00", "/a/-1"};
    return rnd(st) % 10 == 0 ? random_value(st, 3) : json_string(paths[rnd(st) % 15]);
}

/* Random operations against random documents: anything may fail, but
 * nothing may crash, leak (ASan) or touch the inputs. */
static void test_garbage_never_crashes(void **state)
{
    static const char *ops[] = {"add", "remove", "replace", "move", "copy", "test", "nope"};
    uint32_t st = 2463534242u;
    int ok = 0, failed = 0;

    (void)state;
    for (int round = 0; round < 3000; round++) {
        json_t *doc = random_value(&st, 0), *patch = json_array(), *out = NULL;
        char *before = json_dump_compact(doc, NULL), *after, *err = NULL;
        for (uint32_t n = rnd(&st) % 5; n > 0; n--) {
            json_t *op = json_object();
            if (rnd(&st) % 8)
                json_object_set_new(op, "op", json_string(ops[rnd(&st) % 7]));
            if (rnd(&st) % 8)
                json_object_set_new(op, "path", random_path(&st));
            if (rnd(&st) % 2)
                json_object_set_new(op, "from", random_path(&st));
            if (rnd(&st) % 4)
                json_object_set_new(op, "value", random_value(&st, 1));
            json_array_append_new(patch, rnd(&st) % 50 ? op : (json_decref(op), json_integer(1)));
        }
        int rc = patch_json(doc, patch, &out, &err);
        if (rc == 0) {
            assert_non_null(out);
            assert_null(err);
            ok++;
        } else {
            assert_int_equal(rc, EN_INVALID);
            assert_null(out);
            assert_non_null(err);
            failed++;
        }
        after = json_dump_compact(doc, NULL);
        assert_string_equal(before, after);
        free(before);
        free(after);
        free(err);
        json_decref(out);
        json_decref(doc);
        json_decref(patch);
    }
    /* the sweep must exercise both outcomes to mean anything */
    assert_true(ok > 300);
    assert_true(failed > 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc_examples),
        cmocka_unit_test(test_pointer_escapes),
        cmocka_unit_test(test_arrays),
        cmocka_unit_test(test_whole_document),
        cmocka_unit_test(test_operations),
        cmocka_unit_test(test_atomic_failure),
        cmocka_unit_test(test_malformed_patches),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_operation_limit),
        cmocka_unit_test(test_copy_limit),
        cmocka_unit_test(test_kubectl_bodies),
        cmocka_unit_test(test_garbage_never_crashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
