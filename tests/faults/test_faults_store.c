/*  The store down and back. The store is MongoDB here (the production
    store; the test server is CongoDB, tests/storage/mongo-server), and "down"
    is the database process frozen with SIGSTOP: connections stay open but
    nothing answers, the hardest case for a client (a hung primary, a
    network partition). Short driver timeouts in the URL bound every store
    call. Readiness turns 503, a chat answers a clear error in time and
    leaves no half-saved turn, and after SIGCONT everything recovers by
    itself with the data intact. (SQLite cannot be taken away from a
    running process this way: an open file stays usable after chmod or a
    move.) Skipped (77) when node or the test server is not installed. */
#include "../qs_test.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "qs_faults.h"
#include "qs_json.h"
#include "qs_util.h"

static qs_proc_t *s_mongo;
static char s_env_url[256];
static const char *s_env[] = { "QS_REQUEST_TIMEOUT_MS=10000", s_env_url, NULL };

static void
s_setup (void)
{
    const char *script = getenv ("QS_MONGO_SERVER");
    char modules[600];
    snprintf (modules, sizeof modules, "%s", script ? script : "");
    char *slash = strrchr (modules, '/');
    if (slash)
        snprintf (slash, sizeof modules - (size_t) (slash - modules), "/node_modules/mingo");
    if (!script || access (script, R_OK) != 0 || access ("/usr/bin/node", X_OK) != 0
        || access (modules, R_OK) != 0) {
        fprintf (stderr, "faults_store: node or the test MongoDB server is missing: skipped\n");
        exit (77);
    }
    int port = qs_free_port ();
    char port_text[16], parent[16];
    snprintf (port_text, sizeof port_text, "%d", port);
    snprintf (parent, sizeof parent, "%d", (int) getpid ());
    char *argv[] = { "node", (char *) script, port_text, parent, NULL };
    s_mongo = qs_proc_start ("mongo", "/usr/bin/node", argv, NULL);
    ck_assert_msg (s_mongo && qs_wait_tcp (port, 15000), "the test MongoDB server did not start");
    snprintf (s_env_url, sizeof s_env_url,
              "QS_STORE_URL=mongodb://127.0.0.1:%d/qs_faults?serverSelectionTimeoutMS=1500"
              "&connectTimeoutMS=1000&socketTimeoutMS=2500&heartbeatFrequencyMS=500", port);
    qs_faults_setup (&(qs_faults_spec_t) { .brokers = 1, .env = s_env });
}

static void
s_teardown (void)
{
    qs_proc_signal (s_mongo, SIGCONT);
    qs_faults_teardown ();
    qs_proc_destroy (&s_mongo);
}

static int
s_count (const char *conv, const char *role)
{
    char path[160];
    snprintf (path, sizeof path, "/api/v1/chat/conversations/%s", conv);
    json_object *resp = NULL;
    long status = qs_harness_http_timed ("GET", qs_harness_gateway (qs_faults_suite ()), path, qs_faults_token (), NULL, 15000, NULL, &resp);
    ck_assert_int_eq (status, 200);
    json_object *messages = qs_json_get (resp, "messages", json_type_array);
    int n = 0;
    for (size_t k = 0; messages && k < json_object_array_length (messages); k++)
        n += !strcmp (qs_json_str (json_object_array_get_idx (messages, k), "role", ""), role);
    json_object_put (resp);
    return n;
}

START_TEST (test_store_down_and_back)
{
    const char *ask = "{\"message\":\"how often should I rotate database credentials?\"}";
    json_object *resp = NULL;
    ck_assert_int_eq (qs_harness_http_timed ("POST", qs_harness_gateway (qs_faults_suite ()), "/api/v1/chat", qs_faults_token (), ask, 15000,
                                      NULL, &resp), 200);
    char conv[64], body[200];
    snprintf (conv, sizeof conv, "%s", qs_json_str (resp, "conversation_id", ""));
    json_object_put (resp);
    snprintf (body, sizeof body, "{\"message\":\"and for redis?\",\"conversation_id\":\"%s\"}", conv);

    ck_assert_int_eq (qs_proc_signal (s_mongo, SIGSTOP), 0);
    int took = qs_harness_wait_ready (qs_faults_suite (), 503, 15000);
    fprintf (stderr, "store: readiness 503 %d ms after the database froze\n", took);
    ck_assert_msg (took >= 0, "readiness stayed 200 without the store");
    int64_t ms = 0;
    long status = qs_harness_http_timed ("POST", qs_harness_gateway (qs_faults_suite ()), "/api/v1/chat", qs_faults_token (), body, 20000, &ms, &resp);
    const char *message = qs_json_str (qs_json_path (resp, "error"), "message", "");
    fprintf (stderr, "store: a chat without the store -> %ld in %lld ms: %s\n", status,
             (long long) ms, message);
    ck_assert_msg (status == 503 || status == 504, "chat without the store -> %ld %s", status,
                   resp ? json_object_to_json_string (resp) : "");
    ck_assert_msg (strlen (message) > 10, "no clear message");
    ck_assert_msg (ms < 10000 + 1500, "took %lld ms", (long long) ms);
    json_object_put (resp);

    ck_assert_int_eq (qs_proc_signal (s_mongo, SIGCONT), 0);
    int64_t t0 = qs_mono_ms ();
    took = qs_harness_wait_ready (qs_faults_suite (), 200, 20000);
    fprintf (stderr, "store: readiness 200 again %lld ms after the database came back\n",
             (long long) (qs_mono_ms () - t0));
    ck_assert_msg (took >= 0, "readiness did not come back");
    /* the failed turn left nothing half-saved: whole turns only */
    int users = s_count (conv, "user"), assistants = s_count (conv, "assistant");
    ck_assert_msg (users == assistants, "%d user and %d assistant messages: a half-saved turn",
                   users, assistants);
    ck_assert_int_eq (qs_harness_http_timed ("POST", qs_harness_gateway (qs_faults_suite ()), "/api/v1/chat", qs_faults_token (), body, 15000,
                                      NULL, NULL), 200);
    ck_assert_int_eq (s_count (conv, "assistant"), assistants + 1);
    ck_assert_int_eq (s_count (conv, "user"), users + 1);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("faults_store");
    TCase *tc = tcase_create ("store");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 110);
    tcase_add_test (tc, test_store_down_and_back);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
