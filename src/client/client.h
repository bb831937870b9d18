/*
 * client.h -- a small Kubernetes API client over HTTPS (libcurl + jansson),
 * the way everynode's own nodes talk to the server: `everynode sim` today,
 * the agent later.  It speaks only the public HTTP API, so it works against
 * everynode and against a real kube-apiserver alike.
 *
 * What it offers:
 *   - configuration from a kubeconfig file (current context: server URL,
 *     certificate-authority(-data), bearer token or token file, client
 *     certificate, insecure-skip-tls-verify) or from explicit values;
 *   - synchronous requests returning the HTTP code and the parsed JSON body
 *     (the object, or a metav1.Status on errors): get, list (label/field
 *     selectors, paging), create, update (PUT), patch (JSON merge, strategic
 *     merge, JSON patch), delete (grace period, preconditions, propagation),
 *     each optionally on a subresource such as "status";
 *   - watches: list-then-watch with a callback per event, resuming from the
 *     last resourceVersion after a dropped stream, re-listing after 410
 *     Gone, stoppable from any thread.
 *
 * Threads: a client may be used from any number of threads at once.  It
 * keeps a pool of libcurl handles (each with its own keep-alive connection)
 * and shares TLS sessions and DNS between them, so a worker pool of N
 * threads holds about N connections to the server.
 *
 * Timeouts: every request is bounded (connect and total timeouts from the
 * config); watches are bounded by timeoutSeconds on the server plus a margin
 * here, and reconnect by themselves.
 *
 * Errors: functions return 0 or a negative EN_* code (core.h).  For
 * requests, a 2xx answer is 0; an HTTP error is mapped to the closest code
 * (404 EN_NOTFOUND, 409 AlreadyExists EN_EXISTS, 409 Conflict EN_CONFLICT,
 * 410 EN_COMPACTED, 400/422 EN_INVALID, 413 EN_TOOLARGE, 429/503 EN_BUSY,
 * 504 EN_TIMEOUT, 405/415 EN_UNSUPPORTED, anything else EN_INTERNAL) with
 * the response still filled in; a transport failure is EN_IO or EN_TIMEOUT
 * (EN_CLOSED after client_shutdown) with resp->code 0.
 */
#ifndef EVERYNODE_CLIENT_H
#define EVERYNODE_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- configuration ------------------------------------------------------ */

typedef struct client_config {
    char *server;          /* owned: "https://127.0.0.1:6443" (no trailing slash) */
    char *token;           /* owned or NULL: bearer token */
    char *ca_pem;          /* owned or NULL: PEM CA bundle; NULL = system CAs */
    char *cert_pem;        /* owned or NULL: client certificate PEM (mTLS) */
    char *key_pem;         /* owned or NULL: client key PEM (mTLS) */
    bool insecure;         /* skip TLS verification (insecure-skip-tls-verify) */
    char *user_agent;      /* owned or NULL: User-Agent; NULL = "everynode/0.1" */
    int connect_timeout_ms; /* 0 = 10,000 */
    int timeout_ms;        /* total per request; 0 = 30,000 */
} client_config;

/* Zero the struct (no allocation). */
void client_config_init(client_config *cfg);
/* Free the owned strings; the struct may be reused after client_config_init. */
void client_config_release(client_config *cfg);

/*
 * Read a kubeconfig document from memory: the current context (or the only
 * context when current-context is unset) picks a cluster and a user.  dir
 * resolves relative file paths (certificate-authority, tokenFile,
 * client-certificate, client-key); NULL means the current directory.
 * Fills cfg (which must be initialised and empty).  Returns 0, or
 * EN_INVALID / EN_IO with *err (new string naming what was wrong; the
 * caller frees it).
 */
int client_config_parse(const char *text, size_t len, const char *dir, client_config *cfg,
                        char **err);
/* The same from a file path (relative paths inside resolve against its
 * directory). */
int client_config_load(const char *path, client_config *cfg, char **err);

/* ---- the client ----------------------------------------------------------- */

typedef struct client client;

/* Create a client; cfg is copied (the caller keeps ownership of it).
 * Returns 0, EN_INVALID (no server URL), or EN_IO (no memory file for the
 * TLS credentials: see client_int.h). */
int client_new(const client_config *cfg, client **out);
/* Convenience: client_config_load then client_new; *err (when err is not
 * NULL) receives a new message on failure. */
int client_open_kubeconfig(const char *path, client **out, char **err);
/* Abort every request in flight (they fail with EN_CLOSED within about a
 * second) and make later ones fail at once; watches return.  For shutting
 * down; callable from any thread, also from a signal-handling thread. */
void client_shutdown(client *c);
/* Free; no request may be in flight.  NULL is a no-op. */
void client_free(client *c);

/* A resource path: group "" is the core group (/api/v1). */
typedef struct client_res {
    const char *group;    /* "", "apps", "coordination.k8s.io" */
    const char *version;  /* "v1" */
    const char *resource; /* plural: "pods" */
    bool namespaced;
} client_res;

extern const client_res client_res_nodes;
extern const client_res client_res_pods;
extern const client_res client_res_events;
extern const client_res client_res_namespaces;
extern const client_res client_res_leases;
extern const client_res client_res_daemonsets;

/*
 * Build "/api/v1/namespaces/NS/pods/NAME/SUB" (ns ignored for cluster-scoped
 * resources, or when NULL/"" for all namespaces; name and sub may be NULL).
 * Path segments are percent-encoded.  The caller frees the result.
 */
char *client_path(const client_res *res, const char *ns, const char *name, const char *sub);
/* Append "?k=v&..." pairs (NULL-terminated list of key, value; NULL or empty
 * values are skipped), values percent-encoded.  The caller frees the
 * result. */
char *client_query(const char *path, ...) __attribute__((sentinel));

/* The answer to one request. */
typedef struct client_resp {
    long code;         /* HTTP status, 0 when no response arrived */
    json_t *body;      /* owned: parsed JSON body, NULL when empty or not JSON */
    const char *error; /* static: the transport error when code is 0, else NULL */
    bool errors_only;  /* set by the caller: parse the body only of a failed
                        * request (a writer that ignores the echoed object saves
                        * parsing it); kept across requests and releases */
} client_resp;

void client_resp_release(client_resp *r);
/* A readable message for a failed request: the Status message when there is
 * one, else "HTTP <code>" or the transport error.  Borrowed from r (valid
 * until released) or static. */
const char *client_resp_message(const client_resp *r);
/* The EN_* code for an HTTP status (and metav1.Status reason, may be NULL):
 * 0 for 2xx. */
int client_code_error(long code, const char *reason);

/*
 * The raw request: method, a path with query ("/api/v1/nodes?limit=1"), an
 * optional body (sent as is with content_type; NULL = no body).  resp (which
 * must be zeroed or released) receives the answer.  Returns as described at
 * the top of this file.
 */
int client_request(client *c, const char *method, const char *path, const char *content_type,
                   const char *body, size_t body_len, client_resp *resp);

/* List options; all fields optional (NULL / 0). */
typedef struct client_list_opts {
    const char *label_selector;   /* "app=x,tier!=db" */
    const char *field_selector;   /* "spec.nodeName=n1" */
    const char *resource_version; /* "0" = any, from cache */
    const char *continue_token;
    long limit;
} client_list_opts;

enum client_patch_type {
    CLIENT_PATCH_MERGE,     /* application/merge-patch+json */
    CLIENT_PATCH_STRATEGIC, /* application/strategic-merge-patch+json */
    CLIENT_PATCH_JSON,      /* application/json-patch+json */
};

/* Delete options; zero-initialised = the server's defaults. */
typedef struct client_delete_opts {
    bool set_grace;          /* send grace_seconds */
    int64_t grace_seconds;
    const char *propagation; /* "Background", "Foreground", "Orphan" or NULL */
    const char *pre_uid;     /* preconditions, NULL = none */
    const char *pre_rv;
} client_delete_opts;

/* Typed helpers: paths from res/ns/name, bodies serialised from obj (not
 * stolen), resp filled as for client_request. */
int client_get(client *c, const client_res *res, const char *ns, const char *name,
               client_resp *resp);
/* One page (or the whole list when opts->limit is 0). */
int client_list(client *c, const client_res *res, const char *ns, const client_list_opts *opts,
                client_resp *resp);
int client_create(client *c, const client_res *res, const char *ns, json_t *obj,
                  client_resp *resp);
/* PUT; sub NULL for the main resource, or "status". */
int client_update(client *c, const client_res *res, const char *ns, const char *name,
                  const char *sub, json_t *obj, client_resp *resp);
int client_patch(client *c, const client_res *res, const char *ns, const char *name,
                 const char *sub, enum client_patch_type type, json_t *patch,
                 client_resp *resp);
int client_delete(client *c, const client_res *res, const char *ns, const char *name,
                  const client_delete_opts *opts, client_resp *resp);

/* ---- watches ---------------------------------------------------------------- */

enum client_event_type {
    CLIENT_EV_ADDED,
    CLIENT_EV_MODIFIED,
    CLIENT_EV_DELETED,
    CLIENT_EV_BOOKMARK,
    /* A (re)list starts: the ADDED events until CLIENT_EV_SYNCED are the
     * complete current state; anything the consumer knew and does not see
     * again is gone. */
    CLIENT_EV_RELIST,
    /* The list is complete and watching begins (object NULL). */
    CLIENT_EV_SYNCED,
};

typedef struct client_event {
    enum client_event_type type;
    json_t *object;               /* borrowed for the callback; incref to keep */
    const char *resource_version; /* borrowed: the object's, or the list's */
} client_event;

/* Called on the watch's thread for every event; return 0 to go on, anything
 * else to stop client_watch_run, which then returns that value. */
typedef int (*client_watch_fn)(void *ctx, const client_event *ev);

typedef struct client_watch_opts {
    const char *label_selector;   /* NULL = everything */
    const char *field_selector;
    /* Start watching from this resourceVersion without listing first;
     * NULL or "" = list first.  After a 410 the watch re-lists anyway. */
    const char *resource_version;
    int timeout_seconds;          /* per watch request; 0 = 300 (jittered) */
    long page_size;               /* list page size; 0 = 500 */
} client_watch_opts;

typedef struct client_watch client_watch;

/* A watch of res in ns (NULL/"" = all namespaces).  opts is copied.  Starts
 * nothing until client_watch_run. */
client_watch *client_watch_new(client *c, const client_res *res, const char *ns,
                               const client_watch_opts *opts);
/*
 * List (unless opts gave a resourceVersion) and watch, calling fn for each
 * event, until client_watch_stop, client_shutdown, or fn returning non-zero
 * (returned).  Dropped streams and transport errors are retried from the
 * last resourceVersion with capped exponential back-off; 410 Gone re-lists.
 * Returns 0 when stopped, fn's value, or EN_CLOSED after client_shutdown.
 */
int client_watch_run(client_watch *w, client_watch_fn fn, void *ctx);
/* Make client_watch_run return soon (within about a second); any thread. */
void client_watch_stop(client_watch *w);
/* The last resourceVersion seen (copied into buf, "" before any). */
void client_watch_last_rv(client_watch *w, char *buf, size_t len);
/* Free; client_watch_run must have returned.  NULL is a no-op. */
void client_watch_free(client_watch *w);

#endif /* EVERYNODE_CLIENT_H */
