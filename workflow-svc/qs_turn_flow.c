/*  qs_turn_flow - what the turn lends the flows (qs_turn.h): timings, the
    wire objects of the reply, the org's services and which one a message
    means, clarifying questions, revisions and running a flow's graph. The
    turn's own life (dialogue, decisions, the ops) is qs_turn.c. */
#include "qs_turn.h"
#include "qs_answer.h"
#include "qs_wf_events.h"
#include "qs_json.h"
#include "qs_util.h"
#include "qs_flows.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
qs_turn_time (qs_turn_t *t, const char *what, int64_t since)
{
    if (t->ntimings < QS_TURN_TIMINGS) {
        qs_strlcpy (t->timings[t->ntimings].what, what, sizeof t->timings[0].what);
        t->timings[t->ntimings++].ms = qs_mono_ms () - since;
    }
}

void
qs_turn_set (json_object **member, json_object *value)
{
    json_object_put (*member);
    *member = value;
}

json_object *
qs_turn_public_action (json_object *a)
{
    json_object *out = json_object_new_object ();
    static const char *keys[] = {"id", "type", "status", "summary", "config", "estimate",
                                 "service_id", "change", NULL};
    json_object *config = qs_json_get (a, "config", json_type_object);
    for (int i = 0; keys[i]; i++) {
        json_object *v;
        /* a change to a service keeps service_id and change in its config */
        if (json_object_object_get_ex (a, keys[i], &v) || (i >= 6 && json_object_object_get_ex (config, keys[i], &v)))
            json_object_object_add (out, keys[i], json_object_get (v));
    }
    return out;
}

void
qs_turn_mention (qs_turn_t *t, json_object *service)
{
    if (!service)
        return;
    if (!t->out.services)
        t->out.services = json_object_new_array ();
    json_object_array_add (t->out.services, json_object_get (service));
    qs_dialogue_subject_push (&t->dlg, service);
}

int
qs_turn_call (qs_turn_t *t, const char *service, const char *op, json_object *body,
              json_object **reply_p, qs_err_t *err)
{
    int64_t t0 = qs_mono_ms ();
    int rc = qs_wf_call (&t->run, service, op, body, reply_p, err);
    qs_turn_time (t, op, t0);
    return rc;
}

/*  The members of the org's services the intent service reads
    (proto/intent.md): a full Service list was a quarter of its time to parse. */
static json_object *
s_services_brief (json_object *services)
{
    static const char *const keys[] = {"id", "name", "service_type", "tier", "environment"};
    json_object *out = json_object_new_array_ext ((int) json_object_array_length (services));
    for (size_t i = 0; i < json_object_array_length (services); i++) {
        json_object *s = json_object_array_get_idx (services, i), *b = json_object_new_object (), *v;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (json_object_object_get_ex (s, keys[k], &v) && json_object_is_type (v, json_type_string))
                json_object_object_add (b, keys[k], json_object_get (v));
        json_object_array_add (out, b);
    }
    return out;
}

/*  classify and extract with the dialogue summary (DIALOGUE-SPEC), in one
    round trip ("understand"); an intent worker older than that op answers
    404 and gets the two calls. */
void
qs_turn_understand (qs_turn_t *t, json_object **cls_p, qs_err_t *err)
{
    json_object *summary = qs_dialogue_summary (&t->dlg);
    json_object *body = json_object_new_object (), *turns = json_object_new_array (), *reply = NULL;
    size_t n = json_object_array_length (t->history);
    for (size_t i = n > 7 ? n - 7 : 0; i + 1 < n; i++) {
        json_object *m = json_object_array_get_idx (t->history, i), *turn = json_object_new_object ();
        qs_json_add_str (turn, "role", qs_json_str (m, "role", "user"));
        qs_json_add_str (turn, "content", qs_json_str (m, "content", ""));
        json_object_array_add (turns, turn);
    }
    qs_json_add_str (body, "message", t->message);
    json_object_object_add (body, "history", turns);
    /* the subject as the old "context", the org's services for names */
    json_object_object_add (body, "context", json_object_get (qs_json_get (summary, "subject", json_type_array)));
    json_object_object_add (body, "dialogue", summary);
    qs_err_t ignored = {0};
    json_object *services = qs_turn_services (t, &ignored);
    if (services)
        json_object_object_add (body, "services", s_services_brief (services));
    if (qs_turn_call (t, "intent", "understand", body, &reply, err) == 0) {
        *cls_p = json_object_get (qs_json_get (reply, "classification", json_type_object));
        t->extraction = json_object_get (qs_json_get (reply, "extraction", json_type_object));
        json_object_put (reply);
    }
    else if (err->status == 404) {
        qs_err_clear (err);
        qs_turn_call (t, "intent", "classify", body, cls_p, err);
        qs_turn_call (t, "intent", "extract", body, &t->extraction, &ignored);
    }
    if (t->extraction) {
        qs_config_read (&t->said, qs_json_get (t->extraction, "config", json_type_object));
        if (qs_json_get (t->extraction, "memory_mb", json_type_int) && !*t->said.tier)
            t->said.memory_mb = (int) qs_json_int (t->extraction, "memory_mb", 0);
        qs_dialogue_op_read (&t->op, qs_json_get (t->extraction, "operation", json_type_object));
    }
    json_object_put (body);
}

json_object *
qs_turn_services (qs_turn_t *t, qs_err_t *err)
{
    if (!t->services) {
        int64_t t0 = qs_mono_ms ();
        if (qs_wf_services (&t->run, &t->services, err) != 0)
            return NULL;
        qs_turn_time (t, "services", t0);
    }
    return t->services;
}

int
qs_turn_resolve (qs_turn_t *t, qs_err_t *err)
{
    if (t->ref_done)
        return t->ref.service ? 1 : 0;
    json_object *services = qs_turn_services (t, err);
    if (!services)
        return -1;
    qs_resolve_in_t in = {
        .message = t->message,
        .extract_ref = qs_json_get (t->extraction, "service_ref", json_type_object),
        .type = *t->said.service_type ? t->said.service_type : NULL,
        .dlg = &t->dlg,
    };
    t->ref_done = true;
    int rc = qs_resolve (services, &in, &t->ref);
    if (rc && !t->ref.named && !strcmp (t->route.followup, "what_about")) {
        /* "what about X?" names X: an unknown X is never the subject */
        qs_ref_clear (&t->ref);
        t->ref.candidates = json_object_get (services);
        rc = 0;
    }
    return rc;
}

void
qs_turn_ask_which (qs_turn_t *t, json_object *candidates, const char *what)
{
    free (t->text);
    t->text = qs_answer_which (candidates, what);
    qs_dialogue_clarify_clear (&t->dlg);
    size_t n = candidates ? json_object_array_length (candidates) : 0;
    if (n < 2)
        return;                         /* nothing to choose from: no open question */
    qs_strlcpy (t->dlg.clarify.asked, "service", sizeof t->dlg.clarify.asked);
    qs_strlcpy (t->dlg.clarify.intent, t->intent, sizeof t->dlg.clarify.intent);
    t->dlg.clarify.op = t->op;
    for (size_t i = 0; i < n && t->dlg.clarify.ncandidates < QS_DLG_CANDIDATES; i++) {
        json_object *s = json_object_array_get_idx (candidates, i);
        qs_dlg_service_t *c = &t->dlg.clarify.candidates[t->dlg.clarify.ncandidates++];
        qs_strlcpy (c->id, qs_json_str (s, "id", ""), sizeof c->id);
        qs_strlcpy (c->name, qs_json_str (s, "name", ""), sizeof c->name);
        qs_strlcpy (c->service_type, qs_json_str (s, "service_type", ""), sizeof c->service_type);
    }
    qs_strlcpy (t->out.awaiting, "service", sizeof t->out.awaiting);
    /* none of them is used yet: they are the choice, not metadata.services */
    qs_turn_set (&t->out.candidates, json_object_get (candidates));
}

bool
qs_turn_revised (qs_turn_t *t, const qs_dlg_pending_t *old)
{
    if (!strcmp (t->dlg.pending.action_id, old->action_id))
        return false;
    json_object *rev = json_object_new_object ();
    qs_json_add_str (rev, "supersedes", old->action_id);
    json_object_object_add (rev, "changes", qs_config_changes (&old->config, &t->dlg.pending.config));
    qs_turn_set (&t->out.revision, rev);
    return true;
}

qs_run_rc_t
qs_turn_run_graph (qs_turn_t *t, const qs_graph_def_t *g, const qs_flow_state_t *type, void *flow,
                   qs_err_t *err)
{
    json_object *checkpoint = json_object_new_object ();
    qs_id_new (t->run.run_id);
    t->run.flow = flow;
    t->run.flow_type = type;
    qs_graph_hooks_t hooks = qs_wf_hooks (&t->run);
    int64_t t0 = qs_mono_ms ();
    qs_run_rc_t rc = qs_graph_run (g, t->run.run_id, checkpoint, &t->run, &hooks, err);
    qs_turn_time (t, g->name, t0);
    t->run.flow = NULL;
    qs_strlcpy (t->workflow, g->name, sizeof t->workflow);
    qs_turn_set (&t->out.steps_ms, json_object_get (qs_json_path (checkpoint, "_run.timings_ms")));
    json_object_put (checkpoint);
    json_object *action = ((qs_flow_head_t *) flow)->action;
    if (action && rc == QS_RUN_INTERRUPTED) {
        json_object_array_add (t->actions, qs_turn_public_action (action));
        qs_events_action (t->run.req, QS_EVENT_ACTION_PENDING, action);     /* issue 11 */
    }
    return rc;
}

int
qs_turn_plan_info (qs_turn_t *t, qs_err_t *err)
{
    const qs_auth_t *auth = t->run.pctx.auth;
    bool provision = !strcmp (t->route.intent, "provision_service");
    qs_strlcpy (t->intent, t->route.intent, sizeof t->intent);
    qs_strlcpy (t->workflow, provision ? "provision" : "manage", sizeof t->workflow);
    json_object *a = qs_store_action_get (qs_wf_store (t->run.wf), auth->org_id, auth->sub,
                                          t->dlg.pending.action_id, err);
    if (!a)
        return -1;
    /* the summary carries the monthly price (and an update's before and after) */
    char price[96] = "";
    json_object *estimate = qs_json_get (a, "estimate", json_type_object);
    if (estimate)
        snprintf (price, sizeof price, " By the hour that is $%.4f.", qs_json_double (estimate, "hourly_cost", 0));
    t->text = qs_strdupf ("The plan waiting for your confirmation: **%s**.%s\n\nNothing changes until you "
                          "confirm: reply **yes** to go ahead, **no** to cancel, or say what to change.\n",
                          qs_json_str (a, "summary", "?"), price);
    json_object_array_add (t->actions, qs_turn_public_action (a));
    json_object_put (a);
    return t->text ? 0 : -1;
}
