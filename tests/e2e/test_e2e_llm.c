/*  End to end with an LLM writing the answers: the suite with the workflow
    worker pointed at tests/fakes/fake_llm.py. The answer streams the
    model's tokens in order over POST /api/v1/chat/stream (engine "llm"); a
    503 burst falls back to the template (engine "local") within the
    deadline; a stream broken after its first tokens is completed with the
    template; plans keep their template; the findings, recommendations and
    sources are the same with and without the LLM.

    The intent worker keeps its local engine (QS_LLM_BASE_URL is set only
    for the replacement workflow worker), so every request the fake sees is
    an answer and scripted failures hit exactly the answer call. */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "../llm/fake_llm_proc.h"
#include "qs_cli_http.h"
#include "qs_sse.h"
#include "qs_harness.h"
#include <signal.h>
#include "qs_json.h"
#include "qs_util.h"

static qs_harness_t *s_h;
static fake_llm_t s_fake;
static char *s_member, *s_globex;

/*  What the template engine answered before the LLM came (setup). */
static char *s_local_diagnosis, *s_local_optimization, *s_local_general, *s_local_sources;

static const char *DIAGNOSE = "why does acme-cache keep restarting?";
static const char *OPTIMIZE = "how can I reduce my monthly bill?";
static const char *GENERAL = "how often should I rotate database credentials?";

static json_object *
s_chat (const char *token, const char *message)
{
    json_object *req = json_object_new_object (), *resp = NULL;
    qs_json_add_str (req, "message", message);
    long status = qs_harness_http ("POST", qs_harness_gateway (s_h), "/api/v1/chat", token,
                               json_object_to_json_string (req), &resp);
    json_object_put (req);
    ck_assert_msg (status == 200, "chat '%s' -> %ld %s", message, status,
                   resp ? json_object_to_json_string (resp) : "");
    return resp;
}

static char *
s_text_at (json_object *obj, const char *path)
{
    json_object *v = qs_json_path (obj, path);
    return strdup (v ? json_object_to_json_string_ext (v, JSON_C_TO_STRING_PLAIN) : "null");
}

static void
s_setup (void)
{
    ck_assert_msg (fake_llm_start (&s_fake, NULL) == 0, "the fake LLM did not start");
    qs_harness_spec_t whole = qs_harness_whole ();
    ck_assert_msg ((s_h = qs_harness_new (&whole)) != NULL, "the suite did not become ready");
    s_member = qs_harness_token ("alice", "org-acme", "member");
    s_globex = qs_harness_token ("carol", "org-globex", "member");

    /* the template engine's answers, for comparison */
    json_object *r = s_chat (s_member, DIAGNOSE);
    ck_assert_str_eq (qs_json_str (qs_json_get (r, "metadata", json_type_object), "engine", ""), "local");
    s_local_diagnosis = s_text_at (r, "metadata.diagnosis");
    json_object_put (r);
    r = s_chat (s_globex, OPTIMIZE);
    s_local_optimization = s_text_at (r, "metadata.optimization");
    json_object_put (r);
    r = s_chat (s_member, GENERAL);
    s_local_general = strdup (qs_json_str (r, "message", ""));
    s_local_sources = s_text_at (r, "metadata.sources");
    json_object_put (r);

    /* replace the workflow worker by one that answers with the LLM */
    char base_url[300];
    snprintf (base_url, sizeof base_url, "QS_LLM_BASE_URL=%s", s_fake.base_url);
    const char *llm_env[] = { base_url, "QS_LLM_TIMEOUT_MS=15000", NULL };
    ck_assert_ptr_nonnull (qs_harness_add (s_h, &(qs_harness_workers_t) {.kind = "workflow",
                                                                          .env = llm_env}));
    sleep (1);
    /* SIGTERM: it leaves the broker cleanly */
    qs_proc_stop (qs_harness_proc (s_h, "workflow"), SIGTERM, 5000);
}

static void
s_teardown (void)
{
    qs_harness_destroy (&s_h);
    fake_llm_stop (&s_fake);
    free (s_member);
    free (s_globex);
    free (s_local_diagnosis);
    free (s_local_optimization);
    free (s_local_general);
    free (s_local_sources);
}

/* ---- the stream ----------------------------------------------------------- */

typedef struct {
    qs_sse_t *sse;
    char order[64];             /* one letter per event kind change: i s t d e */
    char tokens[16384];
    int ntokens;
    json_object *done;
    int unknown;                /* events outside the contract */
} s_stream_t;

static int
s_on_event (const qs_sse_event_t *ev, void *arg)
{
    s_stream_t *s = arg;
    const char *event = ev->name, *data = ev->data;
    char kind = !strcmp (event, "intent") ? 'i' : !strcmp (event, "step") ? 's'
              : !strcmp (event, "token") ? 't' : !strcmp (event, "done") ? 'd'
              : !strcmp (event, "error") ? 'e' : '?';
    if (kind == '?')
        s->unknown++;
    size_t n = strlen (s->order);
    if ((n == 0 || s->order[n - 1] != kind) && n + 1 < sizeof s->order) {
        s->order[n] = kind;
        s->order[n + 1] = '\0';
    }
    json_object *obj = qs_json_parse (data, strlen (data), NULL);
    if (kind == 't') {
        const char *text = qs_json_str (obj, "text", "");
        size_t len = strlen (s->tokens);
        snprintf (s->tokens + len, sizeof s->tokens - len, "%s", text);
        s->ntokens++;
    }
    else if (kind == 'd') {
        json_object_put (s->done);
        s->done = json_object_get (obj);
    }
    json_object_put (obj);
    return 0;
}

static int
s_on_chunk (const char *data, size_t len, void *arg)
{
    s_stream_t *s = arg;
    return qs_sse_feed (s->sse, data, len) ? -1 : 0;
}

static void
s_stream (const char *token, const char *message, s_stream_t *s)
{
    memset (s, 0, sizeof *s);
    s->sse = qs_sse_new (s_on_event, s, 0);
    json_object *body = json_object_new_object ();
    qs_json_add_str (body, "message", message);
    qs_http_resp_t resp;
    qs_err_t err = {0};
    int rc = qs_cli_http_stream ("POST", qs_harness_gateway (s_h), "/api/v1/chat/stream", token, body, 60000,
                                 s_on_chunk, NULL, s, &resp, &err);
    qs_sse_feed (s->sse, "\n\n", 2);
    ck_assert_msg (rc == 0 && resp.status == 200, "stream: rc=%d status=%ld %s", rc, resp.status, err.message);
    qs_http_resp_clear (&resp);
    qs_sse_destroy (&s->sse);
    json_object_put (body);
}

START_TEST (test_stream_tokens_from_the_llm)
{
    const char *reply = "Credentials should be **rotated regularly**.\n\n- Use the console to rotate.\n"
                        "- Update your clients afterwards.";
    const char *replies[] = {reply, NULL};
    ck_assert_int_eq (fake_llm_replies (&s_fake, replies), 0);
    int before = fake_llm_requests (&s_fake);
    s_stream_t s;
    s_stream (s_member, GENERAL, &s);
    ck_assert_int_eq (s.unknown, 0);
    ck_assert_msg (!strcmp (s.order, "itd") || !strcmp (s.order, "istd"), "event order %s", s.order);
    ck_assert_ptr_nonnull (s.done);
    /* the tokens, concatenated in arrival order, are the model's answer */
    ck_assert_str_eq (s.tokens, reply);
    ck_assert_int_gt (s.ntokens, 5);
    ck_assert_str_eq (qs_json_str (s.done, "message", ""), reply);
    json_object *meta = qs_json_get (s.done, "metadata", json_type_object);
    ck_assert_str_eq (qs_json_str (meta, "engine", ""), "llm");
    ck_assert_ptr_null (qs_json_get (meta, "llm_error", json_type_string));
    ck_assert_int_eq (fake_llm_requests (&s_fake), before + 1);
    /* the sources stay the ones the workflow retrieved */
    char *sources = s_text_at (s.done, "metadata.sources");
    ck_assert_str_eq (sources, s_local_sources);
    free (sources);
    /* the request the model got: bounded, streamed, the passage titles in it,
       no bearer token */
    json_object *stats = fake_llm_stats (&s_fake);
    json_object *bodies = qs_json_get (stats, "bodies", json_type_array);
    json_object *last = json_object_array_get_idx (bodies, json_object_array_length (bodies) - 1);
    ck_assert (qs_json_bool (last, "stream", false));
    ck_assert_int_gt ((int) qs_json_int (last, "max_tokens", 0), 0);
    const char *sent = json_object_to_json_string (last);
    ck_assert_ptr_null (strstr (sent, s_member));
    ck_assert_ptr_null (strstr (sent, "Bearer "));
    json_object *src = qs_json_path (s.done, "metadata.sources.0");
    ck_assert_ptr_nonnull (src);
    ck_assert_ptr_nonnull (strstr (sent, qs_json_str (src, "title", "?")));
    json_object_put (stats);
    json_object_put (s.done);
}
END_TEST

START_TEST (test_503_burst_falls_back_to_the_template)
{
    const char *steps[] = {"503:1", "503:1", "503:1", "503:1", NULL};
    ck_assert_int_eq (fake_llm_script (&s_fake, steps), 0);
    int before = fake_llm_requests (&s_fake);
    int64_t t0 = qs_mono_ms ();
    s_stream_t s;
    s_stream (s_member, GENERAL, &s);
    int64_t took = qs_mono_ms () - t0;
    ck_assert_ptr_nonnull (s.done);
    json_object *meta = qs_json_get (s.done, "metadata", json_type_object);
    ck_assert_str_eq (qs_json_str (meta, "engine", ""), "local");
    ck_assert_str_eq (qs_json_str (meta, "llm_error", ""), "llm_unavailable");
    /* the template's answer, streamed as its tokens, well within the
       gateway's 30 s deadline */
    ck_assert_str_eq (qs_json_str (s.done, "message", ""), s_local_general);
    ck_assert_str_eq (s.tokens, s_local_general);
    ck_assert_msg (took < 15000, "took %lld ms", (long long) took);
    ck_assert_int_ge (fake_llm_requests (&s_fake), before + 2);   /* it did retry */
    json_object_put (s.done);
    /* drain what the burst left so later tests start clean */
    const char *ok[] = {"ok", NULL};
    fake_llm_script (&s_fake, ok);
    json_object_put (s_chat (s_member, "hello"));
}
END_TEST

START_TEST (test_broken_stream_completes_with_the_template)
{
    const char *steps[] = {"errchunk", NULL};
    const char *replies[] = {"Rotate them every ninety days, and then the stream breaks.", NULL};
    ck_assert_int_eq (fake_llm_script (&s_fake, steps), 0);
    ck_assert_int_eq (fake_llm_replies (&s_fake, replies), 0);
    s_stream_t s;
    s_stream (s_member, GENERAL, &s);
    ck_assert_ptr_nonnull (s.done);
    const char *msg = qs_json_str (s.done, "message", "");
    /* what the client saw is what was saved: the model's first words, a
       note, then the complete template answer */
    ck_assert_str_eq (s.tokens, msg);
    ck_assert (!strncmp (msg, "Rotat", 5));
    ck_assert_ptr_nonnull (strstr (msg, "cut off"));
    ck_assert_ptr_nonnull (strstr (msg, s_local_general));
    json_object *meta = qs_json_get (s.done, "metadata", json_type_object);
    ck_assert_str_eq (qs_json_str (meta, "engine", ""), "llm");
    ck_assert_str_eq (qs_json_str (meta, "llm_error", ""), "llm_bad_response");
    json_object_put (s.done);
}
END_TEST

START_TEST (test_findings_identical_with_the_llm)
{
    json_object *r = s_chat (s_member, DIAGNOSE);
    ck_assert_str_eq (qs_json_str (qs_json_get (r, "metadata", json_type_object), "engine", ""), "llm");
    char *diagnosis = s_text_at (r, "metadata.diagnosis");
    ck_assert_str_eq (diagnosis, s_local_diagnosis);
    ck_assert_ptr_nonnull (strstr (diagnosis, "oom_killed"));
    /* a proposed fix keeps its confirmation request after the model's text */
    json_object *action = qs_json_path (r, "actions.0");
    if (action && !strcmp (qs_json_str (action, "status", ""), "pending_confirmation")) {
        const char *msg = qs_json_str (r, "message", "");
        ck_assert_ptr_nonnull (strstr (msg, qs_json_str (action, "summary", "?")));
        ck_assert_ptr_nonnull (strstr (msg, "**yes**"));
    }
    free (diagnosis);
    json_object_put (r);
    r = s_chat (s_globex, OPTIMIZE);
    ck_assert_str_eq (qs_json_str (qs_json_get (r, "metadata", json_type_object), "engine", ""), "llm");
    char *optimization = s_text_at (r, "metadata.optimization");
    ck_assert_str_eq (optimization, s_local_optimization);
    free (optimization);
    json_object_put (r);
}
END_TEST

START_TEST (test_plan_keeps_its_template)
{
    int before = fake_llm_requests (&s_fake);
    json_object *r = s_chat (s_member, "create a redis cache called e2e-llm-cache for staging");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "provision_service");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "pending_confirmation");
    ck_assert_str_eq (qs_json_str (qs_json_get (r, "metadata", json_type_object), "engine", ""), "local");
    ck_assert_ptr_nonnull (strstr (qs_json_str (r, "message", ""), "Reply **yes** to create it"));
    ck_assert_int_eq (fake_llm_requests (&s_fake), before);
    json_object_put (r);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("e2e_llm");
    TCase *tc = tcase_create ("suite");
    tcase_add_unchecked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 120);
    tcase_add_test (tc, test_stream_tokens_from_the_llm);
    tcase_add_test (tc, test_503_burst_falls_back_to_the_template);
    tcase_add_test (tc, test_broken_stream_completes_with_the_template);
    tcase_add_test (tc, test_findings_identical_with_the_llm);
    tcase_add_test (tc, test_plan_keeps_its_template);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
