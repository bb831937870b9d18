/*
 * core.h -- the small toolbox every other module of everynode stands on.
 *
 * Error codes (one X-macro table giving code and message), aborting
 * allocation helpers, structured logging to stderr, RFC 3339 time, random
 * UIDs, base64, a growable string buffer and a few jansson helpers.  Nothing
 * in here knows about Kubernetes objects or HTTP; modules above may use all
 * of it.
 *
 * Conventions used across the project (see ../shared/STYLE.md):
 *   - functions return int: 0 (EN_OK) on success, a negative EN_* code on
 *     failure;
 *   - out-of-memory aborts the process with a message (xmalloc & co.), so
 *     callers never check for NULL from x* allocators;
 *   - *_free(NULL) and *_release(NULL) are no-ops.
 */
#ifndef EVERYNODE_CORE_H
#define EVERYNODE_CORE_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* ---- errors ------------------------------------------------------------ */

/* X(name, value, message).  Values are negative; 0 is success. */
#define EN_ERRNO_MAP(X)                                                                            \
    X(EN_NOMEM, -1, "out of memory")                                                               \
    X(EN_NOTFOUND, -2, "not found")                                                                \
    X(EN_EXISTS, -3, "already exists")                                                             \
    X(EN_CONFLICT, -4, "revision conflict")                                                        \
    X(EN_INVALID, -5, "invalid input")                                                             \
    X(EN_COMPACTED, -6, "revision has been compacted")                                             \
    X(EN_IO, -7, "input/output error")                                                             \
    X(EN_TOOLARGE, -8, "too large")                                                                \
    X(EN_CLOSED, -9, "closed")                                                                     \
    X(EN_BUSY, -10, "busy")                                                                        \
    X(EN_UNSUPPORTED, -11, "unsupported")                                                          \
    X(EN_TIMEOUT, -12, "timed out")                                                                \
    X(EN_INTERNAL, -13, "internal error")

enum en_err {
    EN_OK = 0,
#define EN__ENUM(name, val, msg) name = val,
    EN_ERRNO_MAP(EN__ENUM)
#undef EN__ENUM
};

/* Static message for an EN_* code; never NULL. */
const char *en_strerror(int code);

/* ---- memory ------------------------------------------------------------ */

/* Allocate or abort with a message: the server cannot do anything useful
 * once malloc fails, and checking every call would hide the real logic. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Abort with a message: for broken invariants and exhausted memory only. */
void en_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ---- logging ----------------------------------------------------------- */

/* One line per call on stderr: `ts=... level=info comp=store msg="..." k=v`.
 * fmt formats the message; key/value pairs go inside fmt by the caller as
 * needed.  Thread-safe (one write(2) per line). */
enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };
void log_set_level(enum log_level lvl);
void log_msg(enum log_level lvl, const char *comp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define log_debug(comp, ...) log_msg(LOG_DEBUG, comp, __VA_ARGS__)
#define log_info(comp, ...) log_msg(LOG_INFO, comp, __VA_ARGS__)
#define log_warn(comp, ...) log_msg(LOG_WARN, comp, __VA_ARGS__)
#define log_error(comp, ...) log_msg(LOG_ERROR, comp, __VA_ARGS__)

/* ---- time -------------------------------------------------------------- */

/* Wall clock seconds (for timestamps) and monotonic milliseconds/ns. */
int64_t time_now_unix(void);
int64_t time_mono_ms(void);
/* The CLOCK_REALTIME instant ms milliseconds from now, as
 * pthread_cond_timedwait wants its deadline. */
struct timespec time_deadline_in_ms(int64_t ms);
int64_t time_mono_ns(void);
/* Format unix seconds as RFC 3339 "2006-01-02T15:04:05Z" into buf (>= 21). */
void time_format_rfc3339(int64_t unix_sec, char *buf, size_t len);
/* Same with microseconds "2006-01-02T15:04:05.000000Z" (buf >= 28). */
void time_format_rfc3339_micro(int64_t unix_usec, char *buf, size_t len);
/* Parse RFC 3339 (Z or +hh:mm offset, optional fraction); EN_INVALID if bad. */
int time_parse_rfc3339(const char *s, int64_t *unix_sec);
/* Human age as kubectl prints it (HumanDuration): "0s", "5m", "3h2m", "4d". */
void time_human_duration(int64_t seconds, char *buf, size_t len);

/* ---- identifiers ------------------------------------------------------- */

/* Random RFC 4122 v4 UUID, 36 chars + NUL, into buf (>= 37). */
void uid_new(char *buf);
/* n random characters from Kubernetes' generateName alphabet
 * "bcdfghjklmnpqrstvwxz2456789" into buf (buf holds n+1). */
void uid_random_suffix(char *buf, size_t n);

/* ---- files ----------------------------------------------------------- */

/* mkdir -p: create path and its missing parents with mode (existing ones are
 * left as they are).  0, or EN_IO with errno from the mkdir that failed. */
int fs_mkdir_p(const char *path, unsigned mode);
/* Read the whole file at path (at most max bytes) into *out, a new
 * NUL-terminated string the caller frees, its length in *len (may be NULL).
 * 0; EN_IO with errno set when it cannot be opened or read; EN_TOOLARGE when
 * it holds more than max bytes.  *out is NULL on failure. */
int fs_read_file(const char *path, size_t max, char **out, size_t *len);

/* ---- base64 ------------------------------------------------------------ */

/* Standard base64 (RFC 4648 section 4: "+/" alphabet, '=' padding) of n bytes;
 * a new NUL-terminated string the caller frees. */
char *en_base64_encode(const void *data, size_t n);
/* Decode n characters of standard base64.  The text must be whole groups of
 * four letters of that alphabet, padded with one or two '=' at the very end
 * when needed, with the unused bits of the last letter zero (as every encoder
 * writes them); whitespace, a '=' anywhere else or any other character make
 * it EN_INVALID (and *out NULL).  On success *out is a new buffer the caller
 * frees, holding *out_len bytes (out_len may be NULL) and a NUL after them,
 * so text decodes to a C string (which a NUL inside would cut short). */
int en_base64_decode(const char *in, size_t n, char **out, size_t *out_len);

/* ---- string buffer ----------------------------------------------------- */

/* Growable NUL-terminated byte buffer.  sbuf_init() allocates nothing;
 * sbuf_release() frees the contents; sbuf_detach() hands them to the caller. */
typedef struct sbuf {
    char *buf;  /* NUL-terminated contents (NULL until first append) */
    size_t len; /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated */
} sbuf;

void sbuf_init(sbuf *sb);
void sbuf_release(sbuf *sb);
void sbuf_append(sbuf *sb, const char *data, size_t n);
void sbuf_puts(sbuf *sb, const char *s);
void sbuf_printf(sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vprintf(sbuf *sb, const char *fmt, va_list ap);
/* Return the contents (never NULL, "" if empty); the caller frees them. */
char *sbuf_detach(sbuf *sb, size_t *len);

/* ---- JSON helpers ------------------------------------------------------ */

/* Borrowed lookup of a dotted path ("metadata.name"); NULL when any step is
 * missing or not an object.  Never allocates. */
json_t *json_path(json_t *root, const char *dotted);
/* String at path or NULL (borrowed). */
const char *json_path_str(json_t *root, const char *dotted);
/* Get-or-create the object at `key` in `obj` (borrowed result). Replaces a
 * non-object value. */
json_t *json_obj_ensure(json_t *obj, const char *key);
/* Compact, key-sorted serialisation used everywhere objects are stored or
 * sent; the caller frees the result. */
char *json_dump_compact(const json_t *v, size_t *len);
/* Serialisation with keys in insertion order (what we send to clients). */
char *json_dump_ordered(const json_t *v, size_t *len);

/* ---- string-keyed hash map ------------------------------------------- */

/* Open-addressing hash map from NUL-terminated string keys to pointers.  The
 * map copies keys (unless made with hmap_init_borrowed) and never owns
 * values.  Not thread-safe: callers lock. */
typedef struct hmap {
    struct hmap_slot *slots; /* cap entries; key NULL = empty, HMAP_TOMB = deleted */
    size_t cap;              /* power of two, 0 before first insert */
    size_t len;              /* live entries */
    size_t used;             /* live + tombstones (drives resizing) */
    bool borrowed;           /* keys are the caller's, not copies */
} hmap;

void hmap_init(hmap *m);
/* A map for short-lived indexes over data that outlives it: keys are not
 * copied (the caller keeps them alive and unchanged while they are in the
 * map), and room for `hint` entries is made at once, so building an index
 * of n entries costs no allocation per entry. */
void hmap_init_borrowed(hmap *m, size_t hint);
/* Make room for n live entries without further resizing. */
void hmap_reserve(hmap *m, size_t n);
/* Remove every entry but keep the room (a borrowed map frees nothing). */
void hmap_clear(hmap *m);
/* Free the map's slots and key copies (not the values). */
void hmap_release(hmap *m);
void *hmap_get(const hmap *m, const char *key);
/* Insert or replace; returns the previous value or NULL. */
void *hmap_put(hmap *m, const char *key, void *val);
/* Remove; returns the removed value or NULL. */
void *hmap_del(hmap *m, const char *key);
/* Iterate: start with *pos = 0; returns false at the end. */
bool hmap_next(const hmap *m, size_t *pos, const char **key, void **val);

#endif /* EVERYNODE_CORE_H */
