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
#include "qs_cue.h"
#include "qs_wf_events.h"
#include "qs_json.h"
#include "qs_pricing.h"
#include "qs_util.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the flow's state -------------------------------------------------- */

typedef struct {
    qs_flow_head_t head;
    qs_config_t given;          /* what the user asked for */
    char name_hint[64];         /* the name an earlier plan chose (a revision keeps it) */
    json_object *pricing, *quotas, *existing_names;     /* the platform's answers */
    qs_config_t config;         /* the plan */
    bool missing_type;
    char defaults[160];         /* the fields defaults filled, "a, b" */
    bool valid;
    json_object *problems;      /* why not valid (strings) */
    bool has_estimate;
    double hourly, monthly;
    json_object *service;       /* the created Service */
} plan_t;

static void
s_load (void *state, json_object *cp)
{
    plan_t *p = state;
    qs_config_init (&p->given);
    qs_config_init (&p->config);
    qs_config_read (&p->given, qs_json_get (cp, "given", json_type_object));
    qs_config_read (&p->config, qs_json_get (cp, "config", json_type_object));
    qs_strlcpy (p->name_hint, qs_json_str (cp, "name_hint", ""), sizeof p->name_hint);
    qs_strlcpy (p->defaults, qs_json_str (cp, "defaults", ""), sizeof p->defaults);
    p->pricing = json_object_get (qs_json_get (cp, "pricing", json_type_object));
    p->quotas = json_object_get (qs_json_get (cp, "quotas", json_type_object));
    p->existing_names = json_object_get (qs_json_get (cp, "existing_names", json_type_array));
    p->problems = json_object_get (qs_json_get (cp, "problems", json_type_array));
    p->service = json_object_get (qs_json_get (cp, "service", json_type_object));
    p->missing_type = qs_json_bool (cp, "missing_type", false);
    p->valid = qs_json_bool (cp, "valid", false);
    json_object *est = qs_json_get (cp, "estimate", json_type_object);
    p->has_estimate = est != NULL;
    p->hourly = qs_json_double (est, "hourly_cost", 0);
    p->monthly = qs_json_double (est, "monthly_cost", 0);
}

static json_object *
s_estimate_json (const plan_t *p)
{
    json_object *est = json_object_new_object ();
    qs_json_add_double (est, "hourly_cost", p->hourly);
    qs_json_add_double (est, "monthly_cost", p->monthly);
    qs_json_add_str (est, "currency", "USD");
    return est;
}

static void
s_save (const void *state, json_object *cp)
{
    const plan_t *p = state;
    json_object_object_add (cp, "given", qs_config_to_json (&p->given, true));
    json_object_object_add (cp, "config", qs_config_to_json (&p->config, false));
    qs_json_add_str (cp, "name_hint", p->name_hint);
    qs_json_add_str (cp, "defaults", p->defaults);
    qs_json_add_bool (cp, "missing_type", p->missing_type);
    qs_json_add_bool (cp, "valid", p->valid);
    const char *keys[] = {"pricing", "quotas", "existing_names", "problems", "service"};
    json_object *vals[] = {p->pricing, p->quotas, p->existing_names, p->problems, p->service};
    for (int i = 0; i < 5; i++)
        if (vals[i])
            json_object_object_add (cp, keys[i], json_object_get (vals[i]));
    if (p->has_estimate)
        json_object_object_add (cp, "estimate", s_estimate_json (p));
}

static void
s_clear (void *state)
{
    plan_t *p = state;
    json_object **owned[] = {&p->pricing, &p->quotas, &p->existing_names, &p->problems, &p->service};
    for (int i = 0; i < 5; i++) {
        json_object_put (*owned[i]);
        *owned[i] = NULL;
    }
}

static const qs_flow_state_t s_state = {sizeof (plan_t), s_load, s_save, s_clear};

/* ---- the graph ------------------------------------------------------------ */

static qs_node_rc_t
s_pricing (json_object *state, void *arg, qs_err_t *err)
{
    (void) state;
    qs_wf_run_t *run = arg;
    plan_t *p = run->flow;
    json_object *services = NULL;
    if (p->pricing)
        return QS_NODE_OK;
    qs_platform_t *pf = qs_wf_platform (run->wf);
    if (qs_platform_pricing (pf, &run->pctx, &p->pricing, err) != 0
        || qs_platform_quotas (pf, &run->pctx, &p->quotas, err) != 0
        || qs_platform_list_services (pf, &run->pctx, &services, err) != 0) {
        s_clear (p);
        return qs_wf_platform_rc (err);
    }
    /* only names matter for clash checks: keep the checkpoint small */
    p->existing_names = json_object_new_array ();
    for (size_t i = 0; i < json_object_array_length (services); i++)
        json_object_array_add (p->existing_names, json_object_new_string (
            qs_json_str (json_object_array_get_idx (services, i), "name", "")));
    json_object_put (services);
    return QS_NODE_OK;
}

static qs_node_rc_t
s_defaults (json_object *state, void *arg, qs_err_t *err)
{
    (void) state; (void) err;
    plan_t *p = ((qs_wf_run_t *) arg)->flow;
    p->config = p->given;
    p->missing_type = !qs_config_default_version (p->config.service_type);
    if (p->missing_type)
        return QS_NODE_OK;
    /* the earlier plan's name, or one from the purpose; never one already taken */
    bool taken = false;
    for (size_t i = 0; p->existing_names && i < json_object_array_length (p->existing_names); i++)
        taken |= !strcmp (json_object_get_string (json_object_array_get_idx (p->existing_names, i)), p->name_hint);
    if (!*p->config.name && !taken)
        qs_strlcpy (p->config.name, p->name_hint, sizeof p->config.name);
    json_object *filled = NULL;
    qs_config_defaults (&p->config, p->pricing, &filled);
    p->defaults[0] = '\0';
    for (size_t i = 0; i < json_object_array_length (filled); i++) {
        size_t n = strlen (p->defaults);
        snprintf (p->defaults + n, sizeof p->defaults - n, "%s%s", i ? ", " : "",
                  json_object_get_string (json_object_array_get_idx (filled, i)));
    }
    json_object_put (filled);
    return QS_NODE_OK;
}

static const char *
s_after_defaults (json_object *state, void *arg)
{
    (void) state;
    return ((plan_t *) ((qs_wf_run_t *) arg)->flow)->missing_type ? NULL : "validate";
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
    (void) state; (void) err;
    qs_wf_run_t *run = arg;
    plan_t *p = run->flow;
    json_object *v = qs_provision_validate (&p->config, run->pctx.auth, p->quotas, p->pricing, p->existing_names);
    p->valid = qs_json_bool (v, "ok", false);
    json_object_put (p->problems);
    p->problems = json_object_get (qs_json_get (v, "problems", json_type_array));
    json_object_put (v);
    return QS_NODE_OK;
}

static qs_node_rc_t
s_estimate (json_object *state, void *arg, qs_err_t *err)
{
    (void) state; (void) err;
    plan_t *p = ((qs_wf_run_t *) arg)->flow;
    json_object *config = qs_config_to_json (&p->config, false);
    qs_err_t ignored = {0};
    p->has_estimate = qs_pricing_estimate (p->pricing, config, &p->hourly, &p->monthly, &ignored) == 0;
    json_object_put (config);
    return QS_NODE_OK;
}

static const char *
s_after_estimate (json_object *state, void *arg)
{
    (void) state;
    const plan_t *p = ((qs_wf_run_t *) arg)->flow;
    return p->valid && p->has_estimate ? "confirm" : "report";
}

static qs_node_rc_t
s_confirm (json_object *state, void *arg, qs_err_t *err)
{
    (void) state;
    qs_wf_run_t *run = arg;
    plan_t *p = run->flow;
    if (p->head.action)
        return QS_NODE_INTERRUPT;           /* already planned: keep waiting */
    const qs_config_t *c = &p->config;
    char summary[300];
    snprintf (summary, sizeof summary, "Create %s %s '%s' (%s, %d replica%s%s%s) in %s for $%.2f/month",
              c->service_type, c->version, c->name, c->tier, c->replicas, c->replicas == 1 ? "" : "s",
              c->ha > 0 ? ", HA" : "", c->backups > 0 ? ", backups" : "", c->region, p->monthly);
    json_object *config = qs_config_to_json (c, false), *est = s_estimate_json (p);
    qs_node_rc_t rc = qs_wf_propose (run, "provision_service", summary, config, est, "provision", err);
    json_object_put (config);
    json_object_put (est);
    return rc;
}

static qs_node_rc_t
s_execute (json_object *state, void *arg, qs_err_t *err)
{
    (void) state;
    qs_wf_run_t *run = arg;
    plan_t *p = run->flow;
    if (p->service)
        return QS_NODE_OK;                  /* recorded outcome: never twice */
    if (!qs_auth_can_execute (run->pctx.auth)) {
        qs_err_set (err, 403, "forbidden", "your role cannot create services");
        return QS_NODE_FAIL;
    }
    json_object *config = qs_config_to_json (&p->config, false);
    int rc = qs_platform_create_service (qs_wf_platform (run->wf), &run->pctx, config,
                                         p->head.idempotency_key, &p->service, err);
    json_object_put (config);
    if (rc != 0) {
        qs_node_rc_t r = qs_wf_platform_rc (err);
        if (r == QS_NODE_FAIL)
            qs_strlcpy (p->head.error, err->message, sizeof p->head.error);
        return r;
    }
    qs_strlcpy (p->head.service_id, qs_json_str (p->service, "id", ""), sizeof p->head.service_id);
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

static char *
s_answer (const plan_t *p)
{
    qs_answer_plan_t view = {
        .config = &p->config, .missing_type = p->missing_type, .defaults = p->defaults,
        .valid = p->valid, .problems = p->problems, .has_estimate = p->has_estimate,
        .hourly = p->hourly, .monthly = p->monthly, .service = p->service,
        .decision = p->head.decision, .error = p->head.error,
    };
    return qs_answer_provision (&view);
}

/*  Plan given (+ the name an earlier plan chose); the answer, the metadata
    and the dialogue state (pending plan or open question) follow. */
static int
s_plan (qs_turn_t *t, const qs_config_t *given, const char *name_hint, qs_err_t *err)
{
    plan_t p;
    memset (&p, 0, sizeof p);
    qs_strlcpy (p.head.intent, "provision_service", sizeof p.head.intent);
    p.given = *given;
    qs_config_init (&p.config);
    qs_strlcpy (p.name_hint, name_hint ? name_hint : "", sizeof p.name_hint);
    qs_run_rc_t rc = qs_turn_run_graph (t, qs_provision_graph (), &s_state, &p, err);
    if (rc != QS_RUN_FAILED) {
        t->text = s_answer (&p);
        qs_dialogue_clarify_clear (&t->dlg);
        if (p.missing_type) {
            /* ask for the type and keep every setting given for the answer */
            qs_strlcpy (t->dlg.clarify.asked, "service_type", sizeof t->dlg.clarify.asked);
            qs_strlcpy (t->dlg.clarify.intent, "provision_service", sizeof t->dlg.clarify.intent);
            t->dlg.clarify.given = *given;
            qs_strlcpy (t->out.awaiting, "service_type", sizeof t->out.awaiting);
            qs_turn_set (&t->out.config, qs_config_to_json (given, false));
        }
        else {
            qs_turn_set (&t->out.config, qs_config_to_json (&p.config, false));
            json_object *v = json_object_new_object ();
            qs_json_add_bool (v, "ok", p.valid);
            json_object_object_add (v, "problems", p.problems ? json_object_get (p.problems) : json_object_new_array ());
            qs_turn_set (&t->out.validation, v);
            if (p.has_estimate)
                qs_turn_set (&t->out.estimate, s_estimate_json (&p));
        }
        if (!p.missing_type && !p.valid)
            for (size_t i = 0; p.problems && i < json_object_array_length (p.problems); i++) {
                size_t n = strlen (t->dlg.refusal);
                snprintf (t->dlg.refusal + n, sizeof t->dlg.refusal - n, "%s%s", i ? "; " : "",
                          json_object_get_string (json_object_array_get_idx (p.problems, i)));
            }
        if (p.head.action && rc == QS_RUN_INTERRUPTED) {
            t->dlg.last_plan = *given;
            qs_dlg_pending_t *pd = &t->dlg.pending;
            qs_dialogue_pending_clear (&t->dlg);
            qs_strlcpy (pd->action_id, qs_json_str (p.head.action, "id", ""), sizeof pd->action_id);
            qs_strlcpy (pd->action_type, "provision_service", sizeof pd->action_type);
            pd->given = *given;
            pd->config = p.config;
        }
    }
    s_clear (&p);
    qs_flow_head_clear (&p.head);
    return rc == QS_RUN_FAILED ? -1 : 0;
}

/*  "and another one", "one more", "the same again": like the last plan. */
static const char *const s_another[] = {"another", "one more", "same again", "the same one", "a second one", NULL};

/*  "two redis caches", "3 databases": how many services the request asks
    for (1 when it does not say). */
static int
s_how_many (const char *message)
{
    static const char *const counts[] = {"two", "three", "four", "five", NULL};
    static const char *const plural[] = {"caches", "databases", "dbs", "queues", "brokers", "clusters",
                                         "instances", "services", "ones", NULL};
    if (!qs_cue_any (message, plural))
        return 1;
    for (int i = 0; counts[i]; i++)
        if (qs_cue_has (message, counts[i]))
            return i + 2;
    if (qs_cue_has (message, "couple"))
        return 2;
    for (const char *p = message; *p; p++)
        if (isdigit ((unsigned char) *p) && (p == message || !isalnum ((unsigned char) p[-1]))
            && atoi (p) > 1 && atoi (p) < 20)
            return atoi (p);
    return 1;
}

static int
s_run (qs_turn_t *t, qs_err_t *err)
{
    qs_config_t given;
    qs_config_init (&given);
    if (t->route.kind == QS_ROUTE_ANSWER)
        given = t->dlg.clarify.given;       /* the answer continues the plan */
    else if (!*t->said.service_type && qs_cue_any (t->message, s_another) && *t->dlg.last_plan.service_type) {
        given = t->dlg.last_plan;           /* "and another one for jobs": the last plan, another name */
        given.name[0] = '\0';
    }
    qs_config_overlay (&given, &t->said);
    char purpose[64];
    qs_config_purpose_name (t->message, given.service_type, purpose, sizeof purpose);
    if (s_plan (t, &given, purpose, err) != 0)
        return -1;
    int many = s_how_many (t->message);
    if (many > 1 && *t->dlg.pending.action_id) {
        char *more = qs_strdupf ("%s\nYou asked for %d: I plan one service at a time. This is the first; once it is "
                                 "decided, say *\"and another one for ...\"* for the next.\n", t->text ? t->text : "", many);
        if (more) {
            free (t->text);
            t->text = more;
        }
    }
    return 0;
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
    if (!qs_turn_revised (t, &old)) {
        /* the change cannot be made: the plan that was waiting still is */
        char *more = qs_strdupf ("%s\nYour previous plan is still waiting: reply **yes** to create it as it was, or change something else.\n",
                                 t->text ? t->text : "");
        free (t->text);
        t->text = more;
    }
    return 0;
}

static void
s_decided (qs_turn_t *t, json_object *action, void *state, const char *decision)
{
    (void) action; (void) decision;
    plan_t *p = state;
    t->text = s_answer (p);
    qs_turn_set (&t->out.config, qs_config_to_json (&p->config, false));
    if (p->service) {
        qs_turn_mention (t, p->service);
        qs_events_service (t->run.req, QS_EVENT_SERVICE_PROVISIONED, p->service);   /* issue 11 */
    }
}

const qs_flow_t qs_flow_provision = {
    .intent = "provision_service", .workflow = "provision", .run = s_run,
    .graph = qs_provision_graph, .state = &s_state, .revise = s_revise, .decided = s_decided,
};
