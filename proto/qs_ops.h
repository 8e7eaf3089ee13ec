/*  qs_ops - the table of operations: one row per operation of the product,
    with its HTTP method and path (when it has one), bus service and op,
    minimum role, streaming, body validator and size limits. The gateway
    routes from it (qs_route), the brokers admit bus clients with it
    (qs_ops_admit, installed as the broker's admission callback) and the
    workers register their handlers against it (qs_ops_register). Pure data
    and functions over JSON: json-c and the kernel (qs_err, qs_util) only.
    How to add a row: proto/ops.md. */
#ifndef QS_OPS_H
#define QS_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include "qs_err.h"

/*  Contract section 4: a chat message has 1..8000 Unicode characters. The
    one definition, for the gateway, the broker and the workflow service. */
#define QS_CHAT_MESSAGE_MAX 8000

typedef enum {
    QS_OP_BUS = 0,              /* dispatched through the broker */
    QS_OP_HEALTH,               /* liveness, no I/O, no token */
    QS_OP_READY,                /* readiness checks, no token */
    QS_OP_METRICS,              /* Prometheus text, no token */
    QS_OP_MCP,                  /* the MCP server (contract section 11): the gateway
                                   answers it with the caller's token, its tools run
                                   bus ops */
} qs_op_kind_t;

typedef struct _qs_ops_row_t qs_ops_row_t;

/*  A body rule: 0, or -1 with err (400 bad_request and why). body is a
    parsed JSON value (any type); row gives the limits. */
typedef int (qs_ops_validate_fn) (const qs_ops_row_t *row, json_object *body, qs_err_t *err);

struct _qs_ops_row_t {
    const char *method;         /* "GET", "POST", "DELETE"; NULL = no HTTP route */
    const char *pattern;        /* "/api/v1/chat/conversations/{id}" (also the metrics
                                   label); NULL = no HTTP route */
    qs_op_kind_t kind;
    const char *service;        /* bus service; NULL (QS_OP_BUS) = the {service} path
                                   parameter, one of qs_ops_services (the built-in ping) */
    const char *op;             /* bus op */
    unsigned role;              /* QS_ROLE_* bit required (viewer = any caller) */
    bool has_body;              /* POST: a JSON object body (415/413/400 rules) */
    bool stream;                /* answered as server-sent events */
    bool internal;              /* between services only: no HTTP route, closed to
                                   bus clients (a row with neither route nor
                                   internal is for bus clients only) */
    qs_ops_validate_fn *validate;   /* body rule for the gateway and the broker; NULL = none */
    size_t body_max;            /* bytes; 0 = the gateway's QS_MAX_BODY_BYTES */
    int chars_max;              /* characters of the validated text field; 0 = none */
    bool effects;               /* running it twice could do twice what it does (a
                                   message, an action, an incident): a call lost
                                   with its broker is never sent again */
};

/*  The whole table, *count rows: rows with an HTTP route come first, the
    internal ones last. Lent. */
const qs_ops_row_t *qs_ops_table (size_t *count);

/*  The rows with an HTTP route (the head of the table), *count rows. Lent. */
const qs_ops_row_t *qs_ops_http (size_t *count);

/*  The services of the product, NULL-terminated (readiness, ping). Lent. */
const char *const *qs_ops_services (void);

/*  The row of service.op, or NULL. Lent. */
const qs_ops_row_t *qs_ops_find (const char *service, const char *op);

/*  True when service.op may be sent again after its broker was lost with
    it in flight: a row without effects. An unknown op is not (the bus
    client's qs_client_retry_fn; installed by every process that calls). */
bool qs_ops_retry_safe (const char *service, const char *op);
/*  True when a caller with roles (QS_ROLE_* bits) may run row: viewer rows
    admit everyone, member rows member or admin, admin rows admin. */
bool qs_ops_allows (const qs_ops_row_t *row, unsigned roles);

/*  The chat body rule: "message" a string of 1..row->chars_max Unicode
    characters of valid UTF-8, "conversation_id" absent, null or a string. */
int qs_ops_validate_chat (const qs_ops_row_t *row, json_object *body, qs_err_t *err);

/*  The broker's admission of a bus client's request (qs_broker_admit_fn):
    service.op must be a row open to clients (403), roles must allow it (403)
    and body (len bytes, not terminated) must pass the row's validator (400).
    arg is unused. 0, or -1 with err. */
int qs_ops_admit (void *arg, const char *service, const char *op, unsigned roles,
                  const char *body, size_t len, qs_err_t *err);

#endif
