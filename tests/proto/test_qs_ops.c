/*  test_qs_ops - the table of operations: every row well formed, paths
    unique, every HTTP row goes to a bus op or a local route, the chat
    validator, the broker's admission policy and worker registration. */
#include "../qs_test.h"
#include "qs_auth.h"
#include "qs_ops.h"
#include "qs_ops_worker.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
s_is (const char *a, const char *b)
{
    return a && b && !strcmp (a, b);
}

static bool
s_known_service (const char *name)
{
    for (const char *const *s = qs_ops_services (); *s; s++)
        if (s_is (*s, name))
            return true;
    return false;
}

START_TEST (test_rows_well_formed)
{
    size_t count = 0, http = 0;
    const qs_ops_row_t *t = qs_ops_table (&count);
    ck_assert_ptr_eq (qs_ops_http (&http), t);
    ck_assert_uint_gt (http, 0);
    ck_assert_uint_gt (count, http);
    for (size_t i = 0; i < count; i++) {
        const qs_ops_row_t *r = &t[i];
        const char *name = r->pattern ? r->pattern : r->op;
        //  the HTTP rows are the head of the table, the internal ones its
        //  tail; between them the ops for bus clients only (no route)
        ck_assert_msg ((i < http) == (r->pattern != NULL), "%s is out of place", name);
        ck_assert_msg ((r->method != NULL) == (r->pattern != NULL), "%s: method and path go together", name);
        ck_assert_msg (!r->internal || r->pattern == NULL, "%s: internal means no HTTP route", name);
        ck_assert_msg (i == 0 || !t[i - 1].internal || r->internal, "%s is out of place", name);
        if (r->pattern) {
            ck_assert_msg (!strncmp (r->pattern, "/api/v1/", 8) || r->kind == QS_OP_MCP, "%s", name);
            ck_assert_msg (s_is (r->method, "GET") || s_is (r->method, "POST") || s_is (r->method, "PUT")
                           || s_is (r->method, "DELETE"),
                           "%s: method %s", name, r->method);
        }
        ck_assert_msg (!r->has_body || s_is (r->method, "POST") || s_is (r->method, "PUT"),
                       "%s: only a POST or a PUT has a body", name);
        ck_assert_msg (!s_is (r->method, "PUT") || r->has_body, "%s: a PUT has a body", name);
        ck_assert_msg (!r->stream || r->has_body, "%s: a stream answers a POST", name);
        ck_assert_msg (!r->validate || r->has_body, "%s: a validator needs a body", name);
        ck_assert_msg ((r->chars_max > 0) == (r->validate != NULL), "%s: a text limit goes with a validator", name);
        if (r->kind == QS_OP_BUS) {
            ck_assert_msg (r->op && *r->op, "%s has no op", name);
            ck_assert_msg (r->role == QS_ROLE_VIEWER || r->role == QS_ROLE_MEMBER || r->role == QS_ROLE_ADMIN,
                           "%s: one minimum role", name);
            ck_assert_msg (r->service ? s_known_service (r->service)
                                      : r->pattern && strstr (r->pattern, "{service}") != NULL,
                           "%s: unknown service", name);
        }
        else
        if (r->kind == QS_OP_MCP) {
            //  the MCP server: the gateway answers it, with a token and a body
            ck_assert_msg (s_is (r->pattern, "/mcp") && s_is (r->method, "POST") && !r->service
                           && !r->op && r->role == QS_ROLE_VIEWER && r->has_body && r->body_max > 0,
                           "%s", name);
        }
        else {
            //  a local route: answered by the gateway itself, no token
            ck_assert_msg (r->pattern && !r->service && !r->op && !r->role && !r->has_body, "%s", name);
        }
    }
}
END_TEST

START_TEST (test_paths_and_ops_unique)
{
    size_t count = 0;
    const qs_ops_row_t *t = qs_ops_table (&count);
    for (size_t i = 0; i < count; i++)
        for (size_t j = i + 1; j < count; j++) {
            if (t[i].pattern && t[j].pattern)
                ck_assert_msg (!s_is (t[i].method, t[j].method) || !s_is (t[i].pattern, t[j].pattern),
                               "%s %s twice", t[i].method, t[i].pattern);
            //  one op may have several routes (chat, chat/stream) but one policy
            if (t[i].service && s_is (t[i].service, t[j].service) && s_is (t[i].op, t[j].op)) {
                ck_assert_uint_eq (t[i].role, t[j].role);
                ck_assert (t[i].internal == t[j].internal);
                ck_assert_ptr_eq (t[i].validate, t[j].validate);
                ck_assert_int_eq (t[i].chars_max, t[j].chars_max);
            }
        }
    //  qs_ops_find gives the first row of service.op; nothing without a service
    ck_assert_str_eq (qs_ops_find ("workflow", "chat")->pattern, "/api/v1/chat");
    ck_assert (qs_ops_find ("k8s", "scale")->internal);
    ck_assert_ptr_null (qs_ops_find ("workflow", "nope"));
    ck_assert_ptr_null (qs_ops_find (NULL, "ping"));
    ck_assert_ptr_null (qs_ops_find ("workflow", NULL));
}
END_TEST

START_TEST (test_every_service_has_rows)
{
    size_t count = 0;
    const qs_ops_row_t *t = qs_ops_table (&count);
    size_t n = 0;
    for (const char *const *s = qs_ops_services (); *s; s++, n++) {
        bool found = false;
        for (size_t i = 0; i < count && !found; i++)
            found = s_is (t[i].service, *s);
        ck_assert_msg (found, "service %s has no row", *s);
    }
    ck_assert_uint_eq (n, 4);
}
END_TEST

START_TEST (test_roles)
{
    const qs_ops_row_t *confirm = qs_ops_find ("workflow", "action_confirm");
    ck_assert (!qs_ops_allows (confirm, QS_ROLE_VIEWER));
    ck_assert (qs_ops_allows (confirm, QS_ROLE_MEMBER));
    ck_assert (qs_ops_allows (confirm, QS_ROLE_ADMIN));
    const qs_ops_row_t *add = qs_ops_find ("knowledge", "add_document");
    ck_assert (!qs_ops_allows (add, QS_ROLE_MEMBER | QS_ROLE_VIEWER));
    ck_assert (qs_ops_allows (add, QS_ROLE_ADMIN));
    ck_assert (qs_ops_allows (qs_ops_find ("workflow", "chat"), QS_ROLE_VIEWER));
    ck_assert (!qs_ops_allows (NULL, QS_ROLE_ADMIN));
}
END_TEST

//  A chat body with message of n copies of unit (a UTF-8 sequence)
static json_object *
s_chat_body (const char *unit, size_t n)
{
    size_t ulen = strlen (unit);
    char *text = malloc (ulen * n + 1);
    ck_assert_ptr_nonnull (text);
    for (size_t i = 0; i < n; i++)
        memcpy (text + i * ulen, unit, ulen);
    text[ulen * n] = '\0';
    json_object *body = json_object_new_object ();
    json_object_object_add (body, "message", json_object_new_string_len (text, (int) (ulen * n)));
    free (text);
    return body;
}

static int
s_validate (json_object *body, qs_err_t *err)
{
    const qs_ops_row_t *chat = qs_ops_find ("workflow", "chat");
    qs_err_clear (err);
    int rc = chat->validate (chat, body, err);
    json_object_put (body);
    return rc;
}

START_TEST (test_chat_validator)
{
    qs_err_t err;
    const qs_ops_row_t *chat = qs_ops_find ("workflow", "chat");
    ck_assert_int_eq (chat->chars_max, QS_CHAT_MESSAGE_MAX);
    ck_assert_int_eq (QS_CHAT_MESSAGE_MAX, 8000);
    //  good: the limit counts characters, not bytes
    ck_assert_int_eq (s_validate (s_chat_body ("a", 1), &err), 0);
    ck_assert_int_eq (s_validate (s_chat_body ("\xc3\xa9", 8000), &err), 0);
    json_object *body = s_chat_body ("hi", 1);
    json_object_object_add (body, "conversation_id", json_object_new_string ("c-1"));
    ck_assert_int_eq (s_validate (body, &err), 0);
    body = s_chat_body ("hi", 1);
    json_object_object_add (body, "conversation_id", NULL);
    ck_assert_int_eq (s_validate (body, &err), 0);
    //  bad
    ck_assert_int_eq (s_validate (s_chat_body ("a", 0), &err), -1);
    ck_assert_int_eq (err.status, 400);
    ck_assert_str_eq (err.code, "bad_request");
    ck_assert_int_eq (s_validate (s_chat_body ("\xc3\xa9", 8001), &err), -1);
    ck_assert_ptr_nonnull (strstr (err.message, "8000"));
    ck_assert_int_eq (s_validate (s_chat_body ("\xff", 3), &err), -1);
    ck_assert_ptr_nonnull (strstr (err.message, "UTF-8"));
    ck_assert_int_eq (s_validate (json_object_new_object (), &err), -1);
    ck_assert_ptr_nonnull (strstr (err.message, "required"));
    body = json_object_new_object ();
    json_object_object_add (body, "message", json_object_new_int (5));
    ck_assert_int_eq (s_validate (body, &err), -1);
    body = s_chat_body ("hi", 1);
    json_object_object_add (body, "conversation_id", json_object_new_int (7));
    ck_assert_int_eq (s_validate (body, &err), -1);
    ck_assert_ptr_nonnull (strstr (err.message, "conversation_id"));
    ck_assert_int_eq (s_validate (json_object_new_array (), &err), -1);
    ck_assert_int_eq (s_validate (NULL, &err), -1);
    ck_assert_int_eq (err.status, 400);
}
END_TEST

static int
s_admit (const char *service, const char *op, unsigned roles, const char *body, qs_err_t *err)
{
    qs_err_clear (err);
    return qs_ops_admit (NULL, service, op, roles, body, strlen (body), err);
}

START_TEST (test_admit)
{
    qs_err_t err;
    const char *chat = "{\"message\":\"hello\"}";
    ck_assert_int_eq (s_admit ("workflow", "chat", QS_ROLE_VIEWER, chat, &err), 0);
    ck_assert_int_eq (s_admit ("knowledge", "search", QS_ROLE_VIEWER, "{}", &err), 0);
    ck_assert_int_eq (s_admit ("workflow", "action_confirm", QS_ROLE_MEMBER, "{}", &err), 0);
    //  the MCP tools' service reads: bus clients only, any role
    ck_assert_int_eq (s_admit ("workflow", "service_diagnose", QS_ROLE_VIEWER, "{}", &err), 0);
    ck_assert_ptr_null (qs_ops_find ("workflow", "services_list")->pattern);
    //  internal and unknown ops are closed to bus clients, whatever the role
    const char *closed[][2] = { { "intent", "classify" }, { "k8s", "restart" },
                                { "workflow", "nope" }, { "nope", "chat" } };
    for (size_t i = 0; i < sizeof closed / sizeof closed[0]; i++) {
        ck_assert_int_eq (s_admit (closed[i][0], closed[i][1], QS_ROLE_ADMIN, "{}", &err), -1);
        ck_assert_int_eq (err.status, 403);
        ck_assert_str_eq (err.code, "forbidden");
        ck_assert_str_eq (err.message, "this operation is not open to bus clients");
    }
    ck_assert_int_eq (s_admit ("workflow", "action_confirm", QS_ROLE_VIEWER, "{}", &err), -1);
    ck_assert_int_eq (err.status, 403);
    ck_assert_str_eq (err.message, "your role cannot run this operation");
    ck_assert_int_eq (s_admit ("knowledge", "delete_document", QS_ROLE_MEMBER, "{}", &err), -1);
    ck_assert_int_eq (err.status, 403);
    //  the gateway's body rule holds on the bus
    ck_assert_int_eq (s_admit ("workflow", "chat", QS_ROLE_VIEWER, "{\"message\":\"\"}", &err), -1);
    ck_assert_int_eq (err.status, 400);
    ck_assert_str_eq (err.code, "bad_request");
    ck_assert_int_eq (s_admit ("workflow", "chat", QS_ROLE_VIEWER, "not json", &err), -1);
    ck_assert_int_eq (err.status, 400);
    ck_assert_int_eq (s_admit ("workflow", "chat", QS_ROLE_VIEWER, "", &err), -1);
    ck_assert_int_eq (err.status, 400);
}
END_TEST

static int
s_handler (qs_req_t *req, void *arg)
{
    (void) req;
    (void) arg;
    return 0;
}

static qs_worker_t *
s_worker (const char *service)
{
    qs_worker_config_t config = { .endpoint = "tcp://127.0.0.1:1", .service = service };
    qs_worker_t *worker = qs_worker_new (&config);
    ck_assert_ptr_nonnull (worker);
    return worker;
}

START_TEST (test_register)
{
    qs_err_t err;
    qs_ops_handler_t intent[] = {
        { "classify", s_handler, NULL }, { "extract", s_handler, NULL },
        { "understand", s_handler, NULL }, { "guess", s_handler, NULL },
    };
    //  complete: every row of the service has its handler
    qs_worker_t *worker = s_worker ("intent");
    ck_assert_int_eq (qs_ops_register (worker, "intent", intent, 3, &err), 0);
    ck_assert_int_eq (qs_worker_add_op (worker, "classify", s_handler, NULL), -1);    /* added */
    qs_worker_destroy (&worker);
    //  a row without a handler: named, nothing added
    worker = s_worker ("intent");
    ck_assert_int_eq (qs_ops_register (worker, "intent", intent, 2, &err), -1);
    ck_assert_int_eq (err.status, 500);
    ck_assert_ptr_nonnull (strstr (err.message, "intent.understand"));
    ck_assert_ptr_nonnull (strstr (err.message, "no handler"));
    ck_assert_int_eq (qs_worker_add_op (worker, "classify", s_handler, NULL), 0);
    qs_worker_destroy (&worker);
    //  a handler without a row
    worker = s_worker ("intent");
    ck_assert_int_eq (qs_ops_register (worker, "intent", intent, 4, &err), -1);
    ck_assert_ptr_nonnull (strstr (err.message, "\"intent.guess\""));
    ck_assert_ptr_nonnull (strstr (err.message, "no row"));
    //  a handler of another service's op, a handler twice, a missing function
    qs_ops_handler_t wrong[] = { { "chat", s_handler, NULL } };
    ck_assert_int_eq (qs_ops_register (worker, "intent", wrong, 1, &err), -1);
    ck_assert_ptr_nonnull (strstr (err.message, "no row"));
    qs_ops_handler_t twice[] = { { "classify", s_handler, NULL }, { "classify", s_handler, NULL } };
    ck_assert_int_eq (qs_ops_register (worker, "intent", twice, 2, &err), -1);
    ck_assert_ptr_nonnull (strstr (err.message, "two handlers"));
    qs_ops_handler_t nofn[] = { { "classify", NULL, NULL }, { "extract", s_handler, NULL } };
    ck_assert_int_eq (qs_ops_register (worker, "intent", nofn, 2, &err), -1);
    ck_assert_int_eq (qs_ops_register (NULL, "intent", intent, 2, &err), -1);
    qs_worker_destroy (&worker);
    //  an op with two routes (chat, chat/stream) is one handler
    worker = s_worker ("workflow");
    qs_ops_handler_t wf[] = {
        { "chat", s_handler, NULL }, { "action_confirm", s_handler, NULL },
        { "action_cancel", s_handler, NULL }, { "recommendations", s_handler, NULL },
        { "conversations_list", s_handler, NULL }, { "conversation_get", s_handler, NULL },
        { "conversation_delete", s_handler, NULL }, { "recommendation_apply", s_handler, NULL },
        { "audit_list", s_handler, NULL }, { "services_list", s_handler, NULL },
        { "service_get", s_handler, NULL }, { "service_diagnose", s_handler, NULL },
        { "connection_info", s_handler, NULL },
        { "alert_receive", s_handler, NULL }, { "incidents_list", s_handler, NULL },
        { "notifications_get", s_handler, NULL }, { "notifications_put", s_handler, NULL },
    };
    ck_assert_int_eq (qs_ops_register (worker, "workflow", wf, sizeof wf / sizeof wf[0], &err), 0);
    qs_worker_destroy (&worker);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_ops");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_rows_well_formed);
    tcase_add_test (tc, test_paths_and_ops_unique);
    tcase_add_test (tc, test_every_service_has_rows);
    tcase_add_test (tc, test_roles);
    tcase_add_test (tc, test_chat_validator);
    tcase_add_test (tc, test_admit);
    tcase_add_test (tc, test_register);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
