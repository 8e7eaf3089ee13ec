/*  qs_answer_prompt - the prompt an LLM writes an answer from (see
    qs_answer_llm for the writing). It holds only what the turn already
    produced: the workflow's results (services without connection secrets,
    findings with evidence, recommendations, optimisation numbers, the plan
    and estimate, the retrieved passages with their titles), the template
    answer written from the same results, the user's message and the last
    turns. Secret-named keys are dropped, every string is passed through
    qs_redact and cut, arrays and numbers are bounded, and all the message
    contents together stay under QS_ANSWER_PROMPT_MAX bytes.

    The prompt text lives in prompts/answer.txt ("=== system ===" and
    "=== user ===" sections, {{placeholders}} filled once). Stateless. */
#ifndef QS_ANSWER_PROMPT_H
#define QS_ANSWER_PROMPT_H

#include <json-c/json.h>
#include "qs_err.h"

#define QS_ANSWER_PROMPT_MAX (32 * 1024)    /* bytes of all message contents */

/*  What the turn produced. Everything is lent. */
typedef struct {
    const char *intent;         /* the classified intent, may be NULL */
    const char *message;        /* the user's message; NULL on the action endpoints */
    json_object *history;       /* recent messages [{role, content}], oldest first, may be NULL;
                                   a last entry equal to message is skipped */
    json_object *meta;          /* the turn's metadata: workflow, config, estimate, validation,
                                   revision, diagnosis, data_gaps, optimization, change, services,
                                   verification, dialogue (the summary of qs_dialogue),
                                   sources_full; other keys are ignored */
    json_object *actions;       /* the turn's public Action objects, may be NULL */
    const char *draft;          /* the template answer written from the same results */
} qs_answer_input_t;

/*  The text of answer.txt in dir (NULL = $QS_PROMPT_DIR, else the source
    tree's workflow-svc/prompts). New string (caller frees), or NULL with
    err set. */
char *qs_answer_prompt_load (const char *dir, qs_err_t *err);

/*  The facts the model sees: the whitelisted parts of in->meta and
    in->actions, cleaned as described above. New object (caller puts), NULL
    on allocation failure. */
json_object *qs_answer_prompt_facts (const qs_answer_input_t *in);

/*  The chat messages [{"role","content"}] for in from the prompt text
    (lent). New array (caller puts), or NULL with err set (a prompt without
    its two sections, or out of memory). */
json_object *qs_answer_prompt_messages (const char *prompt, const qs_answer_input_t *in,
                                        qs_err_t *err);

#endif
