/*
 * smp_schema.c -- which lists a strategic merge patch merges, and by what.
 *
 * Upstream Kubernetes reads this from Go struct tags (`patchStrategy:"merge"
 * patchMergeKey:"name"`) in k8s.io/api; everynode has no Go types, so the
 * same facts live here as data: for each kind, a table of field paths, each
 * row giving the list strategy and merge key, and optionally a nested table
 * for the fields below it (a Container's ports below `containers`).  smp.c
 * asks patch__smp_lookup() once per field it merges.
 *
 * Only fields whose lists merge need a row: everything absent is atomic
 * (node spec.taints, tolerations, command, args, containerStatuses, ...),
 * and maps merge key by key whatever the table says.  The rows follow the
 * struct tags of core/v1, apps/v1 and meta/v1 as of Kubernetes 1.32; note
 * that Container.resizePolicy carries no patch tag upstream and is atomic.
 * The "retainKeys" half of `merge,retainKeys` (volumes, resourceClaims) only
 * steers how clients build patches; the server applies a `$retainKeys`
 * directive wherever it appears, so it needs no row.
 */
#include "patch/patch_int.h"

#include <string.h>

/* One row: the dotted path (relative to the table holding the row) of a
 * field, how its list merges, and the table for the fields beneath it. */
struct smp_rule {
    const char *path;           /* dotted field names; NULL ends a table */
    enum smp_strategy strategy; /* list strategy of the field at path */
    const char *merge_key;      /* merge key for lists of maps, else NULL */
    const struct smp_rule *sub; /* fields under path (list items add no segment), or NULL */
};

/* Every table ends with a row whose path is NULL. */
/* clang-format off */
#define SMP_END {NULL, SMP_ATOMIC, NULL, NULL}
/* clang-format on */

/* meta/v1 ObjectMeta, in every kind and in pod templates. */
static const struct smp_rule object_meta_rules[] = {
    {"finalizers", SMP_MERGE, NULL, NULL},
    {"ownerReferences", SMP_MERGE, "uid", NULL},
    SMP_END,
};

/* core/v1 Container and EphemeralContainer(Common). */
static const struct smp_rule container_rules[] = {
    {"ports", SMP_MERGE, "containerPort", NULL},
    {"env", SMP_MERGE, "name", NULL},
    {"volumeMounts", SMP_MERGE, "mountPath", NULL},
    {"volumeDevices", SMP_MERGE, "devicePath", NULL},
    SMP_END,
};

/* core/v1 PodSpec. */
static const struct smp_rule pod_spec_rules[] = {
    {"volumes", SMP_MERGE, "name", NULL},
    {"initContainers", SMP_MERGE, "name", container_rules},
    {"containers", SMP_MERGE, "name", container_rules},
    {"ephemeralContainers", SMP_MERGE, "name", container_rules},
    {"imagePullSecrets", SMP_MERGE, "name", NULL},
    {"hostAliases", SMP_MERGE, "ip", NULL},
    {"topologySpreadConstraints", SMP_MERGE, "topologyKey", NULL},
    {"schedulingGates", SMP_MERGE, "name", NULL},
    {"resourceClaims", SMP_MERGE, "name", NULL},
    SMP_END,
};

/* core/v1 PodTemplateSpec (DaemonSet spec.template). */
static const struct smp_rule pod_template_rules[] = {
    {"metadata", SMP_ATOMIC, NULL, object_meta_rules},
    {"spec", SMP_ATOMIC, NULL, pod_spec_rules},
    SMP_END,
};

/* core/v1 PodStatus. */
static const struct smp_rule pod_status_rules[] = {
    {"conditions", SMP_MERGE, "type", NULL},
    {"podIPs", SMP_MERGE, "ip", NULL},
    {"hostIPs", SMP_MERGE, "ip", NULL},
    {"resourceClaimStatuses", SMP_MERGE, "name", NULL},
    SMP_END,
};

/* ---- per-kind roots ---------------------------------------------------- */

static const struct smp_rule pod_rules[] = {
    {"metadata", SMP_ATOMIC, NULL, object_meta_rules},
    {"spec", SMP_ATOMIC, NULL, pod_spec_rules},
    {"status", SMP_ATOMIC, NULL, pod_status_rules},
    SMP_END,
};

static const struct smp_rule daemonset_rules[] = {
    {"metadata", SMP_ATOMIC, NULL, object_meta_rules},
    {"spec.template", SMP_ATOMIC, NULL, pod_template_rules},
    {"status.conditions", SMP_MERGE, "type", NULL},
    SMP_END,
};

static const struct smp_rule node_rules[] = {
    {"metadata", SMP_ATOMIC, NULL, object_meta_rules},
    {"spec.podCIDRs", SMP_MERGE, NULL, NULL},
    {"status.conditions", SMP_MERGE, "type", NULL},
    {"status.addresses", SMP_MERGE, "type", NULL},
    SMP_END,
};

static const struct smp_rule namespace_rules[] = {
    {"metadata", SMP_ATOMIC, NULL, object_meta_rules},
    {"status.conditions", SMP_MERGE, "type", NULL},
    SMP_END,
};

static const struct smp_rule service_account_rules[] = {
    {"metadata", SMP_ATOMIC, NULL, object_meta_rules},
    {"secrets", SMP_MERGE, "name", NULL},
    SMP_END,
};

/* Event, ControllerRevision (data is opaque RawExtension), Lease and any
 * kind we do not model: only ObjectMeta has merging lists. */
static const struct smp_rule meta_only_rules[] = {
    {"metadata", SMP_ATOMIC, NULL, object_meta_rules},
    SMP_END,
};

/* Kind name -> root table. */
static const struct {
    const char *kind;            /* Kubernetes kind */
    const struct smp_rule *root; /* its field table */
} smp_kinds[] = {
    {"DaemonSet", daemonset_rules}, {"Pod", pod_rules},
    {"Node", node_rules},           {"Namespace", namespace_rules},
    {"Event", meta_only_rules},     {"ControllerRevision", meta_only_rules},
    {"Lease", meta_only_rules},     {"ServiceAccount", service_account_rules},
};

const struct smp_rule *patch__smp_schema(const char *kind)
{
    if (kind) {
        for (size_t i = 0; i < sizeof smp_kinds / sizeof smp_kinds[0]; i++)
            if (strcmp(smp_kinds[i].kind, kind) == 0)
                return smp_kinds[i].root;
    }
    return meta_only_rules;
}

/* How many leading segments of seg[0..n-1] the dotted rule path spells out
 * exactly; 0 when it does not (segments are compared whole, so a key that
 * itself contains dots can never impersonate a path). */
static size_t rule_match(const char *path, const char *const *seg, size_t n)
{
    size_t used = 0;
    const char *p = path;

    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (used >= n || strlen(seg[used]) != len || memcmp(seg[used], p, len) != 0)
            return 0;
        used++;
        if (!dot)
            return used;
        p = dot + 1;
    }
}

bool patch__smp_lookup(const struct smp_rule *root, const char *const *seg, size_t n,
                       struct smp_field *out)
{
    const struct smp_rule *table = root;
    size_t at = 0;

    out->strategy = SMP_ATOMIC;
    out->merge_key = NULL;
    while (table && at < n) {
        const struct smp_rule *next = NULL;
        for (const struct smp_rule *r = table; r->path; r++) {
            size_t used = rule_match(r->path, seg + at, n - at);
            if (!used)
                continue;
            if (at + used == n) {
                out->strategy = r->strategy;
                out->merge_key = r->merge_key;
                return true;
            }
            if (r->sub) {
                next = r->sub;
                at += used;
                break;
            }
        }
        table = next;
    }
    return false;
}
