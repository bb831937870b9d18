/*
 * manifest.c -- the JSON documents of the OCI image format and Docker's
 * schema 2, as pull.c and import.c meet them: telling a manifest from an
 * index (manifest list), choosing the host's platform from an index, and
 * pulling the config and layer digests out of a manifest with every digest
 * validated (they become file names in the store).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "image/image_int.h"

#define MAX_LAYERS 1000

static const char *const manifest_types[] = {
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
};
static const char *const index_types[] = {
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.index.v1+json",
};

/* Does type (maybe with "; charset=..." after it) equal one of list? */
static bool type_in(const char *type, const char *const *list, size_t n)
{
    size_t len;

    if (!type)
        return false;
    len = strcspn(type, "; \t");
    for (size_t i = 0; i < n; i++) {
        if (strlen(list[i]) == len && !strncmp(type, list[i], len))
            return true;
    }
    return false;
}

enum image__mt image__manifest_kind(const char *content_type, json_t *doc)
{
    const char *mt = json_string_value(json_object_get(doc, "mediaType"));

    if (!json_is_object(doc))
        return IMAGE_MT_UNKNOWN;
    if (type_in(mt, manifest_types, 2))
        return IMAGE_MT_MANIFEST;
    if (type_in(mt, index_types, 2))
        return IMAGE_MT_INDEX;
    if (type_in(content_type, manifest_types, 2))
        return IMAGE_MT_MANIFEST;
    if (type_in(content_type, index_types, 2))
        return IMAGE_MT_INDEX;
    /* OCI documents may omit mediaType: go by their shape. */
    if (mt)
        return IMAGE_MT_UNKNOWN;
    if (json_integer_value(json_object_get(doc, "schemaVersion")) != 2)
        return IMAGE_MT_UNKNOWN;
    if (json_is_array(json_object_get(doc, "manifests")))
        return IMAGE_MT_INDEX;
    if (json_is_object(json_object_get(doc, "config")) &&
        json_is_array(json_object_get(doc, "layers")))
        return IMAGE_MT_MANIFEST;
    return IMAGE_MT_UNKNOWN;
}

void image__host_platform(const char **arch, const char **variant)
{
    static const struct {
        const char *machine, *arch, *variant;
    } map[] = {
        {"x86_64", "amd64", NULL},  {"aarch64", "arm64", NULL}, {"armv7l", "arm", "v7"},
        {"armv6l", "arm", "v6"},    {"i686", "386", NULL},      {"i386", "386", NULL},
        {"ppc64le", "ppc64le", NULL}, {"s390x", "s390x", NULL}, {"riscv64", "riscv64", NULL},
    };
    struct utsname u;

    *arch = "amd64";
    *variant = NULL;
    if (uname(&u) != 0)
        return;
    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        if (!strcmp(u.machine, map[i].machine)) {
            *arch = map[i].arch;
            *variant = map[i].variant;
            return;
        }
    }
}

const char *image__desc_digest(json_t *desc)
{
    const char *d = json_string_value(json_object_get(desc, "digest"));
    return image__digest_valid(d) ? d : NULL;
}

int64_t image__desc_size(json_t *desc)
{
    json_t *s = json_object_get(desc, "size");
    return json_is_integer(s) && json_integer_value(s) >= 0 ? (int64_t)json_integer_value(s) : -1;
}

int image__index_pick(json_t *index, json_t **desc, char **err)
{
    json_t *list = json_object_get(index, "manifests"), *m, *only = NULL;
    const char *arch, *variant;
    size_t i, n_without = 0;

    *desc = NULL;
    image__host_platform(&arch, &variant);
    if (!json_is_array(list)) {
        *err = xstrdup("manifest list has no \"manifests\" array");
        return EN_INVALID;
    }
    json_array_foreach(list, i, m)
    {
        json_t *p = json_object_get(m, "platform");
        const char *os = json_string_value(json_object_get(p, "os"));
        const char *a = json_string_value(json_object_get(p, "architecture"));
        const char *v = json_string_value(json_object_get(p, "variant"));

        if (!p) {
            n_without++;
            only = m;
            continue;
        }
        if (!os || !a || strcmp(os, "linux") || strcmp(a, arch))
            continue;
        /* arm64 images say v8 or nothing; 32-bit arm must match its variant. */
        if (variant && v && strcmp(v, variant))
            continue;
        *desc = m;
        break;
    }
    if (!*desc && n_without == 1)
        *desc = only; /* a single image without platform data (oci-archive indexes) */
    if (!*desc) {
        *err = xasprintf("no matching manifest for linux/%s%s%s in the manifest list entries",
                         arch, variant ? "/" : "", variant ? variant : "");
        return EN_NOTFOUND;
    }
    if (!image__desc_digest(*desc)) {
        *err = xstrdup("manifest list entry has a missing or unsupported digest");
        *desc = NULL;
        return EN_INVALID;
    }
    return 0;
}

int image__manifest_parts(json_t *manifest, const char **config, char ***layers,
                          size_t *n_layers, char **err)
{
    json_t *cfg = json_object_get(manifest, "config");
    json_t *ls = json_object_get(manifest, "layers"), *l;
    size_t i;

    *config = NULL;
    *layers = NULL;
    *n_layers = 0;
    *config = image__desc_digest(cfg);
    if (!*config) {
        *err = xstrdup("manifest has no valid config descriptor (sha256 digest)");
        return EN_INVALID;
    }
    if (!json_is_array(ls) || json_array_size(ls) > MAX_LAYERS) {
        *err = xstrdup("manifest has no valid \"layers\" array");
        *config = NULL;
        return EN_INVALID;
    }
    *layers = xcalloc(json_array_size(ls) + 1, sizeof **layers);
    json_array_foreach(ls, i, l)
    {
        const char *d = image__desc_digest(l);
        if (!d) {
            *err = xasprintf("manifest layer %zu has a missing or unsupported digest", i);
            image__strv_free(*layers);
            *layers = NULL;
            *config = NULL;
            return EN_INVALID;
        }
        (*layers)[i] = xstrdup(d);
    }
    *n_layers = json_array_size(ls);
    return 0;
}

int image__config_check(const char *data, size_t len, char **err)
{
    json_error_t je;
    json_t *doc = json_loadb(data, len, 0, &je);
    int rc = 0;

    if (!json_is_object(doc)) {
        *err = xasprintf("image config is not a JSON object%s%s", doc ? "" : ": ",
                         doc ? "" : je.text);
        rc = EN_INVALID;
    } else {
        json_t *c = json_object_get(doc, "config");
        if (c && !json_is_object(c) && !json_is_null(c)) {
            *err = xstrdup("image config: \"config\" is not an object");
            rc = EN_INVALID;
        }
    }
    json_decref(doc);
    return rc;
}
