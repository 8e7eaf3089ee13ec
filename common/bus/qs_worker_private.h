/*  qs_worker_private - what qs_worker.c and qs_req.c share; not a public API. */
#ifndef QS_WORKER_PRIVATE_H
#define QS_WORKER_PRIVATE_H

#include <czmq.h>
#include <stdatomic.h>
#include "qs_client.h"
#include "qs_envelope.h"
#include "qs_worker.h"

/*  Cancel notices travel from a slot's I/O thread to its handler thread as
    atomics, never over the socket the handler does not own. */
typedef struct {
    atomic_llong cancel_one;        /* this request sequence is cancelled */
    atomic_llong cancel_upto;       /* every sequence <= this is cancelled */
} qs_req_flags_t;

struct _qs_req_t {
    qs_envelope_t env;              /* body owned */
    long long seq;
    zsock_t *pipe;                  /* handler -> its I/O thread; NULL when local */
    qs_req_flags_t *flags;          /* NULL when local */
    qs_client_t **client_p;         /* the handler thread's client for nested calls */
    const char *endpoint;           /* broker, for nested calls */
    qs_client_retry_fn *retry;      /* for the nested calls' client (qs_worker_config_t) */
    int status;                     /* 0 until answered */
    /* local requests only */
    bool local;
    json_object *local_reply;
    json_object *local_partials;
};

/*  Reset and fill a request for a handler run (qs_worker.c). */
void qs_req_init (qs_req_t *req, long long seq, zsock_t *pipe, qs_req_flags_t *flags,
                  qs_client_t **client_p, const char *endpoint, qs_client_retry_fn *retry);
/*  Release what the request owns (not the struct). */
void qs_req_fini (qs_req_t *req);

#endif
