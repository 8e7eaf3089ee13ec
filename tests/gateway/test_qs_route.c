/*  test_qs_route - the route table and path matching. */
#include "../qs_test.h"
#include "qs_route.h"
#include "qs_auth.h"
#include <stdio.h>
#include <string.h>

static const qs_route_t *
s_find_ok (const char *method, const char *path, qs_route_match_t *m)
{
    qs_err_t err;
    qs_err_clear (&err);
    int rc = qs_route_find (method, path, m, NULL, 0, &err);
    ck_assert_msg (rc == 0, "%s %s: %d %s", method, path, err.status, err.message);
    return m->route;
}

START_TEST (test_contract_routes)
{
    //  Every route of contract section 4 and where it goes
    struct { const char *method, *path, *service, *op; } cases[] = {
        { "POST", "/api/v1/chat", "workflow", "chat" },
        { "POST", "/api/v1/chat/stream", "workflow", "chat" },
        { "GET", "/api/v1/chat/conversations", "workflow", "conversations_list" },
        { "GET", "/api/v1/chat/conversations/abc123", "workflow", "conversation_get" },
        { "DELETE", "/api/v1/chat/conversations/abc123", "workflow", "conversation_delete" },
        { "POST", "/api/v1/actions/act_1/confirm", "workflow", "action_confirm" },
        { "POST", "/api/v1/actions/act_1/cancel", "workflow", "action_cancel" },
        { "GET", "/api/v1/recommendations", "workflow", "recommendations" },
        { "GET", "/api/v1/knowledge/search", "knowledge", "search" },
        { "POST", "/api/v1/knowledge/documents", "knowledge", "add_document" },
        { "DELETE", "/api/v1/knowledge/documents/d-9", "knowledge", "delete_document" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qs_route_match_t m;
        const qs_route_t *r = s_find_ok (cases[i].method, cases[i].path, &m);
        ck_assert_int_eq (r->kind, QS_ROUTE_BUS);
        ck_assert_str_eq (r->service, cases[i].service);
        ck_assert_str_eq (r->op, cases[i].op);
    }
    qs_route_match_t m;
    ck_assert_int_eq (s_find_ok ("GET", "/api/v1/health", &m)->kind, QS_ROUTE_HEALTH);
    ck_assert_int_eq (s_find_ok ("GET", "/api/v1/health/ready", &m)->kind, QS_ROUTE_READY);
    ck_assert_int_eq (s_find_ok ("GET", "/api/v1/metrics", &m)->kind, QS_ROUTE_METRICS);
    ck_assert (s_find_ok ("POST", "/api/v1/chat/stream", &m)->stream);
    ck_assert (!s_find_ok ("POST", "/api/v1/chat", &m)->stream);
    ck_assert_ptr_eq (s_find_ok ("POST", "/api/v1/chat", &m)->validate, qs_ops_validate_chat);
}
END_TEST

START_TEST (test_params)
{
    qs_route_match_t m;
    s_find_ok ("GET", "/api/v1/chat/conversations/Zx_9-a", &m);
    ck_assert_uint_eq (m.nparams, 1);
    ck_assert_str_eq (m.params[0].name, "id");
    ck_assert_str_eq (m.params[0].value, "Zx_9-a");
    s_find_ok ("POST", "/api/v1/actions/a.b:c/confirm", &m);
    ck_assert_uint_eq (m.nparams, 1);
    ck_assert_str_eq (m.params[0].name, "action_id");
    ck_assert_str_eq (m.params[0].value, "a.b:c");
}
END_TEST

START_TEST (test_not_found)
{
    const char *paths[] = {
        "/api/v1/nope", "/api/v1/chat/", "/api/v1/chat/conversations/",
        "/api/v1/chat/conversations/a/b", "/api/v1/chat/conversations/..",
        "/api/v1/chat/conversations/a b", "/api/v1/chat/conversations/a%2Fb",
        "/api/v1/actions//confirm", "/api/v1/actions/x/explode", "/api/v2/chat", "",
        "/api/v1/health/", "//api/v1/health",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        qs_route_match_t m;
        qs_err_t err;
        ck_assert_int_eq (qs_route_find ("GET", paths[i], &m, NULL, 0, &err), -1);
        ck_assert_msg (err.status == 404, "%s gave %d", paths[i], err.status);
        ck_assert_str_eq (err.code, "not_found");
        ck_assert_ptr_null (m.route);
    }
    //  a 200-character id is not an id
    char path[300] = "/api/v1/chat/conversations/";
    size_t n = strlen (path);
    memset (path + n, 'a', 200);
    path[n + 200] = '\0';
    qs_route_match_t m;
    qs_err_t err;
    ck_assert_int_eq (qs_route_find ("GET", path, &m, NULL, 0, &err), -1);
    ck_assert_int_eq (err.status, 404);
}
END_TEST

START_TEST (test_method_not_allowed)
{
    qs_route_match_t m;
    qs_err_t err;
    char allow[64];
    ck_assert_int_eq (qs_route_find ("GET", "/api/v1/chat", &m, allow, sizeof allow, &err), -1);
    ck_assert_int_eq (err.status, 405);
    ck_assert_str_eq (err.code, "method_not_allowed");
    ck_assert_str_eq (allow, "POST");
    ck_assert_int_eq (qs_route_find ("PUT", "/api/v1/chat/conversations/x", &m, allow,
                                     sizeof allow, &err), -1);
    ck_assert_int_eq (err.status, 405);
    ck_assert_str_eq (allow, "GET, DELETE");
    ck_assert_int_eq (qs_route_find ("POST", "/api/v1/health", &m, allow, sizeof allow, &err), -1);
    ck_assert_int_eq (err.status, 405);
    ck_assert_str_eq (allow, "GET");
    //  an odd method is not echoed into the message
    ck_assert_int_eq (qs_route_find ("<script>", "/api/v1/health", &m, NULL, 0, &err), -1);
    ck_assert_ptr_null (strstr (err.message, "<script>"));
}
END_TEST

START_TEST (test_roles)
{
    qs_route_match_t m;
    const qs_route_t *chat = s_find_ok ("POST", "/api/v1/chat", &m);
    ck_assert (qs_route_allows (chat, QS_ROLE_VIEWER));
    const qs_route_t *confirm = s_find_ok ("POST", "/api/v1/actions/a/confirm", &m);
    ck_assert (!qs_route_allows (confirm, QS_ROLE_VIEWER));
    ck_assert (qs_route_allows (confirm, QS_ROLE_MEMBER));
    ck_assert (qs_route_allows (confirm, QS_ROLE_ADMIN));
    const qs_route_t *add = s_find_ok ("POST", "/api/v1/knowledge/documents", &m);
    ck_assert (!qs_route_allows (add, QS_ROLE_VIEWER));
    ck_assert (!qs_route_allows (add, QS_ROLE_MEMBER | QS_ROLE_VIEWER));
    ck_assert (qs_route_allows (add, QS_ROLE_ADMIN));
    const qs_route_t *del = s_find_ok ("DELETE", "/api/v1/knowledge/documents/x", &m);
    ck_assert (!qs_route_allows (del, QS_ROLE_MEMBER));
    ck_assert (qs_route_allows (del, QS_ROLE_ADMIN));
    ck_assert (!qs_route_allows (NULL, QS_ROLE_ADMIN));
}
END_TEST

START_TEST (test_table_consistent)
{
    size_t count = 0;
    const qs_route_t *t = qs_route_table (&count);
    ck_assert_uint_ge (count, 14);
    for (size_t i = 0; i < count; i++) {
        ck_assert (t[i].pattern[0] == '/');
        if (t[i].kind == QS_ROUTE_BUS) {
            ck_assert (t[i].service || strstr (t[i].pattern, "{service}"));
            ck_assert_ptr_nonnull (t[i].op);
            ck_assert_uint_ne (t[i].role, 0);
            ck_assert (!t[i].has_body || !strcmp (t[i].method, "POST") || !strcmp (t[i].method, "PUT"));
        }
        for (size_t j = i + 1; j < count; j++)
            ck_assert (strcmp (t[i].method, t[j].method) || strcmp (t[i].pattern, t[j].pattern));
    }
}
END_TEST

START_TEST (test_ping_service_param)
{
    qs_route_match_t m;
    qs_err_t err;
    const char *const *services = qs_route_services ();
    size_t n = 0;
    for (; services[n]; n++) {
        char path[64];
        snprintf (path, sizeof path, "/api/v1/ping/%s", services[n]);
        ck_assert_int_eq (qs_route_find ("GET", path, &m, NULL, 0, &err), 0);
        ck_assert_str_eq (m.route->op, "ping");
        ck_assert_str_eq (qs_route_service (&m), services[n]);
    }
    ck_assert_uint_eq (n, 4);
    //  only the product's services: no probing of other names
    ck_assert_int_eq (qs_route_find ("GET", "/api/v1/ping/test", &m, NULL, 0, &err), -1);
    ck_assert_int_eq (err.status, 404);
    ck_assert_int_eq (qs_route_find ("GET", "/api/v1/ping/", &m, NULL, 0, &err), -1);
    ck_assert_int_eq (err.status, 404);
    //  fixed routes name their service themselves
    ck_assert_int_eq (qs_route_find ("GET", "/api/v1/knowledge/search", &m, NULL, 0, &err), 0);
    ck_assert_str_eq (qs_route_service (&m), "knowledge");
    ck_assert_ptr_null (qs_route_service (NULL));
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_route");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_contract_routes);
    tcase_add_test (tc, test_params);
    tcase_add_test (tc, test_not_found);
    tcase_add_test (tc, test_method_not_allowed);
    tcase_add_test (tc, test_roles);
    tcase_add_test (tc, test_table_consistent);
    tcase_add_test (tc, test_ping_service_param);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
