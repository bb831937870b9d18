/*
 * fuzz_fsel.c -- libFuzzer driver for the field selector parser
 * (selector.h fsel_parse), the string form of ?fieldSelector=, including
 * its backslash escapes.  Parsed selectors are also checked against the
 * pod field names (fsel_check_fields), matched against a fixed pod's
 * fields and asked for an indexable value, as the API does.
 * Built and run by `make fuzz`; see README.md.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "selector/selector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const supported[] = {"metadata.name", "metadata.namespace",
                                            "spec.nodeName", "status.phase"};
    static const fsel_field fields[] = {{"metadata.name", "web-1"},
                                        {"metadata.namespace", "default"},
                                        {"spec.nodeName", "n1"},
                                        {"status.phase", "Running"}};
    char *s = xstrndup((const char *)data, size), *err = NULL;
    fsel *sel = NULL;

    if (fsel_parse(s, &sel, &err) != 0) {
        if (!err)
            abort();
        goto out_free;
    }
    if (fsel_check_fields(sel, supported, 4, &err) != 0 && !err)
        abort();
    free(err);
    err = NULL;
    (void)fsel_matches(sel, fields, 4);
    (void)fsel_matches(sel, NULL, 0);
    (void)fsel_is_empty(sel);
    const char *v = fsel_required_value(sel, "spec.nodeName");
    /* An indexable value is what the selector demands: when it names a
     * node other than n1, the fixed pod (on n1) cannot match. */
    if (v && strcmp(v, "n1") != 0 && fsel_matches(sel, fields, 4))
        abort();
out_free:
    fsel_free(sel);
    free(err);
    free(s);
    return 0;
}
