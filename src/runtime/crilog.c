/*
 * crilog.c -- writes a container's output in the CRI log format kubelet
 * uses, for the shim (shim.c) and for whoever serves `kubectl logs`.
 *
 * One record per line of output:
 *     2026-11-22T10:00:00.123456789Z stdout F the line\n
 * A line longer than RT_LOG_LINE_MAX bytes is cut into P ("partial")
 * records of that size, its last piece F (as containerd does); output left without a newline
 * when the stream ends is written as F.  Before a record would take the file
 * past max_bytes the file is renamed to "<path>.1" (replacing the older
 * one) and a new one begins, so a file never holds more than max_bytes
 * unless a single record is larger.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "runtime/runtime_int.h"

void rt__format_ts(int64_t unix_ns, char *buf, size_t len)
{
    time_t sec = (time_t)(unix_ns / 1000000000);
    long ns = (long)(unix_ns % 1000000000);
    struct tm tm;
    char base[32];

    gmtime_r(&sec, &tm);
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%09ldZ", base, ns);
}

static int open_log(rt__crilog *log)
{
    struct stat st;

    log->fd = open(log->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (log->fd < 0)
        return EN_IO;
    log->size = fstat(log->fd, &st) == 0 ? (int64_t)st.st_size : 0;
    return 0;
}

int rt__crilog_open(rt__crilog *log, const char *path, int64_t max_bytes, char **err)
{
    char *dir;
    char *slash;

    memset(log, 0, sizeof *log);
    log->fd = -1;
    log->max_bytes = max_bytes > 0 ? max_bytes : RT_DEFAULT_LOG_MAX;
    if (!path)
        return 0;
    log->path = xstrdup(path);
    dir = xstrdup(path);
    slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        fs_mkdir_p(dir, 0755);
    }
    free(dir);
    if (open_log(log) != 0) {
        if (err)
            *err = xasprintf("log file %s: %s", path, strerror(errno));
        free(log->path);
        log->path = NULL;
        return EN_IO;
    }
    return 0;
}

void rt__crilog_close(rt__crilog *log)
{
    if (!log)
        return;
    if (log->fd >= 0)
        close(log->fd);
    log->fd = -1;
    free(log->path);
    log->path = NULL;
}

static void rotate(rt__crilog *log)
{
    char *old = xasprintf("%s.1", log->path);

    close(log->fd);
    log->fd = -1;
    if (rename(log->path, old) != 0)
        fprintf(stderr, "everynode shim: rotating %s: %s\n", log->path, strerror(errno));
    free(old);
    if (open_log(log) != 0)
        fprintf(stderr, "everynode shim: reopening %s: %s\n", log->path, strerror(errno));
}

void rt__crilog_record(rt__crilog *log, const char *stream, char tag, const char *data, size_t n)
{
    char head[64];
    int hn;
    struct iovec iov[3];
    size_t total;
    int cnt = 0;

    if (!log->path)
        return;
    if (log->fd < 0 && open_log(log) != 0)
        return;
    rt__format_ts(rt__now_ns(), head, sizeof head);
    hn = (int)strlen(head);
    hn += snprintf(head + hn, sizeof head - (size_t)hn, " %s %c ", stream, tag);
    total = (size_t)hn + n + 1;
    if (log->size > 0 && log->size + (int64_t)total > log->max_bytes) {
        rotate(log);
        if (log->fd < 0)
            return;
    }
    iov[0] = (struct iovec){.iov_base = head, .iov_len = (size_t)hn};
    iov[1] = (struct iovec){.iov_base = (void *)data, .iov_len = n};
    iov[2] = (struct iovec){.iov_base = "\n", .iov_len = 1};
    /* One writev per record (O_APPEND): readers never see half a line
     * unless the disk fills up in the middle. */
    while (cnt < 3) {
        ssize_t w = writev(log->fd, iov + cnt, 3 - cnt);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            fprintf(stderr, "everynode shim: writing %s: %s\n", log->path, strerror(errno));
            return;
        }
        log->size += w;
        while (cnt < 3 && (size_t)w >= iov[cnt].iov_len)
            w -= (ssize_t)iov[cnt++].iov_len;
        if (cnt < 3) {
            iov[cnt].iov_base = (char *)iov[cnt].iov_base + w;
            iov[cnt].iov_len -= (size_t)w;
        }
    }
}

void rt__crilog_feed(rt__crilog *log, rt__linebuf *lb, const char *data, size_t n)
{
    while (n > 0) {
        const char *nl = memchr(data, '\n', n);
        size_t take = nl ? (size_t)(nl - data) : n;
        size_t room = RT_LOG_LINE_MAX - lb->len;

        if (take > room) {
            /* The line is longer than the limit: one P record of exactly
             * RT_LOG_LINE_MAX bytes, the rest goes on. */
            if (lb->len == 0) {
                rt__crilog_record(log, lb->stream, 'P', data, RT_LOG_LINE_MAX);
            } else {
                memcpy(lb->buf + lb->len, data, room);
                rt__crilog_record(log, lb->stream, 'P', lb->buf, RT_LOG_LINE_MAX);
                lb->len = 0;
            }
            data += room;
            n -= room;
            continue;
        }
        if (nl) {
            if (lb->len == 0) {
                rt__crilog_record(log, lb->stream, 'F', data, take);
            } else {
                memcpy(lb->buf + lb->len, data, take);
                rt__crilog_record(log, lb->stream, 'F', lb->buf, lb->len + take);
                lb->len = 0;
            }
            data += take + 1;
            n -= take + 1;
            continue;
        }
        if (!lb->buf)
            lb->buf = xmalloc(RT_LOG_LINE_MAX);
        memcpy(lb->buf + lb->len, data, take);
        lb->len += take;
        return;
    }
}

void rt__crilog_flush(rt__crilog *log, rt__linebuf *lb)
{
    if (lb->len > 0)
        rt__crilog_record(log, lb->stream, 'F', lb->buf, lb->len);
    lb->len = 0;
    free(lb->buf);
    lb->buf = NULL;
}
