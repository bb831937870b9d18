/*
 * fs.c -- file-system helpers several modules need (store, image store,
 * runtime, agent, up, pki, client): creating a directory with its missing
 * parents, reading a small file whole.
 */
#include "core.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int fs_read_file(const char *path, size_t max, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char buf[8192];
    size_t n;
    sbuf sb;
    int rc = 0, saved_errno;

    *out = NULL;
    if (!f)
        return EN_IO;
    sbuf_init(&sb);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (sb.len + n > max) {
            rc = EN_TOOLARGE;
            goto out_close;
        }
        sbuf_append(&sb, buf, n);
    }
    if (ferror(f)) {
        rc = EN_IO;
        goto out_close;
    }
    *out = sbuf_detach(&sb, len);
out_close:
    saved_errno = errno;
    fclose(f);
    errno = saved_errno; /* the callers report the read's, not the close's */
    if (rc)
        sbuf_release(&sb);
    return rc;
}

int fs_mkdir_p(const char *path, unsigned mode)
{
    char *p = xstrdup(path);
    int rc = 0;

    /* Create each prefix ending just before a '/', then the whole path. */
    for (char *s = p + 1;; s++) {
        char c = *s;
        if (c != '/' && c != '\0')
            continue;
        *s = '\0';
        if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
            rc = EN_IO;
            break;
        }
        *s = c;
        if (c == '\0')
            break;
    }
    free(p);
    return rc;
}
