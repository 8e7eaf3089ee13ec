/*  qs_req - the request a handler sees (see qs_worker.h). Answers go to the
    slot's I/O thread over the handler thread's own pipe; local requests
    capture them instead. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include "qs_worker_private.h"

void
qs_req_init (qs_req_t *req, long long seq, zsock_t *pipe, qs_req_flags_t *flags,
             qs_client_t **client_p, const char *endpoint, qs_client_retry_fn *retry)
{
    memset (req, 0, sizeof *req);
    req->retry = retry;
    req->seq = seq;
    req->pipe = pipe;
    req->flags = flags;
    req->client_p = client_p;
    req->endpoint = endpoint;
}

void
qs_req_fini (qs_req_t *req)
{
    qs_envelope_clear (&req->env);
    json_object_put (req->local_reply);
    json_object_put (req->local_partials);
    req->local_reply = NULL;
    req->local_partials = NULL;
}

const char *qs_req_op (qs_req_t *req) { return req->env.op; }
const char *qs_req_id (qs_req_t *req) { return req->env.request_id; }
const char *qs_req_traceparent (qs_req_t *req) { return req->env.traceparent; }
json_object *qs_req_body (qs_req_t *req) { return req->env.body; }
const qs_auth_t *qs_req_auth (qs_req_t *req) { return &req->env.auth; }
int64_t qs_req_deadline_ms (qs_req_t *req) { return req->env.deadline_ms; }

int64_t
qs_req_remaining_ms (qs_req_t *req)
{
    return req->env.deadline_ms - qs_now_ms ();
}

/*  Cancelled by its I/O thread: a cancel notice, or the worker's shutdown
    grace is over. */
static bool
s_flagged (qs_req_t *req)
{
    return req->flags
        && (atomic_load (&req->flags->cancel_one) == req->seq
            || atomic_load (&req->flags->cancel_upto) >= req->seq);
}

bool
qs_req_cancelled (qs_req_t *req)
{
    return qs_req_remaining_ms (req) <= 0 || s_flagged (req);
}

static void
s_send (qs_req_t *req, const char *kind, const char *a, const char *b)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, kind);
    zmsg_addstrf (msg, "%lld", req->seq);
    zmsg_addstr (msg, a);
    zmsg_addstr (msg, b);
    zmsg_send (&msg, req->pipe);
    zmsg_destroy (&msg);
}

int
qs_req_partial (qs_req_t *req, const char *event, json_object **data_p)
{
    json_object *data = data_p ? *data_p : NULL;
    if (data_p)
        *data_p = NULL;
    int rc = -1;
    if (req->status || qs_req_cancelled (req) || !event)
        goto cleanup;
    if (req->env.quiet)
        ;                               /* the caller reads none: not sent */
    else
    if (req->local) {
        if (!req->local_partials)
            req->local_partials = json_object_new_array ();
        json_object *entry = json_object_new_object ();
        qs_json_add_str (entry, "event", event);
        json_object_object_add (entry, "data", data ? data : json_object_new_object ());
        data = NULL;
        json_object_array_add (req->local_partials, entry);
    }
    else
        s_send (req, "P", event, data ? qs_json_text (data) : "{}");
    rc = 0;
cleanup:
    json_object_put (data);
    return rc;
}

int
qs_req_reply_status (qs_req_t *req, int status, json_object **body_p)
{
    json_object *body = body_p ? *body_p : NULL;
    if (body_p)
        *body_p = NULL;
    if (req->status) {
        qs_warn (req->env.request_id, "worker: op=%s answered twice", req->env.op);
        json_object_put (body);
        return -1;
    }
    req->status = status;
    if (req->local) {
        req->local_reply = body;
        return 0;
    }
    char text [16];
    snprintf (text, sizeof text, "%d", status);
    s_send (req, "F", text, body ? qs_json_text (body) : "");
    json_object_put (body);
    return 0;
}

int
qs_req_reply (qs_req_t *req, json_object **body_p)
{
    return qs_req_reply_status (req, 200, body_p);
}

static int
s_fail (qs_req_t *req, int status, const char *code, const char *message, int retry_after)
{
    json_object *body = qs_bus_error_body (code, message);
    json_object *error = qs_json_get (body, "error", json_type_object);
    qs_json_add_str (error, "request_id", req->env.request_id);
    if (retry_after > 0)
        qs_json_add_int (error, "retry_after", retry_after);
    if (status < 400 || status > 599)
        status = 500;
    qs_req_reply_status (req, status, &body);
    return -1;
}

int
qs_req_fail (qs_req_t *req, int status, const char *code, const char *fmt, ...)
{
    char message [512];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (message, sizeof message, fmt, ap);
    va_end (ap);
    return s_fail (req, status, code ? code : qs_err_code_for_status (status), message, 0);
}

int
qs_req_fail_err (qs_req_t *req, const qs_err_t *err)
{
    if (!err || err->status < 400)
        return s_fail (req, 500, "internal", "internal error", 0);
    return s_fail (req, err->status, err->code [0] ? err->code : qs_err_code_for_status (err->status),
                   err->message, err->retry_after);
}

/*  A nested call ends with its request, so a drain never waits out the
    deadline of a call to a broker that is already gone. */
static bool
s_call_aborted (void *arg)
{
    return s_flagged ((qs_req_t *) arg);
}

int
qs_req_call (qs_req_t *req, const char *service, const char *op, json_object *body,
             json_object **reply_p, qs_err_t *err,
             qs_partial_fn *on_partial, void *partial_arg)
{
    qs_client_t *temporary = NULL;
    qs_client_t *client = req->client_p ? *req->client_p : NULL;
    if (!client) {
        client = qs_client_new (req->endpoint);
        if (!client)
            return qs_err_set (err, 503, "service_unavailable", "cannot reach the broker");
        qs_client_set_retry (client, req->retry);
        if (req->client_p)
            *req->client_p = client;        /* kept for this thread's next calls */
        else
            temporary = client;
    }
    char traceparent [QS_BUS_TP_LEN + 1];
    qs_traceparent_child (req->env.traceparent, traceparent);
    qs_call_t call = {
        .service = service, .op = op, .request_id = req->env.request_id,
        .traceparent = traceparent, .deadline_ms = req->env.deadline_ms,
        .auth = req->env.auth.sub [0] ? &req->env.auth : NULL, .body = body
    };
    qs_client_set_abort (client, s_call_aborted, req);
    int rc = qs_client_call (client, &call, reply_p, err, on_partial, partial_arg);
    qs_client_set_abort (client, NULL, NULL);     /* the client outlives req */
    qs_client_destroy (&temporary);
    return rc < 0 ? -1 : 0;
}

/* ---- local requests ---- */

qs_req_t *
qs_req_new_local (const char *op, json_object *body, const qs_auth_t *auth, int64_t timeout_ms)
{
    qs_req_t *req = (qs_req_t *) calloc (1, sizeof *req);
    if (!req)
        return NULL;
    req->local = true;
    qs_strlcpy (req->env.op, op ? op : "", sizeof req->env.op);
    qs_strlcpy (req->env.service, "local", sizeof req->env.service);
    qs_strlcpy (req->env.call_id, "local", sizeof req->env.call_id);
    char id [QS_ID_LEN + 1] = "";
    qs_id_new (id);
    qs_strlcpy (req->env.request_id, id, sizeof req->env.request_id);
    qs_traceparent_new (req->env.traceparent);
    req->env.deadline_ms = qs_now_ms () + (timeout_ms > 0 ? timeout_ms : 30000);
    if (auth)
        req->env.auth = *auth;
    if (body) {
        /* a deep copy: the handler may keep or change its body */
        json_object *copy = NULL;
        if (json_object_deep_copy (body, &copy, NULL) == 0)
            req->env.body = copy;
    }
    if (!req->env.body)
        req->env.body = json_object_new_object ();
    return req;
}

void
qs_req_destroy_local (qs_req_t **req_p)
{
    if (!req_p || !*req_p)
        return;
    qs_req_fini (*req_p);
    free (*req_p);
    *req_p = NULL;
}

int
qs_req_local_status (qs_req_t *req)
{
    return req->status;
}

json_object *
qs_req_local_reply (qs_req_t *req)
{
    return req->local_reply;
}

json_object *
qs_req_local_partials (qs_req_t *req)
{
    if (!req->local_partials)
        req->local_partials = json_object_new_array ();
    return req->local_partials;
}
