/*
 * openapi_v2.c -- the OpenAPI v2 (Swagger 2.0) document (see openapi.h),
 * encoded as google/gnostic's protobuf message openapi_v2.Document: the form
 * kubectl's discovery client asks GET /openapi/v2 for.
 *
 * Two sources feed it, so that v2 and v3 cannot drift apart:
 *   - definitions: every schema of the tables in schemas_*.c (format in
 *     openapi_int.h), shaped as kube-apiserver publishes Go types in v2: a
 *     "$ref": "#/definitions/<full name>" with the field's description
 *     beside it, arrays with exactly one items schema, maps as
 *     additionalProperties, x-kubernetes-group-version-kind on top-level
 *     kinds, and x-kubernetes-patch-strategy / -patch-merge-key on the lists
 *     a strategic merge patch merges (kubectl computes apply's patch from
 *     them once it finds the kind here);
 *   - paths: the served v3 documents built by openapi.c, translated
 *     operation by operation (parameters, request body, responses and the
 *     x-kubernetes-* extensions: kubectl's fieldValidation check looks for
 *     the parameter on the patch operation carrying the kind's GVK).
 * gnostic keeps vendor extensions as NamedAny{name, Any{yaml}}: the value is
 * YAML text, written here by yaml_from_json() as gnostic itself would.
 *
 * The encoder is a handful of functions over an sbuf: varints, keys,
 * length-delimited strings, and nested messages opened at an offset and
 * closed by inserting their (minimal varint) length in front of the
 * contents.  The document is built once under pthread_once and kept.
 */
#include "openapi/openapi.h"

#include "core/core.h"
#include "openapi/openapi_int.h"
#include "yaml/yaml.h"

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define V2_REF_PREFIX "#/definitions/"
#define V3_REF_PREFIX "#/components/schemas/"

/* ---- gnostic field numbers (openapiv2/OpenAPIv2.proto) ----------------- */

enum { DOC_SWAGGER = 1, DOC_INFO = 2, DOC_PATHS = 8, DOC_DEFINITIONS = 9 };
enum { INFO_TITLE = 1, INFO_VERSION = 2 };
/* Paths.path (NamedPathItem); every Named* message has name = 1, value = 2;
 * Properties and Definitions hold NamedSchema as additional_properties = 1. */
enum { PATHS_PATH = 2, NAMED_NAME = 1, NAMED_VALUE = 2, NAMED_ITEM = 1 };
enum {
    PI_GET = 2,
    PI_PUT = 3,
    PI_POST = 4,
    PI_DELETE = 5,
    PI_OPTIONS = 6,
    PI_HEAD = 7,
    PI_PATCH = 8,
    PI_PARAMETERS = 9,
};
enum {
    OP_TAGS = 1,
    OP_DESCRIPTION = 3,
    OP_OPERATION_ID = 5,
    OP_PRODUCES = 6,
    OP_CONSUMES = 7,
    OP_PARAMETERS = 8,
    OP_RESPONSES = 9,
    OP_SCHEMES = 10,
    OP_VENDOR_EXTENSION = 13,
};
/* ParametersItem.parameter -> Parameter{body_parameter | non_body_parameter}. */
enum { PITEM_PARAMETER = 1, PARAM_BODY = 1, PARAM_NON_BODY = 2 };
enum { BODY_DESCRIPTION = 1, BODY_NAME = 2, BODY_IN = 3, BODY_REQUIRED = 4, BODY_SCHEMA = 5 };
/* NonBodyParameter oneof. */
enum { NB_HEADER = 1, NB_QUERY = 3, NB_PATH = 4 };
/* QueryParameterSubSchema. */
enum { QP_REQUIRED = 1, QP_IN = 2, QP_DESCRIPTION = 3, QP_NAME = 4, QP_TYPE = 6, QP_UNIQUE = 20 };
/* PathParameterSubSchema and HeaderParameterSubSchema (same numbers). */
enum { PP_REQUIRED = 1, PP_IN = 2, PP_DESCRIPTION = 3, PP_NAME = 4, PP_TYPE = 5, PP_UNIQUE = 19 };
/* Responses.response_code (NamedResponseValue) -> ResponseValue.response. */
enum { RESPONSES_CODE = 1, RV_RESPONSE = 1, RESP_DESCRIPTION = 1, RESP_SCHEMA = 2 };
/* SchemaItem, ItemsItem and AdditionalPropertiesItem all hold schema = 1. */
enum { SITEM_SCHEMA = 1 };
enum {
    SCH_REF = 1,
    SCH_FORMAT = 2,
    SCH_DESCRIPTION = 4,
    SCH_REQUIRED = 19,
    SCH_ENUM = 20,
    SCH_ADDITIONAL = 21,
    SCH_TYPE = 22,
    SCH_ITEMS = 23,
    SCH_PROPERTIES = 25,
    SCH_VENDOR_EXTENSION = 31,
};
/* TypeItem.value; Any.yaml. */
enum { TYPE_VALUE = 1, ANY_YAML = 2 };

/* Protobuf wire types used. */
enum { WT_VARINT = 0, WT_LEN = 2 };

/* ---- protobuf writer --------------------------------------------------- */

/* Encode v as a base-128 varint into out (>= 10 bytes); returns the length. */
static size_t varint_put(unsigned char *out, uint64_t v)
{
    size_t n = 0;

    do {
        unsigned char c = (unsigned char)(v & 0x7f);
        v >>= 7;
        out[n++] = (unsigned char)(c | (v ? 0x80 : 0));
    } while (v);
    return n;
}

static void pb_varint(sbuf *b, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = varint_put(tmp, v);
    sbuf_append(b, (const char *)tmp, n);
}

static void pb_key(sbuf *b, unsigned field, unsigned wire)
{
    pb_varint(b, ((uint64_t)field << 3) | wire);
}

/* A length-delimited field; also every element of a repeated string. */
static void pb_bytes(sbuf *b, unsigned field, const char *s, size_t n)
{
    pb_key(b, field, WT_LEN);
    pb_varint(b, n);
    sbuf_append(b, s, n);
}

/* A singular string: proto3 leaves "" out, readers cannot tell it from absent. */
static void pb_str(sbuf *b, unsigned field, const char *s)
{
    if (s && *s)
        pb_bytes(b, field, s, strlen(s));
}

/* A singular bool, likewise left out when false. */
static void pb_bool(sbuf *b, unsigned field, bool v)
{
    if (v) {
        pb_key(b, field, WT_VARINT);
        pb_varint(b, 1);
    }
}

/* Start a nested message; returns where its contents begin, for pb_close().
 * An empty message is still written: its presence means something (a
 * schema with empty properties is an object kind, one without is a map). */
static size_t pb_open(sbuf *b, unsigned field)
{
    pb_key(b, field, WT_LEN);
    return b->len;
}

/* Finish the message whose contents begin at start: put its length in front. */
static void pb_close(sbuf *b, size_t start)
{
    unsigned char tmp[10];
    size_t n = b->len - start;
    size_t k = varint_put(tmp, n);

    sbuf_append(b, (const char *)tmp, k); /* grow by k; overwritten by the move */
    memmove(b->buf + start + k, b->buf + start, n);
    memcpy(b->buf + start, tmp, k);
}

/* A vendor extension: NamedAny{name, Any{yaml: v as YAML}}. */
static void pb_extension(sbuf *b, unsigned field, const char *name, json_t *v)
{
    char *yaml = yaml_from_json(v);
    size_t named = pb_open(b, field);
    size_t any;

    pb_str(b, NAMED_NAME, name);
    any = pb_open(b, NAMED_VALUE);
    pb_str(b, ANY_YAML, yaml);
    pb_close(b, any);
    pb_close(b, named);
    free(yaml);
}

/* ---- type specs -------------------------------------------------------- */

/* What each value of a field holds. */
enum vkind {
    VK_SCALAR, /* string, integer, boolean, number */
    VK_REF,    /* another schema of the tables */
    VK_ANY,    /* free-form object */
};

/* How the values are arranged. */
enum vshape {
    VS_SINGLE, /* one value */
    VS_ARRAY,  /* "[]": a list of values */
    VS_MAP,    /* "{}": a map of string to value */
};

/* A field's type spec, parsed (grammar in openapi_int.h).  Points into the
 * spec string, which must outlive it (the tables are static). */
struct vspec {
    enum vshape shape; /* single value, list or map */
    enum vkind kind;   /* what each value is */
    const char *name;  /* scalar base ("int32") or short schema name ("PodSpec") */
    size_t name_len;   /* length of name (a scalar's is followed by its enum list) */
    const char *enums; /* scalars only: the "|A|B" tail of allowed values, or NULL */
};

static const char *const scalar_names[] = {"string", "int32", "int64", "bool", "double", "byte"};

static bool name_is(const struct vspec *v, const char *s)
{
    return strlen(s) == v->name_len && memcmp(v->name, s, v->name_len) == 0;
}

/* Parse spec into *out.  EN_INVALID for anything the grammar does not
 * allow: NULL or empty, nested "[][]X", an enum list on a non-scalar,
 * characters other than letters and digits in a name. */
static int parse_spec(const char *spec, struct vspec *out)
{
    const char *p = spec;

    memset(out, 0, sizeof *out);
    if (!spec)
        return EN_INVALID;
    if (strncmp(p, "[]", 2) == 0) {
        out->shape = VS_ARRAY;
        p += 2;
    } else if (strncmp(p, "{}", 2) == 0) {
        out->shape = VS_MAP;
        p += 2;
    }
    out->name = p;
    out->name_len = strcspn(p, "|");
    if (out->name_len == 0)
        return EN_INVALID;
    for (size_t i = 0; i < out->name_len; i++)
        if (!isalnum((unsigned char)p[i]))
            return EN_INVALID;
    out->kind = VK_REF;
    if (name_is(out, "any"))
        out->kind = VK_ANY;
    for (size_t i = 0; i < sizeof scalar_names / sizeof scalar_names[0]; i++)
        if (name_is(out, scalar_names[i]))
            out->kind = VK_SCALAR;
    if (p[out->name_len] == '|') {
        /* values may be empty: "" is a valid HostPathType */
        if (out->kind != VK_SCALAR)
            return EN_INVALID;
        out->enums = p + out->name_len;
    }
    return EN_OK;
}

/* Swagger type and format of a scalar spec; format NULL when none. */
static void scalar_type(const struct vspec *v, const char **type, const char **format)
{
    *format = NULL;
    if (name_is(v, "int32") || name_is(v, "int64")) {
        *type = "integer";
        *format = name_is(v, "int32") ? "int32" : "int64";
    } else if (name_is(v, "bool")) {
        *type = "boolean";
    } else if (name_is(v, "double")) {
        *type = "number";
        *format = "double";
    } else if (name_is(v, "byte")) {
        *type = "string";
        *format = "byte";
    } else {
        *type = "string";
    }
}

/* Parse a "group/version/Kind ..." list into [{"group","kind","version"}],
 * the shape of x-kubernetes-group-version-kind on a definition.  Returns 0
 * and a new array in *out, or EN_INVALID (and NULL) for an empty list or an
 * entry without exactly two slashes or with an empty version or kind. */
static int gvk_list_json(const char *list, json_t **out)
{
    json_t *arr = json_array();
    const char *p = list ? list : "";
    int rc = EN_OK;

    while (*p == ' ')
        p++;
    while (*p) {
        size_t n = strcspn(p, " ");
        const char *s1 = memchr(p, '/', n);
        const char *s2 = s1 ? memchr(s1 + 1, '/', (size_t)(p + n - s1 - 1)) : NULL;
        if (!s2 || s2 == s1 + 1 || s2 + 1 == p + n ||
            memchr(s2 + 1, '/', (size_t)(p + n - s2 - 1))) {
            rc = EN_INVALID;
            goto out_free_arr;
        }
        json_array_append_new(arr, json_pack("{s:s%,s:s%,s:s%}", "group", p, (size_t)(s1 - p),
                                             "kind", s2 + 1, (size_t)(p + n - s2 - 1), "version",
                                             s1 + 1, (size_t)(s2 - s1 - 1)));
        p += n;
        while (*p == ' ')
            p++;
    }
    if (json_array_size(arr) == 0) {
        rc = EN_INVALID;
        goto out_free_arr;
    }
    *out = arr;
    return EN_OK;

out_free_arr:
    json_decref(arr);
    *out = NULL;
    return rc;
}

/* ---- strategic merge patch metadata ------------------------------------ */

/*
 * Lists that a strategic merge patch merges instead of replacing, with
 * their merge keys: the patchStrategy/patchMergeKey struct tags of
 * Kubernetes v1.32 (k8s.io/api core/v1 and apps/v1, apimachinery meta/v1)
 * for the types the tables describe.  Everything else is atomic.  kubectl
 * reads these from the definitions when it computes apply's three-way
 * patch; without them it would replace whole lists, so containers it had
 * not changed would still differ from the server's defaulted copies.
 */
static const struct patch_rule {
    const char *type;     /* short schema name */
    const char *field;    /* property of that schema */
    const char *strategy; /* x-kubernetes-patch-strategy */
    const char *key;      /* x-kubernetes-patch-merge-key, or NULL for scalar lists */
} patch_rules[] = {
    {"ObjectMeta", "finalizers", "merge", NULL},
    {"ObjectMeta", "ownerReferences", "merge", "uid"},
    {"Container", "ports", "merge", "containerPort"},
    {"Container", "env", "merge", "name"},
    {"Container", "volumeMounts", "merge", "mountPath"},
    {"Container", "volumeDevices", "merge", "devicePath"},
    {"EphemeralContainer", "ports", "merge", "containerPort"},
    {"EphemeralContainer", "env", "merge", "name"},
    {"EphemeralContainer", "volumeMounts", "merge", "mountPath"},
    {"EphemeralContainer", "volumeDevices", "merge", "devicePath"},
    {"ContainerStatus", "volumeMounts", "merge", "mountPath"},
    {"ContainerStatus", "allocatedResourcesStatus", "merge", "name"},
    {"PodSpec", "volumes", "merge,retainKeys", "name"},
    {"PodSpec", "initContainers", "merge", "name"},
    {"PodSpec", "containers", "merge", "name"},
    {"PodSpec", "ephemeralContainers", "merge", "name"},
    {"PodSpec", "imagePullSecrets", "merge", "name"},
    {"PodSpec", "hostAliases", "merge", "ip"},
    {"PodSpec", "topologySpreadConstraints", "merge", "topologyKey"},
    {"PodSpec", "schedulingGates", "merge", "name"},
    {"PodSpec", "resourceClaims", "merge,retainKeys", "name"},
    {"PodStatus", "conditions", "merge", "type"},
    {"PodStatus", "hostIPs", "merge", "ip"},
    {"PodStatus", "podIPs", "merge", "ip"},
    {"PodStatus", "resourceClaimStatuses", "merge,retainKeys", "name"},
    {"DaemonSetStatus", "conditions", "merge", "type"},
    {"NodeSpec", "podCIDRs", "merge", NULL},
    {"NodeStatus", "conditions", "merge", "type"},
    {"NodeStatus", "addresses", "merge", "type"},
    {"NamespaceStatus", "conditions", "merge", "type"},
    {"ServiceSpec", "ports", "merge", "port"},
    {"ServiceStatus", "conditions", "merge", "type"},
};
#define N_PATCH_RULES (sizeof patch_rules / sizeof patch_rules[0])

static const struct patch_rule *patch_rule_for(const char *type_short, const char *field)
{
    for (size_t i = 0; i < N_PATCH_RULES; i++)
        if (strcmp(patch_rules[i].type, type_short) == 0 &&
            strcmp(patch_rules[i].field, field) == 0)
            return &patch_rules[i];
    return NULL;
}

/* ---- the schema tables ------------------------------------------------- */

/* Every schema, sorted by short name for lookup by reference. */
struct type_index {
    const struct oa_type **by_short; /* sorted by short name; owned */
    size_t n;                        /* number of schemas */
};

static const struct oa_type *const *v2_tables(void)
{
    static const struct oa_type *const tables[] = {
        openapi__types_meta,
        openapi__types_apps,
        openapi__types_pod,
        openapi__types_container,
        openapi__types_volume,
        openapi__types_cluster,
        NULL,
    };
    return tables;
}

static const char *short_name(const struct oa_type *t)
{
    const char *dot = strrchr(t->name, '.');
    return dot ? dot + 1 : t->name;
}

static int cmp_type_short(const void *a, const void *b)
{
    const struct oa_type *const *x = a;
    const struct oa_type *const *y = b;
    return strcmp(short_name(*x), short_name(*y));
}

static void index_init(struct type_index *ix)
{
    const struct oa_type *const *tables = v2_tables();
    size_t n = 0;

    for (size_t i = 0; tables[i]; i++)
        for (const struct oa_type *t = tables[i]; t->name; t++)
            n++;
    ix->by_short = xcalloc(n ? n : 1, sizeof *ix->by_short);
    ix->n = 0;
    for (size_t i = 0; tables[i]; i++)
        for (const struct oa_type *t = tables[i]; t->name; t++)
            ix->by_short[ix->n++] = t;
    qsort(ix->by_short, ix->n, sizeof *ix->by_short, cmp_type_short);
}

static void index_release(struct type_index *ix)
{
    if (!ix)
        return;
    free(ix->by_short);
    ix->by_short = NULL;
    ix->n = 0;
}

/* Schema whose short name is name[0..n-1]; NULL if none. */
static const struct oa_type *index_find(const struct type_index *ix, const char *name, size_t n)
{
    size_t lo = 0, hi = ix->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *s = short_name(ix->by_short[mid]);
        int c = strncmp(s, name, n);
        if (c == 0 && s[n] != '\0')
            c = 1;
        if (c == 0)
            return ix->by_short[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The table entry declaring field `name` of t (fields, then extra); NULL if none. */
static const struct oa_field *type_field(const struct oa_type *t, const char *name)
{
    const struct oa_field *lists[2] = {t->fields, t->extra};

    for (size_t l = 0; l < 2; l++)
        for (const struct oa_field *f = lists[l]; f && f->name; f++)
            if (strcmp(f->name, name) == 0)
                return f;
    return NULL;
}

/* How many patch_rules name a schema or field the tables do not have. */
static size_t patch_rules_unmatched(const struct type_index *ix)
{
    size_t bad = 0;

    for (size_t i = 0; i < N_PATCH_RULES; i++) {
        const struct oa_type *t = index_find(ix, patch_rules[i].type, strlen(patch_rules[i].type));
        if (!t || !type_field(t, patch_rules[i].field)) {
            log_warn("openapi", "v2: patch rule %s.%s matches no schema field", patch_rules[i].type,
                     patch_rules[i].field);
            bad++;
        }
    }
    return bad;
}

/* ---- definitions ------------------------------------------------------- */

static void enc_type_value(sbuf *b, const char *type)
{
    size_t at = pb_open(b, SCH_TYPE);
    pb_str(b, TYPE_VALUE, type);
    pb_close(b, at);
}

static void enc_ref(sbuf *b, const struct type_index *ix, const struct vspec *v)
{
    const struct oa_type *t = index_find(ix, v->name, v->name_len);
    char *ref;

    if (!t)
        en_fatal("openapi: v2: reference to unknown schema %.*s", (int)v->name_len, v->name);
    ref = xasprintf(V2_REF_PREFIX "%s", t->name);
    pb_str(b, SCH_REF, ref);
    free(ref);
}

static void enc_enum(sbuf *b, const struct vspec *v)
{
    const char *e = v->enums;

    while (e && *e == '|') {
        size_t n = strcspn(e + 1, "|");
        json_t *val = json_stringn(e + 1, n);
        char *yaml = yaml_from_json(val);
        size_t at = pb_open(b, SCH_ENUM);
        pb_str(b, ANY_YAML, yaml);
        pb_close(b, at);
        free(yaml);
        json_decref(val);
        e += n + 1;
    }
}

/*
 * The contents of a Schema message for one property (or, with desc and
 * rule NULL, for one element of a list or map), fields in ascending number.
 * A reference carries no type: kubectl rejects "$ref" schemas that have one.
 */
static void enc_field_schema(sbuf *b, const struct type_index *ix, const struct vspec *v,
                             const char *desc, const struct patch_rule *rule)
{
    struct vspec elem = *v;
    const char *type = NULL, *format = NULL;
    size_t at, inner;

    elem.shape = VS_SINGLE;
    if (v->shape == VS_ARRAY) {
        type = "array";
    } else if (v->shape == VS_MAP || v->kind == VK_ANY) {
        type = "object";
    } else if (v->kind == VK_SCALAR) {
        scalar_type(v, &type, &format);
    }
    if (v->shape == VS_SINGLE && v->kind == VK_REF)
        enc_ref(b, ix, v);
    pb_str(b, SCH_FORMAT, format);
    pb_str(b, SCH_DESCRIPTION, desc);
    if (v->shape == VS_SINGLE && v->kind == VK_SCALAR)
        enc_enum(b, v);
    if (v->shape == VS_MAP) {
        at = pb_open(b, SCH_ADDITIONAL);
        inner = pb_open(b, SITEM_SCHEMA);
        enc_field_schema(b, ix, &elem, NULL, NULL);
        pb_close(b, inner);
        pb_close(b, at);
    }
    if (type)
        enc_type_value(b, type);
    if (v->shape == VS_ARRAY) {
        at = pb_open(b, SCH_ITEMS);
        inner = pb_open(b, SITEM_SCHEMA);
        enc_field_schema(b, ix, &elem, NULL, NULL);
        pb_close(b, inner);
        pb_close(b, at);
    }
    if (rule) {
        json_t *s = json_string(rule->strategy);
        if (rule->key) {
            json_t *k = json_string(rule->key);
            pb_extension(b, SCH_VENDOR_EXTENSION, "x-kubernetes-patch-merge-key", k);
            json_decref(k);
        }
        pb_extension(b, SCH_VENDOR_EXTENSION, "x-kubernetes-patch-strategy", s);
        json_decref(s);
    }
}

static int cmp_field_name(const void *a, const void *b)
{
    const struct oa_field *const *x = a;
    const struct oa_field *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

/* Properties of an object schema, sorted by name as upstream publishes them. */
static void enc_properties(sbuf *b, const struct type_index *ix, const struct oa_type *t)
{
    const struct oa_field *lists[2] = {t->fields, t->extra};
    const struct oa_field **sorted;
    size_t n = 0, at = pb_open(b, SCH_PROPERTIES);

    for (size_t l = 0; l < 2; l++)
        for (const struct oa_field *f = lists[l]; f && f->name; f++)
            n++;
    sorted = xcalloc(n ? n : 1, sizeof *sorted);
    n = 0;
    for (size_t l = 0; l < 2; l++)
        for (const struct oa_field *f = lists[l]; f && f->name; f++)
            sorted[n++] = f;
    qsort(sorted, n, sizeof *sorted, cmp_field_name);
    for (size_t i = 0; i < n; i++) {
        struct vspec v;
        size_t named, val;
        if (parse_spec(sorted[i]->type, &v) != EN_OK)
            en_fatal("openapi: v2: %s.%s has a bad type spec \"%s\"", t->name, sorted[i]->name,
                     sorted[i]->type ? sorted[i]->type : "(null)");
        named = pb_open(b, NAMED_ITEM);
        pb_str(b, NAMED_NAME, sorted[i]->name);
        val = pb_open(b, NAMED_VALUE);
        enc_field_schema(b, ix, &v, sorted[i]->desc,
                         patch_rule_for(short_name(t), sorted[i]->name));
        pb_close(b, val);
        pb_close(b, named);
    }
    free(sorted);
    pb_close(b, at);
}

static void enc_required(sbuf *b, const char *list)
{
    const char *p = list ? list : "";

    while (*p) {
        size_t n = strcspn(p, " ");
        if (n)
            pb_bytes(b, SCH_REQUIRED, p, n);
        p += n;
        while (*p == ' ')
            p++;
    }
}

/* The contents of the Schema message defining t. */
static void enc_type(sbuf *b, const struct type_index *ix, const struct oa_type *t)
{
    json_t *gvk = NULL;

    switch (t->shape) {
    case OA_TIME:
    case OA_MICROTIME:
        pb_str(b, SCH_FORMAT, "date-time");
        pb_str(b, SCH_DESCRIPTION, t->desc);
        enc_type_value(b, "string");
        return;
    case OA_QUANTITY:
        /* Upstream publishes Quantity as a string; kubectl's client-side
         * validation lets numbers through where a string is expected. */
        pb_str(b, SCH_DESCRIPTION, t->desc);
        enc_type_value(b, "string");
        return;
    case OA_INTORSTRING:
        pb_str(b, SCH_FORMAT, "int-or-string");
        pb_str(b, SCH_DESCRIPTION, t->desc);
        enc_type_value(b, "string");
        return;
    case OA_OPEN:
        /* type object without properties: a map of anything to kubectl. */
        pb_str(b, SCH_DESCRIPTION, t->desc);
        enc_type_value(b, "object");
        return;
    case OA_OBJECT:
    default:
        break;
    }
    pb_str(b, SCH_DESCRIPTION, t->desc);
    enc_required(b, t->required);
    enc_type_value(b, "object");
    enc_properties(b, ix, t);
    if (t->gvk) {
        if (gvk_list_json(t->gvk, &gvk) != EN_OK)
            en_fatal("openapi: v2: %s has a bad gvk list \"%s\"", t->name, t->gvk);
        pb_extension(b, SCH_VENDOR_EXTENSION, "x-kubernetes-group-version-kind", gvk);
        json_decref(gvk);
    }
}

static void enc_definitions(sbuf *b, const struct type_index *ix)
{
    const struct oa_type *const *tables = v2_tables();
    size_t at = pb_open(b, DOC_DEFINITIONS);

    for (size_t i = 0; tables[i]; i++) {
        for (const struct oa_type *t = tables[i]; t->name; t++) {
            size_t named = pb_open(b, NAMED_ITEM);
            size_t val;
            pb_str(b, NAMED_NAME, t->name);
            val = pb_open(b, NAMED_VALUE);
            enc_type(b, ix, t);
            pb_close(b, val);
            pb_close(b, named);
        }
    }
    pb_close(b, at);
}

/* ---- paths, translated from the v3 documents --------------------------- */

/* The v2 form of a v3 component reference; NULL (and nothing to free) if
 * ref is not one.  The caller frees the result. */
static char *v2_ref(const char *ref)
{
    size_t n = strlen(V3_REF_PREFIX);

    if (!ref || strncmp(ref, V3_REF_PREFIX, n) != 0 || !ref[n])
        return NULL;
    return xasprintf(V2_REF_PREFIX "%s", ref + n);
}

/* Schema{"$ref"} from the first media type of a v3 content map with one. */
static void enc_content_schema(sbuf *b, unsigned field, json_t *content)
{
    const char *media;
    json_t *m;

    json_object_foreach(content, media, m)
    {
        char *ref =
            v2_ref(json_string_value(json_object_get(json_object_get(m, "schema"), "$ref")));
        if (ref) {
            size_t at = pb_open(b, field);
            pb_str(b, SCH_REF, ref);
            pb_close(b, at);
            free(ref);
            return;
        }
    }
}

/* One v3 parameter as a v2 ParametersItem; other "in"s (cookie) are left out. */
static void enc_param(sbuf *b, unsigned field, json_t *p)
{
    const char *in = json_string_value(json_object_get(p, "in"));
    json_t *schema = json_object_get(p, "schema");
    bool required = json_is_true(json_object_get(p, "required"));
    bool unique = json_is_true(json_object_get(schema, "uniqueItems"));
    const char *type = json_string_value(json_object_get(schema, "type"));
    unsigned sub;
    size_t item, par, nb, s;

    if (!in)
        return;
    if (strcmp(in, "query") == 0)
        sub = NB_QUERY;
    else if (strcmp(in, "path") == 0)
        sub = NB_PATH;
    else if (strcmp(in, "header") == 0)
        sub = NB_HEADER;
    else
        return;
    item = pb_open(b, field);
    par = pb_open(b, PITEM_PARAMETER);
    nb = pb_open(b, PARAM_NON_BODY);
    s = pb_open(b, sub);
    /* required, in, description and name share numbers in all three */
    pb_bool(b, QP_REQUIRED, required);
    pb_str(b, QP_IN, in);
    pb_str(b, QP_DESCRIPTION, json_string_value(json_object_get(p, "description")));
    pb_str(b, QP_NAME, json_string_value(json_object_get(p, "name")));
    pb_str(b, sub == NB_QUERY ? QP_TYPE : PP_TYPE, type);
    pb_bool(b, sub == NB_QUERY ? QP_UNIQUE : PP_UNIQUE, unique);
    pb_close(b, s);
    pb_close(b, nb);
    pb_close(b, par);
    pb_close(b, item);
}

static void enc_body_param(sbuf *b, json_t *body)
{
    size_t item = pb_open(b, OP_PARAMETERS);
    size_t par = pb_open(b, PITEM_PARAMETER);
    size_t bp = pb_open(b, PARAM_BODY);

    pb_str(b, BODY_NAME, "body");
    pb_str(b, BODY_IN, "body");
    pb_bool(b, BODY_REQUIRED, json_is_true(json_object_get(body, "required")));
    enc_content_schema(b, BODY_SCHEMA, json_object_get(body, "content"));
    pb_close(b, bp);
    pb_close(b, par);
    pb_close(b, item);
}

static void enc_responses(sbuf *b, json_t *responses)
{
    size_t at = pb_open(b, OP_RESPONSES);
    const char *code;
    json_t *r;

    json_object_foreach(responses, code, r)
    {
        size_t named = pb_open(b, RESPONSES_CODE);
        size_t rv, resp;
        pb_str(b, NAMED_NAME, code);
        rv = pb_open(b, NAMED_VALUE);
        resp = pb_open(b, RV_RESPONSE);
        pb_str(b, RESP_DESCRIPTION, json_string_value(json_object_get(r, "description")));
        if (json_object_get(r, "content")) {
            /* Response.schema is a SchemaItem holding the Schema */
            size_t si = pb_open(b, RESP_SCHEMA);
            enc_content_schema(b, SITEM_SCHEMA, json_object_get(r, "content"));
            pb_close(b, si);
        }
        pb_close(b, resp);
        pb_close(b, rv);
        pb_close(b, named);
    }
    pb_close(b, at);
}

/* Media types of every response of op, each once, in order of appearance. */
static json_t *response_media(json_t *op)
{
    json_t *out = json_array();
    const char *code, *media;
    json_t *r, *m, *have;
    size_t i;

    json_object_foreach(json_object_get(op, "responses"), code, r)
    {
        json_object_foreach(json_object_get(r, "content"), media, m)
        {
            bool seen = false;
            json_array_foreach(out, i, have)
            {
                if (strcmp(json_string_value(have), media) == 0)
                    seen = true;
            }
            if (!seen)
                json_array_append_new(out, json_string(media));
        }
    }
    return out;
}

static void enc_operation(sbuf *b, json_t *op)
{
    static const char *const patch_types[] = {
        "application/json-patch+json", "application/merge-patch+json",
        "application/strategic-merge-patch+json", "application/apply-patch+yaml", NULL};
    const char *action = json_string_value(json_object_get(op, "x-kubernetes-action"));
    json_t *body = json_object_get(op, "requestBody");
    json_t *media = response_media(op);
    const char *key;
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(op, "tags"), i, v)
    {
        if (json_is_string(v))
            pb_bytes(b, OP_TAGS, json_string_value(v), json_string_length(v));
    }
    pb_str(b, OP_DESCRIPTION, json_string_value(json_object_get(op, "description")));
    pb_str(b, OP_OPERATION_ID, json_string_value(json_object_get(op, "operationId")));
    json_array_foreach(media, i, v)
    {
        pb_bytes(b, OP_PRODUCES, json_string_value(v), json_string_length(v));
    }
    if (action && strcmp(action, "patch") == 0) {
        for (size_t k = 0; patch_types[k]; k++)
            pb_bytes(b, OP_CONSUMES, patch_types[k], strlen(patch_types[k]));
    } else {
        pb_bytes(b, OP_CONSUMES, "*/*", 3);
    }
    if (json_is_object(body))
        enc_body_param(b, body);
    json_array_foreach(json_object_get(op, "parameters"), i, v)
    {
        enc_param(b, OP_PARAMETERS, v);
    }
    enc_responses(b, json_object_get(op, "responses"));
    pb_bytes(b, OP_SCHEMES, "https", 5);
    json_object_foreach(op, key, v)
    {
        if (strncmp(key, "x-", 2) == 0)
            pb_extension(b, OP_VENDOR_EXTENSION, key, v);
    }
    json_decref(media);
}

static void enc_path_item(sbuf *b, json_t *item)
{
    static const struct {
        const char *method; /* v3 key */
        unsigned field;     /* PathItem field */
    } methods[] = {
        {"get", PI_GET},         {"put", PI_PUT},   {"post", PI_POST},   {"delete", PI_DELETE},
        {"options", PI_OPTIONS}, {"head", PI_HEAD}, {"patch", PI_PATCH},
    };
    json_t *p;
    size_t i;

    for (i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        json_t *op = json_object_get(item, methods[i].method);
        if (json_is_object(op)) {
            size_t at = pb_open(b, methods[i].field);
            enc_operation(b, op);
            pb_close(b, at);
        }
    }
    json_array_foreach(json_object_get(item, "parameters"), i, p)
    {
        enc_param(b, PI_PARAMETERS, p);
    }
}

static void enc_paths(sbuf *b)
{
    json_t *gvs = json_object_get(openapi_index(), "paths");
    size_t at = pb_open(b, DOC_PATHS);
    const char *gv, *path;
    json_t *unused, *item;

    json_object_foreach(gvs, gv, unused)
    {
        json_object_foreach(json_object_get(openapi_group_doc(gv), "paths"), path, item)
        {
            size_t named = pb_open(b, PATHS_PATH);
            size_t val;
            pb_str(b, NAMED_NAME, path);
            val = pb_open(b, NAMED_VALUE);
            enc_path_item(b, item);
            pb_close(b, val);
            pb_close(b, named);
        }
    }
    pb_close(b, at);
}

/* ---- the document ------------------------------------------------------ */

/*
 * The encoded document.  File-static because it is the same for every
 * server in the process and pure to build; written once under `once`,
 * read-only afterwards, never freed.
 */
static struct {
    pthread_once_t once;  /* guards build() */
    unsigned char *bytes; /* the encoded openapi_v2.Document */
    size_t len;           /* its length in bytes */
} v2 = {.once = PTHREAD_ONCE_INIT};

static void build(void)
{
    struct type_index ix;
    sbuf b;
    size_t at;

    index_init(&ix);
    sbuf_init(&b);
    patch_rules_unmatched(&ix); /* logs each; a unit test keeps the count at 0 */
    pb_str(&b, DOC_SWAGGER, "2.0");
    at = pb_open(&b, DOC_INFO);
    pb_str(&b, INFO_TITLE, "Kubernetes");
    pb_str(&b, INFO_VERSION, "v1.32.0");
    pb_close(&b, at);
    enc_paths(&b);
    enc_definitions(&b, &ix);
    v2.bytes = (unsigned char *)sbuf_detach(&b, &v2.len);
    index_release(&ix);
}

const unsigned char *openapi_v2_proto(size_t *len)
{
    pthread_once(&v2.once, build);
    if (len)
        *len = v2.len;
    return v2.bytes;
}
