/*  End to end through the gateway against the sandbox: every intent, the
    confirm / cancel / double confirm / other user / viewer paths, no platform
    write before confirmation, a worker killed between the interrupt and the
    confirmation, SSE event order, the audit trail of a confirmed and a
    cancelled plan. */
#include "../qs_test.h"
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_cli_http.h"
#include "qs_chain.h"

static char *s_member, *s_other, *s_viewer_same, *s_globex;
static const qs_harness_user_t s_users[] = {
    { &s_member, "alice", "org-acme", "member" },
    { &s_other, "bob", "org-acme", "member,admin" },
    { &s_viewer_same, "alice", "org-acme", "viewer" },
    { &s_globex, "carol", "org-globex", "member" },
    { NULL }
};

static json_object *
s_chat (const char *token, const char *conversation_id, const char *message)
{
    json_object *req = json_object_new_object (), *resp = NULL;
    qs_json_add_str (req, "message", message);
    if (conversation_id)
        qs_json_add_str (req, "conversation_id", conversation_id);
    long status = qs_harness_http ("POST", qs_harness_gateway (qs_harness_fixture_get ()), "/api/v1/chat", token,
                               json_object_to_json_string (req), &resp);
    json_object_put (req);
    ck_assert_msg (status == 200, "chat '%s' -> %ld %s", message, status,
                   resp ? json_object_to_json_string (resp) : "");
    return resp;
}

static int
s_platform_count (const char *token)
{
    json_object *resp = NULL;
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_sandbox (qs_harness_fixture_get ()), "/api/v1/services", token, NULL, &resp), 200);
    int n = (int) json_object_array_length (qs_json_get (resp, "services", json_type_array));
    json_object_put (resp);
    return n;
}

static long
s_action (const char *token, const char *id, const char *what, json_object **resp_p)
{
    char path[200];
    snprintf (path, sizeof path, "/api/v1/actions/%s/%s", id, what);
    return qs_harness_http ("POST", qs_harness_gateway (qs_harness_fixture_get ()), path, token, "{}", resp_p);
}

START_TEST (test_provision_confirm_once)
{
    int before = s_platform_count (s_member);
    json_object *r = s_chat (s_member, NULL, "create a redis cache called e2e-cache with 1GB of memory for staging, no backups");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "provision_service");
    json_object *action = qs_json_path (r, "actions.0");
    ck_assert_ptr_nonnull (action);
    ck_assert_str_eq (qs_json_str (action, "status", ""), "pending_confirmation");
    json_object *config = qs_json_path (r, "metadata.config");
    ck_assert_str_eq (qs_json_str (config, "service_type", ""), "redis");
    ck_assert_str_eq (qs_json_str (config, "name", ""), "e2e-cache");
    ck_assert_str_eq (qs_json_str (config, "environment", ""), "staging");
    ck_assert (!qs_json_bool (config, "backup_enabled", true));
    ck_assert (qs_json_double (qs_json_path (r, "metadata.estimate"), "monthly_cost", 0) > 0);
    ck_assert (qs_json_bool (qs_json_path (r, "metadata.validation"), "ok", false));
    /* nothing is created before confirmation */
    ck_assert_int_eq (s_platform_count (s_member), before);

    char id[64];
    snprintf (id, sizeof id, "%s", qs_json_str (action, "id", ""));
    json_object *resp = NULL;
    ck_assert_int_eq (s_action (s_other, id, "confirm", &resp), 404);   /* another user */
    json_object_put (resp);
    ck_assert_int_eq (s_action (s_viewer_same, id, "confirm", &resp), 403);
    json_object_put (resp);
    ck_assert_int_eq (s_platform_count (s_member), before);
    ck_assert_int_eq (s_action (s_member, id, "confirm", &resp), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (resp, "actions.0"), "status", ""), "executed");
    ck_assert_ptr_nonnull (strstr (qs_json_str (resp, "message", ""), "e2e-cache"));
    json_object_put (resp);
    ck_assert_int_eq (s_platform_count (s_member), before + 1);
    ck_assert_int_eq (s_action (s_member, id, "confirm", &resp), 409);  /* at most once */
    json_object_put (resp);
    ck_assert_int_eq (s_action (s_member, id, "cancel", &resp), 409);
    json_object_put (resp);
    ck_assert_int_eq (s_platform_count (s_member), before + 1);
    json_object_put (r);
}
END_TEST

START_TEST (test_audit_trail)
{
    /* an org of its own, so the log holds exactly this story */
    char *owner = qs_harness_token ("erin", "org-audit", "member");
    char *admin = qs_harness_token ("olga", "org-audit", "admin");
    json_object *r = s_chat (owner, NULL, "create a redis cache called audit-cache with 1GB of memory for staging");
    char id[64];
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_msg (id[0], "no pending action: %s", json_object_to_json_string (r));
    ck_assert_ptr_null (qs_json_path (r, "actions.0.audit"));    /* not part of the public Action */
    json_object_put (r);
    json_object *resp = NULL;
    ck_assert_int_eq (s_action (owner, id, "confirm", &resp), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (resp, "actions.0"), "status", ""), "executed");
    json_object_put (resp);

    json_object *mine = qs_harness_audit_all (qs_harness_gateway (qs_harness_fixture_get ()), owner, 2), *org = qs_harness_audit_all (qs_harness_gateway (qs_harness_fixture_get ()), admin, 2);
    ck_assert (mine && org);
    ck_assert_str_eq (json_object_to_json_string (mine), json_object_to_json_string (org));
    const char *events[] = {"proposed", "confirmed", "executed"};
    ck_assert_int_eq ((int) json_object_array_length (org), 3);
    qs_chain_walk_t walk;
    qs_chain_walk_init (&walk, true);
    qs_err_t err = {0};
    for (size_t i = 0; i < 3; i++) {
        json_object *e = json_object_array_get_idx (org, i);
        ck_assert_int_eq (qs_json_int (e, "seq", 0), (int64_t) i + 1);
        ck_assert_str_eq (qs_json_str (e, "event", ""), events[i]);
        ck_assert_str_eq (qs_json_str (e, "action_id", ""), id);
        ck_assert_str_eq (qs_json_str (e, "actor", ""), "erin");
        ck_assert_str_eq (qs_json_str (e, "org_id", ""), "org-audit");
        ck_assert_str_eq (qs_json_str (e, "type", ""), "provision_service");
        ck_assert_msg (qs_chain_walk_next (&walk, e, &err) == 0, "%s", err.message);
    }
    /* proposed holds the plan, executed the platform's answer */
    ck_assert_str_eq (qs_json_str (qs_json_path (json_object_array_get_idx (org, 0), "details.config"), "name", ""),
                      "audit-cache");
    ck_assert_ptr_nonnull (qs_json_path (json_object_array_get_idx (org, 2), "details.result.service_id"));
    /* a cancelled plan is one more linked entry; another org sees none of it */
    r = s_chat (owner, NULL, "create a postgres database called audit-db for staging");
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    json_object_put (r);
    ck_assert_int_eq (s_action (owner, id, "cancel", &resp), 200);
    json_object_put (resp);
    json_object *after = qs_harness_audit_all (qs_harness_gateway (qs_harness_fixture_get ()), admin, 2);
    ck_assert_ptr_nonnull (after);
    ck_assert_int_eq ((int) json_object_array_length (after), 5);
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (after, 4), "event", ""), "cancelled");
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (after, 4), "prev_hash", ""),
                      qs_json_str (json_object_array_get_idx (after, 3), "hash", "-"));
    /* a revised plan supersedes the pending one: proposed, proposed, superseded */
    char conv[64], a1[64], a2[64];
    r = s_chat (owner, NULL, "I need a postgres database for e2e audit");
    snprintf (conv, sizeof conv, "%s", qs_json_str (r, "conversation_id", ""));
    snprintf (a1, sizeof a1, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    json_object_put (r);
    r = s_chat (owner, conv, "make it large");
    snprintf (a2, sizeof a2, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    json_object_put (r);
    ck_assert_str_ne (a1, a2);
    json_object_put (after);
    after = qs_harness_audit_all (qs_harness_gateway (qs_harness_fixture_get ()), admin, 2);
    ck_assert_ptr_nonnull (after);
    ck_assert_int_eq ((int) json_object_array_length (after), 8);
    json_object *sup = json_object_array_get_idx (after, 7);
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (after, 6), "action_id", ""), a2);
    ck_assert_str_eq (qs_json_str (sup, "event", ""), "superseded");
    ck_assert_str_eq (qs_json_str (sup, "action_id", ""), a1);
    ck_assert_str_eq (qs_json_str (qs_json_get (sup, "details", json_type_object), "superseded_by", ""), a2);
    qs_chain_walk_init (&walk, true);
    for (size_t i = 0; i < json_object_array_length (after); i++)
        ck_assert_msg (qs_chain_walk_next (&walk, json_object_array_get_idx (after, i), &err) == 0,
                       "%s", err.message);
    json_object *foreign = qs_harness_audit_all (qs_harness_gateway (qs_harness_fixture_get ()), s_globex, 2);
    ck_assert_ptr_nonnull (foreign);
    for (size_t i = 0; i < json_object_array_length (foreign); i++)
        ck_assert_str_ne (qs_json_str (json_object_array_get_idx (foreign, i), "org_id", ""), "org-audit");
    json_object_put (foreign);
    json_object_put (after);
    json_object_put (mine);
    json_object_put (org);
    free (owner);
    free (admin);
}
END_TEST

START_TEST (test_provision_yes_no_in_conversation)
{
    int before = s_platform_count (s_member);
    json_object *r = s_chat (s_member, NULL, "I need a postgres database named e2e-pg, small tier");
    char conv[64];
    snprintf (conv, sizeof conv, "%s", qs_json_str (r, "conversation_id", ""));
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "pending_confirmation");
    json_object_put (r);
    r = s_chat (s_member, conv, "no");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "cancelled");
    json_object_put (r);
    ck_assert_int_eq (s_platform_count (s_member), before);

    r = s_chat (s_member, conv, "ok then make a mongodb called e2e-mongo");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "pending_confirmation");
    json_object_put (r);
    r = s_chat (s_member, conv, "yes");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    json_object_put (r);
    ck_assert_int_eq (s_platform_count (s_member), before + 1);
}
END_TEST

START_TEST (test_viewer_gets_no_pending_action)
{
    int before = s_platform_count (s_member);
    json_object *r = s_chat (s_viewer_same, NULL, "create a small kafka cluster called e2e-viewer-kafka");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "provision_service");
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (r, "actions", json_type_array)), 0);
    ck_assert (!qs_json_bool (qs_json_path (r, "metadata.validation"), "ok", true));
    json_object_put (r);
    ck_assert_int_eq (s_platform_count (s_member), before);
}
END_TEST

START_TEST (test_worker_dies_before_confirmation)
{
    json_object *r = s_chat (s_member, NULL, "please provision a rabbitmq message queue called e2e-queue");
    char id[64];
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    json_object_put (r);
    /* a second worker comes up, the first dies hard */
    qs_proc_t *second = qs_harness_add (qs_harness_fixture_get (), &(qs_harness_workers_t) {.kind = "workflow"});
    ck_assert_ptr_nonnull (second);
    sleep (1);
    qs_proc_signal (qs_harness_proc (qs_harness_fixture_get (), "workflow"), SIGKILL);
    /* the broker drops the dead worker after its missed heartbeats */
    sleep (5);
    json_object *resp = NULL;
    ck_assert_int_eq (s_action (s_member, id, "confirm", &resp), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (resp, "actions.0"), "status", ""), "executed");
    json_object_put (resp);
}
END_TEST

START_TEST (test_info_and_follow_up)
{
    json_object *r = s_chat (s_member, NULL, "what tier is acme-main-db on?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "get_service_info");
    ck_assert_ptr_nonnull (strstr (qs_json_str (r, "message", ""), "large"));
    char conv[64];
    snprintf (conv, sizeof conv, "%s", qs_json_str (r, "conversation_id", ""));
    json_object_put (r);
    r = s_chat (s_member, conv, "and its connection string?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "get_connection_info");
    const char *msg = qs_json_str (r, "message", "");
    ck_assert_ptr_nonnull (strstr (msg, "acme-main-db"));
    ck_assert_ptr_nonnull (strstr (msg, "postgres"));
    /* the URI never carries a password (scheme://user:secret@host) */
    const char *uri = strstr (msg, "://");
    ck_assert_ptr_nonnull (uri);
    const char *at = strchr (uri, '@'), *colon = strchr (uri + 3, ':');
    ck_assert (!at || !colon || colon > at);
    json_object_put (r);
}
END_TEST

START_TEST (test_troubleshoot_and_optimize)
{
    json_object *r = s_chat (s_member, NULL, "why does acme-cache keep restarting?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "troubleshoot");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.diagnosis.findings.0"), "code", ""), "oom_killed");
    json_object_put (r);
    r = s_chat (s_globex, NULL, "how can I reduce my monthly bill?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "optimize_costs");
    json_object *opt = qs_json_path (r, "metadata.optimization");
    ck_assert (qs_json_double (opt, "total_potential_savings", 0) > 0);
    json_object_put (r);
    json_object *reco = NULL;
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (qs_harness_fixture_get ()), "/api/v1/recommendations", s_globex, NULL, &reco), 200);
    ck_assert (json_object_array_length (qs_json_get (reco, "recommendations", json_type_array)) > 0);
    json_object_put (reco);
}
END_TEST

START_TEST (test_general_question_has_sources)
{
    json_object *r = s_chat (s_member, NULL, "how often should I rotate database credentials?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "general_question");
    ck_assert (json_object_array_length (qs_json_path (r, "metadata.sources")) > 0);
    json_object_put (r);
}
END_TEST


/* Every finding code of the contract, from the sandbox's scenarios: the
   diagnosis comes from real object shapes, so each scenario names its code. */
START_TEST (test_every_finding_code)
{
    static const char *cases[][2] = {
        {"acme-cache", "oom_killed"},          {"acme-broker", "crash_loop_backoff"},
        {"acme-search", "image_pull_backoff"}, {"acme-analytics", "unschedulable"},
        {"acme-orders-db", "readiness_probe_failing"}, {"acme-events", "disk_full"},
        {"acme-users-db", "connection_limit"}, {"acme-api-cache", "high_cpu"},
        {"acme-sessions", "high_memory"},      {"acme-jobs", "frequent_restarts"},
        {"acme-main-db", "healthy"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char msg[200];
        snprintf (msg, sizeof msg, "can you diagnose %s for me? something seems off", cases[i][0]);
        json_object *r = s_chat (s_member, NULL, msg);
        json_object *findings = qs_json_path (r, "metadata.diagnosis.findings");
        int found = 0;
        for (size_t k = 0; findings && k < json_object_array_length (findings); k++)
            if (!strcmp (qs_json_str (json_object_array_get_idx (findings, k), "code", ""), cases[i][1]))
                found = 1;
        ck_assert_msg (found, "%s: expected %s in %s", cases[i][0], cases[i][1],
                       findings ? json_object_to_json_string (findings) : "(no diagnosis)");
        json_object_put (r);
    }
}
END_TEST

/* Every recommendation type, and the negative cases: a busy service is not
   downsized, a new service is not idle, production keeps its HA. */
START_TEST (test_every_recommendation_type)
{
    json_object *reco = NULL;
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (qs_harness_fixture_get ()), "/api/v1/recommendations", s_globex, NULL, &reco), 200);
    json_object *recs = qs_json_get (reco, "recommendations", json_type_array);
    char seen[512] = "";
    double sum = 0;
    for (size_t i = 0; recs && i < json_object_array_length (recs); i++) {
        json_object *r = json_object_array_get_idx (recs, i);
        const char *name = qs_json_str (r, "service_name", "");
        const char *type = qs_json_str (r, "type", "");
        size_t n = strlen (seen);
        snprintf (seen + n, sizeof seen - n, "%s:%s ", name, type);
        ck_assert (qs_json_double (r, "monthly_savings", 0) <= qs_json_double (r, "current_monthly_cost", 0));
        sum += qs_json_double (r, "monthly_savings", 0);
    }
    ck_assert_msg (strstr (seen, "globex-legacy-cache:delete_idle"), "%s", seen);
    ck_assert_msg (strstr (seen, "globex-reporting-db:downgrade_tier") || strstr (seen, "globex-reporting-db:rightsize"), "%s", seen);
    ck_assert_msg (strstr (seen, "globex-staging-db:disable_ha"), "%s", seen);
    ck_assert_msg (strstr (seen, "globex-staging-db:disable_backups"), "%s", seen);
    ck_assert_msg (!strstr (seen, "globex-new-search"), "a new service is not idle: %s", seen);
    ck_assert_msg (!strstr (seen, "globex-prod-db:disable_ha"), "production keeps HA: %s", seen);
    ck_assert_msg (!strstr (seen, "globex-stream"), "a busy service is not downsized: %s", seen);
    ck_assert (sum - qs_json_double (reco, "total_potential_savings", -1) < 0.011);
    ck_assert (sum <= qs_json_double (qs_json_path (reco, "cost_analysis"), "total_monthly_cost", 0));
    json_object_put (reco);
}
END_TEST


/* SSE: the events of contract section 4 in order: intent, then steps, then
   tokens, then done with the full ChatResponse; no other event names. */
typedef struct {
    char events[4096];
    char *body;
    size_t len;
} sse_t;

static int
s_collect (const char *data, size_t len, void *arg)
{
    sse_t *sse = arg;
    char *grown = realloc (sse->body, sse->len + len + 1);
    ck_assert_ptr_nonnull (grown);
    memcpy (grown + sse->len, data, len);
    sse->len += len;
    grown[sse->len] = '\0';
    sse->body = grown;
    return 0;
}

START_TEST (test_sse_event_order)
{
    sse_t sse = {0};
    qs_http_resp_t resp;
    qs_err_t err = {0};
    json_object *req = json_object_new_object ();
    qs_json_add_str (req, "message", "why does acme-jobs keep restarting?");
    ck_assert_int_eq (qs_cli_http_stream ("POST", qs_harness_gateway (qs_harness_fixture_get ()), "/api/v1/chat/stream", s_member, req,
                                          60000, s_collect, NULL, &sse, &resp, &err), 0);
    ck_assert_int_eq (resp.status, 200);
    /* reduce the stream to its sequence of event names, runs collapsed */
    char last[32] = "";
    size_t n = 0;
    for (char *line = strtok (sse.body, "\n"); line; line = strtok (NULL, "\n")) {
        if (strncmp (line, "event: ", 7) != 0)
            continue;
        const char *name = line + 7;
        ck_assert_msg (!strcmp (name, "intent") || !strcmp (name, "step") || !strcmp (name, "token")
                       || !strcmp (name, "done"), "unexpected event %s", name);
        if (strcmp (name, last) != 0) {
            n += (size_t) snprintf (sse.events + n, sizeof sse.events - n, "%s ", name);
            snprintf (last, sizeof last, "%s", name);
        }
    }
    ck_assert_str_eq (sse.events, "intent step token done ");
    free (sse.body);
    qs_http_resp_clear (&resp);
    json_object_put (req);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("e2e_chat");
    TCase *tc = tcase_create ("suite");
    qs_harness_fixture (tc, NULL, s_users);
    tcase_set_timeout (tc, 120);
    tcase_add_test (tc, test_provision_confirm_once);
    tcase_add_test (tc, test_provision_yes_no_in_conversation);
    tcase_add_test (tc, test_audit_trail);
    tcase_add_test (tc, test_viewer_gets_no_pending_action);
    tcase_add_test (tc, test_info_and_follow_up);
    tcase_add_test (tc, test_troubleshoot_and_optimize);
    tcase_add_test (tc, test_general_question_has_sources);
    tcase_add_test (tc, test_sse_event_order);
    tcase_add_test (tc, test_every_finding_code);
    tcase_add_test (tc, test_every_recommendation_type);
    tcase_add_test (tc, test_worker_dies_before_confirmation);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
