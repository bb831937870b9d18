/*
 * patch.h -- the three PATCH flavours of the Kubernetes API.
 *
 *   patch_json       RFC 6902 JSON Patch      (application/json-patch+json)
 *   patch_merge      RFC 7386 JSON Merge Patch (application/merge-patch+json)
 *   patch_strategic  strategic merge patch    (application/strategic-merge-patch+json)
 *
 * Strategic merge patch needs to know, per kind and per field path, which
 * lists merge by a key (containers by name, ports by containerPort, ...),
 * which merge as primitive sets (finalizers) and which are replaced whole
 * (taints, tolerations, ...); that table lives in smp_schema.c.  Directives
 * handled: `$patch: replace|delete|merge`, `$setElementOrder/<list>`,
 * `$deleteFromPrimitiveList/<list>`, `$retainKeys`, null deleting a key.
 *
 * All functions leave `doc` and `patch` untouched and return a new document
 * in *out (caller decrefs).  On failure they return EN_INVALID with *err,
 * a new string in Kubernetes' wording that the caller frees.
 * (Addition: patch_json returns EN_TOOLARGE, also with *err, for a patch of
 * more than 10000 operations, which kube-apiserver answers with 413.
 * *err is NULL on success; err itself may be NULL.)
 */
#ifndef EVERYNODE_PATCH_H
#define EVERYNODE_PATCH_H

#include <jansson.h>

int patch_json(json_t *doc, json_t *patch, json_t **out, char **err);
int patch_merge(json_t *doc, json_t *patch, json_t **out, char **err);
/* kind: "DaemonSet", "Pod", "Node", "Namespace", "Event", "ControllerRevision",
 * "Lease", or anything else (then only metadata's keys are known and every
 * other list is replaced). */
int patch_strategic(json_t *doc, json_t *patch, const char *kind, json_t **out, char **err);

#endif /* EVERYNODE_PATCH_H */
