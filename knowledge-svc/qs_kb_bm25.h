/*  qs_kb_bm25 - an incremental inverted index with Okapi BM25 scoring over
    numbered chunks (0, 1, 2, ... in the order they are added). Chunks can be
    removed; statistics (document frequency, average length) follow. Not
    thread-safe: the owner (qs_kb_index) locks. */
#ifndef QS_KB_BM25_H
#define QS_KB_BM25_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct _qs_kb_bm25_t qs_kb_bm25_t;

typedef struct {
    uint32_t chunk;
    float score;
} qs_kb_scored_t;

/*  Return true to keep a chunk in the results (metadata filters). */
typedef bool (qs_kb_accept_fn) (uint32_t chunk, void *arg);

qs_kb_bm25_t *qs_kb_bm25_new (void);
void qs_kb_bm25_destroy (qs_kb_bm25_t **self_p);

/*  Index text as the next chunk; returns its number, or -1 on allocation
    failure. */
int64_t qs_kb_bm25_add (qs_kb_bm25_t *self, const char *text);

/*  Forget a chunk (its number is never reused). */
void qs_kb_bm25_remove (qs_kb_bm25_t *self, uint32_t chunk);

/*  Best chunks for the query, highest score first, written to out (at most
    max). accept may be NULL. Returns the count, or -1 on allocation failure. */
int qs_kb_bm25_search (const qs_kb_bm25_t *self, const char *query,
                       qs_kb_accept_fn *accept, void *arg,
                       qs_kb_scored_t *out, int max);

/*  Inverse document frequency of one (already tokenized) term; terms never
    seen get the highest value. */
float qs_kb_bm25_idf (const qs_kb_bm25_t *self, const char *term, size_t len);

/*  True when the (already tokenized) term occurs in some live chunk. */
bool qs_kb_bm25_known (const qs_kb_bm25_t *self, const char *term, size_t len);

/*  Live chunk count and approximate heap bytes used. */
size_t qs_kb_bm25_size (const qs_kb_bm25_t *self);
size_t qs_kb_bm25_memory (const qs_kb_bm25_t *self);

/*  Sort scored items by score descending (ties by chunk ascending). */
void qs_kb_scored_sort (qs_kb_scored_t *items, size_t n);

#endif
