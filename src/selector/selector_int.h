/*
 * selector_int.h -- declarations shared by the selector module's files
 * (label.c, field.c, node.c, errs.c); nothing outside src/selector/ may use
 * them.
 *
 * label.c owns the compiled label requirement and its constructor
 * (selector__new_requirement, the counterpart of apimachinery's
 * labels.NewRequirement); node.c reuses both for node affinity.  errs.c
 * formats errors the way apimachinery's field.Error and aggregate errors
 * print, so messages can be returned to clients unchanged.
 */
#ifndef EVERYNODE_SELECTOR_INT_H
#define EVERYNODE_SELECTOR_INT_H

#include "core/core.h"
#include "selector/selector.h"

/* Requirement operators; the string forms are apimachinery's selection.Operator. */
enum lsel_op {
    LSEL_OP_IN,        /* "in": key present and value in set */
    LSEL_OP_NOTIN,     /* "notin": key absent or value not in set */
    LSEL_OP_EQ,        /* "=": like in with one value */
    LSEL_OP_DEQ,       /* "==": same as "=", kept apart to print back as written */
    LSEL_OP_NEQ,       /* "!=": like notin with one value */
    LSEL_OP_EXISTS,    /* key present */
    LSEL_OP_NOTEXISTS, /* "!key": key absent */
    LSEL_OP_GT,        /* ">" / Gt: key present, integer value greater */
    LSEL_OP_LT,        /* "<" / Lt: key present, integer value less */
};

/* One compiled requirement.  Owns key and vals. */
struct lsel_req {
    char *key;       /* label key */
    enum lsel_op op; /* operator */
    char **vals;     /* values (owned strings), in the order given */
    size_t nvals;    /* number of values */
};

/* A label selector: the AND of its requirements, sorted by key. */
struct lsel {
    struct lsel_req *reqs; /* owned array */
    size_t n;              /* number of requirements; 0 = matches everything */
};

/* ---- error lists (errs.c) ---------------------------------------------- */

/* Distinct error messages in the order they were found (an ErrorList). */
typedef struct selector__errs {
    char **msgs; /* owned messages */
    size_t n;    /* count */
} selector__errs;

void selector__errs_release(selector__errs *e);
/* Add a message (takes ownership); duplicates are dropped as upstream's
 * aggregate does, and so is anything past the first 100 messages. */
void selector__errs_add(selector__errs *e, char *msg);
/* Join like an aggregate error: one message as is, several as "[a, b]".
 * Returns a new string; NULL when the list is empty. */
char *selector__errs_join(const selector__errs *e);

/* Go's %q rendering of a string, appended to sb. */
void selector__go_quote(sbuf *sb, const char *s);
/* Go's %#v rendering of a []string; vals NULL with is_nil prints
 * "[]string(nil)". */
void selector__go_strings(sbuf *sb, char *const *vals, size_t n, bool is_nil);

/* "<path>: Invalid value: <quoted value>: <detail>"; path NULL prints
 * "<nil>" as a nil *field.Path does.  value_repr is already rendered. */
void selector__errs_invalid(selector__errs *e, const char *path, const char *value_repr,
                            const char *detail);
/* Same with value a string rendered by %q. */
void selector__errs_invalid_str(selector__errs *e, const char *path, const char *value,
                                const char *detail);

/* Path helpers: new strings.  child(NULL, "x") = "x" like a nil Path's
 * Child; index(p, 3) = "p[3]"; key(p, "k") = "p[k]". */
char *selector__path_child(const char *path, const char *name);
char *selector__path_index(const char *path, size_t i);
char *selector__path_key(const char *path, const char *key);

/* ---- validation and requirements (label.c) ----------------------------- */

/* Append IsQualifiedName's messages for a label key to e (nothing when
 * valid); returns the number added. */
size_t selector__label_key_msgs(const char *key, selector__errs *e);
/* Same for IsValidLabelValue. */
size_t selector__label_value_msgs(const char *val, selector__errs *e);
/* strconv.ParseInt(s, 10, 64): optional sign, decimal digits, in range. */
bool selector__parse_int64(const char *s, long long *out);

/*
 * labels.NewRequirement: validate key, operator arity and values, adding
 * field errors (rooted at path, NULL = nil path) to e.  vals are copied;
 * vals_nil says the list was absent (printed "[]string(nil)").  Returns 0
 * and fills *out, or EN_INVALID with e extended and *out untouched.
 */
int selector__new_requirement(const char *path, const char *key, enum lsel_op op, char *const *vals,
                              size_t nvals, bool vals_nil, selector__errs *e, struct lsel_req *out);
void selector__req_release(struct lsel_req *r);
/* Does one requirement match the label map (object of strings, or NULL)? */
bool selector__req_matches(const struct lsel_req *r, json_t *labels);

#endif /* EVERYNODE_SELECTOR_INT_H */
