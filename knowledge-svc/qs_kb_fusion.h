/*  qs_kb_fusion - reciprocal rank fusion for qs_kb_index's hybrid search:
    rankings merged into one list by weight / (QS_KB_RRF_K + rank), and the
    engines a query names (redis, kafka, ...) so their pages can get a bonus
    that is softer than a filter. Plain values only: nothing is allocated,
    every array is owned by the caller. */
#ifndef QS_KB_FUSION_H
#define QS_KB_FUSION_H

#include <stdbool.h>
#include <stdint.h>
#include "qs_kb_bm25.h"

#define QS_KB_RRF_K 60.0

typedef struct {
    uint32_t chunk;
    double score;
} qs_kb_fused_t;

/*  The engines a query names. */
typedef struct {
    bool named[8];
    bool any;
} qs_kb_topics_t;

/*  Fuse a ranking (list, best first, n entries; lent) into fused, which
    holds *n_fused entries and must have room for n more. */
void qs_kb_fusion_add (qs_kb_fused_t *fused, int *n_fused, const qs_kb_scored_t *list, int n,
                       double weight);

/*  Best score first; ties by chunk number, so the order is stable. */
void qs_kb_fusion_sort (qs_kb_fused_t *fused, int n);

/*  The engines named among the words of q (lent), into *topics. */
void qs_kb_fusion_topics (const char *q, qs_kb_topics_t *topics);

/*  Whether pages of topic (lent) are about what the query names: one of its
    engines, or "platform" (pricing, Kubernetes failures apply to every
    engine). */
bool qs_kb_fusion_names (const qs_kb_topics_t *topics, const char *topic);

#endif
