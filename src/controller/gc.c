/*
 * gc.c -- garbage collector and namespace controller.
 *
 * One thread.  Cache listeners enqueue "look at this" hints (an object was
 * deleted, an object is being deleted); the thread handles hints as they
 * come and sweeps everything every GC_SWEEP_MS in case a hint was missed
 * (e.g. work left over from before a restart):
 *   - an object whose owners are all gone is deleted (Background cascade);
 *   - an object being deleted with the "orphan" finalizer has its owner
 *     reference removed from every dependent, then the finalizer;
 *   - with "foregroundDeletion", its dependents are deleted first, and the
 *     finalizer removed when none remain;
 *   - a namespace being deleted has its content deleted, then its
 *     "kubernetes" finalizer removed, which deletes it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "controller/controller_int.h"
#include "core/core.h"

#define GC_SWEEP_MS 5000

struct gc_ctrl {
    registry *reg;          /* borrowed */
    cache *c;               /* borrowed */
    pthread_t thread;
    pthread_mutex_t mu;     /* guards hints and stop */
    pthread_cond_t cv;
    bool stop;
    bool hinted;            /* something happened: run a pass soon */
    json_t *gone_uids;      /* uids of deleted objects whose dependents need a look */
};

static const char *k_orphan = "orphan";
static const char *k_foreground = "foregroundDeletion";

static bool obj_has_finalizer(json_t *obj, const char *f)
{
    json_t *arr = json_path(obj, "metadata.finalizers"), *v;
    size_t i;
    json_array_foreach(arr, i, v)
    {
        if (strcmp(json_string_value(v) ?: "", f) == 0)
            return true;
    }
    return false;
}

static void gc_listener(void *ctx, enum cache_ev_type type, cache_obj *obj, cache_obj *prev,
                        json_t *tree)
{
    gc_ctrl *cs = ctx;
    bool wake = false;

    pthread_mutex_lock(&cs->mu);
    /* Only deletions that can concern dependents, finalizers or a
     * namespace's content need a look: a pod's graceful deletion alone
     * does not (that is most of the traffic during rollouts). */
    if (type == CACHE_DELETED && obj->uid[0]) {
        cache_obj **deps = NULL;
        size_t n = 0;
        cache_dependents(cs->c, obj->uid, &deps, &n);
        cache_list_free(deps, n);
        if (n) {
            json_array_append_new(cs->gone_uids, json_string(obj->uid));
            wake = true;
        }
    }
    if (type != CACHE_DELETED && obj->deleting &&
        (obj->finalizers || !strcmp(obj->kind->kind, "Namespace")))
        wake = true;
    if (wake) {
        cs->hinted = true;
        pthread_cond_signal(&cs->cv);
    }
    pthread_mutex_unlock(&cs->mu);
}

/* ---- mutations --------------------------------------------------------- */

static bool drop_owner_ref(void *ctx, json_t *obj)
{
    const char *uid = ctx;
    json_t *refs = json_path(obj, "metadata.ownerReferences"), *r;
    size_t i;
    bool changed = false;

    for (i = json_array_size(refs); i-- > 0;) {
        r = json_array_get(refs, i);
        if (strcmp(json_string_value(json_object_get(r, "uid")) ?: "", uid) == 0) {
            json_array_remove(refs, i);
            changed = true;
        }
    }
    if (changed && json_array_size(refs) == 0)
        json_object_del(json_object_get(obj, "metadata"), "ownerReferences");
    return changed;
}

static bool drop_finalizer(void *ctx, json_t *obj)
{
    const char *f = ctx;
    json_t *arr = json_path(obj, "metadata.finalizers");
    bool changed = false;

    for (size_t i = json_array_size(arr); i-- > 0;) {
        if (strcmp(json_string_value(json_array_get(arr, i)) ?: "", f) == 0) {
            json_array_remove(arr, i);
            changed = true;
        }
    }
    return changed;
}

static bool drop_ns_finalizer(void *ctx, json_t *obj)
{
    json_t *arr = json_path(obj, "spec.finalizers");
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return false;
    json_object_set_new(json_object_get(obj, "spec"), "finalizers", json_array());
    return true;
}

static void gc_delete(gc_ctrl *cs, cache_obj *o, enum reg_propagation prop)
{
    reg_delete_opts opts = {.propagation = prop, .grace_seconds = -1};
    reg_status st = {0};
    json_t *out = NULL;
    bool gone;

    if (reg_delete(cs->reg, o->kind, o->ns, o->name, &opts, &out, &gone, &st) && st.code != 404)
        log_warn("gc", "deleting %s %s/%s: %s", o->kind->kind, o->ns, o->name, st.message);
    json_decref(out);
    reg_status_release(&st);
}

static void gc_mutate(gc_ctrl *cs, cache_obj *o, const char *sub, reg_mutate_fn fn,
                      void *ctx)
{
    reg_status st = {0};
    if (reg_mutate(cs->reg, o->kind, o->ns, o->name, sub, fn, ctx, &st) && st.code != 404)
        log_warn("gc", "updating %s %s/%s: %s", o->kind->kind, o->ns, o->name, st.message);
    reg_status_release(&st);
}

/* ---- passes ------------------------------------------------------------ */

/* Does any of the object's owners still exist? */
static bool has_live_owner(gc_ctrl *cs, const cache_obj *o)
{
    size_t i;
    json_t *u;
    json_array_foreach(o->owner_uids, i, u)
    {
        cache_obj *owner = cache_get_by_uid(cs->c, json_string_value(u));
        if (owner) {
            cache_obj_unref(owner);
            return true;
        }
    }
    return false;
}

/* Dependents of a deleted uid: delete those left with no live owner. */
static void gc_owner_gone(gc_ctrl *cs, const char *uid)
{
    cache_obj **deps = NULL;
    size_t n = 0;

    cache_dependents(cs->c, uid, &deps, &n);
    for (size_t i = 0; i < n; i++)
        if (!deps[i]->deleting && !has_live_owner(cs, deps[i]))
            gc_delete(cs, deps[i], REG_PROP_BACKGROUND);
    cache_list_free(deps, n);
}

/* An object being deleted: honour its orphan/foreground finalizers. */
static void gc_finalize(gc_ctrl *cs, cache_obj *o)
{
    json_t *obj = cache_obj_json(o);
    cache_obj **deps = NULL;
    size_t n = 0;

    if (obj_has_finalizer(obj, k_orphan)) {
        cache_dependents(cs->c, o->uid, &deps, &n);
        for (size_t i = 0; i < n; i++)
            gc_mutate(cs, deps[i], NULL, drop_owner_ref, o->uid);
        cache_list_free(deps, n);
        gc_mutate(cs, o, NULL, drop_finalizer, (void *)k_orphan);
    } else if (obj_has_finalizer(obj, k_foreground)) {
        cache_dependents(cs->c, o->uid, &deps, &n);
        for (size_t i = 0; i < n; i++)
            if (!deps[i]->deleting)
                gc_delete(cs, deps[i], REG_PROP_BACKGROUND);
        if (n == 0)
            gc_mutate(cs, o, NULL, drop_finalizer, (void *)k_foreground);
        cache_list_free(deps, n);
    }
    json_decref(obj);
}

/* A namespace being deleted: delete its content, then let it go. */
static void gc_namespace(gc_ctrl *cs, cache_obj *nso)
{
    size_t nk, left = 0;
    const kind_info *kinds = types_all(&nk);

    for (size_t i = 0; i < nk; i++) {
        const kind_info *k = &kinds[i];
        cache_filter f = {.kind = k, .ns = nso->name};
        cache_obj **objs = NULL;
        size_t n = 0;
        int64_t rev;
        bool more;

        if (!k->namespaced || k->read_only)
            continue;
        cache_list(cs->c, &f, NULL, 0, &objs, &n, &rev, &more);
        for (size_t j = 0; j < n; j++) {
            left++;
            if (!objs[j]->deleting)
                gc_delete(cs, objs[j], REG_PROP_BACKGROUND);
            else if (strcmp(k->kind, "Pod") == 0) {
                /* Pods of a vanishing namespace don't wait for their grace. */
                reg_delete_opts opts = {.propagation = REG_PROP_BACKGROUND, .grace_seconds = 0};
                reg_status st = {0};
                json_t *out = NULL;
                bool gone;
                reg_delete(cs->reg, k, objs[j]->ns, objs[j]->name, &opts, &out, &gone, &st);
                json_decref(out);
                reg_status_release(&st);
            }
        }
        cache_list_free(objs, n);
    }
    if (left == 0)
        gc_mutate(cs, nso, "finalize", drop_ns_finalizer, NULL);
}

/* Look at every object being deleted (finalizers, namespaces) and, on a
 * full sweep, also at every dependent whose owners are all gone. */
static void gc_pass(gc_ctrl *cs, bool full)
{
    size_t nk;
    const kind_info *kinds = types_all(&nk);

    for (size_t i = 0; i < nk; i++) {
        cache_filter f = {.kind = &kinds[i]};
        cache_obj **objs = NULL;
        size_t n = 0;
        int64_t rev;
        bool more;

        cache_list(cs->c, &f, NULL, 0, &objs, &n, &rev, &more);
        for (size_t j = 0; j < n; j++) {
            cache_obj *o = objs[j];
            if (o->deleting && strcmp(o->kind->kind, "Namespace") == 0)
                gc_namespace(cs, o);
            else if (o->deleting)
                gc_finalize(cs, o);
            else if (full && o->owner_uids && !has_live_owner(cs, o))
                gc_delete(cs, o, REG_PROP_BACKGROUND);
        }
        cache_list_free(objs, n);
    }
}

static void *gc_main(void *arg)
{
    gc_ctrl *cs = arg;

    /* Named so that top -H and perf show which part is busy. */
    pthread_setname_np(pthread_self(), "gc");
    int64_t next_sweep = time_mono_ms() + 1000;

    pthread_mutex_lock(&cs->mu);
    while (!cs->stop) {
        int64_t now = time_mono_ms();
        if (!cs->hinted && now < next_sweep) {
            struct timespec ts = time_deadline_in_ms(200);
            pthread_cond_timedwait(&cs->cv, &cs->mu, &ts);
            continue;
        }
        json_t *uids = cs->gone_uids;
        bool hinted = cs->hinted;
        cs->gone_uids = json_array();
        cs->hinted = false;
        pthread_mutex_unlock(&cs->mu);

        size_t i;
        json_t *u;
        json_array_foreach(uids, i, u)
        {
            gc_owner_gone(cs, json_string_value(u));
        }
        json_decref(uids);
        if (now >= next_sweep) {
            gc_pass(cs, true);
            next_sweep = time_mono_ms() + GC_SWEEP_MS;
        } else if (hinted) {
            gc_pass(cs, false);
        }
        pthread_mutex_lock(&cs->mu);
    }
    pthread_mutex_unlock(&cs->mu);
    return NULL;
}

gc_ctrl *gc_start(registry *reg, cache *c)
{
    gc_ctrl *cs = xcalloc(1, sizeof *cs);

    cs->reg = reg;
    cs->c = c;
    cs->gone_uids = json_array();
    pthread_mutex_init(&cs->mu, NULL);
    pthread_cond_init(&cs->cv, NULL);
    cache_add_listener(c, gc_listener, cs);
    if (pthread_create(&cs->thread, NULL, gc_main, cs) != 0)
        en_fatal("cannot start the garbage collector thread");
    return cs;
}

void gc_stop(gc_ctrl *cs)
{
    if (!cs)
        return;
    /* Events may still arrive for writes made before the stop. */
    cache_remove_listener(cs->c, gc_listener, cs);
    pthread_mutex_lock(&cs->mu);
    cs->stop = true;
    pthread_cond_signal(&cs->cv);
    pthread_mutex_unlock(&cs->mu);
    pthread_join(cs->thread, NULL);
    json_decref(cs->gone_uids);
    pthread_mutex_destroy(&cs->mu);
    pthread_cond_destroy(&cs->cv);
    free(cs);
}
