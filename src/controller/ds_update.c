/*
 * ds_update.c -- ControllerRevision history and the RollingUpdate step of
 * the DaemonSet controller, after Kubernetes' pkg/controller/daemon/update.go:
 *   - the current revision is the one whose data equals the DaemonSet's
 *     template patch; a new one is created with revision max+1, and an
 *     older matching one (rollout undo) is renumbered to max+1;
 *   - without surge, old pods are deleted while fewer than maxUnavailable
 *     pods are unavailable (unavailable old pods always may go);
 *   - with surge, new pods are created next to old ones up to maxSurge,
 *     and an old pod is deleted once its replacement is available.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controller/ds_int.h"

/* ---- history ----------------------------------------------------------- */

typedef struct rev_info {
    cache_obj *o;
    int64_t revision;
    json_t *data; /* the revision's data (own reference) */
} rev_info;

static void revs_free(rev_info *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cache_obj_unref(r[i].o);
        json_decref(r[i].data);
    }
    free(r);
}

/* ControllerRevisions controlled by the DaemonSet. */
static rev_info *ds_revisions(ds_ctrl *d, ds_view *v, size_t *n)
{
    const kind_info *ck = types_by_resource("apps", "v1", "controllerrevisions");
    cache_filter f = {.kind = ck, .ns = v->ns};
    cache_obj **objs = NULL;
    size_t cnt = 0, out = 0;
    int64_t rev;
    bool more;
    rev_info *r;

    cache_list(ds_cache(d), &f, NULL, 0, &objs, &cnt, &rev, &more);
    r = xcalloc(cnt ? cnt : 1, sizeof *r);
    for (size_t i = 0; i < cnt; i++) {
        json_t *j = cache_obj_json(objs[i]), *refs, *ref;
        size_t k;
        bool mine = false;
        refs = json_path(j, "metadata.ownerReferences");
        json_array_foreach(refs, k, ref)
        {
            if (json_is_true(json_object_get(ref, "controller")) &&
                !strcmp(json_string_value(json_object_get(ref, "uid")) ?: "", v->uid))
                mine = true;
        }
        if (mine) {
            r[out].o = cache_obj_ref(objs[i]);
            r[out].revision = json_integer_value(json_object_get(j, "revision"));
            r[out].data = json_incref(json_object_get(j, "data"));
            out++;
        }
        json_decref(j);
    }
    cache_list_free(objs, cnt);
    *n = out;
    return r;
}

struct set_revision {
    int64_t revision;
};

static bool set_revision(void *ctx, json_t *cr)
{
    struct set_revision *s = ctx;
    if (json_integer_value(json_object_get(cr, "revision")) == s->revision)
        return false;
    json_object_set_new(cr, "revision", json_integer(s->revision));
    return true;
}

static bool bump_collision(void *ctx, json_t *ds)
{
    json_t *st = json_obj_ensure(ds, "status");
    json_int_t c = json_integer_value(json_object_get(st, "collisionCount"));
    json_object_set_new(st, "collisionCount", json_integer(c + 1));
    return true;
}

int ds_history_sync(ds_ctrl *d, ds_view *v)
{
    const kind_info *ck = types_by_resource("apps", "v1", "controllerrevisions");
    const kind_info *dk = types_by_resource("apps", "v1", "daemonsets");
    size_t n = 0;
    rev_info *revs = ds_revisions(d, v, &n);
    json_t *want = ds_revision_data(v->ds);
    int64_t max_old = 0;
    rev_info *cur = NULL;
    reg_status st = {0};
    int rc = 0;

    for (size_t i = 0; i < n; i++) {
        bool match = revs[i].data && json_equal(revs[i].data, want);
        if (match && (!cur || revs[i].revision > cur->revision))
            cur = &revs[i];
    }
    for (size_t i = 0; i < n; i++)
        if (&revs[i] != cur && revs[i].revision > max_old)
            max_old = revs[i].revision;

    if (cur) {
        json_t *cj = cache_obj_json(cur->o);
        const char *h = json_path_str(cj, "metadata.labels." DS_LABEL_HASH);
        v->hash = xstrdup(h ? h : cur->o->name);
        json_decref(cj);
        if (cur->revision <= max_old) {
            struct set_revision sr = {max_old + 1};
            rc = reg_mutate(ds_registry(d), ck, v->ns, cur->o->name, NULL, set_revision, &sr, &st);
        }
        goto out;
    }

    /* Snapshot a new revision. */
    json_int_t collisions = json_integer_value(json_path(v->ds, "status.collisionCount"));
    char *hash = ds_template_hash(v->tmpl, collisions);
    char *name = xasprintf("%s-%s", v->name, hash);
    json_t *labels = json_is_object(json_path(v->tmpl, "metadata.labels"))
                         ? json_deep_copy(json_path(v->tmpl, "metadata.labels"))
                         : json_object();
    json_object_set_new(labels, DS_LABEL_HASH, json_string(hash));
    json_t *ann = json_path(v->ds, "metadata.annotations");
    json_t *cr = json_pack(
        "{s:s,s:s,s:{s:s,s:s,s:o,s:[{s:s,s:s,s:s,s:s,s:b,s:b}]},s:o,s:I}", "apiVersion",
        "apps/v1", "kind", "ControllerRevision", "metadata", "name", name, "namespace", v->ns,
        "labels", labels, "ownerReferences", "apiVersion", "apps/v1", "kind", "DaemonSet", "name",
        v->name, "uid", v->uid, "controller", 1, "blockOwnerDeletion", 1, "data", json_incref(want),
        "revision", (json_int_t)(max_old + 1));
    if (json_is_object(ann))
        json_object_set(json_object_get(cr, "metadata"), "annotations", ann);
    json_t *out = NULL;
    rc = reg_create(ds_registry(d), ck, v->ns, cr, NULL, &out, &st);
    if (rc == -409) {
        /* A revision of that name with other data: a hash collision.
         * Count it in status so the next hash differs (as Kubernetes). */
        reg_status_release(&st);
        reg_mutate(ds_registry(d), dk, v->ns, v->name, "status", bump_collision, NULL, &st);
        rc = EN_CONFLICT;
    } else if (rc == 0) {
        v->hash = xstrdup(hash);
    }
    json_decref(out);
    json_decref(cr);
    free(hash);
    free(name);
out:
    if (rc && st.message)
        log_warn("daemonset", "%s/%s: revision history: %s", v->ns, v->name, st.message);
    reg_status_release(&st);
    json_decref(want);
    revs_free(revs, n);
    return rc;
}

static int rev_cmp(const void *a, const void *b)
{
    const rev_info *x = a, *y = b;
    return x->revision < y->revision ? -1 : x->revision > y->revision;
}

void ds_history_cleanup(ds_ctrl *d, ds_view *v, json_t *live_hashes)
{
    const kind_info *ck = types_by_resource("apps", "v1", "controllerrevisions");
    json_t *lim = json_path(v->ds, "spec.revisionHistoryLimit");
    int64_t limit = json_is_integer(lim) ? json_integer_value(lim) : 10;
    size_t n = 0, old = 0;
    rev_info *revs = ds_revisions(d, v, &n);

    qsort(revs, n, sizeof *revs, rev_cmp);
    /* Old revisions no live pod uses, oldest first, are deletable. */
    size_t *deletable = xcalloc(n ? n : 1, sizeof *deletable);
    for (size_t i = 0; i < n; i++) {
        json_t *j = cache_obj_json(revs[i].o);
        const char *h = json_path_str(j, "metadata.labels." DS_LABEL_HASH);
        bool live = v->hash && h && !strcmp(h, v->hash);
        if (h && json_object_get(live_hashes, h))
            live = true;
        json_decref(j);
        if (!live)
            deletable[old++] = i;
    }
    size_t excess = old > (size_t)limit ? old - (size_t)limit : 0;
    for (size_t i = 0; i < excess; i++) {
        reg_delete_opts o = {.propagation = REG_PROP_BACKGROUND, .grace_seconds = -1};
        reg_status st = {0};
        json_t *out = NULL;
        bool gone;
        reg_delete(ds_registry(d), ck, v->ns, revs[deletable[i]].o->name, &o, &out, &gone, &st);
        json_decref(out);
        reg_status_release(&st);
    }
    free(deletable);
    revs_free(revs, n);
}

/* ---- rolling update ---------------------------------------------------- */

/* findUpdatedPodsOnNode: at most one new and one old non-deleted pod. */
static bool find_updated(const ds_view *v, const ds_node_pods *np, pod_fact **newp,
                         pod_fact **oldp)
{
    *newp = *oldp = NULL;
    if (np->total > np->n)
        return false;
    for (size_t i = 0; i < np->n; i++) {
        pod_fact *p = np->pods[i];
        if (ds_pod_updated(v, p)) {
            if (*newp)
                return false;
            *newp = p;
        } else {
            if (*oldp)
                return false;
            *oldp = p;
        }
    }
    return true;
}

void ds_rolling_update(ds_view *v, const ds_node_pods *np, size_t nn, int64_t desired,
                       const char ***create, size_t *ncreate, pod_fact ***del, size_t *ndel)
{
    int64_t max_surge, max_unavail;
    json_t *ru = json_path(v->ds, "spec.updateStrategy.rollingUpdate");
    const char **cr = xcalloc(nn + 1, sizeof *cr);
    pod_fact **dl = xcalloc(nn + 1, sizeof *dl);
    size_t nc = 0, nd = 0;

    max_unavail = ds_scaled(json_object_get(ru, "maxUnavailable"), desired, 1);
    max_surge = ds_scaled(json_object_get(ru, "maxSurge"), desired, 0);
    if (desired > 0 && max_unavail == 0 && max_surge == 0)
        max_unavail = 1;

    if (max_surge == 0) {
        int64_t unavailable = 0;
        pod_fact **allowed = xcalloc(nn + 1, sizeof *allowed), **cand = xcalloc(nn + 1, sizeof *cand);
        size_t na = 0, ncand = 0;
        for (size_t i = 0; i < nn; i++) {
            pod_fact *newp, *oldp;
            if (!find_updated(v, &np[i], &newp, &oldp)) {
                unavailable++;
                continue;
            }
            if ((!oldp && !newp) || (oldp && newp)) {
                unavailable++;
            } else if (newp) {
                if (!ds_pod_available(v, newp))
                    unavailable++;
            } else if (!ds_pod_available(v, oldp)) {
                allowed[na++] = oldp;
            } else if (unavailable < max_unavail) {
                cand[ncand++] = oldp;
            }
        }
        int64_t remaining = max_unavail - unavailable;
        if (remaining < 0)
            remaining = 0;
        if (remaining > (int64_t)ncand)
            remaining = (int64_t)ncand;
        for (size_t i = 0; i < na; i++)
            dl[nd++] = allowed[i];
        for (int64_t i = 0; i < remaining; i++)
            dl[nd++] = cand[i];
        free(allowed);
        free(cand);
    } else {
        int64_t surge = 0, available = 0;
        const char **allowed_new = xcalloc(nn + 1, sizeof *allowed_new);
        const char **cand_new = xcalloc(nn + 1, sizeof *cand_new);
        pod_fact **not_run = xcalloc(nn + 1, sizeof *not_run);
        size_t nan = 0, ncn = 0, nnr = 0;
        for (size_t i = 0; i < nn; i++) {
            pod_fact *newp, *oldp;
            if (!find_updated(v, &np[i], &newp, &oldp)) {
                surge++;
                continue;
            }
            if (oldp ? ds_pod_available(v, oldp) : newp && ds_pod_available(v, newp))
                available++;
            if (!oldp)
                continue;
            bool run = np[i].run;
            if (!newp) {
                if (!ds_pod_available(v, oldp)) {
                    if (!run)
                        dl[nd++] = oldp;
                    else
                        allowed_new[nan++] = np[i].node;
                } else if (!run) {
                    not_run[nnr++] = oldp;
                } else if (surge < max_surge) {
                    cand_new[ncn++] = np[i].node;
                }
            } else if (!ds_pod_available(v, newp)) {
                surge++;
            } else {
                dl[nd++] = oldp;
            }
        }
        int64_t remaining = max_surge - surge;
        int64_t deletable = available - desired;
        if (deletable > (int64_t)nnr)
            deletable = (int64_t)nnr;
        for (int64_t i = 0; i < deletable; i++)
            dl[nd++] = not_run[i];
        if (remaining < 0)
            remaining = 0;
        if (remaining > (int64_t)ncn)
            remaining = (int64_t)ncn;
        for (size_t i = 0; i < nan; i++)
            cr[nc++] = allowed_new[i];
        for (int64_t i = 0; i < remaining; i++)
            cr[nc++] = cand_new[i];
        free(allowed_new);
        free(cand_new);
        free(not_run);
    }
    *create = cr;
    *ncreate = nc;
    *del = dl;
    *ndel = nd;
}
