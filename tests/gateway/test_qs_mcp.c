/*  qs_mcp: the JSON-RPC layer of the MCP server, with the bus replaced by a
    recording exec callback. */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include "qs_json.h"
#include "qs_mcp.h"

typedef struct {
    int calls;
    char service[32], op[64];
    json_object *body;         /* the last body the tool sent */
    int fail_status;           /* answer with this error instead */
} s_bus_t;

static int
s_exec (void *arg, const char *service, const char *op, json_object *body, json_object **reply_p,
        qs_err_t *err)
{
    s_bus_t *bus = arg;
    bus->calls++;
    snprintf (bus->service, sizeof bus->service, "%s", service);
    snprintf (bus->op, sizeof bus->op, "%s", op);
    json_object_put (bus->body);
    bus->body = json_object_get (body);
    if (bus->fail_status)
        return qs_err_set (err, bus->fail_status, "not_found", "no service called that in your organisation");
    *reply_p = json_object_new_object ();
    json_object_object_add (*reply_p, "services", json_object_new_array ());
    return 0;
}

/*  Handle text; returns the parsed reply (NULL for 202) and its status. */
static json_object *
s_rpc (qs_mcp_t *mcp, s_bus_t *bus, const char *text, const qs_mcp_headers_t *h, int *status)
{
    qs_mcp_reply_t reply;
    ck_assert_int_eq (qs_mcp_handle (mcp, text, strlen (text), h, s_exec, bus, &reply), 0);
    *status = reply.status;
    json_object *out = NULL;
    if (reply.body) {
        const char *why;
        out = qs_json_parse (reply.body, strlen (reply.body), &why);
        ck_assert_ptr_nonnull (out);
        ck_assert_str_eq (qs_json_str (out, "jsonrpc", ""), "2.0");
    }
    qs_mcp_reply_free (&reply);
    return out;
}

static int
s_error_code (json_object *reply)
{
    return (int) qs_json_int (qs_json_get (reply, "error", json_type_object), "code", 0);
}

START_TEST (test_initialize_negotiates)
{
    qs_mcp_t *mcp = qs_mcp_new (&(qs_mcp_config_t) {false, "1.2.3"});
    s_bus_t bus = {0};
    int status;
    json_object *r = s_rpc (mcp, &bus, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                            "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                            NULL, &status);
    ck_assert_int_eq (status, 200);
    ck_assert_int_eq (qs_json_int (r, "id", 0), 1);
    json_object *res = qs_json_get (r, "result", json_type_object);
    ck_assert_str_eq (qs_json_str (res, "protocolVersion", ""), "2025-06-18");
    ck_assert_ptr_nonnull (qs_json_path (res, "capabilities.tools"));
    ck_assert_str_eq (json_object_get_string (qs_json_path (res, "serverInfo.version")), "1.2.3");
    json_object_put (r);
    //  an unknown revision gets our newest handshake revision; a string id is echoed
    r = s_rpc (mcp, &bus, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"1999-01-01\"}}",
               NULL, &status);
    ck_assert_str_eq (qs_json_str (r, "id", ""), "a");
    ck_assert_str_eq (json_object_get_string (qs_json_path (r, "result.protocolVersion")), "2025-11-25");
    json_object_put (r);
    //  the initialized notification is accepted with no body
    ck_assert_ptr_null (s_rpc (mcp, &bus, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", NULL, &status));
    ck_assert_int_eq (status, 202);
    r = s_rpc (mcp, &bus, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}", NULL, &status);
    ck_assert_int_eq (json_object_object_length (qs_json_get (r, "result", json_type_object)), 0);
    json_object_put (r);
    ck_assert_int_eq (bus.calls, 0);
    qs_mcp_destroy (&mcp);
    qs_mcp_destroy (&mcp);
}
END_TEST

START_TEST (test_stateless_revision)
{
    qs_mcp_t *mcp = qs_mcp_new (&(qs_mcp_config_t) {false, "1"});
    s_bus_t bus = {0};
    int status;
    const char *discover = "{\"jsonrpc\":\"2.0\",\"id\":\"d\",\"method\":\"server/discover\",\"params\":{\"_meta\":"
                           "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
    json_object *r = s_rpc (mcp, &bus, discover, &(qs_mcp_headers_t) {.protocol_version = "2026-07-28", .method = "server/discover"}, &status);
    ck_assert_int_eq (status, 200);
    json_object *versions = qs_json_path (r, "result.supportedVersions");
    ck_assert_int_ge ((int) json_object_array_length (versions), 5);
    ck_assert_str_eq (json_object_get_string (json_object_array_get_idx (versions, 0)), "2026-07-28");
    json_object_put (r);
    //  headers that disagree with the body are refused with 400
    r = s_rpc (mcp, &bus, discover, &(qs_mcp_headers_t) {.protocol_version = "2025-11-25"}, &status);
    ck_assert_int_eq (status, 400);
    ck_assert_int_eq (s_error_code (r), -32020);
    json_object_put (r);
    r = s_rpc (mcp, &bus, discover, &(qs_mcp_headers_t) {.method = "tools/list"}, &status);
    ck_assert_int_eq (s_error_code (r), -32020);
    json_object_put (r);
    //  an unknown version names the ones we speak
    r = s_rpc (mcp, &bus, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{\"_meta\":"
               "{\"io.modelcontextprotocol/protocolVersion\":\"2030-01-01\"}}}", NULL, &status);
    ck_assert_int_eq (status, 400);
    ck_assert_int_eq (s_error_code (r), -32022);
    ck_assert_str_eq (json_object_get_string (qs_json_path (r, "error.data.requested")), "2030-01-01");
    json_object_put (r);
    //  over HTTP a 2026-07-28 request names itself in headers too
    const char *call = "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"list_services\","
                       "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}";
    const qs_mcp_headers_t refused[] = {
        { .http = true },
        { .protocol_version = "2026-07-28", .http = true },
        { .protocol_version = "2026-07-28", .method = "tools/call", .http = true },
        { .protocol_version = "2026-07-28", .method = "tools/call", .name = "get_service", .http = true },
        { .protocol_version = "2026-07-28", .method = "tools/call", .name = "=?base64?Z2V0X3NlcnZpY2U=?=", .http = true },
        { .protocol_version = "2026-07-28", .method = "tools/call", .name = "=?base64?!!!?=", .http = true },
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        r = s_rpc (mcp, &bus, call, &refused[i], &status);
        ck_assert_msg (status == 400 && s_error_code (r) == -32020, "case %zu: %d", i, status);
        json_object_put (r);
    }
    ck_assert_int_eq (bus.calls, 0);
    const qs_mcp_headers_t accepted[] = {
        { .protocol_version = "2026-07-28", .method = "tools/call", .name = "list_services", .http = true },
        { .protocol_version = "2026-07-28", .method = "tools/call", .name = "=?base64?bGlzdF9zZXJ2aWNlcw==?=", .http = true },
    };
    for (size_t i = 0; i < 2; i++) {
        r = s_rpc (mcp, &bus, call, &accepted[i], &status);
        ck_assert_msg (status == 200 && qs_json_path (r, "result.content"), "case %zu: %d", i, status);
        json_object_put (r);
        json_object_put (bus.body);
        bus.body = NULL;
    }
    ck_assert_int_eq (bus.calls, 2);
    bus.calls = 0;
    //  an unknown method of this revision is a 404 (a legacy endpoint's 200 otherwise)
    r = s_rpc (mcp, &bus, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"resources/list\",\"params\":{\"_meta\":"
               "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}", NULL, &status);
    ck_assert_int_eq (status, 404);
    ck_assert_int_eq (s_error_code (r), -32601);
    json_object_put (r);
    r = s_rpc (mcp, &bus, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"resources/list\"}", NULL, &status);
    ck_assert_int_eq (status, 200);
    ck_assert_int_eq (s_error_code (r), -32601);
    json_object_put (r);
    //  a tool call needs no handshake
    r = s_rpc (mcp, &bus, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"list_services\","
               "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}", NULL, &status);
    ck_assert_int_eq (status, 200);
    ck_assert_int_eq (bus.calls, 1);
    json_object_put (r);
    json_object_put (bus.body);
    qs_mcp_destroy (&mcp);
}
END_TEST

static json_object *
s_tool_named (json_object *tools, const char *name)
{
    for (size_t i = 0; i < json_object_array_length (tools); i++)
        if (!strcmp (qs_json_str (json_object_array_get_idx (tools, i), "name", ""), name))
            return json_object_array_get_idx (tools, i);
    return NULL;
}

START_TEST (test_tools_list_and_annotations)
{
    const char *list = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
    s_bus_t bus = {0};
    int status;
    qs_mcp_t *ro = qs_mcp_new (&(qs_mcp_config_t) {false, "1"});
    json_object *r = s_rpc (ro, &bus, list, NULL, &status);
    json_object *tools = qs_json_path (r, "result.tools");
    ck_assert_int_eq ((int) json_object_array_length (tools), 7);
    ck_assert_ptr_null (s_tool_named (tools, "confirm_action"));
    const char *names[] = {"list_services", "get_service", "diagnose_service", "get_recommendations",
                           "search_knowledge", "get_connection_info", "chat"};
    for (size_t i = 0; i < 7; i++) {
        json_object *t = s_tool_named (tools, names[i]);
        ck_assert_msg (t != NULL, "%s listed", names[i]);
        ck_assert_str_eq (json_object_get_string (qs_json_path (t, "inputSchema.type")), "object");
        bool ro_hint = json_object_get_boolean (qs_json_path (t, "annotations.readOnlyHint"));
        ck_assert_int_eq (ro_hint, strcmp (names[i], "chat") != 0);
    }
    json_object *search = s_tool_named (tools, "search_knowledge");
    ck_assert_str_eq (json_object_get_string (qs_json_path (search, "inputSchema.required.0")), "query");
    json_object_put (r);
    qs_mcp_destroy (&ro);

    qs_mcp_t *rw = qs_mcp_new (&(qs_mcp_config_t) {true, "1"});
    r = s_rpc (rw, &bus, list, NULL, &status);
    json_object *confirm = s_tool_named (qs_json_path (r, "result.tools"), "confirm_action");
    ck_assert_ptr_nonnull (confirm);
    ck_assert (json_object_get_boolean (qs_json_path (confirm, "annotations.destructiveHint")));
    ck_assert (!json_object_get_boolean (qs_json_path (confirm, "annotations.readOnlyHint")));
    json_object_put (r);
    qs_mcp_destroy (&rw);
}
END_TEST

START_TEST (test_tools_call)
{
    qs_mcp_t *mcp = qs_mcp_new (&(qs_mcp_config_t) {false, "1"});
    s_bus_t bus = {0};
    int status;
    json_object *r = s_rpc (mcp, &bus, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":"
                            "\"search_knowledge\",\"arguments\":{\"query\":\"kafka bootstrap servers\",\"limit\":3}}}", NULL, &status);
    ck_assert_str_eq (bus.service, "knowledge");
    ck_assert_str_eq (bus.op, "search");
    ck_assert_str_eq (qs_json_str (bus.body, "q", ""), "kafka bootstrap servers");
    ck_assert_str_eq (qs_json_str (bus.body, "limit", ""), "3");     /* a query-style op */
    json_object *res = qs_json_get (r, "result", json_type_object);
    ck_assert (!qs_json_bool (res, "isError", true));
    ck_assert_ptr_nonnull (qs_json_path (res, "structuredContent.services"));
    ck_assert_str_eq (json_object_get_string (qs_json_path (res, "content.0.type")), "text");
    ck_assert_str_eq (json_object_get_string (qs_json_path (res, "content.0.text")), "{\"services\":[]}");
    json_object_put (r);

    //  a failing tool is a result with isError, not a protocol error
    bus.fail_status = 404;
    r = s_rpc (mcp, &bus, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":"
               "\"diagnose_service\",\"arguments\":{\"service\":\"nope\"}}}", NULL, &status);
    ck_assert_int_eq (status, 200);
    ck_assert_str_eq (bus.op, "service_diagnose");
    ck_assert (qs_json_bool (qs_json_get (r, "result", json_type_object), "isError", false));
    ck_assert_str_eq (json_object_get_string (qs_json_path (r, "result.structuredContent.error.code")), "not_found");
    ck_assert_ptr_nonnull (strstr (json_object_get_string (qs_json_path (r, "result.content.0.text")), "no service"));
    json_object_put (r);

    //  bad calls are JSON-RPC errors and reach no service
    int before = bus.calls;
    const char *bad[] = {
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"rm_rf\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_service\",\"arguments\":{}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_service\",\"arguments\":{\"service\":7}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_service\",\"arguments\":{\"service\":\"\"}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get_service\",\"arguments\":{\"service\":\"a\",\"x\":1}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search_knowledge\",\"arguments\":{\"query\":\"a\",\"limit\":2.5}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search_knowledge\",\"arguments\":{\"query\":\"a\",\"limit\":999}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"chat\",\"arguments\":[\"hi\"]}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"confirm_action\",\"arguments\":{\"action_id\":\"x\"}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":\"list_services\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = s_rpc (mcp, &bus, bad[i], NULL, &status);
        ck_assert_msg (s_error_code (r) == -32602, "case %zu: %d", i, s_error_code (r));
        json_object_put (r);
    }
    ck_assert_int_eq (bus.calls, before);
    json_object_put (bus.body);
    qs_mcp_destroy (&mcp);
}
END_TEST

START_TEST (test_hostile_messages)
{
    qs_mcp_t *mcp = qs_mcp_new (&(qs_mcp_config_t) {true, "1"});
    s_bus_t bus = {0};
    int status;
    struct { const char *text; int status, code; } cases[] = {
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", 400, -32700 },
        { "", 400, -32700 },
        { "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}]", 400, -32600 },
        { "[]", 400, -32600 },
        { "42", 400, -32600 },
        { "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", 400, -32600 },
        { "{\"id\":1,\"method\":\"ping\"}", 400, -32600 },
        { "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", 400, -32600 },
        { "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", 400, -32600 },
        { "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}", 400, -32600 },
        { "{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"method\":\"ping\"}", 400, -32600 },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":42}", 400, -32600 },
        { "{\"jsonrpc\":\"2.0\",\"id\":1}", 400, -32600 },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/list\"}", 200, -32601 },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}", 200, -32602 },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[1]}", 200, -32602 },
        //  JSON is UTF-8: a stray byte or an overlong form is a parse error
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\xffing\"}", 400, -32700 },
        { "{\"jsonrpc\":\"2.0\",\"id\":\"\xc0\xaf\",\"method\":\"ping\"}", 400, -32700 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_object *r = s_rpc (mcp, &bus, cases[i].text, NULL, &status);
        ck_assert_msg (status == cases[i].status, "case %zu: status %d", i, status);
        ck_assert_msg (s_error_code (r) == cases[i].code, "case %zu: code %d", i, s_error_code (r));
        json_object_put (r);
    }
    //  a long string id is refused, a reasonable one echoed
    char big[600];
    memset (big, 'x', sizeof big);
    snprintf (big, sizeof big, "{\"jsonrpc\":\"2.0\",\"id\":\"%0300d\",\"method\":\"ping\"}", 0);
    json_object *r = s_rpc (mcp, &bus, big, NULL, &status);
    ck_assert_int_eq (s_error_code (r), -32600);
    json_object_put (r);
    //  a client's response to nothing is accepted and ignored
    ck_assert_ptr_null (s_rpc (mcp, &bus, "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}", NULL, &status));
    ck_assert_int_eq (status, 202);
    ck_assert_int_eq (bus.calls, 0);
    qs_mcp_destroy (&mcp);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_mcp");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_initialize_negotiates);
    tcase_add_test (tc, test_stateless_revision);
    tcase_add_test (tc, test_tools_list_and_annotations);
    tcase_add_test (tc, test_tools_call);
    tcase_add_test (tc, test_hostile_messages);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
