/*  qs_sse: framing, split feeds, line endings, comments, limits. */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include "qs_sse.h"

typedef struct {
    char log[1024];
    int events;
    int stop_at;
} s_seen_t;

static int
s_on_event (const char *event, const char *data, size_t len, void *arg)
{
    s_seen_t *s = (s_seen_t *) arg;
    ck_assert_uint_eq (strlen (data), len);
    size_t have = strlen (s->log);
    snprintf (s->log + have, sizeof s->log - have, "[%s|%s]", event, data);
    s->events++;
    return s->stop_at && s->events >= s->stop_at ? 7 : 0;
}

static const char *s_stream =
    ": keep-alive\n"
    "data: {\"a\":1}\n\n"
    "event: ping\r\ndata: x\r\n\r\n"
    "data: line1\ndata: line2\n\n"
    "id: 5\nretry: 100\n\n"          /* no data: no event */
    "data:nospace\r\r"
    "data: [DONE]\n\n";

static const char *s_expected =
    "[message|{\"a\":1}][ping|x][message|line1\nline2][message|nospace][message|[DONE]]";

START_TEST (test_whole_and_split)
{
    for (size_t step = 1; step <= strlen (s_stream); step += (step < 4 ? 1 : 7)) {
        s_seen_t seen = {.log = ""};
        qs_sse_t *sse = qs_sse_new (s_on_event, &seen, 0);
        const char *p = s_stream;
        size_t left = strlen (s_stream);
        while (left) {
            size_t n = left < step ? left : step;
            ck_assert_int_eq (qs_sse_feed (sse, p, n), 0);
            p += n;
            left -= n;
        }
        ck_assert_str_eq (seen.log, s_expected);
        ck_assert (!qs_sse_pending (sse));
        qs_sse_destroy (&sse);
        ck_assert_ptr_null (sse);
    }
    qs_sse_destroy (NULL);
}
END_TEST

START_TEST (test_pending_stop_and_limit)
{
    s_seen_t seen = {.log = "", .stop_at = 1};
    qs_sse_t *sse = qs_sse_new (s_on_event, &seen, 32);
    ck_assert_int_eq (qs_sse_feed (sse, "data: half", 10), 0);
    ck_assert (qs_sse_pending (sse));
    ck_assert_int_eq (qs_sse_feed (sse, "\n\n", 2), 7);     /* the callback's value */
    ck_assert_int_eq (seen.events, 1);
    seen.stop_at = 0;
    char big[64];
    memset (big, 'x', sizeof big);
    ck_assert_int_eq (qs_sse_feed (sse, "data: ", 6), 0);
    ck_assert_int_eq (qs_sse_feed (sse, big, sizeof big), -1);
    qs_sse_destroy (&sse);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_sse");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_whole_and_split);
    tcase_add_test (tc, test_pending_stop_and_limit);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
