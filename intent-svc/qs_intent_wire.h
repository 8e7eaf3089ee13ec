/*  qs_intent_wire - the closed sets of values the intent ops put on the
    wire beyond the contract's ServiceConfig (proto/intent.md): classify's
    followup kinds, service_ref match kinds and manage operations. The
    local engine writes them and the LLM engine's answers are checked
    against them, so both speak the same values. */
#ifndef QS_INTENT_WIRE_H
#define QS_INTENT_WIRE_H

/*  NULL-terminated lists (read-only). */
extern const char *const qs_intent_wire_followups[];  /* "edit_plan", "answer", ... */
extern const char *const qs_intent_wire_matches[];    /* "id", "name", "fuzzy", ... */
extern const char *const qs_intent_wire_ops[];        /* "scale", ..., "delete" */
extern const char *const qs_intent_wire_tiers[];      /* "nano" .. "xlarge" */

/*  Index of value in list, or -1 (value may be NULL). */
int qs_intent_wire_find (const char *const *list, const char *value);

#endif
