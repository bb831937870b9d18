/*
 * tu_tmpdir.h -- a fresh temporary directory for each unit test whose code
 * writes files, as a cmocka setup/teardown pair:
 *
 *     cmocka_unit_test_setup_teardown(test_x, tu_tmpdir_setup, tu_tmpdir_teardown)
 *
 * The test's *state is a tu_tmpdir (owned by the pair: setup allocates it,
 * teardown removes the directory with everything in it and frees it).
 * Header-only (static functions), included by the test files that want it.
 */
#ifndef EVERYNODE_TU_TMPDIR_H
#define EVERYNODE_TU_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

#include "core/core.h"

typedef struct tu_tmpdir {
    char dir[64]; /* /tmp/en-unit-XXXXXX, made by setup */
} tu_tmpdir;

static inline int tu_tmpdir_setup(void **state)
{
    tu_tmpdir *t = xcalloc(1, sizeof *t);

    snprintf(t->dir, sizeof t->dir, "/tmp/en-unit-XXXXXX");
    if (!mkdtemp(t->dir)) {
        free(t);
        return -1; /* cmocka reports the setup as failed */
    }
    *state = t;
    return 0;
}

static inline int tu_tmpdir_teardown(void **state)
{
    tu_tmpdir *t = *state;
    char *cmd = xasprintf("rm -rf '%s'", t->dir);
    int rc = system(cmd);

    free(cmd);
    free(t);
    return rc == 0 ? 0 : -1;
}

#endif
