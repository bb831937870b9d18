/*
 * ref.c -- image references: parsing by the grammar of the distribution
 * project's reference package, and Docker's normalisation of short names.
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain "/" ] path-component { "/" path-component }
 *   domain    := host-component { "." host-component } [ ":" port ]
 *                | "[" ipv6 "]" [ ":" port ]
 *   path-component := [a-z0-9]+ { ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ }
 *   tag       := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
 *   digest    := "sha256:" 64 lowercase hex digits (the only algorithm the
 *                store knows)
 *
 * The first component is a domain only when it contains '.' or ':', is
 * "localhost", or has upper-case letters (Docker's rule); otherwise the
 * registry is docker.io, where one-component names live under "library/".
 * A name without tag or digest gets ":latest".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_int.h"

#define REF_MAX_NAME 255
#define REF_MAX_TAG 128

bool image__digest_valid(const char *d)
{
    if (!d || strncmp(d, "sha256:", 7) != 0)
        return false;
    d += 7;
    for (int i = 0; i < 64; i++) {
        if (!((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f')))
            return false;
    }
    return d[64] == '\0';
}

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component [s, s+n). */
static bool path_component_valid(const char *s, size_t n)
{
    size_t i = 0;

    if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
        return false;
    while (i < n) {
        if (is_lower_alnum(s[i])) {
            i++;
            continue;
        }
        /* A separator: ".", "_", "__" or a run of "-", then alphanumerics. */
        if (s[i] == '.') {
            i++;
        } else if (s[i] == '_') {
            i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
        } else if (s[i] == '-') {
            while (i < n && s[i] == '-')
                i++;
        } else {
            return false;
        }
        if (i >= n || !is_lower_alnum(s[i]))
            return false;
    }
    return true;
}

static bool port_valid(const char *s, size_t n)
{
    if (n == 0 || n > 5)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

/* A domain [s, s+n): host components with an optional port, or [ipv6]. */
static bool domain_valid(const char *s, size_t n)
{
    size_t i = 0, start;

    if (n == 0)
        return false;
    if (s[0] == '[') {
        while (i < n && s[i] != ']')
            i++;
        if (i >= n || i < 3)
            return false;
        for (size_t j = 1; j < i; j++) {
            if (!isxdigit((unsigned char)s[j]) && s[j] != ':' && s[j] != '.')
                return false;
        }
        i++;
        if (i == n)
            return true;
        return s[i] == ':' && port_valid(s + i + 1, n - i - 1);
    }
    for (;;) {
        start = i;
        while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-'))
            i++;
        if (i == start || s[start] == '-' || s[i - 1] == '-')
            return false;
        if (i == n)
            return true;
        if (s[i] == ':')
            return port_valid(s + i + 1, n - i - 1);
        if (s[i] != '.')
            return false;
        i++;
    }
}

static bool tag_valid(const char *t)
{
    size_t n = strlen(t);

    if (n == 0 || n > REF_MAX_TAG)
        return false;
    if (!isalnum((unsigned char)t[0]) && t[0] != '_')
        return false;
    for (size_t i = 1; i < n; i++) {
        if (!isalnum((unsigned char)t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
            return false;
    }
    return true;
}

static bool is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (int i = 0; i < 64; i++) {
        if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
            return false;
    }
    return true;
}

void image__ref_release(image__ref *r)
{
    if (!r)
        return;
    free(r->domain);
    free(r->path);
    free(r->tag);
    free(r->digest);
    memset(r, 0, sizeof *r);
}

int image__ref_parse(const char *s, image__ref *out, char **err)
{
    char *work = NULL, *at, *slash, *colon, *name;
    const char *why = NULL;
    size_t dlen;
    int rc = EN_INVALID;

    memset(out, 0, sizeof *out);
    if (!s || !*s) {
        why = "empty image reference";
        goto out;
    }
    if (strlen(s) > 4096) {
        why = "image reference too long";
        goto out;
    }
    for (const char *p = s; *p; p++) {
        if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p)) {
            why = "invalid reference format: white space or control character";
            goto out;
        }
    }
    work = xstrdup(s);
    at = strchr(work, '@');
    if (at) {
        *at = '\0';
        if (!image__digest_valid(at + 1)) {
            why = strncmp(at + 1, "sha256:", 7) == 0 || !strchr(at + 1, ':')
                      ? "invalid reference format: bad digest (want sha256: and 64 lowercase hex "
                        "digits)"
                      : "invalid reference format: unsupported digest algorithm (only sha256)";
            goto out;
        }
        out->digest = xstrdup(at + 1);
    }
    slash = strrchr(work, '/');
    colon = strrchr(slash ? slash : work, ':');
    if (colon) {
        *colon = '\0';
        if (!tag_valid(colon + 1)) {
            why = "invalid reference format: bad tag";
            goto out;
        }
        out->tag = xstrdup(colon + 1);
    }
    name = work;
    if (!*name) {
        why = "invalid reference format: no repository name";
        goto out;
    }
    slash = strchr(name, '/');
    dlen = slash ? (size_t)(slash - name) : 0;
    if (slash) {
        bool has_upper = false, is_domain;
        for (size_t i = 0; i < dlen; i++)
            has_upper |= isupper((unsigned char)name[i]) != 0;
        is_domain = memchr(name, '.', dlen) || memchr(name, ':', dlen) ||
                    (dlen == 9 && !strncmp(name, "localhost", 9)) || has_upper;
        if (is_domain) {
            if (!domain_valid(name, dlen)) {
                why = "invalid reference format: bad registry host";
                goto out;
            }
            out->domain = xstrndup(name, dlen);
            name = slash + 1;
        }
    }
    if (!out->domain)
        out->domain = xstrdup("docker.io");
    else if (!strcmp(out->domain, "index.docker.io")) {
        free(out->domain);
        out->domain = xstrdup("docker.io");
    }
    /* Validate the repository path one component at a time. */
    for (const char *p = name;;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        for (size_t i = 0; i < n; i++) {
            if (isupper((unsigned char)p[i])) {
                why = "invalid reference format: repository name must be lowercase";
                goto out;
            }
        }
        if (!path_component_valid(p, n)) {
            why = "invalid reference format: bad repository name";
            goto out;
        }
        if (!e)
            break;
        p = e + 1;
    }
    if (is_hex64(name)) {
        why = "invalid repository name: cannot specify 64-byte hexadecimal strings";
        goto out;
    }
    if (!strcmp(out->domain, "docker.io") && !strchr(name, '/'))
        out->path = xasprintf("library/%s", name);
    else
        out->path = xstrdup(name);
    if (strlen(out->domain) + 1 + strlen(out->path) > REF_MAX_NAME) {
        why = "invalid reference format: repository name must not be more than 255 characters";
        goto out;
    }
    if (!out->tag && !out->digest)
        out->tag = xstrdup("latest");
    rc = 0;
out:
    if (rc) {
        if (err)
            *err = xasprintf("%s: \"%s\"", why, s ? s : "");
        image__ref_release(out);
    }
    free(work);
    return rc;
}

char *image__ref_name(const image__ref *r)
{
    return xasprintf("%s/%s", r->domain, r->path);
}

char *image__ref_string(const image__ref *r)
{
    return xasprintf("%s/%s%s%s%s%s", r->domain, r->path, r->tag ? ":" : "", r->tag ? r->tag : "",
                     r->digest ? "@" : "", r->digest ? r->digest : "");
}

int image_normalize(const char *ref, char **out, char **err)
{
    image__ref r;
    int rc;

    *out = NULL;
    rc = image__ref_parse(ref, &r, err);
    if (rc)
        return rc;
    *out = image__ref_string(&r);
    image__ref_release(&r);
    return 0;
}
