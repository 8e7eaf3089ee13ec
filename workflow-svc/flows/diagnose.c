/*  diagnose - why a service misbehaves (seed: DiagnoseWorkflow):

      gather -> analyze -> history -> knowledge -> propose
             -> (confirm [interrupt] -> decide -> execute -> verify) -> record

    The turn resolves which service first (with the dialogue: "is it
    healthy?" is about the subject; an ambiguous reference asks which one and
    runs nothing). Findings come from real Kubernetes and platform data
    (qs_diagnose); a fix the user can run is proposed, never run unasked,
    as the same action a direct request makes (qs_manage: update_service,
    restart_pod). A question about several services ("which ones are
    failing?") reads each one's Kubernetes state instead and lists the ones
    needing attention (qs_fleet). */
#include "qs_flows.h"
#include "qs_fleet.h"
#include "qs_resolve.h"
#include "qs_answer.h"
#include "qs_diagnose.h"
#include "qs_manage.h"
#include "qs_wf_events.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- the flow's state -------------------------------------------------- */

typedef struct {
    qs_flow_head_t head;
    json_object *service;       /* the platform's Service */
    json_object *metrics, *logs, *k8s, *gaps;           /* what was read, what was not */
    json_object *diagnosis;     /* qs_diagnose_analyze */
    json_object *history, *sources;                     /* earlier cases, knowledge passages */
    bool executed;              /* the fix ran */
    char verification[320];
    char outcome[24];
} diag_t;

#define DIAG_JSON(X) X (service) X (metrics) X (logs) X (k8s) X (gaps) X (diagnosis) X (history) X (sources)

static void
s_load (void *state, json_object *cp)
{
    diag_t *d = state;
#define S_LOAD(f) d->f = json_object_get (json_object_object_get (cp, #f));
    DIAG_JSON (S_LOAD)
#undef S_LOAD
    d->executed = qs_json_bool (cp, "executed", false);
    qs_strlcpy (d->verification, qs_json_str (cp, "verification", ""), sizeof d->verification);
    qs_strlcpy (d->outcome, qs_json_str (cp, "outcome", ""), sizeof d->outcome);
}

static void
s_save (const void *state, json_object *cp)
{
    const diag_t *d = state;
#define S_SAVE(f) if (d->f) json_object_object_add (cp, #f, json_object_get (d->f));
    DIAG_JSON (S_SAVE)
#undef S_SAVE
    qs_json_add_bool (cp, "executed", d->executed);
    qs_json_add_str (cp, "verification", d->verification);
    qs_json_add_str (cp, "outcome", d->outcome);
}

static void
s_clear (void *state)
{
    diag_t *d = state;
#define S_CLEAR(f) json_object_put (d->f); d->f = NULL;
    DIAG_JSON (S_CLEAR)
#undef S_CLEAR
}

static const qs_flow_state_t s_state = {sizeof (diag_t), s_load, s_save, s_clear};

/* ---- the graph ------------------------------------------------------------ */

static void
s_gap (diag_t *d, const char *fmt, const char *detail)
{
    if (!d->gaps)
        d->gaps = json_object_new_array ();
    json_object *gaps = d->gaps;
    char text[sizeof ((qs_err_t *) 0)->message + 128];
    snprintf (text, sizeof text, fmt, detail);
    json_object_array_add (gaps, json_object_new_string (text));
}

/*  Platform metrics and logs, fetched on a helper thread with its own client
    while this thread asks k8s-svc: the two sources are independent. */
typedef struct {
    qs_platform_ctx_t pctx;
    const char *service_id;
    json_object *metrics, *logs;
    qs_err_t merr, lerr;
} gather_t;

static void *
s_gather_platform (void *arg)
{
    gather_t *g = arg;
    qs_platform_t *p = qs_platform_new (NULL);
    if (!p) {
        qs_err_set (&g->merr, 500, "internal_error", "out of memory");
        g->lerr = g->merr;
        return NULL;
    }
    qs_platform_service_metrics (p, &g->pctx, g->service_id, "7d", &g->metrics, &g->merr);
    qs_platform_service_logs (p, &g->pctx, g->service_id, 200, &g->logs, &g->lerr);
    qs_platform_destroy (&p);
    return NULL;
}

static qs_node_rc_t
s_gather (json_object *state, void *arg, qs_err_t *err)
{
    (void) err; (void) state;
    qs_wf_run_t *run = arg;
    diag_t *d = run->flow;
    json_object *service = d->service;
    gather_t g = {.pctx = run->pctx, .service_id = qs_json_str (service, "id", "")};
    pthread_t thread;
    int threaded = pthread_create (&thread, NULL, s_gather_platform, &g) == 0;
    if (!threaded)
        s_gather_platform (&g);
    json_object *body = json_object_new_object (), *snap = NULL;
    qs_err_t kerr = {0};
    qs_json_add_str (body, "service_id", g.service_id);
    if (qs_wf_call (run, "k8s", "snapshot", body, &snap, &kerr) != 0)
        s_gap (d, "Kubernetes state unavailable: %s", kerr.message);
    json_object_put (body);
    if (threaded)
        pthread_join (thread, NULL);
    if (g.metrics)
        d->metrics = g.metrics;
    else
        s_gap (d, "platform metrics unavailable: %s", g.merr.message);
    if (g.logs) {
        json_object *wrapped = json_object_new_object ();
        json_object_object_add (wrapped, "lines", g.logs);
        d->logs = wrapped;
    }
    else
        s_gap (d, "platform logs unavailable: %s", g.lerr.message);
    if (snap) {
        json_object *gaps = qs_json_get (snap, "gaps", json_type_array);
        for (size_t i = 0; gaps && i < json_object_array_length (gaps); i++)
            s_gap (d, "%s", json_object_get_string (json_object_array_get_idx (gaps, i)));
        d->k8s = snap;
    }
    return QS_NODE_OK;
}

static qs_node_rc_t
s_analyze (json_object *state, void *arg, qs_err_t *err)
{
    (void) state;
    diag_t *d = ((qs_wf_run_t *) arg)->flow;
    json_object *k8s = d->k8s;
    json_object_put (d->diagnosis);
    d->diagnosis = qs_diagnose_analyze (d->service, d->metrics, d->logs,
                                        k8s ? qs_json_path (k8s, "pods") : NULL,
                                        k8s ? qs_json_path (k8s, "events") : NULL,
                                        k8s ? qs_json_path (k8s, "logs") : NULL, d->gaps, err);
    if (!d->diagnosis)
        return QS_NODE_FAIL;
    json_object *event = json_object_new_object ();        /* the event's view of the result */
    json_object_object_add (event, "service", json_object_get (d->service));
    json_object_object_add (event, "diagnosis", json_object_get (d->diagnosis));
    qs_events_diagnosis (((qs_wf_run_t *) arg)->req, event);     /* issue 11 */
    json_object_put (event);
    return QS_NODE_OK;
}

static const char *
s_top_code (const diag_t *d)
{
    return qs_json_str (qs_json_path (d->diagnosis, "findings.0"), "code", "healthy");
}

static qs_node_rc_t
s_history (json_object *state, void *arg, qs_err_t *err)
{
    (void) err; (void) state;
    qs_wf_run_t *run = arg;
    diag_t *d = run->flow;
    const char *code = s_top_code (d);
    if (!strcmp (code, "healthy") || d->history)
        return QS_NODE_OK;
    qs_err_t ignored = {0};
    d->history = qs_store_diagnosis_find (qs_wf_store (run->wf), run->pctx.auth->org_id, code, 3, &ignored);
    return QS_NODE_OK;
}

static qs_node_rc_t
s_knowledge (json_object *state, void *arg, qs_err_t *err)
{
    (void) err; (void) state;
    qs_wf_run_t *run = arg;
    diag_t *d = run->flow;
    if (!strcmp (s_top_code (d), "healthy") || !strcmp (s_top_code (d), "starting"))
        return QS_NODE_OK;              /* nothing to explain: no passage about a failure */
    json_object *findings = qs_json_get (d->diagnosis, "findings", json_type_array);
    char q[900];
    size_t n = (size_t) snprintf (q, sizeof q, "%s ", qs_json_str (d->service, "service_type", ""));
    for (size_t i = 0; findings && i < json_object_array_length (findings) && i < 2 && n < sizeof q; i++) {
        json_object *f = json_object_array_get_idx (findings, i);
        n += (size_t) snprintf (q + n, sizeof q - n, "%s %.200s ", qs_json_str (f, "code", ""),
                                qs_json_str (f, "evidence", ""));
    }
    json_object *body = json_object_new_object (), *reply = NULL;
    qs_json_add_str (body, "q", q);
    qs_json_add_int (body, "limit", 3);
    qs_err_t kerr = {0};
    if (qs_wf_call (run, "knowledge", "search", body, &reply, &kerr) == 0) {
        json_object *results = qs_json_get (reply, "results", json_type_array);
        if (results) {
            json_object_put (d->sources);
            d->sources = json_object_get (results);
        }
    }
    json_object_put (reply);
    json_object_put (body);
    return QS_NODE_OK;
}

/*  A fix the user can run is the same change as one asked for directly
    (qs_manage): a tier change is an update_service with its diff and costs,
    a restart a restart_pod of the failing pod; the same checks apply (a
    tier above the plan's is advice only). */
static qs_node_rc_t
s_propose (json_object *state, void *arg, qs_err_t *err)
{
    (void) state;
    qs_wf_run_t *run = arg;
    diag_t *d = run->flow;
    if (d->head.action)
        return QS_NODE_INTERRUPT;
    json_object *recs = qs_json_get (d->diagnosis, "recommendations", json_type_array);
    const char *kind = NULL;
    for (size_t i = 0; recs && i < json_object_array_length (recs) && !kind; i++) {
        const char *action = qs_json_str (json_object_array_get_idx (recs, i), "action", "");
        if (!strcmp (action, "upgrade_tier") || !strcmp (action, "restart_pod"))
            kind = action;
    }
    if (!kind || !qs_auth_can_execute (run->pctx.auth))
        return QS_NODE_OK;      /* advice only: nothing this user can run from here */
    qs_platform_t *p = qs_wf_platform (run->wf);
    json_object *pricing = NULL, *quotas = NULL;
    qs_err_t perr = {0};
    qs_change_t c;
    memset (&c, 0, sizeof c);
    char why[600];
    qs_node_rc_t rc = QS_NODE_OK;
    bool upgrade = !strcmp (kind, "upgrade_tier");
    if (qs_platform_pricing (p, &run->pctx, &pricing, &perr) != 0
        || (upgrade && qs_platform_quotas (p, &run->pctx, &quotas, &perr) != 0))
        goto cleanup;           /* no costs to show: the advice stands alone */
    int refused;
    if (upgrade) {
        qs_dlg_op_t op;
        qs_dialogue_op_read (&op, NULL);
        qs_strlcpy (op.op, "tier", sizeof op.op);
        op.direction = 1;
        refused = qs_manage_plan (&op, NULL, d->service, run->pctx.auth, quotas, pricing, &c, why, sizeof why);
    }
    else
        refused = qs_manage_plan_restart (d->service, d->k8s ? json_object_object_get (d->k8s, "pods") : NULL,
                                          NULL, run->pctx.auth, pricing, &c, why, sizeof why);
    if (!refused)
        rc = qs_manage_propose_change (run, &c, "fix", err);
cleanup:
    qs_change_clear (&c);
    json_object_put (pricing);
    json_object_put (quotas);
    return rc;
}

static const char *
s_after_propose (json_object *state, void *arg)
{
    (void) state;
    return ((diag_t *) ((qs_wf_run_t *) arg)->flow)->head.action ? "decide" : "record";
}

static const char *
s_after_decide (json_object *state, void *arg)
{
    (void) state;
    return !strcmp (((diag_t *) ((qs_wf_run_t *) arg)->flow)->head.decision, "confirm") ? "execute" : "record";
}

static qs_node_rc_t
s_execute (json_object *state, void *arg, qs_err_t *err)
{
    (void) state;
    qs_wf_run_t *run = arg;
    diag_t *d = run->flow;
    if (d->executed || *d->head.error)
        return QS_NODE_OK;                      /* recorded outcome: never twice */
    json_object *svc = NULL;
    if (qs_manage_execute (run, d->head.action, d->head.idempotency_key, &svc, err) != 0) {
        qs_strlcpy (d->head.error, err->message, sizeof d->head.error);
        qs_err_clear (err);
        return QS_NODE_OK;                      /* a refused fix is reported, never retried */
    }
    if (svc) {
        json_object_put (d->service);
        d->service = svc;
    }
    d->executed = true;
    qs_strlcpy (d->head.service_id, qs_json_str (d->service, "id", ""), sizeof d->head.service_id);
    return QS_NODE_OK;
}

/*  After a fix: poll the pods until they are running and ready with no new
    restarts, within the request's deadline. */
static qs_node_rc_t
s_verify (json_object *state, void *arg, qs_err_t *err)
{
    (void) err; (void) state;
    qs_wf_run_t *run = arg;
    diag_t *d = run->flow;
    if (!d->executed || *d->outcome)
        return QS_NODE_OK;
    const char *service_id = qs_json_str (d->service, "id", "");
    char verdict[300] = "I could not confirm the result in time; ask me to diagnose it again in a minute.";
    int ok = 0;
    for (int attempt = 0; attempt < 10 && qs_req_remaining_ms (run->req) > 3000; attempt++) {
        struct timespec ts = {1, 0};
        nanosleep (&ts, NULL);
        json_object *body = json_object_new_object (), *snap = NULL;
        qs_json_add_str (body, "service_id", service_id);
        qs_err_t kerr = {0};
        int rc = qs_wf_call (run, "k8s", "pods", body, &snap, &kerr);
        json_object_put (body);
        if (rc != 0)
            continue;
        json_object *items = qs_json_get (snap, "pods", json_type_array);
        size_t n = items ? json_object_array_length (items) : 0, good = 0;
        for (size_t i = 0; i < n; i++) {
            json_object *p = json_object_array_get_idx (items, i);
            if (!strcmp (qs_json_str (p, "phase", ""), "Running") && qs_json_bool (p, "ready", false)
                && qs_json_int (p, "restarts", 0) == 0)
                good++;
        }
        json_object_put (snap);
        if (n > 0 && good == n) {
            snprintf (verdict, sizeof verdict,
                      "Checked again: %zu pod%s running and ready with no restarts since the fix. It worked.",
                      n, n == 1 ? "" : "s");
            ok = 1;
            break;
        }
    }
    qs_strlcpy (d->verification, verdict, sizeof d->verification);
    qs_strlcpy (d->outcome, ok ? "resolved" : "unverified", sizeof d->outcome);
    return QS_NODE_OK;
}

static qs_node_rc_t
s_record (json_object *state, void *arg, qs_err_t *err)
{
    (void) err; (void) state;
    qs_wf_run_t *run = arg;
    diag_t *d = run->flow;
    json_object *findings = qs_json_get (d->diagnosis, "findings", json_type_array);
    if (!findings || !strcmp (s_top_code (d), "healthy"))
        return QS_NODE_OK;
    json_object *rec = json_object_new_object (), *codes = json_object_new_array ();
    for (size_t i = 0; i < json_object_array_length (findings); i++)
        json_object_array_add (codes, json_object_new_string (
            qs_json_str (json_object_array_get_idx (findings, i), "code", "")));
    json_object *service = d->service;
    qs_json_add_str (rec, "service_id", qs_json_str (service, "id", ""));
    qs_json_add_str (rec, "service_type", qs_json_str (service, "service_type", ""));
    json_object_object_add (rec, "findings", codes);
    json_object *action = d->head.action;
    const char *decision = d->head.decision;
    qs_json_add_str (rec, "fix", action && !strcmp (decision, "confirm")
                                     ? qs_json_str (action, "summary", "")
                                     : qs_json_str (qs_json_path (d->diagnosis, "recommendations.0"), "description", "none"));
    qs_json_add_str (rec, "outcome", *d->outcome ? d->outcome
                                     : action && !strcmp (decision, "cancel") ? "fix declined" : "advised");
    qs_err_t ignored = {0};
    json_object *stored = qs_store_diagnosis_put (qs_wf_store (run->wf), run->pctx.auth->org_id, rec, &ignored);
    json_object_put (stored);
    json_object_put (rec);
    return QS_NODE_OK;
}

int
qs_diagnose_service (qs_wf_run_t *run, json_object *service, json_object **diagnosis_p,
                     qs_err_t *err)
{
    diag_t d;
    memset (&d, 0, sizeof d);
    d.service = json_object_get (service);
    void *flow = run->flow;
    run->flow = &d;
    *diagnosis_p = NULL;
    if (s_gather (NULL, run, err) == QS_NODE_OK && s_analyze (NULL, run, err) == QS_NODE_OK)
        *diagnosis_p = json_object_get (d.diagnosis);
    run->flow = flow;
    s_clear (&d);
    return *diagnosis_p ? 0 : -1;
}

static const qs_node_def_t s_nodes[] = {
    {.name = "gather",    .fn = s_gather,    .next = "analyze"},
    {.name = "analyze",   .fn = s_analyze,   .next = "history"},
    {.name = "history",   .fn = s_history,   .next = "knowledge"},
    {.name = "knowledge", .fn = s_knowledge, .next = "propose"},
    {.name = "propose",   .fn = s_propose,   .route = s_after_propose, .resume = "decide", .max_attempts = 2},
    {.name = "decide",    .fn = qs_wf_node_noop,      .route = s_after_decide},
    {.name = "execute",   .fn = s_execute,   .next = "verify", .max_attempts = 1},
    {.name = "verify",    .fn = s_verify,    .next = "record"},
    {.name = "record",    .fn = s_record},
};
static const qs_graph_def_t s_graph = {"diagnose", "gather", s_nodes, sizeof s_nodes / sizeof s_nodes[0]};

const qs_graph_def_t *
qs_diagnose_graph (void)
{
    return &s_graph;
}

/* ---- the turn's side ------------------------------------------------------ */

/*  "which ones are failing?": each candidate's Kubernetes state read (one
    k8s snapshot each) and diagnosed; the ones needing attention become the
    list that "the first one" points into. */
static int
s_fleet (qs_turn_t *t, json_object *services, qs_err_t *err)
{
    (void) err;
    size_t n = json_object_array_length (services);
    json_object *checked = json_object_new_array (), *diagnoses = json_object_new_array (), *attention = NULL;
    for (size_t i = 0; i < n && i < QS_FLEET_MAX; i++) {
        json_object *s = json_object_array_get_idx (services, i), *body = json_object_new_object (), *snap = NULL;
        qs_err_t kerr = {0};
        qs_json_add_str (body, "service_id", qs_json_str (s, "id", ""));
        json_object *diagnosis = NULL;
        if (qs_turn_call (t, "k8s", "snapshot", body, &snap, &kerr) == 0)
            diagnosis = qs_diagnose_analyze (s, NULL, NULL, qs_json_path (snap, "pods"), qs_json_path (snap, "events"),
                                             qs_json_path (snap, "logs"), NULL, &kerr);
        json_object_array_add (checked, json_object_get (s));
        json_object_array_add (diagnoses, diagnosis);
        json_object_put (body);
        json_object_put (snap);
    }
    t->text = qs_fleet_answer (checked, diagnoses, n == json_object_array_length (t->services), &attention);
    if (attention && json_object_array_length (attention)) {
        qs_dialogue_list_set (&t->dlg, "services", attention);
        qs_dialogue_subject_set (&t->dlg, attention);
        qs_turn_set (&t->out.services, json_object_get (attention));
    }
    json_object_put (attention);
    json_object_put (checked);
    json_object_put (diagnoses);
    return t->text ? 0 : -1;
}

static int
s_run (qs_turn_t *t, qs_err_t *err)
{
    if (qs_turn_resolve (t, err) < 0)
        return -1;
    /* several services asked about: not one by name, position or "it" */
    const char *how = t->ref.service ? t->ref.match : "";
    if (t->services && qs_fleet_asked (t->message)
        && (!*how || !strcmp (how, "subject") || !strcmp (how, "type") || !strcmp (how, "only"))) {
        const char *types[8];
        int ntypes = qs_resolve_type_words (t->message, types);
        json_object *scope = json_object_new_array ();
        for (size_t i = 0; i < json_object_array_length (t->services); i++) {
            json_object *s = json_object_array_get_idx (t->services, i);
            for (int k = 0; k < ntypes; k++)
                if (!strcmp (qs_json_str (s, "service_type", ""), types[k]))
                    json_object_array_add (scope, json_object_get (s));
        }
        if (!json_object_array_length (scope)) {        /* none of that type: every service */
            json_object_put (scope);
            scope = json_object_get (t->services);
        }
        qs_strlcpy (t->workflow, "diagnose", sizeof t->workflow);
        int rc = json_object_array_length (scope) > 1 ? s_fleet (t, scope, err) : 1;
        json_object_put (scope);
        if (rc <= 0)
            return rc;
    }
    if (!t->ref.service) {
        qs_turn_ask_which (t, t->ref.candidates, "diagnose");
        qs_strlcpy (t->workflow, "diagnose", sizeof t->workflow);
        return 0;
    }
    diag_t d;
    memset (&d, 0, sizeof d);
    qs_strlcpy (d.head.intent, "troubleshoot", sizeof d.head.intent);
    d.service = json_object_get (t->ref.service);
    qs_run_rc_t rc = qs_turn_run_graph (t, qs_diagnose_graph (), &s_state, &d, err);
    if (rc != QS_RUN_FAILED) {
        t->text = qs_answer_diagnosis (d.service, d.diagnosis, d.history, d.sources);
        json_object *pub = json_object_new_object ();
        static const char *keys[] = {"service_id", "findings", "recommendations", NULL};
        for (int i = 0; keys[i]; i++)
            json_object_object_add (pub, keys[i], json_object_get (qs_json_path (d.diagnosis, keys[i])));
        qs_turn_set (&t->out.diagnosis, pub);
        qs_turn_set (&t->out.data_gaps, json_object_get (qs_json_path (d.diagnosis, "data_gaps")));
        qs_turn_set (&t->out.sources, json_object_get (d.sources));
        qs_turn_mention (t, d.service);
        if (d.head.action && rc == QS_RUN_INTERRUPTED) {
            qs_dlg_pending_t *p = &t->dlg.pending;
            qs_dialogue_pending_clear (&t->dlg);
            qs_strlcpy (p->action_id, qs_json_str (d.head.action, "id", ""), sizeof p->action_id);
            qs_strlcpy (p->action_type, qs_json_str (d.head.action, "type", ""), sizeof p->action_type);
            qs_strlcpy (p->service_id, qs_json_str (d.service, "id", ""), sizeof p->service_id);
        }
    }
    s_clear (&d);
    qs_flow_head_clear (&d.head);
    return rc == QS_RUN_FAILED ? -1 : 0;
}

static void
s_decided (qs_turn_t *t, json_object *action, void *state, const char *decision)
{
    diag_t *d = state;
    t->text = qs_answer_action (action, d->head.error, d->verification, decision);
    qs_turn_mention (t, d->service);
    qs_strlcpy (t->out.verification, d->verification, sizeof t->out.verification);
}

const qs_flow_t qs_flow_diagnose = {
    .intent = "troubleshoot", .workflow = "diagnose", .run = s_run,
    .graph = qs_diagnose_graph, .state = &s_state, .decided = s_decided,
};
