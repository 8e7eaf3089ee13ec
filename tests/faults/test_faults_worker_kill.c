/*  kill -9 a worker of each kind under load while a second one runs:
    idempotent requests all succeed (the broker answers the request the dead
    worker held with a 503 and the client sends it again), chat turns
    succeed or answer a clear 503, nothing hangs, no turn runs twice. */
#include "../qs_test.h"
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "qs_faults.h"
#include "qs_util.h"

static qs_e2e_t s_e;
static char *s_token;
static const char *const s_env[] = { "QS_REQUEST_TIMEOUT_MS=10000", "QS_SHUTDOWN_GRACE_MS=3000", NULL };
static const char *const s_kinds[] = { "intent", "knowledge", "workflow", "k8s" };

static void
s_setup (void)
{
    curl_global_init (CURL_GLOBAL_DEFAULT);
    qs_e2e_opts_t opts = { .brokers = 1, .env = s_env, .wait_ready = true };
    ck_assert_msg (qs_e2e_start_opts (&s_e, &opts) == 0, "the suite did not become ready");
    for (int i = 0; i < 4; i++)
        ck_assert_ptr_nonnull (qs_e2e_add_worker (&s_e, s_kinds[i], "second"));
    s_token = qs_e2e_token ("fault-user", "org-acme", "member");
}

static void
s_teardown (void)
{
    qs_e2e_stop (&s_e);
    free (s_token);
    curl_global_cleanup ();
}

START_TEST (test_kill_each_worker_kind_under_load)
{
    usleep (2000000);                   /* the second workers register */
    static qs_load_t l;
    l.gateway = s_e.gateway;
    l.token = s_token;
    l.threads = 6;
    l.limit_ms = 10000 + 1500;
    ck_assert_msg (qs_load_start (&l) == 0, "could not start the load: %s", l.first_failure);
    int64_t t0 = qs_mono_ms ();
    for (int i = 0; i < 4; i++) {
        usleep (1500000);
        qs_proc_t *worker = qs_e2e_proc (&s_e, s_kinds[i]);
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
    ck_assert_msg (atomic_load (&l.search_fail) == 0, "an idempotent request failed: %s", l.first_failure);
    ck_assert_msg (atomic_load (&l.chat_other) == 0, "a chat failed otherwise than 503: %s", l.first_failure);
    ck_assert_msg (atomic_load (&l.hung) == 0, "%d requests outlived their deadline (slowest %d ms)",
                   atomic_load (&l.hung), atomic_load (&l.max_ms));
    ck_assert_msg (atomic_load (&l.search_ok) > search_mid, "searches stalled after the kills");
    ck_assert_msg (atomic_load (&l.chat_ok) > chat_mid, "chats stalled after the kills");
    char problem[512];
    ck_assert_msg (qs_load_check_conversations (&l, false, problem, sizeof problem), "%s", problem);
    ck_assert_int_ge (qs_faults_wait_ready (s_e.gateway, 200, 5000), 0);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("faults_worker_kill");
    TCase *tc = tcase_create ("worker_kill");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 90);
    tcase_add_test (tc, test_kill_each_worker_kind_under_load);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
