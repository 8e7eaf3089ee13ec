/*  qs_diagnose - deterministic findings from real Kubernetes and platform
    data (seed: DiagnoseWorkflow, "Analyze" step). Findings are never invented
    by a model: each carries a contract code, a severity and the evidence
    quoted from the data (reason, exit code, event, log line, metric). Log
    text is redacted before it is quoted. */
#ifndef QS_DIAGNOSE_H
#define QS_DIAGNOSE_H

#include <json-c/json.h>
#include "qs_err.h"

/*  Inputs (all lent, any may be NULL: missing data narrows the answer and
    is listed under "data_gaps"):
      service   the platform Service
      metrics   /services/{id}/metrics?window=7d
      logs      /services/{id}/logs ({"lines":[{"timestamp","level","message"}]})
      pods      a Kubernetes PodList, an array of Pods (real shapes) or of
                k8s-svc pod summaries ({name, phase, conditions, containers})
      events    an EventList / array of Events, or k8s-svc's {pod: [event]}
      podlogs   {pod: "log text"} or k8s-svc's {"pod/container": {"lines":[...]}}
      gaps      an array of strings naming data that could not be read
    Returns a new {"service_id","findings":[{"code","severity","evidence"}],
    "recommendations":[{"priority","action","description"}],"data_gaps":[...],
    "status":"healthy|degraded|down|unknown"} (caller puts; unknown = no pod
    data at all), or NULL when service is
    missing. Findings are ordered by severity. */
json_object *qs_diagnose_analyze (json_object *service, json_object *metrics, json_object *logs,
                                  json_object *pods, json_object *events, json_object *podlogs,
                                  json_object *gaps, qs_err_t *err);

/*  The next tier up ("small" -> "medium"), NULL at the top or when unknown.
    Lent. */
const char *qs_diagnose_next_tier (const char *tier);

#endif
