/*  libquickspin-client - the QuickSpin AI assistant over its ZeroMQ bus,
    for internal services (integrations). Wire contract: proto/client.md
    (protocol version 1). Build flags: `pkg-config --cflags --libs
    quickspin-client`.

    One qsc_client_t owns one connection: use it from one thread at a time
    (make one per thread). Every call has a deadline (config.timeout_ms),
    idempotent calls (recommendations, search, conversations) are retried on
    "service unavailable" / "overloaded" within that deadline, and every
    failure comes back as a qsc_error_t with a stable code.

    Security: with CURVE keys (config or QS_CURVE_* files) the connection
    is encrypted and the broker admits the key only if it is listed, with a
    role (client or integration). The caller is identified by a bearer JWT
    (config.token), which the broker verifies exactly as the REST gateway
    does. */
#ifndef QUICKSPIN_CLIENT_H
#define QUICKSPIN_CLIENT_H

#include <stdbool.h>
#include <json-c/json.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QSC_PROTOCOL_VERSION 1

typedef enum {
    QSC_OK = 0,
    QSC_ERR_INVALID,          /* bad argument, or 400 bad_request */
    QSC_ERR_UNAUTHORIZED,     /* 401: missing or rejected token */
    QSC_ERR_FORBIDDEN,        /* 403: role, or an operation not open to this key */
    QSC_ERR_NOT_FOUND,        /* 404 */
    QSC_ERR_CONFLICT,         /* 409: e.g. an action no longer pending */
    QSC_ERR_UNPROCESSABLE,    /* 422 */
    QSC_ERR_RATE_LIMITED,     /* 429 */
    QSC_ERR_UNAVAILABLE,      /* 503 service_unavailable: no worker, or broker unreachable
                                 (also an unknown CURVE key: the handshake is refused) */
    QSC_ERR_OVERLOADED,       /* 503 overloaded: queue full, retry later */
    QSC_ERR_TIMEOUT,          /* 504: the deadline passed */
    QSC_ERR_CANCELLED,        /* the partial callback returned -1 */
    QSC_ERR_SERVICE,          /* another error status from a service (500, 502...) */
    QSC_ERR_CONFIG            /* unusable keys or endpoint */
} qsc_code_t;

typedef struct {
    qsc_code_t code;
    int status;               /* the HTTP-like status (0 when none) */
    char name[48];            /* the service's snake_case code, e.g. "deadline_exceeded" */
    char message[512];        /* human text; never holds a token or key */
    int retry_after;          /* seconds, for 429/503; 0 = none */
} qsc_error_t;

typedef struct {
    const char *endpoint;          /* broker; NULL = $QS_BROKER_ENDPOINT or tcp://127.0.0.1:5555;
                                      several brokers: comma-separated */
    const char *server_public_key; /* broker's z85 public key; NULL = $QS_CURVE_SERVER_PUBLIC_FILE;
                                      neither = plain TCP (single-machine installs) */
    const char *public_key;        /* our z85 key pair; NULL = $QS_CURVE_CLIENT_KEY_FILE */
    const char *secret_key;
    const char *token;             /* bearer JWT; NULL = $QUICKSPIN_TOKEN; "" = anonymous */
    int timeout_ms;                /* per call, retries included; 0 = 30000 */
    int retries;                   /* extra attempts of idempotent calls; 0 = 2, -1 = none */
} qsc_config_t;

typedef struct _qsc_client_t qsc_client_t;

/*  Partial replies while a call runs (chat: "intent", "step", "token"
    with {"text"}). data is lent. Return 0 to go on, -1 to cancel. */
typedef int (qsc_partial_fn) (const char *event, json_object *data, void *arg);

/*  Connect (lazily: nothing waits here). NULL with err on bad config.
    config may be NULL (all from the environment). Strings are copied. */
qsc_client_t *qsc_client_new (const qsc_config_t *config, qsc_error_t *err);

/*  Close and free; accepts NULL, nulls the pointer. The token is wiped. */
void qsc_client_destroy (qsc_client_t **self_p);

/*  Replace the bearer token (e.g. a refreshed service-account JWT). 0/-1. */
int qsc_client_set_token (qsc_client_t *self, const char *token);

/*  Every call below returns 0 with *reply_p a new object (caller puts with
    json_object_put) or -1 with err filled and *reply_p NULL. */

/*  POST /api/v1/chat: {"message", "conversation_id"?} -> ChatResponse.
    Not idempotent (never retried). on_partial may be NULL. */
int qsc_chat (qsc_client_t *self, const char *message, const char *conversation_id,
              qsc_partial_fn *on_partial, void *arg, json_object **reply_p, qsc_error_t *err);

/*  GET /api/v1/recommendations -> RecommendationResponse. */
int qsc_recommendations (qsc_client_t *self, json_object **reply_p, qsc_error_t *err);

/*  GET /api/v1/knowledge/search: query required; category, topic may be
    NULL; limit 0 = the service default. -> {"results":[...]} */
int qsc_knowledge_search (qsc_client_t *self, const char *query, const char *category,
                          const char *topic, int limit, json_object **reply_p, qsc_error_t *err);

/*  GET /api/v1/chat/conversations: limit 0 = default; cursor may be NULL.
    -> {"conversations":[...],"next_cursor"} */
int qsc_conversations (qsc_client_t *self, int limit, const char *cursor,
                       json_object **reply_p, qsc_error_t *err);

/*  Any open operation (proto/client.md, "Operations"): body lent (NULL =
    {}); idempotent ones may be retried. A 204 answer gives *reply_p NULL. */
int qsc_call (qsc_client_t *self, const char *service, const char *op, json_object *body,
              bool idempotent, qsc_partial_fn *on_partial, void *arg,
              json_object **reply_p, qsc_error_t *err);

/*  "invalid", "unauthorized", ... for a code. Lent. */
const char *qsc_code_name (qsc_code_t code);

/* ---- the event stream ---- */

typedef struct _qsc_events_t qsc_events_t;

/*  Subscribe socket to the broker's event endpoint (NULL =
    $QS_EVENTS_ENDPOINT). config gives the keys as for qsc_client_new (an
    integration key is needed on a secured bus); its endpoint and token
    are not used. NULL with err. */
qsc_events_t *qsc_events_new (const char *endpoint, const qsc_config_t *config, qsc_error_t *err);
void qsc_events_destroy (qsc_events_t **self_p);

/*  Receive events of topic (NULL or "" = every topic) about org_id (NULL =
    every org). Several calls add up. 0/-1. */
int qsc_events_subscribe (qsc_events_t *self, const char *topic, const char *org_id);

/*  Wait up to timeout_ms (-1 = forever) for the next event. 1 with *event_p
    a new object ({"topic","org_id","time",...}; caller puts), 0 on
    timeout, -1 on error or interrupt. Events of other orgs that share a
    prefix with a subscribed org id are skipped. */
int qsc_events_next (qsc_events_t *self, int timeout_ms, json_object **event_p);

#ifdef __cplusplus
}
#endif
#endif
