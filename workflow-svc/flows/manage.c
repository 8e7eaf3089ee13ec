/*  manage - changes to a running service (contract section 9):

      propose [interrupt] -> decide -> execute -> report

    Direct operations from chat ("scale billing-db to 3 replicas", "upgrade
    it", "turn off HA on X", "enable backups", "restart X", "delete X"), a
    recommendation in dialogue ("apply the first one") and the revisions of
    a pending change ("make it 4 replicas instead", "and turn on HA too").
    The checks run before anything is asked (qs_manage_plan: role, plan
    quotas, replicas 1..9, nothing to change); a refusal is explained and
    leaves no pending action. The change is an update_service, a
    delete_service (confirmed by the name typed back) or a restart_pod
    action with service_id and change; executing calls the platform once
    (qs_manage_execute, shared with the diagnosis's fixes) and reports the
    service as read again. */
#include "qs_flows.h"
#include "qs_manage.h"
#include "qs_answer.h"
#include "qs_json.h"
#include "qs_util.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the flow's state -------------------------------------------------- */

typedef struct {
    qs_flow_head_t head;
    qs_change_t c;
    bool executed;
    json_object *service;       /* read again after the change */
} manage_t;

static void
s_load (void *state, json_object *cp)
{
    manage_t *m = state;
    qs_change_clear (&m->c);
    qs_strlcpy (m->c.type, qs_json_str (cp, "action_type", ""), sizeof m->c.type);
    qs_strlcpy (m->c.service_id, qs_json_str (cp, "service_id", ""), sizeof m->c.service_id);
    qs_strlcpy (m->c.service_name, qs_json_str (cp, "service_name", ""), sizeof m->c.service_name);
    qs_strlcpy (m->c.pod, qs_json_str (cp, "pod", ""), sizeof m->c.pod);
    qs_strlcpy (m->c.summary, qs_json_str (cp, "summary", ""), sizeof m->c.summary);
    m->c.change = json_object_get (qs_json_get (cp, "change", json_type_object));
    m->service = json_object_get (qs_json_get (cp, "service", json_type_object));
    m->executed = qs_json_bool (cp, "executed", false);
}

static void
s_save (const void *state, json_object *cp)
{
    const manage_t *m = state;
    qs_json_add_str (cp, "action_type", m->c.type);
    qs_json_add_str (cp, "service_id", m->c.service_id);
    qs_json_add_str (cp, "service_name", m->c.service_name);
    qs_json_add_str (cp, "pod", m->c.pod);
    qs_json_add_str (cp, "summary", m->c.summary);
    qs_json_add_bool (cp, "executed", m->executed);
    if (m->c.change)
        json_object_object_add (cp, "change", json_object_get (m->c.change));
    if (m->service)
        json_object_object_add (cp, "service", json_object_get (m->service));
}

static void
s_clear (void *state)
{
    manage_t *m = state;
    qs_change_clear (&m->c);
    json_object_put (m->service);
    m->service = NULL;
}

static const qs_flow_state_t s_state = {sizeof (manage_t), s_load, s_save, s_clear};

/* ---- the graph ------------------------------------------------------------ */

static qs_node_rc_t
s_propose (json_object *state, void *arg, qs_err_t *err)
{
    (void) state;
    qs_wf_run_t *run = arg;
    manage_t *m = run->flow;
    return m->head.action ? QS_NODE_INTERRUPT : qs_manage_propose_change (run, &m->c, "manage", err);
}

static qs_node_rc_t
s_execute (json_object *state, void *arg, qs_err_t *err)
{
    (void) state;
    qs_wf_run_t *run = arg;
    manage_t *m = run->flow;
    if (m->executed || *m->head.error)
        return QS_NODE_OK;                      /* recorded outcome: never twice */
    /* a refusal or failure is the action's outcome, reported, never retried */
    if (qs_manage_execute (run, m->head.action, m->head.idempotency_key, &m->service, err) != 0) {
        qs_strlcpy (m->head.error, err->message, sizeof m->head.error);
        qs_err_clear (err);
        return QS_NODE_OK;
    }
    m->executed = true;
    qs_strlcpy (m->head.service_id, m->c.service_id, sizeof m->head.service_id);
    return QS_NODE_OK;
}

static const qs_node_def_t s_nodes[] = {
    {.name = "propose", .fn = s_propose, .resume = "decide", .max_attempts = 2},
    {.name = "decide",  .fn = qs_wf_node_noop,    .route = qs_wf_route_decision},
    {.name = "execute", .fn = s_execute, .next = "report", .max_attempts = 1},
    {.name = "report",  .fn = qs_wf_node_noop},
};
static const qs_graph_def_t s_graph = {"manage", "propose", s_nodes, sizeof s_nodes / sizeof s_nodes[0]};

static const qs_graph_def_t *
s_graph_def (void)
{
    return &s_graph;
}

/* ---- the turn's side ------------------------------------------------------ */

/*  Propose c (taken: its change moves into the flow) for the turn: the
    pending action, metadata.change, the dialogue's pending plan and the
    answer (intro, may be "", then the plan). */
static int
s_offer (qs_turn_t *t, qs_change_t *c, const char *intro, qs_err_t *err)
{
    manage_t m;
    memset (&m, 0, sizeof m);
    qs_strlcpy (m.head.intent, "manage_service", sizeof m.head.intent);
    m.c = *c;
    c->change = NULL;
    qs_run_rc_t r = qs_turn_run_graph (t, &s_graph, &s_state, &m, err);
    if (r == QS_RUN_INTERRUPTED && m.head.action) {
        bool delete = !strcmp (m.c.type, "delete_service");
        qs_turn_set (&t->out.change, json_object_get (m.c.change));
        qs_dlg_pending_t *pd = &t->dlg.pending;
        qs_dialogue_pending_clear (&t->dlg);
        qs_strlcpy (pd->action_id, qs_json_str (m.head.action, "id", ""), sizeof pd->action_id);
        qs_strlcpy (pd->action_type, m.c.type, sizeof pd->action_type);
        qs_strlcpy (pd->service_id, m.c.service_id, sizeof pd->service_id);
        pd->config = m.c.after;
        if (delete) {
            qs_strlcpy (pd->service_name, m.c.service_name, sizeof pd->service_name);
            qs_strlcpy (t->out.awaiting, "confirm_name", sizeof t->out.awaiting);
        }
        free (t->text);
        t->text = qs_strdupf ("%s**%s**. Nothing changes until you confirm: %s\n", intro, m.c.summary,
                              delete ? "reply with the service's name to delete it, or **no** to keep it."
                                     : "reply **yes** to go ahead or **no** to cancel.");
    }
    s_clear (&m);
    qs_flow_head_clear (&m.head);
    return r == QS_RUN_FAILED ? -1 : 0;
}

/*  Plan op on the service service_id with base (the fields a recommendation
    or the pending change sets, may be NULL) and offer it, or explain why
    not (no pending action). Reads the service as it is now, the pricing,
    the quotas for an update and the pods for a restart. */
static int
s_plan (qs_turn_t *t, const char *service_id, const qs_dlg_op_t *op, const qs_config_t *base,
        const char *intro, qs_err_t *err)
{
    qs_platform_t *p = qs_wf_platform (t->run.wf);
    json_object *svc = NULL, *pricing = NULL, *quotas = NULL, *pods = NULL;
    qs_change_t c;
    memset (&c, 0, sizeof c);
    char why[600];
    int rc = -1, refused;
    bool restart = !strcmp (op->op, "restart");
    if (qs_platform_get_service (p, &t->run.pctx, service_id, &svc, err) != 0
        || qs_platform_pricing (p, &t->run.pctx, &pricing, err) != 0
        || (!restart && strcmp (op->op, "delete") && qs_platform_quotas (p, &t->run.pctx, &quotas, err) != 0))
        goto cleanup;
    qs_turn_mention (t, svc);
    if (restart) {
        json_object *body = json_object_new_object ();
        qs_err_t kerr = {0};
        qs_json_add_str (body, "service_id", service_id);
        if (qs_turn_call (t, "k8s", "pods", body, &pods, &kerr) != 0) {
            snprintf (why, sizeof why, "I could not read the pods of **%s**, so I cannot tell which one to "
                      "restart: %s", qs_json_str (svc, "name", service_id), kerr.message);
            refused = 1;
        }
        else
            refused = qs_manage_plan_restart (svc, pods, t->message, t->run.pctx.auth, pricing, &c, why, sizeof why);
        json_object_put (body);
    }
    else
        refused = qs_manage_plan (op, base, svc, t->run.pctx.auth, quotas, pricing, &c, why, sizeof why);
    if (refused) {
        qs_strlcpy (t->dlg.refusal, why, sizeof t->dlg.refusal);
        free (t->text);
        t->text = qs_strdupf ("%s%s\n", intro, why);
        rc = 0;
    }
    else
        rc = s_offer (t, &c, intro, err);
cleanup:
    qs_change_clear (&c);
    json_object_put (svc);
    json_object_put (pricing);
    json_object_put (quotas);
    json_object_put (pods);
    return rc;
}

/*  The settings the message states that a change can make (tier, replicas,
    HA, backups) over base. */
static void
s_said_fields (const qs_turn_t *t, qs_config_t *base)
{
    if (*t->said.tier)
        qs_strlcpy (base->tier, t->said.tier, sizeof base->tier);
    if (t->said.replicas)
        base->replicas = t->said.replicas;
    if (t->said.ha >= 0)
        base->ha = t->said.ha;
    if (t->said.backups >= 0)
        base->backups = t->said.backups;
}

int
qs_manage_propose (qs_turn_t *t, json_object *rec, const char *label, qs_err_t *err)
{
    qs_strlcpy (t->workflow, "manage", sizeof t->workflow);
    qs_dlg_op_t op;
    qs_dialogue_op_read (&op, NULL);
    qs_config_t base;
    qs_config_init (&base);
    if (!strcmp (qs_json_str (rec, "type", ""), "delete_idle"))
        qs_strlcpy (op.op, "delete", sizeof op.op);
    else
        qs_config_read (&base, qs_json_get (rec, "change", json_type_object));
    char *intro = qs_strdupf ("%s for **%s**: %s\n\n", label, qs_json_str (rec, "service_name", "?"),
                              qs_json_str (rec, "description", ""));
    int rc = s_plan (t, qs_json_str (rec, "service_id", ""), &op, &base, intro, err);
    free (intro);
    return rc;
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

static int
s_run_recommendation (qs_turn_t *t, qs_err_t *err)
{
    int index = t->route.list_index;
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

/*  The one number a message states ("actually make it 2"), or -1. */
static int
s_bare_number (const char *message)
{
    int found = -1, count = 0;
    for (const char *p = message; p && *p;) {
        if (isdigit ((unsigned char) *p)) {
            found = atoi (p);
            count++;
            while (isdigit ((unsigned char) *p))
                p++;
        }
        else
            p++;
    }
    return count == 1 ? found : -1;
}

static int s_revise (qs_turn_t *t, qs_err_t *err);

static int
s_run (qs_turn_t *t, qs_err_t *err)
{
    qs_strlcpy (t->workflow, "manage", sizeof t->workflow);
    int index = t->route.list_index;
    if (index >= 0 && !strcmp (t->dlg.list_kind, "recommendations") && index < t->dlg.nlist)
        return s_run_recommendation (t, err);
    qs_config_t base;
    qs_config_init (&base);
    if (!strcmp (t->route.followup, "undo")) {
        /* the way back is a change like any other: planned, priced, confirmed */
        qs_dlg_done_t done = t->dlg.last_done;
        qs_dlg_op_t none;
        qs_dialogue_op_read (&none, NULL);
        char *intro = qs_strdupf ("To undo the last change to **%s**: ", done.service_name);
        int rc = intro ? s_plan (t, done.service_id, &none, &done.before, intro, err) : -1;
        free (intro);
        return rc;
    }
    s_said_fields (t, &base);
    const qs_dlg_pending_t *pd = &t->dlg.pending;
    int n = s_bare_number (t->message);
    if (!*t->op.op && !qs_config_any (&base) && !strcmp (pd->action_type, "update_service")
        && pd->config.replicas && n > 0) {
        t->said.replicas = n;           /* "actually make it 2" while replicas change: that count */
        return s_revise (t, err);
    }
    qs_dlg_op_t op = t->op;
    const qs_dlg_change_t *last = &t->dlg.last_change;
    if (!*op.op && !qs_config_any (&base) && !strcmp (t->route.followup, "what_about")
        && (*last->op.op || qs_config_any (&last->fields))) {
        op = last->op;                  /* "what about acme-sessions?": the same change there */
        base = last->fields;
    }
    if (!*op.op && !qs_config_any (&base)) {
        t->text = strdup ("I can change a running service: scale its replicas (*\"scale billing-db to 3 "
                          "replicas\"*), change its tier (*\"upgrade it to large\"*), turn high availability "
                          "or backups on or off, restart its failing pod or delete it. I can also carry out "
                          "a recommendation from a cost review (*\"apply the first one\"*).\n");
        return 0;
    }
    int found = qs_turn_resolve (t, err);
    if (found < 0)
        return -1;
    if (!found) {
        if (!t->ref.candidates || !json_object_array_length (t->ref.candidates))
            t->text = strdup ("You have no services to change yet.\n");
        else
            qs_turn_ask_which (t, t->ref.candidates, *op.op ? op.op : "change");
        return 0;
    }
    t->dlg.last_change.op = op;
    t->dlg.last_change.fields = base;
    return s_plan (t, qs_json_str (t->ref.service, "id", ""), &op, &base, "", err);
}

/*  "make it 4 replicas instead", "and turn on HA too": the pending change
    with the message's fields on top, as a new action (the turn cancels the
    old one). */
static int
s_revise (qs_turn_t *t, qs_err_t *err)
{
    qs_dlg_pending_t old = t->dlg.pending;
    if (strcmp (old.action_type, "update_service"))
        return s_run (t, err);
    qs_strlcpy (t->workflow, "manage", sizeof t->workflow);
    qs_config_t base = old.config;
    s_said_fields (t, &base);
    if (s_plan (t, old.service_id, &t->op, &base, "Revised: ", err) != 0)
        return -1;
    if (!qs_turn_revised (t, &old)) {
        char *more = qs_strdupf ("%s\nThe change that was waiting still is: reply **yes** to make it as it was, "
                                 "or change something else.\n", t->text ? t->text : "");
        free (t->text);
        t->text = more;
    }
    return 0;
}

static void
s_decided (qs_turn_t *t, json_object *action, void *state, const char *decision)
{
    manage_t *m = state;
    t->text = qs_answer_action (action, m->head.error, NULL, decision);
    if (m->executed && !strcmp (m->c.type, "update_service")) {
        qs_dlg_done_t *done = &t->dlg.last_done;           /* what "undo that" takes back */
        qs_strlcpy (done->service_id, m->c.service_id, sizeof done->service_id);
        qs_strlcpy (done->service_name, qs_json_str (m->service, "name", m->c.service_name), sizeof done->service_name);
        qs_config_init (&done->before);
        qs_config_read (&done->before, qs_json_get (m->c.change, "before", json_type_object));
    }
    qs_turn_set (&t->out.change, json_object_get (m->c.change));
    json_object *svc = m->service;
    char *more = NULL;
    if (svc) {
        qs_turn_mention (t, svc);
        more = qs_strdupf ("%s\n**%s** now: %s, tier %s, %lld replica(s), HA %s, backups %s, $%.2f/month.\n",
                           t->text ? t->text : "", qs_json_str (svc, "name", "?"), qs_json_str (svc, "status", "?"),
                           qs_json_str (svc, "tier", "?"), (long long) qs_json_int (svc, "replicas", 0),
                           qs_json_bool (svc, "high_availability", false) ? "on" : "off",
                           qs_json_bool (svc, "backup_enabled", false) ? "on" : "off",
                           qs_json_double (svc, "monthly_cost", 0));
    }
    else if (m->executed && !strcmp (m->c.type, "delete_service"))
        more = qs_strdupf ("%s\n**%s** is gone: it no longer appears among your services.\n",
                           t->text ? t->text : "", m->c.service_name);
    if (more) {
        free (t->text);
        t->text = more;
    }
}

const qs_flow_t qs_flow_manage = {
    .intent = "manage_service", .workflow = "manage", .run = s_run,
    .graph = s_graph_def, .state = &s_state, .revise = s_revise, .decided = s_decided,
};
