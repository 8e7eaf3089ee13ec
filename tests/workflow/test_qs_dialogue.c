/*  The dialogue's pure parts: the typed ServiceConfig (overlay, changes), the
    stored dialogue state (round trip, summary), references (qs_resolve) and
    the state machine (qs_route), with and without the intent service's
    reading. */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include "qs_config.h"
#include "qs_dialogue.h"
#include "qs_json.h"
#include "qs_util.h"
#include "qs_resolve.h"
#include "qs_route.h"

static json_object *
s_services (void)
{
    return json_tokener_parse (
        "[{\"id\":\"s1\",\"name\":\"billing-db\",\"service_type\":\"postgresql\"},"
        " {\"id\":\"s2\",\"name\":\"orders-db\",\"service_type\":\"mysql\"},"
        " {\"id\":\"s3\",\"name\":\"session-cache\",\"service_type\":\"redis\"},"
        " {\"id\":\"s4\",\"name\":\"events\",\"service_type\":\"kafka\"}]");
}

static const char *
s_resolve (json_object *services, const qs_dialogue_t *d, const char *message, int *ncand)
{
    qs_resolve_in_t in = {.message = message, .dlg = d};
    qs_ref_t ref;
    static char id[64];
    qs_resolve (services, &in, &ref);
    snprintf (id, sizeof id, "%s", qs_json_str (ref.service, "id", ""));
    if (ncand)
        *ncand = ref.candidates ? (int) json_object_array_length (ref.candidates) : 0;
    qs_ref_clear (&ref);
    return id;
}

START_TEST (test_config_overlay_and_changes)
{
    qs_config_t a, b;
    qs_config_init (&a);
    qs_config_init (&b);
    ck_assert (!qs_config_any (&b));
    json_object *j = json_tokener_parse ("{\"service_type\":\"postgresql\",\"tier\":\"small\",\"replicas\":1,\"backup_enabled\":true}");
    qs_config_read (&a, j);
    json_object_put (j);
    b = a;
    qs_config_t edit;
    qs_config_init (&edit);
    j = json_tokener_parse ("{\"tier\":\"large\",\"high_availability\":true}");
    qs_config_read (&edit, j);
    json_object_put (j);
    ck_assert (qs_config_any (&edit));
    qs_config_overlay (&b, &edit);
    ck_assert_str_eq (b.tier, "large");
    ck_assert_str_eq (b.service_type, "postgresql");     /* what the edit did not say stays */
    ck_assert_int_eq (b.backups, 1);
    json_object *ch = qs_config_changes (&a, &b);
    ck_assert_int_eq ((int) json_object_array_length (ch), 2);
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (ch, 0), "field", ""), "tier");
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (ch, 0), "after", ""), "large");
    json_object_put (ch);
    /* defaults fill only what is missing, and a size picks a tier */
    qs_config_t c;
    qs_config_init (&c);
    snprintf (c.service_type, sizeof c.service_type, "redis");
    c.memory_mb = 1024;
    json_object *pricing = json_tokener_parse ("{\"tiers\":{\"nano\":{\"memory_mb\":256},\"small\":{\"memory_mb\":1024}}}");
    json_object *filled = NULL;
    qs_config_defaults (&c, pricing, &filled);
    ck_assert_str_eq (c.tier, "small");
    ck_assert_str_eq (c.version, "7.2");
    ck_assert_int_eq (c.replicas, 1);
    ck_assert_int_eq (c.backups, 1);                    /* production by default */
    ck_assert (strncmp (c.name, "redis-", 6) == 0);
    json_object_put (filled);
    json_object_put (pricing);
}
END_TEST

START_TEST (test_purpose_names)
{
    const char *cases[][3] = {
        {"I need a redis for sessions", "redis", "sessions-cache"},
        {"a new Kafka cluster for clickstream, please", "kafka", "clickstream-kafka"},
        {"create a postgres database for the orders team", "postgresql", "orders-db"},
        {"set up a mongodb for storing invoices", "mongodb", "invoices-db"},
        {"rabbitmq for our billing jobs", "rabbitmq", "billing-mq"},
        /* no purpose a name can carry: an environment, a verb alone, a size, a time, a type */
        {"a mysql for staging please", "mysql", ""},
        {"I need a redis for caching", "redis", ""},
        {"a small postgres for 3 months", "postgresql", ""},
        {"elasticsearch for production", "elasticsearch", ""},
        {"redis for my cache", "redis", ""},
        {"create a redis", "redis", ""},
        {"a redis for sessions", "memcached", ""},              /* a type of no suffix */
    };
    char out[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qs_config_purpose_name (cases[i][0], cases[i][1], out, sizeof out);
        ck_assert_msg (!strcmp (out, cases[i][2]), "'%s': '%s', not '%s'", cases[i][0], out, cases[i][2]);
    }
    qs_config_purpose_name (NULL, "redis", out, sizeof out);
    ck_assert_str_eq (out, "");
}
END_TEST

START_TEST (test_dialogue_round_trip)
{
    qs_dialogue_t d, back;
    qs_dialogue_init (&d);
    json_object *svcs = s_services ();
    qs_dialogue_subject_push (&d, json_object_array_get_idx (svcs, 0));
    qs_dialogue_subject_push (&d, json_object_array_get_idx (svcs, 1));
    qs_dialogue_subject_push (&d, json_object_array_get_idx (svcs, 0));     /* moves to the end */
    ck_assert_int_eq (d.nsubject, 2);
    ck_assert_str_eq (qs_dialogue_subject (&d)->id, "s1");
    snprintf (d.pending.action_id, sizeof d.pending.action_id, "a1");
    snprintf (d.pending.action_type, sizeof d.pending.action_type, "provision_service");
    snprintf (d.pending.config.tier, sizeof d.pending.config.tier, "large");
    d.pending.given.ha = 1;
    snprintf (d.clarify.asked, sizeof d.clarify.asked, "service");
    snprintf (d.clarify.intent, sizeof d.clarify.intent, "troubleshoot");
    d.clarify.ncandidates = 1;
    snprintf (d.clarify.candidates[0].id, sizeof d.clarify.candidates[0].id, "s2");
    snprintf (d.clarify.op.op, sizeof d.clarify.op.op, "scale");      /* "scale it by 2": which one? */
    d.clarify.op.delta = 2;
    json_object *recs = json_tokener_parse ("[{\"id\":\"r1\",\"service_id\":\"s1\",\"service_name\":\"billing-db\",\"type\":\"rightsize\"}]");
    qs_dialogue_list_set (&d, "recommendations", recs);
    snprintf (d.last_kind, sizeof d.last_kind, "optimize_costs");
    snprintf (d.last_change.op.op, sizeof d.last_change.op.op, "scale");
    d.last_change.op.replicas = 2;
    d.last_change.fields.replicas = 2;
    snprintf (d.last_done.service_id, sizeof d.last_done.service_id, "s1");
    snprintf (d.last_done.service_name, sizeof d.last_done.service_name, "billing-db");
    snprintf (d.last_done.before.tier, sizeof d.last_done.before.tier, "small");
    snprintf (d.last_plan.service_type, sizeof d.last_plan.service_type, "redis");
    d.last_plan.ha = 1;
    snprintf (d.refusal, sizeof d.refusal, "high availability is not included in your free plan");
    json_object *stored = qs_dialogue_to_json (&d);
    qs_dialogue_from_json (&back, stored);
    ck_assert_mem_eq (&back, &d, sizeof d);
    /* the summary of DIALOGUE-SPEC: no ids of actions, no internals */
    json_object *sum = qs_dialogue_summary (&d);
    ck_assert_str_eq (qs_json_str (qs_json_get (sum, "pending", json_type_object), "action_type", ""), "provision_service");
    ck_assert_ptr_null (qs_json_path (sum, "pending.action_id"));
    ck_assert_str_eq (qs_json_str (sum, "asked", ""), "service");
    ck_assert_str_eq (qs_json_str (qs_json_path (sum, "last_list"), "kind", ""), "recommendations");
    ck_assert_ptr_null (qs_json_get (sum, "last_change", json_type_object));
    json_object_put (sum);
    json_object_put (stored);
    json_object_put (recs);
    json_object_put (svcs);
    /* an empty state and garbage read as empty */
    qs_dialogue_from_json (&back, NULL);
    ck_assert_int_eq (back.nsubject, 0);
    json_object *junk = json_tokener_parse ("{\"subject\":\"x\",\"pending\":3,\"last_list\":{\"items\":{}}}");
    qs_dialogue_from_json (&back, junk);
    ck_assert_int_eq (back.nlist, 0);
    ck_assert_str_eq (back.pending.action_id, "");
    json_object_put (junk);
}
END_TEST

START_TEST (test_forgiving_names)
{
    json_object *svcs = s_services ();
    ck_assert_str_eq (s_resolve (svcs, NULL, "what tier is Billing DB on?", NULL), "s1");
    ck_assert_str_eq (s_resolve (svcs, NULL, "what tier is billing_db on?", NULL), "s1");
    ck_assert_str_eq (s_resolve (svcs, NULL, "is biling-db ok", NULL), "s1");          /* one letter */
    ck_assert_str_eq (s_resolve (svcs, NULL, "is session-cahce ok", NULL), "s3");      /* two letters */
    ck_assert_str_eq (s_resolve (svcs, NULL, "is ordersdb up", NULL), "s2");           /* no hyphen */
    /* shorter names forgive less: one edit for 5-7 letters, two from 8 */
    int n = 0;
    ck_assert_str_eq (s_resolve (svcs, NULL, "what about evnts", &n), "s4");
    ck_assert_str_eq (s_resolve (svcs, NULL, "what about evts", &n), "");
    /* a name of none of the org's services (another org's) is not swapped for
       the org's only cache: the user is asked, nothing is resolved */
    json_object *unknown = json_tokener_parse ("{\"name\":\"acme-cache\",\"resolved\":false,\"match\":\"name\"}");
    qs_resolve_in_t in = {.message = "is acme-cache healthy?", .extract_ref = unknown};
    qs_ref_t ref;
    ck_assert_int_eq (qs_resolve (svcs, &in, &ref), 0);
    ck_assert_ptr_null (ref.service);
    ck_assert_int_eq ((int) json_object_array_length (ref.candidates), 4);
    qs_ref_clear (&ref);
    json_object_put (unknown);
    ck_assert_str_eq (s_resolve (svcs, NULL, "is the cache healthy?", NULL), "s3");   /* a type still resolves */
    ck_assert_int_eq (qs_edit_distance ("kitten", "sitting", 5), 3);
    ck_assert_int_eq (qs_edit_distance ("abc", "abcdefgh", 2), 3);
    json_object_put (svcs);
}
END_TEST

START_TEST (test_types_pronouns_ordinals_other)
{
    json_object *svcs = s_services ();
    qs_dialogue_t d;
    qs_dialogue_init (&d);
    int n = 0;
    /* "my database" with two: ambiguous, nothing chosen */
    ck_assert_str_eq (s_resolve (svcs, &d, "is my database healthy?", &n), "");
    ck_assert_int_eq (n, 2);
    ck_assert_str_eq (s_resolve (svcs, &d, "is the cache healthy?", NULL), "s3");      /* only one */
    /* the subject first: the database we talked about */
    qs_dialogue_subject_push (&d, json_object_array_get_idx (svcs, 1));
    ck_assert_str_eq (s_resolve (svcs, &d, "is the database healthy?", NULL), "s2");
    ck_assert_str_eq (s_resolve (svcs, &d, "how much does it cost?", NULL), "s2");
    qs_dialogue_subject_push (&d, json_object_array_get_idx (svcs, 3));
    ck_assert_str_eq (s_resolve (svcs, &d, "and the other one?", NULL), "s2");
    /* positions over the last list */
    json_object *recs = json_tokener_parse ("[{\"id\":\"r1\",\"service_id\":\"s3\",\"service_name\":\"session-cache\",\"type\":\"rightsize\"},"
                                            " {\"id\":\"r2\",\"service_id\":\"s1\",\"service_name\":\"billing-db\",\"type\":\"disable_ha\"}]");
    qs_dialogue_list_set (&d, "recommendations", recs);
    ck_assert_int_eq (qs_resolve_list_index ("apply the first one", &d), 0);
    ck_assert_int_eq (qs_resolve_list_index ("apply #2", &d), 1);
    ck_assert_int_eq (qs_resolve_list_index ("do number two", &d), 1);
    ck_assert_int_eq (qs_resolve_list_index ("the last one", &d), 1);
    ck_assert_int_eq (qs_resolve_list_index ("do the billing-db one", &d), 1);
    ck_assert_int_eq (qs_resolve_list_index ("apply #7", &d), -1);
    ck_assert_str_eq (s_resolve (svcs, &d, "the second one", NULL), "s1");
    json_object_put (recs);
    /* never outside the list it is given (the caller's org) */
    json_object *other_org = json_tokener_parse ("[{\"id\":\"x1\",\"name\":\"globex-db\",\"service_type\":\"postgresql\"}]");
    ck_assert_str_eq (s_resolve (other_org, &d, "what tier is billing-db on?", NULL), "x1");   /* its only one */
    ck_assert_str_ne (s_resolve (other_org, &d, "what tier is billing-db on?", NULL), "s1");
    json_object_put (other_org);
    json_object_put (svcs);
}
END_TEST

START_TEST (test_environment_counterpart)
{
    json_object *svcs = json_tokener_parse (
        "[{\"id\":\"p1\",\"name\":\"shop-prod-db\",\"service_type\":\"postgresql\",\"environment\":\"production\"},"
        " {\"id\":\"p2\",\"name\":\"shop-stage-db\",\"service_type\":\"postgresql\",\"environment\":\"staging\"},"
        " {\"id\":\"p3\",\"name\":\"ledger-stage\",\"service_type\":\"postgresql\",\"environment\":\"staging\"},"
        " {\"id\":\"c1\",\"name\":\"shop-cache\",\"service_type\":\"redis\",\"environment\":\"production\"},"
        " {\"id\":\"c2\",\"name\":\"web-cache\",\"service_type\":\"redis\",\"environment\":\"development\"},"
        " {\"id\":\"c3\",\"name\":\"api-cache\",\"service_type\":\"redis\",\"environment\":\"development\"}]");
    qs_dialogue_t d;
    qs_dialogue_init (&d);
    int n = 0;
    qs_dialogue_subject_push (&d, json_object_array_get_idx (svcs, 0));
    /* of two staging databases, the one whose name is the subject's but for the environment */
    ck_assert_str_eq (s_resolve (svcs, &d, "same for staging", NULL), "p2");
    ck_assert_str_eq (s_resolve (svcs, &d, "and in stage?", NULL), "p2");
    /* a pronoun asks about the subject itself */
    ck_assert_str_eq (s_resolve (svcs, &d, "is it in staging?", NULL), "p1");
    /* two dev caches as close to shop-cache: asked, not guessed */
    qs_dialogue_subject_push (&d, json_object_array_get_idx (svcs, 3));
    ck_assert_str_eq (s_resolve (svcs, &d, "same for dev", &n), "");
    ck_assert_int_eq (n, 2);
    /* an environment narrows a type; none of the type there: every one of the type is asked */
    qs_dialogue_init (&d);
    ck_assert_str_eq (s_resolve (svcs, &d, "is the production database healthy?", NULL), "p1");
    ck_assert_str_eq (s_resolve (svcs, &d, "is the dev database healthy?", &n), "");
    ck_assert_int_eq (n, 3);
    ck_assert_str_eq (s_resolve (svcs, &d, "is the prod cache healthy?", NULL), "c1");
    json_object_put (svcs);
}
END_TEST

START_TEST (test_answer_among_candidates)
{
    json_object *svcs = s_services ();
    qs_dialogue_t d;
    qs_dialogue_init (&d);
    snprintf (d.clarify.asked, sizeof d.clarify.asked, "service");
    d.clarify.ncandidates = 2;
    snprintf (d.clarify.candidates[0].id, 64, "s1");
    snprintf (d.clarify.candidates[1].id, 64, "s2");
    qs_resolve_in_t in = {.message = "the billing one", .dlg = &d, .among_candidates = true};
    qs_ref_t ref;
    ck_assert_int_eq (qs_resolve (svcs, &in, &ref), 1);
    ck_assert_str_eq (qs_json_str (ref.service, "id", ""), "s1");
    ck_assert_ptr_eq (ref.service, json_object_array_get_idx (svcs, 0));   /* lent from the org's list */
    qs_ref_clear (&ref);
    in.message = "the cache";                 /* not one of the two asked about */
    ck_assert_int_eq (qs_resolve (svcs, &in, &ref), 0);
    qs_ref_clear (&ref);
    json_object_put (svcs);
}
END_TEST

static qs_route_t
s_route (const qs_dialogue_t *d, const char *msg, const char *intent, const char *followup,
         const char *confirmation, const char *config_json)
{
    qs_config_t c;
    qs_config_init (&c);
    json_object *j = json_tokener_parse (config_json ? config_json : "{}");
    qs_config_read (&c, j);
    json_object_put (j);
    qs_route_in_t in = {.message = msg, .intent = intent, .confidence = 0.9, .followup = followup,
                        .confirmation = confirmation, .config = &c};
    qs_route_t out;
    qs_route_decide (d, &in, &out);
    return out;
}

START_TEST (test_route_with_a_pending_plan)
{
    qs_dialogue_t d;
    qs_dialogue_init (&d);
    snprintf (d.pending.action_id, 64, "a1");
    snprintf (d.pending.action_type, 24, "provision_service");
    snprintf (d.pending.config.service_type, 16, "postgresql");
    /* an older intent service: no followup; the extraction decides */
    ck_assert_int_eq (s_route (&d, "make it large", "provision_service", NULL, "none", "{\"tier\":\"large\"}").kind, QS_ROUTE_EDIT);
    ck_assert_int_eq (s_route (&d, "call it ledger-db", "general_question", NULL, "none", "{\"name\":\"ledger-db\"}").kind, QS_ROUTE_EDIT);
    ck_assert_int_eq (s_route (&d, "actually make it mysql", "provision_service", NULL, "none", "{\"service_type\":\"mysql\"}").kind, QS_ROUTE_EDIT);
    ck_assert_int_eq (s_route (&d, "yes", "general_question", NULL, "yes", NULL).kind, QS_ROUTE_CONFIRM);
    ck_assert_int_eq (s_route (&d, "never mind", "general_question", NULL, "no", NULL).kind, QS_ROUTE_CANCEL);
    /* a complete new request is a new plan */
    ck_assert_int_eq (s_route (&d, "also create a redis cache called c1", "provision_service", NULL, "none",
                               "{\"service_type\":\"redis\",\"name\":\"c1\"}").kind, QS_ROUTE_FLOW);
    /* the newer intent service's reading is used */
    ck_assert_int_eq (s_route (&d, "bigger please", "provision_service", "edit_plan", "none", NULL).kind, QS_ROUTE_EDIT);
    qs_route_t r = s_route (&d, "what are my services?", "get_service_info", "none", "none", NULL);
    ck_assert_int_eq (r.kind, QS_ROUTE_FLOW);
    /* its price asked: the plan itself, still waiting (the plan is what "it" is while it waits) */
    ck_assert_int_eq (s_route (&d, "what does it cost per month?", "get_service_info", "none", "none", NULL).kind, QS_ROUTE_PLAN);
    ck_assert_int_eq (s_route (&d, "what will that cost?", "optimize_costs", NULL, "none", NULL).kind, QS_ROUTE_PLAN);
    ck_assert_int_eq (s_route (&d, "how much would it cost per month", "get_service_info", NULL, "none", NULL).kind,
                      QS_ROUTE_PLAN);
    ck_assert_int_ne (s_route (&d, "how can I reduce my costs?", "optimize_costs", NULL, "none", NULL).kind, QS_ROUTE_PLAN);
    /* a question about the tiers names tiers but edits nothing */
    r = s_route (&d, "what's the difference between small and large?", "provision_service", NULL, "none",
                 "{\"tier\":\"large\"}");
    ck_assert_int_eq (r.kind, QS_ROUTE_FLOW);
    ck_assert_str_eq (r.followup, "catalog");
    /* "why not?" after a refusal: its reason; a longer question is a question */
    qs_dialogue_t refused;
    qs_dialogue_init (&refused);
    ck_assert_str_ne (s_route (&refused, "why not?", "general_question", NULL, "none", NULL).followup, "why");
    snprintf (refused.refusal, sizeof refused.refusal, "your role (viewer) cannot change services");
    ck_assert_str_eq (s_route (&refused, "why not?", "general_question", NULL, "none", NULL).followup, "why");
    ck_assert_str_eq (s_route (&refused, "how come", "troubleshoot", NULL, "none", NULL).followup, "why");
    ck_assert_str_ne (s_route (&refused, "why does acme-cache keep restarting?", "troubleshoot", NULL, "none",
                               NULL).followup, "why");
    /* "undo" takes back a change made here, never a plan that waits */
    snprintf (d.last_done.service_id, sizeof d.last_done.service_id, "s1");
    ck_assert_str_ne (s_route (&d, "undo that", "manage_service", NULL, "none", NULL).followup, "undo");
    d.last_done.service_id[0] = '\0';
    qs_dialogue_t undo;
    qs_dialogue_init (&undo);
    ck_assert_str_ne (s_route (&undo, "undo that", "manage_service", NULL, "none", NULL).followup, "undo");
    snprintf (undo.last_done.service_id, sizeof undo.last_done.service_id, "s1");
    r = s_route (&undo, "please put it back", "general_question", NULL, "none", NULL);
    ck_assert_str_eq (r.intent, "manage_service");
    ck_assert_str_eq (r.followup, "undo");
    /* a restart has no price: "how much does it cost?" is the service's */
    qs_dialogue_t restart = d;
    snprintf (restart.pending.action_type, 24, "restart_pod");
    ck_assert_int_ne (s_route (&restart, "and how much does it cost?", "get_service_info", NULL, "none", NULL).kind,
                      QS_ROUTE_PLAN);
    /* thanks while a plan waits: a reply, the plan still waits */
    r = s_route (&d, "thanks!", "general_question", NULL, "none", NULL);
    ck_assert_int_eq (r.kind, QS_ROUTE_FLOW);
    ck_assert_str_eq (r.followup, "social");
    /* with nothing to confirm, "yes" and "no" are no request at all */
    qs_dialogue_pending_clear (&d);
    r = s_route (&d, "yes", "manage_service", NULL, "yes", NULL);
    ck_assert_int_eq (r.kind, QS_ROUTE_FLOW);
    ck_assert_str_eq (r.intent, "general_question");
    ck_assert_str_eq (r.followup, "social");
    ck_assert_str_eq (s_route (&d, "no thanks", "general_question", NULL, "no", NULL).followup, "social");
    ck_assert_str_ne (s_route (&d, "no wait, make it small", "provision_service", NULL, "no", "{\"tier\":\"small\"}").followup, "social");
}
END_TEST

START_TEST (test_route_follow_ups)
{
    qs_dialogue_t d;
    qs_dialogue_init (&d);
    json_object *svcs = s_services ();
    qs_dialogue_subject_push (&d, json_object_array_get_idx (svcs, 0));
    snprintf (d.last_kind, sizeof d.last_kind, "get_connection_info");
    qs_route_t r = s_route (&d, "is it healthy?", "get_connection_info", NULL, "none", NULL);
    ck_assert_str_eq (r.intent, "troubleshoot");
    r = s_route (&d, "and how much does it cost?", "optimize_costs", NULL, "none", NULL);
    ck_assert_str_eq (r.intent, "get_service_info");
    r = s_route (&d, "how can I reduce my costs?", "optimize_costs", NULL, "none", NULL);
    ck_assert_str_eq (r.intent, "optimize_costs");          /* not about "it": the org's review */
    r = s_route (&d, "what about orders-db?", "optimize_costs", NULL, "none", NULL);
    ck_assert_str_eq (r.intent, "get_connection_info");
    ck_assert_str_eq (r.followup, "what_about");
    /* a named service's cost is its details; a saving question stays the review */
    qs_dialogue_t fresh;
    qs_dialogue_init (&fresh);
    qs_config_t none;
    qs_config_init (&none);
    qs_route_in_t in = {.message = "how much does billing-db cost me per month?", .intent = "optimize_costs",
                        .confidence = 0.8, .confirmation = "none", .config = &none,
                        .names_service = true, .refers_service = true};
    qs_route_decide (&fresh, &in, &r);
    ck_assert_str_eq (r.intent, "get_service_info");
    in.message = "how can billing-db cost me less?";
    qs_route_decide (&fresh, &in, &r);
    ck_assert_str_eq (r.intent, "optimize_costs");
    in.message = "how much do I spend in total?";
    in.names_service = in.refers_service = false;
    qs_route_decide (&fresh, &in, &r);
    ck_assert_str_eq (r.intent, "optimize_costs");
    /* "is X ok?" asks for its health */
    in.message = "is my postgres database ok?";
    in.intent = "get_service_info";
    in.refers_service = true;
    qs_route_decide (&fresh, &in, &r);
    ck_assert_str_eq (r.intent, "troubleshoot");
    in.message = "what version is billing-db on? ok";
    qs_route_decide (&fresh, &in, &r);
    ck_assert_str_eq (r.intent, "get_service_info");
    /* an open question is answered */
    snprintf (d.clarify.asked, sizeof d.clarify.asked, "service_type");
    r = s_route (&d, "postgres", "general_question", NULL, "none", "{\"service_type\":\"postgresql\"}");
    ck_assert_int_eq (r.kind, QS_ROUTE_ANSWER);
    ck_assert_str_eq (r.intent, "provision_service");
    qs_dialogue_clarify_clear (&d);
    /* we asked which service to connect to: a health question takes over the
       open question (still about the service we asked for) */
    snprintf (d.clarify.asked, sizeof d.clarify.asked, "service");
    snprintf (d.clarify.intent, sizeof d.clarify.intent, "get_connection_info");
    r = s_route (&d, "is it healthy?", "get_connection_info", NULL, "none", NULL);
    ck_assert_int_eq (r.kind, QS_ROUTE_ANSWER);
    ck_assert_str_eq (r.intent, "troubleshoot");
    r = s_route (&d, "the main one", "general_question", "answer", "none", NULL);
    ck_assert_str_eq (r.intent, "get_connection_info");
    qs_dialogue_clarify_clear (&d);
    /* recommendations by position go to manage */
    json_object *recs = json_tokener_parse ("[{\"id\":\"r1\",\"service_id\":\"s3\",\"type\":\"rightsize\"}]");
    qs_dialogue_list_set (&d, "recommendations", recs);
    r = s_route (&d, "ok do the first one", "general_question", NULL, "none", NULL);
    ck_assert_str_eq (r.intent, "manage_service");
    ck_assert_int_eq (r.list_index, 0);
    json_object_put (recs);
    json_object_put (svcs);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_dialogue");
    TCase *tc = tcase_create ("pure");
    tcase_add_test (tc, test_config_overlay_and_changes);
    tcase_add_test (tc, test_dialogue_round_trip);
    tcase_add_test (tc, test_forgiving_names);
    tcase_add_test (tc, test_types_pronouns_ordinals_other);
    tcase_add_test (tc, test_environment_counterpart);
    tcase_add_test (tc, test_purpose_names);
    tcase_add_test (tc, test_answer_among_candidates);
    tcase_add_test (tc, test_route_with_a_pending_plan);
    tcase_add_test (tc, test_route_follow_ups);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
