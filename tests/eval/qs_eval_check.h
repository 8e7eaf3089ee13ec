/*  qs_eval_check - the socket-free part of the dialogue evaluation: does one
    ChatResponse meet a turn's expectations (tests/eval/README.md, "Turn
    expectations") and the contract's invariants (section 4 metadata, the
    section 5 cost formula, section 8 "never across orgs")? Written against
    the contract only: it reads the wire format, never the engine. */
#ifndef QS_EVAL_CHECK_H
#define QS_EVAL_CHECK_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/*  What the runner knows when a reply arrives. Every json_object is lent. */
typedef struct {
    const char *conversation_id;   /* "" before the first reply */
    const char *current;           /* the pending action the user would confirm now, "" none */
    const char *previous;          /* the action the current one superseded, "" none */
    json_object *org_ids;          /* object whose keys are the ids of the user's org's services */
    json_object *pricing;          /* GET /api/v1/pricing of the platform, or NULL */
    json_object *recs;             /* the last reply's recommendations (array) or NULL */
    json_object *list;             /* the last listed services (array) or NULL */
} qs_eval_seen_t;

/*  Resolve an expected string: "$rec[N].field" or "$svc[N].field" read the
    last recommendations / listed services ("$rec[N].action_type" is the
    action type that carries out recommendation N); anything else is itself.
    Returns a lent string, or NULL (with why set) when it cannot be resolved. */
const char *qs_eval_resolve (const qs_eval_seen_t *seen, const char *text, char *why, size_t size);

/*  Check reply (a ChatResponse) against expect (a turn's "expect" object,
    may be NULL). true when it fits; else false with the first mismatch in
    why. Only what the reply itself shows is checked here; the runner checks
    what needs another request (409 on a superseded action, the platform). */
bool qs_eval_check_reply (const qs_eval_seen_t *seen, json_object *expect, json_object *reply,
                          char *why, size_t size);

/*  The pending action of reply (lent), or NULL when it has none. */
json_object *qs_eval_pending (json_object *reply);

/*  The ids the reply is about (metadata.services, metadata.diagnosis,
    actions' service_id) as a new object with those keys (caller puts). */
json_object *qs_eval_subject (json_object *reply);

/*  Format a mismatch into why (size bytes); always returns false, so that a
    check can end with "return qs_eval_fail (...)". */
bool qs_eval_fail (char *why, size_t size, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/*  true when got equals want as JSON values (numbers by value). */
bool qs_eval_json_eq (json_object *want, json_object *got);

#endif
