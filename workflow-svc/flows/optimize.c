/*  optimize - where the org's money goes and what to change (seed:
    OptimizeWorkflow): gather services, metrics, pricing and pod health, then
    the rules of qs_optimize decide. The recommendations become the
    dialogue's last list ("apply the first one" -> flows/manage.c). */
#include "qs_flows.h"
#include "qs_answer.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_optimize.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
qs_optimize_recommendations (qs_wf_run_t *run, json_object **reco_p, qs_err_t *err)
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
    *reco_p = qs_optimize_analyze (run->pctx.auth->org_id, services, metrics, health, pricing, qs_now_ms (), err);
    rc = *reco_p ? 0 : -1;
cleanup:
    json_object_put (services);
    json_object_put (pricing);
    json_object_put (metrics);
    json_object_put (health);
    return rc;
}

/* ---- the flow's state: the review ---------------------------------------- */

typedef struct {
    qs_flow_head_t head;
    json_object *optimization;  /* the RecommendationResponse */
} review_t;

static void
s_load (void *state, json_object *cp)
{
    ((review_t *) state)->optimization = json_object_get (qs_json_get (cp, "optimization", json_type_object));
}

static void
s_save (const void *state, json_object *cp)
{
    const review_t *r = state;
    if (r->optimization)
        json_object_object_add (cp, "optimization", json_object_get (r->optimization));
}

static void
s_clear (void *state)
{
    review_t *r = state;
    json_object_put (r->optimization);
    r->optimization = NULL;
}

static const qs_flow_state_t s_state = {sizeof (review_t), s_load, s_save, s_clear};

static qs_node_rc_t
s_optimize (json_object *state, void *arg, qs_err_t *err)
{
    (void) state;
    qs_wf_run_t *run = arg;
    review_t *r = run->flow;
    if (!r->optimization && qs_optimize_recommendations (run, &r->optimization, err) != 0)
        return qs_wf_platform_rc (err);
    return QS_NODE_OK;
}

static const qs_node_def_t s_nodes[] = {
    {.name = "analyze", .fn = s_optimize, .max_attempts = 2},
};
static const qs_graph_def_t s_graph = {"optimize", "analyze", s_nodes, 1};

/*  "which is my most expensive service?": the three largest monthly costs
    after the review (the services listed with the turn, lent). New text
    or NULL. */
static char *
s_largest (json_object *services)
{
    size_t n = services ? json_object_array_length (services) : 0;
    json_object *top[3] = {NULL, NULL, NULL};
    for (size_t i = 0; i < n; i++) {
        json_object *s = json_object_array_get_idx (services, i);
        double cost = qs_json_double (s, "monthly_cost", 0);
        for (int k = 0; k < 3; k++)
            if (!top[k] || cost > qs_json_double (top[k], "monthly_cost", 0)) {
                memmove (&top[k + 1], &top[k], (size_t) (2 - k) * sizeof top[0]);
                top[k] = s;
                break;
            }
    }
    if (n < 2)
        return NULL;
    char line[3][160];
    for (int k = 0; k < 3; k++) {
        line[k][0] = '\0';
        if (top[k])
            snprintf (line[k], sizeof line[k], "%s**%s** $%.2f", k ? ", " : "",
                      qs_json_str (top[k], "name", "?"), qs_json_double (top[k], "monthly_cost", 0));
    }
    return qs_strdupf ("\nYour largest costs: %s%s%s (a month).\n", line[0], line[1], line[2]);
}

/*  The org's recommendations, in order: "apply the first one" refers to them. */
static int
s_run (qs_turn_t *t, qs_err_t *err)
{
    review_t r;
    memset (&r, 0, sizeof r);
    qs_strlcpy (r.head.intent, "optimize_costs", sizeof r.head.intent);
    qs_run_rc_t rc = qs_turn_run_graph (t, &s_graph, &s_state, &r, err);
    if (rc != QS_RUN_FAILED) {
        t->text = qs_answer_optimize (r.optimization);
        qs_err_t ignored = {0};
        char *largest = s_largest (qs_turn_services (t, &ignored));
        if (t->text && largest) {
            char *both = qs_strdupf ("%s%s", t->text, largest);
            if (both) {
                free (t->text);
                t->text = both;
            }
        }
        free (largest);
        qs_turn_set (&t->out.optimization, json_object_get (r.optimization));
        qs_dialogue_list_set (&t->dlg, "recommendations", qs_json_get (r.optimization, "recommendations", json_type_array));
    }
    s_clear (&r);
    qs_flow_head_clear (&r.head);
    return rc == QS_RUN_FAILED ? -1 : 0;
}

int
qs_optimize_recommendations_op (qs_req_t *req, void *arg)
{
    qs_wf_run_t run;
    qs_wf_run_init (&run, arg, req, NULL);
    json_object *reco = NULL;
    qs_err_t err = {0};
    if (qs_optimize_recommendations (&run, &reco, &err) != 0)
        return qs_req_fail_err (req, &err);
    return qs_req_reply (req, &reco);
}

const qs_flow_t qs_flow_optimize = {
    .intent = "optimize_costs", .workflow = "optimize", .run = s_run,
};
