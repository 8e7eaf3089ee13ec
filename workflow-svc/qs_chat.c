/*  qs_chat - see qs_chat.h. One chat turn: conversation -> user message ->
    (pending action answered yes/no?) -> classify -> workflow -> answer ->
    assistant message -> ChatResponse. */
#include "qs_chat.h"
#include "qs_turn.h"
#include "qs_answer.h"
#include "qs_answer_llm.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_ops.h"
#include "qs_provision.h"
#include "qs_wf_events.h"
#include "qs_resolve.h"
#include "qs_util.h"
#include "qs_wf.h"
#include "qs_wf_flows.h"
#include <stdlib.h>
#include <string.h>

#define HISTORY_TURNS     10





/*  Stream the answer as token partials (line by line keeps Markdown whole). */
static void
s_stream_text (qs_turn_t *t)
{
    const char *p = t->text;
    while (p && *p) {
        const char *nl = strchr (p, '\n');
        size_t len = nl ? (size_t) (nl - p) + 1 : strlen (p);
        json_object *d = json_object_new_object ();
        json_object_object_add (d, "text", json_object_new_string_len (p, (int) len));
        qs_wf_emit (&t->run, "token", &d);
        p += len;
    }
}

/*  The LLM's deltas go out as "token" partials as they arrive; a caller
    that went away stops the generation. */
static int
s_on_token (const char *text, size_t len, void *arg)
{
    qs_turn_t *t = arg;
    json_object *d = json_object_new_object ();
    json_object_object_add (d, "text", json_object_new_string_len (text, (int) len));
    qs_wf_emit (&t->run, "token", &d);
    return t->run.req && qs_req_cancelled (t->run.req) ? 1 : 0;
}

/*  Stream the answer: the LLM's words when one is configured and it starts
    answering (engine "llm"), else the template (engine "local"). See
    qs_answer_llm.h for plans and for a stream cut short. */
static void
s_write_answer (qs_turn_t *t)
{
    qs_llm_t *llm = qs_wf_llm (t->run.wf);
    if (llm && t->run.req) {
        qs_answer_input_t in = {t->intent, t->message, t->history, t->meta, t->actions, t->text};
        qs_answer_llm_call_t call = {qs_req_remaining_ms (t->run.req), qs_req_id (t->run.req), NULL,
                                     s_on_token, t};
        qs_err_t err = {0};
        char *text = qs_answer_llm_write (llm, &in, &call, &err);
        if (err.status)
            qs_json_add_str (t->meta, "llm_error", err.code);
        if (text) {
            free (t->text);
            t->text = text;
            qs_json_add_str (t->meta, "engine", "llm");
            return;
        }
    }
    s_stream_text (t);
    qs_json_add_str (t->meta, "engine", "local");
}










/* ---- confirming and cancelling ------------------------------------------ */

static const qs_graph_def_t *
s_graph_named (const char *name)
{
    if (!strcmp (name, "provision"))
        return qs_provision_graph ();
    if (!strcmp (name, "diagnose"))
        return qs_diagnose_graph ();
    return NULL;
}

/*  Resume the run behind a pending action with the user's decision
    ("confirm" or "cancel"). Fills t->text, t->actions, t->meta. */
static int
s_decide (qs_turn_t *t, const char *action_id, const char *decision, qs_err_t *err)
{
    const qs_auth_t *auth = t->run.pctx.auth;
    qs_store_t *store = qs_wf_store (t->run.wf);
    int rc = -1;
    json_object *cp = NULL, *done = NULL;
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
    qs_strlcpy (t->conv_id, qs_json_str (action, "conversation_id", ""), sizeof t->conv_id);
    t->run.conversation_id = t->conv_id;
    cp = qs_store_checkpoint_get (store, auth->org_id, auth->sub, qs_json_str (action, "run_id", ""), err);
    json_object *state = qs_json_get (cp, "state", json_type_object);
    const qs_graph_def_t *graph = s_graph_named (qs_json_str (qs_json_get (state, "_run", json_type_object), "graph", ""));
    if (!state || !graph) {
        qs_err_set (err, 409, "conflict", "this action can no longer be resumed");
        goto cleanup;
    }
    qs_strlcpy (t->intent, qs_json_str (state, "intent", "general_question"), sizeof t->intent);
    if (!strcmp (decision, "cancel")) {
        /* claim first: a cancel must never race an execution */
        done = qs_store_action_transition (store, auth->org_id, auth->sub, action_id, "cancelled", NULL, err);
        if (!done)
            goto cleanup;
        qs_events_action (t->run.req, QS_EVENT_ACTION_CANCELLED, done);    /* issue 11 */
    }
    qs_json_add_str (state, "decision", decision);
    qs_graph_hooks_t hooks = qs_wf_hooks (&t->run);
    int64_t t0 = qs_mono_ms ();
    qs_run_rc_t r = qs_graph_resume (graph, state, &t->run, &hooks, err);
    qs_turn_time (t, graph->name, t0);
    qs_json_add_str (t->meta, "workflow", graph->name);
    if (!done) {
        int failed = r == QS_RUN_FAILED || qs_json_str (state, "error", NULL);
        json_object *result = json_object_new_object ();
        json_object *svc = qs_json_get (state, "service", json_type_object);
        if (svc && !strcmp (graph->name, "provision"))
            qs_json_add_str (result, "service_id", qs_json_str (svc, "id", ""));
        if (failed)
            qs_json_add_str (result, "error", qs_json_str (state, "error", err->message));
        qs_err_t terr = {0};
        done = qs_store_action_transition (store, auth->org_id, auth->sub, action_id,
                                           failed ? "failed" : "executed", result, &terr);
        json_object_put (result);
        if (!done) {                      /* another confirm won the race */
            *err = terr;
            goto cleanup;
        }
        qs_events_action (t->run.req, failed ? QS_EVENT_ACTION_FAILED : QS_EVENT_ACTION_EXECUTED, done); /* issue 11 */
        if (!failed && svc && !strcmp (graph->name, "provision")) qs_events_service (t->run.req, QS_EVENT_SERVICE_PROVISIONED, svc); /* issue 11 */
        qs_events_recommendations_changed (t->run.req, done);    /* issue 11: no-op unless costs changed */
        if (r == QS_RUN_FAILED && !qs_json_str (state, "error", NULL))
            qs_json_add_str (state, "error", err->message);
    }
    t->text = qs_answer_action (action, state, decision);
    json_object_array_add (t->actions, qs_turn_public_action (done));
    if (qs_json_get (state, "service", json_type_object))
        qs_turn_mention (t, qs_json_get (state, "service", json_type_object));
    if (qs_json_str (state, "verification", NULL))
        qs_json_add_str (t->meta, "verification", qs_json_str (state, "verification", ""));
    qs_err_clear (err);
    rc = 0;
cleanup:
    json_object_put (done);
    json_object_put (cp);
    json_object_put (action);
    return rc;
}

/* ---- the turn ----------------------------------------------------------- */



/*  Save the assistant message and reply with the ChatResponse. */
static int
s_finish (qs_turn_t *t, int64_t t0)
{
    const qs_auth_t *auth = t->run.pctx.auth;
    if (!t->text)
        t->text = strdup ("Sorry, I could not put an answer together.");
    s_write_answer (t);
    /* sources: the cited pages as {id,title}, deduplicated */
    json_object *full = qs_json_get (t->meta, "sources_full", json_type_array);
    json_object *sources = json_object_new_array ();
    for (size_t i = 0; full && i < json_object_array_length (full); i++) {
        json_object *r = json_object_array_get_idx (full, i), *s = json_object_new_object ();
        qs_json_add_str (s, "id", qs_json_str (r, "id", ""));
        qs_json_add_str (s, "title", qs_json_str (r, "title", ""));
        json_object_array_add (sources, s);
    }
    json_object_object_del (t->meta, "sources_full");
    json_object_object_add (t->meta, "sources", sources);
    qs_turn_time (t, "total", t0);
    json_object_object_add (t->meta, "timings_ms", json_object_get (t->timings));
    json_object *msg = json_object_new_object ();
    qs_json_add_str (msg, "role", "assistant");
    qs_json_add_str (msg, "content", t->text);
    json_object *stored_meta = json_object_get (t->meta);
    qs_json_add_str (stored_meta, "intent", t->intent);
    json_object_object_add (stored_meta, "actions", json_object_get (t->actions));
    json_object_object_add (msg, "metadata", stored_meta);
    qs_err_t err = {0};
    json_object *saved = qs_store_message_append (qs_wf_store (t->run.wf), auth->org_id, auth->sub,
                                                  t->conv_id, msg, &err);
    json_object_object_del (stored_meta, "actions");
    json_object_object_del (stored_meta, "intent");
    json_object_put (msg);
    if (!saved)
        return qs_req_fail_err (t->run.req, &err);
    json_object_put (saved);
    json_object *resp = json_object_new_object ();
    qs_json_add_str (resp, "conversation_id", t->conv_id);
    qs_json_add_str (resp, "message", t->text);
    qs_json_add_str (resp, "intent", t->intent);
    json_object_object_add (resp, "actions", json_object_get (t->actions));
    json_object_object_add (resp, "metadata", json_object_get (t->meta));
    qs_info (qs_req_id (t->run.req), "chat conversation=%s intent=%s workflow=%s ms=%lld", t->conv_id,
             t->intent, qs_json_str (t->meta, "workflow", "-"), (long long) (qs_mono_ms () - t0));
    return qs_req_reply (t->run.req, &resp);
}

/*  The newest pending action of the conversation, or NULL (new object). */
static json_object *
s_pending (qs_turn_t *t)
{
    const qs_auth_t *auth = t->run.pctx.auth;
    qs_err_t err = {0};
    json_object *list = qs_store_action_pending (qs_wf_store (t->run.wf), auth->org_id, auth->sub, t->conv_id, &err);
    size_t n = list ? json_object_array_length (list) : 0;
    json_object *last = n ? json_object_get (json_object_array_get_idx (list, n - 1)) : NULL;
    json_object_put (list);
    return last;
}

/*  The previous assistant message's metadata (lent from history) or NULL. */
static json_object *
s_last_assistant_meta (qs_turn_t *t)
{
    for (size_t k = json_object_array_length (t->history); k-- > 0;) {
        json_object *m = json_object_array_get_idx (t->history, k);
        if (!strcmp (qs_json_str (m, "role", ""), "assistant"))
            return qs_json_get (m, "metadata", json_type_object);
    }
    return NULL;
}

static int
s_dispatch (qs_turn_t *t, qs_err_t *err)
{
    /* a yes/no answers the pending action of this conversation */
    json_object *pending = s_pending (t);
    if (pending) {
        qs_err_t ignored = {0};
        json_object *ext = qs_turn_extract (t, &ignored);
        const char *c = qs_json_str (ext, "confirmation", "none");
        int rc = 1;
        if (!strcmp (c, "yes") || !strcmp (c, "no"))
            rc = s_decide (t, qs_json_str (pending, "id", ""), !strcmp (c, "yes") ? "confirm" : "cancel", err);
        json_object_put (ext);
        json_object_put (pending);
        if (rc <= 0)
            return rc;
    }
    /* classify with the last turns so short follow-ups keep their topic */
    json_object *body = json_object_new_object (), *cls = NULL, *turns = json_object_new_array ();
    size_t n = json_object_array_length (t->history);
    for (size_t i = n > 7 ? n - 7 : 0; i + 1 < n; i++) {
        json_object *m = json_object_array_get_idx (t->history, i), *turn = json_object_new_object ();
        qs_json_add_str (turn, "role", qs_json_str (m, "role", "user"));
        qs_json_add_str (turn, "content", qs_json_str (m, "content", ""));
        json_object_array_add (turns, turn);
    }
    qs_json_add_str (body, "message", t->message);
    json_object_object_add (body, "history", turns);
    int rc = qs_turn_call (t, "intent", "classify", body, &cls, err);
    json_object_put (body);
    if (rc != 0)
        return -1;
    qs_strlcpy (t->intent, qs_json_str (cls, "intent", "general_question"), sizeof t->intent);
    double confidence = qs_json_double (cls, "confidence", 0);
    qs_json_add_double (t->meta, "confidence", confidence);
    qs_json_add_str (t->meta, "intent_engine", qs_json_str (cls, "engine", "local"));
    json_object *ev = json_object_new_object ();
    qs_json_add_str (ev, "intent", t->intent);
    qs_json_add_double (ev, "confidence", confidence);
    json_object_object_add (ev, "alternatives", json_object_get (qs_json_get (cls, "alternatives", json_type_array)));
    qs_wf_emit (&t->run, "intent", &ev);
    json_object_put (cls);

    /* the previous turn asked for a service type: this answer continues it */
    json_object *last = s_last_assistant_meta (t);
    if (last && !strcmp (qs_json_str (last, "awaiting", ""), "service_type")
        && (!strcmp (t->intent, "provision_service") || confidence < 0.8
            || !strcmp (t->intent, "general_question"))) {
        qs_strlcpy (t->intent, "provision_service", sizeof t->intent);
        return qs_turn_provision (t, qs_json_get (last, "config", json_type_object), err);
    }
    if (!strcmp (t->intent, "provision_service"))
        return qs_turn_provision (t, NULL, err);
    if (!strcmp (t->intent, "get_service_info"))
        return qs_turn_info (t, 0, err);
    if (!strcmp (t->intent, "get_connection_info"))
        return qs_turn_info (t, 1, err);
    if (!strcmp (t->intent, "troubleshoot"))
        return qs_turn_diagnose (t, err);
    if (!strcmp (t->intent, "optimize_costs"))
        return qs_turn_optimize (t, err);
    return qs_turn_general (t, err);
}

int
qs_chat_op (qs_req_t *req, void *arg)
{
    qs_turn_t t;
    int64_t t0 = qs_mono_ms ();
    qs_turn_init (&t, arg, req);
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
    json_object *user_msg = json_object_new_object ();
    qs_json_add_str (user_msg, "role", "user");
    qs_json_add_str (user_msg, "content", t.message);
    json_object *conv = NULL, *saved = NULL;
    if (conv_id && *conv_id) {
        conv = qs_store_conversation_get (store, auth->org_id, auth->sub, conv_id, &err);
        if (conv)
            saved = qs_store_message_append (store, auth->org_id, auth->sub, conv_id, user_msg, &err);
    }
    else
        conv = qs_store_conversation_create (store, auth->org_id, auth->sub, user_msg, &err);
    json_object_put (user_msg);
    json_object_put (saved);
    if (!conv || (conv_id && *conv_id && err.status)) {
        json_object_put (conv);
        rc = qs_req_fail_err (req, &err);
        goto cleanup;
    }
    qs_strlcpy (t.conv_id, qs_json_str (conv, "id", ""), sizeof t.conv_id);
    json_object_put (conv);
    t.run.conversation_id = t.conv_id;
    t.history = qs_store_message_recent (store, auth->org_id, auth->sub, t.conv_id, HISTORY_TURNS, &err);
    if (!t.history)
        t.history = json_object_new_array ();
    t.context = qs_resolve_context (t.history);
    qs_err_clear (&err);
    if (s_dispatch (&t, &err) != 0) {
        /* keep the conversation whole: the user sees why in the history too */
        free (t.text);
        t.text = qs_strdupf ("I couldn't complete that: %s", err.message[0] ? err.message : "an internal error");
        json_object *msg = json_object_new_object ();
        qs_json_add_str (msg, "role", "assistant");
        qs_json_add_str (msg, "content", t.text);
        qs_err_t ignored = {0};
        json_object_put (qs_store_message_append (store, auth->org_id, auth->sub, t.conv_id, msg, &ignored));
        json_object_put (msg);
        rc = qs_req_fail_err (req, &err);
        goto cleanup;
    }
    rc = s_finish (&t, t0);
cleanup:
    qs_turn_free (&t);
    return rc;
}

static int
s_action_op (qs_req_t *req, void *arg, const char *decision)
{
    qs_turn_t t;
    int64_t t0 = qs_mono_ms ();
    qs_turn_init (&t, arg, req);
    qs_err_t err = {0};
    int rc;
    const char *id = qs_json_str (qs_req_body (req), "action_id", NULL);
    if (!id || !*id)
        rc = qs_req_fail (req, 400, "bad_request", "action_id is required");
    else if (s_decide (&t, id, decision, &err) != 0)
        rc = qs_req_fail_err (req, &err);
    else
        rc = s_finish (&t, t0);
    qs_turn_free (&t);
    return rc;
}

int
qs_chat_confirm_op (qs_req_t *req, void *arg)
{
    return s_action_op (req, arg, "confirm");
}

int
qs_chat_cancel_op (qs_req_t *req, void *arg)
{
    return s_action_op (req, arg, "cancel");
}

int
qs_chat_recommendations_op (qs_req_t *req, void *arg)
{
    qs_wf_run_t run;
    qs_wf_run_init (&run, arg, req, NULL);
    json_object *reco = NULL;
    qs_err_t err = {0};
    if (qs_wf_recommendations (&run, &reco, &err) != 0)
        return qs_req_fail_err (req, &err);
    return qs_req_reply (req, &reco);
}
