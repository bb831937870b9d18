/*
 * mem.c -- allocation that aborts on exhaustion, and en_fatal().
 *
 * The server and agent treat out-of-memory as fatal (as Redis' zmalloc
 * does): there is no meaningful recovery and checking every allocation
 * would bury the logic that matters.
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void en_fatal(const char *fmt, ...)
{
    va_list ap;
    char msg[512];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_msg(LOG_ERROR, "fatal", "%s", msg);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        en_fatal("out of memory allocating %zu bytes", n);
    return p;
}

void *xcalloc(size_t nmemb, size_t n)
{
    void *p = calloc(nmemb ? nmemb : 1, n ? n : 1);
    if (!p)
        en_fatal("out of memory allocating %zu x %zu bytes", nmemb, n);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        en_fatal("out of memory reallocating %zu bytes", n);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* Format into a stack buffer first and copy: most strings are short keys
 * and messages, and glibc's vasprintf (a growing stream buffer, then a
 * shrinking realloc) costs several allocations for each. */
char *xasprintf(const char *fmt, ...)
{
    char small[256], *s;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        en_fatal("cannot format a string");
    s = xmalloc((size_t)n + 1);
    if ((size_t)n < sizeof small) {
        memcpy(s, small, (size_t)n + 1);
        return s;
    }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}
