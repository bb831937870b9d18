/*
 * registries.c -- registries.yaml, in the format k3s and RKE2 read:
 *
 *   mirrors:
 *     docker.io:                      # a registry, or "*" for all of them
 *       endpoint: ["http://127.0.0.1:5000", "https://mirror.example"]
 *   configs:
 *     "mirror.example":               # an endpoint's host[:port]
 *       auth: {username: u, password: p}      # or auth: base64("u:p")
 *       tls: {insecure_skip_verify: true, ca_file: /x.pem,
 *             cert_file: /c.pem, key_file: /k.pem}
 *
 * Pulls try the mirror endpoints in order, then the registry itself (see
 * image__registries_endpoints).  Endpoints without a scheme are https; a
 * trailing "/v2" is dropped since the client adds it.  Keys this code does
 * not use (k3s' "rewrite", auth.identitytoken) are ignored with a warning;
 * wrong types are errors naming the key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_int.h"
#include "yaml/yaml.h"

void image__strv_free(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

void image__registries_release(image__registries *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_mirrors; i++) {
        free(r->mirrors[i].registry);
        for (size_t j = 0; j < r->mirrors[i].n_endpoints; j++)
            free(r->mirrors[i].endpoints[j]);
        free(r->mirrors[i].endpoints);
    }
    free(r->mirrors);
    for (size_t i = 0; i < r->n_configs; i++) {
        image__regconf *c = &r->configs[i];
        free(c->host);
        free(c->username);
        free(c->password);
        free(c->ca_file);
        free(c->cert_file);
        free(c->key_file);
    }
    free(r->configs);
    memset(r, 0, sizeof *r);
}

/* "host:5000/v2/" -> "https://host:5000"; NULL (with *why) when unusable. */
static char *endpoint_normalize(const char *in, const char **why)
{
    char *u;
    size_t n;
    const char *host;

    if (strstr(in, "://")) {
        if (strncmp(in, "http://", 7) != 0 && strncmp(in, "https://", 8) != 0) {
            *why = "endpoint scheme must be http or https";
            return NULL;
        }
        u = xstrdup(in);
    } else {
        u = xasprintf("https://%s", in);
    }
    host = strstr(u, "://") + 3;
    n = strlen(u);
    while (u + n > host && u[n - 1] == '/')
        u[--n] = '\0';
    if (u + n - 3 > host && !strcmp(u + n - 3, "/v2")) {
        n -= 3;
        u[n] = '\0';
    }
    if (!*host || *host == '/' || strpbrk(u, " \t\r\n?#")) {
        *why = "endpoint has no host";
        free(u);
        return NULL;
    }
    return u;
}

/* Optional string member; EN_INVALID when present but not a string. */
static int opt_str(json_t *obj, const char *key, char **out, const char *what, const char *ctx,
                   char **err)
{
    json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        *err = xasprintf("%s: %s.%s must be a string", what, ctx, key);
        return EN_INVALID;
    }
    *out = xstrdup(json_string_value(v));
    return 0;
}

/* auth: base64 of "user:password". */
static int decode_auth(const char *b64, char **user, char **pass)
{
    size_t n = strlen(b64), len;
    char *buf, *colon;

    if (n == 0 || n > 8192 || en_base64_decode(b64, n, &buf, &len))
        return EN_INVALID;
    colon = memchr(buf, ':', len);
    if (!colon || strlen(buf) != len) {
        free(buf);
        return EN_INVALID;
    }
    *colon = '\0';
    *user = xstrdup(buf);
    *pass = xstrdup(colon + 1);
    free(buf);
    return 0;
}

static int parse_mirrors(json_t *mirrors, const char *what, image__registries *out, char **err)
{
    const char *key;
    json_t *val;

    if (!json_is_object(mirrors)) {
        *err = xasprintf("%s: mirrors must be a mapping of registry to settings", what);
        return EN_INVALID;
    }
    out->mirrors = xcalloc(json_object_size(mirrors) + 1, sizeof *out->mirrors);
    json_object_foreach(mirrors, key, val)
    {
        image__mirror *m = &out->mirrors[out->n_mirrors];
        json_t *eps, *ep;
        size_t i;

        if (json_is_null(val))
            continue;
        if (!json_is_object(val)) {
            *err = xasprintf("%s: mirrors.%s must be a mapping", what, key);
            return EN_INVALID;
        }
        if (json_object_get(val, "rewrite"))
            log_warn("image", "%s: mirrors.%s.rewrite is not supported; ignored", what, key);
        eps = json_object_get(val, "endpoint");
        if (eps && !json_is_array(eps) && !json_is_null(eps)) {
            *err = xasprintf("%s: mirrors.%s.endpoint must be a list of URLs", what, key);
            return EN_INVALID;
        }
        m->registry = xstrdup(key);
        out->n_mirrors++;
        m->endpoints = xcalloc(json_array_size(eps) + 1, sizeof *m->endpoints);
        json_array_foreach(eps, i, ep)
        {
            const char *why = NULL;
            char *u;
            if (!json_is_string(ep)) {
                *err = xasprintf("%s: mirrors.%s.endpoint[%zu] must be a string", what, key, i);
                return EN_INVALID;
            }
            u = endpoint_normalize(json_string_value(ep), &why);
            if (!u) {
                *err = xasprintf("%s: mirrors.%s.endpoint[%zu] \"%s\": %s", what, key, i,
                                 json_string_value(ep), why);
                return EN_INVALID;
            }
            m->endpoints[m->n_endpoints++] = u;
        }
    }
    return 0;
}

static int parse_config(const char *key, json_t *val, const char *what, image__regconf *c,
                        char **err)
{
    json_t *auth, *tls, *skip;
    char *ctx = NULL, *b64 = NULL;
    int rc = EN_INVALID;

    c->host = xstrdup(key);
    if (!json_is_object(val)) {
        *err = xasprintf("%s: configs.%s must be a mapping", what, key);
        goto out;
    }
    auth = json_object_get(val, "auth");
    if (auth && !json_is_null(auth)) {
        if (!json_is_object(auth)) {
            *err = xasprintf("%s: configs.%s.auth must be a mapping", what, key);
            goto out;
        }
        ctx = xasprintf("configs.%s.auth", key);
        if (opt_str(auth, "username", &c->username, what, ctx, err) ||
            opt_str(auth, "password", &c->password, what, ctx, err) ||
            opt_str(auth, "auth", &b64, what, ctx, err))
            goto out;
        if (json_object_get(auth, "identitytoken"))
            log_warn("image", "%s: %s.identitytoken is not supported; ignored", what, ctx);
        if (b64 && !c->username) {
            if (decode_auth(b64, &c->username, &c->password)) {
                *err = xasprintf("%s: %s.auth must be base64 of \"user:password\"", what, ctx);
                goto out;
            }
        }
        if (c->username && !c->password)
            c->password = xstrdup("");
        free(ctx);
        ctx = NULL;
    }
    tls = json_object_get(val, "tls");
    if (tls && !json_is_null(tls)) {
        if (!json_is_object(tls)) {
            *err = xasprintf("%s: configs.%s.tls must be a mapping", what, key);
            goto out;
        }
        ctx = xasprintf("configs.%s.tls", key);
        if (opt_str(tls, "ca_file", &c->ca_file, what, ctx, err) ||
            opt_str(tls, "cert_file", &c->cert_file, what, ctx, err) ||
            opt_str(tls, "key_file", &c->key_file, what, ctx, err))
            goto out;
        skip = json_object_get(tls, "insecure_skip_verify");
        if (skip && !json_is_boolean(skip) && !json_is_null(skip)) {
            *err = xasprintf("%s: %s.insecure_skip_verify must be true or false", what, ctx);
            goto out;
        }
        c->insecure = json_is_true(skip);
    }
    rc = 0;
out:
    free(ctx);
    free(b64);
    return rc;
}

int image__registries_parse(const char *text, size_t len, const char *what,
                            image__registries *out, char **err)
{
    json_t *doc = NULL, *mirrors, *configs;
    char *yerr = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    rc = yaml_to_json(text, len, &doc, &yerr);
    if (rc) {
        *err = xasprintf("%s: %s", what, yerr ? yerr : "bad YAML");
        free(yerr);
        return EN_INVALID;
    }
    rc = EN_INVALID;
    if (json_is_null(doc)) {
        rc = 0;
        goto out;
    }
    if (!json_is_object(doc)) {
        *err = xasprintf("%s: must be a mapping with mirrors and configs", what);
        goto out;
    }
    mirrors = json_object_get(doc, "mirrors");
    if (mirrors && !json_is_null(mirrors) && parse_mirrors(mirrors, what, out, err))
        goto out;
    configs = json_object_get(doc, "configs");
    if (configs && !json_is_null(configs)) {
        const char *key;
        json_t *val;
        if (!json_is_object(configs)) {
            *err = xasprintf("%s: configs must be a mapping of host to settings", what);
            goto out;
        }
        out->configs = xcalloc(json_object_size(configs) + 1, sizeof *out->configs);
        json_object_foreach(configs, key, val)
        {
            if (json_is_null(val))
                continue;
            if (parse_config(key, val, what, &out->configs[out->n_configs++], err))
                goto out;
        }
    }
    rc = 0;
out:
    json_decref(doc);
    if (rc)
        image__registries_release(out);
    return rc;
}

int image__registries_load(const char *path, image__registries *out, char **err)
{
    char *text;
    size_t len;
    int rc;

    memset(out, 0, sizeof *out);
    rc = fs_read_file(path, 1024 * 1024, &text, &len);
    if (rc == EN_TOOLARGE) {
        *err = xasprintf("%s: larger than 1 MiB", path);
        return EN_INVALID;
    }
    if (rc) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        return EN_IO;
    }
    rc = image__registries_parse(text, len, path, out, err);
    free(text);
    return rc;
}

static bool is_loopback_host(const char *domain)
{
    return !strncmp(domain, "localhost", 9) || !strncmp(domain, "127.", 4) ||
           !strncmp(domain, "[::1]", 5);
}

static void strv_push_unique(char ***v, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++) {
        if (!strcmp((*v)[i], s))
            return;
    }
    *v = xrealloc(*v, (*n + 2) * sizeof **v);
    (*v)[(*n)++] = xstrdup(s);
    (*v)[*n] = NULL;
}

char **image__registries_endpoints(const image__registries *r, const char *domain)
{
    const image__mirror *m = NULL;
    char **v = xcalloc(1, sizeof *v);
    size_t n = 0;
    char *self;

    for (size_t i = 0; i < r->n_mirrors; i++) {
        if (!strcmp(r->mirrors[i].registry, domain)) {
            m = &r->mirrors[i];
            break;
        }
    }
    for (size_t i = 0; !m && i < r->n_mirrors; i++) {
        if (!strcmp(r->mirrors[i].registry, "*"))
            m = &r->mirrors[i];
    }
    for (size_t i = 0; m && i < m->n_endpoints; i++)
        strv_push_unique(&v, &n, m->endpoints[i]);
    /* The registry itself: Docker Hub's API lives on another host; loopback
     * registries speak plain HTTP, as Docker treats 127.0.0.0/8 as insecure. */
    if (!strcmp(domain, "docker.io"))
        self = xstrdup("https://registry-1.docker.io");
    else if (is_loopback_host(domain))
        self = xasprintf("http://%s", domain);
    else
        self = xasprintf("https://%s", domain);
    strv_push_unique(&v, &n, self);
    free(self);
    return v;
}

const image__regconf *image__registries_config(const image__registries *r, const char *hostport)
{
    const char *colon;
    size_t hlen;

    for (size_t i = 0; i < r->n_configs; i++) {
        if (!strcmp(r->configs[i].host, hostport))
            return &r->configs[i];
    }
    /* A key without a port matches any port of that host. */
    colon = strrchr(hostport, ':');
    if (!colon || strchr(colon, ']'))
        return NULL;
    hlen = (size_t)(colon - hostport);
    for (size_t i = 0; i < r->n_configs; i++) {
        if (strlen(r->configs[i].host) == hlen && !strncmp(r->configs[i].host, hostport, hlen))
            return &r->configs[i];
    }
    return NULL;
}
