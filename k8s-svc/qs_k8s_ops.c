/*  qs_k8s_ops - see qs_k8s_ops.h */
#include "qs_k8s_ops.h"
#include "qs_k8s_parse.h"
#include "qs_k8s_read.h"
#include "qs_k8s_snapshot.h"
#include "qs_http.h"
#include "qs_platform.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_POOL           16
#define S_MAX_REPLICAS   20

typedef struct {
    qs_platform_t *platform;
    qs_k8s_api_t *api;
    bool busy;
} s_conn_t;

struct _qs_k8s_ops_t {
    char platform_url[512];
    qs_k8s_config_t k8s;
    qs_metrics_t *metrics;
    pthread_mutex_t lock;
    s_conn_t pool[S_POOL];
};


typedef int (s_op_fn) (qs_k8s_call_t *call, json_object *reply, qs_err_t *err);

static const char *s_names[] = {"pods", "pod", "logs", "events", "metrics", "restart",
                                "scale", "snapshot", NULL};

const char *const *
qs_k8s_ops_names (void)
{
    return s_names;
}

qs_k8s_ops_t *
qs_k8s_ops_new (const char *platform_url, const qs_k8s_config_t *k8s, qs_metrics_t *metrics)
{
    qs_k8s_ops_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    /* probe the URL once so a bad one fails at start, not per request */
    qs_platform_t *probe = qs_platform_new (platform_url);
    if (!probe) {
        free (self);
        return NULL;
    }
    qs_strlcpy (self->platform_url, qs_platform_url (probe), sizeof self->platform_url);
    qs_platform_destroy (&probe);
    self->k8s = *k8s;
    self->metrics = metrics;
    pthread_mutex_init (&self->lock, NULL);
    if (metrics)
        qs_metrics_declare (metrics, "qs_k8s_ops_total", QS_METRIC_COUNTER,
                            "k8s ops answered, by op and status", NULL, 0);
    return self;
}

void
qs_k8s_ops_destroy (qs_k8s_ops_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_k8s_ops_t *self = *self_p;
    for (int i = 0; i < S_POOL; i++) {
        qs_platform_destroy (&self->pool[i].platform);
        qs_k8s_api_destroy (&self->pool[i].api);
    }
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

static s_conn_t *
s_conn_acquire (qs_k8s_ops_t *self)
{
    s_conn_t *got = NULL;
    pthread_mutex_lock (&self->lock);
    for (int i = 0; i < S_POOL && !got; i++)
        if (!self->pool[i].busy && self->pool[i].platform)
            got = &self->pool[i];
    for (int i = 0; i < S_POOL && !got; i++) {
        s_conn_t *c = &self->pool[i];
        if (c->busy || c->platform)
            continue;
        c->platform = qs_platform_new (self->platform_url);
        c->api = qs_k8s_api_new (&self->k8s);
        if (c->platform && c->api)
            got = c;
        else {
            qs_platform_destroy (&c->platform);
            qs_k8s_api_destroy (&c->api);
            break;
        }
    }
    if (got)
        got->busy = true;
    pthread_mutex_unlock (&self->lock);
    return got;
}

static void
s_conn_release (qs_k8s_ops_t *self, s_conn_t *conn)
{
    pthread_mutex_lock (&self->lock);
    conn->busy = false;
    pthread_mutex_unlock (&self->lock);
}

/* ---- ops ---- */

static int
s_op_pods (qs_k8s_call_t *call, json_object *reply, qs_err_t *err)
{
    json_object *list = NULL;
    if (qs_k8s_read_pods (call, &list, err) != 0)
        return -1;
    json_object_object_add (reply, "pods", qs_k8s_pods_summary (list));
    json_object_put (list);
    return 0;
}

static int
s_op_pod (qs_k8s_call_t *call, json_object *reply, qs_err_t *err)
{
    json_object *pod = NULL;
    const char *name;
    if (qs_k8s_read_pod (call, &pod, &name, err) != 0)
        return -1;
    json_object_object_add (reply, "pod", qs_k8s_pod_summary (pod));
    json_object_put (pod);
    return 0;
}

static int
s_op_logs (qs_k8s_call_t *call, json_object *reply, qs_err_t *err)
{
    json_object *pod = NULL, *lines = NULL;
    const char *name;
    int rc = -1;
    json_object *tv = qs_json_get (call->body, "tail", json_type_int);
    int64_t tail = tv ? json_object_get_int64 (tv) : 100;     /* ints only: no float casts */
    bool previous = qs_json_bool (call->body, "previous", false);
    const char *want = qs_json_str (call->body, "container", NULL);
    tail = tail < 1 ? 1 : tail > 1000 ? 1000 : tail;
    if (qs_k8s_read_pod (call, &pod, &name, err) != 0)
        return -1;
    /* default to the first container; a named one must exist in the pod */
    json_object *specs = qs_json_path (pod, "spec.containers");
    const char *container = NULL;
    size_t n = json_object_is_type (specs, json_type_array) ? json_object_array_length (specs) : 0;
    for (size_t i = 0; i < n && !container; i++) {
        const char *cn = qs_json_str (json_object_array_get_idx (specs, i), "name", NULL);
        if (cn && (!want || strcmp (cn, want) == 0))
            container = cn;
    }
    if (!container) {
        qs_err_set (err, 404, "not_found", "Pod '%.64s' has no container%s%.64s%s.", name,
                    want ? " named '" : "", want ? want : "", want ? "'" : "");
        goto cleanup;
    }
    if (qs_k8s_read_logs (call, name, container, previous, (int) tail, &lines, err) != 0)
        goto cleanup;
    qs_json_add_str (reply, "pod", name);
    qs_json_add_str (reply, "container", container);
    qs_json_add_bool (reply, "previous", previous);
    json_object_object_add (reply, "lines", lines);
    rc = 0;
cleanup:
    json_object_put (pod);
    return rc;
}

static int
s_op_events (qs_k8s_call_t *call, json_object *reply, qs_err_t *err)
{
    json_object *pod = NULL, *events = NULL;
    const char *name;
    if (qs_k8s_read_pod (call, &pod, &name, err) != 0)
        return -1;
    int rc = qs_k8s_read_events (call, name, &events, err);
    if (rc == 0) {
        qs_json_add_str (reply, "pod", name);
        json_object_object_add (reply, "events", events);
    }
    json_object_put (pod);
    return rc;
}

static int
s_op_metrics (qs_k8s_call_t *call, json_object *reply, qs_err_t *err)
{
    json_object *m = NULL;
    if (qs_k8s_read_metrics (call, &m, err) != 0)
        return -1;
    json_object_object_foreach (m, key, val)
        json_object_object_add (reply, key, json_object_get (val));
    json_object_put (m);
    return 0;
}

static int
s_op_restart (qs_k8s_call_t *call, json_object *reply, qs_err_t *err)
{
    char path[600], what[128];
    json_object *pod = NULL;
    const char *name;
    if (qs_k8s_read_pod (call, &pod, &name, err) != 0)
        return -1;
    bool controlled = qs_json_get (qs_json_path (pod, "metadata"), "ownerReferences",
                                   json_type_array) != NULL;
    json_object_put (pod);
    if (!controlled)
        return qs_err_set (err, 409, "conflict",
                           "Pod '%.64s' has no controller, so deleting it would not bring it "
                           "back; it was left alone.", name);
    snprintf (path, sizeof path, "/api/v1/namespaces/%s/pods/%s", call->ns, name);
    snprintf (what, sizeof what, "Pod '%.64s'", name);
    if (qs_k8s_api_request (call->api, "DELETE", path, NULL, NULL, call->deadline,
                            call->rid, what, NULL, NULL, err) != 0)
        return -1;
    qs_info (call->rid, "restarted pod %s/%s for service %s", call->ns, name, call->service_id);
    qs_json_add_str (reply, "pod", name);
    qs_json_add_bool (reply, "restarted", true);
    char msg[200];
    snprintf (msg, sizeof msg, "Pod %s was deleted; its controller is recreating it.", name);
    qs_json_add_str (reply, "message", msg);
    return 0;
}

/*  The workload that owns the service's pods: StatefulSet directly, or the
    Deployment behind a ReplicaSet. kind is "statefulsets" or "deployments". */
static int
s_find_workload (qs_k8s_call_t *call, char *kind, size_t ksize, char *name, size_t nsize, qs_err_t *err)
{
    json_object *list = NULL;
    int rc = -1;
    if (qs_k8s_read_pods (call, &list, err) != 0)
        return -1;
    json_object *items = qs_json_get (list, "items", json_type_array);
    size_t n = items ? json_object_array_length (items) : 0;
    for (size_t i = 0; i < n && rc != 0; i++) {
        json_object *sum = qs_k8s_pod_summary (json_object_array_get_idx (items, i));
        json_object *own = qs_json_get (sum, "owner", json_type_object);
        const char *ok = qs_json_str (own, "kind", ""), *on = qs_json_str (own, "name", "");
        if (strcmp (ok, "StatefulSet") == 0 && qs_k8s_name_valid (on, false)) {
            snprintf (kind, ksize, "statefulsets");
            qs_strlcpy (name, on, nsize);
            rc = 0;
        }
        else if (strcmp (ok, "ReplicaSet") == 0 && qs_k8s_name_valid (on, false)) {
            char path[600];
            json_object *rs = NULL;
            snprintf (path, sizeof path, "/apis/apps/v1/namespaces/%s/replicasets/%s", call->ns, on);
            if (qs_k8s_api_get_json (call->api, path, call->deadline, call->rid,
                                     "the pods' ReplicaSet", NULL, &rs, err) == 0) {
                json_object *owners = qs_json_path (rs, "metadata.ownerReferences");
                for (size_t k = 0; json_object_is_type (owners, json_type_array)
                                   && k < json_object_array_length (owners) && rc != 0; k++) {
                    json_object *o = json_object_array_get_idx (owners, k);
                    const char *dn = qs_json_str (o, "name", "");
                    if (strcmp (qs_json_str (o, "kind", ""), "Deployment") == 0
                        && qs_k8s_name_valid (dn, false)) {
                        snprintf (kind, ksize, "deployments");
                        qs_strlcpy (name, dn, nsize);
                        rc = 0;
                    }
                }
            }
            json_object_put (rs);
        }
        json_object_put (sum);
    }
    json_object_put (list);
    if (rc != 0 && err->status == 0)
        qs_err_set (err, 409, "not_scalable",
                    "No StatefulSet or Deployment manages this service's pods right now, so it "
                    "cannot be scaled here.");
    return rc;
}

static int
s_op_scale (qs_k8s_call_t *call, json_object *reply, qs_err_t *err)
{
    char kind[32], name[256], path[700], body[64], what[300];
    char *text = NULL;
    json_object *rv = qs_json_get (call->body, "replicas", json_type_int);
    int64_t replicas = rv ? json_object_get_int64 (rv) : -1;
    if (replicas < 1 || replicas > S_MAX_REPLICAS)
        return qs_err_set (err, 400, "bad_request",
                           "replicas must be a whole number from 1 to %d.", S_MAX_REPLICAS);
    qs_err_clear (err);
    if (s_find_workload (call, kind, sizeof kind, name, sizeof name, err) != 0)
        return -1;
    snprintf (path, sizeof path, "/apis/apps/v1/namespaces/%s/%s/%s/scale", call->ns, kind, name);
    snprintf (what, sizeof what, "the scale of %s", name);
    json_object *before = NULL;
    int64_t previous = -1;
    if (qs_k8s_api_get_json (call->api, path, call->deadline, call->rid, what, NULL,
                             &before, err) == 0)
        previous = qs_json_int (qs_json_get (before, "spec", json_type_object), "replicas", -1);
    json_object_put (before);
    qs_err_clear (err);     /* the current size is a nicety; the PATCH decides */
    snprintf (body, sizeof body, "{\"spec\":{\"replicas\":%lld}}", (long long) replicas);
    if (qs_k8s_api_request (call->api, "PATCH", path, body, "application/merge-patch+json",
                            call->deadline, call->rid, what, NULL, &text, err) != 0)
        return -1;
    const char *why;
    json_object *after = qs_json_parse (text, strlen (text), &why);
    free (text);
    int64_t now = qs_json_int (qs_json_get (after, "spec", json_type_object), "replicas", replicas);
    json_object_put (after);
    qs_info (call->rid, "scaled %s/%s/%s to %lld for service %s", call->ns, kind, name,
             (long long) now, call->service_id);
    qs_json_add_str (reply, "kind", strcmp (kind, "statefulsets") == 0 ? "StatefulSet" : "Deployment");
    qs_json_add_str (reply, "name", name);
    qs_json_add_int (reply, "replicas", now);
    if (previous >= 0)
        qs_json_add_int (reply, "previous_replicas", previous);
    char msg[300];
    snprintf (msg, sizeof msg, "%s now wants %lld replica%s.", name, (long long) now, now == 1 ? "" : "s");
    qs_json_add_str (reply, "message", msg);
    return 0;
}


/* ---- dispatch ---- */

int
qs_k8s_ops_run (qs_k8s_ops_t *self, const char *op, const qs_auth_t *auth, json_object *body,
                int64_t deadline_ms, const char *request_id, json_object **reply_p, qs_err_t *err)
{
    static const struct { const char *name; s_op_fn *fn; bool execute; } s_ops[] = {
        {"pods", s_op_pods, false},       {"pod", s_op_pod, false},
        {"logs", s_op_logs, false},       {"events", s_op_events, false},
        {"metrics", s_op_metrics, false}, {"restart", s_op_restart, true},
        {"scale", s_op_scale, true},      {"snapshot", qs_k8s_snapshot, false},
        {NULL, NULL, false}};
    qs_k8s_call_t call = {.auth = auth, .body = body, .deadline = deadline_ms, .rid = request_id};
    json_object *reply = NULL;
    s_conn_t *conn = NULL;
    int rc = -1, i;
    *reply_p = NULL;
    qs_err_clear (err);
    for (i = 0; op && s_ops[i].name; i++)
        if (strcmp (op, s_ops[i].name) == 0)
            break;
    bool known = op && s_ops[i].name;
    if (!known) {
        qs_err_set (err, 404, "unknown_op", "Unknown k8s operation '%.32s'.", op ? op : "");
        goto done;
    }
    if (!auth || !auth->token[0]) {
        qs_err_set (err, 401, "unauthorized", "Sign in to read your services' pods.");
        goto done;
    }
    if (s_ops[i].execute && !qs_auth_can_execute (auth)) {
        qs_err_set (err, 403, "forbidden",
                    "Your role (viewer) can read pods but not %s them; ask an admin or member.",
                    strcmp (op, "scale") == 0 ? "scale" : "restart");
        goto done;
    }
    if (!json_object_is_type (body, json_type_object)) {
        qs_err_set (err, 400, "bad_request", "The request body must be a JSON object.");
        goto done;
    }
    conn = s_conn_acquire (self);
    if (!conn) {
        qs_err_set (err, 503, "overloaded", "quickspin-k8s is busy; try again shortly.");
        goto done;
    }
    call.platform = conn->platform;
    call.api = conn->api;
    if (qs_k8s_read_resolve (&call, err) == 0 && (reply = json_object_new_object ())) {
        qs_json_add_str (reply, "service_id", call.service_id);
        qs_json_add_str (reply, "namespace", call.ns);
        rc = s_ops[i].fn (&call, reply, err);
    }
    else if (err->status == 0)
        qs_err_set (err, 500, "internal_error", "out of memory");
    s_conn_release (self, conn);
done:
    if (rc == 0)
        *reply_p = reply;
    else
        json_object_put (reply);
    if (self && self->metrics) {
        char labels[128];
        snprintf (labels, sizeof labels, "op=\"%s\",status=\"%d\"",
                  known ? s_ops[i].name : "unknown", rc == 0 ? 200 : err->status);
        qs_metrics_inc (self->metrics, "qs_k8s_ops_total", labels, 1);
    }
    return rc;
}
