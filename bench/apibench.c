/*
 * apibench.c -- load generator for the everynode API server (issue 2 figures).
 *
 * Speaks HTTP/1.1 over keep-alive TLS connections (GnuTLS, as the server;
 * the API is HTTPS only), with a minimal client so the figures describe the
 * server:
 *   creates  N threads POSTing small Lease objects as fast as they can for a
 *            fixed number of objects; reports durable creates/s (every 201 is
 *            an fsync'ed write);
 *   get      sequential GETs of one object; latency percentiles;
 *   list     sequential LISTs of a namespace holding the created objects;
 *   watch    W watch streams, then one write; time until every watcher has
 *            received the event (max and p99 over watchers), repeated R times.
 * Output: one JSON object on stdout.  All traffic goes to the address given
 * (loopback); every loop is bounded.
 *
 * Usage: apibench HOST PORT TOKEN [creates=20000] [threads=32] [gets=20000]
 *                 [lists=200] [watchers=1000] [rounds=5]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <gnutls/gnutls.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *g_host;
static int g_port;
static const char *g_token;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Credentials without trust anchors: the server's certificate is not
 * verified (loopback). */
static gnutls_certificate_credentials_t g_cred;

/* One TLS connection. */
typedef struct conn {
    int fd;
    gnutls_session_t tls;
} conn;

static conn *dial(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)g_port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    conn *c = calloc(1, sizeof *c);
    inet_pton(AF_INET, g_host, &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("connect");
        exit(1);
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->fd = fd;
    if (gnutls_init(&c->tls, GNUTLS_CLIENT) < 0 || gnutls_set_default_priority(c->tls) < 0 ||
        gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, g_cred) < 0) {
        fprintf(stderr, "gnutls session setup failed\n");
        exit(1);
    }
    gnutls_transport_set_int(c->tls, fd);
    int rc;
    do
        rc = gnutls_handshake(c->tls);
    while (rc < 0 && !gnutls_error_is_fatal(rc));
    if (rc < 0) {
        fprintf(stderr, "TLS handshake: %s\n", gnutls_strerror(rc));
        exit(1);
    }
    return c;
}

static void conn_close(conn *c)
{
    gnutls_deinit(c->tls);
    close(c->fd);
    free(c);
}

static ssize_t cwrite(conn *c, const void *b, size_t n)
{
    ssize_t r;
    do
        r = gnutls_record_send(c->tls, b, n);
    while (r == GNUTLS_E_INTERRUPTED);
    return r;
}

static ssize_t cread(conn *c, void *b, size_t n)
{
    /* < 0 also for GNUTLS_E_AGAIN on the watchers' non-blocking sockets:
     * callers read until nothing more is there. */
    ssize_t r;
    do
        r = gnutls_record_recv(c->tls, b, n);
    while (r == GNUTLS_E_INTERRUPTED);
    return r;
}

/* Send one request and read one Content-Length or chunked response;
 * returns the status code.  body_out (optional) receives up to cap bytes. */
static int request(conn *fd, const char *method, const char *path, const char *body)
{
    char hdr[1024];
    size_t blen = body ? strlen(body) : 0;
    int n = snprintf(hdr, sizeof hdr,
                     "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                     "Content-Type: application/json\r\nAccept: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     method, path, g_host, g_token, blen);
    if (cwrite(fd, hdr, (size_t)n) != n || (blen && cwrite(fd, body, blen) != (ssize_t)blen))
        return -1;
    /* Read headers. */
    static __thread char *buf;
    static __thread size_t cap;
    if (!buf) {
        cap = 1 << 20;
        buf = malloc(cap);
    }
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        ssize_t r = cread(fd, buf + len, cap - len);
        if (r <= 0)
            return -1;
        len += (size_t)r;
        end = memmem(buf, len, "\r\n\r\n", 4);
    }
    int code = atoi(buf + 9);
    size_t hlen = (size_t)(end - buf) + 4;
    char *cl = memmem(buf, hlen, "Content-Length:", 15);
    if (!cl)
        cl = memmem(buf, hlen, "content-length:", 15);
    if (cl) {
        size_t want = hlen + (size_t)atol(cl + 15);
        while (len < want) {
            if (want > cap) {
                cap = want;
                buf = realloc(buf, cap);
            }
            ssize_t r = cread(fd, buf + len, want - len);
            if (r <= 0)
                return -1;
            len += (size_t)r;
        }
        return code;
    }
    /* Chunked: read until the terminating 0-length chunk. */
    while (!memmem(buf + hlen, len - hlen, "\r\n0\r\n\r\n", 7) &&
           !(len - hlen >= 5 && memcmp(buf + hlen, "0\r\n\r\n", 5) == 0)) {
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        ssize_t r = cread(fd, buf + len, cap - len);
        if (r <= 0)
            return -1;
        len += (size_t)r;
    }
    return code;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static double pct(int64_t *v, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return (double)v[i] / 1e6;
}

/* ---- creates ----------------------------------------------------------- */

typedef struct {
    int id, count, ok;
    const char *ns;
} cr_arg;

static void *create_worker(void *p)
{
    cr_arg *a = p;
    conn *fd = dial();
    char path[256], body[512];
    snprintf(path, sizeof path, "/apis/coordination.k8s.io/v1/namespaces/%s/leases", a->ns);
    for (int i = 0; i < a->count; i++) {
        snprintf(body, sizeof body,
                 "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":"
                 "{\"name\":\"b-%d-%d\",\"labels\":{\"bench\":\"yes\"}},\"spec\":"
                 "{\"holderIdentity\":\"bench\",\"leaseDurationSeconds\":40}}",
                 a->id, i);
        if (request(fd, "POST", path, body) == 201)
            a->ok++;
    }
    conn_close(fd);
    return NULL;
}

/* ---- watch fan-out ----------------------------------------------------- */

static void watch_fanout(int watchers, int rounds, const char *ns, double *out_p50_ms,
                         double *out_p99_ms, double *out_max_ms)
{
    conn **fds = calloc((size_t)watchers, sizeof *fds);
    int64_t *lat = calloc((size_t)watchers * (size_t)rounds, sizeof *lat);
    struct pollfd *pfd = calloc((size_t)watchers, sizeof *pfd);
    char path[256], req[1024], buf[65536];
    size_t nl = 0;
    conn *wfd = dial();

    /* Open every watch; each starts at "now" via resourceVersion of a list. */
    for (int i = 0; i < watchers; i++) {
        fds[i] = dial();
        snprintf(path, sizeof path,
                 "/apis/coordination.k8s.io/v1/namespaces/%s/leases?watch=true&"
                 "fieldSelector=metadata.name%%3Dfanout",
                 ns);
        int n = snprintf(req, sizeof req,
                         "GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                         "Accept: application/json\r\n\r\n",
                         path, g_host, g_token);
        if (cwrite(fds[i], req, (size_t)n) != n) {
            perror("write");
            exit(1);
        }
        fcntl(fds[i]->fd, F_SETFL, fcntl(fds[i]->fd, F_GETFL) | O_NONBLOCK);
        pfd[i].fd = fds[i]->fd;
        pfd[i].events = POLLIN;
    }
    /* Drain response headers (and nothing else: the object does not exist). */
    usleep(500000);
    for (int i = 0; i < watchers; i++)
        while (cread(fds[i], buf, sizeof buf) > 0)
            ;
    for (int r = 0; r < rounds; r++) {
        char body[512];
        int64_t t0;
        int seen = 0;
        char *seenv = calloc((size_t)watchers, 1);
        snprintf(body, sizeof body,
                 "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":"
                 "{\"name\":\"fanout\"},\"spec\":{\"holderIdentity\":\"round-%d\"}}",
                 r);
        snprintf(path, sizeof path, "/apis/coordination.k8s.io/v1/namespaces/%s/leases%s", ns,
                 r == 0 ? "" : "/fanout");
        t0 = now_ns();
        if (r == 0)
            request(wfd, "POST", path, body);
        else
            request(wfd, "PUT", path, body);
        int64_t deadline = t0 + 10LL * 1000000000LL;
        while (seen < watchers && now_ns() < deadline) {
            if (poll(pfd, (nfds_t)watchers, 100) <= 0)
                continue;
            int64_t t = now_ns();
            for (int i = 0; i < watchers; i++) {
                if (!(pfd[i].revents & POLLIN))
                    continue;
                int got = 0;
                while (cread(fds[i], buf, sizeof buf) > 0)
                    got = 1;
                if (got && !seenv[i]) {
                    seenv[i] = 1;
                    seen++;
                    lat[nl++] = t - t0;
                }
            }
        }
        free(seenv);
        if (seen < watchers)
            fprintf(stderr, "round %d: only %d of %d watchers saw the event\n", r, seen, watchers);
        usleep(200000);
    }
    qsort(lat, nl, sizeof *lat, cmp_i64);
    *out_p50_ms = nl ? pct(lat, nl, 0.5) : -1;
    *out_p99_ms = nl ? pct(lat, nl, 0.99) : -1;
    *out_max_ms = nl ? (double)lat[nl - 1] / 1e6 : -1;
    for (int i = 0; i < watchers; i++)
        conn_close(fds[i]);
    conn_close(wfd);
    free(fds);
    free(pfd);
    free(lat);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: apibench HOST PORT TOKEN [creates] [threads] [gets] [lists] "
                        "[watchers] [rounds]\n");
        return 2;
    }
    g_host = argv[1];
    g_port = atoi(argv[2]);
    g_token = argv[3];
    int creates = argc > 4 ? atoi(argv[4]) : 20000;
    int threads = argc > 5 ? atoi(argv[5]) : 32;
    int gets = argc > 6 ? atoi(argv[6]) : 20000;
    int lists = argc > 7 ? atoi(argv[7]) : 200;
    int watchers = argc > 8 ? atoi(argv[8]) : 1000;
    int rounds = argc > 9 ? atoi(argv[9]) : 5;
    struct rlimit rl = {.rlim_cur = 65536, .rlim_max = 65536};
    setrlimit(RLIMIT_NOFILE, &rl);
    if (gnutls_certificate_allocate_credentials(&g_cred) < 0) {
        fprintf(stderr, "gnutls_certificate_allocate_credentials failed\n");
        return 1;
    }

    /* A namespace of our own. */
    conn *fd = dial();
    request(fd, "POST", "/api/v1/namespaces",
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"bench\"}}");

    pthread_t *th = calloc((size_t)threads, sizeof *th);
    cr_arg *args = calloc((size_t)threads, sizeof *args);
    int64_t t0 = now_ns();
    for (int i = 0; i < threads; i++) {
        args[i].id = i;
        args[i].count = creates / threads;
        args[i].ns = "bench";
        pthread_create(&th[i], NULL, create_worker, &args[i]);
    }
    int ok = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        ok += args[i].ok;
    }
    double secs = (double)(now_ns() - t0) / 1e9;

    int64_t *lat = calloc((size_t)(gets > lists ? gets : lists), sizeof *lat);
    for (int i = 0; i < gets; i++) {
        int64_t s = now_ns();
        request(fd, "GET", "/apis/coordination.k8s.io/v1/namespaces/bench/leases/b-0-0", NULL);
        lat[i] = now_ns() - s;
    }
    qsort(lat, (size_t)gets, sizeof *lat, cmp_i64);
    double g50 = pct(lat, (size_t)gets, 0.5), g99 = pct(lat, (size_t)gets, 0.99);

    for (int i = 0; i < lists; i++) {
        int64_t s = now_ns();
        request(fd, "GET", "/apis/coordination.k8s.io/v1/namespaces/bench/leases?limit=500",
                NULL);
        lat[i] = now_ns() - s;
    }
    qsort(lat, (size_t)lists, sizeof *lat, cmp_i64);
    double l50 = pct(lat, (size_t)lists, 0.5), l99 = pct(lat, (size_t)lists, 0.99);
    int64_t s = now_ns();
    request(fd, "GET", "/apis/coordination.k8s.io/v1/namespaces/bench/leases", NULL);
    double full_list_ms = (double)(now_ns() - s) / 1e6;
    conn_close(fd);

    double w50, w99, wmax;
    watch_fanout(watchers, rounds, "bench", &w50, &w99, &wmax);

    printf("{\"creates\":%d,\"create_threads\":%d,\"creates_ok\":%d,\"creates_per_sec\":%.0f,"
           "\"get_p50_ms\":%.3f,\"get_p99_ms\":%.3f,\"list500_p50_ms\":%.3f,"
           "\"list500_p99_ms\":%.3f,\"list_all_ms\":%.1f,\"watchers\":%d,\"watch_rounds\":%d,"
           "\"watch_p50_ms\":%.2f,\"watch_p99_ms\":%.2f,\"watch_max_ms\":%.2f}\n",
           creates, threads, ok, ok / secs, g50, g99, l50, l99, full_list_ms, watchers, rounds,
           w50, w99, wmax);
    free(th);
    free(args);
    free(lat);
    return 0;
}
