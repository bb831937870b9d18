/*
 * shim.c -- `everynode shim`, the supervisor of one container (see
 * runtime.h for its place in the design).
 *
 * rt_start runs it in a new session with stdin/stdout on /dev/null, stderr
 * on DIR/shim.log and fd 3 the write end of a pipe rt_start reads.  It
 * forks once more at once (its parent exits, so the shim is nobody's child
 * that must be reaped and survives the agent), then, as a child subreaper:
 *   1. opens the CRI log file;
 *   2. runs `runc create` with two pipes as the container's stdout and
 *      stderr (runc hands its own stdio to the container) and `runc start`;
 *      the container's init, orphaned by runc, becomes the shim's child;
 *   3. writes DIR/state.json and reports "ok\n" on fd 3 (or "err MSG\n",
 *      with runc's own message from its JSON --log, and exits);
 *   4. copies both pipes into the log until init exits and the pipes reach
 *      end of file (bounded: a process that escaped and holds a pipe does
 *      not keep the shim alive);
 *   5. reads the OOM-kill counter of the container's memory cgroup (kept
 *      open since step 2, so that it can be read even if the cgroup is gone)
 *      and writes DIR/exit.json; then exits.
 * Everything it knows is in DIR, so rt_inspect works from any process.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/core.h"
#include "runtime/runtime_int.h"

/* How long runc may take to create and to start a container. */
#define SHIM_RUNC_TIMEOUT_MS 60000
/* How long output may still arrive after init exited. */
#define SHIM_DRAIN_MS 2000

/* Command-line options (borrowed from argv). */
typedef struct shim_opts {
    const char *id;       /* runc container id */
    const char *dir;      /* the container's directory (the bundle) */
    const char *runc;     /* runc binary */
    const char *root;     /* runc --root */
    const char *log_path; /* CRI log file; NULL = output discarded */
    int64_t log_max;      /* rotation size */
} shim_opts;

/* The shim's state while it runs. */
typedef struct shim {
    const shim_opts *o;
    int ready_fd;       /* write end of rt_start's pipe; -1 once reported */
    char *runc_log;     /* DIR/runc.log (owned) */
    int out_r, err_r;   /* read ends of the container's stdout/stderr; -1 at EOF */
    int sfd;            /* signalfd for SIGCHLD */
    int init_pid;       /* the container's init (host pid) */
    int64_t init_start; /* its start time (/proc/PID/stat) */
    int oom_fd;         /* the cgroup's OOM counter file, or -1 */
    int64_t oom_before; /* counter value when the container was created */
    rt__crilog log;
    rt__linebuf lb_out, lb_err;
    int64_t started_at_ns;
    bool exited;       /* init has exited */
    int exit_code;     /* its exit status or 128+signal, when exited */
    int64_t finished_at_ns;
} shim;

/* Tell rt_start how the start went: "ok" or "err MESSAGE" (one line). */
static void report(shim *s, const char *msg)
{
    sbuf sb;

    if (s->ready_fd < 0)
        return;
    sbuf_init(&sb);
    if (!msg) {
        sbuf_puts(&sb, "ok\n");
    } else {
        sbuf_puts(&sb, "err ");
        for (const char *p = msg; *p && sb.len < 4000; p++)
            sbuf_append(&sb, *p == '\n' ? " " : p, 1);
        sbuf_puts(&sb, "\n");
        fprintf(stderr, "everynode shim %s: %s\n", s->o->id, msg);
    }
    /* A pipe write below PIPE_BUF is atomic; a failure means rt_start
     * gave up already, nothing more to do. */
    if (write(s->ready_fd, sb.buf, sb.len) < 0)
        fprintf(stderr, "everynode shim %s: report: %s\n", s->o->id, strerror(errno));
    sbuf_release(&sb);
    close(s->ready_fd);
    s->ready_fd = -1;
}

/* runc's last error message in its JSON log, or a fallback; new string. */
static char *runc_error(shim *s, const char *what, int code, const char *output)
{
    char *text = NULL;
    char *msg = NULL;

    if (rt__read_file(s->runc_log, 1 << 20, &text, NULL) == 0) {
        for (char *line = text, *next; line && *line; line = next) {
            json_t *j;
            next = strchr(line, '\n');
            if (next)
                *next++ = '\0';
            j = json_loads(line, 0, NULL);
            if (j && json_is_string(json_object_get(j, "msg")) &&
                json_is_string(json_object_get(j, "level")) &&
                !strcmp(json_string_value(json_object_get(j, "level")), "error")) {
                free(msg);
                msg = xstrdup(json_string_value(json_object_get(j, "msg")));
            }
            json_decref(j);
        }
    }
    free(text);
    if (!msg && output && output[0]) {
        size_t n = strlen(output);
        while (n > 0 && (output[n - 1] == '\n' || output[n - 1] == ' '))
            n--;
        msg = xasprintf("%s: %.*s", what, (int)n, output);
    }
    if (!msg)
        msg = xasprintf("%s exited with status %d", what, code);
    return msg;
}

static int64_t read_oom(int fd)
{
    char buf[1024];
    ssize_t n;

    if (fd < 0)
        return -1;
    n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    return rt__parse_oom_kill(buf);
}

/* runc create + start.  0, or an error already reported. */
static int start_container(shim *s)
{
    const shim_opts *o = s->o;
    char *pidfile = rt__path(o->dir, RT_F_INIT_PID);
    char *oomfile = NULL;
    char *err = NULL;
    char *output = NULL;
    int out[2] = {-1, -1}, errp[2] = {-1, -1};
    pid_t pid;
    int status = 0, code = 0;
    int rc = EN_IO;
    const char *create[] = {o->runc, "--root", o->root, "--log", s->runc_log, "--log-format",
                            "json", "create", "--bundle", o->dir, "--pid-file", pidfile, o->id,
                            NULL};
    const char *start[] = {o->runc, "--root", o->root, "--log", s->runc_log, "--log-format",
                           "json", "start", o->id, NULL};

    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
        err = xasprintf("pipe: %s", strerror(errno));
        goto out_report;
    }
    if (rt__spawn(create, -1, out[1], errp[1], -1, false, &pid, &err) != 0)
        goto out_report;
    /* Only the container may hold the write ends: end of file on them
     * then means its processes are gone. */
    close(out[1]);
    close(errp[1]);
    out[1] = errp[1] = -1;
    if (rt__wait(pid, SHIM_RUNC_TIMEOUT_MS, &status) == EN_TIMEOUT) {
        err = xstrdup("runc create timed out");
        goto out_report;
    }
    if (rt__exit_code(status) != 0) {
        err = runc_error(s, "runc create", rt__exit_code(status), NULL);
        goto out_report;
    }
    if (rt__read_pid_file(pidfile, &s->init_pid, NULL) != 0 ||
        rt__proc_stat(s->init_pid, &s->init_start, NULL) != 0) {
        err = xasprintf("runc create wrote no usable pid file %s", pidfile);
        goto out_report;
    }
    oomfile = rt__oom_file_for_pid(s->init_pid);
    if (oomfile) {
        s->oom_fd = open(oomfile, O_RDONLY | O_CLOEXEC);
        s->oom_before = read_oom(s->oom_fd);
    }
    if (s->oom_fd < 0)
        fprintf(stderr, "everynode shim %s: no OOM counter for pid %d (%s): OOM kills will not be "
                        "reported\n",
                o->id, s->init_pid, oomfile ? oomfile : "no memory cgroup");
    rc = rt__run(start, SHIM_RUNC_TIMEOUT_MS, NULL, 4096, &output, &code, &err);
    if (rc == 0 && code != 0) {
        err = runc_error(s, "runc start", code, output);
        rc = EN_IO;
    }
    if (rc != 0)
        goto out_report;
    s->started_at_ns = rt__now_ns();
    {
        json_t *st = json_object();
        char *text, *path = rt__path(o->dir, RT_F_STATE);
        json_object_set_new(st, "pid", json_integer(s->init_pid));
        json_object_set_new(st, "pid_start", json_integer(s->init_start));
        json_object_set_new(st, "started_at_ns", json_integer(s->started_at_ns));
        text = json_dumps(st, JSON_COMPACT);
        if (rt__write_file(path, text, strlen(text)) != 0) {
            err = xasprintf("writing %s: %s", path, strerror(errno));
            rc = EN_IO;
        }
        free(text);
        free(path);
        json_decref(st);
    }
out_report:
    if (rc == 0) {
        s->out_r = out[0];
        s->err_r = errp[0];
        out[0] = errp[0] = -1;
    }
    report(s, rc == 0 ? NULL : err ? err : "could not start the container");
    for (int i = 0; i < 2; i++) {
        if (out[i] >= 0)
            close(out[i]);
        if (errp[i] >= 0)
            close(errp[i]);
    }
    free(output);
    free(err);
    free(oomfile);
    free(pidfile);
    return rc;
}

static void note_exit(shim *s, int status)
{
    s->exited = true;
    s->exit_code = rt__exit_code(status);
    s->finished_at_ns = rt__now_ns();
}

/* Reap every exited child; note init's status. */
static void reap(shim *s)
{
    int st = 0;
    pid_t p;

    for (;;) {
        p = waitpid(-1, &st, WNOHANG);
        if (p < 0 && errno == EINTR)
            continue;
        if (p <= 0)
            break;
        if (p == s->init_pid && !s->exited)
            note_exit(s, st);
    }
    if (s->exited || rt__pid_alive(s->init_pid, s->init_start))
        return;
    /* init looks gone but was not reaped above: it may have died just
     * now (reap it here, keeping its status), or not be our child at all
     * (it should be: we are its subreaper), and then its status is lost. */
    p = waitpid(s->init_pid, &st, WNOHANG);
    if (p == s->init_pid) {
        note_exit(s, st);
    } else if (p < 0 && errno == ECHILD) {
        fprintf(stderr, "everynode shim %s: init %d vanished without being reaped\n", s->o->id,
                s->init_pid);
        note_exit(s, 255 << 8);
    }
}

/* Copy output to the log until init exited and the pipes are at EOF. */
static void supervise(shim *s)
{
    char buf[65536];
    int64_t drain_until = 0;

    for (;;) {
        struct pollfd pf[3] = {{.fd = s->out_r, .events = POLLIN},
                               {.fd = s->err_r, .events = POLLIN},
                               {.fd = s->sfd, .events = POLLIN}};
        int timeout = 1000;
        int n;

        if (s->exited) {
            int64_t left = drain_until - time_mono_ms();
            if ((s->out_r < 0 && s->err_r < 0) || left <= 0)
                break;
            timeout = left < 1000 ? (int)left : 1000;
        }
        n = poll(pf, 3, timeout);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "everynode shim %s: poll: %s\n", s->o->id, strerror(errno));
            break;
        }
        for (int i = 0; i < 2 && n > 0; i++) {
            int *fd = i == 0 ? &s->out_r : &s->err_r;
            ssize_t r;
            if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            r = read(*fd, buf, sizeof buf);
            if (r < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (r <= 0) {
                close(*fd);
                *fd = -1;
                continue;
            }
            rt__crilog_feed(&s->log, i == 0 ? &s->lb_out : &s->lb_err, buf, (size_t)r);
        }
        if (n > 0 && (pf[2].revents & POLLIN)) {
            struct signalfd_siginfo si;
            while (read(s->sfd, &si, sizeof si) == (ssize_t)sizeof si)
                ;
        }
        if (!s->exited) {
            reap(s);
            if (s->exited)
                drain_until = time_mono_ms() + SHIM_DRAIN_MS;
        }
    }
    rt__crilog_flush(&s->log, &s->lb_out);
    rt__crilog_flush(&s->log, &s->lb_err);
}

static void write_exit(shim *s)
{
    int64_t oom_after = read_oom(s->oom_fd);
    bool oom = oom_after > 0 && oom_after > s->oom_before;
    json_t *ex = json_object();
    char *text, *path = rt__path(s->o->dir, RT_F_EXIT);

    json_object_set_new(ex, "exit_code", json_integer(s->exit_code));
    json_object_set_new(ex, "oom_killed", json_boolean(oom));
    json_object_set_new(ex, "started_at_ns", json_integer(s->started_at_ns));
    json_object_set_new(ex, "finished_at_ns", json_integer(s->finished_at_ns));
    text = json_dumps(ex, JSON_COMPACT);
    if (rt__write_file(path, text, strlen(text)) != 0)
        fprintf(stderr, "everynode shim %s: writing %s: %s\n", s->o->id, path, strerror(errno));
    free(text);
    free(path);
    json_decref(ex);
}

static int parse_opts(int argc, char **argv, shim_opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fprintf(stderr, "everynode shim: %s needs a value\n", a);
            return EN_INVALID;
        }
        if (!strcmp(a, "--id"))
            o->id = v;
        else if (!strcmp(a, "--dir"))
            o->dir = v;
        else if (!strcmp(a, "--runc"))
            o->runc = v;
        else if (!strcmp(a, "--root"))
            o->root = v;
        else if (!strcmp(a, "--log"))
            o->log_path = v;
        else if (!strcmp(a, "--log-max"))
            o->log_max = strtoll(v, NULL, 10);
        else {
            fprintf(stderr, "everynode shim: unknown option %s\n", a);
            return EN_INVALID;
        }
        i++;
    }
    if (!rt__id_is_valid(o->id) || !o->dir || !o->runc || !o->root) {
        fprintf(stderr, "everynode shim: is started by the agent only (usage: everynode shim --id "
                        "ID --dir DIR --runc RUNC --root ROOT [--log FILE --log-max BYTES])\n");
        return EN_INVALID;
    }
    return 0;
}

int rt_shim_main(int argc, char **argv)
{
    shim_opts o;
    shim s;
    sigset_t chld;
    char *err = NULL;
    pid_t child;
    int rc = 1;

    if (parse_opts(argc, argv, &o) != 0)
        return 2;
    memset(&s, 0, sizeof s);
    s.o = &o;
    s.ready_fd = fcntl(RT_SHIM_READY_FD, F_GETFD) >= 0 ? RT_SHIM_READY_FD : -1;
    s.out_r = s.err_r = s.sfd = s.oom_fd = -1;
    s.lb_out.stream = "stdout";
    s.lb_err.stream = "stderr";
    s.log.fd = -1;
    if (s.ready_fd >= 0)
        fcntl(s.ready_fd, F_SETFD, FD_CLOEXEC);

    /* Detach: the parent exits now, so the process that started us only
     * waits for that, and the shim lives on as an orphan. */
    child = fork();
    if (child < 0) {
        char *m = xasprintf("fork: %s", strerror(errno));
        report(&s, m);
        free(m);
        return 1;
    }
    if (child > 0)
        _exit(0);

    /* Pin no mount of the agent's working directory. */
    if (chdir("/") != 0)
        fprintf(stderr, "everynode shim %s: chdir /: %s\n", o.id, strerror(errno));
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    s.sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0 || s.sfd < 0) {
        char *m = xasprintf("subreaper/signalfd: %s", strerror(errno));
        report(&s, m);
        free(m);
        goto out_close;
    }
    {
        int64_t me_start = 0;
        char *path = rt__path(o.dir, RT_F_SHIM_PID);
        char *line;
        rt__proc_stat(getpid(), &me_start, NULL);
        line = xasprintf("%d %lld\n", (int)getpid(), (long long)me_start);
        if (rt__write_file(path, line, strlen(line)) != 0)
            fprintf(stderr, "everynode shim %s: writing %s: %s\n", o.id, path, strerror(errno));
        free(line);
        free(path);
    }
    s.runc_log = rt__path(o.dir, RT_F_RUNC_LOG);
    if (rt__crilog_open(&s.log, o.log_path, o.log_max, &err) != 0) {
        report(&s, err);
        goto out_close;
    }
    if (start_container(&s) != 0)
        goto out_close;
    supervise(&s);
    write_exit(&s);
    rc = 0;
out_close:
    report(&s, "the shim failed before starting the container");
    rt__crilog_flush(&s.log, &s.lb_out);
    rt__crilog_flush(&s.log, &s.lb_err);
    rt__crilog_close(&s.log);
    if (s.out_r >= 0)
        close(s.out_r);
    if (s.err_r >= 0)
        close(s.err_r);
    if (s.oom_fd >= 0)
        close(s.oom_fd);
    if (s.sfd >= 0)
        close(s.sfd);
    free(s.runc_log);
    free(err);
    return rc;
}
