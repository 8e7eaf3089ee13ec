/*  qs_sse - the one incremental Server-Sent Events parser (the
    text/event-stream framing of the WHATWG spec): the LLM client reads an
    OpenAI-compatible stream with it, the CLI the gateway's chat stream.

    Feed it bytes as they arrive, in pieces of any size; it calls back once
    per complete event. Lines end in LF, CRLF or a lone CR; comment lines
    (":" ...), "retry:" and unknown fields are skipped; a leading byte-order
    mark is dropped. A parser belongs to one thread. */
#ifndef QS_SSE_H
#define QS_SSE_H

#include <stddef.h>

typedef struct _qs_sse_t qs_sse_t;

/*  One event. All strings are terminated and lent for the callback only. */
typedef struct {
    const char *name;       /* "event:" field; "message" when the event named none */
    const char *data;       /* the data lines joined by '\n' */
    size_t len;             /* bytes of data */
    const char *id;         /* the last "id:" seen on the stream, "" when none */
} qs_sse_event_t;

/*  Called per event. Return 0 to go on, non-zero to stop: qs_sse_feed then
    returns that value. */
typedef int (qs_sse_event_fn) (const qs_sse_event_t *event, void *arg);

/*  New parser calling fn with arg; max_event caps the bytes one line or one
    event's data may buffer (0 = 1 MiB). NULL on allocation failure. */
qs_sse_t *qs_sse_new (qs_sse_event_fn *fn, void *arg, size_t max_event);

/*  Free the parser and null the pointer; accepts NULL. */
void qs_sse_destroy (qs_sse_t **self_p);

/*  Feed len bytes. Returns 0, the callback's non-zero value, or -1 when a
    line or an event exceeds max_event or memory runs out. */
int qs_sse_feed (qs_sse_t *self, const char *bytes, size_t len);

/*  True when bytes of an unfinished line or event are still buffered (the
    stream ended mid-event). */
int qs_sse_pending (qs_sse_t *self);

#endif
