/*  qs_worker - the runtime every service uses to take requests from the
    broker. A service registers a handler per op, then runs. Handlers are
    plain functions over JSON, so they can be unit-tested without sockets
    through qs_req_new_local. See proto/bus.md for the threading model. */
#ifndef QS_WORKER_H
#define QS_WORKER_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "qs_auth.h"
#include "qs_client.h"
#include "qs_err.h"
#include "qs_metrics.h"

typedef struct _qs_worker_t qs_worker_t;
typedef struct _qs_req_t qs_req_t;

/*  A handler answers by calling exactly one of qs_req_reply / qs_req_fail
    (possibly after qs_req_partial calls). Returning without answering is
    answered with a 500 by the runtime. The return value is ignored except for
    logging (0 ok, -1 failed). */
typedef int (qs_op_fn) (qs_req_t *req, void *arg);

typedef struct {
    const char *endpoint;        /* broker endpoint(s), comma-separated: the worker
                                    registers with every one; NULL = qs_env_broker_endpoint() */
    const char *service;         /* e.g. "intent" */
    int threads;                 /* handler threads per broker; 0 = 2 */
    int heartbeat_ms;            /* 0 = 1000 */
    int liveness;                /* silent heartbeats before reconnecting; 0 = 3 */
    qs_metrics_t *metrics;       /* optional, lent */
    qs_client_retry_fn *retry;   /* nested calls: the ops that may be sent again after
                                    a lost broker (qs_ops_retry_safe); NULL = none */
} qs_worker_config_t;

/*  New worker (not yet connected). NULL on bad config. */
qs_worker_t *qs_worker_new (const qs_worker_config_t *config);
void qs_worker_destroy (qs_worker_t **self_p);

/*  Register op -> fn (arg is lent to every call). The "ping" op is built in.
    Call before qs_worker_start. 0 or -1 (duplicate op). */
int qs_worker_add_op (qs_worker_t *self, const char *op, qs_op_fn *fn, void *arg);

/*  Readiness: fn fills checks (lent, an empty object) with one entry per
    dependency of this worker, e.g. {"store":{"status":"ok"}} (use
    qs_worker_check_add). The built-in "ping" op runs it when its body is
    {"checks":true} and answers {"pong","service","checks"}; the gateway's
    readiness asks every service that way (contract section 4). fn runs on
    a handler thread. Call before qs_worker_start. */
typedef void (qs_worker_ready_fn) (json_object *checks, void *arg);
void qs_worker_set_ready (qs_worker_t *self, qs_worker_ready_fn *fn, void *arg);
/*  Add checks[name] = {"status":"ok"} when rc is 0, else
    {"status":"unavailable","detail":detail}. detail is lent. */
void qs_worker_check_add (json_object *checks, const char *name, int rc, const char *detail);

/*  Start the handler threads; they connect, register and reconnect by
    themselves. 0 or -1. */
int qs_worker_start (qs_worker_t *self);

/*  Graceful stop: stop taking work, wait up to grace_ms for in-flight
    requests, send DISCONNECT, join threads. */
void qs_worker_stop (qs_worker_t *self, int grace_ms);

/*  Convenience for main(): start, block until SIGINT/SIGTERM, stop with the
    grace period from QS_SHUTDOWN_GRACE_MS (default 10000). Installs its own
    SIGINT/SIGTERM handlers (czmq's are switched off); they stay installed
    after return so a second signal cannot kill the process mid-teardown.
    Serves the worker's registry on QS_METRICS_ADDR when set; if the
    service already listens there itself, that is logged and skipped.
    Returns 0 or -1. */
int qs_worker_run (qs_worker_t *self);

/* ---- the request, as a handler sees it ---- */

const char *qs_req_op (qs_req_t *req);           /* lent */
const char *qs_req_id (qs_req_t *req);           /* lent, the request id */
const char *qs_req_traceparent (qs_req_t *req);  /* lent, may be "" */
json_object *qs_req_body (qs_req_t *req);        /* lent, never NULL (empty object) */
const qs_auth_t *qs_req_auth (qs_req_t *req);    /* lent */
int64_t qs_req_deadline_ms (qs_req_t *req);      /* absolute epoch ms */
int64_t qs_req_remaining_ms (qs_req_t *req);     /* <= 0 when expired */
/*  True once the caller went away (cancel notice) or the deadline passed. */
bool qs_req_cancelled (qs_req_t *req);

/*  Stream a partial reply: an event name ("intent", "step", "token", ...) and
    its data. Takes ownership of *data_p and nulls it. 0, or -1 when the
    caller cancelled. */
int qs_req_partial (qs_req_t *req, const char *event, json_object **data_p);

/*  Final reply (status 200). Takes ownership of *body_p and nulls it. */
int qs_req_reply (qs_req_t *req, json_object **body_p);
/*  Final reply with another success status (201, 204). */
int qs_req_reply_status (qs_req_t *req, int status, json_object **body_p);

/*  Final error reply in the contract's shape. Returns -1. */
int qs_req_fail (qs_req_t *req, int status, const char *code, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));
int qs_req_fail_err (qs_req_t *req, const qs_err_t *err);

/*  Call another service through the broker with this request's id, trace,
    auth and remaining deadline. On success *reply_p is a new object (caller
    puts). On failure returns -1 with err set (503 overloaded/no worker, 504
    deadline, or the callee's error). Partials from the callee are passed to
    on_partial when given (return -1 from it to cancel). The call is given
    up (503) as soon as this request is cancelled: its caller went away or
    the worker's shutdown grace is over. */
typedef int (qs_partial_fn) (const char *event, json_object *data, void *arg);
int qs_req_call (qs_req_t *req, const char *service, const char *op, json_object *body,
                 json_object **reply_p, qs_err_t *err,
                 qs_partial_fn *on_partial, void *partial_arg);

/* ---- local requests, for unit tests and in-process use ---- */

/*  A request that is not connected to a broker: replies and partials are
    captured. auth may be NULL (then an empty identity). body is copied. */
qs_req_t *qs_req_new_local (const char *op, json_object *body, const qs_auth_t *auth,
                            int64_t timeout_ms);
void qs_req_destroy_local (qs_req_t **req_p);
/*  What the handler answered: status (0 if nothing yet) and the body (lent). */
int qs_req_local_status (qs_req_t *req);
json_object *qs_req_local_reply (qs_req_t *req);
/*  Partials captured so far, as [{"event":..,"data":..}] (lent). */
json_object *qs_req_local_partials (qs_req_t *req);

#endif
