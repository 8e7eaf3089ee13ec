/*  qs_cli_incidents - `quickspin incidents [--status firing|resolved]
    [--limit N]`: the organisation's incidents from Alertmanager (contract
    section 11) as a table (status, service, alert, opened, resolved,
    alerts received, the diagnosis' top finding), or the API's JSON with
    --json. Returns an exit status (qs_cli_ctx.h). */
#ifndef QS_CLI_INCIDENTS_H
#define QS_CLI_INCIDENTS_H

#include "qs_cli_ctx.h"

int qs_cli_cmd_incidents (const qs_cli_ctx_t *ctx, int argc, char **argv);

#endif
