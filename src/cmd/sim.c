/*
 * sim.c -- `everynode sim`: many simulated nodes in one process (sim.h).
 * Parses the command line into a sim_config, starts the simulation, and
 * waits for SIGTERM/SIGINT to stop it cleanly (the nodes stay registered;
 * their heartbeats stop, so the server will find them unreachable).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/core.h"
#include "sim/sim.h"

static void sim_usage(FILE *f)
{
    fprintf(f,
            "Usage: everynode sim --kubeconfig FILE --nodes N [--name-prefix P]\n"
            "                     [--labels k=v,...] [--taints k=v:Effect,...]\n"
            "                     [--capacity cpu=4,memory=8Gi,pods=110] [--ready-after SEC]\n"
            "                     [--fail-images PATTERN,...] [--workers N]\n"
            "                     [--lease-interval SEC] [--status-interval SEC]\n"
            "                     [--log-level debug|info|warn|error]\n"
            "\n"
            "Simulates N nodes that register, heartbeat and run the pods bound to them,\n"
            "talking to the API server like kubelets would.\n"
            "\n"
            "  --kubeconfig FILE     how to reach the server (default: $KUBECONFIG)\n"
            "  --nodes N             number of nodes (1..100000)\n"
            "  --name-prefix P       node names are P0, P1, ... (default sim-node-)\n"
            "  --labels k=v,...      extra labels on every node\n"
            "  --taints k=v:E,...    taints on every node (E: NoSchedule, PreferNoSchedule,\n"
            "                        NoExecute)\n"
            "  --capacity r=q,...    capacity and allocatable, merged over the default\n"
            "                        cpu=4,memory=8Gi,pods=110\n"
            "  --ready-after SEC     pods are Running at once and Ready SEC later (default 0)\n"
            "  --fail-images P,...   images matching these glob patterns never pull: their\n"
            "                        pods stay Pending with ErrImagePull (default\n"
            "                        '*:non-existent'; '' for none)\n"
            "  --workers N           concurrent requests / connections (default: 4 to 32\n"
            "                        by node count)\n"
            "  --lease-interval SEC  Lease renewal period (default 10)\n"
            "  --status-interval SEC node status heartbeat period (default 300,\n"
            "                        as kubelet reports an unchanged status)\n"
            "  --log-level LEVEL     stderr log threshold (default info)\n");
}

/* Parse a whole decimal in [min, max]. */
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

int cmd_sim(int argc, char **argv)
{
    static const struct option opts[] = {{"kubeconfig", required_argument, NULL, 'k'},
                                         {"nodes", required_argument, NULL, 'n'},
                                         {"name-prefix", required_argument, NULL, 'p'},
                                         {"labels", required_argument, NULL, 'L'},
                                         {"taints", required_argument, NULL, 'T'},
                                         {"capacity", required_argument, NULL, 'c'},
                                         {"ready-after", required_argument, NULL, 'r'},
                                         {"fail-images", required_argument, NULL, 'f'},
                                         {"workers", required_argument, NULL, 'w'},
                                         {"lease-interval", required_argument, NULL, 'i'},
                                         {"status-interval", required_argument, NULL, 's'},
                                         {"log-level", required_argument, NULL, 'l'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    sim_config cfg;
    sim *s = NULL;
    sigset_t sigs;
    char *err = NULL;
    long v;
    int opt, rc = 2, li = 0;

    sim_config_init(&cfg);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, &li)) != -1) {
        switch (opt) {
        case 'k':
            free(cfg.kubeconfig);
            cfg.kubeconfig = xstrdup(optarg);
            break;
        case 'n':
            if (!parse_long(optarg, 1, LONG_MAX, &cfg.nodes))
                goto bad_value;
            break;
        case 'p':
            free(cfg.name_prefix);
            cfg.name_prefix = xstrdup(optarg);
            break;
        case 'L':
            if (sim_config_set_labels(&cfg, optarg, &err))
                goto bad_list;
            break;
        case 'T':
            if (sim_config_set_taints(&cfg, optarg, &err))
                goto bad_list;
            break;
        case 'c':
            if (sim_config_set_capacity(&cfg, optarg, &err))
                goto bad_list;
            break;
        case 'f':
            if (sim_config_set_fail_images(&cfg, optarg, &err))
                goto bad_list;
            break;
        case 'r':
            if (!parse_long(optarg, 0, 86400, &v))
                goto bad_value;
            cfg.ready_after = (int)v;
            break;
        case 'w':
            if (!parse_long(optarg, 1, 256, &v))
                goto bad_value;
            cfg.workers = (int)v;
            break;
        case 'i':
            if (!parse_long(optarg, 1, 3600, &v))
                goto bad_value;
            cfg.lease_interval = (int)v;
            break;
        case 's':
            if (!parse_long(optarg, 1, 3600, &v))
                goto bad_value;
            cfg.status_interval = (int)v;
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
            sim_usage(stdout);
            rc = 0;
            goto out_release;
        default:
            sim_usage(stderr);
            goto out_release;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "everynode sim: unexpected argument '%s'\n", argv[optind]);
        goto out_release;
    }
    if (!cfg.kubeconfig && getenv("KUBECONFIG") && *getenv("KUBECONFIG"))
        cfg.kubeconfig = xstrdup(getenv("KUBECONFIG"));
    if (sim_config_check(&cfg, &err)) {
        fprintf(stderr, "everynode sim: %s\n", err);
        goto out_release;
    }

    cmd_block_stop_signals(&sigs);

    rc = 1;
    if (sim_start(&cfg, &s, &err)) {
        log_error("sim", "cannot start: %s", err ? err : "unknown error");
        goto out_release;
    }
    const char *signame = cmd_wait_stop_signal(&sigs);
    if (signame)
        log_info("sim", "signal=%s: stopping; nodes stay registered", signame);
    sim_free(s);
    log_info("sim", "stopped");
    rc = 0;
    goto out_release;

bad_value:
    fprintf(stderr, "everynode sim: invalid value '%s' for --%s\n", optarg, opts[li].name);
    goto out_release;
bad_list:
    fprintf(stderr, "everynode sim: %s\n", err);
out_release:
    free(err);
    sim_config_release(&cfg);
    return rc;
}
