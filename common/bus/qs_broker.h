/*  qs_broker - the ZeroMQ service broker (proto/bus.md): workers register by
    service name, heartbeats both ways, LRU dispatch among idle workers,
    per-service bounded queues, deadlines, discovery, partial replies and
    cancel notices. Runs in its own thread (a czmq actor) so the same code
    serves the quickspin-broker binary and the gateway's embedded mode. */
#ifndef QS_BROKER_H
#define QS_BROKER_H

#include <stdbool.h>
#include "qs_auth.h"
#include "qs_err.h"
#include "qs_metrics.h"

typedef struct _qs_broker_t qs_broker_t;

/*  Verify a bearer token into *auth (token included): 0, or -1 with err.
    Runs in the broker thread, which calls it once with token NULL as it
    ends (to release per-thread library state). */
typedef int (qs_broker_verify_fn) (void *arg, const char *token, qs_auth_t *auth, qs_err_t *err);

/*  Admission of a bus client's request (client and integration keys, token
    verified): may a caller with roles (QS_ROLE_* bits) run service.op with
    body (len bytes, not terminated, lent)? 0, or -1 with err (status, code
    and message are answered to the caller). Runs in the broker thread. The
    application installs its policy (proto/qs_ops.h qs_ops_admit): the bus
    knows no application op. */
typedef int (qs_broker_admit_fn) (void *arg, const char *service, const char *op,
                                  unsigned roles, const char *body, size_t len, qs_err_t *err);

typedef struct {
    const char *endpoint;        /* bind address, e.g. "tcp://127.0.0.1:5555" */
    int heartbeat_ms;            /* 0 = default 1000 */
    int liveness;                /* missed heartbeats before a worker is dropped; 0 = 3 */
    int queue_limit;             /* per service; 0 = default 256 */
    qs_metrics_t *metrics;       /* optional, lent: queue depth, workers, requests */
    int no_worker_grace_ms;      /* a service with no worker for this long answers
                                    503 service_unavailable at once and its queue is
                                    failed; 0 = heartbeat_ms * liveness */
    /* issue 11: the secured bus and the event stream (proto/client.md) */
    const char *curve_secret_key;  /* z85 server secret: CURVE + ZAP on every connection;
                                      NULL = plain (refused beyond loopback unless
                                      allow_plaintext) */
    const char *curve_keys_path;   /* allowed keys with roles (qs_zap.h); needed with CURVE */
    const char *events_endpoint;   /* bind a PUB for the event stream; NULL = none */
    bool allow_plaintext;          /* QS_BUS_ALLOW_PLAINTEXT=1 */
    qs_broker_verify_fn *verify;   /* checks the bearer token of client/integration
                                      requests (the gateway's JWT rules); NULL = such
                                      tokens are refused 401 */
    void *verify_arg;
    qs_broker_admit_fn *admit;     /* issue 16: which ops bus clients may run; NULL =
                                      none but the built-in ping (403) */
    void *admit_arg;
} qs_broker_config_t;

/*  Where qs_broker_config_from_env keeps the strings it points config at. */
typedef struct {
    char curve_secret[41];
    char keys_path[1024];
    char events_endpoint[256];
} qs_broker_env_t;

/*  Fill the issue-11 fields of config from QS_CURVE_SERVER_SECRET_FILE,
    QS_CURVE_KEYS_FILE (or QS_CURVE_KEYS_DIR), QS_EVENTS_ENDPOINT and
    QS_BUS_ALLOW_PLAINTEXT; strings live in *store (wipe it after
    qs_broker_new). 0, or -1 with err. */
int qs_broker_config_from_env (qs_broker_config_t *config, qs_broker_env_t *store, qs_err_t *err);
void qs_broker_env_wipe (qs_broker_env_t *store);

/*  Bind and start the broker thread. NULL (with a log line) when the endpoint
    cannot be bound. */
qs_broker_t *qs_broker_new (const qs_broker_config_t *config);

/*  Graceful stop, first half: from now on new requests are answered
    503 service_unavailable "the broker is shutting down" (clients fail over
    to another broker), queued ones too; requests already at a worker keep
    flowing until they are answered or grace_ms has passed. Blocks until
    then. Call qs_broker_destroy after it. */
void qs_broker_drain (qs_broker_t *self, int grace_ms);

/*  Stop the thread, close the socket, free; accepts NULL, nulls the pointer. */
void qs_broker_destroy (qs_broker_t **self_p);

/*  The endpoint actually bound (resolves tcp://127.0.0.1:* ports). Lent. */
const char *qs_broker_endpoint (qs_broker_t *self);

#endif
