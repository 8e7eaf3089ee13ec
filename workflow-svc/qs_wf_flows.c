/*  qs_wf_flows - see qs_wf_flows.h */
#include "qs_wf_flows.h"
#include "qs_diagnose.h"
#include "qs_events.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_optimize.h"
#include "qs_resolve.h"
#include "qs_util.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void
s_gap (json_object *state, const char *fmt, const char *detail)
{
    json_object *gaps = qs_json_get (state, "gaps", json_type_array);
    if (!gaps) {
        gaps = json_object_new_array ();
        json_object_object_add (state, "gaps", gaps);
    }
    char text[sizeof ((qs_err_t *) 0)->message + 128];
    snprintf (text, sizeof text, fmt, detail);
    json_object_array_add (gaps, json_object_new_string (text));
}

/* ---- diagnose ---------------------------------------------------------- */

static qs_node_rc_t
s_identify (json_object *state, void *arg, qs_err_t *err)
{
    qs_wf_run_t *run = arg;
    json_object *services = NULL, *candidates = NULL;
    if (qs_json_get (state, "service", json_type_object))
        return QS_NODE_OK;
    if (qs_platform_list_services (qs_wf_platform (run->wf), &run->pctx, &services, err) != 0)
        return qs_wf_platform_rc (err);
    json_object *hit = qs_resolve_service (services, qs_json_str (state, "message", ""),
                                           qs_json_get (state, "ref", json_type_object),
                                           qs_json_str (state, "type", NULL),
                                           qs_json_get (state, "context", json_type_array), &candidates);
    if (hit)
        json_object_object_add (state, "service", json_object_get (hit));
    else
        json_object_object_add (state, "candidates", candidates ? candidates : json_object_new_array ());
    json_object_put (services);
    return QS_NODE_OK;
}

static const char *
s_after_identify (json_object *state, void *arg)
{
    (void) arg;
    return qs_json_get (state, "service", json_type_object) ? "gather" : NULL;
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
    (void) err;
    qs_wf_run_t *run = arg;
    json_object *service = qs_json_get (state, "service", json_type_object);
    gather_t g = {.pctx = run->pctx, .service_id = qs_json_str (service, "id", "")};
    pthread_t thread;
    int threaded = pthread_create (&thread, NULL, s_gather_platform, &g) == 0;
    if (!threaded)
        s_gather_platform (&g);
    json_object *body = json_object_new_object (), *snap = NULL;
    qs_err_t kerr = {0};
    qs_json_add_str (body, "service_id", g.service_id);
    if (qs_wf_call (run, "k8s", "snapshot", body, &snap, &kerr) != 0)
        s_gap (state, "Kubernetes state unavailable: %s", kerr.message);
    json_object_put (body);
    if (threaded)
        pthread_join (thread, NULL);
    if (g.metrics)
        json_object_object_add (state, "metrics", g.metrics);
    else
        s_gap (state, "platform metrics unavailable: %s", g.merr.message);
    if (g.logs) {
        json_object *wrapped = json_object_new_object ();
        json_object_object_add (wrapped, "lines", g.logs);
        json_object_object_add (state, "logs", wrapped);
    }
    else
        s_gap (state, "platform logs unavailable: %s", g.lerr.message);
    if (snap) {
        json_object *gaps = qs_json_get (snap, "gaps", json_type_array);
        for (size_t i = 0; gaps && i < json_object_array_length (gaps); i++)
            s_gap (state, "%s", json_object_get_string (json_object_array_get_idx (gaps, i)));
        json_object_object_add (state, "k8s", snap);
    }
    return QS_NODE_OK;
}

static qs_node_rc_t
s_analyze (json_object *state, void *arg, qs_err_t *err)
{
    (void) arg;
    json_object *k8s = qs_json_get (state, "k8s", json_type_object);
    json_object *d = qs_diagnose_analyze (qs_json_get (state, "service", json_type_object),
                                          qs_json_get (state, "metrics", json_type_object),
                                          qs_json_get (state, "logs", json_type_object),
                                          k8s ? qs_json_path (k8s, "pods") : NULL,
                                          k8s ? qs_json_path (k8s, "events") : NULL,
                                          k8s ? qs_json_path (k8s, "logs") : NULL,
                                          qs_json_get (state, "gaps", json_type_array), err);
    if (!d)
        return QS_NODE_FAIL;
    json_object_object_add (state, "diagnosis", d);
    qs_events_diagnosis (((qs_wf_run_t *) arg)->req, state);     /* issue 11 */
    return QS_NODE_OK;
}

static const char *
s_top_code (json_object *state)
{
    return qs_json_str (qs_json_path (state, "diagnosis.findings.0"), "code", "healthy");
}

static qs_node_rc_t
s_history (json_object *state, void *arg, qs_err_t *err)
{
    (void) err;
    qs_wf_run_t *run = arg;
    const char *code = s_top_code (state);
    if (!strcmp (code, "healthy"))
        return QS_NODE_OK;
    qs_err_t ignored = {0};
    json_object *h = qs_store_diagnosis_find (qs_wf_store (run->wf), run->pctx.auth->org_id, code, 3, &ignored);
    if (h)
        json_object_object_add (state, "history", h);
    return QS_NODE_OK;
}

static qs_node_rc_t
s_knowledge (json_object *state, void *arg, qs_err_t *err)
{
    (void) err;
    qs_wf_run_t *run = arg;
    json_object *findings = qs_json_path (state, "diagnosis.findings");
    char q[900];
    size_t n = (size_t) snprintf (q, sizeof q, "%s ",
                                  qs_json_str (qs_json_get (state, "service", json_type_object), "service_type", ""));
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
        if (results)
            json_object_object_add (state, "sources", json_object_get (results));
    }
    json_object_put (reply);
    json_object_put (body);
    return QS_NODE_OK;
}

/*  The first pod that is not running and ready (the one to restart). */
static const char *
s_unhealthy_pod (json_object *state)
{
    json_object *pods = qs_json_path (state, "k8s.pods");
    json_object *items = pods && json_object_is_type (pods, json_type_array) ? pods
                                                                               : qs_json_get (pods, "items", json_type_array);
    const char *first = NULL;
    for (size_t i = 0; items && i < json_object_array_length (items); i++) {
        json_object *p = json_object_array_get_idx (items, i);
        const char *name = qs_json_str (qs_json_get (p, "metadata", json_type_object), "name",
                                        qs_json_str (p, "name", NULL));
        json_object *css = qs_json_path (p, "status.containerStatuses");
        if (!css)
            css = qs_json_get (p, "containers", json_type_array);
        if (!first)
            first = name;
        for (size_t k = 0; css && k < json_object_array_length (css); k++) {
            json_object *cs = json_object_array_get_idx (css, k);
            if (!qs_json_bool (cs, "ready", false) || qs_json_int (cs, "restartCount", 0) > 0)
                return name;
        }
    }
    return first;
}

static qs_node_rc_t
s_propose (json_object *state, void *arg, qs_err_t *err)
{
    qs_wf_run_t *run = arg;
    if (qs_json_get (state, "action", json_type_object))
        return QS_NODE_INTERRUPT;
    json_object *recs = qs_json_path (state, "diagnosis.recommendations");
    json_object *service = qs_json_get (state, "service", json_type_object);
    const char *kind = NULL;
    for (size_t i = 0; recs && i < json_object_array_length (recs) && !kind; i++) {
        const char *action = qs_json_str (json_object_array_get_idx (recs, i), "action", "");
        if (!strcmp (action, "upgrade_tier") || !strcmp (action, "restart_pod"))
            kind = action;
    }
    if (!kind || !qs_auth_can_execute (run->pctx.auth))
        return QS_NODE_OK;      /* advice only: nothing this user can run from here */
    char summary[300];
    const char *name = qs_json_str (service, "name", "?"), *type, *up = NULL, *pod = NULL;
    if (!strcmp (kind, "upgrade_tier")) {
        if (!(up = qs_diagnose_next_tier (qs_json_str (service, "tier", NULL))))
            return QS_NODE_OK;
        snprintf (summary, sizeof summary, "Move %s from %s to %s", name,
                  qs_json_str (service, "tier", "?"), up);
        type = "change_tier";
    }
    else {
        if (!(pod = s_unhealthy_pod (state)))
            return QS_NODE_OK;
        snprintf (summary, sizeof summary, "Restart pod %s of %s", pod, name);
        type = "restart_pod";
    }
    json_object *config = json_object_new_object ();
    qs_json_add_str (config, up ? "tier" : "pod", up ? up : pod);
    qs_json_add_str (config, "service_id", qs_json_str (service, "id", ""));
    qs_node_rc_t rc = qs_wf_propose (run, state, type, summary, config, NULL, "fix", err);
    json_object_put (config);
    return rc;
}

static const char *
s_after_propose (json_object *state, void *arg)
{
    (void) arg;
    return qs_json_get (state, "action", json_type_object) ? "decide" : "record";
}

static const char *
s_after_decide (json_object *state, void *arg)
{
    (void) arg;
    return !strcmp (qs_json_str (state, "decision", ""), "confirm") ? "execute" : "record";
}

static qs_node_rc_t
s_noop (json_object *state, void *arg, qs_err_t *err)
{
    (void) state; (void) arg; (void) err;
    return QS_NODE_OK;
}

static qs_node_rc_t
s_execute (json_object *state, void *arg, qs_err_t *err)
{
    qs_wf_run_t *run = arg;
    if (qs_json_get (state, "executed", json_type_boolean))
        return QS_NODE_OK;                      /* recorded outcome: never twice */
    json_object *action = qs_json_get (state, "action", json_type_object);
    json_object *config = qs_json_get (action, "config", json_type_object);
    const char *type = qs_json_str (action, "type", "");
    int rc;
    if (!strcmp (type, "change_tier")) {
        json_object *fields = json_object_new_object (), *svc = NULL;
        qs_json_add_str (fields, "tier", qs_json_str (config, "tier", ""));
        rc = qs_platform_patch_service (qs_wf_platform (run->wf), &run->pctx,
                                        qs_json_str (config, "service_id", ""), fields, &svc, err);
        json_object_put (fields);
        if (svc)
            json_object_object_add (state, "service", svc);
    }
    else {
        json_object *body = json_object_new_object (), *reply = NULL;
        qs_json_add_str (body, "service_id", qs_json_str (config, "service_id", ""));
        qs_json_add_str (body, "pod", qs_json_str (config, "pod", ""));
        rc = qs_wf_call (run, "k8s", "restart", body, &reply, err);
        json_object_put (body);
        json_object_put (reply);
    }
    if (rc != 0) {
        qs_node_rc_t r = qs_wf_platform_rc (err);
        if (r == QS_NODE_FAIL)
            qs_json_add_str (state, "error", err->message);
        return r == QS_NODE_RETRY ? r : QS_NODE_OK;   /* a refused fix is reported, not fatal */
    }
    qs_json_add_bool (state, "executed", true);
    return QS_NODE_OK;
}

/*  After a fix: poll the pods until they are running and ready with no new
    restarts, within the request's deadline. */
static qs_node_rc_t
s_verify (json_object *state, void *arg, qs_err_t *err)
{
    (void) err;
    qs_wf_run_t *run = arg;
    if (!qs_json_bool (state, "executed", false))
        return QS_NODE_OK;
    const char *service_id = qs_json_str (qs_json_get (state, "service", json_type_object), "id", "");
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
    qs_json_add_str (state, "verification", verdict);
    qs_json_add_str (state, "outcome", ok ? "resolved" : "unverified");
    return QS_NODE_OK;
}

static qs_node_rc_t
s_record (json_object *state, void *arg, qs_err_t *err)
{
    (void) err;
    qs_wf_run_t *run = arg;
    json_object *findings = qs_json_path (state, "diagnosis.findings");
    if (!findings || !strcmp (s_top_code (state), "healthy"))
        return QS_NODE_OK;
    json_object *rec = json_object_new_object (), *codes = json_object_new_array ();
    for (size_t i = 0; i < json_object_array_length (findings); i++)
        json_object_array_add (codes, json_object_new_string (
            qs_json_str (json_object_array_get_idx (findings, i), "code", "")));
    json_object *service = qs_json_get (state, "service", json_type_object);
    qs_json_add_str (rec, "service_id", qs_json_str (service, "id", ""));
    qs_json_add_str (rec, "service_type", qs_json_str (service, "service_type", ""));
    json_object_object_add (rec, "findings", codes);
    json_object *action = qs_json_get (state, "action", json_type_object);
    const char *decision = qs_json_str (state, "decision", "");
    qs_json_add_str (rec, "fix", action && !strcmp (decision, "confirm")
                                     ? qs_json_str (action, "summary", "")
                                     : qs_json_str (qs_json_path (state, "diagnosis.recommendations.0"), "description", "none"));
    qs_json_add_str (rec, "outcome", qs_json_str (state, "outcome",
                                                  action && !strcmp (decision, "cancel") ? "fix declined" : "advised"));
    qs_err_t ignored = {0};
    json_object *stored = qs_store_diagnosis_put (qs_wf_store (run->wf), run->pctx.auth->org_id, rec, &ignored);
    json_object_put (stored);
    json_object_put (rec);
    return QS_NODE_OK;
}

int
qs_wf_diagnose_service (qs_wf_run_t *run, json_object *service, json_object **diagnosis_p,
                        qs_err_t *err)
{
    *diagnosis_p = NULL;
    json_object *state = json_object_new_object ();
    json_object_object_add (state, "service", json_object_get (service));
    if (s_gather (state, run, err) == QS_NODE_OK && s_analyze (state, run, err) == QS_NODE_OK)
        *diagnosis_p = json_object_get (qs_json_get (state, "diagnosis", json_type_object));
    json_object_put (state);
    return *diagnosis_p ? 0 : -1;
}

/* The diagnose workflow at a glance. */
static const qs_node_def_t s_diag_nodes[] = {
    {.name = "identify",  .fn = s_identify,  .route = s_after_identify, .max_attempts = 3},
    {.name = "gather",    .fn = s_gather,    .next = "analyze"},
    {.name = "analyze",   .fn = s_analyze,   .next = "history"},
    {.name = "history",   .fn = s_history,   .next = "knowledge"},
    {.name = "knowledge", .fn = s_knowledge, .next = "propose"},
    {.name = "propose",   .fn = s_propose,   .route = s_after_propose, .resume = "decide", .max_attempts = 2},
    {.name = "decide",    .fn = s_noop,      .route = s_after_decide},
    {.name = "execute",   .fn = s_execute,   .next = "verify", .max_attempts = 3},
    {.name = "verify",    .fn = s_verify,    .next = "record"},
    {.name = "record",    .fn = s_record},
};
static const qs_graph_def_t s_diag = {"diagnose", "identify", s_diag_nodes,
                                      sizeof s_diag_nodes / sizeof s_diag_nodes[0]};

const qs_graph_def_t *
qs_diagnose_graph (void)
{
    return &s_diag;
}

/* ---- optimize ---------------------------------------------------------- */

/*  Kubernetes' view of a service for the "never shrink what was OOM-killed or
    restarted" guard: {"oom_killed":bool,"restarts":n}. Unknown when k8s-svc
    cannot answer; the optimizer then relies on the platform metrics alone. */
static void
s_health (qs_wf_run_t *run, const char *service_id, json_object *health)
{
    json_object *body = json_object_new_object (), *reply = NULL;
    qs_err_t err = {0};
    qs_json_add_str (body, "service_id", service_id);
    if (qs_wf_call (run, "k8s", "pods", body, &reply, &err) == 0) {
        json_object *pods = qs_json_get (reply, "pods", json_type_array), *h = json_object_new_object ();
        int64_t restarts = 0;
        bool oom = false;
        for (size_t i = 0; pods && i < json_object_array_length (pods); i++) {
            json_object *pod = json_object_array_get_idx (pods, i);
            restarts += qs_json_int (pod, "restarts", 0);
            json_object *cs = qs_json_get (pod, "containers", json_type_array);
            for (size_t k = 0; cs && k < json_object_array_length (cs); k++) {
                json_object *c = json_object_array_get_idx (cs, k);
                if (!strcmp (qs_json_str (qs_json_path (c, "lastState.terminated"), "reason", ""), "OOMKilled")
                    || !strcmp (qs_json_str (qs_json_path (c, "state.terminated"), "reason", ""), "OOMKilled"))
                    oom = true;
            }
        }
        qs_json_add_bool (h, "oom_killed", oom);
        qs_json_add_int (h, "restarts", restarts);
        json_object_object_add (health, service_id, h);
    }
    else
        qs_debug (run->pctx.request_id, "optimize: no pod state for %s: %s", service_id, err.message);
    json_object_put (reply);
    json_object_put (body);
}

int
qs_wf_recommendations (qs_wf_run_t *run, json_object **reco_p, qs_err_t *err)
{
    qs_platform_t *p = qs_wf_platform (run->wf);
    json_object *services = NULL, *pricing = NULL, *metrics = json_object_new_object ();
    json_object *health = json_object_new_object ();
    int rc = -1;
    *reco_p = NULL;
    if (qs_platform_list_services (p, &run->pctx, &services, err) != 0
        || qs_platform_pricing (p, &run->pctx, &pricing, err) != 0)
        goto cleanup;
    for (size_t i = 0; i < json_object_array_length (services); i++) {
        json_object *svc = json_object_array_get_idx (services, i);
        const char *id = qs_json_str (svc, "id", "");
        json_object *m = NULL;
        qs_err_t merr = {0};
        if (qs_platform_service_metrics (p, &run->pctx, id, "7d", &m, &merr) == 0)
            json_object_object_add (metrics, id, m);
        else
            qs_warn (run->pctx.request_id, "optimize: no metrics for %s: %s", id, merr.message);
        if (!strcmp (qs_json_str (svc, "status", ""), "running"))
            s_health (run, id, health);
    }
    *reco_p = qs_optimize_analyze (services, metrics, health, pricing, qs_now_ms (), err);
    rc = *reco_p ? 0 : -1;
cleanup:
    json_object_put (services);
    json_object_put (pricing);
    json_object_put (metrics);
    json_object_put (health);
    return rc;
}

static qs_node_rc_t
s_optimize (json_object *state, void *arg, qs_err_t *err)
{
    qs_wf_run_t *run = arg;
    json_object *reco = NULL;
    if (qs_wf_recommendations (run, &reco, err) != 0)
        return qs_wf_platform_rc (err);
    json_object_object_add (state, "optimization", reco);
    return QS_NODE_OK;
}

static const qs_node_def_t s_opt_nodes[] = {
    {.name = "analyze", .fn = s_optimize, .max_attempts = 2},
};
static const qs_graph_def_t s_opt = {"optimize", "analyze", s_opt_nodes, 1};

const qs_graph_def_t *
qs_optimize_graph (void)
{
    return &s_opt;
}
