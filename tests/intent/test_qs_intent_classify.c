/*  The local classify op: model + rules + history. Sentences here are not
    in the training or dev files. */
#include "../qs_test.h"
#include <math.h>
#include <string.h>
#include "qs_intent_classify.h"
#include "qs_json.h"

static qs_intent_classifier_t *s_clf;

static void
s_setup (void)
{
    s_clf = qs_intent_classifier_new ();
    ck_assert_ptr_nonnull (s_clf);
}

static void
s_teardown (void)
{
    qs_intent_classifier_destroy (&s_clf);
}

static int
s_intent (const char *message)
{
    qs_intent_result_t r;
    qs_intent_classify (s_clf, message, NULL, &r);
    return r.intent;
}

static json_object *
s_history (const char *json)
{
    const char *why;
    return qs_json_parse (json, strlen (json), &why);
}

START_TEST (test_each_intent)
{
    ck_assert_int_eq (s_intent ("please bring up a fresh mongodb for the reporting service"),
                      QS_INTENT_PROVISION);
    ck_assert_int_eq (s_intent ("which tier and region are my services on"),
                      QS_INTENT_SERVICE_INFO);
    ck_assert_int_eq (s_intent ("checkout-db has been throwing errors since the deploy"),
                      QS_INTENT_TROUBLESHOOT);
    ck_assert_int_eq (s_intent ("our spending on databases is getting out of hand"),
                      QS_INTENT_OPTIMIZE);
    ck_assert_int_eq (s_intent ("what connection string do I give my worker for the queue"),
                      QS_INTENT_CONNECTION);
    ck_assert_int_eq (s_intent ("what is the difference between a replica and a backup"),
                      QS_INTENT_GENERAL);
}
END_TEST

START_TEST (test_rules_catch_error_strings)
{
    qs_intent_result_t r;
    qs_intent_classify (s_clf, "container status OOMKilled on inventory-svc", NULL, &r);
    ck_assert_int_eq (r.intent, QS_INTENT_TROUBLESHOOT);
    ck_assert_int_eq (s_intent ("FATAL: too many connections"), QS_INTENT_TROUBLESHOOT);
    ck_assert_int_eq (s_intent ("pod in CrashLoopBackOff"), QS_INTENT_TROUBLESHOOT);
    ck_assert_int_eq (s_intent ("uri for the analytics database?"), QS_INTENT_CONNECTION);
    /* typos still land thanks to character n-grams */
    ck_assert_int_eq (s_intent ("my postgress databse keeps crashng"), QS_INTENT_TROUBLESHOOT);
    ck_assert_int_eq (s_intent ("spinn up a new rediss for me"), QS_INTENT_PROVISION);
}
END_TEST

START_TEST (test_confidence_and_alternatives)
{
    qs_intent_result_t r;
    qs_intent_classify (s_clf, "spin up a large kafka cluster in eu-west-1", NULL, &r);
    ck_assert_int_eq (r.intent, QS_INTENT_PROVISION);
    ck_assert (r.confidence > 0.5f && r.confidence <= 1.0f);
    float sum = 0;
    for (int c = 0; c < QS_INTENT_COUNT; c++)
        sum += r.probs[c];
    ck_assert (fabsf (sum - 1.0f) < 1e-3f);
    json_object *o = qs_intent_result_json (&r);
    ck_assert_ptr_nonnull (o);
    ck_assert_str_eq (qs_json_str (o, "intent", ""), "provision_service");
    ck_assert_str_eq (qs_json_str (o, "engine", ""), "local");
    double conf = qs_json_double (o, "confidence", -1);
    ck_assert (conf > 0.5 && conf <= 1.0);
    json_object *alts = qs_json_get (o, "alternatives", json_type_array);
    ck_assert_ptr_nonnull (alts);
    double last = conf;
    for (size_t i = 0; i < json_object_array_length (alts); i++) {
        json_object *a = json_object_array_get_idx (alts, i);
        const char *name = qs_json_str (a, "intent", "");
        ck_assert_int_ge (qs_intent_from_name (name), 0);
        ck_assert_str_ne (name, "provision_service");
        double c = qs_json_double (a, "confidence", -1);
        ck_assert (c >= 0 && c <= last);
        last = c;
    }
    json_object_put (o);
}
END_TEST

START_TEST (test_history_carries_follow_ups)
{
    qs_intent_result_t r;
    json_object *h = s_history ("[{\"role\":\"user\",\"content\":\"what's the status of my redis instances\"},"
                                "{\"role\":\"assistant\",\"content\":\"cart-cache is running.\"}]");
    qs_intent_classify (s_clf, "what about the production one", h, &r);
    ck_assert_int_eq (r.intent, QS_INTENT_SERVICE_INFO);
    /* a follow-up that says what it wants keeps its own intent */
    qs_intent_classify (s_clf, "and its connection string?", h, &r);
    ck_assert_int_eq (r.intent, QS_INTENT_CONNECTION);
    json_object_put (h);

    h = s_history ("[{\"role\":\"user\",\"content\":\"create a postgres named ledger\"},"
                   "{\"role\":\"assistant\",\"content\":\"That will cost $30/month. Shall I go ahead?\"}]");
    qs_intent_classify (s_clf, "yes", h, &r);
    ck_assert_int_eq (r.intent, QS_INTENT_PROVISION);
    qs_intent_classify (s_clf, "large", h, &r);
    ck_assert_int_eq (r.intent, QS_INTENT_PROVISION);
    json_object_put (h);

    /* without history a bare "yes" is nobody's request */
    ck_assert_int_ne (s_intent ("yes"), QS_INTENT_PROVISION);
}
END_TEST

START_TEST (test_odd_inputs)
{
    qs_intent_result_t r;
    qs_intent_classify (s_clf, "", NULL, &r);
    ck_assert_int_ge (r.intent, 0);
    ck_assert_int_lt (r.intent, QS_INTENT_COUNT);
    qs_intent_classify (s_clf, NULL, NULL, &r);
    ck_assert_int_ge (r.intent, 0);
    /* history of the wrong shape is ignored, not trusted */
    json_object *h = s_history ("[1, {\"role\":\"user\"}, {\"role\":7,\"content\":\"x\"}, \"s\"]");
    qs_intent_classify (s_clf, "list my services", h, &r);
    ck_assert_int_eq (r.intent, QS_INTENT_SERVICE_INFO);
    json_object_put (h);
    h = s_history ("{\"not\":\"an array\"}");
    qs_intent_classify (s_clf, "list my services", h, &r);
    ck_assert_int_eq (r.intent, QS_INTENT_SERVICE_INFO);
    json_object_put (h);
    ck_assert_int_eq (s_intent ("hello!"), QS_INTENT_GENERAL);
    ck_assert_int_eq (s_intent ("\xc3\xa9\xc3\xa9 \xe2\x82\xac redis status"), QS_INTENT_SERVICE_INFO);
}
END_TEST

/*  Issue 18: changes to running services are manage_service, not a new
    service, a knowledge question or costs; issue 17: failures in everyday
    words are troubleshoot. */
START_TEST (test_manage_and_plain_failures)
{
    static const char *manage[] = {
        "please scale checkout-db to 3 replicas", "delete stale-index",
        "turn off HA on payments-db", "could you downsize audit-cache",
        "restart the queue-worker broker", "upgrade warehouse-db to xlarge",
        "disable backups on tmp-store", NULL };
    static const char *broken[] = {
        "warehouse-db never comes up", "checkout-db keeps dying",
        "can't reach audit-cache since this morning", "payments-db is flapping", NULL };
    for (int i = 0; manage[i]; i++)
        ck_assert_msg (s_intent (manage[i]) == QS_INTENT_MANAGE, "'%s' is %s", manage[i],
                       qs_intent_name (s_intent (manage[i])));
    for (int i = 0; broken[i]; i++)
        ck_assert_msg (s_intent (broken[i]) == QS_INTENT_TROUBLESHOOT, "'%s' is %s", broken[i],
                       qs_intent_name (s_intent (broken[i])));
    /* a symptom with a manage verb, a question about changes, a new service */
    ck_assert_int_eq (s_intent ("the pods of warehouse-db restart every few minutes"),
                      QS_INTENT_TROUBLESHOOT);
    ck_assert_int_eq (s_intent ("what happens to replication when you delete a replica"),
                      QS_INTENT_GENERAL);
    ck_assert_int_eq (s_intent ("spin up a postgres with 3 replicas for the warehouse"),
                      QS_INTENT_PROVISION);
    ck_assert_str_eq (qs_intent_name (QS_INTENT_MANAGE), "manage_service");
    ck_assert_int_eq (qs_intent_from_name ("manage_service"), QS_INTENT_MANAGE);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_intent_classify");
    TCase *tc = tcase_create ("core");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_add_test (tc, test_each_intent);
    tcase_add_test (tc, test_rules_catch_error_strings);
    tcase_add_test (tc, test_confidence_and_alternatives);
    tcase_add_test (tc, test_history_carries_follow_ups);
    tcase_add_test (tc, test_odd_inputs);
    tcase_add_test (tc, test_manage_and_plain_failures);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
