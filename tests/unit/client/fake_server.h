/*
 * fake_server.h -- a tiny scripted HTTP/1.1 server for the client's unit
 * tests: plain HTTP on 127.0.0.1, a thread per connection, every request
 * recorded (method, path with query, headers, body) and answered by the
 * test's handler, which can send a normal response or stream watch lines and
 * hold the connection open.  Header-only: one test binary includes it once.
 */
#ifndef EVERYNODE_TEST_FAKE_SERVER_H
#define EVERYNODE_TEST_FAKE_SERVER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FAKE_MAX_REQS 1024

typedef struct fake_req {
    char method[16];
    char path[2048];    /* with query */
    char headers[4096]; /* raw header block */
    char body[16384];
    size_t body_len;
} fake_req;

typedef struct fake_server fake_server;
/* Answer one request on fd; index is its position in the recording. */
typedef void (*fake_handler)(fake_server *fs, int fd, const fake_req *rq, int index);

struct fake_server {
    int lfd;
    int port;
    pthread_t thread;
    atomic_bool stop;
    fake_handler handler;
    void *ctx;                   /* for the handler */
    pthread_mutex_t mu;
    fake_req reqs[FAKE_MAX_REQS]; /* recorded requests */
    int n_reqs;
    atomic_int open_conns;
};

struct fake_conn {
    fake_server *fs;
    int fd;
};

static void fake_send(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* A complete response with Content-Length, connection kept alive. */
static void fake_reply(int fd, int code, const char *body)
{
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     code, strlen(body));
    fake_send(fd, head, (size_t)n);
    fake_send(fd, body, strlen(body));
}

/* Start a watch-style stream: body until the connection closes. */
static void fake_stream_start(int fd, int code)
{
    char head[128];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n",
                     code);
    fake_send(fd, head, (size_t)n);
}

static void fake_stream_line(int fd, const char *line)
{
    fake_send(fd, line, strlen(line));
    fake_send(fd, "\n", 1);
}

static void fake_sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Read one request; false at EOF or on garbage. */
static bool fake_read_req(int fd, fake_req *rq)
{
    char buf[32768];
    size_t len = 0;
    char *end = NULL, *cl;
    size_t body_have, want = 0;

    memset(rq, 0, sizeof *rq);
    while (!end) {
        ssize_t r = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (r <= 0)
            return false;
        len += (size_t)r;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (!end && len >= sizeof buf - 1)
            return false;
    }
    if (sscanf(buf, "%15s %2047s", rq->method, rq->path) != 2)
        return false;
    snprintf(rq->headers, sizeof rq->headers, "%.*s", (int)(end - buf), buf);
    cl = strcasestr(rq->headers, "\r\nContent-Length:");
    if (cl)
        want = (size_t)strtoul(cl + 17, NULL, 10);
    body_have = len - (size_t)(end + 4 - buf);
    if (want >= sizeof rq->body)
        return false;
    memcpy(rq->body, end + 4, body_have < want ? body_have : want);
    while (body_have < want) {
        ssize_t r = recv(fd, rq->body + body_have, want - body_have, 0);
        if (r <= 0)
            return false;
        body_have += (size_t)r;
    }
    rq->body_len = want;
    rq->body[want] = '\0';
    return true;
}

static void *fake_conn_main(void *p)
{
    struct fake_conn *c = p;
    fake_server *fs = c->fs;
    fake_req rq;

    while (!atomic_load(&fs->stop) && fake_read_req(c->fd, &rq)) {
        int idx;
        pthread_mutex_lock(&fs->mu);
        idx = fs->n_reqs;
        if (fs->n_reqs < FAKE_MAX_REQS)
            fs->reqs[fs->n_reqs++] = rq;
        pthread_mutex_unlock(&fs->mu);
        fs->handler(fs, c->fd, &rq, idx);
        /* Streams end with the connection. */
        if (strstr(rq.path, "watch=true"))
            break;
    }
    close(c->fd);
    atomic_fetch_sub(&fs->open_conns, 1);
    free(c);
    return NULL;
}

static void *fake_accept_main(void *p)
{
    fake_server *fs = p;
    while (!atomic_load(&fs->stop)) {
        int fd = accept(fs->lfd, NULL, NULL);
        pthread_t t;
        if (fd < 0)
            continue;
        if (atomic_load(&fs->stop)) {
            close(fd);
            break;
        }
        struct fake_conn *c = calloc(1, sizeof *c);
        c->fs = fs;
        c->fd = fd;
        atomic_fetch_add(&fs->open_conns, 1);
        pthread_create(&t, NULL, fake_conn_main, c);
        pthread_detach(t);
    }
    return NULL;
}

static fake_server *fake_start(fake_handler h, void *ctx)
{
    fake_server *fs = calloc(1, sizeof *fs);
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t al = sizeof a;
    int one = 1;

    fs->handler = h;
    fs->ctx = ctx;
    pthread_mutex_init(&fs->mu, NULL);
    fs->lfd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(fs->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fs->lfd, (struct sockaddr *)&a, sizeof a) || listen(fs->lfd, 64) ||
        getsockname(fs->lfd, (struct sockaddr *)&a, &al)) {
        perror("fake server");
        abort();
    }
    fs->port = ntohs(a.sin_port);
    pthread_create(&fs->thread, NULL, fake_accept_main, fs);
    return fs;
}

static void fake_stop(fake_server *fs)
{
    int fd;
    struct sockaddr_in a = {.sin_family = AF_INET};

    atomic_store(&fs->stop, true);
    /* Wake accept() with a connection of our own. */
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)fs->port);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
        close(fd);
    else
        close(fd);
    pthread_join(fs->thread, NULL);
    close(fs->lfd);
    for (int i = 0; i < 200 && atomic_load(&fs->open_conns) > 0; i++)
        fake_sleep_ms(10);
    pthread_mutex_destroy(&fs->mu);
    free(fs);
}

/* Keep a stream open until the client goes away, ms pass, or the server
 * stops; true when the client closed it. */
static bool fake_hold(fake_server *fs, int fd, int ms)
{
    for (int waited = 0; waited < ms && !atomic_load(&fs->stop); waited += 20) {
        char c;
        ssize_t r = recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
        if (r == 0)
            return true;
        fake_sleep_ms(20);
    }
    return false;
}

static int fake_count(fake_server *fs)
{
    int n;
    pthread_mutex_lock(&fs->mu);
    n = fs->n_reqs;
    pthread_mutex_unlock(&fs->mu);
    return n;
}

#endif /* EVERYNODE_TEST_FAKE_SERVER_H */
