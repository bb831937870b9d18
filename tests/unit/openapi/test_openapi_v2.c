/*
 * test_openapi_v2.c -- unit tests of the OpenAPI v2 protobuf document
 * (openapi_v2.c, declared in openapi.h).
 *
 * The encoder's pieces are tested directly (varints, nested lengths across
 * varint-size boundaries, type spec and GVK list parsing with bad input).
 * The document is then decoded by an independent tag walker that knows the
 * field numbers and wire types of gnostic's OpenAPIv2.proto: every field
 * must be declared for its message, every length must fit, every oneof must
 * hold exactly one member, every schema must satisfy what kubectl's
 * kube-openapi parser demands ($ref without type or properties, resolvable
 * references, arrays with one items schema), and every vendor extension
 * must be YAML.  On top of that: what kubectl 1.27/1.28 read -- the
 * fieldValidation parameter on each kind's patch operation (checked the way
 * kubectl's QueryParamVerifier walks paths), GVKs on the kinds, patch
 * strategies and merge keys, scalar shapes -- and agreement with the v3
 * documents' paths.
 *
 * Includes the .c under test to reach its static functions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "openapi/openapi_v2.c"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- a tag walker ------------------------------------------------------- */

/* A message: bytes and length (borrowed from the document). */
struct msg {
    const unsigned char *p; /* contents */
    size_t n;               /* length */
};

/* One decoded field. */
struct fld {
    unsigned num;  /* field number */
    unsigned wire; /* wire type */
    uint64_t v;    /* varint value (wire 0) */
    struct msg m;  /* payload (wire 2) */
};

static int rd_varint(struct msg m, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;

    for (unsigned shift = 0; shift < 70; shift += 7) {
        unsigned char c;
        if (*pos >= m.n)
            return -1;
        c = m.p[(*pos)++];
        if (shift == 63 && (c & 0x7e))
            return -1; /* more than 64 bits */
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* Next field of m at *pos: 1 and *f, 0 at the end, -1 if malformed. */
static int next_field(struct msg m, size_t *pos, struct fld *f)
{
    uint64_t key, len;

    if (*pos == m.n)
        return 0;
    memset(f, 0, sizeof *f);
    if (rd_varint(m, pos, &key) != 0)
        return -1;
    f->num = (unsigned)(key >> 3);
    f->wire = (unsigned)(key & 7);
    if (f->num == 0 || key >> 3 > 536870911u)
        return -1;
    switch (f->wire) {
    case 0:
        return rd_varint(m, pos, &f->v) == 0 ? 1 : -1;
    case 1:
        if (m.n - *pos < 8)
            return -1;
        *pos += 8;
        return 1;
    case 2:
        if (rd_varint(m, pos, &len) != 0 || len > m.n - *pos)
            return -1;
        f->m.p = m.p + *pos;
        f->m.n = (size_t)len;
        *pos += (size_t)len;
        return 1;
    default:
        return -1;
    }
}

/* First field num (length-delimited) of m, into *out. */
static bool first(struct msg m, unsigned num, struct msg *out)
{
    size_t pos = 0;
    struct fld f;
    int rc;

    while ((rc = next_field(m, &pos, &f)) == 1) {
        if (f.num == num && f.wire == 2) {
            *out = f.m;
            return true;
        }
    }
    assert_int_equal(rc, 0);
    return false;
}

static size_t count(struct msg m, unsigned num)
{
    size_t pos = 0, n = 0;
    struct fld f;

    while (next_field(m, &pos, &f) == 1)
        if (f.num == num)
            n++;
    return n;
}

static bool msg_is(struct msg m, const char *s)
{
    return m.n == strlen(s) && memcmp(m.p, s, m.n) == 0;
}

/* String field num of m as a new string; NULL when absent. */
static char *str_field(struct msg m, unsigned num)
{
    struct msg s;
    return first(m, num, &s) ? xstrndup((const char *)s.p, s.n) : NULL;
}

static bool str_field_is(struct msg m, unsigned num, const char *want)
{
    char *s = str_field(m, num);
    bool eq = s && strcmp(s, want) == 0;
    free(s);
    return eq;
}

/* Does repeated string field num of m contain want? */
static bool has_string(struct msg m, unsigned num, const char *want)
{
    size_t pos = 0;
    struct fld f;

    while (next_field(m, &pos, &f) == 1)
        if (f.num == num && f.wire == 2 && msg_is(f.m, want))
            return true;
    return false;
}

/* The value of the Named* entry (repeated field num; name = 1, value = 2). */
static bool named(struct msg m, unsigned num, const char *name, struct msg *value)
{
    size_t pos = 0;
    struct fld f;

    while (next_field(m, &pos, &f) == 1) {
        struct msg nm;
        if (f.num == num && f.wire == 2 && first(f.m, 1, &nm) && msg_is(nm, name))
            return first(f.m, 2, value);
    }
    return false;
}

/* Vendor extension `name` (NamedAny in field num) parsed from its YAML;
 * NULL when absent.  New reference. */
static json_t *extension(struct msg m, unsigned num, const char *name)
{
    struct msg any;
    char *yaml, *err = NULL;
    json_t *out = NULL;

    if (!named(m, num, name, &any))
        return NULL;
    yaml = str_field(any, 2);
    assert_non_null(yaml);
    if (yaml_to_json(yaml, strlen(yaml), &out, &err) != 0)
        fail_msg("extension %s is not YAML: %s", name, err);
    free(yaml);
    return out;
}

/* The whole document as a message. */
static struct msg doc(void)
{
    size_t len = 0;
    const unsigned char *p = openapi_v2_proto(&len);
    struct msg m = {p, len};
    assert_non_null(p);
    assert_true(len > 1000);
    return m;
}

static struct msg definition(const char *name)
{
    struct msg defs, s;
    if (!first(doc(), 9, &defs) || !named(defs, 1, name, &s))
        fail_msg("no definition %s", name);
    return s;
}

static struct msg property(struct msg schema, const char *field)
{
    struct msg props, s;
    if (!first(schema, 25, &props) || !named(props, 1, field, &s))
        fail_msg("no property %s", field);
    return s;
}

static struct msg path_item(const char *path)
{
    struct msg paths, item;
    if (!first(doc(), 8, &paths) || !named(paths, 2, path, &item))
        fail_msg("no path %s", path);
    return item;
}

/* A Schema's single type ("" when it has none). */
static char *schema_type(struct msg s)
{
    struct msg t;
    if (!first(s, 22, &t))
        return xstrdup("");
    assert_int_equal(count(t, 1), 1);
    return str_field(t, 1);
}

static void assert_type(struct msg s, const char *want)
{
    char *t = schema_type(s);
    if (strcmp(t, want) != 0)
        fail_msg("type is \"%s\", want \"%s\"", t, want);
    free(t);
}

static bool json_eq_new(json_t *have, json_t *want)
{
    bool eq = have && json_equal(have, want);
    json_decref(want);
    json_decref(have);
    return eq;
}

/* ---- encoder pieces ----------------------------------------------------- */

static void test_varint(void **state)
{
    static const struct {
        uint64_t v;
        const char *hex;
    } cases[] = {
        {0, "00"},
        {1, "01"},
        {127, "7f"},
        {128, "8001"},
        {150, "9601"},
        {300, "ac02"},
        {16383, "ff7f"},
        {16384, "808001"},
        {UINT32_MAX, "ffffffff0f"},
        {(uint64_t)1 << 35, "8080808080 01"},
        {UINT64_MAX, "ffffffffffffffffff01"},
    };
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char out[10];
        char hex[32] = "";
        size_t n = varint_put(out, cases[i].v), at = 0;
        char want[32];
        size_t w = 0;
        for (const char *c = cases[i].hex; *c; c++)
            if (*c != ' ')
                want[w++] = *c;
        want[w] = '\0';
        for (size_t k = 0; k < n; k++)
            at += (size_t)snprintf(hex + at, sizeof hex - at, "%02x", out[k]);
        assert_string_equal(hex, want);
        /* and the walker's reader agrees */
        struct msg m = {out, n};
        size_t pos = 0;
        uint64_t back;
        assert_int_equal(rd_varint(m, &pos, &back), 0);
        assert_true(back == cases[i].v);
        assert_int_equal(pos, n);
    }
}

static void test_scalars_and_defaults(void **state)
{
    sbuf b;
    struct msg m;
    size_t pos = 0;
    struct fld f;
    (void)state;

    sbuf_init(&b);
    pb_str(&b, 1, NULL); /* proto3 defaults are not written */
    pb_str(&b, 2, "");
    pb_bool(&b, 3, false);
    assert_int_equal(b.len, 0);
    pb_str(&b, 1, "hi");
    pb_bool(&b, 2, true);
    pb_bytes(&b, 3, "", 0); /* a repeated element is, even when empty */
    pb_key(&b, 20, 0);
    pb_varint(&b, 300);
    m = (struct msg){(const unsigned char *)b.buf, b.len};
    assert_int_equal(next_field(m, &pos, &f), 1);
    assert_int_equal(f.num, 1);
    assert_int_equal(f.wire, 2);
    assert_true(msg_is(f.m, "hi"));
    assert_int_equal(next_field(m, &pos, &f), 1);
    assert_int_equal(f.num, 2);
    assert_int_equal(f.wire, 0);
    assert_int_equal(f.v, 1);
    assert_int_equal(next_field(m, &pos, &f), 1);
    assert_int_equal(f.num, 3);
    assert_int_equal(f.m.n, 0);
    assert_int_equal(next_field(m, &pos, &f), 1);
    assert_int_equal(f.num, 20);
    assert_int_equal(f.v, 300);
    assert_int_equal(next_field(m, &pos, &f), 0);
    /* the exact bytes: key 1/LEN "hi", key 2/VARINT 1, key 3/LEN 0, key 20 = 0xa0 0x01 */
    assert_int_equal(b.len, 12);
    assert_memory_equal(b.buf, "\x0a\x02hi\x10\x01\x1a\x00\xa0\x01\xac\x02", 12);
    sbuf_release(&b);
}

/* Nested messages whose lengths cross varint size boundaries keep their
 * bytes and get minimal lengths. */
static void test_nested_lengths(void **state)
{
    static const size_t sizes[] = {0, 1, 127, 128, 129, 16383, 16384, 70000};
    (void)state;

    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        sbuf b;
        char *payload = xmalloc(sizes[i] + 1);
        size_t outer, inner, pos = 0;
        struct msg m, in;
        struct fld f;

        for (size_t k = 0; k < sizes[i]; k++)
            payload[k] = (char)('a' + k % 26);
        sbuf_init(&b);
        pb_str(&b, 1, "before");
        outer = pb_open(&b, 2);
        pb_str(&b, 1, "x");
        inner = pb_open(&b, 7);
        sbuf_append(&b, payload, sizes[i]);
        pb_close(&b, inner);
        pb_close(&b, outer);
        pb_str(&b, 3, "after");
        m = (struct msg){(const unsigned char *)b.buf, b.len};
        assert_true(str_field_is(m, 1, "before"));
        assert_true(str_field_is(m, 3, "after"));
        assert_true(first(m, 2, &in));
        assert_true(str_field_is(in, 1, "x"));
        assert_true(first(in, 7, &in));
        assert_int_equal(in.n, sizes[i]);
        if (sizes[i])
            assert_memory_equal(in.p, payload, sizes[i]);
        /* minimal length prefix: total = fields + payload + varint sizes */
        {
            unsigned char t[10];
            size_t inner_len = 1 + varint_put(t, sizes[i]) + sizes[i];
            size_t outer_len = 3 + inner_len;
            size_t total = 8 + 1 + varint_put(t, outer_len) + outer_len + 7;
            assert_int_equal(b.len, total);
        }
        while (next_field(m, &pos, &f) == 1)
            ;
        assert_int_equal(pos, m.n);
        free(payload);
        sbuf_release(&b);
    }
}

static void test_walker_rejects_garbage(void **state)
{
    static const struct {
        const char *bytes;
        size_t n;
    } bad[] = {
        {"\x0a\x05hi", 4},                                    /* length past the end */
        {"\x0a", 1},                                          /* no length */
        {"\x08", 1},                                          /* no varint */
        {"\x08\xff\xff", 3},                                  /* unterminated varint */
        {"\x0b\x00", 2},                                      /* wire type 3 */
        {"\x00\x00", 2},                                      /* field 0 */
        {"\x09\x01\x02", 3},                                  /* short fixed64 */
        {"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 11}, /* > 64 bits */
    };
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct msg m = {(const unsigned char *)bad[i].bytes, bad[i].n};
        size_t pos = 0;
        struct fld f;
        int rc;
        while ((rc = next_field(m, &pos, &f)) == 1)
            ;
        if (rc != -1)
            fail_msg("garbage case %zu accepted", i);
    }
}

static void test_parse_spec(void **state)
{
    static const struct {
        const char *spec;
        enum vshape shape;
        enum vkind kind;
        const char *name;
        const char *enums;
    } good[] = {
        {"string", VS_SINGLE, VK_SCALAR, "string", NULL},
        {"int32", VS_SINGLE, VK_SCALAR, "int32", NULL},
        {"int64", VS_SINGLE, VK_SCALAR, "int64", NULL},
        {"bool", VS_SINGLE, VK_SCALAR, "bool", NULL},
        {"double", VS_SINGLE, VK_SCALAR, "double", NULL},
        {"byte", VS_SINGLE, VK_SCALAR, "byte", NULL},
        {"any", VS_SINGLE, VK_ANY, "any", NULL},
        {"{}any", VS_MAP, VK_ANY, "any", NULL},
        {"PodSpec", VS_SINGLE, VK_REF, "PodSpec", NULL},
        {"[]Container", VS_ARRAY, VK_REF, "Container", NULL},
        {"{}Quantity", VS_MAP, VK_REF, "Quantity", NULL},
        {"[]string", VS_ARRAY, VK_SCALAR, "string", NULL},
        {"{}string", VS_MAP, VK_SCALAR, "string", NULL},
        {"string|OnDelete|RollingUpdate", VS_SINGLE, VK_SCALAR, "string",
         "|OnDelete|RollingUpdate"},
        {"string||File", VS_SINGLE, VK_SCALAR, "string", "||File"},
        {"string|", VS_SINGLE, VK_SCALAR, "string", "|"},
        {"[]string|A", VS_ARRAY, VK_SCALAR, "string", "|A"},
        {"strings", VS_SINGLE, VK_REF, "strings", NULL}, /* not a scalar: a schema name */
        {"HTTPGetAction", VS_SINGLE, VK_REF, "HTTPGetAction", NULL},
    };
    static const char *const bad[] = {
        "",        "[]",    "{}",        "[][]string", "{}[]Container",
        "[]{}any", "Pod|A", "any|x",     "Pod Spec",   "io.k8s.api.core.v1.Pod",
        "|A",      "[]|A",  "string |A", "-",          "[",
        "{}{}",
    };
    struct vspec v;
    (void)state;

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (parse_spec(good[i].spec, &v) != EN_OK)
            fail_msg("\"%s\" rejected", good[i].spec);
        assert_int_equal(v.shape, good[i].shape);
        assert_int_equal(v.kind, good[i].kind);
        assert_true(name_is(&v, good[i].name));
        if (good[i].enums)
            assert_string_equal(v.enums, good[i].enums);
        else
            assert_null(v.enums);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (parse_spec(bad[i], &v) != EN_INVALID)
            fail_msg("\"%s\" accepted", bad[i]);
    assert_int_equal(parse_spec(NULL, &v), EN_INVALID);
}

static void test_gvk_list(void **state)
{
    static const char *const bad[] = {
        "",         "   ",     "apps/DaemonSet", "apps//DaemonSet",
        "apps/v1/", "a/b/c/d", "apps/v1/X junk", "DaemonSet",
        "/v1/",
    };
    json_t *out = (json_t *)1;
    (void)state;

    assert_int_equal(gvk_list_json("apps/v1/DaemonSet", &out), EN_OK);
    assert_true(json_eq_new(
        out, json_pack("[{s:s,s:s,s:s}]", "group", "apps", "kind", "DaemonSet", "version", "v1")));
    assert_int_equal(gvk_list_json("/v1/Pod", &out), EN_OK);
    assert_true(json_eq_new(
        out, json_pack("[{s:s,s:s,s:s}]", "group", "", "kind", "Pod", "version", "v1")));
    assert_int_equal(gvk_list_json("  /v1/DeleteOptions   apps/v1/DeleteOptions ", &out), EN_OK);
    assert_true(json_eq_new(out, json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s}]", "group", "", "kind",
                                           "DeleteOptions", "version", "v1", "group", "apps",
                                           "kind", "DeleteOptions", "version", "v1")));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        out = (json_t *)1;
        if (gvk_list_json(bad[i], &out) != EN_INVALID)
            fail_msg("gvk list \"%s\" accepted", bad[i]);
        assert_null(out);
    }
    assert_int_equal(gvk_list_json(NULL, &out), EN_INVALID);
}

/* ---- the whole document against OpenAPIv2.proto ---------------------- */

/* Message types of the descriptor table below. */
enum mt {
    M_OPAQUE = 0, /* declared but not walked */
    M_DOC,
    M_INFO,
    M_PATHS,
    M_NAMED_PATH_ITEM,
    M_PATH_ITEM,
    M_OPERATION,
    M_PARAMS_ITEM,
    M_PARAMETER,
    M_BODY,
    M_NON_BODY,
    M_QUERY,
    M_PATH_PARAM, /* also HeaderParameterSubSchema: same layout */
    M_RESPONSES,
    M_NAMED_RV,
    M_RV,
    M_RESPONSE,
    M_SCHEMA_ITEM,
    M_SCHEMA,
    M_ITEMS,
    M_ADDL,
    M_PROPS,
    M_NAMED_SCHEMA,
    M_TYPE_ITEM,
    M_NAMED_ANY,
    M_ANY,
    M_JSON_REF,
    M_COUNT,
};

/* 'S' string/bytes, 'V' varint, 'D' double, 'M' message. */
struct fdesc {
    unsigned num; /* field number; 0 ends */
    char t;       /* wire kind */
    enum mt sub;  /* 'M' only */
};

/* Field numbers and types copied from gnostic's openapiv2/OpenAPIv2.proto. */
static const struct fdesc *desc_of(enum mt t)
{
    static const struct fdesc doc_f[] = {
        {1, 'S', 0},       {2, 'M', M_INFO}, {3, 'S', 0},  {4, 'S', 0},
        {5, 'S', 0},       {6, 'S', 0},      {7, 'S', 0},  {8, 'M', M_PATHS},
        {9, 'M', M_PROPS}, {10, 'M', 0},     {11, 'M', 0}, {12, 'M', 0},
        {13, 'M', 0},      {14, 'M', 0},     {15, 'M', 0}, {16, 'M', M_NAMED_ANY},
        {0, 0, 0}};
    static const struct fdesc info_f[] = {{1, 'S', 0},           {2, 'S', 0}, {3, 'S', 0},
                                          {4, 'S', 0},           {5, 'M', 0}, {6, 'M', 0},
                                          {7, 'M', M_NAMED_ANY}, {0, 0, 0}};
    static const struct fdesc paths_f[] = {
        {1, 'M', M_NAMED_ANY}, {2, 'M', M_NAMED_PATH_ITEM}, {0, 0, 0}};
    static const struct fdesc named_path_f[] = {{1, 'S', 0}, {2, 'M', M_PATH_ITEM}, {0, 0, 0}};
    static const struct fdesc path_item_f[] = {{1, 'S', 0},
                                               {2, 'M', M_OPERATION},
                                               {3, 'M', M_OPERATION},
                                               {4, 'M', M_OPERATION},
                                               {5, 'M', M_OPERATION},
                                               {6, 'M', M_OPERATION},
                                               {7, 'M', M_OPERATION},
                                               {8, 'M', M_OPERATION},
                                               {9, 'M', M_PARAMS_ITEM},
                                               {10, 'M', M_NAMED_ANY},
                                               {0, 0, 0}};
    static const struct fdesc op_f[] = {{1, 'S', 0},
                                        {2, 'S', 0},
                                        {3, 'S', 0},
                                        {4, 'M', 0},
                                        {5, 'S', 0},
                                        {6, 'S', 0},
                                        {7, 'S', 0},
                                        {8, 'M', M_PARAMS_ITEM},
                                        {9, 'M', M_RESPONSES},
                                        {10, 'S', 0},
                                        {11, 'V', 0},
                                        {12, 'M', 0},
                                        {13, 'M', M_NAMED_ANY},
                                        {0, 0, 0}};
    static const struct fdesc params_item_f[] = {
        {1, 'M', M_PARAMETER}, {2, 'M', M_JSON_REF}, {0, 0, 0}};
    static const struct fdesc parameter_f[] = {{1, 'M', M_BODY}, {2, 'M', M_NON_BODY}, {0, 0, 0}};
    static const struct fdesc body_f[] = {{1, 'S', 0}, {2, 'S', 0},        {3, 'S', 0},
                                          {4, 'V', 0}, {5, 'M', M_SCHEMA}, {6, 'M', M_NAMED_ANY},
                                          {0, 0, 0}};
    static const struct fdesc non_body_f[] = {
        {1, 'M', M_PATH_PARAM}, {2, 'M', 0}, {3, 'M', M_QUERY}, {4, 'M', M_PATH_PARAM}, {0, 0, 0}};
    static const struct fdesc query_f[] = {{1, 'V', 0},
                                           {2, 'S', 0},
                                           {3, 'S', 0},
                                           {4, 'S', 0},
                                           {5, 'V', 0},
                                           {6, 'S', 0},
                                           {7, 'S', 0},
                                           {8, 'M', 0},
                                           {9, 'S', 0},
                                           {10, 'M', M_ANY},
                                           {11, 'D', 0},
                                           {12, 'V', 0},
                                           {13, 'D', 0},
                                           {14, 'V', 0},
                                           {15, 'V', 0},
                                           {16, 'V', 0},
                                           {17, 'S', 0},
                                           {18, 'V', 0},
                                           {19, 'V', 0},
                                           {20, 'V', 0},
                                           {21, 'M', M_ANY},
                                           {22, 'D', 0},
                                           {23, 'M', M_NAMED_ANY},
                                           {0, 0, 0}};
    static const struct fdesc path_param_f[] = {{1, 'V', 0},     {2, 'S', 0},
                                                {3, 'S', 0},     {4, 'S', 0},
                                                {5, 'S', 0},     {6, 'S', 0},
                                                {7, 'M', 0},     {8, 'S', 0},
                                                {9, 'M', M_ANY}, {10, 'D', 0},
                                                {11, 'V', 0},    {12, 'D', 0},
                                                {13, 'V', 0},    {14, 'V', 0},
                                                {15, 'V', 0},    {16, 'S', 0},
                                                {17, 'V', 0},    {18, 'V', 0},
                                                {19, 'V', 0},    {20, 'M', M_ANY},
                                                {21, 'D', 0},    {22, 'M', M_NAMED_ANY},
                                                {0, 0, 0}};
    static const struct fdesc responses_f[] = {
        {1, 'M', M_NAMED_RV}, {2, 'M', M_NAMED_ANY}, {0, 0, 0}};
    static const struct fdesc named_rv_f[] = {{1, 'S', 0}, {2, 'M', M_RV}, {0, 0, 0}};
    static const struct fdesc rv_f[] = {{1, 'M', M_RESPONSE}, {2, 'M', M_JSON_REF}, {0, 0, 0}};
    static const struct fdesc response_f[] = {{1, 'S', 0}, {2, 'M', M_SCHEMA_ITEM}, {3, 'M', 0},
                                              {4, 'M', 0}, {5, 'M', M_NAMED_ANY},   {0, 0, 0}};
    static const struct fdesc schema_item_f[] = {{1, 'M', M_SCHEMA}, {2, 'M', 0}, {0, 0, 0}};
    static const struct fdesc schema_f[] = {{1, 'S', 0},
                                            {2, 'S', 0},
                                            {3, 'S', 0},
                                            {4, 'S', 0},
                                            {5, 'M', M_ANY},
                                            {6, 'D', 0},
                                            {7, 'D', 0},
                                            {8, 'V', 0},
                                            {9, 'D', 0},
                                            {10, 'V', 0},
                                            {11, 'V', 0},
                                            {12, 'V', 0},
                                            {13, 'S', 0},
                                            {14, 'V', 0},
                                            {15, 'V', 0},
                                            {16, 'V', 0},
                                            {17, 'V', 0},
                                            {18, 'V', 0},
                                            {19, 'S', 0},
                                            {20, 'M', M_ANY},
                                            {21, 'M', M_ADDL},
                                            {22, 'M', M_TYPE_ITEM},
                                            {23, 'M', M_ITEMS},
                                            {24, 'M', M_SCHEMA},
                                            {25, 'M', M_PROPS},
                                            {26, 'S', 0},
                                            {27, 'V', 0},
                                            {28, 'M', 0},
                                            {29, 'M', 0},
                                            {30, 'M', M_ANY},
                                            {31, 'M', M_NAMED_ANY},
                                            {0, 0, 0}};
    static const struct fdesc items_f[] = {{1, 'M', M_SCHEMA}, {0, 0, 0}};
    static const struct fdesc addl_f[] = {{1, 'M', M_SCHEMA}, {2, 'V', 0}, {0, 0, 0}};
    /* Properties and Definitions: repeated NamedSchema additional_properties = 1 */
    static const struct fdesc props_f[] = {{1, 'M', M_NAMED_SCHEMA}, {0, 0, 0}};
    static const struct fdesc named_schema_f[] = {{1, 'S', 0}, {2, 'M', M_SCHEMA}, {0, 0, 0}};
    static const struct fdesc type_item_f[] = {{1, 'S', 0}, {0, 0, 0}};
    static const struct fdesc named_any_f[] = {{1, 'S', 0}, {2, 'M', M_ANY}, {0, 0, 0}};
    static const struct fdesc any_f[] = {{1, 'M', 0}, {2, 'S', 0}, {0, 0, 0}};
    static const struct fdesc json_ref_f[] = {{1, 'S', 0}, {2, 'S', 0}, {0, 0, 0}};
    static const struct fdesc *const all[M_COUNT] = {
        [M_DOC] = doc_f,
        [M_INFO] = info_f,
        [M_PATHS] = paths_f,
        [M_NAMED_PATH_ITEM] = named_path_f,
        [M_PATH_ITEM] = path_item_f,
        [M_OPERATION] = op_f,
        [M_PARAMS_ITEM] = params_item_f,
        [M_PARAMETER] = parameter_f,
        [M_BODY] = body_f,
        [M_NON_BODY] = non_body_f,
        [M_QUERY] = query_f,
        [M_PATH_PARAM] = path_param_f,
        [M_RESPONSES] = responses_f,
        [M_NAMED_RV] = named_rv_f,
        [M_RV] = rv_f,
        [M_RESPONSE] = response_f,
        [M_SCHEMA_ITEM] = schema_item_f,
        [M_SCHEMA] = schema_f,
        [M_ITEMS] = items_f,
        [M_ADDL] = addl_f,
        [M_PROPS] = props_f,
        [M_NAMED_SCHEMA] = named_schema_f,
        [M_TYPE_ITEM] = type_item_f,
        [M_NAMED_ANY] = named_any_f,
        [M_ANY] = any_f,
        [M_JSON_REF] = json_ref_f,
    };
    return all[t];
}

/* What the walk saw. */
struct walk {
    hmap defs;      /* definition names (values unused) */
    size_t schemas; /* Schema messages checked */
    size_t refs;    /* of them, references */
    size_t exts;    /* vendor extensions parsed */
    size_t ops;     /* operations */
};

static void check_schema(struct walk *w, struct msg s)
{
    struct msg t, items;
    char *ref = str_field(s, 1);
    size_t pos = 0;
    struct fld f;

    w->schemas++;
    if (first(s, 22, &t)) {
        size_t n = count(t, 1);
        char *type = str_field(t, 1);
        static const char *const ok[] = {"object",  "array",   "string",
                                         "integer", "boolean", "number"};
        bool known = false;
        assert_int_equal(n, 1);
        for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
            known = known || strcmp(type, ok[i]) == 0;
        if (!known)
            fail_msg("schema type \"%s\"", type);
        if (strcmp(type, "array") == 0) {
            /* kube-openapi: an array has exactly one items schema */
            assert_true(first(s, 23, &items));
            assert_int_equal(count(items, 1), 1);
        }
        free(type);
    }
    if (ref) {
        /* kube-openapi refuses a $ref with a type or properties beside it */
        w->refs++;
        assert_false(first(s, 22, &t));
        assert_int_equal(count(s, 25), 0);
        if (strncmp(ref, "#/definitions/", 14) != 0 || !hmap_get(&w->defs, ref + 14))
            fail_msg("dangling reference %s", ref);
        free(ref);
    }
    assert_true(count(s, 23) <= 1);
    while (next_field(s, &pos, &f) == 1)
        assert_true(f.num != 1 || f.m.n > 0);
}

static void check_named_any(struct walk *w, struct msg m)
{
    char *name = str_field(m, 1);
    json_t *v;

    struct msg any;
    char *yaml, *err = NULL;

    assert_non_null(name);
    assert_int_equal(strncmp(name, "x-", 2), 0);
    assert_true(first(m, 2, &any));
    yaml = str_field(any, 2);
    assert_non_null(yaml);
    if (yaml_to_json(yaml, strlen(yaml), &v, &err) != 0)
        fail_msg("%s is not YAML: %s", name, err);
    json_decref(v);
    free(yaml);
    w->exts++;
    free(name);
}

/* Walk m as message type t, checking every field against OpenAPIv2.proto. */
static void walk(struct walk *w, struct msg m, enum mt t, int depth)
{
    const struct fdesc *d = desc_of(t);
    size_t pos = 0;
    struct fld f;
    int rc;

    assert_true(depth < 64);
    if (t == M_PARAMS_ITEM || t == M_PARAMETER || t == M_NON_BODY || t == M_RV ||
        t == M_SCHEMA_ITEM) {
        /* a oneof: exactly one member set */
        size_t n = 0;
        while (next_field(m, &pos, &f) == 1)
            n++;
        assert_int_equal(n, 1);
        pos = 0;
    }
    if (t == M_SCHEMA)
        check_schema(w, m);
    if (t == M_NAMED_ANY)
        check_named_any(w, m);
    if (t == M_OPERATION)
        w->ops++;
    while ((rc = next_field(m, &pos, &f)) == 1) {
        const struct fdesc *fd = d;
        unsigned want;
        while (fd->num && fd->num != f.num)
            fd++;
        if (!fd->num)
            fail_msg("message type %d has no field %u", (int)t, f.num);
        want = fd->t == 'V' ? 0 : fd->t == 'D' ? 1 : 2;
        if (f.wire != want)
            fail_msg("message type %d field %u: wire type %u, want %u", (int)t, f.num, f.wire,
                     want);
        if (fd->t == 'M' && fd->sub != M_OPAQUE)
            walk(w, f.m, fd->sub, depth + 1);
    }
    assert_int_equal(rc, 0);
}

static void test_document_walk(void **state)
{
    struct msg d = doc(), defs;
    struct walk w;
    size_t pos = 0, ntypes = 0;
    struct fld f;
    (void)state;

    memset(&w, 0, sizeof w);
    hmap_init(&w.defs);
    assert_true(first(d, 9, &defs));
    while (next_field(defs, &pos, &f) == 1) {
        char *name = str_field(f.m, 1);
        assert_non_null(name);
        if (hmap_put(&w.defs, name, (void *)1))
            fail_msg("definition %s twice", name);
        free(name);
    }
    walk(&w, d, M_DOC, 0);
    /* every table entry is defined */
    for (const struct oa_type *const *tb = v2_tables(); *tb; tb++) {
        for (const struct oa_type *t = *tb; t->name; t++) {
            ntypes++;
            if (!hmap_get(&w.defs, t->name))
                fail_msg("no definition for %s", t->name);
        }
    }
    assert_int_equal(w.defs.len, ntypes);
    assert_true(w.schemas > 1000);
    assert_true(w.refs > 300);
    assert_true(w.ops > 50);
    assert_true(w.exts > w.ops);
    hmap_release(&w.defs);
}

static void test_document_header(void **state)
{
    struct msg d = doc(), info;
    size_t len = 0;
    (void)state;

    assert_true(str_field_is(d, 1, "2.0"));
    assert_true(first(d, 2, &info));
    assert_true(str_field_is(info, 1, "Kubernetes"));
    assert_true(str_field_is(info, 2, "v1.32.0"));
    assert_int_equal(count(d, 1), 1);
    assert_int_equal(count(d, 8), 1);
    assert_int_equal(count(d, 9), 1);
    /* cached: same bytes every call; len is optional */
    assert_ptr_equal(openapi_v2_proto(NULL), d.p);
    assert_ptr_equal(openapi_v2_proto(&len), d.p);
    assert_int_equal(len, d.n);
}

/* ---- what kubectl reads ------------------------------------------------- */

static const struct {
    const char *group, *kind, *item_path;
} kinds[] = {
    {"", "Namespace", "/api/v1/namespaces/{name}"},
    {"", "Node", "/api/v1/nodes/{name}"},
    {"", "Pod", "/api/v1/namespaces/{namespace}/pods/{name}"},
    {"", "Event", "/api/v1/namespaces/{namespace}/events/{name}"},
    {"", "Service", "/api/v1/namespaces/{namespace}/services/{name}"},
    {"apps", "DaemonSet", "/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}"},
    {"apps", "ControllerRevision",
     "/apis/apps/v1/namespaces/{namespace}/controllerrevisions/{name}"},
    {"coordination.k8s.io", "Lease",
     "/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}"},
};

/* kubectl's QueryParamVerifier: the first path whose patch operation's
 * x-kubernetes-group-version-kind is the kind decides; true when it lists
 * the query parameter.  -1 when no path names the kind. */
static int supports_query_param(const char *group, const char *kind, const char *param)
{
    struct msg paths, op;
    size_t pos = 0;
    struct fld f;

    assert_true(first(doc(), 8, &paths));
    while (next_field(paths, &pos, &f) == 1) {
        struct msg item;
        json_t *gvk;
        size_t ppos = 0;
        struct fld p;
        if (f.num != 2 || !first(f.m, 2, &item) || !first(item, 8, &op))
            continue;
        gvk = extension(op, 13, "x-kubernetes-group-version-kind");
        if (!gvk)
            continue;
        if (!json_eq_new(gvk,
                         json_pack("{s:s,s:s,s:s}", "group", group, "kind", kind, "version", "v1")))
            continue;
        while (next_field(op, &ppos, &p) == 1) {
            struct msg par, nb, q;
            if (p.num == 8 && first(p.m, 1, &par) && first(par, 2, &nb) && first(nb, 3, &q) &&
                str_field_is(q, 4, param))
                return 1;
        }
        return 0;
    }
    return -1;
}

static void test_field_validation_supported(void **state)
{
    (void)state;

    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (supports_query_param(kinds[i].group, kinds[i].kind, "fieldValidation") != 1)
            fail_msg("%s: patch lacks fieldValidation", kinds[i].kind);
        assert_int_equal(supports_query_param(kinds[i].group, kinds[i].kind, "bogus"), 0);
    }
    assert_int_equal(supports_query_param("apps", "Deployment", "fieldValidation"), -1);
    assert_int_equal(supports_query_param("", "DaemonSet", "fieldValidation"), -1);
}

static void test_patch_operation(void **state)
{
    (void)state;

    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        struct msg item = path_item(kinds[i].item_path), op, q;
        json_t *action;
        assert_true(first(item, 8, &op));
        assert_true(has_string(op, 7, "application/strategic-merge-patch+json"));
        assert_true(has_string(op, 7, "application/merge-patch+json"));
        assert_true(has_string(op, 7, "application/json-patch+json"));
        assert_true(has_string(op, 6, "application/json"));
        assert_true(has_string(op, 10, "https"));
        assert_int_equal(count(op, 5), 1); /* operationId */
        action = extension(op, 13, "x-kubernetes-action");
        assert_true(json_eq_new(action, json_string("patch")));
        /* the fieldValidation parameter is a query string */
        {
            size_t pos = 0;
            struct fld p;
            bool found = false;
            while (next_field(op, &pos, &p) == 1) {
                struct msg par, nb;
                if (p.num == 8 && first(p.m, 1, &par) && first(par, 2, &nb) && first(nb, 3, &q) &&
                    str_field_is(q, 4, "fieldValidation")) {
                    assert_true(str_field_is(q, 2, "query"));
                    assert_true(str_field_is(q, 6, "string"));
                    found = true;
                }
            }
            assert_true(found);
        }
        /* name (and namespace) are required path parameters of the path item */
        {
            size_t pos = 0, n = 0;
            struct fld p;
            while (next_field(item, &pos, &p) == 1) {
                struct msg par, nb, pp;
                if (p.num != 9)
                    continue;
                assert_true(first(p.m, 1, &par) && first(par, 2, &nb) && first(nb, 4, &pp));
                assert_true(str_field_is(pp, 2, "path"));
                assert_true(str_field_is(pp, 5, "string"));
                assert_true(str_field_is(pp, 4, "name") || str_field_is(pp, 4, "namespace"));
                assert_int_equal(count(pp, 1), 1); /* required = true */
                n++;
            }
            assert_int_equal(n, strstr(kinds[i].item_path, "{namespace}") ? 2 : 1);
        }
    }
}

static void test_create_body_and_responses(void **state)
{
    struct msg item = path_item("/apis/apps/v1/namespaces/{namespace}/daemonsets"), op, par, bp,
               sch, resp, r, si, s2;
    size_t pos = 0;
    struct fld p;
    bool body = false;
    (void)state;

    assert_true(first(item, 4, &op)); /* post */
    assert_true(has_string(op, 7, "*/*"));
    while (next_field(op, &pos, &p) == 1) {
        if (p.num == 8 && first(p.m, 1, &par) && first(par, 1, &bp)) {
            assert_true(str_field_is(bp, 2, "body"));
            assert_true(str_field_is(bp, 3, "body"));
            assert_int_equal(count(bp, 4), 1);
            assert_true(first(bp, 5, &sch));
            assert_true(str_field_is(sch, 1, "#/definitions/io.k8s.api.apps.v1.DaemonSet"));
            body = true;
        }
    }
    assert_true(body);
    assert_true(first(op, 9, &resp));
    assert_true(named(resp, 1, "201", &r));
    assert_true(first(r, 1, &r));
    assert_true(str_field_is(r, 1, "OK"));
    assert_true(first(r, 2, &si) && first(si, 1, &s2));
    assert_true(str_field_is(s2, 1, "#/definitions/io.k8s.api.apps.v1.DaemonSet"));
    assert_true(named(resp, 1, "401", &r));
    assert_true(first(r, 1, &r));
    assert_false(first(r, 2, &si));
    /* list answers with the list kind; the all-namespaces path has only get */
    item = path_item("/apis/apps/v1/daemonsets");
    assert_true(first(item, 2, &op));
    assert_false(first(item, 3, &r) || first(item, 4, &r) || first(item, 5, &r) ||
                 first(item, 8, &r));
    assert_true(first(op, 9, &resp) && named(resp, 1, "200", &r) && first(r, 1, &r) &&
                first(r, 2, &si) && first(si, 1, &s2));
    assert_true(str_field_is(s2, 1, "#/definitions/io.k8s.api.apps.v1.DaemonSetList"));
    /* delete takes DeleteOptions, not required */
    item = path_item("/api/v1/nodes/{name}");
    assert_true(first(item, 5, &op));
    pos = 0;
    body = false;
    while (next_field(op, &pos, &p) == 1) {
        if (p.num == 8 && first(p.m, 1, &par) && first(par, 1, &bp)) {
            assert_int_equal(count(bp, 4), 0);
            assert_true(first(bp, 5, &sch));
            assert_true(str_field_is(
                sch, 1, "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"));
            body = true;
        }
    }
    assert_true(body);
}

/* The v2 paths and operations are exactly the v3 documents'. */
static void test_paths_match_v3(void **state)
{
    static const char *const methods[] = {NULL,     NULL,      "get",  "put",  "post",
                                          "delete", "options", "head", "patch"};
    json_t *gvs = json_object_get(openapi_index(), "paths");
    struct msg paths;
    size_t pos = 0, n2 = 0, n3 = 0;
    struct fld f;
    const char *gv;
    json_t *unused;
    (void)state;

    json_object_foreach(gvs, gv, unused)
    {
        n3 += json_object_size(json_object_get(openapi_group_doc(gv), "paths"));
    }
    assert_true(first(doc(), 8, &paths));
    while (next_field(paths, &pos, &f) == 1) {
        char *name = str_field(f.m, 1);
        struct msg item;
        json_t *v3 = NULL;
        assert_true(first(f.m, 2, &item));
        json_object_foreach(gvs, gv, unused)
        {
            json_t *p = json_object_get(json_object_get(openapi_group_doc(gv), "paths"), name);
            if (p)
                v3 = p;
        }
        if (!v3)
            fail_msg("v2 path %s is not in v3", name);
        for (unsigned m = 2; m <= 8; m++) {
            struct msg op;
            json_t *op3 = json_object_get(v3, methods[m]);
            bool has = first(item, m, &op);
            if (has != (op3 != NULL))
                fail_msg("%s %s: v2 %d, v3 %d", name, methods[m], has, op3 != NULL);
            if (has) {
                assert_true(
                    str_field_is(op, 5, json_string_value(json_object_get(op3, "operationId"))));
                assert_int_equal(count(op, 8) - (json_object_get(op3, "requestBody") ? 1 : 0),
                                 json_array_size(json_object_get(op3, "parameters")));
            }
        }
        free(name);
        n2++;
    }
    assert_int_equal(n2, n3);
}

/* ---- definitions -------------------------------------------------------- */

static void test_kind_definitions(void **state)
{
    struct msg ds = definition("io.k8s.api.apps.v1.DaemonSet"), p;
    char *s;
    (void)state;

    assert_type(ds, "object");
    s = str_field(ds, 4);
    assert_non_null(s);
    assert_true(strlen(s) > 10);
    free(s);
    assert_true(json_eq_new(
        extension(ds, 31, "x-kubernetes-group-version-kind"),
        json_pack("[{s:s,s:s,s:s}]", "group", "apps", "kind", "DaemonSet", "version", "v1")));
    p = property(ds, "metadata");
    assert_true(
        str_field_is(p, 1, "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
    assert_type(p, "");
    s = str_field(p, 4);
    assert_non_null(s);
    free(s);
    p = property(ds, "spec");
    assert_true(str_field_is(p, 1, "#/definitions/io.k8s.api.apps.v1.DaemonSetSpec"));
    assert_type(property(ds, "apiVersion"), "string");
    assert_type(property(ds, "kind"), "string");
    /* properties sorted by name */
    {
        struct msg props;
        size_t pos = 0;
        struct fld f;
        char *prev = xstrdup("");
        assert_true(first(ds, 25, &props));
        assert_int_equal(count(props, 1), 5);
        while (next_field(props, &pos, &f) == 1) {
            char *name = str_field(f.m, 1);
            assert_true(strcmp(prev, name) < 0);
            free(prev);
            prev = name;
        }
        free(prev);
    }
    /* required */
    p = definition("io.k8s.api.apps.v1.DaemonSetSpec");
    assert_true(has_string(p, 19, "selector"));
    assert_true(has_string(p, 19, "template"));
    assert_int_equal(count(p, 19), 2);
    assert_null(extension(p, 31, "x-kubernetes-group-version-kind"));
    /* core kinds: group "" */
    assert_true(json_eq_new(
        extension(definition("io.k8s.api.core.v1.Pod"), 31, "x-kubernetes-group-version-kind"),
        json_pack("[{s:s,s:s,s:s}]", "group", "", "kind", "Pod", "version", "v1")));
    /* several GVKs on one definition */
    {
        json_t *g = extension(definition("io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"), 31,
                              "x-kubernetes-group-version-kind");
        assert_true(json_array_size(g) >= 3);
        json_decref(g);
    }
    /* the list kinds are kinds too (kubectl looks up DaemonSetList) */
    assert_true(json_eq_new(
        extension(definition("io.k8s.api.apps.v1.DaemonSetList"), 31,
                  "x-kubernetes-group-version-kind"),
        json_pack("[{s:s,s:s,s:s}]", "group", "apps", "kind", "DaemonSetList", "version", "v1")));
}

/* Extension value as a string ("" when absent). */
static char *ext_str(struct msg s, const char *name)
{
    json_t *v = extension(s, 31, name);
    char *out = xstrdup(json_is_string(v) ? json_string_value(v) : "");
    json_decref(v);
    return out;
}

static void test_patch_metadata(void **state)
{
    static const struct {
        const char *def, *field, *strategy, *key;
    } cases[] = {
        {"io.k8s.api.core.v1.PodSpec", "containers", "merge", "name"},
        {"io.k8s.api.core.v1.PodSpec", "initContainers", "merge", "name"},
        {"io.k8s.api.core.v1.PodSpec", "volumes", "merge,retainKeys", "name"},
        {"io.k8s.api.core.v1.PodSpec", "imagePullSecrets", "merge", "name"},
        {"io.k8s.api.core.v1.PodSpec", "tolerations", "", ""},
        {"io.k8s.api.core.v1.PodSpec", "nodeSelector", "", ""},
        {"io.k8s.api.core.v1.Container", "ports", "merge", "containerPort"},
        {"io.k8s.api.core.v1.Container", "env", "merge", "name"},
        {"io.k8s.api.core.v1.Container", "volumeMounts", "merge", "mountPath"},
        {"io.k8s.api.core.v1.Container", "args", "", ""},
        {"io.k8s.api.core.v1.Container", "resizePolicy", "", ""},
        {"io.k8s.api.core.v1.EphemeralContainer", "env", "merge", "name"},
        {"io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "finalizers", "merge", ""},
        {"io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "ownerReferences", "merge", "uid"},
        {"io.k8s.api.core.v1.NodeSpec", "podCIDRs", "merge", ""},
        {"io.k8s.api.core.v1.NodeSpec", "taints", "", ""},
        {"io.k8s.api.apps.v1.DaemonSetStatus", "conditions", "merge", "type"},
        {"io.k8s.api.core.v1.NamespaceSpec", "finalizers", "", ""},
    };
    struct type_index ix;
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct msg p = property(definition(cases[i].def), cases[i].field);
        char *st = ext_str(p, "x-kubernetes-patch-strategy");
        char *key = ext_str(p, "x-kubernetes-patch-merge-key");
        if (strcmp(st, cases[i].strategy) != 0 || strcmp(key, cases[i].key) != 0)
            fail_msg("%s.%s: strategy \"%s\" key \"%s\"", cases[i].def, cases[i].field, st, key);
        free(st);
        free(key);
    }
    /* containers: a list of Container references */
    {
        struct msg p = property(definition("io.k8s.api.core.v1.PodSpec"), "containers"), it, s;
        assert_type(p, "array");
        assert_true(first(p, 23, &it) && first(it, 1, &s));
        assert_true(str_field_is(s, 1, "#/definitions/io.k8s.api.core.v1.Container"));
        assert_int_equal(count(s, 4), 0); /* no description on the element */
    }
    /* every rule names a real field */
    index_init(&ix);
    assert_int_equal(patch_rules_unmatched(&ix), 0);
    assert_non_null(patch_rule_for("PodSpec", "containers"));
    assert_null(patch_rule_for("PodSpec", "nosuch"));
    assert_null(patch_rule_for("Nosuch", "containers"));
    index_release(&ix);
    index_release(NULL);
}

static void test_scalar_shapes(void **state)
{
    struct msg p, a, s, e;
    char *f;
    (void)state;

    p = property(definition("io.k8s.api.apps.v1.DaemonSetSpec"), "minReadySeconds");
    assert_type(p, "integer");
    assert_true(str_field_is(p, 2, "int32"));
    p = property(definition("io.k8s.api.apps.v1.DaemonSetStatus"), "observedGeneration");
    assert_true(str_field_is(p, 2, "int64"));
    p = property(definition("io.k8s.api.core.v1.PodSpec"), "hostNetwork");
    assert_type(p, "boolean");
    assert_false(first(p, 2, &s));
    /* map of strings */
    p = property(definition("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"), "labels");
    assert_type(p, "object");
    assert_true(first(p, 21, &a) && first(a, 1, &s));
    assert_type(s, "string");
    /* map of references */
    p = property(definition("io.k8s.api.core.v1.ResourceRequirements"), "limits");
    assert_true(first(p, 21, &a) && first(a, 1, &s));
    assert_true(str_field_is(s, 1, "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity"));
    /* special shapes */
    s = definition("io.k8s.apimachinery.pkg.api.resource.Quantity");
    assert_type(s, "string");
    assert_false(first(s, 2, &a));
    s = definition("io.k8s.apimachinery.pkg.util.intstr.IntOrString");
    assert_type(s, "string");
    assert_true(str_field_is(s, 2, "int-or-string"));
    s = definition("io.k8s.apimachinery.pkg.apis.meta.v1.Time");
    assert_type(s, "string");
    assert_true(str_field_is(s, 2, "date-time"));
    s = definition("io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime");
    assert_true(str_field_is(s, 2, "date-time"));
    s = definition("io.k8s.apimachinery.pkg.runtime.RawExtension");
    assert_type(s, "object");
    assert_false(first(s, 25, &a)); /* no properties: kubectl takes anything */
    /* enums, including the empty value */
    p = property(definition("io.k8s.api.apps.v1.DaemonSetUpdateStrategy"), "type");
    assert_int_equal(count(p, 20), 2);
    assert_true(first(p, 20, &e));
    f = str_field(e, 2);
    assert_string_equal(f, "OnDelete\n");
    free(f);
    p = property(definition("io.k8s.api.core.v1.HostPathVolumeSource"), "type");
    assert_true(count(p, 20) >= 7);
    assert_true(first(p, 20, &e));
    f = str_field(e, 2);
    assert_string_equal(f, "''\n");
    free(f);
}

/* ---- concurrency -------------------------------------------------------- */

static void *grab(void *arg)
{
    size_t *len = arg;
    return (void *)openapi_v2_proto(len);
}

static void test_threads(void **state)
{
    pthread_t th[6];
    size_t lens[6];
    void *got[6];
    (void)state;

    for (int i = 0; i < 6; i++)
        assert_int_equal(pthread_create(&th[i], NULL, grab, &lens[i]), 0);
    for (int i = 0; i < 6; i++)
        assert_int_equal(pthread_join(th[i], &got[i]), 0);
    for (int i = 1; i < 6; i++) {
        assert_ptr_equal(got[i], got[0]);
        assert_int_equal(lens[i], lens[0]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* threads first, so the first build races */
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_varint),
        cmocka_unit_test(test_scalars_and_defaults),
        cmocka_unit_test(test_nested_lengths),
        cmocka_unit_test(test_walker_rejects_garbage),
        cmocka_unit_test(test_parse_spec),
        cmocka_unit_test(test_gvk_list),
        cmocka_unit_test(test_document_walk),
        cmocka_unit_test(test_document_header),
        cmocka_unit_test(test_field_validation_supported),
        cmocka_unit_test(test_patch_operation),
        cmocka_unit_test(test_create_body_and_responses),
        cmocka_unit_test(test_paths_match_v3),
        cmocka_unit_test(test_kind_definitions),
        cmocka_unit_test(test_patch_metadata),
        cmocka_unit_test(test_scalar_shapes),
    };
    log_set_level(LOG_ERROR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
