/*
 * validate.c -- the machinery every validator in src/types/ shares: a
 * field error list with Kubernetes' field.ErrorList semantics, typed access
 * to JSON members that turns wrong JSON types into causes instead of
 * crashes, Go-syntax renderings of bad values, and the validations of
 * ObjectMeta, labels, annotations, label selectors and resource lists
 * (apimachinery's api/validation and meta/v1/validation packages).
 *
 * A cause is the JSON object {"reason","message","field"} that ends up in
 * Status.details.causes; "message" is field.Error.ErrorBody(), i.e. the
 * text after "<field>: " in kubectl's output.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "types/types_int.h"

#define ANNOTATIONS_MAX_BYTES (256 * 1024)
#define IS_NEGATIVE_MSG "must be greater than or equal to 0"
#define FILE_MODE_MSG "must be a number between 0 and 0777 (octal), both inclusive"

/* ---- context and paths ------------------------------------------------- */

void types__v_init(vctx *v)
{
    v->causes = json_array();
    sbuf_init(&v->path);
    sbuf_puts(&v->path, "");
}

void types__v_release(vctx *v)
{
    if (!v)
        return;
    json_decref(v->causes);
    v->causes = NULL;
    sbuf_release(&v->path);
}

size_t types__v_count(const vctx *v)
{
    return json_array_size(v->causes);
}

size_t types__v_push(vctx *v, const char *child)
{
    size_t mark = v->path.len;
    if (v->path.len)
        sbuf_puts(&v->path, ".");
    sbuf_puts(&v->path, child);
    return mark;
}

size_t types__v_push_index(vctx *v, size_t i)
{
    size_t mark = v->path.len;
    sbuf_printf(&v->path, "[%zu]", i);
    return mark;
}

size_t types__v_push_key(vctx *v, const char *key)
{
    size_t mark = v->path.len;
    sbuf_printf(&v->path, "[%s]", key);
    return mark;
}

void types__v_pop(vctx *v, size_t mark)
{
    if (mark <= v->path.len) {
        v->path.len = mark;
        v->path.buf[mark] = '\0';
    }
}

/* Append one cause; takes ownership of message. */
static void add_cause(vctx *v, const char *reason, const char *child, char *message)
{
    size_t mark = v->path.len;
    if (child)
        types__v_push(v, child);
    json_array_append_new(v->causes, json_pack("{s:s,s:s,s:s}", "reason", reason, "message",
                                               message, "field", v->path.buf ? v->path.buf : ""));
    types__v_pop(v, mark);
    free(message);
}

static char *with_detail(const char *head, const char *detail)
{
    if (detail && *detail)
        return xasprintf("%s: %s", head, detail);
    return xstrdup(head);
}

void types__v_required(vctx *v, const char *child, const char *detail)
{
    add_cause(v, "FieldValueRequired", child, with_detail("Required value", detail));
}

void types__v_forbidden(vctx *v, const char *child, const char *detail)
{
    add_cause(v, "FieldValueForbidden", child, with_detail("Forbidden", detail));
}

void types__v_toolong(vctx *v, const char *child, long max)
{
    add_cause(v, "FieldValueTooLong", child,
              xasprintf("Too long: must have at most %ld bytes", max));
}

void types__v_invalid_raw(vctx *v, const char *child, const char *raw, const char *detail)
{
    char *head = xasprintf("Invalid value: %s", raw);
    add_cause(v, "FieldValueInvalid", child, with_detail(head, detail));
    free(head);
}

void types__v_invalid_str(vctx *v, const char *child, const char *value, const char *detail)
{
    char *q = types__go_quote(value ? value : "");
    types__v_invalid_raw(v, child, q, detail);
    free(q);
}

void types__v_invalid_int(vctx *v, const char *child, int64_t value, const char *detail)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, value);
    types__v_invalid_raw(v, child, buf, detail);
}

void types__v_invalid_null(vctx *v, const char *child, const char *detail)
{
    types__v_invalid_raw(v, child, "null", detail);
}

/* A JSON value as field.Error would print the Go value it decodes to. */
static char *render_json(json_t *value)
{
    char buf[64];
    switch (json_typeof(value)) {
    case JSON_STRING:
        return types__go_quote(json_string_value(value));
    case JSON_INTEGER:
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
        return xstrdup(buf);
    case JSON_REAL:
        snprintf(buf, sizeof buf, "%g", json_real_value(value));
        return xstrdup(buf);
    case JSON_TRUE:
        return xstrdup("true");
    case JSON_FALSE:
        return xstrdup("false");
    case JSON_NULL:
        return xstrdup("null");
    default:
        return json_dump_compact(value, NULL);
    }
}

void types__v_invalid_json(vctx *v, const char *child, json_t *value, const char *detail)
{
    char *r = render_json(value);
    types__v_invalid_raw(v, child, r, detail);
    free(r);
}

void types__v_notsupported_raw(vctx *v, const char *child, const char *raw,
                               const char *const *supported)
{
    sbuf sb;

    sbuf_init(&sb);
    sbuf_printf(&sb, "Unsupported value: %s", raw);
    for (size_t i = 0; supported && supported[i]; i++) {
        char *q = types__go_quote(supported[i]);
        sbuf_printf(&sb, "%s%s", i ? ", " : ": supported values: ", q);
        free(q);
    }
    add_cause(v, "FieldValueNotSupported", child, sbuf_detach(&sb, NULL));
}

void types__v_notsupported_str(vctx *v, const char *child, const char *value,
                               const char *const *supported)
{
    char *q = types__go_quote(value ? value : "");
    types__v_notsupported_raw(v, child, q, supported);
    free(q);
}

void types__v_duplicate_raw(vctx *v, const char *child, const char *raw, const char *detail)
{
    char *head = xasprintf("Duplicate value: %s", raw);
    add_cause(v, "FieldValueDuplicate", child, with_detail(head, detail));
    free(head);
}

void types__v_duplicate_str(vctx *v, const char *child, const char *value)
{
    char *q = types__go_quote(value ? value : "");
    types__v_duplicate_raw(v, child, q, NULL);
    free(q);
}

void types__v_notfound_str(vctx *v, const char *child, const char *value)
{
    char *q = types__go_quote(value ? value : "");
    add_cause(v, "FieldValueNotFound", child, xasprintf("Not found: %s", q));
    free(q);
}

void types__v_invalid_msgs(vctx *v, const char *child, const char *value, const types_msgs *m)
{
    for (size_t i = 0; i < m->n; i++)
        types__v_invalid_str(v, child, value, m->msg[i]);
}

/* ---- typed access ------------------------------------------------------ */

static void type_error(vctx *v, const char *key, json_t *value, const char *want)
{
    char *detail = xasprintf("must be of type %s", want);
    types__v_invalid_json(v, key, value, detail);
    free(detail);
}

/* Member or NULL; null counts as absent, as Go decodes it to a zero value. */
static json_t *member(json_t *parent, const char *key)
{
    json_t *m = json_is_object(parent) ? json_object_get(parent, key) : NULL;
    return json_is_null(m) ? NULL : m;
}

json_t *types__v_obj(vctx *v, json_t *parent, const char *key)
{
    json_t *m = member(parent, key);
    if (m && !json_is_object(m)) {
        type_error(v, key, m, "object");
        return NULL;
    }
    return m;
}

json_t *types__v_arr(vctx *v, json_t *parent, const char *key)
{
    json_t *m = member(parent, key);
    if (m && !json_is_array(m)) {
        type_error(v, key, m, "array");
        return NULL;
    }
    return m;
}

const char *types__v_str(vctx *v, json_t *parent, const char *key)
{
    json_t *m = member(parent, key);
    if (m && !json_is_string(m)) {
        type_error(v, key, m, "string");
        return NULL;
    }
    return m ? json_string_value(m) : NULL;
}

bool types__v_int(vctx *v, json_t *parent, const char *key, int64_t *out)
{
    json_t *m = member(parent, key);
    if (!m)
        return false;
    if (!json_is_integer(m)) {
        type_error(v, key, m, "integer");
        return false;
    }
    *out = (int64_t)json_integer_value(m);
    return true;
}

bool types__v_int32(vctx *v, json_t *parent, const char *key, int64_t *out)
{
    int64_t x;
    if (!types__v_int(v, parent, key, &x))
        return false;
    if (x < INT32_MIN || x > INT32_MAX) {
        type_error(v, key, json_object_get(parent, key), "int32");
        return false;
    }
    *out = x;
    return true;
}

bool types__v_bool(vctx *v, json_t *parent, const char *key, bool *out)
{
    json_t *m = member(parent, key);
    if (!m)
        return false;
    if (!json_is_boolean(m)) {
        type_error(v, key, m, "boolean");
        return false;
    }
    *out = json_is_true(m);
    return true;
}

json_t *types__v_elem_obj(vctx *v, json_t *arr, size_t i)
{
    json_t *e = json_array_get(arr, i);
    if (json_is_object(e))
        return e;
    size_t mark = types__v_push_index(v, i);
    types__v_invalid_json(v, NULL, e, "must be of type object");
    types__v_pop(v, mark);
    return NULL;
}

json_t *types__v_strmap(vctx *v, json_t *parent, const char *key)
{
    json_t *m = types__v_obj(v, parent, key), *val;
    const char *k;
    bool ok = true;

    if (!m)
        return NULL;
    json_object_foreach(m, k, val)
    {
        if (!json_is_string(val)) {
            size_t mark = types__v_push(v, key);
            types__v_push_key(v, k);
            type_error(v, NULL, val, "string");
            types__v_pop(v, mark);
            ok = false;
        }
    }
    return ok ? m : NULL;
}

/* ---- Go renderings ----------------------------------------------------- */

/* Length of a valid UTF-8 sequence at p, or 0. */
static size_t utf8_len(const unsigned char *p)
{
    size_t n;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        n = 2;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        n = 3;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        n = 4;
    else
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

/* strconv.Quote: printable text as is, escapes for the rest. */
char *types__go_quote(const char *s)
{
    sbuf sb;
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    sbuf_init(&sb);
    sbuf_puts(&sb, "\"");
    while (*p) {
        size_t n;
        switch (*p) {
        case '"':
            sbuf_puts(&sb, "\\\"");
            break;
        case '\\':
            sbuf_puts(&sb, "\\\\");
            break;
        case '\a':
            sbuf_puts(&sb, "\\a");
            break;
        case '\b':
            sbuf_puts(&sb, "\\b");
            break;
        case '\f':
            sbuf_puts(&sb, "\\f");
            break;
        case '\n':
            sbuf_puts(&sb, "\\n");
            break;
        case '\r':
            sbuf_puts(&sb, "\\r");
            break;
        case '\t':
            sbuf_puts(&sb, "\\t");
            break;
        case '\v':
            sbuf_puts(&sb, "\\v");
            break;
        default:
            if (*p >= 0x20 && *p < 0x7f) {
                sbuf_append(&sb, (const char *)p, 1);
            } else if (*p >= 0x80 && (n = utf8_len(p)) > 0) {
                sbuf_append(&sb, (const char *)p, n);
                p += n;
                continue;
            } else {
                sbuf_printf(&sb, "\\x%02x", *p);
            }
        }
        p++;
    }
    sbuf_puts(&sb, "\"");
    return sbuf_detach(&sb, NULL);
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* %#v of map[string]string: keys sorted, nil map as map[string]string(nil). */
char *types__go_strmap(json_t *map)
{
    sbuf sb;
    const char **keys;
    const char *k;
    json_t *val;
    size_t n = 0;

    if (!json_is_object(map))
        return xstrdup("map[string]string(nil)");
    keys = xcalloc(json_object_size(map) + 1, sizeof *keys);
    json_object_foreach(map, k, val)
    {
        keys[n++] = k;
    }
    qsort(keys, n, sizeof *keys, cmp_keys);
    sbuf_init(&sb);
    sbuf_puts(&sb, "map[string]string{");
    for (size_t i = 0; i < n; i++) {
        char *qk = types__go_quote(keys[i]);
        char *qv = types__go_quote(json_string_value(json_object_get(map, keys[i])));
        sbuf_printf(&sb, "%s%s:%s", i ? ", " : "", qk, qv);
        free(qk);
        free(qv);
    }
    sbuf_puts(&sb, "}");
    free(keys);
    return sbuf_detach(&sb, NULL);
}

/* %#v of []string. */
char *types__go_strslice(json_t *arr)
{
    sbuf sb;
    json_t *e;
    size_t i;

    if (!json_is_array(arr))
        return xstrdup("[]string(nil)");
    sbuf_init(&sb);
    sbuf_puts(&sb, "[]string{");
    json_array_foreach(arr, i, e)
    {
        char *q = types__go_quote(json_string_value(e));
        sbuf_printf(&sb, "%s%s", i ? ", " : "", q);
        free(q);
    }
    sbuf_puts(&sb, "}");
    return sbuf_detach(&sb, NULL);
}

/* %#v of a v1.LabelSelector, as apps validation errors print selectors. */
char *types__go_label_selector(json_t *sel)
{
    sbuf sb;
    json_t *ml, *me, *e;
    size_t i;
    char *s;

    if (!json_is_object(sel))
        return xstrdup("null");
    ml = json_object_get(sel, "matchLabels");
    me = json_object_get(sel, "matchExpressions");
    sbuf_init(&sb);
    s = types__go_strmap(ml);
    sbuf_printf(&sb, "v1.LabelSelector{MatchLabels:%s, MatchExpressions:", s);
    free(s);
    if (!json_is_array(me)) {
        sbuf_puts(&sb, "[]v1.LabelSelectorRequirement(nil)");
    } else {
        sbuf_puts(&sb, "[]v1.LabelSelectorRequirement{");
        json_array_foreach(me, i, e)
        {
            char *k = types__go_quote(json_string_value(json_object_get(e, "key")));
            char *op = types__go_quote(json_string_value(json_object_get(e, "operator")));
            char *vals = types__go_strslice(json_object_get(e, "values"));
            sbuf_printf(&sb, "%sv1.LabelSelectorRequirement{Key:%s, Operator:%s, Values:%s}",
                        i ? ", " : "", k, op, vals);
            free(k);
            free(op);
            free(vals);
        }
        sbuf_puts(&sb, "}");
    }
    sbuf_puts(&sb, "}");
    return sbuf_detach(&sb, NULL);
}

/* ---- semantic equality ------------------------------------------------- */

/* Drop what Go would decode to a zero value or an empty collection. */
static json_t *normalize(json_t *v)
{
    if (json_is_object(v)) {
        json_t *out = json_object(), *val;
        const char *k;
        json_object_foreach(v, k, val)
        {
            json_t *n = normalize(val);
            if (n)
                json_object_set_new(out, k, n);
        }
        if (json_object_size(out) == 0) {
            json_decref(out);
            return NULL;
        }
        return out;
    }
    if (json_is_array(v)) {
        json_t *out = json_array(), *e;
        size_t i;
        if (json_array_size(v) == 0) {
            json_decref(out);
            return NULL;
        }
        json_array_foreach(v, i, e)
        {
            json_t *n = normalize(e);
            json_array_append_new(out, n ? n : json_null());
        }
        return out;
    }
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
        return NULL;
    return json_incref(v);
}

bool types__semantic_equal(json_t *a, json_t *b)
{
    json_t *na = normalize(a), *nb = normalize(b);
    bool eq = (!na && !nb) || (na && nb && json_equal(na, nb));
    json_decref(na);
    json_decref(nb);
    return eq;
}

/* ---- labels, annotations, metadata ------------------------------------- */

void types__validate_labels(vctx *v, json_t *labels)
{
    const char *k;
    json_t *val;
    types_msgs m;

    json_object_foreach(labels, k, val)
    {
        types__msgs_init(&m);
        types__qualified_name(k, &m);
        types__v_invalid_msgs(v, NULL, k, &m);
        if (!json_is_string(val))
            continue;
        types__msgs_init(&m);
        types__label_value(json_string_value(val), &m);
        types__v_invalid_msgs(v, NULL, json_string_value(val), &m);
    }
}

void types__validate_annotations(vctx *v, json_t *annotations)
{
    const char *k;
    json_t *val;
    types_msgs m;
    size_t total = 0;

    json_object_foreach(annotations, k, val)
    {
        /* Annotation keys are qualified names with case ignored. */
        char *lower = xstrdup(k);
        for (char *p = lower; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        types__msgs_init(&m);
        types__qualified_name(lower, &m);
        types__v_invalid_msgs(v, NULL, k, &m);
        free(lower);
        total += strlen(k) + (json_is_string(val) ? strlen(json_string_value(val)) : 0);
    }
    if (total > ANNOTATIONS_MAX_BYTES)
        types__v_toolong(v, NULL, ANNOTATIONS_MAX_BYTES);
}

static void validate_owner_refs(vctx *v, json_t *meta)
{
    json_t *refs = types__v_arr(v, meta, "ownerReferences");
    const char *first_controller = NULL;
    char *first_buf = NULL;
    size_t i, mark;

    if (!refs)
        return;
    mark = types__v_push(v, "ownerReferences");
    for (i = 0; i < json_array_size(refs); i++) {
        json_t *r = types__v_elem_obj(v, refs, i);
        if (!r)
            continue;
        /* Upstream reports owner reference fields without the index. */
        const char *av = types__v_str(v, r, "apiVersion");
        const char *kind = types__v_str(v, r, "kind");
        const char *name = types__v_str(v, r, "name");
        const char *uid = types__v_str(v, r, "uid");
        const char *slash = av ? strchr(av, '/') : NULL;
        bool version_ok = av && *av && !(slash && (strchr(slash + 1, '/') || !slash[1]));
        bool controller = false;
        if (!version_ok)
            types__v_invalid_str(v, "apiVersion", av, "version must not be empty");
        if (!kind || !*kind)
            types__v_invalid_str(v, "kind", kind, "must not be empty");
        if (!name || !*name)
            types__v_invalid_str(v, "name", name, "must not be empty");
        if (!uid || !*uid)
            types__v_invalid_str(v, "uid", uid, "must not be empty");
        if (av && kind && strcmp(av, "v1") == 0 && strcmp(kind, "Event") == 0)
            types__v_invalid_raw(v, NULL, "v1.OwnerReference{Kind:\"Event\"}",
                                 "/v1, Kind=Event is disallowed from being an owner");
        types__v_bool(v, r, "controller", &controller);
        if (controller) {
            char *cur = xasprintf("%s/%s", kind ? kind : "", name ? name : "");
            if (first_controller) {
                char *detail = xasprintf("Only one reference can have Controller set to true. "
                                         "Found \"true\" in references for %s and %s",
                                         first_controller, cur);
                char *raw = json_dump_compact(refs, NULL);
                types__v_invalid_raw(v, NULL, raw, detail);
                free(raw);
                free(detail);
                free(cur);
            } else {
                first_buf = cur;
                first_controller = first_buf;
            }
        }
    }
    types__v_pop(v, mark);
    free(first_buf);
}

static bool is_standard_finalizer(const char *f)
{
    return strcmp(f, "kubernetes") == 0 || strcmp(f, "orphan") == 0 ||
           strcmp(f, "foregroundDeletion") == 0;
}

static void validate_finalizers(vctx *v, json_t *meta)
{
    json_t *fins = types__v_arr(v, meta, "finalizers"), *f;
    bool orphan = false, foreground = false;
    types_msgs m;
    size_t i, mark;

    if (!fins)
        return;
    mark = types__v_push(v, "finalizers");
    json_array_foreach(fins, i, f)
    {
        if (!json_is_string(f)) {
            size_t im = types__v_push_index(v, i);
            types__v_invalid_json(v, NULL, f, "must be of type string");
            types__v_pop(v, im);
            continue;
        }
        const char *s = json_string_value(f);
        types__msgs_init(&m);
        types__qualified_name(s, &m);
        types__v_invalid_msgs(v, NULL, s, &m);
        orphan |= strcmp(s, "orphan") == 0;
        foreground |= strcmp(s, "foregroundDeletion") == 0;
    }
    if (orphan && foreground) {
        char *raw = types__go_strslice(fins);
        types__v_invalid_raw(v, NULL, raw,
                             "finalizer orphan and foregroundDeletion cannot be both set");
        free(raw);
    }
    /* Kubernetes-prefixed finalizers must be among the known ones. */
    json_array_foreach(fins, i, f)
    {
        const char *s = json_string_value(f);
        if (s && !strchr(s, '/') && !is_standard_finalizer(s)) {
            size_t im = types__v_push_index(v, i);
            types__v_invalid_str(v, NULL, s,
                                 "name is neither a standard finalizer name nor is it fully "
                                 "qualified");
            types__v_pop(v, im);
        }
    }
    types__v_pop(v, mark);
}

static void validate_managed_fields(vctx *v, json_t *meta)
{
    json_t *mf = types__v_arr(v, meta, "managedFields");
    size_t mark;

    if (!mf)
        return;
    mark = types__v_push(v, "managedFields");
    for (size_t i = 0; i < json_array_size(mf); i++) {
        json_t *e = types__v_elem_obj(v, mf, i);
        if (!e)
            continue;
        size_t im = types__v_push_index(v, i);
        const char *op = types__v_str(v, e, "operation");
        const char *ft = types__v_str(v, e, "fieldsType");
        if (!op || (strcmp(op, "Apply") != 0 && strcmp(op, "Update") != 0))
            types__v_invalid_str(v, "operation", op, "must be `Apply` or `Update`");
        if (ft && *ft && strcmp(ft, "FieldsV1") != 0)
            types__v_invalid_str(v, "fieldsType", ft, "must be `FieldsV1`");
        types__v_pop(v, im);
    }
    types__v_pop(v, mark);
}

void types__validate_meta(vctx *v, json_t *obj, bool namespaced, types_name_fn name_fn)
{
    json_t *meta = types__v_obj(v, obj, "metadata"), *labels, *ann;
    const char *gen, *name, *ns;
    types_msgs m;
    int64_t generation;
    size_t mark = types__v_push(v, "metadata");

    gen = types__v_str(v, meta, "generateName");
    name = types__v_str(v, meta, "name");
    ns = types__v_str(v, meta, "namespace");
    if (gen && *gen) {
        types__msgs_init(&m);
        name_fn(gen, true, &m);
        types__v_invalid_msgs(v, "generateName", gen, &m);
    }
    if (!name || !*name) {
        types__v_required(v, "name", "name or generateName is required");
    } else {
        types__msgs_init(&m);
        name_fn(name, false, &m);
        types__v_invalid_msgs(v, "name", name, &m);
    }
    if (namespaced) {
        if (!ns || !*ns) {
            types__v_required(v, "namespace", "");
        } else {
            types__msgs_init(&m);
            types__name_label(ns, false, &m);
            types__v_invalid_msgs(v, "namespace", ns, &m);
        }
    } else if (ns && *ns) {
        types__v_forbidden(v, "namespace", "not allowed on this type");
    }
    if (types__v_int(v, meta, "generation", &generation) && generation < 0)
        types__v_invalid_int(v, "generation", generation, IS_NEGATIVE_MSG);
    labels = types__v_strmap(v, meta, "labels");
    if (labels) {
        size_t lm = types__v_push(v, "labels");
        types__validate_labels(v, labels);
        types__v_pop(v, lm);
    }
    ann = types__v_strmap(v, meta, "annotations");
    if (ann) {
        size_t am = types__v_push(v, "annotations");
        types__validate_annotations(v, ann);
        types__v_pop(v, am);
    }
    validate_owner_refs(v, meta);
    validate_finalizers(v, meta);
    validate_managed_fields(v, meta);
    types__v_pop(v, mark);
}

/* metav1.Time prints as Go's time.Time.String(). */
static char *go_time(const char *rfc3339)
{
    int64_t t;
    char buf[64];
    if (!rfc3339 || time_parse_rfc3339(rfc3339, &t) != 0)
        return types__go_quote(rfc3339);
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
    return xstrdup(buf);
}

static bool str_in_array(json_t *arr, const char *s)
{
    json_t *e;
    size_t i;
    json_array_foreach(arr, i, e)
    {
        if (json_is_string(e) && strcmp(json_string_value(e), s) == 0)
            return true;
    }
    return false;
}

/*
 * The update half of ValidateObjectMetaUpdate.  The registry, like
 * Kubernetes' rest.BeforeUpdate, carries uid, creationTimestamp and the
 * resourceVersion of unconditional updates over from the stored object
 * before validating, so only changes a client can still make are checked.
 */
void types__validate_meta_update(vctx *v, json_t *obj, json_t *old)
{
    json_t *meta = json_object_get(obj, "metadata"), *ometa = json_object_get(old, "metadata");
    size_t mark = types__v_push(v, "metadata");
    const char *s, *os;
    json_t *dt, *odt;

    if (!json_is_object(meta) || !json_is_object(ometa))
        goto out_pop;
    if (json_object_get(ometa, "deletionTimestamp")) {
        json_t *nf = json_object_get(meta, "finalizers"),
               *of = json_object_get(ometa, "finalizers");
        json_t *extra = json_array(), *e;
        size_t i;
        json_array_foreach(nf, i, e)
        {
            if (json_is_string(e) && !str_in_array(of, json_string_value(e)) &&
                !str_in_array(extra, json_string_value(e)))
                json_array_append(extra, e);
        }
        if (json_array_size(extra)) {
            char *list = types__go_strslice(extra);
            char *detail = xasprintf("no new finalizers can be added if the object is being "
                                     "deleted, found new finalizers %s",
                                     list);
            types__v_forbidden(v, "finalizers", detail);
            free(detail);
            free(list);
        }
        json_decref(extra);
    }
    if (json_integer_value(json_object_get(meta, "generation")) <
        json_integer_value(json_object_get(ometa, "generation")))
        types__v_invalid_int(v, "generation",
                             json_integer_value(json_object_get(meta, "generation")),
                             "must not be decremented");
    s = json_string_value(json_object_get(meta, "name"));
    os = json_string_value(json_object_get(ometa, "name"));
    if (strcmp(s ? s : "", os ? os : "") != 0)
        types__v_invalid_str(v, "name", s, "field is immutable");
    s = json_string_value(json_object_get(meta, "namespace"));
    os = json_string_value(json_object_get(ometa, "namespace"));
    if (strcmp(s ? s : "", os ? os : "") != 0)
        types__v_invalid_str(v, "namespace", s, "field is immutable");
    s = json_string_value(json_object_get(meta, "uid"));
    os = json_string_value(json_object_get(ometa, "uid"));
    if (s && *s && strcmp(s, os ? os : "") != 0)
        types__v_invalid_str(v, "uid", s, "field is immutable");
    dt = json_object_get(meta, "deletionTimestamp");
    odt = json_object_get(ometa, "deletionTimestamp");
    if (!json_is_null(dt) && dt && (!odt || json_is_null(odt))) {
        char *r = go_time(json_string_value(dt));
        types__v_invalid_raw(v, "deletionTimestamp", r, "field is immutable");
        free(r);
    }
    dt = json_object_get(meta, "deletionGracePeriodSeconds");
    odt = json_object_get(ometa, "deletionGracePeriodSeconds");
    if (json_is_integer(dt) &&
        !(json_is_integer(odt) && json_integer_value(odt) == json_integer_value(dt)))
        types__v_invalid_int(v, "deletionGracePeriodSeconds", json_integer_value(dt),
                             "field is immutable");
out_pop:
    types__v_pop(v, mark);
}

void types__validate_nonneg(vctx *v, json_t *parent, const char *key)
{
    int64_t x;
    if (types__v_int(v, parent, key, &x) && x < 0)
        types__v_invalid_int(v, key, x, IS_NEGATIVE_MSG);
}

/* ---- label selectors --------------------------------------------------- */

void types__validate_label_selector(vctx *v, json_t *sel, bool strict_values)
{
    json_t *ml, *me;
    types_msgs m;

    if (!json_is_object(sel))
        return;
    ml = types__v_strmap(v, sel, "matchLabels");
    if (ml) {
        size_t lm = types__v_push(v, "matchLabels");
        types__validate_labels(v, ml);
        types__v_pop(v, lm);
    }
    me = types__v_arr(v, sel, "matchExpressions");
    if (!me)
        return;
    size_t mark = types__v_push(v, "matchExpressions");
    for (size_t i = 0; i < json_array_size(me); i++) {
        json_t *e = types__v_elem_obj(v, me, i), *vals;
        if (!e)
            continue;
        size_t im = types__v_push_index(v, i);
        const char *op = types__v_str(v, e, "operator");
        const char *key = types__v_str(v, e, "key");
        vals = types__v_arr(v, e, "values");
        size_t nvals = json_array_size(vals);
        op = op ? op : "";
        if (!strcmp(op, "In") || !strcmp(op, "NotIn")) {
            if (nvals == 0)
                types__v_required(v, "values",
                                  "must be specified when `operator` is 'In' or 'NotIn'");
        } else if (!strcmp(op, "Exists") || !strcmp(op, "DoesNotExist")) {
            if (nvals > 0)
                types__v_forbidden(
                    v, "values",
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
        } else {
            types__v_invalid_str(v, "operator", op, "not a valid selector operator");
        }
        types__msgs_init(&m);
        types__qualified_name(key ? key : "", &m);
        types__v_invalid_msgs(v, "key", key, &m);
        for (size_t j = 0; j < nvals; j++) {
            json_t *val = json_array_get(vals, j);
            size_t vm = types__v_push(v, "values");
            types__v_push_index(v, j);
            if (!json_is_string(val)) {
                types__v_invalid_json(v, NULL, val, "must be of type string");
            } else if (strict_values) {
                types__msgs_init(&m);
                types__label_value(json_string_value(val), &m);
                types__v_invalid_msgs(v, NULL, json_string_value(val), &m);
            }
            types__v_pop(v, vm);
        }
        types__v_pop(v, im);
    }
    types__v_pop(v, mark);
}

static bool valid_key_value(const char *key, const char *value)
{
    types_msgs m;
    types__msgs_init(&m);
    if (types__qualified_name(key, &m))
        return false;
    return !value || types__label_value(value, &m) == 0;
}

bool types__selector_matches(json_t *sel, json_t *labels, bool *ok)
{
    json_t *ml, *me, *val, *e;
    const char *k;
    size_t i;
    bool match = true;

    *ok = true;
    if (!sel || json_is_null(sel))
        return false; /* a nil selector selects nothing */
    if (!json_is_object(sel)) {
        *ok = false;
        return false;
    }
    ml = json_object_get(sel, "matchLabels");
    me = json_object_get(sel, "matchExpressions");
    if ((ml && !json_is_null(ml) && !json_is_object(ml)) ||
        (me && !json_is_null(me) && !json_is_array(me))) {
        *ok = false;
        return false;
    }
    json_object_foreach(ml, k, val)
    {
        if (!json_is_string(val) || !valid_key_value(k, json_string_value(val))) {
            *ok = false;
            return false;
        }
        json_t *have = json_object_get(labels, k);
        if (!json_is_string(have) || strcmp(json_string_value(have), json_string_value(val)) != 0)
            match = false;
    }
    json_array_foreach(me, i, e)
    {
        const char *key = json_string_value(json_object_get(e, "key"));
        const char *op = json_string_value(json_object_get(e, "operator"));
        json_t *vals = json_object_get(e, "values"), *x;
        size_t j, nvals = json_array_size(vals);
        bool in_set = false;
        if (!json_is_object(e) || !key || !op || !valid_key_value(key, NULL) ||
            (vals && !json_is_null(vals) && !json_is_array(vals))) {
            *ok = false;
            return false;
        }
        json_t *have = json_object_get(labels, key);
        const char *hv = json_string_value(have);
        json_array_foreach(vals, j, x)
        {
            if (!json_is_string(x) || !valid_key_value(key, json_string_value(x))) {
                *ok = false;
                return false;
            }
            if (hv && strcmp(hv, json_string_value(x)) == 0)
                in_set = true;
        }
        if (!strcmp(op, "In") || !strcmp(op, "NotIn")) {
            if (nvals == 0) {
                *ok = false;
                return false;
            }
            if (!strcmp(op, "In") ? !in_set : (hv && in_set))
                match = false;
        } else if (!strcmp(op, "Exists") || !strcmp(op, "DoesNotExist")) {
            if (nvals) {
                *ok = false;
                return false;
            }
            if (!strcmp(op, "Exists") ? !hv : hv != NULL)
                match = false;
        } else {
            *ok = false;
            return false;
        }
    }
    return match;
}

/* ---- resource lists ---------------------------------------------------- */

static bool is_native_resource(const char *n)
{
    return !strchr(n, '/') || strstr(n, "kubernetes.io/") != NULL;
}

static bool is_hugepages(const char *n)
{
    return strncmp(n, "hugepages-", 10) == 0;
}

static bool is_extended_resource(const char *n)
{
    types_msgs m;
    bool ok;
    if (is_native_resource(n) || strncmp(n, "requests.", 9) == 0)
        return false;
    char *q = xasprintf("requests.%s", n);
    types__msgs_init(&m);
    ok = types__qualified_name(q, &m) == 0;
    free(q);
    return ok;
}

static bool is_integer_resource(const char *n)
{
    static const char *const ints[] = {"pods",
                                       "resourcequotas",
                                       "services",
                                       "replicationcontrollers",
                                       "secrets",
                                       "configmaps",
                                       "persistentvolumeclaims",
                                       "services.nodeports",
                                       "services.loadbalancers",
                                       NULL};
    for (size_t i = 0; ints[i]; i++)
        if (strcmp(n, ints[i]) == 0)
            return true;
    return is_extended_resource(n);
}

static bool is_standard_resource(const char *n)
{
    static const char *const std[] = {"cpu",
                                      "memory",
                                      "ephemeral-storage",
                                      "requests.cpu",
                                      "requests.memory",
                                      "requests.ephemeral-storage",
                                      "limits.cpu",
                                      "limits.memory",
                                      "limits.ephemeral-storage",
                                      "pods",
                                      "quota",
                                      "services",
                                      "replicationcontrollers",
                                      "resourcequotas",
                                      "secrets",
                                      "persistentvolumeclaims",
                                      "storage",
                                      "requests.storage",
                                      "services.nodeports",
                                      "services.loadbalancers",
                                      NULL};
    if (is_hugepages(n))
        return true;
    for (size_t i = 0; std[i]; i++)
        if (strcmp(n, std[i]) == 0)
            return true;
    return false;
}

static void validate_container_resource_name(vctx *v, const char *n)
{
    types_msgs m;
    types__msgs_init(&m);
    if (types__qualified_name(n, &m)) {
        types__v_invalid_msgs(v, NULL, n, &m);
        return;
    }
    if (!strchr(n, '/')) {
        if (!is_standard_resource(n))
            types__v_invalid_str(v, NULL, n, "must be a standard resource type or fully qualified");
        if (strcmp(n, "cpu") && strcmp(n, "memory") && strcmp(n, "ephemeral-storage") &&
            !is_hugepages(n))
            types__v_invalid_str(v, NULL, n, "must be a standard resource for containers");
    } else if (!is_native_resource(n) && !is_extended_resource(n)) {
        types__v_invalid_str(v, NULL, n, "doesn't follow extended resource name standard");
    }
}

/* Parse and check one quantity at the current path; false if unusable. */
static bool check_quantity(vctx *v, const char *name, json_t *val, types_qty *q)
{
    if (types__qty_parse_json(val, q) != 0) {
        types__v_invalid_json(v, NULL, val, TYPES_QTY_SYNTAX_MSG);
        return false;
    }
    char *s = types__qty_string(q);
    if (q->milli < 0)
        types__v_invalid_str(v, NULL, s, IS_NEGATIVE_MSG);
    if (is_integer_resource(name) && q->milli % 1000 != 0)
        types__v_invalid_raw(v, NULL, s, "must be an integer");
    free(s);
    return true;
}

void types__validate_resource_list(vctx *v, json_t *parent, const char *key, bool container_names)
{
    json_t *list = types__v_obj(v, parent, key), *val;
    const char *name;
    types_qty q;
    size_t mark;

    if (!list)
        return;
    mark = types__v_push(v, key);
    json_object_foreach(list, name, val)
    {
        size_t km = container_names ? types__v_push_key(v, name) : types__v_push(v, name);
        if (container_names)
            validate_container_resource_name(v, name);
        check_quantity(v, name, val, &q);
        types__v_pop(v, km);
    }
    types__v_pop(v, mark);
}

/* Requests against limits, and the rules for non-overcommitable resources;
 * called with the container's "resources" path current. */
void types__validate_requirements(vctx *v, json_t *res)
{
    json_t *lim = json_object_get(res, "limits"), *req = json_object_get(res, "requests"), *val;
    const char *name;
    bool cpu_mem = false, huge = false;

    types__validate_resource_list(v, res, "limits", true);
    types__validate_resource_list(v, res, "requests", true);
    if (!json_is_object(lim))
        lim = NULL;
    if (!json_is_object(req))
        req = NULL;
    json_object_foreach(lim, name, val)
    {
        cpu_mem |= !strcmp(name, "cpu") || !strcmp(name, "memory");
        huge |= is_hugepages(name);
    }
    json_object_foreach(req, name, val)
    {
        types_qty rq, lq;
        json_t *l = json_object_get(lim, name);
        bool overcommit = is_native_resource(name) && !is_hugepages(name);
        cpu_mem |= !strcmp(name, "cpu") || !strcmp(name, "memory");
        huge |= is_hugepages(name);
        if (types__qty_parse_json(val, &rq) != 0)
            continue;
        if (!l) {
            if (!overcommit)
                types__v_required(v, "limits",
                                  "Limit must be set for non overcommitable resources");
            continue;
        }
        if (types__qty_parse_json(l, &lq) != 0)
            continue;
        char *rs = types__qty_string(&rq), *ls = types__qty_string(&lq), *detail = NULL;
        if (!overcommit && rq.milli != lq.milli)
            detail = xasprintf("must be equal to %s limit of %s", name, ls);
        else if (rq.milli > lq.milli)
            detail = xasprintf("must be less than or equal to %s limit of %s", name, ls);
        if (detail)
            types__v_invalid_str(v, "requests", rs, detail);
        free(detail);
        free(rs);
        free(ls);
    }
    if (huge && !cpu_mem)
        types__v_forbidden(v, NULL, "HugePages require cpu or memory");
}

/* ---- small shared checks ------------------------------------------------ */

bool types__in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* Member present and not null. */
bool types__present(json_t *o, const char *key)
{
    json_t *m = json_is_object(o) ? json_object_get(o, key) : NULL;
    return m && !json_is_null(m);
}

/* A string enum: "" or absent is Required when required, else must be in
 * allowed.  Returns the value (NULL when absent or mistyped). */
const char *types__check_enum(vctx *v, json_t *o, const char *key, const char *const *allowed,
                              bool required)
{
    const char *s = types__v_str(v, o, key);
    json_t *m = json_is_object(o) ? json_object_get(o, key) : NULL;
    if (m && !json_is_null(m) && !s)
        return NULL; /* wrong type, reported */
    if (!s || !*s) {
        if (required)
            types__v_required(v, key, "");
        else if (s && !types__in_list(s, allowed))
            types__v_notsupported_str(v, key, s, allowed);
        return s;
    }
    if (!types__in_list(s, allowed))
        types__v_notsupported_str(v, key, s, allowed);
    return s;
}

void types__check_msgs(vctx *v, const char *child, const char *value,
                       size_t (*fn)(const char *, types_msgs *))
{
    types_msgs m;
    types__msgs_init(&m);
    fn(value, &m);
    types__v_invalid_msgs(v, child, value, &m);
}

void types__check_name(vctx *v, const char *child, const char *value, types_name_fn fn, bool prefix)
{
    types_msgs m;
    types__msgs_init(&m);
    fn(value, prefix, &m);
    types__v_invalid_msgs(v, child, value, &m);
}

/* validateLocalDescendingPath / ValidateLocalNonReservedPath. */
bool types__has_backsteps(const char *p)
{
    const char *s = p;
    for (;;) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return true;
        if (!slash)
            return false;
        s = slash + 1;
    }
}

void types__check_no_backsteps(vctx *v, const char *child, const char *p)
{
    if (types__has_backsteps(p))
        types__v_invalid_str(v, child, p, "must not contain '..'");
}

void types__check_local_descending(vctx *v, const char *child, const char *p)
{
    if (p[0] == '/')
        types__v_invalid_str(v, child, p, "must be a relative path");
    types__check_no_backsteps(v, child, p);
}

void types__check_local_non_reserved(vctx *v, const char *child, const char *p)
{
    types__check_local_descending(v, child, p);
    if (strncmp(p, "..", 2) == 0 && strncmp(p, "../", 3) != 0)
        types__v_invalid_str(v, child, p, "must not start with '..'");
}

void types__check_mode(vctx *v, json_t *o, const char *key)
{
    int64_t mode;
    if (types__v_int32(v, o, key, &mode) && (mode > 0777 || mode < 0))
        types__v_invalid_int(v, key, mode, FILE_MODE_MSG);
}
