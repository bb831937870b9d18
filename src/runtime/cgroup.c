/*
 * cgroup.c -- the little the runtime itself does with cgroups (runc
 * creates and limits them): find the file that counts a container's OOM
 * kills, so the shim can tell an OOM kill from any other SIGKILL, and
 * remove cgroup directories runc left behind.
 *
 * Works on cgroup v1, v2 and the hybrid layout (v1 controllers plus an
 * empty unified hierarchy): the mount points come from /proc/self/mountinfo
 * and a process's cgroups from /proc/PID/cgroup.  When a v1 memory
 * hierarchy is mounted it is the one that limits memory, so it is preferred
 * over v2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"
#include "runtime/runtime_int.h"

/* One cgroup hierarchy mounted in this mount namespace. */
typedef struct cg_mount {
    char *point; /* mount point, e.g. /sys/fs/cgroup/memory (owned) */
    char *root;  /* the hierarchy's path mounted there, usually "/" (owned) */
    bool v2;     /* cgroup2 */
    bool memory; /* v1 hierarchy holding the memory controller */
} cg_mount;

/* True if the comma-separated list has the token. */
static bool has_token(const char *list, const char *tok)
{
    size_t n = strlen(tok);

    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncmp(p, tok, n))
            return true;
        p = e ? e + 1 : NULL;
    }
    return false;
}

/* Every cgroup mount; *n_out entries, freed with cg_mounts_free. */
static cg_mount *cg_mounts(size_t *n_out)
{
    char *text = NULL;
    cg_mount *v = NULL;
    size_t n = 0;

    *n_out = 0;
    if (rt__read_file("/proc/self/mountinfo", 1 << 20, &text, NULL) != 0)
        return NULL;
    for (char *line = text, *next; line && *line; line = next) {
        char *f[10] = {0};
        int nf = 0;
        char *sep, *save = NULL;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        /* "ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - TYPE SOURCE SUPER" */
        sep = strstr(line, " - ");
        if (!sep)
            continue;
        *sep = '\0';
        for (char *tok = strtok_r(line, " ", &save); tok && nf < 5; tok = strtok_r(NULL, " ", &save))
            f[nf++] = tok;
        for (char *tok = strtok_r(sep + 3, " ", &save); tok && nf < 8;
             tok = strtok_r(NULL, " ", &save))
            f[nf++] = tok;
        if (nf < 8)
            continue;
        if (strcmp(f[5], "cgroup") != 0 && strcmp(f[5], "cgroup2") != 0)
            continue;
        v = xrealloc(v, (n + 1) * sizeof *v);
        v[n].point = xstrdup(f[4]);
        v[n].root = xstrdup(f[3]);
        v[n].v2 = !strcmp(f[5], "cgroup2");
        v[n].memory = !v[n].v2 && has_token(f[7], "memory");
        n++;
    }
    free(text);
    *n_out = n;
    return v;
}

static void cg_mounts_free(cg_mount *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].point);
        free(v[i].root);
    }
    free(v);
}

/* The path of pid's cgroup in a hierarchy: v1 "N:memory,...:/path" lines or
 * the v2 "0::/path" line.  New string or NULL. */
static char *proc_cgroup(int pid, bool v2)
{
    char path[64];
    char *text = NULL;
    char *res = NULL;

    snprintf(path, sizeof path, "/proc/%d/cgroup", pid);
    if (rt__read_file(path, 1 << 16, &text, NULL) != 0)
        return NULL;
    for (char *line = text, *next; line && *line && !res; line = next) {
        char *c1, *c2;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        c1 = strchr(line, ':');
        c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        if (v2 ? (!strcmp(line, "0") && c1[1] == '\0') : has_token(c1 + 1, "memory"))
            res = xstrdup(c2 + 1);
    }
    free(text);
    return res;
}

/* point + (path relative to the mount's root). */
static char *cg_join(const cg_mount *m, const char *path)
{
    size_t rl = strlen(m->root);

    if (strcmp(m->root, "/") != 0 && !strncmp(path, m->root, rl) &&
        (path[rl] == '/' || path[rl] == '\0'))
        path += rl;
    return xasprintf("%s%s%s", m->point, path[0] == '/' ? "" : "/", path);
}

char *rt__oom_file_for_pid(int pid)
{
    size_t n = 0;
    cg_mount *ms = cg_mounts(&n);
    const cg_mount *use = NULL;
    char *cg, *dir, *file = NULL;

    for (size_t i = 0; i < n; i++)
        if (ms[i].memory)
            use = &ms[i];
    for (size_t i = 0; i < n && !use; i++)
        if (ms[i].v2)
            use = &ms[i];
    if (!use)
        goto out_free_mounts;
    cg = proc_cgroup(pid, use->v2);
    if (!cg)
        goto out_free_mounts;
    dir = cg_join(use, cg);
    file = xasprintf("%s/%s", dir, use->v2 ? "memory.events" : "memory.oom_control");
    free(dir);
    free(cg);
out_free_mounts:
    cg_mounts_free(ms, n);
    return file;
}

int64_t rt__parse_oom_kill(const char *text)
{
    for (const char *p = text; p && *p;) {
        if (!strncmp(p, "oom_kill ", 9))
            return strtoll(p + 9, NULL, 10);
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return -1;
}

int rt__cgroup_rmdir(const char *path)
{
    size_t n = 0;
    cg_mount *ms = cg_mounts(&n);
    int rc = 0;

    for (size_t i = 0; i < n; i++) {
        char *dir = cg_join(&ms[i], path);
        if (rmdir(dir) != 0 && errno != ENOENT)
            rc = EN_BUSY;
        free(dir);
    }
    cg_mounts_free(ms, n);
    return rc;
}

bool rt__cgroup_exists(const char *path)
{
    size_t n = 0;
    cg_mount *ms = cg_mounts(&n);
    bool found = false;

    for (size_t i = 0; i < n && !found; i++) {
        char *dir = cg_join(&ms[i], path);
        struct stat st;
        found = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
        free(dir);
    }
    cg_mounts_free(ms, n);
    return found;
}

bool rt__cgroup_has_swap(void)
{
    size_t n = 0;
    cg_mount *ms = cg_mounts(&n);
    bool v1 = false, swap = false;

    for (size_t i = 0; i < n; i++) {
        if (ms[i].memory) {
            char *f = xasprintf("%s/memory.memsw.limit_in_bytes", ms[i].point);
            v1 = true;
            swap = access(f, F_OK) == 0;
            free(f);
        }
    }
    if (!v1) {
        /* v2: with no swap device there is nothing to limit (and
         * memory.swap.max may be missing, which would make runc fail);
         * with one, assume swap accounting as systemd hosts have it. */
        char *swaps = NULL;
        if (rt__read_file("/proc/swaps", 4096, &swaps, NULL) == 0) {
            const char *nl = strchr(swaps, '\n');
            swap = nl && nl[1] != '\0';
        }
        free(swaps);
    }
    cg_mounts_free(ms, n);
    return swap;
}
