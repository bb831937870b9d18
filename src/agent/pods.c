/*
 * pods.c -- the per-pod reconcile (agent_int.h), kubelet's SyncPod and
 * SyncTerminatingPod for one node.
 *
 * agent__pod_sync runs on a worker holding the pod (agent_pod.busy) and is
 * idempotent: it observes every container's latest attempt through the
 * runtime, records exits (Completed / Error / OOMKilled, with times),
 * decides restarts by restartPolicy and the crash back-off, pulls images
 * by imagePullPolicy (ErrImagePull, then ImagePullBackOff), starts new
 * attempts (init containers one at a time, in order, before the others),
 * runs the probes that are due, and writes pods/status when what it would
 * report differs from what the server has.  Pods marked for deletion, or
 * gone from the API, are stopped: SIGTERM, the grace period, SIGKILL;
 * then their containers, volumes, state and logs are removed and the pod
 * is deleted for good (grace 0, uid precondition) -- the server's graceful
 * deletion waits for exactly that.
 *
 * What must survive an agent restart is written to state.json (state.c)
 * before and after every runtime action, so a new agent finds each
 * attempt and neither restarts a healthy container nor loses count.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent_int.h"
#include "types/types.h"

/* How often a running container is looked at (exit detection). */
#define POD_POLL_MS 1000
/* How often a terminating pod is looked at. */
#define POD_KILL_POLL_MS 200
/* Retry delay for configuration and volume errors. */
#define POD_RETRY_MS 5000
/* How long the first ErrImagePull shows before ImagePullBackOff. */
#define POD_PULL_SHOW_MS 2000
/* Longest grace period honoured (a day, as kubelet caps nothing but we
 * must bound the wait). */
#define POD_MAX_GRACE_S 86400

static const client_res res_configmaps = {"", "v1", "configmaps", true};
static const client_res res_secrets = {"", "v1", "secrets", true};

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* ---- pods and containers ---------------------------------------------------------- */

agent_pod *agent__pod_new(agent *a, const char *uid, const char *ns, const char *name)
{
    agent_pod *p = xcalloc(1, sizeof *p);

    p->uid = xstrdup(uid);
    p->ns = xstrdup(ns);
    p->name = xstrdup(name);
    p->dir = xasprintf("%s/%s", a->pods_dir, uid);
    p->log_dir = xasprintf("%s/%s_%s_%s", a->logs_dir, ns, name, uid);
    p->due_ms = INT64_MAX;
    p->grace_s = 30;
    return p;
}

void agent__pod_free(agent_pod *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_ctrs; i++)
        agent__ctr_release(&p->ctrs[i]);
    free(p->ctrs);
    free(p->uid);
    free(p->ns);
    free(p->name);
    free(p->dir);
    free(p->log_dir);
    json_decref(p->obj);
    json_decref(p->written);
    free(p->written_rv);
    free(p);
}

/* 64-bit FNV-1a, to shorten long container names in ids. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

void agent__container_id(const char *uid, const char *name, int restart, char *buf, size_t len)
{
    char prefix[9] = "", short_name[48];
    size_t j = 0;

    for (size_t i = 0; uid && uid[i] && j < 8; i++)
        if ((uid[i] >= '0' && uid[i] <= '9') || (uid[i] >= 'a' && uid[i] <= 'z') ||
            (uid[i] >= 'A' && uid[i] <= 'Z'))
            prefix[j++] = uid[i];
    prefix[j] = '\0';
    /* Container names are DNS labels (<= 63); keep ids <= 64 characters. */
    if (strlen(name) <= 40)
        snprintf(short_name, sizeof short_name, "%s", name);
    else
        snprintf(short_name, sizeof short_name, "%.31s-%08llx", name,
                 (unsigned long long)(fnv1a(name) & 0xffffffffULL));
    snprintf(buf, len, "%s-%s-%d", prefix, short_name, restart);
}

static char *ctr_dir(agent *a, const char *id)
{
    return xasprintf("%s/%s", a->containers_dir, id);
}

static char *log_path(agent_pod *p, const char *name, int restart)
{
    return xasprintf("%s/%s/%d.log", p->log_dir, name, restart);
}

static void save_state(agent_pod *p)
{
    char *path = xasprintf("%s/state.json", p->dir);
    mkdir(p->dir, 0700);
    agent__state_save(path, p->uid, p->ns, p->name, p->ctrs, p->n_ctrs);
    free(path);
}

static void set_waiting(agent_ctr *c, const char *reason, const char *message)
{
    c->state = CTR_WAITING;
    free(c->reason);
    free(c->message);
    c->reason = reason ? xstrdup(reason) : NULL;
    c->message = message && *message ? xstrdup(message) : NULL;
}

/* The container of this name (and kind) in old, or NULL. */
static agent_ctr *find_ctr(agent_ctr *old, size_t n, const char *name, bool init)
{
    for (size_t i = 0; i < n; i++)
        if (old[i].name && strcmp(old[i].name, name) == 0 && old[i].init == init)
            return &old[i];
    return NULL;
}

/* Remove a container's current attempt from the runtime (kill first). */
static void remove_attempt(agent *a, const char *id)
{
    char *dir = ctr_dir(a, id);
    int rc = rt_remove(&a->rt, id, dir);
    if (rc)
        log_warn("agent", "removing container=%s failed: %s", id, en_strerror(rc));
    free(dir);
}

/* Make p->ctrs follow obj's spec: init containers, then the others, each
 * keeping what we know of it by name. */
static void ctrs_align(agent *a, agent_pod *p, json_t *obj)
{
    static const char *const lists[] = {"spec.initContainers", "spec.containers"};
    size_t total = json_array_size(json_path(obj, lists[0])) +
                   json_array_size(json_path(obj, lists[1]));
    agent_ctr *out = xcalloc(total + 1, sizeof *out);
    size_t n = 0;
    json_t *g = json_path(obj, "spec.terminationGracePeriodSeconds");
    bool changed = false;

    p->grace_s = json_is_integer(g) ? (int)json_integer_value(g) : 30;
    for (size_t l = 0; l < 2; l++) {
        json_t *c;
        size_t i;
        json_array_foreach(json_path(obj, lists[l]), i, c)
        {
            const char *name = json_string_value(json_object_get(c, "name"));
            agent_ctr *old;
            if (!name)
                continue;
            old = find_ctr(p->ctrs, p->n_ctrs, name, l == 0);
            if (old) {
                out[n] = *old;
                memset(old, 0, sizeof *old);
            } else {
                out[n].name = xstrdup(name);
                out[n].init = l == 0;
                changed = true;
            }
            out[n].sidecar =
                l == 0 && strcmp(json_string_value(json_object_get(c, "restartPolicy")) ?: "",
                                 "Always") == 0;
            if (out[n].spec != c) {
                json_decref(out[n].spec);
                out[n].spec = json_incref(c);
            }
            n++;
        }
    }
    /* What the spec no longer names (only after a restart with a stale
     * state) is stopped. */
    for (size_t i = 0; i < p->n_ctrs; i++) {
        if (!p->ctrs[i].name)
            continue;
        if (p->ctrs[i].id && !p->ctrs[i].exited)
            remove_attempt(a, p->ctrs[i].id);
        agent__ctr_release(&p->ctrs[i]);
        changed = true;
    }
    free(p->ctrs);
    p->ctrs = out;
    p->n_ctrs = n;
    if (changed)
        save_state(p);
}

/* ---- termination messages ---------------------------------------------------------- */

/* The host file mounted at an attempt's terminationMessagePath. */
static char *term_msg_path(agent_pod *p, const char *id)
{
    return xasprintf("%s/termination/%s", p->dir, id);
}

/* The last max bytes of a file (new string) or NULL. */
static char *read_tail(const char *path, long max)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long size;
    size_t n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    if (size > max)
        fseek(f, size - max, SEEK_SET);
    else
        fseek(f, 0, SEEK_SET);
    buf = xmalloc((size_t)max + 1);
    n = fread(buf, 1, (size_t)max, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* What a container printed last, from its CRI log: the payloads of its
 * last `lines` lines, at most max bytes (kubelet's FallbackToLogsOnError). */
static char *log_tail_text(const char *path, int lines, long max)
{
    char *raw = read_tail(path, 64 * 1024), *line, *save = NULL;
    sbuf all;
    size_t *starts = NULL, n = 0;
    const char *out;

    if (!raw)
        return NULL;
    sbuf_init(&all);
    for (line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        /* "<time> <stream> <P|F> <payload>" */
        char *a = strchr(line, ' '), *b = a ? strchr(a + 1, ' ') : NULL;
        if (!b || (b[1] != 'P' && b[1] != 'F') || (b[2] != ' ' && b[2] != '\0'))
            continue;
        if (!all.len || all.buf[all.len - 1] == '\n') {
            starts = xrealloc(starts, (n + 1) * sizeof *starts);
            starts[n++] = all.len;
        }
        sbuf_puts(&all, b[2] ? b + 3 : "");
        if (b[1] == 'F')
            sbuf_puts(&all, "\n");
    }
    out = all.buf ? all.buf : "";
    if (n > (size_t)lines)
        out += starts[n - (size_t)lines];
    if ((long)strlen(out) > max)
        out += strlen(out) - (size_t)max;
    out = xstrdup(out);
    sbuf_release(&all);
    free(starts);
    free(raw);
    return (char *)out;
}

/* The message of an attempt that exited with code: its termination file,
 * or (FallbackToLogsOnError, failed, file empty) the end of its log. */
static char *termination_message(agent_pod *p, agent_ctr *c, int code)
{
    char *path = term_msg_path(p, c->id);
    char *msg = read_tail(path, 4096);
    const char *policy = json_string_value(json_object_get(c->spec, "terminationMessagePolicy"));

    unlink(path);
    free(path);
    if ((!msg || !*msg) && code != 0 && policy && !strcmp(policy, "FallbackToLogsOnError")) {
        char *log = log_path(p, c->name, c->restart_count);
        free(msg);
        msg = log_tail_text(log, 80, 2048);
        free(log);
    }
    if (msg && !*msg) {
        free(msg);
        msg = NULL;
    }
    return msg;
}

/* ---- observing attempts --------------------------------------------------------------- */

static int64_t ns_to_s(int64_t ns)
{
    return ns > 0 ? ns / 1000000000LL : 0;
}

/* Record that the current attempt ended (from rs, or unknown when rs is
 * NULL), remove it from the runtime and persist. */
static void record_exit(agent *a, agent_pod *p, agent_ctr *c, const rt_status *rs)
{
    char *cid = xasprintf("runc://%s", c->id);
    int64_t now = time_now_unix();

    json_decref(c->term);
    if (rs) {
        int64_t fin = ns_to_s(rs->finished_at_ns);
        int64_t st = ns_to_s(rs->started_at_ns);
        char *msg = termination_message(p, c, rs->exit_code);
        c->term = agent__terminated(rs->exit_code, agent__exit_reason(rs->exit_code, rs->oom_killed),
                                    msg, st ? st : c->started_at, fin ? fin : now, cid);
        free(msg);
        log_info("agent", "pod=%s/%s container=%s id=%s exited code=%d%s", p->ns, p->name, c->name,
                 c->id, rs->exit_code, rs->oom_killed ? " oom_killed=true" : "");
    } else {
        char *tp = term_msg_path(p, c->id);
        unlink(tp);
        free(tp);
        c->term = agent__terminated(137, "ContainerStatusUnknown",
                                    "The container could not be located when the pod was "
                                    "terminated",
                                    c->started_at, now, cid);
        log_warn("agent", "pod=%s/%s container=%s id=%s vanished from the runtime", p->ns, p->name,
                 c->name, c->id);
    }
    free(cid);
    c->exited = true;
    c->kill_at_ms = 0;
    c->ready = false;
    c->started = false;
    save_state(p);
    remove_attempt(a, c->id);
}

/* Look at the current attempt: returns its runtime state, recording an
 * exit when it ended. */
static enum rt_state observe(agent *a, agent_pod *p, agent_ctr *c)
{
    rt_status rs;
    char *dir;

    if (!c->id || c->exited)
        return RT_STATE_EXITED;
    memset(&rs, 0, sizeof rs);
    dir = ctr_dir(a, c->id);
    rt_inspect(&a->rt, c->id, dir, &rs);
    free(dir);
    switch (rs.state) {
    case RT_STATE_RUNNING:
    case RT_STATE_CREATED:
        if (!c->id_confirmed || (rs.started_at_ns && ns_to_s(rs.started_at_ns) != c->started_at)) {
            c->id_confirmed = true;
            if (rs.started_at_ns)
                c->started_at = ns_to_s(rs.started_at_ns);
            save_state(p);
        }
        return rs.state;
    case RT_STATE_EXITED:
        record_exit(a, p, c, &rs);
        return RT_STATE_EXITED;
    case RT_STATE_UNKNOWN:
    default:
        if (!c->id_confirmed) {
            /* Never started (the agent stopped in between): try again
             * under the same id. */
            remove_attempt(a, c->id);
            free(c->id);
            c->id = NULL;
            save_state(p);
            return RT_STATE_UNKNOWN;
        }
        record_exit(a, p, c, NULL);
        return RT_STATE_EXITED;
    }
}

/* Ask the current attempt to stop: SIGTERM now, SIGKILL after grace_s.
 * why is the Killing event's message. */
static void kill_attempt(agent *a, agent_pod *p, agent_ctr *c, int grace_s, const char *why)
{
    int rc;

    if (c->kill_at_ms)
        return;
    agent__event(a->events, p, c, false, "Killing", "%s", why);
    if (grace_s < 0)
        grace_s = 0;
    if (grace_s > POD_MAX_GRACE_S)
        grace_s = POD_MAX_GRACE_S;
    log_info("agent", "pod=%s/%s container=%s id=%s stopping grace=%ds: %s", p->ns, p->name,
             c->name, c->id, grace_s, why);
    rc = rt_kill(&a->rt, c->id, grace_s > 0 ? SIGTERM : SIGKILL);
    if (rc && rc != EN_NOTFOUND)
        log_warn("agent", "signalling container=%s failed: %s", c->id, en_strerror(rc));
    c->kill_at_ms = time_mono_ms() + (int64_t)grace_s * 1000;
    if (c->kill_at_ms == 0)
        c->kill_at_ms = 1;
    c->ready = false;
}

/* SIGKILL an attempt whose grace period is over. */
static void kill_if_due(agent *a, agent_ctr *c)
{
    if (c->kill_at_ms && time_mono_ms() >= c->kill_at_ms) {
        int rc = rt_kill(&a->rt, c->id, SIGKILL);
        if (rc && rc != EN_NOTFOUND)
            log_warn("agent", "killing container=%s failed: %s", c->id, en_strerror(rc));
    }
}

/* ---- probes ------------------------------------------------------------------------------ */

static void probes_parse(agent_pod *p, agent_ctr *c)
{
    static const char *const fields[] = {"livenessProbe", "readinessProbe", "startupProbe"};

    if (c->probes_parsed)
        return;
    for (int i = 0; i < 3; i++) {
        char *err = NULL;
        int rc = agent__probe_parse(json_object_get(c->spec, fields[i]), c->spec, &c->probes[i],
                                    &err);
        if (rc) {
            log_warn("agent", "pod=%s/%s container=%s %s ignored: %s", p->ns, p->name, c->name,
                     fields[i], err ? err : en_strerror(rc));
            agent__probe_spec_release(&c->probes[i]);
        }
        free(err);
        memset(&c->pstate[i], 0, sizeof c->pstate[i]);
    }
    c->probes_parsed = true;
}

/* Start watching a new (or re-adopted) attempt with fresh probe states;
 * verdicts kept from before a restart of the agent stay. */
static void probes_reset(agent_ctr *c, int64_t base_ms, bool adopted)
{
    c->probe_base_ms = base_ms;
    for (int i = 0; i < 3; i++) {
        memset(&c->pstate[i], 0, sizeof c->pstate[i]);
        c->pstate[i].next_ms = base_ms + (int64_t)c->probes[i].initial_delay * 1000;
    }
    c->pstate[PROBE_LIVENESS].result = true;
    if (adopted) {
        c->pstate[PROBE_READINESS].result = c->ready;
        c->pstate[PROBE_READINESS].known = c->ready;
        c->pstate[PROBE_STARTUP].result = c->started;
        c->pstate[PROBE_STARTUP].known = c->started;
    }
}

/* Run the probes of a running attempt that are due; returns the next due
 * time.  A failed liveness or startup probe stops the attempt. */
static int64_t run_probes(agent *a, agent_pod *p, agent_ctr *c)
{
    int64_t now = time_mono_ms(), next = INT64_MAX;
    bool before_ready = c->ready, before_started = c->started;
    static const char *const names[] = {"Liveness", "Readiness", "Startup"};
    int order[3] = {PROBE_STARTUP, PROBE_LIVENESS, PROBE_READINESS};

    if (c->kill_at_ms) {
        c->ready = false;
        goto out;
    }
    for (int k = 0; k < 3; k++) {
        int i = order[k];
        agent_probe_spec *sp = &c->probes[i];
        agent_probe_state *st = &c->pstate[i];
        char *msg = NULL;
        bool ok;

        if (sp->kind == PROBE_NONE)
            continue;
        /* The startup probe runs until it succeeds; the others after it. */
        if (i == PROBE_STARTUP ? c->started : !c->started)
            continue;
        if (now < st->next_ms) {
            next = min64(next, st->next_ms);
            continue;
        }
        ok = agent__probe_run(&a->rt, sp, c->id, a->mach.node_ip, &msg);
        st->next_ms = time_mono_ms() + (int64_t)sp->period * 1000;
        next = min64(next, st->next_ms);
        if (!ok) {
            log_info("agent", "pod=%s/%s container=%s %s probe failed: %s", p->ns, p->name,
                     c->name, names[i], msg ? msg : "");
            agent__event(a->events, p, c, true, "Unhealthy", "%s probe failed: %s", names[i],
                         msg ? msg : "");
        }
        free(msg);
        agent__probe_record(sp, st, ok);
        if (i == PROBE_STARTUP && st->known && st->result) {
            c->started = true;
            /* The others start now, after their initial delay. */
            for (int j = 0; j < 2; j++)
                c->pstate[j].next_ms = time_mono_ms() + (int64_t)c->probes[j].initial_delay * 1000;
            next = now;
        }
        if ((i == PROBE_STARTUP || i == PROBE_LIVENESS) && st->known && !st->result) {
            char why[128];
            json_t *g = json_object_get(json_object_get(c->spec, i == PROBE_STARTUP
                                                                     ? "startupProbe"
                                                                     : "livenessProbe"),
                                        "terminationGracePeriodSeconds");
            snprintf(why, sizeof why, "Container %s failed %s probe, will be restarted", c->name,
                     i == PROBE_STARTUP ? "startup" : "liveness");
            kill_attempt(a, p, c, json_is_integer(g) ? (int)json_integer_value(g) : p->grace_s,
                         why);
            c->killed_by_probe = true;
            c->ready = false;
            goto out;
        }
    }
    if (c->probes[PROBE_STARTUP].kind == PROBE_NONE)
        c->started = true;
    if (c->probes[PROBE_READINESS].kind == PROBE_NONE)
        c->ready = c->started;
    else
        c->ready = c->started && c->pstate[PROBE_READINESS].known &&
                   c->pstate[PROBE_READINESS].result;
out:
    if (c->ready != before_ready || c->started != before_started)
        save_state(p);
    return next;
}

/* ---- images ------------------------------------------------------------------------------ */

/* Does a reference name the tag "latest" (or no tag, no digest)? */
static bool image_is_latest(const char *image)
{
    const char *slash = strrchr(image, '/'), *name = slash ? slash + 1 : image;
    const char *colon = strchr(name, ':');
    if (strchr(image, '@'))
        return false;
    return !colon || strcmp(colon + 1, "latest") == 0;
}

/* The image of c per its imagePullPolicy, pulling when needed with the
 * pull back-off.  0 with *info filled, or non-zero with c waiting and
 * *retry_ms the monotonic time to try again. */
static int ensure_image(agent *a, agent_pod *p, agent_ctr *c, image_info *info, int64_t *retry_ms)
{
    const char *image = json_string_value(json_object_get(c->spec, "image"));
    const char *policy = json_string_value(json_object_get(c->spec, "imagePullPolicy"));
    int64_t now = time_now_unix(), pull_ms;
    char *err = NULL, *msg;
    int rc;

    memset(info, 0, sizeof *info);
    if (!image || !*image) {
        set_waiting(c, "InvalidImageName", "the container has no image");
        *retry_ms = INT64_MAX;
        return EN_INVALID;
    }
    if (!policy || !*policy)
        policy = image_is_latest(image) ? "Always" : "IfNotPresent";
    if (strcmp(policy, "Always") != 0) {
        rc = image_lookup(a->images, image, info);
        if (rc == 0) {
            agent__event(a->events, p, c, false, "Pulled",
                         "Container image \"%s\" already present on machine", image);
            return 0;
        }
        image_info_release(info);
        if (strcmp(policy, "Never") == 0) {
            msg = xasprintf("Container image \"%s\" is not present with pull policy of Never",
                            image);
            set_waiting(c, "ErrImageNeverPull", msg);
            agent__event(a->events, p, c, true, "ErrImageNeverPull", "%s", msg);
            agent__event(a->events, p, c, true, "Failed", "Error: ErrImageNeverPull");
            free(msg);
            *retry_ms = time_mono_ms() + POD_RETRY_MS;
            return EN_NOTFOUND;
        }
    }
    if (c->pull_failed_at && agent__backoff_active(&c->pull_backoff, c->pull_failed_at, now)) {
        int64_t shown = time_mono_ms() - c->pull_failed_ms;
        if (shown < POD_PULL_SHOW_MS) {
            /* The failure itself shows a moment before the back-off. */
            set_waiting(c, "ErrImagePull", c->pull_error);
            *retry_ms = c->pull_failed_ms + POD_PULL_SHOW_MS;
            return EN_BUSY;
        }
        msg = xasprintf("Back-off pulling image \"%s\": ErrImagePull: %s", image,
                        c->pull_error ? c->pull_error : "");
        set_waiting(c, "ImagePullBackOff", msg);
        agent__event(a->events, p, c, false, "BackOff", "Back-off pulling image \"%s\"", image);
        agent__event(a->events, p, c, true, "Failed", "Error: ImagePullBackOff");
        free(msg);
        *retry_ms = time_mono_ms() + (c->pull_failed_at + c->pull_backoff.delay_s - now) * 1000;
        return EN_BUSY;
    }
    log_info("agent", "pod=%s/%s container=%s pulling image=%s", p->ns, p->name, c->name, image);
    agent__event(a->events, p, c, false, "Pulling", "Pulling image \"%s\"", image);
    pull_ms = time_mono_ms();
    rc = image_pull(a->images, image, info, &err);
    if (rc == 0) {
        pull_ms = time_mono_ms() - pull_ms;
        agent__event(a->events, p, c, false, "Pulled", "Successfully pulled image \"%s\" in %lld.%03llds",
                     image, (long long)(pull_ms / 1000), (long long)(pull_ms % 1000));
        memset(&c->pull_backoff, 0, sizeof c->pull_backoff);
        c->pull_failed_at = 0;
        free(c->pull_error);
        c->pull_error = NULL;
        return 0;
    }
    image_info_release(info);
    if (!err)
        err = xasprintf("failed to pull image \"%s\": %s", image, en_strerror(rc));
    log_warn("agent", "pod=%s/%s container=%s pulling image=%s failed: %s", p->ns, p->name,
             c->name, image, err);
    agent__backoff_next(&c->pull_backoff, now, now);
    c->pull_failed_at = now;
    c->pull_failed_ms = time_mono_ms();
    free(c->pull_error);
    c->pull_error = err;
    set_waiting(c, "ErrImagePull", err);
    agent__event(a->events, p, c, true, "Failed", "Failed to pull image \"%s\": %s", image, err);
    agent__event(a->events, p, c, true, "Failed", "Error: ErrImagePull");
    /* Show ErrImagePull a moment, then ImagePullBackOff until the retry. */
    *retry_ms = time_mono_ms() + POD_PULL_SHOW_MS;
    return rc;
}

/* ---- ConfigMap and Secret references ---------------------------------------------------- */

/* Secret values are base64; decode into a new string (NULL when bad). */
static char *b64_decode(const char *in)
{
    char *out;

    return en_base64_decode(in, strlen(in), &out, NULL) ? NULL : out;
}

static int ref_lookup(void *ctx, const char *kind, const char *ns, const char *name,
                      const char *key, char **value, char **err)
{
    agent *a = ctx;
    bool secret = strcmp(kind, "Secret") == 0;
    client_resp resp = {0};
    json_t *data;
    int rc;

    *value = NULL;
    *err = NULL;
    rc = client_get(a->cl, secret ? &res_secrets : &res_configmaps, ns, name, &resp);
    if (rc) {
        if (rc == EN_NOTFOUND || rc == EN_UNSUPPORTED)
            *err = xasprintf("%s \"%s\" not found", secret ? "secret" : "configmap", name);
        else
            *err = xasprintf("couldn't get %s %s/%s: %s", secret ? "secret" : "configMap", ns,
                             name, client_resp_message(&resp));
        client_resp_release(&resp);
        return rc == EN_UNSUPPORTED ? EN_NOTFOUND : rc;
    }
    data = json_object_get(resp.body, "data");
    if (!key) {
        json_t *out = json_object(), *v;
        const char *k;
        json_object_foreach(data, k, v)
        {
            const char *s = json_string_value(v);
            char *dec = secret && s ? b64_decode(s) : NULL;
            json_object_set_new(out, k, json_string(dec ? dec : (s ? s : "")));
            free(dec);
        }
        *value = json_dumps(out, JSON_COMPACT);
        json_decref(out);
    } else {
        const char *s = json_string_value(json_object_get(data, key));
        if (!s) {
            *err = xasprintf("couldn't find key %s in %s %s/%s", key, kind, ns, name);
            rc = EN_NOTFOUND;
        } else {
            *value = secret ? b64_decode(s) : xstrdup(s);
            if (!*value) {
                *err = xasprintf("key %s in Secret %s/%s is not base64", key, ns, name);
                rc = EN_INVALID;
            }
        }
    }
    client_resp_release(&resp);
    return rc;
}

/* ---- starting attempts -------------------------------------------------------------------- */

/* The restartPolicy that applies to container c. */
static const char *effective_policy(json_t *obj, const agent_ctr *c)
{
    const char *rp = json_path_str(obj, "spec.restartPolicy");
    if (!rp)
        rp = "Always";
    if (c->sidecar)
        return "Always";
    if (c->init)
        return strcmp(rp, "Never") == 0 ? "Never" : "OnFailure";
    return rp;
}

/* Remove log files of attempts older than the previous one. */
static void prune_logs(agent_pod *p, const agent_ctr *c)
{
    for (int r = c->restart_count - 2; r >= 0 && r >= c->restart_count - 12; r--) {
        char *path = log_path(p, c->name, r), *rot = xasprintf("%s.1", path);
        unlink(path);
        unlink(rot);
        free(path);
        free(rot);
    }
}

static int64_t milli_of(json_t *c, const char *section, const char *name)
{
    int64_t v = 0;
    json_t *q = json_object_get(json_object_get(json_object_get(c, "resources"), section), name);
    if (q && types_quantity_json(q, &v) != 0)
        v = 0;
    return v;
}

/* Everything rt_start needs, with what it points to. */
typedef struct attempt {
    rt_spec spec;
    agent_env pod_env;   /* the pod's env (for expansion) */
    agent_env env;       /* the final env */
    char **envv;
    char **argv;
    agent_mounts mounts;
    char *dir;
    char *log;
    char *hostname;
} attempt;

static void attempt_release(attempt *t)
{
    agent__env_release(&t->pod_env);
    agent__env_release(&t->env);
    agent__strv_free(t->envv);
    agent__strv_free(t->argv);
    agent__mounts_release(&t->mounts);
    free(t->dir);
    free(t->log);
    free(t->hostname);
}

/* Build the runtime spec of the next attempt; 0, or non-zero with c
 * waiting (CreateContainerConfigError / CreateContainerError). */
static int build_attempt(agent *a, agent_pod *p, json_t *obj, agent_ctr *c, image_info *img,
                         const char *id, int restart, attempt *t)
{
    agent_downward dw = {0};
    const char *host = json_path_str(obj, "spec.hostname");
    const char *wd = json_string_value(json_object_get(c->spec, "workingDir"));
    char *err = NULL;
    int rc;

    memset(t, 0, sizeof *t);
    agent__env_init(&t->pod_env);
    agent__env_init(&t->env);
    dw.node_name = a->mach.node_name;
    dw.host_ip = a->mach.node_ip;
    dw.pod_ip = a->mach.node_ip;
    dw.node_cpu_milli = (int64_t)a->mach.cpus * 1000;
    dw.node_memory_bytes = a->mach.memory_bytes > AGENT_EVICT_MEMORY_BYTES
                               ? a->mach.memory_bytes - AGENT_EVICT_MEMORY_BYTES
                               : 0;
    dw.node_storage_bytes = a->mach.fs_bytes / 100 * (100 - AGENT_EVICT_NODEFS_PERCENT);
    rc = agent__container_env(obj, c->spec, &dw, ref_lookup, a, &t->pod_env, &err);
    if (rc) {
        set_waiting(c, "CreateContainerConfigError", err);
        goto out;
    }
    if (json_is_true(json_path(obj, "spec.hostNetwork")))
        t->hostname = xstrdup(a->mach.hostname);
    else
        t->hostname = xstrndup(host && *host ? host : p->name, 63);
    agent__merge_env(img->config, t->hostname, &t->pod_env, &t->env);
    t->envv = agent__env_strv(&t->env);
    t->argv = agent__container_argv(c->spec, img->config, &t->pod_env);
    if (!t->argv || !t->argv[0]) {
        set_waiting(c, "CreateContainerError", "no command specified");
        rc = EN_INVALID;
        goto out;
    }
    rc = agent__container_mounts(obj, c->spec, p->dir, &t->pod_env, &t->mounts, &err);
    if (rc) {
        set_waiting(c, "CreateContainerConfigError", err);
        goto out;
    }
    {
        const char *tmp_path = json_string_value(json_object_get(c->spec, "terminationMessagePath"));
        if (tmp_path && tmp_path[0] == '/') {
            /* A file the container may write its last words to. */
            char *dir = xasprintf("%s/termination", p->dir), *file = term_msg_path(p, id);
            FILE *f;
            mkdir(dir, 0711);
            f = fopen(file, "w");
            if (f) {
                fclose(f);
                chmod(file, 0666);
                agent__mounts_add(&t->mounts, file, tmp_path, false);
            }
            free(dir);
            free(file);
        }
    }
    rc = agent__container_user(obj, c->spec, img->config, img->rootfs, &t->spec.uid,
                               &t->spec.gid, &err);
    if (rc) {
        set_waiting(c, "CreateContainerConfigError", err);
        goto out;
    }
    if (!wd || !*wd)
        wd = json_string_value(json_object_get(img->config, "WorkingDir"));
    t->dir = ctr_dir(a, id);
    t->log = log_path(p, c->name, restart);
    t->spec.id = id;
    t->spec.dir = t->dir;
    t->spec.image_rootfs = img->rootfs;
    t->spec.args = (const char *const *)t->argv;
    t->spec.env = (const char *const *)t->envv;
    t->spec.cwd = wd && *wd ? wd : NULL;
    t->spec.hostname = t->hostname;
    t->spec.mounts = t->mounts.m;
    t->spec.n_mounts = t->mounts.n;
    t->spec.memory_limit = milli_of(c->spec, "limits", "memory") / 1000;
    t->spec.cpu_limit_milli = milli_of(c->spec, "limits", "cpu");
    t->spec.cpu_shares_milli = milli_of(c->spec, "requests", "cpu");
    t->spec.log_path = t->log;
out:
    free(err);
    return rc;
}

/* Start the next attempt of c (image, spec, runtime).  Returns when to
 * look again. */
static int64_t start_attempt(agent *a, agent_pod *p, json_t *obj, agent_ctr *c)
{
    image_info img;
    attempt t;
    int64_t retry = INT64_MAX, now = time_now_unix();
    int restart = c->restart_count;
    char id[80], *err = NULL;
    int rc;

    rc = ensure_image(a, p, c, &img, &retry);
    if (rc)
        return retry;
    if (c->id && c->exited)
        restart = c->restart_count + 1;
    agent__container_id(p->uid, c->name, restart, id, sizeof id);
    rc = build_attempt(a, p, obj, c, &img, id, restart, &t);
    if (rc) {
        agent__event(a->events, p, c, true, "Failed", "Error: %s", c->message ? c->message : "");
        retry = time_mono_ms() + POD_RETRY_MS;
        goto out;
    }
    /* A new attempt: the previous one becomes lastState. */
    if (c->id && c->exited) {
        int64_t fin = 0;
        const char *f = json_string_value(json_object_get(c->term, "finishedAt"));
        if (!f || time_parse_rfc3339(f, &fin) != 0)
            fin = now;
        json_decref(c->last_term);
        c->last_term = c->term;
        c->term = NULL;
        c->restart_count = restart;
        /* A restart after a probe kill or a crash steps the back-off. */
        agent__backoff_next(&c->backoff, fin, now);
    }
    free(c->id);
    c->id = xstrdup(id);
    c->id_confirmed = false;
    c->exited = false;
    c->started_at = now;
    c->ready = false;
    c->started = false;
    c->kill_at_ms = 0;
    c->killed_by_probe = false;
    free(c->image_ref);
    free(c->image_id);
    free(c->spec_image);
    c->image_ref = xstrdup(img.ref);
    c->image_id = xstrdup(img.digest ? img.digest : img.id);
    c->spec_image = xstrdup(json_string_value(json_object_get(c->spec, "image")) ?: "");
    /* Written before the runtime acts, so a crash in between is found. */
    save_state(p);
    /* Leftovers of an attempt of this id that never completed. */
    remove_attempt(a, id);
    prune_logs(p, c);
    rc = rt_start(&a->rt, &t.spec, &err);
    if (rc == 0) {
        rt_status rs = {0};
        rt_inspect(&a->rt, id, t.dir, &rs);
        c->id_confirmed = true;
        if (rs.started_at_ns)
            c->started_at = ns_to_s(rs.started_at_ns);
        c->state = CTR_RUNNING;
        free(c->reason);
        free(c->message);
        c->reason = c->message = NULL;
        probes_parse(p, c);
        probes_reset(c, time_mono_ms(), false);
        save_state(p);
        log_info("agent", "pod=%s/%s container=%s id=%s started restartCount=%d", p->ns, p->name,
                 c->name, id, c->restart_count);
        agent__event(a->events, p, c, false, "Created", "Created container: %s", c->name);
        agent__event(a->events, p, c, false, "Started", "Started container %s", c->name);
        retry = time_mono_ms() + POD_POLL_MS;
    } else {
        char *cid = xasprintf("runc://%s", id);
        log_warn("agent", "pod=%s/%s container=%s id=%s failed to start: %s", p->ns, p->name,
                 c->name, id, err ? err : en_strerror(rc));
        agent__event(a->events, p, c, true, "Failed", "Error: %s", err ? err : en_strerror(rc));
        /* As containerd reports it: a terminated attempt, StartError 128. */
        json_decref(c->term);
        c->term = agent__terminated(128, "StartError", err ? err : en_strerror(rc), 0, now, cid);
        free(cid);
        c->id_confirmed = true;
        c->exited = true;
        c->state = CTR_TERMINATED;
        save_state(p);
        retry = time_mono_ms();
    }
out:
    free(err);
    attempt_release(&t);
    image_info_release(&img);
    return retry;
}

/* ---- one container ---------------------------------------------------------------------- */

/* Bring container c one step towards what its pod wants; returns when to
 * look again. */
static int64_t step_ctr(agent *a, agent_pod *p, json_t *obj, agent_ctr *c)
{
    int64_t next = INT64_MAX, now = time_now_unix();
    enum rt_state rs;

    probes_parse(p, c);
    rs = observe(a, p, c);
    if (rs == RT_STATE_RUNNING || rs == RT_STATE_CREATED) {
        const char *img = json_string_value(json_object_get(c->spec, "image"));
        c->state = CTR_RUNNING;
        free(c->reason);
        free(c->message);
        c->reason = c->message = NULL;
        if (!c->probe_base_ms) {
            /* Re-adopted after an agent restart: probes resume. */
            int64_t ran_ms = (now - c->started_at) * 1000;
            probes_reset(c, time_mono_ms() - (ran_ms > 0 ? ran_ms : 0), true);
        }
        if (img && c->spec_image && strcmp(img, c->spec_image) != 0 && !c->kill_at_ms) {
            char *why = xasprintf("Container %s definition changed, will be restarted", c->name);
            kill_attempt(a, p, c, p->grace_s, why);
            free(why);
        }
        kill_if_due(a, c);
        next = min64(next, run_probes(a, p, c));
        if (c->kill_at_ms)
            next = min64(next, time_mono_ms() + POD_KILL_POLL_MS);
        return min64(next, time_mono_ms() + POD_POLL_MS);
    }
    /* No attempt runs: the last one ended (exited), or none exists. */
    if (c->id && c->exited) {
        const char *policy = effective_policy(obj, c);
        int code = (int)json_integer_value(json_object_get(c->term, "exitCode"));
        const char *img = json_string_value(json_object_get(c->spec, "image"));
        bool changed = img && c->spec_image && strcmp(img, c->spec_image) != 0;
        bool restart = !strcmp(policy, "Always") || (!strcmp(policy, "OnFailure") && code != 0);
        int64_t fin = now;
        const char *f = json_string_value(json_object_get(c->term, "finishedAt"));

        if (!restart && !changed) {
            c->state = CTR_TERMINATED;
            return next;
        }
        if (f)
            time_parse_rfc3339(f, &fin);
        if (!changed && agent__backoff_active(&c->backoff, fin, now)) {
            char d[32];
            char *msg;
            agent__go_duration(c->backoff.delay_s, d, sizeof d);
            msg = xasprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)", d,
                            c->name, p->name, p->ns, p->uid);
            set_waiting(c, "CrashLoopBackOff", msg);
            free(msg);
            agent__event(a->events, p, c, true, "BackOff",
                         "Back-off restarting failed container %s in pod %s_%s(%s)", c->name,
                         p->name, p->ns, p->uid);
            return time_mono_ms() + (fin + c->backoff.delay_s - now) * 1000;
        }
    }
    if (c->state != CTR_WAITING || !c->reason)
        set_waiting(c, "ContainerCreating", NULL);
    return start_attempt(a, p, obj, c);
}

/* ---- status --------------------------------------------------------------------------------- */

/* "123" < "124" as numbers; unknown forms compare as different. */
static bool rv_older(const char *a, const char *b)
{
    char *ea, *eb;
    long long x, y;

    if (!a || !b)
        return false;
    x = strtoll(a, &ea, 10);
    y = strtoll(b, &eb, 10);
    return *ea == '\0' && *eb == '\0' && x < y;
}

/* Write the status the pod should have, when it differs from what the
 * server holds (and from what we wrote last). */
static void write_status(agent *a, agent_pod *p, json_t *obj, bool terminal)
{
    agent_status_in in = {.pod = obj,
                          .ctrs = p->ctrs,
                          .n_ctrs = p->n_ctrs,
                          .node_ip = a->mach.node_ip,
                          .now = time_now_unix(),
                          .terminal = terminal};
    json_t *st = agent__pod_status(&in), *old = json_object_get(obj, "status"), *patch;
    const char *rv = json_path_str(obj, "metadata.resourceVersion");
    client_resp resp = {0};
    int rc;

    if (json_equal(st, old) ||
        (p->written && json_equal(st, p->written) && rv_older(rv, p->written_rv))) {
        json_decref(st);
        return;
    }
    /* Times that did not really change are kept from the old status by
     * the builder; what differs here is news. */
    patch = agent__status_patch(p->uid, old, st);
    rc = client_patch(a->cl, &client_res_pods, p->ns, p->name, "status", CLIENT_PATCH_MERGE, patch,
                      &resp);
    json_decref(patch);
    if (rc == 0) {
        const char *nrv = json_path_str(resp.body, "metadata.resourceVersion");
        json_decref(p->written);
        p->written = json_incref(st);
        free(p->written_rv);
        p->written_rv = nrv ? xstrdup(nrv) : NULL;
        /* The answer is the pod as stored: newer than what the watch
         * delivered so far. */
        pthread_mutex_lock(&a->mu);
        if (p->obj && resp.body &&
            !rv_older(nrv, json_path_str(p->obj, "metadata.resourceVersion")) &&
            strcmp(json_path_str(resp.body, "metadata.uid") ?: "", p->uid) == 0) {
            json_decref(p->obj);
            p->obj = json_incref(resp.body);
        }
        pthread_mutex_unlock(&a->mu);
    } else if (rc != EN_NOTFOUND && rc != EN_CLOSED) {
        log_warn("agent", "writing status of pod=%s/%s failed: %s", p->ns, p->name,
                 client_resp_message(&resp));
    }
    client_resp_release(&resp);
    json_decref(st);
}

/* ---- stopping --------------------------------------------------------------------------------- */

/* Stop every running attempt (SIGTERM, SIGKILL after grace_s from the
 * first call); true once none runs. */
static bool stop_all(agent *a, agent_pod *p, int grace_s)
{
    bool done = true;

    for (size_t i = 0; i < p->n_ctrs; i++) {
        agent_ctr *c = &p->ctrs[i];
        enum rt_state rs = observe(a, p, c);
        if (rs == RT_STATE_RUNNING || rs == RT_STATE_CREATED) {
            char *why = xasprintf("Stopping container %s", c->name);
            kill_attempt(a, p, c, grace_s, why);
            free(why);
            kill_if_due(a, c);
            c->ready = false;
            c->state = CTR_RUNNING;
            done = false;
        } else if (c->id && c->exited) {
            c->state = CTR_TERMINATED;
        } else if (c->state == CTR_RUNNING) {
            c->state = CTR_WAITING;
        }
    }
    return done;
}

/* The pod is deleted or no longer ours: stop it, clean up, delete it for
 * good.  Returns when to look again. */
static int64_t terminate(agent *a, agent_pod *p, json_t *obj, bool in_api)
{
    json_t *dg = json_path(obj, "metadata.deletionGracePeriodSeconds");
    int grace = json_is_integer(dg) ? (int)json_integer_value(dg) : p->grace_s;
    int64_t mono = time_mono_ms();

    if (!p->terminating) {
        p->terminating = true;
        log_info("agent", "pod=%s/%s uid=%s %s; stopping it (grace %ds)", p->ns, p->name, p->uid,
                 in_api ? "is being deleted" : "is no longer bound here", grace);
        p->kill_at_ms = mono + (int64_t)grace * 1000;
    }
    if (!stop_all(a, p, grace))
        return min64(mono + POD_KILL_POLL_MS, p->kill_at_ms > mono ? p->kill_at_ms : mono + 50);
    if (in_api && obj) {
        client_delete_opts o = {.set_grace = true, .grace_seconds = 0, .pre_uid = p->uid};
        client_resp resp = {0};
        int rc;

        write_status(a, p, obj, true);
        rc = client_delete(a->cl, &client_res_pods, p->ns, p->name, &o, &resp);
        if (rc && rc != EN_NOTFOUND && rc != EN_CONFLICT) {
            if (rc != EN_CLOSED)
                log_warn("agent", "deleting pod=%s/%s failed: %s", p->ns, p->name,
                         client_resp_message(&resp));
            client_resp_release(&resp);
            return mono + POD_RETRY_MS;
        }
        client_resp_release(&resp);
    }
    for (size_t i = 0; i < p->n_ctrs; i++)
        if (p->ctrs[i].id)
            remove_attempt(a, p->ctrs[i].id);
    agent__volumes_teardown(p->dir);
    agent__rm_rf(p->log_dir);
    log_info("agent", "pod=%s/%s uid=%s stopped and removed", p->ns, p->name, p->uid);
    p->finished = true;
    return INT64_MAX;
}

/* ---- sync ------------------------------------------------------------------------------------- */

int64_t agent__pod_sync(agent *a, agent_pod *p)
{
    json_t *obj;
    bool in_api, synced, gate = true;
    int64_t next = INT64_MAX;
    const char *phase;
    char *err = NULL;
    int rc;

    pthread_mutex_lock(&a->mu);
    obj = p->obj ? json_incref(p->obj) : NULL;
    in_api = p->in_api;
    synced = a->synced;
    pthread_mutex_unlock(&a->mu);

    /* A pod from a previous run: wait for the API to say whether it is
     * still ours. */
    if (!in_api && !synced)
        goto out;
    if (obj)
        ctrs_align(a, p, obj);
    if (!in_api || !obj || json_path(obj, "metadata.deletionTimestamp") || p->terminating) {
        next = terminate(a, p, obj, in_api && obj);
        goto out;
    }
    phase = json_path_str(obj, "status.phase");
    if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))) {
        /* Ended: nothing runs again (stragglers such as sidecars stop). */
        if (!stop_all(a, p, p->grace_s))
            next = time_mono_ms() + POD_KILL_POLL_MS;
        goto out;
    }
    mkdir(p->dir, 0700);
    rc = agent__volumes_setup(obj, p->dir, &err);
    if (rc) {
        for (size_t i = 0; i < p->n_ctrs; i++)
            if (!p->ctrs[i].id || p->ctrs[i].exited)
                set_waiting(&p->ctrs[i], "ContainerCreating", err);
        log_warn("agent", "pod=%s/%s: %s", p->ns, p->name, err);
        agent__event(a->events, p, NULL, true, "FailedMount", "%s", err);
        free(err);
        write_status(a, p, obj, false);
        next = time_mono_ms() + POD_RETRY_MS;
        goto out;
    }
    if (!json_path(obj, "status.containerStatuses")) {
        /* A new pod: say at once that it is being set up (a pull may take
         * a while), as kubelet does. */
        bool has_init = p->n_ctrs && p->ctrs[0].init;
        for (size_t i = 0; i < p->n_ctrs; i++)
            if (!p->ctrs[i].id)
                set_waiting(&p->ctrs[i], has_init ? "PodInitializing" : "ContainerCreating",
                            NULL);
        write_status(a, p, obj, false);
    }
    for (size_t i = 0; i < p->n_ctrs; i++) {
        agent_ctr *c = &p->ctrs[i];
        if (!gate) {
            /* Waits for the init containers before it; an attempt that
             * already exists (after a restart) is still watched. */
            if (c->id && !c->exited)
                next = min64(next, step_ctr(a, p, obj, c));
            else if (!c->id)
                set_waiting(c, "PodInitializing", NULL);
            continue;
        }
        next = min64(next, step_ctr(a, p, obj, c));
        if (c->init && !agent__init_done(c))
            gate = false;
    }
    write_status(a, p, obj, false);
out:
    json_decref(obj);
    return next;
}

/* ---- adoption ------------------------------------------------------------------------------------ */

void agent__adopt(agent *a)
{
    DIR *d = opendir(a->pods_dir);
    struct dirent *e;
    char **ids = NULL;
    size_t n_pods = 0;

    while (d && (e = readdir(d)) != NULL) {
        char *path, *uid = NULL, *ns = NULL, *name = NULL, *dir;
        agent_ctr *ctrs = NULL;
        size_t n = 0;
        agent_pod *p;

        if (e->d_name[0] == '.')
            continue;
        path = xasprintf("%s/%s/state.json", a->pods_dir, e->d_name);
        dir = xasprintf("%s/%s", a->pods_dir, e->d_name);
        if (agent__state_load(path, &uid, &ns, &name, &ctrs, &n) != 0 ||
            strcmp(uid, e->d_name) != 0) {
            log_warn("agent", "%s: no usable state; removing it", dir);
            agent__volumes_teardown(dir);
            for (size_t i = 0; i < n; i++)
                agent__ctr_release(&ctrs[i]);
            free(ctrs);
        } else {
            p = agent__pod_new(a, uid, ns, name);
            p->ctrs = ctrs;
            p->n_ctrs = n;
            for (size_t i = 0; i < n; i++)
                if (ctrs[i].id && !ctrs[i].exited)
                    /* Until observed, as far as the status goes. */
                    ctrs[i].state = CTR_RUNNING;
            hmap_put(&a->pods, p->uid, p);
            n_pods++;
        }
        free(uid);
        free(ns);
        free(name);
        free(path);
        free(dir);
    }
    if (d)
        closedir(d);
    /* Runtime containers no pod remembers are orphans. */
    if (rt_list(&a->rt, &ids) == 0 && ids) {
        for (size_t i = 0; ids[i]; i++) {
            bool known = false;
            size_t pos = 0;
            const char *k;
            void *v;
            while (!known && hmap_next(&a->pods, &pos, &k, &v)) {
                agent_pod *p = v;
                for (size_t j = 0; j < p->n_ctrs && !known; j++)
                    known = p->ctrs[j].id && strcmp(p->ctrs[j].id, ids[i]) == 0;
            }
            if (!known) {
                log_info("agent", "removing orphan container=%s", ids[i]);
                remove_attempt(a, ids[i]);
            }
        }
        agent__strv_free(ids);
    }
    log_info("agent", "re-adopted pods=%zu from %s", n_pods, a->pods_dir);
}
