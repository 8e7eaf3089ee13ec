/*  quickspin mcp, the MCP stdio bridge, against the suite of test_cli_run.c:
    one line in, one line out, in order; -32700 for a line that is not JSON;
    the 2026-07-28 headers; the gateway down; a bad token. */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_json.h"
#include "qs_util.h"
#include "cli_run.h"

static json_object *
s_line (const char *text, int n, int *lines_p)
{
    json_object *hit = NULL;
    int count = 0;
    for (const char *p = text; *p; count++) {
        const char *end = strchr (p, '\n');
        size_t len = end ? (size_t) (end - p) : strlen (p);
        if (count == n)
            hit = qs_json_parse (p, len, NULL);
        p += len + (end ? 1 : 0);
    }
    *lines_p = count;
    return hit;
}

START_TEST (test_mcp_stdio)
{
    //  a request, a line that is not JSON, a notification, a blank line, a
    //  tool call, invalid UTF-8, a 2026-07-28 tool call: five answers, one
    //  line each, in order
    const char *input =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
        "this is not json\n"
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
        "\r\n"
        "{\"jsonrpc\":\"2.0\",\"id\":\"t\",\"method\":\"tools/call\",\"params\":"
        "{\"name\":\"get_service\",\"arguments\":{\"service\":\"acme-cache\"}}}\r\n"
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"\xff\"}\n"
        //  the stateless revision: the bridge adds the headers the gateway checks
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"list_services\","
        "\"arguments\":{},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}\n";
    cli_run_t r = cli_run_in (qs_harness_gateway (cli_h), cli_token, S_ARGS ("mcp"), input);
    ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
    int lines = 0;
    json_object *pong = s_line (r.out, 0, &lines), *bad = s_line (r.out, 1, &lines);
    json_object *tool = s_line (r.out, 2, &lines), *utf8 = s_line (r.out, 3, &lines);
    json_object *modern = s_line (r.out, 4, &lines);
    ck_assert_msg (lines == 5, "%d lines: %s", lines, r.out);
    ck_assert_msg (qs_json_path (modern, "result.structuredContent.services"), "%s", r.out);
    json_object_put (modern);
    ck_assert_int_eq (qs_json_int (pong, "id", 0), 1);
    ck_assert_ptr_nonnull (qs_json_get (pong, "result", json_type_object));
    ck_assert_int_eq (qs_json_int (qs_json_get (bad, "error", json_type_object), "code", 0), -32700);
    ck_assert_str_eq (qs_json_str (tool, "id", ""), "t");
    ck_assert_str_eq (qs_json_str (qs_json_path (tool, "result.structuredContent"), "id", ""), "svc-acme-cache");
    ck_assert_int_eq (qs_json_int (qs_json_get (utf8, "error", json_type_object), "code", 0), -32700);
    json_object_put (pong);
    json_object_put (bad);
    json_object_put (tool);
    json_object_put (utf8);
    cli_run_free (&r);
    //  the gateway down: a request gets -32603 naming why, a notification
    //  nothing; the bridge goes on and ends at EOF with status 0
    char dead[64];
    snprintf (dead, sizeof dead, "http://127.0.0.1:%d", qs_free_port ());
    r = cli_run_in (dead, cli_token, S_ARGS ("mcp"),
                      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                      "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}\n");
    ck_assert_int_eq (r.status, 0);
    json_object *down = s_line (r.out, 0, &lines);
    ck_assert_msg (lines == 1, "%s", r.out);
    ck_assert_int_eq (qs_json_int (down, "id", 0), 7);
    ck_assert_int_eq (qs_json_int (qs_json_get (down, "error", json_type_object), "code", 0), -32603);
    ck_assert_ptr_nonnull (strstr (qs_json_str (qs_json_get (down, "error", json_type_object), "message", ""),
                                   "unreachable"));
    ck_assert_ptr_nonnull (strstr (r.err, "unreachable"));
    json_object_put (down);
    cli_run_free (&r);
    //  no token: the gateway's 401 as a JSON-RPC error, never on stdout otherwise
    r = cli_run_in (qs_harness_gateway (cli_h), NULL, S_ARGS ("mcp"), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n");
    ck_assert_int_eq (r.status, 0);
    json_object *denied = s_line (r.out, 0, &lines);
    ck_assert_int_eq (qs_json_int (qs_json_path (denied, "error.data"), "status", 0), 401);
    json_object_put (denied);
    cli_run_free (&r);
}
END_TEST

void
cli_mcp_add (TCase *tc)
{
    tcase_add_test (tc, test_mcp_stdio);
}
