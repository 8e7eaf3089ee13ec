/*  fuzz_mcp - the MCP server core (gateway/qs_mcp.h): qs_mcp_handle over
    arbitrary bytes, with or without writes, with MCP-Protocol-Version and
    Mcp-Method headers, and a tool runner that succeeds, fails or answers
    nothing; then the Origin rule of POST /mcp (qs_gwreq_origin_allowed).

    Input: a mode byte (bit 0 writes, bits 1-2 the version header, bit 3 a
    method header taken from the body's first line, bits 4-5 how the tool
    runner answers), then the message. Invariants: 200, 400 or 404 (-32601
    only) with a JSON-RPC 2.0 object holding exactly one of result and
    error, or 202 with no body; a tool result has content and isError. */
#include "fuzz_common.h"
#include "qs_gwreq.h"
#include "qs_mcp.h"

static int
s_exec (void *arg, const char *service, const char *op, json_object *body,
        json_object **reply_p, qs_err_t *err)
{
    int how = *(int *) arg;
    QS_FUZZ_CHECK (service && op && json_object_is_type (body, json_type_object));
    if (how == 0) {
        *reply_p = json_object_get (body);     /* echo what the tool sent */
        return 0;
    }
    if (how == 1)
        return qs_err_set (err, 404, "not_found", "no service here");
    if (how == 2)
        return 0;                               /* success without a reply */
    return -1;                                  /* failure without an error */
}

static void
s_check (const qs_mcp_reply_t *reply)
{
    if (reply->status == 202) {
        QS_FUZZ_CHECK (!reply->body);
        return;
    }
    QS_FUZZ_CHECK (reply->status == 200 || reply->status == 400 || reply->status == 404);
    QS_FUZZ_CHECK (reply->body);
    json_object *msg = qs_json_parse (reply->body, strlen (reply->body), NULL);
    QS_FUZZ_CHECK (msg && json_object_is_type (msg, json_type_object));
    QS_FUZZ_CHECK (!strcmp (qs_json_str (msg, "jsonrpc", ""), "2.0"));
    QS_FUZZ_CHECK (json_object_object_get_ex (msg, "id", NULL));
    json_object *result = qs_json_get (msg, "result", json_type_object);
    json_object *error = qs_json_get (msg, "error", json_type_object);
    QS_FUZZ_CHECK ((result != NULL) != (error != NULL));
    QS_FUZZ_CHECK (!error || qs_json_get (error, "code", json_type_int));
    QS_FUZZ_CHECK (!error || reply->status == 400 || qs_json_int (error, "code", 0) > -32700);
    //  404 only for an unknown method of a 2026-07-28 request
    QS_FUZZ_CHECK (reply->status != 404 || qs_json_int (error, "code", 0) == -32601);
    if (result && json_object_object_get_ex (result, "isError", NULL))
        QS_FUZZ_CHECK (qs_json_get (result, "content", json_type_array));
    json_object_put (msg);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    static const char *const versions[] = { NULL, "2025-11-25", "2026-07-28", "1999-01-01" };
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    const char *body = (const char *) data + 1;
    size_t len = size - 1;
    qs_mcp_config_t config = { .writes = mode & 1, .version = "fuzz" };
    qs_mcp_t *mcp = qs_mcp_new (&config);
    QS_FUZZ_CHECK (mcp);
    char *first = qs_fuzz_strndup ((const uint8_t *) body, len);
    char *nl = strchr (first, '\n');
    if (nl)
        *nl = '\0';
    qs_mcp_headers_t headers = { .protocol_version = versions[(mode >> 1) & 3],
                                 .method = (mode & 8) ? first : NULL };
    int how = (mode >> 4) & 3;
    qs_mcp_reply_t reply;
    //  the body exactly as received: not terminated
    char *copy = malloc (len ? len : 1);
    QS_FUZZ_CHECK (copy);
    memcpy (copy, body, len);
    QS_FUZZ_CHECK (qs_mcp_handle (mcp, copy, len, &headers, s_exec, &how, &reply) == 0);
    s_check (&reply);
    qs_mcp_reply_free (&reply);
    //  the Origin rule: the first line as the origin, the rest as the list
    const char *rest = nl ? nl + 1 : "";
    bool own = qs_gwreq_origin_allowed (first, "127.0.0.1:8080", rest);
    QS_FUZZ_CHECK (!own || strcasestr (rest, first) || strcasestr (first, "127.0.0.1:8080"));
    QS_FUZZ_CHECK (qs_gwreq_origin_allowed (NULL, NULL, rest));
    free (copy);
    free (first);
    qs_mcp_destroy (&mcp);
    return 0;
}
