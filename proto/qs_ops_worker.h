/*  qs_ops_worker - a worker registers its handlers from the table of
    operations (qs_ops.h): the service's main gives {op -> handler}, and
    registration fails when a row of the service has no handler or a
    handler has no row, so the table and the workers cannot drift. Kept
    apart from qs_ops.c so the gateway and the broker do not link the
    worker runtime. */
#ifndef QS_OPS_WORKER_H
#define QS_OPS_WORKER_H

#include <stddef.h>
#include "qs_err.h"
#include "qs_worker.h"

typedef struct {
    const char *op;             /* the row's op */
    qs_op_fn *fn;
    void *arg;                  /* lent to every call */
} qs_ops_handler_t;

/*  Check handlers[0..count) against the table's rows of service (each op
    of the service exactly once; the built-in ping is not listed), then
    add them to worker. 0, or -1 with err (500 bad_config, naming the op;
    when the check fails nothing is added). */
int qs_ops_register (qs_worker_t *worker, const char *service,
                     const qs_ops_handler_t *handlers, size_t count, qs_err_t *err);

#endif
