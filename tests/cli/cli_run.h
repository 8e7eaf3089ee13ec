/*  The CLI integration suite's shared fixture (test_cli_run.c) and its tmux
    half (test_cli_tmux.c): one suite on loopback for every test. */
#ifndef CLI_RUN_H
#define CLI_RUN_H

#include <check.h>
#include <stdbool.h>
#include "qs_harness.h"

extern qs_harness_t *cli_h;
extern char *cli_token, *cli_globex, *cli_bin;
extern char cli_home[64];
extern char cli_sock[64];

/*  A recommendation of type (or, negate, of any other type) for token's org:
    its id and its service's name into id / name (64 bytes each). */
void cli_reco (const char *token, const char *type, bool negate, char *id, char *name);

/*  A NULL-ended argument list in place. */
#define S_ARGS(...) ((const char *const[]) {__VA_ARGS__, NULL})

typedef struct {
    int status;             // exit status, or 128 + signal
    char *out, *err;
} cli_run_t;

/*  Run the quickspin binary against url with token and args (NULL-ended),
    input on its stdin (may be NULL); free with cli_run_free. */
cli_run_t cli_run_in (const char *url, const char *token, const char *const *args, const char *input);
void cli_run_free (cli_run_t *r);

/*  The MCP stdio bridge (test_cli_mcp.c). */
void cli_mcp_add (TCase *tc);

/*  The tests at a terminal (tmux). */
void cli_tmux_add (TCase *tc);

#endif
