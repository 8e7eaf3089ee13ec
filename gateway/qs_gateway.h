/*  qs_gateway - the HTTP front door: a civetweb server that authenticates
    each request (qs_jwt), matches it against the route table (qs_route),
    applies the request rules (qs_gwreq, qs_ratelimit) and dispatches it
    through the broker (qs_client, one per HTTP worker thread). Also serves
    health, readiness, metrics, server-sent events and the static web UI. */
#ifndef QS_GATEWAY_H
#define QS_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include "qs_err.h"
#include "qs_jwt.h"
#include "qs_metrics.h"

typedef struct _qs_gateway_t qs_gateway_t;

typedef struct {
    const char *addr;            /* listen address, "127.0.0.1" */
    int port;                    /* listen port */
    int threads;                 /* HTTP worker threads (0 = 32) */
    const char *broker_endpoint; /* where the per-thread bus clients connect */
    qs_jwt_t *jwt;               /* lent; must outlive the gateway */
    qs_metrics_t *metrics;       /* lent; must outlive the gateway */
    double rate_rps;             /* per-user requests/s, 0 = off */
    double rate_burst;           /* bucket size */
    double org_rate_rps;         /* per-org requests/s, 0 = off */
    double org_rate_burst;       /* its bucket size */
    int io_timeout_ms;           /* head arrival and each socket read/write (0 = 10000) */
    int keepalive_ms;            /* idle keep-alive wait (0 = 5000, < 0 = no keep-alive) */
    int max_header_bytes;        /* request line + headers (0 = 16384); over it: 431 */
    int linger_ms;               /* close() waits this long for unsent data (0 = it does not) */
    size_t max_body;             /* bytes (0 = 1 MiB) */
    int request_timeout_ms;      /* deadline given to the bus (0 = 30000) */
    int sse_keepalive_ms;        /* ':' comment interval on streams (0 = 15000) */
    const char *web_root;        /* folder with index.html; NULL = no UI */
    bool mcp_writes;             /* QS_MCP_WRITES=1: the MCP tool confirm_action is offered */
    const char *mcp_origins;     /* QS_MCP_ALLOWED_ORIGINS (comma list); NULL = own origin only */
} qs_gateway_config_t;

/*  Start listening. NULL with err set when the port cannot be bound or the
    config is unusable. Strings in config are copied. */
qs_gateway_t *qs_gateway_new (const qs_gateway_config_t *config, qs_err_t *err);

/*  Graceful shutdown, first half (SIGTERM): from now on every request but
    liveness is answered 503 service_unavailable with Retry-After and
    Connection: close (readiness too, so load balancers move away); the
    requests already being handled may finish for up to grace_ms; then the
    bus calls still waiting give up (503, retryable) so their threads answer
    at once. Blocks until no request is left or the grace is over (+ up to
    a second for those answers). Then call qs_gateway_destroy. */
void qs_gateway_drain (qs_gateway_t *self, int grace_ms);

/*  Stop the server (finishing requests in progress), free, null. Accepts NULL. */
void qs_gateway_destroy (qs_gateway_t **self_p);

/*  The port actually listened on (useful when config->port was 0). */
int qs_gateway_port (qs_gateway_t *self);

#endif
