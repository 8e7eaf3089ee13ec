/*  qs_breaker: the state machine with a hand-driven clock. */
#include "../qs_test.h"
#include "qs_breaker.h"

START_TEST (test_cycle)
{
    qs_breaker_t *b = qs_breaker_new (3, 1000);
    int trial, wait_s, changed;
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq (qs_breaker_admit (b, 0, &trial, &wait_s), 0);
        ck_assert_int_eq (trial, 0);
        ck_assert_int_eq (qs_breaker_report (b, 0, 1, trial, &changed), QS_BREAKER_CLOSED);
    }
    /* a success in between resets the count */
    qs_breaker_report (b, 0, 0, 0, &changed);
    for (int i = 0; i < 2; i++)
        qs_breaker_report (b, 0, 1, 0, &changed);
    ck_assert_int_eq (qs_breaker_state (b, 0), QS_BREAKER_CLOSED);
    ck_assert_int_eq (qs_breaker_report (b, 100, 1, 0, &changed), QS_BREAKER_OPEN);
    ck_assert (changed);
    ck_assert_int_eq (qs_breaker_admit (b, 600, &trial, &wait_s), -1);
    ck_assert_int_eq (wait_s, 1);
    ck_assert_int_eq (qs_breaker_state (b, 1099), QS_BREAKER_OPEN);
    ck_assert_int_eq (qs_breaker_state (b, 1100), QS_BREAKER_HALF_OPEN);
    /* half-open: one probe, the rest wait */
    ck_assert_int_eq (qs_breaker_admit (b, 1100, &trial, &wait_s), 0);
    ck_assert_int_eq (trial, 1);
    int t2;
    ck_assert_int_eq (qs_breaker_admit (b, 1101, &t2, &wait_s), -1);
    /* the probe fails: open again from now */
    ck_assert_int_eq (qs_breaker_report (b, 1200, 1, trial, &changed), QS_BREAKER_OPEN);
    ck_assert_int_eq (qs_breaker_admit (b, 2100, &trial, &wait_s), -1);
    ck_assert_int_eq (qs_breaker_admit (b, 2200, &trial, &wait_s), 0);
    ck_assert_int_eq (trial, 1);
    ck_assert_int_eq (qs_breaker_report (b, 2300, 0, trial, &changed), QS_BREAKER_CLOSED);
    ck_assert (changed);
    ck_assert_int_eq (qs_breaker_admit (b, 2301, &trial, &wait_s), 0);
    ck_assert_int_eq (trial, 0);
    qs_breaker_destroy (&b);
    ck_assert_ptr_null (b);
    qs_breaker_destroy (&b);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_breaker");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_cycle);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
