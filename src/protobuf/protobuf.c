/*
 * protobuf.c -- decodes Kubernetes protobuf request bodies into JSON (see
 * protobuf.h).
 *
 * The body is "k8s\0" followed by a runtime.Unknown envelope; its raw
 * bytes are decoded by walking the message descriptors of pb_schema.c
 * (format in protobuf_int.h).  The decoder is written for hostile input:
 * every read is bounds-checked against the enclosing length, varints are
 * limited to ten bytes, nesting is limited to PB_MAX_DEPTH, and any
 * inconsistency yields EN_INVALID with a message instead of a partial
 * object.  Unknown field numbers are skipped, as protobuf requires.
 *
 * The JSON produced is the one a Go client would have sent for the same
 * object (rules in protobuf_int.h): after a message's fields are read,
 * fill_defaults() adds what encoding/json writes for the fields the wire
 * left out.
 */
#include "protobuf/protobuf.h"

#include "core/core.h"
#include "protobuf/protobuf_int.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Kubernetes objects nest a dozen levels; 32 leaves room and bounds the
 * recursion on crafted input. */
#define PB_MAX_DEPTH 32

/* Most JSON values (wire fields read plus zero values filled in) one body
 * may produce.  Filling makes a few bytes of input expand (two bytes, an
 * empty ContainerStatus, become ten values), so the count, not the body
 * size, bounds memory.  A pod has a few thousand values; a JSON body within
 * the API's 3 MiB limit can hold about 1.5 million. */
#define PB_MAX_VALUES 500000

static const unsigned char pb_magic[4] = {'k', '8', 's', 0};

/* Wire types. */
enum { WT_VARINT = 0, WT_FIXED64 = 1, WT_LEN = 2, WT_FIXED32 = 5 };

/* A cursor over one message's bytes. */
struct reader {
    const unsigned char *p;    /* next byte */
    const unsigned char *end;  /* one past the message's last byte */
    const unsigned char *base; /* start of the whole body, for offsets in errors */
};

/* Decoding state shared by the whole body. */
struct ctx {
    const unsigned char *base; /* start of the body */
    char *err;                 /* first error message, owned; NULL while all is well */
    size_t values;             /* values produced so far, against PB_MAX_VALUES */
};

static int set_err(struct ctx *c, const struct reader *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record the first error (with its byte offset) and return EN_INVALID. */
static int set_err(struct ctx *c, const struct reader *r, const char *fmt, ...)
{
    va_list ap;
    sbuf sb;

    if (c->err)
        return EN_INVALID;
    sbuf_init(&sb);
    sbuf_puts(&sb, "protobuf: ");
    va_start(ap, fmt);
    sbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    if (r)
        sbuf_printf(&sb, " at byte %zu", (size_t)(r->p - c->base));
    c->err = sbuf_detach(&sb, NULL);
    return EN_INVALID;
}

/* ---- wire primitives --------------------------------------------------- */

static int read_varint(struct reader *r, uint64_t *out)
{
    uint64_t v = 0;

    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end)
            return EN_INVALID;
        unsigned char b = *r->p++;
        /* The tenth byte may only carry the top bit of a 64-bit value. */
        if (shift == 63 && b > 1)
            return EN_INVALID;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return EN_INVALID;
}

/* A length-delimited payload; data and len point into the input. */
static int read_bytes(struct reader *r, const unsigned char **data, size_t *len)
{
    uint64_t n;

    if (read_varint(r, &n) != 0)
        return EN_INVALID;
    if (n > (uint64_t)(r->end - r->p))
        return EN_INVALID;
    *data = r->p;
    *len = (size_t)n;
    r->p += n;
    return 0;
}

static int skip_field(struct reader *r, unsigned wt)
{
    uint64_t v;
    const unsigned char *d;
    size_t n;

    switch (wt) {
    case WT_VARINT:
        return read_varint(r, &v);
    case WT_FIXED64:
    case WT_FIXED32:
        n = wt == WT_FIXED64 ? 8 : 4;
        if ((size_t)(r->end - r->p) < n)
            return EN_INVALID;
        r->p += n;
        return 0;
    case WT_LEN:
        return read_bytes(r, &d, &n);
    default:
        /* groups (3, 4) never appear in Kubernetes messages; 6, 7 are invalid */
        return EN_INVALID;
    }
}

/* Read a field key; EN_INVALID for field number 0 or out of range. */
static int read_key(struct reader *r, uint32_t *num, unsigned *wt)
{
    uint64_t k;

    if (read_varint(r, &k) != 0)
        return EN_INVALID;
    if ((k >> 3) == 0 || (k >> 3) > 0x1fffffff)
        return EN_INVALID;
    *num = (uint32_t)(k >> 3);
    *wt = (unsigned)(k & 7);
    return 0;
}

/* ---- value decoders ---------------------------------------------------- */

/* NULL for invalid UTF-8, and for embedded NULs: JSON could carry them,
 * but every consumer reads strings as C strings and would cut them short. */
static json_t *string_value(const unsigned char *d, size_t n)
{
    if (memchr(d, '\0', n))
        return NULL;
    return json_stringn((const char *)d, n);
}

/* Timestamp {1: seconds, 2: nanos} into seconds and nanos. */
static int read_timestamp(struct ctx *c, const unsigned char *d, size_t n, int64_t *sec,
                          int32_t *nsec)
{
    struct reader r = {d, d + n, c->base};
    uint32_t num;
    unsigned wt;
    uint64_t v;

    *sec = 0;
    *nsec = 0;
    while (r.p < r.end) {
        if (read_key(&r, &num, &wt) != 0)
            return set_err(c, &r, "bad field key in Time");
        if ((num == 1 || num == 2) && wt == WT_VARINT) {
            if (read_varint(&r, &v) != 0)
                return set_err(c, &r, "truncated varint in Time");
            if (num == 1)
                *sec = (int64_t)v;
            else
                *nsec = (int32_t)v;
        } else if (skip_field(&r, wt) != 0) {
            return set_err(c, &r, "malformed field %u in Time", num);
        }
    }
    return 0;
}

/* Go's zero time.Time (0001-01-01T00:00:00Z) in Unix seconds. */
#define PB_ZERO_TIME_SEC (-62135596800LL)

/* Format a timestamp; EN_INVALID outside years 0001..9999 (as protobuf's
 * Timestamp) or with nanos outside 0..999999999. */
static int format_time(int64_t sec, int32_t nsec, bool micro, char *buf, size_t len)
{
    struct tm tm;
    time_t t;
    char base[64];

    if (sec < PB_ZERO_TIME_SEC || sec > 253402300799LL || nsec < 0 || nsec > 999999999)
        return EN_INVALID;
    t = (time_t)sec;
    if (!gmtime_r(&t, &tm))
        return EN_INVALID;
    /* Not strftime's %Y: glibc writes year 1 as "1", Go as "0001". */
    snprintf(base, sizeof base, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (micro)
        snprintf(buf, len, "%s.%06dZ", base, (int)(nsec / 1000));
    else
        snprintf(buf, len, "%sZ", base);
    return 0;
}

/* Message {1: bytes} whose bytes are JSON (RawExtension, FieldsV1). */
static int raw_json_value(struct ctx *c, const unsigned char *d, size_t n, json_t **out)
{
    struct reader r = {d, d + n, c->base};
    const unsigned char *raw = NULL;
    size_t rawlen = 0;
    uint32_t num;
    unsigned wt;
    json_error_t jerr;

    while (r.p < r.end) {
        if (read_key(&r, &num, &wt) != 0)
            return set_err(c, &r, "bad field key in raw JSON holder");
        if (num == 1 && wt == WT_LEN) {
            if (read_bytes(&r, &raw, &rawlen) != 0)
                return set_err(c, &r, "raw JSON length past end");
        } else if (skip_field(&r, wt) != 0) {
            return set_err(c, &r, "malformed field %u in raw JSON holder", num);
        }
    }
    /* Go writes a nil Raw as null (RawExtension and FieldsV1 alike). */
    if (!raw || rawlen == 0) {
        *out = json_null();
        return 0;
    }
    *out = json_loadb((const char *)raw, rawlen, JSON_DECODE_ANY, &jerr);
    if (!*out)
        return set_err(c, NULL, "embedded JSON is invalid: %s", jerr.text);
    return 0;
}

/* intstr.IntOrString {1: type (0 int, 1 string), 2: intVal, 3: strVal}. */
static int intorstr_value(struct ctx *c, const unsigned char *d, size_t n, json_t **out)
{
    struct reader r = {d, d + n, c->base};
    uint64_t type = 0, ival = 0;
    const unsigned char *s = NULL;
    size_t slen = 0;
    uint32_t num;
    unsigned wt;

    while (r.p < r.end) {
        if (read_key(&r, &num, &wt) != 0)
            return set_err(c, &r, "bad field key in IntOrString");
        if ((num == 1 || num == 2) && wt == WT_VARINT) {
            if (read_varint(&r, num == 1 ? &type : &ival) != 0)
                return set_err(c, &r, "truncated varint in IntOrString");
        } else if (num == 3 && wt == WT_LEN) {
            if (read_bytes(&r, &s, &slen) != 0)
                return set_err(c, &r, "string length past end in IntOrString");
        } else if (skip_field(&r, wt) != 0) {
            return set_err(c, &r, "malformed field %u in IntOrString", num);
        }
    }
    if (type == 1) {
        *out = string_value(s ? s : (const unsigned char *)"", slen);
        if (!*out)
            return set_err(c, NULL, "IntOrString string is not valid UTF-8");
    } else {
        *out = json_integer((int32_t)ival);
    }
    return 0;
}

/* resource.Quantity {1: string}.  No string is Go's zero Quantity, "0";
 * an empty one is refused, as Go's ParseQuantity refuses it. */
static int quantity_value(struct ctx *c, const unsigned char *d, size_t n, json_t **out)
{
    struct reader r = {d, d + n, c->base};
    const unsigned char *s = NULL;
    size_t slen = 0;
    uint32_t num;
    unsigned wt;

    while (r.p < r.end) {
        if (read_key(&r, &num, &wt) != 0)
            return set_err(c, &r, "bad field key in Quantity");
        if (num == 1 && wt == WT_LEN) {
            if (read_bytes(&r, &s, &slen) != 0)
                return set_err(c, &r, "string length past end in Quantity");
        } else if (skip_field(&r, wt) != 0) {
            return set_err(c, &r, "malformed field %u in Quantity", num);
        }
    }
    if (!s) {
        *out = json_string("0");
        return 0;
    }
    if (slen == 0)
        return set_err(c, NULL, "Quantity is an empty string");
    *out = string_value(s, slen);
    if (!*out)
        return set_err(c, NULL, "Quantity is not valid UTF-8");
    return 0;
}

/* Map entry {1: key, 2: value}, both strings, into obj. */
static int map_entry(struct ctx *c, const struct pb_field *f, const unsigned char *d, size_t n,
                     json_t *obj)
{
    struct reader r = {d, d + n, c->base};
    const unsigned char *k = (const unsigned char *)"", *v = (const unsigned char *)"";
    size_t klen = 0, vlen = 0;
    uint32_t num;
    unsigned wt;
    json_t *val;
    char *key;
    int rc;

    while (r.p < r.end) {
        if (read_key(&r, &num, &wt) != 0)
            return set_err(c, &r, "bad field key in %s entry", f->json);
        if ((num == 1 || num == 2) && wt == WT_LEN) {
            if (read_bytes(&r, num == 1 ? &k : &v, num == 1 ? &klen : &vlen) != 0)
                return set_err(c, &r, "%s entry length past end", f->json);
        } else if (skip_field(&r, wt) != 0) {
            return set_err(c, &r, "malformed field %u in %s entry", num, f->json);
        }
    }
    if (memchr(k, '\0', klen))
        return set_err(c, NULL, "%s key contains NUL", f->json);
    val = string_value(v, vlen);
    if (!val)
        return set_err(c, NULL, "%s value is not valid UTF-8", f->json);
    key = xstrndup((const char *)k, klen);
    /* jansson checks the key is UTF-8, and releases val if not */
    rc = json_object_set_new(obj, key, val);
    free(key);
    if (rc != 0)
        return set_err(c, NULL, "%s key is not valid UTF-8", f->json);
    return 0;
}

/* ---- messages ---------------------------------------------------------- */

static int decode_message(struct ctx *c, const struct pb_msg *m, const unsigned char *d, size_t n,
                          json_t *obj, int depth);

/* PB_MAP entry: decode it as f->msg ({1: key, 2: value}, absent parts
 * filled with their zero values) and set obj[key] = value. */
static int typed_map_entry(struct ctx *c, const struct pb_field *f, const unsigned char *d,
                           size_t n, json_t *obj, int depth)
{
    json_t *entry = json_object();
    const char *key;
    int rc;

    rc = decode_message(c, f->msg, d, n, entry, depth + 1);
    if (rc != 0)
        goto out_free_entry;
    /* fill_defaults gave both parts a value, so these hold for any input;
     * checked all the same, since the entry table is data */
    key = json_string_value(json_object_get(entry, "key"));
    if (!key || !json_object_get(entry, "value")) {
        rc = set_err(c, NULL, "%s: map entry without a key or value", f->json);
        goto out_free_entry;
    }
    json_object_set(obj, key, json_object_get(entry, "value"));
out_free_entry:
    json_decref(entry);
    return rc;
}

static const struct pb_field *find_field(const struct pb_msg *m, uint32_t num)
{
    for (const struct pb_field *f = m->fields; f->json; f++)
        if (f->num == num)
            return f;
    return NULL;
}

static bool is_varint_kind(enum pb_kind k)
{
    return k == PB_INT64 || k == PB_INT32 || k == PB_BOOL;
}

/* Whether a zero value of f is left out when present on the wire. */
static bool omits_zero(const struct pb_field *f)
{
    return (f->flags & PB_OMITEMPTY) && !(f->flags & (PB_REPEATED | PB_PTR));
}

static json_t *varint_value(const struct pb_field *f, uint64_t v)
{
    if (omits_zero(f) && v == 0)
        return NULL;
    switch (f->kind) {
    case PB_BOOL:
        return json_boolean(v != 0);
    case PB_INT32:
        return json_integer((int32_t)v);
    case PB_INT64:
    default:
        return json_integer((json_int_t)(int64_t)v);
    }
}

/* Store a decoded scalar value: append for repeated fields, else set
 * (last one wins, as in protobuf).  Takes v; NULL means "leave out" (an
 * omitempty zero, which also undoes an earlier occurrence's value). */
static void store(json_t *obj, const struct pb_field *f, json_t *v)
{
    if (!v) {
        if (!(f->flags & PB_REPEATED))
            json_object_del(obj, f->json);
        return;
    }
    if (f->flags & PB_REPEATED) {
        json_t *arr = json_object_get(obj, f->json);
        if (!json_is_array(arr)) {
            arr = json_array();
            json_object_set_new(obj, f->json, arr);
        }
        json_array_append_new(arr, v);
    } else {
        json_object_set_new(obj, f->json, v);
    }
}

/* Packed repeated varints: one length-delimited run of values. */
static int decode_packed(struct ctx *c, const struct pb_field *f, struct reader *r, json_t *obj)
{
    const unsigned char *d;
    size_t n;
    uint64_t v;

    if (read_bytes(r, &d, &n) != 0)
        return set_err(c, r, "%s: packed length past end", f->json);
    struct reader pr = {d, d + n, c->base};
    while (pr.p < pr.end) {
        if (read_varint(&pr, &v) != 0)
            return set_err(c, &pr, "%s: truncated packed varint", f->json);
        store(obj, f, varint_value(f, v));
    }
    return 0;
}

/* Decode one length-delimited field f with payload d/n into obj. */
static int decode_len_field(struct ctx *c, const struct pb_msg *m, const struct pb_field *f,
                            const unsigned char *d, size_t n, json_t *obj, int depth)
{
    json_t *v = NULL;
    int64_t sec;
    int32_t nsec;
    char tbuf[96];
    int rc;

    switch (f->kind) {
    case PB_STRING:
        v = string_value(d, n);
        if (!v)
            return set_err(c, NULL, "%s.%s is not valid UTF-8 or holds a NUL", m->name, f->json);
        if (omits_zero(f) && n == 0) {
            json_decref(v);
            v = NULL;
        }
        break;
    case PB_MESSAGE: {
        json_t *sub;
        if (f->flags & PB_INLINE)
            return decode_message(c, f->msg, d, n, obj, depth + 1);
        if (f->flags & PB_REPEATED) {
            sub = json_object();
            rc = decode_message(c, f->msg, d, n, sub, depth + 1);
            if (rc != 0) {
                json_decref(sub);
                return rc;
            }
            v = sub;
            break;
        }
        /* A repeated occurrence of a singular message merges into it. */
        sub = json_object_get(obj, f->json);
        if (!json_is_object(sub)) {
            sub = json_object();
            json_object_set_new(obj, f->json, sub);
        }
        return decode_message(c, f->msg, d, n, sub, depth + 1);
    }
    case PB_MAP_SS: {
        json_t *map = json_object_get(obj, f->json);
        if (!json_is_object(map)) {
            map = json_object();
            json_object_set_new(obj, f->json, map);
        }
        return map_entry(c, f, d, n, map);
    }
    case PB_MAP: {
        json_t *map = json_object_get(obj, f->json);
        if (!json_is_object(map)) {
            map = json_object();
            json_object_set_new(obj, f->json, map);
        }
        return typed_map_entry(c, f, d, n, map, depth);
    }
    case PB_TIME:
    case PB_MICROTIME:
        /* Empty bytes are Go's zero time, which JSON writes as null. */
        if (n == 0) {
            v = json_null();
            break;
        }
        rc = read_timestamp(c, d, n, &sec, &nsec);
        if (rc != 0)
            return rc;
        /* Go keeps whole seconds of a Time and microseconds of a MicroTime. */
        if (f->kind == PB_TIME)
            nsec = 0;
        if (sec == PB_ZERO_TIME_SEC && nsec >= 0 && nsec < 1000) {
            v = json_null();
            break;
        }
        if (format_time(sec, nsec, f->kind == PB_MICROTIME, tbuf, sizeof tbuf) != 0)
            return set_err(c, NULL, "%s.%s: time out of range", m->name, f->json);
        v = json_string(tbuf);
        break;
    case PB_RAW_JSON:
        rc = raw_json_value(c, d, n, &v);
        if (rc != 0)
            return rc;
        break;
    case PB_INTORSTR:
        rc = intorstr_value(c, d, n, &v);
        if (rc != 0)
            return rc;
        break;
    case PB_QUANTITY:
        rc = quantity_value(c, d, n, &v);
        if (rc != 0)
            return rc;
        break;
    default:
        return set_err(c, NULL, "%s.%s: unexpected length-delimited value", m->name, f->json);
    }
    store(obj, f, v);
    return 0;
}

/* Give the fields of m that obj lacks what Go's encoding/json writes for
 * a zero field (rules in protobuf_int.h).  A nested message is built and
 * filled too; descriptors nest non-pointer messages only a few levels, and
 * depth bounds a table that would not. */
static int fill_defaults(struct ctx *c, const struct pb_msg *m, json_t *obj, int depth)
{
    if (depth > PB_MAX_DEPTH)
        return set_err(c, NULL, "%s: nested too deeply", m->name);
    for (const struct pb_field *f = m->fields; f->json; f++) {
        json_t *v = NULL;
        bool omit = (f->flags & PB_OMITEMPTY) != 0;
        int rc;

        if (f->flags & PB_INLINE) {
            rc = fill_defaults(c, f->msg, obj, depth + 1);
            if (rc != 0)
                return rc;
            continue;
        }
        if (json_object_get(obj, f->json))
            continue;
        if (++c->values > PB_MAX_VALUES)
            return set_err(c, NULL, "the object has more than %d values", PB_MAX_VALUES);
        if ((f->flags & (PB_REPEATED | PB_PTR)) || f->kind == PB_MAP || f->kind == PB_MAP_SS) {
            if (!omit)
                json_object_set_new(obj, f->json, json_null());
            continue;
        }
        switch (f->kind) {
        case PB_STRING:
            v = omit ? NULL : json_string("");
            break;
        case PB_INT64:
        case PB_INT32:
            v = omit ? NULL : json_integer(0);
            break;
        case PB_BOOL:
            v = omit ? NULL : json_false();
            break;
        case PB_MESSAGE:
            v = json_object();
            rc = fill_defaults(c, f->msg, v, depth + 1);
            if (rc != 0) {
                json_decref(v);
                return rc;
            }
            break;
        case PB_INTORSTR:
            v = json_integer(0);
            break;
        case PB_QUANTITY:
            v = json_string("0");
            break;
        case PB_TIME:
        case PB_MICROTIME:
        case PB_RAW_JSON:
        default:
            v = json_null();
            break;
        }
        if (v)
            json_object_set_new(obj, f->json, v);
    }
    return 0;
}

/* Decode message m from d/n, adding its fields to obj, then fill in the
 * fields the wire left out. */
static int decode_message(struct ctx *c, const struct pb_msg *m, const unsigned char *d, size_t n,
                          json_t *obj, int depth)
{
    struct reader r = {d, d + n, c->base};

    if (depth > PB_MAX_DEPTH)
        return set_err(c, &r, "%s: nested too deeply", m->name);
    while (r.p < r.end) {
        uint32_t num;
        unsigned wt;
        const struct pb_field *f;
        int rc;

        if (read_key(&r, &num, &wt) != 0)
            return set_err(c, &r, "%s: bad field key", m->name);
        if (++c->values > PB_MAX_VALUES)
            return set_err(c, &r, "the object has more than %d values", PB_MAX_VALUES);
        f = find_field(m, num);
        if (!f) {
            if (skip_field(&r, wt) != 0)
                return set_err(c, &r, "%s: malformed unknown field %u", m->name, num);
            continue;
        }
        if (is_varint_kind(f->kind)) {
            uint64_t v;
            if (wt == WT_LEN && (f->flags & PB_REPEATED)) {
                rc = decode_packed(c, f, &r, obj);
                if (rc != 0)
                    return rc;
                continue;
            }
            if (wt != WT_VARINT)
                return set_err(c, &r, "%s.%s: wire type %u, want varint", m->name, f->json, wt);
            if (read_varint(&r, &v) != 0)
                return set_err(c, &r, "%s.%s: truncated varint", m->name, f->json);
            store(obj, f, varint_value(f, v));
        } else {
            const unsigned char *pd;
            size_t pn;
            if (wt != WT_LEN)
                return set_err(c, &r, "%s.%s: wire type %u, want length-delimited", m->name,
                               f->json, wt);
            if (read_bytes(&r, &pd, &pn) != 0)
                return set_err(c, &r, "%s.%s: length past end", m->name, f->json);
            rc = decode_len_field(c, m, f, pd, pn, obj, depth);
            if (rc != 0)
                return rc;
        }
    }
    return fill_defaults(c, m, obj, depth);
}

/* ---- envelope ---------------------------------------------------------- */

/* The parts of runtime.Unknown we use; pointers into the body. */
struct envelope {
    const unsigned char *api_version; /* TypeMeta.apiVersion */
    size_t api_version_len;
    const unsigned char *kind; /* TypeMeta.kind */
    size_t kind_len;
    const unsigned char *raw; /* the object's bytes */
    size_t raw_len;
    size_t encoding_len; /* contentEncoding length; non-zero means compressed */
};

static int parse_type_meta(struct ctx *c, const unsigned char *d, size_t n, struct envelope *e)
{
    struct reader r = {d, d + n, c->base};
    uint32_t num;
    unsigned wt;

    while (r.p < r.end) {
        if (read_key(&r, &num, &wt) != 0)
            return set_err(c, &r, "TypeMeta: bad field key");
        if ((num == 1 || num == 2) && wt == WT_LEN) {
            int rc = num == 1 ? read_bytes(&r, &e->api_version, &e->api_version_len)
                              : read_bytes(&r, &e->kind, &e->kind_len);
            if (rc != 0)
                return set_err(c, &r, "TypeMeta: length past end");
        } else if (skip_field(&r, wt) != 0) {
            return set_err(c, &r, "TypeMeta: malformed field %u", num);
        }
    }
    return 0;
}

static int parse_envelope(struct ctx *c, const unsigned char *d, size_t n, struct envelope *e)
{
    struct reader r = {d, d + n, c->base};
    uint32_t num;
    unsigned wt;
    const unsigned char *pd;
    size_t pn;

    while (r.p < r.end) {
        if (read_key(&r, &num, &wt) != 0)
            return set_err(c, &r, "envelope: bad field key");
        if (num >= 1 && num <= 4 && wt == WT_LEN) {
            if (read_bytes(&r, &pd, &pn) != 0)
                return set_err(c, &r, "envelope: field %u length past end", num);
            if (num == 1) {
                int rc = parse_type_meta(c, pd, pn, e);
                if (rc != 0)
                    return rc;
            } else if (num == 2) {
                e->raw = pd;
                e->raw_len = pn;
            } else if (num == 3) {
                e->encoding_len = pn;
            }
        } else if (num >= 1 && num <= 4) {
            return set_err(c, &r, "envelope: field %u has wire type %u", num, wt);
        } else if (skip_field(&r, wt) != 0) {
            return set_err(c, &r, "envelope: malformed field %u", num);
        }
    }
    return 0;
}

static const struct pb_kind_desc *find_kind(const struct envelope *e)
{
    for (const struct pb_kind_desc *k = pb__kinds; k->kind; k++) {
        if (strlen(k->kind) != e->kind_len || memcmp(k->kind, e->kind, e->kind_len) != 0)
            continue;
        if (k->api_version && (strlen(k->api_version) != e->api_version_len ||
                               memcmp(k->api_version, e->api_version, e->api_version_len) != 0))
            continue;
        return k;
    }
    return NULL;
}

int pb_decode_object(const unsigned char *buf, size_t len, json_t **out, char **err)
{
    struct ctx c = {.base = buf};
    struct envelope e = {0};
    const struct pb_kind_desc *k;
    json_t *obj = NULL, *av = NULL, *kd = NULL;
    int rc;

    if (out)
        *out = NULL;
    if (err)
        *err = NULL;
    if (!buf || !out) {
        rc = set_err(&c, NULL, "no body");
        goto out_report;
    }
    if (len < sizeof pb_magic || memcmp(buf, pb_magic, sizeof pb_magic) != 0) {
        rc = set_err(&c, NULL, "body does not start with the k8s protobuf magic");
        goto out_report;
    }
    rc = parse_envelope(&c, buf + sizeof pb_magic, len - sizeof pb_magic, &e);
    if (rc != 0)
        goto out_report;
    if (e.kind_len == 0 || e.api_version_len == 0) {
        rc = set_err(&c, NULL, "envelope lacks apiVersion or kind");
        goto out_report;
    }
    av = json_stringn((const char *)e.api_version, e.api_version_len);
    kd = json_stringn((const char *)e.kind, e.kind_len);
    if (!av || !kd) {
        rc = set_err(&c, NULL, "envelope apiVersion or kind is not valid UTF-8");
        goto out_free_names;
    }
    if (e.encoding_len != 0) {
        free(c.err);
        c.err = xstrdup("protobuf: compressed (contentEncoding) bodies are not supported");
        rc = EN_UNSUPPORTED;
        goto out_free_names;
    }
    k = find_kind(&e);
    if (!k) {
        c.err = xasprintf("protobuf: no decoder for kind %s in version %s", json_string_value(kd),
                          json_string_value(av));
        rc = EN_UNSUPPORTED;
        goto out_free_names;
    }
    obj = json_object();
    json_object_set(obj, "apiVersion", av);
    json_object_set(obj, "kind", kd);
    /* No raw bytes is an object with every field unset. */
    rc = decode_message(&c, k->msg, e.raw ? e.raw : buf, e.raw ? e.raw_len : 0, obj, 0);
    if (rc != 0) {
        json_decref(obj);
        goto out_free_names;
    }
    *out = obj;
out_free_names:
    json_decref(av);
    json_decref(kd);
out_report:
    if (err && c.err) {
        *err = c.err;
        c.err = NULL;
    }
    free(c.err);
    return rc;
}
