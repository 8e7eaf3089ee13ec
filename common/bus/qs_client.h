/*  qs_client - a caller of services over the broker (gateway, CLI, workers
    calling workers). One client owns one socket: use one per thread, never
    share it. */
#ifndef QS_CLIENT_H
#define QS_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "qs_auth.h"
#include "qs_err.h"

typedef struct _qs_client_t qs_client_t;

typedef struct {
    const char *service;         /* "workflow", "intent", ... */
    const char *op;              /* "chat", "classify", ... */
    const char *request_id;      /* required */
    const char *traceparent;     /* may be NULL: one is generated */
    int64_t deadline_ms;         /* absolute epoch ms */
    const qs_auth_t *auth;       /* may be NULL for anonymous ops (ping, discovery) */
    json_object *body;           /* lent; NULL = {} */
} qs_call_t;

/*  Partial reply callback: return 0 to go on, -1 to cancel the request (a
    cancel notice reaches the worker). */
typedef int (qs_client_partial_fn) (const char *event, json_object *data, void *arg);

/*  Connect to the broker endpoint (NULL = qs_env_broker_endpoint()). */
qs_client_t *qs_client_new (const char *endpoint);
void qs_client_destroy (qs_client_t **self_p);

/*  Send a request and wait for the final reply until the deadline.
    On success returns the reply status (200, 201, 204) with *reply_p a new
    object (caller puts; may be NULL for 204). On failure returns -1 with err
    set: the callee's error, 503 "service_unavailable" (no worker),
    503 "overloaded" (queue full), 504 "deadline_exceeded", 499 "cancelled"
    (on_partial returned -1; a cancel notice was sent). Never returns later
    than the deadline (+ a few ms of poll slack), even when the broker is
    gone. on_partial may be NULL; data passed to it is lent. */
int qs_client_call (qs_client_t *self, const qs_call_t *call, json_object **reply_p,
                    qs_err_t *err, qs_client_partial_fn *on_partial, void *arg);

/*  Ask the broker whether a service has live workers. Returns the number of
    live workers (0 = none), or -1 when the broker did not answer within
    timeout_ms. */
int qs_client_discover (qs_client_t *self, const char *service, int timeout_ms);

/*  Ask the broker for every service with its worker count and queue depth:
    {"services":{"intent":{"workers":2,"queued":0},...}}. NULL when no answer.
    Caller puts. */
json_object *qs_client_broker_status (qs_client_t *self, int timeout_ms);

#endif
