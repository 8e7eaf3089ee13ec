/*  qs_resolve - which of the org's services a message is about (pure).

    In order: an explicit reference from extraction (id, then name); a
    service name written in the message; a service type named in the message
    when the org has exactly one of that type; the service most recently
    discussed in the conversation (context: "it", "its"); the
    only service of the org. Otherwise the candidates are returned so the
    assistant can ask. */
#ifndef QS_RESOLVE_H
#define QS_RESOLVE_H

#include <json-c/json.h>

/*  services: array of Service (lent). ref: extraction's service_ref (lent,
    may be NULL). type: a service type named in the message (may be NULL).
    context: array of {"id","name","service_type"} oldest first, the last
    being what "it" means (may be NULL).
    Returns the chosen Service (lent from services) or NULL; when NULL and
    candidates_p is given, *candidates_p is a new array (caller puts) of the
    services to choose from (those of the named type, else all). */
json_object *qs_resolve_service (json_object *services, const char *message, json_object *ref,
                                 const char *type, json_object *context,
                                 json_object **candidates_p);

/*  Services mentioned by the conversation's assistant messages, oldest
    first (the last is the most recent), deduplicated: reads
    metadata.services[] and metadata.config of each message (history: array of Message, oldest
    first). Returns a new array of {"id","name","service_type"}. */
json_object *qs_resolve_context (json_object *history);

#endif
