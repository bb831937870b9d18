/*
 * fuzz_protobuf.c -- libFuzzer driver for the Kubernetes protobuf body
 * decoder (protobuf.h pb_decode_object), which reads what kubectl sends as
 * application/vnd.kubernetes.protobuf.
 *
 * Inputs are used as they are, and, when the first byte is odd, also with
 * the "k8s\0" magic prepended to the rest, so mutations spend their time
 * inside the envelope and the object rather than failing on the magic.
 * Built and run by `make fuzz`; see README.md.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "protobuf/protobuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode(const unsigned char *buf, size_t len)
{
    json_t *out = NULL;
    char *err = NULL;
    int rc = pb_decode_object(buf, len, &out, &err);

    if (rc == 0) {
        /* A decoded object names its kind. */
        if (!json_is_object(out) || !json_is_string(json_object_get(out, "kind")))
            abort();
        char *s = json_dumps(out, JSON_COMPACT);
        free(s);
    } else if (out || !err) {
        abort();
    }
    json_decref(out);
    free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact copy so ASan sees reads past the end. */
    unsigned char *buf = xmalloc(size ? size : 1);

    memcpy(buf, data, size);
    decode(buf, size);
    free(buf);
    if (size > 0 && (data[0] & 1)) {
        buf = xmalloc(size + 3);
        memcpy(buf, "k8s\0", 4);
        memcpy(buf + 4, data + 1, size - 1);
        decode(buf, size + 3);
        free(buf);
    }
    return 0;
}
