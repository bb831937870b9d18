/*
 * status.c -- metav1.Status errors for the registry and the API layer.
 */
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/core.h"

void reg_status_release(reg_status *s)
{
    if (!s)
        return;
    free(s->message);
    json_decref(s->details);
    s->message = NULL;
    s->details = NULL;
    s->code = 0;
    s->reason = NULL;
}

int reg_fail(reg_status *s, int code, const char *reason, const char *fmt, ...)
{
    va_list ap;
    sbuf sb;

    reg_status_release(s);
    sbuf_init(&sb);
    va_start(ap, fmt);
    sbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    s->code = code;
    s->reason = reason;
    s->message = sbuf_detach(&sb, NULL);
    return -code;
}

int reg_not_found(reg_status *s, const kind_info *k, const char *name)
{
    reg_fail(s, 404, "NotFound", "%s \"%s\" not found", types_qualified_resource(k), name);
    s->details = json_pack("{s:s,s:s,s:s}", "name", name, "group", k->group, "kind", k->resource);
    if (!k->group[0])
        json_object_del(s->details, "group");
    return -404;
}

json_t *reg_status_json(const reg_status *s)
{
    json_t *j = json_pack("{s:s,s:s,s:{},s:s,s:s,s:s,s:i}", "kind", "Status", "apiVersion", "v1",
                          "metadata", "status", s->code >= 400 ? "Failure" : "Success", "message",
                          s->message ? s->message : "", "reason", s->reason ? s->reason : "",
                          "code", s->code);
    if (s->details)
        json_object_set(j, "details", s->details);
    if (!s->reason || !*s->reason)
        json_object_del(j, "reason");
    return j;
}
