/*  test_sec_access - cross-user and cross-org access over the real suite,
    for every route of contract section 4 that names or returns someone's
    data: another user's conversation or action is 404 (never 403, so ids
    cannot be probed), a viewer's confirm is 403 (changes to running services
    too: a delete is an admin's, with the name typed back), recommendations come from
    the caller's org only, the document routes are admin-only, a
    recommendation is applied only in its org and settled only by its
    proposer, the audit log shows an admin the org's entries and anyone
    else only their own; incidents (contract section 11) are the org's
    (members send alerts, every role reads them, another org never sees
    one) and the notification settings are its admins' only. */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_sec_http.h"
#include "qs_util.h"

static char *s_alice, *s_bob, *s_viewer, *s_carol, *s_acme_admin, *s_globex_admin;
static char *s_alice_globex;     /* the same sub in another org: a different user */
static const qs_harness_user_t s_users[] = {
    { &s_alice, "alice", "org-acme", "member" },
    { &s_bob, "bob", "org-acme", "member,admin" },
    { &s_viewer, "vic", "org-acme", "viewer" },
    { &s_carol, "carol", "org-globex", "member" },
    { &s_acme_admin, "ann", "org-acme", "admin" },
    { &s_globex_admin, "gus", "org-globex", "admin" },
    { &s_alice_globex, "alice", "org-globex", "member,admin" },
    { NULL }
};

static long
s_http (const char *method, const char *path, const char *token, const char *body,
        json_object **resp)
{
    return qs_harness_http (method, qs_harness_gateway (qs_harness_fixture_get ()), path, token, body, resp);
}

//  Expect status and, for an error, the contract's code
static void
s_expect (const char *method, const char *path, const char *token, const char *body,
          long want, const char *code)
{
    json_object *resp = NULL;
    long got = s_http (method, path, token, body, &resp);
    ck_assert_msg (got == want, "%s %s -> %ld, want %ld: %s", method, path, got, want,
                   resp ? json_object_to_json_string (resp) : "");
    if (code)
        ck_assert_str_eq (qs_json_str (qs_json_path (resp, "error"), "code", ""), code);
    json_object_put (resp);
}

static json_object *
s_chat (const char *token, const char *message)
{
    json_object *req = json_object_new_object (), *resp = NULL;
    qs_json_add_str (req, "message", message);
    long st = s_http ("POST", "/api/v1/chat", token, json_object_to_json_string (req), &resp);
    json_object_put (req);
    ck_assert_msg (st == 200, "chat -> %ld", st);
    return resp;
}

static int
s_message_count (const char *path)
{
    json_object *resp = NULL;
    ck_assert_int_eq (s_http ("GET", path, s_alice, NULL, &resp), 200);
    int n = (int) json_object_array_length (qs_json_get (resp, "messages", json_type_array));
    json_object_put (resp);
    return n;
}

static bool
s_listed (const char *token, const char *id)
{
    json_object *resp = NULL;
    ck_assert_int_eq (s_http ("GET", "/api/v1/chat/conversations?limit=100", token, NULL, &resp), 200);
    json_object *list = qs_json_get (resp, "conversations", json_type_array);
    bool found = false;
    for (size_t i = 0; list && i < json_object_array_length (list); i++)
        if (!strcmp (qs_json_str (json_object_array_get_idx (list, i), "id", ""), id))
            found = true;
    json_object_put (resp);
    return found;
}

START_TEST (test_conversation_routes)
{
    json_object *r = s_chat (s_alice, "what tier is acme-main-db on?");
    char id[80], path[200], body[300];
    snprintf (id, sizeof id, "%s", qs_json_str (r, "conversation_id", ""));
    json_object_put (r);
    ck_assert (id[0]);
    snprintf (path, sizeof path, "/api/v1/chat/conversations/%s", id);
    int count = s_message_count (path);
    ck_assert_int_ge (count, 2);
    const char *others[] = { s_bob, s_carol, s_viewer, s_globex_admin, s_alice_globex };
    for (size_t i = 0; i < 5; i++) {
        s_expect ("GET", path, others[i], NULL, 404, "not_found");
        s_expect ("DELETE", path, others[i], NULL, 404, "not_found");
        snprintf (body, sizeof body, "{\"message\":\"and its connection string?\","
                  "\"conversation_id\":\"%s\"}", id);
        s_expect ("POST", "/api/v1/chat", others[i], body, 404, "not_found");
        ck_assert (!s_listed (others[i], id));
    }
    //  the same answer as for an id that does not exist at all
    s_expect ("GET", "/api/v1/chat/conversations/no-such-conversation-0", s_bob, NULL, 404,
              "not_found");
    //  nothing was appended or deleted by the attempts
    ck_assert_int_eq (s_message_count (path), count);
    ck_assert (s_listed (s_alice, id));
    s_expect ("DELETE", path, s_alice, NULL, 204, NULL);
    s_expect ("GET", path, s_alice, NULL, 404, "not_found");
}
END_TEST

//  The streamed chat must not continue someone else's conversation either
START_TEST (test_stream_with_foreign_conversation)
{
    json_object *r = s_chat (s_alice, "what tier is acme-main-db on?");
    char body[300];
    snprintf (body, sizeof body, "{\"message\":\"tell me more\",\"conversation_id\":\"%s\"}",
              qs_json_str (r, "conversation_id", ""));
    json_object_put (r);
    const char *tokens[] = { s_carol, s_bob, s_alice_globex };
    for (size_t i = 0; i < 3; i++) {
        char *req = qs_sec_format ("POST", "/api/v1/chat/stream", tokens[i], body, NULL);
        qs_sec_resp_t resp;
        int st = qs_sec_request (atoi (strrchr (qs_harness_gateway (qs_harness_fixture_get ()), ':') + 1), req, strlen (req), 30000,
                                 &resp);
        free (req);
        //  either refused before the stream starts, or a stream that ends in
        //  a not_found error event and never answers
        ck_assert_msg (st == 404 || st == 200, "stream -> %d", st);
        ck_assert_msg (strstr (resp.body, "not_found") != NULL, "stream: %s", resp.body);
        ck_assert_msg (!strstr (resp.body, "event: done") && !strstr (resp.body, "event: token"),
                       "a foreign conversation was continued: %s", resp.body);
        qs_sec_resp_free (&resp);
    }
}
END_TEST

START_TEST (test_action_routes)
{
    json_object *r = s_chat (s_alice, "create a redis cache called sec-cache with 1GB for staging");
    char id[80], path[200];
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_msg (id[0], "no pending action: %s", json_object_to_json_string (r));
    json_object_put (r);
    const char *others[] = { s_bob, s_carol, s_globex_admin, s_alice_globex };
    for (size_t i = 0; i < 4; i++) {
        snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", id);
        s_expect ("POST", path, others[i], "{}", 404, "not_found");
        snprintf (path, sizeof path, "/api/v1/actions/%s/cancel", id);
        s_expect ("POST", path, others[i], "{}", 404, "not_found");
    }
    //  a viewer may not execute: 403 for any id, so it reveals nothing
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", id);
    s_expect ("POST", path, s_viewer, "{}", 403, "forbidden");
    s_expect ("POST", "/api/v1/actions/no-such-action-0/confirm", s_viewer, "{}", 403, "forbidden");
    //  a viewer who is not the owner cannot cancel it either
    snprintf (path, sizeof path, "/api/v1/actions/%s/cancel", id);
    s_expect ("POST", path, s_viewer, "{}", 404, "not_found");
    s_expect ("POST", "/api/v1/actions/no-such-action-0/confirm", s_bob, "{}", 404, "not_found");
    //  still pending for its owner
    json_object *resp = NULL;
    ck_assert_int_eq (s_http ("POST", path, s_alice, "{}", &resp), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (resp, "actions.0"), "status", ""), "cancelled");
    json_object_put (resp);
}
END_TEST

//  The replicas of an acme service as the platform has them
static int64_t
s_replicas (const char *id)
{
    char path[128];
    json_object *svc = NULL;
    snprintf (path, sizeof path, "/api/v1/services/%s", id);
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_sandbox (qs_harness_fixture_get ()), path, s_alice, NULL, &svc), 200);
    int64_t n = qs_json_int (svc, "replicas", -1);
    json_object_put (svc);
    return n;
}

//  Changes to running services (section 9): only the owner confirms, a
//  viewer gets 403, everyone else 404; a delete needs an admin and the name
START_TEST (test_manage_action_routes)
{
    char id[80], path[200], body[120];
    json_object *r = s_chat (s_viewer, "scale acme-api-cache to 2 replicas");
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (r, "actions", json_type_array)), 0);
    json_object_put (r);
    r = s_chat (s_alice, "delete acme-events");          //  a member cannot delete
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (r, "actions", json_type_array)), 0);
    json_object_put (r);
    r = s_chat (s_alice, "scale acme-api-cache to 2 replicas");
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "type", ""), "update_service");
    json_object_put (r);
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", id);
    const char *others[] = { s_bob, s_acme_admin, s_carol, s_globex_admin, s_alice_globex };
    for (size_t i = 0; i < 5; i++)
        s_expect ("POST", path, others[i], "{}", 404, "not_found");
    s_expect ("POST", path, s_viewer, "{}", 403, "forbidden");
    ck_assert_int_eq (s_replicas ("svc-acme-api-cache"), 1);
    json_object *resp = NULL;
    ck_assert_int_eq (s_http ("POST", path, s_alice, "{}", &resp), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (resp, "actions.0"), "status", ""), "executed");
    json_object_put (resp);
    ck_assert_int_eq (s_replicas ("svc-acme-api-cache"), 2);
    s_expect ("POST", path, s_alice, "{}", 409, NULL);
    //  an admin's delete: the name, from the admin only
    r = s_chat (s_acme_admin, "delete acme-events");
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "type", ""), "delete_service");
    json_object_put (r);
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", id);
    snprintf (body, sizeof body, "{\"confirm_name\":\"acme-events\"}");
    const char *not_owner[] = { s_alice, s_bob, s_carol, s_globex_admin, s_alice_globex };
    for (size_t i = 0; i < 5; i++)
        s_expect ("POST", path, not_owner[i], body, 404, "not_found");
    s_expect ("POST", path, s_viewer, body, 403, "forbidden");
    s_expect ("POST", path, s_acme_admin, "{\"confirm_name\":\"ACME-EVENTS\"}", 422, "confirmation_mismatch");
    ck_assert_int_eq (s_replicas ("svc-acme-events"), 1);        //  still there
    snprintf (path, sizeof path, "/api/v1/actions/%s/cancel", id);
    s_expect ("POST", path, s_acme_admin, "{}", 200, NULL);
    ck_assert_int_eq (s_replicas ("svc-acme-events"), 1);
}
END_TEST

/*  How many entries of caller's audit view are about action_id; asserts
    that every entry belongs to org and, unless all_actors, to actor. */
static int
s_audit_hits (const char *token, const char *org, const char *actor, bool all_actors,
              const char *action_id)
{
    json_object *all = qs_harness_audit_all (qs_harness_gateway (qs_harness_fixture_get ()), token, 3);
    ck_assert_ptr_nonnull (all);
    int hits = 0;
    for (size_t i = 0; i < json_object_array_length (all); i++) {
        json_object *e = json_object_array_get_idx (all, i);
        ck_assert_str_eq (qs_json_str (e, "org_id", ""), org);
        if (!all_actors)
            ck_assert_str_eq (qs_json_str (e, "actor", ""), actor);
        hits += !strcmp (qs_json_str (e, "action_id", ""), action_id);
    }
    json_object_put (all);
    return hits;
}

START_TEST (test_audit_route)
{
    json_object *r = s_chat (s_alice, "create a redis cache called sec-audit with 1GB for staging");
    char id[80], path[200];
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_msg (id[0], "no pending action: %s", json_object_to_json_string (r));
    json_object_put (r);
    snprintf (path, sizeof path, "/api/v1/actions/%s/cancel", id);
    s_expect ("POST", path, s_alice, "{}", 200, NULL);
    char *dan = qs_harness_token ("dan", "org-acme", "member");
    //  the owner sees proposed and cancelled; the org's admins see them too
    ck_assert_int_eq (s_audit_hits (s_alice, "org-acme", "alice", false, id), 2);
    ck_assert_int_eq (s_audit_hits (s_acme_admin, "org-acme", NULL, true, id), 2);
    ck_assert_int_eq (s_audit_hits (s_bob, "org-acme", NULL, true, id), 2);
    //  a colleague or a viewer of the same org sees only their own entries
    ck_assert_int_eq (s_audit_hits (dan, "org-acme", "dan", false, id), 0);
    ck_assert_int_eq (s_audit_hits (s_viewer, "org-acme", "vic", false, id), 0);
    //  another org never sees an entry of this one, whatever its role or sub
    ck_assert_int_eq (s_audit_hits (s_carol, "org-globex", "carol", false, id), 0);
    ck_assert_int_eq (s_audit_hits (s_globex_admin, "org-globex", NULL, true, id), 0);
    ck_assert_int_eq (s_audit_hits (s_alice_globex, "org-globex", NULL, true, id), 0);
    //  no token, bad paging
    s_expect ("GET", "/api/v1/audit", NULL, NULL, 401, NULL);
    s_expect ("GET", "/api/v1/audit?limit=0", s_alice, NULL, 400, "bad_request");
    s_expect ("GET", "/api/v1/audit?limit=abc", s_alice, NULL, 400, "bad_request");
    s_expect ("GET", "/api/v1/audit?cursor=%25%25", s_acme_admin, NULL, 400, "bad_request");
    s_expect ("POST", "/api/v1/audit", s_acme_admin, "{}", 405, NULL);
    free (dan);
}
END_TEST

//  Service ids of an org, from the platform as that org sees it
static json_object *
s_platform_ids (const char *token)
{
    json_object *resp = NULL, *ids = json_object_new_object ();
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_sandbox (qs_harness_fixture_get ()), "/api/v1/services", token, NULL, &resp), 200);
    json_object *list = qs_json_get (resp, "services", json_type_array);
    for (size_t i = 0; list && i < json_object_array_length (list); i++)
        json_object_object_add (ids, qs_json_str (json_object_array_get_idx (list, i), "id", "?"),
                                json_object_new_boolean (1));
    json_object_put (resp);
    return ids;
}

START_TEST (test_recommendations_scoped_to_org)
{
    const char *tokens[] = { s_alice, s_carol };
    json_object *mine[2] = { s_platform_ids (s_alice), s_platform_ids (s_carol) };
    for (int k = 0; k < 2; k++) {
        json_object *reco = NULL;
        ck_assert_int_eq (s_http ("GET", "/api/v1/recommendations", tokens[k], NULL, &reco), 200);
        json_object *recs = qs_json_get (reco, "recommendations", json_type_array);
        ck_assert (recs);
        if (k == 1)          /* globex's seed has idle and oversized services */
            ck_assert (json_object_array_length (recs) > 0);
        for (size_t i = 0; i < json_object_array_length (recs); i++) {
            const char *sid = qs_json_str (json_object_array_get_idx (recs, i), "service_id", "");
            ck_assert_msg (json_object_object_get_ex (mine[k], sid, NULL),
                           "recommendation for %s outside the caller's org", sid);
            ck_assert (!json_object_object_get_ex (mine[1 - k], sid, NULL));
        }
        json_object_put (reco);
    }
    json_object_put (mine[0]);
    json_object_put (mine[1]);
}
END_TEST

static bool
s_search_finds (const char *token, const char *word, const char *id)
{
    char path[200];
    snprintf (path, sizeof path, "/api/v1/knowledge/search?q=%s&limit=20", word);
    json_object *resp = NULL;
    ck_assert_int_eq (s_http ("GET", path, token, NULL, &resp), 200);
    json_object *res = qs_json_get (resp, "results", json_type_array);
    bool found = false;
    for (size_t i = 0; res && i < json_object_array_length (res); i++)
        if (!strcmp (qs_json_str (json_object_array_get_idx (res, i), "id", ""), id))
            found = true;
    json_object_put (resp);
    return found;
}

static const char *S_DOC = "{\"title\":\"Zorblax runbook\",\"content\":\"The zorblaxquux "
    "procedure for our internal clusters: rotate the zorblaxquux keys weekly.\","
    "\"topic\":\"platform\",\"category\":\"best_practices\"}";

START_TEST (test_document_routes_admin_only)
{
    s_expect ("POST", "/api/v1/knowledge/documents", s_alice, S_DOC, 403, "forbidden");
    s_expect ("POST", "/api/v1/knowledge/documents", s_viewer, S_DOC, 403, "forbidden");
    json_object *resp = NULL;
    ck_assert_int_eq (s_http ("POST", "/api/v1/knowledge/documents", s_acme_admin, S_DOC, &resp), 201);
    char id[80], path[200];
    snprintf (id, sizeof id, "%s", qs_json_str (resp, "id", ""));
    json_object_put (resp);
    snprintf (path, sizeof path, "/api/v1/knowledge/documents/%s", id);
    s_expect ("DELETE", path, s_alice, NULL, 403, "forbidden");
    s_expect ("DELETE", path, s_viewer, NULL, 403, "forbidden");
    bool found = false;
    for (int i = 0; i < 50 && !found; i++) {
        found = s_search_finds (s_alice, "zorblaxquux", id);
        if (!found)
            usleep (100000);
    }
    ck_assert_msg (found, "the org's own document is not searchable");
    s_expect ("DELETE", path, s_acme_admin, NULL, 204, NULL);
    s_expect ("DELETE", path, s_acme_admin, NULL, 404, "not_found");
}
END_TEST

/*  An org's documents are its own: another org neither finds them nor can
    delete them (404, like a missing id); built-in pages are nobody's to
    delete (403). */
START_TEST (test_documents_scoped_to_org)
{
    json_object *resp = NULL;
    ck_assert_int_eq (s_http ("POST", "/api/v1/knowledge/documents", s_acme_admin, S_DOC, &resp), 201);
    char id[80], path[200];
    snprintf (id, sizeof id, "%s", qs_json_str (resp, "id", ""));
    json_object_put (resp);
    sleep (1);
    ck_assert_msg (!s_search_finds (s_carol, "zorblaxquux", id), "globex finds acme's document");
    snprintf (path, sizeof path, "/api/v1/knowledge/documents/%s", id);
    s_expect ("DELETE", path, s_globex_admin, NULL, 404, "not_found");
    bool found = false;
    for (int i = 0; i < 50 && !found; i++) {
        found = s_search_finds (s_alice, "zorblaxquux", id);
        if (!found)
            usleep (100000);
    }
    ck_assert_msg (found, "globex's delete attempt removed acme's document");
    ck_assert_msg (!s_search_finds (s_carol, "zorblaxquux", id), "globex finds acme's document");
    s_expect ("DELETE", "/api/v1/knowledge/documents/redis-max-clients", s_globex_admin, NULL,
              403, "forbidden");
    s_expect ("DELETE", path, s_acme_admin, NULL, 204, NULL);
}
END_TEST

static const char S_ALERT[] =
    "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"%s\","
    "\"quickspin_service\":\"no-such-service\"},\"annotations\":{}}]}";

/*  How many of the caller's incidents are called alertname. */
static int
s_incidents_named (const char *token, const char *alertname)
{
    json_object *resp = NULL;
    ck_assert_int_eq (s_http ("GET", "/api/v1/incidents", token, NULL, &resp), 200);
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
    s_expect ("POST", "/api/v1/alerts/alertmanager", s_alice, body, 200, NULL);
    s_expect ("POST", "/api/v1/alerts/alertmanager", s_bob, body, 200, NULL);
    s_expect ("POST", "/api/v1/alerts/alertmanager", s_viewer, body, 403, "forbidden");
    s_expect ("POST", "/api/v1/alerts/alertmanager", NULL, body, 401, NULL);
    snprintf (body, sizeof body, S_ALERT, "SecGlobex");
    s_expect ("POST", "/api/v1/alerts/alertmanager", s_carol, body, 200, NULL);
    /* the org's incident for every role of the org, once (same fingerprint) */
    const char *acme[] = {s_alice, s_bob, s_viewer, s_acme_admin};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq (s_incidents_named (acme[i], "SecAcme"), 1);
        ck_assert_int_eq (s_incidents_named (acme[i], "SecGlobex"), 0);
    }
    /* another org, and the same user id in another org, never see it */
    const char *globex[] = {s_carol, s_globex_admin, s_alice_globex};
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
    const char *not_admin[] = {s_alice, s_viewer, s_carol};
    for (int i = 0; i < 3; i++) {
        s_expect ("PUT", "/api/v1/settings/notifications", not_admin[i], put, 403, "forbidden");
        s_expect ("GET", "/api/v1/settings/notifications", not_admin[i], NULL, 403, "forbidden");
    }
    s_expect ("PUT", "/api/v1/settings/notifications", s_acme_admin, put, 200, NULL);
    s_expect ("PUT", "/api/v1/settings/notifications", s_acme_admin,
              "{\"webhook_url\":\"http://169.254.169.254/latest\"}", 422, "webhook_not_allowed");
    json_object *resp = NULL;
    ck_assert_int_eq (s_http ("GET", "/api/v1/settings/notifications", s_bob, NULL, &resp), 200);
    ck_assert_str_eq (qs_json_str (resp, "webhook_url", ""), "http://93.184.216.34/hooks/acme?token=***");
    json_object_put (resp);
    /* another org's admin sees and changes only its own */
    ck_assert_int_eq (s_http ("GET", "/api/v1/settings/notifications", s_globex_admin, NULL, &resp), 200);
    ck_assert (json_object_is_type (json_object_object_get (resp, "webhook_url"), json_type_null));
    json_object_put (resp);
    s_expect ("PUT", "/api/v1/settings/notifications", s_globex_admin, "{\"webhook_url\":null}", 200, NULL);
    ck_assert_int_eq (s_http ("GET", "/api/v1/settings/notifications", s_acme_admin, NULL, &resp), 200);
    ck_assert_ptr_nonnull (strstr (qs_json_str (resp, "webhook_url", ""), "93.184.216.34"));
    json_object_put (resp);
    s_expect ("PUT", "/api/v1/settings/notifications", s_acme_admin, "{\"webhook_url\":null}", 200, NULL);
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
    long st = s_http ("POST", "/mcp", token, body, &resp);
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
    json_object *acme = s_platform_ids (s_alice), *globex = s_platform_ids (s_carol);
    const char *tokens[] = { s_alice, s_bob, s_viewer, s_acme_admin, s_carol, s_globex_admin,
                             s_alice_globex };
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
    json_object *r = s_chat (s_alice, "create a redis cache called mcp-sec-cache with 1GB for staging");
    char conv[80], action[80];
    snprintf (conv, sizeof conv, "%s", qs_json_str (r, "conversation_id", ""));
    snprintf (action, sizeof action, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_msg (conv[0] && action[0], "no pending action: %s", json_object_to_json_string (r));
    json_object_put (r);
    const char *others[] = { s_bob, s_acme_admin, s_carol, s_globex_admin, s_alice_globex };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        snprintf (args, sizeof args, "{\"message\":\"yes\",\"conversation_id\":\"%s\"}", conv);
        s_mcp_refused (others[i], "chat", args, 404, NULL, NULL);
        snprintf (args, sizeof args, "{\"action_id\":\"%s\"}", action);
        s_mcp_refused (others[i], "confirm_action", args, 404, NULL, NULL);
    }
    s_mcp_refused (s_viewer, "confirm_action", args, 403, NULL, NULL);
    //  still pending for its owner
    char path[200];
    snprintf (path, sizeof path, "/api/v1/actions/%s/cancel", action);
    json_object *resp = NULL;
    ck_assert_int_eq (s_http ("POST", path, s_alice, "{}", &resp), 200);
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
    ck_assert_int_eq (s_http ("GET", "/api/v1/recommendations", s_carol, NULL, &reco), 200);
    json_object *recs = qs_json_get (reco, "recommendations", json_type_array), *rec = NULL;
    for (size_t i = 0; recs && i < json_object_array_length (recs) && !rec; i++)
        if (strcmp (qs_json_str (json_object_array_get_idx (recs, i), "type", ""), "delete_idle"))
            rec = json_object_array_get_idx (recs, i);
    ck_assert_msg (rec, "globex has no recommendation to apply");
    char apply[200], path[200], conv[80], action[80], body[200];
    snprintf (apply, sizeof apply, "/api/v1/recommendations/%s/apply", qs_json_str (rec, "id", ""));
    //  no token; a body that is not an object; another org's id; an unknown id
    s_expect ("POST", apply, NULL, "{}", 401, NULL);
    s_expect ("POST", apply, s_carol, "[1]", 400, NULL);
    s_expect ("POST", apply, s_alice, "{}", 404, "not_found");
    s_expect ("POST", apply, s_acme_admin, "{}", 404, "not_found");
    s_expect ("POST", "/api/v1/recommendations/rec-0000000000000000/apply", s_carol, "{}", 404, "not_found");
    //  a viewer may ask: told why, nothing to confirm
    ck_assert_int_eq (s_http ("POST", apply, viewer, "{}", &r), 200);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (r, "actions", json_type_array)), 0);
    ck_assert_ptr_nonnull (strstr (qs_json_str (r, "message", ""), "role"));
    json_object_put (r);
    //  the owner's proposal
    ck_assert_int_eq (s_http ("POST", apply, s_carol, "{}", &r), 200);
    snprintf (conv, sizeof conv, "%s", qs_json_str (r, "conversation_id", ""));
    snprintf (action, sizeof action, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_msg (*action, "no pending action: %s", json_object_to_json_string (r));
    json_object_put (r);
    //  nobody else settles it or proposes into the owner's conversation
    const char *others[] = { colleague, s_globex_admin, s_alice_globex, s_alice };
    snprintf (body, sizeof body, "{\"conversation_id\":\"%s\"}", conv);
    for (size_t i = 0; i < 4; i++) {
        snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", action);
        s_expect ("POST", path, others[i], "{}", 404, "not_found");
        snprintf (path, sizeof path, "/api/v1/actions/%s/cancel", action);
        s_expect ("POST", path, others[i], "{}", 404, "not_found");
        if (i < 3)              /* the same org: the id is known, the conversation is not theirs */
            s_expect ("POST", apply, others[i], body, 404, "not_found");
    }
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", action);
    s_expect ("POST", path, viewer, "{}", 403, "forbidden");
    //  still pending for its owner, who cancels it
    snprintf (path, sizeof path, "/api/v1/actions/%s/cancel", action);
    ck_assert_int_eq (s_http ("POST", path, s_carol, "{}", &r), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "cancelled");
    json_object_put (r);
    json_object_put (reco);
    free (viewer);
    free (colleague);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("sec_access");
    TCase *tc = tcase_create ("suite");
    //  QS_MCP_WRITES=1: the MCP tool confirm_action is offered too
    static const char *const env[] = { "QS_MCP_WRITES=1", NULL };
    qs_harness_spec_t spec = qs_harness_whole ();
    spec.env = env;
    qs_harness_fixture (tc, &spec, s_users);
    tcase_set_timeout (tc, 120);
    tcase_add_test (tc, test_conversation_routes);
    tcase_add_test (tc, test_stream_with_foreign_conversation);
    tcase_add_test (tc, test_action_routes);
    tcase_add_test (tc, test_manage_action_routes);
    tcase_add_test (tc, test_audit_route);
    tcase_add_test (tc, test_recommendations_scoped_to_org);
    tcase_add_test (tc, test_document_routes_admin_only);
    tcase_add_test (tc, test_documents_scoped_to_org);
    tcase_add_test (tc, test_incident_routes);
    tcase_add_test (tc, test_notification_settings_admin_only);
    tcase_add_test (tc, test_mcp_tools_scoped);

    tcase_add_test (tc, test_apply_route);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
