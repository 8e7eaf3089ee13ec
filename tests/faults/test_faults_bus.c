/*  Two brokers at the bus level (proto/bus.md, "Several brokers" and
    "Graceful shutdown"), with the real quickspin-broker and test worker:
    a worker registers with both; a client with both fails over when one is
    killed; a draining broker lets a request in flight finish, refuses new
    ones (a client with both brokers goes to the other), then exits 0. */
#include "../qs_test.h"
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "qs_client.h"
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_ops.h"
#include "qs_util.h"

#define S_HB "QS_BROKER_HEARTBEAT_MS=200", "QS_WORKER_HEARTBEAT_MS=200", \
             "QS_BROKER_LIVENESS=5", "QS_WORKER_LIVENESS=5"
static const char *const s_fast[] = { S_HB, "QS_SHUTDOWN_GRACE_MS=3000", NULL };

static int
s_call (qs_client_t *client, const char *op, const char *body_json, int timeout_ms,
        json_object **reply, qs_err_t *err)
{
    json_object *body = body_json ? json_tokener_parse (body_json) : NULL;
    qs_call_t call = { .service = "omega", .op = op, .request_id = "rid-faults",
                       .deadline_ms = qs_now_ms () + timeout_ms, .body = body };
    qs_err_clear (err);
    *reply = NULL;
    int rc = qs_client_call (client, &call, reply, err, NULL, NULL);
    json_object_put (body);
    return rc;
}

typedef struct {
    const char *endpoint;
    int status;
    int64_t ms;
} s_slow_t;

/*  The test worker's echo has no effects: it may be sent again after a
    lost broker (the product's ops answer through qs_ops_retry_safe). */
static bool
s_echo_retry_safe (const char *service, const char *op)
{
    return !strcmp (service, "omega") && !strcmp (op, "echo");
}

static void *
s_slow (void *arg)
{
    s_slow_t *slow = arg;
    qs_client_t *client = qs_client_new (slow->endpoint);
    json_object *reply = NULL;
    qs_err_t err;
    int64_t t0 = qs_mono_ms ();
    slow->status = s_call (client, "sleep", "{\"ms\":1500}", 8000, &reply, &err);
    slow->ms = qs_mono_ms () - t0;
    json_object_put (reply);
    qs_client_destroy (&client);
    return NULL;
}

START_TEST (test_two_brokers)
{
    /* a worker with both brokers */
    qs_harness_spec_t spec = { .brokers = 2, .env = s_fast,
        .workers = { { .kind = "omega", .bin = "tests/bus/qs_test_worker",
                       .args = (const char *[]) { "omega", "2", NULL } } } };
    qs_harness_t *h = qs_harness_new (&spec);
    ck_assert_ptr_nonnull (h);
    const char *both = qs_harness_bus (h);
    qs_proc_t *a = qs_harness_proc (h, "broker"), *b = qs_harness_proc (h, "broker2");
    qs_client_t *only_a = qs_client_new (qs_harness_broker (h, 0));
    qs_client_t *only_b = qs_client_new (qs_harness_broker (h, 1));
    qs_client_t *client = qs_client_new (both);
    qs_client_set_retry (client, s_echo_retry_safe);
    /* the worker's two slots register with each broker */
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "omega", 2, 5000), 2);
    ck_assert_int_eq (qs_harness_wait_workers (h, 1, "omega", 2, 5000), 2);
    json_object *reply = NULL;
    qs_err_t err;
    for (int i = 0; i < 10; i++) {
        ck_assert_int_eq (s_call (client, "echo", "{}", 2000, &reply, &err), 200);
        json_object_put (reply);
    }

    /* a draining broker: the request it holds finishes, new ones go to b */
    s_slow_t slow = { .endpoint = qs_harness_broker (h, 0) };
    pthread_t tid;
    pthread_create (&tid, NULL, s_slow, &slow);
    usleep (300000);
    qs_proc_signal (a, SIGTERM);
    usleep (200000);
    ck_assert_int_eq (s_call (only_a, "echo", "{}", 2000, &reply, &err), -1);
    ck_assert_int_eq (err.status, 503);
    ck_assert_str_eq (err.message, "the broker is shutting down");
    for (int i = 0; i < 10; i++) {
        int rc = s_call (client, "echo", "{}", 2000, &reply, &err);
        ck_assert_msg (rc == 200, "call %d during the drain: %d %s", i, err.status, err.message);
        json_object_put (reply);
    }
    pthread_join (tid, NULL);
    ck_assert_msg (slow.status == 200, "the request in flight through the draining broker: %d", slow.status);
    ck_assert_int_eq (qs_proc_stop (a, SIGTERM, 5000), 0);

    /* a killed broker: every call still succeeds through the other */
    ck_assert_ptr_nonnull (qs_harness_restart (h, "broker"));
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "omega", 2, 5000), 2);
    /* fresh clients start on either broker (at random): some are on a */
    qs_client_t *fresh[8];
    for (int k = 0; k < 8; k++) {
        fresh[k] = qs_client_new (both);
        qs_client_set_retry (fresh[k], s_echo_retry_safe);
        ck_assert_int_eq (s_call (fresh[k], "echo", "{}", 2000, &reply, &err), 200);
        json_object_put (reply);
    }
    qs_proc_stop (a, SIGKILL, 2000);
    int64_t t0 = qs_mono_ms ();
    for (int k = 0; k < 8; k++) {
        for (int i = 0; i < 5; i++) {
            ck_assert_int_eq (s_call (fresh[k], "echo", "{}", 2000, &reply, &err), 200);
            json_object_put (reply);
        }
        qs_client_destroy (&fresh[k]);
    }
    fprintf (stderr, "faults_bus: 40 calls from 8 clients after the kill in %lld ms\n",
             (long long) (qs_mono_ms () - t0));
    /* what may be sent again is the table's: chat turns and other effects are not */
    ck_assert (!qs_ops_retry_safe ("workflow", "chat"));
    ck_assert (!qs_ops_retry_safe ("workflow", "recommendation_apply"));     /* proposes an action */
    ck_assert (!qs_ops_retry_safe ("workflow", "alert_receive"));            /* opens incidents */
    ck_assert (!qs_ops_retry_safe ("knowledge", "add_document"));
    ck_assert (!qs_ops_retry_safe ("k8s", "restart"));
    ck_assert (!qs_ops_retry_safe ("omega", "echo"));                        /* not a row */
    ck_assert (qs_ops_retry_safe ("knowledge", "search"));
    ck_assert (qs_ops_retry_safe ("workflow", "conversations_list"));
    ck_assert (qs_ops_retry_safe ("intent", "understand"));

    qs_client_destroy (&client);
    qs_client_destroy (&only_a);
    qs_client_destroy (&only_b);
    ck_assert_int_eq (qs_proc_stop (qs_harness_proc (h, "omega"), SIGTERM, 8000), 0);
    ck_assert_int_eq (qs_proc_stop (b, SIGTERM, 8000), 0);
    qs_harness_destroy (&h);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("faults_bus");
    TCase *tc = tcase_create ("two_brokers");
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_two_brokers);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
