/*  provision - a new service (seed: Provision Workflow), and its revisions:

      pricing -> defaults -> validate -> estimate
              -> (ok? confirm [interrupt] -> decide -> execute) -> report

    The settings come from the turn (what the message says, plus what an
    earlier question or the pending plan kept); nothing is provisioned
    before the user confirms, and the POST carries an Idempotency-Key fixed
    when the plan is made, so a resumed execute never creates a second
    service. A change to a pending plan makes a new plan and a new action;
    the turn cancels the one it replaces. */
#include "qs_flows.h"
#include "qs_answer.h"
#include "qs_wf_events.h"
#include "qs_json.h"
#include "qs_pricing.h"
#include "qs_util.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the graph ------------------------------------------------------------ */

static qs_node_rc_t
s_pricing (json_object *state, void *arg, qs_err_t *err)
{
    qs_wf_run_t *run = arg;
    json_object *pricing = NULL, *quotas = NULL, *services = NULL;
    if (qs_json_get (state, "pricing", json_type_object))
        return QS_NODE_OK;
    qs_platform_t *p = qs_wf_platform (run->wf);
    if (qs_platform_pricing (p, &run->pctx, &pricing, err) != 0
        || qs_platform_quotas (p, &run->pctx, &quotas, err) != 0
        || qs_platform_list_services (p, &run->pctx, &services, err) != 0) {
        json_object_put (pricing);
        json_object_put (quotas);
        return qs_wf_platform_rc (err);
    }
    json_object_object_add (state, "pricing", pricing);
    json_object_object_add (state, "quotas", quotas);
    /* only names matter for clash checks: keep the checkpoint small */
    json_object *names = json_object_new_array ();
    for (size_t i = 0; i < json_object_array_length (services); i++)
        json_object_array_add (names, json_object_new_string (
            qs_json_str (json_object_array_get_idx (services, i), "name", "")));
    json_object_object_add (state, "existing_names", names);
    json_object_put (services);
    return QS_NODE_OK;
}

static qs_node_rc_t
s_defaults (json_object *state, void *arg, qs_err_t *err)
{
    (void) arg; (void) err;
    qs_config_t c;
    qs_config_init (&c);
    qs_config_read (&c, qs_json_get (state, "given", json_type_object));
    json_object *missing = json_object_new_array (), *filled = NULL;
    if (!qs_config_default_version (c.service_type))
        json_object_array_add (missing, json_object_new_string ("service_type"));
    else {
        /* a revision keeps the name the first plan chose */
        if (!*c.name)
            qs_strlcpy (c.name, qs_json_str (state, "name_hint", ""), sizeof c.name);
        qs_config_defaults (&c, qs_json_get (state, "pricing", json_type_object), &filled);
    }
    json_object_object_add (state, "missing", missing);
    json_object_object_add (state, "defaults", filled ? filled : json_object_new_array ());
    json_object_object_add (state, "config", qs_config_to_json (&c, false));
    return QS_NODE_OK;
}

static const char *
s_after_defaults (json_object *state, void *arg)
{
    (void) arg;
    return json_object_array_length (qs_json_get (state, "missing", json_type_array)) ? NULL : "validate";
}

static void
s_problem (json_object *problems, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static void
s_problem (json_object *problems, const char *fmt, ...)
{
    char text[300];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (text, sizeof text, fmt, ap);
    va_end (ap);
    json_object_array_add (problems, json_object_new_string (text));
}

static int
s_valid_name (const char *name)
{
    size_t n = strlen (name);
    if (n < 2 || n > 40 || !islower ((unsigned char) name[0]) || name[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!islower ((unsigned char) name[i]) && !isdigit ((unsigned char) name[i]) && name[i] != '-')
            return 0;
    return 1;
}

json_object *
qs_provision_validate (const qs_config_t *c, const qs_auth_t *auth, json_object *quotas,
                       json_object *pricing, json_object *existing)
{
    json_object *problems = json_object_new_array ();
    if (!qs_auth_can_execute (auth))
        s_problem (problems, "your role (viewer) can look but cannot create services: ask a member or admin of your organization");
    if (!qs_config_default_version (c->service_type))
        s_problem (problems, "unknown service type '%s'", c->service_type);
    if (!s_valid_name (c->name))
        s_problem (problems, "the name '%s' is not valid: 2-40 lowercase letters, digits and dashes, starting with a letter", c->name);
    for (size_t i = 0; existing && i < json_object_array_length (existing); i++)
        if (!strcmp (json_object_get_string (json_object_array_get_idx (existing, i)), c->name))
            s_problem (problems, "you already have a service named '%s'", c->name);
    if (!qs_json_get (qs_json_get (pricing, "tiers", json_type_object), c->tier, json_type_object))
        s_problem (problems, "tier '%s' is not offered (see /api/v1/pricing)", c->tier);
    if (c->replicas < 1 || c->replicas > 10)
        s_problem (problems, "replicas must be between 1 and 10 (asked for %d)", c->replicas);
    if (c->ha > 0 && c->replicas < 2)
        s_problem (problems, "high availability needs at least 2 replicas");
    if (quotas) {
        int64_t max = qs_json_int (quotas, "max_services", -1), used = qs_json_int (quotas, "used_services", 0);
        const char *plan = qs_json_str (quotas, "plan", "current");
        if (max >= 0 && used >= max)
            s_problem (problems, "your %s plan allows %lld services and you already have %lld", plan,
                       (long long) max, (long long) used);
        const char *max_tier = qs_json_str (quotas, "max_tier", NULL);
        if (max_tier && qs_pricing_tier_rank (c->tier) > qs_pricing_tier_rank (max_tier))
            s_problem (problems, "your %s plan allows tiers up to %s, not %s", plan, max_tier, c->tier);
        if (c->ha > 0 && !qs_json_bool (quotas, "ha_allowed", true))
            s_problem (problems, "high availability is not included in your %s plan", plan);
    }
    json_object *out = json_object_new_object ();
    qs_json_add_bool (out, "ok", json_object_array_length (problems) == 0);
    json_object_object_add (out, "problems", problems);
    return out;
}

static qs_node_rc_t
s_validate (json_object *state, void *arg, qs_err_t *err)
{
    (void) err;
    qs_wf_run_t *run = arg;
    qs_config_t c;
    qs_config_init (&c);
    qs_config_read (&c, qs_json_get (state, "config", json_type_object));
    json_object_object_add (state, "validation",
                            qs_provision_validate (&c, run->pctx.auth, qs_json_get (state, "quotas", json_type_object),
                                                   qs_json_get (state, "pricing", json_type_object),
                                                   qs_json_get (state, "existing_names", json_type_array)));
    return QS_NODE_OK;
}

static qs_node_rc_t
s_estimate (json_object *state, void *arg, qs_err_t *err)
{
    (void) arg; (void) err;
    qs_err_t ignored = {0};
    json_object *est = qs_pricing_estimate_json (qs_json_get (state, "pricing", json_type_object),
                                                 qs_json_get (state, "config", json_type_object), &ignored);
    if (est)
        json_object_object_add (state, "estimate", est);
    return QS_NODE_OK;
}

static const char *
s_after_estimate (json_object *state, void *arg)
{
    (void) arg;
    return qs_json_bool (qs_json_get (state, "validation", json_type_object), "ok", false)
               && qs_json_get (state, "estimate", json_type_object) ? "confirm" : "report";
}

static qs_node_rc_t
s_confirm (json_object *state, void *arg, qs_err_t *err)
{
    qs_wf_run_t *run = arg;
    if (qs_json_get (state, "action", json_type_object))
        return QS_NODE_INTERRUPT;           /* already planned: keep waiting */
    json_object *config = qs_json_get (state, "config", json_type_object);
    json_object *est = qs_json_get (state, "estimate", json_type_object);
    qs_config_t c;
    qs_config_init (&c);
    qs_config_read (&c, config);
    char summary[300];
    snprintf (summary, sizeof summary, "Create %s %s '%s' (%s, %d replica%s%s%s) in %s for $%.2f/month",
              c.service_type, c.version, c.name, c.tier, c.replicas, c.replicas == 1 ? "" : "s",
              c.ha > 0 ? ", HA" : "", c.backups > 0 ? ", backups" : "", c.region,
              qs_json_double (est, "monthly_cost", 0));
    return qs_wf_propose (run, state, "provision_service", summary, config, est, "provision", err);
}

static qs_node_rc_t
s_execute (json_object *state, void *arg, qs_err_t *err)
{
    qs_wf_run_t *run = arg;
    if (qs_json_get (state, "service", json_type_object))
        return QS_NODE_OK;                  /* recorded outcome: never twice */
    if (!qs_auth_can_execute (run->pctx.auth)) {
        qs_err_set (err, 403, "forbidden", "your role cannot create services");
        return QS_NODE_FAIL;
    }
    json_object *service = NULL;
    if (qs_platform_create_service (qs_wf_platform (run->wf), &run->pctx,
                                    qs_json_get (state, "config", json_type_object),
                                    qs_json_str (state, "idempotency_key", ""), &service, err) != 0) {
        qs_node_rc_t rc = qs_wf_platform_rc (err);
        if (rc == QS_NODE_FAIL)
            qs_json_add_str (state, "error", err->message);
        return rc;
    }
    json_object_object_add (state, "service", service);
    return QS_NODE_OK;
}

static const qs_node_def_t s_nodes[] = {
    {.name = "pricing",  .fn = s_pricing,  .next = "defaults", .max_attempts = 3},
    {.name = "defaults", .fn = s_defaults, .route = s_after_defaults},
    {.name = "validate", .fn = s_validate, .next = "estimate"},
    {.name = "estimate", .fn = s_estimate, .route = s_after_estimate},
    {.name = "confirm",  .fn = s_confirm,  .resume = "decide", .max_attempts = 2},
    {.name = "decide",   .fn = qs_wf_node_noop,   .route = qs_wf_route_decision},
    {.name = "execute",  .fn = s_execute,  .next = "report", .max_attempts = 3},
    {.name = "report",   .fn = qs_wf_node_noop},
};
static const qs_graph_def_t s_graph = {"provision", "pricing", s_nodes, sizeof s_nodes / sizeof s_nodes[0]};

const qs_graph_def_t *
qs_provision_graph (void)
{
    return &s_graph;
}

/* ---- the turn's side ------------------------------------------------------ */

/*  Plan given (+ the name an earlier plan chose); the answer, the metadata
    and the dialogue state (pending plan or open question) follow. */
static int
s_plan (qs_turn_t *t, const qs_config_t *given, const char *name_hint, qs_err_t *err)
{
    json_object *state = json_object_new_object ();
    qs_json_add_str (state, "intent", "provision_service");
    json_object_object_add (state, "given", qs_config_to_json (given, true));
    if (name_hint && *name_hint)
        qs_json_add_str (state, "name_hint", name_hint);
    qs_run_rc_t rc = qs_turn_run_graph (t, qs_provision_graph (), state, err);
    if (rc != QS_RUN_FAILED) {
        t->text = qs_answer_provision (state);
        qs_turn_set (&t->out.config, json_object_get (qs_json_get (state, "config", json_type_object)));
        qs_turn_set (&t->out.estimate, json_object_get (qs_json_get (state, "estimate", json_type_object)));
        qs_turn_set (&t->out.validation, json_object_get (qs_json_get (state, "validation", json_type_object)));
        qs_dialogue_clarify_clear (&t->dlg);
        json_object *action = qs_json_get (state, "action", json_type_object);
        if (json_object_array_length (qs_json_get (state, "missing", json_type_array))) {
            /* ask for the type and keep every setting given for the answer */
            qs_strlcpy (t->dlg.clarify.asked, "service_type", sizeof t->dlg.clarify.asked);
            qs_strlcpy (t->dlg.clarify.intent, "provision_service", sizeof t->dlg.clarify.intent);
            t->dlg.clarify.given = *given;
            qs_strlcpy (t->out.awaiting, "service_type", sizeof t->out.awaiting);
        }
        else if (action && rc == QS_RUN_INTERRUPTED) {
            qs_dlg_pending_t *p = &t->dlg.pending;
            qs_dialogue_pending_clear (&t->dlg);
            qs_strlcpy (p->action_id, qs_json_str (action, "id", ""), sizeof p->action_id);
            qs_strlcpy (p->action_type, "provision_service", sizeof p->action_type);
            p->given = *given;
            qs_config_read (&p->config, t->out.config);
        }
    }
    json_object_put (state);
    return rc == QS_RUN_FAILED ? -1 : 0;
}

static int
s_run (qs_turn_t *t, qs_err_t *err)
{
    qs_config_t given;
    qs_config_init (&given);
    if (t->route.kind == QS_ROUTE_ANSWER)
        given = t->dlg.clarify.given;       /* the answer continues the plan */
    qs_config_overlay (&given, &t->said);
    return s_plan (t, &given, NULL, err);
}

/*  "make it large", "call it ledger-db", "in eu-west-1": a revised plan. */
static int
s_revise (qs_turn_t *t, qs_err_t *err)
{
    qs_dlg_pending_t old = t->dlg.pending;
    qs_config_t given = old.given;
    qs_config_overlay (&given, &t->said);
    if (s_plan (t, &given, old.config.name, err) != 0)
        return -1;
    if (strcmp (t->dlg.pending.action_id, old.action_id) != 0) {
        json_object *rev = json_object_new_object ();
        qs_json_add_str (rev, "supersedes", old.action_id);
        json_object_object_add (rev, "changes", qs_config_changes (&old.config, &t->dlg.pending.config));
        qs_turn_set (&t->out.revision, rev);
    }
    else {
        /* the change cannot be made: the plan that was waiting still is */
        char *more = qs_strdupf ("%s\nYour previous plan is still waiting: reply **yes** to create it as it was, or change something else.\n",
                                 t->text ? t->text : "");
        free (t->text);
        t->text = more;
    }
    return 0;
}

static void
s_decided (qs_turn_t *t, json_object *action, json_object *state, const char *decision)
{
    (void) action; (void) decision;
    t->text = qs_answer_provision (state);
    qs_turn_set (&t->out.config, json_object_get (qs_json_get (state, "config", json_type_object)));
    json_object *svc = qs_json_get (state, "service", json_type_object);
    if (svc) {
        qs_turn_mention (t, svc);
        qs_events_service (t->run.req, QS_EVENT_SERVICE_PROVISIONED, svc);   /* issue 11 */
    }
}

const qs_flow_t qs_flow_provision = {
    .intent = "provision_service", .workflow = "provision", .run = s_run,
    .graph = qs_provision_graph, .revise = s_revise, .decided = s_decided,
};
