/*
 * types_int.h -- private declarations shared by the files of src/types/.
 *
 * Nothing outside src/types/ (and its unit tests) includes this.  It holds
 * the validation context with Kubernetes' field.ErrorList semantics
 * (validate.c), the name and format checks the validators share
 * (names.c), resource.Quantity internals (quantity.c) and the per-kind
 * entry points that types.c dispatches to (defaults.c, validate_*.c).
 */
#ifndef EVERYNODE_TYPES_INT_H
#define EVERYNODE_TYPES_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "types/types.h"

/* ---- kind identity ----------------------------------------------------- */

/* One value per served kind; types.c maps kind_info pointers to these. */
enum types_kind {
    TK_UNKNOWN = 0,
    TK_EVENT,
    TK_NAMESPACE,
    TK_NODE,
    TK_POD,
    TK_REPLICATION_CONTROLLER,
    TK_SERVICE_ACCOUNT,
    TK_SERVICE,
    TK_CONTROLLER_REVISION,
    TK_DAEMONSET,
    TK_REPLICA_SET,
    TK_LEASE,
};

enum types_kind types__kind_id(const kind_info *k);

/* ---- quantities (quantity.c) ------------------------------------------- */

/* How a quantity was written; decides its canonical spelling. */
enum qty_format {
    QTY_DECIMAL_SI = 0, /* "", m, k, M, ... */
    QTY_BINARY_SI,      /* Ki, Mi, ... */
    QTY_DECIMAL_EXP,    /* 1e3 */
};

typedef struct types_qty {
    int64_t milli;          /* value in thousandths, rounded away from zero */
    enum qty_format format; /* suffix family the value was written in */
} types_qty;

/* Parse the string form; 0 or EN_INVALID (bad syntax, or out of range). */
int types__qty_parse(const char *s, types_qty *q);
/* Parse a JSON string (surrounding whitespace ignored, as Kubernetes'
 * decoder does) or number; EN_INVALID for other JSON types. */
int types__qty_parse_json(json_t *v, types_qty *q);
/* Canonical spelling of q as resource.Quantity.String() prints a value
 * rounded to milli precision: "500m", "1Gi", "1536Mi", "2k".  Caller frees. */
char *types__qty_string(const types_qty *q);
/* The message Kubernetes' decoder gives for a malformed quantity. */
#define TYPES_QTY_SYNTAX_MSG                                                                       \
    "quantities must match the regular expression "                                                \
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

/* ---- names and formats (names.c) --------------------------------------- */

/*
 * Each check appends Kubernetes' messages for one value to out (at most
 * TYPES_MAX_MSGS, static or owned by the caller-provided buffer where noted)
 * and returns how many it appended; 0 means valid.
 */
#define TYPES_MAX_MSGS 6
typedef struct types_msgs {
    const char *msg[TYPES_MAX_MSGS]; /* static strings, or into buf */
    size_t n;                        /* messages in msg[] */
    char buf[4][512];                /* storage for composed messages */
    size_t nbuf;                     /* buf entries used */
} types_msgs;

void types__msgs_init(types_msgs *m);
size_t types__dns1123_label(const char *s, types_msgs *m);
size_t types__dns1123_subdomain(const char *s, types_msgs *m);
size_t types__dns1035_label(const char *s, types_msgs *m);
/* metadata.name / generateName rules: prefix=true masks a trailing '-'. */
size_t types__name_subdomain(const char *s, bool prefix, types_msgs *m);
size_t types__name_label(const char *s, bool prefix, types_msgs *m);
size_t types__name_1035(const char *s, bool prefix, types_msgs *m);
size_t types__path_segment_name(const char *s, bool prefix, types_msgs *m);
/* Label keys and other "qualified names" ([prefix/]name). */
size_t types__qualified_name(const char *s, types_msgs *m);
size_t types__label_value(const char *s, types_msgs *m);
size_t types__port_name(const char *s, types_msgs *m);
size_t types__env_var_name(const char *s, types_msgs *m);
size_t types__config_map_key(const char *s, types_msgs *m);
size_t types__http_header_name(const char *s, types_msgs *m);
size_t types__percent(const char *s, types_msgs *m);
bool types__is_ip(const char *s);
bool types__is_ipv6(const char *s);
bool types__is_cidr(const char *s);

/* ---- validation context (validate.c) ----------------------------------- */

/* Collects field errors while walking an object; the path grows and
 * shrinks as the walk descends, the way field.Path children do. */
typedef struct vctx {
    json_t *causes; /* JSON array of causes being built (owned) */
    sbuf path;      /* current field path, e.g. "spec.template.spec" */
} vctx;

void types__v_init(vctx *v);
void types__v_release(vctx *v);
/* Path building: push returns a mark to pop back to. */
size_t types__v_push(vctx *v, const char *child);
size_t types__v_push_index(vctx *v, size_t i);
size_t types__v_push_key(vctx *v, const char *key);
void types__v_pop(vctx *v, size_t mark);
size_t types__v_count(const vctx *v);

/*
 * Error constructors.  `child` (may be NULL) is appended to the current
 * path for this one error.  Values are rendered the way field.Error prints
 * Go values: strings quoted, numbers bare, `raw` verbatim.
 */
void types__v_required(vctx *v, const char *child, const char *detail);
void types__v_forbidden(vctx *v, const char *child, const char *detail);
void types__v_toolong(vctx *v, const char *child, long max);
void types__v_invalid_str(vctx *v, const char *child, const char *value, const char *detail);
void types__v_invalid_int(vctx *v, const char *child, int64_t value, const char *detail);
void types__v_invalid_raw(vctx *v, const char *child, const char *raw, const char *detail);
void types__v_invalid_json(vctx *v, const char *child, json_t *value, const char *detail);
void types__v_invalid_null(vctx *v, const char *child, const char *detail);
void types__v_notsupported_str(vctx *v, const char *child, const char *value,
                               const char *const *supported);
void types__v_notsupported_raw(vctx *v, const char *child, const char *raw,
                               const char *const *supported);
void types__v_duplicate_str(vctx *v, const char *child, const char *value);
void types__v_duplicate_raw(vctx *v, const char *child, const char *raw, const char *detail);
void types__v_notfound_str(vctx *v, const char *child, const char *value);
/* One Invalid error per message in m, all for the same string value. */
void types__v_invalid_msgs(vctx *v, const char *child, const char *value, const types_msgs *m);

/*
 * Typed access.  Each returns the member when it has the expected JSON type;
 * absent or null gives NULL/false without an error; any other type records
 * "must be of type ..." at the member's path and also gives NULL/false.
 */
json_t *types__v_obj(vctx *v, json_t *parent, const char *key);
json_t *types__v_arr(vctx *v, json_t *parent, const char *key);
const char *types__v_str(vctx *v, json_t *parent, const char *key);
bool types__v_int(vctx *v, json_t *parent, const char *key, int64_t *out);
bool types__v_int32(vctx *v, json_t *parent, const char *key, int64_t *out);
bool types__v_bool(vctx *v, json_t *parent, const char *key, bool *out);
/* Element i of an array that must be an object (error otherwise). */
json_t *types__v_elem_obj(vctx *v, json_t *arr, size_t i);
/* A map of string to string (labels, nodeSelector): NULL if absent; type
 * errors for a non-object or non-string values. */
json_t *types__v_strmap(vctx *v, json_t *parent, const char *key);

/* Go-syntax renderings used in messages (caller frees). */
char *types__go_quote(const char *s);
char *types__go_strmap(json_t *map);
char *types__go_label_selector(json_t *sel);
char *types__go_strslice(json_t *arr);

/* Semantic equality as apimachinery's Semantic.DeepEqual sees JSON: null,
 * empty strings, empty lists and absent members are all the same. */
bool types__semantic_equal(json_t *a, json_t *b);

/* Common validators. */
typedef size_t (*types_name_fn)(const char *s, bool prefix, types_msgs *m);
void types__validate_meta(vctx *v, json_t *obj, bool namespaced, types_name_fn name_fn);
void types__validate_meta_update(vctx *v, json_t *obj, json_t *old);
void types__validate_labels(vctx *v, json_t *labels);
void types__validate_annotations(vctx *v, json_t *annotations);
/* metav1.LabelSelector at the current path; strict_values checks In/NotIn
 * values as label values. */
void types__validate_label_selector(vctx *v, json_t *sel, bool strict_values);
/* LabelSelectorAsSelector + Matches: *ok false when the selector cannot be
 * compiled (then nothing is matched). NULL selector matches nothing. */
bool types__selector_matches(json_t *sel, json_t *labels, bool *ok);
void types__validate_nonneg(vctx *v, json_t *parent, const char *key);
/* A resource list (requests/limits/capacity) at key; quantities must parse
 * and be non-negative.  Container resource names are checked when
 * container_names is set. */
void types__validate_resource_list(vctx *v, json_t *parent, const char *key, bool container_names);
/* Container ResourceRequirements at the current path: both lists, requests
 * against limits, non-overcommitable resources, hugepages. */
void types__validate_requirements(vctx *v, json_t *res);

/* Small shared checks (validate.c); `child` as for the error constructors. */
bool types__in_list(const char *s, const char *const *list);
/* Member present and not null. */
bool types__present(json_t *o, const char *key);
/* A string enum member: "" or absent is Required when required, any other
 * value must be in allowed.  Returns the value (NULL if absent/mistyped). */
const char *types__check_enum(vctx *v, json_t *o, const char *key, const char *const *allowed,
                              bool required);
/* One Invalid error per message fn gives for value. */
void types__check_msgs(vctx *v, const char *child, const char *value,
                       size_t (*fn)(const char *, types_msgs *));
void types__check_name(vctx *v, const char *child, const char *value, types_name_fn fn,
                       bool prefix);
/* Relative-path rules of validateLocalDescendingPath and friends. */
bool types__has_backsteps(const char *p);
void types__check_no_backsteps(vctx *v, const char *child, const char *p);
void types__check_local_descending(vctx *v, const char *child, const char *p);
void types__check_local_non_reserved(vctx *v, const char *child, const char *p);
/* A file mode member in 0..0777. */
void types__check_mode(vctx *v, json_t *o, const char *key);

/* Container-level checks (validate_container.c). */
extern const char *const types__volume_field_paths[];
/* Downward API selectors, with the selector's path current. */
void types__check_field_ref(vctx *v, json_t *fr, const char *const *expressions);
void types__check_resource_field_ref(vctx *v, json_t *rr, bool volume);
/* Regular, init and ephemeral containers of spec (spec's path current);
 * vols maps valid volume names to their sources, grace is the pod's
 * terminationGracePeriodSeconds (NULL if unset). */
void types__validate_all_containers(vctx *v, json_t *spec, json_t *vols, const int64_t *grace,
                                    const char *restart);
/* Security-context parts the pod and its containers share, with the
 * security context's path current. */
void types__validate_seccomp(vctx *v, json_t *sc);
void types__validate_apparmor(vctx *v, json_t *sc);
/* A Linux user/group id member in 0..2^32-1. */
void types__validate_id(vctx *v, json_t *o, const char *key);

/* ---- per-kind entry points --------------------------------------------- */

void types__default_daemonset(json_t *obj);
void types__default_pod(json_t *obj);
void types__default_namespace(json_t *obj);
void types__default_node(json_t *obj);
void types__default_service(json_t *obj);
/* Pod spec defaults shared by pods and templates (SetDefaults_PodSpec,
 * volumes, containers, probes, resource canonicalisation). */
void types__default_pod_spec(json_t *spec);

void types__validate_daemonset(vctx *v, json_t *obj, json_t *old, bool status_only);
void types__validate_controller_revision(vctx *v, json_t *obj, json_t *old);
void types__validate_pod(vctx *v, json_t *obj, json_t *old, bool status_only);
void types__validate_node(vctx *v, json_t *obj, json_t *old);
void types__validate_namespace(vctx *v, json_t *obj, json_t *old, bool status_only);
void types__validate_event(vctx *v, json_t *obj, json_t *old);
void types__validate_service(vctx *v, json_t *obj, json_t *old);
void types__validate_service_account(vctx *v, json_t *obj, json_t *old);
void types__validate_lease(vctx *v, json_t *obj, json_t *old);

/* PodTemplateSpec at the current path (labels, annotations, spec). */
void types__validate_pod_template(vctx *v, json_t *tmpl);
/* PodSpec at the current path; is_pod enables pod-only rules. */
void types__validate_pod_spec(vctx *v, json_t *spec, bool is_pod);
/* Tolerations list at the current path. */
void types__validate_tolerations(vctx *v, json_t *tols);

#endif /* EVERYNODE_TYPES_INT_H */
