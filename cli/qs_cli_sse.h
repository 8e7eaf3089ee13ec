/*  qs_cli_sse - an incremental parser for a text/event-stream body: feed it
    the bytes as they arrive, it calls back once per complete event. */
#ifndef QS_CLI_SSE_H
#define QS_CLI_SSE_H

#include <stddef.h>

typedef struct _qs_cli_sse_t qs_cli_sse_t;

/*  Called per event: name ("message" when the stream gave none) and the
    joined data lines (both lent for the call). Return 0 to go on, -1 to stop
    (qs_cli_sse_feed then returns -1). */
typedef int (qs_cli_sse_fn) (const char *event, const char *data, void *arg);

/*  A new parser calling fn(…, arg); NULL when out of memory. */
qs_cli_sse_t *qs_cli_sse_new (qs_cli_sse_fn *fn, void *arg);
/*  Free the parser and null *self_p; accepts NULL. */
void qs_cli_sse_destroy (qs_cli_sse_t **self_p);
/*  Feed len bytes (any split, CRLF or LF line ends). 0, or -1 when the
    callback stopped or memory ran out. */
int qs_cli_sse_feed (qs_cli_sse_t *self, const char *bytes, size_t len);

#endif
