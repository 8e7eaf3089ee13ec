/*  qs_k8s_svc - the glue between the worker runtime and qs_k8s_ops: one
    handler for every op, answering in the contract's error shape and
    logging each request with its id. Testable with qs_req_new_local. */
#ifndef QS_K8S_SVC_H
#define QS_K8S_SVC_H

#include "qs_k8s_ops.h"
#include "qs_worker.h"

/*  Handler for any k8s op; arg is the qs_k8s_ops_t (lent). Always answers
    (reply or fail). Returns 0 on success, -1 when it answered an error. */
int qs_k8s_svc_handle (qs_req_t *req, void *arg);

/*  Register every op of qs_k8s_ops_names() on worker with ops as arg,
    checked against the "k8s" rows of the table of operations
    (qs_ops_register). 0, or -1 with err. */
int qs_k8s_svc_register (qs_worker_t *worker, qs_k8s_ops_t *ops, qs_err_t *err);

#endif
