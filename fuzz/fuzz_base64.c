/*
 * fuzz_base64.c -- libFuzzer driver for core's base64 (en_base64_decode,
 * en_base64_encode), which reads registry credentials from registries.yaml
 * and Secret values from the API.
 *
 * Checks, besides "never crash": the decoder accepts only canonical text,
 * so whatever it accepts encodes back to exactly the input; and any bytes
 * encode to text that decodes back to them.  Built and run by `make fuzz`;
 * see README.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = NULL, *enc, *back = NULL;
    size_t len = 0, back_len = 0;

    /* As text: accepted means canonical. */
    if (en_base64_decode((const char *)data, size, &out, &len) == 0) {
        enc = en_base64_encode(out, len);
        if (strlen(enc) != size || memcmp(enc, data, size) != 0) {
            fprintf(stderr, "decoded text does not encode back to itself\n");
            abort();
        }
        if (out[len] != '\0')
            abort();
        free(enc);
        free(out);
    } else if (out) {
        abort(); /* a failure leaves no output */
    }
    /* As bytes: a round trip. */
    enc = en_base64_encode(data, size);
    if (en_base64_decode(enc, strlen(enc), &back, &back_len) != 0 || back_len != size ||
        memcmp(back, data, size) != 0) {
        fprintf(stderr, "encoding does not decode back\n");
        abort();
    }
    free(back);
    free(enc);
    return 0;
}
