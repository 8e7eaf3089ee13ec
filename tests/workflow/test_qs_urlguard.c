/*  qs_urlguard: which webhook URLs notifications may go to. Numeric hosts
    and localhost only: the tests never need DNS. */
#include "../qs_test.h"
#include <string.h>
#include "qs_urlguard.h"

START_TEST (test_addresses)
{
    const char *blocked[] = {
        "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "239.255.255.250", "255.255.255.255",
        "192.0.2.7", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1",
        "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2001:db8::1", "not an address", "",
    };
    const char *open[] = { "8.8.8.8", "93.184.216.34", "172.32.0.1", "192.169.0.1", "100.128.0.1",
                           "2606:4700:4700::1111", "::ffff:8.8.8.8", "2a00:1450:4001::200e" };
    for (size_t i = 0; i < sizeof blocked / sizeof blocked[0]; i++)
        ck_assert_msg (qs_urlguard_address_blocked (blocked[i]), "%s blocked", blocked[i]);
    for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
        ck_assert_msg (!qs_urlguard_address_blocked (open[i]), "%s open", open[i]);
}
END_TEST

START_TEST (test_urls)
{
    qs_urlguard_target_t t;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_urlguard_check ("https://8.8.8.8/hooks/abc?x=1", NULL, &t, &err), 0);
    ck_assert_str_eq (t.scheme, "https");
    ck_assert_str_eq (t.address, "8.8.8.8");
    ck_assert_int_eq (t.port, 443);
    ck_assert_int_eq (qs_urlguard_check ("HTTP://[2606:4700:4700::1111]:8443/x", NULL, &t, &err), 0);
    ck_assert_str_eq (t.host, "2606:4700:4700::1111");
    ck_assert_int_eq (t.port, 8443);
    const char *refused[] = {
        "ftp://8.8.8.8/", "file:///etc/passwd", "gopher://8.8.8.8", "https://user:pw@8.8.8.8/",
        "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/", "http://169.254.169.254/latest",
        "http://2130706433/", "http://0x7f.1/", "http://10.0.0.1./", "http://8.8.8.8:0/", "http://8.8.8.8:99999/",
        "http://8.8.8.8:/", "http://[::1/", "https:///nohost", "http://8.8.8.8 /", "", "http://exa mple.com/",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        qs_err_clear (&err);
        ck_assert_msg (qs_urlguard_check (refused[i], NULL, &t, &err) == -1, "%s refused", refused[i]);
        ck_assert_int_eq (err.status, 422);
        ck_assert_str_eq (err.code, "webhook_not_allowed");
    }
    ck_assert_ptr_nonnull (strstr ((qs_urlguard_check ("http://127.0.0.1/", NULL, &t, &err), err.message),
                                   "QS_NOTIFY_ALLOW_HOSTS"));
}
END_TEST

START_TEST (test_operator_allow_list)
{
    qs_urlguard_target_t t;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_urlguard_check ("http://localhost:9/hook", " chat.internal , LOCALHOST", &t, &err), 0);
    ck_assert (t.allowed_by_list);
    ck_assert (t.address[0]);
    ck_assert_int_eq (qs_urlguard_check ("http://127.0.0.1:9/hook", "127.0.0.1", &t, &err), 0);
    //  a listed name does not open its neighbours
    ck_assert_int_eq (qs_urlguard_check ("http://127.0.0.2/hook", "127.0.0.1,localhost", &t, &err), -1);
    ck_assert_int_eq (qs_urlguard_check ("http://localhost/hook", "localhost.evil", &t, &err), -1);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_urlguard");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_addresses);
    tcase_add_test (tc, test_urls);
    tcase_add_test (tc, test_operator_allow_list);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
