/*  qs_pricing - see qs_pricing.h */
#include "qs_pricing.h"
#include "qs_json.h"
#include <math.h>
#include <string.h>

static const char *s_tiers[] = {"nano", "micro", "small", "medium", "large", "xlarge", NULL};

int
qs_pricing_tier_rank (const char *tier)
{
    for (int i = 0; tier && s_tiers[i]; i++)
        if (strcmp (tier, s_tiers[i]) == 0)
            return i;
    return -1;
}

const char *
qs_pricing_tier_name (int rank)
{
    return rank >= 0 && rank < (int) (sizeof s_tiers / sizeof s_tiers[0]) - 1 ? s_tiers[rank] : NULL;
}

/*  A positive number at key, or def when missing, non-numeric or not > 0. */
static double
s_positive (json_object *obj, const char *key, double def)
{
    double v = qs_json_double (obj, key, NAN);
    return isfinite (v) && v > 0 ? v : def;
}

int
qs_pricing_estimate (json_object *pricing, json_object *config, double *hourly,
                     double *monthly, qs_err_t *err)
{
    json_object *tiers = qs_json_get (pricing, "tiers", json_type_object);
    const char *tier = qs_json_str (config, "tier", NULL);
    if (!tiers)
        return qs_err_set (err, 502, "platform_bad_response",
                           "Pricing is unavailable right now, so no estimate can be made.");
    if (!tier || !*tier)
        return qs_err_set (err, 422, "unprocessable_entity", "Choose a tier to get a cost estimate.");
    json_object *t = qs_json_get (tiers, tier, json_type_object);
    double rate = qs_json_double (t, "hourly", NAN);
    if (!t || !isfinite (rate) || rate < 0)
        return qs_err_set (err, 422, "unprocessable_entity",
                           "Tier '%.32s' is not offered (tiers: nano, micro, small, medium, large, xlarge).",
                           tier);
    int64_t replicas = qs_json_int (config, "replicas", 1);
    if (replicas < 1 || replicas > 100)
        return qs_err_set (err, 422, "unprocessable_entity",
                           "Replicas must be between 1 and 100 (got %lld).", (long long) replicas);
    double hours = s_positive (pricing, "hours_per_month", 730.0);
    double m = rate * hours * (double) replicas;
    if (qs_json_bool (config, "high_availability", false))
        m *= s_positive (pricing, "ha_multiplier", 2.0);
    if (qs_json_bool (config, "backup_enabled", false))
        m *= s_positive (pricing, "backup_multiplier", 1.2);
    if (monthly)
        *monthly = round (m * 100.0) / 100.0;
    if (hourly)
        *hourly = round (m / hours * 10000.0) / 10000.0;
    return 0;
}

json_object *
qs_pricing_estimate_json (json_object *pricing, json_object *config, qs_err_t *err)
{
    double h, m;
    if (qs_pricing_estimate (pricing, config, &h, &m, err) != 0)
        return NULL;
    json_object *o = json_object_new_object ();
    if (!o || qs_json_add_double (o, "hourly_cost", h) || qs_json_add_double (o, "monthly_cost", m)
        || qs_json_add_str (o, "currency", qs_json_str (pricing, "currency", "USD"))) {
        json_object_put (o);
        qs_err_set (err, 500, "internal_error", "out of memory");
        return NULL;
    }
    return o;
}

const char *
qs_pricing_smallest_tier (json_object *pricing, int64_t memory_mb)
{
    json_object *tiers = qs_json_get (pricing, "tiers", json_type_object);
    const char *best = NULL;
    double best_mem = 0, best_rate = 0;
    if (!tiers)
        return NULL;
    json_object_object_foreach (tiers, name, t) {
        double mem = qs_json_double (t, "memory_mb", NAN);
        double rate = qs_json_double (t, "hourly", INFINITY);
        if (!isfinite (mem) || mem < (double) memory_mb)
            continue;
        if (!best || mem < best_mem || (mem == best_mem && rate < best_rate)) {
            best = name;
            best_mem = mem;
            best_rate = rate;
        }
    }
    return best;
}
