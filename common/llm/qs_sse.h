/*  qs_sse - an incremental Server-Sent Events parser (the text/event-stream
    framing of the WHATWG spec, as OpenAI-compatible APIs stream it).

    Feed it bytes as they arrive, in pieces of any size; it calls back once
    per complete event with the event name and the data lines joined by
    '\n'. Comment lines (":" ...) and unknown fields are skipped. A parser
    belongs to one thread. */
#ifndef QS_SSE_H
#define QS_SSE_H

#include <stddef.h>

typedef struct _qs_sse_t qs_sse_t;

/*  One event: event is "message" when the stream named none; data is
    terminated and len bytes long. Both are lent for the call only. Return 0
    to go on, non-zero to stop: qs_sse_feed then returns that value. */
typedef int (qs_sse_event_fn) (const char *event, const char *data, size_t len, void *arg);

/*  New parser calling fn with arg; max_event caps the bytes one event may
    buffer (0 = 1 MiB). NULL on allocation failure. */
qs_sse_t *qs_sse_new (qs_sse_event_fn *fn, void *arg, size_t max_event);

/*  Free the parser and null the pointer; accepts NULL. */
void qs_sse_destroy (qs_sse_t **self_p);

/*  Feed len bytes. Returns 0, the callback's non-zero value, or -1 when an
    event exceeds max_event or memory runs out. */
int qs_sse_feed (qs_sse_t *self, const char *bytes, size_t len);

/*  True when bytes of an unfinished line or event are still buffered (the
    stream ended mid-event). */
int qs_sse_pending (qs_sse_t *self);

#endif
