/*  Integration tests in one process: the embedded broker (as the gateway
    runs it), an in-process worker runtime and clients on loopback TCP.
    Covers graceful stop: in-flight work finishes, deregistration is
    immediate, and a handler past the grace period is answered 503 and
    its nested calls given up. */
#include "../qs_test.h"
#include <czmq.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include "qs_broker.h"
#include "qs_client.h"
#include "qs_json.h"
#include "qs_util.h"
#include "qs_worker.h"

static int
s_slow (qs_req_t *req, void *arg)
{
    (void) arg;
    int64_t until = qs_mono_ms () + qs_json_int (qs_req_body (req), "ms", 300);
    while (qs_mono_ms () < until) {
        if (qs_req_cancelled (req))
            return qs_req_fail (req, 504, "deadline_exceeded", "cancelled");
        usleep (5000);
    }
    json_object *reply = json_object_new_object ();
    qs_json_add_bool (reply, "done", true);
    return qs_req_reply (req, &reply);
}

/*  Calls its own service: with one handler thread (busy here) the broker
    queues the call until the deadline. */
static int
s_nested (qs_req_t *req, void *arg)
{
    (void) arg;
    json_object *body = json_object_new_object (), *reply = NULL;
    qs_err_t err;
    int rc = qs_req_call (req, "inproc", "slow", body, &reply, &err, NULL, NULL);
    json_object_put (body);
    if (rc != 0)
        return qs_req_fail_err (req, &err);
    return qs_req_reply (req, &reply);
}

typedef struct {
    const char *endpoint;
    const char *op;                 /* NULL = "slow" */
    int ms;
    int rc;
    qs_err_t err;
    int64_t took;
} s_job_t;

static void *
s_caller (void *arg)
{
    s_job_t *job = (s_job_t *) arg;
    qs_client_t *client = qs_client_new (job->endpoint);
    json_object *body = json_object_new_object ();
    qs_json_add_int (body, "ms", job->ms);
    qs_call_t call = { .service = "inproc", .op = job->op ? job->op : "slow", .request_id = "r1",
                       .deadline_ms = qs_now_ms () + 5000, .body = body };
    json_object *reply = NULL;
    int64_t t0 = qs_mono_ms ();
    job->rc = qs_client_call (client, &call, &reply, &job->err, NULL, NULL);
    job->took = qs_mono_ms () - t0;
    json_object_put (reply);
    json_object_put (body);
    qs_client_destroy (&client);
    return NULL;
}

static qs_worker_t *
s_worker (const char *endpoint)
{
    qs_worker_config_t config = { .endpoint = endpoint, .service = "inproc", .threads = 1, .liveness = 5,
                                  .heartbeat_ms = 200 };
    qs_worker_t *worker = qs_worker_new (&config);
    ck_assert (worker != NULL);
    ck_assert_int_eq (qs_worker_add_op (worker, "slow", s_slow, NULL), 0);
    ck_assert_int_eq (qs_worker_add_op (worker, "nested", s_nested, NULL), 0);
    ck_assert_int_eq (qs_worker_start (worker), 0);
    return worker;
}

/*  Runs job in a thread, stops the worker with grace_ms after_us into it
    and waits for the job. Returns how long the stop took (ms). */
static int64_t
s_stop_during (qs_worker_t *worker, int grace_ms, s_job_t *job, useconds_t after_us)
{
    pthread_t thread;
    pthread_create (&thread, NULL, s_caller, job);
    usleep (after_us);
    int64_t t0 = qs_mono_ms ();
    qs_worker_stop (worker, grace_ms);
    int64_t took = qs_mono_ms () - t0;
    pthread_join (thread, NULL);
    return took;
}

static int
s_wait_workers (qs_client_t *client, int want)
{
    int count = -1;
    for (int i = 0; i < 100 && count != want; i++) {
        count = qs_client_discover (client, "inproc", 200);
        if (count != want)
            usleep (20000);
    }
    return count;
}

START_TEST (test_embedded_bind)
{
    qs_metrics_t *metrics = qs_metrics_new ();
    qs_broker_config_t config = { .endpoint = "tcp://127.0.0.1:*", .metrics = metrics };
    qs_broker_t *broker = qs_broker_new (&config);
    ck_assert (broker != NULL);
    const char *endpoint = qs_broker_endpoint (broker);
    ck_assert (strncmp (endpoint, "tcp://127.0.0.1:", 16) == 0);
    ck_assert (strcmp (endpoint, "tcp://127.0.0.1:*") != 0);
    /* the same endpoint twice cannot bind */
    qs_broker_config_t again = { .endpoint = endpoint };
    ck_assert (qs_broker_new (&again) == NULL);
    qs_broker_config_t none = { .endpoint = NULL };
    ck_assert (qs_broker_new (&none) == NULL);
    qs_broker_destroy (&broker);
    ck_assert (broker == NULL);
    qs_broker_destroy (&broker);
    qs_metrics_destroy (&metrics);
}
END_TEST

START_TEST (test_graceful_stop_finishes_in_flight)
{
    qs_broker_config_t config = { .endpoint = "tcp://127.0.0.1:*", .heartbeat_ms = 200, .liveness = 5 };
    qs_broker_t *broker = qs_broker_new (&config);
    ck_assert (broker != NULL);
    qs_worker_t *worker = s_worker (qs_broker_endpoint (broker));
    qs_client_t *client = qs_client_new (qs_broker_endpoint (broker));
    ck_assert_int_eq (s_wait_workers (client, 1), 1);

    s_job_t job = { .endpoint = qs_broker_endpoint (broker), .ms = 500 };
    int64_t stop_took = s_stop_during (worker, 3000, &job, 150000);
    ck_assert_int_eq (job.rc, 200);                 /* in-flight work finished */
    ck_assert_msg (stop_took < 1500, "stop took %lld", (long long) stop_took);
    /* deregistered at once, not after the heartbeat timeout */
    ck_assert_int_eq (qs_client_discover (client, "inproc", 500), 0);

    qs_worker_destroy (&worker);
    qs_client_destroy (&client);
    qs_broker_destroy (&broker);
}
END_TEST

START_TEST (test_grace_expires)
{
    qs_broker_config_t config = { .endpoint = "tcp://127.0.0.1:*", .heartbeat_ms = 200, .liveness = 5 };
    qs_broker_t *broker = qs_broker_new (&config);
    qs_worker_t *worker = s_worker (qs_broker_endpoint (broker));
    qs_client_t *client = qs_client_new (qs_broker_endpoint (broker));
    ck_assert_int_eq (s_wait_workers (client, 1), 1);

    s_job_t job = { .endpoint = qs_broker_endpoint (broker), .ms = 4000 };
    s_stop_during (worker, 200, &job, 150000);
    ck_assert_int_eq (job.rc, -1);
    ck_assert_int_eq (job.err.status, 503);
    ck_assert_str_eq (job.err.code, "service_unavailable");
    ck_assert_msg (job.took < 1500, "took %lld", (long long) job.took);

    /* a restarted runtime registers again and serves */
    ck_assert_int_eq (qs_worker_start (worker), 0);
    ck_assert_int_eq (s_wait_workers (client, 1), 1);
    job.ms = 10;
    s_caller (&job);
    ck_assert_int_eq (job.rc, 200);
    qs_worker_destroy (&worker);        /* stops it */
    qs_client_destroy (&client);
    qs_broker_destroy (&broker);
}
END_TEST

START_TEST (test_grace_ends_nested_call)
{
    /*  a handler waiting on another call (here queued for a worker that
        never comes free; in a shutdown, a broker already gone) must not
        hold the stop past the grace until its deadline */
    qs_broker_config_t config = { .endpoint = "tcp://127.0.0.1:*", .heartbeat_ms = 200, .liveness = 5,
                                  .no_worker_grace_ms = 10000 };
    qs_broker_t *broker = qs_broker_new (&config);
    qs_worker_t *worker = s_worker (qs_broker_endpoint (broker));
    qs_client_t *client = qs_client_new (qs_broker_endpoint (broker));
    ck_assert_int_eq (s_wait_workers (client, 1), 1);

    s_job_t job = { .endpoint = qs_broker_endpoint (broker), .op = "nested" };
    int64_t stop_took = s_stop_during (worker, 200, &job, 300000);
    ck_assert_msg (stop_took < 1500, "stop took %lld ms", (long long) stop_took);
    ck_assert_int_eq (job.rc, -1);
    ck_assert_int_eq (job.err.status, 503);
    ck_assert_msg (job.took < 2000, "the call took %lld ms", (long long) job.took);
    qs_worker_destroy (&worker);
    qs_client_destroy (&client);
    qs_broker_destroy (&broker);
}
END_TEST

START_TEST (test_queue_waits_for_worker)
{
    /* within the grace a request waits for a worker that comes back */
    qs_broker_config_t config = { .endpoint = "tcp://127.0.0.1:*", .heartbeat_ms = 200, .liveness = 5,
                                  .no_worker_grace_ms = 3000 };
    qs_broker_t *broker = qs_broker_new (&config);
    qs_worker_t *worker = s_worker (qs_broker_endpoint (broker));
    qs_client_t *client = qs_client_new (qs_broker_endpoint (broker));
    ck_assert_int_eq (s_wait_workers (client, 1), 1);
    qs_worker_stop (worker, 1000);
    ck_assert_int_eq (qs_client_discover (client, "inproc", 500), 0);

    s_job_t job = { .endpoint = qs_broker_endpoint (broker), .ms = 10 };
    pthread_t thread;
    pthread_create (&thread, NULL, s_caller, &job);
    usleep (300000);
    ck_assert_int_eq (qs_worker_start (worker), 0);
    pthread_join (thread, NULL);
    ck_assert_int_eq (job.rc, 200);
    qs_worker_destroy (&worker);
    /* past the grace with no worker: 503 at once */
    usleep (3200000);
    job.ms = 10;
    s_caller (&job);
    ck_assert_int_eq (job.rc, -1);
    ck_assert_int_eq (job.err.status, 503);
    ck_assert_str_eq (job.err.code, "service_unavailable");
    ck_assert (job.took < 300);
    qs_client_destroy (&client);
    qs_broker_destroy (&broker);
}
END_TEST

/*  A relay asks for a 2xx answer as its JSON text (no parse); errors stay
    errors. */
START_TEST (test_answer_as_text)
{
    qs_broker_config_t config = { .endpoint = "tcp://127.0.0.1:*", .heartbeat_ms = 200, .liveness = 5 };
    qs_broker_t *broker = qs_broker_new (&config);
    qs_worker_t *worker = s_worker (qs_broker_endpoint (broker));
    qs_client_t *client = qs_client_new (qs_broker_endpoint (broker));
    ck_assert_int_eq (s_wait_workers (client, 1), 1);
    json_object *body = json_object_new_object (), *reply = NULL;
    qs_json_add_int (body, "ms", 1);
    char *text = (char *) "untouched";
    qs_call_t call = { .service = "inproc", .op = "slow", .request_id = "r1",
                       .deadline_ms = qs_now_ms () + 5000, .body = body, .text_p = &text };
    qs_err_t err;
    ck_assert_int_eq (qs_client_call (client, &call, &reply, &err, NULL, NULL), 200);
    ck_assert_ptr_null (reply);
    ck_assert_ptr_nonnull (text);
    json_object *parsed = json_tokener_parse (text);
    ck_assert (qs_json_bool (parsed, "done", false));
    json_object_put (parsed);
    free (text);
    /* an error is an error, never text */
    call.op = "no-such-op";
    ck_assert_int_eq (qs_client_call (client, &call, &reply, &err, NULL, NULL), -1);
    ck_assert_int_eq (err.status, 404);
    ck_assert_ptr_null (text);
    json_object_put (body);
    qs_client_destroy (&client);
    qs_worker_destroy (&worker);
    qs_broker_destroy (&broker);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_bus_inproc");
    TCase *tc = tcase_create ("inproc");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_embedded_bind);
    tcase_add_test (tc, test_answer_as_text);
    tcase_add_test (tc, test_graceful_stop_finishes_in_flight);
    tcase_add_test (tc, test_grace_expires);
    tcase_add_test (tc, test_grace_ends_nested_call);
    tcase_add_test (tc, test_queue_waits_for_worker);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
