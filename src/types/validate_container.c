/*
 * validate_container.c -- validation of the containers of a core/v1
 * PodSpec (regular, init and ephemeral) as pkg/apis/core/validation does
 * it: names, images, ports, environment, volume mounts and devices,
 * probes and lifecycle handlers, resources, resize policy and the
 * container security context; plus the downward API selectors that
 * environment variables and volumes share.
 *
 * Called by validate_podspec.c with the pod spec's path current; paths and
 * messages follow upstream, including its quirks (subPath errors carry the
 * mount list's path, init container host port clashes are reported as
 * element 0).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types/types_int.h"

#define IS_NEGATIVE_MSG "must be greater than or equal to 0"
#define ID_RANGE_MSG "must be between 0 and 4294967295, inclusive"
#define PORT_RANGE_MSG "must be between 1 and 65535, inclusive"

static const char *const pull_policies[] = {"Always", "IfNotPresent", "Never", NULL};
static const char *const tm_policies[] = {"File", "FallbackToLogsOnError", NULL};
static const char *const protocols[] = {"SCTP", "TCP", "UDP", NULL};
static const char *const http_schemes[] = {"HTTP", "HTTPS", NULL};
static const char *const always_only[] = {"Always", NULL};
static const char *const resize_resources[] = {"cpu", "memory", NULL};
static const char *const resize_policies[] = {"NotRequired", "RestartContainer", NULL};
static const char *const seccomp_types[] = {"Localhost", "RuntimeDefault", "Unconfined", NULL};
static const char *const apparmor_types[] = {"Localhost", "RuntimeDefault", "Unconfined", NULL};
static const char *const proc_mounts[] = {"Default", "Unmasked", NULL};
static const char *const mount_propagations[] = {"Bidirectional", "HostToContainer", "None", NULL};
static const char *const rro_modes[] = {"Disabled", "Enabled", "IfPossible", NULL};

/* ---- downward API selectors ------------------------------------------- */

static const char *const env_field_paths[] = {"metadata.name",
                                              "metadata.namespace",
                                              "metadata.uid",
                                              "spec.nodeName",
                                              "spec.serviceAccountName",
                                              "status.hostIP",
                                              "status.hostIPs",
                                              "status.podIP",
                                              "status.podIPs",
                                              NULL};
const char *const types__volume_field_paths[] = {"metadata.annotations", "metadata.labels",
                                                 "metadata.name",        "metadata.namespace",
                                                 "metadata.uid",         NULL};
static const char *const convertible_field_paths[] = {
    "metadata.annotations", "metadata.labels", "metadata.name",      "metadata.namespace",
    "metadata.uid",         "spec.nodeName",   "spec.restartPolicy", "spec.serviceAccountName",
    "spec.schedulerName",   "status.phase",    "status.hostIP",      "status.hostIPs",
    "status.podIP",         "status.podIPs",   "spec.host",          NULL};
static const char *const resource_field_paths[] = {"limits.cpu",
                                                   "limits.ephemeral-storage",
                                                   "limits.memory",
                                                   "requests.cpu",
                                                   "requests.ephemeral-storage",
                                                   "requests.memory",
                                                   NULL};

/* validateObjectFieldSelector, with the fieldRef's path current. */
void types__check_field_ref(vctx *v, json_t *fr, const char *const *expressions)
{
    const char *av = types__v_str(v, fr, "apiVersion");
    const char *fp = types__v_str(v, fr, "fieldPath");
    size_t n;

    if (!av || !*av) {
        types__v_required(v, "apiVersion", "");
        return;
    }
    if (!fp || !*fp) {
        types__v_required(v, "fieldPath", "");
        return;
    }
    if (strcmp(av, "v1") != 0) {
        char *d = xasprintf("error converting fieldPath: unsupported pod version: %s", av);
        types__v_invalid_str(v, "fieldPath", fp, d);
        free(d);
        return;
    }
    n = strlen(fp);
    const char *open = strstr(fp, "['");
    if (n > 2 && strcmp(fp + n - 2, "']") == 0 && open && open != fp) {
        /* A subscripted path: metadata.labels['key'] or annotations. */
        size_t plen = (size_t)(open - fp);
        char *sub = xstrndup(open + 2, n - plen - 4);
        if (plen == 20 && strncmp(fp, "metadata.annotations", 20) == 0) {
            for (char *q = sub; *q; q++)
                if (*q >= 'A' && *q <= 'Z')
                    *q = (char)(*q - 'A' + 'a');
            types__check_msgs(v, NULL, sub, types__qualified_name);
        } else if (plen == 15 && strncmp(fp, "metadata.labels", 15) == 0) {
            types__check_msgs(v, NULL, sub, types__qualified_name);
        } else {
            char *d = xasprintf("error converting fieldPath: field label does not support "
                                "subscript: %s",
                                fp);
            types__v_invalid_str(v, "fieldPath", fp, d);
            free(d);
        }
        free(sub);
        return;
    }
    if (!types__in_list(fp, convertible_field_paths)) {
        char *d = xasprintf("error converting fieldPath: field label not supported: %s", fp);
        types__v_invalid_str(v, "fieldPath", fp, d);
        free(d);
        return;
    }
    const char *internal = strcmp(fp, "spec.host") == 0 ? "spec.nodeName" : fp;
    if (!types__in_list(internal, expressions))
        types__v_notsupported_str(v, "fieldPath", internal, expressions);
}

/* validateContainerResourceFieldSelector, with the selector's path current. */
void types__check_resource_field_ref(vctx *v, json_t *rr, bool volume)
{
    const char *cn = types__v_str(v, rr, "containerName");
    const char *res = types__v_str(v, rr, "resource");

    if (volume && (!cn || !*cn))
        types__v_required(v, "containerName", "");
    else if (!res || !*res)
        types__v_required(v, "resource", "");
    else if (!types__in_list(res, resource_field_paths) &&
             strncmp(res, "requests.hugepages-", 19) != 0 &&
             strncmp(res, "limits.hugepages-", 17) != 0)
        types__v_notsupported_str(v, "resource", res, resource_field_paths);
}

/* ---- containers -------------------------------------------------------- */

static void validate_ports(vctx *v, json_t *c)
{
    json_t *ports = types__v_arr(v, c, "ports"), *p, *names = json_object();
    size_t mark = types__v_push(v, "ports");
    types_msgs m;

    for (size_t i = 0; i < json_array_size(ports); i++) {
        if (!(p = types__v_elem_obj(v, ports, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        const char *name = types__v_str(v, p, "name");
        int64_t cp = 0, hp = 0;
        if (name && *name) {
            types__msgs_init(&m);
            if (types__port_name(name, &m))
                types__v_invalid_msgs(v, "name", name, &m);
            else if (json_object_get(names, name))
                types__v_duplicate_str(v, "name", name);
            else
                json_object_set_new(names, name, json_true());
        }
        types__v_int32(v, p, "containerPort", &cp);
        if (cp == 0)
            types__v_required(v, "containerPort", "");
        else if (cp < 1 || cp > 65535)
            types__v_invalid_int(v, "containerPort", cp, PORT_RANGE_MSG);
        if (types__v_int32(v, p, "hostPort", &hp) && hp != 0 && (hp < 1 || hp > 65535))
            types__v_invalid_int(v, "hostPort", hp, PORT_RANGE_MSG);
        types__check_enum(v, p, "protocol", protocols, true);
        types__v_str(v, p, "hostIP");
        types__v_pop(v, im);
    }
    types__v_pop(v, mark);
    json_decref(names);
}

static void validate_env(vctx *v, json_t *c)
{
    json_t *env = types__v_arr(v, c, "env"), *e;
    size_t mark = types__v_push(v, "env");

    for (size_t i = 0; i < json_array_size(env); i++) {
        if (!(e = types__v_elem_obj(v, env, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        const char *name = types__v_str(v, e, "name");
        const char *value = types__v_str(v, e, "value");
        json_t *vf = types__v_obj(v, e, "valueFrom");
        if (!name || !*name)
            types__v_required(v, "name", "");
        else
            types__check_msgs(v, "name", name, types__env_var_name);
        if (vf) {
            size_t vm = types__v_push(v, "valueFrom");
            int n = 0;
            json_t *s;
            if ((s = types__v_obj(v, vf, "fieldRef")) != NULL) {
                size_t fm = types__v_push(v, "fieldRef");
                n++;
                types__check_field_ref(v, s, env_field_paths);
                types__v_pop(v, fm);
            }
            if ((s = types__v_obj(v, vf, "resourceFieldRef")) != NULL) {
                size_t rm = types__v_push(v, "resourceFieldRef");
                n++;
                types__check_resource_field_ref(v, s, false);
                types__v_pop(v, rm);
            }
            static const char *const keyrefs[] = {"configMapKeyRef", "secretKeyRef"};
            for (size_t k = 0; k < 2; k++) {
                if ((s = types__v_obj(v, vf, keyrefs[k])) == NULL)
                    continue;
                size_t km = types__v_push(v, keyrefs[k]);
                const char *rn = types__v_str(v, s, "name");
                const char *rk = types__v_str(v, s, "key");
                n++;
                types__check_name(v, "name", rn ? rn : "", types__name_subdomain, false);
                if (!rk || !*rk)
                    types__v_required(v, "key", "");
                else
                    types__check_msgs(v, "key", rk, types__config_map_key);
                types__v_pop(v, km);
            }
            if (n == 0)
                types__v_invalid_str(v, NULL, "",
                                     "must specify one of: `fieldRef`, `resourceFieldRef`, "
                                     "`configMapKeyRef` or `secretKeyRef`");
            else if (value && *value)
                types__v_invalid_str(v, NULL, "", "may not be specified when `value` is not empty");
            else if (n > 1)
                types__v_invalid_str(v, NULL, "",
                                     "may not have more than one field specified at a time");
            types__v_pop(v, vm);
        }
        types__v_pop(v, im);
    }
    types__v_pop(v, mark);
}

static void validate_env_from(vctx *v, json_t *c)
{
    json_t *list = types__v_arr(v, c, "envFrom"), *e;
    size_t mark = types__v_push(v, "envFrom");

    for (size_t i = 0; i < json_array_size(list); i++) {
        if (!(e = types__v_elem_obj(v, list, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        const char *prefix = types__v_str(v, e, "prefix");
        int n = 0;
        static const char *const refs[] = {"configMapRef", "secretRef"};
        if (prefix && *prefix)
            types__check_msgs(v, "prefix", prefix, types__env_var_name);
        for (size_t k = 0; k < 2; k++) {
            json_t *r = types__v_obj(v, e, refs[k]);
            if (!r)
                continue;
            size_t rm = types__v_push(v, refs[k]);
            const char *name = types__v_str(v, r, "name");
            n++;
            if (!name || !*name)
                types__v_required(v, "name", "");
            else
                types__check_name(v, "name", name, types__name_subdomain, true);
            types__v_pop(v, rm);
        }
        types__v_pop(v, im);
        /* Upstream reports these at the list path. */
        if (n == 0)
            types__v_invalid_str(v, NULL, "", "must specify one of: `configMapRef` or `secretRef`");
        else if (n > 1)
            types__v_invalid_str(v, NULL, "",
                                 "may not have more than one field specified at a time");
    }
    types__v_pop(v, mark);
}

static void validate_volume_mounts(vctx *v, json_t *c, json_t *vols)
{
    json_t *list = types__v_arr(v, c, "volumeMounts"), *mnt, *paths = json_object();
    json_t *sc = json_object_get(c, "securityContext");
    bool privileged = json_is_object(sc) && json_is_true(json_object_get(sc, "privileged"));
    size_t mark = types__v_push(v, "volumeMounts");

    for (size_t i = 0; i < json_array_size(list); i++) {
        if (!(mnt = types__v_elem_obj(v, list, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        const char *name = types__v_str(v, mnt, "name");
        const char *mp = types__v_str(v, mnt, "mountPath");
        const char *sub = types__v_str(v, mnt, "subPath");
        const char *subx = types__v_str(v, mnt, "subPathExpr");
        const char *prop = types__v_str(v, mnt, "mountPropagation");
        const char *rro = types__v_str(v, mnt, "recursiveReadOnly");
        bool ro = false;
        types__v_bool(v, mnt, "readOnly", &ro);
        if (!name || !*name)
            types__v_required(v, "name", "");
        if (!json_object_get(vols, name ? name : ""))
            types__v_notfound_str(v, "name", name ? name : "");
        if (!mp || !*mp)
            types__v_required(v, "mountPath", "");
        if (json_object_get(paths, mp ? mp : ""))
            types__v_invalid_str(v, "mountPath", mp, "must be unique");
        json_object_set_new(paths, mp ? mp : "", json_true());
        types__v_pop(v, im);
        /* subPath errors carry the list path, as upstream reports them. */
        if (sub && *sub)
            types__check_local_descending(v, "subPath", sub);
        if (subx && *subx) {
            if (sub && *sub) {
                size_t jm = types__v_push_index(v, i);
                types__v_invalid_str(v, "subPathExpr", subx,
                                     "subPathExpr and subPath are mutually exclusive");
                types__v_pop(v, jm);
            }
            types__check_local_descending(v, "subPathExpr", subx);
        }
        if (prop) {
            if (!types__in_list(prop, mount_propagations))
                types__v_notsupported_str(v, "mountPropagation", prop, mount_propagations);
            else if (!strcmp(prop, "Bidirectional") && !privileged)
                types__v_forbidden(v, "mountPropagation",
                                   "Bidirectional mount propagation is available only to "
                                   "privileged containers");
        }
        if (rro && strcmp(rro, "Disabled") != 0) {
            if (!types__in_list(rro, rro_modes)) {
                types__v_notsupported_str(v, "recursiveReadOnly", rro, rro_modes);
            } else {
                if (!ro)
                    types__v_forbidden(v, "recursiveReadOnly",
                                       "may only be specified when readOnly is true");
                if (prop && strcmp(prop, "None") != 0)
                    types__v_forbidden(v, "recursiveReadOnly",
                                       "may only be specified when mountPropagation is None or not "
                                       "specified");
            }
        }
    }
    types__v_pop(v, mark);
    json_decref(paths);
}

static void validate_volume_devices(vctx *v, json_t *c, json_t *vols)
{
    json_t *list = types__v_arr(v, c, "volumeDevices"), *d;
    size_t mark = types__v_push(v, "volumeDevices");

    for (size_t i = 0; i < json_array_size(list); i++) {
        if (!(d = types__v_elem_obj(v, list, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        const char *name = types__v_str(v, d, "name");
        const char *dp = types__v_str(v, d, "devicePath");
        json_t *src = json_object_get(vols, name ? name : "");
        if (!name || !*name)
            types__v_required(v, "name", "");
        if (!src)
            types__v_notfound_str(v, "name", name ? name : "");
        else if (!json_object_get(src, "persistentVolumeClaim") &&
                 !json_object_get(src, "ephemeral"))
            types__v_invalid_str(v, "name", name,
                                 "can only use volume source type of PersistentVolumeClaim or "
                                 "Ephemeral for block mode");
        if (!dp || !*dp)
            types__v_required(v, "devicePath", "");
        else if (types__has_backsteps(dp))
            types__v_invalid_str(v, "devicePath", dp, "can not contain backsteps ('..')");
        types__v_pop(v, im);
    }
    types__v_pop(v, mark);
}

/* ValidatePortNumOrName for an intstr port at key. */
static void validate_port_num_or_name(vctx *v, json_t *o, const char *key)
{
    json_t *p = json_object_get(o, key);
    if (json_is_integer(p)) {
        json_int_t n = json_integer_value(p);
        if (n < 1 || n > 65535)
            types__v_invalid_int(v, key, n, PORT_RANGE_MSG);
    } else if (json_is_string(p)) {
        types__check_msgs(v, key, json_string_value(p), types__port_name);
    } else if (!p || json_is_null(p)) {
        types__v_invalid_int(v, key, 0, PORT_RANGE_MSG);
    } else {
        types__v_invalid_json(v, key, p, "must be of type integer or string");
    }
}

static void validate_handler(vctx *v, json_t *h, const int64_t *grace, bool is_probe)
{
    static const char *const kinds[] = {"exec", "httpGet", "tcpSocket", "grpc", "sleep"};
    int n = 0;

    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        if ((k == 3 && !is_probe) || (k == 4 && is_probe))
            continue;
        json_t *a = types__v_obj(v, h, kinds[k]);
        if (!a)
            continue;
        if (n++ > 0) {
            types__v_forbidden(v, kinds[k], "may not specify more than 1 handler type");
            continue;
        }
        size_t am = types__v_push(v, kinds[k]);
        if (k == 0) {
            json_t *cmd = types__v_arr(v, a, "command");
            if (json_array_size(cmd) == 0)
                types__v_required(v, "command", "");
        } else if (k == 1) {
            const char *path = types__v_str(v, a, "path");
            const char *scheme = types__v_str(v, a, "scheme");
            json_t *hdrs = types__v_arr(v, a, "httpHeaders"), *hd;
            if (!path || !*path)
                types__v_required(v, "path", "");
            validate_port_num_or_name(v, a, "port");
            if (!scheme || !types__in_list(scheme, http_schemes))
                types__v_notsupported_str(v, "scheme", scheme ? scheme : "", http_schemes);
            for (size_t i = 0; i < json_array_size(hdrs); i++) {
                if (!(hd = types__v_elem_obj(v, hdrs, i)))
                    continue;
                const char *hn = types__v_str(v, hd, "name");
                types__check_msgs(v, "httpHeaders", hn ? hn : "", types__http_header_name);
            }
        } else if (k == 2) {
            validate_port_num_or_name(v, a, "port");
        } else if (k == 3) {
            validate_port_num_or_name(v, a, "port");
        } else {
            int64_t secs = 0;
            types__v_int(v, a, "seconds", &secs);
            if (grace && (secs <= 0 || secs > *grace)) {
                char *d = xasprintf("must be greater than 0 and less than "
                                    "terminationGracePeriodSeconds (%" PRId64 "). Enable "
                                    "AllowPodLifecycleSleepActionZeroValue feature gate for zero "
                                    "sleep.",
                                    *grace);
                types__v_invalid_int(v, NULL, secs, d);
                free(d);
            }
        }
        types__v_pop(v, am);
    }
    if (n == 0)
        types__v_required(v, NULL, "must specify a handler type");
}

static void validate_probe(vctx *v, json_t *c, const char *key, const int64_t *grace)
{
    json_t *p = types__v_obj(v, c, key);
    size_t mark;
    int64_t x;

    if (!p)
        return;
    mark = types__v_push(v, key);
    validate_handler(v, p, grace, true);
    static const char *const nonneg[] = {"initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                                         "successThreshold", "failureThreshold"};
    for (size_t i = 0; i < sizeof nonneg / sizeof nonneg[0]; i++)
        if (types__v_int32(v, p, nonneg[i], &x) && x < 0)
            types__v_invalid_int(v, nonneg[i], x, IS_NEGATIVE_MSG);
    if (types__v_int(v, p, "terminationGracePeriodSeconds", &x) && x <= 0)
        types__v_invalid_int(v, "terminationGracePeriodSeconds", x, "must be greater than 0");
    x = 1;
    types__v_int32(v, p, "successThreshold", &x);
    if (strcmp(key, "readinessProbe") != 0 && x != 1)
        types__v_invalid_int(v, "successThreshold", x, "must be 1");
    if (strcmp(key, "readinessProbe") == 0 &&
        json_is_integer(json_object_get(p, "terminationGracePeriodSeconds")))
        types__v_invalid_int(
            v, "terminationGracePeriodSeconds",
            json_integer_value(json_object_get(p, "terminationGracePeriodSeconds")),
            "must not be set for readinessProbes");
    types__v_pop(v, mark);
}

static void validate_lifecycle(vctx *v, json_t *c, const int64_t *grace)
{
    json_t *lc = types__v_obj(v, c, "lifecycle");
    static const char *const hooks[] = {"postStart", "preStop"};
    size_t mark;

    if (!lc)
        return;
    mark = types__v_push(v, "lifecycle");
    for (size_t i = 0; i < 2; i++) {
        json_t *h = types__v_obj(v, lc, hooks[i]);
        if (!h)
            continue;
        size_t hm = types__v_push(v, hooks[i]);
        validate_handler(v, h, grace, false);
        types__v_pop(v, hm);
    }
    types__v_pop(v, mark);
}

void types__validate_id(vctx *v, json_t *o, const char *key)
{
    int64_t id;
    if (types__v_int(v, o, key, &id) && (id < 0 || id > 4294967295LL))
        types__v_invalid_int(v, key, id, ID_RANGE_MSG);
}

void types__validate_seccomp(vctx *v, json_t *sc)
{
    json_t *sp = types__v_obj(v, sc, "seccompProfile");
    size_t mark;
    if (!sp)
        return;
    mark = types__v_push(v, "seccompProfile");
    const char *type = types__v_str(v, sp, "type");
    const char *lp = types__v_str(v, sp, "localhostProfile");
    if (!type || !*type)
        types__v_required(v, "type", "type is required when seccompProfile is set");
    else if (!types__in_list(type, seccomp_types))
        types__v_notsupported_str(v, "type", type, seccomp_types);
    if (type && !strcmp(type, "Localhost")) {
        if (!lp)
            types__v_required(v, "localhostProfile", "must be set when seccomp type is Localhost");
        else
            types__check_local_descending(v, "localhostProfile", lp);
    } else if (lp) {
        char *raw = json_dump_compact(sp, NULL);
        types__v_invalid_raw(v, "localhostProfile", raw,
                             "can only be set when seccomp type is Localhost");
        free(raw);
    }
    types__v_pop(v, mark);
}

void types__validate_apparmor(vctx *v, json_t *sc)
{
    json_t *ap = types__v_obj(v, sc, "appArmorProfile");
    size_t mark;
    if (!ap)
        return;
    mark = types__v_push(v, "appArmorProfile");
    const char *type = types__v_str(v, ap, "type");
    const char *lp = types__v_str(v, ap, "localhostProfile");
    if (!type || !*type) {
        types__v_required(v, "type", "type is required when appArmorProfile is set");
    } else if (!strcmp(type, "Localhost")) {
        if (!lp || !*lp)
            types__v_required(v, "localhostProfile", "must be set when AppArmor type is Localhost");
    } else if (!types__in_list(type, apparmor_types)) {
        types__v_notsupported_str(v, "type", type, apparmor_types);
    } else if (lp) {
        types__v_invalid_str(v, "localhostProfile", lp,
                             "can only be set when AppArmor type is Localhost");
    }
    types__v_pop(v, mark);
}

static void validate_container_sc(vctx *v, json_t *c)
{
    json_t *sc = types__v_obj(v, c, "securityContext"), *caps;
    size_t mark;
    bool priv = false, ape = true;

    if (!sc)
        return;
    mark = types__v_push(v, "securityContext");
    types__v_bool(v, sc, "privileged", &priv);
    types__validate_id(v, sc, "runAsUser");
    types__validate_id(v, sc, "runAsGroup");
    const char *pm = types__v_str(v, sc, "procMount");
    if (pm && !types__in_list(pm, proc_mounts))
        types__v_notsupported_str(v, "procMount", pm, proc_mounts);
    types__validate_seccomp(v, sc);
    if (types__v_bool(v, sc, "allowPrivilegeEscalation", &ape) && !ape) {
        caps = json_object_get(sc, "capabilities");
        if (priv) {
            char *raw = json_dump_compact(sc, NULL);
            types__v_invalid_raw(v, NULL, raw,
                                 "cannot set `allowPrivilegeEscalation` to false and `privileged` "
                                 "to true");
            free(raw);
        }
        json_t *add = json_is_object(caps) ? json_object_get(caps, "add") : NULL, *a;
        size_t i;
        json_array_foreach(add, i, a)
        {
            if (json_is_string(a) && !strcmp(json_string_value(a), "CAP_SYS_ADMIN")) {
                char *raw = json_dump_compact(sc, NULL);
                types__v_invalid_raw(v, NULL, raw,
                                     "cannot set `allowPrivilegeEscalation` to false and "
                                     "`capabilities.Add` CAP_SYS_ADMIN");
                free(raw);
            }
        }
    }
    types__validate_apparmor(v, sc);
    types__v_pop(v, mark);
}

static void validate_resize_policy(vctx *v, json_t *c, const char *pod_restart)
{
    json_t *list = types__v_arr(v, c, "resizePolicy"), *p, *seen = json_object();
    size_t mark = types__v_push(v, "resizePolicy");

    for (size_t i = 0; i < json_array_size(list); i++) {
        if (!(p = types__v_elem_obj(v, list, i)))
            continue;
        const char *rn = types__v_str(v, p, "resourceName");
        const char *rp = types__v_str(v, p, "restartPolicy");
        if (rn && json_object_get(seen, rn)) {
            size_t im = types__v_push_index(v, i);
            types__v_duplicate_str(v, NULL, rn);
            types__v_pop(v, im);
        }
        if (rn)
            json_object_set_new(seen, rn, json_true());
        if (!rn || !*rn)
            types__v_required(v, NULL, "");
        else if (!types__in_list(rn, resize_resources))
            types__v_notsupported_str(v, NULL, rn, resize_resources);
        if (!rp || !*rp)
            types__v_required(v, NULL, "");
        else if (!types__in_list(rp, resize_policies))
            types__v_notsupported_str(v, NULL, rp, resize_policies);
        if (pod_restart && !strcmp(pod_restart, "Never") && (!rp || strcmp(rp, "NotRequired")))
            types__v_invalid_str(v, NULL, rp ? rp : "",
                                 "must be 'NotRequired' when `restartPolicy` is 'Never'");
    }
    types__v_pop(v, mark);
    json_decref(seen);
}

/* validateContainerCommon, with the container's path current. */
static void validate_container_common(vctx *v, json_t *c, json_t *vols, const char *pod_restart)
{
    const char *name = types__v_str(v, c, "name");
    const char *image = types__v_str(v, c, "image");
    json_t *res;

    if (!name || !*name)
        types__v_required(v, "name", "");
    else
        types__check_msgs(v, "name", name, types__dns1123_label);
    if (!image || !*image)
        types__v_required(v, "image", "");
    types__check_enum(v, c, "terminationMessagePolicy", tm_policies, true);
    validate_ports(v, c);
    validate_env(v, c);
    validate_env_from(v, c);
    validate_volume_mounts(v, c, vols);
    validate_volume_devices(v, c, vols);
    types__check_enum(v, c, "imagePullPolicy", pull_policies, true);
    res = types__v_obj(v, c, "resources");
    if (res) {
        size_t rm = types__v_push(v, "resources");
        types__validate_requirements(v, res);
        types__v_pop(v, rm);
    }
    validate_resize_policy(v, c, pod_restart);
    validate_container_sc(v, c);
}

/*
 * Host port collisions among containers, keyed protocol/hostIP/port.  Init
 * containers are checked one at a time (they run one by one), and upstream
 * then reports them as element 0 of a one-element list.
 */
static void check_host_ports(vctx *v, json_t *containers, size_t only, json_t *seen)
{
    json_t *c, *p;
    size_t i, j;
    json_array_foreach(containers, i, c)
    {
        if (only != (size_t)-1 && i != only)
            continue;
        json_array_foreach(json_object_get(c, "ports"), j, p)
        {
            json_int_t hp = json_integer_value(json_object_get(p, "hostPort"));
            if (!json_is_object(p) || hp == 0)
                continue;
            const char *proto = json_string_value(json_object_get(p, "protocol"));
            const char *ip = json_string_value(json_object_get(p, "hostIP"));
            char *key = xasprintf("%s/%s/%lld", proto ? proto : "", ip ? ip : "", (long long)hp);
            if (json_object_get(seen, key)) {
                size_t m = types__v_push_index(v, only == (size_t)-1 ? i : 0);
                types__v_push(v, "ports");
                types__v_push_index(v, j);
                types__v_duplicate_str(v, "hostPort", key);
                types__v_pop(v, m);
            }
            json_object_set_new(seen, key, json_true());
            free(key);
        }
    }
}

static void validate_containers(vctx *v, json_t *spec, json_t *vols, const int64_t *grace,
                                const char *pod_restart, json_t *names)
{
    json_t *list = types__v_arr(v, spec, "containers"), *c, *seen;
    size_t mark;

    if (json_array_size(list) == 0) {
        /* A mistyped list was reported by types__v_arr already. */
        if (list || !types__present(spec, "containers"))
            types__v_required(v, "containers", "");
        return;
    }
    mark = types__v_push(v, "containers");
    for (size_t i = 0; i < json_array_size(list); i++) {
        if (!(c = types__v_elem_obj(v, list, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        const char *name = json_string_value(json_object_get(c, "name"));
        validate_container_common(v, c, vols, pod_restart);
        if (json_object_get(names, name ? name : ""))
            types__v_duplicate_str(v, "name", name ? name : "");
        else
            json_object_set_new(names, name ? name : "", json_true());
        validate_lifecycle(v, c, grace);
        validate_probe(v, c, "livenessProbe", grace);
        validate_probe(v, c, "readinessProbe", grace);
        validate_probe(v, c, "startupProbe", grace);
        json_t *rp = json_object_get(c, "restartPolicy");
        if (rp && !json_is_null(rp))
            types__v_forbidden(v, "restartPolicy", "may not be set for non-init containers");
        types__v_pop(v, im);
    }
    seen = json_object();
    check_host_ports(v, list, (size_t)-1, seen);
    json_decref(seen);
    types__v_pop(v, mark);
}

static void validate_init_containers(vctx *v, json_t *spec, json_t *vols, const int64_t *grace,
                                     const char *pod_restart, json_t *names)
{
    json_t *list = types__v_arr(v, spec, "initContainers"), *c;
    size_t mark = types__v_push(v, "initContainers");
    static const char *const banned[] = {"lifecycle", "livenessProbe", "readinessProbe",
                                         "startupProbe"};

    for (size_t i = 0; i < json_array_size(list); i++) {
        if (!(c = types__v_elem_obj(v, list, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        const char *name = json_string_value(json_object_get(c, "name"));
        const char *rp;
        bool always = false;
        validate_container_common(v, c, vols, pod_restart);
        rp = types__v_str(v, c, "restartPolicy");
        if (rp) {
            if (strcmp(rp, "Always") != 0)
                types__v_notsupported_str(v, "restartPolicy", rp, always_only);
            always = strcmp(rp, "Always") == 0;
        }
        if (json_object_get(names, name ? name : ""))
            types__v_duplicate_str(v, "name", name ? name : "");
        else if (name && *name)
            json_object_set_new(names, name, json_true());
        types__v_pop(v, im);
        json_t *seen = json_object();
        check_host_ports(v, list, i, seen);
        json_decref(seen);
        im = types__v_push_index(v, i);
        if (always) {
            validate_lifecycle(v, c, grace);
            validate_probe(v, c, "livenessProbe", grace);
            validate_probe(v, c, "readinessProbe", grace);
            validate_probe(v, c, "startupProbe", grace);
        } else {
            for (size_t b = 0; b < sizeof banned / sizeof banned[0]; b++) {
                json_t *x = json_object_get(c, banned[b]);
                if (x && !json_is_null(x))
                    types__v_forbidden(v, banned[b],
                                       "may not be set for init containers without "
                                       "restartPolicy=Always");
            }
        }
        json_t *rsp = json_object_get(c, "resizePolicy");
        if (json_array_size(rsp) > 0) {
            char *raw = json_dump_compact(rsp, NULL);
            types__v_invalid_raw(v, "resizePolicy", raw, "must not be set for init containers");
            free(raw);
        }
        types__v_pop(v, im);
    }
    types__v_pop(v, mark);
}

static void validate_ephemeral_containers(vctx *v, json_t *spec, json_t *vols,
                                          const char *pod_restart, json_t *names)
{
    json_t *list = types__v_arr(v, spec, "ephemeralContainers"), *c;
    size_t mark = types__v_push(v, "ephemeralContainers");

    for (size_t i = 0; i < json_array_size(list); i++) {
        if (!(c = types__v_elem_obj(v, list, i)))
            continue;
        size_t im = types__v_push_index(v, i);
        const char *name = json_string_value(json_object_get(c, "name"));
        const char *target = types__v_str(v, c, "targetContainerName");
        validate_container_common(v, c, vols, pod_restart);
        if (json_object_get(names, name ? name : ""))
            types__v_duplicate_str(v, "name", name ? name : "");
        else
            json_object_set_new(names, name ? name : "", json_true());
        if (target && *target && !json_object_get(names, target))
            types__v_notfound_str(v, "targetContainerName", target);
        types__v_pop(v, im);
    }
    types__v_pop(v, mark);
}

void types__validate_all_containers(vctx *v, json_t *spec, json_t *vols, const int64_t *grace,
                                    const char *restart)
{
    json_t *names = json_object();
    validate_containers(v, spec, vols, grace, restart, names);
    validate_init_containers(v, spec, vols, grace, restart, names);
    validate_ephemeral_containers(v, spec, vols, restart, names);
    json_decref(names);
}
