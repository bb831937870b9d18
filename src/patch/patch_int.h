/*
 * patch_int.h -- declarations shared between the files of the patch module.
 *
 * json_patch.c owns the JSON value helpers every flavour needs (structural
 * equality, a canonical hash key per value, error formatting); smp.c uses
 * the field table of smp_schema.c to decide how each list of a strategic
 * merge patch is merged.  Nothing here is part of patch.h's contract.
 */
#ifndef EVERYNODE_PATCH_INT_H
#define EVERYNODE_PATCH_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- JSON value helpers (json_patch.c) -------------------------------- */

/* Structural equality as RFC 6902 "test" defines it: numbers compare by
 * value (1 == 1.0), objects ignore key order, arrays compare in order. */
bool patch__value_equal(const json_t *a, const json_t *b);

/* Canonical string for v such that two scalars are patch__value_equal
 * exactly when their keys are equal (objects and arrays: sorted compact
 * JSON).  Used as a key in jansson objects serving as hash sets.  Returns a
 * new string the caller frees; *len receives its length (may embed NUL). */
char *patch__value_key(const json_t *v, size_t *len);

/* Deep copy of v (not NULL); aborts like xmalloc when memory runs out. */
json_t *patch__copy(const json_t *v);

/* Short description of v for an error message: compact JSON cut to a few
 * hundred bytes so a huge value cannot blow up the message.  Caller frees. */
char *patch__describe(const json_t *v);

/* Name of v's JSON type as Go's encoding/json reports it in errors
 * ("object", "array", "string", "number", "bool", "null"). */
const char *patch__type_name(const json_t *v);

/* If err is not NULL, store a new printf-formatted message in *err (freeing
 * any previous one).  Always returns EN_INVALID so callers can write
 * `rc = patch__errf(err, ...); goto out;`. */
int patch__errf(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- strategic merge patch schema (smp_schema.c) ---------------------- */

/* How a field's value is merged.  Maps always merge key by key unless the
 * patch says `$patch: replace`; the strategy only matters for lists. */
enum smp_strategy {
    SMP_ATOMIC = 0, /* list replaced whole by the patch's list (the default) */
    SMP_MERGE = 1,  /* list merged: by merge_key for lists of maps, as a set otherwise */
};

/* What the schema says about one field. */
struct smp_field {
    enum smp_strategy strategy; /* list merge strategy */
    const char *merge_key;      /* key identifying items of a merged list of maps, or NULL */
};

/* One node of the per-kind field table (opaque; defined in smp_schema.c). */
struct smp_rule;

/* Root of the field table for kind ("DaemonSet", "Pod", ...).  Unknown or
 * NULL kinds get a table knowing only ObjectMeta under "metadata".  Never
 * returns NULL; the table is static, never freed. */
const struct smp_rule *patch__smp_schema(const char *kind);

/* Look up the field reached by the object keys seg[0..n-1] from the root of
 * the object (list levels add no segment: "spec.template.spec.containers.
 * ports" are the ports of any container).  Fills *out (SMP_ATOMIC with no
 * merge key when the field is not in the table) and returns whether the
 * table knew the field. */
bool patch__smp_lookup(const struct smp_rule *root, const char *const *seg, size_t n,
                       struct smp_field *out);

#endif /* EVERYNODE_PATCH_INT_H */
