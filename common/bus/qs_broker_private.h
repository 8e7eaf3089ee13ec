/*  qs_broker_private - the broker actor's state, shared by qs_broker.c
    (actor loop, timers, public API) and qs_broker_peer.c (what peers say).
    Not a public API: everything here lives in the one broker thread. */
#ifndef QS_BROKER_PRIVATE_H
#define QS_BROKER_PRIVATE_H

#include <czmq.h>
#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "qs_broker.h"
#include "qs_envelope.h"

typedef struct qs_bsvc_t qs_bsvc_t;
typedef struct qs_bworker_t qs_bworker_t;
typedef struct qs_breq_t qs_breq_t;

struct qs_breq_t {
    char key [96];              /* client hex "/" call id */
    zframe_t *client;           /* routing id of the caller */
    char call_id [QS_BUS_CALL_ID_MAX + 1];
    char request_id [QS_BUS_RID_MAX + 1];
    int64_t deadline_ms;
    zmsg_t *envelope;           /* the 8 frames, forwarded as they came */
    qs_bsvc_t *service;
    qs_bworker_t *worker;       /* set once dispatched */
    bool answered;              /* the caller already has its final (deadline, cancel) */
    bool streamed;              /* a partial went out: never requeue */
};

struct qs_bworker_t {
    char id [32];               /* hex routing id, the hash key */
    zframe_t *identity;
    qs_bsvc_t *service;
    int64_t expiry;             /* monotonic ms */
    qs_breq_t *request;         /* in flight, or NULL when idle */
};

struct qs_bsvc_t {
    char name [QS_BUS_NAME_MAX + 1];
    zlist_t *queue;             /* qs_breq_t *, oldest first */
    zlist_t *idle;              /* qs_bworker_t *, least recently used first */
    size_t workers;
    int64_t empty_since;        /* monotonic ms when the last worker left; 0 = has workers */
};

typedef struct {
    zsock_t *pipe;
    zsock_t *router;
    zpoller_t *poller;
    zhash_t *services;          /* name -> qs_bsvc_t */
    zhash_t *workers;           /* id -> qs_bworker_t */
    zhash_t *requests;          /* key -> qs_breq_t */
    int heartbeat_ms;
    int liveness;
    size_t queue_limit;
    int64_t grace_ms;           /* no workers for this long = service_unavailable */
    qs_metrics_t *metrics;
    int64_t next_deadline;      /* epoch ms of the earliest unanswered deadline (or later) */
    bool draining;              /* shutting down: new requests answered 503 at once */
    /* issue 11 (qs_broker_secure.c): CURVE roles and the event stream */
    bool secure;                /* CURVE + ZAP: peers have roles */
    zsock_t *events;            /* PUB of the event stream, or NULL */
    qs_broker_verify_fn *verify;
    void *verify_arg;
    qs_broker_admit_fn *admit;
    void *admit_arg;
} qs_bstate_t;

struct _qs_broker_t {
    zactor_t *actor;
    char *endpoint;
    qs_broker_config_t config;
    char *bind;
    /* issue 11 (qs_broker_secure.c) */
    char curve_secret [41];
    char *events_bind;
    struct _qs_zap_t *zap;
};

/* ---- issue 11: qs_broker_secure.c ---- */
/*  Owner side, in qs_broker_new / qs_broker_destroy: refuse plain TCP beyond
    loopback, copy the keys, start the ZAP handler. 0 or -1 (logged). */
int qs_broker_secure_start (qs_broker_t *owner);
void qs_broker_secure_stop (qs_broker_t *owner);
/*  Broker thread, after the ROUTER exists and before it binds: CURVE on the
    ROUTER, bind the PUB. 0 or -1 (logged). */
int qs_broker_secure_sockets (qs_bstate_t *self, qs_broker_t *owner);
void qs_broker_secure_close (qs_bstate_t *self);
/*  Before a ROUTER message is parsed (msg = frames after the routing id):
    takes events (QSE), applies the role rules and checks/rewrites the auth
    frame of client and integration requests. 0 = go on; -1 = handled
    (answered or dropped): the caller frees msg. */
int qs_broker_secure_admit (qs_bstate_t *self, zframe_t *identity, zmsg_t *msg);

/*  Send msg to a routing id; consumes it. -1 when the peer is gone. */
int qs_broker_route (qs_bstate_t *self, zframe_t *identity, zmsg_t **msg_p);
/*  Send cmd to a client / worker; takes ownership of *body_p (may be NULL).
    The worker variant returns -1 when the worker's connection is gone. */
void qs_broker_send_client (qs_bstate_t *self, zframe_t *client, qs_bus_cmd_t cmd, zmsg_t **body_p);
int qs_broker_send_worker (qs_bstate_t *self, qs_bworker_t *worker, qs_bus_cmd_t cmd, zmsg_t **body_p);
/*  A FINAL error from the broker itself, counted in the metrics. */
void qs_broker_reply_error (qs_bstate_t *self, zframe_t *client, const char *call_id,
                            const char *service, int status, const char *code, const char *message);
/*  Free a request wherever it is (queue or worker); nulls the pointer. */
void qs_broker_request_destroy (qs_bstate_t *self, qs_breq_t **req_p);
/*  Remove a worker (see qs_broker_peer.c for the requeue rule). */
void qs_broker_worker_delete (qs_bstate_t *self, qs_bworker_t *worker, bool requeue, bool send_disconnect);
/*  Update the queue depth and worker gauges of a service. */
void qs_broker_gauges (qs_bstate_t *self, qs_bsvc_t *service);
/*  Handle one message from the ROUTER; takes ownership and nulls *msg_p. */
void qs_broker_router_message (qs_bstate_t *self, zmsg_t **msg_p);
/*  zhash-style free of a service. */
void qs_broker_service_free (void *data);
/*  The STATUS answer (new object, caller puts). */
json_object *qs_broker_status (qs_bstate_t *self);

#endif
