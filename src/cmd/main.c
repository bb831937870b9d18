/*
 * main.c -- entry point of the single everynode binary: dispatches to the
 * subcommands (server, agent, sim, up, image; shim is hidden) declared in cmd.h.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "runtime/runtime.h"

#define EVERYNODE_VERSION "0.1.0"

/*
 * jemalloc's tuning, read by jemalloc at start-up when the binary is linked
 * with it (release builds; see the Makefile).  Returning freed memory to the
 * kernel (madvise) shoots down TLB entries on every core the process runs
 * on, which costs a lot on virtual machines; a background thread does it
 * instead of whichever request thread happened to free memory.
 */
extern const char *malloc_conf;
const char *malloc_conf = "background_thread:true";

/*
 * Debian's libcurl links libssh2 (for scp:// and sftp://, which everynode
 * never uses: its handles allow http and https only), and curl_global_init
 * calls libssh2_init(0), which initialises libssh2's crypto library,
 * OpenSSL: about 1.4 MiB resident in every process that uses libcurl, for
 * nothing (our TLS is GnuTLS).  libssh2 sets its crypto up only in the
 * first libssh2_init of the process, so main makes that call first, with
 * LIBSSH2_INIT_NO_CRYPTO (libssh2_init(3)); libcurl's later call then just
 * counts.  Looked up at run time, so neither libssh2's headers nor a link
 * to it are needed, and with a libcurl built without libssh2 it does
 * nothing.  Must run before any thread starts (libssh2_init is not
 * thread-safe).
 */
static void main_init_libssh2_without_crypto(void)
{
    int (*ssh_init)(int);
    void *sym = dlsym(RTLD_DEFAULT, "libssh2_init");

    /* dlsym returns functions as void *; POSIX makes this copy valid. */
    memcpy(&ssh_init, &sym, sizeof ssh_init);
    if (ssh_init)
        ssh_init(0x0001 /* LIBSSH2_INIT_NO_CRYPTO */);
}

static void usage(FILE *f)
{
    fprintf(f,
            "everynode %s -- a lightweight, Kubernetes-compatible DaemonSet system\n"
            "\n"
            "Usage: everynode <command> [options]\n"
            "\n"
            "Commands:\n"
            "  server   Kubernetes-compatible API server with its controllers and store\n"
            "  agent    a node: registers, heartbeats, runs its pods through runc\n"
            "  sim      many simulated nodes in one process\n"
            "  up       a whole local cluster on this machine\n"
            "  image    import, pull and list a node's container images\n"
            "  version  print the version\n"
            "\n"
            "Run 'everynode <command> --help' for the options of a command.\n",
            EVERYNODE_VERSION);
}

int main(int argc, char **argv)
{
    main_init_libssh2_without_crypto();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
        printf("everynode %s (Kubernetes API v1.32)\n", EVERYNODE_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "server"))
        return cmd_server(argc - 1, argv + 1);
    if (!strcmp(argv[1], "sim"))
        return cmd_sim(argc - 1, argv + 1);
    if (!strcmp(argv[1], "agent"))
        return cmd_agent(argc - 1, argv + 1);
    if (!strcmp(argv[1], "up"))
        return cmd_up(argc - 1, argv + 1);
    if (!strcmp(argv[1], "image"))
        return cmd_image(argc - 1, argv + 1);
    /* Hidden: the per-container supervisor started by the runtime. */
    if (!strcmp(argv[1], "shim"))
        return rt_shim_main(argc - 1, argv + 1);
    fprintf(stderr, "everynode: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
