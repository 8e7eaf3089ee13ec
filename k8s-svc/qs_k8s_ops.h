/*  qs_k8s_ops - the operations of the "k8s" bus service, as plain functions
    over JSON (no sockets), so they are unit-testable and main.c only wires
    them to the worker.

    Every op takes {"service_id": str} plus its own fields. The service's
    namespace is looked up on the platform with the CALLER's token
    (qs_platform_get_service), so a caller only ever reads namespaces of
    services its own organization owns; a pod name given by the caller must
    also carry the label quickspin.io/service-id=<service_id>, else 404.

    Ops and replies (all replies also carry "service_id" and "namespace"):
      pods     {}                          -> {"pods":[PodSummary]}
      pod      {"pod"}                     -> {"pod":PodSummary}
      logs     {"pod","container"?,"tail"? (1..1000, 100),"previous"? (false)}
                                           -> {"pod","container","previous","lines":[str]} (redacted)
      events   {"pod"}                     -> {"pod","events":[Event]}
      metrics  {}                          -> {"available":true,"pods":[...]} | {"available":false,"reason"}
      restart  {"pod"}      member/admin   -> {"pod","restarted":true,"message"}
      scale    {"replicas"} member/admin   -> {"kind","name","replicas","previous_replicas"?,"message"}
      snapshot {"tail"? (30)}              -> {"pods","events":{pod:[Event]},"metrics",
                                               "logs":{"pod/container":{"previous","lines"}},
                                               "errors":[{"part","status","code","message"}],
                                               "gaps":[str]}
    PodSummary, Event and the metrics shape are those of qs_k8s_parse.h.

    Threads: qs_k8s_ops_run may be called from any number of threads at
    once; each call borrows its own platform and Kubernetes connection from
    a small internal pool. */
#ifndef QS_K8S_OPS_H
#define QS_K8S_OPS_H

#include <stdint.h>
#include <json-c/json.h>
#include "qs_auth.h"
#include "qs_err.h"
#include "qs_metrics.h"
#include "qs_k8s_api.h"

typedef struct _qs_k8s_ops_t qs_k8s_ops_t;

/*  New op table. platform_url NULL = QS_PLATFORM_URL / default; k8s is
    copied; metrics is lent (may be NULL). NULL on failure. */
qs_k8s_ops_t *qs_k8s_ops_new (const char *platform_url, const qs_k8s_config_t *k8s,
                              qs_metrics_t *metrics);
/*  Free and null; accepts NULL. No call may be running. */
void qs_k8s_ops_destroy (qs_k8s_ops_t **self_p);

/*  The op names above, NULL-terminated (lent, static). */
const char *const *qs_k8s_ops_names (void);

/*  Run op for auth (lent) with body (lent) before the absolute deadline
    (epoch ms). On success returns 0 and *reply_p is new (caller puts); else
    -1 with err (400 bad field, 401, 403 role, 404, 409, 503, 504 ...). */
int qs_k8s_ops_run (qs_k8s_ops_t *self, const char *op, const qs_auth_t *auth,
                    json_object *body, int64_t deadline_ms, const char *request_id,
                    json_object **reply_p, qs_err_t *err);

#endif
