/*  qs_metrics - a Prometheus registry: counters, gauges and histograms with
    labels, rendered in the text exposition format. Thread-safe: any thread
    may update, one may render. Label sets are given preformatted, e.g.
    "route=\"/api/v1/chat\",status=\"200\"" (use qs_metrics_label_escape for
    values that come from outside). */
#ifndef QS_METRICS_H
#define QS_METRICS_H

#include <stddef.h>

typedef struct _qs_metrics_t qs_metrics_t;

typedef enum { QS_METRIC_COUNTER, QS_METRIC_GAUGE, QS_METRIC_HISTOGRAM } qs_metric_kind_t;

/*  New empty registry, NULL on allocation failure. */
qs_metrics_t *qs_metrics_new (void);
/*  Free the registry and null the pointer; accepts NULL. */
void qs_metrics_destroy (qs_metrics_t **self_p);

/*  Declare a family. buckets (ascending, seconds or any unit) only for
    histograms; NULL means the default latency buckets. Declaring the same name
    twice with the same kind is a no-op. Returns 0 or -1. */
int qs_metrics_declare (qs_metrics_t *self, const char *name, qs_metric_kind_t kind,
                        const char *help, const double *buckets, size_t nbuckets);

/*  Update a series (created on first use; labels may be NULL or ""). Updating
    an undeclared family is ignored. */
void qs_metrics_inc (qs_metrics_t *self, const char *name, const char *labels, double by);
void qs_metrics_set (qs_metrics_t *self, const char *name, const char *labels, double value);
void qs_metrics_observe (qs_metrics_t *self, const char *name, const char *labels, double value);

/*  A gauge whose value comes from a callback at render time. */
typedef double (qs_gauge_fn) (void *arg);
int qs_metrics_gauge_fn (qs_metrics_t *self, const char *name, const char *help,
                         qs_gauge_fn *fn, void *arg);

/*  Render the whole registry. Caller frees the returned string. */
char *qs_metrics_render (qs_metrics_t *self);

/*  Escape a label value (backslash, quote, newline) into dst (size bytes,
    always terminated). Returns dst. */
char *qs_metrics_label_escape (char *dst, size_t size, const char *value);

/*  Serve GET /metrics (this registry plus process metrics: RSS, open fds,
    start time) and GET /healthz on addr ("host:port") with a small civetweb
    listener. Returns an opaque handle for qs_metrics_server_stop, or NULL. */
typedef struct _qs_metrics_server_t qs_metrics_server_t;
qs_metrics_server_t *qs_metrics_server_start (qs_metrics_t *self, const char *addr);
void qs_metrics_server_stop (qs_metrics_server_t **server_p);

/*  Append process metrics (process_resident_memory_bytes, process_open_fds,
    process_start_time_seconds) to a rendered exposition. Caller frees. */
char *qs_metrics_render_with_process (qs_metrics_t *self);

#endif
