/*
 * time.c -- clocks, RFC 3339 formatting/parsing and kubectl-style ages.
 */
#include "core.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t time_now_unix(void)
{
    return (int64_t)time(NULL);
}

int64_t time_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t time_mono_ms(void)
{
    return time_mono_ns() / 1000000;
}

struct timespec time_deadline_in_ms(int64_t ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

void time_format_rfc3339(int64_t unix_sec, char *buf, size_t len)
{
    time_t t = (time_t)unix_sec;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_format_rfc3339_micro(int64_t unix_usec, char *buf, size_t len)
{
    time_t t = (time_t)(unix_usec / 1000000);
    struct tm tm;
    char base[32];
    gmtime_r(&t, &tm);
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%06dZ", base, (int)(unix_usec % 1000000));
}

static int parse_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)**p))
            return EN_INVALID;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    *out = v;
    return 0;
}

int time_parse_rfc3339(const char *s, int64_t *unix_sec)
{
    struct tm tm;
    int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
    const char *p = s;

    memset(&tm, 0, sizeof tm);
    if (parse_digits(&p, 4, &y) || *p++ != '-' || parse_digits(&p, 2, &mo) || *p++ != '-' ||
        parse_digits(&p, 2, &d) || (*p != 'T' && *p != 't'))
        return EN_INVALID;
    p++;
    if (parse_digits(&p, 2, &h) || *p++ != ':' || parse_digits(&p, 2, &mi) || *p++ != ':' ||
        parse_digits(&p, 2, &sec))
        return EN_INVALID;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return EN_INVALID;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '+' ? 1 : -1;
        p++;
        if (parse_digits(&p, 2, &oh) || *p++ != ':' || parse_digits(&p, 2, &om))
            return EN_INVALID;
    } else {
        return EN_INVALID;
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return EN_INVALID;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *unix_sec = (int64_t)timegm(&tm) - sign * (oh * 3600 + om * 60);
    return 0;
}

/* Mirrors the rounding of apimachinery's HumanDuration as kubectl shows it. */
void time_human_duration(int64_t s, char *buf, size_t len)
{
    if (s < 0)
        s = 0;
    if (s < 120) {
        snprintf(buf, len, "%llds", (long long)s);
        return;
    }
    int64_t m = s / 60;
    if (m < 10) {
        int64_t rs = s % 60;
        if (rs == 0)
            snprintf(buf, len, "%lldm", (long long)m);
        else
            snprintf(buf, len, "%lldm%llds", (long long)m, (long long)rs);
        return;
    }
    if (m < 60 * 3) {
        snprintf(buf, len, "%lldm", (long long)m);
        return;
    }
    int64_t h = s / 3600;
    if (h < 8) {
        int64_t rm = (s / 60) % 60;
        if (rm == 0)
            snprintf(buf, len, "%lldh", (long long)h);
        else
            snprintf(buf, len, "%lldh%lldm", (long long)h, (long long)rm);
        return;
    }
    if (h < 48) {
        snprintf(buf, len, "%lldh", (long long)h);
        return;
    }
    if (h < 24 * 8) {
        int64_t rh = h % 24;
        if (rh == 0)
            snprintf(buf, len, "%lldd", (long long)(h / 24));
        else
            snprintf(buf, len, "%lldd%lldh", (long long)(h / 24), (long long)rh);
        return;
    }
    if (h < 24 * 365 * 2) {
        snprintf(buf, len, "%lldd", (long long)(h / 24));
        return;
    }
    if (h < 24 * 365 * 8) {
        int64_t dy = (h / 24) % 365;
        if (dy == 0)
            snprintf(buf, len, "%lldy", (long long)(h / 24 / 365));
        else
            snprintf(buf, len, "%lldy%lldd", (long long)(h / 24 / 365), (long long)dy);
        return;
    }
    snprintf(buf, len, "%lldy", (long long)(h / 24 / 365));
}
