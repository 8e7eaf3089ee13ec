/*  qs_resolve - which of the org's services (or which item of the last list)
    a message is about, with the dialogue state (contract section 8). Pure.

    The services are always the caller's org's (listed with the user's own
    token), so a reference can never reach another org's service.

    Order: extraction's explicit reference (id, name) that is one of the
    org's services; a name written in the message (the longest); a
    forgiving name (case, spaces or underscores for hyphens, edit distance 1-2
    for longer names) when exactly one service fits; an ordinal or a name
    over the last list ("the first one", "#2", "the billing-db one"); "the
    other one"; an environment alone ("same for staging") = the subject's
    counterpart there (its type, the closest name); a pronoun ("it", "that
    one") = the subject; a service type ("the database", "my cache",
    "postgres") within the subject first, then the org, narrowed by an
    environment named with it ("the prod database"); nothing named = the
    subject, else the org's only service. A
    reference that fits several services is ambiguous: the candidates come
    back and nothing is chosen. */
#ifndef QS_RESOLVE_H
#define QS_RESOLVE_H

#include <json-c/json.h>
#include <stdbool.h>
#include "qs_dialogue.h"

typedef struct {
    json_object *service;       /* the Service chosen (lent from services), or NULL */
    json_object *candidates;    /* when several fit: new array of Service (qs_ref_clear puts) */
    const char *match;          /* id|name|fuzzy|ordinal|list_name|other|environment|pronoun|type|
                                   subject|only|"" */
    int index;                  /* position in the last list (ordinal, list_name), else -1 */
    bool named;                 /* the message itself named or pointed at a service */
} qs_ref_t;

typedef struct {
    const char *message;
    json_object *extract_ref;   /* extraction's service_ref (lent, may be NULL) */
    const char *type;           /* a service type extraction found (may be NULL) */
    const qs_dialogue_t *dlg;   /* lent, may be NULL */
    bool among_candidates;      /* answering "which one?": only the asked candidates count,
                                   and a part of a name is enough ("the billing one") */
} qs_resolve_in_t;

/*  Resolve in->message against services (array of Service, lent). Fills
    *ref (initialised here; free with qs_ref_clear). Returns 1 when one
    service was chosen, 0 when none (ref->candidates set when several fit or
    when the org has services to choose from). */
int qs_resolve (json_object *services, const qs_resolve_in_t *in, qs_ref_t *ref);
void qs_ref_clear (qs_ref_t *ref);

/*  The position in d's last list the message points at ("the first one",
    "#2", "number 3", "the last one", "the billing-db one"), or -1. */
int qs_resolve_list_index (const char *message, const qs_dialogue_t *d);

/*  True when the message points back at the subject ("it", "its", "that one",
    "this service", "them"). */
bool qs_resolve_pronoun (const char *message);

/*  The service types a generic word of the message stands for ("database" ->
    postgresql, mysql, mongodb; "cache" -> redis; "queue" -> rabbitmq,
    kafka; "search" -> elasticsearch), as a NULL-ended list of lent strings
    written into types (room for 8). Returns how many. */
int qs_resolve_type_words (const char *message, const char **types);


#endif
