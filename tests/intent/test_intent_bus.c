/*  Integration: the real quickspin-intent binary behind the real broker on
    loopback, called through qs_client (local engine: no LLM configured). */
#include "../qs_test.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "qs_client.h"
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_util.h"

static const char *const s_env[] = { "QS_BROKER_HEARTBEAT_MS=200", "QS_WORKER_HEARTBEAT_MS=200",
                                     "QS_BROKER_LIVENESS=5", "QS_WORKER_LIVENESS=5",
                                     "QS_SHUTDOWN_GRACE_MS=2000", "QS_LLM_BASE_URL=",
                                     "QS_WORKER_THREADS=2", NULL };

static int
s_call (qs_client_t *client, const char *op, const char *body_json, json_object **reply,
        qs_err_t *err)
{
    const char *why;
    json_object *body = qs_json_parse (body_json, strlen (body_json), &why);
    qs_auth_t auth = { 0 };
    qs_strlcpy (auth.sub, "user-1", sizeof auth.sub);
    qs_strlcpy (auth.org_id, "org-1", sizeof auth.org_id);
    qs_call_t call = { .service = "intent", .op = op, .request_id = "rid-intent",
                       .deadline_ms = qs_now_ms () + 10000, .auth = &auth, .body = body };
    qs_err_clear (err);
    *reply = NULL;
    int rc = qs_client_call (client, &call, reply, err, NULL, NULL);
    json_object_put (body);
    return rc;
}

START_TEST (test_intent_worker_over_the_bus)
{
    qs_harness_spec_t spec = { .brokers = 1, .env = s_env,
                               .workers = { { .kind = "intent" } } };
    qs_harness_t *h = qs_harness_new (&spec);
    ck_assert_ptr_nonnull (h);
    qs_client_t *client = qs_client_new (qs_harness_bus (h));
    ck_assert_ptr_nonnull (client);
    /* each handler thread is one worker for the broker */
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "intent", 2, 15000), 2);

    json_object *r;
    qs_err_t err;
    ck_assert_int_eq (s_call (client, "classify",
                              "{\"message\":\"my postgres pod is in CrashLoopBackOff\"}", &r, &err), 200);
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "troubleshoot");
    ck_assert_str_eq (qs_json_str (r, "engine", ""), "local");
    json_object_put (r);

    ck_assert_int_eq (s_call (client, "extract",
                              "{\"message\":\"create a redis called carts with 1GB, no HA\","
                              "\"pricing\":{\"tiers\":{\"small\":{\"memory_mb\":1024}}}}", &r, &err), 200);
    json_object *c = qs_json_get (r, "config", json_type_object);
    ck_assert_str_eq (qs_json_str (c, "service_type", ""), "redis");
    ck_assert_str_eq (qs_json_str (c, "name", ""), "carts");
    ck_assert_str_eq (qs_json_str (c, "tier", ""), "small");
    ck_assert (!qs_json_bool (c, "high_availability", true));
    json_object_put (r);

    ck_assert_int_eq (s_call (client, "extract", "{\"nope\":1}", &r, &err), -1);
    ck_assert_int_eq (err.status, 400);
    json_object_put (r);
    ck_assert_int_eq (s_call (client, "ping", "{}", &r, &err), 200);
    json_object_put (r);

    qs_client_destroy (&client);
    ck_assert_int_eq (qs_proc_stop (qs_harness_proc (h, "intent"), SIGTERM, 10000), 0);
    qs_harness_destroy (&h);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("intent_bus");
    TCase *tc = tcase_create ("core");
    tcase_set_timeout (tc, 90);
    tcase_add_test (tc, test_intent_worker_over_the_bus);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
