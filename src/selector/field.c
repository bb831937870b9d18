/*
 * field.c -- field selectors as apimachinery's fields.ParseSelector reads
 * them: comma-separated `field=value`, `field==value` and `field!=value`
 * terms, with `\,`, `\=` and `\\` escapes in values.
 *
 * Terms are kept sorted by their raw text, as upstream sorts them before
 * parsing; that order decides which term fsel_required_value reports and
 * which unsupported field fsel_check_fields names first.  The caller
 * (registry/cache) extracts an object's fields with types_fields and
 * matches them here; a field the object lacks compares as "".
 */
#include "selector/selector_int.h"

#include <stdlib.h>
#include <string.h>

/* One term: field op value. */
struct fsel_term {
    char *field; /* left-hand side, as written (no escapes) */
    char *value; /* unescaped right-hand side */
    bool neq;    /* true for !=, false for = and == */
};

struct fsel {
    struct fsel_term *terms; /* owned array, sorted by raw term text */
    size_t n;                /* 0 = matches everything */
};

void fsel_free(fsel *sel)
{
    if (!sel)
        return;
    for (size_t i = 0; i < sel->n; i++) {
        free(sel->terms[i].field);
        free(sel->terms[i].value);
    }
    free(sel->terms);
    free(sel);
}

bool fsel_is_empty(const fsel *sel)
{
    return !sel || sel->n == 0;
}

/* Split at commas not preceded by a backslash escape; escapes stay in the
 * pieces.  Returns the piece count (0 for ""). */
static size_t split_terms(const char *s, char ***out)
{
    char **parts = NULL;
    size_t n = 0;
    size_t start = 0, i;
    bool in_slash = false;

    if (!*s) {
        *out = NULL;
        return 0;
    }
    for (i = 0; s[i]; i++) {
        if (in_slash) {
            in_slash = false;
        } else if (s[i] == '\\') {
            in_slash = true;
        } else if (s[i] == ',') {
            parts = xrealloc(parts, (n + 1) * sizeof *parts);
            parts[n++] = xstrndup(s + start, i - start);
            start = i + 1;
        }
    }
    parts = xrealloc(parts, (n + 1) * sizeof *parts);
    parts[n++] = xstrdup(s + start);
    *out = parts;
    return n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Byte length of the UTF-8 sequence led by c (1 for anything invalid). */
static size_t seq_len(unsigned char c)
{
    if (c >= 0xf0 && c <= 0xf4)
        return 4;
    if (c >= 0xe0)
        return c <= 0xef ? 3 : 1;
    if (c >= 0xc2)
        return 2;
    return 1;
}

/* Undo value escapes.  Returns 0 and *out, or EN_INVALID and *err. */
static int unescape_value(const char *s, char **out, char **err)
{
    sbuf sb;
    bool in_slash = false;

    sbuf_init(&sb);
    for (const char *p = s; *p; p++) {
        if (in_slash) {
            if (*p == '\\' || *p == ',' || *p == '=') {
                sbuf_append(&sb, p, 1);
                in_slash = false;
                continue;
            }
            /* Report the whole character after the backslash. */
            size_t n = seq_len((unsigned char)*p);
            size_t avail = strnlen(p, n);
            *err =
                xasprintf("invalid field selector: invalid escape sequence: \\%.*s", (int)avail, p);
            sbuf_release(&sb);
            return EN_INVALID;
        }
        if (*p == '\\') {
            in_slash = true;
        } else if (*p == ',' || *p == '=') {
            /* Upstream prints the rune as a number. */
            *err = xasprintf("invalid field selector: unescaped character in value: %d", *p);
            sbuf_release(&sb);
            return EN_INVALID;
        } else {
            sbuf_append(&sb, p, 1);
        }
    }
    if (in_slash) {
        *err = xstrdup("invalid field selector: invalid escape sequence: \\");
        sbuf_release(&sb);
        return EN_INVALID;
    }
    *out = sbuf_detach(&sb, NULL);
    return 0;
}

/* Find the first operator in term (checking != before == before = at each
 * position).  Returns its offset and length, or false. */
static bool split_term(const char *term, size_t *at, size_t *oplen, bool *neq)
{
    for (size_t i = 0; term[i]; i++) {
        if (term[i] == '!' && term[i + 1] == '=') {
            *at = i;
            *oplen = 2;
            *neq = true;
            return true;
        }
        if (term[i] == '=') {
            *at = i;
            *oplen = term[i + 1] == '=' ? 2 : 1;
            *neq = false;
            return true;
        }
    }
    return false;
}

int fsel_parse(const char *s, fsel **out, char **err)
{
    char **parts = NULL;
    size_t nparts, cap = 0;
    fsel *sel = xcalloc(1, sizeof *sel);
    int rc = 0;

    *out = NULL;
    if (err)
        *err = NULL;
    if (!s)
        s = "";
    nparts = split_terms(s, &parts);
    if (nparts > 1)
        qsort(parts, nparts, sizeof *parts, cmp_str);
    for (size_t i = 0; i < nparts; i++) {
        size_t at, oplen;
        bool neq;
        char *value = NULL, *msg = NULL;

        if (!*parts[i])
            continue;
        if (!split_term(parts[i], &at, &oplen, &neq)) {
            msg = xasprintf("invalid selector: '%s'; can't understand '%s'", s, parts[i]);
            rc = EN_INVALID;
        } else {
            rc = unescape_value(parts[i] + at + oplen, &value, &msg);
        }
        if (rc) {
            if (err)
                *err = msg;
            else
                free(msg);
            fsel_free(sel);
            sel = NULL;
            goto out_free_parts;
        }
        /* A term with neither field nor value selects everything (upstream
         * drops it), e.g. "=" alone. */
        if (at == 0 && !*value) {
            free(value);
            continue;
        }
        if (sel->n == cap) {
            cap = cap ? cap * 2 : 4;
            sel->terms = xrealloc(sel->terms, cap * sizeof *sel->terms);
        }
        sel->terms[sel->n].field = xstrndup(parts[i], at);
        sel->terms[sel->n].value = value;
        sel->terms[sel->n].neq = neq;
        sel->n++;
    }
    *out = sel;

out_free_parts:
    for (size_t i = 0; i < nparts; i++)
        free(parts[i]);
    free(parts);
    return rc;
}

int fsel_check_fields(const fsel *sel, const char *const *supported, size_t n, char **err)
{
    if (err)
        *err = NULL;
    for (size_t i = 0; sel && i < sel->n; i++) {
        bool ok = false;
        for (size_t j = 0; j < n && !ok; j++)
            ok = strcmp(sel->terms[i].field, supported[j]) == 0;
        if (!ok) {
            if (err)
                *err = xasprintf("field label not supported: %s", sel->terms[i].field);
            return EN_INVALID;
        }
    }
    return 0;
}

bool fsel_matches(const fsel *sel, const fsel_field *fields, size_t n)
{
    for (size_t i = 0; sel && i < sel->n; i++) {
        const char *have = "";
        for (size_t j = 0; j < n; j++) {
            if (fields[j].name && strcmp(fields[j].name, sel->terms[i].field) == 0) {
                have = fields[j].value ? fields[j].value : "";
                break;
            }
        }
        bool eq = strcmp(have, sel->terms[i].value) == 0;
        if (eq == sel->terms[i].neq)
            return false;
    }
    return true;
}

const char *fsel_required_value(const fsel *sel, const char *field)
{
    /* The first equality term on the field wins, as upstream's
     * RequiresExactMatch; the caller still runs fsel_matches. */
    for (size_t i = 0; sel && i < sel->n; i++)
        if (!sel->terms[i].neq && strcmp(sel->terms[i].field, field) == 0)
            return sel->terms[i].value;
    return NULL;
}
