#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qs_json.h"
#include "qs_kb.h"
#include "qs_kb_handlers.h"

static qs_auth_t
s_auth (unsigned roles)
{
    qs_auth_t a;
    memset (&a, 0, sizeof a);
    snprintf (a.sub, sizeof a.sub, "u1");
    snprintf (a.org_id, sizeof a.org_id, "o1");
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

/*  Status of a search with the given JSON body (0 = ok); *reply_p set on success. */
static int
s_search (qs_kb_t *kb, const char *body_text, json_object **reply_p)
{
    json_object *body = json_tokener_parse (body_text);
    ck_assert_ptr_nonnull (body);
    qs_err_t err = { 0 };
    json_object *reply = NULL;
    qs_auth_t auth = s_auth (QS_ROLE_VIEWER);
    int rc = qs_kb_op_search (kb, body, &auth, &reply, &err);
    json_object_put (body);
    if (reply_p)
        *reply_p = reply;
    else
        json_object_put (reply);
    return rc == 0 ? 0 : err.status;
}

static int
s_count_results (json_object *reply)
{
    return (int) json_object_array_length (qs_json_get (reply, "results", json_type_array));
}

static bool
s_finds (qs_kb_t *kb, const char *q, const char *id)
{
    json_object *body = json_object_new_object (), *reply = NULL;
    qs_json_add_str (body, "q", q);
    qs_json_add_int (body, "limit", 20);
    qs_err_t err;
    qs_auth_t auth = s_auth (QS_ROLE_VIEWER);
    ck_assert_int_eq (qs_kb_op_search (kb, body, &auth, &reply, &err), 0);
    bool found = false;
    json_object *results = qs_json_get (reply, "results", json_type_array);
    for (size_t i = 0; i < json_object_array_length (results); i++)
        if (strcmp (qs_json_str (json_object_array_get_idx (results, i), "id", ""), id) == 0)
            found = true;
    json_object_put (body);
    json_object_put (reply);
    return found;
}

START_TEST (test_search_shape_and_validation)
{
    qs_kb_t *kb = s_kb (NULL);
    json_object *reply = NULL;
    ck_assert_int_eq (s_search (kb, "{\"q\":\"ERROR 1040 (HY000): Too many connections\"}", &reply), 0);
    ck_assert_int_eq (s_count_results (reply), 5);       /* default limit */
    json_object *first = json_object_array_get_idx (qs_json_get (reply, "results", json_type_array), 0);
    ck_assert_str_eq (qs_json_str (first, "id", ""), "mysql-too-many-connections");
    ck_assert_str_eq (qs_json_str (first, "topic", ""), "mysql");
    ck_assert_str_eq (qs_json_str (first, "category", ""), "common_issues");
    ck_assert (strlen (qs_json_str (first, "title", "")) > 0);
    ck_assert (strlen (qs_json_str (first, "snippet", "")) > 0);
    ck_assert (qs_json_double (first, "score", -1) > 0);
    json_object_put (reply);

    ck_assert_int_eq (s_search (kb, "{\"q\":\"lag\",\"limit\":2,\"topic\":\"kafka\","
                                    "\"category\":\"common_issues\"}", &reply), 0);
    ck_assert_int_le (s_count_results (reply), 2);
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (
        qs_json_get (reply, "results", json_type_array), 0), "topic", ""), "kafka");
    json_object_put (reply);
    ck_assert_int_eq (s_search (kb, "{\"q\":\"lag\",\"limit\":\"3\",\"category\":\"\"}", &reply), 0);
    ck_assert_int_eq (s_count_results (reply), 3);
    json_object_put (reply);

    ck_assert_int_eq (s_search (kb, "{}", NULL), 400);
    ck_assert_int_eq (s_search (kb, "{\"q\":\"\"}", NULL), 400);
    ck_assert_int_eq (s_search (kb, "{\"q\":\"   \"}", NULL), 400);
    ck_assert_int_eq (s_search (kb, "{\"q\":42}", NULL), 400);
    ck_assert_int_eq (s_search (kb, "{\"q\":\"x\",\"limit\":0}", NULL), 400);
    ck_assert_int_eq (s_search (kb, "{\"q\":\"x\",\"limit\":21}", NULL), 400);
    ck_assert_int_eq (s_search (kb, "{\"q\":\"x\",\"limit\":\"abc\"}", NULL), 400);
    ck_assert_int_eq (s_search (kb, "{\"q\":\"x\",\"category\":\"faq\"}", NULL), 400);
    ck_assert_int_eq (s_search (kb, "{\"q\":\"x\",\"topic\":\"oracle\"}", NULL), 400);
    ck_assert_int_eq (s_search (kb, "{\"q\":\"x\",\"category\":7}", NULL), 400);
    char big[1100];
    memset (big, 'a', sizeof big);
    memcpy (big, "{\"q\":\"", 6);
    memcpy (big + sizeof big - 3, "\"}", 3);
    ck_assert_int_eq (s_search (kb, big, NULL), 400);      /* over 1000 characters */
    qs_kb_destroy (&kb);
    ck_assert_ptr_null (kb);
}
END_TEST

static int
s_add (qs_kb_t *kb, unsigned roles, const char *title, const char *content, char *id_out)
{
    qs_auth_t auth = s_auth (roles);
    json_object *body = json_object_new_object (), *reply = NULL;
    qs_json_add_str (body, "title", title);
    qs_json_add_str (body, "content", content);
    qs_json_add_str (body, "topic", "redis");
    qs_json_add_str (body, "category", "best_practices");
    qs_err_t err = { 0 };
    int rc = qs_kb_op_add (kb, body, &auth, &reply, &err);
    if (rc == 0 && id_out)
        snprintf (id_out, 64, "%s", qs_json_str (reply, "id", ""));
    json_object_put (body);
    json_object_put (reply);
    return rc == 0 ? 0 : err.status;
}

static int
s_delete (qs_kb_t *kb, unsigned roles, const char *id)
{
    qs_auth_t auth = s_auth (roles);
    json_object *body = json_object_new_object ();
    qs_json_add_str (body, "id", id);
    qs_err_t err = { 0 };
    int rc = qs_kb_op_delete (kb, body, &auth, &err);
    json_object_put (body);
    return rc == 0 ? 0 : err.status;
}

START_TEST (test_add_delete_roles_and_visibility)
{
    qs_kb_t *kb = s_kb (NULL);
    char id[64] = "";
    ck_assert_int_eq (s_add (kb, QS_ROLE_MEMBER, "Zebra sharding", "zebracorn", id), 403);
    ck_assert_int_eq (s_add (kb, QS_ROLE_ADMIN, "", "zebracorn", id), 400);
    ck_assert_int_eq (s_add (kb, QS_ROLE_ADMIN, "Zebra sharding", "", id), 400);
    ck_assert (!s_finds (kb, "zebracorn", "x"));
    ck_assert_int_eq (s_add (kb, QS_ROLE_ADMIN, "Zebra sharding",
                             "Use the zebracorn layout for hot keys.", id), 0);
    ck_assert_int_gt ((int) strlen (id), 0);
    ck_assert (s_finds (kb, "zebracorn layout", id));
    ck_assert_int_eq (s_delete (kb, QS_ROLE_MEMBER, id), 403);
    ck_assert_int_eq (s_delete (kb, QS_ROLE_ADMIN, id), 0);
    ck_assert (!s_finds (kb, "zebracorn layout", id));
    ck_assert_int_eq (s_delete (kb, QS_ROLE_ADMIN, id), 404);
    ck_assert_int_eq (s_delete (kb, QS_ROLE_ADMIN, "no-such-page"), 404);
    /*  built-in pages belong to every org: no admin deletes them */
    ck_assert (s_finds (kb, "ERR max number of clients reached", "redis-max-clients"));
    ck_assert_int_eq (s_delete (kb, QS_ROLE_ADMIN, "redis-max-clients"), 403);
    ck_assert (s_finds (kb, "ERR max number of clients reached", "redis-max-clients"));
    qs_kb_destroy (&kb);
}
END_TEST

/*  Two workers sharing a store: what one adds or deletes reaches the other
    on its next sync, and a new worker starts with it. */
START_TEST (test_replicas_agree_through_the_store)
{
    char dir[] = "/tmp/qs_kb_store_XXXXXX";
    ck_assert_ptr_nonnull (mkdtemp (dir));
    char url[300], path[256];
    snprintf (path, sizeof path, "%s/kb.db", dir);
    snprintf (url, sizeof url, "sqlite://%s", path);
    qs_kb_t *a = s_kb (url), *b = s_kb (url);
    char id[64];
    qs_err_t err;
    ck_assert_int_eq (s_add (a, QS_ROLE_ADMIN, "Quokka tuning", "quokkafactor settings", id), 0);
    ck_assert (!s_finds (b, "quokkafactor", id));
    ck_assert_int_ge (qs_kb_sync (b, &err), 1);
    ck_assert (s_finds (b, "quokkafactor", id));
    ck_assert_int_eq (qs_kb_sync (b, &err), 0);         /* nothing new: nothing re-applied */
    ck_assert_int_eq (s_delete (a, QS_ROLE_ADMIN, "kafka-consumer-lag"), 403);
    ck_assert_int_eq (s_delete (b, QS_ROLE_ADMIN, id), 0);
    ck_assert_int_ge (qs_kb_sync (a, &err), 1);
    ck_assert_int_ge (qs_kb_sync (b, &err), 1);         /* its own tombstone comes back */
    ck_assert (!s_finds (a, "quokkafactor", id));
    ck_assert (qs_kb_index_has (qs_kb_index (b), "kafka-consumer-lag"));
    qs_kb_t *c = s_kb (url);
    ck_assert (qs_kb_index_has (qs_kb_index (c), "kafka-consumer-lag"));
    ck_assert (!qs_kb_index_has (qs_kb_index (c), id));
    ck_assert (qs_kb_index_has (qs_kb_index (c), "kafka-setup"));
    qs_kb_destroy (&a);
    qs_kb_destroy (&b);
    qs_kb_destroy (&c);
    char extra[300];
    unlink (path);
    snprintf (extra, sizeof extra, "%s-wal", path);
    unlink (extra);
    snprintf (extra, sizeof extra, "%s-shm", path);
    unlink (extra);
    rmdir (dir);
}
END_TEST

START_TEST (test_handlers)
{
    qs_kb_t *kb = s_kb (NULL);
    qs_auth_t admin = s_auth (QS_ROLE_ADMIN), viewer = s_auth (QS_ROLE_VIEWER);
    json_object *body = json_tokener_parse ("{\"q\":\"index read-only / allow delete\",\"limit\":3}");
    qs_req_t *req = qs_req_new_local ("search", body, &viewer, 5000);
    json_object_put (body);
    qs_kb_handle_search (req, kb);
    ck_assert_int_eq (qs_req_local_status (req), 200);
    json_object *results = qs_json_get (qs_req_local_reply (req), "results", json_type_array);
    ck_assert_ptr_nonnull (results);
    ck_assert_int_eq ((int) json_object_array_length (results), 3);
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (results, 0), "id", ""),
                      "elasticsearch-flood-stage-watermark");
    qs_req_destroy_local (&req);

    body = json_tokener_parse ("{\"q\":\"x\",\"category\":\"nope\"}");
    req = qs_req_new_local ("search", body, &viewer, 5000);
    json_object_put (body);
    qs_kb_handle_search (req, kb);
    ck_assert_int_eq (qs_req_local_status (req), 400);
    qs_req_destroy_local (&req);

    body = json_tokener_parse ("{\"title\":\"T\",\"content\":\"wombatstack notes\","
                               "\"topic\":\"platform\",\"category\":\"setup\"}");
    req = qs_req_new_local ("add_document", body, &viewer, 5000);
    qs_kb_handle_add (req, kb);
    ck_assert_int_eq (qs_req_local_status (req), 403);
    qs_req_destroy_local (&req);
    req = qs_req_new_local ("add_document", body, &admin, 5000);
    json_object_put (body);
    qs_kb_handle_add (req, kb);
    ck_assert_int_eq (qs_req_local_status (req), 201);
    char id[64];
    snprintf (id, sizeof id, "%s", qs_json_str (qs_req_local_reply (req), "id", ""));
    qs_req_destroy_local (&req);
    ck_assert (s_finds (kb, "wombatstack", id));

    body = json_object_new_object ();
    qs_json_add_str (body, "id", id);
    req = qs_req_new_local ("delete_document", body, &admin, 5000);
    qs_kb_handle_delete (req, kb);
    ck_assert_int_eq (qs_req_local_status (req), 204);
    qs_req_destroy_local (&req);
    req = qs_req_new_local ("delete_document", body, &admin, 5000);
    json_object_put (body);
    qs_kb_handle_delete (req, kb);
    ck_assert_int_eq (qs_req_local_status (req), 404);
    qs_req_destroy_local (&req);
    qs_kb_destroy (&kb);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_kb");
    TCase *tc = tcase_create ("core");
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_search_shape_and_validation);
    tcase_add_test (tc, test_add_delete_roles_and_visibility);
    tcase_add_test (tc, test_replicas_agree_through_the_store);
    tcase_add_test (tc, test_handlers);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
