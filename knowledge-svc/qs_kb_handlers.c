/*  qs_kb_handlers - bus ops of the knowledge service. */
#include "qs_kb_handlers.h"
#include "qs_log.h"
#include "qs_util.h"

static int
s_fail (qs_req_t *req, const qs_err_t *err, int64_t t0)
{
    qs_log (err->status >= 500 ? QS_LOG_WARN : QS_LOG_INFO, qs_req_id (req),
            "op=%s status=%d code=%s ms=%lld", qs_req_op (req), err->status, err->code,
            (long long) (qs_mono_ms () - t0));
    return qs_req_fail_err (req, err);
}

int
qs_kb_handle_search (qs_req_t *req, void *arg)
{
    int64_t t0 = qs_mono_ms ();
    qs_err_t err = { 0 };
    json_object *reply = NULL;
    if (qs_kb_op_search (arg, qs_req_body (req), qs_req_auth (req), &reply, &err))
        return s_fail (req, &err, t0);
    qs_debug (qs_req_id (req), "op=search status=200 ms=%lld", (long long) (qs_mono_ms () - t0));
    return qs_req_reply (req, &reply);
}

int
qs_kb_handle_add (qs_req_t *req, void *arg)
{
    int64_t t0 = qs_mono_ms ();
    qs_err_t err = { 0 };
    json_object *reply = NULL;
    if (qs_kb_op_add (arg, qs_req_body (req), qs_req_auth (req), &reply, &err))
        return s_fail (req, &err, t0);
    qs_info (qs_req_id (req), "op=add_document status=201 id=%s",
             json_object_get_string (json_object_object_get (reply, "id")));
    return qs_req_reply_status (req, 201, &reply);
}

int
qs_kb_handle_delete (qs_req_t *req, void *arg)
{
    int64_t t0 = qs_mono_ms ();
    qs_err_t err = { 0 };
    if (qs_kb_op_delete (arg, qs_req_body (req), qs_req_auth (req), &err))
        return s_fail (req, &err, t0);
    qs_info (qs_req_id (req), "op=delete_document status=204");
    json_object *empty = NULL;
    return qs_req_reply_status (req, 204, &empty);
}
