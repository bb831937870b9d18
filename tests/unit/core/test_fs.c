/*
 * test_fs.c -- core's file helpers: fs_read_file reads a file whole (binary
 * bytes, NUL included, and an empty file), refuses one larger than its limit
 * and says EN_IO for one that is not there; fs_mkdir_p creates missing
 * parents and accepts directories that exist.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core.h"
#include "../tu_tmpdir.h"

typedef tu_tmpdir fixture;

static char *write_bytes(fixture *f, const char *name, const void *data, size_t n)
{
    char *path = xasprintf("%s/%s", f->dir, name);
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
    return path;
}

static void test_read_file(void **state)
{
    fixture *f = *state;
    static const char data[] = {'a', '\0', 'b', '\n', (char)0xff};
    char *path = write_bytes(f, "bin", data, sizeof data), *text = NULL;
    size_t len = 0;

    assert_int_equal(fs_read_file(path, 1024, &text, &len), 0);
    assert_int_equal(len, sizeof data);
    assert_memory_equal(text, data, sizeof data);
    assert_int_equal(text[len], '\0');
    free(text);
    /* Exactly at the limit is still read; one byte over is refused. */
    assert_int_equal(fs_read_file(path, sizeof data, &text, NULL), 0);
    free(text);
    text = (char *)"untouched";
    assert_int_equal(fs_read_file(path, sizeof data - 1, &text, &len), EN_TOOLARGE);
    assert_null(text);
    free(path);

    path = write_bytes(f, "empty", "", 0);
    assert_int_equal(fs_read_file(path, 1024, &text, &len), 0);
    assert_int_equal(len, 0);
    assert_string_equal(text, "");
    free(text);
    free(path);

    path = xasprintf("%s/missing", f->dir);
    assert_int_equal(fs_read_file(path, 1024, &text, NULL), EN_IO);
    assert_null(text);
    free(path);
}

static void test_mkdir_p(void **state)
{
    fixture *f = *state;
    char *path = xasprintf("%s/a/b/c", f->dir);
    struct stat st;

    assert_int_equal(fs_mkdir_p(path, 0755), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(fs_mkdir_p(path, 0755), 0); /* already there */
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_file, tu_tmpdir_setup, tu_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_mkdir_p, tu_tmpdir_setup, tu_tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
