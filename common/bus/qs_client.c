/*  qs_client - see qs_client.h and proto/bus.md */
#include "qs_client.h"
#include <czmq.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_env.h"
#include "qs_envelope.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"

/*  How long past the deadline we wait for the broker's own 504 before
    answering 504 ourselves (broker gone): just poll granularity, so a call
    never outlives its deadline noticeably. */
#define QS_CLIENT_DEADLINE_SLACK_MS 20

struct _qs_client_t {
    zsock_t *dealer;
    char *endpoint;
    uint64_t sequence;          /* call ids: unique per socket */
};

qs_client_t *
qs_client_new (const char *endpoint)
{
    qs_client_t *self = (qs_client_t *) calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->endpoint = strdup (endpoint ? endpoint : qs_env_broker_endpoint ());
    self->dealer = zsock_new (ZMQ_DEALER);
    if (!self->endpoint || !self->dealer)
        goto failed;
    zsock_set_linger (self->dealer, 0);
    zsock_set_sndtimeo (self->dealer, 0);
    zsock_set_reconnect_ivl (self->dealer, 100);
    zsock_set_reconnect_ivl_max (self->dealer, 1000);
    zsock_set_maxmsgsize (self->dealer, 16 * 1024 * 1024);
    if (zsock_connect (self->dealer, "%s", self->endpoint) != 0) {
        qs_error (NULL, "client: cannot connect to %s", self->endpoint);
        goto failed;
    }
    return self;
failed:
    qs_client_destroy (&self);
    return NULL;
}

void
qs_client_destroy (qs_client_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_client_t *self = *self_p;
    zsock_destroy (&self->dealer);
    free (self->endpoint);
    free (self);
    *self_p = NULL;
}

static int
s_send (qs_client_t *self, qs_bus_cmd_t cmd, zmsg_t **msg_p)
{
    zmsg_t *msg = *msg_p ? *msg_p : zmsg_new ();
    *msg_p = NULL;
    qs_bus_header_push (msg, QS_BUS_CLIENT, cmd);
    /* the pipe queues while the broker is away; a full pipe fails at once
       (sndtimeo 0) rather than blocking past the deadline */
    int rc = zmsg_send (&msg, self->dealer);
    zmsg_destroy (&msg);
    return rc;
}

static void
s_cancel (qs_client_t *self, const char *call_id)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, call_id);
    s_send (self, QS_CMD_CANCEL, &msg);
}

/*  Wait for a reply with the given command and call id until deadline_mono.
    Stale replies (other call ids) are dropped. Returns the message with its
    header and call id popped, or NULL on timeout; *cmd_p gets the command
    (QS_CMD_DISCONNECT when the broker refused us). */
static zmsg_t *
s_wait (qs_client_t *self, const char *call_id, int64_t deadline_mono, int *cmd_p)
{
    char got [QS_BUS_CALL_ID_MAX + 1];
    while (true) {
        int64_t wait = deadline_mono - qs_mono_ms ();
        if (wait < 0)
            return NULL;
        zmq_pollitem_t item = { zsock_resolve (self->dealer), 0, ZMQ_POLLIN, 0 };
        int rc = zmq_poll (&item, 1, (long) wait);
        if (rc < 0 && zmq_errno () != EINTR)
            return NULL;
        if (rc <= 0)
            continue;
        zmsg_t *msg = zmsg_recv (self->dealer);
        if (!msg)
            continue;
        int cmd = qs_bus_header_pop (msg, QS_BUS_CLIENT);
        if (cmd == QS_CMD_DISCONNECT) {
            *cmd_p = cmd;
            return msg;
        }
        if (cmd > 0 && qs_bus_pop_str (msg, got, sizeof got) == 0 && streq (got, call_id)) {
            *cmd_p = cmd;
            return msg;
        }
        zmsg_destroy (&msg);
    }
}

/*  Turn a FINAL's [status, body] into the call's result. */
static int
s_final (zmsg_t *msg, json_object **reply_p, qs_err_t *err)
{
    char status_text [8];
    if (zmsg_size (msg) != 2 || qs_bus_pop_str (msg, status_text, sizeof status_text))
        return qs_err_set (err, 502, "bad_gateway", "malformed reply from the bus");
    int status = atoi (status_text);
    zframe_t *body_frame = zmsg_pop (msg);
    json_object *body = NULL;
    if (zframe_size (body_frame) > 0) {
        const char *why = NULL;
        body = qs_json_parse ((const char *) zframe_data (body_frame), zframe_size (body_frame), &why);
    }
    zframe_destroy (&body_frame);
    if (status >= 200 && status < 300) {
        if (reply_p)
            *reply_p = body;
        else
            json_object_put (body);
        return status;
    }
    json_object *error = qs_json_get (body, "error", json_type_object);
    const char *code = qs_json_str (error, "code", NULL);
    qs_err_set (err, status >= 400 && status < 600 ? status : 502,
                code ? code : qs_err_code_for_status (status), "%s",
                qs_json_str (error, "message", "the service failed"));
    if (err && (status == 503 || status == 429))
        err->retry_after = (int) qs_json_int (error, "retry_after", 1);
    json_object_put (body);
    return -1;
}

int
qs_client_call (qs_client_t *self, const qs_call_t *call, json_object **reply_p,
                qs_err_t *err, qs_client_partial_fn *on_partial, void *arg)
{
    assert (self && call);
    if (reply_p)
        *reply_p = NULL;
    qs_envelope_t env;
    memset (&env, 0, sizeof env);
    snprintf (env.call_id, sizeof env.call_id, "%" PRIu64, ++self->sequence);
    qs_strlcpy (env.request_id, call->request_id ? call->request_id : "", sizeof env.request_id);
    if (call->traceparent && qs_traceparent_valid (call->traceparent))
        qs_strlcpy (env.traceparent, call->traceparent, sizeof env.traceparent);
    else
        qs_traceparent_new (env.traceparent);
    env.deadline_ms = call->deadline_ms;
    qs_strlcpy (env.service, call->service ? call->service : "", sizeof env.service);
    qs_strlcpy (env.op, call->op ? call->op : "", sizeof env.op);
    if (call->auth)
        env.auth = *call->auth;
    env.body = call->body;              /* lent: not cleared below */
    zmsg_t *msg = zmsg_new ();
    int rc = qs_envelope_encode (&env, msg);
    env.body = NULL;
    qs_envelope_clear (&env);
    if (rc != 0) {
        zmsg_destroy (&msg);
        return qs_err_set (err, 400, "bad_request", "invalid service, op or deadline");
    }
    char call_id [QS_BUS_CALL_ID_MAX + 1];
    snprintf (call_id, sizeof call_id, "%" PRIu64, self->sequence);
    if (call->deadline_ms <= qs_now_ms ()) {
        zmsg_destroy (&msg);
        return qs_err_set (err, 504, "deadline_exceeded", "the deadline had already passed");
    }
    if (s_send (self, QS_CMD_REQUEST, &msg) != 0)
        return qs_err_set (err, 503, "service_unavailable", "the broker is not reachable");
    int64_t deadline_mono = qs_mono_ms () + (call->deadline_ms - qs_now_ms ())
                          + QS_CLIENT_DEADLINE_SLACK_MS;
    while (true) {
        int cmd = 0;
        zmsg_t *reply = s_wait (self, call_id, deadline_mono, &cmd);
        if (!reply) {
            s_cancel (self, call_id);
            return qs_err_set (err, 504, "deadline_exceeded", "no reply before the deadline");
        }
        if (cmd == QS_CMD_FINAL) {
            rc = s_final (reply, reply_p, err);
            zmsg_destroy (&reply);
            return rc;
        }
        if (cmd == QS_CMD_PARTIAL && zmsg_size (reply) == 2) {
            char *event = zmsg_popstr (reply);
            char *data_text = zmsg_popstr (reply);
            const char *why = NULL;
            json_object *data = data_text ? qs_json_parse (data_text, strlen (data_text), &why) : NULL;
            int go_on = on_partial && event ? on_partial (event, data, arg) : 0;
            json_object_put (data);
            zstr_free (&event);
            zstr_free (&data_text);
            zmsg_destroy (&reply);
            if (go_on != 0) {
                s_cancel (self, call_id);
                return qs_err_set (err, 499, "cancelled", "the caller cancelled the request");
            }
            continue;
        }
        zmsg_destroy (&reply);
        if (cmd == QS_CMD_DISCONNECT)
            return qs_err_set (err, 503, "service_unavailable", "the broker refused the request");
    }
}

/*  A request/answer exchange with the broker itself (discovery, status). */
static zmsg_t *
s_ask (qs_client_t *self, qs_bus_cmd_t cmd, const char *arg, int timeout_ms)
{
    char call_id [QS_BUS_CALL_ID_MAX + 1];
    snprintf (call_id, sizeof call_id, "%" PRIu64, ++self->sequence);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, call_id);
    if (arg)
        zmsg_addstr (msg, arg);
    s_send (self, cmd, &msg);
    int got = 0;
    zmsg_t *reply = s_wait (self, call_id, qs_mono_ms () + timeout_ms, &got);
    if (reply && got != (int) cmd)
        zmsg_destroy (&reply);
    return reply;
}

int
qs_client_discover (qs_client_t *self, const char *service, int timeout_ms)
{
    assert (self);
    if (!qs_bus_name_valid (service))
        return 0;
    zmsg_t *reply = s_ask (self, QS_CMD_DISCOVER, service, timeout_ms);
    if (!reply)
        return -1;
    char count [16];
    int rc = -1;
    if (zmsg_size (reply) == 1 && qs_bus_pop_str (reply, count, sizeof count) == 0)
        rc = atoi (count);
    zmsg_destroy (&reply);
    return rc;
}

json_object *
qs_client_broker_status (qs_client_t *self, int timeout_ms)
{
    assert (self);
    zmsg_t *reply = s_ask (self, QS_CMD_STATUS, NULL, timeout_ms);
    if (!reply)
        return NULL;
    json_object *status = NULL;
    zframe_t *frame = zmsg_pop (reply);
    if (frame) {
        const char *why = NULL;
        status = qs_json_parse ((const char *) zframe_data (frame), zframe_size (frame), &why);
    }
    zframe_destroy (&frame);
    zmsg_destroy (&reply);
    return status;
}
