/*  qs_answer_llm - the assistant's words when an LLM is configured. The
    model only rewrites what the turn already produced (qs_answer_prompt
    builds its prompt); the findings, recommendations and numbers come from
    the workflows (qs_diagnose, qs_optimize), never from the model.

    Behaviour of a turn (qs_answer_llm_write):
    - a provisioning plan awaiting confirmation keeps its template: the plan
      table and price are what the user consents to, word for word;
    - the model's tokens go to on_token as they arrive;
    - it fails before its first token (breaker open, 503s, deadline, empty
      answer): nothing was sent, NULL is returned and the caller streams
      the template (engine "local");
    - it fails after tokens went out (or stops at max_tokens): what was
      sent cannot be taken back, so a separator line, a note that the
      explanation was cut off and the complete template answer follow; the
      caller gets the whole text (engine "llm", err says what broke);
    - a dollar amount in the model's text that appears nowhere in the facts
      or the template (an invented or computed price) is followed by a note
      and the template's exact figures (err "llm_unverified_amount");
    - another pending action (a diagnosis fix) gets a fixed confirmation line
      after the model's text ("reply yes / no"), never the model's wording.
    The returned text is always exactly the concatenation of what went to
    on_token, so a streaming client and the saved message agree.

    Thread use: stateless; the prompt file is read on each call (a few KB),
    so an operator's edit applies without a restart (main.c checks once at
    start that it loads). */
#ifndef QS_ANSWER_LLM_H
#define QS_ANSWER_LLM_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include "qs_err.h"
#include "qs_answer_prompt.h"
#include "qs_llm.h"

#define QS_ANSWER_LLM_MAX_TOKENS  1536          /* reasoning included on some models */
#define QS_ANSWER_LLM_RESERVE_MS  1500          /* left for saving and replying */

/*  How to call. */
typedef struct {
    int64_t remaining_ms;       /* the request's remaining budget (<= 0: no time left) */
    const char *request_id;     /* for log lines, may be NULL */
    const char *prompt_dir;     /* NULL = $QS_PROMPT_DIR, else the built-in folder */
    qs_llm_token_fn *on_token;  /* receives every piece of the answer, may be NULL */
    void *arg;
} qs_answer_llm_call_t;

/*  False when the template must stay: a provisioning plan awaiting
    confirmation, or no draft at all. */
bool qs_answer_llm_applies (const qs_answer_input_t *in);

/*  The fixed line asking to confirm the first pending action of actions,
    or NULL when none is pending. New string, caller frees. */
char *qs_answer_llm_confirmation (json_object *actions);

/*  Write the answer with llm (lent) as described above. Returns the whole
    answer as sent to on_token (new string, caller frees), or NULL when
    nothing was sent: then err is clear when the LLM does not apply to this
    turn, else it says why the LLM failed. A non-NULL return with err set
    means the model's text could not stand alone (stream broken, max_tokens,
    unknown amount) and the template completed the answer. */
char *qs_answer_llm_write (qs_llm_t *llm, const qs_answer_input_t *in,
                           const qs_answer_llm_call_t *call, qs_err_t *err);

#endif
