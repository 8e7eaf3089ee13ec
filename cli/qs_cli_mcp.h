/*  qs_cli_mcp - `quickspin mcp`: the MCP server on stdio for local clients
    (contract section 11), a bridge to the gateway's POST /mcp. One JSON-RPC
    message per line in; each answer out as one line; nothing else ever on
    stdout (diagnostics go to stderr). A line that is not JSON is answered
    -32700 here; when the gateway cannot be reached or refuses the call
    (401, 413, 5xx ...) a request is answered -32603 with the reason and a
    notification is only logged. */
#ifndef QS_CLI_MCP_H
#define QS_CLI_MCP_H

#include <stdio.h>
#include "qs_cli_ctx.h"

/*  Serve lines of in until EOF, writing answers to out (both lent).
    Returns QS_CLI_OK at EOF, QS_CLI_SERVER when out cannot be written. */
int qs_cli_mcp_run (const qs_cli_ctx_t *ctx, FILE *in, FILE *out);

#endif
