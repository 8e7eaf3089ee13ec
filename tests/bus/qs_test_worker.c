/*  qs_test_worker - a worker for the bus integration tests.
    Usage: qs_test_worker [service [threads]]  (defaults: $QS_TEST_SERVICE or
    "test", 2). QS_BROKER_ENDPOINT picks the broker, QS_WORKER_HEARTBEAT_MS
    and QS_WORKER_LIVENESS the heartbeat; QS_TEST_MARKER_DIR, when
    set, receives a file "cancelled-<request id>" each time a sleep op sees a
    cancel notice, so tests can prove the notice arrived.
    Ops: echo, sleep {"ms"}, stream {"n","delay_ms"}, fail {"status","code"},
    call {"service","op","body"} (a nested call through the broker). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qs_env.h"
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include "qs_worker.h"

static int
s_echo (qs_req_t *req, void *arg)
{
    (void) arg;
    json_object *reply = json_object_new_object ();
    json_object_object_add (reply, "echo", json_object_get (qs_req_body (req)));
    qs_json_add_int (reply, "pid", getpid ());
    qs_json_add_str (reply, "request_id", qs_req_id (req));
    qs_json_add_str (reply, "sub", qs_req_auth (req)->sub);
    qs_json_add_bool (reply, "has_token", qs_req_auth (req)->token [0] != 0);
    qs_json_add_str (reply, "traceparent", qs_req_traceparent (req));
    return qs_req_reply (req, &reply);
}

static int
s_sleep (qs_req_t *req, void *arg)
{
    (void) arg;
    int64_t ms = qs_json_int (qs_req_body (req), "ms", 100);
    int64_t until = qs_mono_ms () + ms;
    while (qs_mono_ms () < until) {
        if (qs_req_cancelled (req)) {
            qs_harness_marker ("cancelled", qs_req_id (req));
            return qs_req_fail (req, 504, "deadline_exceeded", "cancelled while sleeping");
        }
        usleep (5000);
    }
    json_object *reply = json_object_new_object ();
    qs_json_add_int (reply, "slept", ms);
    qs_json_add_int (reply, "pid", getpid ());
    return qs_req_reply (req, &reply);
}

static int
s_stream (qs_req_t *req, void *arg)
{
    (void) arg;
    int64_t n = qs_json_int (qs_req_body (req), "n", 3);
    int64_t delay = qs_json_int (qs_req_body (req), "delay_ms", 0);
    for (int64_t i = 0; i < n; i++) {
        json_object *data = json_object_new_object ();
        qs_json_add_int (data, "i", i);
        if (qs_req_partial (req, "tick", &data) != 0) {
            qs_harness_marker ("cancelled", qs_req_id (req));
            return qs_req_fail (req, 504, "deadline_exceeded", "cancelled while streaming");
        }
        if (delay > 0)
            usleep ((useconds_t) delay * 1000);
    }
    json_object *reply = json_object_new_object ();
    qs_json_add_int (reply, "count", n);
    return qs_req_reply (req, &reply);
}

static int
s_fail (qs_req_t *req, void *arg)
{
    (void) arg;
    int status = (int) qs_json_int (qs_req_body (req), "status", 500);
    const char *code = qs_json_str (qs_req_body (req), "code", NULL);
    return qs_req_fail (req, status, code, "failing on purpose with %d", status);
}

static int
s_call (qs_req_t *req, void *arg)
{
    (void) arg;
    json_object *body = qs_req_body (req);
    json_object *reply = NULL;
    qs_err_t err;
    if (qs_req_call (req, qs_json_str (body, "service", "test"), qs_json_str (body, "op", "ping"),
                     qs_json_get (body, "body", json_type_object), &reply, &err, NULL, NULL) != 0)
        return qs_req_fail_err (req, &err);
    json_object *outer = json_object_new_object ();
    json_object_object_add (outer, "nested", reply ? reply : json_object_new_object ());
    return qs_req_reply (req, &outer);
}

int
main (int argc, char *argv [])
{
    qs_log_init ("qs-test-worker");
    qs_worker_config_t config = {
        .service = argc > 1 ? argv [1] : qs_env_str ("QS_TEST_SERVICE", "test"),
        .threads = argc > 2 ? atoi (argv [2]) : 2,
        .heartbeat_ms = 0
    };
    long heartbeat = 0;
    qs_env_int ("QS_WORKER_HEARTBEAT_MS", 0, 0, 60000, &heartbeat);
    config.heartbeat_ms = (int) heartbeat;
    long liveness = 0;
    qs_env_int ("QS_WORKER_LIVENESS", 0, 0, 100, &liveness);
    config.liveness = (int) liveness;
    qs_worker_t *worker = qs_worker_new (&config);
    if (!worker)
        return EXIT_FAILURE;
    qs_worker_add_op (worker, "echo", s_echo, NULL);
    qs_worker_add_op (worker, "sleep", s_sleep, NULL);
    qs_worker_add_op (worker, "stream", s_stream, NULL);
    qs_worker_add_op (worker, "fail", s_fail, NULL);
    qs_worker_add_op (worker, "call", s_call, NULL);
    int rc = qs_worker_run (worker);
    qs_worker_destroy (&worker);
    return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
