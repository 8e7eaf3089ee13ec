/*  qs_gwsend - writing responses for the gateway (see qs_gwint.h): status
    line, the headers every response carries, the contract's error body.
    The body and headers passed in are lent; nothing here is kept. */
#include "qs_gwint.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
s_reason (int status)
{
    switch (status) {
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 204: return "No Content";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 409: return "Conflict";
        case 413: return "Payload Too Large";
        case 415: return "Unsupported Media Type";
        case 422: return "Unprocessable Entity";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        default:  return "Status";
    }
}

void
qs_gw_send (qs_gwctx_t *ctx, int status, const char *ctype, const char *body, size_t len,
            const char *extra)
{
    /* small answers leave in one write: a second send costs a system call
       and, on a kept-alive connection, can wait on the peer's delayed ACK */
    char head[1024 + 4096];
    int n = snprintf (head, 1024,
                      "HTTP/1.1 %d %s\r\n"
                      "X-Request-Id: %s\r\n"
                      "%s%s%s"
                      "Content-Length: %zu\r\n"
                      "Cache-Control: no-store\r\n"
                      "X-Content-Type-Options: nosniff\r\n"
                      "%s\r\n",
                      status, s_reason (status), ctx->request_id,
                      ctype ? "Content-Type: " : "", ctype ? ctype : "", ctype ? "\r\n" : "",
                      status == 204 ? (size_t) 0 : len, extra ? extra : "");
    if (n < 0 || n >= 1024) {
        n = snprintf (head, 1024, "HTTP/1.1 500 Internal Server Error\r\n"
                      "X-Request-Id: %s\r\nContent-Length: 0\r\n\r\n", ctx->request_id);
        body = NULL;
    }
    bool has_body = body && len && status != 204;
    if (has_body && (size_t) n + len <= sizeof head) {
        memcpy (head + n, body, len);
        n += (int) len;
        has_body = false;
    }
    mg_write (ctx->conn, head, (size_t) n);
    if (has_body)
        mg_write (ctx->conn, body, len);
    ctx->status = status;
}

void
qs_gw_send_error (qs_gwctx_t *ctx, const qs_err_t *err, const char *extra)
{
    int status = err->status >= 400 && err->status <= 599 ? err->status : 500;
    char *body = qs_gwreq_error_body (err, ctx->request_id);
    char headers[256] = "";
    if (err->retry_after > 0)
        snprintf (headers, sizeof headers, "Retry-After: %d\r\n", err->retry_after);
    if (status == 401)
        qs_strlcpy (headers, "WWW-Authenticate: Bearer realm=\"quickspin\"\r\n", sizeof headers);
    if (status == 413)       /* the unread body makes the connection unusable */
        qs_strlcpy (headers, "Connection: close\r\n", sizeof headers);
    if (extra)
        snprintf (headers + strlen (headers), sizeof headers - strlen (headers), "%s", extra);
    if (body)
        qs_gw_send (ctx, status, "application/json", body, strlen (body), headers);
    else
        qs_gw_send (ctx, 500, NULL, NULL, 0, NULL);
    free (body);
    qs_strlcpy (ctx->error_code_buf, err->code[0] ? err->code : qs_err_code_for_status (status),
                sizeof ctx->error_code_buf);
    ctx->error_code = ctx->error_code_buf;
    if (status >= 500)
        qs_warn (ctx->request_id, "status=%d code=%s message=\"%s\"", status,
                 ctx->error_code, err->message);
    else
        qs_info (ctx->request_id, "status=%d code=%s", status, ctx->error_code);
}

void
qs_gw_send_json (qs_gwctx_t *ctx, int status, json_object *obj)
{
    const char *text = obj ? qs_json_text (obj) : "{}";
    qs_gw_send (ctx, status, "application/json", text, strlen (text), NULL);
}
