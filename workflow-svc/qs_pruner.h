/*  qs_pruner - keeps checkpoint storage bounded: a background thread removes
    the checkpoints of finished, failed and cancelled runs once they are older
    than the retention. Runs waiting for a confirmation are never touched. */
#ifndef QS_PRUNER_H
#define QS_PRUNER_H

#include <stdint.h>
#include "qs_store.h"

typedef struct _qs_pruner_t qs_pruner_t;

/*  Start pruning store (lent; must outlive the pruner) every interval_ms,
    removing finished runs last updated more than retention_ms ago. NULL when
    the thread cannot start. */
qs_pruner_t *qs_pruner_new (qs_store_t *store, int64_t retention_ms, int interval_ms);

/*  Run one pass now; the number of checkpoints removed, or -1. */
long qs_pruner_run_once (qs_pruner_t *self);

/*  Stop the thread, free, null; accepts NULL. */
void qs_pruner_destroy (qs_pruner_t **self_p);

#endif
