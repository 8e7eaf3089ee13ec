/*  qs_gw_harness - processes and HTTP for the gateway integration test: a
    real quickspin-gateway (embedded broker) plus qs_gw_test_worker
    processes on loopback, and a small libcurl client. */
#ifndef QS_GW_HARNESS_H
#define QS_GW_HARNESS_H

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

/*  Start the gateway with the test settings: with its embedded broker, or
    with the quickspin-broker binary named by $QS_TEST_BROKER. The temp dir
    receives logs, the SQLite store and cancel markers. 0 or -1. */
int qs_gw_harness_start (void);
/*  Stop everything; returns -1 when a process did not exit cleanly (an
    ASan report, a crash), after printing its log. */
int qs_gw_harness_stop (void);

/*  Start a test worker for service; returns its pid or -1. */
pid_t qs_gw_harness_worker (const char *service);
/*  SIGTERM it and reap it; returns its exit status (0 = clean). */
int qs_gw_harness_stop_worker (pid_t pid);

/*  The temp dir (markers). Lent. */
const char *qs_gw_harness_dir (void);

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
