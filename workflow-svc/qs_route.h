/*  qs_route - the dialogue's state machine (contract section 8): what a
    message does given the conversation's state, the classification and the
    extraction. Pure, so the rules are tested without any process.

    The intent service's reading (classify "followup", DIALOGUE-SPEC) is
    used when present; an older intent service gives none, and the rules
    below still decide from the extraction and a few cue words:
      pending plan + yes / no                      -> confirm / cancel
      pending plan + no and a setting ("no wait, small") -> edit the plan
      pending provision plan + settings, no new request
                                                   -> edit the plan
      pending update_service + settings for it     -> revise the change
      pending plan + "what will that cost?"        -> the plan's cost, still pending
      "undo that" after a change made here          -> manage: the way back
      "why not?" right after a refusal             -> its reason
      open "which type?" + a service type          -> continue the plan
      open "which service?" + an answer            -> continue the question
      last list of recommendations + "apply the first one" / "#2" / a name
                                                   -> manage (that item)
      "what about X?" / "and X?" / "same for X"    -> the last question kind
      a follow-up about the subject: "is it healthy?" -> troubleshoot,
      "how much does it cost?" -> get_service_info (not the org's table)
      otherwise                                    -> the classified intent */
#ifndef QS_ROUTE_H
#define QS_ROUTE_H

#include <stdbool.h>
#include "qs_config.h"
#include "qs_dialogue.h"

typedef enum {
    QS_ROUTE_FLOW = 0,          /* run the flow of `intent` */
    QS_ROUTE_CONFIRM,           /* execute the pending plan */
    QS_ROUTE_CANCEL,            /* cancel the pending plan */
    QS_ROUTE_EDIT,              /* revise the pending plan with the message's settings */
    QS_ROUTE_ANSWER,            /* continue the open clarification (intent = its request) */
    QS_ROUTE_PLAN               /* a question about the pending plan ("what will that cost?") */
} qs_route_kind_t;

typedef struct {
    const char *message;
    const char *intent;         /* classified */
    double confidence;
    const char *followup;       /* classify's "followup", NULL/"" / "none" when absent */
    const char *confirmation;   /* extract's "yes|no|none" */
    const qs_config_t *config;  /* the settings the message states */
    bool names_service;         /* the message names one of the org's services */
    bool refers_service;        /* it names or points at one ("the database", "it", a name) */
} qs_route_in_t;

typedef struct {
    qs_route_kind_t kind;
    char intent[32];            /* the flow to run (or that the action belongs to) */
    char followup[16];          /* why: edit_plan, answer, subject, what_about, list_ref, social,
                                   catalog, plan, undo, why, "" */
    int list_index;             /* the last list's item for list_ref, else -1 */
} qs_route_t;

/*  Decide for in with d (both lent). */
void qs_route_decide (const qs_dialogue_t *d, const qs_route_in_t *in, qs_route_t *out);

/*  True when the message asks for something new to be created ("create",
    "I need", "set up", "spin up", "provision", "deploy", "new"). */
bool qs_route_new_request (const char *message);

/*  The service named after "what about" / "how about" / "and" / "same for"
    ... when the message is that kind of follow-up: true, and the text after
    the cue in rest (may be empty). */
bool qs_route_what_about (const char *message, char *rest, size_t size);

#endif
