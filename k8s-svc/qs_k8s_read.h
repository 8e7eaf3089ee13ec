/*  qs_k8s_read - the reads every k8s op is built from, for one call: the
    caller's namespace (through the platform with the caller's token), the
    service's pods, one pod checked to belong to the service, its logs
    (redacted), its events and the pods' metrics. Every function returns 0,
    or -1 with err mapped for a user; returned objects are new (caller puts). */
#ifndef QS_K8S_READ_H
#define QS_K8S_READ_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "qs_auth.h"
#include "qs_err.h"
#include "qs_k8s_api.h"
#include "qs_platform.h"

#define QS_K8S_SERVICE_LABEL "quickspin.io/service-id"

/*  One op call: who, what, where. Everything lent except the ids written
    by qs_k8s_read_resolve. deadline is absolute epoch ms. */
typedef struct {
    qs_platform_t *platform;
    qs_k8s_api_t *api;
    const qs_auth_t *auth;
    json_object *body;
    int64_t deadline;
    const char *rid;
    char service_id[129];
    char ns[64];
} qs_k8s_call_t;

/*  body.service_id -> call->service_id and call->ns (404 when the caller's
    org has no such service, 409 while it has no namespace yet). */
int qs_k8s_read_resolve (qs_k8s_call_t *call, qs_err_t *err);

/*  The service's PodList (label QS_K8S_SERVICE_LABEL=<service_id>). */
int qs_k8s_read_pods (qs_k8s_call_t *call, json_object **list_p, qs_err_t *err);

/*  The Pod named by body.pod; 404 unless it carries the service's label.
    *name_p is lent from call->body. */
int qs_k8s_read_pod (qs_k8s_call_t *call, json_object **pod_p, const char **name_p, qs_err_t *err);

/*  The last tail lines of a container's log (previous instance when asked),
    each redacted: *lines_p is an array of strings. A missing previous
    instance is 404 no_previous_logs; a container not started 409. */
int qs_k8s_read_logs (qs_k8s_call_t *call, const char *pod, const char *container,
                      bool previous, int tail, json_object **lines_p, qs_err_t *err);

/*  The pod's events, summarised (qs_k8s_events_summary). */
int qs_k8s_read_events (qs_k8s_call_t *call, const char *pod, json_object **events_p,
                        qs_err_t *err);

/*  metrics.k8s.io for the service's pods (qs_k8s_metrics_summary), or
    {"available":false,"reason"} when metrics-server is absent (404/503). */
int qs_k8s_read_metrics (qs_k8s_call_t *call, json_object **metrics_p, qs_err_t *err);

#endif
