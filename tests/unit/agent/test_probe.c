/*
 * test_probe.c -- container probes (agent_int.h, probe.c): parsing with
 * kubelet's defaults, named and numeric ports, refusals (no handler,
 * unknown port, grpc); the threshold bookkeeping (a verdict flips only
 * after successThreshold / failureThreshold consecutive results); and real
 * tcpSocket and httpGet probes against sockets this test opens on
 * 127.0.0.1 (a listening port succeeds, a closed one fails; HTTP 200 and
 * 302 succeed, 500 fails, headers are sent).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "agent/agent_int.h"

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, 0, &e);
    if (!v)
        fail_msg("bad test JSON: %s: %s", e.text, text);
    return v;
}

static const char *ctr_json = "{\"name\":\"c\",\"ports\":[{\"name\":\"web\",\"containerPort\":8080}]}";

static void test_parse(void **state)
{
    json_t *c = parse(ctr_json), *p;
    agent_probe_spec s;
    char *err = NULL;
    (void)state;

    p = parse("{\"httpGet\":{\"port\":\"web\",\"path\":\"/healthz\",\"scheme\":\"HTTPS\","
              "\"httpHeaders\":[{\"name\":\"X-A\",\"value\":\"1\"}]}}");
    assert_int_equal(agent__probe_parse(p, c, &s, &err), 0);
    assert_int_equal(s.kind, PROBE_HTTP);
    assert_int_equal(s.port, 8080);
    assert_string_equal(s.path, "/healthz");
    assert_true(s.https);
    assert_int_equal(json_array_size(s.headers), 1);
    /* kubelet's defaults. */
    assert_int_equal(s.initial_delay, 0);
    assert_int_equal(s.period, 10);
    assert_int_equal(s.timeout, 1);
    assert_int_equal(s.success_threshold, 1);
    assert_int_equal(s.failure_threshold, 3);
    agent__probe_spec_release(&s);
    json_decref(p);

    p = parse("{\"tcpSocket\":{\"port\":\"9090\"},\"initialDelaySeconds\":5,\"periodSeconds\":2,"
              "\"timeoutSeconds\":3,\"successThreshold\":2,\"failureThreshold\":4}");
    assert_int_equal(agent__probe_parse(p, c, &s, &err), 0);
    assert_int_equal(s.kind, PROBE_TCP);
    assert_int_equal(s.port, 9090);
    assert_int_equal(s.initial_delay, 5);
    assert_int_equal(s.period, 2);
    assert_int_equal(s.timeout, 3);
    assert_int_equal(s.success_threshold, 2);
    assert_int_equal(s.failure_threshold, 4);
    agent__probe_spec_release(&s);
    json_decref(p);

    p = parse("{\"exec\":{\"command\":[\"cat\",\"/tmp/ready\"]}}");
    assert_int_equal(agent__probe_parse(p, c, &s, &err), 0);
    assert_int_equal(s.kind, PROBE_EXEC);
    assert_string_equal(s.exec[0], "cat");
    assert_string_equal(s.exec[1], "/tmp/ready");
    assert_null(s.exec[2]);
    agent__probe_spec_release(&s);
    json_decref(p);

    /* No probe at all. */
    assert_int_equal(agent__probe_parse(NULL, c, &s, &err), 0);
    assert_int_equal(s.kind, PROBE_NONE);

    p = parse("{\"httpGet\":{\"port\":\"nope\"}}");
    assert_int_equal(agent__probe_parse(p, c, &s, &err), EN_INVALID);
    assert_non_null(strstr(err, "cannot be resolved"));
    free(err);
    json_decref(p);
    p = parse("{\"periodSeconds\":1}");
    assert_int_equal(agent__probe_parse(p, c, &s, &err), EN_INVALID);
    free(err);
    json_decref(p);
    p = parse("{\"grpc\":{\"port\":1}}");
    assert_int_equal(agent__probe_parse(p, c, &s, &err), EN_UNSUPPORTED);
    free(err);
    json_decref(p);
    json_decref(c);
}

static void test_thresholds(void **state)
{
    agent_probe_spec s = {.success_threshold = 2, .failure_threshold = 3};
    agent_probe_state st = {0};
    (void)state;
    /* Readiness starts unknown (not ready). */
    assert_false(agent__probe_record(&s, &st, true));
    assert_false(st.known);
    assert_true(agent__probe_record(&s, &st, true)); /* 2 successes: ready */
    assert_true(st.result);
    assert_false(agent__probe_record(&s, &st, false));
    assert_false(agent__probe_record(&s, &st, false));
    assert_true(st.result); /* 2 failures < 3 */
    assert_false(agent__probe_record(&s, &st, true)); /* the run of failures breaks */
    assert_false(agent__probe_record(&s, &st, false));
    assert_false(agent__probe_record(&s, &st, false));
    assert_true(agent__probe_record(&s, &st, false)); /* 3 in a row: not ready */
    assert_false(st.result);
    assert_false(agent__probe_record(&s, &st, false)); /* unchanged */
}

/* ---- real sockets --------------------------------------------------------------- */

static int listen_port(int *port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    assert_true(fd >= 0);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 8), 0);
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

/* A closed port: bind one and close it. */
static int closed_port(void)
{
    int port, fd = listen_port(&port);
    close(fd);
    return port;
}

static void test_tcp(void **state)
{
    agent_probe_spec s = {.kind = PROBE_TCP, .timeout = 1, .host = (char *)""};
    char *msg = NULL;
    int fd;
    (void)state;
    fd = listen_port(&s.port);
    assert_true(agent__probe_run(NULL, &s, "id", "127.0.0.1", &msg));
    assert_null(msg);
    close(fd);
    s.port = closed_port();
    assert_false(agent__probe_run(NULL, &s, "id", "127.0.0.1", &msg));
    assert_non_null(strstr(msg, "dial tcp 127.0.0.1:"));
    free(msg);
}

/* A one-request-at-a-time HTTP server answering with a fixed status and
 * remembering the last request head. */
typedef struct http_srv {
    int fd, port, n;
    const char *status; /* "200 OK" */
    char last[2048];
} http_srv;

static void *http_main(void *p)
{
    http_srv *h = p;
    for (int i = 0; i < h->n; i++) {
        int c = accept(h->fd, NULL, NULL);
        char buf[2048], out[256];
        ssize_t got = 0, r;
        if (c < 0)
            break;
        while (got < (ssize_t)sizeof buf - 1 &&
               (r = read(c, buf + got, sizeof buf - 1 - (size_t)got)) > 0) {
            got += r;
            buf[got] = '\0';
            if (strstr(buf, "\r\n\r\n"))
                break;
        }
        buf[got > 0 ? got : 0] = '\0';
        memcpy(h->last, buf, sizeof h->last);
        snprintf(out, sizeof out,
                 "HTTP/1.1 %s\r\nContent-Length: 2\r\nLocation: /x\r\nConnection: close\r\n\r\nok",
                 h->status);
        if (write(c, out, strlen(out)) < 0)
            break;
        close(c);
    }
    return NULL;
}

static bool http_probe(const char *status, char **msg, char *last, size_t last_len)
{
    http_srv h = {.status = status, .n = 1};
    agent_probe_spec s = {.kind = PROBE_HTTP, .timeout = 2, .host = (char *)"",
                          .path = (char *)"/healthz"};
    pthread_t t;
    bool ok;

    h.fd = listen_port(&h.port);
    s.port = h.port;
    s.headers = json_pack("[{s:s,s:s}]", "name", "X-Probe", "value", "yes");
    pthread_create(&t, NULL, http_main, &h);
    ok = agent__probe_run(NULL, &s, "id", "127.0.0.1", msg);
    pthread_join(t, NULL);
    close(h.fd);
    json_decref(s.headers);
    if (last)
        snprintf(last, last_len, "%s", h.last);
    return ok;
}

static void test_http(void **state)
{
    char *msg = NULL, last[2048];
    (void)state;
    assert_true(http_probe("200 OK", &msg, last, sizeof last));
    assert_null(msg);
    assert_non_null(strstr(last, "GET /healthz HTTP/1.1"));
    assert_non_null(strstr(last, "X-Probe: yes"));
    assert_non_null(strstr(last, "User-Agent: kube-probe/1.32"));
    assert_true(http_probe("302 Found", &msg, NULL, 0));
    assert_false(http_probe("500 Internal Server Error", &msg, NULL, 0));
    assert_string_equal(msg, "HTTP probe failed with statuscode: 500");
    free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_tcp),
        cmocka_unit_test(test_http),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
