/*
 * json.c -- jansson helpers shared by every module (see core.h).
 */
#include "core.h"

#include <string.h>

json_t *json_path(json_t *root, const char *dotted)
{
    char seg[256];
    const char *p = dotted;
    json_t *cur = root;

    while (cur && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof seg || !json_is_object(cur))
            return NULL;
        memcpy(seg, p, n);
        seg[n] = '\0';
        cur = json_object_get(cur, seg);
        p += n;
        if (*p == '.')
            p++;
    }
    return cur;
}

const char *json_path_str(json_t *root, const char *dotted)
{
    return json_string_value(json_path(root, dotted));
}

json_t *json_obj_ensure(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_object(v))
        return v;
    v = json_object();
    json_object_set_new(obj, key, v);
    return v;
}

static char *json_dump_flags(const json_t *v, size_t *len, size_t flags)
{
    char *s = json_dumps(v, flags | JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        en_fatal("json_dumps failed");
    if (len)
        *len = strlen(s);
    return s;
}

char *json_dump_compact(const json_t *v, size_t *len)
{
    return json_dump_flags(v, len, JSON_SORT_KEYS);
}

char *json_dump_ordered(const json_t *v, size_t *len)
{
    return json_dump_flags(v, len, JSON_PRESERVE_ORDER);
}
