/*  qs_cli_audit - `quickspin audit`: the audit log (contract section 10) as
    a table or the API's JSON, and `audit verify`, which fetches every page
    and checks the hash chain with qs_chain_walk (the whole org's chain when
    the token has the admin role, else the caller's own entries). */
#ifndef QS_CLI_AUDIT_H
#define QS_CLI_AUDIT_H

#include "qs_cli_ctx.h"

/*  `audit [--limit N] [--cursor C] [--all]` | `audit verify`. Returns an
    exit status (qs_cli_ctx.h); verify: QS_CLI_OK when every entry checked
    out, QS_CLI_BROKEN when one did not (the first broken seq is named). */
int qs_cli_cmd_audit (const qs_cli_ctx_t *ctx, int argc, char **argv);

#endif
