/*  qs_cli_token - mint a development JWT (HS256) the gateway accepts. */
#ifndef QS_CLI_TOKEN_H
#define QS_CLI_TOKEN_H

#include "qs_err.h"

typedef struct {
    const char *sub;            /* required */
    const char *org_id;         /* required */
    const char *tier;           /* NULL = "free" */
    const char *roles;          /* comma-separated, NULL = "viewer" */
    const char *issuer;         /* NULL = none */
    const char *audience;       /* NULL = none */
    long ttl_seconds;           /* 0 = 3600 */
} qs_cli_token_opts_t;

/*  Sign a token with secret. Returns a new string (caller frees) or NULL with
    err set (unknown role or tier, missing sub/org, signing failure). */
char *qs_cli_token_mint (const qs_cli_token_opts_t *opts, const char *secret, qs_err_t *err);

#endif
