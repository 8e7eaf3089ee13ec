/*  qs_intent_text - the tokenizer shared by the classifier, its trainer and
    the extractor. A message becomes lowercase ASCII-ish tokens: letters and
    digits, with '-', '.', '_' kept only between two alphanumerics (so
    "orders-db", "7.2", "us-east-1" and "2gb" stay whole) and apostrophes
    dropped ("don't" -> "dont"). Bytes >= 0x80 are kept inside tokens. The
    tokens value is a plain struct, filled in place, never allocated. */
#ifndef QS_INTENT_TEXT_H
#define QS_INTENT_TEXT_H

#include <stddef.h>

#define QS_INTENT_TEXT_MAX   32768     /* bytes of a message considered */
#define QS_INTENT_MAX_TOKENS 2048

typedef struct {
    char buf[QS_INTENT_TEXT_MAX + QS_INTENT_MAX_TOKENS];
    const char *tok[QS_INTENT_MAX_TOKENS];   /* lent into buf */
    size_t start[QS_INTENT_MAX_TOKENS];      /* byte offset in the original text */
    size_t end[QS_INTENT_MAX_TOKENS];        /* one past the last byte */
    char brk[QS_INTENT_MAX_TOKENS];          /* punctuation right before token i
                                                (',' '.' ';' '?' '!' ':' or 0) */
    int n;
} qs_intent_tokens_t;

/*  Tokenize text (NULL is the empty message) into toks. Longer messages are
    cut at QS_INTENT_TEXT_MAX bytes / QS_INTENT_MAX_TOKENS tokens. */
void qs_intent_tokenize (const char *text, qs_intent_tokens_t *toks);

/*  True when token i of toks equals word (i may be out of range: false). */
int qs_intent_tok_is (const qs_intent_tokens_t *toks, int i, const char *word);

/*  True when word equals one of list (NULL-terminated). */
int qs_intent_word_in (const char *word, const char *const *list);

/*  Index of the first match of the space-separated phrase (e.g. "go ahead")
    at or after token from, or -1. */
int qs_intent_find_phrase (const qs_intent_tokens_t *toks, int from, const char *phrase);

#endif
