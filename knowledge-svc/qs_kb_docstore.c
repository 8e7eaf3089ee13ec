/*  qs_kb_docstore - knowledge documents over the shared store. */
#include "qs_kb_docstore.h"
#include "qs_store.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdlib.h>
#include <string.h>

#define S_SKEW_MS   3000
#define S_BATCH     500

struct _qs_kb_docstore_t {
    qs_store_t *store;
};

qs_kb_docstore_t *
qs_kb_docstore_new (const char *url, qs_err_t *err)
{
    qs_kb_docstore_t *self = calloc (1, sizeof *self);
    if (!self) {
        qs_err_set (err, 500, "internal", "out of memory");
        return NULL;
    }
    self->store = qs_store_new (url, err);
    if (!self->store) {
        free (self);
        return NULL;
    }
    return self;
}

void
qs_kb_docstore_destroy (qs_kb_docstore_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_store_destroy (&(*self_p)->store);
    free (*self_p);
    *self_p = NULL;
}

int
qs_kb_docstore_put (qs_kb_docstore_t *self, const qs_kb_page_t *page, qs_err_t *err)
{
    json_object *doc = json_object_new_object ();
    if (!doc)
        return qs_err_set (err, 500, "internal", "out of memory");
    qs_json_add_str (doc, "id", page->id);
    qs_json_add_str (doc, "title", page->title);
    qs_json_add_str (doc, "content", page->content ? page->content : "");
    qs_json_add_str (doc, "topic", page->topic);
    qs_json_add_str (doc, "category", page->category);
    json_object *stored = qs_store_document_put (self->store, doc, err);
    json_object_put (doc);
    if (!stored)
        return -1;
    json_object_put (stored);
    return 0;
}

int
qs_kb_docstore_delete (qs_kb_docstore_t *self, const char *id, qs_err_t *err)
{
    if (qs_store_document_delete (self->store, id, err) == 0)
        return 0;
    if (err && err->status != 404)
        return -1;
    /*  a built-in page the store never held: write a placeholder so there is
        something to leave a tombstone on */
    qs_kb_page_t stub;
    memset (&stub, 0, sizeof stub);
    qs_strlcpy (stub.id, id, sizeof stub.id);
    qs_strlcpy (stub.title, "deleted", sizeof stub.title);
    qs_strlcpy (stub.topic, "platform", sizeof stub.topic);
    qs_strlcpy (stub.category, "setup", sizeof stub.category);
    stub.content = (char *) "deleted";
    if (qs_kb_docstore_put (self, &stub, err))
        return -1;
    return qs_store_document_delete (self->store, id, err);
}

bool
qs_kb_docstore_exists (qs_kb_docstore_t *self, const char *id)
{
    qs_err_t err;
    json_object *doc = qs_store_document_get (self->store, id, &err);
    bool found = doc && !qs_json_bool (doc, "deleted", false);
    json_object_put (doc);
    return found;
}

int
qs_kb_docstore_changes (qs_kb_docstore_t *self, qs_kb_cursor_t *cursor,
                        qs_kb_change_fn *fn, void *arg, qs_err_t *err)
{
    int64_t since = cursor->since_ms > S_SKEW_MS ? cursor->since_ms - S_SKEW_MS : 0;
    char since_id[QS_KB_ID_MAX + 1] = "";
    for (;;) {
        json_object *batch = qs_store_document_changed (self->store, since, since_id,
                                                        S_BATCH, err);
        if (!batch)
            return -1;
        json_object *docs = qs_json_get (batch, "documents", json_type_array);
        size_t n = docs ? json_object_array_length (docs) : 0;
        bool stop = false;
        for (size_t i = 0; i < n && !stop; i++) {
            json_object *d = json_object_array_get_idx (docs, i);
            qs_kb_page_t page;
            memset (&page, 0, sizeof page);
            qs_strlcpy (page.id, qs_json_str (d, "id", ""), sizeof page.id);
            qs_strlcpy (page.title, qs_json_str (d, "title", ""), sizeof page.title);
            qs_strlcpy (page.topic, qs_json_str (d, "topic", ""), sizeof page.topic);
            qs_strlcpy (page.category, qs_json_str (d, "category", ""), sizeof page.category);
            page.content = (char *) qs_json_str (d, "content", "");
            int64_t version = qs_json_int (d, "updated_at_ms", 0);
            since = version;
            qs_strlcpy (since_id, page.id, sizeof since_id);
            if (version > cursor->since_ms
                || (version == cursor->since_ms && strcmp (page.id, cursor->since_id) > 0)) {
                cursor->since_ms = version;
                qs_strlcpy (cursor->since_id, page.id, sizeof cursor->since_id);
            }
            if (fn && fn (&page, qs_json_bool (d, "deleted", false), version, arg) != 0)
                stop = true;
        }
        json_object_put (batch);
        if (stop || n < S_BATCH)
            return 0;
    }
}
