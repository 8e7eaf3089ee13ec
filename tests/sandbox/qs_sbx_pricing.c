/*  qs_sbx_pricing - see qs_sbx_pricing.h */
#include "qs_sbx_pricing.h"
#include "qs_sbx_msg.h"
#include <string.h>

static const qs_sbx_tier_t s_tiers[QS_SBX_TIER_COUNT] = {
    {"nano", 256, 0.25, 0.01},  {"micro", 512, 0.5, 0.02},  {"small", 1024, 1.0, 0.04},
    {"medium", 2048, 2.0, 0.08}, {"large", 4096, 4.0, 0.16}, {"xlarge", 8192, 8.0, 0.32},
};

static const qs_sbx_plan_t s_plans[] = {
    {"free", 3, "small", false},
    {"starter", 10, "medium", false},
    {"pro", 25, "large", true},
    {"enterprise", 100, "xlarge", true},
};

typedef struct {
    const char *type;
    int port;
    const char *user;
    const char *version;
    const char *scheme;
    bool has_db;
} s_type_t;

static const s_type_t s_types[] = {
    {"redis", 6379, "default", "7.2", "redis", false},
    {"rabbitmq", 5672, "quickspin", "3.13", "amqp", false},
    {"postgresql", 5432, "quickspin", "16", "postgresql", true},
    {"mongodb", 27017, "quickspin", "7.0", "mongodb", true},
    {"mysql", 3306, "quickspin", "8.0", "mysql", true},
    {"kafka", 9092, "quickspin", "3.7", "kafka", false},
    {"elasticsearch", 9200, "elastic", "8.13", "https", false},
};

static const s_type_t *
s_type (const char *type)
{
    for (size_t i = 0; type && i < sizeof s_types / sizeof s_types[0]; i++)
        if (!strcmp (s_types[i].type, type))
            return &s_types[i];
    return NULL;
}

const qs_sbx_tier_t *
qs_sbx_tier_find (const char *name)
{
    int i = qs_sbx_tier_index (name);
    return i < 0 ? NULL : &s_tiers[i];
}

int
qs_sbx_tier_index (const char *name)
{
    for (int i = 0; name && i < QS_SBX_TIER_COUNT; i++)
        if (!strcmp (s_tiers[i].name, name))
            return i;
    return -1;
}

double
qs_sbx_monthly_cost (const char *tier, int replicas, bool ha, bool backups)
{
    const qs_sbx_tier_t *t = qs_sbx_tier_find (tier);
    if (!t)
        return -1;
    double monthly = t->hourly * QS_SBX_HOURS_PER_MONTH * replicas;
    if (ha)
        monthly *= QS_SBX_HA_MULTIPLIER;
    if (backups)
        monthly *= QS_SBX_BACKUP_MULTIPLIER;
    return monthly;
}

const qs_sbx_plan_t *
qs_sbx_plan_find (const char *plan)
{
    for (size_t i = 0; plan && i < sizeof s_plans / sizeof s_plans[0]; i++)
        if (!strcmp (s_plans[i].plan, plan))
            return &s_plans[i];
    return &s_plans[0];
}

json_object *
qs_sbx_pricing_json (void)
{
    json_object *root = json_object_new_object ();
    json_object *tiers = json_object_new_object ();
    json_object_object_add (root, "currency", json_object_new_string ("USD"));
    json_object_object_add (root, "hours_per_month", json_object_new_int (QS_SBX_HOURS_PER_MONTH));
    for (int i = 0; i < QS_SBX_TIER_COUNT; i++) {
        json_object *t = json_object_new_object ();
        json_object_object_add (t, "memory_mb", json_object_new_int (s_tiers[i].memory_mb));
        json_object_object_add (t, "vcpu", qs_sbx_json_num (s_tiers[i].vcpu));
        json_object_object_add (t, "hourly", qs_sbx_json_num (s_tiers[i].hourly));
        json_object_object_add (tiers, s_tiers[i].name, t);
    }
    json_object_object_add (root, "tiers", tiers);
    json_object_object_add (root, "ha_multiplier", qs_sbx_json_num (QS_SBX_HA_MULTIPLIER));
    json_object_object_add (root, "backup_multiplier", qs_sbx_json_num (QS_SBX_BACKUP_MULTIPLIER));
    return root;
}

bool
qs_sbx_service_type_valid (const char *type)
{
    return s_type (type) != NULL;
}

int
qs_sbx_service_type_port (const char *type)
{
    const s_type_t *t = s_type (type);
    return t ? t->port : 0;
}

const char *
qs_sbx_service_type_user (const char *type)
{
    const s_type_t *t = s_type (type);
    return t ? t->user : "quickspin";
}

const char *
qs_sbx_service_type_version (const char *type)
{
    const s_type_t *t = s_type (type);
    return t ? t->version : "latest";
}

const char *
qs_sbx_service_type_scheme (const char *type)
{
    const s_type_t *t = s_type (type);
    return t ? t->scheme : "tcp";
}

bool
qs_sbx_service_type_has_db (const char *type)
{
    const s_type_t *t = s_type (type);
    return t ? t->has_db : false;
}
