/*  The turn engine in dialogue (contract section 8), without a broker:
    editable plans, cancel, clarifying questions, follow-ups about the
    subject, "what about X?", recommendations by position, forgiving names,
    and never another org's service. */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include "turn_world.h"
#include "qs_json.h"

static turn_world_t *s_w;
static qs_auth_t s_acme, s_globex, s_globex_admin;
static char s_conv[64];

static void
s_setup (void)
{
    s_w = turn_world_new ();
    ck_assert_ptr_nonnull (s_w);
    turn_world_auth (s_w, &s_acme, "alice", "org-acme", "member");
    turn_world_auth (s_w, &s_globex, "carol", "org-globex", "member");
    turn_world_auth (s_w, &s_globex_admin, "gina", "org-globex", "admin");
    s_conv[0] = '\0';
}

static void
s_teardown (void)
{
    turn_world_destroy (&s_w);
}

/*  A turn of the current conversation (s_conv), which must succeed. */
static json_object *
s_say (const qs_auth_t *auth, const char *message)
{
    return turn_world_say (s_w, auth, s_conv, message);
}

static int
s_count (const qs_auth_t *auth)
{
    json_object *s = turn_world_services (s_w, auth);
    int n = (int) json_object_array_length (s);
    json_object_put (s);
    return n;
}

static json_object *
s_service_named (const qs_auth_t *auth, const char *name)
{
    json_object *all = turn_world_services (s_w, auth), *hit = NULL;
    for (size_t i = 0; i < json_object_array_length (all); i++)
        if (!strcmp (qs_json_str (json_object_array_get_idx (all, i), "name", ""), name))
            hit = json_object_get (json_object_array_get_idx (all, i));
    json_object_put (all);
    return hit;
}

static const char *
s_change_after (json_object *r, const char *field)
{
    json_object *changes = qs_json_path (r, "metadata.revision.changes");
    for (size_t i = 0; changes && i < json_object_array_length (changes); i++) {
        json_object *c = json_object_array_get_idx (changes, i);
        if (!strcmp (qs_json_str (c, "field", ""), field))
            return qs_json_str (c, "after", NULL);
    }
    return NULL;
}

START_TEST (test_plan_two_edits_yes_creates_the_last_plan)
{
    int before = s_count (&s_acme);
    json_object *r = s_say (&s_acme, "I need a postgres database for billing");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "provision_service");
    char a1[64], a2[64], a3[64];
    snprintf (a1, sizeof a1, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "pending_confirmation");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.config"), "tier", ""), "small");
    json_object_put (r);

    r = s_say (&s_acme, "make it large");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "provision_service");
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (r, "actions", json_type_array)), 1);
    snprintf (a2, sizeof a2, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_str_ne (a1, a2);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "pending_confirmation");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.revision"), "supersedes", ""), a1);
    ck_assert_str_eq (s_change_after (r, "tier"), "large");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.config"), "tier", ""), "large");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.config"), "service_type", ""), "postgresql");
    double large_cost = qs_json_double (qs_json_path (r, "metadata.estimate"), "monthly_cost", 0);
    ck_assert (large_cost > 0);
    json_object_put (r);

    r = s_say (&s_acme, "actually call it ledger-db and put it in eu-west-1");
    snprintf (a3, sizeof a3, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.revision"), "supersedes", ""), a2);
    json_object *config = qs_json_path (r, "metadata.config");
    ck_assert_str_eq (qs_json_str (config, "name", ""), "ledger-db");
    ck_assert_str_eq (qs_json_str (config, "region", ""), "eu-west-1");
    ck_assert_str_eq (qs_json_str (config, "tier", ""), "large");         /* earlier edits stay */
    json_object_put (r);
    ck_assert_int_eq (s_count (&s_acme), before);                          /* nothing yet */

    r = s_say (&s_acme, "yes");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "id", ""), a3);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    ck_assert_double_eq (qs_json_double (qs_json_get (r, "metadata", json_type_object), "confidence", -1) >= 0, 1);
    json_object_put (r);
    ck_assert_int_eq (s_count (&s_acme), before + 1);                      /* exactly one */
    json_object *svc = s_service_named (&s_acme, "ledger-db");
    ck_assert_ptr_nonnull (svc);
    ck_assert_str_eq (qs_json_str (svc, "tier", ""), "large");
    ck_assert_str_eq (qs_json_str (svc, "region", ""), "eu-west-1");
    ck_assert_str_eq (qs_json_str (svc, "service_type", ""), "postgresql");
    json_object_put (svc);
    /* the superseded plans can never run */
    ck_assert_int_eq (turn_world_decide (s_w, &s_acme, a1, "confirm", NULL), 409);
    ck_assert_int_eq (turn_world_decide (s_w, &s_acme, a2, "confirm", NULL), 409);
    ck_assert_int_eq (s_count (&s_acme), before + 1);
    /* the next turn knows the new service at once, though the list the
       earlier turns read is still young enough to be reused */
    r = s_say (&s_acme, "how do I connect to ledger-db?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "get_connection_info");
    ck_assert_ptr_nonnull (strstr (qs_json_str (r, "message", ""), "ledger-db"));
    ck_assert_ptr_null (qs_json_get (r, "metadata", json_type_object) ?
                        qs_json_path (r, "metadata.candidates") : NULL);
    json_object_put (r);
}
END_TEST

START_TEST (test_never_mind_cancels_the_plan)
{
    int before = s_count (&s_acme);
    json_object *r = s_say (&s_acme, "create a redis cache called turn-cache for staging");
    char a1[64];
    snprintf (a1, sizeof a1, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    json_object_put (r);
    r = s_say (&s_acme, "with 3 replicas");
    ck_assert_int_eq ((int) qs_json_int (qs_json_path (r, "metadata.config"), "replicas", 0), 3);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.config"), "name", ""), "turn-cache");
    json_object_put (r);
    r = s_say (&s_acme, "never mind");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "cancelled");
    json_object_put (r);
    r = s_say (&s_acme, "yes");                 /* nothing is waiting any more */
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (r, "actions", json_type_array)), 0);
    json_object_put (r);
    ck_assert_int_eq (s_count (&s_acme), before);
    ck_assert_int_eq (turn_world_decide (s_w, &s_acme, a1, "confirm", NULL), 409);
}
END_TEST

START_TEST (test_ambiguous_reference_asks_then_continues)
{
    json_object *r = s_say (&s_acme, "is my database healthy?");
    ck_assert_ptr_null (qs_json_path (r, "metadata.diagnosis"));          /* acts on none */
    ck_assert_str_eq (qs_json_str (qs_json_get (r, "metadata", json_type_object), "awaiting", ""), "service");
    const char *text = qs_json_str (r, "message", "");
    ck_assert_ptr_nonnull (strstr (text, "acme-main-db"));
    ck_assert_ptr_nonnull (strstr (text, "acme-users-db"));
    /* the candidates are offered, none is used yet */
    ck_assert_ptr_null (qs_json_path (r, "metadata.services"));
    ck_assert_int_ge ((int) json_object_array_length (qs_json_path (r, "metadata.candidates")), 2);
    json_object_put (r);
    r = s_say (&s_acme, "the main one");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "troubleshoot");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.diagnosis"), "service_id", ""), "svc-acme-main-db");
    json_object_put (r);
}
END_TEST

START_TEST (test_missing_type_asks_then_continues)
{
    json_object *r = s_say (&s_acme, "I need a new service called ledger in eu-west-1 for staging");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "provision_service");
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (r, "actions", json_type_array)), 0);
    ck_assert_str_eq (qs_json_str (qs_json_get (r, "metadata", json_type_object), "awaiting", ""), "service_type");
    json_object_put (r);
    r = s_say (&s_acme, "postgres");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "provision_service");
    json_object *config = qs_json_path (r, "metadata.config");
    ck_assert_str_eq (qs_json_str (config, "service_type", ""), "postgresql");
    ck_assert_str_eq (qs_json_str (config, "name", ""), "ledger");
    ck_assert_str_eq (qs_json_str (config, "region", ""), "eu-west-1");
    ck_assert_str_eq (qs_json_str (config, "environment", ""), "staging");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "pending_confirmation");
    json_object_put (r);
}
END_TEST

START_TEST (test_followups_about_the_subject)
{
    json_object *r = s_say (&s_acme, "how do I connect to acme-users-db?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "get_connection_info");
    json_object_put (r);
    r = s_say (&s_acme, "is it healthy?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "troubleshoot");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.diagnosis"), "service_id", ""), "svc-acme-users-db");
    json_object_put (r);
    r = s_say (&s_acme, "and how much does it cost?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "get_service_info");
    ck_assert_ptr_null (qs_json_path (r, "metadata.optimization"));
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.services.0"), "id", ""), "svc-acme-users-db");
    json_object_put (r);
}
END_TEST

START_TEST (test_what_about_keeps_the_question)
{
    json_object *r = s_say (&s_acme, "why does acme-cache keep restarting?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "troubleshoot");
    json_object_put (r);
    r = s_say (&s_acme, "what about acme-broker?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "troubleshoot");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.diagnosis"), "service_id", ""), "svc-acme-broker");
    json_object_put (r);
}
END_TEST

START_TEST (test_which_are_failing_then_the_first_one)
{
    json_object *r = s_say (&s_acme, "which of my services are failing?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "troubleshoot");
    ck_assert_uint_eq (json_object_array_length (qs_json_get (r, "actions", json_type_array)), 0);
    json_object *listed = qs_json_path (r, "metadata.services");
    ck_assert_ptr_nonnull (listed);
    bool broker = false;
    for (size_t i = 0; i < json_object_array_length (listed); i++) {
        const char *id = qs_json_str (json_object_array_get_idx (listed, i), "id", "");
        ck_assert_str_ne (id, "svc-acme-main-db");                 /* the healthy one is not listed */
        broker |= !strcmp (id, "svc-acme-broker");
    }
    ck_assert (broker);
    ck_assert_msg (strstr (qs_json_str (r, "message", ""), "acme-main-db"), "the healthy ones are named too");
    char first[64];
    snprintf (first, sizeof first, "%s", qs_json_str (json_object_array_get_idx (listed, 0), "id", ""));
    json_object_put (r);
    r = s_say (&s_acme, "why is the first one down?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "troubleshoot");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.diagnosis"), "service_id", ""), first);
    json_object_put (r);
    /* a type narrows the check; one service by name is still one diagnosis */
    r = s_say (&s_acme, "are my caches all fine?");
    listed = qs_json_path (r, "metadata.services");
    for (size_t i = 0; listed && i < json_object_array_length (listed); i++)
        ck_assert_str_eq (qs_json_str (json_object_array_get_idx (listed, i), "service_type", ""), "redis");
    ck_assert_ptr_null (qs_json_path (r, "metadata.diagnosis"));
    json_object_put (r);
    r = s_say (&s_acme, "is acme-main-db healthy?");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.diagnosis"), "service_id", ""), "svc-acme-main-db");
    json_object_put (r);
}
END_TEST

START_TEST (test_social_turns_are_not_questions)
{
    json_object *r = s_say (&s_acme, "thanks a lot!");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "general_question");
    ck_assert_msg (strstr (qs_json_str (r, "message", ""), "welcome"), "%s", qs_json_str (r, "message", ""));
    json_object *sources = qs_json_path (r, "metadata.sources");
    ck_assert (!sources || json_object_array_length (sources) == 0);   /* no knowledge page for a thank-you */
    json_object_put (r);
    /* a question no page answers quotes none */
    r = s_say (&s_acme, "what's the weather in Paris tomorrow?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "general_question");
    ck_assert_msg (strstr (qs_json_str (r, "message", ""), "don't have a page"), "%s", qs_json_str (r, "message", ""));
    sources = qs_json_path (r, "metadata.sources");
    ck_assert (!sources || json_object_array_length (sources) == 0);
    json_object_put (r);
    r = s_say (&s_acme, "yes");
    ck_assert_msg (strstr (qs_json_str (r, "message", ""), "Nothing"), "%s", qs_json_str (r, "message", ""));
    ck_assert_uint_eq (json_object_array_length (qs_json_get (r, "actions", json_type_array)), 0);
    json_object_put (r);
    /* a question the user was asked is dropped by "never mind" */
    r = s_say (&s_acme, "restart the database");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata"), "awaiting", ""), "service");
    json_object_put (r);
    r = s_say (&s_acme, "never mind");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "general_question");
    json_object_put (r);
    r = s_say (&s_acme, "acme-main-db");        /* no longer the answer to a question */
    ck_assert_uint_eq (json_object_array_length (qs_json_get (r, "actions", json_type_array)), 0);
    json_object_put (r);
}
END_TEST

START_TEST (test_plan_cost_question_keeps_the_plan)
{
    json_object *r = s_say (&s_acme, "I need a small redis called price-check");
    char id[64];
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "pending_confirmation");
    json_object_put (r);
    r = s_say (&s_acme, "what will that cost?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "provision_service");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "id", ""), id);      /* the same plan, waiting */
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "pending_confirmation");
    ck_assert_msg (strstr (qs_json_str (r, "message", ""), "price-check") && strstr (qs_json_str (r, "message", ""), "/month"),
                   "%s", qs_json_str (r, "message", ""));
    ck_assert_ptr_null (qs_json_path (r, "metadata.optimization"));
    json_object_put (r);
    r = s_say (&s_acme, "yes");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "id", ""), id);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    json_object_put (r);
    json_object *svc = s_service_named (&s_acme, "price-check");
    ck_assert_ptr_nonnull (svc);
    json_object_put (svc);
}
END_TEST

START_TEST (test_name_from_the_purpose_never_taken)
{
    json_object *r = s_say (&s_acme, "I need a small redis for sessions");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.config"), "name", ""), "sessions-cache");
    json_object_put (r);
    r = s_say (&s_acme, "yes");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    json_object_put (r);
    /* just created (starting, or already running here): no knowledge page about a failure */
    r = s_say (&s_acme, "is it healthy?");
    const char *code = qs_json_str (qs_json_path (r, "metadata.diagnosis.findings.0"), "code", "");
    ck_assert_msg (!strcmp (code, "starting") || !strcmp (code, "healthy"), "%s", code);
    json_object *sources = qs_json_path (r, "metadata.sources");
    ck_assert (!sources || json_object_array_length (sources) == 0);
    json_object_put (r);
    s_conv[0] = '\0';
    r = s_say (&s_acme, "another small redis for sessions please");
    const char *name = qs_json_str (qs_json_path (r, "metadata.config"), "name", "");
    ck_assert_msg (!strncmp (name, "redis-", 6), "a taken name is not proposed again: %s", name);
    ck_assert (qs_json_bool (qs_json_path (r, "metadata.validation"), "ok", false));
    json_object_put (r);
}
END_TEST

START_TEST (test_two_asked_one_at_a_time_then_another)
{
    json_object *r = s_say (&s_acme, "we need two small redis caches, one for carts and one for queues");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.config"), "name", ""), "carts-cache");
    ck_assert_msg (strstr (qs_json_str (r, "message", ""), "You asked for 2"), "%s", qs_json_str (r, "message", ""));
    json_object_put (r);
    r = s_say (&s_acme, "yes");
    json_object_put (r);
    /* "another one": the last plan's settings, the purpose's name */
    r = s_say (&s_acme, "and another one for tokens");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "provision_service");
    json_object *config = qs_json_path (r, "metadata.config");
    ck_assert_str_eq (qs_json_str (config, "service_type", ""), "redis");
    ck_assert_str_eq (qs_json_str (config, "tier", ""), "small");
    ck_assert_str_eq (qs_json_str (config, "name", ""), "tokens-cache");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "pending_confirmation");
    json_object_put (r);
}
END_TEST

/*  The position of the first recommendation of a kind other than delete_idle. */
static int
s_first_update (json_object *recs)
{
    for (size_t i = 0; i < json_object_array_length (recs); i++)
        if (strcmp (qs_json_str (json_object_array_get_idx (recs, i), "type", ""), "delete_idle"))
            return (int) i;
    return -1;
}

START_TEST (test_ordinal_over_recommendations)
{
    json_object *r = s_say (&s_globex, "how can I reduce my monthly bill?");
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "optimize_costs");
    /* the review names the largest cost first ("which is my most expensive service?") */
    json_object *listed = turn_world_services (s_w, &s_globex), *dearest = NULL;
    for (size_t i = 0; i < json_object_array_length (listed); i++) {
        json_object *s = json_object_array_get_idx (listed, i);
        if (!dearest || qs_json_double (s, "monthly_cost", 0) > qs_json_double (dearest, "monthly_cost", 0))
            dearest = s;
    }
    char expect[128];
    snprintf (expect, sizeof expect, "Your largest costs: **%s** $%.2f", qs_json_str (dearest, "name", ""),
              qs_json_double (dearest, "monthly_cost", 0));
    ck_assert_msg (strstr (qs_json_str (r, "message", ""), expect), "'%s' lacks '%s'", qs_json_str (r, "message", ""), expect);
    json_object_put (listed);
    json_object *recs = qs_json_path (r, "metadata.optimization.recommendations");
    int k = s_first_update (recs);
    ck_assert_int_ge (k, 0);
    json_object *rec = json_object_get (json_object_array_get_idx (recs, (size_t) k));
    json_object_put (r);
    char msg[64];
    snprintf (msg, sizeof msg, "ok apply #%d", k + 1);
    r = s_say (&s_globex, msg);
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "manage_service");
    json_object *action = qs_json_path (r, "actions.0");
    ck_assert_str_eq (qs_json_str (action, "type", ""), "update_service");
    ck_assert_str_eq (qs_json_str (action, "status", ""), "pending_confirmation");
    ck_assert_str_eq (qs_json_str (action, "service_id", ""), qs_json_str (rec, "service_id", ""));
    json_object *change = qs_json_get (action, "change", json_type_object);
    ck_assert (qs_json_double (change, "monthly_cost_after", 0) < qs_json_double (change, "monthly_cost_before", 0));
    json_object *after = json_object_get (qs_json_get (change, "after", json_type_object));
    ck_assert_int_eq (json_object_object_length (after), 1);
    json_object_put (r);
    r = s_say (&s_globex, "yes");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    json_object_put (r);
    /* the platform has the change */
    json_object *all = turn_world_services (s_w, &s_globex);
    for (size_t i = 0; i < json_object_array_length (all); i++) {
        json_object *s = json_object_array_get_idx (all, i);
        if (strcmp (qs_json_str (s, "id", ""), qs_json_str (rec, "service_id", "")))
            continue;
        json_object_object_foreach (after, key, value)
            ck_assert_msg (json_object_equal (json_object_object_get (s, key), value), "%s not applied", key);
    }
    json_object_put (all);
    json_object_put (after);
    json_object_put (rec);
}
END_TEST

START_TEST (test_first_one_by_name_and_delete_needs_the_name)
{
    json_object *r = s_say (&s_globex_admin, "how can I cut costs?");
    json_object *recs = qs_json_path (r, "metadata.optimization.recommendations");
    int idle = -1;
    for (size_t i = 0; i < json_object_array_length (recs); i++)
        if (!strcmp (qs_json_str (json_object_array_get_idx (recs, i), "type", ""), "delete_idle"))
            idle = (int) i;
    ck_assert_int_ge (idle, 0);
    json_object_put (r);
    int before = s_count (&s_globex_admin);
    r = s_say (&s_globex_admin, "do the globex-legacy-cache one");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "type", ""), "delete_service");
    json_object_put (r);
    r = s_say (&s_globex_admin, "yes");          /* a delete needs the name, not yes */
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (r, "actions", json_type_array)), 0);
    json_object_put (r);
    ck_assert_int_eq (s_count (&s_globex_admin), before);
    r = s_say (&s_globex_admin, "globex-legacy-cache");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    json_object_put (r);
    ck_assert_int_eq (s_count (&s_globex_admin), before - 1);
}
END_TEST

START_TEST (test_forgiving_names)
{
    json_object *r = s_say (&s_acme, "what tier is acme main db on?");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.services.0"), "id", ""), "svc-acme-main-db");
    json_object_put (r);
    s_conv[0] = '\0';
    r = s_say (&s_acme, "what tier is ACME_USERS_DB on?");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.services.0"), "id", ""), "svc-acme-users-db");
    json_object_put (r);
    s_conv[0] = '\0';
    r = s_say (&s_acme, "why does acme-orders-bd fail?");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "metadata.diagnosis"), "service_id", ""), "svc-acme-orders-db");
    json_object_put (r);
}
END_TEST

START_TEST (test_never_across_orgs)
{
    json_object *r = s_say (&s_globex, "what tier is acme-main-db on?");
    json_object *services = qs_json_path (r, "metadata.services");
    for (size_t i = 0; services && i < json_object_array_length (services); i++)
        ck_assert_str_ne (qs_json_str (json_object_array_get_idx (services, i), "id", ""), "svc-acme-main-db");
    ck_assert_ptr_null (strstr (qs_json_str (r, "message", ""), "acme-main-db ("));
    json_object_put (r);
    s_conv[0] = '\0';
    r = s_say (&s_globex, "is acme-users-db healthy?");
    ck_assert_str_ne (qs_json_str (qs_json_path (r, "metadata.diagnosis"), "service_id", ""), "svc-acme-users-db");
    json_object_put (r);
    /* another org's conversation is not found */
    int status = 0;
    json_object *other = turn_world_chat (s_w, &s_acme, s_conv, "and its cost?", &status);
    ck_assert_int_eq (status, 404);
    json_object_put (other);
}
END_TEST

START_TEST (test_confirm_endpoint_has_full_metadata)
{
    json_object *r = s_say (&s_acme, "create a small mysql called turn-sql");
    char id[64];
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    json_object_put (r);
    json_object *resp = NULL;
    ck_assert_int_eq (turn_world_decide (s_w, &s_acme, id, "cancel", &resp), 200);
    json_object *meta = qs_json_get (resp, "metadata", json_type_object);
    ck_assert_double_eq (qs_json_double (meta, "confidence", 0), 1.0);
    ck_assert_str_eq (qs_json_str (meta, "workflow", ""), "provision");
    ck_assert_ptr_nonnull (qs_json_get (meta, "sources", json_type_array));
    ck_assert_ptr_nonnull (qs_json_get (meta, "timings_ms", json_type_object));
    json_object_put (resp);
    /* the dialogue knows: "yes" now has nothing to confirm */
    r = s_say (&s_acme, "yes");
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (r, "actions", json_type_array)), 0);
    json_object_put (r);
}
END_TEST

/*  A user's service list is read from the platform once per cache period,
    not on every turn; another user of the org has their own. */
START_TEST (test_service_list_reused_between_turns)
{
    int before = turn_world_requests (s_w, "GET", "/api/v1/services", NULL);
    json_object *r = s_say (&s_acme, "what services do I have?");
    json_object_put (r);
    int after_one = turn_world_requests (s_w, "GET", "/api/v1/services", NULL);
    ck_assert_int_ge (after_one, before + 1);
    r = s_say (&s_acme, "what can you do?");
    ck_assert_ptr_nonnull (strstr (qs_json_str (r, "message", ""), "acme-"));   /* their own names */
    json_object_put (r);
    r = s_say (&s_acme, "is acme-cache healthy?");
    json_object_put (r);
    ck_assert_int_eq (turn_world_requests (s_w, "GET", "/api/v1/services", NULL), after_one);
    qs_auth_t bob;
    turn_world_auth (s_w, &bob, "bob", "org-acme", "member");
    char conv[64] = "";
    r = turn_world_say (s_w, &bob, conv, "what services do I have?");
    json_object_put (r);
    ck_assert_int_eq (turn_world_requests (s_w, "GET", "/api/v1/services", NULL), after_one + 1);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_turn");
    TCase *tc = tcase_create ("dialogue");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_plan_two_edits_yes_creates_the_last_plan);
    tcase_add_test (tc, test_service_list_reused_between_turns);
    tcase_add_test (tc, test_never_mind_cancels_the_plan);
    tcase_add_test (tc, test_ambiguous_reference_asks_then_continues);
    tcase_add_test (tc, test_missing_type_asks_then_continues);
    tcase_add_test (tc, test_followups_about_the_subject);
    tcase_add_test (tc, test_what_about_keeps_the_question);
    tcase_add_test (tc, test_which_are_failing_then_the_first_one);
    tcase_add_test (tc, test_social_turns_are_not_questions);
    tcase_add_test (tc, test_plan_cost_question_keeps_the_plan);
    tcase_add_test (tc, test_name_from_the_purpose_never_taken);
    tcase_add_test (tc, test_two_asked_one_at_a_time_then_another);
    tcase_add_test (tc, test_ordinal_over_recommendations);
    tcase_add_test (tc, test_first_one_by_name_and_delete_needs_the_name);
    tcase_add_test (tc, test_forgiving_names);
    tcase_add_test (tc, test_never_across_orgs);
    tcase_add_test (tc, test_confirm_endpoint_has_full_metadata);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
