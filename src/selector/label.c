/*
 * label.c -- label selectors: the string grammar of apimachinery's
 * labels.Parse, the metav1.LabelSelector object form, label key/value
 * validation, matching and the canonical string form.
 *
 * Both forms compile to one `struct lsel` (selector_int.h): requirements
 * sorted by key, each with an operator and its values.  The string parser
 * follows upstream's two-step design -- a lexer produces every token first,
 * then a recursive-descent parser reads them with one token of lookahead --
 * because upstream's error messages ("found 'x', expected: ...") depend on
 * exactly which token is looked at when a rule fails.  node.c reuses the
 * requirement constructor and matcher for node affinity.
 */
#include "selector/selector_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- label key / value validation -------------------------------------- */

#define QNAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define QNAME_MSG                                                                                  \
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "    \
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "         \
    "validation is '" QNAME_FMT "')"
#define DNS1123_SUB_MSG                                                                            \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "   \
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "  \
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define LABEL_VALUE_MSG                                                                            \
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "    \
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "             \
    "'my_value',  or '12345', regex used for validation is '(" QNAME_FMT ")?')"

#define QNAME_MAX_LEN 63
#define LABEL_VALUE_MAX_LEN 63
#define DNS1123_SUB_MAX_LEN 253

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Matches ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] over s[0..n). */
static bool is_qname_part(const char *s, size_t n)
{
    if (n == 0 || !is_alnum((unsigned char)s[0]) || !is_alnum((unsigned char)s[n - 1]))
        return false;
    for (size_t i = 1; i + 1 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!is_alnum(c) && c != '-' && c != '_' && c != '.')
            return false;
    }
    return true;
}

static bool is_dns_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Matches the RFC 1123 subdomain regex: dot-separated lowercase labels. */
static bool is_dns1123_subdomain(const char *s, size_t n)
{
    size_t start = 0;

    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.')
            continue;
        /* One label s[start..i). */
        if (i == start || !is_dns_char((unsigned char)s[start]) ||
            !is_dns_char((unsigned char)s[i - 1]))
            return false;
        for (size_t j = start; j < i; j++)
            if (!is_dns_char((unsigned char)s[j]) && s[j] != '-')
                return false;
        start = i + 1;
    }
    return true;
}

static void add_msg(selector__errs *e, const char *prefix, const char *msg)
{
    selector__errs_add(e, xasprintf("%s%s", prefix, msg));
}

size_t selector__label_key_msgs(const char *key, selector__errs *e)
{
    size_t before = e->n;
    const char *slash = strchr(key, '/');
    const char *name = key;

    if (slash && strchr(slash + 1, '/')) {
        add_msg(e, "a qualified name ",
                QNAME_MSG " with an optional DNS subdomain prefix and '/' "
                          "(e.g. 'example.com/MyName')");
        return e->n - before;
    }
    if (slash) {
        size_t plen = (size_t)(slash - key);
        name = slash + 1;
        if (plen == 0) {
            add_msg(e, "prefix part ", "must be non-empty");
        } else {
            if (plen > DNS1123_SUB_MAX_LEN)
                add_msg(e, "prefix part ", "must be no more than 253 characters");
            if (!is_dns1123_subdomain(key, plen))
                add_msg(e, "prefix part ", DNS1123_SUB_MSG);
        }
    }
    size_t nlen = strlen(name);
    if (nlen == 0)
        add_msg(e, "name part ", "must be non-empty");
    else if (nlen > QNAME_MAX_LEN)
        add_msg(e, "name part ", "must be no more than 63 characters");
    if (!is_qname_part(name, nlen))
        add_msg(e, "name part ", QNAME_MSG);
    return e->n - before;
}

size_t selector__label_value_msgs(const char *val, selector__errs *e)
{
    size_t before = e->n;
    size_t n = strlen(val);

    if (n > LABEL_VALUE_MAX_LEN)
        add_msg(e, "", "must be no more than 63 characters");
    if (n > 0 && !is_qname_part(val, n))
        add_msg(e, "", LABEL_VALUE_MSG);
    return e->n - before;
}

/* Messages of one validator joined with "; " as labels' validateLabelKey
 * does; NULL when valid. */
static char *joined_msgs(const char *s, size_t (*check)(const char *, selector__errs *))
{
    selector__errs tmp = {0};
    sbuf sb;

    if (check(s, &tmp) == 0) {
        selector__errs_release(&tmp);
        return NULL;
    }
    sbuf_init(&sb);
    for (size_t i = 0; i < tmp.n; i++) {
        if (i)
            sbuf_puts(&sb, "; ");
        sbuf_puts(&sb, tmp.msgs[i]);
    }
    selector__errs_release(&tmp);
    return sbuf_detach(&sb, NULL);
}

bool selector__parse_int64(const char *s, long long *out)
{
    char *end = NULL;
    const char *p = s;

    /* strtoll also skips spaces and accepts "0x"; Go's ParseInt does not. */
    if (*p == '+' || *p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return false;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return false;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno == ERANGE || *end)
        return false;
    *out = v;
    return true;
}

/* ---- requirements ------------------------------------------------------- */

void selector__req_release(struct lsel_req *r)
{
    if (!r)
        return;
    free(r->key);
    for (size_t i = 0; i < r->nvals; i++)
        free(r->vals[i]);
    free(r->vals);
    r->key = NULL;
    r->vals = NULL;
    r->nvals = 0;
}

static void invalid_list(selector__errs *e, const char *path, char *const *vals, size_t n,
                         bool is_nil, const char *detail)
{
    sbuf repr;

    sbuf_init(&repr);
    selector__go_strings(&repr, vals, n, is_nil);
    selector__errs_invalid(e, path, repr.buf, detail);
    sbuf_release(&repr);
}

int selector__new_requirement(const char *path, const char *key, enum lsel_op op, char *const *vals,
                              size_t nvals, bool vals_nil, selector__errs *e, struct lsel_req *out)
{
    selector__errs local = {0};
    char *key_path = selector__path_child(path, "key");
    char *vals_path = selector__path_child(path, "values");
    char *msg = joined_msgs(key, selector__label_key_msgs);
    int rc = 0;

    if (msg)
        selector__errs_invalid_str(&local, key_path, key, msg);
    free(msg);

    switch (op) {
    case LSEL_OP_IN:
    case LSEL_OP_NOTIN:
        if (nvals == 0)
            invalid_list(&local, vals_path, vals, nvals, vals_nil,
                         "for 'in', 'notin' operators, values set can't be empty");
        break;
    case LSEL_OP_EQ:
    case LSEL_OP_DEQ:
    case LSEL_OP_NEQ:
        if (nvals != 1)
            invalid_list(&local, vals_path, vals, nvals, vals_nil,
                         "exact-match compatibility requires one single value");
        break;
    case LSEL_OP_EXISTS:
    case LSEL_OP_NOTEXISTS:
        if (nvals != 0)
            invalid_list(&local, vals_path, vals, nvals, vals_nil,
                         "values set must be empty for exists and does not exist");
        break;
    case LSEL_OP_GT:
    case LSEL_OP_LT:
        if (nvals != 1)
            invalid_list(&local, vals_path, vals, nvals, vals_nil,
                         "for 'Gt', 'Lt' operators, exactly one value is required");
        for (size_t i = 0; i < nvals; i++) {
            long long ignored;
            if (!selector__parse_int64(vals[i], &ignored)) {
                char *ip = selector__path_index(vals_path, i);
                selector__errs_invalid_str(
                    &local, ip, vals[i], "for 'Gt', 'Lt' operators, the value must be an integer");
                free(ip);
            }
        }
        break;
    }

    for (size_t i = 0; i < nvals; i++) {
        msg = joined_msgs(vals[i], selector__label_value_msgs);
        if (msg) {
            char *ip = selector__path_index(vals_path, i);
            char *kp = selector__path_key(ip, key);
            selector__errs_invalid_str(&local, kp, vals[i], msg);
            free(kp);
            free(ip);
            free(msg);
        }
    }

    if (local.n) {
        for (size_t i = 0; i < local.n; i++) {
            selector__errs_add(e, local.msgs[i]);
            local.msgs[i] = NULL;
        }
        rc = EN_INVALID;
        goto out_free_paths;
    }
    out->key = xstrdup(key);
    out->op = op;
    out->nvals = nvals;
    out->vals = nvals ? xcalloc(nvals, sizeof *out->vals) : NULL;
    for (size_t i = 0; i < nvals; i++)
        out->vals[i] = xstrdup(vals[i]);

out_free_paths:
    free(local.msgs);
    free(key_path);
    free(vals_path);
    return rc;
}

static bool req_has_value(const struct lsel_req *r, const char *v)
{
    for (size_t i = 0; i < r->nvals; i++)
        if (strcmp(r->vals[i], v) == 0)
            return true;
    return false;
}

bool selector__req_matches(const struct lsel_req *r, json_t *labels)
{
    const char *val =
        json_is_object(labels) ? json_string_value(json_object_get(labels, r->key)) : NULL;
    long long lv, rv;

    switch (r->op) {
    case LSEL_OP_IN:
    case LSEL_OP_EQ:
    case LSEL_OP_DEQ:
        return val && req_has_value(r, val);
    case LSEL_OP_NOTIN:
    case LSEL_OP_NEQ:
        return !val || !req_has_value(r, val);
    case LSEL_OP_EXISTS:
        return val != NULL;
    case LSEL_OP_NOTEXISTS:
        return val == NULL;
    case LSEL_OP_GT:
    case LSEL_OP_LT:
        /* Non-integers on either side never match, as upstream. */
        if (!val || r->nvals != 1 || !selector__parse_int64(val, &lv) ||
            !selector__parse_int64(r->vals[0], &rv))
            return false;
        return r->op == LSEL_OP_GT ? lv > rv : lv < rv;
    }
    return false;
}

/* ---- selector object ---------------------------------------------------- */

void lsel_free(lsel *sel)
{
    if (!sel)
        return;
    for (size_t i = 0; i < sel->n; i++)
        selector__req_release(&sel->reqs[i]);
    free(sel->reqs);
    free(sel);
}

bool lsel_is_empty(const lsel *sel)
{
    return !sel || sel->n == 0;
}

bool lsel_matches(const lsel *sel, json_t *labels)
{
    if (!sel)
        return true;
    for (size_t i = 0; i < sel->n; i++)
        if (!selector__req_matches(&sel->reqs[i], labels))
            return false;
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Requirement with its original position, so sorting by key is stable. */
struct keyed_req {
    struct lsel_req req; /* moved-in requirement */
    size_t pos;          /* position before sorting */
};

static int cmp_keyed(const void *a, const void *b)
{
    const struct keyed_req *x = a, *y = b;
    int c = strcmp(x->req.key, y->req.key);

    if (c)
        return c;
    return x->pos < y->pos ? -1 : (x->pos > y->pos);
}

/* Sort requirements by key keeping equal keys in order (upstream sorts by
 * key so that the string form is deterministic). */
static void sort_reqs(struct lsel_req *reqs, size_t n)
{
    struct keyed_req *tmp;

    if (n < 2)
        return;
    tmp = xcalloc(n, sizeof *tmp);
    for (size_t i = 0; i < n; i++) {
        tmp[i].req = reqs[i];
        tmp[i].pos = i;
    }
    qsort(tmp, n, sizeof *tmp, cmp_keyed);
    for (size_t i = 0; i < n; i++)
        reqs[i] = tmp[i].req;
    free(tmp);
}

char *lsel_to_string(const lsel *sel)
{
    sbuf sb;

    sbuf_init(&sb);
    for (size_t i = 0; sel && i < sel->n; i++) {
        const struct lsel_req *r = &sel->reqs[i];
        const char *op = "";

        if (i)
            sbuf_puts(&sb, ",");
        if (r->op == LSEL_OP_NOTEXISTS)
            sbuf_puts(&sb, "!");
        sbuf_puts(&sb, r->key);
        switch (r->op) {
        case LSEL_OP_EXISTS:
        case LSEL_OP_NOTEXISTS:
            continue;
        case LSEL_OP_EQ:
            op = "=";
            break;
        case LSEL_OP_DEQ:
            op = "==";
            break;
        case LSEL_OP_NEQ:
            op = "!=";
            break;
        case LSEL_OP_IN:
            op = " in (";
            break;
        case LSEL_OP_NOTIN:
            op = " notin (";
            break;
        case LSEL_OP_GT:
            op = ">";
            break;
        case LSEL_OP_LT:
            op = "<";
            break;
        }
        sbuf_puts(&sb, op);
        /* Values print sorted without changing the requirement itself. */
        char **sorted = r->nvals ? xcalloc(r->nvals, sizeof *sorted) : NULL;
        for (size_t j = 0; j < r->nvals; j++)
            sorted[j] = r->vals[j];
        if (r->nvals > 1)
            qsort(sorted, r->nvals, sizeof *sorted, cmp_str);
        for (size_t j = 0; j < r->nvals; j++) {
            if (j)
                sbuf_puts(&sb, ",");
            sbuf_puts(&sb, sorted[j]);
        }
        free(sorted);
        if (r->op == LSEL_OP_IN || r->op == LSEL_OP_NOTIN)
            sbuf_puts(&sb, ")");
    }
    return sbuf_detach(&sb, NULL);
}

/* Append a requirement to a growing array. */
static void push_req(struct lsel_req **reqs, size_t *n, size_t *cap, struct lsel_req *r)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        *reqs = xrealloc(*reqs, *cap * sizeof **reqs);
    }
    (*reqs)[(*n)++] = *r;
}

/* ---- string form: lexer ------------------------------------------------- */

enum tok {
    TOK_ERROR,
    TOK_EOS,   /* end of string */
    TOK_CPAR,  /* ) */
    TOK_COMMA, /* , */
    TOK_NOT,   /* ! */
    TOK_DEQ,   /* == */
    TOK_EQ,    /* = */
    TOK_GT,    /* > */
    TOK_IDENT, /* key or value */
    TOK_IN,    /* in */
    TOK_LT,    /* < */
    TOK_NEQ,   /* != */
    TOK_NOTIN, /* notin */
    TOK_OPAR,  /* ( */
};

/* One scanned token. */
struct item {
    enum tok tok; /* kind */
    char *lit;    /* literal text (owned) */
};

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_special(char c)
{
    return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

static enum tok special_tok(const char *s, size_t n)
{
    if (n == 2 && s[0] == '=' && s[1] == '=')
        return TOK_DEQ;
    if (n == 2 && s[0] == '!' && s[1] == '=')
        return TOK_NEQ;
    if (n != 1)
        return TOK_ERROR;
    switch (s[0]) {
    case '=':
        return TOK_EQ;
    case '!':
        return TOK_NOT;
    case '(':
        return TOK_OPAR;
    case ')':
        return TOK_CPAR;
    case ',':
        return TOK_COMMA;
    case '>':
        return TOK_GT;
    case '<':
        return TOK_LT;
    default:
        return TOK_ERROR;
    }
}

/* Scan s into items (always ending with TOK_EOS).  Returns the count. */
static size_t lex_all(const char *s, struct item **out)
{
    struct item *items = NULL;
    size_t n = 0, cap = 0;
    const char *p = s;

    for (;;) {
        struct item it = {TOK_EOS, NULL};
        while (is_ws(*p))
            p++;
        if (!*p) {
            it.lit = xstrdup("");
        } else if (is_special(*p)) {
            /* Longest operator: the two-character ones win over '=' / '!'. */
            size_t len = (p[1] && special_tok(p, 2) != TOK_ERROR) ? 2 : 1;
            it.tok = special_tok(p, len);
            it.lit = xstrndup(p, len);
            p += len;
        } else {
            const char *start = p;
            while (*p && !is_special(*p) && !is_ws(*p))
                p++;
            it.lit = xstrndup(start, (size_t)(p - start));
            if (strcmp(it.lit, "in") == 0)
                it.tok = TOK_IN;
            else if (strcmp(it.lit, "notin") == 0)
                it.tok = TOK_NOTIN;
            else
                it.tok = TOK_IDENT;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            items = xrealloc(items, cap * sizeof *items);
        }
        items[n++] = it;
        if (it.tok == TOK_EOS)
            break;
    }
    *out = items;
    return n;
}

/* ---- string form: parser ------------------------------------------------ */

/* Parser state over the scanned tokens. */
struct parser {
    struct item *items; /* all tokens, last is TOK_EOS */
    size_t n;           /* token count */
    size_t pos;         /* next token to consume */
};

/* Where "in"/"notin" may also be plain values (e.g. `x in (in)`), they are
 * read as identifiers; only the operator position sees them as keywords. */
enum ctx { CTX_KEY_OP, CTX_VALUES };

static enum tok map_ctx(enum tok t, enum ctx c)
{
    if (c == CTX_VALUES && (t == TOK_IN || t == TOK_NOTIN))
        return TOK_IDENT;
    return t;
}

static enum tok lookahead(const struct parser *p, enum ctx c, const char **lit)
{
    const struct item *it = &p->items[p->pos < p->n ? p->pos : p->n - 1];
    if (lit)
        *lit = it->lit;
    return map_ctx(it->tok, c);
}

static enum tok consume(struct parser *p, enum ctx c, const char **lit)
{
    enum tok t = lookahead(p, c, lit);
    if (p->pos < p->n - 1)
        p->pos++;
    return t;
}

/* A set of strings, like upstream's sets.String: filled in any order, then
 * sorted and de-duplicated once (O(n log n) however many values a query
 * string lists). */
struct strset {
    char **v;   /* owned strings */
    size_t n;   /* count */
    size_t cap; /* allocated slots */
};

static void strset_add(struct strset *s, const char *v)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = xstrdup(v);
}

static void strset_sort(struct strset *s)
{
    size_t out = 0;

    if (s->n < 2)
        return;
    qsort(s->v, s->n, sizeof *s->v, cmp_str);
    for (size_t i = 0; i < s->n; i++) {
        if (out && strcmp(s->v[out - 1], s->v[i]) == 0)
            free(s->v[i]);
        else
            s->v[out++] = s->v[i];
    }
    s->n = out;
}

static void strset_release(struct strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

/* `( a, b, , c )` after the opening parenthesis has been seen ahead. */
static int parse_ident_list(struct parser *p, struct strset *set, char **err)
{
    for (;;) {
        const char *lit, *lit2;
        enum tok t = consume(p, CTX_VALUES, &lit), t2;

        switch (t) {
        case TOK_IDENT:
            strset_add(set, lit);
            t2 = lookahead(p, CTX_VALUES, &lit2);
            if (t2 == TOK_COMMA)
                continue;
            if (t2 == TOK_CPAR)
                return 0;
            *err = xasprintf("found '%s', expected: ',' or ')'", lit2);
            return EN_INVALID;
        case TOK_COMMA:
            /* Empty elements (leading, doubled or trailing commas) are "". */
            if (set->n == 0)
                strset_add(set, "");
            t2 = lookahead(p, CTX_VALUES, NULL);
            if (t2 == TOK_CPAR) {
                strset_add(set, "");
                return 0;
            }
            if (t2 == TOK_COMMA)
                strset_add(set, "");
            break;
        default:
            *err = xasprintf("found '%s', expected: ',', or identifier", lit);
            return EN_INVALID;
        }
    }
}

static int parse_values(struct parser *p, struct strset *set, char **err)
{
    const char *lit;
    enum tok t = consume(p, CTX_VALUES, &lit);

    if (t != TOK_OPAR) {
        *err = xasprintf("found '%s' expected: '('", lit);
        return EN_INVALID;
    }
    t = lookahead(p, CTX_VALUES, &lit);
    switch (t) {
    case TOK_IDENT:
    case TOK_COMMA: {
        const char *first = lit;
        if (parse_ident_list(p, set, err))
            return EN_INVALID;
        if (consume(p, CTX_VALUES, NULL) != TOK_CPAR) {
            *err = xasprintf("found '%s', expected: ')'", first);
            return EN_INVALID;
        }
        return 0;
    }
    case TOK_CPAR:
        consume(p, CTX_VALUES, NULL);
        strset_add(set, "");
        return 0;
    default:
        *err = xasprintf("found '%s', expected: ',', ')' or identifier", lit);
        return EN_INVALID;
    }
}

static int parse_exact_value(struct parser *p, struct strset *set, char **err)
{
    const char *lit;
    enum tok t = lookahead(p, CTX_VALUES, NULL);

    if (t == TOK_EOS || t == TOK_COMMA) {
        strset_add(set, "");
        return 0;
    }
    t = consume(p, CTX_VALUES, &lit);
    if (t == TOK_IDENT) {
        strset_add(set, lit);
        return 0;
    }
    *err = xasprintf("found '%s', expected: identifier", lit);
    return EN_INVALID;
}

/* Builds the aggregate message of a failed requirement. */
static char *errs_take_joined(selector__errs *e)
{
    char *msg = selector__errs_join(e);
    selector__errs_release(e);
    return msg;
}

/* One requirement; on error *err is the reason without the
 * "unable to parse requirement: " prefix. */
static int parse_requirement(struct parser *p, struct lsel_req *out, char **err)
{
    const char *lit, *key;
    enum tok t = consume(p, CTX_VALUES, &lit);
    bool has_op = false;
    enum lsel_op op = LSEL_OP_EXISTS;
    struct strset set = {0};
    selector__errs e = {0};
    int rc = 0;

    if (t == TOK_NOT) {
        op = LSEL_OP_NOTEXISTS;
        has_op = true;
        t = consume(p, CTX_VALUES, &lit);
    }
    if (t != TOK_IDENT) {
        *err = xasprintf("found '%s', expected: identifier", lit);
        return EN_INVALID;
    }
    key = lit;
    char *msg = joined_msgs(key, selector__label_key_msgs);
    if (msg) {
        selector__errs_invalid_str(&e, NULL, key, msg);
        free(msg);
        *err = errs_take_joined(&e);
        return EN_INVALID;
    }
    t = lookahead(p, CTX_VALUES, NULL);
    if (!has_op && (t == TOK_EOS || t == TOK_COMMA))
        has_op = true; /* bare key: exists */
    if (has_op) {
        /* "!key" stops here even when more follows; the caller reports it. */
        if (selector__new_requirement(NULL, key, op, NULL, 0, false, &e, out)) {
            *err = errs_take_joined(&e);
            return EN_INVALID;
        }
        return 0;
    }

    t = consume(p, CTX_KEY_OP, &lit);
    switch (t) {
    case TOK_IN:
        op = LSEL_OP_IN;
        break;
    case TOK_NOTIN:
        op = LSEL_OP_NOTIN;
        break;
    case TOK_EQ:
        op = LSEL_OP_EQ;
        break;
    case TOK_DEQ:
        op = LSEL_OP_DEQ;
        break;
    case TOK_NEQ:
        op = LSEL_OP_NEQ;
        break;
    case TOK_GT:
        op = LSEL_OP_GT;
        break;
    case TOK_LT:
        op = LSEL_OP_LT;
        break;
    default:
        *err = xasprintf("found '%s', expected: in, notin, =, ==, !=, gt, lt", lit);
        return EN_INVALID;
    }
    if (op == LSEL_OP_IN || op == LSEL_OP_NOTIN)
        rc = parse_values(p, &set, err);
    else
        rc = parse_exact_value(p, &set, err);
    if (rc)
        goto out_free_set;
    strset_sort(&set);
    if (selector__new_requirement(NULL, key, op, set.v, set.n, false, &e, out)) {
        *err = errs_take_joined(&e);
        rc = EN_INVALID;
    }
out_free_set:
    strset_release(&set);
    return rc;
}

static int parse_all(struct parser *p, struct lsel *sel, char **err)
{
    size_t cap = 0;
    const char *lit;

    for (;;) {
        enum tok t = lookahead(p, CTX_VALUES, &lit);
        struct lsel_req r;
        char *why = NULL;

        if (t == TOK_EOS)
            return 0;
        if (t != TOK_IDENT && t != TOK_NOT) {
            *err = xasprintf("found '%s', expected: !, identifier, or 'end of string'", lit);
            return EN_INVALID;
        }
        if (parse_requirement(p, &r, &why)) {
            *err = xasprintf("unable to parse requirement: %s", why);
            free(why);
            return EN_INVALID;
        }
        push_req(&sel->reqs, &sel->n, &cap, &r);
        t = consume(p, CTX_VALUES, &lit);
        if (t == TOK_EOS)
            return 0;
        if (t != TOK_COMMA) {
            *err = xasprintf("found '%s', expected: ',' or 'end of string'", lit);
            return EN_INVALID;
        }
        t = lookahead(p, CTX_VALUES, &lit);
        if (t != TOK_IDENT && t != TOK_NOT) {
            *err = xasprintf("found '%s', expected: identifier after ','", lit);
            return EN_INVALID;
        }
    }
}

int lsel_parse(const char *s, lsel **out, char **err)
{
    struct parser p = {0};
    lsel *sel = xcalloc(1, sizeof *sel);
    int rc;

    *out = NULL;
    if (err)
        *err = NULL;
    p.n = lex_all(s ? s : "", &p.items);
    char *msg = NULL;
    rc = parse_all(&p, sel, &msg);
    if (rc) {
        if (err)
            *err = msg;
        else
            free(msg);
        lsel_free(sel);
        goto out_free_items;
    }
    sort_reqs(sel->reqs, sel->n);
    *out = sel;

out_free_items:
    for (size_t i = 0; i < p.n; i++)
        free(p.items[i].lit);
    free(p.items);
    return rc;
}

/* ---- object form (metav1.LabelSelector) -------------------------------- */

/* Path of a child field, printed from the selector's own path. */
static char *field_path(const char *base, const char *name)
{
    return selector__path_child(base, name);
}

static void type_error(selector__errs *e, const char *path, json_t *v, const char *what)
{
    char *repr = json_dump_compact(v, NULL);
    selector__errs_add(e, xasprintf("%s: Invalid value: %s: %s", path, repr, what));
    free(repr);
}

/* ValidateLabelName: one field error per message. */
static void validate_label_name(selector__errs *e, const char *path, const char *key)
{
    selector__errs tmp = {0};

    selector__label_key_msgs(key, &tmp);
    for (size_t i = 0; i < tmp.n; i++)
        selector__errs_invalid_str(e, path, key, tmp.msgs[i]);
    selector__errs_release(&tmp);
}

static void validate_label_value(selector__errs *e, const char *path, const char *val)
{
    selector__errs tmp = {0};

    selector__label_value_msgs(val, &tmp);
    for (size_t i = 0; i < tmp.n; i++)
        selector__errs_invalid_str(e, path, val, tmp.msgs[i]);
    selector__errs_release(&tmp);
}

static bool op_from_name(const char *name, enum lsel_op *op)
{
    if (strcmp(name, "In") == 0)
        *op = LSEL_OP_IN;
    else if (strcmp(name, "NotIn") == 0)
        *op = LSEL_OP_NOTIN;
    else if (strcmp(name, "Exists") == 0)
        *op = LSEL_OP_EXISTS;
    else if (strcmp(name, "DoesNotExist") == 0)
        *op = LSEL_OP_NOTEXISTS;
    else
        return false;
    return true;
}

/* Check matchLabels; values must be strings. */
static void validate_match_labels(selector__errs *e, const char *base, json_t *ml)
{
    char *path = field_path(base, "matchLabels");
    const char *k;
    json_t *v;

    if (json_is_null(ml) || !ml)
        goto out_free_path;
    if (!json_is_object(ml)) {
        type_error(e, path, ml, "must be an object of strings");
        goto out_free_path;
    }
    json_object_foreach(ml, k, v)
    {
        if (!json_is_string(v)) {
            char *kp = selector__path_key(path, k);
            type_error(e, kp, v, "label values must be strings");
            free(kp);
            continue;
        }
        validate_label_name(e, path, k);
        validate_label_value(e, path, json_string_value(v));
    }
out_free_path:
    free(path);
}

/* Check one matchExpressions entry as ValidateLabelSelectorRequirement
 * does (including its label-value check). */
static void validate_expression(selector__errs *e, const char *path, json_t *expr)
{
    json_t *jkey, *jop, *jvals, *v;
    char *p_key = selector__path_child(path, "key");
    char *p_op = selector__path_child(path, "operator");
    char *p_vals = selector__path_child(path, "values");
    enum lsel_op op;
    size_t i;

    if (!json_is_object(expr)) {
        type_error(e, path, expr, "must be an object");
        goto out_free_paths;
    }
    jkey = json_object_get(expr, "key");
    jop = json_object_get(expr, "operator");
    jvals = json_object_get(expr, "values");
    if (jkey && !json_is_null(jkey) && !json_is_string(jkey))
        type_error(e, p_key, jkey, "must be a string");
    if (jop && !json_is_null(jop) && !json_is_string(jop))
        type_error(e, p_op, jop, "must be a string");
    if (jvals && !json_is_null(jvals) && !json_is_array(jvals)) {
        type_error(e, p_vals, jvals, "must be a list of strings");
        goto out_free_paths;
    }
    json_array_foreach(jvals, i, v)
    {
        if (!json_is_string(v)) {
            char *ip = selector__path_index(p_vals, i);
            type_error(e, ip, v, "must be a string");
            free(ip);
        }
    }

    const char *key = json_is_string(jkey) ? json_string_value(jkey) : "";
    const char *opname = json_is_string(jop) ? json_string_value(jop) : "";
    size_t nvals = json_is_array(jvals) ? json_array_size(jvals) : 0;
    if (!op_from_name(opname, &op)) {
        selector__errs_invalid_str(e, p_op, opname, "not a valid selector operator");
    } else if ((op == LSEL_OP_IN || op == LSEL_OP_NOTIN) && nvals == 0) {
        selector__errs_add(e, xasprintf("%s: Required value: must be specified when `operator` "
                                        "is 'In' or 'NotIn'",
                                        p_vals));
    } else if ((op == LSEL_OP_EXISTS || op == LSEL_OP_NOTEXISTS) && nvals > 0) {
        selector__errs_add(e, xasprintf("%s: Forbidden: may not be specified when `operator` is "
                                        "'Exists' or 'DoesNotExist'",
                                        p_vals));
    }
    validate_label_name(e, p_key, key);
    json_array_foreach(jvals, i, v)
    {
        if (json_is_string(v)) {
            char *ip = selector__path_index(p_vals, i);
            validate_label_value(e, ip, json_string_value(v));
            free(ip);
        }
    }
out_free_paths:
    free(p_key);
    free(p_op);
    free(p_vals);
}

/* Compile an already validated selector object. */
static void compile_selector(json_t *sel, struct lsel *out)
{
    json_t *ml = json_object_get(sel, "matchLabels");
    json_t *me = json_object_get(sel, "matchExpressions");
    size_t cap = 0, i;
    const char *k;
    json_t *v;

    json_object_foreach(ml, k, v)
    {
        struct lsel_req r = {xstrdup(k), LSEL_OP_EQ, xcalloc(1, sizeof(char *)), 1};
        r.vals[0] = xstrdup(json_string_value(v));
        push_req(&out->reqs, &out->n, &cap, &r);
    }
    json_array_foreach(me, i, v)
    {
        json_t *jkey = json_object_get(v, "key"), *jvals = json_object_get(v, "values"), *jv;
        const char *key = json_is_string(jkey) ? json_string_value(jkey) : "";
        size_t nvals = json_is_array(jvals) ? json_array_size(jvals) : 0, j;
        struct lsel_req r = {xstrdup(key), LSEL_OP_EXISTS, NULL, nvals};

        op_from_name(json_string_value(json_object_get(v, "operator")), &r.op);
        r.vals = nvals ? xcalloc(nvals, sizeof *r.vals) : NULL;
        json_array_foreach(jvals, j, jv)
        {
            r.vals[j] = xstrdup(json_string_value(jv));
        }
        push_req(&out->reqs, &out->n, &cap, &r);
    }
    sort_reqs(out->reqs, out->n);
}

int lsel_from_json_at(json_t *sel, const char *path, lsel **out, char **err)
{
    selector__errs e = {0};
    json_t *me, *v;
    size_t i;
    int rc = 0;

    *out = NULL;
    if (err)
        *err = NULL;
    if (!sel || json_is_null(sel)) {
        *out = xcalloc(1, sizeof **out);
        return 0;
    }
    if (!json_is_object(sel)) {
        type_error(&e, path && *path ? path : "selector", sel, "must be an object");
        goto out_fail;
    }
    validate_match_labels(&e, path, json_object_get(sel, "matchLabels"));
    me = json_object_get(sel, "matchExpressions");
    char *me_path = field_path(path, "matchExpressions");
    if (me && !json_is_null(me) && !json_is_array(me))
        type_error(&e, me_path, me, "must be a list");
    json_array_foreach(me, i, v)
    {
        char *ip = selector__path_index(me_path, i);
        validate_expression(&e, ip, v);
        free(ip);
    }
    free(me_path);
    if (e.n)
        goto out_fail;
    *out = xcalloc(1, sizeof **out);
    compile_selector(sel, *out);
    return 0;

out_fail:
    rc = EN_INVALID;
    if (err)
        *err = selector__errs_join(&e);
    selector__errs_release(&e);
    return rc;
}

int lsel_from_json(json_t *sel, lsel **out, char **err)
{
    return lsel_from_json_at(sel, NULL, out, err);
}
