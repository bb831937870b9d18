/*
 * log.c -- structured log lines on stderr.
 *
 * Format: `ts=2026-11-22T09:00:00.123456Z level=info comp=api msg="..."`,
 * one write(2) per line so lines from threads never interleave.  The level
 * threshold is the only file-static state: it is set once at start-up from
 * the command line and read everywhere, which is what a logger is for.
 */
#include "core.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/* Minimum level printed; set by log_set_level() at start-up. */
static enum log_level log_threshold = LOG_INFO;

void log_set_level(enum log_level lvl)
{
    log_threshold = lvl;
}

void log_msg(enum log_level lvl, const char *comp, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    char line[2048], ts[40], msg[1536];
    struct timeval tv;
    va_list ap;
    size_t i, o = 0;
    int n;

    if (lvl < log_threshold)
        return;
    gettimeofday(&tv, NULL);
    time_format_rfc3339_micro((int64_t)tv.tv_sec * 1000000 + tv.tv_usec, ts, sizeof ts);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    n = snprintf(line, sizeof line, "ts=%s level=%s comp=%s msg=\"", ts, names[lvl], comp);
    if (n < 0)
        return;
    o = (size_t)n;
    /* Escape quotes and newlines so each record stays one parsable line. */
    for (i = 0; msg[i] && o + 4 < sizeof line; i++) {
        char c = msg[i];
        if (c == '"' || c == '\\') {
            line[o++] = '\\';
            line[o++] = c;
        } else if (c == '\n') {
            line[o++] = '\\';
            line[o++] = 'n';
        } else {
            line[o++] = c;
        }
    }
    line[o++] = '"';
    line[o++] = '\n';
    if (write(STDERR_FILENO, line, o) < 0)
        return;
}
