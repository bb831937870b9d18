/*
 * table.c -- meta.k8s.io/v1 Table responses for `kubectl get`.  Columns and
 * cells come from src/types; each row carries the object's metadata as a
 * PartialObjectMetadata so kubectl can print NAMESPACE (-A) and LABELS
 * (--show-labels).
 */
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"

bool api_wants_table(api_req *rq)
{
    const char *acc = api_header(rq, MHD_HTTP_HEADER_ACCEPT);
    return acc && strstr(acc, "as=Table") != NULL;
}

json_t *api_table(const kind_info *k, cache_obj **objs, size_t n, int64_t rev, const char *cont,
                  bool include_object)
{
    json_t *t = json_object(), *meta = json_object(), *rows = json_array();
    int64_t now = time_now_unix();
    char rv[24];

    snprintf(rv, sizeof rv, "%lld", (long long)rev);
    json_object_set_new(t, "kind", json_string("Table"));
    json_object_set_new(t, "apiVersion", json_string("meta.k8s.io/v1"));
    json_object_set_new(meta, "resourceVersion", json_string(rv));
    if (cont)
        json_object_set_new(meta, "continue", json_string(cont));
    json_object_set_new(t, "metadata", meta);
    json_object_set_new(t, "columnDefinitions", types_table_columns(k));
    for (size_t i = 0; i < n; i++) {
        json_t *obj = cache_obj_json(objs[i]);
        json_t *row = json_object();
        json_object_set_new(row, "cells", types_table_cells(k, obj, now));
        if (include_object) {
            json_t *pom = json_object();
            json_object_set_new(pom, "kind", json_string("PartialObjectMetadata"));
            json_object_set_new(pom, "apiVersion", json_string("meta.k8s.io/v1"));
            json_object_set(pom, "metadata", json_object_get(obj, "metadata"));
            json_object_set_new(row, "object", pom);
        }
        json_array_append_new(rows, row);
        json_decref(obj);
    }
    json_object_set_new(t, "rows", rows);
    return t;
}
