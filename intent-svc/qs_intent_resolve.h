/*  qs_intent_resolve - the service a message refers to, read with the
    conversation's dialogue summary (proto/intent.md): ordinals and names
    over the last list ("the first one", "#2", "the billing-db one"),
    forgiving names (case, spaces or underscores for hyphens, an edit
    distance of 1-2 when exactly one service fits), "the other one",
    "the database/cache/queue" (the subject first, then the org; several
    -> candidates), then the plain references of qs_intent_ref (pronouns
    mean the subject). Never outside the services it is given. */
#ifndef QS_INTENT_RESOLVE_H
#define QS_INTENT_RESOLVE_H

#include <json-c/json.h>
#include "qs_intent_text.h"

/*  What a reference may point at. All lent; any may be NULL. */
typedef struct {
    const char *message;        /* the raw message ("#2" keeps its '#' only here) */
    json_object *known;         /* [{"id","name","service_type"}], the subject last */
    json_object *subject;       /* dialogue.subject, most recent last */
    json_object *last_list;     /* dialogue.last_list {"kind","items":[...]} */
    int candidates;             /* 1: report ambiguity (callers that send services
                                   or a dialogue); 0: the most recent fit, as before */
} qs_intent_scope_t;

/*  The services known to a request as a new array (caller puts), most
    recent last: context (list, oldest first), then services not already
    in it, then the subject's entries moved last. NULL on allocation
    failure. Arguments lent, each may be NULL. */
json_object *qs_intent_scope_known (json_object *context, json_object *services,
                                    json_object *subject);

/*  The reference as a new object {"id","name","service_type","resolved",
    "match":"id|name|fuzzy|type|pronoun|other|ordinal|list_name",
    "index"?,"candidates"?} or NULL when the message names none.
    skip_tok: a token that is not a reference (a new service's name), or -1. */
json_object *qs_intent_resolve (const qs_intent_tokens_t *t, const qs_intent_scope_t *scope,
                                int skip_tok);

#endif
