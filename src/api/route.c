/*
 * route.c -- parse Kubernetes resource URLs:
 *   /api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUB]]
 *   /apis/GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME[/SUB]]
 *   /api/v1/namespaces[/NAME[/status|/finalize]]   (namespaces themselves)
 */
#include <string.h>

#include "api/api_int.h"

#define ROUTE_MAX_SEGS 8

static int route_split(const char *url, char segs[ROUTE_MAX_SEGS][254], int *n)
{
    const char *p = url;
    *n = 0;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *q = strchr(p, '/');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        if (*n >= ROUTE_MAX_SEGS || len >= 254 || len == 0)
            return -1;
        memcpy(segs[*n], p, len);
        segs[*n][len] = '\0';
        (*n)++;
        p += len;
    }
    return 0;
}

static int route_copy(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

int api_route_parse(const char *url, api_route *rt)
{
    char segs[ROUTE_MAX_SEGS][254];
    int n, i;

    memset(rt, 0, sizeof *rt);
    if (route_split(url, segs, &n) || n < 2)
        return -404;
    if (strcmp(segs[0], "api") == 0) {
        if (strcmp(segs[1], "v1") != 0)
            return -404;
        strcpy(rt->version, "v1");
        i = 2;
    } else if (strcmp(segs[0], "apis") == 0) {
        if (n < 3 || route_copy(rt->group, sizeof rt->group, segs[1]) ||
            route_copy(rt->version, sizeof rt->version, segs[2]))
            return -404;
        i = 3;
    } else {
        return -404;
    }
    if (i >= n)
        return -404;
    /* Namespaces themselves, or the namespace prefix of namespaced kinds. */
    if (strcmp(segs[i], "namespaces") == 0 && n - i >= 3 && !rt->group[0] &&
        strcmp(segs[i + 2], "status") != 0 && strcmp(segs[i + 2], "finalize") != 0) {
        if (route_copy(rt->ns, sizeof rt->ns, segs[i + 1]))
            return -404;
        i += 2;
    } else if (strcmp(segs[i], "namespaces") == 0 && n - i >= 3 && rt->group[0]) {
        if (route_copy(rt->ns, sizeof rt->ns, segs[i + 1]))
            return -404;
        i += 2;
    }
    if (i >= n || n - i > 3)
        return -404;
    rt->kind = types_by_resource(rt->group, rt->version, segs[i]);
    if (!rt->kind)
        return -404;
    if (!rt->kind->namespaced && rt->ns[0])
        return -404;
    if (n - i >= 2 && route_copy(rt->name, sizeof rt->name, segs[i + 1]))
        return -404;
    if (n - i == 3 && route_copy(rt->sub, sizeof rt->sub, segs[i + 2]))
        return -404;
    return 0;
}
