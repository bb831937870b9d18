/*
 * names.c -- the name and format rules of Kubernetes' validation packages
 * (k8s.io/apimachinery/pkg/util/validation and friends): DNS-1123 labels
 * and subdomains, DNS-1035 labels, qualified names (label keys), label
 * values, IANA port names, environment variable names, config map keys,
 * percentages, IPs and CIDRs.
 *
 * Every check reports the same messages, in the same order, as the
 * Kubernetes v1.32 API server, so the validators in validate*.c can hand
 * them to clients unchanged.  Hand-written matchers stand in for the
 * regular expressions; each says which expression it implements.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types/types_int.h"

#define DNS1123_LABEL_MAX 63
#define DNS1123_SUBDOMAIN_MAX 253
#define QUALIFIED_NAME_MAX 63
#define LABEL_VALUE_MAX 63
#define PORT_NAME_MAX 15

static const char msg_label[] =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
static const char msg_subdomain[] =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
static const char msg_1035[] =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
    "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
static const char msg_qname_body[] =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
static const char msg_label_value[] =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  "
    "or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
static const char msg_config_key[] =
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
    "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
static const char msg_header[] =
    "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', "
    "regex used for validation is '[-A-Za-z0-9]+')";
static const char msg_percent[] =
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or "
    "'93%', regex used for validation is '[0-9]+%')";
static const char msg_env_relaxed[] =
    "a valid environment variable name must consist only of printable ASCII characters other "
    "than '='";

void types__msgs_init(types_msgs *m)
{
    m->n = 0;
    m->nbuf = 0;
}

static void msgs_add(types_msgs *m, const char *s)
{
    if (m->n < TYPES_MAX_MSGS)
        m->msg[m->n++] = s;
}

/* Add "<prefix><s>" using one of the message buffers. */
static void msgs_addf(types_msgs *m, const char *prefix, const char *s)
{
    if (m->nbuf >= sizeof m->buf / sizeof m->buf[0]) {
        msgs_add(m, s);
        return;
    }
    snprintf(m->buf[m->nbuf], sizeof m->buf[0], "%s%s", prefix, s);
    msgs_add(m, m->buf[m->nbuf++]);
}

static const char *max_len_msg(size_t n)
{
    switch (n) {
    case 15:
        return "must be no more than 15 characters";
    case 63:
        return "must be no more than 63 characters";
    default:
        return "must be no more than 253 characters";
    }
}

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..n) */
static bool match_label(const char *s, size_t n)
{
    if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
        return false;
    for (size_t i = 1; i + 1 < n; i++)
        if (!is_lower_alnum(s[i]) && s[i] != '-')
            return false;
    return true;
}

/* label(\.label)* */
static bool match_subdomain(const char *s)
{
    const char *p = s;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (!match_label(p, n))
            return false;
        if (!dot)
            return true;
        p = dot + 1;
    }
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] over s[0..n) */
static bool match_qname(const char *s, size_t n)
{
    if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
        return false;
    for (size_t i = 1; i + 1 < n; i++)
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return false;
    return true;
}

size_t types__dns1123_label(const char *s, types_msgs *m)
{
    size_t before = m->n, n = strlen(s);
    if (n > DNS1123_LABEL_MAX)
        msgs_add(m, max_len_msg(DNS1123_LABEL_MAX));
    if (!match_label(s, n)) {
        /* A valid subdomain that is not a label can only be wrong by its dots. */
        if (match_subdomain(s))
            msgs_add(m, "must not contain dots");
        else
            msgs_add(m, msg_label);
    }
    return m->n - before;
}

size_t types__dns1123_subdomain(const char *s, types_msgs *m)
{
    size_t before = m->n;
    if (strlen(s) > DNS1123_SUBDOMAIN_MAX)
        msgs_add(m, max_len_msg(DNS1123_SUBDOMAIN_MAX));
    if (!match_subdomain(s))
        msgs_add(m, msg_subdomain);
    return m->n - before;
}

size_t types__dns1035_label(const char *s, types_msgs *m)
{
    size_t before = m->n, n = strlen(s);
    bool ok = n > 0 && s[0] >= 'a' && s[0] <= 'z' && match_label(s, n);
    if (n > DNS1123_LABEL_MAX)
        msgs_add(m, max_len_msg(DNS1123_LABEL_MAX));
    if (!ok)
        msgs_add(m, msg_1035);
    return m->n - before;
}

/*
 * generateName is validated with its trailing '-' masked the way
 * apimachinery's maskTrailingDash does (which also drops the character
 * before the dash), so "web-" passes.
 */
static size_t name_check(const char *s, bool prefix, types_msgs *m,
                         size_t (*fn)(const char *, types_msgs *))
{
    size_t n = strlen(s), r;
    if (prefix && n > 1 && s[n - 1] == '-') {
        char *masked = xmalloc(n);
        memcpy(masked, s, n - 2);
        masked[n - 2] = 'a';
        masked[n - 1] = '\0';
        r = fn(masked, m);
        free(masked);
        return r;
    }
    return fn(s, m);
}

size_t types__name_subdomain(const char *s, bool prefix, types_msgs *m)
{
    return name_check(s, prefix, m, types__dns1123_subdomain);
}

size_t types__name_label(const char *s, bool prefix, types_msgs *m)
{
    return name_check(s, prefix, m, types__dns1123_label);
}

size_t types__name_1035(const char *s, bool prefix, types_msgs *m)
{
    return name_check(s, prefix, m, types__dns1035_label);
}

size_t types__path_segment_name(const char *s, bool prefix, types_msgs *m)
{
    size_t before = m->n;
    if (!prefix) {
        if (strcmp(s, ".") == 0) {
            msgs_add(m, "may not be '.'");
            return 1;
        }
        if (strcmp(s, "..") == 0) {
            msgs_add(m, "may not be '..'");
            return 1;
        }
    }
    if (strchr(s, '/'))
        msgs_add(m, "may not contain '/'");
    if (strchr(s, '%'))
        msgs_add(m, "may not contain '%'");
    return m->n - before;
}

size_t types__qualified_name(const char *s, types_msgs *m)
{
    size_t before = m->n;
    const char *slash = strchr(s, '/');
    const char *name = s;

    if (slash && strchr(slash + 1, '/')) {
        msgs_addf(m, "a qualified name ", msg_qname_body);
        /* The composed message must also carry its trailing example. */
        if (m->nbuf > 0 && m->n > before) {
            char *b = m->buf[m->nbuf - 1];
            size_t used = strlen(b);
            snprintf(b + used, sizeof m->buf[0] - used, "%s",
                     " with an optional DNS subdomain prefix and '/' (e.g. "
                     "'example.com/MyName')");
        }
        return m->n - before;
    }
    if (slash) {
        size_t plen = (size_t)(slash - s);
        name = slash + 1;
        if (plen == 0) {
            msgs_add(m, "prefix part must be non-empty");
        } else {
            char *prefix = xstrndup(s, plen);
            types_msgs pm;
            types__msgs_init(&pm);
            types__dns1123_subdomain(prefix, &pm);
            for (size_t i = 0; i < pm.n; i++)
                msgs_addf(m, "prefix part ", pm.msg[i]);
            free(prefix);
        }
    }
    size_t n = strlen(name);
    if (n == 0)
        msgs_add(m, "name part must be non-empty");
    else if (n > QUALIFIED_NAME_MAX)
        msgs_add(m, "name part must be no more than 63 characters");
    if (!match_qname(name, n))
        msgs_addf(m, "name part ", msg_qname_body);
    return m->n - before;
}

size_t types__label_value(const char *s, types_msgs *m)
{
    size_t before = m->n, n = strlen(s);
    if (n > LABEL_VALUE_MAX)
        msgs_add(m, max_len_msg(LABEL_VALUE_MAX));
    if (n > 0 && !match_qname(s, n))
        msgs_add(m, msg_label_value);
    return m->n - before;
}

size_t types__port_name(const char *s, types_msgs *m)
{
    size_t before = m->n, n = strlen(s);
    bool charset = n > 0, letter = false;

    if (n > PORT_NAME_MAX)
        msgs_add(m, max_len_msg(PORT_NAME_MAX));
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 'a' && s[i] <= 'z')
            letter = true;
        else if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '-')
            charset = false;
    }
    if (!charset)
        msgs_add(m, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    if (!letter)
        msgs_add(m, "must contain at least one letter (a-z)");
    if (strstr(s, "--"))
        msgs_add(m, "must not contain consecutive hyphens");
    if (n > 0 && (s[0] == '-' || s[n - 1] == '-'))
        msgs_add(m, "must not begin or end with a hyphen");
    return m->n - before;
}

/* v1.32 enables RelaxedEnvironmentVariableValidation (beta): any printable
 * ASCII except '='. */
size_t types__env_var_name(const char *s, types_msgs *m)
{
    size_t before = m->n;
    if (!*s)
        msgs_add(m, "environment variable name must be non-empty");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p > 0x7e || *p == '=') {
            msgs_add(m, msg_env_relaxed);
            break;
        }
    }
    return m->n - before;
}

size_t types__config_map_key(const char *s, types_msgs *m)
{
    size_t before = m->n, n = strlen(s);
    bool ok = n > 0;
    if (n > DNS1123_SUBDOMAIN_MAX)
        msgs_add(m, max_len_msg(DNS1123_SUBDOMAIN_MAX));
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '.' && s[i] != '_')
            ok = false;
    if (!ok)
        msgs_add(m, msg_config_key);
    if (strcmp(s, ".") == 0)
        msgs_add(m, "must not be '.'");
    else if (strcmp(s, "..") == 0)
        msgs_add(m, "must not be '..'");
    else if (strncmp(s, "..", 2) == 0)
        msgs_add(m, "must not start with '..'");
    return m->n - before;
}

size_t types__http_header_name(const char *s, types_msgs *m)
{
    size_t n = strlen(s);
    bool ok = n > 0;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '-')
            ok = false;
    if (ok)
        return 0;
    msgs_add(m, msg_header);
    return 1;
}

size_t types__percent(const char *s, types_msgs *m)
{
    size_t n = strlen(s);
    bool ok = n >= 2 && s[n - 1] == '%';
    for (size_t i = 0; ok && i + 1 < n; i++)
        if (s[i] < '0' || s[i] > '9')
            ok = false;
    if (ok)
        return 0;
    msgs_add(m, msg_percent);
    return 1;
}

bool types__is_ipv6(const char *s)
{
    unsigned char buf[16];
    return inet_pton(AF_INET6, s, buf) == 1;
}

bool types__is_ip(const char *s)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

bool types__is_cidr(const char *s)
{
    const char *slash = strchr(s, '/');
    char *ip;
    bool v6, ok;
    long bits;
    char *end;

    if (!slash || !slash[1] || strlen(slash + 1) > 3)
        return false;
    ip = xstrndup(s, (size_t)(slash - s));
    v6 = types__is_ipv6(ip);
    ok = v6 || types__is_ip(ip);
    free(ip);
    if (!ok)
        return false;
    bits = strtol(slash + 1, &end, 10);
    if (*end || slash[1] < '0' || slash[1] > '9')
        return false;
    return bits >= 0 && bits <= (v6 ? 128 : 32);
}

bool types_is_dns1123_subdomain(const char *s, const char **msg)
{
    types_msgs m;
    types__msgs_init(&m);
    if (!s)
        s = "";
    if (types__dns1123_subdomain(s, &m) == 0)
        return true;
    if (msg)
        *msg = m.msg[m.n - 1]; /* the format message wins over the length one */
    return false;
}

bool types_is_dns1123_label(const char *s, const char **msg)
{
    types_msgs m;
    types__msgs_init(&m);
    if (!s)
        s = "";
    if (types__dns1123_label(s, &m) == 0)
        return true;
    if (msg)
        *msg = m.msg[m.n - 1];
    return false;
}
