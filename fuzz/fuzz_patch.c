/*
 * fuzz_patch.c -- libFuzzer driver for the three PATCH flavours
 * (patch.h): JSON Patch, JSON merge patch and strategic merge patch,
 * applied to a fixed, fully defaulted DaemonSet.
 *
 * Input: the first byte picks the flavour (and, for strategic merge, the
 * kind whose merge keys apply), the rest is the patch as JSON text.  The
 * fixed document must come out unmodified, and a successful patch must
 * produce a JSON value.  Built and run by `make fuzz`; see README.md.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "patch/patch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The document every patch is applied to (what `kubectl get ds -o json`
 * shows for a defaulted DaemonSet). */
static const char ds_text[] =
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"metadata\":{\"name\":\"web\","
    "\"namespace\":\"default\",\"uid\":\"0b6a1c2e-7d55-4e8f-9c1a-2f3b4c5d6e7f\","
    "\"resourceVersion\":\"42\",\"generation\":2,\"labels\":{\"app\":\"web\"},"
    "\"annotations\":{\"deprecated.daemonset.template.generation\":\"2\"},"
    "\"finalizers\":[\"example.com/a\"],\"ownerReferences\":[{\"apiVersion\":\"v1\","
    "\"kind\":\"Node\",\"name\":\"n1\",\"uid\":\"u1\"}]},\"spec\":{\"selector\":"
    "{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{\"key\":\"tier\",\"operator\":"
    "\"In\",\"values\":[\"a\",\"b\"]}]},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"},"
    "\"creationTimestamp\":null},\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":"
    "\"nginx:1.25\",\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"},{\"containerPort\":"
    "443,\"protocol\":\"TCP\",\"name\":\"https\"}],\"env\":[{\"name\":\"A\",\"value\":\"1\"},"
    "{\"name\":\"B\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.nodeName\"}}}],"
    "\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":\"/data\"}],\"resources\":{\"limits\":"
    "{\"cpu\":\"100m\",\"memory\":\"64Mi\"}},\"imagePullPolicy\":\"IfNotPresent\"},{\"name\":"
    "\"side\",\"image\":\"busybox:1.36\",\"args\":[\"sleep\",\"3600\"]}],\"initContainers\":"
    "[{\"name\":\"init\",\"image\":\"busybox\"}],\"volumes\":[{\"name\":\"data\",\"hostPath\":"
    "{\"path\":\"/var/data\"}},{\"name\":\"cfg\",\"emptyDir\":{}}],\"tolerations\":[{\"key\":"
    "\"node-role.kubernetes.io/control-plane\",\"operator\":\"Exists\",\"effect\":"
    "\"NoSchedule\"}],\"nodeSelector\":{\"kubernetes.io/os\":\"linux\"},\"affinity\":"
    "{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
    "{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\","
    "\"values\":[\"a\"]}]}]}}},\"restartPolicy\":\"Always\",\"dnsPolicy\":\"ClusterFirst\","
    "\"terminationGracePeriodSeconds\":30}},\"updateStrategy\":{\"type\":\"RollingUpdate\","
    "\"rollingUpdate\":{\"maxUnavailable\":1,\"maxSurge\":0}},\"revisionHistoryLimit\":10},"
    "\"status\":{\"currentNumberScheduled\":1,\"numberMisscheduled\":0,"
    "\"desiredNumberScheduled\":1,\"numberReady\":1,\"conditions\":[{\"type\":\"X\","
    "\"status\":\"True\"}]}}";

/* File-static because libFuzzer gives no context pointer: parsed once and
 * never modified (checked after every input). */
static json_t *ds;
static char *ds_dump;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const kinds[] = {"DaemonSet", "Pod", "Node", "Namespace", "Other"};
    json_t *patch, *out = NULL;
    char *err = NULL, *now;
    int rc;

    if (!ds) {
        ds = json_loads(ds_text, 0, NULL);
        if (!ds)
            abort();
        ds_dump = json_dump_compact(ds, NULL);
    }
    if (size < 1)
        return 0;
    patch = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!patch)
        return 0;
    switch (data[0] % 7) {
    case 0:
        rc = patch_json(ds, patch, &out, &err);
        break;
    case 1:
        rc = patch_merge(ds, patch, &out, &err);
        break;
    default:
        rc = patch_strategic(ds, patch, kinds[(data[0] % 7) - 2], &out, &err);
        break;
    }
    if (rc == 0) {
        if (!out || err)
            abort();
        char *s = json_dumps(out, JSON_ENCODE_ANY | JSON_COMPACT);
        free(s);
    } else if (out || !err) {
        abort();
    }
    /* Patches never modify their input document. */
    now = json_dump_compact(ds, NULL);
    if (strcmp(now, ds_dump) != 0)
        abort();
    free(now);
    json_decref(out);
    json_decref(patch);
    free(err);
    return 0;
}
