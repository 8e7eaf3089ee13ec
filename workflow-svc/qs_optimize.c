/*  qs_optimize - see qs_optimize.h */
#include "qs_optimize.h"
#include "qs_chain.h"
#include "qs_json.h"
#include "qs_pricing.h"
#include "qs_util.h"
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define IDLE_MS            (7LL * 24 * 3600 * 1000)
#define LOW_UTIL           0.30     /* seed: rightsizing under 30% */
#define TARGET_P95         0.60     /* keep p95 under this after a change */
#define TARGET_PEAK        0.85     /* and the peak under this */
#define DISK_NEARLY_FULL   0.85

static json_object *
s_tier (json_object *pricing, const char *tier)
{
    return qs_json_get (qs_json_get (pricing, "tiers", json_type_object), tier, json_type_object);
}

/*  The contract's monthly cost of a configuration (qs_pricing), -1 when the
    tier is unknown. */
static double
s_monthly (json_object *pricing, const char *tier, int replicas, int ha, int backups)
{
    json_object *config = json_object_new_object ();
    qs_json_add_str (config, "tier", tier);
    qs_json_add_int (config, "replicas", replicas > 0 ? replicas : 1);
    qs_json_add_bool (config, "high_availability", ha);
    qs_json_add_bool (config, "backup_enabled", backups);
    double hourly, monthly;
    int rc = qs_pricing_estimate (pricing, config, &hourly, &monthly, NULL);
    json_object_put (config);
    return rc == 0 ? monthly : -1;
}

static double
s_round2 (double v)
{
    return round (v * 100.0) / 100.0;
}

/*  The configuration being transformed while rules apply. */
typedef struct {
    char tier[16];
    int replicas;
    int ha;
    int backups;
} cfg_t;

/*  A recommendation found for a service, before chaining: the share of the
    cost its change keeps (the cost formula is a product, so that share does
    not depend on what else changes). */
typedef struct {
    const char *type;
    double keep;                /* projected / current, 0..1 */
    int order;                  /* the rules' order, for equal shares */
    char description[512];
    json_object *change;        /* owned */
} found_t;

#define MAX_FOUND 5

typedef struct {
    json_object *pricing;
    json_object *service;
    json_object *metrics;       /* may be NULL */
    json_object *health;        /* may be NULL */
    const char *org_id;
    double platform_cost;       /* what the platform bills now */
    double formula_cost;        /* the same from the formula, to scale projections */
    json_object *recs;          /* output array */
    found_t found[MAX_FOUND];
    int nfound;
} svc_ctx_t;

/*  Projected monthly cost of cfg, scaled so the current config maps exactly
    onto what the platform bills (the platform is the source of truth). */
static double
s_cost (svc_ctx_t *c, const cfg_t *cfg)
{
    double f = s_monthly (c->pricing, cfg->tier, cfg->replicas, cfg->ha, cfg->backups);
    if (f < 0)
        return c->platform_cost;
    if (c->formula_cost > 0)
        return f * (c->platform_cost / c->formula_cost);
    return f;
}

static const char *
s_priority (double savings, double current)
{
    if (savings >= 100.0 || (current > 0 && savings >= 0.30 * current))
        return "high";
    if (savings >= 20.0 || (current > 0 && savings >= 0.10 * current))
        return "medium";
    return "low";
}

/*  A recommendation the rules found: change (taken) moves the cost from
    before to after. Chained and emitted by s_emit. */
static void
s_add (svc_ctx_t *c, const char *type, double before, double after, const char *description,
       json_object *change)
{
    if (before - after <= 0.005 || c->nfound == MAX_FOUND) {
        json_object_put (change);
        return;
    }
    found_t *f = &c->found[c->nfound++];
    f->type = type;
    f->keep = before > 0 && after > 0 ? after / before : 0;
    f->order = c->nfound;
    qs_strlcpy (f->description, description, sizeof f->description);
    f->change = change;
}

/*  The id: a hash of what produced the recommendation (the org, the service,
    the kind, its settings and cost, its metrics without the clock-driven
    fields), so it stays while they do and changes when any does. */
static void
s_id (svc_ctx_t *c, const char *type, char *out, size_t size)
{
    json_object *in = json_object_new_object (), *m = json_object_new_object ();
    static const char *keys[] = {"id", "tier", "replicas", "high_availability", "backup_enabled",
                                 "environment", "status", "monthly_cost", NULL};
    qs_json_add_str (in, "org_id", c->org_id ? c->org_id : "");
    qs_json_add_str (in, "type", type);
    for (int i = 0; keys[i]; i++) {
        json_object *v = NULL;
        if (json_object_object_get_ex (c->service, keys[i], &v))
            json_object_object_add (in, keys[i], json_object_get (v));
    }
    if (c->metrics) {
        json_object_object_foreach (c->metrics, k, v)
            if (strcmp (k, "window") && strcmp (k, "last_activity_at"))
                json_object_object_add (m, k, json_object_get (v));
    }
    json_object_object_add (in, "metrics", m);
    char hash[QS_CHAIN_HASH_LEN + 1];
    qs_err_t err = {0};
    if (qs_chain_hash (in, hash, &err) != 0) {
        json_object_object_del (in, "metrics");                 /* a value JCS refuses */
        if (qs_chain_hash (in, hash, &err) != 0)
            snprintf (hash, sizeof hash, "%s", "0000000000000000");
    }
    json_object_put (in);
    snprintf (out, size, "rec-%.16s", hash);
}

static int
s_by_keep (const void *a, const void *b)
{
    const found_t *fa = a, *fb = b;
    if (fa->keep != fb->keep)
        return fa->keep < fb->keep ? -1 : 1;
    return fa->order - fb->order;
}

/*  Chain the service's recommendations (contract section 9): the first
    starts from what the service costs, each next one from the previous
    one's projection, so nothing is saved twice and the service never saves
    more than it costs. The biggest cut goes first, so each one saves less
    than the one before it. */
static void
s_emit (svc_ctx_t *c)
{
    qsort (c->found, (size_t) c->nfound, sizeof c->found[0], s_by_keep);
    const char *id = qs_json_str (c->service, "id", "");
    double current = s_round2 (c->platform_cost);
    for (int i = 0; i < c->nfound; i++) {
        found_t *f = &c->found[i];
        double after = s_round2 (current * f->keep);
        if (after > current)
            after = current;
        if (current - after <= 0.005) {
            json_object_put (f->change);
            continue;
        }
        json_object *rec = json_object_new_object ();
        char rid[40];
        s_id (c, f->type, rid, sizeof rid);
        qs_json_add_str (rec, "id", rid);
        qs_json_add_str (rec, "service_id", id);
        qs_json_add_str (rec, "service_name", qs_json_str (c->service, "name", id));
        qs_json_add_str (rec, "type", f->type);
        qs_json_add_str (rec, "priority", s_priority (current - after, c->platform_cost));
        qs_json_add_str (rec, "description", f->description);
        qs_json_add_double (rec, "current_monthly_cost", current);
        qs_json_add_double (rec, "projected_monthly_cost", after);
        qs_json_add_double (rec, "monthly_savings", s_round2 (current - after));
        json_object_object_add (rec, "change", f->change);
        json_object_array_add (c->recs, rec);
        current = after;
    }
    c->nfound = 0;
}

static double
s_metric (json_object *metrics, const char *family, const char *stat, double def)
{
    json_object *f = qs_json_get (metrics, family, json_type_object);
    return f ? qs_json_double (f, stat, def) : def;
}

/*  Rule 1. Returns 1 when the service is idle (and nothing else applies). */
static int
s_rule_idle (svc_ctx_t *c, int64_t now_ms)
{
    int64_t created = 0, last = 0;
    if (qs_time_parse (qs_json_str (c->service, "created_at", NULL), &created) != 0
        || now_ms - created <= IDLE_MS)
        return 0;              /* new (or unknown age): never idle */
    const char *last_text = qs_json_str (c->metrics, "last_activity_at", NULL);
    if (!c->metrics || !last_text)
        return 0;
    if (qs_time_parse (last_text, &last) != 0 || now_ms - last <= IDLE_MS)
        return 0;
    char text[512];
    snprintf (text, sizeof text,
              "No activity for %lld days (last at %s) and %.2f requests/s on average: "
              "delete it (take a backup first if the data matters).",
              (long long) ((now_ms - last) / (24LL * 3600 * 1000)), last_text,
              s_metric (c->metrics, "requests_per_second", "avg", 0));
    s_add (c, "delete_idle", c->platform_cost, 0, text, json_object_new_object ());
    return 1;
}

/*  Reasons a service must not shrink; NULL when it may. */
static const char *
s_shrink_blocker (svc_ctx_t *c)
{
    if (qs_json_bool (c->health, "oom_killed", false))
        return "was OOM-killed";
    if (qs_json_int (c->health, "restarts", 0) > 0)
        return "restarted";
    if (s_metric (c->metrics, "disk_utilization", "max", 0) >= DISK_NEARLY_FULL)
        return "disk nearly full";
    return NULL;
}

/*  Rule 2: the smallest tier that keeps p95 and peak under target. */
static void
s_rule_tier (svc_ctx_t *c, cfg_t *cfg)
{
    double cpu95 = s_metric (c->metrics, "cpu_utilization", "p95", -1);
    double mem95 = s_metric (c->metrics, "memory_utilization", "p95", -1);
    double cpumax = s_metric (c->metrics, "cpu_utilization", "max", cpu95);
    double memmax = s_metric (c->metrics, "memory_utilization", "max", mem95);
    int cur = qs_pricing_tier_rank (cfg->tier);
    if (cpu95 < 0 || mem95 < 0 || cur <= 0 || cpu95 >= LOW_UTIL || mem95 >= LOW_UTIL)
        return;
    json_object *ct = s_tier (c->pricing, cfg->tier);
    double cur_cpu = qs_json_double (ct, "vcpu", 0), cur_mem = qs_json_double (ct, "memory_mb", 0);
    if (cur_cpu <= 0 || cur_mem <= 0)
        return;
    int best = cur;
    for (int i = cur - 1; i >= 0; i--) {
        json_object *t = s_tier (c->pricing, qs_pricing_tier_name (i));
        double vcpu = qs_json_double (t, "vcpu", 0), mem = qs_json_double (t, "memory_mb", 0);
        if (!t || vcpu <= 0 || mem <= 0)
            break;
        double scale_cpu = cur_cpu / vcpu, scale_mem = cur_mem / mem;
        if (cpu95 * scale_cpu > TARGET_P95 || mem95 * scale_mem > TARGET_P95
            || cpumax * scale_cpu > TARGET_PEAK || memmax * scale_mem > TARGET_PEAK)
            break;
        best = i;
    }
    if (best == cur)
        return;
    double before = s_cost (c, cfg);
    cfg_t next = *cfg;
    qs_strlcpy (next.tier, qs_pricing_tier_name (best), sizeof next.tier);
    double after = s_cost (c, &next);
    char text[512];
    snprintf (text, sizeof text,
              "CPU p95 %.0f%% (max %.0f%%) and memory p95 %.0f%% (max %.0f%%) of a %s: "
              "%s keeps p95 under %.0f%% and peaks under %.0f%%.",
              cpu95 * 100, cpumax * 100, mem95 * 100, memmax * 100, cfg->tier, qs_pricing_tier_name (best),
              TARGET_P95 * 100, TARGET_PEAK * 100);
    json_object *change = json_object_new_object ();
    qs_json_add_str (change, "tier", next.tier);
    s_add (c, "downgrade_tier", before, after, text, change);
    *cfg = next;
}

/*  Rule 3: fewer replicas when the load fits on fewer. Utilisation is per
    replica, so n replicas at u carry n*u replica-loads. */
static void
s_rule_replicas (svc_ctx_t *c, cfg_t *cfg, int production)
{
    double cpu95 = s_metric (c->metrics, "cpu_utilization", "p95", -1);
    double mem95 = s_metric (c->metrics, "memory_utilization", "p95", -1);
    int floor_replicas = production && cfg->ha ? 2 : 1;
    if (cpu95 < 0 || mem95 < 0 || cfg->replicas <= floor_replicas || cpu95 >= LOW_UTIL
        || mem95 >= LOW_UTIL)
        return;
    double load = (cpu95 > mem95 ? cpu95 : mem95) * cfg->replicas;
    int need = (int) ceil (load / TARGET_P95);
    if (need < floor_replicas)
        need = floor_replicas;
    if (need >= cfg->replicas)
        return;
    double before = s_cost (c, cfg);
    cfg_t next = *cfg;
    next.replicas = need;
    char text[512];
    snprintf (text, sizeof text,
              "%d replicas each under %.0f%% at p95: %d replica%s carry the same load under %.0f%%.",
              cfg->replicas, (cpu95 > mem95 ? cpu95 : mem95) * 100, need, need == 1 ? "" : "s",
              TARGET_P95 * 100);
    json_object *change = json_object_new_object ();
    qs_json_add_int (change, "replicas", need);
    s_add (c, "rightsize", before, s_cost (c, &next), text, change);
    *cfg = next;
}

/*  Rule 4: HA and backups a non-production service does not need. */
static void
s_rule_features (svc_ctx_t *c, cfg_t *cfg, const char *env)
{
    char text[512];
    if (cfg->ha) {
        double before = s_cost (c, cfg);
        cfg_t next = *cfg;
        next.ha = 0;
        snprintf (text, sizeof text,
                  "High availability doubles the cost of this %s service; a %s environment "
                  "can usually tolerate a short failover outage.", env, env);
        json_object *change = json_object_new_object ();
        qs_json_add_bool (change, "high_availability", false);
        s_add (c, "disable_ha", before, s_cost (c, &next), text, change);
        *cfg = next;
    }
    if (cfg->backups) {
        double before = s_cost (c, cfg);
        cfg_t next = *cfg;
        next.backups = 0;
        snprintf (text, sizeof text,
                  "Automated backups add %.0f%% to a %s service whose data can be recreated; "
                  "keep them if it holds anything you cannot rebuild.",
                  (qs_json_double (c->pricing, "backup_multiplier", 1.2) - 1) * 100, env);
        json_object *change = json_object_new_object ();
        qs_json_add_bool (change, "backup_enabled", false);
        s_add (c, "disable_backups", before, s_cost (c, &next), text, change);
        *cfg = next;
    }
}

static int
s_by_savings (const void *a, const void *b)
{
    json_object *ra = *(json_object *const *) a, *rb = *(json_object *const *) b;
    double sa = qs_json_double (ra, "monthly_savings", 0), sb = qs_json_double (rb, "monthly_savings", 0);
    if (sa != sb)
        return sa < sb ? 1 : -1;
    /* equal savings: a service's chain stays in its order (its cost falls along it) */
    int svc = strcmp (qs_json_str (ra, "service_id", ""), qs_json_str (rb, "service_id", ""));
    if (svc)
        return svc;
    double ca = qs_json_double (ra, "current_monthly_cost", 0), cb = qs_json_double (rb, "current_monthly_cost", 0);
    return ca < cb ? 1 : ca > cb ? -1 : 0;
}

json_object *
qs_optimize_analyze (const char *org_id, json_object *services, json_object *metrics, json_object *health,
                     json_object *pricing, int64_t now_ms, qs_err_t *err)
{
    if (services && json_object_is_type (services, json_type_object))
        services = qs_json_get (services, "services", json_type_array);
    if (!services || !json_object_is_type (services, json_type_array)
        || !qs_json_get (pricing, "tiers", json_type_object)) {
        qs_err_set (err, 502, "bad_gateway", "the platform returned no usable services or pricing");
        return NULL;
    }
    json_object *out = json_object_new_object ();
    json_object *recs = json_object_new_array ();
    json_object *by_type = json_object_new_object ();
    double total = 0;
    size_t n = json_object_array_length (services);
    for (size_t i = 0; i < n; i++) {
        json_object *svc = json_object_array_get_idx (services, i);
        const char *id = qs_json_str (svc, "id", "");
        const char *type = qs_json_str (svc, "service_type", "unknown");
        cfg_t cfg = {.replicas = (int) qs_json_int (svc, "replicas", 1),
                     .ha = qs_json_bool (svc, "high_availability", false),
                     .backups = qs_json_bool (svc, "backup_enabled", false)};
        qs_strlcpy (cfg.tier, qs_json_str (svc, "tier", ""), sizeof cfg.tier);
        double formula = s_monthly (pricing, cfg.tier, cfg.replicas, cfg.ha, cfg.backups);
        svc_ctx_t c = {.pricing = pricing, .service = svc,
                       .metrics = qs_json_get (metrics, id, json_type_object),
                       .health = qs_json_get (health, id, json_type_object),
                       .platform_cost = qs_json_double (svc, "monthly_cost", formula > 0 ? formula : 0),
                       .formula_cost = formula, .recs = recs, .org_id = org_id};
        total += c.platform_cost;
        qs_json_add_double (by_type, type, s_round2 (qs_json_double (by_type, type, 0) + c.platform_cost));
        const char *status = qs_json_str (svc, "status", "running");
        if (!strcmp (status, "provisioning") || !strcmp (status, "failed"))
            continue;          /* advice on a service that is not running would mislead */
        if (s_rule_idle (&c, now_ms)) {
            s_emit (&c);
            continue;
        }
        const char *env = qs_json_str (svc, "environment", "production");
        int production = !strcmp (env, "production");
        /* a service younger than the metrics window has no sustained usage yet */
        int64_t created = 0;
        int full_window = qs_time_parse (qs_json_str (svc, "created_at", NULL), &created) == 0
                          && now_ms - created > IDLE_MS;
        if (c.metrics && full_window && !s_shrink_blocker (&c)) {
            s_rule_tier (&c, &cfg);
            s_rule_replicas (&c, &cfg, production);
        }
        if (!production)
            s_rule_features (&c, &cfg, env);
        s_emit (&c);
    }
    json_object_array_sort (recs, s_by_savings);
    json_object *analysis = json_object_new_object ();
    qs_json_add_double (analysis, "total_monthly_cost", s_round2 (total));
    json_object_object_add (analysis, "by_service_type", by_type);
    qs_json_add_int (analysis, "services_analyzed", (int64_t) n);
    json_object_object_add (out, "recommendations", recs);
    json_object_object_add (out, "cost_analysis", analysis);
    /* the total is the sum of the rounded parts, so the response adds up */
    double sum = 0;
    for (size_t i = 0; i < json_object_array_length (recs); i++)
        sum += qs_json_double (json_object_array_get_idx (recs, i), "monthly_savings", 0);
    qs_json_add_double (out, "total_potential_savings", s_round2 (sum));
    return out;
}
