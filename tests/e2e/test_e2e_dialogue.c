/*  End to end through the gateway against the sandbox: conversations that
    remember (contract section 8). A plan edited twice and confirmed creates
    exactly the last plan and the superseded action is 409; follow-ups about
    the subject and "what about X?" with the real Kubernetes data; an
    optimisation answer's recommendation applied by position; every
    ChatResponse (chat, stream, confirm, cancel) carries the full metadata. */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_harness.h"
#include "qs_buf.h"
#include "qs_json.h"
#include "qs_cli_http.h"

static char *s_member, *s_globex;
static const qs_harness_user_t s_users[] = {
    { &s_member, "dana", "org-acme", "member" },
    { &s_globex, "gus", "org-globex", "member" },
    { NULL }
};

static void
s_full_metadata (json_object *r)
{
    json_object *meta = qs_json_get (r, "metadata", json_type_object);
    ck_assert_msg (qs_json_get (meta, "confidence", json_type_double) || qs_json_get (meta, "confidence", json_type_int),
                   "no confidence in %s", json_object_to_json_string (r));
    ck_assert_ptr_nonnull (qs_json_get (meta, "workflow", json_type_string));
    ck_assert_ptr_nonnull (qs_json_get (meta, "sources", json_type_array));
    ck_assert_ptr_nonnull (qs_json_get (meta, "engine", json_type_string));
    ck_assert_ptr_nonnull (qs_json_get (meta, "timings_ms", json_type_object));
}

static json_object *
s_chat (const char *token, char *conv, const char *message)
{
    json_object *req = json_object_new_object (), *resp = NULL;
    qs_json_add_str (req, "message", message);
    if (*conv)
        qs_json_add_str (req, "conversation_id", conv);
    long status = qs_harness_http ("POST", qs_harness_gateway (qs_harness_fixture_get ()), "/api/v1/chat", token,
                               json_object_to_json_string (req), &resp);
    json_object_put (req);
    ck_assert_msg (status == 200, "chat '%s' -> %ld %s", message, status,
                   resp ? json_object_to_json_string (resp) : "");
    snprintf (conv, 64, "%s", qs_json_str (resp, "conversation_id", ""));
    s_full_metadata (resp);
    return resp;
}

static long
s_action (const char *token, const char *id, const char *what, json_object **resp_p)
{
    char path[200];
    snprintf (path, sizeof path, "/api/v1/actions/%s/%s", id, what);
    return qs_harness_http ("POST", qs_harness_gateway (qs_harness_fixture_get ()), path, token, "{}", resp_p);
}

static json_object *
s_platform_service (const char *token, const char *name)
{
    json_object *resp = NULL, *hit = NULL;
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_sandbox (qs_harness_fixture_get ()), "/api/v1/services", token, NULL, &resp), 200);
    json_object *list = qs_json_get (resp, "services", json_type_array);
    for (size_t i = 0; i < json_object_array_length (list); i++)
        if (!strcmp (qs_json_str (json_object_array_get_idx (list, i), "name", ""), name))
            hit = json_object_get (json_object_array_get_idx (list, i));
    json_object_put (resp);
    return hit;
}

START_TEST (test_edited_plan_creates_only_the_last)
{
    char conv[64] = "", a1[64], a2[64];
    json_object *r = s_chat (s_member, conv, "I need a postgres database for e2e billing");
    snprintf (a1, sizeof a1, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    json_object_put (r);
    r = s_chat (s_member, conv, "make it large");
    snprintf (a2, sizeof a2, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.revision"), "supersedes", ""), a1);
    json_object_put (r);
    r = s_chat (s_member, conv, "actually call it e2e-ledger-db and put it in eu-west-1");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.revision"), "supersedes", ""), a2);
    json_object_put (r);
    json_object *resp = NULL;
    ck_assert_int_eq (s_action (s_member, a1, "confirm", &resp), 409);   /* superseded */
    json_object_put (resp);
    r = s_chat (s_member, conv, "yes");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    json_object_put (r);
    json_object *svc = s_platform_service (s_member, "e2e-ledger-db");
    ck_assert_ptr_nonnull (svc);
    ck_assert_str_eq (qs_json_str (svc, "tier", ""), "large");
    ck_assert_str_eq (qs_json_str (svc, "region", ""), "eu-west-1");
    json_object_put (svc);
    ck_assert_int_eq (s_action (s_member, a2, "confirm", &resp), 409);
    json_object_put (resp);
}
END_TEST

START_TEST (test_subject_and_what_about)
{
    char conv[64] = "";
    json_object *r = s_chat (s_member, conv, "how do I connect to acme-users-db?");
    json_object_put (r);
    r = s_chat (s_member, conv, "is it healthy?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "troubleshoot");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.diagnosis"), "service_id", ""), "svc-acme-users-db");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.diagnosis.findings.0"), "code", ""), "connection_limit");
    json_object_put (r);
    r = s_chat (s_member, conv, "and how much does it cost?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "get_service_info");
    ck_assert_ptr_null (qs_json_path (r, "metadata.optimization"));
    json_object_put (r);
    r = s_chat (s_member, conv, "what about acme-broker?");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.services.0"), "id", ""), "svc-acme-broker");
    ck_assert_str_ne (qs_json_str (r, "intent", ""), "optimize_costs");
    json_object_put (r);
    conv[0] = '\0';
    r = s_chat (s_member, conv, "why does acme-cache keep restarting?");
    json_object_put (r);
    r = s_chat (s_member, conv, "what about acme-broker?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "troubleshoot");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.diagnosis.findings.0"), "code", ""), "crash_loop_backoff");
    json_object_put (r);
}
END_TEST

START_TEST (test_apply_a_recommendation_by_position)
{
    char conv[64] = "";
    json_object *r = s_chat (s_globex, conv, "how can I reduce my monthly bill?");
    json_object *recs = qs_json_path (r, "metadata.optimization.recommendations");
    int k = -1;
    for (size_t i = 0; k < 0 && i < json_object_array_length (recs); i++)
        if (strcmp (qs_json_str (json_object_array_get_idx (recs, i), "type", ""), "delete_idle"))
            k = (int) i;
    ck_assert_int_ge (k, 0);
    char sid[64], msg[64];
    snprintf (sid, sizeof sid, "%s", qs_json_str (json_object_array_get_idx (recs, (size_t) k), "service_id", ""));
    json_object_put (r);
    snprintf (msg, sizeof msg, "ok do #%d", k + 1);
    r = s_chat (s_globex, conv, msg);
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "manage_service");
    json_object *action = qs_json_path (r, "actions.0");
    ck_assert_str_eq (qs_json_str (action, "type", ""), "update_service");
    ck_assert_str_eq (qs_json_str (action, "service_id", ""), sid);
    ck_assert_ptr_nonnull (qs_json_path (action, "change.before"));
    ck_assert_ptr_nonnull (qs_json_path (action, "change.after"));
    char id[64];
    snprintf (id, sizeof id, "%s", qs_json_str (action, "id", ""));
    json_object_put (r);
    json_object *resp = NULL;
    ck_assert_int_eq (s_action (s_globex, id, "confirm", &resp), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (resp, "actions.0"), "status", ""), "executed");
    ck_assert_double_eq (qs_json_double (qs_json_get (resp, "metadata", json_type_object), "confidence", 0), 1.0);
    s_full_metadata (resp);
    json_object_put (resp);
    ck_assert_int_eq (s_action (s_globex, id, "confirm", &resp), 409);
    json_object_put (resp);
}
END_TEST

static int
s_collect (const char *data, size_t len, void *arg)
{
    return qs_buf_append (arg, data, len);
}

START_TEST (test_stream_and_cancel_carry_metadata)
{
    qs_buf_t *b = qs_buf_new (0);
    qs_http_resp_t resp = {0};
    qs_err_t err = {0};
    json_object *req = json_object_new_object ();
    qs_json_add_str (req, "message", "create a small redis called e2e-stream-cache");
    ck_assert_int_eq (qs_cli_http_stream ("POST", qs_harness_gateway (qs_harness_fixture_get ()), "/api/v1/chat/stream", s_member, req,
                                          60000, s_collect, NULL, b, &resp, &err), 0);
    const char *done = strstr (qs_buf_data (b), "event: done");
    ck_assert_ptr_nonnull (done);
    const char *data = strstr (done, "data: ");
    ck_assert_ptr_nonnull (data);
    json_object *r = json_tokener_parse (data + 6);
    ck_assert_ptr_nonnull (r);
    s_full_metadata (r);
    char id[64];
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    json_object_put (r);
    json_object *c = NULL;
    ck_assert_int_eq (s_action (s_member, id, "cancel", &c), 200);
    s_full_metadata (c);
    ck_assert_double_eq (qs_json_double (qs_json_get (c, "metadata", json_type_object), "confidence", 0), 1.0);
    json_object_put (c);
    qs_buf_destroy (&b);
    qs_http_resp_clear (&resp);
    json_object_put (req);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("e2e_dialogue");
    TCase *tc = tcase_create ("suite");
    qs_harness_fixture (tc, NULL, s_users);
    tcase_set_timeout (tc, 120);
    tcase_add_test (tc, test_edited_plan_creates_only_the_last);
    tcase_add_test (tc, test_subject_and_what_about);
    tcase_add_test (tc, test_apply_a_recommendation_by_position);
    tcase_add_test (tc, test_stream_and_cancel_carry_metadata);
    suite_add_tcase (s, tc);
    return s;
}

QS_HARNESS_MAIN (s_suite, "gateway/quickspin-gateway", "tests/sandbox/quickspin-sandbox")
