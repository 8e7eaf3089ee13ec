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
    char **text_p;               /* not NULL: a 2xx body comes back here as its JSON
                                    text (caller frees; NULL when empty) and *reply_p
                                    stays NULL: a relay need not parse it */
} qs_call_t;

/*  Partial reply callback: return 0 to go on, -1 to cancel the request (a
    cancel notice reaches the worker). */
typedef int (qs_client_partial_fn) (const char *event, json_object *data, void *arg);

/*  Connect to the broker endpoint (NULL = qs_env_broker_endpoint()). The
    endpoint may list several brokers separated by commas: the client keeps
    a socket to each, sends to one and fails over to the next (proto/bus.md,
    "Several brokers"). */
qs_client_t *qs_client_new (const char *endpoint);
/*  Same with explicit CURVE keys (issue 11; qs_curve.h). keys NULL = from
    QS_CURVE_SERVER_PUBLIC_FILE / QS_CURVE_CLIENT_KEY_FILE when set (that is
    what qs_client_new does); keys are copied into the sockets. */
struct qs_curve_client_s;
qs_client_t *qs_client_new_keys (const char *endpoint, const struct qs_curve_client_s *keys);
void qs_client_destroy (qs_client_t **self_p);

/*  Send a request and wait for the final reply until the deadline.
    On success returns the reply status (200, 201, 204) with *reply_p a new
    object (caller puts; may be NULL for 204). On failure returns -1 with err
    set: the callee's error, 503 "service_unavailable" (no worker; or the
    broker was lost with a non-idempotent request in flight: it may have run),
    503 "overloaded" (queue full), 504 "deadline_exceeded", 499 "cancelled"
    (on_partial returned -1; a cancel notice was sent). Never returns later
    than the deadline (+ a few ms of poll slack), even when the broker is
    gone. on_partial may be NULL; data passed to it is lent. */
int qs_client_call (qs_client_t *self, const qs_call_t *call, json_object **reply_p,
                    qs_err_t *err, qs_client_partial_fn *on_partial, void *arg);

/*  Whether service.op may be sent again on another broker after the one it
    went to was lost with it in flight: true only for ops without effects a
    second run would repeat. The product's answer is qs_ops_retry_safe
    (proto/qs_ops.h, the table's `effects` column); common/bus names no op. */
typedef bool (qs_client_retry_fn) (const char *service, const char *op);
/*  Install fn for this client's calls; NULL (the default) = a call lost with
    its broker is never sent again (503). */
void qs_client_set_retry (qs_client_t *self, qs_client_retry_fn *fn);

/*  While fn(arg) returns true, calls in flight give up at once (a cancel
    goes to the broker) with 503 service_unavailable, retry_after 1: a
    process shutting down past its grace period. fn runs on the client's
    thread every 100 ms of waiting; NULL removes it. */
typedef bool (qs_client_abort_fn) (void *arg);
void qs_client_set_abort (qs_client_t *self, qs_client_abort_fn *fn, void *arg);

/*  Ask the broker whether a service has live workers. Returns the number of
    live workers (0 = none), or -1 when the broker did not answer within
    timeout_ms. */
int qs_client_discover (qs_client_t *self, const char *service, int timeout_ms);

/*  Ask the broker for every service with its worker count and queue depth:
    {"services":{"intent":{"workers":2,"queued":0},...}}. NULL when no answer.
    Caller puts. */
json_object *qs_client_broker_status (qs_client_t *self, int timeout_ms);

/*  issue 11: hand one event to the broker for its event stream (see
    qs_events.h; use qs_events_send, which builds and checks it). 0, or -1
    when the socket would not take it. */
int qs_client_publish (qs_client_t *self, const char *topic, const char *org_id, const char *json);

#endif
