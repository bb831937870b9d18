/*
 * test_client_http.c -- the client (client.h) against a scripted HTTP
 * server (fake_server.h): request helpers (methods, paths, headers, bodies,
 * Status errors mapped to EN_* codes, transport failures, timeouts,
 * concurrent use from threads) and watches (paged list, events, resuming
 * from the last resourceVersion, bookmarks, re-listing on a 410 ERROR event
 * and on HTTP 410, back-off on errors, stopping from another thread,
 * shutdown).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "client/client.h"
#include "core/core.h"
#include "fake_server.h"

static client *new_client(fake_server *fs, int timeout_ms)
{
    client_config cfg;
    client *c = NULL;
    char url[64];

    snprintf(url, sizeof url, "http://127.0.0.1:%d/", fs ? fs->port : 1);
    client_config_init(&cfg);
    cfg.server = url;
    cfg.token = (char *)"s3cret";
    cfg.timeout_ms = timeout_ms;
    cfg.connect_timeout_ms = 2000;
    assert_int_equal(client_new(&cfg, &c), 0);
    return c;
}

/* ---- plain requests ------------------------------------------------------- */

static void crud_handler(fake_server *fs, int fd, const fake_req *rq, int idx)
{
    (void)fs;
    (void)idx;
    if (!strcmp(rq->method, "POST") && strstr(rq->path, "/pods"))
        fake_reply(fd, 201,
                   "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p\","
                   "\"resourceVersion\":\"7\"}}");
    else if (strstr(rq->path, "/nodes/missing"))
        fake_reply(fd, 404,
                   "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                   "\"message\":\"nodes \\\"missing\\\" not found\",\"reason\":\"NotFound\","
                   "\"code\":404}");
    else if (!strcmp(rq->method, "POST") && strstr(rq->path, "/leases"))
        fake_reply(fd, 409,
                   "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"exists\","
                   "\"reason\":\"AlreadyExists\",\"code\":409}");
    else if (!strcmp(rq->method, "PUT"))
        fake_reply(fd, 409,
                   "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"the object has "
                   "been modified\",\"reason\":\"Conflict\",\"code\":409}");
    else if (strstr(rq->path, "/slow")) {
        fake_sleep_ms(1500);
        fake_reply(fd, 200, "{}");
    } else if (strstr(rq->path, "/notjson"))
        fake_reply(fd, 500, "oops, not JSON");
    else
        fake_reply(fd, 200, "{\"kind\":\"Thing\",\"metadata\":{\"resourceVersion\":\"9\"}}");
}

static void test_requests(void **state)
{
    fake_server *fs = fake_start(crud_handler, NULL);
    client *c = new_client(fs, 1000);
    client_resp r = {0};
    json_t *obj = json_pack("{s:s,s:s,s:{s:s}}", "apiVersion", "v1", "kind", "Pod", "metadata",
                            "name", "p");
    client_list_opts lo = {.label_selector = "app=web", .field_selector = "spec.nodeName=n1",
                           .limit = 50, .continue_token = "abc"};
    client_delete_opts dopt = {.set_grace = true, .grace_seconds = 0, .pre_uid = "u-1",
                               .propagation = "Background"};
    json_t *dbody;
    (void)state;

    assert_int_equal(client_create(c, &client_res_pods, "default", obj, &r), 0);
    assert_int_equal(r.code, 201);
    assert_string_equal(json_path_str(r.body, "metadata.resourceVersion"), "7");
    assert_string_equal(fs->reqs[0].method, "POST");
    assert_string_equal(fs->reqs[0].path, "/api/v1/namespaces/default/pods");
    assert_non_null(strcasestr(fs->reqs[0].headers, "Authorization: Bearer s3cret"));
    assert_non_null(strcasestr(fs->reqs[0].headers, "Content-Type: application/json"));
    assert_non_null(strcasestr(fs->reqs[0].headers, "Accept: application/json"));
    assert_non_null(strstr(fs->reqs[0].body, "\"kind\":\"Pod\""));

    assert_int_equal(client_get(c, &client_res_nodes, NULL, "missing", &r), EN_NOTFOUND);
    assert_int_equal(r.code, 404);
    assert_string_equal(client_resp_message(&r), "nodes \"missing\" not found");

    assert_int_equal(client_create(c, &client_res_leases, "kube-node-lease", obj, &r), EN_EXISTS);
    assert_int_equal(client_update(c, &client_res_pods, "default", "p", "status", obj, &r),
                     EN_CONFLICT);
    assert_string_equal(fs->reqs[3].path, "/api/v1/namespaces/default/pods/p/status");
    assert_string_equal(fs->reqs[3].method, "PUT");

    assert_int_equal(client_patch(c, &client_res_nodes, NULL, "n1", "status",
                                  CLIENT_PATCH_STRATEGIC, obj, &r),
                     0);
    assert_string_equal(fs->reqs[4].method, "PATCH");
    assert_non_null(
        strcasestr(fs->reqs[4].headers, "Content-Type: application/strategic-merge-patch+json"));
    assert_int_equal(client_patch(c, &client_res_nodes, NULL, "n1", NULL, CLIENT_PATCH_MERGE, obj,
                                  &r),
                     0);
    assert_non_null(strcasestr(fs->reqs[5].headers, "Content-Type: application/merge-patch+json"));
    assert_int_equal(client_patch(c, &client_res_nodes, NULL, "n1", NULL, (enum client_patch_type)7,
                                  obj, &r),
                     EN_INVALID);

    assert_int_equal(client_list(c, &client_res_pods, NULL, &lo, &r), 0);
    assert_string_equal(fs->reqs[6].path, "/api/v1/pods?labelSelector=app%3Dweb&fieldSelector="
                                          "spec.nodeName%3Dn1&limit=50&continue=abc");
    assert_int_equal(client_list(c, &client_res_pods, "ns1", NULL, &r), 0);
    assert_string_equal(fs->reqs[7].path, "/api/v1/namespaces/ns1/pods");

    assert_int_equal(client_delete(c, &client_res_pods, "default", "p", &dopt, &r), 0);
    assert_string_equal(fs->reqs[8].method, "DELETE");
    dbody = json_loads(fs->reqs[8].body, 0, NULL);
    assert_non_null(dbody);
    assert_string_equal(json_string_value(json_object_get(dbody, "kind")), "DeleteOptions");
    assert_int_equal(json_integer_value(json_object_get(dbody, "gracePeriodSeconds")), 0);
    assert_true(json_is_integer(json_object_get(dbody, "gracePeriodSeconds")));
    assert_string_equal(json_path_str(dbody, "preconditions.uid"), "u-1");
    assert_string_equal(json_string_value(json_object_get(dbody, "propagationPolicy")),
                        "Background");
    json_decref(dbody);
    /* Without options: no body at all. */
    assert_int_equal(client_delete(c, &client_res_pods, "default", "p", NULL, &r), 0);
    assert_int_equal(fs->reqs[9].body_len, 0);

    /* errors_only: a success's echoed object is not parsed, a failure's
     * Status still is, and the flag survives the requests. */
    r.errors_only = true;
    assert_int_equal(client_create(c, &client_res_pods, "default", obj, &r), 0);
    assert_int_equal(r.code, 201);
    assert_null(r.body);
    assert_int_equal(client_get(c, &client_res_nodes, NULL, "missing", &r), EN_NOTFOUND);
    assert_string_equal(client_resp_message(&r), "nodes \"missing\" not found");
    assert_true(r.errors_only);
    r.errors_only = false;

    /* A non-JSON error body: code kept, body NULL, generic message. */
    assert_int_equal(client_request(c, "GET", "/notjson", NULL, NULL, 0, &r), EN_INTERNAL);
    assert_int_equal(r.code, 500);
    assert_null(r.body);

    /* Bounded: a server slower than the timeout is abandoned. */
    int64_t t0 = time_mono_ms();
    assert_int_equal(client_request(c, "GET", "/slow", NULL, NULL, 0, &r), EN_TIMEOUT);
    assert_int_equal(r.code, 0);
    assert_non_null(r.error);
    assert_true(time_mono_ms() - t0 < 1400);

    client_resp_release(&r);
    json_decref(obj);
    client_free(c);
    fake_stop(fs);
}

static void test_transport_errors(void **state)
{
    client *c;
    client_resp r = {0};
    fake_server *fs = fake_start(crud_handler, NULL);
    int port = fs->port;
    (void)state;

    fake_stop(fs); /* nothing listens there now */
    client_config cfg;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    client_config_init(&cfg);
    cfg.server = url;
    assert_int_equal(client_new(&cfg, &c), 0);
    assert_int_equal(client_get(c, &client_res_nodes, NULL, "n", &r), EN_IO);
    assert_int_equal(r.code, 0);
    assert_non_null(r.error);
    assert_string_equal(client_resp_message(&r), r.error);

    client_shutdown(c);
    assert_int_equal(client_get(c, &client_res_nodes, NULL, "n", &r), EN_CLOSED);
    assert_string_equal(client_resp_message(&r), "client is shut down");
    client_free(c);
}

/* Many threads share one client. */
struct thread_arg {
    client *c;
    int ok;
};

static void *hammer(void *p)
{
    struct thread_arg *a = p;
    client_resp r = {0};
    for (int i = 0; i < 50; i++)
        if (client_get(a->c, &client_res_pods, "default", "x", &r) == 0 && r.code == 200)
            a->ok++;
    client_resp_release(&r);
    return NULL;
}

static void test_threads(void **state)
{
    fake_server *fs = fake_start(crud_handler, NULL);
    client *c = new_client(fs, 5000);
    pthread_t t[8];
    struct thread_arg a[8];
    (void)state;

    for (int i = 0; i < 8; i++) {
        a[i].c = c;
        a[i].ok = 0;
        pthread_create(&t[i], NULL, hammer, &a[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(a[i].ok, 50);
    }
    assert_int_equal(fake_count(fs), 400);
    client_free(c);
    fake_stop(fs);
}

/* ---- watches ---------------------------------------------------------------- */

struct wctx {
    atomic_int lists;   /* first pages served */
    atomic_int watches; /* watch requests served */
    char watch_rv[8][32];
};

/* What a pod item / event looks like. */
static void pod_json(char *buf, size_t len, const char *name, const char *rv)
{
    snprintf(buf, len,
             "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\",\"namespace\":\"d\","
             "\"resourceVersion\":\"%s\"}}",
             name, rv);
}

static void event_line(int fd, const char *type, const char *name, const char *rv)
{
    char obj[256], line[400];
    pod_json(obj, sizeof obj, name, rv);
    snprintf(line, sizeof line, "{\"type\":\"%s\",\"object\":%s}", type, obj);
    fake_stream_line(fd, line);
}

static void query_value(const char *path, const char *key, char *out, size_t len)
{
    char pat[64];
    const char *p;
    size_t n = 0;
    snprintf(pat, sizeof pat, "%s=", key);
    out[0] = '\0';
    p = strstr(path, pat);
    if (!p)
        return;
    p += strlen(pat);
    while (p[n] && p[n] != '&' && n + 1 < len)
        n++;
    snprintf(out, len, "%.*s", (int)n, p);
}

static void watch_handler(fake_server *fs, int fd, const fake_req *rq, int idx)
{
    struct wctx *w = fs->ctx;
    char a[256], b[256], c[256], body[1024];
    (void)idx;

    if (!strstr(rq->path, "watch=true")) {
        if (strstr(rq->path, "continue=tok")) {
            pod_json(c, sizeof c, "c", "7");
            snprintf(body, sizeof body,
                     "{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"11\"},"
                     "\"items\":[%s]}",
                     c);
        } else if (atomic_fetch_add(&w->lists, 1) == 0) {
            pod_json(a, sizeof a, "a", "5");
            pod_json(b, sizeof b, "b", "6");
            snprintf(body, sizeof body,
                     "{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"10\","
                     "\"continue\":\"tok\"},\"items\":[%s,%s]}",
                     a, b);
        } else {
            pod_json(a, sizeof a, "a", "13");
            snprintf(body, sizeof body,
                     "{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"20\"},"
                     "\"items\":[%s]}",
                     a);
        }
        fake_reply(fd, 200, body);
        return;
    }
    int n = atomic_fetch_add(&w->watches, 1);
    if (n < 8)
        query_value(rq->path, "resourceVersion", w->watch_rv[n], sizeof w->watch_rv[n]);
    switch (n) {
    case 0: /* two events, then the stream ends: resume from 13 */
        fake_stream_start(fd, 200);
        event_line(fd, "ADDED", "d", "12");
        event_line(fd, "MODIFIED", "a", "13");
        fake_sleep_ms(50);
        break;
    case 1: /* a bookmark, then "too old": re-list */
        fake_stream_start(fd, 200);
        event_line(fd, "BOOKMARK", "", "15");
        fake_stream_line(fd, "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,"
                             "\"reason\":\"Expired\",\"message\":\"too old\"}}");
        fake_hold(fs, fd, 3000);
        break;
    case 2: /* 410 as an HTTP status: re-list too */
        snprintf(body, sizeof body,
                 "{\"kind\":\"Status\",\"code\":410,\"reason\":\"Gone\",\"message\":\"gone\"}");
        fake_reply(fd, 410, body);
        break;
    default: /* the event that makes the callback stop the watch */
        fake_stream_start(fd, 200);
        fake_stream_line(fd, "");              /* blank lines are skipped */
        fake_stream_line(fd, "{\"type\":\"FUTURE\",\"object\":{}}"); /* unknown type */
        event_line(fd, "DELETED", "stopper", "21");
        fake_hold(fs, fd, 3000);
        break;
    }
}

struct events {
    char log[64][48];
    int n;
};

static int record(void *ctx, const client_event *ev)
{
    static const char *names[] = {"ADDED", "MODIFIED", "DELETED", "BOOKMARK", "RELIST", "SYNCED"};
    struct events *e = ctx;
    const char *name = json_path_str(ev->object, "metadata.name");
    if (e->n < 64)
        snprintf(e->log[e->n++], sizeof e->log[0], "%s %s@%s", names[ev->type],
                 name ? name : "-", ev->resource_version ? ev->resource_version : "?");
    return name && !strcmp(name, "stopper") ? 42 : 0;
}

static void test_watch_lifecycle(void **state)
{
    struct wctx w = {0};
    fake_server *fs = fake_start(watch_handler, &w);
    client *c = new_client(fs, 5000);
    client_watch_opts o = {.label_selector = "app=x", .page_size = 2, .timeout_seconds = 30};
    client_watch *cw = client_watch_new(c, &client_res_pods, NULL, &o);
    struct events e = {.n = 0};
    static const char *want[] = {
        "RELIST -@10",   "ADDED a@5",    "ADDED b@6",  "ADDED c@7",   "SYNCED -@10",
        "ADDED d@12",    "MODIFIED a@13", "BOOKMARK @15", "RELIST -@20", "ADDED a@13",
        "SYNCED -@20",   "RELIST -@20",  "ADDED a@13", "SYNCED -@20", "DELETED stopper@21",
    };
    char rv[32];
    (void)state;

    client_watch_last_rv(cw, rv, sizeof rv);
    assert_string_equal(rv, "");
    assert_int_equal(client_watch_run(cw, record, &e), 42);
    for (int i = 0; i < e.n; i++)
        printf("  event %d: %s\n", i, e.log[i]);
    assert_int_equal(e.n, (int)(sizeof want / sizeof *want));
    for (int i = 0; i < e.n; i++)
        assert_string_equal(e.log[i], want[i]);
    client_watch_last_rv(cw, rv, sizeof rv);
    assert_string_equal(rv, "21");

    /* Each watch resumed where the previous one left off. */
    assert_string_equal(w.watch_rv[0], "10");
    assert_string_equal(w.watch_rv[1], "13");
    assert_string_equal(w.watch_rv[2], "20");
    assert_string_equal(w.watch_rv[3], "20");
    /* Selectors, bookmarks and the timeout go on every request. */
    for (int i = 0; i < fake_count(fs); i++) {
        assert_non_null(strstr(fs->reqs[i].path, "labelSelector=app%3Dx"));
        if (strstr(fs->reqs[i].path, "watch=true")) {
            assert_non_null(strstr(fs->reqs[i].path, "allowWatchBookmarks=true"));
            assert_non_null(strstr(fs->reqs[i].path, "timeoutSeconds=30"));
        } else {
            assert_non_null(strstr(fs->reqs[i].path, "limit=2"));
        }
    }
    client_watch_free(cw);
    client_free(c);
    fake_stop(fs);
}

/* Starting from a given resourceVersion skips the list. */
static void test_watch_from_rv(void **state)
{
    struct wctx w = {0};
    fake_server *fs;
    client *c;
    client_watch *cw;
    client_watch_opts o = {.resource_version = "13"};
    struct events e = {.n = 0};
    (void)state;

    atomic_store(&w.watches, 1); /* the handler's second script: bookmark, 410 */
    fs = fake_start(watch_handler, &w);
    c = new_client(fs, 5000);
    cw = client_watch_new(c, &client_res_pods, "d", &o);
    assert_int_equal(client_watch_run(cw, record, &e), 42);
    assert_string_equal(e.log[0], "BOOKMARK @15");
    assert_string_equal(e.log[1], "RELIST -@10"); /* the first full list */
    assert_string_equal(w.watch_rv[1], "13");
    assert_non_null(strstr(fs->reqs[0].path, "/api/v1/namespaces/d/pods?"));
    client_watch_free(cw);
    client_free(c);
    fake_stop(fs);
}

static void hold_handler(fake_server *fs, int fd, const fake_req *rq, int idx)
{
    (void)idx;
    if (!strstr(rq->path, "watch=true")) {
        fake_reply(fd, 200, "{\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}");
        return;
    }
    fake_stream_start(fd, 200);
    fake_hold(fs, fd, 10000); /* a quiet stream */
}

struct stopper {
    client_watch *w;
    client *c;
    int delay_ms;
};

static void *stop_later(void *p)
{
    struct stopper *s = p;
    fake_sleep_ms(s->delay_ms);
    if (s->w)
        client_watch_stop(s->w);
    else
        client_shutdown(s->c);
    return NULL;
}

static int count_events(void *ctx, const client_event *ev)
{
    (void)ev;
    (*(int *)ctx)++;
    return 0;
}

static void test_watch_stop_and_shutdown(void **state)
{
    fake_server *fs = fake_start(hold_handler, NULL);
    client *c = new_client(fs, 5000);
    client_watch *cw = client_watch_new(c, &client_res_nodes, NULL, NULL);
    struct stopper st = {.w = cw, .c = c, .delay_ms = 300};
    pthread_t t;
    int n = 0;
    int64_t t0;
    (void)state;

    /* Stopped from another thread while the stream is quiet. */
    t0 = time_mono_ms();
    pthread_create(&t, NULL, stop_later, &st);
    assert_int_equal(client_watch_run(cw, count_events, &n), 0);
    pthread_join(t, NULL);
    assert_true(time_mono_ms() - t0 < 2500);
    assert_int_equal(n, 2); /* RELIST + SYNCED of the empty list */
    client_watch_free(cw);

    /* client_shutdown ends a watch too, with EN_CLOSED. */
    cw = client_watch_new(c, &client_res_nodes, NULL, NULL);
    st.w = NULL;
    t0 = time_mono_ms();
    pthread_create(&t, NULL, stop_later, &st);
    assert_int_equal(client_watch_run(cw, count_events, &n), EN_CLOSED);
    pthread_join(t, NULL);
    assert_true(time_mono_ms() - t0 < 2500);
    client_watch_free(cw);
    client_free(c);
    fake_stop(fs);
}

static void error_handler(fake_server *fs, int fd, const fake_req *rq, int idx)
{
    (void)fs;
    (void)idx;
    (void)rq;
    fake_reply(fd, 500, "{\"kind\":\"Status\",\"code\":500,\"message\":\"boom\"}");
}

/* Failing lists back off instead of spinning. */
static void test_watch_backoff(void **state)
{
    fake_server *fs = fake_start(error_handler, NULL);
    client *c = new_client(fs, 5000);
    client_watch *cw = client_watch_new(c, &client_res_pods, NULL, NULL);
    struct stopper st = {.w = cw, .delay_ms = 1700};
    pthread_t t;
    int n = 0;
    (void)state;

    pthread_create(&t, NULL, stop_later, &st);
    assert_int_equal(client_watch_run(cw, count_events, &n), 0);
    pthread_join(t, NULL);
    /* 0 + 200 + 400 + 800 ms (+ jitter): 4 attempts, maybe 5. */
    assert_true(fake_count(fs) >= 3);
    assert_true(fake_count(fs) <= 5);
    assert_int_equal(n, 0);
    client_watch_free(cw);
    client_free(c);
    fake_stop(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests),
        cmocka_unit_test(test_transport_errors),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_watch_lifecycle),
        cmocka_unit_test(test_watch_from_rv),
        cmocka_unit_test(test_watch_stop_and_shutdown),
        cmocka_unit_test(test_watch_backoff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
