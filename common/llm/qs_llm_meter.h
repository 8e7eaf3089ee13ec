/*  qs_llm_meter - the qs_llm_ metrics of qs_llm (internal to common/llm):
    declaring them in a registry and counting attempts, retries, token usage
    and rate-limit headers. Every counting function is a no-op when the
    registry is NULL; the registry is always lent, never owned. */
#ifndef QS_LLM_METER_H
#define QS_LLM_METER_H

#include "qs_llm.h"
#include "qs_llm_http.h"
#include "qs_metrics.h"

/*  Declare every qs_llm_ metric in m (lent) and set the breaker gauge to
    closed. 0, or -1 when a declaration fails. */
int qs_llm_meter_declare (qs_metrics_t *m);

/*  Count one HTTP attempt: requests_total{model,status} (status "timeout" or
    "transport" when transport_failed) and the ratelimit_remaining gauges.
    model_label is the escaped model="..." label (lent). */
void qs_llm_meter_attempt (qs_metrics_t *m, const char *model_label,
                           const qs_llm_attempt_t *a, int transport_failed);

/*  Count a retry by reason (lent). */
void qs_llm_meter_retry (qs_metrics_t *m, const char *reason);

/*  Count the usage already copied into res (lent): tokens by kind and the
    provider's queue / total time; negative fields are absent and skipped. */
void qs_llm_meter_usage (qs_metrics_t *m, const char *model_label, const qs_llm_result_t *res);

#endif
