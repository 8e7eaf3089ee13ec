/*  qs_intent_lexicon - the vocabulary the rules and the extractor share:
    service-type synonyms, provisioning verbs, tier words. Pure functions
    over tokens; no state. */
#ifndef QS_INTENT_LEXICON_H
#define QS_INTENT_LEXICON_H

#include "qs_intent_text.h"

/*  The canonical service type ("redis", "rabbitmq", "postgresql",
    "mongodb", "mysql", "kafka", "elasticsearch") named at token i, or NULL.
    *len gets the number of tokens the name spans, *is_explicit 1 for a
    product name (postgres, mongo, ES) and 0 for a generic word (cache,
    queue, search). Either out pointer may be NULL. Lent string. */
const char *qs_intent_lex_type_at (const qs_intent_tokens_t *t, int i, int *len,
                                   int *is_explicit);

/*  The type the message asks about: the first product name, else the
    first generic word. *at gets its token index (may be NULL). Lent. */
const char *qs_intent_lex_first_type (const qs_intent_tokens_t *t, int *at);

/*  True when the message holds a provisioning verb ("create", "spin up",
    "need a", ...). */
int qs_intent_lex_has_create_verb (const qs_intent_tokens_t *t);

/*  The tier named by token i ("nano" .. "xlarge", "x-large", "extra large",
    "xl"), or NULL; *len as above. Lent. */
const char *qs_intent_lex_tier_at (const qs_intent_tokens_t *t, int i, int *len);

/*  True when the single word is a service-type or tier word ("redis",
    "cache", "medium"): such a word is never a service's name. */
int qs_intent_lex_is_vocabulary (const char *word);

/*  True when token i is shaped like a service's name with a dash
    ("orders-db"), and is no type or tier word ("x-large"). */
int qs_intent_lex_dashed_name_at (const qs_intent_tokens_t *t, int i);

/*  The count a number word says ("three" 3, "single"/"a" 1, up to
    "twelve" and "sixteen"), or -1. Digits are the caller's. */
long qs_intent_lex_number (const char *w);

/*  True when s is a valid canonical service type. */
int qs_intent_lex_is_type (const char *s);

#endif
