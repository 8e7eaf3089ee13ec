/*  qs_intent_prompt - the prompt templates of the intent LLM engine
    (internal to intent-svc, used by qs_intent_llm): a template read from
    <dir>/<base>.txt ("=== system ===" then "=== user ===" sections, the user
    part holding {{message}}) and <dir>/<base>.schema.json, the rendering of
    its {{name}} placeholders, and the cleaning of outside text (secrets
    masked, length capped, UTF-8 kept whole) before it reaches a prompt.
    A loaded template is read-only, so threads may share it. */
#ifndef QS_INTENT_PROMPT_H
#define QS_INTENT_PROMPT_H

#include <json-c/json.h>
#include <stddef.h>

typedef struct _qs_intent_prompt_t qs_intent_prompt_t;

/*  Load the template base from dir (both lent). NULL when a file is missing,
    too large, malformed, or the user part has no {{message}}. */
qs_intent_prompt_t *qs_intent_prompt_load (const char *dir, const char *base);

/*  Free the template; accepts NULL and nulls *self_p. */
void qs_intent_prompt_destroy (qs_intent_prompt_t **self_p);

/*  The system message (lent). */
const char *qs_intent_prompt_system (qs_intent_prompt_t *self);

/*  The JSON schema of the answer (lent). */
json_object *qs_intent_prompt_schema (qs_intent_prompt_t *self);

/*  The user message: each {{names[i]}} replaced with the JSON text of
    values[i] (both lent); other {{...}} stay as text. The caller frees the
    result; NULL when out of memory. */
char *qs_intent_prompt_render (qs_intent_prompt_t *self, const char **names,
                               json_object **values, int n);

/*  A copy of outside text (lent, NULL = "") fit for a prompt: at most max
    bytes, never cut inside a UTF-8 sequence, secrets masked by qs_redact.
    The caller frees it; NULL when out of memory. */
char *qs_intent_prompt_clean (const char *text, size_t max);

/*  The last user/assistant turns of history (lent; anything but an array
    gives none) as a new array of {"role","content"}, each content cleaned.
    The caller puts it. */
json_object *qs_intent_prompt_history (json_object *history);

#endif
