/*  qs_kb_docs - the knowledge documents' repository (shared by every
    knowledge worker, every user), on the storage driver (common/storage,
    qs_db.h): SQLite or MongoDB by URL.

    Document: {"id","title","content","topic","category","metadata",
               "created_at","updated_at","updated_at_ms","deleted"}
    Every returned object is new and belongs to the caller; inputs are lent.
    Errors: 400 bad_request, 404 not_found, 413 payload_too_large, 422
    invalid_input (bad UTF-8, NUL bytes), 500, 503 store_unavailable.
    Thread-safe. */
#ifndef QS_KB_DOCS_H
#define QS_KB_DOCS_H

#include <stdint.h>
#include <json-c/json.h>
#include "qs_err.h"

typedef struct _qs_kb_docs_t qs_kb_docs_t;

#define QS_KB_DOCS_CONTENT_MAX (256 * 1024)   /* bytes of a document body */
#define QS_KB_DOCS_META_MAX    (64 * 1024)    /* bytes of serialised metadata */
#define QS_KB_DOCS_ID_MAX      64             /* characters of a document id */

/*  Open the repository at url (QS_STORE_URL syntax), creating its table or
    indexes. NULL with err (400 bad URL, 503 unreachable). */
qs_kb_docs_t *qs_kb_docs_new (const char *url, qs_err_t *err);
void qs_kb_docs_destroy (qs_kb_docs_t **self_p);

/*  Cheap round trip to the database (readiness). 0 or -1 (503). */
int qs_kb_docs_ping (qs_kb_docs_t *self, qs_err_t *err);

/*  Insert or replace {"id"? ([A-Za-z0-9_-]{1,64}, else generated),"title",
    "content","topic"?,"category"?,"metadata"?}. Returns the Document. */
json_object *qs_kb_docs_put (qs_kb_docs_t *self, json_object *doc, qs_err_t *err);
json_object *qs_kb_docs_get (qs_kb_docs_t *self, const char *id, qs_err_t *err);
/*  Leaves a tombstone ({"id","deleted":true,"updated_at_ms"}) for replicas. */
int qs_kb_docs_delete (qs_kb_docs_t *self, const char *id, qs_err_t *err);
/*  Documents and tombstones changed after (since_ms, since_id), ascending by
    (updated_at_ms, id), at most limit (1..1000). Start with 0 and "".
    {"documents":[...]}; continue from the last item's (updated_at_ms, id).
    Writers on other machines may have skewed clocks: replicas should re-read
    from a few seconds before their last position (puts are idempotent). */
json_object *qs_kb_docs_changed (qs_kb_docs_t *self, int64_t since_ms, const char *since_id,
                                 int limit, qs_err_t *err);

#endif
