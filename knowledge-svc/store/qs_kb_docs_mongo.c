/*  qs_kb_docs_mongo - the knowledge documents on MongoDB (qs_mongo.h): the
    knowledge_documents collection, ids in a uniquely indexed "id" field,
    changes found through "sync_key" (updated_at then id, qs_mongo_sort_key). */
#include "qs_kb_docs_impl.h"
#include "qs_json.h"

int
qs_kb_docs_mongo_init (qs_mongo_t *mongo, qs_err_t *err)
{
    return qs_mongo_indexes (mongo, "knowledge_documents", BCON_NEW (
        "0", "{", "name", "id_unique", "unique", BCON_BOOL (true),
             "key", "{", "id", BCON_INT32 (1), "}", "}",
        "1", "{", "name", "sync", "key", "{", "sync_key", BCON_INT32 (1), "}", "}"), err);
}

static json_object *
s_doc_row (const bson_t *d)
{
    bson_iter_t it;
    bool deleted = bson_iter_init_find (&it, d, "deleted") && BSON_ITER_HOLDS_BOOL (&it)
                   && bson_iter_bool (&it);
    return qs_kb_docs_rec (
        qs_mongo_str0 (d, "id"), qs_mongo_str (d, "title"), qs_mongo_str (d, "content"),
        qs_mongo_str (d, "topic"), qs_mongo_str (d, "category"), qs_mongo_str (d, "metadata"),
        deleted, qs_mongo_i64 (d, "created_at"), qs_mongo_i64 (d, "updated_at"));
}

json_object *
qs_kb_docs_mongo_get (qs_mongo_t *mongo, const char *id, bool with_deleted, qs_err_t *err)
{
    bson_t *filter = BCON_NEW ("id", BCON_UTF8 (id));
    json_object *out
        = qs_mongo_find_one (mongo, "knowledge_documents", filter, s_doc_row, "document", err);
    bson_destroy (filter);
    if (out && !with_deleted && qs_json_bool (out, "deleted", false)) {
        json_object_put (out);
        out = NULL;
        qs_err_set (err, 404, "not_found", "document not found");
    }
    return out;
}

json_object *
qs_kb_docs_mongo_put (qs_mongo_t *mongo, const qs_kb_doc_in_t *in, qs_err_t *err)
{
    char key[QS_MONGO_KEY_SIZE];
    bson_t *filter = BCON_NEW ("id", BCON_UTF8 (in->id));
    bson_t *update = BCON_NEW ("$set", "{", "title", BCON_UTF8 (in->title),
                               "sync_key", BCON_UTF8 (qs_mongo_sort_key (in->now, in->id, key)),
                               "content", BCON_UTF8 (in->content), "topic", BCON_UTF8 (in->topic),
                               "category", BCON_UTF8 (in->category),
                               "metadata", BCON_UTF8 (in->metadata), "deleted", BCON_BOOL (false),
                               "updated_at", BCON_DATE_TIME (in->now), "}",
                               "$setOnInsert", "{", "created_at", BCON_DATE_TIME (in->now), "}");
    bson_t *opts = BCON_NEW ("upsert", BCON_BOOL (true));
    long n = qs_mongo_update (mongo, "knowledge_documents", filter, update, opts, err);
    bson_destroy (filter);
    bson_destroy (update);
    bson_destroy (opts);
    if (n < 0)
        return NULL;
    return qs_kb_docs_mongo_get (mongo, in->id, true, err);
}

int
qs_kb_docs_mongo_delete (qs_mongo_t *mongo, const char *id, int64_t now, qs_err_t *err)
{
    char key[QS_MONGO_KEY_SIZE];
    bson_t *filter = BCON_NEW ("id", BCON_UTF8 (id), "deleted", BCON_BOOL (false));
    bson_t *update = BCON_NEW ("$set", "{", "deleted", BCON_BOOL (true), "title", BCON_UTF8 (""),
                               "sync_key", BCON_UTF8 (qs_mongo_sort_key (now, id, key)),
                               "content", BCON_UTF8 (""), "metadata", BCON_UTF8 ("{}"),
                               "updated_at", BCON_DATE_TIME (now), "}");
    long n = qs_mongo_update (mongo, "knowledge_documents", filter, update, NULL, err);
    bson_destroy (filter);
    bson_destroy (update);
    if (n == 0)
        return qs_err_set (err, 404, "not_found", "document not found");
    return n < 0 ? -1 : 0;
}

json_object *
qs_kb_docs_mongo_changed (qs_mongo_t *mongo, int64_t since_ms, const char *since_id, int limit,
                          qs_err_t *err)
{
    char key[QS_MONGO_KEY_SIZE];
    bson_t *filter = BCON_NEW ("sync_key", "{", "$gt",
                               BCON_UTF8 (qs_mongo_sort_key (since_ms, since_id, key)), "}");
    bson_t *opts = BCON_NEW ("sort", "{", "sync_key", BCON_INT32 (1), "}",
                             "limit", BCON_INT64 (limit));
    json_object *out = qs_mongo_find (mongo, "knowledge_documents", filter, opts, s_doc_row, err);
    bson_destroy (filter);
    bson_destroy (opts);
    return out;
}
