/*
 * test_rt_config.c -- unit tests of the runtime's pure parts: the checks of
 * an rt_spec, the OCI config.json it becomes (spec.c), the CRI log writer
 * (crilog.c: P/F splitting, rotation, timestamps), the OOM counter parser
 * and the process helpers of util.c.  No runc here: test_rt_runc.c runs
 * real containers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/core.h"
#include "runtime/runtime.h"
#include "runtime/runtime_int.h"

/* ---- helpers ----------------------------------------------------------- */

static const char *const sh_args[] = {"sh", "-c", "echo hi", NULL};

/* A valid spec the tests change one field at a time. */
static rt_spec base_spec(void)
{
    rt_spec s;

    memset(&s, 0, sizeof s);
    s.id = "c1";
    s.dir = "/var/lib/en/c1";
    s.image_rootfs = "/var/lib/en/images/abc/rootfs";
    s.args = sh_args;
    return s;
}

static json_t *config_of(const rt_config *cfg, const rt_spec *s, const rt__host *host)
{
    json_t *c = NULL;
    char *err = NULL;
    int rc = rt__oci_config(cfg, s, host, &c, &err);

    if (rc != 0)
        fail_msg("rt__oci_config: %s", err ? err : "?");
    free(err);
    return c;
}

/* The mount with this destination, or NULL. */
static json_t *mount_at(json_t *c, const char *dest)
{
    json_t *mounts = json_object_get(c, "mounts");
    json_t *m;
    size_t i;

    json_array_foreach (mounts, i, m) {
        if (!strcmp(json_string_value(json_object_get(m, "destination")), dest))
            return m;
    }
    return NULL;
}

static bool array_has(json_t *a, const char *s)
{
    json_t *v;
    size_t i;

    json_array_foreach (a, i, v) {
        if (json_is_string(v) && !strcmp(json_string_value(v), s))
            return true;
    }
    return false;
}

static bool has_ns(json_t *c, const char *type, const char **path)
{
    json_t *nss = json_path(c, "linux.namespaces");
    json_t *ns;
    size_t i;

    json_array_foreach (nss, i, ns) {
        if (!strcmp(json_string_value(json_object_get(ns, "type")), type)) {
            if (path)
                *path = json_string_value(json_object_get(ns, "path"));
            return true;
        }
    }
    return false;
}

/* Validation fails with EN_INVALID and a message containing `field`. */
static void expect_invalid(const rt_spec *s, const char *field)
{
    char *err = NULL;
    json_t *c = NULL;

    assert_int_equal(rt__validate_spec(s, &err), EN_INVALID);
    assert_non_null(err);
    if (!strstr(err, field))
        fail_msg("error \"%s\" does not name %s", err, field);
    free(err);
    err = NULL;
    assert_int_equal(rt__oci_config(NULL, s, NULL, &c, &err), EN_INVALID);
    assert_null(c);
    free(err);
}

/* ---- config.json --------------------------------------------------------- */

static void test_config_defaults(void **state)
{
    rt_spec s = base_spec();
    json_t *c = config_of(NULL, &s, NULL);
    json_t *p = json_object_get(c, "process");
    json_t *env = json_object_get(p, "env");
    json_t *m;
    const char *order[] = {"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
                           "/sys/fs/cgroup", "/etc/hosts", "/etc/resolv.conf"};

    (void)state;
    assert_string_equal(json_string_value(json_object_get(c, "ociVersion")), "1.0.2");
    assert_true(json_is_false(json_object_get(p, "terminal")));
    assert_int_equal(json_array_size(json_object_get(p, "args")), 3);
    assert_string_equal(json_string_value(json_array_get(json_object_get(p, "args"), 2)), "echo hi");
    /* runc needs a PATH to find "sh". */
    assert_int_equal(json_array_size(env), 1);
    assert_string_equal(json_string_value(json_array_get(env, 0)), "PATH=" RT_DEFAULT_PATH);
    assert_string_equal(json_path_str(c, "process.cwd"), "/");
    assert_int_equal(json_integer_value(json_path(c, "process.user.uid")), 0);
    assert_int_equal(json_integer_value(json_path(c, "process.user.gid")), 0);
    assert_true(array_has(json_path(c, "process.capabilities.bounding"), "CAP_KILL"));
    assert_true(array_has(json_path(c, "process.capabilities.effective"), "CAP_SETUID"));
    assert_true(array_has(json_path(c, "process.capabilities.permitted"), "CAP_NET_BIND_SERVICE"));
    assert_false(array_has(json_path(c, "process.capabilities.bounding"), "CAP_SYS_ADMIN"));
    assert_string_equal(json_path_str(c, "root.path"), "/var/lib/en/c1/rootfs");
    assert_null(json_object_get(c, "hostname"));

    /* runc spec's mounts, in order, then the /etc files (no hostname file
     * without a hostname). */
    assert_int_equal(json_array_size(json_object_get(c, "mounts")), 9);
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        assert_string_equal(
            json_string_value(json_object_get(json_array_get(json_object_get(c, "mounts"), i),
                                              "destination")),
            order[i]);
    assert_true(array_has(json_object_get(mount_at(c, "/sys"), "options"), "ro"));
    assert_true(array_has(json_object_get(mount_at(c, "/sys/fs/cgroup"), "options"), "ro"));
    m = mount_at(c, "/etc/hosts");
    assert_string_equal(json_string_value(json_object_get(m, "source")), "/var/lib/en/c1/hosts");
    assert_string_equal(json_string_value(json_object_get(m, "type")), "bind");
    assert_true(array_has(json_object_get(m, "options"), "rbind"));
    assert_string_equal(json_string_value(json_object_get(mount_at(c, "/etc/resolv.conf"), "source")),
                        "/var/lib/en/c1/resolv.conf");
    assert_null(mount_at(c, "/etc/hostname"));

    /* Own pid/ipc/uts/mount namespaces; the agent's network; no user ns. */
    assert_true(has_ns(c, "pid", NULL));
    assert_true(has_ns(c, "ipc", NULL));
    assert_true(has_ns(c, "uts", NULL));
    assert_true(has_ns(c, "mount", NULL));
    assert_false(has_ns(c, "network", NULL));
    assert_false(has_ns(c, "user", NULL));
    assert_int_equal(json_array_size(json_path(c, "linux.namespaces")), 4);

    assert_string_equal(json_path_str(c, "linux.cgroupsPath"), "/everynode/c1");
    assert_null(json_path(c, "linux.resources.memory"));
    assert_null(json_path(c, "linux.resources.cpu"));
    assert_true(json_is_false(json_object_get(json_array_get(json_path(c, "linux.resources.devices"), 0),
                                              "allow")));
    assert_true(array_has(json_path(c, "linux.maskedPaths"), "/proc/kcore"));
    assert_true(array_has(json_path(c, "linux.maskedPaths"), "/sys/firmware"));
    assert_true(array_has(json_path(c, "linux.readonlyPaths"), "/proc/sys"));
    assert_true(array_has(json_path(c, "linux.readonlyPaths"), "/proc/sysrq-trigger"));
    json_decref(c);
}

static void test_config_full(void **state)
{
    static const char *const env[] = {"FOO=bar", "EMPTY=", "PATH=/opt/bin", NULL};
    rt_mount mounts[] = {
        {.source = "/var/log", .destination = "/host/log", .read_only = true},
        {.source = "/data/x", .destination = "/data", .type = "bind"},
        {.destination = "/cache", .type = "tmpfs"},
        {.destination = "/ro-tmp", .type = "tmpfs", .read_only = true},
        {.source = "/custom/hosts", .destination = "/etc/hosts"},
    };
    rt_config cfg = {.runc_root = "/run/en", .cgroup_parent = "/everynode/node-1/"};
    rt__host host = {.memory_swap = true};
    rt_spec s = base_spec();
    json_t *c, *m;
    const char *path = NULL;

    (void)state;
    s.env = env;
    s.cwd = "/work";
    s.hostname = "node-1";
    s.mounts = mounts;
    s.n_mounts = sizeof mounts / sizeof mounts[0];
    s.memory_limit = 32 * 1024 * 1024;
    s.cpu_limit_milli = 250;
    s.cpu_shares_milli = 100;
    s.netns = "/var/run/netns/n1";
    s.uid = 1000;
    s.gid = 2000;
    c = config_of(&cfg, &s, &host);

    assert_string_equal(json_path_str(c, "process.cwd"), "/work");
    assert_int_equal(json_integer_value(json_path(c, "process.user.uid")), 1000);
    assert_int_equal(json_integer_value(json_path(c, "process.user.gid")), 2000);
    /* PATH given: no default; HOSTNAME added; the spec's env in order. */
    assert_false(array_has(json_path(c, "process.env"), "PATH=" RT_DEFAULT_PATH));
    assert_true(array_has(json_path(c, "process.env"), "PATH=/opt/bin"));
    assert_true(array_has(json_path(c, "process.env"), "HOSTNAME=node-1"));
    assert_true(array_has(json_path(c, "process.env"), "FOO=bar"));
    assert_true(array_has(json_path(c, "process.env"), "EMPTY="));
    assert_string_equal(json_string_value(json_object_get(c, "hostname")), "node-1");

    m = mount_at(c, "/host/log");
    assert_string_equal(json_string_value(json_object_get(m, "type")), "bind");
    assert_string_equal(json_string_value(json_object_get(m, "source")), "/var/log");
    assert_true(array_has(json_object_get(m, "options"), "rbind"));
    assert_true(array_has(json_object_get(m, "options"), "ro"));
    m = mount_at(c, "/data");
    assert_false(array_has(json_object_get(m, "options"), "ro"));
    m = mount_at(c, "/cache");
    assert_string_equal(json_string_value(json_object_get(m, "type")), "tmpfs");
    assert_false(array_has(json_object_get(m, "options"), "ro"));
    assert_true(array_has(json_object_get(mount_at(c, "/ro-tmp"), "options"), "ro"));
    /* The spec's own /etc/hosts replaces ours; hostname is mounted. */
    assert_string_equal(json_string_value(json_object_get(mount_at(c, "/etc/hosts"), "source")),
                        "/custom/hosts");
    assert_string_equal(json_string_value(json_object_get(mount_at(c, "/etc/hostname"), "source")),
                        "/var/lib/en/c1/hostname");
    assert_int_equal(json_array_size(json_object_get(c, "mounts")), 7 + 5 + 2);

    assert_true(has_ns(c, "network", &path));
    assert_string_equal(path, "/var/run/netns/n1");
    assert_string_equal(json_path_str(c, "linux.cgroupsPath"), "/everynode/node-1/c1");
    assert_int_equal(json_integer_value(json_path(c, "linux.resources.memory.limit")), 32 << 20);
    assert_int_equal(json_integer_value(json_path(c, "linux.resources.memory.swap")), 32 << 20);
    assert_int_equal(json_integer_value(json_path(c, "linux.resources.cpu.quota")), 25000);
    assert_int_equal(json_integer_value(json_path(c, "linux.resources.cpu.period")), 100000);
    assert_int_equal(json_integer_value(json_path(c, "linux.resources.cpu.shares")), 102);
    json_decref(c);

    /* No swap accounting: no swap limit.  Tiny cpu values hit the kernel's
     * minimums (quota 1 ms, shares 2). */
    host.memory_swap = false;
    s.cpu_limit_milli = 1;
    s.cpu_shares_milli = 1;
    cfg.cgroup_parent = "kubepods";
    c = config_of(&cfg, &s, &host);
    assert_null(json_path(c, "linux.resources.memory.swap"));
    assert_int_equal(json_integer_value(json_path(c, "linux.resources.cpu.quota")), 1000);
    assert_int_equal(json_integer_value(json_path(c, "linux.resources.cpu.shares")), 2);
    assert_string_equal(json_path_str(c, "linux.cgroupsPath"), "/kubepods/c1");
    json_decref(c);

    /* Only a request: shares without quota. */
    s.cpu_limit_milli = 0;
    s.cpu_shares_milli = 2000;
    cfg.cgroup_parent = "/";
    c = config_of(&cfg, &s, &host);
    assert_null(json_path(c, "linux.resources.cpu.quota"));
    assert_int_equal(json_integer_value(json_path(c, "linux.resources.cpu.shares")), 2048);
    assert_string_equal(json_path_str(c, "linux.cgroupsPath"), "/c1");
    json_decref(c);
}

static void test_hosts_file(void **state)
{
    char *h = rt__hosts_file("web-1");
    char *n = rt__hosts_file(NULL);

    (void)state;
    assert_non_null(strstr(h, "127.0.0.1\tlocalhost\n"));
    assert_non_null(strstr(h, "::1\tlocalhost"));
    assert_non_null(strstr(h, "\tweb-1\n"));
    assert_null(strstr(n, "web-1"));
    assert_non_null(strstr(n, "127.0.0.1\tlocalhost\n"));
    free(h);
    free(n);
}

static void test_validation(void **state)
{
    static const char *const empty_args[] = {NULL};
    static const char *const blank_args[] = {"", NULL};
    static const char *const bad_env[] = {"FOO=1", "NOEQUALS", NULL};
    static const char *const bad_env2[] = {"=value", NULL};
    rt_mount rel = {.source = "/x", .destination = "relative"};
    rt_mount root = {.source = "/x", .destination = "/"};
    rt_mount nosrc = {.destination = "/data"};
    rt_mount badtype = {.source = "/x", .destination = "/data", .type = "nfs"};
    rt_mount dotdot = {.source = "/x/../etc", .destination = "/data"};
    char long_id[80];
    rt_spec s;

    (void)state;
    s = base_spec();
    assert_int_equal(rt__validate_spec(&s, NULL), 0);
    assert_int_equal(rt__validate_spec(NULL, NULL), EN_INVALID);

    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    s = base_spec(), s.id = NULL, expect_invalid(&s, "id");
    s = base_spec(), s.id = "", expect_invalid(&s, "id");
    s = base_spec(), s.id = "a/b", expect_invalid(&s, "id");
    s = base_spec(), s.id = "..", expect_invalid(&s, "id");
    s = base_spec(), s.id = long_id, expect_invalid(&s, "id");
    s = base_spec(), s.dir = NULL, expect_invalid(&s, "dir");
    s = base_spec(), s.dir = "relative/dir", expect_invalid(&s, "dir");
    s = base_spec(), s.dir = "/", expect_invalid(&s, "dir");
    s = base_spec(), s.dir = "//", expect_invalid(&s, "dir");
    s = base_spec(), s.dir = "/a/../b", expect_invalid(&s, "dir");
    s = base_spec(), s.dir = "/a,b", expect_invalid(&s, "dir");
    s = base_spec(), s.dir = "/a:b", expect_invalid(&s, "dir");
    s = base_spec(), s.image_rootfs = NULL, expect_invalid(&s, "image_rootfs");
    s = base_spec(), s.image_rootfs = "/img,upperdir=/etc", expect_invalid(&s, "image_rootfs");
    s = base_spec(), s.args = NULL, expect_invalid(&s, "args");
    s = base_spec(), s.args = empty_args, expect_invalid(&s, "args");
    s = base_spec(), s.args = blank_args, expect_invalid(&s, "args");
    s = base_spec(), s.env = bad_env, expect_invalid(&s, "env[1]");
    s = base_spec(), s.env = bad_env2, expect_invalid(&s, "env[0]");
    s = base_spec(), s.cwd = "tmp", expect_invalid(&s, "cwd");
    s = base_spec(), s.hostname = "bad host", expect_invalid(&s, "hostname");
    s = base_spec(), s.hostname = "", expect_invalid(&s, "hostname");
    s = base_spec(), s.memory_limit = -1, expect_invalid(&s, "memory_limit");
    s = base_spec(), s.memory_limit = 1000, expect_invalid(&s, "memory_limit");
    s = base_spec(), s.cpu_limit_milli = -5, expect_invalid(&s, "cpu_limit_milli");
    s = base_spec(), s.cpu_shares_milli = -5, expect_invalid(&s, "cpu_shares_milli");
    s = base_spec(), s.netns = "netns", expect_invalid(&s, "netns");
    s = base_spec(), s.uid = -1, expect_invalid(&s, "uid");
    s = base_spec(), s.log_path = "x.log", expect_invalid(&s, "log_path");
    s = base_spec(), s.log_max_bytes = -1, expect_invalid(&s, "log_max_bytes");
    s = base_spec(), s.n_mounts = 1, expect_invalid(&s, "mounts");
    s = base_spec(), s.mounts = &rel, s.n_mounts = 1, expect_invalid(&s, "mounts[0].destination");
    s = base_spec(), s.mounts = &root, s.n_mounts = 1, expect_invalid(&s, "mounts[0].destination");
    s = base_spec(), s.mounts = &nosrc, s.n_mounts = 1, expect_invalid(&s, "mounts[0].source");
    s = base_spec(), s.mounts = &badtype, s.n_mounts = 1, expect_invalid(&s, "mounts[0].type");
    s = base_spec(), s.mounts = &dotdot, s.n_mounts = 1, expect_invalid(&s, "mounts[0].source");

    /* The public entry points refuse bad ids and dirs without touching
     * anything. */
    {
        rt_config cfg = {.runc_root = "/nonexistent/en-test-root"};
        rt_status st;
        char *err = NULL;
        char **ids = NULL;
        s = base_spec();
        s.id = "bad/id";
        assert_int_equal(rt_start(&cfg, &s, &err), EN_INVALID);
        assert_non_null(strstr(err, "id"));
        free(err);
        err = NULL;
        assert_int_equal(rt_start(NULL, &s, &err), EN_INVALID);
        assert_non_null(strstr(err, "runc_root"));
        free(err);
        err = NULL;
        s = base_spec();
        s.image_rootfs = "/nonexistent/en-test-image";
        assert_int_equal(rt_start(&cfg, &s, &err), EN_INVALID);
        assert_non_null(strstr(err, "image_rootfs"));
        free(err);
        assert_int_equal(rt_inspect(&cfg, "bad/id", "/tmp/x", &st), EN_INVALID);
        assert_int_equal(rt_inspect(&cfg, "ok", "/", &st), EN_INVALID);
        assert_int_equal(rt_inspect(&cfg, "ok", "/nonexistent/en-test-dir", &st), 0);
        assert_int_equal(st.state, RT_STATE_UNKNOWN);
        assert_int_equal(rt_remove(&cfg, "ok", "/"), EN_INVALID);
        assert_int_equal(rt_remove(&cfg, "../x", "/tmp/x"), EN_INVALID);
        assert_int_equal(rt_kill(&cfg, "nosuch", 15), EN_NOTFOUND);
        assert_int_equal(rt_kill(&cfg, "nosuch", 0), EN_INVALID);
        assert_int_equal(rt_list(&cfg, &ids), 0);
        assert_non_null(ids);
        assert_null(ids[0]);
        free(ids);
    }
}

/* ---- CRI log writer ---------------------------------------------------- */

/* A record parsed back from a log file. */
typedef struct rec {
    char stream[8];
    char tag;
    char *content; /* owned */
} rec;

/* Parse a CRI log file, checking every timestamp; returns the count. */
static size_t read_records(const char *path, rec *out, size_t max)
{
    char *text = NULL;
    size_t n = 0;

    if (rt__read_file(path, 1 << 22, &text, NULL) != 0)
        return 0;
    for (char *line = text, *next; *line && n < max; line = next) {
        char *sp1, *sp2;
        next = strchr(line, '\n');
        assert_non_null(next); /* every record ends in a newline */
        *next++ = '\0';
        /* 2026-11-22T10:00:00.123456789Z: 30 characters. */
        assert_true(strlen(line) > 31);
        assert_int_equal(line[4], '-');
        assert_int_equal(line[10], 'T');
        assert_int_equal(line[19], '.');
        assert_int_equal(line[29], 'Z');
        assert_int_equal(line[30], ' ');
        sp1 = strchr(line + 31, ' ');
        assert_non_null(sp1);
        sp2 = sp1 + 2;
        assert_int_equal(*sp2, ' ');
        snprintf(out[n].stream, sizeof out[n].stream, "%.*s", (int)(sp1 - (line + 31)), line + 31);
        out[n].tag = sp1[1];
        out[n].content = xstrdup(sp2 + 1);
        n++;
    }
    free(text);
    return n;
}

static void free_records(rec *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(r[i].content);
}

static char *tmpdir_new(void)
{
    char *d = xstrdup("/tmp/en_rt_unit_XXXXXX");

    assert_non_null(mkdtemp(d));
    return d;
}

static void test_crilog_split(void **state)
{
    char *dir = tmpdir_new();
    char *path = xasprintf("%s/sub/dir/c.log", dir);
    char *big = xmalloc(40 * 1024 + 1);
    char *exact = xmalloc(RT_LOG_LINE_MAX + 1);
    rt__crilog log;
    rt__linebuf out = {.stream = "stdout"}, err = {.stream = "stderr"};
    rec r[16];
    size_t n;

    (void)state;
    memset(big, 'a', 40 * 1024);
    big[40 * 1024] = '\n';
    memset(exact, 'b', RT_LOG_LINE_MAX);
    exact[RT_LOG_LINE_MAX] = '\n';
    /* The log's directory is created. */
    assert_int_equal(rt__crilog_open(&log, path, 0, NULL), 0);
    assert_int_equal(log.max_bytes, RT_DEFAULT_LOG_MAX);
    /* Lines cut anywhere by reads come out whole. */
    rt__crilog_feed(&log, &out, "hel", 3);
    rt__crilog_feed(&log, &err, "oops\n", 5);
    rt__crilog_feed(&log, &out, "lo\nsecond\n\nthi", 14);
    /* 40 KiB in uneven pieces: P 16384, P 16384, F 8192. */
    for (size_t off = 0; off < 40 * 1024 + 1;) {
        size_t step = 7000 < 40 * 1024 + 1 - off ? 7000 : 40 * 1024 + 1 - off;
        rt__crilog_feed(&log, &err, big + off, step);
        off += step;
    }
    rt__crilog_feed(&log, &out, "rd\n", 3);
    /* Exactly the limit: one F record, no P. */
    rt__crilog_feed(&log, &out, exact, RT_LOG_LINE_MAX + 1);
    rt__crilog_feed(&log, &out, "no newline at the end", 21);
    rt__crilog_flush(&log, &out);
    rt__crilog_flush(&log, &err);
    rt__crilog_close(&log);

    n = read_records(path, r, 16);
    assert_int_equal(n, 10);
    assert_string_equal(r[0].stream, "stderr");
    assert_int_equal(r[0].tag, 'F');
    assert_string_equal(r[0].content, "oops");
    assert_string_equal(r[1].stream, "stdout");
    assert_string_equal(r[1].content, "hello");
    assert_string_equal(r[2].content, "second");
    assert_string_equal(r[3].content, "");
    assert_int_equal(r[3].tag, 'F');
    for (int i = 4; i < 7; i++)
        assert_string_equal(r[i].stream, "stderr");
    assert_int_equal(r[4].tag, 'P');
    assert_int_equal(strlen(r[4].content), 16384);
    assert_int_equal(r[5].tag, 'P');
    assert_int_equal(strlen(r[5].content), 16384);
    assert_int_equal(r[6].tag, 'F');
    assert_int_equal(strlen(r[6].content), 8192);
    assert_string_equal(r[7].stream, "stdout");
    assert_string_equal(r[7].content, "third");
    assert_int_equal(r[8].tag, 'F');
    assert_int_equal(strlen(r[8].content), RT_LOG_LINE_MAX);
    assert_int_equal(r[9].tag, 'F');
    assert_string_equal(r[9].content, "no newline at the end");
    free_records(r, n);

    /* Appending to an existing file keeps what is there. */
    assert_int_equal(rt__crilog_open(&log, path, 0, NULL), 0);
    assert_true(log.size > 40 * 1024);
    rt__crilog_record(&log, "stdout", 'F', "again", 5);
    rt__crilog_close(&log);
    n = read_records(path, r, 16);
    assert_int_equal(n, 11);
    assert_string_equal(r[10].content, "again");
    free_records(r, n);

    /* An unwritable path is an error naming it; NULL discards. */
    {
        char *bad = xasprintf("%s/c.log/x.log", path);
        char *e = NULL;
        assert_int_equal(rt__crilog_open(&log, bad, 0, &e), EN_IO);
        assert_non_null(strstr(e, bad));
        free(e);
        free(bad);
        assert_int_equal(rt__crilog_open(&log, NULL, 0, NULL), 0);
        rt__crilog_record(&log, "stdout", 'F', "dropped", 7);
        rt__crilog_close(&log);
    }
    free(exact);
    free(big);
    free(path);
    rt__rm_tree(dir);
    free(dir);
}

static void test_crilog_rotation(void **state)
{
    char *dir = tmpdir_new();
    char *path = xasprintf("%s/r.log", dir);
    char *old = xasprintf("%s.1", path);
    rt__crilog log;
    rt__linebuf out = {.stream = "stdout"};
    rec r[200];
    size_t n_old, n_cur;
    struct stat st;
    int first;

    (void)state;
    assert_int_equal(rt__crilog_open(&log, path, 1000, NULL), 0);
    for (int i = 0; i < 100; i++) {
        char line[64];
        int len = snprintf(line, sizeof line, "line %03d %s\n", i, "xxxxxxxxxxxxxxxxxxxx");
        rt__crilog_feed(&log, &out, line, (size_t)len);
    }
    rt__crilog_flush(&log, &out);
    rt__crilog_close(&log);
    /* Both files within the limit; together they end with the last lines,
     * in order, none missing between them. */
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size <= 1000 && st.st_size > 0);
    assert_int_equal(stat(old, &st), 0);
    assert_true(st.st_size <= 1000 && st.st_size > 900);
    n_old = read_records(old, r, 200);
    n_cur = read_records(path, r + n_old, 200 - n_old);
    assert_true(n_old > 5 && n_cur > 0);
    assert_string_equal(r[n_old + n_cur - 1].content, "line 099 xxxxxxxxxxxxxxxxxxxx");
    first = atoi(r[0].content + 5);
    for (size_t i = 0; i < n_old + n_cur; i++) {
        char want[64];
        snprintf(want, sizeof want, "line %03d xxxxxxxxxxxxxxxxxxxx", first + (int)i);
        assert_string_equal(r[i].content, want);
    }
    free_records(r, n_old + n_cur);
    free(old);
    free(path);
    rt__rm_tree(dir);
    free(dir);
}

static void test_format_ts(void **state)
{
    char buf[40];

    (void)state;
    rt__format_ts(1795255200123456789LL, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-21T10:00:00.123456789Z");
    rt__format_ts(5, buf, sizeof buf);
    assert_string_equal(buf, "1970-01-01T00:00:00.000000005Z");
}

/* ---- cgroup and process helpers ------------------------------------------ */

static void test_parse_oom(void **state)
{
    (void)state;
    assert_int_equal(rt__parse_oom_kill("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"), 3);
    assert_int_equal(rt__parse_oom_kill("low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\n"
                                        "oom_group_kill 0\n"),
                     1);
    assert_int_equal(rt__parse_oom_kill("oom_kill_disable 0\nunder_oom 0\n"), -1);
    assert_int_equal(rt__parse_oom_kill(""), -1);
    assert_int_equal(rt__parse_oom_kill(NULL), -1);
}

static void test_proc_helpers(void **state)
{
    int64_t start = 0, start2 = 0;
    char st = 0;
    pid_t child;

    (void)state;
    assert_int_equal(rt__proc_stat(getpid(), &start, &st), 0);
    assert_true(start > 0);
    assert_true(rt__pid_alive(getpid(), start));
    assert_true(rt__pid_alive(getpid(), 0));
    assert_false(rt__pid_alive(getpid(), start + 1));
    assert_int_equal(rt__proc_stat(0, NULL, NULL), EN_NOTFOUND);

    /* An exited, unreaped child (a zombie) is not alive. */
    child = fork();
    assert_true(child >= 0);
    if (child == 0)
        _exit(7);
    assert_int_equal(rt__proc_stat(child, &start2, NULL), 0);
    for (int i = 0; i < 500; i++) {
        char s2 = 0;
        rt__proc_stat(child, NULL, &s2);
        if (s2 == 'Z')
            break;
        usleep(2000);
    }
    assert_false(rt__pid_alive(child, start2));
    {
        int status = 0;
        assert_int_equal(rt__wait(child, 1000, &status), 0);
        assert_int_equal(rt__exit_code(status), 7);
    }
}

static void test_run(void **state)
{
    const char *echo[] = {"sh", "-c", "echo out; echo err >&2; exit 5", NULL};
    const char *sleeper[] = {"sleep", "10", NULL};
    const char *missing[] = {"/nonexistent/en-binary", NULL};
    const char *loud[] = {"sh", "-c", "yes | head -c 100000", NULL};
    char *out = NULL, *err = NULL;
    int code = 0;
    int64_t t0;

    (void)state;
    assert_int_equal(rt__run(echo, 5000, NULL, 4096, &out, &code, NULL), 0);
    assert_int_equal(code, 5);
    assert_string_equal(out, "out\nerr\n");
    free(out);

    /* Output is cut at out_max but read to the end. */
    assert_int_equal(rt__run(loud, 5000, NULL, 1000, &out, &code, NULL), 0);
    assert_int_equal(code, 0);
    assert_int_equal(strlen(out), 1000);
    assert_int_equal(strncmp(out, "y\ny\n", 4), 0);
    free(out);

    t0 = time_mono_ms();
    assert_int_equal(rt__run(sleeper, 200, NULL, 4096, &out, &code, &err), EN_TIMEOUT);
    assert_true(time_mono_ms() - t0 < 3000);
    assert_int_equal(code, 128 + SIGKILL);
    assert_non_null(strstr(err, "timed out"));
    free(err);
    free(out);
    err = NULL;

    assert_int_equal(rt__run(missing, 1000, NULL, 4096, &out, &code, &err), EN_IO);
    assert_null(out);
    assert_non_null(strstr(err, "/nonexistent/en-binary"));
    free(err);
}

static void test_files(void **state)
{
    char *dir = tmpdir_new();
    char *deep = xasprintf("%s/a/b/c", dir);
    char *f = xasprintf("%s/file", deep);
    char *text = NULL;
    size_t len = 0;
    int pid = 0;
    int64_t start = 0;

    (void)state;
    assert_int_equal(fs_mkdir_p(deep, 0755), 0);
    assert_int_equal(fs_mkdir_p(deep, 0755), 0);
    assert_int_equal(rt__write_file(f, "123 456\n", 8), 0);
    assert_int_equal(rt__read_file(f, 100, &text, &len), 0);
    assert_int_equal(len, 8);
    free(text);
    assert_int_equal(rt__read_file(f, 3, &text, &len), 0);
    assert_string_equal(text, "123");
    free(text);
    assert_int_equal(rt__read_pid_file(f, &pid, &start), 0);
    assert_int_equal(pid, 123);
    assert_int_equal(start, 456);
    assert_int_equal(rt__write_file(f, "junk", 4), 0);
    assert_int_equal(rt__read_pid_file(f, &pid, &start), EN_INVALID);
    assert_int_equal(rt__rm_tree(dir), 0);
    assert_int_equal(rt__read_file(f, 100, &text, &len), EN_NOTFOUND);
    assert_int_equal(rt__rm_tree(dir), 0); /* already gone: fine */
    free(f);
    free(deep);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_defaults), cmocka_unit_test(test_config_full),
        cmocka_unit_test(test_hosts_file),      cmocka_unit_test(test_validation),
        cmocka_unit_test(test_crilog_split),    cmocka_unit_test(test_crilog_rotation),
        cmocka_unit_test(test_format_ts),       cmocka_unit_test(test_parse_oom),
        cmocka_unit_test(test_proc_helpers),    cmocka_unit_test(test_run),
        cmocka_unit_test(test_files),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
