/*  test_sec_access, second half: incidents and notification settings
    (contract section 11), the MCP tools and applying a recommendation
    (section 9), each against the owner, a colleague, a viewer, an admin and
    another org, in the suite of test_sec_access.c. */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_util.h"
#include "sec_access.h"

static const char S_ALERT[] =
    "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"%s\","
    "\"quickspin_service\":\"no-such-service\"},\"annotations\":{}}]}";

/*  How many of the caller's incidents are called alertname. */
static int
s_incidents_named (const char *token, const char *alertname)
{
    json_object *resp = NULL;
    ck_assert_int_eq (sec_http ("GET", "/api/v1/incidents", token, NULL, &resp), 200);
    json_object *list = qs_json_get (resp, "incidents", json_type_array);
    int n = 0;
    for (size_t i = 0; list && i < json_object_array_length (list); i++)
        n += !strcmp (qs_json_str (json_object_array_get_idx (list, i), "alertname", ""), alertname);
    json_object_put (resp);
    return n;
}

START_TEST (test_incident_routes)
{
    char body[400];
    /* a member (the owner of the alert token) and an admin colleague send; a viewer may not */
    snprintf (body, sizeof body, S_ALERT, "SecAcme");
    sec_expect ("POST", "/api/v1/alerts/alertmanager", sec_alice, body, 200, NULL);
    sec_expect ("POST", "/api/v1/alerts/alertmanager", sec_bob, body, 200, NULL);
    sec_expect ("POST", "/api/v1/alerts/alertmanager", sec_viewer, body, 403, "forbidden");
    sec_expect ("POST", "/api/v1/alerts/alertmanager", NULL, body, 401, NULL);
    snprintf (body, sizeof body, S_ALERT, "SecGlobex");
    sec_expect ("POST", "/api/v1/alerts/alertmanager", sec_carol, body, 200, NULL);
    /* the org's incident for every role of the org, once (same fingerprint) */
    const char *acme[] = {sec_alice, sec_bob, sec_viewer, sec_acme_admin};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq (s_incidents_named (acme[i], "SecAcme"), 1);
        ck_assert_int_eq (s_incidents_named (acme[i], "SecGlobex"), 0);
    }
    /* another org, and the same user id in another org, never see it */
    const char *globex[] = {sec_carol, sec_globex_admin, sec_alice_globex};
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq (s_incidents_named (globex[i], "SecAcme"), 0);
        ck_assert_int_eq (s_incidents_named (globex[i], "SecGlobex"), 1);
    }
}
END_TEST

START_TEST (test_notification_settings_admin_only)
{
    /* a public address literal: no DNS needed, and no event is sent to it */
    const char *put = "{\"webhook_url\":\"http://93.184.216.34/hooks/acme?token=sekrit\"}";
    const char *not_admin[] = {sec_alice, sec_viewer, sec_carol};
    for (int i = 0; i < 3; i++) {
        sec_expect ("PUT", "/api/v1/settings/notifications", not_admin[i], put, 403, "forbidden");
        sec_expect ("GET", "/api/v1/settings/notifications", not_admin[i], NULL, 403, "forbidden");
    }
    sec_expect ("PUT", "/api/v1/settings/notifications", sec_acme_admin, put, 200, NULL);
    sec_expect ("PUT", "/api/v1/settings/notifications", sec_acme_admin,
              "{\"webhook_url\":\"http://169.254.169.254/latest\"}", 422, "webhook_not_allowed");
    json_object *resp = NULL;
    ck_assert_int_eq (sec_http ("GET", "/api/v1/settings/notifications", sec_bob, NULL, &resp), 200);
    ck_assert_str_eq (qs_json_str (resp, "webhook_url", ""), "http://93.184.216.34/hooks/acme?token=***");
    json_object_put (resp);
    /* another org's admin sees and changes only its own */
    ck_assert_int_eq (sec_http ("GET", "/api/v1/settings/notifications", sec_globex_admin, NULL, &resp), 200);
    ck_assert (json_object_is_type (json_object_object_get (resp, "webhook_url"), json_type_null));
    json_object_put (resp);
    sec_expect ("PUT", "/api/v1/settings/notifications", sec_globex_admin, "{\"webhook_url\":null}", 200, NULL);
    ck_assert_int_eq (sec_http ("GET", "/api/v1/settings/notifications", sec_acme_admin, NULL, &resp), 200);
    ck_assert_ptr_nonnull (strstr (qs_json_str (resp, "webhook_url", ""), "93.184.216.34"));
    json_object_put (resp);
    sec_expect ("PUT", "/api/v1/settings/notifications", sec_acme_admin, "{\"webhook_url\":null}", 200, NULL);
}
END_TEST

/*  One MCP tools/call at POST /mcp: the JSON-RPC result (new), which must
    arrive as HTTP 200. */
static json_object *
s_mcp (const char *token, const char *tool, const char *args)
{
    char *body = qs_strdupf ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                             "\"params\":{\"name\":\"%s\",\"arguments\":%s}}", tool, args);
    json_object *resp = NULL;
    long st = sec_http ("POST", "/mcp", token, body, &resp);
    ck_assert_msg (st == 200, "%s -> %ld", body, st);
    free (body);
    json_object *result = json_object_get (qs_json_get (resp, "result", json_type_object));
    ck_assert_msg (result, "no result: %s", json_object_to_json_string (resp));
    json_object_put (resp);
    return result;
}

//  A tool result with isError and the REST status it stands for; the
//  message names nothing of foreign (an org's service ids, may be NULL)
//  but ref, the id the caller asked about
static void
s_mcp_refused (const char *token, const char *tool, const char *args, int status,
               json_object *foreign, const char *ref)
{
    json_object *r = s_mcp (token, tool, args);
    ck_assert_msg (qs_json_bool (r, "isError", false), "%s %s: %s", tool, args,
                   json_object_to_json_string (r));
    json_object *e = qs_json_path (r, "structuredContent.error");
    ck_assert_int_eq (qs_json_int (e, "status", 0), status);
    const char *msg = qs_json_str (e, "message", "");
    if (foreign) {
        json_object_object_foreach (foreign, id, v) {
            (void) v;
            ck_assert_msg (!strcmp (id, ref) || !strstr (msg, id + 4), "%s leaks %s: %s", tool, id, msg);
        }
    }
    json_object_put (r);
}

//  The MCP tools reach the caller's own data only, with the REST rules:
//  services of the caller's org, someone else's conversation or action 404,
//  a viewer's confirm 403.
START_TEST (test_mcp_tools_scoped)
{
    json_object *acme = sec_platform_ids (sec_alice), *globex = sec_platform_ids (sec_carol);
    const char *tokens[] = { sec_alice, sec_bob, sec_viewer, sec_acme_admin, sec_carol, sec_globex_admin,
                             sec_alice_globex };
    char args[300];
    for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
        bool in_acme = i < 4;
        json_object *own = in_acme ? acme : globex, *other = in_acme ? globex : acme;
        json_object *r = s_mcp (tokens[i], "list_services", "{}");
        json_object *list = qs_json_path (r, "structuredContent.services");
        ck_assert_uint_eq (json_object_array_length (list), json_object_object_length (own));
        for (size_t k = 0; k < json_object_array_length (list); k++)
            ck_assert (json_object_object_get_ex (own, qs_json_str (json_object_array_get_idx (list, k), "id", ""), NULL));
        json_object_put (r);
        r = s_mcp (tokens[i], "get_recommendations", "{}");
        list = qs_json_path (r, "structuredContent.recommendations");
        for (size_t k = 0; list && k < json_object_array_length (list); k++)
            ck_assert (json_object_object_get_ex (own, qs_json_str (json_object_array_get_idx (list, k), "service_id", ""), NULL));
        json_object_put (r);
        //  every service of the other org, by id, through every service tool
        json_object_object_foreach (other, id, v) {
            (void) v;
            snprintf (args, sizeof args, "{\"service\":\"%s\"}", id);
            s_mcp_refused (tokens[i], "get_service", args, 404, other, id);
            s_mcp_refused (tokens[i], "diagnose_service", args, 404, other, id);
            s_mcp_refused (tokens[i], "get_connection_info", args, 404, other, id);
        }
    }
    //  alice's conversation and pending action, through chat and confirm_action
    json_object *r = sec_chat (sec_alice, "create a redis cache called mcp-sec-cache with 1GB for staging");
    char conv[80], action[80];
    snprintf (conv, sizeof conv, "%s", qs_json_str (r, "conversation_id", ""));
    snprintf (action, sizeof action, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_msg (conv[0] && action[0], "no pending action: %s", json_object_to_json_string (r));
    json_object_put (r);
    const char *others[] = { sec_bob, sec_acme_admin, sec_carol, sec_globex_admin, sec_alice_globex };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        snprintf (args, sizeof args, "{\"message\":\"yes\",\"conversation_id\":\"%s\"}", conv);
        s_mcp_refused (others[i], "chat", args, 404, NULL, NULL);
        snprintf (args, sizeof args, "{\"action_id\":\"%s\"}", action);
        s_mcp_refused (others[i], "confirm_action", args, 404, NULL, NULL);
    }
    s_mcp_refused (sec_viewer, "confirm_action", args, 403, NULL, NULL);
    //  still pending for its owner
    char path[200];
    snprintf (path, sizeof path, "/api/v1/actions/%s/cancel", action);
    json_object *resp = NULL;
    ck_assert_int_eq (sec_http ("POST", path, sec_alice, "{}", &resp), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (resp, "actions.0"), "status", ""), "cancelled");
    json_object_put (resp);
    json_object_put (acme);
    json_object_put (globex);
}
END_TEST

//  POST /api/v1/recommendations/{id}/apply (contract section 9): the owner
//  gets a pending action that only they can settle; a colleague, an admin
//  and another org see 404 for it; another org's recommendation id is 404;
//  a viewer may ask (an explanation, no action) but never confirm (403)
START_TEST (test_apply_route)
{
    char *viewer = qs_harness_token ("gwen", "org-globex", "viewer");
    char *colleague = qs_harness_token ("dave", "org-globex", "member");
    json_object *reco = NULL, *r = NULL;
    ck_assert_int_eq (sec_http ("GET", "/api/v1/recommendations", sec_carol, NULL, &reco), 200);
    json_object *recs = qs_json_get (reco, "recommendations", json_type_array), *rec = NULL;
    for (size_t i = 0; recs && i < json_object_array_length (recs) && !rec; i++)
        if (strcmp (qs_json_str (json_object_array_get_idx (recs, i), "type", ""), "delete_idle"))
            rec = json_object_array_get_idx (recs, i);
    ck_assert_msg (rec, "globex has no recommendation to apply");
    char apply[200], path[200], conv[80], action[80], body[200];
    snprintf (apply, sizeof apply, "/api/v1/recommendations/%s/apply", qs_json_str (rec, "id", ""));
    //  no token; a body that is not an object; another org's id; an unknown id
    sec_expect ("POST", apply, NULL, "{}", 401, NULL);
    sec_expect ("POST", apply, sec_carol, "[1]", 400, NULL);
    sec_expect ("POST", apply, sec_alice, "{}", 404, "not_found");
    sec_expect ("POST", apply, sec_acme_admin, "{}", 404, "not_found");
    sec_expect ("POST", "/api/v1/recommendations/rec-0000000000000000/apply", sec_carol, "{}", 404, "not_found");
    //  a viewer may ask: told why, nothing to confirm
    ck_assert_int_eq (sec_http ("POST", apply, viewer, "{}", &r), 200);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (r, "actions", json_type_array)), 0);
    ck_assert_ptr_nonnull (strstr (qs_json_str (r, "message", ""), "role"));
    json_object_put (r);
    //  the owner's proposal
    ck_assert_int_eq (sec_http ("POST", apply, sec_carol, "{}", &r), 200);
    snprintf (conv, sizeof conv, "%s", qs_json_str (r, "conversation_id", ""));
    snprintf (action, sizeof action, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_msg (*action, "no pending action: %s", json_object_to_json_string (r));
    json_object_put (r);
    //  nobody else settles it or proposes into the owner's conversation
    const char *others[] = { colleague, sec_globex_admin, sec_alice_globex, sec_alice };
    snprintf (body, sizeof body, "{\"conversation_id\":\"%s\"}", conv);
    for (size_t i = 0; i < 4; i++) {
        snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", action);
        sec_expect ("POST", path, others[i], "{}", 404, "not_found");
        snprintf (path, sizeof path, "/api/v1/actions/%s/cancel", action);
        sec_expect ("POST", path, others[i], "{}", 404, "not_found");
        if (i < 3)              /* the same org: the id is known, the conversation is not theirs */
            sec_expect ("POST", apply, others[i], body, 404, "not_found");
    }
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", action);
    sec_expect ("POST", path, viewer, "{}", 403, "forbidden");
    //  still pending for its owner, who cancels it
    snprintf (path, sizeof path, "/api/v1/actions/%s/cancel", action);
    ck_assert_int_eq (sec_http ("POST", path, sec_carol, "{}", &r), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "cancelled");
    json_object_put (r);
    json_object_put (reco);
    free (viewer);
    free (colleague);
}
END_TEST

void
sec_access_ops_add (TCase *tc)
{
    tcase_add_test (tc, test_incident_routes);
    tcase_add_test (tc, test_notification_settings_admin_only);
    tcase_add_test (tc, test_mcp_tools_scoped);
    tcase_add_test (tc, test_apply_route);
}
