/*  test_qs_svcops - the pure parts of the MCP tools' service ops: which of
    the caller's services a name or id means (never another one), and the
    connection shown without a password. */
#include "../qs_test.h"
#include <string.h>
#include "qs_json.h"
#include "qs_svcops.h"

static json_object *
s_services (void)
{
    const char *text = "[{\"id\":\"svc-1\",\"name\":\"orders-db\"},{\"id\":\"svc-2\",\"name\":\"orders-db-replica\"},"
                       "{\"id\":\"svc-3\",\"name\":\"Session_Cache\"},{\"id\":\"orders-db\",\"name\":\"tricky\"},"
                       "{\"id\":\"svc-5\",\"name\":\"users-db\"}]";
    return qs_json_parse (text, strlen (text), NULL);
}

static const char *
s_resolved (json_object *services, const char *ref, qs_err_t *err)
{
    qs_err_clear (err);
    json_object *hit = qs_svcops_resolve (services, ref, err);
    return hit ? qs_json_str (hit, "id", "?") : NULL;
}

START_TEST (test_resolve)
{
    json_object *services = s_services ();
    qs_err_t err;
    //  the id first, then the exact name
    ck_assert_str_eq (s_resolved (services, "svc-2", &err), "svc-2");
    ck_assert_str_eq (s_resolved (services, "orders-db", &err), "orders-db");
    ck_assert_str_eq (s_resolved (services, "orders-db-replica", &err), "svc-2");
    ck_assert_str_eq (s_resolved (services, "users-db", &err), "svc-5");
    //  forgiving: case and separators, then a unique part of a name
    ck_assert_str_eq (s_resolved (services, "session cache", &err), "svc-3");
    ck_assert_str_eq (s_resolved (services, "SESSION-CACHE", &err), "svc-3");
    ck_assert_str_eq (s_resolved (services, "replica", &err), "svc-2");
    ck_assert_str_eq (s_resolved (services, "users", &err), "svc-5");
    //  a part of several names: 404 naming them, no guess
    ck_assert_ptr_null (s_resolved (services, "db", &err));
    ck_assert_int_eq (err.status, 404);
    ck_assert_ptr_nonnull (strstr (err.message, "several"));
    ck_assert_ptr_nonnull (strstr (err.message, "users-db"));
    //  nothing: 404 listing the caller's own services
    ck_assert_ptr_null (s_resolved (services, "svc-globex-prod-db", &err));
    ck_assert_int_eq (err.status, 404);
    ck_assert_str_eq (err.code, "not_found");
    ck_assert_ptr_nonnull (strstr (err.message, "Session_Cache"));
    ck_assert_ptr_null (s_resolved (services, "-_. ", &err));
    ck_assert_int_eq (err.status, 404);
    //  an org without services
    json_object *none = json_object_new_array ();
    ck_assert_ptr_null (s_resolved (none, "x", &err));
    ck_assert_ptr_nonnull (strstr (err.message, "no services"));
    json_object_put (none);
    json_object_put (services);
}
END_TEST

START_TEST (test_connection_without_password)
{
    const char *text = "{\"host\":\"h\",\"port\":5432,\"username\":\"app\",\"password\":\"hunter2\","
                       "\"Admin_Password\":\"x\",\"secret_ref\":\"s\",\"token\":\"t\","
                       "\"uri\":\"postgresql://app:hunter2@h:5432/db?sslmode=require\"}";
    json_object *conn = qs_json_parse (text, strlen (text), NULL);
    json_object *out = qs_svcops_connection (conn);
    const char *shown = json_object_to_json_string (out);
    ck_assert_ptr_null (strstr (shown, "hunter2"));
    ck_assert_ptr_null (strstr (shown, "assword"));
    ck_assert_ptr_null (qs_json_get (out, "secret_ref", json_type_string));
    ck_assert_ptr_null (qs_json_get (out, "token", json_type_string));
    ck_assert_str_eq (qs_json_str (out, "uri", ""), "postgresql://app@h:5432/db?sslmode=require");
    ck_assert_int_eq (qs_json_int (out, "port", 0), 5432);
    ck_assert_str_eq (qs_json_str (out, "username", ""), "app");
    json_object_put (out);
    json_object_put (conn);
    //  a URI without a password stays as it is; an '@' past the host is not user info
    const char *plain[] = { "redis://default@h:6379", "http://h/a:b@c", "amqp://h:5672" };
    for (size_t i = 0; i < 3; i++) {
        conn = json_object_new_object ();
        qs_json_add_str (conn, "uri", plain[i]);
        out = qs_svcops_connection (conn);
        ck_assert_str_eq (qs_json_str (out, "uri", ""), plain[i]);
        json_object_put (out);
        json_object_put (conn);
    }
    out = qs_svcops_connection (NULL);
    ck_assert_int_eq (json_object_object_length (out), 0);
    json_object_put (out);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_svcops");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_resolve);
    tcase_add_test (tc, test_connection_without_password);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
