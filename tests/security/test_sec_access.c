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
#include "sec_access.h"

char *sec_alice, *sec_bob, *sec_viewer, *sec_carol, *sec_acme_admin, *sec_globex_admin;
char *sec_alice_globex;     /* the same sub in another org: a different user */
static const qs_harness_user_t s_users[] = {
    { &sec_alice, "alice", "org-acme", "member" },
    { &sec_bob, "bob", "org-acme", "member,admin" },
    { &sec_viewer, "vic", "org-acme", "viewer" },
    { &sec_carol, "carol", "org-globex", "member" },
    { &sec_acme_admin, "ann", "org-acme", "admin" },
    { &sec_globex_admin, "gus", "org-globex", "admin" },
    { &sec_alice_globex, "alice", "org-globex", "member,admin" },
    { NULL }
};

long
sec_http (const char *method, const char *path, const char *token, const char *body,
        json_object **resp)
{
    return qs_harness_http (method, qs_harness_gateway (qs_harness_fixture_get ()), path, token, body, resp);
}

//  Expect status and, for an error, the contract's code
void
sec_expect (const char *method, const char *path, const char *token, const char *body,
          long want, const char *code)
{
    json_object *resp = NULL;
    long got = sec_http (method, path, token, body, &resp);
    ck_assert_msg (got == want, "%s %s -> %ld, want %ld: %s", method, path, got, want,
                   resp ? json_object_to_json_string (resp) : "");
    if (code)
        ck_assert_str_eq (qs_json_str (qs_json_path (resp, "error"), "code", ""), code);
    json_object_put (resp);
}

json_object *
sec_chat (const char *token, const char *message)
{
    json_object *req = json_object_new_object (), *resp = NULL;
    qs_json_add_str (req, "message", message);
    long st = sec_http ("POST", "/api/v1/chat", token, json_object_to_json_string (req), &resp);
    json_object_put (req);
    ck_assert_msg (st == 200, "chat -> %ld", st);
    return resp;
}

static int
s_message_count (const char *path)
{
    json_object *resp = NULL;
    ck_assert_int_eq (sec_http ("GET", path, sec_alice, NULL, &resp), 200);
    int n = (int) json_object_array_length (qs_json_get (resp, "messages", json_type_array));
    json_object_put (resp);
    return n;
}

static bool
s_listed (const char *token, const char *id)
{
    json_object *resp = NULL;
    ck_assert_int_eq (sec_http ("GET", "/api/v1/chat/conversations?limit=100", token, NULL, &resp), 200);
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
    json_object *r = sec_chat (sec_alice, "what tier is acme-main-db on?");
    char id[80], path[200], body[300];
    snprintf (id, sizeof id, "%s", qs_json_str (r, "conversation_id", ""));
    json_object_put (r);
    ck_assert (id[0]);
    snprintf (path, sizeof path, "/api/v1/chat/conversations/%s", id);
    int count = s_message_count (path);
    ck_assert_int_ge (count, 2);
    const char *others[] = { sec_bob, sec_carol, sec_viewer, sec_globex_admin, sec_alice_globex };
    for (size_t i = 0; i < 5; i++) {
        sec_expect ("GET", path, others[i], NULL, 404, "not_found");
        sec_expect ("DELETE", path, others[i], NULL, 404, "not_found");
        snprintf (body, sizeof body, "{\"message\":\"and its connection string?\","
                  "\"conversation_id\":\"%s\"}", id);
        sec_expect ("POST", "/api/v1/chat", others[i], body, 404, "not_found");
        ck_assert (!s_listed (others[i], id));
    }
    //  the same answer as for an id that does not exist at all
    sec_expect ("GET", "/api/v1/chat/conversations/no-such-conversation-0", sec_bob, NULL, 404,
              "not_found");
    //  nothing was appended or deleted by the attempts
    ck_assert_int_eq (s_message_count (path), count);
    ck_assert (s_listed (sec_alice, id));
    sec_expect ("DELETE", path, sec_alice, NULL, 204, NULL);
    sec_expect ("GET", path, sec_alice, NULL, 404, "not_found");
}
END_TEST

//  The streamed chat must not continue someone else's conversation either
START_TEST (test_stream_with_foreign_conversation)
{
    json_object *r = sec_chat (sec_alice, "what tier is acme-main-db on?");
    char body[300];
    snprintf (body, sizeof body, "{\"message\":\"tell me more\",\"conversation_id\":\"%s\"}",
              qs_json_str (r, "conversation_id", ""));
    json_object_put (r);
    const char *tokens[] = { sec_carol, sec_bob, sec_alice_globex };
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
    json_object *r = sec_chat (sec_alice, "create a redis cache called sec-cache with 1GB for staging");
    char id[80], path[200];
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_msg (id[0], "no pending action: %s", json_object_to_json_string (r));
    json_object_put (r);
    const char *others[] = { sec_bob, sec_carol, sec_globex_admin, sec_alice_globex };
    for (size_t i = 0; i < 4; i++) {
        snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", id);
        sec_expect ("POST", path, others[i], "{}", 404, "not_found");
        snprintf (path, sizeof path, "/api/v1/actions/%s/cancel", id);
        sec_expect ("POST", path, others[i], "{}", 404, "not_found");
    }
    //  a viewer may not execute: 403 for any id, so it reveals nothing
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", id);
    sec_expect ("POST", path, sec_viewer, "{}", 403, "forbidden");
    sec_expect ("POST", "/api/v1/actions/no-such-action-0/confirm", sec_viewer, "{}", 403, "forbidden");
    //  a viewer who is not the owner cannot cancel it either
    snprintf (path, sizeof path, "/api/v1/actions/%s/cancel", id);
    sec_expect ("POST", path, sec_viewer, "{}", 404, "not_found");
    sec_expect ("POST", "/api/v1/actions/no-such-action-0/confirm", sec_bob, "{}", 404, "not_found");
    //  still pending for its owner
    json_object *resp = NULL;
    ck_assert_int_eq (sec_http ("POST", path, sec_alice, "{}", &resp), 200);
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
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_sandbox (qs_harness_fixture_get ()), path, sec_alice, NULL, &svc), 200);
    int64_t n = qs_json_int (svc, "replicas", -1);
    json_object_put (svc);
    return n;
}

//  Changes to running services (section 9): only the owner confirms, a
//  viewer gets 403, everyone else 404; a delete needs an admin and the name
START_TEST (test_manage_action_routes)
{
    char id[80], path[200], body[120];
    json_object *r = sec_chat (sec_viewer, "scale acme-api-cache to 2 replicas");
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (r, "actions", json_type_array)), 0);
    json_object_put (r);
    r = sec_chat (sec_alice, "delete acme-events");          //  a member cannot delete
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (r, "actions", json_type_array)), 0);
    json_object_put (r);
    r = sec_chat (sec_alice, "scale acme-api-cache to 2 replicas");
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "type", ""), "update_service");
    json_object_put (r);
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", id);
    const char *others[] = { sec_bob, sec_acme_admin, sec_carol, sec_globex_admin, sec_alice_globex };
    for (size_t i = 0; i < 5; i++)
        sec_expect ("POST", path, others[i], "{}", 404, "not_found");
    sec_expect ("POST", path, sec_viewer, "{}", 403, "forbidden");
    ck_assert_int_eq (s_replicas ("svc-acme-api-cache"), 1);
    json_object *resp = NULL;
    ck_assert_int_eq (sec_http ("POST", path, sec_alice, "{}", &resp), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (resp, "actions.0"), "status", ""), "executed");
    json_object_put (resp);
    ck_assert_int_eq (s_replicas ("svc-acme-api-cache"), 2);
    sec_expect ("POST", path, sec_alice, "{}", 409, NULL);
    //  an admin's delete: the name, from the admin only
    r = sec_chat (sec_acme_admin, "delete acme-events");
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "type", ""), "delete_service");
    json_object_put (r);
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", id);
    snprintf (body, sizeof body, "{\"confirm_name\":\"acme-events\"}");
    const char *not_owner[] = { sec_alice, sec_bob, sec_carol, sec_globex_admin, sec_alice_globex };
    for (size_t i = 0; i < 5; i++)
        sec_expect ("POST", path, not_owner[i], body, 404, "not_found");
    sec_expect ("POST", path, sec_viewer, body, 403, "forbidden");
    sec_expect ("POST", path, sec_acme_admin, "{\"confirm_name\":\"ACME-EVENTS\"}", 422, "confirmation_mismatch");
    ck_assert_int_eq (s_replicas ("svc-acme-events"), 1);        //  still there
    snprintf (path, sizeof path, "/api/v1/actions/%s/cancel", id);
    sec_expect ("POST", path, sec_acme_admin, "{}", 200, NULL);
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
    json_object *r = sec_chat (sec_alice, "create a redis cache called sec-audit with 1GB for staging");
    char id[80], path[200];
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_msg (id[0], "no pending action: %s", json_object_to_json_string (r));
    json_object_put (r);
    snprintf (path, sizeof path, "/api/v1/actions/%s/cancel", id);
    sec_expect ("POST", path, sec_alice, "{}", 200, NULL);
    char *dan = qs_harness_token ("dan", "org-acme", "member");
    //  the owner sees proposed and cancelled; the org's admins see them too
    ck_assert_int_eq (s_audit_hits (sec_alice, "org-acme", "alice", false, id), 2);
    ck_assert_int_eq (s_audit_hits (sec_acme_admin, "org-acme", NULL, true, id), 2);
    ck_assert_int_eq (s_audit_hits (sec_bob, "org-acme", NULL, true, id), 2);
    //  a colleague or a viewer of the same org sees only their own entries
    ck_assert_int_eq (s_audit_hits (dan, "org-acme", "dan", false, id), 0);
    ck_assert_int_eq (s_audit_hits (sec_viewer, "org-acme", "vic", false, id), 0);
    //  another org never sees an entry of this one, whatever its role or sub
    ck_assert_int_eq (s_audit_hits (sec_carol, "org-globex", "carol", false, id), 0);
    ck_assert_int_eq (s_audit_hits (sec_globex_admin, "org-globex", NULL, true, id), 0);
    ck_assert_int_eq (s_audit_hits (sec_alice_globex, "org-globex", NULL, true, id), 0);
    //  no token, bad paging
    sec_expect ("GET", "/api/v1/audit", NULL, NULL, 401, NULL);
    sec_expect ("GET", "/api/v1/audit?limit=0", sec_alice, NULL, 400, "bad_request");
    sec_expect ("GET", "/api/v1/audit?limit=abc", sec_alice, NULL, 400, "bad_request");
    sec_expect ("GET", "/api/v1/audit?cursor=%25%25", sec_acme_admin, NULL, 400, "bad_request");
    sec_expect ("POST", "/api/v1/audit", sec_acme_admin, "{}", 405, NULL);
    free (dan);
}
END_TEST

//  Service ids of an org, from the platform as that org sees it
json_object *
sec_platform_ids (const char *token)
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
    const char *tokens[] = { sec_alice, sec_carol };
    json_object *mine[2] = { sec_platform_ids (sec_alice), sec_platform_ids (sec_carol) };
    for (int k = 0; k < 2; k++) {
        json_object *reco = NULL;
        ck_assert_int_eq (sec_http ("GET", "/api/v1/recommendations", tokens[k], NULL, &reco), 200);
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
    ck_assert_int_eq (sec_http ("GET", path, token, NULL, &resp), 200);
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
    sec_expect ("POST", "/api/v1/knowledge/documents", sec_alice, S_DOC, 403, "forbidden");
    sec_expect ("POST", "/api/v1/knowledge/documents", sec_viewer, S_DOC, 403, "forbidden");
    json_object *resp = NULL;
    ck_assert_int_eq (sec_http ("POST", "/api/v1/knowledge/documents", sec_acme_admin, S_DOC, &resp), 201);
    char id[80], path[200];
    snprintf (id, sizeof id, "%s", qs_json_str (resp, "id", ""));
    json_object_put (resp);
    snprintf (path, sizeof path, "/api/v1/knowledge/documents/%s", id);
    sec_expect ("DELETE", path, sec_alice, NULL, 403, "forbidden");
    sec_expect ("DELETE", path, sec_viewer, NULL, 403, "forbidden");
    bool found = false;
    for (int i = 0; i < 50 && !found; i++) {
        found = s_search_finds (sec_alice, "zorblaxquux", id);
        if (!found)
            usleep (100000);
    }
    ck_assert_msg (found, "the org's own document is not searchable");
    sec_expect ("DELETE", path, sec_acme_admin, NULL, 204, NULL);
    sec_expect ("DELETE", path, sec_acme_admin, NULL, 404, "not_found");
}
END_TEST

/*  An org's documents are its own: another org neither finds them nor can
    delete them (404, like a missing id); built-in pages are nobody's to
    delete (403). */
START_TEST (test_documents_scoped_to_org)
{
    json_object *resp = NULL;
    ck_assert_int_eq (sec_http ("POST", "/api/v1/knowledge/documents", sec_acme_admin, S_DOC, &resp), 201);
    char id[80], path[200];
    snprintf (id, sizeof id, "%s", qs_json_str (resp, "id", ""));
    json_object_put (resp);
    sleep (1);
    ck_assert_msg (!s_search_finds (sec_carol, "zorblaxquux", id), "globex finds acme's document");
    snprintf (path, sizeof path, "/api/v1/knowledge/documents/%s", id);
    sec_expect ("DELETE", path, sec_globex_admin, NULL, 404, "not_found");
    bool found = false;
    for (int i = 0; i < 50 && !found; i++) {
        found = s_search_finds (sec_alice, "zorblaxquux", id);
        if (!found)
            usleep (100000);
    }
    ck_assert_msg (found, "globex's delete attempt removed acme's document");
    ck_assert_msg (!s_search_finds (sec_carol, "zorblaxquux", id), "globex finds acme's document");
    sec_expect ("DELETE", "/api/v1/knowledge/documents/redis-max-clients", sec_globex_admin, NULL,
              403, "forbidden");
    sec_expect ("DELETE", path, sec_acme_admin, NULL, 204, NULL);
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

    sec_access_ops_add (tc);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
