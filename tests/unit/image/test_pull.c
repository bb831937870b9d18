/*
 * test_pull.c -- unit tests of image_pull (pull.c) against a scripted
 * registry on 127.0.0.1 (libmicrohttpd): pulls by tag and digest through a
 * docker.io mirror (after a dead mirror), manifest-list platform choice,
 * bearer tokens from the registry's realm (with and without the
 * credentials registries.yaml gives), basic auth, blobs that fail their
 * digest or size, unknown images, and concurrent pulls done once.
 * The e2e suite (tests/e2e/test_image.py) repeats the main paths against
 * the real docker-registry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include "image_testutil.h"

#define N(a) (sizeof(a) / sizeof *(a))
#define MAX_OBJS 64

/* ---- the scripted registry ------------------------------------------------- */

typedef struct fobj {
    char *path;  /* "/v2/<repo>/manifests/<ref>" or "/v2/<repo>/blobs/<digest>" */
    char *ctype; /* Content-Type */
    char *body;
    size_t len;
    int hits; /* authorised GETs */
} fobj;

typedef struct freg {
    struct MHD_Daemon *d;
    int port;
    pthread_mutex_t mu;
    fobj objs[MAX_OBJS];
    int n;
    int manifest_delay_ms; /* makes concurrent pulls overlap */
    bool bearer;           /* demand Bearer tokens from /token */
    bool basic;            /* demand basic credentials (basic_b64) on every request */
    /* The token endpoint (and, with basic, every request) wants
     * "Authorization: Basic <basic_b64>"; written out by each test, so the
     * client's encoding is checked against a known answer. */
    const char *basic_b64;
    int token_hits;
} freg;

static void freg_add(freg *r, const char *path, const char *ctype, const char *body, size_t len)
{
    fobj *o = &r->objs[r->n++];

    o->path = xstrdup(path);
    o->ctype = xstrdup(ctype);
    o->body = xmalloc(len + 1);
    memcpy(o->body, body, len);
    o->len = len;
}

static enum MHD_Result freg_reply(struct MHD_Connection *c, unsigned code, const char *ctype,
                                  const char *body, size_t len, const char *hname,
                                  const char *hval)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;

    MHD_add_response_header(resp, "Content-Type", ctype);
    if (hname)
        MHD_add_response_header(resp, hname, hval);
    ret = MHD_queue_response(c, code, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result freg_handler(void *cls, struct MHD_Connection *c, const char *url,
                                    const char *method, const char *version,
                                    const char *upload, size_t *upload_len, void **ctx)
{
    freg *r = cls;
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    static const char notfound[] =
        "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}";

    (void)version;
    (void)upload;
    (void)upload_len;
    (void)ctx;
    if (strcmp(method, "GET") != 0)
        return freg_reply(c, 405, "text/plain", "", 0, NULL, NULL);
    if (!strcmp(url, "/token")) {
        if (r->basic_b64) {
            if (!auth || strncmp(auth, "Basic ", 6) || strcmp(auth + 6, r->basic_b64))
                return freg_reply(c, 401, "application/json", "{}", 2, NULL, NULL);
        }
        pthread_mutex_lock(&r->mu);
        r->token_hits++;
        pthread_mutex_unlock(&r->mu);
        return freg_reply(c, 200, "application/json", "{\"token\":\"tok-123\"}", 19, NULL, NULL);
    }
    if (r->basic) {
        bool good = auth && !strncmp(auth, "Basic ", 6) && !strcmp(auth + 6, r->basic_b64);
        if (!good)
            return freg_reply(c, 401, "application/json", "{}", 2, "WWW-Authenticate",
                              "Basic realm=\"fake\"");
    }
    if (r->bearer && (!auth || strcmp(auth, "Bearer tok-123"))) {
        char *chal = xasprintf("Bearer realm=\"http://127.0.0.1:%d/token\",service=\"fake\","
                               "scope=\"repository:x:pull\"",
                               r->port);
        enum MHD_Result ret =
            freg_reply(c, 401, "application/json",
                       "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"no\"}]}", 50,
                       "WWW-Authenticate", chal);
        free(chal);
        return ret;
    }
    for (int i = 0; i < r->n; i++) {
        if (!strcmp(r->objs[i].path, url)) {
            pthread_mutex_lock(&r->mu);
            r->objs[i].hits++;
            pthread_mutex_unlock(&r->mu);
            if (strstr(url, "/manifests/") && r->manifest_delay_ms) {
                struct timespec ts = {0, (long)r->manifest_delay_ms * 1000000L};
                nanosleep(&ts, NULL);
            }
            return freg_reply(c, 200, r->objs[i].ctype, r->objs[i].body, r->objs[i].len, NULL,
                              NULL);
        }
    }
    return freg_reply(c, 404, "application/json", notfound, strlen(notfound), NULL, NULL);
}

static freg *freg_start(void)
{
    freg *r = xcalloc(1, sizeof *r);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

    pthread_mutex_init(&r->mu, NULL);
    r->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
                            NULL, NULL, freg_handler, r, MHD_OPTION_SOCK_ADDR, &sa,
                            MHD_OPTION_END);
    if (!r->d)
        en_fatal("fake registry did not start");
    r->port = MHD_get_daemon_info(r->d, MHD_DAEMON_INFO_BIND_PORT)->port;
    return r;
}

static void freg_stop(freg *r)
{
    MHD_stop_daemon(r->d);
    for (int i = 0; i < r->n; i++) {
        free(r->objs[i].path);
        free(r->objs[i].ctype);
        free(r->objs[i].body);
    }
    pthread_mutex_destroy(&r->mu);
    free(r);
}

static int freg_hits(freg *r, const char *path_part)
{
    int n = 0;

    pthread_mutex_lock(&r->mu);
    for (int i = 0; i < r->n; i++) {
        if (strstr(r->objs[i].path, path_part))
            n += r->objs[i].hits;
    }
    pthread_mutex_unlock(&r->mu);
    return n;
}

/* What push_image put in the registry. */
typedef struct pushed {
    char manifest[IMAGE_DIGEST_LEN];
    char config[IMAGE_DIGEST_LEN];
    char layer[IMAGE_DIGEST_LEN]; /* the last layer */
    size_t manifest_len;
} pushed;

static const char MT_MANIFEST[] = "application/vnd.docker.distribution.manifest.v2+json";

/* An image of the given entries (one gzip layer) as repo:tag. */
static pushed push_image(freg *r, const char *repo, const char *tag, const tentry *e, size_t n,
                         const char *cmd)
{
    pushed p;
    size_t ln;
    char *layer = tu_tar(e, n, 'g', &ln), *cfg, *man, *path;
    const char *ul[] = {"u"};
    size_t ull[] = {1};

    cfg = tu_config(ul, ull, 1, cmd);
    image__sha256(layer, ln, p.layer);
    image__sha256(cfg, strlen(cfg), p.config);
    man = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":"
                    "\"application/vnd.docker.container.image.v1+json\",\"digest\":\"%s\","
                    "\"size\":%zu},\"layers\":[{\"mediaType\":"
                    "\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"%s\","
                    "\"size\":%zu}]}",
                    MT_MANIFEST, p.config, strlen(cfg), p.layer, ln);
    image__sha256(man, strlen(man), p.manifest);
    p.manifest_len = strlen(man);
    path = xasprintf("/v2/%s/blobs/%s", repo, p.layer);
    freg_add(r, path, "application/octet-stream", layer, ln);
    free(path);
    path = xasprintf("/v2/%s/blobs/%s", repo, p.config);
    freg_add(r, path, "application/octet-stream", cfg, strlen(cfg));
    free(path);
    path = xasprintf("/v2/%s/manifests/%s", repo, tag);
    freg_add(r, path, MT_MANIFEST, man, strlen(man));
    free(path);
    path = xasprintf("/v2/%s/manifests/%s", repo, p.manifest);
    freg_add(r, path, MT_MANIFEST, man, strlen(man));
    free(path);
    free(layer);
    free(cfg);
    free(man);
    return p;
}

/* ---- fixture ---------------------------------------------------------------------- */

typedef struct fixture {
    char *dir;
    char *root;
    freg *reg;
    image_store *st;
    int dead_port; /* nothing listens there */
} fixture;

static int dead_port(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    bind(fd, (struct sockaddr *)&sa, sizeof sa);
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof *f);

    f->dir = tu_tmpdir();
    f->root = xasprintf("%s/images", f->dir);
    f->reg = freg_start();
    f->dead_port = dead_port();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    image_store_close(f->st);
    freg_stop(f->reg);
    image__rmtree(f->dir);
    free(f->dir);
    free(f->root);
    free(f);
    return 0;
}

/* Open the store with this registries.yaml text (NULL: none). */
static void open_store(fixture *f, const char *yaml)
{
    char *path = NULL, *err = NULL;

    if (yaml) {
        path = xasprintf("%s/registries.yaml", f->dir);
        tu_write_file(path, yaml, strlen(yaml));
    }
    if (image_store_open(f->root, path, &f->st, &err) != 0)
        fail_msg("open: %s", err);
    free(path);
}

static void open_with_mirror(fixture *f)
{
    char *yaml = xasprintf("mirrors:\n  docker.io:\n    endpoint:\n"
                           "      - http://127.0.0.1:%d\n      - http://127.0.0.1:%d\n",
                           f->dead_port, f->reg->port);
    open_store(f, yaml);
    free(yaml);
}

static const tentry hello[] = {
    {'d', "bin", NULL, 0, 0, 0},
    {'f', "bin/hello", "hello\n", 0755, 0, 0},
};

static void expect_tmp_empty(fixture *f)
{
    char *tmp = xasprintf("%s/tmp", f->root);
    assert_int_equal(tu_count_entries(tmp), 0);
    free(tmp);
}

/* ---- tests --------------------------------------------------------------------- */

static void test_pull_tag_and_digest_via_mirror(void **state)
{
    fixture *f = *state;
    pushed p = push_image(f->reg, "library/hello", "1", hello, N(hello), "hello");
    image_info info, again;
    char *err = NULL, *by_digest = xasprintf("hello@%s", p.manifest), *want_digest;

    open_with_mirror(f);
    if (image_pull(f->st, "hello:1", &info, &err) != 0)
        fail_msg("pull: %s", err);
    assert_null(err);
    assert_string_equal(info.ref, "docker.io/library/hello:1");
    assert_string_equal(info.id, p.config);
    want_digest = xasprintf("docker.io/library/hello@%s", p.manifest);
    assert_string_equal(info.digest, want_digest);
    assert_string_equal(json_string_value(json_array_get(json_object_get(info.config, "Cmd"), 0)),
                        "hello");
    {
        char *c = tu_read(info.rootfs, "bin/hello");
        assert_string_equal(c, "hello\n");
        free(c);
    }
    /* Every blob kept under its digest: manifest, config, layer. */
    assert_true(image__blob_exists(f->st, p.manifest));
    assert_true(image__blob_exists(f->st, p.config));
    assert_true(image__blob_exists(f->st, p.layer));
    assert_int_equal(freg_hits(f->reg, p.layer), 1);

    /* By digest: found locally under that digest, and pullable. */
    assert_int_equal(image_lookup(f->st, by_digest, &again), 0);
    assert_string_equal(again.id, p.config);
    image_info_release(&again);
    assert_int_equal(image_pull(f->st, by_digest, &again, &err), 0);
    assert_string_equal(again.rootfs, info.rootfs);
    image_info_release(&again);
    /* The layer is not fetched again. */
    assert_int_equal(freg_hits(f->reg, p.layer), 1);
    expect_tmp_empty(f);
    image_info_release(&info);
    free(by_digest);
    free(want_digest);
}

static void test_manifest_list_picks_host(void **state)
{
    fixture *f = *state;
    const tentry other[] = {{'f', "wrong-arch", "x\n", 0, 0, 0}};
    pushed decoy = push_image(f->reg, "multi", "decoy", other, N(other), "decoy");
    pushed mine = push_image(f->reg, "multi", "mine", hello, N(hello), "hello");
    const char *arch, *variant;
    char *list, digest[IMAGE_DIGEST_LEN], *path, *ref, *err = NULL;
    image_info info;

    image__host_platform(&arch, &variant);
    list = xasprintf("{\"schemaVersion\":2,\"mediaType\":"
                     "\"application/vnd.docker.distribution.manifest.list.v2+json\",\"manifests\":["
                     "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu,\"platform\":"
                     "{\"architecture\":\"%s\",\"os\":\"linux\"}},"
                     "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu,\"platform\":"
                     "{\"architecture\":\"%s\",\"os\":\"windows\"}},"
                     "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu,\"platform\":"
                     "{\"architecture\":\"%s\",\"os\":\"linux\"}}]}",
                     MT_MANIFEST, decoy.manifest, decoy.manifest_len,
                     strcmp(arch, "s390x") ? "s390x" : "riscv64", MT_MANIFEST, decoy.manifest,
                     decoy.manifest_len, arch, MT_MANIFEST, mine.manifest, mine.manifest_len, arch);
    image__sha256(list, strlen(list), digest);
    path = xasprintf("/v2/multi/manifests/all");
    freg_add(f->reg, path, "application/vnd.docker.distribution.manifest.list.v2+json", list,
             strlen(list));
    free(path);
    open_store(f, NULL);
    ref = xasprintf("127.0.0.1:%d/multi:all", f->reg->port);
    if (image_pull(f->st, ref, &info, &err) != 0)
        fail_msg("pull: %s", err);
    assert_string_equal(info.id, mine.config);
    assert_non_null(strstr(info.digest, digest)); /* the list's digest, as Docker reports */
    assert_false(tu_exists(info.rootfs, "wrong-arch"));
    assert_int_equal(freg_hits(f->reg, decoy.layer), 0);
    image_info_release(&info);
    free(ref);
    free(list);
}

static void test_bearer_auth(void **state)
{
    fixture *f = *state;
    pushed p = push_image(f->reg, "private/app", "v1", hello, N(hello), "app");
    char *ref = xasprintf("127.0.0.1:%d/private/app:v1", f->reg->port), *err = NULL, *yaml;
    image_info info;

    f->reg->bearer = true;
    f->reg->basic_b64 = "YWxpY2U6cGE6c3M="; /* alice:pa:ss */
    /* Without credentials the realm refuses a token. */
    open_store(f, NULL);
    assert_int_equal(image_pull(f->st, ref, &info, &err), EN_INVALID);
    assert_non_null(strstr(err, "failed to authorize"));
    assert_non_null(strstr(err, ref));
    free(err);
    err = NULL;
    image_store_close(f->st);
    f->st = NULL;
    /* With them (keyed by host:port) the pull goes through. */
    yaml = xasprintf("configs:\n  \"127.0.0.1:%d\":\n    auth:\n      username: alice\n"
                     "      password: \"pa:ss\"\n",
                     f->reg->port);
    open_store(f, yaml);
    if (image_pull(f->st, ref, &info, &err) != 0)
        fail_msg("pull: %s", err);
    assert_string_equal(info.id, p.config);
    assert_true(f->reg->token_hits >= 1);
    assert_int_equal(freg_hits(f->reg, p.layer), 1);
    image_info_release(&info);
    free(yaml);
    free(ref);
}

static void test_basic_auth(void **state)
{
    fixture *f = *state;
    pushed p = push_image(f->reg, "basic/app", "v1", hello, N(hello), "app");
    char *ref = xasprintf("127.0.0.1:%d/basic/app:v1", f->reg->port), *err = NULL, *yaml;
    image_info info;

    f->reg->basic = true;
    f->reg->basic_b64 = "Ym9iOmh1bnRlcjI="; /* bob:hunter2 */
    open_store(f, NULL);
    assert_int_equal(image_pull(f->st, ref, &info, &err), EN_INVALID);
    assert_non_null(strstr(err, "wants a user name and password"));
    free(err);
    err = NULL;
    image_store_close(f->st);
    f->st = NULL;
    /* auth: base64("bob:hunter2"), keyed by the host without its port. */
    yaml = xstrdup("configs:\n  127.0.0.1:\n    auth:\n      auth: Ym9iOmh1bnRlcjI=\n");
    open_store(f, yaml);
    if (image_pull(f->st, ref, &info, &err) != 0)
        fail_msg("pull: %s", err);
    assert_string_equal(info.id, p.config);
    image_info_release(&info);
    free(yaml);
    free(ref);
}

static void test_digest_mismatch_refused(void **state)
{
    fixture *f = *state;
    pushed p = push_image(f->reg, "bad", "1", hello, N(hello), "x");
    char *ref = xasprintf("127.0.0.1:%d/bad:1", f->reg->port), *err = NULL, **list = NULL;
    image_info info;

    /* Flip one byte of the layer the registry serves. */
    for (int i = 0; i < f->reg->n; i++) {
        if (strstr(f->reg->objs[i].path, p.layer))
            f->reg->objs[i].body[f->reg->objs[i].len / 2] ^= 0x20;
    }
    open_store(f, NULL);
    assert_int_equal(image_pull(f->st, ref, &info, &err), EN_INVALID);
    assert_non_null(strstr(err, "digest mismatch"));
    assert_non_null(strstr(err, p.layer));
    assert_non_null(strstr(err, "failed to pull and unpack image"));
    free(err);
    assert_false(image__blob_exists(f->st, p.layer));
    assert_int_equal(image_list(f->st, &list), 0);
    assert_null(list[0]);
    image__strv_free(list);
    assert_int_equal(image_lookup(f->st, ref, &info), EN_NOTFOUND);
    expect_tmp_empty(f);
    free(ref);
}

static void test_size_mismatch_refused(void **state)
{
    fixture *f = *state;
    pushed p = push_image(f->reg, "big", "1", hello, N(hello), "x");
    char *ref = xasprintf("127.0.0.1:%d/big:1", f->reg->port), *err = NULL;
    image_info info;

    /* The registry sends more bytes than the descriptor says. */
    for (int i = 0; i < f->reg->n; i++) {
        fobj *o = &f->reg->objs[i];
        if (strstr(o->path, p.layer)) {
            o->body = xrealloc(o->body, o->len + 100);
            memset(o->body + o->len, 'x', 100);
            o->len += 100;
        }
    }
    open_store(f, NULL);
    assert_int_equal(image_pull(f->st, ref, &info, &err), EN_INVALID);
    assert_non_null(strstr(err, "larger than its descriptor"));
    free(err);
    expect_tmp_empty(f);
    free(ref);
}

static void test_not_found(void **state)
{
    fixture *f = *state;
    char *ref = xasprintf("127.0.0.1:%d/nosuch:1", f->reg->port), *err = NULL, *want;
    image_info info;

    open_store(f, NULL);
    assert_int_equal(image_pull(f->st, ref, &info, &err), EN_NOTFOUND);
    want = xasprintf("failed to pull and unpack image \"%s\": failed to resolve reference "
                     "\"%s\": %s: not found",
                     ref, ref, ref);
    assert_string_equal(err, want);
    free(err);
    free(want);
    /* Through the mirror: the dead endpoint and unreachable docker.io do not
     * hide that the mirror said "not found". */
    image_store_close(f->st);
    f->st = NULL;
    open_with_mirror(f);
    assert_int_equal(image_pull(f->st, "nosuch:2", &info, &err), EN_NOTFOUND);
    assert_non_null(strstr(err, "docker.io/library/nosuch:2: not found"));
    free(err);
    /* A reference that does not parse. */
    assert_int_equal(image_pull(f->st, "No Such", &info, &err), EN_INVALID);
    assert_non_null(strstr(err, "invalid reference format"));
    free(err);
    /* A registry that is not there. */
    free(ref);
    ref = xasprintf("127.0.0.1:%d/x:1", f->dead_port);
    assert_int_equal(image_pull(f->st, ref, &info, &err), EN_IO);
    assert_non_null(strstr(err, "Failed to connect"));
    free(err);
    free(ref);
}

typedef struct pull_job {
    image_store *st;
    const char *ref;
    int rc;
    char *id;
} pull_job;

static void *pull_thread(void *p)
{
    pull_job *j = p;
    image_info info;
    char *err = NULL;

    j->rc = image_pull(j->st, j->ref, &info, &err);
    if (j->rc == 0)
        j->id = xstrdup(info.id);
    else
        fprintf(stderr, "pull: %s\n", err);
    image_info_release(&info);
    free(err);
    return NULL;
}

static void test_concurrent_pulls_once(void **state)
{
    fixture *f = *state;
    pushed p = push_image(f->reg, "shared", "1", hello, N(hello), "x");
    char *ref1 = xasprintf("127.0.0.1:%d/shared:1", f->reg->port);
    char *ref2 = xasprintf("127.0.0.1:%d/shared:2", f->reg->port);
    pull_job jobs[6];
    pthread_t t[6];

    /* Tag 2 names the same manifest: its layer must still be fetched once. */
    for (int i = 0, n = f->reg->n; i < n; i++) {
        if (!strcmp(f->reg->objs[i].path, "/v2/shared/manifests/1"))
            freg_add(f->reg, "/v2/shared/manifests/2", f->reg->objs[i].ctype,
                     f->reg->objs[i].body, f->reg->objs[i].len);
    }
    f->reg->manifest_delay_ms = 300;
    open_store(f, NULL);
    for (int i = 0; i < 6; i++) {
        jobs[i] = (pull_job){f->st, i % 2 ? ref2 : ref1, -1, NULL};
        pthread_create(&t[i], NULL, pull_thread, &jobs[i]);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(jobs[i].rc, 0);
        assert_string_equal(jobs[i].id, p.config);
        free(jobs[i].id);
    }
    assert_int_equal(freg_hits(f->reg, "/manifests/1"), 1);
    assert_int_equal(freg_hits(f->reg, "/manifests/2"), 1);
    assert_int_equal(freg_hits(f->reg, p.config), 1);
    assert_int_equal(freg_hits(f->reg, p.layer), 1);
    expect_tmp_empty(f);
    free(ref1);
    free(ref2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pull_tag_and_digest_via_mirror, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manifest_list_picks_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bearer_auth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_basic_auth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_digest_mismatch_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_size_mismatch_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_pulls_once, setup, teardown),
    };
    log_set_level(LOG_ERROR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
