/*
 * test_volumes.c -- a pod's files on the node (agent_int.h: volumes.c,
 * state.c, the container id): emptyDir directories, hostPath type checks
 * and creation (DirectoryOrCreate, FileOrCreate, Directory, File) with
 * kubelet's messages, volumeMounts resolved to bind mounts (readOnly,
 * subPath and subPathExpr created, escapes refused, unsupported sources
 * refused), the container user from securityContext or the image's User
 * (names looked up in the image's /etc/passwd and /etc/group,
 * runAsNonRoot), teardown, state.json round trips, and container ids.
 * Everything happens in a temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "agent/agent_int.h"

static char tmp[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/agent-vol-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    agent__rm_rf(tmp);
    return 0;
}

static json_t *parse(const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    json_error_t e;
    json_t *v;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    v = json_loads(buf, 0, &e);
    if (!v)
        fail_msg("bad test JSON: %s: %s", e.text, buf);
    return v;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static void test_setup_volumes(void **state)
{
    char pod_dir[512], path[600];
    json_t *pod;
    char *err = NULL;
    (void)state;
    snprintf(pod_dir, sizeof pod_dir, "%s/pods/u1", tmp);
    pod = parse("{\"spec\":{\"volumes\":[{\"name\":\"scratch\",\"emptyDir\":{}},"
                "{\"name\":\"made\",\"hostPath\":{\"path\":\"%s/host/made\",\"type\":"
                "\"DirectoryOrCreate\"}},"
                "{\"name\":\"f\",\"hostPath\":{\"path\":\"%s/host/sub/file\",\"type\":"
                "\"FileOrCreate\"}},"
                "{\"name\":\"any\",\"hostPath\":{\"path\":\"%s/whatever\"}}]}}",
                tmp, tmp, tmp);
    assert_int_equal(agent__volumes_setup(pod, pod_dir, &err), 0);
    snprintf(path, sizeof path, "%s/volumes/kubernetes.io~empty-dir/scratch", pod_dir);
    assert_true(is_dir(path));
    snprintf(path, sizeof path, "%s/host/made", tmp);
    assert_true(is_dir(path));
    snprintf(path, sizeof path, "%s/host/sub/file", tmp);
    assert_true(is_file(path));
    /* Idempotent. */
    assert_int_equal(agent__volumes_setup(pod, pod_dir, &err), 0);
    json_decref(pod);

    pod = parse("{\"spec\":{\"volumes\":[{\"name\":\"d\",\"hostPath\":{\"path\":\"%s/host/sub/"
                "file\",\"type\":\"Directory\"}}]}}",
                tmp);
    assert_int_equal(agent__volumes_setup(pod, pod_dir, &err), EN_INVALID);
    assert_non_null(strstr(err, "MountVolume.SetUp failed for volume \"d\" : hostPath type check "
                                "failed: "));
    assert_non_null(strstr(err, "is not a directory"));
    free(err);
    json_decref(pod);
    pod = parse("{\"spec\":{\"volumes\":[{\"name\":\"f\",\"hostPath\":{\"path\":\"%s/host/made\","
                "\"type\":\"File\"}}]}}",
                tmp);
    assert_int_equal(agent__volumes_setup(pod, pod_dir, &err), EN_INVALID);
    assert_non_null(strstr(err, "is not a file"));
    free(err);
    json_decref(pod);
    pod = parse("{\"spec\":{\"volumes\":[{\"name\":\"s\",\"hostPath\":{\"path\":\"%s/host/made\","
                "\"type\":\"Socket\"}}]}}",
                tmp);
    assert_int_equal(agent__volumes_setup(pod, pod_dir, &err), EN_INVALID);
    assert_non_null(strstr(err, "is not a socket file"));
    free(err);
    json_decref(pod);

    agent__volumes_teardown(pod_dir);
    assert_false(is_dir(pod_dir));
    /* hostPath contents are the host's: never removed. */
    snprintf(path, sizeof path, "%s/host/made", tmp);
    assert_true(is_dir(path));
}

static void test_mounts(void **state)
{
    char pod_dir[512], path[600];
    json_t *pod, *c;
    agent_mounts mm;
    agent_env env;
    char *err = NULL;
    (void)state;
    snprintf(pod_dir, sizeof pod_dir, "%s/pods/u2", tmp);
    pod = parse("{\"spec\":{\"volumes\":[{\"name\":\"scratch\",\"emptyDir\":{}},"
                "{\"name\":\"logs\",\"hostPath\":{\"path\":\"%s/varlog\",\"type\":"
                "\"DirectoryOrCreate\"}},{\"name\":\"cfg\",\"configMap\":{\"name\":\"x\"}}]}}",
                tmp);
    assert_int_equal(agent__volumes_setup(pod, pod_dir, &err), 0);
    c = parse("{\"volumeMounts\":[{\"name\":\"scratch\",\"mountPath\":\"/scratch\"},"
              "{\"name\":\"logs\",\"mountPath\":\"/var/log\",\"readOnly\":true},"
              "{\"name\":\"scratch\",\"mountPath\":\"/data\",\"subPath\":\"a/b\"},"
              "{\"name\":\"logs\",\"mountPath\":\"/mine\",\"subPathExpr\":\"$(POD)\"}]}");
    agent__env_init(&env);
    agent__env_set(&env, "POD", "web-1");
    assert_int_equal(agent__container_mounts(pod, c, pod_dir, &env, &mm, &err), 0);
    assert_int_equal(mm.n, 4);
    snprintf(path, sizeof path, "%s/volumes/kubernetes.io~empty-dir/scratch", pod_dir);
    assert_string_equal(mm.m[0].source, path);
    assert_string_equal(mm.m[0].destination, "/scratch");
    assert_false(mm.m[0].read_only);
    snprintf(path, sizeof path, "%s/varlog", tmp);
    assert_string_equal(mm.m[1].source, path);
    assert_true(mm.m[1].read_only);
    snprintf(path, sizeof path, "%s/volumes/kubernetes.io~empty-dir/scratch/a/b", pod_dir);
    assert_string_equal(mm.m[2].source, path);
    assert_true(is_dir(path));
    snprintf(path, sizeof path, "%s/varlog/web-1", tmp);
    assert_string_equal(mm.m[3].source, path);
    assert_true(is_dir(path));
    agent__mounts_release(&mm);
    json_decref(c);

    c = parse("{\"volumeMounts\":[{\"name\":\"scratch\",\"mountPath\":\"/x\",\"subPath\":"
              "\"../../etc\"}]}");
    assert_int_equal(agent__container_mounts(pod, c, pod_dir, &env, &mm, &err), EN_INVALID);
    assert_non_null(strstr(err, "must be a relative path without '..'"));
    free(err);
    json_decref(c);
    c = parse("{\"volumeMounts\":[{\"name\":\"cfg\",\"mountPath\":\"/cfg\"}]}");
    assert_int_equal(agent__container_mounts(pod, c, pod_dir, &env, &mm, &err), EN_INVALID);
    assert_non_null(strstr(err, "supports only emptyDir and hostPath"));
    free(err);
    json_decref(c);
    c = parse("{\"volumeMounts\":[{\"name\":\"nope\",\"mountPath\":\"/n\"}]}");
    assert_int_equal(agent__container_mounts(pod, c, pod_dir, &env, &mm, &err), EN_INVALID);
    assert_string_equal(err, "volume \"nope\" not found in the pod's volumes");
    free(err);
    json_decref(c);
    agent__env_release(&env);
    json_decref(pod);
    agent__volumes_teardown(pod_dir);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_user(void **state)
{
    char rootfs[512], path[600];
    json_t *pod, *c, *cfg;
    int uid = -1, gid = -1;
    char *err = NULL;
    (void)state;
    snprintf(rootfs, sizeof rootfs, "%s/rootfs", tmp);
    snprintf(path, sizeof path, "%s/etc", rootfs);
    mkdir(rootfs, 0755);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/etc/passwd", rootfs);
    write_file(path, "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
                     "app:x:1000:1500::/home/app:/bin/sh\n");
    snprintf(path, sizeof path, "%s/etc/group", rootfs);
    write_file(path, "root:x:0:\nstaff:x:50:\n");

    pod = parse("{\"spec\":{}}");
    c = parse("{}");
    cfg = parse("{}");
    assert_int_equal(agent__container_user(pod, c, cfg, rootfs, &uid, &gid, &err), 0);
    assert_int_equal(uid, 0);
    assert_int_equal(gid, 0);
    json_decref(cfg);
    cfg = parse("{\"User\":\"app\"}");
    assert_int_equal(agent__container_user(pod, c, cfg, rootfs, &uid, &gid, &err), 0);
    assert_int_equal(uid, 1000);
    assert_int_equal(gid, 1500);
    json_decref(cfg);
    cfg = parse("{\"User\":\"nobody:staff\"}");
    assert_int_equal(agent__container_user(pod, c, cfg, rootfs, &uid, &gid, &err), 0);
    assert_int_equal(uid, 65534);
    assert_int_equal(gid, 50);
    json_decref(cfg);
    cfg = parse("{\"User\":\"ghost\"}");
    assert_int_equal(agent__container_user(pod, c, cfg, rootfs, &uid, &gid, &err), EN_INVALID);
    assert_string_equal(err, "unable to find user ghost: no matching entries in passwd file");
    free(err);
    json_decref(c);
    /* securityContext wins over the image; the container's over the pod's. */
    json_decref(pod);
    pod = parse("{\"spec\":{\"securityContext\":{\"runAsUser\":7,\"runAsGroup\":8}}}");
    c = parse("{\"securityContext\":{\"runAsUser\":1000}}");
    assert_int_equal(agent__container_user(pod, c, cfg, rootfs, &uid, &gid, &err), 0);
    assert_int_equal(uid, 1000);
    assert_int_equal(gid, 8);
    json_decref(c);
    json_decref(pod);
    pod = parse("{\"spec\":{}}");
    c = parse("{\"securityContext\":{\"runAsUser\":1000}}");
    assert_int_equal(agent__container_user(pod, c, cfg, rootfs, &uid, &gid, &err), 0);
    assert_int_equal(gid, 1500); /* the user's primary group in the image */
    json_decref(c);
    c = parse("{\"securityContext\":{\"runAsNonRoot\":true}}");
    json_decref(cfg);
    cfg = parse("{}");
    assert_int_equal(agent__container_user(pod, c, cfg, rootfs, &uid, &gid, &err), EN_INVALID);
    assert_string_equal(err, "container has runAsNonRoot and image will run as root");
    free(err);
    json_decref(c);
    json_decref(cfg);
    json_decref(pod);
}

static void test_state_roundtrip(void **state)
{
    char path[512];
    agent_ctr c[2], *back = NULL;
    char *uid, *ns, *name;
    size_t n = 0;
    (void)state;
    snprintf(path, sizeof path, "%s/state.json", tmp);
    memset(c, 0, sizeof c);
    c[0].name = xstrdup("init");
    c[0].init = true;
    c[0].exited = true;
    c[0].id = xstrdup("u-init-0");
    c[0].id_confirmed = true;
    c[0].term = agent__terminated(0, "Completed", NULL, 10, 20, "runc://u-init-0");
    c[1].name = xstrdup("main");
    c[1].restart_count = 3;
    c[1].id = xstrdup("u-main-3");
    c[1].id_confirmed = true;
    c[1].started_at = 1234;
    c[1].last_term = agent__terminated(137, "OOMKilled", NULL, 1, 2, "runc://u-main-2");
    c[1].image_ref = xstrdup("everynode.local/busybox:1.35");
    c[1].image_id = xstrdup("sha256:x");
    c[1].spec_image = xstrdup("everynode.local/busybox:1.35");
    c[1].backoff.delay_s = 40;
    c[1].backoff.updated_at = 999;
    c[1].ready = true;
    c[1].started = true;
    assert_int_equal(agent__state_save(path, "u", "ns", "pod", c, 2), 0);
    assert_int_equal(agent__state_load(path, &uid, &ns, &name, &back, &n), 0);
    assert_string_equal(uid, "u");
    assert_string_equal(ns, "ns");
    assert_string_equal(name, "pod");
    assert_int_equal(n, 2);
    assert_true(back[0].init && back[0].exited && back[0].id_confirmed);
    assert_true(json_equal(back[0].term, c[0].term));
    assert_string_equal(back[1].name, "main");
    assert_int_equal(back[1].restart_count, 3);
    assert_string_equal(back[1].id, "u-main-3");
    assert_int_equal(back[1].started_at, 1234);
    assert_true(json_equal(back[1].last_term, c[1].last_term));
    assert_null(back[1].term);
    assert_string_equal(back[1].image_ref, "everynode.local/busybox:1.35");
    assert_int_equal(back[1].backoff.delay_s, 40);
    assert_int_equal(back[1].backoff.updated_at, 999);
    assert_true(back[1].ready && back[1].started);
    for (size_t i = 0; i < n; i++)
        agent__ctr_release(&back[i]);
    free(back);
    free(uid);
    free(ns);
    free(name);
    agent__ctr_release(&c[0]);
    agent__ctr_release(&c[1]);

    /* Missing and damaged files. */
    snprintf(path, sizeof path, "%s/nope.json", tmp);
    assert_int_equal(agent__state_load(path, &uid, &ns, &name, &back, &n), EN_NOTFOUND);
    snprintf(path, sizeof path, "%s/bad.json", tmp);
    write_file(path, "{\"version\":1,\"uid\":");
    assert_int_equal(agent__state_load(path, &uid, &ns, &name, &back, &n), EN_INVALID);
}

static void test_container_id(void **state)
{
    char id[80];
    const char *longname = "a-very-long-container-name-that-goes-on-and-on-for-sixty-three";
    (void)state;
    agent__container_id("c02e87b8-5c30-4127-83d6-6244e2b34a41", "web", 0, id, sizeof id);
    assert_string_equal(id, "c02e87b8-web-0");
    agent__container_id("c02e87b8-5c30", longname, 12345, id, sizeof id);
    assert_true(strlen(id) <= 64);
    assert_int_equal(strncmp(id, "c02e87b8-a-very-long-container-name-th", 38), 0);
    {
        char other[80];
        agent__container_id("c02e87b8-5c30",
                            "a-very-long-container-name-that-goes-on-and-on-for-sixty-thre", 12345,
                            other, sizeof other);
        assert_string_not_equal(id, other);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_setup_volumes), cmocka_unit_test(test_mounts),
        cmocka_unit_test(test_user),          cmocka_unit_test(test_state_roundtrip),
        cmocka_unit_test(test_container_id),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
