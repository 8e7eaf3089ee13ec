/*  The store across processes: concurrent appends, compare-and-set and
    versioned dialogue state, a writer killed with SIGKILL mid-stream, and
    (SQLite) schema migrations. */
#include "../../qs_test.h"
#include "qs_store_testlib.h"
#include "qs_json.h"
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

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

static qs_store_t *
s_open (void)
{
    qs_err_t err = {0};
    qs_store_t *store = qs_store_new (s_db.url, &err);
    ck_assert_msg (store, "open: %s", err.message);
    return store;
}

static json_object *
s_msg (const char *role, const char *content)
{
    json_object *m = json_object_new_object ();
    qs_json_add_str (m, "role", role);
    qs_json_add_str (m, "content", content);
    return m;
}

/*  Child: append n messages tagged with who; exit 0 when all succeeded. */
static void
s_appender (const char *conv, int who, int n)
{
    qs_err_t err = {0};
    qs_store_t *store = qs_store_new (s_db.url, &err);
    int failed = store ? 0 : n;
    for (int i = 0; store && i < n; i++) {
        char text[32];
        snprintf (text, sizeof text, "p%d-%d", who, i);
        json_object *m = s_msg ("user", text);
        json_object *r = qs_store_message_append (store, "o", "u", conv, m, &err);
        failed += r ? 0 : 1;
        json_object_put (r);
        json_object_put (m);
    }
    qs_store_destroy (&store);
    _exit (failed ? 1 : 0);
}

START_TEST (test_concurrent_appends_lose_nothing)
{
    enum { PER_CHILD = 150 };
    qs_err_t err = {0};
    qs_store_t *store = s_open ();
    json_object *first = s_msg ("user", "start");
    json_object *c = qs_store_conversation_create (store, "o", "u", first, &err);
    char conv[QS_ID_LEN + 1];
    qs_strlcpy (conv, qs_json_str (c, "id", ""), sizeof conv);
    json_object_put (c);
    json_object_put (first);
    qs_store_destroy (&store);     /* no driver threads across fork */

    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork ();
        ck_assert_int_ge (kids[k], 0);
        if (kids[k] == 0)
            s_appender (conv, k, PER_CHILD);
    }
    for (int k = 0; k < 2; k++) {
        int status = 0;
        ck_assert_int_eq (waitpid (kids[k], &status, 0), kids[k]);
        ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0, "appender %d failed", k);
    }
    store = s_open ();
    c = qs_store_conversation_get (store, "o", "u", conv, &err);
    ck_assert_int_eq (qs_json_int (c, "message_count", 0), 1 + 2 * PER_CHILD);
    json_object_put (c);

    /* every message present once, seq 1..N without gaps */
    bool seen[2][PER_CHILD] = {{false}};
    int expect = 1;
    char cursor[128] = "";
    do {
        json_object *page = qs_store_message_list (store, "o", "u", conv, 1000, cursor, &err);
        ck_assert_msg (page, "%s", err.message);
        json_object *arr = json_object_object_get (page, "messages");
        for (size_t i = 0; i < json_object_array_length (arr); i++, expect++) {
            json_object *m = json_object_array_get_idx (arr, i);
            ck_assert_int_eq (qs_json_int (m, "seq", 0), expect);
            int who, n;
            if (sscanf (qs_json_str (m, "content", ""), "p%d-%d", &who, &n) == 2) {
                ck_assert (who >= 0 && who < 2 && n >= 0 && n < PER_CHILD);
                ck_assert_msg (!seen[who][n], "duplicate message");
                seen[who][n] = true;
            }
        }
        const char *next = qs_json_str (page, "next_cursor", NULL);
        qs_strlcpy (cursor, next ? next : "", sizeof cursor);
        json_object_put (page);
    } while (cursor[0]);
    ck_assert_int_eq (expect, 2 + 2 * PER_CHILD);
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < PER_CHILD; i++)
            ck_assert_msg (seen[k][i], "lost message p%d-%d", k, i);
    qs_store_destroy (&store);
}
END_TEST

/*  Child: try to settle every action; exit code = number won (409 = lost). */
static void
s_settler (char ids[][QS_ID_LEN + 1], int n, const char *to)
{
    qs_err_t err = {0};
    qs_store_t *store = qs_store_new (s_db.url, &err);
    if (!store)
        _exit (101);
    int won = 0;
    for (int i = 0; i < n; i++) {
        json_object *r = qs_store_action_transition (store, "o", "u", ids[i], to, NULL, &err);
        if (r)
            won++;
        else if (err.status != 409)
            _exit (100);
        json_object_put (r);
    }
    qs_store_destroy (&store);
    _exit (won);
}

START_TEST (test_concurrent_transition_once)
{
    enum { N = 40 };
    qs_err_t err = {0};
    char ids[N][QS_ID_LEN + 1], conv[QS_ID_LEN + 1];
    qs_store_t *store = s_open ();
    json_object *c = qs_store_conversation_create (store, "o", "u", NULL, &err);
    qs_strlcpy (conv, qs_json_str (c, "id", ""), sizeof conv);
    json_object_put (c);
    for (int i = 0; i < N; i++) {
        json_object *in = json_object_new_object ();
        qs_json_add_str (in, "conversation_id", conv);
        qs_json_add_str (in, "type", "restart");
        qs_json_add_str (in, "summary", "Restart the pod");
        json_object *a = qs_store_action_create (store, "o", "u", in, &err);
        ck_assert_msg (a, "%s", err.message);
        qs_strlcpy (ids[i], qs_json_str (a, "id", ""), QS_ID_LEN + 1);
        json_object_put (a);
        json_object_put (in);
    }
    qs_store_destroy (&store);
    pid_t kids[2];
    const char *to[2] = {"executed", "cancelled"};
    for (int k = 0; k < 2; k++) {
        kids[k] = fork ();
        ck_assert_int_ge (kids[k], 0);
        if (kids[k] == 0)
            s_settler (ids, N, to[k]);
    }
    int won[2];
    for (int k = 0; k < 2; k++) {
        int status = 0;
        ck_assert_int_eq (waitpid (kids[k], &status, 0), kids[k]);
        ck_assert (WIFEXITED (status));
        won[k] = WEXITSTATUS (status);
        ck_assert_int_le (won[k], N);
    }
    ck_assert_int_eq (won[0] + won[1], N);      /* each action settled exactly once */
    store = s_open ();
    int executed = 0;
    for (int i = 0; i < N; i++) {
        json_object *a = qs_store_action_get (store, "o", "u", ids[i], &err);
        executed += strcmp (qs_json_str (a, "status", ""), "executed") == 0;
        json_object_put (a);
    }
    ck_assert_int_eq (executed, won[0]);
    qs_store_destroy (&store);
}
END_TEST

/*  Child: n read-modify-write increments of counter "c<who>" in the dialogue
    state, retrying on 409 like a replica would; exit 0 when all landed. */
static void
s_dialogue_writer (const char *conv, int who, int n)
{
    qs_err_t err = {0};
    qs_store_t *store = qs_store_new (s_db.url, &err);
    char key[8];
    snprintf (key, sizeof key, "c%d", who);
    for (int done = 0; store && done < n;) {
        json_object *state = NULL;
        int64_t version = 0;
        if (qs_store_dialogue_get (store, "o", "u", conv, &state, &version, &err) != 0)
            _exit (100);
        json_object_object_add (state, key, json_object_new_int64 (qs_json_int (state, key, 0) + 1));
        if (qs_store_dialogue_put (store, "o", "u", conv, state, version, &err) == 0)
            done++;
        else if (err.status != 409)
            _exit (101);
        json_object_put (state);
    }
    int rc = store ? 0 : 102;
    qs_store_destroy (&store);
    _exit (rc);
}

START_TEST (test_concurrent_dialogue_no_lost_update)
{
    enum { PER_CHILD = 40 };
    qs_err_t err = {0};
    qs_store_t *store = s_open ();
    json_object *c = qs_store_conversation_create (store, "o", "u", NULL, &err);
    char conv[QS_ID_LEN + 1];
    qs_strlcpy (conv, qs_json_str (c, "id", ""), sizeof conv);
    json_object_put (c);
    qs_store_destroy (&store);
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork ();
        ck_assert_int_ge (kids[k], 0);
        if (kids[k] == 0)
            s_dialogue_writer (conv, k, PER_CHILD);
    }
    for (int k = 0; k < 2; k++) {
        int status = 0;
        ck_assert_int_eq (waitpid (kids[k], &status, 0), kids[k]);
        ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0,
                       "dialogue writer %d failed (%d)", k, WEXITSTATUS (status));
    }
    store = s_open ();
    json_object *state = NULL;
    int64_t version = 0;
    ck_assert_int_eq (qs_store_dialogue_get (store, "o", "u", conv, &state, &version, &err), 0);
    /* every committed write is one version, and none overwrote another's */
    ck_assert_int_eq (version, 2 * PER_CHILD);
    ck_assert_int_eq (qs_json_int (state, "c0", 0), PER_CHILD);
    ck_assert_int_eq (qs_json_int (state, "c1", 0), PER_CHILD);
    json_object_put (state);
    qs_store_destroy (&store);
}
END_TEST

/*  Child: create conversations with a few messages each, forever. */
static void
s_writer (void)
{
    qs_err_t err = {0};
    qs_store_t *store = qs_store_new (s_db.url, &err);
    if (!store)
        _exit (1);
    for (int i = 0;; i++) {
        json_object *m = s_msg ("user", "crash me");
        json_object *c = qs_store_conversation_create (store, "o", "u", m, &err);
        for (int k = 0; c && k < 4; k++)
            json_object_put (qs_store_message_append (store, "o", "u", qs_json_str (c, "id", ""), m, &err));
        json_object_put (c);
        json_object_put (m);
    }
}

START_TEST (test_kill9_leaves_no_half_conversation)
{
    qs_err_t err = {0};
    qs_store_t *store = s_open ();     /* schema exists before the writer starts */
    qs_store_destroy (&store);
    pid_t kid = fork ();
    ck_assert_int_ge (kid, 0);
    if (kid == 0)
        s_writer ();
    /* let it get going (however slow the machine), then kill it mid-stream */
    store = s_open ();
    for (int waited = 0; waited < 200; waited++) {
        json_object *page = qs_store_conversation_list (store, "o", "u", 10, NULL, &err);
        int n = page ? (int) json_object_array_length (json_object_object_get (page, "conversations")) : 0;
        json_object_put (page);
        if (n >= 10)
            break;
        usleep (50 * 1000);
    }
    qs_store_destroy (&store);
    usleep ((useconds_t) (qs_now_ms () % 50) * 1000);
    kill (kid, SIGKILL);
    int status = 0;
    waitpid (kid, &status, 0);
    ck_assert (WIFSIGNALED (status));

    store = s_open ();
    int convs = 0;
    char cursor[256] = "";
    do {
        json_object *page = qs_store_conversation_list (store, "o", "u", 100, cursor, &err);
        ck_assert_msg (page, "%s", err.message);
        json_object *arr = json_object_object_get (page, "conversations");
        for (size_t i = 0; i < json_object_array_length (arr); i++, convs++) {
            json_object *c = json_object_array_get_idx (arr, i);
            int64_t count = qs_json_int (c, "message_count", -1);
            json_object *msgs = qs_store_message_recent (store, "o", "u", qs_json_str (c, "id", ""), 1000, &err);
            ck_assert_msg (msgs, "%s", err.message);
            int64_t have = (int64_t) json_object_array_length (msgs);
            json_object_put (msgs);
            ck_assert_int_ge (have, 1);          /* never without its first message */
            if (qs_test_db_is_mongo ())
                ck_assert (count == have || count == have + 1);   /* see qs_store_mongo.c */
            else
                ck_assert_int_eq (count, have);
        }
        const char *next = qs_json_str (page, "next_cursor", NULL);
        qs_strlcpy (cursor, next ? next : "", sizeof cursor);
        json_object_put (page);
    } while (cursor[0]);
    ck_assert_int_gt (convs, 0);
    /* and the store still takes writes */
    json_object *c = qs_store_conversation_create (store, "o", "u", NULL, &err);
    ck_assert_msg (c, "%s", err.message);
    json_object_put (c);
    qs_store_destroy (&store);
}
END_TEST

/*  Child: open the (possibly brand-new) store and create one conversation. */
static void
s_opener (void)
{
    qs_err_t err = {0};
    qs_store_t *store = qs_store_new (s_db.url, &err);
    json_object *c = store ? qs_store_conversation_create (store, "o", "u", NULL, &err) : NULL;
    int ok = c != NULL;
    json_object_put (c);
    qs_store_destroy (&store);
    _exit (ok ? 0 : 1);
}

START_TEST (test_concurrent_first_open)
{
    /* several processes starting at once on a fresh database: one migrates,
       the others wait for it, everyone works */
    enum { KIDS = 4 };
    pid_t kids[KIDS];
    for (int k = 0; k < KIDS; k++) {
        kids[k] = fork ();
        ck_assert_int_ge (kids[k], 0);
        if (kids[k] == 0)
            s_opener ();
    }
    for (int k = 0; k < KIDS; k++) {
        int status = 0;
        ck_assert_int_eq (waitpid (kids[k], &status, 0), kids[k]);
        ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0, "opener %d failed", k);
    }
    qs_err_t err = {0};
    qs_store_t *store = s_open ();
    json_object *page = qs_store_conversation_list (store, "o", "u", 100, NULL, &err);
    ck_assert_int_eq ((int) json_object_array_length (json_object_object_get (page, "conversations")),
                      KIDS);
    json_object_put (page);
    qs_store_destroy (&store);
}
END_TEST

static int
s_user_version (const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int v = -1;
    if (sqlite3_open (path, &db) == SQLITE_OK
        && sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK
        && sqlite3_step (stmt) == SQLITE_ROW)
        v = sqlite3_column_int (stmt, 0);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    return v;
}

START_TEST (test_sqlite_migrations_keep_rows)
{
    if (qs_test_db_is_mongo ())
        return;
    qs_err_t err = {0};
    /* a database someone already uses: its rows must survive the migration */
    sqlite3 *db = NULL;
    ck_assert_int_eq (sqlite3_open (s_db.path, &db), SQLITE_OK);
    ck_assert_int_eq (sqlite3_exec (db, "CREATE TABLE keepme (v TEXT); INSERT INTO keepme VALUES ('x');",
                                    NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close (db);

    qs_store_t *store = s_open ();
    json_object *c = qs_store_conversation_create (store, "o", "u", NULL, &err);
    char id[QS_ID_LEN + 1];
    qs_strlcpy (id, qs_json_str (c, "id", ""), sizeof id);
    json_object_put (c);
    qs_store_destroy (&store);
    int version = s_user_version (s_db.path);
    ck_assert_int_ge (version, 1);

    store = s_open ();        /* reopening runs no migration twice and keeps rows */
    c = qs_store_conversation_get (store, "o", "u", id, &err);
    ck_assert_ptr_nonnull (c);
    json_object_put (c);
    qs_store_destroy (&store);
    ck_assert_int_eq (s_user_version (s_db.path), version);

    ck_assert_int_eq (sqlite3_open (s_db.path, &db), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    sqlite3_prepare_v2 (db, "SELECT count(*) FROM keepme", -1, &stmt, NULL);
    ck_assert_int_eq (sqlite3_step (stmt), SQLITE_ROW);
    ck_assert_int_eq (sqlite3_column_int (stmt, 0), 1);
    sqlite3_finalize (stmt);
    /* a newer schema than this build knows is refused, not damaged */
    ck_assert_int_eq (sqlite3_exec (db, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close (db);
    ck_assert_ptr_null (qs_store_new (s_db.url, &err));
    ck_assert_int_eq (err.status, 503);
    ck_assert_int_eq (s_user_version (s_db.path), 999);
}
END_TEST

/*  A version 1 database (before dialogue state) with a conversation in it:
    opening migrates it, the conversation keeps its rows and starts with an
    empty dialogue state at version 0. */
START_TEST (test_sqlite_migration_adds_dialogue)
{
    if (qs_test_db_is_mongo ())
        return;
    qs_err_t err = {0};
    char id[QS_ID_LEN + 1];
    qs_store_t *store = s_open ();
    qs_test_new_conv (store, "o", "u", "before dialogue state", id);
    qs_store_destroy (&store);
    sqlite3 *db = NULL;
    ck_assert_int_eq (sqlite3_open (s_db.path, &db), SQLITE_OK);
    ck_assert_int_eq (sqlite3_exec (db, "ALTER TABLE conversations DROP COLUMN dialogue_state;"
                                        "ALTER TABLE conversations DROP COLUMN dialogue_version;"
                                        "PRAGMA user_version = 1;", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close (db);

    store = s_open ();
    ck_assert_int_ge (s_user_version (s_db.path), 2);
    json_object *state = NULL;
    int64_t version = -1;
    ck_assert_int_eq (qs_store_dialogue_get (store, "o", "u", id, &state, &version, &err), 0);
    ck_assert_int_eq (version, 0);
    ck_assert_str_eq (json_object_to_json_string_ext (state, JSON_C_TO_STRING_PLAIN), "{}");
    json_object_put (state);
    ck_assert_int_eq (qs_store_dialogue_put (store, "o", "u", id, NULL, 0, &err), 0);
    json_object *r = qs_store_message_recent (store, "o", "u", id, 10, &err);
    ck_assert_int_eq ((int) json_object_array_length (r), 1);
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (r, 0), "content", ""),
                      "before dialogue state");
    json_object_put (r);
    qs_store_destroy (&store);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create (qs_test_db_is_mongo () ? "store_proc_mongo" : "store_proc_sqlite");
    TCase *tc = tcase_create ("processes");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 120);
    tcase_add_test (tc, test_concurrent_appends_lose_nothing);
    tcase_add_test (tc, test_concurrent_transition_once);
    tcase_add_test (tc, test_concurrent_dialogue_no_lost_update);
    tcase_add_test (tc, test_kill9_leaves_no_half_conversation);
    tcase_add_test (tc, test_concurrent_first_open);
    tcase_add_test (tc, test_sqlite_migrations_keep_rows);
    tcase_add_test (tc, test_sqlite_migration_adds_dialogue);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
