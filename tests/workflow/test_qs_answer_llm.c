/*  qs_answer_prompt and qs_answer_llm: the prompt builder (facts in,
    secrets out, size bounded) and the answer writer against
    tests/fakes/fake_llm.py (tokens in order, fallback before the first
    token, completion after a broken stream, plans kept, confirmation line,
    invented amounts caught). */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include "../llm/fake_llm_proc.h"
#include "qs_answer_llm.h"
#include "qs_json.h"
#include "qs_util.h"

static json_object *
J (const char *text)
{
    json_object *o = json_tokener_parse (text);
    ck_assert_msg (o != NULL, "bad fixture: %s", text);
    return o;
}

static const char *JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";

/*  A diagnosis turn's metadata with everything the prompt must carry, and
    secrets in the places they could leak from. */
static json_object *
s_meta (void)
{
    json_object *meta = J (
        "{\"workflow\":\"diagnose\",\"confidence\":0.91,\"intent_engine\":\"local\","
        "\"timings_ms\":{\"total\":12},"
        "\"diagnosis\":{\"service_id\":\"svc-1\",\"findings\":[{\"code\":\"oom_killed\",\"severity\":\"critical\","
        "\"evidence\":\"container redis terminated: OOMKilled (exit code 137), 4 restarts\"}],"
        "\"recommendations\":[{\"priority\":\"high\",\"action\":\"upgrade_tier\","
        "\"description\":\"Move acme-cache from small to medium: memory p95 is 97%\"}]},"
        "\"data_gaps\":[\"pod metrics unavailable\"],"
        "\"services\":[{\"id\":\"svc-1\",\"name\":\"acme-cache\",\"service_type\":\"redis\",\"tier\":\"small\","
        "\"status\":\"running\",\"monthly_cost\":43.8,\"namespace\":\"qs-acme\","
        "\"password\":\"hunter2-service-pw\",\"admin_token\":\"tok-admin-998877\","
        "\"connection\":{\"host\":\"acme-cache.qs.internal\",\"port\":6379,\"username\":\"default\","
        "\"uri\":\"redis://default:s3cr3t-uri-pw@acme-cache.qs.internal:6379\",\"password\":\"conn-pw-112233\"}}],"
        "\"sources_full\":[{\"id\":\"kb-oom\",\"title\":\"Redis out of memory\","
        "\"snippet\":\"Raise maxmemory or move to a larger tier; set an eviction policy.\"}]}");
    /* a computed number, as qs_optimize makes them */
    json_object *opt = json_object_new_object ();
    json_object_object_add (opt, "total_potential_savings", json_object_new_double (0.1 + 0.2 + 45.69));
    json_object_object_add (meta, "optimization", opt);
    return meta;
}

static json_object *
s_history (void)
{
    char turn[512];
    json_object *h = json_object_new_array ();
    snprintf (turn, sizeof turn, "{\"role\":\"user\",\"content\":\"hi, my header is Authorization: Bearer %s\"}", JWT);
    json_object_array_add (h, J (turn));
    json_object_array_add (h, J ("{\"role\":\"assistant\",\"content\":\"Hello! Ask me about acme-cache.\"}"));
    json_object_array_add (h, J ("{\"role\":\"system\",\"content\":\"internal note never shown\"}"));
    json_object_array_add (h, J ("{\"role\":\"user\",\"content\":\"why is acme-cache restarting? api_key=sk-live-5566\"}"));
    return h;
}

static const char *MESSAGE = "why is acme-cache restarting? api_key=sk-live-5566";
static const char *DRAFT = "**acme-cache is running.** Here is what I found:\n\n- **oom_killed** (critical): "
                           "OOMKilled\n\nUse token=draft-token-4455 nowhere.\n";

static char *
s_prompt_text (json_object *messages)
{
    char *all = strdup ("");
    for (size_t i = 0; i < json_object_array_length (messages); i++) {
        char *next = qs_strdupf ("%s\n%s", all, qs_json_str (json_object_array_get_idx (messages, i), "content", ""));
        free (all);
        all = next;
    }
    return all;
}

static json_object *
s_build (json_object *meta, json_object *history, json_object *actions, const char *message, const char *draft)
{
    qs_err_t err = {0};
    char *prompt = qs_answer_prompt_load (NULL, &err);
    ck_assert_msg (prompt != NULL, "%s", err.message);
    qs_answer_input_t in = {"troubleshoot", message, history, meta, actions, draft};
    json_object *messages = qs_answer_prompt_messages (prompt, &in, &err);
    ck_assert_msg (messages != NULL, "%s", err.message);
    free (prompt);
    return messages;
}

START_TEST (test_facts_present)
{
    json_object *meta = s_meta (), *history = s_history ();
    json_object *messages = s_build (meta, history, NULL, MESSAGE, DRAFT);
    ck_assert_int_eq ((int) json_object_array_length (messages), 2);
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (messages, 0), "role", ""), "system");
    const char *user = qs_json_str (json_object_array_get_idx (messages, 1), "content", "");
    static const char *facts[] = {"oom_killed", "critical", "OOMKilled (exit code 137), 4 restarts",
                                  "upgrade_tier", "memory p95 is 97%", "pod metrics unavailable",
                                  "acme-cache.qs.internal", "6379", "43.8", "Redis out of memory",
                                  "Raise maxmemory", "Hello! Ask me about acme-cache.", "troubleshoot",
                                  "\"why is acme-cache restarting?", "**acme-cache is running.**", NULL};
    for (int i = 0; facts[i]; i++)
        ck_assert_msg (strstr (user, facts[i]), "missing '%s' in:\n%s", facts[i], user);
    /* numbers the model copies carry no binary noise */
    ck_assert_msg (strstr (user, "\"total_potential_savings\":45.99"), "%s", user);
    /* every placeholder was filled; bookkeeping stays out */
    ck_assert_ptr_null (strstr (user, "{{"));
    ck_assert_ptr_null (strstr (user, "timings_ms"));
    ck_assert_ptr_null (strstr (user, "internal note never shown"));
    /* the message comes once, not again as the last turn of the history */
    const char *first = strstr (user, "why is acme-cache restarting?");
    ck_assert_ptr_null (strstr (first + 1, "why is acme-cache restarting?"));
    const char *system = qs_json_str (json_object_array_get_idx (messages, 0), "content", "");
    ck_assert_ptr_nonnull (strstr (system, "TASK: answer"));
    ck_assert_ptr_nonnull (strstr (system, "Copy every number exactly"));
    ck_assert_ptr_null (strstr (system, "{{"));
    json_object_put (messages);
    json_object_put (history);
    json_object_put (meta);
}
END_TEST

START_TEST (test_secrets_absent)
{
    json_object *meta = s_meta (), *history = s_history ();
    json_object *actions = J ("[{\"id\":\"a1\",\"type\":\"restart_pod\",\"status\":\"pending_confirmation\","
                              "\"summary\":\"Restart pod acme-cache-0\",\"idempotency_key\":\"fix-run-7\","
                              "\"config\":{\"pod\":\"acme-cache-0\",\"secret_ref\":\"sec-ref-7788\"}}]");
    char message[256];
    snprintf (message, sizeof message, "use password=topsecret99 and Bearer %s please", JWT);
    json_object *messages = s_build (meta, history, actions, message, DRAFT);
    char *all = s_prompt_text (messages);
    static const char *secrets[] = {"hunter2-service-pw", "tok-admin-998877", "s3cr3t-uri-pw",
                                    "conn-pw-112233", "sk-live-5566", "topsecret99", "draft-token-4455",
                                    "sec-ref-7788", "fix-run-7", NULL};
    for (int i = 0; secrets[i]; i++)
        ck_assert_msg (!strstr (all, secrets[i]), "'%s' leaked into the prompt", secrets[i]);
    ck_assert_ptr_null (strstr (all, JWT));
    ck_assert_ptr_null (strstr (all, "eyJzdWIiOiJhbGljZSJ9"));
    /* what is not secret survives: the action, the user name of the URI */
    ck_assert_ptr_nonnull (strstr (all, "Restart pod acme-cache-0"));
    ck_assert_ptr_nonnull (strstr (all, "redis://default:[REDACTED]@acme-cache.qs.internal"));
    free (all);
    json_object_put (messages);
    json_object_put (actions);
    json_object_put (history);
    json_object_put (meta);
}
END_TEST

START_TEST (test_size_bounded)
{
    /* everything far too big: 400 services, 300 findings of 4 KB, a long
       multi-byte message and history, a 200 KB draft */
    json_object *meta = json_object_new_object (), *services = json_object_new_array ();
    json_object *findings = json_object_new_array ();
    char big[4096];
    memset (big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int i = 0; i < 400; i++) {
        json_object *s = json_object_new_object ();
        char name[64];
        snprintf (name, sizeof name, "svc-%03d", i);
        qs_json_add_str (s, "name", name);
        qs_json_add_str (s, "version", big);
        json_object_array_add (services, s);
    }
    for (int i = 0; i < 300; i++) {
        json_object *f = json_object_new_object ();
        qs_json_add_str (f, "code", i == 0 ? "disk_full" : "high_cpu");
        qs_json_add_str (f, "evidence", big);
        json_object_array_add (findings, f);
    }
    json_object *d = json_object_new_object ();
    json_object_object_add (d, "findings", findings);
    json_object_object_add (meta, "diagnosis", d);
    json_object_object_add (meta, "services", services);
    size_t mlen = 8000 * 3;
    char *message = malloc (mlen + 1), *draft = malloc (200 * 1024 + 1);
    for (size_t i = 0; i < mlen; i += 3)
        memcpy (message + i, "\xe2\x82\xac", 3);        /* 8000 euro signs */
    message[mlen] = '\0';
    memset (draft, 'd', 200 * 1024);
    draft[200 * 1024] = '\0';
    json_object *history = json_object_new_array ();
    for (int i = 0; i < 40; i++) {
        json_object *m = json_object_new_object ();
        qs_json_add_str (m, "role", i % 2 ? "assistant" : "user");
        qs_json_add_str (m, "content", message);
        json_object_array_add (history, m);
    }
    json_object *messages = s_build (meta, history, NULL, message, draft);
    size_t total = 0;
    for (size_t i = 0; i < json_object_array_length (messages); i++) {
        const char *c = qs_json_str (json_object_array_get_idx (messages, i), "content", "");
        total += strlen (c);
        ck_assert_msg (qs_utf8_length (c, strlen (c)) >= 0, "message %zu is not valid UTF-8", i);
    }
    ck_assert_msg (total <= QS_ANSWER_PROMPT_MAX, "prompt is %zu bytes", total);
    const char *user = qs_json_str (json_object_array_get_idx (messages, 1), "content", "");
    ck_assert_ptr_nonnull (strstr (user, "disk_full"));      /* the first finding stays */
    ck_assert_ptr_nonnull (strstr (user, "more not shown")); /* and the cut is said */
    json_object_put (messages);
    json_object_put (history);
    json_object_put (meta);
    free (message);
    free (draft);
}
END_TEST

START_TEST (test_plans_and_confirmation)
{
    json_object *plan = J ("[{\"id\":\"a1\",\"type\":\"provision_service\",\"status\":\"pending_confirmation\","
                           "\"summary\":\"Create redis 7.2 'c'\"}]");
    json_object *fix = J ("[{\"id\":\"a2\",\"type\":\"restart_pod\",\"status\":\"pending_confirmation\","
                          "\"summary\":\"Restart pod acme-cache-0 of acme-cache\"}]");
    json_object *done = J ("[{\"id\":\"a3\",\"type\":\"provision_service\",\"status\":\"executed\","
                           "\"summary\":\"Create redis\"}]");
    qs_answer_input_t in = {"provision_service", "make a redis", NULL, NULL, plan, DRAFT};
    ck_assert (!qs_answer_llm_applies (&in));           /* the plan is the consent text */
    in.actions = done;
    ck_assert (qs_answer_llm_applies (&in));
    in.actions = fix;
    ck_assert (qs_answer_llm_applies (&in));
    in.draft = NULL;
    ck_assert (!qs_answer_llm_applies (&in));
    char *line = qs_answer_llm_confirmation (fix);
    ck_assert_ptr_nonnull (line);
    ck_assert_ptr_nonnull (strstr (line, "Restart pod acme-cache-0 of acme-cache"));
    ck_assert_ptr_nonnull (strstr (line, "**yes**"));
    ck_assert_ptr_nonnull (strstr (line, "**no**"));
    free (line);
    ck_assert_ptr_null (qs_answer_llm_confirmation (done));
    ck_assert_ptr_null (qs_answer_llm_confirmation (NULL));
    json_object_put (plan);
    json_object_put (fix);
    json_object_put (done);
}
END_TEST

START_TEST (test_bad_prompt)
{
    qs_err_t err = {0};
    qs_answer_input_t in = {"general_question", "hi", NULL, NULL, NULL, "hello"};
    ck_assert_ptr_null (qs_answer_prompt_messages ("no sections here {{message}}", &in, &err));
    ck_assert_int_eq (err.status, 500);
    qs_err_clear (&err);
    ck_assert_ptr_null (qs_answer_prompt_load ("/nonexistent-dir", &err));
    ck_assert_int_eq (err.status, 500);
    /* the facts of an empty turn are an empty object, not a failure */
    json_object *facts = qs_answer_prompt_facts (&in);
    ck_assert_ptr_nonnull (facts);
    ck_assert_int_eq (json_object_object_length (facts), 0);
    json_object_put (facts);
}
END_TEST

/* ---- against the fake LLM ------------------------------------------------ */

static fake_llm_t s_fake;

typedef struct {
    char text[8192];
    int pieces;
} s_sink_t;

static int
s_sink (const char *text, size_t len, void *arg)
{
    s_sink_t *s = arg;
    size_t n = strlen (s->text);
    ck_assert (n + len < sizeof s->text);
    memcpy (s->text + n, text, len);
    s->text[n + len] = '\0';
    s->pieces++;
    return 0;
}

static qs_llm_t *
s_llm (void)
{
    ck_assert_int_eq (fake_llm_start (&s_fake, NULL), 0);
    qs_llm_config_t cfg;
    qs_llm_config_defaults (&cfg);
    cfg.base_url = s_fake.base_url;
    cfg.timeout_ms = 8000;
    qs_llm_t *llm = qs_llm_new (&cfg);
    ck_assert_ptr_nonnull (llm);
    return llm;
}

static char *
s_write (qs_llm_t *llm, json_object *actions, int64_t remaining, s_sink_t *sink, qs_err_t *err)
{
    json_object *meta = s_meta ();
    qs_answer_input_t in = {"troubleshoot", MESSAGE, NULL, meta, actions, DRAFT};
    qs_answer_llm_call_t call = {remaining, "rid-test", NULL, s_sink, sink};
    char *text = qs_answer_llm_write (llm, &in, &call, err);
    json_object_put (meta);
    return text;
}

START_TEST (test_write_streams_in_order)
{
    qs_llm_t *llm = s_llm ();
    const char *reply = "**acme-cache** was OOM-killed (exit code 137). Move it to *medium*.";
    const char *replies[] = {reply, NULL};
    ck_assert_int_eq (fake_llm_replies (&s_fake, replies), 0);
    s_sink_t sink = {"", 0};
    qs_err_t err = {0};
    char *text = s_write (llm, NULL, 20000, &sink, &err);
    ck_assert_msg (text != NULL, "%s", err.message);
    ck_assert_int_eq (err.status, 0);
    ck_assert_str_eq (text, reply);
    ck_assert_str_eq (sink.text, reply);               /* the deltas, in order, are the answer */
    ck_assert_int_gt (sink.pieces, 3);                 /* streamed, not one block */
    json_object *stats = fake_llm_stats (&s_fake);
    json_object *body = qs_json_path (stats, "bodies.0");
    ck_assert (qs_json_bool (body, "stream", false));
    ck_assert_int_eq ((int) qs_json_int (body, "max_tokens", 0), QS_ANSWER_LLM_MAX_TOKENS);
    ck_assert_ptr_nonnull (strstr (json_object_to_json_string (body), "oom_killed"));
    json_object_put (stats);
    free (text);
    qs_llm_destroy (&llm);
    fake_llm_stop (&s_fake);
}
END_TEST

START_TEST (test_write_falls_back_before_first_token)
{
    qs_llm_t *llm = s_llm ();
    const char *steps[] = {"503:1", "503:1", "503:1", NULL};
    ck_assert_int_eq (fake_llm_script (&s_fake, steps), 0);
    s_sink_t sink = {"", 0};
    qs_err_t err = {0};
    int64_t t0 = qs_mono_ms ();
    char *text = s_write (llm, NULL, 20000, &sink, &err);
    ck_assert_ptr_null (text);
    ck_assert_int_eq (sink.pieces, 0);                 /* nothing went out: the caller streams the template */
    ck_assert_str_eq (err.code, "llm_unavailable");
    ck_assert_int_lt (qs_mono_ms () - t0, 10000);
    /* no time left: no call at all */
    int before = fake_llm_requests (&s_fake);
    ck_assert_ptr_null (s_write (llm, NULL, 800, &sink, &err));
    ck_assert_str_eq (err.code, "deadline_exceeded");
    ck_assert_int_eq (fake_llm_requests (&s_fake), before);
    qs_llm_destroy (&llm);
    fake_llm_stop (&s_fake);
}
END_TEST

START_TEST (test_write_completes_a_broken_stream)
{
    qs_llm_t *llm = s_llm ();
    const char *steps[] = {"errchunk", NULL};
    const char *replies[] = {"The cache ran out of memory and was killed.", NULL};
    ck_assert_int_eq (fake_llm_script (&s_fake, steps), 0);
    ck_assert_int_eq (fake_llm_replies (&s_fake, replies), 0);
    s_sink_t sink = {"", 0};
    qs_err_t err = {0};
    char *text = s_write (llm, NULL, 20000, &sink, &err);
    ck_assert_ptr_nonnull (text);
    ck_assert_int_ne (err.status, 0);                  /* the caller learns the stream broke */
    ck_assert_str_eq (text, sink.text);                /* what was saved is what was streamed */
    ck_assert (!strncmp (text, "The c", 5));           /* the model's first piece stays */
    ck_assert_ptr_nonnull (strstr (text, "cut off"));
    ck_assert_ptr_nonnull (strstr (text, DRAFT));      /* and the facts follow, complete */
    free (text);
    qs_llm_destroy (&llm);
    fake_llm_stop (&s_fake);
}
END_TEST

START_TEST (test_write_keeps_plans_and_confirms_fixes)
{
    qs_llm_t *llm = s_llm ();
    json_object *plan = J ("[{\"id\":\"a1\",\"type\":\"provision_service\",\"status\":\"pending_confirmation\","
                           "\"summary\":\"Create redis\"}]");
    json_object *fix = J ("[{\"id\":\"a2\",\"type\":\"change_tier\",\"status\":\"pending_confirmation\","
                          "\"summary\":\"Move acme-cache from small to medium\"}]");
    s_sink_t sink = {"", 0};
    qs_err_t err = {0};
    ck_assert_ptr_null (s_write (llm, plan, 20000, &sink, &err));
    ck_assert_int_eq (err.status, 0);                  /* not a failure: the template answers */
    ck_assert_int_eq (fake_llm_requests (&s_fake), 0);
    const char *replies[] = {"Memory is the problem; a bigger tier fixes it.", NULL};
    ck_assert_int_eq (fake_llm_replies (&s_fake, replies), 0);
    char *text = s_write (llm, fix, 20000, &sink, &err);
    ck_assert_ptr_nonnull (text);
    ck_assert_str_eq (text, sink.text);
    char *line = qs_answer_llm_confirmation (fix);
    size_t tl = strlen (text), ll = strlen (line);
    ck_assert (tl > ll && !strcmp (text + tl - ll, line));    /* the fixed line ends the answer */
    free (line);
    free (text);
    json_object_put (plan);
    json_object_put (fix);
    qs_llm_destroy (&llm);
    fake_llm_stop (&s_fake);
}
END_TEST

START_TEST (test_write_checks_amounts)
{
    qs_llm_t *llm = s_llm ();
    /* 43.8 and 45.99 are in the facts: copied amounts pass */
    const char *good = "acme-cache costs $43.80 a month and you could save $45.99.";
    const char *bad = "Moving to medium costs only $12.34 more per month.";
    const char *replies[] = {good, bad, NULL};
    ck_assert_int_eq (fake_llm_replies (&s_fake, replies), 0);
    s_sink_t sink = {"", 0};
    qs_err_t err = {0};
    char *text = s_write (llm, NULL, 20000, &sink, &err);
    ck_assert_ptr_nonnull (text);
    ck_assert_int_eq (err.status, 0);
    ck_assert_str_eq (text, good);
    free (text);
    memset (&sink, 0, sizeof sink);
    text = s_write (llm, NULL, 20000, &sink, &err);
    ck_assert_ptr_nonnull (text);
    ck_assert_str_eq (err.code, "llm_unverified_amount");
    ck_assert_str_eq (text, sink.text);
    ck_assert (!strncmp (text, bad, strlen (bad)));
    ck_assert_ptr_nonnull (strstr (text, DRAFT));      /* the exact figures follow */
    free (text);
    qs_llm_destroy (&llm);
    fake_llm_stop (&s_fake);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("answer_llm");
    TCase *tc = tcase_create ("prompt");
    tcase_add_test (tc, test_facts_present);
    tcase_add_test (tc, test_secrets_absent);
    tcase_add_test (tc, test_size_bounded);
    tcase_add_test (tc, test_plans_and_confirmation);
    tcase_add_test (tc, test_bad_prompt);
    suite_add_tcase (s, tc);
    tc = tcase_create ("write");
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_write_streams_in_order);
    tcase_add_test (tc, test_write_falls_back_before_first_token);
    tcase_add_test (tc, test_write_completes_a_broken_stream);
    tcase_add_test (tc, test_write_keeps_plans_and_confirms_fixes);
    tcase_add_test (tc, test_write_checks_amounts);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
