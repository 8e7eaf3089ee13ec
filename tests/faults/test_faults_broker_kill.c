/*  kill -9 one of two brokers under load: idempotent requests (knowledge
    search) all succeed, chat turns succeed or answer a clear 503, nothing
    waits past its deadline, no chat turn runs twice. */
#include "../qs_test.h"
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "qs_faults.h"
#include "qs_util.h"

static const char *const s_env[] = { "QS_REQUEST_TIMEOUT_MS=10000", "QS_SHUTDOWN_GRACE_MS=3000", NULL };

static void
s_setup (void)
{
    qs_faults_setup (&(qs_faults_spec_t) { .brokers = 2, .env = s_env });
}

START_TEST (test_kill_one_broker_under_load)
{
    static qs_load_t l;
    qs_load_begin (&l, 10000 + 1500);
    usleep (2000000);
    int search_before = atomic_load (&l.search_ok), chat_before = atomic_load (&l.chat_ok);
    int64_t t0 = qs_mono_ms ();
    qs_proc_t *broker = qs_harness_proc (qs_faults_suite (), "broker");
    ck_assert_int_eq (qs_proc_signal (broker, SIGKILL), 0);
    qs_proc_wait (broker, 2000);
    usleep (6000000);
    qs_load_stop (&l);
    fprintf (stderr, "broker_kill: before the kill %d searches, %d chats; after %.1f s: "
             "searches ok %d failed %d, chats ok %d 503 %d other %d, slowest %d ms\n",
             search_before, chat_before, (double) (qs_mono_ms () - t0) / 1000.0,
             atomic_load (&l.search_ok), atomic_load (&l.search_fail), atomic_load (&l.chat_ok),
             atomic_load (&l.chat_503), atomic_load (&l.chat_other), atomic_load (&l.max_ms));
    ck_assert_msg (atomic_load (&l.search_ok) >= search_before + 10, "searches stalled after the kill");
    ck_assert_msg (atomic_load (&l.chat_ok) > chat_before, "chats stalled after the kill");
    qs_load_assert_sound (&l, false);
    /* the other broker keeps the suite ready */
    ck_assert_int_ge (qs_harness_wait_ready (qs_faults_suite (), 200, 5000), 0);
}
END_TEST

/*  A broker that hangs without closing its connections (SIGSTOP: a frozen
    host, a partition): clients notice the silence (unanswered probes, 2 s)
    and fail over; idempotent requests still all succeed, nothing hangs. */
START_TEST (test_freeze_one_broker_under_load)
{
    static qs_load_t l;
    qs_load_begin (&l, 10000 + 1500);
    usleep (1500000);
    qs_proc_t *broker = qs_harness_proc (qs_faults_suite (), "broker2");
    ck_assert_int_eq (qs_proc_signal (broker, SIGSTOP), 0);
    int search_frozen = atomic_load (&l.search_ok);
    usleep (7000000);
    int search_later = atomic_load (&l.search_ok);
    qs_proc_signal (broker, SIGCONT);
    qs_load_stop (&l);
    fprintf (stderr, "broker_freeze: searches ok %d failed %d (%d while frozen), chats ok %d 503 %d "
             "other %d, slowest %d ms\n", atomic_load (&l.search_ok), atomic_load (&l.search_fail),
             search_later - search_frozen, atomic_load (&l.chat_ok), atomic_load (&l.chat_503),
             atomic_load (&l.chat_other), atomic_load (&l.max_ms));
    ck_assert_msg (search_later >= search_frozen + 5, "searches stalled while a broker was frozen");
    qs_load_assert_sound (&l, false);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("faults_broker_kill");
    TCase *tc = tcase_create ("broker_kill");
    tcase_add_checked_fixture (tc, s_setup, qs_faults_teardown);
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_kill_one_broker_under_load);
    tcase_add_test (tc, test_freeze_one_broker_under_load);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
