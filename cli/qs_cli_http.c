/*  qs_cli_http - see qs_cli_http.h */
#include "qs_cli_http.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
qs_cli_http_stream (const char *method, const char *base_url, const char *path,
                    const char *token, json_object *body, long timeout_ms,
                    qs_http_data_fn *on_chunk, qs_http_tick_fn *on_tick, void *arg,
                    qs_http_resp_t *resp, qs_err_t *err)
{
    int rc = -1;
    memset (resp, 0, sizeof *resp);
    qs_http_t *http = qs_http_new ();
    char *url = NULL;
    if (!http || asprintf (&url, "%s%s", base_url, path) < 0) {
        url = NULL;
        qs_err_set (err, 500, "internal_error", "out of memory");
        goto cleanup;
    }
    const char *text = body ? json_object_to_json_string (body) : NULL;
    qs_http_req_t req = {
        .method = method, .url = url, .bearer = token, .body = text,
        .body_len = text ? strlen (text) : 0,
        .accept = on_chunk ? "text/event-stream" : "application/json",
        .timeout_ms = timeout_ms, .on_data = on_chunk, .on_tick = on_tick, .arg = arg,
    };
    if (qs_http_perform (http, &req, resp) != 0) {
        qs_err_set (err, 503, "unreachable", "%s %s: %s",
                    resp->broken_status ? "connection to" : "cannot reach", base_url, resp->detail);
        goto cleanup;
    }
    rc = 0;
cleanup:
    if (rc != 0)
        qs_http_resp_clear (resp);
    free (url);
    qs_http_destroy (&http);
    return rc;
}

int
qs_cli_http (const char *method, const char *base_url, const char *path, const char *token,
             json_object *body, long timeout_ms, qs_http_resp_t *resp, qs_err_t *err)
{
    return qs_cli_http_stream (method, base_url, path, token, body, timeout_ms, NULL, NULL,
                               NULL, resp, err);
}
