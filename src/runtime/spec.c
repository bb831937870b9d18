/*
 * spec.c -- checks an rt_spec and turns it into the OCI runtime config
 * (config.json, runtime-spec 1.0) that runc runs.
 *
 * Pure functions (no file system access), so tests/unit/runtime checks the
 * JSON directly.  The config follows `runc spec`'s defaults (mounts of /proc,
 * /dev, /dev/pts, /dev/shm, /dev/mqueue, read-only /sys and /sys/fs/cgroup,
 * masked and read-only /proc paths) with the differences Kubernetes pods
 * need: the capability set container runtimes give pods (runc spec's three
 * are too few for e.g. nginx, which changes user), no user namespace, the
 * agent's network namespace unless another is named, /etc/hosts,
 * /etc/hostname and /etc/resolv.conf bind-mounted from the container's
 * directory, and cgroup limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "runtime/runtime_int.h"

/* The default capability set of Kubernetes containers (what containerd and
 * Docker grant). */
static const char *const default_caps[] = {
    "CAP_CHOWN",      "CAP_DAC_OVERRIDE",     "CAP_FSETID",   "CAP_FOWNER", "CAP_MKNOD",
    "CAP_NET_RAW",    "CAP_SETGID",           "CAP_SETUID",   "CAP_SETFCAP", "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",     "CAP_AUDIT_WRITE",
};

static const char *const masked_paths[] = {
    "/proc/acpi",          "/proc/asound",    "/proc/kcore",       "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/sys/firmware",       "/proc/scsi",
};

static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- validation -------------------------------------------------------- */

bool rt__id_is_valid(const char *id)
{
    size_t n;

    if (!id)
        return false;
    n = strlen(id);
    if (n == 0 || n > 64 || !strcmp(id, ".") || !strcmp(id, ".."))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

/* Absolute, without "." or ".." components, no control characters. */
static bool path_is_clean(const char *p)
{
    if (!p || p[0] != '/' || strlen(p) > 1024)
        return false;
    for (const char *s = p; *s; s++)
        if ((unsigned char)*s < 0x20)
            return false;
    for (const char *s = p; *s;) {
        const char *e;
        size_t n;
        while (*s == '/')
            s++;
        e = strchr(s, '/');
        n = e ? (size_t)(e - s) : strlen(s);
        if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
            return false;
        s += n;
    }
    return true;
}

bool rt__dir_is_valid(const char *dir)
{
    if (!path_is_clean(dir) || strspn(dir, "/") == strlen(dir))
        return false;
    return !strpbrk(dir, ",:\\");
}

static bool hostname_is_valid(const char *h)
{
    size_t n = strlen(h);

    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.'))
            return false;
    }
    return true;
}

int rt__validate_spec(const rt_spec *spec, char **err)
{
    const char *why = NULL;
    char *msg = NULL;

    if (!spec) {
        why = "spec: missing";
    } else if (!rt__id_is_valid(spec->id)) {
        msg = xasprintf("id \"%s\": must be 1 to 64 characters of [A-Za-z0-9_.-]",
                        spec->id ? spec->id : "(null)");
    } else if (!rt__dir_is_valid(spec->dir)) {
        msg = xasprintf("dir \"%s\": must be an absolute path other than /, without . or .. "
                        "components, ',', ':' or '\\'",
                        spec->dir ? spec->dir : "(null)");
    } else if (!path_is_clean(spec->image_rootfs) || strpbrk(spec->image_rootfs, ",:\\")) {
        msg = xasprintf("image_rootfs \"%s\": must be an absolute path without . or .. "
                        "components, ',', ':' or '\\'",
                        spec->image_rootfs ? spec->image_rootfs : "(null)");
    } else if (!spec->args || !spec->args[0] || !spec->args[0][0]) {
        why = "args: must hold at least the program to run";
    } else if (spec->cwd && !path_is_clean(spec->cwd)) {
        msg = xasprintf("cwd \"%s\": must be an absolute path", spec->cwd);
    } else if (spec->hostname && !hostname_is_valid(spec->hostname)) {
        msg = xasprintf("hostname \"%s\": must be 1 to 64 characters of [A-Za-z0-9.-]",
                        spec->hostname);
    } else if (spec->memory_limit < 0) {
        why = "memory_limit: must not be negative";
    } else if (spec->memory_limit > 0 && spec->memory_limit < 4 * 1024 * 1024) {
        why = "memory_limit: must be at least 4 MiB (runc cannot start a container in less)";
    } else if (spec->cpu_limit_milli < 0 || spec->cpu_limit_milli > 1000000) {
        why = "cpu_limit_milli: must be between 0 and 1000000";
    } else if (spec->cpu_shares_milli < 0 || spec->cpu_shares_milli > 1000000) {
        why = "cpu_shares_milli: must be between 0 and 1000000";
    } else if (spec->netns && !path_is_clean(spec->netns)) {
        msg = xasprintf("netns \"%s\": must be an absolute path", spec->netns);
    } else if (spec->uid < 0 || spec->gid < 0) {
        why = "uid/gid: must not be negative";
    } else if (spec->log_path && !path_is_clean(spec->log_path)) {
        msg = xasprintf("log_path \"%s\": must be an absolute path", spec->log_path);
    } else if (spec->log_max_bytes < 0) {
        why = "log_max_bytes: must not be negative";
    } else if (spec->n_mounts > 0 && !spec->mounts) {
        why = "mounts: n_mounts > 0 but no mounts";
    }
    if (!why && !msg && spec) {
        for (size_t i = 0; spec->env && spec->env[i]; i++) {
            const char *eq = strchr(spec->env[i], '=');
            if (!eq || eq == spec->env[i]) {
                msg = xasprintf("env[%zu] \"%s\": must be NAME=VALUE", i, spec->env[i]);
                break;
            }
        }
    }
    for (size_t i = 0; !why && !msg && spec && i < spec->n_mounts; i++) {
        const rt_mount *m = &spec->mounts[i];
        const char *type = m->type ? m->type : "bind";
        if (!path_is_clean(m->destination) || strspn(m->destination, "/") == strlen(m->destination))
            msg = xasprintf("mounts[%zu].destination \"%s\": must be an absolute path other than /",
                            i, m->destination ? m->destination : "(null)");
        else if (strcmp(type, "bind") != 0 && strcmp(type, "tmpfs") != 0)
            msg = xasprintf("mounts[%zu].type \"%s\": must be bind or tmpfs", i, type);
        else if (!strcmp(type, "bind") && !path_is_clean(m->source))
            msg = xasprintf("mounts[%zu].source \"%s\": a bind mount needs an absolute host path",
                            i, m->source ? m->source : "(null)");
    }
    if (!why && !msg)
        return 0;
    if (err)
        *err = msg ? msg : xstrdup(why);
    else
        free(msg);
    return EN_INVALID;
}

/* ---- the OCI config ---------------------------------------------------- */

char *rt__cgroup_parent(const rt_config *cfg)
{
    const char *p = cfg && cfg->cgroup_parent && cfg->cgroup_parent[0] ? cfg->cgroup_parent
                                                                       : RT_DEFAULT_CGROUP_PARENT;
    size_t n = strlen(p);

    while (n > 1 && p[n - 1] == '/')
        n--;
    return p[0] == '/' ? xstrndup(p, n) : xasprintf("/%.*s", (int)n, p);
}

char *rt__hosts_file(const char *hostname)
{
    sbuf sb;

    sbuf_init(&sb);
    sbuf_puts(&sb, "# Written by everynode for this container.\n"
                   "127.0.0.1\tlocalhost\n"
                   "::1\tlocalhost ip6-localhost ip6-loopback\n"
                   "fe00::0\tip6-localnet\n"
                   "fe00::0\tip6-mcastprefix\n"
                   "fe00::1\tip6-allnodes\n"
                   "fe00::2\tip6-allrouters\n");
    if (hostname)
        sbuf_printf(&sb, "127.0.1.1\t%s\n", hostname);
    return sbuf_detach(&sb, NULL);
}

static json_t *str_array(const char *const *v, size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *mount_new(const char *dest, const char *type, const char *source,
                         const char *const *opts, size_t n_opts)
{
    json_t *m = json_object();

    json_object_set_new(m, "destination", json_string(dest));
    json_object_set_new(m, "type", json_string(type));
    json_object_set_new(m, "source", json_string(source));
    if (n_opts)
        json_object_set_new(m, "options", str_array(opts, n_opts));
    return m;
}

/* True if the spec mounts something at dest itself (then ours is left out). */
static bool spec_mounts_at(const rt_spec *spec, const char *dest)
{
    for (size_t i = 0; i < spec->n_mounts; i++)
        if (!strcmp(spec->mounts[i].destination, dest))
            return true;
    return false;
}

static json_t *mounts_new(const rt_spec *spec)
{
    static const char *const dev[] = {"nosuid", "strictatime", "mode=755", "size=65536k"};
    static const char *const pts[] = {"nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                      "mode=0620", "gid=5"};
    static const char *const shm[] = {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"};
    static const char *const mq[] = {"nosuid", "noexec", "nodev"};
    static const char *const sys[] = {"nosuid", "noexec", "nodev", "ro"};
    static const char *const cg[] = {"nosuid", "noexec", "nodev", "relatime", "ro"};
    static const char *const bind_rw[] = {"rbind", "rprivate"};
    static const char *const bind_ro[] = {"rbind", "rprivate", "ro"};
    static const char *const tmpfs_rw[] = {"nosuid", "nodev", "mode=1777"};
    static const char *const tmpfs_ro[] = {"nosuid", "nodev", "mode=1777", "ro"};
    static const char *const etc_files[] = {RT_F_HOSTS, RT_F_HOSTNAME, RT_F_RESOLV};
    json_t *a = json_array();

    json_array_append_new(a, mount_new("/proc", "proc", "proc", NULL, 0));
    json_array_append_new(a, mount_new("/dev", "tmpfs", "tmpfs", dev, NELEM(dev)));
    json_array_append_new(a, mount_new("/dev/pts", "devpts", "devpts", pts, NELEM(pts)));
    json_array_append_new(a, mount_new("/dev/shm", "tmpfs", "shm", shm, NELEM(shm)));
    json_array_append_new(a, mount_new("/dev/mqueue", "mqueue", "mqueue", mq, NELEM(mq)));
    json_array_append_new(a, mount_new("/sys", "sysfs", "sysfs", sys, NELEM(sys)));
    json_array_append_new(a, mount_new("/sys/fs/cgroup", "cgroup", "cgroup", cg, NELEM(cg)));
    for (size_t i = 0; i < spec->n_mounts; i++) {
        const rt_mount *m = &spec->mounts[i];
        if (m->type && !strcmp(m->type, "tmpfs"))
            json_array_append_new(a, mount_new(m->destination, "tmpfs", "tmpfs",
                                               m->read_only ? tmpfs_ro : tmpfs_rw,
                                               m->read_only ? NELEM(tmpfs_ro) : NELEM(tmpfs_rw)));
        else
            json_array_append_new(a, mount_new(m->destination, "bind", m->source,
                                               m->read_only ? bind_ro : bind_rw,
                                               m->read_only ? NELEM(bind_ro) : NELEM(bind_rw)));
    }
    for (size_t i = 0; i < NELEM(etc_files); i++) {
        char *dest = xasprintf("/etc/%s", etc_files[i]);
        if (!strcmp(etc_files[i], RT_F_HOSTNAME) && !spec->hostname) {
            free(dest);
            continue;
        }
        if (!spec_mounts_at(spec, dest)) {
            char *src = rt__path(spec->dir, etc_files[i]);
            json_array_append_new(a, mount_new(dest, "bind", src, bind_rw, NELEM(bind_rw)));
            free(src);
        }
        free(dest);
    }
    return a;
}

static bool env_has(const rt_spec *spec, const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; spec->env && spec->env[i]; i++)
        if (!strncmp(spec->env[i], name, n) && spec->env[i][n] == '=')
            return true;
    return false;
}

static json_t *process_new(const rt_spec *spec)
{
    json_t *p = json_object();
    json_t *user = json_object();
    json_t *args = json_array();
    json_t *env = json_array();
    json_t *caps = json_object();

    json_object_set_new(p, "terminal", json_false());
    json_object_set_new(user, "uid", json_integer(spec->uid));
    json_object_set_new(user, "gid", json_integer(spec->gid));
    json_object_set_new(p, "user", user);
    for (size_t i = 0; spec->args[i]; i++)
        json_array_append_new(args, json_string(spec->args[i]));
    json_object_set_new(p, "args", args);
    /* runc looks args[0] up in the PATH of env: give it the usual one. */
    if (!env_has(spec, "PATH"))
        json_array_append_new(env, json_string("PATH=" RT_DEFAULT_PATH));
    if (spec->hostname && !env_has(spec, "HOSTNAME"))
        json_array_append_new(env, json_sprintf("HOSTNAME=%s", spec->hostname));
    for (size_t i = 0; spec->env && spec->env[i]; i++)
        json_array_append_new(env, json_string(spec->env[i]));
    json_object_set_new(p, "env", env);
    json_object_set_new(p, "cwd", json_string(spec->cwd ? spec->cwd : "/"));
    json_object_set_new(caps, "bounding", str_array(default_caps, NELEM(default_caps)));
    json_object_set_new(caps, "effective", str_array(default_caps, NELEM(default_caps)));
    json_object_set_new(caps, "permitted", str_array(default_caps, NELEM(default_caps)));
    json_object_set_new(p, "capabilities", caps);
    /* Kubernetes' default (allowPrivilegeEscalation true) sets no
     * no_new_privs. */
    json_object_set_new(p, "noNewPrivileges", json_false());
    return p;
}

static json_t *resources_new(const rt_spec *spec, const rt__host *host)
{
    json_t *r = json_object();
    json_t *devices = json_array();
    json_t *deny = json_object();

    /* Deny every device but the defaults runc always allows (null, zero,
     * full, tty, random, urandom, ptmx, pts). */
    json_object_set_new(deny, "allow", json_false());
    json_object_set_new(deny, "access", json_string("rwm"));
    json_array_append_new(devices, deny);
    json_object_set_new(r, "devices", devices);
    if (spec->memory_limit > 0) {
        json_t *mem = json_object();
        json_object_set_new(mem, "limit", json_integer(spec->memory_limit));
        /* memory+swap equal to the limit: no swap, as kubelet does. */
        if (host && host->memory_swap)
            json_object_set_new(mem, "swap", json_integer(spec->memory_limit));
        json_object_set_new(r, "memory", mem);
    }
    if (spec->cpu_limit_milli > 0 || spec->cpu_shares_milli > 0) {
        json_t *cpu = json_object();
        if (spec->cpu_shares_milli > 0) {
            /* kubelet's MilliCPUToShares: 1024 per cpu, at least 2. */
            int64_t shares = spec->cpu_shares_milli * 1024 / 1000;
            json_object_set_new(cpu, "shares", json_integer(shares < 2 ? 2 : shares));
        }
        if (spec->cpu_limit_milli > 0) {
            /* kubelet's MilliCPUToQuota with a 100 ms period; the kernel's
             * minimum quota is 1 ms. */
            int64_t quota = spec->cpu_limit_milli * 100000 / 1000;
            json_object_set_new(cpu, "quota", json_integer(quota < 1000 ? 1000 : quota));
            json_object_set_new(cpu, "period", json_integer(100000));
        }
        json_object_set_new(r, "cpu", cpu);
    }
    return r;
}

static json_t *namespaces_new(const rt_spec *spec)
{
    static const char *const own[] = {"pid", "ipc", "uts", "mount"};
    json_t *a = json_array();

    for (size_t i = 0; i < NELEM(own); i++) {
        json_t *ns = json_object();
        json_object_set_new(ns, "type", json_string(own[i]));
        json_array_append_new(a, ns);
    }
    if (spec->netns) {
        json_t *ns = json_object();
        json_object_set_new(ns, "type", json_string("network"));
        json_object_set_new(ns, "path", json_string(spec->netns));
        json_array_append_new(a, ns);
    }
    return a;
}

int rt__oci_config(const rt_config *cfg, const rt_spec *spec, const rt__host *host, json_t **out,
                   char **err)
{
    json_t *c, *root, *linux_;
    char *rootfs, *parent;
    int rc;

    *out = NULL;
    rc = rt__validate_spec(spec, err);
    if (rc != 0)
        return rc;
    c = json_object();
    json_object_set_new(c, "ociVersion", json_string("1.0.2"));
    json_object_set_new(c, "process", process_new(spec));
    root = json_object();
    rootfs = rt__path(spec->dir, RT_F_ROOTFS);
    json_object_set_new(root, "path", json_string(rootfs));
    json_object_set_new(root, "readonly", json_false());
    free(rootfs);
    json_object_set_new(c, "root", root);
    if (spec->hostname)
        json_object_set_new(c, "hostname", json_string(spec->hostname));
    json_object_set_new(c, "mounts", mounts_new(spec));

    linux_ = json_object();
    json_object_set_new(linux_, "resources", resources_new(spec, host));
    parent = rt__cgroup_parent(cfg);
    json_object_set_new(linux_, "cgroupsPath",
                        json_sprintf("%s/%s", strcmp(parent, "/") ? parent : "", spec->id));
    free(parent);
    json_object_set_new(linux_, "namespaces", namespaces_new(spec));
    json_object_set_new(linux_, "maskedPaths", str_array(masked_paths, NELEM(masked_paths)));
    json_object_set_new(linux_, "readonlyPaths", str_array(readonly_paths, NELEM(readonly_paths)));
    json_object_set_new(c, "linux", linux_);
    *out = c;
    return 0;
}
