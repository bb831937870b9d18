/*
 * openapi_int.h -- private declarations shared by openapi.c and the schema
 * tables in schemas_*.c.
 *
 * A schema is a C table: one `struct oa_type` per OpenAPI component schema,
 * each with a NULL-terminated array of `struct oa_field`.  openapi.c turns
 * the tables into JSON documents once (pthread_once) and walks them for
 * strict field validation.  Nothing outside src/openapi includes this file.
 *
 * Field type specs are short strings, parsed by openapi.c:
 *   "string" "int32" "int64" "bool" "double" "byte"   scalar
 *   "string|A|B"            string limited to the listed enum values
 *   "any"                   free-form object (unknown fields preserved)
 *   "Name"                  reference to the schema whose full name ends in
 *                           ".Name" (short names are unique across tables)
 *   "[]X"                   array of X       "{}X"  map of string to X
 */
#ifndef EVERYNODE_OPENAPI_INT_H
#define EVERYNODE_OPENAPI_INT_H

/* How a schema is rendered; most are plain objects with properties. */
enum oa_shape {
    OA_OBJECT = 0,  /* {"type":"object","properties":...} */
    OA_TIME,        /* RFC 3339 string, second precision */
    OA_MICROTIME,   /* RFC 3339 string, microsecond precision */
    OA_QUANTITY,    /* resource quantity: string (or number) */
    OA_INTORSTRING, /* integer or string */
    OA_OPEN,        /* object whose contents are not described */
};

/* One property of an object schema.  All strings are static. */
struct oa_field {
    const char *name; /* JSON name; NULL terminates an array of fields */
    const char *type; /* type spec, see the file comment */
    const char *desc; /* one or two sentences, our own words */
};

/* One component schema.  All pointers are static data. */
struct oa_type {
    const char *name;     /* full name, e.g. io.k8s.api.apps.v1.DaemonSet; NULL ends a table */
    const char *desc;     /* what the type is for */
    const char *gvk;      /* space-separated "group/version/Kind" list ("/v1/Pod" for
                           * the core group) for top-level kinds, else NULL */
    const char *required; /* space-separated required field names, or NULL */
    enum oa_shape shape;  /* OA_OBJECT unless a special scalar/open type */
    const struct oa_field *fields; /* properties (OA_OBJECT only), NULL-name terminated */
    const struct oa_field *extra;  /* more properties appended after fields (for types that
                                    * extend another's field list), or NULL */
};

/* Schema tables, each terminated by an entry with name == NULL. */
extern const struct oa_type openapi__types_meta[];      /* schemas_meta.c */
extern const struct oa_type openapi__types_apps[];      /* schemas_apps.c */
extern const struct oa_type openapi__types_pod[];       /* schemas_pod.c */
extern const struct oa_type openapi__types_container[]; /* schemas_container.c */
extern const struct oa_type openapi__types_volume[];    /* schemas_volume.c */
extern const struct oa_type openapi__types_cluster[];   /* schemas_cluster.c */

#endif /* EVERYNODE_OPENAPI_INT_H */
