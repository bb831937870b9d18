/*
 * config.c -- the agent's configuration (agent.h): defaults, the parsers
 * of --node-labels and --register-with-taints, and whole-configuration
 * checks.  The list syntax and its checks are the simulator's (sim.h
 * parses them with Kubernetes' rules); this file turns the result into the
 * JSON the Node object carries.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_int.h"
#include "sim/sim.h"
#include "types/types.h"

void agent_config_init(agent_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->labels = json_object();
    cfg->taints = json_array();
    cfg->data_dir = xstrdup("/var/lib/everynode/agent");
    cfg->port = 10250;
    cfg->workers = 4;
    cfg->lease_interval = 10;
    cfg->lease_duration = 40;
    cfg->status_interval = 60;
}

void agent_config_release(agent_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->server);
    free(cfg->token);
    free(cfg->ca_file);
    free(cfg->kubeconfig);
    free(cfg->node_name);
    free(cfg->node_ip);
    json_decref(cfg->labels);
    json_decref(cfg->taints);
    free(cfg->data_dir);
    free(cfg->registries);
    free(cfg->runc);
    free(cfg->cgroup_parent);
    memset(cfg, 0, sizeof *cfg);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void agent__config_copy(agent_config *dst, const agent_config *src)
{
    *dst = *src;
    dst->server = dup_or_null(src->server);
    dst->token = dup_or_null(src->token);
    dst->ca_file = dup_or_null(src->ca_file);
    dst->kubeconfig = dup_or_null(src->kubeconfig);
    dst->node_name = dup_or_null(src->node_name);
    dst->node_ip = dup_or_null(src->node_ip);
    dst->labels = src->labels ? json_deep_copy(src->labels) : json_object();
    dst->taints = src->taints ? json_deep_copy(src->taints) : json_array();
    dst->data_dir = dup_or_null(src->data_dir);
    dst->registries = dup_or_null(src->registries);
    dst->runc = dup_or_null(src->runc);
    dst->cgroup_parent = dup_or_null(src->cgroup_parent);
}

int agent_config_set_labels(agent_config *cfg, const char *s, char **err)
{
    sim_config tmp;
    int rc;

    sim_config_init(&tmp);
    rc = sim_config_set_labels(&tmp, s, err);
    if (rc == 0) {
        json_t *labels = json_object();
        for (size_t i = 0; i < tmp.n_labels; i++)
            json_object_set_new(labels, tmp.labels[i].key, json_string(tmp.labels[i].value));
        json_decref(cfg->labels);
        cfg->labels = labels;
    }
    sim_config_release(&tmp);
    return rc;
}

int agent_config_set_taints(agent_config *cfg, const char *s, char **err)
{
    sim_config tmp;
    int rc;

    sim_config_init(&tmp);
    rc = sim_config_set_taints(&tmp, s, err);
    if (rc == 0) {
        json_t *taints = json_array();
        for (size_t i = 0; i < tmp.n_taints; i++) {
            json_t *t = json_pack("{s:s}", "key", tmp.taints[i].key);
            /* Taint.value is omitempty. */
            if (tmp.taints[i].value && *tmp.taints[i].value)
                json_object_set_new(t, "value", json_string(tmp.taints[i].value));
            json_object_set_new(t, "effect", json_string(tmp.taints[i].effect));
            json_array_append_new(taints, t);
        }
        json_decref(cfg->taints);
        cfg->taints = taints;
    }
    sim_config_release(&tmp);
    return rc;
}

int agent_config_check(const agent_config *cfg, char **err)
{
    const char *msg;
    unsigned char addr[16];

    *err = NULL;
    if ((!cfg->server || !*cfg->server) && (!cfg->kubeconfig || !*cfg->kubeconfig)) {
        *err = xstrdup("--server (with --token) or --kubeconfig is required");
        return EN_INVALID;
    }
    if (cfg->server && strncmp(cfg->server, "https://", 8) != 0 &&
        strncmp(cfg->server, "http://", 7) != 0) {
        *err = xasprintf("--server \"%s\": expected an http:// or https:// URL", cfg->server);
        return EN_INVALID;
    }
    if (cfg->node_name && !types_is_dns1123_subdomain(cfg->node_name, &msg)) {
        *err = xasprintf("--node-name \"%s\": %s", cfg->node_name, msg);
        return EN_INVALID;
    }
    if (cfg->node_ip && inet_pton(AF_INET, cfg->node_ip, addr) != 1 &&
        inet_pton(AF_INET6, cfg->node_ip, addr) != 1) {
        *err = xasprintf("--node-ip \"%s\": not an IP address", cfg->node_ip);
        return EN_INVALID;
    }
    if (!cfg->data_dir || cfg->data_dir[0] != '/') {
        *err = xasprintf("--data-dir \"%s\": must be an absolute path",
                         cfg->data_dir ? cfg->data_dir : "");
        return EN_INVALID;
    }
    if (cfg->port < 1 || cfg->port > 65535) {
        *err = xasprintf("--port %d: must be between 1 and 65535", cfg->port);
        return EN_INVALID;
    }
    if (cfg->workers < 1 || cfg->workers > 64) {
        *err = xstrdup("workers must be between 1 and 64");
        return EN_INVALID;
    }
    if (cfg->lease_interval < 1 || cfg->lease_duration < 1 || cfg->status_interval < 1) {
        *err = xstrdup("heartbeat intervals and the lease duration must be at least 1 second");
        return EN_INVALID;
    }
    return 0;
}
