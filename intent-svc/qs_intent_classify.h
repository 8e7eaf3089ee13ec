/*  qs_intent_classify - the local engine's classify op: the trained model
    plus high-precision rules (error strings, "connection string", cost
    words, a provisioning verb next to a service type) that add to the
    model's scores, and the conversation history for short follow-ups
    ("and its connection string?", "what about the staging one"), which
    borrow the intent of the previous user turns.

    A classifier is read-only after creation: share it between threads. */
#ifndef QS_INTENT_CLASSIFY_H
#define QS_INTENT_CLASSIFY_H

#include <json-c/json.h>
#include "qs_intent_model.h"

typedef struct _qs_intent_classifier_t qs_intent_classifier_t;

typedef struct {
    int intent;                          /* qs_intent_t */
    float confidence;                    /* probs[intent] */
    float probs[QS_INTENT_COUNT];
    const char *followup;                /* how the dialogue read it ("edit_plan", ...),
                                            NULL = not at all; lent, static */
} qs_intent_result_t;

/*  A classifier over the built-in (build-time trained) model. NULL on
    allocation failure. */
qs_intent_classifier_t *qs_intent_classifier_new (void);
/*  A classifier over *model_p (takes ownership, nulls it). NULL on failure
    (the model is then destroyed). */
qs_intent_classifier_t *qs_intent_classifier_new_with_model (qs_intent_model_t **model_p);
void qs_intent_classifier_destroy (qs_intent_classifier_t **self_p);

/*  Classify message (NULL = empty). history (lent, may be NULL) is the
    chronological [{"role":"user|assistant","content":...}] before it. */
void qs_intent_classify (const qs_intent_classifier_t *self, const char *message,
                         json_object *history, qs_intent_result_t *result);

/*  The op's reply: {"intent","confidence","alternatives":[{"intent",
    "confidence"}],"followup"?,"engine":"local"}. New object (caller puts)
    or NULL. */
json_object *qs_intent_result_json (const qs_intent_result_t *result);

#endif
