/*
 * objects.c -- the Node and Lease objects a simulated node writes, shaped
 * as a kubelet v1.32 writes them (sim_int.h): registration body, takeover
 * and heartbeat patches for nodes/status, and the node Lease.  Pure
 * functions of the configuration, the names and the clock value passed in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "sim/sim_int.h"

/* The conditions kubelet reports, in its order, with its reasons and
 * messages for a healthy node. */
static const struct node_cond {
    const char *type;
    const char *status;
    const char *reason;
    const char *message;
} node_conds[] = {
    {"MemoryPressure", "False", "KubeletHasSufficientMemory",
     "kubelet has sufficient memory available"},
    {"DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
    {"PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
    {"Ready", "True", "KubeletReady", "kubelet is posting ready status"},
};
#define N_NODE_CONDS (sizeof node_conds / sizeof *node_conds)

/* 64-bit FNV-1a: stable per-name identifiers (machine ID, IP block). */
static uint64_t fnv1a(const char *s, uint64_t h)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

void sim__node_name(const sim_config *cfg, long idx, char *buf, size_t len)
{
    snprintf(buf, len, "%s%ld", cfg->name_prefix ? cfg->name_prefix : "", idx);
}

void sim__node_ip(const sim_config *cfg, long idx, char *buf, size_t len)
{
    /* 50 blocks of 2 x /16 picked by the prefix, so two sims with
     * different prefixes rarely share addresses; idx + 1 < 2^17. */
    uint64_t block = fnv1a(cfg->name_prefix ? cfg->name_prefix : "", 14695981039346656037ULL) % 50;
    unsigned long v = (unsigned long)idx + 1;
    snprintf(buf, len, "10.%lu.%lu.%lu", 100 + block * 2 + (v >> 16), (v >> 8) & 255, v & 255);
}

static json_t *condition(const struct node_cond *c, const char *hb, const char *tt)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", c->type, "status", c->status,
                     "lastHeartbeatTime", hb, "lastTransitionTime", tt, "reason", c->reason,
                     "message", c->message);
}

/* The condition of a type in a conditions array (borrowed) or NULL. */
static json_t *find_condition(json_t *conds, const char *type)
{
    json_t *c;
    size_t i;
    json_array_foreach(conds, i, c)
    {
        const char *t = json_string_value(json_object_get(c, "type"));
        if (t && strcmp(t, type) == 0)
            return c;
    }
    return NULL;
}

json_t *sim__node_conditions(json_t *current, int64_t now)
{
    json_t *out = json_array();
    char ts[32];

    time_format_rfc3339(now, ts, sizeof ts);
    for (size_t i = 0; i < N_NODE_CONDS; i++) {
        json_t *cur = find_condition(current, node_conds[i].type);
        const char *st = json_string_value(json_object_get(cur, "status"));
        const char *tt = json_string_value(json_object_get(cur, "lastTransitionTime"));
        /* As kubelet's setters: the transition time moves only when the
         * status does. */
        if (!st || strcmp(st, node_conds[i].status) != 0 || !tt)
            tt = ts;
        json_array_append_new(out, condition(&node_conds[i], ts, tt));
    }
    return out;
}

bool sim__node_is_healthy(json_t *node)
{
    json_t *conds = json_path(node, "status.conditions");
    for (size_t i = 0; i < N_NODE_CONDS; i++) {
        json_t *c = find_condition(conds, node_conds[i].type);
        const char *st = json_string_value(json_object_get(c, "status"));
        if (!st || strcmp(st, node_conds[i].status) != 0)
            return false;
    }
    return true;
}

static json_t *resource_list(const sim_config *cfg)
{
    json_t *r = json_object();
    for (size_t i = 0; i < cfg->n_capacity; i++)
        json_object_set_new(r, cfg->capacity[i].key, json_string(cfg->capacity[i].value));
    return r;
}

/* Stable machine ID / system UUID from the name, as real ones are stable
 * across reboots. */
static json_t *node_info(const char *name, const char *boot_id)
{
    uint64_t a = fnv1a(name, 14695981039346656037ULL), b = fnv1a(name, a ^ 0x9e3779b97f4a7c15ULL);
    char machine[33], uuid[37];

    snprintf(machine, sizeof machine, "%016llx%016llx", (unsigned long long)a,
             (unsigned long long)b);
    snprintf(uuid, sizeof uuid, "%.8s-%.4s-%.4s-%.4s-%.12s", machine, machine + 8, machine + 12,
             machine + 16, machine + 20);
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "machineID", machine,
                     "systemUUID", uuid, "bootID", boot_id, "kernelVersion", "6.1.0-sim",
                     "osImage", "everynode simulated node", "containerRuntimeVersion",
                     SIM_RUNTIME_VERSION, "kubeletVersion", SIM_KUBELET_VERSION,
                     "kubeProxyVersion", "", "operatingSystem", "linux", "architecture", "amd64");
}

static json_t *node_addresses(const char *name, const char *ip)
{
    return json_pack("[{s:s,s:s},{s:s,s:s}]", "type", "InternalIP", "address", ip, "type",
                     "Hostname", "address", name);
}

/* Labels kubelet sets on its node, then the configured ones. */
static json_t *node_labels(const sim_config *cfg, const char *name)
{
    json_t *l = json_pack("{s:s,s:s,s:s,s:s,s:s}", "beta.kubernetes.io/arch", "amd64",
                          "beta.kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64",
                          "kubernetes.io/hostname", name, "kubernetes.io/os", "linux");
    for (size_t i = 0; i < cfg->n_labels; i++)
        json_object_set_new(l, cfg->labels[i].key, json_string(cfg->labels[i].value));
    return l;
}

static json_t *node_status(const sim_config *cfg, json_t *current_conds, const char *name,
                           const char *ip, const char *boot_id, int64_t now)
{
    return json_pack("{s:o,s:o,s:o,s:o,s:{s:{s:i}},s:o}", "capacity", resource_list(cfg),
                     "allocatable", resource_list(cfg), "conditions",
                     sim__node_conditions(current_conds, now), "addresses",
                     node_addresses(name, ip), "daemonEndpoints", "kubeletEndpoint", "Port",
                     10250, "nodeInfo", node_info(name, boot_id));
}

json_t *sim__node_object(const sim_config *cfg, const char *name, const char *ip,
                         const char *boot_id, int64_t now)
{
    json_t *spec = json_object(), *node;

    if (cfg->n_taints) {
        json_t *taints = json_array();
        for (size_t i = 0; i < cfg->n_taints; i++) {
            json_t *t = json_pack("{s:s}", "key", cfg->taints[i].key);
            /* Taint.value is omitempty. */
            if (cfg->taints[i].value && *cfg->taints[i].value)
                json_object_set_new(t, "value", json_string(cfg->taints[i].value));
            json_object_set_new(t, "effect", json_string(cfg->taints[i].effect));
            json_array_append_new(taints, t);
        }
        json_object_set_new(spec, "taints", taints);
    }
    node = json_pack("{s:s,s:s,s:{s:s,s:o},s:o,s:o}", "apiVersion", "v1", "kind", "Node",
                     "metadata", "name", name, "labels", node_labels(cfg, name), "spec", spec,
                     "status", node_status(cfg, NULL, name, ip, boot_id, now));
    return node;
}

json_t *sim__node_status_patch(const sim_config *cfg, json_t *node, const char *name,
                               const char *ip, const char *boot_id, int64_t now)
{
    return json_pack("{s:o}", "status",
                     node_status(cfg, json_path(node, "status.conditions"), name, ip, boot_id,
                                 now));
}

json_t *sim__node_labels_patch(const sim_config *cfg, json_t *node, const char *name)
{
    json_t *want = node_labels(cfg, name), *have = json_path(node, "metadata.labels");
    json_t *diff = json_object(), *v;
    const char *k;

    json_object_foreach(want, k, v)
    {
        if (!json_equal(json_object_get(have, k), v))
            json_object_set(diff, k, v);
    }
    json_decref(want);
    if (!json_object_size(diff)) {
        json_decref(diff);
        return NULL;
    }
    return json_pack("{s:{s:o}}", "metadata", "labels", diff);
}

json_t *sim__node_heartbeat_patch(int64_t now)
{
    json_t *conds = json_array();
    char ts[32];

    time_format_rfc3339(now, ts, sizeof ts);
    for (size_t i = 0; i < N_NODE_CONDS; i++)
        json_array_append_new(conds, json_pack("{s:s,s:s}", "type", node_conds[i].type,
                                               "lastHeartbeatTime", ts));
    return json_pack("{s:{s:o}}", "status", "conditions", conds);
}

json_t *sim__lease_object(const sim_config *cfg, const char *name, const char *node_uid,
                          const char *rv, int64_t now_us)
{
    char ts[40];
    json_t *meta, *lease;

    time_format_rfc3339_micro(now_us, ts, sizeof ts);
    meta = json_pack("{s:s,s:s}", "name", name, "namespace", SIM_LEASE_NAMESPACE);
    if (rv && *rv)
        json_object_set_new(meta, "resourceVersion", json_string(rv));
    /* Owned by the Node, so deleting the Node collects its Lease. */
    if (node_uid && *node_uid)
        json_object_set_new(meta, "ownerReferences",
                            json_pack("[{s:s,s:s,s:s,s:s}]", "apiVersion", "v1", "kind", "Node",
                                      "name", name, "uid", node_uid));
    lease = json_pack("{s:s,s:s,s:o,s:{s:s,s:i,s:s}}", "apiVersion", "coordination.k8s.io/v1",
                      "kind", "Lease", "metadata", meta, "spec", "holderIdentity", name,
                      "leaseDurationSeconds", cfg->lease_duration, "renewTime", ts);
    return lease;
}
