/*
 * sbuf.c -- growable string buffer (see core.h).
 */
#include "core.h"

#include <stdio.h>
#include <string.h>

void sbuf_init(sbuf *sb)
{
    sb->buf = NULL;
    sb->len = 0;
    sb->cap = 0;
}

void sbuf_release(sbuf *sb)
{
    if (!sb)
        return;
    free(sb->buf);
    sbuf_init(sb);
}

static void sbuf_grow(sbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    sb->buf = xrealloc(sb->buf, cap);
    sb->cap = cap;
}

void sbuf_append(sbuf *sb, const char *data, size_t n)
{
    sbuf_grow(sb, n);
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sbuf_puts(sbuf *sb, const char *s)
{
    sbuf_append(sb, s, strlen(s));
}

void sbuf_vprintf(sbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return;
    sbuf_grow(sb, (size_t)n);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void sbuf_printf(sbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sbuf_vprintf(sb, fmt, ap);
    va_end(ap);
}

char *sbuf_detach(sbuf *sb, size_t *len)
{
    char *r = sb->buf ? sb->buf : xstrdup("");
    if (len)
        *len = sb->len;
    sbuf_init(sb);
    return r;
}
