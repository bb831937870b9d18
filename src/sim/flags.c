/*
 * flags.c -- the sim's configuration (sim.h): defaults, and parsers for the
 * comma-separated lists given on the command line (--labels, --taints,
 * --capacity, --fail-images), checking each item the way Kubernetes will
 * (qualified names, label values, taint effects, quantities) so a typo is
 * reported before thousands of nodes are refused by the server.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "sim/sim_int.h"
#include "types/types.h"

static const char *const default_capacity[][2] = {
    {"cpu", "4"}, {"memory", "8Gi"}, {"pods", "110"}};

void sim_config_init(sim_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->name_prefix = xstrdup("sim-node-");
    cfg->n_capacity = sizeof default_capacity / sizeof *default_capacity;
    cfg->capacity = xcalloc(cfg->n_capacity, sizeof *cfg->capacity);
    for (size_t i = 0; i < cfg->n_capacity; i++) {
        cfg->capacity[i].key = xstrdup(default_capacity[i][0]);
        cfg->capacity[i].value = xstrdup(default_capacity[i][1]);
    }
    cfg->n_fail_images = 1;
    cfg->fail_images = xcalloc(1, sizeof *cfg->fail_images);
    cfg->fail_images[0] = xstrdup("*:non-existent");
    cfg->workers = 0;
    cfg->lease_interval = 10;
    cfg->lease_duration = 40;
    cfg->status_interval = 300; /* kubelet nodeStatusReportFrequency */
}

int sim__default_workers(long nodes)
{
    /* Registration is bound by request latency (the server commits writes
     * in groups), so more requests in flight go faster, up to a point; a
     * handful of nodes needs no more than a few. */
    long w = nodes / 50;
    if (w < 4)
        w = 4;
    if (w > 32)
        w = 32;
    return (int)w;
}

static void kvs_free(sim_kv *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(kv[i].key);
        free(kv[i].value);
    }
    free(kv);
}

static void taints_free(sim_taint *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(t[i].key);
        free(t[i].value);
        free(t[i].effect);
    }
    free(t);
}

static void strs_free(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

void sim_config_release(sim_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->kubeconfig);
    free(cfg->name_prefix);
    kvs_free(cfg->labels, cfg->n_labels);
    taints_free(cfg->taints, cfg->n_taints);
    kvs_free(cfg->capacity, cfg->n_capacity);
    strs_free(cfg->fail_images, cfg->n_fail_images);
    memset(cfg, 0, sizeof *cfg);
}

void sim__config_copy(sim_config *dst, const sim_config *src)
{
    *dst = *src;
    dst->kubeconfig = src->kubeconfig ? xstrdup(src->kubeconfig) : NULL;
    dst->name_prefix = xstrdup(src->name_prefix ? src->name_prefix : "");
    dst->labels = xcalloc(src->n_labels + 1, sizeof *dst->labels);
    for (size_t i = 0; i < src->n_labels; i++) {
        dst->labels[i].key = xstrdup(src->labels[i].key);
        dst->labels[i].value = xstrdup(src->labels[i].value);
    }
    dst->taints = xcalloc(src->n_taints + 1, sizeof *dst->taints);
    for (size_t i = 0; i < src->n_taints; i++) {
        dst->taints[i].key = xstrdup(src->taints[i].key);
        dst->taints[i].value = xstrdup(src->taints[i].value);
        dst->taints[i].effect = xstrdup(src->taints[i].effect);
    }
    dst->capacity = xcalloc(src->n_capacity + 1, sizeof *dst->capacity);
    for (size_t i = 0; i < src->n_capacity; i++) {
        dst->capacity[i].key = xstrdup(src->capacity[i].key);
        dst->capacity[i].value = xstrdup(src->capacity[i].value);
    }
    dst->fail_images = xcalloc(src->n_fail_images + 1, sizeof *dst->fail_images);
    for (size_t i = 0; i < src->n_fail_images; i++)
        dst->fail_images[i] = xstrdup(src->fail_images[i]);
}

/* ---- Kubernetes name rules (apimachinery util/validation) -------------- */

#define QNAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define QNAME_MAX 63
#define LABEL_VALUE_MAX 63

static bool is_alnum(char c)
{
    return isascii((unsigned char)c) && isalnum((unsigned char)c);
}

/* [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])? -- shared by name parts and
 * label values. */
static bool is_label_token(const char *s, size_t n)
{
    if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return false;
    return true;
}

/* IsQualifiedName: NULL when fine, else a static message as Kubernetes
 * words it. */
static const char *qualified_name_error(const char *s)
{
    const char *slash = strchr(s, '/'), *name = s;
    const char *msg;

    if (slash) {
        char *prefix = xstrndup(s, (size_t)(slash - s));
        bool ok = *prefix && types_is_dns1123_subdomain(prefix, &msg);
        free(prefix);
        if (!ok)
            return "prefix part a lowercase RFC 1123 subdomain must consist of lower case "
                   "alphanumeric characters, '-' or '.', and must start and end with an "
                   "alphanumeric character (e.g. 'example.com', regex used for validation is "
                   "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
        name = slash + 1;
        if (strchr(name, '/'))
            return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', "
                   "and must start and end with an alphanumeric character (e.g. 'MyName',  or "
                   "'my.name',  or '123-abc', regex used for validation is '" QNAME_FMT
                   "') with an optional DNS subdomain prefix and '/' (e.g. "
                   "'example.com/MyName')";
    }
    if (!*name)
        return "name part must be non-empty";
    if (strlen(name) > QNAME_MAX)
        return "name part must be no more than 63 characters";
    if (!is_label_token(name, strlen(name)))
        return "name part must consist of alphanumeric characters, '-', '_' or '.', and must "
               "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  "
               "or '123-abc', regex used for validation is '" QNAME_FMT "')";
    return NULL;
}

/* IsValidLabelValue. */
static const char *label_value_error(const char *s)
{
    size_t n = strlen(s);
    if (n > LABEL_VALUE_MAX)
        return "must be no more than 63 characters";
    if (n && !is_label_token(s, n))
        return "a valid label must be an empty string or consist of alphanumeric characters, "
               "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
               "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
               "'(" QNAME_FMT ")?')";
    return NULL;
}

/* ---- list splitting ------------------------------------------------------- */

/* Split s on ',' into trimmed, non-empty items (new strings). */
static char **split_items(const char *s, size_t *n)
{
    char **out = NULL;
    size_t cap = 0;
    const char *p = s ? s : "";

    *n = 0;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *a = p, *b = p + len;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (b > a) {
            if (*n == cap) {
                cap = cap ? cap * 2 : 8;
                out = xrealloc(out, cap * sizeof *out);
            }
            out[(*n)++] = xstrndup(a, (size_t)(b - a));
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return out;
}

/* ---- parsers -------------------------------------------------------------- */

int sim_config_set_labels(sim_config *cfg, const char *s, char **err)
{
    size_t n, i, nl = 0;
    char **items = split_items(s, &n);
    sim_kv *labels = xcalloc(n + 1, sizeof *labels);
    int rc = 0;

    *err = NULL;
    for (i = 0; i < n; i++) {
        char *eq = strchr(items[i], '=');
        const char *msg;
        if (!eq) {
            *err = xasprintf("invalid label \"%s\": expected key=value", items[i]);
            rc = EN_INVALID;
            goto out_free_items;
        }
        *eq = '\0';
        if ((msg = qualified_name_error(items[i])) != NULL) {
            *err = xasprintf("invalid label key \"%s\": %s", items[i], msg);
            rc = EN_INVALID;
            goto out_free_items;
        }
        if ((msg = label_value_error(eq + 1)) != NULL) {
            *err = xasprintf("invalid label value \"%s\" for key \"%s\": %s", eq + 1, items[i],
                             msg);
            rc = EN_INVALID;
            goto out_free_items;
        }
        /* A repeated key: the last one wins, as in a map. */
        size_t j;
        for (j = 0; j < nl && strcmp(labels[j].key, items[i]) != 0; j++)
            ;
        if (j == nl) {
            labels[nl].key = xstrdup(items[i]);
            nl++;
        } else {
            free(labels[j].value);
        }
        labels[j].value = xstrdup(eq + 1);
    }
    kvs_free(cfg->labels, cfg->n_labels);
    cfg->labels = labels;
    cfg->n_labels = nl;
    labels = NULL;
out_free_items:
    if (labels)
        kvs_free(labels, nl);
    strs_free(items, n);
    return rc;
}

static bool taint_effect_ok(const char *e)
{
    return !strcmp(e, "NoSchedule") || !strcmp(e, "PreferNoSchedule") || !strcmp(e, "NoExecute");
}

/* One "key=value:Effect" or "key:Effect" as kubectl taint reads it. */
static int parse_taint(const char *item, sim_taint *t, char **err)
{
    const char *colon = strchr(item, ':');
    const char *msg;
    char *kv = NULL, *eq;
    int rc = EN_INVALID;

    if (!colon || strchr(colon + 1, ':')) {
        *err = xasprintf("invalid taint spec: %s, expected key=value:Effect or key:Effect",
                         item);
        return EN_INVALID;
    }
    if (!taint_effect_ok(colon + 1)) {
        *err = xasprintf("invalid taint effect: %s, unsupported taint effect", colon + 1);
        return EN_INVALID;
    }
    kv = xstrndup(item, (size_t)(colon - item));
    eq = strchr(kv, '=');
    if (eq) {
        *eq = '\0';
        if (strchr(eq + 1, '=')) {
            *err = xasprintf("invalid taint spec: %s", item);
            goto out_free_kv;
        }
        if ((msg = label_value_error(eq + 1)) != NULL) {
            *err = xasprintf("invalid taint spec: %s, %s", item, msg);
            goto out_free_kv;
        }
    }
    if ((msg = qualified_name_error(kv)) != NULL) {
        *err = xasprintf("invalid taint spec: %s, %s", item, msg);
        goto out_free_kv;
    }
    t->key = xstrdup(kv);
    t->value = xstrdup(eq ? eq + 1 : "");
    t->effect = xstrdup(colon + 1);
    rc = 0;
out_free_kv:
    free(kv);
    return rc;
}

int sim_config_set_taints(sim_config *cfg, const char *s, char **err)
{
    size_t n, i, nt = 0;
    char **items = split_items(s, &n);
    sim_taint *taints = xcalloc(n + 1, sizeof *taints);
    int rc = 0;

    *err = NULL;
    for (i = 0; i < n; i++) {
        rc = parse_taint(items[i], &taints[nt], err);
        if (rc)
            goto out_free_items;
        /* Kubernetes refuses two taints with the same key and effect. */
        for (size_t j = 0; j < nt; j++) {
            if (!strcmp(taints[j].key, taints[nt].key) &&
                !strcmp(taints[j].effect, taints[nt].effect)) {
                *err = xasprintf("invalid taint spec: %s, duplicate key \"%s\" and effect "
                                 "\"%s\"",
                                 items[i], taints[nt].key, taints[nt].effect);
                nt++;
                rc = EN_INVALID;
                goto out_free_items;
            }
        }
        nt++;
    }
    taints_free(cfg->taints, cfg->n_taints);
    cfg->taints = taints;
    cfg->n_taints = nt;
    taints = NULL;
out_free_items:
    if (taints)
        taints_free(taints, nt);
    strs_free(items, n);
    return rc;
}

int sim_config_set_capacity(sim_config *cfg, const char *s, char **err)
{
    size_t n, i, nc = cfg->n_capacity;
    char **items = split_items(s, &n);
    sim_kv *cap = xcalloc(cfg->n_capacity + n + 1, sizeof *cap);
    int rc = 0;

    *err = NULL;
    for (i = 0; i < nc; i++) {
        cap[i].key = xstrdup(cfg->capacity[i].key);
        cap[i].value = xstrdup(cfg->capacity[i].value);
    }
    for (i = 0; i < n; i++) {
        char *eq = strchr(items[i], '=');
        const char *msg;
        int64_t milli;
        size_t j;

        if (!eq) {
            *err = xasprintf("invalid capacity \"%s\": expected resource=quantity", items[i]);
            rc = EN_INVALID;
            goto out_free_items;
        }
        *eq = '\0';
        if ((msg = qualified_name_error(items[i])) != NULL) {
            *err = xasprintf("invalid capacity resource name \"%s\": %s", items[i], msg);
            rc = EN_INVALID;
            goto out_free_items;
        }
        if (types_quantity_parse(eq + 1, &milli) || milli < 0) {
            *err = xasprintf("invalid capacity %s=%s: quantities must match the regular "
                             "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' and "
                             "not be negative",
                             items[i], eq + 1);
            rc = EN_INVALID;
            goto out_free_items;
        }
        for (j = 0; j < nc && strcmp(cap[j].key, items[i]) != 0; j++)
            ;
        if (j == nc) {
            cap[nc].key = xstrdup(items[i]);
            nc++;
        } else {
            free(cap[j].value);
        }
        cap[j].value = xstrdup(eq + 1);
    }
    kvs_free(cfg->capacity, cfg->n_capacity);
    cfg->capacity = cap;
    cfg->n_capacity = nc;
    cap = NULL;
out_free_items:
    if (cap)
        kvs_free(cap, nc);
    strs_free(items, n);
    return rc;
}

int sim_config_set_fail_images(sim_config *cfg, const char *s, char **err)
{
    size_t n;
    char **items = split_items(s, &n);

    *err = NULL;
    strs_free(cfg->fail_images, cfg->n_fail_images);
    cfg->fail_images = items;
    cfg->n_fail_images = n;
    return 0;
}

int sim_config_check(const sim_config *cfg, char **err)
{
    char name[300];
    const char *msg;

    *err = NULL;
    if (!cfg->kubeconfig || !*cfg->kubeconfig) {
        *err = xstrdup("--kubeconfig is required");
        return EN_INVALID;
    }
    if (cfg->nodes < 1 || cfg->nodes > SIM_MAX_NODES) {
        *err = xasprintf("--nodes must be between 1 and %d", SIM_MAX_NODES);
        return EN_INVALID;
    }
    /* The longest name decides: node names are DNS-1123 subdomains. */
    snprintf(name, sizeof name, "%s%ld", cfg->name_prefix ? cfg->name_prefix : "",
             cfg->nodes - 1);
    if (!types_is_dns1123_subdomain(name, &msg)) {
        *err = xasprintf("--name-prefix \"%s\" gives invalid node names such as \"%s\": %s",
                         cfg->name_prefix ? cfg->name_prefix : "", name, msg);
        return EN_INVALID;
    }
    if (cfg->ready_after < 0) {
        *err = xstrdup("--ready-after must not be negative");
        return EN_INVALID;
    }
    if (cfg->workers < 0 || cfg->workers > 256) {
        *err = xstrdup("--workers must be between 1 and 256");
        return EN_INVALID;
    }
    if (cfg->lease_interval < 1 || cfg->lease_duration < 1 || cfg->status_interval < 1) {
        *err = xstrdup("heartbeat intervals and the lease duration must be at least 1 second");
        return EN_INVALID;
    }
    return 0;
}
