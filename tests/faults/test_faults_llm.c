/*  The LLM endpoint failing (the fake answers every request 503): intent
    falls back to the local engine, the chat is answered in time and says
    engine "local"; the fake proves the LLM was really tried. */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "qs_faults.h"
#include "qs_json.h"
#include "qs_util.h"

static qs_proc_t *s_llm;
static char s_llm_url[64];
static char s_env_url[128];
static const char *s_env[] = { "QS_REQUEST_TIMEOUT_MS=15000", s_env_url,
                               "QS_LLM_API_KEY=fault-test-key", "QS_LLM_MODEL=fake/503",
                               "QS_LLM_TIMEOUT_MS=2000", NULL };

static void
s_setup (void)
{
    int port = qs_free_port ();
    char port_text[16];
    snprintf (port_text, sizeof port_text, "%d", port);
    const char *script = getenv ("QS_FAKE_LLM");
    ck_assert_ptr_nonnull (script);
    char *argv[] = { "python3", (char *) script, "--port", port_text, NULL };
    s_llm = qs_proc_start ("fake_llm", "/usr/bin/python3", argv, NULL);
    ck_assert_ptr_nonnull (s_llm);
    snprintf (s_llm_url, sizeof s_llm_url, "http://127.0.0.1:%d", port);
    snprintf (s_env_url, sizeof s_env_url, "QS_LLM_BASE_URL=%s/v1", s_llm_url);
    char url[96];
    snprintf (url, sizeof url, "%s/control/stats", s_llm_url);
    ck_assert_msg (qs_wait_http (url, 10000), "the fake LLM did not start");
    qs_faults_setup (&(qs_faults_spec_t) { .brokers = 1, .env = s_env });
}

static void
s_teardown (void)
{
    qs_faults_teardown ();
    qs_proc_destroy (&s_llm);
}

START_TEST (test_llm_failing_falls_back_to_local)
{
    const char *questions[] = { "how often should I rotate database credentials?",
                                "why does acme-cache keep restarting?" };
    for (int i = 0; i < 2; i++) {
        char body[200];
        snprintf (body, sizeof body, "{\"message\":\"%s\"}", questions[i]);
        json_object *resp = NULL;
        int64_t ms = 0;
        long status = qs_harness_http_timed ("POST", qs_harness_gateway (qs_faults_suite ()), "/api/v1/chat", qs_faults_token (), body, 30000,
                                      &ms, &resp);
        fprintf (stderr, "llm: chat '%s' -> %ld in %lld ms, intent %s engine %s\n", questions[i],
                 status, (long long) ms, qs_json_str (resp, "intent", "?"),
                 qs_json_str (qs_json_path (resp, "metadata"), "engine", "?"));
        ck_assert_msg (status == 200, "chat -> %ld %s", status, resp ? json_object_to_json_string (resp) : "");
        ck_assert_str_eq (qs_json_str (qs_json_path (resp, "metadata"), "engine", ""), "local");
        ck_assert_msg (ms < 15000, "took %lld ms", (long long) ms);
        json_object_put (resp);
    }
    json_object *stats = NULL;
    ck_assert_int_eq (qs_harness_http_timed ("GET", s_llm_url, "/control/stats", NULL, NULL, 5000, NULL,
                                      &stats), 200);
    ck_assert_msg (qs_json_int (stats, "requests", 0) > 0, "the LLM was never tried: %s",
                   json_object_to_json_string (stats));
    json_object_put (stats);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("faults_llm");
    TCase *tc = tcase_create ("llm");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 90);
    tcase_add_test (tc, test_llm_failing_falls_back_to_local);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
