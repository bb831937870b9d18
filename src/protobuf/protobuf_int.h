/*
 * protobuf_int.h -- private declarations shared by protobuf.c (the wire
 * decoder) and pb_schema*.c (the message descriptors).
 *
 * A message descriptor maps field numbers of a Kubernetes generated.proto
 * message to JSON names and value kinds, so that a new kind is decoded by
 * adding tables, not code.  The tables live in pb_schema*.c, split along
 * kinds (meta/v1 and small core kinds, volumes, containers, pods, nodes,
 * apps); messages one file uses from another are declared at the end of
 * this header.  Nothing outside src/protobuf includes this.
 *
 * The decoder reproduces the JSON a Go client would have sent for the same
 * object: Go decodes protobuf into its structs (absent fields are zero
 * values) and encoding/json writes them back by their json tags.  So:
 *   - a field present on the wire is written, except a zero number, false
 *     or empty string with omitempty (PB_OMITEMPTY) when the Go field is not
 *     a pointer (PB_PTR);
 *   - a field absent from the wire gets what Go writes for its zero value:
 *     nothing for omitempty scalars, slices, maps and pointers; null for
 *     slices, maps and pointers without omitempty; "" / 0 / false for
 *     plain scalars; and, since omitempty never drops a struct, {} (filled
 *     the same way) for a nested message, null for a Time, 0 for an
 *     IntOrString, "0" for a Quantity, null for a RawExtension.
 * Go's newer `omitzero` (creationTimestamp since Kubernetes 1.34) is not
 * followed: clients up to 1.33, kubectl 1.32 among them, send
 * "creationTimestamp":null, and the server treats both forms alike.
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
    PB_MAP,       /* map<string,V> entry, described by pb_field.msg: a message with
                   * {1, "key", PB_STRING} and {2, "value", V} -> object member */
    PB_TIME,      /* metav1.Time {1: seconds, 2: nanos} -> RFC 3339, seconds precision;
                   * the zero time (empty message) -> null */
    PB_MICROTIME, /* metav1.MicroTime -> RFC 3339 with microseconds */
    PB_RAW_JSON,  /* message {1: bytes} holding JSON (RawExtension, FieldsV1) -> that
                   * value; no bytes -> null, as Go writes a nil Raw */
    PB_INTORSTR,  /* intstr.IntOrString {1: type, 2: intVal, 3: strVal} -> integer or string */
    PB_QUANTITY,  /* resource.Quantity {1: string} -> string; no string -> "0" */
};

/* Field flags. */
enum {
    PB_REPEATED = 1 << 0, /* repeated: values collect into a JSON array */
    /* Go's `json:",omitempty"`: on a non-pointer scalar a zero value (0, "",
     * false) is left out; on a slice, map or pointer an absent value is left
     * out instead of written as null.  No effect on messages, times,
     * IntOrString and Quantity, which are Go structs. */
    PB_OMITEMPTY = 1 << 1,
    /* The Go field is a pointer: present on the wire means set, so even a
     * zero value is written; absent means nil. */
    PB_PTR = 1 << 2,
    /* PB_MESSAGE embedded without a JSON name (`json:",inline"`): its fields
     * go into the enclosing object.  pb_field.json is then the proto field
     * name, used in error messages only. */
    PB_INLINE = 1 << 3,
};

struct pb_msg;

/* One field of a message.  All pointers are static data. */
struct pb_field {
    uint32_t num;             /* field number in generated.proto */
    const char *json;         /* JSON name */
    enum pb_kind kind;        /* how to decode */
    unsigned flags;           /* PB_REPEATED, PB_OMITEMPTY, PB_PTR, PB_INLINE */
    const struct pb_msg *msg; /* PB_MESSAGE: the nested message; PB_MAP: the entry
                               * message; else NULL */
};

/* Terminates a field table. */
#define PB_FIELDS_END {0, NULL, PB_STRING, 0, NULL}

/* A message: its fields, terminated by PB_FIELDS_END (json == NULL). */
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

/* Kinds that can be decoded, terminated by an entry with kind == NULL
 * (pb_schema.c). */
extern const struct pb_kind_desc pb__kinds[];

/* ---- messages shared between the schema files ---------------------------- */

/* pb_schema.c */
extern const struct pb_msg pb__m_quantity_entry; /* map<string,Quantity> entry */
extern const struct pb_msg pb__m_object_meta;
extern const struct pb_msg pb__m_label_selector;
extern const struct pb_msg pb__m_local_object_reference;
/* pb_schema_volume.c */
extern const struct pb_msg pb__m_object_field_selector;
extern const struct pb_msg pb__m_resource_field_selector;
extern const struct pb_msg pb__m_volume;
/* pb_schema_container.c */
extern const struct pb_msg pb__m_resource_requirements;
extern const struct pb_msg pb__m_se_linux_options;
extern const struct pb_msg pb__m_windows_security_context_options;
extern const struct pb_msg pb__m_seccomp_profile;
extern const struct pb_msg pb__m_app_armor_profile;
extern const struct pb_msg pb__m_container;
extern const struct pb_msg pb__m_ephemeral_container;
/* pb_schema_pod.c */
extern const struct pb_msg pb__m_pod;
extern const struct pb_msg pb__m_pod_template_spec;
/* pb_schema_node.c */
extern const struct pb_msg pb__m_node;
/* pb_schema_apps.c */
extern const struct pb_msg pb__m_daemon_set;
extern const struct pb_msg pb__m_controller_revision;

#endif /* EVERYNODE_PROTOBUF_INT_H */
