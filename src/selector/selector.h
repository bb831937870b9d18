/*
 * selector.h -- Kubernetes label selectors, field selectors and node
 * selector requirements: parsing and matching.
 *
 * Label selectors come in two forms: the string form used in query strings
 * (`app=nginx,tier!=db,env in (a,b),!legacy`) and the metav1.LabelSelector
 * object form (matchLabels + matchExpressions) found in DaemonSet specs.
 * Both parse into one compiled `lsel`.  Field selectors (`spec.nodeName=n1,
 * status.phase!=Failed`) match against (field, value) pairs that the caller
 * extracts from an object.  Node selector requirements (In, NotIn, Exists,
 * DoesNotExist, Gt, Lt) are what node affinity uses.
 *
 * Pure functions, no global state, thread-safe.  Error messages are written
 * in Kubernetes' wording so the API can return them as-is.
 */
#ifndef EVERYNODE_SELECTOR_H
#define EVERYNODE_SELECTOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- label selectors --------------------------------------------------- */

typedef struct lsel lsel;

/*
 * Parse the string form.  "" gives the empty selector (matches everything).
 * Returns 0 and *out (free with lsel_free), or EN_INVALID and *err (a new
 * string the caller frees, e.g. `unable to parse requirement: ...`).
 */
int lsel_parse(const char *s, lsel **out, char **err);
/*
 * Compile a metav1.LabelSelector object ({"matchLabels":{...},
 * "matchExpressions":[{"key","operator":"In|NotIn|Exists|DoesNotExist",
 * "values":[...]}]}).  NULL or {} gives the empty selector.  EN_INVALID and
 * *err on a bad operator/values combination.
 */
int lsel_from_json(json_t *sel, lsel **out, char **err);
/*
 * Same, with error messages rooted at `path` (e.g. "spec.selector" gives
 * "spec.selector.matchExpressions[0].values: Required value: ..."); path
 * NULL roots them at the selector ("matchLabels: ...").  Validation is
 * metav1's ValidateLabelSelector; several errors print as "[a, b]".
 */
int lsel_from_json_at(json_t *sel, const char *path, lsel **out, char **err);
void lsel_free(lsel *sel);
/* True when the selector has no requirements (matches everything). */
bool lsel_is_empty(const lsel *sel);
/* Does the label map (JSON object of string values, or NULL) match? */
bool lsel_matches(const lsel *sel, json_t *labels);
/* Canonical string form (as kubectl/metav1 print it), caller frees. */
char *lsel_to_string(const lsel *sel);

/* ---- field selectors --------------------------------------------------- */

typedef struct fsel fsel;

/* One field of an object as seen by field selectors (borrowed strings). */
typedef struct fsel_field {
    const char *name;  /* e.g. "spec.nodeName" */
    const char *value; /* "" when the field is absent */
} fsel_field;

/* Parse `a=b,c==d,e!=f` (also backslash escapes as apimachinery does).
 * 0 and *out, or EN_INVALID and *err. */
int fsel_parse(const char *s, fsel **out, char **err);
void fsel_free(fsel *sel);
bool fsel_is_empty(const fsel *sel);
/*
 * Check every term names a field in `supported` (n names).  Returns 0, or
 * EN_INVALID with *err = `field label not supported: <name>`.
 */
int fsel_check_fields(const fsel *sel, const char *const *supported, size_t n, char **err);
/* Match against the object's fields; a term on a field not in `fields`
 * compares against "". */
bool fsel_matches(const fsel *sel, const fsel_field *fields, size_t n);
/* If the selector requires field == value exactly (a single `=` term on
 * that field), return the value (borrowed), else NULL.  Lets callers use an
 * index, e.g. pods by spec.nodeName. */
const char *fsel_required_value(const fsel *sel, const char *field);

/* ---- node selector requirements (node affinity) ----------------------- */

/*
 * Does a node match a core/v1 NodeSelector
 * ({"nodeSelectorTerms":[{"matchExpressions":[...],"matchFields":[...]}]})?
 * Terms are ORed, requirements within a term ANDed; an empty term list
 * matches nothing, a term with no requirements matches nothing (as upstream).
 * matchFields supports only metadata.name.  Operators In, NotIn, Exists,
 * DoesNotExist, Gt, Lt (Gt/Lt compare integers).  labels may be NULL.
 * Returns 0 with *match set, or EN_INVALID with *err for a malformed term.
 * As upstream's lazy node selector, an invalid term is only reported when no
 * valid term matched; node_selector NULL (no affinity) matches every node.
 * matchFields are skipped when node_name is NULL or "" (upstream ignores
 * them for nodes without a name).
 */
int nsel_matches(json_t *node_selector, json_t *labels, const char *node_name, bool *match,
                 char **err);

#endif /* EVERYNODE_SELECTOR_H */
