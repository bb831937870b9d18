/*
 * test_pb_kinds.c -- unit tests of the descriptors for apps/v1 DaemonSet
 * and ControllerRevision, core/v1 Node, Event and Binding,
 * coordination.k8s.io/v1 Lease and policy/v1 Eviction (pb_schema*.c):
 * bodies encoded here as Go's generated marshaller writes them, decoded,
 * and compared with what encoding/json writes for the same Go object,
 * whole objects for the minimal cases and field by field for the full
 * ones (IntOrString as "10%" and 1, quantities, times and microtimes,
 * RawExtension data, pointer zeros, Go's nulls).  Pods are in
 * test_pb_pod.c, the decoder itself in test_protobuf.c.
 */
#include "pb_enc.h"

#include "core/core.h"

#define T0 1700000000 /* 2023-11-14T22:13:20Z */
#define T0S "'2023-11-14T22:13:20Z'"

/* ObjectMeta with every non-pointer field written, as Go does. */
static void enc_meta(pbe *e, uint32_t num, const char *name, const char *ns)
{
    pbe_begin(e, num);
    pbe_str(e, 1, name);
    pbe_str(e, 2, "");
    pbe_str(e, 3, ns);
    pbe_str(e, 4, "");
    pbe_str(e, 5, "");
    pbe_str(e, 6, "");
    pbe_int(e, 7, 0);
    pbe_empty(e, 8);
    pbe_end(e);
}

/* A container with only name and image set, all else written as zero. */
static void enc_container(pbe *e, const char *name, const char *image)
{
    pbe_begin(e, 2);
    pbe_str(e, 1, name);
    pbe_str(e, 2, image);
    pbe_str(e, 5, "");
    pbe_empty(e, 8);
    pbe_str(e, 13, "");
    pbe_str(e, 14, "");
    pbe_bool(e, 16, 0);
    pbe_bool(e, 17, 0);
    pbe_bool(e, 18, 0);
    pbe_str(e, 20, "");
    pbe_end(e);
}

/* PodTemplateSpec{metadata{labels app=x}, spec{containers[c]}} with the
 * non-pointer PodSpec fields written as zero. */
static void enc_template(pbe *e, const char *app)
{
    pbe_begin(e, 2);
    pbe_begin(e, 1);
    pbe_str(e, 1, "");
    pbe_str(e, 2, "");
    pbe_str(e, 3, "");
    pbe_empty(e, 8);
    pbe_map(e, 11, "app", app);
    pbe_end(e);
    pbe_begin(e, 2);
    enc_container(e, "c", "busybox");
    pbe_str(e, 3, "");
    pbe_str(e, 6, "");
    pbe_str(e, 8, "");
    pbe_str(e, 9, "");
    pbe_str(e, 10, "");
    pbe_bool(e, 11, 0);
    pbe_bool(e, 12, 0);
    pbe_bool(e, 13, 0);
    pbe_str(e, 16, "");
    pbe_str(e, 17, "");
    pbe_str(e, 19, "");
    pbe_str(e, 24, "");
    pbe_end(e);
    pbe_end(e);
}

/* ---- DaemonSet ------------------------------------------------------------ */

static void test_daemonset_minimal(void **state)
{
    (void)state;
    static pbe e;
    json_t *o;

    /* What client-go writes for a DaemonSet with a selector, a template and
     * nothing else; the JSON is what it writes when asked for JSON. */
    pbe_init(&e);
    enc_meta(&e, 1, "ds", "");
    pbe_begin(&e, 2);
    pbe_begin(&e, 1);
    pbe_map(&e, 1, "app", "x");
    pbe_end(&e);
    enc_template(&e, "x");
    pbe_begin(&e, 3);
    pbe_str(&e, 1, "");
    pbe_end(&e);
    pbe_int(&e, 4, 0);
    pbe_end(&e);
    pbe_begin(&e, 3);
    for (uint32_t f = 1; f <= 8; f++)
        pbe_int(&e, f, 0);
    pbe_end(&e);
    o = pbt_decode("apps/v1", "DaemonSet", &e);
    pbt_whole(o, "{'kind':'DaemonSet','apiVersion':'apps/v1','metadata':{'name':'ds',"
                 "'creationTimestamp':null},'spec':{'selector':{'matchLabels':{'app':'x'}},"
                 "'template':{'metadata':{'creationTimestamp':null,'labels':{'app':'x'}},"
                 "'spec':{'containers':[{'name':'c','image':'busybox','resources':{}}]}},"
                 "'updateStrategy':{}},'status':{'currentNumberScheduled':0,"
                 "'numberMisscheduled':0,'desiredNumberScheduled':0,'numberReady':0}}");
    json_decref(o);

    /* Only what a proto2 encoder that skips unset fields would send: the
     * same JSON except the selector, a nil pointer without omitempty. */
    pbe_init(&e);
    pbe_begin(&e, 1);
    pbe_str(&e, 1, "ds");
    pbe_end(&e);
    pbe_begin(&e, 2);
    pbe_begin(&e, 2);
    pbe_begin(&e, 2);
    pbe_begin(&e, 2);
    pbe_str(&e, 1, "c");
    pbe_end(&e);
    pbe_end(&e);
    pbe_end(&e);
    pbe_end(&e);
    o = pbt_decode("apps/v1", "DaemonSet", &e);
    pbt_whole(o, "{'kind':'DaemonSet','apiVersion':'apps/v1','metadata':{'name':'ds',"
                 "'creationTimestamp':null},'spec':{'selector':null,"
                 "'template':{'metadata':{'creationTimestamp':null},"
                 "'spec':{'containers':[{'name':'c','resources':{}}]}},"
                 "'updateStrategy':{}},'status':{'currentNumberScheduled':0,"
                 "'numberMisscheduled':0,'desiredNumberScheduled':0,'numberReady':0}}");
    json_decref(o);
}

static void enc_daemonset_full(pbe *e)
{
    pbe_init(e);
    pbe_begin(e, 1);
    pbe_str(e, 1, "fluentd");
    pbe_str(e, 3, "kube-system");
    pbe_str(e, 5, "0b5e1b5c-1111-2222-3333-444455556666");
    pbe_str(e, 6, "812");
    pbe_int(e, 7, 3);
    pbe_time(e, 8, T0, 0);
    pbe_map(e, 11, "k8s-app", "fluentd");
    pbe_map(e, 12, "deprecated.daemonset.template.generation", "3");
    pbe_end(e);
    pbe_begin(e, 2);
    pbe_begin(e, 1);
    pbe_map(e, 1, "app", "x");
    pbe_begin(e, 2);
    pbe_str(e, 1, "tier");
    pbe_str(e, 2, "In");
    pbe_str(e, 3, "a");
    pbe_str(e, 3, "b");
    pbe_end(e);
    pbe_begin(e, 2);
    pbe_str(e, 1, "canary");
    pbe_str(e, 2, "DoesNotExist");
    pbe_end(e);
    pbe_end(e);
    enc_template(e, "x");
    pbe_begin(e, 3);
    pbe_str(e, 1, "RollingUpdate");
    pbe_begin(e, 2);
    pbe_ios_str(e, 1, "10%");
    pbe_ios_int(e, 2, 0);
    pbe_end(e);
    pbe_end(e);
    pbe_int(e, 4, 10);
    pbe_int(e, 6, 10);
    pbe_end(e);
    pbe_begin(e, 3);
    pbe_int(e, 1, 3);
    pbe_int(e, 2, 0);
    pbe_int(e, 3, 3);
    pbe_int(e, 4, 2);
    pbe_int(e, 5, 3);
    pbe_int(e, 6, 3);
    pbe_int(e, 7, 2);
    pbe_int(e, 8, 1);
    pbe_int(e, 9, 0);
    pbe_begin(e, 10);
    pbe_str(e, 1, "StatusUpdate");
    pbe_str(e, 2, "True");
    pbe_time(e, 3, T0, 0);
    pbe_str(e, 4, "E2E");
    pbe_str(e, 5, "Set from e2e test");
    pbe_end(e);
    pbe_begin(e, 10);
    pbe_str(e, 1, "Other");
    pbe_str(e, 2, "Unknown");
    pbe_empty(e, 3);
    pbe_str(e, 4, "");
    pbe_str(e, 5, "");
    pbe_end(e);
    pbe_end(e);
}

static void test_daemonset_full(void **state)
{
    (void)state;
    static pbe e;
    json_t *o;

    enc_daemonset_full(&e);
    o = pbt_decode("apps/v1", "DaemonSet", &e);
    pbt_eq(o, "metadata",
           "{'name':'fluentd','namespace':'kube-system','uid':'0b5e1b5c-1111-2222-3333-444455556666',"
           "'resourceVersion':'812','generation':3,'creationTimestamp':" T0S ",'labels':{"
           "'k8s-app':'fluentd'},'annotations':{'deprecated.daemonset.template.generation':'3'}}");
    pbt_eq(o, "spec.selector",
           "{'matchLabels':{'app':'x'},'matchExpressions':[{'key':'tier','operator':'In',"
           "'values':['a','b']},{'key':'canary','operator':'DoesNotExist'}]}");
    pbt_eq(o, "spec.template",
           "{'metadata':{'creationTimestamp':null,'labels':{'app':'x'}},'spec':{'containers':[{"
           "'name':'c','image':'busybox','resources':{}}]}}");
    /* IntOrString: a string and an int, both as Go writes them */
    pbt_eq(o, "spec.updateStrategy",
           "{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':'10%','maxSurge':0}}");
    pbt_eq(o, "spec.minReadySeconds", "10");
    pbt_eq(o, "spec.revisionHistoryLimit", "10");
    pbt_eq(o, "status.currentNumberScheduled", "3");
    pbt_eq(o, "status.numberMisscheduled", "0"); /* not omitempty */
    pbt_eq(o, "status.desiredNumberScheduled", "3");
    pbt_eq(o, "status.numberReady", "2");
    pbt_eq(o, "status.observedGeneration", "3");
    pbt_eq(o, "status.updatedNumberScheduled", "3");
    pbt_eq(o, "status.numberAvailable", "2");
    pbt_eq(o, "status.numberUnavailable", "1");
    pbt_eq(o, "status.collisionCount", "0"); /* a set pointer */
    pbt_eq(o, "status.conditions",
           "[{'type':'StatusUpdate','status':'True','lastTransitionTime':" T0S ",'reason':'E2E',"
           "'message':'Set from e2e test'},{'type':'Other','status':'Unknown',"
           "'lastTransitionTime':null}]");
    pbt_keys(o, "status",
             "currentNumberScheduled,numberMisscheduled,desiredNumberScheduled,numberReady,"
             "observedGeneration,updatedNumberScheduled,numberAvailable,numberUnavailable,"
             "collisionCount,conditions");
    json_decref(o);

    /* maxUnavailable 1 as an int, no maxSurge; OnDelete without rollingUpdate */
    pbe_init(&e);
    pbe_begin(&e, 2);
    pbe_begin(&e, 3);
    pbe_str(&e, 1, "RollingUpdate");
    pbe_begin(&e, 2);
    pbe_ios_int(&e, 1, 1);
    pbe_end(&e);
    pbe_end(&e);
    pbe_end(&e);
    o = pbt_decode("apps/v1", "DaemonSet", &e);
    pbt_eq(o, "spec.updateStrategy", "{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':1}}");
    pbt_absent(o, "spec.minReadySeconds");
    pbt_absent(o, "spec.revisionHistoryLimit");
    json_decref(o);
    pbe_init(&e);
    pbe_begin(&e, 2);
    pbe_begin(&e, 3);
    pbe_str(&e, 1, "OnDelete");
    pbe_end(&e);
    pbe_end(&e);
    o = pbt_decode("apps/v1", "DaemonSet", &e);
    pbt_eq(o, "spec.updateStrategy", "{'type':'OnDelete'}");
    json_decref(o);
}

/* ---- ControllerRevision ----------------------------------------------------- */

static void test_controller_revision(void **state)
{
    (void)state;
    static pbe e;
    json_t *o;
    char *err;
    const char *patch = "{\"spec\":{\"template\":{\"$patch\":\"replace\",\"metadata\":{"
                        "\"creationTimestamp\":null,\"labels\":{\"app\":\"x\"}},\"spec\":{"
                        "\"containers\":[{\"image\":\"busybox\",\"name\":\"c\",\"resources\":{}}]}}}}";

    pbe_init(&e);
    pbe_begin(&e, 1);
    pbe_str(&e, 1, "ds-6c7b9d8f4");
    pbe_str(&e, 3, "default");
    pbe_map(&e, 11, "controller-revision-hash", "6c7b9d8f4");
    pbe_begin(&e, 13);
    pbe_str(&e, 1, "DaemonSet");
    pbe_str(&e, 3, "ds");
    pbe_str(&e, 4, "u-1");
    pbe_str(&e, 5, "apps/v1");
    pbe_bool(&e, 6, 1);
    pbe_bool(&e, 7, 1);
    pbe_end(&e);
    pbe_empty(&e, 8);
    pbe_end(&e);
    pbe_begin(&e, 2);
    pbe_str(&e, 1, patch);
    pbe_end(&e);
    pbe_int(&e, 3, 2);
    o = pbt_decode("apps/v1", "ControllerRevision", &e);
    pbt_eq(o, "metadata.ownerReferences",
           "[{'kind':'DaemonSet','name':'ds','uid':'u-1','apiVersion':'apps/v1','controller':true,"
           "'blockOwnerDeletion':true}]");
    pbt_eq(o, "revision", "2");
    {
        json_t *want = json_loads(patch, 0, NULL);
        assert_non_null(want);
        assert_true(json_equal(json_object_get(o, "data"), want));
        json_decref(want);
    }
    pbt_keys(o, "", "apiVersion,kind,metadata,data,revision");
    json_decref(o);

    /* No data: a nil RawExtension, which Go writes as null; revision 0 is
     * not omitempty. */
    pbe_init(&e);
    pbe_empty(&e, 2);
    o = pbt_decode("apps/v1", "ControllerRevision", &e);
    pbt_whole(o, "{'apiVersion':'apps/v1','kind':'ControllerRevision','metadata':{"
                 "'creationTimestamp':null},'data':null,'revision':0}");
    json_decref(o);

    /* data that is not JSON */
    pbe_init(&e);
    pbe_begin(&e, 2);
    pbe_str(&e, 1, "\x0a\x03" "abc");
    pbe_end(&e);
    err = pbt_decode_err("apps/v1", "ControllerRevision", &e);
    assert_non_null(strstr(err, "embedded JSON is invalid"));
    free(err);
}

/* ---- Node ------------------------------------------------------------------ */

static void test_node_minimal(void **state)
{
    (void)state;
    static pbe e;
    json_t *o;

    /* Go writes NodeStatus' non-pointer structs: daemonEndpoints and
     * nodeInfo appear with zero values even for an empty status. */
    pbe_init(&e);
    enc_meta(&e, 1, "n", "");
    pbe_begin(&e, 2);
    pbe_str(&e, 1, "");
    pbe_str(&e, 2, "");
    pbe_str(&e, 3, "");
    pbe_bool(&e, 4, 0);
    pbe_end(&e);
    pbe_begin(&e, 3);
    pbe_str(&e, 3, "");
    pbe_begin(&e, 6);
    pbe_begin(&e, 1);
    pbe_int(&e, 1, 0);
    pbe_end(&e);
    pbe_end(&e);
    pbe_begin(&e, 7);
    for (uint32_t f = 1; f <= 10; f++)
        pbe_str(&e, f, "");
    pbe_end(&e);
    pbe_end(&e);
    o = pbt_decode("v1", "Node", &e);
    pbt_whole(o, "{'kind':'Node','apiVersion':'v1','metadata':{'name':'n','creationTimestamp':null},"
                 "'spec':{},'status':{'daemonEndpoints':{'kubeletEndpoint':{'Port':0}},"
                 "'nodeInfo':{'machineID':'','systemUUID':'','bootID':'','kernelVersion':'',"
                 "'osImage':'','containerRuntimeVersion':'','kubeletVersion':'',"
                 "'kubeProxyVersion':'','operatingSystem':'','architecture':''}}}");
    json_decref(o);
}

static void enc_node_condition(pbe *e, const char *type, const char *status, const char *reason)
{
    pbe_begin(e, 4);
    pbe_str(e, 1, type);
    pbe_str(e, 2, status);
    pbe_time(e, 3, T0 + 60, 0);
    pbe_time(e, 4, T0, 0);
    pbe_str(e, 5, reason);
    pbe_str(e, 6, "");
    pbe_end(e);
}

static void enc_node_full(pbe *e)
{
    pbe_init(e);
    pbe_begin(e, 1);
    pbe_str(e, 1, "node-1");
    pbe_str(e, 6, "77");
    pbe_map(e, 11, "daemonset-color", "blue");
    pbe_map(e, 11, "kubernetes.io/hostname", "node-1");
    pbe_map(e, 12, "node.alpha.kubernetes.io/ttl", "0");
    pbe_empty(e, 8);
    pbe_end(e);
    pbe_begin(e, 2);
    pbe_str(e, 1, "10.244.1.0/24");
    pbe_str(e, 7, "10.244.1.0/24");
    pbe_str(e, 7, "fd00:1::/64");
    pbe_str(e, 3, "sim://node-1");
    pbe_bool(e, 4, 1);
    pbe_begin(e, 5);
    pbe_str(e, 1, "dedicated");
    pbe_str(e, 2, "infra");
    pbe_str(e, 3, "NoSchedule");
    pbe_time(e, 4, T0, 0);
    pbe_end(e);
    pbe_begin(e, 5);
    pbe_str(e, 1, "node.kubernetes.io/unreachable");
    pbe_str(e, 2, "");
    pbe_str(e, 3, "NoExecute");
    pbe_end(e);
    pbe_str(e, 2, "");
    pbe_end(e);
    pbe_begin(e, 3);
    pbe_res(e, 1, "cpu", "4");
    pbe_res(e, 1, "memory", "8Gi");
    pbe_res(e, 1, "pods", "110");
    pbe_res(e, 2, "cpu", "3800m");
    pbe_res(e, 2, "memory", "7901Mi");
    pbe_res(e, 2, "pods", "110");
    pbe_str(e, 3, "");
    enc_node_condition(e, "Ready", "True", "KubeletReady");
    enc_node_condition(e, "MemoryPressure", "False", "KubeletHasSufficientMemory");
    pbe_begin(e, 5);
    pbe_str(e, 1, "InternalIP");
    pbe_str(e, 2, "10.0.0.1");
    pbe_end(e);
    pbe_begin(e, 5);
    pbe_str(e, 1, "Hostname");
    pbe_str(e, 2, "node-1");
    pbe_end(e);
    pbe_begin(e, 6);
    pbe_begin(e, 1);
    pbe_int(e, 1, 10250);
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 7);
    pbe_str(e, 1, "m-1");
    pbe_str(e, 2, "s-1");
    pbe_str(e, 3, "b-1");
    pbe_str(e, 4, "6.1.0");
    pbe_str(e, 5, "Debian GNU/Linux 12");
    pbe_str(e, 6, "everynode://0.1");
    pbe_str(e, 7, "v1.32.0");
    pbe_str(e, 8, "");
    pbe_str(e, 9, "linux");
    pbe_str(e, 10, "amd64");
    pbe_begin(e, 11);
    pbe_int(e, 1, 0);
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 8);
    pbe_str(e, 1, "docker.io/library/busybox@sha256:0123");
    pbe_str(e, 1, "docker.io/library/busybox:1.36");
    pbe_int(e, 2, 4261574);
    pbe_end(e);
    pbe_begin(e, 8);
    pbe_int(e, 2, 0);
    pbe_end(e);
    pbe_str(e, 9, "kubernetes.io/csi/vol-1");
    pbe_begin(e, 10);
    pbe_str(e, 1, "kubernetes.io/csi/vol-1");
    pbe_str(e, 2, "/dev/sdb");
    pbe_end(e);
    pbe_begin(e, 12);
    pbe_str(e, 1, "runc");
    pbe_begin(e, 2);
    pbe_bool(e, 1, 1);
    pbe_bool(e, 2, 0);
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 13);
    pbe_bool(e, 1, 1);
    pbe_end(e);
    pbe_end(e);
}

static void test_node_full(void **state)
{
    (void)state;
    static pbe e;
    json_t *o;

    enc_node_full(&e);
    o = pbt_decode("v1", "Node", &e);
    pbt_eq(o, "metadata",
           "{'name':'node-1','resourceVersion':'77','labels':{'daemonset-color':'blue',"
           "'kubernetes.io/hostname':'node-1'},'annotations':{'node.alpha.kubernetes.io/ttl':'0'},"
           "'creationTimestamp':null}");
    pbt_eq(o, "spec",
           "{'podCIDR':'10.244.1.0/24','podCIDRs':['10.244.1.0/24','fd00:1::/64'],"
           "'providerID':'sim://node-1','unschedulable':true,'taints':[{'key':'dedicated',"
           "'value':'infra','effect':'NoSchedule','timeAdded':" T0S "},{'key':"
           "'node.kubernetes.io/unreachable','effect':'NoExecute'}]}");
    pbt_eq(o, "status.capacity", "{'cpu':'4','memory':'8Gi','pods':'110'}");
    pbt_eq(o, "status.allocatable", "{'cpu':'3800m','memory':'7901Mi','pods':'110'}");
    pbt_absent(o, "status.phase");
    pbt_eq(o, "status.conditions[0]",
           "{'type':'Ready','status':'True','lastHeartbeatTime':'2023-11-14T22:14:20Z',"
           "'lastTransitionTime':" T0S ",'reason':'KubeletReady'}");
    pbt_eq(o, "status.conditions[1].type", "'MemoryPressure'");
    pbt_eq(o, "status.addresses",
           "[{'type':'InternalIP','address':'10.0.0.1'},{'type':'Hostname','address':'node-1'}]");
    pbt_eq(o, "status.daemonEndpoints", "{'kubeletEndpoint':{'Port':10250}}");
    pbt_eq(o, "status.nodeInfo",
           "{'machineID':'m-1','systemUUID':'s-1','bootID':'b-1','kernelVersion':'6.1.0',"
           "'osImage':'Debian GNU/Linux 12','containerRuntimeVersion':'everynode://0.1',"
           "'kubeletVersion':'v1.32.0','kubeProxyVersion':'','operatingSystem':'linux',"
           "'architecture':'amd64','swap':{'capacity':0}}");
    /* ContainerImage.names has no omitempty: an image without names has
     * "names":null, as Go writes a nil slice */
    pbt_eq(o, "status.images",
           "[{'names':['docker.io/library/busybox@sha256:0123','docker.io/library/busybox:1.36'],"
           "'sizeBytes':4261574},{'names':null}]");
    pbt_eq(o, "status.volumesInUse", "['kubernetes.io/csi/vol-1']");
    pbt_eq(o, "status.volumesAttached", "[{'name':'kubernetes.io/csi/vol-1','devicePath':'/dev/sdb'}]");
    pbt_eq(o, "status.runtimeHandlers",
           "[{'name':'runc','features':{'recursiveReadOnlyMounts':true,'userNamespaces':false}}]");
    pbt_eq(o, "status.features", "{'supplementalGroupsPolicy':true}");
    pbt_keys(o, "status",
             "capacity,allocatable,conditions,addresses,daemonEndpoints,nodeInfo,images,"
             "volumesInUse,volumesAttached,runtimeHandlers,features");
    json_decref(o);
}

/* ---- Event, Lease, Binding, Eviction ------------------------------------------ */

static void test_event(void **state)
{
    (void)state;
    static pbe e;
    json_t *o;

    pbe_init(&e);
    enc_meta(&e, 1, "web-0.17a1", "default");
    pbe_begin(&e, 2);
    pbe_str(&e, 1, "Pod");
    pbe_str(&e, 2, "default");
    pbe_str(&e, 3, "web-0");
    pbe_str(&e, 4, "u-2");
    pbe_str(&e, 5, "v1");
    pbe_str(&e, 6, "33");
    pbe_str(&e, 7, "spec.containers{app}");
    pbe_end(&e);
    pbe_str(&e, 3, "Pulled");
    pbe_str(&e, 4, "Successfully pulled image \"busybox\"");
    pbe_begin(&e, 5);
    pbe_str(&e, 1, "kubelet");
    pbe_str(&e, 2, "node-1");
    pbe_end(&e);
    pbe_time(&e, 6, T0, 0);
    pbe_time(&e, 7, T0 + 5, 0);
    pbe_int(&e, 8, 2);
    pbe_str(&e, 9, "Normal");
    pbe_empty(&e, 10); /* zero eventTime: null */
    pbe_begin(&e, 11);
    pbe_int(&e, 1, 2);
    pbe_time(&e, 2, T0 + 5, 123456789);
    pbe_end(&e);
    pbe_str(&e, 12, "");
    pbe_str(&e, 14, "kubelet");
    pbe_str(&e, 15, "node-1");
    o = pbt_decode("v1", "Event", &e);
    pbt_whole(o, "{'kind':'Event','apiVersion':'v1','metadata':{'name':'web-0.17a1','namespace':"
                 "'default','creationTimestamp':null},'involvedObject':{'kind':'Pod','namespace':"
                 "'default','name':'web-0','uid':'u-2','apiVersion':'v1','resourceVersion':'33',"
                 "'fieldPath':'spec.containers{app}'},'reason':'Pulled','message':'Successfully "
                 "pulled image \\\"busybox\\\"','source':{'component':'kubelet','host':'node-1'},"
                 "'firstTimestamp':" T0S ",'lastTimestamp':'2023-11-14T22:13:25Z','count':2,"
                 "'type':'Normal','eventTime':null,'series':{'count':2,'lastObservedTime':"
                 "'2023-11-14T22:13:25.123456Z'},'reportingComponent':'kubelet',"
                 "'reportingInstance':'node-1'}");
    json_decref(o);

    /* An empty Event: Go's zero values for its non-omitempty fields. */
    pbe_init(&e);
    o = pbt_decode("v1", "Event", &e);
    pbt_whole(o, "{'kind':'Event','apiVersion':'v1','metadata':{'creationTimestamp':null},"
                 "'involvedObject':{},'source':{},'firstTimestamp':null,'lastTimestamp':null,"
                 "'eventTime':null,'reportingComponent':'','reportingInstance':''}");
    json_decref(o);
}

static void test_lease(void **state)
{
    (void)state;
    static pbe e;
    json_t *o;

    pbe_init(&e);
    pbe_begin(&e, 1);
    pbe_str(&e, 1, "node-1");
    pbe_str(&e, 3, "kube-node-lease");
    pbe_begin(&e, 13);
    pbe_str(&e, 1, "Node");
    pbe_str(&e, 3, "node-1");
    pbe_str(&e, 4, "u-3");
    pbe_str(&e, 5, "v1");
    pbe_end(&e);
    pbe_empty(&e, 8);
    pbe_end(&e);
    pbe_begin(&e, 2);
    pbe_str(&e, 1, "node-1");
    pbe_int(&e, 2, 40);
    pbe_time(&e, 4, T0, 500000000);
    pbe_int(&e, 5, 0);
    pbe_end(&e);
    o = pbt_decode("coordination.k8s.io/v1", "Lease", &e);
    pbt_whole(o, "{'kind':'Lease','apiVersion':'coordination.k8s.io/v1','metadata':{'name':"
                 "'node-1','namespace':'kube-node-lease','ownerReferences':[{'apiVersion':'v1',"
                 "'kind':'Node','name':'node-1','uid':'u-3'}],'creationTimestamp':null},'spec':{"
                 "'holderIdentity':'node-1','leaseDurationSeconds':40,'renewTime':"
                 "'2023-11-14T22:13:20.500000Z','leaseTransitions':0}}");
    json_decref(o);
    /* the group matters */
    char *err;
    pbe_init(&e);
    {
        static pbe body;
        json_t *out = NULL;
        pbe_envelope(&body, "v1", "Lease", &e);
        assert_int_equal(pb_decode_object(body.b, body.n, &out, &err), EN_UNSUPPORTED);
        assert_non_null(strstr(err, "no decoder for kind Lease in version v1"));
        free(err);
    }
}

static void test_binding_and_eviction(void **state)
{
    (void)state;
    static pbe e;
    json_t *o;

    pbe_init(&e);
    enc_meta(&e, 1, "web-0", "default");
    pbe_begin(&e, 2);
    pbe_str(&e, 1, "Node");
    pbe_str(&e, 2, "");
    pbe_str(&e, 3, "node-1");
    pbe_str(&e, 4, "");
    pbe_str(&e, 5, "");
    pbe_str(&e, 6, "");
    pbe_str(&e, 7, "");
    pbe_end(&e);
    o = pbt_decode("v1", "Binding", &e);
    pbt_whole(o, "{'kind':'Binding','apiVersion':'v1','metadata':{'name':'web-0','namespace':"
                 "'default','creationTimestamp':null},'target':{'kind':'Node','name':'node-1'}}");
    json_decref(o);

    pbe_init(&e);
    enc_meta(&e, 1, "web-0", "default");
    pbe_begin(&e, 2);
    pbe_int(&e, 1, 0);
    pbe_end(&e);
    o = pbt_decode("policy/v1", "Eviction", &e);
    pbt_whole(o, "{'kind':'Eviction','apiVersion':'policy/v1','metadata':{'name':'web-0',"
                 "'namespace':'default','creationTimestamp':null},'deleteOptions':{"
                 "'gracePeriodSeconds':0}}");
    json_decref(o);
}

/* Malformed values deep inside the new kinds fail with a message naming
 * the message and field. */
static void test_errors_name_the_field(void **state)
{
    (void)state;
    static pbe e;
    char *err;

    /* maxUnavailable's IntOrString holding a field key of 0 */
    pbe_init(&e);
    pbe_begin(&e, 2);
    pbe_begin(&e, 3);
    pbe_begin(&e, 2);
    pbe_begin(&e, 1);
    pbe_raw(&e, "\x00\x00", 2);
    pbe_end(&e);
    pbe_end(&e);
    pbe_end(&e);
    pbe_end(&e);
    err = pbt_decode_err("apps/v1", "DaemonSet", &e);
    assert_non_null(strstr(err, "IntOrString"));
    free(err);
    /* containerPort as a string */
    pbe_init(&e);
    pbe_begin(&e, 2);
    pbe_begin(&e, 2);
    pbe_begin(&e, 6);
    pbe_str(&e, 3, "80");
    pbe_end(&e);
    pbe_end(&e);
    pbe_end(&e);
    err = pbt_decode_err("v1", "Pod", &e);
    assert_non_null(strstr(err, "ContainerPort.containerPort: wire type 2"));
    free(err);
    /* an empty quantity in a resource list */
    pbe_init(&e);
    pbe_begin(&e, 3);
    pbe_res(&e, 1, "cpu", "");
    pbe_end(&e);
    err = pbt_decode_err("v1", "Node", &e);
    assert_non_null(strstr(err, "Quantity is an empty string"));
    free(err);
    /* invalid UTF-8 in a taint key */
    pbe_init(&e);
    pbe_begin(&e, 2);
    pbe_begin(&e, 5);
    pbe_str(&e, 1, "\xc3(");
    pbe_end(&e);
    pbe_end(&e);
    err = pbt_decode_err("v1", "Node", &e);
    assert_non_null(strstr(err, "Taint.key is not valid UTF-8"));
    free(err);
    /* a truncated volume source inside an inline part */
    pbe_init(&e);
    pbe_begin(&e, 2);
    pbe_begin(&e, 1);
    pbe_str(&e, 1, "v");
    pbe_key(&e, 2, 2);
    pbe_varint(&e, 50);
    pbe_end(&e);
    pbe_end(&e);
    err = pbt_decode_err("v1", "Pod", &e);
    assert_non_null(strstr(err, "length past end"));
    free(err);
}

/* Body "k8s\0" + Unknown{v1 Pod, raw: Pod{status{n empty
 * containerStatuses}}}: two bytes of input per status, each of which
 * decodes to ten values.  The caller frees the result. */
static unsigned char *many_statuses(size_t n, size_t *len)
{
    size_t elems = 2 * n, cap = elems + 64, at = 0;
    unsigned char *b = malloc(cap), hdr[32];
    size_t h;

    assert_non_null(b);
    memcpy(b, "k8s\0\x0a\x09\x0a\x02v1\x12\x03Pod", 15);
    at = 15;
    /* field 2 (raw) = Pod{field 3 (status) = elems} */
    h = 0;
    hdr[h++] = 0x1a;
    h += pbe_varint_to(hdr + h, elems);
    b[at++] = 0x12;
    at += pbe_varint_to(b + at, h + elems);
    memcpy(b + at, hdr, h);
    at += h;
    for (size_t i = 0; i < n; i++) {
        b[at++] = 0x42; /* field 8, length-delimited */
        b[at++] = 0x00;
    }
    assert_true(at <= cap);
    *len = at;
    return b;
}

/* Zero values filled in make small input large; the number of values one
 * body may produce is bounded. */
static void test_value_budget(void **state)
{
    (void)state;
    size_t len;
    unsigned char *b = many_statuses(20000, &len);
    json_t *out = NULL;
    char *err = NULL;

    assert_int_equal(pb_decode_object(b, len, &out, &err), 0);
    assert_int_equal(json_array_size(pbt_at(out, "status.containerStatuses")), 20000);
    pbt_eq(out, "status.containerStatuses[19999]",
           "{'name':'','state':{},'lastState':{},'ready':false,'restartCount':0,'image':'',"
           "'imageID':''}");
    json_decref(out);
    free(b);
    out = NULL;
    b = many_statuses(100000, &len);
    assert_int_equal(pb_decode_object(b, len, &out, &err), EN_INVALID);
    assert_null(out);
    assert_non_null(strstr(err, "more than 500000 values"));
    free(err);
    free(b);
}

/* The full DaemonSet and Node, randomly damaged: never a crash, a leak or
 * a partial object. */
static void test_mutations(void **state)
{
    (void)state;
    static pbe e, body;

    enc_daemonset_full(&e);
    pbe_envelope(&body, "apps/v1", "DaemonSet", &e);
    pbt_mutate(body.b, body.n, 3000, 0x9e3779b97f4a7c15ULL);
    enc_node_full(&e);
    pbe_envelope(&body, "v1", "Node", &e);
    pbt_mutate(body.b, body.n, 3000, 0xd1b54a32d192ed03ULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daemonset_minimal),
        cmocka_unit_test(test_daemonset_full),
        cmocka_unit_test(test_controller_revision),
        cmocka_unit_test(test_node_minimal),
        cmocka_unit_test(test_node_full),
        cmocka_unit_test(test_event),
        cmocka_unit_test(test_lease),
        cmocka_unit_test(test_binding_and_eviction),
        cmocka_unit_test(test_errors_name_the_field),
        cmocka_unit_test(test_value_budget),
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
