/*  qs_notify - delivers notifications (contract section 11) to an
    organisation's webhook from a bounded queue on a thread of its own, so
    a slow or dead webhook never holds a request: enqueueing never blocks.

    A delivery that fails for a reason worth another try (no connection,
    timeout, 429, 5xx) is retried with exponential back-off up to
    max_attempts; a 4xx other than 429 is final. When the queue is full the
    new notification is dropped and counted (a flood of alerts must not grow
    memory without bound). Each finished delivery, good or bad, is reported
    through done() so the caller can record the last result. */
#ifndef QS_NOTIFY_H
#define QS_NOTIFY_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct _qs_notify_t qs_notify_t;

/*  POST body (JSON text) to url within timeout_ms. Returns the HTTP status,
    or -1 with why (size bytes) when no answer came. Called on the delivery
    thread only. */
typedef int (qs_notify_send_fn) (void *arg, const char *url, const char *body, int timeout_ms,
                                 char *why, size_t size);

typedef struct {
    bool ok;                  /* a 2xx answer */
    int status;               /* last HTTP status, -1 when none */
    int attempts;
    int64_t at_ms;            /* when the last attempt finished */
    char event[48];           /* the notification's event, e.g. "incident.opened" */
    char error[200];          /* why it failed ("" when ok) */
} qs_notify_result_t;

/*  A finished delivery (result lent). Called on the delivery thread. */
typedef void (qs_notify_done_fn) (void *arg, const char *org_id, const qs_notify_result_t *result);

typedef struct {
    size_t queue_max;         /* notifications waiting at most (default 256) */
    int max_attempts;         /* default 5 */
    int backoff_ms;           /* first retry after this, doubling (default 1000) */
    int timeout_ms;           /* per attempt (default 5000) */
    qs_notify_send_fn *send;
    qs_notify_done_fn *done;  /* may be NULL */
    void *arg;                /* for send and done */
} qs_notify_config_t;

/*  Start the delivery thread. NULL on failure (bad config, no thread). */
qs_notify_t *qs_notify_new (const qs_notify_config_t *config);

/*  Stop the thread (an attempt in flight finishes first) and drop what is
    still queued. Accepts NULL. */
void qs_notify_destroy (qs_notify_t **self_p);

/*  Queue a notification of event for org_id to url: the body is
    {"text": text, "event": event, ...data} (data lent, may be NULL).
    0, or -1 when the queue is full or the arguments are bad (dropped). */
int qs_notify_enqueue (qs_notify_t *self, const char *org_id, const char *url, const char *event,
                       const char *text, json_object *data);

/*  Counters since start (for metrics and tests). */
typedef struct {
    uint64_t queued, delivered, failed, dropped, retried;
    size_t waiting;
} qs_notify_stats_t;
void qs_notify_stats (qs_notify_t *self, qs_notify_stats_t *stats);

#endif
