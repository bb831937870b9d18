/*
 * test_server.c -- unit tests of the agent's log server (logs.h) over real
 * HTTPS on 127.0.0.1 with libcurl: the token is required (401), unknown
 * paths, pods and containers are 404, bad parameters and a missing
 * previous log are 400 with kubelet's wording, the options reach the
 * reader (tailLines, timestamps, limitBytes, previous, sinceTime), and a
 * followed log streams lines as they are written and ends when the
 * container restarts (a newer log appears), when its writer closes the log
 * (the shim does when the container ends), when container_running says it
 * stopped, or when the pod's directory goes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "logs/logs.h"

#define TOKEN "node-token-123"

static char tmpdir[] = "/tmp/en-logsrv-test-XXXXXX";
static char *logs_dir;
static logs_server *srv;
static atomic_bool running_flag; /* what container_running answers */

static bool running_cb(void *ctx, const char *ns, const char *pod, const char *uid,
                       const char *container, int restart)
{
    assert_string_equal(ns, "team");
    assert_string_equal(pod, "cb-pod");
    assert_string_equal(uid, "u-cb");
    assert_string_equal(container, "c");
    assert_int_equal(restart, 0);
    return atomic_load(&running_flag);
}

static void write_file(const char *rel, const char *mode, const char *text)
{
    char *p = xasprintf("%s/%s", logs_dir, rel);
    FILE *f = fopen(p, mode);
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(p);
}

/* A log kept open for writing, as the runtime's shim keeps a running
 * container's log. */
static FILE *open_writer(const char *rel)
{
    char *p = xasprintf("%s/%s", logs_dir, rel);
    FILE *f = fopen(p, "a");
    assert_non_null(f);
    free(p);
    return f;
}

static void put(FILE *f, const char *text)
{
    fputs(text, f);
    fflush(f);
}

static void mkdirs(const char *rel)
{
    char *cmd = xasprintf("mkdir -p '%s/%s'", logs_dir, rel);
    assert_int_equal(system(cmd), 0);
    free(cmd);
}

/* ---- HTTP ------------------------------------------------------------------ */

typedef struct got {
    long code;
    sbuf body;
    pthread_mutex_t mu;
} got;

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
    got *g = ctx;
    pthread_mutex_lock(&g->mu);
    sbuf_append(&g->body, data, size * nmemb);
    pthread_mutex_unlock(&g->mu);
    return size * nmemb;
}

/* GET path (with query) with the given token (NULL = none); bounded. */
static void get(const char *path, const char *token, got *g)
{
    CURL *h = curl_easy_init();
    char *url = xasprintf("https://127.0.0.1:%d%s", logs_server_port(srv), path);
    struct curl_slist *hdrs = NULL;
    char *auth = token ? xasprintf("Authorization: Bearer %s", token) : NULL;

    if (auth)
        hdrs = curl_slist_append(hdrs, auth);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, g);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
    assert_int_equal(curl_easy_perform(h), CURLE_OK);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &g->code);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    free(auth);
    free(url);
}

static void got_init(got *g)
{
    memset(g, 0, sizeof *g);
    sbuf_init(&g->body);
    pthread_mutex_init(&g->mu, NULL);
}

static void got_release(got *g)
{
    sbuf_release(&g->body);
    pthread_mutex_destroy(&g->mu);
}

/* One request, expecting code and exactly body. */
static void expect(const char *path, const char *token, long code, const char *body)
{
    got g;
    got_init(&g);
    get(path, token, &g);
    if (g.code != code || strcmp(g.body.buf ? g.body.buf : "", body) != 0)
        fail_msg("GET %s: got %ld %s, want %ld %s", path, g.code, g.body.buf, code, body);
    got_release(&g);
}

/* ---- fixtures -------------------------------------------------------------- */

static int setup(void **state)
{
    logs_server_config cfg = {0};
    char *err = NULL;

    assert_non_null(mkdtemp(tmpdir));
    logs_dir = xasprintf("%s/logs", tmpdir);
    mkdirs("default_web_u1/app");
    write_file("default_web_u1/app/0.log", "w",
               "2026-01-02T03:04:05.1Z stdout F previous run\n");
    write_file("default_web_u1/app/1.log", "w",
               "2026-01-02T03:04:06.1Z stdout F one\n"
               "2026-01-02T03:04:07.1Z stderr F two\n"
               "2026-01-02T03:04:08.1Z stdout P thr\n"
               "2026-01-02T03:04:08.2Z stdout F ee\n");
    mkdirs("default_fresh_u2/app");
    write_file("default_fresh_u2/app/0.log", "w", "2026-01-02T03:04:05Z stdout F only\n");
    cfg.address = "127.0.0.1";
    cfg.port = 0;
    cfg.token = TOKEN;
    cfg.logs_dir = logs_dir;
    cfg.tls_dir = tmpdir;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    assert_int_equal(logs_server_start(&cfg, &srv, &err), 0);
    assert_null(err);
    assert_true(logs_server_port(srv) > 0);
    return 0;
}

static int teardown(void **state)
{
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);
    int rc;
    logs_server_stop(srv);
    curl_global_cleanup();
    rc = system(cmd);
    free(cmd);
    free(logs_dir);
    return rc;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_auth(void **state)
{
    expect("/containerLogs/default/web/app", NULL, 401, "Unauthorized\n");
    expect("/containerLogs/default/web/app", "wrong", 401, "Unauthorized\n");
    expect("/containerLogs/default/web/app", TOKEN, 200, "one\ntwo\nthree\n");
}

static void test_not_found(void **state)
{
    expect("/containerLogs/default/web", TOKEN, 404, "404 page not found\n");
    expect("/containerLogs/default/web/app/x", TOKEN, 404, "404 page not found\n");
    expect("/containerLogs/default/../app", TOKEN, 404, "404 page not found\n");
    expect("/stats/summary", TOKEN, 404, "404 page not found\n");
    expect("/containerLogs/default/nope/app", TOKEN, 404, "pod \"nope\" does not exist\n");
    expect("/containerLogs/default/web/db", TOKEN, 404,
           "container \"db\" not found in pod \"web\"\n");
}

static void test_options(void **state)
{
    expect("/containerLogs/default/web/app?tailLines=1", TOKEN, 200, "three\n");
    expect("/containerLogs/default/web/app?tailLines=2&timestamps=true", TOKEN, 200,
           "2026-01-02T03:04:07.100000000Z two\n2026-01-02T03:04:08.100000000Z three\n");
    expect("/containerLogs/default/web/app?limitBytes=5", TOKEN, 200, "one\nt");
    expect("/containerLogs/default/web/app?sinceTime=2026-01-02T03:04:07Z", TOKEN, 200,
           "two\nthree\n");
    /* Logged long ago: nothing in the last hour. */
    expect("/containerLogs/default/web/app?sinceSeconds=3600", TOKEN, 200, "");
    expect("/containerLogs/default/web/app?previous=true", TOKEN, 200, "previous run\n");
    expect("/containerLogs/default/fresh/app?previous=true", TOKEN, 400,
           "previous terminated container \"app\" in pod \"fresh\" not found\n");
}

static void test_bad_parameters(void **state)
{
    expect("/containerLogs/default/web/app?tailLines=-1", TOKEN, 400,
           "tailLines: Invalid value: -1: must be greater than or equal to 0\n");
    expect("/containerLogs/default/web/app?tailLines=ten", TOKEN, 400,
           "invalid value for tailLines: ten (expected an integer)\n");
    expect("/containerLogs/default/web/app?limitBytes=0", TOKEN, 400,
           "limitBytes: Invalid value: 0: must be greater than 0\n");
    expect("/containerLogs/default/web/app?sinceSeconds=0", TOKEN, 400,
           "sinceSeconds: Invalid value: 0: must be greater than 0\n");
    expect("/containerLogs/default/web/app?sinceSeconds=5&sinceTime=2026-01-02T03:04:07Z",
           TOKEN, 400, "at most one of `sinceTime` or `sinceSeconds` may be specified\n");
    expect("/containerLogs/default/web/app?sinceTime=noon", TOKEN, 400,
           "invalid value for sinceTime: noon (expected RFC 3339)\n");
    expect("/containerLogs/default/web/app?follow=maybe", TOKEN, 400,
           "invalid value for follow: maybe (expected true or false)\n");
}

/* A follow request on its own thread. */
typedef struct follow_req {
    const char *path;
    got g;
    atomic_bool done;
} follow_req;

static void *follow_thread(void *arg)
{
    follow_req *fr = arg;
    get(fr->path, TOKEN, &fr->g);
    atomic_store(&fr->done, true);
    return NULL;
}

static bool body_has(follow_req *fr, const char *want)
{
    for (int i = 0; i < 100; i++) {
        bool ok;
        pthread_mutex_lock(&fr->g.mu);
        ok = fr->g.body.buf && strstr(fr->g.body.buf, want);
        pthread_mutex_unlock(&fr->g.mu);
        if (ok)
            return true;
        usleep(50000);
    }
    return false;
}

static bool ends(follow_req *fr)
{
    for (int i = 0; i < 100; i++) {
        if (atomic_load(&fr->done))
            return true;
        usleep(50000);
    }
    return false;
}

static void test_follow_until_restart(void **state)
{
    follow_req fr = {.path = "/containerLogs/team/restarting/c?follow=true"};
    pthread_t th;
    FILE *w;

    mkdirs("team_restarting_u3/c");
    w = open_writer("team_restarting_u3/c/0.log");
    put(w, "2026-01-02T03:04:05Z stdout F started\n");
    got_init(&fr.g);
    pthread_create(&th, NULL, follow_thread, &fr);
    assert_true(body_has(&fr, "started\n"));
    put(w, "2026-01-02T03:04:06Z stdout F working\n");
    assert_true(body_has(&fr, "working\n"));
    /* Still streaming after idle checks: the writer is still there. */
    usleep(1500 * 1000);
    assert_false(atomic_load(&fr.done));
    /* A restart: the stream ends (the new run is another log), even though
     * this writer has not let go yet. */
    write_file("team_restarting_u3/c/1.log", "w", "2026-01-02T03:04:09Z stdout F reborn\n");
    assert_true(ends(&fr));
    pthread_join(th, NULL);
    fclose(w);
    assert_int_equal(fr.g.code, 200);
    assert_string_equal(fr.g.body.buf, "started\nworking\n");
    got_release(&fr.g);
}

static void test_follow_until_writer_closes(void **state)
{
    follow_req fr = {.path = "/containerLogs/team/ending/c?follow=true&timestamps=true"};
    pthread_t th;
    FILE *w;

    mkdirs("team_ending_u6/c");
    w = open_writer("team_ending_u6/c/0.log");
    put(w, "2026-01-02T03:04:05Z stdout F one\n");
    got_init(&fr.g);
    pthread_create(&th, NULL, follow_thread, &fr);
    assert_true(body_has(&fr, "one\n"));
    usleep(1500 * 1000);
    assert_false(atomic_load(&fr.done));
    /* The container ends: its last line, then its writer lets go. */
    put(w, "2026-01-02T03:04:07Z stderr F the end\n");
    fclose(w);
    assert_true(ends(&fr));
    pthread_join(th, NULL);
    assert_string_equal(fr.g.body.buf, "2026-01-02T03:04:05.000000000Z one\n"
                                       "2026-01-02T03:04:07.000000000Z the end\n");
    got_release(&fr.g);
}

static void test_follow_until_stopped(void **state)
{
    follow_req fr = {.path = "/containerLogs/team/cb-pod/c?follow=1&tailLines=1"};
    logs_server_config cfg = {0};
    logs_server *main_srv = srv;
    char *err = NULL;
    pthread_t th;

    /* A server asking container_running (no writer holds this log at all). */
    cfg.address = "127.0.0.1";
    cfg.token = TOKEN;
    cfg.logs_dir = logs_dir;
    cfg.tls_dir = tmpdir;
    cfg.container_running = running_cb;
    assert_int_equal(logs_server_start(&cfg, &srv, &err), 0);
    atomic_store(&running_flag, true);
    mkdirs("team_cb-pod_u-cb/c");
    write_file("team_cb-pod_u-cb/c/0.log", "w",
               "2026-01-02T03:04:05Z stdout F a\n2026-01-02T03:04:05Z stdout F b\n");
    got_init(&fr.g);
    pthread_create(&th, NULL, follow_thread, &fr);
    assert_true(body_has(&fr, "b\n"));
    usleep(1500 * 1000);
    assert_false(atomic_load(&fr.done));
    write_file("team_cb-pod_u-cb/c/0.log", "a", "2026-01-02T03:04:06Z stdout F last words\n");
    atomic_store(&running_flag, false);
    assert_true(ends(&fr));
    pthread_join(th, NULL);
    assert_string_equal(fr.g.body.buf, "b\nlast words\n");
    got_release(&fr.g);
    logs_server_stop(srv);
    srv = main_srv;
}

static void test_follow_until_pod_gone(void **state)
{
    follow_req fr = {.path = "/containerLogs/team/going/c?follow=true"};
    pthread_t th;
    char *cmd = xasprintf("rm -rf '%s/team_going_u5'", logs_dir);
    FILE *w;

    mkdirs("team_going_u5/c");
    w = open_writer("team_going_u5/c/0.log");
    put(w, "2026-01-02T03:04:05Z stdout F here\n");
    got_init(&fr.g);
    pthread_create(&th, NULL, follow_thread, &fr);
    assert_true(body_has(&fr, "here\n"));
    assert_int_equal(system(cmd), 0);
    assert_true(ends(&fr));
    pthread_join(th, NULL);
    fclose(w);
    assert_string_equal(fr.g.body.buf, "here\n");
    got_release(&fr.g);
    free(cmd);
}

static void test_start_errors(void **state)
{
    logs_server_config cfg = {0};
    logs_server *s = NULL;
    char *err = NULL;

    cfg.address = "not-an-ip";
    cfg.token = TOKEN;
    cfg.logs_dir = logs_dir;
    cfg.tls_dir = tmpdir;
    assert_int_equal(logs_server_start(&cfg, &s, &err), EN_INVALID);
    assert_null(s);
    assert_string_equal(err, "invalid log server address not-an-ip:0");
    free(err);
    err = NULL;
    cfg.address = "127.0.0.1";
    cfg.token = NULL;
    assert_int_equal(logs_server_start(&cfg, &s, &err), EN_INVALID);
    assert_non_null(err);
    free(err);
    err = NULL;
    /* The port is taken. */
    cfg.token = TOKEN;
    cfg.port = logs_server_port(srv);
    assert_int_equal(logs_server_start(&cfg, &s, &err), EN_IO);
    assert_non_null(strstr(err, "cannot listen on 127.0.0.1:"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_bad_parameters),
        cmocka_unit_test(test_follow_until_restart),
        cmocka_unit_test(test_follow_until_writer_closes),
        cmocka_unit_test(test_follow_until_stopped),
        cmocka_unit_test(test_follow_until_pod_gone),
        cmocka_unit_test(test_start_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
