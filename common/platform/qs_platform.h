/*  qs_platform - client of the QuickSpin platform API (contract section 5).

    Every call carries the CALLER's own bearer token (qs_auth_t.token): no
    service account ever acts on a user's behalf. Every call is bounded by
    the caller's absolute deadline (the per-attempt timeout is what remains).

    Retries (jittered exponential backoff, at most 3 attempts, never past the
    deadline) on transport failures, 429 and 5xx, for idempotent calls only:
    GET, DELETE (a 404 on a retry means the first attempt succeeded), PATCH
    (its fields are absolute values, so repeating it converges) and POST with
    its Idempotency-Key (the platform replays the first result). A context
    with `once` set is never retried (a confirmed change, contract section 9).

    Errors come back as qs_err_t with a message a user can act on (never the
    token): 401 unauthorized, 403 forbidden, 404 not_found, 409 conflict,
    422 unprocessable_entity, 429 rate_limited (retry_after set), platform
    5xx -> 503 platform_unavailable, connection refused -> 503
    platform_unreachable, timeout/deadline -> 504 platform_timeout, an
    unreadable body -> 502 platform_bad_response.

    Threads: an instance holds one reusable connection and is NOT
    thread-safe: one instance per thread (or your own lock around it).
    Returned json objects belong to the caller (json_object_put). */
#ifndef QS_PLATFORM_H
#define QS_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "qs_auth.h"
#include "qs_err.h"

#define QS_PLATFORM_DEFAULT_URL "http://127.0.0.1:8090"

typedef struct _qs_platform_t qs_platform_t;

/*  Who calls and until when: lent by the caller for the duration of one
    call. deadline_ms is absolute epoch ms (qs_now_ms based); request_id may
    be NULL (used for log lines only). */
typedef struct {
    const qs_auth_t *auth;
    int64_t deadline_ms;
    const char *request_id;
    const char *idempotency_key;    /* sent with PATCH and DELETE when set (may be NULL) */
    bool once;                      /* never retry: a confirmed action calls the platform
                                       exactly once (contract section 9) */
} qs_platform_ctx_t;

/*  New client for base_url (copied; a trailing '/' is dropped). NULL means
    QS_PLATFORM_URL or QS_PLATFORM_DEFAULT_URL. Returns NULL on a base URL
    that is not http(s):// or on allocation failure. */
qs_platform_t *qs_platform_new (const char *base_url);
/*  Free and null; accepts NULL. */
void qs_platform_destroy (qs_platform_t **self_p);
/*  The base URL in use (lent). */
const char *qs_platform_url (qs_platform_t *self);

/*  GET /api/v1/services. *services_p = a new array of Service objects (only
    entries that are objects with a string "id" are kept). 0 or -1. */
int qs_platform_list_services (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                               json_object **services_p, qs_err_t *err);

/*  GET /api/v1/services/{id}. *service_p = new Service object. 0 or -1.
    An id with characters outside [A-Za-z0-9._-] is a 404 without a call. */
int qs_platform_get_service (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                             const char *service_id, json_object **service_p, qs_err_t *err);

/*  POST /api/v1/services with a ServiceConfig (lent) and the Idempotency-Key
    header (required, 1..128 printable chars: reuse the same key when a
    workflow resumes so a replay never creates a second service).
    *service_p = new Service (status "provisioning"). 0 or -1. */
int qs_platform_create_service (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                                json_object *config, const char *idempotency_key,
                                json_object **service_p, qs_err_t *err);

/*  PATCH /api/v1/services/{id} with fields (lent; only tier, replicas,
    high_availability, backup_enabled are sent, anything else is dropped).
    *service_p = updated Service. 0 or -1 (422 when no allowed field).
    ctx->idempotency_key, when set, goes out as the Idempotency-Key header. */
int qs_platform_patch_service (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                               const char *service_id, json_object *fields,
                               json_object **service_p, qs_err_t *err);

/*  DELETE /api/v1/services/{id} (with ctx->idempotency_key as for PATCH).
    0 or -1. */
int qs_platform_delete_service (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                                const char *service_id, qs_err_t *err);

/*  GET /api/v1/services/{id}/metrics?window=W (W NULL = "7d"; [0-9a-z]+).
    *metrics_p = new object as the platform sent it. 0 or -1. */
int qs_platform_service_metrics (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                                 const char *service_id, const char *window,
                                 json_object **metrics_p, qs_err_t *err);

/*  GET /api/v1/services/{id}/logs?tail=N (N clamped to 1..1000).
    *lines_p = new array of {"timestamp","level","message"} objects (entries
    that are not objects are dropped). 0 or -1. */
int qs_platform_service_logs (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                              const char *service_id, int tail,
                              json_object **lines_p, qs_err_t *err);

/*  GET /api/v1/pricing. *pricing_p = new object; it must hold a "tiers"
    object (else 502 platform_bad_response). 0 or -1. */
int qs_platform_pricing (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                         json_object **pricing_p, qs_err_t *err);

/*  GET /api/v1/quotas. *quotas_p = new object. 0 or -1. */
int qs_platform_quotas (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                        json_object **quotas_p, qs_err_t *err);

/*  Map one platform answer to err (pure; exposed for tests and other HTTP
    clients). http_status 0 means no response: fail is a qs_http_fail_t
    value. body (may be NULL) is read for {"error":{"message"}} and shown
    redacted and truncated. what names the object ("service abc") for 404s. */
void qs_platform_map_error (qs_err_t *err, long http_status, int fail, const char *body,
                            int retry_after, const char *what);

#endif
