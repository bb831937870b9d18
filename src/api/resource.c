/*
 * resource.c -- handlers for resource paths: get, list, watch (handed to
 * watch.c), create, update, patch, delete, deletecollection, and the pod
 * subresources binding and eviction.  Bodies are decoded here (JSON, YAML
 * or Kubernetes protobuf) and every failure becomes a metav1.Status.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "protobuf/protobuf.h"
#include "yaml/yaml.h"

/* ---- body decoding ----------------------------------------------------- */

static bool ctype_is(const char *ct, const char *want)
{
    size_t n = strlen(want);
    if (!ct)
        return false;
    while (*ct == ' ')
        ct++;
    return strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Decode the body into JSON; on failure fill resp and return -1. */
static int decode_body(api_req *rq, const kind_info *k, json_t **out, api_resp *resp)
{
    const char *ct = api_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
    json_error_t jerr;
    char *err = NULL;
    int rc;

    if (rq->body.len == 0) {
        api_resp_error(resp, 400, "BadRequest", "the request body is empty; expected a %s",
                       k ? k->kind : "object");
        return -1;
    }
    if (!ct || ctype_is(ct, "application/json") || ctype_is(ct, "application/merge-patch+json") ||
        ctype_is(ct, "application/strategic-merge-patch+json") ||
        ctype_is(ct, "application/json-patch+json") ||
        ctype_is(ct, "application/apply-patch+yaml")) {
        if (ctype_is(ct, "application/apply-patch+yaml"))
            goto yaml;
        *out = json_loadb(rq->body.buf, rq->body.len, JSON_REJECT_DUPLICATES, &jerr);
        if (!*out) {
            api_resp_error(resp, 400, "BadRequest",
                           "couldn't get version/kind; json parse error: %s (line %d, column %d)",
                           jerr.text, jerr.line, jerr.column);
            return -1;
        }
        return 0;
    }
    if (ctype_is(ct, "application/yaml")) {
    yaml:
        rc = yaml_to_json(rq->body.buf, rq->body.len, out, &err);
        if (rc) {
            api_resp_error(resp, 400, "BadRequest", "couldn't decode YAML body: %s",
                           err ? err : "invalid YAML");
            free(err);
            return -1;
        }
        return 0;
    }
    if (ctype_is(ct, "application/vnd.kubernetes.protobuf")) {
        rc = pb_decode_object((const unsigned char *)rq->body.buf, rq->body.len, out, &err);
        if (rc) {
            if (rc == EN_UNSUPPORTED)
                api_resp_error(resp, 415, "UnsupportedMediaType",
                               "the body of the request was in an unknown format - accepted "
                               "media types include: application/json, application/yaml (%s)",
                               err ? err : "protobuf kind not supported");
            else
                api_resp_error(resp, 400, "BadRequest", "couldn't decode protobuf body: %s",
                               err ? err : "malformed");
            free(err);
            return -1;
        }
        return 0;
    }
    api_resp_error(resp, 415, "UnsupportedMediaType",
                   "the body of the request was in an unknown format - accepted media types "
                   "include: application/json, application/yaml, "
                   "application/vnd.kubernetes.protobuf");
    return -1;
}

static enum reg_field_validation parse_fv(api_req *rq)
{
    const char *fv = api_query(rq, "fieldValidation");
    if (!fv || strcasecmp(fv, "Strict") == 0)
        return fv ? REG_FV_STRICT : REG_FV_WARN;
    if (strcasecmp(fv, "Ignore") == 0)
        return REG_FV_IGNORE;
    return REG_FV_WARN;
}

static bool parse_dry_run(api_req *rq)
{
    const char *d = api_query(rq, "dryRun");
    return d && strcmp(d, "All") == 0;
}

/* ---- list / get -------------------------------------------------------- */

static bool parse_int_param(const char *s, long long *v)
{
    char *end;
    if (!s || !*s)
        return false;
    *v = strtoll(s, &end, 10);
    return *end == '\0';
}

/* Continue tokens are "<rev>:<last key>", hex-armoured to stay URL-safe. */
static char *continue_encode(int64_t rev, const char *key)
{
    sbuf sb;
    char *raw = xasprintf("%lld:%s", (long long)rev, key);
    sbuf_init(&sb);
    for (const unsigned char *p = (const unsigned char *)raw; *p; p++)
        sbuf_printf(&sb, "%02x", *p);
    free(raw);
    return sbuf_detach(&sb, NULL);
}

static char *continue_decode(const char *tok)
{
    size_t n = strlen(tok);
    char *out, *colon;
    if (n % 2 || n == 0)
        return NULL;
    out = xmalloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        unsigned int b;
        if (!isxdigit((unsigned char)tok[2 * i]) || !isxdigit((unsigned char)tok[2 * i + 1]) ||
            sscanf(tok + 2 * i, "%2x", &b) != 1) {
            free(out);
            return NULL;
        }
        out[i] = (char)b;
    }
    out[n / 2] = '\0';
    colon = strchr(out, ':');
    if (!colon) {
        free(out);
        return NULL;
    }
    memmove(out, colon + 1, strlen(colon + 1) + 1);
    return out;
}

/* Parse selectors from the query; on error fill resp. */
static int parse_selectors(api_req *rq, const kind_info *k, lsel **ls, fsel **fs, api_resp *resp)
{
    const char *l = api_query(rq, "labelSelector"), *f = api_query(rq, "fieldSelector");
    const char *const *names;
    size_t nn;
    char *err = NULL;

    *ls = NULL;
    *fs = NULL;
    if (l && *l && lsel_parse(l, ls, &err)) {
        api_resp_error(resp, 400, "BadRequest", "unable to parse requirement: %s",
                       err ? err : l);
        free(err);
        return -1;
    }
    if (f && *f) {
        if (fsel_parse(f, fs, &err)) {
            api_resp_error(resp, 400, "BadRequest", "invalid field selector: %s", err ? err : f);
            free(err);
            return -1;
        }
        names = types_field_names(k, &nn);
        if (fsel_check_fields(*fs, names, nn, &err)) {
            api_resp_error(resp, 400, "BadRequest", "%s",
                           err ? err : "field label not supported");
            free(err);
            return -1;
        }
    }
    return 0;
}

static void handle_get(api_server *s, api_req *rq, api_route *rt, api_resp *resp)
{
    cache_obj *o = cache_get(s->c, rt->kind, rt->ns, rt->name);
    reg_status st = {0};

    if (!o) {
        reg_not_found(&st, rt->kind, rt->name);
        api_resp_status(resp, &st);
        reg_status_release(&st);
        return;
    }
    if (api_wants_table(rq)) {
        api_resp_json(resp, 200, api_table(rt->kind, &o, 1, o->rev, NULL, true));
    } else {
        resp->code = 200;
        resp->body = xmalloc(o->len + 1);
        memcpy(resp->body, o->text, o->len + 1);
        resp->len = o->len;
        resp->ctype = "application/json";
    }
    cache_obj_unref(o);
}

static void handle_list(api_server *s, api_req *rq, api_route *rt, api_resp *resp)
{
    cache_filter f = {.kind = rt->kind, .ns = rt->ns};
    lsel *ls = NULL;
    fsel *fs = NULL;
    cache_obj **objs = NULL;
    size_t n = 0;
    int64_t rev;
    bool more = false;
    long long limit = 0;
    const char *lim = api_query(rq, "limit"), *cont = api_query(rq, "continue");
    char *after = NULL, *tok = NULL;

    const char *rv = api_query(rq, "resourceVersion");
    long long rvn;
    if (rv && *rv && (!parse_int_param(rv, &rvn) || rvn < 0)) {
        api_resp_error(resp, 400, "BadRequest", "invalid resource version: %s", rv);
        return;
    }
    if (lim && *lim && (!parse_int_param(lim, &limit) || limit < 0)) {
        api_resp_error(resp, 400, "BadRequest", "invalid limit: %s", lim);
        return;
    }
    if (cont && *cont && !(after = continue_decode(cont))) {
        api_resp_error(resp, 400, "BadRequest", "continue key is not valid: %s", cont);
        return;
    }
    if (parse_selectors(rq, rt->kind, &ls, &fs, resp))
        goto out;
    f.labels = ls;
    f.fields = fs;
    cache_list(s->c, &f, after, (size_t)limit, &objs, &n, &rev, &more);
    if (more && n)
        tok = continue_encode(rev, objs[n - 1]->key);

    if (api_wants_table(rq)) {
        const char *inc = api_query(rq, "includeObject");
        api_resp_json(resp, 200,
                      api_table(rt->kind, objs, n, rev, tok, !inc || strcmp(inc, "None") != 0));
    } else {
        sbuf sb;
        sbuf_init(&sb);
        sbuf_printf(&sb,
                    "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":"
                    "\"%lld\"",
                    rt->kind->list_kind, types_api_version(rt->kind), (long long)rev);
        if (tok)
            sbuf_printf(&sb, ",\"continue\":\"%s\"", tok);
        sbuf_puts(&sb, "},\"items\":[");
        for (size_t i = 0; i < n; i++) {
            if (i)
                sbuf_puts(&sb, ",");
            sbuf_append(&sb, objs[i]->text, objs[i]->len);
        }
        sbuf_puts(&sb, "]}");
        resp->code = 200;
        resp->body = sbuf_detach(&sb, &resp->len);
        resp->ctype = "application/json";
    }
out:
    cache_list_free(objs, n);
    lsel_free(ls);
    fsel_free(fs);
    free(after);
    free(tok);
}

/* ---- writes ------------------------------------------------------------ */

/*
 * The body of a successful write is the object as stored.  The cache already
 * holds its text (listeners run before a writer is released), so when the
 * cached revision is the one just written it is sent as is instead of
 * serialising out again -- for node status, lease and pod updates that dump
 * is a good part of a write's cost.  Dry runs never match: their object was
 * not stored.  Returns true when it answered (and freed out).
 */
static bool reply_from_cache(api_server *s, const kind_info *k, int code, json_t *out,
                             api_resp *resp)
{
    json_t *meta = json_object_get(out, "metadata");
    const char *rv = json_string_value(json_object_get(meta, "resourceVersion"));
    const char *name = json_string_value(json_object_get(meta, "name"));
    const char *ns = json_string_value(json_object_get(meta, "namespace"));
    cache_obj *o;
    bool done = false;

    if (!rv || !name || !*rv)
        return false;
    o = cache_get(s->c, k, ns ? ns : "", name);
    if (o && o->rev == strtoll(rv, NULL, 10)) {
        api_resp_text(resp, code, "application/json", o->text);
        json_decref(out);
        done = true;
    }
    cache_obj_unref(o);
    return done;
}

static void reply_written(api_server *s, const kind_info *k, bool dry_run, api_resp *resp,
                          int rc, int code, json_t *out, reg_status *st)
{
    if (rc)
        api_resp_status(resp, st);
    else if (dry_run || !reply_from_cache(s, k, code, out, resp))
        api_resp_json(resp, code, out);
    reg_status_release(st);
}


static void handle_create(api_server *s, api_req *rq, api_route *rt, api_resp *resp)
{
    json_t *body = NULL, *out = NULL;
    reg_status st = {0};
    /* consume: body is ours and not used again. */
    reg_write_opts o = {.fv = parse_fv(rq), .dry_run = parse_dry_run(rq), .warnings = rq->warnings,
                        .consume = true};
    int rc;

    if (decode_body(rq, rt->kind, &body, resp))
        return;
    rc = reg_create(s->reg, rt->kind, rt->ns, body, &o, &out, &st);
    reply_written(s, rt->kind, o.dry_run, resp, rc, 201, out, &st);
    json_decref(body);
}

static void handle_update(api_server *s, api_req *rq, api_route *rt, api_resp *resp)
{
    json_t *body = NULL, *out = NULL;
    reg_status st = {0};
    reg_write_opts o = {.fv = parse_fv(rq), .dry_run = parse_dry_run(rq), .warnings = rq->warnings,
                        .consume = true};
    int rc;

    if (decode_body(rq, rt->kind, &body, resp))
        return;
    rc = reg_update(s->reg, rt->kind, rt->ns, rt->name, body, rt->sub[0] ? rt->sub : NULL, &o,
                    &out, &st);
    reply_written(s, rt->kind, o.dry_run, resp, rc, 200, out, &st);
    json_decref(body);
}

static void handle_patch(api_server *s, api_req *rq, api_route *rt, api_resp *resp)
{
    const char *ct = api_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
    enum reg_patch_type type;
    json_t *body = NULL, *out = NULL;
    reg_status st = {0};
    reg_write_opts o = {.fv = parse_fv(rq), .dry_run = parse_dry_run(rq), .warnings = rq->warnings};
    int rc;

    if (ctype_is(ct, "application/json-patch+json"))
        type = REG_PATCH_JSON;
    else if (ctype_is(ct, "application/merge-patch+json"))
        type = REG_PATCH_MERGE;
    else if (ctype_is(ct, "application/strategic-merge-patch+json"))
        type = REG_PATCH_STRATEGIC;
    else {
        api_resp_error(resp, 415, "UnsupportedMediaType",
                       "the body of the request was in an unknown format - accepted media types "
                       "include: application/json-patch+json, application/merge-patch+json, "
                       "application/strategic-merge-patch+json");
        return;
    }
    if (decode_body(rq, rt->kind, &body, resp))
        return;
    rc = reg_patch(s->reg, rt->kind, rt->ns, rt->name, type, body, rt->sub[0] ? rt->sub : NULL,
                   &o, &out, &st);
    reply_written(s, rt->kind, o.dry_run, resp, rc, 200, out, &st);
    json_decref(body);
}

/* DeleteOptions from the body (JSON or protobuf) and the query. */
static int parse_delete_opts(api_req *rq, reg_delete_opts *o, json_t **keep, api_resp *resp)
{
    const char *pp = api_query(rq, "propagationPolicy"), *g = api_query(rq, "gracePeriodSeconds");
    json_t *body = NULL;
    long long v;

    memset(o, 0, sizeof *o);
    o->grace_seconds = -1;
    o->dry_run = parse_dry_run(rq);
    *keep = NULL;
    if (rq->body.len) {
        if (decode_body(rq, NULL, &body, resp))
            return -1;
        if (!json_is_object(body)) {
            json_decref(body);
            api_resp_error(resp, 400, "BadRequest", "DeleteOptions must be a JSON object");
            return -1;
        }
        if (!pp)
            pp = json_string_value(json_object_get(body, "propagationPolicy"));
        if (json_is_integer(json_object_get(body, "gracePeriodSeconds")))
            o->grace_seconds = json_integer_value(json_object_get(body, "gracePeriodSeconds"));
        if (json_is_true(json_object_get(body, "orphanDependents")) && !pp)
            pp = "Orphan";
        o->pre_uid = json_path_str(body, "preconditions.uid");
        o->pre_rv = json_path_str(body, "preconditions.resourceVersion");
        json_t *dr = json_object_get(body, "dryRun");
        if (json_is_array(dr) && json_array_size(dr))
            o->dry_run = true;
        *keep = body;
    }
    if (g) {
        if (!parse_int_param(g, &v)) {
            api_resp_error(resp, 400, "BadRequest", "invalid gracePeriodSeconds: %s", g);
            json_decref(*keep);
            *keep = NULL;
            return -1;
        }
        o->grace_seconds = v;
    }
    if (!pp)
        o->propagation = REG_PROP_DEFAULT;
    else if (strcmp(pp, "Background") == 0)
        o->propagation = REG_PROP_BACKGROUND;
    else if (strcmp(pp, "Foreground") == 0)
        o->propagation = REG_PROP_FOREGROUND;
    else if (strcmp(pp, "Orphan") == 0)
        o->propagation = REG_PROP_ORPHAN;
    else {
        reg_status st = {0};
        char *msg = xasprintf("Unsupported value: \"%s\": supported values: \"Foreground\", "
                              "\"Background\", \"Orphan\", \"nil\"",
                              pp);
        reg_fail(&st, 422, "Invalid", "DeleteOptions.meta.k8s.io \"\" is invalid: "
                 "propagationPolicy: %s", msg);
        st.details = json_pack("{s:s,s:s,s:s,s:[{s:s,s:s,s:s}]}", "name", "", "group",
                               "meta.k8s.io", "kind", "DeleteOptions", "causes", "reason",
                               "FieldValueNotSupported", "message", msg, "field",
                               "propagationPolicy");
        api_resp_status(resp, &st);
        reg_status_release(&st);
        free(msg);
        json_decref(*keep);
        *keep = NULL;
        return -1;
    }
    return 0;
}

static void handle_delete(api_server *s, api_req *rq, api_route *rt, api_resp *resp)
{
    reg_delete_opts o;
    json_t *keep = NULL, *out = NULL;
    reg_status st = {0};
    bool gone;
    int rc;

    if (parse_delete_opts(rq, &o, &keep, resp))
        return;
    rc = reg_delete(s->reg, rt->kind, rt->ns, rt->name, &o, &out, &gone, &st);
    /* Kubernetes answers 200 with the object (202 while finalizers run). */
    reply_written(s, rt->kind, o.dry_run, resp, rc, gone ? 200 : 202, out, &st);
    if (!rc && resp->code == 202)
        resp->code = 200;
    json_decref(keep);
}

static void handle_delete_collection(api_server *s, api_req *rq, api_route *rt, api_resp *resp)
{
    reg_delete_opts o;
    json_t *keep = NULL;
    reg_status st = {0};
    lsel *ls = NULL;
    fsel *fs = NULL;
    cache_filter f = {.kind = rt->kind, .ns = rt->ns};
    int rc;

    if (parse_delete_opts(rq, &o, &keep, resp))
        return;
    if (parse_selectors(rq, rt->kind, &ls, &fs, resp))
        goto out;
    f.labels = ls;
    f.fields = fs;
    rc = reg_delete_collection(s->reg, &f, &o, &st);
    if (rc) {
        api_resp_status(resp, &st);
    } else {
        st.code = 200;
        api_resp_json(resp, 200,
                      json_pack("{s:s,s:s,s:{},s:s}", "kind", "Status", "apiVersion", "v1",
                                "metadata", "status", "Success"));
    }
    reg_status_release(&st);
out:
    lsel_free(ls);
    fsel_free(fs);
    json_decref(keep);
}

/* ---- pod subresources -------------------------------------------------- */

static void handle_binding(api_server *s, api_req *rq, api_route *rt, api_resp *resp)
{
    json_t *body = NULL;
    reg_status st = {0};
    const char *node;

    if (decode_body(rq, NULL, &body, resp))
        return;
    node = json_path_str(body, "target.name");
    if (!node || !*node)
        api_resp_error(resp, 422, "Invalid", "Binding \"%s\" is invalid: target.name: Required value",
                       rt->name);
    else if (reg_bind(s->reg, rt->ns, rt->name, node, &st))
        api_resp_status(resp, &st); /* 404, or 409 when already bound */
    else
        api_resp_json(resp, 201,
                      json_pack("{s:s,s:s,s:{},s:s,s:i}", "kind", "Status", "apiVersion", "v1",
                                "metadata", "status", "Success", "code", 201));
    reg_status_release(&st);
    json_decref(body);
}

static void handle_eviction(api_server *s, api_req *rq, api_route *rt, api_resp *resp)
{
    json_t *body = NULL, *out = NULL;
    reg_status st = {0};
    reg_delete_opts o = {.grace_seconds = -1};
    bool gone;
    int rc;

    if (decode_body(rq, NULL, &body, resp))
        return;
    if (json_is_integer(json_path(body, "deleteOptions.gracePeriodSeconds")))
        o.grace_seconds = json_integer_value(json_path(body, "deleteOptions.gracePeriodSeconds"));
    rc = reg_delete(s->reg, rt->kind, rt->ns, rt->name, &o, &out, &gone, &st);
    if (rc)
        api_resp_status(resp, &st);
    else
        api_resp_json(resp, 201,
                      json_pack("{s:s,s:s,s:{},s:s,s:i}", "kind", "Status", "apiVersion", "v1",
                                "metadata", "status", "Success", "code", 201));
    reg_status_release(&st);
    json_decref(out);
    json_decref(body);
}

/* ---- dispatch ---------------------------------------------------------- */

static bool kind_has_verb(const kind_info *k, const char *verb)
{
    for (const char *const *v = k->verbs; v && *v; v++)
        if (strcmp(*v, verb) == 0)
            return true;
    return false;
}

static bool is_watch(api_req *rq)
{
    const char *w = api_query(rq, "watch");
    return w && (strcmp(w, "true") == 0 || strcmp(w, "1") == 0);
}

static int start_watch(api_server *s, api_req *rq, api_route *rt, api_resp *resp)
{
    const char *ts = api_query(rq, "timeoutSeconds");
    long long t;
    if (ts && *ts && (!parse_int_param(ts, &t) || t < 0)) {
        api_resp_error(resp, 400, "BadRequest", "invalid timeoutSeconds: %s", ts);
        return -1;
    }
    cache_filter f = {.kind = rt->kind, .ns = rt->ns, .name = rt->name[0] ? rt->name : NULL};
    lsel *ls = NULL;
    fsel *fs = NULL;

    if (parse_selectors(rq, rt->kind, &ls, &fs, resp))
        return -1;
    f.labels = ls;
    f.fields = fs;
    return api_watch_start(s, rq, rt, &f, ls, fs, api_wants_table(rq));
}

int api_handle_resource(api_server *s, api_req *rq, api_route *rt, api_resp *resp)
{
    const char *m = rq->method;
    bool named = rt->name[0] != '\0';
    const char *sub = rt->sub;

    if (sub[0]) {
        bool pod = strcmp(rt->kind->kind, "Pod") == 0;
        bool ok = (strcmp(sub, "status") == 0 && rt->kind->has_status) ||
                  (strcmp(sub, "finalize") == 0 && strcmp(rt->kind->kind, "Namespace") == 0) ||
                  (pod && (strcmp(sub, "binding") == 0 || strcmp(sub, "eviction") == 0 ||
                           strcmp(sub, "log") == 0));
        if (!ok) {
            api_resp_error(resp, 404, "NotFound", "the server could not find the requested resource");
            return -1;
        }
        if (pod && strcmp(sub, "binding") == 0 && strcmp(m, "POST") == 0) {
            handle_binding(s, rq, rt, resp);
            return -1;
        }
        if (pod && strcmp(sub, "eviction") == 0 && strcmp(m, "POST") == 0) {
            handle_eviction(s, rq, rt, resp);
            return -1;
        }
        if (pod && strcmp(sub, "log") == 0 && strcmp(m, "GET") == 0)
            return api_pod_log(s, rq, rt, resp);
        if (strcmp(m, "GET") == 0 && strcmp(sub, "status") == 0) {
            handle_get(s, rq, rt, resp);
            return -1;
        }
        if (strcmp(m, "PUT") == 0) {
            handle_update(s, rq, rt, resp);
            return -1;
        }
        if (strcmp(m, "PATCH") == 0 && strcmp(sub, "status") == 0) {
            handle_patch(s, rq, rt, resp);
            return -1;
        }
        api_resp_error(resp, 405, "MethodNotAllowed", "the server does not allow this method on "
                       "the requested resource");
        return -1;
    }
    if (strcmp(m, "GET") == 0) {
        if (is_watch(rq))
            return start_watch(s, rq, rt, resp);
        if (named)
            handle_get(s, rq, rt, resp);
        else
            handle_list(s, rq, rt, resp);
    } else if (strcmp(m, "POST") == 0 && !named) {
        handle_create(s, rq, rt, resp);
    } else if (strcmp(m, "PUT") == 0 && named) {
        handle_update(s, rq, rt, resp);
    } else if (strcmp(m, "PATCH") == 0 && named) {
        handle_patch(s, rq, rt, resp);
    } else if (strcmp(m, "DELETE") == 0 && named) {
        handle_delete(s, rq, rt, resp);
    } else if (strcmp(m, "DELETE") == 0 && kind_has_verb(rt->kind, "deletecollection")) {
        handle_delete_collection(s, rq, rt, resp);
    } else {
        api_resp_error(resp, 405, "MethodNotAllowed",
                       "the server does not allow this method on the requested resource");
    }
    return -1;
}
