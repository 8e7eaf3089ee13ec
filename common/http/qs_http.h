/*  qs_http - the one libcurl wrapper: every outbound HTTP call (the QuickSpin
    platform, the Kubernetes API, the LLM and embeddings APIs, the CLI to the
    gateway) goes through it. An instance keeps one CURL easy handle so
    keep-alive connections and TLS sessions are reused between calls.

    It sends one request (method, headers, body, timeouts; never follows a
    redirect) and returns the status, the response headers and the body, or
    hands a 2xx body to a callback as it streams in (SSE). Retries, backoff,
    Retry-After policy and idempotency keys belong to the callers.

    libcurl is loaded on the first call of the process (qs_curl.h), so a
    process that never makes one does not map it nor the twenty-odd libraries
    it pulls in. Without libcurl every call fails with QS_HTTP_OTHER and a
    detail saying so (qs_http_fail_err: 503 service_unavailable).

    Threads: an instance is NOT thread-safe. Use one instance per thread (or
    guard it with your own lock); the first call of the process may come from
    any thread. */
#ifndef QS_HTTP_H
#define QS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "qs_err.h"

typedef struct _qs_http_t qs_http_t;

/*  What went wrong below HTTP, when no complete response was received. */
typedef enum {
    QS_HTTP_OK = 0,          /* a response (any status) was received */
    QS_HTTP_TIMEOUT,         /* the per-call timeout elapsed */
    QS_HTTP_CONNECT,         /* connection refused / reset / host unreachable / DNS */
    QS_HTTP_TLS,             /* certificate or handshake problem */
    QS_HTTP_TOO_LARGE,       /* the body exceeded max_body */
    QS_HTTP_OTHER            /* anything else (bad URL, out of memory, ...) */
} qs_http_fail_t;

/*  A piece of a 2xx body as it arrives (lent for the call). Return 0 to go
    on, non-zero to stop the transfer (resp->stopped is then set). */
typedef int (qs_http_data_fn) (const char *data, size_t len, void *arg);
/*  Called about ten times a second while the call waits (spinners). */
typedef void (qs_http_tick_fn) (void *arg);

typedef struct {
    const char *method;          /* "GET", "POST", "PATCH", "DELETE", ... */
    const char *url;             /* absolute URL */
    const char *bearer;          /* token for Authorization: Bearer, or NULL; never logged */
    const char *const *headers;  /* extra "Name: value" lines, NULL-terminated, or NULL */
    const char *body;            /* request body or NULL */
    size_t body_len;
    const char *content_type;    /* of the body; NULL = application/json */
    const char *accept;          /* NULL = "application/json, text/plain;q=0.9" */
    const char *ca_file;         /* PEM bundle to verify the server, or NULL = system */
    int64_t timeout_ms;          /* whole call; must be > 0 */
    int64_t connect_timeout_ms;  /* 0 = min(timeout_ms, 3000) */
    size_t max_body;             /* 0 = 8 MiB */
    qs_http_data_fn *on_data;    /* NULL = collect a 2xx body into resp->body */
    qs_http_tick_fn *on_tick;    /* NULL = no ticks; set, the connection is not kept */
    const char *resolve;         /* "host:port:address": connect to that checked address for
                                    the URL's host, never what DNS says now (CURLOPT_RESOLVE;
                                    the entry stays in the instance's DNS cache, so pinned
                                    calls use an instance of their own); NULL = DNS */
    void *arg;                   /* for on_data and on_tick */
} qs_http_req_t;

typedef struct {
    long status;                 /* HTTP status, 0 when fail != QS_HTTP_OK */
    qs_http_fail_t fail;
    char *body;                  /* always NUL-terminated when non-NULL; owned, see clear */
    size_t len;
    int retry_after;             /* seconds from Retry-After (delta form), 0 = none */
    long broken_status;          /* fail != OK after a response head arrived: its status */
    bool stopped;                /* on_data stopped the transfer */
    char *headers;               /* owned; read with qs_http_resp_header(_next) */
    size_t headers_len;
    char detail[160];            /* transport detail for logs (never holds the token) */
} qs_http_resp_t;

/*  Load libcurl now instead of at the first call (a process that must not
    start without it). 0, or -1 with why (size bytes) saying why not. */
int qs_http_load (char *why, size_t size);

/*  New connection holder (libcurl's handle is made at its first call), NULL
    when out of memory. */
qs_http_t *qs_http_new (void);
/*  Free and null; accepts NULL. */
void qs_http_destroy (qs_http_t **self_p);

/*  Run one request. Returns 0 when an HTTP response arrived (whatever its
    status, also when on_data stopped it), -1 on a transport failure
    (resp->fail says which). resp is reset first; release it with
    qs_http_resp_clear in both cases. */
int qs_http_perform (qs_http_t *self, const qs_http_req_t *req, qs_http_resp_t *resp);

/*  New connections opened by this instance so far (keep-alive reuse shows
    as requests > connections). */
long qs_http_connections (qs_http_t *self);

/*  Free the body and headers and zero resp. Accepts NULL. */
void qs_http_resp_clear (qs_http_resp_t *resp);

/*  The value of the first response header called name (any case), trimmed;
    NULL when absent. Lent until qs_http_resp_clear. */
const char *qs_http_resp_header (const qs_http_resp_t *resp, const char *name);

/*  Walk the response headers: start with *pos = 0; returns 1 with *name and
    *value (lent, as above) and advances *pos, or 0 at the end. */
int qs_http_resp_header_next (const qs_http_resp_t *resp, size_t *pos, const char **name,
                              const char **value);

/*  Set err for a transport failure of resp, naming the peer (e.g. "the
    embeddings API"): 504 deadline_exceeded for a timeout, 502 bad_gateway
    for a too-large body, 503 service_unavailable otherwise. Returns -1. */
int qs_http_fail_err (const qs_http_resp_t *resp, const char *peer, qs_err_t *err);

/*  Percent-encode src for a path segment or query value into dst (size
    bytes, always terminated). Returns 0, or -1 when it did not fit. */
int qs_http_escape (char *dst, size_t size, const char *src);

#endif
