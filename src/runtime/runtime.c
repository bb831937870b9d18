/*
 * runtime.c -- the runtime's public functions (runtime.h): rt_start builds
 * a container's directory (overlay root filesystem, /etc files, config.json)
 * and starts its shim (shim.c); the others read the shim's records or call
 * runc.
 *
 * No state is kept in memory between calls: everything about a container
 * is in its directory and in runc's state under rt_config.runc_root, so an
 * agent that restarts finds its containers where it left them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "runtime/runtime_int.h"

/* How long rt_start waits for the shim's report (runc create + start). */
#define RT_START_TIMEOUT_MS 65000
/* Bounds of the runc calls made here. */
#define RT_RUNC_TIMEOUT_MS 30000
/* How long rt_remove waits for the shim to finish after the kill. */
#define RT_SHIM_EXIT_MS 5000

static void set_err(char **err, char *msg)
{
    if (err && !*err)
        *err = msg;
    else
        free(msg);
}

static const char *runc_bin(const rt_config *cfg)
{
    return cfg->runc && cfg->runc[0] ? cfg->runc : "runc";
}

static bool cfg_is_valid(const rt_config *cfg)
{
    return cfg && cfg->runc_root && cfg->runc_root[0] == '/' && rt__dir_is_valid(cfg->runc_root);
}

/* runc has state for id under the root. */
static bool runc_knows(const rt_config *cfg, const char *id)
{
    char *p = xasprintf("%s/%s/state.json", cfg->runc_root, id);
    bool known = access(p, F_OK) == 0;

    free(p);
    return known;
}

/* Run `runc --root R ARGS...` (at most 8 args); exit code and output. */
static int runc_call(const rt_config *cfg, const char *const *args, int *code, char **out,
                     char **err)
{
    const char *argv[12] = {runc_bin(cfg), "--root", cfg->runc_root};
    size_t n = 3;

    for (size_t i = 0; args[i] && n < 11; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return rt__run(argv, RT_RUNC_TIMEOUT_MS, NULL, 16384, out, code, err);
}

/* `runc state`'s status ("running", "stopped", "created", "paused"); new
 * string, or NULL when runc does not know the container. */
static char *runc_status(const rt_config *cfg, const char *id)
{
    const char *args[] = {"state", id, NULL};
    char *out = NULL;
    char *status = NULL;
    int code = 1;

    if (runc_call(cfg, args, &code, &out, NULL) == 0 && code == 0) {
        json_t *j = json_loads(out, 0, NULL);
        if (json_is_string(json_object_get(j, "status")))
            status = xstrdup(json_string_value(json_object_get(j, "status")));
        json_decref(j);
    }
    free(out);
    return status;
}

/* Trim trailing white space of a message in place. */
static char *trim(char *s)
{
    size_t n = s ? strlen(s) : 0;

    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Unmount DIR/rootfs (every layer stacked there) and remove DIR. */
static int cleanup_dir(const char *dir, char **err)
{
    char *rootfs = rt__path(dir, RT_F_ROOTFS);
    int rc = 0;

    for (int i = 0; i < 16; i++) {
        if (umount2(rootfs, 0) == 0)
            continue;
        if (errno == EBUSY && umount2(rootfs, MNT_DETACH) == 0)
            continue;
        if (errno != EINVAL && errno != ENOENT) {
            set_err(err, xasprintf("unmounting %s: %s", rootfs, strerror(errno)));
            rc = EN_IO;
        }
        break;
    }
    if (rc == 0 && rt__rm_tree(dir) != 0) {
        set_err(err, xasprintf("removing %s: %s", dir, strerror(errno)));
        rc = EN_IO;
    }
    free(rootfs);
    return rc;
}

/* The directory, /etc files and overlay root filesystem of a container. */
static int make_bundle(const rt_config *cfg, const rt_spec *spec, char **err)
{
    char *rootfs = rt__path(spec->dir, RT_F_ROOTFS);
    char *upper = rt__path(spec->dir, RT_F_UPPER);
    char *work = rt__path(spec->dir, RT_F_WORK);
    char *hosts = rt__path(spec->dir, RT_F_HOSTS);
    char *hostname = rt__path(spec->dir, RT_F_HOSTNAME);
    char *resolv = rt__path(spec->dir, RT_F_RESOLV);
    char *config = rt__path(spec->dir, RT_F_CONFIG);
    char *text = NULL;
    char *opts = NULL;
    json_t *oci = NULL;
    rt__host host = {.memory_swap = spec->memory_limit > 0 && rt__cgroup_has_swap()};
    size_t len = 0;
    int rc = EN_IO;

    if (fs_mkdir_p(spec->dir, 0711) != 0 || mkdir(rootfs, 0755) != 0 || mkdir(upper, 0755) != 0 ||
        mkdir(work, 0700) != 0) {
        set_err(err, xasprintf("creating %s: %s", spec->dir, strerror(errno)));
        goto out_free;
    }
    text = rt__hosts_file(spec->hostname);
    if (rt__write_file(hosts, text, strlen(text)) != 0)
        goto out_write_failed;
    free(text);
    text = NULL;
    if (spec->hostname) {
        text = xasprintf("%s\n", spec->hostname);
        if (rt__write_file(hostname, text, strlen(text)) != 0)
            goto out_write_failed;
        free(text);
        text = NULL;
    }
    /* The host's resolver configuration: the pod shares its network. */
    if (rt__read_file("/etc/resolv.conf", 1 << 16, &text, &len) != 0) {
        free(text);
        text = xstrdup("");
        len = 0;
    }
    if (rt__write_file(resolv, text, len) != 0)
        goto out_write_failed;
    free(text);
    text = NULL;

    rc = rt__oci_config(cfg, spec, &host, &oci, err);
    if (rc != 0)
        goto out_free;
    text = json_dumps(oci, JSON_INDENT(1));
    rc = EN_IO;
    if (rt__write_file(config, text, strlen(text)) != 0)
        goto out_write_failed;

    opts = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", spec->image_rootfs, upper, work);
    if (strlen(opts) >= 4000) {
        set_err(err, xasprintf("overlay options for %s are too long", spec->dir));
        goto out_free;
    }
    if (mount("overlay", rootfs, "overlay", 0, opts) != 0) {
        set_err(err, xasprintf("mounting the overlay root filesystem on %s (lower %s): %s", rootfs,
                               spec->image_rootfs, strerror(errno)));
        goto out_free;
    }
    rc = 0;
    goto out_free;
out_write_failed:
    set_err(err, xasprintf("writing in %s: %s", spec->dir, strerror(errno)));
    rc = EN_IO;
out_free:
    json_decref(oci);
    free(opts);
    free(text);
    free(config);
    free(resolv);
    free(hostname);
    free(hosts);
    free(work);
    free(upper);
    free(rootfs);
    return rc;
}

/* The path of this binary, for the shim. */
static char *self_exe(const rt_config *cfg)
{
    char buf[PATH_MAX];
    ssize_t n;

    if (cfg->self_exe && cfg->self_exe[0])
        return xstrdup(cfg->self_exe);
    n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return xstrdup("/proc/self/exe");
    buf[n] = '\0';
    /* Replaced on disk since we started: run our own image. */
    if (n > 10 && !strcmp(buf + n - 10, " (deleted)"))
        return xstrdup("/proc/self/exe");
    return xstrdup(buf);
}

/* Start the shim and wait for its report; 0 when the container runs. */
static int run_shim(const rt_config *cfg, const rt_spec *spec, char **err)
{
    char *exe = self_exe(cfg);
    char *shim_log = rt__path(spec->dir, RT_F_SHIM_LOG);
    char *log_max = xasprintf("%lld", (long long)spec->log_max_bytes);
    const char *argv[16] = {exe,  "shim",    "--id",        spec->id,       "--dir", spec->dir,
                            "--runc", runc_bin(cfg), "--root", cfg->runc_root, NULL};
    int ready[2] = {-1, -1};
    int log_fd = -1;
    pid_t pid;
    sbuf msg;
    int64_t deadline = time_mono_ms() + RT_START_TIMEOUT_MS;
    int rc = EN_IO;

    sbuf_init(&msg);
    if (spec->log_path) {
        argv[10] = "--log";
        argv[11] = spec->log_path;
        argv[12] = "--log-max";
        argv[13] = log_max;
    }
    log_fd = open(shim_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0 || pipe2(ready, O_CLOEXEC) != 0) {
        set_err(err, xasprintf("starting the shim: %s", strerror(errno)));
        goto out_close;
    }
    if (rt__spawn(argv, -1, -1, log_fd, ready[1], true, &pid, err) != 0)
        goto out_close;
    close(ready[1]);
    ready[1] = -1;
    /* The first shim process forks the real one and exits at once. */
    rt__wait(pid, 10000, NULL);
    for (;;) {
        struct pollfd p = {.fd = ready[0], .events = POLLIN};
        int64_t left = deadline - time_mono_ms();
        char buf[1024];
        ssize_t n;
        int pn;

        if (left <= 0) {
            set_err(err, xasprintf("container %s: no word from its shim after %d s", spec->id,
                                   RT_START_TIMEOUT_MS / 1000));
            rc = EN_TIMEOUT;
            goto out_close;
        }
        pn = poll(&p, 1, (int)left);
        if (pn < 0 && errno == EINTR)
            continue;
        if (pn <= 0)
            continue;
        n = read(ready[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (msg.len < 8192)
            sbuf_append(&msg, buf, (size_t)n);
    }
    if (msg.len >= 3 && !strncmp(msg.buf, "ok\n", 3)) {
        rc = 0;
    } else if (msg.len > 4 && !strncmp(msg.buf, "err ", 4)) {
        set_err(err, trim(xstrdup(msg.buf + 4)));
    } else {
        char *text = NULL;
        rt__read_file(shim_log, 4096, &text, NULL);
        set_err(err, xasprintf("container %s: the shim exited without a report%s%s", spec->id,
                               text && text[0] ? ": " : "", text ? trim(text) : ""));
        free(text);
    }
out_close:
    sbuf_release(&msg);
    for (int i = 0; i < 2; i++)
        if (ready[i] >= 0)
            close(ready[i]);
    if (log_fd >= 0)
        close(log_fd);
    free(log_max);
    free(shim_log);
    free(exe);
    return rc;
}

int rt_start(const rt_config *cfg, const rt_spec *spec, char **err)
{
    struct stat st;
    char *msg = NULL;
    int rc;

    if (err)
        *err = NULL;
    if (!cfg_is_valid(cfg)) {
        set_err(err, xstrdup("rt_config.runc_root: must be an absolute path"));
        return EN_INVALID;
    }
    rc = rt__validate_spec(spec, err);
    if (rc != 0)
        return rc;
    if (stat(spec->image_rootfs, &st) != 0 || !S_ISDIR(st.st_mode)) {
        set_err(err, xasprintf("image_rootfs %s: not a directory", spec->image_rootfs));
        return EN_INVALID;
    }
    if (runc_knows(cfg, spec->id)) {
        set_err(err, xasprintf("container %s already exists (rt_remove it first)", spec->id));
        return EN_EXISTS;
    }
    /* Whatever an earlier container left in dir goes (a crash between
     * mount and remove leaves a mounted rootfs). */
    rc = cleanup_dir(spec->dir, err);
    if (rc != 0)
        return rc;
    if (fs_mkdir_p(cfg->runc_root, 0700) != 0) {
        set_err(err, xasprintf("creating %s: %s", cfg->runc_root, strerror(errno)));
        return EN_IO;
    }
    rc = make_bundle(cfg, spec, &msg);
    if (rc == 0)
        rc = run_shim(cfg, spec, &msg);
    if (rc != 0) {
        /* Nothing left behind: runc state, cgroup, mount, directory. */
        rt_remove(cfg, spec->id, spec->dir);
        log_warn("runtime", "container %s did not start: %s", spec->id, msg ? msg : "");
        set_err(err, msg);
        msg = NULL;
    }
    free(msg);
    return rc;
}

/* Fill out from DIR/exit.json; 0 when there is one. */
static int read_exit(const char *dir, rt_status *out)
{
    char *path = rt__path(dir, RT_F_EXIT);
    char *text = NULL;
    json_t *j;
    int rc = rt__read_file(path, 4096, &text, NULL);

    free(path);
    if (rc != 0)
        return rc;
    j = json_loads(text, 0, NULL);
    free(text);
    if (!json_is_integer(json_object_get(j, "exit_code"))) {
        json_decref(j);
        return EN_INVALID;
    }
    out->state = RT_STATE_EXITED;
    out->pid = 0;
    out->exit_code = (int)json_integer_value(json_object_get(j, "exit_code"));
    out->oom_killed = json_is_true(json_object_get(j, "oom_killed"));
    out->started_at_ns = json_integer_value(json_object_get(j, "started_at_ns"));
    out->finished_at_ns = json_integer_value(json_object_get(j, "finished_at_ns"));
    json_decref(j);
    return 0;
}

/* The shim of DIR is still alive. */
static bool shim_alive(const char *dir)
{
    char *path = rt__path(dir, RT_F_SHIM_PID);
    int pid = 0;
    int64_t start = 0;
    bool alive = rt__read_pid_file(path, &pid, &start) == 0 && rt__pid_alive(pid, start);

    free(path);
    return alive;
}

int rt_inspect(const rt_config *cfg, const char *id, const char *dir, rt_status *out)
{
    char *path, *text = NULL;
    json_t *j;
    int pid;
    int64_t pid_start;

    memset(out, 0, sizeof *out);
    out->state = RT_STATE_UNKNOWN;
    if (!rt__id_is_valid(id) || !rt__dir_is_valid(dir))
        return EN_INVALID;
    if (read_exit(dir, out) == 0)
        return 0;
    path = rt__path(dir, RT_F_STATE);
    if (rt__read_file(path, 4096, &text, NULL) != 0) {
        /* Not started yet (rt_start running), or nothing here at all. */
        char *config = rt__path(dir, RT_F_CONFIG);
        if (access(config, F_OK) == 0 && shim_alive(dir))
            out->state = RT_STATE_CREATED;
        free(config);
        free(path);
        return 0;
    }
    free(path);
    j = json_loads(text, 0, NULL);
    free(text);
    pid = (int)json_integer_value(json_object_get(j, "pid"));
    pid_start = json_integer_value(json_object_get(j, "pid_start"));
    out->started_at_ns = json_integer_value(json_object_get(j, "started_at_ns"));
    json_decref(j);
    if (rt__pid_alive(pid, pid_start)) {
        out->state = RT_STATE_RUNNING;
        out->pid = pid;
        return 0;
    }
    /* init is gone: the shim writes the exit record once the output is
     * drained (bounded by its SHIM_DRAIN_MS); wait for it a little. */
    for (int i = 0; i < 150 && shim_alive(dir); i++) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
        if (read_exit(dir, out) == 0)
            return 0;
    }
    if (read_exit(dir, out) == 0)
        return 0;
    if (shim_alive(dir)) {
        /* Still draining: report what we know, the caller polls again. */
        out->state = RT_STATE_RUNNING;
        out->pid = 0;
        return 0;
    }
    /* The shim died (killed) before recording the exit: the status is
     * lost.  Record that once, so every later call says the same. */
    {
        char *rec = xasprintf("{\"exit_code\":255,\"oom_killed\":false,\"started_at_ns\":%lld,"
                              "\"finished_at_ns\":%lld,\"lost\":true}",
                              (long long)out->started_at_ns, (long long)rt__now_ns());
        char *exit_path = rt__path(dir, RT_F_EXIT);
        log_warn("runtime", "container %s: its shim died before recording the exit status", id);
        rt__write_file(exit_path, rec, strlen(rec));
        free(exit_path);
        free(rec);
    }
    if (read_exit(dir, out) != 0) {
        out->state = RT_STATE_EXITED;
        out->exit_code = 255;
    }
    (void)cfg;
    return 0;
}

int rt_kill(const rt_config *cfg, const char *id, int sig)
{
    char sigbuf[16];
    const char *args[] = {"kill", id, sigbuf, NULL};
    char *out = NULL;
    char *status;
    int code = 1;
    int rc;

    if (!cfg_is_valid(cfg) || !rt__id_is_valid(id) || sig <= 0 || sig >= 65)
        return EN_INVALID;
    if (!runc_knows(cfg, id))
        return EN_NOTFOUND;
    snprintf(sigbuf, sizeof sigbuf, "%d", sig);
    rc = runc_call(cfg, args, &code, &out, NULL);
    if (rc == 0 && code == 0) {
        free(out);
        return 0;
    }
    status = runc_status(cfg, id);
    if (!status || !strcmp(status, "stopped")) {
        rc = EN_NOTFOUND;
    } else {
        log_warn("runtime", "runc kill %s %d: %s", id, sig, out ? trim(out) : "timed out");
        rc = EN_IO;
    }
    free(status);
    free(out);
    return rc;
}

/* Wait for the shim of dir to exit, killing it when it takes too long. */
static void wait_shim(const char *dir)
{
    char *path = rt__path(dir, RT_F_SHIM_PID);
    int pid = 0;
    int64_t start = 0;

    if (rt__read_pid_file(path, &pid, &start) == 0) {
        for (int i = 0; i < RT_SHIM_EXIT_MS / 10 && rt__pid_alive(pid, start); i++) {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        if (rt__pid_alive(pid, start)) {
            log_warn("runtime", "shim %d of %s did not exit: killing it", pid, dir);
            kill(pid, SIGKILL);
            for (int i = 0; i < 100 && rt__pid_alive(pid, start); i++) {
                struct timespec ts = {0, 10 * 1000 * 1000};
                nanosleep(&ts, NULL);
            }
        }
    }
    free(path);
}

int rt_remove(const rt_config *cfg, const char *id, const char *dir)
{
    const char *del[] = {"delete", "--force", id, NULL};
    char *out = NULL;
    char *msg = NULL;
    char *parent, *cg;
    int code = 1;
    int rc = 0;

    if (!cfg_is_valid(cfg) || !rt__id_is_valid(id) || !rt__dir_is_valid(dir))
        return EN_INVALID;
    for (int attempt = 0; attempt < 3 && runc_knows(cfg, id); attempt++) {
        free(out);
        out = NULL;
        if (runc_call(cfg, del, &code, &out, NULL) == 0 && code == 0)
            break;
    }
    if (runc_knows(cfg, id)) {
        log_warn("runtime", "runc delete %s: %s", id, out ? trim(out) : "timed out");
        rc = EN_IO;
    }
    free(out);
    wait_shim(dir);
    if (cleanup_dir(dir, &msg) != 0) {
        log_warn("runtime", "removing container %s: %s", id, msg);
        rc = EN_IO;
    }
    free(msg);
    /* runc removes the cgroup; this catches a container runc lost track
     * of (a crash between its cgroup creation and its state). */
    parent = rt__cgroup_parent(cfg);
    cg = xasprintf("%s/%s", strcmp(parent, "/") ? parent : "", id);
    if (rt__cgroup_rmdir(cg) != 0) {
        log_warn("runtime", "removing container %s: cgroup %s remains", id, cg);
        rc = EN_IO;
    }
    free(cg);
    free(parent);
    return rc;
}

int rt_exec(const rt_config *cfg, const char *id, const char *const *argv, int timeout_ms,
            int *exit_code, char **output)
{
    char *pidfile = NULL;
    const char **args = NULL;
    char *out = NULL;
    char *status;
    size_t n = 0;
    int code = -1;
    int rc;

    if (exit_code)
        *exit_code = -1;
    if (output)
        *output = NULL;
    if (!cfg_is_valid(cfg) || !rt__id_is_valid(id) || !argv || !argv[0] || timeout_ms <= 0)
        return EN_INVALID;
    if (!runc_knows(cfg, id))
        return EN_NOTFOUND;
    while (argv[n])
        n++;
    /* A dot file in runc's root: runc and rt_list only look at
     * directories there. */
    {
        char rnd[9];
        uid_random_suffix(rnd, 8);
        pidfile = xasprintf("%s/.exec-%s-%s.pid", cfg->runc_root, id, rnd);
    }
    args = xcalloc(n + 8, sizeof *args);
    args[0] = runc_bin(cfg);
    args[1] = "--root";
    args[2] = cfg->runc_root;
    args[3] = "exec";
    args[4] = "--pid-file";
    args[5] = pidfile;
    args[6] = id;
    for (size_t i = 0; i < n; i++)
        args[7 + i] = argv[i];
    rc = rt__run(args, timeout_ms, pidfile, 4096, &out, &code, NULL);
    if (rc == EN_TIMEOUT) {
        code = -1;
        rc = 0;
    } else if (rc == 0 && access(pidfile, F_OK) != 0) {
        /* The process never started: the container is not running, or
         * runc could not exec argv (its message is in the output). */
        status = runc_status(cfg, id);
        rc = !status || strcmp(status, "running") ? EN_NOTFOUND : EN_IO;
        free(status);
    }
    if (exit_code)
        *exit_code = code;
    if (output && out) {
        *output = out;
        out = NULL;
    }
    unlink(pidfile);
    free(out);
    free(args);
    free(pidfile);
    return rc;
}

int rt_list(const rt_config *cfg, char ***ids_out)
{
    DIR *d;
    struct dirent *e;
    char **ids = xcalloc(1, sizeof *ids);
    size_t n = 0;

    *ids_out = NULL;
    if (!cfg_is_valid(cfg)) {
        free(ids);
        return EN_INVALID;
    }
    d = opendir(cfg->runc_root);
    if (!d) {
        if (errno != ENOENT) {
            free(ids);
            return EN_IO;
        }
        *ids_out = ids;
        return 0;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !rt__id_is_valid(e->d_name) || !runc_knows(cfg, e->d_name))
            continue;
        ids = xrealloc(ids, (n + 2) * sizeof *ids);
        ids[n++] = xstrdup(e->d_name);
        ids[n] = NULL;
    }
    closedir(d);
    *ids_out = ids;
    return 0;
}

int rt_cleanup(const rt_config *cfg)
{
    char *parent;
    int rc = 0;

    if (!cfg_is_valid(cfg))
        return EN_INVALID;
    /* Ours first, then its ancestors while they are empty (other agents
     * may share "/everynode"). */
    parent = rt__cgroup_parent(cfg);
    if (strcmp(parent, "/") != 0 && rt__cgroup_rmdir(parent) != 0)
        rc = EN_BUSY;
    for (char *slash = strrchr(parent, '/'); rc == 0 && slash && slash != parent;
         slash = strrchr(parent, '/')) {
        *slash = '\0';
        if (rt__cgroup_rmdir(parent) != 0)
            break;
    }
    free(parent);
    if (rmdir(cfg->runc_root) != 0 && errno != ENOENT)
        rc = EN_BUSY;
    return rc;
}
