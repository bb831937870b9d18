/*
 * api.h -- everynode's Kubernetes-compatible HTTP API server.
 *
 * Serves /api, /apis (discovery), /openapi/v3, /version, /healthz, /livez,
 * /readyz and the resource paths of every kind in src/types over
 * libmicrohttpd, one thread per connection (kubectl holds watches and log
 * streams open and issues discovery requests in parallel).  Reads are served
 * from the cache, writes go through the registry; responses are JSON, or a
 * meta.k8s.io/v1 Table when the client asks for one (kubectl get).
 *
 * Files: server.c (MHD glue, request bodies, dispatch), auth.c (admin and
 * node tokens), podlog.c (pods/log, proxied to the nodes), route.c (URL
 * parsing), resource.c (CRUD handlers), watch.c (streams), table.c (Tables),
 * discovery.c (discovery, version, OpenAPI, health).
 */
#ifndef EVERYNODE_API_H
#define EVERYNODE_API_H

#include <stdbool.h>
#include <stdint.h>

#include "cache/cache.h"
#include "registry/registry.h"

/* Largest request body accepted (Kubernetes' limit is 3 MiB). */
#define API_MAX_BODY (3 * 1024 * 1024)

typedef struct api_config {
    const char *bind_address; /* e.g. "127.0.0.1" or "0.0.0.0" */
    int port;                 /* 0 = pick a free port (see api_port) */
    const char *token;        /* bearer token required on API paths; NULL = none */
    const char *node_token;   /* the token agents join with: accepted with a node's
                               * rights (auth.c), and sent to the agents' log servers
                               * when proxying pods/log (podlog.c); NULL = none */
    const char *tls_cert_pem; /* PEM certificate chain; NULL = plain HTTP */
    const char *tls_key_pem;  /* PEM private key for tls_cert_pem */
} api_config;

typedef struct api_server api_server;

/* Start serving.  The server borrows reg and c, which must outlive it. */
int api_start(const api_config *cfg, registry *reg, cache *c, api_server **out);
/* The port actually bound. */
int api_port(const api_server *s);
/* Stop accepting, end watches, wait for connection threads, free. NULL ok. */
void api_stop(api_server *s);

#endif /* EVERYNODE_API_H */
