/*  qs_kb_vecs - a store of unit vectors numbered like the index's chunks,
    with nearest-neighbour search by dot product: exact (brute force over
    the float vectors) or approximate (an 8-bit copy stored by dimension, so
    a query reads only its heaviest dimensions, then the best candidates are
    re-scored exactly). Used for the local embeddings and, when configured,
    remote ones. Not thread-safe: the owner (qs_kb_index) locks. */
#ifndef QS_KB_VECS_H
#define QS_KB_VECS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "qs_kb_bm25.h"

typedef struct _qs_kb_vecs_t qs_kb_vecs_t;

/*  New empty store of dim-dimensional vectors (1..4096). NULL on failure. */
qs_kb_vecs_t *qs_kb_vecs_new (int dim);
void qs_kb_vecs_destroy (qs_kb_vecs_t **self_p);

int qs_kb_vecs_dim (const qs_kb_vecs_t *self);

/*  Make room for vectors 0..n-1 (new ones are zero). 0 or -1. */
int qs_kb_vecs_reserve (qs_kb_vecs_t *self, uint32_t n);

/*  Store vector v (dim floats, lent) as number i (< reserved); NULL zeroes it. */
void qs_kb_vecs_set (qs_kb_vecs_t *self, uint32_t i, const float *v);

/*  Vector i (lent; dim floats). */
const float *qs_kb_vecs_get (const qs_kb_vecs_t *self, uint32_t i);

/*  Best vectors among 0..n-1 for query q (dim floats) that accept keeps,
    highest dot product first, at most max. Returns the count. */
int qs_kb_vecs_search (const qs_kb_vecs_t *self, const float *q, uint32_t n,
                       qs_kb_accept_fn *accept, void *arg,
                       qs_kb_scored_t *out, int max, bool exact);

size_t qs_kb_vecs_memory (const qs_kb_vecs_t *self);

#endif
