/*  qs_sbx_scenario - what each seeded scenario looks like: the pod state it
    starts in, its platform metrics, its platform log lines and its
    container logs. Pure functions of (service, pod, now); no state. */
#ifndef QS_SBX_SCENARIO_H
#define QS_SBX_SCENARIO_H

#include "qs_sbx_world.h"
#include <json-c/json.h>

/*  "oom_killed", "crash_loop_backoff", ... "healthy", "idle", ... Lent. */
const char *qs_sbx_scenario_name (qs_sbx_scenario_t sc);

/*  The state and restart count a pod of this scenario starts with. */
qs_sbx_pod_state_t qs_sbx_scenario_pod_state (qs_sbx_scenario_t sc);
int qs_sbx_scenario_pod_restarts (qs_sbx_scenario_t sc, int pod_index);

/*  Default 7-day metrics for the scenario; created_ms anchors activity. */
void qs_sbx_scenario_metrics (qs_sbx_scenario_t sc, int64_t created_ms, int64_t now_ms,
                              qs_sbx_metrics_t *out);

/*  The container image the pods run (the image-pull scenario's tag does not
    exist). Written into out. */
void qs_sbx_scenario_image (const qs_sbx_service_t *svc, char *out, size_t size);

/*  Platform log lines {"lines":[{"timestamp","level","message"}]}, the last
    tail lines, oldest first. New object. */
json_object *qs_sbx_scenario_logs (const qs_sbx_service_t *svc, int tail, int64_t now_ms);

/*  Container log text of a pod (current or previous container), at most
    tail lines (tail <= 0: all). Caller frees. NULL on allocation failure. */
char *qs_sbx_scenario_pod_log (const qs_sbx_service_t *svc, const qs_sbx_pod_t *pod,
                               bool previous, int tail, int64_t now_ms);

#endif
