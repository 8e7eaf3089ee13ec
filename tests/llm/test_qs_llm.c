/*  qs_llm against tests/fakes/fake_llm.py: each behaviour of the client
    (format, retries, retry-after, breaker, deadline, errors, secrets,
    threads). Streaming is test_qs_llm_stream.c. */
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

START_TEST (test_chat_text)
{
    qs_metrics_t *metrics = qs_metrics_new ();
    qs_llm_t *llm = s_client ("openai/gpt-oss-20b", metrics);
    const char *replies[] = {"Redis is an in-memory store.", NULL};
    fake_llm_replies (&s_fake, replies);
    json_object *msgs = fake_llm_messages ("what is redis?");
    qs_llm_request_t req = {.messages = msgs, .max_tokens = 77, .temperature = 0.2,
                            .reasoning_effort = "low"};
    qs_llm_result_t res;
    qs_err_t err;
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), 0);
    ck_assert_str_eq (res.content, "Redis is an in-memory store.");
    ck_assert_ptr_nonnull (res.reasoning);
    ck_assert_ptr_null (strstr (res.content, res.reasoning));
    ck_assert_ptr_null (res.json);
    ck_assert_int_eq (res.attempts, 1);
    ck_assert_int_gt (res.prompt_tokens, 0);
    ck_assert_int_gt (res.completion_tokens, 0);
    ck_assert (res.queue_time > 0.011 && res.queue_time < 0.013);
    ck_assert (res.total_time > 0.023 && res.total_time < 0.025);
    ck_assert_str_eq (res.finish_reason, "stop");
    ck_assert_str_eq (res.id, "chatcmpl-fake1");
    qs_llm_result_free (&res);

    json_object *stats = fake_llm_stats (&s_fake);
    json_object *body = fake_llm_body (stats, 0);
    ck_assert_int_eq (qs_json_int (body, "max_tokens", 0), 77);
    ck_assert (qs_json_double (body, "temperature", -1) > 0.19);
    ck_assert_str_eq (qs_json_str (body, "reasoning_effort", ""), "low");
    ck_assert_str_eq (qs_json_str (body, "model", ""), "openai/gpt-oss-20b");
    ck_assert_ptr_null (qs_json_get (body, "response_format", json_type_object));
    ck_assert_ptr_null (qs_json_get (body, "stream", json_type_boolean));
    ck_assert_str_eq (qs_json_str (qs_json_path (body, "messages.1"), "content", ""),
                      "what is redis?");
    ck_assert (json_object_get_boolean (qs_json_path (stats, "auth_ok.0")));
    json_object_put (stats);

    char *text = qs_metrics_render (metrics);
    ck_assert_ptr_nonnull (strstr (text,
        "qs_llm_requests_total{model=\"openai/gpt-oss-20b\",status=\"200\"} 1\n"));
    ck_assert_ptr_nonnull (strstr (text,
        "qs_llm_tokens_total{model=\"openai/gpt-oss-20b\",kind=\"prompt\"}"));
    ck_assert_ptr_nonnull (strstr (text,
        "qs_llm_request_duration_seconds_count{model=\"openai/gpt-oss-20b\"} 1\n"));
    ck_assert_ptr_nonnull (strstr (text,
        "qs_llm_queue_time_seconds_count{model=\"openai/gpt-oss-20b\"} 1\n"));
    ck_assert_ptr_nonnull (strstr (text, "qs_llm_ratelimit_remaining{kind=\"requests\"} 14399\n"));
    ck_assert_ptr_nonnull (strstr (text, "qs_llm_ratelimit_remaining{kind=\"tokens\"}"));
    ck_assert_ptr_null (strstr (text, KEY));
    free (text);
    json_object_put (msgs);
    qs_llm_destroy (&llm);
    ck_assert_ptr_null (llm);
    qs_llm_destroy (&llm);
    qs_metrics_destroy (&metrics);
}
END_TEST

START_TEST (test_json_object)
{
    qs_llm_t *llm = s_client ("m", NULL);
    const char *replies[] = {"{\"answer\": 42}", "```json\n{\"fenced\": true}\n```", NULL};
    fake_llm_replies (&s_fake, replies);
    json_object *msgs = fake_llm_messages ("json please");
    qs_llm_request_t req = {.messages = msgs, .format = QS_LLM_JSON_OBJECT};
    qs_llm_result_t res;
    qs_err_t err;
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), 0);
    ck_assert_int_eq (qs_json_int (res.json, "answer", 0), 42);
    qs_llm_result_free (&res);
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), 0);
    ck_assert (qs_json_bool (res.json, "fenced", false));
    qs_llm_result_free (&res);
    json_object *stats = fake_llm_stats (&s_fake);
    ck_assert_str_eq (qs_json_str (qs_json_path (stats, "bodies.0.response_format"), "type", ""),
                      "json_object");
    /* max_tokens is always sent, with a default */
    ck_assert_int_eq (qs_json_int (fake_llm_body (stats, 0), "max_tokens", 0), 1024);
    json_object_put (stats);
    json_object_put (msgs);
    qs_llm_destroy (&llm);
}
END_TEST

START_TEST (test_schema_fallback)
{
    qs_llm_t *llm = s_client ("fake/noschema", NULL);
    const char *replies[] = {"{\"a\": 1}", "{\"a\": 2}", NULL};
    fake_llm_replies (&s_fake, replies);
    json_object *msgs = fake_llm_messages ("x");
    json_object *schema = json_object_new_object ();
    qs_json_add_str (schema, "type", "object");
    qs_llm_request_t req = {.messages = msgs, .format = QS_LLM_JSON_SCHEMA, .schema = schema,
                            .schema_name = "thing"};
    qs_llm_result_t res;
    qs_err_t err;
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), 0);
    ck_assert_int_eq (qs_json_int (res.json, "a", 0), 1);
    ck_assert_int_eq (res.attempts, 2);
    ck_assert_int_eq (res.schema_downgraded, 1);
    qs_llm_result_free (&res);
    /* the instance remembers: the next call goes straight to json_object */
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), 0);
    ck_assert_int_eq (res.attempts, 1);
    ck_assert_int_eq (res.schema_downgraded, 1);
    qs_llm_result_free (&res);
    json_object *stats = fake_llm_stats (&s_fake);
    ck_assert_int_eq (qs_json_int (stats, "requests", 0), 3);
    json_object *rf0 = qs_json_path (stats, "bodies.0.response_format");
    ck_assert_str_eq (qs_json_str (rf0, "type", ""), "json_schema");
    ck_assert_str_eq (qs_json_str (qs_json_path (rf0, "json_schema"), "name", ""), "thing");
    ck_assert (qs_json_bool (qs_json_path (rf0, "json_schema"), "strict", false));
    ck_assert_str_eq (qs_json_str (qs_json_path (stats, "bodies.1.response_format"), "type", ""),
                      "json_object");
    ck_assert_str_eq (qs_json_str (qs_json_path (stats, "bodies.2.response_format"), "type", ""),
                      "json_object");
    json_object_put (stats);
    json_object_put (schema);
    json_object_put (msgs);
    qs_llm_destroy (&llm);
}
END_TEST

START_TEST (test_validate_failed_retried_once)
{
    qs_llm_t *llm = s_client ("fake/validate,ok", NULL);
    const char *replies[] = {"{\"ok\": true}", NULL};
    fake_llm_replies (&s_fake, replies);
    json_object *msgs = fake_llm_messages ("x");
    qs_llm_request_t req = {.messages = msgs, .format = QS_LLM_JSON_OBJECT};
    qs_llm_result_t res;
    qs_err_t err;
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), 0);
    ck_assert_int_eq (res.attempts, 2);
    ck_assert (qs_json_bool (res.json, "ok", false));
    qs_llm_result_free (&res);
    qs_llm_destroy (&llm);

    llm = s_client ("fake/validate", NULL);
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), -1);
    ck_assert_str_eq (err.code, "llm_invalid_output");
    ck_assert_int_eq (res.attempts, 2);
    ck_assert_ptr_null (res.content);
    ck_assert_int_eq (fake_llm_requests (&s_fake), 4);
    /* an invalid answer is not an outage: the breaker stays closed */
    ck_assert_int_eq (qs_llm_breaker_state (llm), 0);
    json_object_put (msgs);
    qs_llm_destroy (&llm);
}
END_TEST

START_TEST (test_invalid_json_content)
{
    qs_llm_t *llm = s_client ("fake/nonjson", NULL);
    json_object *msgs = fake_llm_messages ("x");
    qs_llm_request_t req = {.messages = msgs, .format = QS_LLM_JSON_OBJECT};
    qs_llm_result_t res;
    qs_err_t err;
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), -1);
    ck_assert_str_eq (err.code, "llm_invalid_output");
    ck_assert_int_eq (res.attempts, 2);
    /* the same prose is a fine answer in text mode */
    req.format = QS_LLM_TEXT;
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), 0);
    ck_assert_ptr_nonnull (strstr (res.content, "Sure!"));
    qs_llm_result_free (&res);
    json_object_put (msgs);
    qs_llm_destroy (&llm);
}
END_TEST

START_TEST (test_retry_after_honoured)
{
    qs_metrics_t *metrics = qs_metrics_new ();
    qs_llm_t *llm = s_client ("fake/429:1,ok", metrics);
    json_object *msgs = fake_llm_messages ("x");
    qs_llm_request_t req = {.messages = msgs};
    qs_llm_result_t res;
    qs_err_t err;
    int64_t t0 = qs_mono_ms ();
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), 0);
    int64_t took = qs_mono_ms () - t0;
    ck_assert_int_eq (res.attempts, 2);
    ck_assert_int_ge (took, 1000);
    ck_assert_int_lt (took, 3000);
    qs_llm_result_free (&res);
    json_object *stats = fake_llm_stats (&s_fake);
    int64_t gap = json_object_get_int64 (qs_json_path (stats, "times_ms.1"))
                  - json_object_get_int64 (qs_json_path (stats, "times_ms.0"));
    ck_assert_int_ge (gap, 950);
    json_object_put (stats);
    char *text = qs_metrics_render (metrics);
    ck_assert_ptr_nonnull (strstr (text, "qs_llm_requests_total{model=\"fake/429:1,ok\",status=\"429\"} 1\n"));
    ck_assert_ptr_nonnull (strstr (text, "qs_llm_retries_total{reason=\"rate_limited\"} 1\n"));
    free (text);
    json_object_put (msgs);
    qs_llm_destroy (&llm);
    qs_metrics_destroy (&metrics);
}
END_TEST

START_TEST (test_retryable_statuses)
{
    qs_llm_config_t cfg;
    qs_llm_config_defaults (&cfg);
    cfg.base_url = s_fake.base_url;
    cfg.api_key = KEY;
    cfg.model = "fake/498,503:0,500,502,ok";
    cfg.max_retries = 4;
    cfg.backoff_base_ms = 10;
    cfg.backoff_max_ms = 40;
    qs_llm_t *llm = qs_llm_new (&cfg);
    json_object *msgs = fake_llm_messages ("x");
    qs_llm_request_t req = {.messages = msgs};
    qs_llm_result_t res;
    qs_err_t err;
    int64_t t0 = qs_mono_ms ();
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), 0);
    ck_assert_int_lt (qs_mono_ms () - t0, 2500);
    ck_assert_int_eq (res.attempts, 5);
    qs_llm_result_free (&res);
    json_object_put (msgs);
    qs_llm_destroy (&llm);
}
END_TEST

START_TEST (test_retries_exhausted)
{
    qs_llm_t *llm = s_client ("fake/502", NULL);
    json_object *msgs = fake_llm_messages ("x");
    qs_llm_request_t req = {.messages = msgs};
    qs_llm_result_t res;
    qs_err_t err;
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), -1);
    ck_assert_int_eq (err.status, 503);
    ck_assert_str_eq (err.code, "llm_unavailable");
    ck_assert_int_eq (res.attempts, 3);         /* 1 + max_retries (2) */
    ck_assert_int_eq (fake_llm_requests (&s_fake), 3);
    /* a 4xx other than the JSON ones is not retried */
    qs_llm_destroy (&llm);
    llm = s_client ("fake/401", NULL);
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), -1);
    ck_assert_str_eq (err.code, "llm_rejected");
    ck_assert_int_eq (res.attempts, 1);
    json_object_put (msgs);
    qs_llm_destroy (&llm);
}
END_TEST

START_TEST (test_deadline_respected)
{
    qs_llm_t *llm = s_client ("fake/slow:3", NULL);
    json_object *msgs = fake_llm_messages ("x");
    int64_t t0 = qs_mono_ms ();
    qs_llm_request_t req = {.messages = msgs, .deadline_ms = t0 + 400};
    qs_llm_result_t res;
    qs_err_t err;
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), -1);
    int64_t took = qs_mono_ms () - t0;
    ck_assert_int_eq (err.status, 504);
    ck_assert_str_eq (err.code, "deadline_exceeded");
    ck_assert_int_ge (took, 350);
    ck_assert_int_lt (took, 1500);             /* the answer would take 3 s */
    ck_assert_int_eq (res.attempts, 1);
    /* a retry-after beyond the deadline fails at once, passing it on */
    qs_llm_destroy (&llm);
    llm = s_client ("fake/429:5", NULL);
    t0 = qs_mono_ms ();
    req.deadline_ms = t0 + 1500;
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), -1);
    ck_assert_int_lt (qs_mono_ms () - t0, 1400);    /* waiting would take 5 s */
    ck_assert_int_eq (err.status, 429);
    ck_assert_int_eq (err.retry_after, 5);
    ck_assert_int_eq (res.attempts, 1);
    /* a deadline already past sends nothing */
    int before = fake_llm_requests (&s_fake);
    req.deadline_ms = qs_mono_ms () - 1;
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), -1);
    ck_assert_int_eq (err.status, 504);
    ck_assert_int_eq (fake_llm_requests (&s_fake), before);
    json_object_put (msgs);
    qs_llm_destroy (&llm);
}
END_TEST

START_TEST (test_breaker)
{
    qs_metrics_t *metrics = qs_metrics_new ();
    qs_llm_config_t cfg;
    qs_llm_config_defaults (&cfg);
    cfg.base_url = s_fake.base_url;
    cfg.api_key = KEY;
    cfg.model = "fake/500,500,500,ok";
    cfg.max_retries = -1;
    cfg.breaker_threshold = 2;
    cfg.breaker_cooldown_ms = 300;
    cfg.metrics = metrics;
    qs_llm_t *llm = qs_llm_new (&cfg);
    json_object *msgs = fake_llm_messages ("x");
    qs_llm_request_t req = {.messages = msgs};
    qs_llm_result_t res;
    qs_err_t err;
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), -1);
    ck_assert_int_eq (qs_llm_breaker_state (llm), 0);
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), -1);
    ck_assert_int_eq (qs_llm_breaker_state (llm), 1);
    /* open: refused without a request */
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), -1);
    ck_assert_str_eq (err.code, "llm_unavailable");
    ck_assert_int_eq (err.status, 503);
    ck_assert_int_ge (err.retry_after, 1);
    ck_assert_int_eq (fake_llm_requests (&s_fake), 2);
    /* half-open after the cool-down; a failed trial opens it again */
    struct timespec ts = {0, 350 * 1000000L};
    nanosleep (&ts, NULL);
    ck_assert_int_eq (qs_llm_breaker_state (llm), 2);
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), -1);
    ck_assert_int_eq (fake_llm_requests (&s_fake), 3);
    ck_assert_int_eq (qs_llm_breaker_state (llm), 1);
    nanosleep (&ts, NULL);
    /* a good trial closes it */
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), 0);
    qs_llm_result_free (&res);
    ck_assert_int_eq (qs_llm_breaker_state (llm), 0);
    char *text = qs_metrics_render (metrics);
    ck_assert_ptr_nonnull (strstr (text, "status=\"breaker_open\"} 1\n"));
    ck_assert_ptr_nonnull (strstr (text, "qs_llm_breaker_state 0\n"));
    free (text);
    json_object_put (msgs);
    qs_llm_destroy (&llm);
    qs_metrics_destroy (&metrics);
}
END_TEST

START_TEST (test_malformed_and_truncated_body)
{
    qs_llm_t *llm = s_client ("fake/malformed,truncate,ok", NULL);
    json_object *msgs = fake_llm_messages ("x");
    qs_llm_request_t req = {.messages = msgs};
    qs_llm_result_t res;
    qs_err_t err;
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), 0);
    ck_assert_int_eq (res.attempts, 3);
    qs_llm_result_free (&res);
    qs_llm_destroy (&llm);
    llm = s_client ("fake/malformed", NULL);
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), -1);
    ck_assert_str_eq (err.code, "llm_unavailable");
    ck_assert_ptr_nonnull (strstr (err.message, "bad_response"));
    json_object_put (msgs);
    qs_llm_destroy (&llm);
}
END_TEST

START_TEST (test_secret_never_leaks)
{
    /* capture this process's log lines */
    char path[] = "/tmp/qs_llm_logXXXXXX";
    int fd = mkstemp (path);
    ck_assert_int_ge (fd, 0);
    fflush (stderr);
    ck_assert_ptr_nonnull (freopen (path, "w", stderr));
    qs_log_configure (QS_LOG_DEBUG, "text");
    qs_metrics_t *metrics = qs_metrics_new ();
    qs_llm_config_t cfg;
    qs_llm_config_defaults (&cfg);
    cfg.base_url = s_fake.base_url;
    cfg.api_key = "sk-wrong-" KEY;
    cfg.metrics = metrics;
    qs_llm_t *llm = qs_llm_new (&cfg);
    json_object *msgs = fake_llm_messages ("x");
    qs_llm_request_t req = {.messages = msgs};
    qs_llm_result_t res;
    qs_err_t err;
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), -1);
    ck_assert_str_eq (err.code, "llm_rejected");
    ck_assert_ptr_null (strstr (err.message, KEY));
    json_object *stats = fake_llm_stats (&s_fake);
    ck_assert (!json_object_get_boolean (qs_json_path (stats, "auth_ok.0")));
    json_object_put (stats);
    char *text = qs_metrics_render (metrics);
    ck_assert_ptr_null (strstr (text, KEY));
    free (text);
    qs_llm_destroy (&llm);
    /* a transport error path logs too */
    cfg.base_url = "http://127.0.0.1:1/v1";
    cfg.max_retries = -1;
    llm = qs_llm_new (&cfg);
    ck_assert_int_eq (qs_llm_chat (llm, &req, &res, &err), -1);
    ck_assert_str_eq (err.code, "llm_unavailable");
    ck_assert_ptr_null (strstr (err.message, KEY));
    qs_llm_destroy (&llm);
    fflush (stderr);
    char log[8192] = "";
    FILE *f = fopen (path, "r");
    size_t n = fread (log, 1, sizeof log - 1, f);
    log[n] = '\0';
    fclose (f);
    close (fd);
    unlink (path);
    ck_assert_ptr_nonnull (strstr (log, "llm"));
    ck_assert_ptr_null (strstr (log, KEY));
    json_object_put (msgs);
    qs_metrics_destroy (&metrics);
}
END_TEST

typedef struct {
    qs_llm_t *llm;
    int ok;
} s_worker_t;

static void *
s_worker (void *arg)
{
    s_worker_t *w = (s_worker_t *) arg;
    json_object *msgs = fake_llm_messages ("parallel");
    qs_llm_request_t req = {.messages = msgs};
    for (int i = 0; i < 4; i++) {
        qs_llm_result_t res;
        qs_err_t err;
        if (qs_llm_chat (w->llm, &req, &res, &err) == 0)
            w->ok++;
        qs_llm_result_free (&res);
    }
    json_object_put (msgs);
    return NULL;
}

START_TEST (test_shared_between_threads)
{
    qs_metrics_t *metrics = qs_metrics_new ();
    qs_llm_t *llm = s_client ("m", metrics);
    pthread_t threads[4];
    s_worker_t workers[4];
    for (int i = 0; i < 4; i++) {
        workers[i] = (s_worker_t) {llm, 0};
        ck_assert_int_eq (pthread_create (&threads[i], NULL, s_worker, &workers[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join (threads[i], NULL);
        ck_assert_int_eq (workers[i].ok, 4);
    }
    ck_assert_int_eq (fake_llm_requests (&s_fake), 16);
    char *text = qs_metrics_render (metrics);
    ck_assert_ptr_nonnull (strstr (text, "qs_llm_requests_total{model=\"m\",status=\"200\"} 16\n"));
    free (text);
    qs_llm_destroy (&llm);
    qs_metrics_destroy (&metrics);
}
END_TEST

START_TEST (test_config)
{
    qs_llm_config_t cfg;
    qs_llm_config_defaults (&cfg);
    ck_assert_ptr_null (qs_llm_new (&cfg));
    ck_assert_ptr_null (qs_llm_new (NULL));
    unsetenv ("QS_LLM_BASE_URL");
    ck_assert_ptr_null (qs_llm_new_from_env (NULL));
    setenv ("QS_LLM_BASE_URL", s_fake.base_url, 1);
    unsetenv ("QS_LLM_MODEL");
    qs_llm_t *llm = qs_llm_new_from_env (NULL);
    ck_assert_ptr_nonnull (llm);
    ck_assert_str_eq (qs_llm_model (llm), QS_LLM_DEFAULT_MODEL);
    qs_llm_destroy (&llm);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_llm");
    TCase *tc = tcase_create ("fake");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 20);
    tcase_add_test (tc, test_chat_text);
    tcase_add_test (tc, test_json_object);
    tcase_add_test (tc, test_schema_fallback);
    tcase_add_test (tc, test_validate_failed_retried_once);
    tcase_add_test (tc, test_invalid_json_content);
    tcase_add_test (tc, test_retry_after_honoured);
    tcase_add_test (tc, test_retryable_statuses);
    tcase_add_test (tc, test_retries_exhausted);
    tcase_add_test (tc, test_deadline_respected);
    tcase_add_test (tc, test_breaker);
    tcase_add_test (tc, test_malformed_and_truncated_body);
    tcase_add_test (tc, test_secret_never_leaks);
    tcase_add_test (tc, test_shared_between_threads);
    tcase_add_test (tc, test_config);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
