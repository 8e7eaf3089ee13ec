#include "../qs_test.h"
#include <math.h>
#include <string.h>
#include "qs_json.h"
#include "qs_pricing.h"

static const char *s_pricing =
    "{\"currency\":\"USD\",\"hours_per_month\":730,"
    "\"tiers\":{\"nano\":{\"memory_mb\":256,\"vcpu\":0.25,\"hourly\":0.01},"
    "\"micro\":{\"memory_mb\":512,\"vcpu\":0.5,\"hourly\":0.02},"
    "\"small\":{\"memory_mb\":1024,\"vcpu\":1,\"hourly\":0.04},"
    "\"medium\":{\"memory_mb\":2048,\"vcpu\":2,\"hourly\":0.08},"
    "\"large\":{\"memory_mb\":4096,\"vcpu\":4,\"hourly\":0.16},"
    "\"xlarge\":{\"memory_mb\":8192,\"vcpu\":8,\"hourly\":0.32}},"
    "\"ha_multiplier\":2.0,\"backup_multiplier\":1.2}";

static json_object *
s_parse (const char *text)
{
    const char *why;
    json_object *o = qs_json_parse (text, strlen (text), &why);
    ck_assert_ptr_nonnull (o);
    return o;
}

START_TEST (test_formula)
{
    json_object *p = s_parse (s_pricing);
    json_object *c = s_parse ("{\"tier\":\"small\",\"replicas\":3,\"high_availability\":true,"
                              "\"backup_enabled\":true}");
    double h = 0, m = 0;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_pricing_estimate (p, c, &h, &m, &err), 0);
    /* 0.04 * 730 * 3 * 2.0 * 1.2 = 210.24 */
    ck_assert_double_eq_tol (m, 210.24, 0.005);
    ck_assert_double_eq_tol (h, 210.24 / 730.0, 0.0001);
    json_object_put (c);

    /* defaults: one replica, no HA, no backups */
    c = s_parse ("{\"tier\":\"nano\"}");
    ck_assert_int_eq (qs_pricing_estimate (p, c, &h, &m, &err), 0);
    ck_assert_double_eq_tol (m, 7.30, 0.005);
    ck_assert_double_eq_tol (h, 0.01, 0.00001);
    json_object *e = qs_pricing_estimate_json (p, c, &err);
    ck_assert_ptr_nonnull (e);
    ck_assert_str_eq (qs_json_str (e, "currency", ""), "USD");
    ck_assert_double_eq_tol (qs_json_double (e, "monthly_cost", 0), 7.30, 0.005);
    json_object_put (e);
    json_object_put (c);
    json_object_put (p);
}
END_TEST

START_TEST (test_pricing_defaults_and_errors)
{
    /* a pricing object without hours or multipliers uses the contract's */
    json_object *p = s_parse ("{\"tiers\":{\"medium\":{\"memory_mb\":2048,\"hourly\":0.1}}}");
    json_object *c = s_parse ("{\"tier\":\"medium\",\"high_availability\":true,\"backup_enabled\":true}");
    double h = 0, m = 0;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_pricing_estimate (p, c, &h, &m, &err), 0);
    ck_assert_double_eq_tol (m, 0.1 * 730 * 2.0 * 1.2, 0.005);
    json_object_put (c);

    c = s_parse ("{\"tier\":\"gigantic\"}");
    ck_assert_int_eq (qs_pricing_estimate (p, c, &h, &m, &err), -1);
    ck_assert_int_eq (err.status, 422);
    ck_assert_ptr_nonnull (strstr (err.message, "gigantic"));
    json_object_put (c);

    c = s_parse ("{\"tier\":\"medium\",\"replicas\":0}");
    ck_assert_int_eq (qs_pricing_estimate (p, c, &h, &m, &err), -1);
    ck_assert_int_eq (err.status, 422);
    json_object_put (c);

    c = s_parse ("{\"replicas\":2}");
    ck_assert_int_eq (qs_pricing_estimate (p, c, &h, &m, &err), -1);
    ck_assert_int_eq (err.status, 422);
    ck_assert_int_eq (qs_pricing_estimate (NULL, c, &h, &m, &err), -1);
    ck_assert_int_eq (err.status, 502);
    json_object_put (c);
    json_object_put (p);
}
END_TEST

START_TEST (test_smallest_tier)
{
    json_object *p = s_parse (s_pricing);
    ck_assert_str_eq (qs_pricing_smallest_tier (p, 0), "nano");
    ck_assert_str_eq (qs_pricing_smallest_tier (p, 256), "nano");
    ck_assert_str_eq (qs_pricing_smallest_tier (p, 257), "micro");
    ck_assert_str_eq (qs_pricing_smallest_tier (p, 1500), "medium");
    ck_assert_str_eq (qs_pricing_smallest_tier (p, 8192), "xlarge");
    ck_assert_ptr_null (qs_pricing_smallest_tier (p, 8193));
    ck_assert_ptr_null (qs_pricing_smallest_tier (NULL, 1));
    json_object_put (p);
    /* entries without memory are ignored; equal memory goes to the cheaper */
    p = s_parse ("{\"tiers\":{\"a\":{\"hourly\":1},\"b\":{\"memory_mb\":512,\"hourly\":0.5},"
                 "\"c\":{\"memory_mb\":512,\"hourly\":0.2},\"d\":\"junk\"}}");
    ck_assert_str_eq (qs_pricing_smallest_tier (p, 100), "c");
    json_object_put (p);
    ck_assert_int_eq (qs_pricing_tier_rank ("nano"), 0);
    ck_assert_int_eq (qs_pricing_tier_rank ("xlarge"), 5);
    ck_assert_int_eq (qs_pricing_tier_rank ("huge"), -1);
    ck_assert_str_eq (qs_pricing_tier_name (0), "nano");
    ck_assert_str_eq (qs_pricing_tier_name (5), "xlarge");
    ck_assert_ptr_null (qs_pricing_tier_name (6));
    ck_assert_ptr_null (qs_pricing_tier_name (-1));
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_pricing");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_formula);
    tcase_add_test (tc, test_pricing_defaults_and_errors);
    tcase_add_test (tc, test_smallest_tier);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
