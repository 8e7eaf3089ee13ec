/*  qs_cli_cmds - the CLI's non-chat commands: recommend, conversations,
    health, token. Each takes the words after its name and returns an exit
    status (see qs_cli_ctx.h). */
#ifndef QS_CLI_CMDS_H
#define QS_CLI_CMDS_H

#include "qs_cli_ctx.h"

/*  `recommend`: a table of recommendations (with their ids) with savings
    and their total; `recommend --apply ID [--yes]`: qs_cli_apply. */
int qs_cli_cmd_recommend (const qs_cli_ctx_t *ctx, int argc, char **argv);
/*  `conversations list [--limit N]|show <id>|delete <id>`. */
int qs_cli_cmd_conversations (const qs_cli_ctx_t *ctx, int argc, char **argv);
/*  `health`: liveness and readiness (needs no token). */
int qs_cli_cmd_health (const qs_cli_ctx_t *ctx, int argc, char **argv);
/*  `token --sub U --org O ...`: mint a dev token from QS_JWT_SECRET. */
int qs_cli_cmd_token (const qs_cli_ctx_t *ctx, int argc, char **argv);

/*  Format amount as "$1,234.50" into out (size >= 32); returns out. */
char *qs_cli_money (double amount, char *out, size_t size);

#endif
