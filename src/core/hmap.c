/*
 * hmap.c -- string-keyed open-addressing hash map (see core.h).
 *
 * Linear probing with tombstones; grows at 70% occupancy (live + dead).
 * Used by the cache's per-kind indexes and by controllers.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

struct hmap_slot {
    char *key; /* owned copy, NULL = empty, HMAP_TOMB = deleted */
    void *val;
    uint64_t hash;
};

/* Marker for a deleted slot (distinct from any real pointer). */
static char hmap_tomb_marker;
#define HMAP_TOMB (&hmap_tomb_marker)

static uint64_t hmap_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

void hmap_init(hmap *m)
{
    memset(m, 0, sizeof *m);
}

void hmap_release(hmap *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap && !m->borrowed; i++)
        if (m->slots[i].key && m->slots[i].key != HMAP_TOMB)
            free(m->slots[i].key);
    free(m->slots);
    hmap_init(m);
}

static struct hmap_slot *hmap_find(const hmap *m, const char *key, uint64_t h)
{
    if (!m->cap)
        return NULL;
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct hmap_slot *s = &m->slots[i];
        if (!s->key)
            return NULL;
        if (s->key != HMAP_TOMB && s->hash == h && strcmp(s->key, key) == 0)
            return s;
    }
}

static void hmap_resize(hmap *m, size_t cap)
{
    struct hmap_slot *old = m->slots;
    size_t oldcap = m->cap;
    m->slots = xcalloc(cap, sizeof *m->slots);
    m->cap = cap;
    m->used = m->len;
    for (size_t i = 0; i < oldcap; i++) {
        if (!old[i].key || old[i].key == HMAP_TOMB)
            continue;
        size_t j = old[i].hash & (cap - 1);
        while (m->slots[j].key)
            j = (j + 1) & (cap - 1);
        m->slots[j] = old[i];
    }
    free(old);
}

void hmap_reserve(hmap *m, size_t n)
{
    size_t cap = 16;
    /* Same load bound as hmap_put: used stays under 70% of cap. */
    while ((n + 1) * 10 >= cap * 7)
        cap *= 2;
    if (cap > m->cap)
        hmap_resize(m, cap);
}

void hmap_clear(hmap *m)
{
    for (size_t i = 0; i < m->cap && !m->borrowed; i++)
        if (m->slots[i].key && m->slots[i].key != HMAP_TOMB)
            free(m->slots[i].key);
    if (m->cap)
        memset(m->slots, 0, m->cap * sizeof *m->slots);
    m->len = m->used = 0;
}

void hmap_init_borrowed(hmap *m, size_t hint)
{
    hmap_init(m);
    m->borrowed = true;
    hmap_reserve(m, hint);
}

void *hmap_get(const hmap *m, const char *key)
{
    struct hmap_slot *s = hmap_find(m, key, hmap_hash(key));
    return s ? s->val : NULL;
}

void *hmap_put(hmap *m, const char *key, void *val)
{
    uint64_t h = hmap_hash(key);
    struct hmap_slot *s = hmap_find(m, key, h);
    if (s) {
        void *prev = s->val;
        s->val = val;
        return prev;
    }
    if ((m->used + 1) * 10 >= m->cap * 7)
        hmap_resize(m, m->cap ? (m->len * 2 >= m->cap ? m->cap * 2 : m->cap) : 16);
    size_t mask = m->cap - 1, i = h & mask;
    while (m->slots[i].key && m->slots[i].key != HMAP_TOMB)
        i = (i + 1) & mask;
    if (!m->slots[i].key)
        m->used++;
    m->slots[i].key = m->borrowed ? (char *)key : xstrdup(key);
    m->slots[i].val = val;
    m->slots[i].hash = h;
    m->len++;
    return NULL;
}

void *hmap_del(hmap *m, const char *key)
{
    struct hmap_slot *s = hmap_find(m, key, hmap_hash(key));
    if (!s)
        return NULL;
    void *prev = s->val;
    if (!m->borrowed)
        free(s->key);
    s->key = HMAP_TOMB;
    s->val = NULL;
    m->len--;
    return prev;
}

bool hmap_next(const hmap *m, size_t *pos, const char **key, void **val)
{
    for (; *pos < m->cap; (*pos)++) {
        struct hmap_slot *s = &m->slots[*pos];
        if (s->key && s->key != HMAP_TOMB) {
            if (key)
                *key = s->key;
            if (val)
                *val = s->val;
            (*pos)++;
            return true;
        }
    }
    return false;
}
