/*  Unit: the price list, the cost formula, and small parsing helpers. */
#include "../qs_test.h"
#include "qs_sbx_msg.h"
#include "qs_sbx_pricing.h"
#include "qs_json.h"
#include <math.h>
#include <string.h>

START_TEST (cost_formula)
{
    /* hourly x 730 x replicas x (2.0 if HA) x (1.2 if backups) */
    ck_assert_double_eq_tol (qs_sbx_monthly_cost ("nano", 1, false, false), 0.01 * 730, 1e-9);
    ck_assert_double_eq_tol (qs_sbx_monthly_cost ("small", 1, false, false), 29.2, 1e-9);
    ck_assert_double_eq_tol (qs_sbx_monthly_cost ("medium", 2, false, false), 0.08 * 730 * 2, 1e-9);
    ck_assert_double_eq_tol (qs_sbx_monthly_cost ("large", 1, true, false), 0.16 * 730 * 2.0, 1e-9);
    ck_assert_double_eq_tol (qs_sbx_monthly_cost ("large", 1, false, true), 0.16 * 730 * 1.2, 1e-9);
    ck_assert_double_eq_tol (qs_sbx_monthly_cost ("xlarge", 3, true, true), 0.32 * 730 * 3 * 2.0 * 1.2, 1e-9);
    ck_assert (qs_sbx_monthly_cost ("huge", 1, false, false) < 0);
}
END_TEST

START_TEST (tiers_ordered_and_priced)
{
    static const char *order[] = {"nano", "micro", "small", "medium", "large", "xlarge"};
    json_object *p = qs_sbx_pricing_json ();
    ck_assert_int_eq (qs_json_int (p, "hours_per_month", 0), 730);
    ck_assert_str_eq (qs_json_str (p, "currency", ""), "USD");
    ck_assert_double_eq_tol (qs_json_double (p, "ha_multiplier", 0), 2.0, 1e-12);
    ck_assert_double_eq_tol (qs_json_double (p, "backup_multiplier", 0), 1.2, 1e-12);
    json_object *tiers = qs_json_get (p, "tiers", json_type_object);
    ck_assert_int_eq (json_object_object_length (tiers), 6);
    double prev = 0;
    for (int i = 0; i < 6; i++) {
        json_object *t = qs_json_get (tiers, order[i], json_type_object);
        ck_assert_ptr_nonnull (t);
        ck_assert_int_eq (qs_sbx_tier_index (order[i]), i);
        double hourly = qs_json_double (t, "hourly", -1);
        ck_assert (hourly > prev);
        prev = hourly;
        ck_assert_double_eq_tol (hourly, qs_sbx_tier_find (order[i])->hourly, 1e-12);
        ck_assert_int_eq (qs_json_int (t, "memory_mb", 0), qs_sbx_tier_find (order[i])->memory_mb);
    }
    ck_assert_double_eq_tol (qs_json_double (qs_json_get (tiers, "nano", json_type_object), "vcpu", 0), 0.25, 1e-12);
    json_object_put (p);
}
END_TEST

START_TEST (plans)
{
    ck_assert_str_eq (qs_sbx_plan_find ("free")->max_tier, "small");
    ck_assert (!qs_sbx_plan_find ("free")->ha_allowed);
    ck_assert (qs_sbx_plan_find ("pro")->ha_allowed);
    ck_assert_str_eq (qs_sbx_plan_find ("enterprise")->max_tier, "xlarge");
    ck_assert_str_eq (qs_sbx_plan_find ("nonsense")->plan, "free");
    ck_assert (qs_sbx_service_type_valid ("kafka"));
    ck_assert (!qs_sbx_service_type_valid ("cassandra"));
    ck_assert_int_eq (qs_sbx_service_type_port ("postgresql"), 5432);
}
END_TEST

START_TEST (numbers_print_short)
{
    json_object *n = qs_sbx_json_num (0.04 * 730);
    ck_assert_str_eq (json_object_to_json_string (n), "29.2");
    ck_assert_double_eq_tol (json_object_get_double (n), 29.2, 1e-9);
    json_object_put (n);
    n = qs_sbx_json_num (2.0);
    ck_assert_str_eq (json_object_to_json_string (n), "2.0");
    json_object_put (n);
}
END_TEST

START_TEST (query_params)
{
    char v[64];
    ck_assert_int_eq (qs_sbx_query_get ("a=1&labelSelector=quickspin.io%2Fservice-id%3Dsvc-x&b", "labelSelector", v, sizeof v), 1);
    ck_assert_str_eq (v, "quickspin.io/service-id=svc-x");
    ck_assert_int_eq (qs_sbx_query_get ("a=1&b", "b", v, sizeof v), 1);
    ck_assert_str_eq (v, "");
    ck_assert_int_eq (qs_sbx_query_get ("ab=1", "a", v, sizeof v), 0);
    ck_assert_int_eq (qs_sbx_query_get (NULL, "a", v, sizeof v), 0);
    ck_assert_int_eq (qs_sbx_query_get ("tail=5", "tail", v, sizeof v), 1);
    ck_assert_str_eq (v, "5");
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("sbx_pricing");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, cost_formula);
    tcase_add_test (tc, tiers_ordered_and_priced);
    tcase_add_test (tc, plans);
    tcase_add_test (tc, numbers_print_short);
    tcase_add_test (tc, query_params);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
