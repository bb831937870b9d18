/*
 * defaults.c -- defaulting as the Kubernetes v1.32 API server applies it to
 * the kinds everynode serves (pkg/apis/core/v1/defaults.go,
 * pkg/apis/apps/v1/defaults.go and the generated SetObjectDefaults_*),
 * plus the create-time fields the namespace strategy fills in.
 *
 * Defaulting works on the JSON wire form and never fails: a member that is
 * absent or null is what Go decodes to a zero value and gets its default; a
 * member of the wrong JSON type is left alone for validation to report.
 * Quantities in resource lists are rewritten in canonical form (rounded up
 * to milli precision), as the API server's round trip through
 * resource.Quantity does.
 */
#include <stdlib.h>
#include <string.h>

#include "types/types_int.h"

#define DEFAULT_FILE_MODE 420 /* 0644 */

/* Member unless absent or null. */
static json_t *get(json_t *o, const char *key)
{
    json_t *m = json_is_object(o) ? json_object_get(o, key) : NULL;
    return json_is_null(m) ? NULL : m;
}

/* The object at key, created when absent or null; NULL when the member has
 * another type (left for validation) or o is not an object. */
static json_t *ensure(json_t *o, const char *key)
{
    json_t *m;
    if (!json_is_object(o))
        return NULL;
    m = get(o, key);
    if (!m) {
        m = json_object();
        json_object_set_new(o, key, m);
    }
    return json_is_object(m) ? m : NULL;
}

/* A string field defaulted when "" (Go's zero value) or absent. */
static void def_str(json_t *o, const char *key, const char *val)
{
    json_t *m = get(o, key);
    if (!json_is_object(o))
        return;
    if (!m || (json_is_string(m) && !*json_string_value(m)))
        json_object_set_new(o, key, json_string(val));
}

/* A pointer field defaulted only when absent (nil). */
static void def_ptr_str(json_t *o, const char *key, const char *val)
{
    if (json_is_object(o) && !get(o, key))
        json_object_set_new(o, key, json_string(val));
}

static void def_ptr_int(json_t *o, const char *key, json_int_t val)
{
    if (json_is_object(o) && !get(o, key))
        json_object_set_new(o, key, json_integer(val));
}

static void def_ptr_bool(json_t *o, const char *key, bool val)
{
    if (json_is_object(o) && !get(o, key))
        json_object_set_new(o, key, json_boolean(val));
}

/* A non-pointer integer defaulted when 0 or absent. */
static void def_int(json_t *o, const char *key, json_int_t val)
{
    json_t *m = get(o, key);
    if (!json_is_object(o))
        return;
    if (!m || (json_is_integer(m) && json_integer_value(m) == 0))
        json_object_set_new(o, key, json_integer(val));
}

/* SetDefaults_ResourceList: canonical, rounded-up quantities. */
static void def_resource_list(json_t *list)
{
    const char *k;
    json_t *v;
    types_qty q;

    json_object_foreach(list, k, v)
    {
        if (types__qty_parse_json(v, &q) == 0) {
            char *s = types__qty_string(&q);
            json_object_set_new(list, k, json_string(s));
            free(s);
        }
    }
}

/* ---- image references (k8s.io/kubernetes/pkg/util/parsers) -------------- */

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool ref_component(const char *s, size_t n)
{
    size_t i = 0;
    if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
        return false;
    while (i < n) {
        if (is_lower_alnum(s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        if (s[i] == '.') {
            j++;
        } else if (s[i] == '_') {
            j++;
            if (j < n && s[j] == '_')
                j++;
        } else if (s[i] == '-') {
            while (j < n && s[j] == '-')
                j++;
        } else {
            return false;
        }
        if (j >= n || !is_lower_alnum(s[j]))
            return false;
        i = j;
    }
    return true;
}

/* host[:port] where host is dot-separated [a-zA-Z0-9-] labels. */
static bool ref_domain(const char *s, size_t n)
{
    size_t colon = n;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ':')
            colon = i;
    if (colon == 0)
        return false;
    for (size_t i = colon + 1; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    if (colon < n && colon + 1 == n)
        return false;
    for (size_t i = 0; i < colon; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && c != '-' && c != '.')
            return false;
        if ((c == '-' || c == '.') && (i == 0 || i + 1 == colon || s[i - 1] == '.'))
            return false;
    }
    return true;
}

/*
 * SetDefaults_Container's pull policy test: true when the reference parses
 * and its tag is "latest", or it has neither tag nor digest (which
 * ParseImageName reads as "latest").  References the parser rejects give
 * false, i.e. IfNotPresent, as upstream ignores the parse error.
 */
static bool image_wants_always(const char *image)
{
    const char *at = strchr(image, '@'), *end, *slash, *colon, *p;
    bool has_digest = at != NULL;
    size_t name_len;

    end = at ? at : image + strlen(image);
    if (at) {
        /* algorithm:hex (at least 32 hex digits) */
        const char *c = strchr(at + 1, ':');
        if (!c || c == at + 1 || strlen(c + 1) < 32)
            return false;
        for (p = c + 1; *p; p++)
            if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
                return false;
    }
    slash = NULL;
    for (p = image; p < end; p++)
        if (*p == '/')
            slash = p;
    colon = NULL;
    for (p = slash ? slash : image; p < end; p++)
        if (*p == ':')
            colon = p;
    name_len = (size_t)((colon ? colon : end) - image);
    if (name_len == 0 || name_len > 255)
        return false;
    if (colon) {
        size_t tlen = (size_t)(end - colon - 1);
        if (tlen == 0 || tlen > 128)
            return false;
        for (p = colon + 1; p < end; p++) {
            char c = *p;
            bool w = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '_';
            if (!w && (p == colon + 1 || (c != '.' && c != '-')))
                return false;
        }
    }
    /* Components; the first is a registry when it looks like a host. */
    p = image;
    for (bool first = true; p < image + name_len; first = false) {
        const char *q = memchr(p, '/', (size_t)(image + name_len - p));
        size_t n = q ? (size_t)(q - p) : (size_t)(image + name_len - p);
        bool domainish =
            first && q &&
            (memchr(p, '.', n) || memchr(p, ':', n) || (n == 9 && strncmp(p, "localhost", 9) == 0));
        if (domainish ? !ref_domain(p, n) : !ref_component(p, n))
            return false;
        p += n + (q ? 1 : 0);
        if (!q)
            break;
    }
    if (colon)
        return (size_t)(end - colon - 1) == 6 && strncmp(colon + 1, "latest", 6) == 0;
    return !has_digest;
}

/* ---- containers, probes, volumes ---------------------------------------- */

static void def_http_get(json_t *handler)
{
    json_t *h = get(handler, "httpGet");
    def_str(h, "path", "/");
    def_str(h, "scheme", "HTTP");
}

static void def_probe(json_t *probe)
{
    json_t *grpc;
    if (!json_is_object(probe))
        return;
    def_int(probe, "timeoutSeconds", 1);
    def_int(probe, "periodSeconds", 10);
    def_int(probe, "successThreshold", 1);
    def_int(probe, "failureThreshold", 3);
    def_http_get(probe);
    grpc = get(probe, "grpc");
    def_ptr_str(grpc, "service", "");
}

static void def_container(json_t *c)
{
    json_t *ports, *env, *res, *lc, *e;
    size_t i;

    if (!json_is_object(c))
        return;
    if (!get(c, "imagePullPolicy") || (json_is_string(get(c, "imagePullPolicy")) &&
                                       !*json_string_value(get(c, "imagePullPolicy")))) {
        json_t *img = get(c, "image");
        bool always = json_is_string(img) && image_wants_always(json_string_value(img));
        json_object_set_new(c, "imagePullPolicy", json_string(always ? "Always" : "IfNotPresent"));
    }
    def_str(c, "terminationMessagePath", "/dev/termination-log");
    def_str(c, "terminationMessagePolicy", "File");
    ports = get(c, "ports");
    json_array_foreach(ports, i, e)
    {
        def_str(e, "protocol", "TCP");
    }
    env = get(c, "env");
    json_array_foreach(env, i, e)
    {
        json_t *fr = get(get(e, "valueFrom"), "fieldRef");
        def_str(fr, "apiVersion", "v1");
    }
    /* ResourceRequirements is a struct, always present on the wire. */
    res = ensure(c, "resources");
    def_resource_list(get(res, "limits"));
    def_resource_list(get(res, "requests"));
    def_probe(get(c, "livenessProbe"));
    def_probe(get(c, "readinessProbe"));
    def_probe(get(c, "startupProbe"));
    lc = get(c, "lifecycle");
    def_http_get(get(lc, "postStart"));
    def_http_get(get(lc, "preStop"));
}

static void def_downward_items(json_t *items)
{
    json_t *it;
    size_t i;
    json_array_foreach(items, i, it)
    {
        def_str(get(it, "fieldRef"), "apiVersion", "v1");
    }
}

static const char *const volume_sources[] = {"hostPath",
                                             "emptyDir",
                                             "gcePersistentDisk",
                                             "awsElasticBlockStore",
                                             "gitRepo",
                                             "secret",
                                             "nfs",
                                             "iscsi",
                                             "glusterfs",
                                             "persistentVolumeClaim",
                                             "rbd",
                                             "flexVolume",
                                             "cinder",
                                             "cephfs",
                                             "flocker",
                                             "downwardAPI",
                                             "fc",
                                             "azureFile",
                                             "configMap",
                                             "vsphereVolume",
                                             "quobyte",
                                             "azureDisk",
                                             "photonPersistentDisk",
                                             "projected",
                                             "portworxVolume",
                                             "scaleIO",
                                             "storageos",
                                             "csi",
                                             "ephemeral",
                                             "image",
                                             NULL};

static void def_volume(json_t *vol)
{
    json_t *s, *src;
    bool any = false;
    size_t i;

    if (!json_is_object(vol))
        return;
    for (i = 0; volume_sources[i]; i++)
        any |= get(vol, volume_sources[i]) != NULL;
    if (!any)
        json_object_set_new(vol, "emptyDir", json_object());
    def_ptr_str(get(vol, "hostPath"), "type", "");
    def_ptr_int(get(vol, "secret"), "defaultMode", DEFAULT_FILE_MODE);
    def_ptr_int(get(vol, "configMap"), "defaultMode", DEFAULT_FILE_MODE);
    s = get(vol, "downwardAPI");
    if (json_is_object(s)) {
        def_ptr_int(s, "defaultMode", DEFAULT_FILE_MODE);
        def_downward_items(get(s, "items"));
    }
    s = get(vol, "projected");
    if (json_is_object(s)) {
        def_ptr_int(s, "defaultMode", DEFAULT_FILE_MODE);
        json_array_foreach(get(s, "sources"), i, src)
        {
            def_downward_items(get(get(src, "downwardAPI"), "items"));
            def_ptr_int(get(src, "serviceAccountToken"), "expirationSeconds", 3600);
        }
    }
    def_str(get(vol, "iscsi"), "iscsiInterface", "default");
    s = get(vol, "rbd");
    def_str(s, "pool", "rbd");
    def_str(s, "user", "admin");
    def_str(s, "keyring", "/etc/ceph/keyring");
    s = get(vol, "azureDisk");
    def_ptr_str(s, "cachingMode", "ReadWrite");
    def_ptr_str(s, "kind", "Shared");
    def_ptr_str(s, "fsType", "ext4");
    def_ptr_bool(s, "readOnly", false);
    s = get(vol, "scaleIO");
    def_str(s, "storageMode", "ThinProvisioned");
    def_str(s, "fsType", "xfs");
    s = get(get(get(vol, "ephemeral"), "volumeClaimTemplate"), "spec");
    if (json_is_object(s)) {
        def_ptr_str(s, "volumeMode", "Filesystem");
        def_resource_list(get(get(s, "resources"), "limits"));
        def_resource_list(get(get(s, "resources"), "requests"));
    }
}

void types__default_pod_spec(json_t *spec)
{
    static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};
    json_t *e;
    size_t i;

    if (!json_is_object(spec))
        return;
    def_str(spec, "dnsPolicy", "ClusterFirst");
    def_str(spec, "restartPolicy", "Always");
    if (!get(spec, "securityContext"))
        json_object_set_new(spec, "securityContext", json_object());
    def_ptr_int(spec, "terminationGracePeriodSeconds", 30);
    def_str(spec, "schedulerName", "default-scheduler");
    json_array_foreach(get(spec, "volumes"), i, e)
    {
        def_volume(e);
    }
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        json_array_foreach(get(spec, lists[l]), i, e)
        {
            def_container(e);
        }
    }
    def_resource_list(get(spec, "overhead"));
}

/* ---- per kind ---------------------------------------------------------- */

/* SetDefaults_Pod: pod-only defaults, applied before the pod spec ones. */
static void def_pod_only(json_t *spec)
{
    static const char *const lists[] = {"containers", "initContainers"};
    json_t *c, *p;
    size_t i, j;
    bool host_net = json_is_true(get(spec, "hostNetwork"));

    for (size_t l = 0; l < 2; l++) {
        json_array_foreach(get(spec, lists[l]), i, c)
        {
            json_t *res = get(c, "resources"), *lim = get(res, "limits"), *req;
            const char *k;
            json_t *q;
            /* Requests default to limits (pods only, not templates). */
            if (json_is_object(lim) && json_object_size(lim) > 0) {
                req = ensure(res, "requests");
                json_object_foreach(lim, k, q)
                {
                    if (req && !json_object_get(req, k))
                        json_object_set(req, k, q);
                }
            }
            if (!host_net)
                continue;
            /* With host networking every container port is a host port. */
            json_array_foreach(get(c, "ports"), j, p)
            {
                json_t *hp = get(p, "hostPort"), *cp = get(p, "containerPort");
                if ((!hp || (json_is_integer(hp) && json_integer_value(hp) == 0)) &&
                    json_is_integer(cp))
                    json_object_set(p, "hostPort", cp);
            }
        }
    }
    def_ptr_bool(spec, "enableServiceLinks", true);
}

void types__default_pod(json_t *obj)
{
    json_t *spec = get(obj, "spec"), *status;
    if (json_is_object(spec)) {
        def_pod_only(spec);
        types__default_pod_spec(spec);
    }
    status = ensure(obj, "status");
    def_str(status, "phase", "Pending");
}

void types__default_daemonset(json_t *obj)
{
    json_t *spec = ensure(obj, "spec"), *us, *ru, *tmpl;
    const char *type;

    if (!spec)
        return;
    us = ensure(spec, "updateStrategy");
    def_str(us, "type", "RollingUpdate");
    type = json_string_value(get(us, "type"));
    if (type && strcmp(type, "RollingUpdate") == 0) {
        ru = ensure(us, "rollingUpdate");
        def_ptr_int(ru, "maxUnavailable", 1);
        def_ptr_int(ru, "maxSurge", 0);
    }
    def_ptr_int(spec, "revisionHistoryLimit", 10);
    /* The template is a struct: even a missing one gets pod spec defaults. */
    tmpl = ensure(spec, "template");
    types__default_pod_spec(ensure(tmpl, "spec"));
}

void types__default_namespace(json_t *obj)
{
    json_t *meta = get(obj, "metadata"), *labels, *spec, *status;
    const char *name = json_string_value(get(meta, "name"));
    const char *rv = json_string_value(get(meta, "resourceVersion"));

    if (name && *name && json_is_object(meta)) {
        labels = ensure(meta, "labels");
        if (labels)
            json_object_set_new(labels, "kubernetes.io/metadata.name", json_string(name));
    }
    /*
     * The "kubernetes" finalizer is a create-time default (the namespace
     * strategy's PrepareForCreate): once removed through /finalize it must
     * not come back, so only objects not yet stored (no resourceVersion)
     * get it.
     */
    if (!rv || !*rv) {
        spec = ensure(obj, "spec");
        if (spec && !get(spec, "finalizers"))
            json_object_set_new(spec, "finalizers", json_pack("[s]", "kubernetes"));
    }
    status = ensure(obj, "status");
    def_str(status, "phase", "Active");
}

void types__default_node(json_t *obj)
{
    json_t *status = get(obj, "status"), *cap;
    if (!json_is_object(status))
        return;
    cap = get(status, "capacity");
    if (json_is_object(cap) && !get(status, "allocatable"))
        json_object_set_new(status, "allocatable", json_deep_copy(cap));
    def_resource_list(get(status, "capacity"));
    def_resource_list(get(status, "allocatable"));
}

void types__default_service(json_t *obj)
{
    json_t *spec = get(obj, "spec"), *p;
    const char *aff, *type;
    size_t i;

    if (!json_is_object(spec))
        return;
    def_str(spec, "sessionAffinity", "None");
    aff = json_string_value(get(spec, "sessionAffinity"));
    if (aff && strcmp(aff, "None") == 0) {
        json_object_del(spec, "sessionAffinityConfig");
    } else if (aff && strcmp(aff, "ClientIP") == 0) {
        json_t *cip = get(get(spec, "sessionAffinityConfig"), "clientIP");
        if (!get(cip, "timeoutSeconds"))
            json_object_set_new(spec, "sessionAffinityConfig",
                                json_pack("{s:{s:i}}", "clientIP", "timeoutSeconds", 10800));
    }
    def_str(spec, "type", "ClusterIP");
    type = json_string_value(get(spec, "type"));
    json_array_foreach(get(spec, "ports"), i, p)
    {
        json_t *tp = get(p, "targetPort");
        def_str(p, "protocol", "TCP");
        if (json_is_object(p) && json_is_integer(get(p, "port")) &&
            (!tp || (json_is_integer(tp) && json_integer_value(tp) == 0) ||
             (json_is_string(tp) && !*json_string_value(tp))))
            json_object_set(p, "targetPort", get(p, "port"));
    }
    if (type && (!strcmp(type, "NodePort") || !strcmp(type, "LoadBalancer") ||
                 json_array_size(get(spec, "externalIPs")) > 0))
        def_str(spec, "externalTrafficPolicy", "Cluster");
    if (type &&
        (!strcmp(type, "NodePort") || !strcmp(type, "LoadBalancer") || !strcmp(type, "ClusterIP")))
        def_ptr_str(spec, "internalTrafficPolicy", "Cluster");
    if (type && !strcmp(type, "LoadBalancer"))
        def_ptr_bool(spec, "allocateLoadBalancerNodePorts", true);
}
