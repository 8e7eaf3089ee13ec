/*  qs_kb - the knowledge service's logic, without sockets: the index seeded
    from the built-in corpus, the shared document store, and the three ops
    (search, add_document, delete_document) as JSON in -> JSON out, so the
    bus handlers are thin and unit tests call these directly. Thread-safe.

    Every org is a tenant (contract section 3): a document an org's admin
    adds belongs to that org; search returns the built-in pages plus the
    caller's org's documents; only the owning org's admins delete a document
    (another org's id answers 404 like a missing one); built-in pages cannot
    be deleted (403). */
#ifndef QS_KB_H
#define QS_KB_H

#include <json-c/json.h>
#include "qs_auth.h"
#include "qs_err.h"
#include "qs_kb_index.h"

typedef struct _qs_kb_t qs_kb_t;

typedef struct {
    const char *corpus_dir;     /* built-in pages; NULL = none */
    const char *store_path;     /* store URL shared by the workers; NULL = no persistence */
    const char *embeddings_url; /* OpenAI-compatible embeddings API; NULL = local only */
    const char *embeddings_model;
    const char *embeddings_key; /* a secret; NULL = none */
    int remote_backoff_ms;      /* pause after the API fails; 0 = 30 s */
} qs_kb_config_t;

#define QS_KB_Q_MAX       1000  /* characters of a query */
#define QS_KB_LIMIT_MAX   20
#define QS_KB_LIMIT_DEF   5

/*  Load the corpus, open the store and apply what it holds. NULL with err. */
qs_kb_t *qs_kb_new (const qs_kb_config_t *config, qs_err_t *err);
void qs_kb_destroy (qs_kb_t **self_p);

/*  Round trip to the document store (readiness); 0 without one. 0 or -1. */
int qs_kb_ping (qs_kb_t *self, qs_err_t *err);

/*  Apply the store's changes since the last sync (other workers' adds and
    deletes). Returns the number applied, or -1 with err. */
int qs_kb_sync (qs_kb_t *self, qs_err_t *err);

/*  Remote embeddings for pages that have none yet (the API failed when they
    were added): at most max_pages per call, skipped while the API is backing
    off after a failure. qs_kb_sync calls it first. Returns pages filled. */
int qs_kb_backfill_remote (qs_kb_t *self, int max_pages);

/*  Pages still waiting for remote embeddings. */
int qs_kb_pages_without_remote (qs_kb_t *self);

/*  The index (lent), for evaluation and benchmarks. */
qs_kb_index_t *qs_kb_index (qs_kb_t *self);

/*  Search the index like the search op, adding the query's remote embedding
    when remote embeddings are configured (falls back to local search when
    the API fails). Returns the hit count or -1 with err. */
int qs_kb_search (qs_kb_t *self, const qs_kb_query_t *query, qs_kb_hit_t *hits, int max,
                  qs_err_t *err);

/*  search {"q","category"?,"topic"?,"limit"?} -> {"results":[...]} over the
    built-in pages and the documents of auth's org (auth lent; NULL or no
    org = built-in pages only). *reply_p becomes a new object (caller puts).
    0, or -1 with err (400). */
int qs_kb_op_search (qs_kb_t *self, json_object *body, const qs_auth_t *auth,
                     json_object **reply_p, qs_err_t *err);

/*  add_document {"title","content","topic","category"} -> {"id"}: a document
    of auth's org; admin only (403). 0, or -1 with err. */
int qs_kb_op_add (qs_kb_t *self, json_object *body, const qs_auth_t *auth,
                  json_object **reply_p, qs_err_t *err);

/*  delete_document {"id"}: admin only, and only a document of auth's org.
    0, or -1 with err: 403 not an admin or a built-in page, 404 no such
    document or another org's. */
int qs_kb_op_delete (qs_kb_t *self, json_object *body, const qs_auth_t *auth, qs_err_t *err);

#endif
