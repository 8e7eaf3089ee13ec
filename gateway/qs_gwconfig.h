/*  qs_gwconfig - the gateway's settings from the environment (contract
    section 2), validated in one place so main() only wires things up. */
#ifndef QS_GWCONFIG_H
#define QS_GWCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "qs_err.h"
#include "qs_jwt.h"

typedef struct {
    char addr[64];               /* QS_HTTP_ADDR, default 127.0.0.1 */
    int port;                    /* QS_HTTP_PORT, default 8080 */
    int threads;                 /* QS_HTTP_THREADS, default 32 (one per open keep-alive connection) */
    char broker_endpoint[256];   /* QS_BROKER_ENDPOINT */
    bool broker_embedded;        /* QS_BROKER_EMBEDDED */
    int broker_heartbeat_ms;     /* embedded broker: QS_BROKER_HEARTBEAT_MS (0 = its default) */
    int broker_liveness;         /* embedded broker: QS_BROKER_LIVENESS (0 = its default) */
    int broker_queue_limit;      /* embedded broker: QS_BROKER_QUEUE_LIMIT (0 = its default) */
    qs_jwt_alg_t jwt_alg;        /* HS256 unless QS_JWT_PUBLIC_KEY_FILE is set */
    char *jwt_key;               /* secret or PEM text (owned; wiped on free) */
    size_t jwt_key_len;
    bool dev_secret;             /* QS_JWT_SECRET unset: the built-in dev secret */
    char jwt_issuer[256];        /* QS_JWT_ISSUER, "" = unchecked */
    char jwt_audience[256];      /* QS_JWT_AUDIENCE, "" = unchecked */
    double rate_rps;             /* QS_RATE_LIMIT_RPS, 0 = off */
    double rate_burst;           /* QS_RATE_LIMIT_BURST, default max(1, rps) */
    double org_rate_rps;         /* QS_RATE_LIMIT_ORG_RPS, default 10 x rate_rps, 0 = off */
    double org_rate_burst;       /* QS_RATE_LIMIT_ORG_BURST, default 10 x rate_burst */
    long max_body;               /* QS_MAX_BODY_BYTES, default 1 MiB */
    long request_timeout_ms;     /* QS_REQUEST_TIMEOUT_MS, default 30000 */
    long sse_keepalive_ms;       /* QS_SSE_KEEPALIVE_MS, default 15000 */
    long io_timeout_ms;          /* QS_HTTP_IO_TIMEOUT_MS, default 10000: the whole request
                                    head must arrive within it, and each socket read or
                                    write of the body or the answer */
    long keepalive_ms;           /* QS_HTTP_KEEPALIVE_MS, default 5000: idle wait for the next
                                    request on a connection (and for its head); 0 = no
                                    keep-alive */
    long max_header_bytes;       /* QS_HTTP_MAX_HEADER_BYTES, default 16384: request line +
                                    headers; larger heads are answered 431 */
    long linger_ms;              /* QS_HTTP_LINGER_MS, default 0: close() returns at once and
                                    the kernel finishes sending; > 0 makes close() wait up
                                    to that long for unsent data (SO_LINGER) */
    char web_root[1024];         /* QS_WEB_ROOT, "" = search next to the binary */
    bool mcp_writes;             /* QS_MCP_WRITES=1: MCP offers confirm_action */
    char mcp_origins[1024];      /* QS_MCP_ALLOWED_ORIGINS: browser origins allowed to
                                    call /mcp besides the gateway's own, comma list */
} qs_gwconfig_t;

/*  Read and validate the environment into cfg. Returns 0, or -1 with err set
    (a malformed number, an unreadable or unusable key file, or the dev
    secret on a non-loopback address). Call qs_gwconfig_free either way. */
int qs_gwconfig_load (qs_gwconfig_t *cfg, qs_err_t *err);

/*  Wipe the key and free what cfg owns. */
void qs_gwconfig_free (qs_gwconfig_t *cfg);

#endif
