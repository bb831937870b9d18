/*
 * test_unpack.c -- unit tests of layer application (unpack.c): modes,
 * owners, symlinks and hard links kept; whiteouts and opaque directories
 * honoured whatever their order in the tar; entries that try to leave the
 * root (".." names, hard links out, writes through absolute or climbing
 * symlinks) refused or kept inside; type changes between layers; gzip and
 * zstd, xz and bzip2 layers; other compressions and garbage refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "image_testutil.h"

#define N(a) (sizeof(a) / sizeof *(a))

typedef struct fixture {
    char *base; /* temp dir holding root/ and the layer files */
    char *root; /* where layers are applied */
} fixture;

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof *f);

    f->base = tu_tmpdir();
    f->root = xasprintf("%s/root", f->base);
    if (mkdir(f->root, 0755) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    image__rmtree(f->base);
    free(f->base);
    free(f->root);
    free(f);
    return 0;
}

/* Write the entries as a layer file and apply it; returns the code, *err. */
static int apply(fixture *f, const tentry *e, size_t n, char filter, char **err)
{
    static int seq;
    size_t len;
    char *tar = tu_tar(e, n, filter, &len);
    char *path = xasprintf("%s/layer%d.tar", f->base, ++seq);
    int rc;

    tu_write_file(path, tar, len);
    free(tar);
    *err = NULL;
    rc = image__apply_layer(f->root, path, err);
    unlink(path);
    free(path);
    return rc;
}

static void apply_ok(fixture *f, const tentry *e, size_t n, char filter)
{
    char *err = NULL;
    int rc = apply(f, e, n, filter, &err);

    if (rc != 0)
        fail_msg("apply failed (%d): %s", rc, err ? err : "");
}

static void expect_content(fixture *f, const char *rel, const char *want)
{
    char *got = tu_read(f->root, rel);

    if (!got)
        fail_msg("%s is missing", rel);
    if (strcmp(got, want) != 0)
        fail_msg("%s holds \"%s\", want \"%s\"", rel, got, want);
    free(got);
}

static void expect_absent(fixture *f, const char *rel)
{
    if (tu_exists(f->root, rel))
        fail_msg("%s should not exist", rel);
}

static void test_metadata_kept(void **state)
{
    fixture *f = *state;
    const tentry l[] = {
        {'d', "etc", NULL, 0755, 0, 0},
        {'f', "etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644, 0, 0},
        {'d', "home", NULL, 0755, 0, 0},
        {'d', "home/u", NULL, 0700, 1000, 1001},
        {'f', "home/u/run.sh", "#!/bin/sh\n", 04750, 1000, 1001},
        {'d', "tmp", NULL, 01777, 0, 0},
        {'l', "bin", "usr/bin", 0, 0, 0},
        {'d', "usr", NULL, 0755, 0, 0},
        {'d', "usr/bin", NULL, 0755, 0, 0},
        {'f', "usr/bin/tool", "tool\n", 0755, 0, 0},
        {'h', "usr/bin/tool2", "usr/bin/tool", 0, 0, 0},
        {'f', "./dotted/name.txt", "dot\n", 0, 0, 0},
    };
    struct stat a, b;

    apply_ok(f, l, N(l), 0);
    expect_content(f, "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
    assert_int_equal(tu_lstat(f->root, "home/u", &a), 0);
    assert_true(S_ISDIR(a.st_mode));
    assert_int_equal(a.st_mode & 07777, 0700);
    assert_int_equal(tu_lstat(f->root, "home/u/run.sh", &a), 0);
    assert_int_equal(a.st_mode & 07777, 04750);
    if (geteuid() == 0) {
        assert_int_equal(a.st_uid, 1000);
        assert_int_equal(a.st_gid, 1001);
    }
    assert_int_equal(tu_lstat(f->root, "tmp", &a), 0);
    assert_int_equal(a.st_mode & 07777, 01777);
    assert_int_equal(a.st_mtime, 1640995200);
    assert_int_equal(tu_lstat(f->root, "bin", &a), 0);
    assert_true(S_ISLNK(a.st_mode));
    assert_int_equal(tu_lstat(f->root, "usr/bin/tool", &a), 0);
    assert_int_equal(tu_lstat(f->root, "usr/bin/tool2", &b), 0);
    assert_int_equal(a.st_ino, b.st_ino); /* a hard link, not a copy */
    assert_int_equal(a.st_nlink, 2);
    expect_content(f, "dotted/name.txt", "dot\n");
}

static const tentry lower[] = {
    {'d', "data", NULL, 0, 0, 0},
    {'f', "data/keep.txt", "keep\n", 0, 0, 0},
    {'f', "data/gone.txt", "gone\n", 0, 0, 0},
    {'d', "gonedir", NULL, 0, 0, 0},
    {'d', "gonedir/sub", NULL, 0, 0, 0},
    {'f', "gonedir/sub/b.txt", "b\n", 0, 0, 0},
    {'d', "opaque", NULL, 0, 0, 0},
    {'f', "opaque/old.txt", "old\n", 0, 0, 0},
    {'d', "opaque/olddir", NULL, 0, 0, 0},
    {'f', "opaque/olddir/x.txt", "x\n", 0, 0, 0},
    {'d', "opaque/kept", NULL, 0, 0, 0},
    {'f', "opaque/kept/lower.txt", "lower\n", 0, 0, 0},
    {'d', "half", NULL, 0, 0, 0},
    {'f', "half/lower.txt", "lower\n", 0, 0, 0},
};

static void test_whiteouts(void **state)
{
    fixture *f = *state;
    /* The opaque marker comes after this layer's own entries in that dir;
     * a whiteout names a file this layer wrote earlier (kept: whiteouts hide
     * lower layers only), and "half" is whited out after this layer put a
     * file into it (only the lower content goes). */
    const tentry upper[] = {
        {'f', "opaque/new.txt", "new\n", 0, 0, 0},
        {'d', "opaque/kept", NULL, 0, 0, 0},
        {'f', "opaque/kept/upper.txt", "upper\n", 0, 0, 0},
        {'f', "opaque/.wh..wh..opq", "", 0, 0, 0},
        {'f', "data/.wh.gone.txt", "", 0, 0, 0},
        {'f', "data/same.txt", "same\n", 0, 0, 0},
        {'f', "data/.wh.same.txt", "", 0, 0, 0},
        {'f', ".wh.gonedir", "", 0, 0, 0},
        {'f', "half/upper.txt", "upper\n", 0, 0, 0},
        {'f', ".wh.half", "", 0, 0, 0},
        {'f', "data/.wh.never-existed", "", 0, 0, 0},
        {'f', "data/.wh..wh.plnk", "", 0, 0, 0},
    };

    apply_ok(f, lower, N(lower), 0);
    apply_ok(f, upper, N(upper), 0);
    expect_content(f, "data/keep.txt", "keep\n");
    expect_content(f, "data/same.txt", "same\n");
    expect_absent(f, "data/gone.txt");
    expect_absent(f, "gonedir");
    expect_content(f, "opaque/new.txt", "new\n");
    expect_content(f, "opaque/kept/upper.txt", "upper\n");
    expect_absent(f, "opaque/old.txt");
    expect_absent(f, "opaque/olddir");
    expect_absent(f, "opaque/kept/lower.txt");
    expect_content(f, "half/upper.txt", "upper\n");
    expect_absent(f, "half/lower.txt");
    /* No whiteout file is ever materialised. */
    expect_absent(f, "data/.wh.gone.txt");
    expect_absent(f, ".wh.gonedir");
    expect_absent(f, "opaque/.wh..wh..opq");
    expect_absent(f, "data/.wh..wh.plnk");
    {
        char *d = xasprintf("%s/opaque", f->root);
        assert_int_equal(tu_count_entries(d), 2);
        free(d);
    }
}

static void test_dotdot_refused(void **state)
{
    fixture *f = *state;
    const tentry bad[] = {
        {'f', "ok.txt", "ok\n", 0, 0, 0},
        {'f', "../escape.txt", "pwned\n", 0, 0, 0},
    };
    const tentry bad2[] = {{'f', "a/../../escape2.txt", "pwned\n", 0, 0, 0}};
    const tentry bad_link[] = {{'h', "passwd", "../../../../etc/passwd", 0, 0, 0}};
    char *err = NULL;

    assert_int_equal(apply(f, bad, N(bad), 0, &err), EN_INVALID);
    assert_non_null(strstr(err, "../escape.txt"));
    assert_non_null(strstr(err, "escapes the root"));
    free(err);
    assert_false(tu_exists(f->base, "escape.txt"));
    assert_int_equal(apply(f, bad2, N(bad2), 0, &err), EN_INVALID);
    free(err);
    assert_false(tu_exists(f->base, "escape2.txt"));
    assert_int_equal(apply(f, bad_link, N(bad_link), 0, &err), EN_INVALID);
    assert_non_null(strstr(err, "hard link target"));
    free(err);
    assert_false(tu_exists(f->root, "passwd"));
}

static void test_symlinks_stay_inside(void **state)
{
    fixture *f = *state;
    char *outside = xasprintf("%s/outside", f->base);
    char *marker = xasprintf("/en-image-test-%ld", (long)getpid());
    const tentry l1[] = {
        {'l', "abs", "/", 0, 0, 0},
        {'l', "climb", "../../../../..", 0, 0, 0},
        {'l', "out", outside, 0, 0, 0},
        {'l', "loop1", "loop2", 0, 0, 0},
        {'l', "loop2", "loop1", 0, 0, 0},
        {'d', "etc", NULL, 0, 0, 0},
    };
    char *n1 = xasprintf("abs%s-1", marker), *n2 = xasprintf("climb%s-2", marker);
    const tentry l2[] = {
        {'f', n1, "inside\n", 0, 0, 0},
        {'f', n2, "inside\n", 0, 0, 0},
        {'f', "out/pwned.txt", "inside\n", 0, 0, 0},
        {'f', "abs/etc/hostname", "inside\n", 0, 0, 0},
        {'h', "hl", "climb/etc/hostname", 0, 0, 0},
        {'f', "abs", "now a file\n", 0, 0, 0},
    };
    const tentry l3[] = {{'f', "loop1/x", "x\n", 0, 0, 0}};
    char *err = NULL, *m1 = xasprintf("%s-1", marker + 1), *m2 = xasprintf("%s-2", marker + 1);
    struct stat a, b;

    assert_int_equal(mkdir(outside, 0755), 0);
    apply_ok(f, l1, N(l1), 0);
    apply_ok(f, l2, N(l2), 0);
    /* Everything landed inside the root, as if it were "/". */
    expect_content(f, m1, "inside\n");
    expect_content(f, m2, "inside\n");
    expect_content(f, "etc/hostname", "inside\n");
    {
        char *moved = xasprintf("%s/pwned.txt", outside + 1);
        expect_content(f, moved, "inside\n");
        free(moved);
    }
    assert_int_equal(tu_lstat(f->root, "hl", &a), 0);
    assert_int_equal(tu_lstat(f->root, "etc/hostname", &b), 0);
    assert_int_equal(a.st_ino, b.st_ino);
    assert_int_equal(tu_count_entries(outside), 0);
    assert_false(tu_exists("/", m1));
    assert_false(tu_exists("/", m2));
    /* The last component is replaced, never followed. */
    assert_int_equal(tu_lstat(f->root, "abs", &a), 0);
    assert_true(S_ISREG(a.st_mode));
    expect_content(f, "abs", "now a file\n");
    assert_int_equal(apply(f, l3, N(l3), 0, &err), EN_INVALID);
    assert_non_null(strstr(err, "too many levels of symbolic links"));
    free(err);
    free(outside);
    free(marker);
    free(n1);
    free(n2);
    free(m1);
    free(m2);
}

static void test_type_changes(void **state)
{
    fixture *f = *state;
    const tentry l1[] = {
        {'d', "dir2file", NULL, 0, 0, 0},
        {'f', "dir2file/inner.txt", "inner\n", 0, 0, 0},
        {'f', "file2dir", "file\n", 0, 0, 0},
        {'l', "link2file", "/etc", 0, 0, 0},
        {'d', "merge", NULL, 0755, 0, 0},
        {'f', "merge/a.txt", "a\n", 0, 0, 0},
    };
    const tentry l2[] = {
        {'f', "dir2file", "now a file\n", 0, 0, 0},
        {'d', "file2dir", NULL, 0, 0, 0},
        {'f', "file2dir/x.txt", "x\n", 0, 0, 0},
        {'f', "link2file", "plain\n", 0, 0, 0},
        {'d', "merge", NULL, 0700, 0, 0},
        {'f', "merge/b.txt", "b\n", 0, 0, 0},
    };
    struct stat sb;

    apply_ok(f, l1, N(l1), 0);
    apply_ok(f, l2, N(l2), 0);
    expect_content(f, "dir2file", "now a file\n");
    expect_content(f, "file2dir/x.txt", "x\n");
    expect_content(f, "link2file", "plain\n");
    /* Directories merge, and take the upper layer's mode. */
    expect_content(f, "merge/a.txt", "a\n");
    expect_content(f, "merge/b.txt", "b\n");
    assert_int_equal(tu_lstat(f->root, "merge", &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0700);
}

static void test_compressed_layers(void **state)
{
    fixture *f = *state;
    const tentry g[] = {{'f', "gz.txt", "gzip\n", 0, 0, 0}};
    const tentry z[] = {{'f', "zstd.txt", "zstd\n", 0, 0, 0}};
    const tentry x[] = {{'f', "xz.txt", "xz\n", 0, 0, 0}};
    const tentry b[] = {{'f', "bz2.txt", "bzip2\n", 0, 0, 0}};
    const tentry Z[] = {{'f', "Z.txt", "compress\n", 0, 0, 0}};
    char *err = NULL;

    /* The four compressions image layers come in (docker's and OCI's). */
    apply_ok(f, g, N(g), 'g');
    apply_ok(f, z, N(z), 'z');
    apply_ok(f, x, N(x), 'x');
    apply_ok(f, b, N(b), 'b');
    expect_content(f, "gz.txt", "gzip\n");
    expect_content(f, "zstd.txt", "zstd\n");
    expect_content(f, "xz.txt", "xz\n");
    expect_content(f, "bz2.txt", "bzip2\n");
    /* Others (here compress(1)) are not read: a clear refusal. */
    assert_int_equal(apply(f, Z, N(Z), 'Z', &err), EN_INVALID);
    assert_string_equal(err, "cannot read layer: Unrecognized archive format");
    free(err);
}

static void test_garbage_refused(void **state)
{
    fixture *f = *state;
    char *path = xasprintf("%s/garbage", f->base), *err = NULL, junk[4096];

    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 7 + 3);
    tu_write_file(path, junk, sizeof junk);
    assert_int_equal(image__apply_layer(f->root, path, &err), EN_INVALID);
    assert_non_null(err);
    free(err);
    free(path);
}

static void test_rmtree_does_not_follow(void **state)
{
    fixture *f = *state;
    char *keep = xasprintf("%s/keep", f->base), *victim = xasprintf("%s/victim", f->base);
    char *link = xasprintf("%s/victim/link", f->base);

    (void)state;
    assert_int_equal(mkdir(keep, 0755), 0);
    {
        char *file = xasprintf("%s/keep/file", f->base);
        tu_write_file(file, "k", 1);
        free(file);
    }
    assert_int_equal(mkdir(victim, 0755), 0);
    assert_int_equal(symlink(keep, link), 0);
    assert_int_equal(image__rmtree(victim), 0);
    assert_false(tu_exists(f->base, "victim"));
    assert_true(tu_exists(f->base, "keep/file"));
    assert_int_equal(image__rmtree(victim), 0); /* absent is fine */
    free(keep);
    free(victim);
    free(link);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_metadata_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_whiteouts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dotdot_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlinks_stay_inside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_type_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compressed_layers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rmtree_does_not_follow, setup, teardown),
    };
    log_set_level(LOG_ERROR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
