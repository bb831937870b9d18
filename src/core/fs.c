/*
 * fs.c -- file-system helpers several modules need (store, image store,
 * runtime, agent, up): creating a directory with its missing parents.
 */
#include "core.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

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
