/*  qs_kb_embed - local text embeddings with no model: every word adds a
    hashed word feature and hashed character 3- and 4-gram features (so typos
    and word variants still land close), weighted by the word's IDF in the
    corpus, and the sum is L2-normalised. Cosine similarity is then a dot
    product. Pure functions; the IDF source is lent for the call. */
#ifndef QS_KB_EMBED_H
#define QS_KB_EMBED_H

#include <stddef.h>
#include <stdint.h>
#include "qs_kb_bm25.h"

#define QS_KB_DIM 256

/*  Write the embedding of text into out[QS_KB_DIM]. stats may be NULL (then
    every word weighs the same). An empty text gives the zero vector. */
void qs_kb_embed_text (const char *text, const qs_kb_bm25_t *stats, float *out);

/*  Dot product of two QS_KB_DIM vectors. */
float qs_kb_embed_dot (const float *a, const float *b);

#endif
