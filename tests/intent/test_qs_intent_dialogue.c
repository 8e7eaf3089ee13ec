/*  classify with a dialogue summary: the contextual intent and its
    followup kind. Sentences are not in the training or dev files. */
#include "../qs_test.h"
#include <string.h>
#include "qs_intent_dialogue.h"
#include "qs_intent_extract.h"
#include "qs_intent_wire.h"
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

/*  The intent of message with dialogue (JSON text); *followup_p gets the
    followup kind ("" for none). */
static int
s_read (const char *message, const char *dialogue, const char **followup_p)
{
    const char *why;
    json_object *d = dialogue ? qs_json_parse (dialogue, strlen (dialogue), &why) : NULL;
    qs_intent_result_t r;
    ck_assert (!dialogue || d);
    qs_intent_classify_dialogue (s_clf, message, NULL, d, &r);
    json_object_put (d);
    *followup_p = r.followup ? r.followup : "";
    ck_assert (r.confidence >= 0 && r.confidence <= 1);
    return r.intent;
}

static void
s_expect (const char *message, const char *dialogue, int intent, const char *followup)
{
    const char *got;
    int i = s_read (message, dialogue, &got);
    ck_assert_msg (i == intent && strcmp (got, followup) == 0,
                   "'%s': got %s/%s, want %s/%s", message, qs_intent_name (i), got,
                   qs_intent_name (intent), followup);
}

static const char *s_provisioning =
    "{\"pending\":{\"action_type\":\"provision_service\",\"config\":{\"service_type\":"
    "\"postgresql\",\"tier\":\"small\"}},\"last_kind\":\"provision_service\"}";
static const char *s_updating =
    "{\"pending\":{\"action_type\":\"update_service\",\"config\":{\"tier\":\"medium\"}},"
    "\"subject\":[{\"id\":\"s1\",\"name\":\"billing-db\",\"service_type\":\"postgresql\"}],"
    "\"last_kind\":\"manage_service\"}";
static const char *s_subject =
    "{\"subject\":[{\"id\":\"s1\",\"name\":\"billing-db\",\"service_type\":\"postgresql\"}],"
    "\"last_kind\":\"get_connection_info\"}";

START_TEST (test_edit_plan)
{
    static const char *edits[] = { "make it large", "actually call it ledger-db and put it in eu-west-1",
                                   "in eu-west-1", "with HA", "no backups", "3 replicas",
                                   "same for staging" };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++)
        s_expect (edits[i], s_provisioning, QS_INTENT_PROVISION, "edit_plan");
    s_expect ("hmm, make it medium and drop the backups", s_provisioning, QS_INTENT_PROVISION,
              "edit_plan");
    s_expect ("make it xlarge instead", s_updating, QS_INTENT_MANAGE, "edit_plan");
    s_expect ("turn off HA", s_updating, QS_INTENT_MANAGE, "edit_plan");
    s_expect ("scale it to 4", s_provisioning, QS_INTENT_PROVISION, "edit_plan");
    s_expect ("yes", s_provisioning, QS_INTENT_PROVISION, "confirm");
    s_expect ("never mind", s_updating, QS_INTENT_MANAGE, "cancel");
    /* a complete request of its own beats the pending plan */
    const char *f;
    ck_assert_int_eq (s_read ("billing-db keeps crashing with OOMKilled since the deploy this morning",
                              s_provisioning, &f), QS_INTENT_TROUBLESHOOT);
    ck_assert_str_eq (f, "");
    ck_assert_int_eq (s_read ("upgrade billing-db to xlarge", s_provisioning, &f), QS_INTENT_MANAGE);
    ck_assert_str_eq (f, "");
    ck_assert_int_eq (s_read ("delete hot-cache", s_provisioning, &f), QS_INTENT_MANAGE);
    ck_assert_str_eq (f, "");
}
END_TEST

START_TEST (test_answers)
{
    s_expect ("postgres", "{\"asked\":\"service_type\",\"pending\":null}", QS_INTENT_PROVISION,
              "answer");
    s_expect ("the billing one",
              "{\"asked\":\"service\",\"last_kind\":\"troubleshoot\"}", QS_INTENT_TROUBLESHOOT,
              "answer");
    const char *deleting = "{\"asked\":\"confirm_name\",\"pending\":{\"action_type\":"
                           "\"delete_service\"}}";
    s_expect ("billing-db", deleting, QS_INTENT_MANAGE, "answer");
    s_expect ("yes", deleting, QS_INTENT_MANAGE, "answer");     /* the workflow compares it */
    s_expect ("no, keep it", deleting, QS_INTENT_MANAGE, "cancel");
    s_expect ("never mind", "{\"asked\":\"service\",\"last_kind\":\"troubleshoot\"}",
              QS_INTENT_TROUBLESHOOT, "cancel");
}
END_TEST

START_TEST (test_subject_questions)
{
    s_expect ("is it healthy?", s_subject, QS_INTENT_TROUBLESHOOT, "subject");
    s_expect ("and how much does it cost?", s_subject, QS_INTENT_SERVICE_INFO, "subject");
    s_expect ("what tier is it?", s_subject, QS_INTENT_SERVICE_INFO, "subject");
    const char *f;
    ck_assert_int_eq (s_read ("how would my app connect to it", s_subject, &f), QS_INTENT_CONNECTION);
    ck_assert_int_eq (s_read ("restart it", s_subject, &f), QS_INTENT_MANAGE);
    /* saving money on it is still about costs */
    ck_assert_int_eq (s_read ("how can I make it cheaper", s_subject, &f), QS_INTENT_OPTIMIZE);
}
END_TEST

START_TEST (test_what_about_and_lists)
{
    const char *after_diagnosis = "{\"subject\":[{\"id\":\"s1\",\"name\":\"billing-db\"}],"
                                  "\"last_kind\":\"troubleshoot\"}";
    s_expect ("what about hot-cache?", after_diagnosis, QS_INTENT_TROUBLESHOOT, "what_about");
    s_expect ("and orders-db?", after_diagnosis, QS_INTENT_TROUBLESHOOT, "what_about");
    s_expect ("same for the staging one", s_subject, QS_INTENT_CONNECTION, "what_about");
    const char *recs = "{\"last_kind\":\"optimize_costs\",\"last_list\":{\"kind\":"
                       "\"recommendations\",\"items\":[{\"id\":\"r1\",\"service_id\":\"s1\","
                       "\"service_name\":\"billing-db\"},{\"id\":\"r2\",\"service_id\":\"s2\","
                       "\"service_name\":\"hot-cache\"}]}}";
    s_expect ("ok do the first one", recs, QS_INTENT_MANAGE, "list_ref");
    s_expect ("apply #2", recs, QS_INTENT_MANAGE, "list_ref");
    s_expect ("the hot-cache one", recs, QS_INTENT_MANAGE, "list_ref");
    const char *services = "{\"last_list\":{\"kind\":\"services\",\"items\":[{\"id\":\"s1\","
                           "\"name\":\"billing-db\"},{\"id\":\"s2\",\"name\":\"hot-cache\"}]}}";
    s_expect ("the second one", services, QS_INTENT_SERVICE_INFO, "list_ref");
}
END_TEST

START_TEST (test_without_dialogue_nothing_changes)
{
    qs_intent_result_t a, b;
    qs_intent_classify (s_clf, "make it large", NULL, &a);
    qs_intent_classify_dialogue (s_clf, "make it large", NULL, NULL, &b);
    ck_assert_int_eq (a.intent, b.intent);
    ck_assert_ptr_null (b.followup);
    ck_assert (a.confidence == b.confidence);
    json_object *o = qs_intent_result_json (&b);
    ck_assert (!json_object_object_get_ex (o, "followup", NULL));
    json_object_put (o);
}
END_TEST

/*  Dialogues of any shape never crash either op, and every answer stays in
    the wire's sets. */
START_TEST (test_odd_dialogues)
{
    static const char *dialogues[] = {
        "{}", "{\"subject\":null,\"pending\":null,\"asked\":null,\"last_kind\":null,\"last_list\":null}",
        "{\"subject\":[null,1,\"x\",{},{\"id\":5,\"name\":[]}],\"pending\":{\"action_type\":7}}",
        "{\"pending\":{\"action_type\":\"bogus\",\"config\":\"x\"},\"asked\":\"other\"}",
        "{\"last_kind\":\"nonsense\",\"last_list\":{\"kind\":\"recommendations\",\"items\":"
        "[null,{\"service_name\":\"\"},{\"service_id\":\"s9\"},{\"name\":\"a-very-long-name-"
        "that-goes-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on-and-on\"}]}}",
        "{\"subject\":[{\"id\":\"s1\",\"name\":\"\"}],\"last_list\":{\"items\":{}}}",
    };
    static const char *messages[] = {
        "", "it", "the other one", "#0", "#999999999999", "apply #2", "the first one",
        "make it large", "yes", "no", "what about", "and", "same for", "delete",
        "restart it please, the database, the cache", "\xc3\xa9\xe2\x80\x9c #1 \xe2\x80\x9d",
        "scale to 99999999999999999999 replicas",
    };
    const char *why;
    for (size_t d = 0; d < sizeof dialogues / sizeof dialogues[0]; d++) {
        json_object *dl = qs_json_parse (dialogues[d], strlen (dialogues[d]), &why);
        ck_assert_ptr_nonnull (dl);
        for (size_t m = 0; m < sizeof messages / sizeof messages[0]; m++) {
            qs_intent_result_t r;
            qs_intent_classify_dialogue (s_clf, messages[m], NULL, dl, &r);
            ck_assert (r.intent >= 0 && r.intent < QS_INTENT_COUNT);
            ck_assert (!r.followup || qs_intent_wire_find (qs_intent_wire_followups, r.followup) >= 0);
            qs_intent_extract_in_t in = { NULL, NULL, NULL, dl };
            json_object *x = qs_intent_extract_with (messages[m], &in);
            ck_assert_ptr_nonnull (x);
            json_object *ref = qs_json_get (x, "service_ref", json_type_object);
            ck_assert (!ref || qs_intent_wire_find (qs_intent_wire_matches,
                                                    qs_json_str (ref, "match", "")) >= 0);
            json_object_put (x);
        }
        json_object_put (dl);
    }
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_intent_dialogue");
    TCase *tc = tcase_create ("core");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_add_test (tc, test_edit_plan);
    tcase_add_test (tc, test_answers);
    tcase_add_test (tc, test_subject_questions);
    tcase_add_test (tc, test_what_about_and_lists);
    tcase_add_test (tc, test_without_dialogue_nothing_changes);
    tcase_add_test (tc, test_odd_dialogues);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
