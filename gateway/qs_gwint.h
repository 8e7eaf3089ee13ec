/*  qs_gwint - the gateway's private parts shared by qs_gateway.c (server,
    auth, dispatch), qs_gwsend.c (responses), qs_gwpages.c (health, ready,
    metrics, static files) and qs_gwsse.c (server-sent events). Not for use
    outside gateway/. */
#ifndef QS_GWINT_H
#define QS_GWINT_H

#include <civetweb.h>
#include <stdatomic.h>
#include <json-c/json.h>
#include "qs_auth.h"
#include "qs_client.h"
#include "qs_gateway.h"
#include "qs_gwreq.h"
#include "qs_mcp.h"
#include "qs_ratelimit.h"

struct _qs_gateway_t {
    struct mg_context *ctx;
    qs_jwt_t *jwt;                  /* lent */
    qs_metrics_t *metrics;          /* lent */
    qs_ratelimit_t *limiter;        /* per user */
    qs_ratelimit_t *org_limiter;    /* per organisation */
    char *broker_endpoint;
    char *web_root;                 /* realpath, or NULL */
    size_t max_body;
    int request_timeout_ms;
    int sse_keepalive_ms;
    int port;
    qs_mcp_t *mcp;                  /* POST /mcp (qs_gwmcp.c) */
    char *mcp_origins;              /* QS_MCP_ALLOWED_ORIGINS, "" = own origin only */
    /*  graceful shutdown (qs_gateway_drain): requests being handled, new
        requests refused, bus calls still waiting told to give up */
    atomic_int in_flight;
    atomic_bool draining;
    atomic_bool aborting;
};

/*  One request being handled (lives on the handler's stack). */
typedef struct {
    qs_gateway_t *gw;
    struct mg_connection *conn;
    char request_id[QS_GWREQ_ID_MAX + 1];
    const char *route_label;        /* pattern for metrics, lent */
    int status;                     /* what was sent, for metrics and logs */
    const char *error_code;         /* set when an error was sent, lent to the request */
    char error_code_buf[48];
} qs_gwctx_t;

/*  Responses (qs_gwsend.c). Send a complete response with X-Request-Id and Content-Length. body may
    be NULL (len 0), ctype NULL for none. extra is NULL or "Name: value\r\n"
    lines. Records the status in ctx. */
void qs_gw_send (qs_gwctx_t *ctx, int status, const char *ctype, const char *body,
                 size_t len, const char *extra);

/*  Send the contract's error body for err (Retry-After when err->retry_after
    is set; extra as in qs_gw_send). */
void qs_gw_send_error (qs_gwctx_t *ctx, const qs_err_t *err, const char *extra);

/*  Send a JSON object (status 200/201/...); obj is lent. */
void qs_gw_send_json (qs_gwctx_t *ctx, int status, json_object *obj);

/*  Read the request body, refusing more than the gateway's max or row_max
    bytes (0 = no row limit) with 413. *body_p is a new buffer (caller
    frees), NUL-terminated. 0 or -1 with err. */
int qs_gw_read_body (qs_gwctx_t *ctx, size_t row_max, char **body_p, size_t *len_p, qs_err_t *err);

/*  Run service.op on the bus for the caller (auth lent) with body (lent),
    the request's id, traceparent and deadline. Returns the worker's status
    (>= 200) with *reply_p new (may stay NULL for an empty answer), or -1
    with err (a 4xx/5xx the REST route would answer). The one bus dispatch
    of the REST routes and the MCP tools. */
int qs_gw_call (qs_gwctx_t *ctx, const qs_auth_t *auth, const char *service, const char *op,
                json_object *body, json_object **reply_p, qs_err_t *err);

/*  POST /mcp for an authenticated caller (qs_gwmcp.c): body limit of
    route, content type, then qs_mcp_handle with the tools run by
    qs_gw_call. auth lent. */
void qs_gw_mcp (qs_gwctx_t *ctx, const qs_ops_row_t *route, const qs_auth_t *auth);

/*  The MCP endpoint's Origin rule (qs_gwreq_origin_allowed), checked before
    the token: true to go on, false when a 403 was sent. */
bool qs_gw_mcp_origin_ok (qs_gwctx_t *ctx);

/*  The bus client of the calling HTTP thread, connected on first use. NULL
    when it cannot be created. Lent: never keep it beyond the callback. */
qs_client_t *qs_gw_client (qs_gwctx_t *ctx);

/*  Page handlers (qs_gwpages.c). */
void qs_gw_health (qs_gwctx_t *ctx);
void qs_gw_ready (qs_gwctx_t *ctx);
void qs_gw_metrics (qs_gwctx_t *ctx);
/*  Serve a file from the web root for a GET outside /api/. */
void qs_gw_static (qs_gwctx_t *ctx, const char *method, const char *path);

/*  Dispatch a chat request as server-sent events (qs_gwsse.c). body lent. */
void qs_gw_stream (qs_gwctx_t *ctx, const qs_call_t *call);

#endif
