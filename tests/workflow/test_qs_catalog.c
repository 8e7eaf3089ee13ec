/*  qs_catalog: which messages ask about the tiers themselves, and the
    answer from the platform's pricing. */
#include "../qs_test.h"
#include <stdlib.h>
#include <string.h>
#include "qs_catalog.h"

START_TEST (test_asked_about_tiers)
{
    const char *yes[] = {
        "what's the difference between small and medium?", "compare large vs xlarge", "Which tiers are there?",
        "how much memory does nano have", "what are the specs of the micro tier", "small versus medium",
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        ck_assert_msg (qs_catalog_asked (yes[i]), "'%s' asks about tiers", yes[i]);
    const char *no[] = {
        "make it medium", "upgrade acme-cache to large", "create a small redis", "what tier is acme-cache on?",
        "compare my two databases", "what's the difference between redis and memcached", "", "tiers",
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        ck_assert_msg (!qs_catalog_asked (no[i]), "'%s' is no tier question", no[i]);
    ck_assert (!qs_catalog_asked (NULL));
}
END_TEST

START_TEST (test_tiers_answer)
{
    /* out of order on purpose: the table goes by price */
    json_object *pricing = json_tokener_parse (
        "{\"currency\":\"USD\",\"hours_per_month\":730,\"ha_multiplier\":2.0,\"backup_multiplier\":1.2,"
        "\"tiers\":{\"big\":{\"memory_mb\":6144,\"vcpu\":3,\"hourly\":0.3},"
        "\"tiny\":{\"memory_mb\":512,\"vcpu\":0.5,\"hourly\":0.05}}}");
    char *text = qs_catalog_tiers (pricing, "difference between tiny and big?", "tiny");
    ck_assert_ptr_nonnull (text);
    const char *tiny = strstr (text, "| **tiny** | 512 MB | 0.5 | $0.0500 | $36.50 |");
    const char *big = strstr (text, "| **big** | 6 GB | 3 | $0.3000 | $219.00 |");
    ck_assert_msg (tiny && big && tiny < big, "%s", text);
    ck_assert_msg (strstr (text, "**big** has 12x the memory and 6x the vCPU of **tiny**, for 6x the price"), "%s", text);
    ck_assert_msg (strstr (text, "plan waiting for your confirmation is on **tiny**"), "%s", text);
    free (text);
    text = qs_catalog_tiers (pricing, "which tiers are there?", NULL);
    ck_assert_ptr_null (strstr (text, "**tiny**"));
    ck_assert_ptr_null (strstr (text, "plan waiting"));
    free (text);
    json_object_put (pricing);
    text = qs_catalog_tiers (NULL, "which tiers are there?", "");
    ck_assert_ptr_nonnull (strstr (text, "no tiers"));
    free (text);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_catalog");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_asked_about_tiers);
    tcase_add_test (tc, test_tiers_answer);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
