/*
 * uid.c -- random identifiers: object UIDs and generateName suffixes.
 */
#include "core.h"

#include <stdio.h>
#include <sys/random.h>

static void uid_fill(unsigned char *b, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(b + got, n - got, 0);
        if (r < 0)
            en_fatal("getrandom failed");
        got += (size_t)r;
    }
}

void uid_new(char *buf)
{
    unsigned char b[16];
    uid_fill(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
}

void uid_random_suffix(char *buf, size_t n)
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    unsigned char b[64];
    if (n > sizeof b)
        n = sizeof b;
    uid_fill(b, n);
    for (size_t i = 0; i < n; i++)
        buf[i] = alphabet[b[i] % (sizeof alphabet - 1)];
    buf[n] = '\0';
}
