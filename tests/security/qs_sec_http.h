/*  qs_sec_http - a raw HTTP/1.1 client over a plain socket for the security
    tests: they need to send what libcurl will not (a head one byte at a
    time, an oversized head, a body that never finishes) and to see every
    response header. */
#ifndef QS_SEC_HTTP_H
#define QS_SEC_HTTP_H

#include <stddef.h>

typedef struct {
    int status;                  /* 0 = no parsable answer */
    char head[8192];             /* status line and headers, NUL-terminated */
    char *body;                  /* owned, NUL-terminated (may be empty) */
    size_t body_len;
} qs_sec_resp_t;

/*  A connected TCP socket to 127.0.0.1:port, or -1. */
int qs_sec_connect (int port);

/*  Send len bytes of req on a new connection and read the answer (until
    Content-Length is satisfied, EOF or timeout_ms). Returns the status
    (0 = none). Free resp with qs_sec_resp_free. */
int qs_sec_request (int port, const char *req, size_t len, int timeout_ms, qs_sec_resp_t *resp);

/*  Read an answer from fd (already sent); same rules. */
int qs_sec_read (int fd, int timeout_ms, qs_sec_resp_t *resp);

void qs_sec_resp_free (qs_sec_resp_t *resp);

/*  The value of a response header (case-insensitive name) into out; NULL
    when absent. */
const char *qs_sec_header (const qs_sec_resp_t *resp, const char *name, char *out, size_t size);

/*  A simple request text: method, path, optional bearer token, optional
    JSON body, optional extra header lines ("Name: v\r\n"). Caller frees. */
char *qs_sec_format (const char *method, const char *path, const char *token,
                     const char *body, const char *extra);

#endif
