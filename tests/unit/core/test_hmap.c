/*
 * test_hmap.c -- the string-keyed hash map of core: copied and borrowed
 * keys, growth, reserve and clear.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

static void test_copied_keys(void **state)
{
    hmap m;
    char key[32];
    int vals[1000];

    (void)state;
    hmap_init(&m);
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "node-%d", i);
        vals[i] = i;
        assert_null(hmap_put(&m, key, &vals[i]));
    }
    /* The map kept its own copies: the buffer was reused for every key. */
    assert_int_equal(m.len, 1000);
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "node-%d", i);
        assert_ptr_equal(hmap_get(&m, key), &vals[i]);
    }
    assert_ptr_equal(hmap_del(&m, "node-7"), &vals[7]);
    assert_null(hmap_get(&m, "node-7"));
    assert_ptr_equal(hmap_put(&m, "node-8", &vals[0]), &vals[8]);
    hmap_release(&m);
}

static void test_borrowed_reserve_clear(void **state)
{
    hmap m;
    char keys[500][16];
    size_t cap;

    (void)state;
    hmap_init_borrowed(&m, 500);
    cap = m.cap;
    /* Room for 500 at once: no resize while they go in. */
    assert_true(cap * 7 > 501 * 10);
    for (int i = 0; i < 500; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        hmap_put(&m, keys[i], keys[i]);
    }
    assert_int_equal(m.cap, cap);
    /* Borrowed: the map holds the caller's pointers, not copies. */
    size_t pos = 0;
    const char *k;
    void *v;
    while (hmap_next(&m, &pos, &k, &v))
        assert_ptr_equal(k, v);

    hmap_clear(&m);
    assert_int_equal(m.len, 0);
    assert_int_equal(m.cap, cap);
    assert_null(hmap_get(&m, "k1"));
    hmap_put(&m, keys[1], keys[1]);
    assert_ptr_equal(hmap_get(&m, "k1"), keys[1]);
    assert_null(hmap_del(&m, "absent"));
    assert_ptr_equal(hmap_del(&m, "k1"), keys[1]);

    /* reserve never shrinks, and grows when asked for more. */
    hmap_reserve(&m, 10);
    assert_int_equal(m.cap, cap);
    hmap_reserve(&m, 5000);
    assert_true(m.cap > cap);
    hmap_release(&m);
}

static void test_clear_copied(void **state)
{
    hmap m;

    (void)state;
    hmap_init(&m);
    hmap_put(&m, "a", &m);
    hmap_put(&m, "b", &m);
    hmap_clear(&m); /* frees the key copies (LeakSanitizer checks) */
    assert_int_equal(m.len, 0);
    assert_null(hmap_get(&m, "a"));
    hmap_put(&m, "a", &m);
    assert_ptr_equal(hmap_get(&m, "a"), &m);
    hmap_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copied_keys),
        cmocka_unit_test(test_borrowed_reserve_clear),
        cmocka_unit_test(test_clear_copied),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
