/*  qs_intent_fields - the extractor's region, environment and on/off
    (high availability, backups) readers; see qs_intent_extract.h for the
    mappings they implement. */
#ifndef QS_INTENT_FIELDS_H
#define QS_INTENT_FIELDS_H

#include <stddef.h>
#include "qs_intent_text.h"

/*  The region a message names, into out (size bytes); out is left as it
    was when none is named. */
void qs_intent_find_region (const qs_intent_tokens_t *t, char *out, size_t size);

/*  "production", "staging", "development" or NULL. Lent. */
const char *qs_intent_find_env (const qs_intent_tokens_t *t);

/*  High availability and backups: 1 asked for, 0 negated, -1 unset. */
void qs_intent_find_flags (const qs_intent_tokens_t *t, int *ha_p, int *backup_p);

#endif
