/*  qs_sbx_k8s - see qs_sbx_k8s.h */
#include "qs_sbx_k8s.h"
#include "qs_sbx_k8sobj.h"
#include "qs_sbx_scenario.h"
#include "qs_sbx_platform.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S_NS "/api/v1/namespaces/"
#define S_METRICS "/apis/metrics.k8s.io/v1beta1/namespaces/"
#define S_APPS "/apis/apps/v1/namespaces/"

bool
qs_sbx_k8s_owns (const char *path)
{
    return !strncmp (path, S_NS, strlen (S_NS)) || !strncmp (path, "/apis", 5)
           || !strcmp (path, "/version") || !strcmp (path, "/api") || !strcmp (path, "/api/");
}

static void
s_status (qs_sbx_resp_t *resp, int code, const char *reason, const char *kind, const char *name,
          const char *fmt, ...) __attribute__ ((format (printf, 6, 7)));

static void
s_status (qs_sbx_resp_t *resp, int code, const char *reason, const char *kind, const char *name,
          const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (message, sizeof message, fmt, ap);
    va_end (ap);
    json_object *o = qs_sbx_k8s_status (code, reason, message, kind, name);
    qs_sbx_resp_json (resp, code, &o);
}

int
qs_sbx_k8s_selector_match (const char *selector, const qs_sbx_service_t *svc, const qs_sbx_pod_t *pod)
{
    char buf[512];
    if (!selector || !*selector)
        return 1;
    if (qs_strlcpy (buf, selector, sizeof buf) >= sizeof buf)
        return -1;
    int match = 1;
    char *save = NULL;
    for (char *term = strtok_r (buf, ",", &save); term; term = strtok_r (NULL, ",", &save)) {
        while (*term == ' ')
            term++;
        char value[128], *eq, *key = term;
        const char *want = NULL;
        int negate = 0;
        if ((eq = strstr (term, "!=")) != NULL) {
            *eq = '\0';
            want = eq + 2;
            negate = 1;
        }
        else if ((eq = strstr (term, "==")) != NULL) {
            *eq = '\0';
            want = eq + 2;
        }
        else if ((eq = strchr (term, '=')) != NULL) {
            *eq = '\0';
            want = eq + 1;
        }
        else if (*term == '!') {
            key = term + 1;
            negate = 1;
        }
        if (!*key || strpbrk (key, " ()"))
            return -1;
        const char *have = qs_sbx_k8s_pod_label (svc, pod, key, value, sizeof value);
        bool ok = want ? (have && !strcmp (have, want)) : have != NULL;
        if (negate)
            ok = want ? !(have && !strcmp (have, want)) : have == NULL;
        if (!ok)
            match = 0;
    }
    return match;
}

/*  Split "/api/v1/namespaces/NS/RES[/NAME[/SUB]]" style paths after a prefix.
    Returns the number of parts found (1..4). */
static int
s_split (const char *rest, char parts[4][128])
{
    int n = 0;
    const char *p = rest;
    while (*p) {
        if (n == 4)
            return -1;
        const char *slash = strchr (p, '/');
        size_t len = slash ? (size_t) (slash - p) : strlen (p);
        if (len == 0 || len >= 128)
            return -1;
        memcpy (parts[n], p, len);
        parts[n][len] = '\0';
        n++;
        if (!slash)
            break;
        p = slash + 1;
    }
    return n;
}

static void
s_pods_list (qs_sbx_world_t *world, const char *ns, const qs_sbx_req_t *req, qs_sbx_resp_t *resp,
             bool metrics)
{
    char selector[512] = "";
    qs_sbx_query_get (req->query, "labelSelector", selector, sizeof selector);
    json_object *items = json_object_new_array ();
    for (int i = 0; i < qs_sbx_world_count (world); i++) {
        const qs_sbx_service_t *svc = qs_sbx_world_at (world, i);
        if (strcmp (svc->namespace_, ns) != 0)
            continue;
        for (int p = 0; p < svc->npods; p++) {
            int m = qs_sbx_k8s_selector_match (selector, svc, &svc->pods[p]);
            if (m < 0) {
                json_object_put (items);
                s_status (resp, 400, "BadRequest", NULL, NULL, "unable to parse requirement: %s", selector);
                return;
            }
            if (!m)
                continue;
            json_object *o = metrics ? qs_sbx_k8s_pod_metrics (svc, &svc->pods[p], false, req->now_ms)
                                     : qs_sbx_k8s_pod (svc, &svc->pods[p], false, req->now_ms);
            if (o)
                json_object_array_add (items, o);
        }
    }
    json_object *list = metrics ? qs_sbx_k8s_list ("PodMetricsList", "metrics.k8s.io/v1beta1", &items)
                                : qs_sbx_k8s_list ("PodList", "v1", &items);
    qs_sbx_resp_json (resp, 200, &list);
}

static void
s_events (qs_sbx_world_t *world, const char *ns, const qs_sbx_req_t *req, qs_sbx_resp_t *resp)
{
    char selector[512] = "", want_name[128] = "", buf[512];
    qs_sbx_query_get (req->query, "fieldSelector", selector, sizeof selector);
    qs_strlcpy (buf, selector, sizeof buf);
    char *save = NULL;
    for (char *t = strtok_r (buf, ",", &save); t; t = strtok_r (NULL, ",", &save)) {
        char *eq = strstr (t, "==") ? strstr (t, "==") : strchr (t, '=');
        if (!eq) {
            s_status (resp, 400, "BadRequest", NULL, NULL, "invalid field selector: %s", selector);
            return;
        }
        const char *v = eq + (eq[1] == '=' ? 2 : 1);
        *eq = '\0';
        if (!strcmp (t, "involvedObject.name"))
            qs_strlcpy (want_name, v, sizeof want_name);
        else if (!strcmp (t, "involvedObject.kind")) {
            if (strcmp (v, "Pod") != 0) {
                want_name[0] = '\0';
                qs_strlcpy (want_name, "\x01none", sizeof want_name);
            }
        }
        else if (strcmp (t, "involvedObject.namespace") != 0) {
            s_status (resp, 400, "BadRequest", NULL, NULL,
                      "\"%s\" is not a known field selector: only \"involvedObject.name\", "
                      "\"involvedObject.kind\", \"involvedObject.namespace\"", t);
            return;
        }
    }
    json_object *items = json_object_new_array ();
    for (int i = 0; i < qs_sbx_world_count (world); i++) {
        const qs_sbx_service_t *svc = qs_sbx_world_at (world, i);
        if (strcmp (svc->namespace_, ns) != 0)
            continue;
        for (int p = 0; p < svc->npods; p++)
            if (!want_name[0] || !strcmp (want_name, svc->pods[p].name))
                qs_sbx_k8s_pod_events (svc, &svc->pods[p], items, req->now_ms);
    }
    json_object *list = qs_sbx_k8s_list ("EventList", "v1", &items);
    qs_sbx_resp_json (resp, 200, &list);
}

static void
s_pod_log (qs_sbx_service_t *svc, qs_sbx_pod_t *pod, const qs_sbx_req_t *req, qs_sbx_resp_t *resp)
{
    char text[32] = "", container[64] = "";
    const char *cname = qs_sbx_k8s_container (svc);
    long tail = -1;
    if (qs_sbx_query_get (req->query, "tailLines", text, sizeof text)) {
        char *end = NULL;
        tail = strtol (text, &end, 10);
        if (!*text || *end || tail < 0) {
            s_status (resp, 400, "BadRequest", NULL, NULL, "invalid tailLines: %s", text);
            return;
        }
    }
    bool previous = qs_sbx_query_get (req->query, "previous", text, sizeof text)
                    && (!strcmp (text, "true") || !strcmp (text, "1"));
    if (qs_sbx_query_get (req->query, "container", container, sizeof container)
        && strcmp (container, cname) != 0) {
        s_status (resp, 400, "BadRequest", NULL, NULL, "container %s is not valid for pod %s", container,
                  pod->name);
        return;
    }
    if (pod->state == QS_SBX_POD_UNSCHEDULABLE || pod->state == QS_SBX_POD_IMAGE_PULL) {
        s_status (resp, 400, "BadRequest", NULL, NULL, "container \"%s\" in pod \"%s\" is waiting to start: %s",
                  cname, pod->name,
                  pod->state == QS_SBX_POD_IMAGE_PULL ? "trying and failing to pull image" : "ContainerCreating");
        return;
    }
    if (previous && pod->restarts == 0) {
        s_status (resp, 400, "BadRequest", NULL, NULL,
                  "previous terminated container \"%s\" in pod \"%s\" not found", cname, pod->name);
        return;
    }
    if (tail == 0) {
        qs_sbx_resp_text (resp, 200, "text/plain", "", 0);
        return;
    }
    char *log = qs_sbx_scenario_pod_log (svc, pod, previous, (int) tail, req->now_ms);
    if (!log) {
        s_status (resp, 500, "InternalError", NULL, NULL, "out of memory");
        return;
    }
    qs_sbx_resp_text (resp, 200, "text/plain", log, strlen (log));
    free (log);
}

/*  spec.replicas from a merge patch ({"spec":{"replicas":N}}) or a JSON
    patch ([{"op":"replace","path":"/spec/replicas","value":N}]); -1 if none. */
static long
s_patch_replicas (const qs_sbx_req_t *req)
{
    const char *why = NULL;
    long n = -1;
    json_object *body = req->body_len ? qs_json_parse (req->body, req->body_len, &why) : NULL;
    if (body && json_object_is_type (body, json_type_object)) {
        json_object *v = qs_json_path (body, "spec.replicas");
        if (v && json_object_is_type (v, json_type_int))
            n = (long) json_object_get_int64 (v);
    }
    else if (body && json_object_is_type (body, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length (body); i++) {
            json_object *op = json_object_array_get_idx (body, i);
            json_object *v = qs_json_get (op, "value", json_type_int);
            const char *what = qs_json_str (op, "op", "");
            if (v && !strcmp (qs_json_str (op, "path", ""), "/spec/replicas")
                && (!strcmp (what, "replace") || !strcmp (what, "add")))
                n = (long) json_object_get_int64 (v);
        }
    }
    json_object_put (body);
    return n;
}

static void
s_statefulset (qs_sbx_world_t *world, const char *ns, const char *name, bool scale,
               const qs_sbx_req_t *req, qs_sbx_resp_t *resp)
{
    qs_sbx_service_t *svc = NULL;
    for (int i = 0; i < qs_sbx_world_count (world) && !svc; i++) {
        qs_sbx_service_t *s = qs_sbx_world_at (world, i);
        if (!strcmp (s->namespace_, ns) && !strcmp (s->name, name))
            svc = s;
    }
    if (!svc) {
        s_status (resp, 404, "NotFound", "statefulsets", name, "statefulsets.apps \"%s\" not found", name);
        return;
    }
    if (!strcmp (req->method, "PATCH") || (scale && !strcmp (req->method, "PUT"))) {
        long n = s_patch_replicas (req);
        if (n < 1 || n > QS_SBX_MAX_REPLICAS) {
            s_status (resp, 422, "Invalid", "statefulsets", name,
                      "StatefulSet.apps \"%s\" is invalid: spec.replicas: must be 1..%d in the sandbox",
                      name, QS_SBX_MAX_REPLICAS);
            return;
        }
        if (n != svc->replicas) {
            svc->replicas = (int) n;
            svc->generation++;
            qs_sbx_world_resize (svc, req->now_ms);
            qs_info (req->request_id, "scaled statefulset ns=%s name=%s replicas=%ld", ns, name, n);
        }
    }
    else if (strcmp (req->method, "GET") != 0) {
        s_status (resp, 405, "MethodNotAllowed", NULL, NULL, "the server does not allow this method on the requested resource");
        return;
    }
    json_object *o = scale ? qs_sbx_k8s_scale (svc) : qs_sbx_k8s_statefulset (svc);
    qs_sbx_resp_json (resp, 200, &o);
}

static void
s_core (qs_sbx_world_t *world, const qs_sbx_req_t *req, qs_sbx_resp_t *resp)
{
    char parts[4][128];
    int n = s_split (req->path + strlen (S_NS), parts);
    const char *m = req->method;
    if (n == 2 && !strcmp (parts[1], "pods") && !strcmp (m, "GET"))
        s_pods_list (world, parts[0], req, resp, false);
    else if (n == 2 && !strcmp (parts[1], "events") && !strcmp (m, "GET"))
        s_events (world, parts[0], req, resp);
    else if ((n == 3 || n == 4) && !strcmp (parts[1], "pods")) {
        qs_sbx_service_t *svc = NULL;
        qs_sbx_pod_t *pod = qs_sbx_world_find_pod (world, parts[0], parts[2], &svc);
        if (!pod) {
            s_status (resp, 404, "NotFound", "pods", parts[2], "pods \"%s\" not found", parts[2]);
            return;
        }
        if (n == 4 && !strcmp (parts[3], "log") && !strcmp (m, "GET"))
            s_pod_log (svc, pod, req, resp);
        else if (n == 3 && !strcmp (m, "GET")) {
            json_object *o = qs_sbx_k8s_pod (svc, pod, true, req->now_ms);
            qs_sbx_resp_json (resp, 200, &o);
        }
        else if (n == 3 && !strcmp (m, "DELETE")) {
            json_object *o = qs_sbx_k8s_pod (svc, pod, true, req->now_ms);
            json_object *md = qs_json_get (o, "metadata", json_type_object);
            json_object_object_add (md, "deletionTimestamp", qs_sbx_json_time (req->now_ms + 30000));
            json_object_object_add (md, "deletionGracePeriodSeconds", json_object_new_int (30));
            qs_info (req->request_id, "deleted pod ns=%s name=%s (recreated by its StatefulSet)",
                     parts[0], parts[2]);
            qs_sbx_world_restart_pod (svc, pod, req->now_ms);
            qs_sbx_resp_json (resp, 200, &o);
        }
        else
            s_status (resp, 405, "MethodNotAllowed", NULL, NULL,
                      "the server does not allow this method on the requested resource");
    }
    else
        s_status (resp, 404, "NotFound", NULL, NULL, "the server could not find the requested resource");
}

static void
s_route (qs_sbx_world_t *world, const qs_sbx_req_t *req, qs_sbx_resp_t *resp)
{
    char parts[4][128];
    const char *p = req->path;
    if (!strcmp (p, "/version")) {
        json_object *o = json_object_new_object ();
        json_object_object_add (o, "major", json_object_new_string ("1"));
        json_object_object_add (o, "minor", json_object_new_string ("29"));
        json_object_object_add (o, "gitVersion", json_object_new_string ("v1.29.0-quickspin-sandbox"));
        json_object_object_add (o, "platform", json_object_new_string ("linux/amd64"));
        qs_sbx_resp_json (resp, 200, &o);
    }
    else if (!strncmp (p, S_NS, strlen (S_NS)))
        s_core (world, req, resp);
    else if (!strncmp (p, S_METRICS, strlen (S_METRICS))) {
        int n = s_split (p + strlen (S_METRICS), parts);
        if (n == 2 && !strcmp (parts[1], "pods") && !strcmp (req->method, "GET"))
            s_pods_list (world, parts[0], req, resp, true);
        else if (n == 3 && !strcmp (parts[1], "pods") && !strcmp (req->method, "GET")) {
            qs_sbx_service_t *svc = NULL;
            qs_sbx_pod_t *pod = qs_sbx_world_find_pod (world, parts[0], parts[2], &svc);
            json_object *o = pod ? qs_sbx_k8s_pod_metrics (svc, pod, true, req->now_ms) : NULL;
            if (o)
                qs_sbx_resp_json (resp, 200, &o);
            else
                s_status (resp, 404, "NotFound", "pods", parts[2], "podmetrics.metrics.k8s.io \"%s\" not found",
                          parts[2]);
        }
        else
            s_status (resp, 404, "NotFound", NULL, NULL, "the server could not find the requested resource");
    }
    else if (!strncmp (p, S_APPS, strlen (S_APPS))) {
        int n = s_split (p + strlen (S_APPS), parts);
        if ((n == 3 || (n == 4 && !strcmp (parts[3], "scale"))) && !strcmp (parts[1], "statefulsets"))
            s_statefulset (world, parts[0], parts[2], n == 4, req, resp);
        else
            s_status (resp, 404, "NotFound", NULL, NULL, "the server could not find the requested resource");
    }
    else
        s_status (resp, 404, "NotFound", NULL, NULL, "the server could not find the requested resource");
}

void
qs_sbx_k8s_handle (qs_sbx_world_t *world, const char *token, const qs_sbx_req_t *req,
                   qs_sbx_resp_t *resp)
{
    const char *auth = req->authorization;
    if (!auth || strncasecmp (auth, "Bearer ", 7) != 0 || !token || strcmp (auth + 7, token) != 0) {
        s_status (resp, 401, "Unauthorized", NULL, NULL, "Unauthorized");
        return;
    }
    qs_sbx_world_lock (world);
    qs_sbx_world_tick (world, req->now_ms);
    s_route (world, req, resp);
    qs_sbx_world_unlock (world);
}
