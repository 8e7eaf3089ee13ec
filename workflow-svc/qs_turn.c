/*  qs_turn - see qs_turn.h */
#include "qs_turn.h"
#include "qs_answer.h"
#include "qs_wf_events.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_provision.h"
#include "qs_resolve.h"
#include "qs_util.h"
#include "qs_wf_flows.h"
#include <stdlib.h>
#include <string.h>

void
qs_turn_time (qs_turn_t *t, const char *what, int64_t since)
{
    qs_json_add_int (t->timings, what, qs_mono_ms () - since);
}

/*  The contract's Action: only its public fields. */
json_object *
qs_turn_public_action (json_object *a)
{
    json_object *out = json_object_new_object ();
    static const char *keys[] = {"id", "type", "status", "summary", "config", "estimate", NULL};
    for (int i = 0; keys[i]; i++) {
        json_object *v;
        if (json_object_object_get_ex (a, keys[i], &v))
            json_object_object_add (out, keys[i], json_object_get (v));
    }
    return out;
}

/*  Services a turn talked about, for follow-ups ("its connection string"). */
void
qs_turn_mention (qs_turn_t *t, json_object *service)
{
    if (!service)
        return;
    json_object *list = qs_json_get (t->meta, "services", json_type_array);
    if (!list) {
        list = json_object_new_array ();
        json_object_object_add (t->meta, "services", list);
    }
    json_object_array_add (list, json_object_get (service));
}

int
qs_turn_call (qs_turn_t *t, const char *service, const char *op, json_object *body, json_object **reply_p,
        qs_err_t *err)
{
    int64_t t0 = qs_mono_ms ();
    int rc = qs_wf_call (&t->run, service, op, body, reply_p, err);
    qs_turn_time (t, op, t0);
    return rc;
}

/*  intent.extract for this message with the conversation's services. */
json_object *
qs_turn_extract (qs_turn_t *t, qs_err_t *err)
{
    json_object *body = json_object_new_object (), *reply = NULL;
    qs_json_add_str (body, "message", t->message);
    json_object_object_add (body, "context", json_object_get (t->context));
    qs_turn_call (t, "intent", "extract", body, &reply, err);
    json_object_put (body);
    return reply;
}

qs_run_rc_t
qs_turn_run_graph (qs_turn_t *t, const qs_graph_def_t *g, json_object *state, qs_err_t *err)
{
    char run_id[QS_ID_LEN + 1];
    qs_id_new (run_id);
    qs_graph_hooks_t hooks = qs_wf_hooks (&t->run);
    int64_t t0 = qs_mono_ms ();
    qs_run_rc_t rc = qs_graph_run (g, run_id, state, &t->run, &hooks, err);
    qs_turn_time (t, g->name, t0);
    qs_json_add_str (t->meta, "workflow", g->name);
    json_object *steps = qs_json_path (state, "_run.timings_ms");
    if (steps)
        json_object_object_add (t->meta, "steps_ms", json_object_get (steps));
    json_object *action = qs_json_get (state, "action", json_type_object);
    if (action && rc == QS_RUN_INTERRUPTED)
        json_object_array_add (t->actions, qs_turn_public_action (action));
    if (action && rc == QS_RUN_INTERRUPTED) qs_events_action (t->run.req, QS_EVENT_ACTION_PENDING, action); /* issue 11 */
    return rc;
}

int
qs_turn_provision (qs_turn_t *t, json_object *prior, qs_err_t *err)
{
    json_object *state = json_object_new_object ();
    qs_json_add_str (state, "message", t->message);
    qs_json_add_str (state, "intent", "provision_service");
    json_object_object_add (state, "context", json_object_get (t->context));
    if (prior)
        json_object_object_add (state, "prior_config", json_object_get (prior));
    qs_run_rc_t rc = qs_turn_run_graph (t, qs_provision_graph (), state, err);
    if (rc != QS_RUN_FAILED) {
        t->text = qs_answer_provision (state);
        static const char *keys[] = {"config", "estimate", "validation", NULL};
        for (int i = 0; keys[i]; i++) {
            json_object *v = qs_json_get (state, keys[i], json_type_object);
            if (v)
                json_object_object_add (t->meta, keys[i], json_object_get (v));
        }
        if (json_object_array_length (qs_json_get (state, "missing", json_type_array)))
            qs_json_add_str (t->meta, "awaiting", "service_type");
    }
    json_object_put (state);
    return rc == QS_RUN_FAILED ? -1 : 0;
}

int
qs_turn_info (qs_turn_t *t, int connection, qs_err_t *err)
{
    json_object *services = NULL, *candidates = NULL;
    if (qs_platform_list_services (qs_wf_platform (t->run.wf), &t->run.pctx, &services, err) != 0)
        return -1;
    qs_err_t ignored = {0};
    json_object *ext = qs_turn_extract (t, &ignored);
    const char *type = qs_json_str (qs_json_get (ext, "config", json_type_object), "service_type", NULL);
    json_object *hit = qs_resolve_service (services, t->message, qs_json_get (ext, "service_ref", json_type_object),
                                           type, t->context, &candidates);
    qs_json_add_str (t->meta, "workflow", connection ? "connection_info" : "service_info");
    if (hit) {
        t->text = connection ? qs_answer_connection (hit) : qs_answer_service (hit);
        qs_turn_mention (t, hit);
    }
    else if (connection) {
        t->text = qs_answer_which (candidates, "connect to");
    }
    else {
        /* no single service named: the overview answers "what do I have?" */
        json_object *shown = candidates && type ? candidates : services;
        t->text = qs_answer_services (shown);
        for (size_t i = 0; i < json_object_array_length (shown); i++)
            qs_turn_mention (t, json_object_array_get_idx (shown, i));
    }
    json_object_put (candidates);
    json_object_put (ext);
    json_object_put (services);
    return 0;
}

int
qs_turn_diagnose (qs_turn_t *t, qs_err_t *err)
{
    qs_err_t ignored = {0};
    json_object *ext = qs_turn_extract (t, &ignored);
    json_object *state = json_object_new_object ();
    qs_json_add_str (state, "message", t->message);
    qs_json_add_str (state, "intent", "troubleshoot");
    json_object_object_add (state, "context", json_object_get (t->context));
    json_object *ref = qs_json_get (ext, "service_ref", json_type_object);
    if (ref)
        json_object_object_add (state, "ref", json_object_get (ref));
    const char *type = qs_json_str (qs_json_get (ext, "config", json_type_object), "service_type", NULL);
    if (type)
        qs_json_add_str (state, "type", type);
    json_object_put (ext);
    qs_run_rc_t rc = qs_turn_run_graph (t, qs_diagnose_graph (), state, err);
    if (rc != QS_RUN_FAILED) {
        json_object *service = qs_json_get (state, "service", json_type_object);
        if (!service)
            t->text = qs_answer_which (qs_json_get (state, "candidates", json_type_array), "diagnose");
        else {
            json_object *d = qs_json_get (state, "diagnosis", json_type_object);
            json_object *sources = qs_json_get (state, "sources", json_type_array);
            t->text = qs_answer_diagnosis (service, d, qs_json_get (state, "history", json_type_array), sources);
            json_object *pub = json_object_new_object ();
            static const char *keys[] = {"service_id", "findings", "recommendations", NULL};
            for (int i = 0; keys[i]; i++)
                json_object_object_add (pub, keys[i], json_object_get (qs_json_path (d, keys[i])));
            json_object_object_add (t->meta, "diagnosis", pub);
            json_object_object_add (t->meta, "data_gaps", json_object_get (qs_json_path (d, "data_gaps")));
            if (sources)
                json_object_object_add (t->meta, "sources_full", json_object_get (sources));
            qs_turn_mention (t, service);
        }
    }
    json_object_put (state);
    return rc == QS_RUN_FAILED ? -1 : 0;
}

int
qs_turn_optimize (qs_turn_t *t, qs_err_t *err)
{
    json_object *state = json_object_new_object ();
    qs_json_add_str (state, "intent", "optimize_costs");
    qs_run_rc_t rc = qs_turn_run_graph (t, qs_optimize_graph (), state, err);
    if (rc != QS_RUN_FAILED) {
        json_object *reco = qs_json_get (state, "optimization", json_type_object);
        t->text = qs_answer_optimize (reco);
        json_object_object_add (t->meta, "optimization", json_object_get (reco));
    }
    json_object_put (state);
    return rc == QS_RUN_FAILED ? -1 : 0;
}

int
qs_turn_general (qs_turn_t *t, qs_err_t *err)
{
    (void) err;
    json_object *body = json_object_new_object (), *reply = NULL;
    /* search takes up to 1000 characters: the start of a long message carries its topic */
    char q[1000];
    size_t n = qs_strlcpy (q, t->message, sizeof q);
    if (n >= sizeof q) {
        size_t cut = sizeof q - 1;
        while (cut > 0 && ((unsigned char) q[cut] & 0xC0) == 0x80)
            cut--;                      /* never split a UTF-8 sequence */
        q[cut] = '\0';
    }
    qs_json_add_str (body, "q", q);
    qs_json_add_int (body, "limit", 3);
    qs_err_t kerr = {0};
    if (qs_turn_call (t, "knowledge", "search", body, &reply, &kerr) != 0)
        qs_json_add_str (t->meta, "knowledge_error", kerr.message);
    json_object *results = qs_json_get (reply, "results", json_type_array);
    qs_json_add_str (t->meta, "workflow", "answer");
    t->text = qs_answer_general (t->message, results);
    if (results)
        json_object_object_add (t->meta, "sources_full", json_object_get (results));
    json_object_put (reply);
    json_object_put (body);
    return 0;
}

void
qs_turn_init (qs_turn_t *t, qs_wf_t *wf, qs_req_t *req)
{
    memset (t, 0, sizeof *t);
    qs_wf_run_init (&t->run, wf, req, NULL);
    t->meta = json_object_new_object ();
    t->actions = json_object_new_array ();
    t->timings = json_object_new_object ();
    qs_strlcpy (t->intent, "general_question", sizeof t->intent);
}

void
qs_turn_free (qs_turn_t *t)
{
    json_object_put (t->history);
    json_object_put (t->context);
    json_object_put (t->meta);
    json_object_put (t->actions);
    json_object_put (t->timings);
    free (t->text);
}
