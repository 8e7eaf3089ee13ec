/*  qs_help - questions about the assistant itself ("what can you do?",
    "how can you help me?", "hi") and their answer: what it does, with
    examples that use the caller's own services and what their role allows.
    Answered here, without the knowledge base: no page describes the
    assistant to the person using it. */
#ifndef QS_HELP_H
#define QS_HELP_H

#include <json-c/json.h>
#include <stdbool.h>
#include "qs_auth.h"

/*  True when message asks about the assistant and nothing else: it speaks
    to the assistant (you, your, help, a greeting) and every other word is
    from the small vocabulary of such questions, so "what can you tell me
    about connection pooling?" is a knowledge question. */
bool qs_help_about_assistant (const char *message);

/*  The answer (the caller's, Markdown): services (lent, may be NULL) name
    the examples, auth (lent) the role's limits. NULL on allocation failure. */
char *qs_help_answer (const qs_auth_t *auth, json_object *services);

#endif
