/*
 * openapi.h -- the OpenAPI v3 documents everynode serves, and the schema
 * knowledge behind them.
 *
 * kubectl needs /openapi/v3 for `apply` (it looks for a `patch` operation
 * with x-kubernetes-group-version-kind and a `fieldValidation` parameter,
 * then lets the server validate) and for `explain` (components.schemas with
 * descriptions).  The same schemas let the server reject unknown fields
 * under fieldValidation=Strict and warn under Warn, as Kubernetes does.
 *
 * The schemas are written for everynode (schemas_*.c), covering every field
 * of the kinds served: Namespace, Node, Pod, Event, DaemonSet,
 * ControllerRevision, Lease and the types they contain.  Descriptions are
 * our own words.  Documents are built once, lazily and thread-safely, and
 * cached for the process lifetime.
 */
#ifndef EVERYNODE_OPENAPI_H
#define EVERYNODE_OPENAPI_H

#include <jansson.h>
#include <stddef.h>

/* The /openapi/v3 index: {"paths":{"api/v1":{"serverRelativeURL":
 * "/openapi/v3/api/v1?hash=..."}, "apis/apps/v1":{...}, ...}}.
 * Borrowed, immutable, valid for the process lifetime. */
json_t *openapi_index(void);
/* The document for "api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1";
 * NULL if none.  Borrowed, immutable. */
json_t *openapi_group_doc(const char *gv_path);
/* Same, pre-serialised (served on every apply); NULL if none. */
const char *openapi_group_doc_text(const char *gv_path, size_t *len);

/*
 * Strict field validation: list the fields of obj unknown to the schema of
 * group/version/kind, as paths in Kubernetes' format (`.spec.foo`,
 * `.spec.template.spec.containers[0].bogus`).  Returns a new JSON array of
 * strings (empty when all fields are known); NULL if the kind is unknown.
 */
json_t *openapi_unknown_fields(const char *group, const char *version, const char *kind,
                               json_t *obj);

/*
 * OpenAPI v2 (Swagger 2.0) -- openapi_v2.c.
 *
 * kubectl 1.27 and 1.28 read GET /openapi/v2 before `apply` (is the
 * fieldValidation query parameter on the kind's patch operation?), for
 * client-side validation, for the strategic-merge-patch metadata of apply's
 * three-way patch, and for `explain --output=plaintext-openapiv2`; later
 * kubectl fall back to it for patch metadata.  The document covers every
 * schema of the tables plus the paths of the v3 documents, encoded as
 * gnostic's openapi_v2.Document protobuf, the only form kubectl asks for.
 */

/* Content-Type kube-apiserver answers GET /openapi/v2 with. */
#define OPENAPI_V2_PROTO_CTYPE "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"

/* The encoded document and its length in *len (len may be NULL).  Built once,
 * lazily and thread-safely; borrowed, immutable, valid for the process
 * lifetime.  Never NULL (an inconsistent schema table aborts at build). */
const unsigned char *openapi_v2_proto(size_t *len);

#endif /* EVERYNODE_OPENAPI_H */
