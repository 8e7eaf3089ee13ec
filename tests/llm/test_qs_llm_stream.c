/*  qs_llm streaming against tests/fakes/fake_llm.py: tokens in order, JSON
    modes and cancel, truncated streams, retries before the first token.
    The non-streaming behaviours are test_qs_llm.c. */
#include "../qs_test.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "fake_llm_proc.h"
#include "qs_json.h"
#include "qs_llm.h"
#include "qs_log.h"
#include "qs_util.h"

#define KEY "sk-test-SECRET-4242"

static fake_llm_t s_fake;

static void
s_setup (void)
{
    ck_assert_int_eq (fake_llm_start (&s_fake, KEY), 0);
}

static void
s_teardown (void)
{
    fake_llm_stop (&s_fake);
}

/*  A client on the fake: model (may be "fake/<steps>"), fast backoff. */
static qs_llm_t *
s_client (const char *model, qs_metrics_t *metrics)
{
    qs_llm_t *llm = fake_llm_client (&s_fake, KEY, model, metrics);
    ck_assert_ptr_nonnull (llm);
    return llm;
}

typedef struct {
    char text[512];
    int calls;
    int stop_after;
} s_tokens_t;

static int
s_on_token (const char *text, size_t len, void *arg)
{
    s_tokens_t *t = (s_tokens_t *) arg;
    ck_assert_uint_eq (strlen (text), len);
    size_t have = strlen (t->text);
    snprintf (t->text + have, sizeof t->text - have, "%s", text);
    t->calls++;
    return t->stop_after && t->calls >= t->stop_after;
}

START_TEST (test_stream_tokens)
{
    qs_metrics_t *metrics = qs_metrics_new ();
    qs_llm_t *llm = s_client ("openai/gpt-oss-20b", metrics);
    const char *answer = "Postgres 16 is available on every tier from micro up.";
    const char *replies[] = {answer, NULL};
    fake_llm_replies (&s_fake, replies);
    json_object *msgs = fake_llm_messages ("x");
    qs_llm_request_t req = {.messages = msgs, .reasoning_effort = "medium"};
    qs_llm_result_t res;
    qs_err_t err;
    s_tokens_t tokens = {.text = ""};
    ck_assert_int_eq (qs_llm_chat_stream (llm, &req, s_on_token, &tokens, &res, &err), 0);
    ck_assert_str_eq (tokens.text, answer);
    ck_assert_int_gt (tokens.calls, 5);
    ck_assert_str_eq (res.content, answer);
    ck_assert_ptr_nonnull (res.reasoning);
    ck_assert_ptr_null (strstr (tokens.text, "requested format"));
    ck_assert_str_eq (res.finish_reason, "stop");
    ck_assert_int_gt (res.prompt_tokens, 0);
    ck_assert_int_gt (res.completion_tokens, 0);
    ck_assert (res.queue_time > 0.011 && res.queue_time < 0.013);
    qs_llm_result_free (&res);
    json_object *stats = fake_llm_stats (&s_fake);
    ck_assert (qs_json_bool (fake_llm_body (stats, 0), "stream", false));
    json_object_put (stats);
    char *text = qs_metrics_render (metrics);
    ck_assert_ptr_nonnull (strstr (text, "kind=\"completion\"}"));
    free (text);
    json_object_put (msgs);
    qs_llm_destroy (&llm);
    qs_metrics_destroy (&metrics);
}
END_TEST

START_TEST (test_stream_json_and_cancel)
{
    qs_llm_t *llm = s_client ("m", NULL);
    const char *replies[] = {"{\"intent\": \"troubleshoot\"}", "a long answer to cut short",
                             NULL};
    fake_llm_replies (&s_fake, replies);
    json_object *msgs = fake_llm_messages ("x");
    qs_llm_request_t req = {.messages = msgs, .format = QS_LLM_JSON_OBJECT};
    qs_llm_result_t res;
    qs_err_t err;
    ck_assert_int_eq (qs_llm_chat_stream (llm, &req, NULL, NULL, &res, &err), 0);
    ck_assert_str_eq (qs_json_str (res.json, "intent", ""), "troubleshoot");
    qs_llm_result_free (&res);
    req.format = QS_LLM_TEXT;
    s_tokens_t tokens = {.text = "", .stop_after = 2};
    ck_assert_int_eq (qs_llm_chat_stream (llm, &req, s_on_token, &tokens, &res, &err), -1);
    ck_assert_str_eq (err.code, "cancelled");
    ck_assert_int_eq (tokens.calls, 2);
    ck_assert_int_eq (res.attempts, 1);
    json_object_put (msgs);
    qs_llm_destroy (&llm);
}
END_TEST

START_TEST (test_stream_truncated)
{
    qs_llm_t *llm = s_client ("fake/truncate", NULL);
    const char *replies[] = {"one two three four five six", NULL};
    fake_llm_replies (&s_fake, replies);
    json_object *msgs = fake_llm_messages ("x");
    qs_llm_request_t req = {.messages = msgs};
    qs_llm_result_t res;
    qs_err_t err;
    s_tokens_t tokens = {.text = ""};
    ck_assert_int_eq (qs_llm_chat_stream (llm, &req, s_on_token, &tokens, &res, &err), -1);
    ck_assert_str_eq (err.code, "llm_bad_response");
    ck_assert_ptr_nonnull (strstr (err.message, "[DONE]"));
    ck_assert_int_eq (tokens.calls, 2);
    /* tokens went out: no retry that would repeat them */
    ck_assert_int_eq (res.attempts, 1);
    ck_assert_ptr_null (res.content);
    qs_llm_destroy (&llm);
    /* an error event mid-stream fails too */
    llm = s_client ("fake/errchunk", NULL);
    tokens.text[0] = '\0';
    tokens.calls = 0;
    ck_assert_int_eq (qs_llm_chat_stream (llm, &req, s_on_token, &tokens, &res, &err), -1);
    ck_assert_ptr_nonnull (strstr (err.message, "fake stream failure"));
    qs_llm_destroy (&llm);
    /* a chunk that is not JSON */
    llm = s_client ("fake/badchunk", NULL);
    ck_assert_int_eq (qs_llm_chat_stream (llm, &req, s_on_token, &tokens, &res, &err), -1);
    ck_assert_str_eq (err.code, "llm_bad_response");
    ck_assert_ptr_nonnull (strstr (err.message, "not a JSON object"));
    json_object_put (msgs);
    qs_llm_destroy (&llm);
}
END_TEST

START_TEST (test_stream_retried_before_tokens)
{
    qs_llm_t *llm = s_client ("fake/429:0,503:0,ok", NULL);
    const char *replies[] = {"after two refusals", NULL};
    fake_llm_replies (&s_fake, replies);
    json_object *msgs = fake_llm_messages ("x");
    qs_llm_request_t req = {.messages = msgs};
    qs_llm_result_t res;
    qs_err_t err;
    s_tokens_t tokens = {.text = ""};
    ck_assert_int_eq (qs_llm_chat_stream (llm, &req, s_on_token, &tokens, &res, &err), 0);
    ck_assert_int_eq (res.attempts, 3);
    ck_assert_str_eq (tokens.text, "after two refusals");
    qs_llm_result_free (&res);
    json_object_put (msgs);
    qs_llm_destroy (&llm);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_llm_stream");
    TCase *tc = tcase_create ("fake");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 20);
    tcase_add_test (tc, test_stream_tokens);
    tcase_add_test (tc, test_stream_json_and_cancel);
    tcase_add_test (tc, test_stream_truncated);
    tcase_add_test (tc, test_stream_retried_before_tokens);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
