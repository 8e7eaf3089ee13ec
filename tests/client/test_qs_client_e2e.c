/*  The whole suite on a secured bus (every process with CURVE keys, the
    broker with ZAP roles and the event stream), driven by an integration
    through libquickspin-client: the real workflow's events arrive, filtered
    by org, and the REST gateway keeps working over the same bus. */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_secure_fixture.h"
#include "qs_util.h"
#include "quickspin-client.h"

static qs_fix_keys_t s_keys;
static qs_harness_t *s_h;
static char s_server_key [300];
static char s_events [64];
static char s_events_env [96];
static const char *s_env [2];

static void
s_setup (void)
{
    qs_fix_keys_make (&s_keys);
    snprintf (s_server_key, sizeof s_server_key, "%s/server.key", s_keys.dir);
    snprintf (s_events, sizeof s_events, "tcp://127.0.0.1:%d", qs_free_port ());
    snprintf (s_events_env, sizeof s_events_env, "QS_EVENTS_ENDPOINT=%s", s_events);
    s_env [0] = s_events_env;
    /* every process with the worker key (it may forward the auth contexts
       the gateway verified, like the gateway key) */
    qs_harness_curve_t curve = { .server_secret_file = s_server_key,
                                 .server_public_file = s_keys.server_pub,
                                 .keys_file = s_keys.keys_file,
                                 .client_key_file = s_keys.worker_key };
    qs_harness_spec_t whole = qs_harness_whole ();
    whole.curve = &curve;
    whole.env = s_env;
    s_h = qs_harness_new (&whole);
    int rc = s_h ? 0 : -1;
    if (rc != 0) {
        /* check skips the teardown of a failed setup: leave nothing behind */
        qs_fix_keys_remove (&s_keys);
    }
    ck_assert_int_eq (rc, 0);
}

static void
s_teardown (void)
{
    qs_harness_destroy (&s_h);
    qs_fix_keys_remove (&s_keys);
}

static qsc_client_t *
s_client (const char *token)
{
    qsc_config_t config = {
        .endpoint = qs_harness_bus (s_h), .token = token, .timeout_ms = 30000,
        .server_public_key = s_keys.server.public_key,
        .public_key = s_keys.integration.public_key, .secret_key = s_keys.integration.secret_key,
    };
    qsc_error_t err;
    qsc_client_t *client = qsc_client_new (&config, &err);
    ck_assert_msg (client != NULL, "%s", err.message);
    return client;
}

/*  Wait for an event of topic (skipping others) up to timeout_ms; new or NULL. */
static json_object *
s_wait_event (qsc_events_t *events, const char *topic, int timeout_ms)
{
    int64_t until = qs_mono_ms () + timeout_ms;
    while (qs_mono_ms () < until) {
        json_object *event = NULL;
        if (qsc_events_next (events, (int) (until - qs_mono_ms ()), &event) != 1)
            return NULL;
        ck_assert_str_eq (qs_json_str (event, "org_id", ""), "org-acme");
        ck_assert (strstr (qs_json_text (event), "eyJ") == NULL);     /* no JWT, ever */
        if (!strcmp (qs_json_str (event, "topic", ""), topic))
            return event;
        json_object_put (event);
    }
    return NULL;
}

START_TEST (test_integration_drives_the_real_suite)
{
    qsc_config_t keys = { .server_public_key = s_keys.server.public_key,
                          .public_key = s_keys.integration.public_key,
                          .secret_key = s_keys.integration.secret_key };
    qsc_error_t err;
    qsc_events_t *events = qsc_events_new (s_events, &keys, &err);
    ck_assert_msg (events != NULL, "%s", err.message);
    ck_assert_int_eq (qsc_events_subscribe (events, NULL, "org-acme"), 0);
    usleep (300000);

    char *token = qs_harness_token ("alice", "org-acme", "member");
    char *globex = qs_harness_token ("carol", "org-globex", "member");
    qsc_client_t *client = s_client (token);

    /* another org's activity never reaches this subscriber */
    qsc_client_t *other = s_client (globex);
    json_object *reply = NULL;
    ck_assert_int_eq (qsc_chat (other, "create a redis cache called globex-int-cache for staging",
                                NULL, NULL, NULL, &reply, &err), 0);
    json_object_put (reply);
    qsc_client_destroy (&other);

    /* provision: pending, then executed + provisioned + recommendations changed */
    ck_assert_msg (qsc_chat (client, "create a redis cache called int-cache with 1GB of memory for staging, no backups",
                             NULL, NULL, NULL, &reply, &err) == 0, "%s", err.message);
    json_object *action = qs_json_path (reply, "actions.0");
    ck_assert_str_eq (qs_json_str (action, "status", ""), "pending_confirmation");
    char action_id [64];
    qs_strlcpy (action_id, qs_json_str (action, "id", ""), sizeof action_id);
    json_object_put (reply);
    json_object *event = s_wait_event (events, "action.pending", 10000);
    ck_assert (event != NULL);
    ck_assert_str_eq (qs_json_str (event, "action_id", ""), action_id);
    ck_assert_str_eq (qs_json_str (event, "type", ""), "provision_service");
    json_object_put (event);
    /* each audit entry of the change follows its action event (contract section 10) */
    char hash[80] = "";
    const char *audit[] = {"proposed", "confirmed", "executed"};
    for (int i = 0; i < 3; i++) {
        if (i == 1) {
            json_object *body = json_object_new_object ();
            qs_json_add_str (body, "action_id", action_id);
            ck_assert_msg (qsc_call (client, "workflow", "action_confirm", body, false, NULL, NULL, &reply, &err) == 0,
                           "%s", err.message);
            ck_assert_str_eq (qs_json_str (qs_json_path (reply, "actions.0"), "status", ""), "executed");
            json_object_put (reply);
            json_object_put (body);
            event = s_wait_event (events, "action.executed", 10000);
            ck_assert (event != NULL);
            ck_assert_str_eq (qs_json_str (event, "action_id", ""), action_id);
            json_object_put (event);
        }
        event = s_wait_event (events, "audit.appended", 10000);
        ck_assert (event != NULL);
        ck_assert_str_eq (qs_json_str (event, "event", ""), audit[i]);
        ck_assert_str_eq (qs_json_str (event, "action_id", ""), action_id);
        ck_assert_str_eq (qs_json_str (event, "actor", ""), "alice");
        if (i > 0)      /* linked to the entry before */
            ck_assert_str_eq (qs_json_str (event, "prev_hash", "-"), hash);
        ck_assert_ptr_null (qs_json_get (event, "details", json_type_object));
        qs_strlcpy (hash, qs_json_str (event, "hash", ""), sizeof hash);
        json_object_put (event);
    }

    event = s_wait_event (events, "service.provisioned", 10000);
    ck_assert (event != NULL);
    ck_assert_str_eq (qs_json_str (event, "name", ""), "int-cache");
    ck_assert_str_eq (qs_json_str (event, "service_type", ""), "redis");
    json_object_put (event);
    event = s_wait_event (events, "recommendations.changed", 10000);
    ck_assert (event != NULL);
    json_object_put (event);

    /* a diagnosis publishes its finding codes */
    ck_assert_int_eq (qsc_chat (client, "why does acme-cache keep restarting?", NULL, NULL, NULL, &reply, &err), 0);
    json_object_put (reply);
    event = s_wait_event (events, "diagnosis.finished", 15000);
    ck_assert (event != NULL);
    json_object *codes = qs_json_get (event, "codes", json_type_array);
    ck_assert (codes && json_object_array_length (codes) > 0);
    ck_assert_str_eq (json_object_get_string (json_object_array_get_idx (codes, 0)), "oom_killed");
    json_object_put (event);

    /* the read operations */
    ck_assert_int_eq (qsc_recommendations (client, &reply, &err), 0);
    ck_assert (qs_json_get (reply, "recommendations", json_type_array) != NULL);
    json_object_put (reply);
    ck_assert_int_eq (qsc_knowledge_search (client, "redis memory eviction", NULL, NULL, 3, &reply, &err), 0);
    json_object *results = qs_json_get (reply, "results", json_type_array);
    ck_assert (results && json_object_array_length (results) > 0 && json_object_array_length (results) <= 3);
    json_object_put (reply);
    ck_assert_int_eq (qsc_conversations (client, 10, NULL, &reply, &err), 0);
    ck_assert (json_object_array_length (qs_json_get (reply, "conversations", json_type_array)) >= 2);
    json_object_put (reply);

    /* the REST gateway works over the same secured bus */
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (s_h), "/api/v1/recommendations", token, NULL, NULL), 200);

    qsc_client_destroy (&client);
    qsc_events_destroy (&events);
    free (token);
    free (globex);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("client_e2e");
    TCase *tc = tcase_create ("secured_suite");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 240);
    tcase_add_test (tc, test_integration_drives_the_real_suite);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
