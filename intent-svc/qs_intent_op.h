/*  qs_intent_op - the operation a manage_service message asks for
    (contract section 9): scale to N replicas, a tier change (up, down or
    to a tier), high availability or backups on/off, restart, delete.

    An order verb ("scale", "upgrade", "turn off", "delete", "restart"),
    first in its clause or after "please"/"can you"/"to", makes the message
    an operation on its own (while a new service is planned only delete
    and restart do). A message of settings only ("make it large", "3
    replicas", "with HA") is one only when the caller knows it targets a
    running service (a resolved reference, or a pending update plan).
    A request for a new service ("create a redis with 3 replicas") never
    is. Pure functions over tokens; no state. */
#ifndef QS_INTENT_OP_H
#define QS_INTENT_OP_H

#include <json-c/json.h>
#include "qs_intent_text.h"

typedef enum {
    QS_INTENT_OP_NONE = 0,
    QS_INTENT_OP_SCALE,
    QS_INTENT_OP_TIER,
    QS_INTENT_OP_HA,
    QS_INTENT_OP_BACKUPS,
    QS_INTENT_OP_RESTART,
    QS_INTENT_OP_DELETE,
    QS_INTENT_OP_APPLY          /* "apply ...": a recommendation names the change */
} qs_intent_op_kind_t;

/*  What the extractor found in the message, as the operation reads it. */
typedef struct {
    const char *tier;           /* lent, or NULL */
    long replicas;              /* 0 = not stated (qs_intent_op_scale_to included) */
    int ha, backup;             /* -1 unset, 0 off, 1 on */
} qs_intent_op_fields_t;

typedef struct {
    qs_intent_op_kind_t kind;
    long replicas;              /* scale: the target count, 0 = relative or unknown */
    long delta;                 /* scale: "+2"/"-1" ("two more replicas"), 0 = none */
    const char *tier;           /* tier: the target tier (lent), or NULL */
    int direction;              /* tier/scale: 1 up, -1 down, 0 unstated */
    int enabled;                /* ha/backups: 1 on, 0 off */
} qs_intent_op_t;

/*  The operation of an order verb in t, or QS_INTENT_OP_NONE. "toggle"
    verbs (turn off, enable) give QS_INTENT_OP_HA as a stand-in: any order
    that changes a setting. Used by the classifier too. */
qs_intent_op_kind_t qs_intent_op_verb (const qs_intent_tokens_t *t);

/*  "scale it to 4", "scale orders-db to three": the count after a scale
    verb's "to", or 0. */
long qs_intent_op_scale_to (const qs_intent_tokens_t *t);

/*  True when t asks for a new service ("create a redis"), not for more of
    a running one ("add a replica to orders-db"). */
int qs_intent_op_asks_new (const qs_intent_tokens_t *t);

/*  The operation t asks for into *op (kind NONE when none). fields: what
    the extractor found. running: 1 when the message is known to aim at a
    running service (a resolved reference or a pending update plan), so
    settings alone are an operation; -1 while a new service is planned (only
    delete and restart are operations then); 0 unknown. */
void qs_intent_find_operation (const qs_intent_tokens_t *t, const qs_intent_op_fields_t *fields,
                               int running, qs_intent_op_t *op);

/*  {"op":"scale|tier|ha|backups|restart|delete","replicas"?,"delta"?,"tier"?,
    "direction"?:"up|down","enabled"?} as a new object, or NULL for none
    (and for apply) or on allocation failure. */
json_object *qs_intent_op_json (const qs_intent_op_t *op);

/*  Read an operation object (lent; as qs_intent_op_json writes it, from
    another engine) into *op. Absent/null members are unset; JSON null is
    no operation. 0, or -1 when anything is outside proto/intent.md (an
    unknown op or tier, a count outside 1..100, a toggle without
    "enabled", a scale or tier change that says nothing). */
int qs_intent_op_from_json (json_object *o, qs_intent_op_t *op);

#endif
