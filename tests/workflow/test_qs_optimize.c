#include "../qs_test.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "qs_optimize.h"
#include "qs_pricing.h"
#include "qs_json.h"
#include "qs_util.h"

/* Prices here are made up for the test: the rules must follow whatever the
   platform's pricing says. */
static const char *s_pricing_text =
    "{\"currency\":\"USD\",\"hours_per_month\":730,\"ha_multiplier\":2.0,\"backup_multiplier\":1.25,"
    "\"tiers\":{\"nano\":{\"memory_mb\":256,\"vcpu\":0.25,\"hourly\":0.013},"
    "\"micro\":{\"memory_mb\":512,\"vcpu\":0.5,\"hourly\":0.027},"
    "\"small\":{\"memory_mb\":1024,\"vcpu\":1,\"hourly\":0.055},"
    "\"medium\":{\"memory_mb\":2048,\"vcpu\":2,\"hourly\":0.11},"
    "\"large\":{\"memory_mb\":4096,\"vcpu\":4,\"hourly\":0.23},"
    "\"xlarge\":{\"memory_mb\":8192,\"vcpu\":8,\"hourly\":0.47}}}";

#define DAY (24LL * 3600 * 1000)
static const int64_t NOW = 1795000000000LL;

static json_object *
s_parse (const char *text)
{
    json_object *o = json_tokener_parse (text);
    ck_assert_ptr_nonnull (o);
    return o;
}

/*  What the platform bills for a configuration (the contract's formula). */
static double
s_cost (json_object *pricing, const char *tier, int replicas, int ha, int backups)
{
    json_object *config = json_object_new_object ();
    qs_json_add_str (config, "tier", tier);
    qs_json_add_int (config, "replicas", replicas);
    qs_json_add_bool (config, "high_availability", ha);
    qs_json_add_bool (config, "backup_enabled", backups);
    double hourly, monthly = -1;
    if (qs_pricing_estimate (pricing, config, &hourly, &monthly, NULL) != 0)
        monthly = -1;
    json_object_put (config);
    return monthly;
}

static json_object *
s_service (json_object *pricing, const char *id, const char *type, const char *tier, int replicas,
           int ha, int backups, const char *env, int age_days)
{
    json_object *s = json_object_new_object ();
    char ts[40];
    qs_json_add_str (s, "id", id);
    qs_json_add_str (s, "name", id);
    qs_json_add_str (s, "service_type", type);
    qs_json_add_str (s, "tier", tier);
    qs_json_add_int (s, "replicas", replicas);
    qs_json_add_bool (s, "high_availability", ha);
    qs_json_add_bool (s, "backup_enabled", backups);
    qs_json_add_str (s, "environment", env);
    qs_json_add_str (s, "status", "running");
    qs_json_add_str (s, "created_at", qs_time_rfc3339 (NOW - age_days * DAY, ts, sizeof ts));
    qs_json_add_double (s, "monthly_cost", s_cost (pricing, tier, replicas, ha, backups));
    return s;
}

static json_object *
s_metrics (double cpu95, double cpumax, double mem95, double memmax, double disk, int idle_days)
{
    char text[512], ts[40];
    qs_time_rfc3339 (NOW - idle_days * DAY, ts, sizeof ts);
    snprintf (text, sizeof text,
              "{\"window\":\"7d\",\"cpu_utilization\":{\"avg\":%g,\"p95\":%g,\"max\":%g},"
              "\"memory_utilization\":{\"avg\":%g,\"p95\":%g,\"max\":%g},"
              "\"connections\":{\"avg\":3,\"max\":5,\"limit\":100},"
              "\"disk_utilization\":{\"avg\":%g,\"max\":%g},\"requests_per_second\":{\"avg\":%g},"
              "\"last_activity_at\":\"%s\"}",
              cpu95 / 2, cpu95, cpumax, mem95 / 2, mem95, memmax, disk, disk, idle_days ? 0.0 : 40.0, ts);
    return s_parse (text);
}

/* Run the analysis over one service and return its recommendations (types joined). */
static void
s_types (json_object *resp, char *out, size_t size)
{
    out[0] = '\0';
    json_object *recs = qs_json_get (resp, "recommendations", json_type_array);
    for (size_t i = 0; i < json_object_array_length (recs); i++) {
        size_t n = strlen (out);
        snprintf (out + n, size - n, "%s%s", n ? "," : "",
                  qs_json_str (json_object_array_get_idx (recs, i), "type", "?"));
    }
}

static void
s_check_invariants (json_object *resp)
{
    json_object *recs = qs_json_get (resp, "recommendations", json_type_array);
    double sum = 0, prev = 1e18;
    for (size_t i = 0; i < json_object_array_length (recs); i++) {
        json_object *r = json_object_array_get_idx (recs, i);
        double cur = qs_json_double (r, "current_monthly_cost", -1);
        double save = qs_json_double (r, "monthly_savings", -1);
        ck_assert (save > 0 && save <= cur + 1e-9);
        ck_assert (fabs (qs_json_double (r, "projected_monthly_cost", -1) - (cur - save)) < 0.011);
        ck_assert (save <= prev + 1e-9);          /* ordered by savings */
        prev = save;
        sum += save;
    }
    ck_assert (fabs (sum - qs_json_double (resp, "total_potential_savings", -1)) < 1e-6);
    ck_assert (sum <= qs_json_double (qs_json_path (resp, "cost_analysis"), "total_monthly_cost", 0) + 1e-6);
}

static json_object *
s_run_one (json_object *pricing, json_object *svc, json_object *m, json_object *health_entry)
{
    json_object *services = json_object_new_array ();
    json_object *metrics = json_object_new_object ();
    json_object *health = json_object_new_object ();
    const char *id = qs_json_str (svc, "id", "");
    json_object_array_add (services, svc);
    if (m)
        json_object_object_add (metrics, id, m);
    if (health_entry)
        json_object_object_add (health, id, health_entry);
    qs_err_t err = {0};
    json_object *resp = qs_optimize_analyze ("org-test", services, metrics, health, pricing, NOW, &err);
    ck_assert_ptr_nonnull (resp);
    s_check_invariants (resp);
    json_object_put (services);
    json_object_put (metrics);
    json_object_put (health);
    return resp;
}

START_TEST (test_idle_deleted_new_kept)
{
    json_object *p = s_parse (s_pricing_text);
    char types[256];
    json_object *r = s_run_one (p, s_service (p, "old", "redis", "small", 1, 0, 0, "production", 40),
                                s_metrics (0.01, 0.02, 0.1, 0.1, 0.1, 12), NULL);
    s_types (r, types, sizeof types);
    ck_assert_str_eq (types, "delete_idle");
    json_object *rec = qs_json_path (r, "recommendations.0");
    ck_assert (fabs (qs_json_double (rec, "monthly_savings", 0) - qs_json_double (rec, "current_monthly_cost", 0)) < 1e-6);
    json_object_put (r);
    /* created 3 days ago with no activity yet: not idle */
    r = s_run_one (p, s_service (p, "new", "redis", "small", 1, 0, 0, "production", 3),
                   s_metrics (0.5, 0.6, 0.5, 0.6, 0.1, 3), NULL);
    s_types (r, types, sizeof types);
    ck_assert_str_eq (types, "");
    json_object_put (r);
    json_object_put (p);
}
END_TEST

START_TEST (test_downgrade_and_its_guards)
{
    json_object *p = s_parse (s_pricing_text);
    char types[256];
    /* a large at 10% p95 fits a small (x4 smaller): 40% p95, 60% peak */
    json_object *r = s_run_one (p, s_service (p, "big", "postgresql", "large", 1, 0, 0, "production", 60),
                                s_metrics (0.10, 0.15, 0.10, 0.15, 0.2, 0), NULL);
    s_types (r, types, sizeof types);
    ck_assert_str_eq (types, "downgrade_tier");
    ck_assert_ptr_nonnull (strstr (qs_json_str (qs_json_path (r, "recommendations.0"), "description", ""), "small"));
    json_object_put (r);
    /* 3 days old and quiet: too young to judge, left alone */
    r = s_run_one (p, s_service (p, "young", "postgresql", "large", 1, 0, 0, "production", 3),
                   s_metrics (0.05, 0.08, 0.05, 0.08, 0.1, 0), NULL);
    s_types (r, types, sizeof types);
    ck_assert_str_eq (types, "");
    json_object_put (r);
    /* busy: p95 over 30% */
    r = s_run_one (p, s_service (p, "busy", "postgresql", "large", 1, 0, 0, "production", 60),
                   s_metrics (0.55, 0.9, 0.40, 0.7, 0.2, 0), NULL);
    s_types (r, types, sizeof types);
    ck_assert_str_eq (types, "");
    json_object_put (r);
    /* low p95 but spiky peak: stays unless the peak fits */
    r = s_run_one (p, s_service (p, "spiky", "postgresql", "large", 1, 0, 0, "production", 60),
                   s_metrics (0.10, 0.95, 0.10, 0.2, 0.2, 0), NULL);
    s_types (r, types, sizeof types);
    ck_assert_str_eq (types, "");
    json_object_put (r);
    /* disk nearly full: never shrink */
    r = s_run_one (p, s_service (p, "full", "postgresql", "large", 1, 0, 0, "production", 60),
                   s_metrics (0.10, 0.15, 0.10, 0.15, 0.97, 0), NULL);
    s_types (r, types, sizeof types);
    ck_assert_str_eq (types, "");
    json_object_put (r);
    /* OOM-killed in the window: never shrink */
    r = s_run_one (p, s_service (p, "oom", "redis", "large", 1, 0, 0, "production", 60),
                   s_metrics (0.10, 0.15, 0.10, 0.15, 0.1, 0),
                   s_parse ("{\"oom_killed\":true,\"restarts\":3}"));
    s_types (r, types, sizeof types);
    ck_assert_str_eq (types, "");
    json_object_put (r);
    json_object_put (p);
}
END_TEST

START_TEST (test_non_production_features_no_double_counting)
{
    json_object *p = s_parse (s_pricing_text);
    char types[256];
    json_object *svc = s_service (p, "stg", "mongodb", "medium", 1, 1, 1, "staging", 60);
    double cost = qs_json_double (svc, "monthly_cost", 0);
    json_object *r = s_run_one (p, svc, s_metrics (0.5, 0.6, 0.5, 0.6, 0.3, 0), NULL);
    s_types (r, types, sizeof types);
    ck_assert_str_eq (types, "disable_ha,disable_backups");
    /* sequential: HA halves the cost, then backups come off the halved cost */
    double expected = cost - cost / 2.0 / 1.25;
    ck_assert (fabs (qs_json_double (r, "total_potential_savings", 0) - expected) < 0.02);
    json_object_put (r);
    /* production keeps its HA and backups */
    r = s_run_one (p, s_service (p, "prod", "mongodb", "medium", 2, 1, 1, "production", 60),
                   s_metrics (0.5, 0.6, 0.5, 0.6, 0.3, 0), NULL);
    s_types (r, types, sizeof types);
    ck_assert_str_eq (types, "");
    json_object_put (r);
    /* everything at once on a staging large: tier, then replicas, then features */
    r = s_run_one (p, s_service (p, "all", "kafka", "large", 3, 1, 1, "development", 60),
                   s_metrics (0.05, 0.08, 0.05, 0.08, 0.1, 0), NULL);
    s_types (r, types, sizeof types);
    ck_assert_ptr_nonnull (strstr (types, "downgrade_tier"));
    ck_assert_ptr_nonnull (strstr (types, "disable_ha"));
    json_object_put (r);
    json_object_put (p);
}
END_TEST

START_TEST (test_cost_analysis_and_bad_input)
{
    json_object *p = s_parse (s_pricing_text);
    json_object *services = json_object_new_array ();
    json_object_array_add (services, s_service (p, "a", "redis", "small", 1, 0, 0, "production", 30));
    json_object_array_add (services, s_service (p, "b", "redis", "micro", 1, 0, 0, "production", 30));
    json_object_array_add (services, s_service (p, "c", "kafka", "medium", 1, 0, 0, "production", 30));
    qs_err_t err = {0};
    json_object *r = qs_optimize_analyze ("org-test", services, NULL, NULL, p, NOW, &err);
    ck_assert_ptr_nonnull (r);
    json_object *ca = qs_json_path (r, "cost_analysis");
    ck_assert_int_eq (qs_json_int (ca, "services_analyzed", 0), 3);
    double redis = qs_json_double (qs_json_path (ca, "by_service_type"), "redis", 0);
    ck_assert (fabs (redis - (0.055 + 0.027) * 730) < 0.02);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_path (r, "recommendations")), 0);
    json_object_put (r);
    ck_assert_ptr_null (qs_optimize_analyze ("org-test", NULL, NULL, NULL, p, NOW, &err));
    ck_assert_int_eq (err.status, 502);
    ck_assert_ptr_null (qs_optimize_analyze ("org-test", services, NULL, NULL, NULL, NOW, &err));
    ck_assert (s_cost (p, "huge", 1, 0, 0) < 0);
    json_object_put (services);
    json_object_put (p);
}
END_TEST


/*  Each service's recommendations, in list order, form a chain (contract
    section 9): the first starts at the service's monthly_cost, each next at
    the previous projection; a saving is exactly current - projected. Returns
    how many recommendations service_id has. */
static int
s_check_chain (json_object *resp, json_object *service)
{
    json_object *recs = qs_json_get (resp, "recommendations", json_type_array);
    const char *id = qs_json_str (service, "id", "");
    double expect = round (qs_json_double (service, "monthly_cost", 0) * 100) / 100, saved = 0;
    int n = 0;
    for (size_t i = 0; i < json_object_array_length (recs); i++) {
        json_object *r = json_object_array_get_idx (recs, i);
        if (strcmp (qs_json_str (r, "service_id", ""), id))
            continue;
        double cur = qs_json_double (r, "current_monthly_cost", -1);
        double proj = qs_json_double (r, "projected_monthly_cost", -1);
        double save = qs_json_double (r, "monthly_savings", -1);
        ck_assert_msg (fabs (cur - expect) < 1e-9, "%s #%d starts at %.2f, not %.2f", id, n, cur, expect);
        ck_assert (fabs (save - (cur - proj)) < 1e-6 && proj >= 0 && save > 0);
        expect = proj;
        saved += save;
        n++;
    }
    ck_assert (saved <= qs_json_double (service, "monthly_cost", 0) + 1e-6);
    return n;
}

START_TEST (test_chained_costs_on_one_service)
{
    json_object *p = s_parse (s_pricing_text);
    json_object *services = json_object_new_array (), *metrics = json_object_new_object ();
    /* every rule fires on "all"; "stg" has two; "idle" one */
    json_object *all = s_service (p, "all", "kafka", "large", 4, 1, 1, "development", 60);
    json_object *stg = s_service (p, "stg", "mongodb", "medium", 1, 1, 1, "staging", 60);
    json_object *idle = s_service (p, "idle", "redis", "small", 2, 1, 1, "staging", 60);
    json_object_array_add (services, all);
    json_object_array_add (services, stg);
    json_object_array_add (services, idle);
    json_object_object_add (metrics, "all", s_metrics (0.05, 0.08, 0.05, 0.08, 0.1, 0));
    json_object_object_add (metrics, "stg", s_metrics (0.5, 0.6, 0.5, 0.6, 0.3, 0));
    json_object_object_add (metrics, "idle", s_metrics (0.01, 0.02, 0.01, 0.02, 0.1, 20));
    qs_err_t err = {0};
    json_object *r = qs_optimize_analyze ("org-test", services, metrics, NULL, p, NOW, &err);
    ck_assert_ptr_nonnull (r);
    s_check_invariants (r);
    ck_assert_int_eq (s_check_chain (r, all), 4);
    ck_assert_int_eq (s_check_chain (r, stg), 2);
    ck_assert_int_eq (s_check_chain (r, idle), 1);
    /* the whole chain of "all" saves what its final configuration saves, once */
    double all_cost = qs_json_double (all, "monthly_cost", 0), sum = 0;
    const char *tier = "large";
    int replicas = 4;
    json_object *recs = qs_json_path (r, "recommendations");
    for (size_t i = 0; i < json_object_array_length (recs); i++) {
        json_object *rec = json_object_array_get_idx (recs, i);
        if (strcmp (qs_json_str (rec, "service_id", ""), "all"))
            continue;
        sum += qs_json_double (rec, "monthly_savings", 0);
        tier = qs_json_str (qs_json_get (rec, "change", json_type_object), "tier", tier);
        replicas = (int) qs_json_int (qs_json_get (rec, "change", json_type_object), "replicas", replicas);
    }
    ck_assert (strcmp (tier, "large") && replicas < 4);
    ck_assert (sum < all_cost);
    ck_assert_msg (fabs (sum - (all_cost - s_cost (p, tier, replicas, 0, 0))) < 0.05, "%s x%d: saved %.2f of %.2f",
                   tier, replicas, sum, all_cost);
    /* idle: one recommendation, delete, that saves the whole cost and nothing else */
    for (size_t i = 0; i < json_object_array_length (recs); i++) {
        json_object *rec = json_object_array_get_idx (recs, i);
        if (!strcmp (qs_json_str (rec, "service_id", ""), "idle")) {
            ck_assert_str_eq (qs_json_str (rec, "type", ""), "delete_idle");
            ck_assert (qs_json_double (rec, "projected_monthly_cost", -1) == 0);
        }
    }
    json_object_put (r);
    json_object_put (services);
    json_object_put (metrics);
    json_object_put (p);
}
END_TEST

/*  The ids of a fresh analysis of the given inputs, joined. */
static void
s_ids (const char *org, const char *tier, int replicas, double cpu95, int64_t now, char *out, size_t size)
{
    json_object *p = s_parse (s_pricing_text);
    json_object *services = json_object_new_array (), *metrics = json_object_new_object ();
    json_object_array_add (services, s_service (p, "svc", "kafka", tier, replicas, 1, 1, "development", 60));
    json_object *m = s_metrics (cpu95, 0.08, 0.05, 0.08, 0.1, 0);
    char ts[40];
    /* an active service's last activity moves with the clock: not an input */
    json_object_object_add (m, "last_activity_at", json_object_new_string (qs_time_rfc3339 (now - 60000, ts, sizeof ts)));
    json_object_object_add (metrics, "svc", m);
    qs_err_t err = {0};
    json_object *r = qs_optimize_analyze (org, services, metrics, NULL, p, now, &err);
    ck_assert_ptr_nonnull (r);
    out[0] = '\0';
    json_object *recs = qs_json_path (r, "recommendations");
    for (size_t i = 0; i < json_object_array_length (recs); i++) {
        const char *id = qs_json_str (json_object_array_get_idx (recs, i), "id", "");
        ck_assert_int_eq ((int) strlen (id), 20);
        ck_assert (!strncmp (id, "rec-", 4));
        ck_assert_ptr_null (strstr (out, id));           /* distinct within one answer */
        size_t n = strlen (out);
        snprintf (out + n, size - n, "%s%s", n ? "," : "", id);
    }
    ck_assert_int_ge ((int) json_object_array_length (recs), 3);
    json_object_put (r);
    json_object_put (services);
    json_object_put (metrics);
    json_object_put (p);
}

START_TEST (test_ids_stable_until_inputs_change)
{
    char a[256], b[256];
    s_ids ("org-a", "large", 4, 0.05, NOW, a, sizeof a);
    s_ids ("org-a", "large", 4, 0.05, NOW + 3600 * 1000, b, sizeof b);
    ck_assert_str_eq (a, b);                             /* nothing changed: same ids, an hour on */
    s_ids ("org-b", "large", 4, 0.05, NOW, b, sizeof b);
    ck_assert_str_ne (a, b);                             /* another org */
    ck_assert_ptr_null (strstr (a, strtok (b, ",")));
    s_ids ("org-a", "large", 3, 0.05, NOW, b, sizeof b);
    ck_assert_ptr_null (strstr (a, strtok (b, ",")));    /* the service changed */
    s_ids ("org-a", "xlarge", 4, 0.05, NOW, b, sizeof b);
    ck_assert_ptr_null (strstr (a, strtok (b, ",")));
    s_ids ("org-a", "large", 4, 0.06, NOW, b, sizeof b);
    ck_assert_ptr_null (strstr (a, strtok (b, ",")));    /* its metrics changed */
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_optimize");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_idle_deleted_new_kept);
    tcase_add_test (tc, test_downgrade_and_its_guards);
    tcase_add_test (tc, test_non_production_features_no_double_counting);
    tcase_add_test (tc, test_cost_analysis_and_bad_input);
    tcase_add_test (tc, test_chained_costs_on_one_service);
    tcase_add_test (tc, test_ids_stable_until_inputs_change);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
