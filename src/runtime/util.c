/*
 * util.c -- file and process helpers of the runtime module: atomic file
 * writes, rm -rf that stays on one file system, /proc checks that tell a
 * live process from a reused pid, and spawning children (posix_spawn, so
 * that the multi-threaded agent never runs code between fork and exec) with
 * bounded waits through pidfds.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "runtime/runtime_int.h"

extern char **environ;

char *rt__path(const char *dir, const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

int64_t rt__now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return EN_IO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int rt__write_file(const char *path, const void *data, size_t len)
{
    char *tmp = xasprintf("%s.tmp", path);
    int rc = EN_IO;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0)
        goto out_free_tmp;
    rc = write_all(fd, data, len);
    if (close(fd) != 0 && rc == 0)
        rc = EN_IO;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = EN_IO;
    if (rc != 0)
        unlink(tmp);
out_free_tmp:
    free(tmp);
    return rc;
}

int rt__read_file(const char *path, size_t max, char **out, size_t *len)
{
    sbuf sb;
    char chunk[4096];
    int rc = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *out = NULL;
    if (len)
        *len = 0;
    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR ? EN_NOTFOUND : EN_IO;
    sbuf_init(&sb);
    while (sb.len < max) {
        size_t want = max - sb.len < sizeof chunk ? max - sb.len : sizeof chunk;
        ssize_t n = read(fd, chunk, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = EN_IO;
            break;
        }
        if (n == 0)
            break;
        sbuf_append(&sb, chunk, (size_t)n);
    }
    close(fd);
    if (rc != 0) {
        sbuf_release(&sb);
        return rc;
    }
    *out = sbuf_detach(&sb, len);
    return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        return rmdir(path) != 0 && errno != ENOENT ? -1 : 0;
    return unlink(path) != 0 && errno != ENOENT ? -1 : 0;
}

int rt__rm_tree(const char *path)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : EN_IO;
    /* FTW_MOUNT: a mount left under the tree (a rootfs that would not
     * unmount) must make this fail, never be emptied through. */
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) == 0 ? 0 : EN_IO;
}

int rt__proc_stat(int pid, int64_t *start, char *state)
{
    char path[64];
    char *text = NULL;
    const char *p;
    int rc;

    if (pid <= 0)
        return EN_NOTFOUND;
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    rc = rt__read_file(path, 4096, &text, NULL);
    if (rc != 0)
        return rc == EN_NOTFOUND ? EN_NOTFOUND : rc;
    /* "pid (comm) S ppid ..." -- comm may hold spaces and parentheses, so
     * count fields from the last ')'. */
    p = strrchr(text, ')');
    rc = EN_IO;
    if (!p || p[1] != ' ')
        goto out_free_text;
    p += 2;
    if (state)
        *state = *p;
    /* The state is field 3; start time is field 22. */
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (!p)
            goto out_free_text;
        p++;
    }
    if (start)
        *start = strtoll(p, NULL, 10);
    rc = 0;
out_free_text:
    free(text);
    return rc;
}

bool rt__pid_alive(int pid, int64_t start)
{
    int64_t st = 0;
    char state = '?';

    if (rt__proc_stat(pid, &st, &state) != 0)
        return false;
    if (state == 'Z' || state == 'X')
        return false;
    return start == 0 || st == start;
}

int rt__read_pid_file(const char *path, int *pid, int64_t *start)
{
    char *text = NULL;
    char *end;
    long v;
    int rc = rt__read_file(path, 128, &text, NULL);

    if (rc != 0)
        return rc;
    errno = 0;
    v = strtol(text, &end, 10);
    if (errno != 0 || end == text || v <= 0 || v > 0x3fffffff) {
        free(text);
        return EN_INVALID;
    }
    *pid = (int)v;
    if (start)
        *start = *end == ' ' ? strtoll(end + 1, NULL, 10) : 0;
    free(text);
    return 0;
}

int rt__exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

int rt__spawn(const char *const *argv, int in_fd, int out_fd, int err_fd, int extra_fd,
              bool new_session, pid_t *pid, char **err)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, dfl;
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    int want[4] = {in_fd, out_fd, err_fd, extra_fd};
    int tmp[4] = {-1, -1, -1, -1};
    int rc = 0;

    /* Copies above the target numbers (and close-on-exec in the parent) so
     * that the child's dup2s cannot overwrite one another and a dup2 onto
     * the same number still clears close-on-exec. */
    for (int i = 0; i < 4; i++) {
        if (want[i] >= 0 && (tmp[i] = fcntl(want[i], F_DUPFD_CLOEXEC, 10)) < 0) {
            if (err)
                *err = xasprintf("cannot run %s: %s", argv[0], strerror(errno));
            rc = EN_IO;
            goto out_close_tmp;
        }
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    /* The child starts with no blocked signals and default dispositions:
     * the shim blocks SIGCHLD and ignores SIGPIPE, runc must not inherit
     * that. */
    sigemptyset(&none);
    sigfillset(&dfl);
    sigdelset(&dfl, SIGKILL);
    sigdelset(&dfl, SIGSTOP);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &dfl);
    if (new_session)
        flags |= POSIX_SPAWN_SETSID;
    posix_spawnattr_setflags(&attr, flags);
    for (int i = 0; i < 3; i++) {
        if (tmp[i] < 0)
            posix_spawn_file_actions_addopen(&fa, i, "/dev/null", i == 0 ? O_RDONLY : O_WRONLY, 0);
        else
            posix_spawn_file_actions_adddup2(&fa, tmp[i], i);
    }
    if (tmp[3] >= 0)
        posix_spawn_file_actions_adddup2(&fa, tmp[3], RT_SHIM_READY_FD);
    posix_spawn_file_actions_addclosefrom_np(&fa, tmp[3] >= 0 ? RT_SHIM_READY_FD + 1 : 3);
    rc = posix_spawnp(pid, argv[0], &fa, &attr, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        if (err)
            *err = xasprintf("cannot run %s: %s", argv[0], strerror(rc));
        rc = EN_IO;
    }
out_close_tmp:
    for (int i = 0; i < 4; i++)
        if (tmp[i] >= 0)
            close(tmp[i]);
    return rc;
}

static int pidfd_open_(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int rt__wait(pid_t pid, int timeout_ms, int *status)
{
    int st = 0;
    int rc = 0;
    int pfd = timeout_ms >= 0 ? pidfd_open_(pid) : -1;

    if (pfd >= 0) {
        struct pollfd p = {.fd = pfd, .events = POLLIN};
        int n;
        do
            n = poll(&p, 1, timeout_ms);
        while (n < 0 && errno == EINTR);
        close(pfd);
        if (n == 0) {
            kill(pid, SIGKILL);
            rc = EN_TIMEOUT;
        }
    }
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            st = 255 << 8;
            break;
        }
    }
    if (status)
        *status = st;
    return rc;
}

int rt__run(const char *const *argv, int timeout_ms, const char *kill_pidfile, size_t out_max,
            char **out, int *exit_code, char **err)
{
    int p[2] = {-1, -1};
    int pfd = -1;
    pid_t pid = -1;
    sbuf sb;
    int64_t deadline = time_mono_ms() + timeout_ms;
    bool timed_out = false;
    bool exited = false;
    int status = 0;
    int rc;

    sbuf_init(&sb);
    if (out)
        *out = NULL;
    if (pipe2(p, O_CLOEXEC) != 0) {
        if (err)
            *err = xasprintf("pipe: %s", strerror(errno));
        return EN_IO;
    }
    rc = rt__spawn(argv, -1, p[1], p[1], -1, false, &pid, err);
    close(p[1]);
    if (rc != 0)
        goto out_close_pipe;
    pfd = pidfd_open_(pid);
    /* Read until end of file; once the child exited, stop when the pipe
     * stays quiet (a grandchild may hold it open). */
    for (;;) {
        struct pollfd pf[2] = {{.fd = p[0], .events = POLLIN},
                               {.fd = exited ? -1 : pfd, .events = POLLIN}};
        int64_t left = deadline - time_mono_ms();
        char chunk[4096];
        ssize_t r;
        int n;

        if (left <= 0) {
            if (timed_out || !kill_pidfile) {
                timed_out = true;
                break;
            }
            /* First deadline: kill the process runc started, then give
             * runc a moment to report and exit. */
            timed_out = true;
            {
                int victim = 0;
                if (rt__read_pid_file(kill_pidfile, &victim, NULL) == 0)
                    kill(victim, SIGKILL);
            }
            deadline = time_mono_ms() + 2000;
            continue;
        }
        n = poll(pf, 2, exited && left > 200 ? 200 : (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 && exited)
            break;
        if (n <= 0)
            continue;
        if (pf[1].revents & POLLIN)
            exited = true;
        if (!(pf[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        r = read(p[0], chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (sb.len < out_max)
            sbuf_append(&sb, chunk, (size_t)r < out_max - sb.len ? (size_t)r : out_max - sb.len);
    }
    if (!timed_out) {
        int64_t left = deadline - time_mono_ms();
        if (rt__wait(pid, left > 0 ? (int)left : 0, &status) == EN_TIMEOUT)
            timed_out = true;
    } else {
        kill(pid, SIGKILL);
        rt__wait(pid, -1, &status);
    }
    if (timed_out) {
        rc = EN_TIMEOUT;
        if (err)
            *err = xasprintf("%s timed out after %d ms", argv[0], timeout_ms);
    }
    if (exit_code)
        *exit_code = rt__exit_code(status);
out_close_pipe:
    if (pfd >= 0)
        close(pfd);
    if (p[0] >= 0)
        close(p[0]);
    if (out && rc != EN_IO)
        *out = sbuf_detach(&sb, NULL);
    else
        sbuf_release(&sb);
    return rc;
}
