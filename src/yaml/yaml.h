/*
 * yaml.h -- YAML documents to JSON values (libyaml), for request bodies sent
 * as application/yaml, kubeconfig files, and registry configuration.
 *
 * Follows YAML 1.1 core scalars as Kubernetes' sigs.k8s.io/yaml does:
 * unquoted true/false/null/~, integers and floats become JSON scalars,
 * quoted scalars stay strings.  Anchors/aliases are refused (billion-laughs
 * protection), as are documents nested deeper than YAML_MAX_DEPTH.
 */
#ifndef EVERYNODE_YAML_H
#define EVERYNODE_YAML_H

#include <jansson.h>
#include <stddef.h>

#define YAML_MAX_DEPTH 100

/*
 * Parse the first document of buf.  Returns 0 and *out (new reference), or
 * EN_INVALID with *err (new string, e.g. "yaml: line 3: mapping values are
 * not allowed in this context") that the caller frees.
 */
int yaml_to_json(const char *buf, size_t len, json_t **out, char **err);
/* Serialise a JSON value as block YAML (keys in object order); caller frees. */
char *yaml_from_json(json_t *v);

#endif /* EVERYNODE_YAML_H */
