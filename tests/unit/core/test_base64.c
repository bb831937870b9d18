/*
 * test_base64.c -- core's base64: RFC 4648's test vectors both ways, binary
 * data (NULs, every byte value) through a round trip checked against
 * independently written encodings, and the inputs it must refuse (wrong
 * length, stray or excess '=', whitespace, other alphabets, non-canonical
 * last letters).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

#define N(a) (sizeof(a) / sizeof *(a))

/* RFC 4648 section 10. */
static const char *const vectors[][2] = {
    {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

static void test_rfc4648_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(vectors); i++) {
        char *enc = en_base64_encode(vectors[i][0], strlen(vectors[i][0])), *dec = NULL;
        size_t len = 99;

        assert_string_equal(enc, vectors[i][1]);
        assert_int_equal(en_base64_decode(vectors[i][1], strlen(vectors[i][1]), &dec, &len), 0);
        assert_int_equal(len, strlen(vectors[i][0]));
        assert_string_equal(dec, vectors[i][0]); /* NUL-terminated */
        free(enc);
        free(dec);
    }
}

static void test_binary(void **state)
{
    /* Bytes 0..255, then their encoding as `base64 -w0` prints it. */
    unsigned char all[256];
    const char *want =
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+"
        "P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9"
        "fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8"
        "vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7"
        "/P3+/w==";
    char *enc, *dec = NULL;
    size_t len = 0;

    (void)state;
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    enc = en_base64_encode(all, sizeof all);
    assert_string_equal(enc, want);
    assert_int_equal(en_base64_decode(enc, strlen(enc), &dec, &len), 0);
    assert_int_equal(len, sizeof all);
    assert_memory_equal(dec, all, sizeof all);
    free(enc);
    free(dec);
    /* A NUL inside survives, and the length says where the data ends. */
    assert_int_equal(en_base64_decode("YQBi", 4, &dec, &len), 0);
    assert_int_equal(len, 3);
    assert_memory_equal(dec, "a\0b", 3);
    free(dec);
    /* Only n characters are read: "Zm9v" of "Zm9vYmFy". */
    assert_int_equal(en_base64_decode("Zm9vYmFy", 4, &dec, NULL), 0);
    assert_string_equal(dec, "foo");
    free(dec);
}

static void test_refused(void **state)
{
    static const char *const bad[] = {
        "Zg",        /* padding left out */
        "Zg=",       /* half of it */
        "Zm9vY",     /* not whole groups */
        "Zg===",     /* too much padding */
        "Z===",      /* a group of one letter */
        "====",      /* nothing but padding */
        "Zg==Zm8=",  /* padding in the middle */
        "Z=g=",      /* '=' among the letters */
        "Zm9v\n",    /* trailing newline */
        " Zm9v",     /* leading space */
        "Zm 9v",     /* space inside */
        "Zm9\tv",    /* tab inside */
        "Zm-_",      /* URL-safe alphabet */
        "Zm9v!A==",  /* not base64 at all */
        "Zh==",      /* 'h' leaves bits set that "f" does not have */
        "Zm9=",      /* likewise for "fo" */
    };

    (void)state;
    for (size_t i = 0; i < N(bad); i++) {
        char *dec = (char *)"untouched";
        size_t len = 7;

        if (en_base64_decode(bad[i], strlen(bad[i]), &dec, &len) != EN_INVALID)
            fail_msg("accepted %s", bad[i]);
        assert_null(dec);
        assert_int_equal(len, 0);
    }
    /* A NUL within the n characters is not a letter either. */
    {
        char *dec;
        assert_int_equal(en_base64_decode("Zm\0v", 4, &dec, NULL), EN_INVALID);
        assert_null(dec);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
