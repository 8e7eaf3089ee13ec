/*  test_qs_ratelimit - the per-user token bucket. */
#include "../qs_test.h"
#include "qs_ratelimit.h"
#include <pthread.h>
#include <stdio.h>

START_TEST (test_off)
{
    qs_ratelimit_t *rl = qs_ratelimit_new (0, 0, 0);
    int retry = -1;
    for (int i = 0; i < 1000; i++)
        ck_assert (qs_ratelimit_take (rl, "u", 0, &retry));
    ck_assert_int_eq (retry, 0);
    ck_assert_int_eq (qs_ratelimit_size (rl), 0);
    qs_ratelimit_destroy (&rl);
    ck_assert_ptr_null (rl);
    qs_ratelimit_destroy (NULL);
}
END_TEST

START_TEST (test_burst_then_refill)
{
    qs_ratelimit_t *rl = qs_ratelimit_new (2, 5, 0);
    int retry = 0;
    int64_t t = 1000;
    for (int i = 0; i < 5; i++)
        ck_assert (qs_ratelimit_take (rl, "alice", t, &retry));
    ck_assert (!qs_ratelimit_take (rl, "alice", t, &retry));
    ck_assert_int_eq (retry, 1);                    /* 0.5 s at 2 rps rounds up to 1 */
    //  another user has a bucket of their own
    ck_assert (qs_ratelimit_take (rl, "bob", t, &retry));
    //  half a second later one token is back, not two
    ck_assert (qs_ratelimit_take (rl, "alice", t + 500, &retry));
    ck_assert (!qs_ratelimit_take (rl, "alice", t + 500, &retry));
    //  a long pause refills to the burst only
    t += 60000;
    for (int i = 0; i < 5; i++)
        ck_assert (qs_ratelimit_take (rl, "alice", t, &retry));
    ck_assert (!qs_ratelimit_take (rl, "alice", t, &retry));
    qs_ratelimit_destroy (&rl);
}
END_TEST

START_TEST (test_retry_after_slow_rate)
{
    qs_ratelimit_t *rl = qs_ratelimit_new (0.1, 1, 0);     /* one per 10 s */
    int retry = 0;
    ck_assert (qs_ratelimit_take (rl, "u", 0, &retry));
    ck_assert (!qs_ratelimit_take (rl, "u", 0, &retry));
    ck_assert_int_eq (retry, 10);
    ck_assert (!qs_ratelimit_take (rl, "u", 5000, &retry));
    ck_assert_int_eq (retry, 5);
    ck_assert (qs_ratelimit_take (rl, "u", 10000, &retry));
    qs_ratelimit_destroy (&rl);
}
END_TEST

START_TEST (test_bounded_keys)
{
    qs_ratelimit_t *rl = qs_ratelimit_new (1, 1, 4);
    char key[16];
    for (int i = 0; i < 4; i++) {
        snprintf (key, sizeof key, "u%d", i);
        ck_assert (qs_ratelimit_take (rl, key, 0, NULL));
    }
    ck_assert_int_eq (qs_ratelimit_size (rl), 4);
    //  all four still busy: a fifth user cannot be tracked and waits
    int retry = 0;
    ck_assert (!qs_ratelimit_take (rl, "u9", 0, &retry));
    ck_assert_int_eq (retry, 1);
    //  once they are idle again their buckets are forgotten
    ck_assert (qs_ratelimit_take (rl, "u9", 5000, NULL));
    ck_assert_int_eq (qs_ratelimit_size (rl), 1);
    qs_ratelimit_destroy (&rl);
}
END_TEST

typedef struct {
    qs_ratelimit_t *rl;
    int allowed;
} s_arg_t;

static void *
s_hammer (void *p)
{
    s_arg_t *a = p;
    for (int i = 0; i < 1000; i++)
        if (qs_ratelimit_take (a->rl, "shared", 0, NULL))
            a->allowed++;
    return NULL;
}

START_TEST (test_threads_share_bucket)
{
    qs_ratelimit_t *rl = qs_ratelimit_new (10, 50, 0);
    pthread_t th[4];
    s_arg_t args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (s_arg_t) { rl, 0 };
        pthread_create (&th[i], NULL, s_hammer, &args[i]);
    }
    int total = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join (th[i], NULL);
        total += args[i].allowed;
    }
    ck_assert_int_eq (total, 50);                   /* exactly the burst, at a frozen clock */
    qs_ratelimit_destroy (&rl);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_ratelimit");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_off);
    tcase_add_test (tc, test_burst_then_refill);
    tcase_add_test (tc, test_retry_after_slow_rate);
    tcase_add_test (tc, test_bounded_keys);
    tcase_add_test (tc, test_threads_share_bucket);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
