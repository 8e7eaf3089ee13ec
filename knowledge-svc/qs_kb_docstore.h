/*  qs_kb_docstore - where documents added through the API live, shared by
    every knowledge worker: puts and deletes (tombstones) that workers poll
    ("what changed since my cursor?").

    Every document belongs to the org whose admin added it: the org id is
    kept in the stored document's metadata ({"org_id"}), and a delete leaves
    a tombstone that keeps it too ({"org_id","deleted":true}; the store's own
    tombstones drop metadata), so a replica learns whose page to remove.
    Built-in pages are never written here.

    Over the knowledge documents' repository (store/qs_kb_docs.h), SQLite or
    MongoDB by URL.
    Thread-safe (the store is). */
#ifndef QS_KB_DOCSTORE_H
#define QS_KB_DOCSTORE_H

#include <stdbool.h>
#include <stdint.h>
#include "qs_err.h"
#include "qs_kb_corpus.h"

typedef struct _qs_kb_docstore_t qs_kb_docstore_t;

/*  Where a worker is in the change feed. Zero it to start from the beginning. */
typedef struct {
    int64_t since_ms;
    char since_id[QS_KB_ID_MAX + 1];
} qs_kb_cursor_t;

/*  Open the store at url (QS_STORE_URL syntax). NULL with err on failure. */
qs_kb_docstore_t *qs_kb_docstore_new (const char *url, qs_err_t *err);
void qs_kb_docstore_destroy (qs_kb_docstore_t **self_p);

/*  Round trip to the database (the worker's readiness). 0 or -1 with err. */
int qs_kb_docstore_ping (qs_kb_docstore_t *self, qs_err_t *err);

/*  Insert or replace a document of org page->org_id (page is lent). 0 or
    -1 with err (400 when page->org_id is "": only orgs add documents). */
int qs_kb_docstore_put (qs_kb_docstore_t *self, const qs_kb_page_t *page, qs_err_t *err);

/*  Leave a tombstone for document id of org_id (the caller has checked that
    the org owns it). 0 or -1 with err. */
int qs_kb_docstore_delete (qs_kb_docstore_t *self, const char *id, const char *org_id,
                           qs_err_t *err);

/*  The owner of live document id: copies its org id into org (size bytes;
    "" for a document stored before documents had owners) and returns 0, or
    returns -1 when the store has no such live document. */
int qs_kb_docstore_owner (qs_kb_docstore_t *self, const char *id, char *org, size_t size);

/*  Called per change, oldest first: page is lent, with page->org_id set
    from the stored metadata ("" when the change carries no org: a document
    or a store tombstone from before documents had owners); deleted means
    "remove page->id of page->org_id" (only the id and org are set); version
    orders changes of one id. Non-zero stops. */
typedef int (qs_kb_change_fn) (const qs_kb_page_t *page, bool deleted, int64_t version,
                               void *arg);

/*  Changes after *cursor (re-reading a few seconds back, since writers on
    other machines may have skewed clocks: callers skip versions they have
    applied); the cursor advances. 0 or -1 with err. */
int qs_kb_docstore_changes (qs_kb_docstore_t *self, qs_kb_cursor_t *cursor,
                            qs_kb_change_fn *fn, void *arg, qs_err_t *err);

#endif
