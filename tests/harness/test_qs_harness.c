/*  test_qs_harness - the harness itself: a spec starts what it names with
    the environment layered as documented, one process restarts alone, one
    stop judges the exits, and a test that dies leaves no process behind. */
#include "../qs_test.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "qs_harness.h"

static const char *const s_env[] = { "QS_WORKER_HEARTBEAT_MS=200", "QS_BROKER_HEARTBEAT_MS=200",
                                     "QS_SHUTDOWN_GRACE_MS=2000", NULL };

/*  A broker and two test workers of one kind, waited for. */
static qs_harness_t *
s_bus (void)
{
    qs_harness_spec_t spec = { .brokers = 1, .env = s_env,
        .workers = { { .kind = "echo", .count = 2, .bin = "tests/bus/qs_test_worker",
                       .args = (const char *[]) { "echo", "1", NULL } } } };
    qs_harness_t *h = qs_harness_new (&spec);
    ck_assert_ptr_nonnull (h);
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "echo", 2, 10000), 2);
    return h;
}

/*  Running and not a zombie (an init that reaps late keeps zombies). */
static bool
s_running (pid_t pid)
{
    char path[64], stat[256] = "";
    snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
    FILE *f = fopen (path, "r");
    if (!f)
        return false;
    size_t n = fread (stat, 1, sizeof stat - 1, f);
    fclose (f);
    stat[n] = '\0';
    const char *state = strrchr (stat, ')');
    return state && state[1] == ' ' && state[2] != 'Z' && state[2] != 'X';
}

START_TEST (test_spec_names_and_addresses)
{
    qs_harness_t *h = s_bus ();
    ck_assert_ptr_nonnull (qs_harness_proc (h, "broker"));
    ck_assert_ptr_nonnull (qs_harness_proc (h, "echo"));
    ck_assert_ptr_nonnull (qs_harness_proc (h, "echo-2"));
    ck_assert_ptr_null (qs_harness_proc (h, "gateway"));
    ck_assert_str_eq (qs_harness_bus (h), qs_harness_broker (h, 0));
    ck_assert_ptr_nonnull (strstr (qs_harness_bus (h), "tcp://127.0.0.1:"));
    ck_assert_int_eq (access (qs_harness_dir (h), W_OK), 0);
    //  one more, named after the ones there are
    const char *args[] = { "echo", "1", NULL };
    qs_proc_t *third = qs_harness_add (h, &(qs_harness_workers_t) {
        .kind = "echo", .bin = "tests/bus/qs_test_worker", .args = args });
    ck_assert_ptr_nonnull (third);
    ck_assert_str_eq (qs_proc_name (third), "echo-3");
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "echo", 3, 10000), 3);
    char *dir = strdup (qs_harness_dir (h));
    ck_assert_int_eq (qs_harness_stop (h), 0);
    qs_harness_destroy (&h);
    ck_assert_ptr_null (h);
    //  the data directory goes with it
    ck_assert_int_ne (access (dir, F_OK), 0);
    free (dir);
}
END_TEST

START_TEST (test_kill_and_restart_one)
{
    qs_harness_t *h = s_bus ();
    qs_proc_t *broker = qs_harness_proc (h, "broker");
    pid_t before = qs_proc_pid (broker);
    ck_assert_int_eq (qs_proc_signal (broker, SIGKILL), 0);
    ck_assert_int_eq (qs_proc_wait (broker, 5000), 128 + SIGKILL);
    ck_assert (!qs_proc_alive (broker));
    //  the same process object, a new pid, the same port: workers come back
    ck_assert_ptr_eq (qs_harness_restart (h, "broker"), broker);
    ck_assert_int_ne (qs_proc_pid (broker), before);
    ck_assert (qs_proc_alive (broker));
    ck_assert_int_eq (qs_harness_wait_workers (h, 0, "echo", 2, 10000), 2);
    //  a worker stopped by the test is judged by the test, not by the stop
    ck_assert_int_eq (qs_proc_stop (qs_harness_proc (h, "echo"), SIGKILL, 2000), 128 + SIGKILL);
    ck_assert_int_eq (qs_harness_stop (h), 0);
    qs_harness_destroy (&h);
}
END_TEST

START_TEST (test_unclean_exit_is_reported)
{
    qs_harness_t *h = s_bus ();
    //  a crash the test did not cause: the stop finds it and says so
    ck_assert_int_eq (kill (qs_proc_pid (qs_harness_proc (h, "echo-2")), SIGKILL), 0);
    ck_assert_int_eq (qs_harness_stop (h), -1);
    qs_harness_destroy (&h);
}
END_TEST

START_TEST (test_dead_test_leaves_nothing)
{
    int fds[2];
    ck_assert_int_eq (pipe (fds), 0);
    pid_t test = fork ();
    ck_assert_int_ge (test, 0);
    if (test == 0) {
        //  a "test" that starts a broker and a worker, then crashes
        close (fds[0]);
        qs_harness_t *h = s_bus ();
        pid_t pids[2] = { qs_proc_pid (qs_harness_proc (h, "broker")),
                          qs_proc_pid (qs_harness_proc (h, "echo")) };
        if (write (fds[1], pids, sizeof pids) != (ssize_t) sizeof pids)
            _exit (1);
        raise (SIGKILL);
    }
    close (fds[1]);
    pid_t pids[2] = { 0, 0 };
    ck_assert_int_eq (read (fds[0], pids, sizeof pids), (ssize_t) sizeof pids);
    close (fds[0]);
    int status;
    ck_assert_int_eq (waitpid (test, &status, 0), test);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_gt (pids[i], 0);
        bool gone = false;
        for (int waited = 0; waited < 5000 && !gone; waited += 50) {
            gone = !s_running (pids[i]);
            if (!gone)
                usleep (50000);
        }
        ck_assert_msg (gone, "process %d outlived its test", (int) pids[i]);
    }
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_harness");
    TCase *tc = tcase_create ("harness");
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_spec_names_and_addresses);
    tcase_add_test (tc, test_kill_and_restart_one);
    tcase_add_test (tc, test_unclean_exit_is_reported);
    tcase_add_test (tc, test_dead_test_leaves_nothing);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
