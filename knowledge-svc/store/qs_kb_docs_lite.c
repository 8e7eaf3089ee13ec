/*  qs_kb_docs_lite - the knowledge documents on SQLite (qs_lite.h): the
    knowledge_documents table with its own schema version. */
#include "qs_kb_docs_impl.h"
#include "qs_json.h"

/*  Entry i moves this component's version i -> i+1; only ever append. IF
    NOT EXISTS: databases made before the split got the table from the
    workflow's first migration. */
static const char *const s_migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE IF NOT EXISTS knowledge_documents ("
    "  id TEXT PRIMARY KEY, title TEXT NOT NULL, content TEXT NOT NULL, topic TEXT NOT NULL,"
    "  category TEXT NOT NULL, metadata TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS knowledge_documents_updated"
    "  ON knowledge_documents (updated_at, id);",
};

int
qs_kb_docs_lite_init (qs_lite_t *lite, qs_err_t *err)
{
    static const qs_lite_schema_t schema = {
        .component = "knowledge", .migrations = s_migrations,
        .count = (int) (sizeof s_migrations / sizeof s_migrations[0]),
    };
    return qs_lite_migrate (lite, &schema, err);
}

#define S_DOC_COLS "id, title, content, topic, category, metadata, deleted, created_at, updated_at"
static json_object *
s_doc_row (sqlite3_stmt *s)
{
    return qs_kb_docs_rec (qs_lite_col (s, 0), qs_lite_col (s, 1), qs_lite_col (s, 2),
                           qs_lite_col (s, 3), qs_lite_col (s, 4), qs_lite_col (s, 5),
                           sqlite3_column_int (s, 6) != 0, sqlite3_column_int64 (s, 7),
                           sqlite3_column_int64 (s, 8));
}

/*  Caller holds the lock. */
static json_object *
s_doc_select (qs_lite_t *self, const char *id, bool with_deleted, qs_err_t *err)
{
    json_object *out = qs_lite_one (self, qs_lite_stmt (self, err,
        "SELECT " S_DOC_COLS " FROM knowledge_documents WHERE id = ?", "t", id),
        s_doc_row, "document", err);
    if (out && !with_deleted && qs_json_bool (out, "deleted", false)) {
        json_object_put (out);
        out = NULL;
        qs_err_set (err, 404, "not_found", "document not found");
    }
    return out;
}

json_object *
qs_kb_docs_lite_put (qs_lite_t *self, const qs_kb_doc_in_t *in, qs_err_t *err)
{
    json_object *out = NULL;
    QS_LITE_LOCK (self);
    if (qs_lite_exec (self, "BEGIN IMMEDIATE", err) == 0
        && qs_lite_run (self, qs_lite_stmt (self, err,
            "INSERT INTO knowledge_documents (id, title, content, topic, category, metadata,"
            " deleted, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET title = excluded.title, content = excluded.content,"
            " topic = excluded.topic, category = excluded.category, metadata = excluded.metadata,"
            " deleted = 0, updated_at = max(excluded.updated_at, knowledge_documents.updated_at)",
            "ttttttii", in->id, in->title, in->content, in->topic, in->category, in->metadata,
            in->now, in->now), err) == 0
        && (out = s_doc_select (self, in->id, true, err))
        && qs_lite_exec (self, "COMMIT", err) != 0) {
        json_object_put (out);
        out = NULL;
    }
    qs_lite_rollback (self);
    QS_LITE_UNLOCK (self);
    return out;
}

json_object *
qs_kb_docs_lite_get (qs_lite_t *self, const char *id, bool with_deleted, qs_err_t *err)
{
    QS_LITE_LOCK (self);
    json_object *out = s_doc_select (self, id, with_deleted, err);
    QS_LITE_UNLOCK (self);
    return out;
}

int
qs_kb_docs_lite_delete (qs_lite_t *self, const char *id, int64_t now, qs_err_t *err)
{
    QS_LITE_LOCK (self);
    int rc = qs_lite_run (self, qs_lite_stmt (self, err,
        "UPDATE knowledge_documents SET deleted = 1, title = '', content = '', metadata = '{}',"
        " updated_at = max(?, updated_at) WHERE id = ? AND deleted = 0", "it", now, id), err);
    if (rc == 0 && sqlite3_changes (self->db) == 0)
        rc = qs_err_set (err, 404, "not_found", "document not found");
    QS_LITE_UNLOCK (self);
    return rc;
}

json_object *
qs_kb_docs_lite_changed (qs_lite_t *self, int64_t since_ms, const char *since_id, int limit,
                         qs_err_t *err)
{
    QS_LITE_LOCK (self);
    json_object *out = qs_lite_rows (self, qs_lite_stmt (self, err,
        "SELECT " S_DOC_COLS " FROM knowledge_documents"
        " WHERE updated_at > ? OR (updated_at = ? AND id > ?)"
        " ORDER BY updated_at, id LIMIT ?", "iiti", since_ms, since_ms, since_id,
        (int64_t) limit), s_doc_row, err);
    QS_LITE_UNLOCK (self);
    return out;
}
