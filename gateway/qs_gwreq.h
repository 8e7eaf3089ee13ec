/*  qs_gwreq - the gateway's request rules as pure functions: request ids,
    content type, body parsing, chat validation, the bus body built from a
    request, the contract's error shape and server-sent event framing. No
    civetweb or sockets here, so every rule is unit-tested. */
#ifndef QS_GWREQ_H
#define QS_GWREQ_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include "qs_err.h"
#include "qs_route.h"

#define QS_GWREQ_ID_MAX 64          /* longest client request id echoed */
#define QS_GWREQ_MAX_QUERY_PARAMS 32

/*  True when a client-sent X-Request-Id may be echoed: 1..64 characters of
    [A-Za-z0-9._:-]. */
bool qs_gwreq_id_sane (const char *id);

/*  The request id to use: the client's when sane, else a new one. out holds
    QS_GWREQ_ID_MAX + 1 bytes. Returns 0, or -1 when no id could be made. */
int qs_gwreq_id (const char *client_id, char out[QS_GWREQ_ID_MAX + 1]);

/*  True when a W3C traceparent header is well formed
    ("00-<32 hex>-<16 hex>-<2 hex>", not all-zero ids). */
bool qs_gwreq_traceparent_valid (const char *tp);

/*  The MCP endpoint's Origin rule (DNS rebinding): true when origin is NULL
    (not a browser), or is the gateway's own origin (http:// or https://
    followed by the request's host header, any case), or is one of allowed
    (a comma list of origins like "https://app.example.com", spaces
    ignored; may be NULL). All lent. */
bool qs_gwreq_origin_allowed (const char *origin, const char *host, const char *allowed);

/*  True for "application/json" with optional parameters (charset=utf-8),
    case-insensitive. */
bool qs_gwreq_is_json_type (const char *content_type);

/*  Turn a POST body into the bus body. An empty body is {}. A non-empty body
    needs a JSON content type (else 415) and must parse as a JSON object
    (else 400). *out_p receives a new object (caller puts). 0 or -1 with err. */
int qs_gwreq_parse_body (const char *content_type, const char *body, size_t len,
                         json_object **out_p, qs_err_t *err);

/*  Chat request rules (qs_ops_validate_chat with QS_CHAT_MESSAGE_MAX):
    "message" a string of 1..8000 Unicode characters of valid UTF-8,
    "conversation_id" absent, null or a string. 0 or -1 (400). */
int qs_gwreq_validate_chat (json_object *body, qs_err_t *err);

/*  Add each query parameter (percent-decoded, '+' as space) to obj as a
    string; the first occurrence of a name wins. query may be NULL. 0, or -1
    (400) for malformed encoding, invalid UTF-8 or too many parameters. */
int qs_gwreq_add_query (json_object *obj, const char *query, qs_err_t *err);

/*  Add the matched path parameters to obj as strings (overriding body or
    query fields of the same name). 0 or -1. */
int qs_gwreq_add_params (json_object *obj, const qs_route_match_t *match);

/*  The contract's error body {"error":{"code","message","request_id"}}.
    Caller frees the returned string. NULL on allocation failure. */
char *qs_gwreq_error_body (const qs_err_t *err, const char *request_id);

/*  True for the event names a chat stream may carry from a worker
    (intent, step, token); done and error are the gateway's own. */
bool qs_gwreq_sse_event_allowed (const char *event);

/*  One SSE frame "event: <event>\ndata: <json>\n\n". Caller frees. */
char *qs_gwreq_sse_frame (const char *event, json_object *data);

#endif
