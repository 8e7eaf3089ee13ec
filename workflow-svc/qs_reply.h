/*  qs_reply - a turn's ChatResponse parts: the metadata of contract section
    4 (confidence, workflow, sources, engine, timings and the flow's own),
    and the answer text, written by the LLM when one is configured (with the
    dialogue state among its facts; validated as qs_answer_llm does) or by
    the template, streamed as "token" partials. */
#ifndef QS_REPLY_H
#define QS_REPLY_H

#include "qs_turn.h"

/*  ChatResponse.metadata for t, engine "local" or "llm". New object. */
json_object *qs_reply_metadata (qs_turn_t *t, const char *engine);

/*  Write and stream t->text (replaced by the LLM's words when it answers).
    Returns the engine that wrote it ("llm" or "local", lent). */
const char *qs_reply_write (qs_turn_t *t);

#endif
