/*  qs_cli_mcp - see qs_cli_mcp.h */
#include "qs_cli_mcp.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdlib.h>
#include <string.h>

#define RPC_PARSE_ERROR    -32700
#define RPC_INTERNAL_ERROR -32603
#define LINE_MAX_BYTES     (1024 * 1024)    /* the gateway refuses far less (413) */
#define CALL_TIMEOUT_MS    65000            /* the gateway's deadline (30 s) and then some */

//  Write one JSON value as one line; -1 when out is gone
static int
s_emit (FILE *out, json_object *msg)
{
    const char *text = json_object_to_json_string_ext (msg, JSON_C_TO_STRING_PLAIN
                                                            | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (fputs (text, out) < 0 || fputc ('\n', out) < 0 || fflush (out) != 0)
        return -1;
    return 0;
}

//  {"jsonrpc":"2.0","id":id,"error":{"code","message","data"?}} (data taken)
static int
s_error (FILE *out, json_object *id, int code, const char *message, json_object *data)
{
    json_object *msg = json_object_new_object (), *e = json_object_new_object ();
    qs_json_add_str (msg, "jsonrpc", "2.0");
    json_object_object_add (msg, "id", json_object_get (id));
    qs_json_add_int (e, "code", code);
    qs_json_add_str (e, "message", message);
    if (data)
        json_object_object_add (e, "data", data);
    json_object_object_add (msg, "error", e);
    int rc = s_emit (out, msg);
    json_object_put (msg);
    return rc;
}

//  The gateway did not answer in JSON-RPC: a request gets -32603 with why,
//  a notification or a response only a line on stderr
static int
s_failed (FILE *out, json_object *msg, const char *why, long status, const char *code)
{
    json_object *id = NULL;
    bool request = json_object_is_type (msg, json_type_object)
                && json_object_object_get_ex (msg, "id", &id)
                && json_object_object_get_ex (msg, "method", NULL);
    fprintf (stderr, "quickspin mcp: %s\n", why);
    if (!request)
        return 0;
    json_object *data = json_object_new_object ();
    if (status)
        qs_json_add_int (data, "status", status);
    if (code)
        qs_json_add_str (data, "code", code);
    return s_error (out, id, RPC_INTERNAL_ERROR, why, data);
}

//  A value that may go into a header as it is (no spaces, controls or
//  the base64 sentinel of the 2026-07-28 transport)
static bool
s_header_safe (const char *v)
{
    size_t n = v ? strlen (v) : 0;
    if (n == 0 || n > 200 || !strncmp (v, "=?base64?", 9))
        return false;
    for (size_t i = 0; i < n; i++)
        if (v[i] < 0x21 || v[i] > 0x7e)
            return false;
    return true;
}

//  The standard headers of the 2026-07-28 HTTP transport for msg, which
//  the gateway checks against the body: lines[] (NULL-ended) in buf
static void
s_mcp_headers (json_object *msg, char buf[3][256], const char *lines[4])
{
    json_object *params = qs_json_get (msg, "params", json_type_object);
    const char *method = qs_json_str (msg, "method", NULL);
    const char *version = qs_json_str (qs_json_get (params, "_meta", json_type_object),
                                       "io.modelcontextprotocol/protocolVersion", NULL);
    const char *name = method && !strcmp (method, "tools/call") ? qs_json_str (params, "name", NULL) : NULL;
    const char *const pairs[3][2] = { { "Mcp-Method", method }, { "MCP-Protocol-Version", version },
                                       { "Mcp-Name", name } };
    size_t n = 0;
    for (size_t i = 0; i < 3; i++)
        if (s_header_safe (pairs[i][1])) {
            snprintf (buf[n], 256, "%s: %s", pairs[i][0], pairs[i][1]);
            lines[n] = buf[n];
            n++;
        }
    lines[n] = NULL;
}

//  POST one message; answer it on out
static int
s_forward (const qs_cli_ctx_t *ctx, qs_http_t *http, const char *url, json_object *msg,
           const char *line, size_t len, FILE *out)
{
    char buf[3][256];
    const char *headers[4];
    s_mcp_headers (msg, buf, headers);
    qs_http_req_t req = {
        .method = "POST", .url = url, .bearer = ctx->cfg.token[0] ? ctx->cfg.token : NULL,
        .headers = headers, .body = line, .body_len = len,
        .accept = "application/json, text/event-stream",
        .timeout_ms = ctx->timeout_ms > CALL_TIMEOUT_MS ? ctx->timeout_ms : CALL_TIMEOUT_MS,
    };
    qs_http_resp_t resp;
    char why[800];
    int rc = 0;
    if (qs_http_perform (http, &req, &resp) != 0) {
        snprintf (why, sizeof why, "the gateway at %s is unreachable: %s", ctx->cfg.url, resp.detail);
        rc = s_failed (out, msg, why, 0, "unreachable");
        goto done;
    }
    if (resp.status == 202)
        goto done;
    json_object *answer = resp.body ? qs_json_parse (resp.body, resp.len, NULL) : NULL;
    if (answer && json_object_is_type (answer, json_type_object)
        && json_object_object_get_ex (answer, "jsonrpc", NULL))
        rc = s_emit (out, answer);
    else {
        //  the contract's error shape (401, 403, 413, 429, 5xx)
        json_object *e = qs_json_get (answer, "error", json_type_object);
        snprintf (why, sizeof why, "the gateway answered %ld: %s", resp.status,
                  qs_json_str (e, "message", "no JSON-RPC answer"));
        rc = s_failed (out, msg, why, resp.status, qs_json_str (e, "code", NULL));
    }
    json_object_put (answer);
done:
    qs_http_resp_clear (&resp);
    return rc;
}

int
qs_cli_mcp_run (const qs_cli_ctx_t *ctx, FILE *in, FILE *out)
{
    char *url = qs_strdupf ("%s/mcp", ctx->cfg.url);
    qs_http_t *http = qs_http_new ();
    char *line = NULL;
    size_t cap = 0;
    int rc = QS_CLI_OK;
    if (!url || !http) {
        fprintf (stderr, "quickspin mcp: out of memory\n");
        rc = QS_CLI_SERVER;
        goto cleanup;
    }
    if (!ctx->cfg.token[0])
        fprintf (stderr, "quickspin mcp: no token (QUICKSPIN_TOKEN): the gateway will refuse calls\n");
    ssize_t n;
    while ((n = getline (&line, &cap, in)) >= 0) {
        size_t len = (size_t) n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (!len)
            continue;
        const char *why = NULL;
        json_object *msg = len <= LINE_MAX_BYTES && qs_utf8_length (line, len) >= 0
                         ? qs_json_parse (line, len, &why) : NULL;
        int wrc;
        if (!msg) {
            char text[200];
            snprintf (text, sizeof text, "Parse error: %s",
                      len > LINE_MAX_BYTES ? "the line is over 1 MiB"
                                           : why ? why : "not valid UTF-8 JSON");
            wrc = s_error (out, NULL, RPC_PARSE_ERROR, text, NULL);
        }
        else
            wrc = s_forward (ctx, http, url, msg, line, len, out);
        json_object_put (msg);
        if (wrc != 0) {
            fprintf (stderr, "quickspin mcp: cannot write to stdout\n");
            rc = QS_CLI_SERVER;
            break;
        }
    }
cleanup:
    free (line);
    free (url);
    qs_http_destroy (&http);
    return rc;
}
