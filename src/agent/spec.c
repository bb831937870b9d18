/*
 * spec.c -- how a container's process is described (agent_int.h): its
 * environment (env literals with $(VAR) expansion, the Downward API's
 * fieldRef and resourceFieldRef, ConfigMap and Secret references through
 * a lookup callback, envFrom), its argv (command/args over the image's
 * Entrypoint/Cmd as Kubernetes and containerd combine them), and the
 * merge of the image's Env under the pod's.  Pure functions of JSON
 * values, unit-tested in tests/unit/agent/test_spec.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_int.h"
#include "types/types.h"

/* ---- environment lists --------------------------------------------------- */

void agent__env_init(agent_env *e)
{
    memset(e, 0, sizeof *e);
}

void agent__env_release(agent_env *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++) {
        free(e->names[i]);
        free(e->values[i]);
    }
    free(e->names);
    free(e->values);
    memset(e, 0, sizeof *e);
}

void agent__env_set(agent_env *e, const char *name, const char *value)
{
    for (size_t i = 0; i < e->n; i++) {
        if (strcmp(e->names[i], name) == 0) {
            free(e->values[i]);
            e->values[i] = xstrdup(value ? value : "");
            return;
        }
    }
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 16;
        e->names = xrealloc(e->names, e->cap * sizeof *e->names);
        e->values = xrealloc(e->values, e->cap * sizeof *e->values);
    }
    e->names[e->n] = xstrdup(name);
    e->values[e->n] = xstrdup(value ? value : "");
    e->n++;
}

const char *agent__env_get(const agent_env *e, const char *name)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->names[i], name) == 0)
            return e->values[i];
    return NULL;
}

char **agent__env_strv(const agent_env *e)
{
    char **v = xcalloc(e->n + 1, sizeof *v);
    for (size_t i = 0; i < e->n; i++)
        v[i] = xasprintf("%s=%s", e->names[i], e->values[i]);
    return v;
}

void agent__strv_free(char **v)
{
    if (!v)
        return;
    for (size_t i = 0; v[i]; i++)
        free(v[i]);
    free(v);
}

/* ---- $(VAR) expansion ------------------------------------------------------ */

char *agent__expand(const char *in, const agent_env *env)
{
    sbuf out;
    const char *p = in ? in : "";

    sbuf_init(&out);
    while (*p) {
        const char *dollar = strchr(p, '$');
        if (!dollar) {
            sbuf_puts(&out, p);
            break;
        }
        sbuf_append(&out, p, (size_t)(dollar - p));
        if (dollar[1] == '\0') {
            /* A trailing $ is kept. */
            sbuf_puts(&out, "$");
            p = dollar + 1;
        } else if (dollar[1] == '$') {
            /* $$ escapes a $. */
            sbuf_puts(&out, "$");
            p = dollar + 2;
        } else if (dollar[1] == '(') {
            const char *close = strchr(dollar + 2, ')');
            if (!close) {
                /* An unterminated reference stays as written. */
                sbuf_puts(&out, "$(");
                p = dollar + 2;
            } else {
                char *name = xstrndup(dollar + 2, (size_t)(close - dollar - 2));
                const char *v = env ? agent__env_get(env, name) : NULL;
                if (v)
                    sbuf_puts(&out, v);
                else
                    sbuf_append(&out, dollar, (size_t)(close - dollar + 1));
                free(name);
                p = close + 1;
            }
        } else {
            /* Any other $x is kept as is. */
            sbuf_append(&out, dollar, 2);
            p = dollar + 2;
        }
    }
    return sbuf_detach(&out, NULL);
}

/* ---- the Downward API -------------------------------------------------------- */

/* metadata.labels / metadata.annotations as a whole: sorted key="value"
 * lines (the form volumes get). */
static char *format_map(json_t *map)
{
    const char **keys;
    size_t n = json_object_size(map), i = 0;
    const char *k;
    json_t *v;
    sbuf sb;

    sbuf_init(&sb);
    keys = xcalloc(n + 1, sizeof *keys);
    json_object_foreach(map, k, v)
    {
        keys[i++] = k;
    }
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
            const char *t = keys[b - 1];
            keys[b - 1] = keys[b];
            keys[b] = t;
        }
    for (i = 0; i < n; i++) {
        json_t *s = json_object_get(map, keys[i]);
        char *q = json_dumps(s, JSON_ENCODE_ANY);
        sbuf_printf(&sb, "%s%s=%s", i ? "\n" : "", keys[i], q ? q : "\"\"");
        free(q);
    }
    free(keys);
    return sbuf_detach(&sb, NULL);
}

/* "metadata.labels['key']" -> key (new) when path has that form for prefix. */
static char *subscript(const char *path, const char *prefix)
{
    size_t pl = strlen(prefix), n = strlen(path);
    if (strncmp(path, prefix, pl) != 0 || n < pl + 4 || path[pl] != '[' ||
        path[n - 1] != ']')
        return NULL;
    if (path[pl + 1] != '\'' || path[n - 2] != '\'' || n - 2 <= pl + 1)
        return NULL;
    return xstrndup(path + pl + 2, n - pl - 4);
}

char *agent__field_ref(json_t *pod, const char *path, const agent_downward *dw, char **err)
{
    const char *v = NULL;
    char *key;

    *err = NULL;
    if (!path) {
        *err = xstrdup("fieldRef without fieldPath");
        return NULL;
    }
    if (!strcmp(path, "metadata.name"))
        v = json_path_str(pod, "metadata.name");
    else if (!strcmp(path, "metadata.namespace"))
        v = json_path_str(pod, "metadata.namespace");
    else if (!strcmp(path, "metadata.uid"))
        v = json_path_str(pod, "metadata.uid");
    else if (!strcmp(path, "spec.nodeName"))
        v = json_path_str(pod, "spec.nodeName") ?: dw->node_name;
    else if (!strcmp(path, "spec.serviceAccountName"))
        v = json_path_str(pod, "spec.serviceAccountName");
    else if (!strcmp(path, "status.hostIP") || !strcmp(path, "status.hostIPs"))
        v = dw->host_ip;
    else if (!strcmp(path, "status.podIP") || !strcmp(path, "status.podIPs"))
        /* One address family here: the lists have one entry. */
        v = dw->pod_ip;
    else if (!strcmp(path, "metadata.labels"))
        return format_map(json_path(pod, "metadata.labels"));
    else if (!strcmp(path, "metadata.annotations"))
        return format_map(json_path(pod, "metadata.annotations"));
    else if ((key = subscript(path, "metadata.labels")) != NULL) {
        v = json_string_value(json_object_get(json_path(pod, "metadata.labels"), key));
        free(key);
    } else if ((key = subscript(path, "metadata.annotations")) != NULL) {
        v = json_string_value(json_object_get(json_path(pod, "metadata.annotations"), key));
        free(key);
    } else {
        *err = xasprintf("unsupported fieldPath: %s", path);
        return NULL;
    }
    return xstrdup(v ? v : "");
}

/* ceil(a / b) for a >= 0, b > 0. */
static int64_t ceil_div(int64_t a, int64_t b)
{
    return a <= 0 ? 0 : (a - 1) / b + 1;
}

char *agent__resource_ref(json_t *c, const char *resource, json_t *divisor,
                          const agent_downward *dw, char **err)
{
    const char *dot = resource ? strchr(resource, '.') : NULL;
    int64_t value = 0, div = 0;
    char *section = NULL;
    const char *name;
    json_t *q;
    bool cpu;

    *err = NULL;
    if (!dot) {
        *err = xasprintf("unsupported container resource : %s", resource ? resource : "");
        return NULL;
    }
    section = xstrndup(resource, (size_t)(dot - resource));
    name = dot + 1;
    if ((strcmp(section, "limits") && strcmp(section, "requests")) ||
        (strcmp(name, "cpu") && strcmp(name, "memory") && strcmp(name, "ephemeral-storage") &&
         strncmp(name, "hugepages-", 10))) {
        *err = xasprintf("unsupported container resource : %s", resource);
        free(section);
        return NULL;
    }
    cpu = strcmp(name, "cpu") == 0;
    /* Divisor: "1" when absent or zero. */
    if (divisor && types_quantity_json(divisor, &div) != 0) {
        *err = xasprintf("invalid divisor for %s", resource);
        free(section);
        return NULL;
    }
    if (div <= 0)
        div = 1000;
    q = json_object_get(json_path(c, "resources"), section);
    q = json_object_get(q, name);
    if (q && types_quantity_json(q, &value) != 0) {
        *err = xasprintf("invalid quantity for %s", resource);
        free(section);
        return NULL;
    }
    /* Unset limits read as the node's allocatable, as kubelet merges them. */
    if (!q && strcmp(section, "limits") == 0) {
        if (cpu)
            value = dw->node_cpu_milli;
        else if (!strcmp(name, "memory"))
            value = dw->node_memory_bytes * 1000;
        else if (!strcmp(name, "ephemeral-storage"))
            value = dw->node_storage_bytes * 1000;
    }
    free(section);
    /* CPU divides millicores; the others divide whole units. */
    if (cpu)
        return xasprintf("%lld", (long long)ceil_div(value, div));
    return xasprintf("%lld", (long long)ceil_div(ceil_div(value, 1000), ceil_div(div, 1000)));
}

/* The container of pod named name (spec.containers or initContainers). */
static json_t *find_container(json_t *pod, const char *name)
{
    static const char *const lists[] = {"spec.containers", "spec.initContainers"};
    for (size_t l = 0; l < 2; l++) {
        json_t *c;
        size_t i;
        json_array_foreach(json_path(pod, lists[l]), i, c)
        {
            const char *n = json_string_value(json_object_get(c, "name"));
            if (n && name && strcmp(n, name) == 0)
                return c;
        }
    }
    return NULL;
}

/* envFrom: every key of a ConfigMap or Secret, with the prefix. */
static int env_from(json_t *pod, json_t *c, agent_ref_lookup_fn lookup, void *ctx,
                    agent_env *out, char **err)
{
    const char *ns = json_path_str(pod, "metadata.namespace");
    json_t *src;
    size_t i;

    json_array_foreach(json_object_get(c, "envFrom"), i, src)
    {
        const char *prefix = json_string_value(json_object_get(src, "prefix"));
        json_t *ref = json_object_get(src, "configMapRef");
        const char *kind = "ConfigMap";
        const char *name;
        char *text = NULL, *msg = NULL;
        json_t *data, *v;
        const char *k;
        int rc;

        if (!ref) {
            ref = json_object_get(src, "secretRef");
            kind = "Secret";
        }
        if (!ref)
            continue;
        name = json_string_value(json_object_get(ref, "name"));
        rc = lookup ? lookup(ctx, kind, ns, name, NULL, &text, &msg) : EN_NOTFOUND;
        if (rc) {
            bool optional = json_is_true(json_object_get(ref, "optional"));
            if (optional && rc == EN_NOTFOUND) {
                free(msg);
                continue;
            }
            *err = msg ? msg : xasprintf("%s \"%s\" not found", kind, name ? name : "");
            return EN_INVALID;
        }
        /* With key NULL the lookup returns the whole data map as JSON. */
        data = json_loads(text ? text : "{}", 0, NULL);
        free(text);
        free(msg);
        json_object_foreach(data, k, v)
        {
            char *full = xasprintf("%s%s", prefix ? prefix : "", k);
            agent__env_set(out, full, json_string_value(v));
            free(full);
        }
        json_decref(data);
    }
    return 0;
}

int agent__container_env(json_t *pod, json_t *c, const agent_downward *dw,
                         agent_ref_lookup_fn lookup, void *lookup_ctx, agent_env *out,
                         char **err)
{
    const char *ns = json_path_str(pod, "metadata.namespace");
    json_t *e;
    size_t i;
    int rc;

    *err = NULL;
    rc = env_from(pod, c, lookup, lookup_ctx, out, err);
    if (rc)
        return rc;
    json_array_foreach(json_object_get(c, "env"), i, e)
    {
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *lit = json_string_value(json_object_get(e, "value"));
        json_t *from = json_object_get(e, "valueFrom"), *ref;
        char *value = NULL, *msg = NULL;

        if (!name || !*name)
            continue;
        if (lit && *lit) {
            value = agent__expand(lit, out);
        } else if ((ref = json_object_get(from, "fieldRef")) != NULL) {
            value = agent__field_ref(pod, json_string_value(json_object_get(ref, "fieldPath")),
                                     dw, &msg);
        } else if ((ref = json_object_get(from, "resourceFieldRef")) != NULL) {
            const char *cn = json_string_value(json_object_get(ref, "containerName"));
            json_t *target = cn && *cn ? find_container(pod, cn) : c;
            if (!target) {
                msg = xasprintf("container %s not found for the resourceFieldRef of %s", cn,
                                name);
            } else {
                value = agent__resource_ref(
                    target, json_string_value(json_object_get(ref, "resource")),
                    json_object_get(ref, "divisor"), dw, &msg);
            }
        } else if ((ref = json_object_get(from, "configMapKeyRef")) != NULL ||
                   (ref = json_object_get(from, "secretKeyRef")) != NULL) {
            const char *kind = json_object_get(from, "configMapKeyRef") ? "ConfigMap" : "Secret";
            const char *rname = json_string_value(json_object_get(ref, "name"));
            const char *key = json_string_value(json_object_get(ref, "key"));
            rc = lookup ? lookup(lookup_ctx, kind, ns, rname, key ? key : "", &value, &msg)
                        : EN_NOTFOUND;
            if (rc) {
                if (json_is_true(json_object_get(ref, "optional")) && rc == EN_NOTFOUND) {
                    free(msg);
                    continue;
                }
                if (!msg)
                    msg = xasprintf("%s \"%s\" not found", kind, rname ? rname : "");
            }
        } else {
            value = xstrdup("");
        }
        if (!value) {
            *err = msg ? msg : xasprintf("cannot resolve the value of %s", name);
            return EN_INVALID;
        }
        agent__env_set(out, name, value);
        free(value);
        free(msg);
    }
    return 0;
}

/* ---- argv ---------------------------------------------------------------------- */

static void strv_push(char ***v, size_t *n, char *s)
{
    *v = xrealloc(*v, (*n + 2) * sizeof **v);
    (*v)[(*n)++] = s;
    (*v)[*n] = NULL;
}

/* Append a JSON array of strings, expanded (pod words) or verbatim
 * (image words). */
static void append_words(char ***v, size_t *n, json_t *arr, const agent_env *env)
{
    json_t *w;
    size_t i;
    json_array_foreach(arr, i, w)
    {
        const char *s = json_string_value(w);
        if (!s)
            continue;
        strv_push(v, n, env ? agent__expand(s, env) : xstrdup(s));
    }
}

char **agent__container_argv(json_t *c, json_t *image_config, const agent_env *env)
{
    json_t *command = json_object_get(c, "command"), *args = json_object_get(c, "args");
    json_t *entry = json_object_get(image_config, "Entrypoint");
    json_t *cmd = json_object_get(image_config, "Cmd");
    char **v = NULL;
    size_t n = 0;

    /* An Entrypoint of [""] means none (as containerd reads it). */
    if (json_array_size(entry) == 1 && json_string_value(json_array_get(entry, 0)) &&
        !*json_string_value(json_array_get(entry, 0)))
        entry = NULL;
    if (json_array_size(command)) {
        append_words(&v, &n, command, env);
        append_words(&v, &n, args, env);
    } else {
        append_words(&v, &n, entry, NULL);
        if (json_array_size(args))
            append_words(&v, &n, args, env);
        else
            append_words(&v, &n, cmd, NULL);
    }
    return v;
}

void agent__merge_env(json_t *image_config, const char *hostname, const agent_env *pod_env,
                      agent_env *out)
{
    json_t *e;
    size_t i;

    json_array_foreach(json_object_get(image_config, "Env"), i, e)
    {
        const char *s = json_string_value(e), *eq = s ? strchr(s, '=') : NULL;
        if (!eq || eq == s)
            continue;
        char *name = xstrndup(s, (size_t)(eq - s));
        agent__env_set(out, name, eq + 1);
        free(name);
    }
    if (hostname)
        agent__env_set(out, "HOSTNAME", hostname);
    for (size_t j = 0; pod_env && j < pod_env->n; j++)
        agent__env_set(out, pod_env->names[j], pod_env->values[j]);
}
