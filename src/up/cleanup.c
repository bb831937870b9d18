/*
 * cleanup.c -- removing every container a node of `everynode up` ran, once
 * its agent has stopped (see up.h).  The agent leaves containers running
 * when it stops (a restarted agent re-adopts them), so `up` removes them
 * itself through the runtime, using the agent's data directory layout
 * (agent.h): runc's state in DIR/runc, one runtime directory per container
 * in DIR/containers/<id>, cgroups under /everynode/<node name>.  Each
 * container runc knows of, and each container directory, is removed with
 * rt_remove (kill, runc delete, unmount, cgroup), then the node's cgroup
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

static bool is_dir(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The bundle directory runc recorded for a container (label "bundle=..."),
 * or NULL. */
static char *runc_bundle(const char *root, const char *id)
{
    char *p = xasprintf("%s/%s/state.json", root, id), *bundle = NULL;
    json_t *st = json_load_file(p, 0, NULL), *l;
    size_t i;

    json_array_foreach(json_path(st, "config.labels"), i, l)
    {
        const char *v = json_string_value(l);
        if (v && strncmp(v, "bundle=", 7) == 0 && !bundle)
            bundle = xstrdup(v + 7);
    }
    json_decref(st);
    free(p);
    return bundle;
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
    char *root = xasprintf("%s/runc", node_dir), *cdir = xasprintf("%s/containers", node_dir);
    char *parent = xasprintf("/everynode/%s", node_name), **ids = NULL;
    rt_config cfg = {.runc_root = root, .cgroup_parent = parent};
    json_t *todo = json_object(), *dir;
    const char *id;
    struct dirent *de;
    DIR *d;
    int failures = 0;
    sbuf why;

    sbuf_init(&why);
    /* id -> its directory: what runc knows, then what the agent made. */
    if (rt_list(&cfg, &ids) == 0) {
        for (char **p = ids; *p; p++) {
            char *bundle = runc_bundle(root, *p);
            char *own = xasprintf("%s/%s", cdir, *p);
            json_object_set_new(todo, *p, json_string(bundle ? bundle : own));
            free(bundle);
            free(own);
            free(*p);
        }
        free(ids);
    }
    if ((d = opendir(cdir)) != NULL) {
        while ((de = readdir(d)) != NULL) {
            char *own;
            if (de->d_name[0] == '.' || json_object_get(todo, de->d_name))
                continue;
            own = xasprintf("%s/%s", cdir, de->d_name);
            if (is_dir(own))
                json_object_set_new(todo, de->d_name, json_string(own));
            free(own);
        }
        closedir(d);
    }
    json_object_foreach(todo, id, dir)
    {
        if (rt_remove(&cfg, id, json_string_value(dir))) {
            sbuf_printf(&why, "%scontainer %s could not be removed", why.len ? "; " : "", id);
            failures++;
        } else {
            log_info("up", "%s: removed container %s", node_name, id);
        }
    }
    /* Busy when containers of ours are left (reported above), or when
     * another `up` on this machine has a node of the same name (the cgroup
     * parent is per node name): not our failure then. */
    if (rt_cleanup(&cfg) && failures == 0)
        log_warn("up", "%s: cgroup %s or runc root %s is still in use", node_name, parent, root);
    if (unmount_below(node_dir)) {
        sbuf_printf(&why, "%smounts under %s could not be detached", why.len ? "; " : "",
                    node_dir);
        failures++;
    }
    json_decref(todo);
    free(root);
    free(cdir);
    free(parent);
    if (failures) {
        *err = sbuf_detach(&why, NULL);
        return EN_IO;
    }
    sbuf_release(&why);
    return 0;
}
