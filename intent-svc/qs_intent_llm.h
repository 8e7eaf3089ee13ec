/*  qs_intent_llm - the LLM engine of quickspin-intent: classify and extract
    through an OpenAI-compatible chat API (common/llm/qs_llm.h), with prompt
    templates kept as files (intent-svc/prompts/) and strict validation of
    what comes back. Any failure (HTTP, deadline, breaker, invalid JSON, a
    value outside the contract) returns -1 so the caller falls back to the
    local engine.

    Prompt directory: the prompt_dir argument, else QS_PROMPT_DIR, else the
    directory compiled in as QS_INTENT_PROMPT_DIR (meson passes the source
    tree's intent-svc/prompts), else "intent-svc/prompts". It holds
    classify.txt, extract.txt and their JSON schemas classify.schema.json,
    extract.schema.json (sent as json_schema strict; the client drops to
    json_object when the model refuses).

    Environment: QS_LLM_BASE_URL (unset = engine off), QS_LLM_API_KEY,
    QS_LLM_MODEL, QS_LLM_TIMEOUT_MS (per call, default 8000),
    QS_LLM_REASONING_EFFORT (default "low"; "" = not sent).

    Only the user's message, recent conversation turns, the service list
    and the documented keys of the dialogue summary reach the prompt, each
    passed through qs_redact; bearer tokens and other
    secrets are never put in it. An instance may be used by several threads
    (qs_llm is thread-safe; the templates are read-only after new). */
#ifndef QS_INTENT_LLM_H
#define QS_INTENT_LLM_H

#include <json-c/json.h>
#include "qs_err.h"
#include "qs_llm.h"
#include "qs_metrics.h"

typedef struct _qs_intent_llm_t qs_intent_llm_t;

/*  New engine, or NULL when QS_LLM_BASE_URL is unset or empty (the LLM is
    off: not an error), or when the templates cannot be loaded (logged).
    prompt_dir NULL = the default location above; it is read at once. */
qs_intent_llm_t *qs_intent_llm_new (const char *prompt_dir);

/*  Free the engine and null the pointer; accepts NULL. */
void qs_intent_llm_destroy (qs_intent_llm_t **self_p);

/*  Optional: export the client's qs_llm_* metrics into metrics (lent; must
    outlive the engine). Call before threads share the engine. 0 or -1. */
int qs_intent_llm_set_metrics (qs_intent_llm_t *self, qs_metrics_t *metrics);

/*  Classify message (the latest user message) given history (lent; NULL or
    an array of {"role":"user|assistant","content"}, oldest first; the last
    6 turns are used). On success returns 0 and sets *result_p to a new
    object the caller puts:
      {"intent","confidence","alternatives":[{"intent","confidence"}],"engine":"llm"}
    with every intent one of the seven of the contract (section 4, 9),
    confidences in [0,1] and "followup" (proto/intent.md) when the model
    read the message with the dialogue. dialogue (lent, may be NULL) is
    the workflow's dialogue summary; its documented keys reach the prompt. Returns -1 with err set on any failure or invalid
    answer. request_id (may be NULL) is used in log lines only. */
int qs_intent_llm_classify (qs_intent_llm_t *self, const char *request_id, const char *message,
                            json_object *history, json_object *dialogue, json_object **result_p,
                            qs_err_t *err);

/*  Extract ServiceConfig fields from message. pricing (lent, may be NULL) is
    the platform's GET /api/v1/pricing body: its tiers let "4 GB" map to the
    smallest fitting tier. context (lent, may be NULL) is either the intent
    service's list [{"id","name","service_type"}] oldest first (the last one
    is what "it" refers to), or an object
      {"services":[Service],            the user's services, for service_ref
       "recent_service":{"id","name"},  what "it" refers to, or absent
       "awaiting_confirmation":bool,    an action waits for yes/no, or absent
       "history":[{"role","content"}]}  recent turns
    Only id, name, service_type, tier and environment of a service reach
    the prompt.
    On success returns 0 and sets *result_p to a new object the caller puts:
      {"config":{only the fields found, typed and within the contract's enums},
       "missing":[field names],
       "service_ref":{"id","name","service_type","resolved","match","index"?,
                      "candidates"?}|null  (ids always among the known services),
       "operation":{...}|null  (qs_intent_op_from_json),
       "confirmation":"yes|no|none","engine":"llm"}
    the same shape and values as the local engine. services (lent, may be
    NULL): the org's services; dialogue (lent, may be NULL): the summary.
    Returns -1 with err set on any failure or invalid answer. */
int qs_intent_llm_extract (qs_intent_llm_t *self, const char *request_id, const char *message,
                           json_object *pricing, json_object *context, json_object *services,
                           json_object *dialogue, json_object **result_p, qs_err_t *err);

#endif
