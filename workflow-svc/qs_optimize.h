/*  qs_optimize - the cost optimisation rules (seed: OptimizeWorkflow), as a
    pure function over the platform's data so they are testable without any
    process. The workflow gathers the inputs; this decides.

    Rules, in the order they are applied to one service (each later rule sees
    the configuration left by the earlier ones, so savings never double count):
      1. delete_idle: no activity for more than 7 days and created more than 7
         days ago. Nothing else is proposed for that service.
      2. downgrade_tier: CPU and memory p95 both under 30% of the tier; the
         target is the smallest tier where p95 stays under 60% and the peak
         (max) under 85% of the smaller tier. Never when the service was
         OOM-killed or restarted in the window, or its disk is nearly full.
      3. rightsize: fewer replicas when every replica is under 30% at p95 and
         the load still fits (p95 under 60%) on fewer; production keeps at
         least 2 when it has HA, everything keeps at least 1.
       Rules 2 and 3 need a full 7-day window: a younger service is left alone.
      4. disable_ha / disable_backups: HA or backups on a non-production
         service.
    Recommendations of one service chain (contract section 9): the first
    starts from the service's monthly_cost, each next one from the previous
    one's projected_monthly_cost; the biggest cut goes first, so a service's
    savings fall along its chain and the list, sorted by savings, keeps each
    chain in order. Each has an id: "rec-" and 16 hex digits of the SHA-256
    of the RFC 8785 form of what produced it (org, service id, kind, tier,
    replicas, HA, backups, environment, status, monthly cost, the metric
    values), the same while they do not change.
    Priority follows the savings (high >= 30% of the service's cost or
    >= 100 USD/month, medium >= 10% or >= 20 USD, else low). */
#ifndef QS_OPTIMIZE_H
#define QS_OPTIMIZE_H

#include <json-c/json.h>
#include <stdint.h>
#include "qs_err.h"

/*  org_id: the caller's org (lent; part of every id).
    services: the platform's {"services":[...]} or the array itself (lent).
    metrics: {service_id: metrics object of /services/{id}/metrics} (lent;
    a missing entry means "unknown": no utilisation-based advice).
    health: {service_id: {"oom_killed":bool,"restarts":n}} from Kubernetes
    (lent, may be NULL). pricing: /api/v1/pricing (lent, required).
    Returns a new RecommendationResponse (caller puts) or NULL with err.
    Each recommendation also carries "change": the settings it sets
    ({"tier":"small"}, {"replicas":2}, {"high_availability":false},
    {"backup_enabled":false}, {} for delete_idle), which flows/manage.c
    turns into the PATCH. */
json_object *qs_optimize_analyze (const char *org_id, json_object *services, json_object *metrics,
                                  json_object *health, json_object *pricing, int64_t now_ms,
                                  qs_err_t *err);

#endif
