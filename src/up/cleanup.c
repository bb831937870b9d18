/*
 * cleanup.c -- removing every container a node of `everynode up` ran, once
 * its agent has stopped (see up.h).  The agent leaves containers running
 * when it stops (a restarted agent re-adopts them), so `up` removes them
 * itself through the runtime: it finds the node's runc state directories
 * (a directory holding "<id>/state.json", under the node's data directory),
 * removes each container runc knows there with rt_remove (the bundle
 * directory is in runc's state, label "bundle=..."), then the node's cgroup
 * parent and runc root with rt_cleanup.  As a last resort, any mount still
 * under the node's directory is detached.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "core/core.h"
#include "runtime/runtime.h"
#include "up/up.h"

/* How deep under the node's directory runc roots are looked for. */
#define UP_SCAN_DEPTH 4

static bool is_dir(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Does dir hold "<x>/state.json" for some x (a runc root)? */
static bool is_runc_root(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    bool found = false;

    if (!d)
        return false;
    while (!found && (de = readdir(d)) != NULL) {
        char *p;
        struct stat st;
        if (de->d_name[0] == '.')
            continue;
        p = xasprintf("%s/%s/state.json", dir, de->d_name);
        found = stat(p, &st) == 0 && S_ISREG(st.st_mode);
        free(p);
    }
    closedir(d);
    return found;
}

static void find_roots(const char *dir, int depth, json_t *roots)
{
    DIR *d;
    struct dirent *de;

    if (is_runc_root(dir)) {
        json_array_append_new(roots, json_string(dir));
        return;
    }
    if (depth <= 0 || !(d = opendir(dir)))
        return;
    while ((de = readdir(d)) != NULL) {
        char *p;
        if (de->d_name[0] == '.')
            continue;
        p = xasprintf("%s/%s", dir, de->d_name);
        if (is_dir(p))
            find_roots(p, depth - 1, roots);
        free(p);
    }
    closedir(d);
}

/* The bundle directory and cgroup path runc recorded for a container. */
static void runc_state(const char *root, const char *id, char **bundle, char **cgroup)
{
    char *p = xasprintf("%s/%s/state.json", root, id);
    json_t *st = json_load_file(p, 0, NULL), *labels, *l;
    size_t i;

    *bundle = *cgroup = NULL;
    labels = json_path(st, "config.labels");
    json_array_foreach(labels, i, l)
    {
        const char *s = json_string_value(l);
        if (s && strncmp(s, "bundle=", 7) == 0)
            *bundle = xstrdup(s + 7);
    }
    if (json_path_str(st, "config.cgroups.path"))
        *cgroup = xstrdup(json_path_str(st, "config.cgroups.path"));
    json_decref(st);
    free(p);
}

/* Detach any mount still below dir (deepest first). */
static int unmount_below(const char *dir)
{
    FILE *f = fopen("/proc/self/mounts", "r");
    char line[4096];
    json_t *below = json_array();
    size_t n = strlen(dir), i;
    int left = 0;

    while (f && fgets(line, sizeof line, f)) {
        char *sp = strchr(line, ' '), *mp, *end;
        if (!sp)
            continue;
        mp = sp + 1;
        end = strchr(mp, ' ');
        if (!end)
            continue;
        *end = '\0';
        if (strncmp(mp, dir, n) == 0 && (mp[n] == '/' || mp[n] == '\0'))
            json_array_append_new(below, json_string(mp));
    }
    if (f)
        fclose(f);
    for (i = json_array_size(below); i-- > 0;) {
        const char *mp = json_string_value(json_array_get(below, i));
        log_warn("up", "unmounting %s, left behind", mp);
        if (umount2(mp, MNT_DETACH))
            left++;
    }
    json_decref(below);
    return left;
}

int up_cleanup_node(const char *node_dir, const char *node_name, char **err)
{
    json_t *roots = json_array();
    size_t i;
    int failures = 0;
    sbuf why;

    sbuf_init(&why);
    find_roots(node_dir, UP_SCAN_DEPTH, roots);
    for (i = 0; i < json_array_size(roots); i++) {
        const char *root = json_string_value(json_array_get(roots, i));
        rt_config cfg = {.runc_root = root};
        char **ids = NULL, *parent = NULL;
        if (rt_list(&cfg, &ids) == 0) {
            for (char **id = ids; *id; id++) {
                char *bundle, *cgroup;
                runc_state(root, *id, &bundle, &cgroup);
                if (cgroup && !parent) {
                    char *slash = strrchr(cgroup, '/');
                    if (slash && slash != cgroup)
                        parent = xstrndup(cgroup, (size_t)(slash - cgroup));
                }
                if (!bundle || rt_remove(&cfg, *id, bundle)) {
                    sbuf_printf(&why, "%scontainer %s could not be removed", why.len ? "; " : "",
                                *id);
                    failures++;
                } else {
                    log_info("up", "%s: removed container %s", node_name, *id);
                }
                free(bundle);
                free(cgroup);
                free(*id);
            }
            free(ids);
        }
        cfg.cgroup_parent = parent;
        if (parent && rt_cleanup(&cfg) && failures == 0) {
            sbuf_printf(&why, "%scgroup %s or runc root %s still in use", why.len ? "; " : "",
                        parent, root);
            failures++;
        }
        free(parent);
    }
    if (unmount_below(node_dir)) {
        sbuf_printf(&why, "%smounts under %s could not be detached", why.len ? "; " : "",
                    node_dir);
        failures++;
    }
    json_decref(roots);
    if (failures) {
        *err = sbuf_detach(&why, NULL);
        return EN_IO;
    }
    sbuf_release(&why);
    return 0;
}
