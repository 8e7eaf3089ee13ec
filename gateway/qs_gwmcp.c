/*  qs_gwmcp - POST /mcp (contract section 11) on the gateway: the Origin
    rule, the body, then qs_mcp answers; each tool call becomes the bus op
    of its row, run by qs_gw_call with the caller's verified token, as the
    REST route of that op would run it. GET and DELETE /mcp are 405 from
    the router (no server-initiated stream, no session to end). */
#include "qs_gwint.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
    qs_gwctx_t *ctx;
    const qs_auth_t *auth;
} s_exec_t;

//  A tool's op keeps the rules of its row: open to clients, the role, the
//  body rule; the broker then admits it like any gateway call.
static int
s_exec (void *arg, const char *service, const char *op, json_object *body,
        json_object **reply_p, qs_err_t *err)
{
    s_exec_t *x = arg;
    const qs_ops_row_t *row = qs_ops_find (service, op);
    if (!row || row->internal)
        return qs_err_set (err, 403, "forbidden", "this operation is not open to clients");
    if (!qs_ops_allows (row, x->auth->roles))
        return qs_err_set (err, 403, "forbidden", "your role does not allow this");
    if (row->validate && row->validate (row, body, err) != 0)
        return -1;
    if (qs_gw_call (x->ctx, x->auth, service, op, body, reply_p, err) < 0)
        return -1;
    if (!*reply_p)
        *reply_p = json_object_new_object ();       /* a 204 */
    return *reply_p ? 0 : qs_err_set (err, 500, "internal_error", "out of memory");
}

bool
qs_gw_mcp_origin_ok (qs_gwctx_t *ctx)
{
    if (qs_gwreq_origin_allowed (mg_get_header (ctx->conn, "Origin"),
                                 mg_get_header (ctx->conn, "Host"), ctx->gw->mcp_origins))
        return true;
    qs_err_t err;
    qs_err_set (&err, 403, "forbidden",
                "requests from this Origin are refused (QS_MCP_ALLOWED_ORIGINS lists the allowed ones)");
    qs_gw_send_error (ctx, &err, NULL);
    return false;
}

void
qs_gw_mcp (qs_gwctx_t *ctx, const qs_ops_row_t *route, const qs_auth_t *auth)
{
    qs_err_t err;
    qs_err_clear (&err);
    char *raw = NULL;
    size_t len = 0;
    if (qs_gw_read_body (ctx, route->body_max, &raw, &len, &err) != 0) {
        qs_gw_send_error (ctx, &err, NULL);
        return;
    }
    if (len && !qs_gwreq_is_json_type (mg_get_header (ctx->conn, "Content-Type"))) {
        free (raw);
        qs_err_set (&err, 415, "unsupported_media_type", "an MCP message is application/json");
        qs_gw_send_error (ctx, &err, NULL);
        return;
    }
    qs_mcp_headers_t headers = {
        .protocol_version = mg_get_header (ctx->conn, "MCP-Protocol-Version"),
        .method = mg_get_header (ctx->conn, "Mcp-Method"),
        .name = mg_get_header (ctx->conn, "Mcp-Name"),
        .http = true,
    };
    s_exec_t x = { .ctx = ctx, .auth = auth };
    qs_mcp_reply_t reply;
    int rc = qs_mcp_handle (ctx->gw->mcp, raw, len, &headers, s_exec, &x, &reply);
    free (raw);
    if (rc != 0) {
        qs_mcp_reply_free (&reply);
        qs_err_set (&err, 500, "internal_error", "out of memory");
        qs_gw_send_error (ctx, &err, NULL);
        return;
    }
    if (reply.body)
        qs_gw_send (ctx, reply.status, "application/json", reply.body, strlen (reply.body), NULL);
    else
        qs_gw_send (ctx, reply.status, NULL, NULL, 0, NULL);
    qs_mcp_reply_free (&reply);
}
