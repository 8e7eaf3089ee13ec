/*  qs_cli_apply - `quickspin recommend --apply ID [--yes]` (contract
    section 9): POST /api/v1/recommendations/{id}/apply proposes the
    recommendation's change as a pending action; the CLI shows the change
    (each setting before -> after, the monthly cost before -> after), asks
    y/N (a delete: the service's name typed back) and confirms it, or
    cancels it on anything else. --yes confirms without asking, except a
    delete. --json prints the API's JSON (the apply answer, then the
    confirm answer). */
#ifndef QS_CLI_APPLY_H
#define QS_CLI_APPLY_H

#include <json-c/json.h>
#include <stdbool.h>
#include "qs_cli_ctx.h"

/*  The change that the pending action of resp (a ChatResponse, lent)
    proposes, as lines of text; NULL when resp proposes nothing. Caller
    frees. */
char *qs_cli_apply_render (json_object *resp);

/*  Apply recommendation id; returns an exit status. */
int qs_cli_apply (const qs_cli_ctx_t *ctx, const char *id, bool yes);

#endif
