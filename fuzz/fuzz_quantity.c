/*
 * fuzz_quantity.c -- libFuzzer driver for resource.Quantity parsing
 * (types.h types_quantity_parse and types_quantity_json), which validation
 * and scheduling run on every cpu/memory value a client sends.
 *
 * Checks, besides "never crash" and UBSan's overflow checks: a quantity
 * that parses from a string parses to the same value from a JSON string,
 * and a plain integer n parses to n * 1000 milli-units when that fits.
 * Built and run by `make fuzz`; see README.md.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "types/types.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = xstrndup((const char *)data, size);
    int64_t milli = 0, milli2 = 0;
    int rc = types_quantity_parse(s, &milli);
    json_t *js = json_string(s);

    /* json_string refuses invalid UTF-8; only compare when it exists.  The
     * JSON form trims surrounding whitespace (as the Go JSON decoder does),
     * so only inputs without it must agree. */
    size_t len = strlen(s);
    bool padded = len > 0 && (isspace((unsigned char)s[0]) || isspace((unsigned char)s[len - 1]));
    if (js && !padded) {
        int rc2 = types_quantity_json(js, &milli2);
        if (rc2 != rc || (rc == 0 && milli2 != milli)) {
            fprintf(stderr, "string and JSON string disagree on [%s]\n", s);
            abort();
        }
    }
    json_decref(js);
    /* Small plain integers: exact. */
    char *end;
    long long n = strtoll(s, &end, 10);
    if (*s && (*s == '-' || (*s >= '0' && *s <= '9')) && *end == '\0' && n > -1000000000LL &&
        n < 1000000000LL && strlen(s) < 12) {
        if (rc != 0 || milli != n * 1000) {
            fprintf(stderr, "integer [%s] parsed as rc %d milli %lld\n", s, rc, (long long)milli);
            abort();
        }
        json_t *ji = json_integer(n);
        if (types_quantity_json(ji, &milli2) != 0 || milli2 != n * 1000)
            abort();
        json_decref(ji);
    }
    free(s);
    return 0;
}
