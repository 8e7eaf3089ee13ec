/*  qs_sbx_server - the sandbox as a whole: configuration from the
    environment, dispatch of one request to the platform API, the
    Kubernetes API or the /__sandbox control routes (with fault injection),
    and the civetweb listener around it. */
#ifndef QS_SBX_SERVER_H
#define QS_SBX_SERVER_H

#include "qs_err.h"
#include "qs_sbx_msg.h"
#include <stdbool.h>

#define QS_SBX_DEFAULT_ADDR "127.0.0.1:8090"

typedef struct {
    char host[128];             /* without brackets */
    int port;
    char secret[512];           /* JWT HS256 secret (a secret: never log) */
    bool dev_secret;            /* the built-in dev secret is in use */
    char k8s_token[512];        /* static Kubernetes bearer token (never log) */
    int provision_delay_ms;
} qs_sbx_config_t;

/*  Read QS_SANDBOX_ADDR, QS_SANDBOX_ALLOW_REMOTE, QS_JWT_SECRET,
    QS_SANDBOX_K8S_TOKEN, QS_SANDBOX_PROVISION_DELAY_MS. -1 with err when a
    value is malformed or the address is not loopback without
    QS_SANDBOX_ALLOW_REMOTE=1. */
int qs_sbx_config_from_env (qs_sbx_config_t *cfg, qs_err_t *err);

/*  Parse "host:port" / "[v6]:port" into cfg->host/port. 0 or -1. */
int qs_sbx_config_parse_addr (qs_sbx_config_t *cfg, const char *addr);

typedef struct _qs_sbx_server_t qs_sbx_server_t;

/*  A server seeded at now_ms (not listening yet). NULL on failure. cfg is copied. */
qs_sbx_server_t *qs_sbx_server_new (const qs_sbx_config_t *cfg, int64_t now_ms);

/*  Stop listening (if started) and free everything. */
void qs_sbx_server_destroy (qs_sbx_server_t **self_p);

/*  Serve one request without sockets: faults, control routes, platform,
    Kubernetes. resp->delay_ms tells the transport how long to wait. */
void qs_sbx_server_handle (qs_sbx_server_t *self, const qs_sbx_req_t *req, qs_sbx_resp_t *resp);

/*  How many requests (control routes aside) were served whose method (NULL =
    any) and path prefix match; *with_key_p (may be NULL) how many of them
    carried an Idempotency-Key. Tests count the platform calls a workflow
    made with it (the last QS_SBX_LOG requests are kept). */
#define QS_SBX_LOG 4096
int qs_sbx_server_count (qs_sbx_server_t *self, const char *method, const char *path_prefix,
                         int *with_key_p);

/*  Start the civetweb listener on cfg host:port. 0, or -1 with err. */
int qs_sbx_server_start (qs_sbx_server_t *self, qs_err_t *err);

#endif
