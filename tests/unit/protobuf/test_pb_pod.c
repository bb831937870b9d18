/*
 * test_pb_pod.c -- unit tests of the core/v1 Pod descriptors
 * (pb_schema_pod.c, pb_schema_container.c, pb_schema_volume.c): a pod
 * using nearly every PodSpec, Container and volume field, encoded here the
 * way Go's generated marshaller writes it (non-pointer fields always, even
 * when zero), and a full PodStatus as the DaemonSet e2e suite PUTs it to
 * pods/NAME/status.  The decoded JSON is checked field by field against
 * what encoding/json writes for the same Go object: omitempty zeros gone,
 * pointer zeros kept, structs always present, Go's nulls for zero times,
 * IntOrString and Quantity values as strings or numbers.
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
    pbe_empty(e, 8); /* zero creationTimestamp */
    pbe_end(e);
}

/* ---- volumes -------------------------------------------------------------- */

static void enc_volumes(pbe *e)
{
    /* hostPath with a type */
    pbe_begin(e, 1);
    pbe_str(e, 1, "host");
    pbe_begin(e, 2);
    pbe_begin(e, 1);
    pbe_str(e, 1, "/var/log");
    pbe_str(e, 2, "Directory");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    /* emptyDir with medium and a size limit */
    pbe_begin(e, 1);
    pbe_str(e, 1, "cache");
    pbe_begin(e, 2);
    pbe_begin(e, 2);
    pbe_str(e, 1, "Memory");
    pbe_qty(e, 2, "64Mi");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    /* an emptyDir with nothing set: {} */
    pbe_begin(e, 1);
    pbe_str(e, 1, "scratch");
    pbe_begin(e, 2);
    pbe_begin(e, 2);
    pbe_str(e, 1, "");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    /* configMap: inline name, items with a mode, defaultMode, optional false */
    pbe_begin(e, 1);
    pbe_str(e, 1, "cfg");
    pbe_begin(e, 2);
    pbe_begin(e, 19);
    pbe_begin(e, 1);
    pbe_str(e, 1, "app-config");
    pbe_end(e);
    pbe_begin(e, 2);
    pbe_str(e, 1, "a");
    pbe_str(e, 2, "a.conf");
    pbe_int(e, 3, 0400);
    pbe_end(e);
    pbe_int(e, 3, 0644);
    pbe_bool(e, 4, 0);
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    /* secret */
    pbe_begin(e, 1);
    pbe_str(e, 1, "sec");
    pbe_begin(e, 2);
    pbe_begin(e, 6);
    pbe_str(e, 1, "tls");
    pbe_int(e, 3, 0400);
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    /* projected: the service account token volume every pod gets */
    pbe_begin(e, 1);
    pbe_str(e, 1, "kube-api-access");
    pbe_begin(e, 2);
    pbe_begin(e, 26);
    pbe_begin(e, 1); /* sources[0] */
    pbe_begin(e, 4);
    pbe_str(e, 1, "");
    pbe_int(e, 2, 3607);
    pbe_str(e, 3, "token");
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 1); /* sources[1] */
    pbe_begin(e, 3);
    pbe_begin(e, 1);
    pbe_str(e, 1, "kube-root-ca.crt");
    pbe_end(e);
    pbe_begin(e, 2);
    pbe_str(e, 1, "ca.crt");
    pbe_str(e, 2, "ca.crt");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 1); /* sources[2] */
    pbe_begin(e, 2);
    pbe_begin(e, 1);
    pbe_str(e, 1, "namespace");
    pbe_begin(e, 2);
    pbe_str(e, 1, "v1");
    pbe_str(e, 2, "metadata.namespace");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_int(e, 2, 0644);
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    /* downwardAPI with a resourceFieldRef and a divisor */
    pbe_begin(e, 1);
    pbe_str(e, 1, "info");
    pbe_begin(e, 2);
    pbe_begin(e, 16);
    pbe_begin(e, 1);
    pbe_str(e, 1, "cpu");
    pbe_begin(e, 3);
    pbe_str(e, 1, "app");
    pbe_str(e, 2, "limits.cpu");
    pbe_qty(e, 3, "1m");
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 1);
    pbe_str(e, 1, "labels");
    pbe_begin(e, 2);
    pbe_str(e, 1, "");
    pbe_str(e, 2, "metadata.labels");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    /* persistentVolumeClaim */
    pbe_begin(e, 1);
    pbe_str(e, 1, "data");
    pbe_begin(e, 2);
    pbe_begin(e, 10);
    pbe_str(e, 1, "data-pvc");
    pbe_bool(e, 2, 1);
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
}

static void check_volumes(json_t *o)
{
    pbt_eq(o, "spec.volumes[0]", "{'name':'host','hostPath':{'path':'/var/log','type':'Directory'}}");
    pbt_eq(o, "spec.volumes[1]", "{'name':'cache','emptyDir':{'medium':'Memory','sizeLimit':'64Mi'}}");
    pbt_eq(o, "spec.volumes[2]", "{'name':'scratch','emptyDir':{}}");
    pbt_eq(o, "spec.volumes[3]",
           "{'name':'cfg','configMap':{'name':'app-config','items':[{'key':'a','path':'a.conf',"
           "'mode':256}],'defaultMode':420,'optional':false}}");
    pbt_eq(o, "spec.volumes[4]", "{'name':'sec','secret':{'secretName':'tls','defaultMode':256}}");
    pbt_eq(o, "spec.volumes[5]",
           "{'name':'kube-api-access','projected':{'sources':[{'serviceAccountToken':{"
           "'expirationSeconds':3607,'path':'token'}},{'configMap':{'name':'kube-root-ca.crt',"
           "'items':[{'key':'ca.crt','path':'ca.crt'}]}},{'downwardAPI':{'items':[{'path':"
           "'namespace','fieldRef':{'apiVersion':'v1','fieldPath':'metadata.namespace'}}]}}],"
           "'defaultMode':420}}");
    pbt_eq(o, "spec.volumes[6]",
           "{'name':'info','downwardAPI':{'items':[{'path':'cpu','resourceFieldRef':{"
           "'containerName':'app','resource':'limits.cpu','divisor':'1m'}},{'path':'labels',"
           "'fieldRef':{'fieldPath':'metadata.labels'}}]}}");
    pbt_eq(o, "spec.volumes[7]",
           "{'name':'data','persistentVolumeClaim':{'claimName':'data-pvc','readOnly':true}}");
    assert_int_equal(json_array_size(pbt_at(o, "spec.volumes")), 8);
}

/* ---- containers ----------------------------------------------------------- */

/* The non-pointer Container fields Go writes even when zero. */
static void enc_container_zero_tail(pbe *e)
{
    pbe_str(e, 5, "");
    pbe_empty(e, 8); /* resources */
    pbe_str(e, 13, "");
    pbe_str(e, 14, "");
    pbe_bool(e, 16, 0);
    pbe_bool(e, 17, 0);
    pbe_str(e, 20, "");
}

static void enc_env(pbe *e)
{
    pbe_begin(e, 7);
    pbe_str(e, 1, "PLAIN");
    pbe_str(e, 2, "v");
    pbe_end(e);
    pbe_begin(e, 7);
    pbe_str(e, 1, "EMPTY");
    pbe_str(e, 2, "");
    pbe_end(e);
    pbe_begin(e, 7); /* fieldRef */
    pbe_str(e, 1, "NODE");
    pbe_str(e, 2, "");
    pbe_begin(e, 3);
    pbe_begin(e, 1);
    pbe_str(e, 1, "v1");
    pbe_str(e, 2, "spec.nodeName");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 7); /* resourceFieldRef, divisor */
    pbe_str(e, 1, "MEM");
    pbe_begin(e, 3);
    pbe_begin(e, 2);
    pbe_str(e, 1, "");
    pbe_str(e, 2, "limits.memory");
    pbe_qty(e, 3, "1Mi");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 7); /* resourceFieldRef without a divisor: Go writes "0" */
    pbe_str(e, 1, "CPU");
    pbe_begin(e, 3);
    pbe_begin(e, 2);
    pbe_str(e, 2, "requests.cpu");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 7); /* configMapKeyRef */
    pbe_str(e, 1, "CM");
    pbe_begin(e, 3);
    pbe_begin(e, 3);
    pbe_begin(e, 1);
    pbe_str(e, 1, "app-config");
    pbe_end(e);
    pbe_str(e, 2, "k");
    pbe_bool(e, 3, 0);
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 7); /* secretKeyRef */
    pbe_str(e, 1, "SEC");
    pbe_begin(e, 3);
    pbe_begin(e, 4);
    pbe_begin(e, 1);
    pbe_str(e, 1, "app-secret");
    pbe_end(e);
    pbe_str(e, 2, "password");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    /* envFrom */
    pbe_begin(e, 19);
    pbe_str(e, 1, "CFG_");
    pbe_begin(e, 2);
    pbe_begin(e, 1);
    pbe_str(e, 1, "app-config");
    pbe_end(e);
    pbe_bool(e, 2, 1);
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 19);
    pbe_str(e, 1, "");
    pbe_begin(e, 3);
    pbe_begin(e, 1);
    pbe_str(e, 1, "app-secret");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
}

static void enc_probes_and_hooks(pbe *e)
{
    /* livenessProbe: exec (inline handler) with thresholds */
    pbe_begin(e, 10);
    pbe_begin(e, 1);
    pbe_begin(e, 1);
    pbe_str(e, 1, "cat");
    pbe_str(e, 1, "/tmp/healthy");
    pbe_end(e);
    pbe_end(e);
    pbe_int(e, 2, 5);
    pbe_int(e, 3, 1);
    pbe_int(e, 4, 10);
    pbe_int(e, 5, 1);
    pbe_int(e, 6, 3);
    pbe_end(e);
    /* readinessProbe: httpGet on a named port, with a header */
    pbe_begin(e, 11);
    pbe_begin(e, 1);
    pbe_begin(e, 2);
    pbe_str(e, 1, "/healthz");
    pbe_ios_str(e, 2, "http");
    pbe_str(e, 3, "");
    pbe_str(e, 4, "HTTP");
    pbe_begin(e, 5);
    pbe_str(e, 1, "X-Probe");
    pbe_str(e, 2, "1");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_int(e, 2, 0);
    pbe_end(e);
    /* startupProbe: tcpSocket on a numbered port; grace 0 is a set pointer */
    pbe_begin(e, 22);
    pbe_begin(e, 1);
    pbe_begin(e, 3);
    pbe_ios_int(e, 1, 8080);
    pbe_str(e, 2, "");
    pbe_end(e);
    pbe_end(e);
    pbe_int(e, 6, 30);
    pbe_int(e, 7, 0);
    pbe_end(e);
    /* lifecycle: postStart exec, preStop sleep */
    pbe_begin(e, 12);
    pbe_begin(e, 1);
    pbe_begin(e, 1);
    pbe_str(e, 1, "sh");
    pbe_str(e, 1, "-c");
    pbe_str(e, 1, "echo hi");
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 2);
    pbe_begin(e, 4);
    pbe_int(e, 1, 5);
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
}

static void enc_security_context(pbe *e)
{
    pbe_begin(e, 15);
    pbe_begin(e, 1);
    pbe_str(e, 1, "NET_ADMIN");
    pbe_str(e, 2, "ALL");
    pbe_end(e);
    pbe_bool(e, 2, 0); /* privileged: false, set */
    pbe_begin(e, 3);
    pbe_str(e, 1, "");
    pbe_str(e, 2, "");
    pbe_str(e, 3, "spc_t");
    pbe_str(e, 4, "s0");
    pbe_end(e);
    pbe_int(e, 4, 1000);
    pbe_bool(e, 5, 1);
    pbe_bool(e, 7, 0);
    pbe_begin(e, 11);
    pbe_str(e, 1, "RuntimeDefault");
    pbe_end(e);
    pbe_end(e);
}

static void enc_containers(pbe *e)
{
    /* initContainers[0] */
    pbe_begin(e, 20);
    pbe_str(e, 1, "init");
    pbe_str(e, 2, "busybox:1.36");
    pbe_str(e, 3, "sh");
    pbe_str(e, 3, "-c");
    pbe_str(e, 3, "true");
    enc_container_zero_tail(e);
    pbe_end(e);
    /* containers[0]: nearly everything */
    pbe_begin(e, 2);
    pbe_str(e, 1, "app");
    pbe_str(e, 2, "nginx:1.25");
    pbe_str(e, 4, "-g");
    pbe_str(e, 4, "daemon off;");
    pbe_str(e, 5, "/srv");
    pbe_begin(e, 6);
    pbe_str(e, 1, "http");
    pbe_int(e, 2, 0);
    pbe_int(e, 3, 80);
    pbe_str(e, 4, "TCP");
    pbe_str(e, 5, "");
    pbe_end(e);
    pbe_begin(e, 6);
    pbe_str(e, 1, "");
    pbe_int(e, 2, 9090);
    pbe_int(e, 3, 9090);
    pbe_str(e, 4, "UDP");
    pbe_str(e, 5, "127.0.0.1");
    pbe_end(e);
    enc_env(e);
    pbe_begin(e, 8); /* resources */
    pbe_res(e, 1, "cpu", "500m");
    pbe_res(e, 1, "memory", "128Mi");
    pbe_res(e, 2, "cpu", "100m");
    pbe_res(e, 2, "memory", "100Mi");
    pbe_begin(e, 3);
    pbe_str(e, 1, "gpu");
    pbe_str(e, 2, "");
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 9); /* volumeMounts */
    pbe_str(e, 1, "host");
    pbe_bool(e, 2, 1);
    pbe_str(e, 3, "/host");
    pbe_str(e, 4, "");
    pbe_str(e, 5, "HostToContainer");
    pbe_str(e, 6, "");
    pbe_end(e);
    pbe_begin(e, 9);
    pbe_str(e, 1, "cfg");
    pbe_bool(e, 2, 0);
    pbe_str(e, 3, "/etc/app");
    pbe_str(e, 4, "app.conf");
    pbe_end(e);
    enc_probes_and_hooks(e);
    pbe_str(e, 13, "/dev/termination-log");
    pbe_str(e, 14, "Always");
    enc_security_context(e);
    pbe_bool(e, 16, 0);
    pbe_bool(e, 17, 0);
    pbe_bool(e, 18, 1);
    pbe_str(e, 20, "File");
    pbe_end(e);
    /* containers[1]: empty resources and securityContext, a grpc probe */
    pbe_begin(e, 2);
    pbe_str(e, 1, "sidecar");
    pbe_str(e, 2, "busybox");
    enc_container_zero_tail(e);
    pbe_begin(e, 11);
    pbe_begin(e, 1);
    pbe_begin(e, 4);
    pbe_int(e, 1, 9000);
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_empty(e, 15);
    pbe_end(e);
    /* ephemeralContainers[0]: the common part is an inline message */
    pbe_begin(e, 34);
    pbe_begin(e, 1);
    pbe_str(e, 1, "debugger");
    pbe_str(e, 2, "busybox");
    enc_container_zero_tail(e);
    pbe_bool(e, 16, 1);
    pbe_bool(e, 18, 1);
    pbe_end(e);
    pbe_str(e, 2, "app");
    pbe_end(e);
}

static void check_containers(json_t *o)
{
    pbt_eq(o, "spec.initContainers",
           "[{'name':'init','image':'busybox:1.36','command':['sh','-c','true'],'resources':{}}]");
    pbt_eq(o, "spec.containers[0].name", "'app'");
    pbt_eq(o, "spec.containers[0].args", "['-g','daemon off;']");
    pbt_absent(o, "spec.containers[0].command");
    pbt_eq(o, "spec.containers[0].workingDir", "'/srv'");
    /* hostPort 0 and hostIP "" are omitempty; containerPort is not */
    pbt_eq(o, "spec.containers[0].ports",
           "[{'name':'http','containerPort':80,'protocol':'TCP'},"
           "{'hostPort':9090,'containerPort':9090,'protocol':'UDP','hostIP':'127.0.0.1'}]");
    pbt_eq(o, "spec.containers[0].env[0]", "{'name':'PLAIN','value':'v'}");
    pbt_eq(o, "spec.containers[0].env[1]", "{'name':'EMPTY'}");
    pbt_eq(o, "spec.containers[0].env[2]",
           "{'name':'NODE','valueFrom':{'fieldRef':{'apiVersion':'v1','fieldPath':'spec.nodeName'}}}");
    pbt_eq(o, "spec.containers[0].env[3]",
           "{'name':'MEM','valueFrom':{'resourceFieldRef':{'resource':'limits.memory',"
           "'divisor':'1Mi'}}}");
    pbt_eq(o, "spec.containers[0].env[4]",
           "{'name':'CPU','valueFrom':{'resourceFieldRef':{'resource':'requests.cpu',"
           "'divisor':'0'}}}");
    pbt_eq(o, "spec.containers[0].env[5]",
           "{'name':'CM','valueFrom':{'configMapKeyRef':{'name':'app-config','key':'k',"
           "'optional':false}}}");
    pbt_eq(o, "spec.containers[0].env[6]",
           "{'name':'SEC','valueFrom':{'secretKeyRef':{'name':'app-secret','key':'password'}}}");
    assert_int_equal(json_array_size(pbt_at(o, "spec.containers[0].env")), 7);
    pbt_eq(o, "spec.containers[0].envFrom",
           "[{'prefix':'CFG_','configMapRef':{'name':'app-config','optional':true}},"
           "{'secretRef':{'name':'app-secret'}}]");
    pbt_eq(o, "spec.containers[0].resources",
           "{'limits':{'cpu':'500m','memory':'128Mi'},'requests':{'cpu':'100m','memory':'100Mi'},"
           "'claims':[{'name':'gpu'}]}");
    pbt_eq(o, "spec.containers[0].volumeMounts",
           "[{'name':'host','readOnly':true,'mountPath':'/host','mountPropagation':'HostToContainer'},"
           "{'name':'cfg','mountPath':'/etc/app','subPath':'app.conf'}]");
    pbt_eq(o, "spec.containers[0].livenessProbe",
           "{'exec':{'command':['cat','/tmp/healthy']},'initialDelaySeconds':5,'timeoutSeconds':1,"
           "'periodSeconds':10,'successThreshold':1,'failureThreshold':3}");
    pbt_eq(o, "spec.containers[0].readinessProbe",
           "{'httpGet':{'path':'/healthz','port':'http','scheme':'HTTP','httpHeaders':[{'name':"
           "'X-Probe','value':'1'}]}}");
    pbt_eq(o, "spec.containers[0].startupProbe",
           "{'tcpSocket':{'port':8080},'failureThreshold':30,'terminationGracePeriodSeconds':0}");
    pbt_eq(o, "spec.containers[0].lifecycle",
           "{'postStart':{'exec':{'command':['sh','-c','echo hi']}},'preStop':{'sleep':{'seconds':5}}}");
    pbt_eq(o, "spec.containers[0].terminationMessagePath", "'/dev/termination-log'");
    pbt_eq(o, "spec.containers[0].terminationMessagePolicy", "'File'");
    pbt_eq(o, "spec.containers[0].imagePullPolicy", "'Always'");
    pbt_eq(o, "spec.containers[0].securityContext",
           "{'capabilities':{'add':['NET_ADMIN'],'drop':['ALL']},'privileged':false,"
           "'seLinuxOptions':{'type':'spc_t','level':'s0'},'runAsUser':1000,'runAsNonRoot':true,"
           "'allowPrivilegeEscalation':false,'seccompProfile':{'type':'RuntimeDefault'}}");
    pbt_eq(o, "spec.containers[0].tty", "true");
    pbt_absent(o, "spec.containers[0].stdin");
    pbt_absent(o, "spec.containers[0].stdinOnce");
    /* the sidecar: empty-but-present structs, grpc's service pointer is
     * not omitempty, so nil is written as null */
    pbt_eq(o, "spec.containers[1]",
           "{'name':'sidecar','image':'busybox','resources':{},'securityContext':{},"
           "'readinessProbe':{'grpc':{'port':9000,'service':null}}}");
    pbt_eq(o, "spec.ephemeralContainers",
           "[{'name':'debugger','image':'busybox','resources':{},'stdin':true,'tty':true,"
           "'targetContainerName':'app'}]");
}

/* ---- the rest of PodSpec -------------------------------------------------- */

static void enc_affinity(pbe *e)
{
    pbe_begin(e, 18);
    pbe_begin(e, 1); /* nodeAffinity */
    pbe_begin(e, 1);
    pbe_begin(e, 1); /* nodeSelectorTerms[0] */
    pbe_begin(e, 1);
    pbe_str(e, 1, "kubernetes.io/arch");
    pbe_str(e, 2, "In");
    pbe_str(e, 3, "amd64");
    pbe_str(e, 3, "arm64");
    pbe_end(e);
    pbe_begin(e, 2);
    pbe_str(e, 1, "metadata.name");
    pbe_str(e, 2, "NotIn");
    pbe_str(e, 3, "node-9");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 2);
    pbe_int(e, 1, 10);
    pbe_begin(e, 2);
    pbe_begin(e, 1);
    pbe_str(e, 1, "disk");
    pbe_str(e, 2, "Exists");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 2); /* podAffinity */
    pbe_begin(e, 1);
    pbe_begin(e, 1);
    pbe_map(e, 1, "app", "db");
    pbe_end(e);
    pbe_str(e, 2, "data");
    pbe_str(e, 3, "kubernetes.io/hostname");
    pbe_empty(e, 4);
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 3); /* podAntiAffinity */
    pbe_begin(e, 2);
    pbe_int(e, 1, 100);
    pbe_begin(e, 2);
    pbe_begin(e, 1);
    pbe_begin(e, 2);
    pbe_str(e, 1, "app");
    pbe_str(e, 2, "In");
    pbe_str(e, 3, "web");
    pbe_end(e);
    pbe_end(e);
    pbe_str(e, 3, "topology.kubernetes.io/zone");
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
    pbe_end(e);
}

static void enc_pod_spec_rest(pbe *e)
{
    static const unsigned char groups[] = {1, 2, 3};

    pbe_str(e, 3, "Always");
    pbe_int(e, 4, 30);
    pbe_str(e, 6, "ClusterFirstWithHostNet");
    pbe_map(e, 7, "kubernetes.io/os", "linux");
    pbe_str(e, 8, "web");
    pbe_str(e, 9, "web");
    pbe_bool(e, 21, 0);
    pbe_str(e, 10, "node-1");
    pbe_bool(e, 11, 1);
    pbe_bool(e, 12, 0);
    pbe_bool(e, 13, 1);
    pbe_bool(e, 27, 1);
    pbe_begin(e, 14); /* pod securityContext */
    pbe_int(e, 5, 2000);
    pbe_bytes(e, 4, groups, sizeof groups); /* packed supplementalGroups */
    pbe_begin(e, 7);
    pbe_str(e, 1, "net.core.somaxconn");
    pbe_str(e, 2, "1024");
    pbe_end(e);
    pbe_bool(e, 3, 1);
    pbe_begin(e, 10);
    pbe_str(e, 1, "Localhost");
    pbe_str(e, 2, "prof.json");
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 15);
    pbe_str(e, 1, "regcred");
    pbe_end(e);
    pbe_str(e, 16, "web");
    pbe_str(e, 17, "svc");
    enc_affinity(e);
    pbe_str(e, 19, "default-scheduler");
    pbe_begin(e, 22);
    pbe_str(e, 1, "");
    pbe_str(e, 2, "Exists");
    pbe_str(e, 3, "");
    pbe_str(e, 4, "");
    pbe_end(e);
    pbe_begin(e, 22);
    pbe_str(e, 1, "node.kubernetes.io/not-ready");
    pbe_str(e, 2, "Exists");
    pbe_str(e, 4, "NoExecute");
    pbe_int(e, 5, 300);
    pbe_end(e);
    pbe_begin(e, 22);
    pbe_str(e, 1, "k");
    pbe_str(e, 2, "Equal");
    pbe_str(e, 3, "v");
    pbe_str(e, 4, "NoSchedule");
    pbe_end(e);
    pbe_begin(e, 23);
    pbe_str(e, 1, "10.0.0.1");
    pbe_str(e, 2, "a");
    pbe_str(e, 2, "b");
    pbe_end(e);
    pbe_str(e, 24, "system-node-critical");
    pbe_int(e, 25, 2000001000);
    pbe_begin(e, 26);
    pbe_str(e, 1, "1.1.1.1");
    pbe_str(e, 2, "svc.local");
    pbe_begin(e, 3);
    pbe_str(e, 1, "ndots");
    pbe_str(e, 2, "2");
    pbe_end(e);
    pbe_begin(e, 3);
    pbe_str(e, 1, "edns0");
    pbe_end(e);
    pbe_end(e);
    pbe_begin(e, 28);
    pbe_str(e, 1, "example.com/ready");
    pbe_end(e);
    pbe_str(e, 29, "runc");
    pbe_bool(e, 30, 0);
    pbe_str(e, 31, "Never");
    pbe_res(e, 32, "cpu", "250m");
    pbe_begin(e, 33);
    pbe_int(e, 1, 1);
    pbe_str(e, 2, "topology.kubernetes.io/zone");
    pbe_str(e, 3, "DoNotSchedule");
    pbe_begin(e, 4);
    pbe_map(e, 1, "app", "web");
    pbe_end(e);
    pbe_int(e, 5, 2);
    pbe_str(e, 6, "Honor");
    pbe_str(e, 8, "pod-template-hash");
    pbe_end(e);
    pbe_begin(e, 36);
    pbe_str(e, 1, "linux");
    pbe_end(e);
    pbe_bool(e, 37, 0);
    pbe_begin(e, 38);
    pbe_str(e, 1, "example.com/gate");
    pbe_end(e);
    pbe_begin(e, 39);
    pbe_str(e, 1, "gpu");
    pbe_str(e, 4, "gpu-template");
    pbe_end(e);
}

static void check_pod_spec_rest(json_t *o)
{
    pbt_eq(o, "spec.restartPolicy", "'Always'");
    pbt_eq(o, "spec.terminationGracePeriodSeconds", "30");
    pbt_absent(o, "spec.activeDeadlineSeconds");
    pbt_eq(o, "spec.dnsPolicy", "'ClusterFirstWithHostNet'");
    pbt_eq(o, "spec.nodeSelector", "{'kubernetes.io/os':'linux'}");
    pbt_eq(o, "spec.serviceAccountName", "'web'");
    pbt_eq(o, "spec.serviceAccount", "'web'");
    pbt_eq(o, "spec.automountServiceAccountToken", "false");
    pbt_eq(o, "spec.nodeName", "'node-1'");
    pbt_eq(o, "spec.hostNetwork", "true");
    pbt_absent(o, "spec.hostPID"); /* false, omitempty */
    pbt_eq(o, "spec.hostIPC", "true");
    pbt_eq(o, "spec.shareProcessNamespace", "true");
    pbt_eq(o, "spec.securityContext",
           "{'fsGroup':2000,'supplementalGroups':[1,2,3],'sysctls':[{'name':'net.core.somaxconn',"
           "'value':'1024'}],'runAsNonRoot':true,'seccompProfile':{'type':'Localhost',"
           "'localhostProfile':'prof.json'}}");
    pbt_eq(o, "spec.imagePullSecrets", "[{'name':'regcred'}]");
    pbt_eq(o, "spec.hostname", "'web'");
    pbt_eq(o, "spec.subdomain", "'svc'");
    pbt_eq(o, "spec.affinity.nodeAffinity",
           "{'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':[{"
           "'matchExpressions':[{'key':'kubernetes.io/arch','operator':'In','values':['amd64',"
           "'arm64']}],'matchFields':[{'key':'metadata.name','operator':'NotIn','values':["
           "'node-9']}]}]},'preferredDuringSchedulingIgnoredDuringExecution':[{'weight':10,"
           "'preference':{'matchExpressions':[{'key':'disk','operator':'Exists'}]}}]}");
    pbt_eq(o, "spec.affinity.podAffinity",
           "{'requiredDuringSchedulingIgnoredDuringExecution':[{'labelSelector':{'matchLabels':{"
           "'app':'db'}},'namespaces':['data'],'topologyKey':'kubernetes.io/hostname',"
           "'namespaceSelector':{}}]}");
    pbt_eq(o, "spec.affinity.podAntiAffinity",
           "{'preferredDuringSchedulingIgnoredDuringExecution':[{'weight':100,'podAffinityTerm':{"
           "'labelSelector':{'matchExpressions':[{'key':'app','operator':'In','values':['web']}]},"
           "'topologyKey':'topology.kubernetes.io/zone'}}]}");
    pbt_eq(o, "spec.schedulerName", "'default-scheduler'");
    pbt_eq(o, "spec.tolerations",
           "[{'operator':'Exists'},{'key':'node.kubernetes.io/not-ready','operator':'Exists',"
           "'effect':'NoExecute','tolerationSeconds':300},{'key':'k','operator':'Equal',"
           "'value':'v','effect':'NoSchedule'}]");
    pbt_eq(o, "spec.hostAliases", "[{'ip':'10.0.0.1','hostnames':['a','b']}]");
    pbt_eq(o, "spec.priorityClassName", "'system-node-critical'");
    pbt_eq(o, "spec.priority", "2000001000");
    pbt_eq(o, "spec.dnsConfig",
           "{'nameservers':['1.1.1.1'],'searches':['svc.local'],'options':[{'name':'ndots',"
           "'value':'2'},{'name':'edns0'}]}");
    pbt_eq(o, "spec.readinessGates", "[{'conditionType':'example.com/ready'}]");
    pbt_eq(o, "spec.runtimeClassName", "'runc'");
    pbt_eq(o, "spec.enableServiceLinks", "false");
    pbt_eq(o, "spec.preemptionPolicy", "'Never'");
    pbt_eq(o, "spec.overhead", "{'cpu':'250m'}");
    pbt_eq(o, "spec.topologySpreadConstraints",
           "[{'maxSkew':1,'topologyKey':'topology.kubernetes.io/zone','whenUnsatisfiable':"
           "'DoNotSchedule','labelSelector':{'matchLabels':{'app':'web'}},'minDomains':2,"
           "'nodeAffinityPolicy':'Honor','matchLabelKeys':['pod-template-hash']}]");
    pbt_eq(o, "spec.os", "{'name':'linux'}");
    pbt_eq(o, "spec.hostUsers", "false");
    pbt_eq(o, "spec.schedulingGates", "[{'name':'example.com/gate'}]");
    pbt_eq(o, "spec.resourceClaims", "[{'name':'gpu','resourceClaimTemplateName':'gpu-template'}]");
}

static void test_pod_spec(void **state)
{
    (void)state;
    static pbe e;
    json_t *o;

    pbe_init(&e);
    enc_meta(&e, 1, "web-0", "default");
    pbe_begin(&e, 2);
    enc_volumes(&e);
    enc_containers(&e);
    enc_pod_spec_rest(&e);
    pbe_end(&e);
    pbe_empty(&e, 3); /* status: {} */
    o = pbt_decode("v1", "Pod", &e);
    pbt_eq(o, "apiVersion", "'v1'");
    pbt_eq(o, "kind", "'Pod'");
    pbt_eq(o, "metadata", "{'name':'web-0','namespace':'default','creationTimestamp':null}");
    check_volumes(o);
    check_containers(o);
    check_pod_spec_rest(o);
    /* nothing else: every key accounted for */
    pbt_keys(o, "spec",
             "volumes,initContainers,containers,ephemeralContainers,restartPolicy,"
             "terminationGracePeriodSeconds,dnsPolicy,nodeSelector,serviceAccountName,"
             "serviceAccount,automountServiceAccountToken,nodeName,hostNetwork,hostIPC,"
             "shareProcessNamespace,securityContext,imagePullSecrets,hostname,subdomain,affinity,"
             "schedulerName,tolerations,hostAliases,priorityClassName,priority,dnsConfig,"
             "readinessGates,runtimeClassName,enableServiceLinks,preemptionPolicy,overhead,"
             "topologySpreadConstraints,os,hostUsers,schedulingGates,resourceClaims");
    pbt_keys(o, "spec.containers[0]",
             "name,image,args,workingDir,ports,env,envFrom,resources,volumeMounts,livenessProbe,"
             "readinessProbe,startupProbe,lifecycle,terminationMessagePath,"
             "terminationMessagePolicy,imagePullPolicy,securityContext,tty");
    pbt_keys(o, "", "apiVersion,kind,metadata,spec,status");
    pbt_eq(o, "status", "{}");
    json_decref(o);
}

/* ---- PodStatus ------------------------------------------------------------ */

static void enc_container_status(pbe *e, uint32_t num, const char *name, int which)
{
    pbe_begin(e, num);
    pbe_str(e, 1, name);
    pbe_begin(e, 2); /* state */
    if (which == 0) {
        pbe_begin(e, 3); /* terminated, Completed */
        pbe_int(e, 1, 0);
        pbe_int(e, 2, 0);
        pbe_str(e, 3, "Completed");
        pbe_str(e, 4, "");
        pbe_time(e, 5, T0, 0);
        pbe_time(e, 6, T0 + 2, 0);
        pbe_str(e, 7, "containerd://abc");
        pbe_end(e);
    } else if (which == 1) {
        pbe_begin(e, 2); /* running */
        pbe_time(e, 1, T0 + 3, 0);
        pbe_end(e);
    } else {
        pbe_begin(e, 1); /* waiting */
        pbe_str(e, 1, "ErrImagePull");
        pbe_str(e, 2, "pull failed");
        pbe_end(e);
    }
    pbe_end(e);
    pbe_begin(e, 3); /* lastState */
    if (which == 1) {
        pbe_begin(e, 3); /* OOMKilled, no startedAt: null */
        pbe_int(e, 1, 137);
        pbe_int(e, 2, 9);
        pbe_str(e, 3, "OOMKilled");
        pbe_empty(e, 5);
        pbe_time(e, 6, T0 + 1, 0);
        pbe_end(e);
    }
    pbe_end(e);
    pbe_bool(e, 4, which == 1);
    pbe_int(e, 5, which == 1 ? 2 : 0);
    pbe_str(e, 6, which == 0 ? "busybox:1.36" : "busybox");
    pbe_str(e, 7, which == 2 ? "" : "docker.io/library/busybox@sha256:0123");
    if (which != 2) {
        pbe_str(e, 8, "containerd://def");
        pbe_bool(e, 9, which == 1);
    }
    pbe_end(e);
}

static void test_pod_status(void **state)
{
    (void)state;
    static pbe e;
    json_t *o;

    pbe_init(&e);
    enc_meta(&e, 1, "web-0", "default");
    pbe_begin(&e, 2); /* a spec, as in the e2e suite's PUT of the whole pod */
    pbe_begin(&e, 2);
    pbe_str(&e, 1, "app");
    pbe_str(&e, 2, "busybox");
    enc_container_zero_tail(&e);
    pbe_end(&e);
    pbe_end(&e);
    pbe_begin(&e, 3);
    pbe_str(&e, 1, "Failed");
    pbe_begin(&e, 2);
    pbe_str(&e, 1, "Ready");
    pbe_str(&e, 2, "False");
    pbe_empty(&e, 3);
    pbe_time(&e, 4, T0, 0);
    pbe_str(&e, 5, "PodFailed");
    pbe_str(&e, 6, "");
    pbe_end(&e);
    pbe_begin(&e, 2);
    pbe_str(&e, 1, "PodScheduled");
    pbe_str(&e, 2, "True");
    pbe_time(&e, 4, T0, 0);
    pbe_end(&e);
    pbe_str(&e, 3, "");
    pbe_str(&e, 4, "");
    pbe_str(&e, 5, "10.0.0.5");
    pbe_str(&e, 6, "10.244.1.7");
    pbe_time(&e, 7, T0, 0);
    pbe_str(&e, 9, "Burstable");
    enc_container_status(&e, 10, "init", 0);
    enc_container_status(&e, 8, "app", 1);
    enc_container_status(&e, 8, "sidecar", 2);
    pbe_str(&e, 11, "");
    pbe_begin(&e, 12);
    pbe_str(&e, 1, "10.244.1.7");
    pbe_end(&e);
    pbe_begin(&e, 16);
    pbe_str(&e, 1, "10.0.0.5");
    pbe_end(&e);
    pbe_begin(&e, 16);
    pbe_str(&e, 1, "fd00::5");
    pbe_end(&e);
    pbe_int(&e, 17, 4);
    pbe_end(&e);
    o = pbt_decode("v1", "Pod", &e);
    pbt_eq(o, "spec", "{'containers':[{'name':'app','image':'busybox','resources':{}}]}");
    pbt_eq(o, "status.phase", "'Failed'");
    pbt_eq(o, "status.conditions",
           "[{'type':'Ready','status':'False','lastProbeTime':null,'lastTransitionTime':" T0S ","
           "'reason':'PodFailed'},{'type':'PodScheduled','status':'True','lastProbeTime':null,"
           "'lastTransitionTime':" T0S "}]");
    pbt_absent(o, "status.message");
    pbt_absent(o, "status.reason");
    pbt_absent(o, "status.nominatedNodeName");
    pbt_eq(o, "status.hostIP", "'10.0.0.5'");
    pbt_eq(o, "status.hostIPs", "[{'ip':'10.0.0.5'},{'ip':'fd00::5'}]");
    pbt_eq(o, "status.podIP", "'10.244.1.7'");
    pbt_eq(o, "status.podIPs", "[{'ip':'10.244.1.7'}]");
    pbt_eq(o, "status.startTime", T0S);
    pbt_eq(o, "status.qosClass", "'Burstable'");
    pbt_eq(o, "status.observedGeneration", "4");
    pbt_eq(o, "status.initContainerStatuses",
           "[{'name':'init','state':{'terminated':{'exitCode':0,'reason':'Completed','startedAt':"
           T0S ",'finishedAt':'2023-11-14T22:13:22Z','containerID':'containerd://abc'}},"
           "'lastState':{},'ready':false,'restartCount':0,'image':'busybox:1.36','imageID':"
           "'docker.io/library/busybox@sha256:0123','containerID':'containerd://def',"
           "'started':false}]");
    pbt_eq(o, "status.containerStatuses[0]",
           "{'name':'app','state':{'running':{'startedAt':'2023-11-14T22:13:23Z'}},'lastState':{"
           "'terminated':{'exitCode':137,'signal':9,'reason':'OOMKilled','startedAt':null,"
           "'finishedAt':'2023-11-14T22:13:21Z'}},'ready':true,'restartCount':2,'image':"
           "'busybox','imageID':'docker.io/library/busybox@sha256:0123','containerID':"
           "'containerd://def','started':true}");
    pbt_eq(o, "status.containerStatuses[1]",
           "{'name':'sidecar','state':{'waiting':{'reason':'ErrImagePull','message':"
           "'pull failed'}},'lastState':{},'ready':false,'restartCount':0,'image':'busybox',"
           "'imageID':''}");
    assert_int_equal(json_array_size(pbt_at(o, "status.containerStatuses")), 2);
    pbt_keys(o, "status",
             "phase,conditions,hostIP,hostIPs,podIP,podIPs,startTime,qosClass,observedGeneration,"
             "initContainerStatuses,containerStatuses");
    json_decref(o);
}

/* What `kubectl debug node/NAME` (client-go, protobuf) sends, reduced to
 * the fields it sets; the JSON is what it would send with JSON. */
static void test_pod_like_kubectl_debug(void **state)
{
    (void)state;
    static pbe e;
    json_t *o;

    pbe_init(&e);
    enc_meta(&e, 1, "node-debugger-n1-abcde", "");
    pbe_begin(&e, 2);
    pbe_begin(&e, 1);
    pbe_str(&e, 1, "host-root");
    pbe_begin(&e, 2);
    pbe_begin(&e, 1);
    pbe_str(&e, 1, "/");
    pbe_end(&e);
    pbe_end(&e);
    pbe_end(&e);
    pbe_begin(&e, 2);
    pbe_str(&e, 1, "debugger");
    pbe_str(&e, 2, "busybox");
    pbe_begin(&e, 9);
    pbe_str(&e, 1, "host-root");
    pbe_bool(&e, 2, 0);
    pbe_str(&e, 3, "/host");
    pbe_str(&e, 4, "");
    pbe_str(&e, 6, "");
    pbe_end(&e);
    enc_container_zero_tail(&e);
    pbe_end(&e);
    pbe_str(&e, 3, "Never");
    pbe_str(&e, 6, "");
    pbe_str(&e, 8, "");
    pbe_str(&e, 9, "");
    pbe_str(&e, 10, "n1");
    pbe_bool(&e, 11, 1);
    pbe_bool(&e, 12, 1);
    pbe_bool(&e, 13, 1);
    pbe_str(&e, 16, "");
    pbe_str(&e, 17, "");
    pbe_str(&e, 19, "");
    pbe_begin(&e, 22);
    pbe_str(&e, 1, "");
    pbe_str(&e, 2, "Exists");
    pbe_str(&e, 3, "");
    pbe_str(&e, 4, "");
    pbe_end(&e);
    pbe_str(&e, 24, "");
    pbe_end(&e);
    pbe_begin(&e, 3);
    pbe_str(&e, 1, "");
    pbe_str(&e, 3, "");
    pbe_str(&e, 4, "");
    pbe_str(&e, 5, "");
    pbe_str(&e, 6, "");
    pbe_str(&e, 9, "");
    pbe_str(&e, 11, "");
    pbe_str(&e, 14, "");
    pbe_int(&e, 17, 0);
    pbe_end(&e);
    o = pbt_decode("v1", "Pod", &e);
    pbt_whole(o, "{'kind':'Pod','apiVersion':'v1','metadata':{'name':'node-debugger-n1-abcde',"
                 "'creationTimestamp':null},'spec':{'volumes':[{'name':'host-root','hostPath':{"
                 "'path':'/'}}],'containers':[{'name':'debugger','image':'busybox','resources':{},"
                 "'volumeMounts':[{'name':'host-root','mountPath':'/host'}]}],'restartPolicy':"
                 "'Never','nodeName':'n1','hostNetwork':true,'hostPID':true,'hostIPC':true,"
                 "'tolerations':[{'operator':'Exists'}]},'status':{}}");
    json_decref(o);
}

/* The full pod, randomly damaged: never a crash, a leak or a partial
 * object. */
static void test_pod_mutations(void **state)
{
    (void)state;
    static pbe e, body;

    pbe_init(&e);
    enc_meta(&e, 1, "web-0", "default");
    pbe_begin(&e, 2);
    enc_volumes(&e);
    enc_containers(&e);
    enc_pod_spec_rest(&e);
    pbe_end(&e);
    pbe_begin(&e, 3);
    enc_container_status(&e, 8, "app", 1);
    pbe_end(&e);
    pbe_envelope(&body, "v1", "Pod", &e);
    pbt_mutate(body.b, body.n, 3000, 0x2545f4914f6cdd1dULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pod_spec),
        cmocka_unit_test(test_pod_mutations),
        cmocka_unit_test(test_pod_status),
        cmocka_unit_test(test_pod_like_kubectl_debug),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
