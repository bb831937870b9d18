/*
 * machine.c -- what the node is (agent_int.h): capacity read from the
 * machine (CPUs we may run on, MemTotal, the data directory's filesystem),
 * nodeInfo (kernel, OS image, architecture, machine and boot IDs, runc's
 * version), the pressure measurements behind kubelet's conditions, and the
 * Node and Lease bodies built from them.  The builders are pure functions
 * of an agent_machine and an agent_pressure, so tests feed them made-up
 * machines.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/agent_int.h"

/* ---- reading the machine --------------------------------------------------- */

/* First line of a file, trimmed, or NULL. */
static char *read_line(const char *path)
{
    char buf[512];
    FILE *f = fopen(path, "r");
    char *out = NULL;

    if (!f)
        return NULL;
    if (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        if (buf[0])
            out = xstrdup(buf);
    }
    fclose(f);
    return out;
}

/* A "Key:   N kB" value of /proc/meminfo in bytes, or 0. */
static int64_t meminfo(const char *key)
{
    char line[256];
    size_t kl = strlen(key);
    int64_t v = 0;
    FILE *f = fopen("/proc/meminfo", "r");

    if (!f)
        return 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
            v = strtoll(line + kl + 1, NULL, 10) * 1024;
            break;
        }
    }
    fclose(f);
    return v;
}

/* PRETTY_NAME of /etc/os-release (quotes removed), or "Linux". */
static char *os_image(void)
{
    char line[512];
    FILE *f = fopen("/etc/os-release", "r");
    char *out = NULL;

    if (!f)
        f = fopen("/usr/lib/os-release", "r");
    if (!f)
        return xstrdup("Linux");
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "PRETTY_NAME=", 12) == 0) {
            char *v = line + 12;
            v[strcspn(v, "\r\n")] = '\0';
            if (*v == '"' || *v == '\'') {
                size_t n = strlen(v);
                if (n >= 2 && v[n - 1] == *v)
                    v[n - 1] = '\0';
                v++;
            }
            out = xstrdup(v);
            break;
        }
    }
    fclose(f);
    return out ? out : xstrdup("Linux");
}

/* uname's machine in Go's GOARCH words, as nodeInfo.architecture. */
static char *go_arch(const char *machine)
{
    static const char *const map[][2] = {{"x86_64", "amd64"},  {"aarch64", "arm64"},
                                         {"armv7l", "arm"},    {"armv6l", "arm"},
                                         {"i686", "386"},      {"i386", "386"},
                                         {"ppc64le", "ppc64le"}, {"s390x", "s390x"},
                                         {"riscv64", "riscv64"}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(map[i][0], machine) == 0)
            return xstrdup(map[i][1]);
    return xstrdup(machine);
}

static long usable_cpus(void)
{
    cpu_set_t set;
    long n;

    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        n = CPU_COUNT(&set);
        if (n > 0)
            return n;
    }
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? n : 1;
}

/* The IPv4 address of the interface of the default route, or NULL. */
static char *default_route_ip(void)
{
    char line[512], iface[IF_NAMESIZE + 1] = "", *out = NULL;
    FILE *f = fopen("/proc/net/route", "r");
    struct ifaddrs *ifs = NULL, *i;

    if (!f)
        return NULL;
    while (fgets(line, sizeof line, f)) {
        char name[IF_NAMESIZE + 1];
        unsigned long dest, mask;
        if (sscanf(line, "%16s %lx %*x %*x %*d %*d %*d %lx", name, &dest, &mask) == 3 &&
            dest == 0 && mask == 0) {
            memcpy(iface, name, sizeof iface);
            break;
        }
    }
    fclose(f);
    if (!iface[0] || getifaddrs(&ifs) != 0)
        return NULL;
    for (i = ifs; i; i = i->ifa_next) {
        char buf[INET_ADDRSTRLEN];
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || strcmp(i->ifa_name, iface))
            continue;
        if (inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf,
                      sizeof buf)) {
            out = xstrdup(buf);
            break;
        }
    }
    freeifaddrs(ifs);
    return out;
}

char *agent__runtime_version(const char *runc, char **err)
{
    char buf[256] = "", *out = NULL;
    int fds[2], status = 0;
    ssize_t n, got = 0;
    pid_t pid;

    *err = NULL;
    if (pipe2(fds, O_CLOEXEC) != 0) {
        *err = xasprintf("pipe: %s", strerror(errno));
        return NULL;
    }
    pid = fork();
    if (pid < 0) {
        *err = xasprintf("fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return NULL;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        execlp(runc ? runc : "runc", runc ? runc : "runc", "--version", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    while (got < (ssize_t)sizeof buf - 1 &&
           (n = read(fds[0], buf + got, sizeof buf - 1 - (size_t)got)) > 0)
        got += n;
    buf[got] = '\0';
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        *err = xasprintf("%s --version failed%s", runc ? runc : "runc",
                         WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ": not found" : "");
        return NULL;
    }
    /* "runc version 1.1.5+ds1\n..." */
    if (strncmp(buf, "runc version ", 13) == 0) {
        size_t len = strcspn(buf + 13, " \r\n");
        char *ver = xstrndup(buf + 13, len);
        out = xasprintf("runc://%s", ver);
        free(ver);
    } else {
        out = xstrdup("runc://unknown");
    }
    return out;
}

int agent__machine_read(const agent_config *cfg, agent_machine *m, char **err)
{
    struct utsname u;
    char host[256];
    struct statvfs vfs;

    memset(m, 0, sizeof *m);
    *err = NULL;
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    m->hostname = xstrdup(host);
    if (cfg->node_name) {
        m->node_name = xstrdup(cfg->node_name);
    } else {
        /* kubelet lower-cases the host name for the node name. */
        for (char *p = host; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        m->node_name = xstrdup(host);
    }
    m->node_ip = cfg->node_ip ? xstrdup(cfg->node_ip) : default_route_ip();
    if (!m->node_ip)
        m->node_ip = xstrdup("127.0.0.1");
    m->cpus = usable_cpus();
    m->memory_bytes = meminfo("MemTotal");
    if (statvfs(cfg->data_dir, &vfs) == 0)
        m->fs_bytes = (int64_t)vfs.f_blocks * (int64_t)vfs.f_frsize;
    if (uname(&u) == 0) {
        m->kernel = xstrdup(u.release);
        m->arch = go_arch(u.machine);
    } else {
        m->kernel = xstrdup("unknown");
        m->arch = xstrdup("amd64");
    }
    m->os_image = os_image();
    m->machine_id = read_line("/etc/machine-id");
    if (!m->machine_id)
        m->machine_id = read_line("/var/lib/dbus/machine-id");
    if (!m->machine_id) {
        char id[40], hex[33];
        size_t j = 0;
        uid_new(id);
        for (size_t i = 0; id[i] && j < 32; i++)
            if (id[i] != '-')
                hex[j++] = id[i];
        hex[j] = '\0';
        m->machine_id = xstrdup(hex);
    }
    m->system_uuid = read_line("/sys/class/dmi/id/product_uuid");
    if (!m->system_uuid) {
        const char *h = m->machine_id;
        m->system_uuid = strlen(h) >= 32 ? xasprintf("%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8,
                                                     h + 12, h + 16, h + 20)
                                         : xstrdup(h);
    }
    m->boot_id = read_line("/proc/sys/kernel/random/boot_id");
    if (!m->boot_id)
        m->boot_id = xstrdup("");
    m->runtime_version = agent__runtime_version(cfg->runc, &m->runtime_error);
    if (!m->runtime_version)
        m->runtime_version = xstrdup("runc://unknown");
    return 0;
}

void agent__machine_release(agent_machine *m)
{
    if (!m)
        return;
    free(m->node_name);
    free(m->node_ip);
    free(m->hostname);
    free(m->kernel);
    free(m->os_image);
    free(m->arch);
    free(m->machine_id);
    free(m->system_uuid);
    free(m->boot_id);
    free(m->runtime_version);
    free(m->runtime_error);
    memset(m, 0, sizeof *m);
}

void agent__pressure_read(const char *data_dir, agent_pressure *p)
{
    struct statvfs vfs;
    char *line;

    memset(p, 0, sizeof *p);
    p->mem_available = meminfo("MemAvailable");
    if (statvfs(data_dir, &vfs) == 0) {
        p->fs_available = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
        p->fs_size = (int64_t)vfs.f_blocks * (int64_t)vfs.f_frsize;
    }
    line = read_line("/proc/loadavg");
    if (line) {
        /* "0.00 0.01 0.05 1/123 4567": running/total tasks. */
        const char *slash = strchr(line, '/');
        if (slash)
            p->pids = strtol(slash + 1, NULL, 10);
        free(line);
    }
    line = read_line("/proc/sys/kernel/pid_max");
    if (line) {
        p->pid_max = strtol(line, NULL, 10);
        free(line);
    }
}

/* ---- the Node ---------------------------------------------------------------- */

/* One kubelet condition: its type, and its words when true or false. */
static const struct node_cond {
    const char *type;
    const char *true_reason, *true_message;
    const char *false_reason, *false_message;
} node_conds[] = {
    {"MemoryPressure", "KubeletHasInsufficientMemory", "kubelet has insufficient memory available",
     "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
    {"DiskPressure", "KubeletHasDiskPressure", "kubelet has disk pressure",
     "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
    {"PIDPressure", "KubeletHasInsufficientPID", "kubelet has insufficient PID available",
     "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
    {"Ready", "KubeletReady", "kubelet is posting ready status", "KubeletNotReady", NULL},
};
#define N_NODE_CONDS (sizeof node_conds / sizeof *node_conds)

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

/* The conditions as kubelet's setters compute them, with transition times
 * kept from current where the status is unchanged. */
static json_t *node_conditions(const agent_machine *m, const agent_pressure *p, json_t *current,
                               int64_t now)
{
    json_t *out = json_array();
    char ts[32];
    bool vals[N_NODE_CONDS];
    char *not_ready = NULL;

    vals[0] = p->mem_available > 0 && p->mem_available < AGENT_EVICT_MEMORY_BYTES;
    vals[1] = p->fs_size > 0 &&
              p->fs_available * 100 < p->fs_size * (int64_t)AGENT_EVICT_NODEFS_PERCENT;
    /* kubelet's pid.available threshold: 10% of pid_max left. */
    vals[2] = p->pid_max > 0 && p->pids * 10 > p->pid_max * 9;
    vals[3] = m->runtime_error == NULL;
    if (m->runtime_error)
        not_ready = xasprintf("container runtime is down: %s", m->runtime_error);
    time_format_rfc3339(now, ts, sizeof ts);
    for (size_t i = 0; i < N_NODE_CONDS; i++) {
        const char *st = vals[i] ? "True" : "False";
        json_t *cur = find_condition(current, node_conds[i].type);
        const char *cst = json_string_value(json_object_get(cur, "status"));
        const char *tt = json_string_value(json_object_get(cur, "lastTransitionTime"));
        const char *msg = vals[i] ? node_conds[i].true_message : node_conds[i].false_message;
        if (!cst || strcmp(cst, st) != 0 || !tt)
            tt = ts;
        if (!msg)
            msg = not_ready ? not_ready : "kubelet is not ready";
        json_array_append_new(
            out, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", node_conds[i].type, "status", st,
                           "lastHeartbeatTime", ts, "lastTransitionTime", tt, "reason",
                           vals[i] ? node_conds[i].true_reason : node_conds[i].false_reason,
                           "message", msg));
    }
    free(not_ready);
    return out;
}

/* Kubernetes quantity text for bytes: "<n>Ki" as kubelet reports memory. */
static json_t *ki_quantity(int64_t bytes)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lldKi", (long long)(bytes / 1024));
    return json_string(buf);
}

static json_t *resources(const agent_machine *m, bool allocatable)
{
    char cpu[24], pods[24];
    int64_t mem = m->memory_bytes, fs = m->fs_bytes;
    json_t *r;

    if (allocatable) {
        mem = mem > AGENT_EVICT_MEMORY_BYTES ? mem - AGENT_EVICT_MEMORY_BYTES : 0;
        fs = fs / 100 * (100 - AGENT_EVICT_NODEFS_PERCENT);
    }
    snprintf(cpu, sizeof cpu, "%ld", m->cpus);
    snprintf(pods, sizeof pods, "%d", AGENT_MAX_PODS);
    r = json_pack("{s:s,s:o,s:s,s:s,s:s}", "cpu", cpu, "memory", ki_quantity(mem), "pods", pods,
                  "hugepages-1Gi", "0", "hugepages-2Mi", "0");
    if (allocatable) {
        char buf[32];
        /* kubelet writes allocatable storage in plain bytes. */
        snprintf(buf, sizeof buf, "%lld", (long long)fs);
        json_object_set_new(r, "ephemeral-storage", json_string(buf));
    } else {
        json_object_set_new(r, "ephemeral-storage", ki_quantity(fs));
    }
    return r;
}

static json_t *node_info(const agent_machine *m)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "machineID", m->machine_id,
                     "systemUUID", m->system_uuid, "bootID", m->boot_id, "kernelVersion",
                     m->kernel, "osImage", m->os_image, "containerRuntimeVersion",
                     m->runtime_version, "kubeletVersion", AGENT_KUBELET_VERSION,
                     "kubeProxyVersion", "", "operatingSystem", "linux", "architecture",
                     m->arch);
}

json_t *agent__node_status(const agent_config *cfg, const agent_machine *m,
                           const agent_pressure *p, json_t *current_conds, int64_t now)
{
    return json_pack("{s:o,s:o,s:o,s:[{s:s,s:s},{s:s,s:s}],s:{s:{s:i}},s:o}", "capacity",
                     resources(m, false), "allocatable", resources(m, true), "conditions",
                     node_conditions(m, p, current_conds, now), "addresses", "type",
                     "InternalIP", "address", m->node_ip, "type", "Hostname", "address",
                     m->node_name, "daemonEndpoints", "kubeletEndpoint", "Port", cfg->port,
                     "nodeInfo", node_info(m));
}

/* kubelet's own labels, then the configured ones. */
static json_t *node_labels(const agent_config *cfg, const agent_machine *m)
{
    json_t *l = json_pack("{s:s,s:s,s:s,s:s,s:s}", "beta.kubernetes.io/arch", m->arch,
                          "beta.kubernetes.io/os", "linux", "kubernetes.io/arch", m->arch,
                          "kubernetes.io/hostname", m->node_name, "kubernetes.io/os", "linux");
    if (cfg->labels)
        json_object_update(l, cfg->labels);
    return l;
}

json_t *agent__node_object(const agent_config *cfg, const agent_machine *m,
                           const agent_pressure *p, int64_t now)
{
    json_t *spec = json_object();

    if (json_array_size(cfg->taints))
        json_object_set_new(spec, "taints", json_deep_copy(cfg->taints));
    return json_pack("{s:s,s:s,s:{s:s,s:o},s:o,s:o}", "apiVersion", "v1", "kind", "Node",
                     "metadata", "name", m->node_name, "labels", node_labels(cfg, m), "spec",
                     spec, "status", agent__node_status(cfg, m, p, NULL, now));
}

json_t *agent__node_labels_patch(const agent_config *cfg, const agent_machine *m, json_t *node)
{
    json_t *want = node_labels(cfg, m), *have = json_path(node, "metadata.labels");
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

/* A copy of a status without the heartbeat times of its conditions. */
static json_t *without_heartbeats(json_t *st)
{
    json_t *c = json_deep_copy(st), *cond;
    size_t i;

    json_array_foreach(json_object_get(c, "conditions"), i, cond)
    {
        json_object_del(cond, "lastHeartbeatTime");
    }
    return c;
}

bool agent__node_status_same(json_t *a, json_t *b)
{
    json_t *x, *y;
    bool same;

    if (!a || !b)
        return a == b;
    x = without_heartbeats(a);
    y = without_heartbeats(b);
    same = json_equal(x, y);
    json_decref(x);
    json_decref(y);
    return same;
}

json_t *agent__lease_object(const agent_config *cfg, const char *name, const char *node_uid,
                            const char *rv, int64_t now_us)
{
    char ts[40];
    json_t *meta;

    time_format_rfc3339_micro(now_us, ts, sizeof ts);
    meta = json_pack("{s:s,s:s}", "name", name, "namespace", AGENT_LEASE_NAMESPACE);
    if (rv && *rv)
        json_object_set_new(meta, "resourceVersion", json_string(rv));
    /* Owned by the Node, so deleting the Node collects its Lease. */
    if (node_uid && *node_uid)
        json_object_set_new(meta, "ownerReferences",
                            json_pack("[{s:s,s:s,s:s,s:s}]", "apiVersion", "v1", "kind", "Node",
                                      "name", name, "uid", node_uid));
    return json_pack("{s:s,s:s,s:o,s:{s:s,s:i,s:s}}", "apiVersion", "coordination.k8s.io/v1",
                     "kind", "Lease", "metadata", meta, "spec", "holderIdentity", name,
                     "leaseDurationSeconds", cfg->lease_duration, "renewTime", ts);
}
