/*  qs_flows - the flows of the assistant, one file each in this folder
    (graph + nodes + what the turn shows), and the table that maps intents
    to them (qs_flows.c). Adding a flow: its file, its declaration here and
    one row of the table (and the file in meson.build). */
#ifndef QS_FLOWS_H
#define QS_FLOWS_H

#include "qs_turn.h"

extern const qs_flow_t qs_flow_provision;      /* provision_service: plan, revise, create */
extern const qs_flow_t qs_flow_info;           /* get_service_info */
extern const qs_flow_t qs_flow_connection;     /* get_connection_info */
extern const qs_flow_t qs_flow_diagnose;       /* troubleshoot */
extern const qs_flow_t qs_flow_optimize;       /* optimize_costs */
extern const qs_flow_t qs_flow_manage;         /* manage_service (recommendations for now) */
extern const qs_flow_t qs_flow_general;        /* general_question */

/* ---- what flows share ---- */

/*  The provision graph (lent, static); exposed for tests. State in:
    {"intent","given":ServiceConfig+memory_mb,"name_hint"?}; out: {"config",
    "missing","defaults","validation","estimate","action"?,"decision"?,
    "service"?,"error"?}. */
const qs_graph_def_t *qs_provision_graph (void);

/*  Validate a plan against the caller's role, the plan's quotas and sane
    values (pure). Returns a new {"ok":bool,"problems":[str]}. existing: the
    org's service names (array of strings, may be NULL). */
json_object *qs_provision_validate (const qs_config_t *config, const qs_auth_t *auth,
                                    json_object *quotas, json_object *pricing,
                                    json_object *existing);

/*  The diagnose graph (lent, static). State in: {"message","service"};
    out: {"diagnosis","history","sources","action"?,"decision"?,"verification"?}. */
const qs_graph_def_t *qs_diagnose_graph (void);

/*  Gather what the optimizer needs and run it; *reco_p is a new
    RecommendationResponse. */
int qs_optimize_recommendations (qs_wf_run_t *run, json_object **reco_p, qs_err_t *err);
/*  The recommendations op: {} -> RecommendationResponse (arg: the qs_wf_t). */
int qs_optimize_recommendations_op (qs_req_t *req, void *arg);

#endif
