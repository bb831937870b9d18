/*
 * test_smp.c -- unit tests of patch_strategic's merge semantics and of the
 * schema table, on small documents.
 *
 * Most cases use a Pod, whose spec.containers merge by name (standing in
 * for upstream's "mergingList"), containers' env merge by name (a merging
 * list nested in a merging list) and metadata.finalizers merge as a set
 * (upstream's "mergingIntList").  The ordering cases are the server-side
 * results upstream's strategicpatch tests expect for the same inputs, so
 * the subtle interleaving of patch items and server-only items is pinned
 * down.  Then every directive, every error, the schema lookups, and a
 * random sweep that must never crash.  Realistic kubectl bodies on full
 * objects are in test_smp_kubectl.c.
 *
 * JSON literals use single quotes for readability; Q() swaps them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/core.h"
#include "patch/patch.h"
#include "patch/patch_int.h"

#include <stdlib.h>
#include <string.h>

/* Parse a test literal written with ' for ". */
static json_t *Q(const char *s)
{
    char *d = xstrdup(s);
    json_error_t e;
    json_t *v;

    for (char *p = d; *p; p++)
        if (*p == '\'')
            *p = '"';
    v = json_loads(d, JSON_DECODE_ANY, &e);
    if (!v)
        fail_msg("bad JSON in test (%s): %s", e.text, d);
    free(d);
    return v;
}

/* Does any object key in v start with '$'? */
static bool has_directive(const json_t *v)
{
    const char *key;
    json_t *child;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, child)
        {
            if (key[0] == '$' || has_directive(child))
                return true;
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, child)
        {
            if (has_directive(child))
                return true;
        }
    }
    return false;
}

/* Strategic-merge patch into doc as `kind`; expect exactly `want` (list
 * order matters, key order does not), no directive left, inputs intact. */
static void smp_ok(const char *kind, const char *doc_s, const char *patch_s, const char *want_s)
{
    json_t *doc = Q(doc_s), *patch = Q(patch_s), *want = Q(want_s), *out = NULL;
    char *bd = json_dump_compact(doc, NULL), *bp = json_dump_compact(patch, NULL), *a, *got;
    char *err = NULL;
    int rc = patch_strategic(doc, patch, kind, &out, &err);

    if (rc != 0)
        fail_msg("patch %s on %s failed: %s", patch_s, doc_s, err ? err : "(no message)");
    assert_null(err);
    got = json_dump_compact(out, NULL);
    if (!patch__value_equal(out, want))
        fail_msg("patch %s\n on %s\n got  %s\n want %s", patch_s, doc_s, got, want_s);
    if (has_directive(out))
        fail_msg("directive left in result %s", got);
    a = json_dump_compact(doc, NULL);
    assert_string_equal(a, bd);
    free(a);
    a = json_dump_compact(patch, NULL);
    assert_string_equal(a, bp);
    free(a);
    free(got);
    free(bd);
    free(bp);
    json_decref(out);
    json_decref(doc);
    json_decref(patch);
    json_decref(want);
}

/* Expect EN_INVALID with a message containing want_err. */
static void smp_fail(const char *kind, const char *doc_s, const char *patch_s, const char *want_err)
{
    json_t *doc = Q(doc_s), *patch = Q(patch_s), *out = (json_t *)1;
    char *bd = json_dump_compact(doc, NULL), *a, *err = NULL;
    int rc = patch_strategic(doc, patch, kind, &out, &err);

    if (rc != EN_INVALID)
        fail_msg("patch %s on %s: rc %d, want EN_INVALID", patch_s, doc_s, rc);
    assert_null(out);
    assert_non_null(err);
    if (!strstr(err, want_err))
        fail_msg("patch %s: message\n  %s\nshould contain\n  %s", patch_s, err, want_err);
    a = json_dump_compact(doc, NULL);
    assert_string_equal(a, bd);
    free(a);
    free(bd);
    free(err);
    json_decref(doc);
    json_decref(patch);
}

/* One ordering case: current, patch and expected result. */
struct order_case {
    const char *desc; /* what it exercises */
    const char *cur;  /* live object */
    const char *patch;
    const char *want;
};

/* Upstream's ordering cases, with mergingList = spec.containers (by name)
 * and mergingIntList = metadata.finalizers. */
static const struct order_case order_cases[] = {
    {"delete items in lists of scalars", "{'metadata':{'finalizers':['1','2','3','4']}}",
     "{'metadata':{'$setElementOrder/finalizers':['1','2'],'$deleteFromPrimitiveList/"
     "finalizers':['3']}}",
     "{'metadata':{'finalizers':['1','2','4']}}"},
    {"delete all duplicate items in lists of scalars",
     "{'metadata':{'finalizers':['1','2','3','3','4']}}",
     "{'metadata':{'$setElementOrder/finalizers':['1','2'],'$deleteFromPrimitiveList/"
     "finalizers':['3']}}",
     "{'metadata':{'finalizers':['1','2','4']}}"},
    {"add field to map in merging list",
     "{'spec':{'containers':[{'name':'1','other':'a'},{'name':'2','value':'2','other':'b'}]}}",
     "{'spec':{'$setElementOrder/"
     "containers':[{'name':'1'},{'name':'2'}],'containers':[{'name':'1','value':'1'}]}}",
     "{'spec':{'containers':[{'name':'1','value':'1','other':'a'},{'name':'2','value':'2','other':'"
     "b'}]}}"},
    {"add field to map in merging list with conflict",
     "{'spec':{'containers':[{'name':'1','other':'a'},{'name':'3','value':'2','other':'b'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'1'},{'name':'2'}],"
     "'containers':[{'name':'1','value':'1'},{'name':'2','value':'2'}]}}",
     "{'spec':{'containers':[{'name':'1','value':'1','other':'a'},{'name':'2','value':'2'},"
     "{'name':'3','value':'2','other':'b'}]}}"},
    {"delete map from merging list",
     "{'spec':{'containers':[{'name':'1'},{'name':'2','other':'b'}]}}",
     "{'spec':{'$setElementOrder/"
     "containers':[{'name':'2'}],'containers':[{'name':'1','$patch':'delete'}]}}",
     "{'spec':{'containers':[{'name':'2','other':'b'}]}}"},
    {"delete missing map from merging list with conflict",
     "{'spec':{'containers':[{'name':'3','other':'a'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'2'}],"
     "'containers':[{'name':'2'},{'name':'1','$patch':'delete'}]}}",
     "{'spec':{'containers':[{'name':'2'},{'name':'3','other':'a'}]}}"},
    {"add map and delete map from merging list",
     "{'spec':{'containers':[{'name':'1'},{'name':'2','other':'b'},{'name':'4','other':'c'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'2'},{'name':'3'}],"
     "'containers':[{'name':'3'},{'name':'1','$patch':'delete'}]}}",
     "{'spec':{'containers':[{'name':'2','other':'b'},{'name':'4','other':'c'},{'name':'3'}]}}"},
    {"add map and delete map from merging list with conflict",
     "{'spec':{'containers':[{'name':'1','other':'a'},{'name':'4','other':'c'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'2'},{'name':'3'}],"
     "'containers':[{'name':'2'},{'name':'3'},{'name':'1','$patch':'delete'}]}}",
     "{'spec':{'containers':[{'name':'4','other':'c'},{'name':'2'},{'name':'3'}]}}"},
    {"delete field from map in merging list",
     "{'spec':{'containers':[{'name':'1','value':'1','other':'a'},{'name':'2','value':'2','other':'"
     "b'}]}}",
     "{'spec':{'$setElementOrder/"
     "containers':[{'name':'1'},{'name':'2'}],'containers':[{'name':'1','value':null}]}}",
     "{'spec':{'containers':[{'name':'1','other':'a'},{'name':'2','value':'2','other':'b'}]}}"},
    {"add field to map in merging list nested in merging list",
     "{'spec':{'containers':[{'name':'1','other':'a','env':[{'name':'1'},{'name':'2','value':'2'}]}"
     ","
     "{'name':'2','other':'b'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'1'},{'name':'2'}],'containers':[{'name':'1',"
     "'$setElementOrder/env':[{'name':'1'},{'name':'2'}],'env':[{'name':'1','value':'1'}]}]}}",
     "{'spec':{'containers':[{'name':'1','other':'a','env':[{'name':'1','value':'1'},{'name':'2','"
     "value':'2'}]},"
     "{'name':'2','other':'b'}]}}"},
    {"nested merging list with deletion conflict and reversed order",
     "{'spec':{'containers':[{'name':'1','other':'a','env':[{'name':'2','value':'2','other':'d'}]},"
     "{'name':'2','other':'b'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'1'},{'name':'2'}],'containers':[{'name':'1',"
     "'$setElementOrder/env':[{'name':'2'},{'name':'1'}],'env':[{'name':'1','value':'1'}]}]}}",
     "{'spec':{'containers':[{'name':'1','other':'a','env':[{'name':'2','value':'2','other':'d'},"
     "{'name':'1','value':'1'}]},{'name':'2','other':'b'}]}}"},
    {"add map to merging list", "{'spec':{'containers':[{'name':'1','other':'a'},{'name':'3'}]}}",
     "{'spec':{'$setElementOrder/"
     "containers':[{'name':'1'},{'name':'2'}],'containers':[{'name':'2'}]}}",
     "{'spec':{'containers':[{'name':'1','other':'a'},{'name':'2'},{'name':'3'}]}}"},
    {"add maps to merging list with conflict", "{'spec':{'containers':[{'name':'3'}]}}",
     "{'spec':{'$setElementOrder/"
     "containers':[{'name':'1'},{'name':'2'}],'containers':[{'name':'1'},{'name':'2'}]}}",
     "{'spec':{'containers':[{'name':'1'},{'name':'2'},{'name':'3'}]}}"},
    {"add an item in a list of primitives and preserve order",
     "{'metadata':{'finalizers':['1','4','2']}}",
     "{'metadata':{'$setElementOrder/finalizers':['3','1','2'],'finalizers':['3']}}",
     "{'metadata':{'finalizers':['3','1','4','2']}}"},
    {"delete an item in a list of primitives and preserve order",
     "{'metadata':{'finalizers':['1','2','3']}}",
     "{'metadata':{'$setElementOrder/finalizers':['2','1'],'$deleteFromPrimitiveList/"
     "finalizers':['3']}}",
     "{'metadata':{'finalizers':['2','1']}}"},
    {"add an item in a list and preserve order",
     "{'spec':{'containers':[{'name':'1','other':'a'},{'name':'2','value':'2','other':'b'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'3'},{'name':'1'},{'name':'2'}],"
     "'containers':[{'name':'3','value':'3'}]}}",
     "{'spec':{'containers':[{'name':'3','value':'3'},{'name':'1','other':'a'},{'name':'2','value':"
     "'2','other':'b'}]}}"},
    {"add multiple items in a list and preserve order",
     "{'spec':{'containers':[{'name':'1','other':'a'},{'name':'2','value':'2','other':'b'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'1'},{'name':'4'},{'name':'2'},{'name':'3'}],"
     "'containers':[{'name':'4','value':'4'},{'name':'3','value':'3'}]}}",
     "{'spec':{'containers':[{'name':'1','other':'a'},{'name':'4','value':'4'},{'name':'2','value':"
     "'2','other':'b'},"
     "{'name':'3','value':'3'}]}}"},
    {"delete an item in a list and preserve order",
     "{'spec':{'containers':[{'name':'1','other':'a'},{'name':'2','value':'2','other':'b'},{'name':"
     "'3','value':'3'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'2'},{'name':'1'}],"
     "'containers':[{'name':'3','$patch':'delete'}]}}",
     "{'spec':{'containers':[{'name':'2','value':'2','other':'b'},{'name':'1','other':'a'}]}}"},
    {"change an item in a list and preserve order",
     "{'spec':{'containers':[{'name':'1','other':'a'},{'name':'2','value':'2','other':'b'},{'name':"
     "'3','value':'3'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'2'},{'name':'3'},{'name':'1'}],"
     "'containers':[{'name':'3','value':'x'}]}}",
     "{'spec':{'containers':[{'name':'2','value':'2','other':'b'},{'name':'3','value':'x'},{'name':"
     "'1','other':'a'}]}}"},
    {"add and delete an item in a list and preserve order",
     "{'spec':{'containers':[{'name':'1','other':'a'},{'name':'2','value':'2','other':'b'},{'name':"
     "'3','value':'3'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'4'},{'name':'2'},{'name':'1'}],"
     "'containers':[{'name':'4','value':'4'},{'name':'3','$patch':'delete'}]}}",
     "{'spec':{'containers':[{'name':'4','value':'4'},{'name':'2','value':'2','other':'b'},{'name':"
     "'1','other':'a'}]}}"},
    {"set elements order in a list",
     "{'spec':{'containers':[{'name':'1','other':'a'},{'name':'3','value':'3'},{'name':'4','value':"
     "'4'},"
     "{'name':'2','value':'2'}]}}",
     "{'spec':{'$setElementOrder/"
     "containers':[{'name':'4'},{'name':'2'},{'name':'3'},{'name':'1'}]}}",
     "{'spec':{'containers':[{'name':'4','value':'4'},{'name':'2','value':'2'},{'name':'3','value':"
     "'3'},"
     "{'name':'1','other':'a'}]}}"},
    {"set elements order in a list with server-only items",
     "{'spec':{'containers':[{'name':'1'},{'name':'3'},{'name':'4'},{'name':'2'},{'name':'9'}]}}",
     "{'spec':{'$setElementOrder/"
     "containers':[{'name':'4'},{'name':'2'},{'name':'3'},{'name':'1'}]}}",
     "{'spec':{'containers':[{'name':'4'},{'name':'2'},{'name':'3'},{'name':'1'},{'name':'9'}]}}"},
    {"set elements order in a list with server-only items 2",
     "{'spec':{'containers':[{'name':'1'},{'name':'2'},{'name':'9'},{'name':'3'},{'name':'4'}]}}",
     "{'spec':{'$setElementOrder/"
     "containers':[{'name':'2'},{'name':'1'},{'name':'4'},{'name':'3'}]}}",
     "{'spec':{'containers':[{'name':'2'},{'name':'1'},{'name':'9'},{'name':'4'},{'name':'3'}]}}"},
    {"set elements order in a list with server-only items 3",
     "{'spec':{'containers':[{'name':'1'},{'name':'2'},{'name':'7'},{'name':'9'},{'name':'8'},{'"
     "name':'3'},"
     "{'name':'4'}]}}",
     "{'spec':{'$setElementOrder/"
     "containers':[{'name':'2'},{'name':'1'},{'name':'4'},{'name':'3'}]}}",
     "{'spec':{'containers':[{'name':'2'},{'name':'1'},{'name':'7'},{'name':'9'},{'name':'8'},{'"
     "name':'4'},"
     "{'name':'3'}]}}"},
    {"add an item in a int list and preserve order", "{'metadata':{'finalizers':['1','2']}}",
     "{'metadata':{'$setElementOrder/finalizers':['3','1','2'],'finalizers':['3']}}",
     "{'metadata':{'finalizers':['3','1','2']}}"},
    {"add multiple items in a int list and preserve order", "{'metadata':{'finalizers':['1','2']}}",
     "{'metadata':{'$setElementOrder/finalizers':['1','4','2','3'],'finalizers':['4','3']}}",
     "{'metadata':{'finalizers':['1','4','2','3']}}"},
    {"add and delete an item in a int list and preserve order",
     "{'metadata':{'finalizers':['1','2','3']}}",
     "{'metadata':{'$setElementOrder/finalizers':['4','2','1'],'finalizers':['4'],"
     "'$deleteFromPrimitiveList/finalizers':['3']}}",
     "{'metadata':{'finalizers':['4','2','1']}}"},
    {"set elements order in a int list with server-only items 2",
     "{'metadata':{'finalizers':['1','2','9','3','4']}}",
     "{'metadata':{'$setElementOrder/finalizers':['2','1','4','3']}}",
     "{'metadata':{'finalizers':['2','1','9','4','3']}}"},
    {"set elements order in a int list with server-only items 3",
     "{'metadata':{'finalizers':['1','2','7','9','8','3','4']}}",
     "{'metadata':{'$setElementOrder/finalizers':['2','1','4','3']}}",
     "{'metadata':{'finalizers':['2','1','7','9','8','4','3']}}"},
    {"set element order for a merging list with duplicate",
     "{'spec':{'containers':[{'name':'1'},{'name':'2','value':'dup1'},{'name':'3'},{'name':'2','"
     "value':'dup2'},"
     "{'name':'4'}]}}",
     "{'spec':{'$setElementOrder/"
     "containers':[{'name':'2'},{'name':'1'},{'name':'4'},{'name':'3'},{'name':'2'}]}}",
     "{'spec':{'containers':[{'name':'2','value':'dup1'},{'name':'2','value':'dup2'},{'name':'1'},{"
     "'name':'4'},"
     "{'name':'3'}]}}"},
    {"set element order for a merging int list with duplicate",
     "{'metadata':{'finalizers':['1','2','3','2','4']}}",
     "{'metadata':{'$setElementOrder/finalizers':['2','1','4','3','2']}}",
     "{'metadata':{'finalizers':['2','2','1','4','3']}}"},
    {"$setElementOrder names an item present in neither list",
     "{'spec':{'containers':[{'name':'1'},{'name':'3'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'3'},{'name':'2'},{'name':'1'}],"
     "'containers':[{'name':'3','value':'3'},{'name':'1','value':'1'}]}}",
     "{'spec':{'containers':[{'name':'3','value':'3'},{'name':'1','value':'1'}]}}"},
    {"$setElementOrder names an item present in neither int list",
     "{'metadata':{'finalizers':['1','3']}}",
     "{'metadata':{'$setElementOrder/finalizers':['3','2','1']}}",
     "{'metadata':{'finalizers':['3','1']}}"},
    {"delete and reorder in one list, reorder in another",
     "{'spec':{'containers':[{'name':'a','value':'a'},{'name':'b','value':'b'}],"
     "'initContainers':[{'name':'c','value':'c'},{'name':'d','value':'d'}]}}",
     "{'spec':{'$setElementOrder/containers':[{'name':'b'}],'$setElementOrder/"
     "initContainers':[{'name':'d'},"
     "{'name':'c'}],'containers':[{'$patch':'delete','name':'a'}]}}",
     "{'spec':{'containers':[{'name':'b','value':'b'}],'initContainers':[{'name':'d','value':'d'},"
     "{'name':'c','value':'c'}]}}"},
    /* Without $setElementOrder, new patch items go before server-only ones
     * and patch items keep the patch's order. */
    {"new item without setElementOrder", "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
     "{'spec':{'containers':[{'name':'c'}]}}",
     "{'spec':{'containers':[{'name':'c'},{'name':'a'},{'name':'b'}]}}"},
    {"preserve the order from the patch in a merging int list",
     "{'metadata':{'finalizers':['1','2','3']}}", "{'metadata':{'finalizers':['3','1']}}",
     "{'metadata':{'finalizers':['2','3','1']}}"},
    {"merge in place keeps position",
     "{'spec':{'containers':[{'name':'a'},{'name':'b'},{'name':'c'}]}}",
     "{'spec':{'containers':[{'name':'b','image':'x'}]}}",
     "{'spec':{'containers':[{'name':'a'},{'name':'b','image':'x'},{'name':'c'}]}}"},
};

static void test_ordering(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof order_cases / sizeof order_cases[0]; i++) {
        print_message("  %s\n", order_cases[i].desc);
        smp_ok("Pod", order_cases[i].cur, order_cases[i].patch, order_cases[i].want);
    }
}

/* $retainKeys, after upstream's cases (retainKeysMap = the pod's spec,
 * whose containers are a merging list; metadata holds finalizers). */
static void test_retain_keys(void **state)
{
    (void)state;
    smp_ok("Pod", "{'spec':{'name':'foo'}}",
           "{'spec':{'$retainKeys':['name','value'],'value':'bar'}}",
           "{'spec':{'name':'foo','value':'bar'}}");
    smp_ok("Pod", "{'spec':{'name':'foo','other':'a'}}",
           "{'spec':{'$retainKeys':['name','value'],'value':'bar'}}",
           "{'spec':{'name':'foo','value':'bar'}}");
    smp_ok("Pod", "{'spec':{'name':'foo','value':'bar','other':'a'}}",
           "{'spec':{'$retainKeys':['name'],'value':null}}", "{'spec':{'name':'foo'}}");
    smp_ok("Pod", "{'spec':{'name':'foo','value':'bar','m':{'k1':'a','k3':'c'}}}",
           "{'spec':{'$retainKeys':['name','m','value'],'m':{'k2':'b'}}}",
           "{'spec':{'name':'foo','value':'bar','m':{'k1':'a','k2':'b','k3':'c'}}}");
    smp_ok("Pod", "{'spec':{'name':'foo','l':[{'name':'a'},{'name':'b'}]}}",
           "{'spec':{'$retainKeys':['name','value'],'value':'bar','l':null}}",
           "{'spec':{'name':'foo','value':'bar'}}");
    smp_ok("Pod", "{'metadata':{'name':'foo','finalizers':['1','2','3']}}",
           "{'metadata':{'$setElementOrder/"
           "finalizers':['1','2','4'],'$retainKeys':['finalizers','name'],"
           "'finalizers':['4']}}",
           "{'metadata':{'name':'foo','finalizers':['1','2','4','3']}}");
    smp_ok(
        "Pod", "{'metadata':{'name':'foo','finalizers':['1','2','3','4']}}",
        "{'metadata':{'$retainKeys':['finalizers','name'],'finalizers':['5'],"
        "'$deleteFromPrimitiveList/finalizers':['2'],'$setElementOrder/finalizers':['1','3','5']}}",
        "{'metadata':{'name':'foo','finalizers':['1','3','5','4']}}");
    smp_ok("Pod", "{'spec':{'name':'foo','containers':[{'name':'a'},{'name':'b'},{'name':'x'}]}}",
           "{'spec':{'$retainKeys':['containers','name'],'$setElementOrder/"
           "containers':[{'name':'a'},{'name':'b'},"
           "{'name':'c'}],'containers':[{'name':'c'}]}}",
           "{'spec':{'name':'foo','containers':[{'name':'a'},{'name':'b'},{'name':'c'},{'name':'x'}"
           "]}}");
    smp_ok(
        "Pod", "{'spec':{'name':'foo','containers':[{'name':'a'},{'name':'b'},{'name':'x'}]}}",
        "{'spec':{'$retainKeys':['containers','name'],'$setElementOrder/containers':[{'name':'a'}],"
        "'containers':[{'name':'b','$patch':'delete'}]}}",
        "{'spec':{'name':'foo','containers':[{'name':'a'},{'name':'x'}]}}");
    /* ... and inside items of a merging list */
    smp_ok("Pod", "{'spec':{'containers':[{'name':'bar'},{'name':'foo','other':'x'}]}}",
           "{'spec':{'$setElementOrder/containers':[{'name':'bar'},{'name':'foo'}],"
           "'containers':[{'$retainKeys':['name','value'],'name':'foo','value':'a'}]}}",
           "{'spec':{'containers':[{'name':'bar'},{'name':'foo','value':'a'}]}}");
    smp_ok("Pod", "{'spec':{'containers':[{'name':'bar'},{'name':'foo','value':'a','other':'x'}]}}",
           "{'spec':{'$setElementOrder/containers':[{'name':'bar'},{'name':'foo'}],"
           "'containers':[{'$retainKeys':['name'],'name':'foo','value':null}]}}",
           "{'spec':{'containers':[{'name':'bar'},{'name':'foo'}]}}");
    /* the volume-source switch kubectl apply produces */
    smp_ok("Pod", "{'spec':{'volumes':[{'name':'v','hostPath':{'path':'/x','type':''}}]}}",
           "{'spec':{'$setElementOrder/"
           "volumes':[{'name':'v'}],'volumes':[{'$retainKeys':['emptyDir','name'],"
           "'emptyDir':{},'name':'v'}]}}",
           "{'spec':{'volumes':[{'name':'v','emptyDir':{}}]}}");
    /* errors */
    smp_fail("Pod", "{'spec':{'a':1}}", "{'spec':{'$retainKeys':'a'}}",
             "invalid patch format of retainKeys");
    smp_fail("Pod", "{'spec':{'a':1}}", "{'spec':{'$retainKeys':['a'],'b':2}}",
             "invalid patch format of retainKeys");
}

static void test_map_directives(void **state)
{
    (void)state;
    /* null deletes, missing is fine */
    smp_ok("Pod", "{'spec':{'a':1,'b':2}}", "{'spec':{'a':null,'zz':null}}", "{'spec':{'b':2}}");
    /* maps merge recursively */
    smp_ok("Pod", "{'spec':{'a':{'x':1,'y':{'p':1}}}}", "{'spec':{'a':{'y':{'q':2},'z':3}}}",
           "{'spec':{'a':{'x':1,'y':{'p':1,'q':2},'z':3}}}");
    /* $patch: replace swaps the map for the rest of the patch map */
    smp_ok("Pod", "{'spec':{'a':{'x':1,'y':2},'b':1}}", "{'spec':{'a':{'$patch':'replace','z':3}}}",
           "{'spec':{'a':{'z':3},'b':1}}");
    smp_ok("Pod", "{'spec':{'a':{'x':1}}}", "{'spec':{'a':{'$patch':'replace'}}}",
           "{'spec':{'a':{}}}");
    /* ... and still applies directives and drops nulls inside */
    smp_ok("Pod", "{'spec':{'x':1,'containers':[{'name':'r'}]}}",
           "{'spec':{'$patch':'replace','n':null,'m':{'$patch':'delete'},"
           "'containers':[{'name':'q'},{'name':'r','$patch':'delete'}]}}",
           "{'spec':{'containers':[{'name':'q'}]}}");
    /* $patch: delete removes the map */
    smp_ok("Pod", "{'spec':{'a':{'x':1},'b':1}}", "{'spec':{'a':{'$patch':'delete','x':5}}}",
           "{'spec':{'b':1}}");
    smp_ok("Pod", "{'spec':{'b':1}}", "{'spec':{'a':{'$patch':'delete'}}}", "{'spec':{'b':1}}");
    /* $patch: merge is the default */
    smp_ok("Pod", "{'spec':{'a':{'x':1}}}", "{'spec':{'a':{'$patch':'merge','y':2}}}",
           "{'spec':{'a':{'x':1,'y':2}}}");
    /* whole-object directives */
    smp_ok("Pod", "{'a':1,'b':{'c':2}}", "{'$patch':'replace','z':1}", "{'z':1}");
    smp_ok("Pod", "{'a':1,'b':{'c':2}}", "{'$patch':'delete'}", "{}");
    /* type changes replace; new subtrees lose nulls and directives */
    smp_ok("Pod", "{'spec':{'a':'s'}}", "{'spec':{'a':{'b':1,'c':null}}}",
           "{'spec':{'a':{'b':1}}}");
    smp_ok("Pod", "{'spec':{'a':{'b':1}}}", "{'spec':{'a':[1,2]}}", "{'spec':{'a':[1,2]}}");
    smp_ok("Pod", "{'spec':{'a':[1]}}", "{'spec':{'a':'x'}}", "{'spec':{'a':'x'}}");
    smp_ok("Pod", "{}", "{'spec':{'x':{'$patch':'replace','a':1},'y':{'$retainKeys':['b'],'b':2}}}",
           "{'spec':{'x':{'a':1},'y':{'b':2}}}");
    smp_ok("Pod", "{}",
           "{'spec':{'containers':[{'name':'a','env':[{'name':'e','$patch':'delete'}]},"
           "{'$patch':'replace'}]}}",
           "{'spec':{'containers':[{'name':'a','env':[]}]}}");
    /* errors */
    smp_fail("Pod", "{'spec':{'a':{}}}", "{'spec':{'a':{'$patch':'frob'}}}",
             "unknown patch type: frob in map:");
    smp_fail("Pod", "{'spec':{'a':{}}}", "{'spec':{'a':{'$patch':5}}}",
             "unknown patch type: 5 in map:");
    smp_fail("Pod", "{}", "{'spec':{'a':{'$patch':null}}}", "unknown patch type: null in map:");
}

static void test_list_directives(void **state)
{
    (void)state;
    /* atomic lists are replaced whole */
    smp_ok("Pod", "{'spec':{'tolerations':[{'key':'a'},{'key':'b'}]}}",
           "{'spec':{'tolerations':[{'key':'c'}]}}", "{'spec':{'tolerations':[{'key':'c'}]}}");
    smp_ok("Pod", "{'spec':{'containers':[{'name':'a','args':['1','2'],'command':['x']}]}}",
           "{'spec':{'containers':[{'name':'a','args':['3'],'command':[]}]}}",
           "{'spec':{'containers':[{'name':'a','args':['3'],'command':[]}]}}");
    /* an empty patch list leaves a merging list alone */
    smp_ok("Pod", "{'spec':{'containers':[{'name':'a'}]},'metadata':{'finalizers':['f']}}",
           "{'spec':{'containers':[]},'metadata':{'finalizers':[]}}",
           "{'spec':{'containers':[{'name':'a'}]},'metadata':{'finalizers':['f']}}");
    /* $patch: replace inside a list */
    smp_ok("Pod", "{'spec':{'containers':[{'name':'a','image':'i'},{'name':'b'}]}}",
           "{'spec':{'containers':[{'name':'c','x':null},{'$patch':'replace'}]}}",
           "{'spec':{'containers':[{'name':'c'}]}}");
    smp_ok("Pod", "{'spec':{'containers':[{'name':'a'}]}}",
           "{'spec':{'containers':[{'$patch':'replace'}]}}", "{'spec':{'containers':[]}}");
    /* $patch: delete inside a list removes every item with that key */
    smp_ok("Pod", "{'spec':{'containers':[{'name':'a'},{'name':'b'},{'name':'a','x':1}]}}",
           "{'spec':{'containers':[{'name':'a','$patch':'delete'}]}}",
           "{'spec':{'containers':[{'name':'b'}]}}");
    /* merge keys compare by value: 80 and 80.0 are the same port */
    smp_ok("Pod",
           "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'protocol':'TCP'}]}]}}",
           "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80.0,'name':'http'}]}]}}",
           "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'protocol':'TCP','name'"
           ":'http'}]}]}}");
    /* primitive merging lists are sets */
    smp_ok("Pod", "{'metadata':{'finalizers':['a','b']}}",
           "{'metadata':{'finalizers':['b','c','c']}}",
           "{'metadata':{'finalizers':['a','b','c']}}");
    smp_ok("Pod", "{'metadata':{'finalizers':['a','a','b']}}", "{'metadata':{'finalizers':['b']}}",
           "{'metadata':{'finalizers':['a','b']}}");
    /* $deleteFromPrimitiveList */
    smp_ok("Pod", "{'metadata':{'finalizers':['1','2']}}",
           "{'metadata':{'$deleteFromPrimitiveList/finalizers':['3']}}",
           "{'metadata':{'finalizers':['1','2']}}");
    smp_ok("Pod", "{'metadata':{'finalizers':[]}}",
           "{'metadata':{'$deleteFromPrimitiveList/finalizers':['3']}}",
           "{'metadata':{'finalizers':[]}}");
    smp_ok("Pod", "{'metadata':{'name':'x'}}",
           "{'metadata':{'$deleteFromPrimitiveList/finalizers':['3']}}",
           "{'metadata':{'name':'x'}}");
    smp_ok("Pod", "{'metadata':{'finalizers':['1','2','3']}}",
           "{'metadata':{'$deleteFromPrimitiveList/finalizers':['2']}}",
           "{'metadata':{'finalizers':['1','3']}}");
    smp_ok("Pod", "{'spec':{'containers':[{'name':'a','args':['1','2','3']}]}}",
           "{'spec':{'containers':[{'name':'a','$deleteFromPrimitiveList/args':['2']}]}}",
           "{'spec':{'containers':[{'name':'a','args':['1','3']}]}}");
    smp_ok("Pod", "{'metadata':{'finalizers':['1']}}",
           "{'metadata':{'$deleteFromPrimitiveList/finalizers':null}}",
           "{'metadata':{'finalizers':['1']}}");
    /* a new merging list keeps its items, minus directives */
    smp_ok("Pod", "{'spec':{}}", "{'spec':{'containers':[{'name':'a','n':null},{'name':'a'}]}}",
           "{'spec':{'containers':[{'name':'a'},{'name':'a'}]}}");
    /* a $setElementOrder naming a list nobody has is ignored */
    smp_ok("Pod", "{'spec':{}}", "{'spec':{'$setElementOrder/containers':[{'name':'a'}]}}",
           "{'spec':{}}");
    /* ... and a list only the patch has is ordered by it */
    smp_ok("Pod", "{'spec':{}}",
           "{'spec':{'$setElementOrder/"
           "containers':[{'name':'b'},{'name':'a'}],'containers':[{'name':'b'},{'name':'a'}]}}",
           "{'spec':{'containers':[{'name':'b'},{'name':'a'}]}}");
    /* $setElementOrder on an atomic list of scalars still orders it */
    smp_ok("Pod", "{'spec':{'containers':[{'name':'a','args':['x','y']}]}}",
           "{'spec':{'containers':[{'name':'a','$setElementOrder/args':['y','x']}]}}",
           "{'spec':{'containers':[{'name':'a','args':['y','x']}]}}");
}

static void test_errors(void **state)
{
    (void)state;
    smp_fail("Pod", "{'spec':{'containers':[{'name':'1'},{'name':'3'},{'name':'2'}]}}",
             "{'spec':{'$setElementOrder/containers':[{'name':'1'},{'name':'2'},{'name':'3'}],"
             "'containers':[{'name':'3','value':'3'},{'name':'1','value':'1'}]}}",
             "doesn't match $setElementOrder list");
    smp_fail("Pod", "{'metadata':{'finalizers':['1','3','2']}}",
             "{'metadata':{'$setElementOrder/finalizers':['1','2','3'],'finalizers':['3','1']}}",
             "doesn't match");
    smp_fail("Pod", "{'spec':{'containers':[{'name':'1','value':'a'}]}}",
             "{'spec':{'containers':[{'value':'b'}]}}",
             "map: {\"value\":\"b\"} does not contain declared merge key: name");
    smp_fail("Pod", "{'spec':{'containers':[{'name':'1'}]}}",
             "{'spec':{'containers':[{'value':'b','$patch':'delete'}]}}",
             "does not contain declared merge key: name");
    smp_fail("Pod", "{'spec':{'containers':[{'image':'x'}]}}",
             "{'spec':{'containers':[{'name':'a'}]}}", "does not contain declared merge key: name");
    smp_fail("Pod", "{'spec':{'containers':[{'name':'1'}]}}",
             "{'spec':{'containers':[{'$patch':'merge'}]}}",
             "merging lists cannot yet be specified in the patch");
    smp_fail("Pod", "{'spec':{'containers':[{'name':'1'}]}}",
             "{'spec':{'containers':[{'$patch':'frob'}]}}", "unknown patch type: frob in map:");
    smp_fail("Pod", "{'spec':{}}", "{'spec':{'containers':[{'$patch':'frob'}]}}",
             "unknown patch type: frob");
    smp_fail("Pod", "{'metadata':{'finalizers':['a']}}", "{'metadata':{'finalizers':[1]}}",
             "list element types are not identical");
    smp_fail("Pod", "{'spec':{'containers':[{'name':'a'}]}}", "{'spec':{'containers':['a']}}",
             "list element types are not identical");
    smp_fail("Pod", "{'metadata':{'finalizers':[['a']]}}", "{'metadata':{'finalizers':[['b']]}}",
             "lists of lists are not supported");
    smp_fail("Node", "{'spec':{'podCIDRs':[{'a':1}]}}", "{'spec':{'podCIDRs':[{'a':2}]}}",
             "cannot merge lists without merge key for type map");
    smp_fail("Pod", "{'spec':{'containers':[]}}", "{'spec':{'$setElementOrder/containers':'x'}}",
             "expected a []interface {}, but received a string");
    smp_fail("Pod", "{'spec':{'containers':[]}}",
             "{'spec':{'$setElementOrder/containers':[{'name':'a'}],'containers':null}}",
             "expected a []interface {}, but received a <nil>");
    smp_fail("Pod", "{'spec':{'containers':{}}}", "{'spec':{'$setElementOrder/containers':[]}}",
             "expected a []interface {}, but received a map[string]interface {}");
    smp_fail("Pod", "{'spec':{'containers':[{'name':'a'}]}}",
             "{'spec':{'$setElementOrder/containers':[{'x':1}]}}",
             "does not contain declared merge key: name");
    smp_fail("Pod", "{'spec':{'containers':[{'name':'a'}]}}",
             "{'spec':{'$setElementOrder/containers':[{'name':'a'}],'containers':['a']}}",
             "expected a map[string]interface {}, but received a string");
    smp_fail("Pod", "{}", "{'$setElementOrder':[]}",
             "invalid patch format of setElementOrder list");
    smp_fail("Pod", "{}", "{'$setElementOrderX/a':[]}",
             "invalid patch format of setElementOrder list");
    smp_fail("Pod", "{}", "{'$deleteFromPrimitiveList':['a']}",
             "invalid patch format of primitive list");
    smp_fail("Pod", "{'metadata':{'finalizers':['a']}}",
             "{'metadata':{'$deleteFromPrimitiveList/finalizers':'a'}}",
             "invalid patch format of primitive list");
    smp_fail("Pod", "[1]", "{}", "invalid JSON document");
    smp_fail("Pod", "{}", "[1]",
             "json: cannot unmarshal array into Go value of type map[string]interface {}");
    smp_fail("Pod", "{}", "'s'",
             "json: cannot unmarshal string into Go value of type map[string]interface {}");
    /* an error deep inside leaves no partial result behind (smp_fail
     * checks out stays NULL and the document is unchanged) */
    smp_fail("Pod",
             "{'metadata':{'labels':{'a':'1'}},'spec':{'containers':[{'name':'a','env':[{'name':'e'"
             "}]}]}}",
             "{'metadata':{'labels':{'a':'2'}},'spec':{'containers':[{'name':'a','env':[{'value':'"
             "x'}]}]}}",
             "does not contain declared merge key: name");
}

static void test_bad_arguments(void **state)
{
    json_t *doc = Q("{'a':1}"), *out = NULL;
    char *err = NULL;

    (void)state;
    assert_int_equal(patch_strategic(doc, doc, "Pod", NULL, &err), EN_INVALID);
    assert_int_equal(patch_strategic(NULL, doc, "Pod", &out, &err), EN_INVALID);
    assert_null(out);
    assert_string_equal(err, "invalid JSON document");
    free(err);
    /* a null patch (encoding/json leaves the map empty) changes nothing */
    assert_int_equal(patch_strategic(doc, NULL, "Pod", &out, NULL), 0);
    assert_true(patch__value_equal(out, doc));
    assert_ptr_not_equal(out, doc);
    json_decref(out);
    json_decref(doc);
}

/* Lists not in a kind's table are replaced, whatever their contents. */
static void test_kinds(void **state)
{
    static const char *doc =
        "{'metadata':{'finalizers':['a'],'ownerReferences':[{'uid':'1','name':'x'}]},"
        "'spec':{'containers':[{'name':'a','image':'1'}]}}";
    static const char *patch =
        "{'metadata':{'finalizers':['b'],'ownerReferences':[{'uid':'1','kind':'K'}]},"
        "'spec':{'containers':[{'name':'b'}]}}";

    (void)state;
    smp_ok("Pod", doc, patch,
           "{'metadata':{'finalizers':['b','a'],'ownerReferences':[{'uid':'1','name':'x','kind':'K'"
           "}]},"
           "'spec':{'containers':[{'name':'b'},{'name':'a','image':'1'}]}}");
    /* unknown kinds and NULL know ObjectMeta only */
    smp_ok("ConfigMap", doc, patch,
           "{'metadata':{'finalizers':['b','a'],'ownerReferences':[{'uid':'1','name':'x','kind':'K'"
           "}]},"
           "'spec':{'containers':[{'name':'b'}]}}");
    smp_ok(NULL, doc, patch,
           "{'metadata':{'finalizers':['b','a'],'ownerReferences':[{'uid':'1','name':'x','kind':'K'"
           "}]},"
           "'spec':{'containers':[{'name':'b'}]}}");
    /* DaemonSet pod templates merge containers; its own spec has none */
    smp_ok("DaemonSet", "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'1'}]}}}}",
           "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'2'}]}}}}",
           "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'2'}]}}}}");
    smp_ok("DaemonSet", "{'spec':{'containers':[{'name':'a','image':'1'}]}}",
           "{'spec':{'containers':[{'name':'b'}]}}", "{'spec':{'containers':[{'name':'b'}]}}");
    smp_ok("DaemonSet", "{'spec':{'template':{'metadata':{'finalizers':['x']}}}}",
           "{'spec':{'template':{'metadata':{'finalizers':['y']}}}}",
           "{'spec':{'template':{'metadata':{'finalizers':['y','x']}}}}");
    /* a key containing dots cannot pose as a path of the table */
    smp_ok("DaemonSet", "{'spec':{'template.spec':{'containers':[{'name':'a','x':1}]}}}",
           "{'spec':{'template.spec':{'containers':[{'name':'b'}]}}}",
           "{'spec':{'template.spec':{'containers':[{'name':'b'}]}}}");
    /* status lists */
    smp_ok("Node",
           "{'status':{'conditions':[{'type':'Ready','status':'False'},{'type':'DiskPressure','"
           "status':'False'}],"
           "'addresses':[{'type':'InternalIP','address':'10.0.0.1'}],'images':[{'names':['a']}]}}",
           "{'status':{'conditions':[{'type':'Ready','status':'True'}],'addresses':[{'type':'"
           "Hostname','address':'n1'}],"
           "'images':[{'names':['b']}]}}",
           "{'status':{'conditions':[{'type':'Ready','status':'True'},{'type':'DiskPressure','"
           "status':'False'}],"
           "'addresses':[{'type':'Hostname','address':'n1'},{'type':'InternalIP','address':'10.0.0."
           "1'}],"
           "'images':[{'names':['b']}]}}");
    smp_ok("Namespace",
           "{'spec':{'finalizers':['kubernetes']},'status':{'conditions':[{'type':'A','status':'x'}"
           "]}}",
           "{'spec':{'finalizers':['other']},'status':{'conditions':[{'type':'A','status':'y'}]}}",
           "{'spec':{'finalizers':['other']},'status':{'conditions':[{'type':'A','status':'y'}]}}");
    smp_ok("DaemonSet", "{'status':{'conditions':[{'type':'A','status':'x'}]}}",
           "{'status':{'conditions':[{'type':'B','status':'y'}]}}",
           "{'status':{'conditions':[{'type':'B','status':'y'},{'type':'A','status':'x'}]}}");
    smp_ok("Pod",
           "{'status':{'podIPs':[{'ip':'a'}],'containerStatuses':[{'name':'c','ready':false}]}}",
           "{'status':{'podIPs':[{'ip':'b'}],'containerStatuses':[{'name':'c','ready':true}]}}",
           "{'status':{'podIPs':[{'ip':'b'},{'ip':'a'}],'containerStatuses':[{'name':'c','ready':"
           "true}]}}");
    /* ControllerRevision data and Lease/Event specs have no merging lists */
    smp_ok("ControllerRevision",
           "{'data':{'spec':{'template':{'spec':{'containers':[{'name':'a'}]}}}}}",
           "{'data':{'spec':{'template':{'spec':{'containers':[{'name':'b'}]}}}}}",
           "{'data':{'spec':{'template':{'spec':{'containers':[{'name':'b'}]}}}}}");
    smp_ok("Lease", "{'spec':{'holderIdentity':'a','renewTime':'t1'}}",
           "{'spec':{'renewTime':'t2'}}", "{'spec':{'holderIdentity':'a','renewTime':'t2'}}");
}

static void lookup(const char *kind, const char *dotted, enum smp_strategy want_s,
                   const char *want_key)
{
    const char *seg[16];
    char *copy = xstrdup(dotted), *save = NULL;
    size_t n = 0;
    struct smp_field f;

    for (char *t = strtok_r(copy, ".", &save); t && n < 16; t = strtok_r(NULL, ".", &save))
        seg[n++] = t;
    patch__smp_lookup(patch__smp_schema(kind), seg, n, &f);
    if (f.strategy != want_s ||
        (want_key ? !f.merge_key || strcmp(f.merge_key, want_key) : f.merge_key != NULL))
        fail_msg("%s %s: got strategy %d key %s", kind, dotted, f.strategy,
                 f.merge_key ? f.merge_key : "(none)");
    free(copy);
}

static void test_schema_lookup(void **state)
{
    (void)state;
    lookup("DaemonSet", "spec.template.spec.containers", SMP_MERGE, "name");
    lookup("DaemonSet", "spec.template.spec.initContainers", SMP_MERGE, "name");
    lookup("DaemonSet", "spec.template.spec.ephemeralContainers", SMP_MERGE, "name");
    lookup("DaemonSet", "spec.template.spec.containers.ports", SMP_MERGE, "containerPort");
    lookup("DaemonSet", "spec.template.spec.initContainers.env", SMP_MERGE, "name");
    lookup("DaemonSet", "spec.template.spec.containers.volumeMounts", SMP_MERGE, "mountPath");
    lookup("DaemonSet", "spec.template.spec.containers.volumeDevices", SMP_MERGE, "devicePath");
    lookup("DaemonSet", "spec.template.spec.containers.resizePolicy", SMP_ATOMIC, NULL);
    lookup("DaemonSet", "spec.template.spec.containers.args", SMP_ATOMIC, NULL);
    lookup("DaemonSet", "spec.template.spec.containers.command", SMP_ATOMIC, NULL);
    lookup("DaemonSet", "spec.template.spec.volumes", SMP_MERGE, "name");
    lookup("DaemonSet", "spec.template.spec.imagePullSecrets", SMP_MERGE, "name");
    lookup("DaemonSet", "spec.template.spec.hostAliases", SMP_MERGE, "ip");
    lookup("DaemonSet", "spec.template.spec.topologySpreadConstraints", SMP_MERGE, "topologyKey");
    lookup("DaemonSet", "spec.template.spec.schedulingGates", SMP_MERGE, "name");
    lookup("DaemonSet", "spec.template.spec.resourceClaims", SMP_MERGE, "name");
    lookup("DaemonSet", "spec.template.spec.tolerations", SMP_ATOMIC, NULL);
    lookup("DaemonSet", "spec.template.metadata.finalizers", SMP_MERGE, NULL);
    lookup("DaemonSet", "spec.template.metadata.ownerReferences", SMP_MERGE, "uid");
    lookup("DaemonSet", "spec.template", SMP_ATOMIC, NULL);
    lookup("DaemonSet", "spec.containers", SMP_ATOMIC, NULL);
    lookup("DaemonSet", "status.conditions", SMP_MERGE, "type");
    lookup("DaemonSet", "metadata.ownerReferences", SMP_MERGE, "uid");
    lookup("Pod", "spec.containers.env", SMP_MERGE, "name");
    lookup("Pod", "status.conditions", SMP_MERGE, "type");
    lookup("Pod", "status.podIPs", SMP_MERGE, "ip");
    lookup("Pod", "status.hostIPs", SMP_MERGE, "ip");
    lookup("Pod", "status.containerStatuses", SMP_ATOMIC, NULL);
    lookup("Pod", "spec.template.spec.containers", SMP_ATOMIC, NULL);
    lookup("Node", "spec.podCIDRs", SMP_MERGE, NULL);
    lookup("Node", "spec.taints", SMP_ATOMIC, NULL);
    lookup("Node", "status.conditions", SMP_MERGE, "type");
    lookup("Node", "status.addresses", SMP_MERGE, "type");
    lookup("Node", "status.images", SMP_ATOMIC, NULL);
    lookup("Namespace", "status.conditions", SMP_MERGE, "type");
    lookup("Namespace", "spec.finalizers", SMP_ATOMIC, NULL);
    lookup("Namespace", "metadata.finalizers", SMP_MERGE, NULL);
    lookup("Event", "metadata.finalizers", SMP_MERGE, NULL);
    lookup("ControllerRevision", "metadata.ownerReferences", SMP_MERGE, "uid");
    lookup("Lease", "metadata.finalizers", SMP_MERGE, NULL);
    lookup("Whatever", "metadata.finalizers", SMP_MERGE, NULL);
    lookup("Whatever", "spec.containers", SMP_ATOMIC, NULL);
    lookup("Pod", "", SMP_ATOMIC, NULL);
}

/* ---- robustness -------------------------------------------------------- */

static uint32_t rnd(uint32_t *st)
{
    *st ^= *st << 13;
    *st ^= *st >> 17;
    *st ^= *st << 5;
    return *st;
}

/* Random values biased towards the shapes the merge code cares about:
 * containers lists, names, directive keys and values. */
static json_t *random_value(uint32_t *st, int depth)
{
    static const char *keys[] = {"spec",
                                 "containers",
                                 "name",
                                 "env",
                                 "metadata",
                                 "finalizers",
                                 "$patch",
                                 "$retainKeys",
                                 "$setElementOrder/containers",
                                 "$deleteFromPrimitiveList/finalizers",
                                 "$setElementOrder/finalizers",
                                 "image",
                                 "template",
                                 "ports",
                                 "containerPort"};
    static const char *strs[] = {"a", "b", "delete", "replace", "merge", "name", "containers", "x"};

    switch (rnd(st) % (depth > 4 ? 4 : 7)) {
    case 0:
        return json_integer(rnd(st) % 3);
    case 1:
        return json_string(strs[rnd(st) % 8]);
    case 2:
        return rnd(st) % 2 ? json_null() : json_false();
    case 3:
        return json_real(80.0);
    case 4:
    case 5: {
        json_t *o = json_object();
        for (uint32_t i = rnd(st) % 4; i > 0; i--)
            json_object_set_new(o, keys[rnd(st) % 15], random_value(st, depth + 1));
        return o;
    }
    default: {
        json_t *a = json_array();
        for (uint32_t i = rnd(st) % 4; i > 0; i--)
            json_array_append_new(a, random_value(st, depth + 1));
        return a;
    }
    }
}

static void test_garbage_never_crashes(void **state)
{
    static const char *kinds[] = {"Pod", "DaemonSet", "Node", "Lease", NULL};
    uint32_t st = 88172645u;
    int ok = 0, failed = 0;

    (void)state;
    for (int round = 0; round < 20000; round++) {
        json_t *doc = json_object(), *patch = json_object(), *out = NULL;
        char *bd, *bp, *a, *err = NULL;
        int rc;

        json_object_set_new(doc, "spec", random_value(&st, 1));
        json_object_set_new(doc, "metadata", random_value(&st, 1));
        json_object_set_new(patch, rnd(&st) % 2 ? "spec" : "metadata", random_value(&st, 1));
        if (rnd(&st) % 3 == 0)
            json_object_set_new(patch, "spec", random_value(&st, 1));
        bd = json_dump_compact(doc, NULL);
        bp = json_dump_compact(patch, NULL);
        rc = patch_strategic(doc, patch, kinds[rnd(&st) % 5], &out, &err);
        if (rc == 0) {
            assert_non_null(out);
            assert_null(err);
            ok++;
        } else {
            assert_int_equal(rc, EN_INVALID);
            assert_null(out);
            assert_non_null(err);
            failed++;
        }
        a = json_dump_compact(doc, NULL);
        assert_string_equal(a, bd);
        free(a);
        a = json_dump_compact(patch, NULL);
        assert_string_equal(a, bp);
        free(a);
        free(bd);
        free(bp);
        free(err);
        json_decref(out);
        json_decref(doc);
        json_decref(patch);
    }
    /* the sweep must exercise both outcomes to mean anything */
    assert_true(ok > 1000);
    assert_true(failed > 100);
}

/* Patches far deeper than the schema table's path buffer still merge. */
static void test_deep_nesting(void **state)
{
    json_t *doc = json_string("leaf"), *patch = json_string("new"), *out = NULL, *cur;
    int depth = 0;

    (void)state;
    for (int i = 0; i < 3000; i++) {
        json_t *d = json_object(), *p = json_object();
        json_object_set_new(d, "a", doc);
        json_object_set_new(d, "keep", json_integer(i));
        json_object_set_new(p, "a", patch);
        doc = d;
        patch = p;
    }
    assert_int_equal(patch_strategic(doc, patch, "Pod", &out, NULL), 0);
    for (cur = out; json_is_object(cur); cur = json_object_get(cur, "a")) {
        assert_int_equal(json_integer_value(json_object_get(cur, "keep")), 2999 - depth);
        depth++;
    }
    assert_int_equal(depth, 3000);
    assert_string_equal(json_string_value(cur), "new");
    json_decref(out);
    json_decref(doc);
    json_decref(patch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ordering),       cmocka_unit_test(test_retain_keys),
        cmocka_unit_test(test_map_directives), cmocka_unit_test(test_list_directives),
        cmocka_unit_test(test_errors),         cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_kinds),          cmocka_unit_test(test_schema_lookup),
        cmocka_unit_test(test_deep_nesting),   cmocka_unit_test(test_garbage_never_crashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
