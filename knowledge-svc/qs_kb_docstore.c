/*  qs_kb_docstore - knowledge documents with their owners, over qs_kb_docs. */
#include "qs_kb_docstore.h"
#include "qs_kb_docs.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdlib.h>
#include <string.h>

#define S_SKEW_MS   3000
#define S_BATCH     500

struct _qs_kb_docstore_t {
    qs_kb_docs_t *docs;
};

qs_kb_docstore_t *
qs_kb_docstore_new (const char *url, qs_err_t *err)
{
    qs_kb_docstore_t *self = calloc (1, sizeof *self);
    if (!self) {
        qs_err_set (err, 500, "internal", "out of memory");
        return NULL;
    }
    self->docs = qs_kb_docs_new (url, err);
    if (!self->docs) {
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
    qs_kb_docs_destroy (&(*self_p)->docs);
    free (*self_p);
    *self_p = NULL;
}

int
qs_kb_docstore_ping (qs_kb_docstore_t *self, qs_err_t *err)
{
    return qs_kb_docs_ping (self->docs, err);
}

/*  Write id with its owner: a page, or (page NULL) a tombstone that keeps
    the org, which the store's own delete would wipe with the metadata. */
static int
s_write (qs_kb_docstore_t *self, const char *id, const char *org_id, const qs_kb_page_t *page,
         qs_err_t *err)
{
    if (!org_id || !*org_id)
        return qs_err_set (err, 400, "bad_request", "a document must belong to an org");
    json_object *doc = json_object_new_object ();
    json_object *meta = json_object_new_object ();
    if (!doc || !meta) {
        json_object_put (doc);
        json_object_put (meta);
        return qs_err_set (err, 500, "internal", "out of memory");
    }
    qs_json_add_str (meta, "org_id", org_id);
    if (!page)
        qs_json_add_bool (meta, "deleted", true);
    qs_json_add_str (doc, "id", id);
    qs_json_add_str (doc, "title", page ? page->title : "");
    qs_json_add_str (doc, "content", page && page->content ? page->content : "");
    qs_json_add_str (doc, "topic", page ? page->topic : "");
    qs_json_add_str (doc, "category", page ? page->category : "");
    json_object_object_add (doc, "metadata", meta);
    json_object *stored = qs_kb_docs_put (self->docs, doc, err);
    json_object_put (doc);
    if (!stored)
        return -1;
    json_object_put (stored);
    return 0;
}

int
qs_kb_docstore_put (qs_kb_docstore_t *self, const qs_kb_page_t *page, qs_err_t *err)
{
    return s_write (self, page->id, page->org_id, page, err);
}

int
qs_kb_docstore_delete (qs_kb_docstore_t *self, const char *id, const char *org_id,
                       qs_err_t *err)
{
    return s_write (self, id, org_id, NULL, err);
}

/*  A stored record's owner ("" = none) and whether it is a tombstone of
    either kind. */
static const char *
s_owner (json_object *d, bool *deleted)
{
    json_object *meta = qs_json_get (d, "metadata", json_type_object);
    *deleted = qs_json_bool (d, "deleted", false) || qs_json_bool (meta, "deleted", false);
    return qs_json_str (meta, "org_id", "");
}

int
qs_kb_docstore_owner (qs_kb_docstore_t *self, const char *id, char *org, size_t size)
{
    qs_err_t err;
    json_object *doc = qs_kb_docs_get (self->docs, id, &err);
    bool deleted = true;
    const char *owner = doc ? s_owner (doc, &deleted) : "";
    if (doc && !deleted)
        qs_strlcpy (org, owner, size);
    json_object_put (doc);
    return doc && !deleted ? 0 : -1;
}

int
qs_kb_docstore_changes (qs_kb_docstore_t *self, qs_kb_cursor_t *cursor,
                        qs_kb_change_fn *fn, void *arg, qs_err_t *err)
{
    int64_t since = cursor->since_ms > S_SKEW_MS ? cursor->since_ms - S_SKEW_MS : 0;
    char since_id[QS_KB_ID_MAX + 1] = "";
    for (;;) {
        json_object *batch = qs_kb_docs_changed (self->docs, since, since_id,
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
            bool deleted;
            qs_strlcpy (page.org_id, s_owner (d, &deleted), sizeof page.org_id);
            int64_t version = qs_json_int (d, "updated_at_ms", 0);
            since = version;
            qs_strlcpy (since_id, page.id, sizeof since_id);
            if (version > cursor->since_ms
                || (version == cursor->since_ms && strcmp (page.id, cursor->since_id) > 0)) {
                cursor->since_ms = version;
                qs_strlcpy (cursor->since_id, page.id, sizeof cursor->since_id);
            }
            if (fn && fn (&page, deleted, version, arg) != 0)
                stop = true;
        }
        json_object_put (batch);
        if (stop || n < S_BATCH)
            return 0;
    }
}
