/*  qs_wf_flows - the diagnose and optimize workflows, declared as graphs
    over the shared run context (qs_wf_run_t).

    diagnose:  identify -> gather -> analyze -> history -> knowledge -> propose
               -> (confirm [interrupt] -> execute -> verify) -> record
    optimize:  fetch -> analyze

    State in: {"message","ref"?,"type"?,"context"?}; out (diagnose):
    {"service","candidates"?,"diagnosis","history","sources","action"?,
     "decision"?,"verification"?}; (optimize): {"optimization"}. */
#ifndef QS_WF_FLOWS_H
#define QS_WF_FLOWS_H

#include "qs_graph.h"
#include "qs_wf.h"

const qs_graph_def_t *qs_diagnose_graph (void);
const qs_graph_def_t *qs_optimize_graph (void);

/*  Diagnose service (a platform Service, lent) without a conversation: the
    gather and analyze nodes of the diagnose graph, so the same findings,
    and no pending action, history or record. *diagnosis_p is a new
    diagnosis (qs_diagnose_analyze's shape). 0, or -1 with err. */
int qs_wf_diagnose_service (qs_wf_run_t *run, json_object *service, json_object **diagnosis_p,
                            qs_err_t *err);

/*  Gather what the optimizer needs and run it; *reco_p is a new
    RecommendationResponse. Used by the recommendations op and the graph. */
int qs_wf_recommendations (qs_wf_run_t *run, json_object **reco_p, qs_err_t *err);

#endif
