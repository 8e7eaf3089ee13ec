/*  The storage driver (common/storage): URLs, ping, and the SQLite
    migrations runner that lets several components share one database file
    with a schema version each. The backend comes from QS_TEST_STORE_URL
    (qs_test_db.h); the migration cases are SQLite only. libmongoc is loaded
    by the first mongodb:// store only, and its absence is a 503. */
#include "../qs_test.h"
#include "qs_test_db.h"
#include "qs_db.h"

static qs_test_db_t s_db;

static void
s_setup (void)
{
    qs_test_db_init (&s_db);
}

static void
s_teardown (void)
{
    qs_test_db_remove (&s_db);
}

START_TEST (test_urls_and_ping)
{
    qs_err_t err = {0};
    const char *bad[] = {"", "postgres://x/y", "sqlite://", "sqlite:///tmp/x.db?mode=ro",
                         "mongodb://", "mongodb://host/bad.name"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg (qs_db_new (bad[i], &err) == NULL, "%s opened", bad[i]);
        ck_assert_int_eq (err.status, 400);
    }
    ck_assert_ptr_null (qs_db_new (NULL, &err));
    qs_db_t *db = qs_db_new (s_db.url, &err);
    ck_assert_msg (db, "%s", err.message);
    ck_assert_int_eq (qs_db_ping (db, &err), 0);
    bool mongo = qs_test_db_is_mongo ();
    ck_assert_str_eq (qs_db_backend (db), mongo ? "mongodb" : "sqlite");
    ck_assert ((qs_db_lite (db) != NULL) == !mongo);
    ck_assert ((qs_db_mongo (db) != NULL) == mongo);
    qs_db_destroy (&db);
    ck_assert_ptr_null (db);
    qs_db_destroy (&db);        /* NULL is fine */

    /* a server that is not there: the pool opens, the ping says 503 */
    db = qs_db_new ("mongodb://127.0.0.1:1/qs?serverSelectionTimeoutMS=200&connectTimeoutMS=200",
                    &err);
    ck_assert_ptr_nonnull (db);
    ck_assert_int_eq (qs_db_ping (db, &err), -1);
    ck_assert_int_eq (err.status, 503);
    qs_db_destroy (&db);
}
END_TEST

/*  The integer the query returns (-1 when none); the caller holds the lock. */
static int
s_scalar (qs_lite_t *lite, const char *sql)
{
    qs_err_t err = {0};
    int n = -1;
    sqlite3_stmt *stmt = qs_lite_stmt (lite, &err, sql, "");
    if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
        n = sqlite3_column_int (stmt, 0);
    qs_lite_done (lite, stmt);
    return n;
}

static int
s_count (qs_lite_t *lite, const char *sql)
{
    QS_LITE_LOCK (lite);
    int n = s_scalar (lite, sql);
    QS_LITE_UNLOCK (lite);
    return n;
}

START_TEST (test_components_migrate_apart)
{
    if (qs_test_db_is_mongo ())
        return;
    qs_err_t err = {0};
    static const char *const a_v2[] = {"CREATE TABLE a1 (x INTEGER);",
                                       "ALTER TABLE a1 ADD COLUMN y TEXT;"};
    static const char *const b_v1[] = {"CREATE TABLE b1 (x INTEGER); INSERT INTO b1 VALUES (7);"};
    static const char *const b_bad[] = {"CREATE TABLE b1 (x INTEGER); INSERT INTO b1 VALUES (7);",
                                        "CREATE TABLE b2 (x); INSERT INTO nowhere VALUES (1);"};
    qs_lite_schema_t a = {.component = "a", .migrations = a_v2, .count = 2, .user_version = true};
    qs_lite_schema_t b = {.component = "b", .migrations = b_v1, .count = 1};
    qs_db_t *db = qs_db_new (s_db.url, &err);
    qs_lite_t *lite = qs_db_lite (db);
    ck_assert_int_eq (qs_lite_migrate (lite, &a, &err), 0);
    ck_assert_int_eq (qs_lite_migrate (lite, &b, &err), 0);
    ck_assert_int_eq (s_count (lite, "PRAGMA user_version"), 2);
    ck_assert_int_eq (s_count (lite, "SELECT version FROM qs_schema_versions WHERE component = 'b'"), 1);
    /* running again changes nothing (b's row is not inserted twice) */
    ck_assert_int_eq (qs_lite_migrate (lite, &b, &err), 0);
    ck_assert_int_eq (qs_lite_migrate (lite, &a, &err), 0);
    ck_assert_int_eq (s_count (lite, "SELECT count(*) FROM b1"), 1);

    /* a failing migration leaves the component at its version, nothing half done */
    b.migrations = b_bad;
    b.count = 2;
    ck_assert_int_eq (qs_lite_migrate (lite, &b, &err), -1);
    ck_assert_int_eq (s_count (lite, "SELECT version FROM qs_schema_versions WHERE component = 'b'"), 1);
    ck_assert_int_eq (s_count (lite, "SELECT count(*) FROM sqlite_master WHERE name = 'b2'"), 0);

    /* a build that knows fewer migrations than the database has is refused */
    a.count = 1;
    ck_assert_int_eq (qs_lite_migrate (lite, &a, &err), -1);
    ck_assert_int_eq (err.status, 503);
    b.count = 0;
    ck_assert_int_eq (qs_lite_migrate (lite, &b, &err), -1);
    ck_assert_int_eq (err.status, 503);
    ck_assert_int_eq (s_count (lite, "PRAGMA user_version"), 2);
    qs_db_destroy (&db);
}
END_TEST

/*  qs_lite's statement cache: a statement given back is handed out again
    (no second parse), reset and unbound; the same SQL while the first copy
    is out gets a copy of its own; more SQL texts than the cache holds
    evict the least recently used ones, and every result stays right. */
START_TEST (test_statement_cache)
{
    if (qs_test_db_is_mongo ())
        return;
    qs_err_t err = {0};
    qs_db_t *db = qs_db_new (s_db.url, &err);
    qs_lite_t *lite = qs_db_lite (db);
    QS_LITE_LOCK (lite);
    ck_assert_int_eq (qs_lite_exec (lite, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)", &err), 0);
    const char *ins = "INSERT INTO t (k, v) VALUES (?, ?)";
    for (int64_t k = 1; k <= 3; k++)
        ck_assert_int_eq (qs_lite_run (lite, qs_lite_stmt (lite, &err, ins, "it", k, "x"), &err), 0);
    const char *sel = "SELECT v FROM t WHERE k = ?";
    sqlite3_stmt *first = qs_lite_stmt (lite, &err, sel, "i", (int64_t) 2);
    ck_assert_ptr_nonnull (first);
    /* out: the same text gets another statement */
    sqlite3_stmt *second = qs_lite_stmt (lite, &err, sel, "i", (int64_t) 3);
    ck_assert_ptr_nonnull (second);
    ck_assert_ptr_ne (first, second);
    ck_assert_int_eq (sqlite3_step (first), SQLITE_ROW);
    ck_assert_int_eq (sqlite3_step (second), SQLITE_ROW);
    qs_lite_done (lite, second);
    qs_lite_done (lite, first);
    /* given back: handed out again, reset, with the new binding */
    sqlite3_stmt *again = qs_lite_stmt (lite, &err, sel, "i", (int64_t) 1);
    ck_assert_ptr_eq (again, first);
    ck_assert_int_eq (sqlite3_step (again), SQLITE_ROW);
    ck_assert_str_eq (qs_lite_col (again, 0), "x");
    qs_lite_done (lite, again);
    /* many distinct texts: the cache stays bounded and answers stay right */
    for (int i = 0; i < 3 * QS_LITE_CACHE_MAX; i++) {
        char sql[64];
        snprintf (sql, sizeof sql, "SELECT count(*) + %d FROM t", i);
        ck_assert_int_eq (s_scalar (lite, sql), 3 + i);
    }
    ck_assert_int_eq (s_scalar (lite, "SELECT count(*) FROM t"), 3);
    /* a transaction through the cached BEGIN/COMMIT, and one rolled back */
    ck_assert_int_eq (qs_lite_exec (lite, "BEGIN IMMEDIATE", &err), 0);
    ck_assert_int_eq (qs_lite_run (lite, qs_lite_stmt (lite, &err, ins, "it", (int64_t) 4, "y"), &err), 0);
    ck_assert_int_eq (qs_lite_exec (lite, "COMMIT", &err), 0);
    ck_assert_int_eq (qs_lite_exec (lite, "BEGIN IMMEDIATE", &err), 0);
    ck_assert_int_eq (qs_lite_run (lite, qs_lite_stmt (lite, &err, ins, "it", (int64_t) 5, "z"), &err), 0);
    qs_lite_rollback (lite);
    ck_assert_int_eq (s_scalar (lite, "SELECT count(*) FROM t"), 4);
    /* an error is still mapped from its own statement */
    ck_assert_int_eq (qs_lite_run (lite, qs_lite_stmt (lite, &err, ins, "it", (int64_t) 4, "dup"), &err), -1);
    ck_assert_int_eq (err.status, 500);
    ck_assert_msg (strstr (err.message, "UNIQUE"), "%s", err.message);
    /* several statements in one text are not cached: run as text */
    ck_assert_int_eq (qs_lite_exec (lite, "INSERT INTO t (k, v) VALUES (6, 'a'); INSERT INTO t (k, v) VALUES (7, 'b');", &err), 0);
    ck_assert_int_eq (s_scalar (lite, "SELECT count(*) FROM t"), 6);
    ck_assert_ptr_null (qs_lite_stmt (lite, &err, "SELECT 1; SELECT 2", ""));
    QS_LITE_UNLOCK (lite);
    qs_db_destroy (&db);
}
END_TEST

/*  (forked: a fresh process) a SQLite store maps no MongoDB driver; the
    first mongodb:// store loads it (nothing is contacted). */
START_TEST (test_mongo_driver_on_demand)
{
    qs_err_t err = {0};
    ck_assert (!qs_test_mapped ("libmongoc"));
    if (!qs_test_db_is_mongo ()) {
        qs_db_t *lite = qs_db_new (s_db.url, &err);
        ck_assert_msg (lite, "%s", err.message);
        ck_assert (!qs_test_mapped ("libmongoc"));
        qs_db_destroy (&lite);
    }
    qs_db_t *db = qs_db_new ("mongodb://127.0.0.1:1/qs?serverSelectionTimeoutMS=200", &err);
    ck_assert_msg (db, "%s", err.message);
    ck_assert (qs_test_mapped ("libmongoc"));
    qs_db_destroy (&db);
}
END_TEST

/*  (forked) no MongoDB driver installed: a mongodb:// store is 503
    store_unavailable saying so; SQLite is not affected. */
START_TEST (test_without_mongo_driver)
{
    qs_mongo_use_library ("libmongoc-not-installed.so.0");
    qs_err_t err = {0};
    for (int i = 0; i < 2; i++) {
        ck_assert_ptr_null (qs_db_new ("mongodb://127.0.0.1:1/qs", &err));
        ck_assert_int_eq (err.status, 503);
        ck_assert_str_eq (err.code, "store_unavailable");
        ck_assert_ptr_nonnull (strstr (err.message, "MongoDB driver is not available"));
        ck_assert_ptr_nonnull (strstr (err.message, "libmongoc-not-installed.so.0"));
    }
    if (!qs_test_db_is_mongo ()) {
        qs_db_t *lite = qs_db_new (s_db.url, &err);
        ck_assert_msg (lite, "%s", err.message);
        qs_db_destroy (&lite);
    }
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create (qs_test_db_is_mongo () ? "storage_mongo" : "storage_sqlite");
    TCase *tc = tcase_create ("driver");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_add_test (tc, test_urls_and_ping);
    tcase_add_test (tc, test_components_migrate_apart);
    tcase_add_test (tc, test_statement_cache);
    suite_add_tcase (s, tc);
    /*  loading is once per process: these need a process each */
    if (qs_test_forking ()) {
        TCase *load = tcase_create ("loading");
        tcase_add_checked_fixture (load, s_setup, s_teardown);
        tcase_add_test (load, test_mongo_driver_on_demand);
        tcase_add_test (load, test_without_mongo_driver);
        suite_add_tcase (s, load);
    }
    return s;
}

QS_TEST_MAIN (s_suite)
