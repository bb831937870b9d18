/*
 * registry.c -- create, update, patch and delete with Kubernetes semantics
 * (see registry.h).  The per-kind strategies (what a status write may
 * change, generation rules, what create resets) live in strategy.c;
 * metav1.Status helpers in status.c.
 */
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "openapi/openapi.h"
#include "patch/patch.h"
#include "registry/registry_int.h"

/* Conflicts retried for writes without an explicit resourceVersion (as
 * Kubernetes' GuaranteedUpdate); retries back off with jitter so that two
 * writers racing on one object do not keep colliding. */
#define REG_MAX_RETRIES 64

static void reg_backoff(int tries)
{
    if (tries == 0)
        return;
    unsigned char r = (unsigned char)((time_mono_ns() >> 3) & 0xff);
    struct timespec ts = {.tv_sec = 0,
                          .tv_nsec = (long)(tries < 8 ? tries : 8) * 100000L + (long)r * 2000L};
    nanosleep(&ts, NULL);
}

/* ---- shared checks ----------------------------------------------------- */

/* Body must be an object of the endpoint's kind; fills in missing
 * apiVersion/kind as the Kubernetes decoder defaults them. */
static int reg_check_kind(const kind_info *k, json_t *obj, reg_status *st)
{
    const char *av, *kind;
    const char *want_av = types_api_version(k);

    if (!json_is_object(obj))
        return reg_fail(st, 400, "BadRequest",
                        "the body of the request was in an unknown format - expected a JSON object "
                        "for %s",
                        k->kind);
    av = json_string_value(json_object_get(obj, "apiVersion"));
    kind = json_string_value(json_object_get(obj, "kind"));
    if ((json_object_get(obj, "apiVersion") && !av) || (json_object_get(obj, "kind") && !kind))
        return reg_fail(st, 400, "BadRequest", "apiVersion and kind must be strings");
    if (kind && *kind && strcmp(kind, k->kind) != 0)
        return reg_fail(st, 400, "BadRequest",
                        "%s in version \"%s\" cannot be handled as a %s: the kind in the body "
                        "does not match the endpoint",
                        kind, av ? av : "", k->kind);
    if (av && *av && strcmp(av, want_av) != 0)
        return reg_fail(st, 400, "BadRequest",
                        "the API version in the data (%s) does not match the expected API "
                        "version (%s)",
                        av, want_av);
    json_object_set_new(obj, "apiVersion", json_string(want_av));
    json_object_set_new(obj, "kind", json_string(k->kind));
    if (json_object_get(obj, "metadata") && !json_is_object(json_object_get(obj, "metadata")))
        return reg_fail(st, 400, "BadRequest",
                        "%s in version \"%s\" cannot be handled as a %s: metadata must be an object",
                        k->kind, want_av, k->kind);
    json_obj_ensure(obj, "metadata");
    return 0;
}

/* Reconcile the body's namespace with the URL's. */
static int reg_check_namespace(const kind_info *k, const char *ns, json_t *obj, reg_status *st)
{
    json_t *meta = json_object_get(obj, "metadata");
    json_t *jns = json_object_get(meta, "namespace");

    if (!k->namespaced) {
        json_object_del(meta, "namespace");
        return 0;
    }
    if (jns && !json_is_string(jns))
        return reg_fail(st, 400, "BadRequest", "metadata.namespace must be a string");
    if (jns && json_string_length(jns) > 0 && strcmp(json_string_value(jns), ns) != 0)
        return reg_fail(st, 400, "BadRequest",
                        "the namespace of the provided object does not match the namespace sent "
                        "on the request");
    json_object_set_new(meta, "namespace", json_string(ns));
    return 0;
}

/* fieldValidation: Strict rejects unknown fields, Warn reports them. */
static int reg_check_fields(const kind_info *k, json_t *obj, const reg_write_opts *o,
                            reg_status *st)
{
    json_t *unknown;
    sbuf sb;
    size_t i;
    json_t *p;

    if (!o || o->fv == REG_FV_IGNORE)
        return 0;
    unknown = openapi_unknown_fields(k->group, k->version, k->kind, obj);
    if (!unknown || json_array_size(unknown) == 0) {
        json_decref(unknown);
        return 0;
    }
    sbuf_init(&sb);
    json_array_foreach(unknown, i, p)
    {
        const char *path = json_string_value(p);
        if (path && *path == '.')
            path++;
        if (o->fv == REG_FV_WARN && o->warnings) {
            char *w = xasprintf("unknown field \"%s\"", path ? path : "");
            json_array_append_new(o->warnings, json_string(w));
            free(w);
        }
        sbuf_printf(&sb, "%sunknown field \"%s\"", i ? ", " : "", path ? path : "");
    }
    json_decref(unknown);
    if (o->fv == REG_FV_STRICT) {
        reg_fail(st, 400, "BadRequest", "strict decoding error: %s", sb.buf);
        sbuf_release(&sb);
        return -400;
    }
    sbuf_release(&sb);
    return 0;
}

/* "DaemonSet.apps" / "Pod": the qualified kind of Kubernetes' messages. */
static const char *reg_qualified_kind(const kind_info *k, char *buf, size_t len)
{
    if (k->group[0])
        snprintf(buf, len, "%s.%s", k->kind, k->group);
    else
        snprintf(buf, len, "%s", k->kind);
    return buf;
}

static int reg_invalid(reg_status *st, const kind_info *k, const char *name, json_t *causes)
{
    sbuf sb;
    size_t i, n = json_array_size(causes);
    json_t *c;
    char qk[128];

    sbuf_init(&sb);
    sbuf_printf(&sb, "%s \"%s\" is invalid: %s", reg_qualified_kind(k, qk, sizeof qk),
                name ? name : "", n > 1 ? "[" : "");
    json_array_foreach(causes, i, c)
    {
        sbuf_printf(&sb, "%s%s: %s", i ? ", " : "",
                    json_string_value(json_object_get(c, "field")) ?: "",
                    json_string_value(json_object_get(c, "message")) ?: "");
    }
    if (n > 1)
        sbuf_puts(&sb, "]");
    st->code = 422;
    st->reason = "Invalid";
    st->message = sbuf_detach(&sb, NULL);
    st->details = json_pack("{s:s,s:s,s:s,s:O}", "name", name ? name : "", "group", k->group,
                            "kind", k->kind, "causes", causes);
    if (!k->group[0])
        json_object_del(st->details, "group");
    return -422;
}

/* details {name, group, kind} as Kubernetes fills them (no empty group). */
static json_t *reg_details(const kind_info *k, const char *name)
{
    json_t *d = json_pack("{s:s,s:s,s:s}", "name", name, "group", k->group, "kind", k->resource);
    if (!k->group[0])
        json_object_del(d, "group");
    return d;
}

static int reg_conflict(reg_status *st, const kind_info *k, const char *name)
{
    reg_fail(st, 409, "Conflict",
             "Operation cannot be fulfilled on %s \"%s\": the object has been modified; please "
             "apply your changes to the latest version and try again",
             types_qualified_resource(k), name);
    st->details = reg_details(k, name);
    return -409;
}

/* Namespace must exist and not be terminating for creates in it. */
static int reg_check_ns_exists(registry *r, const kind_info *k, const char *name, const char *ns,
                               reg_status *st)
{
    const kind_info *nsk = types_by_resource("", "v1", "namespaces");
    cache_obj *o = cache_get(r->c, nsk, "", ns);
    int rc = 0;

    if (!o) {
        reg_fail(st, 404, "NotFound", "namespaces \"%s\" not found", ns);
        st->details = json_pack("{s:s,s:s}", "name", ns, "kind", "namespaces");
        return -404;
    }
    json_t *j = cache_obj_json(o);
    if (json_path(j, "metadata.deletionTimestamp")) {
        rc = reg_fail(st, 403, "Forbidden",
                      "%s \"%s\" is forbidden: unable to create new content in namespace %s "
                      "because it is being terminated",
                      types_qualified_resource(k), name ? name : "", ns);
        st->details = reg_details(k, name ? name : "");
    }
    json_decref(j);
    cache_obj_unref(o);
    return rc;
}

/*
 * One durable write of obj under key.  The object is serialised twice here,
 * on the writer's thread: once for the store (without resourceVersion) and
 * once for the cache (cache_prep), so that the store's delivery thread, which
 * applies every change to the cache in order, only splices the revision in.
 */
static int reg_store_write(registry *r, enum store_op_type type, const char *key, json_t *obj,
                           int64_t expect_rev, int64_t *rev)
{
    static const char marker[] = "\"resourceVersion\":\"" CACHE_RV_MARKER "\"";
    store_op op = {.type = type, .key = key, .expect_rev = expect_rev};
    cache_prep prep;
    char *text = NULL;
    size_t len = 0;
    int rc;

    /* One serialisation serves both: the cache's text carries the marker,
     * the store's value is the same text with that one member cut out. */
    cache_prep_init(&prep, obj);
    if (type != STORE_OP_DELETE) {
        const char *at = strstr(prep.text, marker);
        size_t ml = sizeof marker - 1, head, tail;
        if (!at)
            en_fatal("registry: resourceVersion marker missing from %s", key);
        head = (size_t)(at - prep.text);
        tail = head + ml;
        if (prep.text[tail] == ',')
            tail++; /* "rv":"m", -> drop the following comma */
        else if (head > 0 && prep.text[head - 1] == ',')
            head--; /* ,"rv":"m" -> drop the preceding comma */
        len = prep.len - (tail - head);
        text = xmalloc(len + 1);
        memcpy(text, prep.text, head);
        memcpy(text + head, prep.text + tail, prep.len - tail + 1);
    }
    op.value = text;
    op.len = len;
    op.aux = &prep;
    rc = store_apply(r->st, &op, 1);
    if (rc == 0)
        rc = op.result;
    if (rc == 0)
        *rev = op.rev;
    cache_prep_release(&prep);
    json_object_del(json_object_get(obj, "metadata"), "resourceVersion");
    free(text);
    return rc;
}

static void reg_stamp_rv(json_t *obj, int64_t rev)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)rev);
    json_object_set_new(json_obj_ensure(obj, "metadata"), "resourceVersion", json_string(buf));
}

/* ---- create ------------------------------------------------------------ */

int reg_create(registry *r, const kind_info *k, const char *ns, json_t *body,
               const reg_write_opts *o, json_t **out, reg_status *st)
{
    json_t *obj = NULL, *meta, *causes = NULL;
    const char *name;
    char *key = NULL;
    int64_t rev;
    int rc;

    if (k->read_only && !(o && o->system))
        return reg_fail(st, 405, "MethodNotAllowed", "create is not supported on %s",
                        k->resource);
    obj = o && o->consume ? json_incref(body) : json_deep_copy(body);
    if (!obj)
        obj = json_null();
    rc = reg_check_kind(k, obj, st);
    if (rc)
        goto out;
    rc = reg_check_namespace(k, ns, obj, st);
    if (rc)
        goto out;
    rc = reg_check_fields(k, obj, o, st);
    if (rc)
        goto out;
    meta = json_object_get(obj, "metadata");
    if (!json_string_value(json_object_get(meta, "name")) ||
        !*json_string_value(json_object_get(meta, "name"))) {
        const char *gen = json_string_value(json_object_get(meta, "generateName"));
        if (gen && *gen) {
            char suffix[8], *n;
            uid_random_suffix(suffix, 5);
            n = xasprintf("%.*s%s", 58, gen, suffix);
            json_object_set_new(meta, "name", json_string(n));
            free(n);
        }
    }
    reg_prepare_create(k, obj);
    types_default(k, obj);
    rc = types_validate(k, obj, NULL, false, &causes);
    name = json_string_value(json_object_get(meta, "name"));
    if (rc) {
        rc = reg_invalid(st, k, name, causes);
        goto out;
    }
    if (k->namespaced) {
        rc = reg_check_ns_exists(r, k, name, ns, st);
        if (rc)
            goto out;
    }
    if (o && o->dry_run) {
        *out = obj;
        obj = NULL;
        goto out;
    }
    key = cache_key(k, ns, name);
    rc = reg_store_write(r, STORE_OP_CREATE, key, obj, 0, &rev);
    if (rc == EN_EXISTS) {
        reg_fail(st, 409, "AlreadyExists", "%s \"%s\" already exists", types_qualified_resource(k),
                 name);
        st->details = reg_details(k, name);
        rc = -409;
        goto out;
    }
    if (rc) {
        rc = reg_fail(st, 500, "InternalError", "storage error: %s", en_strerror(rc));
        goto out;
    }
    reg_stamp_rv(obj, rev);
    *out = obj;
    obj = NULL;
out:
    json_decref(causes);
    json_decref(obj);
    free(key);
    return rc;
}

/* ---- update / patch ---------------------------------------------------- */

/*
 * Shared tail of update and patch: turn the client's desired object into the
 * next stored version of cur and write it with CAS on cur's revision.
 * Returns EN_CONFLICT (without filling st) when the store moved on and the
 * caller may retry; other failures fill st.
 */
/* old: cur parsed, if the caller has it (this function takes the
 * reference), else NULL and it is parsed here.  own_desired: desired is the
 * caller's private object, to be changed in place (see reg_prepare_update). */
static int reg_write_update(registry *r, const kind_info *k, cache_obj *cur, json_t *old,
                            json_t *desired, bool own_desired, const char *subresource,
                            const reg_write_opts *o, bool explicit_rv, json_t **out,
                            reg_status *st)
{
    json_t *next = NULL, *causes = NULL;
    const char *bound_to;
    int64_t rev;
    int rc;
    /* A binding changes only spec.nodeName, which pod updates may not. */
    bool status_only = subresource && (strcmp(subresource, "status") == 0 ||
                                       strcmp(subresource, "binding") == 0);

    if (!old)
        old = cache_obj_json(cur);

    bound_to = json_path_str(old, "spec.nodeName");
    if (subresource && strcmp(subresource, "binding") == 0 && bound_to && *bound_to) {
        /* Kubernetes' BindingREST wording. */
        rc = reg_fail(st, 409, "Conflict",
                      "Operation cannot be fulfilled on pods/binding \"%s\": pod %s is already "
                      "assigned to node \"%s\"",
                      cur->name, cur->name, bound_to);
        goto out;
    }
    next = reg_prepare_update(k, desired, old, subresource, own_desired);
    types_default(k, next);
    if (subresource && strcmp(subresource, "binding") == 0) {
        /* Binding is the one write allowed to set spec.nodeName: validate
         * against the old object carrying it (it had none: checked above),
         * then take it off again for the comparison below. */
        json_t *ospec = json_obj_ensure(old, "spec");
        json_object_set(ospec, "nodeName", json_path(next, "spec.nodeName") ?: json_null());
        rc = types_validate(k, next, old, status_only, &causes);
        json_object_del(ospec, "nodeName");
    } else {
        rc = types_validate(k, next, old, status_only, &causes);
    }
    if (rc) {
        rc = reg_invalid(st, k, cur->name, causes);
        goto out;
    }
    /* Unchanged objects are not rewritten (no new resourceVersion). */
    reg_stamp_rv(next, cur->rev);
    if (json_equal(next, old)) {
        *out = next;
        next = NULL;
        rc = 0;
        goto out;
    }
    if (o && o->dry_run) {
        *out = next;
        next = NULL;
        rc = 0;
        goto out;
    }
    rc = reg_store_write(r, reg_finalized(next) ? STORE_OP_DELETE : STORE_OP_UPDATE, cur->key,
                         next, cur->rev, &rev);
    if (rc == EN_CONFLICT || rc == EN_NOTFOUND) {
        if (explicit_rv && rc == EN_CONFLICT)
            rc = reg_conflict(st, k, cur->name);
        else
            rc = EN_CONFLICT;
        goto out;
    }
    if (rc) {
        rc = reg_fail(st, 500, "InternalError", "storage error: %s", en_strerror(rc));
        goto out;
    }
    reg_stamp_rv(next, rev);
    *out = next;
    next = NULL;
out:
    json_decref(causes);
    json_decref(old);
    json_decref(next);
    return rc;
}

static int reg_check_name(const kind_info *k, const char *name, json_t *obj, reg_status *st)
{
    json_t *meta = json_object_get(obj, "metadata");
    const char *bn = json_string_value(json_object_get(meta, "name"));

    if (bn && *bn && strcmp(bn, name) != 0)
        return reg_fail(st, 400, "BadRequest",
                        "the name of the object (%s) does not match the name on the URL (%s)", bn,
                        name);
    json_object_set_new(meta, "name", json_string(name));
    return 0;
}

/* The checks every update and patch result passes before the strategy. */
static int reg_check_body(const kind_info *k, const char *ns, const char *name, json_t *obj,
                          const reg_write_opts *o, reg_status *st)
{
    int rc = reg_check_kind(k, obj, st);
    if (!rc)
        rc = reg_check_namespace(k, ns, obj, st);
    if (!rc)
        rc = reg_check_name(k, name, obj, st);
    if (!rc)
        rc = reg_check_fields(k, obj, o, st);
    return rc;
}

static bool reg_allow_create_on_update(const kind_info *k)
{
    return strcmp(k->kind, "Event") == 0 || strcmp(k->kind, "Lease") == 0;
}

int reg_update(registry *r, const kind_info *k, const char *ns, const char *name, json_t *body,
               const char *subresource, const reg_write_opts *o, json_t **out, reg_status *st)
{
    json_t *obj = o && o->consume ? json_incref(body) : json_deep_copy(body);
    const char *rv, *pre_uid;
    char *uid = NULL;
    long long want_rev = 0;
    bool explicit_rv;
    int rc, tries;

    if (!obj)
        obj = json_null();
    if (k->read_only && !(o && o->system)) {
        rc = reg_fail(st, 405, "MethodNotAllowed", "update is not supported on %s", k->resource);
        goto out;
    }
    rc = reg_check_body(k, ns, name, obj, o, st);
    if (rc)
        goto out;
    /* Read now: each try changes obj in place (own_desired below). */
    rv = json_path_str(obj, "metadata.resourceVersion");
    explicit_rv = rv && *rv;
    if (explicit_rv)
        want_rev = strtoll(rv, NULL, 10);
    pre_uid = json_path_str(obj, "metadata.uid");
    if (pre_uid && *pre_uid)
        uid = xstrdup(pre_uid);
    for (tries = 0; tries < REG_MAX_RETRIES; tries++) {
        reg_backoff(tries);
        cache_obj *cur = cache_get(r->c, k, ns, name);
        if (!cur) {
            if (reg_allow_create_on_update(k) && !subresource) {
                rc = reg_create(r, k, ns, obj, o, out, st);
                goto out;
            }
            rc = reg_not_found(st, k, name);
            goto out;
        }
        if (explicit_rv && want_rev != cur->rev) {
            cache_obj_unref(cur);
            rc = reg_conflict(st, k, name);
            goto out;
        }
        if (uid && strcmp(uid, cur->uid) != 0) {
            rc = reg_fail(st, 409, "Conflict",
                          "Precondition failed: UID in precondition: %s, UID in object meta: %s",
                          uid, cur->uid);
            cache_obj_unref(cur);
            goto out;
        }
        rc = reg_write_update(r, k, cur, NULL, obj, true, subresource, o, explicit_rv, out, st);
        cache_obj_unref(cur);
        if (rc != EN_CONFLICT)
            goto out;
    }
    rc = reg_conflict(st, k, name);
out:
    free(uid);
    json_decref(obj);
    return rc;
}

/* A JSON Patch that is an array of operation objects: failures applying it
 * are Invalid (422); anything else is a malformed request (400). */
static bool reg_json_patch_wellformed(json_t *patch)
{
    size_t i;
    json_t *op;
    if (!json_is_array(patch))
        return false;
    json_array_foreach(patch, i, op)
    {
        if (!json_is_object(op))
            return false;
    }
    return true;
}

static int reg_apply_patch(const kind_info *k, enum reg_patch_type type, json_t *old,
                           json_t *patch, json_t **res, reg_status *st)
{
    char *err = NULL;
    int rc;

    switch (type) {
    case REG_PATCH_JSON:
        rc = patch_json(old, patch, res, &err);
        break;
    case REG_PATCH_MERGE:
        rc = patch_merge(old, patch, res, &err);
        break;
    case REG_PATCH_STRATEGIC:
        rc = patch_strategic(old, patch, k->kind, res, &err);
        break;
    default:
        return reg_fail(st, 415, "UnsupportedMediaType",
                        "the body of the request was in an unknown format - accepted media "
                        "types include: application/json-patch+json, "
                        "application/merge-patch+json, application/strategic-merge-patch+json");
    }
    if (rc) {
        /* A patch that cannot apply is the client's error: JSON Patch
         * operations that fail are Invalid, malformed patches BadRequest. */
        bool invalid = type == REG_PATCH_JSON && rc == EN_INVALID && reg_json_patch_wellformed(patch);
        if (rc == EN_TOOLARGE)
            reg_fail(st, 413, "RequestEntityTooLarge", "%s", err ? err : "patch too large");
        else
            reg_fail(st, invalid ? 422 : 400, invalid ? "Invalid" : "BadRequest", "%s",
                     err ? err : "the patch could not be applied");
        free(err);
        return -st->code;
    }
    free(err);
    return 0;
}

int reg_patch(registry *r, const kind_info *k, const char *ns, const char *name,
              enum reg_patch_type type, json_t *patch, const char *subresource,
              const reg_write_opts *o, json_t **out, reg_status *st)
{
    int rc = 0, tries;

    if (k->read_only)
        return reg_fail(st, 405, "MethodNotAllowed", "patch is not supported on %s", k->resource);
    if (type != REG_PATCH_JSON && !json_is_object(patch))
        return reg_fail(st, 400, "BadRequest",
                        "the body of the request was in an unknown format - a patch must be a "
                        "JSON object");
    for (tries = 0; tries < REG_MAX_RETRIES; tries++) {
        reg_backoff(tries);
        cache_obj *cur = cache_get(r->c, k, ns, name);
        json_t *old, *res = NULL;
        const char *rv;
        bool explicit_rv;

        if (!cur)
            return reg_not_found(st, k, name);
        old = cache_obj_json(cur);
        rc = reg_apply_patch(k, type, old, patch, &res, st);
        json_decref(old);
        if (rc) {
            cache_obj_unref(cur);
            return rc;
        }
        rc = reg_check_body(k, ns, name, res, o, st);
        if (rc) {
            json_decref(res);
            cache_obj_unref(cur);
            return rc;
        }
        rv = json_path_str(res, "metadata.resourceVersion");
        explicit_rv = rv && *rv && strtoll(rv, NULL, 10) != cur->rev;
        if (explicit_rv) {
            /* The patch itself carried a stale resourceVersion. */
            json_decref(res);
            cache_obj_unref(cur);
            return reg_conflict(st, k, name);
        }
        rc = reg_write_update(r, k, cur, NULL, res, false, subresource, o, false, out, st);
        json_decref(res);
        cache_obj_unref(cur);
        if (rc != EN_CONFLICT)
            return rc;
    }
    return reg_conflict(st, k, name);
}

int reg_mutate(registry *r, const kind_info *k, const char *ns, const char *name,
               const char *subresource, reg_mutate_fn fn, void *ctx, reg_status *st)
{
    for (int tries = 0; tries < REG_MAX_RETRIES; tries++) {
        reg_backoff(tries);
        cache_obj *cur = cache_get(r->c, k, ns, name);
        json_t *old, *obj, *out = NULL;
        int rc;

        if (!cur)
            return reg_not_found(st, k, name);
        /* Parsed once: a copy for fn to change, the original as "old". */
        old = cache_obj_json(cur);
        obj = json_deep_copy(old);
        if (!fn(ctx, obj)) {
            json_decref(old);
            json_decref(obj);
            cache_obj_unref(cur);
            return 0;
        }
        rc = reg_write_update(r, k, cur, old, obj, true, subresource, NULL, false, &out, st);
        json_decref(obj);
        json_decref(out);
        cache_obj_unref(cur);
        if (rc != EN_CONFLICT)
            return rc;
    }
    return reg_conflict(st, k, name);
}

int reg_bind(registry *r, const char *ns, const char *name, const char *node, reg_status *st)
{
    const kind_info *k = types_by_resource("", "v1", "pods");
    /* The binding reads only spec.nodeName of the desired object: no copy
     * of the pod is made for it (reg_mutate would make one per try). */
    json_t *desired = json_pack("{s:{s:s}}", "spec", "nodeName", node);
    int rc = 0;

    for (int tries = 0; tries < REG_MAX_RETRIES; tries++) {
        reg_backoff(tries);
        cache_obj *cur = cache_get(r->c, k, ns, name);
        json_t *out = NULL;

        if (!cur) {
            rc = reg_not_found(st, k, name);
            goto out;
        }
        rc = reg_write_update(r, k, cur, NULL, desired, false, "binding", NULL, false, &out, st);
        json_decref(out);
        cache_obj_unref(cur);
        if (rc != EN_CONFLICT)
            goto out;
    }
    rc = reg_conflict(st, k, name);
out:
    json_decref(desired);
    return rc;
}

/* ---- delete ------------------------------------------------------------ */

int reg_delete(registry *r, const kind_info *k, const char *ns, const char *name,
               const reg_delete_opts *o, json_t **out, bool *gone, reg_status *st)
{
    int rc = 0;

    *gone = false;
    if (k->read_only)
        return reg_fail(st, 405, "MethodNotAllowed", "delete is not supported on %s",
                        k->resource);
    if (strcmp(k->kind, "Namespace") == 0 &&
        (strcmp(name, "default") == 0 || strcmp(name, "kube-system") == 0 ||
         strcmp(name, "kube-public") == 0)) {
        rc = reg_fail(st, 403, "Forbidden",
                      "namespaces \"%s\" is forbidden: this namespace may not be deleted", name);
        st->details = json_pack("{s:s,s:s}", "name", name, "kind", "namespaces");
        return rc;
    }
    for (int tries = 0; tries < REG_MAX_RETRIES; tries++) {
        cache_obj *cur = cache_get(r->c, k, ns, name);
        json_t *obj;
        int64_t rev;
        enum reg_delete_plan plan;

        if (!cur)
            return reg_not_found(st, k, name);
        if (o->pre_uid && *o->pre_uid && strcmp(o->pre_uid, cur->uid) != 0) {
            rc = reg_fail(st, 409, "Conflict",
                          "Precondition failed: UID in precondition: %s, UID in object meta: %s",
                          o->pre_uid, cur->uid);
            cache_obj_unref(cur);
            return rc;
        }
        if (o->pre_rv && *o->pre_rv && strtoll(o->pre_rv, NULL, 10) != cur->rev) {
            rc = reg_fail(st, 409, "Conflict",
                          "Precondition failed: ResourceVersion in precondition: %s, "
                          "ResourceVersion in object meta: %lld",
                          o->pre_rv, (long long)cur->rev);
            cache_obj_unref(cur);
            return rc;
        }
        obj = cache_obj_json(cur);
        plan = reg_plan_delete(r, k, obj, o);
        if (o->dry_run) {
            *out = obj;
            *gone = plan == REG_DELETE_NOW;
            cache_obj_unref(cur);
            return 0;
        }
        if (plan == REG_DELETE_NOW) {
            rc = reg_store_write(r, STORE_OP_DELETE, cur->key, obj, cur->rev, &rev);
            if (rc == 0) {
                *gone = true;
                *out = obj;
                cache_obj_unref(cur);
                return 0;
            }
        } else if (plan == REG_DELETE_UNCHANGED) {
            *out = obj;
            cache_obj_unref(cur);
            return 0;
        } else {
            rc = reg_store_write(r, STORE_OP_UPDATE, cur->key, obj, cur->rev, &rev);
            if (rc == 0) {
                reg_stamp_rv(obj, rev);
                *out = obj;
                cache_obj_unref(cur);
                return 0;
            }
        }
        json_decref(obj);
        cache_obj_unref(cur);
        if (rc != EN_CONFLICT && rc != EN_NOTFOUND)
            return reg_fail(st, 500, "InternalError", "storage error: %s", en_strerror(rc));
    }
    return reg_conflict(st, k, name);
}

int reg_delete_collection(registry *r, const cache_filter *f, const reg_delete_opts *o,
                          reg_status *st)
{
    cache_obj **objs = NULL;
    size_t n = 0;
    int64_t rev;
    bool more;
    int rc = 0;

    if (f->kind->read_only)
        return reg_fail(st, 405, "MethodNotAllowed", "deletecollection is not supported on %s",
                        f->kind->resource);
    cache_list(r->c, f, NULL, 0, &objs, &n, &rev, &more);
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *out = NULL;
        bool gone;
        reg_status one = {0};
        rc = reg_delete(r, f->kind, objs[i]->ns, objs[i]->name, o, &out, &gone, &one);
        json_decref(out);
        if (rc == -404) {
            rc = 0; /* deleted meanwhile */
            reg_status_release(&one);
        } else if (rc) {
            *st = one;
        }
    }
    cache_list_free(objs, n);
    return rc;
}
