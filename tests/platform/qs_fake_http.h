/*  qs_fake_http - a scripted HTTP server for unit tests (civetweb on an
    ephemeral loopback port). Routes match "METHOD" and a prefix of the
    request URI (path plus query); the first matching route that still has
    uses left answers. Requests are recorded so tests can check headers. */
#ifndef QS_FAKE_HTTP_H
#define QS_FAKE_HTTP_H

#include <stddef.h>

typedef struct _qs_fake_http_t qs_fake_http_t;

typedef struct {
    char method[8];
    char uri[512];
    char authorization[512];
    char idempotency_key[160];
    char content_type[96];
    char body[1024];
} qs_fake_seen_t;

/*  Start on 127.0.0.1:<ephemeral>. NULL on failure. */
qs_fake_http_t *qs_fake_http_start (void);
void qs_fake_http_stop (qs_fake_http_t **self_p);

/*  "http://127.0.0.1:PORT" (lent). */
const char *qs_fake_http_url (qs_fake_http_t *self);

/*  Add a route. body is copied (NULL = empty); times 0 = unlimited;
    delay_ms sleeps before answering; retry_after > 0 adds the header. */
void qs_fake_http_route (qs_fake_http_t *self, const char *method, const char *uri_prefix,
                         int status, const char *body, int times, int delay_ms, int retry_after);

/*  Requests seen so far and the i-th one (lent, NULL past the end). */
int qs_fake_http_count (qs_fake_http_t *self);
const qs_fake_seen_t *qs_fake_http_seen (qs_fake_http_t *self, int i);

#endif
