/*  qs_turn - one chat turn's state and the workflow each intent runs
    (provision, service and connection info, diagnose, optimize, general
    questions). qs_chat drives a turn; these fill its answer and metadata.
    Every function takes the turn (lent) and returns 0 / -1 with err. */
#ifndef QS_TURN_H
#define QS_TURN_H

#include <json-c/json.h>
#include "qs_graph.h"
#include "qs_wf.h"

typedef struct {
    qs_wf_run_t run;
    const char *message;
    char conv_id[64];
    json_object *history;       /* recent messages, oldest first */
    json_object *context;       /* services mentioned, oldest first */
    json_object *meta;          /* ChatResponse.metadata */
    json_object *actions;       /* ChatResponse.actions */
    json_object *timings;
    char intent[32];
    char *text;                 /* the answer (owned) */
} qs_turn_t;

/*  Start / finish a turn for req (frees what the turn owns, not the struct). */
void qs_turn_init (qs_turn_t *t, qs_wf_t *wf, qs_req_t *req);
void qs_turn_free (qs_turn_t *t);

/*  Record how long `what` took since `since` (qs_mono_ms) in timings_ms. */
void qs_turn_time (qs_turn_t *t, const char *what, int64_t since);
/*  The contract's Action (its public fields only) from a stored action.
    New object, caller puts. */
json_object *qs_turn_public_action (json_object *action);
/*  Remember a Service the turn talked about (metadata.services). */
void qs_turn_mention (qs_turn_t *t, json_object *service);
/*  Call service.op with the turn's request context, timed. */
int qs_turn_call (qs_turn_t *t, const char *service, const char *op, json_object *body,
                  json_object **reply_p, qs_err_t *err);
/*  intent.extract for the turn's message and services. New object or NULL. */
json_object *qs_turn_extract (qs_turn_t *t, qs_err_t *err);
/*  Run graph over state with checkpoints and step events; records the
    workflow name, step timings and a pending action in the turn. */
qs_run_rc_t qs_turn_run_graph (qs_turn_t *t, const qs_graph_def_t *g, json_object *state,
                               qs_err_t *err);

/*  The workflows behind the intents. prior: config gathered by an earlier
    turn that asked for the service type (may be NULL). */
int qs_turn_provision (qs_turn_t *t, json_object *prior, qs_err_t *err);
int qs_turn_info (qs_turn_t *t, int connection, qs_err_t *err);
int qs_turn_diagnose (qs_turn_t *t, qs_err_t *err);
int qs_turn_optimize (qs_turn_t *t, qs_err_t *err);
int qs_turn_general (qs_turn_t *t, qs_err_t *err);

#endif
