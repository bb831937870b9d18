/*
 * net.c -- the network of one `everynode up` instance (see up.h): a Linux
 * bridge on the host holding the subnet's first address, and per node a
 * named network namespace joined to the bridge by a veth pair, made and
 * removed with iproute2's `ip` command.  Deleting a namespace also deletes
 * the veth end inside it, and with it the host end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/core.h"
#include "up/up.h"

/* Each `ip` call is quick; anything slower is stuck. */
#define UP_IP_TIMEOUT_MS 10000

void up_id_from_path(const char *path, char *buf)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const char *p = path; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 16777619u;
    }
    snprintf(buf, UP_ID_MAX + 1, "%06x", (unsigned)(h & 0xffffff));
}

bool up_id_is_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > UP_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

static void addr_text(uint32_t host_order, char *buf, size_t len)
{
    struct in_addr a = {.s_addr = htonl(host_order)};
    inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

int up_net_plan(const char *id, const char *subnet, size_t n_nodes, up_net *out, char **err)
{
    char addr[32];
    const char *slash = strchr(subnet, '/');
    struct in_addr a;
    uint32_t base, mask, size;
    char *end;
    long prefix;

    memset(out, 0, sizeof *out);
    if (!up_id_is_valid(id)) {
        *err = xasprintf("invalid instance name \"%s\": use 1 to %d of a-z and 0-9", id,
                         UP_ID_MAX);
        return EN_INVALID;
    }
    if (n_nodes < 1 || n_nodes > UP_MAX_NODES) {
        *err = xasprintf("invalid number of nodes %zu: use 1 to %d", n_nodes, UP_MAX_NODES);
        return EN_INVALID;
    }
    if (!slash || (size_t)(slash - subnet) >= sizeof addr) {
        *err = xasprintf("invalid subnet \"%s\": expected an IPv4 network like 10.77.0.0/24",
                         subnet);
        return EN_INVALID;
    }
    memcpy(addr, subnet, (size_t)(slash - subnet));
    addr[slash - subnet] = '\0';
    errno = 0;
    prefix = strtol(slash + 1, &end, 10);
    if (inet_pton(AF_INET, addr, &a) != 1 || *end || slash[1] == '\0' || errno) {
        *err = xasprintf("invalid subnet \"%s\": expected an IPv4 network like 10.77.0.0/24",
                         subnet);
        return EN_INVALID;
    }
    if (prefix < 8 || prefix > 28) {
        *err = xasprintf("invalid subnet \"%s\": the prefix length must be 8 to 28", subnet);
        return EN_INVALID;
    }
    base = ntohl(a.s_addr);
    mask = 0xffffffffu << (32 - prefix);
    size = ~mask + 1u;
    if (base & ~mask) {
        *err = xasprintf("invalid subnet \"%s\": host bits are set (did you mean %u.%u.%u.%u/%ld?)",
                         subnet, (base & mask) >> 24, ((base & mask) >> 16) & 255,
                         ((base & mask) >> 8) & 255, (base & mask) & 255, prefix);
        return EN_INVALID;
    }
    if (10 + n_nodes >= size - 1) {
        *err = xasprintf("subnet \"%s\" is too small for %zu nodes (they take .11 to .%zu)",
                         subnet, n_nodes, 10 + n_nodes);
        return EN_INVALID;
    }
    snprintf(out->id, sizeof out->id, "%s", id);
    snprintf(out->bridge, sizeof out->bridge, "en-%s", id);
    addr_text(base + 1, out->gateway, sizeof out->gateway);
    out->prefix = (int)prefix;
    out->n_nodes = n_nodes;
    out->nodes = xcalloc(n_nodes, sizeof *out->nodes);
    for (size_t i = 0; i < n_nodes; i++) {
        up_node_net *nn = &out->nodes[i];
        /* n <= UP_MAX_NODES: the modulo only tells the compiler so. */
        unsigned num = (unsigned)(i + 1) % 1000u;
        snprintf(nn->netns, sizeof nn->netns, "everynode-%s-%u", out->id, num);
        snprintf(nn->veth_host, sizeof nn->veth_host, "en-%s-%u", out->id, num);
        snprintf(nn->veth_peer, sizeof nn->veth_peer, "ep-%s-%u", out->id, num);
        addr_text(base + 10 + (uint32_t)i + 1, nn->address, sizeof nn->address);
    }
    return 0;
}

void up_net_release(up_net *net)
{
    if (!net)
        return;
    free(net->nodes);
    memset(net, 0, sizeof *net);
}

/* `ip ARGS...` (NULL-terminated); err as up_run. */
static int ip(char **err, ...)
{
    const char *argv[24];
    size_t n = 0;
    va_list ap;

    argv[n++] = "ip";
    va_start(ap, err);
    for (const char *a = va_arg(ap, const char *); a && n < 23; a = va_arg(ap, const char *))
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return up_run(argv, UP_IP_TIMEOUT_MS, err);
}

/* The same, for teardown: a failure is only logged at debug level (the
 * thing may well not exist). */
static void ip_quiet(const char *a, const char *b, const char *c, const char *d)
{
    char *err = NULL;
    if (ip(&err, a, b, c, d, (const char *)NULL))
        log_debug("up", "%s", err);
    free(err);
}

static bool link_exists(const char *name)
{
    char *p = xasprintf("/sys/class/net/%s", name);
    struct stat st;
    bool r = stat(p, &st) == 0;
    free(p);
    return r;
}

static bool netns_exists(const char *name)
{
    char *p = xasprintf("/run/netns/%s", name);
    struct stat st;
    bool r = stat(p, &st) == 0;
    free(p);
    return r;
}

bool up_net_exists(const up_net *net)
{
    if (link_exists(net->bridge))
        return true;
    for (size_t i = 0; i < net->n_nodes; i++)
        if (netns_exists(net->nodes[i].netns) || link_exists(net->nodes[i].veth_host) ||
            link_exists(net->nodes[i].veth_peer))
            return true;
    return false;
}

void up_net_destroy(const up_net *net)
{
    for (size_t i = 0; i < net->n_nodes; i++) {
        const up_node_net *nn = &net->nodes[i];
        if (netns_exists(nn->netns))
            ip_quiet("netns", "del", nn->netns, NULL);
        if (link_exists(nn->veth_host))
            ip_quiet("link", "del", nn->veth_host, NULL);
        if (link_exists(nn->veth_peer))
            ip_quiet("link", "del", nn->veth_peer, NULL);
    }
    if (link_exists(net->bridge))
        ip_quiet("link", "del", net->bridge, NULL);
}

int up_net_create(const up_net *net, char **err)
{
    char cidr[32];
    int rc;

    up_net_destroy(net); /* leftovers of an instance that was killed */
    snprintf(cidr, sizeof cidr, "%s/%d", net->gateway, net->prefix);
    rc = ip(err, "link", "add", net->bridge, "type", "bridge", (const char *)NULL);
    if (!rc)
        rc = ip(err, "addr", "add", cidr, "dev", net->bridge, (const char *)NULL);
    if (!rc)
        rc = ip(err, "link", "set", net->bridge, "up", (const char *)NULL);
    for (size_t i = 0; i < net->n_nodes && !rc; i++) {
        const up_node_net *nn = &net->nodes[i];
        char ncidr[32];
        snprintf(ncidr, sizeof ncidr, "%s/%d", nn->address, net->prefix);
        rc = ip(err, "netns", "add", nn->netns, (const char *)NULL);
        if (!rc)
            rc = ip(err, "link", "add", nn->veth_host, "type", "veth", "peer", "name",
                    nn->veth_peer, (const char *)NULL);
        if (!rc)
            rc = ip(err, "link", "set", nn->veth_host, "master", net->bridge, "up",
                    (const char *)NULL);
        if (!rc)
            rc = ip(err, "link", "set", nn->veth_peer, "netns", nn->netns, (const char *)NULL);
        if (!rc)
            rc = ip(err, "-n", nn->netns, "link", "set", nn->veth_peer, "name", "eth0",
                    (const char *)NULL);
        if (!rc)
            rc = ip(err, "-n", nn->netns, "addr", "add", ncidr, "dev", "eth0", (const char *)NULL);
        if (!rc)
            rc = ip(err, "-n", nn->netns, "link", "set", "eth0", "up", (const char *)NULL);
        if (!rc)
            rc = ip(err, "-n", nn->netns, "link", "set", "lo", "up", (const char *)NULL);
        if (!rc)
            rc = ip(err, "-n", nn->netns, "route", "add", "default", "via", net->gateway,
                    (const char *)NULL);
    }
    if (rc)
        up_net_destroy(net);
    return rc;
}
