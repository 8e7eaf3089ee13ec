/*  qs_gw_test_worker - stands in for the services behind the gateway in its
    integration test. Registers as service argv[1] (default "workflow") with
    every op of the gateway's route table for that service, answering with an
    echo of what reached it: {"op","body","sub","org_id","tier","has_token",
    "request_id","traceparent"}. A few message/id values act as triggers:
      chat "stream"       partials intent, step, debug (not for clients), token x2
      chat "stream-slow"  one step, then waits 700 ms before the final reply
      chat "stream-long"  a token every 50 ms until cancelled (then writes
                          $QS_TEST_MARKER_DIR/cancelled-<request id>)
      chat "fail"         a 422 error
      chat "stream-fail"  one step, then a 422 error
      conversation_get "slow"  sleeps until cancelled or 10 s
      conversation_delete      204
    Readiness: as workflow or knowledge it reports its store like the real
    services do, by pinging the database at QS_STORE_URL (qs_db). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qs_db.h"
#include "qs_env.h"
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include "qs_worker.h"

static json_object *
s_echo_body (qs_req_t *req)
{
    json_object *reply = json_object_new_object ();
    const qs_auth_t *auth = qs_req_auth (req);
    qs_json_add_str (reply, "op", qs_req_op (req));
    json_object_object_add (reply, "body", json_object_get (qs_req_body (req)));
    qs_json_add_str (reply, "sub", auth->sub);
    qs_json_add_str (reply, "org_id", auth->org_id);
    qs_json_add_str (reply, "tier", auth->tier);
    qs_json_add_int (reply, "roles", auth->roles);
    qs_json_add_bool (reply, "has_token", auth->token[0] != 0);
    qs_json_add_str (reply, "request_id", qs_req_id (req));
    qs_json_add_str (reply, "traceparent", qs_req_traceparent (req));
    return reply;
}

static int
s_partial (qs_req_t *req, const char *event, const char *key, const char *value)
{
    json_object *data = json_object_new_object ();
    qs_json_add_str (data, key, value);
    return qs_req_partial (req, event, &data);
}

static int
s_chat (qs_req_t *req, void *arg)
{
    (void) arg;
    const char *msg = qs_json_str (qs_req_body (req), "message", "");
    if (!strcmp (msg, "fail"))
        return qs_req_fail (req, 422, "invalid_input", "failing on purpose");
    if (!strcmp (msg, "stream-fail")) {
        s_partial (req, "step", "step", "about to fail");
        return qs_req_fail (req, 422, "invalid_input", "failing after a step");
    }
    if (!strcmp (msg, "stream")) {
        s_partial (req, "intent", "intent", "general_question");
        s_partial (req, "step", "step", "thinking");
        s_partial (req, "debug", "secret", "not for clients");
        s_partial (req, "token", "text", "Hel");
        s_partial (req, "token", "text", "lo\nthere");
    }
    else
    if (!strcmp (msg, "stream-slow")) {
        s_partial (req, "step", "step", "waiting");
        usleep (700 * 1000);
    }
    else
    if (!strcmp (msg, "stream-long")) {
        for (int i = 0; i < 400; i++) {
            if (s_partial (req, "token", "text", "x") != 0 || qs_req_cancelled (req)) {
                qs_harness_marker ("cancelled", qs_req_id (req));
                return qs_req_fail (req, 504, "deadline_exceeded", "cancelled");
            }
            usleep (50 * 1000);
        }
    }
    json_object *reply = s_echo_body (req);
    qs_json_add_str (reply, "conversation_id", "conv-1");
    qs_json_add_str (reply, "message", "Hello there");
    return qs_req_reply (req, &reply);
}

static int
s_echo (qs_req_t *req, void *arg)
{
    (void) arg;
    const char *op = qs_req_op (req);
    const char *id = qs_json_str (qs_req_body (req), "id", "");
    if (!strcmp (op, "conversation_get") && !strcmp (id, "slow")) {
        int64_t until = qs_mono_ms () + 10000;
        while (qs_mono_ms () < until && !qs_req_cancelled (req))
            usleep (5000);
        qs_harness_marker ("cancelled", qs_req_id (req));
        return qs_req_fail (req, 504, "deadline_exceeded", "slow on purpose");
    }
    if (!strcmp (op, "conversation_delete") || !strcmp (op, "delete_document"))
        return qs_req_reply_status (req, 204, NULL);
    json_object *reply = s_echo_body (req);
    if (!strcmp (op, "add_document"))
        return qs_req_reply_status (req, 201, &reply);
    return qs_req_reply (req, &reply);
}

static void
s_ready (json_object *checks, void *arg)
{
    qs_err_t err = {0};
    qs_worker_check_add (checks, "store", qs_db_ping (arg, &err), err.message);
}

int
main (int argc, char *argv[])
{
    qs_log_init ("qs-gw-test-worker");
    const char *service = argc > 1 ? argv[1] : "workflow";
    qs_worker_config_t config = { .service = service, .threads = 4 };
    qs_worker_t *worker = qs_worker_new (&config);
    if (!worker)
        return EXIT_FAILURE;
    qs_err_t err = {0};
    qs_db_t *db = NULL;
    if (!strcmp (service, "workflow") || !strcmp (service, "knowledge")) {
        db = qs_db_new (qs_env_str ("QS_STORE_URL", ""), &err);
        if (!db) {
            qs_error (NULL, "test worker: store: %s", err.message);
            qs_worker_destroy (&worker);
            return EXIT_FAILURE;
        }
        qs_worker_set_ready (worker, s_ready, db);
    }
    if (!strcmp (service, "workflow")) {
        qs_worker_add_op (worker, "chat", s_chat, NULL);
        const char *ops[] = { "conversations_list", "conversation_get", "conversation_delete",
                              "action_confirm", "action_cancel", "recommendations" };
        for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
            qs_worker_add_op (worker, ops[i], s_echo, NULL);
    }
    else {
        const char *ops[] = { "search", "add_document", "delete_document" };
        for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
            qs_worker_add_op (worker, ops[i], s_echo, NULL);
    }
    int rc = qs_worker_run (worker);
    qs_worker_destroy (&worker);
    qs_db_destroy (&db);
    return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
