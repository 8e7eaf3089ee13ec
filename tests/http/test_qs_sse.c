/*  qs_sse: framing, split feeds, line endings, comments, ids, limits; the
    LLM client's stream and the CLI's chat stream. */
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
s_on_event (const qs_sse_event_t *ev, void *arg)
{
    s_seen_t *s = (s_seen_t *) arg;
    ck_assert_uint_eq (strlen (ev->data), ev->len);
    size_t have = strlen (s->log);
    snprintf (s->log + have, sizeof s->log - have, "[%s|%s]", ev->name, ev->data);
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


/*  The gateway's chat stream as the CLI reads it. */
typedef struct {
    char log[2048];
    int count;
    int stop_after;
} s_events_t;

static int
s_collect (const qs_sse_event_t *event, void *arg)
{
    s_events_t *ev = arg;
    size_t n = strlen (ev->log);
    snprintf (ev->log + n, sizeof ev->log - n, "[%s|%s]", event->name, event->data);
    ev->count++;
    return ev->stop_after && ev->count >= ev->stop_after ? -1 : 0;
}

static const char s_chat_stream[] =
    ": keep-alive\r\n\r\n"
    "event: intent\ndata: {\"intent\":\"troubleshoot\"}\n\n"
    "event: token\r\ndata: {\"text\":\"a\"}\r\n\r\n"
    "data: line1\ndata: line2\nid: 7\n\n"
    "event:done\ndata:{}\n\n";
static const char s_chat_expected[] = "[intent|{\"intent\":\"troubleshoot\"}][token|{\"text\":\"a\"}]"
                                      "[message|line1\nline2][done|{}]";

START_TEST (test_chat_whole_and_every_split)
{
    size_t len = strlen (s_chat_stream);
    for (size_t cut = 0; cut <= len; cut++) {
        s_events_t ev = {0};
        qs_sse_t *sse = qs_sse_new (s_collect, &ev, 0);
        ck_assert_ptr_nonnull (sse);
        ck_assert_int_eq (qs_sse_feed (sse, s_chat_stream, cut), 0);
        ck_assert_int_eq (qs_sse_feed (sse, s_chat_stream + cut, len - cut), 0);
        ck_assert_msg (!strcmp (ev.log, s_chat_expected), "cut %zu: %s", cut, ev.log);
        qs_sse_destroy (&sse);
        ck_assert_ptr_null (sse);
    }
}
END_TEST

START_TEST (test_chat_stop_and_incomplete)
{
    s_events_t ev = {.stop_after = 1};
    qs_sse_t *sse = qs_sse_new (s_collect, &ev, 0);
    ck_assert_int_eq (qs_sse_feed (sse, s_chat_stream, strlen (s_chat_stream)), -1);
    ck_assert_int_eq (ev.count, 1);
    qs_sse_destroy (&sse);
    /* an event without its blank line is not delivered */
    s_events_t ev2 = {0};
    sse = qs_sse_new (s_collect, &ev2, 0);
    ck_assert_int_eq (qs_sse_feed (sse, "event: token\ndata: x\n", 21), 0);
    ck_assert_int_eq (ev2.count, 0);
    ck_assert_int_eq (qs_sse_feed (sse, "\n", 1), 0);
    ck_assert_str_eq (ev2.log, "[token|x]");
    qs_sse_destroy (&sse);
    qs_sse_destroy (NULL);
}
END_TEST

/*  Ids persist across events; a byte-order mark opens the stream only. */
typedef struct {
    char ids[256];
    char names[256];
} s_ids_t;

static int
s_on_id (const qs_sse_event_t *ev, void *arg)
{
    s_ids_t *s = arg;
    size_t n = strlen (s->ids);
    snprintf (s->ids + n, sizeof s->ids - n, "<%s>", ev->id);
    n = strlen (s->names);
    snprintf (s->names + n, sizeof s->names - n, "<%s>", ev->name);
    return 0;
}

START_TEST (test_ids_and_bom)
{
    static const char stream[] =
        "\xEF\xBB\xBF" "event: a\ndata: 1\n\n"
        "id: 42\ndata: 2\n\n"
        "data: 3\n\n"
        "id\ndata: 4\n\n"
        "\xEF\xBB\xBF" "event: b\ndata: 5\n\n";
    for (size_t cut = 0; cut <= sizeof stream - 1; cut++) {
        s_ids_t seen = {"", ""};
        qs_sse_t *sse = qs_sse_new (s_on_id, &seen, 0);
        ck_assert_int_eq (qs_sse_feed (sse, stream, cut), 0);
        ck_assert_int_eq (qs_sse_feed (sse, stream + cut, sizeof stream - 1 - cut), 0);
        ck_assert_str_eq (seen.ids, "<><42><42><><>");
        /* a second mark is part of a field name: "event" is not recognised */
        ck_assert_str_eq (seen.names, "<a><message><message><message><message>");
        qs_sse_destroy (&sse);
    }
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_sse");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_whole_and_split);
    tcase_add_test (tc, test_pending_stop_and_limit);
    tcase_add_test (tc, test_chat_whole_and_every_split);
    tcase_add_test (tc, test_chat_stop_and_incomplete);
    tcase_add_test (tc, test_ids_and_bom);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
