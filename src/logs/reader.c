/*
 * reader.c -- the CRI log reader (see logs.h): turns one container's log
 * files (the rotated "<path>.1", then "<path>") into the text `kubectl logs`
 * shows, with kubelet's options, as a pull-style stream the HTTP server's
 * content callback drains.
 *
 * Both files are opened at once (path first, then ".1", so a rotation in
 * between shows as the same inode and the stale ".1" is dropped) and held
 * open: a rotation while reading never loses the rest of the old file.
 * tailLines is done by a first pass counting complete lines, after which
 * the main pass skips all but the last n.  Following polls the file every
 * LOGS_POLL_MS; when "<path>" names a new inode, the old file is drained
 * and the new one opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "logs/logs.h"

/* How often a followed log is looked at for new lines. */
#define LOGS_POLL_MS 100
/* Output buffered ahead of the caller at most (one refill's worth). */
#define LOGS_OUT_CHUNK (64 * 1024)
/* A joined line longer than this is passed on unterminated, bounding the
 * memory a writer that never ends its line can make us hold. */
#define LOGS_MAX_PARTIAL (1024 * 1024)
/* A CRI entry is at most 16 KiB of content plus its header; anything much
 * longer without a newline is garbage and is dropped up to the next one. */
#define LOGS_MAX_ENTRY (256 * 1024)
/* Bytes read from a file at once. */
#define LOGS_READ_CHUNK (64 * 1024)

enum { LOGS_OLD = 0, LOGS_CUR = 1 };

struct logs_reader {
    char *path;          /* owned: the current log file */
    logs_opts opts;      /* copy of the caller's options */
    int fd[2];           /* [LOGS_OLD] = path.1 or -1, [LOGS_CUR] = path or -1 */
    ino_t cur_ino;       /* inode of fd[LOGS_CUR], to notice rotations */
    dev_t cur_dev;
    int idx;             /* file being read: LOGS_OLD or LOGS_CUR */
    bool rotated;        /* fd[LOGS_CUR] was renamed away: drain it, then reopen path */
    sbuf entry;          /* bytes of the entry being read (no newline yet) */
    bool discarding;     /* dropping an overlong entry up to its newline */
    sbuf partial[2];     /* pending "P" content per stream (stdout, stderr) */
    int64_t partial_ts[2]; /* time of the first chunk of each pending line */
    int64_t skip;        /* complete lines still to drop (tailLines) */
    sbuf out;            /* formatted output not yet handed out */
    size_t out_off;      /* bytes of out already handed out */
    int64_t emitted;     /* bytes handed out so far (limitBytes) */
    bool eof;            /* no more input will come (all read, or finished) */
    int64_t last_data_ms;  /* monotonic time input last arrived */
    int64_t last_check_ms; /* monotonic time finished() was last asked */
};

/* ---- time ---------------------------------------------------------------- */

int logs_parse_time_ns(const char *s, size_t len, int64_t *ns)
{
    char buf[64];
    int64_t sec, frac = 0;
    int digits = 0;
    const char *dot;

    if (len == 0 || len >= sizeof buf)
        return EN_INVALID;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (time_parse_rfc3339(buf, &sec))
        return EN_INVALID;
    dot = strchr(buf, '.');
    if (dot) {
        for (const char *p = dot + 1; *p >= '0' && *p <= '9'; p++) {
            if (digits < 9) {
                frac = frac * 10 + (*p - '0');
                digits++;
            }
        }
        while (digits < 9) {
            frac *= 10;
            digits++;
        }
    }
    *ns = sec * 1000000000LL + frac;
    return 0;
}

void logs_format_time_ns(int64_t ns, char *buf, size_t len)
{
    int64_t sec = ns / 1000000000LL, frac = ns % 1000000000LL;
    time_t t;
    struct tm tm;
    char base[32];

    if (frac < 0) {
        frac += 1000000000LL;
        sec--;
    }
    t = (time_t)sec;
    gmtime_r(&t, &tm);
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%09lldZ", base, (long long)frac);
}

/* ---- one CRI entry ----------------------------------------------------- */

/* One parsed line of a CRI log file; pointers into the line. */
typedef struct cri_entry {
    int64_t ts;          /* unix ns */
    int stream;          /* 0 stdout, 1 stderr */
    bool partial;        /* tag P */
    const char *content; /* not NUL-terminated */
    size_t len;
} cri_entry;

/* "TS STREAM TAG CONTENT"; the tag is "P" or "F", possibly followed by
 * ":"-separated extensions.  Returns false for anything else. */
static bool cri_parse(const char *line, size_t len, cri_entry *e)
{
    const char *end = line + len, *p = line, *f;

    f = memchr(p, ' ', (size_t)(end - p));
    if (!f || logs_parse_time_ns(p, (size_t)(f - p), &e->ts))
        return false;
    p = f + 1;
    f = memchr(p, ' ', (size_t)(end - p));
    if (!f)
        return false;
    if (f - p == 6 && memcmp(p, "stdout", 6) == 0)
        e->stream = 0;
    else if (f - p == 6 && memcmp(p, "stderr", 6) == 0)
        e->stream = 1;
    else
        return false;
    p = f + 1;
    if (p >= end || (*p != 'P' && *p != 'F'))
        return false;
    e->partial = *p == 'P';
    p++;
    if (p < end && *p != ' ' && *p != ':')
        return false; /* "Fx": not a tag we know */
    while (p < end && *p != ' ')
        p++;
    if (p < end)
        p++; /* the space before the content; an empty line may lack it */
    e->content = p;
    e->len = (size_t)(end - p);
    return true;
}

/* ---- output ------------------------------------------------------------ */

static void emit_line(logs_reader *r, int64_t ts, const char *a, size_t alen, const char *b,
                      size_t blen, bool newline)
{
    if (r->opts.since_ns && ts < r->opts.since_ns)
        return;
    if (r->opts.timestamps) {
        char tbuf[40];
        logs_format_time_ns(ts, tbuf, sizeof tbuf);
        sbuf_puts(&r->out, tbuf);
        sbuf_append(&r->out, " ", 1);
    }
    sbuf_append(&r->out, a, alen);
    sbuf_append(&r->out, b, blen);
    if (newline)
        sbuf_append(&r->out, "\n", 1);
}

static void handle_entry(logs_reader *r, const char *line, size_t len)
{
    cri_entry e;
    sbuf *pend;

    if (!cri_parse(line, len, &e))
        return; /* as kubelet: a line that does not parse is skipped */
    pend = &r->partial[e.stream];
    if (e.partial) {
        if (pend->len == 0)
            r->partial_ts[e.stream] = e.ts;
        sbuf_append(pend, e.content, e.len);
        if (pend->len >= LOGS_MAX_PARTIAL) {
            if (r->skip == 0)
                emit_line(r, r->partial_ts[e.stream], pend->buf, pend->len, "", 0, false);
            pend->len = 0;
        }
        return;
    }
    if (r->skip > 0) {
        r->skip--;
        pend->len = 0;
        return;
    }
    if (pend->len) {
        emit_line(r, r->partial_ts[e.stream], pend->buf, pend->len, e.content, e.len, true);
        pend->len = 0;
    } else {
        emit_line(r, e.ts, "", 0, e.content, e.len, true);
    }
}

/* Split buffered bytes into entries, keeping an unfinished one. */
static void handle_bytes(logs_reader *r, const char *data, size_t n)
{
    const char *p = data, *end = data + n, *nl;

    while (p < end) {
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            if (!r->discarding)
                sbuf_append(&r->entry, p, (size_t)(end - p));
            if (r->entry.len > LOGS_MAX_ENTRY) {
                r->discarding = true;
                r->entry.len = 0;
            }
            return;
        }
        if (r->discarding) {
            r->discarding = false;
        } else if (r->entry.len) {
            sbuf_append(&r->entry, p, (size_t)(nl - p));
            handle_entry(r, r->entry.buf, r->entry.len);
            r->entry.len = 0;
        } else {
            handle_entry(r, p, (size_t)(nl - p));
        }
        p = nl + 1;
    }
}

/* ---- files ------------------------------------------------------------- */

/* Complete lines with tag F in fd (pread: the offset stays at 0). */
static int64_t count_full_lines(int fd)
{
    char *buf = xmalloc(LOGS_READ_CHUNK);
    sbuf pend;
    int64_t count = 0;
    off_t off = 0;
    ssize_t got;
    cri_entry e;

    sbuf_init(&pend);
    while ((got = pread(fd, buf, LOGS_READ_CHUNK, off)) > 0) {
        const char *p = buf, *end = buf + got, *nl;
        off += got;
        while (p < end) {
            nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl) {
                if (pend.len <= LOGS_MAX_ENTRY)
                    sbuf_append(&pend, p, (size_t)(end - p));
                break;
            }
            if (pend.len) {
                sbuf_append(&pend, p, (size_t)(nl - p));
                if (cri_parse(pend.buf, pend.len, &e) && !e.partial)
                    count++;
                pend.len = 0;
            } else if (cri_parse(p, (size_t)(nl - p), &e) && !e.partial) {
                count++;
            }
            p = nl + 1;
        }
    }
    sbuf_release(&pend);
    free(buf);
    return count;
}

static int open_current(logs_reader *r)
{
    struct stat st;
    int fd = open(r->path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return errno == ENOENT ? EN_NOTFOUND : EN_IO;
    if (fstat(fd, &st)) {
        close(fd);
        return EN_IO;
    }
    r->fd[LOGS_CUR] = fd;
    r->cur_ino = st.st_ino;
    r->cur_dev = st.st_dev;
    return 0;
}

int logs_reader_open(const char *path, const logs_opts *opts, logs_reader **out)
{
    logs_reader *r = xcalloc(1, sizeof *r);
    char *old_path = xasprintf("%s.1", path);
    struct stat st;
    int rc;

    r->path = xstrdup(path);
    r->opts = *opts;
    r->fd[LOGS_OLD] = r->fd[LOGS_CUR] = -1;
    sbuf_init(&r->entry);
    sbuf_init(&r->partial[0]);
    sbuf_init(&r->partial[1]);
    sbuf_init(&r->out);
    rc = open_current(r);
    if (rc)
        goto out_free;
    r->fd[LOGS_OLD] = open(old_path, O_RDONLY | O_CLOEXEC);
    /* Rotated between the two opens: ".1" is the file just opened as
     * current, and the older ".1" is gone.  Read it once, as current. */
    if (r->fd[LOGS_OLD] >= 0 &&
        (fstat(r->fd[LOGS_OLD], &st) || (st.st_ino == r->cur_ino && st.st_dev == r->cur_dev))) {
        close(r->fd[LOGS_OLD]);
        r->fd[LOGS_OLD] = -1;
    }
    r->idx = r->fd[LOGS_OLD] >= 0 ? LOGS_OLD : LOGS_CUR;
    if (opts->tail_lines >= 0) {
        int64_t total = count_full_lines(r->fd[LOGS_CUR]);
        if (r->fd[LOGS_OLD] >= 0)
            total += count_full_lines(r->fd[LOGS_OLD]);
        r->skip = total > opts->tail_lines ? total - opts->tail_lines : 0;
    }
    r->last_data_ms = r->last_check_ms = time_mono_ms();
    *out = r;
    r = NULL;
out_free:
    free(old_path);
    logs_reader_free(r);
    return rc;
}

void logs_reader_free(logs_reader *r)
{
    if (!r)
        return;
    for (int i = 0; i < 2; i++)
        if (r->fd[i] >= 0)
            close(r->fd[i]);
    sbuf_release(&r->entry);
    sbuf_release(&r->partial[0]);
    sbuf_release(&r->partial[1]);
    sbuf_release(&r->out);
    free(r->path);
    free(r);
}

/* Has "<path>" been renamed away from the file we hold? */
static bool was_rotated(logs_reader *r)
{
    struct stat st;
    if (stat(r->path, &st))
        return errno == ENOENT;
    return st.st_ino != r->cur_ino || st.st_dev != r->cur_dev;
}

/*
 * Read what the files hold now into r->out (up to about LOGS_OUT_CHUNK).
 * Returns true when input arrived.  Sets r->eof when nothing more can come
 * without follow.
 */
static bool refill(logs_reader *r)
{
    char *buf = xmalloc(LOGS_READ_CHUNK);
    bool got_any = false;

    while (!r->eof && r->out.len - r->out_off < LOGS_OUT_CHUNK) {
        int fd = r->fd[r->idx];
        ssize_t got = fd >= 0 ? read(fd, buf, LOGS_READ_CHUNK) : 0;

        if (got > 0) {
            got_any = true;
            handle_bytes(r, buf, (size_t)got);
            continue;
        }
        if (got < 0 && errno == EINTR)
            continue;
        /* End of this file (or a read error, treated alike). */
        if (r->idx == LOGS_OLD) {
            r->entry.len = 0; /* an unfinished last entry of a rotated file never ends */
            r->discarding = false;
            r->idx = LOGS_CUR;
            continue;
        }
        if (!r->opts.follow) {
            r->eof = true;
            break;
        }
        if (r->rotated) {
            /* The old file is drained: go on with the new one once it exists. */
            if (fd >= 0) {
                close(fd);
                r->fd[LOGS_CUR] = -1;
                r->entry.len = 0;
                r->discarding = false;
            }
            if (open_current(r))
                break;
            r->rotated = false;
            continue;
        }
        if (fd >= 0 && was_rotated(r)) {
            r->rotated = true; /* read once more: lines written before the rename */
            continue;
        }
        break;
    }
    free(buf);
    return got_any;
}

/* Hand out buffered output, honouring limitBytes. */
static size_t drain(logs_reader *r, char *buf, size_t max)
{
    size_t n = r->out.len - r->out_off;

    if (r->opts.limit_bytes > 0 && (int64_t)n > r->opts.limit_bytes - r->emitted)
        n = (size_t)(r->opts.limit_bytes - r->emitted);
    if (n > max)
        n = max;
    memcpy(buf, r->out.buf + r->out_off, n);
    r->out_off += n;
    r->emitted += (int64_t)n;
    if (r->out_off == r->out.len)
        r->out.len = r->out_off = 0;
    return n;
}

static bool limit_reached(const logs_reader *r)
{
    return r->opts.limit_bytes > 0 && r->emitted >= r->opts.limit_bytes;
}

int logs_reader_read(logs_reader *r, char *buf, size_t max, int wait_ms, size_t *n)
{
    int64_t start = time_mono_ms(), now;

    *n = 0;
    for (;;) {
        if (limit_reached(r))
            return EN_CLOSED;
        if (r->out.len > r->out_off) {
            *n = drain(r, buf, max);
            return 0;
        }
        if (r->eof)
            return EN_CLOSED;
        now = time_mono_ms();
        if (refill(r)) {
            r->last_data_ms = now;
            continue;
        }
        if (r->out.len > r->out_off || r->eof)
            continue;
        /* Following, and nothing new. */
        if (r->opts.finished && now - r->last_data_ms >= LOGS_IDLE_CHECK_MS &&
            now - r->last_check_ms >= LOGS_IDLE_CHECK_MS) {
            r->last_check_ms = now;
            if (r->opts.finished(r->opts.finished_ctx)) {
                /* Take what was written before the writer went away. */
                refill(r);
                r->eof = true;
                continue;
            }
        }
        if (now - start >= wait_ms)
            return 0;
        int64_t left = wait_ms - (now - start);
        struct timespec ts = {0, (left < LOGS_POLL_MS ? left : LOGS_POLL_MS) * 1000000L};
        nanosleep(&ts, NULL);
    }
}
