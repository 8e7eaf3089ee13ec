/*  qs_sbx_k8sobj - see qs_sbx_k8sobj.h */
#include "qs_sbx_k8sobj.h"
#include "qs_sbx_msg.h"
#include "qs_sbx_pricing.h"
#include "qs_sbx_scenario.h"
#include "qs_util.h"
#include <stdio.h>
#include <string.h>

#define S_UNSCHED_MSG "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are " \
                      "available: 3 No preemption victims found for incoming pod."

static json_object *
s_str (const char *s)
{
    return json_object_new_string (s);
}

static void
s_add (json_object *o, const char *key, json_object *v)
{
    json_object_object_add (o, key, v);
}

static void
s_rv (int64_t ms, char *out, size_t size)
{
    snprintf (out, size, "%lld", (long long) ((ms / 1000) % 100000000));
}

/*  A stable, per-service uid for the StatefulSet (pods point at it). */
static void
s_sts_uid (const qs_sbx_service_t *svc, char *out, size_t size)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *) svc->id; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    snprintf (out, size, "%08x-%04x-4%03x-8%03x-%012llx", (unsigned) (h >> 32), (unsigned) (h >> 16) & 0xffff,
              (unsigned) (h >> 4) & 0xfff, (unsigned) h & 0xfff, (unsigned long long) (h & 0xffffffffffffULL));
}

const char *
qs_sbx_k8s_container (const qs_sbx_service_t *svc)
{
    return svc->service_type;
}

const char *
qs_sbx_k8s_pod_label (const qs_sbx_service_t *svc, const qs_sbx_pod_t *pod, const char *key,
                      char *out, size_t size)
{
    const char *v = NULL;
    if (!strcmp (key, "quickspin.io/service-id"))
        v = svc->id;
    else if (!strcmp (key, "app.kubernetes.io/name"))
        v = svc->service_type;
    else if (!strcmp (key, "app.kubernetes.io/instance"))
        v = svc->name;
    else if (!strcmp (key, "app.kubernetes.io/managed-by"))
        v = "quickspin";
    else if (!strcmp (key, "statefulset.kubernetes.io/pod-name"))
        v = pod ? pod->name : NULL;
    if (!v)
        return NULL;
    qs_strlcpy (out, v, size);
    return out;
}

static json_object *
s_labels (const qs_sbx_service_t *svc, const qs_sbx_pod_t *pod)
{
    static const char *keys[] = {"app.kubernetes.io/instance", "app.kubernetes.io/managed-by",
                                 "app.kubernetes.io/name", "quickspin.io/service-id",
                                 "statefulset.kubernetes.io/pod-name", NULL};
    json_object *o = json_object_new_object ();
    char value[128];
    for (int i = 0; keys[i]; i++)
        if (qs_sbx_k8s_pod_label (svc, pod, keys[i], value, sizeof value))
            s_add (o, keys[i], s_str (value));
    return o;
}

static json_object *
s_container_spec (const qs_sbx_service_t *svc)
{
    const qs_sbx_tier_t *tier = qs_sbx_tier_find (svc->tier);
    char image[160], cpu[16], mem[16];
    qs_sbx_scenario_image (svc, image, sizeof image);
    snprintf (cpu, sizeof cpu, "%dm", (int) ((tier ? tier->vcpu : 1.0) * 1000));
    snprintf (mem, sizeof mem, "%dMi", tier ? tier->memory_mb : 1024);
    json_object *c = json_object_new_object ();
    s_add (c, "name", s_str (qs_sbx_k8s_container (svc)));
    s_add (c, "image", s_str (image));
    json_object *ports = json_object_new_array (), *port = json_object_new_object ();
    s_add (port, "containerPort", json_object_new_int (qs_sbx_service_type_port (svc->service_type)));
    s_add (port, "protocol", s_str ("TCP"));
    json_object_array_add (ports, port);
    s_add (c, "ports", ports);
    json_object *res = json_object_new_object (), *lim = json_object_new_object (),
                *req = json_object_new_object ();
    s_add (lim, "cpu", s_str (cpu));
    s_add (lim, "memory", s_str (mem));
    s_add (req, "cpu", s_str (cpu));
    s_add (req, "memory", s_str (mem));
    s_add (res, "limits", lim);
    s_add (res, "requests", req);
    s_add (c, "resources", res);
    json_object *probe = json_object_new_object (), *tcp = json_object_new_object ();
    s_add (tcp, "port", json_object_new_int (qs_sbx_service_type_port (svc->service_type)));
    s_add (probe, "tcpSocket", tcp);
    s_add (probe, "periodSeconds", json_object_new_int (10));
    s_add (probe, "failureThreshold", json_object_new_int (3));
    s_add (c, "readinessProbe", probe);
    s_add (c, "terminationMessagePath", s_str ("/dev/termination-log"));
    s_add (c, "imagePullPolicy", s_str ("IfNotPresent"));
    return c;
}

static json_object *
s_condition (const char *type, bool ok, const char *reason, const char *message, int64_t at_ms)
{
    json_object *c = json_object_new_object ();
    s_add (c, "type", s_str (type));
    s_add (c, "status", s_str (ok ? "True" : "False"));
    s_add (c, "lastProbeTime", NULL);
    s_add (c, "lastTransitionTime", qs_sbx_json_time (at_ms));
    if (reason)
        s_add (c, "reason", s_str (reason));
    if (message)
        s_add (c, "message", s_str (message));
    return c;
}

static json_object *
s_terminated (int code, const char *reason, int64_t started, int64_t finished, const char *cid)
{
    json_object *t = json_object_new_object (), *w = json_object_new_object ();
    s_add (t, "exitCode", json_object_new_int (code));
    s_add (t, "reason", s_str (reason));
    s_add (t, "startedAt", qs_sbx_json_time (started));
    s_add (t, "finishedAt", qs_sbx_json_time (finished));
    s_add (t, "containerID", s_str (cid));
    s_add (w, "terminated", t);
    return w;
}

static json_object *
s_container_status (const qs_sbx_service_t *svc, const qs_sbx_pod_t *pod)
{
    char image[160], cid[96], msg[320];
    qs_sbx_scenario_image (svc, image, sizeof image);
    snprintf (cid, sizeof cid, "containerd://%.8s%.4s%.4s", pod->uid, pod->uid + 9, pod->uid + 14);
    const char *cname = qs_sbx_k8s_container (svc);
    json_object *cs = json_object_new_object ();
    json_object *state = json_object_new_object (), *last = json_object_new_object ();
    bool ready = pod->state == QS_SBX_POD_OK || pod->state == QS_SBX_POD_OOM
                 || pod->state == QS_SBX_POD_RESTARTING;
    bool started = pod->state != QS_SBX_POD_IMAGE_PULL && pod->state != QS_SBX_POD_CRASH_LOOP;
    int64_t prev_start = pod->last_restart_ms - 10 * 60000;
    switch (pod->state) {
    case QS_SBX_POD_IMAGE_PULL: {
        json_object *w = json_object_new_object ();
        snprintf (msg, sizeof msg, "Back-off pulling image \"%s\"", image);
        s_add (w, "reason", s_str ("ImagePullBackOff"));
        s_add (w, "message", s_str (msg));
        s_add (state, "waiting", w);
        break;
    }
    case QS_SBX_POD_CRASH_LOOP: {
        json_object *w = json_object_new_object ();
        snprintf (msg, sizeof msg, "back-off 5m0s restarting failed container=%s pod=%s_%s(%s)", cname,
                  pod->name, svc->namespace_, pod->uid);
        s_add (w, "reason", s_str ("CrashLoopBackOff"));
        s_add (w, "message", s_str (msg));
        s_add (state, "waiting", w);
        json_object_put (last);
        last = s_terminated (1, "Error", prev_start, pod->last_restart_ms, cid);
        break;
    }
    default: {
        json_object *r = json_object_new_object ();
        s_add (r, "startedAt", qs_sbx_json_time (pod->last_restart_ms));
        s_add (state, "running", r);
        if (pod->state == QS_SBX_POD_OOM) {
            json_object_put (last);
            last = s_terminated (137, "OOMKilled", prev_start, pod->last_restart_ms - 2000, cid);
        }
        else if (pod->state == QS_SBX_POD_RESTARTING) {
            json_object_put (last);
            last = s_terminated (143, "Error", prev_start, pod->last_restart_ms - 2000, cid);
        }
    }
    }
    s_add (cs, "name", s_str (cname));
    s_add (cs, "state", state);
    s_add (cs, "lastState", last);
    s_add (cs, "ready", json_object_new_boolean (ready));
    s_add (cs, "restartCount", json_object_new_int (pod->restarts));
    s_add (cs, "image", s_str (image));
    s_add (cs, "imageID", s_str (pod->state == QS_SBX_POD_IMAGE_PULL ? "" : "docker.io/library/sandbox@sha256:0000"));
    if (pod->state != QS_SBX_POD_IMAGE_PULL)
        s_add (cs, "containerID", s_str (cid));
    s_add (cs, "started", json_object_new_boolean (started));
    return cs;
}

json_object *
qs_sbx_k8s_pod (const qs_sbx_service_t *svc, const qs_sbx_pod_t *pod, bool with_type, int64_t now_ms)
{
    (void) now_ms;
    char rv[24], gen[80], ip[32];
    json_object *o = json_object_new_object ();
    if (with_type) {
        s_add (o, "kind", s_str ("Pod"));
        s_add (o, "apiVersion", s_str ("v1"));
    }
    json_object *md = json_object_new_object ();
    s_rv (pod->last_restart_ms, rv, sizeof rv);
    snprintf (gen, sizeof gen, "%s-", svc->name);
    s_add (md, "name", s_str (pod->name));
    s_add (md, "generateName", s_str (gen));
    s_add (md, "namespace", s_str (svc->namespace_));
    s_add (md, "uid", s_str (pod->uid));
    s_add (md, "resourceVersion", s_str (rv));
    s_add (md, "creationTimestamp", qs_sbx_json_time (pod->created_ms));
    s_add (md, "labels", s_labels (svc, pod));
    json_object *owners = json_object_new_array (), *owner = json_object_new_object ();
    s_add (owner, "apiVersion", s_str ("apps/v1"));
    s_add (owner, "kind", s_str ("StatefulSet"));
    s_add (owner, "name", s_str (svc->name));
    char sts_uid[48];
    s_sts_uid (svc, sts_uid, sizeof sts_uid);
    s_add (owner, "uid", s_str (sts_uid));
    s_add (owner, "controller", json_object_new_boolean (1));
    s_add (owner, "blockOwnerDeletion", json_object_new_boolean (1));
    json_object_array_add (owners, owner);
    s_add (md, "ownerReferences", owners);
    s_add (o, "metadata", md);

    json_object *spec = json_object_new_object (), *containers = json_object_new_array ();
    json_object_array_add (containers, s_container_spec (svc));
    s_add (spec, "containers", containers);
    s_add (spec, "restartPolicy", s_str ("Always"));
    s_add (spec, "serviceAccountName", s_str ("default"));
    s_add (spec, "schedulerName", s_str ("default-scheduler"));
    s_add (spec, "hostname", s_str (pod->name));
    s_add (spec, "subdomain", s_str (svc->name));
    if (pod->node[0])
        s_add (spec, "nodeName", s_str (pod->node));
    s_add (o, "spec", spec);

    json_object *st = json_object_new_object (), *conds = json_object_new_array ();
    bool scheduled = pod->state != QS_SBX_POD_UNSCHEDULABLE;
    bool running = scheduled && pod->state != QS_SBX_POD_IMAGE_PULL;
    bool ready = pod->state == QS_SBX_POD_OK || pod->state == QS_SBX_POD_OOM
                 || pod->state == QS_SBX_POD_RESTARTING;
    char unready[128];
    snprintf (unready, sizeof unready, "containers with unready status: [%s]", qs_sbx_k8s_container (svc));
    s_add (st, "phase", s_str (running ? "Running" : "Pending"));
    if (scheduled) {
        json_object_array_add (conds, s_condition ("Initialized", true, NULL, NULL, pod->created_ms + 1000));
        json_object_array_add (conds, s_condition ("Ready", ready, ready ? NULL : "ContainersNotReady",
                                                   ready ? NULL : unready, pod->last_restart_ms));
        json_object_array_add (conds, s_condition ("ContainersReady", ready,
                                                   ready ? NULL : "ContainersNotReady",
                                                   ready ? NULL : unready, pod->last_restart_ms));
        json_object_array_add (conds, s_condition ("PodScheduled", true, NULL, NULL, pod->created_ms));
    }
    else
        json_object_array_add (conds, s_condition ("PodScheduled", false, "Unschedulable",
                                                   S_UNSCHED_MSG, pod->created_ms));
    s_add (st, "conditions", conds);
    if (scheduled) {
        snprintf (ip, sizeof ip, "10.0.%d.%d", pod->index % 3 + 1, 10 + (pod->uid[0] % 200));
        s_add (st, "hostIP", s_str (pod->index % 3 == 0 ? "192.168.49.2" : pod->index % 3 == 1 ? "192.168.49.3" : "192.168.49.4"));
        s_add (st, "podIP", s_str (ip));
        s_add (st, "startTime", qs_sbx_json_time (pod->created_ms + 1000));
        json_object *statuses = json_object_new_array ();
        json_object_array_add (statuses, s_container_status (svc, pod));
        s_add (st, "containerStatuses", statuses);
    }
    s_add (st, "qosClass", s_str ("Guaranteed"));
    s_add (o, "status", st);
    return o;
}

static void
s_event (json_object *items, const qs_sbx_service_t *svc, const qs_sbx_pod_t *pod, int seq,
         const char *type, const char *reason, const char *message, const char *component,
         int count, int64_t first_ms, int64_t last_ms)
{
    char name[160], rv[24], fieldpath[64], uid[48];
    json_object *e = json_object_new_object (), *md = json_object_new_object (),
                *inv = json_object_new_object (), *src = json_object_new_object ();
    snprintf (name, sizeof name, "%s.%08x%04x", pod->name, (unsigned) (pod->created_ms / 1000), seq);
    snprintf (uid, sizeof uid, "%.30s%06x", pod->uid, seq);
    s_rv (last_ms, rv, sizeof rv);
    s_add (md, "name", s_str (name));
    s_add (md, "namespace", s_str (svc->namespace_));
    s_add (md, "uid", s_str (uid));
    s_add (md, "resourceVersion", s_str (rv));
    s_add (md, "creationTimestamp", qs_sbx_json_time (first_ms));
    s_add (e, "metadata", md);
    s_add (inv, "kind", s_str ("Pod"));
    s_add (inv, "namespace", s_str (svc->namespace_));
    s_add (inv, "name", s_str (pod->name));
    s_add (inv, "uid", s_str (pod->uid));
    s_add (inv, "apiVersion", s_str ("v1"));
    if (strcmp (component, "kubelet") == 0) {
        snprintf (fieldpath, sizeof fieldpath, "spec.containers{%s}", qs_sbx_k8s_container (svc));
        s_add (inv, "fieldPath", s_str (fieldpath));
    }
    s_add (e, "involvedObject", inv);
    s_add (e, "reason", s_str (reason));
    s_add (e, "message", s_str (message));
    s_add (src, "component", s_str (component));
    if (pod->node[0] && !strcmp (component, "kubelet"))
        s_add (src, "host", s_str (pod->node));
    s_add (e, "source", src);
    s_add (e, "firstTimestamp", qs_sbx_json_time (first_ms));
    s_add (e, "lastTimestamp", qs_sbx_json_time (last_ms));
    s_add (e, "count", json_object_new_int (count));
    s_add (e, "type", s_str (type));
    s_add (e, "eventTime", NULL);
    s_add (e, "reportingComponent", s_str (component));
    s_add (e, "reportingInstance", s_str (pod->node[0] && !strcmp (component, "kubelet") ? pod->node : ""));
    json_object_array_add (items, e);
}

void
qs_sbx_k8s_pod_events (const qs_sbx_service_t *svc, const qs_sbx_pod_t *pod, json_object *items,
                       int64_t now_ms)
{
    char image[160], msg[768];
    const char *c = qs_sbx_k8s_container (svc);
    int64_t t0 = pod->created_ms, recent = now_ms - 30000;
    qs_sbx_scenario_image (svc, image, sizeof image);
    if (pod->state == QS_SBX_POD_UNSCHEDULABLE) {
        s_event (items, svc, pod, 1, "Warning", "FailedScheduling", S_UNSCHED_MSG, "default-scheduler",
                 1, t0, recent);
        return;
    }
    snprintf (msg, sizeof msg, "Successfully assigned %s/%s to %s", svc->namespace_, pod->name, pod->node);
    s_event (items, svc, pod, 1, "Normal", "Scheduled", msg, "default-scheduler", 1, t0, t0);
    if (pod->state == QS_SBX_POD_IMAGE_PULL) {
        snprintf (msg, sizeof msg, "Pulling image \"%s\"", image);
        s_event (items, svc, pod, 2, "Normal", "Pulling", msg, "kubelet", 7, t0 + 2000, recent);
        snprintf (msg, sizeof msg, "Failed to pull image \"%s\": rpc error: code = NotFound desc = failed "
                  "to pull and unpack image \"%s\": failed to resolve reference \"%s\": not found",
                  image, image, image);
        s_event (items, svc, pod, 3, "Warning", "Failed", msg, "kubelet", 7, t0 + 3000, recent);
        s_event (items, svc, pod, 4, "Warning", "Failed", "Error: ErrImagePull", "kubelet", 7, t0 + 3000, recent);
        snprintf (msg, sizeof msg, "Back-off pulling image \"%s\"", image);
        s_event (items, svc, pod, 5, "Normal", "BackOff", msg, "kubelet", 30, t0 + 4000, recent);
        s_event (items, svc, pod, 6, "Warning", "Failed", "Error: ImagePullBackOff", "kubelet", 30,
                 t0 + 4000, recent);
        return;
    }
    int starts = pod->restarts + 1;
    snprintf (msg, sizeof msg, "Container image \"%s\" already present on machine", image);
    s_event (items, svc, pod, 2, "Normal", "Pulled", msg, "kubelet", starts, t0 + 2000, pod->last_restart_ms);
    snprintf (msg, sizeof msg, "Created container %s", c);
    s_event (items, svc, pod, 3, "Normal", "Created", msg, "kubelet", starts, t0 + 2500, pod->last_restart_ms);
    snprintf (msg, sizeof msg, "Started container %s", c);
    s_event (items, svc, pod, 4, "Normal", "Started", msg, "kubelet", starts, t0 + 3000, pod->last_restart_ms);
    switch (pod->state) {
    case QS_SBX_POD_CRASH_LOOP:
    case QS_SBX_POD_OOM:
        snprintf (msg, sizeof msg, "Back-off restarting failed container %s in pod %s_%s(%s)", c,
                  pod->name, svc->namespace_, pod->uid);
        s_event (items, svc, pod, 5, "Warning", "BackOff", msg, "kubelet",
                 pod->state == QS_SBX_POD_OOM ? pod->restarts : 40, t0 + 60000,
                 pod->state == QS_SBX_POD_OOM ? pod->last_restart_ms - 1000 : recent);
        break;
    case QS_SBX_POD_NOT_READY:
        s_event (items, svc, pod, 5, "Warning", "Unhealthy",
                 "Readiness probe failed: mysqladmin: connect to server at 'localhost' failed\n"
                 "error: 'Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)'",
                 "kubelet", 120, t0 + 60000, recent);
        break;
    case QS_SBX_POD_RESTARTING:
        s_event (items, svc, pod, 5, "Warning", "Unhealthy",
                 "Liveness probe failed: Error: operation ping on node rabbit@localhost timed out",
                 "kubelet", pod->restarts * 3, t0 + 60000, recent);
        snprintf (msg, sizeof msg, "Container %s failed liveness probe, will be restarted", c);
        s_event (items, svc, pod, 6, "Normal", "Killing", msg, "kubelet", pod->restarts, t0 + 61000,
                 pod->last_restart_ms - 2000);
        break;
    default:
        break;
    }
}

json_object *
qs_sbx_k8s_pod_metrics (const qs_sbx_service_t *svc, const qs_sbx_pod_t *pod, bool with_type,
                        int64_t now_ms)
{
    if (pod->state == QS_SBX_POD_UNSCHEDULABLE || pod->state == QS_SBX_POD_IMAGE_PULL
        || pod->state == QS_SBX_POD_CRASH_LOOP)
        return NULL;
    const qs_sbx_tier_t *tier = qs_sbx_tier_find (svc->tier);
    double vcpu = tier ? tier->vcpu : 1.0;
    double mem_mb = tier ? tier->memory_mb : 1024;
    double cpu_frac = svc->fixed ? svc->metrics.cpu_avg : svc->metrics.cpu_p95;
    double mem_frac = svc->fixed ? svc->metrics.mem_avg * 0.5 : svc->metrics.mem_p95;
    char cpu[32], mem[32];
    /* kubelet reports nanocores; at least a trace of use */
    snprintf (cpu, sizeof cpu, "%lldn", (long long) (cpu_frac * vcpu * 1e9) + 1000000);
    snprintf (mem, sizeof mem, "%lldKi", (long long) (mem_frac * mem_mb * 1024) + 2048);
    json_object *o = json_object_new_object (), *md = json_object_new_object ();
    if (with_type) {
        s_add (o, "kind", s_str ("PodMetrics"));
        s_add (o, "apiVersion", s_str ("metrics.k8s.io/v1beta1"));
    }
    s_add (md, "name", s_str (pod->name));
    s_add (md, "namespace", s_str (svc->namespace_));
    s_add (md, "creationTimestamp", qs_sbx_json_time (now_ms));
    s_add (md, "labels", s_labels (svc, pod));
    s_add (o, "metadata", md);
    s_add (o, "timestamp", qs_sbx_json_time (now_ms - 15000));
    s_add (o, "window", s_str ("20.035s"));
    json_object *cs = json_object_new_array (), *c = json_object_new_object (),
                *usage = json_object_new_object ();
    s_add (c, "name", s_str (qs_sbx_k8s_container (svc)));
    s_add (usage, "cpu", s_str (cpu));
    s_add (usage, "memory", s_str (mem));
    s_add (c, "usage", usage);
    json_object_array_add (cs, c);
    s_add (o, "containers", cs);
    return o;
}

static json_object *
s_meta_named (const qs_sbx_service_t *svc, bool with_gen)
{
    json_object *md = json_object_new_object ();
    char rv[24], uid[48];
    s_rv (svc->created_ms + svc->generation * 1000LL, rv, sizeof rv);
    s_sts_uid (svc, uid, sizeof uid);
    s_add (md, "name", s_str (svc->name));
    s_add (md, "namespace", s_str (svc->namespace_));
    s_add (md, "uid", s_str (uid));
    s_add (md, "resourceVersion", s_str (rv));
    if (with_gen)
        s_add (md, "generation", json_object_new_int (svc->generation));
    s_add (md, "creationTimestamp", qs_sbx_json_time (svc->created_ms));
    return md;
}

json_object *
qs_sbx_k8s_statefulset (const qs_sbx_service_t *svc)
{
    json_object *o = json_object_new_object ();
    s_add (o, "kind", s_str ("StatefulSet"));
    s_add (o, "apiVersion", s_str ("apps/v1"));
    json_object *md = s_meta_named (svc, true);
    s_add (md, "labels", s_labels (svc, NULL));
    s_add (o, "metadata", md);
    json_object *spec = json_object_new_object (), *sel = json_object_new_object (),
                *ml = json_object_new_object ();
    s_add (spec, "replicas", json_object_new_int (svc->replicas));
    s_add (ml, "quickspin.io/service-id", s_str (svc->id));
    s_add (sel, "matchLabels", ml);
    s_add (spec, "selector", sel);
    s_add (spec, "serviceName", s_str (svc->name));
    json_object *tpl = json_object_new_object (), *tmd = json_object_new_object (),
                *tspec = json_object_new_object (), *cs = json_object_new_array ();
    s_add (tmd, "labels", s_labels (svc, NULL));
    s_add (tpl, "metadata", tmd);
    json_object_array_add (cs, s_container_spec (svc));
    s_add (tspec, "containers", cs);
    s_add (tpl, "spec", tspec);
    s_add (spec, "template", tpl);
    s_add (spec, "podManagementPolicy", s_str ("OrderedReady"));
    json_object *us = json_object_new_object ();
    s_add (us, "type", s_str ("RollingUpdate"));
    s_add (spec, "updateStrategy", us);
    s_add (o, "spec", spec);
    int ready = 0;
    for (int i = 0; i < svc->npods; i++)
        ready += svc->pods[i].state == QS_SBX_POD_OK || svc->pods[i].state == QS_SBX_POD_OOM
                 || svc->pods[i].state == QS_SBX_POD_RESTARTING;
    json_object *st = json_object_new_object ();
    char rev[80];
    snprintf (rev, sizeof rev, "%s-%d", svc->name, 5000 + svc->generation);
    s_add (st, "observedGeneration", json_object_new_int (svc->generation));
    s_add (st, "replicas", json_object_new_int (svc->npods));
    s_add (st, "readyReplicas", json_object_new_int (ready));
    s_add (st, "currentReplicas", json_object_new_int (svc->npods));
    s_add (st, "updatedReplicas", json_object_new_int (svc->npods));
    s_add (st, "availableReplicas", json_object_new_int (ready));
    s_add (st, "currentRevision", s_str (rev));
    s_add (st, "updateRevision", s_str (rev));
    s_add (st, "collisionCount", json_object_new_int (0));
    s_add (o, "status", st);
    return o;
}

json_object *
qs_sbx_k8s_scale (const qs_sbx_service_t *svc)
{
    json_object *o = json_object_new_object ();
    char sel[96];
    snprintf (sel, sizeof sel, "quickspin.io/service-id=%s", svc->id);
    s_add (o, "kind", s_str ("Scale"));
    s_add (o, "apiVersion", s_str ("autoscaling/v1"));
    s_add (o, "metadata", s_meta_named (svc, false));
    json_object *spec = json_object_new_object (), *st = json_object_new_object ();
    s_add (spec, "replicas", json_object_new_int (svc->replicas));
    s_add (o, "spec", spec);
    s_add (st, "replicas", json_object_new_int (svc->npods));
    s_add (st, "selector", s_str (sel));
    s_add (o, "status", st);
    return o;
}

json_object *
qs_sbx_k8s_list (const char *kind, const char *api_version, json_object **items_p)
{
    json_object *o = json_object_new_object (), *md = json_object_new_object ();
    s_add (o, "kind", s_str (kind));
    s_add (o, "apiVersion", s_str (api_version));
    char rv[24];
    s_rv (qs_now_ms (), rv, sizeof rv);
    s_add (md, "resourceVersion", s_str (rv));
    s_add (o, "metadata", md);
    s_add (o, "items", *items_p ? *items_p : json_object_new_array ());
    *items_p = NULL;
    return o;
}

json_object *
qs_sbx_k8s_status (int code, const char *reason, const char *message, const char *kind,
                   const char *name)
{
    json_object *o = json_object_new_object ();
    s_add (o, "kind", s_str ("Status"));
    s_add (o, "apiVersion", s_str ("v1"));
    s_add (o, "metadata", json_object_new_object ());
    s_add (o, "status", s_str ("Failure"));
    s_add (o, "message", s_str (message));
    s_add (o, "reason", s_str (reason));
    if (kind || name) {
        json_object *d = json_object_new_object ();
        if (name)
            s_add (d, "name", s_str (name));
        if (kind)
            s_add (d, "kind", s_str (kind));
        s_add (o, "details", d);
    }
    s_add (o, "code", json_object_new_int (code));
    return o;
}
