/*  test_sec_mcp - POST /mcp under hostile JSON-RPC, the real gateway with
    its embedded broker and no workers: batches, wrong types, huge and odd
    ids, unknown methods, bad tool arguments, invalid UTF-8, deep nesting
    and an oversized body get JSON-RPC errors or the contract's 4xx, never
    a crash or a hang; the token, the Origin rule and the methods (GET and
    DELETE are 405) hold; a tool whose worker is missing is a result with
    isError; every answer carries X-Request-Id; the gateway stays up. */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_cli_token.h"
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_sec_http.h"
#include "qs_util.h"

#define S_SECRET "sec-mcp-secret-0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f"

static qs_harness_t *s_h;
static int s_port;
static char *s_tok;
static const char *const s_env[] = {
    "QS_JWT_SECRET=" S_SECRET, "QS_REQUEST_TIMEOUT_MS=1000",
    "QS_MCP_ALLOWED_ORIGINS=https://ok.example", NULL
};

static void
s_setup (void)
{
    unsetenv ("QS_JWT_SECRET");
    qs_harness_spec_t spec = { .gateway = true, .embedded_broker = true, .env = s_env,
                               .log_level = "info", .wait_health_ms = 15000 };
    s_h = qs_harness_new (&spec);
    ck_assert_msg (s_h != NULL, "the gateway did not start");
    s_port = qs_harness_gateway_port (s_h);
    qs_cli_token_opts_t opts = { .sub = "mallory", .org_id = "org-acme", .roles = "member", .tier = "pro" };
    qs_err_t err = {0};
    s_tok = qs_cli_token_mint (&opts, S_SECRET, &err);
    ck_assert_ptr_nonnull (s_tok);
}

static void
s_teardown (void)
{
    qs_harness_destroy (&s_h);
    free (s_tok);
}

//  Send req; check X-Request-Id; the status; *json_p the parsed body (may be NULL)
static int
s_send (const char *req, size_t len, json_object **json_p)
{
    qs_sec_resp_t r;
    int status = qs_sec_request (s_port, req, len, 10000, &r);
    char id[80];
    ck_assert_msg (qs_sec_header (&r, "X-Request-Id", id, sizeof id), "no X-Request-Id:\n%s", r.head);
    if (json_p)
        *json_p = r.body_len ? qs_json_parse (r.body, r.body_len, NULL) : NULL;
    qs_sec_resp_free (&r);
    return status;
}

//  POST body to /mcp with the token; want the HTTP status and, when rpc is
//  not 0, that JSON-RPC error code
static void
s_expect (const char *body, size_t len, int status, int rpc)
{
    char *head = qs_sec_format ("POST", "/mcp", s_tok, NULL, NULL);
    //  qs_sec_format counts with strlen: the body (maybe with NUL bytes) goes after
    char *req = NULL;
    size_t hlen = strlen (head) - 2;          /* before the blank line */
    ck_assert (asprintf (&req, "%.*sContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                         (int) hlen, head, len) > 0);
    size_t rlen = strlen (req);
    req = realloc (req, rlen + len);
    memcpy (req + rlen, body, len);
    json_object *j = NULL;
    int got = s_send (req, rlen + len, &j);
    ck_assert_msg (got == status, "%.80s -> %d, want %d: %s", body, got, status,
                   j ? json_object_to_json_string (j) : "");
    if (rpc) {
        ck_assert_str_eq (qs_json_str (j, "jsonrpc", ""), "2.0");
        ck_assert_msg (qs_json_int (qs_json_get (j, "error", json_type_object), "code", 0) == rpc,
                       "%.80s: want %d: %s", body, rpc, json_object_to_json_string (j));
    }
    json_object_put (j);
    free (req);
    free (head);
}

#define S_EXPECT(body, status, rpc) s_expect (body, strlen (body), status, rpc)
#define S_CALL(args) "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":" args "}"

START_TEST (test_hostile_jsonrpc)
{
    //  batches (removed from the protocol in 2025-06-18) and non-objects
    S_EXPECT ("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", 400, -32600);
    S_EXPECT ("[]", 400, -32600);
    S_EXPECT ("42", 400, -32600);
    S_EXPECT ("\"ping\"", 400, -32600);
    //  wrong types
    S_EXPECT ("{\"jsonrpc\":2,\"id\":1,\"method\":\"ping\"}", 400, -32600);
    S_EXPECT ("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", 400, -32600);
    S_EXPECT ("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}", 400, -32600);
    S_EXPECT ("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}", 400, -32600);
    S_EXPECT ("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}", 400, -32600);
    S_EXPECT ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", 400, -32600);
    S_EXPECT ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[1]}", 200, -32602);
    S_EXPECT ("{\"jsonrpc\":\"2.0\",\"id\":1}", 400, -32600);
    //  huge and odd ids
    S_EXPECT ("{\"jsonrpc\":\"2.0\",\"id\":99999999999999999999999999,\"method\":\"ping\"}", 400, -32600);
    S_EXPECT ("{\"jsonrpc\":\"2.0\",\"id\":-9223372036854775808,\"method\":\"ping\"}", 400, -32600);
    S_EXPECT ("{\"jsonrpc\":\"2.0\",\"id\":1e308,\"method\":\"ping\"}", 400, -32600);
    S_EXPECT ("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", 400, -32600);
    char big[700];
    snprintf (big, sizeof big, "{\"jsonrpc\":\"2.0\",\"id\":\"%0300d\",\"method\":\"ping\"}", 7);
    S_EXPECT (big, 400, -32600);
    S_EXPECT ("{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"method\":\"ping\"}", 200, 0);
    //  unknown methods, a very long one too (its echo is bounded)
    S_EXPECT ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/list\"}", 200, -32601);
    S_EXPECT ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}", 200, -32601);
    char *longm = calloc (1, 20100);
    memset (longm, 'x', 20000);
    char *body = qs_strdupf ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\"}", longm);
    S_EXPECT (body, 200, -32601);
    free (body);
    free (longm);
    //  bad tool calls are JSON-RPC errors
    S_EXPECT (S_CALL ("{}"), 200, -32602);
    S_EXPECT (S_CALL ("{\"name\":5}"), 200, -32602);
    S_EXPECT (S_CALL ("{\"name\":\"confirm_action\",\"arguments\":{\"action_id\":\"a\"}}"), 200, -32602);
    S_EXPECT (S_CALL ("{\"name\":\"get_service\",\"arguments\":{\"service\":5}}"), 200, -32602);
    S_EXPECT (S_CALL ("{\"name\":\"get_service\",\"arguments\":\"svc\"}"), 200, -32602);
    S_EXPECT (S_CALL ("{\"name\":\"get_service\",\"arguments\":{\"service\":\"a\",\"x\":1}}"), 200, -32602);
    S_EXPECT (S_CALL ("{\"name\":\"get_service\",\"arguments\":{\"service\":\"\"}}"), 200, -32602);
    S_EXPECT (S_CALL ("{\"name\":\"get_service\",\"arguments\":{\"service\":\"a\\u0000b\"}}"), 200, -32602);
    S_EXPECT (S_CALL ("{\"name\":\"search_knowledge\",\"arguments\":{\"query\":\"q\",\"limit\":1000}}"), 200, -32602);
    S_EXPECT (S_CALL ("{\"name\":\"search_knowledge\",\"arguments\":{\"query\":\"q\",\"limit\":\"5\"}}"), 200, -32602);
    S_EXPECT (S_CALL ("{\"name\":\"search_knowledge\",\"arguments\":{\"query\":\"q\",\"limit\":2.5}}"), 200, -32602);
    //  not UTF-8, not JSON, nested past any sane depth, empty
    const char bad_utf8[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\xffing\"}";
    s_expect (bad_utf8, sizeof bad_utf8 - 1, 400, -32700);
    const char overlong[] = "{\"jsonrpc\":\"2.0\",\"id\":\"\xc0\xaf\",\"method\":\"ping\"}";
    s_expect (overlong, sizeof overlong - 1, 400, -32700);
    const char nul[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\0\"method\":\"ping\"}";
    s_expect (nul, sizeof nul - 1, 400, -32700);
    S_EXPECT ("{\"jsonrpc\":\"2.0\",\"id\":1,", 400, -32700);
    char *deep = calloc (1, 40001);
    memset (deep, '[', 20000);
    memset (deep + 20000, ']', 20000);
    S_EXPECT (deep, 400, 0);
    free (deep);
    s_expect ("", 0, 400, -32700);
    //  a tool whose worker is missing: a result with isError, within the deadline
    json_object *j = NULL;
    char *req = qs_sec_format ("POST", "/mcp", s_tok,
                               S_CALL ("{\"name\":\"list_services\",\"arguments\":{}}"), NULL);
    ck_assert_int_eq (s_send (req, strlen (req), &j), 200);
    ck_assert_msg (qs_json_bool (qs_json_get (j, "result", json_type_object), "isError", false),
                   "%s", json_object_to_json_string (j));
    int st = (int) qs_json_int (qs_json_path (j, "result.structuredContent.error"), "status", 0);
    ck_assert_msg (st == 503 || st == 504, "status %d", st);
    json_object_put (j);
    free (req);
}
END_TEST

START_TEST (test_http_rules)
{
    const char *init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    struct { const char *method, *token, *body, *extra; int status; } cases[] = {
        { "POST", NULL, init, NULL, 401 },
        { "POST", "not.a.token", init, NULL, 401 },
        //  alg none, signed by nobody
        { "POST", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwib3JnX2lkIjoib3JnLWFjbWUifQ.", init, NULL, 401 },
        { "POST", "TOKEN", init, "Origin: http://evil.example\r\n", 403 },
        { "POST", NULL, init, "Origin: http://evil.example\r\n", 403 },  /* before the token */
        { "POST", "TOKEN", init, "Origin: null\r\n", 403 },
        { "POST", "TOKEN", init, "Origin: https://ok.example.evil\r\n", 403 },
        { "POST", "TOKEN", init, "Origin: https://ok.example\r\n", 200 },
        { "POST", "TOKEN", init, "Origin: http://127.0.0.1\r\n", 200 },   /* its own */
        { "GET", "TOKEN", NULL, "Accept: text/event-stream\r\n", 405 },
        { "DELETE", "TOKEN", NULL, "Mcp-Session-Id: abc\r\n", 405 },
        { "PUT", "TOKEN", init, NULL, 405 },
        { "POST", "TOKEN", "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", NULL, 202 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *tok = cases[i].token && !strcmp (cases[i].token, "TOKEN") ? s_tok : cases[i].token;
        char *req = qs_sec_format (cases[i].method, "/mcp", tok, cases[i].body, cases[i].extra);
        qs_sec_resp_t r;
        int st = qs_sec_request (s_port, req, strlen (req), 5000, &r);
        ck_assert_msg (st == cases[i].status, "case %zu: %s -> %d, want %d: %s", i, cases[i].method,
                       st, cases[i].status, r.body ? r.body : "");
        char v[200];
        if (st == 405)
            ck_assert_str_eq (qs_sec_header (&r, "Allow", v, sizeof v), "POST");
        if (st == 401)
            ck_assert_ptr_nonnull (qs_sec_header (&r, "WWW-Authenticate", v, sizeof v));
        if (st == 200)
            ck_assert_str_eq (qs_sec_header (&r, "Content-Type", v, sizeof v), "application/json");
        if (st == 202)
            ck_assert_uint_eq (r.body_len, 0);
        ck_assert_msg (!tok || !strstr (r.body ? r.body : "", tok), "the token was echoed");
        qs_sec_resp_free (&r);
        free (req);
    }
    //  not JSON: 415
    char *req = qs_sec_format ("POST", "/mcp", s_tok, NULL,
                               "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi");
    ck_assert_int_eq (s_send (req, strlen (req) - 2, NULL), 415);
    free (req);
    //  1 MB: 413 from the head alone (the row's limit), nothing read
    req = qs_sec_format ("POST", "/mcp", s_tok, NULL,
                         "Content-Type: application/json\r\nContent-Length: 1048576\r\n");
    ck_assert_int_eq (s_send (req, strlen (req), NULL), 413);
    free (req);
    //  and a 1 MB body that is actually sent
    char *huge = malloc (1048577);
    memset (huge, ' ', 1048576);
    huge[0] = '{';
    huge[1048575] = '}';
    huge[1048576] = '\0';
    req = qs_sec_format ("POST", "/mcp", s_tok, huge, NULL);
    ck_assert_int_eq (s_send (req, strlen (req), NULL), 413);
    free (req);
    free (huge);
    //  still serving
    req = qs_sec_format ("POST", "/mcp", s_tok, init, NULL);
    ck_assert_int_eq (s_send (req, strlen (req), NULL), 200);
    free (req);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("sec_mcp");
    TCase *tc = tcase_create ("gateway");
    tcase_add_unchecked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_hostile_jsonrpc);
    tcase_add_test (tc, test_http_rules);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
