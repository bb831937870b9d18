/*
 * pull.c -- pulling images over the OCI distribution API with libcurl.
 *
 * For each endpoint of the reference's registry (mirrors first, see
 * registries.c): GET /v2/<name>/manifests/<tag|digest> accepting Docker
 * schema 2 and OCI manifests and indexes; from an index, the manifest for
 * linux/<host arch>; then the config and every layer with
 * GET /v2/<name>/blobs/<digest> (redirects followed), each streamed to a
 * temp file while hashed and kept only when its digest matches.  The layers
 * are unpacked by store.c, and the reference recorded.  The first endpoint
 * that works wins; when all fail, the most telling error is reported (one
 * from a registry that answered beats "could not connect").
 *
 * Auth: a 401 with "WWW-Authenticate: Bearer realm=...,service=...,
 * scope=..." sends us to the realm for a token (anonymously, or with the
 * endpoint's credentials from registries.yaml), then the request is retried
 * with it; "Basic" challenges are answered with the credentials.  The
 * header found is kept for the rest of that endpoint's requests.
 *
 * Every transfer is bounded: connect timeout, a minimum speed, an overall
 * timeout, and a size limit (the descriptor's size for blobs, 4 MiB for
 * manifests and tokens).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "image/image_int.h"

#define CONNECT_TIMEOUT_MS 10000L
#define META_TIMEOUT_MS 60000L
#define BLOB_TIMEOUT_MS (60L * 60 * 1000)
#define LOW_SPEED_BYTES 1024L
#define LOW_SPEED_SECONDS 30L
#define ERROR_BODY_MAX (64 * 1024)

static const char ACCEPT_MANIFESTS[] =
    "Accept: application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json";

/* curl_global_init must run once per process before any handle exists and
 * is not thread-safe on every build: this once-flag is why there is state. */
static pthread_once_t pull_curl_once = PTHREAD_ONCE_INIT;

static void pull_curl_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        en_fatal("image: curl_global_init failed");
}

/* One pull: the reference, the curl handle reused for all its requests (one
 * keep-alive connection per endpoint), and the endpoint being tried. */
typedef struct pull {
    image_store *st;
    image__ref ref;               /* parsed reference */
    char *ref_str;                /* normalised: "docker.io/library/busybox:1.35" */
    CURL *h;                      /* owned easy handle */
    char errbuf[CURL_ERROR_SIZE]; /* curl's detail for the last failure */
    const char *base;             /* endpoint being tried: "http://127.0.0.1:5000" */
    const image__regconf *conf;   /* its registries.yaml settings or NULL (borrowed) */
    char *auth;                   /* "Authorization: ..." found for it, or NULL */
} pull;

/* One response. */
typedef struct resp {
    CURL *h;                  /* for the status while receiving */
    long status;              /* final HTTP status */
    char *content_type;       /* owned headers of the final response, or NULL */
    char *www_auth;
    sbuf body;                /* the body (error bodies too when blob is set) */
    size_t body_max;          /* refuse longer bodies */
    image__blob_writer *blob; /* 2xx bodies go here when not NULL */
    int sink_rc;              /* error raised inside a callback */
} resp;

static void resp_release(resp *r)
{
    free(r->content_type);
    free(r->www_auth);
    sbuf_release(&r->body);
    r->content_type = r->www_auth = NULL;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    resp *r = ud;
    size_t n = size * nmemb;
    long code = 0;

    curl_easy_getinfo(r->h, CURLINFO_RESPONSE_CODE, &code);
    if (r->blob && code / 100 == 2) {
        r->sink_rc = image__blob_write(r->blob, p, n);
        return r->sink_rc ? 0 : n;
    }
    if (r->body.len + n > (r->blob ? ERROR_BODY_MAX : r->body_max)) {
        r->sink_rc = EN_TOOLARGE;
        return 0;
    }
    sbuf_append(&r->body, p, n);
    return n;
}

static char *header_value(const char *line, size_t n, const char *name)
{
    size_t k = strlen(name), e;

    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
        return NULL;
    line += k + 1;
    n -= k + 1;
    while (n && isspace((unsigned char)*line)) {
        line++;
        n--;
    }
    e = n;
    while (e && isspace((unsigned char)line[e - 1]))
        e--;
    return xstrndup(line, e);
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    resp *r = ud;
    size_t n = size * nmemb;
    char *v;

    if (n >= 5 && !strncmp(p, "HTTP/", 5)) {
        /* A new response (after a redirect): forget the previous headers. */
        free(r->content_type);
        free(r->www_auth);
        r->content_type = r->www_auth = NULL;
        return n;
    }
    if ((v = header_value(p, n, "Content-Type")) != NULL) {
        free(r->content_type);
        r->content_type = v;
    } else if ((v = header_value(p, n, "WWW-Authenticate")) != NULL) {
        if (!r->www_auth)
            r->www_auth = v; /* the first challenge */
        else
            free(v);
    }
    return n;
}

/* "scheme://host:port/..." -> "host:port" (new). */
static char *url_hostport(const char *url)
{
    const char *h = strstr(url, "://"), *e;

    h = h ? h + 3 : url;
    e = h + strcspn(h, "/?#");
    return xstrndup(h, (size_t)(e - h));
}

/* Reset the handle and set what every request needs. */
static void setup(pull *p, const image__regconf *conf, long timeout_ms)
{
    CURL *h = p->h;

    curl_easy_reset(h);
    p->errbuf[0] = '\0';
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, p->errbuf);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_BYTES);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_SECONDS);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "everynode/0.1");
    if (conf) {
        if (conf->insecure) {
            curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
        }
        if (conf->ca_file)
            curl_easy_setopt(h, CURLOPT_CAINFO, conf->ca_file);
        if (conf->cert_file)
            curl_easy_setopt(h, CURLOPT_SSLCERT, conf->cert_file);
        if (conf->key_file)
            curl_easy_setopt(h, CURLOPT_SSLKEY, conf->key_file);
    }
}

/* Perform a GET of url into r; EN_IO with *err on transport failures. */
static int perform(pull *p, const char *url, struct curl_slist *hdrs, resp *r, char **err)
{
    CURLcode cc;

    r->h = p->h;
    curl_easy_setopt(p->h, CURLOPT_URL, url);
    curl_easy_setopt(p->h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(p->h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(p->h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(p->h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(p->h, CURLOPT_HEADERDATA, r);
    cc = curl_easy_perform(p->h);
    curl_easy_getinfo(p->h, CURLINFO_RESPONSE_CODE, &r->status);
    if (cc == CURLE_OK)
        return 0;
    if (r->sink_rc == EN_TOOLARGE) {
        *err = xasprintf("GET %s: response larger than expected", url);
        return EN_TOOLARGE;
    }
    if (r->sink_rc) {
        *err = xasprintf("GET %s: writing to the image store failed", url);
        return r->sink_rc;
    }
    *err = xasprintf("GET %s: %s", url, p->errbuf[0] ? p->errbuf : curl_easy_strerror(cc));
    return cc == CURLE_OPERATION_TIMEDOUT ? EN_TIMEOUT : EN_IO;
}

/* The registry's own words from an error body ({"errors":[{code,message}]}). */
static char *registry_message(const resp *r)
{
    json_t *doc = r->body.len ? json_loadb(r->body.buf, r->body.len, 0, NULL) : NULL;
    json_t *e0 = json_array_get(json_object_get(doc, "errors"), 0);
    const char *code = json_string_value(json_object_get(e0, "code"));
    const char *msg = json_string_value(json_object_get(e0, "message"));
    char *out;

    if (msg)
        out = xasprintf("%s%s%s", code ? code : "", code ? ": " : "", msg);
    else
        out = xasprintf("HTTP %ld", r->status);
    json_decref(doc);
    return out;
}

/* Parse `Scheme k="v", k2=v2`; params returned new (NULL when absent). */
static void parse_challenge(const char *h, char **scheme, char **realm, char **service,
                            char **scope)
{
    const char *p = h;
    size_t n;

    *scheme = *realm = *service = *scope = NULL;
    while (isspace((unsigned char)*p))
        p++;
    n = strcspn(p, " \t");
    *scheme = xstrndup(p, n);
    p += n;
    while (*p) {
        char key[32], *val;
        size_t kn;
        sbuf v;

        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        kn = strcspn(p, "= \t,");
        if (!kn || p[kn] != '=')
            break;
        snprintf(key, sizeof key, "%.*s", (int)(kn < 31 ? kn : 31), p);
        p += kn + 1;
        sbuf_init(&v);
        if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                sbuf_append(&v, p, 1);
                p++;
            }
            if (*p == '"')
                p++;
        } else {
            n = strcspn(p, ",");
            sbuf_append(&v, p, n);
            p += n;
        }
        val = sbuf_detach(&v, NULL);
        if (!strcasecmp(key, "realm") && !*realm)
            *realm = val;
        else if (!strcasecmp(key, "service") && !*service)
            *service = val;
        else if (!strcasecmp(key, "scope") && !*scope)
            *scope = val;
        else
            free(val);
    }
}

static char *basic_header(const image__regconf *c)
{
    char *plain = xasprintf("%s:%s", c->username, c->password ? c->password : "");
    char *b64 = en_base64_encode(plain, strlen(plain)), *out;

    out = xasprintf("Authorization: Basic %s", b64);
    free(plain);
    free(b64);
    return out;
}

/* Get a bearer token from the realm of a challenge into p->auth. */
static int fetch_token(pull *p, const char *realm, const char *service, const char *scope,
                       char **err)
{
    char *url = NULL, *esc_service = NULL, *esc_scope = NULL, *hp = NULL, *msg = NULL;
    resp r = {.body_max = IMAGE_MAX_META};
    json_t *doc = NULL;
    const char *token;
    int rc;

    if (strncmp(realm, "http://", 7) && strncmp(realm, "https://", 8)) {
        *err = xasprintf("failed to authorize: bad token realm \"%s\"", realm);
        return EN_INVALID;
    }
    esc_service = curl_easy_escape(p->h, service ? service : "", 0);
    esc_scope = curl_easy_escape(p->h, scope, 0);
    url = xasprintf("%s%cservice=%s&scope=%s", realm, strchr(realm, '?') ? '&' : '?',
                    esc_service, esc_scope);
    hp = url_hostport(realm);
    setup(p, image__registries_config(&p->st->reg, hp), META_TIMEOUT_MS);
    if (p->conf && p->conf->username) {
        curl_easy_setopt(p->h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(p->h, CURLOPT_USERNAME, p->conf->username);
        curl_easy_setopt(p->h, CURLOPT_PASSWORD, p->conf->password);
    }
    rc = perform(p, url, NULL, &r, err);
    if (rc) {
        msg = *err;
        *err = xasprintf("failed to authorize: failed to fetch token: %s", msg);
        goto out;
    }
    if (r.status != 200) {
        msg = registry_message(&r);
        *err = xasprintf("failed to authorize: failed to fetch %s token: %ld (%s)",
                         p->conf && p->conf->username ? "oauth" : "anonymous", r.status, msg);
        rc = EN_INVALID;
        goto out;
    }
    doc = json_loadb(r.body.buf ? r.body.buf : "", r.body.len, 0, NULL);
    token = json_string_value(json_object_get(doc, "token"));
    if (!token || !*token)
        token = json_string_value(json_object_get(doc, "access_token"));
    if (!token || !*token || strpbrk(token, "\r\n")) {
        *err = xasprintf("failed to authorize: no token in the answer of %s", realm);
        rc = EN_INVALID;
        goto out;
    }
    free(p->auth);
    p->auth = xasprintf("Authorization: Bearer %s", token);
out:
    json_decref(doc);
    resp_release(&r);
    curl_free(esc_service);
    curl_free(esc_scope);
    free(url);
    free(hp);
    free(msg);
    return rc;
}

/* Answer a 401's challenge: set p->auth for the retry. */
static int authorize(pull *p, const char *challenge, char **err)
{
    char *scheme, *realm, *service, *scope, *def_scope = NULL;
    int rc = EN_INVALID;

    if (!challenge) {
        *err = xstrdup("failed to authorize: 401 Unauthorized without a challenge");
        return EN_INVALID;
    }
    parse_challenge(challenge, &scheme, &realm, &service, &scope);
    if (!strcasecmp(scheme, "Basic")) {
        if (!p->conf || !p->conf->username) {
            *err = xstrdup("failed to authorize: the registry wants a user name and password "
                           "(configs.<host>.auth in registries.yaml)");
            goto out;
        }
        free(p->auth);
        p->auth = basic_header(p->conf);
        rc = 0;
    } else if (!strcasecmp(scheme, "Bearer") && realm) {
        def_scope = xasprintf("repository:%s:pull", p->ref.path);
        rc = fetch_token(p, realm, service, scope ? scope : def_scope, err);
    } else {
        *err = xasprintf("failed to authorize: unsupported challenge \"%.100s\"", challenge);
    }
out:
    free(scheme);
    free(realm);
    free(service);
    free(scope);
    free(def_scope);
    return rc;
}

/*
 * GET <base>/v2/<path> with auth: on a 401 the challenge is answered once
 * and the request repeated.  The caller looks at r->status.
 */
static int get(pull *p, const char *path, const char *accept, long timeout_ms, resp *r,
               char **err)
{
    char *url = xasprintf("%s/v2/%s", p->base, path);
    int rc = 0;

    for (int attempt = 0; attempt < 2; attempt++) {
        struct curl_slist *hdrs = NULL;
        if (accept)
            hdrs = curl_slist_append(hdrs, accept);
        if (p->auth)
            hdrs = curl_slist_append(hdrs, p->auth);
        resp_release(r);
        r->status = 0;
        r->sink_rc = 0;
        setup(p, p->conf, timeout_ms);
        rc = perform(p, url, hdrs, r, err);
        curl_slist_free_all(hdrs);
        if (rc || r->status != 401 || attempt == 1)
            break;
        rc = authorize(p, r->www_auth, err);
        if (rc)
            break;
    }
    free(url);
    return rc;
}

/* Error for a status that is not 200. */
static int status_error(pull *p, const resp *r, const char *what, char **err)
{
    char *msg = registry_message(r);
    int rc;

    if (r->status == 404) {
        *err = xasprintf("%s: not found", what);
        rc = EN_NOTFOUND;
    } else if (r->status == 401 || r->status == 403) {
        *err = xasprintf("pull access denied for %s/%s (%s), repository does not exist or may "
                         "require authorization",
                         p->ref.domain, p->ref.path, msg);
        rc = EN_INVALID;
    } else {
        *err = xasprintf("unexpected status from GET %s for %s: %s", p->base, what, msg);
        rc = EN_IO;
    }
    free(msg);
    return rc;
}

/* Fetch a manifest or index by tag or digest; when want is set the body must
 * hash to it.  *doc new, digest filled. */
static int fetch_manifest(pull *p, const char *reference, const char *want, json_t **doc,
                          enum image__mt *kind, char *digest, char **err)
{
    char *path = xasprintf("%s/manifests/%s", p->ref.path, reference), *what = NULL;
    resp r = {.body_max = IMAGE_MAX_META};
    int rc;

    *doc = NULL;
    rc = get(p, path, ACCEPT_MANIFESTS, META_TIMEOUT_MS, &r, err);
    if (rc)
        goto out;
    if (r.status != 200) {
        what = want ? xasprintf("%s/%s@%s", p->ref.domain, p->ref.path, want)
                    : xstrdup(p->ref_str);
        rc = status_error(p, &r, what, err);
        goto out;
    }
    image__sha256(r.body.buf ? r.body.buf : "", r.body.len, digest);
    if (want && strcmp(want, digest) != 0) {
        *err = xasprintf("manifest %s from %s: digest mismatch (got %s)", want, p->base, digest);
        rc = EN_INVALID;
        goto out;
    }
    *doc = json_loadb(r.body.buf ? r.body.buf : "", r.body.len, 0, NULL);
    *kind = image__manifest_kind(r.content_type, *doc);
    if (*kind == IMAGE_MT_UNKNOWN) {
        const char *mt = json_string_value(json_object_get(*doc, "mediaType"));
        *err = xasprintf("unsupported manifest type %s from %s",
                         mt ? mt : r.content_type ? r.content_type : "(none)", p->base);
        rc = EN_UNSUPPORTED;
        goto out;
    }
    rc = image__blob_put(p->st, r.body.buf ? r.body.buf : "", r.body.len, digest, err);
out:
    if (rc) {
        json_decref(*doc);
        *doc = NULL;
    }
    resp_release(&r);
    free(path);
    free(what);
    return rc;
}

/* Fetch one blob into the store unless it is there already. */
static int fetch_blob_once(pull *p, const char *digest, int64_t size, char **err)
{
    char *path = NULL, got[IMAGE_DIGEST_LEN], *inner = NULL;
    image__blob_writer w;
    resp r = {.blob = &w};
    int rc;

    if (image__blob_exists(p->st, digest))
        return 0;
    rc = image__blob_begin(p->st, size >= 0 ? size : IMAGE_MAX_BLOB, &w);
    if (rc) {
        *err = xasprintf("cannot create a temp file under %s", p->st->tmp);
        return rc;
    }
    path = xasprintf("%s/blobs/%s", p->ref.path, digest);
    rc = get(p, path, NULL, BLOB_TIMEOUT_MS, &r, err);
    if (rc == EN_TOOLARGE) {
        free(*err);
        *err = xasprintf("blob %s from %s: larger than its descriptor's size %lld", digest,
                         p->base, (long long)size);
        rc = EN_INVALID;
    }
    if (rc)
        goto out_abort;
    if (r.status != 200) {
        char *what = xasprintf("blob %s", digest);
        rc = status_error(p, &r, what, err);
        free(what);
        goto out_abort;
    }
    if (size >= 0 && w.size != size) {
        *err = xasprintf("blob %s from %s: size %lld, descriptor says %lld", digest, p->base,
                         (long long)w.size, (long long)size);
        rc = EN_INVALID;
        goto out_abort;
    }
    rc = image__blob_commit(p->st, &w, digest, got, &inner);
    if (rc) {
        *err = xasprintf("failed to verify blob from %s: %s", p->base, inner);
        free(inner);
    }
    goto out;
out_abort:
    image__blob_abort(&w);
out:
    resp_release(&r);
    free(path);
    return rc;
}

/* fetch_blob_once, done once when pulls of different references that share
 * a layer run at the same time. */
static int fetch_blob(pull *p, const char *digest, int64_t size, char **err)
{
    char *key;
    image__flight *f = NULL;
    int rc = 0;

    if (image__blob_exists(p->st, digest))
        return 0;
    key = xasprintf("blob:%s", digest);
    if (image__flight_join(p->st, key, &f, &rc, err)) {
        rc = fetch_blob_once(p, digest, size, err);
        image__flight_finish(p->st, f, rc, rc ? *err : NULL);
    }
    image__flight_leave(p->st, f);
    free(key);
    return rc;
}

/* The whole pull from one endpoint. */
static int pull_from(pull *p, const char *endpoint, char **err)
{
    char top[IMAGE_DIGEST_LEN], mdig[IMAGE_DIGEST_LEN], *hp, *cfg_text = NULL;
    char **layers = NULL, *repo_digest = NULL, *id = NULL;
    json_t *doc = NULL, *pick, *ls;
    enum image__mt kind = IMAGE_MT_UNKNOWN;
    const char *config;
    size_t n_layers = 0, cfg_len = 0;
    int rc;

    p->base = endpoint;
    hp = url_hostport(endpoint);
    p->conf = image__registries_config(&p->st->reg, hp);
    if (!p->conf && !strcmp(endpoint, "https://registry-1.docker.io"))
        p->conf = image__registries_config(&p->st->reg, "docker.io");
    free(hp);
    free(p->auth);
    p->auth = NULL;

    rc = fetch_manifest(p, p->ref.digest ? p->ref.digest : p->ref.tag, p->ref.digest, &doc,
                        &kind, top, err);
    if (rc)
        goto out;
    memcpy(mdig, top, sizeof mdig);
    if (kind == IMAGE_MT_INDEX) {
        char *want;
        rc = image__index_pick(doc, &pick, err);
        if (rc)
            goto out;
        want = xstrdup(image__desc_digest(pick));
        json_decref(doc);
        rc = fetch_manifest(p, want, want, &doc, &kind, mdig, err);
        free(want);
        if (rc)
            goto out;
        if (kind != IMAGE_MT_MANIFEST) {
            *err = xasprintf("manifest list entry %s is not an image manifest", mdig);
            rc = EN_UNSUPPORTED;
            goto out;
        }
    }
    rc = image__manifest_parts(doc, &config, &layers, &n_layers, err);
    if (rc)
        goto out;
    id = xstrdup(config);
    rc = fetch_blob(p, id, image__desc_size(json_object_get(doc, "config")), err);
    if (rc)
        goto out;
    rc = image__blob_read(p->st, id, IMAGE_MAX_META, &cfg_text, &cfg_len);
    if (rc == 0)
        rc = image__config_check(cfg_text, cfg_len, err);
    else
        *err = xasprintf("image config %s: %s", id, en_strerror(rc));
    if (rc)
        goto out;
    {
        char *rootfs = image__rootfs_path(p->st, id);
        bool have = access(rootfs, F_OK) == 0;
        free(rootfs);
        ls = json_object_get(doc, "layers");
        for (size_t i = 0; !have && i < n_layers; i++) {
            rc = fetch_blob(p, layers[i], image__desc_size(json_array_get(ls, i)), err);
            if (rc)
                goto out;
        }
    }
    rc = image__ensure_rootfs(p->st, id, layers, n_layers, err);
    if (rc)
        goto out;
    repo_digest = xasprintf("%s/%s@%s", p->ref.domain, p->ref.path, top);
    rc = image__record(p->st, p->ref_str, id, repo_digest);
    if (rc)
        *err = xasprintf("recording %s in the image store: %s", p->ref_str, en_strerror(rc));
    else
        log_info("image", "pulled: ref=%s id=%s digest=%s from=%s", p->ref_str, id, top,
                 endpoint);
out:
    json_decref(doc);
    image__strv_free(layers);
    free(cfg_text);
    free(repo_digest);
    free(id);
    return rc;
}

/* Is an error about reaching the registry rather than what it said? */
static bool is_transport(int rc)
{
    return rc == EN_IO || rc == EN_TIMEOUT;
}

static int pull_run(pull *p, char **err)
{
    char **eps = image__registries_endpoints(&p->st->reg, p->ref.domain);
    char *best = NULL;
    int best_rc = EN_IO;

    p->h = curl_easy_init();
    if (!p->h)
        en_fatal("image: curl_easy_init failed");
    for (char **e = eps; *e; e++) {
        char *msg = NULL;
        int rc = pull_from(p, *e, &msg);
        if (rc == 0) {
            free(best);
            best = NULL;
            best_rc = 0;
            break;
        }
        log_info("image", "pull failed: ref=%s endpoint=%s err=%s", p->ref_str, *e,
                 msg ? msg : en_strerror(rc));
        /* Keep the first error, unless it was only a failure to connect and
         * a later registry actually answered. */
        if (!best || (is_transport(best_rc) && !is_transport(rc))) {
            free(best);
            best = msg;
            best_rc = rc;
        } else {
            free(msg);
        }
    }
    if (best_rc) {
        if (best_rc == EN_NOTFOUND)
            *err = xasprintf("failed to pull and unpack image \"%s\": failed to resolve reference "
                             "\"%s\": %s",
                             p->ref_str, p->ref_str, best ? best : "not found");
        else
            *err = xasprintf("failed to pull and unpack image \"%s\": %s", p->ref_str,
                             best ? best : en_strerror(best_rc));
    }
    free(best);
    image__strv_free(eps);
    curl_easy_cleanup(p->h);
    p->h = NULL;
    return best_rc;
}

int image_pull(image_store *st, const char *ref, image_info *out, char **err)
{
    pull p = {.st = st};
    image__flight *f = NULL;
    char *key = NULL, *msg = NULL, *perr = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    if (err)
        *err = NULL;
    rc = image__ref_parse(ref, &p.ref, &perr);
    if (rc) {
        msg = xasprintf("failed to pull image \"%s\": %s", ref ? ref : "", perr);
        free(perr);
        goto out;
    }
    pthread_once(&pull_curl_once, pull_curl_init);
    p.ref_str = image__ref_string(&p.ref);
    key = xasprintf("pull:%s", p.ref_str);
    if (image__flight_join(st, key, &f, &rc, &msg)) {
        rc = pull_run(&p, &msg);
        image__flight_finish(st, f, rc, msg);
    }
    image__flight_leave(st, f);
    if (rc == 0) {
        rc = image_lookup(st, p.ref_str, out);
        if (rc)
            msg = xasprintf("failed to pull and unpack image \"%s\": the image vanished from "
                            "the store after pulling",
                            p.ref_str);
    }
out:
    if (err)
        *err = msg;
    else
        free(msg);
    free(key);
    free(p.ref_str);
    free(p.auth);
    image__ref_release(&p.ref);
    return rc;
}
