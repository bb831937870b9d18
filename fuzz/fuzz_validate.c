/*
 * fuzz_validate.c -- libFuzzer driver for defaulting, validation, printing
 * and field extraction of request bodies (types.h): types_default,
 * types_validate (create, update against the object itself, and status
 * updates), types_table_cells and types_fields, for every served kind.
 *
 * These run on every object a client sends after it parsed as JSON, so
 * "never crash, whatever the shape" matters as much as for the parsers.
 * Input: the first byte picks the kind, the rest is the object as JSON.
 * A validation failure must come with causes.  Built and run by
 * `make fuzz`; see README.md.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/core.h"
#include "types/types.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const kind_info *k, json_t *obj, json_t *old, bool status_only)
{
    json_t *causes = NULL;
    int rc = types_validate(k, obj, old, status_only, &causes);

    if (rc != 0 && (rc != EN_INVALID || !json_is_array(causes) || json_array_size(causes) == 0))
        abort();
    if (rc == 0 && causes)
        abort();
    json_decref(causes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t nk;
    const kind_info *kinds = types_all(&nk), *k;
    json_t *obj, *old, *cells;
    fsel_field fields[TYPES_MAX_FIELDS];

    if (size < 1)
        return 0;
    k = &kinds[data[0] % nk];
    obj = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY, NULL);
    if (!obj)
        return 0;
    /* Before defaulting, on the raw shape, too. */
    check(k, obj, NULL, false);
    types_default(k, obj);
    check(k, obj, NULL, false);
    old = json_deep_copy(obj);
    types_default(k, old);
    check(k, obj, old, false);
    check(k, obj, old, true);
    if (json_is_object(obj)) {
        cells = types_table_cells(k, obj, 1700000000);
        json_decref(cells);
        (void)types_fields(k, obj, fields, TYPES_MAX_FIELDS);
    }
    json_decref(old);
    json_decref(obj);
    return 0;
}
