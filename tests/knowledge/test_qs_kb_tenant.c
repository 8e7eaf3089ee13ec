/*  test_qs_kb_tenant - every org is a tenant of the knowledge base: an org's
    documents are searchable by that org only, deletable by its admins only,
    built-in pages by nobody, and replicas keep each document's org through
    the store (puts and tombstones). */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qs_json.h"
#include "qs_kb.h"
#include "qs_kb_docstore.h"
#include "qs_kb_docs.h"

static qs_auth_t
s_auth (const char *org, unsigned roles)
{
    qs_auth_t a;
    memset (&a, 0, sizeof a);
    snprintf (a.sub, sizeof a.sub, "u-%s", org);
    snprintf (a.org_id, sizeof a.org_id, "%s", org);
    a.roles = roles;
    return a;
}

static qs_kb_t *
s_kb (const char *store)
{
    qs_err_t err;
    qs_kb_config_t config = { .corpus_dir = getenv ("QS_KB_TEST_CORPUS"), .store_path = store };
    qs_kb_t *kb = qs_kb_new (&config, &err);
    ck_assert_msg (kb != NULL, "%s", err.message);
    return kb;
}

/*  The ids a search by org (NULL = no caller identity) returns, as a JSON
    array of strings (caller puts). */
static json_object *
s_search_ids (qs_kb_t *kb, const char *org, const char *q, int limit)
{
    json_object *body = json_object_new_object (), *reply = NULL;
    qs_json_add_str (body, "q", q);
    qs_json_add_int (body, "limit", limit);
    qs_auth_t auth = s_auth (org ? org : "", QS_ROLE_VIEWER);
    qs_err_t err = { 0 };
    ck_assert_int_eq (qs_kb_op_search (kb, body, org ? &auth : NULL, &reply, &err), 0);
    json_object *ids = json_object_new_array ();
    json_object *results = qs_json_get (reply, "results", json_type_array);
    for (size_t i = 0; results && i < json_object_array_length (results); i++)
        json_object_array_add (ids, json_object_new_string (
            qs_json_str (json_object_array_get_idx (results, i), "id", "")));
    json_object_put (body);
    json_object_put (reply);
    return ids;
}

static bool
s_finds (qs_kb_t *kb, const char *org, const char *q, const char *id)
{
    json_object *ids = s_search_ids (kb, org, q, 20);
    bool found = false;
    for (size_t i = 0; i < json_object_array_length (ids); i++)
        if (strcmp (json_object_get_string (json_object_array_get_idx (ids, i)), id) == 0)
            found = true;
    json_object_put (ids);
    return found;
}

static void
s_add (qs_kb_t *kb, const char *org, const char *title, const char *content, char *id_out)
{
    qs_auth_t auth = s_auth (org, QS_ROLE_ADMIN);
    json_object *body = json_object_new_object (), *reply = NULL;
    qs_json_add_str (body, "title", title);
    qs_json_add_str (body, "content", content);
    qs_json_add_str (body, "topic", "platform");
    qs_json_add_str (body, "category", "best_practices");
    qs_err_t err = { 0 };
    ck_assert_msg (qs_kb_op_add (kb, body, &auth, &reply, &err) == 0, "%s", err.message);
    snprintf (id_out, 64, "%s", qs_json_str (reply, "id", ""));
    ck_assert (id_out[0]);
    json_object_put (body);
    json_object_put (reply);
}

/*  Status of a delete by org with roles (0 = deleted); err_out gets the error. */
static int
s_delete (qs_kb_t *kb, const char *org, unsigned roles, const char *id, qs_err_t *err_out)
{
    qs_auth_t auth = s_auth (org, roles);
    json_object *body = json_object_new_object ();
    qs_json_add_str (body, "id", id);
    qs_err_t err = { 0 };
    int rc = qs_kb_op_delete (kb, body, &auth, &err);
    json_object_put (body);
    if (err_out)
        *err_out = err;
    return rc == 0 ? 0 : err.status;
}

START_TEST (test_search_isolation)
{
    qs_kb_t *kb = s_kb (NULL);
    char a_id[64], b_id[64];
    s_add (kb, "org-acme", "Zorblax runbook", "Rotate the zorblaxquux keys weekly.", a_id);
    s_add (kb, "org-globex", "Zorblax runbook", "Rotate the zorblaxquux keys daily.", b_id);
    ck_assert (s_finds (kb, "org-acme", "zorblaxquux keys", a_id));
    ck_assert (!s_finds (kb, "org-acme", "zorblaxquux keys", b_id));
    ck_assert (s_finds (kb, "org-globex", "zorblaxquux keys", b_id));
    ck_assert (!s_finds (kb, "org-globex", "zorblaxquux keys", a_id));
    ck_assert (!s_finds (kb, "org-initech", "zorblaxquux keys", a_id));
    ck_assert (!s_finds (kb, "org-initech", "zorblaxquux keys", b_id));
    ck_assert (!s_finds (kb, NULL, "zorblaxquux keys", a_id));
    /*  built-in pages answer every org alike */
    const char *q = "ERR max number of clients reached";
    json_object *none = s_search_ids (kb, NULL, q, 5);
    json_object *acme = s_search_ids (kb, "org-acme", q, 5);
    ck_assert_str_eq (json_object_get_string (json_object_array_get_idx (none, 0)),
                      "redis-max-clients");
    ck_assert_str_eq (json_object_to_json_string (acme), json_object_to_json_string (none));
    json_object_put (none);
    json_object_put (acme);
    qs_kb_destroy (&kb);
}
END_TEST

/*  Many of another org's documents that match a query better than anything
    else must not take the slots of the caller's results. */
START_TEST (test_other_orgs_take_no_slots)
{
    qs_kb_t *kb = s_kb (NULL);
    const char *q = "redis maxclients connections limit reached";
    json_object *before = s_search_ids (kb, "org-acme", q, 5);
    ck_assert_int_eq ((int) json_object_array_length (before), 5);
    char id[64];
    for (int i = 0; i < 80; i++)
        s_add (kb, "org-globex", "Redis maxclients connections limit reached",
               "Redis maxclients: connections limit reached, raise maxclients connections.", id);
    /*  acme still gets five results, exactly the built-in ones a caller
        without documents gets (the corpus statistics are shared, so the
        order may differ from before) */
    json_object *after = s_search_ids (kb, "org-acme", q, 5);
    json_object *none = s_search_ids (kb, NULL, q, 5);
    ck_assert_int_eq ((int) json_object_array_length (after), 5);
    ck_assert_str_eq (json_object_to_json_string (after), json_object_to_json_string (none));
    ck_assert (strstr (json_object_to_json_string (after), "redis-max-clients") != NULL);
    /*  while globex's own documents do fill its results */
    json_object *globex = s_search_ids (kb, "org-globex", q, 5);
    ck_assert (strstr (json_object_to_json_string (globex), "redis-max-clients") == NULL);
    json_object_put (before);
    json_object_put (after);
    json_object_put (none);
    json_object_put (globex);
    qs_kb_destroy (&kb);
}
END_TEST

START_TEST (test_delete_rules)
{
    qs_kb_t *kb = s_kb (NULL);
    char id[64];
    s_add (kb, "org-acme", "Wombat notes", "wombatstack tuning for our clusters", id);
    qs_err_t foreign, missing, builtin;
    /*  another org's id is indistinguishable from a missing one */
    ck_assert_int_eq (s_delete (kb, "org-globex", QS_ROLE_ADMIN, id, &foreign), 404);
    ck_assert_int_eq (s_delete (kb, "org-globex", QS_ROLE_ADMIN, "no-such-doc", &missing), 404);
    ck_assert_str_eq (foreign.code, missing.code);
    ck_assert_str_eq (foreign.message, missing.message);
    ck_assert (s_finds (kb, "org-acme", "wombatstack", id));
    /*  the org's non-admins may not */
    ck_assert_int_eq (s_delete (kb, "org-acme", QS_ROLE_MEMBER, id, NULL), 403);
    ck_assert_int_eq (s_delete (kb, "org-acme", QS_ROLE_VIEWER, id, NULL), 403);
    /*  built-in pages: nobody, with a clear reason */
    ck_assert_int_eq (s_delete (kb, "org-acme", QS_ROLE_ADMIN, "redis-max-clients", &builtin),
                      403);
    ck_assert_str_eq (builtin.code, "forbidden");
    ck_assert_str_eq (builtin.message, "built-in pages cannot be deleted");
    ck_assert_int_eq (s_delete (kb, "org-globex", QS_ROLE_ADMIN, "redis-max-clients", NULL), 403);
    ck_assert (s_finds (kb, "org-acme", "ERR max number of clients reached", "redis-max-clients"));
    /*  an admin without an org manages nothing */
    ck_assert_int_eq (s_delete (kb, "", QS_ROLE_ADMIN, id, NULL), 403);
    /*  the owner */
    ck_assert_int_eq (s_delete (kb, "org-acme", QS_ROLE_ADMIN, id, NULL), 0);
    ck_assert (!s_finds (kb, "org-acme", "wombatstack", id));
    ck_assert_int_eq (s_delete (kb, "org-acme", QS_ROLE_ADMIN, id, NULL), 404);
    qs_kb_destroy (&kb);
}
END_TEST

typedef struct {
    char id[64];
    char org[128];
    bool deleted;
    int seen;
} s_change_t;

static int
s_watch (const qs_kb_page_t *page, bool deleted, int64_t version, void *arg)
{
    (void) version;
    s_change_t *c = arg;
    if (strcmp (page->id, c->id) == 0) {
        snprintf (c->org, sizeof c->org, "%s", page->org_id);
        c->deleted = deleted;
        c->seen++;
    }
    return 0;
}

/*  What the store's change feed says about id now. */
static s_change_t
s_feed (const char *url, const char *id)
{
    qs_err_t err;
    qs_kb_docstore_t *ds = qs_kb_docstore_new (url, &err);
    ck_assert_msg (ds != NULL, "%s", err.message);
    qs_kb_cursor_t cursor;
    memset (&cursor, 0, sizeof cursor);
    s_change_t c;
    memset (&c, 0, sizeof c);
    snprintf (c.id, sizeof c.id, "%s", id);
    ck_assert_int_eq (qs_kb_docstore_changes (ds, &cursor, s_watch, &c, &err), 0);
    qs_kb_docstore_destroy (&ds);
    return c;
}

static void
s_remove_db (char *dir, const char *path)
{
    char extra[300];
    unlink (path);
    snprintf (extra, sizeof extra, "%s-wal", path);
    unlink (extra);
    snprintf (extra, sizeof extra, "%s-shm", path);
    unlink (extra);
    rmdir (dir);
}

START_TEST (test_replicas_keep_the_org)
{
    char dir[] = "/tmp/qs_kb_tenant_XXXXXX";
    ck_assert_ptr_nonnull (mkdtemp (dir));
    char url[300], path[256];
    snprintf (path, sizeof path, "%s/kb.db", dir);
    snprintf (url, sizeof url, "sqlite://%s", path);
    qs_kb_t *a = s_kb (url), *b = s_kb (url);
    qs_err_t err;
    char id[64], owner[128];
    s_add (a, "org-acme", "Quokka tuning", "quokkafactor settings", id);
    s_change_t c = s_feed (url, id);
    ck_assert_int_eq (c.seen, 1);
    ck_assert (!c.deleted);
    ck_assert_str_eq (c.org, "org-acme");
    /*  before b syncs: b's store lookup applies the same rules */
    ck_assert_int_eq (s_delete (b, "org-globex", QS_ROLE_ADMIN, id, NULL), 404);
    ck_assert_int_ge (qs_kb_sync (b, &err), 1);
    ck_assert_int_eq (qs_kb_index_owner (qs_kb_index (b), id, owner, sizeof owner), 0);
    ck_assert_str_eq (owner, "org-acme");
    ck_assert (s_finds (b, "org-acme", "quokkafactor", id));
    ck_assert (!s_finds (b, "org-globex", "quokkafactor", id));
    ck_assert_int_eq (s_delete (b, "org-globex", QS_ROLE_ADMIN, id, NULL), 404);
    /*  the tombstone carries the org too */
    ck_assert_int_eq (s_delete (b, "org-acme", QS_ROLE_ADMIN, id, NULL), 0);
    c = s_feed (url, id);
    ck_assert_int_eq (c.seen, 1);
    ck_assert (c.deleted);
    ck_assert_str_eq (c.org, "org-acme");
    ck_assert (s_finds (a, "org-acme", "quokkafactor", id));
    ck_assert_int_ge (qs_kb_sync (a, &err), 1);
    ck_assert (!qs_kb_index_has (qs_kb_index (a), id));
    ck_assert_int_eq (s_delete (a, "org-acme", QS_ROLE_ADMIN, id, NULL), 404);
    /*  a worker started later: another org's document arrives with its org */
    char g_id[64];
    s_add (a, "org-globex", "Numbat notes", "numbatflow limits", g_id);
    qs_kb_t *c2 = s_kb (url);
    ck_assert (!qs_kb_index_has (qs_kb_index (c2), id));
    ck_assert (s_finds (c2, "org-globex", "numbatflow", g_id));
    ck_assert (!s_finds (c2, "org-acme", "numbatflow", g_id));
    /*  a deleted document's id cannot be deleted again through the store path */
    ck_assert_int_eq (s_delete (c2, "org-acme", QS_ROLE_ADMIN, id, NULL), 404);
    qs_kb_destroy (&a);
    qs_kb_destroy (&b);
    qs_kb_destroy (&c2);
    s_remove_db (dir, path);
}
END_TEST

/*  Records written before documents had owners: a document without an org
    is searchable by nobody (whose it is is unknown), and an old placeholder
    tombstone for a built-in page does not take the page from anyone. */
START_TEST (test_records_without_an_org)
{
    char dir[] = "/tmp/qs_kb_tenant_XXXXXX";
    ck_assert_ptr_nonnull (mkdtemp (dir));
    char url[300], path[256];
    snprintf (path, sizeof path, "%s/kb.db", dir);
    snprintf (url, sizeof url, "sqlite://%s", path);
    qs_err_t err;
    qs_kb_docs_t *store = qs_kb_docs_new (url, &err);
    ck_assert_msg (store != NULL, "%s", err.message);
    const char *old[][2] = { { "legacy-doc", "legacyquux runbook text" },
                             { "kafka-consumer-lag", "deleted" } };
    for (int i = 0; i < 2; i++) {
        json_object *d = json_object_new_object ();
        qs_json_add_str (d, "id", old[i][0]);
        qs_json_add_str (d, "title", "Old");
        qs_json_add_str (d, "content", old[i][1]);
        qs_json_add_str (d, "topic", "platform");
        qs_json_add_str (d, "category", "setup");
        json_object *stored = qs_kb_docs_put (store, d, &err);
        ck_assert_msg (stored != NULL, "%s", err.message);
        json_object_put (stored);
        json_object_put (d);
    }
    ck_assert_int_eq (qs_kb_docs_delete (store, "kafka-consumer-lag", &err), 0);
    qs_kb_t *kb = s_kb (url);
    ck_assert (qs_kb_index_has (qs_kb_index (kb), "kafka-consumer-lag"));
    ck_assert (!qs_kb_index_has (qs_kb_index (kb), "legacy-doc"));
    ck_assert (!s_finds (kb, "org-acme", "legacyquux", "legacy-doc"));
    ck_assert_int_eq (s_delete (kb, "org-acme", QS_ROLE_ADMIN, "legacy-doc", NULL), 404);
    /*  a store tombstone without an org still removes an org's document
        (the store no longer holds it), never a built-in page */
    char id[64];
    s_add (kb, "org-acme", "Quokka tuning", "quokkafactor settings", id);
    ck_assert_int_eq (qs_kb_docs_delete (store, id, &err), 0);
    ck_assert_int_ge (qs_kb_sync (kb, &err), 1);
    ck_assert (!qs_kb_index_has (qs_kb_index (kb), id));
    ck_assert (qs_kb_index_has (qs_kb_index (kb), "kafka-consumer-lag"));
    qs_kb_destroy (&kb);
    qs_kb_docs_destroy (&store);
    s_remove_db (dir, path);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_kb_tenant");
    TCase *tc = tcase_create ("core");
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_search_isolation);
    tcase_add_test (tc, test_other_orgs_take_no_slots);
    tcase_add_test (tc, test_delete_rules);
    tcase_add_test (tc, test_replicas_keep_the_org);
    tcase_add_test (tc, test_records_without_an_org);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
