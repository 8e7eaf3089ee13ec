/*  qs_turn - see qs_turn.h */
#include "qs_turn.h"
#include "qs_notifier.h"
#include "qs_ops.h"
#include "qs_answer.h"
#include "qs_reply.h"
#include "qs_wf_events.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include "qs_flows.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HISTORY_TURNS     10

/* ---- the turn's life ----------------------------------------------------- */

static void
s_init (qs_turn_t *t, qs_wf_t *wf, qs_req_t *req)
{
    memset (t, 0, sizeof *t);
    qs_wf_run_init (&t->run, wf, req, NULL);
    qs_dialogue_init (&t->dlg);
    qs_config_init (&t->said);
    qs_dialogue_op_read (&t->op, NULL);
    t->actions = json_object_new_array ();
    t->ref.index = -1;
    qs_strlcpy (t->intent, "general_question", sizeof t->intent);
}

static void
s_free (qs_turn_t *t)
{
    json_object **wire[] = {&t->out.config, &t->out.estimate, &t->out.validation, &t->out.revision,
                            &t->out.diagnosis, &t->out.data_gaps, &t->out.optimization,
                            &t->out.change, &t->out.services, &t->out.candidates, &t->out.sources, &t->out.steps_ms,
                            &t->history, &t->extraction, &t->services, &t->actions};
    for (size_t i = 0; i < sizeof wire / sizeof wire[0]; i++)
        qs_turn_set (wire[i], NULL);
    qs_ref_clear (&t->ref);
    free (t->text);
    free (t->user_text);
}

/*  The conversation's dialogue state, once; a pending action decided
    elsewhere (the confirm endpoint, another replica) is no longer pending. */
static void
s_dialogue_load (qs_turn_t *t)
{
    const qs_auth_t *auth = t->run.pctx.auth;
    qs_store_t *store = qs_wf_store (t->run.wf);
    qs_err_t err = {0};
    if (t->dlg_loaded || !*t->conv_id)
        return;
    t->dlg_loaded = true;
    if (t->conv_new)
        return;                         /* nothing stored yet: the empty state, version 0 */
    if (qs_dialogue_load (store, auth->org_id, auth->sub, t->conv_id, &t->dlg, &t->dlg_version, &err) != 0)
        qs_warn (qs_req_id (t->run.req), "dialogue state unreadable: %s", err.message);
    qs_dialogue_sync_pending (store, auth->org_id, auth->sub, t->conv_id, &t->dlg);
}

static json_object *
s_message (const char *role, const char *content)
{
    json_object *msg = json_object_new_object ();
    qs_json_add_str (msg, "role", role);
    qs_json_add_str (msg, "content", content);
    return msg;
}

/*  The turn's one write: the user's message (when not stored yet), the
    reply and the dialogue state together (qs_store_turn_save). A 409 means
    another turn of this conversation saved meanwhile: this turn is the
    newer one, so it saves over it. */
static int
s_save (qs_turn_t *t, json_object *reply, bool with_state, qs_err_t *err)
{
    const qs_auth_t *auth = t->run.pctx.auth;
    qs_store_t *store = qs_wf_store (t->run.wf);
    json_object *user = t->user_text ? s_message ("user", t->user_text) : NULL;
    json_object *state = with_state && t->dlg_loaded ? qs_dialogue_to_json (&t->dlg) : NULL;
    int rc = qs_store_turn_save (store, auth->org_id, auth->sub, t->conv_id, t->conv_new, user, reply,
                                 state, t->dlg_version, err);
    if (rc != 0 && err->status == 409 && state) {
        json_object *now = NULL;
        qs_err_clear (err);
        if (qs_store_dialogue_get (store, auth->org_id, auth->sub, t->conv_id, &now, &t->dlg_version, err) == 0)
            rc = qs_store_turn_save (store, auth->org_id, auth->sub, t->conv_id, false, user, reply,
                                     state, t->dlg_version, err);
        json_object_put (now);
    }
    if (rc == 0 && state)
        t->dlg_version++;
    if (rc == 0) {
        free (t->user_text);
        t->user_text = NULL;
        t->conv_new = false;
    }
    json_object_put (user);
    json_object_put (state);
    return rc;
}

/*  Cancel a pending action that a newer plan (the pending one now) replaced,
    so it can never run; the audit log says "superseded" by the new one. */
static void
s_supersede (qs_turn_t *t, const char *old_id)
{
    const qs_auth_t *auth = t->run.pctx.auth;
    qs_err_t err = {0};
    json_object *done = qs_store_action_supersede (qs_wf_store (t->run.wf), auth->org_id, auth->sub,
                                                   old_id, t->dlg.pending.action_id, &err);
    if (done) {
        qs_events_action (t->run.req, QS_EVENT_ACTION_CANCELLED, done);     /* issue 11 */
        qs_strlcpy (t->superseded, old_id, sizeof t->superseded);
    }
    json_object_put (done);
}

/*  Resume the run behind a pending action with the user's decision
    ("confirm" or "cancel"); the flow writes the answer. */
static int
s_decide (qs_turn_t *t, const char *action_id, const char *decision, const char *confirm_name, qs_err_t *err)
{
    const qs_auth_t *auth = t->run.pctx.auth;
    qs_store_t *store = qs_wf_store (t->run.wf);
    int rc = -1;
    json_object *cp = NULL, *done = NULL;
    void *st = NULL;
    const qs_flow_t *flow = NULL;
    json_object *action = qs_store_action_get (store, auth->org_id, auth->sub, action_id, err);
    if (!action)
        return -1;                       /* 404: not this user's, whoever asks */
    if (!qs_auth_can_execute (auth)) {
        qs_err_set (err, 403, "forbidden", "your role (viewer) cannot %s actions", decision);
        goto cleanup;
    }
    if (strcmp (qs_json_str (action, "status", ""), "pending_confirmation") != 0) {
        qs_err_set (err, 409, "conflict", "this action is already %s", qs_json_str (action, "status", "done"));
        goto cleanup;
    }
    const char *type = qs_json_str (action, "type", "");
    const char *name = qs_json_str (qs_json_get (action, "config", json_type_object), "name", "");
    if (!strcmp (decision, "confirm") && !strcmp (type, "delete_service") && strcmp (confirm_name ? confirm_name : "", name)) {
        qs_err_set (err, 422, "confirmation_mismatch", "type the service's name (%s) to delete it", name);
        goto cleanup;
    }
    qs_strlcpy (t->conv_id, qs_json_str (action, "conversation_id", ""), sizeof t->conv_id);
    t->run.conversation_id = t->conv_id;
    s_dialogue_load (t);
    cp = qs_store_checkpoint_get (store, auth->org_id, auth->sub, qs_json_str (action, "run_id", ""), err);
    json_object *state = qs_json_get (cp, "state", json_type_object);
    json_object *run = qs_json_get (state, "_run", json_type_object);
    flow = qs_flow_for_workflow (qs_json_str (run, "graph", ""));
    if (!state || !flow) {
        qs_err_set (err, 409, "conflict", "this action can no longer be resumed");
        goto cleanup;
    }
    /* the flow's typed state, as the checkpoint left it */
    if (!(st = calloc (1, flow->state->size)))
        goto cleanup;
    qs_flow_head_t *head = st;
    qs_flow_head_load (head, state);
    flow->state->load (st, state);
    qs_strlcpy (t->intent, *head->intent ? head->intent : flow->intent, sizeof t->intent);
    if (!strcmp (decision, "cancel")) {
        /* claim first: a cancel must never race an execution */
        done = qs_store_action_transition (store, auth->org_id, auth->sub, action_id, "cancelled", NULL, err);
        if (!done)
            goto cleanup;
        qs_events_action (t->run.req, QS_EVENT_ACTION_CANCELLED, done);    /* issue 11 */
    }
    qs_strlcpy (head->decision, decision, sizeof head->decision);
    qs_strlcpy (t->run.run_id, qs_json_str (run, "id", ""), sizeof t->run.run_id);
    t->run.flow = st;
    t->run.flow_type = flow->state;
    qs_graph_hooks_t hooks = qs_wf_hooks (&t->run);
    int64_t t0 = qs_mono_ms ();
    const qs_graph_def_t *graph = flow->graph ();
    qs_run_rc_t r = qs_graph_resume (graph, state, &t->run, &hooks, err);
    t->run.flow = NULL;
    qs_turn_time (t, graph->name, t0);
    qs_strlcpy (t->workflow, graph->name, sizeof t->workflow);
    if (!done) {
        if (r == QS_RUN_FAILED && !*head->error)
            qs_strlcpy (head->error, err->message, sizeof head->error);
        int failed = *head->error != '\0';
        json_object *result = json_object_new_object ();
        if (*head->service_id)
            qs_json_add_str (result, "service_id", head->service_id);
        if (failed)
            qs_json_add_str (result, "error", head->error);
        qs_err_t terr = {0};
        done = qs_store_action_transition (store, auth->org_id, auth->sub, action_id,
                                           failed ? "failed" : "executed", result, &terr);
        json_object_put (result);
        qs_wf_services_changed (t->run.wf);  /* the next turn must see the change */
        if (!done) {                      /* another confirm won the race */
            *err = terr;
            goto cleanup;
        }
        qs_events_action (t->run.req, failed ? QS_EVENT_ACTION_FAILED : QS_EVENT_ACTION_EXECUTED, done); /* issue 11 */
        qs_notifier_action (qs_wf_notifier (t->run.wf), auth->org_id, done);    /* the org's webhook */
    }
    if (!strcmp (t->dlg.pending.action_id, action_id))
        qs_dialogue_pending_clear (&t->dlg);
    json_object_array_add (t->actions, qs_turn_public_action (done));
    flow->decided (t, action, st, decision);                    /* its events (service.provisioned) first */
    qs_events_recommendations_changed (t->run.req, done);       /* issue 11: no-op unless costs changed */
    qs_err_clear (err);
    rc = 0;
cleanup:
    if (st) {
        flow->state->clear (st);
        qs_flow_head_clear (st);
        free (st);
    }
    json_object_put (done);
    json_object_put (cp);
    json_object_put (action);
    return rc;
}

/* ---- the reply ----------------------------------------------------------- */

/*  Save the turn (s_save); reply with the ChatResponse. */
static int
s_finish (qs_turn_t *t, int64_t t0)
{
    if (!t->text)
        t->text = strdup ("Sorry, I could not put an answer together.");
    const char *engine = qs_reply_write (t);
    qs_turn_time (t, "total", t0);
    json_object *meta = qs_reply_metadata (t, engine);
    json_object *msg = s_message ("assistant", t->text), *stored = json_object_get (meta);
    qs_json_add_str (stored, "intent", t->intent);
    json_object_object_add (stored, "actions", json_object_get (t->actions));
    json_object_object_add (msg, "metadata", stored);
    qs_err_t err = {0};
    int saved = s_save (t, msg, true, &err);
    json_object_object_del (stored, "actions");
    json_object_object_del (stored, "intent");
    json_object_put (msg);
    if (saved != 0) {
        json_object_put (meta);
        return qs_req_fail_err (t->run.req, &err);
    }
    json_object *resp = json_object_new_object ();
    qs_json_add_str (resp, "conversation_id", t->conv_id);
    qs_json_add_str (resp, "message", t->text);
    qs_json_add_str (resp, "intent", t->intent);
    json_object_object_add (resp, "actions", json_object_get (t->actions));
    json_object_object_add (resp, "metadata", meta);
    qs_info (qs_req_id (t->run.req), "chat conversation=%s intent=%s workflow=%s followup=%s ms=%lld",
             t->conv_id, t->intent, *t->workflow ? t->workflow : "answer",
             *t->route.followup ? t->route.followup : "-", (long long) (qs_mono_ms () - t0));
    return qs_req_reply (t->run.req, &resp);
}

/* ---- one chat turn ------------------------------------------------------- */

/*  Whether the message names one of the org's services itself (not "it"),
    and whether it names or points at one at all ("the database", "it"). */
static void
s_refers (qs_turn_t *t, bool *names, bool *refers)
{
    *names = *refers = false;
    if (!t->services)
        return;
    qs_resolve_in_t in = {.message = t->message,
                          .extract_ref = qs_json_get (t->extraction, "service_ref", json_type_object)};
    qs_ref_t ref;
    int hit = qs_resolve (t->services, &in, &ref);
    *names = hit && (!strcmp (ref.match, "name") || !strcmp (ref.match, "fuzzy"));
    *refers = ref.named;
    qs_ref_clear (&ref);
}

static int
s_run_flow (qs_turn_t *t, const char *intent, qs_err_t *err)
{
    const qs_flow_t *flow = qs_flow_for_intent (intent);
    qs_strlcpy (t->intent, flow->intent, sizeof t->intent);
    int rc = t->route.kind == QS_ROUTE_EDIT && flow->revise ? flow->revise (t, err) : flow->run (t, err);
    if (rc == 0 && strcmp (flow->intent, "general_question"))
        qs_strlcpy (t->dlg.last_kind, flow->intent, sizeof t->dlg.last_kind);
    return rc;
}

static void
s_emit_intent (qs_turn_t *t, json_object *cls)
{
    json_object *ev = json_object_new_object ();
    qs_json_add_str (ev, "intent", t->route.intent);
    qs_json_add_double (ev, "confidence", t->confidence);
    if (*t->route.followup)
        qs_json_add_str (ev, "followup", t->route.followup);
    json_object_object_add (ev, "alternatives", json_object_get (qs_json_get (cls, "alternatives", json_type_array)));
    qs_wf_emit (&t->run, "intent", &ev);
}

static int
s_dispatch (qs_turn_t *t, qs_err_t *err)
{
    s_dialogue_load (t);
    json_object *cls = NULL;
    qs_turn_understand (t, &cls, err);
    if (!cls)
        return -1;
    qs_strlcpy (t->intent, qs_json_str (cls, "intent", "general_question"), sizeof t->intent);
    t->confidence = qs_json_double (cls, "confidence", 0);
    qs_strlcpy (t->intent_engine, qs_json_str (cls, "engine", "local"), sizeof t->intent_engine);
    qs_route_in_t in = {
        .message = t->message, .intent = t->intent, .confidence = t->confidence,
        .followup = qs_json_str (cls, "followup", NULL),
        .confirmation = qs_json_str (t->extraction, "confirmation", "none"),
        .config = &t->said,
    };
    s_refers (t, &in.names_service, &in.refers_service);
    char old_pending[64];
    qs_strlcpy (old_pending, t->dlg.pending.action_id, sizeof old_pending);
    qs_route_decide (&t->dlg, &in, &t->route);
    if (strcmp (t->route.followup, "why"))
        t->dlg.refusal[0] = '\0';          /* a refusal is asked about right after, or not at all */
    s_emit_intent (t, cls);
    json_object_put (cls);
    int rc;
    if (t->route.kind == QS_ROUTE_ANSWER && strcmp (t->route.intent, "provision_service")) {
        /* "which one?" answered: continue the question with the chosen service */
        qs_resolve_in_t rin = {.message = t->message, .dlg = &t->dlg, .among_candidates = true,
                               .extract_ref = qs_json_get (t->extraction, "service_ref", json_type_object)};
        json_object *services = qs_turn_services (t, err);
        if (services && qs_resolve (services, &rin, &t->ref) == 1) {
            t->ref_done = true;
            if (*t->dlg.clarify.op.op)
                t->op = t->dlg.clarify.op;      /* "scale it" asked which: the answer scales */
        }
        else {
            qs_ref_clear (&t->ref);
            qs_dialogue_clarify_clear (&t->dlg);
            qs_route_decide (&t->dlg, &in, &t->route);      /* not an answer: read it afresh */
        }
    }
    switch (t->route.kind) {
    case QS_ROUTE_CONFIRM:
    case QS_ROUTE_CANCEL: {
        bool confirm = t->route.kind == QS_ROUTE_CONFIRM;
        qs_strlcpy (t->intent, t->route.intent, sizeof t->intent);
        if (confirm && !strcmp (t->dlg.pending.action_type, "delete_service")
            && strcmp (t->message, t->dlg.pending.service_name)) {
            t->text = qs_strdupf ("To delete **%s**, reply with its name exactly (*%s*); anything else "
                                  "leaves it running.", t->dlg.pending.service_name, t->dlg.pending.service_name);
            qs_strlcpy (t->workflow, "manage", sizeof t->workflow);
            qs_strlcpy (t->out.awaiting, "confirm_name", sizeof t->out.awaiting);
            return 0;
        }
        char id[64];
        qs_strlcpy (id, t->dlg.pending.action_id, sizeof id);
        return s_decide (t, id, confirm ? "confirm" : "cancel", t->message, err);
    }
    case QS_ROUTE_PLAN:
        return qs_turn_plan_info (t, err);
    case QS_ROUTE_ANSWER:
        if (strcmp (t->route.intent, "provision_service"))
            qs_dialogue_clarify_clear (&t->dlg);
        /* the provision flow takes the settings the question kept */
        __attribute__ ((fallthrough));
    default:
        rc = s_run_flow (t, t->route.intent, err);
    }
    /* a newer plan replaces the one that was waiting: it can never run now */
    if (rc == 0 && *old_pending && strcmp (old_pending, t->dlg.pending.action_id)
        && *t->dlg.pending.action_id && strcmp (t->superseded, old_pending))
        s_supersede (t, old_pending);
    return rc;
}

/*  The caller's conversation conv_id (404 when not theirs), or a new id
    when NULL or "". The user's message (text) and a new conversation are
    stored at the end of the turn with the answer: one write per turn. 0 or
    -1. */
static int
s_open (qs_turn_t *t, const char *conv_id, const char *text, qs_err_t *err)
{
    const qs_auth_t *auth = t->run.pctx.auth;
    if (conv_id && *conv_id) {
        json_object *conv = qs_store_conversation_get (qs_wf_store (t->run.wf), auth->org_id, auth->sub,
                                                       conv_id, err);
        if (!conv)
            return -1;
        qs_strlcpy (t->conv_id, qs_json_str (conv, "id", ""), sizeof t->conv_id);
        json_object_put (conv);
    }
    else {
        char id[QS_ID_LEN + 1];
        if (qs_id_new (id) != 0)
            return qs_err_set (err, 500, "internal_error", "no randomness for an id");
        qs_strlcpy (t->conv_id, id, sizeof t->conv_id);
        t->conv_new = true;
    }
    if (!(t->user_text = strdup (text)))
        return qs_err_set (err, 500, "internal_error", "out of memory");
    t->run.conversation_id = t->conv_id;
    return 0;
}

int
qs_turn_chat_op (qs_req_t *req, void *arg)
{
    qs_turn_t t;
    int64_t t0 = qs_mono_ms ();
    s_init (&t, arg, req);
    const qs_auth_t *auth = qs_req_auth (req);
    qs_store_t *store = qs_wf_store (t.run.wf);
    json_object *body = qs_req_body (req);
    qs_err_t err = {0};
    int rc = -1;
    t.message = qs_json_str (body, "message", NULL);
    const char *conv_id = qs_json_str (body, "conversation_id", NULL);
    long chars = t.message ? qs_utf8_length (t.message, strlen (t.message)) : -1;
    if (!t.message || chars < 1 || chars > QS_CHAT_MESSAGE_MAX) {
        rc = qs_req_fail (req, 400, "bad_request", "message must be 1 to %d characters of valid UTF-8", QS_CHAT_MESSAGE_MAX);
        goto cleanup;
    }
    if (s_open (&t, conv_id, t.message, &err) != 0) {
        rc = qs_req_fail_err (req, &err);
        goto cleanup;
    }
    if (!t.conv_new)
        t.history = qs_store_message_recent (store, auth->org_id, auth->sub, t.conv_id, HISTORY_TURNS, &err);
    if (!t.history)
        t.history = json_object_new_array ();
    if (t.user_text)                    /* not stored yet: the history ends with it all the same */
        json_object_array_add (t.history, s_message ("user", t.user_text));
    qs_err_clear (&err);
    if (s_dispatch (&t, &err) != 0) {
        /* keep the conversation whole: the user sees why in the history too */
        free (t.text);
        t.text = qs_strdupf ("I couldn't complete that: %s", err.message[0] ? err.message : "an internal error");
        json_object *msg = s_message ("assistant", t.text);
        qs_err_t ignored = {0};
        s_save (&t, msg, false, &ignored);
        json_object_put (msg);
        rc = qs_req_fail_err (req, &err);
        goto cleanup;
    }
    rc = s_finish (&t, t0);
cleanup:
    s_free (&t);
    return rc;
}

static int
s_action_op (qs_req_t *req, void *arg, const char *decision)
{
    qs_turn_t t;
    int64_t t0 = qs_mono_ms ();
    s_init (&t, arg, req);
    t.confidence = 1.0;                 /* an explicit decision, not a reading */
    qs_err_t err = {0};
    int rc;
    json_object *body = qs_req_body (req);
    const char *id = qs_json_str (body, "action_id", NULL);
    if (!id || !*id)
        rc = qs_req_fail (req, 400, "bad_request", "action_id is required");
    else if (s_decide (&t, id, decision, qs_json_str (body, "confirm_name", NULL), &err) != 0)
        rc = qs_req_fail_err (req, &err);
    else
        rc = s_finish (&t, t0);
    s_free (&t);
    return rc;
}

int
qs_turn_confirm_op (qs_req_t *req, void *arg)
{
    return s_action_op (req, arg, "confirm");
}

int
qs_turn_cancel_op (qs_req_t *req, void *arg)
{
    return s_action_op (req, arg, "cancel");
}

/*  Apply a recommendation by its id (contract section 9): propose its change
    in the caller's conversation (or a new one) as the pending plan, so the
    confirm endpoint or "yes" in chat carries it out. */
int
qs_turn_apply_op (qs_req_t *req, void *arg)
{
    qs_turn_t t;
    int64_t t0 = qs_mono_ms ();
    s_init (&t, arg, req);
    t.confidence = 1.0;                 /* an explicit request, not a reading */
    qs_strlcpy (t.intent, "manage_service", sizeof t.intent);
    json_object *body = qs_req_body (req), *reco = NULL, *rec = NULL;
    const char *id = qs_json_str (body, "id", "");
    qs_err_t err = {0};
    int rc = -1;
    bool replied = false;
    if (qs_optimize_recommendations (&t.run, &reco, &err) != 0)
        goto cleanup;
    json_object *recs = qs_json_get (reco, "recommendations", json_type_array);
    for (size_t i = 0; recs && i < json_object_array_length (recs) && !rec; i++)
        if (!strcmp (qs_json_str (json_object_array_get_idx (recs, i), "id", ""), id))
            rec = json_object_array_get_idx (recs, i);
    if (!rec) {
        qs_err_set (&err, 404, "not_found", "no recommendation %.64s in your organization (an id changes "
                    "when its service or the service's use does: list them again)", id);
        goto cleanup;
    }
    char text[256];
    snprintf (text, sizeof text, "Apply recommendation %s (%s for %s)", id, qs_json_str (rec, "type", ""),
              qs_json_str (rec, "service_name", ""));
    if (s_open (&t, qs_json_str (body, "conversation_id", NULL), text, &err) != 0)
        goto cleanup;
    s_dialogue_load (&t);
    char old_pending[64];
    qs_strlcpy (old_pending, t.dlg.pending.action_id, sizeof old_pending);
    if (qs_manage_propose (&t, rec, "This recommendation", &err) != 0)
        goto cleanup;
    qs_strlcpy (t.dlg.last_kind, "manage_service", sizeof t.dlg.last_kind);
    if (*old_pending && strcmp (old_pending, t.dlg.pending.action_id) && *t.dlg.pending.action_id)
        s_supersede (&t, old_pending);      /* the newer plan replaces the one that was waiting */
    rc = s_finish (&t, t0);
    replied = true;
cleanup:
    if (!replied)
        rc = qs_req_fail_err (req, &err);
    json_object_put (reco);
    s_free (&t);
    return rc;
}
