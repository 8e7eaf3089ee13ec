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

/*  What a message that only acknowledges, agrees, declines, thanks or says
    goodbye does ("thanks!", "ok", "yes", "no", "bye"); NONE for anything
    else. Ordered: the strongest word of the message wins. */
typedef enum {
    QS_SOCIAL_NONE = 0, QS_SOCIAL_ACK, QS_SOCIAL_YES, QS_SOCIAL_NO, QS_SOCIAL_THANKS, QS_SOCIAL_BYE
} qs_help_social_t;
qs_help_social_t qs_help_social (const char *message);

/*  The reply to such a message (question_open: a clarifying question was
    open and is dropped; plan_waiting: a plan still awaits its yes or no,
    which the reply recalls). Lent, static text; NULL for NONE. */
const char *qs_help_social_answer (qs_help_social_t kind, bool question_open, bool plan_waiting);

/*  The answer (the caller's, Markdown): services (lent, may be NULL) name
    the examples, auth (lent) the role's limits. NULL on allocation failure. */
char *qs_help_answer (const qs_auth_t *auth, json_object *services);

#endif
