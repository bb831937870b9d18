/*
 * validate_podspec.c -- validation of core/v1 PodSpec and PodTemplateSpec
 * as pkg/apis/core/validation does it (ValidatePodSpec and the functions it
 * calls): volumes, scheduling constraints (node selector, affinity,
 * tolerations, topology spread), the pod security context, DNS settings and
 * the remaining spec fields.  Containers are checked by
 * validate_container.c.
 *
 * Pods (validate_core.c) and DaemonSet templates (validate_apps.c) share
 * it.  Field paths and messages follow upstream, including its quirks
 * (e.g. template labels reported at "template.labels", downward API volume
 * files reported without their index), so clients see the same text.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types/types_int.h"

#define FILE_MODE_MSG "must be a number between 0 and 0777 (octal), both inclusive"
#define ID_RANGE_MSG "must be between 0 and 4294967295, inclusive"

static const char *const restart_policies[] = {"Always", "OnFailure", "Never", NULL};
static const char *const dns_policies[] = {"ClusterFirstWithHostNet", "ClusterFirst", "Default",
                                           "None", NULL};
static const char *const host_path_types[] = {
    "",     "BlockDevice",  "CharDevice", "Directory", "DirectoryOrCreate",
    "File", "FileOrCreate", "Socket",     NULL};
static const char *const taint_effects[] = {"NoSchedule", "PreferNoSchedule", "NoExecute", NULL};
static const char *const toleration_ops[] = {"Equal", "Exists", NULL};
static const char *const fsgroup_policies[] = {"Always", "OnRootMismatch", NULL};
static const char *const supp_group_policies[] = {"Merge", "Strict", NULL};
static const char *const selinux_policies[] = {"MountOption", "Recursive", NULL};
static const char *const preempt_policies[] = {"PreemptLowerPriority", "Never", NULL};
static const char *const os_names[] = {"linux", "windows", NULL};
static const char *const when_unsatisfiable[] = {"DoNotSchedule", "ScheduleAnyway", NULL};

/* ---- volumes ----------------------------------------------------------- */

static void validate_key_to_path_items(vctx *v, json_t *src)
{
    json_t *items = types__v_arr(v, src, "items"), *it;
    size_t mark = types__v_push(v, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        if (!(it = types__v_elem_obj(v, items, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        const char *key = types__v_str(v, it, "key");
        const char *path = types__v_str(v, it, "path");
        if (!key || !*key)
            types__v_required(v, "key", "");
        if (!path || !*path)
            types__v_required(v, "path", "");
        types__check_local_non_reserved(v, "path", path ? path : "");
        types__check_mode(v, it, "mode");
        types__v_pop(v, im);
    }
    types__v_pop(v, mark);
}

/* Downward API files; upstream reports them at the volume path, unindexed. */
static void validate_downward_items(vctx *v, json_t *src)
{
    json_t *items = types__v_arr(v, src, "items"), *it;
    for (size_t i = 0; i < json_array_size(items); i++) {
        if (!(it = types__v_elem_obj(v, items, i)))
            continue;
        const char *path = types__v_str(v, it, "path");
        json_t *fr = types__v_obj(v, it, "fieldRef");
        json_t *rr = types__v_obj(v, it, "resourceFieldRef");
        if (!path || !*path)
            types__v_required(v, "path", "");
        types__check_local_non_reserved(v, "path", path ? path : "");
        if (fr) {
            size_t fm = types__v_push(v, "fieldRef");
            types__check_field_ref(v, fr, types__volume_field_paths);
            types__v_pop(v, fm);
            if (rr)
                types__v_invalid_str(v, NULL, "resource",
                                     "fieldRef and resourceFieldRef can not be specified "
                                     "simultaneously");
        } else if (rr) {
            size_t rm = types__v_push(v, "resourceFieldRef");
            types__check_resource_field_ref(v, rr, true);
            types__v_pop(v, rm);
        } else {
            types__v_required(v, NULL, "one of fieldRef and resourceFieldRef is required");
        }
        types__check_mode(v, it, "mode");
    }
}

static void validate_projected(vctx *v, json_t *proj)
{
    json_t *sources = types__v_arr(v, proj, "sources"), *src;
    size_t mark;

    types__check_mode(v, proj, "defaultMode");
    mark = types__v_push(v, "sources");
    for (size_t i = 0; i < json_array_size(sources); i++) {
        if (!(src = types__v_elem_obj(v, sources, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        int n = 0;
        json_t *s;
        if ((s = types__v_obj(v, src, "secret")) != NULL) {
            size_t sm = types__v_push(v, "secret");
            const char *name = types__v_str(v, s, "name");
            n++;
            if (!name || !*name)
                types__v_required(v, "name", "");
            validate_key_to_path_items(v, s);
            types__v_pop(v, sm);
        }
        if ((s = types__v_obj(v, src, "configMap")) != NULL) {
            size_t sm = types__v_push(v, "configMap");
            const char *name = types__v_str(v, s, "name");
            n++;
            if (!name || !*name)
                types__v_required(v, "name", "");
            validate_key_to_path_items(v, s);
            types__v_pop(v, sm);
        }
        if ((s = types__v_obj(v, src, "downwardAPI")) != NULL) {
            size_t sm = types__v_push(v, "downwardAPI");
            n++;
            validate_downward_items(v, s);
            types__v_pop(v, sm);
        }
        if ((s = types__v_obj(v, src, "serviceAccountToken")) != NULL) {
            size_t sm = types__v_push(v, "serviceAccountToken");
            int64_t exp = 0;
            const char *path = types__v_str(v, s, "path");
            n++;
            types__v_int(v, s, "expirationSeconds", &exp);
            if (exp < 10 * 60)
                types__v_invalid_int(v, "expirationSeconds", exp,
                                     "may not specify a duration less than 10 minutes");
            if (exp > (int64_t)1 << 32)
                types__v_invalid_int(v, "expirationSeconds", exp,
                                     "may not specify a duration larger than 2^32 seconds");
            types__v_pop(v, sm);
            /* Upstream reports the token path at the volume, not the source. */
            types__v_pop(v, mark);
            if (!path || !*path)
                types__v_required(v, "path", "");
            else
                types__check_local_non_reserved(v, "path", path);
            types__v_push(v, "sources");
            types__v_push_index(v, i);
        }
        if (types__v_obj(v, src, "clusterTrustBundle"))
            n++;
        if (n > 1)
            types__v_forbidden(v, NULL, "may not specify more than 1 volume type per source");
        types__v_pop(v, im);
    }
    types__v_pop(v, mark);
}

static void validate_volume_source(vctx *v, const char *key, json_t *s)
{
    size_t mark = types__v_push(v, key);
    const char *str;

    if (!strcmp(key, "emptyDir")) {
        json_t *sl = json_object_get(s, "sizeLimit");
        types_qty q;
        if (sl && !json_is_null(sl)) {
            if (types__qty_parse_json(sl, &q) != 0)
                types__v_invalid_json(v, "sizeLimit", sl, TYPES_QTY_SYNTAX_MSG);
            else if (q.milli < 0)
                types__v_forbidden(v, "sizeLimit",
                                   "SizeLimit field must be a valid resource quantity");
        }
    } else if (!strcmp(key, "hostPath")) {
        str = types__v_str(v, s, "path");
        if (!str || !*str) {
            types__v_required(v, "path", "");
        } else {
            types__check_no_backsteps(v, "path", str);
            const char *t = types__v_str(v, s, "type");
            if (t && !types__in_list(t, host_path_types))
                types__v_notsupported_str(v, "type", t, host_path_types);
        }
    } else if (!strcmp(key, "secret")) {
        str = types__v_str(v, s, "secretName");
        if (!str || !*str)
            types__v_required(v, "secretName", "");
        types__check_mode(v, s, "defaultMode");
        validate_key_to_path_items(v, s);
    } else if (!strcmp(key, "configMap")) {
        str = types__v_str(v, s, "name");
        if (!str || !*str)
            types__v_required(v, "name", "");
        types__check_mode(v, s, "defaultMode");
        validate_key_to_path_items(v, s);
    } else if (!strcmp(key, "persistentVolumeClaim")) {
        str = types__v_str(v, s, "claimName");
        if (!str || !*str)
            types__v_required(v, "claimName", "");
    } else if (!strcmp(key, "downwardAPI")) {
        types__check_mode(v, s, "defaultMode");
        validate_downward_items(v, s);
    } else if (!strcmp(key, "projected")) {
        validate_projected(v, s);
    } else if (!strcmp(key, "nfs")) {
        const char *srv = types__v_str(v, s, "server");
        str = types__v_str(v, s, "path");
        if (!srv || !*srv)
            types__v_required(v, "server", "");
        if (!str || !*str)
            types__v_required(v, "path", "");
        if (!str || str[0] != '/')
            types__v_invalid_str(v, "path", str, "must be an absolute path");
    } else if (!strcmp(key, "csi")) {
        str = types__v_str(v, s, "driver");
        if (!str || !*str)
            types__v_required(v, "driver", "");
    } else if (!strcmp(key, "ephemeral")) {
        if (!types__v_obj(v, s, "volumeClaimTemplate"))
            types__v_required(v, "volumeClaimTemplate", "");
    } else if (!strcmp(key, "gitRepo")) {
        str = types__v_str(v, s, "repository");
        if (!str || !*str)
            types__v_required(v, "repository", "");
        types__check_local_descending(v, "directory",
                                      (str = types__v_str(v, s, "directory")) ? str : "");
    }
    types__v_pop(v, mark);
}

/* Sources in upstream order, with the path upstream names in its
 * "more than 1 volume type" error (some differ from the JSON key). */
static const struct {
    const char *key;
    const char *forbidden_as;
} vsources[] = {
    {"emptyDir", "emptyDir"},
    {"hostPath", "hostPath"},
    {"gitRepo", "gitRepo"},
    {"gcePersistentDisk", "gcePersistentDisk"},
    {"awsElasticBlockStore", "awsElasticBlockStore"},
    {"secret", "secret"},
    {"nfs", "nfs"},
    {"iscsi", "iscsi"},
    {"glusterfs", "glusterfs"},
    {"flocker", "flocker"},
    {"persistentVolumeClaim", "persistentVolumeClaim"},
    {"rbd", "rbd"},
    {"cinder", "cinder"},
    {"cephfs", "cephFS"},
    {"quobyte", "quobyte"},
    {"downwardAPI", "downwarAPI"},
    {"fc", "fc"},
    {"flexVolume", "flexVolume"},
    {"configMap", "configMap"},
    {"azureFile", "azureFile"},
    {"vsphereVolume", "vsphereVolume"},
    {"photonPersistentDisk", "photonPersistentDisk"},
    {"portworxVolume", "portworxVolume"},
    {"azureDisk", "azureDisk"},
    {"storageos", "storageos"},
    {"projected", "projected"},
    {"scaleIO", "scaleIO"},
    {"csi", "csi"},
    {"ephemeral", "ephemeral"},
    {"image", "image"},
};

/* Validates spec.volumes; returns a new object of valid volume names. */
static json_t *validate_volumes(vctx *v, json_t *spec)
{
    json_t *vols = json_object(), *all = json_object();
    json_t *list = types__v_arr(v, spec, "volumes"), *vol;
    size_t mark = types__v_push(v, "volumes");

    for (size_t i = 0; i < json_array_size(list); i++) {
        if (!(vol = types__v_elem_obj(v, list, i)))
            continue;
        size_t im = types__v_push_index(v, i), before = types__v_count(v);
        const char *name = types__v_str(v, vol, "name");
        int n = 0;
        for (size_t s = 0; s < sizeof vsources / sizeof vsources[0]; s++) {
            json_t *src = types__v_obj(v, vol, vsources[s].key);
            if (!src)
                continue;
            if (n > 0) {
                types__v_forbidden(v, vsources[s].forbidden_as,
                                   "may not specify more than 1 volume type");
                continue;
            }
            n++;
            validate_volume_source(v, vsources[s].key, src);
        }
        if (n == 0)
            types__v_required(v, NULL, "must specify a volume type");
        if (!name || !*name)
            types__v_required(v, "name", "");
        else
            types__check_msgs(v, "name", name, types__dns1123_label);
        if (name && json_object_get(all, name))
            types__v_duplicate_str(v, "name", name);
        if (name)
            json_object_set_new(all, name, json_true());
        if (types__v_count(v) == before && name)
            json_object_set(vols, name, vol);
        types__v_pop(v, im);
    }
    types__v_pop(v, mark);
    json_decref(all);
    return vols;
}

/* ---- scheduling -------------------------------------------------------- */

void types__validate_tolerations(vctx *v, json_t *tols)
{
    json_t *t;
    types_msgs m;

    for (size_t i = 0; i < json_array_size(tols); i++) {
        if (!(t = types__v_elem_obj(v, tols, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        const char *key = types__v_str(v, t, "key");
        const char *op = types__v_str(v, t, "operator");
        const char *val = types__v_str(v, t, "value");
        const char *effect = types__v_str(v, t, "effect");
        int64_t secs;
        bool has_secs = types__v_int(v, t, "tolerationSeconds", &secs);
        key = key ? key : "";
        op = op ? op : "";
        val = val ? val : "";
        effect = effect ? effect : "";
        if (*key)
            types__check_msgs(v, "key", key, types__qualified_name);
        if (!*key && strcmp(op, "Exists") != 0)
            types__v_invalid_str(v, "operator", op,
                                 "operator must be Exists when `key` is empty, which means \"match "
                                 "all values and all keys\"");
        if (has_secs && strcmp(effect, "NoExecute") != 0)
            types__v_invalid_str(v, "effect", effect,
                                 "effect must be 'NoExecute' when `tolerationSeconds` is set");
        if (!*op || !strcmp(op, "Equal")) {
            types__msgs_init(&m);
            if (types__label_value(val, &m)) {
                /* Upstream joins the messages with ";" into one error. */
                sbuf sb;
                sbuf_init(&sb);
                for (size_t k = 0; k < m.n; k++)
                    sbuf_printf(&sb, "%s%s", k ? ";" : "", m.msg[k]);
                types__v_invalid_str(v, "operator", val, sb.buf);
                sbuf_release(&sb);
            }
        } else if (!strcmp(op, "Exists")) {
            if (*val)
                types__v_invalid_str(v, "operator", val,
                                     "value must be empty when `operator` is 'Exists'");
        } else {
            types__v_notsupported_str(v, "operator", op, toleration_ops);
        }
        if (*effect && !types__in_list(effect, taint_effects))
            types__v_notsupported_str(v, "effect", effect, taint_effects);
        types__v_pop(v, im);
    }
}

/* NodeSelectorRequirement (matchExpressions) at the current path. */
static void validate_node_req(vctx *v, json_t *r, bool strict_values)
{
    const char *op = types__v_str(v, r, "operator");
    const char *key = types__v_str(v, r, "key");
    json_t *vals = types__v_arr(v, r, "values");
    size_t n = json_array_size(vals);

    op = op ? op : "";
    if (!strcmp(op, "In") || !strcmp(op, "NotIn")) {
        if (n == 0)
            types__v_required(v, "values", "must be specified when `operator` is 'In' or 'NotIn'");
    } else if (!strcmp(op, "Exists") || !strcmp(op, "DoesNotExist")) {
        if (n > 0)
            types__v_forbidden(
                v, "values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    } else if (!strcmp(op, "Gt") || !strcmp(op, "Lt")) {
        if (n != 1)
            types__v_required(v, "values",
                              "must be specified single value when `operator` is 'Lt' or 'Gt'");
    } else {
        types__v_invalid_str(v, "operator", op, "not a valid selector operator");
    }
    types__check_msgs(v, "key", key ? key : "", types__qualified_name);
    for (size_t j = 0; j < n; j++) {
        json_t *x = json_array_get(vals, j);
        size_t vm = types__v_push(v, "values");
        types__v_push_index(v, j);
        if (!json_is_string(x))
            types__v_invalid_json(v, NULL, x, "must be of type string");
        else if (strict_values)
            types__check_msgs(v, NULL, json_string_value(x), types__label_value);
        types__v_pop(v, vm);
    }
}

static void validate_node_term(vctx *v, json_t *term, bool strict_values)
{
    json_t *me = types__v_arr(v, term, "matchExpressions"), *mf, *r;
    size_t mark = types__v_push(v, "matchExpressions");
    for (size_t i = 0; i < json_array_size(me); i++) {
        if (!(r = types__v_elem_obj(v, me, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        validate_node_req(v, r, strict_values);
        types__v_pop(v, im);
    }
    types__v_pop(v, mark);
    mf = types__v_arr(v, term, "matchFields");
    mark = types__v_push(v, "matchFields");
    for (size_t i = 0; i < json_array_size(mf); i++) {
        if (!(r = types__v_elem_obj(v, mf, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        const char *op = types__v_str(v, r, "operator");
        const char *key = types__v_str(v, r, "key");
        json_t *vals = types__v_arr(v, r, "values");
        op = op ? op : "";
        if (!strcmp(op, "In") || !strcmp(op, "NotIn")) {
            if (json_array_size(vals) != 1)
                types__v_required(v, "values",
                                  "must be only one value when `operator` is 'In' or 'NotIn' for "
                                  "node field selector");
        } else {
            types__v_invalid_str(v, "operator", op, "not a valid selector operator");
        }
        if (!key || strcmp(key, "metadata.name") != 0) {
            types__v_invalid_str(v, "key", key, "not a valid field selector key");
        } else {
            for (size_t j = 0; j < json_array_size(vals); j++) {
                const char *x = json_string_value(json_array_get(vals, j));
                size_t vm = types__v_push(v, "values");
                types__v_push_index(v, j);
                types__check_name(v, NULL, x ? x : "", types__name_subdomain, false);
                types__v_pop(v, vm);
            }
        }
        types__v_pop(v, im);
    }
    types__v_pop(v, mark);
}

static void validate_pod_affinity_terms(vctx *v, json_t *terms, bool weighted)
{
    json_t *t;
    for (size_t i = 0; i < json_array_size(terms); i++) {
        if (!(t = types__v_elem_obj(v, terms, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        json_t *term = t;
        if (weighted) {
            int64_t w = 0;
            types__v_int32(v, t, "weight", &w);
            if (w <= 0 || w > 100)
                types__v_invalid_int(v, "weight", w, "must be in the range 1-100");
            term = types__v_obj(v, t, "podAffinityTerm");
            types__v_push(v, "podAffinityTerm");
        }
        if (term) {
            json_t *ls = types__v_obj(v, term, "labelSelector");
            json_t *nss = types__v_obj(v, term, "namespaceSelector");
            json_t *nsl = types__v_arr(v, term, "namespaces"), *ns;
            const char *tk = types__v_str(v, term, "topologyKey");
            size_t j;
            if (ls) {
                size_t lm = types__v_push(v, "labelSelector");
                types__validate_label_selector(v, ls, true);
                types__v_pop(v, lm);
            }
            if (nss) {
                size_t nm = types__v_push(v, "namespaceSelector");
                types__validate_label_selector(v, nss, true);
                types__v_pop(v, nm);
            }
            json_array_foreach(nsl, j, ns)
            {
                if (json_is_string(ns))
                    types__check_name(v, "namespace", json_string_value(ns), types__name_label,
                                      false);
            }
            if ((json_array_size(json_object_get(term, "matchLabelKeys")) ||
                 json_array_size(json_object_get(term, "mismatchLabelKeys"))) &&
                !ls) {
                const char *which = json_array_size(json_object_get(term, "matchLabelKeys"))
                                        ? "matchLabelKeys"
                                        : "mismatchLabelKeys";
                types__v_forbidden(v, which, "must not be specified when labelSelector is not set");
            }
            if (!tk || !*tk)
                types__v_required(v, "topologyKey", "can not be empty");
            types__check_msgs(v, "topologyKey", tk ? tk : "", types__qualified_name);
        }
        types__v_pop(v, im);
    }
}

static void validate_affinity(vctx *v, json_t *spec)
{
    json_t *aff = types__v_obj(v, spec, "affinity"), *na, *x;
    size_t mark;
    static const char *const pod_kinds[] = {"podAffinity", "podAntiAffinity"};

    if (!aff)
        return;
    mark = types__v_push(v, "affinity");
    na = types__v_obj(v, aff, "nodeAffinity");
    if (na) {
        size_t nm = types__v_push(v, "nodeAffinity");
        json_t *req = types__v_obj(v, na, "requiredDuringSchedulingIgnoredDuringExecution");
        json_t *pref = types__v_arr(v, na, "preferredDuringSchedulingIgnoredDuringExecution");
        if (req) {
            size_t rm = types__v_push(v, "requiredDuringSchedulingIgnoredDuringExecution");
            json_t *terms = types__v_arr(v, req, "nodeSelectorTerms"), *t;
            if (json_array_size(terms) == 0) {
                types__v_required(v, "nodeSelectorTerms",
                                  "must have at least one node selector term");
            } else {
                size_t tm = types__v_push(v, "nodeSelectorTerms");
                for (size_t i = 0; i < json_array_size(terms); i++) {
                    if (!(t = types__v_elem_obj(v, terms, i)))
                        continue;
                    size_t im = types__v_push_index(v, i);
                    validate_node_term(v, t, true);
                    types__v_pop(v, im);
                }
                types__v_pop(v, tm);
            }
            types__v_pop(v, rm);
        }
        size_t pm = types__v_push(v, "preferredDuringSchedulingIgnoredDuringExecution");
        for (size_t i = 0; i < json_array_size(pref); i++) {
            if (!(x = types__v_elem_obj(v, pref, i)))
                continue;
            size_t im = types__v_push_index(v, i);
            int64_t w = 0;
            json_t *p;
            types__v_int32(v, x, "weight", &w);
            if (w <= 0 || w > 100)
                types__v_invalid_int(v, "weight", w, "must be in the range 1-100");
            p = types__v_obj(v, x, "preference");
            types__v_push(v, "preference");
            if (p)
                validate_node_term(v, p, false);
            types__v_pop(v, im);
        }
        types__v_pop(v, pm);
        types__v_pop(v, nm);
    }
    for (size_t k = 0; k < 2; k++) {
        json_t *pa = types__v_obj(v, aff, pod_kinds[k]);
        if (!pa)
            continue;
        size_t km = types__v_push(v, pod_kinds[k]);
        json_t *req = types__v_arr(v, pa, "requiredDuringSchedulingIgnoredDuringExecution");
        json_t *pref = types__v_arr(v, pa, "preferredDuringSchedulingIgnoredDuringExecution");
        size_t rm = types__v_push(v, "requiredDuringSchedulingIgnoredDuringExecution");
        validate_pod_affinity_terms(v, req, false);
        types__v_pop(v, rm);
        rm = types__v_push(v, "preferredDuringSchedulingIgnoredDuringExecution");
        validate_pod_affinity_terms(v, pref, true);
        types__v_pop(v, rm);
        types__v_pop(v, km);
    }
    types__v_pop(v, mark);
}

static void validate_spread(vctx *v, json_t *spec)
{
    json_t *list = types__v_arr(v, spec, "topologySpreadConstraints"), *c, *seen = json_object();
    size_t mark = types__v_push(v, "topologySpreadConstraints");

    for (size_t i = 0; i < json_array_size(list); i++) {
        if (!(c = types__v_elem_obj(v, list, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        int64_t skew = 0, md;
        const char *tk = types__v_str(v, c, "topologyKey");
        const char *wu;
        json_t *ls = types__v_obj(v, c, "labelSelector");
        types__v_int32(v, c, "maxSkew", &skew);
        if (skew <= 0)
            types__v_invalid_int(v, "maxSkew", skew, "must be greater than zero");
        if (!tk || !*tk)
            types__v_required(v, "topologyKey", "can not be empty");
        else
            types__check_msgs(v, "topologyKey", tk, types__qualified_name);
        wu = types__check_enum(v, c, "whenUnsatisfiable", when_unsatisfiable, false);
        if (!json_object_get(c, "whenUnsatisfiable"))
            types__v_notsupported_str(v, "whenUnsatisfiable", "", when_unsatisfiable);
        char *pair = xasprintf("{%s, %s}", tk ? tk : "", wu ? wu : "");
        if (json_object_get(seen, pair))
            types__v_duplicate_str(v, "{topologyKey, whenUnsatisfiable}", pair);
        json_object_set_new(seen, pair, json_true());
        free(pair);
        if (types__v_int32(v, c, "minDomains", &md)) {
            if (md <= 0)
                types__v_invalid_int(v, "minDomains", md, "must be greater than 0");
            else if (wu && strcmp(wu, "DoNotSchedule") != 0)
                types__v_invalid_int(v, "minDomains", md,
                                     "can only use minDomains if "
                                     "whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway");
        }
        if (ls) {
            size_t lm = types__v_push(v, "labelSelector");
            types__validate_label_selector(v, ls, true);
            types__v_pop(v, lm);
        }
        types__v_pop(v, im);
    }
    types__v_pop(v, mark);
    json_decref(seen);
}

/* Segments of [a-z0-9]([-_a-z0-9]*[a-z0-9])? joined by '.' or '/'. */
static bool valid_sysctl_name(const char *s)
{
    size_t n = strlen(s), start = 0;
    if (n == 0 || n > 253)
        return false;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.' && s[i] != '/')
            continue;
        size_t len = i - start;
        if (len == 0)
            return false;
        for (size_t j = start; j < i; j++) {
            char c = s[j];
            bool an = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!an && ((c != '-' && c != '_') || j == start || j == i - 1))
                return false;
        }
        start = i + 1;
    }
    return true;
}

static void validate_pod_sc(vctx *v, json_t *spec)
{
    json_t *sc = types__v_obj(v, spec, "securityContext"), *sg, *sysctls, *s;
    size_t mark;
    bool share = false;

    if (!sc)
        return;
    mark = types__v_push(v, "securityContext");
    types__validate_id(v, sc, "fsGroup");
    types__validate_id(v, sc, "runAsUser");
    types__validate_id(v, sc, "runAsGroup");
    sg = types__v_arr(v, sc, "supplementalGroups");
    for (size_t i = 0; i < json_array_size(sg); i++) {
        json_t *g = json_array_get(sg, i);
        if (json_is_integer(g) &&
            (json_integer_value(g) < 0 || json_integer_value(g) > 4294967295LL)) {
            size_t gm = types__v_push(v, "supplementalGroups");
            types__v_push_index(v, i);
            types__v_invalid_int(v, NULL, json_integer_value(g), ID_RANGE_MSG);
            types__v_pop(v, gm);
        }
    }
    /* v1 keeps shareProcessNamespace/hostPID on the spec; upstream reports
     * the clash under securityContext, where its internal type keeps them. */
    if (types__v_bool(v, spec, "shareProcessNamespace", &share) && share &&
        json_is_true(json_object_get(spec, "hostPID")))
        types__v_invalid_raw(v, "shareProcessNamespace", "true",
                             "ShareProcessNamespace and HostPID cannot both be enabled");
    sysctls = types__v_arr(v, sc, "sysctls");
    size_t sm = types__v_push(v, "sysctls");
    json_t *names = json_object();
    for (size_t i = 0; i < json_array_size(sysctls); i++) {
        if (!(s = types__v_elem_obj(v, sysctls, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        const char *n = types__v_str(v, s, "name");
        if (!n || !*n)
            types__v_required(v, "name", "");
        else if (!valid_sysctl_name(n))
            types__v_invalid_str(
                v, "name", n,
                "must have at most 253 characters and match regex "
                "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$");
        else if (json_object_get(names, n))
            types__v_duplicate_str(v, "name", n);
        if (n)
            json_object_set_new(names, n, json_true());
        types__v_pop(v, im);
    }
    json_decref(names);
    types__v_pop(v, sm);
    const char *fp = types__v_str(v, sc, "fsGroupChangePolicy");
    if (fp && !types__in_list(fp, fsgroup_policies))
        types__v_notsupported_str(v, "fsGroupChangePolicy", fp, fsgroup_policies);
    types__validate_seccomp(v, sc);
    types__validate_apparmor(v, sc);
    const char *sgp = types__v_str(v, sc, "supplementalGroupsPolicy");
    if (sgp && !types__in_list(sgp, supp_group_policies))
        types__v_notsupported_str(v, "supplementalGroupsPolicy", sgp, supp_group_policies);
    const char *slp = types__v_str(v, sc, "seLinuxChangePolicy");
    if (slp && !types__in_list(slp, selinux_policies))
        types__v_notsupported_str(v, "seLinuxChangePolicy", slp, selinux_policies);
    types__v_pop(v, mark);
}

static void validate_dns_config(vctx *v, json_t *spec, const char *dns_policy)
{
    json_t *dc = types__v_obj(v, spec, "dnsConfig"), *ns, *search, *opts, *o;
    size_t mark = types__v_push(v, "dnsConfig");
    size_t i, total = 0;

    ns = types__v_arr(v, dc, "nameservers");
    search = types__v_arr(v, dc, "searches");
    opts = types__v_arr(v, dc, "options");
    if (dns_policy && !strcmp(dns_policy, "None")) {
        if (!dc) {
            types__v_required(v, NULL, "must provide `dnsConfig` when `dnsPolicy` is None");
            goto out_pop;
        }
        if (json_array_size(ns) == 0) {
            types__v_required(v, "nameservers",
                              "must provide at least one DNS nameserver when `dnsPolicy` is None");
            goto out_pop;
        }
    }
    if (!dc)
        goto out_pop;
    if (json_array_size(ns) > 3) {
        char *raw = types__go_strslice(ns);
        types__v_invalid_raw(v, "nameservers", raw, "must not have more than 3 nameservers");
        free(raw);
    }
    for (i = 0; i < json_array_size(ns); i++) {
        const char *ip = json_string_value(json_array_get(ns, i));
        if (!ip || !types__is_ip(ip)) {
            size_t im = types__v_push(v, "nameservers");
            types__v_push_index(v, i);
            types__v_invalid_str(v, NULL, ip,
                                 "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
            types__v_pop(v, im);
        }
    }
    if (json_array_size(search) > 32) {
        char *raw = types__go_strslice(search);
        types__v_invalid_raw(v, "searches", raw, "must not have more than 32 search paths");
        free(raw);
    }
    for (i = 0; i < json_array_size(search); i++) {
        const char *s = json_string_value(json_array_get(search, i));
        total += (s ? strlen(s) : 0) + (i ? 1 : 0);
    }
    if (total > 2048) {
        char *raw = types__go_strslice(search);
        types__v_invalid_raw(v, "searches", raw,
                             "must not have more than 2048 characters (including spaces) in the "
                             "search list");
        free(raw);
    }
    for (i = 0; i < json_array_size(search); i++) {
        const char *s = json_string_value(json_array_get(search, i));
        char *t = xstrdup(s ? s : "");
        size_t n = strlen(t);
        if (n && t[n - 1] == '.')
            t[n - 1] = '\0';
        size_t im = types__v_push(v, "searches");
        types__v_push_index(v, i);
        types__check_msgs(v, NULL, t, types__dns1123_subdomain);
        types__v_pop(v, im);
        free(t);
    }
    for (size_t j = 0; j < json_array_size(opts); j++) {
        if (!(o = types__v_elem_obj(v, opts, j)))
            continue;
        const char *n = json_string_value(json_object_get(o, "name"));
        if (!n || !*n) {
            size_t im = types__v_push(v, "options");
            types__v_push_index(v, j);
            types__v_required(v, NULL, "must not be empty");
            types__v_pop(v, im);
        }
    }
out_pop:
    types__v_pop(v, mark);
}

/* ---- pod spec ---------------------------------------------------------- */

/* Checks of spec fields after containers, in upstream order. */
static void validate_spec_fields(vctx *v, json_t *spec, bool is_pod, const char *restart,
                                 const char *dns)
{
    json_t *ns, *x;
    const char *s;
    int64_t ads;

    /* hostNetwork: container ports must map to the same host port. */
    if (json_is_true(json_object_get(spec, "hostNetwork"))) {
        json_t *cs = json_object_get(spec, "containers"), *c, *p;
        size_t i, j;
        json_array_foreach(cs, i, c)
        {
            json_array_foreach(json_object_get(c, "ports"), j, p)
            {
                json_int_t hp = json_integer_value(json_object_get(p, "hostPort"));
                json_int_t cp = json_integer_value(json_object_get(p, "containerPort"));
                if ((is_pod || hp != 0) && hp != cp) {
                    size_t m = types__v_push(v, "containers");
                    types__v_push_index(v, i);
                    types__v_push(v, "ports");
                    types__v_push_index(v, j);
                    types__v_invalid_int(v, "hostPort", hp,
                                         "must match `containerPort` when `hostNetwork` is true");
                    types__v_pop(v, m);
                }
            }
        }
    }
    if (restart) {
        if (!*restart)
            types__v_required(v, "restartPolicy", "");
        else if (!types__in_list(restart, restart_policies))
            types__v_notsupported_str(v, "restartPolicy", restart, restart_policies);
    } else if (!types__present(spec, "restartPolicy")) {
        types__v_required(v, "restartPolicy", "");
    }
    if (dns) {
        if (!*dns)
            types__v_required(v, "dnsPolicy", "");
        else if (!types__in_list(dns, dns_policies))
            types__v_notsupported_str(v, "dnsPolicy", dns, dns_policies);
    } else if (!types__present(spec, "dnsPolicy")) {
        types__v_required(v, "dnsPolicy", "");
    }
    ns = types__v_strmap(v, spec, "nodeSelector");
    if (ns) {
        size_t m = types__v_push(v, "nodeSelector");
        types__validate_labels(v, ns);
        types__v_pop(v, m);
    }
    validate_pod_sc(v, spec);
    x = types__v_arr(v, spec, "imagePullSecrets");
    for (size_t i = 0; i < json_array_size(x); i++) {
        size_t m = types__v_push(v, "imagePullSecrets");
        types__v_elem_obj(v, x, i);
        types__v_pop(v, m);
    }
    validate_affinity(v, spec);
    validate_dns_config(v, spec, dns);
    x = types__v_arr(v, spec, "readinessGates");
    size_t rg = types__v_push(v, "readinessGates");
    json_t *g;
    for (size_t i = 0; i < json_array_size(x); i++) {
        if (!(g = types__v_elem_obj(v, x, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        s = types__v_str(v, g, "conditionType");
        types__check_msgs(v, "conditionType", s ? s : "", types__qualified_name);
        types__v_pop(v, im);
    }
    types__v_pop(v, rg);
    x = types__v_arr(v, spec, "schedulingGates");
    rg = types__v_push(v, "schedulingGates");
    json_t *seen = json_object();
    for (size_t i = 0; i < json_array_size(x); i++) {
        if (!(g = types__v_elem_obj(v, x, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        s = types__v_str(v, g, "name");
        types__check_msgs(v, NULL, s ? s : "", types__qualified_name);
        if (json_object_get(seen, s ? s : ""))
            types__v_duplicate_str(v, NULL, s ? s : "");
        json_object_set_new(seen, s ? s : "", json_true());
        types__v_pop(v, im);
    }
    json_decref(seen);
    types__v_pop(v, rg);
    validate_spread(v, spec);
    if ((s = types__v_str(v, spec, "serviceAccountName")) && *s)
        types__check_name(v, "serviceAccountName", s, types__name_subdomain, false);
    types__v_str(v, spec, "serviceAccount");
    if ((s = types__v_str(v, spec, "nodeName")) && *s)
        types__check_name(v, "nodeName", s, types__name_subdomain, false);
    if (types__v_int(v, spec, "activeDeadlineSeconds", &ads) && (ads < 1 || ads > INT32_MAX))
        types__v_invalid_int(v, "activeDeadlineSeconds", ads,
                             "must be between 1 and 2147483647, inclusive");
    if ((s = types__v_str(v, spec, "hostname")) && *s)
        types__check_msgs(v, "hostname", s, types__dns1123_label);
    if ((s = types__v_str(v, spec, "subdomain")) && *s)
        types__check_msgs(v, "subdomain", s, types__dns1123_label);
    x = types__v_arr(v, spec, "tolerations");
    if (x) {
        size_t m = types__v_push(v, "tolerations");
        types__validate_tolerations(v, x);
        types__v_pop(v, m);
    }
    x = types__v_arr(v, spec, "hostAliases");
    size_t ha = types__v_push(v, "hostAliases");
    for (size_t i = 0; i < json_array_size(x); i++) {
        if (!(g = types__v_elem_obj(v, x, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        const char *ip = types__v_str(v, g, "ip");
        json_t *hn = types__v_arr(v, g, "hostnames");
        if (!ip || !types__is_ip(ip))
            types__v_invalid_str(v, "ip", ip,
                                 "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
        for (size_t j = 0; j < json_array_size(hn); j++) {
            const char *h = json_string_value(json_array_get(hn, j));
            size_t hm = types__v_push(v, "hostnames");
            types__v_push_index(v, j);
            types__check_msgs(v, NULL, h ? h : "", types__dns1123_subdomain);
            types__v_pop(v, hm);
        }
        types__v_pop(v, im);
    }
    types__v_pop(v, ha);
    if ((s = types__v_str(v, spec, "priorityClassName")) && *s)
        types__check_name(v, "priorityClassName", s, types__name_subdomain, false);
    if ((s = types__v_str(v, spec, "runtimeClassName")))
        types__check_name(v, "runtimeClassName", s, types__name_subdomain, false);
    if (types__present(spec, "preemptionPolicy"))
        types__check_enum(v, spec, "preemptionPolicy", preempt_policies, true);
    x = types__v_obj(v, spec, "overhead");
    if (x) {
        /* Overhead reuses the container requirements check as "limits". */
        json_t *wrap = json_pack("{s:O}", "limits", x);
        size_t m = types__v_push(v, "overhead");
        types__validate_resource_list(v, wrap, "limits", true);
        types__v_pop(v, m);
        json_decref(wrap);
    }
    x = types__v_obj(v, spec, "os");
    if (x) {
        size_t m = types__v_push(v, "os");
        types__check_enum(v, x, "name", os_names, true);
        types__v_pop(v, m);
    }
}

void types__validate_pod_spec(vctx *v, json_t *spec, bool is_pod)
{
    json_t *vols;
    int64_t grace_val;
    const int64_t *grace = NULL;
    const char *restart, *dns;

    if (!json_is_object(spec))
        return;
    if (!types__present(spec, "terminationGracePeriodSeconds"))
        types__v_required(v, "terminationGracePeriodSeconds", "");
    if (types__v_int(v, spec, "terminationGracePeriodSeconds", &grace_val))
        grace = &grace_val;
    restart = types__v_str(v, spec, "restartPolicy");
    dns = types__v_str(v, spec, "dnsPolicy");
    types__v_bool(v, spec, "hostNetwork", &(bool){false});
    types__v_bool(v, spec, "hostPID", &(bool){false});
    types__v_bool(v, spec, "hostIPC", &(bool){false});
    vols = validate_volumes(v, spec);
    types__v_arr(v, spec, "resourceClaims");
    types__validate_all_containers(v, spec, vols, grace, restart);
    json_decref(vols);
    validate_spec_fields(v, spec, is_pod, restart, dns);
}

void types__validate_pod_template(vctx *v, json_t *tmpl)
{
    json_t *meta, *labels, *ann, *spec, *ec;
    size_t mark;

    if (!json_is_object(tmpl)) {
        if (tmpl)
            types__v_invalid_json(v, NULL, tmpl, "must be of type object");
        return;
    }
    meta = types__v_obj(v, tmpl, "metadata");
    mark = types__v_push(v, "metadata");
    labels = types__v_strmap(v, meta, "labels");
    ann = types__v_strmap(v, meta, "annotations");
    types__v_pop(v, mark);
    /* Upstream reports template labels and annotations without "metadata". */
    if (labels) {
        mark = types__v_push(v, "labels");
        types__validate_labels(v, labels);
        types__v_pop(v, mark);
    }
    if (ann) {
        mark = types__v_push(v, "annotations");
        types__validate_annotations(v, ann);
        types__v_pop(v, mark);
    }
    spec = types__v_obj(v, tmpl, "spec");
    mark = types__v_push(v, "spec");
    if (spec) {
        types__validate_pod_spec(v, spec, false);
    } else {
        json_t *empty = json_object();
        types__validate_pod_spec(v, empty, false);
        json_decref(empty);
    }
    ec = spec ? json_object_get(spec, "ephemeralContainers") : NULL;
    if (json_array_size(ec) > 0)
        types__v_forbidden(v, "ephemeralContainers",
                           "ephemeral containers not allowed in pod template");
    types__v_pop(v, mark);
}
