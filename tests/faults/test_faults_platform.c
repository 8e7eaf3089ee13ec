/*  The platform API failing (503s) or slow (past the request deadline):
    a chat that needs it answers a clear error within the deadline, never a
    crash or a hang, and works again once the platform does. */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "qs_faults.h"
#include "qs_json.h"
#include "qs_util.h"

#define S_DEADLINE_MS 6000
static const char *const s_env[] = { "QS_REQUEST_TIMEOUT_MS=6000", NULL };

static void
s_setup (void)
{
    qs_faults_setup (&(qs_faults_spec_t) { .brokers = 1, .env = s_env });
}

/*  Ask about a service (this reads the platform); the answer must come in
    time and either be a clear error or say the platform could not answer. */
static void
s_ask_expect_clear_failure (const char *what)
{
    json_object *resp = NULL;
    int64_t ms = 0;
    long status = qs_harness_http_timed ("POST", qs_harness_gateway (qs_faults_suite ()), "/api/v1/chat", qs_faults_token (),
                                  "{\"message\":\"what tier is acme-main-db on?\"}", 20000, &ms, &resp);
    const char *text = status == 200 ? qs_json_str (resp, "message", "")
                                     : qs_json_str (qs_json_path (resp, "error"), "message", "");
    fprintf (stderr, "platform %s: chat -> %ld in %lld ms: %.160s\n", what, status, (long long) ms, text);
    ck_assert_msg (ms < S_DEADLINE_MS + 1500, "%s: the chat took %lld ms", what, (long long) ms);
    ck_assert_msg (status == 200 || status == 502 || status == 503 || status == 504,
                   "%s: status %ld", what, status);
    ck_assert_msg (strlen (text) > 10, "%s: no clear message: %s", what,
                   resp ? json_object_to_json_string (resp) : "(none)");
    /* a 200 must not pretend to know the tier it could not read */
    if (status == 200)
        ck_assert_msg (!strstr (text, "large"), "%s: an answer without the platform: %s", what, text);
    json_object_put (resp);
}

START_TEST (test_platform_failing_then_slow_then_back)
{
    ck_assert_int_eq (qs_harness_http_timed ("POST", qs_harness_sandbox (qs_faults_suite ()), "/__sandbox/faults", NULL,
                                      "{\"path_prefix\":\"/api/v1/services\",\"status\":503,\"count\":-1}",
                                      5000, NULL, NULL) / 100, 2);
    s_ask_expect_clear_failure ("failing");
    ck_assert_int_eq (qs_harness_http_timed ("DELETE", qs_harness_sandbox (qs_faults_suite ()), "/__sandbox/faults", NULL, NULL, 5000,
                                      NULL, NULL) / 100, 2);
    ck_assert_int_eq (qs_harness_http_timed ("POST", qs_harness_sandbox (qs_faults_suite ()), "/__sandbox/faults", NULL,
                                      "{\"path_prefix\":\"/api/v1/services\",\"delay_ms\":20000,\"count\":-1}",
                                      5000, NULL, NULL) / 100, 2);
    s_ask_expect_clear_failure ("slow");
    ck_assert_int_eq (qs_harness_http_timed ("DELETE", qs_harness_sandbox (qs_faults_suite ()), "/__sandbox/faults", NULL, NULL, 5000,
                                      NULL, NULL) / 100, 2);
    /* back: the same question is answered from the platform */
    json_object *resp = NULL;
    long status = qs_harness_http_timed ("POST", qs_harness_gateway (qs_faults_suite ()), "/api/v1/chat", qs_faults_token (),
                                  "{\"message\":\"what tier is acme-main-db on?\"}", 20000, NULL, &resp);
    ck_assert_int_eq (status, 200);
    ck_assert_ptr_nonnull (strstr (qs_json_str (resp, "message", ""), "large"));
    json_object_put (resp);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("faults_platform");
    TCase *tc = tcase_create ("platform");
    tcase_add_checked_fixture (tc, s_setup, qs_faults_teardown);
    tcase_set_timeout (tc, 90);
    tcase_add_test (tc, test_platform_failing_then_slow_then_back);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
