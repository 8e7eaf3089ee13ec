/*  qs_gw_client - HTTP for the gateway integration test (the processes
    come from qs_harness): a small libcurl client with the headers and
    abort the checks need, test tokens, the contract's error shape. */
#ifndef QS_GW_CLIENT_H
#define QS_GW_CLIENT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define QS_GW_TEST_SECRET "integration-secret-0123456789abcdefghij"

typedef struct {
    long status;
    char *body;                  /* NUL-terminated, owned */
    size_t len;
    char headers[8192];
    int curl_rc;
} qs_gw_resp_t;

typedef struct {
    const char *method;          /* default GET */
    const char *path;
    const char *token;           /* NULL = no Authorization header */
    const char *auth_header;     /* a raw Authorization value (overrides token) */
    const char *content_type;    /* default application/json when body is set */
    const char *body;
    size_t body_len;             /* 0 = strlen(body) */
    const char *request_id;      /* X-Request-Id to send */
    const char *traceparent;
    const char *abort_marker;    /* abort the transfer once the body holds this text */
} qs_gw_req_t;

/*  The gateway's port on 127.0.0.1 that qs_gw_http talks to. */
void qs_gw_client_port (int port);

/*  Perform one request; free with qs_gw_resp_free. */
void qs_gw_http (const qs_gw_req_t *req, qs_gw_resp_t *resp);
void qs_gw_resp_free (qs_gw_resp_t *resp);
/*  A response header's value (case-insensitive name) into out, or NULL. */
const char *qs_gw_header (const qs_gw_resp_t *resp, const char *name, char *out, size_t size);

/*  Mint an HS256 token: roles is a JSON array text or NULL; exp relative to
    now in seconds. Caller frees. secret NULL = the test secret. */
char *qs_gw_token (const char *sub, const char *roles, long exp_in, const char *secret);

/*  Check (with check's asserts, so only inside a test) that r is the
    contract's error: the status, a JSON body {"error":{code, a message,
    request_id}} whose request_id matches the X-Request-Id header. Returns
    the parsed body; the caller puts it. */
json_object *qs_gw_error_shape (const qs_gw_resp_t *r, long status, const char *code);
/*  Perform req and check the answer with qs_gw_error_shape. */
void qs_gw_expect_error (const qs_gw_req_t *req, long status, const char *code);

#endif
