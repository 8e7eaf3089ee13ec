/*  qs_kb_docstore - where documents added through the API live, shared by
    every knowledge worker: puts and deletes (tombstones, so a deleted
    built-in page stays deleted everywhere) that workers poll ("what changed
    since my cursor?").

    The only file that knows the backend: today the shared store
    (common/store/qs_store.h, knowledge documents), SQLite or MongoDB by URL.
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

/*  Insert or replace a document (page is lent). 0 or -1 with err. */
int qs_kb_docstore_put (qs_kb_docstore_t *self, const qs_kb_page_t *page, qs_err_t *err);

/*  Leave a tombstone for id, also for ids the store never held (built-in
    pages). 0 or -1 with err. */
int qs_kb_docstore_delete (qs_kb_docstore_t *self, const char *id, qs_err_t *err);

/*  True when id was added through the store and is not deleted. */
bool qs_kb_docstore_exists (qs_kb_docstore_t *self, const char *id);

/*  Called per change, oldest first: page is lent; deleted means "remove
    page->id" (only the id is set); version orders changes of one id.
    Non-zero stops. */
typedef int (qs_kb_change_fn) (const qs_kb_page_t *page, bool deleted, int64_t version,
                               void *arg);

/*  Changes after *cursor (re-reading a few seconds back, since writers on
    other machines may have skewed clocks: callers skip versions they have
    applied); the cursor advances. 0 or -1 with err. */
int qs_kb_docstore_changes (qs_kb_docstore_t *self, qs_kb_cursor_t *cursor,
                            qs_kb_change_fn *fn, void *arg, qs_err_t *err);

#endif
