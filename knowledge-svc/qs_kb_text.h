/*  qs_kb_text - the tokenizer every part of the knowledge search shares, so
    BM25, embeddings and snippets agree on what a word is: lowercase runs of
    letters and digits (UTF-8 bytes kept), English stop words dropped, a light
    suffix stemmer ("clients" -> "client", "evicting" -> "evict"). */
#ifndef QS_KB_TEXT_H
#define QS_KB_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define QS_KB_TOKEN_MAX 40          /* longer words are cut */

/*  Called once per token; tok is lent and NUL-terminated. Return non-zero to
    stop the walk. */
typedef int (qs_kb_token_fn) (const char *tok, size_t len, void *arg);

/*  Walk the tokens of text (NUL-terminated). Returns the number of tokens
    visited. text may be NULL (then 0). */
size_t qs_kb_text_tokens (const char *text, qs_kb_token_fn *fn, void *arg);

/*  Same over the first len bytes of text. */
size_t qs_kb_text_tokens_n (const char *text, size_t len, qs_kb_token_fn *fn, void *arg);

/*  64-bit FNV-1a of len bytes, for hashing terms and features. */
uint64_t qs_kb_hash (const char *s, size_t len, uint64_t seed);



/*  Write into out (size bytes, always terminated) a short plain-text excerpt
    of text (Markdown) around the line that shares the most words with query,
    at most max_chars bytes plus "...". Cuts on UTF-8 boundaries. Returns out. */
char *qs_kb_text_snippet (const char *text, const char *query, size_t max_chars,
                          char *out, size_t size);
#endif
