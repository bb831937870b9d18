/*
 * api_int.h -- private declarations shared by the API server's files.
 */
#ifndef EVERYNODE_API_INT_H
#define EVERYNODE_API_INT_H

#include <microhttpd.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "api/api.h"
#include "core/core.h"

struct api_server {
    struct MHD_Daemon *daemon; /* libmicrohttpd daemon */
    registry *reg;             /* borrowed */
    cache *c;                  /* borrowed */
    char *token;               /* owned copy, NULL = no auth */
    char *node_token;          /* owned copy: presented to agents' log servers, or NULL */
    int port;                  /* bound port */
    atomic_bool stopping;      /* set by api_stop: watch streams end */
};

/* Parsed resource path. */
typedef struct api_route {
    const kind_info *kind; /* NULL for non-resource paths */
    char group[64];
    char version[16];
    char ns[254];        /* "" when not namespaced or all namespaces */
    char name[254];      /* "" for collections */
    char sub[32];        /* subresource: "status", "log", "binding", ... */
} api_route;

/* One request, accumulated over MHD's access-handler calls. */
typedef struct api_req {
    struct MHD_Connection *conn;
    const char *method;    /* borrowed from MHD */
    const char *url;       /* path, borrowed from MHD */
    sbuf body;             /* request body */
    bool too_large;        /* body exceeded API_MAX_BODY */
    json_t *warnings;      /* array of strings for Warning headers */
} api_req;

/* A response to send. */
typedef struct api_resp {
    int code;
    char *body;            /* owned */
    size_t len;
    const char *ctype;     /* static */
} api_resp;

/* Query parameter or NULL. */
const char *api_query(api_req *rq, const char *key);
/* Request header or NULL. */
const char *api_header(api_req *rq, const char *key);

/* Build responses. */
void api_resp_json(api_resp *r, int code, json_t *j); /* steals j */
void api_resp_text(api_resp *r, int code, const char *ctype, const char *text);
void api_resp_status(api_resp *r, const reg_status *st);
void api_resp_error(api_resp *r, int code, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* route.c: parse url into rt.  Returns 0, or -404 with resp filled. */
int api_route_parse(const char *url, api_route *rt);

/* resource.c: handle a resource request (not watch); fills resp.  Returns
 * MHD_YES/NO when it queued a streaming response itself (watch), else -1. */
int api_handle_resource(api_server *s, api_req *rq, api_route *rt, api_resp *resp);

/* watch.c: start a watch stream on rq's connection; returns an MHD result. */
enum MHD_Result api_watch_start(api_server *s, api_req *rq, api_route *rt, const cache_filter *f,
                                lsel *ls, fsel *fs, bool table);

/* auth.c: who sent a request: the admin token, the node token, or no
 * (valid) token.  Without a configured admin token everyone is admin. */
enum api_who { API_WHO_NONE, API_WHO_ADMIN, API_WHO_NODE };
enum api_who api_identify(api_server *s, api_req *rq);
/* May the node token do this request?  false with a 403 in resp. */
bool api_node_may(api_req *rq, const api_route *rt, api_resp *resp);

/* watch.c: has the client closed its connection (fd < 0: unknown, false)? */
bool api_client_gone(int fd);

/* podlog.c: GET pods/NAME/log, proxied to the node's log server.  Returns
 * an MHD result when it queued the streamed answer, else -1 with resp
 * filled. */
int api_pod_log(api_server *s, api_req *rq, api_route *rt, api_resp *resp);

/* table.c */
bool api_wants_table(api_req *rq);
/* Table for objs (new reference). */
json_t *api_table(const kind_info *k, cache_obj **objs, size_t n, int64_t rev,
                  const char *cont, bool include_object);

/* discovery.c: handle non-resource paths; true if handled. */
bool api_handle_meta(api_server *s, api_req *rq, api_resp *resp);

#endif /* EVERYNODE_API_INT_H */
