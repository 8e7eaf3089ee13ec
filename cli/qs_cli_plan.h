/*  qs_cli_plan - how the CLI shows a revised plan (contract section 8). A
    reply that revises a pending plan carries metadata.revision =
    {"supersedes": "<old action id>", "changes": [{"field","before","after"}]}
    and the new pending action; it reads "Revised plan: tier small -> large,
    name billing-db -> ledger-db" and the superseded action is shown as
    cancelled. The web UI says the same (gateway/web/plan.js). */
#ifndef QS_CLI_PLAN_H
#define QS_CLI_PLAN_H

#include <json-c/json.h>
#include <stdio.h>
#include "qs_cli_ctx.h"

/*  The revision line of resp (a ChatResponse, lent), or NULL when it revises
    nothing. Caller frees. */
char *qs_cli_plan_revision (json_object *resp);

/*  Print "high availability on -> off": field with spaces for '_', each
    value as people read it (on/off, none, the value); before and after lent,
    may be NULL. The same words for a revision and for a proposed change. */
void qs_cli_plan_setting (FILE *out, const char *field, json_object *before, json_object *after);

/*  Print resp's revision line and "action <id>: cancelled (superseded)" to
    out, in ctx's colours; nothing when resp revises nothing. */
void qs_cli_plan_print (const qs_cli_ctx_t *ctx, json_object *resp, FILE *out);

#endif
