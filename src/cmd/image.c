/*
 * image.c -- the `everynode image` subcommand: a node's image store from
 * the command line (the same store the agent uses, DIR/images).
 *
 *   everynode image import FILE...   docker-archive / oci-archive tarballs
 *   everynode image pull REF         from the registry or its mirrors
 *   everynode image list             every reference, with its image id
 *
 * Options (anywhere after the verb): --data-dir DIR (default
 * /var/lib/everynode/agent, the agent's), --registries FILE (registries.yaml;
 * default DIR/registries.yaml when that file exists), -v (log each registry
 * tried).  Exit status 0 on
 * success, 1 when an operation failed, 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/core.h"
#include "image/image.h"

#define IMAGE_DEFAULT_DATA_DIR "/var/lib/everynode/agent"

static void image_usage(FILE *f)
{
    fprintf(f, "Usage:\n"
               "  everynode image import FILE... [options]   import docker-archive or "
               "oci-archive tarballs\n"
               "  everynode image pull REF [options]         pull from a registry (or its "
               "mirrors)\n"
               "  everynode image list [options]             list the images of the node\n"
               "\n"
               "Options:\n"
               "  --data-dir DIR      the agent's data directory; images live in DIR/images\n"
               "                      (default " IMAGE_DEFAULT_DATA_DIR ")\n"
               "  --registries FILE   registries.yaml with mirrors and credentials (default:\n"
               "                      DIR/registries.yaml when it exists)\n"
               "  -v, --verbose       log each registry tried\n");
}

/* Short image id as `docker images` prints it. */
static const char *short_id(const char *id)
{
    static const char none[] = "<none>";

    if (!id || strncmp(id, "sha256:", 7) != 0)
        return none;
    return id + 7;
}

static int do_list(image_store *st)
{
    char **refs = NULL;
    size_t width = 9;
    int rc = image_list(st, &refs);

    if (rc) {
        fprintf(stderr, "everynode image list: %s\n", en_strerror(rc));
        return 1;
    }
    for (char **r = refs; *r; r++) {
        if (strlen(*r) > width)
            width = strlen(*r);
    }
    printf("%-*s  %-12s  %s\n", (int)width, "REFERENCE", "IMAGE ID", "DIGEST");
    for (char **r = refs; *r; r++) {
        image_info info;
        if (image_lookup(st, *r, &info) != 0) {
            printf("%-*s  %-12s  %s\n", (int)width, *r, "<missing>", "");
            continue;
        }
        printf("%-*s  %-12.12s  %s\n", (int)width, *r, short_id(info.id),
               info.digest ? strchr(info.digest, '@') + 1 : "<none>");
        image_info_release(&info);
    }
    for (char **r = refs; *r; r++)
        free(*r);
    free(refs);
    return 0;
}

static int do_pull(image_store *st, const char *ref)
{
    image_info info;
    char *err = NULL;
    int rc = image_pull(st, ref, &info, &err);

    if (rc) {
        fprintf(stderr, "everynode image pull: %s\n", err ? err : en_strerror(rc));
        free(err);
        return 1;
    }
    printf("%s %s\n", info.ref, info.id);
    image_info_release(&info);
    return 0;
}

static int do_import(image_store *st, char **files, int n)
{
    int status = 0;

    for (int i = 0; i < n; i++) {
        char **refs = NULL, *err = NULL;
        int rc = image_import(st, files[i], &refs, &err);
        if (rc) {
            fprintf(stderr, "everynode image import: %s\n", err ? err : en_strerror(rc));
            free(err);
            status = 1;
            continue;
        }
        for (char **r = refs; *r; r++) {
            image_info info;
            if (image_lookup(st, *r, &info) == 0) {
                printf("imported %s %s\n", *r, info.id);
                image_info_release(&info);
            } else {
                printf("imported %s\n", *r);
            }
            free(*r);
        }
        free(refs);
    }
    return status;
}

int cmd_image(int argc, char **argv)
{
    const char *data_dir = IMAGE_DEFAULT_DATA_DIR, *registries = NULL, *verb = NULL;
    char **args = xcalloc((size_t)argc + 1, sizeof *args);
    char *root = NULL, *default_reg = NULL, *err = NULL;
    image_store *st = NULL;
    int n = 0, status = 2, rc;

    /* Progress lines are for the agent's log; here errors say enough. */
    log_set_level(LOG_WARN);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            log_set_level(LOG_INFO);
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            image_usage(stdout);
            status = 0;
            goto out;
        } else if (!strcmp(a, "--data-dir") || !strcmp(a, "--registries")) {
            if (i + 1 >= argc || !*argv[i + 1]) {
                fprintf(stderr, "everynode image: %s needs a value\n", a);
                goto out;
            }
            if (!strcmp(a, "--data-dir"))
                data_dir = argv[++i];
            else
                registries = argv[++i];
        } else if (!strncmp(a, "--data-dir=", 11) && a[11]) {
            data_dir = a + 11;
        } else if (!strncmp(a, "--registries=", 13) && a[13]) {
            registries = a + 13;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "everynode image: unknown option '%s'\n\n", a);
            image_usage(stderr);
            goto out;
        } else if (!verb) {
            verb = a;
        } else {
            args[n++] = argv[i];
        }
    }
    if (!verb) {
        image_usage(stderr);
        goto out;
    }
    if (strcmp(verb, "import") && strcmp(verb, "pull") && strcmp(verb, "list")) {
        fprintf(stderr, "everynode image: unknown command '%s' (import, pull or list)\n", verb);
        goto out;
    }
    if ((!strcmp(verb, "import") && n < 1) || (!strcmp(verb, "pull") && n != 1) ||
        (!strcmp(verb, "list") && n != 0)) {
        fprintf(stderr, "everynode image %s: wrong number of arguments\n\n", verb);
        image_usage(stderr);
        goto out;
    }
    if (!registries) {
        default_reg = xasprintf("%s/registries.yaml", data_dir);
        if (access(default_reg, F_OK) == 0)
            registries = default_reg;
    }
    root = xasprintf("%s/images", data_dir);
    rc = image_store_open(root, registries, &st, &err);
    if (rc) {
        fprintf(stderr, "everynode image: %s\n", err ? err : en_strerror(rc));
        free(err);
        status = 1;
        goto out;
    }
    if (!strcmp(verb, "list"))
        status = do_list(st);
    else if (!strcmp(verb, "pull"))
        status = do_pull(st, args[0]);
    else
        status = do_import(st, args, n);
out:
    image_store_close(st);
    free(root);
    free(default_reg);
    free(args);
    return status;
}
