/*  qs_llm_meter - see qs_llm_meter.h */
#include "qs_llm_meter.h"
#include <stdio.h>
#include "qs_util.h"

static const double s_latency_buckets[] = {0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32};

int
qs_llm_meter_declare (qs_metrics_t *m)
{
    const double *b = s_latency_buckets;
    size_t nb = sizeof s_latency_buckets / sizeof s_latency_buckets[0];
    if (qs_metrics_declare (m, "qs_llm_requests_total", QS_METRIC_COUNTER,
                            "LLM HTTP attempts by model and status.", NULL, 0)
        || qs_metrics_declare (m, "qs_llm_request_duration_seconds", QS_METRIC_HISTOGRAM,
                               "LLM call latency, retries included.", b, nb)
        || qs_metrics_declare (m, "qs_llm_tokens_total", QS_METRIC_COUNTER,
                               "LLM tokens by kind (prompt, completion).", NULL, 0)
        || qs_metrics_declare (m, "qs_llm_queue_time_seconds", QS_METRIC_HISTOGRAM,
                               "Provider queue time from usage.", b, nb)
        || qs_metrics_declare (m, "qs_llm_total_time_seconds", QS_METRIC_HISTOGRAM,
                               "Provider total time from usage.", b, nb)
        || qs_metrics_declare (m, "qs_llm_ratelimit_remaining", QS_METRIC_GAUGE,
                               "Last x-ratelimit-remaining-* header values.", NULL, 0)
        || qs_metrics_declare (m, "qs_llm_retries_total", QS_METRIC_COUNTER,
                               "LLM retries by reason.", NULL, 0)
        || qs_metrics_declare (m, "qs_llm_breaker_state", QS_METRIC_GAUGE,
                               "Circuit breaker: 0 closed, 1 open, 2 half-open.", NULL, 0))
        return -1;
    qs_metrics_set (m, "qs_llm_breaker_state", NULL, 0);
    return 0;
}

void
qs_llm_meter_attempt (qs_metrics_t *m, const char *model_label,
                      const qs_llm_attempt_t *a, int transport_failed)
{
    if (!m)
        return;
    char labels[256], status[16];
    if (transport_failed)
        qs_strlcpy (status, a->fail == QS_HTTP_TIMEOUT ? "timeout" : "transport",
                    sizeof status);
    else
        snprintf (status, sizeof status, "%ld", a->status);
    snprintf (labels, sizeof labels, "%s,status=\"%s\"", model_label, status);
    qs_metrics_inc (m, "qs_llm_requests_total", labels, 1);
    for (int i = 0; i < a->nrl; i++) {
        snprintf (labels, sizeof labels, "kind=\"%s\"", a->rl[i].kind);
        qs_metrics_set (m, "qs_llm_ratelimit_remaining", labels, a->rl[i].value);
    }
}

void
qs_llm_meter_retry (qs_metrics_t *m, const char *reason)
{
    if (!m)
        return;
    char labels[96];
    snprintf (labels, sizeof labels, "reason=\"%s\"", reason);
    qs_metrics_inc (m, "qs_llm_retries_total", labels, 1);
}

void
qs_llm_meter_usage (qs_metrics_t *m, const char *model_label, const qs_llm_result_t *res)
{
    if (!m)
        return;
    char labels[256];
    if (res->prompt_tokens >= 0) {
        snprintf (labels, sizeof labels, "%s,kind=\"prompt\"", model_label);
        qs_metrics_inc (m, "qs_llm_tokens_total", labels, (double) res->prompt_tokens);
    }
    if (res->completion_tokens >= 0) {
        snprintf (labels, sizeof labels, "%s,kind=\"completion\"", model_label);
        qs_metrics_inc (m, "qs_llm_tokens_total", labels, (double) res->completion_tokens);
    }
    if (res->queue_time >= 0)
        qs_metrics_observe (m, "qs_llm_queue_time_seconds", model_label, res->queue_time);
    if (res->total_time >= 0)
        qs_metrics_observe (m, "qs_llm_total_time_seconds", model_label, res->total_time);
}
