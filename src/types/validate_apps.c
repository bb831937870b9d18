/*
 * validate_apps.c -- validation of apps/v1 DaemonSet and ControllerRevision
 * as pkg/apis/apps/validation and the DaemonSet registry strategy do it:
 * selector against template labels, update strategy and its intstr
 * fields, status counters, selector and revision data immutability.
 *
 * Bad values print the way field.Error prints the Go values involved, so
 * maps and structs appear in %#v form (map[string]string{...},
 * v1.LabelSelector{...}, intstr.IntOrString{...}).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types/types_int.h"

static const char *const restart_always[] = {"Always", NULL};
static const char *const ds_strategies[] = {"RollingUpdate", "OnDelete", NULL};

/* %#v of an intstr.IntOrString held in JSON as a number or a string. */
static char *go_intstr(json_t *v)
{
    if (json_is_string(v)) {
        char *q = types__go_quote(json_string_value(v));
        char *r = xasprintf("intstr.IntOrString{Type:1, IntVal:0, StrVal:%s}", q);
        free(q);
        return r;
    }
    return xasprintf("intstr.IntOrString{Type:0, IntVal:%lld, StrVal:\"\"}",
                     (long long)json_integer_value(v));
}

/* IsValidPercent then Atoi of the number: getIntOrPercentValue(). */
static long long intstr_value(json_t *v, bool *is_percent)
{
    types_msgs m;
    const char *s;
    long long n = 0;

    *is_percent = false;
    if (!json_is_string(v))
        return json_integer_value(v);
    s = json_string_value(v);
    types__msgs_init(&m);
    if (types__percent(s, &m) == 0) {
        *is_percent = true;
        return strtoll(s, NULL, 10);
    }
    /* strconv.Atoi: an optional sign and digits only, else 0. */
    const char *p = s + (*s == '-' || *s == '+');
    if (!*p)
        return 0;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return 0;
    n = strtoll(s, NULL, 10);
    return n;
}

/* ValidatePositiveIntOrPercent + IsNotMoreThan100Percent for one field. */
static void validate_intstr(vctx *v, json_t *ru, const char *key, json_t **out)
{
    json_t *val = json_object_get(ru, key);
    types_msgs m;
    bool pct;

    *out = NULL;
    if (!val || json_is_null(val))
        val = NULL;
    if (val && !json_is_string(val) && !json_is_integer(val)) {
        types__v_invalid_json(v, key, val, "must be an integer or percentage (e.g '5%%')");
        return;
    }
    *out = val;
    if (!val)
        return;
    if (json_is_string(val)) {
        types__msgs_init(&m);
        types__percent(json_string_value(val), &m);
        for (size_t i = 0; i < m.n; i++) {
            char *r = go_intstr(val);
            types__v_invalid_raw(v, key, r, m.msg[i]);
            free(r);
        }
    } else if (json_integer_value(val) < 0) {
        types__v_invalid_int(v, key, json_integer_value(val), "must be greater than or equal to 0");
    }
    if (intstr_value(val, &pct) > 100 && pct) {
        char *r = go_intstr(val);
        types__v_invalid_raw(v, key, r, "must not be greater than 100%");
        free(r);
    }
}

static void validate_rolling_update(vctx *v, json_t *ru)
{
    json_t *mu, *ms;
    bool pct;
    long long u, s;

    validate_intstr(v, ru, "maxUnavailable", &mu);
    validate_intstr(v, ru, "maxSurge", &ms);
    u = mu ? intstr_value(mu, &pct) : 0;
    s = ms ? intstr_value(ms, &pct) : 0;
    if (u != 0 && s != 0) {
        char *r = go_intstr(ms);
        types__v_invalid_raw(v, "maxSurge", r, "may not be set when maxUnavailable is non-zero");
        free(r);
    } else if (u == 0 && s == 0) {
        types__v_required(v, "maxUnavailable", "cannot be 0 when maxSurge is 0");
    }
}

static void validate_update_strategy(vctx *v, json_t *spec)
{
    json_t *us = types__v_obj(v, spec, "updateStrategy"), *ru, *tm;
    const char *type;
    size_t mark = types__v_push(v, "updateStrategy");

    tm = us ? json_object_get(us, "type") : NULL;
    type = types__v_str(v, us, "type");
    ru = types__v_obj(v, us, "rollingUpdate");
    if (tm && !json_is_null(tm) && !type) {
        /* wrong JSON type, already reported */
    } else if (type && strcmp(type, "OnDelete") == 0) {
        /* nothing more to check */
    } else if (type && strcmp(type, "RollingUpdate") == 0) {
        if (!ru) {
            types__v_required(v, "rollingUpdate", "");
        } else {
            size_t rm = types__v_push(v, "rollingUpdate");
            validate_rolling_update(v, ru);
            types__v_pop(v, rm);
        }
    } else {
        /* The bad value is the whole strategy struct, printed with %#v. */
        char *q = types__go_quote(type ? type : "");
        char *raw = xasprintf("apps.DaemonSetUpdateStrategy{Type:%s, RollingUpdate:%s}", q,
                              ru ? "(*apps.RollingUpdateDaemonSet)(0xc000000000)"
                                 : "(*apps.RollingUpdateDaemonSet)(nil)");
        types__v_notsupported_raw(v, NULL, raw, ds_strategies);
        free(raw);
        free(q);
    }
    types__v_pop(v, mark);
}

static void validate_ds_spec(vctx *v, json_t *spec, json_t *old_spec)
{
    json_t *sel, *tmpl, *tmeta, *tspec, *labels;
    size_t mark = types__v_push(v, "spec");
    bool ok, strict = true;
    int64_t x;

    sel = types__v_obj(v, spec, "selector");
    tmpl = types__v_obj(v, spec, "template");
    tmeta = tmpl ? json_object_get(tmpl, "metadata") : NULL;
    labels = json_is_object(tmeta) ? json_object_get(tmeta, "labels") : NULL;
    if (labels && !json_is_object(labels))
        labels = NULL;
    /* An update may keep label values an older server accepted. */
    if (old_spec) {
        json_t *osel = json_object_get(old_spec, "selector");
        vctx probe;
        types__v_init(&probe);
        types__validate_label_selector(&probe, osel, true);
        strict = types__v_count(&probe) == 0;
        types__v_release(&probe);
    }
    if (sel) {
        size_t sm = types__v_push(v, "selector");
        types__validate_label_selector(v, sel, strict);
        types__v_pop(v, sm);
    }
    if (!types__selector_matches(sel, labels, &ok) && ok) {
        char *raw = types__go_strmap(labels);
        types__v_invalid_raw(v, "template.metadata.labels", raw,
                             "`selector` does not match template `labels`");
        free(raw);
    }
    if (sel && json_object_size(json_is_object(json_object_get(sel, "matchLabels"))
                                    ? json_object_get(sel, "matchLabels")
                                    : NULL) +
                       json_array_size(json_object_get(sel, "matchExpressions")) ==
                   0) {
        char *raw = types__go_label_selector(sel);
        types__v_invalid_raw(v, "selector", raw, "empty selector is invalid for daemonset");
        free(raw);
    }
    size_t tm = types__v_push(v, "template");
    types__validate_pod_template(v, tmpl);
    types__v_pop(v, tm);
    tspec = tmpl ? json_object_get(tmpl, "spec") : NULL;
    if (json_is_object(tspec)) {
        json_t *rp = json_object_get(tspec, "restartPolicy");
        if (json_is_string(rp) && strcmp(json_string_value(rp), "Always") != 0)
            types__v_notsupported_str(v, "template.spec.restartPolicy", json_string_value(rp),
                                      restart_always);
        json_t *ads = json_object_get(tspec, "activeDeadlineSeconds");
        if (ads && !json_is_null(ads))
            types__v_forbidden(v, "template.spec.activeDeadlineSeconds",
                               "activeDeadlineSeconds in DaemonSet is not Supported");
    }
    types__validate_nonneg(v, spec, "minReadySeconds");
    validate_update_strategy(v, spec);
    if (types__v_int32(v, spec, "revisionHistoryLimit", &x) && x < 0)
        types__v_invalid_int(v, "revisionHistoryLimit", x, "must be greater than or equal to 0");
    types__v_pop(v, mark);
}

static void validate_ds_status(vctx *v, json_t *obj, json_t *old)
{
    static const char *const counters[] = {"currentNumberScheduled", "numberMisscheduled",
                                           "desiredNumberScheduled", "numberReady",
                                           "observedGeneration",     "updatedNumberScheduled",
                                           "numberAvailable",        "numberUnavailable",
                                           "collisionCount",         NULL};
    json_t *status = types__v_obj(v, obj, "status"), *conds;
    json_t *ostatus = old ? json_object_get(old, "status") : NULL;
    size_t mark = types__v_push(v, "status");

    for (size_t i = 0; counters[i]; i++)
        types__validate_nonneg(v, status, counters[i]);
    conds = types__v_arr(v, status, "conditions");
    size_t cm = types__v_push(v, "conditions");
    for (size_t i = 0; i < json_array_size(conds); i++)
        types__v_elem_obj(v, conds, i);
    types__v_pop(v, cm);
    if (old) {
        json_t *cc = json_object_get(status, "collisionCount");
        json_t *occ = json_object_get(ostatus, "collisionCount");
        if (json_is_integer(occ) &&
            (!json_is_integer(cc) || json_integer_value(cc) < json_integer_value(occ)))
            types__v_invalid_int(v, "collisionCount",
                                 json_is_integer(cc) ? json_integer_value(cc) : 0,
                                 "cannot be decremented");
    }
    types__v_pop(v, mark);
}

void types__validate_daemonset(vctx *v, json_t *obj, json_t *old, bool status_only)
{
    json_t *spec, *empty = json_object();

    if (status_only && old) {
        types__validate_meta_update(v, obj, old);
        validate_ds_status(v, obj, old);
        goto out_free_empty;
    }
    types__validate_meta(v, obj, true, types__name_subdomain);
    if (old)
        types__validate_meta_update(v, obj, old);
    spec = json_object_get(obj, "spec");
    if (spec && !json_is_null(spec) && !json_is_object(spec)) {
        types__v_invalid_json(v, "spec", spec, "must be of type object");
        goto out_free_empty;
    }
    json_t *old_spec = old ? json_object_get(old, "spec") : NULL;
    validate_ds_spec(v, json_is_object(spec) ? spec : empty,
                     json_is_object(old_spec) ? old_spec : NULL);
    if (old && json_is_object(old_spec)) {
        json_t *sel = json_is_object(spec) ? json_object_get(spec, "selector") : NULL;
        json_t *osel = json_object_get(old_spec, "selector");
        if (!types__semantic_equal(sel, osel)) {
            char *raw = types__go_label_selector(sel);
            types__v_invalid_raw(v, "spec.selector", raw, "field is immutable");
            free(raw);
        }
    }
out_free_empty:
    json_decref(empty);
}

void types__validate_controller_revision(vctx *v, json_t *obj, json_t *old)
{
    json_t *data = json_object_get(obj, "data");
    int64_t rev;

    types__validate_meta(v, obj, true, types__name_subdomain);
    if (old)
        types__validate_meta_update(v, obj, old);
    if (!data || json_is_null(data))
        types__v_required(v, "data", "data is mandatory");
    if (types__v_int(v, obj, "revision", &rev) && rev < 0)
        types__v_invalid_int(v, "revision", rev, "must be greater than or equal to 0");
    if (old &&
        !json_equal(data ? data : json_null(),
                    json_object_get(old, "data") ? json_object_get(old, "data") : json_null())) {
        if (data && !json_is_null(data))
            types__v_invalid_json(v, "data", data, "field is immutable");
        else
            types__v_invalid_null(v, "data", "field is immutable");
    }
}
