/*  qs_cli_keygen - `quickspin keygen`: a CURVE key pair for the secured bus
    (proto/client.md, "Security"), written as <base>.key (mode 0600) and
    <base>.pub, plus the line to add to the broker's allowed-keys file. */
#ifndef QS_CLI_KEYGEN_H
#define QS_CLI_KEYGEN_H

#include "qs_cli_ctx.h"

/*  argv[0] is "keygen". Returns a QS_CLI_* exit status. */
int qs_cli_cmd_keygen (const qs_cli_ctx_t *ctx, int argc, char **argv);

#endif
