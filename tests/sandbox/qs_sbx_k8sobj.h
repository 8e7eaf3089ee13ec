/*  qs_sbx_k8sobj - Kubernetes objects in the shapes the real API server
    returns (kind/apiVersion/metadata/spec/status): Pod, Event, PodMetrics,
    StatefulSet, Scale, Status. Items inside a List omit kind/apiVersion as
    the real server does. Each function returns a new object (caller puts). */
#ifndef QS_SBX_K8SOBJ_H
#define QS_SBX_K8SOBJ_H

#include "qs_sbx_world.h"
#include <json-c/json.h>
#include <stdbool.h>

/*  The value of a pod label, NULL when the pod has no such label. out
    receives the value. */
const char *qs_sbx_k8s_pod_label (const qs_sbx_service_t *svc, const qs_sbx_pod_t *pod,
                                  const char *key, char *out, size_t size);

/*  The container name of a service's pods (its service type). Lent. */
const char *qs_sbx_k8s_container (const qs_sbx_service_t *svc);

json_object *qs_sbx_k8s_pod (const qs_sbx_service_t *svc, const qs_sbx_pod_t *pod,
                             bool with_type, int64_t now_ms);

/*  Append the pod's events to items (an array). */
void qs_sbx_k8s_pod_events (const qs_sbx_service_t *svc, const qs_sbx_pod_t *pod,
                            json_object *items, int64_t now_ms);

/*  PodMetrics, or NULL when the pod has no running container (metrics-server
    reports nothing for it). */
json_object *qs_sbx_k8s_pod_metrics (const qs_sbx_service_t *svc, const qs_sbx_pod_t *pod,
                                     bool with_type, int64_t now_ms);

json_object *qs_sbx_k8s_statefulset (const qs_sbx_service_t *svc);
json_object *qs_sbx_k8s_scale (const qs_sbx_service_t *svc);

/*  {"kind":"List-kind","apiVersion","metadata":{"resourceVersion"},"items"};
    takes ownership of *items_p. */
json_object *qs_sbx_k8s_list (const char *kind, const char *api_version, json_object **items_p);

/*  {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
     "message","reason","details"?,"code"}; kind/name may be NULL. */
json_object *qs_sbx_k8s_status (int code, const char *reason, const char *message,
                                const char *kind, const char *name);

#endif
