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

/*  The tests at a terminal (tmux). */
void cli_tmux_add (TCase *tc);

#endif
