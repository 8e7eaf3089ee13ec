/*  The workflow worker's conversation ops over local requests (no sockets),
    on a SQLite store. */
#include "../qs_test.h"
#include "qs_store_testlib.h"
#include "qs_conversations.h"
#include "qs_json.h"

static qs_test_db_t s_db;
static qs_store_t *s_store;

static void
s_setup (void)
{
    qs_err_t err = {0};
    qs_test_db_init (&s_db);
    s_store = qs_store_new (s_db.url, &err);
    ck_assert_msg (s_store, "%s", err.message);
}

static void
s_teardown (void)
{
    qs_store_destroy (&s_store);
    qs_test_db_remove (&s_db);
}

static qs_auth_t
s_auth (const char *org, const char *sub)
{
    qs_auth_t auth = {0};
    qs_strlcpy (auth.org_id, org, sizeof auth.org_id);
    qs_strlcpy (auth.sub, sub, sizeof auth.sub);
    qs_strlcpy (auth.tier, "free", sizeof auth.tier);
    auth.roles = QS_ROLE_VIEWER;
    return auth;
}

/*  Run op with body (a JSON text) as (org, sub); returns the status and puts
    a new reference to the reply in *reply_p (may be NULL for 204). */
static int
s_call_as (qs_op_fn *fn, const char *org, const char *sub, unsigned roles, const char *body_text,
           json_object **reply_p)
{
    json_object *body = qs_json_parse (body_text, strlen (body_text), NULL);
    ck_assert_ptr_nonnull (body);
    qs_auth_t auth = s_auth (org ? org : "", sub ? sub : "");
    auth.roles = roles;
    qs_req_t *req = qs_req_new_local ("op", body, org ? &auth : NULL, 5000);
    json_object_put (body);
    fn (req, s_store);
    int status = qs_req_local_status (req);
    *reply_p = json_object_get (qs_req_local_reply (req));
    qs_req_destroy_local (&req);
    return status;
}

static int
s_call (qs_op_fn *fn, const char *org, const char *sub, const char *body_text,
        json_object **reply_p)
{
    return s_call_as (fn, org, sub, QS_ROLE_VIEWER, body_text, reply_p);
}

static void
s_seed (const char *org, const char *sub, const char *text, int extra, char out[QS_ID_LEN + 1])
{
    qs_err_t err = {0};
    json_object *m = json_object_new_object ();
    qs_json_add_str (m, "role", "user");
    qs_json_add_str (m, "content", text);
    json_object *c = qs_store_conversation_create (s_store, org, sub, m, &err);
    ck_assert_msg (c, "%s", err.message);
    qs_strlcpy (out, qs_json_str (c, "id", ""), QS_ID_LEN + 1);
    for (int i = 0; i < extra; i++) {
        json_object *a = json_object_new_object ();
        qs_json_add_str (a, "role", "assistant");
        qs_json_add_str (a, "content", "reply");
        json_object_put (qs_store_message_append (s_store, org, sub, out, a, &err));
        json_object_put (a);
    }
    json_object_put (c);
    json_object_put (m);
}

static const char *
s_error_code (json_object *reply)
{
    return qs_json_str (qs_json_get (reply, "error", json_type_object), "code", "");
}

START_TEST (test_list_op)
{
    char ids[3][QS_ID_LEN + 1];
    for (int i = 0; i < 3; i++)
        s_seed ("o", "alice", "hello there", 0, ids[i]);
    char other[QS_ID_LEN + 1];
    s_seed ("o", "bob", "bob's", 0, other);

    json_object *reply = NULL;
    ck_assert_int_eq (s_call (qs_conversations_list_op, "o", "alice", "{\"limit\":\"2\"}", &reply), 200);
    json_object *arr = qs_json_get (reply, "conversations", json_type_array);
    ck_assert_int_eq ((int) json_object_array_length (arr), 2);
    json_object *first = json_object_array_get_idx (arr, 0);
    ck_assert_str_eq (qs_json_str (first, "title", ""), "hello there");
    ck_assert_int_eq (json_object_object_length (first), 5);   /* exactly the contract's fields */
    const char *cursor = qs_json_str (reply, "next_cursor", NULL);
    ck_assert_ptr_nonnull (cursor);
    char body[256];
    snprintf (body, sizeof body, "{\"limit\":2,\"cursor\":\"%s\"}", cursor);
    json_object_put (reply);
    ck_assert_int_eq (s_call (qs_conversations_list_op, "o", "alice", body, &reply), 200);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (reply, "conversations", json_type_array)), 1);
    ck_assert (json_object_is_type (json_object_object_get (reply, "next_cursor"), json_type_null));
    json_object_put (reply);

    /* defaults, bad limits, bad cursor, no identity */
    ck_assert_int_eq (s_call (qs_conversations_list_op, "o", "alice", "{}", &reply), 200);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (reply, "conversations", json_type_array)), 3);
    json_object_put (reply);
    const char *bad[] = {"{\"limit\":\"0\"}", "{\"limit\":\"101\"}", "{\"limit\":\"abc\"}",
                         "{\"limit\":\"-5\"}", "{\"limit\":true}", "{\"cursor\":\"zzz\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq (s_call (qs_conversations_list_op, "o", "alice", bad[i], &reply), 400);
        ck_assert_str_eq (s_error_code (reply), "bad_request");
        json_object_put (reply);
    }
    ck_assert_int_eq (s_call (qs_conversations_list_op, NULL, NULL, "{}", &reply), 401);
    json_object_put (reply);
}
END_TEST

START_TEST (test_get_op)
{
    char id[QS_ID_LEN + 1];
    s_seed ("o", "alice", "first question", 4, id);
    char body[256];
    json_object *reply = NULL;
    snprintf (body, sizeof body, "{\"id\":\"%s\"}", id);
    ck_assert_int_eq (s_call (qs_conversation_get_op, "o", "alice", body, &reply), 200);
    ck_assert_str_eq (qs_json_str (reply, "id", ""), id);
    ck_assert_int_eq (qs_json_int (reply, "message_count", 0), 5);
    json_object *msgs = qs_json_get (reply, "messages", json_type_array);
    ck_assert_int_eq ((int) json_object_array_length (msgs), 5);
    json_object *m0 = json_object_array_get_idx (msgs, 0);
    ck_assert_str_eq (qs_json_str (m0, "content", ""), "first question");
    ck_assert_str_eq (qs_json_str (m0, "role", ""), "user");
    ck_assert_ptr_null (json_object_object_get (m0, "seq"));
    ck_assert_ptr_nonnull (qs_json_get (m0, "metadata", json_type_object));
    json_object_put (reply);

    /* a capped page of the history, then the rest */
    snprintf (body, sizeof body, "{\"id\":\"%s\",\"messages_limit\":\"3\"}", id);
    ck_assert_int_eq (s_call (qs_conversation_get_op, "o", "alice", body, &reply), 200);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (reply, "messages", json_type_array)), 3);
    char next[128];
    qs_strlcpy (next, qs_json_str (reply, "messages_next_cursor", ""), sizeof next);
    ck_assert (next[0]);
    json_object_put (reply);
    snprintf (body, sizeof body, "{\"id\":\"%s\",\"messages_cursor\":\"%s\"}", id, next);
    ck_assert_int_eq (s_call (qs_conversation_get_op, "o", "alice", body, &reply), 200);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (reply, "messages", json_type_array)), 2);
    json_object_put (reply);

    /* another user, another org, malformed ids: all 404 */
    snprintf (body, sizeof body, "{\"id\":\"%s\"}", id);
    ck_assert_int_eq (s_call (qs_conversation_get_op, "o", "bob", body, &reply), 404);
    ck_assert_str_eq (s_error_code (reply), "not_found");
    json_object_put (reply);
    ck_assert_int_eq (s_call (qs_conversation_get_op, "o2", "alice", body, &reply), 404);
    json_object_put (reply);
    const char *bad[] = {"{}", "{\"id\":\"nope\"}", "{\"id\":{\"$ne\":null}}", "{\"id\":42}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq (s_call (qs_conversation_get_op, "o", "alice", bad[i], &reply), 404);
        json_object_put (reply);
    }
}
END_TEST

START_TEST (test_delete_op)
{
    char id[QS_ID_LEN + 1];
    s_seed ("o", "alice", "delete me", 2, id);
    char body[128];
    json_object *reply = NULL;
    snprintf (body, sizeof body, "{\"id\":\"%s\"}", id);
    ck_assert_int_eq (s_call (qs_conversation_delete_op, "o", "bob", body, &reply), 404);
    json_object_put (reply);
    ck_assert_int_eq (s_call (qs_conversation_delete_op, "o", "alice", body, &reply), 204);
    ck_assert_ptr_null (reply);
    ck_assert_int_eq (s_call (qs_conversation_get_op, "o", "alice", body, &reply), 404);
    json_object_put (reply);
    ck_assert_int_eq (s_call (qs_conversation_delete_op, "o", "alice", body, &reply), 404);
    json_object_put (reply);
}
END_TEST

/*  The seqs of a reply's entries, joined by ",". */
static void
s_seqs (json_object *reply, char *out, size_t size)
{
    json_object *entries = qs_json_get (reply, "entries", json_type_array);
    out[0] = '\0';
    for (size_t i = 0; entries && i < json_object_array_length (entries); i++) {
        size_t used = strlen (out);
        snprintf (out + used, size - used, "%s%lld", i ? "," : "",
                  (long long) qs_json_int (json_object_array_get_idx (entries, i), "seq", 0));
    }
}

START_TEST (test_audit_op)
{
    qs_err_t err = {0};
    const char *actors[] = {"alice", "bob", "alice", "carol", "alice"};
    for (int i = 0; i < 5; i++) {
        json_object *in = json_object_new_object ();
        qs_json_add_str (in, "actor", actors[i]);
        qs_json_add_str (in, "event", "proposed");
        json_object *e = qs_store_audit_append (s_store, "o1", in, &err);
        ck_assert_msg (e, "%s", err.message);
        json_object_put (e);
        json_object_put (in);
    }
    json_object *r = NULL;
    char seqs[64], cursor[128];
    /* an admin sees the org's log, oldest first, page by page */
    ck_assert_int_eq (s_call_as (qs_audit_list_op, "o1", "carol", QS_ROLE_ADMIN, "{\"limit\":\"3\"}", &r), 200);
    s_seqs (r, seqs, sizeof seqs);
    ck_assert_str_eq (seqs, "1,2,3");
    qs_strlcpy (cursor, qs_json_str (r, "next_cursor", ""), sizeof cursor);
    json_object_put (r);
    char body[256];
    snprintf (body, sizeof body, "{\"limit\":\"3\",\"cursor\":\"%s\"}", cursor);
    ck_assert_int_eq (s_call_as (qs_audit_list_op, "o1", "carol", QS_ROLE_ADMIN, body, &r), 200);
    s_seqs (r, seqs, sizeof seqs);
    ck_assert_str_eq (seqs, "4,5");
    ck_assert_ptr_null (qs_json_str (r, "next_cursor", NULL));
    json_object_put (r);
    /* a member or viewer sees only their own entries */
    ck_assert_int_eq (s_call_as (qs_audit_list_op, "o1", "alice", QS_ROLE_MEMBER, "{}", &r), 200);
    s_seqs (r, seqs, sizeof seqs);
    ck_assert_str_eq (seqs, "1,3,5");
    json_object_put (r);
    ck_assert_int_eq (s_call (qs_audit_list_op, "o1", "bob", "{}", &r), 200);
    s_seqs (r, seqs, sizeof seqs);
    ck_assert_str_eq (seqs, "2");
    json_object_put (r);
    /* another org's admin sees nothing of o1 */
    ck_assert_int_eq (s_call_as (qs_audit_list_op, "o2", "carol", QS_ROLE_ADMIN, "{}", &r), 200);
    s_seqs (r, seqs, sizeof seqs);
    ck_assert_str_eq (seqs, "");
    json_object_put (r);
    /* bad limits and cursors are 400; no caller is 401 */
    const char *bad[] = {"{\"limit\":\"0\"}", "{\"limit\":\"101\"}", "{\"limit\":\"x\"}",
                         "{\"cursor\":\"%%%\"}", "{\"cursor\":\"YWJj\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq (s_call_as (qs_audit_list_op, "o1", "carol", QS_ROLE_ADMIN, bad[i], &r), 400);
        json_object_put (r);
    }
    ck_assert_int_eq (s_call (qs_audit_list_op, NULL, NULL, "{}", &r), 401);
    json_object_put (r);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("conversations_ops");
    TCase *tc = tcase_create ("ops");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_add_test (tc, test_list_op);
    tcase_add_test (tc, test_get_op);
    tcase_add_test (tc, test_delete_op);
    tcase_add_test (tc, test_audit_op);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
