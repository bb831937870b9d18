/*
 * state.c -- what the agent remembers of a pod across its own restarts
 * (agent_int.h): DATA/pods/<uid>/state.json holds, per container, the
 * restart count, the runtime id of the latest attempt, how the last two
 * attempts ended, the crash back-off and the probe verdicts.  With it a
 * new agent re-adopts running containers without restarting them and
 * reports the same restartCount and lastState.  Written atomically (temp
 * file + rename) after every change that matters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent_int.h"

#define STATE_VERSION 1

static json_t *ctr_json(const agent_ctr *c)
{
    json_t *o = json_pack("{s:s,s:b,s:b,s:i,s:b,s:b,s:I,s:{s:i,s:I},s:b,s:b}", "name", c->name,
                          "init", c->init, "sidecar", c->sidecar, "restartCount",
                          c->restart_count, "idConfirmed", c->id_confirmed, "exited", c->exited,
                          "startedAt", (json_int_t)c->started_at, "backoff", "delay",
                          c->backoff.delay_s, "updatedAt", (json_int_t)c->backoff.updated_at,
                          "ready", c->ready, "started", c->started);
    if (c->id)
        json_object_set_new(o, "id", json_string(c->id));
    if (c->term)
        json_object_set(o, "term", c->term);
    if (c->last_term)
        json_object_set(o, "lastTerm", c->last_term);
    if (c->image_ref)
        json_object_set_new(o, "imageRef", json_string(c->image_ref));
    if (c->image_id)
        json_object_set_new(o, "imageID", json_string(c->image_id));
    if (c->spec_image)
        json_object_set_new(o, "specImage", json_string(c->spec_image));
    return o;
}

int agent__state_save(const char *path, const char *uid, const char *ns, const char *name,
                      const agent_ctr *ctrs, size_t n)
{
    json_t *root = json_pack("{s:i,s:s,s:s,s:s,s:[]}", "version", STATE_VERSION, "uid", uid,
                             "namespace", ns, "name", name, "containers");
    json_t *arr = json_object_get(root, "containers");
    char *tmp = xasprintf("%s.tmp", path);
    int rc = 0;

    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, ctr_json(&ctrs[i]));
    if (json_dump_file(root, tmp, JSON_COMPACT) != 0 || rename(tmp, path) != 0) {
        log_warn("agent", "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        rc = EN_IO;
    }
    json_decref(root);
    free(tmp);
    return rc;
}

static char *str_or_null(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? xstrdup(s) : NULL;
}

static json_t *obj_or_null(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_object(v) ? json_incref(v) : NULL;
}

int agent__state_load(const char *path, char **uid, char **ns, char **name, agent_ctr **ctrs,
                      size_t *n)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr), *arr, *o;
    agent_ctr *out;
    size_t i;

    *ctrs = NULL;
    *n = 0;
    *uid = *ns = *name = NULL;
    if (!root)
        return access(path, F_OK) == 0 ? EN_INVALID : EN_NOTFOUND;
    arr = json_object_get(root, "containers");
    if (json_integer_value(json_object_get(root, "version")) != STATE_VERSION ||
        !json_is_array(arr) || !json_path_str(root, "uid") || !json_path_str(root, "name") ||
        !json_path_str(root, "namespace")) {
        json_decref(root);
        return EN_INVALID;
    }
    out = xcalloc(json_array_size(arr) + 1, sizeof *out);
    json_array_foreach(arr, i, o)
    {
        agent_ctr *c = &out[*n];
        json_t *b = json_object_get(o, "backoff");
        if (!json_string_value(json_object_get(o, "name")))
            continue;
        c->name = str_or_null(o, "name");
        c->init = json_is_true(json_object_get(o, "init"));
        c->sidecar = json_is_true(json_object_get(o, "sidecar"));
        c->restart_count = (int)json_integer_value(json_object_get(o, "restartCount"));
        c->id = str_or_null(o, "id");
        c->id_confirmed = json_is_true(json_object_get(o, "idConfirmed"));
        c->exited = json_is_true(json_object_get(o, "exited"));
        c->started_at = json_integer_value(json_object_get(o, "startedAt"));
        c->term = obj_or_null(o, "term");
        c->last_term = obj_or_null(o, "lastTerm");
        c->image_ref = str_or_null(o, "imageRef");
        c->image_id = str_or_null(o, "imageID");
        c->spec_image = str_or_null(o, "specImage");
        c->backoff.delay_s = (int)json_integer_value(json_object_get(b, "delay"));
        c->backoff.updated_at = json_integer_value(json_object_get(b, "updatedAt"));
        c->ready = json_is_true(json_object_get(o, "ready"));
        c->started = json_is_true(json_object_get(o, "started"));
        (*n)++;
    }
    *uid = xstrdup(json_path_str(root, "uid"));
    *ns = xstrdup(json_path_str(root, "namespace"));
    *name = xstrdup(json_path_str(root, "name"));
    *ctrs = out;
    json_decref(root);
    return 0;
}
