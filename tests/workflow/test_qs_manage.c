/*  Changes to running services from chat (contract section 9), without a
    broker: the plan with its diff and costs, every check before asking
    (no pending action), confirmation (yes; the typed-back name for a
    delete), exactly one platform call with the Idempotency-Key (counted at
    the sandbox), revisions of a pending change, the diagnosis's fixes as
    the same action types, and platform faults (5xx, 403, slow) on each
    operation: the action fails with the reason, nothing is retried. */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include "turn_world.h"
#include "qs_json.h"
#include "qs_manage.h"

#define SVC "/api/v1/services/"
#define PODS "/api/v1/namespaces/qs-acme/pods/"

static turn_world_t *s_w;
static qs_auth_t s_member, s_viewer, s_admin, s_hobby;
static char s_conv[64];

static void
s_setup (void)
{
    s_w = turn_world_new ();
    ck_assert_ptr_nonnull (s_w);
    turn_world_auth (s_w, &s_member, "user-acme-dev", "org-acme", "member");
    turn_world_auth (s_w, &s_viewer, "user-acme-viewer", "org-acme", "viewer");
    turn_world_auth (s_w, &s_admin, "user-acme-admin", "org-acme", "admin");
    turn_world_auth (s_w, &s_hobby, "user-hobby", "org-hobby", "member");
    s_conv[0] = '\0';
}

static void
s_teardown (void)
{
    turn_world_destroy (&s_w);
}

static json_object *
s_say (const qs_auth_t *auth, const char *message)
{
    return turn_world_say (s_w, auth, s_conv, message);
}

static json_object *
s_service (const qs_auth_t *auth, const char *id)
{
    json_object *all = turn_world_services (s_w, auth), *hit = NULL;
    for (size_t i = 0; i < json_object_array_length (all); i++)
        if (!strcmp (qs_json_str (json_object_array_get_idx (all, i), "id", ""), id))
            hit = json_object_get (json_object_array_get_idx (all, i));
    json_object_put (all);
    return hit;
}

static size_t
s_nactions (json_object *r)
{
    return json_object_array_length (qs_json_get (r, "actions", json_type_array));
}

/*  A message that must be refused before asking: no action, the reason
    (needle) in the answer, no platform change. */
static void
s_refused (const qs_auth_t *auth, const char *message, const char *needle)
{
    s_conv[0] = '\0';
    json_object *r = s_say (auth, message);
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "manage_service");
    ck_assert_msg (s_nactions (r) == 0, "'%s' offered an action", message);
    ck_assert_msg (strstr (qs_json_str (r, "message", ""), needle), "'%s': '%s' lacks '%s'", message,
                   qs_json_str (r, "message", ""), needle);
    json_object_put (r);
}

/*  Propose message as auth; the pending action's id into id. The reply. */
static json_object *
s_proposed (const qs_auth_t *auth, const char *message, const char *type, char *id, size_t size)
{
    json_object *r = s_say (auth, message);
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "manage_service");
    json_object *a = qs_json_path (r, "actions.0");
    ck_assert_msg (a != NULL, "'%s' proposed nothing: %s", message, qs_json_str (r, "message", ""));
    ck_assert_str_eq (qs_json_str (a, "type", ""), type);
    ck_assert_str_eq (qs_json_str (a, "status", ""), "pending_confirmation");
    snprintf (id, size, "%s", qs_json_str (a, "id", ""));
    return r;
}

START_TEST (test_scale_plan_diff_costs_then_one_patch)
{
    char id[64];
    json_object *before = s_service (&s_member, "svc-acme-api-cache");
    json_object *r = s_proposed (&s_member, "scale acme-api-cache to 3 replicas", "update_service", id, sizeof id);
    json_object *a = qs_json_path (r, "actions.0");
    ck_assert_str_eq (qs_json_str (a, "service_id", ""), "svc-acme-api-cache");
    json_object *change = qs_json_get (a, "change", json_type_object);
    ck_assert_int_eq (qs_json_int (qs_json_path (change, "before"), "replicas", 0), 1);
    ck_assert_int_eq (qs_json_int (qs_json_path (change, "after"), "replicas", 0), 3);
    ck_assert_int_eq (json_object_object_length (qs_json_path (change, "after")), 1);
    /* the contract's formula: the service's own cost now, three times it after */
    double cost = qs_json_double (before, "monthly_cost", 0);
    ck_assert_double_eq_tol (qs_json_double (change, "monthly_cost_before", 0), cost, 0.01);
    ck_assert_double_eq_tol (qs_json_double (change, "monthly_cost_after", 0), cost * 3, 0.01);
    ck_assert_ptr_nonnull (qs_json_path (r, "metadata.change.after"));
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata"), "workflow", ""), "manage");
    json_object_put (r);
    ck_assert_int_eq (turn_world_requests (s_w, "PATCH", SVC, NULL), 0);     /* nothing before yes */
    r = s_say (&s_member, "yes");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    ck_assert_ptr_nonnull (strstr (qs_json_str (r, "message", ""), "3 replica(s)"));
    json_object_put (r);
    int keyed = 0;
    ck_assert_int_eq (turn_world_requests (s_w, "PATCH", SVC, &keyed), 1);
    ck_assert_int_eq (keyed, 1);
    json_object *after = s_service (&s_member, "svc-acme-api-cache");
    ck_assert_int_eq (qs_json_int (after, "replicas", 0), 3);
    json_object_put (after);
    json_object_put (before);
    /* confirmed once: again is 409 */
    ck_assert_int_eq (turn_world_decide (s_w, &s_member, id, "confirm", NULL), 409);
}
END_TEST

START_TEST (test_tier_ha_backups_plans)
{
    char id[64];
    json_object *r = s_proposed (&s_member, "upgrade acme-api-cache", "update_service", id, sizeof id);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0.change.after"), "tier", ""), "medium");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0.change.before"), "tier", ""), "small");
    ck_assert (qs_json_double (qs_json_path (r, "actions.0.change"), "monthly_cost_after", 0)
               > qs_json_double (qs_json_path (r, "actions.0.change"), "monthly_cost_before", 0));
    json_object_put (r);
    s_conv[0] = '\0';
    r = s_proposed (&s_member, "turn off HA on acme-main-db", "update_service", id, sizeof id);
    json_object *after = qs_json_path (r, "actions.0.change.after");
    ck_assert (!qs_json_bool (after, "high_availability", true));
    ck_assert_double_eq_tol (qs_json_double (qs_json_path (r, "actions.0.change"), "monthly_cost_after", 0) * 2,
                             qs_json_double (qs_json_path (r, "actions.0.change"), "monthly_cost_before", 0), 0.02);
    json_object_put (r);
    s_conv[0] = '\0';
    r = s_proposed (&s_member, "enable backups for acme-api-cache", "update_service", id, sizeof id);
    ck_assert (qs_json_bool (qs_json_path (r, "actions.0.change.after"), "backup_enabled", false));
    json_object_put (r);
    r = s_say (&s_member, "no");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "cancelled");
    json_object_put (r);
    ck_assert_int_eq (turn_world_requests (s_w, "PATCH", SVC, NULL), 0);
}
END_TEST

START_TEST (test_checks_before_asking)
{
    s_refused (&s_viewer, "scale acme-api-cache to 3 replicas", "viewer");
    s_refused (&s_member, "delete acme-api-cache", "admin");
    s_refused (&s_hobby, "upgrade hobby-cache to medium", "up to small");
    s_refused (&s_hobby, "turn on HA for hobby-cache", "not included");
    s_refused (&s_member, "scale acme-api-cache to 10 replicas", "1 to 9");
    s_refused (&s_member, "remove a replica from acme-api-cache", "1 to 9");     /* 1 - 1 = 0 */
    s_refused (&s_member, "scale acme-api-cache to 1 replica", "already has 1 replica");
    s_refused (&s_member, "turn on HA for acme-main-db", "Nothing to change");
    /* "why not?" right after a refusal gets its reason again, and only then */
    s_refused (&s_viewer, "restart acme-api-cache", "viewer");
    json_object *r = s_say (&s_viewer, "why not?");
    ck_assert_msg (strstr (qs_json_str (r, "message", ""), "viewer"), "%s", qs_json_str (r, "message", ""));
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata"), "followup", ""), "why");
    json_object_put (r);
    r = s_say (&s_viewer, "how much does acme-api-cache cost?");
    json_object_put (r);
    r = s_say (&s_viewer, "why?");
    ck_assert_str_ne (qs_json_str (qs_json_path (r, "metadata"), "followup", ""), "why");
    json_object_put (r);
    ck_assert_int_eq (turn_world_requests (s_w, "PATCH", SVC, NULL), 0);
    ck_assert_int_eq (turn_world_requests (s_w, "DELETE", SVC, NULL), 0);
}
END_TEST

START_TEST (test_delete_needs_the_typed_name)
{
    char id[64];
    json_object *r = s_proposed (&s_admin, "delete acme-api-cache", "delete_service", id, sizeof id);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata"), "awaiting", ""), "confirm_name");
    ck_assert_double_eq (qs_json_double (qs_json_path (r, "actions.0.change"), "monthly_cost_after", -1), 0);
    json_object_put (r);
    json_object *body = json_object_new_object (), *resp = NULL;
    qs_json_add_str (body, "confirm_name", "acme-api");
    ck_assert_int_eq (turn_world_decide_with (s_w, &s_admin, id, "confirm", body, &resp), 422);
    json_object_put (resp);
    ck_assert_int_eq (turn_world_decide (s_w, &s_admin, id, "confirm", NULL), 422);      /* no name */
    r = s_say (&s_admin, "yes");                  /* in chat too: yes is not the name */
    ck_assert_int_eq ((int) s_nactions (r), 0);
    json_object_put (r);
    ck_assert_int_eq (turn_world_requests (s_w, "DELETE", SVC, NULL), 0);
    json_object *still = s_service (&s_admin, "svc-acme-api-cache");
    ck_assert_ptr_nonnull (still);
    json_object_put (still);
    json_object_object_add (body, "confirm_name", json_object_new_string ("acme-api-cache"));
    ck_assert_int_eq (turn_world_decide_with (s_w, &s_admin, id, "confirm", body, &resp), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (resp, "actions.0"), "status", ""), "executed");
    json_object_put (resp);
    json_object_put (body);
    int keyed = 0;
    ck_assert_int_eq (turn_world_requests (s_w, "DELETE", SVC, &keyed), 1);
    ck_assert_int_eq (keyed, 1);
    ck_assert_ptr_null (s_service (&s_admin, "svc-acme-api-cache"));
    /* in chat: the name typed back deletes */
    s_conv[0] = '\0';
    r = s_proposed (&s_admin, "delete acme-sessions", "delete_service", id, sizeof id);
    json_object_put (r);
    r = s_say (&s_admin, "acme-sessions");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    json_object_put (r);
    ck_assert_ptr_null (s_service (&s_admin, "svc-acme-sessions"));
}
END_TEST

START_TEST (test_pending_change_is_editable)
{
    char first[64], second[64], third[64];
    json_object *r = s_proposed (&s_member, "scale acme-api-cache to 3 replicas", "update_service", first, sizeof first);
    json_object_put (r);
    r = s_proposed (&s_member, "make it 4 replicas instead", "update_service", second, sizeof second);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.revision"), "supersedes", ""), first);
    ck_assert_int_eq (qs_json_int (qs_json_path (r, "actions.0.change.after"), "replicas", 0), 4);
    json_object_put (r);
    r = s_proposed (&s_member, "and turn on HA too", "update_service", third, sizeof third);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.revision"), "supersedes", ""), second);
    json_object *after = qs_json_path (r, "actions.0.change.after");
    ck_assert_int_eq (qs_json_int (after, "replicas", 0), 4);
    ck_assert (qs_json_bool (after, "high_availability", false));
    json_object_put (r);
    /* the superseded ones can never run */
    ck_assert_int_eq (turn_world_decide (s_w, &s_member, first, "confirm", NULL), 409);
    ck_assert_int_eq (turn_world_decide (s_w, &s_member, second, "confirm", NULL), 409);
    r = s_say (&s_member, "yes");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "id", ""), third);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    json_object_put (r);
    ck_assert_int_eq (turn_world_requests (s_w, "PATCH", SVC, NULL), 1);
    json_object *svc = s_service (&s_member, "svc-acme-api-cache");
    ck_assert_int_eq (qs_json_int (svc, "replicas", 0), 4);
    ck_assert (qs_json_bool (svc, "high_availability", false));
    json_object_put (svc);
}
END_TEST

START_TEST (test_corrections_revise_rather_than_cancel)
{
    char first[64], second[64];
    json_object *r = s_proposed (&s_member, "downsize acme-main-db to medium", "update_service", first, sizeof first);
    json_object_put (r);
    r = s_proposed (&s_member, "no wait, small", "update_service", second, sizeof second);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.revision"), "supersedes", ""), first);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0.change.after"), "tier", ""), "small");
    json_object_put (r);
    s_conv[0] = '\0';
    r = s_proposed (&s_member, "scale acme-jobs to 3 replicas", "update_service", first, sizeof first);
    json_object_put (r);
    r = s_proposed (&s_member, "actually make it 2", "update_service", second, sizeof second);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.revision"), "supersedes", ""), first);
    ck_assert_int_eq (qs_json_int (qs_json_path (r, "actions.0.change.after"), "replicas", 0), 2);
    json_object_put (r);
    r = s_say (&s_member, "no");                  /* a plain no still cancels */
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "cancelled");
    json_object_put (r);
}
END_TEST

START_TEST (test_what_about_offers_the_same_change)
{
    char id[64];
    json_object *r = s_say (&s_member, "what about acme-jobs?");   /* nothing asked before: no change */
    ck_assert_uint_eq (s_nactions (r), 0);
    json_object_put (r);
    s_conv[0] = '\0';
    r = s_proposed (&s_member, "scale acme-jobs to 2 replicas", "update_service", id, sizeof id);
    json_object_put (r);
    r = s_say (&s_member, "no");
    json_object_put (r);
    /* decided or not, "what about X?" offers that change for X */
    r = s_proposed (&s_member, "what about acme-api-cache?", "update_service", id, sizeof id);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "service_id", ""), "svc-acme-api-cache");
    ck_assert_int_eq (qs_json_int (qs_json_path (r, "actions.0.change.after"), "replicas", 0), 2);
    json_object_put (r);
    r = s_say (&s_member, "no");
    json_object_put (r);
    /* a question in between does not make it a change */
    r = s_say (&s_member, "how much does acme-sessions cost?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "get_service_info");
    json_object_put (r);
    r = s_say (&s_member, "and acme-main-db?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "get_service_info");
    ck_assert_uint_eq (s_nactions (r), 0);
    json_object_put (r);
    ck_assert_int_eq (turn_world_requests (s_w, "PATCH", SVC, NULL), 0);
}
END_TEST

START_TEST (test_undo_offers_the_way_back)
{
    char id[64];
    json_object *r = s_proposed (&s_member, "scale acme-jobs to 3 replicas", "update_service", id, sizeof id);
    json_object_put (r);
    r = s_say (&s_member, "yes");
    json_object_put (r);
    json_object *svc = s_service (&s_member, "svc-acme-jobs");
    ck_assert_int_eq (qs_json_int (svc, "replicas", 0), 3);
    json_object_put (svc);
    /* the way back is a plan like any other: nothing changes before the yes */
    r = s_proposed (&s_member, "undo that", "update_service", id, sizeof id);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "service_id", ""), "svc-acme-jobs");
    ck_assert_int_eq (qs_json_int (qs_json_path (r, "actions.0.change.after"), "replicas", 0), 1);
    json_object_put (r);
    ck_assert_int_eq (turn_world_requests (s_w, "PATCH", SVC, NULL), 1);
    r = s_say (&s_member, "yes");
    json_object_put (r);
    svc = s_service (&s_member, "svc-acme-jobs");
    ck_assert_int_eq (qs_json_int (svc, "replicas", 0), 1);
    json_object_put (svc);
}
END_TEST

START_TEST (test_restart_the_failing_pod)
{
    char id[64];
    json_object *r = s_proposed (&s_member, "restart acme-jobs", "restart_pod", id, sizeof id);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0.change.before"), "pod", ""), "acme-jobs-0");
    ck_assert_int_gt (qs_json_int (qs_json_path (r, "actions.0.change.before"), "restarts", 0), 0);
    json_object_put (r);
    ck_assert_int_eq (turn_world_requests (s_w, "DELETE", PODS, NULL), 0);
    r = s_say (&s_member, "yes");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    ck_assert_ptr_nonnull (strstr (qs_json_str (r, "message", ""), "acme-jobs** now"));
    json_object_put (r);
    ck_assert_int_eq (turn_world_requests (s_w, "DELETE", PODS "acme-jobs-0", NULL), 1);
}
END_TEST

START_TEST (test_ambiguous_target_asks_then_continues)
{
    json_object *r = s_say (&s_member, "restart my database");
    ck_assert_int_eq ((int) s_nactions (r), 0);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata"), "awaiting", ""), "service");
    json_object_put (r);
    char id[64];
    r = s_proposed (&s_member, "acme-orders-db", "restart_pod", id, sizeof id);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "service_id", ""), "svc-acme-orders-db");
    json_object_put (r);
    /* a name the org does not have: asked, nothing proposed */
    s_conv[0] = '\0';
    r = s_say (&s_member, "scale ledger-db to 3 replicas");
    ck_assert_int_eq ((int) s_nactions (r), 0);
    json_object_put (r);
}
END_TEST

START_TEST (test_diagnosis_fixes_are_the_same_actions)
{
    json_object *r = s_say (&s_member, "why does acme-cache keep crashing?");
    json_object *a = qs_json_path (r, "actions.0");
    ck_assert_msg (a != NULL, "no fix: %s", qs_json_str (r, "message", ""));
    ck_assert_str_eq (qs_json_str (a, "type", ""), "update_service");
    ck_assert_str_eq (qs_json_str (qs_json_path (a, "change.after"), "tier", ""), "large");
    ck_assert (qs_json_double (qs_json_path (a, "change"), "monthly_cost_after", 0)
               > qs_json_double (qs_json_path (a, "change"), "monthly_cost_before", 0));
    json_object_put (r);
    r = s_say (&s_member, "yes");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    json_object_put (r);
    ck_assert_int_eq (turn_world_requests (s_w, "PATCH", SVC "svc-acme-cache", NULL), 1);
    s_conv[0] = '\0';
    r = s_say (&s_member, "what is wrong with acme-broker?");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "type", ""), "restart_pod");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0.change.before"), "pod", ""), "acme-broker-0");
    json_object_put (r);
}
END_TEST

/*  op proposed, a fault on its platform call, yes: failed with the reason,
    exactly one call. */
static void
s_fault_case (const qs_auth_t *auth, const char *message, const char *type, const char *method,
              const char *path, const char *fault, const char *reason)
{
    char id[64], rule[300];
    s_conv[0] = '\0';
    json_object *r = s_proposed (auth, message, type, id, sizeof id);
    json_object_put (r);
    snprintf (rule, sizeof rule, "{\"path_prefix\":\"%s\",\"method\":\"%s\",%s}", path, method, fault);
    ck_assert_int_eq (turn_world_fault (s_w, rule), 0);
    int calls = turn_world_requests (s_w, method, path, NULL);
    r = s_say (auth, !strcmp (type, "delete_service") ? "acme-search" : "yes");
    json_object *a = qs_json_path (r, "actions.0");
    ck_assert_str_eq (qs_json_str (a, "id", ""), id);
    ck_assert_msg (!strcmp (qs_json_str (a, "status", ""), "failed"), "%s %s: %s", message, fault,
                   qs_json_str (a, "status", ""));
    ck_assert_msg (strstr (qs_json_str (r, "message", ""), reason), "'%s' lacks '%s'",
                   qs_json_str (r, "message", ""), reason);
    json_object_put (r);
    ck_assert_int_eq (turn_world_requests (s_w, method, path, NULL), calls + 1);      /* no retry */
    ck_assert_int_eq (turn_world_decide (s_w, auth, id, "confirm", NULL), 409);
}

START_TEST (test_platform_faults_fail_the_action_without_retry)
{
    static const struct {
        int admin;
        const char *message, *type, *method, *path, *fault, *reason;
    } cases[] = {
        {0, "scale acme-api-cache to 2 replicas", "update_service", "PATCH", SVC "svc-acme-api-cache", "\"status\":503", "HTTP 503"},
        {0, "scale acme-api-cache to 2 replicas", "update_service", "PATCH", SVC "svc-acme-api-cache", "\"status\":403", "not allowed"},
        {1, "delete acme-search", "delete_service", "DELETE", SVC "svc-acme-search", "\"status\":500", "HTTP 500"},
        {0, "restart acme-jobs", "restart_pod", "DELETE", PODS "acme-jobs-0", "\"status\":503", "HTTP 503"},
        {0, "restart acme-jobs", "restart_pod", "DELETE", PODS "acme-jobs-0", "\"status\":403", "not permitted"},
        /* slow beyond the deadline: a timeout, reported, not repeated */
        {0, "turn on backups for acme-api-cache", "update_service", "PATCH", SVC "svc-acme-api-cache", "\"delay_ms\":4500", "in time"},
        {1, "delete acme-search", "delete_service", "DELETE", SVC "svc-acme-search", "\"delay_ms\":4500", "in time"},
        {0, "restart acme-jobs", "restart_pod", "DELETE", PODS "acme-jobs-0", "\"delay_ms\":4500", "in time"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (strstr (cases[i].fault, "delay_ms"))
            turn_world_set_deadline (s_w, 3000);
        s_fault_case (cases[i].admin ? &s_admin : &s_member, cases[i].message, cases[i].type,
                      cases[i].method, cases[i].path, cases[i].fault, cases[i].reason);
    }
}
END_TEST

/* ---- the checks alone (pure) ---- */

static json_object *
J (const char *text)
{
    json_object *o = json_tokener_parse (text);
    ck_assert_ptr_nonnull (o);
    return o;
}

static const char *s_pricing_text =
    "{\"hours_per_month\":730,\"ha_multiplier\":2.0,\"backup_multiplier\":1.2,\"tiers\":{"
    "\"nano\":{\"hourly\":0.01},\"micro\":{\"hourly\":0.02},\"small\":{\"hourly\":0.04},"
    "\"medium\":{\"hourly\":0.08},\"large\":{\"hourly\":0.16},\"xlarge\":{\"hourly\":0.32}}}";

START_TEST (test_plan_is_pure_and_minimal)
{
    json_object *pricing = J (s_pricing_text);
    json_object *svc = J ("{\"id\":\"s1\",\"name\":\"db\",\"tier\":\"xlarge\",\"replicas\":2,"
                          "\"high_availability\":false,\"backup_enabled\":true}");
    json_object *quotas = J ("{\"plan\":\"pro\",\"max_tier\":\"large\",\"ha_allowed\":true}");
    qs_auth_t member = {.roles = QS_ROLE_MEMBER};
    qs_change_t c;
    memset (&c, 0, sizeof c);
    char why[600];
    qs_dlg_op_t op;
    qs_dialogue_op_read (&op, NULL);
    /* up from the largest tier: explained */
    snprintf (op.op, sizeof op.op, "tier");
    op.direction = 1;
    ck_assert_int_eq (qs_manage_plan (&op, NULL, svc, &member, quotas, pricing, &c, why, sizeof why), 1);
    ck_assert_ptr_nonnull (strstr (why, "largest"));
    /* down is allowed although the plan's max is lower: only a raise is checked */
    op.direction = -1;
    ck_assert_int_eq (qs_manage_plan (&op, NULL, svc, &member, quotas, pricing, &c, why, sizeof why), 0);
    ck_assert_str_eq (c.type, "update_service");
    ck_assert_str_eq (qs_json_str (qs_json_path (c.change, "after"), "tier", ""), "large");
    ck_assert_int_eq (json_object_object_length (qs_json_path (c.change, "after")), 1);
    /* 0.32 * 730 * 2 * 1.2 -> 0.16 * 730 * 2 * 1.2 */
    ck_assert_double_eq_tol (qs_json_double (c.change, "monthly_cost_before", 0), 560.64, 0.01);
    ck_assert_double_eq_tol (qs_json_double (c.change, "monthly_cost_after", 0), 280.32, 0.01);
    /* a revision keeps the earlier fields and adds the new one */
    qs_config_t base;
    qs_config_init (&base);
    base.replicas = 3;
    qs_dialogue_op_read (&op, NULL);
    snprintf (op.op, sizeof op.op, "backups");
    op.enabled = 0;
    ck_assert_int_eq (qs_manage_plan (&op, &base, svc, &member, quotas, pricing, &c, why, sizeof why), 0);
    ck_assert_int_eq (qs_json_int (qs_json_path (c.change, "after"), "replicas", 0), 3);
    ck_assert (!qs_json_bool (qs_json_path (c.change, "after"), "backup_enabled", true));
    ck_assert_int_eq (c.after.replicas, 3);
    ck_assert_int_eq (c.after.backups, 0);
    /* 2 - 3 replicas: out of range */
    qs_dialogue_op_read (&op, NULL);
    snprintf (op.op, sizeof op.op, "scale");
    op.delta = -3;
    ck_assert_int_eq (qs_manage_plan (&op, NULL, svc, &member, quotas, pricing, &c, why, sizeof why), 1);
    ck_assert_ptr_nonnull (strstr (why, "1 to 9"));
    qs_change_clear (&c);
    json_object_put (svc);
    json_object_put (quotas);
    json_object_put (pricing);
}
END_TEST

START_TEST (test_failing_pod_first)
{
    json_object *pods = J ("[{\"name\":\"p-0\",\"phase\":\"Running\",\"ready\":true,\"restarts\":3},"
                           "{\"name\":\"p-1\",\"phase\":\"Running\",\"ready\":false,\"restarts\":0},"
                           "{\"name\":\"p-2\",\"phase\":\"Running\",\"ready\":true,\"restarts\":0}]");
    ck_assert_str_eq (qs_manage_failing_pod (pods), "p-1");         /* not ready before restarted */
    json_object_array_del_idx (pods, 1, 1);
    ck_assert_str_eq (qs_manage_failing_pod (pods), "p-0");
    json_object_array_del_idx (pods, 0, 1);
    ck_assert_ptr_null (qs_manage_failing_pod (pods));
    /* a healthy single pod is still the one to restart; several healthy ones are explained */
    json_object *pricing = J (s_pricing_text), *svc = J ("{\"id\":\"s1\",\"name\":\"q\",\"tier\":\"small\",\"replicas\":1}");
    qs_auth_t member = {.roles = QS_ROLE_MEMBER}, viewer = {.roles = QS_ROLE_VIEWER};
    qs_change_t c;
    memset (&c, 0, sizeof c);
    char why[600];
    ck_assert_int_eq (qs_manage_plan_restart (svc, pods, "restart q", &member, pricing, &c, why, sizeof why), 0);
    ck_assert_str_eq (c.pod, "p-2");
    ck_assert_int_eq (qs_manage_plan_restart (svc, pods, "restart q", &viewer, pricing, &c, why, sizeof why), 1);
    json_object_array_add (pods, J ("{\"name\":\"p-3\",\"phase\":\"Running\",\"ready\":true}"));
    ck_assert_int_eq (qs_manage_plan_restart (svc, pods, "restart q", &member, pricing, &c, why, sizeof why), 1);
    ck_assert_int_eq (qs_manage_plan_restart (svc, pods, "restart p-3 please", &member, pricing, &c, why, sizeof why), 0);
    ck_assert_str_eq (c.pod, "p-3");
    qs_change_clear (&c);
    json_object_put (svc);
    json_object_put (pricing);
    json_object_put (pods);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_manage");
    TCase *tc = tcase_create ("manage");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 120);
    tcase_add_test (tc, test_scale_plan_diff_costs_then_one_patch);
    tcase_add_test (tc, test_tier_ha_backups_plans);
    tcase_add_test (tc, test_checks_before_asking);
    tcase_add_test (tc, test_delete_needs_the_typed_name);
    tcase_add_test (tc, test_pending_change_is_editable);
    tcase_add_test (tc, test_corrections_revise_rather_than_cancel);
    tcase_add_test (tc, test_what_about_offers_the_same_change);
    tcase_add_test (tc, test_undo_offers_the_way_back);
    tcase_add_test (tc, test_restart_the_failing_pod);
    tcase_add_test (tc, test_ambiguous_target_asks_then_continues);
    tcase_add_test (tc, test_diagnosis_fixes_are_the_same_actions);
    tcase_add_test (tc, test_platform_faults_fail_the_action_without_retry);
    suite_add_tcase (s, tc);
    TCase *pure = tcase_create ("pure");
    tcase_add_test (pure, test_plan_is_pure_and_minimal);
    tcase_add_test (pure, test_failing_pod_first);
    suite_add_tcase (s, pure);
    return s;
}

QS_TEST_MAIN (s_suite)
