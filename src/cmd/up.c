/*
 * up.c -- `everynode up`: a whole local cluster on this machine, in the
 * foreground.  A server on a bridge, N real agents each in its own network
 * namespace with its own address (so every node's pod can listen on port
 * 80), the demo images imported into every node's store, the kubeconfig
 * written and the `export KUBECONFIG=...` line printed; then it supervises
 * them (restarting any that dies, with back-off) until Ctrl-C or SIGTERM,
 * and tears everything down: agents stopped, every container of every node
 * removed (runc, mounts, cgroups), the server stopped, the network deleted.
 *
 * The network and process machinery is in up/ (up.h); this file is the
 * order of things.  Layout of DIR (--data-dir):
 *     DIR/up.lock            held while this instance runs
 *     DIR/server/            the server's data (kubeconfig, tokens, store)
 *     DIR/node-<i>/          node i's agent data (images, containers, logs)
 *     DIR/server.log, DIR/node-<i>.log   their stderr
 *     DIR/kubeconfig.yaml    for kubectl
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/client.h"
#include "cmd/cmd.h"
#include "core/core.h"
#include "up/up.h"

#define UP_DEFAULT_NODES 3
#define UP_DEFAULT_SUBNET "10.77.0.0/24"
#define UP_DEFAULT_PORT 6443
/* The agents' log servers listen here, each in its own namespace. */
#define UP_AGENT_PORT 10250
#define UP_DEFAULT_READY_TIMEOUT_S 120
#define UP_IMPORT_TIMEOUT_MS 300000
#define UP_STOP_GRACE_MS 15000

typedef struct up_opts {
    int nodes;           /* --nodes */
    char *data_dir;      /* owned: --data-dir, made absolute */
    char *subnet;        /* owned: --subnet */
    char *name;          /* owned or NULL: --name (instance id) */
    int port;            /* --port: the API server's */
    char *images_dir;    /* owned or NULL: --images */
    int ready_timeout_s; /* --ready-timeout */
} up_opts;

/* Everything one `up` owns, in start-up order. */
typedef struct up_state {
    up_opts o;
    char *self;         /* owned: this binary's path */
    int lock_fd;        /* DIR/up.lock, held (flock) while running; -1 before */
    char **images;      /* owned: NULL-terminated demo image tarballs */
    up_net net;         /* planned network; created once net_up is set */
    bool net_up;
    up_child server;
    up_child *agents;   /* owned: o.nodes entries, started when pid > 0 */
    sigset_t stop_sigs; /* SIGINT, SIGTERM, SIGHUP */
} up_state;

static void up_usage(FILE *f)
{
    fprintf(f,
            "Usage: everynode up [--nodes N] [--data-dir DIR] [--subnet CIDR] [--name ID]\n"
            "                    [--port N] [--images DIR] [--ready-timeout SEC]\n"
            "\n"
            "Runs a local cluster in the foreground: an everynode server and N agents, each\n"
            "agent in its own network namespace with its own address on a bridge.  Prints\n"
            "the `export KUBECONFIG=...` line once every node is Ready; Ctrl-C (or SIGTERM)\n"
            "stops it and removes everything it made.  Needs root, runc, ip (iproute2) and\n"
            "the overlay filesystem.\n"
            "\n"
            "  --nodes N          number of nodes, node-1 .. node-N (default %d)\n"
            "  --data-dir DIR     state of the server and the nodes (default\n"
            "                     /var/lib/everynode)\n"
            "  --subnet CIDR      the bridge takes the first address, node i .(10+i)\n"
            "                     (default %s)\n"
            "  --name ID          instance id in the names of the bridge (en-ID) and the\n"
            "                     namespaces (everynode-ID-i): 1-8 of a-z, 0-9 (default:\n"
            "                     derived from DIR)\n"
            "  --port N           the API server's port on the bridge address (default %d)\n"
            "  --images DIR       demo image tarballs to import into every node (default:\n"
            "                     build/images of the source tree holding this binary)\n"
            "  --ready-timeout SEC  how long to wait for the nodes to be Ready (default %d)\n",
            UP_DEFAULT_NODES, UP_DEFAULT_SUBNET, UP_DEFAULT_PORT, UP_DEFAULT_READY_TIMEOUT_S);
}

/* ---- small helpers --------------------------------------------------------- */

static char *read_small_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char buf[4096];
    size_t n;
    sbuf sb;

    if (!f)
        return NULL;
    sbuf_init(&sb);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0 && sb.len < (1 << 20))
        sbuf_append(&sb, buf, n);
    fclose(f);
    return sbuf_detach(&sb, NULL);
}

/* The last lines of a log file, for failure messages. */
static void print_log_tail(const char *what, const char *path)
{
    char *text = read_small_file(path);
    const char *p;
    int lines = 0;

    if (!text || !*text) {
        free(text);
        return;
    }
    p = text + strlen(text);
    while (p > text && lines < 15) {
        p--;
        if (*p == '\n' && p[1])
            lines++;
    }
    if (*p == '\n')
        p++;
    fprintf(stderr, "---- last lines of %s (%s) ----\n%s", what, path, p);
    if (text[strlen(text) - 1] != '\n')
        fputc('\n', stderr);
    free(text);
}

/* SIGINT/SIGTERM/SIGHUP pending?  Signals are blocked and taken here. */
static bool stop_requested(up_state *st, int wait_ms)
{
    struct timespec ts = {wait_ms / 1000, (long)(wait_ms % 1000) * 1000000L};
    int sig = sigtimedwait(&st->stop_sigs, NULL, &ts);
    if (sig > 0) {
        log_info("up", "got signal %d: stopping", sig);
        return true;
    }
    return false;
}

/* ---- checks ------------------------------------------------------------------ */

static bool have_overlay(void)
{
    char *fs = read_small_file("/proc/filesystems");
    bool ok = fs && strstr(fs, "\toverlay\n") != NULL;
    free(fs);
    if (!ok && geteuid() == 0) {
        const char *argv[] = {"modprobe", "overlay", NULL};
        char *err = NULL;
        if (up_have_command("modprobe") && up_run(argv, 10000, &err) == 0)
            ok = true;
        free(err);
    }
    return ok;
}

/* Root, runc, ip, overlay: say everything that is missing at once. */
static int preflight(void)
{
    sbuf missing;
    int rc = 0;

    sbuf_init(&missing);
    if (geteuid() != 0)
        sbuf_puts(&missing, "\n  - root: it creates network namespaces, a bridge, mounts and "
                            "cgroups (run it with sudo)");
    if (!up_have_command("runc"))
        sbuf_puts(&missing, "\n  - runc: runs the containers (apt-get install runc)");
    if (!up_have_command("ip"))
        sbuf_puts(&missing, "\n  - ip: makes the nodes' network (apt-get install iproute2)");
    if (!have_overlay())
        sbuf_puts(&missing, "\n  - the overlay filesystem: containers' root filesystems "
                            "(modprobe overlay)");
    if (missing.len) {
        fprintf(stderr, "everynode up: cannot start a local cluster; missing:%s\n", missing.buf);
        rc = -1;
    }
    sbuf_release(&missing);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.tar files in dir (sorted), or NULL when there are none. */
static char **tarballs_in(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **out = NULL;
    size_t n = 0;

    if (!d)
        return NULL;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len > 4 && strcmp(de->d_name + len - 4, ".tar") == 0) {
            out = xrealloc(out, (n + 2) * sizeof *out);
            out[n++] = xasprintf("%s/%s", dir, de->d_name);
            out[n] = NULL;
        }
    }
    closedir(d);
    if (out)
        qsort(out, n, sizeof *out, cmp_str);
    return out;
}

/* The demo images: --images, else build/images in a source tree above the
 * binary (bin/everynode and build/san/bin/everynode both work), else
 * /usr/share/everynode/images. */
static int find_images(up_state *st)
{
    char *dir = NULL, *tried;
    sbuf looked;

    sbuf_init(&looked);
    if (st->o.images_dir) {
        st->images = tarballs_in(st->o.images_dir);
        sbuf_puts(&looked, st->o.images_dir);
    } else {
        dir = xstrdup(st->self);
        for (int up = 0; up < 5 && !st->images; up++) {
            char *slash = strrchr(dir, '/');
            if (!slash || slash == dir)
                break;
            *slash = '\0';
            tried = xasprintf("%s/build/images", dir);
            st->images = tarballs_in(tried);
            sbuf_printf(&looked, "%s%s", looked.len ? ", " : "", tried);
            free(tried);
        }
        if (!st->images) {
            st->images = tarballs_in("/usr/share/everynode/images");
            sbuf_puts(&looked, ", /usr/share/everynode/images");
        }
    }
    free(dir);
    if (!st->images) {
        fprintf(stderr,
                "everynode up: no demo images (*.tar) found; build them with `make images` in "
                "the source tree, or pass --images DIR (looked in %s)\n",
                looked.buf);
        sbuf_release(&looked);
        return -1;
    }
    sbuf_release(&looked);
    return 0;
}

/* ---- steps --------------------------------------------------------------------- */

static int take_lock(up_state *st)
{
    char *path = xasprintf("%s/up.lock", st->o.data_dir);
    st->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (st->lock_fd < 0 || flock(st->lock_fd, LOCK_EX | LOCK_NB)) {
        fprintf(stderr, "everynode up: %s: %s\n", path,
                errno == EWOULDBLOCK ? "another `everynode up` is running with this data "
                                       "directory"
                                     : strerror(errno));
        free(path);
        return -1;
    }
    free(path);
    return 0;
}

static char *node_dir(up_state *st, size_t i)
{
    return xasprintf("%s/node-%zu", st->o.data_dir, i + 1);
}

/* `everynode image import` of every demo image into every node's store. */
static int import_images(up_state *st)
{
    for (int i = 0; i < st->o.nodes; i++) {
        char *dir = node_dir(st, (size_t)i);
        if (fs_mkdir_p(dir, 0700)) {
            fprintf(stderr, "everynode up: cannot create %s: %s\n", dir, strerror(errno));
            free(dir);
            return -1;
        }
        {
            size_t n = 0;
            while (st->images[n])
                n++;
            const char **argv = xcalloc(n + 6, sizeof *argv);
            char *err = NULL;
            size_t k = 0;
            argv[k++] = st->self;
            argv[k++] = "image";
            argv[k++] = "import";
            for (size_t j = 0; j < n; j++)
                argv[k++] = st->images[j];
            argv[k++] = "--data-dir";
            argv[k++] = dir;
            argv[k] = NULL;
            if (up_run(argv, UP_IMPORT_TIMEOUT_MS, &err)) {
                fprintf(stderr, "everynode up: importing the demo images into node-%d: %s\n",
                        i + 1, err);
                free(err);
                free(argv);
                free(dir);
                return -1;
            }
            free(argv);
        }
        free(dir);
    }
    {
        size_t k = 0;
        while (st->images[k])
            k++;
        log_info("up", "imported %zu demo image(s) into %d node(s)", k, st->o.nodes);
    }
    return 0;
}

static int start_server(up_state *st)
{
    char *dir = xasprintf("%s/server", st->o.data_dir);
    char *log_path = xasprintf("%s/server.log", st->o.data_dir);
    char *kc = xasprintf("%s/kubeconfig.yaml", dir);
    char port[16], *err = NULL;
    int rc;

    snprintf(port, sizeof port, "%d", st->o.port);
    fs_mkdir_p(dir, 0700);
    unlink(kc); /* its reappearance says the server is up */
    {
        const char *argv[] = {st->self, "server", "--data-dir", dir, "--bind-address",
                              st->net.gateway, "--port", port, NULL};
        up_child_init(&st->server, "server", argv, NULL, log_path);
    }
    rc = up_child_start(&st->server, &err);
    if (rc) {
        fprintf(stderr, "everynode up: starting the server: %s\n", err);
        free(err);
    }
    free(dir);
    free(log_path);
    free(kc);
    return rc;
}

/* A client on the server's kubeconfig once it answers /readyz. */
static int wait_server(up_state *st, client **out)
{
    char *kc = xasprintf("%s/server/kubeconfig.yaml", st->o.data_dir);
    int64_t deadline = time_mono_ms() + 30000;
    int rc = -1;

    *out = NULL;
    while (time_mono_ms() < deadline) {
        client_resp r = {0};
        if (stop_requested(st, 100))
            goto out;
        if (up_child_reap(&st->server)) {
            fprintf(stderr, "everynode up: the server exited while starting\n");
            print_log_tail("the server's log", st->server.log_path);
            goto out;
        }
        if (!*out && access(kc, R_OK) == 0 && client_open_kubeconfig(kc, out, NULL))
            *out = NULL;
        if (*out && client_request(*out, "GET", "/readyz", NULL, NULL, 0, &r) == 0) {
            client_resp_release(&r);
            rc = 0;
            goto out;
        }
        client_resp_release(&r);
    }
    fprintf(stderr, "everynode up: the server did not become ready within 30 s\n");
    print_log_tail("the server's log", st->server.log_path);
out:
    if (rc) {
        client_free(*out);
        *out = NULL;
    }
    free(kc);
    return rc;
}

static int start_agents(up_state *st)
{
    char *token_path = xasprintf("%s/server/node-token", st->o.data_dir);
    char *token = read_small_file(token_path);
    char *ca = xasprintf("%s/server/tls/ca.crt", st->o.data_dir);
    char *url = xasprintf("https://%s:%d", st->net.gateway, st->o.port);
    char port[16];
    int rc = 0;

    snprintf(port, sizeof port, "%d", UP_AGENT_PORT);
    if (!token || !*token) {
        fprintf(stderr, "everynode up: cannot read the node token %s\n", token_path);
        rc = -1;
        goto out;
    }
    token[strcspn(token, "\r\n")] = '\0';
    st->agents = xcalloc((size_t)st->o.nodes, sizeof *st->agents);
    for (int i = 0; i < st->o.nodes && !rc; i++) {
        char *dir = node_dir(st, (size_t)i), *name = xasprintf("node-%d", i + 1);
        char *log_path = xasprintf("%s/node-%d.log", st->o.data_dir, i + 1), *err = NULL;
        const char *argv[] = {st->self, "agent", "--server", url, "--token", token,
                              "--ca-file", ca, "--node-name", name, "--node-ip",
                              st->net.nodes[i].address, "--data-dir", dir, "--port", port, NULL};
        up_child_init(&st->agents[i], name, argv, st->net.nodes[i].netns, log_path);
        if (up_child_start(&st->agents[i], &err)) {
            fprintf(stderr, "everynode up: starting the agent of %s: %s\n", name, err);
            free(err);
            rc = -1;
        }
        free(dir);
        free(name);
        free(log_path);
    }
out:
    free(token_path);
    free(token);
    free(ca);
    free(url);
    return rc;
}

/* Is node `name` in the list with condition Ready=True? */
static bool node_ready(json_t *list, const char *name)
{
    size_t i, j;
    json_t *n, *c;

    json_array_foreach(json_object_get(list, "items"), i, n)
    {
        if (strcmp(json_path_str(n, "metadata.name") ? json_path_str(n, "metadata.name") : "",
                   name) != 0)
            continue;
        json_array_foreach(json_path(n, "status.conditions"), j, c)
        {
            const char *type = json_string_value(json_object_get(c, "type"));
            const char *status = json_string_value(json_object_get(c, "status"));
            if (type && status && strcmp(type, "Ready") == 0)
                return strcmp(status, "True") == 0;
        }
    }
    return false;
}

static int wait_nodes_ready(up_state *st, client *cl)
{
    int64_t deadline = time_mono_ms() + (int64_t)st->o.ready_timeout_s * 1000;
    int ready = 0;

    while (time_mono_ms() < deadline) {
        client_resp r = {0};
        if (stop_requested(st, 250))
            return -1;
        for (int i = 0; i < st->o.nodes; i++) {
            if (up_child_reap(&st->agents[i])) {
                fprintf(stderr, "everynode up: the agent of node-%d exited while starting\n",
                        i + 1);
                print_log_tail("its log", st->agents[i].log_path);
                return -1;
            }
        }
        if (up_child_reap(&st->server)) {
            fprintf(stderr, "everynode up: the server exited while the nodes were starting\n");
            print_log_tail("the server's log", st->server.log_path);
            return -1;
        }
        ready = 0;
        if (client_list(cl, &client_res_nodes, NULL, NULL, &r) == 0) {
            for (int i = 0; i < st->o.nodes; i++) {
                char name[32];
                snprintf(name, sizeof name, "node-%d", i + 1);
                if (node_ready(r.body, name))
                    ready++;
            }
        }
        client_resp_release(&r);
        if (ready == st->o.nodes)
            return 0;
    }
    fprintf(stderr, "everynode up: only %d of %d nodes became Ready within %d s\n", ready,
            st->o.nodes, st->o.ready_timeout_s);
    for (int i = 0; i < st->o.nodes; i++)
        print_log_tail(st->agents[i].name, st->agents[i].log_path);
    return -1;
}

static int write_kubeconfig(up_state *st, char **path_out)
{
    char *src = xasprintf("%s/server/kubeconfig.yaml", st->o.data_dir);
    char *dst = xasprintf("%s/kubeconfig.yaml", st->o.data_dir);
    char *tmp = xasprintf("%s.tmp", dst);
    char *text = read_small_file(src);
    FILE *f = text ? fopen(tmp, "w") : NULL;
    int rc = -1;

    if (f) {
        fchmod(fileno(f), 0600);
        fputs(text, f);
        if (fclose(f) == 0 && rename(tmp, dst) == 0)
            rc = 0;
    }
    if (rc)
        fprintf(stderr, "everynode up: cannot write %s\n", dst);
    *path_out = rc ? NULL : dst;
    if (rc)
        free(dst);
    free(src);
    free(tmp);
    free(text);
    return rc;
}

/* Supervise until a stop signal. */
static void supervise(up_state *st)
{
    while (!stop_requested(st, 1000)) {
        up_child_reap(&st->server);
        up_child_tick(&st->server);
        for (int i = 0; i < st->o.nodes; i++) {
            up_child_reap(&st->agents[i]);
            up_child_tick(&st->agents[i]);
        }
    }
}

/* Everything made, in reverse: agents (all at once), every node's
 * containers, the server, the network. */
static void teardown(up_state *st)
{
    if (st->agents) {
        for (int i = 0; i < st->o.nodes; i++)
            if (st->agents[i].pid > 0)
                kill(st->agents[i].pid, SIGTERM);
        for (int i = 0; i < st->o.nodes; i++)
            up_child_stop(&st->agents[i], UP_STOP_GRACE_MS);
    }
    for (int i = 0; st->agents && i < st->o.nodes; i++) {
        char *dir = node_dir(st, (size_t)i), *err = NULL;
        if (up_cleanup_node(dir, st->agents[i].name, &err)) {
            log_error("up", "removing the containers of %s: %s", st->agents[i].name, err);
            free(err);
        }
        free(dir);
    }
    up_child_stop(&st->server, UP_STOP_GRACE_MS);
    if (st->net_up)
        up_net_destroy(&st->net);
    st->net_up = false;
}

static void up_state_release(up_state *st)
{
    for (int i = 0; st->agents && i < st->o.nodes; i++)
        up_child_release(&st->agents[i]);
    free(st->agents);
    up_child_release(&st->server);
    up_net_release(&st->net);
    for (char **img = st->images; img && *img; img++)
        free(*img);
    free(st->images);
    if (st->lock_fd >= 0)
        close(st->lock_fd);
    free(st->self);
    free(st->o.data_dir);
    free(st->o.subnet);
    free(st->o.name);
    free(st->o.images_dir);
}

/* ---- the command ------------------------------------------------------------------ */

static int parse_int(const char *flag, const char *v, int lo, int hi, int *out)
{
    char *end;
    long x;
    errno = 0;
    x = strtol(v, &end, 10);
    if (!*v || *end || errno || x < lo || x > hi) {
        fprintf(stderr, "everynode up: invalid %s %s (expected %d to %d)\n", flag, v, lo, hi);
        return -1;
    }
    *out = (int)x;
    return 0;
}

static int parse_args(int argc, char **argv, up_opts *o)
{
    static const struct option opts[] = {{"nodes", required_argument, NULL, 'n'},
                                         {"data-dir", required_argument, NULL, 'd'},
                                         {"subnet", required_argument, NULL, 's'},
                                         {"name", required_argument, NULL, 'N'},
                                         {"port", required_argument, NULL, 'p'},
                                         {"images", required_argument, NULL, 'i'},
                                         {"ready-timeout", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int opt;

    o->nodes = UP_DEFAULT_NODES;
    o->port = UP_DEFAULT_PORT;
    o->ready_timeout_s = UP_DEFAULT_READY_TIMEOUT_S;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'n':
            if (parse_int("--nodes", optarg, 1, UP_MAX_NODES, &o->nodes))
                return 2;
            break;
        case 'd':
            free(o->data_dir);
            o->data_dir = xstrdup(optarg);
            break;
        case 's':
            free(o->subnet);
            o->subnet = xstrdup(optarg);
            break;
        case 'N':
            if (!up_id_is_valid(optarg)) {
                fprintf(stderr, "everynode up: invalid --name %s (1 to %d of a-z and 0-9)\n",
                        optarg, UP_ID_MAX);
                return 2;
            }
            free(o->name);
            o->name = xstrdup(optarg);
            break;
        case 'p':
            if (parse_int("--port", optarg, 1, 65535, &o->port))
                return 2;
            break;
        case 'i':
            free(o->images_dir);
            o->images_dir = xstrdup(optarg);
            break;
        case 't':
            if (parse_int("--ready-timeout", optarg, 1, 3600, &o->ready_timeout_s))
                return 2;
            break;
        case 'h':
            up_usage(stdout);
            return 1;
        default:
            up_usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "everynode up: unexpected argument %s\n", argv[optind]);
        return 2;
    }
    if (!o->subnet)
        o->subnet = xstrdup(UP_DEFAULT_SUBNET);
    if (!o->data_dir)
        o->data_dir = xstrdup("/var/lib/everynode");
    return 0;
}

int cmd_up(int argc, char **argv)
{
    up_state st;
    client *cl = NULL;
    char *err = NULL, *kubeconfig = NULL, id[UP_ID_MAX + 1], real[PATH_MAX];
    int rc;

    memset(&st, 0, sizeof st);
    st.lock_fd = -1;
    rc = parse_args(argc, argv, &st.o);
    if (rc) {
        rc = rc == 1 ? 0 : rc;
        goto out;
    }
    rc = 1;
    if (preflight())
        goto out;
    st.self = realpath("/proc/self/exe", real) ? xstrdup(real) : xstrdup("/proc/self/exe");
    if (fs_mkdir_p(st.o.data_dir, 0700) || !realpath(st.o.data_dir, real)) {
        fprintf(stderr, "everynode up: cannot create %s: %s\n", st.o.data_dir, strerror(errno));
        goto out;
    }
    free(st.o.data_dir);
    st.o.data_dir = xstrdup(real);
    if (st.o.name)
        snprintf(id, sizeof id, "%s", st.o.name);
    else
        up_id_from_path(st.o.data_dir, id);
    if (up_net_plan(id, st.o.subnet, (size_t)st.o.nodes, &st.net, &err)) {
        fprintf(stderr, "everynode up: %s\n", err);
        goto out;
    }
    if (find_images(&st) || take_lock(&st))
        goto out;

    /* From here on, stop signals are taken by stop_requested (children
     * get them unblocked, see up_spawn). */
    sigemptyset(&st.stop_sigs);
    sigaddset(&st.stop_sigs, SIGINT);
    sigaddset(&st.stop_sigs, SIGTERM);
    sigaddset(&st.stop_sigs, SIGHUP);
    sigprocmask(SIG_BLOCK, &st.stop_sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    log_info("up", "importing the demo images into %d node(s)", st.o.nodes);
    if (import_images(&st))
        goto out_teardown;
    if (stop_requested(&st, 0))
        goto out_stopped;
    log_info("up", "creating bridge %s (%s/%d) and %d network namespace(s)", st.net.bridge,
             st.net.gateway, st.net.prefix, st.o.nodes);
    st.net_up = true; /* from here teardown removes whatever part exists */
    if (up_net_create(&st.net, &err)) {
        fprintf(stderr, "everynode up: creating the network: %s\n", err);
        goto out_teardown;
    }
    if (start_server(&st) || wait_server(&st, &cl))
        goto out_teardown;
    if (start_agents(&st) || wait_nodes_ready(&st, cl))
        goto out_teardown;
    if (write_kubeconfig(&st, &kubeconfig))
        goto out_teardown;
    client_free(cl);
    cl = NULL;

    printf("\neverynode is up: %d node(s) on bridge %s, API server at https://%s:%d\n",
           st.o.nodes, st.net.bridge, st.net.gateway, st.o.port);
    for (int i = 0; i < st.o.nodes; i++)
        printf("  node-%d  %s  (network namespace %s)\n", i + 1, st.net.nodes[i].address,
               st.net.nodes[i].netns);
    printf("\nPoint kubectl at it with:\n\nexport KUBECONFIG=%s\n\n"
           "Ctrl-C stops the cluster and removes everything it made (data stays in %s).\n",
           kubeconfig, st.o.data_dir);
    fflush(stdout);
    supervise(&st);
out_stopped:
    rc = 0;
out_teardown:
    client_free(cl);
    log_info("up", "stopping: agents, containers, server, network");
    teardown(&st);
    if (rc == 0)
        log_info("up", "stopped; nothing left running");
out:
    free(err);
    free(kubeconfig);
    up_state_release(&st);
    return rc;
}
