/*
 * table.c -- server-side printing: the metav1.Table columns and row cells
 * that `kubectl get` shows for each kind (see types.h).
 *
 * kubectl asks for `as=Table` and prints whatever cells the server computes,
 * so this file is where everynode's `kubectl get` output is decided.  The
 * columns, their order, types and priorities, and every cell computation
 * follow Kubernetes' internal printers (pkg/printers/internalversion) as of
 * 1.32.  The API server always prints in "wide" mode and lets kubectl hide
 * priority-1 columns unless `-o wide` is given, so each row carries every
 * column.  Kinds without a printer get the generic apiserver table (Name,
 * Created At).
 *
 * Objects are read in their v1 JSON form; where the printers read an
 * internal field that v1 spells differently (pod IPs, cluster IPs,
 * lastState) the v1 field that converts into it is used.  Ages are computed
 * from the caller's `now`, never the clock.
 *
 * Layout: small JSON/string helpers, label and label-selector formatting,
 * one row function per kind, then the column tables and the dispatch that
 * types_table_columns / types_table_cells use.
 */
#include "types/types.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* "No timestamp": Go's zero time sorts before every real time, and so does
 * this (real timestamps are far above it). */
#define TS_ZERO INT64_MIN

/* ---- cell helpers ------------------------------------------------------- */

/* Append a string cell (copied).  NULL counts as "". */
static void add_str(json_t *cells, const char *s)
{
    json_t *v = json_string(s ? s : "");
    /* Our inputs come from jansson strings, so NULL can only mean OOM. */
    if (!v || json_array_append_new(cells, v) != 0)
        en_fatal("table: cannot append string cell");
}

/* Append a string cell and free s (which the caller allocated). */
static void add_owned(json_t *cells, char *s)
{
    add_str(cells, s);
    free(s);
}

static void add_int(json_t *cells, json_int_t n)
{
    json_t *v = json_integer(n);
    if (!v || json_array_append_new(cells, v) != 0)
        en_fatal("table: cannot append integer cell");
}

/* String at a dotted path, "" when absent or not a string (borrowed). */
static const char *sget(json_t *obj, const char *path)
{
    const char *s = json_path_str(obj, path);
    return s ? s : "";
}

/* Integer at a dotted path, 0 when absent or not an integer. */
static json_int_t iget(json_t *obj, const char *path)
{
    return json_integer_value(json_path(obj, path));
}

/* Parse an RFC 3339 timestamp value; TS_ZERO when absent, null or bad
 * (Go decodes null as the zero time, which printers treat as unset). */
static int64_t ts_value(json_t *v)
{
    const char *s = json_string_value(v);
    int64_t t = TS_ZERO;

    if (!s || time_parse_rfc3339(s, &t) != 0)
        return TS_ZERO;
    return t;
}

/*
 * kubectl age of t at now into buf: "<unknown>" for an unset time,
 * "<invalid>" when t is more than a second in the future (clock skew
 * tolerance as in apimachinery's HumanDuration), else "5m", "3h2m", ...
 */
static void age_string(int64_t t, int64_t now, char *buf, size_t len)
{
    if (t == TS_ZERO) {
        snprintf(buf, len, "<unknown>");
        return;
    }
    int64_t d = now - t;
    if (d < -1) {
        snprintf(buf, len, "<invalid>");
        return;
    }
    time_human_duration(d < 0 ? 0 : d, buf, len);
}

static void add_age(json_t *cells, int64_t t, int64_t now)
{
    char buf[32];
    age_string(t, now, buf, sizeof buf);
    add_str(cells, buf);
}

static void add_creation_age(json_t *cells, json_t *obj, int64_t now)
{
    add_age(cells, ts_value(json_path(obj, "metadata.creationTimestamp")), now);
}

/* Is a (possibly absent) JSON value present and not null?  Mirrors Go's
 * "pointer field != nil" after decoding. */
static bool is_set(json_t *v)
{
    return v && !json_is_null(v);
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- labels and selectors --------------------------------------------- */

/*
 * labels.FormatLabels: "k=v" pairs of a string map sorted by key and joined
 * with ",", or "<none>" when empty.  Returns a new string the caller frees.
 */
static char *format_labels(json_t *map)
{
    size_t n = json_object_size(map);
    const char **keys = NULL;
    const char *key;
    json_t *val;
    sbuf sb;
    size_t i = 0;

    sbuf_init(&sb);
    if (n == 0)
        return xstrdup("<none>");
    keys = xcalloc(n, sizeof *keys);
    json_object_foreach(map, key, val)
    {
        keys[i++] = key;
    }
    qsort(keys, n, sizeof *keys, cmp_str_ptr);
    for (i = 0; i < n; i++) {
        const char *v = json_string_value(json_object_get(map, keys[i]));
        sbuf_printf(&sb, "%s%s=%s", i ? "," : "", keys[i], v ? v : "");
    }
    free(keys);
    return sbuf_detach(&sb, NULL);
}

/* [A-Za-z0-9] */
static bool is_alnum_c(char c)
{
    return isalnum((unsigned char)c) != 0;
}

/* Kubernetes "qualified name" part and label value share one pattern:
 * ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], at most 63 characters. */
static bool is_label_token(const char *s, size_t n)
{
    if (n == 0 || n > 63 || !is_alnum_c(s[0]) || !is_alnum_c(s[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!is_alnum_c(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return false;
    }
    return true;
}

/* DNS-1123 subdomain: lower-case labels of [a-z0-9-] joined by dots, each
 * starting and ending alphanumeric, at most 253 characters in all. */
static bool is_dns_subdomain(const char *s, size_t n)
{
    size_t start = 0;

    if (n == 0 || n > 253)
        return false;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.') {
            char c = s[i];
            if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '-'))
                return false;
            continue;
        }
        if (i == start || s[start] == '-' || s[i - 1] == '-')
            return false;
        start = i + 1;
    }
    return true;
}

/* Label key: [prefix/]name with a DNS-subdomain prefix. */
static bool is_label_key(const char *key)
{
    const char *slash = strchr(key, '/');

    if (!slash)
        return is_label_token(key, strlen(key));
    if (strchr(slash + 1, '/'))
        return false;
    return is_dns_subdomain(key, (size_t)(slash - key)) &&
           is_label_token(slash + 1, strlen(slash + 1));
}

/* Label value: empty, or a label token. */
static bool is_label_value(const char *v)
{
    return v[0] == '\0' || is_label_token(v, strlen(v));
}

/* Selector operators in the order labels.Requirement prints them. */
enum sel_op { SEL_EQ, SEL_IN, SEL_NOTIN, SEL_EXISTS, SEL_NOTEXISTS };

/* One requirement of a label selector (strings borrowed from the object). */
typedef struct sel_req {
    const char *key;   /* label key */
    enum sel_op op;    /* operator */
    const char **vals; /* values, owned array of borrowed strings */
    size_t nvals;      /* entries in vals */
    size_t order;      /* input position, keeps the key sort stable */
} sel_req;

static int cmp_req(const void *a, const void *b)
{
    const sel_req *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Fill r from one matchExpressions entry; false when upstream's
 * LabelSelectorAsSelector would reject it. */
static bool req_from_expr(json_t *expr, sel_req *r)
{
    const char *op = json_string_value(json_object_get(expr, "operator"));
    json_t *vals = json_object_get(expr, "values");
    size_t i;

    r->key = json_string_value(json_object_get(expr, "key"));
    if (!r->key || !op || !is_label_key(r->key))
        return false;
    if (strcmp(op, "In") == 0)
        r->op = SEL_IN;
    else if (strcmp(op, "NotIn") == 0)
        r->op = SEL_NOTIN;
    else if (strcmp(op, "Exists") == 0)
        r->op = SEL_EXISTS;
    else if (strcmp(op, "DoesNotExist") == 0)
        r->op = SEL_NOTEXISTS;
    else
        return false;
    if (is_set(vals) && !json_is_array(vals))
        return false;
    r->nvals = json_array_size(vals);
    /* In/NotIn need values; Exists/DoesNotExist must have none. */
    if ((r->op == SEL_IN || r->op == SEL_NOTIN) != (r->nvals > 0))
        return false;
    r->vals = xcalloc(r->nvals ? r->nvals : 1, sizeof *r->vals);
    for (i = 0; i < r->nvals; i++) {
        r->vals[i] = json_string_value(json_array_get(vals, i));
        if (!r->vals[i] || !is_label_value(r->vals[i]))
            return false;
    }
    return true;
}

/* Append one requirement as labels.Requirement.String() prints it. */
static void print_req(sbuf *sb, sel_req *r)
{
    if (r->op == SEL_NOTEXISTS)
        sbuf_puts(sb, "!");
    sbuf_puts(sb, r->key);
    switch (r->op) {
    case SEL_EQ:
        sbuf_printf(sb, "=%s", r->vals[0]);
        return;
    case SEL_EXISTS:
    case SEL_NOTEXISTS:
        return;
    case SEL_IN:
    case SEL_NOTIN:
        break;
    }
    sbuf_puts(sb, r->op == SEL_IN ? " in (" : " notin (");
    qsort(r->vals, r->nvals, sizeof *r->vals, cmp_str_ptr);
    for (size_t i = 0; i < r->nvals; i++)
        sbuf_printf(sb, "%s%s", i ? "," : "", r->vals[i]);
    sbuf_puts(sb, ")");
}

/*
 * metav1.FormatLabelSelector of a LabelSelector object: requirements sorted
 * by key ("app=nginx,tier in (a,b),!legacy"); "<none>" for a missing or
 * empty selector; "<error>" for one that does not compile.  Returns a new
 * string the caller frees.
 */
static char *format_label_selector(json_t *sel)
{
    json_t *labels = json_object_get(sel, "matchLabels");
    json_t *exprs = json_object_get(sel, "matchExpressions");
    size_t nl = json_object_size(labels), ne = json_array_size(exprs);
    size_t n = 0, i;
    sel_req *reqs = NULL;
    const char *key;
    json_t *val;
    char *out = NULL;
    sbuf sb;

    sbuf_init(&sb);
    if (nl + ne == 0)
        return xstrdup("<none>");
    reqs = xcalloc(nl + ne, sizeof *reqs);
    json_object_foreach(labels, key, val)
    {
        sel_req *r = &reqs[n];
        r->key = key;
        r->op = SEL_EQ;
        r->vals = xcalloc(1, sizeof *r->vals);
        r->vals[0] = json_string_value(val);
        r->nvals = 1;
        r->order = n++;
        if (!r->vals[0] || !is_label_key(key) || !is_label_value(r->vals[0]))
            goto out_error;
    }
    for (i = 0; i < ne; i++) {
        sel_req *r = &reqs[n];
        r->order = n++;
        if (!req_from_expr(json_array_get(exprs, i), r))
            goto out_error;
    }
    qsort(reqs, n, sizeof *reqs, cmp_req);
    for (i = 0; i < n; i++) {
        if (i)
            sbuf_puts(&sb, ",");
        print_req(&sb, &reqs[i]);
    }
    out = sbuf_detach(&sb, NULL);
    goto out_free_reqs;

out_error:
    out = xstrdup("<error>");
out_free_reqs:
    for (i = 0; i < n; i++)
        free(reqs[i].vals);
    free(reqs);
    sbuf_release(&sb);
    return out;
}

/* Containers and Images cells: names and images joined by ",". */
static void add_container_cells(json_t *cells, json_t *containers)
{
    sbuf names, images;
    size_t i;
    json_t *c;

    sbuf_init(&names);
    sbuf_init(&images);
    json_array_foreach(containers, i, c)
    {
        sbuf_printf(&names, "%s%s", i ? "," : "", sget(c, "name"));
        sbuf_printf(&images, "%s%s", i ? "," : "", sget(c, "image"));
    }
    add_owned(cells, sbuf_detach(&names, NULL));
    add_owned(cells, sbuf_detach(&images, NULL));
}

/* ---- DaemonSet ----------------------------------------------------------- */

static void row_daemonset(json_t *cells, json_t *ds, int64_t now)
{
    add_str(cells, sget(ds, "metadata.name"));
    add_int(cells, iget(ds, "status.desiredNumberScheduled"));
    add_int(cells, iget(ds, "status.currentNumberScheduled"));
    add_int(cells, iget(ds, "status.numberReady"));
    add_int(cells, iget(ds, "status.updatedNumberScheduled"));
    add_int(cells, iget(ds, "status.numberAvailable"));
    add_owned(cells, format_labels(json_path(ds, "spec.template.spec.nodeSelector")));
    add_creation_age(cells, ds, now);
    add_container_cells(cells, json_path(ds, "spec.template.spec.containers"));
    add_owned(cells, format_label_selector(json_path(ds, "spec.selector")));
}

/* ---- Pod ----------------------------------------------------------------- */

/* Does any condition of this type have status "True"?  With first_only,
 * only the first condition of the type counts (as the printers do when
 * they break on the first match). */
static bool condition_true(json_t *conds, const char *type, bool first_only)
{
    size_t i;
    json_t *c;

    json_array_foreach(conds, i, c)
    {
        if (strcmp(sget(c, "type"), type) != 0)
            continue;
        if (strcmp(sget(c, "status"), "True") == 0)
            return true;
        if (first_only)
            return false;
    }
    return false;
}

/* A sidecar: an init container whose restartPolicy is Always.  Looked up
 * by name; the last spec entry of that name wins, as with upstream's map. */
static bool is_restartable_init(json_t *init_specs, const char *name)
{
    bool restartable = false;
    size_t i;
    json_t *c;

    json_array_foreach(init_specs, i, c)
    {
        if (strcmp(sget(c, "name"), name) == 0)
            restartable = strcmp(sget(c, "restartPolicy"), "Always") == 0;
    }
    return restartable;
}

/* Replace the pod's status reason with a formatted string. */
static void set_reason(sbuf *reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_reason(sbuf *reason, const char *fmt, ...)
{
    va_list ap;

    sbuf_release(reason);
    va_start(ap, fmt);
    sbuf_vprintf(reason, fmt, ap);
    va_end(ap);
}

/* Later of *latest and a container's last termination time. */
static void note_last_termination(json_t *status, int64_t *latest)
{
    json_t *term = json_path(status, "lastState.terminated");
    if (!json_is_object(term))
        return;
    int64_t t = ts_value(json_object_get(term, "finishedAt"));
    if (*latest < t)
        *latest = t;
}

/* Counters printPod accumulates over the container statuses. */
typedef struct pod_tally {
    json_int_t restarts;          /* restarts shown */
    json_int_t sidecar_restarts;  /* restarts of restartable init containers */
    json_int_t ready;             /* ready containers */
    int64_t last_restart;         /* latest termination, TS_ZERO if none */
    int64_t sidecar_last_restart; /* same for restartable init containers */
} pod_tally;

/* Walk init container statuses; sets the reason while initialising and
 * returns whether the pod is still initialising. */
static bool pod_init_status(json_t *pod, pod_tally *t, sbuf *reason)
{
    json_t *init_specs = json_path(pod, "spec.initContainers");
    json_t *statuses = json_path(pod, "status.initContainerStatuses");
    size_t i;
    json_t *c;

    json_array_foreach(statuses, i, c)
    {
        json_int_t rc = iget(c, "restartCount");
        bool sidecar = is_restartable_init(init_specs, sget(c, "name"));
        json_t *term = json_path(c, "state.terminated");
        json_t *waiting = json_path(c, "state.waiting");

        t->restarts += rc;
        note_last_termination(c, &t->last_restart);
        if (sidecar) {
            t->sidecar_restarts += rc;
            note_last_termination(c, &t->sidecar_last_restart);
        }
        if (json_is_object(term) && iget(term, "exitCode") == 0)
            continue;
        if (sidecar && json_is_true(json_object_get(c, "started"))) {
            if (json_is_true(json_object_get(c, "ready")))
                t->ready++;
            continue;
        }
        if (json_is_object(term)) {
            const char *r = sget(term, "reason");
            if (*r)
                set_reason(reason, "Init:%s", r);
            else if (iget(term, "signal") != 0)
                set_reason(reason, "Init:Signal:%lld", (long long)iget(term, "signal"));
            else
                set_reason(reason, "Init:ExitCode:%lld", (long long)iget(term, "exitCode"));
        } else if (json_is_object(waiting) && *sget(waiting, "reason") &&
                   strcmp(sget(waiting, "reason"), "PodInitializing") != 0) {
            set_reason(reason, "Init:%s", sget(waiting, "reason"));
        } else {
            set_reason(reason, "Init:%zu/%zu", i, json_array_size(init_specs));
        }
        /* The first init container not done decides the status. */
        return true;
    }
    return false;
}

/* Walk regular container statuses (last to first, so the first container
 * with something to say wins) once initialisation is over. */
static void pod_container_status(json_t *pod, pod_tally *t, sbuf *reason)
{
    json_t *statuses = json_path(pod, "status.containerStatuses");
    bool has_running = false;

    t->restarts = t->sidecar_restarts;
    t->last_restart = t->sidecar_last_restart;
    for (size_t i = json_array_size(statuses); i-- > 0;) {
        json_t *c = json_array_get(statuses, i);
        json_t *term = json_path(c, "state.terminated");
        json_t *waiting = json_path(c, "state.waiting");

        t->restarts += iget(c, "restartCount");
        note_last_termination(c, &t->last_restart);
        if (json_is_object(waiting) && *sget(waiting, "reason")) {
            set_reason(reason, "%s", sget(waiting, "reason"));
        } else if (json_is_object(term) && *sget(term, "reason")) {
            set_reason(reason, "%s", sget(term, "reason"));
        } else if (json_is_object(term)) {
            if (iget(term, "signal") != 0)
                set_reason(reason, "Signal:%lld", (long long)iget(term, "signal"));
            else
                set_reason(reason, "ExitCode:%lld", (long long)iget(term, "exitCode"));
        } else if (json_is_true(json_object_get(c, "ready")) &&
                   json_is_object(json_path(c, "state.running"))) {
            has_running = true;
            t->ready++;
        }
    }
    /* A container that completed while another still runs is not the
     * whole story: show the pod as running (or not ready). */
    if (reason->buf && strcmp(reason->buf, "Completed") == 0 && has_running) {
        bool ready = condition_true(json_path(pod, "status.conditions"), "Ready", false);
        set_reason(reason, "%s", ready ? "Running" : "NotReady");
    }
}

/* "1/2" of readiness gates whose condition is True, or "<none>". */
static char *pod_readiness_gates(json_t *pod)
{
    json_t *gates = json_path(pod, "spec.readinessGates");
    json_t *conds = json_path(pod, "status.conditions");
    size_t n = json_array_size(gates), true_count = 0, i;
    json_t *g;

    if (n == 0)
        return xstrdup("<none>");
    json_array_foreach(gates, i, g)
    {
        if (condition_true(conds, sget(g, "conditionType"), true))
            true_count++;
    }
    return xasprintf("%zu/%zu", true_count, n);
}

/* The pod's primary IP as the internal type sees it: podIP wins when set,
 * else podIPs[0]; "<none>" when neither. */
static const char *pod_ip_cell(json_t *pod)
{
    const char *ip = sget(pod, "status.podIP");
    if (*ip)
        return ip;
    ip = json_string_value(
        json_object_get(json_array_get(json_path(pod, "status.podIPs"), 0), "ip"));
    return ip && *ip ? ip : "<none>";
}

static const char *or_none(const char *s)
{
    return *s ? s : "<none>";
}

static void row_pod(json_t *cells, json_t *pod, int64_t now)
{
    const char *phase = sget(pod, "status.phase");
    const char *status_reason = sget(pod, "status.reason");
    json_t *conds = json_path(pod, "status.conditions");
    json_t *init_specs = json_path(pod, "spec.initContainers");
    pod_tally t = {0, 0, 0, TS_ZERO, TS_ZERO};
    json_int_t total = (json_int_t)json_array_size(json_path(pod, "spec.containers"));
    bool initializing;
    sbuf reason;
    size_t i;
    json_t *c;

    sbuf_init(&reason);
    set_reason(&reason, "%s", *status_reason ? status_reason : phase);
    json_array_foreach(conds, i, c)
    {
        if (strcmp(sget(c, "type"), "PodScheduled") == 0 &&
            strcmp(sget(c, "reason"), "SchedulingGated") == 0)
            set_reason(&reason, "SchedulingGated");
    }
    /* Sidecars count as containers of the pod. */
    json_array_foreach(init_specs, i, c)
    {
        if (strcmp(sget(c, "restartPolicy"), "Always") == 0)
            total++;
    }

    initializing = pod_init_status(pod, &t, &reason);
    if (!initializing || condition_true(conds, "Initialized", true))
        pod_container_status(pod, &t, &reason);

    if (is_set(json_path(pod, "metadata.deletionTimestamp"))) {
        if (strcmp(status_reason, "NodeLost") == 0)
            set_reason(&reason, "Unknown");
        else if (strcmp(phase, "Succeeded") != 0 && strcmp(phase, "Failed") != 0)
            set_reason(&reason, "Terminating");
    }

    add_str(cells, sget(pod, "metadata.name"));
    add_owned(cells, xasprintf("%lld/%lld", (long long)t.ready, (long long)total));
    add_str(cells, reason.buf);
    if (t.restarts != 0 && t.last_restart != TS_ZERO) {
        char age[32];
        age_string(t.last_restart, now, age, sizeof age);
        add_owned(cells, xasprintf("%lld (%s ago)", (long long)t.restarts, age));
    } else {
        add_owned(cells, xasprintf("%lld", (long long)t.restarts));
    }
    add_creation_age(cells, pod, now);
    add_str(cells, pod_ip_cell(pod));
    add_str(cells, or_none(sget(pod, "spec.nodeName")));
    add_str(cells, or_none(sget(pod, "status.nominatedNodeName")));
    add_owned(cells, pod_readiness_gates(pod));
    sbuf_release(&reason);
}

/* ---- Node ---------------------------------------------------------------- */

/* "Ready" / "NotReady" from the last Ready condition, "Unknown" without
 * one, plus ",SchedulingDisabled" for a cordoned node. */
static char *node_status(json_t *node)
{
    json_t *conds = json_path(node, "status.conditions");
    json_t *ready = NULL;
    size_t i;
    json_t *c;
    const char *base = "Unknown";

    json_array_foreach(conds, i, c)
    {
        if (strcmp(sget(c, "type"), "Ready") == 0)
            ready = c;
    }
    if (ready)
        base = strcmp(sget(ready, "status"), "True") == 0 ? "Ready" : "NotReady";
    if (json_is_true(json_path(node, "spec.unschedulable")))
        return xasprintf("%s,SchedulingDisabled", base);
    return xstrdup(base);
}

/* Roles from node-role.kubernetes.io/<role> label keys and the value of
 * kubernetes.io/role, de-duplicated, sorted, joined by ","; "<none>". */
static char *node_roles(json_t *node)
{
    static const char prefix[] = "node-role.kubernetes.io/";
    json_t *labels = json_path(node, "metadata.labels");
    size_t n = 0, i;
    const char **roles = xcalloc(json_object_size(labels) + 1, sizeof *roles);
    const char *key;
    json_t *val;
    sbuf sb;

    sbuf_init(&sb);
    json_object_foreach(labels, key, val)
    {
        const char *v = json_string_value(val);
        if (strncmp(key, prefix, sizeof prefix - 1) == 0 && key[sizeof prefix - 1])
            roles[n++] = key + sizeof prefix - 1;
        else if (strcmp(key, "kubernetes.io/role") == 0 && v && *v)
            roles[n++] = v;
    }
    qsort(roles, n, sizeof *roles, cmp_str_ptr);
    for (i = 0; i < n; i++) {
        if (i > 0 && strcmp(roles[i], roles[i - 1]) == 0)
            continue;
        sbuf_printf(&sb, "%s%s", sb.len ? "," : "", roles[i]);
    }
    free(roles);
    if (sb.len == 0) {
        sbuf_release(&sb);
        return xstrdup("<none>");
    }
    return sbuf_detach(&sb, NULL);
}

/* First address of the given type, or "<none>". */
static const char *node_address(json_t *node, const char *type)
{
    json_t *addrs = json_path(node, "status.addresses");
    size_t i;
    json_t *a;

    json_array_foreach(addrs, i, a)
    {
        if (strcmp(sget(a, "type"), type) == 0)
            return sget(a, "address");
    }
    return "<none>";
}

static const char *or_unknown(const char *s)
{
    return *s ? s : "<unknown>";
}

static void row_node(json_t *cells, json_t *node, int64_t now)
{
    add_str(cells, sget(node, "metadata.name"));
    add_owned(cells, node_status(node));
    add_owned(cells, node_roles(node));
    add_creation_age(cells, node, now);
    add_str(cells, sget(node, "status.nodeInfo.kubeletVersion"));
    add_str(cells, node_address(node, "InternalIP"));
    add_str(cells, node_address(node, "ExternalIP"));
    add_str(cells, or_unknown(sget(node, "status.nodeInfo.osImage")));
    add_str(cells, or_unknown(sget(node, "status.nodeInfo.kernelVersion")));
    add_str(cells, or_unknown(sget(node, "status.nodeInfo.containerRuntimeVersion")));
}

/* ---- Namespace, Lease ------------------------------------------------------ */

static void row_namespace(json_t *cells, json_t *ns, int64_t now)
{
    add_str(cells, sget(ns, "metadata.name"));
    add_str(cells, sget(ns, "status.phase"));
    add_creation_age(cells, ns, now);
}

static void row_lease(json_t *cells, json_t *lease, int64_t now)
{
    add_str(cells, sget(lease, "metadata.name"));
    add_str(cells, sget(lease, "spec.holderIdentity"));
    add_creation_age(cells, lease, now);
}

/* ---- ServiceAccount, ReplicationController, ReplicaSet ---------------------- */

static void row_service_account(json_t *cells, json_t *sa, int64_t now)
{
    add_str(cells, sget(sa, "metadata.name"));
    add_int(cells, (json_int_t)json_array_size(json_object_get(sa, "secrets")));
    add_creation_age(cells, sa, now);
}

/* Replication controllers and replica sets share their columns. */
static void row_replicas(json_t *cells, json_t *obj, int64_t now)
{
    add_str(cells, sget(obj, "metadata.name"));
    add_int(cells, json_integer_value(json_path(obj, "spec.replicas")));
    add_int(cells, json_integer_value(json_path(obj, "status.replicas")));
    add_int(cells, json_integer_value(json_path(obj, "status.readyReplicas")));
    add_creation_age(cells, obj, now);
}

/* ---- ControllerRevision ---------------------------------------------------- */

/*
 * "daemonset.apps/nginx" from the controller owner reference: kind and
 * group of its apiVersion, lower-cased, then the name; "<none>" without a
 * controller.  An apiVersion with more than one "/" is invalid upstream (the
 * request fails); we print it as if it had no group rather than fail.
 */
static char *revision_controller(json_t *rev)
{
    json_t *owners = json_path(rev, "metadata.ownerReferences");
    json_t *ref = NULL;
    size_t i;
    json_t *r;
    const char *api_version, *kind, *name, *slash;
    sbuf sb;

    json_array_foreach(owners, i, r)
    {
        if (json_is_true(json_object_get(r, "controller"))) {
            ref = r;
            break;
        }
    }
    if (!ref)
        return xstrdup("<none>");
    api_version = sget(ref, "apiVersion");
    kind = sget(ref, "kind");
    name = sget(ref, "name");
    slash = strchr(api_version, '/');
    if (slash && strchr(slash + 1, '/'))
        slash = NULL;

    sbuf_init(&sb);
    sbuf_puts(&sb, kind);
    if (slash && slash > api_version)
        sbuf_printf(&sb, ".%.*s", (int)(slash - api_version), api_version);
    if (sb.len == 0) {
        /* No kind and no group: upstream prints the bare name. */
        sbuf_release(&sb);
        return xstrdup(name);
    }
    for (i = 0; i < sb.len; i++)
        sb.buf[i] = (char)tolower((unsigned char)sb.buf[i]);
    sbuf_printf(&sb, "/%s", name);
    return sbuf_detach(&sb, NULL);
}

static void row_controllerrevision(json_t *cells, json_t *rev, int64_t now)
{
    add_str(cells, sget(rev, "metadata.name"));
    add_owned(cells, revision_controller(rev));
    add_int(cells, iget(rev, "revision"));
    add_creation_age(cells, rev, now);
}

/* ---- Event ----------------------------------------------------------------- */

/* "component, host" with reportingComponent / reportingInstance standing
 * in for an empty source. */
static char *event_source(json_t *ev)
{
    const char *component = sget(ev, "source.component");
    const char *host = sget(ev, "source.host");

    if (!*component)
        component = sget(ev, "reportingComponent");
    if (!*host)
        host = sget(ev, "reportingInstance");
    if (!*host)
        return xstrdup(component);
    return xasprintf("%s, %s", component, host);
}

/* "kind/name" with the kind lower-cased; just the kind without a name. */
static char *event_object(json_t *ev)
{
    const char *name = sget(ev, "involvedObject.name");
    char *kind = xstrdup(sget(ev, "involvedObject.kind"));
    char *s;

    for (char *p = kind; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (!*name)
        return kind;
    s = xasprintf("%s/%s", kind, name);
    free(kind);
    return s;
}

/* Message with leading and trailing white space removed. */
static char *trimmed(const char *s)
{
    size_t n = strlen(s);

    while (*s && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

/*
 * First Seen is firstTimestamp, else eventTime; Last Seen is lastTimestamp,
 * else First Seen -- except that an event series reports its last
 * observation and count instead.  A count of 0 (events.k8s.io singletons)
 * shows as 1.
 */
static void row_event(json_t *cells, json_t *ev, int64_t now)
{
    char first[32], last[32];
    json_t *series = json_object_get(ev, "series");
    json_int_t count = iget(ev, "count");
    int64_t t;

    t = ts_value(json_object_get(ev, "firstTimestamp"));
    if (t == TS_ZERO)
        t = ts_value(json_object_get(ev, "eventTime"));
    age_string(t, now, first, sizeof first);

    t = ts_value(json_object_get(ev, "lastTimestamp"));
    if (t == TS_ZERO)
        snprintf(last, sizeof last, "%s", first);
    else
        age_string(t, now, last, sizeof last);

    if (json_is_object(series)) {
        age_string(ts_value(json_object_get(series, "lastObservedTime")), now, last, sizeof last);
        count = iget(series, "count");
    } else if (count == 0) {
        count = 1;
    }

    add_str(cells, last);
    add_str(cells, sget(ev, "type"));
    add_str(cells, sget(ev, "reason"));
    add_owned(cells, event_object(ev));
    add_str(cells, sget(ev, "involvedObject.fieldPath"));
    add_owned(cells, event_source(ev));
    add_owned(cells, trimmed(sget(ev, "message")));
    add_str(cells, first);
    add_int(cells, count);
    add_str(cells, sget(ev, "metadata.name"));
}

/* ---- Service --------------------------------------------------------------- */

/* Strings of a JSON array joined by ",", appended to sb. */
static void join_strings(sbuf *sb, json_t *arr)
{
    size_t i;
    json_t *v;

    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        sbuf_printf(sb, "%s%s", sb->len ? "," : "", s ? s : "");
    }
}

/* Load-balancer ingress IPs (or hostnames), de-duplicated and sorted,
 * appended to sb joined by ",". */
static void lb_ingress(sbuf *sb, json_t *svc)
{
    json_t *ingress = json_path(svc, "status.loadBalancer.ingress");
    size_t n = 0, i;
    const char **addrs = xcalloc(json_array_size(ingress) + 1, sizeof *addrs);
    json_t *in;

    json_array_foreach(ingress, i, in)
    {
        const char *ip = sget(in, "ip"), *host = sget(in, "hostname");
        if (*ip)
            addrs[n++] = ip;
        else if (*host)
            addrs[n++] = host;
    }
    qsort(addrs, n, sizeof *addrs, cmp_str_ptr);
    for (i = 0; i < n; i++) {
        if (i > 0 && strcmp(addrs[i], addrs[i - 1]) == 0)
            continue;
        sbuf_printf(sb, "%s%s", sb->len ? "," : "", addrs[i]);
    }
    free(addrs);
}

/* External-IP cell by service type, as the server prints it in wide mode
 * (so load-balancer addresses are never clipped). */
static char *service_external_ip(json_t *svc)
{
    const char *type = sget(svc, "spec.type");
    json_t *external = json_path(svc, "spec.externalIPs");
    sbuf sb;

    sbuf_init(&sb);
    if (strcmp(type, "ClusterIP") == 0 || strcmp(type, "NodePort") == 0) {
        join_strings(&sb, external);
        if (json_array_size(external) == 0)
            sbuf_puts(&sb, "<none>");
    } else if (strcmp(type, "LoadBalancer") == 0) {
        lb_ingress(&sb, svc);
        join_strings(&sb, external);
        if (sb.len == 0)
            sbuf_puts(&sb, "<pending>");
    } else if (strcmp(type, "ExternalName") == 0) {
        sbuf_puts(&sb, sget(svc, "spec.externalName"));
    } else {
        sbuf_puts(&sb, "<unknown>");
    }
    return sbuf_detach(&sb, NULL);
}

/* "80/TCP,443:30443/TCP", or "<none>". */
static char *service_ports(json_t *svc)
{
    json_t *ports = json_path(svc, "spec.ports");
    size_t i;
    json_t *p;
    sbuf sb;

    sbuf_init(&sb);
    json_array_foreach(ports, i, p)
    {
        json_int_t node_port = iget(p, "nodePort");
        if (i)
            sbuf_puts(&sb, ",");
        sbuf_printf(&sb, "%lld", (long long)iget(p, "port"));
        if (node_port > 0)
            sbuf_printf(&sb, ":%lld", (long long)node_port);
        sbuf_printf(&sb, "/%s", sget(p, "protocol"));
    }
    if (sb.len == 0)
        sbuf_puts(&sb, "<none>");
    return sbuf_detach(&sb, NULL);
}

static void row_service(json_t *cells, json_t *svc, int64_t now)
{
    /* clusterIP is authoritative over clusterIPs, as in v1 conversion. */
    const char *cluster_ip = sget(svc, "spec.clusterIP");
    if (!*cluster_ip) {
        const char *first = json_string_value(json_array_get(json_path(svc, "spec.clusterIPs"), 0));
        cluster_ip = first && *first ? first : "<none>";
    }

    add_str(cells, sget(svc, "metadata.name"));
    add_str(cells, sget(svc, "spec.type"));
    add_str(cells, cluster_ip);
    add_owned(cells, service_external_ip(svc));
    add_owned(cells, service_ports(svc));
    add_creation_age(cells, svc, now);
    add_owned(cells, format_labels(json_path(svc, "spec.selector")));
}

/* ---- kinds without a printer ------------------------------------------------ */

/* The generic apiserver table: name and creation time in RFC 3339 (the
 * zero time when unset, as Go formats it). */
static void row_default(json_t *cells, json_t *obj, int64_t now)
{
    char buf[32];
    int64_t t = ts_value(json_path(obj, "metadata.creationTimestamp"));

    (void)now;
    add_str(cells, sget(obj, "metadata.name"));
    if (t == TS_ZERO)
        snprintf(buf, sizeof buf, "0001-01-01T00:00:00Z");
    else
        time_format_rfc3339(t, buf, sizeof buf);
    add_str(cells, buf);
}

/* ---- column tables and dispatch ------------------------------------------ */

/* One metav1.TableColumnDefinition. */
typedef struct col_def {
    const char *name;        /* header kubectl shows, upper-cased */
    const char *type;        /* "string", "integer", "date" */
    const char *format;      /* "name" for the object-name column, else "" */
    const char *description; /* short help text */
    int priority;            /* 0 always shown, 1 only with -o wide */
} col_def;

#define D_NAME                                                                                     \
    "Name of the object; unique within its namespace, or the cluster for cluster-scoped kinds."
#define D_AGE "Time since the object was created (metadata.creationTimestamp)."
#define D_CONTAINERS "Names of the containers in the pod template."
#define D_IMAGES "Images of the containers in the pod template."

static const col_def daemonset_cols[] = {
    {"Name", "string", "name", D_NAME, 0},
    {"Desired", "integer", "", "Number of nodes that should run the daemon pod.", 0},
    {"Current", "integer", "", "Number of nodes running at least one daemon pod that should.", 0},
    {"Ready", "integer", "", "Number of nodes whose daemon pod is ready.", 0},
    {"Up-to-date", "integer", "", "Number of nodes running the current pod template.", 0},
    {"Available", "integer", "",
     "Number of nodes whose daemon pod has been ready for minReadySeconds.", 0},
    {"Node Selector", "string", "",
     "Node labels the pod template requires (spec.template.spec.nodeSelector).", 0},
    {"Age", "string", "", D_AGE, 0},
    {"Containers", "string", "", D_CONTAINERS, 1},
    {"Images", "string", "", D_IMAGES, 1},
    {"Selector", "string", "", "Label selector for the pods the DaemonSet owns.", 1},
};

static const col_def pod_cols[] = {
    {"Name", "string", "name", D_NAME, 0},
    {"Ready", "string", "", "Ready containers out of all containers of the pod.", 0},
    {"Status", "string", "", "Summary of the pod's phase and container states.", 0},
    {"Restarts", "string", "", "Container restarts, and how long ago the last one was.", 0},
    {"Age", "string", "", D_AGE, 0},
    {"IP", "string", "", "Primary IP address of the pod.", 1},
    {"Node", "string", "", "Node the pod is bound to.", 1},
    {"Nominated Node", "string", "", "Node the scheduler nominated for a preempting pod.", 1},
    {"Readiness Gates", "string", "", "Readiness gates whose condition is True, out of all gates.",
     1},
};

static const col_def node_cols[] = {
    {"Name", "string", "name", D_NAME, 0},
    {"Status", "string", "", "Readiness of the node, and whether scheduling is disabled.", 0},
    {"Roles", "string", "", "Roles taken from the node's role labels.", 0},
    {"Age", "string", "", D_AGE, 0},
    {"Version", "string", "", "Kubelet version reported by the node.", 0},
    {"Internal-IP", "string", "", "First InternalIP address of the node.", 1},
    {"External-IP", "string", "", "First ExternalIP address of the node.", 1},
    {"OS-Image", "string", "", "Operating system image reported by the node.", 1},
    {"Kernel-Version", "string", "", "Kernel version reported by the node.", 1},
    {"Container-Runtime", "string", "", "Container runtime and version reported by the node.", 1},
};

static const col_def namespace_cols[] = {
    {"Name", "string", "name", D_NAME, 0},
    {"Status", "string", "", "Lifecycle phase of the namespace.", 0},
    {"Age", "string", "", D_AGE, 0},
};

/* Revision is an integer cell under a "string" column, as upstream. */
static const col_def controllerrevision_cols[] = {
    {"Name", "string", "name", D_NAME, 0},
    {"Controller", "string", "", "Object that controls this revision.", 0},
    {"Revision", "string", "", "Revision number of the stored state.", 0},
    {"Age", "string", "", D_AGE, 0},
};

/* Count is an integer cell under a "string" column, as upstream. */
static const col_def event_cols[] = {
    {"Last Seen", "string", "", "Time since the event was last observed.", 0},
    {"Type", "string", "", "Type of the event (Normal, Warning).", 0},
    {"Reason", "string", "", "Short machine-readable reason for the event.", 0},
    {"Object", "string", "", "Object the event is about.", 0},
    {"Subobject", "string", "", "Part of the object the event is about.", 1},
    {"Source", "string", "", "Component (and host) that reported the event.", 1},
    {"Message", "string", "", "Human-readable description of the event.", 0},
    {"First Seen", "string", "", "Time since the event was first observed.", 1},
    {"Count", "string", "", "Number of times the event occurred.", 1},
    {"Name", "string", "name", D_NAME, 1},
};

static const col_def lease_cols[] = {
    {"Name", "string", "name", D_NAME, 0},
    {"Holder", "string", "", "Identity of the current holder of the lease.", 0},
    {"Age", "string", "", D_AGE, 0},
};

static const col_def service_account_cols[] = {
    {"Name", "string", "name", D_NAME, 0},
    {"Secrets", "integer", "", "Number of secrets the service account references.", 0},
    {"Age", "string", "", D_AGE, 0},
};

static const col_def replicas_cols[] = {
    {"Name", "string", "name", D_NAME, 0},
    {"Desired", "integer", "", "Number of desired replicas.", 0},
    {"Current", "integer", "", "Number of actual replicas.", 0},
    {"Ready", "integer", "", "Number of ready replicas.", 0},
    {"Age", "string", "", D_AGE, 0},
};

static const col_def service_cols[] = {
    {"Name", "string", "name", D_NAME, 0},
    {"Type", "string", "", "How the service is exposed.", 0},
    {"Cluster-IP", "string", "", "Virtual IP of the service inside the cluster.", 0},
    {"External-IP", "string", "", "Addresses the service is reachable at from outside.", 0},
    {"Port(s)", "string", "", "Ports the service exposes.", 0},
    {"Age", "string", "", D_AGE, 0},
    {"Selector", "string", "", "Labels of the pods the service routes to.", 1},
};

static const col_def default_cols[] = {
    {"Name", "string", "name", D_NAME, 0},
    {"Created At", "date", "", "Time the object was created (metadata.creationTimestamp).", 0},
};

/* Fills the cells of one row; must append exactly one cell per column. */
typedef void (*row_fn)(json_t *cells, json_t *obj, int64_t now);

/* Printer for one kind. */
typedef struct printer {
    const char *group;   /* API group, "" for core */
    const char *kind;    /* kind name */
    const col_def *cols; /* column definitions */
    size_t ncols;        /* entries in cols */
    row_fn row;          /* cell computation */
} printer;

static const printer printers[] = {
    {"apps", "DaemonSet", daemonset_cols, NELEM(daemonset_cols), row_daemonset},
    {"", "Pod", pod_cols, NELEM(pod_cols), row_pod},
    {"", "Node", node_cols, NELEM(node_cols), row_node},
    {"", "Namespace", namespace_cols, NELEM(namespace_cols), row_namespace},
    {"apps", "ControllerRevision", controllerrevision_cols, NELEM(controllerrevision_cols),
     row_controllerrevision},
    {"", "Event", event_cols, NELEM(event_cols), row_event},
    {"coordination.k8s.io", "Lease", lease_cols, NELEM(lease_cols), row_lease},
    {"", "Service", service_cols, NELEM(service_cols), row_service},
    {"", "ServiceAccount", service_account_cols, NELEM(service_account_cols),
     row_service_account},
    {"", "ReplicationController", replicas_cols, NELEM(replicas_cols), row_replicas},
    {"apps", "ReplicaSet", replicas_cols, NELEM(replicas_cols), row_replicas},
};

static const printer default_printer = {"", "", default_cols, NELEM(default_cols), row_default};

static const printer *printer_for(const kind_info *k)
{
    if (!k || !k->group || !k->kind)
        return &default_printer;
    for (size_t i = 0; i < NELEM(printers); i++) {
        if (strcmp(printers[i].group, k->group) == 0 && strcmp(printers[i].kind, k->kind) == 0)
            return &printers[i];
    }
    return &default_printer;
}

json_t *types_table_columns(const kind_info *k)
{
    const printer *p = printer_for(k);
    json_t *cols = json_array();

    if (!cols)
        en_fatal("table: out of memory");
    for (size_t i = 0; i < p->ncols; i++) {
        const col_def *c = &p->cols[i];
        json_t *def = json_object();
        /* Insertion order is the order clients see (json_dump_ordered). */
        if (!def || json_object_set_new(def, "name", json_string(c->name)) ||
            json_object_set_new(def, "type", json_string(c->type)) ||
            json_object_set_new(def, "format", json_string(c->format)) ||
            json_object_set_new(def, "description", json_string(c->description)) ||
            json_object_set_new(def, "priority", json_integer(c->priority)) ||
            json_array_append_new(cols, def))
            en_fatal("table: out of memory");
    }
    return cols;
}

json_t *types_table_cells(const kind_info *k, json_t *obj, int64_t now)
{
    const printer *p = printer_for(k);
    json_t *cells = json_array();

    if (!cells)
        en_fatal("table: out of memory");
    p->row(cells, obj, now);
    /* Row functions and column tables are written together; a mismatch
     * would shift every column kubectl prints. */
    if (json_array_size(cells) != p->ncols)
        en_fatal("table: %s printer produced %zu cells for %zu columns", p->kind,
                 json_array_size(cells), p->ncols);
    return cells;
}
