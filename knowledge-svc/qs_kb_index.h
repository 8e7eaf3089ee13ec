/*  qs_kb_index - the searchable knowledge base in memory: pages cut into
    section chunks, a BM25 index and an embedding per chunk, and hybrid search
    (reciprocal rank fusion of the lexical ranking, the local-embedding
    ranking and, when remote embeddings were attached, the remote one), with
    metadata filters, one result per page, a score and a snippet.

    Tenancy: a page is built-in (org_id "") or belongs to one org. A search
    sees the built-in pages plus its own org's pages only; the filter runs
    inside every ranking, before candidates are cut, so another org's pages
    never take a result slot.

    Thread-safe: searches share a read lock, put/remove take the write lock.
    Vector search is approximate on large indexes (qs_kb_vecs: an 8-bit scan
    re-scored exactly; recall@10 against the exact scan is measured by
    tests/knowledge/bench_knowledge); exact = true forces the brute-force
    float scan. */
#ifndef QS_KB_INDEX_H
#define QS_KB_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include "qs_err.h"
#include "qs_kb_corpus.h"

typedef struct _qs_kb_index_t qs_kb_index_t;

typedef enum {
    QS_KB_HYBRID = 0,       /* BM25 + vectors, fused */
    QS_KB_LEXICAL,          /* BM25 only */
    QS_KB_VECTOR,           /* local embeddings only */
    QS_KB_REMOTE            /* remote embeddings only (needs remote_q) */
} qs_kb_mode_t;

typedef struct {
    const char *q;
    const char *category;   /* NULL = any */
    const char *topic;      /* NULL = any */
    const char *org_id;     /* the caller's org, whose pages join the built-in
                               ones; NULL or "" = built-in pages only */
    int limit;              /* results wanted (pages) */
    qs_kb_mode_t mode;
    bool exact;             /* brute-force float vector scan */
    const float *remote_q;  /* the query's remote embedding, or NULL; lent */
    int remote_dim;
} qs_kb_query_t;

#define QS_KB_SNIPPET_MAX 240

typedef struct {
    char id[QS_KB_ID_MAX + 1];
    char title[QS_KB_TITLE_MAX + 1];
    char topic[32];
    char category[32];
    char heading[QS_KB_TITLE_MAX + 1];   /* section of the best chunk */
    double score;           /* hybrid: 0..1 (1 = first in both rankings) */
    char snippet[QS_KB_SNIPPET_MAX + 8];
} qs_kb_hit_t;

qs_kb_index_t *qs_kb_index_new (void);
void qs_kb_index_destroy (qs_kb_index_t **self_p);

/*  Add a page, replacing any page with the same id; page->org_id says whose
    it is ("" = built-in). page is lent (copied). 0, or -1 with err. */
int qs_kb_index_put (qs_kb_index_t *self, const qs_kb_page_t *page, qs_err_t *err);

/*  The texts the chunks of page are indexed and embedded from, in chunk
    order, exactly as put cuts them. *texts_p becomes a new array of new
    strings (free with qs_kb_index_texts_free). Returns the count or -1. */
int qs_kb_index_chunk_texts (const qs_kb_page_t *page, char ***texts_p);
void qs_kb_index_texts_free (char ***texts_p, int n);

/*  The same texts for the live page id, as the index holds it (to embed it
    again later). Returns the count, or -1 when the page is unknown or out of
    memory. */
int qs_kb_index_page_texts (qs_kb_index_t *self, const char *id, char ***texts_p);

/*  Attach remote embeddings to the chunks of page id: n vectors of dim
    floats (lent), in chunk order. 0, or -1 when the page is unknown, n does
    not match its chunks, or dim differs from earlier remote vectors. */
int qs_kb_index_put_remote (qs_kb_index_t *self, const char *id, const float *vecs, int n,
                            int dim);

/*  Remove a page, whoever owns it. 0, or -1 when no such page. */
int qs_kb_index_remove (qs_kb_index_t *self, const char *id);

/*  Remove page id only when it belongs to org_id (never a built-in page;
    "" matches nothing), checked and removed under one lock. 0, or -1 when
    there is no such page of that org. */
int qs_kb_index_remove_owned (qs_kb_index_t *self, const char *id, const char *org_id);

bool qs_kb_index_has (qs_kb_index_t *self, const char *id);

/*  The owner of live page id: copies its org id ("" = built-in) into org
    (size bytes) and returns 0, or returns -1 when there is no such page. */
int qs_kb_index_owner (qs_kb_index_t *self, const char *id, char *org, size_t size);

/*  Bulk loading: between begin and end, put skips the embeddings; end
    computes them all once with the final IDF statistics. */
void qs_kb_index_bulk_begin (qs_kb_index_t *self);
void qs_kb_index_bulk_end (qs_kb_index_t *self);

/*  Recompute every chunk embedding with the current IDF statistics (after a
    bulk load, so early pages are not weighted by a tiny corpus). */
void qs_kb_index_reembed (qs_kb_index_t *self);

/*  Search; writes at most max hits, best first. Returns the count or -1 with
    err (500 out of memory). */
int qs_kb_index_search (qs_kb_index_t *self, const qs_kb_query_t *query,
                        qs_kb_hit_t *hits, int max, qs_err_t *err);

/*  Live pages, live chunks, approximate heap bytes. */
size_t qs_kb_index_pages (qs_kb_index_t *self);
size_t qs_kb_index_chunks (qs_kb_index_t *self);
size_t qs_kb_index_memory (qs_kb_index_t *self);

#endif
