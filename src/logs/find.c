/*
 * find.c -- locating a container's log under the agent's logs directory
 * (layout in logs.h): the pod's directory by its "<ns>_<pod>_" prefix
 * (names of namespaces and pods cannot hold '_', so the prefix is
 * unambiguous), the newest one when a pod of the same name came back with
 * a new uid; then the container's current or previous restart.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/core.h"
#include "logs/logs_int.h"

void logs__loc_release(logs_loc *loc)
{
    if (!loc)
        return;
    free(loc->pod_dir);
    free(loc->container_dir);
    free(loc->path);
    free(loc->uid);
    memset(loc, 0, sizeof *loc);
}

/* "<digits>.log" -> its number, else -1. */
static int restart_of(const char *name)
{
    long v = 0;
    const char *p = name;

    if (*p < '0' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p - '0');
        if (v > 1000000000L)
            return -1;
        p++;
    }
    return strcmp(p, ".log") == 0 ? (int)v : -1;
}

int logs__highest_restart(const char *dir, int below)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int best = -1;

    if (!d)
        return -1;
    while ((de = readdir(d)) != NULL) {
        int n = restart_of(de->d_name);
        if (n > best && (below < 0 || n < below))
            best = n;
    }
    closedir(d);
    return best;
}

/* The newest directory named prefix<uid>; *uid receives the uid. */
static char *newest_pod_dir(const char *logs_dir, const char *prefix, char **uid)
{
    DIR *d = opendir(logs_dir);
    struct dirent *de;
    struct timespec best_t = {0, 0};
    char *best = NULL;
    size_t plen = strlen(prefix);

    if (!d)
        return NULL;
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        char *p;
        if (strncmp(de->d_name, prefix, plen) != 0 || !de->d_name[plen] ||
            strchr(de->d_name + plen, '_'))
            continue;
        p = xasprintf("%s/%s", logs_dir, de->d_name);
        if (stat(p, &st) || !S_ISDIR(st.st_mode)) {
            free(p);
            continue;
        }
        if (!best || st.st_mtim.tv_sec > best_t.tv_sec ||
            (st.st_mtim.tv_sec == best_t.tv_sec && st.st_mtim.tv_nsec > best_t.tv_nsec)) {
            free(best);
            free(*uid);
            best = p;
            *uid = xstrdup(de->d_name + plen);
            best_t = st.st_mtim;
        } else {
            free(p);
        }
    }
    closedir(d);
    return best;
}

int logs__find(const char *logs_dir, const char *ns, const char *pod, const char *container,
               bool previous, logs_loc *loc, bool *prev_missing, char **err)
{
    char *prefix = xasprintf("%s_%s_", ns, pod);
    int rc = EN_NOTFOUND;

    memset(loc, 0, sizeof *loc);
    *prev_missing = false;
    loc->pod_dir = newest_pod_dir(logs_dir, prefix, &loc->uid);
    if (!loc->pod_dir) {
        *err = xasprintf("pod \"%s\" does not exist", pod);
        goto out;
    }
    loc->container_dir = xasprintf("%s/%s", loc->pod_dir, container);
    loc->newest = logs__highest_restart(loc->container_dir, -1);
    if (loc->newest < 0) {
        *err = xasprintf("container \"%s\" not found in pod \"%s\"", container, pod);
        goto out;
    }
    loc->restart = previous ? logs__highest_restart(loc->container_dir, loc->newest) : loc->newest;
    if (loc->restart < 0) {
        *prev_missing = true;
        *err = xasprintf("previous terminated container \"%s\" in pod \"%s\" not found", container,
                         pod);
        goto out;
    }
    loc->path = xasprintf("%s/%d.log", loc->container_dir, loc->restart);
    rc = 0;
out:
    if (rc)
        logs__loc_release(loc);
    free(prefix);
    return rc;
}

int logs_find(const char *logs_dir, const char *ns, const char *pod, const char *container,
              bool previous, char **path, bool *prev_missing, char **err)
{
    logs_loc loc;
    int rc = logs__find(logs_dir, ns, pod, container, previous, &loc, prev_missing, err);

    if (rc)
        return rc;
    *path = loc.path;
    loc.path = NULL;
    logs__loc_release(&loc);
    return 0;
}
