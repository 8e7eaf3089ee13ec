/*  qs_cli_config - where the CLI finds the gateway URL and the token:
    QUICKSPIN_URL / QUICKSPIN_TOKEN, else the config file (url= and token=
    lines, # comments), else the local default URL. */
#ifndef QS_CLI_CONFIG_H
#define QS_CLI_CONFIG_H

#include <stddef.h>
#include "qs_err.h"

#define QS_CLI_DEFAULT_URL "http://127.0.0.1:8080"

typedef struct {
    char url[512];
    char token[4096];           /* "" when none was found */
} qs_cli_config_t;

/*  Fill cfg from env_url / env_token (either may be NULL or "") and then the
    file at path (may be NULL; a missing file is fine). Returns 0, or -1 with
    err set when the file exists but cannot be read or has a bad line. */
int qs_cli_config_resolve (qs_cli_config_t *cfg, const char *env_url, const char *env_token,
                           const char *path, qs_err_t *err);

/*  The config file's path: $QUICKSPIN_CONFIG, else
    $XDG_CONFIG_HOME/quickspin/config, else ~/.config/quickspin/config.
    Writes into out; returns out, or NULL when no home is known. */
char *qs_cli_config_path (char *out, size_t size);

#endif
