/*  qs_cli_ctx - what every CLI command shares: the resolved configuration,
    the output mode (JSON, TTY, colour), the exit codes and the API call
    that turns an HTTP answer into one of them. */
#ifndef QS_CLI_CTX_H
#define QS_CLI_CTX_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include "qs_cli_config.h"
#include "qs_cli_http.h"

/*  Exit status, documented in `quickspin --help`. */
enum {
    QS_CLI_OK = 0,              /* success */
    QS_CLI_SERVER = 1,          /* the server answered with an error (4xx other than 401/403, 5xx) */
    QS_CLI_USAGE = 2,           /* bad command line or config file */
    QS_CLI_UNREACHABLE = 3,     /* no answer from the gateway (down, wrong URL, timeout, cut stream) */
    QS_CLI_UNAUTHORIZED = 4,    /* 401 (missing, bad or expired token) or 403 (role) */
    QS_CLI_BROKEN = 5,          /* audit verify: the audit chain does not verify */
};

typedef struct {
    qs_cli_config_t cfg;
    bool json;                  /* --json: print the API's JSON */
    bool tty_out;               /* stdout is a terminal: tables aligned, markdown styled */
    bool tty_in;                /* stdin is a terminal: prompts allowed */
    bool color;                 /* tty_out and NO_COLOR unset */
    long timeout_ms;            /* per request */
} qs_cli_ctx_t;

/*  Escape sequences, or "" when ctx has no colour (lent, static). */
const char *qs_cli_sgr (const qs_cli_ctx_t *ctx, const char *code);
#define QS_SGR_BOLD "1"
#define QS_SGR_DIM "2"
#define QS_SGR_RED "31"
#define QS_SGR_GREEN "32"
#define QS_SGR_YELLOW "33"
#define QS_SGR_CYAN "36"
#define QS_SGR_RESET "0"

/*  The exit status for an HTTP status (2xx = QS_CLI_OK). */
int qs_cli_exit_for_status (long status);

/*  Print the API's error (message, code, request id) for a failed answer to
    stderr, prefixed by what ("quickspin chat"). Returns its exit status. */
int qs_cli_report (const char *what, const qs_http_resp_t *resp);

/*  Call the gateway: method path with the configured token and an optional
    JSON body. On a 2xx answer returns QS_CLI_OK and *json_p gets the parsed
    body (NULL for an empty one; caller puts) and, when raw_p is not NULL,
    *raw_p the body text (caller frees). Otherwise reports the error to
    stderr under `what` and returns the exit status. */
int qs_cli_call (const qs_cli_ctx_t *ctx, const char *what, const char *method, const char *path,
                 json_object *body, json_object **json_p, char **raw_p);

/*  Print obj pretty-printed to stdout followed by a newline. */
void qs_cli_print_json (json_object *obj);

#endif
