/*
 * kubeconfig.c -- client_config from a kubeconfig (client.h), as kubectl
 * reads one: the current context names a cluster (server URL, CA, TLS
 * verification) and a user (bearer token or token file, client
 * certificate).  "-data" fields are base64 PEM; the others are file paths,
 * relative to the kubeconfig's directory.  Exec and auth-provider plugins
 * are not supported and are reported as such.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client_int.h"
#include "yaml/yaml.h"

/* Files a kubeconfig may point at (CAs, certificates, tokens) are small. */
#define KUBECONFIG_MAX_FILE ((size_t)4 * 1024 * 1024)

/* Value of one base64 character, -1 for anything else. */
static int b64_value(unsigned char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+' || ch == '-')
        return 62;
    if (ch == '/' || ch == '_')
        return 63;
    return -1;
}

/*
 * Decode standard or URL-safe base64, padding optional, whitespace ignored
 * (kubeconfigs wrap long lines sometimes).  Returns a NUL-terminated new
 * string in *out, or EN_INVALID.
 */
static int b64_decode(const char *in, char **out, size_t *out_len)
{
    size_t n = strlen(in), o = 0, pad = 0;
    unsigned int acc = 0;
    int bits = 0;
    char *buf = xmalloc(n / 4 * 3 + 4);

    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)in[i];
        int v;
        if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
            continue;
        if (ch == '=') {
            pad++;
            continue;
        }
        v = b64_value(ch);
        if (v < 0 || pad)
            goto out_invalid;
        acc = (acc << 6) | (unsigned int)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[o++] = (char)((acc >> bits) & 0xff);
        }
    }
    /* A lone trailing 6-bit group cannot encode a byte; too much padding is
     * malformed too. */
    if (bits == 6 || pad > 2)
        goto out_invalid;
    buf[o] = '\0';
    *out = buf;
    if (out_len)
        *out_len = o;
    return 0;
out_invalid:
    free(buf);
    *out = NULL;
    return EN_INVALID;
}

/* Read a whole small file into a new NUL-terminated string. */
static int read_file(const char *path, char **out, size_t *len, char **err)
{
    int rc = fs_read_file(path, KUBECONFIG_MAX_FILE, out, len);

    if (rc == EN_TOOLARGE)
        *err = xasprintf("%s: file too large", path);
    else if (rc)
        *err = xasprintf("cannot open %s: %s", path, strerror(errno));
    return rc;
}

/* Path relative to dir unless absolute. */
static char *resolve_path(const char *dir, const char *p)
{
    if (p[0] == '/' || !dir || !*dir)
        return xstrdup(p);
    return xasprintf("%s/%s", dir, p);
}

/* The element of a named list ("clusters", ...) whose name is name; its
 * inner object (the value of `inner`) borrowed, or NULL. */
static json_t *find_named(json_t *root, const char *list, const char *name, const char *inner)
{
    json_t *arr = json_object_get(root, list), *e;
    size_t i;

    json_array_foreach(arr, i, e)
    {
        const char *n = json_string_value(json_object_get(e, "name"));
        if (n && strcmp(n, name) == 0)
            return json_object_get(e, inner);
    }
    return NULL;
}

/*
 * A PEM from either `<field>-data` (base64) or `<field>` (a file path).
 * *out stays NULL when neither is set.
 */
static int pem_field(json_t *obj, const char *field, const char *dir, char **out, char **err)
{
    char key[64];
    const char *data, *file;
    char *path;
    int rc;

    *out = NULL;
    snprintf(key, sizeof key, "%s-data", field);
    data = json_string_value(json_object_get(obj, key));
    if (data && *data) {
        if (b64_decode(data, out, NULL)) {
            *err = xasprintf("%s: illegal base64 data", key);
            return EN_INVALID;
        }
        return 0;
    }
    file = json_string_value(json_object_get(obj, field));
    if (!file || !*file)
        return 0;
    path = resolve_path(dir, file);
    rc = read_file(path, out, NULL, err);
    free(path);
    return rc;
}

/* Strip trailing newlines and spaces (token files usually end with one). */
static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
}

static int parse_user(json_t *user, const char *dir, client_config *cfg, char **err)
{
    const char *tok, *tokfile;
    int rc;

    if (json_object_get(user, "exec") || json_object_get(user, "auth-provider")) {
        *err = xstrdup("kubeconfig user: exec and auth-provider plugins are not supported");
        return EN_UNSUPPORTED;
    }
    tok = json_string_value(json_object_get(user, "token"));
    tokfile = json_string_value(json_object_get(user, "tokenFile"));
    if (tok && *tok) {
        cfg->token = xstrdup(tok);
    } else if (tokfile && *tokfile) {
        char *path = resolve_path(dir, tokfile);
        rc = read_file(path, &cfg->token, NULL, err);
        free(path);
        if (rc)
            return rc;
        chomp(cfg->token);
    }
    rc = pem_field(user, "client-certificate", dir, &cfg->cert_pem, err);
    if (!rc)
        rc = pem_field(user, "client-key", dir, &cfg->key_pem, err);
    if (!rc && !cfg->cert_pem != !cfg->key_pem) {
        *err = xstrdup("kubeconfig user: client-certificate and client-key must come together");
        rc = EN_INVALID;
    }
    return rc;
}

int client_config_parse(const char *text, size_t len, const char *dir, client_config *cfg,
                        char **err)
{
    json_t *root = NULL, *ctx = NULL, *cluster, *user = NULL, *contexts;
    const char *cur, *cname, *uname, *server;
    char *yerr = NULL;
    int rc;

    *err = NULL;
    rc = yaml_to_json(text, len, &root, &yerr);
    if (rc) {
        *err = xasprintf("kubeconfig: %s", yerr ? yerr : "invalid YAML");
        free(yerr);
        return EN_INVALID;
    }
    rc = EN_INVALID;
    if (!json_is_object(root)) {
        *err = xstrdup("kubeconfig: not a mapping");
        goto out_free_root;
    }
    cur = json_string_value(json_object_get(root, "current-context"));
    contexts = json_object_get(root, "contexts");
    if (cur && *cur) {
        ctx = find_named(root, "contexts", cur, "context");
        if (!ctx) {
            *err = xasprintf("kubeconfig: context \"%s\" not found", cur);
            goto out_free_root;
        }
    } else if (json_array_size(contexts) == 1) {
        ctx = json_object_get(json_array_get(contexts, 0), "context");
    }
    if (!json_is_object(ctx)) {
        *err = xstrdup("kubeconfig: no current-context");
        goto out_free_root;
    }
    cname = json_string_value(json_object_get(ctx, "cluster"));
    uname = json_string_value(json_object_get(ctx, "user"));
    cluster = cname ? find_named(root, "clusters", cname, "cluster") : NULL;
    if (!json_is_object(cluster)) {
        *err = xasprintf("kubeconfig: cluster \"%s\" not found", cname ? cname : "");
        goto out_free_root;
    }
    server = json_string_value(json_object_get(cluster, "server"));
    if (!server || !*server) {
        *err = xasprintf("kubeconfig: cluster \"%s\" has no server", cname);
        goto out_free_root;
    }
    if (strncmp(server, "https://", 8) != 0 && strncmp(server, "http://", 7) != 0) {
        *err = xasprintf("kubeconfig: server \"%s\" is not an http(s) URL", server);
        goto out_free_root;
    }
    if (uname && *uname) {
        user = find_named(root, "users", uname, "user");
        if (!json_is_object(user)) {
            *err = xasprintf("kubeconfig: user \"%s\" not found", uname);
            goto out_free_root;
        }
    }
    cfg->server = xstrdup(server);
    cfg->insecure = json_is_true(json_object_get(cluster, "insecure-skip-tls-verify"));
    rc = pem_field(cluster, "certificate-authority", dir, &cfg->ca_pem, err);
    if (!rc && user)
        rc = parse_user(user, dir, cfg, err);
    if (rc) {
        char *inner = *err;
        *err = xasprintf("kubeconfig: %s", inner ? inner : en_strerror(rc));
        free(inner);
        client_config_release(cfg);
    }
out_free_root:
    json_decref(root);
    return rc;
}

int client_config_load(const char *path, client_config *cfg, char **err)
{
    char *text = NULL, *dir, *slash;
    size_t len = 0;
    int rc;

    *err = NULL;
    rc = read_file(path, &text, &len, err);
    if (rc)
        return rc;
    dir = xstrdup(path);
    slash = strrchr(dir, '/');
    if (slash == dir)
        dir[1] = '\0'; /* a file in / */
    else if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    rc = client_config_parse(text, len, dir, cfg, err);
    if (rc && *err) {
        char *inner = *err;
        *err = xasprintf("%s: %s", path, inner);
        free(inner);
    }
    free(dir);
    free(text);
    return rc;
}
