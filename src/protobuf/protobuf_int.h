/*
 * protobuf_int.h -- private declarations shared by protobuf.c (the wire
 * decoder) and pb_schema.c (the message descriptors).
 *
 * A message descriptor maps field numbers of a Kubernetes generated.proto
 * message to JSON names and value kinds, so that a new kind is decoded by
 * adding tables, not code.  Nothing outside src/protobuf includes this.
 */
#ifndef EVERYNODE_PROTOBUF_INT_H
#define EVERYNODE_PROTOBUF_INT_H

#include <stddef.h>
#include <stdint.h>

/* How a field's bytes become JSON. */
enum pb_kind {
    PB_STRING,    /* length-delimited UTF-8 -> string */
    PB_INT64,     /* varint -> integer */
    PB_INT32,     /* varint, truncated to 32 bits as Go does -> integer */
    PB_BOOL,      /* varint -> true/false */
    PB_MESSAGE,   /* nested message -> object, via pb_field.msg */
    PB_MAP_SS,    /* map<string,string> entry {1: key, 2: value} -> object member */
    PB_TIME,      /* metav1.Time {1: seconds, 2: nanos} -> RFC 3339, seconds precision */
    PB_MICROTIME, /* metav1.MicroTime -> RFC 3339 with microseconds */
    PB_RAW_JSON,  /* message {1: bytes} holding JSON (RawExtension, FieldsV1) -> that value */
    PB_INTORSTR,  /* intstr.IntOrString {1: type, 2: intVal, 3: strVal} -> integer or string */
    PB_QUANTITY,  /* resource.Quantity {1: string} -> string */
};

/* Field flags. */
enum {
    PB_REPEATED = 1 << 0, /* repeated: values collect into a JSON array */
    /* Go's `json:",omitempty"` on a non-pointer field: a zero value (0, "",
     * false, zero time) is left out, as the JSON form would leave it out.
     * Pointer fields and fields without omitempty keep zero values, since
     * the wire only carries them when they were set. */
    PB_OMITEMPTY = 1 << 1,
};

struct pb_msg;

/* One field of a message.  All pointers are static data. */
struct pb_field {
    uint32_t num;             /* field number in generated.proto */
    const char *json;         /* JSON name */
    enum pb_kind kind;        /* how to decode */
    unsigned flags;           /* PB_REPEATED, PB_OMITEMPTY */
    const struct pb_msg *msg; /* PB_MESSAGE: the nested message, else NULL */
};

/* A message: its fields, terminated by an entry with json == NULL. */
struct pb_msg {
    const char *name;              /* for error messages, e.g. "ObjectMeta" */
    const struct pb_field *fields; /* field table */
};

/* A top-level kind that may arrive in a runtime.Unknown envelope. */
struct pb_kind_desc {
    const char *api_version;  /* required apiVersion, or NULL to accept any */
    const char *kind;         /* kind, e.g. "Namespace" */
    const struct pb_msg *msg; /* message of the raw bytes */
};

/* Kinds that can be decoded, terminated by an entry with kind == NULL. */
extern const struct pb_kind_desc pb__kinds[];

#endif /* EVERYNODE_PROTOBUF_INT_H */
