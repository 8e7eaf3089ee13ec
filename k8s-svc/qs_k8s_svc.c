/*  qs_k8s_svc - see qs_k8s_svc.h */
#include "qs_k8s_svc.h"
#include "qs_log.h"
#include "qs_ops_worker.h"
#include "qs_util.h"

int
qs_k8s_svc_handle (qs_req_t *req, void *arg)
{
    qs_k8s_ops_t *ops = arg;
    json_object *reply = NULL;
    qs_err_t err = {0};
    int64_t t0 = qs_mono_ms ();
    int rc = qs_k8s_ops_run (ops, qs_req_op (req), qs_req_auth (req), qs_req_body (req),
                             qs_req_deadline_ms (req), qs_req_id (req), &reply, &err);
    if (rc == 0) {
        qs_info (qs_req_id (req), "op=%s status=200 ms=%lld", qs_req_op (req),
                 (long long) (qs_mono_ms () - t0));
        qs_req_reply (req, &reply);
        return 0;
    }
    qs_log (err.status >= 500 ? QS_LOG_WARN : QS_LOG_INFO, qs_req_id (req),
            "op=%s status=%d code=%s ms=%lld", qs_req_op (req), err.status, err.code,
            (long long) (qs_mono_ms () - t0));
    return qs_req_fail_err (req, &err);
}

int
qs_k8s_svc_register (qs_worker_t *worker, qs_k8s_ops_t *ops, qs_err_t *err)
{
    qs_ops_handler_t handlers[16];
    size_t count = 0;
    for (const char *const *op = qs_k8s_ops_names (); *op; op++) {
        if (count == sizeof handlers / sizeof handlers[0])
            return qs_err_set (err, 500, "bad_config", "more k8s ops than handler slots");
        handlers[count++] = (qs_ops_handler_t) { *op, qs_k8s_svc_handle, ops };
    }
    return qs_ops_register (worker, "k8s", handlers, count, err);
}
