/*
 * agent.c -- `everynode agent`: a real node (agent.h).  Parses the command
 * line into an agent_config, starts the agent and waits for SIGTERM /
 * SIGINT to stop it.  Stopping leaves the containers running and the Node
 * registered: a restarted agent re-adopts them.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "cmd/cmd.h"
#include "core/core.h"

static void agent_usage(FILE *f)
{
    fprintf(f,
            "Usage: everynode agent --server URL --token TOKEN [--ca-file FILE]\n"
            "                       [--kubeconfig FILE] [--node-name NAME] [--node-ip IP]\n"
            "                       [--node-labels k=v,...] [--register-with-taints k=v:E,...]\n"
            "                       [--data-dir DIR] [--port N] [--registries FILE]\n"
            "                       [--runc PATH] [--workers N] [--log-level LEVEL]\n"
            "\n"
            "Joins the cluster as a node and runs the pods bound to it as OCI containers\n"
            "through runc.\n"
            "\n"
            "  --server URL          the API server (https://host:6443)\n"
            "  --token TOKEN         the server's node token (its DIR/node-token)\n"
            "  --ca-file FILE        CA certificate to verify the server with (its\n"
            "                        DIR/tls/ca.crt); without it nothing is verified\n"
            "  --kubeconfig FILE     read server, CA and credentials from a kubeconfig\n"
            "                        (the flags above override it)\n"
            "  --node-name NAME      the Node's name (default: the host name)\n"
            "  --node-ip IP          the node's address, also every pod's IP (default: the\n"
            "                        address of the default route's interface)\n"
            "  --node-labels L       extra labels k=v,... on the Node\n"
            "  --register-with-taints T\n"
            "                        taints k=v:Effect,... the Node registers with\n"
            "  --data-dir DIR        images, containers, pod state and logs (default\n"
            "                        /var/lib/everynode/agent)\n"
            "  --port N              the node's log port, advertised as the kubelet\n"
            "                        endpoint (default 10250)\n"
            "  --registries FILE     registries.yaml: mirrors and credentials (k3s format)\n"
            "  --runc PATH           the runc binary (default: runc in PATH)\n"
            "  --workers N           pods reconciled at once (default 4)\n"
            "  --log-level LEVEL     debug, info, warn or error (default info)\n");
}

static bool parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = xstrdup(v);
}

/* An absolute version of path (relative to the working directory). */
static char *absolute(const char *path)
{
    char cwd[PATH_MAX];
    if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
        return xstrdup(path);
    return xasprintf("%s/%s", cwd, path);
}

int cmd_agent(int argc, char **argv)
{
    static const struct option opts[] = {{"server", required_argument, NULL, 's'},
                                         {"token", required_argument, NULL, 't'},
                                         {"ca-file", required_argument, NULL, 'c'},
                                         {"kubeconfig", required_argument, NULL, 'k'},
                                         {"node-name", required_argument, NULL, 'n'},
                                         {"node-ip", required_argument, NULL, 'i'},
                                         {"node-labels", required_argument, NULL, 'L'},
                                         {"register-with-taints", required_argument, NULL, 'T'},
                                         {"data-dir", required_argument, NULL, 'd'},
                                         {"port", required_argument, NULL, 'p'},
                                         {"registries", required_argument, NULL, 'r'},
                                         {"runc", required_argument, NULL, 'R'},
                                         {"workers", required_argument, NULL, 'w'},
                                         {"log-level", required_argument, NULL, 'l'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    agent_config cfg;
    agent *a = NULL;
    sigset_t sigs;
    char *err = NULL;
    long v;
    int opt, rc = 2, li = 0;

    agent_config_init(&cfg);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, &li)) != -1) {
        switch (opt) {
        case 's':
            set_str(&cfg.server, optarg);
            break;
        case 't':
            set_str(&cfg.token, optarg);
            break;
        case 'c':
            set_str(&cfg.ca_file, optarg);
            break;
        case 'k':
            set_str(&cfg.kubeconfig, optarg);
            break;
        case 'n':
            set_str(&cfg.node_name, optarg);
            break;
        case 'i':
            set_str(&cfg.node_ip, optarg);
            break;
        case 'L':
            if (agent_config_set_labels(&cfg, optarg, &err))
                goto bad_list;
            break;
        case 'T':
            if (agent_config_set_taints(&cfg, optarg, &err))
                goto bad_list;
            break;
        case 'd':
            free(cfg.data_dir);
            cfg.data_dir = absolute(optarg);
            break;
        case 'p':
            if (!parse_long(optarg, 1, 65535, &v))
                goto bad_value;
            cfg.port = (int)v;
            break;
        case 'r':
            set_str(&cfg.registries, optarg);
            break;
        case 'R':
            set_str(&cfg.runc, optarg);
            break;
        case 'w':
            if (!parse_long(optarg, 1, 64, &v))
                goto bad_value;
            cfg.workers = (int)v;
            break;
        case 'l':
            if (!strcmp(optarg, "debug"))
                log_set_level(LOG_DEBUG);
            else if (!strcmp(optarg, "info"))
                log_set_level(LOG_INFO);
            else if (!strcmp(optarg, "warn"))
                log_set_level(LOG_WARN);
            else if (!strcmp(optarg, "error"))
                log_set_level(LOG_ERROR);
            else
                goto bad_value;
            break;
        case 'h':
            agent_usage(stdout);
            rc = 0;
            goto out_release;
        default:
            agent_usage(stderr);
            goto out_release;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "everynode agent: unexpected argument '%s'\n", argv[optind]);
        goto out_release;
    }
    if (agent_config_check(&cfg, &err)) {
        fprintf(stderr, "everynode agent: %s\n", err);
        goto out_release;
    }
    if (geteuid() != 0)
        fprintf(stderr, "everynode agent: warning: not running as root; runc will most likely "
                        "fail to create containers\n");

    cmd_block_stop_signals(&sigs);

    rc = 1;
    if (agent_start(&cfg, &a, &err)) {
        log_error("agent", "cannot start: %s", err ? err : "unknown error");
        goto out_release;
    }
    const char *signame = cmd_wait_stop_signal(&sigs);
    if (signame)
        log_info("agent", "signal=%s: stopping; containers keep running", signame);
    agent_free(a);
    log_info("agent", "stopped");
    rc = 0;
    goto out_release;

bad_value:
    fprintf(stderr, "everynode agent: invalid value '%s' for --%s\n", optarg, opts[li].name);
    goto out_release;
bad_list:
    fprintf(stderr, "everynode agent: %s\n", err);
out_release:
    free(err);
    agent_config_release(&cfg);
    return rc;
}
