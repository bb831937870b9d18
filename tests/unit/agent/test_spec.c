/*
 * test_spec.c -- the agent's container description (agent_int.h, spec.c):
 * $(VAR) expansion with Kubernetes' rules ($$ escapes, unknown names kept,
 * unterminated references kept), env built in order with expansion against
 * earlier entries, the Downward API (fieldRef paths, labels/annotations
 * subscripts, resourceFieldRef with divisors and node-allocatable
 * defaults), ConfigMap/Secret references through the lookup callback
 * (optional ones skipped), envFrom with prefixes, command/args over the
 * image's Entrypoint/Cmd, and the image Env merged under the pod's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/agent_int.h"

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, 0, &e);
    if (!v)
        fail_msg("bad test JSON: %s: %s", e.text, text);
    return v;
}

static const agent_downward dw = {
    .node_name = "node-7",
    .host_ip = "10.1.2.3",
    .pod_ip = "10.1.2.3",
    .node_cpu_milli = 4000,
    .node_memory_bytes = 8LL * 1024 * 1024 * 1024,
    .node_storage_bytes = 100LL * 1000 * 1000 * 1000,
};

static void check_expand(const char *in, const agent_env *env, const char *want)
{
    char *got = agent__expand(in, env);
    assert_string_equal(got, want);
    free(got);
}

static void test_expand(void **state)
{
    agent_env env;
    (void)state;
    agent__env_init(&env);
    agent__env_set(&env, "A", "alpha");
    agent__env_set(&env, "EMPTY", "");
    check_expand("$(A)", &env, "alpha");
    check_expand("x$(A)y$(A)z", &env, "xalphayalphaz");
    check_expand("$(EMPTY)-", &env, "-");
    /* Unknown names stay as written. */
    check_expand("$(NOPE) and $(A)", &env, "$(NOPE) and alpha");
    /* $$ is an escaped $: the reference is not expanded. */
    check_expand("$$(A)", &env, "$(A)");
    check_expand("$$$(A)", &env, "$alpha");
    check_expand("cost: $$5", &env, "cost: $5");
    /* Other $ uses are left alone. */
    check_expand("$A ${A} $", &env, "$A ${A} $");
    check_expand("$(A", &env, "$(A");
    check_expand("$()", &env, "$()");
    check_expand("", &env, "");
    check_expand("$(A)", NULL, "$(A)");
    agent__env_release(&env);
}

static void test_env_list(void **state)
{
    agent_env env;
    char **v;
    (void)state;
    agent__env_init(&env);
    agent__env_set(&env, "B", "1");
    agent__env_set(&env, "A", "2");
    agent__env_set(&env, "B", "3"); /* replaced in place */
    assert_int_equal(env.n, 2);
    v = agent__env_strv(&env);
    assert_string_equal(v[0], "B=3");
    assert_string_equal(v[1], "A=2");
    assert_null(v[2]);
    agent__strv_free(v);
    assert_null(agent__env_get(&env, "C"));
    agent__env_release(&env);
}

static json_t *sample_pod(void)
{
    return parse("{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"team\",\"uid\":\"u-1\","
                 "\"labels\":{\"app\":\"web\",\"tier\":\"fe\"},"
                 "\"annotations\":{\"note\":\"hi \\\"there\\\"\"}},"
                 "\"spec\":{\"nodeName\":\"node-7\",\"serviceAccountName\":\"sa\","
                 "\"containers\":[{\"name\":\"main\",\"resources\":{\"limits\":{\"cpu\":\"500m\","
                 "\"memory\":\"64Mi\"},\"requests\":{\"cpu\":\"250m\",\"memory\":\"32Mi\"}}},"
                 "{\"name\":\"side\"}]}}");
}

static void check_field(json_t *pod, const char *path, const char *want)
{
    char *err = NULL, *got = agent__field_ref(pod, path, &dw, &err);
    if (!got)
        fail_msg("fieldRef %s failed: %s", path, err);
    assert_string_equal(got, want);
    free(got);
}

static void test_field_ref(void **state)
{
    json_t *pod = sample_pod();
    char *err = NULL;
    (void)state;
    check_field(pod, "metadata.name", "web-1");
    check_field(pod, "metadata.namespace", "team");
    check_field(pod, "metadata.uid", "u-1");
    check_field(pod, "spec.nodeName", "node-7");
    check_field(pod, "spec.serviceAccountName", "sa");
    check_field(pod, "status.hostIP", "10.1.2.3");
    check_field(pod, "status.podIP", "10.1.2.3");
    check_field(pod, "status.podIPs", "10.1.2.3");
    check_field(pod, "metadata.labels['app']", "web");
    check_field(pod, "metadata.labels['missing']", "");
    check_field(pod, "metadata.annotations['note']", "hi \"there\"");
    check_field(pod, "metadata.labels", "app=\"web\"\ntier=\"fe\"");
    assert_null(agent__field_ref(pod, "spec.bogus", &dw, &err));
    assert_string_equal(err, "unsupported fieldPath: spec.bogus");
    free(err);
    json_decref(pod);
}

static void check_res(json_t *c, const char *res, const char *divisor, const char *want)
{
    json_t *d = divisor ? json_string(divisor) : NULL;
    char *err = NULL, *got = agent__resource_ref(c, res, d, &dw, &err);
    json_decref(d);
    if (!got)
        fail_msg("resourceFieldRef %s failed: %s", res, err);
    assert_string_equal(got, want);
    free(got);
}

static void test_resource_ref(void **state)
{
    json_t *pod = sample_pod();
    json_t *main_c = json_array_get(json_path(pod, "spec.containers"), 0);
    json_t *side = json_array_get(json_path(pod, "spec.containers"), 1);
    char *err = NULL;
    (void)state;
    /* CPU rounds up to whole divisors: 500m / 1 core = 1. */
    check_res(main_c, "limits.cpu", NULL, "1");
    check_res(main_c, "limits.cpu", "1m", "500");
    check_res(main_c, "requests.cpu", "1m", "250");
    check_res(main_c, "limits.memory", NULL, "67108864");
    check_res(main_c, "limits.memory", "1Mi", "64");
    check_res(main_c, "requests.memory", "1Mi", "32");
    /* Unset limits are the node's allocatable; unset requests are 0. */
    check_res(side, "limits.cpu", NULL, "4");
    check_res(side, "limits.memory", "1Gi", "8");
    check_res(side, "requests.cpu", NULL, "0");
    check_res(side, "limits.ephemeral-storage", "1G", "100");
    assert_null(agent__resource_ref(main_c, "limits.gpu", NULL, &dw, &err));
    assert_non_null(strstr(err, "unsupported container resource"));
    free(err);
    json_decref(pod);
}

/* A lookup serving one ConfigMap "cm" {k: v, other: o} and nothing else. */
static int fake_lookup(void *ctx, const char *kind, const char *ns, const char *name,
                       const char *key, char **value, char **err)
{
    (void)ctx;
    *value = NULL;
    *err = NULL;
    if (strcmp(kind, "ConfigMap") || strcmp(ns, "team") || strcmp(name, "cm")) {
        *err = xasprintf("%s \"%s\" not found", kind, name);
        return EN_NOTFOUND;
    }
    if (!key) {
        *value = xstrdup("{\"k\":\"v\",\"other\":\"o\"}");
        return 0;
    }
    if (!strcmp(key, "k")) {
        *value = xstrdup("v");
        return 0;
    }
    *err = xasprintf("couldn't find key %s in ConfigMap %s/%s", key, ns, name);
    return EN_NOTFOUND;
}

static void test_container_env(void **state)
{
    json_t *pod = sample_pod();
    json_t *c = parse(
        "{\"name\":\"main\",\"envFrom\":[{\"prefix\":\"CM_\",\"configMapRef\":{\"name\":\"cm\"}},"
        "{\"secretRef\":{\"name\":\"gone\",\"optional\":true}}],"
        "\"env\":[{\"name\":\"NODE\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.nodeName\"}}},"
        "{\"name\":\"GREETING\",\"value\":\"on $(NODE) as $(ME) $$(NODE)\"},"
        "{\"name\":\"ME\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.name\"}}},"
        "{\"name\":\"AGAIN\",\"value\":\"$(ME)@$(NODE)\"},"
        "{\"name\":\"EMPTY\",\"value\":\"\"},"
        "{\"name\":\"MEM\",\"valueFrom\":{\"resourceFieldRef\":{\"containerName\":\"main\","
        "\"resource\":\"limits.memory\",\"divisor\":\"1Mi\"}}},"
        "{\"name\":\"K\",\"valueFrom\":{\"configMapKeyRef\":{\"name\":\"cm\",\"key\":\"k\"}}},"
        "{\"name\":\"OPT\",\"valueFrom\":{\"configMapKeyRef\":{\"name\":\"cm\",\"key\":\"x\","
        "\"optional\":true}}}]}");
    agent_env env;
    char *err = NULL;
    (void)state;
    agent__env_init(&env);
    assert_int_equal(agent__container_env(pod, c, &dw, fake_lookup, NULL, &env, &err), 0);
    assert_null(err);
    assert_string_equal(agent__env_get(&env, "CM_k"), "v");
    assert_string_equal(agent__env_get(&env, "CM_other"), "o");
    assert_string_equal(agent__env_get(&env, "NODE"), "node-7");
    /* ME comes later: not expanded yet; $$ escapes. */
    assert_string_equal(agent__env_get(&env, "GREETING"), "on node-7 as $(ME) $(NODE)");
    assert_string_equal(agent__env_get(&env, "AGAIN"), "web-1@node-7");
    assert_string_equal(agent__env_get(&env, "EMPTY"), "");
    assert_string_equal(agent__env_get(&env, "MEM"), "64");
    assert_string_equal(agent__env_get(&env, "K"), "v");
    assert_null(agent__env_get(&env, "OPT"));
    agent__env_release(&env);
    json_decref(c);

    /* A missing required reference is a configuration error. */
    c = parse("{\"name\":\"main\",\"env\":[{\"name\":\"X\",\"valueFrom\":{\"configMapKeyRef\":"
              "{\"name\":\"nope\",\"key\":\"k\"}}}]}");
    agent__env_init(&env);
    assert_int_equal(agent__container_env(pod, c, &dw, fake_lookup, NULL, &env, &err),
                     EN_INVALID);
    assert_string_equal(err, "ConfigMap \"nope\" not found");
    free(err);
    agent__env_release(&env);
    json_decref(c);

    c = parse("{\"name\":\"main\",\"env\":[{\"name\":\"X\",\"valueFrom\":{\"fieldRef\":"
              "{\"fieldPath\":\"status.phase\"}}}]}");
    agent__env_init(&env);
    assert_int_equal(agent__container_env(pod, c, &dw, NULL, NULL, &env, &err), EN_INVALID);
    assert_string_equal(err, "unsupported fieldPath: status.phase");
    free(err);
    agent__env_release(&env);
    json_decref(c);
    json_decref(pod);
}

/* argv as one string, words joined by '|'. */
static void check_argv(const char *ctr, const char *image_cfg, const agent_env *env,
                       const char *want)
{
    json_t *c = parse(ctr), *cfg = parse(image_cfg);
    char **v = agent__container_argv(c, cfg, env);
    sbuf sb;
    sbuf_init(&sb);
    for (size_t i = 0; v && v[i]; i++) {
        if (i)
            sbuf_puts(&sb, "|");
        sbuf_puts(&sb, v[i]);
    }
    assert_string_equal(sb.buf ? sb.buf : "", want);
    sbuf_release(&sb);
    agent__strv_free(v);
    json_decref(c);
    json_decref(cfg);
}

static void test_argv(void **state)
{
    const char *img = "{\"Entrypoint\":[\"/ep\",\"$(X)\"],\"Cmd\":[\"c1\",\"c2\"]}";
    agent_env env;
    (void)state;
    agent__env_init(&env);
    agent__env_set(&env, "X", "ex");
    /* Neither: Entrypoint + Cmd, verbatim (image words are not expanded). */
    check_argv("{}", img, &env, "/ep|$(X)|c1|c2");
    /* args only: Entrypoint + args. */
    check_argv("{\"args\":[\"a\",\"$(X)\"]}", img, &env, "/ep|$(X)|a|ex");
    /* command only: Entrypoint and Cmd both ignored. */
    check_argv("{\"command\":[\"sh\",\"-c\",\"echo $(X) $$(X)\"]}", img, &env,
               "sh|-c|echo ex $(X)");
    /* command + args. */
    check_argv("{\"command\":[\"cmd\"],\"args\":[\"$(X)\"]}", img, &env, "cmd|ex");
    /* No Entrypoint: Cmd alone; an Entrypoint of [""] is none. */
    check_argv("{}", "{\"Cmd\":[\"sh\"]}", &env, "sh");
    check_argv("{}", "{\"Entrypoint\":[\"\"],\"Cmd\":[\"sh\"]}", &env, "sh");
    check_argv("{\"args\":[\"x\"]}", "{\"Cmd\":[\"sh\"]}", &env, "x");
    check_argv("{}", "{}", &env, "");
    agent__env_release(&env);
}

static void test_merge_env(void **state)
{
    json_t *cfg = parse("{\"Env\":[\"PATH=/bin\",\"A=image\",\"bad\",\"=x\",\"HOSTNAME=img\"]}");
    agent_env pod, out;
    char **v;
    (void)state;
    agent__env_init(&pod);
    agent__env_init(&out);
    agent__env_set(&pod, "A", "pod");
    agent__env_set(&pod, "B", "b");
    agent__merge_env(cfg, "web-1", &pod, &out);
    v = agent__env_strv(&out);
    assert_string_equal(v[0], "PATH=/bin");
    assert_string_equal(v[1], "A=pod");
    assert_string_equal(v[2], "HOSTNAME=web-1");
    assert_string_equal(v[3], "B=b");
    assert_null(v[4]);
    agent__strv_free(v);
    agent__env_release(&pod);
    agent__env_release(&out);
    json_decref(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expand),         cmocka_unit_test(test_env_list),
        cmocka_unit_test(test_field_ref),      cmocka_unit_test(test_resource_ref),
        cmocka_unit_test(test_container_env),  cmocka_unit_test(test_argv),
        cmocka_unit_test(test_merge_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
