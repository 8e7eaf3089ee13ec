/*  kill -9 a worker of each kind under load while a second one runs:
    idempotent requests all succeed (the broker answers the request the dead
    worker held with a 503 and the client sends it again), chat turns
    succeed or answer a clear 503, nothing hangs, no turn runs twice. */
#include "../qs_test.h"
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "qs_faults.h"
#include "qs_util.h"

static const char *const s_env[] = { "QS_REQUEST_TIMEOUT_MS=10000", "QS_SHUTDOWN_GRACE_MS=3000", NULL };
static const char *const s_kinds[] = { "intent", "knowledge", "workflow", "k8s" };

static void
s_setup (void)
{
    qs_faults_setup (&(qs_faults_spec_t) { .brokers = 1, .env = s_env, .second_workers = true });
}

START_TEST (test_kill_each_worker_kind_under_load)
{
    usleep (2000000);                   /* the second workers register */
    static qs_load_t l;
    qs_load_begin (&l, 10000 + 1500);
    int64_t t0 = qs_mono_ms ();
    for (int i = 0; i < 4; i++) {
        usleep (1500000);
        qs_proc_t *worker = qs_harness_proc (qs_faults_suite (), s_kinds[i]);
        ck_assert_int_eq (qs_proc_signal (worker, SIGKILL), 0);
        qs_proc_wait (worker, 2000);
    }
    int search_mid = atomic_load (&l.search_ok), chat_mid = atomic_load (&l.chat_ok);
    usleep (3000000);
    qs_load_stop (&l);
    fprintf (stderr, "worker_kill: %.1f s: searches ok %d failed %d, chats ok %d 503 %d other %d, "
             "slowest %d ms\n", (double) (qs_mono_ms () - t0) / 1000.0,
             atomic_load (&l.search_ok), atomic_load (&l.search_fail), atomic_load (&l.chat_ok),
             atomic_load (&l.chat_503), atomic_load (&l.chat_other), atomic_load (&l.max_ms));
    ck_assert_msg (atomic_load (&l.search_ok) > search_mid, "searches stalled after the kills");
    ck_assert_msg (atomic_load (&l.chat_ok) > chat_mid, "chats stalled after the kills");
    qs_load_assert_sound (&l, false);
    ck_assert_int_ge (qs_harness_wait_ready (qs_faults_suite (), 200, 5000), 0);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("faults_worker_kill");
    TCase *tc = tcase_create ("worker_kill");
    tcase_add_checked_fixture (tc, s_setup, qs_faults_teardown);
    tcase_set_timeout (tc, 90);
    tcase_add_test (tc, test_kill_each_worker_kind_under_load);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
