/*  The store's records besides conversations, the same for every backend
    (QS_TEST_STORE_URL): pending actions (compare-and-swap), checkpoints,
    dialogue state (versioned), deletion cascades, diagnoses. Conversations and messages
    are in test_qs_store.c. */
#include "../../qs_test.h"
#include "qs_store_testlib.h"
#include "qs_json.h"

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

static json_object *
s_action (const char *conv, const char *idem)
{
    json_object *a = json_object_new_object ();
    qs_json_add_str (a, "conversation_id", conv);
    qs_json_add_str (a, "type", "provision");
    qs_json_add_str (a, "summary", "Provision redis small");
    json_object *cfg = json_object_new_object ();
    qs_json_add_str (cfg, "service_type", "redis");
    qs_json_add_str (cfg, "$inc", "x");
    json_object_object_add (a, "config", cfg);
    if (idem)
        qs_json_add_str (a, "idempotency_key", idem);
    return a;
}

START_TEST (test_actions_cas)
{
    qs_err_t err = {0};
    char conv[QS_ID_LEN + 1];
    qs_test_new_conv (s_store, "o", "u", "provision", conv);
    json_object *in = s_action (conv, "k-1");
    json_object *a = qs_store_action_create (s_store, "o", "u", in, &err);
    ck_assert_msg (a, "%s", err.message);
    ck_assert_str_eq (qs_json_str (a, "status", ""), "pending_confirmation");
    json_object *again = qs_store_action_create (s_store, "o", "u", in, &err);
    ck_assert_str_eq (qs_json_str (again, "id", ""), qs_json_str (a, "id", ""));   /* idempotent */
    json_object_put (again);
    json_object_put (in);
    const char *id = qs_json_str (a, "id", "");

    json_object *g = qs_store_action_get (s_store, "o", "u", id, &err);
    ck_assert_str_eq (qs_json_str (qs_json_get (g, "config", json_type_object), "$inc", ""), "x");
    json_object_put (g);
    ck_assert_ptr_null (qs_store_action_get (s_store, "o", "mallory", id, &err));
    ck_assert_int_eq (err.status, 404);
    ck_assert_ptr_null (qs_store_action_transition (s_store, "o", "mallory", id, "executed", NULL, &err));
    ck_assert_int_eq (err.status, 404);

    json_object *pending = qs_store_action_pending (s_store, "o", "u", conv, &err);
    ck_assert_int_eq ((int) json_object_array_length (pending), 1);
    json_object_put (pending);

    ck_assert_ptr_null (qs_store_action_transition (s_store, "o", "u", id, "pending_confirmation", NULL, &err));
    ck_assert_int_eq (err.status, 400);
    json_object *result = json_object_new_object ();
    qs_json_add_str (result, "service_id", "svc-1");
    json_object *t = qs_store_action_transition (s_store, "o", "u", id, "executed", result, &err);
    ck_assert_msg (t, "%s", err.message);
    ck_assert_str_eq (qs_json_str (t, "status", ""), "executed");
    ck_assert_str_eq (qs_json_str (qs_json_get (t, "result", json_type_object), "service_id", ""), "svc-1");
    json_object_put (t);
    ck_assert_ptr_null (qs_store_action_transition (s_store, "o", "u", id, "cancelled", NULL, &err));
    ck_assert_int_eq (err.status, 409);
    ck_assert_ptr_null (qs_store_action_transition (s_store, "o", "u", id, "executed", result, &err));
    ck_assert_int_eq (err.status, 409);
    json_object_put (result);
    pending = qs_store_action_pending (s_store, "o", "u", conv, &err);
    ck_assert_int_eq ((int) json_object_array_length (pending), 0);
    json_object_put (pending);
    json_object_put (a);

    /* an explicit id that exists already is a conflict */
    char fixed[QS_ID_LEN + 1];
    qs_id_new (fixed);
    in = s_action (conv, NULL);
    qs_json_add_str (in, "id", fixed);
    a = qs_store_action_create (s_store, "o", "u", in, &err);
    ck_assert_str_eq (qs_json_str (a, "id", ""), fixed);
    json_object_put (a);
    ck_assert_ptr_null (qs_store_action_create (s_store, "o", "u", in, &err));
    ck_assert_int_eq (err.status, 409);
    json_object_put (in);
}
END_TEST

/*  The end of a chat turn: both messages and the dialogue state in one
    write; a stale version or another owner writes nothing. */
START_TEST (test_turn_save)
{
    qs_err_t err = {0};
    char conv[QS_ID_LEN + 1];
    qs_test_new_conv (s_store, "o", "u", "first", conv);
    json_object *user = qs_test_msg ("user", "make it large"), *reply = qs_test_msg ("assistant", "Plan updated");
    json_object *state = json_object_new_object (), *got = NULL;
    qs_json_add_str (state, "subject", "svc-1");
    ck_assert_int_eq (qs_store_turn_save (s_store, "o", "u", conv, false, user, reply, state, 0, &err), 0);
    int64_t version = -1;
    ck_assert_int_eq (qs_store_dialogue_get (s_store, "o", "u", conv, &got, &version, &err), 0);
    ck_assert_int_eq (version, 1);
    ck_assert_str_eq (qs_json_str (got, "subject", ""), "svc-1");
    json_object_put (got);
    json_object *recent = qs_store_message_recent (s_store, "o", "u", conv, 10, &err);
    ck_assert_int_eq ((int) json_object_array_length (recent), 3);
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (recent, 1), "content", ""), "make it large");
    ck_assert_int_eq (qs_json_int (json_object_array_get_idx (recent, 1), "seq", 0), 2);
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (recent, 2), "role", ""), "assistant");
    ck_assert_int_eq (qs_json_int (json_object_array_get_idx (recent, 2), "seq", 0), 3);
    json_object_put (recent);
    /* a stale version: 409, and neither the messages nor the state change */
    ck_assert_int_eq (qs_store_turn_save (s_store, "o", "u", conv, false, user, reply, state, 0, &err), -1);
    ck_assert_int_eq (err.status, 409);
    qs_err_clear (&err);
    json_object *c = qs_store_conversation_get (s_store, "o", "u", conv, &err);
    ck_assert_int_eq (qs_json_int (c, "message_count", 0), 3);
    json_object_put (c);
    /* without a user message or a state: the reply only, the state kept */
    ck_assert_int_eq (qs_store_turn_save (s_store, "o", "u", conv, false, NULL, reply, NULL, 0, &err), 0);
    ck_assert_int_eq (qs_store_dialogue_get (s_store, "o", "u", conv, &got, &version, &err), 0);
    ck_assert_int_eq (version, 1);
    json_object_put (got);
    c = qs_store_conversation_get (s_store, "o", "u", conv, &err);
    ck_assert_int_eq (qs_json_int (c, "message_count", 0), 4);
    json_object_put (c);
    /* another owner's conversation is a 404 whatever the version */
    ck_assert_int_eq (qs_store_turn_save (s_store, "o", "eve", conv, false, user, reply, state, 1, &err), -1);
    ck_assert_int_eq (err.status, 404);
    qs_err_clear (&err);
    ck_assert_int_eq (qs_store_turn_save (s_store, "o", "u", conv, false, user, reply, NULL, 0, &err), 0);
    /* a bad message is refused before anything is written */
    json_object *bad = qs_test_msg ("robot", "x");
    ck_assert_int_eq (qs_store_turn_save (s_store, "o", "u", conv, false, bad, reply, NULL, 0, &err), -1);
    ck_assert_int_eq (err.status, 422);       /* as message_append */
    c = qs_store_conversation_get (s_store, "o", "u", conv, &err);
    ck_assert_int_eq (qs_json_int (c, "message_count", 0), 6);
    json_object_put (c);
    json_object_put (bad);
    /* a new conversation with its first turn, titled from the user's message */
    char fresh[QS_ID_LEN + 1];
    ck_assert_int_eq (qs_id_new (fresh), 0);
    ck_assert_int_eq (qs_store_turn_save (s_store, "o", "u", fresh, true, user, reply, state, 0, &err), 0);
    c = qs_store_conversation_get (s_store, "o", "u", fresh, &err);
    ck_assert_ptr_nonnull (c);
    ck_assert_str_eq (qs_json_str (c, "title", ""), "make it large");
    ck_assert_int_eq (qs_json_int (c, "message_count", 0), 2);
    json_object_put (c);
    ck_assert_int_eq (qs_store_dialogue_get (s_store, "o", "u", fresh, &got, &version, &err), 0);
    ck_assert_int_eq (version, 1);
    json_object_put (got);
    /* an id that exists is not created twice (the MongoDB test server keeps
       no unique index: tests/storage/README.md) */
    if (!strcmp (qs_store_backend (s_store), "sqlite")) {
        ck_assert_int_eq (qs_store_turn_save (s_store, "o", "u", fresh, true, user, reply, NULL, 0, &err), -1);
        ck_assert_int_ge (err.status, 400);
        qs_err_clear (&err);
        c = qs_store_conversation_get (s_store, "o", "u", fresh, &err);
        ck_assert_int_eq (qs_json_int (c, "message_count", 0), 2);
        json_object_put (c);
    }
    json_object_put (user);
    json_object_put (reply);
    json_object_put (state);
}
END_TEST

START_TEST (test_checkpoints)
{
    qs_err_t err = {0};
    char conv[QS_ID_LEN + 1], run[QS_ID_LEN + 1], run2[QS_ID_LEN + 1];
    qs_test_new_conv (s_store, "o", "u", "diagnose", conv);
    qs_id_new (run);
    qs_id_new (run2);
    json_object *state = json_object_new_object ();
    qs_json_add_str (state, "node", "plan");
    qs_json_add_str (state, "$where", "1");
    ck_assert_int_eq (qs_store_checkpoint_put (s_store, "o", "u", run, conv, 1, "running", state, &err), 0);
    qs_json_add_str (state, "node", "confirm");
    ck_assert_int_eq (qs_store_checkpoint_put (s_store, "o", "u", run, conv, 3, "waiting_confirmation", state, &err), 0);
    qs_json_add_str (state, "node", "stale");
    ck_assert_int_eq (qs_store_checkpoint_put (s_store, "o", "u", run, conv, 2, "running", state, &err), 0);
    ck_assert_int_eq (qs_store_checkpoint_put (s_store, "o", "u", run2, conv, 1, "finished", state, &err), 0);
    ck_assert_int_eq (qs_store_checkpoint_put (s_store, "o", "u", run2, conv, 1, "bogus", state, &err), -1);
    ck_assert_int_eq (err.status, 400);
    json_object_put (state);

    json_object *c = qs_store_checkpoint_get (s_store, "o", "u", run, &err);
    ck_assert_msg (c, "%s", err.message);
    ck_assert_int_eq (qs_json_int (c, "step", 0), 3);
    ck_assert_str_eq (qs_json_str (c, "status", ""), "waiting_confirmation");
    ck_assert_str_eq (qs_json_str (qs_json_get (c, "state", json_type_object), "node", ""), "confirm");
    ck_assert_str_eq (qs_json_str (qs_json_get (c, "state", json_type_object), "$where", ""), "1");
    json_object_put (c);
    ck_assert_ptr_null (qs_store_checkpoint_get (s_store, "o", "eve", run, &err));
    ck_assert_int_eq (err.status, 404);

    json_object *w = qs_store_checkpoint_waiting (s_store, "o", "u", NULL, &err);
    ck_assert_int_eq ((int) json_object_array_length (w), 1);
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (w, 0), "run_id", ""), run);
    json_object_put (w);
    w = qs_store_checkpoint_waiting (s_store, "o", "eve", NULL, &err);
    ck_assert_int_eq ((int) json_object_array_length (w), 0);
    json_object_put (w);

    /* prune removes finished runs older than the cutoff only */
    ck_assert_int_eq (qs_store_checkpoint_prune (s_store, qs_now_ms () - 60000, &err), 0);
    ck_assert_int_eq (qs_store_checkpoint_prune (s_store, qs_now_ms () + 1000, &err), 1);
    ck_assert_ptr_null (qs_store_checkpoint_get (s_store, "o", "u", run2, &err));
    ck_assert_int_eq (qs_store_checkpoint_delete (s_store, "o", "eve", run, &err), -1);
    ck_assert_int_eq (qs_store_checkpoint_delete (s_store, "o", "u", run, &err), 0);
    ck_assert_int_eq (qs_store_checkpoint_delete (s_store, "o", "u", run, &err), -1);
    ck_assert_int_eq (err.status, 404);
}
END_TEST

/*  Put state at expected version; asserts the outcome (0 or the error status). */
static void
s_dlg_put (const char *org, const char *user, const char *conv, const char *text,
           int64_t expected, int want_status)
{
    qs_err_t err = {0};
    json_object *state = text ? qs_json_parse (text, strlen (text), NULL) : NULL;
    int rc = qs_store_dialogue_put (s_store, org, user, conv, state, expected, &err);
    if (want_status == 0)
        ck_assert_msg (rc == 0, "put %s at %lld: %s", text, (long long) expected, err.message);
    else {
        ck_assert_int_eq (rc, -1);
        ck_assert_int_eq (err.status, want_status);
    }
    json_object_put (state);
}

/*  The stored state serialised, and its version. */
static int64_t
s_dlg_get (const char *conv, char *text, size_t size)
{
    qs_err_t err = {0};
    json_object *state = NULL;
    int64_t version = -1;
    ck_assert_msg (qs_store_dialogue_get (s_store, "o", "u", conv, &state, &version, &err) == 0,
                   "get: %s", err.message);
    ck_assert (json_object_is_type (state, json_type_object));
    qs_strlcpy (text, json_object_to_json_string_ext (state, JSON_C_TO_STRING_PLAIN), size);
    json_object_put (state);
    return version;
}

START_TEST (test_dialogue_state)
{
    qs_err_t err = {0};
    char conv[QS_ID_LEN + 1], other[QS_ID_LEN + 1], text[256];
    qs_test_new_conv (s_store, "o", "u", "my database", conv);
    qs_test_new_conv (s_store, "o", "u", "another", other);
    ck_assert_int_eq (s_dlg_get (conv, text, sizeof text), 0);       /* never set */
    ck_assert_str_eq (text, "{}");

    s_dlg_put ("o", "u", conv, "{\"subject\":[\"billing-db\"],\"$set\":{\"a.b\":1}}", 0, 0);
    ck_assert_int_eq (s_dlg_get (conv, text, sizeof text), 1);
    ck_assert_str_eq (text, "{\"subject\":[\"billing-db\"],\"$set\":{\"a.b\":1}}");
    /* a second writer that read version 0 lost the race; nothing changes */
    s_dlg_put ("o", "u", conv, "{\"subject\":[\"other\"]}", 0, 409);
    s_dlg_put ("o", "u", conv, "{\"subject\":[\"other\"]}", 5, 409);
    ck_assert_int_eq (s_dlg_get (conv, text, sizeof text), 1);
    ck_assert_str_eq (text, "{\"subject\":[\"billing-db\"],\"$set\":{\"a.b\":1}}");
    s_dlg_put ("o", "u", conv, NULL, 1, 0);                          /* NULL = {} */
    ck_assert_int_eq (s_dlg_get (conv, text, sizeof text), 2);
    ck_assert_str_eq (text, "{}");
    s_dlg_put ("o", "u", conv, "{\"step\":3}", 2, 0);
    ck_assert_int_eq (s_dlg_get (conv, text, sizeof text), 3);
    ck_assert_int_eq (s_dlg_get (other, text, sizeof text), 0);      /* per conversation */

    /* another owner, a missing or malformed id: 404, and nothing leaks or changes */
    json_object *state = NULL;
    int64_t version = 7;
    ck_assert_int_eq (qs_store_dialogue_get (s_store, "o", "intruder", conv, &state, &version, &err), -1);
    ck_assert_int_eq (err.status, 404);
    ck_assert_ptr_null (state);
    ck_assert_int_eq (version, 0);
    ck_assert_int_eq (qs_store_dialogue_get (s_store, "o2", "u", conv, &state, &version, &err), -1);
    ck_assert_int_eq (err.status, 404);
    s_dlg_put ("o", "intruder", conv, "{\"x\":1}", 3, 404);
    s_dlg_put ("o2", "u", conv, "{\"x\":1}", 3, 404);
    s_dlg_put ("o", "u", "not-an-id", "{}", 0, 404);
    char missing[QS_ID_LEN + 1];
    qs_id_new (missing);
    s_dlg_put ("o", "u", missing, "{}", 0, 404);
    ck_assert_int_eq (qs_store_dialogue_get (s_store, "o", "u", missing, &state, &version, &err), -1);
    ck_assert_int_eq (err.status, 404);

    /* bad input: not an object, a negative version, too large */
    s_dlg_put ("o", "u", conv, "[1,2]", 3, 400);
    s_dlg_put ("o", "u", conv, "{}", -1, 400);
    json_object *big = json_object_new_object ();
    char *blob = malloc (QS_STORE_META_MAX + 1);
    memset (blob, 'x', QS_STORE_META_MAX);
    blob[QS_STORE_META_MAX] = '\0';
    qs_json_add_str (big, "blob", blob);
    free (blob);
    ck_assert_int_eq (qs_store_dialogue_put (s_store, "o", "u", conv, big, 3, &err), -1);
    ck_assert_int_eq (err.status, 413);
    json_object_put (big);
    ck_assert_int_eq (s_dlg_get (conv, text, sizeof text), 3);
    ck_assert_str_eq (text, "{\"step\":3}");

    /* it lives with the conversation: deleted with it */
    ck_assert_int_eq (qs_store_conversation_delete (s_store, "o", "u", conv, &err), 0);
    ck_assert_int_eq (qs_store_dialogue_get (s_store, "o", "u", conv, &state, &version, &err), -1);
    ck_assert_int_eq (err.status, 404);
    s_dlg_put ("o", "u", conv, "{}", 3, 404);
    ck_assert_int_eq (s_dlg_get (other, text, sizeof text), 0);
}
END_TEST

START_TEST (test_delete_cascades)
{
    qs_err_t err = {0};
    char conv[QS_ID_LEN + 1], keep[QS_ID_LEN + 1], run[QS_ID_LEN + 1];
    qs_test_new_conv (s_store, "o", "u", "to delete", conv);
    qs_test_new_conv (s_store, "o", "u", "to keep", keep);
    json_object *m = qs_test_msg ("assistant", "reply");
    json_object_put (qs_store_message_append (s_store, "o", "u", conv, m, &err));
    json_object_put (qs_store_message_append (s_store, "o", "u", keep, m, &err));
    json_object_put (m);
    qs_id_new (run);
    ck_assert_int_eq (qs_store_checkpoint_put (s_store, "o", "u", run, conv, 1, "waiting_confirmation", NULL, &err), 0);
    json_object *in = s_action (conv, NULL);
    json_object *pend = qs_store_action_create (s_store, "o", "u", in, &err);
    json_object *done = qs_store_action_create (s_store, "o", "u", in, &err);
    json_object_put (in);
    json_object_put (qs_store_action_transition (s_store, "o", "u", qs_json_str (done, "id", ""), "executed", NULL, &err));

    ck_assert_int_eq (qs_store_conversation_delete (s_store, "o", "u", conv, &err), 0);
    ck_assert_ptr_null (qs_store_conversation_get (s_store, "o", "u", conv, &err));
    ck_assert_int_eq (err.status, 404);
    ck_assert_ptr_null (qs_store_message_recent (s_store, "o", "u", conv, 10, &err));
    ck_assert_int_eq (err.status, 404);
    ck_assert_ptr_null (qs_store_checkpoint_get (s_store, "o", "u", run, &err));
    ck_assert_ptr_null (qs_store_action_get (s_store, "o", "u", qs_json_str (pend, "id", ""), &err));
    json_object *kept = qs_store_action_get (s_store, "o", "u", qs_json_str (done, "id", ""), &err);
    ck_assert_msg (kept, "executed actions stay as history");
    json_object_put (kept);
    ck_assert_int_eq (qs_store_conversation_delete (s_store, "o", "u", conv, &err), -1);
    ck_assert_int_eq (err.status, 404);
    json_object *r = qs_store_message_recent (s_store, "o", "u", keep, 10, &err);
    ck_assert_int_eq ((int) json_object_array_length (r), 2);
    json_object_put (r);
    json_object_put (pend);
    json_object_put (done);
}
END_TEST

START_TEST (test_diagnoses)
{
    qs_err_t err = {0};
    const char *sets[][2] = {{"oom_killed", "high_memory"}, {"crash_loop_backoff", NULL},
                             {"oom_killed", NULL}};
    int64_t base = qs_now_ms () - 100000;
    for (int i = 0; i < 3; i++) {
        json_object *r = json_object_new_object ();
        qs_json_add_str (r, "service_type", "redis");
        json_object *codes = json_object_new_array ();
        for (int k = 0; k < 2 && sets[i][k]; k++)
            json_object_array_add (codes, json_object_new_string (sets[i][k]));
        json_object_object_add (r, "findings", codes);
        char fix[32], at[40];
        snprintf (fix, sizeof fix, "fix %d", i);
        qs_json_add_str (r, "fix", fix);
        qs_json_add_str (r, "outcome", "resolved");
        qs_json_add_str (r, "at", qs_time_rfc3339 (base + i * 1000, at, sizeof at));
        json_object *out = qs_store_diagnosis_put (s_store, i == 1 ? "org-x" : "org-d", r, &err);
        ck_assert_msg (out, "%s", err.message);
        json_object_put (out);
        json_object_put (r);
    }
    json_object *found = qs_store_diagnosis_find (s_store, "org-d", "oom_killed", 10, &err);
    ck_assert_int_eq ((int) json_object_array_length (found), 2);
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (found, 0), "fix", ""), "fix 2");
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (found, 1), "fix", ""), "fix 0");
    json_object_put (found);
    found = qs_store_diagnosis_find (s_store, "org-d", "crash_loop_backoff", 10, &err);
    ck_assert_int_eq ((int) json_object_array_length (found), 0);
    json_object_put (found);
    found = qs_store_diagnosis_find (s_store, "org-d", "oom", 10, &err);
    ck_assert_int_eq ((int) json_object_array_length (found), 0);    /* whole codes only */
    json_object_put (found);
    ck_assert_ptr_null (qs_store_diagnosis_find (s_store, "org-d", "{\"$ne\":1}", 10, &err));
    ck_assert_int_eq (err.status, 400);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create (qs_test_db_is_mongo () ? "store_records_mongo"
                                                    : "store_records_sqlite");
    TCase *tc = tcase_create ("behaviour");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_add_test (tc, test_actions_cas);
    tcase_add_test (tc, test_turn_save);
    tcase_add_test (tc, test_checkpoints);
    tcase_add_test (tc, test_dialogue_state);
    tcase_add_test (tc, test_delete_cascades);
    tcase_add_test (tc, test_diagnoses);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
