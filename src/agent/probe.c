/*
 * probe.c -- container probes (agent_int.h): parsing a Probe from the pod
 * spec with kubelet's defaults, the threshold bookkeeping kubelet's probe
 * workers do (a verdict flips only after successThreshold /
 * failureThreshold consecutive results), and running one probe: exec in
 * the container through the runtime, httpGet with libcurl (2xx and 3xx
 * succeed), tcpSocket with a bounded connect.  Probes reach the pod at its
 * IP, which is the node's (host network).
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/agent_int.h"

void agent__probe_spec_release(agent_probe_spec *p)
{
    if (!p)
        return;
    agent__strv_free(p->exec);
    free(p->host);
    free(p->path);
    json_decref(p->headers);
    memset(p, 0, sizeof *p);
}

static int int_field(json_t *probe, const char *name, int def, int min)
{
    json_t *v = json_object_get(probe, name);
    json_int_t i = json_is_integer(v) ? json_integer_value(v) : def;
    if (i < min)
        i = min;
    if (i > 86400)
        i = 86400;
    return (int)i;
}

/* A port given as a number, a numeric string or the name of one of the
 * container's ports.  0 when unresolvable. */
static int resolve_port(json_t *port, json_t *c)
{
    const char *name = json_string_value(port);
    json_t *p;
    size_t i;

    if (json_is_integer(port))
        return (int)json_integer_value(port);
    if (!name)
        return 0;
    if (*name >= '0' && *name <= '9')
        return atoi(name);
    json_array_foreach(json_object_get(c, "ports"), i, p)
    {
        const char *n = json_string_value(json_object_get(p, "name"));
        if (n && strcmp(n, name) == 0)
            return (int)json_integer_value(json_object_get(p, "containerPort"));
    }
    return 0;
}

int agent__probe_parse(json_t *probe, json_t *c, agent_probe_spec *out, char **err)
{
    json_t *h;

    memset(out, 0, sizeof *out);
    *err = NULL;
    if (!json_is_object(probe))
        return 0;
    out->initial_delay = int_field(probe, "initialDelaySeconds", 0, 0);
    out->period = int_field(probe, "periodSeconds", 10, 1);
    out->timeout = int_field(probe, "timeoutSeconds", 1, 1);
    out->success_threshold = int_field(probe, "successThreshold", 1, 1);
    out->failure_threshold = int_field(probe, "failureThreshold", 3, 1);
    if ((h = json_object_get(probe, "exec")) != NULL) {
        json_t *cmd = json_object_get(h, "command"), *w;
        size_t i, n = 0;
        out->exec = xcalloc(json_array_size(cmd) + 1, sizeof *out->exec);
        json_array_foreach(cmd, i, w)
        {
            if (json_is_string(w))
                out->exec[n++] = xstrdup(json_string_value(w));
        }
        if (n == 0) {
            *err = xstrdup("exec probe without a command");
            agent__probe_spec_release(out);
            return EN_INVALID;
        }
        out->kind = PROBE_EXEC;
    } else if ((h = json_object_get(probe, "httpGet")) != NULL ||
               (h = json_object_get(probe, "tcpSocket")) != NULL) {
        bool http = json_object_get(probe, "httpGet") != NULL;
        const char *host = json_string_value(json_object_get(h, "host"));
        const char *path = json_string_value(json_object_get(h, "path"));
        const char *scheme = json_string_value(json_object_get(h, "scheme"));
        out->kind = http ? PROBE_HTTP : PROBE_TCP;
        out->port = resolve_port(json_object_get(h, "port"), c);
        if (out->port <= 0 || out->port > 65535) {
            char *p = json_dumps(json_object_get(h, "port"), JSON_ENCODE_ANY);
            *err = xasprintf("%s probe: port %s cannot be resolved", http ? "httpGet" : "tcpSocket",
                             p ? p : "null");
            free(p);
            agent__probe_spec_release(out);
            return EN_INVALID;
        }
        out->host = xstrdup(host ? host : "");
        if (http) {
            out->path = xstrdup(path && *path ? path : "/");
            out->https = scheme && strcasecmp(scheme, "HTTPS") == 0;
            if (json_array_size(json_object_get(h, "httpHeaders")))
                out->headers = json_deep_copy(json_object_get(h, "httpHeaders"));
        }
    } else if (json_object_get(probe, "grpc")) {
        *err = xstrdup("grpc probes are not supported by this node");
        return EN_UNSUPPORTED;
    } else {
        *err = xstrdup("probe without a handler (exec, httpGet or tcpSocket)");
        return EN_INVALID;
    }
    return 0;
}

bool agent__probe_record(const agent_probe_spec *spec, agent_probe_state *st, bool ok)
{
    bool before = st->result, known = st->known;

    if (ok) {
        st->successes++;
        st->failures = 0;
        if (st->successes >= spec->success_threshold) {
            st->result = true;
            st->known = true;
        }
    } else {
        st->failures++;
        st->successes = 0;
        if (st->failures >= spec->failure_threshold) {
            st->result = false;
            st->known = true;
        }
    }
    return st->known && (!known || before != st->result);
}

/* ---- running probes --------------------------------------------------------------- */

static bool run_exec(const rt_config *rt, const agent_probe_spec *spec, const char *id,
                     char **out)
{
    int code = -1;
    char *output = NULL;
    int rc = rt_exec(rt, id, (const char *const *)spec->exec, spec->timeout * 1000, &code,
                     &output);
    bool ok = rc == 0 && code == 0;

    if (!ok && out) {
        if (rc)
            *out = xasprintf("exec probe failed: %s", output && *output ? output
                                                                        : en_strerror(rc));
        else if (code < 0)
            *out = xasprintf("command timed out after %ds", spec->timeout);
        else
            *out = xasprintf("command exited with %d: %s", code, output ? output : "");
    }
    free(output);
    return ok;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

/* host for a URL: IPv6 literals in brackets. */
static char *url_host(const char *host)
{
    return strchr(host, ':') ? xasprintf("[%s]", host) : xstrdup(host);
}

static bool run_http(const agent_probe_spec *spec, const char *pod_ip, char **out)
{
    const char *host = spec->host && *spec->host ? spec->host : pod_ip;
    char *h = url_host(host);
    char *url = xasprintf("%s://%s:%d%s%s", spec->https ? "https" : "http", h, spec->port,
                          spec->path[0] == '/' ? "" : "/", spec->path);
    struct curl_slist *hdrs = NULL;
    CURL *c = curl_easy_init();
    long code = 0;
    CURLcode cc;
    json_t *hd;
    size_t i;
    bool ok;

    free(h);
    if (!c) {
        if (out)
            *out = xstrdup("cannot create an HTTP handle");
        free(url);
        return false;
    }
    json_array_foreach(spec->headers, i, hd)
    {
        const char *n = json_string_value(json_object_get(hd, "name"));
        const char *v = json_string_value(json_object_get(hd, "value"));
        if (n) {
            char *line = xasprintf("%s: %s", n, v ? v : "");
            hdrs = curl_slist_append(hdrs, line);
            free(line);
        }
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)spec->timeout * 1000);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)spec->timeout * 1000);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kube-probe/1.32");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    /* kubelet does not verify the pod's certificate. */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    if (hdrs)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    cc = curl_easy_perform(c);
    if (cc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    ok = cc == CURLE_OK && code >= 200 && code < 400;
    if (!ok && out) {
        if (cc != CURLE_OK)
            *out = xasprintf("Get \"%s\": %s", url, curl_easy_strerror(cc));
        else
            *out = xasprintf("HTTP probe failed with statuscode: %ld", code);
    }
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    free(url);
    return ok;
}

static bool run_tcp(const agent_probe_spec *spec, const char *pod_ip, char **out)
{
    const char *host = spec->host && *spec->host ? spec->host : pod_ip;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
    char port[16];
    int fd = -1, err = 0;
    bool ok = false;

    snprintf(port, sizeof port, "%d", spec->port);
    if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai) {
        if (out)
            *out = xasprintf("dial tcp %s:%d: cannot resolve the host", host, spec->port);
        goto out;
    }
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        err = errno;
    } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        ok = true;
    } else if (errno == EINPROGRESS) {
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        int n = poll(&pfd, 1, spec->timeout * 1000);
        socklen_t len = sizeof err;
        if (n == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
            ok = true;
        else if (n == 0)
            err = ETIMEDOUT;
    } else {
        err = errno;
    }
    if (!ok && out)
        *out = xasprintf("dial tcp %s:%d: %s", host, spec->port, strerror(err ? err : EIO));
out:
    if (fd >= 0)
        close(fd);
    if (ai)
        freeaddrinfo(ai);
    return ok;
}

bool agent__probe_run(const rt_config *rt, const agent_probe_spec *spec, const char *id,
                      const char *pod_ip, char **out)
{
    if (out)
        *out = NULL;
    switch (spec->kind) {
    case PROBE_EXEC:
        return run_exec(rt, spec, id, out);
    case PROBE_HTTP:
        return run_http(spec, pod_ip, out);
    case PROBE_TCP:
        return run_tcp(spec, pod_ip, out);
    case PROBE_NONE:
        break;
    }
    return true;
}
