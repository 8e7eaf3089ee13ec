/*  qs_intent_dialogue - the contextual reading of classify (proto/intent.md,
    "classify with a dialogue"): the message together with the summary of
    the conversation the workflow sends. A message that only changes
    settings while a plan is pending is that plan's intent (edit_plan); an
    answer to an open question keeps the asking request (answer); "what
    about X?" repeats the last question (what_about); "the first one"
    after a list points into it (list_ref); a short question about the
    subject ("is it healthy?", "how much does it cost?") reads as a
    question about that service (subject); "yes"/"cancel" with a pending
    plan (confirm/cancel). A complete request of its own beats all of
    these. Pure: no state beyond the classifier. */
#ifndef QS_INTENT_DIALOGUE_H
#define QS_INTENT_DIALOGUE_H

#include <json-c/json.h>
#include "qs_intent_classify.h"

/*  Classify message with history (as qs_intent_classify) and dialogue
    (lent, may be NULL: then exactly qs_intent_classify). result->followup
    says which contextual rule decided, NULL when none did. */
void qs_intent_classify_dialogue (const qs_intent_classifier_t *self, const char *message,
                                  json_object *history, json_object *dialogue,
                                  qs_intent_result_t *result);

#endif
