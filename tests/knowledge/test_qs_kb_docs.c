/*  The knowledge documents' repository (knowledge-svc/store), the same for
    every backend (QS_TEST_STORE_URL; tests/storage/with-mongo-server.sh):
    put, replace, get, the change feed replicas follow, tombstones, and a
    database made before the split. */
#include "../qs_test.h"
#include "qs_test_db.h"
#include "qs_kb_docs.h"
#include "qs_json.h"
#include <sqlite3.h>

static qs_test_db_t s_db;
static qs_kb_docs_t *s_docs;

static void
s_setup (void)
{
    qs_err_t err = {0};
    qs_test_db_init (&s_db);
    s_docs = qs_kb_docs_new (s_db.url, &err);
    ck_assert_msg (s_docs, "open %s: %s", s_db.url, err.message);
}

static void
s_teardown (void)
{
    qs_kb_docs_destroy (&s_docs);
    qs_test_db_remove (&s_db);
}

START_TEST (test_documents_sync)
{
    qs_err_t err = {0};
    json_object *d = json_object_new_object ();
    qs_json_add_str (d, "id", "redis-basics");
    qs_json_add_str (d, "title", "Redis basics");
    qs_json_add_str (d, "content", "Redis is an in-memory store.");
    qs_json_add_str (d, "topic", "redis");
    json_object *out = qs_kb_docs_put (s_docs, d, &err);
    ck_assert_msg (out, "%s", err.message);
    json_object_put (out);
    json_object *d2 = json_object_new_object ();
    qs_json_add_str (d2, "title", "Kafka");
    qs_json_add_str (d2, "content", "Partitions.");
    out = qs_kb_docs_put (s_docs, d2, &err);
    char id2[QS_KB_DOCS_ID_MAX + 1];
    qs_strlcpy (id2, qs_json_str (out, "id", ""), sizeof id2);
    ck_assert (qs_id_valid (id2));
    json_object_put (out);
    json_object_put (d2);

    qs_json_add_str (d, "content", "Redis is an in-memory data store.");
    json_object_put (qs_kb_docs_put (s_docs, d, &err));
    json_object *g = qs_kb_docs_get (s_docs, "redis-basics", &err);
    ck_assert_str_eq (qs_json_str (g, "content", ""), "Redis is an in-memory data store.");
    json_object_put (g);
    json_object_put (d);

    json_object *all = qs_kb_docs_changed (s_docs, 0, "", 1000, &err);
    json_object *docs = json_object_object_get (all, "documents");
    ck_assert_int_eq ((int) json_object_array_length (docs), 2);
    json_object *last = json_object_array_get_idx (docs, 1);
    int64_t pos = qs_json_int (last, "updated_at_ms", 0);
    char pos_id[QS_KB_DOCS_ID_MAX + 1];
    qs_strlcpy (pos_id, qs_json_str (last, "id", ""), sizeof pos_id);
    json_object_put (all);
    json_object *none = qs_kb_docs_changed (s_docs, pos, pos_id, 10, &err);
    ck_assert_int_eq ((int) json_object_array_length (json_object_object_get (none, "documents")), 0);
    json_object_put (none);

    /* a delete is a tombstone a replica sees */
    usleep (2000);
    ck_assert_int_eq (qs_kb_docs_delete (s_docs, id2, &err), 0);
    ck_assert_ptr_null (qs_kb_docs_get (s_docs, id2, &err));
    ck_assert_int_eq (err.status, 404);
    ck_assert_int_eq (qs_kb_docs_delete (s_docs, id2, &err), -1);
    json_object *ch = qs_kb_docs_changed (s_docs, pos, pos_id, 10, &err);
    docs = json_object_object_get (ch, "documents");
    ck_assert_int_eq ((int) json_object_array_length (docs), 1);
    ck_assert (qs_json_bool (json_object_array_get_idx (docs, 0), "deleted", false));
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (docs, 0), "id", ""), id2);
    json_object_put (ch);
    ck_assert_ptr_null (qs_kb_docs_get (s_docs, "bad id!", &err));
    ck_assert_int_eq (err.status, 404);
}
END_TEST

/*  A database made before the documents had their own schema version: the
    table came with the workflow's first migration. Opening keeps its rows. */
START_TEST (test_database_from_before_the_split)
{
    if (qs_test_db_is_mongo ())
        return;
    qs_err_t err = {0};
    qs_kb_docs_destroy (&s_docs);
    qs_test_db_remove (&s_db);
    sqlite3 *db = NULL;
    ck_assert_int_eq (sqlite3_open (s_db.path, &db), SQLITE_OK);
    ck_assert_int_eq (sqlite3_exec (db,
        "CREATE TABLE knowledge_documents ("
        "  id TEXT PRIMARY KEY, title TEXT NOT NULL, content TEXT NOT NULL, topic TEXT NOT NULL,"
        "  category TEXT NOT NULL, metadata TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,"
        "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
        "CREATE INDEX knowledge_documents_updated ON knowledge_documents (updated_at, id);"
        "INSERT INTO knowledge_documents VALUES ('old-doc', 'Old', 'kept', 'redis', '', '{}', 0, 1, 1);"
        "PRAGMA user_version = 2;", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close (db);
    s_docs = qs_kb_docs_new (s_db.url, &err);
    ck_assert_msg (s_docs, "%s", err.message);
    json_object *d = qs_kb_docs_get (s_docs, "old-doc", &err);
    ck_assert_msg (d, "%s", err.message);
    ck_assert_str_eq (qs_json_str (d, "content", ""), "kept");
    json_object_put (d);
    ck_assert_int_eq (sqlite3_open (s_db.path, &db), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    sqlite3_prepare_v2 (db, "SELECT version FROM qs_schema_versions WHERE component = 'knowledge'",
                        -1, &stmt, NULL);
    ck_assert_int_eq (sqlite3_step (stmt), SQLITE_ROW);
    ck_assert_int_eq (sqlite3_column_int (stmt, 0), 1);
    sqlite3_finalize (stmt);
    sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
    ck_assert_int_eq (sqlite3_step (stmt), SQLITE_ROW);
    ck_assert_int_eq (sqlite3_column_int (stmt, 0), 2);      /* the workflow's, untouched */
    sqlite3_finalize (stmt);
    sqlite3_close (db);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create (qs_test_db_is_mongo () ? "kb_docs_mongo" : "kb_docs_sqlite");
    TCase *tc = tcase_create ("behaviour");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_add_test (tc, test_documents_sync);
    tcase_add_test (tc, test_database_from_before_the_split);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
