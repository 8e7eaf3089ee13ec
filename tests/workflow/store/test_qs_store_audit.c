/*  The audit log repository (contract section 10), the same for every
    backend (QS_TEST_STORE_URL): append, order, paging, per-org and
    per-actor views, the chain verifying with qs_chain_walk, the entries an
    action's changes of state append, no way to rewrite an entry, the retry
    on a conflicting seq, and two processes appending for one org at once. */
#include "../../qs_test.h"
#include "qs_store_testlib.h"
#include "qs_store_impl.h"
#include "qs_chain.h"
#include <sys/wait.h>

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
s_append (qs_store_t *store, const char *org, const char *actor, const char *event, int i)
{
    qs_err_t err = {0};
    json_object *in = json_object_new_object ();
    char summary[64];
    snprintf (summary, sizeof summary, "entry %d of %s", i, actor);
    qs_json_add_str (in, "actor", actor);
    qs_json_add_str (in, "event", event);
    qs_json_add_str (in, "summary", summary);
    qs_json_add_str (in, "type", "update_service");
    json_object *d = json_object_new_object ();
    qs_json_add_int (d, "i", i);
    json_object_object_add (in, "details", d);
    json_object *e = qs_store_audit_append (store, org, in, &err);
    ck_assert_msg (e, "append: %s", err.message);
    json_object_put (in);
    return e;
}

/*  Every entry of org's view (actor NULL = all) page by page through
    qs_chain_walk; returns how many were checked. Asserts the chain holds. */
static int64_t
s_walk (qs_store_t *store, const char *org, const char *actor, int limit)
{
    qs_err_t err = {0};
    qs_chain_walk_t walk;
    qs_chain_walk_init (&walk, actor == NULL);
    char cursor[128] = "";
    for (;;) {
        json_object *page = qs_store_audit_list (store, org, actor, limit, cursor, &err);
        ck_assert_msg (page, "list: %s", err.message);
        json_object *entries = qs_json_get (page, "entries", json_type_array);
        ck_assert_ptr_nonnull (entries);
        ck_assert_int_le ((int) json_object_array_length (entries), limit);
        for (size_t i = 0; i < json_object_array_length (entries); i++) {
            json_object *e = json_object_array_get_idx (entries, i);
            ck_assert_msg (qs_chain_walk_next (&walk, e, &err) == 0, "chain: %s", err.message);
            ck_assert_str_eq (qs_json_str (e, "org_id", ""), org);
            if (actor)
                ck_assert_str_eq (qs_json_str (e, "actor", ""), actor);
        }
        const char *next = qs_json_str (page, "next_cursor", NULL);
        if (next)
            qs_strlcpy (cursor, next, sizeof cursor);
        json_object_put (page);
        if (!next)
            break;
    }
    return walk.checked;
}

START_TEST (test_append_seals_and_links)
{
    json_object *a = s_append (s_store, "o", "alice", "proposed", 1);
    json_object *b = s_append (s_store, "o", "alice", "confirmed", 2);
    ck_assert_int_eq (qs_json_int (a, "seq", 0), 1);
    ck_assert_int_eq (qs_json_int (b, "seq", 0), 2);
    ck_assert_str_eq (qs_json_str (a, "prev_hash", "x"), "");
    ck_assert_str_eq (qs_json_str (b, "prev_hash", ""), qs_json_str (a, "hash", "-"));
    ck_assert_int_eq ((int) strlen (qs_json_str (a, "hash", "")), QS_CHAIN_HASH_LEN);
    char hash[QS_CHAIN_HASH_LEN + 1];
    ck_assert_int_eq (qs_chain_hash (b, hash, NULL), 0);
    ck_assert_str_eq (hash, qs_json_str (b, "hash", ""));
    int64_t ms = 0;
    ck_assert_int_eq (qs_time_parse (qs_json_str (a, "at", ""), &ms), 0);
    ck_assert_int_eq (qs_json_int (qs_json_get (b, "details", json_type_object), "i", 0), 2);
    /* what is listed is what was returned, byte for byte under JCS */
    json_object *page = qs_store_audit_list (s_store, "o", NULL, 0, NULL, NULL);
    json_object *listed = json_object_array_get_idx (qs_json_get (page, "entries", json_type_array), 1);
    ck_assert_int_eq (qs_chain_hash (listed, hash, NULL), 0);
    ck_assert_str_eq (hash, qs_json_str (b, "hash", ""));
    ck_assert_str_eq (qs_json_str (listed, "hash", ""), hash);
    json_object_put (page);
    json_object_put (a);
    json_object_put (b);
}
END_TEST

START_TEST (test_input_cannot_choose_seq_or_hash)
{
    qs_err_t err = {0};
    json_object *first = s_append (s_store, "o", "u", "proposed", 0);
    json_object *in = json_object_new_object ();
    qs_json_add_str (in, "actor", "u");
    qs_json_add_str (in, "event", "cancelled");
    qs_json_add_int (in, "seq", 1);
    qs_json_add_str (in, "prev_hash", "forged");
    qs_json_add_str (in, "hash", "forged");
    json_object *e = qs_store_audit_append (s_store, "o", in, &err);
    ck_assert_msg (e, "%s", err.message);
    ck_assert_int_eq (qs_json_int (e, "seq", 0), 2);
    ck_assert_str_eq (qs_json_str (e, "prev_hash", ""), qs_json_str (first, "hash", "-"));
    ck_assert_str_ne (qs_json_str (e, "hash", ""), "forged");
    json_object_put (e);
    /* bad input */
    qs_json_add_str (in, "event", "deleted");
    ck_assert_ptr_null (qs_store_audit_append (s_store, "o", in, &err));
    ck_assert_int_eq (err.status, 400);
    qs_json_add_str (in, "event", "failed");
    json_object_object_add (in, "details", json_object_new_string ("x"));
    ck_assert_ptr_null (qs_store_audit_append (s_store, "o", in, &err));
    ck_assert_int_eq (err.status, 400);
    json_object_object_del (in, "actor");
    json_object_object_del (in, "details");
    ck_assert_ptr_null (qs_store_audit_append (s_store, "o", in, &err));
    ck_assert_int_eq (err.status, 400);
    json_object_put (in);
    json_object_put (first);
    ck_assert_int_eq (s_walk (s_store, "o", NULL, 10), 2);
}
END_TEST

START_TEST (test_secrets_never_recorded)
{
    qs_err_t err = {0};
    json_object *in = json_object_new_object ();
    qs_json_add_str (in, "actor", "u");
    qs_json_add_str (in, "event", "executed");
    json_object *d = json_object_new_object ();
    qs_json_add_str (d, "password", "hunter2");
    json_object *nested = json_object_new_object ();
    qs_json_add_str (nested, "access_token", "eyJabc");
    qs_json_add_str (nested, "connection_string", "redis://:pw@h");
    qs_json_add_str (nested, "tier", "pro");
    json_object_object_add (d, "result", nested);
    json_object_object_add (in, "details", d);
    json_object *e = qs_store_audit_append (s_store, "o", in, &err);
    ck_assert_msg (e, "%s", err.message);
    const char *text = json_object_to_json_string (e);
    ck_assert_ptr_null (strstr (text, "hunter2"));
    ck_assert_ptr_null (strstr (text, "eyJabc"));
    ck_assert_ptr_null (strstr (text, ":pw@"));
    ck_assert_str_eq (qs_json_str (qs_json_path (e, "details.result"), "tier", ""), "pro");
    json_object_put (e);
    json_object_put (in);
}
END_TEST

START_TEST (test_paging_order_and_views)
{
    qs_err_t err = {0};
    for (int i = 1; i <= 13; i++)
        json_object_put (s_append (s_store, "o", i % 3 ? "alice" : "bob", "proposed", i));
    for (int i = 1; i <= 4; i++)
        json_object_put (s_append (s_store, "other", "alice", "proposed", i));
    /* every page size gives seq 1..13 once, in order */
    for (int limit = 1; limit <= 14; limit += 4) {
        int64_t expect = 1;
        char cursor[128] = "";
        for (;;) {
            json_object *page = qs_store_audit_list (s_store, "o", NULL, limit, cursor, &err);
            ck_assert_msg (page, "%s", err.message);
            json_object *entries = qs_json_get (page, "entries", json_type_array);
            for (size_t i = 0; i < json_object_array_length (entries); i++)
                ck_assert_int_eq (qs_json_int (json_object_array_get_idx (entries, i), "seq", 0),
                                  expect++);
            const char *next = qs_json_str (page, "next_cursor", NULL);
            if (next)
                qs_strlcpy (cursor, next, sizeof cursor);
            json_object_put (page);
            if (!next)
                break;
        }
        ck_assert_int_eq (expect, 14);
    }
    /* the org's view verifies in full; an actor's view in own-entries mode */
    ck_assert_int_eq (s_walk (s_store, "o", NULL, 5), 13);
    ck_assert_int_eq (s_walk (s_store, "o", "alice", 3), 9);
    ck_assert_int_eq (s_walk (s_store, "o", "bob", 2), 4);
    ck_assert_int_eq (s_walk (s_store, "other", NULL, 100), 4);   /* its own seq 1..4 */
    ck_assert_int_eq (s_walk (s_store, "nobody", NULL, 10), 0);
    /* a page appended after a cursor was handed out continues from it */
    json_object *page = qs_store_audit_list (s_store, "o", NULL, 13, NULL, &err);
    char cursor[128];
    ck_assert_ptr_null (qs_json_str (page, "next_cursor", NULL));
    json_object_put (page);
    page = qs_store_audit_list (s_store, "o", NULL, 12, NULL, &err);
    qs_strlcpy (cursor, qs_json_str (page, "next_cursor", ""), sizeof cursor);
    json_object_put (page);
    json_object_put (s_append (s_store, "o", "bob", "cancelled", 14));
    page = qs_store_audit_list (s_store, "o", NULL, 10, cursor, &err);
    json_object *entries = qs_json_get (page, "entries", json_type_array);
    ck_assert_int_eq ((int) json_object_array_length (entries), 2);
    ck_assert_int_eq (qs_json_int (json_object_array_get_idx (entries, 0), "seq", 0), 13);
    json_object_put (page);
    /* bad limits and cursors */
    ck_assert_ptr_null (qs_store_audit_list (s_store, "o", NULL, 101, NULL, &err));
    ck_assert_int_eq (err.status, 400);
    ck_assert_ptr_null (qs_store_audit_list (s_store, "o", NULL, -1, NULL, &err));
    ck_assert_int_eq (err.status, 400);
    ck_assert_ptr_null (qs_store_audit_list (s_store, "o", NULL, 5, "!!", &err));
    ck_assert_int_eq (err.status, 400);
    ck_assert_ptr_null (qs_store_audit_list (s_store, "o", NULL, 5, "bm90LWEtY3Vyc29y", &err));
    ck_assert_int_eq (err.status, 400);
}
END_TEST

static json_object *
s_action_in (const char *conv, const char *idem)
{
    json_object *a = json_object_new_object ();
    qs_json_add_str (a, "conversation_id", conv);
    qs_json_add_str (a, "type", "update_service");
    qs_json_add_str (a, "summary", "Scale cache to 3 replicas");
    json_object *cfg = json_object_new_object ();
    qs_json_add_str (cfg, "service_id", "svc-1");
    qs_json_add_int (cfg, "replicas", 3);
    qs_json_add_str (cfg, "admin_password", "never");
    json_object_object_add (a, "config", cfg);
    if (idem)
        qs_json_add_str (a, "idempotency_key", idem);
    return a;
}

/*  The events of the entries an Action says it appended, joined by ",". */
static void
s_events (json_object *action, char *out, size_t size)
{
    json_object *list = qs_json_get (action, "audit", json_type_array);
    out[0] = '\0';
    for (size_t i = 0; list && i < json_object_array_length (list); i++) {
        size_t used = strlen (out);
        snprintf (out + used, size - used, "%s%s", i ? "," : "",
                  qs_json_str (json_object_array_get_idx (list, i), "event", ""));
    }
}

START_TEST (test_action_changes_are_audited)
{
    qs_err_t err = {0};
    char conv[QS_ID_LEN + 1], ev[128];
    qs_test_new_conv (s_store, "o", "alice", "scale", conv);
    json_object *in = s_action_in (conv, "k1");
    json_object *a = qs_store_action_create (s_store, "o", "alice", in, &err);
    ck_assert_msg (a, "%s", err.message);
    s_events (a, ev, sizeof ev);
    ck_assert_str_eq (ev, "proposed");
    json_object *p = json_object_array_get_idx (qs_json_get (a, "audit", json_type_array), 0);
    ck_assert_str_eq (qs_json_str (p, "actor", ""), "alice");
    ck_assert_str_eq (qs_json_str (p, "action_id", ""), qs_json_str (a, "id", "-"));
    ck_assert_str_eq (qs_json_str (p, "service_id", ""), "svc-1");
    ck_assert_str_eq (qs_json_str (p, "summary", ""), "Scale cache to 3 replicas");
    ck_assert_int_eq (qs_json_int (qs_json_path (p, "details.config"), "replicas", 0), 3);
    ck_assert_ptr_null (strstr (json_object_to_json_string (p), "never"));
    /* an idempotent create appends nothing */
    json_object *again = qs_store_action_create (s_store, "o", "alice", in, &err);
    ck_assert_ptr_null (qs_json_get (again, "audit", json_type_array));
    json_object_put (again);
    /* confirm -> executed: confirmed then executed */
    json_object *result = json_object_new_object ();
    qs_json_add_str (result, "service_id", "svc-1");
    json_object *done = qs_store_action_transition (s_store, "o", "alice", qs_json_str (a, "id", ""),
                                                    "executed", result, &err);
    ck_assert_msg (done, "%s", err.message);
    s_events (done, ev, sizeof ev);
    ck_assert_str_eq (ev, "confirmed,executed");
    /* a losing transition appends nothing */
    ck_assert_ptr_null (qs_store_action_transition (s_store, "o", "alice", qs_json_str (a, "id", ""),
                                                    "failed", NULL, &err));
    ck_assert_int_eq (err.status, 409);
    /* cancelled, and superseded by a revised plan */
    json_object_object_del (in, "idempotency_key");
    json_object *b = qs_store_action_create (s_store, "o", "alice", in, &err);
    json_object *c = qs_store_action_create (s_store, "o", "alice", in, &err);
    json_object *d = qs_store_action_create (s_store, "o", "alice", in, &err);
    ck_assert_ptr_nonnull (d);
    json_object *bc = qs_store_action_transition (s_store, "o", "alice", qs_json_str (b, "id", ""),
                                                  "cancelled", NULL, &err);
    s_events (bc, ev, sizeof ev);
    ck_assert_str_eq (ev, "cancelled");
    ck_assert_ptr_null (qs_store_action_supersede (s_store, "o", "alice", qs_json_str (c, "id", ""),
                                                   "not an id", &err));
    ck_assert_int_eq (err.status, 400);
    json_object *cs = qs_store_action_supersede (s_store, "o", "alice", qs_json_str (c, "id", ""),
                                                 qs_json_str (d, "id", ""), &err);
    ck_assert_msg (cs, "%s", err.message);
    ck_assert_str_eq (qs_json_str (cs, "status", ""), "cancelled");
    s_events (cs, ev, sizeof ev);
    ck_assert_str_eq (ev, "superseded");
    json_object *se = json_object_array_get_idx (qs_json_get (cs, "audit", json_type_array), 0);
    ck_assert_str_eq (qs_json_str (qs_json_get (se, "details", json_type_object), "superseded_by", ""),
                      qs_json_str (d, "id", "-"));
    /* the org's log: proposed, confirmed, executed, proposed x3, cancelled, superseded */
    json_object *page = qs_store_audit_list (s_store, "o", NULL, 100, NULL, &err);
    json_object *entries = qs_json_get (page, "entries", json_type_array);
    const char *want[] = {"proposed", "confirmed", "executed", "proposed", "proposed", "proposed",
                          "cancelled", "superseded"};
    ck_assert_int_eq ((int) json_object_array_length (entries), 8);
    for (int i = 0; i < 8; i++)
        ck_assert_str_eq (qs_json_str (json_object_array_get_idx (entries, (size_t) i), "event", ""),
                          want[i]);
    /* the three entries of the first action name it */
    for (int i = 0; i < 3; i++)
        ck_assert_str_eq (qs_json_str (json_object_array_get_idx (entries, (size_t) i), "action_id", ""),
                          qs_json_str (a, "id", "-"));
    json_object_put (page);
    ck_assert_int_eq (s_walk (s_store, "o", NULL, 3), 8);
    /* the stored action does not carry the entries */
    json_object *g = qs_store_action_get (s_store, "o", "alice", qs_json_str (a, "id", ""), &err);
    ck_assert_ptr_null (qs_json_get (g, "audit", json_type_array));
    json_object_put (g);
    json_object *objs[] = {in, a, result, done, b, c, d, bc, cs};
    for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++)
        json_object_put (objs[i]);
}
END_TEST

/* ---- the retry on a conflicting seq, with an injected conflict ----------- */

typedef struct {
    int64_t seq;
    char hash[QS_CHAIN_HASH_LEN + 1];
    int conflicts;        /* inserts still to refuse, as if another writer won */
    int reads, inserts;
} s_fake_t;

static int
s_fake_last (void *impl, const char *org, int64_t *seq, char hash[QS_CHAIN_HASH_LEN + 1],
             qs_err_t *err)
{
    (void) org, (void) err;
    s_fake_t *f = impl;
    f->reads++;
    *seq = f->seq;
    qs_strlcpy (hash, f->hash, QS_CHAIN_HASH_LEN + 1);
    return 0;
}

static int
s_fake_insert (void *impl, const char *org, json_object *e, qs_err_t *err)
{
    (void) org;
    s_fake_t *f = impl;
    f->inserts++;
    if (qs_json_int (e, "seq", 0) != f->seq + 1)
        return qs_err_set (err, 409, "conflict", "seq taken");
    if (f->conflicts > 0) {
        /* the other writer's entry lands first: the head moves */
        f->conflicts--;
        f->seq++;
        snprintf (f->hash, sizeof f->hash, "%064lld", (long long) f->seq);
        return qs_err_set (err, 409, "conflict", "seq taken");
    }
    f->seq = qs_json_int (e, "seq", 0);
    qs_strlcpy (f->hash, qs_json_str (e, "hash", ""), sizeof f->hash);
    return 0;
}

START_TEST (test_retry_after_conflict)
{
    const qs_store_audit_io_t io = {s_fake_last, s_fake_insert};
    s_fake_t f = {.seq = 4, .conflicts = 3};
    snprintf (f.hash, sizeof f.hash, "%064d", 4);
    qs_store_audit_in_t in = {"u", "a", "t", "proposed", "", "s", NULL};
    qs_err_t err = {0};
    json_object *e = qs_store_audit_chain (&io, &f, "o", &in, &err);
    ck_assert_msg (e, "%s", err.message);
    ck_assert_int_eq (f.reads, 4);          /* re-read after every conflict */
    ck_assert_int_eq (qs_json_int (e, "seq", 0), 8);
    char want[QS_CHAIN_HASH_LEN + 1];
    snprintf (want, sizeof want, "%064d", 7);
    ck_assert_str_eq (qs_json_str (e, "prev_hash", ""), want);
    json_object_put (e);
    /* a chain that never stops moving gives up with 503, bounded */
    f.conflicts = 1000000;
    ck_assert_ptr_null (qs_store_audit_chain (&io, &f, "o", &in, &err));
    ck_assert_int_eq (err.status, 503);
    ck_assert_int_lt (f.inserts, 200);
}
END_TEST

/* ---- two processes ------------------------------------------------------- */

static void
s_writer (int who, int n)
{
    qs_err_t err = {0};
    qs_store_t *store = qs_store_new (s_db.url, &err);
    int failed = store ? 0 : n;
    char actor[16];
    snprintf (actor, sizeof actor, "w%d", who);
    for (int i = 0; store && i < n; i++) {
        json_object *in = json_object_new_object ();
        qs_json_add_str (in, "actor", actor);
        qs_json_add_str (in, "event", "proposed");
        json_object *e = qs_store_audit_append (store, "race", in, &err);
        failed += e ? 0 : 1;
        if (!e)
            fprintf (stderr, "writer %d: %s\n", who, err.message);
        json_object_put (e);
        json_object_put (in);
    }
    qs_store_destroy (&store);
    _exit (failed ? 1 : 0);
}

START_TEST (test_two_processes_never_fork_the_chain)
{
    //  CongoDB scans in JavaScript: fewer entries keep the Mongo run short
    const int per = qs_test_db_is_mongo () ? 150 : 500;
    qs_store_destroy (&s_store);            /* no driver threads across fork */
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork ();
        ck_assert_int_ge (kids[k], 0);
        if (kids[k] == 0)
            s_writer (k, per);
    }
    for (int k = 0; k < 2; k++) {
        int status = 0;
        ck_assert_int_eq (waitpid (kids[k], &status, 0), kids[k]);
        ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0, "writer %d failed", k);
    }
    qs_err_t err = {0};
    s_store = qs_store_new (s_db.url, &err);
    ck_assert_ptr_nonnull (s_store);
    /* seq 1..2*per, no gap, no duplicate, every link intact */
    ck_assert_int_eq (s_walk (s_store, "race", NULL, 100), 2 * per);
    ck_assert_int_eq (s_walk (s_store, "race", "w0", 100), per);
    ck_assert_int_eq (s_walk (s_store, "race", "w1", 100), per);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("store_audit");
    TCase *tc = tcase_create ("audit");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 200);
    tcase_add_test (tc, test_append_seals_and_links);
    tcase_add_test (tc, test_input_cannot_choose_seq_or_hash);
    tcase_add_test (tc, test_secrets_never_recorded);
    tcase_add_test (tc, test_paging_order_and_views);
    tcase_add_test (tc, test_action_changes_are_audited);
    tcase_add_test (tc, test_retry_after_conflict);
    tcase_add_test (tc, test_two_processes_never_fork_the_chain);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
