/*  qs_k8s_snapshot - everything the diagnose workflow needs about a
    service in one call: pods, events per pod, metrics and the last log lines
    of unhealthy containers. A failed part is reported in "errors" and the
    rest is still returned; each part gets a share of the remaining time so
    the reply comes before the deadline. */
#ifndef QS_K8S_SNAPSHOT_H
#define QS_K8S_SNAPSHOT_H

#include <json-c/json.h>
#include "qs_err.h"
#include "qs_k8s_read.h"

/*  Fill reply (lent) for a resolved call: "pods", "events" {pod: [...]},
    "metrics", "logs" {"pod/container": {"previous","lines"}}, "errors"
    [{"part","status","code","message"}], "gaps" [str] (the same errors as
    sentences). body.tail (1..200, 30) bounds the
    log lines. Returns 0 (parts fail softly), -1 only when out of memory. */
int qs_k8s_snapshot (qs_k8s_call_t *call, json_object *reply, qs_err_t *err);

#endif
