/*  qs_mcp - the Model Context Protocol server (contract section 11): JSON-RPC
    2.0 messages in, JSON-RPC replies out, tools answered by bus operations.

    Transport-free: the gateway hands it the body of POST /mcp and the MCP
    headers, and gets back an HTTP status and a body (none for 202). The
    `quickspin mcp` stdio bridge forwards each line to POST /mcp, so both
    transports share this one implementation.

    Revisions: `initialize` negotiates 2025-11-25 down to 2024-11-05; the
    stateless revision 2026-07-28 (no handshake) is served too: its
    `server/discover`, the per-request `_meta` protocol version and the
    MCP-Protocol-Version / Mcp-Method header checks. The server keeps no
    session: every message stands alone, so any gateway replica answers. */
#ifndef QS_MCP_H
#define QS_MCP_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include "qs_err.h"

typedef struct _qs_mcp_t qs_mcp_t;

/*  Runs a tool's bus operation for the caller: body is lent, *reply_p gets
    a new object on success. 0, or -1 with err (the REST error it would
    be: 403, 404, 503 ...), which becomes a result with isError. */
typedef int (qs_mcp_exec_fn) (void *arg, const char *service, const char *op,
                              json_object *body, json_object **reply_p, qs_err_t *err);

typedef struct {
    bool writes;              /* QS_MCP_WRITES=1: confirm_action is offered */
    const char *version;      /* serverInfo.version (lent, copied) */
} qs_mcp_config_t;

/*  What the HTTP request carried besides its body (all lent, may be NULL). */
typedef struct {
    const char *protocol_version;   /* MCP-Protocol-Version header */
    const char *method;             /* Mcp-Method header */
    const char *name;               /* Mcp-Name header (plain or =?base64?...?=) */
    bool http;                      /* over HTTP: a 2026-07-28 request must carry
                                       MCP-Protocol-Version, Mcp-Method and, for
                                       tools/call, Mcp-Name */
} qs_mcp_headers_t;

/*  The answer: status 200 with body, or 202 with body NULL (a notification
    or a response was accepted), or 400 with a JSON-RPC error body, or 404
    with -32601 for an unknown method of a 2026-07-28 request. */
typedef struct {
    int status;
    char *body;               /* owned; free with qs_mcp_reply_free */
} qs_mcp_reply_t;

/*  NULL on allocation failure. */
qs_mcp_t *qs_mcp_new (const qs_mcp_config_t *config);
void qs_mcp_destroy (qs_mcp_t **self_p);

/*  Handle one POSTed message (body: len bytes, need not be terminated).
    exec runs tools (arg is passed through). Fills *reply; 0 always (every
    failure is a JSON-RPC error in reply), -1 only on allocation failure. */
int qs_mcp_handle (qs_mcp_t *self, const char *body, size_t len, const qs_mcp_headers_t *headers,
                   qs_mcp_exec_fn *exec, void *arg, qs_mcp_reply_t *reply);

void qs_mcp_reply_free (qs_mcp_reply_t *reply);

/*  The tools this server lists, as the tools/list result's array (new
    object, caller puts). */
json_object *qs_mcp_tools (qs_mcp_t *self);

#endif
