/*
 * yaml.c -- YAML to JSON and back, on libyaml's event API.
 *
 * yaml_to_json gives the JSON that Kubernetes' sigs.k8s.io/yaml would give
 * for the first document: plain scalars are resolved with goyaml.v2's YAML
 * 1.1 rules (yes/no/on/off are booleans, 0x/0o/leading-zero octal and
 * underscores in integers, ~ and "" are null), quoted and block scalars stay
 * strings, explicit !!tags are honoured, non-string map keys become strings
 * the way sigs.k8s.io/yaml prints them, and "<<" merge keys are applied.
 * Numbers then take the form they would have after that library's trip
 * through Go's encoding/json: a float with an integral value becomes an
 * integer (1.0 -> 1), and .inf/.nan are refused since JSON cannot hold them.
 * Anchors and aliases are refused outright (alias expansion is how "billion
 * laughs" documents explode) and nesting is bounded by YAML_MAX_DEPTH, which
 * also bounds this file's recursion.  Errors read like goyaml's
 * ("yaml: line 3: mapping values are not allowed in this context").
 *
 * yaml_from_json drives libyaml's emitter in block style, choosing quoting
 * with the same resolver so that "true", "123", "" or "<<" come back as
 * strings; libyaml itself falls back to double quotes whenever a style
 * cannot represent a string exactly.
 */
#include "yaml/yaml.h"

#include "core/core.h"

#include <yaml.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG_PREFIX "tag:yaml.org,2002:"
#define TAG_STR TAG_PREFIX "str"
#define TAG_BOOL TAG_PREFIX "bool"
#define TAG_INT TAG_PREFIX "int"
#define TAG_FLOAT TAG_PREFIX "float"
#define TAG_NULL TAG_PREFIX "null"
#define TAG_BINARY TAG_PREFIX "binary"
#define TAG_MERGE TAG_PREFIX "merge"

/* ---- scalar resolution -------------------------------------------------- */

/* What a scalar resolves to. */
enum skind {
    SK_STR,   /* string (also anything unrecognised) */
    SK_NULL,  /* ~, null, empty */
    SK_BOOL,  /* YAML 1.1 booleans */
    SK_INT,   /* fits int64 */
    SK_UINT,  /* above int64, fits uint64 */
    SK_BIG,   /* prefixed integer beyond uint64 */
    SK_FLOAT, /* finite float */
    SK_INF,   /* .inf / -.inf */
    SK_NAN,   /* .nan */
};

/* A resolved scalar. */
struct sval {
    enum skind kind; /* what it is */
    bool b;          /* SK_BOOL value */
    long long i;     /* SK_INT value */
    double d;        /* SK_UINT/SK_BIG/SK_FLOAT/SK_INF value */
};

/* Words resolved by table, as goyaml.v2's resolve map. */
static const struct {
    const char *word;
    enum skind kind;
    int val; /* bool value, or sign of infinity */
} resolve_words[] = {
    {"y", SK_BOOL, 1},     {"Y", SK_BOOL, 1},     {"yes", SK_BOOL, 1},   {"Yes", SK_BOOL, 1},
    {"YES", SK_BOOL, 1},   {"true", SK_BOOL, 1},  {"True", SK_BOOL, 1},  {"TRUE", SK_BOOL, 1},
    {"on", SK_BOOL, 1},    {"On", SK_BOOL, 1},    {"ON", SK_BOOL, 1},    {"n", SK_BOOL, 0},
    {"N", SK_BOOL, 0},     {"no", SK_BOOL, 0},    {"No", SK_BOOL, 0},    {"NO", SK_BOOL, 0},
    {"false", SK_BOOL, 0}, {"False", SK_BOOL, 0}, {"FALSE", SK_BOOL, 0}, {"off", SK_BOOL, 0},
    {"Off", SK_BOOL, 0},   {"OFF", SK_BOOL, 0},   {"~", SK_NULL, 0},     {"null", SK_NULL, 0},
    {"Null", SK_NULL, 0},  {"NULL", SK_NULL, 0},  {".nan", SK_NAN, 0},   {".NaN", SK_NAN, 0},
    {".NAN", SK_NAN, 0},   {".inf", SK_INF, 1},   {".Inf", SK_INF, 1},   {".INF", SK_INF, 1},
    {"+.inf", SK_INF, 1},  {"+.Inf", SK_INF, 1},  {"+.INF", SK_INF, 1},  {"-.inf", SK_INF, -1},
    {"-.Inf", SK_INF, -1}, {"-.INF", SK_INF, -1},
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool is_yaml_float(const char *s)
{
    const char *p = s;

    if (*p == '+' || *p == '-')
        p++;
    if (*p == '.') {
        p++;
        if (!is_digit(*p))
            return false;
        while (is_digit(*p))
            p++;
    } else {
        if (!is_digit(*p))
            return false;
        while (is_digit(*p))
            p++;
        if (*p == '.') {
            p++;
            while (is_digit(*p))
                p++;
        }
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!is_digit(*p))
            return false;
        while (is_digit(*p))
            p++;
    }
    return *p == '\0';
}

/* Outcome of reading an integer as Go's strconv with base 0. */
struct goint {
    bool syntax_ok; /* digits valid for the base */
    bool has_sign;  /* leading + or - */
    bool neg;       /* leading - */
    bool overflow;  /* magnitude beyond uint64 */
    uint64_t mag;   /* magnitude when !overflow */
    double approx;  /* magnitude as a double, always */
};

static int digit_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

static void parse_goint(const char *s, struct goint *g)
{
    const char *p = s;
    unsigned base = 10;

    memset(g, 0, sizeof *g);
    if (*p == '+' || *p == '-') {
        g->has_sign = true;
        g->neg = *p == '-';
        p++;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
        base = 8;
        p += 2;
    } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
        base = 2;
        p += 2;
    } else if (p[0] == '0' && p[1]) {
        base = 8; /* C-style leading zero */
        p += 1;
    }
    if (!*p)
        return;
    for (; *p; p++) {
        unsigned d = (unsigned)digit_val(*p);
        if (d >= base)
            return;
        if (g->mag > (UINT64_MAX - d) / base)
            g->overflow = true;
        else
            g->mag = g->mag * base + d;
        g->approx = g->approx * base + d;
    }
    g->syntax_ok = true;
}

/*
 * Resolve an untagged plain scalar (s is NUL-free, len bytes) the way
 * goyaml.v2's resolve() does for an empty tag.
 */
static void resolve_plain(const char *s, size_t len, struct sval *out)
{
    char c = len ? s[0] : 'N';
    char *plain = NULL;

    memset(out, 0, sizeof *out);
    out->kind = SK_STR;
    if (len == 0) {
        out->kind = SK_NULL;
        return;
    }
    /* Only these leading characters can start a non-string. */
    if (!(is_digit(c) || c == '+' || c == '-' || c == '.' || strchr("yYnNtTfFoO~", c)))
        return;
    for (size_t i = 0; i < sizeof resolve_words / sizeof resolve_words[0]; i++) {
        if (strcmp(s, resolve_words[i].word) == 0) {
            out->kind = resolve_words[i].kind;
            out->b = resolve_words[i].val == 1;
            if (out->kind == SK_INF)
                out->d = resolve_words[i].val > 0 ? INFINITY : -INFINITY;
            if (out->kind == SK_NAN)
                out->d = NAN;
            return;
        }
    }
    if (c == '.') {
        /* Go's ParseFloat on ".5e3"; no underscores outside hex. */
        if (is_yaml_float(s)) {
            double d = strtod(s, NULL);
            if (!isinf(d)) {
                out->kind = SK_FLOAT;
                out->d = d;
            }
        }
        return;
    }
    if (!(is_digit(c) || c == '+' || c == '-'))
        return;

    /* Integers may group digits with '_'. */
    plain = xmalloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] != '_')
            plain[n++] = s[i];
    plain[n] = '\0';

    struct goint g;
    parse_goint(plain, &g);
    if (g.syntax_ok && !g.overflow &&
        (g.neg ? g.mag <= (uint64_t)INT64_MAX + 1 : g.mag <= (uint64_t)INT64_MAX)) {
        out->kind = SK_INT;
        out->i = g.neg ? (long long)(0 - g.mag) : (long long)g.mag;
        goto out_free_plain;
    }
    if (g.syntax_ok && !g.has_sign && !g.overflow) {
        out->kind = SK_UINT;
        out->d = (double)g.mag;
        goto out_free_plain;
    }
    if (is_yaml_float(plain)) {
        double d = strtod(plain, NULL);
        if (!isinf(d)) {
            out->kind = SK_FLOAT;
            out->d = d;
            goto out_free_plain;
        }
    }
    if (g.syntax_ok && !g.has_sign && g.overflow) {
        out->kind = SK_BIG;
        out->d = g.approx;
    }
out_free_plain:
    free(plain);
}

/* The short tag a resolved kind has, for messages ("!!int"). */
static const char *kind_tag(enum skind k)
{
    switch (k) {
    case SK_STR:
        return "!!str";
    case SK_NULL:
        return "!!null";
    case SK_BOOL:
        return "!!bool";
    case SK_INT:
    case SK_UINT:
    case SK_BIG:
        return "!!int";
    case SK_FLOAT:
    case SK_INF:
    case SK_NAN:
        return "!!float";
    }
    return "!!str";
}

/* ---- decoder ------------------------------------------------------------ */

/* Decoding state for one yaml_to_json call. */
struct dec {
    yaml_parser_t parser; /* libyaml event parser over the input */
    char *err;            /* first error (owned), NULL while all is well */
};

static int fail_at(struct dec *d, const yaml_mark_t *mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(struct dec *d, const yaml_mark_t *mark, const char *fmt, ...)
{
    sbuf sb;
    va_list ap;

    if (d->err)
        return EN_INVALID;
    sbuf_init(&sb);
    sbuf_printf(&sb, "yaml: line %zu: ", mark->line + 1);
    va_start(ap, fmt);
    sbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    d->err = sbuf_detach(&sb, NULL);
    return EN_INVALID;
}

/* Describe a libyaml failure with goyaml's line arithmetic: parser errors
 * carry the 0-based line, scanner errors the 1-based one. */
static int fail_parser(struct dec *d)
{
    const yaml_parser_t *p = &d->parser;
    size_t line = 0;
    const char *msg = p->problem ? p->problem : "unknown problem parsing YAML content";

    if (p->error == YAML_MEMORY_ERROR)
        en_fatal("yaml: out of memory");
    if (p->problem_mark.line != 0) {
        line = p->problem_mark.line;
        if (p->error == YAML_SCANNER_ERROR)
            line++;
    } else if (p->context_mark.line != 0) {
        line = p->context_mark.line;
    }
    free(d->err);
    if (line)
        d->err = xasprintf("yaml: line %zu: %s", line, msg);
    else
        d->err = xasprintf("yaml: %s", msg);
    return EN_INVALID;
}

static int next_event(struct dec *d, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&d->parser, ev))
        return fail_parser(d);
    return 0;
}

static const char *node_anchor(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return (const char *)ev->data.scalar.anchor;
    case YAML_SEQUENCE_START_EVENT:
        return (const char *)ev->data.sequence_start.anchor;
    case YAML_MAPPING_START_EVENT:
        return (const char *)ev->data.mapping_start.anchor;
    default:
        return NULL;
    }
}

/* Decode standard base64, skipping line breaks as Go's decoder does. */
static bool base64_decode(const char *s, size_t len, sbuf *out)
{
    unsigned acc = 0;
    int bits = 0, quad = 0, pad = 0;

    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        int v;

        if (c == '\n' || c == '\r')
            continue;
        if (c == '=') {
            pad++;
            quad++;
            continue;
        }
        if (pad)
            return false; /* data after padding */
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '+')
            v = 62;
        else if (c == '/')
            v = 63;
        else
            return false;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        quad++;
        if (bits >= 8) {
            bits -= 8;
            char byte = (char)((acc >> bits) & 0xff);
            sbuf_append(out, &byte, 1);
        }
    }
    return quad % 4 == 0 && pad <= 2;
}

/*
 * Resolve a scalar event: explicit tags first, then plain resolution.
 * Returns 0 with *v filled, or EN_INVALID (d->err set).  For SK_STR the
 * string is in *str and *slen (borrowed from the event or from bin).
 */
static int resolve_scalar(struct dec *d, const yaml_event_t *ev, struct sval *v, const char **str,
                          size_t *slen, sbuf *bin)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    bool nul_free = memchr(s, '\0', len) == NULL;

    memset(v, 0, sizeof *v);
    v->kind = SK_STR;
    *str = s;
    *slen = len;
    if (!tag) {
        /* Quoted and block scalars are strings; plain ones are resolved. */
        if (ev->data.scalar.plain_implicit && nul_free)
            resolve_plain(s, len, v);
        return 0;
    }
    if (strcmp(tag, TAG_BINARY) == 0) {
        if (!base64_decode(s, len, bin))
            return fail_at(d, &ev->start_mark, "!!binary value contains invalid base64 data");
        *str = bin->buf ? bin->buf : "";
        *slen = bin->len;
        return 0;
    }
    bool want_bool = strcmp(tag, TAG_BOOL) == 0, want_int = strcmp(tag, TAG_INT) == 0;
    bool want_float = strcmp(tag, TAG_FLOAT) == 0, want_null = strcmp(tag, TAG_NULL) == 0;
    if (!want_bool && !want_int && !want_float && !want_null)
        return 0; /* !!str, !!timestamp and unknown tags keep the text */
    if (nul_free)
        resolve_plain(s, len, v);
    if (want_float && (v->kind == SK_INT)) {
        v->kind = SK_FLOAT;
        v->d = (double)v->i;
    }
    bool ok = (want_bool && v->kind == SK_BOOL) || (want_null && v->kind == SK_NULL) ||
              (want_int && (v->kind == SK_INT || v->kind == SK_UINT || v->kind == SK_BIG)) ||
              (want_float && (v->kind == SK_FLOAT || v->kind == SK_INF || v->kind == SK_NAN));
    if (!ok)
        return fail_at(d, &ev->start_mark, "cannot decode %s `%.*s` as a !!%s", kind_tag(v->kind),
                       (int)len, s, tag + strlen(TAG_PREFIX));
    return 0;
}

static json_t *number_json(const struct sval *v)
{
    switch (v->kind) {
    case SK_INT:
        return json_integer(v->i);
    case SK_UINT:
    case SK_BIG:
        return json_real(v->d);
    case SK_FLOAT:
        /* Go's encoding/json prints integral floats without a fraction, so
         * the JSON sigs.k8s.io/yaml produces holds an integer there. */
        if (v->d == floor(v->d) && v->d >= -9223372036854775808.0 && v->d < 9223372036854775808.0)
            return json_integer((json_int_t)v->d);
        return json_real(v->d);
    default:
        return NULL;
    }
}

static int scalar_json(struct dec *d, const yaml_event_t *ev, json_t **out)
{
    struct sval v;
    const char *s;
    size_t len;
    sbuf bin;
    int rc;

    sbuf_init(&bin);
    rc = resolve_scalar(d, ev, &v, &s, &len, &bin);
    if (rc)
        goto out_free_bin;
    switch (v.kind) {
    case SK_STR:
        *out = json_stringn(s, len);
        if (!*out)
            rc = fail_at(d, &ev->start_mark, "string is not valid UTF-8");
        break;
    case SK_NULL:
        *out = json_null();
        break;
    case SK_BOOL:
        *out = json_boolean(v.b);
        break;
    case SK_INF:
    case SK_NAN:
        rc = fail_at(d, &ev->start_mark, "%.*s cannot be represented in JSON",
                     (int)ev->data.scalar.length, (const char *)ev->data.scalar.value);
        break;
    default:
        *out = number_json(&v);
        break;
    }
out_free_bin:
    sbuf_release(&bin);
    return rc;
}

/*
 * Go's strconv.FormatFloat(v, 'g', -1, 32), which sigs.k8s.io/yaml uses
 * for float map keys: the shortest digits that read back as the same
 * float32, in %e form when the exponent is < -4 or >= 6.
 */
static void go_float32_g(double dv, sbuf *out)
{
    float f = (float)dv;
    char tmp[48], digits[16];
    int prec, nd = 0, e10;

    if (isnan(f)) {
        sbuf_puts(out, ".nan");
        return;
    }
    if (isinf(f)) {
        sbuf_puts(out, f > 0 ? ".inf" : "-.inf");
        return;
    }
    if (f == 0) {
        sbuf_puts(out, signbit(f) ? "-0" : "0");
        return;
    }
    for (prec = 1; prec < 9; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, (double)f);
        if (strtof(tmp, NULL) == f)
            break;
    }
    snprintf(tmp, sizeof tmp, "%.*e", prec - 1, (double)f);
    /* tmp is [-]d[.ddd]e[+-]xx */
    const char *p = tmp;
    if (*p == '-') {
        sbuf_puts(out, "-");
        p++;
    }
    for (; *p && *p != 'e'; p++)
        if (is_digit(*p))
            digits[nd++] = *p;
    e10 = atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    if (e10 < -4 || e10 >= 6) {
        sbuf_append(out, digits, 1);
        if (nd > 1) {
            sbuf_puts(out, ".");
            sbuf_append(out, digits + 1, (size_t)nd - 1);
        }
        sbuf_printf(out, "e%c%02d", e10 < 0 ? '-' : '+', abs(e10));
        return;
    }
    int dp = e10 + 1; /* digits before the point */
    if (dp <= 0) {
        sbuf_puts(out, "0.");
        for (int i = 0; i < -dp; i++)
            sbuf_puts(out, "0");
        sbuf_append(out, digits, (size_t)nd);
    } else if (dp >= nd) {
        sbuf_append(out, digits, (size_t)nd);
        for (int i = nd; i < dp; i++)
            sbuf_puts(out, "0");
    } else {
        sbuf_append(out, digits, (size_t)dp);
        sbuf_puts(out, ".");
        sbuf_append(out, digits + dp, (size_t)(nd - dp));
    }
}

/* Map key text as sigs.k8s.io/yaml converts keys to strings. */
static int key_string(struct dec *d, const yaml_event_t *ev, sbuf *key)
{
    struct sval v;
    const char *s;
    size_t len;
    sbuf bin;
    int rc;

    sbuf_init(&bin);
    rc = resolve_scalar(d, ev, &v, &s, &len, &bin);
    if (rc)
        goto out_free_bin;
    switch (v.kind) {
    case SK_STR:
        sbuf_append(key, s, len);
        break;
    case SK_BOOL:
        sbuf_puts(key, v.b ? "true" : "false");
        break;
    case SK_INT:
        sbuf_printf(key, "%lld", v.i);
        break;
    case SK_FLOAT:
    case SK_INF:
    case SK_NAN:
        go_float32_g(v.d, key);
        break;
    case SK_NULL:
    case SK_UINT:
    case SK_BIG:
        rc = fail_at(d, &ev->start_mark, "unsupported map key: %s `%.*s`", kind_tag(v.kind),
                     (int)ev->data.scalar.length, (const char *)ev->data.scalar.value);
        break;
    }
out_free_bin:
    sbuf_release(&bin);
    return rc;
}

static bool is_merge_key(const yaml_event_t *ev)
{
    const char *tag = (const char *)ev->data.scalar.tag;

    if (ev->data.scalar.length != 2 || memcmp(ev->data.scalar.value, "<<", 2) != 0)
        return false;
    return tag ? strcmp(tag, TAG_MERGE) == 0 : ev->data.scalar.plain_implicit != 0;
}

static int parse_node(struct dec *d, yaml_event_t *ev, int depth, json_t **out);

/* Apply a "<<" value: a mapping, or a list of mappings where earlier ones
 * win (goyaml.v2 merges them last to first). */
static int apply_merge(struct dec *d, const yaml_mark_t *mark, json_t *obj, json_t *val)
{
    size_t i;

    if (json_is_object(val)) {
        json_object_update(obj, val);
        return 0;
    }
    if (!json_is_array(val))
        return fail_at(d, mark, "map merge requires map or sequence of maps as the value");
    for (i = 0; i < json_array_size(val); i++)
        if (!json_is_object(json_array_get(val, i)))
            return fail_at(d, mark, "map merge requires map or sequence of maps as the value");
    for (i = json_array_size(val); i-- > 0;)
        json_object_update(obj, json_array_get(val, i));
    return 0;
}

static int parse_mapping(struct dec *d, int depth, json_t **out)
{
    json_t *obj = json_object();
    yaml_event_t kev, vev;
    int rc = 0;

    for (;;) {
        sbuf key;
        bool merge = false;
        yaml_mark_t kmark;
        json_t *val = NULL;

        rc = next_event(d, &kev);
        if (rc)
            goto out_fail;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            break;
        }
        kmark = kev.start_mark;
        if (kev.type == YAML_ALIAS_EVENT) {
            rc = fail_at(d, &kmark, "anchors and aliases are not supported");
        } else if (kev.type != YAML_SCALAR_EVENT) {
            rc = fail_at(d, &kmark, "invalid map key: only scalars can be keys");
        } else if (node_anchor(&kev)) {
            rc = fail_at(d, &kmark, "anchors and aliases are not supported");
        }
        if (rc) {
            yaml_event_delete(&kev);
            goto out_fail;
        }
        sbuf_init(&key);
        merge = is_merge_key(&kev);
        if (!merge)
            rc = key_string(d, &kev, &key);
        yaml_event_delete(&kev);
        if (!rc)
            rc = next_event(d, &vev);
        if (!rc)
            rc = parse_node(d, &vev, depth + 1, &val);
        if (!rc && merge)
            rc = apply_merge(d, &kmark, obj, val);
        else if (!rc && json_object_setn_new(obj, key.buf ? key.buf : "", key.len, val) != 0)
            rc = fail_at(d, &kmark, "map key is not valid UTF-8");
        if (merge || rc)
            json_decref(val);
        val = NULL; /* owned by obj now, or released */
        sbuf_release(&key);
        if (rc)
            goto out_fail;
    }
    *out = obj;
    return 0;

out_fail:
    json_decref(obj);
    return rc;
}

static int parse_sequence(struct dec *d, int depth, json_t **out)
{
    json_t *arr = json_array();
    yaml_event_t ev;
    int rc;

    for (;;) {
        json_t *item = NULL;

        rc = next_event(d, &ev);
        if (rc)
            goto out_fail;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        rc = parse_node(d, &ev, depth + 1, &item);
        if (rc)
            goto out_fail;
        json_array_append_new(arr, item);
    }
    *out = arr;
    return 0;

out_fail:
    json_decref(arr);
    return rc;
}

/* Convert the node starting with ev (consumed here) at nesting depth. */
static int parse_node(struct dec *d, yaml_event_t *ev, int depth, json_t **out)
{
    yaml_mark_t mark = ev->start_mark;
    yaml_event_type_t type = ev->type;
    int rc = 0;

    *out = NULL;
    if (type == YAML_ALIAS_EVENT || node_anchor(ev)) {
        rc = fail_at(d, &mark, "anchors and aliases are not supported");
        goto out_delete;
    }
    switch (type) {
    case YAML_SCALAR_EVENT:
        rc = scalar_json(d, ev, out);
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (depth > YAML_MAX_DEPTH) {
            rc = fail_at(d, &mark, "exceeded max depth of %d", YAML_MAX_DEPTH);
            break;
        }
        yaml_event_delete(ev);
        if (type == YAML_SEQUENCE_START_EVENT)
            return parse_sequence(d, depth, out);
        return parse_mapping(d, depth, out);
    default:
        rc = fail_at(d, &mark, "unexpected %d event", (int)type);
        break;
    }
out_delete:
    yaml_event_delete(ev);
    return rc;
}

int yaml_to_json(const char *buf, size_t len, json_t **out, char **err)
{
    struct dec d;
    yaml_event_t ev;
    json_t *root = NULL;
    int rc;

    *out = NULL;
    if (err)
        *err = NULL;
    memset(&d, 0, sizeof d);
    if (!yaml_parser_initialize(&d.parser))
        en_fatal("yaml: out of memory");
    yaml_parser_set_input_string(&d.parser, (const unsigned char *)(buf ? buf : ""), buf ? len : 0);

    rc = next_event(&d, &ev); /* stream start */
    if (rc)
        goto out_fail;
    yaml_event_delete(&ev);
    rc = next_event(&d, &ev);
    if (rc)
        goto out_fail;
    if (ev.type == YAML_STREAM_END_EVENT) {
        /* Nothing but comments or whitespace. */
        yaml_event_delete(&ev);
        *out = json_null();
        goto out_delete_parser;
    }
    yaml_event_delete(&ev); /* document start */
    rc = next_event(&d, &ev);
    if (!rc)
        rc = parse_node(&d, &ev, 1, &root);
    /* Read the document end so trailing junk in this document is an error;
     * later documents are ignored as sigs.k8s.io/yaml does. */
    if (!rc)
        rc = next_event(&d, &ev);
    if (rc)
        goto out_fail;
    yaml_event_delete(&ev);
    *out = root;
    goto out_delete_parser;

out_fail:
    json_decref(root);
    if (err) {
        *err = d.err;
        d.err = NULL;
    }
out_delete_parser:
    free(d.err);
    yaml_parser_delete(&d.parser);
    return rc;
}

/* ---- encoder ------------------------------------------------------------ */

static int write_out(void *data, unsigned char *buffer, size_t size)
{
    sbuf_append(data, (const char *)buffer, size);
    return 1;
}

/* The emitter only fails on broken event sequences or memory exhaustion,
 * both of which are bugs or fatal here. */
static void emit(yaml_emitter_t *em, yaml_event_t *ev)
{
    if (!yaml_emitter_emit(em, ev))
        en_fatal("yaml: emitter failed: %s", em->problem ? em->problem : "unknown error");
}

/* Would a reader take this text, written plain, for something other than
 * the same string?  Also guards forms other YAML 1.1 readers resolve
 * (timestamps, base-60 numbers) as goyaml's encoder does. */
static bool needs_quotes(const char *s, size_t len)
{
    struct sval v;

    if (memchr(s, '\0', len))
        return true;
    resolve_plain(s, len, &v);
    if (v.kind != SK_STR)
        return true;
    if (len == 2 && memcmp(s, "<<", 2) == 0)
        return true;
    if (len >= 5 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) &&
        s[4] == '-')
        return true;
    const char *p = (s[0] == '+' || s[0] == '-') ? s + 1 : s;
    if (is_digit(*p) && memchr(s, ':', len))
        return true;
    return false;
}

static void emit_scalar(yaml_emitter_t *em, const char *s, size_t len, yaml_scalar_style_t style)
{
    yaml_event_t ev;

    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, 1, 1, style))
        en_fatal("yaml: out of memory");
    emit(em, &ev);
}

static void emit_string(yaml_emitter_t *em, const char *s, size_t len)
{
    yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;

    /* NEL, LS and PS are line breaks to YAML 1.1 readers; only escapes in
     * double quotes keep them unambiguous. */
    if (memmem(s, len, "\xc2\x85", 2) || memmem(s, len, "\xe2\x80\xa8", 3) ||
        memmem(s, len, "\xe2\x80\xa9", 3))
        style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    else if (memchr(s, '\n', len))
        style = YAML_LITERAL_SCALAR_STYLE;
    else if (needs_quotes(s, len))
        style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
    emit_scalar(em, s, len, style);
}

/* Shortest "%.Ng" that reads back as d, marked as a float. */
static void format_real(double d, char *buf, size_t n)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    if (!strpbrk(buf, ".eE"))
        strncat(buf, ".0", n - strlen(buf) - 1);
}

static void emit_value(yaml_emitter_t *em, json_t *v)
{
    yaml_event_t ev;
    char num[64];

    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *key;
        size_t klen;
        json_t *child;

        if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE))
            en_fatal("yaml: out of memory");
        emit(em, &ev);
        json_object_keylen_foreach(v, key, klen, child)
        {
            emit_string(em, key, klen);
            emit_value(em, child);
        }
        yaml_mapping_end_event_initialize(&ev);
        emit(em, &ev);
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *child;

        if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE))
            en_fatal("yaml: out of memory");
        emit(em, &ev);
        json_array_foreach(v, i, child)
        {
            emit_value(em, child);
        }
        yaml_sequence_end_event_initialize(&ev);
        emit(em, &ev);
        break;
    }
    case JSON_STRING:
        emit_string(em, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        emit_scalar(em, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
        break;
    case JSON_REAL:
        format_real(json_real_value(v), num, sizeof num);
        emit_scalar(em, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
        break;
    case JSON_TRUE:
        emit_scalar(em, "true", 4, YAML_PLAIN_SCALAR_STYLE);
        break;
    case JSON_FALSE:
        emit_scalar(em, "false", 5, YAML_PLAIN_SCALAR_STYLE);
        break;
    case JSON_NULL:
        emit_scalar(em, "null", 4, YAML_PLAIN_SCALAR_STYLE);
        break;
    }
}

char *yaml_from_json(json_t *v)
{
    yaml_emitter_t em;
    yaml_event_t ev;
    sbuf out;
    json_t *null_value = NULL;

    sbuf_init(&out);
    if (!v)
        v = null_value = json_null();
    if (!yaml_emitter_initialize(&em))
        en_fatal("yaml: out of memory");
    yaml_emitter_set_output(&em, write_out, &out);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_width(&em, -1); /* never fold long lines */
    yaml_emitter_set_indent(&em, 2);
    yaml_emitter_set_break(&em, YAML_LN_BREAK);

    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    emit(&em, &ev);
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    emit(&em, &ev);
    emit_value(&em, v);
    yaml_document_end_event_initialize(&ev, 1);
    emit(&em, &ev);
    yaml_stream_end_event_initialize(&ev);
    emit(&em, &ev);
    if (!yaml_emitter_flush(&em))
        en_fatal("yaml: emitter flush failed");
    yaml_emitter_delete(&em);
    json_decref(null_value);
    return sbuf_detach(&out, NULL);
}
