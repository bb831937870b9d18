/*
 * base64.c -- standard base64 (RFC 4648 section 4, with padding) for the
 * places that carry bytes as text: registry credentials ("auth" in a
 * docker config, the Basic header of a pull), Secret values the agent puts
 * into environment variables, the CA in a kubeconfig.
 *
 * Coding is nettle's (the crypto library GnuTLS is built on, so it is in
 * the process anyway); what is added here is the strictness nettle leaves
 * to its callers: it skips whitespace and stops at padding, we refuse both
 * inside the text, so "bad input" means the same thing everywhere.
 */
#include "core.h"

#include <nettle/base64.h>
#include <string.h>

char *en_base64_encode(const void *data, size_t n)
{
    char *out = xmalloc(BASE64_ENCODE_RAW_LENGTH(n) + 1);

    base64_encode_raw(out, n, data);
    out[BASE64_ENCODE_RAW_LENGTH(n)] = '\0';
    return out;
}

/* Is ch one of the 64 letters of the standard alphabet? */
static bool b64_is_letter(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '+' || ch == '/';
}

int en_base64_decode(const char *in, size_t n, char **out, size_t *out_len)
{
    struct base64_decode_ctx ctx;
    size_t pad = 0, len = 0;
    uint8_t *buf;

    *out = NULL;
    if (out_len)
        *out_len = 0;
    /* Whole groups of four; '=' only as the last one or two characters. */
    if (n % 4 != 0)
        return EN_INVALID;
    while (pad < 2 && pad < n && in[n - 1 - pad] == '=')
        pad++;
    for (size_t i = 0; i < n - pad; i++)
        if (!b64_is_letter((unsigned char)in[i]))
            return EN_INVALID;
    buf = xmalloc(BASE64_DECODE_LENGTH(n) + 1);
    base64_decode_init(&ctx);
    if (!base64_decode_update(&ctx, &len, buf, n, in) || !base64_decode_final(&ctx)) {
        free(buf);
        return EN_INVALID;
    }
    buf[len] = '\0';
    *out = (char *)buf;
    if (out_len)
        *out_len = len;
    return 0;
}
