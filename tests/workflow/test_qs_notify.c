/*  qs_notify: the delivery queue, with the webhook replaced by a scripted
    sender. */
#include "../qs_test.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "qs_json.h"
#include "qs_notify.h"
#include "qs_util.h"

typedef struct {
    pthread_mutex_t lock;
    int script[8];            /* statuses to answer, in order; then 200 */
    int calls;
    int64_t call_ms[8];
    char last_body[512];
    int block_ms;             /* hold each attempt this long */
    int done_calls;
    qs_notify_result_t last;
    char last_org[32];
} s_hook_t;

static int
s_send (void *arg, const char *url, const char *body, int timeout_ms, char *why, size_t size)
{
    s_hook_t *h = arg;
    (void) url;
    ck_assert_int_gt (timeout_ms, 0);
    if (h->block_ms)
        usleep ((useconds_t) h->block_ms * 1000);
    pthread_mutex_lock (&h->lock);
    int i = h->calls++;
    if (i < 8)
        h->call_ms[i] = qs_mono_ms ();
    snprintf (h->last_body, sizeof h->last_body, "%s", body);
    int status = i < 8 && h->script[i] ? h->script[i] : 200;
    pthread_mutex_unlock (&h->lock);
    if (status < 0)
        snprintf (why, size, "connection refused");
    return status;
}

static void
s_done (void *arg, const char *org_id, const qs_notify_result_t *r)
{
    s_hook_t *h = arg;
    pthread_mutex_lock (&h->lock);
    h->done_calls++;
    h->last = *r;
    snprintf (h->last_org, sizeof h->last_org, "%s", org_id);
    pthread_mutex_unlock (&h->lock);
}

static void
s_wait_done (s_hook_t *h, int n)
{
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock (&h->lock);
        int d = h->done_calls;
        pthread_mutex_unlock (&h->lock);
        if (d >= n)
            return;
        usleep (10000);
    }
    ck_abort_msg ("no delivery finished");
}

START_TEST (test_delivers_slack_shape)
{
    s_hook_t h = {.lock = PTHREAD_MUTEX_INITIALIZER};
    qs_notify_t *n = qs_notify_new (&(qs_notify_config_t) {.send = s_send, .done = s_done, .arg = &h});
    json_object *data = json_object_new_object ();
    qs_json_add_str (data, "incident_id", "inc-1");
    qs_json_add_str (data, "text", "must not replace the text");
    ck_assert_int_eq (qs_notify_enqueue (n, "org-a", "https://hooks.example/x", "incident.opened",
                                         "Incident opened: billing-db is down", data), 0);
    json_object_put (data);
    s_wait_done (&h, 1);
    const char *why;
    json_object *body = qs_json_parse (h.last_body, strlen (h.last_body), &why);
    ck_assert_str_eq (qs_json_str (body, "text", ""), "Incident opened: billing-db is down");
    ck_assert_str_eq (qs_json_str (body, "event", ""), "incident.opened");
    ck_assert_str_eq (qs_json_str (body, "incident_id", ""), "inc-1");
    json_object_put (body);
    ck_assert (h.last.ok);
    ck_assert_int_eq (h.last.attempts, 1);
    ck_assert_str_eq (h.last_org, "org-a");
    qs_notify_stats_t st;
    qs_notify_stats (n, &st);
    ck_assert_int_eq ((int) st.delivered, 1);
    qs_notify_destroy (&n);
    qs_notify_destroy (&n);
}
END_TEST

START_TEST (test_retries_with_backoff_then_gives_up)
{
    s_hook_t h = {.lock = PTHREAD_MUTEX_INITIALIZER, .script = {503, -1, 429, 200}};
    qs_notify_t *n = qs_notify_new (&(qs_notify_config_t) {.send = s_send, .done = s_done, .arg = &h,
                                                            .backoff_ms = 20, .max_attempts = 5});
    ck_assert_int_eq (qs_notify_enqueue (n, "org-a", "http://x", "action.executed", "done", NULL), 0);
    s_wait_done (&h, 1);
    ck_assert (h.last.ok);
    ck_assert_int_eq (h.last.attempts, 4);
    //  each pause at least doubles: 20, 40, 80 ms
    ck_assert_int_ge ((int) (h.call_ms[1] - h.call_ms[0]), 20);
    ck_assert_int_ge ((int) (h.call_ms[2] - h.call_ms[1]), 40);
    ck_assert_int_ge ((int) (h.call_ms[3] - h.call_ms[2]), 80);
    qs_notify_destroy (&n);

    //  never answering: max_attempts, then failed with the reason
    s_hook_t g = {.lock = PTHREAD_MUTEX_INITIALIZER, .script = {-1, -1, -1, -1, -1, -1, -1, -1}};
    n = qs_notify_new (&(qs_notify_config_t) {.send = s_send, .done = s_done, .arg = &g, .backoff_ms = 5,
                                              .max_attempts = 3});
    qs_notify_enqueue (n, "org-b", "http://x", "incident.resolved", "ok", NULL);
    s_wait_done (&g, 1);
    ck_assert (!g.last.ok);
    ck_assert_int_eq (g.last.attempts, 3);
    ck_assert_int_eq (g.calls, 3);
    ck_assert_str_eq (g.last.error, "connection refused");
    ck_assert_str_eq (g.last.event, "incident.resolved");
    qs_notify_destroy (&n);
}
END_TEST

START_TEST (test_client_errors_are_final)
{
    s_hook_t h = {.lock = PTHREAD_MUTEX_INITIALIZER, .script = {404}};
    qs_notify_t *n = qs_notify_new (&(qs_notify_config_t) {.send = s_send, .done = s_done, .arg = &h, .backoff_ms = 5});
    qs_notify_enqueue (n, "org-a", "http://x", "action.failed", "no", NULL);
    s_wait_done (&h, 1);
    usleep (50000);
    ck_assert_int_eq (h.calls, 1);
    ck_assert_int_eq (h.last.status, 404);
    ck_assert_ptr_nonnull (strstr (h.last.error, "404"));
    qs_notify_destroy (&n);
}
END_TEST

START_TEST (test_full_queue_drops_never_blocks)
{
    s_hook_t h = {.lock = PTHREAD_MUTEX_INITIALIZER, .block_ms = 200};
    qs_notify_t *n = qs_notify_new (&(qs_notify_config_t) {.send = s_send, .arg = &h, .queue_max = 4});
    int64_t t0 = qs_mono_ms ();
    int accepted = 0;
    for (int i = 0; i < 20; i++)
        accepted += qs_notify_enqueue (n, "org-a", "http://x", "incident.opened", "x", NULL) == 0;
    ck_assert_int_lt ((int) (qs_mono_ms () - t0), 100);      /* the slow hook held nobody */
    ck_assert_int_le (accepted, 5);                           /* 4 waiting + maybe 1 in flight */
    qs_notify_stats_t st;
    qs_notify_stats (n, &st);
    ck_assert_int_eq ((int) st.dropped, 20 - accepted);
    ck_assert_int_eq (qs_notify_enqueue (n, NULL, "http://x", "e", "t", NULL), -1);
    qs_notify_destroy (&n);                                   /* drops the rest, leaks nothing */
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_notify");
    TCase *tc = tcase_create ("core");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_delivers_slack_shape);
    tcase_add_test (tc, test_retries_with_backoff_then_gives_up);
    tcase_add_test (tc, test_client_errors_are_final);
    tcase_add_test (tc, test_full_queue_drops_never_blocks);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
