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

/*  Called with each piece of a 2xx response body as it arrives (lent).
    Return 0 to go on, -1 to stop the transfer. */
typedef int (qs_cli_chunk_fn) (const char *data, size_t len, void *arg);
/*  Called about ten times a second while waiting (spinners). */
typedef void (qs_cli_tick_fn) (void *arg);

/*  Like qs_cli_http, but a 2xx body goes to on_chunk as it streams in (and
    is not kept in *resp); any other status keeps its body in *resp for the
    error message. on_tick may be NULL. Returns 0 with resp->status set (also
    when on_chunk stopped the transfer), or -1 with err set when no response
    arrived or the connection broke mid-stream. Free with qs_cli_resp_free. */
int qs_cli_http_stream (const char *method, const char *base_url, const char *path,
                        const char *token, json_object *body, long timeout_ms,
                        qs_cli_chunk_fn *on_chunk, qs_cli_tick_fn *on_tick, void *arg,
                        qs_cli_resp_t *resp, qs_err_t *err);

/*  Free the body of a response; the struct itself is the caller's. */
void qs_cli_resp_free (qs_cli_resp_t *resp);

#endif
