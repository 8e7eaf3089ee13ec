/*  qs_k8s_read - see qs_k8s_read.h */
#include "qs_k8s_read.h"
#include "qs_k8s_parse.h"
#include "qs_http.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_LABEL QS_K8S_SERVICE_LABEL

/*  The caller's service -> its namespace, through the platform with the
    caller's own token. */
int
qs_k8s_read_resolve (qs_k8s_call_t *call, qs_err_t *err)
{
    const char *id = qs_json_str (call->body, "service_id", NULL);
    if (!id || !*id)
        return qs_err_set (err, 400, "bad_request", "service_id is required.");
    if (qs_strlcpy (call->service_id, id, sizeof call->service_id) >= sizeof call->service_id)
        return qs_err_set (err, 404, "not_found", "That service was not found in your organization.");
    qs_platform_ctx_t ctx = {.auth = call->auth, .deadline_ms = call->deadline, .request_id = call->rid};
    json_object *svc = NULL;
    if (qs_platform_get_service (call->platform, &ctx, id, &svc, err) != 0)
        return -1;
    const char *ns = qs_json_str (svc, "namespace", "");
    int rc = 0;
    if (!*ns)
        rc = qs_err_set (err, 409, "not_ready",
                         "Service '%.64s' has no Kubernetes namespace yet (status: %.32s); try "
                         "again when it is running.", qs_json_str (svc, "name", id),
                         qs_json_str (svc, "status", "unknown"));
    else if (!qs_k8s_name_valid (ns, true)) {
        qs_warn (call->rid, "platform gave service %s an invalid namespace", id);
        rc = qs_err_set (err, 502, "platform_bad_response",
                         "The platform reported an invalid namespace for this service.");
    }
    else
        qs_strlcpy (call->ns, ns, sizeof call->ns);
    json_object_put (svc);
    return rc;
}

static const char *
s_selector (const qs_k8s_call_t *call, char *out, size_t size)
{
    char raw[200];
    snprintf (raw, sizeof raw, "%s=%s", S_LABEL, call->service_id);
    qs_http_escape (out, size, raw);
    return out;
}

/*  GET the service's pods (a PodList). */
int
qs_k8s_read_pods (qs_k8s_call_t *call, json_object **list_p, qs_err_t *err)
{
    char path[600], sel[400];
    snprintf (path, sizeof path, "/api/v1/namespaces/%s/pods?labelSelector=%s", call->ns,
              s_selector (call, sel, sizeof sel));
    return qs_k8s_api_get_json (call->api, path, call->deadline, call->rid,
                                "the service's pods", NULL, list_p, err);
}

/*  The pod named in the body ("pod"), checked to belong to the service. */
int
qs_k8s_read_pod (qs_k8s_call_t *call, json_object **pod_p, const char **name_p, qs_err_t *err)
{
    char path[600], what[128];
    const char *name = qs_json_str (call->body, "pod", NULL);
    *pod_p = NULL;
    if (!name || !*name)
        return qs_err_set (err, 400, "bad_request", "pod is required (a pod name from the pods op).");
    snprintf (what, sizeof what, "Pod '%.64s' of this service", name);
    if (!qs_k8s_name_valid (name, false))
        return qs_err_set (err, 404, "not_found", "%s was not found.", what);
    snprintf (path, sizeof path, "/api/v1/namespaces/%s/pods/%s", call->ns, name);
    if (qs_k8s_api_get_json (call->api, path, call->deadline, call->rid, what, NULL,
                             pod_p, err) != 0)
        return -1;
    json_object *labels = qs_json_path (*pod_p, "metadata.labels");
    const char *owner = qs_json_str (labels, S_LABEL, "");
    if (strcmp (owner, call->service_id) != 0) {
        json_object_put (*pod_p);
        *pod_p = NULL;
        return qs_err_set (err, 404, "not_found", "%s was not found.", what);
    }
    *name_p = name;
    return 0;
}

static void
s_add_lines (json_object *arr, char *text, int tail)
{
    char clean[2048];
    size_t count = 0;
    char *save = NULL;
    for (char *p = text; *p; p++)
        count += *p == '\n';
    /* keep the last `tail` lines even when the server sent more */
    size_t total = count + (text[0] && text[strlen (text) - 1] != '\n' ? 1 : 0);
    size_t skip = total > (size_t) tail ? total - (size_t) tail : 0;
    for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save)) {
        if (skip > 0) {
            skip--;
            continue;
        }
        size_t n = strlen (line);
        if (n && line[n - 1] == '\r')
            line[n - 1] = '\0';
        qs_redact (clean, sizeof clean, line);
        json_object_array_add (arr, json_object_new_string (clean));
    }
}

/*  Container log lines, redacted, into *lines_p (new array). */
int
qs_k8s_read_logs (qs_k8s_call_t *call, const char *pod, const char *container, bool previous, int tail,
             json_object **lines_p, qs_err_t *err)
{
    char path[800], what[200], cesc[200];
    char *text = NULL;
    long status = 0;
    *lines_p = NULL;
    qs_http_escape (cesc, sizeof cesc, container);
    snprintf (path, sizeof path,
              "/api/v1/namespaces/%s/pods/%s/log?container=%s&tailLines=%d&previous=%s&limitBytes=262144",
              call->ns, pod, cesc, tail, previous ? "true" : "false");
    snprintf (what, sizeof what, "the logs of pod '%s'", pod);
    if (qs_k8s_api_request (call->api, "GET", path, NULL, NULL, call->deadline, call->rid,
                            what, &status, &text, err) != 0) {
        if (status == 400 && previous)
            return qs_err_set (err, 404, "no_previous_logs",
                               "Container '%.64s' of pod '%.64s' has no previous (terminated) "
                               "instance, so there are no previous logs.", container, pod);
        if (status == 400) {
            char km[400];
            qs_strlcpy (km, err->message, sizeof km);
            return qs_err_set (err, 409, "logs_unavailable",
                               "No logs for container '%.64s' of pod '%.64s' yet (it may not "
                               "have started). %s", container, pod, km);
        }
        return -1;
    }
    json_object *arr = json_object_new_array ();
    if (arr)
        s_add_lines (arr, text, tail);
    free (text);
    *lines_p = arr;
    return arr ? 0 : qs_err_set (err, 500, "internal_error", "out of memory");
}

int
qs_k8s_read_events (qs_k8s_call_t *call, const char *pod, json_object **events_p, qs_err_t *err)
{
    char path[700], sel[300], raw[200], what[128];
    snprintf (raw, sizeof raw, "involvedObject.name=%s", pod);
    qs_http_escape (sel, sizeof sel, raw);
    snprintf (path, sizeof path, "/api/v1/namespaces/%s/events?fieldSelector=%s", call->ns, sel);
    snprintf (what, sizeof what, "the events of pod '%s'", pod);
    json_object *list = NULL;
    *events_p = NULL;
    if (qs_k8s_api_get_json (call->api, path, call->deadline, call->rid, what, NULL,
                             &list, err) != 0)
        return -1;
    *events_p = qs_k8s_events_summary (list, 50);
    json_object_put (list);
    return *events_p ? 0 : qs_err_set (err, 500, "internal_error", "out of memory");
}

/*  metrics.k8s.io for the service's pods; an absent metrics-server is a
    normal answer ({"available":false}). */
int
qs_k8s_read_metrics (qs_k8s_call_t *call, json_object **metrics_p, qs_err_t *err)
{
    char path[600], sel[400];
    long status = 0;
    json_object *list = NULL;
    *metrics_p = NULL;
    snprintf (path, sizeof path, "/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods?labelSelector=%s",
              call->ns, s_selector (call, sel, sizeof sel));
    if (qs_k8s_api_get_json (call->api, path, call->deadline, call->rid, "pod metrics",
                             &status, &list, err) != 0) {
        if (status != 404 && status != 503)
            return -1;
        json_object *o = json_object_new_object ();
        if (!o)
            return qs_err_set (err, 500, "internal_error", "out of memory");
        qs_json_add_bool (o, "available", false);
        qs_json_add_str (o, "reason", "metrics-server is not available in this cluster");
        qs_err_clear (err);
        *metrics_p = o;
        return 0;
    }
    *metrics_p = qs_k8s_metrics_summary (list);
    json_object_put (list);
    return *metrics_p ? 0 : qs_err_set (err, 500, "internal_error", "out of memory");
}
