/*
 * merge_patch.c -- RFC 7386 JSON Merge Patch (application/merge-patch+json).
 *
 * An object patch merges into the document key by key, recursively; a null
 * value deletes its key; any other value (arrays included) replaces what was
 * there.  When the patch is not an object it replaces the whole document.
 * kube-apiserver uses evanphx/json-patch's MergePatch, which rejects a bare
 * `null` patch with "Invalid JSON Patch"; so do we, since the result could
 * never be a Kubernetes object.  This is what `kubectl label`, `kubectl
 * annotate` and `kubectl patch --type merge` send.
 */
#include "core/core.h"
#include "patch/patch.h"
#include "patch/patch_int.h"

#include <stdlib.h>

/* Merge object patch into target (an object we own and may mutate). */
static void merge_object(json_t *target, json_t *patch)
{
    const char *key;
    json_t *pv;

    json_object_foreach(patch, key, pv)
    {
        json_t *cur;

        if (json_is_null(pv)) {
            json_object_del(target, key);
            continue;
        }
        if (!json_is_object(pv)) {
            json_object_set_new(target, key, patch__copy(pv));
            continue;
        }
        /* An object value merges into what is there, or into a fresh
         * object when there is nothing (or a non-object): that is how RFC
         * 7386 strips the nulls out of newly added subtrees. */
        cur = json_object_get(target, key);
        if (!json_is_object(cur)) {
            cur = json_object();
            json_object_set_new(target, key, cur);
        }
        merge_object(cur, pv);
    }
}

int patch_merge(json_t *doc, json_t *patch, json_t **out, char **err)
{
    json_t *result;

    if (err)
        *err = NULL;
    if (!out)
        return EN_INVALID;
    *out = NULL;
    if (!doc)
        return patch__errf(err, "Invalid JSON Document");
    if (!patch || json_is_null(patch))
        return patch__errf(err, "Invalid JSON Patch");
    if (!json_is_object(patch)) {
        *out = patch__copy(patch);
        return 0;
    }
    result = json_is_object(doc) ? patch__copy(doc) : json_object();
    merge_object(result, patch);
    *out = result;
    return 0;
}
