/*
 * errs.c -- error lists and message formatting for the selector module.
 *
 * Kubernetes reports selector problems as field errors ("<path>: Invalid
 * value: \"x\": <detail>") collected into an aggregate that prints one
 * message as is and several as "[a, b]".  Clients (kubectl, tests written
 * against a real cluster) see these strings verbatim, so this file renders
 * them the way Go's fmt and apimachinery's field package do: paths, %q
 * quoting and %#v of string slices.  Used by label.c, field.c and node.c.
 */
#include "selector/selector_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void selector__errs_release(selector__errs *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++)
        free(e->msgs[i]);
    free(e->msgs);
    e->msgs = NULL;
    e->n = 0;
}

/* Input can produce one error per requirement; past this many the rest
 * add nothing a client could use, and the duplicate check stays cheap. */
#define MAX_ERRS 100

void selector__errs_add(selector__errs *e, char *msg)
{
    if (e->n >= MAX_ERRS) {
        free(msg);
        return;
    }
    for (size_t i = 0; i < e->n; i++) {
        if (strcmp(e->msgs[i], msg) == 0) {
            free(msg);
            return;
        }
    }
    e->msgs = xrealloc(e->msgs, (e->n + 1) * sizeof *e->msgs);
    e->msgs[e->n++] = msg;
}

char *selector__errs_join(const selector__errs *e)
{
    sbuf sb;

    if (e->n == 0)
        return NULL;
    if (e->n == 1)
        return xstrdup(e->msgs[0]);
    sbuf_init(&sb);
    sbuf_puts(&sb, "[");
    for (size_t i = 0; i < e->n; i++) {
        if (i)
            sbuf_puts(&sb, ", ");
        sbuf_puts(&sb, e->msgs[i]);
    }
    sbuf_puts(&sb, "]");
    return sbuf_detach(&sb, NULL);
}

/* Length of the UTF-8 sequence starting at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, unsigned *cp)
{
    unsigned c = s[0];
    size_t n;
    unsigned v;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        v = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    /* Reject overlong forms, surrogates and values past U+10FFFF. */
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)) ||
        (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

void selector__go_quote(sbuf *sb, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    sbuf_puts(sb, "\"");
    while (*p) {
        unsigned cp = 0;
        size_t n = utf8_len(p, &cp);

        if (n == 0) {
            /* Invalid UTF-8: Go escapes the single byte. */
            sbuf_printf(sb, "\\x%02x", *p);
            p++;
            continue;
        }
        switch (cp) {
        case '"':
            sbuf_puts(sb, "\\\"");
            break;
        case '\\':
            sbuf_puts(sb, "\\\\");
            break;
        case '\a':
            sbuf_puts(sb, "\\a");
            break;
        case '\b':
            sbuf_puts(sb, "\\b");
            break;
        case '\f':
            sbuf_puts(sb, "\\f");
            break;
        case '\n':
            sbuf_puts(sb, "\\n");
            break;
        case '\r':
            sbuf_puts(sb, "\\r");
            break;
        case '\t':
            sbuf_puts(sb, "\\t");
            break;
        case '\v':
            sbuf_puts(sb, "\\v");
            break;
        default:
            if (cp < 0x20 || cp == 0x7f)
                sbuf_printf(sb, "\\x%02x", cp);
            else if (cp >= 0x80 && cp < 0xa0)
                sbuf_printf(sb, "\\u%04x", cp); /* C1 controls are not printable */
            else
                sbuf_append(sb, (const char *)p, n);
        }
        p += n;
    }
    sbuf_puts(sb, "\"");
}

void selector__go_strings(sbuf *sb, char *const *vals, size_t n, bool is_nil)
{
    if (is_nil && n == 0) {
        sbuf_puts(sb, "[]string(nil)");
        return;
    }
    sbuf_puts(sb, "[]string{");
    for (size_t i = 0; i < n; i++) {
        if (i)
            sbuf_puts(sb, ", ");
        selector__go_quote(sb, vals[i]);
    }
    sbuf_puts(sb, "}");
}

void selector__errs_invalid(selector__errs *e, const char *path, const char *value_repr,
                            const char *detail)
{
    char *msg;

    if (detail && *detail)
        msg = xasprintf("%s: Invalid value: %s: %s", path ? path : "<nil>", value_repr, detail);
    else
        msg = xasprintf("%s: Invalid value: %s", path ? path : "<nil>", value_repr);
    selector__errs_add(e, msg);
}

void selector__errs_invalid_str(selector__errs *e, const char *path, const char *value,
                                const char *detail)
{
    sbuf q;

    sbuf_init(&q);
    selector__go_quote(&q, value);
    selector__errs_invalid(e, path, q.buf, detail);
    sbuf_release(&q);
}

char *selector__path_child(const char *path, const char *name)
{
    if (!path || !*path)
        return xstrdup(name);
    return xasprintf("%s.%s", path, name);
}

char *selector__path_index(const char *path, size_t i)
{
    return xasprintf("%s[%zu]", path ? path : "", i);
}

char *selector__path_key(const char *path, const char *key)
{
    return xasprintf("%s[%s]", path ? path : "", key);
}
