/*  End to end through the gateway against the sandbox: changes to running
    services (contract section 9). A scale planned in chat and confirmed by
    the endpoint changes the service once; a delete needs the name typed
    back (anything else is 422 confirmation_mismatch and nothing is
    deleted); a restart confirmed in chat deletes the failing pod through
    the real k8s worker. */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include "qs_harness.h"
#include "qs_json.h"

static char *s_member, *s_admin;
static const qs_harness_user_t s_users[] = {
    { &s_member, "mia", "org-acme", "member" },
    { &s_admin, "ada", "org-acme", "admin" },
    { NULL }
};

static json_object *
s_chat (const char *token, char *conv, const char *message)
{
    json_object *req = json_object_new_object (), *resp = NULL;
    qs_json_add_str (req, "message", message);
    if (*conv)
        qs_json_add_str (req, "conversation_id", conv);
    long status = qs_harness_http ("POST", qs_harness_gateway (qs_harness_fixture_get ()), "/api/v1/chat",
                                   token, json_object_to_json_string (req), &resp);
    json_object_put (req);
    ck_assert_msg (status == 200, "chat '%s' -> %ld", message, status);
    snprintf (conv, 64, "%s", qs_json_str (resp, "conversation_id", ""));
    return resp;
}

static long
s_confirm (const char *token, const char *id, const char *body, json_object **resp_p)
{
    char path[200];
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", id);
    return qs_harness_http ("POST", qs_harness_gateway (qs_harness_fixture_get ()), path, token, body, resp_p);
}

static json_object *
s_service (const char *token, const char *id)
{
    char path[128];
    json_object *svc = NULL;
    snprintf (path, sizeof path, "/api/v1/services/%s", id);
    long status = qs_harness_http ("GET", qs_harness_sandbox (qs_harness_fixture_get ()), path, token, NULL, &svc);
    if (status != 200) {
        json_object_put (svc);
        return NULL;
    }
    return svc;
}

/*  The pending action of a reply: its type checked, its id copied. */
static void
s_pending (json_object *r, const char *type, char *id)
{
    json_object *a = qs_json_path (r, "actions.0");
    ck_assert_msg (a != NULL, "nothing proposed: %s", qs_json_str (r, "message", ""));
    ck_assert_str_eq (qs_json_str (a, "type", ""), type);
    ck_assert_str_eq (qs_json_str (a, "status", ""), "pending_confirmation");
    snprintf (id, 64, "%s", qs_json_str (a, "id", ""));
}

START_TEST (test_scale_then_confirm)
{
    char conv[64] = "", id[64];
    json_object *r = s_chat (s_member, conv, "scale acme-api-cache to 3 replicas");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "manage_service");
    s_pending (r, "update_service", id);
    ck_assert_int_eq (qs_json_int (qs_json_path (r, "actions.0.change.after"), "replicas", 0), 3);
    double before = qs_json_double (qs_json_path (r, "actions.0.change"), "monthly_cost_before", 0);
    ck_assert_double_eq_tol (qs_json_double (qs_json_path (r, "actions.0.change"), "monthly_cost_after", 0),
                             before * 3, 0.01);
    json_object_put (r);
    json_object *svc = s_service (s_member, "svc-acme-api-cache");
    ck_assert_int_eq (qs_json_int (svc, "replicas", 0), 1);       /* nothing before confirmation */
    json_object_put (svc);
    ck_assert_int_eq (s_confirm (s_member, id, "{}", &r), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    ck_assert_ptr_nonnull (strstr (qs_json_str (r, "message", ""), "3 replica(s)"));
    json_object_put (r);
    svc = s_service (s_member, "svc-acme-api-cache");
    ck_assert_int_eq (qs_json_int (svc, "replicas", 0), 3);
    json_object_put (svc);
    ck_assert_int_eq (s_confirm (s_member, id, "{}", NULL), 409);
}
END_TEST

START_TEST (test_delete_with_the_typed_name)
{
    char conv[64] = "", id[64];
    json_object *r = s_chat (s_admin, conv, "delete acme-search");
    s_pending (r, "delete_service", id);
    json_object_put (r);
    json_object *err = NULL;
    ck_assert_int_eq (s_confirm (s_admin, id, "{\"confirm_name\":\"acme-searc\"}", &err), 422);
    ck_assert_str_eq (qs_json_str (qs_json_path (err, "error"), "code", ""), "confirmation_mismatch");
    json_object_put (err);
    ck_assert_int_eq (s_confirm (s_admin, id, "{}", NULL), 422);
    json_object *svc = s_service (s_admin, "svc-acme-search");
    ck_assert_ptr_nonnull (svc);                                    /* nothing deleted */
    json_object_put (svc);
    ck_assert_int_eq (s_confirm (s_admin, id, "{\"confirm_name\":\"acme-search\"}", &r), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    json_object_put (r);
    ck_assert_ptr_null (s_service (s_admin, "svc-acme-search"));
    /* in chat: the name typed back */
    conv[0] = '\0';
    r = s_chat (s_admin, conv, "delete acme-analytics");
    s_pending (r, "delete_service", id);
    json_object_put (r);
    r = s_chat (s_admin, conv, "acme-analytics");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    json_object_put (r);
    ck_assert_ptr_null (s_service (s_admin, "svc-acme-analytics"));
}
END_TEST

START_TEST (test_restart_in_chat)
{
    char conv[64] = "", id[64];
    json_object *r = s_chat (s_member, conv, "restart acme-jobs");
    s_pending (r, "restart_pod", id);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0.change.before"), "pod", ""), "acme-jobs-0");
    json_object_put (r);
    r = s_chat (s_member, conv, "yes");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    json_object_put (r);
    /* the StatefulSet recreated it: no restarts since */
    json_object *pod = NULL;
    long status = qs_harness_http ("GET", qs_harness_sandbox (qs_harness_fixture_get ()),
                                   "/api/v1/namespaces/qs-acme/pods/acme-jobs-0", QS_HARNESS_K8S_TOKEN, NULL, &pod);
    ck_assert_int_eq (status, 200);
    json_object *cs = qs_json_path (pod, "status.containerStatuses.0");
    ck_assert_int_eq (qs_json_int (cs, "restartCount", -1), 0);
    json_object_put (pod);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("e2e_manage");
    TCase *tc = tcase_create ("suite");
    qs_harness_fixture (tc, NULL, s_users);
    tcase_set_timeout (tc, 120);
    tcase_add_test (tc, test_scale_then_confirm);
    tcase_add_test (tc, test_delete_with_the_typed_name);
    tcase_add_test (tc, test_restart_in_chat);
    suite_add_tcase (s, tc);
    return s;
}

QS_HARNESS_MAIN (s_suite, "gateway/quickspin-gateway", "tests/sandbox/quickspin-sandbox")
