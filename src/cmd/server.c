/*
 * server.c -- `everynode server`: opens the store in the data directory,
 * loads the watch cache, creates the default namespaces, starts the
 * controllers and the HTTP API, writes DIR/kubeconfig.yaml and
 * DIR/node-token, then waits for SIGTERM/SIGINT and shuts down in reverse
 * order.  This file is the one place that owns the server's parts.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "cache/cache.h"
#include "cmd/cmd.h"
#include "controller/controller.h"
#include "core/core.h"
#include "pki/pki.h"
#include "registry/registry.h"
#include "store/store.h"

/* Events kept in memory for watches resuming from an older revision. */
#define SERVER_WATCH_HISTORY 50000
/* Store change log kept, in revisions.  Watches are served from the
 * cache's in-memory history; the store's log only has to cover a restart's
 * hand-over, so it is kept short: a long log doubles the bytes every write
 * costs and grows the database at 10,000 nodes' heartbeat rate. */
#define SERVER_LOG_KEEP 20000

/* Everything `everynode server` owns, in start-up order. */
typedef struct server {
    char *data_dir;        /* owned */
    char *bind_address;    /* owned */
    int port;
    char *admin_token;     /* owned: token in kubeconfig.yaml */
    char *node_token;      /* owned: token agents join with */
    pki_bundle pki;        /* CA and serving certificate */
    store *st;
    cache *c;
    registry reg;
    controllers *ctrl;
    api_server *api;
} server;

static void server_usage(FILE *f)
{
    fprintf(f, "Usage: everynode server [--data-dir DIR] [--bind-address ADDR] [--port N]\n"
               "                        [--log-level debug|info|warn|error]\n"
               "                        [--node-monitor-grace-period SEC]\n"
               "\n"
               "Runs the Kubernetes-compatible API server, its controllers and its store.\n"
               "\n"
               "  --data-dir DIR       state, kubeconfig.yaml and node-token (default:\n"
               "                       /var/lib/everynode/server as root,\n"
               "                       ~/.local/share/everynode/server otherwise)\n"
               "  --bind-address ADDR  address to listen on (default 127.0.0.1)\n"
               "  --port N             port to listen on (default 6443)\n"
               "  --log-level LEVEL    stderr log threshold (default info)\n"
               "  --node-monitor-grace-period SEC\n"
               "                       heartbeat age before a node becomes Unknown and\n"
               "                       gets the unreachable taints (default 50)\n");
}

static char *default_data_dir(void)
{
    const char *home = getenv("HOME");
    if (geteuid() == 0)
        return xstrdup("/var/lib/everynode/server");
    return xasprintf("%s/.local/share/everynode/server", home ? home : ".");
}

/* Read a token file, or create it with a new random token. */
static char *load_token(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name), buf[128] = {0};
    FILE *f = fopen(path, "r");
    char *tok = NULL;

    if (f) {
        if (fgets(buf, sizeof buf, f))
            buf[strcspn(buf, "\r\n")] = '\0';
        fclose(f);
        if (buf[0])
            tok = xstrdup(buf);
    }
    if (!tok) {
        char a[40], b[40];
        uid_new(a);
        uid_new(b);
        tok = xasprintf("%.8s%.4s%.4s%.4s%.12s%.8s", a, a + 9, a + 14, a + 19, a + 24, b);
        f = fopen(path, "w");
        if (f) {
            fchmod(fileno(f), 0600);
            fprintf(f, "%s\n", tok);
            fclose(f);
        }
    }
    free(path);
    return tok;
}

static int write_kubeconfig(server *sv)
{
    const char *host = strcmp(sv->bind_address, "0.0.0.0") == 0 ? "127.0.0.1" : sv->bind_address;
    char *path = xasprintf("%s/kubeconfig.yaml", sv->data_dir);
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    char *ca = pki_base64(sv->pki.ca_pem);
    int rc = 0;

    if (!f) {
        rc = EN_IO;
        goto out;
    }
    fchmod(fileno(f), 0600);
    fprintf(f,
            "apiVersion: v1\n"
            "kind: Config\n"
            "clusters:\n"
            "- cluster:\n"
            "    certificate-authority-data: %s\n"
            "    server: https://%s:%d\n"
            "  name: everynode\n"
            "contexts:\n"
            "- context:\n"
            "    cluster: everynode\n"
            "    user: everynode-admin\n"
            "  name: everynode\n"
            "current-context: everynode\n"
            "preferences: {}\n"
            "users:\n"
            "- name: everynode-admin\n"
            "  user:\n"
            "    token: %s\n",
            ca, host, api_port(sv->api), sv->admin_token);
    if (fclose(f) != 0 || rename(tmp, path) != 0)
        rc = EN_IO;
out:
    free(ca);
    free(path);
    free(tmp);
    return rc;
}

/* Create the namespaces every cluster has. */
static void bootstrap_namespaces(server *sv)
{
    static const char *names[] = {"default", "kube-system", "kube-public", "kube-node-lease"};
    const kind_info *k = types_by_resource("", "v1", "namespaces");

    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        json_t *obj = json_pack("{s:s,s:s,s:{s:s}}", "apiVersion", "v1", "kind", "Namespace",
                                "metadata", "name", names[i]);
        json_t *out = NULL;
        reg_status st = {0};
        cache_obj *have = cache_get(sv->c, k, "", names[i]);
        if (!have && reg_create(&sv->reg, k, "", obj, NULL, &out, &st) && st.code != 409)
            log_error("server", "creating namespace %s: %s", names[i], st.message);
        cache_obj_unref(have);
        reg_status_release(&st);
        json_decref(out);
        json_decref(obj);
    }
}

/*
 * The "kubernetes" Service in "default": clients (Kubernetes' e2e framework
 * among them) read it to learn the API server's address and IP family.  It
 * is the server's own object, so it is written with the system flag (the
 * services resource is read-only to clients) and refreshed when the address
 * or port changed since the last start.
 */
static void bootstrap_kubernetes_service(server *sv)
{
    const kind_info *k = types_by_resource("", "v1", "services");
    const char *ip = strcmp(sv->bind_address, "0.0.0.0") == 0 ? "127.0.0.1" : sv->bind_address;
    cache_obj *have = cache_get(sv->c, k, "default", "kubernetes");
    reg_write_opts o = {.system = true};
    reg_status st = {0};
    json_t *obj, *out = NULL;
    int rc;

    obj = json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s,s:s}},s:{s:s,s:s,s:[s],s:s,s:[s],s:s,s:s,"
                    "s:[{s:s,s:s,s:i,s:i}]}}",
                    "apiVersion", "v1", "kind", "Service", "metadata", "name", "kubernetes",
                    "namespace", "default", "labels", "component", "apiserver", "provider",
                    "kubernetes", "spec", "type", "ClusterIP", "clusterIP", ip, "clusterIPs", ip,
                    "ipFamilyPolicy", "SingleStack", "ipFamilies",
                    strchr(ip, ':') ? "IPv6" : "IPv4", "sessionAffinity", "None",
                    "internalTrafficPolicy", "Cluster", "ports", "name", "https", "protocol",
                    "TCP", "port", sv->port, "targetPort", sv->port);
    if (have) {
        json_t *cur = cache_obj_json(have);
        json_t *cur_spec = json_object_get(cur, "spec");
        if (json_equal(cur_spec, json_object_get(obj, "spec"))) {
            json_decref(cur);
            goto out;
        }
        json_object_set(obj, "metadata", json_object_get(cur, "metadata"));
        json_decref(cur);
        rc = reg_update(&sv->reg, k, "default", "kubernetes", obj, NULL, &o, &out, &st);
    } else {
        rc = reg_create(&sv->reg, k, "default", obj, &o, &out, &st);
    }
    if (rc && st.code != 409)
        log_error("server", "writing service default/kubernetes: %s", st.message);
out:
    cache_obj_unref(have);
    reg_status_release(&st);
    json_decref(out);
    json_decref(obj);
}

static void server_release(server *sv)
{
    api_stop(sv->api);
    ctrl_stop(sv->ctrl);
    cache_close(sv->c);
    store_close(sv->st);
    free(sv->data_dir);
    free(sv->bind_address);
    free(sv->admin_token);
    free(sv->node_token);
    pki_release(&sv->pki);
}

int cmd_server(int argc, char **argv)
{
    static const struct option opts[] = {{"data-dir", required_argument, NULL, 'd'},
                                         {"bind-address", required_argument, NULL, 'b'},
                                         {"port", required_argument, NULL, 'p'},
                                         {"log-level", required_argument, NULL, 'l'},
                                         {"node-monitor-grace-period", required_argument, NULL,
                                          'g'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    server sv = {0};
    api_config cfg = {0};
    ctrl_config ccfg = {0};
    sigset_t sigs;
    int opt, rc = 1, sig;

    sv.port = 6443;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'd':
            free(sv.data_dir);
            sv.data_dir = xstrdup(optarg);
            break;
        case 'b':
            free(sv.bind_address);
            sv.bind_address = xstrdup(optarg);
            break;
        case 'p': {
            char *end;
            long port = strtol(optarg, &end, 10);
            sv.port = (int)port;
            if (*optarg == '\0' || *end || port < 0 || port > 65535) {
                fprintf(stderr, "everynode server: invalid --port %s\n", optarg);
                rc = 2;
                goto out;
            }
            break;
        }
        case 'l':
            if (!strcmp(optarg, "debug"))
                log_set_level(LOG_DEBUG);
            else if (!strcmp(optarg, "warn"))
                log_set_level(LOG_WARN);
            else if (!strcmp(optarg, "error"))
                log_set_level(LOG_ERROR);
            break;
        case 'g':
            ccfg.node_grace_seconds = atoi(optarg);
            if (ccfg.node_grace_seconds <= 0) {
                fprintf(stderr, "everynode server: invalid --node-monitor-grace-period %s\n",
                        optarg);
                goto out;
            }
            break;
        case 'h':
            server_usage(stdout);
            rc = 0;
            goto out;
        default:
            server_usage(stderr);
            rc = 2;
            goto out;
        }
    }
    if (!sv.data_dir)
        sv.data_dir = default_data_dir();
    if (!sv.bind_address)
        sv.bind_address = xstrdup("127.0.0.1");
    if (fs_mkdir_p(sv.data_dir, 0700)) {
        log_error("server", "cannot create data dir %s", sv.data_dir);
        goto out;
    }
    cmd_block_stop_signals(&sigs);

    sv.admin_token = load_token(sv.data_dir, "admin-token");
    sv.node_token = load_token(sv.data_dir, "node-token");
    if (store_open(sv.data_dir, &sv.st)) {
        log_error("server", "cannot open the store in %s", sv.data_dir);
        goto out;
    }
    if (cache_open(sv.st, SERVER_WATCH_HISTORY, &sv.c)) {
        log_error("server", "cannot load the cache");
        goto out;
    }
    {
        const char *hosts[] = {sv.bind_address};
        if (pki_ensure(sv.data_dir, hosts, 1, &sv.pki)) {
            log_error("server", "cannot create TLS certificates in %s/tls", sv.data_dir);
            goto out;
        }
    }
    sv.reg.st = sv.st;
    sv.reg.c = sv.c;
    bootstrap_namespaces(&sv);
    bootstrap_kubernetes_service(&sv);
    ctrl_start(&sv.reg, sv.c, &ccfg, &sv.ctrl);
    cfg.bind_address = sv.bind_address;
    cfg.port = sv.port;
    cfg.token = sv.admin_token;
    cfg.node_token = sv.node_token; /* for proxying pods/log to the agents */
    cfg.tls_cert_pem = sv.pki.cert_pem;
    cfg.tls_key_pem = sv.pki.key_pem;
    if (api_start(&cfg, &sv.reg, sv.c, &sv.api))
        goto out;
    if (write_kubeconfig(&sv)) {
        log_error("server", "cannot write %s/kubeconfig.yaml", sv.data_dir);
        goto out;
    }
    log_info("server", "serving on %s:%d; export KUBECONFIG=%s/kubeconfig.yaml", sv.bind_address,
             api_port(sv.api), sv.data_dir);

    for (;;) {
        struct timespec wait = {.tv_sec = 5};
        sig = sigtimedwait(&sigs, NULL, &wait);
        if (sig == SIGTERM || sig == SIGINT)
            break;
        int64_t rev = store_revision(sv.st);
        if (rev > SERVER_LOG_KEEP && rev - SERVER_LOG_KEEP > store_compacted_revision(sv.st))
            store_compact(sv.st, rev - SERVER_LOG_KEEP);
    }
    log_info("server", "shutting down");
    rc = 0;
out:
    server_release(&sv);
    return rc;
}
