/*  qs_cli_chat - `quickspin chat`: one question with a streamed answer, or an
    interactive session; pending actions offered for confirmation; and
    `quickspin confirm|cancel <action_id>`. */
#ifndef QS_CLI_CHAT_H
#define QS_CLI_CHAT_H

#include "qs_cli_ctx.h"

/*  Ask message (in conversation_id when not NULL) and print the answer as it
    streams (the ChatResponse JSON with --json). Pending actions get a y/N
    prompt when stdin is a terminal, else the commands that settle them.
    Returns an exit status. */
int qs_cli_chat_once (const qs_cli_ctx_t *ctx, const char *message, const char *conversation_id);

/*  The interactive session: prompt, history, streamed answers, y/N prompts.
    Ends with exit status 0 on Ctrl-D / end of input. */
int qs_cli_chat_repl (const qs_cli_ctx_t *ctx);

/*  POST /api/v1/actions/{id}/{verb} (verb "confirm" or "cancel") and print
    the resulting answer. Returns an exit status. */
int qs_cli_chat_action (const qs_cli_ctx_t *ctx, const char *action_id, const char *verb);
/*  The same with {"confirm_name": confirm_name} in the body when not NULL
    (a delete: the service's name typed back). */
int qs_cli_chat_decide (const qs_cli_ctx_t *ctx, const char *action_id, const char *verb,
                        const char *confirm_name);

#endif
