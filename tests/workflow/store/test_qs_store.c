/*  The store's behaviour, the same for every backend (QS_TEST_STORE_URL):
    conversations, messages, paging, owner scoping, bad input, threads.
    Actions, checkpoints, dialogue state, diagnoses and deletion are in
    test_qs_store_records.c; process-level checks (concurrency, kill -9) in
    test_qs_store_proc.c. */
#include "../../qs_test.h"
#include "qs_store_testlib.h"
#include "qs_json.h"
#include <pthread.h>

static qs_test_db_t s_db;
static qs_store_t *s_store;

static void
s_setup (void)
{
    qs_err_t err = {0};
    qs_test_db_init (&s_db);
    s_store = qs_store_new (s_db.url, &err);
    ck_assert_msg (s_store, "open %s: %s", s_db.url, err.message);
}

static void
s_teardown (void)
{
    qs_store_destroy (&s_store);
    qs_test_db_remove (&s_db);
}

START_TEST (test_ping_and_backend)
{
    qs_err_t err = {0};
    ck_assert_int_eq (qs_store_ping (s_store, &err), 0);
    ck_assert_str_eq (qs_store_backend (s_store), qs_test_db_is_mongo () ? "mongodb" : "sqlite");
}
END_TEST

START_TEST (test_bad_urls)
{
    qs_err_t err = {0};
    ck_assert_ptr_null (qs_store_new ("postgres://x", &err));
    ck_assert_int_eq (err.status, 400);
    ck_assert_ptr_null (qs_store_new ("sqlite://", &err));
    ck_assert_int_eq (err.status, 400);
    ck_assert_ptr_null (qs_store_new ("mongodb://user:hunter2@", &err));
    ck_assert_int_eq (err.status, 400);
    ck_assert_ptr_null (strstr (err.message, "hunter2"));
    /* nothing listens on port 1: unavailable, and the password stays secret */
    ck_assert_ptr_null (qs_store_new ("mongodb://user:hunter2@127.0.0.1:1/?serverSelectionTimeoutMS=300", &err));
    ck_assert_int_eq (err.status, 503);
    ck_assert_ptr_null (strstr (err.message, "hunter2"));
}
END_TEST

START_TEST (test_create_get_title)
{
    qs_err_t err = {0};
    /* whitespace collapsed and trimmed, cut at 80 characters on a code point */
    char text[400] = "  \n Deploy\t\ta   redis ";
    for (int i = 0; i < 100; i++)
        strcat (text, "\xc3\xa9");
    json_object *m = qs_test_msg ("user", text);
    json_object *c = qs_store_conversation_create (s_store, "o1", "u1", m, &err);
    ck_assert_msg (c, "%s", err.message);
    const char *title = qs_json_str (c, "title", "");
    ck_assert (strncmp (title, "Deploy a redis \xc3\xa9", 17) == 0);
    ck_assert_int_eq (qs_utf8_length (title, strlen (title)), 80);
    ck_assert_int_eq (qs_json_int (c, "message_count", 0), 1);
    ck_assert (qs_id_valid (qs_json_str (c, "id", "")));

    json_object *g = qs_store_conversation_get (s_store, "o1", "u1", qs_json_str (c, "id", ""), &err);
    ck_assert_msg (g, "%s", err.message);
    ck_assert_str_eq (qs_json_str (g, "title", ""), title);
    ck_assert_int_eq (qs_json_int (g, "message_count", 0), 1);
    int64_t created;
    ck_assert_int_eq (qs_time_parse (qs_json_str (g, "created_at", ""), &created), 0);
    ck_assert (llabs ((long long) (created - qs_now_ms ())) < 60000);
    json_object_put (g);
    json_object_put (c);
    json_object_put (m);

    /* no first message / whitespace only: a default title, zero messages */
    c = qs_store_conversation_create (s_store, "o1", "u1", NULL, &err);
    ck_assert_str_eq (qs_json_str (c, "title", ""), "New conversation");
    ck_assert_int_eq (qs_json_int (c, "message_count", -1), 0);
    json_object_put (c);
    m = qs_test_msg ("user", " \t\n ");
    c = qs_store_conversation_create (s_store, "o1", "u1", m, &err);
    ck_assert_str_eq (qs_json_str (c, "title", ""), "New conversation");
    json_object_put (c);
    json_object_put (m);
}
END_TEST

START_TEST (test_owner_scoping_and_malformed_ids)
{
    qs_err_t err = {0};
    char id[QS_ID_LEN + 1];
    qs_test_new_conv (s_store, "org-a", "alice", "hello", id);
    /* another user of the same org, the same user id in another org */
    const char *others[][2] = {{"org-a", "bob"}, {"org-b", "alice"}, {"org-a", "$ne"},
                               {"org-a", "{\"$ne\":\"x\"}"}};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        const char *org = others[i][0], *user = others[i][1];
        ck_assert_ptr_null (qs_store_conversation_get (s_store, org, user, id, &err));
        ck_assert_int_eq (err.status, 404);
        json_object *m = qs_test_msg ("user", "sneaky");
        ck_assert_ptr_null (qs_store_message_append (s_store, org, user, id, m, &err));
        ck_assert_int_eq (err.status, 404);
        json_object_put (m);
        ck_assert_ptr_null (qs_store_message_list (s_store, org, user, id, 0, NULL, &err));
        ck_assert_int_eq (err.status, 404);
        ck_assert_int_eq (qs_store_conversation_delete (s_store, org, user, id, &err), -1);
        ck_assert_int_eq (err.status, 404);
        json_object *l = qs_store_conversation_list (s_store, org, user, 0, NULL, &err);
        ck_assert_int_eq ((int) json_object_array_length (json_object_object_get (l, "conversations")), 0);
        json_object_put (l);
    }
    /* still there, untouched, for its owner */
    json_object *g = qs_store_conversation_get (s_store, "org-a", "alice", id, &err);
    ck_assert_int_eq (qs_json_int (g, "message_count", 0), 1);
    json_object_put (g);

    const char *bad[] = {"", "short", "{\"$gt\":\"\"}", "../../etc/passwd0000000000",
                         "aaaaaaaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaaa$"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_ptr_null (qs_store_conversation_get (s_store, "org-a", "alice", bad[i], &err));
        ck_assert_int_eq (err.status, 404);
        ck_assert_ptr_null (qs_store_action_get (s_store, "org-a", "alice", bad[i], &err));
        ck_assert_int_eq (err.status, 404);
    }
    ck_assert_ptr_null (qs_store_conversation_get (s_store, "org-a", "alice", NULL, &err));
    ck_assert_int_eq (err.status, 404);
    ck_assert_ptr_null (qs_store_conversation_get (s_store, "", "alice", id, &err));
    ck_assert_int_eq (err.status, 400);
}
END_TEST

START_TEST (test_list_paging_stable)
{
    qs_err_t err = {0};
    enum { N = 25 };
    char ids[N][QS_ID_LEN + 1];
    for (int i = 0; i < N; i++) {
        char text[32];
        snprintf (text, sizeof text, "conversation %d", i);
        qs_test_new_conv (s_store, "o", "u", text, ids[i]);
    }
    char scratch[QS_ID_LEN + 1];
    qs_test_new_conv (s_store, "o", "other", "not mine", scratch);

    char seen[N + 10][QS_ID_LEN + 1];
    int nseen = 0, pages = 0;
    char cursor[256] = "";
    int64_t prev_created = INT64_MAX;
    do {
        json_object *page = qs_store_conversation_list (s_store, "o", "u", 10, cursor, &err);
        ck_assert_msg (page, "%s", err.message);
        json_object *arr = json_object_object_get (page, "conversations");
        for (size_t i = 0; i < json_object_array_length (arr); i++) {
            json_object *c = json_object_array_get_idx (arr, i);
            int64_t created;
            qs_time_parse (qs_json_str (c, "created_at", ""), &created);
            ck_assert (created <= prev_created);     /* newest first */
            prev_created = created;
            for (int k = 0; k < nseen; k++)
                ck_assert_str_ne (seen[k], qs_json_str (c, "id", ""));   /* no repeat */
            qs_strlcpy (seen[nseen++], qs_json_str (c, "id", ""), QS_ID_LEN + 1);
        }
        /* meanwhile: new conversations arrive and old ones get messages */
        char fresh[QS_ID_LEN + 1];
        qs_test_new_conv (s_store, "o", "u", "arrived while paging", fresh);
        for (int k = 0; k < N; k += 3) {
            json_object *m = qs_test_msg ("assistant", "bump");
            json_object *r = qs_store_message_append (s_store, "o", "u", ids[k], m, &err);
            json_object_put (r);
            json_object_put (m);
        }
        const char *next = qs_json_str (page, "next_cursor", NULL);
        cursor[0] = '\0';
        if (next)
            qs_strlcpy (cursor, next, sizeof cursor);
        json_object_put (page);
        pages++;
    } while (cursor[0] && pages < 10);
    ck_assert_int_eq (pages, 3);
    ck_assert_int_eq (nseen, N);     /* conversations created while paging are not in it */
    for (int i = 0; i < N; i++) {
        bool found = false;
        for (int k = 0; k < nseen; k++)
            found = found || strcmp (seen[k], ids[i]) == 0;
        ck_assert_msg (found, "conversation %d skipped", i);
    }

    /* limits and cursors */
    json_object *page = qs_store_conversation_list (s_store, "o", "u", 0, NULL, &err);
    ck_assert_int_eq ((int) json_object_array_length (json_object_object_get (page, "conversations")), 20);
    json_object_put (page);
    ck_assert_ptr_null (qs_store_conversation_list (s_store, "o", "u", 101, NULL, &err));
    ck_assert_int_eq (err.status, 400);
    ck_assert_ptr_null (qs_store_conversation_list (s_store, "o", "u", -1, NULL, &err));
    ck_assert_int_eq (err.status, 400);
    ck_assert_ptr_null (qs_store_conversation_list (s_store, "o", "u", 5, "not-a-cursor!", &err));
    ck_assert_int_eq (err.status, 400);
    ck_assert_ptr_null (qs_store_conversation_list (s_store, "o", "u", 5, "eyIkZ3QiOiIifQ", &err));
    ck_assert_int_eq (err.status, 400);
}
END_TEST

START_TEST (test_messages_append_list_recent)
{
    qs_err_t err = {0};
    char id[QS_ID_LEN + 1];
    qs_test_new_conv (s_store, "o", "u", "first", id);
    json_object *before = qs_store_conversation_get (s_store, "o", "u", id, &err);
    usleep (5000);
    for (int i = 2; i <= 250; i++) {
        char text[32];
        snprintf (text, sizeof text, "message %d", i);
        json_object *m = qs_test_msg (i % 2 ? "user" : "assistant", text);
        json_object *meta = json_object_new_object ();
        qs_json_add_int (meta, "n", i);
        json_object_object_add (m, "metadata", meta);
        json_object *r = qs_store_message_append (s_store, "o", "u", id, m, &err);
        ck_assert_msg (r, "%s", err.message);
        ck_assert_int_eq (qs_json_int (r, "seq", 0), i);
        json_object_put (r);
        json_object_put (m);
    }
    json_object *after = qs_store_conversation_get (s_store, "o", "u", id, &err);
    ck_assert_int_eq (qs_json_int (after, "message_count", 0), 250);
    ck_assert_str_gt (qs_json_str (after, "updated_at", ""), qs_json_str (before, "updated_at", ""));
    ck_assert_str_eq (qs_json_str (after, "created_at", ""), qs_json_str (before, "created_at", ""));
    json_object_put (before);
    json_object_put (after);

    /* oldest first, paged 100 at a time */
    char cursor[128] = "";
    int expect = 1, pages = 0;
    do {
        json_object *page = qs_store_message_list (s_store, "o", "u", id, 0, cursor, &err);
        ck_assert_msg (page, "%s", err.message);
        json_object *arr = json_object_object_get (page, "messages");
        for (size_t i = 0; i < json_object_array_length (arr); i++, expect++) {
            json_object *m = json_object_array_get_idx (arr, i);
            ck_assert_int_eq (qs_json_int (m, "seq", 0), expect);
            if (expect > 1)
                ck_assert_int_eq (qs_json_int (qs_json_get (m, "metadata", json_type_object), "n", 0), expect);
        }
        const char *next = qs_json_str (page, "next_cursor", NULL);
        qs_strlcpy (cursor, next ? next : "", sizeof cursor);
        json_object_put (page);
        pages++;
    } while (cursor[0]);
    ck_assert_int_eq (expect, 251);
    ck_assert_int_eq (pages, 3);

    json_object *recent = qs_store_message_recent (s_store, "o", "u", id, 5, &err);
    ck_assert_int_eq ((int) json_object_array_length (recent), 5);
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (recent, 0), "content", ""), "message 246");
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (recent, 4), "content", ""), "message 250");
    json_object_put (recent);
    ck_assert_ptr_null (qs_store_message_recent (s_store, "o", "u", id, 0, &err));
    ck_assert_int_eq (err.status, 400);
}
END_TEST

START_TEST (test_bad_input)
{
    qs_err_t err = {0};
    char id[QS_ID_LEN + 1];
    qs_test_new_conv (s_store, "o", "u", "start", id);

    char *big = malloc (QS_STORE_CONTENT_MAX + 2);
    memset (big, 'a', QS_STORE_CONTENT_MAX + 1);
    big[QS_STORE_CONTENT_MAX + 1] = '\0';
    json_object *m = qs_test_msg ("user", big);
    ck_assert_ptr_null (qs_store_message_append (s_store, "o", "u", id, m, &err));
    ck_assert_int_eq (err.status, 413);
    json_object_put (m);
    free (big);

    m = qs_test_msg ("user", "bad \xc3\x28 utf8");
    ck_assert_ptr_null (qs_store_message_append (s_store, "o", "u", id, m, &err));
    ck_assert_int_eq (err.status, 422);
    ck_assert_ptr_null (qs_store_conversation_create (s_store, "o", "u", m, &err));
    ck_assert_int_eq (err.status, 422);
    json_object_put (m);

    m = json_object_new_object ();
    qs_json_add_str (m, "role", "user");
    json_object_object_add (m, "content", json_object_new_string_len ("a\0b", 3));
    ck_assert_ptr_null (qs_store_message_append (s_store, "o", "u", id, m, &err));
    ck_assert_int_eq (err.status, 422);
    json_object_put (m);

    m = qs_test_msg ("admin", "I am root");
    ck_assert_ptr_null (qs_store_message_append (s_store, "o", "u", id, m, &err));
    ck_assert_int_eq (err.status, 422);
    json_object_put (m);
    ck_assert_ptr_null (qs_store_conversation_create (s_store, "o", "u\xff", NULL, &err));
    ck_assert_int_eq (err.status, 422);

    /* operator-looking content and $-keys are kept verbatim as data */
    const char *meta_text = "{\"$where\":\"sleep(1000)\",\"$set\":{\"role\":\"system\"},"
                            "\"a.b\":{\"$gt\":\"\"}}";
    m = qs_test_msg ("user", "{\"$gt\": \"\"}");
    json_object_object_add (m, "metadata", qs_json_parse (meta_text, strlen (meta_text), NULL));
    json_object *r = qs_store_message_append (s_store, "o", "u", id, m, &err);
    ck_assert_msg (r, "%s", err.message);
    json_object_put (r);
    json_object_put (m);
    json_object *recent = qs_store_message_recent (s_store, "o", "u", id, 1, &err);
    json_object *got = json_object_array_get_idx (recent, 0);
    ck_assert_str_eq (qs_json_str (got, "content", ""), "{\"$gt\": \"\"}");
    ck_assert_str_eq (qs_json_str (got, "role", ""), "user");
    json_object *meta = qs_json_get (got, "metadata", json_type_object);
    ck_assert_str_eq (qs_json_str (meta, "$where", ""), "sleep(1000)");
    ck_assert_str_eq (qs_json_str (qs_json_get (meta, "$set", json_type_object), "role", ""), "system");
    ck_assert_ptr_nonnull (qs_json_get (meta, "a.b", json_type_object));
    json_object_put (recent);
    json_object *c = qs_store_conversation_get (s_store, "o", "u", id, &err);
    ck_assert_int_eq (qs_json_int (c, "message_count", 0), 2);
    json_object_put (c);

    /* metadata must be an object */
    m = qs_test_msg ("user", "x");
    json_object_object_add (m, "metadata", json_object_new_string ("{\"$gt\":1}"));
    ck_assert_ptr_null (qs_store_message_append (s_store, "o", "u", id, m, &err));
    ck_assert_int_eq (err.status, 400);
    json_object_put (m);
}
END_TEST

typedef struct {
    const char *conv;
    int who, failed;
} s_thread_arg_t;

static void *
s_thread_append (void *arg)
{
    s_thread_arg_t *a = arg;
    for (int i = 0; i < 50; i++) {
        qs_err_t err = {0};
        char text[32];
        snprintf (text, sizeof text, "t%d-%d", a->who, i);
        json_object *m = qs_test_msg ("user", text);
        json_object *r = qs_store_message_append (s_store, "o", "u", a->conv, m, &err);
        a->failed += r ? 0 : 1;
        json_object_put (r);
        json_object_put (m);
    }
    return NULL;
}

START_TEST (test_threads_share_one_store)
{
    /* a worker's handler threads share one qs_store_t */
    char conv[QS_ID_LEN + 1];
    qs_test_new_conv (s_store, "o", "u", "threads", conv);
    pthread_t threads[4];
    s_thread_arg_t args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (s_thread_arg_t) {.conv = conv, .who = i, .failed = 0};
        ck_assert_int_eq (pthread_create (&threads[i], NULL, s_thread_append, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join (threads[i], NULL);
        ck_assert_int_eq (args[i].failed, 0);
    }
    qs_err_t err = {0};
    json_object *c = qs_store_conversation_get (s_store, "o", "u", conv, &err);
    ck_assert_int_eq (qs_json_int (c, "message_count", 0), 201);
    json_object_put (c);
    json_object *page = qs_store_message_list (s_store, "o", "u", conv, 1000, NULL, &err);
    json_object *arr = json_object_object_get (page, "messages");
    ck_assert_int_eq ((int) json_object_array_length (arr), 201);
    for (size_t i = 0; i < json_object_array_length (arr); i++)
        ck_assert_int_eq (qs_json_int (json_object_array_get_idx (arr, i), "seq", 0), (int) i + 1);
    json_object_put (page);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create (qs_test_db_is_mongo () ? "store_mongo" : "store_sqlite");
    TCase *tc = tcase_create ("behaviour");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_add_test (tc, test_ping_and_backend);
    tcase_add_test (tc, test_bad_urls);
    tcase_add_test (tc, test_create_get_title);
    tcase_add_test (tc, test_owner_scoping_and_malformed_ids);
    tcase_add_test (tc, test_list_paging_stable);
    tcase_add_test (tc, test_messages_append_list_recent);
    tcase_add_test (tc, test_bad_input);
    tcase_add_test (tc, test_threads_share_one_store);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
