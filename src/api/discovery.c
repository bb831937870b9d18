/*
 * discovery.c -- non-resource paths: legacy discovery (/api, /apis,
 * /api/v1, /apis/GROUP/VERSION), /version, OpenAPI v2 and v3, and health checks.
 *
 * Only legacy discovery is served: kubectl asks for aggregated discovery
 * first and falls back when the reply is plain application/json.
 */
#include <string.h>

#include "api/api_int.h"
#include "openapi/openapi.h"

/* What /version reports.  kubectl's dispatcher picks its client from
 * major/minor, so these say 1.32: the API level everynode implements. */
#define API_VERSION_JSON                                                                           \
    "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0+everynode\","                    \
    "\"gitCommit\":\"everynode\",\"gitTreeState\":\"clean\","                                   \
    "\"buildDate\":\"2026-11-22T00:00:00Z\",\"goVersion\":\"go1.23.3\",\"compiler\":\"gc\","    \
    "\"platform\":\"linux/amd64\"}"

static json_t *str_array(const char *const *v)
{
    json_t *a = json_array();
    for (; v && *v; v++)
        json_array_append_new(a, json_string(*v));
    return a;
}

static json_t *sub_resource(const char *name, const kind_info *k, const char *kind,
                            const char *const *verbs)
{
    json_t *r = json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", name, "singularName", "",
                          "namespaced", k->namespaced, "kind", kind, "verbs", str_array(verbs));
    return r;
}

static json_t *resource_list(const char *group, const char *version)
{
    static const char *const status_verbs[] = {"get", "patch", "update", NULL};
    static const char *const get_only[] = {"get", NULL};
    static const char *const create_only[] = {"create", NULL};
    static const char *const update_only[] = {"update", NULL};
    json_t *res = json_array();
    size_t n;
    const kind_info *all = types_all(&n);
    char gv[96];
    char sub[128];

    for (size_t i = 0; i < n; i++) {
        const kind_info *k = &all[i];
        if (strcmp(k->group, group) != 0 || strcmp(k->version, version) != 0)
            continue;
        json_t *r = json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", k->resource, "singularName",
                              k->singular, "namespaced", k->namespaced, "kind", k->kind, "verbs",
                              str_array(k->verbs));
        if (k->short_names)
            json_object_set_new(r, "shortNames", str_array(k->short_names));
        if (k->categories)
            json_object_set_new(r, "categories", str_array(k->categories));
        json_array_append_new(res, r);
        if (k->has_status) {
            snprintf(sub, sizeof sub, "%s/status", k->resource);
            json_array_append_new(res, sub_resource(sub, k, k->kind, status_verbs));
        }
        if (strcmp(k->kind, "Namespace") == 0)
            json_array_append_new(res, sub_resource("namespaces/finalize", k, k->kind,
                                                    update_only));
        if (strcmp(k->kind, "Pod") == 0) {
            json_t *ev = sub_resource("pods/eviction", k, "Eviction", create_only);
            json_object_set_new(ev, "group", json_string("policy"));
            json_object_set_new(ev, "version", json_string("v1"));
            json_array_append_new(res, sub_resource("pods/binding", k, "Binding", create_only));
            json_array_append_new(res, ev);
            json_array_append_new(res, sub_resource("pods/log", k, "Pod", get_only));
        }
    }
    if (group[0])
        snprintf(gv, sizeof gv, "%s/%s", group, version);
    else
        snprintf(gv, sizeof gv, "%s", version);
    return json_pack("{s:s,s:s,s:s,s:o}", "kind", "APIResourceList", "apiVersion", "v1",
                     "groupVersion", gv, "resources", res);
}

static json_t *group_list(void)
{
    json_t *groups = json_array();
    size_t n;
    const kind_info *all = types_all(&n);

    for (size_t i = 0; i < n; i++) {
        const kind_info *k = &all[i];
        bool seen = false;
        if (!k->group[0])
            continue;
        for (size_t j = 0; j < i; j++)
            if (strcmp(all[j].group, k->group) == 0)
                seen = true;
        if (seen)
            continue;
        char gv[96];
        snprintf(gv, sizeof gv, "%s/%s", k->group, k->version);
        json_array_append_new(
            groups, json_pack("{s:s,s:[{s:s,s:s}],s:{s:s,s:s}}", "name", k->group, "versions",
                              "groupVersion", gv, "version", k->version, "preferredVersion",
                              "groupVersion", gv, "version", k->version));
    }
    return json_pack("{s:s,s:s,s:o}", "kind", "APIGroupList", "apiVersion", "v1", "groups",
                     groups);
}

static bool group_served(const char *group, const char *version)
{
    size_t n;
    const kind_info *all = types_all(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i].group, group) == 0 && strcmp(all[i].version, version) == 0)
            return true;
    return false;
}

bool api_handle_meta(api_server *s, api_req *rq, api_resp *resp)
{
    const char *u = rq->url;
    bool get = strcmp(rq->method, "GET") == 0;

    if (strcmp(u, "/healthz") == 0 || strcmp(u, "/livez") == 0 || strcmp(u, "/readyz") == 0) {
        api_resp_text(resp, 200, "text/plain; charset=utf-8", "ok");
        return true;
    }
    if (!get)
        return false;
    if (strcmp(u, "/version") == 0) {
        api_resp_text(resp, 200, "application/json", API_VERSION_JSON);
        return true;
    }
    if (strcmp(u, "/api") == 0 || strcmp(u, "/api/") == 0) {
        api_resp_json(resp, 200,
                      json_pack("{s:s,s:[s],s:[{s:s,s:s}]}", "kind", "APIVersions", "versions",
                                "v1", "serverAddressByClientCIDRs", "clientCIDR", "0.0.0.0/0",
                                "serverAddress", "127.0.0.1"));
        return true;
    }
    if (strcmp(u, "/apis") == 0 || strcmp(u, "/apis/") == 0) {
        api_resp_json(resp, 200, group_list());
        return true;
    }
    if (strcmp(u, "/api/v1") == 0 || strcmp(u, "/api/v1/") == 0) {
        api_resp_json(resp, 200, resource_list("", "v1"));
        return true;
    }
    if (strncmp(u, "/apis/", 6) == 0) {
        char group[64], version[16];
        const char *p = u + 6, *slash = strchr(p, '/');
        if (slash && (size_t)(slash - p) < sizeof group) {
            memcpy(group, p, (size_t)(slash - p));
            group[slash - p] = '\0';
            const char *v = slash + 1;
            size_t vl = strcspn(v, "/");
            if (vl && vl < sizeof version && (v[vl] == '\0' || (v[vl] == '/' && !v[vl + 1]))) {
                memcpy(version, v, vl);
                version[vl] = '\0';
                if (group_served(group, version)) {
                    api_resp_json(resp, 200, resource_list(group, version));
                    return true;
                }
            }
        } else if (!slash && group_served(p, "v1")) {
            json_t *gl = group_list(), *g;
            size_t i;
            json_array_foreach(json_object_get(gl, "groups"), i, g)
            {
                if (strcmp(json_string_value(json_object_get(g, "name")), p) == 0) {
                    json_t *one = json_deep_copy(g);
                    json_object_set_new(one, "kind", json_string("APIGroup"));
                    json_object_set_new(one, "apiVersion", json_string("v1"));
                    api_resp_json(resp, 200, one);
                    json_decref(gl);
                    return true;
                }
            }
            json_decref(gl);
        }
        return false;
    }
    /* OpenAPI v2 as protobuf, whatever Accept says: kubectl (1.27/1.28 for
     * apply and explain, later ones for patch metadata) only asks for that
     * form.  /swagger-2.0.0.pb-v1 is where clients look when /openapi/v2 is
     * missing. */
    if (strcmp(u, "/openapi/v2") == 0 || strcmp(u, "/swagger-2.0.0.pb-v1") == 0) {
        size_t len;
        const unsigned char *pb = openapi_v2_proto(&len);
        resp->code = 200;
        resp->body = xmalloc(len + 1);
        memcpy(resp->body, pb, len);
        resp->len = len;
        resp->ctype = OPENAPI_V2_PROTO_CTYPE;
        return true;
    }
    if (strcmp(u, "/openapi/v3") == 0 || strcmp(u, "/openapi/v3/") == 0) {
        api_resp_json(resp, 200, json_incref(openapi_index()));
        return true;
    }
    if (strncmp(u, "/openapi/v3/", 12) == 0) {
        size_t len;
        const char *doc = openapi_group_doc_text(u + 12, &len);
        if (!doc)
            return false;
        resp->code = 200;
        resp->body = xmalloc(len + 1);
        memcpy(resp->body, doc, len + 1);
        resp->len = len;
        resp->ctype = "application/json";
        return true;
    }
    return false;
}
