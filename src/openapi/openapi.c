/*
 * openapi.c -- builds the OpenAPI v3 documents everynode serves and checks
 * objects against the same schemas (see openapi.h).
 *
 * The schemas are C tables in schemas_*.c (format in openapi_int.h).  On
 * first use, under pthread_once, this file
 *   1. indexes every table entry by full and short name and resolves each
 *      field's type spec into a `struct rfield` (kind + referenced type);
 *   2. renders one JSON document per served group-version: the paths of
 *      each resource (list/create/get/replace/patch/delete, with the
 *      x-kubernetes-group-version-kind and fieldValidation that kubectl
 *      looks for) and the component schemas reachable from its kinds;
 *   3. serialises each document and names it by a hash of its text in the
 *      /openapi/v3 index.
 * Everything built stays alive, unchanged, for the life of the process, so
 * the getters hand out borrowed pointers without locking.
 *
 * Strict field validation walks a JSON object along the resolved fields
 * and reports keys that no schema declares, in Kubernetes' path format.
 */
#include "openapi/openapi.h"

#include "core/core.h"
#include "openapi/openapi_int.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define OA_REF_PREFIX "#/components/schemas/"
/* Deeper than any served schema; guards the walk against hostile input. */
#define OA_MAX_DEPTH 64
/* Upstream stops collecting strict-decoding errors at 100 as well. */
#define OA_MAX_UNKNOWN 100

/* What a field holds, after resolving its type spec. */
enum rkind {
    RK_SCALAR, /* string, integer, boolean, number */
    RK_REF,    /* another schema */
    RK_ANY,    /* free-form object */
};

/* A resolved field: one property of an object schema. */
struct rfield {
    const struct oa_field *def; /* the table entry (name, spec, description) */
    enum rkind kind;            /* kind of the value, or of each element/entry */
    bool array;                 /* "[]" spec: list of kind */
    bool map;                   /* "{}" spec: map of string to kind */
    const char *scalar;         /* RK_SCALAR: base spec ("string", "int32", ...) */
    size_t scalar_len;          /* length of scalar up to any "|" enum list */
    struct rtype *ref;          /* RK_REF: the referenced schema */
};

/* A resolved schema. */
struct rtype {
    const struct oa_type *def; /* the table entry */
    const char *short_name;    /* part of def->name after the last '.' */
    struct rfield *fields;     /* resolved properties, sorted by name */
    size_t nfields;            /* number of fields */
    unsigned mark;             /* scratch for reachability, see doc_schemas() */
};

/* One served resource: enough to write its paths. */
struct oa_resource {
    const char *gv_path;   /* document it belongs to, e.g. "apis/apps/v1" */
    const char *group;     /* API group, "" for core */
    const char *version;   /* API version */
    const char *kind;      /* kind, e.g. "DaemonSet" */
    const char *plural;    /* resource name in URLs, e.g. "daemonsets" */
    const char *op_prefix; /* operationId group part, e.g. "AppsV1" */
    const char *tag;       /* operation tag, e.g. "apps_v1" */
    bool namespaced;       /* lives in a namespace */
    bool has_status;       /* serves the /status subresource */
};

/* A served document and its derived forms. */
struct oa_doc {
    const char *gv_path; /* "api/v1", "apis/apps/v1", ... */
    json_t *doc;         /* the document (owned by the cache, never freed) */
    char *text;          /* compact serialisation of doc */
    size_t len;          /* strlen(text) */
};

static const struct oa_resource resources[] = {
    {"api/v1", "", "v1", "Namespace", "namespaces", "CoreV1", "core_v1", false, true},
    {"api/v1", "", "v1", "Node", "nodes", "CoreV1", "core_v1", false, true},
    {"api/v1", "", "v1", "Pod", "pods", "CoreV1", "core_v1", true, true},
    {"api/v1", "", "v1", "Event", "events", "CoreV1", "core_v1", true, false},
    {"api/v1", "", "v1", "Service", "services", "CoreV1", "core_v1", true, true},
    {"api/v1", "", "v1", "ServiceAccount", "serviceaccounts", "CoreV1", "core_v1", true, false},
    {"apis/apps/v1", "apps", "v1", "DaemonSet", "daemonsets", "AppsV1", "apps_v1", true, true},
    {"apis/apps/v1", "apps", "v1", "ControllerRevision", "controllerrevisions", "AppsV1", "apps_v1",
     true, false},
    {"apis/coordination.k8s.io/v1", "coordination.k8s.io", "v1", "Lease", "leases",
     "CoordinationV1", "coordination_v1", true, false},
};
#define N_RESOURCES (sizeof resources / sizeof resources[0])

static const char *const doc_paths[] = {"api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1"};
#define N_DOCS (sizeof doc_paths / sizeof doc_paths[0])

/*
 * The process-wide cache.  File-static because the documents are the same
 * for every server in the process and building them is pure; written once
 * under `once`, read-only afterwards.
 */
static struct {
    pthread_once_t once;        /* guards build() */
    struct rtype *types;        /* every schema, in table order */
    size_t ntypes;              /* number of schemas */
    struct rtype **by_short;    /* types sorted by short name, for lookup */
    struct oa_doc docs[N_DOCS]; /* one per doc_paths entry */
    json_t *index;              /* the /openapi/v3 index */
} cache = {.once = PTHREAD_ONCE_INIT};

/* ---- registry ---------------------------------------------------------- */

static const struct oa_type *const *all_tables(void)
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

static int cmp_short(const void *a, const void *b)
{
    const struct rtype *const *x = a;
    const struct rtype *const *y = b;
    return strcmp((*x)->short_name, (*y)->short_name);
}

static int cmp_field(const void *a, const void *b)
{
    const struct rfield *x = a;
    const struct rfield *y = b;
    return strcmp(x->def->name, y->def->name);
}

/* Schema by short name ("DaemonSetSpec"); NULL if none. */
static struct rtype *type_by_short(const char *name, size_t n)
{
    size_t lo = 0, hi = cache.ntypes;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *s = cache.by_short[mid]->short_name;
        int c = strncmp(s, name, n);
        if (c == 0 && s[n] != '\0')
            c = 1;
        if (c == 0)
            return cache.by_short[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static bool spec_is_scalar(const char *s, size_t n)
{
    static const char *const scalars[] = {"string", "int32", "int64", "bool", "double", "byte"};
    for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++)
        if (strlen(scalars[i]) == n && strncmp(scalars[i], s, n) == 0)
            return true;
    return false;
}

/* Resolve one field's type spec; a bad spec is a bug in the tables. */
static void resolve_field(struct rfield *rf, const struct rtype *owner)
{
    const char *spec = rf->def->type;
    size_t n;

    if (strncmp(spec, "[]", 2) == 0) {
        rf->array = true;
        spec += 2;
    } else if (strncmp(spec, "{}", 2) == 0) {
        rf->map = true;
        spec += 2;
    }
    n = strcspn(spec, "|");
    if (strcmp(spec, "any") == 0) {
        rf->kind = RK_ANY;
    } else if (spec_is_scalar(spec, n)) {
        rf->kind = RK_SCALAR;
        rf->scalar = spec;
        rf->scalar_len = n;
    } else {
        rf->kind = RK_REF;
        rf->ref = type_by_short(spec, strlen(spec));
        if (!rf->ref)
            en_fatal("openapi: %s.%s refers to unknown schema %s", owner->def->name, rf->def->name,
                     spec);
    }
}

static void resolve_type(struct rtype *t)
{
    const struct oa_field *lists[2] = {t->def->fields, t->def->extra};
    size_t n = 0;

    for (size_t l = 0; l < 2; l++)
        for (const struct oa_field *f = lists[l]; f && f->name; f++)
            n++;
    t->fields = xcalloc(n ? n : 1, sizeof *t->fields);
    for (size_t l = 0; l < 2; l++)
        for (const struct oa_field *f = lists[l]; f && f->name; f++)
            t->fields[t->nfields++].def = f;
    qsort(t->fields, t->nfields, sizeof *t->fields, cmp_field);
    for (size_t i = 0; i < t->nfields; i++) {
        if (i > 0 && strcmp(t->fields[i - 1].def->name, t->fields[i].def->name) == 0)
            en_fatal("openapi: %s declares field %s twice", t->def->name, t->fields[i].def->name);
        resolve_field(&t->fields[i], t);
    }
}

static void build_registry(void)
{
    const struct oa_type *const *tables = all_tables();
    size_t n = 0;

    for (size_t i = 0; tables[i]; i++)
        for (const struct oa_type *t = tables[i]; t->name; t++)
            n++;
    cache.types = xcalloc(n, sizeof *cache.types);
    cache.by_short = xcalloc(n, sizeof *cache.by_short);
    for (size_t i = 0; tables[i]; i++) {
        for (const struct oa_type *t = tables[i]; t->name; t++) {
            struct rtype *rt = &cache.types[cache.ntypes];
            const char *dot = strrchr(t->name, '.');
            rt->def = t;
            rt->short_name = dot ? dot + 1 : t->name;
            cache.by_short[cache.ntypes++] = rt;
        }
    }
    qsort(cache.by_short, cache.ntypes, sizeof *cache.by_short, cmp_short);
    for (size_t i = 1; i < cache.ntypes; i++)
        if (strcmp(cache.by_short[i - 1]->short_name, cache.by_short[i]->short_name) == 0)
            en_fatal("openapi: schema short name %s is not unique", cache.by_short[i]->short_name);
    for (size_t i = 0; i < cache.ntypes; i++)
        resolve_type(&cache.types[i]);
}

/* Does `gvk_list` (space-separated "g/v/K") contain group/version/kind? */
static bool gvk_list_has(const char *gvk_list, const char *group, const char *version,
                         const char *kind)
{
    size_t gl = strlen(group), vl = strlen(version), kl = strlen(kind);
    const char *p = gvk_list;

    if (!p)
        return false;
    while (*p) {
        size_t n = strcspn(p, " ");
        if (n == gl + vl + kl + 2 && strncmp(p, group, gl) == 0 && p[gl] == '/' &&
            strncmp(p + gl + 1, version, vl) == 0 && p[gl + 1 + vl] == '/' &&
            strncmp(p + gl + vl + 2, kind, kl) == 0)
            return true;
        p += n;
        while (*p == ' ')
            p++;
    }
    return false;
}

/* The top-level schema of a kind; NULL if not served. */
static struct rtype *type_by_gvk(const char *group, const char *version, const char *kind)
{
    for (size_t i = 0; i < cache.ntypes; i++)
        if (cache.types[i].def->gvk && gvk_list_has(cache.types[i].def->gvk, group, version, kind))
            return &cache.types[i];
    return NULL;
}

/* ---- schema rendering -------------------------------------------------- */

static json_t *ref_schema(const struct rtype *t)
{
    char *ref = xasprintf(OA_REF_PREFIX "%s", t->def->name);
    json_t *one = json_pack("{s:s}", "$ref", ref);
    free(ref);
    return json_pack("{s:[o]}", "allOf", one);
}

static bool scalar_is(const struct rfield *f, const char *name)
{
    return strlen(name) == f->scalar_len && strncmp(f->scalar, name, f->scalar_len) == 0;
}

/* Schema of a single value of the field's kind (no array/map wrapper). */
static json_t *value_schema(const struct rfield *f)
{
    json_t *s;

    switch (f->kind) {
    case RK_REF:
        return ref_schema(f->ref);
    case RK_ANY:
        return json_pack("{s:s,s:b}", "type", "object", "x-kubernetes-preserve-unknown-fields", 1);
    case RK_SCALAR:
    default:
        break;
    }
    if (scalar_is(f, "int32") || scalar_is(f, "int64")) {
        s = json_pack("{s:s,s:s%}", "type", "integer", "format", f->scalar, f->scalar_len);
    } else if (scalar_is(f, "bool")) {
        s = json_pack("{s:s}", "type", "boolean");
    } else if (scalar_is(f, "double")) {
        s = json_pack("{s:s,s:s}", "type", "number", "format", "double");
    } else if (scalar_is(f, "byte")) {
        s = json_pack("{s:s,s:s}", "type", "string", "format", "byte");
    } else {
        s = json_pack("{s:s}", "type", "string");
    }
    if (f->scalar[f->scalar_len] == '|') {
        /* "string|A|B": enum values follow, separated by '|' */
        json_t *vals = json_array();
        const char *p = f->scalar + f->scalar_len;
        while (*p == '|') {
            size_t n = strcspn(p + 1, "|");
            json_array_append_new(vals, json_stringn(p + 1, n));
            p += n + 1;
        }
        json_object_set_new(s, "enum", vals);
    }
    return s;
}

static json_t *field_schema(const struct rfield *f)
{
    json_t *s;

    if (f->array) {
        s = json_pack("{s:s,s:o}", "type", "array", "items", value_schema(f));
    } else if (f->map) {
        s = json_pack("{s:s,s:o}", "type", "object", "additionalProperties", value_schema(f));
    } else {
        s = value_schema(f);
    }
    json_object_set_new(s, "description", json_string(f->def->desc));
    return s;
}

/* Append one {"group","kind","version"} per entry of a "g/v/K ..." list. */
static json_t *gvk_array(const char *gvk_list)
{
    json_t *arr = json_array();
    const char *p = gvk_list;

    while (*p) {
        size_t n = strcspn(p, " ");
        const char *s1 = memchr(p, '/', n);
        const char *s2 = s1 ? memchr(s1 + 1, '/', (size_t)(p + n - s1 - 1)) : NULL;
        if (!s2)
            en_fatal("openapi: bad gvk list \"%s\"", gvk_list);
        json_array_append_new(arr, json_pack("{s:s%,s:s%,s:s%}", "group", p, (size_t)(s1 - p),
                                             "kind", s2 + 1, (size_t)(p + n - s2 - 1), "version",
                                             s1 + 1, (size_t)(s2 - s1 - 1)));
        p += n;
        while (*p == ' ')
            p++;
    }
    return arr;
}

static json_t *type_schema(const struct rtype *t)
{
    json_t *s = json_pack("{s:s}", "description", t->def->desc);

    switch (t->def->shape) {
    case OA_TIME:
    case OA_MICROTIME:
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "format", json_string("date-time"));
        return s;
    case OA_QUANTITY:
        /* Upstream's v3 shape; explain then shows the type as "Quantity". */
        json_object_set_new(s, "oneOf",
                            json_pack("[{s:s},{s:s}]", "type", "string", "type", "number"));
        return s;
    case OA_INTORSTRING:
        json_object_set_new(s, "format", json_string("int-or-string"));
        json_object_set_new(s, "oneOf",
                            json_pack("[{s:s},{s:s}]", "type", "integer", "type", "string"));
        json_object_set_new(s, "x-kubernetes-int-or-string", json_true());
        return s;
    case OA_OPEN:
        json_object_set_new(s, "type", json_string("object"));
        json_object_set_new(s, "x-kubernetes-preserve-unknown-fields", json_true());
        return s;
    case OA_OBJECT:
    default:
        break;
    }
    json_object_set_new(s, "type", json_string("object"));
    json_t *props = json_object();
    for (size_t i = 0; i < t->nfields; i++)
        json_object_set_new(props, t->fields[i].def->name, field_schema(&t->fields[i]));
    json_object_set_new(s, "properties", props);
    if (t->def->required) {
        json_t *req = json_array();
        const char *p = t->def->required;
        while (*p) {
            size_t n = strcspn(p, " ");
            json_array_append_new(req, json_stringn(p, n));
            p += n;
            while (*p == ' ')
                p++;
        }
        json_object_set_new(s, "required", req);
    }
    if (t->def->gvk)
        json_object_set_new(s, "x-kubernetes-group-version-kind", gvk_array(t->def->gvk));
    return s;
}

/* Mark t and every schema reachable from it. */
static void mark_reachable(struct rtype *t, unsigned mark)
{
    if (t->mark == mark)
        return;
    t->mark = mark;
    for (size_t i = 0; i < t->nfields; i++)
        if (t->fields[i].kind == RK_REF)
            mark_reachable(t->fields[i].ref, mark);
}

/* ---- paths ------------------------------------------------------------- */

static json_t *param(const char *name, const char *in, const char *desc, const char *type)
{
    json_t *p = json_pack("{s:s,s:s,s:s,s:{s:s,s:b}}", "name", name, "in", in, "description", desc,
                          "schema", "type", type, "uniqueItems", 1);
    if (strcmp(in, "path") == 0)
        json_object_set_new(p, "required", json_true());
    return p;
}

static void add_params(json_t *arr, const char *const *names)
{
    static const struct {
        const char *name, *type, *desc;
    } q[] = {
        {"pretty", "string", "If 'true', the output is indented."},
        {"dryRun", "string",
         "When set to All, the request is processed fully but nothing is persisted."},
        {"fieldManager", "string", "Name of the actor making the change, for field ownership."},
        {"fieldValidation", "string",
         "What to do with unknown or duplicate fields in the body: Ignore drops them, Warn "
         "(the default) drops them and returns a warning, Strict fails the request."},
        {"force", "boolean", "Force an apply request, taking over conflicting fields."},
        {"gracePeriodSeconds", "integer",
         "Seconds before the object is deleted; 0 deletes at once."},
        {"orphanDependents", "boolean", "Deprecated: use propagationPolicy."},
        {"propagationPolicy", "string",
         "What happens to dependents: Orphan, Background or Foreground."},
        {"ignoreStoreReadErrorWithClusterBreakingPotential", "boolean",
         "Delete an object that cannot be read from storage. Dangerous."},
        {"allowWatchBookmarks", "boolean", "Ask for BOOKMARK events on a watch."},
        {"continue", "string", "Token from a previous page to fetch the next one."},
        {"fieldSelector", "string", "Restrict the list by field values, e.g. spec.nodeName=n1."},
        {"labelSelector", "string", "Restrict the list by labels, e.g. app=web,tier!=db."},
        {"limit", "integer", "Most items to return; a continue token marks more."},
        {"resourceVersion", "string", "Version to read at, or to watch from."},
        {"resourceVersionMatch", "string", "How resourceVersion applies: Exact or NotOlderThan."},
        {"sendInitialEvents", "boolean", "Start a watch with synthetic events for existing items."},
        {"timeoutSeconds", "integer", "Time limit of a list or watch call."},
        {"watch", "boolean", "Stream changes instead of returning a list."},
    };
    for (size_t i = 0; names[i]; i++) {
        size_t j = 0;
        while (j < sizeof q / sizeof q[0] && strcmp(q[j].name, names[i]) != 0)
            j++;
        if (j == sizeof q / sizeof q[0])
            en_fatal("openapi: no parameter %s", names[i]);
        json_array_append_new(arr, param(q[j].name, "query", q[j].desc, q[j].type));
    }
}

static json_t *content_of(const char *schema_name)
{
    char *ref = xasprintf(OA_REF_PREFIX "%s", schema_name);
    json_t *c = json_pack("{s:{s:{s:s}},s:{s:{s:s}}}", "application/json", "schema", "$ref", ref,
                          "application/yaml", "schema", "$ref", ref);
    free(ref);
    return c;
}

/* The verbs written for a path; `action` is the x-kubernetes-action. */
struct op_spec {
    const char *method;        /* "get", "post", ... */
    const char *action;        /* x-kubernetes-action */
    const char *verb;          /* operationId verb: list, create, read, ... */
    const char *what;          /* description template, %s = kind */
    const char *const *params; /* query parameter names, NULL-terminated */
    const char *body;          /* request body schema, or NULL */
    const char *reply;         /* response schema */
    const char *codes;         /* space-separated success codes */
};

static json_t *operation(const struct oa_resource *r, const struct op_spec *op, const char *kind_s,
                         const char *list_s, bool all_ns, const char *sub)
{
    char *opid, *desc;
    json_t *o, *params, *resp;
    const char *reply = op->reply ? op->reply : kind_s;
    const char *body = op->body;
    const char *p;

    if (strcmp(op->action, "list") == 0 || strcmp(op->action, "deletecollection") == 0)
        reply = op->reply ? op->reply : list_s;
    if (body && strcmp(body, "kind") == 0)
        body = kind_s;
    opid = xasprintf("%s%s%s%s%s%s", op->verb, r->op_prefix,
                     r->namespaced && !all_ns ? "Namespaced" : "", r->kind, sub ? "Status" : "",
                     all_ns ? "ForAllNamespaces" : "");
    desc = xasprintf(op->what, r->kind);
    params = json_array();
    add_params(params, op->params);
    resp = json_object();
    p = op->codes;
    while (*p) {
        size_t n = strcspn(p, " ");
        char code[8];
        snprintf(code, sizeof code, "%.*s", (int)n, p);
        json_object_set_new(
            resp, code, json_pack("{s:s,s:o}", "description", "OK", "content", content_of(reply)));
        p += n;
        while (*p == ' ')
            p++;
    }
    json_object_set_new(resp, "401", json_pack("{s:s}", "description", "Unauthorized"));
    o = json_pack("{s:[s],s:s,s:s,s:o,s:o,s:s,s:{s:s,s:s,s:s}}", "tags", r->tag, "description",
                  desc, "operationId", opid, "parameters", params, "responses", resp,
                  "x-kubernetes-action", op->action, "x-kubernetes-group-version-kind", "group",
                  r->group, "version", r->version, "kind", r->kind);
    if (body)
        json_object_set_new(o, "requestBody",
                            json_pack("{s:o,s:b}", "content", content_of(body), "required",
                                      strcmp(op->action, "delete") != 0 &&
                                          strcmp(op->action, "deletecollection") != 0));
    free(opid);
    free(desc);
    return o;
}

static const char *const q_read[] = {"pretty", NULL};
static const char *const q_list[] = {"pretty",
                                     "allowWatchBookmarks",
                                     "continue",
                                     "fieldSelector",
                                     "labelSelector",
                                     "limit",
                                     "resourceVersion",
                                     "resourceVersionMatch",
                                     "sendInitialEvents",
                                     "timeoutSeconds",
                                     "watch",
                                     NULL};
static const char *const q_create[] = {"pretty", "dryRun", "fieldManager", "fieldValidation", NULL};
static const char *const q_patch[] = {"pretty",          "dryRun", "fieldManager",
                                      "fieldValidation", "force",  NULL};
static const char *const q_delete[] = {"pretty",
                                       "dryRun",
                                       "gracePeriodSeconds",
                                       "ignoreStoreReadErrorWithClusterBreakingPotential",
                                       "orphanDependents",
                                       "propagationPolicy",
                                       NULL};
static const char *const q_delete_coll[] = {"pretty",
                                            "continue",
                                            "dryRun",
                                            "fieldSelector",
                                            "gracePeriodSeconds",
                                            "ignoreStoreReadErrorWithClusterBreakingPotential",
                                            "labelSelector",
                                            "limit",
                                            "orphanDependents",
                                            "propagationPolicy",
                                            "resourceVersion",
                                            "resourceVersionMatch",
                                            "sendInitialEvents",
                                            "timeoutSeconds",
                                            NULL};

#define STATUS_SCHEMA "io.k8s.apimachinery.pkg.apis.meta.v1.Status"
#define DELOPTS_SCHEMA "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"

static const struct op_spec op_list = {.method = "get",
                                       .action = "list",
                                       .verb = "list",
                                       .what = "list or watch objects of kind %s",
                                       .params = q_list,
                                       .codes = "200"};
static const struct op_spec op_create = {.method = "post",
                                         .action = "post",
                                         .verb = "create",
                                         .what = "create a %s",
                                         .params = q_create,
                                         .body = "kind",
                                         .codes = "200 201 202"};
static const struct op_spec op_delete_coll = {.method = "delete",
                                              .action = "deletecollection",
                                              .verb = "deleteCollection",
                                              .what = "delete a collection of %s",
                                              .params = q_delete_coll,
                                              .body = DELOPTS_SCHEMA,
                                              .reply = STATUS_SCHEMA,
                                              .codes = "200"};
static const struct op_spec op_read = {.method = "get",
                                       .action = "get",
                                       .verb = "read",
                                       .what = "read the specified %s",
                                       .params = q_read,
                                       .codes = "200"};
static const struct op_spec op_replace = {.method = "put",
                                          .action = "put",
                                          .verb = "replace",
                                          .what = "replace the specified %s",
                                          .params = q_create,
                                          .body = "kind",
                                          .codes = "200 201"};
/*
 * No requestBody on patch: declaring strategic-merge-patch content would
 * make kubectl apply compute patches from these schemas, which carry no
 * merge keys; without it kubectl uses its compiled-in types.
 */
static const struct op_spec op_patch = {.method = "patch",
                                        .action = "patch",
                                        .verb = "patch",
                                        .what = "partially update the specified %s",
                                        .params = q_patch,
                                        .codes = "200 201"};
static const struct op_spec op_delete = {.method = "delete",
                                         .action = "delete",
                                         .verb = "delete",
                                         .what = "delete a %s",
                                         .params = q_delete,
                                         .body = DELOPTS_SCHEMA,
                                         .reply = STATUS_SCHEMA,
                                         .codes = "200 202"};
static const struct op_spec op_read_status = {.method = "get",
                                              .action = "get",
                                              .verb = "read",
                                              .what = "read status of the specified %s",
                                              .params = q_read,
                                              .codes = "200"};
static const struct op_spec op_replace_status = {.method = "put",
                                                 .action = "put",
                                                 .verb = "replace",
                                                 .what = "replace status of the specified %s",
                                                 .params = q_create,
                                                 .body = "kind",
                                                 .codes = "200 201"};
static const struct op_spec op_patch_status = {.method = "patch",
                                               .action = "patch",
                                               .verb = "patch",
                                               .what =
                                                   "partially update status of the specified %s",
                                               .params = q_patch,
                                               .codes = "200 201"};

static json_t *path_item(const struct oa_resource *r, const struct op_spec *const *ops,
                         const char *kind_s, const char *list_s, bool all_ns, const char *sub,
                         bool has_ns, bool has_name)
{
    json_t *item = json_object();
    json_t *params = json_array();

    if (has_name) {
        char *d = xasprintf("name of the %s", r->kind);
        json_array_append_new(params, param("name", "path", d, "string"));
        free(d);
    }
    if (has_ns)
        json_array_append_new(
            params, param("namespace", "path",
                          "object name and auth scope, such as for teams and projects", "string"));
    json_object_set_new(item, "parameters", params);
    for (size_t i = 0; ops[i]; i++)
        json_object_set_new(item, ops[i]->method,
                            operation(r, ops[i], kind_s, list_s, all_ns, sub));
    return item;
}

static void add_resource_paths(json_t *paths, const struct oa_resource *r, const char *kind_s,
                               const char *list_s)
{
    static const struct op_spec *const coll_ops[] = {&op_list, &op_create, &op_delete_coll, NULL};
    static const struct op_spec *const list_only[] = {&op_list, NULL};
    static const struct op_spec *const item_ops[] = {&op_read, &op_replace, &op_patch, &op_delete,
                                                     NULL};
    static const struct op_spec *const status_ops[] = {&op_read_status, &op_replace_status,
                                                       &op_patch_status, NULL};
    char *base = r->namespaced ? xasprintf("/%s/namespaces/{namespace}/%s", r->gv_path, r->plural)
                               : xasprintf("/%s/%s", r->gv_path, r->plural);
    char *item = xasprintf("%s/{name}", base);
    char *status = xasprintf("%s/{name}/status", base);

    if (r->namespaced) {
        char *all = xasprintf("/%s/%s", r->gv_path, r->plural);
        json_object_set_new(paths, all,
                            path_item(r, list_only, kind_s, list_s, true, NULL, false, false));
        free(all);
    }
    json_object_set_new(paths, base,
                        path_item(r, coll_ops, kind_s, list_s, false, NULL, r->namespaced, false));
    json_object_set_new(paths, item,
                        path_item(r, item_ops, kind_s, list_s, false, NULL, r->namespaced, true));
    if (r->has_status)
        json_object_set_new(
            paths, status,
            path_item(r, status_ops, kind_s, list_s, false, "status", r->namespaced, true));
    free(base);
    free(item);
    free(status);
}

/* ---- documents --------------------------------------------------------- */

static json_t *build_doc(const char *gv_path, unsigned mark)
{
    json_t *paths = json_object();
    json_t *schemas = json_object();

    for (size_t i = 0; i < N_RESOURCES; i++) {
        const struct oa_resource *r = &resources[i];
        struct rtype *kt, *lt;
        char *list_kind;
        if (strcmp(r->gv_path, gv_path) != 0)
            continue;
        list_kind = xasprintf("%sList", r->kind);
        kt = type_by_gvk(r->group, r->version, r->kind);
        lt = type_by_gvk(r->group, r->version, list_kind);
        free(list_kind);
        if (!kt || !lt)
            en_fatal("openapi: no schema for %s/%s %s", r->group, r->version, r->kind);
        add_resource_paths(paths, r, kt->def->name, lt->def->name);
        mark_reachable(kt, mark);
        mark_reachable(lt, mark);
    }
    /* Every operation may answer with Status and delete takes DeleteOptions. */
    mark_reachable(type_by_short("Status", 6), mark);
    mark_reachable(type_by_short("DeleteOptions", 13), mark);
    for (size_t i = 0; i < cache.ntypes; i++)
        if (cache.types[i].mark == mark)
            json_object_set_new(schemas, cache.types[i].def->name, type_schema(&cache.types[i]));
    return json_pack("{s:s,s:{s:s,s:s},s:o,s:{s:o}}", "openapi", "3.0.0", "info", "title",
                     "Kubernetes", "version", "v1.32.0", "paths", paths, "components", "schemas",
                     schemas);
}

/* FNV-1a, 64 bit: any stable hash will do for cache-busting URLs. */
static uint64_t fnv1a64(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void build(void)
{
    json_t *paths = json_object();

    build_registry();
    for (size_t i = 0; i < N_DOCS; i++) {
        struct oa_doc *d = &cache.docs[i];
        char *url;
        d->gv_path = doc_paths[i];
        d->doc = build_doc(d->gv_path, (unsigned)i + 1);
        d->text = json_dump_compact(d->doc, &d->len);
        url = xasprintf("/openapi/v3/%s?hash=%016llX", d->gv_path,
                        (unsigned long long)fnv1a64(d->text, d->len));
        json_object_set_new(paths, d->gv_path, json_pack("{s:s}", "serverRelativeURL", url));
        free(url);
    }
    cache.index = json_pack("{s:o}", "paths", paths);
}

static const struct oa_doc *find_doc(const char *gv_path)
{
    if (!gv_path)
        return NULL;
    pthread_once(&cache.once, build);
    while (*gv_path == '/')
        gv_path++;
    for (size_t i = 0; i < N_DOCS; i++)
        if (strcmp(cache.docs[i].gv_path, gv_path) == 0)
            return &cache.docs[i];
    return NULL;
}

json_t *openapi_index(void)
{
    pthread_once(&cache.once, build);
    return cache.index;
}

json_t *openapi_group_doc(const char *gv_path)
{
    const struct oa_doc *d = find_doc(gv_path);
    return d ? d->doc : NULL;
}

const char *openapi_group_doc_text(const char *gv_path, size_t *len)
{
    const struct oa_doc *d = find_doc(gv_path);
    if (!d)
        return NULL;
    if (len)
        *len = d->len;
    return d->text;
}

/* ---- strict field validation ------------------------------------------- */

static const struct rfield *find_field(const struct rtype *t, const char *name)
{
    size_t lo = 0, hi = t->nfields;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t->fields[mid].def->name, name);
        if (c == 0)
            return &t->fields[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void walk_object(const struct rtype *t, json_t *obj, sbuf *path, json_t *out, int depth);

/* Descend into one value of field f (already known), found at `path`. */
static void walk_value(const struct rfield *f, json_t *val, sbuf *path, json_t *out, int depth)
{
    size_t mark = path->len;
    const char *key;
    json_t *v;
    size_t i;

    /* Only object schemas have fields to check; scalars, open objects and
     * type mismatches (reported elsewhere, if at all) end the walk. */
    if (f->kind != RK_REF || f->ref->def->shape != OA_OBJECT)
        return;
    if (f->array) {
        if (!json_is_array(val))
            return;
        json_array_foreach(val, i, v)
        {
            sbuf_printf(path, "[%zu]", i);
            walk_object(f->ref, v, path, out, depth + 1);
            path->len = mark;
            path->buf[mark] = '\0';
        }
    } else if (f->map) {
        if (!json_is_object(val))
            return;
        json_object_foreach(val, key, v)
        {
            sbuf_printf(path, ".%s", key);
            walk_object(f->ref, v, path, out, depth + 1);
            path->len = mark;
            path->buf[mark] = '\0';
        }
    } else {
        walk_object(f->ref, val, path, out, depth + 1);
    }
}

static void walk_object(const struct rtype *t, json_t *obj, sbuf *path, json_t *out, int depth)
{
    size_t mark = path->len;
    const char *key;
    json_t *v;

    if (!json_is_object(obj) || depth > OA_MAX_DEPTH)
        return;
    json_object_foreach(obj, key, v)
    {
        const struct rfield *f = find_field(t, key);
        sbuf_printf(path, ".%s", key);
        if (!f) {
            if (json_array_size(out) < OA_MAX_UNKNOWN)
                json_array_append_new(out, json_string(path->buf));
        } else {
            walk_value(f, v, path, out, depth);
        }
        path->len = mark;
        if (path->buf)
            path->buf[mark] = '\0';
    }
}

json_t *openapi_unknown_fields(const char *group, const char *version, const char *kind,
                               json_t *obj)
{
    const struct rtype *t;
    json_t *out;
    sbuf path;

    if (!group || !version || !kind)
        return NULL;
    pthread_once(&cache.once, build);
    t = type_by_gvk(group, version, kind);
    if (!t || t->def->shape != OA_OBJECT)
        return NULL;
    out = json_array();
    sbuf_init(&path);
    walk_object(t, obj, &path, out, 0);
    sbuf_release(&path);
    return out;
}
