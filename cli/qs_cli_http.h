/*  qs_cli_http - the CLI's HTTP calls to the gateway (libcurl). */
#ifndef QS_CLI_HTTP_H
#define QS_CLI_HTTP_H

#include <json-c/json.h>
#include "qs_err.h"

typedef struct {
    long status;                /* HTTP status, 0 when no response */
    char *body;                 /* response body, owned by the result */
    size_t len;
} qs_cli_resp_t;

/*  Perform method on base_url + path with an optional bearer token and JSON
    body (may be NULL). Returns 0 with *resp filled (free with
    qs_cli_resp_free), or -1 with err set when no response arrived. */
int qs_cli_http (const char *method, const char *base_url, const char *path, const char *token,
                 json_object *body, long timeout_ms, qs_cli_resp_t *resp, qs_err_t *err);

/*  Free the body of a response; the struct itself is the caller's. */
void qs_cli_resp_free (qs_cli_resp_t *resp);

#endif
