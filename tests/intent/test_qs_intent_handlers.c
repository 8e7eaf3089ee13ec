/*  The classify, extract and understand ops over local requests (no broker). */
#include "../qs_test.h"
#include <stdlib.h>
#include <string.h>
#include "qs_intent_handlers.h"
#include "qs_json.h"
#include "qs_worker.h"

static qs_intent_service_t *s_svc;
static qs_metrics_t *s_metrics;

static void
s_setup (void)
{
    /* the LLM engine stays off: QS_LLM_BASE_URL is not set in tests */
    unsetenv ("QS_LLM_BASE_URL");
    s_metrics = qs_metrics_new ();
    qs_intent_classifier_t *clf = qs_intent_classifier_new ();
    ck_assert_ptr_nonnull (clf);
    s_svc = qs_intent_service_new (&clf, NULL, s_metrics);
    ck_assert_ptr_nonnull (s_svc);
    ck_assert_ptr_null (clf);
}

static void
s_teardown (void)
{
    qs_intent_service_destroy (&s_svc);
    ck_assert_ptr_null (s_svc);
    qs_metrics_destroy (&s_metrics);
}

/*  Run op with a JSON body; returns the status, *reply_p a new reference. */
static int
s_call (qs_op_fn *fn, const char *op, const char *body_json, json_object **reply_p)
{
    const char *why;
    json_object *body = qs_json_parse (body_json, strlen (body_json), &why);
    ck_assert_ptr_nonnull (body);
    qs_req_t *req = qs_req_new_local (op, body, NULL, 5000);
    ck_assert_ptr_nonnull (req);
    fn (req, s_svc);
    int status = qs_req_local_status (req);
    *reply_p = json_object_get (qs_req_local_reply (req));
    qs_req_destroy_local (&req);
    json_object_put (body);
    return status;
}

START_TEST (test_classify_op)
{
    json_object *r;
    int status = s_call (qs_intent_op_classify, "classify",
                         "{\"message\":\"my kafka brokers keep crashing with OOMKilled\"}", &r);
    ck_assert_int_eq (status, 200);
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "troubleshoot");
    ck_assert_str_eq (qs_json_str (r, "engine", ""), "local");
    ck_assert (qs_json_double (r, "confidence", 0) > 0.5);
    ck_assert_ptr_nonnull (qs_json_get (r, "alternatives", json_type_array));
    json_object_put (r);

    status = s_call (qs_intent_op_classify, "classify",
                     "{\"message\":\"and the port?\",\"history\":["
                     "{\"role\":\"user\",\"content\":\"what is the connection uri of cart-cache\"},"
                     "{\"role\":\"assistant\",\"content\":\"redis://cart-cache:6379\"}]}", &r);
    ck_assert_int_eq (status, 200);
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "get_connection_info");
    json_object_put (r);

    char *text = qs_metrics_render (s_metrics);
    ck_assert_ptr_nonnull (strstr (text, "qs_intent_requests_total"));
    free (text);
}
END_TEST

START_TEST (test_extract_op)
{
    json_object *r;
    int status = s_call (qs_intent_op_extract, "extract",
                         "{\"message\":\"create a postgres 16 called ledger with 3GB, no backups\","
                         "\"pricing\":{\"tiers\":{\"small\":{\"memory_mb\":1024},"
                         "\"medium\":{\"memory_mb\":2048},\"large\":{\"memory_mb\":4096}}},"
                         "\"context\":[]}", &r);
    ck_assert_int_eq (status, 200);
    json_object *c = qs_json_get (r, "config", json_type_object);
    ck_assert_str_eq (qs_json_str (c, "service_type", ""), "postgresql");
    ck_assert_str_eq (qs_json_str (c, "name", ""), "ledger");
    ck_assert_str_eq (qs_json_str (c, "version", ""), "16");
    ck_assert_str_eq (qs_json_str (c, "tier", ""), "large");
    ck_assert (!qs_json_bool (c, "backup_enabled", true));
    ck_assert_int_eq (qs_json_int (r, "memory_mb", 0), 3072);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (r, "missing", json_type_array)), 0);
    ck_assert_str_eq (qs_json_str (r, "confirmation", ""), "none");
    ck_assert_str_eq (qs_json_str (r, "engine", ""), "local");
    json_object *ref;
    ck_assert (json_object_object_get_ex (r, "service_ref", &ref));
    ck_assert_ptr_null (ref);
    json_object_put (r);

    /* the object form of context: the recent service is what "it" means */
    status = s_call (qs_intent_op_extract, "extract",
                     "{\"message\":\"restart it\",\"context\":{\"services\":["
                     "{\"id\":\"a\",\"name\":\"alpha\",\"service_type\":\"redis\"},"
                     "{\"id\":\"b\",\"name\":\"beta\",\"service_type\":\"kafka\"}],"
                     "\"recent_service\":{\"id\":\"a\",\"name\":\"alpha\"}}}", &r);
    ck_assert_int_eq (status, 200);
    ck_assert_str_eq (qs_json_str (qs_json_get (r, "service_ref", json_type_object), "id", ""), "a");
    json_object_put (r);
}
END_TEST

START_TEST (test_bad_bodies)
{
    json_object *r;
    ck_assert_int_eq (s_call (qs_intent_op_classify, "classify", "{}", &r), 400);
    ck_assert_str_eq (qs_json_str (qs_json_get (r, "error", json_type_object), "code", ""),
                      "bad_request");
    json_object_put (r);
    ck_assert_int_eq (s_call (qs_intent_op_classify, "classify", "{\"message\":5}", &r), 400);
    json_object_put (r);
    ck_assert_int_eq (s_call (qs_intent_op_classify, "classify",
                              "{\"message\":\"hi\",\"history\":\"nope\"}", &r), 400);
    json_object_put (r);
    ck_assert_int_eq (s_call (qs_intent_op_extract, "extract",
                              "{\"message\":\"hi\",\"pricing\":[1]}", &r), 400);
    json_object_put (r);
    ck_assert_int_eq (s_call (qs_intent_op_extract, "extract",
                              "{\"message\":\"hi\",\"context\":\"x\"}", &r), 400);
    json_object_put (r);
    /* 8000 characters pass, 8001 do not (a 2-byte character counts once) */
    size_t n = 8000;
    char *body = malloc (n * 2 + 32);
    ck_assert_ptr_nonnull (body);
    char *p = body + snprintf (body, 32, "{\"message\":\"");
    for (size_t i = 0; i < n; i++) {
        memcpy (p, "\xc3\xa9", 2);
        p += 2;
    }
    memcpy (p, "\"}", 3);
    ck_assert_int_eq (s_call (qs_intent_op_classify, "classify", body, &r), 200);
    json_object_put (r);
    memcpy (p, "x\"}", 4);
    ck_assert_int_eq (s_call (qs_intent_op_extract, "extract", body, &r), 413);
    json_object_put (r);
    free (body);
}
END_TEST

/*  The dialogue keys of proto/intent.md over the ops. */
START_TEST (test_dialogue_bodies)
{
    json_object *r;
    ck_assert_int_eq (s_call (qs_intent_op_classify, "classify",
                              "{\"message\":\"make it large\",\"dialogue\":{\"pending\":"
                              "{\"action_type\":\"provision_service\",\"config\":{}},"
                              "\"subject\":[],\"asked\":null,\"last_kind\":null,\"last_list\":null}}",
                              &r), 200);
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "provision_service");
    ck_assert_str_eq (qs_json_str (r, "followup", ""), "edit_plan");
    json_object_put (r);
    ck_assert_int_eq (s_call (qs_intent_op_extract, "extract",
                              "{\"message\":\"scale ordrs-db to 3 replicas\",\"services\":["
                              "{\"id\":\"svc_1\",\"name\":\"orders-db\",\"service_type\":\"postgresql\","
                              "\"tier\":\"small\"}],\"dialogue\":{\"subject\":[]}}", &r), 200);
    json_object *ref = qs_json_get (r, "service_ref", json_type_object);
    ck_assert_str_eq (qs_json_str (ref, "id", ""), "svc_1");
    ck_assert_str_eq (qs_json_str (ref, "match", ""), "fuzzy");
    json_object *op = qs_json_get (r, "operation", json_type_object);
    ck_assert_str_eq (qs_json_str (op, "op", ""), "scale");
    ck_assert_int_eq (qs_json_int (op, "replicas", 0), 3);
    json_object_put (r);
    /* wrong types are refused, in the contract's error shape */
    ck_assert_int_eq (s_call (qs_intent_op_classify, "classify",
                              "{\"message\":\"hi\",\"dialogue\":[1]}", &r), 400);
    ck_assert_str_eq (qs_json_str (qs_json_get (r, "error", json_type_object), "code", ""),
                      "bad_request");
    json_object_put (r);
    ck_assert_int_eq (s_call (qs_intent_op_extract, "extract",
                              "{\"message\":\"hi\",\"services\":{}}", &r), 400);
    json_object_put (r);
    ck_assert_int_eq (s_call (qs_intent_op_extract, "extract",
                              "{\"message\":\"hi\",\"dialogue\":\"x\"}", &r), 400);
    json_object_put (r);
    /* odd members inside a dialogue are ignored, never a crash */
    ck_assert_int_eq (s_call (qs_intent_op_extract, "extract",
                              "{\"message\":\"do the first one\",\"dialogue\":{\"subject\":5,"
                              "\"pending\":\"x\",\"last_list\":{\"items\":[1,null,{\"id\":7}]}}}",
                              &r), 200);
    json_object_put (r);
    ck_assert_int_eq (s_call (qs_intent_op_classify, "classify",
                              "{\"message\":\"apply #1\",\"dialogue\":{\"subject\":[3],"
                              "\"asked\":5,\"last_list\":{\"kind\":7,\"items\":[\"a\"]}}}",
                              &r), 200);
    json_object_put (r);
}
END_TEST

#ifdef QS_INTENT_HAVE_LLM
/*  An LLM that cannot be reached: the local engine answers, and says so. */
START_TEST (test_llm_failure_falls_back_to_local)
{
    setenv ("QS_LLM_BASE_URL", "http://127.0.0.1:1/v1", 1);
    setenv ("QS_LLM_TIMEOUT_MS", "1000", 1);
    qs_intent_llm_t *llm = qs_intent_llm_new (NULL);
    ck_assert_ptr_nonnull (llm);
    qs_intent_classifier_t *clf = qs_intent_classifier_new ();
    qs_intent_service_destroy (&s_svc);
    s_svc = qs_intent_service_new (&clf, &llm, s_metrics);
    ck_assert_ptr_nonnull (s_svc);
    ck_assert_ptr_null (llm);
    json_object *r;
    ck_assert_int_eq (s_call (qs_intent_op_classify, "classify",
                              "{\"message\":\"list all my services\"}", &r), 200);
    ck_assert_str_eq (qs_json_str (r, "engine", ""), "local");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "get_service_info");
    json_object_put (r);
    ck_assert_int_eq (s_call (qs_intent_op_extract, "extract",
                              "{\"message\":\"a small redis\"}", &r), 200);
    ck_assert_str_eq (qs_json_str (r, "engine", ""), "local");
    json_object_put (r);
    char *text = qs_metrics_render (s_metrics);
    ck_assert_ptr_nonnull (strstr (text, "qs_intent_llm_fallbacks_total{op=\"classify\"}"));
    free (text);
    unsetenv ("QS_LLM_BASE_URL");
}
END_TEST
#endif

/*  understand answers what classify and extract answer, in one reply. */
START_TEST (test_understand_is_both)
{
    const char *body = "{\"message\":\"scale ordrs-db to 3 replicas\",\"services\":["
                       "{\"id\":\"svc_1\",\"name\":\"orders-db\",\"service_type\":\"postgresql\"}],"
                       "\"history\":[{\"role\":\"user\",\"content\":\"hi\"}],\"dialogue\":{\"subject\":[]}}";
    json_object *both, *cls, *ext;
    ck_assert_int_eq (s_call (qs_intent_op_understand, "understand", body, &both), 200);
    ck_assert_int_eq (s_call (qs_intent_op_classify, "classify", body, &cls), 200);
    ck_assert_int_eq (s_call (qs_intent_op_extract, "extract", body, &ext), 200);
    ck_assert (json_object_equal (qs_json_get (both, "classification", json_type_object), cls));
    ck_assert (json_object_equal (qs_json_get (both, "extraction", json_type_object), ext));
    ck_assert_str_eq (qs_json_str (cls, "intent", ""), "manage_service");
    json_object_put (both);
    json_object_put (cls);
    json_object_put (ext);
    /* a member either op refuses fails the whole call */
    ck_assert_int_eq (s_call (qs_intent_op_understand, "understand", "{\"message\":\"hi\",\"history\":3}", &both), 400);
    json_object_put (both);
    ck_assert_int_eq (s_call (qs_intent_op_understand, "understand", "{\"message\":\"hi\",\"services\":{}}", &both), 400);
    ck_assert_str_eq (qs_json_str (qs_json_get (both, "error", json_type_object), "code", ""), "bad_request");
    json_object_put (both);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_intent_handlers");
    TCase *tc = tcase_create ("core");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_add_test (tc, test_classify_op);
    tcase_add_test (tc, test_extract_op);
    tcase_add_test (tc, test_bad_bodies);
    tcase_add_test (tc, test_understand_is_both);
    tcase_add_test (tc, test_dialogue_bodies);
#ifdef QS_INTENT_HAVE_LLM
    tcase_add_test (tc, test_llm_failure_falls_back_to_local);
#endif
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
