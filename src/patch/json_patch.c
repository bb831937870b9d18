/*
 * json_patch.c -- RFC 6902 JSON Patch (application/json-patch+json), plus
 * the JSON value helpers all three patch flavours share (patch_int.h).
 *
 * The operations run in order on a deep copy of the document; the first
 * failing one aborts the whole patch and nothing of the copy survives.
 * Paths are RFC 6901 JSON Pointers ("~1" is '/', "~0" is '~', "-" is the
 * end of an array for add/move/copy).  Error messages follow the wording of
 * gopkg.in/evanphx/json-patch.v4, which kube-apiserver returns verbatim
 * ("add operation does not apply: doc is missing path: \"/a/b\": missing
 * value", "testing value /a failed: test failed"), so kubectl users see the
 * familiar text.  Where v4 is laxer than the RFC (replace of a missing key
 * quietly adds it, negative array indices count from the end, a missing
 * "value" means null) we follow the RFC and reject.
 *
 * Like kube-apiserver we bound a patch to 10000 operations and the bytes
 * "copy" operations may add to 3 MiB, so a small request cannot make the
 * server build an enormous document.
 */
#include "core/core.h"
#include "patch/patch.h"
#include "patch/patch_int.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* kube-apiserver's maxJSONPatchOperations. */
#define JSON_PATCH_MAX_OPS 10000
/* kube-apiserver's default JSONPatchMaxCopyBytes. */
#define JSON_PATCH_MAX_COPY_BYTES ((size_t)3 * 1024 * 1024)
/* Longest value rendering put into an error message. */
#define DESCRIBE_MAX 256

/* ---- shared value helpers ---------------------------------------------- */

bool patch__value_equal(const json_t *a, const json_t *b)
{
    if (!a || !b)
        return a == b;
    if (json_is_number(a) && json_is_number(b)) {
        if (json_is_integer(a) && json_is_integer(b))
            return json_integer_value(a) == json_integer_value(b);
        return json_number_value(a) == json_number_value(b);
    }
    if (json_is_boolean(a) && json_is_boolean(b))
        return json_is_true(a) == json_is_true(b);
    if (json_typeof(a) != json_typeof(b))
        return false;

    switch (json_typeof(a)) {
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    case JSON_OBJECT: {
        const char *key;
        json_t *va;
        if (json_object_size(a) != json_object_size(b))
            return false;
        json_object_foreach((json_t *)a, key, va)
        {
            if (!patch__value_equal(va, json_object_get(b, key)))
                return false;
        }
        return true;
    }
    case JSON_ARRAY:
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!patch__value_equal(json_array_get(a, i), json_array_get(b, i)))
                return false;
        return true;
    default: /* null */
        return true;
    }
}

char *patch__value_key(const json_t *v, size_t *len)
{
    sbuf sb;
    char *dump;
    double d;

    sbuf_init(&sb);
    switch (json_typeof(v)) {
    case JSON_STRING:
        sbuf_append(&sb, "s", 1);
        sbuf_append(&sb, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        sbuf_printf(&sb, "n%lld", (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        /* Integral reals share the integer's key so 80 and 80.0 collide,
         * matching patch__value_equal. */
        d = json_real_value(v);
        if (isfinite(d) && d == floor(d) && d >= -9.2e18 && d <= 9.2e18)
            sbuf_printf(&sb, "n%lld", (long long)d);
        else
            sbuf_printf(&sb, "r%.17g", d);
        break;
    case JSON_TRUE:
        sbuf_puts(&sb, "t");
        break;
    case JSON_FALSE:
        sbuf_puts(&sb, "f");
        break;
    case JSON_NULL:
        sbuf_puts(&sb, "z");
        break;
    default:
        dump = json_dump_compact(v, NULL);
        sbuf_puts(&sb, "j");
        sbuf_puts(&sb, dump);
        free(dump);
        break;
    }
    return sbuf_detach(&sb, len);
}

json_t *patch__copy(const json_t *v)
{
    json_t *c = json_deep_copy(v);

    if (!c)
        en_fatal("out of memory copying a JSON value");
    return c;
}

char *patch__describe(const json_t *v)
{
    char *s;
    size_t len;

    if (!v)
        return xstrdup("null");
    s = json_dump_compact(v, &len);
    if (len > DESCRIBE_MAX)
        memcpy(s + DESCRIBE_MAX - 3, "...", 4);
    return s;
}

const char *patch__type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "bool";
    default:
        return "null";
    }
}

int patch__errf(char **err, const char *fmt, ...)
{
    sbuf sb;
    va_list ap;

    if (!err)
        return EN_INVALID;
    sbuf_init(&sb);
    va_start(ap, fmt);
    sbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    free(*err);
    *err = sbuf_detach(&sb, NULL);
    return EN_INVALID;
}

/* ---- JSON Pointer ------------------------------------------------------ */

/* A parsed JSON Pointer: n decoded reference tokens. */
struct ptr {
    char **tok; /* owned decoded tokens */
    size_t n;   /* number of tokens; 0 = the whole document */
};

static void ptr_release(struct ptr *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->tok[i]);
    free(p->tok);
    p->tok = NULL;
    p->n = 0;
}

/* Decode one token in place ("~1" -> '/', "~0" -> '~'); false on a '~'
 * followed by anything else, which RFC 6901 makes an error. */
static bool ptr_unescape(char *t)
{
    char *w = t;

    for (const char *r = t; *r; r++) {
        if (*r != '~') {
            *w++ = *r;
            continue;
        }
        if (r[1] == '0')
            *w++ = '~';
        else if (r[1] == '1')
            *w++ = '/';
        else
            return false;
        r++;
    }
    *w = '\0';
    return true;
}

/* Parse s into *p; false when s is neither "" nor starts with '/'. */
static bool ptr_parse(const char *s, struct ptr *p)
{
    size_t cap = 0;

    p->tok = NULL;
    p->n = 0;
    if (*s == '\0')
        return true;
    if (*s != '/')
        return false;
    for (const char *c = s; *c; c++)
        if (*c == '/')
            cap++;
    p->tok = xcalloc(cap, sizeof *p->tok);
    while (*s == '/') {
        const char *end = strchr(s + 1, '/');
        size_t len = end ? (size_t)(end - s - 1) : strlen(s + 1);
        p->tok[p->n] = xstrndup(s + 1, len);
        p->n++;
        if (!ptr_unescape(p->tok[p->n - 1])) {
            ptr_release(p);
            return false;
        }
        s += len + 1;
    }
    return true;
}

/* Array index token: "0" or digits without a leading zero, at most 9 of
 * them (no real array is that long, and it keeps the arithmetic simple). */
static bool parse_index(const char *t, size_t *idx)
{
    size_t v = 0, n = strlen(t);

    if (n == 0 || n > 9 || (n > 1 && t[0] == '0'))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (t[i] < '0' || t[i] > '9')
            return false;
        v = v * 10 + (size_t)(t[i] - '0');
    }
    *idx = v;
    return true;
}

/* The container holding the value p points at (borrowed), or NULL when an
 * intermediate step is missing or not a container.  p->n must be >= 1. */
static json_t *ptr_parent(json_t *root, const struct ptr *p)
{
    json_t *cur = root;

    for (size_t i = 0; cur && i + 1 < p->n; i++) {
        size_t idx;
        if (json_is_object(cur))
            cur = json_object_get(cur, p->tok[i]);
        else if (json_is_array(cur) && parse_index(p->tok[i], &idx))
            cur = json_array_get(cur, idx);
        else
            cur = NULL;
    }
    return json_is_object(cur) || json_is_array(cur) ? cur : NULL;
}

/* ---- operations -------------------------------------------------------- */

/* State of one patch application. */
struct jp {
    json_t *root;  /* owned working copy of the document */
    size_t copied; /* bytes added so far by "copy" operations */
    char **err;    /* where messages go (may be NULL) */
};

/* Insert val (reference stolen) at p; `what` and `path` name the operation
 * for messages.  Implements "add" and the second half of move/copy. */
static int do_add(struct jp *jp, const struct ptr *p, json_t *val, const char *what,
                  const char *path)
{
    json_t *parent;
    const char *key;
    size_t idx;
    int rc = 0;

    if (p->n == 0) {
        json_decref(jp->root);
        jp->root = val;
        return 0;
    }
    parent = ptr_parent(jp->root, p);
    key = p->tok[p->n - 1];
    if (!parent) {
        if (strcmp(what, "add") == 0)
            rc = patch__errf(
                jp->err, "add operation does not apply: doc is missing path: \"%s\": missing value",
                path);
        else
            rc = patch__errf(
                jp->err,
                "%s operation does not apply: doc is missing destination path: %s: missing value",
                what, path);
        goto out_free_val;
    }
    if (json_is_object(parent)) {
        json_object_set_new(parent, key, val);
        return 0;
    }
    if (strcmp(key, "-") == 0) {
        json_array_append_new(parent, val);
        return 0;
    }
    if (!parse_index(key, &idx)) {
        rc = patch__errf(jp->err,
                         "error in %s for path: '%s': value was not a proper array index: '%s'",
                         what, path, key);
        goto out_free_val;
    }
    if (idx > json_array_size(parent)) {
        rc = patch__errf(jp->err,
                         "error in %s for path: '%s': Unable to access invalid index: %zu: invalid "
                         "index referenced",
                         what, path, idx);
        goto out_free_val;
    }
    json_array_insert_new(parent, idx, val);
    return 0;

out_free_val:
    json_decref(val);
    return rc;
}

/* Borrowed value at p, or NULL (with *parent_missing telling which kind of
 * miss it was: no container on the way, or no such key/index in it). */
static json_t *ptr_get(json_t *root, const struct ptr *p, bool *parent_missing)
{
    json_t *parent;
    const char *key;
    size_t idx;

    *parent_missing = false;
    if (p->n == 0)
        return root;
    parent = ptr_parent(root, p);
    if (!parent) {
        *parent_missing = true;
        return NULL;
    }
    key = p->tok[p->n - 1];
    if (json_is_object(parent))
        return json_object_get(parent, key);
    if (!parse_index(key, &idx))
        return NULL;
    return json_array_get(parent, idx);
}

/* Remove the value at p (which must exist: callers check with ptr_get). */
static void ptr_remove(json_t *root, const struct ptr *p)
{
    json_t *parent = ptr_parent(root, p);
    const char *key = p->tok[p->n - 1];
    size_t idx;

    if (json_is_object(parent))
        json_object_del(parent, key);
    else if (parse_index(key, &idx))
        json_array_remove(parent, idx);
}

/* Message for a failed removal at an existing container, evanphx style. */
static int remove_error(struct jp *jp, const struct ptr *p, const char *what, const char *path)
{
    json_t *parent = ptr_parent(jp->root, p);
    const char *key = p->tok[p->n - 1];
    size_t idx;

    if (json_is_object(parent))
        return patch__errf(
            jp->err,
            "error in %s for path: '%s': Unable to remove nonexistent key: %s: missing value", what,
            path, key);
    if (!parse_index(key, &idx))
        return patch__errf(jp->err,
                           "error in %s for path: '%s': value was not a proper array index: '%s'",
                           what, path, key);
    return patch__errf(
        jp->err,
        "error in %s for path: '%s': Unable to access invalid index: %zu: invalid index referenced",
        what, path, idx);
}

/* String member `field` of op into *s; messages name the operation. */
static int op_string(struct jp *jp, json_t *op, const char *what, const char *field, const char **s)
{
    json_t *v = json_object_get(op, field);
    const char *label = strcmp(field, "path") == 0 ? "path" : "from";

    if (!v || json_is_null(v))
        return patch__errf(
            jp->err,
            "%s operation failed to decode %s: operation%s missing %s field: missing value", what,
            label, strcmp(field, "path") == 0 ? "" : ",", field);
    if (!json_is_string(v))
        return patch__errf(jp->err,
                           "%s operation failed to decode %s: json: cannot unmarshal %s into Go "
                           "value of type string",
                           what, label, patch__type_name(v));
    *s = json_string_value(v);
    return 0;
}

/* Parse the pointer in member `field`; failures are reported the way
 * evanphx reports a path it cannot follow. */
static int op_ptr(struct jp *jp, json_t *op, const char *what, const char *field, struct ptr *p,
                  const char **text)
{
    int rc = op_string(jp, op, what, field, text);

    if (rc)
        return rc;
    if (!ptr_parse(*text, p))
        return patch__errf(jp->err,
                           "%s operation does not apply: doc is missing %s: \"%s\": missing value",
                           what, strcmp(field, "from") == 0 ? "from path" : "path", *text);
    return 0;
}

static int op_value(struct jp *jp, json_t *op, const char *what, json_t **val)
{
    *val = json_object_get(op, "value");
    if (!*val)
        return patch__errf(jp->err, "%s operation, missing value field: missing value", what);
    return 0;
}

static int op_add(struct jp *jp, json_t *op)
{
    struct ptr p = {0};
    const char *path;
    json_t *val;
    int rc;

    rc = op_ptr(jp, op, "add", "path", &p, &path);
    if (!rc)
        rc = op_value(jp, op, "add", &val);
    if (!rc)
        rc = do_add(jp, &p, patch__copy(val), "add", path);
    ptr_release(&p);
    return rc;
}

static int op_remove(struct jp *jp, json_t *op)
{
    struct ptr p = {0};
    const char *path;
    bool parent_missing;
    json_t *cur;
    int rc;

    rc = op_ptr(jp, op, "remove", "path", &p, &path);
    if (rc)
        goto out_free_ptr;
    cur = ptr_get(jp->root, &p, &parent_missing);
    if (p.n == 0 || parent_missing)
        rc = patch__errf(
            jp->err, "remove operation does not apply: doc is missing path: \"%s\": missing value",
            path);
    else if (!cur)
        rc = remove_error(jp, &p, "remove", path);
    else
        ptr_remove(jp->root, &p);

out_free_ptr:
    ptr_release(&p);
    return rc;
}

static int op_replace(struct jp *jp, json_t *op)
{
    struct ptr p = {0};
    const char *path;
    json_t *val, *parent;
    bool parent_missing;
    size_t idx;
    int rc;

    rc = op_ptr(jp, op, "replace", "path", &p, &path);
    if (!rc)
        rc = op_value(jp, op, "replace", &val);
    if (rc)
        goto out_free_ptr;
    if (p.n == 0) {
        json_decref(jp->root);
        jp->root = patch__copy(val);
        goto out_free_ptr;
    }
    if (!ptr_get(jp->root, &p, &parent_missing)) {
        rc = patch__errf(
            jp->err,
            parent_missing
                ? "replace operation does not apply: doc is missing path: %s: missing value"
                : "replace operation does not apply: doc is missing key: %s: missing value",
            path);
        goto out_free_ptr;
    }
    parent = ptr_parent(jp->root, &p);
    if (json_is_object(parent))
        json_object_set_new(parent, p.tok[p.n - 1], patch__copy(val));
    else if (parse_index(p.tok[p.n - 1], &idx))
        json_array_set_new(parent, idx, patch__copy(val));

out_free_ptr:
    ptr_release(&p);
    return rc;
}

static int op_move(struct jp *jp, json_t *op)
{
    struct ptr from = {0}, to = {0};
    const char *from_s, *path;
    json_t *val = NULL;
    bool parent_missing;
    int rc;

    rc = op_ptr(jp, op, "move", "from", &from, &from_s);
    if (!rc)
        rc = op_ptr(jp, op, "move", "path", &to, &path);
    if (rc)
        goto out_free_ptrs;
    if (from.n == 0 && to.n == 0)
        goto out_free_ptrs; /* moving the document onto itself */
    if (from.n == 0 || (!ptr_get(jp->root, &from, &parent_missing) && parent_missing)) {
        /* "" cannot be removed: the document would have nowhere to go. */
        rc = patch__errf(
            jp->err, "move operation does not apply: doc is missing from path: %s: missing value",
            from_s);
        goto out_free_ptrs;
    }
    val = ptr_get(jp->root, &from, &parent_missing);
    if (!val) {
        rc = remove_error(jp, &from, "move", from_s);
        goto out_free_ptrs;
    }
    /* Removing first means moving a value into its own child fails below:
     * the destination's parent went away with it (RFC 6902 4.4). */
    json_incref(val);
    ptr_remove(jp->root, &from);
    rc = do_add(jp, &to, val, "move", path);

out_free_ptrs:
    ptr_release(&from);
    ptr_release(&to);
    return rc;
}

static int op_copy(struct jp *jp, json_t *op)
{
    struct ptr from = {0}, to = {0};
    const char *from_s, *path;
    json_t *val;
    bool parent_missing;
    size_t sz;
    int rc;

    rc = op_ptr(jp, op, "copy", "from", &from, &from_s);
    if (!rc)
        rc = op_ptr(jp, op, "copy", "path", &to, &path);
    if (rc)
        goto out_free_ptrs;
    val = ptr_get(jp->root, &from, &parent_missing);
    if (!val) {
        rc = patch__errf(
            jp->err, "copy operation does not apply: doc is missing from path: %s: missing value",
            from_s);
        goto out_free_ptrs;
    }
    sz = json_dumpb(val, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
    jp->copied += sz;
    if (jp->copied > JSON_PATCH_MAX_COPY_BYTES) {
        rc = patch__errf(jp->err,
                         "Unable to complete the copy, the accumulated size increase of copy is "
                         "%zu, exceeding the limit %zu",
                         jp->copied, JSON_PATCH_MAX_COPY_BYTES);
        goto out_free_ptrs;
    }
    rc = do_add(jp, &to, patch__copy(val), "copy", path);

out_free_ptrs:
    ptr_release(&from);
    ptr_release(&to);
    return rc;
}

static int op_test(struct jp *jp, json_t *op)
{
    struct ptr p = {0};
    const char *path;
    json_t *val, *cur;
    bool parent_missing;
    int rc;

    rc = op_ptr(jp, op, "test", "path", &p, &path);
    if (rc)
        goto out_free_ptr;
    cur = ptr_get(jp->root, &p, &parent_missing);
    if (parent_missing) {
        rc = patch__errf(jp->err,
                         "test operation does not apply: is missing path: %s: missing value", path);
        goto out_free_ptr;
    }
    val = json_object_get(op, "value");
    if (!cur || !val || !patch__value_equal(cur, val))
        rc = patch__errf(jp->err, "testing value %s failed: test failed", path);

out_free_ptr:
    ptr_release(&p);
    return rc;
}

int patch_json(json_t *doc, json_t *patch, json_t **out, char **err)
{
    struct jp jp = {.root = NULL, .copied = 0, .err = err};
    size_t i;
    json_t *op;
    int rc = 0;

    if (err)
        *err = NULL;
    if (!out)
        return EN_INVALID;
    *out = NULL;
    if (!doc)
        return patch__errf(err, "Invalid JSON Document");
    if (!json_is_array(patch))
        return patch__errf(err, "json: cannot unmarshal %s into Go value of type jsonpatch.Patch",
                           patch ? patch__type_name(patch) : "null");
    if (json_array_size(patch) > JSON_PATCH_MAX_OPS) {
        patch__errf(err, "The allowed maximum operations in a JSON patch is %d, got %zu",
                    JSON_PATCH_MAX_OPS, json_array_size(patch));
        return EN_TOOLARGE;
    }
    /* Decode every operation before applying any, as the apiserver does. */
    json_array_foreach(patch, i, op)
    {
        if (!json_is_object(op))
            return patch__errf(
                err, "json: cannot unmarshal %s into Go value of type jsonpatch.Operation",
                patch__type_name(op));
    }

    jp.root = patch__copy(doc);
    json_array_foreach(patch, i, op)
    {
        const char *kind = json_string_value(json_object_get(op, "op"));
        if (!kind)
            rc = patch__errf(err, "Unexpected kind: unknown");
        else if (strcmp(kind, "add") == 0)
            rc = op_add(&jp, op);
        else if (strcmp(kind, "remove") == 0)
            rc = op_remove(&jp, op);
        else if (strcmp(kind, "replace") == 0)
            rc = op_replace(&jp, op);
        else if (strcmp(kind, "move") == 0)
            rc = op_move(&jp, op);
        else if (strcmp(kind, "copy") == 0)
            rc = op_copy(&jp, op);
        else if (strcmp(kind, "test") == 0)
            rc = op_test(&jp, op);
        else
            rc = patch__errf(err, "Unexpected kind: %s", kind);
        if (rc)
            goto out_free_root;
    }
    *out = jp.root;
    return 0;

out_free_root:
    json_decref(jp.root);
    return rc;
}
