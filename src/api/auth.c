/*
 * auth.c -- who a request comes from, and what the node token may do.
 *
 * Two bearer tokens are accepted: the admin token (kubeconfig.yaml, may do
 * everything) and the node token agents join with (DIR/node-token).  The
 * node token stands for "system:node", with roughly the rights Kubernetes'
 * Node authorizer gives a kubelet, minus the per-node binding (all nodes
 * share one token, as k3s' join token): read anything; write Nodes (and
 * their status), Leases in kube-node-lease, pod status, pod deletion (the
 * last step of graceful termination) and Events.  Anything else is a 403
 * worded as Kubernetes words RBAC denials, so the node token never grants
 * what the admin token grants.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"

/* The token after "Bearer ", or NULL. */
static const char *bearer(api_req *rq)
{
    const char *h = api_header(rq, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return h;
}

enum api_who api_identify(api_server *s, api_req *rq)
{
    const char *t;
    if (!s->token)
        return API_WHO_ADMIN;
    t = bearer(rq);
    if (!t)
        return API_WHO_NONE;
    if (strcmp(t, s->token) == 0)
        return API_WHO_ADMIN;
    if (s->node_token && *s->node_token && strcmp(t, s->node_token) == 0)
        return API_WHO_NODE;
    return API_WHO_NONE;
}

static bool is(const api_route *rt, const char *group, const char *resource)
{
    return rt->kind && strcmp(rt->kind->group, group) == 0 &&
           strcmp(rt->kind->resource, resource) == 0;
}

/* The RBAC verb of a request. */
static const char *verb_of(api_req *rq, const api_route *rt)
{
    const char *m = rq->method, *w = api_query(rq, "watch");
    bool named = rt->name[0] != '\0';

    if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0) {
        if (w && (strcmp(w, "true") == 0 || strcmp(w, "1") == 0))
            return "watch";
        return named ? "get" : "list";
    }
    if (strcmp(m, "POST") == 0)
        return "create";
    if (strcmp(m, "PUT") == 0)
        return "update";
    if (strcmp(m, "PATCH") == 0)
        return "patch";
    if (strcmp(m, "DELETE") == 0)
        return named ? "delete" : "deletecollection";
    return "unknown";
}

bool api_node_may(api_req *rq, const api_route *rt, api_resp *resp)
{
    const char *verb = verb_of(rq, rt);
    bool write = strcmp(verb, "get") && strcmp(verb, "list") && strcmp(verb, "watch");
    bool status = strcmp(rt->sub, "status") == 0;
    bool ok = !write;

    if (!ok && is(rt, "", "nodes"))
        ok = strcmp(verb, "create") == 0 || strcmp(verb, "update") == 0 ||
             strcmp(verb, "patch") == 0;
    if (!ok && is(rt, "coordination.k8s.io", "leases"))
        ok = strcmp(rt->ns, "kube-node-lease") == 0 && strcmp(verb, "deletecollection") != 0;
    if (!ok && is(rt, "", "pods"))
        ok = (status && (strcmp(verb, "update") == 0 || strcmp(verb, "patch") == 0)) ||
             (!rt->sub[0] && strcmp(verb, "delete") == 0);
    if (!ok && (is(rt, "", "events") || is(rt, "events.k8s.io", "events")))
        ok = strcmp(verb, "create") == 0 || strcmp(verb, "patch") == 0 ||
             strcmp(verb, "update") == 0;
    if (ok)
        return true;
    {
        const char *res = rt->kind ? types_qualified_resource(rt->kind) : "";
        char *what = rt->name[0] ? xasprintf("%s \"%s\"", res, rt->name) : xstrdup(res);
        char *scope = rt->ns[0] ? xasprintf("in the namespace \"%s\"", rt->ns)
                                : xstrdup("at the cluster scope");
        char *resource = rt->sub[0] ? xasprintf("%s/%s", rt->kind ? rt->kind->resource : "",
                                                rt->sub)
                                    : xstrdup(rt->kind ? rt->kind->resource : "");
        api_resp_error(resp, 403, "Forbidden",
                       "%s is forbidden: User \"system:node\" cannot %s resource \"%s\" in API "
                       "group \"%s\" %s",
                       what, verb, resource, rt->kind ? rt->kind->group : "", scope);
        free(what);
        free(scope);
        free(resource);
    }
    return false;
}
