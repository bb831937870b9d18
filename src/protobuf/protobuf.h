/*
 * protobuf.h -- decoding Kubernetes protobuf request bodies into JSON.
 *
 * kubectl 1.32 (client-go typed clients) sends `create namespace` bodies as
 * application/vnd.kubernetes.protobuf: the magic "k8s\0" then a
 * runtime.Unknown envelope {1: TypeMeta{1: apiVersion, 2: kind}, 2: raw
 * object bytes, 3: contentEncoding, 4: contentType}.  The raw bytes are the
 * generated.proto encoding of the object.  This module turns such a body
 * into the object's JSON form, driven by a table of message descriptors
 * (field number -> JSON name and type) in pb_schema.c, so that more kinds can
 * be added as data.  Responses are always JSON; nothing here encodes.
 */
#ifndef EVERYNODE_PROTOBUF_H
#define EVERYNODE_PROTOBUF_H

#include <jansson.h>
#include <stddef.h>

/*
 * Decode a whole body (with the "k8s\0" magic).  On success returns 0 and
 * *out, a new JSON object including "apiVersion" and "kind" from the
 * envelope.  EN_UNSUPPORTED (with *err) when the kind has no descriptor,
 * EN_INVALID (with *err) for malformed bytes.  *err is a new string the
 * caller frees.  Never reads past len; bounded recursion.
 */
int pb_decode_object(const unsigned char *buf, size_t len, json_t **out, char **err);

#endif /* EVERYNODE_PROTOBUF_H */
