/*
 * volumes.c -- a pod's volumes on the node and the mounts and user of its
 * containers (agent_int.h).
 *
 * emptyDir volumes are directories under DATA/pods/<uid>/volumes/
 * kubernetes.io~empty-dir/<name> (a tmpfs mounted there for medium
 * Memory), shared by the pod's containers and removed with the pod;
 * hostPath volumes are checked or created by their type as kubelet does.
 * Each volumeMount becomes a bind mount of the volume's host directory (or
 * of a subPath inside it, created when missing) at mountPath, read-only
 * when asked.  The runtime makes the mounts inside the container's own
 * mount namespace, so nothing but tmpfs emptyDirs is mounted on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent_int.h"
#include "types/types.h"

#define EMPTY_DIR "volumes/kubernetes.io~empty-dir"

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void agent__rm_rf(const char *path)
{
    /* FTW_MOUNT: never descend into another filesystem (a mount left
     * behind must not lose its contents). */
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static json_t *find_volume(json_t *pod, const char *name)
{
    json_t *v;
    size_t i;
    json_array_foreach(json_path(pod, "spec.volumes"), i, v)
    {
        const char *n = json_string_value(json_object_get(v, "name"));
        if (n && name && strcmp(n, name) == 0)
            return v;
    }
    return NULL;
}

/* Is path a mount point (a different device than its parent)? */
static bool is_mount_point(const char *path)
{
    struct stat a, b;
    char *parent = xasprintf("%s/..", path);
    bool mp = stat(path, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
    free(parent);
    return mp;
}

static int setup_empty_dir(json_t *vol, const char *pod_dir, const char *name, char **err)
{
    json_t *ed = json_object_get(vol, "emptyDir");
    const char *medium = json_string_value(json_object_get(ed, "medium"));
    char *dir = xasprintf("%s/" EMPTY_DIR "/%s", pod_dir, name);
    int rc = 0;

    if (fs_mkdir_p(dir, 0750) != 0) {
        *err = xasprintf("MountVolume.SetUp failed for volume \"%s\" : mkdir %s: %s", name, dir,
                         strerror(errno));
        rc = EN_IO;
        goto out;
    }
    /* Everyone in the pod may write (kubelet makes emptyDirs 0777). */
    chmod(dir, 0777);
    if (medium && strcmp(medium, "Memory") == 0 && !is_mount_point(dir)) {
        int64_t limit = 0;
        char opts[64] = "mode=0777";
        json_t *sl = json_object_get(ed, "sizeLimit");
        if (sl && types_quantity_json(sl, &limit) == 0 && limit > 0)
            snprintf(opts, sizeof opts, "mode=0777,size=%lld", (long long)(limit / 1000));
        if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts) != 0) {
            *err = xasprintf("MountVolume.SetUp failed for volume \"%s\" : mount tmpfs on %s: "
                             "%s",
                             name, dir, strerror(errno));
            rc = EN_IO;
        }
    }
out:
    free(dir);
    return rc;
}

static int setup_host_path(json_t *vol, const char *name, char **err)
{
    json_t *hp = json_object_get(vol, "hostPath");
    const char *path = json_string_value(json_object_get(hp, "path"));
    const char *type = json_string_value(json_object_get(hp, "type"));
    struct stat st;
    bool exists;

    if (!path || path[0] != '/') {
        *err = xasprintf("MountVolume.SetUp failed for volume \"%s\" : hostPath \"%s\" is not "
                         "an absolute path",
                         name, path ? path : "");
        return EN_INVALID;
    }
    exists = stat(path, &st) == 0;
    if (!type || !*type)
        return 0;
    if (!strcmp(type, "DirectoryOrCreate")) {
        if (!exists && fs_mkdir_p(path, 0755) != 0) {
            *err = xasprintf("MountVolume.SetUp failed for volume \"%s\" : mkdir %s: %s", name,
                             path, strerror(errno));
            return EN_IO;
        }
        if (exists && !S_ISDIR(st.st_mode))
            goto not_dir;
        return 0;
    }
    if (!strcmp(type, "FileOrCreate")) {
        if (!exists) {
            char *parent = xstrdup(path);
            char *slash = strrchr(parent, '/');
            int fd;
            if (slash && slash != parent) {
                *slash = '\0';
                fs_mkdir_p(parent, 0755);
            }
            free(parent);
            fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
            if (fd < 0) {
                *err = xasprintf("MountVolume.SetUp failed for volume \"%s\" : open %s: %s", name,
                                 path, strerror(errno));
                return EN_IO;
            }
            close(fd);
            return 0;
        }
        if (!S_ISREG(st.st_mode))
            goto not_file;
        return 0;
    }
    if (!strcmp(type, "Directory")) {
        if (!exists || !S_ISDIR(st.st_mode))
            goto not_dir;
        return 0;
    }
    if (!strcmp(type, "File")) {
        if (!exists || !S_ISREG(st.st_mode))
            goto not_file;
        return 0;
    }
    if (!strcmp(type, "Socket") || !strcmp(type, "CharDevice") || !strcmp(type, "BlockDevice")) {
        bool ok = exists && ((!strcmp(type, "Socket") && S_ISSOCK(st.st_mode)) ||
                             (!strcmp(type, "CharDevice") && S_ISCHR(st.st_mode)) ||
                             (!strcmp(type, "BlockDevice") && S_ISBLK(st.st_mode)));
        if (ok)
            return 0;
        *err = xasprintf("MountVolume.SetUp failed for volume \"%s\" : hostPath type check "
                         "failed: %s is not a %s",
                         name, path,
                         !strcmp(type, "Socket")       ? "socket file"
                         : !strcmp(type, "CharDevice") ? "character device"
                                                       : "block device");
        return EN_INVALID;
    }
    *err = xasprintf("MountVolume.SetUp failed for volume \"%s\" : unknown hostPath type %s",
                     name, type);
    return EN_INVALID;
not_dir:
    *err = xasprintf("MountVolume.SetUp failed for volume \"%s\" : hostPath type check failed: "
                     "%s is not a directory",
                     name, path);
    return EN_INVALID;
not_file:
    *err = xasprintf("MountVolume.SetUp failed for volume \"%s\" : hostPath type check failed: "
                     "%s is not a file",
                     name, path);
    return EN_INVALID;
}

int agent__volumes_setup(json_t *pod, const char *pod_dir, char **err)
{
    json_t *v;
    size_t i;

    *err = NULL;
    json_array_foreach(json_path(pod, "spec.volumes"), i, v)
    {
        const char *name = json_string_value(json_object_get(v, "name"));
        int rc;
        if (!name)
            continue;
        if (json_object_get(v, "emptyDir"))
            rc = setup_empty_dir(v, pod_dir, name, err);
        else if (json_object_get(v, "hostPath"))
            rc = setup_host_path(v, name, err);
        else
            /* Other sources have no provider on this node; a container
             * mounting one is refused in agent__container_mounts. */
            rc = 0;
        if (rc)
            return rc;
    }
    return 0;
}

static int unmount_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    if (ftw->level == 1 && is_mount_point(path))
        umount2(path, MNT_DETACH);
    return 0;
}

void agent__volumes_teardown(const char *pod_dir)
{
    char *ed = xasprintf("%s/" EMPTY_DIR, pod_dir);
    struct stat st;

    if (stat(ed, &st) == 0)
        nftw(ed, unmount_entry, 8, FTW_PHYS);
    free(ed);
    agent__rm_rf(pod_dir);
}

/* ---- mounts ----------------------------------------------------------------------- */

void agent__mounts_release(agent_mounts *mm)
{
    if (!mm)
        return;
    for (size_t i = 0; i < mm->n_strs; i++)
        free(mm->strs[i]);
    free(mm->strs);
    free(mm->m);
    memset(mm, 0, sizeof *mm);
}

static const char *keep(agent_mounts *mm, char *s)
{
    mm->strs = xrealloc(mm->strs, (mm->n_strs + 1) * sizeof *mm->strs);
    mm->strs[mm->n_strs++] = s;
    return s;
}

void agent__mounts_add(agent_mounts *mm, const char *source, const char *destination,
                       bool read_only)
{
    rt_mount *m;
    mm->m = xrealloc(mm->m, (mm->n + 1) * sizeof *mm->m);
    m = &mm->m[mm->n++];
    memset(m, 0, sizeof *m);
    m->source = keep(mm, xstrdup(source));
    m->destination = keep(mm, xstrdup(destination));
    m->type = "bind";
    m->read_only = read_only;
}

/* A subPath must stay inside its volume. */
static bool subpath_ok(const char *sp)
{
    const char *p = sp;
    if (sp[0] == '/')
        return false;
    while (*p) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        p += n;
        if (*p == '/')
            p++;
    }
    return true;
}

int agent__container_mounts(json_t *pod, json_t *c, const char *pod_dir, const agent_env *env,
                            agent_mounts *out, char **err)
{
    json_t *vm;
    size_t i;

    *err = NULL;
    memset(out, 0, sizeof *out);
    json_array_foreach(json_object_get(c, "volumeMounts"), i, vm)
    {
        const char *name = json_string_value(json_object_get(vm, "name"));
        const char *path = json_string_value(json_object_get(vm, "mountPath"));
        const char *sp = json_string_value(json_object_get(vm, "subPath"));
        const char *spe = json_string_value(json_object_get(vm, "subPathExpr"));
        json_t *vol = find_volume(pod, name);
        char *src = NULL, *sub = NULL;
        rt_mount *m;

        if (!vol) {
            *err = xasprintf("volume \"%s\" not found in the pod's volumes", name ? name : "");
            goto out_fail;
        }
        if (!path || path[0] != '/') {
            *err = xasprintf("volumeMount \"%s\": mountPath \"%s\" is not absolute", name,
                             path ? path : "");
            goto out_fail;
        }
        if (json_object_get(vol, "emptyDir"))
            src = xasprintf("%s/" EMPTY_DIR "/%s", pod_dir, name);
        else if (json_object_get(vol, "hostPath"))
            src = xstrdup(json_path_str(vol, "hostPath.path") ?: "/");
        else {
            *err = xasprintf("volume \"%s\": this node supports only emptyDir and hostPath "
                             "volumes",
                             name);
            goto out_fail;
        }
        if (spe && *spe)
            sub = agent__expand(spe, env);
        else if (sp && *sp)
            sub = xstrdup(sp);
        if (sub && *sub) {
            char *full;
            struct stat st;
            if (!subpath_ok(sub)) {
                *err = xasprintf("volumeMount \"%s\": subPath \"%s\" must be a relative path "
                                 "without '..'",
                                 name, sub);
                free(sub);
                free(src);
                goto out_fail;
            }
            full = xasprintf("%s/%s", src, sub);
            /* kubelet creates a missing subPath as a directory. */
            if (stat(full, &st) != 0 && fs_mkdir_p(full, 0755) != 0) {
                *err = xasprintf("failed to create subPath directory for volumeMount \"%s\": %s",
                                 name, strerror(errno));
                free(full);
                free(sub);
                free(src);
                goto out_fail;
            }
            free(src);
            src = full;
        }
        free(sub);
        out->m = xrealloc(out->m, (out->n + 1) * sizeof *out->m);
        m = &out->m[out->n++];
        memset(m, 0, sizeof *m);
        m->source = keep(out, src);
        m->destination = keep(out, xstrdup(path));
        m->type = "bind";
        m->read_only = json_is_true(json_object_get(vm, "readOnly"));
    }
    return 0;
out_fail:
    agent__mounts_release(out);
    return EN_INVALID;
}

/* ---- users ---------------------------------------------------------------------------- */

/* Look name (or a numeric id) up in a passwd/group style file of the
 * image: returns the id in field 2 (and field 3 in *extra when not NULL),
 * or -1. */
static long lookup_db(const char *rootfs, const char *file, const char *name, long *extra)
{
    char *path = xasprintf("%s/%s", rootfs ? rootfs : "", file), line[1024];
    FILE *f = rootfs ? fopen(path, "r") : NULL;
    long found = -1;

    free(path);
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        char *fields[4] = {0}, *p = line;
        for (int i = 0; i < 4 && p; i++) {
            fields[i] = p;
            p = strchr(p, ':');
            if (p)
                *p++ = '\0';
        }
        if (!fields[2])
            continue;
        if (strcmp(fields[0], name) == 0 || strcmp(fields[2], name) == 0) {
            found = strtol(fields[2], NULL, 10);
            if (extra)
                *extra = fields[3] ? strtol(fields[3], NULL, 10) : 0;
            break;
        }
    }
    fclose(f);
    return found;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* An integer field of securityContext, container first, then pod. */
static bool sc_int(json_t *pod, json_t *c, const char *field, long long *out)
{
    json_t *v = json_object_get(json_object_get(c, "securityContext"), field);
    if (!json_is_integer(v))
        v = json_object_get(json_path(pod, "spec.securityContext"), field);
    if (!json_is_integer(v))
        return false;
    *out = json_integer_value(v);
    return true;
}

int agent__container_user(json_t *pod, json_t *c, json_t *image_config, const char *rootfs,
                          int *uid, int *gid, char **err)
{
    long long u = 0, g = 0;
    bool have_u, have_g;
    const char *user = json_string_value(json_object_get(image_config, "User"));
    json_t *nonroot;

    *err = NULL;
    have_u = sc_int(pod, c, "runAsUser", &u);
    have_g = sc_int(pod, c, "runAsGroup", &g);
    if (!have_u && user && *user) {
        char *name = xstrdup(user), *colon = strchr(name, ':');
        long primary = 0, id;
        if (colon)
            *colon++ = '\0';
        if (all_digits(name)) {
            u = strtoll(name, NULL, 10);
            if (lookup_db(rootfs, "etc/passwd", name, &primary) < 0)
                primary = 0;
        } else {
            id = lookup_db(rootfs, "etc/passwd", name, &primary);
            if (id < 0) {
                *err = xasprintf("unable to find user %s: no matching entries in passwd file",
                                 name);
                free(name);
                return EN_INVALID;
            }
            u = id;
        }
        if (!have_g) {
            if (colon && *colon) {
                if (all_digits(colon)) {
                    g = strtoll(colon, NULL, 10);
                } else if ((id = lookup_db(rootfs, "etc/group", colon, NULL)) >= 0) {
                    g = id;
                } else {
                    *err = xasprintf("unable to find group %s: no matching entries in group "
                                     "file",
                                     colon);
                    free(name);
                    return EN_INVALID;
                }
            } else {
                g = primary;
            }
            have_g = true;
        }
        free(name);
        have_u = true;
    }
    if (have_u && !have_g) {
        /* A numeric user gets its primary group from the image, else 0. */
        char num[32];
        long primary = 0;
        snprintf(num, sizeof num, "%lld", u);
        if (lookup_db(rootfs, "etc/passwd", num, &primary) >= 0)
            g = primary;
    }
    if (u < 0 || u > INT_MAX || g < 0 || g > INT_MAX) {
        *err = xasprintf("invalid user %lld or group %lld", u, g);
        return EN_INVALID;
    }
    nonroot = json_object_get(json_object_get(c, "securityContext"), "runAsNonRoot");
    if (!json_is_boolean(nonroot))
        nonroot = json_object_get(json_path(pod, "spec.securityContext"), "runAsNonRoot");
    if (json_is_true(nonroot) && u == 0) {
        *err = xstrdup("container has runAsNonRoot and image will run as root");
        return EN_INVALID;
    }
    *uid = (int)u;
    *gid = (int)g;
    return 0;
}
