/*
 * pb_enc.h -- test-only helpers for the protobuf decoder tests: a tiny
 * protobuf encoder with nested messages (pbe_begin/pbe_end), the Kubernetes
 * value messages (Time, Quantity, IntOrString, map entries) and the
 * "k8s\0" + runtime.Unknown envelope; and JSON assertions by path
 * ("spec.containers[0].ports[1].containerPort").
 *
 * Expected JSON in pbt_eq is written with single quotes for readability
 * ("{'a':'b'}"); they become double quotes before parsing, so expected
 * values cannot contain a single quote.
 *
 * Everything is static inline so each test file uses what it needs.
 */
#ifndef EVERYNODE_TEST_PB_ENC_H
#define EVERYNODE_TEST_PB_ENC_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protobuf/protobuf.h"

/* ---- encoder -------------------------------------------------------------- */

typedef struct {
    unsigned char b[65536]; /* encoded bytes */
    size_t n;               /* bytes used */
    size_t open[40];        /* payload start of each message begun and not ended */
    int depth;              /* messages open */
} pbe;

static inline void pbe_init(pbe *e)
{
    e->n = 0;
    e->depth = 0;
}

static inline void pbe_raw(pbe *e, const void *d, size_t n)
{
    assert_true(e->n + n <= sizeof e->b);
    memcpy(e->b + e->n, d, n);
    e->n += n;
}

static inline size_t pbe_varint_to(unsigned char *out, uint64_t v)
{
    size_t n = 0;
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        if (v)
            c |= 0x80;
        out[n++] = c;
    } while (v);
    return n;
}

static inline void pbe_varint(pbe *e, uint64_t v)
{
    unsigned char tmp[10];
    pbe_raw(e, tmp, pbe_varint_to(tmp, v));
}

static inline void pbe_key(pbe *e, uint32_t num, unsigned wt)
{
    pbe_varint(e, ((uint64_t)num << 3) | wt);
}

/* A varint field; negative int32/int64 values travel sign-extended, as Go
 * writes them. */
static inline void pbe_int(pbe *e, uint32_t num, int64_t v)
{
    pbe_key(e, num, 0);
    pbe_varint(e, (uint64_t)v);
}

static inline void pbe_bool(pbe *e, uint32_t num, int v)
{
    pbe_int(e, num, v ? 1 : 0);
}

static inline void pbe_bytes(pbe *e, uint32_t num, const void *d, size_t n)
{
    pbe_key(e, num, 2);
    pbe_varint(e, n);
    pbe_raw(e, d, n);
}

static inline void pbe_str(pbe *e, uint32_t num, const char *s)
{
    pbe_bytes(e, num, s, strlen(s));
}

/* Open a nested message field; its length is written by pbe_end. */
static inline void pbe_begin(pbe *e, uint32_t num)
{
    assert_true(e->depth < (int)(sizeof e->open / sizeof e->open[0]));
    pbe_key(e, num, 2);
    e->open[e->depth++] = e->n;
}

static inline void pbe_end(pbe *e)
{
    unsigned char tmp[10];
    size_t start, len, vl;

    assert_true(e->depth > 0);
    start = e->open[--e->depth];
    len = e->n - start;
    vl = pbe_varint_to(tmp, len);
    assert_true(e->n + vl <= sizeof e->b);
    memmove(e->b + start + vl, e->b + start, len);
    memcpy(e->b + start, tmp, vl);
    e->n += vl;
}

/* A present but empty message (Go writes non-pointer structs always). */
static inline void pbe_empty(pbe *e, uint32_t num)
{
    pbe_begin(e, num);
    pbe_end(e);
}

/* A message field holding an already encoded message. */
static inline void pbe_msg(pbe *e, uint32_t num, const pbe *sub)
{
    pbe_bytes(e, num, sub->b, sub->n);
}

/* map<string,string> entry. */
static inline void pbe_map(pbe *e, uint32_t num, const char *k, const char *v)
{
    pbe_begin(e, num);
    pbe_str(e, 1, k);
    pbe_str(e, 2, v);
    pbe_end(e);
}

/* resource.Quantity {1: string}. */
static inline void pbe_qty(pbe *e, uint32_t num, const char *q)
{
    pbe_begin(e, num);
    pbe_str(e, 1, q);
    pbe_end(e);
}

/* map<string,Quantity> (ResourceList) entry. */
static inline void pbe_res(pbe *e, uint32_t num, const char *name, const char *q)
{
    pbe_begin(e, num);
    pbe_str(e, 1, name);
    pbe_qty(e, 2, q);
    pbe_end(e);
}

/* metav1.Time / MicroTime {1: seconds, 2: nanos}. */
static inline void pbe_time(pbe *e, uint32_t num, int64_t sec, int32_t nsec)
{
    pbe_begin(e, num);
    pbe_int(e, 1, sec);
    if (nsec)
        pbe_int(e, 2, nsec);
    pbe_end(e);
}

/* intstr.IntOrString as Go writes it: {1: type, 2: intVal, 3: strVal}. */
static inline void pbe_ios_int(pbe *e, uint32_t num, int32_t v)
{
    pbe_begin(e, num);
    pbe_int(e, 1, 0);
    pbe_int(e, 2, v);
    pbe_str(e, 3, "");
    pbe_end(e);
}

static inline void pbe_ios_str(pbe *e, uint32_t num, const char *s)
{
    pbe_begin(e, num);
    pbe_int(e, 1, 1);
    pbe_int(e, 2, 0);
    pbe_str(e, 3, s);
    pbe_end(e);
}

/* "k8s\0" + runtime.Unknown{TypeMeta{apiVersion, kind}, raw, "", ""}. */
static inline void pbe_envelope(pbe *out, const char *api_version, const char *kind,
                                const pbe *raw)
{
    pbe_init(out);
    pbe_raw(out, "k8s\0", 4);
    pbe_begin(out, 1);
    pbe_str(out, 1, api_version);
    pbe_str(out, 2, kind);
    pbe_end(out);
    pbe_msg(out, 2, raw);
    pbe_str(out, 3, "");
    pbe_str(out, 4, "");
}

/* ---- decoding and JSON assertions ------------------------------------------ */

/* Decode an object message as kind/apiVersion; fails the test on error.
 * The caller frees the result. */
static inline json_t *pbt_decode(const char *api_version, const char *kind, const pbe *raw)
{
    static pbe body; /* 64 KiB: too big for the stack of some test runners */
    json_t *out = NULL;
    char *err = NULL;
    int rc;

    assert_int_equal(raw->depth, 0);
    pbe_envelope(&body, api_version, kind, raw);
    rc = pb_decode_object(body.b, body.n, &out, &err);
    if (rc != 0)
        fail_msg("decode of %s failed (%d): %s", kind, rc, err ? err : "(no message)");
    assert_null(err);
    assert_non_null(out);
    return out;
}

/* Decode expecting failure; returns the error message (caller frees). */
static inline char *pbt_decode_err(const char *api_version, const char *kind, const pbe *raw)
{
    static pbe body;
    json_t *out = NULL;
    char *err = NULL;
    int rc;

    pbe_envelope(&body, api_version, kind, raw);
    rc = pb_decode_object(body.b, body.n, &out, &err);
    if (rc == 0) {
        char *s = json_dumps(out, JSON_COMPACT);
        fail_msg("decode of %s succeeded, want an error: %s", kind, s);
    }
    assert_null(out);
    assert_non_null(err);
    return err;
}

/* The value at a path of object keys and [index]es ("a.b[2].c"); NULL when
 * any step is missing.  Keys may not contain '.' or '['. */
static inline json_t *pbt_at(json_t *root, const char *path)
{
    json_t *cur = root;
    const char *p = path;
    char seg[256];

    while (cur && *p) {
        if (*p == '[') {
            char *end;
            long i = strtol(p + 1, &end, 10);
            if (*end != ']' || !json_is_array(cur))
                return NULL;
            cur = json_array_get(cur, (size_t)i);
            p = end + 1;
        } else {
            size_t n = strcspn(p, ".[");
            assert_true(n < sizeof seg);
            memcpy(seg, p, n);
            seg[n] = '\0';
            if (!json_is_object(cur))
                return NULL;
            cur = json_object_get(cur, seg);
            p += n;
        }
        if (*p == '.')
            p++;
    }
    return cur;
}

/* Assert the value at path equals the JSON `want` (single quotes allowed). */
static inline void pbt_eq(json_t *root, const char *path, const char *want)
{
    char *w = strdup(want), *got;
    json_error_t jerr;
    json_t *wj, *v;

    for (char *q = w; *q; q++)
        if (*q == '\'')
            *q = '"';
    wj = json_loads(w, JSON_DECODE_ANY, &jerr);
    if (!wj)
        fail_msg("bad expected JSON for %s: %s (%s)", path, want, jerr.text);
    v = pbt_at(root, path);
    if (!v || !json_equal(v, wj)) {
        got = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : strdup("(absent)");
        fail_msg("%s:\n  got  %s\n  want %s", path, got, w);
    }
    json_decref(wj);
    free(w);
}

/* Assert the last key of path is missing from its object, which must
 * exist (so that a mistyped path cannot pass). */
static inline void pbt_absent(json_t *root, const char *path)
{
    const char *dot = strrchr(path, '.');
    char parent[256];
    json_t *obj = root, *v;

    if (dot) {
        assert_true((size_t)(dot - path) < sizeof parent);
        memcpy(parent, path, (size_t)(dot - path));
        parent[dot - path] = '\0';
        obj = pbt_at(root, parent);
    }
    if (!json_is_object(obj))
        fail_msg("%s: the enclosing object is missing", path);
    v = json_object_get(obj, dot ? dot + 1 : path);
    if (v) {
        char *got = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        fail_msg("%s: want absent, got %s", path, got);
    }
}

/* Assert the object at path has exactly the keys of the comma-separated
 * list, in any order. */
static inline void pbt_keys(json_t *root, const char *path, const char *keys)
{
    json_t *obj = path[0] ? pbt_at(root, path) : root;
    size_t want = 0;
    const char *p = keys;

    if (!json_is_object(obj))
        fail_msg("%s: not an object", path);
    while (*p) {
        size_t n = strcspn(p, ",");
        char key[128];
        assert_true(n < sizeof key);
        memcpy(key, p, n);
        key[n] = '\0';
        if (!json_object_get(obj, key))
            fail_msg("%s: key %s missing", path, key);
        want++;
        p += n;
        if (*p == ',')
            p++;
    }
    if (json_object_size(obj) != want) {
        char *got = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
        fail_msg("%s: %zu keys, want %zu (%s): %s", path, json_object_size(obj), want, keys, got);
    }
}

/* Assert the whole object serialises (keys sorted) exactly as want. */
static inline void pbt_whole(json_t *obj, const char *want)
{
    char *w = strdup(want), *got;
    json_error_t jerr;
    json_t *wj;

    for (char *q = w; *q; q++)
        if (*q == '\'')
            *q = '"';
    wj = json_loads(w, 0, &jerr);
    if (!wj)
        fail_msg("bad expected JSON: %s (%s)", want, jerr.text);
    if (!json_equal(obj, wj)) {
        got = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
        char *ws = json_dumps(wj, JSON_COMPACT | JSON_SORT_KEYS);
        fail_msg("\n  got  %s\n  want %s", got, ws);
    }
    json_decref(wj);
    free(w);
}

/* ---- mutations ----------------------------------------------------------- */

/* Decode `rounds` randomly mutated copies of the body seed/n (bit flips,
 * random bytes, truncation, insertion, deletion past the magic) from a
 * deterministic generator: each must decode to an object with a kind or
 * fail with a message and no output.  Run under ASan+UBSan, this checks
 * that no input reads out of bounds, leaks or crashes. */
static inline void pbt_mutate(const unsigned char *seed, size_t n, int rounds, uint64_t rng)
{
    static unsigned char buf[70000];

    assert_true(n + 16 <= sizeof buf && n > 4);
    for (int r = 0; r < rounds; r++) {
        size_t len = n;
        memcpy(buf, seed, n);
        int edits = 1 + (int)(rng % 4);
        for (int k = 0; k < edits; k++) {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            size_t at = 4 + (len > 4 ? (size_t)(rng >> 8) % (len - 4) : 0);
            switch (rng % 5) {
            case 0:
                if (at < len)
                    buf[at] ^= (unsigned char)(1u << ((rng >> 40) % 8));
                break;
            case 1:
                if (at < len)
                    buf[at] = (unsigned char)(rng >> 32);
                break;
            case 2:
                len = at;
                break;
            case 3:
                if (len < sizeof buf && at <= len) {
                    memmove(buf + at + 1, buf + at, len - at);
                    buf[at] = (unsigned char)(rng >> 24);
                    len++;
                }
                break;
            default:
                if (at < len) {
                    memmove(buf + at, buf + at + 1, len - at - 1);
                    len--;
                }
                break;
            }
        }
        /* an exact-size heap copy, so ASan sees any read past the end */
        unsigned char *heap = malloc(len ? len : 1);
        assert_non_null(heap);
        memcpy(heap, buf, len);
        json_t *out = NULL;
        char *err = NULL;
        int rc = pb_decode_object(heap, len, &out, &err);
        if (rc == 0) {
            assert_true(json_is_object(out));
            assert_non_null(json_object_get(out, "kind"));
            assert_null(err);
            char *s = json_dumps(out, JSON_COMPACT);
            assert_non_null(s);
            free(s);
        } else {
            assert_null(out);
            assert_non_null(err);
        }
        json_decref(out);
        free(err);
        free(heap);
    }
}

#endif /* EVERYNODE_TEST_PB_ENC_H */
