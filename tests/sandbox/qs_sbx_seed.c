/*  qs_sbx_seed - see qs_sbx_seed.h */
#include "qs_sbx_seed.h"
#include "qs_sbx_pricing.h"
#include "qs_sbx_scenario.h"
#include "qs_util.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define S_DAY (24LL * 3600 * 1000)

typedef struct {
    const char *id;
    const char *org;
    const char *name;
    const char *type;
    const char *tier;
    const char *version;      /* NULL: the type's default */
    int replicas;
    bool ha, backups;
    const char *environment;
    const char *status;
    int age_days;
    qs_sbx_scenario_t scenario;
} s_seed_t;

static const s_seed_t s_seeds[] = {
    /* free plan: one healthy cache, one idle database (2 of 3 services used) */
    {"svc-hobby-cache", QS_SBX_ORG_FREE, "hobby-cache", "redis", "nano", NULL, 1, false, false,
     "development", "running", 30, QS_SBX_SC_HEALTHY},
    {"svc-hobby-db", QS_SBX_ORG_FREE, "hobby-db", "postgresql", "micro", NULL, 1, false, false,
     "development", "running", 40, QS_SBX_SC_IDLE},
    /* pro plan: one service per diagnosis finding */
    {"svc-acme-cache", QS_SBX_ORG_PRO, "acme-cache", "redis", "medium", NULL, 1, false, false,
     "production", "running", 60, QS_SBX_SC_OOM_KILLED},
    {"svc-acme-broker", QS_SBX_ORG_PRO, "acme-broker", "rabbitmq", "small", NULL, 1, false, false,
     "production", "failed", 45, QS_SBX_SC_CRASH_LOOP},
    {"svc-acme-search", QS_SBX_ORG_PRO, "acme-search", "elasticsearch", "medium", "8.99.0", 1,
     false, false, "staging", "failed", 10, QS_SBX_SC_IMAGE_PULL},
    {"svc-acme-analytics", QS_SBX_ORG_PRO, "acme-analytics", "mongodb", "large", NULL, 3, false,
     false, "production", "failed", 8, QS_SBX_SC_UNSCHEDULABLE},
    {"svc-acme-orders-db", QS_SBX_ORG_PRO, "acme-orders-db", "mysql", "medium", NULL, 1, false,
     true, "production", "running", 90, QS_SBX_SC_READINESS},
    {"svc-acme-events", QS_SBX_ORG_PRO, "acme-events", "kafka", "large", NULL, 1, false, false,
     "production", "running", 120, QS_SBX_SC_DISK_FULL},
    {"svc-acme-users-db", QS_SBX_ORG_PRO, "acme-users-db", "postgresql", "medium", NULL, 1, false,
     true, "production", "running", 200, QS_SBX_SC_CONNECTION_LIMIT},
    {"svc-acme-api-cache", QS_SBX_ORG_PRO, "acme-api-cache", "redis", "small", NULL, 1, false,
     false, "production", "running", 75, QS_SBX_SC_HIGH_CPU},
    {"svc-acme-sessions", QS_SBX_ORG_PRO, "acme-sessions", "redis", "medium", NULL, 1, false,
     false, "production", "running", 75, QS_SBX_SC_HIGH_MEMORY},
    {"svc-acme-jobs", QS_SBX_ORG_PRO, "acme-jobs", "rabbitmq", "small", NULL, 1, false, false,
     "production", "running", 50, QS_SBX_SC_FREQUENT_RESTARTS},
    {"svc-acme-main-db", QS_SBX_ORG_PRO, "acme-main-db", "postgresql", "large", NULL, 1, true,
     true, "production", "running", 300, QS_SBX_SC_HEALTHY},
    /* enterprise plan: cost scenarios */
    {"svc-globex-legacy-cache", QS_SBX_ORG_ENTERPRISE, "globex-legacy-cache", "redis", "medium",
     NULL, 1, false, false, "development", "running", 120, QS_SBX_SC_IDLE},
    {"svc-globex-reporting-db", QS_SBX_ORG_ENTERPRISE, "globex-reporting-db", "postgresql",
     "xlarge", NULL, 1, false, false, "production", "running", 180, QS_SBX_SC_OVERSIZED},
    {"svc-globex-new-search", QS_SBX_ORG_ENTERPRISE, "globex-new-search", "elasticsearch",
     "medium", NULL, 1, false, false, "development", "running", 2, QS_SBX_SC_NEW},
    {"svc-globex-staging-db", QS_SBX_ORG_ENTERPRISE, "globex-staging-db", "postgresql", "large",
     NULL, 1, true, true, "staging", "running", 90, QS_SBX_SC_STAGING_HA},
    {"svc-globex-prod-db", QS_SBX_ORG_ENTERPRISE, "globex-prod-db", "postgresql", "large", NULL,
     1, true, true, "production", "running", 400, QS_SBX_SC_PRODUCTION_HA},
    {"svc-globex-stream", QS_SBX_ORG_ENTERPRISE, "globex-stream", "kafka", "large", NULL, 3,
     false, true, "production", "running", 250, QS_SBX_SC_BUSY},
};

void
qs_sbx_seed_namespace (const char *org_id, char *out, size_t size)
{
    const char *base = strncmp (org_id, "org-", 4) ? org_id : org_id + 4;
    size_t o = (size_t) snprintf (out, size, "qs-");
    for (const char *p = base; *p && o + 1 < size && o < 63; p++)
        out[o++] = isalnum ((unsigned char) *p) ? (char) tolower ((unsigned char) *p) : '-';
    while (o > 3 && out[o - 1] == '-')
        o--;
    out[o] = '\0';
}

int
qs_sbx_seed_apply (qs_sbx_world_t *world, int64_t now_ms)
{
    if (!qs_sbx_world_org (world, QS_SBX_ORG_FREE, "free")
        || !qs_sbx_world_org (world, QS_SBX_ORG_PRO, "pro")
        || !qs_sbx_world_org (world, QS_SBX_ORG_ENTERPRISE, "enterprise"))
        return -1;
    qs_strlcpy (qs_sbx_world_org (world, QS_SBX_ORG_FREE, NULL)->name, "Hobby Projects", 64);
    qs_strlcpy (qs_sbx_world_org (world, QS_SBX_ORG_PRO, NULL)->name, "Acme Corp", 64);
    qs_strlcpy (qs_sbx_world_org (world, QS_SBX_ORG_ENTERPRISE, NULL)->name, "Globex Inc", 64);
    for (size_t i = 0; i < sizeof s_seeds / sizeof s_seeds[0]; i++) {
        const s_seed_t *s = &s_seeds[i];
        qs_sbx_service_t svc;
        memset (&svc, 0, sizeof svc);
        qs_strlcpy (svc.id, s->id, sizeof svc.id);
        qs_strlcpy (svc.org_id, s->org, sizeof svc.org_id);
        qs_strlcpy (svc.name, s->name, sizeof svc.name);
        qs_strlcpy (svc.service_type, s->type, sizeof svc.service_type);
        qs_strlcpy (svc.tier, s->tier, sizeof svc.tier);
        qs_strlcpy (svc.version, s->version ? s->version : qs_sbx_service_type_version (s->type),
                    sizeof svc.version);
        qs_strlcpy (svc.region, "us-east-1", sizeof svc.region);
        qs_strlcpy (svc.status, s->status, sizeof svc.status);
        svc.replicas = s->replicas;
        svc.high_availability = s->ha;
        svc.backup_enabled = s->backups;
        qs_strlcpy (svc.environment, s->environment, sizeof svc.environment);
        svc.created_ms = now_ms - s->age_days * S_DAY;
        qs_sbx_seed_namespace (s->org, svc.namespace_, sizeof svc.namespace_);
        svc.scenario = s->scenario;
        qs_sbx_scenario_metrics (s->scenario, svc.created_ms, now_ms, &svc.metrics);
        if (!qs_sbx_world_add (world, &svc, now_ms))
            return -1;
    }
    return 0;
}
