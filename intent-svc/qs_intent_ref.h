/*  qs_intent_ref - what a message points at and how it answers a question:
    the service reference ("my orders-db", "the cache", "it") resolved
    against the caller's context, and the yes/no reading of a reply to a
    confirmation prompt. */
#ifndef QS_INTENT_REF_H
#define QS_INTENT_REF_H

#include <json-c/json.h>
#include "qs_intent_text.h"

/*  The service the message refers to, as a new object
    {"id","name","service_type","resolved":bool,"match":"name|type|pronoun"}
    (id/name/service_type null when unknown), or NULL when it names none.
    context: [{"id","name","service_type"}] oldest first (lent, may be
    NULL); a pronoun means its last entry. skip_tok: a token index that is
    not a reference (the new service's name), or -1. */
json_object *qs_intent_service_ref (const qs_intent_tokens_t *t, json_object *context,
                                    int skip_tok);

/*  A reference object {"id","name","service_type","resolved","match"}:
    the entry's (lent, may be NULL: unresolved, then name/type, lent, may
    be NULL) with the match kind. New object or NULL (allocation). */
json_object *qs_intent_ref_json (json_object *entry, const char *name, const char *type,
                                 const char *match);

/*  "yes", "no" or "none" (lent). yes: yes/y/sure/ok/go ahead/confirm/do it/
    proceed...; no: no/n/cancel/stop/don't/abort/never mind...; a reply that
    says more ("yes, but make it large") is none. */
const char *qs_intent_confirmation (const qs_intent_tokens_t *t);

#endif
