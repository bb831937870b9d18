/*
 * node.c -- core/v1 NodeSelector matching for node affinity, following
 * k8s.io/component-helpers/scheduling/corev1/nodeaffinity.
 *
 * Terms are ORed; within a term the label requirements (matchExpressions,
 * compiled with label.c's requirement constructor so that errors read as
 * upstream's) and the field requirements (matchFields, only metadata.name
 * has a value) are ANDed.  Like upstream's lazy selector used by the
 * scheduler and the DaemonSet controller, a term that fails to compile is
 * skipped and its errors are only reported when no other term matched.
 * JSON of the wrong shape (a string where a list belongs) is reported at
 * once: upstream would not even have decoded such an object.
 */
#include "selector/selector_int.h"

#include <stdlib.h>
#include <string.h>

#define OPS_SUPPORTED "\"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", \"Gt\", \"Lt\""
#define FIELD_OPS_SUPPORTED "\"In\", \"NotIn\""

static void shape_error(selector__errs *e, const char *path, json_t *v, const char *what)
{
    char *repr = json_dump_compact(v, NULL);
    selector__errs_add(e, xasprintf("%s: Invalid value: %s: %s", path, repr, what));
    free(repr);
}

static bool is_absent(json_t *v)
{
    return !v || json_is_null(v);
}

/* Shape of one requirement list (matchExpressions or matchFields). */
static void check_req_list(selector__errs *e, const char *path, json_t *list)
{
    size_t i, j;
    json_t *r, *v;

    if (is_absent(list))
        return;
    if (!json_is_array(list)) {
        shape_error(e, path, list, "must be a list");
        return;
    }
    json_array_foreach(list, i, r)
    {
        char *rp = selector__path_index(path, i);
        json_t *key = json_object_get(r, "key"), *op = json_object_get(r, "operator");
        json_t *vals = json_object_get(r, "values");

        if (!json_is_object(r)) {
            shape_error(e, rp, r, "must be an object");
        } else if (!is_absent(key) && !json_is_string(key)) {
            shape_error(e, rp, key, "key must be a string");
        } else if (!is_absent(op) && !json_is_string(op)) {
            shape_error(e, rp, op, "operator must be a string");
        } else if (!is_absent(vals) && !json_is_array(vals)) {
            shape_error(e, rp, vals, "values must be a list of strings");
        } else {
            json_array_foreach(vals, j, v)
            {
                if (!json_is_string(v)) {
                    shape_error(e, rp, v, "values must be strings");
                    break;
                }
            }
        }
        free(rp);
    }
}

static void check_shape(selector__errs *e, json_t *terms)
{
    size_t i;
    json_t *t;

    json_array_foreach(terms, i, t)
    {
        char *tp = xasprintf("nodeSelectorTerms[%zu]", i);
        if (!json_is_object(t)) {
            shape_error(e, tp, t, "must be an object");
        } else {
            char *p1 = selector__path_child(tp, "matchExpressions");
            char *p2 = selector__path_child(tp, "matchFields");
            check_req_list(e, p1, json_object_get(t, "matchExpressions"));
            check_req_list(e, p2, json_object_get(t, "matchFields"));
            free(p1);
            free(p2);
        }
        free(tp);
    }
}

/* Borrowed string values of a requirement's "values" (shape already
 * checked).  Returns the count; *vals is a new array of borrowed pointers. */
static size_t borrowed_values(json_t *req, const char ***vals, bool *is_nil)
{
    json_t *jv = json_object_get(req, "values"), *v;
    size_t n = json_array_size(jv), i;

    *is_nil = is_absent(jv);
    *vals = n ? xcalloc(n, sizeof **vals) : NULL;
    json_array_foreach(jv, i, v)
    {
        (*vals)[i] = json_string_value(v);
    }
    return n;
}

static const char *str_or_empty(json_t *v)
{
    return json_is_string(v) ? json_string_value(v) : "";
}

static bool node_op(const char *name, enum lsel_op *op)
{
    static const struct {
        const char *name;
        enum lsel_op op;
    } ops[] = {
        {"In", LSEL_OP_IN},         {"NotIn", LSEL_OP_NOTIN},
        {"Exists", LSEL_OP_EXISTS}, {"DoesNotExist", LSEL_OP_NOTEXISTS},
        {"Gt", LSEL_OP_GT},         {"Lt", LSEL_OP_LT},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (strcmp(name, ops[i].name) == 0) {
            *op = ops[i].op;
            return true;
        }
    }
    return false;
}

static void unsupported(selector__errs *e, const char *path, const char *val, const char *supported)
{
    sbuf q;

    sbuf_init(&q);
    selector__go_quote(&q, val);
    selector__errs_add(
        e, xasprintf("%s: Unsupported value: %s: supported values: %s", path, q.buf, supported));
    sbuf_release(&q);
}

/*
 * Compile and evaluate one term.  Returns true when it matches; compile
 * errors go to e (and the term does not match).
 */
static bool term_matches(json_t *term, size_t ti, json_t *labels, const char *node_name,
                         selector__errs *e)
{
    json_t *exprs = json_object_get(term, "matchExpressions");
    json_t *fields = json_object_get(term, "matchFields");
    struct lsel_req *reqs = NULL;
    size_t nreqs = 0, i;
    selector__errs te = {0};
    bool match = false;
    json_t *r;

    reqs = json_array_size(exprs) ? xcalloc(json_array_size(exprs), sizeof *reqs) : NULL;
    json_array_foreach(exprs, i, r)
    {
        char *rp = xasprintf("nodeSelectorTerms[%zu].matchExpressions[%zu]", ti, i);
        const char *opname = str_or_empty(json_object_get(r, "operator"));
        const char **vals;
        bool is_nil;
        size_t nvals = borrowed_values(r, &vals, &is_nil);
        enum lsel_op op;

        if (!node_op(opname, &op)) {
            char *op_path = selector__path_child(rp, "operator");
            unsupported(&te, op_path, opname, OPS_SUPPORTED);
            free(op_path);
        } else if (selector__new_requirement(rp, str_or_empty(json_object_get(r, "key")), op,
                                             (char *const *)vals, nvals, is_nil, &te,
                                             &reqs[nreqs]) == 0) {
            nreqs++;
        }
        free(vals);
        free(rp);
    }
    json_array_foreach(fields, i, r)
    {
        char *rp = xasprintf("nodeSelectorTerms[%zu].matchFields[%zu]", ti, i);
        const char *opname = str_or_empty(json_object_get(r, "operator"));
        const char **vals;
        bool is_nil;
        size_t nvals = borrowed_values(r, &vals, &is_nil);

        if (strcmp(opname, "In") != 0 && strcmp(opname, "NotIn") != 0) {
            char *op_path = selector__path_child(rp, "operator");
            unsupported(&te, op_path, opname, FIELD_OPS_SUPPORTED);
            free(op_path);
        } else if (nvals != 1) {
            char *vp = selector__path_child(rp, "values");
            sbuf repr;
            sbuf_init(&repr);
            selector__go_strings(&repr, (char *const *)vals, nvals, is_nil);
            selector__errs_invalid(&te, vp, repr.buf, "must have one element");
            sbuf_release(&repr);
            free(vp);
        }
        free(vals);
        free(rp);
    }

    if (te.n) {
        for (i = 0; i < te.n; i++) {
            selector__errs_add(e, te.msgs[i]);
            te.msgs[i] = NULL;
        }
        goto out_free_reqs;
    }

    match = true;
    for (i = 0; match && i < nreqs; i++)
        match = selector__req_matches(&reqs[i], labels);
    /* Upstream has no fields to compare for a node without a name and then
     * skips matchFields entirely. */
    if (match && node_name && *node_name) {
        json_array_foreach(fields, i, r)
        {
            const char *key = str_or_empty(json_object_get(r, "key"));
            const char *want = json_string_value(json_array_get(json_object_get(r, "values"), 0));
            const char *have = strcmp(key, "metadata.name") == 0 ? node_name : "";
            bool eq = strcmp(have, want) == 0;
            bool is_in = strcmp(str_or_empty(json_object_get(r, "operator")), "In") == 0;
            if (eq != is_in) {
                match = false;
                break;
            }
        }
    }

out_free_reqs:
    for (i = 0; i < nreqs; i++)
        selector__req_release(&reqs[i]);
    free(reqs);
    free(te.msgs);
    return match;
}

int nsel_matches(json_t *node_selector, json_t *labels, const char *node_name, bool *match,
                 char **err)
{
    selector__errs e = {0};
    json_t *terms, *t;
    size_t i;
    int rc = 0;

    *match = false;
    if (err)
        *err = NULL;
    if (is_absent(node_selector)) {
        *match = true;
        return 0;
    }
    if (!json_is_object(node_selector)) {
        shape_error(&e, "nodeSelector", node_selector, "must be an object");
        goto out_fail;
    }
    terms = json_object_get(node_selector, "nodeSelectorTerms");
    if (is_absent(terms))
        return 0;
    if (!json_is_array(terms)) {
        shape_error(&e, "nodeSelectorTerms", terms, "must be a list");
        goto out_fail;
    }
    check_shape(&e, terms);
    if (e.n)
        goto out_fail;

    json_array_foreach(terms, i, t)
    {
        /* A term without requirements selects nothing. */
        if (json_array_size(json_object_get(t, "matchExpressions")) == 0 &&
            json_array_size(json_object_get(t, "matchFields")) == 0)
            continue;
        if (term_matches(t, i, labels, node_name, &e)) {
            *match = true;
            selector__errs_release(&e);
            return 0;
        }
    }
    if (!e.n)
        return 0;

out_fail:
    rc = EN_INVALID;
    if (err)
        *err = selector__errs_join(&e);
    selector__errs_release(&e);
    return rc;
}
