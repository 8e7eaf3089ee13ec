/*  End to end through the gateway against the sandbox: recommendations you
    can apply (contract section 9). Ids that stay while nothing changes and
    go when the service changes; chained costs on the live answer;
    POST /api/v1/recommendations/{id}/apply proposing the change as the
    conversation's pending plan, confirmed by "yes" in chat; an apply that
    replaces a waiting plan; delete_idle as an admin's delete with the name
    typed back. */
#include "../qs_test.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_harness.h"
#include "qs_json.h"

static char *s_member, *s_admin;
static const qs_harness_user_t s_users[] = {
    { &s_member, "rita", "org-globex", "member" },
    { &s_admin, "gus", "org-globex", "admin" },
    { NULL }
};

static const char *
s_gateway (void)
{
    return qs_harness_gateway (qs_harness_fixture_get ());
}

static json_object *
s_recommendations (void)
{
    json_object *r = NULL;
    ck_assert_int_eq (qs_harness_http ("GET", s_gateway (), "/api/v1/recommendations", s_member, NULL, &r), 200);
    return r;
}

/*  The first recommendation of type (or, with type "!delete_idle", of any
    other type) not on service other ("" none). Lent from reco. */
static json_object *
s_pick (json_object *reco, const char *type, const char *other)
{
    json_object *recs = qs_json_get (reco, "recommendations", json_type_array);
    bool negate = type[0] == '!';
    for (size_t i = 0; recs && i < json_object_array_length (recs); i++) {
        json_object *r = json_object_array_get_idx (recs, i);
        bool same = !strcmp (qs_json_str (r, "type", ""), negate ? type + 1 : type);
        if (same != negate && strcmp (qs_json_str (r, "service_id", ""), other))
            return r;
    }
    ck_abort_msg ("no %s recommendation", type);
    return NULL;
}

/*  POST apply for id, in conv ("" = a new conversation). */
static long
s_apply (const char *token, const char *id, const char *conv, json_object **resp_p)
{
    char path[200], body[160];
    snprintf (path, sizeof path, "/api/v1/recommendations/%s/apply", id);
    snprintf (body, sizeof body, *conv ? "{\"conversation_id\":\"%s\"}" : "{}", conv);
    return qs_harness_http ("POST", s_gateway (), path, token, body, resp_p);
}

static json_object *
s_chat (const char *token, const char *conv, const char *message)
{
    json_object *req = json_object_new_object (), *resp = NULL;
    qs_json_add_str (req, "message", message);
    qs_json_add_str (req, "conversation_id", conv);
    long st = qs_harness_http ("POST", s_gateway (), "/api/v1/chat", token, json_object_to_json_string (req), &resp);
    json_object_put (req);
    ck_assert_msg (st == 200, "chat '%s' -> %ld", message, st);
    return resp;
}

static json_object *
s_service (const char *id)
{
    char path[160];
    json_object *svc = NULL;
    snprintf (path, sizeof path, "/api/v1/services/%s", id);
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_sandbox (qs_harness_fixture_get ()), path, s_member, NULL, &svc), 200);
    return svc;
}

START_TEST (test_ids_stable_and_costs_chained)
{
    json_object *a = s_recommendations (), *b = s_recommendations ();
    json_object *ra = qs_json_get (a, "recommendations", json_type_array);
    json_object *rb = qs_json_get (b, "recommendations", json_type_array);
    ck_assert_int_gt ((int) json_object_array_length (ra), 2);
    ck_assert_int_eq ((int) json_object_array_length (ra), (int) json_object_array_length (rb));
    double sum = 0;
    for (size_t i = 0; i < json_object_array_length (ra); i++) {
        json_object *x = json_object_array_get_idx (ra, i);
        const char *id = qs_json_str (x, "id", "");
        ck_assert_str_eq (id, qs_json_str (json_object_array_get_idx (rb, i), "id", ""));
        ck_assert (!strncmp (id, "rec-", 4) && strlen (id) == 20);
        sum += qs_json_double (x, "monthly_savings", 0);
        /* the chain: the first of a service starts at its bill, the next at the previous projection */
        json_object *prev = NULL;
        for (size_t k = 0; k < i; k++)
            if (!strcmp (qs_json_str (json_object_array_get_idx (ra, k), "service_id", ""), qs_json_str (x, "service_id", "")))
                prev = json_object_array_get_idx (ra, k);
        double start = prev ? qs_json_double (prev, "projected_monthly_cost", -1) : -1;
        if (!prev) {
            json_object *svc = s_service (qs_json_str (x, "service_id", ""));
            start = round (qs_json_double (svc, "monthly_cost", -1) * 100) / 100;
            json_object_put (svc);
        }
        ck_assert_msg (fabs (qs_json_double (x, "current_monthly_cost", -2) - start) < 1e-6, "%s starts at %.2f, not %.2f",
                       id, qs_json_double (x, "current_monthly_cost", -2), start);
        ck_assert (qs_json_double (x, "monthly_savings", 0) <= qs_json_double (x, "current_monthly_cost", 0));
    }
    ck_assert (fabs (sum - qs_json_double (a, "total_potential_savings", -1)) < 0.005);
    json_object_put (a);
    json_object_put (b);
}
END_TEST

START_TEST (test_apply_then_yes_in_chat)
{
    json_object *reco = s_recommendations (), *resp = NULL;
    json_object *rec = s_pick (reco, "!delete_idle", "");
    char id[64], sid[64];
    snprintf (id, sizeof id, "%s", qs_json_str (rec, "id", ""));
    snprintf (sid, sizeof sid, "%s", qs_json_str (rec, "service_id", ""));
    json_object *after = json_object_get (qs_json_get (rec, "change", json_type_object));
    json_object_put (reco);
    ck_assert_int_eq (s_apply (s_member, id, "", &resp), 200);
    ck_assert_str_eq (qs_json_str (resp, "intent", ""), "manage_service");
    json_object *meta = qs_json_get (resp, "metadata", json_type_object);
    ck_assert_double_eq (qs_json_double (meta, "confidence", 0), 1.0);
    ck_assert_str_eq (qs_json_str (meta, "workflow", ""), "manage");
    ck_assert_ptr_nonnull (qs_json_get (meta, "sources", json_type_array));
    ck_assert_ptr_nonnull (qs_json_get (meta, "timings_ms", json_type_object));
    ck_assert_ptr_nonnull (qs_json_get (meta, "change", json_type_object));
    json_object *action = qs_json_path (resp, "actions.0");
    ck_assert_str_eq (qs_json_str (action, "type", ""), "update_service");
    ck_assert_str_eq (qs_json_str (action, "status", ""), "pending_confirmation");
    ck_assert_str_eq (qs_json_str (action, "service_id", ""), sid);
    json_object *change = qs_json_get (action, "change", json_type_object);
    ck_assert (json_object_equal (qs_json_get (change, "after", json_type_object), after));
    ck_assert_ptr_nonnull (qs_json_get (change, "before", json_type_object));
    ck_assert (qs_json_double (change, "monthly_cost_after", -1) < qs_json_double (change, "monthly_cost_before", 0));
    char conv[64];
    snprintf (conv, sizeof conv, "%s", qs_json_str (resp, "conversation_id", ""));
    ck_assert (*conv);
    json_object_put (resp);
    /* nothing changed yet; "yes" in that conversation carries it out */
    json_object *svc = s_service (sid);
    json_object_object_foreach (after, k, v)
        ck_assert (!json_object_equal (qs_json_get (svc, k, json_object_get_type (v)), v));
    json_object_put (svc);
    resp = s_chat (s_member, conv, "yes");
    ck_assert_str_eq (qs_json_str (qs_json_path (resp, "actions.0"), "status", ""), "executed");
    json_object_put (resp);
    svc = s_service (sid);
    json_object_object_foreach (after, k2, v2)
        ck_assert_msg (json_object_equal (qs_json_get (svc, k2, json_object_get_type (v2)), v2), "%s not applied", k2);
    json_object_put (svc);
    json_object_put (after);
    /* the service changed: its old id is gone, applying it is 404 */
    reco = s_recommendations ();
    json_object *recs = qs_json_get (reco, "recommendations", json_type_array);
    for (size_t i = 0; i < json_object_array_length (recs); i++)
        ck_assert_str_ne (qs_json_str (json_object_array_get_idx (recs, i), "id", ""), id);
    json_object_put (reco);
    ck_assert_int_eq (s_apply (s_member, id, "", &resp), 404);
    ck_assert_str_eq (qs_json_str (qs_json_get (resp, "error", json_type_object), "code", ""), "not_found");
    json_object_put (resp);
}
END_TEST

START_TEST (test_apply_replaces_a_waiting_plan)
{
    json_object *reco = s_recommendations (), *r1 = NULL, *r2 = NULL, *c = NULL;
    json_object *first = s_pick (reco, "!delete_idle", "");
    json_object *second = s_pick (reco, "!delete_idle", qs_json_str (first, "service_id", ""));
    ck_assert_int_eq (s_apply (s_member, qs_json_str (first, "id", ""), "", &r1), 200);
    const char *conv = qs_json_str (r1, "conversation_id", "");
    ck_assert_int_eq (s_apply (s_member, qs_json_str (second, "id", ""), conv, &r2), 200);
    ck_assert_str_eq (qs_json_str (r2, "conversation_id", ""), conv);
    char path[200];
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", qs_json_str (qs_json_path (r1, "actions.0"), "id", ""));
    ck_assert_int_eq (qs_harness_http ("POST", s_gateway (), path, s_member, "{}", &c), 409);   /* superseded */
    json_object_put (c);
    /* "no" cancels the one that is waiting now */
    c = s_chat (s_member, conv, "no");
    ck_assert_str_eq (qs_json_str (qs_json_path (c, "actions.0"), "id", "?"), qs_json_str (qs_json_path (r2, "actions.0"), "id", ""));
    ck_assert_str_eq (qs_json_str (qs_json_path (c, "actions.0"), "status", ""), "cancelled");
    json_object_put (c);
    json_object_put (r1);
    json_object_put (r2);
    json_object_put (reco);
}
END_TEST

START_TEST (test_delete_idle_needs_the_name)
{
    json_object *reco = s_recommendations (), *resp = NULL;
    json_object *rec = s_pick (reco, "delete_idle", "");
    char id[64], sid[64], name[64];
    snprintf (id, sizeof id, "%s", qs_json_str (rec, "id", ""));
    snprintf (sid, sizeof sid, "%s", qs_json_str (rec, "service_id", ""));
    snprintf (name, sizeof name, "%s", qs_json_str (rec, "service_name", ""));
    json_object_put (reco);
    /* a member is told why, with nothing to confirm */
    ck_assert_int_eq (s_apply (s_member, id, "", &resp), 200);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (resp, "actions", json_type_array)), 0);
    json_object_put (resp);
    ck_assert_int_eq (s_apply (s_admin, id, "", &resp), 200);
    json_object *action = qs_json_path (resp, "actions.0");
    ck_assert_str_eq (qs_json_str (action, "type", ""), "delete_service");
    ck_assert_str_eq (qs_json_str (qs_json_get (resp, "metadata", json_type_object), "awaiting", ""), "confirm_name");
    char conv[64], aid[64], path[200];
    snprintf (conv, sizeof conv, "%s", qs_json_str (resp, "conversation_id", ""));
    snprintf (aid, sizeof aid, "%s", qs_json_str (action, "id", ""));
    json_object_put (resp);
    resp = s_chat (s_admin, conv, "yes");                  /* not the name: nothing deleted */
    json_object_put (resp);
    json_object *svc = s_service (sid);
    json_object_put (svc);
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", aid);
    ck_assert_int_eq (qs_harness_http ("POST", s_gateway (), path, s_admin, "{\"confirm_name\":\"nope\"}", &resp), 422);
    json_object_put (resp);
    resp = s_chat (s_admin, conv, name);
    ck_assert_str_eq (qs_json_str (qs_json_path (resp, "actions.0"), "status", ""), "executed");
    json_object_put (resp);
    snprintf (path, sizeof path, "/api/v1/services/%s", sid);
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_sandbox (qs_harness_fixture_get ()), path, s_admin, NULL, &resp), 404);
    json_object_put (resp);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("e2e_apply");
    TCase *tc = tcase_create ("suite");
    qs_harness_fixture (tc, NULL, s_users);
    tcase_set_timeout (tc, 120);
    tcase_add_test (tc, test_ids_stable_and_costs_chained);
    tcase_add_test (tc, test_apply_then_yes_in_chat);
    tcase_add_test (tc, test_apply_replaces_a_waiting_plan);
    tcase_add_test (tc, test_delete_idle_needs_the_name);
    suite_add_tcase (s, tc);
    return s;
}

QS_HARNESS_MAIN (s_suite, "gateway/quickspin-gateway", "tests/sandbox/quickspin-sandbox")
