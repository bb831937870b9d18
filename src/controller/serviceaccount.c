/*
 * serviceaccount.c -- the service-account controller: every namespace that
 * is not being deleted has a ServiceAccount named "default", as in
 * Kubernetes (created with the namespace, re-created when deleted).
 *
 * The account lists one token secret by name, as Kubernetes did before
 * v1.24: clients such as Kubernetes' e2e framework wait for `secrets` to be
 * non-empty before they start a test.  everynode issues no service-account
 * tokens (it serves no Secrets); the name is only that reference.
 *
 * A cache listener (on the store's delivery thread: it only records names and wakes)
 * notes namespaces that appeared and default accounts that went away; the
 * controller's thread creates the missing accounts, and sweeps every
 * namespace once at start and then every SA_SWEEP_MS to repair anything a
 * failed write left behind.
 */
#include <string.h>
#include <time.h>

#include "controller/controller_int.h"
#include "registry/registry.h"

#define SA_SWEEP_MS 30000
#define SA_NAME "default"

struct sa_ctrl {
    registry *reg;
    cache *c;
    pthread_t thread;
    pthread_mutex_t mu;   /* guards pending and stop */
    pthread_cond_t cv;    /* signalled when pending grows or stop is set */
    json_t *pending;      /* object: namespace name -> true, to look at */
    bool stop;
};

static void sa_listener(void *ctx, enum cache_ev_type type, cache_obj *obj, cache_obj *prev,
                        json_t *tree)
{
    sa_ctrl *sc = ctx;
    const char *ns = NULL;

    if (!strcmp(obj->kind->kind, "Namespace") && type == CACHE_ADDED)
        ns = obj->name;
    else if (!strcmp(obj->kind->kind, "ServiceAccount") && type == CACHE_DELETED &&
             !strcmp(obj->name, SA_NAME))
        ns = obj->ns;
    if (!ns)
        return;
    pthread_mutex_lock(&sc->mu);
    json_object_set_new(sc->pending, ns, json_true());
    pthread_cond_signal(&sc->cv);
    pthread_mutex_unlock(&sc->mu);
}

/* Create the default account in ns when the namespace is live and the
 * account missing. */
static void sa_ensure(sa_ctrl *sc, const char *ns)
{
    const kind_info *nk = types_by_resource("", "v1", "namespaces");
    const kind_info *sk = types_by_resource("", "v1", "serviceaccounts");
    cache_obj *nso = cache_get(sc->c, nk, "", ns), *sa = NULL;
    reg_status st = {0};
    json_t *obj = NULL, *out = NULL;
    char suffix[8], secret[32];

    if (!nso || nso->deleting)
        goto out;
    sa = cache_get(sc->c, sk, ns, SA_NAME);
    if (sa)
        goto out;
    uid_random_suffix(suffix, 5);
    snprintf(secret, sizeof secret, "%s-token-%s", SA_NAME, suffix);
    obj = json_pack("{s:s,s:s,s:{s:s,s:s},s:[{s:s}]}", "apiVersion", "v1", "kind",
                    "ServiceAccount", "metadata", "name", SA_NAME, "namespace", ns, "secrets",
                    "name", secret);
    /* 409 means someone (a client, or a racing sweep) made it: fine.  A
     * namespace that began terminating refuses: fine as well. */
    if (reg_create(sc->reg, sk, ns, obj, NULL, &out, &st) && st.code != 409 && st.code != 403)
        log_warn("serviceaccounts", "creating %s/%s: %s", ns, SA_NAME, st.message);
out:
    reg_status_release(&st);
    json_decref(out);
    json_decref(obj);
    cache_obj_unref(sa);
    cache_obj_unref(nso);
}

static void sa_sweep(sa_ctrl *sc)
{
    cache_filter f = {.kind = types_by_resource("", "v1", "namespaces")};
    cache_obj **objs = NULL;
    size_t n = 0;
    int64_t rev;
    bool more;

    cache_list(sc->c, &f, NULL, 0, &objs, &n, &rev, &more);
    for (size_t i = 0; i < n; i++)
        sa_ensure(sc, objs[i]->name);
    cache_list_free(objs, n);
}

static void *sa_main(void *arg)
{
    sa_ctrl *sc = arg;

    /* Named so that top -H and perf show which part is busy. */
    pthread_setname_np(pthread_self(), "sa-ctrl");
    int64_t next_sweep = 0;

    pthread_mutex_lock(&sc->mu);
    while (!sc->stop) {
        int64_t now = time_mono_ms();
        if (json_object_size(sc->pending) == 0 && now < next_sweep) {
            struct timespec ts;
            int64_t wait_ms = next_sweep - now;
            ts = time_deadline_in_ms(wait_ms);
            pthread_cond_timedwait(&sc->cv, &sc->mu, &ts);
            continue;
        }
        json_t *todo = sc->pending;
        sc->pending = json_object();
        pthread_mutex_unlock(&sc->mu);

        const char *ns;
        json_t *v;
        json_object_foreach(todo, ns, v)
        {
            sa_ensure(sc, ns);
        }
        json_decref(todo);
        if (now >= next_sweep) {
            sa_sweep(sc);
            next_sweep = time_mono_ms() + SA_SWEEP_MS;
        }
        pthread_mutex_lock(&sc->mu);
    }
    pthread_mutex_unlock(&sc->mu);
    return NULL;
}

sa_ctrl *sa_start(registry *reg, cache *c)
{
    sa_ctrl *sc = xcalloc(1, sizeof *sc);

    sc->reg = reg;
    sc->c = c;
    sc->pending = json_object();
    pthread_mutex_init(&sc->mu, NULL);
    pthread_cond_init(&sc->cv, NULL);
    cache_add_listener(c, sa_listener, sc);
    if (pthread_create(&sc->thread, NULL, sa_main, sc) != 0)
        en_fatal("cannot start the service-account controller thread");
    return sc;
}

void sa_stop(sa_ctrl *sc)
{
    if (!sc)
        return;
    /* Events may still arrive for writes made before the stop. */
    cache_remove_listener(sc->c, sa_listener, sc);
    pthread_mutex_lock(&sc->mu);
    sc->stop = true;
    pthread_cond_signal(&sc->cv);
    pthread_mutex_unlock(&sc->mu);
    pthread_join(sc->thread, NULL);
    json_decref(sc->pending);
    pthread_mutex_destroy(&sc->mu);
    pthread_cond_destroy(&sc->cv);
    free(sc);
}
