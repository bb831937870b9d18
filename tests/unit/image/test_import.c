/*
 * test_import.c -- unit tests of image_import (import.c) and the store
 * (store.c): docker-archive and oci-archive tarballs built here (with a
 * `docker save`-style symlinked layer, a nested multi-platform index, a
 * whiteout; compressed whole with gzip, zstd, xz or bzip2), what
 * image_lookup and image_list then report, refusal of
 * archives whose names lie about their content, persistence across
 * reopening, stale temp files swept at open, and concurrent imports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <sys/wait.h>

#include "image_testutil.h"

#define N(a) (sizeof(a) / sizeof *(a))

typedef struct fixture {
    char *dir;  /* temp dir: archives here */
    char *root; /* dir/images: the store */
    image_store *st;
} fixture;

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof *f);
    char *err = NULL;

    f->dir = tu_tmpdir();
    f->root = xasprintf("%s/images", f->dir);
    if (image_store_open(f->root, NULL, &f->st, &err) != 0) {
        fprintf(stderr, "open: %s\n", err);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    image_store_close(f->st);
    image__rmtree(f->dir);
    free(f->dir);
    free(f->root);
    free(f);
    return 0;
}

static const tentry base_layer[] = {
    {'d', "bin", NULL, 0, 0, 0},
    {'f', "bin/hello", "#!/bin/sh\necho hello\n", 0755, 0, 0},
    {'d', "etc", NULL, 0, 0, 0},
    {'f', "etc/old.conf", "old\n", 0, 0, 0},
};
static const tentry top_layer[] = {
    {'d', "etc", NULL, 0, 0, 0},
    {'f', "etc/.wh.old.conf", "", 0, 0, 0},
    {'f', "etc/new.conf", "new\n", 0, 0, 0},
};

/* A docker-archive as `docker save` writes it: <hex>.json config,
 * <id>/layer.tar layers, manifest.json; the second image's base layer is a
 * symlink to the first's, as docker does for shared layers.  The archive is
 * compressed as a whole with filter (tu_tar's letters; 0: not at all), as
 * `docker save | gzip` makes it. */
static char *make_docker_archive_z(fixture *f, const char *name, char **id_out, bool lie,
                                   char filter)
{
    size_t l1n, l2n;
    char *l1 = tu_tar(base_layer, N(base_layer), 0, &l1n);
    char *l2 = tu_tar(top_layer, N(top_layer), 0, &l2n);
    const char *layers[] = {l1, l2};
    size_t lens[] = {l1n, l2n};
    char *cfg = tu_config(layers, lens, 2, "hello");
    char id[IMAGE_DIGEST_LEN], *cfg_name, *manifest, *path = xasprintf("%s/%s", f->dir, name);
    struct archive *a = archive_write_new();
    struct archive_entry *e;

    image__sha256(cfg, strlen(cfg), id);
    cfg_name = xasprintf("%s.json", lie ? "0000000000000000000000000000000000000000000000000000000000000000" : id + 7);
    manifest = xasprintf("[{\"Config\":\"%s\",\"RepoTags\":[\"example.com/app:1\",\"app:2\"],"
                         "\"Layers\":[\"aaa/layer.tar\",\"bbb/layer.tar\"]},"
                         "{\"Config\":\"%s\",\"RepoTags\":[\"example.com/app:alias\"],"
                         "\"Layers\":[\"ccc/layer.tar\",\"bbb/layer.tar\"]}]",
                         cfg_name, cfg_name);
    archive_write_set_format_pax_restricted(a);
    tu_add_filter(a, filter);
    archive_write_open_filename(a, path);
    {
        const tblob files[] = {
            {cfg_name, cfg, strlen(cfg)},
            {"aaa/layer.tar", l1, l1n},
            {"bbb/layer.tar", l2, l2n},
            {"manifest.json", manifest, strlen(manifest)},
        };
        for (size_t i = 0; i < N(files); i++) {
            e = archive_entry_new();
            archive_entry_set_pathname(e, files[i].name);
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_perm(e, 0644);
            archive_entry_set_size(e, (la_int64_t)files[i].len);
            archive_write_header(a, e);
            archive_write_data(a, files[i].data, files[i].len);
            archive_entry_free(e);
        }
    }
    e = archive_entry_new();
    archive_entry_set_pathname(e, "ccc/layer.tar");
    archive_entry_set_filetype(e, AE_IFLNK);
    archive_entry_set_perm(e, 0777);
    archive_entry_set_symlink(e, "../aaa/layer.tar");
    archive_write_header(a, e);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    if (id_out)
        *id_out = xstrdup(id);
    free(l1);
    free(l2);
    free(cfg);
    free(cfg_name);
    free(manifest);
    return path;
}

static char *make_docker_archive(fixture *f, const char *name, char **id_out, bool lie)
{
    return make_docker_archive_z(f, name, id_out, lie, 0);
}

static void check_app_rootfs(const image_info *info)
{
    char *hello = tu_read(info->rootfs, "bin/hello"), *conf = tu_read(info->rootfs, "etc/new.conf");

    assert_non_null(hello);
    assert_string_equal(hello, "#!/bin/sh\necho hello\n");
    assert_non_null(conf);
    assert_string_equal(conf, "new\n");
    assert_false(tu_exists(info->rootfs, "etc/old.conf"));
    assert_false(tu_exists(info->rootfs, "etc/.wh.old.conf"));
    free(hello);
    free(conf);
}

static void test_docker_archive(void **state)
{
    fixture *f = *state;
    char *id = NULL, *path = make_docker_archive(f, "app.tar", &id, false), **refs = NULL;
    char *err = NULL, **list = NULL;
    image_info info;

    assert_int_equal(image_import(f->st, path, &refs, &err), 0);
    assert_string_equal(refs[0], "example.com/app:1");
    assert_string_equal(refs[1], "docker.io/library/app:2");
    assert_string_equal(refs[2], "example.com/app:alias");
    assert_null(refs[3]);
    image__strv_free(refs);

    assert_int_equal(image_lookup(f->st, "app:2", &info), 0);
    assert_string_equal(info.ref, "docker.io/library/app:2");
    assert_string_equal(info.id, id);
    assert_null(info.digest);
    assert_string_equal(json_string_value(json_array_get(json_object_get(info.config, "Cmd"), 0)),
                        "hello");
    check_app_rootfs(&info);
    image_info_release(&info);

    /* The alias image (symlinked base layer) is the same image id but its
     * layers are [base, top] as well; its rootfs is shared. */
    assert_int_equal(image_lookup(f->st, "example.com/app:alias", &info), 0);
    assert_string_equal(info.id, id);
    image_info_release(&info);

    assert_int_equal(image_list(f->st, &list), 0);
    assert_string_equal(list[0], "docker.io/library/app:2");
    assert_string_equal(list[1], "example.com/app:1");
    assert_string_equal(list[2], "example.com/app:alias");
    assert_null(list[3]);
    image__strv_free(list);

    assert_int_equal(image_lookup(f->st, "example.com/app:2", &info), EN_NOTFOUND);
    assert_int_equal(image_lookup(f->st, "Bad Ref", &info), EN_INVALID);
    free(path);
    free(id);
}

/* `docker save | gzip` (or zstd, xz, bzip2) imports as the plain archive. */
static void test_compressed_archive(void **state)
{
    fixture *f = *state;
    const char filters[] = {'g', 'z', 'x', 'b'};

    for (size_t i = 0; i < sizeof filters; i++) {
        char *name = xasprintf("app-%c.tar.c", filters[i]);
        char *id = NULL, *path = make_docker_archive_z(f, name, &id, false, filters[i]);
        char *err = NULL, **refs = NULL;
        image_info info;

        if (image_import(f->st, path, &refs, &err) != 0)
            fail_msg("import (%c): %s", filters[i], err);
        assert_string_equal(refs[0], "example.com/app:1");
        image__strv_free(refs);
        assert_int_equal(image_lookup(f->st, "example.com/app:1", &info), 0);
        assert_string_equal(info.id, id);
        check_app_rootfs(&info);
        image_info_release(&info);
        free(name);
        free(path);
        free(id);
    }
}

/* An OCI layout with a gzip layer pair, named "example.com/oci:1", and a
 * nested index "example.com/oci:multi" whose first entry is for another
 * architecture (a decoy image) and second for this host. */
static char *make_oci_archive(fixture *f, char **id_out, char **index_digest_out, bool corrupt)
{
    size_t l1n, l2n, dn;
    char *l1 = tu_tar(base_layer, N(base_layer), 'g', &l1n);
    char *l2 = tu_tar(top_layer, N(top_layer), 'z', &l2n);
    const tentry decoy_entries[] = {{'f', "decoy.txt", "wrong arch\n", 0, 0, 0}};
    char *decoy = tu_tar(decoy_entries, 1, 'g', &dn);
    const char *ul[] = {"x", "y"};
    size_t ull[] = {1, 1};
    char *cfg = tu_config(ul, ull, 2, "oci"), *dcfg = tu_config(ul, ull, 1, "decoy");
    char d_l1[IMAGE_DIGEST_LEN], d_l2[IMAGE_DIGEST_LEN], d_cfg[IMAGE_DIGEST_LEN];
    char d_dl[IMAGE_DIGEST_LEN], d_dcfg[IMAGE_DIGEST_LEN], d_man[IMAGE_DIGEST_LEN];
    char d_dman[IMAGE_DIGEST_LEN], d_nest[IMAGE_DIGEST_LEN];
    char *man, *dman, *nest, *index, *path = xasprintf("%s/oci.tar", f->dir);
    const char *arch, *variant;
    char names[8][96];

    image__host_platform(&arch, &variant);
    image__sha256(l1, l1n, d_l1);
    image__sha256(l2, l2n, d_l2);
    image__sha256(decoy, dn, d_dl);
    image__sha256(cfg, strlen(cfg), d_cfg);
    image__sha256(dcfg, strlen(dcfg), d_dcfg);
    man = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                    "\"digest\":\"%s\",\"size\":%zu},\"layers\":["
                    "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"%s\","
                    "\"size\":%zu},"
                    "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\"%s\","
                    "\"size\":%zu}]}",
                    d_cfg, strlen(cfg), d_l1, l1n, d_l2, l2n);
    dman = xasprintf("{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\",\"size\":%zu},"
                     "\"layers\":[{\"digest\":\"%s\",\"size\":%zu}]}",
                     d_dcfg, strlen(dcfg), d_dl, dn);
    image__sha256(man, strlen(man), d_man);
    image__sha256(dman, strlen(dman), d_dman);
    nest = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                     "\"manifests\":[{\"digest\":\"%s\",\"size\":%zu,\"platform\":{\"os\":\"linux\","
                     "\"architecture\":\"%s\"}},{\"digest\":\"%s\",\"size\":%zu,\"platform\":{"
                     "\"os\":\"linux\",\"architecture\":\"%s\"}}]}",
                     d_dman, strlen(dman), strcmp(arch, "s390x") ? "s390x" : "riscv64", d_man,
                     strlen(man), arch);
    image__sha256(nest, strlen(nest), d_nest);
    index = xasprintf("{\"schemaVersion\":2,\"manifests\":["
                      "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\","
                      "\"size\":%zu,\"annotations\":{\"org.opencontainers.image.ref.name\":"
                      "\"example.com/oci:1\"}},"
                      "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"%s\","
                      "\"size\":%zu,\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\","
                      "\"io.containerd.image.name\":\"example.com/oci:multi\"}},"
                      "{\"digest\":\"%s\",\"size\":1,\"annotations\":{"
                      "\"org.opencontainers.image.ref.name\":\"only-a-tag\"}}]}",
                      d_man, strlen(man), d_nest, strlen(nest), d_dman);
    snprintf(names[0], 96, "blobs/sha256/%s", d_l1 + 7);
    snprintf(names[1], 96, "blobs/sha256/%s", d_l2 + 7);
    snprintf(names[2], 96, "blobs/sha256/%s", d_cfg + 7);
    snprintf(names[3], 96, "blobs/sha256/%s", d_man + 7);
    snprintf(names[4], 96, "blobs/sha256/%s", d_dl + 7);
    snprintf(names[5], 96, "blobs/sha256/%s", d_dcfg + 7);
    snprintf(names[6], 96, "blobs/sha256/%s", d_dman + 7);
    snprintf(names[7], 96, "blobs/sha256/%s", d_nest + 7);
    if (corrupt)
        l2[l2n / 2] ^= 0x55;
    {
        const tblob files[] = {
            {"oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30},
            {"index.json", index, strlen(index)},
            {names[0], l1, l1n},
            {names[1], l2, l2n},
            {names[2], cfg, strlen(cfg)},
            {names[3], man, strlen(man)},
            {names[4], decoy, dn},
            {names[5], dcfg, strlen(dcfg)},
            {names[6], dman, strlen(dman)},
            {names[7], nest, strlen(nest)},
        };
        tu_write_archive(path, files, N(files));
    }
    if (id_out)
        *id_out = xstrdup(d_cfg);
    if (index_digest_out)
        *index_digest_out = xstrdup(d_nest);
    free(l1);
    free(l2);
    free(decoy);
    free(cfg);
    free(dcfg);
    free(man);
    free(dman);
    free(nest);
    free(index);
    return path;
}

static void test_oci_archive(void **state)
{
    fixture *f = *state;
    char *id = NULL, *nest = NULL, *path = make_oci_archive(f, &id, &nest, false);
    char **refs = NULL, *err = NULL, *by_digest;
    image_info info;

    if (image_import(f->st, path, &refs, &err) != 0)
        fail_msg("import: %s", err);
    /* The bare tag "only-a-tag" names no repository: skipped. */
    assert_string_equal(refs[0], "example.com/oci:1");
    assert_string_equal(refs[1], "example.com/oci:multi");
    assert_null(refs[2]);
    image__strv_free(refs);
    assert_int_equal(image_lookup(f->st, "example.com/oci:multi", &info), 0);
    assert_string_equal(info.id, id); /* the host's, not the decoy */
    assert_non_null(info.digest);
    assert_true(!strncmp(info.digest, "example.com/oci@", 16));
    assert_string_equal(info.digest + 16, nest);
    check_app_rootfs(&info);
    assert_false(tu_exists(info.rootfs, "decoy.txt"));
    image_info_release(&info);
    /* Looked up by the digest it was recorded with. */
    by_digest = xasprintf("example.com/oci@%s", nest);
    assert_int_equal(image_lookup(f->st, by_digest, &info), 0);
    assert_string_equal(info.id, id);
    image_info_release(&info);
    free(by_digest);
    free(path);
    free(id);
    free(nest);
}

static void expect_refused(fixture *f, const char *path, int want_rc, const char *msg_part)
{
    char **refs = (char **)1, *err = NULL, **list = NULL;
    int rc = image_import(f->st, path, &refs, &err);

    if (rc != want_rc)
        fail_msg("import of %s returned %d (%s), want %d", path, rc, err ? err : "", want_rc);
    assert_null(refs);
    assert_non_null(err);
    if (!strstr(err, msg_part))
        fail_msg("message \"%s\" lacks \"%s\"", err, msg_part);
    free(err);
    assert_int_equal(image_list(f->st, &list), 0);
    assert_null(list[0]);
    image__strv_free(list);
    {
        char *tmp = xasprintf("%s/tmp", f->root);
        assert_int_equal(tu_count_entries(tmp), 0);
        free(tmp);
    }
}

static void test_lying_archives_refused(void **state)
{
    fixture *f = *state;
    char *path = make_docker_archive(f, "lie.tar", NULL, true);
    char *oci = make_oci_archive(f, NULL, NULL, true);
    char *junk = xasprintf("%s/junk.tar", f->dir), *empty = xasprintf("%s/empty.tar", f->dir);
    char *missing = xasprintf("%s/missing.tar", f->dir);
    const tblob no_manifest[] = {{"hello.txt", "hi", 2}};
    const tblob bad_layer[] = {
        {"c.json", "{\"rootfs\":{\"diff_ids\":[\"sha256:"
                   "0000000000000000000000000000000000000000000000000000000000000000\"]}}", 0},
        {"l.tar", "not really a tar but uncompressed", 33},
        {"manifest.json", "[{\"Config\":\"c.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"l.tar\"]}]",
         0},
    };
    tblob bl[3];
    const tblob absent_layer[] = {
        {"c.json", "{}", 2},
        {"manifest.json", "[{\"Config\":\"c.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"no.tar\"]}]",
         0},
    };
    tblob al[2];

    expect_refused(f, path, EN_INVALID, "does not match its digest");
    expect_refused(f, oci, EN_INVALID, "does not match its digest");
    tu_write_file(junk, "this is not a tarball at all, not even close.....", 49);
    expect_refused(f, junk, EN_INVALID, "junk.tar");
    tu_write_archive(empty, no_manifest, 1);
    expect_refused(f, empty, EN_INVALID, "neither a docker-archive");
    memcpy(bl, bad_layer, sizeof bl);
    bl[0].len = strlen(bl[0].data);
    bl[2].len = strlen(bl[2].data);
    tu_write_archive(empty, bl, 3);
    expect_refused(f, empty, EN_INVALID, "does not match the config's diff_id");
    memcpy(al, absent_layer, sizeof al);
    al[1].len = strlen(al[1].data);
    tu_write_archive(empty, al, 2);
    expect_refused(f, empty, EN_INVALID, "no.tar is not in the archive");
    expect_refused(f, missing, EN_NOTFOUND, "missing.tar");
    free(path);
    free(oci);
    free(junk);
    free(empty);
    free(missing);
}

static void test_reopen_and_stale_temps(void **state)
{
    fixture *f = *state;
    char *path = make_docker_archive(f, "app.tar", NULL, false), *err = NULL;
    char *stale, *mine, *tmp = xasprintf("%s/tmp", f->root);
    image_info info;
    pid_t child = fork();

    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0); /* its pid is now that of a dead process */
    assert_int_equal(image_import(f->st, path, NULL, &err), 0);
    image_store_close(f->st);
    f->st = NULL;
    stale = xasprintf("%s/%ld.1.rootfs", tmp, (long)child);
    mine = xasprintf("%s/%ld.99.blob", tmp, (long)getpid());
    assert_int_equal(mkdir(stale, 0755), 0);
    tu_write_file(mine, "x", 1);
    {
        char *inner = xasprintf("%s/half-unpacked", stale);
        tu_write_file(inner, "x", 1);
        free(inner);
    }
    assert_int_equal(image_store_open(f->root, NULL, &f->st, &err), 0);
    /* The dead process's temp is gone, a live one's (ours) is left alone. */
    assert_int_equal(access(stale, F_OK), -1);
    assert_int_equal(access(mine, F_OK), 0);
    unlink(mine);
    assert_int_equal(image_lookup(f->st, "example.com/app:1", &info), 0);
    check_app_rootfs(&info);
    image_info_release(&info);
    free(stale);
    free(mine);
    free(tmp);
    free(path);
}

typedef struct import_job {
    image_store *st;
    const char *path;
    int rc;
} import_job;

static void *import_thread(void *p)
{
    import_job *j = p;
    char *err = NULL;

    j->rc = image_import(j->st, j->path, NULL, &err);
    if (j->rc)
        fprintf(stderr, "import: %s\n", err);
    free(err);
    return NULL;
}

static void test_concurrent_imports(void **state)
{
    fixture *f = *state;
    char *path = make_docker_archive(f, "app.tar", NULL, false);
    char *rootfs_dir = xasprintf("%s/rootfs/sha256", f->root), *tmp = xasprintf("%s/tmp", f->root);
    import_job jobs[4];
    pthread_t t[4];
    image_info info;

    for (int i = 0; i < 4; i++) {
        jobs[i] = (import_job){f->st, path, -1};
        pthread_create(&t[i], NULL, import_thread, &jobs[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(jobs[i].rc, 0);
    }
    assert_int_equal(tu_count_entries(rootfs_dir), 1);
    assert_int_equal(tu_count_entries(tmp), 0);
    assert_int_equal(image_lookup(f->st, "example.com/app:1", &info), 0);
    check_app_rootfs(&info);
    image_info_release(&info);
    free(rootfs_dir);
    free(tmp);
    free(path);
}

static void test_lookup_needs_rootfs(void **state)
{
    fixture *f = *state;
    char *path = make_docker_archive(f, "app.tar", NULL, false), *err = NULL;
    image_info info;

    assert_int_equal(image_import(f->st, path, NULL, &err), 0);
    assert_int_equal(image_lookup(f->st, "example.com/app:1", &info), 0);
    image__rmtree(info.rootfs);
    image_info_release(&info);
    assert_int_equal(image_lookup(f->st, "example.com/app:1", &info), EN_NOTFOUND);
    /* Importing again brings it back. */
    assert_int_equal(image_import(f->st, path, NULL, &err), 0);
    assert_int_equal(image_lookup(f->st, "example.com/app:1", &info), 0);
    image_info_release(&info);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_docker_archive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compressed_archive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oci_archive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lying_archives_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_and_stale_temps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_imports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_needs_rootfs, setup, teardown),
    };
    log_set_level(LOG_ERROR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
