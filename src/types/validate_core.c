/*
 * validate_core.c -- validation of the core/v1 kinds: Pod (create, update,
 * status update), Node, Namespace, Event and Service, as
 * pkg/apis/core/validation and the core registry strategies do it.
 *
 * The pod spec itself is checked by validate_podspec.c; this file adds
 * what only pods have (pod-specific annotations, image whitespace, the
 * rules for which spec fields an update may change, status transitions)
 * and the smaller kinds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types/types_int.h"

#define MIRROR_ANNOTATION "kubernetes.io/config.mirror"
#define DELETION_COST_ANNOTATION "controller.kubernetes.io/pod-deletion-cost"
#define APPARMOR_PREFIX "container.apparmor.security.beta.kubernetes.io/"
#define IP_MSG "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
#define CIDR_MSG "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"

static const char *const taint_effects[] = {"NoSchedule", "PreferNoSchedule", "NoExecute", NULL};

static json_t *member(json_t *o, const char *key)
{
    json_t *m = json_is_object(o) ? json_object_get(o, key) : NULL;
    return json_is_null(m) ? NULL : m;
}

static const char *str_at(json_t *o, const char *key)
{
    return json_string_value(member(o, key));
}

/* ---- pods -------------------------------------------------------------- */

static bool pod_has_container(json_t *spec, const char *name)
{
    static const char *const lists[] = {"containers", "initContainers", "ephemeralContainers"};
    json_t *c;
    size_t i;
    for (size_t l = 0; l < 3; l++)
        json_array_foreach(member(spec, lists[l]), i, c)
        {
            const char *n = str_at(c, "name");
            if (n && strcmp(n, name) == 0)
                return true;
        }
    return false;
}

/* ValidatePodSpecificAnnotations, at metadata.annotations. */
static void validate_pod_annotations(vctx *v, json_t *ann, json_t *spec)
{
    const char *k;
    json_t *val;
    size_t mark = types__v_push(v, "metadata");

    types__v_push(v, "annotations");
    json_object_foreach(ann, k, val)
    {
        const char *s = json_string_value(val);
        if (!s)
            continue;
        size_t km = types__v_push_key(v, k);
        if (!strcmp(k, MIRROR_ANNOTATION)) {
            const char *node = str_at(spec, "nodeName");
            if (!node || !*node)
                types__v_invalid_str(v, NULL, s,
                                     "must set spec.nodeName if mirror pod annotation "
                                     "is set");
        } else if (!strcmp(k, DELETION_COST_ANNOTATION)) {
            /* strconv.ParseInt(s, 10, 32) on text without surrounding space. */
            char *end;
            long long n = strtoll(s, &end, 10);
            bool ok = *s && *end == '\0' && n >= INT32_MIN && n <= INT32_MAX && s[0] != ' ' &&
                      s[0] != '\t' && s[0] != '\n';
            if (!ok)
                types__v_invalid_str(v, NULL, s, "must be a 32bit integer");
        } else if (!strncmp(k, APPARMOR_PREFIX, strlen(APPARMOR_PREFIX))) {
            const char *cname = k + strlen(APPARMOR_PREFIX);
            if (!pod_has_container(spec, cname))
                types__v_invalid_str(v, NULL, cname, "container not found");
            if (*s && strcmp(s, "runtime/default") && strcmp(s, "unconfined") &&
                strncmp(s, "localhost/", 10)) {
                char *q = types__go_quote(s);
                char *d = xasprintf("invalid AppArmor profile name: %s", q);
                types__v_invalid_str(v, NULL, s, d);
                free(d);
                free(q);
            }
        }
        types__v_pop(v, km);
    }
    types__v_pop(v, mark);
}

/* Changes to annotations only the system may make. */
static void validate_pod_annotation_updates(vctx *v, json_t *ann, json_t *oann)
{
    const char *k;
    json_t *ov, *nv;
    size_t mark = types__v_push(v, "metadata");

    types__v_push(v, "annotations");
    json_object_foreach(oann, k, ov)
    {
        nv = member(ann, k);
        if (nv && json_equal(nv, ov))
            continue;
        size_t km = types__v_push_key(v, k);
        if (!strncmp(k, APPARMOR_PREFIX, strlen(APPARMOR_PREFIX)))
            types__v_forbidden(v, NULL, "may not remove or update AppArmor annotations");
        if (!strcmp(k, MIRROR_ANNOTATION))
            types__v_forbidden(v, NULL, "may not remove or update mirror pod annotation");
        types__v_pop(v, km);
    }
    json_object_foreach(ann, k, nv)
    {
        if (json_object_get(json_is_object(oann) ? oann : NULL, k))
            continue;
        size_t km = types__v_push_key(v, k);
        if (!strncmp(k, APPARMOR_PREFIX, strlen(APPARMOR_PREFIX)))
            types__v_forbidden(v, NULL, "may not add AppArmor annotations");
        if (!strcmp(k, MIRROR_ANNOTATION))
            types__v_forbidden(v, NULL, "may not add mirror pod annotation");
        types__v_pop(v, km);
    }
    types__v_pop(v, mark);
}

/* validatePodMetadataAndSpec: what pods and their updates share. */
static void validate_pod_meta_and_spec(vctx *v, json_t *obj, json_t *spec)
{
    static const char *const lists[] = {"containers", "initContainers"};
    json_t *ann, *vols, *vol, *c;
    size_t i, mark;

    types__validate_meta(v, obj, true, types__name_subdomain);
    ann = member(member(obj, "metadata"), "annotations");
    if (json_is_object(ann))
        validate_pod_annotations(v, ann, spec);
    mark = types__v_push(v, "spec");
    types__validate_pod_spec(v, spec, true);
    /* Projected service account tokens need an account to project. */
    const char *sa = str_at(spec, "serviceAccountName");
    if (!sa || !*sa) {
        vols = member(spec, "volumes");
        json_array_foreach(vols, i, vol)
        {
            json_t *srcs = member(member(vol, "projected"), "sources"), *src;
            size_t j;
            json_array_foreach(srcs, j, src)
            {
                if (!member(src, "serviceAccountToken"))
                    continue;
                size_t vm = types__v_push(v, "volumes");
                types__v_push_index(v, i);
                types__v_push(v, "projected.sources");
                types__v_push_index(v, j);
                types__v_forbidden(v, "serviceAccountToken",
                                   "must not be specified when serviceAccountName is not set");
                types__v_pop(v, vm);
            }
        }
    }
    for (size_t l = 0; l < 2; l++) {
        json_array_foreach(member(spec, lists[l]), i, c)
        {
            const char *img = str_at(c, "image");
            size_t n = img ? strlen(img) : 0;
            if (n && (img[0] == ' ' || img[0] == '\t' || img[0] == '\n' || img[0] == '\r' ||
                      img[n - 1] == ' ' || img[n - 1] == '\t' || img[n - 1] == '\n' ||
                      img[n - 1] == '\r')) {
                size_t cm = types__v_push(v, lists[l]);
                types__v_push_index(v, i);
                types__v_invalid_str(v, "image", img,
                                     "must not have leading or trailing whitespace");
                types__v_pop(v, cm);
            }
        }
    }
    types__v_pop(v, mark);
}

/* Toleration equality ignoring tolerationSeconds (which may change). */
static bool toleration_same(json_t *a, json_t *b)
{
    static const char *const keys[] = {"key", "operator", "value", "effect"};
    for (size_t i = 0; i < 4; i++) {
        const char *x = str_at(a, keys[i]), *y = str_at(b, keys[i]);
        if (strcmp(x ? x : "", y ? y : "") != 0)
            return false;
    }
    return true;
}

/* A short line-per-field rendering of what an update changed (upstream
 * appends a go-cmp diff of the internal PodSpec). */
static char *spec_diff(json_t *old, json_t *cur)
{
    sbuf sb;
    const char *k;
    json_t *val;

    sbuf_init(&sb);
    sbuf_puts(&sb, "  core.PodSpec{\n");
    json_object_foreach(old, k, val)
    {
        json_t *nv = json_object_get(cur, k);
        if (types__semantic_equal(val, nv))
            continue;
        char *a = json_dump_compact(val, NULL);
        sbuf_printf(&sb, "- \t%s: %s,\n", k, a);
        free(a);
        if (nv) {
            char *b = json_dump_compact(nv, NULL);
            sbuf_printf(&sb, "+ \t%s: %s,\n", k, b);
            free(b);
        }
    }
    json_object_foreach(cur, k, val)
    {
        if (json_object_get(old, k) || types__semantic_equal(val, NULL))
            continue;
        char *b = json_dump_compact(val, NULL);
        sbuf_printf(&sb, "+ \t%s: %s,\n", k, b);
        free(b);
    }
    sbuf_puts(&sb, "  }\n");
    return sbuf_detach(&sb, NULL);
}

static void copy_images(json_t *munged, json_t *ospec, const char *list)
{
    json_t *cs = member(munged, list), *ocs = member(ospec, list), *c;
    size_t i;
    json_array_foreach(cs, i, c)
    {
        json_t *img = member(json_array_get(ocs, i), "image");
        if (!json_is_object(c))
            continue;
        if (img)
            json_object_set(c, "image", img);
        else
            json_object_del(c, "image");
    }
}

static void set_or_del(json_t *o, const char *key, json_t *val)
{
    if (val)
        json_object_set(o, key, val);
    else
        json_object_del(o, key);
}

/* ValidatePodUpdate's rules on which spec fields may change. */
static void validate_pod_spec_update(vctx *v, json_t *spec, json_t *ospec)
{
    static const char *const lists[] = {"containers", "initContainers"};
    json_t *ads, *oads, *tols, *otols, *t, *munged;
    size_t i;

    for (size_t l = 0; l < 2; l++) {
        if (json_array_size(member(spec, lists[l])) != json_array_size(member(ospec, lists[l]))) {
            char *path = xasprintf("spec.%s", lists[l]);
            types__v_forbidden(v, path, "pod updates may not add or remove containers");
            free(path);
            return;
        }
    }
    ads = member(spec, "activeDeadlineSeconds");
    oads = member(ospec, "activeDeadlineSeconds");
    if (json_is_integer(ads)) {
        json_int_t n = json_integer_value(ads);
        if (n < 0 || n > INT32_MAX) {
            types__v_invalid_int(v, "spec.activeDeadlineSeconds", n,
                                 "must be between 0 and 2147483647, inclusive");
            return;
        }
        if (json_is_integer(oads) && json_integer_value(oads) < n) {
            types__v_invalid_int(v, "spec.activeDeadlineSeconds", n,
                                 "must be less than or equal to previous value");
            return;
        }
    } else if (oads) {
        types__v_invalid_null(v, "spec.activeDeadlineSeconds",
                              "must not update from a positive integer to nil value");
    }
    tols = member(spec, "tolerations");
    otols = member(ospec, "tolerations");
    json_array_foreach(otols, i, t)
    {
        json_t *n;
        size_t j;
        bool found = false;
        json_array_foreach(tols, j, n)
        {
            found |= toleration_same(t, n);
        }
        if (!found) {
            types__v_forbidden(v, "spec.tolerations",
                               "existing toleration can not be modified except its "
                               "tolerationSeconds");
            break;
        }
    }
    json_array_foreach(member(spec, "schedulingGates"), i, t)
    {
        const char *name = str_at(t, "name");
        json_t *o;
        size_t j;
        bool found = false;
        json_array_foreach(member(ospec, "schedulingGates"), j, o)
        {
            const char *on = str_at(o, "name");
            found |= name && on && !strcmp(name, on);
        }
        if (!found) {
            char *path = xasprintf("spec.schedulingGates[%zu].name", i);
            char *d = xasprintf("only deletion is allowed, but found new scheduling gate '%s'",
                                name ? name : "");
            types__v_forbidden(v, path, d);
            free(d);
            free(path);
        }
    }
    if (types__semantic_equal(spec, ospec))
        return;
    munged = json_deep_copy(spec);
    copy_images(munged, ospec, "containers");
    copy_images(munged, ospec, "initContainers");
    set_or_del(munged, "activeDeadlineSeconds", oads);
    set_or_del(munged, "schedulingGates", member(ospec, "schedulingGates"));
    set_or_del(munged, "tolerations", otols);
    json_t *otg = member(ospec, "terminationGracePeriodSeconds");
    json_t *ntg = member(munged, "terminationGracePeriodSeconds");
    if (json_is_integer(otg) && json_integer_value(otg) < 0 && json_is_integer(ntg) &&
        json_integer_value(ntg) == 1)
        json_object_set(munged, "terminationGracePeriodSeconds", otg);
    /* Gated pods may still gain scheduling constraints. */
    if (json_array_size(member(ospec, "schedulingGates")) > 0) {
        set_or_del(munged, "nodeSelector", member(ospec, "nodeSelector"));
        json_t *aff = member(munged, "affinity");
        if (json_is_object(aff))
            set_or_del(aff, "nodeAffinity", member(member(ospec, "affinity"), "nodeAffinity"));
    }
    if (!types__semantic_equal(munged, ospec)) {
        char *diff = spec_diff(ospec, munged);
        char *d = xasprintf("pod updates may not change fields other than "
                            "`spec.containers[*].image`,`spec.initContainers[*].image`,"
                            "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
                            "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it "
                            "to be set to 1 if it was previously negative)\n%s",
                            diff);
        types__v_forbidden(v, "spec", d);
        free(d);
        free(diff);
    }
    json_decref(munged);
}

/* A terminated container may not come back unless the pod restarts it. */
static void validate_state_transitions(vctx *v, json_t *status, json_t *ostatus, json_t *ospec,
                                       const char *key, bool init)
{
    const char *rp = str_at(ospec, "restartPolicy");
    json_t *olist = member(ostatus, key), *nlist = member(status, key), *os, *ns;
    size_t i, j;

    if (rp && !strcmp(rp, "Always"))
        return;
    json_array_foreach(olist, i, os)
    {
        json_t *term = member(member(os, "state"), "terminated");
        const char *name = str_at(os, "name");
        if (!term)
            continue;
        if (json_integer_value(member(term, "exitCode")) != 0 && rp && !strcmp(rp, "OnFailure"))
            continue;
        if (init) {
            /* Restartable init containers (sidecars) may restart. */
            json_t *c;
            size_t k;
            bool sidecar = false;
            json_array_foreach(member(ospec, "initContainers"), k, c)
            {
                const char *cn = str_at(c, "name"), *crp = str_at(c, "restartPolicy");
                if (cn && name && !strcmp(cn, name))
                    sidecar = crp && !strcmp(crp, "Always");
            }
            if (sidecar)
                continue;
        }
        json_array_foreach(nlist, j, ns)
        {
            const char *nn = str_at(ns, "name");
            if (name && nn && !strcmp(name, nn) && !member(member(ns, "state"), "terminated")) {
                size_t m = types__v_push(v, "status");
                types__v_push(v, key);
                types__v_push_index(v, i);
                types__v_forbidden(v, "state", "may not be transitioned to non-terminated state");
                types__v_pop(v, m);
            }
        }
    }
}

/* Pod or host IPs: valid, at most one per family, no duplicates. */
static void validate_ip_list(vctx *v, json_t *list, const char *path)
{
    json_t *e, *seen = json_object();
    size_t i, v4 = 0, v6 = 0;

    json_array_foreach(list, i, e)
    {
        const char *ip = str_at(e, "ip");
        char *p = xasprintf("%s[%zu]", path, i);
        if (!ip || !types__is_ip(ip))
            types__v_invalid_str(v, p, ip, IP_MSG);
        else if (types__is_ipv6(ip))
            v6++;
        else
            v4++;
        free(p);
    }
    if (json_array_size(list) > 1) {
        if (v4 > 1 || v6 > 1 || v4 + v6 != json_array_size(list)) {
            char *raw = json_dump_compact(list, NULL);
            types__v_invalid_raw(v, path, raw,
                                 "may specify no more than one IP for each IP family");
            free(raw);
        }
        json_array_foreach(list, i, e)
        {
            const char *ip = str_at(e, "ip");
            if (ip && json_object_get(seen, ip)) {
                char *p = xasprintf("%s[%zu]", path, i);
                char *raw = xasprintf("core.PodIP{IP:\"%s\"}", ip);
                types__v_duplicate_raw(v, p, raw, NULL);
                free(raw);
                free(p);
            }
            if (ip)
                json_object_set_new(seen, ip, json_true());
        }
    }
    json_decref(seen);
}

static void validate_pod_status_update(vctx *v, json_t *obj, json_t *old)
{
    json_t *status = types__v_obj(v, obj, "status"), *ostatus = member(old, "status");
    json_t *spec = member(obj, "spec"), *ospec = member(old, "spec"), *conds, *c;
    const char *s, *os;

    types__validate_meta_update(v, obj, old);
    validate_pod_annotation_updates(v, member(member(obj, "metadata"), "annotations"),
                                    member(member(old, "metadata"), "annotations"));
    conds = types__v_arr(v, status, "conditions");
    for (size_t i = 0; i < json_array_size(conds); i++) {
        size_t m = types__v_push(v, "status.conditions");
        c = types__v_elem_obj(v, conds, i);
        types__v_pop(v, m);
        s = str_at(c, "type");
        if (!c ||
            (s && (!strcmp(s, "PodScheduled") || !strcmp(s, "Ready") || !strcmp(s, "Initialized"))))
            continue;
        /* Upstream reports condition types under metadata (sic). */
        types_msgs msgs;
        types__msgs_init(&msgs);
        types__qualified_name(s ? s : "", &msgs);
        char *p = xasprintf("metadata.conditions[%zu].Type", i);
        types__v_invalid_msgs(v, p, s ? s : "", &msgs);
        free(p);
    }
    s = str_at(spec, "nodeName");
    os = str_at(ospec, "nodeName");
    if (strcmp(s ? s : "", os ? os : "") != 0)
        types__v_forbidden(v, "status.nodeName", "may not be changed directly");
    s = types__v_str(v, status, "nominatedNodeName");
    os = str_at(ostatus, "nominatedNodeName");
    if (s && *s && strcmp(s, os ? os : "") != 0) {
        types_msgs msgs;
        types__msgs_init(&msgs);
        types__name_subdomain(s, false, &msgs);
        types__v_invalid_msgs(v, "status.nominatedNodeName", s, &msgs);
    }
    /* An empty qosClass keeps the stored one, as the status strategy does. */
    s = types__v_str(v, status, "qosClass");
    os = str_at(ostatus, "qosClass");
    if (s && *s && strcmp(s, os ? os : "") != 0)
        types__v_invalid_str(v, "status.qosClass", s, "field is immutable");
    validate_state_transitions(v, status, ostatus, ospec, "containerStatuses", false);
    validate_state_transitions(v, status, ostatus, ospec, "initContainerStatuses", true);
    validate_ip_list(v, types__v_arr(v, status, "podIPs"), "status.podIPs");
    json_t *hips = types__v_arr(v, status, "hostIPs");
    if (json_array_size(hips) > 0) {
        const char *hip = types__v_str(v, status, "hostIP");
        const char *first = str_at(json_array_get(hips, 0), "ip");
        if (strcmp(hip ? hip : "", first ? first : "") != 0)
            types__v_invalid_str(v, "status.hostIPs[0].ip", first, "must be equal to `hostIP`");
        validate_ip_list(v, hips, "status.hostIPs");
    }
}

void types__validate_pod(vctx *v, json_t *obj, json_t *old, bool status_only)
{
    json_t *spec, *empty = NULL;

    if (status_only && old) {
        validate_pod_status_update(v, obj, old);
        return;
    }
    if (old)
        types__validate_meta_update(v, obj, old);
    spec = types__v_obj(v, obj, "spec");
    if (!spec)
        spec = empty = json_object();
    validate_pod_meta_and_spec(v, obj, spec);
    if (!old) {
        if (json_array_size(member(spec, "ephemeralContainers")) > 0)
            types__v_forbidden(v, "spec.ephemeralContainers", "cannot be set on create");
        const char *node = str_at(spec, "nodeName");
        if (node && *node && json_array_size(member(spec, "schedulingGates")) > 0)
            types__v_forbidden(v, "spec.nodeName",
                               "cannot be set until all schedulingGates have been cleared");
    } else {
        json_t *ospec = member(old, "spec");
        validate_pod_annotation_updates(v, member(member(obj, "metadata"), "annotations"),
                                        member(member(old, "metadata"), "annotations"));
        if (json_is_object(ospec))
            validate_pod_spec_update(v, spec, ospec);
    }
    json_decref(empty);
}

/* ---- nodes ------------------------------------------------------------- */

static void validate_taints(vctx *v, json_t *spec)
{
    json_t *taints = types__v_arr(v, spec, "taints"), *t, *seen = json_object();
    types_msgs m;
    /* Upstream reports node taints under metadata (sic). */
    size_t mark = types__v_push(v, "metadata.taints");

    for (size_t i = 0; i < json_array_size(taints); i++) {
        if (!(t = types__v_elem_obj(v, taints, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        const char *key = types__v_str(v, t, "key");
        const char *val = types__v_str(v, t, "value");
        const char *eff = types__v_str(v, t, "effect");
        types__msgs_init(&m);
        types__qualified_name(key ? key : "", &m);
        types__v_invalid_msgs(v, "key", key ? key : "", &m);
        types__msgs_init(&m);
        if (types__label_value(val ? val : "", &m)) {
            sbuf sb;
            sbuf_init(&sb);
            for (size_t k = 0; k < m.n; k++)
                sbuf_printf(&sb, "%s%s", k ? ";" : "", m.msg[k]);
            types__v_invalid_str(v, "value", val, sb.buf);
            sbuf_release(&sb);
        }
        if (!eff || !*eff) {
            types__v_required(v, "effect", "");
        } else {
            bool ok = false;
            for (size_t k = 0; taint_effects[k]; k++)
                ok |= !strcmp(eff, taint_effects[k]);
            if (!ok)
                types__v_notsupported_str(v, "effect", eff, taint_effects);
        }
        char *pair = xasprintf("%s\n%s", eff ? eff : "", key ? key : "");
        if (json_object_get(seen, pair)) {
            char *qk = types__go_quote(key ? key : ""), *qv = types__go_quote(val ? val : "");
            char *qe = types__go_quote(eff ? eff : "");
            char *raw =
                xasprintf("core.Taint{Key:%s, Value:%s, Effect:%s, TimeAdded:%s}", qk, qv, qe,
                          member(t, "timeAdded") ? "(*v1.Time)(0xc000000000)" : "(*v1.Time)(nil)");
            types__v_duplicate_raw(v, NULL, raw, "taints must be unique by key and effect pair");
            free(raw);
            free(qk);
            free(qv);
            free(qe);
        } else {
            json_object_set_new(seen, pair, json_true());
        }
        free(pair);
        types__v_pop(v, im);
    }
    types__v_pop(v, mark);
    json_decref(seen);
}

/* spec.podCIDRs (spec.podCIDR converts to its first element). */
static json_t *pod_cidrs(json_t *spec)
{
    json_t *l = member(spec, "podCIDRs");
    const char *one = str_at(spec, "podCIDR");
    if (json_array_size(l) > 0)
        return json_incref(l);
    if (one && *one)
        return json_pack("[s]", one);
    return NULL;
}

static void validate_node_cidrs(vctx *v, json_t *cidrs)
{
    json_t *c, *seen;
    size_t i, v4 = 0, v6 = 0;

    json_array_foreach(cidrs, i, c)
    {
        const char *s = json_string_value(c);
        char *p = xasprintf("spec.podCIDRs[%zu]", i);
        if (!s || !types__is_cidr(s)) {
            types__v_invalid_str(v, p, s, CIDR_MSG);
        } else {
            char *ip = xstrndup(s, (size_t)(strchr(s, '/') - s));
            if (types__is_ipv6(ip))
                v6++;
            else
                v4++;
            free(ip);
        }
        free(p);
    }
    if (json_array_size(cidrs) <= 1)
        return;
    if (v4 > 1 || v6 > 1 || v4 + v6 != json_array_size(cidrs)) {
        char *raw = types__go_strslice(cidrs);
        types__v_invalid_raw(v, "spec.podCIDRs", raw,
                             "may specify no more than one CIDR for each IP family");
        free(raw);
    }
    seen = json_object();
    json_array_foreach(cidrs, i, c)
    {
        const char *s = json_string_value(c);
        if (s && json_object_get(seen, s)) {
            char *p = xasprintf("spec.podCIDRs[%zu]", i);
            types__v_duplicate_str(v, p, s);
            free(p);
        }
        if (s)
            json_object_set_new(seen, s, json_true());
    }
    json_decref(seen);
}

void types__validate_node(vctx *v, json_t *obj, json_t *old)
{
    json_t *spec = types__v_obj(v, obj, "spec"), *status = types__v_obj(v, obj, "status");
    json_t *cidrs;
    size_t mark;

    types__validate_meta(v, obj, false, types__name_subdomain);
    if (old)
        types__validate_meta_update(v, obj, old);
    validate_taints(v, spec);
    mark = types__v_push(v, "status");
    types__validate_resource_list(v, status, "capacity", false);
    types__validate_resource_list(v, status, "allocatable", false);
    types__v_pop(v, mark);
    types__v_bool(v, spec, "unschedulable", &(bool){false});
    cidrs = pod_cidrs(spec);
    validate_node_cidrs(v, cidrs);
    if (old) {
        json_t *ospec = member(old, "spec"), *ocidrs = pod_cidrs(ospec), *a, *seen = json_object();
        size_t i;
        json_array_foreach(member(status, "addresses"), i, a)
        {
            const char *t = str_at(a, "type"), *ad = str_at(a, "address");
            char *key = xasprintf("%s\n%s", t ? t : "", ad ? ad : "");
            if (json_object_get(seen, key)) {
                char *qt = types__go_quote(t ? t : ""), *qa = types__go_quote(ad ? ad : "");
                char *raw = xasprintf("core.NodeAddress{Type:%s, Address:%s}", qt, qa);
                char *p = xasprintf("status.addresses[%zu]", i);
                types__v_duplicate_raw(v, p, raw, NULL);
                free(p);
                free(raw);
                free(qt);
                free(qa);
            }
            json_object_set_new(seen, key, json_true());
            free(key);
        }
        json_decref(seen);
        if (json_array_size(ocidrs) > 0 && !json_equal(ocidrs, cidrs ? cidrs : json_null()))
            types__v_forbidden(v, "spec.podCIDRs",
                               "node updates may not change podCIDR except from \"\" to valid");
        const char *pid = str_at(spec, "providerID"), *opid = str_at(ospec, "providerID");
        if (opid && *opid && strcmp(opid, pid ? pid : "") != 0)
            types__v_forbidden(v, "spec.providerID",
                               "node updates may not change providerID except from \"\" to valid");
        const char *ext = str_at(spec, "externalID"), *oext = str_at(ospec, "externalID");
        if (strcmp(ext ? ext : "", oext ? oext : "") != 0)
            types__v_forbidden(v, "spec.externalID", "may not be updated");
        json_decref(ocidrs);
    }
    json_decref(cidrs);
}

/* ---- namespaces -------------------------------------------------------- */

void types__validate_namespace(vctx *v, json_t *obj, json_t *old, bool status_only)
{
    json_t *spec, *fins, *f;
    types_msgs m;

    if (status_only && old) {
        json_t *status = types__v_obj(v, obj, "status");
        const char *phase = types__v_str(v, status, "phase");
        json_t *dt = member(member(obj, "metadata"), "deletionTimestamp");
        types__validate_meta_update(v, obj, old);
        if (!dt && strcmp(phase ? phase : "", "Active") != 0)
            types__v_invalid_str(v, "status.Phase", phase ? phase : "",
                                 "may only be 'Active' if `deletionTimestamp` is empty");
        else if (dt && strcmp(phase ? phase : "", "Terminating") != 0)
            types__v_invalid_str(v, "status.Phase", phase ? phase : "",
                                 "may only be 'Terminating' if `deletionTimestamp` is not empty");
        return;
    }
    types__validate_meta(v, obj, false, types__name_label);
    if (old)
        types__validate_meta_update(v, obj, old);
    spec = types__v_obj(v, obj, "spec");
    fins = types__v_arr(v, spec, "finalizers");
    for (size_t i = 0; i < json_array_size(fins); i++) {
        f = json_array_get(fins, i);
        const char *s = json_string_value(f);
        if (!s) {
            char *p = xasprintf("spec.finalizers[%zu]", i);
            types__v_invalid_json(v, p, f, "must be of type string");
            free(p);
            continue;
        }
        /* Upstream reports these at the list path. */
        types__msgs_init(&m);
        types__qualified_name(s, &m);
        types__v_invalid_msgs(v, "spec.finalizers", s, &m);
        if (!strchr(s, '/') && strcmp(s, "kubernetes") && strcmp(s, "orphan") &&
            strcmp(s, "foregroundDeletion"))
            types__v_invalid_str(v, "spec.finalizers", s,
                                 "name is neither a standard finalizer name nor is it fully "
                                 "qualified");
    }
}

/* ---- events ------------------------------------------------------------ */

/* legacyValidateEvent: the only checks core/v1 Events get. */
static void validate_event_legacy(vctx *v, json_t *obj)
{
    json_t *io = types__v_obj(v, obj, "involvedObject");
    const char *ns = str_at(member(obj, "metadata"), "namespace");
    const char *ions = types__v_str(v, io, "namespace");
    json_t *et = member(obj, "eventTime");
    types_msgs m;

    ns = ns ? ns : "";
    ions = ions ? ions : "";
    if (!et) {
        if (!*ions) {
            if (*ns && strcmp(ns, "default") != 0)
                types__v_invalid_str(v, "involvedObject.namespace", ions,
                                     "does not match event.namespace");
        } else if (strcmp(ns, ions) != 0) {
            types__v_invalid_str(v, "involvedObject.namespace", ions,
                                 "does not match event.namespace");
        }
    } else {
        const char *rc = types__v_str(v, obj, "reportingComponent");
        const char *ri = types__v_str(v, obj, "reportingInstance");
        const char *action = types__v_str(v, obj, "action");
        const char *reason = types__v_str(v, obj, "reason");
        const char *msg = types__v_str(v, obj, "message");
        rc = rc ? rc : "";
        if (!*ions && strcmp(ns, "default") && strcmp(ns, "kube-system"))
            types__v_invalid_str(v, "involvedObject.namespace", ions,
                                 "does not match event.namespace");
        if (!*rc)
            types__v_required(v, "reportingController", "");
        types__msgs_init(&m);
        types__qualified_name(rc, &m);
        types__v_invalid_msgs(v, "reportingController", rc, &m);
        if (!ri || !*ri)
            types__v_required(v, "reportingInstance", "");
        if (ri && strlen(ri) > 128)
            types__v_invalid_str(v, "reportingInstance", "", "can have at most 128 characters");
        if (!action || !*action)
            types__v_required(v, "action", "");
        if (action && strlen(action) > 128)
            types__v_invalid_str(v, "action", "", "can have at most 128 characters");
        if (!reason || !*reason)
            types__v_required(v, "reason", "");
        if (reason && strlen(reason) > 128)
            types__v_invalid_str(v, "reason", "", "can have at most 128 characters");
        if (msg && strlen(msg) > 1024)
            types__v_invalid_str(v, "message", "", "can have at most 1024 characters");
    }
    types__msgs_init(&m);
    types__dns1123_subdomain(ns, &m);
    types__v_invalid_msgs(v, "namespace", ns, &m);
}

void types__validate_event(vctx *v, json_t *obj, json_t *old)
{
    validate_event_legacy(v, obj);
    if (types__v_count(v) > 0)
        return;
    /* Then the generic metadata checks every create and update gets. */
    types__validate_meta(v, obj, true, types__path_segment_name);
    if (old)
        types__validate_meta_update(v, obj, old);
}

/* ---- service accounts -------------------------------------------------- */

/* A list of {name} references (secrets, imagePullSecrets). */
static void validate_name_refs(vctx *v, json_t *obj, const char *field)
{
    json_t *arr = types__v_arr(v, obj, field), *e;
    size_t mark;

    if (!arr)
        return;
    mark = types__v_push(v, field);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        e = types__v_elem_obj(v, arr, i);
        if (e) {
            size_t im = types__v_push_index(v, i);
            types__v_str(v, e, "name");
            types__v_pop(v, im);
        }
    }
    types__v_pop(v, mark);
}

void types__validate_service_account(vctx *v, json_t *obj, json_t *old)
{
    types__validate_meta(v, obj, true, types__name_subdomain);
    if (old)
        types__validate_meta_update(v, obj, old);
    validate_name_refs(v, obj, "secrets");
    validate_name_refs(v, obj, "imagePullSecrets");
    bool automount;
    types__v_bool(v, obj, "automountServiceAccountToken", &automount);
}

/* ---- services (served read-only) --------------------------------------- */

void types__validate_service(vctx *v, json_t *obj, json_t *old)
{
    types__validate_meta(v, obj, true, types__name_1035);
    if (old)
        types__validate_meta_update(v, obj, old);
}
