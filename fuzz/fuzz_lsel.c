/*
 * fuzz_lsel.c -- libFuzzer driver for the label selector parser
 * (selector.h lsel_parse), the string form that arrives in every
 * ?labelSelector= query.
 *
 * Besides "never crash", it checks the property the API relies on: a
 * selector that parses prints (lsel_to_string) to a form that parses
 * again to the same printed form, and matching a fixed label set gives
 * the same answer for both.  Built and run by `make fuzz`; see README.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "selector/selector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = xstrndup((const char *)data, size), *err = NULL, *printed = NULL, *again = NULL;
    lsel *sel = NULL, *sel2 = NULL;
    json_t *labels = NULL;

    if (lsel_parse(s, &sel, &err) != 0) {
        /* A failure always explains itself. */
        if (!err)
            abort();
        goto out_free_s;
    }
    labels = json_pack("{s:s,s:s,s:s,s:s}", "app", "web", "tier", "front", "k8s.io/name", "x",
                       "empty", "");
    printed = lsel_to_string(sel);
    if (lsel_parse(printed, &sel2, &err) != 0) {
        fprintf(stderr, "printed selector does not parse: [%s] from [%s]: %s\n", printed, s,
                err ? err : "");
        abort();
    }
    again = lsel_to_string(sel2);
    if (strcmp(printed, again) != 0) {
        fprintf(stderr, "selector printing is unstable: [%s] -> [%s]\n", printed, again);
        abort();
    }
    if (lsel_matches(sel, labels) != lsel_matches(sel2, labels) ||
        lsel_matches(sel, NULL) != lsel_matches(sel2, NULL)) {
        fprintf(stderr, "reparsed selector matches differently: [%s]\n", s);
        abort();
    }
    if (lsel_is_empty(sel) != lsel_is_empty(sel2))
        abort();
    json_decref(labels);
    free(printed);
    free(again);
    lsel_free(sel2);
out_free_s:
    lsel_free(sel);
    free(err);
    free(s);
    return 0;
}
