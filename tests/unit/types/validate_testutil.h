/*
 * validate_testutil.h -- helpers shared by the types validation tests:
 * run defaulting + validation on JSON text and assert on the causes (field
 * path, exact message, and the reason that message implies).
 */
#ifndef EVERYNODE_TYPES_VALIDATE_TESTUTIL_H
#define EVERYNODE_TYPES_VALIDATE_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "types/types_int.h"

static inline json_t *load(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    if (!j)
        fail_msg("bad test JSON: %s: %s", err.text, text);
    return j;
}

static inline const kind_info *res(const char *resource)
{
    const char *group = "";
    if (!strcmp(resource, "daemonsets") || !strcmp(resource, "controllerrevisions"))
        group = "apps";
    else if (!strcmp(resource, "leases"))
        group = "coordination.k8s.io";
    const kind_info *k = types_by_resource(group, "v1", resource);
    assert_non_null(k);
    return k;
}

/* Default (when asked) and validate; returns the causes (or NULL). */
static inline json_t *run(const char *resource, const char *obj_text, const char *old_text,
                          bool status_only, bool defaults)
{
    const kind_info *k = res(resource);
    json_t *obj = load(obj_text), *old = old_text ? load(old_text) : NULL, *causes = NULL;
    if (defaults) {
        types_default(k, obj);
        if (old)
            types_default(k, old);
    }
    int rc = types_validate(k, obj, old, status_only, &causes);
    assert_int_equal(rc, causes ? EN_INVALID : 0);
    if (causes)
        assert_true(json_array_size(causes) > 0);
    json_decref(obj);
    json_decref(old);
    return causes;
}

static inline void dump(json_t *causes)
{
    json_t *c;
    size_t i;
    json_array_foreach(causes, i, c)
    {
        fprintf(stderr, "  %s: %s (%s)\n", json_string_value(json_object_get(c, "field")),
                json_string_value(json_object_get(c, "message")),
                json_string_value(json_object_get(c, "reason")));
    }
}

static inline json_t *find(json_t *causes, const char *field, const char *message)
{
    json_t *c;
    size_t i;
    json_array_foreach(causes, i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "field")), field) &&
            (!message || !strcmp(json_string_value(json_object_get(c, "message")), message)))
            return c;
    }
    return NULL;
}

/* The cause must be present, with the reason implied by its message. */
static inline void expect(json_t *causes, const char *field, const char *message)
{
    json_t *c = find(causes, field, message);
    if (!c) {
        dump(causes);
        fail_msg("missing cause %s: %s", field, message);
    }
    const char *reason = json_string_value(json_object_get(c, "reason"));
    const char *want = !strncmp(message, "Required", 8)       ? "FieldValueRequired"
                       : !strncmp(message, "Invalid", 7)      ? "FieldValueInvalid"
                       : !strncmp(message, "Unsupported", 11) ? "FieldValueNotSupported"
                       : !strncmp(message, "Duplicate", 9)    ? "FieldValueDuplicate"
                       : !strncmp(message, "Forbidden", 9)    ? "FieldValueForbidden"
                       : !strncmp(message, "Too long", 8)     ? "FieldValueTooLong"
                       : !strncmp(message, "Not found", 9)    ? "FieldValueNotFound"
                                                              : "?";
    assert_string_equal(reason, want);
}

static inline void expect_none_at(json_t *causes, const char *field)
{
    if (find(causes, field, NULL)) {
        dump(causes);
        fail_msg("unexpected cause at %s", field);
    }
}

static inline void expect_valid(json_t *causes)
{
    if (causes) {
        dump(causes);
        fail_msg("expected no causes");
    }
}

/* A cause whose message starts with prefix. */
static inline void expect_prefix(json_t *causes, const char *field, const char *prefix)
{
    json_t *c;
    size_t i;
    json_array_foreach(causes, i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "field")), field) &&
            !strncmp(json_string_value(json_object_get(c, "message")), prefix, strlen(prefix)))
            return;
    }
    dump(causes);
    fail_msg("no cause at %s starting with %s", field, prefix);
}

#define LABEL_MSG                                                                                  \
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "   \
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "     \
    "used "                                                                                        \
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define SUBDOMAIN_MSG                                                                              \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "   \
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "  \
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define QNAME_BODY                                                                                 \
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "    \
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "         \
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define LABEL_VALUE_MSG                                                                            \
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "    \
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value', " \
    " "                                                                                            \
    "or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

/* The conformance suite's DaemonSet, as sent. */
#define DS_OK                                                                                      \
    "{\"kind\":\"DaemonSet\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"daemon-set\","    \
    "\"namespace\":\"ns\",\"creationTimestamp\":null},\"spec\":{\"selector\":{\"matchLabels\":{"   \
    "\"daemonset-name\":\"daemon-set\"}},\"template\":{\"metadata\":{\"creationTimestamp\":null,"  \
    "\"labels\":{\"daemonset-name\":\"daemon-set\"}},\"spec\":{\"containers\":[{\"name\":\"app\"," \
    "\"image\":\"k8s.gcr.io/e2e-test-images/"                                                      \
    "httpd:2.4.38-2\",\"ports\":[{\"containerPort\":9376}],"                                       \
    "\"resources\":{},\"securityContext\":{}}],\"securityContext\":{}}},\"updateStrategy\":{}},"   \
    "\"status\":{\"currentNumberScheduled\":0,\"numberMisscheduled\":0,"                           \
    "\"desiredNumberScheduled\":"                                                                  \
    "0,\"numberReady\":0}}"

/* A DaemonSet with `spec` (after selector/template) spliced in. */
static inline char *ds_with(const char *tmpl_spec, const char *extra_spec)
{
    return xasprintf("{\"metadata\":{\"name\":\"ds\",\"namespace\":\"ns\"},\"spec\":{\"selector\":"
                     "{\"matchLabels\":{\"app\":\"a\"}},\"template\":{\"metadata\":{\"labels\":{"
                     "\"app\":\"a\"}},\"spec\":%s}%s%s}}",
                     tmpl_spec, extra_spec ? "," : "", extra_spec ? extra_spec : "");
}

/* A pod with the given spec. */
static inline char *pod_with(const char *spec)
{
    return xasprintf("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":%s}", spec);
}

static inline json_t *run_pod(const char *spec)
{
    char *p = pod_with(spec);
    json_t *c = run("pods", p, NULL, false, true);
    free(p);
    return c;
}

#endif /* EVERYNODE_TYPES_VALIDATE_TESTUTIL_H */
