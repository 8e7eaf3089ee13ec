/*  qs_cli_http - the CLI's calls to the gateway, over common/http/qs_http:
    base URL + path, an optional bearer token and JSON body, one error
    message when no response arrived. */
#ifndef QS_CLI_HTTP_H
#define QS_CLI_HTTP_H

#include <json-c/json.h>
#include "qs_err.h"
#include "qs_http.h"

/*  Perform method on base_url + path with an optional bearer token and JSON
    body (may be NULL). Returns 0 with *resp filled (free with
    qs_http_resp_clear), or -1 with err set when no response arrived. */
int qs_cli_http (const char *method, const char *base_url, const char *path, const char *token,
                 json_object *body, long timeout_ms, qs_http_resp_t *resp, qs_err_t *err);

/*  Like qs_cli_http, but a 2xx body goes to on_chunk as it streams in (and
    is not kept in *resp); any other status keeps its body in *resp for the
    error message. on_tick (may be NULL) runs about ten times a second while
    waiting. Returns 0 with resp->status set (also when on_chunk stopped the
    transfer), or -1 with err set when no response arrived or the connection
    broke mid-stream. Free with qs_http_resp_clear. */
int qs_cli_http_stream (const char *method, const char *base_url, const char *path,
                        const char *token, json_object *body, long timeout_ms,
                        qs_http_data_fn *on_chunk, qs_http_tick_fn *on_tick, void *arg,
                        qs_http_resp_t *resp, qs_err_t *err);

#endif
