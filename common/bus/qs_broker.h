/*  qs_broker - the ZeroMQ service broker (proto/bus.md): workers register by
    service name, heartbeats both ways, LRU dispatch among idle workers,
    per-service bounded queues, deadlines, discovery, partial replies and
    cancel notices. Runs in its own thread (a czmq actor) so the same code
    serves the quickspin-broker binary and the gateway's embedded mode. */
#ifndef QS_BROKER_H
#define QS_BROKER_H

#include "qs_metrics.h"

typedef struct _qs_broker_t qs_broker_t;

typedef struct {
    const char *endpoint;        /* bind address, e.g. "tcp://127.0.0.1:5555" */
    int heartbeat_ms;            /* 0 = default 1000 */
    int liveness;                /* missed heartbeats before a worker is dropped; 0 = 3 */
    int queue_limit;             /* per service; 0 = default 256 */
    qs_metrics_t *metrics;       /* optional, lent: queue depth, workers, requests */
    int no_worker_grace_ms;      /* a service with no worker for this long answers
                                    503 service_unavailable at once and its queue is
                                    failed; 0 = heartbeat_ms * liveness */
} qs_broker_config_t;

/*  Bind and start the broker thread. NULL (with a log line) when the endpoint
    cannot be bound. */
qs_broker_t *qs_broker_new (const qs_broker_config_t *config);

/*  Stop the thread, close the socket, free; accepts NULL, nulls the pointer. */
void qs_broker_destroy (qs_broker_t **self_p);

/*  The endpoint actually bound (resolves tcp://127.0.0.1:* ports). Lent. */
const char *qs_broker_endpoint (qs_broker_t *self);

#endif
