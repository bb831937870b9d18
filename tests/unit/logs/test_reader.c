/*
 * test_reader.c -- unit tests of the CRI log reader (logs.h): plain lines
 * of both streams, timestamps, partial lines joined, tailLines across the
 * rotated ".1" part, since, limitBytes, unparseable lines, following a log
 * while it is written and rotated, the finished() end of a follow, and
 * logs_find over a logs directory laid out as the agent lays it out.
 * Files are real files in a temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "logs/logs.h"

static char tmpdir[] = "/tmp/en-logs-test-XXXXXX";

/* T(s) -- a CRI timestamp s seconds after 2026-01-02T03:04:05Z, with a
 * fraction so the nine-digit formatting shows. */
#define BASE_UNIX 1767323045LL
static void ts_at(int s, char *buf, size_t len)
{
    logs_format_time_ns((BASE_UNIX + s) * 1000000000LL + 120000000LL, buf, len);
}

static char *path_of(const char *name)
{
    return xasprintf("%s/%s", tmpdir, name);
}

static void write_all(const char *path, const char *mode, const char *text)
{
    FILE *f = fopen(path, mode);
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Append one CRI line "TS STREAM TAG CONTENT". */
static void cri(sbuf *sb, int s, const char *stream, const char *tag, const char *content)
{
    char ts[40];
    ts_at(s, ts, sizeof ts);
    sbuf_printf(sb, "%s %s %s %s\n", ts, stream, tag, content);
}

/* Everything the reader yields without follow. */
static char *read_all(const char *path, const logs_opts *o)
{
    logs_reader *r = NULL;
    sbuf out;
    char buf[7]; /* small on purpose: output is handed out in pieces */
    size_t n;
    int rc;

    assert_int_equal(logs_reader_open(path, o, &r), 0);
    sbuf_init(&out);
    for (int i = 0; i < 100000; i++) {
        rc = logs_reader_read(r, buf, sizeof buf, 100, &n);
        if (rc == EN_CLOSED)
            break;
        assert_int_equal(rc, 0);
        sbuf_append(&out, buf, n);
    }
    logs_reader_free(r);
    return sbuf_detach(&out, NULL);
}

static logs_opts defaults(void)
{
    logs_opts o = {0};
    o.tail_lines = -1;
    return o;
}

static void test_time_parse_format(void **state)
{
    int64_t ns;
    char buf[40];

    assert_int_equal(logs_parse_time_ns("2026-01-02T03:04:05.123456789Z", 30, &ns), 0);
    assert_true(ns == BASE_UNIX * 1000000000LL + 123456789LL);
    logs_format_time_ns(ns, buf, sizeof buf);
    assert_string_equal(buf, "2026-01-02T03:04:05.123456789Z");
    /* Shorter fractions, no fraction, offsets. */
    assert_int_equal(logs_parse_time_ns("2026-01-02T03:04:05.5Z", 22, &ns), 0);
    assert_true(ns == BASE_UNIX * 1000000000LL + 500000000LL);
    assert_int_equal(logs_parse_time_ns("2026-01-02T03:04:05Z", 20, &ns), 0);
    assert_true(ns == BASE_UNIX * 1000000000LL);
    logs_format_time_ns(ns, buf, sizeof buf);
    assert_string_equal(buf, "2026-01-02T03:04:05.000000000Z");
    assert_int_equal(logs_parse_time_ns("2026-01-02T05:04:05.25+02:00", 28, &ns), 0);
    assert_true(ns == BASE_UNIX * 1000000000LL + 250000000LL);
    assert_int_equal(logs_parse_time_ns("2026-01-02 03:04:05Z", 20, &ns), EN_INVALID);
    assert_int_equal(logs_parse_time_ns("yesterday", 9, &ns), EN_INVALID);
    assert_int_equal(logs_parse_time_ns("", 0, &ns), EN_INVALID);
}

static void test_plain_and_streams(void **state)
{
    char *p = path_of("plain.log");
    logs_opts o = defaults();
    sbuf sb;
    char *got;

    sbuf_init(&sb);
    cri(&sb, 0, "stdout", "F", "hello");
    cri(&sb, 1, "stderr", "F", "oops");
    cri(&sb, 2, "stdout", "F", ""); /* an empty line */
    cri(&sb, 3, "stdout", "F", "  spaced  out ");
    write_all(p, "w", sb.buf);
    got = read_all(p, &o);
    assert_string_equal(got, "hello\noops\n\n  spaced  out \n");
    free(got);

    o.timestamps = true;
    got = read_all(p, &o);
    assert_string_equal(got, "2026-01-02T03:04:05.120000000Z hello\n"
                             "2026-01-02T03:04:06.120000000Z oops\n"
                             "2026-01-02T03:04:07.120000000Z \n"
                             "2026-01-02T03:04:08.120000000Z   spaced  out \n");
    free(got);
    sbuf_release(&sb);
    free(p);
}

static void test_missing_file(void **state)
{
    char *p = path_of("nosuch.log");
    logs_opts o = defaults();
    logs_reader *r = NULL;

    assert_int_equal(logs_reader_open(p, &o, &r), EN_NOTFOUND);
    assert_null(r);
    free(p);
}

static void test_partial_lines(void **state)
{
    char *p = path_of("partial.log");
    logs_opts o = defaults();
    sbuf sb;
    char *got;

    sbuf_init(&sb);
    cri(&sb, 0, "stdout", "P", "first ");
    cri(&sb, 1, "stderr", "F", "err between");  /* other stream, own line */
    cri(&sb, 2, "stdout", "P", "second ");
    cri(&sb, 3, "stdout", "F", "third");
    cri(&sb, 4, "stdout", "F:x", "tag with extension");
    write_all(p, "w", sb.buf);
    got = read_all(p, &o);
    assert_string_equal(got, "err between\nfirst second third\ntag with extension\n");
    free(got);
    /* A joined line carries the time of its first piece. */
    o.timestamps = true;
    got = read_all(p, &o);
    assert_string_equal(got, "2026-01-02T03:04:06.120000000Z err between\n"
                             "2026-01-02T03:04:05.120000000Z first second third\n"
                             "2026-01-02T03:04:09.120000000Z tag with extension\n");
    free(got);
    /* tail counts whole lines, not pieces. */
    o.timestamps = false;
    o.tail_lines = 2;
    got = read_all(p, &o);
    assert_string_equal(got, "first second third\ntag with extension\n");
    free(got);
    sbuf_release(&sb);
    free(p);
}

static void test_garbage_skipped(void **state)
{
    char *p = path_of("garbage.log");
    logs_opts o = defaults();
    sbuf sb;
    char *got;

    sbuf_init(&sb);
    cri(&sb, 0, "stdout", "F", "good 1");
    sbuf_puts(&sb, "not a cri line at all\n");
    sbuf_puts(&sb, "2026-01-02T03:04:05Z stdzzz F bad stream\n");
    sbuf_puts(&sb, "2026-01-02T03:04:05Z stdout X bad tag\n");
    sbuf_puts(&sb, "2026-01-02T03:04:05Z stdout Fx bad tag\n");
    sbuf_puts(&sb, "\n");
    cri(&sb, 1, "stdout", "F", "good 2");
    /* An unfinished last entry (the writer is mid-line) is not shown. */
    sbuf_puts(&sb, "2026-01-02T03:04:09Z stdout F unfinished");
    write_all(p, "w", sb.buf);
    got = read_all(p, &o);
    assert_string_equal(got, "good 1\ngood 2\n");
    free(got);
    sbuf_release(&sb);
    free(p);
}

/* Lines 0..9 in "rot.log.1", 10..14 in "rot.log". */
static char *make_rotated(void)
{
    char *p = path_of("rot.log"), *old = path_of("rot.log.1"), line[32];
    sbuf a, b;

    sbuf_init(&a);
    sbuf_init(&b);
    for (int i = 0; i < 10; i++) {
        snprintf(line, sizeof line, "line %d", i);
        cri(&a, i, "stdout", "F", line);
    }
    for (int i = 10; i < 15; i++) {
        snprintf(line, sizeof line, "line %d", i);
        cri(&b, i, i % 2 ? "stderr" : "stdout", "F", line);
    }
    write_all(old, "w", a.buf);
    write_all(p, "w", b.buf);
    sbuf_release(&a);
    sbuf_release(&b);
    free(old);
    return p;
}

static void test_rotated_and_tail(void **state)
{
    char *p = make_rotated();
    logs_opts o = defaults();
    char *got;
    sbuf want;

    sbuf_init(&want);
    for (int i = 0; i < 15; i++)
        sbuf_printf(&want, "line %d\n", i);
    got = read_all(p, &o);
    assert_string_equal(got, want.buf);
    free(got);

    o.tail_lines = 3; /* all from the current file */
    got = read_all(p, &o);
    assert_string_equal(got, "line 12\nline 13\nline 14\n");
    free(got);
    o.tail_lines = 7; /* reaches into the rotated part */
    got = read_all(p, &o);
    assert_string_equal(got, "line 8\nline 9\nline 10\nline 11\nline 12\nline 13\nline 14\n");
    free(got);
    o.tail_lines = 100;
    got = read_all(p, &o);
    assert_string_equal(got, want.buf);
    free(got);
    o.tail_lines = 0;
    got = read_all(p, &o);
    assert_string_equal(got, "");
    free(got);
    sbuf_release(&want);
    free(p);
}

static void test_since(void **state)
{
    char *p = make_rotated();
    logs_opts o = defaults();
    char *got;

    /* Line i is stamped BASE+i s + 0.12 s: since BASE+12 s keeps 12.. */
    o.since_ns = (BASE_UNIX + 12) * 1000000000LL;
    got = read_all(p, &o);
    assert_string_equal(got, "line 12\nline 13\nline 14\n");
    free(got);
    /* Exactly at a line's time keeps it. */
    o.since_ns = (BASE_UNIX + 4) * 1000000000LL + 120000000LL;
    o.tail_lines = -1;
    o.timestamps = true;
    got = read_all(p, &o);
    assert_non_null(strstr(got, "2026-01-02T03:04:09.120000000Z line 4\n"));
    assert_null(strstr(got, "line 3\n"));
    free(got);
    /* tail first, then since (kubelet's order). */
    o.timestamps = false;
    o.since_ns = (BASE_UNIX + 12) * 1000000000LL;
    o.tail_lines = 5;
    got = read_all(p, &o);
    assert_string_equal(got, "line 12\nline 13\nline 14\n");
    free(got);
    free(p);
}

static void test_limit_bytes(void **state)
{
    char *p = make_rotated();
    logs_opts o = defaults();
    char *got;

    o.limit_bytes = 10;
    got = read_all(p, &o);
    assert_string_equal(got, "line 0\nlin");
    free(got);
    o.limit_bytes = 1;
    got = read_all(p, &o);
    assert_string_equal(got, "l");
    free(got);
    o.limit_bytes = 14;
    o.tail_lines = 2;
    got = read_all(p, &o);
    assert_string_equal(got, "line 13\nline 1");
    free(got);
    o.limit_bytes = 40;
    o.tail_lines = 1;
    o.timestamps = true;
    got = read_all(p, &o);
    assert_string_equal(got, "2026-01-02T03:04:19.120000000Z line 14\n");
    free(got);
    free(p);
}

/* ---- follow ---------------------------------------------------------------- */

typedef struct follower {
    logs_reader *r;
    sbuf out;
    pthread_mutex_t mu;
    bool ended;
    bool done_flag; /* what finished() answers */
} follower;

static bool fin(void *ctx)
{
    follower *f = ctx;
    bool v;
    pthread_mutex_lock(&f->mu);
    v = f->done_flag;
    pthread_mutex_unlock(&f->mu);
    return v;
}

static void *follow_thread(void *arg)
{
    follower *f = arg;
    char buf[64];
    size_t n;
    for (int i = 0; i < 600; i++) { /* bounded: 600 x 50 ms */
        int rc = logs_reader_read(f->r, buf, sizeof buf, 50, &n);
        pthread_mutex_lock(&f->mu);
        if (rc == 0)
            sbuf_append(&f->out, buf, n);
        if (rc) {
            f->ended = true;
            pthread_mutex_unlock(&f->mu);
            break;
        }
        pthread_mutex_unlock(&f->mu);
    }
    return NULL;
}

/* Wait (bounded) until the follower's output contains want. */
static bool saw(follower *f, const char *want)
{
    for (int i = 0; i < 100; i++) {
        bool ok;
        pthread_mutex_lock(&f->mu);
        ok = f->out.buf && strstr(f->out.buf, want);
        pthread_mutex_unlock(&f->mu);
        if (ok)
            return true;
        usleep(50000);
    }
    return false;
}

static void test_follow_and_rotation(void **state)
{
    char *p = path_of("follow.log"), *old = path_of("follow.log.1");
    logs_opts o = defaults();
    follower f = {0};
    pthread_t th;
    sbuf sb;

    sbuf_init(&sb);
    unlink(old);
    cri(&sb, 0, "stdout", "F", "before");
    write_all(p, "w", sb.buf);
    o.follow = true;
    o.tail_lines = 1;
    o.finished = fin;
    o.finished_ctx = &f;
    pthread_mutex_init(&f.mu, NULL);
    sbuf_init(&f.out);
    assert_int_equal(logs_reader_open(p, &o, &f.r), 0);
    pthread_create(&th, NULL, follow_thread, &f);
    assert_true(saw(&f, "before\n"));

    /* New lines, including one written in two pieces. */
    sb.len = 0;
    cri(&sb, 1, "stdout", "F", "after 1");
    write_all(p, "a", sb.buf);
    assert_true(saw(&f, "after 1\n"));
    write_all(p, "a", "2026-01-02T03:04:07Z stdout F half");
    usleep(300000);
    pthread_mutex_lock(&f.mu);
    assert_null(strstr(f.out.buf, "half"));
    pthread_mutex_unlock(&f.mu);
    write_all(p, "a", " and half\n");
    assert_true(saw(&f, "half and half\n"));

    /* Rotation: the writer renames the file and begins a new one; a line
     * written to the old file just before is not lost. */
    sb.len = 0;
    cri(&sb, 3, "stdout", "F", "last in old file");
    write_all(p, "a", sb.buf);
    assert_int_equal(rename(p, old), 0);
    sb.len = 0;
    cri(&sb, 4, "stdout", "F", "first in new file");
    write_all(p, "w", sb.buf);
    assert_true(saw(&f, "last in old file\nfirst in new file\n"));

    /* The writer goes away: the stream ends after the last lines. */
    sb.len = 0;
    cri(&sb, 5, "stderr", "F", "goodbye");
    write_all(p, "a", sb.buf);
    pthread_mutex_lock(&f.mu);
    f.done_flag = true;
    pthread_mutex_unlock(&f.mu);
    pthread_join(th, NULL);
    assert_true(f.ended);
    assert_string_equal(f.out.buf, "before\nafter 1\nhalf and half\nlast in old file\n"
                                   "first in new file\ngoodbye\n");
    logs_reader_free(f.r);
    sbuf_release(&f.out);
    pthread_mutex_destroy(&f.mu);
    sbuf_release(&sb);
    free(p);
    free(old);
}

static void test_follow_tail_zero_and_limit(void **state)
{
    char *p = path_of("follow2.log");
    logs_opts o = defaults();
    logs_reader *r;
    sbuf sb, out;
    char buf[64];
    size_t n;
    int rc = 0;

    sbuf_init(&sb);
    sbuf_init(&out);
    cri(&sb, 0, "stdout", "F", "old news");
    write_all(p, "w", sb.buf);
    o.follow = true;
    o.tail_lines = 0;
    o.limit_bytes = 12;
    assert_int_equal(logs_reader_open(p, &o, &r), 0);
    /* Nothing yet: tailLines=0 skips what is there. */
    assert_int_equal(logs_reader_read(r, buf, sizeof buf, 200, &n), 0);
    assert_int_equal(n, 0);
    sb.len = 0;
    cri(&sb, 1, "stdout", "F", "fresh line one");
    write_all(p, "a", sb.buf);
    for (int i = 0; i < 50; i++) {
        rc = logs_reader_read(r, buf, sizeof buf, 100, &n);
        if (rc)
            break;
        sbuf_append(&out, buf, n);
    }
    /* limitBytes ends even a followed stream. */
    assert_int_equal(rc, EN_CLOSED);
    assert_string_equal(out.buf, "fresh line o");
    logs_reader_free(r);
    sbuf_release(&sb);
    sbuf_release(&out);
    free(p);
}

/* ---- logs_find ------------------------------------------------------------ */

static void mkdirs(const char *rel)
{
    char *p = xasprintf("%s/%s", tmpdir, rel);
    char *cmd = xasprintf("mkdir -p '%s'", p);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(p);
}

static void touch(const char *rel)
{
    char *p = xasprintf("%s/%s", tmpdir, rel);
    write_all(p, "w", "");
    free(p);
}

static void test_find(void **state)
{
    char *dir = path_of("logs"), *path = NULL, *err = NULL, *want;
    bool prev_missing;
    struct timespec t[2] = {{0, UTIME_OMIT}, {1000, 0}};
    char *old_dir = path_of("logs/default_web-abc_1111-old");

    mkdirs("logs/default_web-abc_1111-old/app");
    touch("logs/default_web-abc_1111-old/app/0.log");
    utimensat(AT_FDCWD, old_dir, t, 0); /* make it the older one */
    mkdirs("logs/default_web-abc_2222-new/app");
    touch("logs/default_web-abc_2222-new/app/0.log");
    touch("logs/default_web-abc_2222-new/app/1.log");
    touch("logs/default_web-abc_2222-new/app/3.log");
    touch("logs/default_web-abc_2222-new/app/3.log.1");
    touch("logs/default_web-abc_2222-new/app/x.log");
    mkdirs("logs/default_web-abc-2_3333/app"); /* a different pod, same prefix characters */
    touch("logs/default_web-abc-2_3333/app/9.log");

    assert_int_equal(logs_find(dir, "default", "web-abc", "app", false, &path, &prev_missing,
                               &err),
                     0);
    want = xasprintf("%s/default_web-abc_2222-new/app/3.log", dir);
    assert_string_equal(path, want);
    free(want);
    free(path);
    assert_int_equal(logs_find(dir, "default", "web-abc", "app", true, &path, &prev_missing,
                               &err),
                     0);
    want = xasprintf("%s/default_web-abc_2222-new/app/1.log", dir);
    assert_string_equal(path, want);
    free(want);
    free(path);

    /* Unknown pod, unknown container: 404-style messages. */
    assert_int_equal(logs_find(dir, "default", "nope", "app", false, &path, &prev_missing, &err),
                     EN_NOTFOUND);
    assert_string_equal(err, "pod \"nope\" does not exist");
    assert_false(prev_missing);
    free(err);
    assert_int_equal(logs_find(dir, "kube-system", "web-abc", "app", false, &path,
                               &prev_missing, &err),
                     EN_NOTFOUND);
    free(err);
    assert_int_equal(logs_find(dir, "default", "web-abc", "db", false, &path, &prev_missing,
                               &err),
                     EN_NOTFOUND);
    assert_string_equal(err, "container \"db\" not found in pod \"web-abc\"");
    free(err);

    /* No previous restart: kubelet's wording. */
    assert_int_equal(logs_find(dir, "default", "web-abc-2", "app", true, &path, &prev_missing,
                               &err),
                     EN_NOTFOUND);
    assert_true(prev_missing);
    assert_string_equal(err, "previous terminated container \"app\" in pod \"web-abc-2\" not found");
    free(err);
    free(old_dir);
    free(dir);
}

static int setup(void **state)
{
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static int teardown(void **state)
{
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);
    int rc = system(cmd);
    free(cmd);
    return rc;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_parse_format),
        cmocka_unit_test(test_plain_and_streams),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_partial_lines),
        cmocka_unit_test(test_garbage_skipped),
        cmocka_unit_test(test_rotated_and_tail),
        cmocka_unit_test(test_since),
        cmocka_unit_test(test_limit_bytes),
        cmocka_unit_test(test_follow_and_rotation),
        cmocka_unit_test(test_follow_tail_zero_and_limit),
        cmocka_unit_test(test_find),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
