/*
 * smp.c -- strategic merge patch (application/strategic-merge-patch+json).
 *
 * The semantics are those of k8s.io/apimachinery/pkg/util/strategicpatch
 * as kube-apiserver applies it (StrategicMergeMapPatch with parallel lists
 * merged and unmatched nulls ignored):
 *
 *   - maps merge key by key, recursively; a null value deletes the key;
 *   - `$patch: replace` in a map replaces the map with the rest of the
 *     patch map, `$patch: delete` removes it, `$patch: merge` is the default;
 *   - lists the schema (smp_schema.c) marks as merging combine item by item
 *     by their merge key (an item `{"<key>": v, "$patch": "delete"}` removes
 *     the items with that key; an item `{"$patch": "replace"}` makes the
 *     other items the whole list); merging lists of scalars are unions;
 *     every other list is replaced whole;
 *   - `$setElementOrder/<list>` fixes the order of the items it names, and
 *     `$deleteFromPrimitiveList/<list>` removes scalars from a list;
 *   - `$retainKeys: [...]` drops the keys of the map not listed.
 *
 * Item order follows upstream's normalizeElementOrder: items named by the
 * patch (or its $setElementOrder list) come in that order, items only on the
 * server keep their relative order, and the two are interleaved by walking
 * both and taking the server item first only when the live list had it
 * before the patch item.  Upstream's live-list reference for that walk is,
 * through Go slice aliasing, the live list with deleted items squeezed out
 * and the first appended items written over its tail; we reproduce that
 * (see merge_map_list) because kubectl's "add one container, remove
 * another" applies depend on it.
 *
 * Where upstream copies a patch value verbatim into the result (a key the
 * document did not have), we merge it into an empty value instead, so
 * directives and nulls inside never reach the stored object: "directive
 * keys never appear in the result".  Upstream then drops them while
 * decoding into Go structs, so stored objects come out the same.
 *
 * Everything works on a deep copy of the document; the patch is only read.
 */
#include "core/core.h"
#include "patch/patch.h"
#include "patch/patch_int.h"

#include <stdlib.h>
#include <string.h>

#define DIRECTIVE_MARKER "$patch"
#define RETAIN_KEYS "$retainKeys"
#define SET_ORDER_PREFIX "$setElementOrder"
#define DELETE_PRIMITIVE_PREFIX "$deleteFromPrimitiveList"

/* Keys kept for schema lookups; deeper levels are never in the table. */
#define SMP_MAX_DEPTH 64

/* State of one patch application. */
struct smp {
    const struct smp_rule *schema;  /* field table of the object's kind */
    const char *seg[SMP_MAX_DEPTH]; /* borrowed keys from the root to the current map */
    size_t depth;                   /* keys on the path (may exceed SMP_MAX_DEPTH) */
    char **err;                     /* where messages go (may be NULL) */
};

/* One list item while a list is being put in order. */
struct slot {
    json_t *v;  /* borrowed item */
    long ord;   /* its position in the list giving the order, -1 if absent */
    long srv;   /* its position in the live list, -1 if absent */
    size_t pos; /* its position in the merged list (keeps sorting stable) */
};

static int merge_map(struct smp *s, json_t *orig, json_t *patch, json_t **out);

/* ---- small helpers ----------------------------------------------------- */

static void path_push(struct smp *s, const char *key)
{
    if (s->depth < SMP_MAX_DEPTH)
        s->seg[s->depth] = key;
    s->depth++;
}

static void path_pop(struct smp *s)
{
    s->depth--;
}

/* Schema facts for child `key` of the map at the current path. */
static void field_info(struct smp *s, const char *key, struct smp_field *f)
{
    f->strategy = SMP_ATOMIC;
    f->merge_key = NULL;
    if (s->depth >= SMP_MAX_DEPTH)
        return;
    s->seg[s->depth] = key;
    patch__smp_lookup(s->schema, s->seg, s->depth + 1, f);
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The list name in "<prefix>/<name>", or NULL when key is malformed. */
static const char *directive_target(const char *key, const char *prefix)
{
    size_t n = strlen(prefix);

    if (strncmp(key, prefix, n) != 0 || key[n] != '/')
        return NULL;
    return key + n + 1;
}

/* Go's name for the type encoding/json decodes v into, for messages that
 * mirror upstream's ErrBadArgType. */
static const char *go_type(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "map[string]interface {}";
    case JSON_ARRAY:
        return "[]interface {}";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "int64";
    case JSON_REAL:
        return "float64";
    case JSON_TRUE:
    case JSON_FALSE:
        return "bool";
    default:
        return "<nil>";
    }
}

static int err_bad_type(struct smp *s, const char *expected, const json_t *actual)
{
    return patch__errf(s->err, "expected a %s, but received a %s", expected,
                       actual ? go_type(actual) : "<nil>");
}

static int err_no_merge_key(struct smp *s, const json_t *item, const char *mk)
{
    char *d = patch__describe(item);
    int rc = patch__errf(s->err, "map: %s does not contain declared merge key: %s", d, mk);

    free(d);
    return rc;
}

static int err_bad_patch_type(struct smp *s, const json_t *directive, const json_t *map)
{
    char *d = json_is_string(directive) ? xstrdup(json_string_value(directive))
                                        : patch__describe(directive);
    char *m = patch__describe(map);
    int rc = patch__errf(s->err, "unknown patch type: %s in map: %s", d, m);

    free(d);
    free(m);
    return rc;
}

/* The value identifying item in its list: the merge key's value for lists
 * of maps, the item itself otherwise.  NULL (after setting the message)
 * when a map lacks its merge key. */
static const json_t *item_id(struct smp *s, const json_t *item, const char *mk, int *rc)
{
    const json_t *id;

    *rc = 0;
    if (!mk)
        return item;
    if (!json_is_object(item)) {
        *rc = err_bad_type(s, "map[string]interface {}", item);
        return NULL;
    }
    id = json_object_get(item, mk);
    if (!id)
        *rc = err_no_merge_key(s, item, mk);
    return id;
}

/* Position table of list: a jansson object (our hash table) from each
 * item's canonical id to the index of its first occurrence.  Validates the
 * merge keys like upstream's validateMergeKeyInLists. */
static int index_table(struct smp *s, json_t *list, const char *mk, json_t **out)
{
    json_t *tab = json_object();
    json_t *item;
    size_t i;
    int rc = 0;

    json_array_foreach(list, i, item)
    {
        size_t len;
        const json_t *id = item_id(s, item, mk, &rc);
        char *key;
        if (rc)
            goto out_free_tab;
        key = patch__value_key(id, &len);
        if (!json_object_getn(tab, key, len))
            json_object_setn_new_nocheck(tab, key, len, json_integer((json_int_t)i));
        free(key);
    }
    *out = tab;
    return 0;

out_free_tab:
    json_decref(tab);
    return rc;
}

/* Position of id in a table from index_table, or -1. */
static long index_of(json_t *tab, const json_t *id)
{
    size_t len;
    char *key = patch__value_key(id, &len);
    json_t *pos = json_object_getn(tab, key, len);

    free(key);
    return pos ? (long)json_integer_value(pos) : -1;
}

/* The common JSON type of all items of a and b (either may be NULL), with
 * numbers and booleans each counting as one type; JSON_NULL with *any =
 * false when both are empty.  Lists of lists and mixed lists are errors. */
static int element_kind(struct smp *s, json_t *a, json_t *b, json_type *kind, bool *any)
{
    json_t *lists[2] = {a, b};

    *any = false;
    *kind = JSON_NULL;
    for (int l = 0; l < 2; l++) {
        json_t *item;
        size_t i;
        json_array_foreach(lists[l], i, item)
        {
            json_type t = json_typeof(item);
            if (t == JSON_REAL)
                t = JSON_INTEGER;
            if (t == JSON_FALSE)
                t = JSON_TRUE;
            if (t == JSON_ARRAY)
                return patch__errf(s->err, "lists of lists are not supported");
            if (*any && t != *kind) {
                char *da = patch__describe(a), *db = patch__describe(b);
                int rc = patch__errf(s->err, "list element types are not identical: %s %s", da, db);
                free(da);
                free(db);
                return rc;
            }
            *kind = t;
            *any = true;
        }
    }
    return 0;
}

static int cmp_slot(const void *pa, const void *pb)
{
    const struct slot *a = pa, *b = pb;
    /* Items absent from the ordering list go after the others. */
    unsigned long oa = a->ord < 0 ? (unsigned long)-1 : (unsigned long)a->ord;
    unsigned long ob = b->ord < 0 ? (unsigned long)-1 : (unsigned long)b->ord;

    if (oa != ob)
        return oa < ob ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* ---- ordering (upstream normalizeElementOrder) ------------------------- */

/* Put merged in its final order: the items that `by` (the patch list or a
 * $setElementOrder list) names, sorted as `by` lists them, interleaved with
 * the other items sorted as `server` (the live list) has them.  *out is a
 * new array. */
static int order_list(struct smp *s, json_t *merged, json_t *by, json_t *server, const char *mk,
                      json_t **out)
{
    json_t *by_tab = NULL, *srv_tab = NULL, *result = NULL;
    size_t n = json_array_size(merged), np = 0, ns = 0, i = 0, j = 0;
    struct slot *ps = NULL, *ss = NULL;
    json_t *item;
    size_t k;
    int rc;

    *out = NULL;
    rc = index_table(s, by, mk, &by_tab);
    if (rc)
        goto out_free;
    rc = index_table(s, server, mk, &srv_tab);
    if (rc)
        goto out_free;
    ps = xcalloc(n ? n : 1, sizeof *ps);
    ss = xcalloc(n ? n : 1, sizeof *ss);
    json_array_foreach(merged, k, item)
    {
        const json_t *id = item_id(s, item, mk, &rc);
        long ord;
        if (rc)
            goto out_free;
        ord = index_of(by_tab, id);
        if (ord >= 0)
            ps[np++] = (struct slot){item, ord, index_of(srv_tab, id), k};
        else {
            long srv = index_of(srv_tab, id);
            ss[ns++] = (struct slot){item, srv, srv, k};
        }
    }
    qsort(ps, np, sizeof *ps, cmp_slot);
    qsort(ss, ns, sizeof *ss, cmp_slot);

    /* Take the server-only item first only when both are known to the live
     * list and it came earlier there; otherwise the patch item wins. */
    result = json_array();
    while (i < ns || j < np) {
        bool take_server;
        if (j >= np)
            take_server = true;
        else if (i >= ns)
            take_server = false;
        else
            take_server = ss[i].srv >= 0 && ps[j].srv >= 0 && ss[i].srv < ps[j].srv;
        if (take_server)
            json_array_append(result, ss[i++].v);
        else
            json_array_append(result, ps[j++].v);
    }
    *out = result;

out_free:
    free(ps);
    free(ss);
    json_decref(by_tab);
    json_decref(srv_tab);
    return rc;
}

/* ---- lists ------------------------------------------------------------- */

/* Classify a directive item of a merging list of maps: sets *replace for
 * `$patch: replace`, *del for `$patch: delete`; errors for anything else. */
static int list_directive(struct smp *s, json_t *item, bool *replace, bool *del)
{
    json_t *d = json_object_get(item, DIRECTIVE_MARKER);
    const char *v = json_string_value(d);

    *replace = *del = false;
    if (v && strcmp(v, "delete") == 0)
        *del = true;
    else if (v && strcmp(v, "replace") == 0)
        *replace = true;
    else if (v && strcmp(v, "merge") == 0)
        return patch__errf(s->err, "merging lists cannot yet be specified in the patch");
    else
        return err_bad_patch_type(s, d, item);
    return 0;
}

/* A patch list for a key the document does not have.  Merging lists of
 * maps lose their directive items and have each item cleaned of
 * directives and nulls; other lists are copied as they are. */
static int clean_list(struct smp *s, json_t *patch, const struct smp_field *f, json_t **out)
{
    json_t *result, *item;
    size_t i;
    int rc = 0;

    *out = NULL;
    if (f->strategy != SMP_MERGE || !f->merge_key) {
        *out = patch__copy(patch);
        return 0;
    }
    result = json_array();
    json_array_foreach(patch, i, item)
    {
        json_t *clean = NULL;
        if (json_is_object(item) && json_object_get(item, DIRECTIVE_MARKER)) {
            bool replace, del;
            rc = list_directive(s, item, &replace, &del);
            if (rc)
                goto out_free_result;
            continue;
        }
        if (!json_is_object(item)) {
            json_array_append_new(result, patch__copy(item));
            continue;
        }
        rc = merge_map(s, NULL, item, &clean);
        if (rc)
            goto out_free_result;
        json_array_append_new(result, clean ? clean : json_object());
    }
    *out = result;
    return 0;

out_free_result:
    json_decref(result);
    return rc;
}

/* Union of two lists of scalars, then ordered: upstream's mergeSlice for
 * non-map items.  orig is borrowed. */
static int merge_scalar_list(struct smp *s, json_t *orig, json_t *patch, json_t **out)
{
    json_t *seen = json_object(), *merged = json_array();
    json_t *lists[2] = {orig, patch};
    int rc;

    for (int l = 0; l < 2; l++) {
        json_t *item;
        size_t i;
        json_array_foreach(lists[l], i, item)
        {
            size_t len;
            char *key = patch__value_key(item, &len);
            if (!json_object_getn(seen, key, len)) {
                json_object_setn_new_nocheck(seen, key, len, json_true());
                json_array_append_new(merged, l == 0 ? json_incref(item) : patch__copy(item));
            }
            free(key);
        }
    }
    rc = order_list(s, merged, patch, orig, NULL, out);
    json_decref(merged);
    json_decref(seen);
    return rc;
}

/* Merge a patch list of maps into orig (stolen, mutated) by merge key mk:
 * upstream's mergeSliceWithSpecialElements + mergeSliceWithoutSpecialElements
 * + normalizeElementOrder.  *view receives the live-list reference the
 * caller's $setElementOrder pass must use (see the file comment). */
static int merge_map_list(struct smp *s, json_t *orig, json_t *patch, const char *mk, json_t **out,
                          json_t **view)
{
    json_t *plain = json_array(), *live = NULL, *pos = NULL, *replaced = NULL, *item;
    bool replace = false;
    size_t deleted = 0, appended = 0, i;
    int rc = 0;

    *out = NULL;
    *view = NULL;
    /* Directive items first: deletions apply to the live list, a replace
     * marker makes the remaining patch items the whole list. */
    json_array_foreach(patch, i, item)
    {
        bool rep, del;
        const json_t *id;
        if (!json_object_get(item, DIRECTIVE_MARKER)) {
            json_array_append(plain, item);
            continue;
        }
        rc = list_directive(s, item, &rep, &del);
        if (rc)
            goto out_free;
        replace = replace || rep;
        if (!del)
            continue;
        id = item_id(s, item, mk, &rc);
        if (rc)
            goto out_free;
        for (size_t o = json_array_size(orig); o-- > 0;) {
            const json_t *oid = json_object_get(json_array_get(orig, o), mk);
            if (oid && patch__value_equal(oid, id)) {
                json_array_remove(orig, o);
                deleted++;
            }
        }
    }
    if (replace) {
        json_t *fresh = json_array();
        json_array_foreach(plain, i, item)
        {
            json_t *clean = NULL;
            rc = merge_map(s, NULL, item, &clean);
            if (rc) {
                json_decref(fresh);
                goto out_free;
            }
            json_array_append_new(fresh, clean ? clean : json_object());
        }
        replaced = orig; /* still the live reference for the caller */
        orig = fresh;
        json_array_clear(plain);
    }

    /* live: the list as it stood before patch items were merged in. */
    live = json_array();
    json_array_extend(live, orig);
    rc = index_table(s, orig, mk, &pos);
    if (rc)
        goto out_free;
    json_array_foreach(plain, i, item)
    {
        const json_t *id = item_id(s, item, mk, &rc);
        json_t *merged = NULL;
        size_t len;
        char *key;
        long at;
        if (rc)
            goto out_free;
        at = index_of(pos, id);
        if (at >= 0) {
            rc = merge_map(s, json_incref(json_array_get(orig, (size_t)at)), item, &merged);
            if (rc)
                goto out_free;
            json_array_set_new(orig, (size_t)at, merged ? merged : json_object());
            continue;
        }
        rc = merge_map(s, NULL, item, &merged);
        if (rc)
            goto out_free;
        json_array_append_new(orig, merged ? merged : json_object());
        /* Later items with the same key merge into this one, as upstream. */
        key = patch__value_key(id, &len);
        json_object_setn_new_nocheck(pos, key, len,
                                     json_integer((json_int_t)json_array_size(orig) - 1));
        free(key);
        appended++;
    }

    rc = order_list(s, orig, plain, live, mk, out);
    if (rc)
        goto out_free;
    /* Upstream deletes by shifting items left inside the live slice and
     * then appends into the same backing array, so the first `deleted`
     * appended items overwrite its vacated tail: its $setElementOrder pass
     * sees the live list as the survivors followed by those items. */
    for (i = 0; i < appended && i < deleted; i++)
        json_array_append(live, json_array_get(orig, json_array_size(live)));
    if (replaced) {
        *view = replaced;
        replaced = NULL;
    } else {
        *view = live;
        live = NULL;
    }

out_free:
    json_decref(plain);
    json_decref(pos);
    json_decref(live);
    json_decref(replaced);
    json_decref(orig);
    return rc;
}

/* Merge the patch list into orig (stolen) for a field with schema f; the
 * field's key must already be on s's path.  *out is the new list.  When
 * view is not NULL it receives the live-list reference a $setElementOrder
 * pass over this field must use. */
static int merge_list(struct smp *s, json_t *orig, json_t *patch, const struct smp_field *f,
                      json_t **out, json_t **view)
{
    json_t *live = orig; /* the live reference; orig itself unless merge_map_list says otherwise */
    json_type kind;
    bool any;
    int rc = 0;

    *out = NULL;
    if (view)
        *view = NULL;
    if (f->strategy != SMP_MERGE) {
        *out = patch__copy(patch);
    } else if (json_array_size(orig) == 0 && json_array_size(patch) == 0) {
        *out = json_incref(orig);
    } else {
        rc = element_kind(s, orig, patch, &kind, &any);
        if (!rc && kind != JSON_OBJECT)
            rc = merge_scalar_list(s, orig, patch, out);
        else if (!rc && !f->merge_key)
            rc = patch__errf(s->err, "cannot merge lists without merge key for type map");
        else if (!rc)
            rc = merge_map_list(s, orig, patch, f->merge_key, out, &live); /* consumes orig */
    }
    if (rc)
        goto out_free_live;
    if (view) {
        *view = live;
        live = NULL;
    }

out_free_live:
    json_decref(live);
    return rc;
}

/* ---- map-level directives ---------------------------------------------- */

/* `$retainKeys: [...]`: every non-null key the patch sets must be listed,
 * and the keys of orig not listed are dropped before merging. */
static int apply_retain_keys(struct smp *s, json_t *orig, json_t *patch)
{
    json_t *list = json_object_get(patch, RETAIN_KEYS);
    json_t *keep, *v, *item;
    const char *key;
    void *tmp;
    size_t i;
    int rc = 0;

    if (!list)
        return 0;
    if (!json_is_array(list))
        return patch__errf(s->err, "invalid patch format of retainKeys");
    keep = json_object();
    json_array_foreach(list, i, item)
    {
        if (json_is_string(item))
            json_object_set_new(keep, json_string_value(item), json_true());
    }
    json_object_foreach(patch, key, v)
    {
        if (json_is_null(v) || has_prefix(key, DELETE_PRIMITIVE_PREFIX) ||
            has_prefix(key, SET_ORDER_PREFIX) || strcmp(key, RETAIN_KEYS) == 0 ||
            strcmp(key, DIRECTIVE_MARKER) == 0)
            continue;
        if (!json_object_get(keep, key)) {
            rc = patch__errf(s->err, "invalid patch format of retainKeys");
            goto out_free_keep;
        }
    }
    json_object_foreach_safe(orig, tmp, key, v)
    {
        if (!json_object_get(keep, key))
            json_object_del(orig, key);
    }

out_free_keep:
    json_decref(keep);
    return rc;
}

/* Upstream's validatePatchWithSetOrderList: the patch list's items (not
 * counting deletions and directive items) must appear in the
 * $setElementOrder list in the same relative order. */
static int validate_order(struct smp *s, json_t *plist, json_t *order, const char *mk)
{
    size_t n = 0, pi = 0, oi = 0, m = json_array_size(order);
    json_t **items = NULL, *item;
    size_t i;
    int rc = 0;

    if (json_array_size(plist) == 0 || m == 0)
        return 0;
    items = xcalloc(json_array_size(plist), sizeof *items);
    json_array_foreach(plist, i, item)
    {
        if (mk) {
            const char *d;
            if (!json_is_object(item)) {
                rc = err_bad_type(s, "map[string]interface {}", item);
                goto out_free_items;
            }
            d = json_string_value(json_object_get(item, DIRECTIVE_MARKER));
            if (d && strcmp(d, "delete") == 0)
                continue;
        }
        items[n++] = item;
    }
    while (pi < n && oi < m) {
        json_t *want = json_array_get(order, oi);
        bool eq;
        if (json_is_object(items[pi]) && json_object_get(items[pi], DIRECTIVE_MARKER)) {
            pi++;
            continue;
        }
        if (mk) {
            const json_t *a = item_id(s, items[pi], mk, &rc);
            const json_t *b = rc ? NULL : item_id(s, want, mk, &rc);
            if (rc)
                goto out_free_items;
            eq = patch__value_equal(a, b);
        } else {
            eq = patch__value_equal(items[pi], want);
        }
        if (eq)
            pi++;
        oi++;
    }
    if (pi < n) {
        char *dp = patch__describe(plist), *dorder = patch__describe(order);
        rc = patch__errf(s->err, "The order in patch list:\n%s\n doesn't match %s list:\n%s\n", dp,
                         SET_ORDER_PREFIX, dorder);
        free(dp);
        free(dorder);
    }

out_free_items:
    free(items);
    return rc;
}

/* Every `$setElementOrder/<list>` of patch: merge <list> (from orig and
 * patch) and put the result in the order given.  *handled counts the lists
 * done, which the main merge loop then skips. */
static int apply_set_element_order(struct smp *s, json_t *orig, json_t *patch, size_t *handled)
{
    const char *key;
    json_t *order;
    int rc = 0;

    *handled = 0;
    json_object_foreach(patch, key, order)
    {
        json_t *olist, *plist, *merged = NULL, *view = NULL, *result = NULL;
        const char *target;
        struct smp_field f;
        json_type kind;
        bool any;

        if (!has_prefix(key, SET_ORDER_PREFIX))
            continue;
        if (!json_is_array(order))
            return err_bad_type(s, "[]interface {}", order);
        target = directive_target(key, SET_ORDER_PREFIX);
        if (!target)
            return patch__errf(s->err, "invalid patch format of setElementOrder list");
        olist = json_object_get(orig, target);
        plist = json_object_get(patch, target);
        if (olist && !json_is_array(olist))
            return err_bad_type(s, "[]interface {}", olist);
        if (plist && !json_is_array(plist))
            return err_bad_type(s, "[]interface {}", plist);
        field_info(s, target, &f);
        rc = validate_order(s, plist, order, f.merge_key);
        if (rc)
            return rc;
        if (!olist && !plist)
            continue;
        (*handled)++;

        path_push(s, target);
        if (!plist) {
            merged = json_incref(olist);
            view = json_incref(olist);
        } else if (!olist) {
            rc = clean_list(s, plist, &f, &merged);
            view = json_array();
        } else {
            rc = merge_list(s, json_incref(olist), plist, &f, &merged, &view);
        }
        path_pop(s);
        if (!rc)
            rc = element_kind(s, olist, plist, &kind, &any);
        if (!rc && any && kind == JSON_OBJECT && !f.merge_key)
            rc = patch__errf(s->err, "cannot merge lists without merge key for type map");
        if (!rc && any)
            rc = order_list(s, merged, order, view, kind == JSON_OBJECT ? f.merge_key : NULL,
                            &result);
        if (!rc)
            json_object_set_new(orig, target, any ? result : json_incref(merged));
        json_decref(merged);
        json_decref(view);
        if (rc)
            return rc;
    }
    return 0;
}

/* `$deleteFromPrimitiveList/<list>: [...]`: drop those values from the
 * list.  A missing list stays missing; a null value does nothing. */
static int delete_from_primitive_list(struct smp *s, json_t *orig, const char *key, json_t *values)
{
    const char *target = directive_target(key, DELETE_PRIMITIVE_PREFIX);
    json_t *cur, *drop, *kept, *item;
    size_t i;

    if (!target)
        return patch__errf(s->err, "invalid patch format of primitive list");
    if (json_is_null(values))
        return 0;
    if (!json_is_array(values))
        return patch__errf(s->err, "invalid patch format of primitive list");
    cur = json_object_get(orig, target);
    if (!json_is_array(cur))
        return 0;
    drop = json_object();
    json_array_foreach(values, i, item)
    {
        size_t len;
        char *k = patch__value_key(item, &len);
        json_object_setn_new_nocheck(drop, k, len, json_true());
        free(k);
    }
    kept = json_array();
    json_array_foreach(cur, i, item)
    {
        size_t len;
        char *k = patch__value_key(item, &len);
        if (!json_object_getn(drop, k, len))
            json_array_append(kept, item);
        free(k);
    }
    json_object_set_new(orig, target, kept);
    json_decref(drop);
    return 0;
}

/* ---- maps -------------------------------------------------------------- */

/* Apply the patch value pv of field key to the map orig. */
static int merge_field(struct smp *s, json_t *orig, const char *key, json_t *pv)
{
    json_t *cur = json_object_get(orig, key), *res = NULL;
    struct smp_field f;
    int rc = 0;

    if (json_is_null(pv)) {
        json_object_del(orig, key);
        return 0;
    }
    field_info(s, key, &f);
    path_push(s, key);
    if (json_is_object(pv))
        /* Into the live map, or into an empty one when the key is new or
         * held something else: either way directives get applied. */
        rc = merge_map(s, json_is_object(cur) ? json_incref(cur) : NULL, pv, &res);
    else if (json_is_array(pv) && json_is_array(cur))
        rc = merge_list(s, json_incref(cur), pv, &f, &res, NULL);
    else if (json_is_array(pv))
        rc = clean_list(s, pv, &f, &res);
    else
        res = patch__copy(pv);
    path_pop(s);
    if (rc)
        return rc;
    if (res)
        json_object_set_new(orig, key, res);
    else
        json_object_del(orig, key); /* `$patch: delete` */
    return 0;
}

/* Merge the patch map into orig (stolen; NULL means empty).  *out is the
 * merged map, or NULL when the patch says `$patch: delete`. */
static int merge_map(struct smp *s, json_t *orig, json_t *patch, json_t **out)
{
    json_t *directive = json_object_get(patch, DIRECTIVE_MARKER), *pv;
    const char *key;
    size_t ordered = 0;
    int rc = 0;

    *out = NULL;
    if (!orig)
        orig = json_object();
    if (directive) {
        const char *d = json_string_value(directive);
        if (d && strcmp(d, "delete") == 0) {
            json_decref(orig);
            return 0;
        }
        if (d && strcmp(d, "replace") == 0) {
            json_decref(orig);
            orig = json_object();
        } else if (!d || strcmp(d, "merge") != 0) {
            rc = err_bad_patch_type(s, directive, patch);
            goto out_free_orig;
        }
    }
    rc = apply_retain_keys(s, orig, patch);
    if (rc)
        goto out_free_orig;
    rc = apply_set_element_order(s, orig, patch, &ordered);
    if (rc)
        goto out_free_orig;

    json_object_foreach(patch, key, pv)
    {
        if (strcmp(key, DIRECTIVE_MARKER) == 0 || strcmp(key, RETAIN_KEYS) == 0 ||
            has_prefix(key, SET_ORDER_PREFIX))
            continue;
        if (has_prefix(key, DELETE_PRIMITIVE_PREFIX)) {
            rc = delete_from_primitive_list(s, orig, key, pv);
        } else {
            if (ordered) {
                /* Already merged together with its $setElementOrder list. */
                char *sibling = xasprintf("%s/%s", SET_ORDER_PREFIX, key);
                bool done = json_object_get(patch, sibling) != NULL;
                free(sibling);
                if (done)
                    continue;
            }
            rc = merge_field(s, orig, key, pv);
        }
        if (rc)
            goto out_free_orig;
    }
    *out = orig;
    return 0;

out_free_orig:
    json_decref(orig);
    return rc;
}

int patch_strategic(json_t *doc, json_t *patch, const char *kind, json_t **out, char **err)
{
    struct smp s = {.schema = patch__smp_schema(kind), .depth = 0, .err = err};
    json_t *res = NULL;
    int rc;

    if (err)
        *err = NULL;
    if (!out)
        return EN_INVALID;
    *out = NULL;
    if (!json_is_object(doc))
        return patch__errf(err, "invalid JSON document");
    if (!patch || json_is_null(patch)) {
        /* encoding/json leaves the patch map empty for `null`. */
        *out = patch__copy(doc);
        return 0;
    }
    if (!json_is_object(patch))
        return patch__errf(
            err, "json: cannot unmarshal %s into Go value of type map[string]interface {}",
            patch__type_name(patch));
    rc = merge_map(&s, patch__copy(doc), patch, &res);
    if (rc)
        return rc;
    *out = res ? res : json_object();
    return 0;
}
