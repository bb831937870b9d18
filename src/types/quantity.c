/*
 * quantity.c -- resource.Quantity as k8s.io/apimachinery/pkg/api/resource
 * parses and prints it.
 *
 * A quantity is "<sign><digits>[.<digits>]<suffix>" where the suffix is a
 * decimal SI prefix (n u m "" k M G T P E), a binary one (Ki .. Ei) or a
 * decimal exponent (e3, E-2).  We keep values as int64 thousandths
 * ("milli" units), rounding away from zero as MilliValue() does, and
 * reject values that do not fit.  The arithmetic runs on decimal digit
 * strings so that no input, however many digits it has, is rounded twice.
 *
 * The canonical spelling (types__qty_string) follows Quantity.String():
 * the suffix family the value was written in, the largest exponent that
 * keeps the mantissa an integer, binary suffixes only for integers of at
 * least 1024.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types/types_int.h"

/* Longer inputs are refused outright (Kubernetes has no limit, but nothing
 * meaningful needs a kilobyte of digits). */
#define QTY_MAX_INPUT 1024
/* Exponents beyond this are clamped: the value is then either zero-ish
 * (rounds to one milli) or certainly out of range. */
#define QTY_MAX_EXP 100000

/* Decimal digits, most significant first. */
typedef struct qdigits {
    char *d;    /* '0'..'9', not NUL-terminated */
    size_t n;   /* digits used */
    size_t cap; /* bytes allocated */
} qdigits;

static void qd_push(qdigits *q, char c)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 32;
        q->d = xrealloc(q->d, q->cap);
    }
    q->d[q->n++] = c;
}

/* Multiply by two, growing on the left when needed. */
static void qd_double(qdigits *q)
{
    int carry = 0;
    for (size_t i = q->n; i-- > 0;) {
        int v = (q->d[i] - '0') * 2 + carry;
        q->d[i] = (char)('0' + v % 10);
        carry = v / 10;
    }
    if (carry) {
        qd_push(q, '0');
        memmove(q->d + 1, q->d, q->n - 1);
        q->d[0] = (char)('0' + carry);
    }
}

static bool qd_is_zero(const qdigits *q)
{
    for (size_t i = 0; i < q->n; i++)
        if (q->d[i] != '0')
            return false;
    return true;
}

/* Suffix -> (base, exponent, format); false if not a known suffix. */
static bool qty_suffix(const char *s, int *base, long long *exp, enum qty_format *fmt)
{
    static const struct {
        const char *s;
        int exp;
    } dec[] = {{"n", -9}, {"u", -6}, {"m", -3}, {"", 0},   {"k", 3},
               {"M", 6},  {"G", 9},  {"T", 12}, {"P", 15}, {"E", 18}},
      bin[] = {{"Ki", 10}, {"Mi", 20}, {"Gi", 30}, {"Ti", 40}, {"Pi", 50}, {"Ei", 60}};

    for (size_t i = 0; i < sizeof dec / sizeof dec[0]; i++) {
        if (strcmp(s, dec[i].s) == 0) {
            *base = 10;
            *exp = dec[i].exp;
            *fmt = QTY_DECIMAL_SI;
            return true;
        }
    }
    for (size_t i = 0; i < sizeof bin / sizeof bin[0]; i++) {
        if (strcmp(s, bin[i].s) == 0) {
            *base = 2;
            *exp = bin[i].exp;
            *fmt = QTY_BINARY_SI;
            return true;
        }
    }
    if ((s[0] == 'e' || s[0] == 'E') && s[1]) {
        /* strconv.ParseInt(s[1:], 10, 64): optional sign, then digits only. */
        const char *p = s + 1;
        long long v = 0;
        bool neg = false;
        if (*p == '+' || *p == '-')
            neg = *p++ == '-';
        if (!*p)
            return false;
        for (; *p; p++) {
            if (!isdigit((unsigned char)*p))
                return false;
            /* ParseInt fails beyond int64; below that, clamp. */
            if (v > (INT64_MAX - 9) / 10)
                return false;
            v = v * 10 + (*p - '0');
        }
        if (v > QTY_MAX_EXP)
            v = QTY_MAX_EXP;
        *base = 10;
        *exp = neg ? -v : v;
        *fmt = QTY_DECIMAL_EXP;
        return true;
    }
    return false;
}

/* digits x 10^exp10 as int64 rounded away from zero; false on overflow. */
static bool qd_to_int64(const qdigits *q, long long exp10, int64_t *out)
{
    size_t start = 0, intlen;
    uint64_t v = 0;
    bool frac = false;

    while (start < q->n && q->d[start] == '0')
        start++;
    if (start == q->n) {
        *out = 0;
        return true;
    }
    size_t len = q->n - start;
    if (exp10 >= 0) {
        if ((long long)len + exp10 > 19)
            return false;
        intlen = len;
    } else {
        long long k = -exp10;
        intlen = k >= (long long)len ? 0 : len - (size_t)k;
        for (size_t i = start + intlen; i < q->n; i++)
            if (q->d[i] != '0')
                frac = true;
        if (intlen > 19)
            return false;
    }
    for (size_t i = 0; i < intlen; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(q->d[start + i] - '0');
    }
    for (long long i = 0; exp10 > 0 && i < exp10; i++) {
        if (v > UINT64_MAX / 10)
            return false;
        v *= 10;
    }
    if (frac)
        v++;
    if (v > (uint64_t)INT64_MAX)
        return false;
    *out = (int64_t)v;
    return true;
}

int types__qty_parse(const char *s, types_qty *q)
{
    qdigits dg = {NULL, 0, 0};
    const char *p;
    size_t denom = 0;
    bool neg = false;
    int base, rc = EN_INVALID;
    long long exp, exp10;
    enum qty_format fmt;
    int64_t v;

    if (!s || !*s || strlen(s) > QTY_MAX_INPUT)
        return EN_INVALID;
    p = s;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    while (isdigit((unsigned char)*p))
        qd_push(&dg, *p++);
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            qd_push(&dg, *p++);
            denom++;
        }
    }
    if (!qty_suffix(p, &base, &exp, &fmt))
        goto out_free_digits;
    if (dg.n == 0)
        qd_push(&dg, '0');
    exp10 = 3 - (long long)denom; /* thousandths */
    if (base == 10) {
        exp10 += exp;
    } else {
        for (long long i = 0; i < exp && !qd_is_zero(&dg); i++)
            qd_double(&dg);
    }
    if (exp10 > QTY_MAX_EXP)
        exp10 = QTY_MAX_EXP;
    if (exp10 < -QTY_MAX_EXP)
        exp10 = -QTY_MAX_EXP;
    if (!qd_to_int64(&dg, exp10, &v))
        goto out_free_digits;
    q->milli = neg ? -v : v;
    q->format = fmt;
    rc = 0;
out_free_digits:
    free(dg.d);
    return rc;
}

int types__qty_parse_json(json_t *v, types_qty *q)
{
    char buf[64];
    const char *s;

    if (json_is_string(v)) {
        /* The JSON decoder trims whitespace around the quoted text. */
        s = json_string_value(v);
        while (isspace((unsigned char)*s))
            s++;
        size_t n = strlen(s);
        while (n > 0 && isspace((unsigned char)s[n - 1]))
            n--;
        if (n == strlen(s))
            return types__qty_parse(s, q);
        char *t = xstrndup(s, n);
        int rc = types__qty_parse(t, q);
        free(t);
        return rc;
    }
    if (json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return types__qty_parse(buf, q);
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (!isfinite(d))
            return EN_INVALID;
        /* The shortest spelling that reads back the same, like the JSON text. */
        snprintf(buf, sizeof buf, "%.15g", d);
        if (strtod(buf, NULL) != d)
            snprintf(buf, sizeof buf, "%.17g", d);
        return types__qty_parse(buf, q);
    }
    return EN_INVALID;
}

char *types__qty_string(const types_qty *q)
{
    static const char *const dec_suffix[] = {"m", "", "k", "M", "G", "T", "P", "E"};
    static const char *const bin_suffix[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    int64_t m = q->milli;
    enum qty_format fmt = q->format;
    int exp = -3;

    if (m == 0)
        return xstrdup("0");
    if (fmt == QTY_BINARY_SI) {
        /* Small or fractional values read better in decimal. */
        if ((m > -1024000 && m < 1024000) || m % 1000 != 0) {
            fmt = QTY_DECIMAL_SI;
        } else {
            int64_t n = m / 1000;
            int times = 0;
            while ((n >= 1024 || n <= -1024) && n % 1024 == 0 && times < 6) {
                n /= 1024;
                times++;
            }
            return xasprintf("%" PRId64 "%s", n, bin_suffix[times]);
        }
    }
    while ((m >= 10 || m <= -10) && m % 10 == 0) {
        m /= 10;
        exp++;
    }
    /* Bring the exponent down to a multiple of three (Go's % truncates). */
    switch (exp % 3) {
    case 1:
    case -2:
        m *= 10;
        exp -= 1;
        break;
    case 2:
    case -1:
        m *= 100;
        exp -= 2;
        break;
    default:
        break;
    }
    if (fmt == QTY_DECIMAL_EXP) {
        if (exp == 0)
            return xasprintf("%" PRId64, m);
        return xasprintf("%" PRId64 "e%d", m, exp);
    }
    return xasprintf("%" PRId64 "%s", m, dec_suffix[(exp + 3) / 3]);
}

int types_quantity_parse(const char *s, int64_t *milli)
{
    types_qty q;
    int rc = types__qty_parse(s, &q);
    if (rc == 0 && milli)
        *milli = q.milli;
    return rc;
}

int types_quantity_json(json_t *v, int64_t *milli)
{
    types_qty q;
    int rc = types__qty_parse_json(v, &q);
    if (rc == 0 && milli)
        *milli = q.milli;
    return rc;
}
