/*  qs_kb_docs - the front: opens the database, checks every input (ids,
    sizes, UTF-8, NUL bytes) and calls the backend. */
#include "qs_kb_docs_impl.h"
#include "qs_db_json.h"
#include "qs_json.h"
#include "qs_util.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct _qs_kb_docs_t {
    qs_db_t *db;
    qs_lite_t *lite;          /* exactly one of lite / mongo, lent by db */
    qs_mongo_t *mongo;
};

qs_kb_docs_t *
qs_kb_docs_new (const char *url, qs_err_t *err)
{
    qs_kb_docs_t *self = calloc (1, sizeof *self);
    if (!self) {
        qs_err_set (err, 500, "internal_error", "out of memory");
        return NULL;
    }
    self->db = qs_db_new (url, err);
    self->lite = self->db ? qs_db_lite (self->db) : NULL;
    self->mongo = self->db ? qs_db_mongo (self->db) : NULL;
    if (!self->db || (self->lite && qs_kb_docs_lite_init (self->lite, err) != 0)
        || (self->mongo && qs_kb_docs_mongo_init (self->mongo, err) != 0))
        qs_kb_docs_destroy (&self);
    return self;
}

void
qs_kb_docs_destroy (qs_kb_docs_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_db_destroy (&(*self_p)->db);
    free (*self_p);
    *self_p = NULL;
}

int
qs_kb_docs_ping (qs_kb_docs_t *self, qs_err_t *err)
{
    assert (self);
    return qs_db_ping (self->db, err);
}

/*  [A-Za-z0-9_-]{1,64} */
static bool
s_id_valid (const char *s)
{
    size_t n = 0;
    if (!s)
        return false;
    for (; s[n]; n++) {
        char c = s[n];
        if (n >= QS_KB_DOCS_ID_MAX
            || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                 || c == '-' || c == '_'))
            return false;
    }
    return n > 0;
}

json_object *
qs_kb_docs_put (qs_kb_docs_t *self, json_object *doc, qs_err_t *err)
{
    assert (self);
    qs_kb_doc_in_t in = {0};
    char *meta = NULL;
    const char *id = NULL;
    json_object *out = NULL;
    if (!doc || !json_object_is_type (doc, json_type_object)) {
        qs_err_set (err, 400, "bad_request", "document must be an object");
        goto cleanup;
    }
    if (qs_db_member_text (doc, "id", false, QS_KB_DOCS_ID_MAX, &id, err) != 0
        || qs_db_member_text (doc, "title", true, 1024, &in.title, err) != 0
        || qs_db_member_text (doc, "content", true, QS_KB_DOCS_CONTENT_MAX, &in.content, err) != 0
        || qs_db_member_text (doc, "topic", false, 128, &in.topic, err) != 0
        || qs_db_member_text (doc, "category", false, 128, &in.category, err) != 0
        || qs_db_member_json (doc, "metadata", true, QS_KB_DOCS_META_MAX, &meta, err) != 0)
        goto cleanup;
    if (id && !s_id_valid (id)) {
        qs_err_set (err, 400, "bad_request", "document id must match [A-Za-z0-9_-]{1,64}");
        goto cleanup;
    }
    if (id)
        qs_strlcpy (in.id, id, sizeof in.id);
    else if (qs_id_new (in.id) != 0) {
        qs_err_set (err, 500, "internal_error", "no randomness for an id");
        goto cleanup;
    }
    in.topic = in.topic ? in.topic : "";
    in.category = in.category ? in.category : "";
    in.metadata = meta;
    in.now = qs_now_ms ();
    out = self->lite ? qs_kb_docs_lite_put (self->lite, &in, err)
                     : qs_kb_docs_mongo_put (self->mongo, &in, err);
cleanup:
    free (meta);
    return out;
}

json_object *
qs_kb_docs_get (qs_kb_docs_t *self, const char *id, qs_err_t *err)
{
    assert (self);
    if (!s_id_valid (id)) {
        qs_err_set (err, 404, "not_found", "document not found");
        return NULL;
    }
    return self->lite ? qs_kb_docs_lite_get (self->lite, id, false, err)
                      : qs_kb_docs_mongo_get (self->mongo, id, false, err);
}

int
qs_kb_docs_delete (qs_kb_docs_t *self, const char *id, qs_err_t *err)
{
    assert (self);
    if (!s_id_valid (id))
        return qs_err_set (err, 404, "not_found", "document not found");
    return self->lite ? qs_kb_docs_lite_delete (self->lite, id, qs_now_ms (), err)
                      : qs_kb_docs_mongo_delete (self->mongo, id, qs_now_ms (), err);
}

json_object *
qs_kb_docs_changed (qs_kb_docs_t *self, int64_t since_ms, const char *since_id, int limit,
                    qs_err_t *err)
{
    assert (self);
    if (limit < 1 || limit > 1000) {
        qs_err_set (err, 400, "bad_request", "limit must be between 1 and 1000");
        return NULL;
    }
    if (!since_id)
        since_id = "";
    if (*since_id && !s_id_valid (since_id)) {
        qs_err_set (err, 400, "bad_request", "invalid sync position");
        return NULL;
    }
    json_object *rows = self->lite
        ? qs_kb_docs_lite_changed (self->lite, since_ms, since_id, limit, err)
        : qs_kb_docs_mongo_changed (self->mongo, since_ms, since_id, limit, err);
    if (!rows)
        return NULL;
    json_object *out = json_object_new_object ();
    json_object_object_add (out, "documents", rows);
    return out;
}

json_object *
qs_kb_docs_rec (const char *id, const char *title, const char *content, const char *topic,
                const char *category, const char *metadata, bool deleted, int64_t created,
                int64_t updated)
{
    json_object *obj = json_object_new_object ();
    if (!obj)
        return NULL;
    qs_json_add_str (obj, "id", id);
    if (!deleted) {
        qs_json_add_str (obj, "title", title ? title : "");
        qs_json_add_str (obj, "content", content ? content : "");
        qs_json_add_str (obj, "topic", topic ? topic : "");
        qs_json_add_str (obj, "category", category ? category : "");
        qs_db_add_json (obj, "metadata", metadata, true);
        qs_db_add_time (obj, "created_at", created);
    }
    qs_db_add_time (obj, "updated_at", updated);
    qs_json_add_int (obj, "updated_at_ms", updated);
    qs_json_add_bool (obj, "deleted", deleted);
    return obj;
}
