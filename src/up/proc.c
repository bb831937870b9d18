/*
 * proc.c -- child processes for `everynode up` (see up.h): short commands
 * run to completion with their stderr captured (the `ip` calls), and the
 * long-running server and agents, started in a network namespace and
 * stopped with SIGTERM then SIGKILL.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "up/up.h"

/* Most of a failing command's stderr kept for its message. */
#define UP_MAX_STDERR 4096

static char *argv_text(const char *const *argv)
{
    sbuf sb;
    sbuf_init(&sb);
    for (size_t i = 0; argv[i]; i++)
        sbuf_printf(&sb, "%s%s", i ? " " : "", argv[i]);
    return sbuf_detach(&sb, NULL);
}

/* In a forked child: the signal state a fresh program expects. */
static void child_reset_signals(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}

static int wait_child(pid_t pid, int *status, int64_t deadline_ms)
{
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return 0;
        if (r < 0 && errno != EINTR)
            return -1;
        if (deadline_ms && time_mono_ms() >= deadline_ms)
            return EN_TIMEOUT;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

int up_run(const char *const *argv, int timeout_ms, char **err)
{
    int pipefd[2], status = 0, rc;
    int64_t deadline = time_mono_ms() + timeout_ms;
    sbuf out;
    pid_t pid;

    if (pipe2(pipefd, O_CLOEXEC)) {
        *err = xasprintf("%s: pipe: %s", argv[0], strerror(errno));
        return EN_IO;
    }
    pid = fork();
    if (pid < 0) {
        *err = xasprintf("%s: fork: %s", argv[0], strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        return EN_IO;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        child_reset_signals();
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(pipefd[1], 2);
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "cannot run: %s", strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    sbuf_init(&out);
    for (;;) {
        struct pollfd p = {.fd = pipefd[0], .events = POLLIN};
        int64_t left = deadline - time_mono_ms();
        char buf[512];
        ssize_t n;
        if (left <= 0)
            break;
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        n = read(pipefd[0], buf, sizeof buf);
        if (n <= 0)
            break;
        if (out.len < UP_MAX_STDERR)
            sbuf_append(&out, buf, (size_t)n);
    }
    close(pipefd[0]);
    rc = wait_child(pid, &status, deadline);
    if (rc == EN_TIMEOUT) {
        kill(pid, SIGKILL);
        wait_child(pid, &status, 0);
        char *cmd = argv_text(argv);
        *err = xasprintf("%s: killed after %d ms", cmd, timeout_ms);
        free(cmd);
        sbuf_release(&out);
        return EN_TIMEOUT;
    }
    if (rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        sbuf_release(&out);
        return 0;
    }
    {
        char *cmd = argv_text(argv);
        while (out.len && (out.buf[out.len - 1] == '\n' || out.buf[out.len - 1] == ' '))
            out.buf[--out.len] = '\0';
        if (out.len)
            *err = xasprintf("%s: %s", cmd, out.buf);
        else if (rc == 0 && WIFSIGNALED(status))
            *err = xasprintf("%s: killed by signal %d", cmd, WTERMSIG(status));
        else
            *err = xasprintf("%s: exit status %d", cmd,
                             rc == 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        free(cmd);
    }
    sbuf_release(&out);
    return EN_IO;
}

int up_spawn(const char *const *argv, const char *netns, const char *log_path, pid_t *pid,
             char **err)
{
    int nsfd = -1, logfd = -1, errpipe[2], child_errno = 0;
    pid_t parent = getpid(), p;
    ssize_t n;

    if (netns) {
        char *path = xasprintf("/run/netns/%s", netns);
        nsfd = open(path, O_RDONLY | O_CLOEXEC);
        if (nsfd < 0) {
            *err = xasprintf("network namespace %s: %s", path, strerror(errno));
            free(path);
            return EN_IO;
        }
        free(path);
    }
    if (log_path) {
        logfd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (logfd < 0) {
            *err = xasprintf("%s: %s", log_path, strerror(errno));
            if (nsfd >= 0)
                close(nsfd);
            return EN_IO;
        }
    }
    /* The child reports a failure before exec through this pipe; a
     * successful exec closes it (O_CLOEXEC) with nothing written. */
    if (pipe2(errpipe, O_CLOEXEC)) {
        *err = xasprintf("pipe: %s", strerror(errno));
        if (nsfd >= 0)
            close(nsfd);
        if (logfd >= 0)
            close(logfd);
        return EN_IO;
    }
    p = fork();
    if (p == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        int e;
        child_reset_signals();
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(1); /* the parent is already gone */
        if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET)) {
            e = errno;
            (void)!write(errpipe[1], &e, sizeof e);
            _exit(127);
        }
        dup2(devnull, 0);
        if (logfd >= 0) {
            dup2(logfd, 1);
            dup2(logfd, 2);
        }
        execvp(argv[0], (char *const *)argv);
        e = errno;
        (void)!write(errpipe[1], &e, sizeof e);
        _exit(127);
    }
    close(errpipe[1]);
    if (nsfd >= 0)
        close(nsfd);
    if (logfd >= 0)
        close(logfd);
    if (p < 0) {
        close(errpipe[0]);
        *err = xasprintf("fork: %s", strerror(errno));
        return EN_IO;
    }
    do {
        n = read(errpipe[0], &child_errno, sizeof child_errno);
    } while (n < 0 && errno == EINTR);
    close(errpipe[0]);
    if (n == sizeof child_errno) {
        int status;
        waitpid(p, &status, 0);
        *err = xasprintf("cannot start %s%s%s: %s", argv[0], netns ? " in " : "",
                         netns ? netns : "", strerror(child_errno));
        return EN_IO;
    }
    *pid = p;
    return 0;
}

int up_stop(pid_t pid, int grace_ms)
{
    int status = 0;

    if (pid <= 0)
        return -1;
    if (kill(pid, SIGTERM) && errno == ESRCH)
        return waitpid(pid, &status, WNOHANG) == pid ? status : -1;
    if (wait_child(pid, &status, time_mono_ms() + grace_ms) == 0)
        return status;
    kill(pid, SIGKILL);
    return wait_child(pid, &status, 0) == 0 ? status : -1;
}

bool up_have_command(const char *name)
{
    const char *path = getenv("PATH");
    char *copy, *save = NULL;
    bool found = false;

    if (strchr(name, '/'))
        return access(name, X_OK) == 0;
    copy = xstrdup(path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
        char *p = xasprintf("%s/%s", dir, name);
        struct stat st;
        found = stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
        free(p);
    }
    free(copy);
    return found;
}

/* ---- supervised children ---------------------------------------------------- */

/* Back-off of restarts: from 1 s, doubling, to 30 s; a run of a minute
 * resets it. */
#define UP_BACKOFF_MIN_MS 1000
#define UP_BACKOFF_MAX_MS 30000
#define UP_BACKOFF_RESET_MS 60000

void up_child_init(up_child *c, const char *name, const char *const *argv, const char *netns,
                   const char *log_path)
{
    size_t n = 0;
    while (argv[n])
        n++;
    c->name = xstrdup(name);
    c->argv = xcalloc(n + 1, sizeof *c->argv);
    for (size_t i = 0; i < n; i++)
        c->argv[i] = xstrdup(argv[i]);
    c->netns = netns ? xstrdup(netns) : NULL;
    c->log_path = xstrdup(log_path);
    c->pid = 0;
}

void up_child_release(up_child *c)
{
    if (!c)
        return;
    for (size_t i = 0; c->argv && c->argv[i]; i++)
        free(c->argv[i]);
    free(c->argv);
    free(c->name);
    free(c->netns);
    free(c->log_path);
    memset(c, 0, sizeof *c);
}

int up_child_start(up_child *c, char **err)
{
    int rc = up_spawn((const char *const *)c->argv, c->netns, c->log_path, &c->pid, err);
    c->started_ms = time_mono_ms();
    c->restart_at_ms = 0;
    if (rc)
        c->pid = 0;
    return rc;
}

static void schedule_restart(up_child *c)
{
    int64_t delay = UP_BACKOFF_MIN_MS;
    if (time_mono_ms() - c->started_ms >= UP_BACKOFF_RESET_MS)
        c->restarts = 0;
    for (int i = 0; i < c->restarts && delay < UP_BACKOFF_MAX_MS; i++)
        delay *= 2;
    if (delay > UP_BACKOFF_MAX_MS)
        delay = UP_BACKOFF_MAX_MS;
    c->restarts++;
    c->restart_at_ms = time_mono_ms() + delay;
}

bool up_child_reap(up_child *c)
{
    int status;

    if (c->pid <= 0 || waitpid(c->pid, &status, WNOHANG) != c->pid)
        return false;
    c->pid = 0;
    schedule_restart(c);
    if (WIFSIGNALED(status))
        log_warn("up", "%s was killed by signal %d; restarting it in %lld ms (see %s)", c->name,
                 WTERMSIG(status), (long long)(c->restart_at_ms - time_mono_ms()), c->log_path);
    else
        log_warn("up", "%s exited with status %d; restarting it in %lld ms (see %s)", c->name,
                 WEXITSTATUS(status), (long long)(c->restart_at_ms - time_mono_ms()),
                 c->log_path);
    return true;
}

bool up_child_tick(up_child *c)
{
    char *err = NULL;

    if (c->pid > 0 || !c->restart_at_ms || time_mono_ms() < c->restart_at_ms)
        return true;
    if (up_child_start(c, &err)) {
        log_error("up", "restarting %s: %s", c->name, err);
        free(err);
        schedule_restart(c);
        return false;
    }
    log_info("up", "restarted %s (pid %d)", c->name, (int)c->pid);
    return true;
}

void up_child_stop(up_child *c, int grace_ms)
{
    if (c->pid > 0)
        up_stop(c->pid, grace_ms);
    c->pid = 0;
    c->restart_at_ms = 0;
}
