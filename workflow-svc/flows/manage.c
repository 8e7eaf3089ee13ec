/*  manage - changes to a running service (contract section 9). For now the
    path that carries out a recommendation in dialogue ("apply the first
    one", "do the billing-db one", "apply #2" after an optimisation answer):

      propose [interrupt] -> decide -> execute -> reread -> report

    A recommendation becomes an update_service action (PATCH of only the
    fields it changes) or, for delete_idle, a delete_service action (the
    name typed back confirms it), with service_id and change {before, after,
    monthly_cost_before, monthly_cost_after}. Executing calls the platform
    once with the user's token and the action's Idempotency-Key, then reads
    the service again. Issue 18 extends this file with direct operations
    (scale, tier, HA, backups, restart, delete). */
#include "qs_flows.h"
#include "qs_answer.h"
#include "qs_json.h"
#include "qs_pricing.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the flow's state -------------------------------------------------- */

typedef struct {
    qs_flow_head_t head;
    char action_type[24];       /* update_service / delete_service */
    char service_id[64];
    char service_name[64];
    char summary[400];
    json_object *change;        /* {before, after, monthly_cost_before, monthly_cost_after} */
    bool executed;
    json_object *service;       /* read again after the change */
} change_t;

static void
s_load (void *state, json_object *cp)
{
    change_t *c = state;
    qs_strlcpy (c->action_type, qs_json_str (cp, "action_type", ""), sizeof c->action_type);
    qs_strlcpy (c->service_id, qs_json_str (cp, "service_id", ""), sizeof c->service_id);
    qs_strlcpy (c->service_name, qs_json_str (cp, "service_name", ""), sizeof c->service_name);
    qs_strlcpy (c->summary, qs_json_str (cp, "summary", ""), sizeof c->summary);
    c->change = json_object_get (qs_json_get (cp, "change", json_type_object));
    c->service = json_object_get (qs_json_get (cp, "service", json_type_object));
    c->executed = qs_json_bool (cp, "executed", false);
}

static void
s_save (const void *state, json_object *cp)
{
    const change_t *c = state;
    qs_json_add_str (cp, "action_type", c->action_type);
    qs_json_add_str (cp, "service_id", c->service_id);
    qs_json_add_str (cp, "service_name", c->service_name);
    qs_json_add_str (cp, "summary", c->summary);
    qs_json_add_bool (cp, "executed", c->executed);
    if (c->change)
        json_object_object_add (cp, "change", json_object_get (c->change));
    if (c->service)
        json_object_object_add (cp, "service", json_object_get (c->service));
}

static void
s_clear (void *state)
{
    change_t *c = state;
    json_object_put (c->change);
    json_object_put (c->service);
    c->change = c->service = NULL;
}

static const qs_flow_state_t s_state = {sizeof (change_t), s_load, s_save, s_clear};

/* ---- the graph ------------------------------------------------------------ */

static qs_node_rc_t
s_propose (json_object *state, void *arg, qs_err_t *err)
{
    (void) state;
    qs_wf_run_t *run = arg;
    change_t *c = run->flow;
    if (c->head.action)
        return QS_NODE_INTERRUPT;
    json_object *config = json_object_new_object ();
    qs_json_add_str (config, "service_id", c->service_id);
    qs_json_add_str (config, "name", c->service_name);
    json_object_object_add (config, "change", json_object_get (c->change));
    qs_node_rc_t rc = qs_wf_propose (run, c->action_type, c->summary, config, NULL, "manage", err);
    json_object_put (config);
    return rc;
}

static qs_node_rc_t
s_execute (json_object *state, void *arg, qs_err_t *err)
{
    (void) state;
    qs_wf_run_t *run = arg;
    change_t *c = run->flow;
    if (c->executed || *c->head.error)
        return QS_NODE_OK;                      /* recorded outcome: never twice */
    bool delete = !strcmp (c->action_type, "delete_service");
    if (delete ? !qs_auth_is_admin (run->pctx.auth) : !qs_auth_can_execute (run->pctx.auth)) {
        qs_strlcpy (c->head.error, "your role cannot make this change", sizeof c->head.error);
        return QS_NODE_OK;
    }
    qs_platform_ctx_t pctx = run->pctx;
    pctx.idempotency_key = c->head.idempotency_key;
    json_object *svc = NULL;
    int rc = delete ? qs_platform_delete_service (qs_wf_platform (run->wf), &pctx, c->service_id, err)
                    : qs_platform_patch_service (qs_wf_platform (run->wf), &pctx, c->service_id,
                                                 qs_json_get (c->change, "after", json_type_object), &svc, err);
    json_object_put (svc);
    if (rc != 0) {
        qs_node_rc_t r = qs_wf_platform_rc (err);
        if (r == QS_NODE_FAIL)
            qs_strlcpy (c->head.error, err->message, sizeof c->head.error);
        return r == QS_NODE_RETRY ? r : QS_NODE_OK;     /* a refusal is reported, not fatal */
    }
    c->executed = true;
    qs_strlcpy (c->head.service_id, c->service_id, sizeof c->head.service_id);
    return QS_NODE_OK;
}

static qs_node_rc_t
s_reread (json_object *state, void *arg, qs_err_t *err)
{
    (void) state; (void) err;
    qs_wf_run_t *run = arg;
    change_t *c = run->flow;
    qs_err_t ignored = {0};
    if (c->executed && !c->service && strcmp (c->action_type, "delete_service"))
        qs_platform_get_service (qs_wf_platform (run->wf), &run->pctx, c->service_id, &c->service, &ignored);
    return QS_NODE_OK;
}

static const qs_node_def_t s_nodes[] = {
    {.name = "propose", .fn = s_propose, .resume = "decide", .max_attempts = 2},
    {.name = "decide",  .fn = qs_wf_node_noop,    .route = qs_wf_route_decision},
    {.name = "execute", .fn = s_execute, .next = "reread", .max_attempts = 3},
    {.name = "reread",  .fn = s_reread,  .next = "report"},
    {.name = "report",  .fn = qs_wf_node_noop},
};
static const qs_graph_def_t s_graph = {"manage", "propose", s_nodes, sizeof s_nodes / sizeof s_nodes[0]};

static const qs_graph_def_t *
s_graph_def (void)
{
    return &s_graph;
}

/* ---- the turn's side ------------------------------------------------------ */

/*  The monthly cost of service with fields (lent, may be NULL) changed. */
static double
s_cost (json_object *pricing, json_object *service, json_object *fields)
{
    json_object *c = json_object_new_object ();
    static const char *keys[] = {"tier", "replicas", "high_availability", "backup_enabled", NULL};
    for (int i = 0; keys[i]; i++) {
        json_object *v = NULL;
        if (!(fields && json_object_object_get_ex (fields, keys[i], &v)))
            json_object_object_get_ex (service, keys[i], &v);
        json_object_object_add (c, keys[i], json_object_get (v));
    }
    double hourly = 0, monthly = 0;
    if (qs_pricing_estimate (pricing, c, &hourly, &monthly, NULL) != 0)
        monthly = qs_json_double (service, "monthly_cost", 0);
    json_object_put (c);
    return monthly;
}

/*  change {before, after, monthly_cost_before, monthly_cost_after} for a
    recommendation of service. New object. */
static json_object *
s_change (json_object *rec, json_object *service, json_object *pricing, bool delete)
{
    json_object *change = json_object_new_object (), *before = json_object_new_object ();
    json_object *after = delete ? json_object_new_object () : json_object_get (qs_json_get (rec, "change", json_type_object));
    if (delete) {
        qs_json_add_str (before, "status", qs_json_str (service, "status", "running"));
        qs_json_add_str (after, "status", "deleted");
    }
    json_object_object_foreach (after, k, v) {
        (void) v;
        json_object *cur = NULL;
        if (!delete && json_object_object_get_ex (service, k, &cur))
            json_object_object_add (before, k, json_object_get (cur));
    }
    json_object_object_add (change, "before", before);
    json_object_object_add (change, "after", after);
    qs_json_add_double (change, "monthly_cost_before", s_cost (pricing, service, NULL));
    qs_json_add_double (change, "monthly_cost_after", delete ? 0.0 : s_cost (pricing, service, after));
    return change;
}

/*  The recommendation the user points at, as it stands now (ids stay while
    the service and its metrics do not change). New object or NULL. */
static json_object *
s_current (qs_turn_t *t, const qs_dlg_item_t *item, qs_err_t *err)
{
    json_object *reco = NULL, *hit = NULL;
    if (qs_optimize_recommendations (&t->run, &reco, err) != 0)
        return NULL;
    json_object *recs = qs_json_get (reco, "recommendations", json_type_array);
    for (size_t i = 0; recs && i < json_object_array_length (recs) && !hit; i++) {
        json_object *r = json_object_array_get_idx (recs, i);
        if (!strcmp (qs_json_str (r, "id", ""), item->id)
            || (!strcmp (qs_json_str (r, "service_id", ""), item->service_id)
                && !strcmp (qs_json_str (r, "type", ""), item->type)))
            hit = json_object_get (r);
    }
    json_object_put (reco);
    return hit;
}

int
qs_manage_propose (qs_turn_t *t, json_object *rec, const char *label, qs_err_t *err)
{
    const char *service_id = qs_json_str (rec, "service_id", "");
    json_object *service = NULL, *pricing = NULL;
    qs_platform_t *p = qs_wf_platform (t->run.wf);
    int rc = -1;
    qs_strlcpy (t->workflow, "manage", sizeof t->workflow);
    if (qs_platform_get_service (p, &t->run.pctx, service_id, &service, err) != 0
        || qs_platform_pricing (p, &t->run.pctx, &pricing, err) != 0)
        goto cleanup;
    qs_turn_mention (t, service);
    bool delete = !strcmp (qs_json_str (rec, "type", ""), "delete_idle");
    if (delete ? !qs_auth_is_admin (t->run.pctx.auth) : !qs_auth_can_execute (t->run.pctx.auth)) {
        t->text = qs_strdupf ("Your role cannot %s services: ask an %s of your organization.\n",
                              delete ? "delete" : "change", delete ? "admin" : "admin or member");
        rc = 0;
        goto cleanup;
    }
    json_object *change = s_change (rec, service, pricing, delete);
    const char *name = qs_json_str (service, "name", service_id);
    char summary[400];
    snprintf (summary, sizeof summary, "%s: %s ($%.2f -> $%.2f/month)", delete ? "Delete" : "Change",
              name, qs_json_double (change, "monthly_cost_before", 0), qs_json_double (change, "monthly_cost_after", 0));
    change_t c;
    memset (&c, 0, sizeof c);
    qs_strlcpy (c.head.intent, "manage_service", sizeof c.head.intent);
    qs_strlcpy (c.action_type, delete ? "delete_service" : "update_service", sizeof c.action_type);
    qs_strlcpy (c.service_id, service_id, sizeof c.service_id);
    qs_strlcpy (c.service_name, name, sizeof c.service_name);
    qs_strlcpy (c.summary, summary, sizeof c.summary);
    c.change = change;
    qs_run_rc_t r = qs_turn_run_graph (t, &s_graph, &s_state, &c, err);
    if (r == QS_RUN_INTERRUPTED && c.head.action) {
        qs_turn_set (&t->out.change, json_object_get (change));
        qs_dlg_pending_t *pd = &t->dlg.pending;
        qs_dialogue_pending_clear (&t->dlg);
        qs_strlcpy (pd->action_id, qs_json_str (c.head.action, "id", ""), sizeof pd->action_id);
        qs_strlcpy (pd->action_type, c.action_type, sizeof pd->action_type);
        qs_strlcpy (pd->service_id, service_id, sizeof pd->service_id);
        if (delete) {
            qs_strlcpy (pd->service_name, name, sizeof pd->service_name);
            qs_strlcpy (t->out.awaiting, "confirm_name", sizeof t->out.awaiting);
        }
        t->text = qs_strdupf ("%s for **%s**: %s\n\n**%s**. Nothing changes until you "
                              "confirm: %s\n", label, name, qs_json_str (rec, "description", ""), summary,
                              delete ? "reply with the service's name to delete it, or **no** to keep it."
                                     : "reply **yes** to apply it or **no** to cancel.");
    }
    s_clear (&c);
    qs_flow_head_clear (&c.head);
    rc = r == QS_RUN_FAILED ? -1 : 0;
cleanup:
    json_object_put (service);
    json_object_put (pricing);
    return rc;
}

static int
s_run (qs_turn_t *t, qs_err_t *err)
{
    qs_strlcpy (t->workflow, "manage", sizeof t->workflow);
    int index = t->route.list_index;
    if (index < 0 || strcmp (t->dlg.list_kind, "recommendations") || index >= t->dlg.nlist) {
        t->text = strdup ("I can carry out a recommendation from a cost review: ask me *\"how can I "
                          "reduce my costs?\"*, then say which one to apply (\"apply the first one\").\n");
        return 0;
    }
    const qs_dlg_item_t *item = &t->dlg.list[index];
    json_object *rec = s_current (t, item, err);
    if (!rec) {
        if (err->status)
            return -1;
        t->text = qs_strdupf ("Recommendation #%d (%s for %s) no longer applies: the service or its use "
                              "changed. Ask me to review the costs again.\n", index + 1, item->type, item->service_name);
        return 0;
    }
    char label[32];
    snprintf (label, sizeof label, "Recommendation #%d", index + 1);
    int rc = qs_manage_propose (t, rec, label, err);
    json_object_put (rec);
    return rc;
}

static void
s_decided (qs_turn_t *t, json_object *action, void *state, const char *decision)
{
    change_t *c = state;
    t->text = qs_answer_action (action, c->head.error, NULL, decision);
    qs_turn_set (&t->out.change, json_object_get (c->change));
    json_object *svc = c->service;
    if (svc) {
        qs_turn_mention (t, svc);
        char *more = qs_strdupf ("%s\n**%s** now: tier %s, %lld replica(s), HA %s, backups %s, $%.2f/month.\n",
                                 t->text ? t->text : "", qs_json_str (svc, "name", "?"), qs_json_str (svc, "tier", "?"),
                                 (long long) qs_json_int (svc, "replicas", 0),
                                 qs_json_bool (svc, "high_availability", false) ? "on" : "off",
                                 qs_json_bool (svc, "backup_enabled", false) ? "on" : "off",
                                 qs_json_double (svc, "monthly_cost", 0));
        free (t->text);
        t->text = more;
    }
}

const qs_flow_t qs_flow_manage = {
    .intent = "manage_service", .workflow = "manage", .run = s_run,
    .graph = s_graph_def, .state = &s_state, .decided = s_decided,
};
