/*  qs_intent_llm against tests/fakes/fake_llm.py: valid answers come back
    as engine "llm", anything outside the contract is -1 (local fallback). */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake_llm_proc.h"
#include "qs_intent_llm.h"
#include "qs_json.h"
#include "qs_util.h"

#define TOKEN "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLWhlcmU"

static fake_llm_t s_fake;

static void
s_setup (void)
{
    ck_assert_int_eq (fake_llm_start (&s_fake, NULL), 0);
    setenv ("QS_LLM_BASE_URL", s_fake.base_url, 1);
    setenv ("QS_LLM_MODEL", "openai/gpt-oss-20b", 1);
    setenv ("QS_LLM_TIMEOUT_MS", "3000", 1);
    unsetenv ("QS_PROMPT_DIR");
}

static void
s_teardown (void)
{
    fake_llm_stop (&s_fake);
}

static void
s_reply (const char *content)
{
    const char *replies[] = {content, NULL};
    ck_assert_int_eq (fake_llm_replies (&s_fake, replies), 0);
}

/*  The last request's messages as one string, for "is X in the prompt". */
static char *
s_last_prompt (void)
{
    json_object *stats = fake_llm_stats (&s_fake);
    json_object *bodies = qs_json_get (stats, "bodies", json_type_array);
    ck_assert_ptr_nonnull (bodies);
    json_object *last = json_object_array_get_idx (bodies, json_object_array_length (bodies) - 1);
    char *text = strdup (qs_json_text (last));
    json_object_put (stats);
    return text;
}

START_TEST (test_off_without_base_url)
{
    unsetenv ("QS_LLM_BASE_URL");
    ck_assert_ptr_null (qs_intent_llm_new (NULL));
    setenv ("QS_LLM_BASE_URL", "", 1);
    ck_assert_ptr_null (qs_intent_llm_new (NULL));
    setenv ("QS_LLM_BASE_URL", s_fake.base_url, 1);
    ck_assert_ptr_null (qs_intent_llm_new ("/nonexistent/prompts"));
    qs_intent_llm_t *engine = qs_intent_llm_new (NULL);     /* the compiled-in directory */
    ck_assert_ptr_nonnull (engine);
    qs_intent_llm_destroy (&engine);
    ck_assert_ptr_null (engine);
    qs_intent_llm_destroy (&engine);
}
END_TEST

START_TEST (test_classify_valid)
{
    qs_metrics_t *metrics = qs_metrics_new ();
    qs_intent_llm_t *engine = qs_intent_llm_new (NULL);
    ck_assert_int_eq (qs_intent_llm_set_metrics (engine, metrics), 0);
    s_reply ("{\"intent\":\"troubleshoot\",\"confidence\":0.91,\"alternatives\":["
             "{\"intent\":\"get_service_info\",\"confidence\":0.06},"
             "{\"intent\":\"troubleshoot\",\"confidence\":0.91}]}");
    json_object *history = json_object_new_array ();
    json_object *turn = json_object_new_object ();
    qs_json_add_str (turn, "role", "user");
    qs_json_add_str (turn, "content", "here is my token: Bearer " TOKEN);
    json_object_array_add (history, turn);
    json_object *result = NULL;
    qs_err_t err;
    ck_assert_int_eq (qs_intent_llm_classify (engine, "rid-1", "my orders-db keeps restarting",
                                              history, NULL, &result, &err), 0);
    ck_assert_str_eq (qs_json_str (result, "intent", ""), "troubleshoot");
    ck_assert (qs_json_double (result, "confidence", 0) > 0.9);
    ck_assert_str_eq (qs_json_str (result, "engine", ""), "llm");
    json_object *alts = qs_json_get (result, "alternatives", json_type_array);
    ck_assert_int_eq (json_object_array_length (alts), 1);   /* the duplicate is dropped */
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (alts, 0), "intent", ""),
                      "get_service_info");
    json_object_put (result);

    char *prompt = s_last_prompt ();
    ck_assert_ptr_nonnull (strstr (prompt, "TASK: classify"));
    ck_assert_ptr_nonnull (strstr (prompt, "my orders-db keeps restarting"));
    ck_assert_ptr_null (strstr (prompt, TOKEN));          /* never a bearer token */
    ck_assert_ptr_nonnull (strstr (prompt, "\"json_schema\""));
    ck_assert_ptr_nonnull (strstr (prompt, "\"max_tokens\""));
    free (prompt);
    char *text = qs_metrics_render (metrics);
    ck_assert_ptr_nonnull (strstr (text, "qs_llm_requests_total{model=\"openai/gpt-oss-20b\",status=\"200\"} 1"));
    free (text);
    json_object_put (history);
    qs_intent_llm_destroy (&engine);
    qs_metrics_destroy (&metrics);
}
END_TEST

START_TEST (test_classify_heuristic_fake)
{
    /* no scripted reply: the fake answers from the prompt, end to end */
    qs_intent_llm_t *engine = qs_intent_llm_new (NULL);
    json_object *result = NULL;
    qs_err_t err;
    ck_assert_int_eq (qs_intent_llm_classify (engine, NULL, "how can I save on my bill?",
                                              NULL, NULL, &result, &err), 0);
    ck_assert_str_eq (qs_json_str (result, "intent", ""), "optimize_costs");
    json_object_put (result);
    /* a long turn is cut on a UTF-8 boundary (the fake rejects invalid UTF-8) */
    char turn_text[1024] = "a";
    for (int i = 0; i < 300; i++)
        strncat (turn_text, "\xe2\x82\xac", sizeof turn_text - strlen (turn_text) - 1);
    json_object *history = json_object_new_array ();
    json_object *turn = json_object_new_object ();
    qs_json_add_str (turn, "role", "user");
    qs_json_add_str (turn, "content", turn_text);
    json_object_array_add (history, turn);
    ck_assert_int_eq (qs_intent_llm_classify (engine, NULL, "is my redis down?", history,
                                              NULL, &result, &err), 0);
    ck_assert_str_eq (qs_json_str (result, "intent", ""), "troubleshoot");
    json_object_put (result);
    json_object_put (history);
    qs_intent_llm_destroy (&engine);
}
END_TEST

START_TEST (test_classify_invalid)
{
    static const char *bad[] = {
        "{\"intent\":\"make_coffee\",\"confidence\":0.9,\"alternatives\":[]}",
        "{\"intent\":\"troubleshoot\",\"confidence\":1.7,\"alternatives\":[]}",
        "{\"intent\":\"troubleshoot\",\"confidence\":\"high\"}",
        "{\"intent\":\"troubleshoot\",\"confidence\":0.5,\"alternatives\":[{\"intent\":\"dance\",\"confidence\":0.1}]}",
        "{\"intent\":\"troubleshoot\",\"confidence\":0.5,\"alternatives\":\"none\"}",
        "[\"troubleshoot\"]",
        NULL};
    qs_intent_llm_t *engine = qs_intent_llm_new (NULL);
    for (int i = 0; bad[i]; i++) {
        /* content that is not an object is retried once by the client: queue it twice */
        const char *replies[] = {bad[i], bad[i][0] == '[' ? bad[i] : NULL, NULL};
        fake_llm_replies (&s_fake, replies);
        json_object *result = NULL;
        qs_err_t err;
        ck_assert_msg (qs_intent_llm_classify (engine, NULL, "hi", NULL, NULL, &result, &err) == -1,
                       "accepted %s", bad[i]);
        ck_assert_ptr_null (result);
        ck_assert_str_eq (err.code, "llm_invalid_output");
    }
    qs_intent_llm_destroy (&engine);
}
END_TEST

START_TEST (test_classify_llm_down)
{
    setenv ("QS_LLM_MODEL", "fake/503:0", 1);
    qs_intent_llm_t *engine = qs_intent_llm_new (NULL);
    json_object *result = NULL;
    qs_err_t err;
    int64_t t0 = qs_mono_ms ();
    ck_assert_int_eq (qs_intent_llm_classify (engine, NULL, "hi", NULL, NULL, &result, &err), -1);
    ck_assert_int_lt (qs_mono_ms () - t0, 3000);
    ck_assert_ptr_null (result);
    ck_assert_int_eq (err.status, 503);
    qs_intent_llm_destroy (&engine);
}
END_TEST

static json_object *
s_context (void)
{
    const char *text =
        "{\"services\":[{\"id\":\"svc_orders\",\"name\":\"orders-db\",\"service_type\":\"postgresql\","
        "\"tier\":\"small\",\"environment\":\"production\",\"connection\":{\"uri\":\"postgresql://app@h/db\"}},"
        "{\"id\":\"svc_cache\",\"name\":\"cache-1\",\"service_type\":\"redis\"}],"
        "\"recent_service\":{\"id\":\"svc_orders\",\"name\":\"orders-db\"},"
        "\"awaiting_confirmation\":false,"
        "\"history\":[{\"role\":\"user\",\"content\":\"token=" TOKEN "\"}]}";
    const char *why;
    return qs_json_parse (text, strlen (text), &why);
}

static json_object *
s_pricing (void)
{
    const char *text =
        "{\"currency\":\"USD\",\"hours_per_month\":730,\"tiers\":{"
        "\"nano\":{\"memory_mb\":256,\"vcpu\":0.25,\"hourly\":0.01},"
        "\"micro\":{\"memory_mb\":512,\"vcpu\":0.5,\"hourly\":0.02},"
        "\"small\":{\"memory_mb\":1024,\"vcpu\":1,\"hourly\":0.04},"
        "\"medium\":{\"memory_mb\":4096,\"vcpu\":2,\"hourly\":0.08}},"
        "\"ha_multiplier\":2.0,\"backup_multiplier\":1.2}";
    const char *why;
    return qs_json_parse (text, strlen (text), &why);
}

START_TEST (test_extract_valid)
{
    qs_intent_llm_t *engine = qs_intent_llm_new (NULL);
    s_reply ("{\"config\":{\"service_type\":\"postgresql\",\"name\":\"orders-db\","
             "\"tier\":\"medium\",\"version\":16,\"region\":null,\"replicas\":2,"
             "\"high_availability\":false,\"backup_enabled\":null,\"environment\":\"production\"},"
             "\"missing\":[\"name\",\"region\"],"
             "\"service_ref\":{\"id\":\"svc_orders\",\"name\":\"whatever\"},"
             "\"confirmation\":\"none\"}");
    json_object *context = s_context (), *pricing = s_pricing ();
    json_object *result = NULL;
    qs_err_t err;
    ck_assert_int_eq (qs_intent_llm_extract (engine, "rid-2",
                                             "resize orders-db to 4GB, 2 replicas, no HA",
                                             pricing, context, NULL, NULL, &result,
                                             &err), 0);
    json_object *config = qs_json_get (result, "config", json_type_object);
    ck_assert_str_eq (qs_json_str (config, "service_type", ""), "postgresql");
    ck_assert_str_eq (qs_json_str (config, "tier", ""), "medium");
    ck_assert_str_eq (qs_json_str (config, "version", ""), "16");
    ck_assert_int_eq (qs_json_int (config, "replicas", 0), 2);
    ck_assert (!qs_json_bool (config, "high_availability", true));
    ck_assert (!json_object_object_get_ex (config, "backup_enabled", NULL));
    ck_assert (!json_object_object_get_ex (config, "region", NULL));
    json_object *missing = qs_json_get (result, "missing", json_type_array);
    ck_assert_int_eq (json_object_array_length (missing), 1);   /* name was found */
    ck_assert_str_eq (json_object_get_string (json_object_array_get_idx (missing, 0)), "region");
    json_object *ref = qs_json_get (result, "service_ref", json_type_object);
    ck_assert_str_eq (qs_json_str (ref, "id", ""), "svc_orders");
    ck_assert_str_eq (qs_json_str (ref, "name", ""), "orders-db");  /* from the context */
    ck_assert_str_eq (qs_json_str (result, "confirmation", ""), "none");
    ck_assert_str_eq (qs_json_str (result, "engine", ""), "llm");
    json_object_put (result);

    char *prompt = s_last_prompt ();
    ck_assert_ptr_nonnull (strstr (prompt, "TASK: extract"));
    ck_assert_ptr_nonnull (strstr (prompt, "memory_mb"));
    ck_assert_ptr_nonnull (strstr (prompt, "svc_orders"));
    ck_assert_ptr_null (strstr (prompt, TOKEN));
    ck_assert_ptr_null (strstr (prompt, "postgresql://"));    /* only the fields we pick */
    free (prompt);

    /* null service_ref and a confirmation */
    s_reply ("{\"config\":{},\"missing\":[],\"service_ref\":null,\"confirmation\":\"yes\"}");
    ck_assert_int_eq (qs_intent_llm_extract (engine, NULL, "go ahead", NULL, NULL, NULL, NULL,
                                             &result, &err), 0);
    ck_assert (json_object_is_type (json_object_object_get (result, "service_ref"),
                                    json_type_null));
    ck_assert (json_object_object_get_ex (result, "service_ref", NULL));
    ck_assert_str_eq (qs_json_str (result, "confirmation", ""), "yes");
    json_object_put (result);
    json_object_put (context);
    json_object_put (pricing);
    qs_intent_llm_destroy (&engine);
}
END_TEST

START_TEST (test_extract_array_context)
{
    /* the intent service passes [{"id","name","service_type"}], last = "it" */
    qs_intent_llm_t *engine = qs_intent_llm_new (NULL);
    const char *text = "[{\"id\":\"svc_a\",\"name\":\"orders-db\",\"service_type\":\"postgresql\"},"
                       "{\"id\":\"svc_b\",\"name\":\"cache-1\",\"service_type\":\"redis\"}]";
    const char *why;
    json_object *context = qs_json_parse (text, strlen (text), &why);
    s_reply ("{\"config\":{\"tier\":\"large\"},\"missing\":[],"
             "\"service_ref\":{\"id\":\"svc_b\",\"name\":\"cache-1\"},\"confirmation\":\"none\"}");
    json_object *result = NULL;
    qs_err_t err;
    ck_assert_int_eq (qs_intent_llm_extract (engine, NULL, "make it large", NULL, context,
                                             NULL, NULL, &result, &err), 0);
    ck_assert_str_eq (qs_json_str (qs_json_get (result, "service_ref", json_type_object), "id", ""),
                      "svc_b");
    json_object_put (result);
    char *prompt = s_last_prompt ();
    /* the recent service is the last entry */
    ck_assert_ptr_nonnull (strstr (prompt, "recent_service\\\":{\\\"id\\\":\\\"svc_b"));
    free (prompt);
    json_object_put (context);
    qs_intent_llm_destroy (&engine);
}
END_TEST

START_TEST (test_extract_invalid)
{
    static const char *bad[] = {
        "{\"config\":{\"service_type\":\"oracle\"},\"missing\":[],\"service_ref\":null,\"confirmation\":\"none\"}",
        "{\"config\":{\"tier\":\"huge\"},\"missing\":[],\"service_ref\":null,\"confirmation\":\"none\"}",
        "{\"config\":{\"tier\":\"xlarge\"},\"missing\":[],\"service_ref\":null,\"confirmation\":\"none\"}",
        "{\"config\":{\"replicas\":\"two\"},\"missing\":[],\"service_ref\":null,\"confirmation\":\"none\"}",
        "{\"config\":{\"replicas\":0},\"missing\":[],\"service_ref\":null,\"confirmation\":\"none\"}",
        "{\"config\":{\"high_availability\":\"yes\"},\"missing\":[],\"service_ref\":null,\"confirmation\":\"none\"}",
        "{\"config\":{\"name\":\"Orders DB; drop\"},\"missing\":[],\"service_ref\":null,\"confirmation\":\"none\"}",
        "{\"config\":{\"size\":\"4GB\"},\"missing\":[],\"service_ref\":null,\"confirmation\":\"none\"}",
        "{\"config\":{\"environment\":\"qa\"},\"missing\":[],\"service_ref\":null,\"confirmation\":\"none\"}",
        "{\"config\":{},\"missing\":[\"color\"],\"service_ref\":null,\"confirmation\":\"none\"}",
        "{\"config\":{},\"missing\":[],\"service_ref\":{\"id\":\"svc_invented\",\"name\":\"x\"},\"confirmation\":\"none\"}",
        "{\"config\":{},\"missing\":[],\"service_ref\":null,\"confirmation\":\"maybe\"}",
        "{\"missing\":[],\"service_ref\":null,\"confirmation\":\"none\"}",
        NULL};
    qs_intent_llm_t *engine = qs_intent_llm_new (NULL);
    json_object *context = s_context (), *pricing = s_pricing ();   /* pricing has no xlarge */
    for (int i = 0; bad[i]; i++) {
        s_reply (bad[i]);
        json_object *result = NULL;
        qs_err_t err;
        ck_assert_msg (qs_intent_llm_extract (engine, NULL, "x", pricing, context, NULL,
                                              NULL, &result, &err) == -1, "accepted %s", bad[i]);
        ck_assert_ptr_null (result);
    }
    json_object_put (context);
    json_object_put (pricing);
    qs_intent_llm_destroy (&engine);
}
END_TEST

START_TEST (test_extract_heuristic_fake)
{
    qs_intent_llm_t *engine = qs_intent_llm_new (NULL);
    json_object *result = NULL;
    qs_err_t err;
    ck_assert_int_eq (qs_intent_llm_extract (engine, NULL,
                                             "spin up a small postgres named billing-db, no HA",
                                             NULL, NULL, NULL, NULL, &result, &err), 0);
    json_object *config = qs_json_get (result, "config", json_type_object);
    ck_assert_str_eq (qs_json_str (config, "service_type", ""), "postgresql");
    ck_assert_str_eq (qs_json_str (config, "name", ""), "billing-db");
    ck_assert_str_eq (qs_json_str (config, "tier", ""), "small");
    ck_assert (!qs_json_bool (config, "high_availability", true));
    json_object_put (result);
    qs_intent_llm_destroy (&engine);
}
END_TEST

START_TEST (test_dialogue_in_prompt_and_validated)
{
    qs_intent_llm_t *engine = qs_intent_llm_new (NULL);
    const char *text = "{\"subject\":[{\"id\":\"svc_orders\",\"name\":\"orders-db\","
                       "\"service_type\":\"postgresql\"}],\"pending\":{\"action_type\":"
                       "\"update_service\",\"config\":{\"tier\":\"large\",\"password\":\"s3cret\"}},"
                       "\"last_kind\":\"manage_service\",\"last_list\":{\"kind\":\"recommendations\","
                       "\"items\":[{\"id\":\"rec_1\",\"service_id\":\"svc_orders\","
                       "\"service_name\":\"orders-db\"}]}}";
    const char *why;
    json_object *dialogue = qs_json_parse (text, strlen (text), &why);
    json_object *result = NULL;
    qs_err_t err;
    s_reply ("{\"intent\":\"manage_service\",\"confidence\":0.9,\"alternatives\":[],"
             "\"followup\":\"edit_plan\"}");
    ck_assert_int_eq (qs_intent_llm_classify (engine, NULL, "make it xlarge", NULL, dialogue,
                                              &result, &err), 0);
    ck_assert_str_eq (qs_json_str (result, "intent", ""), "manage_service");
    ck_assert_str_eq (qs_json_str (result, "followup", ""), "edit_plan");
    json_object_put (result);
    char *prompt = s_last_prompt ();
    ck_assert_ptr_nonnull (strstr (prompt, "Dialogue: {"));
    ck_assert_ptr_nonnull (strstr (prompt, "update_service"));
    ck_assert_ptr_nonnull (strstr (prompt, "rec_1"));
    ck_assert_ptr_null (strstr (prompt, "s3cret"));       /* only ServiceConfig fields */
    free (prompt);
    /* a followup outside the list is refused */
    s_reply ("{\"intent\":\"manage_service\",\"confidence\":0.9,\"alternatives\":[],"
             "\"followup\":\"rewrite_plan\"}");
    ck_assert_int_eq (qs_intent_llm_classify (engine, NULL, "x", NULL, dialogue, &result, &err), -1);
    ck_assert_ptr_null (result);

    /* extract: an ordinal into the last list and an operation, normalised
       to the local engine's shape */
    s_reply ("{\"config\":{},\"missing\":[],\"operation\":{\"op\":\"ha\",\"replicas\":null,"
             "\"delta\":null,\"tier\":null,\"direction\":null,\"enabled\":false},"
             "\"service_ref\":{\"id\":\"svc_orders\",\"name\":\"orders-db\",\"match\":\"ordinal\","
             "\"index\":0,\"candidates\":null},\"confirmation\":\"none\"}");
    ck_assert_int_eq (qs_intent_llm_extract (engine, NULL, "do the first one", NULL, NULL, NULL,
                                             dialogue, &result, &err), 0);
    json_object *ref = qs_json_get (result, "service_ref", json_type_object);
    ck_assert_str_eq (qs_json_str (ref, "match", ""), "ordinal");
    ck_assert_int_eq (qs_json_int (ref, "index", -1), 0);
    ck_assert (qs_json_bool (ref, "resolved", false));
    ck_assert_str_eq (qs_json_str (ref, "service_type", ""), "postgresql");
    json_object *op = qs_json_get (result, "operation", json_type_object);
    ck_assert_str_eq (qs_json_str (op, "op", ""), "ha");
    ck_assert (!qs_json_bool (op, "enabled", true));
    ck_assert (!json_object_object_get_ex (op, "tier", NULL));
    json_object_put (result);
    prompt = s_last_prompt ();
    ck_assert_ptr_nonnull (strstr (prompt, "svc_orders"));   /* the subject is a known service */
    free (prompt);

    static const char *bad[] = {
        /* an operation outside the list, a toggle without enabled, a scale that says nothing */
        "{\"config\":{},\"missing\":[],\"operation\":{\"op\":\"migrate\"},\"service_ref\":null,\"confirmation\":\"none\"}",
        "{\"config\":{},\"missing\":[],\"operation\":{\"op\":\"ha\"},\"service_ref\":null,\"confirmation\":\"none\"}",
        "{\"config\":{},\"missing\":[],\"operation\":{\"op\":\"scale\"},\"service_ref\":null,\"confirmation\":\"none\"}",
        "{\"config\":{},\"missing\":[],\"operation\":{\"op\":\"tier\",\"tier\":\"huge\"},\"service_ref\":null,\"confirmation\":\"none\"}",
        /* a match kind outside the list, an index past the list, an invented candidate */
        "{\"config\":{},\"missing\":[],\"service_ref\":{\"id\":\"svc_orders\",\"name\":\"orders-db\",\"match\":\"guess\"},\"confirmation\":\"none\"}",
        "{\"config\":{},\"missing\":[],\"service_ref\":{\"id\":\"svc_orders\",\"name\":\"orders-db\",\"match\":\"ordinal\",\"index\":4},\"confirmation\":\"none\"}",
        "{\"config\":{},\"missing\":[],\"service_ref\":{\"id\":null,\"name\":null,\"match\":\"type\",\"candidates\":[{\"id\":\"svc_x\",\"name\":\"x\"}]},\"confirmation\":\"none\"}",
        NULL};
    for (int i = 0; bad[i]; i++) {
        s_reply (bad[i]);
        ck_assert_msg (qs_intent_llm_extract (engine, NULL, "x", NULL, NULL, NULL, dialogue,
                                              &result, &err) == -1, "accepted %s", bad[i]);
        ck_assert_ptr_null (result);
    }
    json_object_put (dialogue);
    qs_intent_llm_destroy (&engine);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_intent_llm");
    TCase *tc = tcase_create ("fake");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_off_without_base_url);
    tcase_add_test (tc, test_classify_valid);
    tcase_add_test (tc, test_classify_heuristic_fake);
    tcase_add_test (tc, test_classify_invalid);
    tcase_add_test (tc, test_classify_llm_down);
    tcase_add_test (tc, test_extract_valid);
    tcase_add_test (tc, test_extract_array_context);
    tcase_add_test (tc, test_extract_invalid);
    tcase_add_test (tc, test_extract_heuristic_fake);
    tcase_add_test (tc, test_dialogue_in_prompt_and_validated);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
