/*  qs_intent_handlers - the intent service's bus ops over the local engine
    (qs_intent_classify, qs_intent_extract) and, when configured, the LLM
    engine, which is tried first and falls back to local on any failure.

    classify  {"message", "history"?:[{"role","content"}]}
           -> {"intent","confidence","alternatives":[{"intent","confidence"}],
               "engine":"local|llm"}
    extract   {"message", "pricing"?, "context"?:[{"id","name","service_type"}]
               (oldest first) or {"services":[Service],"recent_service":{"id",..}}}
           -> {"config":{...},"missing":[...],"service_ref":{...}|null,
               "confirmation":"yes|no|none","memory_mb"?,"engine":"local|llm"}
    understand  the union of both bodies -> {"classification": classify's
               reply, "extraction": extract's reply} (one round trip)
    Bad bodies answer 400 bad_request; a message over 8000 characters 413. */
#ifndef QS_INTENT_HANDLERS_H
#define QS_INTENT_HANDLERS_H

#include "qs_intent_classify.h"
#include "qs_metrics.h"
#include "qs_worker.h"

#ifdef QS_INTENT_HAVE_LLM
#include "qs_intent_llm.h"
#else
/*  Hook for the LLM engine (intent-svc/qs_intent_llm.h); without it the
    pointer is always NULL and only the local engine answers. */
typedef struct _qs_intent_llm_t qs_intent_llm_t;
#endif

typedef struct _qs_intent_service_t qs_intent_service_t;

/*  A service over *classifier_p and *llm_p (both taken and nulled; llm may
    be NULL or point to NULL). metrics is lent and may be NULL. NULL on
    failure (what was taken is then destroyed). */
qs_intent_service_t *qs_intent_service_new (qs_intent_classifier_t **classifier_p,
                                            qs_intent_llm_t **llm_p, qs_metrics_t *metrics);
void qs_intent_service_destroy (qs_intent_service_t **self_p);

/*  The ops (arg: the qs_intent_service_t), registered by main. */
int qs_intent_op_classify (qs_req_t *req, void *arg);
int qs_intent_op_extract (qs_req_t *req, void *arg);
int qs_intent_op_understand (qs_req_t *req, void *arg);

#endif
