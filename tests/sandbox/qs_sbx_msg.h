/*  qs_sbx_msg - the sandbox's socket-free request and response values.
    Every route handler takes a qs_sbx_req_t and fills a qs_sbx_resp_t, so
    unit tests drive the whole API without civetweb. */
#ifndef QS_SBX_MSG_H
#define QS_SBX_MSG_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *method;           /* "GET", "POST", ... */
    const char *path;             /* decoded path without the query */
    const char *query;            /* raw query string or NULL */
    const char *authorization;    /* Authorization header or NULL */
    const char *idempotency_key;  /* Idempotency-Key header or NULL */
    const char *request_id;       /* X-Request-Id or NULL */
    const char *body;             /* request body (need not be terminated) or NULL */
    size_t body_len;
    int64_t now_ms;               /* wall clock of the request (tests pin it) */
} qs_sbx_req_t;

typedef struct {
    int status;
    char content_type[64];
    char *body;                   /* owned; free with qs_sbx_resp_clear */
    size_t body_len;
    char extra_header[128];       /* one optional "Name: value" line, "" = none */
    int delay_ms;                 /* injected latency before answering */
} qs_sbx_resp_t;

/*  Free the body and zero the response. */
void qs_sbx_resp_clear (qs_sbx_resp_t *resp);

/*  Serialise obj (pretty-free, compact) as the body with the given status;
    takes ownership of *obj_p and nulls it. Returns 0 or -1 (then the response
    is a 500 text body). */
int qs_sbx_resp_json (qs_sbx_resp_t *resp, int status, json_object **obj_p);

/*  A copy of text as the body. */
int qs_sbx_resp_text (qs_sbx_resp_t *resp, int status, const char *content_type,
                      const char *text, size_t len);

/*  The platform error shape {"error":{"code","message","request_id"}}. */
int qs_sbx_resp_error (qs_sbx_resp_t *resp, int status, const char *code,
                       const char *request_id, const char *fmt, ...)
    __attribute__ ((format (printf, 5, 6)));

/*  Copy the URL-decoded value of query parameter name into out. Returns 1
    when present, 0 when absent. */
int qs_sbx_query_get (const char *query, const char *name, char *out, size_t size);

/*  A JSON number for a cost or a fraction: the exact double, printed with 10
    significant digits so 0.04*730 reads 29.2. New object. */
json_object *qs_sbx_json_num (double value);

/*  An RFC 3339 string (seconds precision, as Kubernetes writes) for epoch ms. */
json_object *qs_sbx_json_time (int64_t epoch_ms);

#endif
