/*  qs_pricing - pure cost arithmetic over the platform's pricing object
    (contract section 5): no I/O, so workflows can estimate and tests can
    check the formula directly.

    monthly = tiers[tier].hourly * hours_per_month * replicas
              * (ha_multiplier if high_availability) * (backup_multiplier if backup_enabled)
    hourly  = monthly / hours_per_month   (everything included)

    Missing optional fields take the contract's defaults: hours_per_month 730,
    replicas 1, ha_multiplier 2.0, backup_multiplier 1.2, HA/backups off. */
#ifndef QS_PRICING_H
#define QS_PRICING_H

#include <stdint.h>
#include <json-c/json.h>
#include "qs_err.h"

/*  Estimate the cost of config (a ServiceConfig or a Service, lent) under
    pricing (lent). Writes hourly and monthly (USD, rounded to cents for
    monthly, 4 decimals for hourly). Returns 0, or -1 with err 422 when the
    tier is missing or unknown, or replicas is out of 1..100. */
int qs_pricing_estimate (json_object *pricing, json_object *config, double *hourly,
                         double *monthly, qs_err_t *err);

/*  Same, as a new {"hourly_cost","monthly_cost","currency"} object (caller
    puts), NULL with err on failure. */
json_object *qs_pricing_estimate_json (json_object *pricing, json_object *config, qs_err_t *err);

/*  Name of the cheapest tier (lent, from pricing) whose memory_mb >= memory_mb,
    or NULL when none is big enough. Ties go to the lower hourly price. */
const char *qs_pricing_smallest_tier (json_object *pricing, int64_t memory_mb);

/*  Rank of a tier name in the contract's order nano(0) .. xlarge(5); -1 if
    unknown. */
int qs_pricing_tier_rank (const char *tier);

/*  The tier name at rank 0..5 (lent), NULL outside. */
const char *qs_pricing_tier_name (int rank);

#endif
