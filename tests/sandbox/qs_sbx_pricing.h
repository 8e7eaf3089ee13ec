/*  qs_sbx_pricing - the sandbox platform's price list and plans (contract
    section 5): tiers nano..xlarge, the cost formula and per-plan quotas.
    Pure functions over constant tables; no state. */
#ifndef QS_SBX_PRICING_H
#define QS_SBX_PRICING_H

#include <json-c/json.h>
#include <stdbool.h>

#define QS_SBX_HOURS_PER_MONTH   730
#define QS_SBX_HA_MULTIPLIER     2.0
#define QS_SBX_BACKUP_MULTIPLIER 1.2
#define QS_SBX_TIER_COUNT        6

typedef struct {
    const char *name;
    int memory_mb;
    double vcpu;
    double hourly;
} qs_sbx_tier_t;

typedef struct {
    const char *plan;         /* free|starter|pro|enterprise */
    int max_services;
    const char *max_tier;
    bool ha_allowed;
} qs_sbx_plan_t;

/*  Tier by name, NULL when unknown. Lent constant. */
const qs_sbx_tier_t *qs_sbx_tier_find (const char *name);

/*  0 (nano) .. 5 (xlarge), -1 when unknown. */
int qs_sbx_tier_index (const char *name);

/*  Monthly cost = hourly x 730 x replicas x (2.0 if ha) x (1.2 if backups);
    -1 when the tier is unknown. */
double qs_sbx_monthly_cost (const char *tier, int replicas, bool ha, bool backups);

/*  Plan limits by name; unknown names give the free plan. Lent constant. */
const qs_sbx_plan_t *qs_sbx_plan_find (const char *plan);

/*  The GET /api/v1/pricing body. New object (caller puts). */
json_object *qs_sbx_pricing_json (void);

/*  True for redis|rabbitmq|postgresql|mongodb|mysql|kafka|elasticsearch. */
bool qs_sbx_service_type_valid (const char *type);

/*  Default port, username, version and whether it has a database name. */
int qs_sbx_service_type_port (const char *type);
const char *qs_sbx_service_type_user (const char *type);
const char *qs_sbx_service_type_version (const char *type);
const char *qs_sbx_service_type_scheme (const char *type);
bool qs_sbx_service_type_has_db (const char *type);

#endif
