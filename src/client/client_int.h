/*
 * client_int.h -- what the files of the client module share and nobody else
 * sees: the client struct, the libcurl handle pool, and the helpers that
 * configure a handle for one request (client.c) so that watches (watch.c)
 * use the same TLS, auth and shutdown machinery as ordinary requests.
 */
#ifndef EVERYNODE_CLIENT_INT_H
#define EVERYNODE_CLIENT_INT_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>

#include "client/client.h"
#include "core/core.h"

/* Largest response body we buffer (a full list of 10,000 pods is ~30 MB). */
#define CLIENT_MAX_BODY ((size_t)256 * 1024 * 1024)
/* Idle handles kept for reuse; more concurrent requests still work, their
 * extra handles are closed afterwards. */
#define CLIENT_POOL_MAX 64

/*
 * A PEM (CA, client certificate or key) as a file libcurl can open: Debian's
 * libcurl is built with GnuTLS, whose backend (curl 7.88) reads these only
 * from files (CURLOPT_CAINFO_BLOB is OpenSSL's; the cert/key blobs are
 * accepted and ignored).  So each lives in an anonymous memory file
 * (memfd_create), named "/proc/self/fd/N": nothing on disk, nothing left
 * behind by a crash, close-on-exec for the processes we start.
 */
typedef struct client_pem_file {
    int fd;     /* the memfd, -1 when there is no such PEM */
    char *path; /* owned: "/proc/self/fd/<fd>", or NULL */
} client_pem_file;

struct client {
    client_config cfg;        /* owned deep copy of the caller's config */
    client_pem_file ca;       /* cfg.ca_pem as a file */
    client_pem_file cert;     /* cfg.cert_pem as a file (mTLS) */
    client_pem_file key;      /* cfg.key_pem as a file (mTLS) */
    char *auth_header;        /* owned: "Authorization: Bearer ..." or NULL */
    char *user_agent;         /* owned: the User-Agent sent */
    CURLSH *share;            /* TLS session and DNS caches shared by all handles */
    pthread_mutex_t share_mu[CURL_LOCK_DATA_LAST]; /* one lock per shared data kind */
    pthread_mutex_t pool_mu;  /* guards idle / n_idle */
    CURL *idle[CLIENT_POOL_MAX]; /* idle easy handles, each with a live connection */
    size_t n_idle;
    atomic_bool closed;       /* client_shutdown was called */
};

/* A handle for one request, with the client's TLS, auth, timeouts, share and
 * shutdown hook set (reset from any previous use).  Never NULL. */
CURL *client__acquire(client *c);
/* Give a handle back to the pool (or close it when the pool is full). */
void client__release(client *c, CURL *h);
/* Headers for a request: auth, Accept (NULL = application/json) and
 * Content-Type (NULL = none).  The caller frees with curl_slist_free_all. */
struct curl_slist *client__headers(client *c, const char *accept, const char *content_type);
/* Full URL for a path ("/api/v1/pods?watch=true"); caller frees. */
char *client__url(client *c, const char *path);
/* Percent-encode s (everything but RFC 3986 unreserved characters). */
void client__escape(sbuf *sb, const char *s);
/* EN_* for a curl failure (EN_TIMEOUT, EN_CLOSED after shutdown, EN_IO). */
int client__curl_error(client *c, CURLcode cc);

#endif /* EVERYNODE_CLIENT_INT_H */
