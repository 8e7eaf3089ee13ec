/*  qs_flows - the flows of the assistant, one file each in this folder:
    its typed state (a struct that starts with qs_flow_head_t, with its
    checkpoint JSON form), its graph and nodes, and what the turn shows. The
    table in qs_flows.c maps intents to them. Adding a flow: its file, its
    declaration here and one row of the table (and the file in meson.build). */
#ifndef QS_FLOWS_H
#define QS_FLOWS_H

#include "qs_turn.h"

extern const qs_flow_t qs_flow_provision;      /* provision_service: plan, revise, create */
extern const qs_flow_t qs_flow_info;           /* get_service_info */
extern const qs_flow_t qs_flow_connection;     /* get_connection_info */
extern const qs_flow_t qs_flow_diagnose;       /* troubleshoot */
extern const qs_flow_t qs_flow_optimize;       /* optimize_costs */
extern const qs_flow_t qs_flow_manage;         /* manage_service: change, restart, delete */
extern const qs_flow_t qs_flow_general;        /* general_question */

/* ---- what flows share ---- */

/*  The provision graph (lent, static). Its nodes work on the flow's typed
    state (a plan: what was given, the full config, validation, estimate,
    the created service), checkpointed as JSON after every node. */
const qs_graph_def_t *qs_provision_graph (void);

/*  Validate a plan against the caller's role, the plan's quotas and sane
    values (pure). Returns a new {"ok":bool,"problems":[str]}. existing: the
    org's service names (array of strings, may be NULL). */
json_object *qs_provision_validate (const qs_config_t *config, const qs_auth_t *auth,
                                    json_object *quotas, json_object *pricing,
                                    json_object *existing);

/*  The diagnose graph (lent, static), over its typed state (the service, the
    data read, the diagnosis, history, sources, the fix and its verification). */
const qs_graph_def_t *qs_diagnose_graph (void);

/*  Diagnose service (a platform Service, lent) without a conversation: the
    gather and analyze nodes of the diagnose graph, so the same findings,
    and no pending action, history or record. *diagnosis_p is a new
    diagnosis (qs_diagnose_analyze's shape). 0, or -1 with err. */
int qs_diagnose_service (qs_wf_run_t *run, json_object *service, json_object **diagnosis_p,
                         qs_err_t *err);

/*  Gather what the optimizer needs and run it; *reco_p is a new
    RecommendationResponse. */
int qs_optimize_recommendations (qs_wf_run_t *run, json_object **reco_p, qs_err_t *err);
/*  Propose recommendation rec (lent, as qs_optimize_analyze gives it) as
    the turn's pending action (flows/manage.c): update_service, or
    delete_service for delete_idle, with service_id and change, and the
    dialogue's pending plan so "yes" (or the name) confirms it; a change the
    caller's role forbids (or that changes nothing) is explained with no
    action (qs_manage_plan, the checks of every change). label names it in the
    answer ("Recommendation #2"). 0, or -1 with err. */
int qs_manage_propose (qs_turn_t *t, json_object *rec, const char *label, qs_err_t *err);
/*  The recommendations op: {} -> RecommendationResponse (arg: the qs_wf_t). */
int qs_optimize_recommendations_op (qs_req_t *req, void *arg);

#endif
