/*
 * logs_int.h -- private declarations shared by the logs module's files.
 */
#ifndef EVERYNODE_LOGS_INT_H
#define EVERYNODE_LOGS_INT_H

#include <stdbool.h>

#include "logs/logs.h"

/* Where one container's log was found (find.c). */
typedef struct logs_loc {
    char *pod_dir;       /* owned: logs_dir/<ns>_<pod>_<uid> */
    char *container_dir; /* owned: pod_dir/<container> */
    char *path;          /* owned: container_dir/<restart>.log */
    char *uid;           /* owned: the pod's uid (from the directory name) */
    int restart;         /* restart number of path */
    int newest;          /* highest restart number present */
} logs_loc;

void logs__loc_release(logs_loc *loc);

/* logs_find, keeping the details the server needs to know when a followed
 * log is over.  Same returns and messages as logs_find. */
int logs__find(const char *logs_dir, const char *ns, const char *pod, const char *container,
               bool previous, logs_loc *loc, bool *prev_missing, char **err);

/* The highest "<n>.log" in dir, or -1 when none. */
int logs__highest_restart(const char *dir, int below);

#endif /* EVERYNODE_LOGS_INT_H */
