#include "../qs_test.h"
#include <stdlib.h>
#include "qs_env.h"
#include "qs_log.h"

START_TEST (test_env_reads)
{
    qs_log_configure (QS_LOG_ERROR + 1, "text");
    long n;
    setenv ("QS_T_INT", "42", 1);
    ck_assert_int_eq (qs_env_int ("QS_T_INT", 1, 0, 100, &n), 0);
    ck_assert_int_eq (n, 42);
    setenv ("QS_T_INT", "4x", 1);
    ck_assert_int_eq (qs_env_int ("QS_T_INT", 1, 0, 100, &n), -1);
    ck_assert_int_eq (n, 1);
    setenv ("QS_T_INT", "101", 1);
    ck_assert_int_eq (qs_env_int ("QS_T_INT", 1, 0, 100, &n), -1);
    unsetenv ("QS_T_INT");
    ck_assert_int_eq (qs_env_int ("QS_T_INT", 9, 0, 100, &n), 0);
    ck_assert_int_eq (n, 9);
    setenv ("QS_T_B", "yes", 1);
    ck_assert (qs_env_bool ("QS_T_B", false));
    setenv ("QS_T_B", "", 1);
    ck_assert (!qs_env_bool ("QS_T_B", false));
    ck_assert_str_eq (qs_env_str ("QS_T_B", "d"), "d");
}
END_TEST

START_TEST (test_loopback)
{
    ck_assert (qs_is_loopback_host ("127.0.0.1"));
    ck_assert (qs_is_loopback_host ("127.1.2.3"));
    ck_assert (qs_is_loopback_host ("::1"));
    ck_assert (qs_is_loopback_host ("[::1]"));
    ck_assert (qs_is_loopback_host ("localhost"));
    ck_assert (!qs_is_loopback_host ("0.0.0.0"));
    ck_assert (!qs_is_loopback_host ("10.0.0.1"));
    ck_assert (!qs_is_loopback_host ("example.com"));
    ck_assert (!qs_is_loopback_host (""));
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_env");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_env_reads);
    tcase_add_test (tc, test_loopback);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
