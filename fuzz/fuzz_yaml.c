/*
 * fuzz_yaml.c -- libFuzzer driver for the YAML reader (yaml.h
 * yaml_to_json), which parses application/yaml request bodies and
 * kubeconfig files.
 *
 * Besides "never crash" (anchors, deep nesting and odd scalars included),
 * it checks that a document that parses is written back by yaml_from_json
 * as YAML that parses to the same JSON value.  Built and run by
 * `make fuzz`; see README.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "yaml/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *out = NULL, *back = NULL;
    char *err = NULL, *text = NULL;

    if (yaml_to_json((const char *)data, size, &out, &err) != 0) {
        if (!err || out)
            abort();
        goto out_free;
    }
    text = yaml_from_json(out);
    if (yaml_to_json(text, strlen(text), &back, &err) != 0) {
        fprintf(stderr, "emitted YAML does not parse: %s\n---\n%s\n", err ? err : "", text);
        abort();
    }
    if (!json_equal(out, back)) {
        char *a = json_dumps(out, JSON_ENCODE_ANY), *b = json_dumps(back, JSON_ENCODE_ANY);
        fprintf(stderr, "YAML round trip changed the value:\n%s\n%s\n---\n%s\n", a, b, text);
        abort();
    }
out_free:
    json_decref(out);
    json_decref(back);
    free(err);
    free(text);
    return 0;
}
