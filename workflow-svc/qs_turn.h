/*  qs_turn - one turn of the assistant (seed: AIEngineService), in one
    module: the chat op (conversation -> user message -> dialogue state ->
    classify + extract -> the state machine (qs_route) -> a flow, or
    confirm / cancel / revise the pending plan -> answer -> assistant
    message + dialogue state -> ChatResponse), the confirm and cancel ops,
    All ops take the qs_wf_t as arg.

      chat            {"message","conversation_id"?} -> ChatResponse, streaming
                      "intent", "step" and "token" partials
      action_confirm  {"action_id","confirm_name"?} -> ChatResponse of the resumed flow
      action_cancel   {"action_id"} -> ChatResponse
      recommendation_apply {"id","conversation_id"?} -> ChatResponse
                      proposing that recommendation (404 unknown / another org's)

    The flows (workflow-svc/flows/, one file each) fill a turn through the
    helpers below. Adding a flow = its file + one row of the table in
    flows/qs_flows.c. */
#ifndef QS_TURN_H
#define QS_TURN_H

#include <json-c/json.h>
#include <stdbool.h>
#include "qs_config.h"
#include "qs_dialogue.h"
#include "qs_graph.h"
#include "qs_resolve.h"
#include "qs_route.h"
#include "qs_wf.h"

#define QS_TURN_TIMINGS 24

/*  What a flow puts in ChatResponse.metadata (section 4), each a wire object
    owned by the turn, NULL when the flow has none. */
typedef struct {
    json_object *config, *estimate, *validation, *revision;   /* provision */
    json_object *diagnosis, *data_gaps;                       /* diagnose */
    json_object *optimization;                                 /* optimize */
    json_object *change;                                       /* manage */
    json_object *services;                                     /* the Services used */
    json_object *candidates;    /* the Services we ask the user to choose from */
    json_object *sources;                                      /* knowledge results cited */
    json_object *steps_ms;                                     /* the graph's node timings */
    char verification[320];
    char awaiting[16];          /* the open question: service_type / service / confirm_name */
    char knowledge_error[160];
    char llm_error[48];
} qs_turn_out_t;

typedef struct {
    qs_wf_run_t run;
    const char *message;        /* NULL on the action endpoints */
    char conv_id[64];
    json_object *history;       /* recent messages, oldest first (store edge) */
    qs_dialogue_t dlg;          /* the conversation's state, saved with the reply */
    int64_t dlg_version;
    bool dlg_loaded;
    char *user_text;            /* the user's message, stored with the answer (owned; NULL: stored) */
    bool conv_new;              /* conv_id is created with the answer (s_save) */
    char superseded[64];        /* the pending action this turn replaced, "" none */
    /* what the message says */
    char intent[32];
    double confidence;
    char intent_engine[16];
    qs_route_t route;
    json_object *extraction;    /* intent.extract's reply, or NULL */
    qs_config_t said;           /* the settings the message states */
    qs_dlg_op_t op;             /* the operation it asks for (manage_service), or the one a
                                   "which service?" answer continues */
    json_object *services;      /* the org's services, listed once per turn, or NULL */
    qs_ref_t ref;               /* the service the message is about */
    bool ref_done;
    /* the reply */
    char workflow[32];
    char *text;                 /* the answer (owned) */
    json_object *actions;       /* ChatResponse.actions */
    qs_turn_out_t out;
    struct {
        char what[24];
        int64_t ms;
    } timings[QS_TURN_TIMINGS];
    int ntimings;
} qs_turn_t;

/*  A flow: the intent that runs it, its metadata.workflow name, how it runs
    for a turn, and what it says once its pending action is decided. */
typedef struct {
    const char *intent;
    const char *workflow;
    int (*run) (qs_turn_t *t, qs_err_t *err);
    /*  The resumable graph behind its pending actions and its typed state,
        or NULL. */
    const qs_graph_def_t *(*graph) (void);
    const qs_flow_state_t *state;
    /*  Revise its pending plan with the message's settings, or NULL. */
    int (*revise) (qs_turn_t *t, qs_err_t *err);
    /*  After confirm / cancel: the answer from the action and the resumed
        typed state (both lent). */
    void (*decided) (qs_turn_t *t, json_object *action, void *state, const char *decision);
} qs_flow_t;

/*  The flow of an intent (general_question's when unknown), or by workflow
    (graph) name (NULL when none). Lent, static. */
const qs_flow_t *qs_flow_for_intent (const char *intent);
const qs_flow_t *qs_flow_for_workflow (const char *workflow);

/* ---- the ops ---- */
int qs_turn_chat_op (qs_req_t *req, void *arg);
int qs_turn_confirm_op (qs_req_t *req, void *arg);
int qs_turn_cancel_op (qs_req_t *req, void *arg);
int qs_turn_apply_op (qs_req_t *req, void *arg);

/* ---- for flows ---- */
/*  Record how long `what` took since `since` (qs_mono_ms). */
void qs_turn_time (qs_turn_t *t, const char *what, int64_t since);
/*  Call service.op with the turn's request context, timed. */
int qs_turn_call (qs_turn_t *t, const char *service, const char *op, json_object *body,
                  json_object **reply_p, qs_err_t *err);
/*  The message read by the intent service with the dialogue: *cls_p the
    classification (new, NULL on failure with err), t->extraction, t->said
    and t->op from the extraction. */
void qs_turn_understand (qs_turn_t *t, json_object **cls_p, qs_err_t *err);
/*  The org's services (lent, listed once per turn with the user's token), or
    NULL with err. */
json_object *qs_turn_services (qs_turn_t *t, qs_err_t *err);
/*  Which service the message is about (qs_resolve with the dialogue); the
    result stays in t->ref. 1 one, 0 none / ambiguous (t->ref.candidates),
    -1 when the services cannot be listed (err). */
int qs_turn_resolve (qs_turn_t *t, qs_err_t *err);
/*  Ask which service (candidates: array of Service, lent) for `what`
    ("diagnose"), and keep the question open for the answer. */
void qs_turn_ask_which (qs_turn_t *t, json_object *candidates, const char *what);
/*  After a flow revised the pending plan old (lent): true, with
    metadata.revision {supersedes, changes}, when a new plan replaced it;
    false when the old one still waits (the change could not be made). */
bool qs_turn_revised (qs_turn_t *t, const qs_dlg_pending_t *old);
/*  "what will that cost?" while a plan waits: its summary and price (the
    pending action, in the reply's actions), and it keeps waiting. 0 or -1. */
int qs_turn_plan_info (qs_turn_t *t, qs_err_t *err);
/*  Remember a Service the turn talked about: metadata.services and the
    subject. */
void qs_turn_mention (qs_turn_t *t, json_object *service);
/*  Run graph over the flow's typed state (lent; of type) with checkpoints
    and step events; records the workflow, step timings and a pending action
    (ChatResponse.actions). */
qs_run_rc_t qs_turn_run_graph (qs_turn_t *t, const qs_graph_def_t *g, const qs_flow_state_t *type,
                               void *flow, qs_err_t *err);
/*  The contract's Action (its public fields) from a stored action. New. */
json_object *qs_turn_public_action (json_object *action);
/*  Set a wire member of t->out (takes *value_p). */
void qs_turn_set (json_object **member, json_object *value);

#endif
