/*  qs_eval_check: the dialogue evaluation's reply checks accept a reply that
    meets the contract and the turn, and name the first thing that does not. */
#include "../qs_test.h"
#include <string.h>
#include "qs_eval_check.c"

static json_object *
s_parse_ok (const char *text)
{
    json_object *o = json_tokener_parse (text);
    ck_assert_msg (o != NULL, "bad test JSON: %s", text);
    return o;
}

static const char s_pricing[] =
    "{\"hours_per_month\":730,\"ha_multiplier\":2.0,\"backup_multiplier\":1.2,"
    "\"tiers\":{\"small\":{\"hourly\":0.04},\"large\":{\"hourly\":0.16}}}";
static const char s_ids[] = "{\"svc-a\":true,\"svc-b\":true}";

//  A reply of the conversation with an optional extra for metadata and actions.
static char *
s_reply (const char *intent, const char *meta_extra, const char *actions)
{
    char *text = NULL;
    int n = asprintf (&text,
                      "{\"conversation_id\":\"c1\",\"intent\":\"%s\",\"message\":\"Which one: svc-a or svc-b?\","
                      "\"actions\":%s,\"metadata\":{\"confidence\":0.8,\"workflow\":\"w\",\"engine\":\"local\"%s%s}}",
                      intent, actions ? actions : "[]", meta_extra ? "," : "", meta_extra ? meta_extra : "");
    ck_assert_int_gt (n, 0);
    return text;
}

//  Check reply text against expect text with the seen state below; returns
//  the verdict, why in why.
static bool
s_check (const char *reply_text, const char *expect_text, const char *current, char *why)
{
    json_object *reply = s_parse_ok (reply_text);
    json_object *expect = expect_text ? s_parse_ok (expect_text) : NULL;
    json_object *ids = s_parse_ok (s_ids), *pricing = s_parse_ok (s_pricing);
    json_object *recs = s_parse_ok ("[{\"service_id\":\"svc-b\",\"type\":\"delete_idle\"},"
                                    "{\"service_id\":\"svc-a\",\"type\":\"rightsize\"}]");
    qs_eval_seen_t seen = {.conversation_id = "c1", .current = current, .previous = "",
                           .org_ids = ids, .pricing = pricing, .recs = recs};
    why[0] = '\0';
    bool ok = qs_eval_check_reply (&seen, expect, reply, why, 512);
    json_object_put (reply);
    json_object_put (expect);
    json_object_put (ids);
    json_object_put (pricing);
    json_object_put (recs);
    return ok;
}

START_TEST (test_contract_invariants)
{
    char why[512];
    char *ok = s_reply ("troubleshoot", NULL, NULL);
    ck_assert_msg (s_check (ok, NULL, "", why), "%s", why);
    free (ok);
    ck_assert (!s_check ("{\"conversation_id\":\"c1\",\"intent\":\"troubleshoot\",\"actions\":[],"
                         "\"metadata\":{\"workflow\":\"w\",\"engine\":\"local\"}}", NULL, "", why));
    ck_assert_ptr_nonnull (strstr (why, "confidence"));
    char *bad = s_reply ("chit_chat", NULL, NULL);
    ck_assert (!s_check (bad, NULL, "", why));
    ck_assert_ptr_nonnull (strstr (why, "chit_chat"));
    free (bad);
    char *other = s_reply ("troubleshoot", "\"diagnosis\":{\"service_id\":\"svc-other-org\"}", NULL);
    ck_assert (!s_check (other, NULL, "", why));
    ck_assert_ptr_nonnull (strstr (why, "svc-other-org"));
    free (other);
    ck_assert (!s_check ("{\"conversation_id\":\"c2\",\"intent\":\"troubleshoot\",\"actions\":[],"
                         "\"metadata\":{\"confidence\":1,\"workflow\":\"w\",\"engine\":\"local\"}}",
                         NULL, "", why));
    ck_assert_ptr_nonnull (strstr (why, "conversation_id"));
}
END_TEST

START_TEST (test_estimate_formula)
{
    char why[512];
    //  large, 2 replicas, HA, backups: 0.16 * 730 * 2 * 2 * 1.2 = 560.64
    char *right = s_reply ("provision_service",
                           "\"config\":{\"tier\":\"large\",\"replicas\":2,\"high_availability\":true,"
                           "\"backup_enabled\":true},\"estimate\":{\"monthly_cost\":560.64}", NULL);
    ck_assert_msg (s_check (right, NULL, "", why), "%s", why);
    free (right);
    char *wrong = s_reply ("provision_service",
                           "\"config\":{\"tier\":\"large\",\"replicas\":2},"
                           "\"estimate\":{\"monthly_cost\":29.2}", NULL);
    ck_assert (!s_check (wrong, NULL, "", why));
    ck_assert_ptr_nonnull (strstr (why, "estimate"));
    free (wrong);
}
END_TEST

START_TEST (test_subject_and_intent)
{
    char why[512];
    char *r = s_reply ("troubleshoot", "\"diagnosis\":{\"service_id\":\"svc-a\"}", NULL);
    ck_assert_msg (s_check (r, "{\"intent\":\"troubleshoot\",\"subject\":[\"svc-a\"]}", "", why), "%s", why);
    ck_assert_msg (s_check (r, "{\"intent\":[\"get_service_info\",\"troubleshoot\"]}", "", why), "%s", why);
    ck_assert (!s_check (r, "{\"subject\":[\"svc-b\"]}", "", why));
    ck_assert (!s_check (r, "{\"subject\":[]}", "", why));
    ck_assert (!s_check (r, "{\"unresolved\":true}", "", why));
    ck_assert (!s_check (r, "{\"intent\":\"get_service_info\"}", "", why));
    ck_assert_ptr_nonnull (strstr (why, "get_service_info"));
    //  ordinals read the last recommendations
    ck_assert (!s_check (r, "{\"subject\":[\"$rec[0].service_id\"]}", "", why));
    ck_assert_msg (s_check (r, "{\"subject\":[\"$rec[1].service_id\"]}", "", why), "%s", why);
    ck_assert (!s_check (r, "{\"subject\":[\"$rec[5].service_id\"]}", "", why));
    ck_assert_ptr_nonnull (strstr (why, "no item 5"));
    free (r);
}
END_TEST

START_TEST (test_action_states)
{
    char why[512];
    const char *pend = "[{\"id\":\"act-2\",\"type\":\"delete_service\",\"status\":\"pending_confirmation\","
                       "\"service_id\":\"svc-b\",\"change\":{\"after\":{\"tier\":\"small\"}}}]";
    char *r = s_reply ("manage_service", "\"revision\":{\"supersedes\":\"act-1\"}", pend);
    ck_assert_msg (s_check (r, "{\"action\":\"revised\",\"action_type\":\"$rec[0].action_type\","
                               "\"service_id\":\"svc-b\",\"change\":{\"tier\":\"small\"}}", "act-1", why),
                   "%s", why);
    ck_assert (!s_check (r, "{\"action\":\"revised\"}", "act-9", why));     // supersedes another one
    ck_assert_ptr_nonnull (strstr (why, "supersedes"));
    ck_assert (!s_check (r, "{\"action\":\"pending\"}", "act-2", why));     // not new
    ck_assert (!s_check (r, "{\"action\":\"none\"}", "act-1", why));
    ck_assert (!s_check (r, "{\"change\":{\"tier\":\"large\"}}", "act-1", why));
    ck_assert (!s_check (r, "{\"action_type\":\"$rec[1].action_type\"}", "act-1", why));
    ck_assert_ptr_nonnull (strstr (why, "update_service"));
    free (r);
    char *done = s_reply ("provision_service", NULL,
                          "[{\"id\":\"act-2\",\"type\":\"provision_service\",\"status\":\"executed\"}]");
    ck_assert_msg (s_check (done, "{\"action\":\"executed\"}", "act-2", why), "%s", why);
    ck_assert (!s_check (done, "{\"action\":\"executed\"}", "act-3", why));
    ck_assert (!s_check (done, "{\"action\":\"cancelled\"}", "act-2", why));
    free (done);
}
END_TEST

START_TEST (test_questions)
{
    char why[512];
    char *q = s_reply ("troubleshoot", NULL, NULL);
    ck_assert_msg (s_check (q, "{\"asks\":[\"svc-a\",\"SVC-B\"]}", "", why), "%s", why);
    ck_assert (!s_check (q, "{\"asks\":[\"svc-c\"]}", "", why));
    ck_assert (!s_check (q, "{\"mentions\":[\"svc-c\"]}", "", why));
    free (q);
    char *diag = s_reply ("troubleshoot", "\"diagnosis\":{\"service_id\":\"svc-a\",\"findings\":"
                                          "[{\"code\":\"oom_killed\"}]}", NULL);
    ck_assert (!s_check (diag, "{\"asks\":true}", "", why));
    ck_assert_msg (s_check (diag, "{\"finding\":\"oom_killed\"}", "", why), "%s", why);
    ck_assert (!s_check (diag, "{\"finding\":\"disk_full\"}", "", why));
    free (diag);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("eval_check");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_contract_invariants);
    tcase_add_test (tc, test_estimate_formula);
    tcase_add_test (tc, test_subject_and_intent);
    tcase_add_test (tc, test_action_states);
    tcase_add_test (tc, test_questions);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
