/*  The only broker down and back: readiness turns 503, requests answer a
    clear 503 quickly instead of hanging, and once the broker is back the
    workers register again by themselves: readiness 200, requests succeed. */
#include "../qs_test.h"
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "qs_faults.h"
#include "qs_json.h"
#include "qs_util.h"

static const char *const s_env[] = { "QS_REQUEST_TIMEOUT_MS=10000", NULL };

static void
s_setup (void)
{
    qs_faults_setup (&(qs_faults_spec_t) { .brokers = 1, .env = s_env });
}

START_TEST (test_broker_down_and_back)
{
    int64_t ms = 0;
    json_object *resp = NULL;
    ck_assert_int_eq (qs_harness_http_timed ("GET", qs_harness_gateway (qs_faults_suite ()), "/api/v1/knowledge/search?q=redis", qs_faults_token (),
                                      NULL, 15000, &ms, NULL), 200);
    qs_proc_t *broker = qs_harness_proc (qs_faults_suite (), "broker");
    ck_assert_int_eq (qs_proc_signal (broker, SIGKILL), 0);
    qs_proc_wait (broker, 2000);
    int took = qs_harness_wait_ready (qs_faults_suite (), 503, 5000);
    ck_assert_msg (took >= 0, "readiness did not turn 503 without the broker");
    long status = qs_harness_http_timed ("GET", qs_harness_gateway (qs_faults_suite ()), "/api/v1/knowledge/search?q=redis", qs_faults_token (),
                                  NULL, 15000, &ms, &resp);
    fprintf (stderr, "broker_restart: ready 503 after %d ms; a search without broker: %ld in %lld ms\n",
             took, status, (long long) ms);
    ck_assert_int_eq (status, 503);
    ck_assert_str_eq (qs_json_str (qs_json_path (resp, "error"), "code", ""), "service_unavailable");
    ck_assert_msg (ms < 5000, "a request without broker took %lld ms", (long long) ms);
    json_object_put (resp);

    int64_t t0 = qs_mono_ms ();
    ck_assert_ptr_nonnull (qs_harness_restart (qs_faults_suite (), "broker"));
    took = qs_harness_wait_ready (qs_faults_suite (), 200, 20000);
    ck_assert_msg (took >= 0, "readiness did not come back");
    fprintf (stderr, "broker_restart: ready 200 again %lld ms after the restart\n",
             (long long) (qs_mono_ms () - t0));
    ck_assert_int_eq (qs_harness_http_timed ("GET", qs_harness_gateway (qs_faults_suite ()), "/api/v1/knowledge/search?q=redis", qs_faults_token (),
                                      NULL, 15000, &ms, NULL), 200);
    status = qs_harness_http_timed ("POST", qs_harness_gateway (qs_faults_suite ()), "/api/v1/chat", qs_faults_token (),
                             "{\"message\":\"how often should I rotate database credentials?\"}",
                             15000, &ms, &resp);
    ck_assert_msg (status == 200, "chat after the restart -> %ld %s", status,
                   resp ? json_object_to_json_string (resp) : "");
    json_object_put (resp);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("faults_broker_restart");
    TCase *tc = tcase_create ("broker_restart");
    tcase_add_checked_fixture (tc, s_setup, qs_faults_teardown);
    tcase_set_timeout (tc, 90);
    tcase_add_test (tc, test_broker_down_and_back);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
