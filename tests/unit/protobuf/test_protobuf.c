/*
 * test_protobuf.c -- unit tests of the protobuf body decoder
 * (pb_decode_object and the descriptor-driven message walker): the bytes
 * kubectl 1.32 sends for `create namespace`, every ObjectMeta field,
 * Namespace status, DeleteOptions, omitempty versus pointer semantics,
 * unknown fields of every wire type, the value kinds (IntOrString,
 * Quantity, MicroTime, packed repeats, typed maps, inline messages) and the
 * zero values Go's JSON writes for absent fields, through test-only
 * descriptors, malformed and unsupported input, and a seeded mutation loop
 * that must never crash (run it under ASan+UBSan).  The registered kinds
 * (Pod, Node, DaemonSet, ...) are tested in test_pb_kinds.c and
 * test_pb_pod.c.
 *
 * Includes protobuf.c to reach decode_message for the test descriptors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "protobuf/protobuf.c"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a tiny encoder for building test bodies ---------------------------- */

typedef struct {
    unsigned char b[8192]; /* encoded bytes */
    size_t n;              /* bytes used */
} pbuf;

static void put_raw(pbuf *p, const void *d, size_t n)
{
    assert_true(p->n + n <= sizeof p->b);
    memcpy(p->b + p->n, d, n);
    p->n += n;
}

static void put_varint(pbuf *p, uint64_t v)
{
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        if (v)
            c |= 0x80;
        put_raw(p, &c, 1);
    } while (v);
}

static void put_key(pbuf *p, uint32_t num, unsigned wt)
{
    put_varint(p, ((uint64_t)num << 3) | wt);
}

static void put_uint(pbuf *p, uint32_t num, uint64_t v)
{
    put_key(p, num, 0);
    put_varint(p, v);
}

static void put_bytes(pbuf *p, uint32_t num, const void *d, size_t n)
{
    put_key(p, num, 2);
    put_varint(p, n);
    put_raw(p, d, n);
}

static void put_str(pbuf *p, uint32_t num, const char *s)
{
    put_bytes(p, num, s, strlen(s));
}

static void put_msg(pbuf *p, uint32_t num, const pbuf *sub)
{
    put_bytes(p, num, sub->b, sub->n);
}

static void put_map(pbuf *p, uint32_t num, const char *k, const char *v)
{
    pbuf e = {.n = 0};
    put_str(&e, 1, k);
    put_str(&e, 2, v);
    put_msg(p, num, &e);
}

static void put_time(pbuf *p, uint32_t num, int64_t sec, int32_t nsec)
{
    pbuf t = {.n = 0};
    put_uint(&t, 1, (uint64_t)sec);
    if (nsec)
        put_uint(&t, 2, (uint64_t)(int64_t)nsec);
    put_msg(p, num, &t);
}

/* "k8s\0" + Unknown{TypeMeta{apiVersion, kind}, raw, "", ""}. */
static void envelope(pbuf *out, const char *api_version, const char *kind, const pbuf *raw)
{
    pbuf tm = {.n = 0};
    out->n = 0;
    put_raw(out, "k8s\0", 4);
    if (api_version)
        put_str(&tm, 1, api_version);
    if (kind)
        put_str(&tm, 2, kind);
    put_msg(out, 1, &tm);
    if (raw)
        put_msg(out, 2, raw);
    put_str(out, 3, "");
    put_str(out, 4, "");
}

/* ---- helpers ------------------------------------------------------------ */

static void expect_json(const unsigned char *buf, size_t len, const char *want)
{
    json_t *out = NULL;
    char *err = NULL;
    int rc = pb_decode_object(buf, len, &out, &err);

    if (rc != 0)
        fail_msg("decode failed (%d): %s", rc, err ? err : "(no message)");
    assert_null(err);
    char *got = json_dump_ordered(out, NULL);
    if (strcmp(got, want) != 0)
        fail_msg("got  %s\nwant %s", got, want);
    free(got);
    json_decref(out);
}

static void expect_err(const unsigned char *buf, size_t len, int want_rc, const char *want_sub)
{
    json_t *out = (json_t *)0x1;
    char *err = NULL;
    int rc = pb_decode_object(buf, len, &out, &err);

    if (rc != want_rc)
        fail_msg("rc %d, want %d (err %s, want \"%s\")", rc, want_rc, err ? err : "(none)",
                 want_sub ? want_sub : "");
    assert_null(out);
    assert_non_null(err);
    if (want_sub && !strstr(err, want_sub))
        fail_msg("error \"%s\" lacks \"%s\"", err, want_sub);
    free(err);
}

/* The exact bytes kubectl 1.32 sent for `kubectl create namespace x`. */
static const unsigned char ns_x[] = {
    0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0f, 0x0a, 0x02, 'v',  '1',  0x12, 0x09, 'N',
    'a',  'm',  'e',  's',  'p',  'a',  'c',  'e',  0x12, 0x19, 0x0a, 0x11, 0x0a,
    0x01, 'x',  0x12, 0x00, 0x1a, 0x00, 0x22, 0x00, 0x2a, 0x00, 0x32, 0x00, 0x38,
    0x00, 0x42, 0x00, 0x12, 0x00, 0x1a, 0x02, 0x0a, 0x00, 0x1a, 0x00, 0x22, 0x00,
};

/* ---- happy paths -------------------------------------------------------- */

static void test_kubectl_create_namespace(void **state)
{
    (void)state;
    expect_json(ns_x, sizeof ns_x,
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"x\","
                "\"creationTimestamp\":null},\"spec\":{},\"status\":{}}");
    /* err may be NULL */
    json_t *out = NULL;
    assert_int_equal(pb_decode_object(ns_x, sizeof ns_x, &out, NULL), 0);
    assert_string_equal(json_string_value(json_object_get(out, "kind")), "Namespace");
    json_decref(out);
}

static void build_full_meta(pbuf *meta)
{
    pbuf owner = {.n = 0}, mf = {.n = 0}, fv = {.n = 0};

    meta->n = 0;
    put_str(meta, 1, "web");
    put_str(meta, 2, "web-");
    put_str(meta, 3, "prod");
    put_str(meta, 4, "/api/v1/x");
    put_str(meta, 5, "1b4e28ba-2fa1-11d2-883f-0016d3cca427");
    put_str(meta, 6, "42");
    put_uint(meta, 7, 3);
    put_time(meta, 8, 1700000000, 123456789);
    put_time(meta, 9, 1700000060, 0);
    put_uint(meta, 10, 0);
    put_map(meta, 11, "app", "web");
    put_map(meta, 11, "tier", "");
    put_map(meta, 12, "note", "h\xc3\xa9llo \"q\"");
    put_str(&owner, 1, "DaemonSet");
    put_str(&owner, 3, "ds");
    put_str(&owner, 4, "u-1");
    put_str(&owner, 5, "apps/v1");
    put_uint(&owner, 6, 1);
    put_uint(&owner, 7, 0);
    put_msg(meta, 13, &owner);
    put_str(meta, 14, "kubernetes");
    put_str(meta, 14, "example.com/x");
    put_str(&mf, 1, "kubectl");
    put_str(&mf, 2, "Update");
    put_str(&mf, 3, "v1");
    put_time(&mf, 4, 0, 0);
    put_str(&mf, 6, "FieldsV1");
    put_str(&fv, 1, "{\"f:metadata\":{\"f:labels\":{}}}");
    put_msg(&mf, 7, &fv);
    put_str(&mf, 8, "");
    put_msg(meta, 17, &mf);
}

static void test_full_object_meta(void **state)
{
    (void)state;
    pbuf meta, ns = {.n = 0}, body;

    build_full_meta(&meta);
    put_msg(&ns, 1, &meta);
    envelope(&body, "v1", "Namespace", &ns);
    expect_json(body.b, body.n,
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"web\","
                "\"generateName\":\"web-\",\"namespace\":\"prod\",\"selfLink\":\"/api/v1/x\","
                "\"uid\":\"1b4e28ba-2fa1-11d2-883f-0016d3cca427\",\"resourceVersion\":\"42\","
                "\"generation\":3,\"creationTimestamp\":\"2023-11-14T22:13:20Z\","
                "\"deletionTimestamp\":\"2023-11-14T22:14:20Z\","
                "\"deletionGracePeriodSeconds\":0,\"labels\":{\"app\":\"web\",\"tier\":\"\"},"
                "\"annotations\":{\"note\":\"h\xc3\xa9llo \\\"q\\\"\"},\"ownerReferences\":[{"
                "\"kind\":\"DaemonSet\",\"name\":\"ds\",\"uid\":\"u-1\",\"apiVersion\":"
                "\"apps/v1\",\"controller\":true,\"blockOwnerDeletion\":false}],"
                "\"finalizers\":[\"kubernetes\",\"example.com/x\"],\"managedFields\":[{"
                "\"manager\":\"kubectl\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
                "\"time\":\"1970-01-01T00:00:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{"
                "\"f:metadata\":{\"f:labels\":{}}}}]},\"spec\":{},\"status\":{}}");
}

static void test_namespace_status(void **state)
{
    (void)state;
    pbuf meta = {.n = 0}, spec = {.n = 0}, status = {.n = 0}, cond = {.n = 0}, ns = {.n = 0}, body;

    put_str(&meta, 1, "team-a");
    put_str(&spec, 1, "kubernetes");
    put_str(&status, 1, "Terminating");
    put_str(&cond, 1, "NamespaceContentRemaining");
    put_str(&cond, 2, "True");
    put_time(&cond, 4, 86400, 0);
    put_str(&cond, 5, "SomeResourcesRemain");
    put_str(&cond, 6, "");
    put_msg(&status, 2, &cond);
    cond.n = 0;
    put_str(&cond, 1, "");
    put_str(&cond, 2, "");
    put_msg(&status, 2, &cond);
    put_msg(&ns, 1, &meta);
    put_msg(&ns, 2, &spec);
    put_msg(&ns, 3, &status);
    envelope(&body, "v1", "Namespace", &ns);
    /* type and status have no omitempty: kept even when empty; an unset
     * lastTransitionTime is Go's zero Time, null */
    expect_json(body.b, body.n,
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team-a\","
                "\"creationTimestamp\":null},"
                "\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Terminating\","
                "\"conditions\":[{\"type\":\"NamespaceContentRemaining\",\"status\":\"True\","
                "\"lastTransitionTime\":\"1970-01-02T00:00:00Z\",\"reason\":"
                "\"SomeResourcesRemain\"},{\"type\":\"\",\"status\":\"\",\"lastTransitionTime\":null}]}}");
}

static void test_delete_options(void **state)
{
    (void)state;
    pbuf opts = {.n = 0}, pre = {.n = 0}, body;

    put_uint(&opts, 1, 0);
    put_str(&pre, 1, "u-9");
    put_str(&pre, 2, "");
    put_msg(&opts, 2, &pre);
    put_uint(&opts, 3, 0);
    put_str(&opts, 4, "Background");
    put_str(&opts, 5, "All");
    envelope(&body, "v1", "DeleteOptions", &opts);
    /* pointer fields keep their zero values */
    expect_json(body.b, body.n,
                "{\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\",\"gracePeriodSeconds\":0,"
                "\"preconditions\":{\"uid\":\"u-9\",\"resourceVersion\":\"\"},"
                "\"orphanDependents\":false,\"propagationPolicy\":\"Background\","
                "\"dryRun\":[\"All\"]}");
    /* any group's DeleteOptions */
    envelope(&body, "meta.k8s.io/v1", "DeleteOptions", &opts);
    json_t *out = NULL;
    assert_int_equal(pb_decode_object(body.b, body.n, &out, NULL), 0);
    assert_string_equal(json_string_value(json_object_get(out, "apiVersion")), "meta.k8s.io/v1");
    json_decref(out);
    /* An empty DeleteOptions, as drain sends with no flags. */
    opts.n = 0;
    envelope(&body, "v1", "DeleteOptions", &opts);
    expect_json(body.b, body.n, "{\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\"}");
    /* Negative grace period travels as a 10-byte varint. */
    opts.n = 0;
    put_uint(&opts, 1, (uint64_t)(int64_t)-1);
    envelope(&body, "v1", "DeleteOptions", &opts);
    expect_json(body.b, body.n,
                "{\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\",\"gracePeriodSeconds\":-1}");
}

static void test_no_raw_bytes(void **state)
{
    (void)state;
    pbuf body;
    envelope(&body, "v1", "Namespace", NULL);
    /* every field at its zero value, as Go writes an empty Namespace */
    expect_json(body.b, body.n,
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{"
                "\"creationTimestamp\":null},\"spec\":{},\"status\":{}}");
}

static void test_unknown_fields_skipped(void **state)
{
    (void)state;
    pbuf meta = {.n = 0}, ns = {.n = 0}, body, tm = {.n = 0};
    const unsigned char f64[8] = {1, 2, 3, 4, 5, 6, 7, 8}, f32[4] = {9, 9, 9, 9};

    put_uint(&meta, 99, 12345);
    put_key(&meta, 98, 1);
    put_raw(&meta, f64, 8);
    put_key(&meta, 97, 5);
    put_raw(&meta, f32, 4);
    put_str(&meta, 96, "ignored");
    put_str(&meta, 1, "n");
    put_uint(&meta, 536870911, 1); /* the largest field number */
    put_msg(&ns, 1, &meta);
    put_uint(&ns, 50, 7);
    put_str(&ns, 51, "x");
    /* unknown fields in the envelope and in TypeMeta too */
    body.n = 0;
    put_raw(&body, "k8s\0", 4);
    put_str(&tm, 1, "v1");
    put_uint(&tm, 3, 1);
    put_str(&tm, 2, "Namespace");
    put_msg(&body, 1, &tm);
    put_uint(&body, 9, 1);
    put_msg(&body, 2, &ns);
    expect_json(body.b, body.n,
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"n\","
                "\"creationTimestamp\":null},\"spec\":{},\"status\":{}}");
}

static void test_last_one_wins(void **state)
{
    (void)state;
    pbuf meta = {.n = 0}, ns = {.n = 0}, body;

    put_str(&meta, 1, "first");
    put_map(&meta, 11, "k", "1");
    put_str(&meta, 1, "second");
    put_map(&meta, 11, "k", "2");
    put_msg(&ns, 1, &meta);
    /* A second metadata occurrence merges into the first, as protobuf does. */
    meta.n = 0;
    put_str(&meta, 3, "ns");
    put_msg(&ns, 1, &meta);
    envelope(&body, "v1", "Namespace", &ns);
    expect_json(body.b, body.n,
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"second\","
                "\"labels\":{\"k\":\"2\"},\"creationTimestamp\":null,\"namespace\":\"ns\"},"
                "\"spec\":{},\"status\":{}}");
}

/* ---- value kinds through a test-only descriptor ------------------------- */

/* Every field optional (pointer + omitempty, or omitempty slices), so that
 * absent fields stay absent and the expected JSON stays short. */
#define OPT (PB_OMITEMPTY | PB_PTR)
static const struct pb_msg m_test;
static const struct pb_field f_test[] = {
    {1, "ios", PB_INTORSTR, OPT, NULL},
    {2, "qty", PB_QUANTITY, OPT, NULL},
    {3, "when", PB_MICROTIME, OPT, NULL},
    {4, "nums", PB_INT64, PB_REPEATED | PB_OMITEMPTY, NULL},
    {5, "small", PB_INT32, OPT, NULL},
    {6, "flag", PB_BOOL, PB_OMITEMPTY, NULL},
    {7, "child", PB_MESSAGE, OPT, &m_test},
    {8, "raw", PB_RAW_JSON, OPT, NULL},
    {9, "name", PB_STRING, PB_OMITEMPTY, NULL},
    {10, "ptrflag", PB_BOOL, OPT, NULL},
    {11, "kids", PB_MESSAGE, PB_REPEATED | PB_OMITEMPTY, &m_test},
    PB_FIELDS_END,
};
static const struct pb_msg m_test = {"Test", f_test};

/* Decode p with the test descriptor; return rc and the compact JSON. */
static int decode_test(const pbuf *p, char **json, char **err)
{
    struct ctx c = {.base = p->b};
    json_t *obj = json_object();
    int rc = decode_message(&c, &m_test, p->b, p->n, obj, 0);
    *json = rc == 0 ? json_dump_ordered(obj, NULL) : NULL;
    *err = c.err;
    json_decref(obj);
    return rc;
}

static void expect_test(const pbuf *p, const char *want)
{
    char *json, *err;
    int rc = decode_test(p, &json, &err);
    if (rc != 0)
        fail_msg("decode failed: %s", err);
    if (strcmp(json, want) != 0)
        fail_msg("got  %s\nwant %s", json, want);
    free(json);
    free(err);
}

static void expect_test_err(const pbuf *p, const char *sub)
{
    char *json, *err;
    int rc = decode_test(p, &json, &err);
    assert_int_equal(rc, EN_INVALID);
    assert_null(json);
    assert_non_null(err);
    if (!strstr(err, sub))
        fail_msg("error \"%s\" lacks \"%s\"", err, sub);
    free(err);
}

static void test_value_kinds(void **state)
{
    (void)state;
    pbuf p = {.n = 0}, sub = {.n = 0}, packed = {.n = 0};

    put_uint(&sub, 2, 8080); /* IntOrString int */
    put_msg(&p, 1, &sub);
    sub.n = 0;
    put_str(&sub, 1, "500m");
    put_msg(&p, 2, &sub);
    put_time(&p, 3, 1700000000, 123456789);
    put_uint(&p, 4, 1);
    put_varint(&packed, 2);
    put_varint(&packed, (uint64_t)(int64_t)-3);
    put_bytes(&p, 4, packed.b, packed.n);
    put_uint(&p, 5, 0xffffffffULL); /* int32 -1 as Go writes it */
    put_uint(&p, 6, 0);             /* omitempty false: dropped */
    put_uint(&p, 10, 0);            /* pointer false: kept */
    put_str(&p, 9, "");
    sub.n = 0;
    put_str(&sub, 1, "[1,\"a\",null]");
    put_msg(&p, 8, &sub);
    expect_test(&p, "{\"ios\":8080,\"qty\":\"500m\",\"when\":\"2023-11-14T22:13:20.123456Z\","
                    "\"nums\":[1,2,-3],\"small\":-1,\"ptrflag\":false,\"raw\":[1,\"a\",null]}");

    p.n = 0;
    sub.n = 0;
    put_uint(&sub, 1, 1); /* IntOrString string */
    put_str(&sub, 3, "25%");
    put_msg(&p, 1, &sub);
    put_bytes(&p, 2, "", 0); /* Quantity without a string: Go's zero, "0" */
    put_bytes(&p, 8, "", 0); /* RawExtension without bytes: null */
    put_bytes(&p, 3, "", 0); /* zero MicroTime: null */
    put_uint(&p, 6, 1);
    put_str(&p, 9, "n");
    expect_test(&p, "{\"ios\":\"25%\",\"qty\":\"0\",\"raw\":null,\"when\":null,\"flag\":true,"
                    "\"name\":\"n\"}");

    /* The zero time written out in full is null too; MicroTime keeps
     * microseconds and drops the rest. */
    p.n = 0;
    put_time(&p, 3, -62135596800LL, 999);
    expect_test(&p, "{\"when\":null}");
    p.n = 0;
    put_time(&p, 3, -62135596800LL, 1000);
    expect_test(&p, "{\"when\":\"0001-01-01T00:00:00.000001Z\"}");
    p.n = 0;
    put_time(&p, 3, 1700000000, 999);
    expect_test(&p, "{\"when\":\"2023-11-14T22:13:20.000000Z\"}");
}

static void test_nested_messages(void **state)
{
    (void)state;
    pbuf p = {.n = 0}, kid = {.n = 0}, grand = {.n = 0};

    put_str(&grand, 9, "g");
    put_str(&kid, 9, "k1");
    put_msg(&kid, 7, &grand);
    put_msg(&p, 11, &kid);
    kid.n = 0;
    put_msg(&p, 11, &kid); /* an empty element still counts */
    put_msg(&p, 7, &grand);
    expect_test(&p, "{\"kids\":[{\"name\":\"k1\",\"child\":{\"name\":\"g\"}},{}],"
                    "\"child\":{\"name\":\"g\"}}");
}

static void test_depth_limit(void **state)
{
    (void)state;
    /* child inside child ... built inside out */
    static pbuf a, b;
    pbuf *cur = &a, *next = &b;

    a.n = 0;
    put_str(&a, 9, "leaf");
    for (int i = 0; i < 31; i++) {
        next->n = 0;
        put_msg(next, 7, cur);
        pbuf *t = cur;
        cur = next;
        next = t;
    }
    char *json, *err;
    assert_int_equal(decode_test(cur, &json, &err), 0); /* 31 levels below the root: fine */
    assert_non_null(strstr(json, "\"leaf\""));
    free(json);
    free(err);
    for (int i = 0; i < 2; i++) {
        next->n = 0;
        put_msg(next, 7, cur);
        pbuf *t = cur;
        cur = next;
        next = t;
    }
    expect_test_err(cur, "nested too deeply");
}

/* ---- Go's zero values, typed maps, inline messages ------------------------ */

/* Quantity map entries and an inline part, for the tests below. */
static const struct pb_field f_inl[] = {
    {1, "inner", PB_STRING, 0, NULL},
    {2, "innerOpt", PB_STRING, PB_OMITEMPTY, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_inl = {"Inl", f_inl};

static const struct pb_field f_leaf[] = {
    {1, "s", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_leaf = {"Leaf", f_leaf};

/* One field of each kind without omitempty or pointer, then the same with
 * omitempty, then pointers / slices / maps with and without omitempty. */
static const struct pb_field f_zero[] = {
    {1, "s", PB_STRING, 0, NULL},
    {2, "i64", PB_INT64, 0, NULL},
    {3, "i32", PB_INT32, 0, NULL},
    {4, "b", PB_BOOL, 0, NULL},
    {5, "m", PB_MESSAGE, 0, &m_leaf},
    {6, "t", PB_TIME, 0, NULL},
    {7, "mt", PB_MICROTIME, 0, NULL},
    {8, "raw", PB_RAW_JSON, 0, NULL},
    {9, "ios", PB_INTORSTR, 0, NULL},
    {10, "q", PB_QUANTITY, 0, NULL},
    {11, "sO", PB_STRING, PB_OMITEMPTY, NULL},
    {12, "iO", PB_INT32, PB_OMITEMPTY, NULL},
    {13, "bO", PB_BOOL, PB_OMITEMPTY, NULL},
    {14, "mO", PB_MESSAGE, PB_OMITEMPTY, &m_leaf},   /* structs ignore omitempty */
    {15, "tO", PB_TIME, PB_OMITEMPTY, NULL},         /* Time too: null */
    {16, "qO", PB_QUANTITY, PB_OMITEMPTY, NULL},     /* Quantity too: "0" */
    {17, "sP", PB_STRING, PB_PTR, NULL},             /* *string, no omitempty: null */
    {18, "sPO", PB_STRING, PB_OMITEMPTY | PB_PTR, NULL},
    {19, "list", PB_STRING, PB_REPEATED, NULL},      /* []string: null */
    {20, "listO", PB_STRING, PB_REPEATED | PB_OMITEMPTY, NULL},
    {21, "ss", PB_MAP_SS, 0, NULL},
    {22, "ssO", PB_MAP_SS, PB_OMITEMPTY, NULL},
    {23, "res", PB_MAP, 0, &pb__m_quantity_entry},
    {24, "resO", PB_MAP, PB_OMITEMPTY, &pb__m_quantity_entry},
    {25, "inl", PB_MESSAGE, PB_INLINE, &m_inl},
    {26, "mP", PB_MESSAGE, PB_PTR, &m_leaf},
    {27, "mPO", PB_MESSAGE, PB_OMITEMPTY | PB_PTR, &m_leaf},
    {28, "msgs", PB_MESSAGE, PB_REPEATED, &m_leaf},
    PB_FIELDS_END,
};
static const struct pb_msg m_zero = {"Zero", f_zero};

static void expect_msg(const struct pb_msg *m, const pbuf *p, const char *want)
{
    struct ctx c = {.base = p->b};
    json_t *obj = json_object();
    int rc = decode_message(&c, m, p->b, p->n, obj, 0);
    if (rc != 0)
        fail_msg("decode failed: %s", c.err);
    char *got = json_dump_ordered(obj, NULL);
    if (strcmp(got, want) != 0)
        fail_msg("got  %s\nwant %s", got, want);
    free(got);
    json_decref(obj);
}

static void test_zero_values_of_absent_fields(void **state)
{
    (void)state;
    pbuf p = {.n = 0};

    /* Nothing on the wire: what encoding/json writes for a zero Go struct. */
    expect_msg(&m_zero, &p,
               "{\"s\":\"\",\"i64\":0,\"i32\":0,\"b\":false,\"m\":{\"s\":\"\"},\"t\":null,"
               "\"mt\":null,\"raw\":null,\"ios\":0,\"q\":\"0\",\"mO\":{\"s\":\"\"},\"tO\":null,"
               "\"qO\":\"0\",\"sP\":null,\"list\":null,\"ss\":null,\"res\":null,\"inner\":\"\","
               "\"mP\":null,\"msgs\":null}");
}

static void test_zero_values_on_the_wire(void **state)
{
    (void)state;
    pbuf p = {.n = 0}, sub = {.n = 0};

    /* Zero values written out, as Go's marshaller writes non-pointer fields:
     * omitempty scalars vanish, pointers keep their zero, empty messages
     * stay {} (filled), an empty Time is null. */
    put_str(&p, 1, "");
    put_uint(&p, 2, 0);
    put_uint(&p, 3, 0);
    put_uint(&p, 4, 0);
    put_bytes(&p, 5, "", 0);
    put_bytes(&p, 6, "", 0);
    put_str(&p, 11, "");
    put_uint(&p, 12, 0);
    put_uint(&p, 13, 0);
    put_bytes(&p, 14, "", 0);
    put_str(&p, 17, "");
    put_str(&p, 18, "");
    put_str(&p, 19, ""); /* a repeated element is kept even when empty */
    put_str(&p, 20, "");
    put_bytes(&p, 25, "", 0);
    put_bytes(&p, 27, "", 0); /* a set pointer to an empty struct: {} */
    put_bytes(&p, 28, "", 0); /* an empty element of a list: {} filled */
    expect_msg(&m_zero, &p,
               "{\"s\":\"\",\"i64\":0,\"i32\":0,\"b\":false,\"m\":{\"s\":\"\"},\"t\":null,"
               "\"mO\":{\"s\":\"\"},\"sP\":\"\",\"sPO\":\"\",\"list\":[\"\"],\"listO\":[\"\"],"
               "\"inner\":\"\",\"mPO\":{\"s\":\"\"},\"msgs\":[{\"s\":\"\"}],\"mt\":null,"
               "\"raw\":null,\"ios\":0,\"q\":\"0\",\"tO\":null,\"qO\":\"0\",\"ss\":null,"
               "\"res\":null,\"mP\":null}");

    /* Values: pointers and omitempty fields that are set */
    p.n = 0;
    put_str(&p, 11, "x");
    put_uint(&p, 12, (uint64_t)(int64_t)-7);
    put_uint(&p, 13, 1);
    put_str(&sub, 1, "leaf");
    put_msg(&p, 26, &sub);
    put_map(&p, 22, "k", "v");
    put_str(&p, 20, "a");
    put_str(&p, 20, "b");
    sub.n = 0;
    put_str(&sub, 1, "in");
    put_str(&sub, 2, "opt");
    put_msg(&p, 25, &sub);
    expect_msg(&m_zero, &p,
               "{\"sO\":\"x\",\"iO\":-7,\"bO\":true,\"mP\":{\"s\":\"leaf\"},\"ssO\":{\"k\":"
               "\"v\"},\"listO\":[\"a\",\"b\"],\"inner\":\"in\",\"innerOpt\":\"opt\","
               "\"s\":\"\",\"i64\":0,\"i32\":0,\"b\":false,\"m\":{\"s\":\"\"},\"t\":null,"
               "\"mt\":null,\"raw\":null,\"ios\":0,\"q\":\"0\",\"mO\":{\"s\":\"\"},\"tO\":null,"
               "\"qO\":\"0\",\"sP\":null,\"list\":null,\"ss\":null,\"res\":null,\"msgs\":null}");
}

/* Wrap map entry bytes `entry` as field 23 (map<string,Quantity>). */
static void put_res_entry(pbuf *p, const pbuf *entry)
{
    put_msg(p, 23, entry);
}

static void test_quantity_map(void **state)
{
    (void)state;
    pbuf p = {.n = 0}, e = {.n = 0}, q = {.n = 0};
    struct ctx c;
    json_t *obj;

    /* cpu: 100m, memory: 100Mi, then cpu again (last wins), an entry with
     * no value (Go's zero Quantity) and one with no key (""). */
    put_str(&e, 1, "cpu");
    put_str(&q, 1, "100m");
    put_msg(&e, 2, &q);
    put_res_entry(&p, &e);
    e.n = q.n = 0;
    put_str(&e, 1, "memory");
    put_str(&q, 1, "100Mi");
    put_msg(&e, 2, &q);
    put_res_entry(&p, &e);
    e.n = q.n = 0;
    put_str(&e, 1, "cpu");
    put_str(&q, 1, "1");
    put_msg(&e, 2, &q);
    put_res_entry(&p, &e);
    e.n = 0;
    put_str(&e, 1, "example.com/gpu");
    put_res_entry(&p, &e);
    e.n = q.n = 0;
    put_str(&q, 1, "2");
    put_msg(&e, 2, &q);
    put_res_entry(&p, &e);
    c = (struct ctx){.base = p.b};
    obj = json_object();
    assert_int_equal(decode_message(&c, &m_zero, p.b, p.n, obj, 0), 0);
    char *got = json_dump_ordered(json_object_get(obj, "res"), NULL);
    assert_string_equal(got,
                        "{\"cpu\":\"1\",\"memory\":\"100Mi\",\"example.com/gpu\":\"0\",\"\":\"2\"}");
    free(got);
    json_decref(obj);

    /* Malformed entries */
    p.n = e.n = q.n = 0;
    put_bytes(&e, 1, "\xff", 1);
    put_res_entry(&p, &e);
    c = (struct ctx){.base = p.b};
    obj = json_object();
    assert_int_equal(decode_message(&c, &m_zero, p.b, p.n, obj, 0), EN_INVALID);
    assert_non_null(strstr(c.err, "key is not valid UTF-8"));
    free(c.err);
    json_decref(obj);

    p.n = e.n = q.n = 0;
    put_str(&e, 1, "cpu");
    put_uint(&e, 2, 5); /* a varint where the Quantity message belongs */
    put_res_entry(&p, &e);
    c = (struct ctx){.base = p.b};
    obj = json_object();
    assert_int_equal(decode_message(&c, &m_zero, p.b, p.n, obj, 0), EN_INVALID);
    assert_non_null(strstr(c.err, "value: wire type 0"));
    free(c.err);
    json_decref(obj);

    p.n = e.n = q.n = 0;
    put_str(&e, 1, "cpu");
    put_str(&q, 1, "");
    put_msg(&e, 2, &q);
    put_res_entry(&p, &e);
    c = (struct ctx){.base = p.b};
    obj = json_object();
    assert_int_equal(decode_message(&c, &m_zero, p.b, p.n, obj, 0), EN_INVALID);
    assert_non_null(strstr(c.err, "Quantity is an empty string"));
    free(c.err);
    json_decref(obj);
}

/* A later occurrence of a field wins even when it is an omitempty zero. */
static void test_last_zero_wins(void **state)
{
    (void)state;
    pbuf p = {.n = 0};

    put_str(&p, 11, "x");
    put_uint(&p, 12, 5);
    put_uint(&p, 13, 1);
    put_str(&p, 11, "");
    put_uint(&p, 12, 0);
    put_uint(&p, 13, 0);
    struct ctx c = {.base = p.b};
    json_t *obj = json_object();
    assert_int_equal(decode_message(&c, &m_zero, p.b, p.n, obj, 0), 0);
    assert_null(json_object_get(obj, "sO"));
    assert_null(json_object_get(obj, "iO"));
    assert_null(json_object_get(obj, "bO"));
    json_decref(obj);
}

static void test_inline_merges_repeated_occurrences(void **state)
{
    (void)state;
    pbuf p = {.n = 0}, sub = {.n = 0};

    put_str(&sub, 1, "first");
    put_msg(&p, 25, &sub);
    sub.n = 0;
    put_str(&sub, 2, "second");
    put_msg(&p, 25, &sub);
    sub.n = 0;
    put_str(&sub, 1, "third");
    put_msg(&p, 25, &sub);
    struct ctx c = {.base = p.b};
    json_t *obj = json_object();
    assert_int_equal(decode_message(&c, &m_zero, p.b, p.n, obj, 0), 0);
    assert_string_equal(json_string_value(json_object_get(obj, "inner")), "third");
    assert_string_equal(json_string_value(json_object_get(obj, "innerOpt")), "second");
    json_decref(obj);
    /* an inline part with a malformed field names the part */
    p.n = 0;
    sub.n = 0;
    put_uint(&sub, 1, 3);
    put_msg(&p, 25, &sub);
    c = (struct ctx){.base = p.b};
    obj = json_object();
    assert_int_equal(decode_message(&c, &m_zero, p.b, p.n, obj, 0), EN_INVALID);
    assert_non_null(strstr(c.err, "Inl.inner: wire type 0"));
    free(c.err);
    json_decref(obj);
}

/* Every registered descriptor, walked from pb__kinds: field numbers and
 * JSON names unique per message (inline parts merged), message kinds with
 * a message, map entries shaped {1: key string, 2: value}, and no cycle
 * through non-pointer messages (which fill_defaults would follow). */
static int walk_names(const struct pb_msg *m, const char **names, int n)
{
    for (const struct pb_field *f = m->fields; f->json; f++) {
        if (f->flags & PB_INLINE) {
            n = walk_names(f->msg, names, n);
            continue;
        }
        for (int i = 0; i < n; i++)
            if (strcmp(names[i], f->json) == 0)
                fail_msg("%s: JSON name %s twice", m->name, f->json);
        assert_true(n < 256);
        names[n++] = f->json;
    }
    return n;
}

static void check_msg(const struct pb_msg *m, const struct pb_msg **path, int depth, int *seen)
{
    const char *names[256];

    assert_true(depth < 40);
    for (int i = 0; i < depth; i++)
        if (path[i] == m)
            fail_msg("%s: cycle through non-pointer messages", m->name);
    path[depth] = m;
    walk_names(m, names, 0);
    (*seen)++;
    for (const struct pb_field *f = m->fields; f->json; f++) {
        for (const struct pb_field *g = f + 1; g->json; g++)
            if (g->num == f->num)
                fail_msg("%s: field number %u twice", m->name, f->num);
        assert_true(f->num > 0);
        switch (f->kind) {
        case PB_MESSAGE:
            assert_non_null(f->msg);
            break;
        case PB_MAP:
            assert_non_null(f->msg);
            assert_int_equal(f->msg->fields[0].num, 1);
            assert_string_equal(f->msg->fields[0].json, "key");
            assert_int_equal(f->msg->fields[0].kind, PB_STRING);
            assert_int_equal(f->msg->fields[1].num, 2);
            assert_string_equal(f->msg->fields[1].json, "value");
            assert_null(f->msg->fields[2].json);
            break;
        default:
            if (f->msg)
                fail_msg("%s.%s: a scalar with a message", m->name, f->json);
            if (f->flags & PB_INLINE)
                fail_msg("%s.%s: inline scalar", m->name, f->json);
            break;
        }
        if (f->kind == PB_MESSAGE) {
            /* Pointer and repeated messages end the non-pointer chain. */
            if (f->flags & (PB_PTR | PB_REPEATED))
                check_msg(f->msg, path, 0, seen);
            else
                check_msg(f->msg, path, depth + 1, seen);
        }
    }
}

static void test_registered_descriptors(void **state)
{
    (void)state;
    const struct pb_msg *path[40];
    int seen = 0, kinds = 0;

    for (const struct pb_kind_desc *k = pb__kinds; k->kind; k++) {
        check_msg(k->msg, path, 0, &seen);
        kinds++;
        /* Every kind decodes from no bytes at all (all fields zero). */
        pbuf raw = {.n = 0}, body;
        json_t *out = NULL;
        envelope(&body, k->api_version ? k->api_version : "v1", k->kind, &raw);
        assert_int_equal(pb_decode_object(body.b, body.n, &out, NULL), 0);
        assert_string_equal(json_string_value(json_object_get(out, "kind")), k->kind);
        json_decref(out);
    }
    assert_int_equal(kinds, 11);
    assert_true(seen > 170);
}

/* ---- malformed input ---------------------------------------------------- */

static void test_bad_envelopes(void **state)
{
    (void)state;
    pbuf raw = {.n = 0}, body;

    expect_err(ns_x, 0, EN_INVALID, "magic");
    expect_err(ns_x, 3, EN_INVALID, "magic");
    expect_err((const unsigned char *)"k8s\1", 4, EN_INVALID, "magic");
    expect_err((const unsigned char *)"{\"kind\":1}", 10, EN_INVALID, "magic");
    expect_err(NULL, 10, EN_INVALID, NULL);
    json_t *out = (json_t *)0x1;
    assert_int_equal(pb_decode_object(ns_x, sizeof ns_x, NULL, NULL), EN_INVALID);
    /* only the magic: no kind */
    expect_err(ns_x, 4, EN_INVALID, "kind");
    /* Every truncation of the kubectl body fails cleanly, except those at
     * the envelope's field boundaries, which are shorter valid bodies. */
    for (size_t n = 5; n < sizeof ns_x; n++) {
        char *err = NULL;
        int rc = pb_decode_object(ns_x, n, &out, &err);
        if (n == 21 || n == 48 || n == 50) {
            assert_int_equal(rc, 0);
            assert_non_null(out);
            assert_null(err);
            json_decref(out);
            continue;
        }
        if (rc != EN_INVALID)
            fail_msg("truncation to %zu bytes: rc %d", n, rc);
        assert_null(out);
        assert_non_null(err);
        free(err);
    }
    envelope(&body, NULL, "Namespace", &raw);
    expect_err(body.b, body.n, EN_INVALID, "apiVersion");
    envelope(&body, "v1", NULL, &raw);
    expect_err(body.b, body.n, EN_INVALID, "kind");
    /* envelope field with the wrong wire type */
    body.n = 0;
    put_raw(&body, "k8s\0", 4);
    put_uint(&body, 2, 5);
    expect_err(body.b, body.n, EN_INVALID, "wire type");
    /* apiVersion not UTF-8 */
    envelope(&body, "v\xff", "Namespace", &raw);
    expect_err(body.b, body.n, EN_INVALID, "UTF-8");
}

static void test_unsupported(void **state)
{
    (void)state;
    pbuf raw = {.n = 0}, body, tm = {.n = 0};

    envelope(&body, "v1", "Secret", &raw);
    expect_err(body.b, body.n, EN_UNSUPPORTED, "Secret");
    envelope(&body, "apps/v1", "Deployment", &raw);
    expect_err(body.b, body.n, EN_UNSUPPORTED, "Deployment");
    envelope(&body, "v1", "DaemonSet", &raw); /* right kind, wrong group */
    expect_err(body.b, body.n, EN_UNSUPPORTED, "DaemonSet in version v1");
    envelope(&body, "apps/v1beta2", "DaemonSet", &raw);
    expect_err(body.b, body.n, EN_UNSUPPORTED, "apps/v1beta2");
    envelope(&body, "v2", "Namespace", &raw);
    expect_err(body.b, body.n, EN_UNSUPPORTED, "v2");
    envelope(&body, "v1", "namespace", &raw);
    expect_err(body.b, body.n, EN_UNSUPPORTED, NULL);
    /* compressed bodies */
    body.n = 0;
    put_raw(&body, "k8s\0", 4);
    put_str(&tm, 1, "v1");
    put_str(&tm, 2, "Namespace");
    put_msg(&body, 1, &tm);
    put_msg(&body, 2, &raw);
    put_str(&body, 3, "gzip");
    expect_err(body.b, body.n, EN_UNSUPPORTED, "contentEncoding");
}

/* Wrap a Namespace message `ns` in an envelope and expect EN_INVALID. */
static void expect_bad_namespace(const pbuf *ns, const char *sub)
{
    pbuf body;
    envelope(&body, "v1", "Namespace", ns);
    expect_err(body.b, body.n, EN_INVALID, sub);
}

static void test_malformed_fields(void **state)
{
    (void)state;
    pbuf ns, meta;
    static const unsigned char long_varint[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                                                0x80, 0x80, 0x80, 0x80, 0x01};
    static const unsigned char top_bits[] = {0xff, 0xff, 0xff, 0xff, 0xff,
                                             0xff, 0xff, 0xff, 0xff, 0x7f};

    /* truncated varint value */
    ns.n = 0;
    put_key(&ns, 50, 0);
    put_raw(&ns, "\x80", 1);
    expect_bad_namespace(&ns, "malformed unknown field 50");
    /* eleven-byte varint */
    ns.n = 0;
    put_key(&ns, 50, 0);
    put_raw(&ns, long_varint, sizeof long_varint);
    expect_bad_namespace(&ns, "field 50");
    /* tenth byte with more than the top bit */
    meta.n = 0;
    put_key(&meta, 7, 0);
    put_raw(&meta, top_bits, sizeof top_bits);
    ns.n = 0;
    put_msg(&ns, 1, &meta);
    expect_bad_namespace(&ns, "ObjectMeta.generation: truncated varint");
    /* length past end */
    ns.n = 0;
    put_key(&ns, 1, 2);
    put_varint(&ns, 100);
    put_raw(&ns, "\x0a\x01x", 3);
    expect_bad_namespace(&ns, "Namespace.metadata: length past end");
    /* huge length */
    ns.n = 0;
    put_key(&ns, 1, 2);
    put_varint(&ns, UINT64_MAX);
    expect_bad_namespace(&ns, "length past end");
    /* wrong wire types for known fields */
    ns.n = 0;
    put_uint(&ns, 1, 5);
    expect_bad_namespace(&ns, "Namespace.metadata: wire type 0");
    meta.n = 0;
    put_str(&meta, 7, "3");
    ns.n = 0;
    put_msg(&ns, 1, &meta);
    expect_bad_namespace(&ns, "ObjectMeta.generation: wire type 2");
    /* groups and invalid wire types */
    for (unsigned wt = 3; wt <= 7; wt++) {
        if (wt == 5)
            continue;
        ns.n = 0;
        put_key(&ns, 60, wt);
        put_raw(&ns, "\0\0\0\0\0\0\0\0", 8);
        expect_bad_namespace(&ns, "malformed unknown field 60");
    }
    /* fixed-width fields cut short */
    ns.n = 0;
    put_key(&ns, 61, 1);
    put_raw(&ns, "\0\0\0", 3);
    expect_bad_namespace(&ns, "field 61");
    ns.n = 0;
    put_key(&ns, 62, 5);
    put_raw(&ns, "\0", 1);
    expect_bad_namespace(&ns, "field 62");
    /* field number 0 */
    ns.n = 0;
    put_raw(&ns, "\x02\x00", 2);
    expect_bad_namespace(&ns, "bad field key");
    /* invalid UTF-8 in a string, a map value and a map key */
    meta.n = 0;
    put_str(&meta, 1, "a\xc3");
    ns.n = 0;
    put_msg(&ns, 1, &meta);
    expect_bad_namespace(&ns, "ObjectMeta.name is not valid UTF-8");
    meta.n = 0;
    put_map(&meta, 11, "k", "\xff");
    ns.n = 0;
    put_msg(&ns, 1, &meta);
    expect_bad_namespace(&ns, "labels value");
    meta.n = 0;
    put_map(&meta, 12, "\xfe", "v");
    ns.n = 0;
    put_msg(&ns, 1, &meta);
    expect_bad_namespace(&ns, "annotations key");
    meta.n = 0;
    put_map(&meta, 12, "a\0b", "v");
    /* put_map used strlen; write the NUL key by hand */
    {
        pbuf e = {.n = 0};
        put_bytes(&e, 1, "a\0b", 3);
        put_str(&e, 2, "v");
        meta.n = 0;
        put_msg(&meta, 12, &e);
    }
    ns.n = 0;
    put_msg(&ns, 1, &meta);
    expect_bad_namespace(&ns, "NUL");
    /* embedded NUL in a string value */
    meta.n = 0;
    put_bytes(&meta, 1, "a\0b", 3);
    ns.n = 0;
    put_msg(&ns, 1, &meta);
    expect_bad_namespace(&ns, "ObjectMeta.name is not valid UTF-8 or holds a NUL");
    /* times out of range */
    meta.n = 0;
    put_time(&meta, 8, 253402300800LL, 0);
    ns.n = 0;
    put_msg(&ns, 1, &meta);
    expect_bad_namespace(&ns, "creationTimestamp: time out of range");
    meta.n = 0;
    put_time(&meta, 9, -62135596801LL, 0);
    ns.n = 0;
    put_msg(&ns, 1, &meta);
    expect_bad_namespace(&ns, "out of range");
    /* Time keeps whole seconds only, as Go does, so its nanos are not
     * checked; a MicroTime's are (test descriptor below). */
    {
        pbuf body;
        meta.n = 0;
        put_time(&meta, 8, 10, 1000000000);
        ns.n = 0;
        put_msg(&ns, 1, &meta);
        envelope(&body, "v1", "Namespace", &ns);
        expect_json(body.b, body.n,
                    "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{"
                    "\"creationTimestamp\":\"1970-01-01T00:00:10Z\"},\"spec\":{},\"status\":{}}");
    }
    /* a malformed Time message */
    meta.n = 0;
    put_bytes(&meta, 8, "\x08", 1);
    ns.n = 0;
    put_msg(&ns, 1, &meta);
    expect_bad_namespace(&ns, "Time");
    /* embedded JSON that is not JSON */
    {
        pbuf mf = {.n = 0}, fv = {.n = 0};
        put_str(&fv, 1, "{not json");
        put_msg(&mf, 7, &fv);
        meta.n = 0;
        put_msg(&meta, 17, &mf);
        ns.n = 0;
        put_msg(&ns, 1, &meta);
        expect_bad_namespace(&ns, "embedded JSON");
    }
}

static void test_value_kind_errors(void **state)
{
    (void)state;
    pbuf p = {.n = 0}, sub = {.n = 0};

    put_bytes(&sub, 3, "\xff", 1);
    put_uint(&sub, 1, 1);
    put_msg(&p, 1, &sub);
    expect_test_err(&p, "IntOrString");
    p.n = 0;
    sub.n = 0;
    put_bytes(&sub, 1, "\xc0", 1);
    put_msg(&p, 2, &sub);
    expect_test_err(&p, "Quantity");
    p.n = 0;
    put_key(&p, 4, 2);
    put_varint(&p, 2);
    put_raw(&p, "\x80\x80", 2);
    expect_test_err(&p, "packed");
    p.n = 0;
    put_key(&p, 4, 2);
    put_varint(&p, 5);
    expect_test_err(&p, "packed length");
    /* packed encoding is only for repeated fields */
    p.n = 0;
    put_bytes(&p, 5, "\x01", 1);
    expect_test_err(&p, "Test.small: wire type 2");
    /* a scalar where a message belongs inside the nested walkers */
    p.n = 0;
    sub.n = 0;
    put_key(&sub, 2, 2);
    put_varint(&sub, 9);
    put_msg(&p, 1, &sub);
    expect_test_err(&p, "IntOrString");
    /* A Quantity with an empty string: Go's ParseQuantity refuses it. */
    p.n = 0;
    sub.n = 0;
    put_str(&sub, 1, "");
    put_msg(&p, 2, &sub);
    expect_test_err(&p, "Quantity is an empty string");
    /* MicroTime nanos out of range */
    p.n = 0;
    put_time(&p, 3, 10, 1000000000);
    expect_test_err(&p, "time out of range");
}

/* ---- mutation loop -------------------------------------------------------- */

/* Deterministic xorshift so failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void fuzz_one(const unsigned char *seed, size_t n)
{
    unsigned char buf[1024];
    size_t len;

    assert_true(n <= sizeof buf);
    memcpy(buf, seed, n);
    len = n;
    int edits = 1 + (int)(rng() % 4);
    for (int e = 0; e < edits; e++) {
        size_t at = 4 + (len > 4 ? rng() % (len - 4) : 0);
        switch (rng() % 5) {
        case 0: /* flip bits */
            if (at < len)
                buf[at] ^= (unsigned char)(1u << (rng() % 8));
            break;
        case 1: /* random byte */
            if (at < len)
                buf[at] = (unsigned char)rng();
            break;
        case 2: /* truncate */
            len = at;
            break;
        case 3: /* insert */
            if (len < sizeof buf && at <= len) {
                memmove(buf + at + 1, buf + at, len - at);
                buf[at] = (unsigned char)rng();
                len++;
            }
            break;
        default: /* delete */
            if (at < len) {
                memmove(buf + at, buf + at + 1, len - at - 1);
                len--;
            }
            break;
        }
    }
    /* Exact-size heap copy so ASan catches any read past the end. */
    unsigned char *heap = xmalloc(len ? len : 1);
    memcpy(heap, buf, len);
    json_t *out = NULL;
    char *err = NULL;
    int rc = pb_decode_object(heap, len, &out, &err);
    if (rc == 0) {
        assert_true(json_is_object(out));
        assert_null(err);
        assert_non_null(json_object_get(out, "kind"));
        char *s = json_dump_compact(out, NULL); /* must serialise */
        free(s);
    } else {
        assert_true(rc == EN_INVALID || rc == EN_UNSUPPORTED);
        assert_null(out);
        assert_non_null(err);
    }
    json_decref(out);
    free(err);
    free(heap);
}

static void test_mutation_loop(void **state)
{
    (void)state;
    pbuf meta, ns = {.n = 0}, full, opts = {.n = 0}, pre = {.n = 0}, dopts;

    build_full_meta(&meta);
    put_msg(&ns, 1, &meta);
    envelope(&full, "v1", "Namespace", &ns);
    put_uint(&opts, 1, 30);
    put_str(&pre, 1, "u");
    put_msg(&opts, 2, &pre);
    put_str(&opts, 4, "Foreground");
    envelope(&dopts, "v1", "DeleteOptions", &opts);
    for (int i = 0; i < 20000; i++) {
        fuzz_one(ns_x, sizeof ns_x);
        fuzz_one(full.b, full.n);
        fuzz_one(dopts.b, dopts.n);
    }
    /* and pure noise after the magic */
    for (int i = 0; i < 5000; i++) {
        unsigned char noise[64];
        size_t n = 4 + rng() % 60;
        memcpy(noise, "k8s\0", 4);
        for (size_t j = 4; j < n; j++)
            noise[j] = (unsigned char)rng();
        fuzz_one(noise, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kubectl_create_namespace),
        cmocka_unit_test(test_full_object_meta),
        cmocka_unit_test(test_namespace_status),
        cmocka_unit_test(test_delete_options),
        cmocka_unit_test(test_no_raw_bytes),
        cmocka_unit_test(test_unknown_fields_skipped),
        cmocka_unit_test(test_last_one_wins),
        cmocka_unit_test(test_value_kinds),
        cmocka_unit_test(test_nested_messages),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_zero_values_of_absent_fields),
        cmocka_unit_test(test_zero_values_on_the_wire),
        cmocka_unit_test(test_quantity_map),
        cmocka_unit_test(test_last_zero_wins),
        cmocka_unit_test(test_inline_merges_repeated_occurrences),
        cmocka_unit_test(test_registered_descriptors),
        cmocka_unit_test(test_bad_envelopes),
        cmocka_unit_test(test_unsupported),
        cmocka_unit_test(test_malformed_fields),
        cmocka_unit_test(test_value_kind_errors),
        cmocka_unit_test(test_mutation_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
