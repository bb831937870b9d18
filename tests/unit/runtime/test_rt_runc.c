/*
 * test_rt_runc.c -- the runtime with real runc and real containers (needs
 * root and runc; every test is skipped with a message otherwise).
 *
 * The image is a directory built here from /bin/busybox (busybox-static)
 * with a symlink per applet.  This test binary is its own shim: main()
 * hands `shim ...` to rt_shim_main, and rt_config.self_exe is left NULL so
 * rt_start runs /proc/self/exe -- this binary -- as the shim.  The process
 * makes itself a child subreaper so that the detached shims end up as its
 * children and are reaped (pid 1 on the test machines does not reap).
 *
 * Each test uses its own container id (with this process's pid) and
 * directory under one temporary directory, and removes its container even
 * when an assertion fails (the teardown calls rt_remove again); the group
 * teardown removes the cgroup parent, runc's root and the temporary
 * directory.  Slow tests (about a second or more) say SLOW in their name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/core.h"
#include "runtime/runtime.h"
#include "runtime/runtime_int.h"

/* Shared by all tests of the group (set up once). */
typedef struct rt_test_env {
    char *tmp;       /* scratch directory (owned) */
    char *image;     /* the busybox image root (lower layer) */
    char *runc_root; /* runc --root */
    char *cgparent;  /* cgroup parent, unique to this run */
    char *san_dir;   /* where the shims' sanitizer reports go */
    rt_config cfg;
    bool usable;     /* root and runc available */
    /* The container of the current test, removed by the teardown. */
    char id[64];
    char *dir;
    char *log;
    char netns[64]; /* a network namespace the current test made ("" = none) */
} rt_test_env;

static rt_test_env E;

/* ---- fixture ------------------------------------------------------------- */

static int sh(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

/* The busybox image: bin/busybox, a symlink per applet, a few dirs. */
static int build_image(const char *root)
{
    char *cmd = xasprintf("set -e; mkdir -p %s/bin %s/etc %s/tmp %s/data %s/proc %s/sys %s/dev; "
                          "chmod 1777 %s/tmp; cp /bin/busybox %s/bin/busybox; "
                          "for a in $(/bin/busybox --list); do [ \"$a\" = busybox ] || "
                          "ln -s busybox %s/bin/$a; done; echo image-file > %s/etc/image-file",
                          root, root, root, root, root, root, root, root, root, root, root);
    int rc = sh(cmd);

    free(cmd);
    return rc;
}

static int group_setup(void **state)
{
    (void)state;
    memset(&E, 0, sizeof E);
    if (geteuid() != 0 || sh("runc --version >/dev/null 2>&1") != 0 ||
        access("/bin/busybox", X_OK) != 0) {
        fprintf(stderr, "test_rt_runc: needs root, runc and /bin/busybox: skipping\n");
        return 0;
    }
    E.tmp = xstrdup("/tmp/en_rt_runc_XXXXXX");
    if (!mkdtemp(E.tmp))
        return -1;
    E.image = xasprintf("%s/image", E.tmp);
    E.runc_root = xasprintf("%s/runc", E.tmp);
    E.cgparent = xasprintf("/everynode-test-%d", (int)getpid());
    if (build_image(E.image) != 0)
        return -1;
    /* Sanitizer builds: the shims' reports (leaks at exit) go to files the
     * last test checks, instead of the shim.log rt_remove deletes. */
    E.san_dir = xasprintf("%s/san", E.tmp);
    if (mkdir(E.san_dir, 0755) != 0)
        return -1;
    {
        const char *vars[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS"};
        for (int i = 0; i < 2; i++) {
            const char *old = getenv(vars[i]);
            char *v = xasprintf("log_path=%s/report%s%s", E.san_dir, old && old[0] ? ":" : "",
                                old ? old : "");
            setenv(vars[i], v, 1);
            free(v);
        }
    }
    E.cfg.runc_root = E.runc_root;
    E.cfg.cgroup_parent = E.cgparent;
    E.usable = true;
    return 0;
}

/* Reap the shims that ended (they are our children: we are a subreaper). */
static void reap_children(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

static int group_teardown(void **state)
{
    (void)state;
    if (E.usable) {
        /* Every test removed its container: the parent must go too. */
        int rc = rt_cleanup(&E.cfg);
        if (rc != 0)
            fprintf(stderr, "test_rt_runc: rt_cleanup: %s\n", en_strerror(rc));
        rt__rm_tree(E.tmp);
        reap_children();
        if (rc != 0 || rt__cgroup_exists(E.cgparent))
            return -1;
    }
    free(E.tmp);
    free(E.image);
    free(E.runc_root);
    free(E.cgparent);
    free(E.san_dir);
    return 0;
}

static int test_setup(void **state)
{
    (void)state;
    if (!E.usable)
        return 0;
    E.dir = NULL;
    E.log = NULL;
    E.id[0] = '\0';
    E.netns[0] = '\0';
    return 0;
}

static int test_teardown(void **state)
{
    (void)state;
    if (E.id[0] && E.dir)
        rt_remove(&E.cfg, E.id, E.dir);
    if (E.netns[0]) {
        char *cmd = xasprintf("ip netns del %s", E.netns);
        sh(cmd);
        free(cmd);
        E.netns[0] = '\0';
    }
    free(E.dir);
    free(E.log);
    E.dir = E.log = NULL;
    E.id[0] = '\0';
    reap_children();
    return 0;
}

#define NEED_RUNC()                                                                                \
    do {                                                                                           \
        if (!E.usable)                                                                             \
            skip();                                                                                \
    } while (0)

/* A spec for this test's container, named `name`. */
static rt_spec spec_for(const char *name, const char *const *args)
{
    rt_spec s;

    snprintf(E.id, sizeof E.id, "t%d-%s", (int)getpid(), name);
    free(E.dir);
    free(E.log);
    E.dir = xasprintf("%s/c/%s", E.tmp, name);
    E.log = xasprintf("%s/logs/%s.log", E.tmp, name);
    memset(&s, 0, sizeof s);
    s.id = E.id;
    s.dir = E.dir;
    s.image_rootfs = E.image;
    s.args = args;
    s.log_path = E.log;
    return s;
}

static void start_ok(const rt_spec *s)
{
    char *err = NULL;
    int rc = rt_start(&E.cfg, s, &err);

    if (rc != 0)
        fail_msg("rt_start %s: %s (%s)", s->id, en_strerror(rc), err ? err : "");
    free(err);
}

/* Poll rt_inspect until the container exited (at most timeout_ms). */
static rt_status wait_exit(int timeout_ms)
{
    rt_status st;
    int64_t end = time_mono_ms() + timeout_ms;

    for (;;) {
        assert_int_equal(rt_inspect(&E.cfg, E.id, E.dir, &st), 0);
        if (st.state == RT_STATE_EXITED || time_mono_ms() > end)
            break;
        usleep(20000);
    }
    if (st.state != RT_STATE_EXITED)
        fail_msg("container %s did not exit within %d ms (state %d)", E.id, timeout_ms, st.state);
    return st;
}

/* The contents of the container's CRI log file (new string). */
static char *log_text(void)
{
    char *t = NULL;

    if (rt__read_file(E.log, 1 << 22, &t, NULL) != 0)
        return xstrdup("");
    return t;
}

/* The log has a record "<ts> stream tag content". */
static bool log_has(const char *text, const char *stream, char tag, const char *content)
{
    char *want = xasprintf("Z %s %c %s\n", stream, tag, content);
    bool found = strstr(text, want) != NULL;

    free(want);
    return found;
}

static bool mounted_under(const char *dir)
{
    char *mi = NULL;
    bool found;

    assert_int_equal(rt__read_file("/proc/self/mountinfo", 1 << 20, &mi, NULL), 0);
    found = strstr(mi, dir) != NULL;
    free(mi);
    return found;
}

static char *cgroup_of(const char *id)
{
    return xasprintf("%s/%s", E.cgparent, id);
}

/* ---- tests --------------------------------------------------------------- */

/* stdout and stderr land in the CRI log; a 40 KiB line is split P, P, F;
 * the exit code is recorded. */
static void test_output_and_exit_code(void **state)
{
    static const char *const args[] = {
        "sh", "-c",
        "echo out1; echo err1 >&2; printf 'no newline'; echo; "
        "head -c 40960 /dev/zero | tr '\\0' a; echo; echo err2 >&2; exit 3",
        NULL};
    rt_spec s = spec_for("out", args);
    rt_status st;
    char *t, *big;

    (void)state;
    NEED_RUNC();
    start_ok(&s);
    st = wait_exit(10000);
    assert_int_equal(st.exit_code, 3);
    assert_false(st.oom_killed);
    assert_true(st.started_at_ns > 0);
    assert_true(st.finished_at_ns >= st.started_at_ns);
    assert_true(rt__now_ns() - st.finished_at_ns < 60LL * 1000000000);
    t = log_text();
    assert_true(log_has(t, "stdout", 'F', "out1"));
    assert_true(log_has(t, "stderr", 'F', "err1"));
    assert_true(log_has(t, "stdout", 'F', "no newline"));
    assert_true(log_has(t, "stderr", 'F', "err2"));
    big = xmalloc(16384 + 1);
    memset(big, 'a', 16384);
    big[16384] = '\0';
    assert_true(log_has(t, "stdout", 'P', big));
    big[8192] = '\0';
    assert_true(log_has(t, "stdout", 'F', big));
    {
        /* Exactly two P records. */
        int np = 0;
        for (const char *p = t; (p = strstr(p, " stdout P ")) != NULL; p++)
            np++;
        assert_int_equal(np, 2);
    }
    free(big);
    free(t);
    /* Inspect keeps saying the same. */
    assert_int_equal(rt_inspect(&E.cfg, E.id, E.dir, &st), 0);
    assert_int_equal(st.state, RT_STATE_EXITED);
    assert_int_equal(st.exit_code, 3);
}

/* Past log_max_bytes the log moves to .1 and a new file begins. */
static void test_log_rotation(void **state)
{
    static const char *const args[] = {
        "sh", "-c", "i=0; while [ $i -lt 300 ]; do echo \"line $i\"; i=$((i+1)); done", NULL};
    rt_spec s = spec_for("rot", args);
    char *old, *t_old = NULL, *t = NULL;
    struct stat sb;

    (void)state;
    NEED_RUNC();
    s.log_max_bytes = 2048;
    start_ok(&s);
    assert_int_equal(wait_exit(10000).exit_code, 0);
    old = xasprintf("%s.1", E.log);
    assert_int_equal(stat(E.log, &sb), 0);
    assert_true(sb.st_size > 0 && sb.st_size <= 2048);
    assert_int_equal(stat(old, &sb), 0);
    assert_true(sb.st_size > 1900 && sb.st_size <= 2048);
    t = log_text();
    assert_int_equal(rt__read_file(old, 1 << 20, &t_old, NULL), 0);
    assert_true(log_has(t, "stdout", 'F', "line 299"));
    assert_false(log_has(t_old, "stdout", 'F', "line 299"));
    /* The first lines were rotated away twice over. */
    assert_false(log_has(t, "stdout", 'F', "line 0"));
    assert_false(log_has(t_old, "stdout", 'F', "line 0"));
    free(t_old);
    free(t);
    free(old);
}

/* env, cwd, hostname (uts namespace, /etc/hostname, /etc/hosts), user. */
static void test_env_cwd_hostname(void **state)
{
    static const char *const args[] = {
        "sh", "-c",
        "echo \"foo=$FOO cwd=$(pwd) host=$(hostname) file=$(cat /etc/hostname) "
        "uid=$(id -u) gid=$(id -g)\"; grep -c 'web-7' /etc/hosts; grep -c localhost /etc/hosts; "
        "cat /etc/image-file",
        NULL};
    static const char *const env[] = {"FOO=bar baz", NULL};
    rt_spec s = spec_for("env", args);
    char *t;

    (void)state;
    NEED_RUNC();
    s.env = env;
    s.cwd = "/tmp";
    s.hostname = "web-7";
    s.uid = 1234;
    s.gid = 5678;
    start_ok(&s);
    assert_int_equal(wait_exit(10000).exit_code, 0);
    t = log_text();
    if (!log_has(t, "stdout", 'F',
                 "foo=bar baz cwd=/tmp host=web-7 file=web-7 uid=1234 gid=5678"))
        fail_msg("log: %s", t);
    assert_true(log_has(t, "stdout", 'F', "1"));
    assert_true(log_has(t, "stdout", 'F', "image-file"));
    free(t);
}

/* Isolation as runc spec's defaults give it: pid namespace, the
 * Kubernetes capability set, masked and read-only /proc paths, the host's
 * resolv.conf. */
static void test_isolation(void **state)
{
    static const char *const args[] = {
        "sh", "-c",
        "echo pid=$$; grep CapBnd /proc/self/status | tr -d '\\t'; "
        "echo timer_list=$(wc -c < /proc/timer_list); "
        "if echo x > /proc/sys/kernel/domainname 2>/dev/null; then echo PROC-SYS-RW; "
        "else echo PROC-SYS-RO; fi; "
        "echo resolv=$(md5sum < /etc/resolv.conf | cut -d' ' -f1); "
        "if hostname changed-inside 2>/dev/null; then echo HOSTNAME-CHANGED; "
        "else echo HOSTNAME-DENIED; fi",
        NULL};
    rt_spec s = spec_for("iso", args);
    char host_before[256] = "", host_after[256] = "";
    char *t, *want, *sum = NULL;
    FILE *f;

    (void)state;
    NEED_RUNC();
    gethostname(host_before, sizeof host_before - 1);
    start_ok(&s);
    assert_int_equal(wait_exit(10000).exit_code, 0);
    t = log_text();
    assert_true(log_has(t, "stdout", 'F', "pid=1"));
    assert_true(log_has(t, "stdout", 'F', "CapBnd:00000000a80425fb"));
    /* Masked: /dev/null mounted over it (it has content on the host). */
    assert_true(log_has(t, "stdout", 'F', "timer_list=0"));
    assert_true(log_has(t, "stdout", 'F', "PROC-SYS-RO"));
    /* No CAP_SYS_ADMIN. */
    assert_true(log_has(t, "stdout", 'F', "HOSTNAME-DENIED"));
    f = popen("md5sum < /etc/resolv.conf 2>/dev/null | cut -d' ' -f1", "r");
    assert_non_null(f);
    sum = xcalloc(1, 64);
    if (!fgets(sum, 64, f))
        sum[0] = '\0';
    pclose(f);
    sum[strcspn(sum, "\n")] = '\0';
    want = xasprintf("resolv=%s", sum);
    if (!log_has(t, "stdout", 'F', want))
        fail_msg("want %s in %s", want, t);
    free(want);
    free(sum);
    free(t);
    gethostname(host_after, sizeof host_after - 1);
    assert_string_equal(host_before, host_after);
}

/* A read-only bind mount refuses writes, a writable one works, tmpfs works,
 * and writes to the root filesystem stay in the container's upper layer. */
static void test_mounts_and_rootfs(void **state)
{
    static const char *const args[] = {
        "sh", "-c",
        "cat /ro/in; if echo x > /ro/new 2>/dev/null; then echo RO-WRITABLE; else echo RO-REFUSED; fi; "
        "echo from-container > /rw/out && echo RW-OK; "
        "echo t > /scratch/f && grep -q tmpfs /proc/mounts && echo TMPFS-OK; "
        "echo changed > /etc/image-file; echo new > /bin/new-file; rm /bin/cat; echo ROOT-OK",
        NULL};
    char *ro = xasprintf("%s/ro-src", E.tmp);
    char *rw = xasprintf("%s/rw-src", E.tmp);
    char *cmd, *t, *path, *text = NULL;
    rt_mount mounts[] = {
        {.source = ro, .destination = "/ro", .read_only = true},
        {.source = rw, .destination = "/rw"},
        {.destination = "/scratch", .type = "tmpfs"},
    };
    rt_spec s = spec_for("mnt", args);

    (void)state;
    NEED_RUNC();
    cmd = xasprintf("mkdir -p %s %s && echo host-data > %s/in", ro, rw, ro);
    assert_int_equal(sh(cmd), 0);
    free(cmd);
    s.mounts = mounts;
    s.n_mounts = 3;
    start_ok(&s);
    assert_int_equal(wait_exit(10000).exit_code, 0);
    t = log_text();
    assert_true(log_has(t, "stdout", 'F', "host-data"));
    assert_true(log_has(t, "stdout", 'F', "RO-REFUSED"));
    assert_false(log_has(t, "stdout", 'F', "RO-WRITABLE"));
    assert_true(log_has(t, "stdout", 'F', "RW-OK"));
    assert_true(log_has(t, "stdout", 'F', "TMPFS-OK"));
    assert_true(log_has(t, "stdout", 'F', "ROOT-OK"));
    free(t);
    /* The host sees the rw write and nothing in the ro dir. */
    path = xasprintf("%s/out", rw);
    assert_int_equal(rt__read_file(path, 100, &text, NULL), 0);
    assert_string_equal(text, "from-container\n");
    free(text);
    free(path);
    path = xasprintf("%s/new", ro);
    assert_int_not_equal(access(path, F_OK), 0);
    free(path);
    /* The image (lower layer) is untouched; the upper layer has the
     * changes. */
    path = xasprintf("%s/etc/image-file", E.image);
    assert_int_equal(rt__read_file(path, 100, &text, NULL), 0);
    assert_string_equal(text, "image-file\n");
    free(text);
    free(path);
    path = xasprintf("%s/bin/new-file", E.image);
    assert_int_not_equal(access(path, F_OK), 0);
    free(path);
    path = xasprintf("%s/bin/cat", E.image);
    assert_int_equal(access(path, F_OK), 0);
    free(path);
    path = xasprintf("%s/upper/bin/new-file", E.dir);
    assert_int_equal(access(path, F_OK), 0);
    free(path);
    free(ro);
    free(rw);
}

/* SLOW: 32 MiB limit, 100 MiB buffer: the OOM killer ends it, 137, and
 * the shim reports it. */
static void test_oom_kill_SLOW(void **state)
{
    static const char *const args[] = {"dd", "if=/dev/zero", "of=/dev/null", "bs=100M", "count=1",
                                       NULL};
    rt_spec s = spec_for("oom", args);
    rt_status st;

    (void)state;
    NEED_RUNC();
    s.memory_limit = 32 * 1024 * 1024;
    start_ok(&s);
    st = wait_exit(20000);
    assert_int_equal(st.exit_code, 137);
    assert_true(st.oom_killed);
}

/* A container under its limit, killed with SIGKILL, is not OOM-killed;
 * SIGTERM ends a shell that traps it; signalling an exited container is
 * EN_NOTFOUND. */
static void test_kill(void **state)
{
    static const char *const trap_args[] = {
        "sh", "-c", "trap 'echo got-term; exit 143' TERM; echo ready; sleep 1000 & wait", NULL};
    static const char *const sleep_args[] = {"sleep", "1000", NULL};
    rt_spec s = spec_for("term", trap_args);
    rt_status st;
    char *t;

    (void)state;
    NEED_RUNC();
    s.memory_limit = 64 * 1024 * 1024;
    start_ok(&s);
    assert_int_equal(rt_inspect(&E.cfg, E.id, E.dir, &st), 0);
    assert_int_equal(st.state, RT_STATE_RUNNING);
    assert_true(st.pid > 0);
    /* Wait for the trap to be set. */
    for (int i = 0; i < 250; i++) {
        t = log_text();
        bool ready = log_has(t, "stdout", 'F', "ready");
        free(t);
        if (ready)
            break;
        usleep(20000);
    }
    assert_int_equal(rt_kill(&E.cfg, E.id, SIGTERM), 0);
    st = wait_exit(5000);
    assert_int_equal(st.exit_code, 143);
    assert_false(st.oom_killed);
    t = log_text();
    assert_true(log_has(t, "stdout", 'F', "got-term"));
    free(t);
    assert_int_equal(rt_kill(&E.cfg, E.id, SIGTERM), EN_NOTFOUND);
    assert_int_equal(rt_remove(&E.cfg, E.id, E.dir), 0);
    assert_int_equal(rt_kill(&E.cfg, E.id, SIGTERM), EN_NOTFOUND);

    /* A bare sleep as pid 1 ignores SIGTERM; SIGKILL ends it. */
    s = spec_for("kill", sleep_args);
    s.memory_limit = 64 * 1024 * 1024;
    start_ok(&s);
    assert_int_equal(rt_kill(&E.cfg, E.id, SIGKILL), 0);
    st = wait_exit(5000);
    assert_int_equal(st.exit_code, 137);
    assert_false(st.oom_killed);
}

/* SLOW (exec timeout): exit codes, output, env, a missing program, the
 * timeout killing the exec'd process. */
static void test_exec_SLOW(void **state)
{
    static const char *const args[] = {"sleep", "1000", NULL};
    static const char *const env[] = {"GREETING=hello", NULL};
    static const char *const code4[] = {"sh", "-c", "echo \"$GREETING $(pwd)\"; echo e >&2; exit 4",
                                        NULL};
    static const char *const missing[] = {"nosuch-program", NULL};
    static const char *const slow[] = {"sleep", "30", NULL};
    static const char *const ps[] = {"sh", "-c", "ps -o args | grep -c '^sleep 30'", NULL};
    rt_spec s = spec_for("exec", args);
    char *out = NULL;
    int code = 0;
    int64_t t0;

    (void)state;
    NEED_RUNC();
    s.env = env;
    s.cwd = "/etc";
    start_ok(&s);
    assert_int_equal(rt_exec(&E.cfg, E.id, code4, 5000, &code, &out), 0);
    assert_int_equal(code, 4);
    /* runc copies stdout and stderr separately: order not guaranteed. */
    assert_int_equal(strlen(out), strlen("hello /etc\ne\n"));
    assert_non_null(strstr(out, "hello /etc\n"));
    assert_non_null(strstr(out, "e\n"));
    free(out);
    out = NULL;

    assert_int_equal(rt_exec(&E.cfg, E.id, missing, 5000, &code, &out), EN_IO);
    assert_non_null(out);
    assert_non_null(strstr(out, "nosuch-program"));
    free(out);
    out = NULL;

    t0 = time_mono_ms();
    assert_int_equal(rt_exec(&E.cfg, E.id, slow, 500, &code, NULL), 0);
    assert_int_equal(code, -1);
    assert_true(time_mono_ms() - t0 < 4000);
    /* The timed-out process is gone from the container. */
    assert_int_equal(rt_exec(&E.cfg, E.id, ps, 5000, &code, &out), 0);
    assert_string_equal(out, "0\n");
    free(out);
    out = NULL;

    /* Still running; exec into a stopped container is EN_NOTFOUND. */
    assert_int_equal(rt_kill(&E.cfg, E.id, SIGKILL), 0);
    wait_exit(5000);
    assert_int_equal(rt_exec(&E.cfg, E.id, code4, 5000, &code, &out), EN_NOTFOUND);
    free(out);
}

/* The container outlives the process that started it; rt_inspect and
 * rt_list work from another process. */
static void test_survives_starter(void **state)
{
    static const char *const args[] = {"sh", "-c", "echo started; exec sleep 1000", NULL};
    rt_spec s = spec_for("orphan", args);
    rt_status st;
    char **ids = NULL;
    bool listed = false;
    pid_t child;
    int wst = 0;

    (void)state;
    NEED_RUNC();
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        char *err = NULL;
        int rc = rt_start(&E.cfg, &s, &err);
        free(err);
        _exit(rc == 0 ? 0 : 1);
    }
    assert_int_equal(waitpid(child, &wst, 0), child);
    assert_true(WIFEXITED(wst));
    assert_int_equal(WEXITSTATUS(wst), 0);
    usleep(100000);
    assert_int_equal(rt_inspect(&E.cfg, E.id, E.dir, &st), 0);
    assert_int_equal(st.state, RT_STATE_RUNNING);
    assert_true(rt__pid_alive(st.pid, 0));
    assert_true(st.started_at_ns > 0);
    assert_int_equal(rt_list(&E.cfg, &ids), 0);
    for (size_t i = 0; ids[i]; i++) {
        listed |= !strcmp(ids[i], E.id);
        free(ids[i]);
    }
    free(ids);
    assert_true(listed);
    /* Starting the same id again is refused. */
    {
        char *err = NULL;
        assert_int_equal(rt_start(&E.cfg, &s, &err), EN_EXISTS);
        assert_non_null(err);
        free(err);
    }
    {
        char *t = log_text();
        assert_true(log_has(t, "stdout", 'F', "started"));
        free(t);
    }
}

/* rt_remove leaves no mount, cgroup, runc state, directory or shim. */
static void test_remove_leaves_nothing(void **state)
{
    static const char *const args[] = {"sleep", "1000", NULL};
    rt_spec s = spec_for("rm", args);
    char *cg = cgroup_of(s.id);
    char *state_dir = xasprintf("%s/%s", E.runc_root, s.id);
    char *shim_pid = NULL;
    int spid = 0;
    int64_t sstart = 0;
    rt_status st;
    char **ids = NULL;

    (void)state;
    NEED_RUNC();
    s.memory_limit = 16 * 1024 * 1024;
    s.cpu_limit_milli = 100;
    start_ok(&s);
    assert_true(mounted_under(E.dir));
    assert_true(rt__cgroup_exists(cg));
    assert_int_equal(access(state_dir, F_OK), 0);
    shim_pid = rt__path(E.dir, RT_F_SHIM_PID);
    assert_int_equal(rt__read_pid_file(shim_pid, &spid, &sstart), 0);
    assert_true(rt__pid_alive(spid, sstart));

    assert_int_equal(rt_remove(&E.cfg, E.id, E.dir), 0);
    assert_false(mounted_under(E.dir));
    assert_false(rt__cgroup_exists(cg));
    assert_int_not_equal(access(state_dir, F_OK), 0);
    assert_int_not_equal(access(E.dir, F_OK), 0);
    assert_false(rt__pid_alive(spid, sstart));
    /* The log stays. */
    assert_int_equal(access(E.log, F_OK), 0);
    assert_int_equal(rt_inspect(&E.cfg, E.id, E.dir, &st), 0);
    assert_int_equal(st.state, RT_STATE_UNKNOWN);
    assert_int_equal(rt_list(&E.cfg, &ids), 0);
    for (size_t i = 0; ids[i]; i++) {
        assert_string_not_equal(ids[i], E.id);
        free(ids[i]);
    }
    free(ids);
    /* Idempotent. */
    assert_int_equal(rt_remove(&E.cfg, E.id, E.dir), 0);
    free(shim_pid);
    free(state_dir);
    free(cg);
}

/* The value of a cgroup file of container id: v1 name1 or v2 name2. */
static char *cgroup_value(const char *id, const char *ctrl, const char *name1, const char *name2)
{
    char *path = xasprintf("/sys/fs/cgroup/%s%s/%s/%s", ctrl, E.cgparent, id, name1);
    char *text = NULL;

    if (rt__read_file(path, 4096, &text, NULL) != 0) {
        free(path);
        path = xasprintf("/sys/fs/cgroup%s/%s/%s", E.cgparent, id, name2);
        if (rt__read_file(path, 4096, &text, NULL) != 0)
            fail_msg("cannot read %s", path);
    }
    free(path);
    return text;
}

/* Memory and cpu limits reach the cgroup. */
static void test_cgroup_limits(void **state)
{
    static const char *const args[] = {"sleep", "1000", NULL};
    rt_spec s = spec_for("limits", args);
    char *v;

    (void)state;
    NEED_RUNC();
    s.memory_limit = 48 * 1024 * 1024;
    s.cpu_limit_milli = 250;
    s.cpu_shares_milli = 500;
    start_ok(&s);
    v = cgroup_value(E.id, "memory", "memory.limit_in_bytes", "memory.max");
    assert_int_equal(strtoll(v, NULL, 10), 48 * 1024 * 1024);
    free(v);
    v = cgroup_value(E.id, "cpu", "cpu.cfs_quota_us", "cpu.max");
    assert_int_equal(strtoll(v, NULL, 10), 25000);
    free(v);
    v = cgroup_value(E.id, "cpu", "cpu.shares", "cpu.weight");
    /* v1 shares 512; v2 runc converts shares to a weight. */
    assert_true(strtoll(v, NULL, 10) == 512 || strtoll(v, NULL, 10) == 20);
    free(v);
}

/* A named network namespace is joined; without one the container shares
 * the agent's network. */
static void test_netns(void **state)
{
    static const char *const args[] = {"sh", "-c", "cat /proc/net/dev | tail -n +3 | cut -d: -f1 | "
                                                   "tr -d ' ' | sort | tr '\\n' ,; echo",
                                       NULL};
    rt_spec s = spec_for("netns", args);
    char *cmd, *path, *t;

    (void)state;
    NEED_RUNC();
    snprintf(E.netns, sizeof E.netns, "en-rt-test-%d", (int)getpid());
    cmd = xasprintf("ip netns add %s", E.netns);
    assert_int_equal(sh(cmd), 0);
    free(cmd);
    path = xasprintf("/var/run/netns/%s", E.netns);
    s.netns = path;
    start_ok(&s);
    assert_int_equal(wait_exit(10000).exit_code, 0);
    t = log_text();
    /* A new namespace has nothing but lo. */
    if (!log_has(t, "stdout", 'F', "lo,"))
        fail_msg("interfaces in the namespace: %s", t);
    free(t);
    assert_int_equal(rt_remove(&E.cfg, E.id, E.dir), 0);
    free(path);

    /* Host network: the same interfaces as this process sees. */
    s = spec_for("hostnet", args);
    start_ok(&s);
    assert_int_equal(wait_exit(10000).exit_code, 0);
    t = log_text();
    cmd = xasprintf("test \"$(cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' ' | sort | "
                    "tr '\\n' ,)\" = \"$(sed -n 's/.* stdout F //p' %s)\"",
                    E.log);
    if (sh(cmd) != 0)
        fail_msg("host network interfaces differ: %s", t);
    free(cmd);
    free(t);
}

/* The real binary as the shim: `everynode shim` dispatched by main.c (the
 * agent's case, rt_config.self_exe NULL there).  Skipped when the binary
 * of this build is not built yet. */
static void test_everynode_shim(void **state)
{
    static const char *const args[] = {"sh", "-c", "echo via-everynode; exit 9", NULL};
    rt_spec s = spec_for("binshim", args);
    char self[4096];
    char *exe = NULL, *cut, *cmd;
    ssize_t n;
    rt_config cfg = E.cfg;
    char *err = NULL;
    char *t;
    int rc;

    (void)state;
    NEED_RUNC();
    /* build/<rel|san>/tests/unit/runtime/test_rt_runc -> the binary. */
    n = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(n > 0);
    self[n] = '\0';
    cut = strstr(self, "/build/");
    assert_non_null(cut);
    if (!strncmp(cut, "/build/san/", 11)) {
        cut[11] = '\0';
        exe = xasprintf("%sbin/everynode", self);
    } else {
        *cut = '\0';
        exe = xasprintf("%s/bin/everynode", self);
    }
    if (access(exe, X_OK) != 0) {
        fprintf(stderr, "test_everynode_shim: %s not built: skipping\n", exe);
        free(exe);
        skip();
    }
    /* Misuse is refused with a usage message. */
    cmd = xasprintf("%s shim 2>&1 | grep -q 'started by the agent only'", exe);
    assert_int_equal(sh(cmd), 0);
    free(cmd);
    cfg.self_exe = exe;
    rc = rt_start(&cfg, &s, &err);
    if (rc != 0)
        fail_msg("rt_start: %s", err ? err : "?");
    assert_int_equal(wait_exit(10000).exit_code, 9);
    t = log_text();
    assert_true(log_has(t, "stdout", 'F', "via-everynode"));
    free(t);
    free(exe);
}

/* One thread's container in test_parallel. */
typedef struct par_job {
    int n;         /* index, also the exit code */
    char id[64];
    char *dir;     /* owned */
    char *log;     /* owned */
    int rc_start;  /* results, checked by the main thread */
    int exit_code;
    bool log_ok;
    int rc_remove;
} par_job;

static void *par_run(void *arg)
{
    par_job *j = arg;
    char script[128];
    const char *args[] = {"sh", "-c", script, NULL};
    rt_spec s;
    rt_status st;
    char *err = NULL;
    char *t = NULL;
    char want[64];

    snprintf(script, sizeof script, "echo job-%d; exit %d", j->n, j->n);
    memset(&s, 0, sizeof s);
    s.id = j->id;
    s.dir = j->dir;
    s.image_rootfs = E.image;
    s.args = args;
    s.log_path = j->log;
    j->rc_start = rt_start(&E.cfg, &s, &err);
    free(err);
    j->exit_code = -1;
    for (int i = 0; j->rc_start == 0 && i < 500; i++) {
        if (rt_inspect(&E.cfg, j->id, j->dir, &st) == 0 && st.state == RT_STATE_EXITED) {
            j->exit_code = st.exit_code;
            break;
        }
        usleep(20000);
    }
    snprintf(want, sizeof want, " stdout F job-%d\n", j->n);
    j->log_ok = rt__read_file(j->log, 1 << 16, &t, NULL) == 0 && strstr(t, want) != NULL;
    free(t);
    j->rc_remove = rt_remove(&E.cfg, j->id, j->dir);
    return NULL;
}

/* Different containers from several threads at once (as the agent's pod
 * workers do). */
static void test_parallel(void **state)
{
    enum { N = 4 };
    par_job jobs[N];
    pthread_t th[N];

    (void)state;
    NEED_RUNC();
    for (int i = 0; i < N; i++) {
        memset(&jobs[i], 0, sizeof jobs[i]);
        jobs[i].n = i + 1;
        snprintf(jobs[i].id, sizeof jobs[i].id, "t%d-par%d", (int)getpid(), i);
        jobs[i].dir = xasprintf("%s/c/par%d", E.tmp, i);
        jobs[i].log = xasprintf("%s/logs/par%d.log", E.tmp, i);
        assert_int_equal(pthread_create(&th[i], NULL, par_run, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < N; i++) {
        assert_int_equal(jobs[i].rc_start, 0);
        assert_int_equal(jobs[i].exit_code, i + 1);
        assert_true(jobs[i].log_ok);
        assert_int_equal(jobs[i].rc_remove, 0);
        assert_int_not_equal(access(jobs[i].dir, F_OK), 0);
        free(jobs[i].dir);
        free(jobs[i].log);
    }
}

/* A container runc refuses: EN_IO with runc's message, nothing left. */
static void test_start_failure(void **state)
{
    static const char *const args[] = {"nosuch-binary", NULL};
    rt_spec s = spec_for("fail", args);
    char *cg = cgroup_of(s.id);
    char *state_dir = xasprintf("%s/%s", E.runc_root, s.id);
    char *err = NULL;
    rt_status st;

    (void)state;
    NEED_RUNC();
    assert_int_equal(rt_start(&E.cfg, &s, &err), EN_IO);
    assert_non_null(err);
    if (!strstr(err, "executable file not found"))
        fail_msg("unexpected message: %s", err);
    free(err);
    assert_false(mounted_under(E.dir));
    assert_false(rt__cgroup_exists(cg));
    assert_int_not_equal(access(state_dir, F_OK), 0);
    assert_int_not_equal(access(E.dir, F_OK), 0);
    assert_int_equal(rt_inspect(&E.cfg, E.id, E.dir, &st), 0);
    assert_int_equal(st.state, RT_STATE_UNKNOWN);
    /* The message did not end up in the container's log. */
    {
        char *t = log_text();
        assert_null(strstr(t, "executable file not found"));
        free(t);
    }
    free(state_dir);
    free(cg);
}

/* A shim killed before the container exits: the exit is reported as lost
 * (255) instead of the container staying RUNNING forever. */
static void test_shim_killed(void **state)
{
    static const char *const args[] = {"sleep", "1000", NULL};
    rt_spec s = spec_for("shimkill", args);
    char *shim_pid;
    int spid = 0;
    int64_t sstart = 0;
    rt_status st;

    (void)state;
    NEED_RUNC();
    start_ok(&s);
    shim_pid = rt__path(E.dir, RT_F_SHIM_PID);
    assert_int_equal(rt__read_pid_file(shim_pid, &spid, &sstart), 0);
    free(shim_pid);
    assert_int_equal(kill(spid, SIGKILL), 0);
    for (int i = 0; i < 200 && rt__pid_alive(spid, sstart); i++)
        usleep(10000);
    reap_children();
    /* The container itself still runs... */
    assert_int_equal(rt_inspect(&E.cfg, E.id, E.dir, &st), 0);
    assert_int_equal(st.state, RT_STATE_RUNNING);
    /* ...until killed; then nobody recorded its status. */
    assert_int_equal(rt_kill(&E.cfg, E.id, SIGKILL), 0);
    for (int i = 0; i < 200 && rt__pid_alive(st.pid, 0); i++) {
        reap_children();
        usleep(10000);
    }
    st = wait_exit(5000);
    assert_int_equal(st.exit_code, 255);
    /* rt_remove still cleans everything. */
    assert_int_equal(rt_remove(&E.cfg, E.id, E.dir), 0);
    assert_false(mounted_under(E.dir));
}

/* Last: no shim reported a leak or undefined behaviour (sanitizer builds
 * write such reports into E.san_dir; other builds never do). */
static void test_zz_no_sanitizer_reports(void **state)
{
    char *cmd;

    (void)state;
    NEED_RUNC();
    reap_children();
    cmd = xasprintf("test -z \"$(ls -A %s)\" || { head -c 20000 %s/*; exit 1; }", E.san_dir,
                    E.san_dir);
    if (sh(cmd) != 0)
        fail_msg("sanitizer reports from shims in %s (above)", E.san_dir);
    free(cmd);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_output_and_exit_code, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_log_rotation, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_env_cwd_hostname, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_isolation, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_mounts_and_rootfs, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_oom_kill_SLOW, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_kill, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_exec_SLOW, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_survives_starter, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_remove_leaves_nothing, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_start_failure, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_shim_killed, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_cgroup_limits, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_netns, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_everynode_shim, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_parallel, test_setup, test_teardown),
        cmocka_unit_test(test_zz_no_sanitizer_reports),
    };

    /* This binary is also the containers' shim (rt_config.self_exe NULL). */
    if (argc > 1 && !strcmp(argv[1], "shim"))
        return rt_shim_main(argc - 1, argv + 1);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
