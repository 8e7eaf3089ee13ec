/*  Integration tests: the real quickspin-broker and qs_test_worker processes
    on loopback, driven through qs_client and a raw DEALER socket. */
#include "../qs_test.h"
#include <czmq.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "qs_client.h"
#include "qs_envelope.h"
#include "qs_harness.h"
#include "qs_http.h"
#include "qs_json.h"
#include "qs_util.h"

/* fast heartbeats so dead workers go within ~1 s; liveness 5 so a loaded
   2-core CI machine does not drop live peers */
#define S_HB "QS_BROKER_HEARTBEAT_MS=200", "QS_WORKER_HEARTBEAT_MS=200", \
             "QS_BROKER_LIVENESS=5", "QS_WORKER_LIVENESS=5"
static const char *const s_fast [] = { S_HB, "QS_SHUTDOWN_GRACE_MS=2000", NULL };

/*  A broker with env (its workers get it too). */
static qs_harness_t *
s_bus (const char *const *env)
{
    qs_harness_t *h = qs_harness_new (&(qs_harness_spec_t) { .brokers = 1, .env = env });
    ck_assert_ptr_nonnull (h);
    return h;
}

/*  A test worker for service with threads handler threads. */
#define S_WORKER(h, service, threads, env_) \
    qs_harness_add ((h), &(qs_harness_workers_t) { .kind = (service), \
        .bin = "tests/bus/qs_test_worker", .args = (const char *[]) { (service), (threads), NULL }, \
        .env = (env_) })

static int
s_call (qs_client_t *client, const char *service, const char *op, const char *body_json,
        int timeout_ms, json_object **reply, qs_err_t *err)
{
    json_object *body = body_json ? json_tokener_parse (body_json) : NULL;
    qs_auth_t auth = {0};
    qs_strlcpy (auth.sub, "user-1", sizeof auth.sub);
    qs_strlcpy (auth.org_id, "org-1", sizeof auth.org_id);
    qs_strlcpy (auth.token, "header.payload.sig", sizeof auth.token);
    qs_call_t call = {
        .service = service, .op = op, .request_id = "rid-test",
        .deadline_ms = qs_now_ms () + timeout_ms, .auth = &auth, .body = body
    };
    qs_err_clear (err);
    int rc = qs_client_call (client, &call, reply, err, NULL, NULL);
    json_object_put (body);
    return rc;
}

/*  GET url through the one HTTP client (common/http), retried while the
    listener starts; the body as a new string (caller frees) or NULL. */
static char *
s_http_get (const char *url)
{
    qs_http_t *http = qs_http_new ();
    qs_http_req_t req = {.method = "GET", .url = url, .accept = "text/plain", .timeout_ms = 2000};
    char *text = NULL;
    for (int i = 0; i < 20 && !text; i++) {
        qs_http_resp_t resp = {0};
        if (qs_http_perform (http, &req, &resp) == 0 && resp.status == 200 && resp.body)
            text = strdup (resp.body);
        else
            usleep (100000);
        qs_http_resp_clear (&resp);
    }
    qs_http_destroy (&http);
    return text;
}

static void
s_stop_ok (qs_proc_t *proc)
{
    int status = qs_proc_stop (proc, SIGTERM, 8000);
    ck_assert_msg (status == 0, "%s did not exit cleanly (status %d)", qs_proc_name (proc), status);
}

/*  The end of a test: the client goes, every process still running must
    exit cleanly on SIGTERM. */
static void
s_finish (qs_harness_t **h_p, qs_client_t **client_p)
{
    qs_client_destroy (client_p);
    ck_assert_int_eq (qs_harness_stop (*h_p), 0);
    qs_harness_destroy (h_p);
}

START_TEST (test_whole_path)
{
    char broker_metrics [64], worker_metrics [64];
    int broker_port = qs_free_port (), worker_port = qs_free_port ();
    snprintf (broker_metrics, sizeof broker_metrics, "QS_METRICS_ADDR=127.0.0.1:%d", broker_port);
    snprintf (worker_metrics, sizeof worker_metrics, "QS_METRICS_ADDR=127.0.0.1:%d", worker_port);
    const char *broker_env [] = { broker_metrics, S_HB, NULL };
    const char *worker_env [] = { worker_metrics, S_HB, NULL };
    qs_harness_t *h = s_bus (broker_env);
    ck_assert_ptr_nonnull (S_WORKER (h, "alpha", "2", worker_env));
    qs_client_t *client = qs_client_new (qs_harness_bus (h));
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "alpha", 2, 5000), 2);
    ck_assert_int_eq (qs_client_discover (client, "nobody", 500), 0);

    json_object *reply = NULL;
    qs_err_t err;
    ck_assert_int_eq (s_call (client, "alpha", "echo", "{\"x\":42}", 2000, &reply, &err), 200);
    ck_assert_int_eq ((int) qs_json_int (qs_json_get (reply, "echo", json_type_object), "x", 0), 42);
    ck_assert_str_eq (qs_json_str (reply, "sub", ""), "user-1");
    ck_assert (qs_json_bool (reply, "has_token", false));
    ck_assert_str_eq (qs_json_str (reply, "request_id", ""), "rid-test");
    ck_assert (qs_traceparent_valid (qs_json_str (reply, "traceparent", "")));
    json_object_put (reply);
    reply = NULL;

    ck_assert_int_eq (s_call (client, "alpha", "ping", NULL, 2000, &reply, &err), 200);
    ck_assert (qs_json_bool (reply, "pong", false));
    json_object_put (reply);
    reply = NULL;

    /* a nested call: the worker calls its own service through the broker */
    ck_assert_int_eq (s_call (client, "alpha", "call",
                              "{\"service\":\"alpha\",\"op\":\"echo\",\"body\":{\"y\":1}}",
                              3000, &reply, &err), 200);
    json_object *nested = qs_json_get (reply, "nested", json_type_object);
    ck_assert_str_eq (qs_json_str (nested, "sub", ""), "user-1");
    ck_assert_str_eq (qs_json_str (nested, "request_id", ""), "rid-test");
    json_object_put (reply);
    reply = NULL;

    ck_assert_int_eq (s_call (client, "alpha", "fail", "{\"status\":409}", 2000, &reply, &err), -1);
    ck_assert_int_eq (err.status, 409);
    ck_assert_str_eq (err.code, "conflict");
    ck_assert_int_eq (s_call (client, "alpha", "nope", NULL, 2000, &reply, &err), -1);
    ck_assert_int_eq (err.status, 404);
    int64_t t0 = qs_mono_ms ();
    ck_assert_int_eq (s_call (client, "never-seen", "echo", NULL, 2000, &reply, &err), -1);
    ck_assert_int_eq (err.status, 503);
    ck_assert_str_eq (err.code, "service_unavailable");
    ck_assert (qs_mono_ms () - t0 < 500);      /* at once, not at the deadline */

    json_object *status = qs_client_broker_status (client, 1000);
    ck_assert (status != NULL);
    json_object *alpha = qs_json_path (status, "services.alpha");
    ck_assert_int_eq ((int) qs_json_int (alpha, "workers", -1), 2);
    ck_assert_int_eq ((int) qs_json_int (alpha, "queued", -1), 0);
    json_object_put (status);

    /* Prometheus listeners of both processes */
    char url [96];
    snprintf (url, sizeof url, "http://127.0.0.1:%d/metrics", worker_port);
    char *text = s_http_get (url);
    ck_assert_msg (text != NULL, "no worker metrics");
    ck_assert_msg (strstr (text, "qs_worker_requests_total{service=\"alpha\",op=\"echo\",status=\"200\"}"), "%s", text);
    ck_assert (strstr (text, "qs_worker_requests_total{service=\"alpha\",op=\"unknown\",status=\"404\"}"));
    ck_assert (strstr (text, "qs_worker_errors_total{service=\"alpha\",op=\"fail\"} 1"));
    ck_assert (strstr (text, "qs_worker_handler_seconds_bucket{service=\"alpha\",op=\"echo\""));
    ck_assert (!strstr (text, "header.payload.sig"));
    free (text);
    snprintf (url, sizeof url, "http://127.0.0.1:%d/metrics", broker_port);
    text = s_http_get (url);
    ck_assert_msg (text != NULL, "no broker metrics");
    ck_assert_msg (strstr (text, "qs_broker_workers{service=\"alpha\"} 2"), "%s", text);
    ck_assert (strstr (text, "qs_broker_queue_depth{service=\"alpha\"} 0"));
    ck_assert (strstr (text, "qs_broker_requests_total{service=\"alpha\"}"));
    ck_assert (strstr (text, "qs_broker_errors_total{service=\"never-seen\",code=\"service_unavailable\"} 1"));
    free (text);

    s_finish (&h, &client);
}
END_TEST

START_TEST (test_worker_killed)
{
    qs_harness_t *h = s_bus (s_fast);
    qs_proc_t *a = S_WORKER (h, "beta", "1", s_fast);
    qs_proc_t *b = S_WORKER (h, "beta", "1", s_fast);
    qs_proc_t *c = S_WORKER (h, "beta", "1", s_fast);
    qs_client_t *client = qs_client_new (qs_harness_bus (h));
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "beta", 3, 5000), 3);
    /* LRU dispatch: consecutive requests rotate over the three */
    bool seen_a = false, seen_b = false, seen_c = false;
    for (int i = 0; i < 6; i++) {
        json_object *reply = NULL;
        qs_err_t err;
        ck_assert_int_eq (s_call (client, "beta", "echo", NULL, 2000, &reply, &err), 200);
        pid_t pid = (pid_t) qs_json_int (reply, "pid", 0);
        seen_a |= pid == qs_proc_pid (a);
        seen_b |= pid == qs_proc_pid (b);
        seen_c |= pid == qs_proc_pid (c);
        json_object_put (reply);
    }
    ck_assert (seen_a && seen_b && seen_c);

    /* two of three die at once */
    qs_proc_stop (a, SIGKILL, 2000);
    qs_proc_stop (c, SIGKILL, 2000);
    usleep (100000);            /* the kernel closes its connections */
    int ok = 0;
    for (int i = 0; i < 12; i++) {
        json_object *reply = NULL;
        qs_err_t err;
        int64_t t0 = qs_mono_ms ();
        int rc = s_call (client, "beta", "echo", NULL, 800, &reply, &err);
        int64_t took = qs_mono_ms () - t0;
        ck_assert_msg (took < 800 + 150, "call %d took %lld ms", i, (long long) took);
        if (rc == 200) {
            ck_assert_int_eq ((int) qs_json_int (reply, "pid", 0), qs_proc_pid (b));
            ok++;
        }
        else
            ck_assert_msg (err.status == 503 || err.status == 504, "status %d", err.status);
        json_object_put (reply);
    }
    /* the broker notices the dead connection on the first dispatch to it
       (mandatory routing) and hands that request to the live worker */
    ck_assert_int_eq (ok, 12);
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "beta", 1, 3000), 1);

    s_finish (&h, &client);
}
END_TEST

START_TEST (test_broker_restart)
{
    qs_harness_t *h = s_bus (s_fast);
    ck_assert_ptr_nonnull (S_WORKER (h, "gamma", "1", s_fast));
    ck_assert_ptr_nonnull (S_WORKER (h, "gamma", "2", s_fast));
    qs_client_t *client = qs_client_new (qs_harness_bus (h));
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "gamma", 3, 5000), 3);

    s_stop_ok (qs_harness_proc (h, "broker"));
    /* no broker: a call fails by its deadline, never later */
    json_object *reply = NULL;
    qs_err_t err;
    int64_t t0 = qs_mono_ms ();
    ck_assert_int_eq (s_call (client, "gamma", "echo", NULL, 300, &reply, &err), -1);
    ck_assert (err.status == 503 || err.status == 504);
    ck_assert (qs_mono_ms () - t0 < 300 + 150);

    ck_assert_ptr_nonnull (qs_harness_restart (h, "broker"));
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "gamma", 3, 5000), 3);
    ck_assert_int_eq (s_call (client, "gamma", "echo", "{}", 2000, &reply, &err), 200);
    json_object_put (reply);

    /* and a hard broker crash (no DISCONNECT sent): workers notice by heartbeat */
    qs_proc_stop (qs_harness_proc (h, "broker"), SIGKILL, 2000);
    ck_assert_ptr_nonnull (qs_harness_restart (h, "broker"));
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "gamma", 3, 5000), 3);
    reply = NULL;
    ck_assert_int_eq (s_call (client, "gamma", "ping", NULL, 2000, &reply, &err), 200);
    json_object_put (reply);

    s_finish (&h, &client);
}
END_TEST

/* ---- raw protocol helpers ---- */

static void
s_raw_request (zsock_t *dealer, const char *call_id, const char *service, const char *op,
               const char *body_json, int timeout_ms, const char *request_id)
{
    qs_envelope_t env = {0};
    qs_strlcpy (env.call_id, call_id, sizeof env.call_id);
    qs_strlcpy (env.request_id, request_id ? request_id : call_id, sizeof env.request_id);
    env.deadline_ms = qs_now_ms () + timeout_ms;
    qs_strlcpy (env.service, service, sizeof env.service);
    qs_strlcpy (env.op, op, sizeof env.op);
    env.body = body_json ? json_tokener_parse (body_json) : NULL;
    zmsg_t *msg = zmsg_new ();
    ck_assert_int_eq (qs_envelope_encode (&env, msg), 0);
    qs_envelope_clear (&env);
    qs_bus_header_push (msg, QS_BUS_CLIENT, QS_CMD_REQUEST);
    zmsg_send (&msg, dealer);
}

/*  Receive one FINAL within timeout: its call id and status. 0 or -1. */
static int
s_raw_final (zsock_t *dealer, int timeout_ms, char *call_id, size_t size, int *status)
{
    zsock_set_rcvtimeo (dealer, timeout_ms);
    while (true) {
        zmsg_t *msg = zmsg_recv (dealer);
        if (!msg)
            return -1;
        int cmd = qs_bus_header_pop (msg, QS_BUS_CLIENT);
        if (cmd == QS_CMD_FINAL) {
            qs_bus_pop_str (msg, call_id, size);
            char text [8] = "";
            qs_bus_pop_str (msg, text, sizeof text);
            *status = atoi (text);
            zmsg_destroy (&msg);
            return 0;
        }
        zmsg_destroy (&msg);
    }
}

START_TEST (test_overloaded_and_deadlines)
{
    const char *env [] = { "QS_BROKER_QUEUE_LIMIT=2", S_HB, NULL };
    qs_harness_t *h = s_bus (env);
    qs_proc_t *worker = S_WORKER (h, "delta", "1", env);
    qs_client_t *client = qs_client_new (qs_harness_bus (h));
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "delta", 1, 5000), 1);

    zsock_t *dealer = zsock_new_dealer (qs_harness_bus (h));
    zsock_set_linger (dealer, 0);
    /* 1 runs, 2 and 3 queue, 4 finds the queue full */
    s_raw_request (dealer, "1", "delta", "sleep", "{\"ms\":600}", 5000, NULL);
    usleep (100000);
    s_raw_request (dealer, "2", "delta", "sleep", "{\"ms\":10}", 5000, NULL);
    s_raw_request (dealer, "3", "delta", "sleep", "{\"ms\":10}", 5000, NULL);
    s_raw_request (dealer, "4", "delta", "sleep", "{\"ms\":10}", 5000, NULL);
    char call_id [32];
    int status = 0;
    int64_t t0 = qs_mono_ms ();
    ck_assert_int_eq (s_raw_final (dealer, 2000, call_id, sizeof call_id, &status), 0);
    ck_assert_str_eq (call_id, "4");
    ck_assert_int_eq (status, 503);
    ck_assert (qs_mono_ms () - t0 < 300);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq (s_raw_final (dealer, 3000, call_id, sizeof call_id, &status), 0);
        ck_assert_int_eq (status, 200);
        ck_assert_int_eq (atoi (call_id), i + 1);        /* FIFO */
    }
    /* the client maps overloaded the same way */
    s_raw_request (dealer, "5", "delta", "sleep", "{\"ms\":800}", 5000, NULL);
    s_raw_request (dealer, "6", "delta", "sleep", "{\"ms\":1}", 5000, NULL);
    s_raw_request (dealer, "7", "delta", "sleep", "{\"ms\":1}", 5000, NULL);
    usleep (100000);
    json_object *reply = NULL;
    qs_err_t err;
    ck_assert_int_eq (s_call (client, "delta", "echo", NULL, 2000, &reply, &err), -1);
    ck_assert_int_eq (err.status, 503);
    ck_assert_str_eq (err.code, "overloaded");
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq (s_raw_final (dealer, 3000, call_id, sizeof call_id, &status), 0);

    /* a running request past its deadline: 504 at the deadline */
    t0 = qs_mono_ms ();
    ck_assert_int_eq (s_call (client, "delta", "sleep", "{\"ms\":3000}", 300, &reply, &err), -1);
    int64_t took = qs_mono_ms () - t0;
    ck_assert_int_eq (err.status, 504);
    ck_assert_str_eq (err.code, "deadline_exceeded");
    ck_assert_msg (took >= 250 && took < 600, "took %lld", (long long) took);
    /* a queued request past its deadline is answered 504 and never run */
    s_raw_request (dealer, "8", "delta", "sleep", "{\"ms\":700}", 5000, NULL);
    usleep (50000);
    t0 = qs_mono_ms ();
    ck_assert_int_eq (s_call (client, "delta", "echo", NULL, 200, &reply, &err), -1);
    ck_assert_int_eq (err.status, 504);
    ck_assert (qs_mono_ms () - t0 < 500);
    ck_assert_int_eq (s_raw_final (dealer, 3000, call_id, sizeof call_id, &status), 0);
    ck_assert_str_eq (call_id, "8");
    /* a handler longer than the heartbeat liveness (5 x 200 ms) is not dropped */
    ck_assert_int_eq (s_call (client, "delta", "sleep", "{\"ms\":2000}", 5000, &reply, &err), 200);
    ck_assert_int_eq ((int) qs_json_int (reply, "pid", 0), qs_proc_pid (worker));
    json_object_put (reply);
    ck_assert_int_eq (qs_client_discover (client, "delta", 1000), 1);

    /* SIGTERM with a request in flight: it finishes, then the worker leaves */
    s_raw_request (dealer, "9", "delta", "sleep", "{\"ms\":600}", 5000, NULL);
    usleep (150000);
    qs_proc_signal (worker, SIGTERM);
    ck_assert_int_eq (s_raw_final (dealer, 3000, call_id, sizeof call_id, &status), 0);
    ck_assert_str_eq (call_id, "9");
    ck_assert_int_eq (status, 200);
    int exit_status = qs_proc_stop (worker, 0, 8000);     /* wait, no second signal */
    ck_assert_msg (exit_status == 0, "worker exit status %d", exit_status);
    ck_assert_int_eq (qs_client_discover (client, "delta", 1000), 0);

    zsock_destroy (&dealer);
    s_finish (&h, &client);
}
END_TEST

typedef struct {
    int count;
    int last;
    bool in_order;
    int cancel_after;
} s_stream_t;

static int
s_on_partial (const char *event, json_object *data, void *arg)
{
    s_stream_t *stream = (s_stream_t *) arg;
    int i = (int) qs_json_int (data, "i", -1);
    if (strcmp (event, "tick") != 0 || i != stream->last + 1)
        stream->in_order = false;
    stream->last = i;
    stream->count++;
    return stream->cancel_after && stream->count >= stream->cancel_after ? -1 : 0;
}

static bool
s_wait_file (const char *path, int timeout_ms)
{
    int64_t until = qs_mono_ms () + timeout_ms;
    while (qs_mono_ms () < until) {
        if (access (path, F_OK) == 0)
            return true;
        usleep (20000);
    }
    return false;
}

START_TEST (test_stream_and_cancel)
{
    char dir [] = "/tmp/qs-bus-test-XXXXXX";
    ck_assert (mkdtemp (dir) != NULL);
    char marker_env [96];
    snprintf (marker_env, sizeof marker_env, "QS_TEST_MARKER_DIR=%s", dir);
    const char *env [] = { marker_env, S_HB, NULL };
    qs_harness_t *h = s_bus (env);
    ck_assert_ptr_nonnull (S_WORKER (h, "eps", "2", env));
    qs_client_t *client = qs_client_new (qs_harness_bus (h));
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "eps", 2, 5000), 2);

    /* 50 partials in order, then the final */
    s_stream_t stream = { .last = -1, .in_order = true };
    json_object *body = json_tokener_parse ("{\"n\":50}");
    qs_call_t call = { .service = "eps", .op = "stream", .request_id = "r-stream",
                       .deadline_ms = qs_now_ms () + 3000, .body = body };
    json_object *reply = NULL;
    qs_err_t err;
    ck_assert_int_eq (qs_client_call (client, &call, &reply, &err, s_on_partial, &stream), 200);
    ck_assert_int_eq (stream.count, 50);
    ck_assert (stream.in_order);
    ck_assert_int_eq ((int) qs_json_int (reply, "count", 0), 50);
    json_object_put (reply);
    reply = NULL;
    json_object_put (body);

    /* the partial callback cancels: the worker's stream sees it */
    s_stream_t cancel = { .last = -1, .in_order = true, .cancel_after = 2 };
    body = json_tokener_parse ("{\"n\":100,\"delay_ms\":50}");
    qs_call_t call2 = { .service = "eps", .op = "stream", .request_id = "r-cancel-stream",
                        .deadline_ms = qs_now_ms () + 8000, .body = body };
    ck_assert_int_eq (qs_client_call (client, &call2, &reply, &err, s_on_partial, &cancel), -1);
    ck_assert_int_eq (err.status, 499);
    json_object_put (body);
    char path [256];
    snprintf (path, sizeof path, "%s/cancelled-r-cancel-stream", dir);
    ck_assert_msg (s_wait_file (path, 2000), "the worker never saw the cancel");
    unlink (path);

    /* a raw CANCEL of a sleeping request reaches the handler */
    zsock_t *dealer = zsock_new_dealer (qs_harness_bus (h));
    zsock_set_linger (dealer, 0);
    s_raw_request (dealer, "c1", "eps", "sleep", "{\"ms\":5000}", 8000, "r-cancel-sleep");
    usleep (200000);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, "c1");
    qs_bus_header_push (msg, QS_BUS_CLIENT, QS_CMD_CANCEL);
    zmsg_send (&msg, dealer);
    snprintf (path, sizeof path, "%s/cancelled-r-cancel-sleep", dir);
    ck_assert_msg (s_wait_file (path, 2000), "the worker never saw the raw cancel");
    unlink (path);
    /* the broker answers nothing more for a cancelled call; the worker is free again */
    ck_assert_int_eq (s_call (client, "eps", "echo", NULL, 2000, &reply, &err), 200);
    json_object_put (reply);

    zsock_destroy (&dealer);
    s_finish (&h, &client);
    rmdir (dir);
}
END_TEST

static void
s_send_frames (zsock_t *sock, const char *const *frames, size_t n)
{
    zmsg_t *msg = zmsg_new ();
    for (size_t i = 0; i < n; i++)
        zmsg_addstr (msg, frames [i]);
    zmsg_send (&msg, sock);
}

START_TEST (test_garbage)
{
    qs_harness_t *h = s_bus (s_fast);
    qs_proc_t *worker = S_WORKER (h, "zeta", "1", s_fast);
    qs_client_t *client = qs_client_new (qs_harness_bus (h));
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "zeta", 1, 5000), 1);

    zsock_t *raw = zsock_new_dealer (qs_harness_bus (h));
    zsock_set_linger (raw, 0);
    /* junk of every shape */
    const char *junk1 [] = { "hello" };
    const char *junk2 [] = { "QSC", "x", "y", "z" };
    const char *junk3 [] = { "QSW", "\x01", "\x01" };                 /* READY, no service */
    const char *junk4 [] = { "QSW", "\x01", "\x01", "bad service!" };
    const char *junk5 [] = { "QSW", "\x01", "\x04", "a", "b", "c", "d" };  /* FINAL, unknown */
    const char *junk6 [] = { "QSC", "\x01", "\x02", "1" };            /* short REQUEST */
    const char *junk7 [] = { "QSC", "\x01", "\x09" };                 /* STATUS, no id */
    const char *junk8 [] = { "QSC", "\x01", "\x7f" };
    const char *junk9 [] = { "" };
    s_send_frames (raw, junk1, 1);
    s_send_frames (raw, junk2, 4);
    s_send_frames (raw, junk3, 3);
    s_send_frames (raw, junk4, 4);
    s_send_frames (raw, junk5, 7);
    s_send_frames (raw, junk6, 4);
    s_send_frames (raw, junk7, 3);
    s_send_frames (raw, junk8, 3);
    s_send_frames (raw, junk9, 1);
    /* a registered worker that then talks nonsense is dropped */
    const char *ready [] = { "QSW", "\x01", "\x01", "zeta" };
    s_send_frames (raw, ready, 4);
    const char *bad_hb [] = { "QSW", "\x01", "\x05", "extra" };
    s_send_frames (raw, bad_hb, 4);
    /* a request with malformed fields gets a 400 FINAL */
    const char *bad_req [] = { "QSC", "\x01", "\x02", "c9", "r", "", "soon", "zeta", "echo", "", "{}" };
    s_send_frames (raw, bad_req, 11);
    /* a v2 peer is refused with DISCONNECT unsupported_version */
    zsock_t *v2 = zsock_new_dealer (qs_harness_bus (h));
    zsock_set_linger (v2, 0);
    const char *future [] = { "QSC", "\x02", "\x02", "anything" };
    s_send_frames (v2, future, 4);
    zsock_set_rcvtimeo (v2, 2000);
    zmsg_t *answer = zmsg_recv (v2);
    ck_assert (answer != NULL);
    ck_assert_int_eq (qs_bus_header_pop (answer, QS_BUS_CLIENT), QS_CMD_DISCONNECT);
    char *reason = zmsg_popstr (answer);
    ck_assert_str_eq (reason, "unsupported_version");
    zstr_free (&reason);
    zmsg_destroy (&answer);
    zsock_destroy (&v2);
    /* raw bytes that are not ZMTP at all */
    zsock_t *stream = zsock_new (ZMQ_STREAM);
    ck_assert_int_eq (zsock_connect (stream, "%s", qs_harness_bus (h)), 0);
    uint8_t id [256];
    size_t id_size = sizeof id;
    usleep (100000);
    ck_assert_int_eq (zmq_getsockopt (zsock_resolve (stream), ZMQ_ROUTING_ID, id, &id_size), 0);
    const char http [] = "GET / HTTP/1.0\r\n\r\n\xff\x00\x01garbage";
    zmq_send (zsock_resolve (stream), id, id_size, ZMQ_SNDMORE);
    zmq_send (zsock_resolve (stream), http, sizeof http, 0);
    usleep (100000);
    zsock_destroy (&stream);

    int got_400 = 0;
    zsock_set_rcvtimeo (raw, 1000);
    for (int i = 0; i < 20; i++) {
        zmsg_t *msg = zmsg_recv (raw);
        if (!msg)
            break;
        int cmd = qs_bus_header_pop (msg, QS_BUS_CLIENT);
        if (cmd == QS_CMD_FINAL) {
            char call_id [16] = "", status [8] = "";
            qs_bus_pop_str (msg, call_id, sizeof call_id);
            qs_bus_pop_str (msg, status, sizeof status);
            if (strcmp (call_id, "c9") == 0 && strcmp (status, "400") == 0)
                got_400++;
        }
        zmsg_destroy (&msg);
    }
    ck_assert_int_eq (got_400, 1);

    /* still alive and serving; the impostor worker is gone */
    ck_assert (qs_proc_alive (qs_harness_proc (h, "broker")));
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "zeta", 1, 3000), 1);
    json_object *reply = NULL;
    qs_err_t err;
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq (s_call (client, "zeta", "echo", NULL, 2000, &reply, &err), 200);
        ck_assert_int_eq ((int) qs_json_int (reply, "pid", 0), qs_proc_pid (worker));
        json_object_put (reply);
        reply = NULL;
    }
    zsock_destroy (&raw);
    s_finish (&h, &client);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_bus");
    TCase *tc = tcase_create ("integration");
    tcase_set_timeout (tc, 40);
    tcase_add_test (tc, test_whole_path);
    tcase_add_test (tc, test_worker_killed);
    tcase_add_test (tc, test_broker_restart);
    tcase_add_test (tc, test_overloaded_and_deadlines);
    tcase_add_test (tc, test_stream_and_cancel);
    tcase_add_test (tc, test_garbage);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
